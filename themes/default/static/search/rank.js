/* bantin search, rank.js: ranking. Orders the documents that match every word of a query,
 * from full postings (rank, Ranking) or from the heads of frequent tokens (rankHeads), the
 * same order both ways: best total score first, then lower id (newer) first.
 *
 * One of the parts of the search client (see text.js); adds to window.bantinSearch.
 */
(function (S) {
  "use strict";

  /** Weights of a token matched whole and as a prefix only. */
  var EXACT = 4;
  var PREFIX = 3;

  /**
   * Rank documents that match every word. `words` is an array (one per query word) of
   * arrays of {docs, scores, weight}; a document's score for a word is its best
   * score × weight over that word's lists, and its total the sum over words.
   * Returns {ids, scores} (typed arrays): best first, then lower id (newer) first.
   * Linear in the number of documents: typed arrays and a counting sort, no comparisons.
   * Each loop is a function of its own, so that the JavaScript engine optimises each as it
   * gets hot (one function of many loops runs mostly unoptimised on a fresh page).
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

  S.EXACT = EXACT;
  S.PREFIX = PREFIX;
  S.rank = rank;
  S.Ranking = Ranking;
  S.rankHeads = rankHeads;
})((globalThis.bantinSearch = globalThis.bantinSearch || {}));
