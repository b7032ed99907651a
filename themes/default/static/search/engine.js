/* bantin search, engine.js: running a query. The Engine loads what a query needs of the index
 * (through a `load` function given to it: load.js's in the page, a file reader in node) and
 * ranks it (rank.js): the manifest, the shards of the query's words, the postings of their
 * keys (the token, and for a query typed with a diacritic its matching exact forms), for a
 * phrase of two words or more the postings of the names that hold it, and the metadata chunks
 * of the results shown; nothing else.
 *
 * The first page of a one-word query comes from the heads of frequent keys (h/<key>.js:
 * their best postings by score, a few KB, see src/search/) when that is enough to know the
 * best results for sure (rankHeads); the full postings are then loaded in the background for
 * the count and the later pages. Otherwise, and always for a phrase (whose order the heads
 * cannot tell), the full postings are ranked first, as for a rare word.
 *
 * One of the parts of the search client (see text.js); needs text.js, index.js and rank.js
 * before it and adds to window.bantinSearch.
 */
(function (S) {
  "use strict";

  var parseQuery = S.parseQuery, formMatches = S.formMatches;
  var fileName = S.fileName, shardOf = S.shardOf, shardsForPrefix = S.shardsForPrefix;
  var decodePostings = S.decodePostings;
  var Ranking = S.Ranking, rankHeads = S.rankHeads, scoring = S.scoring;
  var WHOLE = S.WHOLE, PREFIX = S.PREFIX;

  /** Results shown at a time. */
  var PAGE = 20;
  /** The most name phrases a query's phrase expands to. */
  var PHRASE_CAP = 32;

  /** A load whose failure is reported where its result is used, not here. */
  function swallow(promise) {
    promise.catch(function () {});
  }

  /** The most tokens a prefix word expands to, by its length (shorter prefixes load less). */
  function expansionCap(prefix) {
    var n = Array.from(prefix).length;
    return n <= 2 ? 8 : n === 3 ? 16 : 32;
  }

  /** Whether an index key is a token (not a form key "thu=thư" nor a phrase "thu ngan"). */
  function isToken(key) {
    return key.indexOf("=") === -1 && key.indexOf(" ") === -1;
  }

  /** The exact forms of a token's entry that a query word asks for. */
  function formsOf(entry, w, whole) {
    var forms = entry[3] || [entry[0]];
    var prefix = !whole || w.prefix || w.fallback;
    return forms.filter(function (f) {
      return formMatches(f, w.form, prefix);
    });
  }

  /**
   * The phrase of a query as name phrases are keyed ("thu ngan sach", at most `most` words)
   * and whether it is open (its last word a prefix): null for fewer than two words.
   */
  function phraseOf(query, most) {
    if (query.seq.length < 2 || !most) return null;
    var ws = query.seq.slice(0, most).map(function (i) {
      return query.words[i];
    });
    var last = ws[ws.length - 1];
    return {
      text: ws.map(function (w) { return w.word; }).join(" "),
      open: query.seq.length <= most && !!(last.prefix || last.fallback),
    };
  }

  /** Whether a key is a name phrase that holds the phrase `p` (phraseOf) from its start. */
  function holds(key, p) {
    if (p.open) return key.slice(0, p.text.length) === p.text && key.indexOf(" ") !== -1;
    return key === p.text || key.slice(0, p.text.length + 1) === p.text + " ";
  }

  /**
   * A search engine over an index. `load(name)` resolves to the data of one index file:
   * "manifest", "s/<key>", "t/<key>", "h/<key>" or "d/<n>" (names already file-name
   * encoded).
   */
  function Engine(load) {
    this.load = load;
    this.cache = {};
    this.shards = {};
    this.postings = {};
    this.heads = {};
    // The postings of forms written as complements, made from their tokens'.
    this.forms = {};
    this.manifest = null;
  }

  Engine.prototype.get = function (name) {
    if (!this.cache[name]) {
      var self = this;
      this.cache[name] = this.load(name).catch(function (e) {
        delete self.cache[name];
        throw e;
      });
    }
    return this.cache[name];
  };

  Engine.prototype.init = async function () {
    if (!this.manifest) {
      var m = await this.get("manifest");
      m.keySet = new Set(m.shards);
      // Keys with postings of their own: key -> [df, bytes, forms?].
      m.ownMap = new Map(Object.entries(m.own || {}));
      this.manifest = m;
    }
    return this.manifest;
  };

  /** One shard, as a Map key -> [key, df, postings, forms?]. */
  Engine.prototype.shard = async function (key) {
    if (!this.shards[key]) {
      var rows = await this.get("s/" + fileName(key));
      var map = new Map();
      rows.forEach(function (r) {
        map.set(r[0], r);
      });
      this.shards[key] = map;
    }
    return this.shards[key];
  };

  /** The entry of one key, from the manifest when it has its own file, else its shard. */
  Engine.prototype.key = async function (k) {
    var m = this.manifest;
    var own = m.ownMap.get(k);
    if (own) return own.length > 2 ? [k, own[0], own[1], own[2]] : [k, own[0], own[1]];
    var sk = shardOf(m.keySet, k);
    return sk === null ? null : (await this.shard(sk)).get(k) || null;
  };

  Engine.prototype.postingsOf = async function (entry) {
    var key = entry[0];
    if (!this.postings[key]) {
      var b64 = typeof entry[2] === "string" ? entry[2] : await this.get("t/" + fileName(key));
      this.postings[key] = decodePostings(b64);
    }
    return this.postings[key];
  };

  /** The tokens a query word matches: [[entry, whole]] (whole: the word itself). */
  Engine.prototype.tokens = async function (w) {
    var m = this.manifest;
    if (!w.prefix) {
      var entry = await this.key(w.word);
      if (entry || Array.from(w.word).length < 2) return entry ? [[entry, true]] : [];
      w.fallback = true;
    }
    var self = this;
    var maps = await Promise.all(
      shardsForPrefix(m.shards, w.word).map(function (k) {
        return self.shard(k);
      })
    );
    var found = [];
    maps.forEach(function (map) {
      map.forEach(function (e, tok) {
        if (tok.slice(0, w.word.length) === w.word && isToken(tok)) found.push(e);
      });
    });
    found.sort(function (a, b) {
      return (b[0] === w.word) - (a[0] === w.word) || b[1] - a[1] || (a[0] < b[0] ? -1 : 1);
    });
    return found.slice(0, expansionCap(w.word)).map(function (e) {
      return [e, e[0] === w.word];
    });
  };

  /**
   * The index entries a query word matches: [{entry, whole, exact, without}], exact for the
   * keys of its exact form (only when `exact`: the query was typed with a diacritic). A token
   * of one form is exact when that form is the one asked for; a token of several has a key
   * per form, whose postings are the form's, or (marked 1) the token's bulletins without the
   * form: then the item is the token's entry, `without` that key's.
   */
  Engine.prototype.entries = async function (w, exact) {
    var tokens = await this.tokens(w);
    if (!exact) {
      return tokens.map(function (p) {
        return { entry: p[0], whole: p[1], exact: false };
      });
    }
    var self = this;
    var per = await Promise.all(
      tokens.map(async function (p) {
        var e = p[0];
        var forms = formsOf(e, w, p[1]);
        if (!e[3] || e[3].length < 2) return [{ entry: e, whole: p[1], exact: forms.length > 0 }];
        var keys = await Promise.all(
          forms.map(function (f) {
            return self.key(e[0] + "=" + f);
          })
        );
        return [{ entry: e, whole: p[1], exact: false }].concat(
          keys.filter(Boolean).map(function (fe) {
            return fe[3] === 1
              ? { entry: e, whole: p[1], exact: true, without: fe }
              : { entry: fe, whole: p[1], exact: true };
          })
        );
      })
    );
    return [].concat.apply([], per);
  };

  /** The entries of the name phrases that hold the query's phrase (none without one). */
  Engine.prototype.phrases = async function (query) {
    var m = this.manifest;
    var p = phraseOf(query, m.phrase);
    if (!p) return [];
    var self = this;
    var maps = await Promise.all(
      shardsForPrefix(m.shards, p.text).map(function (k) {
        return self.shard(k);
      })
    );
    var found = [];
    maps.forEach(function (map) {
      map.forEach(function (e, key) {
        if (holds(key, p)) found.push(e);
      });
    });
    found.sort(function (a, b) {
      return b[1] - a[1] || (a[0] < b[0] ? -1 : 1);
    });
    return found.slice(0, PHRASE_CAP);
  };

  /**
   * A query and the index entries of each of its words ([] for all when one has none), the
   * entries of the names that hold its phrase, and the units of its ranking.
   */
  Engine.prototype.lookup = async function (q) {
    await this.init();
    var query = parseQuery(q);
    var words = query.words;
    var self = this;
    // Look the words up in their shards first: a word that matches nothing ends the search
    // before any postings are loaded. The names that hold the phrase are looked up meanwhile
    // (again if a word turns out to be a prefix: no such whole word).
    var phrases = this.phrases(query);
    // Their postings start loading as soon as they are known, beside the words'.
    phrases.then(function (es) {
      es.forEach(function (e) {
        if (typeof e[2] !== "string") swallow(self.get("t/" + fileName(e[0])));
      });
    }, function () {});
    var entries = await Promise.all(
      words.map(function (w) {
        return self.entries(w, query.exact);
      })
    );
    if (words.length === 0 || entries.some(function (es) { return es.length === 0; })) {
      entries = [];
    }
    var fallback = query.seq.some(function (i) {
      return words[i].fallback;
    });
    phrases = !entries.length ? [] : fallback ? await this.phrases(query) : await phrases;
    return { query: query, words: words, entries: entries, phrases: phrases, units: scoring(words.length) };
  };

  /** Postings (or a head) without the bulletins of sorted `docs`. */
  function minus(p, docs) {
    var keep = [];
    for (var i = 0, j = 0; i < p.docs.length; i++) {
      while (j < docs.length && docs[j] < p.docs[i]) j++;
      if (j >= docs.length || docs[j] !== p.docs[i]) keep.push(i);
    }
    var pick = function (a) {
      var out = new a.constructor(keep.length);
      for (var k = 0; k < keep.length; k++) out[k] = a[keep[k]];
      return out;
    };
    return {
      docs: pick(p.docs),
      scores: pick(p.scores),
      titles: pick(p.titles),
      complete: p.complete,
      minScore: p.minScore,
      lastId: p.lastId,
    };
  }

  /** The full postings of an item of entries(). */
  Engine.prototype.itemPostings = async function (item) {
    if (!item.without) return this.postingsOf(item.entry);
    var key = item.without[0];
    if (!this.forms[key]) {
      var both = await Promise.all([this.postingsOf(item.entry), this.postingsOf(item.without)]);
      this.forms[key] = minus(both[0], both[1].docs);
    }
    return this.forms[key];
  };

  /** The head of an item of entries() (a form's complement goes with its token's head). */
  Engine.prototype.itemHead = async function (item) {
    if (!item.without) return this.headOf(item.entry);
    var both = await Promise.all([this.headOf(item.entry), this.postingsOf(item.without)]);
    return minus(both[0], both[1].docs);
  };

  /** A list as rank.js takes it, from postings (or a head) and the entry's place in a word. */
  function listOf(p, item, units) {
    return {
      docs: p.docs,
      scores: p.scores,
      titles: p.titles,
      weight: item.whole ? WHOLE : PREFIX,
      offset: item.exact ? units.exact : 0,
      complete: p.complete,
      minScore: p.minScore,
      lastId: p.lastId,
    };
  }

  /** The answer of a ranking: {query, words, units, total, ids, scores, complete}. */
  function answer(found, r, complete) {
    return {
      query: found.query,
      words: found.words,
      units: found.units,
      total: r.total === undefined ? r.ids.length : r.total,
      ids: r.ids,
      scores: r.scores,
      complete: complete,
    };
  }

  /** The full ranking of a lookup; `loaded` (optional) is fullLists(found), under way. */
  Engine.prototype.rankFull = async function (found, loaded) {
    if (found.entries.length === 0) {
      return answer(found, { ids: new Int32Array(0), scores: new Uint32Array(0) }, true);
    }
    var acc = await (loaded || this.fullLists(found));
    return answer(found, acc.finish(), true);
  };

  /**
   * Load the full postings of a lookup's words and phrase names, adding each to a Ranking as
   * soon as it is in (so that the work overlaps the loading); resolves to that Ranking.
   */
  Engine.prototype.fullLists = function (found) {
    var self = this;
    var acc = new Ranking(found.entries.length, this.manifest.ids || this.manifest.docs, { seq: found.query.seq, units: found.units });
    var words = found.entries.map(function (items, w) {
      return Promise.all(
        items.map(async function (item) {
          return listOf(await self.itemPostings(item), item, found.units);
        })
      ).then(function (ls) {
        acc.add(ls, w);
      });
    });
    var names = Promise.all(
      found.phrases.map(function (e) {
        return self.postingsOf(e);
      })
    ).then(function (ls) {
      acc.names(ls);
    });
    return Promise.all(words.concat([names])).then(function () {
      return acc;
    });
  };

  /** The head of an entry's postings: the full postings when they are short or inline. */
  Engine.prototype.headOf = async function (entry) {
    var m = this.manifest;
    var key = entry[0];
    if (typeof entry[2] === "string" || !m.head || entry[1] <= m.head) {
      var p = await this.postingsOf(entry);
      return { docs: p.docs, scores: p.scores, titles: p.titles, complete: true };
    }
    if (!this.heads[key]) {
      var h = await this.get("h/" + fileName(key));
      var d = decodePostings(h[2]);
      this.heads[key] = { docs: d.docs, scores: d.scores, titles: d.titles, complete: false, minScore: h[0], lastId: h[1] };
    }
    return this.heads[key];
  };

  /**
   * Run a query: {query, words, units, total, ids, scores, complete: true}; ids ranked best
   * first (rank.js's matchInfo(score, units) tells how each matched). Load the metadata of
   * some with `docs(ids)`.
   */
  Engine.prototype.search = async function (q) {
    return this.rankFull(await this.lookup(q));
  };

  /**
   * Run a query for its first `want` results, from the heads of frequent keys when they prove
   * them: as search(q) but with complete: false, ids the proven leading results (at least
   * `want`), total the number of matches known so far and rest() the full answer; or, when
   * the heads prove fewer (or the query is a phrase), that full answer.
   */
  Engine.prototype.first = async function (q, want) {
    this.prefetch(parseQuery(q), await this.init());
    var found = await this.lookup(q);
    var self = this;
    var m = this.manifest;
    var big = 0;
    found.entries.forEach(function (items) {
      items.forEach(function (item) {
        if (typeof item.entry[2] !== "string" && m.head && item.entry[1] > m.head) big++;
      });
    });
    if (big === 0 || found.query.seq.length !== 1) return this.rankFull(found);
    var perWord = await Promise.all(
      found.entries.map(function (items) {
        return Promise.all(
          items.map(async function (item) {
            return listOf(await self.itemHead(item), item, found.units);
          })
        );
      })
    );
    var r = rankHeads(perWord);
    if (r.ids.length < want) return this.rankFull(found);
    r.total = r.matched;
    var res = answer(found, r, false);
    res.rest = function () {
      return self.rankFull(found);
    };
    return res;
  };

  /**
   * Start loading, without waiting for the shards, what first() will need of the query's
   * frequent keys (listed in the manifest): for one word the heads of its token and asked
   * forms, for a phrase their full postings. The loads are cached; lookups then find them
   * under way.
   */
  Engine.prototype.prefetch = function (query, m) {
    var self = this;
    var phrase = query.seq.length > 1;
    var fetch = function (key, own) {
      var name = fileName(key);
      if (phrase) swallow(self.get("t/" + name));
      else if (m.head && own[0] > m.head) swallow(self.get("h/" + name));
    };
    query.words.forEach(function (w) {
      var own = m.ownMap.get(w.word);
      if (!own) return;
      fetch(w.word, own);
      if (!query.exact || !own[2] || own[2].length < 2) return;
      formsOf([w.word, own[0], own[1], own[2]], w, true).forEach(function (f) {
        var key = w.word + "=" + f;
        var form = m.ownMap.get(key);
        // A complement is loaded whole, beside its token's head or postings.
        if (form && form[2] === 1) swallow(self.get("t/" + fileName(key)));
        else if (form) fetch(key, form);
      });
    });
  };

  /** The metadata of one bulletin: {id, path, title, date, locality, snippet, topics}. */
  Engine.prototype.doc = async function (id) {
    var m = await this.init();
    var chunk = await this.get("d/" + Math.floor(id / m.chunk));
    var row = chunk[id % m.chunk];
    return { id: id, path: row[0], title: row[1], date: row[2], locality: row[3], snippet: row[4], topics: row[5] || [] };
  };

  /** The metadata of some bulletins, in order; each chunk file is loaded once. */
  Engine.prototype.docs = function (ids) {
    var self = this;
    return Promise.all(
      Array.from(ids, function (id) {
        return self.doc(id);
      })
    );
  };

  S.Engine = Engine;
  S.PAGE = PAGE;
})((globalThis.bantinSearch = globalThis.bantinSearch || {}));
