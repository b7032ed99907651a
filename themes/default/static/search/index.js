/* bantin search, index.js: the index's format. File names of tokens and shard keys, which
 * shard holds a token, and the postings' encoding, as src/search/ writes them.
 *
 * Postings are base64 of LEB128 numbers, one per document in id order: (gap to the previous
 * id - 1) × 16 + (score - 1), scores 1..16.
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

  /** Decode base64 LEB128 postings: {docs: Int32Array, scores: Uint8Array}. */
  function decodePostings(b64) {
    var bin = atob(b64);
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

  S.fileName = fileName;
  S.shardOf = shardOf;
  S.shardsForPrefix = shardsForPrefix;
  S.decodePostings = decodePostings;
})((globalThis.bantinSearch = globalThis.bantinSearch || {}));
