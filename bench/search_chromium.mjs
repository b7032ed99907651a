// Time the search page in headless Chromium (node 20 with --experimental-websocket):
//   node --experimental-websocket bench/search_chromium.mjs SITE_DIR "query" ...
// SITE_DIR is a built site (or a folder holding tim-kiem/index/ from examples/search_bench).
// When SITE_DIR/tim-kiem/index.html is missing, writes a minimal search page there (and
// search.js at the root), as the theme's page would be with relative_urls. Opens
// file://SITE_DIR/tim-kiem/index.html?q=QUERY for each query, with a fresh profile, and prints
// when the first results were shown (firstMs, from the query's start), when the first page
// was complete (ms), when the count was (completeMs), the KB of index files loaded by then
// (pageKB) and in all (allKB), and the 1-minute load average.
import { spawn } from "node:child_process";
import { existsSync, writeFileSync, copyFileSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { join, dirname, resolve } from "node:path";
import os, { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const [site, ...queries] = process.argv.slice(2);
if (!site || !queries.length) {
  console.error("usage: node --experimental-websocket bench/search_chromium.mjs SITE_DIR QUERY...");
  process.exit(2);
}
const page = join(site, "tim-kiem/index.html");
// The minimal page's search.js is refreshed every run, to time the current client (or
// SEARCH_JS, e.g. an older one to compare with).
if (!existsSync(page) || existsSync(join(site, "search.js"))) {
  copyFileSync(process.env.SEARCH_JS || join(here, "../themes/default/static/search.js"), join(site, "search.js"));
}
if (!existsSync(page)) {
  writeFileSync(
    page,
    `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Tìm kiếm</title></head>
<body><main><h1>Tìm kiếm</h1>
<div id="search" data-index="index/" data-root="../" data-suffix="index.html">
<form role="search"><label for="q">Từ khóa</label> <input id="q" name="q" type="search"></form>
<noscript><p>Tìm kiếm cần JavaScript.</p></noscript>
<p id="search-status" aria-live="polite"></p><ol id="results"></ol></div></main>
<script src="../search.js"></script><script src="index/manifest.js"></script></body></html>
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
    await send("Page.navigate", { url });
    const started = Date.now();
    let state;
    while (Date.now() - started < 20000) {
      state = await evaluate(
        send,
        `(() => { const b = document.getElementById("search"); return b && b.dataset.state === "done" ?
          { ms: +b.dataset.ms, doneAt: +b.dataset.doneAt, shown: document.querySelectorAll("#results li").length,
            status: document.getElementById("search-status").textContent,
            first: (document.querySelector("#results li a") || {}).href || null,
            marks: document.querySelectorAll("#results mark").length, firstMs: +b.dataset.firstMs,
            completeMs: +b.dataset.completeMs, pageAt: +b.dataset.pageAt, doneAt: +b.dataset.doneAt,
            // The client's own work: index files loaded (by when) and the query pipeline's times.
            startedAt: +b.dataset.startedAt, pageWorkMs: +b.dataset.pageWorkMs, workMs: +b.dataset.workMs, trace: window.bantinSearch.trace || [] } : null })()`
      );
      if (state) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    if (state) {
      // Bytes of the index files loaded before the first page was complete, and in all.
      let page = 0, all = 0, pageFiles = 0;
      const kinds = {};
      for (const [key, at] of state.trace) {
        const size = statSync(join(site, "tim-kiem/index", key + ".js")).size;
        all += size;
        if (at <= state.pageAt) {
          page += size;
          pageFiles++;
          const kind = key.split("/")[0];
          kinds[kind] = (kinds[kind] || 0) + 1;
        }
      }
      state.pageKB = +(page / 1024).toFixed(1);
      state.pageFiles = pageFiles;
      state.allKB = +(all / 1024).toFixed(1);
      state.allFiles = state.trace.length;
      if (process.env.TRACE) {
        state.trace = state.trace.map(([k, at]) => k + "@" + Math.round(at - state.startedAt)).join(" ");
      } else delete state.trace;
      state.pageKinds = kinds;
      delete state.doneAt;
      delete state.pageAt;
      delete state.startedAt;
      delete state.status;
      delete state.first;
    }
    console.log(JSON.stringify({ query: q, ...(state || { error: "timeout" }), load: os.loadavg()[0].toFixed(2) }));
  });
}
