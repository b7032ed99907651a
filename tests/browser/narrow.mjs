// A 360 px wide phone: no page scrolls sideways; the indicator table scrolls inside its
// .table-scroll box. Saves the locality × term page as target/screenshots/360-locality-term.png.
import { args, launch, fileUrl, check, main } from './lib.mjs';
import { join } from 'node:path';

const { site, shots } = args();
const W = 360;

const PAGES = [
  '',
  'dia-phuong/',
  'dia-phuong/dong-son/',
  'dia-phuong/dong-son/2015-2020/',
  'nhiem-ky/',
  'nhiem-ky/2015-2020/',
  'chi-tieu/',
  'chi-tieu/tang-truong/',
  'bai-viet/kh-173-yen-bai/',
  'bai-viet/dong-son-trien-khai-nhiem-vu-2020/',
  'chu-de/',
  'nam/2020/',
  'tim-kiem/',
];

main(async () => {
  const b = await launch({ width: W, height: 780 });
  const { page } = b;
  const wide = [];
  for (const p of PAGES) {
    await page.goto(fileUrl(site, p));
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    if (sw > W) {
      const culprits = await page.evaluate((w) => {
        const out = [];
        for (const e of document.querySelectorAll('body *')) {
          const r = e.getBoundingClientRect();
          if (r.right > w + 0.5 && !e.closest('.table-scroll')) {
            out.push(`${e.tagName.toLowerCase()}.${e.className} right=${Math.round(r.right)}`);
          }
        }
        return out.slice(0, 5);
      }, W);
      wide.push(`${p || '/'}: scrollWidth ${sw} > ${W} (${culprits.join('; ')})`);
    }
  }
  check(wide.length === 0, `pages scroll sideways at ${W} px:\n${wide.join('\n')}`);

  await page.goto(fileUrl(site, 'dia-phuong/dong-son/2015-2020/'));
  const box = await page.$eval('main .table-scroll', (e) => ({
    scrollWidth: e.scrollWidth,
    clientWidth: e.clientWidth,
    overflowX: getComputedStyle(e).overflowX,
    right: e.getBoundingClientRect().right,
  }));
  check(box.overflowX === 'auto' || box.overflowX === 'scroll', `.table-scroll overflow-x: ${box.overflowX}`);
  check(
    box.scrollWidth > box.clientWidth,
    `the table fits in ${box.clientWidth} px (scrollWidth ${box.scrollWidth}): nothing to scroll?`,
  );
  check(box.right <= W, `.table-scroll reaches ${box.right} px`);
  // Scrolling the box moves the table, not the page.
  await page.$eval('main .table-scroll', (e) => e.scrollBy(200, 0));
  const moved = await page.$eval('main .table-scroll', (e) => e.scrollLeft);
  check(moved > 0, 'the table box does not scroll');
  const pageX = await page.evaluate(() => window.scrollX);
  check(pageX === 0, `the page scrolled sideways by ${pageX}`);
  await page.$eval('main .table-scroll', (e) => e.scrollTo(0, 0));
  await page.screenshot({ path: join(shots, '360-locality-term.png'), fullPage: true });
  await page.goto(fileUrl(site, ''));
  await page.screenshot({ path: join(shots, '360-home.png'), fullPage: true });

  await b.close();
  if (b.problems.length) throw new Error(b.problems.join('\n'));
  console.log('narrow: ok');
});
