// The keyboard alone, in Chromium on a phone-sized window, from disk (a relative build):
//
// - the search page: the first Tab shows the skip link; Tab reaches the search field, typing
//   runs the query, Tab goes on to the first result and Enter opens it; with --more (an
//   archive where the query finds more than a page), Enter on "more" shows the next page
//   and puts the focus on its first result;
// - an indicator table: Tab reaches its scrolling box, the arrow keys scroll it sideways,
//   and Tab, then Shift+Tab, go through every link of the table, each in its box and never
//   hidden whole under the sticky first column (WCAG 2.4.11);
// - on both, every element that takes the focus shows a focus ring (an outline of at
//   least 2 px, not transparent).
//
//   node tests/browser/keyboard.mjs <site> <screenshots> --table=<site path> [--query=WORDS] [--more]
import { join } from 'node:path';
import { args, launch, fileUrl, check, main } from './lib.mjs';

const { site, shots } = args();
const opt = (name) => process.argv.slice(4).find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=');
const tablePage = opt('table');
const query = opt('query') || 'ngân sách';
const more = process.argv.includes('--more');

/** What has the focus: tag, id, class, text, and whether its focus ring shows. */
function focused(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const s = getComputedStyle(e);
    const r = e.getBoundingClientRect();
    const ring =
      (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 && s.outlineColor !== 'rgba(0, 0, 0, 0)') ||
      (s.boxShadow !== 'none' && s.boxShadow !== '');
    const inView = r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth && r.width > 0;
    return {
      tag: e.tagName.toLowerCase(),
      id: e.id,
      cls: e.className && typeof e.className === 'string' ? e.className : '',
      text: (e.textContent || '').trim().slice(0, 60),
      ring,
      inView,
    };
  });
}

function describe(f) {
  return f ? `<${f.tag}${f.id ? '#' + f.id : ''}${f.cls ? '.' + f.cls.split(' ').join('.') : ''}> "${f.text}"` : 'nothing';
}

/** Press Tab (or Shift+Tab) and require the newly focused element to show its ring in view. */
async function tab(page, back = false) {
  await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  const f = await focused(page);
  if (f) {
    check(f.ring, `${page.url()}: ${describe(f)} has the focus but no visible focus ring`);
    check(f.inView, `${page.url()}: ${describe(f)} has the focus but is out of view`);
  }
  return f;
}

/** Tab until `is(focused)` holds (at most `max` presses); returns the focused element. */
async function tabTo(page, is, what, max = 60) {
  for (let i = 0; i < max; i++) {
    const f = await tab(page);
    if (f && is(f)) return f;
  }
  throw new Error(`${page.url()}: ${max} presses of Tab never reached ${what}`);
}

async function searchPage(page) {
  await page.goto(fileUrl(site, 'tim-kiem/'));
  const first = await tab(page);
  check(first && first.cls.includes('skip'), `the first Tab reaches ${describe(first)}, not the skip link`);
  await tabTo(page, (f) => f.id === 'q', 'the search field');
  await page.keyboard.type(query);
  // The results of the whole query, shown and settled: on a loaded machine the results of a
  // query typed halfway can come first, and a Tab while they are replaced reaches nothing.
  await page.waitForFunction(
    (q) =>
      document.querySelectorAll('#results li a').length > 0 &&
      !document.getElementById('results').hasAttribute('aria-busy') &&
      document.getElementById('search-status').textContent.includes(q),
    query,
    { timeout: 15000 },
  );
  const hit = await tab(page);
  const firstResult = await page.$eval('#results li a', (a) => a.textContent.trim().slice(0, 60));
  check(hit && hit.tag === 'a' && hit.text === firstResult, `Tab after typing reaches ${describe(hit)}, not the first result`);
  await page.screenshot({ path: join(shots, 'keyboard-search-result.png') });
  await Promise.all([page.waitForURL((u) => u.href.includes('/bai-viet/')), page.keyboard.press('Enter')]);

  if (more) {
    await page.goBack();
    await page.waitForFunction(() => document.querySelectorAll('#results li').length > 0, null, { timeout: 15000 });
    const shown = await page.$$eval('#results li', (l) => l.length);
    await page.waitForSelector('#search > button', { timeout: 15000 });
    await page.focus('#q');
    const button = await tabTo(page, (f) => f.tag === 'button', 'the "more" button', shown + 5);
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => document.querySelectorAll('#results li').length > n, shown, { timeout: 15000 });
    await page.waitForFunction((n) => document.activeElement && document.activeElement.closest('#results li') === document.querySelectorAll('#results li')[n], shown, { timeout: 5000 }).catch(() => {});
    const where = await page.evaluate(() => {
      const li = document.activeElement && document.activeElement.closest('#results li');
      return li ? Array.from(li.parentNode.children).indexOf(li) : -1;
    });
    check(where === shown, `after Enter on ${describe(button)} the focus is on result ${where}, not on the first new one (${shown})`);
    const f = await focused(page);
    check(f && f.ring && f.inView, `the first new result has the focus but ${f ? 'no ring or out of view' : 'nothing is focused'}`);
  }
}

async function table(page) {
  await page.goto(fileUrl(site, tablePage));
  const box = await tabTo(page, (f) => f.cls.includes('table-scroll'), 'the table\'s scrolling box');
  check(box.ring, 'the table box has the focus but no ring');
  const wide = await page.$eval('main .table-scroll', (e) => e.scrollWidth > e.clientWidth);
  if (wide) {
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
    // The keys scroll smoothly: wait for it.
    const scrolled = await page
      .waitForFunction(() => document.querySelector('main .table-scroll').scrollLeft > 0, null, { timeout: 3000 })
      .then(() => true, () => false);
    check(scrolled, 'the arrow keys do not scroll the focused table sideways');
    await page.waitForTimeout(600);
    await page.screenshot({ path: join(shots, 'keyboard-table-scrolled.png') });
  }
  const links = await page.$$eval('main .table-scroll a', (l) => l.length);
  check(links > 0, 'the table has no links');
  // Every link of the table in turn, forwards then backwards: in the box, not under the
  // sticky first column.
  const seen = async () =>
    page.evaluate(() => {
      const a = document.activeElement;
      const scroller = a.tagName === 'A' && a.closest('.table-scroll');
      if (!scroller) return null;
      // The first line of the link (a long name wraps).
      const r = a.getClientRects()[0];
      const b = scroller.getBoundingClientRect();
      // Not hidden whole under the sticky column (WCAG 2.4.11): some point of its first
      // line is the link's own.
      let onTop = false;
      let covering = null;
      for (let x = Math.max(r.left, b.left) + 2; x < Math.min(r.right, b.right) - 1; x += 6) {
        const top = document.elementFromPoint(x, r.top + r.height / 2);
        if (top && (top === a || a.contains(top))) {
          onTop = true;
          break;
        }
        covering = top ? top.outerHTML.slice(0, 80) : null;
      }
      return {
        text: a.textContent.trim().slice(0, 40) + ` [${Math.round(r.left)}..${Math.round(r.right)} in ${Math.round(b.left)}..${Math.round(b.right)}, scrollLeft ${scroller.scrollLeft}]`,
        inBox: r.right > b.left + 1 && r.left < b.right - 1,
        onTop,
        covering,
      };
    });
  for (const back of [false, true]) {
    let count = 0;
    for (;;) {
      await tab(page, back);
      // Let any scroll that the focus started finish.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const s = await seen();
      if (!s) break;
      count++;
      check(s.inBox, `table link "${s.text}" has the focus outside its box (${back ? 'Shift+Tab' : 'Tab'})`);
      check(s.onTop, `table link "${s.text}" has the focus under ${s.covering} (${back ? 'Shift+Tab' : 'Tab'})`);
      if (count > links + 2) throw new Error('Tab never leaves the table');
    }
    // Forwards the first press inside lands on the first link; backwards the box itself
    // ends the walk.
    check(count >= links - 1, `${back ? 'Shift+Tab' : 'Tab'} went through ${count} of the table's ${links} links`);
    if (!back) {
      // Back into the table from after it.
      await tab(page, true);
      await page.keyboard.press('Tab');
    }
  }
}

main(async () => {
  const b = await launch({ width: 390, height: 844 });
  await searchPage(b.page);
  if (tablePage) await table(b.page);
  await b.close();
  if (b.problems.length) throw new Error(b.problems.join('\n'));
  console.log(`keyboard: ok (search${more ? ' with more' : ''}${tablePage ? ', table ' + tablePage : ''})`);
});
