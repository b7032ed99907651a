// The search page of an English site (`language = "en"` in site.toml), from file://:
//
//   node tests/browser/search_english.mjs SITE [SCREENSHOTS]
//
// Checks: every message the page shows (the count, none found) is the English one of the
// theme's i18n/en.toml, with the number written the English way, and no message of vi.toml.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { args, launch, fileUrl, check, main } from './lib.mjs';
import { runQuery } from './judged.mjs';

const { site, shots } = args();
const i18n = join(dirname(fileURLToPath(import.meta.url)), '../../themes/default/i18n');

/** The search messages of one language: name -> text with {n} and {q}. */
const messages = (lang) =>
  Object.fromEntries(
    [...readFileSync(join(i18n, `${lang}.toml`), 'utf8').matchAll(/^search_msg_(\w+) = "(.*)"$/gm)].map((m) => [m[1], m[2]]),
  );
const en = messages('en');
const vi = messages('vi');
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A message as a pattern: {n} a number written the English way, {q} the query. */
const pattern = (text, q) =>
  new RegExp(
    '^' +
      text
        .split(/(\{[nq]\})/)
        .map((p) => (p === '{n}' ? '\\d{1,3}(,\\d{3})*' : escape(p === '{q}' ? q : p)))
        .join('') +
      '$',
  );

main(async () => {
  const b = await launch();
  const { page } = b;

  /** Open tim-kiem/?q=… and return the status line once the query has run. */
  const status = async (q) => {
    await runQuery(page, site, q);
    return page.textContent('#search-status');
  };

  await page.goto(fileUrl(site, 'tim-kiem/'));
  const lang = await page.getAttribute('html', 'lang');
  check(lang === 'en', `the search page is lang="${lang}", not en`);
  const found = await status('ngan sach');
  check(pattern(en.count, 'ngan sach').test(found), `“ngan sach”: the status says “${found}”, not en.toml's “${en.count}”`);
  check((await page.locator('#results > li').count()) > 0, '“ngan sach”: no results');
  await page.screenshot({ path: join(shots, 'search-results-en.png'), fullPage: true });
  const none = await status('xyzzy');
  check(none === en.none.replace('{q}', 'xyzzy'), `“xyzzy”: the status says “${none}”, not en.toml's “${en.none}”`);
  for (const [name, text] of Object.entries(vi)) {
    const start = text.split(/\{[nq]\}/).find((p) => p.trim().length > 3);
    check(!found.includes(start) && !none.includes(start), `vi.toml's ${name} (“${start}”) shows on the English page`);
  }
  await b.close();
  if (b.problems.length) throw new Error(b.problems.join('\n'));
  console.log('search in English: ok');
});
