/* bantin search, index.js: the index's format (3). File names of keys and shard keys, which
 * shard holds a key, and the postings' encoding, as src/search/ writes them.
 *
 * Ids run from 0 to the manifest's `ids` (exclusive), lower ids newer; not every id is a
 * bulletin (the `docs` are fewer), and a metadata chunk holds null for an id of none.
 *
 * Postings are base64 of LEB128 numbers, one per document in id order: (gap to the previous
 * id - 1) × 16 + score; the score (1..15) is TITLE (8) when the key is in the title, + TOPIC
 * (4) when it is in a topic, locality or term, + a level 0..3 for the rest (3 in the name of an
 * indicator of the bulletin's figures, else 2 more than once in the body, 1 once). A posting whose
 * score has TITLE is followed by one more number: bit i set when the key is the title's word i
 * (i < 31).
 *
 * One of the parts of the search client (see text.js); adds to window.bantinSearch.
 */
(function (S) {
  "use strict";

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

  /** Score bits: the key is in the title; in a topic, locality or term. */
  var TITLE = 8;
  var TOPIC = 4;

  /**
   * Decode base64 LEB128 postings: {docs: Int32Array, scores: Uint8Array, titles: Int32Array}
   * (titles: the title places of each posting, 0 when not in the title).
   */
  function decodePostings(b64) {
    var bin = atob(b64);
    var n = bin.length;
    var docs = new Int32Array(n);
    var scores = new Uint8Array(n);
    var titles = new Int32Array(n);
    var k = 0, prev = -1, v = 0, mul = 1, places = false;
    for (var i = 0; i < n; i++) {
      var b = bin.charCodeAt(i);
      v += (b & 127) * mul;
      if (b & 128) {
        mul *= 128;
      } else if (places) {
        titles[k - 1] = v;
        places = false;
        v = 0;
        mul = 1;
      } else {
        var doc = prev + 1 + Math.floor(v / 16);
        var score = v % 16;
        docs[k] = doc;
        scores[k] = score;
        k++;
        prev = doc;
        places = (score & TITLE) !== 0;
        v = 0;
        mul = 1;
      }
    }
    return { docs: docs.subarray(0, k), scores: scores.subarray(0, k), titles: titles.subarray(0, k) };
  }

  S.fileName = fileName;
  S.shardOf = shardOf;
  S.shardsForPrefix = shardsForPrefix;
  S.decodePostings = decodePostings;
  S.TITLE = TITLE;
  S.TOPIC = TOPIC;
})((globalThis.bantinSearch = globalThis.bantinSearch || {}));
