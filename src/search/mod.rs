//! The static search index of `/tim-kiem/`: written at build time, read in the browser by
//! the search client of `themes/default/static/search/` (and `search.js`, the page), with
//! no server-side code.
//!
//! Text is cut into folded tokens exactly as [`crate::vi::tokens`] does (lowercase, no
//! diacritics, `đ` → `d`, NFC and NFD alike), so "Đồng Tháp" and "dong thap" meet. Each
//! bulletin contributes the tokens of its title, summary, body text, its localities with
//! their parents ([`crate::model::Localities::full_name`], plus aliases), its term, its topics
//! and the names of the indicators it reports. Every (token, bulletin) pair gets one score
//! from 1 to 16: title +6, locality/term/topic/indicator +4, summary +3, body +1 to +3 by
//! frequency, capped.
//!
//! Files, all under `tim-kiem/index/`, are small JavaScript files that hand their data to
//! `window.bantinSearch.add(key, data)`, so the page can load them with `<script>` tags, which
//! (unlike `fetch`) also works when the site is opened from `file://`:
//!
//! - `manifest.js` (`"manifest"`):
//!   `{"format":1,"version":…,"docs":N,"chunk":C,"head":K,"shards":[key…],"own":{token:[df,bytes]…}}`.
//!   `own` lists the tokens whose postings have their own file (as their shard entries do),
//!   so that a query of frequent words can load their postings at once, without waiting
//!   for their shards.
//!   A token lives in the shard whose key is the longest key that is a prefix of it. Keys
//!   start as the token's first two characters; a shard that grows past [`SHARD_BYTES`] is
//!   split by one more character, recursively (the tokens of the key's own length, and small
//!   groups, stay in the parent).
//! - `s/<key>.js` (`"s/<key>"`): `[[token, df, postings], …]` sorted by token. `postings` is
//!   a base64 string, or, for a token whose postings exceed [`OWN_FILE_BYTES`], the number of
//!   bytes of its own file.
//! - `t/<token>.js` (`"t/<token>"`): the postings of one frequent token, as a base64 string.
//! - `h/<token>.js` (`"h/<token>"`): for a token with its own file and more than
//!   [`HEAD_DOCS`] postings (the manifest's `"head"`), its head: `[score, id, postings]`, the
//!   [`HEAD_DOCS`] postings that come first by score (highest first, then lower id, newer,
//!   first), stored in id order like any postings; `score` and `id` are those of the last of
//!   them in that order. Every posting left out has a lower score, or the same score and a
//!   higher id. The client ranks the heads first to show the best results without loading the
//!   full lists (see `static/search/engine.js` and `rank.js`).
//! - `d/<n>.js` (`"d/<n>"`): bulletins `n*C .. n*C+C-1`, each
//!   `[path, title, "dd/mm/yyyy", locality, snippet]`; `path` is relative to the site root.
//!
//! Postings: bulletin ids ascending (the archive's order, newest first); each posting is the
//! LEB128 varint `(id - previous id - 1) << 4 | (score - 1)` (previous id starts at -1), and
//! the bytes are base64 encoded. File names keep `[a-z0-9]` and write any other character as
//! `_<hex code point>_`. Everything is sorted, so a build's bytes are deterministic; `version`
//! is a hash of every other file, which the client appends as `?v=` to defeat stale caches.
//!
//! The code, by job: [`fold`] (folding and tokens), [`dict`] (the token dictionary and a
//! body's terms, which the loader makes while it parses), [`postings`] (encoding),
//! [`shards`] (which file holds a token) and [`write`](mod@write) (inverting the archive and writing
//! the files).

pub mod dict;
pub mod fold;
pub mod postings;
pub mod shards;
pub mod write;

pub use dict::{body_terms, split_body_terms, Dict};
pub use fold::{fold_into, split_folded, tokens};
pub use postings::{base64, decode_postings, encode_postings, head, unbase64};
pub use shards::{base_key, file_name, shard_of, shard_tokens};
pub use write::{index_files, index_files_with, snippet, write_index};

/// Where the index goes, relative to the site root.
pub const DIR: &str = "tim-kiem/index/";
/// Bulletins per metadata chunk (`d/<n>.js`).
pub const CHUNK_DOCS: usize = 8;
/// A shard above this size (approximate bytes) is split by one more character.
pub const SHARD_BYTES: usize = 32 * 1024;
/// A group smaller than this stays in its parent shard rather than getting its own.
pub(crate) const MIN_SPLIT_BYTES: usize = 2 * 1024;
/// Postings longer than this (base64 bytes) get their own file, loaded only when needed.
pub const OWN_FILE_BYTES: usize = 1024;
/// Postings in the head (`h/<token>.js`) of a token with more than this many.
pub const HEAD_DOCS: usize = 1024;
/// Characters of the summary kept for the result snippet.
pub const SNIPPET_CHARS: usize = 200;
/// Bulletins indexed per parallel batch.
pub(crate) const BATCH: usize = 1024;

/// Field weights (the score of a token in a bulletin is their sum, capped at [`MAX_SCORE`]).
pub const W_TITLE: u32 = 6;
pub const W_META: u32 = 4;
pub const W_SUMMARY: u32 = 3;
pub const MAX_SCORE: u32 = 16;

pub(crate) const F_TITLE: u8 = 1;
pub(crate) const F_META: u8 = 2;
pub(crate) const F_SUMMARY: u8 = 4;

/// The score (1..=16) of a token in a bulletin from the fields it occurs in and how often it
/// occurs in the body.
pub fn score(fields: u8, body_tf: u32) -> u32 {
    let mut s = 0;
    if fields & F_TITLE != 0 {
        s += W_TITLE;
    }
    if fields & F_META != 0 {
        s += W_META;
    }
    if fields & F_SUMMARY != 0 {
        s += W_SUMMARY;
    }
    s += match body_tf {
        0 => 0,
        1 => 1,
        2..=4 => 2,
        _ => 3,
    };
    s.clamp(1, MAX_SCORE)
}

#[cfg(test)]
mod tests {
    use super::postings::pack;
    use super::*;
    use proptest::prelude::*;
    use unicode_normalization::UnicodeNormalization;

    fn nfd(s: &str) -> String {
        s.nfd().collect()
    }

    #[test]
    fn tokens_fold_vietnamese() {
        assert_eq!(tokens("Đồng Tháp"), ["dong", "thap"]);
        assert_eq!(tokens(&nfd("Đồng Tháp")), ["dong", "thap"]);
        assert_eq!(
            tokens("Thu ngân sách, 2020!"),
            ["thu", "ngan", "sach", "2020"]
        );
        assert_eq!(
            tokens("“Thanh Hoá” – Thanh Hóa…"),
            ["thanh", "hoa", "thanh", "hoa"]
        );
        assert_eq!(tokens("ĐẮK LẮK"), ["dak", "lak"]);
    }

    #[test]
    fn fast_fold_matches_vi_fold_on_every_table_char() {
        for cp in 0..0x3000u32 {
            if let Some(c) = char::from_u32(cp) {
                let s = format!("a{c}b");
                let mut f = String::new();
                fold_into(&s, &mut f);
                assert_eq!(f, crate::vi::fold(&s), "U+{cp:04X}");
            }
        }
    }

    fn dict_tokens(d: &mut Dict, s: &str) -> Vec<String> {
        let mut ids = Vec::new();
        d.scan(s, &mut ids);
        ids.iter()
            .map(|&i| d.tokens()[i as usize].to_string())
            .collect()
    }

    #[test]
    fn dict_scan_matches_vi_tokens() {
        let mut d = Dict::default();
        for s in [
            "Thu ngân sách, 2020!",
            "Đồng Tháp đồng thap DONG",
            "\u{0301}abc \u{0301} x\u{0301}y",
            "“Thanh Hoá” – Thanh Hóa… ½ ² Ⅻ ß ǅ 中文 😀a",
        ] {
            assert_eq!(dict_tokens(&mut d, s), crate::vi::tokens(s), "{s}");
            assert_eq!(dict_tokens(&mut d, &nfd(s)), crate::vi::tokens(s), "{s}");
        }
    }

    #[test]
    fn body_terms_write_counts_of_several_digits() {
        let text = format!("{} ngân sách {}", "thu ".repeat(1234), "Sách ".repeat(10));
        assert_eq!(body_terms(&text), "ngan 1 sach 11 thu 1234");
        assert_eq!(body_terms(""), "");
    }

    #[test]
    fn body_terms_sort_long_tokens_past_their_first_sixteen_bytes() {
        let t = body_terms(
            "abcdefghijklmnopqrz abcdefghijklmnopq abcdefghijklmnopqra abcdefghijklmnopq b",
        );
        assert_eq!(
            t,
            "abcdefghijklmnopq 2 abcdefghijklmnopqra 1 abcdefghijklmnopqrz 1 b 1"
        );
    }

    proptest! {
        #[test]
        fn fast_tokens_match_vi_tokens(s in any::<String>()) {
            prop_assert_eq!(tokens(&s), crate::vi::tokens(&s));
            let mut d = Dict::default();
            prop_assert_eq!(dict_tokens(&mut d, &s), crate::vi::tokens(&s));
            prop_assert_eq!(dict_tokens(&mut d, &s), crate::vi::tokens(&s));
        }

        #[test]
        fn fast_tokens_match_vi_tokens_vietnamese(s in "[a-zA-Z0-9 ,.Đđàáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹ\u{0300}\u{0301}\u{0302}\u{0303}\u{0306}\u{0309}\u{031B}\u{0323}“”–]{0,40}") {
            prop_assert_eq!(tokens(&s), crate::vi::tokens(&s));
            prop_assert_eq!(tokens(&nfd(&s)), tokens(&s));
            let mut d = Dict::default();
            prop_assert_eq!(dict_tokens(&mut d, &s), crate::vi::tokens(&s));
            prop_assert_eq!(dict_tokens(&mut d, &nfd(&s)), crate::vi::tokens(&s));
        }

        #[test]
        fn body_terms_count_the_tokens_of_the_text(s in "[a-zA-Z0-9 ,.Đđàáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹ\u{0301}\u{0323}“”–]{0,60}") {
            let mut expected = std::collections::BTreeMap::new();
            for t in crate::vi::tokens(&s) {
                *expected.entry(t).or_insert(0u32) += 1;
            }
            let terms = body_terms(&s);
            let got: Vec<(String, u32)> = split_body_terms(&terms).map(|(t, n)| (t.to_string(), n)).collect();
            prop_assert_eq!(got, expected.into_iter().collect::<Vec<_>>());
        }

        #[test]
        fn postings_round_trip(mut docs in proptest::collection::vec((0u32..200_000, 1u32..=16), 0..200)) {
            docs.sort();
            docs.dedup_by_key(|d| d.0);
            let packed: Vec<u32> = docs.iter().map(|&(d, s)| pack(d, s)).collect();
            let bytes = encode_postings(&packed);
            prop_assert_eq!(decode_postings(&bytes), docs);
            prop_assert_eq!(unbase64(&base64(&bytes)), bytes);
        }
    }

    #[test]
    fn heads_keep_the_best_scores_then_the_newest() {
        let packed: Vec<u32> = [(0, 3), (1, 9), (2, 5), (3, 9), (4, 5), (5, 1), (6, 5)]
            .iter()
            .map(|&(d, s)| pack(d, s))
            .collect();
        let (score, id, h) = head(&packed, 4).unwrap();
        assert_eq!((score, id), (5, 4));
        assert_eq!(h, [pack(1, 9), pack(2, 5), pack(3, 9), pack(4, 5)]);
        assert_eq!(head(&packed, 7), None);
        assert_eq!(head(&packed, 0), None);
        let (score, id, h) = head(&packed, 6).unwrap();
        assert_eq!((score, id, h.len()), (3, 0, 6));
    }

    proptest! {
        #[test]
        fn heads_are_the_top_k(mut docs in proptest::collection::vec((0u32..5000, 1u32..=16), 0..300), k in 1usize..50) {
            docs.sort();
            docs.dedup_by_key(|d| d.0);
            let packed: Vec<u32> = docs.iter().map(|&(d, s)| pack(d, s)).collect();
            let mut by_score = docs.clone();
            by_score.sort_by_key(|&(d, s)| (std::cmp::Reverse(s), d));
            match head(&packed, k) {
                None => prop_assert!(docs.len() <= k),
                Some((score, id, h)) => {
                    prop_assert_eq!((id, score), by_score[k - 1]);
                    let mut want: Vec<u32> = by_score[..k].iter().map(|&(d, s)| pack(d, s)).collect();
                    want.sort();
                    prop_assert_eq!(h, want);
                }
            }
        }
    }

    #[test]
    fn dense_postings_take_a_byte_each() {
        let packed: Vec<u32> = (0..1000).map(|d| pack(d, 16)).collect();
        assert_eq!(encode_postings(&packed).len(), 1000);
        assert_eq!(base64(b"abc"), "YWJj");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"a"), "YQ==");
    }

    #[test]
    fn scores_rank_fields() {
        assert_eq!(score(0, 1), 1);
        assert_eq!(score(0, 3), 2);
        assert_eq!(score(0, 50), 3);
        assert!(score(F_TITLE, 0) > score(F_META, 0));
        assert!(score(F_META, 0) > score(F_SUMMARY, 0) - 1);
        assert!(score(F_SUMMARY, 0) > score(0, 50) - 1);
        assert_eq!(score(F_TITLE | F_META | F_SUMMARY, 9), MAX_SCORE);
        assert!(score(F_SUMMARY, 0) >= 1);
    }

    #[test]
    fn shard_keys_and_file_names() {
        assert_eq!(base_key("ngan"), "ng");
        assert_eq!(base_key("a"), "a");
        assert_eq!(base_key("中文字"), "中文");
        assert_eq!(file_name("ng"), "ng");
        assert_eq!(file_name("中"), "_4e2d_");
        assert_eq!(file_name("a_b"), "a_5f_b");
    }

    #[test]
    fn big_shards_split_by_one_more_char() {
        let toks: Vec<String> = (0..400)
            .map(|i| format!("ng{}{}", ["a", "o", "u"][i % 3], i))
            .chain(["ng".to_string(), "nh".to_string(), "a".to_string()])
            .collect();
        let mut sorted = toks.clone();
        sorted.sort();
        let entries: Vec<(&str, usize)> = sorted.iter().map(|t| (t.as_str(), 200)).collect();
        let (keys, idx) = shard_tokens(&entries);
        assert!(keys.contains(&"nga".to_string()), "{keys:?}");
        assert!(keys.contains(&"ng".to_string()));
        assert!(keys.contains(&"nh".to_string()));
        assert!(keys.contains(&"a".to_string()));
        for (i, (t, _)) in entries.iter().enumerate() {
            // Every token's shard is the longest key that prefixes it.
            assert_eq!(shard_of(&keys, t), Some(keys[idx[i]].as_str()), "{t}");
        }
        assert_eq!(shard_of(&keys, "ng"), Some("ng"));
        assert_eq!(shard_of(&keys, "zz"), None);
    }

    #[test]
    fn snippets_are_cut_at_a_word() {
        assert_eq!(snippet("  Thu   ngân\nsách "), "Thu ngân sách");
        let long = "chữ ".repeat(100);
        let s = snippet(&long);
        assert!(s.ends_with('…'));
        assert!(s.chars().count() <= SNIPPET_CHARS + 1);
        assert_eq!(snippet("Đồng Tháp."), "Đồng Tháp.");
        let s = snippet(&format!("{}, và", "chữ ".repeat(60)));
        assert!(s.ends_with("chữ…"), "{s}");
        let s = snippet(&"x".repeat(500));
        assert_eq!(s.chars().count(), SNIPPET_CHARS + 1);
    }
}
