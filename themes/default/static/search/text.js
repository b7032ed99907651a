/* bantin search, text.js: words. How a text or a query becomes folded words and exact forms,
 * and which words of a text a query marks.
 *
 * Matching folds like the Rust side (crate::vi::fold): NFD, lowercase, marks removed,
 * đ → d. Every word of a query must match (AND); the last word matches as a prefix while it is
 * being typed (no trailing space), the others as whole words (or as prefixes when no such word
 * exists, see engine.js). A query typed with any diacritic (or đ) also asks for its words'
 * exact forms (formOf): they rank first, and they are what is marked.
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
  /** The five Vietnamese tone marks, as NFD writes them. */
  var TONES = /[\u0300\u0301\u0303\u0309\u0323]/g;

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

  /**
   * The exact form of a word, as search::form_of writes it: lowercase with every diacritic,
   * the tone marks moved to the end, so that "hoá" and "hóa" are one form.
   */
  function formOf(word) {
    var s = String(word).normalize("NFD").toLowerCase().normalize("NFD");
    var tones = (s.match(TONES) || []).join("");
    return s.replace(TONES, "").normalize("NFC") + tones;
  }

  /**
   * Whether an exact form matches a typed one: the same, or for a word still being typed the
   * same letters so far and the same tone once one is typed (Telex and VNI type it last).
   */
  function formMatches(form, typed, prefix) {
    if (!prefix) return form === typed;
    var tones = (typed.match(TONES) || []).join("");
    var letters = typed.replace(TONES, "");
    if (form.slice(0, letters.length) !== letters) return false;
    return tones === "" || (form.match(TONES) || []).join("") === tones;
  }

  /** The words of a text with where they are: [{start, end, token, form}]. */
  function words(text) {
    var out = [];
    String(text).replace(WORD, function (raw, offset) {
      var toks = tokenize(raw);
      toks.forEach(function (t) {
        out.push({ start: offset, end: offset + raw.length, token: t, form: toks.length === 1 ? formOf(raw) : t });
      });
      return raw;
    });
    return out;
  }

  /**
   * A query: {words: [{word, form, prefix}], seq, exact}. `words` are its distinct words (the
   * folded `word`, the exact `form`); the last one is a prefix while being typed. `seq` lists
   * the query's words in the order typed, as indices into `words` (a phrase). `exact`: the
   * query was typed with a diacritic, so its words' exact forms count.
   */
  function parseQuery(q) {
    var typed = words(q);
    var open = q.length > 0 && !TRAILING_SEP.test(q);
    // A one-letter word being typed after others ("dong s") is not looked up yet: as a whole
    // word it would empty the results at every new word, as a prefix it would load too much.
    if (open && typed.length > 1 && Array.from(typed[typed.length - 1].token).length < 2) {
      typed.pop();
      open = false;
    }
    var exact = typed.some(function (t) {
      return t.form !== t.token;
    });
    var out = [];
    var seq = [];
    var seen = {};
    typed.forEach(function (t, i) {
      var prefix = open && i === typed.length - 1 && Array.from(t.token).length >= 2;
      var key = (exact ? t.form : t.token) + (prefix ? "*" : "");
      if (!(key in seen)) {
        seen[key] = out.length;
        out.push({ word: t.token, form: exact ? t.form : t.token, prefix: prefix });
      }
      seq.push(seen[key]);
    });
    // A whole word that is also the prefix word adds nothing: "thu thu" is "thu".
    var keep = out.map(function (x) {
      return x.prefix || !out.some(function (y) {
        return y.prefix && y !== x && y.form === x.form;
      });
    });
    var index = [];
    var kept = [];
    out.forEach(function (x, i) {
      index.push(keep[i] ? kept.length : -1);
      if (keep[i]) kept.push(x);
    });
    var last = kept.findIndex(function (x) {
      return x.prefix;
    });
    seq = seq.map(function (i) {
      return index[i] === -1 ? last : index[i];
    });
    return { words: kept, seq: seq, exact: exact };
  }

  /**
   * Which of a query's words a word of a text matches, as a function (token, form, i) ->
   * bool: word i folded (whole, or as a prefix for prefix words) and, when `exact[i]`, in its
   * exact form.
   */
  function matcher(query, exact) {
    return function (token, form, i) {
      var w = query.words[i];
      var prefix = w.prefix || w.fallback;
      if (prefix ? token.slice(0, w.word.length) !== w.word : token !== w.word) return false;
      return !(exact && exact[i]) || formMatches(form, w.form, prefix);
    };
  }

  /** Where a text holds the query's words in order (its `seq`), as [first, last] word indices. */
  function phrases(ws, query, match) {
    var seq = query.seq;
    var out = [];
    for (var i = 0; i + seq.length <= ws.length; i++) {
      var all = true;
      for (var j = 0; j < seq.length && all; j++) {
        all = match(ws[i + j].token, ws[i + j].form, seq[j]);
      }
      if (all) out.push([i, i + seq.length - 1]);
    }
    return out;
  }

  /**
   * Marks for one result: a function text -> [[text, marked], …]. `texts` are all the texts
   * the result shows; `info` what the ranking knows of it (rank.js's matchInfo: how many of
   * the words matched in their exact form, whether it matched as a phrase). A phrase match
   * marks the phrase where it stands, not its words elsewhere; an exact match marks the exact
   * forms only.
   */
  function marker(query, texts, info) {
    var n = query.words.length;
    var shown = texts.map(words);
    var all = query.exact
      ? query.words.map(function () {
          return true;
        })
      : null;
    var asked = matcher(query, all);
    var inSight = function (match, i) {
      return shown.some(function (ws) {
        return ws.some(function (x) {
          return match(x.token, x.form, i);
        });
      });
    };
    // Exact forms count for the words that matched in them: all, none, or (when the ranking
    // says only some did) those whose exact form is in sight.
    var exact = null;
    if (query.exact) {
      var count = info ? info.exact : n;
      exact = query.words.map(function (w, i) {
        return count >= n || (count > 0 && inSight(asked, i));
      });
    }
    var match = matcher(query, exact);
    // A phrase: the ranking found one, or a text shows the words together as the query asks.
    var phrase = query.seq.length > 1 && (
      (info && info.phrase) ||
      shown.some(function (ws) {
        return phrases(ws, query, asked).length > 0;
      })
    );
    return function (text) {
      text = String(text);
      var ws = words(text);
      var spans = [];
      if (phrase) {
        phrases(ws, query, match).forEach(function (p) {
          spans.push([ws[p[0]].start, ws[p[1]].end]);
        });
      } else {
        ws.forEach(function (x) {
          for (var i = 0; i < n; i++) {
            if (match(x.token, x.form, i)) {
              spans.push([x.start, x.end]);
              break;
            }
          }
        });
      }
      return segments(text, spans);
    };
  }

  /** Cut text into [[text, marked], …] by spans [start, end] (sorted; overlaps merge). */
  function segments(text, spans) {
    var out = [];
    var push = function (s, marked) {
      if (!s) return;
      var prev = out[out.length - 1];
      if (prev && prev[1] === marked) prev[0] += s;
      else out.push([s, marked]);
    };
    var last = 0;
    spans.forEach(function (sp) {
      var start = Math.max(sp[0], last);
      if (sp[1] <= start) return;
      push(text.slice(last, start), false);
      push(text.slice(start, sp[1]), true);
      last = sp[1];
    });
    push(text.slice(last), false);
    return out;
  }

  S.fold = fold;
  S.tokenize = tokenize;
  S.formOf = formOf;
  S.formMatches = formMatches;
  S.words = words;
  S.parseQuery = parseQuery;
  S.matcher = matcher;
  S.marker = marker;
})((globalThis.bantinSearch = globalThis.bantinSearch || {}));
