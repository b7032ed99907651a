// Reviewing a draft in `bantin serve --drafts`: the home page says how many drafts wait, the
// list of drafts links to each, and on a draft's page every proposed figure is marked with
// its reading (indicator · kind · period · qualifier · basis) visible right beside it.
//
// Usage: node review.mjs <server URL> [screenshot folder]
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { launch, check, fail, main } from './lib.mjs';

const [base, shotsArg] = process.argv.slice(2);
if (!base) fail(`usage: node ${process.argv[1]} <server URL> [screenshot folder]`);
const shots = resolve(shotsArg || 'target/screenshots');
mkdirSync(shots, { recursive: true });

const TITLE = 'Yên Bái rà soát khả năng hoàn thành chỉ tiêu tăng trưởng năm 2024';

main(async () => {
  const b = await launch({ width: 1100, height: 900 });
  const { page } = b;
  try {
    // The home page points at the drafts waiting for review.
    await page.goto(base);
    const notice = page.locator('.drafts-notice a');
    check((await notice.count()) === 1, 'the home page has no drafts notice');
    check(/1 bản nháp chờ duyệt/.test(await notice.innerText()), `notice says ${await notice.innerText()}`);
    await notice.click();
    await page.waitForURL(/\/nhap\/$/);
    check((await page.locator('h1').innerText()) === 'Bản nháp chờ duyệt', 'the list of drafts has its heading');

    // The list links to the draft; open it by keyboard focus and Enter, as a reviewer might.
    const link = page.getByRole('link', { name: TITLE });
    check((await link.count()) === 1, `the list of drafts does not link to “${TITLE}”`);
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/bai-viet\/yen-bai-ra-soat-chi-tieu-2024\/$/);
    check(await page.locator('.draft-banner').isVisible(), 'the draft banner is not visible');

    // Every figure has its reading right after it, visible, on the same line or the next.
    const pairs = await page.evaluate(() =>
      [...document.querySelectorAll('.body a.figure')].map((a) => {
        const r = a.nextElementSibling;
        const ra = a.getBoundingClientRect();
        const rr = r ? r.getBoundingClientRect() : null;
        return {
          figure: a.textContent,
          reading: r && r.classList.contains('reading') ? r.textContent : null,
          visible: !!rr && rr.width > 0 && rr.height > 0 && getComputedStyle(r).visibility !== 'hidden',
          near: !!rr && Math.abs(rr.top - ra.top) < 2.5 * ra.height,
        };
      })
    );
    const want = [
      ['trên 7,5%', 'Tăng trưởng · target · 2024 · over · resolution'],
      ['khoảng 7%', 'Tăng trưởng · estimate · 2024 · about'],
    ];
    check(pairs.length === want.length, `figures: ${JSON.stringify(pairs)}`);
    want.forEach(([figure, reading], i) => {
      const p = pairs[i];
      check(p.figure === figure, `figure ${i}: ${p.figure}`);
      check(p.reading === reading, `reading of ${figure}: ${p.reading}`);
      check(p.visible && p.near, `the reading of ${figure} is not visible beside it: ${JSON.stringify(p)}`);
    });
    await page.screenshot({ path: join(shots, 'review-draft.png'), fullPage: true });
    // Script errors only: the live-reload stream is cut at each navigation, and the site has
    // no favicon yet (a 404 the browser asks for by itself).
    const errors = b.problems.filter((p) => p.startsWith('page error'));
    check(errors.length === 0, errors.join('\n'));
  } finally {
    await b.close();
  }
});
