#!/usr/bin/env bash
# bantin's search index against Pagefind's, on the same synthetic archive:
#
#   bench/pagefind_compare.sh [N]        # default N = 10000 bulletins
#
# Generates N bulletins with bench/gen_corpus.py, builds them with bantin (release),
# runs Pagefind (from npm, installed into the work folder) over the bulletin pages of the
# output, and reports:
#   - index size: bantin's tim-kiem/index/ against Pagefind's pagefind/ folder, total and per
#     bulletin (raw and gzip -9, since a static host usually compresses);
#   - per query, in headless Chromium over http (a node static server), with an empty cache:
#     bytes the search downloads, and the time to the first result shown (from navigation, and
#     from the start of the query), then the same query again in a page that already searched;
#   - Vietnamese: result counts with and without diacritics (does "thu ngan sach" find
#     "thu ngân sách" and the other way round, NFD input, a bare prefix).
#
# Environment: WORK (default: a new mktemp -d folder, removed at the end unless KEEP=1);
# GEN_CORPUS (default bench/gen_corpus.py); CHROMIUM (default /usr/bin/chromium).
# Needs: cargo, python3, node 20 + npm, Chromium, and tests/browser/node_modules
# (`npm ci --prefix tests/browser`) for playwright-core. Nothing is written to the repository
# except target/ (the release build).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
n=${1:-10000}
gen=${GEN_CORPUS:-$repo/bench/gen_corpus.py}
chromium=${CHROMIUM:-/usr/bin/chromium}
for need in cargo python3 node npm; do
  command -v "$need" >/dev/null || { echo "pagefind_compare: $need is missing" >&2; exit 1; }
done
[ -x "$chromium" ] || { echo "pagefind_compare: $chromium is missing (apt-get install chromium)" >&2; exit 1; }
[ -f tests/browser/node_modules/playwright-core/package.json ] ||
  { echo "pagefind_compare: run npm ci --prefix tests/browser (playwright-core)" >&2; exit 1; }
[ -f "$gen" ] || { echo "pagefind_compare: gen_corpus.py not found (set GEN_CORPUS)" >&2; exit 1; }

if [ -n "${WORK:-}" ]; then
  work=$WORK
  mkdir -p "$work"
else
  work=$(mktemp -d /tmp/bantin-pagefind.XXXXXX)
  [ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
fi
echo "== work folder: $work"
echo "== machine: $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"

ms() { date +%s%3N; }

echo "== building bantin (release)"
cargo build --release --quiet
bantin=$repo/target/release/bantin

if [ ! -f "$work/corpus/bantin/site.toml" ]; then
  echo "== generating $n bulletins"
  python3 "$gen" "$n" "$work/corpus" >/dev/null
fi

echo "== bantin build"
rm -rf "$work/site"
t0=$(ms)
# Path-absolute links (/…), so the site works on whatever port the benchmark serves it.
"$bantin" build --root "$work/corpus/bantin" --output "$work/site" --base-url http://127.0.0.1/ | tail -1
t1=$(ms)
echo "bantin build (whole site, search index included): $((t1 - t0)) ms"

if [ ! -x "$work/pf/node_modules/.bin/pagefind" ]; then
  echo "== installing pagefind from npm into $work/pf"
  mkdir -p "$work/pf"
  (cd "$work/pf" && npm init -y >/dev/null 2>&1 && npm install --no-audit --no-fund --loglevel=error pagefind >/dev/null 2>&1)
fi
pagefind=$work/pf/node_modules/.bin/pagefind
echo "== $("$pagefind" --version 2>/dev/null) over the bulletin pages (bai-viet/**, root <main>)"
t0=$(ms)
# Only the bulletins (bantin's index holds only them too), and only <main> (not the menus).
"$pagefind" --site "$work/site" --glob "bai-viet/**/*.html" --root-selector main --quiet
t1=$(ms)
echo "pagefind indexing: $((t1 - t0)) ms"

echo "== index size ($n bulletins)"
size() { # folder -> "raw gzip files"
  find "$1" -type f -print0 | xargs -0 -n 200 sh -c 'for f; do printf "%s %s\n" "$(stat -c %s "$f")" "$(gzip -9c "$f" | wc -c)"; done' sh |
    awk '{r += $1; g += $2; c++} END {printf "%d %d %d\n", r, g, c}'
}
read -r braw bgz bfiles < <(size "$work/site/tim-kiem/index")
read -r praw pgz pfiles < <(size "$work/site/pagefind")
# Pagefind's folder also holds its UI (pagefind-ui.*, pagefind-*-ui.*) and a WASM per
# language; the search itself needs pagefind.js, the entry, meta, the WASM, index, fragments.
read -r pcraw pcgz pcfiles < <(
  d=$(mktemp -d "$work/pfcore.XXXX")
  (cd "$work/site/pagefind" && find . -type f ! -name 'pagefind-ui*' ! -name 'pagefind-component-ui*' ! -name 'pagefind-modular-ui*' ! -name 'pagefind-highlight*' -print0 |
    xargs -0 cp --parents -t "$d")
  size "$d"
  rm -rf "$d"
)
awk -v n="$n" -v br="$braw" -v bg="$bgz" -v bf="$bfiles" -v pr="$praw" -v pg="$pgz" -v pf="$pfiles" \
  -v cr="$pcraw" -v cg="$pcgz" -v cf="$pcfiles" 'BEGIN {
  printf "%-34s %12s %12s %7s %10s %10s\n", "", "raw bytes", "gzip -9", "files", "raw/bull.", "gz/bull."
  printf "%-34s %12d %12d %7d %10.0f %10.0f\n", "bantin tim-kiem/index/", br, bg, bf, br / n, bg / n
  printf "%-34s %12d %12d %7d %10.0f %10.0f\n", "pagefind/ (all)", pr, pg, pf, pr / n, pg / n
  printf "%-34s %12d %12d %7d %10.0f %10.0f\n", "pagefind/ without its UI files", cr, cg, cf, cr / n, cg / n
}'
echo "(bantin's client, static/search.js and static/search/*.js, $(cat "$work/site/static/search.js" "$work"/site/static/search/*.js | wc -c) bytes, is beside the index, in static/)"

# A bare page that searches with Pagefind's JS API, as a site's own UI would.
cat >"$work/site/pf-bench.html" <<'EOF'
<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>pagefind</title></head>
<body><input id="q"><p id="status"></p><ol id="results"></ol>
<script type="module">
const list = document.getElementById('results');
const t0 = performance.now();
const pf = await import('/pagefind/pagefind.js');
await pf.init();
window.pfRun = async (q, start) => {
  list.textContent = '';
  const s = await pf.search(q);
  const searched = performance.now();
  const first = s.results.length ? await s.results[0].data() : null;
  let firstAt = null;
  if (first) {
    const li = document.createElement('li');
    li.innerHTML = `<a href="${first.url}">${first.meta.title}</a><p>${first.excerpt}</p>`;
    list.appendChild(li);
    firstAt = performance.now();
  }
  const rest = await Promise.all(s.results.slice(1, 20).map((r) => r.data()));
  for (const d of rest) {
    const li = document.createElement('li');
    li.innerHTML = `<a href="${d.url}">${d.meta.title}</a><p>${d.excerpt}</p>`;
    list.appendChild(li);
  }
  return {
    total: s.results.length,
    searchMs: searched - start,
    firstMs: firstAt === null ? null : firstAt - start,
    firstAt,
    doneMs: performance.now() - start,
    titles: [first, ...rest].filter(Boolean).slice(0, 3).map((d) => d.meta.title),
    excerpt: first ? first.excerpt : null,
  };
};
const q = new URLSearchParams(location.search).get('q');
window.pfCold = q ? await window.pfRun(q, t0) : null;
</script></body></html>
EOF

cat >"$work/measure.mjs" <<'EOF'
// node measure.mjs REPO SITE CHROMIUM: the query measurements of pagefind_compare.sh.
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { readFileSync, statSync, existsSync } from 'node:fs';
import { join, normalize, extname } from 'node:path';
import { gzipSync } from 'node:zlib';

const [repo, site, chromiumPath] = process.argv.slice(2);
const { chromium } = createRequire(join(repo, 'tests/browser/package.json'))('playwright-core');

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml' };
let log = [];
const gz = new Map();
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  let file = normalize(join(site, path));
  if (!file.startsWith(site)) return res.writeHead(403).end();
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if (!existsSync(file)) return res.writeHead(404).end();
  const body = readFileSync(file);
  if (!gz.has(file)) gz.set(file, gzipSync(body, { level: 9 }).length);
  log.push({ path, raw: body.length, gz: gz.get(file) });
  res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream', 'cache-control': 'max-age=3600' });
  res.end(body);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});

// bantin's page writes no timings: this script, added to it, notes them (performance.now())
// in window.__bench: start (DOMContentLoaded, when the page starts the query of ?q=; reset by
// bantinWarm before each query), first (a result shown), page (20 shown, or the query done)
// and done (#results no longer aria-busy: the count is final).
const FIRST = `(() => {
  window.__bench = { start: null, first: null, page: null, done: null };
  document.addEventListener('DOMContentLoaded', () => (window.__bench.start = performance.now()), true);
  new MutationObserver((records) => {
    const t = window.__bench, now = performance.now();
    const list = document.getElementById('results');
    if (!list) return;
    if (t.first === null && records.some((r) => r.target === list && r.addedNodes.length)) t.first = now;
    if (t.page === null && t.first !== null && list.children.length >= 20) t.page = now;
    const idle = list.getAttribute('aria-busy') !== 'true';
    if (t.done === null && idle && records.some((r) => r.target === list && r.attributeName === 'aria-busy')) {
      t.done = now;
      if (t.page === null) t.page = now;
    }
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['aria-busy'] });
})();`;
/** Whether the page's query is done (the search index could not be loaded, or the count is final). */
const bantinDone = () => window.__bench && window.__bench.done !== null;

const sum = (rows, keep) => rows.filter((r) => keep(r.path)).reduce((a, r) => [a[0] + r.raw, a[1] + r.gz, a[2] + 1], [0, 0, 0]);
const isBantin = (p) => p.startsWith('/tim-kiem/index/') || p === '/static/search.js' || p.startsWith('/static/search/');
const isPf = (p) => p.startsWith('/pagefind/');

async function bantinCold(q) {
  const ctx = await browser.newContext();
  await ctx.addInitScript(FIRST);
  const page = await ctx.newPage();
  log = [];
  await page.goto(`${base}/tim-kiem/?q=${encodeURIComponent(q)}`);
  await page.waitForFunction(bantinDone, null, { timeout: 60000 });
  const r = await page.evaluate(() => {
    const t = window.__bench;
    return { firstMs: t.first === null ? null : t.first - t.start, doneMs: t.page - t.start, firstAt: t.first,
      status: document.getElementById('search-status').textContent,
      titles: Array.from(document.querySelectorAll('#results h2'), (h) => h.textContent).slice(0, 3) };
  });
  r.total = Number((r.status.match(/^([\d.]+) bản tin/) || [0, '0'])[1].replace(/\./g, ''));
  r.bytes = sum(log, isBantin);
  r.all = sum(log, () => true);
  await ctx.close();
  return r;
}

async function pfCold(q) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  log = [];
  await page.goto(`${base}/pf-bench.html?q=${encodeURIComponent(q)}`);
  await page.waitForFunction(() => window.pfCold, null, { timeout: 60000 });
  const r = await page.evaluate(() => window.pfCold);
  r.bytes = sum(log, isPf);
  r.all = sum(log, () => true);
  await ctx.close();
  return r;
}

/** Every query again in one page that already ran `warmup`: time to first result, bytes. */
async function bantinWarm(warmup, queries) {
  const ctx = await browser.newContext();
  await ctx.addInitScript(FIRST);
  const page = await ctx.newPage();
  await page.goto(`${base}/tim-kiem/?q=${encodeURIComponent(warmup)}`);
  await page.waitForFunction(bantinDone, null, { timeout: 60000 });
  const out = {};
  for (const q of queries) {
    log = [];
    await page.fill('#q', q);
    // The query starts with the form's submit, as on Enter (fill's input event only started
    // the debounce, which the submit cancels).
    await page.evaluate(() => {
      window.__bench = { start: performance.now(), first: null, page: null, done: null };
      document.getElementById('q').form.requestSubmit();
    });
    await page.waitForFunction((q) => {
      return window.__bench.done !== null && document.getElementById('search-status').textContent.includes(q.trim());
    }, q, { timeout: 60000 });
    out[q] = { firstMs: await page.evaluate(() => window.__bench.first - window.__bench.start), bytes: sum(log, isBantin) };
  }
  await ctx.close();
  return out;
}

async function pfWarm(warmup, queries) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${base}/pf-bench.html?q=${encodeURIComponent(warmup)}`);
  await page.waitForFunction(() => window.pfCold, null, { timeout: 60000 });
  const out = {};
  for (const q of queries) {
    log = [];
    const r = await page.evaluate((q) => window.pfRun(q, performance.now()), q);
    out[q] = { firstMs: r.firstMs, bytes: sum(log, isPf) };
  }
  await ctx.close();
  return out;
}

const kb = (b) => (b[0] / 1024).toFixed(1) + ' KB / ' + (b[1] / 1024).toFixed(1) + ' KB gz, ' + b[2] + ' files';
const f = (x) => (x === null || x === undefined || Number.isNaN(x) ? '—' : Math.round(x) + ' ms');

const timed = ['thu ngan sach', 'thu ngân sách', 'nông thôn mới', 'nong thon moi', 'dong', 'ty le ho ngheo'];
console.log('\n== queries, empty cache, over http (first result / 20 results shown)');
console.log('first@nav = ms from navigation start to the first result in the page; first = from the query start');
const cold = {};
for (const q of timed) {
  const b = await bantinCold(q);
  const p = await pfCold(q);
  cold[q] = { b, p };
  console.log(`\n"${q}"`);
  console.log(`  bantin:   ${String(b.total).padStart(5)} results; first@nav ${f(b.firstAt)}, first ${f(b.firstMs)}, 20 shown ${f(b.doneMs)}; search downloads ${kb(b.bytes)} (whole page ${kb(b.all)})`);
  console.log(`            top: ${b.titles.join(' | ')}`);
  console.log(`  pagefind: ${String(p.total).padStart(5)} results; first@nav ${f(p.firstAt)}, first ${f(p.firstMs)} (search() ${f(p.searchMs)}), 20 loaded ${f(p.doneMs)}; downloads ${kb(p.bytes)}`);
  console.log(`            top: ${p.titles.join(' | ')}`);
}

console.log('\n== the same queries in a page that already searched ("ngân sách"): time to first result, bytes fetched');
const bw = await bantinWarm('ngân sách', timed);
const pw = await pfWarm('ngân sách', timed);
for (const q of timed) {
  console.log(`  ${('"' + q + '"').padEnd(18)} bantin ${f(bw[q].firstMs).padStart(7)}, ${kb(bw[q].bytes).padEnd(36)} pagefind ${f(pw[q].firstMs).padStart(7)}, ${kb(pw[q].bytes)}`);
}

console.log('\n== Vietnamese: result counts (does a query without diacritics find the accented words, and back?)');
const pairs = [
  ['thu ngân sách', 'thu ngan sach'],
  ['nông thôn mới', 'nong thon moi'],
  ['hộ nghèo', 'ho ngheo'],
  ['Thanh Hóa', 'thanh hoa'],
  ['Đắk Lắk', 'dak lak'],
  ['đông', 'dong'],
  ['thu ngân sách', 'thu ngân sách'.normalize('NFD')],
  ['ngân', 'ngan'],
];
const count = async (which, q) => (which === 'b' ? (await bantinCold(q)).total : (await pfCold(q)).total);
for (const [a, bq] of pairs) {
  const label = bq === a.normalize('NFD') && bq !== a ? `NFD "${a}"` : `"${bq}"`;
  const ba = cold[a]?.b.total ?? (await count('b', a));
  const bb = cold[bq]?.b.total ?? (await count('b', bq));
  const pa = cold[a]?.p.total ?? (await count('p', a));
  const pb = cold[bq]?.p.total ?? (await count('p', bq));
  console.log(`  ${('"' + a + '"').padEnd(17)} vs ${label.padEnd(20)} bantin ${String(ba).padStart(5)} / ${String(bb).padStart(5)}   pagefind ${String(pa).padStart(5)} / ${String(pb).padStart(5)}`);
}
const pex = cold['thu ngan sach'].p;
console.log(`\npagefind's first result for "thu ngan sach": ${pex.titles[0] || '(none)'}; excerpt: ${(pex.excerpt || '').slice(0, 160)}`);

await browser.close();
server.close();
EOF

node "$work/measure.mjs" "$repo" "$work/site" "$chromium"
echo
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores, shared machine: timings are indicative)"
