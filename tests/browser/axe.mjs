// axe-core in Chromium over the pages of a built site (opened from disk, so a relative
// build): the rules tagged WCAG 2.0 and 2.1 A and AA, and axe's best practices, must find
// nothing. The search page is checked twice more, with a query that finds bulletins and one
// that finds none, so that the markup the script writes is checked too.
//
//   node tests/browser/axe.mjs <site> <screenshots> [--sample=N] [--query=WORDS] [--base=URL]
//
// With --base=http://127.0.0.1:PORT/<sub>/ (the site built with that --base-url into a
// folder named <sub>) the pages are loaded over http from a server of the site's parent
// folder, and any request it cannot answer fails the check: a missing /favicon.ico too.
// Without it, from disk (a build with relative_urls).
//
// Without --sample every page is checked; with it, the first N pages of each kind (the first
// part of the path: bai-viet, dia-phuong, chi-tieu…, and for dia-phuong the locality × term
// tables apart) in path order, a spread that stays quick on a large archive.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, sep } from 'node:path';
import { args, launch, fileUrl, main, check } from './lib.mjs';
import { serve } from './http.mjs';

const { site } = args();
const opt = (name) => process.argv.slice(4).find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=');
const sample = opt('sample') ? Number(opt('sample')) : 0;
const query = opt('query') || 'ngân sách';
const base = opt('base') ? new URL(opt('base')) : null;

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/** Every page of the site as a site path ("" for the home page, "x/" for x/index.html). */
function pages(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        if (name !== 'static' && name !== 'du-lieu') walk(p);
      } else if (name.endsWith('.html')) {
        const rel = relative(dir, p).split(sep).join('/');
        out.push(rel.endsWith('index.html') ? rel.slice(0, -'index.html'.length) : rel);
      }
    }
  };
  walk(dir);
  return out;
}

/** The kind of a page, for --sample: its first folder, a locality's term table apart. */
function kind(path) {
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 0) return 'home';
  if (parts[0] === 'dia-phuong' && parts.length === 3 && /^\d{4}-\d{4}$/.test(parts[2])) return 'locality-term';
  if (parts.length === 1) return `${parts[0]} (list)`;
  return parts[0];
}

function choose(all) {
  if (!sample) return all;
  const seen = new Map();
  return all.filter((p) => {
    const k = kind(p);
    const n = seen.get(k) || 0;
    seen.set(k, n + 1);
    return n < sample;
  });
}

main(async () => {
  let server = null;
  let url = (p) => fileUrl(site, p);
  if (base) {
    check(basename(site) === base.pathname.replace(/^\/|\/$/g, ''), `${site} is not named like ${base.pathname}`);
    server = await serve(dirname(site), Number(base.port));
    url = (p) => new URL(p, base).href;
  }
  const list = choose(pages(site)).map((p) => ({ path: p, url: url(p) }));
  const search = list.find((p) => p.path === 'tim-kiem/');
  if (search) {
    for (const q of [query, 'zzzkhongcogi']) {
      list.push({ path: `tim-kiem/?q=${q}`, url: `${search.url}?q=${encodeURIComponent(q)}`, search: true });
    }
  }
  const b = await launch({ width: 390, height: 844 });
  const { page } = b;
  const found = [];
  for (const p of list) {
    const t0 = Date.now();
    await page.goto(p.url);
    if (p.search) {
      await page.waitForFunction(() => (document.getElementById('search-status')?.textContent || '').trim() !== '');
    }
    await page.addScriptTag({ content: AXE });
    const res = await page.evaluate(async (tags) => {
      const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'], preload: false });
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
      }));
    }, TAGS);
    for (const v of res) found.push({ page: p.path, ...v });
    if (process.env.AXE_TIMES) console.log(`${((Date.now() - t0) / 1000).toFixed(1)}s ${p.path}`);
  }
  await b.close();
  if (server) await server.close();

  const nodes = found.reduce((n, v) => n + v.nodes.length, 0);
  if (found.length) {
    const byRule = new Map();
    for (const v of found) {
      const r = byRule.get(v.id) || { help: v.help, impact: v.impact, pages: [], nodes: 0 };
      r.pages.push(v.page);
      r.nodes += v.nodes.length;
      byRule.set(v.id, r);
    }
    for (const [id, r] of byRule) {
      console.error(`${id} (${r.impact}): ${r.help}: ${r.nodes} elements on ${r.pages.length} pages, e.g. ${r.pages.slice(0, 3).join(', ')}`);
    }
    for (const v of found.slice(0, 20)) {
      console.error(`\n${v.page}: ${v.id}`);
      for (const n of v.nodes.slice(0, 3)) console.error(`  ${n.target}\n    ${n.summary.replace(/\n/g, '\n    ')}`);
    }
    console.error(`\naxe: ${found.length} violations (${nodes} elements) on ${list.length} pages`);
    process.exit(1);
  }
  // 404.html links its stylesheet from the site's root (it is served at any address), which
  // a page opened from disk cannot reach.
  const inside = fileUrl(site, '').replace(/index\.html$/, '');
  const problems = b.problems.filter(
    (p) => !p.includes('/404.html:') && !(p.startsWith('failed request file://') && !p.includes(inside)),
  );
  if (server) problems.push(...server.missing.map((u) => `not found over http: ${u}`));
  if (problems.length) throw new Error(problems.join('\n'));
  console.log(`axe: 0 violations on ${list.length} pages`);
});
