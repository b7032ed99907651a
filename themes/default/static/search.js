/* bantin search: the client of the static index written by src/search.rs.
 *
 * The page holds <div id="search" data-index="…/tim-kiem/index/" data-root="…/"
 * data-suffix=""> with a <form role="search"> holding <input id="q">, an <ol id="results">
 * and a <p id="search-status" aria-live="polite">. `?q=` in the address runs that query;
 * typing runs it again (debounced) and keeps `?q=` in sync.
 *
 * Index files are JavaScript files that call window.bantinSearch.add(key, data); they are
 * loaded with <script> tags, which works over http(s) and from file:// alike. A query loads
 * the manifest, the shards of its words, the postings of frequent tokens and the metadata
 * chunks of the results shown; nothing else.
 *
 * The first page comes from the heads of frequent tokens (h/<token>.js: their best postings
 * by score, a few KB, see src/search.rs) when that is enough to know the best results for
 * sure (rankHeads); the full postings are then loaded in the background for the count and
 * the later pages. Otherwise the full postings are ranked first, as for a rare word.
 *
 * Matching folds like the Rust side (crate::vi::fold): NFD, lowercase, marks removed,
 * đ → d. Every word must match (AND); the last word matches as a prefix while it is being
 * typed (no trailing space), the others as whole words (or as prefixes when no such word
 * exists). Plain ES2017 and Unicode property escapes; no dependencies. In node, the pure
 * functions and the engine are exported (see tests/browser/search_unit.mjs).
 */
(function (global) {
  "use strict";

  var MARKS, NON_WORD, WORD, TRAILING_SEP;
  try {
    MARKS = new RegExp("\\p{M}", "gu");
    NON_WORD = new RegExp("[^\\p{Alphabetic}\\p{N}]+", "u");
    WORD = new RegExp("[\\p{Alphabetic}\\p{M}\\p{N}]+", "gu");
    TRAILING_SEP = new RegExp("[^\\p{Alphabetic}\\p{M}\\p{N}]$", "u");
  } catch (e) {
    MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
    NON_WORD = /[^0-9a-z\u00c0-\u024f\u1e00-\u1eff]+/;
    WORD = /[0-9A-Za-z\u00c0-\u024f\u0300-\u036f\u1e00-\u1eff]+/g;
    TRAILING_SEP = /[^0-9A-Za-z\u00c0-\u024f\u0300-\u036f\u1e00-\u1eff]$/;
  }

  var now = function () {
    return typeof performance === "object" ? performance.now() : Date.now();
  };

  /** Results shown at a time. */
  var PAGE = 20;
  /** Weights of a token matched whole and as a prefix only. */
  var EXACT = 4;
  var PREFIX = 3;

  /** Fold for matching: "Đồng Tháp" -> "dong thap", NFC and NFD alike. */
  function fold(s) {
    return String(s)
      .normalize("NFD")
      .toLowerCase()
      .normalize("NFD")
      .replace(MARKS, "")
      .replace(/đ/g, "d");
  }

  /** Folded tokens, as crate::vi::tokens: "Thu ngân sách, 2020" -> [thu, ngan, sach, 2020]. */
  function tokenize(s) {
    return fold(s)
      .split(NON_WORD)
      .filter(function (t) {
        return t.length > 0;
      });
  }

  /** The words of a query: [{word, prefix}]; the last one is a prefix while being typed. */
  function parseQuery(q) {
    var words = tokenize(q);
    var open = q.length > 0 && !TRAILING_SEP.test(q);
    // A one-letter word being typed after others ("dong s") is not looked up yet: as a whole
    // word it would empty the results at every new word, as a prefix it would load too much.
    if (open && words.length > 1 && Array.from(words[words.length - 1]).length < 2) {
      words.pop();
      open = false;
    }
    var seen = {};
    var out = [];
    words.forEach(function (w, i) {
      var prefix = open && i === words.length - 1 && Array.from(w).length >= 2;
      var key = w + (prefix ? "*" : "");
      if (seen[key]) return;
      seen[key] = true;
      out.push({ word: w, prefix: prefix });
    });
    // A whole word that is also the prefix word adds nothing: "thu thu" is "thu".
    return out.filter(function (x) {
      return x.prefix || !out.some(function (y) {
        return y.prefix && y !== x && y.word === x.word;
      });
    });
  }

  /** A key or token as a file name, as search.rs writes it. */
  function fileName(key) {
    var out = "";
    Array.from(key).forEach(function (c) {
      if (/[a-z0-9]/.test(c)) out += c;
      else out += "_" + c.codePointAt(0).toString(16) + "_";
    });
    return out;
  }

  /** The shard of a token: the longest key that is a prefix of it (keys: a Set). */
  function shardOf(keys, token) {
    var chars = Array.from(token);
    for (var n = chars.length; n > 0; n--) {
      var p = chars.slice(0, n).join("");
      if (keys.has(p)) return p;
    }
    return null;
  }

  /** The shards that can hold tokens starting with p (keys: sorted array). */
  function shardsForPrefix(keys, p) {
    var out = [];
    var own = shardOf(new Set(keys), p);
    if (own !== null) out.push(own);
    keys.forEach(function (k) {
      if (k !== own && k.length >= p.length && k.slice(0, p.length) === p) out.push(k);
    });
    return out;
  }

  /** A load whose failure is reported where its result is used, not here. */
  function swallow(promise) {
    promise.catch(function () {});
  }

  /** Decode base64 LEB128 postings: {docs: Int32Array, scores: Uint8Array}. */
  function decodePostings(b64) {
    var bin = typeof atob === "function" ? atob(b64) : Buffer.from(b64, "base64").toString("latin1");
    var n = bin.length;
    var docs = new Int32Array(n);
    var scores = new Uint8Array(n);
    var k = 0, prev = -1, v = 0, mul = 1;
    for (var i = 0; i < n; i++) {
      var b = bin.charCodeAt(i);
      v += (b & 127) * mul;
      if (b & 128) {
        mul *= 128;
      } else {
        var doc = prev + 1 + Math.floor(v / 16);
        docs[k] = doc;
        scores[k] = (v % 16) + 1;
        k++;
        prev = doc;
        v = 0;
        mul = 1;
      }
    }
    return { docs: docs.subarray(0, k), scores: scores.subarray(0, k) };
  }

  /**
   * Rank documents that match every word. `words` is an array (one per query word) of
   * arrays of {docs, scores, weight}; a document's score for a word is its best
   * score × weight over that word's lists, and its total the sum over words.
   * Returns {ids, scores} (typed arrays): best first, then lower id (newer) first.
   * Linear in the number of documents: typed arrays and a counting sort, no comparisons.
   * Each loop is a function of its own, so that the engine optimises each as it gets hot
   * (one function of many loops runs mostly unoptimised on a fresh page).
   */
  function rank(words, ndocs) {
    var acc = new Ranking(words.length, ndocs);
    words.forEach(function (lists) {
      acc.add(lists);
    });
    return acc.finish();
  }

  /**
   * rank(), one word at a time in any order (as their postings arrive): add(lists) for each
   * of the n words, then finish().
   */
  function Ranking(n, ndocs) {
    this.n = n;
    this.total = new Uint32Array(ndocs);
    this.count = new Uint16Array(ndocs);
    this.best = null;
    this.touched = null;
    this.max = 0;
    this.result = null;
  }

  Ranking.prototype.add = function (lists) {
    var max;
    if (lists.length === 1) {
      max = addList(lists[0].docs, lists[0].scores, lists[0].weight, this.total, this.count);
    } else {
      // The best of the word's lists for each document, then added once.
      if (!this.best) {
        this.best = new Uint16Array(this.total.length);
        this.touched = new Int32Array(this.total.length);
      }
      var nt = 0;
      for (var l = 0; l < lists.length; l++) {
        nt = bestOf(lists[l].docs, lists[l].scores, lists[l].weight, this.best, this.touched, nt);
      }
      max = addBest(this.touched, nt, this.total, this.count, this.best);
    }
    if (max > this.max) this.max = max;
  };

  Ranking.prototype.finish = function () {
    if (this.result) return this.result;
    var n = this.n, count = this.count, total = this.total, maxTotal = this.max;
    if (n === 0) return (this.result = { ids: new Int32Array(0), scores: new Uint32Array(0) });
    var hist = new Uint32Array(maxTotal + 2);
    var m = histogram(count, total, n, hist);
    // Counting sort by total, descending; ids ascending within a total.
    var pos = new Uint32Array(maxTotal + 2);
    for (var v = maxTotal - 1, acc = hist[maxTotal]; v >= 0; v--) {
      pos[v] = acc;
      acc += hist[v];
    }
    var ids = new Int32Array(m);
    var scores = new Uint32Array(m);
    place(count, total, n, pos, ids, scores);
    return (this.result = { ids: ids, scores: scores });
  };

  /** Add one list (a word's only one) to the totals; returns the highest total reached. */
  function addList(docs, sc, weight, total, count) {
    var max = 0;
    for (var i = 0; i < docs.length; i++) {
      var d = docs[i];
      var x = total[d] + sc[i] * weight;
      total[d] = x;
      if (x > max) max = x;
      count[d]++;
    }
    return max;
  }

  /** The best score of each document of a list, kept in `best` (touched: those seen). */
  function bestOf(docs, sc, weight, best, touched, nt) {
    for (var i = 0; i < docs.length; i++) {
      var d = docs[i];
      var s = sc[i] * weight;
      if (best[d] === 0) touched[nt++] = d;
      if (s > best[d]) best[d] = s;
    }
    return nt;
  }

  /** Add the best scores of a word to the totals; returns the highest total reached. */
  function addBest(touched, nt, total, count, best) {
    var max = 0;
    for (var t = 0; t < nt; t++) {
      var d = touched[t];
      var x = total[d] + best[d];
      total[d] = x;
      if (x > max) max = x;
      count[d]++;
      best[d] = 0;
    }
    return max;
  }

  /** Documents matching all n words, counted by total; returns how many. */
  function histogram(count, total, n, hist) {
    var m = 0;
    for (var e = 0; e < count.length; e++) {
      if (count[e] === n) {
        hist[total[e]]++;
        m++;
      }
    }
    return m;
  }

  function place(count, total, n, pos, ids, scores) {
    for (var f = 0; f < count.length; f++) {
      if (count[f] === n) {
        var at = pos[total[f]]++;
        ids[at] = f;
        scores[at] = total[f];
      }
    }
  }

  /**
   * Rank from heads: `words` as for rank, but a list may be a head, {docs, scores, weight,
   * complete: false, minScore, lastId}, holding the best postings of a longer list by score
   * (then lower id); every posting left out scores below minScore, or equal with an id above
   * lastId. Complete lists have `complete` true (or undefined).
   * Returns {ids, scores, matched}: ids are the leading results of the full ranking that the
   * heads prove (best first, then lower id; exactly those of rank() on the full lists, as far
   * as they go, maybe none), and matched the number of documents known to match every word
   * (a lower bound of the total). Work is linear in the lengths of the heads.
   */
  function rankHeads(words) {
    var nw = words.length;
    var none = { ids: new Int32Array(0), scores: new Uint32Array(0), matched: 0 };
    if (nw === 0) return none;
    var cap = 0;
    words.forEach(function (lists) {
      lists.forEach(function (l) {
        cap += l.docs.length;
      });
    });
    var index = new Map();
    var seen = new Int32Array(cap);
    var known = new Uint16Array(cap * nw);
    var n = 0;
    // Per word, the bounds of what its incomplete lists leave out: [lastId, hi, lo] each.
    var bounds = [];
    for (var w = 0; w < nw; w++) {
      var lists = words[w];
      var b = [];
      for (var l = 0; l < lists.length; l++) {
        var L = lists[l], docs = L.docs, sc = L.scores, weight = L.weight;
        if (L.complete === false) b.push([L.lastId, L.minScore * weight, (L.minScore - 1) * weight]);
        for (var i = 0; i < docs.length; i++) {
          var d = docs[i];
          var k = index.get(d);
          if (k === undefined) {
            k = n++;
            index.set(d, k);
            seen[k] = d;
          }
          var s = sc[i] * weight;
          if (s > known[k * nw + w]) known[k * nw + w] = s;
        }
      }
      bounds.push(b);
    }
    // The most a document with id d can score for word w in the postings left out.
    var bound = function (w, d) {
      var b = bounds[w], best = 0;
      for (var j = 0; j < b.length; j++) {
        var v = d > b[j][0] ? b[j][1] : b[j][2];
        if (v > best) best = v;
      }
      return best;
    };
    // The most a document seen in no head can score (monotone in its id).
    var unseen = function (d) {
      var t = 0;
      for (var w = 0; w < nw; w++) {
        var v = bound(w, d);
        if (v === 0) return 0;
        t += v;
      }
      return t;
    };
    var exactIds = [], exactScores = [];
    var matched = 0;
    var mUb = 0, mId = -1;
    for (var e = 0; e < n; e++) {
      var doc = seen[e];
      var total = 0, ub = 0, all = true, exact = true, out = false;
      for (var x = 0; x < nw; x++) {
        var kn = known[e * nw + x];
        var bd = bound(x, doc);
        if (kn === 0) {
          all = false;
          if (bd === 0) {
            out = true;
            break;
          }
        }
        if (kn < bd) exact = false;
        total += kn;
        ub += kn > bd ? kn : bd;
      }
      if (out) continue;
      if (all) matched++;
      if (all && exact) {
        exactIds.push(doc);
        exactScores.push(total);
      } else if (ub > mUb || (ub === mUb && doc < mId)) {
        mUb = ub;
        mId = doc;
      }
    }
    var order = exactIds.map(function (_, i) {
      return i;
    });
    order.sort(function (a, b) {
      return exactScores[b] - exactScores[a] || exactIds[a] - exactIds[b];
    });
    var top = unseen(Infinity);
    var sure = 0;
    for (; sure < order.length; sure++) {
      var S = exactScores[order[sure]], id = exactIds[order[sure]];
      if (mUb > S || (mUb === S && mId < id)) break;
      if (top > S) break;
      if (id > 0 && unseen(id - 1) >= S) break;
    }
    var ids = new Int32Array(sure), scores = new Uint32Array(sure);
    for (var r = 0; r < sure; r++) {
      ids[r] = exactIds[order[r]];
      scores[r] = exactScores[order[r]];
    }
    return { ids: ids, scores: scores, matched: matched };
  }

  /** Whether a folded token matches a query's words (whole, or as a prefix for prefix words). */
  function matcher(words) {
    return function (token) {
      return words.some(function (w) {
        return w.prefix || w.fallback ? token.slice(0, w.word.length) === w.word : token === w.word;
      });
    };
  }

  /** Cut text into [[text, marked], …], marking the words that `match` accepts. */
  function highlight(text, match) {
    var out = [];
    var last = 0;
    var push = function (s, marked) {
      if (!s) return;
      var prev = out[out.length - 1];
      if (prev && prev[1] === marked) prev[0] += s;
      else out.push([s, marked]);
    };
    String(text).replace(WORD, function (word, offset) {
      var hit = tokenize(word).some(match);
      if (hit) {
        push(text.slice(last, offset), false);
        push(word, true);
        last = offset + word.length;
      }
      return word;
    });
    push(text.slice(last), false);
    return out;
  }

  /** The most tokens a prefix word expands to, by its length (shorter prefixes load less). */
  function expansionCap(prefix) {
    var n = Array.from(prefix).length;
    return n <= 2 ? 8 : n === 3 ? 16 : 32;
  }

  /**
   * A search engine over an index. `load(name)` resolves to the data of one index file:
   * "manifest", "s/<key>", "t/<token>" or "d/<n>" (names already file-name encoded).
   */
  function Engine(load) {
    this.load = load;
    this.cache = {};
    this.shards = {};
    this.postings = {};
    this.heads = {};
    this.manifest = null;
    /** Milliseconds spent decoding and ranking postings (for benchmarks). */
    this.work = 0;
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
      var t0 = now();
      this.postings[tok] = decodePostings(b64);
      this.work += now() - t0;
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
      var t0 = now();
      var d = decodePostings(h[2]);
      this.work += now() - t0;
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
    var t0 = now();
    var r = acc.finish();
    this.work += now() - t0;
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
          var t0 = now();
          acc.add(ls);
          self.work += now() - t0;
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
    var t0 = now();
    var r = rankHeads(perWord);
    this.work += now() - t0;
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

  var api = {
    fold: fold,
    tokenize: tokenize,
    parseQuery: parseQuery,
    fileName: fileName,
    shardOf: shardOf,
    shardsForPrefix: shardsForPrefix,
    decodePostings: decodePostings,
    rank: rank,
    rankHeads: rankHeads,
    matcher: matcher,
    highlight: highlight,
    Engine: Engine,
    PAGE: PAGE
  };

  if (typeof module === "object" && module.exports) {
    module.exports = api;
    return;
  }

  // ---- the page ----

  var registry = (global.bantinSearch = global.bantinSearch || {});
  var waiting = {};
  // Data that came before it was asked for: the page may load manifest.js with a <script>
  // tag right after this file, saving a round trip.
  var early = {};
  registry.api = api;
  // For benchmarks: each index file's key and when it arrived (ms since navigation).
  registry.trace = [];
  registry.add = function (key, data) {
    registry.trace.push([key, performance.now()]);
    var w = waiting[key];
    if (w) {
      delete waiting[key];
      w.resolve(data);
    } else {
      early[key] = data;
    }
  };

  function folderOf(href) {
    href = href || "";
    href = href.replace(/index\.html$/, "");
    if (href && href.charAt(href.length - 1) !== "/") href += "/";
    return href;
  }

  function scriptLoader(base, engine) {
    return function (name) {
      if (Object.prototype.hasOwnProperty.call(early, name)) {
        var data = early[name];
        delete early[name];
        return Promise.resolve(data);
      }
      return new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        var v = engine.manifest && name !== "manifest" ? "?v=" + engine.manifest.version : "";
        waiting[name] = { resolve: resolve };
        s.src = base + name + ".js" + v;
        s.async = true;
        s.onload = function () {
          s.remove();
          if (waiting[name]) {
            delete waiting[name];
            reject(new Error("no data in " + s.src));
          }
        };
        s.onerror = function () {
          s.remove();
          delete waiting[name];
          reject(new Error("cannot load " + s.src));
        };
        document.head.appendChild(s);
      });
    };
  }

  function text(el, s) {
    el.textContent = s;
    return el;
  }

  function marked(parent, segments) {
    segments.forEach(function (seg) {
      if (seg[1]) parent.appendChild(text(document.createElement("mark"), seg[0]));
      else parent.appendChild(document.createTextNode(seg[0]));
    });
    return parent;
  }

  function init() {
    var box = document.getElementById("search");
    if (!box) return;
    var input = document.getElementById("q");
    var list = document.getElementById("results");
    var status = document.getElementById("search-status");
    var form = input && input.form;
    var msg = function (name, fallback) {
      return box.getAttribute("data-msg-" + name) || fallback;
    };
    var base = folderOf(box.getAttribute("data-index"));
    var root = folderOf(box.getAttribute("data-root"));
    var suffix = box.getAttribute("data-suffix") || "";
    var engine = new Engine(null);
    engine.load = scriptLoader(base, engine);
    var seq = 0;
    var timer = null;
    var current = null;
    var more = null;

    function setStatus(s) {
      if (status) status.textContent = s;
    }

    function link(path) {
      return root + path + (path.charAt(path.length - 1) === "/" ? suffix : "");
    }

    function render(rows, words) {
      var match = matcher(words);
      rows.forEach(function (r) {
        var li = document.createElement("li");
        var h = document.createElement("h2");
        var a = document.createElement("a");
        a.href = link(r.path);
        marked(a, highlight(r.title, match));
        h.appendChild(a);
        li.appendChild(h);
        var meta = document.createElement("p");
        meta.className = "meta";
        var time = text(document.createElement("time"), r.date);
        var dmy = r.date.split("/");
        if (dmy.length === 3) time.setAttribute("datetime", dmy[2] + "-" + dmy[1] + "-" + dmy[0]);
        meta.appendChild(time);
        if (r.locality) meta.appendChild(document.createTextNode(" · " + r.locality));
        li.appendChild(meta);
        if (r.snippet) {
          var p = document.createElement("p");
          p.className = "snippet";
          li.appendChild(marked(p, highlight(r.snippet, match)));
        }
        list.appendChild(li);
      });
    }

    function moreButton() {
      if (more) more.remove();
      more = null;
      if (current && current.complete && current.shown < current.total) {
        more = text(document.createElement("button"), msg("more", "Xem thêm"));
        more.type = "button";
        more.addEventListener("click", function () {
          showPage(seq, current, null);
        });
        list.parentNode.insertBefore(more, list.nextSibling);
      }
    }

    /**
     * Show the next page of `res`, each result as soon as its chunk is there (in rank
     * order). `first` runs before the first one is shown (to replace the old results).
     */
    async function showPage(mySeq, res, first) {
      var ids = Array.from(res.ids.subarray(res.shown, res.shown + PAGE));
      var pending = ids.map(function (id) {
        return engine.doc(id);
      });
      for (var i = 0; i < pending.length; i++) {
        var row = await pending[i];
        if (mySeq !== seq) return false;
        if (first) {
          first();
          first = null;
        }
        render([row], res.words);
        res.shown++;
      }
      moreButton();
      return true;
    }

    async function run(q, record) {
      var mySeq = ++seq;
      var started = performance.now();
      if (record) {
        try {
          var u = new URL(location.href);
          if (q) u.searchParams.set("q", q);
          else u.searchParams.delete("q");
          history.replaceState(history.state, "", u.href);
        } catch (e) {
          /* file:// in some browsers */
        }
      }
      box.setAttribute("data-state", "busy");
      if (!q.trim()) {
        list.textContent = "";
        if (more) more.remove();
        more = null;
        setStatus("");
        box.setAttribute("data-state", "idle");
        return;
      }
      try {
        box.setAttribute("data-started-at", String(Math.round(started)));
        engine.work = 0;
        var res = await engine.first(q, PAGE);
        if (mySeq !== seq) return;
        res.shown = 0;
        var count = function (r) {
          if (r.total === 0) return msg("none", "Không tìm thấy bản tin nào cho “{q}”.").replace("{q}", q.trim());
          var n = r.total.toLocaleString("vi-VN");
          return r.complete
            ? msg("count", "{n} bản tin cho “{q}”.").replace("{n}", n).replace("{q}", q.trim())
            : msg("partial", "Ít nhất {n} bản tin cho “{q}”…").replace("{n}", n).replace("{q}", q.trim());
        };
        var replace = function () {
          list.textContent = "";
          current = res;
          setStatus(count(res));
          box.setAttribute("data-first-ms", String(Math.round(performance.now() - started)));
        };
        if (res.total === 0) {
          replace();
          moreButton();
        } else if (!(await showPage(mySeq, res, replace))) {
          return;
        }
        // For tests: how long the first page took, the whole query (with the count), and when
        // it was done (ms since navigation).
        box.setAttribute("data-ms", String(Math.round(performance.now() - started)));
        box.setAttribute("data-page-work-ms", engine.work.toFixed(1));
        box.setAttribute("data-page-at", String(Math.round(performance.now())));
        if (!res.complete) {
          // The page shown is proven; the full postings give the count and the later pages.
          var full = await res.rest();
          if (mySeq !== seq) return;
          full.shown = res.shown;
          current = full;
          setStatus(count(full));
          moreButton();
        }
        box.setAttribute("data-complete-ms", String(Math.round(performance.now() - started)));
        box.setAttribute("data-work-ms", engine.work.toFixed(1));
        box.setAttribute("data-done-at", String(Math.round(performance.now())));
        box.setAttribute("data-state", "done");
      } catch (e) {
        if (mySeq !== seq) return;
        setStatus(msg("error", "Không tải được chỉ mục tìm kiếm."));
        box.setAttribute("data-state", "error");
        if (global.console) console.error(e);
      }
    }

    if (form) {
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        clearTimeout(timer);
        run(input.value, true);
      });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        run(input.value, true);
      }, 100);
    });
    var q = new URLSearchParams(location.search).get("q") || "";
    box.setAttribute("data-state", "idle");
    if (q) {
      input.value = q;
      run(q, false);
    }
  }

  if (typeof document !== "undefined") {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
    else init();
  }
})(typeof window !== "undefined" ? window : globalThis);
