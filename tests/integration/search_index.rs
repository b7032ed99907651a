//! The search index of a small fixture archive (tests/fixtures/search): what the files say,
//! that NFD sources are indexed like NFC, and that the bytes are deterministic.

use std::collections::BTreeMap;
use std::path::Path;

use bantin::load::{load, LoadOptions};
use bantin::model::Archive;
use bantin::search::{self, DIR};
use bantin::urls::Urls;
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

const FIXTURE: &str = "tests/fixtures/search";

fn archive(root: &Path) -> Archive {
    load(root, &LoadOptions::default()).unwrap_or_else(|e| panic!("{e:?}"))
}

fn urls(a: &Archive) -> Urls {
    Urls::new(&a.settings.base_url, a.settings.relative_urls)
}

/// The files by path, and the data each hands to `window.bantinSearch.add(key, data)`.
struct Index {
    files: BTreeMap<String, Vec<u8>>,
}

impl Index {
    fn build(a: &Archive) -> Index {
        Index {
            files: search::index_files(a, &urls(a)).into_iter().collect(),
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

    /// (bulletin id, score) of a token, or None when it is not indexed.
    fn postings(&self, token: &str) -> Option<Vec<(u32, u32)>> {
        let keys = self.keys();
        let key = search::shard_of(&keys, token)?;
        let shard = self.data(&format!("s/{}", search::file_name(key)));
        let entry = shard
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e[0] == token)?
            .clone();
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
        assert_eq!(
            entry[1].as_u64().unwrap() as usize,
            p.len(),
            "df of {token}"
        );
        Some(p)
    }

    fn docs_of(&self, token: &str) -> Vec<u32> {
        self.postings(token)
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.0)
            .collect()
    }

    /// [path, title, date, locality, snippet] of a bulletin.
    fn doc(&self, id: u32) -> Value {
        let chunk = self.manifest()["chunk"].as_u64().unwrap() as u32;
        self.data(&format!("d/{}", id / chunk))[(id % chunk) as usize].clone()
    }
}

fn id_of(a: &Archive, slug: &str) -> u32 {
    a.bulletins.iter().position(|b| b.slug == slug).unwrap() as u32
}

#[test]
fn manifest_lists_the_shards_and_every_file_is_under_tim_kiem() {
    let a = archive(Path::new(FIXTURE));
    let idx = Index::build(&a);
    let m = idx.manifest();
    assert_eq!(m["format"], 1);
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
    let ngan = id_of(&a, "thu-ngan-sach-cao-lanh");
    let ntm = id_of(&a, "nong-thon-moi-dong-son");
    let gt = id_of(&a, "giao-thong");
    // "ngân" is folded to "ngan", in the shard whose key prefixes it.
    let keys = idx.keys();
    assert_eq!(
        search::shard_of(&keys, "ngan").map(|k| k.chars().take(2).collect::<String>()),
        Some("ng".into())
    );
    assert_eq!(idx.docs_of("ngan"), vec![ngan]);
    // Title words outrank body words.
    let score = |t: &str, d: u32| {
        idx.postings(t)
            .unwrap()
            .into_iter()
            .find(|p| p.0 == d)
            .unwrap()
            .1
    };
    assert!(score("thu", ngan) > score("hoan", ngan));
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
    let ntm = id_of(&a, "nong-thon-moi-dong-son");
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
    let d = idx.doc(id_of(&a, "thu-ngan-sach-cao-lanh"));
    assert_eq!(d[0], "bai-viet/thu-ngan-sach-cao-lanh/");
    assert_eq!(d[1], "Cao Lãnh thu ngân sách vượt dự toán");
    assert_eq!(d[2], "05/03/2021");
    assert_eq!(d[3], "Huyện Cao Lãnh, Tỉnh Đồng Tháp");
    assert_eq!(
        d[4],
        "Huyện hoàn thành kế hoạch năm với nhiều nỗ lực của các xã."
    );
    // Bulletins are numbered newest first.
    assert_eq!(idx.doc(0)[0], "bai-viet/nong-thon-moi-dong-son/");
}

#[test]
fn index_is_deterministic_and_independent_of_base_url() {
    let a = archive(Path::new(FIXTURE));
    let one = search::index_files(&a, &urls(&a));
    let two = search::index_files(&a, &urls(&a));
    assert_eq!(one, two);
    let relative = search::index_files(&a, &Urls::new("https://other.example/x/y/", true));
    assert_eq!(one, relative, "paths are relative to the site root");
    // Sorted by path, the manifest among them.
    assert!(one.iter().any(|f| f.0.ends_with("index/manifest.js")));
    let paths: Vec<&String> = one.iter().map(|f| &f.0).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
}

#[test]
fn the_manifest_lists_the_tokens_with_own_files() {
    let a = archive(Path::new(FIXTURE));
    // Without own files, none is listed.
    let idx = Index::build(&a);
    assert_eq!(idx.manifest()["own"], serde_json::json!({}));
    // Every token in its own file: each listed with its shard entry's df and file size.
    let small = Index {
        files: search::index_files_with(&a, &urls(&a), 1, 0)
            .into_iter()
            .collect(),
    };
    let own = small.manifest()["own"].as_object().unwrap().clone();
    let mut entries = 0;
    for key in small.keys() {
        let shard = small.data(&format!("s/{}", search::file_name(&key)));
        for e in shard.as_array().unwrap() {
            let token = e[0].as_str().unwrap();
            assert_eq!(own[token], serde_json::json!([e[1], e[2]]), "{token}");
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
        files: search::index_files_with(&a, &urls(&a), 1, 0)
            .into_iter()
            .collect(),
    };
    assert_eq!(small.manifest()["head"], 1);
    let mut heads = 0;
    for key in small.keys() {
        let shard = small.data(&format!("s/{}", search::file_name(&key)));
        for e in shard.as_array().unwrap() {
            let token = e[0].as_str().unwrap();
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
                .min_by_key(|&&(d, s)| (std::cmp::Reverse(s), d))
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
        search::index_files_with(&a, &urls(&a), 1, 0)
            .into_iter()
            .collect()
    );
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
