// Unit tests of the search client in node (20+, no dependencies): the parts in
// themes/default/static/search/, each loaded as the page loads it (a classic script adding to
// globalThis.bantinSearch); static/search.js, the page itself, is tested in Chromium
// (search.mjs).
//   node tests/browser/search_unit.mjs [INDEX_DIR]
// With INDEX_DIR (a built site's tim-kiem/index/), also runs queries against that index.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const theme = join(here, "../../themes/default");
// The parts, in the order search.html loads them (checked below).
const PARTS = ["text", "index", "rank", "engine", "load"];
for (const p of PARTS) require(join(theme, "static/search", p + ".js"));
const S = globalThis.bantinSearch;

let failed = 0;
const tests = [];
const test = (name, fn) => tests.push([name, fn]);

const nfd = (s) => s.normalize("NFD");

// ---- helpers to build a tiny index in memory, as src/search/ writes it (format 3) ----
function varint(out, v) {
  while (v >= 128) {
    out.push((v % 128) | 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
}
function encode(postings) {
  // postings: [[doc, score, titlePlaces]] ascending
  const out = [];
  let prev = -1;
  for (const [d, s, t] of postings) {
    varint(out, (d - prev - 1) * 16 + s);
    if (s & 8) varint(out, t || 0);
    prev = d;
  }
  return Buffer.from(out).toString("base64");
}
/** The head of postings [[doc, score, places]] (ids ascending), as search.rs writes it. */
function headOf(postings, k) {
  const best = [...postings].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, k);
  const last = best[best.length - 1];
  return [last[1], last[0], encode(best.sort((a, b) => a[0] - b[0]))];
}
/**
 * docs: [{title, body, topics}] -> loader over an in-memory index with the rules of
 * src/search/ (title 8 with places, topic 4, body level 1..2; forms of tokens; phrases of
 * topics), one shard per 2-char key; with `head`, longer postings in their own file have a
 * head of that many. With `gap`, every bulletin has `gap` ids of none before it (doc i has id
 * i * (gap + 1) + gap), as batches leave room in a real index.
 */
function memoryIndex(docs, head = 0, own = true, gap = 0) {
  const inv = new Map(); // key -> Map doc -> {fields, tf, places}
  const at = (key, id) => {
    if (!inv.has(key)) inv.set(key, new Map());
    const m = inv.get(key);
    if (!m.has(id)) m.set(id, { title: false, topic: false, tf: 0, places: 0 });
    return m.get(id);
  };
  docs.forEach((d, i) => {
    const id = i * (gap + 1) + gap;
    S.words(d.title).forEach((w, i) => {
      for (const k of [w.token, w.token + "=" + w.form]) {
        const e = at(k, id);
        e.title = true;
        if (i < 31) e.places |= 1 << i;
      }
    });
    for (const w of S.words(d.body || "")) for (const k of [w.token, w.token + "=" + w.form]) at(k, id).tf++;
    for (const topic of d.topics || []) {
      const ws = S.words(topic);
      for (const w of ws) for (const k of [w.token, w.token + "=" + w.form]) at(k, id).topic = true;
      for (let i = 0; i + 1 < ws.length; i++) at(ws.slice(i, i + 6).map((w) => w.token).join(" "), id).topic = true;
    }
  });
  // Forms: a token of one form lists it (when it is not the token) and has no form key.
  const forms = new Map();
  const dfs = new Map();
  for (const key of inv.keys()) {
    const eq = key.indexOf("=");
    if (eq === -1) continue;
    const t = key.slice(0, eq);
    if (!forms.has(t)) forms.set(t, []);
    forms.get(t).push(key.slice(eq + 1));
  }
  // A form in more than half of its token's bulletins: the others instead, of score 1.
  const complements = new Set();
  for (const [t, fs] of forms) {
    fs.sort((a, b) => inv.get(t + "=" + b).size - inv.get(t + "=" + a).size || (a < b ? -1 : 1));
    if (fs.length === 1) inv.delete(t + "=" + fs[0]);
    else {
      for (const f of fs) {
        const with_ = inv.get(t + "=" + f);
        if (with_.size * 2 <= inv.get(t).size) continue;
        const others = new Map();
        for (const id of inv.get(t).keys()) if (!with_.has(id)) others.set(id, { title: false, topic: false, tf: 1, places: 0 });
        inv.set(t + "=" + f, others);
        complements.add(t + "=" + f);
        dfs.set(t + "=" + f, with_.size);
      }
    }
  }
  const files = {};
  const shards = new Map();
  for (const t of [...inv.keys()].sort()) {
    const key = Array.from(t).slice(0, 2).join("");
    if (!shards.has(key)) shards.set(key, []);
    const postings = [...inv.get(t)].sort((a, b) => a[0] - b[0]).map(([id, e]) => {
      const score = (e.title ? 8 : 0) | (e.topic ? 4 : 0) | Math.min(2, e.tf);
      return [id, Math.max(1, score), e.places];
    });
    const b64 = encode(postings);
    const fs = forms.get(t);
    const extra = fs && (fs.length > 1 || fs[0] !== t) ? [fs] : complements.has(t) ? [1] : [];
    const df = dfs.has(t) ? dfs.get(t) : postings.length;
    // Long postings go to their own file, as in the real index (complements and phrases have
    // no head).
    if (b64.length > 8) {
      files["t/" + S.fileName(t)] = b64;
      if (head && postings.length > head && !complements.has(t) && !t.includes(" ")) {
        files["h/" + S.fileName(t)] = headOf(postings, head);
      }
      shards.get(key).push([t, df, b64.length, ...extra]);
    } else shards.get(key).push([t, df, b64, ...extra]);
  }
  for (const [k, rows] of shards) files["s/" + S.fileName(k)] = rows;
  const chunk = 1;
  const ids = docs.length * (gap + 1);
  const row = (id) => {
    if (id % (gap + 1) !== gap) return null;
    const i = (id - gap) / (gap + 1), d = docs[i];
    return ["bai-viet/" + i + "/", d.title, "01/01/2020", "Tỉnh X", d.body || "", d.topics || []];
  };
  for (let c = 0; c * chunk < ids; c++) {
    const rows = Array.from({ length: chunk }, (_, k) => row(c * chunk + k));
    // A chunk of no bulletin has no file.
    if (rows.some((r) => r !== null)) files["d/" + c] = rows;
  }
  files.manifest = { format: 3, version: "0", docs: docs.length, ids, chunk, phrase: 6, shards: [...shards.keys()].sort() };
  // Tokens and forms with own files, as search.rs lists them (unless `own` is false: an older
  // index).
  if (own) {
    files.manifest.own = {};
    for (const rows of shards.values())
      for (const r of rows) if (typeof r[2] === "number" && !r[0].includes(" ")) files.manifest.own[r[0]] = r.slice(1);
  }
  if (head) files.manifest.head = head;
  const loaded = [];
  const load = async (name) => {
    loaded.push(name);
    if (!(name in files)) throw new Error("no file " + name);
    return files[name];
  };
  return { load, loaded, files };
}

// ---- the shipped files ----
test("search.html loads the parts in order, then search.js, then the manifest", () => {
  const html = readFileSync(join(theme, "templates/search.html"), "utf8");
  const srcs = [...html.matchAll(/<script src="([^"]*)"/g)].map((m) => m[1]);
  assert.deepEqual(srcs, [
    ...PARTS.map((p) => `{{ site.root }}static/search/${p}.js`),
    "{{ site.js }}",
    "{{ page.index }}manifest.js",
  ]);
});

test("the client holds no test hooks and no UI words (those come from the i18n)", () => {
  const files = [...PARTS.map((p) => `static/search/${p}.js`), "static/search.js"];
  const code = files.map((f) => [f, readFileSync(join(theme, f), "utf8")]);
  for (const [f, text] of code) {
    // Timings and states written for tests and benchmarks (they measure from outside now).
    const hook = text.match(/performance|Date\.now|\.trace\b|\.work\b|data-(?!msg-|index|root|suffix)[\w-]+/);
    assert.equal(hook, null, `${f} holds ${hook}`);
  }
  // Every search message of every language, cut at its placeholders: none is in the code.
  for (const lang of ["vi", "en"]) {
    const toml = readFileSync(join(theme, `i18n/${lang}.toml`), "utf8");
    const msgs = [...toml.matchAll(/^search_msg_(\w+) = "(.*)"$/gm)];
    assert.deepEqual(msgs.map((m) => m[1]).sort(), ["count", "error", "more", "none", "partial"], lang);
    for (const [, name, value] of msgs) {
      const html = readFileSync(join(theme, "templates/search.html"), "utf8");
      assert.ok(html.includes(`data-msg-${name}="{{ i18n.search_msg_${name} }}"`), `search.html lacks data-msg-${name}`);
      for (const piece of value.split(/\{[nq]\}/).map((x) => x.trim()).filter((x) => x.length > 3)) {
        for (const [f, text] of code) assert.ok(!text.includes(piece), `${f} holds “${piece}” (${lang}.toml)`);
      }
    }
  }
});

// ---- folding ----
test("fold: Đồng Tháp == dong thap, NFC and NFD alike", () => {
  assert.equal(S.fold("Đồng Tháp"), "dong thap");
  assert.equal(S.fold(nfd("Đồng Tháp")), "dong thap");
  assert.equal(S.fold("ĐỒNG THÁP"), "dong thap");
  assert.equal(S.fold("Thanh Hoá"), S.fold("Thanh Hóa"));
  assert.equal(S.fold("ĂÂÊÔƠƯĐ ăâêôơưđ"), "aaeooud aaeooud");
  assert.equal(S.fold("\u0110o\u0302\u0301ng"), "dong");
});

test("tokenize: folded words, punctuation dropped", () => {
  assert.deepEqual(S.tokenize("Thu ngân sách, 2020!"), ["thu", "ngan", "sach", "2020"]);
  assert.deepEqual(S.tokenize(nfd("Thu ngân sách")), ["thu", "ngan", "sach"]);
  assert.deepEqual(S.tokenize("“Quỳnh Lưu – Nghệ An”"), ["quynh", "luu", "nghe", "an"]);
  assert.deepEqual(S.tokenize("  "), []);
});

test("formOf: lowercase, every diacritic, tones last (as search::form_of)", () => {
  assert.equal(S.formOf("Thư"), "thư");
  assert.equal(S.formOf("THU"), "thu");
  assert.equal(S.formOf("Hoá"), "hoa\u0301");
  assert.equal(S.formOf("hóa"), "hoa\u0301");
  assert.equal(S.formOf(nfd("Đồng")), "đông\u0300");
  assert.equal(S.formOf("thuỷ"), S.formOf("thủy"));
  assert.notEqual(S.formOf("thư"), S.formOf("thu"));
  // A word being typed: its letters so far, and its tone once typed.
  assert.ok(S.formMatches(S.formOf("thứ"), S.formOf("thư"), true));
  assert.ok(!S.formMatches(S.formOf("thu"), S.formOf("thư"), true));
  assert.ok(S.formMatches(S.formOf("ngân"), S.formOf("ngâ"), true));
  assert.ok(!S.formMatches(S.formOf("ngân"), S.formOf("ngâ"), false));
  assert.ok(S.formMatches(S.formOf("nghiệp"), S.formOf("nghiê"), true));
  assert.ok(!S.formMatches(S.formOf("nghiệp"), S.formOf("nghiế"), true));
});

test("parseQuery: words, exact forms, the order typed; the last word a prefix while typing", () => {
  const w = (word, prefix, form = word) => ({ word, form, prefix });
  assert.deepEqual(S.parseQuery("thu ngan"), { words: [w("thu", false), w("ngan", true)], seq: [0, 1], exact: false });
  assert.deepEqual(S.parseQuery("thu ngan "), { words: [w("thu", false), w("ngan", false)], seq: [0, 1], exact: false });
  // Any diacritic makes every word exact, the unmarked ones too ("thu" is not "thư").
  assert.deepEqual(S.parseQuery("thu ngân"), {
    words: [w("thu", false), w("ngan", true, "ngân")],
    seq: [0, 1],
    exact: true,
  });
  assert.deepEqual(S.parseQuery("d").words, [w("d", false)]);
  // A one-letter word being typed after others waits for its second letter.
  assert.deepEqual(S.parseQuery("dong s").words, [w("dong", false)]);
  assert.deepEqual(S.parseQuery("thu thu"), { words: [w("thu", true)], seq: [0, 0], exact: false });
  // Repeated words count once, and the phrase keeps them where they are.
  assert.deepEqual(S.parseQuery("a b a ").seq, [0, 1, 0]);
  assert.deepEqual(S.parseQuery("thu thư ").words.length, 2);
  assert.deepEqual(S.parseQuery("thu thu ").words.length, 1);
  assert.deepEqual(S.parseQuery("  "), { words: [], seq: [], exact: false });
});

test("fileName, shardOf, shardsForPrefix", () => {
  assert.equal(S.fileName("ng"), "ng");
  assert.equal(S.fileName("中"), "_4e2d_");
  const keys = ["a", "ng", "nga", "ngu", "nh"];
  const set = new Set(keys);
  assert.equal(S.shardOf(set, "ngan"), "nga");
  assert.equal(S.shardOf(set, "ngo"), "ng");
  assert.equal(S.shardOf(set, "ng"), "ng");
  assert.equal(S.shardOf(set, "zz"), null);
  assert.deepEqual(S.shardsForPrefix(keys, "ng"), ["ng", "nga", "ngu"]);
  assert.deepEqual(S.shardsForPrefix(keys, "nga"), ["nga"]);
  assert.deepEqual(S.shardsForPrefix(keys, "ngan"), ["nga"]);
});

test("decodePostings reads LEB128 deltas with scores and title places", () => {
  const b64 = encode([[0, 1], [1, 15, 6], [5, 3], [300, 8, 1 << 30], [100000, 2]]);
  const p = S.decodePostings(b64);
  assert.deepEqual([...p.docs], [0, 1, 5, 300, 100000]);
  assert.deepEqual([...p.scores], [1, 15, 3, 8, 2]);
  assert.deepEqual([...p.titles], [0, 6, 0, 1 << 30, 0]);
});

const listOf = (pairs, weight = 4, offset = 0) => ({
  docs: Int32Array.from(pairs.map((p) => p[0])),
  scores: Uint8Array.from(pairs.map((p) => p[1])),
  titles: Int32Array.from(pairs.map((p) => p[2] || 0)),
  weight,
  offset,
});

test("rank: AND of words, best first, then newest (lower id)", () => {
  const r = S.rank(
    [
      [listOf([[1, 1], [2, 6], [3, 1], [7, 1]])],
      [listOf([[2, 1], [3, 1], [7, 10]]), listOf([[1, 15]], 3)],
    ],
    10
  );
  // 1: 1×4 + 15×3 (prefix list) = 49; 7: 4 + 40; 2: 24 + 4; 3: 4 + 4; doc 0 lacks word 1.
  assert.deepEqual([...r.ids], [1, 7, 2, 3]);
  assert.deepEqual([...r.scores], [49, 44, 28, 8]);
  // Equal scores: the lower id (newer bulletin) first.
  const r3 = S.rank([[listOf([[4, 2], [9, 2], [6, 2]])]], 10);
  assert.deepEqual([...r3.ids], [4, 6, 9]);
  // Prefix lists of one word that are not in id order still rank by id within a score.
  const r4 = S.rank([[listOf([[8, 1]]), listOf([[2, 1], [5, 1]])]], 10);
  assert.deepEqual([...r4.ids], [2, 5, 8]);
  // Within one word the best list counts, not the sum; an offset (an exact form) adds.
  const r2 = S.rank([[listOf([[0, 2]]), listOf([[0, 5]])]], 1);
  assert.deepEqual([...r2.scores], [20]);
  const r5 = S.rank([[listOf([[0, 15], [1, 1]]), listOf([[1, 1]], 4, 1000)]], 2);
  assert.deepEqual([...r5.ids], [1, 0]);
  assert.deepEqual([...S.rank([], 5).ids], []);
});

test("rank: a phrase in the title and a name, then in the title, then in a name, then none", () => {
  const units = S.scoring(2);
  // Words a and b; titles: doc 0 "a b", doc 1 "b a", doc 2 "a x b"; doc 3 "a b" in a name only;
  // doc 4 "a b" in a name and the title.
  const a = listOf([[0, 8, 1], [1, 8, 2], [2, 8, 1], [3, 4], [4, 12, 4]]);
  const b = listOf([[0, 8, 2], [1, 8, 1], [2, 8, 4], [3, 4], [4, 12, 8]]);
  const names = [{ docs: Int32Array.from([3, 4]) }];
  const r = S.rank([[a], [b]], 5, { seq: [0, 1], units, names });
  assert.deepEqual([...r.ids], [4, 0, 3, 1, 2]);
  const info = [...r.scores].map((t) => S.matchInfo(t, units));
  assert.deepEqual(info.map((i) => [i.title, i.name]), [[true, true], [true, false], [false, true], [false, false], [false, false]]);
  // "b a": doc 1's title.
  const r2 = S.rank([[a], [b]], 5, { seq: [1, 0], units });
  assert.equal(r2.ids[0], 1);
  // Exact forms outrank any phrase: each word in its exact form adds units.exact.
  const exact = listOf([[2, 1]], 4, units.exact);
  const r3 = S.rank([[a, exact], [b]], 5, { seq: [0, 1], units, names });
  assert.equal(r3.ids[0], 2);
  assert.equal(S.matchInfo(r3.scores[0], units).exact, 1);
});

test("marker: words diacritic-insensitively, prefixes, NFD", () => {
  const q = S.parseQuery("dong ngan");
  const m = S.marker(q, [], null);
  assert.deepEqual(m("Thu ngân sách Đồng Tháp"), [
    ["Thu ", false],
    ["ngân", true],
    [" sách ", false],
    ["Đồng", true],
    [" Tháp", false],
  ]);
  // prefix: "ngan" also marks "ngành"; whole word "dong" does not mark "dongs".
  assert.deepEqual(m("ngành dongs"), [["ngành", true], [" dongs", false]]);
  // NFD text is marked as a whole word.
  const seg = S.marker(S.parseQuery("thap"), [], null)(nfd("Đồng Tháp"));
  assert.deepEqual(seg, [[nfd("Đồng "), false], [nfd("Tháp"), true]]);
  assert.deepEqual(m(""), []);
});

test("marker: a phrase where it stands; exact forms when typed with diacritics", () => {
  const title = "Thu ngân sách vượt dự toán";
  const snippet = "Phó Bí thư chủ trì; thu nhập và ngân sách tăng.";
  const topic = "Thu ngân sách";
  for (const q of ["thu ngan sach", "thu ngân sách"]) {
    const query = S.parseQuery(q);
    // The phrase is in sight: marked where it stands, its words elsewhere not.
    const m = S.marker(query, [title, snippet, topic], { exact: query.words.length, phrase: true });
    assert.deepEqual(m(title), [["Thu ngân sách", true], [" vượt dự toán", false]], q);
    assert.deepEqual(m(snippet), [[snippet, false]], q);
    assert.deepEqual(m(topic), [[topic, true]], q);
    // Matched as a phrase out of sight (a name not shown): nothing marked word by word.
    const out = S.marker(query, [snippet], { exact: query.words.length, phrase: true });
    assert.deepEqual(out(snippet), [[snippet, false]], q);
  }
  // Scattered: each word, in the form typed ("thu", not "thư", once a diacritic is typed).
  const exact = S.marker(S.parseQuery("thu ngân sách"), [snippet], { exact: 3, phrase: false });
  assert.deepEqual(
    exact(snippet).filter((x) => x[1]).map((x) => x[0]),
    ["thu", "ngân", "sách"]
  );
  const plain = S.marker(S.parseQuery("thu ngan sach"), [snippet], { exact: 0, phrase: false });
  assert.deepEqual(
    plain(snippet).filter((x) => x[1]).map((x) => x[0]),
    ["thư", "thu", "ngân", "sách"]
  );
  // A bulletin that matched only folded forms has those marked.
  const folded = S.marker(S.parseQuery("thư "), ["thu ngân sách"], { exact: 0, phrase: false });
  assert.deepEqual(folded("thu ngân sách"), [["thu", true], [" ngân sách", false]]);
  const asked = S.marker(S.parseQuery("thư "), [snippet], { exact: 1, phrase: false });
  assert.deepEqual(asked(snippet).filter((x) => x[1]).map((x) => x[0]), ["thư"]);
  // Old and new tone placement are one form.
  const hoa = S.marker(S.parseQuery("văn hóa"), ["đời sống văn hoá"], { exact: 2, phrase: false });
  assert.deepEqual(hoa("đời sống văn hoá"), [["đời sống ", false], ["văn hoá", true]]);
});

test("engine: diacritics both ways, prefix, AND, only needed files loaded", async () => {
  const idx = memoryIndex([
    { title: "Thu ngân sách Đồng Tháp", body: "thu ngân sách năm 2020 đạt" },
    { title: "Ngành nông nghiệp", body: "nông thôn mới Đồng Tháp" },
    { title: "Tỷ lệ hộ nghèo", body: "giảm tỷ lệ hộ nghèo dong thap" },
    { title: nfd("Xây dựng nông thôn mới"), body: "" },
  ]);
  const e = new S.Engine(idx.load);
  const ids = async (q) => [...(await e.search(q)).ids];
  assert.deepEqual(await ids("dong thap"), [0, 1, 2]);
  assert.deepEqual(await ids("Đồng Tháp"), [0, 1, 2]);
  assert.deepEqual(await ids(nfd("ĐỒNG THÁP")), [0, 1, 2]);
  // Prefix: "ngan" finds ngân and ngành; the whole word ranks first.
  assert.deepEqual(await ids("ngan"), [0, 1]);
  assert.deepEqual(await ids("ngan "), [0]);
  // Several words narrow; the phrase in a title first.
  assert.deepEqual(await ids("nong thon moi"), [3, 1]);
  assert.deepEqual(await ids("nông thôn mới đồng"), [1]);
  assert.deepEqual(await ids("ty le ho ngheo"), [2]);
  assert.deepEqual(await ids("khong co"), []);
  // Non-last words fall back to prefixes when no such whole word exists.
  assert.deepEqual(await ids("ngh thap"), [2, 1]);
  const rows = await e.docs([2, 0]);
  assert.equal(rows[0].title, "Tỷ lệ hộ nghèo");
  assert.equal(rows[1].path, "bai-viet/0/");
  assert.deepEqual(rows[1].topics, []);
  assert.ok(!idx.loaded.includes("s/ch"), "only the shards of the query's words");
  assert.ok(!idx.loaded.includes("d/1") && !idx.loaded.includes("d/3"), "only the chunks of shown results");
});

test("engine: exact forms first when typed with a diacritic, every form alike without", async () => {
  const idx = memoryIndex([
    { title: "Thu ngân sách vượt kế hoạch", body: "" },
    { title: "Hội nghị", body: "Bí thư chủ trì hội nghị" },
    { title: "Lần thứ nhất", body: "" },
    { title: "Thư viện xã", body: "" },
  ]);
  const e = new S.Engine(idx.load);
  const ids = async (q) => [...(await e.search(q)).ids];
  // Without diacritics: every form alike, by field (titles first, newest first).
  assert.deepEqual(await ids("thu "), [0, 2, 3, 1]);
  // "thư": its exact form first (title, then body), then the other forms.
  assert.deepEqual(await ids("thư "), [3, 1, 0, 2]);
  assert.deepEqual(await ids("thứ "), [2, 0, 3, 1]);
  // Typed with diacritics, an unmarked word is exact too: "thu ngân" wants "thu".
  const r = await e.search("thu ngân ");
  assert.deepEqual([...r.ids], [0]);
  assert.equal(S.matchInfo(r.scores[0], r.units).exact, 2);
  // Still typing "thư": the forms that start so, exact.
  assert.deepEqual((await ids("thư")).slice(0, 3), [2, 3, 1]);
});

test("engine: a phrase ranks above the same words scattered, in title and topics", async () => {
  const idx = memoryIndex([
    { title: "Ngân sách thu hẹp", body: "", topics: ["Ngân sách"] },
    { title: "Kế hoạch năm", body: "thu ngân sách đạt", topics: ["Thu ngân sách"] },
    { title: "Thu ngân sách vượt kế hoạch", body: "" },
    { title: "Thu ngân sách tăng", body: "", topics: ["Thu ngân sách nhà nước"] },
    { title: "Sách về thu nhập và ngân hàng", body: "" },
  ]);
  const e = new S.Engine(idx.load);
  for (const q of ["thu ngan sach", "thu ngân sách", "thu ngan sa", "thu ngân sách "]) {
    const r = await e.search(q);
    // Title and topic (3), title (2), topic (1); then the scattered (0, 4).
    assert.deepEqual([...r.ids].slice(0, 3), [3, 2, 1], q);
    assert.deepEqual([...r.ids].slice(3).sort(), [0, 4], q);
    const info = [...r.scores].map((t) => S.matchInfo(t, r.units));
    assert.deepEqual(info.map((i) => i.phrase), [true, true, true, false, false], q);
  }
  // Out of order is no phrase: then title and topic, title, topic as for single words.
  const back = await e.search("sach ngan thu");
  assert.ok([...back.scores].every((t) => !S.matchInfo(t, back.units).phrase));
  assert.deepEqual([...back.ids], [3, 0, 2, 4, 1]);
});

// ---- heads ----
/** A deterministic pseudo-random generator (xorshift). */
function rng(seed) {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}
/** A list's head of k postings, as the engine passes it to rankHeads (or the list itself). */
function headList(pairs, k, weight = 4) {
  if (pairs.length <= k) return { ...listOf(pairs, weight), complete: true };
  const [minScore, lastId, b64] = headOf(pairs, k);
  const d = S.decodePostings(b64);
  return { docs: d.docs, scores: d.scores, weight, complete: false, minScore, lastId };
}

test("rankHeads on complete lists is rank", () => {
  const words = [
    [listOf([[1, 1], [2, 6], [3, 1], [7, 1]])],
    [listOf([[2, 1], [3, 1], [7, 10]]), listOf([[1, 16]], 3)],
  ];
  const r = S.rankHeads(words);
  assert.deepEqual([...r.ids], [1, 7, 2, 3]);
  assert.deepEqual([...r.scores], [52, 44, 28, 8]);
  assert.equal(r.matched, 4);
  assert.deepEqual([...S.rankHeads([]).ids], []);
});

test("rankHeads: the intersection of heads, proven when nothing left out can beat it", () => {
  // Word a: docs 0..99, doc d scores 15 when d % 3 == 0, else 2. Word b: docs 0..99, all 7.
  const a = [...Array(100).keys()].map((d) => [d, d % 3 === 0 ? 15 : 2]);
  const b = [...Array(100).keys()].map((d) => [d, 7]);
  const full = S.rank([[listOf(a)], [listOf(b)]], 100);
  // Heads of 40: a's are its 34 docs at 15 and 6 at 2 (ids 1..8); b's the first 40 ids.
  const r = S.rankHeads([[headList(a, 40)], [headList(b, 40)]]);
  // Both heads hold 20 docs. Proven: the 14 at 15 + 7 (ids 0..39); after them could come a
  // doc at 15 with a higher id left out of b's head (42 is in a's head, b's score unknown).
  assert.deepEqual([...r.ids], [...full.ids.slice(0, 14)]);
  assert.deepEqual([...r.scores], [...full.scores.slice(0, 14)]);
  assert.equal(r.matched, 20);
  // With heads of 60 all 34 docs at 15 are proven, and nothing else.
  const r2 = S.rankHeads([[headList(a, 60)], [headList(b, 60)]]);
  assert.deepEqual([...r2.ids], [...full.ids.slice(0, 20)]);
  // A head whose last score is 1 leaves out docs that are not in the list at all.
  const c = [...Array(50).keys()].map((d) => [d * 2, 1]);
  const r3 = S.rankHeads([[headList(c, 10)]]);
  assert.deepEqual([...r3.ids], [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
});

test("rankHeads proves only leading results of the full ranking (random lists)", () => {
  const rand = rng(7);
  let proven = 0;
  for (let round = 0; round < 400; round++) {
    const ndocs = 20 + rand(300);
    const nwords = 1 + rand(3);
    const k = 1 + rand(60);
    const full = [], heads = [];
    for (let w = 0; w < nwords; w++) {
      const fl = [], hl = [];
      const nlists = 1 + (rand(4) === 0 ? rand(3) : 0);
      for (let l = 0; l < nlists; l++) {
        const density = 1 + rand(10);
        const top = 1 + rand(15);
        const pairs = [];
        for (let d = 0; d < ndocs; d++) if (rand(10) < density) pairs.push([d, 1 + rand(top)]);
        const weight = l === 0 ? 4 : 3;
        fl.push(listOf(pairs, weight));
        hl.push(headList(pairs, k, weight));
      }
      full.push(fl);
      heads.push(hl);
    }
    const want = S.rank(full, ndocs);
    const got = S.rankHeads(heads);
    proven += got.ids.length;
    assert.ok(got.ids.length <= want.ids.length, `round ${round}`);
    assert.deepEqual([...got.ids], [...want.ids.slice(0, got.ids.length)], `round ${round}`);
    assert.deepEqual([...got.scores], [...want.scores.slice(0, got.ids.length)], `round ${round}`);
    assert.ok(got.matched <= want.ids.length, `round ${round}`);
  }
  assert.ok(proven > 1000, `${proven} results proven`);
});

test("engine.first: frequent words load their heads or postings before any shard", async () => {
  const docs = [...Array(60).keys()].map((i) => ({
    title: (i % 3 === 0 ? "Đồng Tháp " : "Tin ") + (i === 59 ? "xã" : "số"),
    body: "đồng tháp tháp",
  }));
  for (const q of ["dong thap ", "dong thap", "dong ", "dong xa ", "thap so"]) {
    const idx = memoryIndex(docs, 25);
    const e = new S.Engine(idx.load);
    const r = await e.first(q, 20);
    const firstShard = idx.loaded.findIndex((n) => n.startsWith("s/"));
    const early = idx.loaded.slice(0, firstShard === -1 ? idx.loaded.length : firstShard);
    const w = S.parseQuery(q).words[0].word;
    // One word: its head only; several (a phrase, whose order heads cannot tell): the full
    // postings, at once.
    const several = S.parseQuery(q).seq.length > 1;
    assert.equal(early.includes("h/" + w), !several, `${q}: ${idx.loaded.join(" ")}`);
    assert.equal(early.includes("t/" + w), several, `${q}: ${idx.loaded.join(" ")}`);
    // The same answer as an index without the manifest's list.
    const old = memoryIndex(docs, 25, false);
    const want = await new S.Engine(old.load).first(q, 20);
    assert.deepEqual([...r.ids], [...want.ids], q);
    assert.equal(r.total, want.total, q);
    // A whole word listed in the manifest needs no shard at all.
    if (q === "dong ") assert.equal(firstShard, -1, idx.loaded.join(" "));
  }
});

test("engine.first: the first page from heads, the rest after; full lists when heads fall short", async () => {
  // 60 bulletins, every third titled "Đồng Tháp"; "đồng tháp tháp" in every body; "xã" in
  // the title of bulletin 59 only. Heads of 25: the 20 titled ones and 5 more.
  const docs = [...Array(60).keys()].map((i) => ({
    title: (i % 3 === 0 ? "Đồng Tháp " : "Tin ") + (i === 59 ? "xã" : "số"),
    body: "đồng tháp tháp",
  }));
  const idx = memoryIndex(docs, 25);
  // One word: its head alone, the full list only when asked for.
  const one = await new S.Engine(idx.load).first("dong ", 20);
  assert.equal(one.complete, false);
  assert.ok(idx.loaded.includes("h/dong") && !idx.loaded.includes("t/dong"), idx.loaded.join(" "));
  const oneFull = await new S.Engine(idx.load).search("dong ");
  assert.deepEqual([...one.ids], [...oneFull.ids.slice(0, one.ids.length)]);
  assert.equal(one.ids.length, 25, "a head of one word proves all of itself");
  assert.deepEqual([...(await one.rest()).ids], [...oneFull.ids]);
  // Several words: a phrase, ranked from the full lists.
  const e = new S.Engine(idx.load);
  const r = await e.first("dong thap ", 20);
  assert.equal(r.complete, true);
  assert.equal(r.total, 60);
  const full = await e.search("dong thap ");
  assert.deepEqual([...r.ids], [...full.ids]);
  // "dong xa": the heads of dong hold no bulletin with xa at all: the full lists answer.
  const e2 = new S.Engine(idx.load);
  idx.loaded.length = 0;
  const r2 = await e2.first("dong xa ", 20);
  assert.equal(r2.complete, true);
  assert.deepEqual([...r2.ids], [59]);
  assert.ok(idx.loaded.includes("t/dong"));
  // Without heads in the index (or for short lists) first() is search().
  const plain = memoryIndex(docs);
  const r3 = await new S.Engine(plain.load).first("dong thap ", 20);
  assert.equal(r3.complete, true);
  assert.deepEqual([...r3.ids], [...full.ids]);
  assert.ok(!plain.loaded.some((n) => n.startsWith("h/")));
});

test("engine.first agrees with search, exact forms and phrases included (random archives)", async () => {
  const rand = rng(11);
  const vocab = ["thu", "Thư", "thứ", "thủ", "ngân", "sách", "Đồng", "đông", "dong", "hóa", "hoá", "xã"];
  const pick = (n) => Array.from({ length: n }, () => vocab[rand(vocab.length)]).join(" ");
  let fromHeads = 0, complements = 0;
  for (let round = 0; round < 12; round++) {
    const docs = Array.from({ length: 60 + rand(60) }, () => ({
      title: pick(1 + rand(4)),
      body: pick(rand(8)),
      topics: rand(3) === 0 ? [pick(2)] : [],
    }));
    const idx = memoryIndex(docs, 4 + rand(12));
    for (const [name, rows] of Object.entries(idx.files)) {
      if (name.startsWith("s/")) complements += rows.filter((r) => r[3] === 1).length;
    }
    for (const q of ["thu ", "thư ", "thứ", "thư", "Thu ngân sách", "đông ", "dong", "hoá ", "ngân sách ", "sách thu"]) {
      const full = await new S.Engine(idx.load).search(q);
      const r = await new S.Engine(idx.load).first(q, 5);
      if (!r.complete) fromHeads++;
      assert.deepEqual([...r.ids], [...full.ids.slice(0, r.ids.length)], `${round} ${q}`);
      assert.deepEqual([...r.scores], [...full.scores.slice(0, r.ids.length)], `${round} ${q}`);
      if (r.complete) assert.equal(r.total, full.total);
    }
  }
  assert.ok(fromHeads > 20, `${fromHeads} first pages from heads`);
  assert.ok(complements > 5, `${complements} forms written as complements`);
});

test("engine: ids with room between them (format 3) find and rank as dense ones", async () => {
  const rand = rng(5);
  const vocab = ["thu", "Thư", "ngân", "sách", "Đồng", "Tháp", "nông", "thôn", "mới", "xã"];
  const pick = (n) => Array.from({ length: n }, () => vocab[rand(vocab.length)]).join(" ");
  const docs = Array.from({ length: 80 }, () => ({ title: pick(1 + rand(3)), body: pick(rand(6)) }));
  const gap = 3;
  const dense = memoryIndex(docs, 6);
  const sparse = memoryIndex(docs, 6, true, gap);
  // The ids run past the number of bulletins: a ranking sized by `docs` would drop the last.
  assert.equal(sparse.files.manifest.ids, docs.length * (gap + 1));
  const toSparse = (i) => i * (gap + 1) + gap;
  for (const q of ["thu", "Thư ", "ngan sach", "dong thap", "xa ", "moi"]) {
    const d = await new S.Engine(dense.load).search(q);
    const e = new S.Engine(sparse.load);
    const s = await e.search(q);
    assert.ok(d.total > 0, q);
    assert.deepEqual([...s.ids], [...d.ids].map(toSparse), q);
    assert.equal(s.total, d.total, q);
    const f = await new S.Engine(sparse.load).first(q, 5);
    assert.deepEqual([...f.ids], [...s.ids.slice(0, f.ids.length)], q);
    const rows = await e.docs(s.ids.slice(0, 3));
    rows.forEach((row, k) => assert.equal(row.path, "bai-viet/" + d.ids[k] + "/", q));
  }
});

// ---- against a real index ----
async function realIndex(dir) {
  const bytes = { n: 0 };
  const load = async (name) => {
    const text = readFileSync(join(dir, name + ".js"), "utf8");
    bytes.n += Buffer.byteLength(text);
    let got;
    new Function("window", text)({ bantinSearch: { add: (k, d) => { assert.equal(k, name); got = d; } } });
    return got;
  };
  return { load, bytes };
}

const dir = process.argv[2];
if (dir) {
  test("real index: queries run and find their words", async () => {
    const { load } = await realIndex(dir);
    const e = new S.Engine(load);
    const m = await e.init();
    assert.ok(m.docs > 0);
    for (const q of ["ngan", "Đồng", "nong thon moi"]) {
      const r = await e.search(q);
      const f = await new S.Engine(load).first(q, S.PAGE);
      assert.deepEqual([...f.ids], [...r.ids.slice(0, f.ids.length)], q);
      if (r.total === 0) continue;
      const rows = await e.docs(r.ids.slice(0, 5));
      for (const row of rows) {
        assert.match(row.date, /^\d\d\/\d\d\/\d{4}$/);
        assert.ok(row.path.endsWith("/"));
      }
    }
  });
}

for (const [name, fn] of tests) {
  try {
    await fn();
    console.log("ok   " + name);
  } catch (e) {
    failed++;
    console.log("FAIL " + name + "\n" + (e && e.stack));
  }
}
console.log(failed ? `${failed} failed` : `all ${tests.length} passed`);
process.exit(failed ? 1 : 0);
