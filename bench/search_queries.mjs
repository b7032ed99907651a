// What one query downloads from a built search index, with the real client engine:
//   node bench/search_queries.mjs INDEX_DIR "query" ...
// INDEX_DIR is a site's tim-kiem/index/. For each query (fresh engine, empty cache) prints the
// files and bytes loaded for the first page of results (pageFiles, pageBytes: manifest +
// shards + heads or postings + metadata chunks, as the page loads them), then in all once the
// full postings are in (files, bytes), the number of results, whether the first page came
// from the heads, and the times taken in node.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
// The client's parts, in the order the theme's search.html loads them; each adds to
// globalThis.bantinSearch.
for (const p of ["text", "index", "rank", "engine", "load"]) {
  require(join(here, "../themes/default/static/search", p + ".js"));
}
const S = globalThis.bantinSearch;

const [dir, ...queries] = process.argv.slice(2);
if (!dir || queries.length === 0) {
  console.error("usage: node bench/search_queries.mjs INDEX_DIR QUERY...");
  process.exit(2);
}

for (const q of queries) {
  const parts = { manifest: 0, s: 0, h: 0, t: 0, d: 0 };
  let files = 0;
  const load = async (name) => {
    const text = readFileSync(join(dir, name + ".js"));
    files++;
    const kind = name === "manifest" ? "manifest" : name.split("/")[0];
    parts[kind] += text.length;
    let got;
    new Function("window", text.toString("utf8"))({ bantinSearch: { add: (k, d) => (got = d) } });
    return got;
  };
  const e = new S.Engine(load);
  const t0 = performance.now();
  const first = await e.first(q, S.PAGE);
  const rows = await e.docs(first.ids.slice(0, S.PAGE));
  const pageMs = performance.now() - t0;
  const pageBytes = parts.manifest + parts.s + parts.h + parts.t + parts.d;
  const pageFiles = files;
  const r = first.complete ? first : await first.rest();
  const ms = performance.now() - t0;
  const total = parts.manifest + parts.s + parts.h + parts.t + parts.d;
  console.log(
    JSON.stringify({
      query: q,
      results: r.total,
      fromHeads: !first.complete,
      pageFiles,
      pageBytes,
      pageMs: Math.round(pageMs),
      files,
      bytes: total,
      manifest: parts.manifest,
      shards: parts.s,
      heads: parts.h,
      postings: parts.t,
      chunks: parts.d,
      ms: Math.round(ms),
      top: rows.slice(0, 1).map((x) => x.title),
    })
  );
}
