(function () {
  // Injected by `bantin serve` only: reloads the page after a rebuild, shows build errors.
  var seen = window.__bantinGeneration;
  var missing = window.__bantinMissing;
  function here() {
    var p = location.pathname;
    try { p = decodeURI(p); } catch (e) { /* keep it encoded */ }
    return p.replace(/index\.html$/, "");
  }
  // Whether an update after the one this page was served at changed it.
  function outdated(s) {
    if (missing) return true;
    var newer = (s.recent || []).filter(function (b) { return b.generation > seen; });
    if (!newer.length || newer[0].generation > seen + 1) return true;
    var me = here();
    return newer.some(function (b) { return !b.pages || b.pages.indexOf(me) >= 0; });
  }
  var box = null;
  function hide() {
    if (box) { box.remove(); box = null; }
  }
  function show(errors) {
    hide();
    box = document.createElement("div");
    box.id = "bantin-error-overlay";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(20,20,24,.97);color:#f4f4f5;padding:2rem;" +
      "font:15px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace";
    var h = document.createElement("h2");
    h.style.cssText = "margin:0 0 .3rem;color:#fca5a5;font-size:1.2rem";
    h.textContent = "bantin: the site did not build (" + errors.length +
      (errors.length === 1 ? " problem" : " problems") + ")";
    box.appendChild(h);
    var p = document.createElement("p");
    p.style.cssText = "margin:0 0 1.2rem;color:#a1a1aa";
    p.textContent = "The last good version is served until the problem is fixed; " +
      "this page reloads by itself then.";
    box.appendChild(p);
    errors.forEach(function (e) {
      var item = document.createElement("div");
      item.style.cssText = "margin:0 0 1rem;padding:.6rem .8rem;border-left:3px solid #f87171;" +
        "background:rgba(255,255,255,.05);white-space:pre-wrap";
      var loc = document.createElement("div");
      loc.style.cssText = "color:#fde68a;font-weight:bold";
      loc.textContent = e.location;
      var msg = document.createElement("div");
      msg.textContent = e.message;
      item.appendChild(loc);
      item.appendChild(msg);
      if (e.help) {
        var help = document.createElement("div");
        help.style.cssText = "color:#86efac";
        help.textContent = "help: " + e.help;
        item.appendChild(help);
      }
      box.appendChild(item);
    });
    var close = document.createElement("button");
    close.textContent = "×";
    close.title = "Hide";
    close.style.cssText = "position:absolute;top:.8rem;right:1rem;font-size:1.5rem;" +
      "background:none;border:0;color:inherit;cursor:pointer";
    close.onclick = hide;
    box.appendChild(close);
    (document.body || document.documentElement).appendChild(box);
  }
  if (!window.EventSource) return;
  // One event stream per visible page: a browser opens at most six connections to one
  // server, so hidden tabs let go of theirs and catch up (reloading if their page changed
  // meanwhile) when shown again.
  var es = null;
  var reloading = false;
  function onState(ev) {
    // An update coming while the page reloads would reload it again, cancelling the first.
    if (reloading) return;
    var s;
    try { s = JSON.parse(ev.data); } catch (e) { return; }
    if (s.errors && s.errors.length) {
      show(s.errors);
      return;
    }
    hide();
    if (s.generation <= seen) return;
    if (outdated(s)) {
      reloading = true;
      es.close();
      location.reload();
    } else {
      seen = s.generation;
    }
  }
  function connect() {
    es = new EventSource("/__bantin/events");
    es.addEventListener("state", onState);
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      if (es) { es.close(); es = null; }
    } else if (!es && !reloading) {
      connect();
    }
  });
  if (!document.hidden) connect();
})();
