// The relative build, opened from disk, is navigable by clicking: home → a locality → the
// locality in a term (its indicator table) → a bulletin the table cites, with the theme's
// stylesheet applied on every page and no failed request, script error or console error.
import { args, launch, fileUrl, check, main } from './lib.mjs';

const { site } = args();

async function styled(page) {
  // From style.css: .site-header { background: var(--brand) } with --brand: #a3161a.
  const bg = await page.$eval('header.site-header', (e) => getComputedStyle(e).backgroundColor);
  check(bg === 'rgb(163, 22, 26)', `${page.url()}: header background is ${bg}: style.css not applied`);
  const wrap = await page.$eval('main', (e) => getComputedStyle(e).maxWidth);
  check(wrap !== 'none', `${page.url()}: main has no max-width: style.css not applied`);
}

async function clickTo(page, selector, text, expectPath) {
  const link = page.locator(selector, { hasText: text }).first();
  check((await link.count()) === 1, `${page.url()}: no link ${selector} "${text}"`);
  await Promise.all([page.waitForURL((u) => u.href.endsWith(expectPath)), link.click()]);
  check(page.url().startsWith('file://'), `left the disk: ${page.url()}`);
}

main(async () => {
  const b = await launch();
  const { page } = b;
  await page.goto(fileUrl(site, ''));
  check((await page.title()).length > 0, 'home has no title');
  await styled(page);

  await clickTo(page, '.sidebar ul.tree a', 'Huyện Đông Sơn', '/dia-phuong/dong-son/index.html');
  check((await page.textContent('h1')).trim() === 'Huyện Đông Sơn', `h1 on ${page.url()}`);
  await styled(page);

  await clickTo(page, 'main ul.chips a', 'Nhiệm kỳ 2015–2020', '/dia-phuong/dong-son/2015-2020/index.html');
  await styled(page);
  const table = page.locator('main table.indicators');
  check((await table.count()) === 1, 'no indicator table on the locality × term page');
  check(await table.isVisible(), 'the indicator table is not visible');
  const caption = (await page.textContent('main table.indicators caption')).trim();
  check(caption.includes('Đông Sơn'), `caption: ${caption}`);
  const met = await page.$eval('td.met', (e) => getComputedStyle(e).backgroundColor);
  check(met === 'rgb(232, 245, 236)', `a met cell's background is ${met}`);

  // A figure links to its bulletin.
  const fig = page.locator('main table.indicators a.fig').first();
  const href = await fig.getAttribute('href');
  check(href.endsWith('/index.html'), `figure link ${href} does not name index.html`);
  await Promise.all([page.waitForURL((u) => u.href.includes('/bai-viet/')), fig.click()]);
  await styled(page);
  check((await page.locator('article.bulletin h1').count()) === 1, `no bulletin at ${page.url()}`);

  // And back home by the brand link.
  await Promise.all([page.waitForURL((u) => u.href.endsWith('/index.html')), page.click('a.brand')]);
  check(
    page.url() === fileUrl(site, ''),
    `the brand link leads to ${page.url()}, not ${fileUrl(site, '')}`,
  );

  await b.close();
  if (b.problems.length) throw new Error(b.problems.join('\n'));
  console.log('navigate: ok');
});
