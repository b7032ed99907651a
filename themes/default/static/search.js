/* bantin search, search.js: the search page. Runs the query of `?q=` in the address, and again
 * (debounced) as one types in #q, keeping `?q=` in sync; shows the results a page at a time,
 * with the count in the status line. A result shows its title, date, locality, the topics
 * that match the query and its snippet, with what matched marked (text.js's marker: the
 * phrase where the result matched as one, the exact forms where the query asked for them).
 *
 * The page holds <div id="search" data-index="…/tim-kiem/index/" data-root="…/"
 * data-suffix="" data-msg-count="…" data-msg-none="…" data-msg-partial="…"
 * data-msg-more="…" data-msg-error="…"> (the messages from the theme's i18n, {n} and {q}
 * filled in here) with a <form role="search"> holding <input id="q">, an <ol id="results">
 * and a <p id="search-status" aria-live="polite">. While a query runs, until its count is
 * known, the list has aria-busy="true".
 *
 * The rest of the client is in static/search/, loaded before this file by <script> tags in
 * this order: text.js (words), index.js (the index's format), rank.js (ranking), engine.js
 * (running a query) and load.js (loading index files); the page then loads the index's
 * manifest.js. Each adds to one namespace, window.bantinSearch.
 */
(function (S) {
  "use strict";

  var Engine = S.Engine, PAGE = S.PAGE, marker = S.marker, matchInfo = S.matchInfo;

  /** A folder's address, ending in "/" (without a trailing index.html). */
  function folderOf(href) {
    href = href || "";
    href = href.replace(/index\.html$/, "");
    if (href && href.charAt(href.length - 1) !== "/") href += "/";
    return href;
  }

  /** `el` with the text `s`. */
  function text(el, s) {
    el.textContent = s;
    return el;
  }

  /** `parent` with a marker's segments appended, the marked ones in <mark>. */
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
    // Messages come from the theme's i18n (data-msg-<name>); their name stands in for one
    // that is missing.
    var msg = function (name, q, n) {
      var s = box.getAttribute("data-msg-" + name) || name;
      // Replaced by functions, so that a "$" in the query is taken as it is.
      var fill = function (v) {
        return function () {
          return v;
        };
      };
      return s.replace("{n}", fill(n)).replace("{q}", fill(q));
    };
    var locale = document.documentElement.lang || undefined;
    var base = folderOf(box.getAttribute("data-index"));
    var root = folderOf(box.getAttribute("data-root"));
    var suffix = box.getAttribute("data-suffix") || "";
    var engine = new Engine(null);
    engine.load = S.scriptLoader(base, engine);
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

    /** One result, `score` its total in `res` (what it tells of how the result matched). */
    function render(r, score, res) {
      var texts = [r.title, r.snippet || "", r.locality || ""].concat(r.topics);
      var mark = marker(res.query, texts, matchInfo(score, res.units));
      // The topics that hold a mark: they say why a result whose title does not match is here.
      var topics = r.topics
        .map(mark)
        .filter(function (segs) {
          return segs.some(function (seg) {
            return seg[1];
          });
        });
      var li = document.createElement("li");
      var h = document.createElement("h2");
      var a = document.createElement("a");
      a.href = link(r.path);
      marked(a, mark(r.title));
      h.appendChild(a);
      li.appendChild(h);
      var meta = document.createElement("p");
      meta.className = "meta";
      var time = text(document.createElement("time"), r.date);
      var dmy = r.date.split("/");
      if (dmy.length === 3) time.setAttribute("datetime", dmy[2] + "-" + dmy[1] + "-" + dmy[0]);
      meta.appendChild(time);
      if (r.locality) {
        meta.appendChild(document.createTextNode(" · "));
        marked(meta, mark(r.locality));
      }
      topics.forEach(function (segs) {
        meta.appendChild(document.createTextNode(" · "));
        marked(meta.appendChild(document.createElement("span")), segs).className = "topic";
      });
      li.appendChild(meta);
      if (r.snippet) {
        var p = document.createElement("p");
        p.className = "snippet";
        li.appendChild(marked(p, mark(r.snippet)));
      }
      list.appendChild(li);
    }

    function moreButton() {
      if (more) more.remove();
      more = null;
      if (current && current.complete && current.shown < current.total) {
        more = text(document.createElement("button"), msg("more"));
        more.type = "button";
        more.addEventListener("click", function () {
          // The button goes away with the page shown: the keyboard's focus moves on to the
          // first result of that page instead of falling back to the top of the document.
          var next = list.children.length;
          showPage(seq, current, null).then(function (shown) {
            var link = shown && list.children[next] && list.children[next].querySelector("a");
            if (link) link.focus();
          });
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
        render(row, res.scores[res.shown], res);
        res.shown++;
      }
      moreButton();
      return true;
    }

    async function run(q, record) {
      var mySeq = ++seq;
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
      if (!q.trim()) {
        list.textContent = "";
        if (more) more.remove();
        more = null;
        setStatus("");
        list.removeAttribute("aria-busy");
        return;
      }
      list.setAttribute("aria-busy", "true");
      try {
        var res = await engine.first(q, PAGE);
        if (mySeq !== seq) return;
        res.shown = 0;
        var count = function (r) {
          var name = r.total === 0 ? "none" : r.complete ? "count" : "partial";
          return msg(name, q.trim(), r.total.toLocaleString(locale));
        };
        var replace = function () {
          list.textContent = "";
          current = res;
          setStatus(count(res));
        };
        if (res.total === 0) {
          replace();
          moreButton();
        } else if (!(await showPage(mySeq, res, replace))) {
          return;
        }
        if (!res.complete) {
          // The page shown is proven; the full postings give the count and the later pages.
          var full = await res.rest();
          if (mySeq !== seq) return;
          full.shown = res.shown;
          current = full;
          setStatus(count(full));
          moreButton();
        }
        list.removeAttribute("aria-busy");
      } catch (e) {
        if (mySeq !== seq) return;
        setStatus(msg("error"));
        list.removeAttribute("aria-busy");
        console.error(e);
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
    if (q) {
      input.value = q;
      run(q, false);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})(window.bantinSearch);
