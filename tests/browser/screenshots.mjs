// Desktop screenshots for a person to look at (target/screenshots/*.png): a bulletin with
// inline figures, an indicator page with charts, a locality × term table and the home page.
// Checks what a screenshot would show broken: images that fail to load, charts without size.
import { args, launch, fileUrl, check, main } from './lib.mjs';
import { join } from 'node:path';

const { site, shots } = args();

const SHOTS = [
  ['desktop-bulletin.png', 'bai-viet/dong-son-trien-khai-nhiem-vu-2020/'],
  ['desktop-bulletin-bundle.png', 'bai-viet/kh-173-yen-bai/'],
  ['desktop-indicator-charts.png', 'chi-tieu/tang-truong/'],
  ['desktop-locality-term.png', 'dia-phuong/dong-son/2015-2020/'],
  ['desktop-term.png', 'nhiem-ky/2015-2020/'],
  ['desktop-home.png', ''],
  ['desktop-dissolved.png', 'dia-phuong/yen-bai/'],
];

main(async () => {
  const b = await launch({ width: 1280, height: 900 });
  const { page } = b;
  for (const [file, p] of SHOTS) {
    await page.goto(fileUrl(site, p));
    const broken = await page.$$eval('img', (imgs) =>
      imgs.filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.src),
    );
    check(broken.length === 0, `${p}: images not loaded: ${broken.join(', ')}`);
    const flat = await page.$$eval('svg.chart', (svgs) =>
      svgs.filter((s) => s.getBoundingClientRect().height < 50).length,
    );
    check(flat === 0, `${p}: ${flat} charts are drawn less than 50 px high`);
    await page.screenshot({ path: join(shots, file), fullPage: true });
  }
  await page.goto(fileUrl(site, 'chi-tieu/tang-truong/'));
  check((await page.locator('svg.chart').count()) > 0, 'no chart on the indicator page');
  await b.close();
  if (b.problems.length) throw new Error(b.problems.join('\n'));
  console.log(`screenshots: ${SHOTS.length} in ${shots}`);
});
