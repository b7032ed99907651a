// Lighthouse on five pages of a built site, mobile emulation (Lighthouse's default: a
// Moto G Power on slow 4G, CPU slowed 4×), served over http by a small static server that
// compresses text with gzip as any production static host does (nginx, GitHub Pages).
//
//   CHROME_PATH=/usr/bin/chromium node bench/lighthouse.mjs SITE_DIR PORT [QUERY]
//
// SITE_DIR is a build made with --base-url http://127.0.0.1:PORT/. The five pages: the home
// page, the largest bulletin, the largest locality × term page, the largest indicator page,
// and the search page with ?q=QUERY ("thu ngân sách" by default). Prints the four scores of
// each (performance, accessibility, best practices, SEO) as a Markdown table, and writes
// each full report as SITE_DIR/../lighthouse/<page>.html. Each page is run RUNS times
// (default 3) and the run with the median performance score is kept, as Lighthouse advises:
// one run on a busy machine can be far off.
//
// Lighthouse 12 (bench/package.json): 13 needs Node 22.
import { createServer } from 'node:http';
import { createReadStream, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { createGzip } from 'node:zlib';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const [siteArg, portArg, queryArg] = process.argv.slice(2);
if (!siteArg || !portArg) {
  console.error('usage: node bench/lighthouse.mjs SITE_DIR PORT [QUERY]');
  process.exit(2);
}
const site = resolve(siteArg);
const port = Number(portArg);
const query = queryArg || 'thu ngân sách';
const reports = resolve(site, '..', 'lighthouse');
mkdirSync(reports, { recursive: true });

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
};
const COMPRESS = /^(text\/|application\/(json|xml)|image\/svg)/;

const server = createServer((req, res) => {
  let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  let file = join(site, path);
  if (!file.startsWith(site + sep) && file !== site) {
    res.writeHead(403).end();
    return;
  }
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if (!existsSync(file)) {
    res.writeHead(404, { 'content-type': TYPES['.html'] });
    createReadStream(join(site, '404.html')).pipe(res);
    return;
  }
  const type = TYPES[extname(file)] || 'application/octet-stream';
  const headers = { 'content-type': type, 'cache-control': 'max-age=600' };
  if (COMPRESS.test(type) && /\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
    res.writeHead(200, { ...headers, 'content-encoding': 'gzip', vary: 'accept-encoding' });
    createReadStream(file).pipe(createGzip()).pipe(res);
  } else {
    res.writeHead(200, { ...headers, 'content-length': statSync(file).size });
    createReadStream(file).pipe(res);
  }
});

/** The site path of the largest index.html among `dir`'s folders matching `keep`. */
function largest(dir, keep) {
  let best = null;
  const walk = (d, rel) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (!statSync(p).isDirectory()) continue;
      const r = `${rel}${name}/`;
      const f = join(p, 'index.html');
      if (keep(r) && existsSync(f)) {
        const size = statSync(f).size;
        if (!best || size > best.size) best = { path: r, size };
      }
      if (name !== 'trang') walk(p, r);
    }
  };
  walk(join(site, dir), dir);
  if (!best) throw new Error(`no page under ${dir}`);
  return best.path;
}

// LH_PAGES="path,path" names other pages instead (for a look at one page).
const pages = process.env.LH_PAGES
  ? process.env.LH_PAGES.split(',').map((p) => [p.replace(/\W+/g, '-') || 'home', p])
  : [
      ['home', ''],
      ['bulletin', largest('bai-viet/', (r) => r.split('/').length === 3)],
      ['locality × term', largest('dia-phuong/', (r) => /^dia-phuong\/[^/]+\/\d{4}-\d{4}\/$/.test(r))],
      ['indicator', largest('chi-tieu/', (r) => r.split('/').length === 3)],
      ['search', `tim-kiem/?q=${encodeURIComponent(query)}`],
    ];

await new Promise((ok) => server.listen(port, '127.0.0.1', ok));
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
});
const rows = [];
try {
  for (const [name, path] of pages) {
    const url = `http://127.0.0.1:${port}/${path}`;
    const runs = [];
    for (let i = 0; i < Number(process.env.RUNS || 3); i++) {
      runs.push(
        await lighthouse(url, {
          port: chrome.port,
          output: 'html',
          logLevel: 'error',
          onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
        }),
      );
    }
    runs.sort((x, y) => x.lhr.categories.performance.score - y.lhr.categories.performance.score);
    const result = runs[Math.floor(runs.length / 2)];
    const c = result.lhr.categories;
    const score = (k) => Math.round(c[k].score * 100);
    const row = [name, path || '/', score('performance'), score('accessibility'), score('best-practices'), score('seo')];
    const a = result.lhr.audits;
    const metric = (k) => a[k]?.displayValue || '';
    row.push(`FCP ${metric('first-contentful-paint')}, LCP ${metric('largest-contentful-paint')}, TBT ${metric('total-blocking-time')}, CLS ${metric('cumulative-layout-shift')}`);
    rows.push(row);
    writeFileSync(join(reports, `${name.replace(/[^a-z]+/g, '-')}.html`), result.report);
    // Audits that lost points, to say why a score is below 100.
    for (const [k, cat] of Object.entries(c)) {
      for (const ref of cat.auditRefs) {
        const au = a[ref.id];
        if (ref.weight > 0 && au.score !== null && au.score < 0.9 && k !== 'performance') {
          console.error(`  ${name}: ${k}: ${au.id}: ${au.title}`);
        }
      }
    }
  }
} finally {
  await chrome.kill();
  server.close();
}

console.log('| page | path | performance | accessibility | best practices | SEO | metrics |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | --- |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log(`\nfull reports: ${reports}/`);
