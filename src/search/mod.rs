//! The static search index of `/tim-kiem/`: written at build time, read in the browser by
//! the search client of `themes/default/static/search/` (and `search.js`, the page), with
//! no server-side code.
//!
//! Text is cut into folded tokens exactly as [`crate::vi::tokens`] does (lowercase, no
//! diacritics, `đ` → `d`, NFC and NFD alike), so "Đồng Tháp" and "dong thap" meet. Each
//! bulletin contributes the tokens of its title, summary, body text, its localities with
//! their parents ([`crate::model::Localities::full_name`], plus aliases), its term, its topics
//! and the names of the indicators it reports (together, its *names*). Every (key, bulletin)
//! pair gets one score from 1 to 15 that says where the key is ([`score`]): [`S_TITLE`] (8)
//! in the title, [`S_TOPIC`] (4) in a topic, locality or term, plus a level 0–3 for the rest:
//! 3 in the name of an indicator whose figures the bulletin gives, else 2 in the body more
//! than once (the summary counts twice), 1 once. As a number it ranks title and topic first,
//! then title, then topic, then the rest.
//!
//! The index has three kinds of keys, all in one dictionary:
//!
//! - tokens (`thu`): every bulletin with a word of that token, in any form;
//! - form keys (`thu=thư`, see [`form_key`]): the bulletins with that exact form of the word
//!   ([`form_of`]: lowercase, diacritics kept, tone marks last so "hoá" is "hóa"), written
//!   only for a token that has several forms in the archive; a token of one form lists it
//!   instead (below), and then the token's postings are those of its form. A form in more
//!   than half of its token's bulletins keeps the others instead (fewer; its entry ends in
//!   `1`), and its bulletins have the token's scores;
//! - phrase keys (`thu ngan sach nha nuoc`): runs of two to [`PHRASE_WORDS`] tokens that
//!   start at each word of a name, so that the client finds the bulletins whose names hold
//!   a query's words together and in order (a prefix of some phrase key). Titles need no
//!   such keys: a token's postings say where in the title it stands.
//!
//! Files, all under `tim-kiem/index/`, are small JavaScript files that hand their data to
//! `window.bantinSearch.add(key, data)`, so the page can load them with `<script>` tags, which
//! (unlike `fetch`) also works when the site is opened from `file://`:
//!
//! - `manifest.js` (`"manifest"`): `{"format":3,"version":…,"docs":N,"ids":I,"chunk":C,"head":K,
//!   "phrase":P,"shards":[key…],"own":{key:[df,bytes,…]…}}`. `own` lists the tokens and form
//!   keys whose postings have their own file (as their shard entries do, with what follows
//!   the postings there), so that a query of frequent words can load their postings at once,
//!   without waiting for their shards. A key lives in the shard whose key is the longest
//!   shard key that is a prefix of it. Shard keys start as the key's first two characters
//!   (`P` is the most words of a phrase key); a shard that grows past
//!   [`SHARD_BYTES`] is split by one more character, recursively (the keys of the shard key's
//!   own length, and small groups, stay in the parent).
//! - `s/<key>.js` (`"s/<key>"`): `[[key, df, postings], …]` sorted by key, and for a token
//!   `[token, df, postings, [form…]]` when its forms are not just the token itself: its
//!   forms, most frequent first (with two or more, each has its form key), and for a form
//!   key `[key, df, postings, 1]` when its postings are the complement. `postings` is a
//!   base64 string, or, for a key whose postings exceed [`OWN_FILE_BYTES`], the number of
//!   bytes of its own file.
//! - `t/<key>.js` (`"t/<key>"`): the postings of one frequent key, as a base64 string.
//! - `h/<key>.js` (`"h/<key>"`): for a token or form key (not a complement) with its own
//!   file and more than [`HEAD_DOCS`] postings (the manifest's `"head"`), its head:
//!   `[score, id, postings]`, the [`HEAD_DOCS`] postings that come first by score (highest
//!   first, then lower id, newer, first), stored
//!   in id order like any postings; `score` and `id` are those of the last of them in that
//!   order. Every posting left out has a lower score, or the same score and a higher id. The
//!   client ranks the heads first to show the best results of one word without loading the
//!   full lists (see `static/search/engine.js` and `rank.js`).
//! - `d/<n>.js` (`"d/<n>"`): ids `n*C .. n*C+C-1`, each a bulletin
//!   `[path, title, "dd/mm/yyyy", locality, snippet, [topic…]]` (`path` is relative to the
//!   site root) or `null` for an id of no bulletin; a chunk of no bulletin has no file.
//!
//! Ids: a bulletin's id follows the archive's order (newest first, so a lower id is newer),
//! but ids are not all taken: the bulletins are indexed in batches ([`batches`]), and each
//! batch reserves a span of ids with room for more and takes its last ids
//! ([`batches::place`]). So a new bulletin, the newest of the archive, usually takes a free
//! id and moves no other: the next build rewrites the index files of its words and one
//! metadata chunk, not every chunk after it. It moves the ids after its batch when it fills
//! the batch's span, starts a batch of its own (its file name hashes to a boundary) or meets
//! a batch at its largest size: each one addition in tens or hundreds, and then the whole
//! index is merged again, as it always was. `ids` in the manifest (`I`) is one more than
//! the highest id; the `docs` (`N`) are fewer.
//!
//! Postings: bulletin ids ascending; each posting is the
//! LEB128 varint `(id - previous id - 1) << 4 | score` (previous id starts at -1), followed,
//! when the score has [`S_TITLE`], by a varint whose bit i says the key is the title's word i
//! (i < 31); the bytes are base64 encoded. File names keep `[a-z0-9]` and write any other
//! character as `_<hex code point>_`. Everything is sorted, so a build's bytes are
//! deterministic; `version` is a hash of every other file, which the client appends as `?v=`
//! to defeat stale caches.
//!
//! The code, by job: [`fold`] (folding, tokens and forms), [`dict`] (the key dictionary and a
//! body's terms, which the loader makes while it parses), [`postings`] (encoding),
//! [`shards`] (which file holds a key), [`batches`] and [`shelf`] (what the build cache keeps
//! of the last index, so that the next merges again only what changed) and
//! [`write`](mod@write) (inverting the archive and writing the files).

pub mod batches;
pub mod dict;
pub mod fold;
pub mod postings;
pub mod shards;
pub mod shelf;
pub mod write;

pub use batches::BatchCache;
pub use dict::{body_terms, form_key, split_body_terms, Dict, Word};
pub use fold::{fold_into, form_of, split_folded, tokens};
pub use postings::{base64, decode_postings, encode_postings, head, unbase64, Postings};
pub use shards::{base_key, file_name, shard_of, shard_tokens};
pub use write::{index_files, index_files_with, snippet, write_index, IndexFiles, Sizes, Written};

/// Where the index goes, relative to the site root.
pub const DIR: &str = "tim-kiem/index/";
/// The index format the client reads (the manifest's `"format"`).
pub const FORMAT: u32 = 3;
/// Bulletins per metadata chunk (`d/<n>.js`).
pub const CHUNK_DOCS: usize = 8;
/// A shard above this size (approximate bytes) is split by one more character.
pub const SHARD_BYTES: usize = 32 * 1024;
/// A group smaller than this stays in its parent shard rather than getting its own.
pub(crate) const MIN_SPLIT_BYTES: usize = 2 * 1024;
/// Postings longer than this (base64 bytes) get their own file, loaded only when needed.
pub const OWN_FILE_BYTES: usize = 1024;
/// Postings in the head (`h/<key>.js`) of a key with more than this many.
pub const HEAD_DOCS: usize = 1024;
/// Characters of the summary kept for the result snippet.
pub const SNIPPET_CHARS: usize = 200;
/// The most words of a phrase key (the manifest's `"phrase"`): a longer phrase is looked up
/// by its first words.
pub const PHRASE_WORDS: usize = 6;

/// Score bit: the key is in the title.
pub const S_TITLE: u32 = 8;
/// Score bit: the key is in a topic, a locality (with its parents and aliases) or the term.
pub const S_TOPIC: u32 = 4;

pub(crate) const F_TITLE: u8 = 1;
pub(crate) const F_TOPIC: u8 = 2;
pub(crate) const F_SUMMARY: u8 = 4;
pub(crate) const F_INDICATOR: u8 = 8;

/// The score (1..=15) of a key in a bulletin from the fields it occurs in and how often it
/// occurs in the body: [`S_TITLE`] | [`S_TOPIC`] | a level for the rest: 3 in the name of an
/// indicator of the bulletin's figures, else 2 in the body more than once (the summary counts
/// as two), 1 once, 0 not at all.
pub fn score(fields: u8, body_tf: u32) -> u32 {
    let mut s = 0;
    if fields & F_TITLE != 0 {
        s |= S_TITLE;
    }
    if fields & F_TOPIC != 0 {
        s |= S_TOPIC;
    }
    let tf = body_tf + if fields & F_SUMMARY != 0 { 2 } else { 0 };
    s |= if fields & F_INDICATOR != 0 {
        3
    } else {
        tf.min(2)
    };
    s.max(1)
}

#[cfg(test)]
mod tests {
    use super::postings::pack;
    use super::write::{entries, Batch};
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
            .map(|w| d.tokens()[w.token as usize].to_string())
            .collect()
    }

    fn dict_forms(d: &mut Dict, s: &str) -> Vec<String> {
        let mut ids = Vec::new();
        d.scan(s, &mut ids);
        ids.iter()
            .map(|w| d.tokens()[w.form as usize].to_string())
            .collect()
    }

    #[test]
    fn forms_keep_diacritics_and_move_tones_last() {
        assert_eq!(form_of("Thư"), "thư");
        assert_eq!(form_of("THU"), "thu");
        assert_eq!(form_of("Hoá"), form_of("hóa"));
        assert_eq!(form_of("Hoá"), "hoa\u{301}");
        assert_eq!(form_of(&nfd("Đồng")), "đông\u{300}");
        assert_eq!(form_of("thủy"), form_of("thuỷ"));
        assert_ne!(form_of("thư"), form_of("thu"));
        assert_ne!(form_of("đang"), form_of("dang"));
        // Every form folds to its token.
        for w in ["Đắk", "Nghĩa", "QUỲNH", "2020", "ß"] {
            assert_eq!(crate::vi::fold(&form_of(w)), crate::vi::fold(w), "{w}");
        }
    }

    #[test]
    fn dict_scan_gives_each_word_its_form_key() {
        let mut d = Dict::default();
        assert_eq!(
            dict_forms(&mut d, "Bí thư thu Hoá hóa 2020"),
            [
                "bi=bi\u{301}",
                "thu=thư",
                "thu=thu",
                "hoa=hoa\u{301}",
                "hoa=hoa\u{301}",
                "2020=2020"
            ]
        );
        assert_eq!(
            dict_forms(&mut d, "½"),
            dict_tokens(&mut d, "½")
                .iter()
                .map(|t| form_key(t, t))
                .collect::<Vec<_>>()
        );
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
        assert_eq!(body_terms(&text), "thu 1234 ngân 1 sach\u{301} 11");
        assert_eq!(body_terms("Thư thu THƯ"), "thư 2 thu 1");
        assert_eq!(body_terms(""), "");
    }

    #[test]
    fn body_terms_list_each_form_once_where_it_first_occurs() {
        let t = body_terms(
            "abcdefghijklmnopqrz abcdefghijklmnopq abcdefghijklmnopqra abcdefghijklmnopq b",
        );
        assert_eq!(
            t,
            "abcdefghijklmnopqrz 1 abcdefghijklmnopq 2 abcdefghijklmnopqra 1 b 1"
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
            // The forms, folded, are the tokens with their counts.
            let terms = body_terms(&s);
            let mut got = std::collections::BTreeMap::new();
            let mut forms = Vec::new();
            for (f, n) in split_body_terms(&terms) {
                forms.push(f.to_string());
                *got.entry(crate::vi::fold(f)).or_insert(0u32) += n;
            }
            prop_assert_eq!(got, expected);
            // Each form once.
            let mut distinct = forms.clone();
            distinct.sort();
            distinct.dedup();
            prop_assert_eq!(distinct.len(), forms.len());
        }

        #[test]
        fn postings_round_trip(mut docs in proptest::collection::vec((0u32..200_000, 1u32..=15, 0u32..(1 << 31)), 0..200)) {
            docs.sort();
            docs.dedup_by_key(|d| d.0);
            let mut p = Postings::default();
            for d in &mut docs {
                if d.1 & S_TITLE == 0 {
                    d.2 = 0;
                }
                p.push(d.0, d.1, d.2);
            }
            let bytes = encode_postings(&p);
            prop_assert_eq!(decode_postings(&bytes), docs);
            prop_assert_eq!(unbase64(&base64(&bytes)), bytes);
        }
    }

    fn postings(docs: &[(u32, u32, u32)]) -> Postings {
        let mut p = Postings::default();
        for &(d, s, t) in docs {
            p.push(d, s, t);
        }
        p
    }

    #[test]
    fn heads_keep_the_best_scores_then_the_newest() {
        let p = postings(&[
            (0, 3, 0),
            (1, 9, 6),
            (2, 5, 0),
            (3, 9, 1),
            (4, 5, 0),
            (5, 1, 0),
            (6, 5, 0),
        ]);
        let (score, id, h) = head(&p, 4).unwrap();
        assert_eq!((score, id), (5, 4));
        assert_eq!(h, postings(&[(1, 9, 6), (2, 5, 0), (3, 9, 1), (4, 5, 0)]));
        assert_eq!(head(&p, 7), None);
        assert_eq!(head(&p, 0), None);
        let (score, id, h) = head(&p, 6).unwrap();
        assert_eq!((score, id, h.len()), (3, 0, 6));
    }

    proptest! {
        #[test]
        fn heads_are_the_top_k(mut docs in proptest::collection::vec((0u32..5000, 1u32..=15), 0..300), k in 1usize..50) {
            docs.sort();
            docs.dedup_by_key(|d| d.0);
            let with_titles: Vec<(u32, u32, u32)> = docs.iter().map(|&(d, s)| (d, s, if s & S_TITLE != 0 { d % 7 + 1 } else { 0 })).collect();
            let mut by_score = docs.clone();
            by_score.sort_by_key(|&(d, s)| (std::cmp::Reverse(s), d));
            match head(&postings(&with_titles), k) {
                None => prop_assert!(docs.len() <= k),
                Some((score, id, h)) => {
                    prop_assert_eq!((id, score), by_score[k - 1]);
                    let mut want: Vec<(u32, u32)> = by_score[..k].to_vec();
                    want.sort();
                    let want: Vec<(u32, u32, u32)> = want.iter().map(|&(d, s)| (d, s, if s & S_TITLE != 0 { d % 7 + 1 } else { 0 })).collect();
                    prop_assert_eq!(h, postings(&want));
                }
            }
        }
    }

    #[test]
    fn dense_postings_take_a_byte_each() {
        let p = postings(&(0..1000).map(|d| (d, 7, 0)).collect::<Vec<_>>());
        assert_eq!(encode_postings(&p).len(), 1000);
        // A title posting takes one byte more for its places (up to the title's seventh word).
        let p = postings(&(0..1000).map(|d| (d, 15, 1 << (d % 7))).collect::<Vec<_>>());
        assert_eq!(encode_postings(&p).len(), 2000);
        assert_eq!(pack(3, 15), 63);
        assert_eq!(base64(b"abc"), "YWJj");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"a"), "YQ==");
    }

    #[test]
    fn scores_rank_title_and_topic_then_title_then_topic_then_the_rest() {
        assert_eq!(score(0, 1), 1);
        assert_eq!(score(0, 3), 2);
        assert_eq!(score(F_SUMMARY, 0), 2);
        assert_eq!(score(F_INDICATOR, 0), 3);
        assert_eq!(score(F_INDICATOR, 50), 3);
        let both = score(F_TITLE | F_TOPIC, 0);
        let title = score(F_TITLE | F_INDICATOR | F_SUMMARY, 50);
        let topic = score(F_TOPIC | F_INDICATOR | F_SUMMARY, 50);
        let rest = score(F_INDICATOR | F_SUMMARY, 50);
        assert!(
            both > title && title > topic && topic > rest,
            "{both} {title} {topic} {rest}"
        );
        assert_eq!(score(F_TITLE | F_TOPIC | F_INDICATOR, 9), 15);
        assert_eq!(score(F_TITLE, 0) & S_TITLE, S_TITLE);
        assert_eq!(score(F_TOPIC, 0), S_TOPIC);
    }

    /// The keys a batch gives one bulletin with these texts, and their (score, title places).
    fn keys_of(title: &str, names: &[(&str, u8)], body: &str) -> Vec<(String, u32, u32)> {
        let mut b = Batch::default();
        b.add_title(title);
        b.add_body_terms(&body_terms(body));
        for &(n, f) in names {
            b.add_name(n, f);
        }
        b.finish_doc(0);
        b.into_sorted()
            .into_iter()
            .filter(|(_, p)| !p.is_empty())
            .map(|(k, p)| {
                let (_, s, t) = decode_postings(&encode_postings(&p))[0];
                (k.to_string(), s, t)
            })
            .collect()
    }

    #[test]
    fn a_batch_slice_keeps_its_title_places() {
        let b = 1024;
        let p = postings(&[
            (1, 9, 1),
            (2, 1, 0),
            (b, 8, 2),
            (b + 3, 2, 0),
            (b + 5, 12, 4),
            (2 * b, 8, 8),
        ]);
        assert_eq!(
            super::write::batch_slice(&p, b..2 * b),
            postings(&[(b, 8, 2), (b + 3, 2, 0), (b + 5, 12, 4)])
        );
        assert_eq!(
            super::write::batch_slice(&p, 0..b),
            postings(&[(1, 9, 1), (2, 1, 0)])
        );
        assert_eq!(
            super::write::batch_slice(&p, 3 * b..4 * b),
            Postings::default()
        );
    }

    #[test]
    fn forms_of_most_bulletins_keep_the_others_instead() {
        let p = |docs: &[u32]| postings(&docs.iter().map(|&d| (d, 2, 0)).collect::<Vec<_>>());
        let inverted = vec![
            ("sach".into(), p(&[0, 1])),
            ("sach=sach\u{301}".into(), p(&[0, 1])),
            ("thu".into(), p(&[0, 1, 2, 3, 4])),
            ("thu=thu".into(), p(&[0, 1, 3])),
            ("thu=thư".into(), p(&[2, 4])),
        ];
        let e = entries(inverted);
        let keys: Vec<&str> = e.iter().map(|e| &*e.key).collect();
        assert_eq!(keys, ["sach", "thu", "thu=thu", "thu=thư"]);
        assert_eq!(e[0].forms, Some(vec!["sach\u{301}".into()]));
        assert_eq!(e[1].forms, Some(vec!["thu".into(), "thư".into()]));
        // "thu" is in three of five: its key lists the two without it, and says how many have it.
        assert!(e[2].complement && !e[3].complement);
        assert_eq!(e[2].postings, postings(&[(2, 1, 0), (4, 1, 0)]));
        assert_eq!((e[2].df, e[3].df), (3, 2));
        assert_eq!(e[3].postings, p(&[2, 4]));
    }

    #[test]
    fn a_bulletin_gives_tokens_forms_phrases_and_title_places() {
        let keys = keys_of(
            "Thu ngân sách",
            &[("Giảm nghèo", F_TOPIC), ("Tỷ lệ hộ nghèo", F_INDICATOR)],
            "Bí thư nói: thu ngân sách",
        );
        let get = |k: &str| keys.iter().find(|x| x.0 == k).map(|x| (x.1, x.2));
        // Title word 0 (also once in the body), word 1, word 2.
        assert_eq!(get("thu"), Some((S_TITLE | 2, 1)));
        assert_eq!(get("thu=thu"), Some((S_TITLE | 1, 1)));
        assert_eq!(get("thu=thư"), Some((1, 0)));
        assert_eq!(get("ngan"), Some((S_TITLE | 1, 2)));
        assert_eq!(get("sach=sach\u{301}"), Some((S_TITLE | 1, 4)));
        // Names: a topic, an indicator (as the highest level of the rest), their phrases.
        assert_eq!(get("giam"), Some((S_TOPIC, 0)));
        assert_eq!(get("ngheo"), Some((S_TOPIC | 3, 0)));
        assert_eq!(get("giam ngheo"), Some((S_TOPIC, 0)));
        assert_eq!(get("ty le ho ngheo"), Some((3, 0)));
        assert_eq!(get("le ho ngheo"), Some((3, 0)));
        assert_eq!(get("ho ngheo"), Some((3, 0)));
        assert_eq!(get("ngheo"), Some((S_TOPIC | 3, 0)));
        // No phrase keys for the title or body, none of one word.
        assert_eq!(get("thu ngan sach"), None);
        assert_eq!(get("ngheo "), None);
        let long = keys_of("", &[("một hai ba bốn năm sáu bảy tám", F_TOPIC)], "");
        assert!(long.iter().any(|k| k.0 == "mot hai ba bon nam sau"));
        assert!(
            long.iter().all(|k| k.0.split(' ').count() <= PHRASE_WORDS),
            "{long:?}"
        );
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
