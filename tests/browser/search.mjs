// The search page of the example archive in headless Chromium:
//
//   node tests/browser/search.mjs SITE [SCREENSHOTS]           # relative build, from file://
//   node tests/browser/search.mjs SITE [SCREENSHOTS] BASE_URL  # built with --base-url BASE_URL
//
// With BASE_URL (http://127.0.0.1:PORT/luu-tru/), the script serves SITE's parent folder on
// that port with a tiny static server (node's http module, stopped when the script ends), so
// the site lives under the sub-path, the way a static host would serve it; SITE's folder must
// be named like the sub-path. Any request it cannot answer is a failure (a /favicon.ico too: the
// theme links its icon).
//
// Checks: queries with and without diacritics (the same bulletins; the order is the ranking's,
// checked by search_judged.mjs), NFD input, prefixes, several words narrowing the results; typing in #q updates the results as one types and keeps ?q= in the address;
// /tim-kiem/?q=… runs that query; a result shows its title (a working link), date dd/mm/yyyy,
// locality and a snippet with <mark>; without JavaScript the <noscript> text shows.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { CHROMIUM, args, launch, fileUrl, check, main } from './lib.mjs';
import { serve } from './http.mjs';

const { site, shots } = args();
const baseUrl = process.argv[4] || null;

const KH173 = 'UBND thành phố Yên Bái cụ thể hóa Kế hoạch hành động số 173 của Thành ủy';
const TONG_KET = 'Thành phố Yên Bái tổng kết năm 2020: thu ngân sách vượt kế hoạch, giảm nghèo chưa đạt';
const DONG_SON = [
  'Đông Sơn đặt mục tiêu tăng trưởng 18,2% trong năm 2020',
  'Đại hội Đảng bộ huyện Đông Sơn lần thứ XXV đề ra mục tiêu giai đoạn 2021-2025',
  'Đông Sơn về đích nhiều chỉ tiêu năm 2020 dù tăng trưởng chậm lại',
  'Huyện Đông Sơn nhập vào thành phố Thanh Hóa từ ngày 1/1/2025',
];

main(async () => {
  let server = null;
  let url; // site path (+ query) -> URL
  if (baseUrl) {
    const u = new URL(baseUrl);
    check(u.hostname === '127.0.0.1' && u.port, `BASE_URL must be http://127.0.0.1:PORT/…: ${baseUrl}`);
    const sub = u.pathname.replace(/^\/|\/$/g, '');
    check(sub && sub === basename(site), `the site folder ${site} is not named like the sub-path /${sub}/`);
    server = await serve(dirname(site), Number(u.port));
    url = (p) => new URL(p, u).href;
  } else {
    url = (p) => {
      const [path, query] = p.split('?');
      return fileUrl(site, path) + (query === undefined ? '' : '?' + query);
    };
  }
  const where = baseUrl ? `over http under ${new URL(baseUrl).pathname}` : 'from file://';

  const b = await launch();
  const { page } = b;
  page.on('response', (r) => {
    if (r.status() >= 400) {
      b.problems.push(`HTTP ${r.status()} for ${r.url()}`);
    }
  });

  /**
   * The page as a reader sees it: the query in the address, the status line (and whether it
   * is the page's error message), whether the results are still coming (aria-busy), and
   * each result.
   */
  const snapshot = () =>
    page.evaluate(() => {
      const box = document.getElementById('search');
      const status = document.getElementById('search-status').textContent;
      return {
        busy: document.getElementById('results').getAttribute('aria-busy') === 'true',
        error: status !== '' && status === box.getAttribute('data-msg-error'),
        q: new URLSearchParams(location.search).get('q'),
        input: document.getElementById('q').value,
        status: document.getElementById('search-status').textContent,
        results: Array.from(document.querySelectorAll('#results > li'), (li) => {
          const a = li.querySelector('h2 a');
          const time = li.querySelector('.meta time');
          const meta = li.querySelector('.meta');
          const snippet = li.querySelector('.snippet');
          return {
            title: a ? a.textContent : null,
            href: a ? a.href : null,
            titleMarks: a ? Array.from(a.querySelectorAll('mark'), (m) => m.textContent) : [],
            date: time ? time.textContent : null,
            datetime: time ? time.getAttribute('datetime') : null,
            meta: meta ? meta.textContent : null,
            snippet: snippet ? snippet.textContent : null,
            marks: snippet ? Array.from(snippet.querySelectorAll('mark'), (m) => m.textContent) : [],
          };
        }),
      };
    });

  /**
   * Wait until the query shown in #q has run to its end (its results are all there), as a
   * reader would see it: the address names the query, the list is no longer busy and the
   * status line names the query (or is the error message).
   */
  const settled = async (what) => {
    try {
      await page.waitForFunction(
        () => {
          const box = document.getElementById('search');
          const input = document.getElementById('q');
          const list = document.getElementById('results');
          if (!box || !input || !list || list.getAttribute('aria-busy') === 'true') return false;
          const status = document.getElementById('search-status').textContent;
          if (status !== '' && status === box.getAttribute('data-msg-error')) return true;
          const want = input.value;
          const inAddress = new URLSearchParams(location.search).get('q') || '';
          // The address follows what was typed; results are there once the status names it.
          if (inAddress !== want) return false;
          if (!want.trim()) return status === '' && !document.querySelector('#results > li');
          return status.includes(want.trim());
        },
        null,
        { timeout: 10_000 },
      );
    } catch (e) {
      const s = await snapshot();
      throw new Error(`${what}: the search did not settle ${where} (${JSON.stringify(s).slice(0, 600)})`);
    }
    const s = await snapshot();
    check(!s.error, `${what}: the search failed ${where}: ${s.status}`);
    return s;
  };

  /** Open /tim-kiem/?q=… and return what it shows. */
  const open = async (q) => {
    await page.goto(url('tim-kiem/?q=' + encodeURIComponent(q)));
    const s = await settled(`?q=${q}`);
    check(s.input === q, `?q=${q}: #q holds ${JSON.stringify(s.input)}`);
    return s;
  };

  const titles = (s) => s.results.map((r) => r.title);
  const has = (s, title, what) =>
    check(titles(s).includes(title), `${what} ${where}: “${title}” is not among ${JSON.stringify(titles(s))}`);
  /** The same bulletins, in any order. */
  const sameSet = (a, b, what) =>
    check(
      JSON.stringify(titles(a).sort()) === JSON.stringify(titles(b).sort()),
      `${what} ${where}: ${JSON.stringify(titles(a))} ≠ ${JSON.stringify(titles(b))}`,
    );
  const same = (a, b, what) =>
    check(
      JSON.stringify(titles(a)) === JSON.stringify(titles(b)),
      `${what} ${where}: ${JSON.stringify(titles(a))} ≠ ${JSON.stringify(titles(b))}`,
    );
  const fold = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/đ/g, 'd');

  // ---- with and without diacritics ----
  const accented = await open('thu ngân sách');
  check(!(await page.locator('#search .notice').isVisible()), `with JavaScript ${where}: the <noscript> notice shows`);
  has(accented, KH173, '“thu ngân sách”');
  has(accented, TONG_KET, '“thu ngân sách”');
  const plain = await open('thu ngan sach');
  has(plain, KH173, '“thu ngan sach”');
  sameSet(plain, accented, '“thu ngan sach” and “thu ngân sách” differ');
  const upper = await open('THU NGÂN SÁCH');
  same(upper, accented, '“THU NGÂN SÁCH” and “thu ngân sách” differ');

  // NFD in the address (e.g. pasted from a macOS file name) finds the same.
  const nfd = await open('thu ngân sách'.normalize('NFD'));
  same(nfd, accented, 'NFD “thu ngân sách” in ?q=');

  const dongSon = await open('Đông Sơn');
  const dongSonPlain = await open('dong son');
  for (const t of DONG_SON) {
    has(dongSon, t, '“Đông Sơn”');
    has(dongSonPlain, t, '“dong son”');
  }
  sameSet(dongSonPlain, dongSon, '“dong son” and “Đông Sơn” differ');

  // ---- a prefix: "ngan" finds "ngân sách" ----
  const ngan = await open('ngan');
  has(ngan, KH173, '“ngan” (a prefix of ngân)');
  has(ngan, TONG_KET, '“ngan” (a prefix of ngân)');
  // Every word of a title or snippet that starts with "ngan" is marked, and nothing else.
  let marked = 0;
  for (const r of ngan.results) {
    const words = `${r.title} ${r.snippet || ''}`.match(/[\p{L}\p{M}\p{N}]+/gu) || [];
    const want = words.filter((w) => fold(w).startsWith('ngan'));
    const marks = [...r.titleMarks, ...r.marks];
    check(
      JSON.stringify(marks) === JSON.stringify(want),
      `“ngan” ${where}: “${r.title}” marks ${JSON.stringify(marks)}, expected ${JSON.stringify(want)}`,
    );
    marked += marks.length;
  }
  check(marked > 0, `“ngan” ${where}: no result marks a word`);

  // ---- several words narrow the results ----
  const chain = [];
  for (const q of ['ngân sách', 'ngân sách yên bái', 'ngân sách yên bái 173']) chain.push([q, await open(q)]);
  for (let i = 1; i < chain.length; i++) {
    const [wq, wide] = chain[i - 1];
    const [nq, narrow] = chain[i];
    check(
      narrow.results.length > 0 && narrow.results.length < wide.results.length,
      `“${nq}” ${where}: ${narrow.results.length} results, “${wq}” ${wide.results.length}: more words do not narrow`,
    );
    for (const t of titles(narrow)) has(wide, t, `“${wq}” (wider than “${nq}”)`);
  }
  has(chain[chain.length - 1][1], KH173, '“ngân sách yên bái 173”');
  const none = await open('ngân sách xyzzy');
  check(none.results.length === 0, `“ngân sách xyzzy” ${where}: ${JSON.stringify(titles(none))}`);
  check(none.status.includes('Không tìm thấy'), `“ngân sách xyzzy” ${where}: status “${none.status}”`);

  // ---- what a result shows ----
  const r = accented.results.find((x) => x.title === KH173);
  check(r.date === '19/02/2020', `KH 173 ${where}: date “${r.date}”, expected 19/02/2020`);
  check(r.datetime === '2020-02-19', `KH 173 ${where}: <time datetime="${r.datetime}">`);
  check(/Yên Bái/.test(r.meta.replace(r.date, '')), `KH 173 ${where}: no locality in “${r.meta}”`);
  for (const x of accented.results) {
    check(/^\d{2}\/\d{2}\/\d{4}$/.test(x.date), `“${x.title}” ${where}: date “${x.date}” is not dd/mm/yyyy`);
    check(x.meta.includes(' · '), `“${x.title}” ${where}: no locality after the date: “${x.meta}”`);
    check(x.snippet && x.snippet.length > 20, `“${x.title}” ${where}: no snippet`);
  }
  // Marks are the phrase, never its words elsewhere ("thư" of "Bí thư" in KH 173's snippet).
  for (const x of accented.results) {
    for (const m of [...x.titleMarks, ...x.marks]) {
      check(fold(m) === 'thu ngan sach', `“${x.title}” ${where}: marks “${m}” for “thu ngân sách”`);
    }
  }
  // Folded matching marks the accented words of an unaccented query.
  const plainR = plain.results.find((x) => x.title === TONG_KET);
  check(
    JSON.stringify(plainR.titleMarks) === JSON.stringify(['thu ngân sách']),
    `“thu ngan sach” ${where}: the title “${TONG_KET}” marks ${JSON.stringify(plainR.titleMarks)}`,
  );
  await page.goto(url('tim-kiem/?q=' + encodeURIComponent('thu ngân sách')));
  await settled('thu ngân sách');
  await page.screenshot({ path: join(shots, `search-results-${baseUrl ? 'http' : 'file'}.png`), fullPage: true });
  // The title is a link to the bulletin.
  await Promise.all([
    page.waitForURL((u) => u.href.includes('bai-viet/kh-173-yen-bai/')),
    page.click(`#results h2 a:text-is("${KH173}")`),
  ]);
  const h1 = (await page.textContent('h1')).trim();
  check(h1 === KH173, `the result's link ${where} opens ${page.url()} titled “${h1}”`);

  // ---- typing updates the results as one types, and ?q= follows ----
  await page.goto(url('tim-kiem/'));
  await settled('the empty page');
  await page.focus('#q');
  let before = await snapshot();
  check(before.results.length === 0 && before.q === null, `the empty page ${where} shows results or ?q=`);
  const seen = [];
  for (const ch of 'dong son') {
    await page.keyboard.type(ch);
    const now = await settled(`typing “${ch}”`);
    check(now.q === now.input, `typing ${where}: ?q=${now.q} while #q holds “${now.input}”`);
    seen.push([now.input, titles(now)]);
    if (process.env.SEARCH_DEBUG) console.log(JSON.stringify(now.input), now.results.length, now.status);
    before = now;
  }
  const after = await snapshot();
  check(after.q === 'dong son', `after typing “dong son” ${where}: ?q=${after.q} (${page.url()})`);
  same(after, dongSonPlain, 'typed “dong son” and ?q=dong son differ');
  const dongOnly = seen.find(([q]) => q === 'dong');
  check(dongOnly && dongOnly[1].length > after.results.length,
    `typing ${where}: “dong” shows ${dongOnly && dongOnly[1].length} results, “dong son” ${after.results.length}; results did not change as one typed`);
  // Once there are results, no letter typed empties them on the way to “dong son”.
  const firstHit = seen.findIndex(([, t]) => t.length > 0);
  const emptied = seen.slice(firstHit).filter(([, t]) => t.length === 0);
  check(firstHit >= 0 && emptied.length === 0,
    `typing ${where}: the results went empty at ${JSON.stringify(emptied.map(([q]) => q))}`);
  const distinct = new Set(seen.map(([, t]) => JSON.stringify(t)));
  check(distinct.size >= 3, `typing ${where}: the results changed only ${distinct.size - 1} times: ${JSON.stringify(seen)}`);

  // Typing fast (faster than the debounce): only the last query's results stay.
  await page.fill('#q', '');
  await settled('clearing #q');
  await page.keyboard.type('thu ngan sach', { delay: 15 });
  const fast = await settled('typing “thu ngan sach” fast');
  same(fast, plain, 'typed “thu ngan sach” and ?q=thu ngan sach differ');
  check(fast.q === 'thu ngan sach', `after typing ${where}: ?q=${fast.q}`);

  // Deleting the words clears the results and ?q=.
  for (let i = 0; i < 'thu ngan sach'.length; i++) await page.keyboard.press('Backspace');
  const cleared = await settled('deleting the query');
  check(cleared.results.length === 0 && cleared.q === null && cleared.status === '',
    `after deleting the query ${where}: ${JSON.stringify(cleared).slice(0, 300)}`);

  // A query typed in NFD (as some input methods send it).
  await page.keyboard.type('Đông Sơn'.normalize('NFD'));
  const typedNfd = await settled('typing NFD “Đông Sơn”');
  check(typedNfd.input !== typedNfd.input.normalize('NFC'), `#q ${where} holds NFC, not the NFD typed`);
  same(typedNfd, dongSon, 'typed NFD “Đông Sơn” and ?q=Đông Sơn differ');

  // Enter runs the query at once (no page load: the form's submit is handled).
  await page.fill('#q', 'ngan');
  await page.keyboard.press('Enter');
  const entered = await settled('Enter');
  same(entered, ngan, '“ngan” + Enter and ?q=ngan differ');

  // Reloading the address typed into keeps the query.
  await page.reload();
  const reloaded = await settled('reload');
  check(reloaded.input === 'ngan', `after reload ${where}: #q holds “${reloaded.input}”`);
  same(reloaded, ngan, 'reloaded ?q=ngan');

  // The page's index was loaded from tim-kiem/index/ only (no stray paths).
  await b.close();

  // ---- without JavaScript, the <noscript> text shows ----
  const profile = mkdtempSync(join(tmpdir(), 'bantin-chromium-'));
  const noJs = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    javaScriptEnabled: false,
  });
  try {
    const p = noJs.pages()[0] || (await noJs.newPage());
    await p.goto(url('tim-kiem/?q=' + encodeURIComponent('thu ngân sách')));
    const notice = p.locator('#search .notice');
    check(await notice.isVisible(), `without JavaScript ${where}: the <noscript> notice is not shown`);
    const text = (await notice.textContent()).trim();
    check(text.includes('cần JavaScript'), `without JavaScript ${where}: the notice says “${text}”`);
    const shown = await p.locator('#results > li').count();
    check(shown === 0, `without JavaScript ${where}: ${shown} results`);
    await p.screenshot({ path: join(shots, `search-no-js-${baseUrl ? 'http' : 'file'}.png`) });
  } finally {
    await noJs.close();
    rmSync(profile, { recursive: true, force: true });
  }

  if (server) {
    await server.close();
    b.problems.push(...server.missing.map((u) => `404 ${u}`));
  }
  if (b.problems.length) throw new Error(b.problems.join('\n'));
  console.log(`search ${where}: ok`);
});
