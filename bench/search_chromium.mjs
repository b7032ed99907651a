// Time the search page in headless Chromium (node 20 with --experimental-websocket):
//   node --experimental-websocket bench/search_chromium.mjs SITE_DIR "query" ...
// SITE_DIR is a built site (or a folder holding tim-kiem/index/ from examples/search_bench).
// When SITE_DIR/tim-kiem/index.html is missing, writes a minimal search page there (and the
// client, search.js and search/*.js, at the root), as the theme's page would be with
// relative_urls. Opens file://SITE_DIR/tim-kiem/index.html?q=QUERY for each query, with a
// fresh profile, and prints when the first results were shown (firstMs, from the query's
// start), when the first page was complete (ms), when the count was (completeMs), the KB of
// index files loaded by then (pageKB) and in all (allKB), the page's script time (scriptMs),
// and the 1-minute load average.
//
// All of it is measured from outside the client, which holds no timing code: a script this
// benchmark adds to the page (CDP Page.addScriptToEvaluateOnNewDocument) notes the time of
// DOMContentLoaded (when the page starts the query of ?q=), of each index file's <script>
// load event, and, with a MutationObserver, when the first result shows, when the first page
// is full (PAGE results, or all of them) and when the list is no longer aria-busy (the count
// is final); scriptMs is Chromium's ScriptDuration (CDP Performance.getMetrics).
import { spawn } from "node:child_process";
import { existsSync, writeFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, dirname, resolve } from "node:path";
import os, { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";

/** Results on the first page (the client's PAGE). */
const PAGE = 20;

/**
 * Added to the page before its own scripts: notes times (performance.now()) in
 * window.__bench: start (DOMContentLoaded), first (a result or the status shown), page (the
 * first page full), done (the list no longer busy, the count final) and files ([url, time]
 * as each index file's script loads). A client of one file (before the parts) said it was
 * done with data-state="done"; that counts too.
 */
const OBSERVER = `(() => {
  const t = (window.__bench = { start: null, first: null, page: null, done: null, files: [] });
  document.addEventListener("DOMContentLoaded", () => (t.start = performance.now()), true);
  document.addEventListener("load", (e) => {
    const s = e.target;
    if (s.tagName === "SCRIPT" && s.src.includes("/tim-kiem/index/")) t.files.push([s.src, performance.now()]);
  }, true);
  new MutationObserver(() => {
    const list = document.getElementById("results");
    const status = document.getElementById("search-status");
    const box = document.getElementById("search");
    if (!list || !status || !box || t.done !== null) return;
    const now = performance.now();
    const shown = list.children.length;
    if (t.first === null && (shown > 0 || status.textContent)) t.first = now;
    if (t.page === null && shown >= ${PAGE}) t.page = now;
    const state = box.getAttribute("data-state");
    if (status.textContent && list.getAttribute("aria-busy") !== "true" && (state === null || state === "done" || state === "error")) {
      t.done = now;
      if (t.page === null) t.page = now;
    }
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
})();`;

const here = dirname(fileURLToPath(import.meta.url));
const [site, ...queries] = process.argv.slice(2);
if (!site || !queries.length) {
  console.error("usage: node --experimental-websocket bench/search_chromium.mjs SITE_DIR QUERY...");
  process.exit(2);
}
const page = join(site, "tim-kiem/index.html");
// The minimal page and its client (search.js at the root marks them) are rewritten every run,
// to time the current client (or the one in SEARCH_STATIC, a theme's static/ folder, e.g. of
// an older commit to compare with).
const PARTS = ["text", "index", "rank", "engine", "load"];
const from = process.env.SEARCH_STATIC || join(here, "../themes/default/static");
// A client of one file (before the parts) has no static/search/.
const parts = existsSync(join(from, "search")) ? PARTS : [];
// The page's messages, as the theme's search.html gives them (data-msg-*, from the i18n).
const msgs = [...readFileSync(join(here, "../themes/default/i18n/vi.toml"), "utf8").matchAll(/^search_msg_(\w+) = "(.*)"$/gm)]
  .map((m) => ` data-msg-${m[1]}="${m[2]}"`)
  .join("");
if (!existsSync(page) || existsSync(join(site, "search.js"))) {
  copyFileSync(join(from, "search.js"), join(site, "search.js"));
  mkdirSync(join(site, "search"), { recursive: true });
  for (const p of parts) copyFileSync(join(from, "search", p + ".js"), join(site, "search", p + ".js"));
  writeFileSync(
    page,
    `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Tìm kiếm</title></head>
<body><main><h1>Tìm kiếm</h1>
<div id="search" data-index="index/" data-root="../" data-suffix="index.html"${msgs}>
<form role="search"><label for="q">Từ khóa</label> <input id="q" name="q" type="search"></form>
<noscript><p>Tìm kiếm cần JavaScript.</p></noscript>
<p id="search-status" aria-live="polite"></p><ol id="results"></ol></div></main>
${parts.map((p) => `<script src="../search/${p}.js"></script>`).join("")}<script src="../search.js"></script><script src="index/manifest.js"></script>
</body></html>
`
  );
}
const chromium = process.env.CHROMIUM || "chromium";

async function withBrowser(fn) {
  const profile = mkdtempSync(join(tmpdir(), "bantin-chromium-"));
  const proc = spawn(chromium, [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0",
    "--user-data-dir=" + profile, "--allow-file-access-from-files", "about:blank",
  ], { stdio: ["ignore", "ignore", "pipe"] });
  const wsUrl = await new Promise((res, rej) => {
    let buf = "";
    proc.stderr.on("data", (d) => {
      buf += d;
      const m = buf.match(/DevTools listening on (ws:\/\/\S+)/);
      if (m) res(m[1]);
    });
    proc.on("exit", () => rej(new Error("chromium exited: " + buf)));
  });
  const port = new URL(wsUrl).port;
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const ws = new WebSocket(targets.find((t) => t.type === "page").webSocketDebuggerUrl);
  await new Promise((r) => ws.addEventListener("open", r));
  let id = 0;
  const pending = new Map();
  ws.addEventListener("message", (ev) => {
    const m = JSON.parse(ev.data);
    if (m.id && pending.has(m.id)) {
      pending.get(m.id)(m);
      pending.delete(m.id);
    }
  });
  const send = (method, params = {}) =>
    new Promise((r) => {
      pending.set(++id, r);
      ws.send(JSON.stringify({ id, method, params }));
    });
  try {
    return await fn(send);
  } finally {
    ws.close();
    proc.kill();
    await new Promise((r) => proc.on("exit", r));
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch (e) {
      // A helper process may still be writing; the folder is in the temp dir.
    }
  }
}

const evaluate = async (send, expr) =>
  (await send("Runtime.evaluate", { expression: expr, returnByValue: true })).result.result.value;

for (const q of queries) {
  await withBrowser(async (send) => {
    const url = "file://" + resolve(page) + "?q=" + encodeURIComponent(q).replace(/%20/g, "+");
    await send("Performance.enable");
    await send("Page.enable"); // for the script below to run in the page
    await send("Page.addScriptToEvaluateOnNewDocument", { source: OBSERVER });
    await send("Page.navigate", { url });
    const started = Date.now();
    let state;
    while (Date.now() - started < 20000) {
      state = await evaluate(
        send,
        `(() => { const t = window.__bench; return t && t.done !== null ? { ...t,
            shown: document.querySelectorAll("#results li").length,
            marks: document.querySelectorAll("#results mark").length } : null })()`
      );
      if (state) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    if (state) {
      const metrics = (await send("Performance.getMetrics")).result.metrics;
      const script = metrics.find((m) => m.name === "ScriptDuration");
      // Bytes of the index files loaded before the first page was complete, and in all.
      let pageBytes = 0, all = 0, pageFiles = 0;
      const kinds = {};
      const index = join(site, "tim-kiem/index") + "/";
      const trace = [];
      for (const [src, at] of state.files) {
        const file = fileURLToPath(src.split("?")[0]);
        const key = file.slice(index.length).replace(/\.js$/, "");
        all += statSync(file).size;
        trace.push(key + "@" + Math.round(at - state.start));
        if (at <= state.page) {
          pageBytes += statSync(file).size;
          pageFiles++;
          const kind = key.split("/")[0];
          kinds[kind] = (kinds[kind] || 0) + 1;
        }
      }
      state = {
        firstMs: Math.round(state.first - state.start),
        ms: Math.round(state.page - state.start),
        completeMs: Math.round(state.done - state.start),
        shown: state.shown,
        marks: state.marks,
        pageKB: +(pageBytes / 1024).toFixed(1),
        pageFiles,
        allKB: +(all / 1024).toFixed(1),
        allFiles: state.files.length,
        scriptMs: script ? Math.round(script.value * 1000) : null,
        pageKinds: kinds,
        ...(process.env.TRACE ? { trace: trace.join(" ") } : {}),
      };
    }
    console.log(JSON.stringify({ query: q, ...(state || { error: "timeout" }), load: os.loadavg()[0].toFixed(2) }));
  });
}
