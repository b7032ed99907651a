// Shared by the search checks: the judged queries of tests/fixtures/judged_queries.json
// (search_judged.mjs, search_highlights.mjs), a query run on the search page to its end,
// and the page's results as a reader sees them.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileUrl } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** The judged queries, those to check in the UI language `lang`. */
export function judged(lang) {
  const file = join(here, '../fixtures/judged_queries.json');
  return JSON.parse(readFileSync(file, 'utf8')).queries.filter((j) => (j.ui || ['vi']).includes(lang));
}

/** Open tim-kiem/?q=… of the built site (from disk) and wait until the query has run to its
 * end: the results are no longer busy and the status line names the query. */
export async function runQuery(page, site, q) {
  await page.goto(fileUrl(site, 'tim-kiem/') + '?q=' + encodeURIComponent(q));
  await page.waitForFunction(
    (q) => {
      const list = document.getElementById('results');
      const s = document.getElementById('search-status').textContent;
      return list && list.getAttribute('aria-busy') !== 'true' && s.includes(q);
    },
    q.trim(),
    { timeout: 10_000 },
  );
}

/**
 * Open tim-kiem/?q=… of the built site and return its results once the query has run to its
 * end: [{slug, title, marks: {title, meta, snippet}}], in order.
 */
export async function results(page, site, q) {
  await runQuery(page, site, q);
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('#results > li'), (li) => {
      const a = li.querySelector('h2 a');
      const marks = (sel) => Array.from(li.querySelectorAll(sel + ' mark'), (m) => m.textContent);
      return {
        slug: (a.getAttribute('href').match(/bai-viet\/([^/]+)\//) || [])[1],
        title: a.textContent,
        marks: { title: marks('h2'), meta: marks('.meta'), snippet: marks('.snippet') },
      };
    }),
  );
}
