/* bantin search, rank.js: ranking. Orders the documents that match every word of a query,
 * from full postings (rank, Ranking) or, for one word, from the heads of frequent keys
 * (rankHeads), the same order both ways.
 *
 * A document's total is one number, compared as these keys one after the other:
 *   1. how many of the query's words it has in their exact form (only for a query typed with
 *      a diacritic: EXACT_FORM each);
 *   2. where it has the words together and in order, as typed (a phrase, two words or more):
 *      in its title and in one of its names (topics, localities, term, indicators) first, then
 *      in its title, then in a name (PHRASE_TITLE, PHRASE_NAME);
 *   3. the sum over words of the best score of its lists × the list's weight (WHOLE for the
 *      word itself, PREFIX for a longer word it starts); a score is title 8 + topic 4 + a level
 *      0..3 for the rest (index.js), so a single word ranks title and topic, title, topic, then
 *      the rest;
 * then the lower id (newer) first. scoring(n) gives the units that keep these keys apart.
 *
 * One of the parts of the search client (see text.js); adds to window.bantinSearch.
 */
(function (S) {
  "use strict";

  /** Weights of a key matched whole and as a prefix only. */
  var WHOLE = 4;
  var PREFIX = 3;
  /** The highest score of a posting. */
  var MAX_SCORE = 15;

  /**
   * The units of a query of n words: {n, name, title, exact}. A phrase in a name adds `name`,
   * in the title `title`, each word in its exact form `exact`; each is more than all the keys
   * after it can add together.
   */
  function scoring(n) {
    var name = MAX_SCORE * WHOLE * n + 1;
    return { n: n, name: name, title: 2 * name, exact: 4 * name };
  }

  /** What a total says of a document: {exact: words in exact form, title, name, phrase}. */
  function matchInfo(total, units) {
    var exact = Math.floor(total / units.exact);
    var rest = total % units.exact;
    var title = rest >= units.title;
    if (title) rest -= units.title;
    var name = rest >= units.name;
    return { exact: exact, title: title, name: name, phrase: title || name };
  }

  /**
   * Rank documents that match every word. `words` is an array (one per query word) of
   * arrays of {docs, scores, weight, offset, titles}; a document's value for a word is its
   * best score × weight + offset over that word's lists, and its total the sum over words,
   * plus the phrase units of `opts` ({seq, units, names}: the query's order, scoring(n), and
   * lists of the documents that hold the phrase in a name).
   * Returns {ids, scores} (typed arrays): best first, then lower id (newer) first.
   * Linear in the number of documents: typed arrays and a counting sort, no comparisons.
   * Each loop is a function of its own, so that the JavaScript engine optimises each as it
   * gets hot (one function of many loops runs mostly unoptimised on a fresh page).
   */
  function rank(words, ndocs, opts) {
    var acc = new Ranking(words.length, ndocs, opts);
    words.forEach(function (lists, w) {
      acc.add(lists, w);
    });
    if (opts && opts.names) acc.names(opts.names);
    return acc.finish();
  }

  /**
   * rank(), one word at a time in any order (as their postings arrive): add(lists, w) for
   * each of the n words (w its index), names(lists) once for the phrase's names, then
   * finish(). `opts` as for rank.
   */
  function Ranking(n, ndocs, opts) {
    opts = opts || {};
    this.n = n;
    this.total = new Uint32Array(ndocs);
    this.count = new Uint16Array(ndocs);
    this.best = null;
    this.touched = null;
    this.max = 0;
    this.result = null;
    // A phrase of two words or more: the title places of each word, and the documents that
    // hold the phrase in a name.
    this.seq = opts.seq && opts.seq.length > 1 ? opts.seq : null;
    this.units = opts.units || scoring(n);
    this.places = this.seq ? [] : null;
    this.inName = null;
  }

  Ranking.prototype.add = function (lists, w) {
    var max;
    if (lists.length === 1) {
      var L = lists[0];
      max = addList(L.docs, L.scores, L.weight, L.offset || 0, this.total, this.count);
    } else {
      // The best of the word's lists for each document, then added once.
      if (!this.best) {
        this.best = new Uint32Array(this.total.length);
        this.touched = new Int32Array(this.total.length);
      }
      var nt = 0;
      for (var l = 0; l < lists.length; l++) {
        var M = lists[l];
        nt = bestOf(M.docs, M.scores, M.weight, M.offset || 0, this.best, this.touched, nt);
      }
      max = addBest(this.touched, nt, this.total, this.count, this.best);
    }
    if (max > this.max) this.max = max;
    if (this.places) {
      var places = (this.places[w] = this.places[w] || new Int32Array(this.total.length));
      for (var t = 0; t < lists.length; t++) {
        if (lists[t].titles) orPlaces(lists[t].docs, lists[t].titles, places);
      }
    }
  };

  /** The lists of documents that hold the phrase in one of their names. */
  Ranking.prototype.names = function (lists) {
    if (!this.seq) return;
    this.inName = this.inName || new Uint8Array(this.total.length);
    for (var l = 0; l < lists.length; l++) mark(lists[l].docs, this.inName);
  };

  Ranking.prototype.finish = function () {
    if (this.result) return this.result;
    var n = this.n, count = this.count, total = this.total;
    if (n === 0) return (this.result = { ids: new Int32Array(0), scores: new Uint32Array(0) });
    if (this.seq) {
      var seqPlaces = this.seq.map(function (w) {
        return this.places[w] || new Int32Array(total.length);
      }, this);
      var max = addPhrases(count, total, n, seqPlaces, this.inName, this.units);
      if (max > this.max) this.max = max;
    }
    var maxTotal = this.max;
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
  function addList(docs, sc, weight, offset, total, count) {
    var max = 0;
    for (var i = 0; i < docs.length; i++) {
      var d = docs[i];
      var x = total[d] + sc[i] * weight + offset;
      total[d] = x;
      if (x > max) max = x;
      count[d]++;
    }
    return max;
  }

  /** The best value of each document of a list, kept in `best` (touched: those seen). */
  function bestOf(docs, sc, weight, offset, best, touched, nt) {
    for (var i = 0; i < docs.length; i++) {
      var d = docs[i];
      var s = sc[i] * weight + offset;
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

  /** The title places of a list's documents, added to a word's. */
  function orPlaces(docs, titles, places) {
    for (var i = 0; i < docs.length; i++) {
      if (titles[i] !== 0) places[docs[i]] |= titles[i];
    }
  }

  function mark(docs, flags) {
    for (var i = 0; i < docs.length; i++) flags[docs[i]] = 1;
  }

  /**
   * The phrase units of every document matching all n words: the title's if its words stand
   * one after the other in the title (places of the query's words in order, each shifted by
   * one), the name's if a name holds the phrase. Returns the highest total reached.
   */
  function addPhrases(count, total, n, seqPlaces, inName, units) {
    var max = 0, k = seqPlaces.length;
    for (var d = 0; d < count.length; d++) {
      if (count[d] !== n) continue;
      var m = seqPlaces[0][d];
      for (var j = 1; j < k && m !== 0; j++) m = (m << 1) & seqPlaces[j][d];
      var x = total[d] + (m !== 0 ? units.title : 0) + (inName && inName[d] ? units.name : 0);
      total[d] = x;
      if (x > max) max = x;
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
   * Rank from heads (no phrase: for one word, or words whose order does not count): `words`
   * as for rank, but a list may be a head, {docs, scores, weight, offset, complete: false,
   * minScore, lastId}, holding the best postings of a longer list by score (then lower id);
   * every posting left out scores below minScore, or equal with an id above lastId. Complete
   * lists have `complete` true (or undefined).
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
    var known = new Uint32Array(cap * nw);
    var n = 0;
    // Per word, the bounds of what its incomplete lists leave out: [lastId, hi, lo] each.
    var bounds = [];
    for (var w = 0; w < nw; w++) {
      var lists = words[w];
      var b = [];
      for (var l = 0; l < lists.length; l++) {
        var L = lists[l], docs = L.docs, sc = L.scores, weight = L.weight, offset = L.offset || 0;
        if (L.complete === false) {
          b.push([L.lastId, L.minScore * weight + offset, L.minScore > 1 ? (L.minScore - 1) * weight + offset : 0]);
        }
        for (var i = 0; i < docs.length; i++) {
          var d = docs[i];
          var k = index.get(d);
          if (k === undefined) {
            k = n++;
            index.set(d, k);
            seen[k] = d;
          }
          var s = sc[i] * weight + offset;
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
      var score = exactScores[order[sure]], id = exactIds[order[sure]];
      if (mUb > score || (mUb === score && mId < id)) break;
      if (top > score) break;
      if (id > 0 && unseen(id - 1) >= score) break;
    }
    var ids = new Int32Array(sure), scores = new Uint32Array(sure);
    for (var r = 0; r < sure; r++) {
      ids[r] = exactIds[order[r]];
      scores[r] = exactScores[order[r]];
    }
    return { ids: ids, scores: scores, matched: matched };
  }

  S.WHOLE = WHOLE;
  S.PREFIX = PREFIX;
  S.scoring = scoring;
  S.matchInfo = matchInfo;
  S.rank = rank;
  S.Ranking = Ranking;
  S.rankHeads = rankHeads;
})((globalThis.bantinSearch = globalThis.bantinSearch || {}));
