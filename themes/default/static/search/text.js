/* bantin search, text.js: words. How a text or a query becomes folded words, and which words
 * of a text a query marks.
 *
 * Matching folds like the Rust side (crate::vi::fold): NFD, lowercase, marks removed,
 * đ → d. Every word of a query must match (AND); the last word matches as a prefix while it is
 * being typed (no trailing space), the others as whole words (or as prefixes when no such word
 * exists, see engine.js).
 *
 * One of the parts of the search client, loaded in order by classic <script> tags (they work
 * from file://, ES modules do not): text.js, index.js, rank.js, engine.js, load.js, then
 * ../search.js, the page. Each adds its functions to one namespace, window.bantinSearch.
 * Plain ES2017 and Unicode property escapes; no dependencies.
 */
(function (S) {
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

  S.fold = fold;
  S.tokenize = tokenize;
  S.parseQuery = parseQuery;
  S.matcher = matcher;
  S.highlight = highlight;
})((globalThis.bantinSearch = globalThis.bantinSearch || {}));
