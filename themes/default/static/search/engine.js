/* bantin search, engine.js: running a query. The Engine loads what a query needs of the index
 * (through a `load` function given to it: load.js's in the page, a file reader in node) and
 * ranks it: the manifest, the shards of the query's words, the postings of frequent tokens and
 * the metadata chunks of the results shown; nothing else.
 *
 * The first page comes from the heads of frequent tokens (h/<token>.js: their best postings
 * by score, a few KB, see src/search/) when that is enough to know the best results for
 * sure (rankHeads); the full postings are then loaded in the background for the count and
 * the later pages. Otherwise the full postings are ranked first, as for a rare word.
 *
 * One of the parts of the search client (see text.js); needs text.js, index.js and rank.js
 * before it and adds to window.bantinSearch.
 */
(function (S) {
  "use strict";

  var parseQuery = S.parseQuery;
  var fileName = S.fileName, shardOf = S.shardOf, shardsForPrefix = S.shardsForPrefix;
  var decodePostings = S.decodePostings;
  var Ranking = S.Ranking, rankHeads = S.rankHeads, EXACT = S.EXACT, PREFIX = S.PREFIX;

  /** Results shown at a time. */
  var PAGE = 20;

  /** A load whose failure is reported where its result is used, not here. */
  function swallow(promise) {
    promise.catch(function () {});
  }


  /** The most tokens a prefix word expands to, by its length (shorter prefixes load less). */
  function expansionCap(prefix) {
    var n = Array.from(prefix).length;
    return n <= 2 ? 8 : n === 3 ? 16 : 32;
  }

  /**
   * A search engine over an index. `load(name)` resolves to the data of one index file:
   * "manifest", "s/<key>", "t/<token>", "h/<token>" or "d/<n>" (names already file-name
   * encoded).
   */
  function Engine(load) {
    this.load = load;
    this.cache = {};
    this.shards = {};
    this.postings = {};
    this.heads = {};
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
      // Tokens with postings of their own: token -> [df, bytes].
      m.ownMap = new Map(Object.entries(m.own || {}));
      this.manifest = m;
    }
    return this.manifest;
  };

  /** One shard, as a Map token -> [token, df, postings]. */
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

  Engine.prototype.postingsOf = async function (entry) {
    var tok = entry[0];
    if (!this.postings[tok]) {
      var b64 = typeof entry[2] === "string" ? entry[2] : await this.get("t/" + fileName(tok));
      this.postings[tok] = decodePostings(b64);
    }
    return this.postings[tok];
  };

  /** The index entries a query word matches: [[entry, exact]]. */
  Engine.prototype.entries = async function (w) {
    var m = this.manifest;
    if (!w.prefix) {
      // A frequent word is in the manifest: no need to wait for its shard.
      var own = m.ownMap.get(w.word);
      if (own) return [[[w.word, own[0], own[1]], true]];
      var key = shardOf(m.keySet, w.word);
      var entry = key === null ? null : (await this.shard(key)).get(w.word);
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
        if (tok.slice(0, w.word.length) === w.word) found.push(e);
      });
    });
    found.sort(function (a, b) {
      return (b[0] === w.word) - (a[0] === w.word) || b[1] - a[1] || (a[0] < b[0] ? -1 : 1);
    });
    return found.slice(0, expansionCap(w.word)).map(function (e) {
      return [e, e[0] === w.word];
    });
  };

  /** The head of an entry's postings: the full postings when they are short or inline. */
  Engine.prototype.headOf = async function (entry) {
    var m = this.manifest;
    var tok = entry[0];
    if (typeof entry[2] === "string" || !m.head || entry[1] <= m.head) {
      var p = await this.postingsOf(entry);
      return { docs: p.docs, scores: p.scores, complete: true };
    }
    if (!this.heads[tok]) {
      var h = await this.get("h/" + fileName(tok));
      var d = decodePostings(h[2]);
      this.heads[tok] = { docs: d.docs, scores: d.scores, complete: false, minScore: h[0], lastId: h[1] };
    }
    return this.heads[tok];
  };

  /** The words of a query and the index entries of each ([] for all when one has none). */
  Engine.prototype.lookup = async function (q) {
    await this.init();
    var words = parseQuery(q);
    var self = this;
    // Look the words up in their shards first: a word that matches nothing ends the search
    // before any postings are loaded.
    var entries = await Promise.all(
      words.map(function (w) {
        return self.entries(w);
      })
    );
    if (words.length === 0 || entries.some(function (es) { return es.length === 0; })) {
      entries = [];
    }
    return { words: words, entries: entries };
  };

  /** Load `of(entry)` for every entry: per word, [{docs, scores, weight, …}]. */
  function lists(entries, of) {
    return Promise.all(
      entries.map(function (es) {
        return Promise.all(
          es.map(async function (pair) {
            var p = await of(pair[0]);
            return {
              docs: p.docs,
              scores: p.scores,
              weight: pair[1] ? EXACT : PREFIX,
              complete: p.complete,
              minScore: p.minScore,
              lastId: p.lastId
            };
          })
        );
      })
    );
  }

  /** The full ranking of a lookup; `loaded` (optional) is fullLists(found), under way. */
  Engine.prototype.rankFull = async function (found, loaded) {
    if (found.entries.length === 0) {
      return { words: found.words, total: 0, ids: new Int32Array(0), scores: new Uint32Array(0), complete: true };
    }
    var acc = await (loaded || this.fullLists(found));
    var r = acc.finish();
    return { words: found.words, total: r.ids.length, ids: r.ids, scores: r.scores, complete: true };
  };

  /**
   * Load the full postings of a lookup's words, adding each word to a Ranking as soon as its
   * lists are in (so that the work overlaps the loading); resolves to that Ranking.
   */
  Engine.prototype.fullLists = function (found) {
    var self = this;
    var acc = new Ranking(found.entries.length, this.manifest.docs);
    return Promise.all(
      found.entries.map(function (es) {
        return Promise.all(
          es.map(async function (pair) {
            var p = await self.postingsOf(pair[0]);
            return { docs: p.docs, scores: p.scores, weight: pair[1] ? EXACT : PREFIX };
          })
        ).then(function (ls) {
          acc.add(ls);
        });
      })
    ).then(function () {
      return acc;
    });
  };

  /**
   * Run a query: {words, total, ids, scores, complete: true}; ids ranked best first. Load the
   * metadata of some with `docs(ids)`.
   */
  Engine.prototype.search = async function (q) {
    return this.rankFull(await this.lookup(q));
  };

  /**
   * Run a query for its first `want` results, from the heads of frequent tokens when they
   * prove them: {words, total, ids, scores, complete: false, rest}, with ids the proven
   * leading results (at least `want`), total the number of matches known so far and rest()
   * the full answer, as search(q) gives; or, when the heads prove fewer, that full answer.
   * With a single word the full lists load only when rest() is called.
   */
  Engine.prototype.first = async function (q, want) {
    this.prefetch(parseQuery(q), await this.init());
    var found = await this.lookup(q);
    var self = this;
    var m = this.manifest;
    var big = 0;
    found.entries.forEach(function (es) {
      es.forEach(function (pair) {
        if (typeof pair[0][2] !== "string" && m.head && pair[0][1] > m.head) big++;
      });
    });
    if (big === 0) return this.rankFull(found);
    // One word's heads prove its best results; an AND of several frequent words often needs
    // the full lists (when the words' best bulletins differ), so these load meanwhile.
    var heads = lists(found.entries, function (e) {
      return self.headOf(e);
    });
    var full = found.words.length > 1 ? this.fullLists(found) : null;
    if (full) full.catch(function () {}); // the error, if any, is rest()'s
    var perWord = await heads;
    var r = rankHeads(perWord);
    if (r.ids.length < want) return this.rankFull(found, full);
    return {
      words: found.words,
      total: r.matched,
      ids: r.ids,
      scores: r.scores,
      complete: false,
      rest: function () {
        return self.rankFull(found, full);
      }
    };
  };

  /**
   * Start loading, without waiting for the shards, what first() will need of the query's
   * frequent words (listed in the manifest): their heads, and with several words their
   * full postings. The loads are cached; lookups then find them under way.
   */
  Engine.prototype.prefetch = function (words, m) {
    var self = this;
    words.forEach(function (w) {
      var own = m.ownMap.get(w.word);
      if (!own) return;
      var name = fileName(w.word);
      if (m.head && own[0] > m.head) swallow(self.get("h/" + name));
      if (words.length > 1) swallow(self.get("t/" + name));
    });
  };

  /** The metadata of one bulletin: {id, path, title, date, locality, snippet}. */
  Engine.prototype.doc = async function (id) {
    var m = await this.init();
    var chunk = await this.get("d/" + Math.floor(id / m.chunk));
    var row = chunk[id % m.chunk];
    return { id: id, path: row[0], title: row[1], date: row[2], locality: row[3], snippet: row[4] };
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
