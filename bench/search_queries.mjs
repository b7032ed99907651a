// What one query downloads from a built search index, with the real client engine:
//   node bench/search_queries.mjs INDEX_DIR "query" ...
// INDEX_DIR is a site's tim-kiem/index/. For each query (fresh engine, empty cache) prints the
// files and bytes loaded (manifest + shards + token postings + metadata chunks of the first
// page of results), the number of results and the time taken in node.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const S = require(join(here, "../themes/default/static/search.js"));

const [dir, ...queries] = process.argv.slice(2);
if (!dir || queries.length === 0) {
  console.error("usage: node bench/search_queries.mjs INDEX_DIR QUERY...");
  process.exit(2);
}

for (const q of queries) {
  const parts = { manifest: 0, s: 0, t: 0, d: 0 };
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
  const r = await e.search(q);
  const rows = await e.docs(r.ids.slice(0, S.PAGE));
  const ms = performance.now() - t0;
  const total = parts.manifest + parts.s + parts.t + parts.d;
  console.log(
    JSON.stringify({
      query: q,
      results: r.total,
      files,
      bytes: total,
      manifest: parts.manifest,
      shards: parts.s,
      postings: parts.t,
      chunks: parts.d,
      ms: Math.round(ms),
      top: rows.slice(0, 1).map((x) => x.title),
    })
  );
}
