// In print: navigation, search box, pagination and footer are hidden; an indicator table is
// printed whole (no scroll box clipping it) with every column visible; met / not met still
// reads without colour. Saves target/screenshots/print-locality-term.png and a PDF.
import { args, launch, fileUrl, check, main } from './lib.mjs';
import { join } from 'node:path';

const { site, shots } = args();

main(async () => {
  const b = await launch({ width: 1000, height: 1200 });
  const { page } = b;
  await page.goto(fileUrl(site, 'dia-phuong/dong-son/2015-2020/'));
  await page.emulateMedia({ media: 'print' });
  for (const sel of ['header.site-header', 'nav.breadcrumb', 'footer.site-footer']) {
    const shown = await page.$eval(sel, (e) => getComputedStyle(e).display);
    check(shown === 'none', `${sel} is shown in print (display: ${shown})`);
  }
  const overflow = await page.$eval('.table-scroll', (e) => getComputedStyle(e).overflowX);
  check(overflow === 'visible', `the table box clips in print (overflow-x: ${overflow})`);
  const clipped = await page.$eval('.table-scroll', (e) => e.scrollWidth > e.clientWidth + 1);
  check(!clipped, 'the indicator table is wider than its box in print');
  // The verdict is words, not only colour.
  const verdicts = await page.$$eval('td .verdict', (els) => els.map((e) => e.textContent.trim()));
  check(verdicts.length > 0 && verdicts.every((v) => /đạt/.test(v)), `verdicts: ${verdicts}`);
  await page.screenshot({ path: join(shots, 'print-locality-term.png'), fullPage: true });
  await page.pdf({ path: join(shots, 'print-locality-term.pdf'), format: 'A4' });
  await b.close();
  if (b.problems.length) throw new Error(b.problems.join('\n'));
});
