// The judged queries of tests/fixtures/judged_queries.json, in headless Chromium, from file://:
//
//   node tests/browser/search_judged.mjs SITE [SCREENSHOTS] [LANG]
//
// SITE is a relative build of the example archive in the UI language LANG (vi by default).
// For each query judged in that language, the results must start with its groups of bulletins,
// each group taking the next places in any order. Every failing query is reported, with the
// order found.
import { args, launch, main } from './lib.mjs';
import { judged, results } from './judged.mjs';

const { site } = args();
const lang = process.argv[4] || 'vi';

main(async () => {
  const b = await launch();
  const failures = [];
  const queries = judged(lang);
  for (const j of queries) {
    const found = (await results(b.page, site, j.q)).map((r) => r.slug);
    let at = 0;
    for (const group of j.ranks) {
      const got = found.slice(at, at + group.length);
      const missing = group.filter((s) => !got.includes(s));
      if (missing.length) {
        failures.push(
          `“${j.q}” (${lang}): places ${at + 1}–${at + group.length} should be ${JSON.stringify(group)}, ` +
            `but ${JSON.stringify(missing)} ${missing.length > 1 ? 'are' : 'is'} not there; found ${JSON.stringify(found)}`,
        );
        break;
      }
      at += group.length;
    }
  }
  await b.close();
  if (b.problems.length) failures.push(...b.problems);
  if (failures.length) throw new Error(failures.join('\n'));
  console.log(`judged queries (${lang}): ${queries.length} ok`);
});
