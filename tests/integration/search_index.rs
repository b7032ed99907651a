//! The search index of a small fixture archive (tests/fixtures/search): what the files say
//! (tokens, exact forms, phrases of names, title places), that NFD sources are indexed like
//! NFC, and that the bytes are deterministic.

use std::collections::BTreeMap;
use std::path::Path;

use bantin::load::{load, LoadOptions};
use bantin::model::Archive;
use bantin::search::{self, DIR};
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

const FIXTURE: &str = "tests/fixtures/search";

fn archive(root: &Path) -> Archive {
    load(root, &LoadOptions::default()).unwrap_or_else(|e| panic!("{e:?}"))
}

/// Heads of one posting, every key's postings in a file of their own.
/// The index's files made with `sizes` and `cache` (none left out: no chunk is trusted).
fn index_with(
    a: &bantin::model::Archive,
    sizes: search::Sizes,
    cache: Option<&search::BatchCache>,
) -> Vec<(String, Vec<u8>)> {
    let (files, kept) = search::index_files_with(a, sizes, cache).unwrap();
    assert!(kept.is_empty(), "{kept:?}");
    files
}

fn tiny() -> search::Sizes {
    search::Sizes {
        head_docs: 1,
        own_file_bytes: 0,
        ..search::Sizes::default()
    }
}

/// The files by path, and the data each hands to `window.bantinSearch.add(key, data)`.
struct Index {
    files: BTreeMap<String, Vec<u8>>,
}

impl Index {
    fn build(a: &Archive) -> Index {
        Index {
            files: search::index_files(a).into_iter().collect(),
        }
    }

    fn data(&self, key: &str) -> Value {
        let path = format!("{DIR}{key}.js");
        let bytes = self.files.get(&path).unwrap_or_else(|| panic!("no {path}"));
        let text = std::str::from_utf8(bytes).unwrap();
        let prefix = format!(
            "window.bantinSearch.add({},",
            serde_json::to_string(key).unwrap()
        );
        let json = text
            .strip_prefix(&prefix)
            .and_then(|t| t.strip_suffix(");\n"))
            .unwrap_or_else(|| panic!("{path} is not a bantinSearch.add call: {text}"));
        serde_json::from_str(json).unwrap()
    }

    fn manifest(&self) -> Value {
        self.data("manifest")
    }

    fn keys(&self) -> Vec<String> {
        self.manifest()["shards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap().to_string())
            .collect()
    }

    /// The shard entry of a key: [key, df, postings, forms?].
    fn entry(&self, token: &str) -> Option<Value> {
        let keys = self.keys();
        let key = search::shard_of(&keys, token)?;
        let shard = self.data(&format!("s/{}", search::file_name(key)));
        shard
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e[0] == token)
            .cloned()
    }

    /// (bulletin id, score, title places) of a key, or None when it is not indexed.
    fn postings(&self, token: &str) -> Option<Vec<(u32, u32, u32)>> {
        let entry = self.entry(token)?;
        let b64 = match &entry[2] {
            Value::String(s) => s.clone(),
            Value::Number(_) => self
                .data(&format!("t/{}", search::file_name(token)))
                .as_str()
                .unwrap()
                .to_string(),
            other => panic!("bad postings {other}"),
        };
        let p = search::decode_postings(&search::unbase64(&b64));
        // A form kept as its complement: its token's bulletins without it.
        let df = if entry[3] == 1 {
            let (t, _) = token.split_once('=').unwrap();
            self.postings(t).unwrap().len() - p.len()
        } else {
            p.len()
        };
        assert_eq!(entry[1].as_u64().unwrap() as usize, df, "df of {token}");
        Some(p)
    }

    fn docs_of(&self, token: &str) -> Vec<u32> {
        self.postings(token)
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.0)
            .collect()
    }

    /// [path, title, date, locality, snippet, topics] of a bulletin.
    fn doc(&self, id: u32) -> Value {
        let chunk = self.manifest()["chunk"].as_u64().unwrap() as u32;
        self.data(&format!("d/{}", id / chunk))[(id % chunk) as usize].clone()
    }

    /// Every bulletin's id and row, in id order (an id of no bulletin has `null`).
    fn rows(&self) -> Vec<(u32, Value)> {
        let chunk = self.manifest()["chunk"].as_u64().unwrap() as u32;
        let ids = self.manifest()["ids"].as_u64().unwrap() as u32;
        (0..ids)
            .filter(|id| {
                self.files
                    .contains_key(&format!("{DIR}d/{}.js", id / chunk))
            })
            .map(|id| (id, self.doc(id)))
            .filter(|(_, row)| !row.is_null())
            .collect()
    }

    /// The id of the bulletin of `slug`, as the client finds it: the row of the metadata
    /// chunks whose path is the bulletin's.
    fn id_of(&self, slug: &str) -> u32 {
        let path = format!("bai-viet/{slug}/");
        self.rows()
            .into_iter()
            .find(|(_, row)| row[0] == path.as_str())
            .unwrap_or_else(|| panic!("no id of {slug}"))
            .0
    }

    /// What the index says of every key, whatever the ids: its document frequency, its
    /// bulletins' paths with their scores and title places, and what follows in its entry
    /// (forms, complement); and every bulletin's row, in order. Two indexes of one archive
    /// whose batches differ say the same.
    fn meaning(&self) -> (BTreeMap<String, Value>, Vec<Value>) {
        let rows = self.rows();
        let path: BTreeMap<u32, Value> = rows.iter().map(|(id, r)| (*id, r[0].clone())).collect();
        let mut keys = BTreeMap::new();
        for shard in self.keys() {
            let data = self.data(&format!("s/{}", search::file_name(&shard)));
            for e in data.as_array().unwrap() {
                let key = e[0].as_str().unwrap();
                let postings: Vec<Value> = self
                    .postings(key)
                    .unwrap()
                    .into_iter()
                    .map(|(id, score, title)| serde_json::json!([path[&id], score, title]))
                    .collect();
                let rest: Vec<Value> = e.as_array().unwrap()[3..].to_vec();
                keys.insert(key.to_string(), serde_json::json!([e[1], postings, rest]));
            }
        }
        (keys, rows.into_iter().map(|(_, r)| r).collect())
    }
}

#[test]
fn manifest_lists_the_shards_and_every_file_is_under_tim_kiem() {
    let a = archive(Path::new(FIXTURE));
    let idx = Index::build(&a);
    let m = idx.manifest();
    assert_eq!(m["format"], 3);
    assert_eq!(m["phrase"], search::PHRASE_WORDS);
    assert_eq!(m["docs"], 3);
    let keys = idx.keys();
    assert!(!keys.is_empty());
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "keys are sorted");
    for k in &keys {
        assert!(
            idx.files
                .contains_key(&format!("{DIR}s/{}.js", search::file_name(k))),
            "{k}"
        );
    }
    for p in idx.files.keys() {
        assert!(
            p.starts_with("tim-kiem/index/") && p.ends_with(".js"),
            "{p}"
        );
    }
    // Every shard file is listed.
    let shard_files = idx.files.keys().filter(|p| p.contains("/s/")).count();
    assert_eq!(shard_files, keys.len());
}

#[test]
fn folded_tokens_point_to_their_bulletins() {
    let a = archive(Path::new(FIXTURE));
    let idx = Index::build(&a);
    let ngan = idx.id_of("thu-ngan-sach-cao-lanh");
    let ntm = idx.id_of("nong-thon-moi-dong-son");
    let gt = idx.id_of("giao-thong");
    // "ngân" is folded to "ngan", in the shard whose key prefixes it.
    let keys = idx.keys();
    assert_eq!(
        search::shard_of(&keys, "ngan").map(|k| k.chars().take(2).collect::<String>()),
        Some("ng".into())
    );
    assert_eq!(idx.docs_of("ngan"), vec![ngan]);
    // Title words outrank body words; a title word says where it stands ("thu" is the third).
    let posting = |t: &str, d: u32| {
        idx.postings(t)
            .unwrap()
            .into_iter()
            .find(|p| p.0 == d)
            .unwrap()
    };
    assert!(posting("thu", ngan).1 > posting("hoan", ngan).1);
    // (And in the name of an indicator of its figures, the highest level of the rest.)
    assert_eq!(posting("thu", ngan), (ngan, search::S_TITLE | 3, 1 << 2));
    assert_eq!(posting("hoan", ngan).2, 0);
    // A topic or locality beats an indicator name, which beats the body.
    assert_eq!(posting("chinh", ngan).1, search::S_TOPIC, "topic Tài chính");
    assert_eq!(
        posting("nuoc", ngan).1,
        3,
        "indicator Thu ngân sách nhà nước"
    );
    assert_eq!(posting("hoan", ngan).1, 2, "body and summary");
    // Locality names with their parents: "Đồng Tháp" is the parent of Cao Lãnh.
    assert_eq!(idx.docs_of("thap"), vec![ngan]);
    let mut dong = idx.docs_of("dong");
    dong.sort();
    let mut expected = vec![ngan, ntm];
    expected.sort();
    assert_eq!(dong, expected, "Đồng Tháp and Đông Sơn both fold to dong");
    // Indicator names, topics and terms.
    assert_eq!(idx.docs_of("nuoc"), vec![ngan], "Thu ngân sách nhà nước");
    assert_eq!(idx.docs_of("chinh"), vec![ngan], "topic Tài chính");
    assert!(idx.docs_of("2025").contains(&ntm), "term 2020-2025");
    // Words of several bulletins; no accents anywhere in the index.
    let mut giao = idx.docs_of("giao");
    giao.sort();
    let mut both = vec![ntm, gt];
    both.sort();
    assert_eq!(giao, both);
    assert!(idx.postings("ngân").is_none());
    assert!(idx.postings("khong-co").is_none());
}

#[test]
fn nfd_sources_are_indexed_like_nfc() {
    let a = archive(Path::new(FIXTURE));
    let idx = Index::build(&a);
    let ntm = idx.id_of("nong-thon-moi-dong-son");
    for t in ["nong", "thon", "moi", "nang", "cao", "son", "dich"] {
        assert!(idx.docs_of(t).contains(&ntm), "{t}");
    }
    // The same archive with that file in NFC gives the same bytes.
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new(FIXTURE), dir.path());
    let f = dir.path().join("content/2022/nong-thon-moi-dong-son.md");
    let text = std::fs::read_to_string(&f).unwrap();
    assert_ne!(text, text.nfc().collect::<String>(), "the fixture is NFD");
    std::fs::write(&f, text.nfc().collect::<String>()).unwrap();
    let nfc = Index::build(&archive(dir.path()));
    assert_eq!(idx.files, nfc.files);
    // Shown text is NFC.
    let doc = idx.doc(ntm);
    let title = doc[1].as_str().unwrap();
    assert_eq!(
        title,
        "Đông Sơn về đích nông thôn mới nâng cao"
            .nfc()
            .collect::<String>()
    );
}

#[test]
fn documents_carry_what_a_result_shows() {
    let a = archive(Path::new(FIXTURE));
    let idx = Index::build(&a);
    let d = idx.doc(idx.id_of("thu-ngan-sach-cao-lanh"));
    assert_eq!(d[0], "bai-viet/thu-ngan-sach-cao-lanh/");
    assert_eq!(d[1], "Cao Lãnh thu ngân sách vượt dự toán");
    assert_eq!(d[2], "05/03/2021");
    assert_eq!(d[3], "Huyện Cao Lãnh, Tỉnh Đồng Tháp");
    assert_eq!(
        d[4],
        "Huyện hoàn thành kế hoạch năm với nhiều nỗ lực của các xã."
    );
    assert_eq!(d[5], serde_json::json!(["Tài chính"]));
    assert_eq!(idx.doc(idx.id_of("giao-thong"))[5], serde_json::json!([]));
    // Bulletins are numbered newest first.
    assert_eq!(idx.rows()[0].1[0], "bai-viet/nong-thon-moi-dong-son/");
}

#[test]
fn index_is_deterministic() {
    let a = archive(Path::new(FIXTURE));
    let one = search::index_files(&a);
    let two = search::index_files(&a);
    assert_eq!(one, two);
    // Sorted by path, the manifest among them.
    assert!(one.iter().any(|f| f.0.ends_with("index/manifest.js")));
    let paths: Vec<&String> = one.iter().map(|f| &f.0).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
}

/// A full build merges the keys one first byte at a time (`search::write_index`), an
/// incremental one on every core (`index_files`): the same files either way.
#[test]
fn the_index_merged_one_first_byte_at_a_time_is_the_index_merged_on_every_core() {
    let a = archive(Path::new(FIXTURE));
    let sink = bantin::output::MemorySink::default();
    let written = search::write_index(&a, &sink, None).unwrap();
    let mut in_turn = sink.into_files();
    in_turn.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(written.files, in_turn.len());
    let on_every_core = search::index_files(&a);
    // A whole index (keys of many first bytes: many groups merged), not an empty one.
    assert!(in_turn.len() > 10, "{}", in_turn.len());
    assert_eq!(in_turn, on_every_core);
}

#[test]
fn the_manifest_lists_the_tokens_and_forms_with_own_files() {
    let a = archive(Path::new(FIXTURE));
    // Without own files, none is listed.
    let idx = Index::build(&a);
    assert_eq!(idx.manifest()["own"], serde_json::json!({}));
    // Every token in its own file: each listed with its shard entry's df and file size.
    let small = Index {
        files: index_with(&a, tiny(), None).into_iter().collect(),
    };
    let own = small.manifest()["own"].as_object().unwrap().clone();
    let mut entries = 0;
    for key in small.keys() {
        let shard = small.data(&format!("s/{}", search::file_name(&key)));
        for e in shard.as_array().unwrap() {
            let token = e[0].as_str().unwrap();
            // Phrases are found in their shards only; an empty list stays there too.
            if token.contains(' ') || !e[2].is_number() {
                assert!(!own.contains_key(token), "{token}");
                continue;
            }
            // [df, bytes], and a token's forms (or a form's 1) when its entry has them.
            let rest: Vec<Value> = e.as_array().unwrap()[1..].to_vec();
            assert_eq!(own[token], Value::Array(rest), "{token}");
            let file = format!("{DIR}t/{}.js", search::file_name(token));
            assert_eq!(
                Some(small.files[&file].len() as u64),
                e[2].as_u64(),
                "{token}"
            );
            entries += 1;
        }
    }
    assert_eq!(own.len(), entries);
    assert!(small.entry("thu ngan sach nha nuoc").unwrap()[2].is_number());
    assert!(
        own.contains_key("ngan"),
        "{:?}",
        own.keys().take(5).collect::<Vec<_>>()
    );
}

#[test]
fn frequent_tokens_have_a_head_of_their_best_postings() {
    let a = archive(Path::new(FIXTURE));
    let idx = Index::build(&a);
    assert_eq!(idx.manifest()["head"], search::HEAD_DOCS);
    assert!(
        !idx.files.keys().any(|p| p.contains("/h/")),
        "no head without own files"
    );
    // Every token in its own file, heads of one posting: every token in two or more
    // bulletins has a head holding its best posting (the newest of the best on ties).
    let small = Index {
        files: index_with(&a, tiny(), None).into_iter().collect(),
    };
    assert_eq!(small.manifest()["head"], 1);
    let mut heads = 0;
    for key in small.keys() {
        let shard = small.data(&format!("s/{}", search::file_name(&key)));
        for e in shard.as_array().unwrap() {
            let token = e[0].as_str().unwrap();
            if e[3] == 1 || token.contains(' ') {
                // A complement (maybe empty) has no head: it goes with its token's; nor has
                // a phrase, only ranked in full.
                assert!(!small
                    .files
                    .contains_key(&format!("{DIR}h/{}.js", search::file_name(token))));
                continue;
            }
            assert!(e[2].is_number(), "{token} has its own file");
            let path = format!("{DIR}h/{}.js", search::file_name(token));
            let all = small.postings(token).unwrap();
            assert_eq!(small.files.contains_key(&path), all.len() > 1, "{token}");
            if all.len() < 2 {
                continue;
            }
            heads += 1;
            let h = small.data(&format!("h/{}", search::file_name(token)));
            let got = search::decode_postings(&search::unbase64(h[2].as_str().unwrap()));
            let best = *all
                .iter()
                .min_by_key(|&&(d, s, _)| (std::cmp::Reverse(s), d))
                .unwrap();
            assert_eq!(got, vec![best], "{token}");
            assert_eq!(
                (h[0].as_u64(), h[1].as_u64()),
                (Some(best.1 as u64), Some(best.0 as u64))
            );
        }
    }
    assert!(heads > 3, "{heads}");
    // Same postings as without heads; a deterministic build.
    assert_eq!(small.docs_of("dong"), idx.docs_of("dong"));
    assert_eq!(
        small.files,
        index_with(&a, tiny(), None).into_iter().collect()
    );
}

#[test]
fn tokens_of_several_forms_have_a_key_per_form() {
    let a = archive(Path::new(FIXTURE));
    let idx = Index::build(&a);
    let ngan = idx.id_of("thu-ngan-sach-cao-lanh");
    let ntm = idx.id_of("nong-thon-moi-dong-son");
    let form = |w: &str| search::form_of(w);
    // "dong": Đồng (Tháp) and Đông (Sơn), most frequent first; each form its own bulletins.
    let dong = idx.entry("dong").unwrap();
    let forms: Vec<String> = serde_json::from_value(dong[3].clone()).unwrap();
    assert_eq!(forms.len(), 2);
    assert_eq!(
        forms.iter().collect::<std::collections::BTreeSet<_>>(),
        [form("Đồng"), form("Đông")].iter().collect()
    );
    let key = |w: &str| search::form_key("dong", &form(w));
    assert_eq!(idx.docs_of(&key("Đồng")), vec![ngan]);
    assert_eq!(idx.docs_of(&key("Đông")), vec![ntm]);
    // A form's score is its own: Đông is in the title of its bulletin, Đồng only in a name.
    assert_eq!(
        idx.postings(&key("Đông")).unwrap()[0].1 & search::S_TITLE,
        search::S_TITLE
    );
    assert_eq!(idx.postings(&key("Đồng")).unwrap()[0].1, search::S_TOPIC);
    // One form: listed when it is not the token itself, and no key of its own.
    assert_eq!(
        idx.entry("thap").unwrap()[3],
        serde_json::json!([form("Tháp")])
    );
    assert!(idx
        .entry(&search::form_key("thap", &form("Tháp")))
        .is_none());
    assert_eq!(idx.entry("giao").unwrap().as_array().unwrap().len(), 3);
    // Old and new tone placement are one form: "hóa" in both bulletins that have it.
    assert_eq!(form("Hoá"), form("hóa"));
}

#[test]
fn names_give_phrases_of_their_words() {
    let a = archive(Path::new(FIXTURE));
    let idx = Index::build(&a);
    let ngan = idx.id_of("thu-ngan-sach-cao-lanh");
    let ntm = idx.id_of("nong-thon-moi-dong-son");
    // The indicator name "Thu ngân sách nhà nước": a phrase from each word on.
    for p in [
        "thu ngan sach nha nuoc",
        "ngan sach nha nuoc",
        "sach nha nuoc",
        "nha nuoc",
    ] {
        assert_eq!(idx.docs_of(p), vec![ngan], "{p}");
    }
    // Topics, localities with their parents and aliases, terms.
    assert_eq!(idx.docs_of("tai chinh"), vec![ngan]);
    assert_eq!(idx.docs_of("nong thon moi"), vec![ntm]);
    assert_eq!(idx.docs_of("cao lanh tinh dong thap"), vec![ngan]);
    assert_eq!(idx.docs_of("huyen dong son"), vec![ntm]);
    assert!(idx.docs_of("nhiem ky 2020 2025").contains(&ntm));
    // Titles and bodies give none; a phrase key never starts at a name's last word.
    assert!(idx.entry("cao lanh thu ngan sach vuot du toan").is_none());
    assert!(idx.entry("giao thong").is_none());
    assert!(idx.entry("nuoc").is_some() && idx.entry("nuoc ").is_none());
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

#[test]
fn an_index_made_in_many_batches_is_the_index_made_in_one() {
    // The example archive: batches of one bulletin, of about three, and one batch, each
    // with the default sizes and with every key in a file of its own and heads of one.
    let a = archive(Path::new("."));
    assert!(a.bulletins.len() > 10);
    // The ids differ (each batch has room to spare), what the index says does not.
    let meaning = |sizes| {
        Index {
            files: index_with(&a, sizes, None).into_iter().collect(),
        }
        .meaning()
    };
    for sizes in [search::Sizes::default(), tiny()] {
        let one = meaning(sizes);
        assert_eq!(one.1.len(), a.bulletins.len());
        assert!(one.0.len() > 100, "{} keys", one.0.len());
        for batch in [1, 3] {
            let many = search::Sizes { batch, ..sizes };
            assert!(meaning(many) == one, "batches of {batch}: {sizes:?}");
        }
    }
}

#[test]
fn kept_batches_make_the_same_index_and_a_damaged_one_is_made_again() {
    let a = archive(Path::new("."));
    let sizes = search::Sizes { batch: 3, ..tiny() };
    let n = bantin::runs::ranges(a.bulletins.iter().map(|b| b.file.as_path()), 3).len();
    assert!(n > 2, "{n} batches");
    let fresh = index_with(&a, sizes, None);
    let dir = tempfile::tempdir().unwrap();
    // Each build: the same index, with (batches read back, batches inverted and kept).
    let build = |expect: (usize, usize)| {
        let cache = search::BatchCache::open(dir.path()).unwrap();
        let files = index_with(&a, sizes, Some(&cache));
        assert!(files == fresh, "not the index made without a cache");
        assert_eq!(cache.counts(), expect);
    };
    let batch_files = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| !p.ends_with(search::batches::CHUNKS) && !p.ends_with(search::shelf::SHELF))
            .collect::<Vec<_>>()
    };
    build((0, n));
    assert_eq!(batch_files().len(), n);
    build((n, 0));
    // A batch file damaged: that batch is inverted again (and kept again).
    let one = batch_files()[0].clone();
    let mut bytes = std::fs::read(&one).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    std::fs::write(&one, bytes).unwrap();
    build((n - 1, 1));
    build((n, 0));
}

#[test]
fn metadata_chunks_the_output_still_holds_are_left_alone_and_still_count() {
    let mut a = archive(Path::new("."));
    let sizes = search::Sizes::default();
    let dir = tempfile::tempdir().unwrap();
    let fresh: BTreeMap<String, Vec<u8>> = index_with(&a, sizes, None).into_iter().collect();
    let is_chunk = |p: &str| p.starts_with(&format!("{DIR}d/"));
    let chunks = fresh.keys().filter(|p| is_chunk(p)).count();
    assert!(chunks >= 2 && a.bulletins.len() > 10, "{chunks} chunks");
    // The output as `files` left it: (site path, hash) as the build manifest has them.
    let holds = |files: &BTreeMap<String, Vec<u8>>| {
        let hashes: BTreeMap<String, u128> = files
            .iter()
            .map(|(p, b)| (p.clone(), xxhash_rust::xxh3::xxh3_128(b)))
            .collect();
        move |p: &str, h: u128| hashes.get(p) == Some(&h)
    };
    // An index made with the cache (none trusted yet) keeps the chunks' fingerprints.
    let cache = search::BatchCache::open(dir.path()).unwrap();
    let first = index_with(&a, sizes, Some(&cache));
    assert!(first.iter().cloned().collect::<BTreeMap<_, _>>() == fresh);
    // Trusted, every chunk is left alone; the other files, the manifest's version among
    // them, are those made from scratch.
    let made = |a: &Archive, trust: &dyn Fn(&str, u128) -> bool| {
        let mut cache = search::BatchCache::open(dir.path()).unwrap();
        cache.trust_chunks(trust);
        let (files, kept) = search::index_files_with(a, sizes, Some(&cache)).unwrap();
        // One index only: a second one made with the same cache trusts nothing.
        let (_, again) = search::index_files_with(a, sizes, Some(&cache)).unwrap();
        assert!(again.is_empty(), "{again:?}");
        (files.into_iter().collect::<BTreeMap<_, _>>(), kept)
    };
    let (files, kept) = made(&a, &holds(&fresh));
    assert_eq!(kept.len(), chunks);
    assert!(kept.iter().all(|p| is_chunk(p) && fresh.contains_key(p)));
    let others: BTreeMap<String, Vec<u8>> = fresh
        .iter()
        .filter(|(p, _)| !is_chunk(p))
        .map(|(p, b)| (p.clone(), b.clone()))
        .collect();
    assert!(
        files == others,
        "the files made are the others, as from scratch"
    );
    // An output that does not hold them: every chunk made again.
    let (files, kept) = made(&a, &|_, _| false);
    assert!(kept.is_empty() && files == fresh);
    // One title changed: its chunk is made again, the rest left alone, and the whole is
    // the index of the archive as it is now.
    a.bulletins[10].title.push_str(" (sửa)");
    let now: BTreeMap<String, Vec<u8>> = index_with(&a, sizes, None).into_iter().collect();
    let (files, kept) = made(&a, &holds(&fresh));
    let id = Index { files: now.clone() }.id_of(&a.bulletins[10].slug);
    let remade = format!("{DIR}d/{}.js", id as usize / search::CHUNK_DOCS);
    assert_eq!(kept.len(), chunks - 1);
    assert!(!kept.contains(&remade));
    assert!(files.contains_key(&remade));
    for p in &kept {
        assert_eq!(now[p], fresh[p], "{p} was kept but differs");
    }
    let mut whole = files.clone();
    whole.extend(kept.iter().map(|p| (p.clone(), fresh[p].clone())));
    assert!(
        whole == now,
        "kept and made are the index made from scratch"
    );
    // A damaged table of fingerprints trusts nothing.
    let table = dir.path().join(search::batches::CHUNKS);
    let mut bytes = std::fs::read(&table).unwrap();
    bytes[20] ^= 1;
    std::fs::write(&table, bytes).unwrap();
    let (_, kept) = made(&a, &holds(&now));
    assert!(kept.is_empty());
}

#[test]
fn a_new_bulletin_the_newest_moves_no_id_and_remakes_one_chunk() {
    // The example archive, then the same with one bulletin newer than all.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy("site.toml", dir.path().join("site.toml")).unwrap();
    copy_dir(Path::new("content"), &dir.path().join("content"));
    let a = archive(dir.path());
    std::fs::write(
        dir.path().join("content/2025/moi-nhat.md"),
        "---\ntitle: \"Yên Bái tổng kết thu ngân sách cả năm\"\ndate: 2025-12-30\n\
         locality: yen-bai\ntopics: [Thu ngân sách]\n---\nThu ngân sách vượt dự toán.\n",
    )
    .unwrap();
    let b = archive(dir.path());
    assert_eq!(b.bulletins.len(), a.bulletins.len() + 1);
    assert_eq!(b.bulletins[0].slug, "moi-nhat", "the newest comes first");
    let sizes = search::Sizes::default();
    let before = Index {
        files: index_with(&a, sizes, None).into_iter().collect(),
    };
    let after = Index {
        files: index_with(&b, sizes, None).into_iter().collect(),
    };
    // Every bulletin keeps its id; the new one takes a free one before them (newer).
    let ids = |idx: &Index| -> BTreeMap<String, u32> {
        idx.rows()
            .into_iter()
            .map(|(id, row)| (row[0].as_str().unwrap().to_string(), id))
            .collect()
    };
    let (then, now) = (ids(&before), ids(&after));
    for (path, id) in &then {
        assert_eq!(now[path], *id, "{path} moved");
    }
    let new = now["bai-viet/moi-nhat/"];
    assert!(then.values().all(|&id| new < id));
    // Made with the cache of the first, the output holding its files: only the new
    // bulletin's chunk is made again, and the keys of words it does not have are kept.
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = search::BatchCache::open(cache_dir.path()).unwrap();
    index_with(&a, sizes, Some(&cache));
    let hashes: BTreeMap<String, u128> = before
        .files
        .iter()
        .map(|(p, b)| (p.clone(), xxhash_rust::xxh3::xxh3_128(b)))
        .collect();
    let mut cache = search::BatchCache::open(cache_dir.path()).unwrap();
    cache.trust_chunks(|p, h| hashes.get(p) == Some(&h));
    let (files, kept) = search::index_files_with(&b, sizes, Some(&cache)).unwrap();
    let chunk = format!("{DIR}d/{}.js", new as usize / search::CHUNK_DOCS);
    let made_chunks: Vec<&String> = files
        .iter()
        .map(|(p, _)| p)
        .filter(|p| p.starts_with(&format!("{DIR}d/")))
        .collect();
    assert_eq!(made_chunks, [&chunk]);
    let chunks_now = after.files.keys().filter(|p| p.contains("/d/")).count();
    assert_eq!(
        kept.iter().filter(|p| p.contains("/d/")).count(),
        chunks_now - 1
    );
    let mut whole: BTreeMap<String, Vec<u8>> = files.into_iter().collect();
    whole.extend(kept.iter().map(|p| (p.clone(), before.files[p].clone())));
    assert!(
        whole == after.files,
        "kept and made are the index made from scratch"
    );
}

#[test]
fn an_index_started_from_the_last_ones_keys_is_the_index_made_from_scratch() {
    let mut a = archive(Path::new("."));
    // Every key's postings in a file of their own, batches of three bulletins.
    let sizes = search::Sizes { batch: 3, ..tiny() };
    let dir = tempfile::tempdir().unwrap();
    let hashes = |files: &BTreeMap<String, Vec<u8>>| -> BTreeMap<String, u128> {
        files
            .iter()
            .map(|(p, b)| (p.clone(), xxhash_rust::xxh3::xxh3_128(b)))
            .collect()
    };
    let scratch = |a: &Archive| -> BTreeMap<String, Vec<u8>> {
        index_with(a, sizes, None).into_iter().collect()
    };
    // An index made with the cache, the output holding `output`: the files made, and those
    // left as they were (the output's).
    let made = |a: &Archive, output: &BTreeMap<String, u128>| {
        let mut cache = search::BatchCache::open(dir.path()).unwrap();
        cache.trust_chunks(|p, h| output.get(p) == Some(&h));
        let (files, kept) = search::index_files_with(a, sizes, Some(&cache)).unwrap();
        (files.into_iter().collect::<BTreeMap<_, _>>(), kept)
    };
    let is_own =
        |p: &String| p.starts_with(&format!("{DIR}t/")) || p.starts_with(&format!("{DIR}h/"));
    let before = scratch(&a);
    assert!(before.keys().filter(|p| is_own(p)).count() > 50);
    // The first index with the cache has nothing to start from.
    let (files, kept) = made(&a, &BTreeMap::new());
    assert!(kept.is_empty() && files == before);
    // One title changed: the keys it touches are merged again, the other keys' own files
    // are left as they were, and the whole is the index of the archive as it is now.
    a.bulletins[4].title.push_str(" và ngân sách xã");
    let now = scratch(&a);
    let (files, kept) = made(&a, &hashes(&before));
    let kept_own: Vec<&String> = kept.iter().filter(|p| is_own(p)).collect();
    let own_now = now.keys().filter(|p| is_own(p)).count();
    assert!(
        kept_own.len() > own_now / 2 && kept_own.len() < own_now,
        "{} of {own_now} own files kept",
        kept_own.len()
    );
    let mut whole = files.clone();
    for p in &kept {
        assert!(!files.contains_key(p), "{p} both made and kept");
        whole.insert(p.clone(), before[p].clone());
    }
    assert!(
        whole == now,
        "kept and made are the index made from scratch"
    );
    // An output without one of the own files kept: every key merged again.
    let mut missing = hashes(&now);
    missing.remove(kept_own[0]);
    let (files, kept) = made(&a, &missing);
    assert!(!kept.iter().any(is_own), "{kept:?}");
    assert_eq!(files.len() + kept.len(), now.len());
    // A damaged shelf: likewise.
    let shelf = dir.path().join(search::shelf::SHELF);
    let mut bytes = std::fs::read(&shelf).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    std::fs::write(&shelf, bytes).unwrap();
    let (_, kept) = made(&a, &hashes(&now));
    assert!(!kept.iter().any(is_own), "{kept:?}");
    // Another change after that one, again from the shelf just made.
    a.bulletins[0].title = "Thu ngân sách".into();
    let later = scratch(&a);
    let (files, kept) = made(&a, &hashes(&now));
    assert!(kept.iter().any(is_own));
    let mut whole = files;
    whole.extend(kept.iter().map(|p| (p.clone(), now[p].clone())));
    assert!(whole == later);
}
