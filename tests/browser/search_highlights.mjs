// What the search page marks, in headless Chromium, from file://:
//
//   node tests/browser/search_highlights.mjs SITE [SCREENSHOTS]
//
// SITE is a relative build of the example archive. For each judged query of
// tests/fixtures/judged_queries.json with `marks`, the results named there mark exactly those
// texts in their title, meta line and snippet. And for every judged query: a query of several
// words that a result holds as a phrase marks only that phrase; a query typed with a diacritic
// marks only forms that fold to its words.
import { join } from 'node:path';
import { args, launch, main } from './lib.mjs';
import { judged, results } from './judged.mjs';

const { site, shots } = args();
const fold = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/đ/g, 'd');
const words = (s) => fold(s).split(/[^\p{L}\p{N}]+/u).filter(Boolean);

main(async () => {
  const b = await launch();
  const failures = [];
  let checked = 0;
  for (const j of judged('vi')) {
    const found = await results(b.page, site, j.q);
    for (const [slug, want] of Object.entries(j.marks || {})) {
      const r = found.find((x) => x.slug === slug);
      if (!r) {
        failures.push(`“${j.q}”: ${slug} is not among the results`);
        continue;
      }
      for (const part of ['title', 'meta', 'snippet']) {
        if (JSON.stringify(r.marks[part]) !== JSON.stringify(want[part])) {
          failures.push(`“${j.q}”: ${slug} marks ${JSON.stringify(r.marks[part])} in its ${part}, not ${JSON.stringify(want[part])}`);
        }
        checked++;
      }
    }
    // Every mark is the query's words, in order, or one of them; nothing else.
    const q = words(j.q);
    for (const r of found) {
      for (const m of [...r.marks.title, ...r.marks.meta, ...r.marks.snippet]) {
        const w = words(m);
        const ok = w.length === q.length ? w.every((x, i) => x.startsWith(q[i])) : w.length === 1 && q.some((x) => w[0].startsWith(x));
        if (!ok) failures.push(`“${j.q}”: ${r.slug} marks “${m}”`);
      }
    }
  }
  // A picture of the marks for a person to look at.
  await results(b.page, site, 'thu ngân sách');
  await b.page.screenshot({ path: join(shots, 'search-marks.png'), fullPage: true });
  await b.close();
  if (b.problems.length) failures.push(...b.problems);
  if (failures.length) throw new Error(failures.join('\n'));
  console.log(`search marks: ${checked} checked, ok`);
});
