// `bantin serve` in a real browser: an open bulletin reloads by itself when its file is
// edited (in a background tab too, and only the pages the edit changed), a broken date shows
// the error overlay (file, line, message, help) over the last good page while every page is
// still served, and fixing it removes the overlay and shows the fixed page.
//
// Usage: node live_reload.mjs <server URL> <site root being served> [screenshot folder]
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { launch, check, fail, main } from './lib.mjs';

const [base, root, shotsArg] = process.argv.slice(2);
if (!base || !root) fail(`usage: node ${process.argv[1]} <server URL> <site root> [screenshot folder]`);
const shots = resolve(shotsArg || 'target/screenshots');
mkdirSync(shots, { recursive: true });

const REL = 'content/2021/01/tp-yen-bai-tong-ket-2020.md';
const FILE = join(root, REL);
const BULLETIN = new URL('bai-viet/tp-yen-bai-tong-ket-2020/', base).href;
// Another locality and topics: no edit of the bulletin above changes it.
const OTHER = new URL('bai-viet/ha-tinh-giao-ban-phuong-xa/', base).href;
const WAIT = 10_000;

const original = readFileSync(FILE, 'utf8');
const titleLine = original.split('\n').find((l) => l.startsWith('title:'));
const dateLine = original.split('\n').find((l) => l.startsWith('date:'));
check(titleLine && dateLine, `${FILE} has no title: or date: line`);
let current = original;
function save(from, to) {
  check(current.includes(from), `${REL} does not contain ${from}`);
  current = current.replace(from, to);
  writeFileSync(FILE, current);
}

const t0 = Date.now();
/** Say how far the check got (shown when it fails). */
const step = (what) => console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);

/** Poll `fn` in the page (surviving reloads) until it returns true. */
async function until(page, what, fn, arg) {
  const start = Date.now();
  let last;
  while (Date.now() - start < WAIT) {
    try {
      if (await page.evaluate(fn, arg)) return;
    } catch (e) {
      last = e; // the page is navigating
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${WAIT} ms waiting for ${what} on ${page.url()}${last ? ` (${last.message})` : ''}`);
}

/** Mark the document: a reload removes the mark. */
const mark = (page) => page.evaluate(() => { window.__liveTestMark = true; });
const marked = (page) => page.evaluate(() => window.__liveTestMark === true);
const h1 = (page) => page.evaluate(() => document.querySelector('h1')?.textContent.trim() ?? '');

/** Open `url` and wait until its live-reload stream is connected. */
async function open(page, url) {
  const connected = page.waitForResponse((r) => r.url().endsWith('/__bantin/events'), { timeout: WAIT });
  const res = await page.goto(url);
  check(res.status() === 200, `${url}: status ${res.status()}`);
  const sse = await connected;
  check(sse.status() === 200, `the event stream answered ${sse.status()}`);
  const scripts = await page.evaluate(
    () => [...document.scripts].filter((s) => s.textContent.includes('/__bantin/events')).length,
  );
  check(scripts === 1, `${url}: ${scripts} live-reload scripts`);
}

async function fetchOk(url, text) {
  const r = await fetch(url);
  // Read every body: one left unread keeps its connection, and node, alive.
  const body = await r.text();
  check(r.status === 200, `GET ${url} answered ${r.status} while the site has an error`);
  if (text) check(body.includes(text), `GET ${url} does not show "${text}"`);
}

main(async () => {
  step('launching Chromium');
  const b = await launch();
  step('launched');
  // Chromium asks for /favicon.ico, which the theme does not have: any other 404 fails.
  const missing = [];
  b.context.on('response', (r) => {
    if (r.status() === 404 && new URL(r.url()).pathname !== '/favicon.ico') missing.push(r.url());
  });
  if (process.env.LIVE_DEBUG) {
    b.context.on('request', (r) => console.log('request', r.url()));
    b.context.on('response', (r) => console.log('response', r.status(), r.url()));
    b.context.on('console', (m) => console.log('console', m.type(), m.text(), m.location().url));
  }
  try {
    const tab1 = b.page;
    await open(tab1, BULLETIN);
    const title0 = await h1(tab1);
    check(title0.startsWith('Thành phố Yên Bái tổng kết năm 2020'), `h1 is "${title0}"`);

    step('opened the bulletin');
    // 1. An edit of the title: the open page reloads by itself (only one tab is open).
    await mark(tab1);
    const title1 = 'Yên Bái tổng kết 2020 (sửa lần 1)';
    save(titleLine, `title: "${title1}"`);
    await until(tab1, `the page to reload with the title "${title1}"`,
      (t) => !window.__liveTestMark && document.querySelector('h1')?.textContent.trim() === t, title1);

    step('reloaded after the first edit');
    // 2. A second tab on a page the edit does not change, in front: the first tab, now in
    // the background, still reloads on its own, and the second one does not.
    const tab2 = await b.context.newPage();
    await open(tab2, OTHER);
    const other = await h1(tab2);
    await tab2.bringToFront();
    await mark(tab1);
    await mark(tab2);
    const title2 = 'Yên Bái tổng kết 2020 (sửa lần 2)';
    save(`title: "${title1}"`, `title: "${title2}"`);
    await until(tab1, `the background tab to reload with the title "${title2}"`,
      (t) => !window.__liveTestMark && document.querySelector('h1')?.textContent.trim() === t, title2);
    // The second half of the rebuild (lists, feeds) has had time to arrive too.
    await tab2.waitForTimeout(1000);
    check(await marked(tab2), `${OTHER} reloaded though the edit did not change it`);
    check((await h1(tab2)) === other, `${OTHER}: h1 changed to "${await h1(tab2)}"`);

    step('the background tab reloaded; the other did not');
    // 3. A broken date: the overlay shows in every open page, over the last good page.
    await tab1.bringToFront();
    await mark(tab1);
    save(dateLine, 'date: 2020-13-45');
    for (const [tab, name] of [[tab1, 'the bulletin'], [tab2, 'the other page']]) {
      await until(tab, `the error overlay on ${name}`,
        () => !!document.getElementById('bantin-error-overlay'));
    }
    const overlay = tab1.locator('#bantin-error-overlay');
    check(await overlay.isVisible(), 'the overlay is not visible');
    const text = await overlay.innerText();
    for (const want of [`${REL}:3`, 'not a valid date', 'help:', 'the site did not build (1 problem)']) {
      check(text.includes(want), `the overlay does not show "${want}":\n${text}`);
    }
    // It covers the page, in front of everything.
    const covers = await tab1.evaluate(() => {
      const r = document.getElementById('bantin-error-overlay').getBoundingClientRect();
      const top = document.elementFromPoint(innerWidth / 2, innerHeight / 2);
      return r.width >= innerWidth - 1 && r.height >= innerHeight - 1 &&
        !!top && !!top.closest('#bantin-error-overlay');
    });
    check(covers, 'the overlay does not cover the page');
    check(await marked(tab1), 'the page reloaded on a failed build');
    check((await h1(tab1)) === title2, 'the last good page is not under the overlay');
    await tab1.screenshot({ path: join(shots, 'serve-overlay.png') });

    step('the overlay shows');
    // A page opened now shows the overlay at once.
    const tab3 = await b.context.newPage();
    await open(tab3, new URL('dia-phuong/', base).href);
    await until(tab3, 'the error overlay on a page opened during the error',
      () => !!document.getElementById('bantin-error-overlay'));
    await tab3.close();

    // Every page is still served, the broken one as it last built.
    await fetchOk(OTHER, other);
    await fetchOk(base);
    await fetchOk(BULLETIN, title2);
    await fetchOk(new URL('static/style.css', base).href);

    // Its × hides it.
    await tab2.locator('#bantin-error-overlay button').click();
    check((await tab2.locator('#bantin-error-overlay').count()) === 0, 'the × does not hide the overlay');

    step('pages are served during the error');
    // 4. Fixed, with another date: the overlay goes and the page shows the new date.
    save('date: 2020-13-45', 'date: 2021-01-16T09:00:00+07:00');
    await until(tab1, 'the page to reload with the fixed date',
      () => !window.__liveTestMark && !document.getElementById('bantin-error-overlay') &&
        !!document.querySelector('time[datetime^="2021-01-16"]'));
    check((await h1(tab1)) === title2, `after the fix h1 is "${await h1(tab1)}"`);
    await tab1.screenshot({ path: join(shots, 'serve-fixed.png') });
    step('fixed');
    await tab2.close();

    // 5. A browser opens at most six connections to one server: hidden pages let go of
    // their event stream, so a seventh, eighth… page still loads; shown again, a page
    // reconnects and catches up with an edit made while it was hidden.
    const hideIt = () => {
      Object.defineProperty(document, 'hidden', { value: true, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    };
    const showIt = () => {
      Object.defineProperty(document, 'hidden', { value: false, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    };
    await tab1.evaluate(hideIt);
    const many = [];
    for (let i = 0; i < 8; i++) {
      const t = await b.context.newPage();
      await open(t, OTHER);
      await t.evaluate(hideIt);
      many.push(t);
    }
    step('eight more pages loaded');
    await mark(tab1);
    const title3 = 'Yên Bái tổng kết 2020 (sửa lần 3)';
    save(`title: "${title2}"`, `title: "${title3}"`);
    await tab1.waitForTimeout(1500);
    check(await marked(tab1), 'a hidden page reloaded (it should wait until shown)');
    await tab1.evaluate(showIt);
    await until(tab1, `the page shown again to catch up with "${title3}"`,
      (t) => !window.__liveTestMark && document.querySelector('h1')?.textContent.trim() === t, title3);
    for (const t of many) await t.close();
    step('hidden pages catch up when shown');
  } finally {
    await b.close();
    step('closed Chromium');
  }
  check(missing.length === 0, `404 for ${missing.join(', ')}`);
  // A reload aborts the page's event stream, and the favicon is missing: no failures.
  const problems = b.problems.filter(
    (p) =>
      !(p.startsWith('failed request') && p.includes('/__bantin/events') && p.includes('ERR_ABORTED')) &&
      !p.endsWith('the server responded with a status of 404 (Not Found)'),
  );
  if (problems.length) throw new Error(problems.join('\n'));
  console.log('live reload: ok');
});
