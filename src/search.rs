//! The static search index of `/tim-kiem/`: written at build time, read by
//! `themes/default/static/search.js` in the browser, with no server-side code.
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
//!   full lists (see `search.js`).
//! - `d/<n>.js` (`"d/<n>"`): bulletins `n*C .. n*C+C-1`, each
//!   `[path, title, "dd/mm/yyyy", locality, snippet]`; `path` is relative to the site root.
//!
//! Postings: bulletin ids ascending (the archive's order, newest first); each posting is the
//! LEB128 varint `(id - previous id - 1) << 4 | (score - 1)` (previous id starts at -1), and
//! the bytes are base64 encoded. File names keep `[a-z0-9]` and write any other character as
//! `_<hex code point>_`. Everything is sorted, so a build's bytes are deterministic; `version`
//! is a hash of every other file, which the client appends as `?v=` to defeat stale caches.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use rayon::prelude::*;

use crate::model::{Archive, Bulletin, IndicatorId};
use crate::output::Sink;
use crate::urls::{path, Urls};

/// Where the index goes, relative to the site root.
pub const DIR: &str = "tim-kiem/index/";
/// Bulletins per metadata chunk (`d/<n>.js`).
pub const CHUNK_DOCS: usize = 8;
/// A shard above this size (approximate bytes) is split by one more character.
pub const SHARD_BYTES: usize = 32 * 1024;
/// A group smaller than this stays in its parent shard rather than getting its own.
const MIN_SPLIT_BYTES: usize = 2 * 1024;
/// Postings longer than this (base64 bytes) get their own file, loaded only when needed.
pub const OWN_FILE_BYTES: usize = 1024;
/// Postings in the head (`h/<token>.js`) of a token with more than this many.
pub const HEAD_DOCS: usize = 1024;
/// Characters of the summary kept for the result snippet.
pub const SNIPPET_CHARS: usize = 200;
/// Bulletins indexed per parallel batch.
const BATCH: usize = 1024;

/// Field weights (the score of a token in a bulletin is their sum, capped at [`MAX_SCORE`]).
pub const W_TITLE: u32 = 6;
pub const W_META: u32 = 4;
pub const W_SUMMARY: u32 = 3;
pub const MAX_SCORE: u32 = 16;

const F_TITLE: u8 = 1;
const F_META: u8 = 2;
const F_SUMMARY: u8 = 4;

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

// ---- folding and tokens ----

/// Folded forms of the characters below this code point are precomputed.
const TABLE_LEN: usize = 0x10000;
/// The table is made in blocks of this many code points, each when first needed: text in
/// one language touches a handful, and folding all 65,536 took 60 ms at every start.
const BLOCK_LEN: usize = 0x100;
const FOLD_EMPTY: u32 = u32::MAX;
const FOLD_MANY: u32 = 0x8000_0000;

struct FoldTable {
    blocks: Vec<OnceLock<FoldBlock>>,
}

/// The folded forms and classes of [`BLOCK_LEN`] code points.
struct FoldBlock {
    /// A folded char, [`FOLD_EMPTY`], or [`FOLD_MANY`] | index into `many`.
    one: [u32; BLOCK_LEN],
    many: Vec<String>,
    /// The [`Class`] of each character.
    class: [Class; BLOCK_LEN],
}

impl FoldTable {
    /// The block of code point `cp` (below [`TABLE_LEN`]).
    fn block(&self, cp: usize) -> &FoldBlock {
        self.blocks[cp / BLOCK_LEN].get_or_init(|| FoldBlock::new(cp / BLOCK_LEN * BLOCK_LEN))
    }

    fn class(&self, cp: usize) -> Class {
        self.block(cp).class[cp % BLOCK_LEN]
    }
}

impl FoldBlock {
    fn new(first: usize) -> FoldBlock {
        let mut block = FoldBlock {
            one: [FOLD_EMPTY; BLOCK_LEN],
            many: Vec::new(),
            class: [Class::Sep; BLOCK_LEN],
        };
        let mut buf = [0u8; 4];
        for i in 0..BLOCK_LEN {
            let Some(c) = char::from_u32((first + i) as u32) else {
                continue;
            };
            let f = crate::vi::fold(c.encode_utf8(&mut buf));
            block.class[i] = class_of_folded(&f);
            let mut chars = f.chars();
            block.one[i] = match (chars.next(), chars.next()) {
                (None, _) => FOLD_EMPTY,
                (Some(x), None) => x as u32,
                _ => {
                    block.many.push(f);
                    FOLD_MANY | (block.many.len() - 1) as u32
                }
            };
        }
        block
    }
}

/// How a character takes part in tokens, by what it folds to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    /// Folds to letters or digits: part of a token.
    Word,
    /// Folds to nothing (a combining mark): continues a token.
    Mark,
    /// Folds to separators only: ends a token.
    Sep,
    /// Anything else (separators and letters at once).
    Mixed,
}

fn class_of_folded(f: &str) -> Class {
    if f.is_empty() {
        Class::Mark
    } else if f.chars().all(is_token_char) {
        Class::Word
    } else if f.chars().all(|c| !is_token_char(c)) {
        Class::Sep
    } else {
        Class::Mixed
    }
}

fn class_of(c: char) -> Class {
    let cp = c as usize;
    if cp < 0x80 {
        if c.is_ascii_alphanumeric() {
            Class::Word
        } else {
            Class::Sep
        }
    } else if cp < TABLE_LEN {
        fold_table().class(cp)
    } else {
        let mut buf = [0u8; 4];
        class_of_folded(&crate::vi::fold(c.encode_utf8(&mut buf)))
    }
}

fn fold_table() -> &'static FoldTable {
    static TABLE: OnceLock<FoldTable> = OnceLock::new();
    TABLE.get_or_init(|| FoldTable {
        blocks: (0..TABLE_LEN / BLOCK_LEN)
            .map(|_| OnceLock::new())
            .collect(),
    })
}

/// [`crate::vi::fold`] of `s` appended to `out`, one character at a time through a table (the
/// same result, many times faster on Vietnamese text).
pub fn fold_into(s: &str, out: &mut String) {
    let t = fold_table();
    let mut buf = [0u8; 4];
    for c in s.chars() {
        let cp = c as usize;
        if cp < 0x80 {
            out.push(c.to_ascii_lowercase());
        } else if cp < TABLE_LEN {
            let block = t.block(cp);
            match block.one[cp % BLOCK_LEN] {
                FOLD_EMPTY => {}
                v if v & FOLD_MANY != 0 && v != FOLD_EMPTY => {
                    out.push_str(&block.many[(v & !FOLD_MANY) as usize]);
                }
                v => out.push(char::from_u32(v).unwrap_or(c)),
            }
        } else {
            out.push_str(&crate::vi::fold(c.encode_utf8(&mut buf)));
        }
    }
}

fn is_token_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric()
    }
}

/// The tokens of already folded text, as [`crate::vi::tokens`] cuts them.
pub fn split_folded(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !is_token_char(c))
        .filter(|t| !t.is_empty())
}

/// Same as [`crate::vi::tokens`], faster.
pub fn tokens(s: &str) -> Vec<String> {
    let mut f = String::with_capacity(s.len());
    fold_into(s, &mut f);
    split_folded(&f).map(str::to_owned).collect()
}

// ---- shard keys and file names ----

/// The top-level shard key of a token: its first two characters.
pub fn base_key(token: &str) -> &str {
    match token.char_indices().nth(2) {
        Some((i, _)) => &token[..i],
        None => token,
    }
}

/// A key or token as a file name: `[a-z0-9]` kept, anything else as `_<hex>_`.
pub fn file_name(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for c in key.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else {
            out.push_str(&format!("_{:x}_", c as u32));
        }
    }
    out
}

/// The shard of `token`: the longest of `keys` (sorted) that is a prefix of it.
pub fn shard_of<'k>(keys: &'k [String], token: &str) -> Option<&'k str> {
    token
        .char_indices()
        .map(|(i, c)| &token[..i + c.len_utf8()])
        .rev()
        .find_map(|p| {
            keys.binary_search_by(|k| k.as_str().cmp(p))
                .ok()
                .map(|i| keys[i].as_str())
        })
}

/// Assign shard keys to tokens, given sorted `(token, approximate entry bytes)`.
/// Returns the sorted keys and, for each token, the index of its key.
pub fn shard_tokens(entries: &[(&str, usize)]) -> (Vec<String>, Vec<usize>) {
    let mut assigned: Vec<String> = vec![String::new(); entries.len()];
    let mut start = 0;
    while start < entries.len() {
        let key = base_key(entries[start].0);
        let mut end = start + 1;
        while end < entries.len() && base_key(entries[end].0) == key {
            end += 1;
        }
        split_group(entries, start, end, key, &mut assigned);
        start = end;
    }
    let mut keys: Vec<String> = assigned.clone();
    keys.sort();
    keys.dedup();
    let index = assigned
        .iter()
        .map(|k| keys.binary_search(k).unwrap_or(0))
        .collect();
    (keys, index)
}

/// `entries[start..end]` all start with `key`: one shard, or split by one more character.
fn split_group(
    entries: &[(&str, usize)],
    start: usize,
    end: usize,
    key: &str,
    assigned: &mut [String],
) {
    let total: usize = entries[start..end].iter().map(|e| e.1).sum();
    let key_chars = key.chars().count();
    for a in &mut assigned[start..end] {
        *a = key.to_string();
    }
    if total <= SHARD_BYTES {
        return;
    }
    let child_key = |t: &str| -> Option<String> {
        (t.chars().count() > key_chars).then(|| t.chars().take(key_chars + 1).collect())
    };
    let mut i = start;
    while i < end {
        let Some(ck) = child_key(entries[i].0) else {
            i += 1;
            continue;
        };
        let mut j = i + 1;
        while j < end && child_key(entries[j].0).as_deref() == Some(ck.as_str()) {
            j += 1;
        }
        let size: usize = entries[i..j].iter().map(|e| e.1).sum();
        if size >= MIN_SPLIT_BYTES {
            split_group(entries, i, j, &ck, assigned);
        }
        i = j;
    }
}

// ---- postings ----

/// One posting: bulletin id and score (1..=16), packed as `id << 4 | (score - 1)`.
fn pack(doc: u32, score: u32) -> u32 {
    (doc << 4) | (score - 1)
}

/// Postings (packed, ids ascending) as LEB128 deltas.
pub fn encode_postings(packed: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(packed.len() + packed.len() / 4);
    let mut prev: i64 = -1;
    for &p in packed {
        let doc = (p >> 4) as i64;
        let v = (((doc - prev - 1) as u64) << 4) | (p & 15) as u64;
        write_varint(&mut out, v);
        prev = doc;
    }
    out
}

fn write_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Decode [`encode_postings`] back to `(id, score)`.
pub fn decode_postings(bytes: &[u8]) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let (mut prev, mut v, mut shift) = (-1i64, 0u64, 0);
    for &b in bytes {
        v |= ((b & 0x7f) as u64) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            let doc = prev + 1 + (v >> 4) as i64;
            out.push((doc as u32, (v & 15) as u32 + 1));
            prev = doc;
            v = 0;
            shift = 0;
        }
    }
    out
}

/// The head of packed postings (ids ascending): the `k` first by score (highest first, then
/// lower id), in id order, with the score and id of the last of them by score; `None` when
/// there are no more than `k`.
pub fn head(packed: &[u32], k: usize) -> Option<(u32, u32, Vec<u32>)> {
    if packed.len() <= k || k == 0 {
        return None;
    }
    // Highest score first, then lower id: sort by (15 - score bits, id).
    let mut by_score: Vec<u32> = packed
        .iter()
        .map(|&p| (15 - (p & 15)) << 28 | p >> 4)
        .collect();
    by_score.select_nth_unstable(k - 1);
    by_score.truncate(k);
    let last = by_score.iter().copied().max().unwrap_or(0);
    let mut out: Vec<u32> = by_score
        .iter()
        .map(|&v| (v & 0x0fff_ffff) << 4 | (15 - (v >> 28)))
        .collect();
    out.sort_unstable();
    Some((16 - (last >> 28), last & 0x0fff_ffff, out))
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (what `atob` reads).
pub fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= c.len() {
                out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decode [`base64`] (for tests and tools).
pub fn unbase64(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let (mut n, mut bits) = (0u32, 0);
    for b in s.bytes() {
        let Some(v) = B64.iter().position(|&x| x == b) else {
            continue;
        };
        n = n << 6 | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((n >> bits) as u8);
        }
    }
    out
}

// ---- indexing ----

/// FxHash: fast for the short keys of a token dictionary. Iteration order never reaches the
/// output (everything is sorted).
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or_default()));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b) ^ rest.len() as u64);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_u128(&mut self, i: u128) {
        self.add(i as u64);
        self.add((i >> 64) as u64);
    }
    fn finish(&self) -> u64 {
        // The multiply leaves the low bits weak; hashbrown picks buckets by them.
        self.0.rotate_left(26)
    }
}

impl Fx {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

const NO_TOKEN: u32 = u32::MAX;

/// A token dictionary that also remembers the token of each raw word it has seen, so that
/// the words of a text are folded once per batch, not once per occurrence.
#[derive(Default)]
pub struct Dict {
    /// Raw words of up to 15 bytes, packed with their length into a `u128`.
    raw_short: FxMap<u128, u32>,
    raw: FxMap<Box<str>, u32>,
    ids: FxMap<Box<str>, u32>,
    tokens: Vec<Box<str>>,
    folded: String,
}

impl Dict {
    /// The tokens, by id.
    pub fn tokens(&self) -> &[Box<str>] {
        &self.tokens
    }

    fn intern(&mut self, token: &str) -> u32 {
        if let Some(&id) = self.ids.get(token) {
            return id;
        }
        let id = self.tokens.len() as u32;
        self.ids.insert(token.into(), id);
        self.tokens.push(token.into());
        id
    }

    /// The token of a run of word and mark characters (at most one), or [`NO_TOKEN`].
    /// The word `text[s..e]`.
    fn raw_word(&mut self, text: &str, s: usize, e: usize) -> u32 {
        let raw = &text[s..e];
        let len = e - s;
        let short = (len < 16).then(|| {
            let bytes = text.as_bytes();
            let word = match bytes.get(s..s + 16) {
                // One unaligned load, the bytes past the word masked off.
                Some(b) => {
                    u128::from_le_bytes(b.try_into().unwrap_or_default())
                        & ((1u128 << (8 * len)) - 1)
                }
                None => {
                    let mut b = [0u8; 16];
                    b[..len].copy_from_slice(&bytes[s..e]);
                    u128::from_le_bytes(b)
                }
            };
            word | (len as u128) << 120
        });
        let cached = match short {
            Some(k) => self.raw_short.get(&k),
            None => self.raw.get(raw),
        };
        if let Some(&id) = cached {
            return id;
        }
        let mut f = std::mem::take(&mut self.folded);
        f.clear();
        fold_into(raw, &mut f);
        let id = if f.is_empty() {
            NO_TOKEN
        } else {
            self.intern(&f)
        };
        self.folded = f;
        match short {
            Some(k) => self.raw_short.insert(k, id),
            None => self.raw.insert(raw.into(), id),
        };
        id
    }

    /// Append the token ids of `text` to `out`, as [`crate::vi::tokens`] cuts it.
    pub fn scan(&mut self, text: &str, out: &mut Vec<u32>) {
        let first = out.len();
        let mut start: Option<usize> = None;
        let table = fold_table();
        // The blocks of two-byte characters (below U+0800), and the block of the last
        // three-byte one (for Vietnamese, nearly always U+1E00..U+1EFF), at hand.
        let low: [&FoldBlock; 0x800 / BLOCK_LEN] =
            std::array::from_fn(|b| table.block(b * BLOCK_LEN));
        let mut last = (0x1E, table.block(0x1E00));
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // Decode one character by hand: most of the text is ASCII or 2-3 byte UTF-8.
            let b = bytes[i];
            let (class, width) = if b < 0x80 {
                let class = if b.is_ascii_alphanumeric() {
                    Class::Word
                } else {
                    Class::Sep
                };
                (class, 1)
            } else if b < 0xE0 {
                let cp = ((b as usize & 0x1F) << 6) | (bytes[i + 1] as usize & 0x3F);
                (low[cp / BLOCK_LEN].class[cp % BLOCK_LEN], 2)
            } else if b < 0xF0 {
                let cp = ((b as usize & 0x0F) << 12)
                    | ((bytes[i + 1] as usize & 0x3F) << 6)
                    | (bytes[i + 2] as usize & 0x3F);
                if cp / BLOCK_LEN != last.0 {
                    last = (cp / BLOCK_LEN, table.block(cp));
                }
                (last.1.class[cp % BLOCK_LEN], 3)
            } else {
                let c = text[i..].chars().next().unwrap_or(' ');
                (class_of(c), 4)
            };
            let at = i;
            i += width;
            match class {
                Class::Word | Class::Mark => {
                    start.get_or_insert(at);
                }
                Class::Sep => {
                    if let Some(s) = start.take() {
                        let id = self.raw_word(text, s, at);
                        if id != NO_TOKEN {
                            out.push(id);
                        }
                    }
                }
                Class::Mixed => {
                    // Rare: fold the whole text, then cut.
                    out.truncate(first);
                    let mut f = String::with_capacity(text.len());
                    fold_into(text, &mut f);
                    for t in split_folded(&f) {
                        out.push(self.intern(t));
                    }
                    return;
                }
            }
        }
        if let Some(s) = start {
            let id = self.raw_word(text, s, text.len());
            if id != NO_TOKEN {
                out.push(id);
            }
        }
    }
}

/// The distinct tokens of a body with how often each occurs, as `"token count token count…"`
/// sorted by token: all the index needs of a body, at a fraction of its text's size, so a
/// bulletin's text need not be kept from parsing to indexing.
pub fn body_terms(text: &str) -> String {
    /// What [`body_terms`] keeps between calls on one thread.
    #[derive(Default)]
    struct TermsScratch {
        dict: Dict,
        /// The tokens of the text.
        ids: Vec<u32>,
        /// Occurrences, by token.
        counts: Vec<u32>,
        /// Sort keys, by token (see below).
        order_keys: Vec<u128>,
    }
    thread_local! {
        static SCRATCH: std::cell::RefCell<TermsScratch> = Default::default();
    }
    SCRATCH.with(|cell| {
        let mut guard = cell.borrow_mut();
        let TermsScratch {
            dict,
            ids,
            counts,
            order_keys,
        } = &mut *guard;
        ids.clear();
        dict.scan(text, ids);
        counts.resize(dict.tokens.len(), 0);
        // Each token's first 16 bytes as one big-endian number (zero-padded: tokens hold no
        // NUL), so that most comparisons of the sort below are one integer comparison.
        for t in &dict.tokens[order_keys.len()..] {
            let mut b = [0u8; 16];
            let n = t.len().min(16);
            b[..n].copy_from_slice(&t.as_bytes()[..n]);
            order_keys.push(u128::from_be_bytes(b));
        }
        let mut distinct = Vec::new();
        for &id in ids.iter() {
            if counts[id as usize] == 0 {
                distinct.push(id);
            }
            counts[id as usize] += 1;
        }
        distinct.sort_unstable_by(|&a, &b| {
            order_keys[a as usize]
                .cmp(&order_keys[b as usize])
                .then_with(|| dict.tokens[a as usize].cmp(&dict.tokens[b as usize]))
        });
        let mut out = String::with_capacity(distinct.len() * 8);
        let mut digits = [0u8; 10];
        for id in distinct {
            let mut count = std::mem::take(&mut counts[id as usize]);
            out.push_str(&dict.tokens[id as usize]);
            out.push(' ');
            // The count's digits, without the formatting machinery (this runs for every
            // distinct word of every bulletin).
            let mut n = digits.len();
            loop {
                n -= 1;
                digits[n] = b'0' + (count % 10) as u8;
                count /= 10;
                if count == 0 {
                    break;
                }
            }
            for &d in &digits[n..] {
                out.push(d as char);
            }
            out.push(' ');
        }
        out.pop();
        out
    })
}

/// The (token, count) pairs of [`body_terms`].
pub fn split_body_terms(terms: &str) -> impl Iterator<Item = (&str, u32)> {
    let mut words = terms.split(' ').filter(|w| !w.is_empty());
    std::iter::from_fn(move || {
        let token = words.next()?;
        let count = words.next()?.parse().unwrap_or(1);
        Some((token, count))
    })
}

/// The index of one batch of bulletins.
#[derive(Default)]
struct Batch {
    dict: Dict,
    postings: Vec<Vec<u32>>,
    /// Per token: position in `acc` for the bulletin being indexed, or `u32::MAX`.
    slot: Vec<u32>,
    /// (token, fields, body frequency) of the bulletin being indexed.
    acc: Vec<(u32, u8, u32)>,
    ids: Vec<u32>,
}

impl Batch {
    /// Mark the tokens of `text` as occurring in `field`.
    fn add_text(&mut self, text: &str, field: u8) {
        let mut ids = std::mem::take(&mut self.ids);
        ids.clear();
        self.dict.scan(text, &mut ids);
        for &id in &ids {
            self.entry(id).1 |= field;
        }
        self.ids = ids;
    }

    /// Count the body's tokens, as [`body_terms`] gives them.
    fn add_body_terms(&mut self, terms: &str) {
        for (token, count) in split_body_terms(terms) {
            let id = self.dict.intern(token);
            self.entry(id).2 += count;
        }
    }

    /// The (token, fields, body frequency) entry of token `id` in the bulletin being indexed.
    fn entry(&mut self, id: u32) -> &mut (u32, u8, u32) {
        let n = self.dict.tokens.len();
        if self.slot.len() < n {
            self.slot.resize(n, u32::MAX);
            self.postings.resize_with(n, Vec::new);
        }
        let slot = &mut self.slot[id as usize];
        if *slot == u32::MAX {
            *slot = self.acc.len() as u32;
            self.acc.push((id, 0, 0));
        }
        &mut self.acc[*slot as usize]
    }

    fn finish_doc(&mut self, doc: u32) {
        for &(id, fields, tf) in &self.acc {
            self.postings[id as usize].push(pack(doc, score(fields, tf)));
            self.slot[id as usize] = u32::MAX;
        }
        self.acc.clear();
    }

    /// `(token, packed postings)`, sorted by token.
    fn into_sorted(self) -> Vec<(Box<str>, Vec<u32>)> {
        let mut v: Vec<_> = self.dict.tokens.into_iter().zip(self.postings).collect();
        v.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        v
    }
}

/// The texts of a bulletin other than title, summary and body: its localities with their
/// parents and aliases, its term, topics and indicator names.
struct MetaTexts<'a> {
    archive: &'a Archive,
    /// Per locality: full name and aliases.
    localities: Vec<String>,
    /// Per bulletin: the indicators it reports, sorted.
    indicators: Vec<Vec<IndicatorId>>,
}

impl<'a> MetaTexts<'a> {
    fn new(archive: &'a Archive) -> Self {
        let localities = archive
            .localities
            .ids()
            .map(|id| {
                let l = archive.localities.get(id);
                let mut s = archive.localities.full_name(id);
                for a in &l.aliases {
                    s.push_str(", ");
                    s.push_str(a);
                }
                s
            })
            .collect();
        let mut indicators = vec![Vec::new(); archive.bulletins.len()];
        for v in &archive.values {
            indicators[v.bulletin.0 as usize].push(v.indicator);
        }
        for v in &mut indicators {
            v.sort();
            v.dedup();
        }
        MetaTexts {
            archive,
            localities,
            indicators,
        }
    }

    fn each(&self, doc: usize, b: &Bulletin, mut f: impl FnMut(&str)) {
        for l in &b.localities {
            f(&self.localities[l.0 as usize]);
        }
        if let Some(t) = b.term {
            let t = self.archive.terms.get(t);
            f(&t.name);
            f(&t.id);
        }
        for t in &b.topics {
            f(&t.name);
        }
        for &i in &self.indicators[doc] {
            let ind = self.archive.indicators.get(i);
            f(&ind.name);
            if let Some(s) = &ind.short {
                f(s);
            }
        }
    }
}

/// Every token of the archive with its postings (packed, ids ascending), sorted by token.
fn invert(archive: &Archive) -> Vec<(Box<str>, Vec<u32>)> {
    let meta = MetaTexts::new(archive);
    let batches: Vec<Vec<(Box<str>, Vec<u32>)>> = archive
        .bulletins
        .par_chunks(BATCH)
        .enumerate()
        .map(|(n, docs)| {
            let mut batch = Batch::default();
            for (i, b) in docs.iter().enumerate() {
                let doc = n * BATCH + i;
                batch.add_text(&b.title, F_TITLE);
                batch.add_text(&b.summary, F_SUMMARY);
                batch.add_body_terms(&b.body_terms);
                meta.each(doc, b, |t| batch.add_text(t, F_META));
                batch.finish_doc(doc as u32);
            }
            batch.into_sorted()
        })
        .collect();
    // Merge the batches (each sorted, in id order): a stable sort by token keeps them in order.
    let mut all: Vec<(Box<str>, Vec<u32>)> = batches.into_iter().flatten().collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    let mut merged: Vec<(Box<str>, Vec<u32>)> = Vec::new();
    for (tok, p) in all {
        match merged.last_mut() {
            Some(last) if last.0 == tok => last.1.extend_from_slice(&p),
            _ => merged.push((tok, p)),
        }
    }
    merged
}

/// The summary with spaces collapsed, cut at a word boundary near [`SNIPPET_CHARS`] (text is
/// NFC already: the loader normalises every file it reads).
pub fn snippet(summary: &str) -> String {
    let mut out = String::with_capacity(SNIPPET_CHARS * 2);
    let mut chars = 0;
    for word in summary.split_whitespace() {
        let n = word.chars().count();
        if chars + n + usize::from(chars > 0) > SNIPPET_CHARS {
            if chars < SNIPPET_CHARS / 2 {
                // One very long word: cut inside it.
                if chars > 0 {
                    out.push(' ');
                }
                out.extend(word.chars().take(SNIPPET_CHARS - chars));
            }
            let keep = out
                .trim_end_matches(|c: char| c.is_ascii_punctuation())
                .len();
            out.truncate(keep);
            out.push('…');
            return out;
        }
        if chars > 0 {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        chars += n;
    }
    out
}

fn js_file(key: &str, json: &str) -> Vec<u8> {
    let mut s = String::with_capacity(json.len() + key.len() + 40);
    s.push_str("window.bantinSearch.add(");
    s.push_str(&serde_json::to_string(key).unwrap_or_default());
    s.push(',');
    s.push_str(json);
    s.push_str(");\n");
    s.into_bytes()
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// Every file of the search index, in memory: site paths under [`DIR`] and their bytes,
/// sorted by path. Paths inside are relative to the site root, so the same index serves any
/// `base_url` and `relative_urls`; the page turns them into links.
pub fn index_files(archive: &Archive, urls: &Urls) -> Vec<(String, Vec<u8>)> {
    index_files_with(archive, urls, HEAD_DOCS, OWN_FILE_BYTES)
}

/// [`index_files`] with another head size and own-file threshold (for tests).
pub fn index_files_with(
    archive: &Archive,
    urls: &Urls,
    head_docs: usize,
    own_file_bytes: usize,
) -> Vec<(String, Vec<u8>)> {
    let memory = crate::output::MemorySink::default();
    // Writing to memory cannot fail.
    let _ = write_index_with(archive, urls, &memory, head_docs, own_file_bytes);
    let mut files = memory.into_files();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// Write the index into `sink` file by file, as each is made (at 100,000 bulletins the whole
/// index would be a few hundred megabytes in memory); returns how many files.
pub fn write_index(archive: &Archive, urls: &Urls, sink: &dyn Sink) -> std::io::Result<usize> {
    write_index_with(archive, urls, sink, HEAD_DOCS, OWN_FILE_BYTES)
}

fn write_index_with(
    archive: &Archive,
    _urls: &Urls,
    sink: &dyn Sink,
    head_docs: usize,
    own_file_bytes: usize,
) -> std::io::Result<usize> {
    let out = Writer::new(sink);
    let inverted = invert(archive);

    // Encode every token's postings; a frequent token's own file and head go out at once.
    // (document frequency, postings as written in the shard, whether in their own file)
    let encoded: Vec<std::io::Result<(usize, String, bool)>> = inverted
        .par_iter()
        .map(|(tok, p)| {
            let b64 = base64(&encode_postings(p));
            if b64.len() <= own_file_bytes {
                return Ok((p.len(), json_str(&b64), false));
            }
            let key = format!("t/{}", file_name(tok));
            let bytes = js_file(&key, &json_str(&b64));
            let len = bytes.len();
            out.put(&key, &bytes)?;
            if let Some((score, id, h)) = head(p, head_docs) {
                let key = format!("h/{}", file_name(tok));
                let json = format!("[{score},{id},{}]", json_str(&base64(&encode_postings(&h))));
                out.put(&key, &js_file(&key, &json))?;
            }
            Ok((p.len(), len.to_string(), true))
        })
        .collect();
    let tokens: Vec<Box<str>> = inverted.into_iter().map(|(t, _)| t).collect();
    let encoded = encoded.into_iter().collect::<std::io::Result<Vec<_>>>()?;

    // Shards: each token's entry with its postings inline, or the size of its own file.
    let sizes: Vec<(&str, usize)> = tokens
        .iter()
        .zip(&encoded)
        .map(|(t, (_, postings, own))| {
            let inline = if *own { 8 } else { postings.len() - 2 };
            (&**t, t.len() + inline + 16)
        })
        .collect();
    let (keys, shard_index) = shard_tokens(&sizes);
    let mut shard_json: Vec<String> = vec![String::from("["); keys.len()];
    let mut own = String::from("{");
    for (i, (tok, (df, postings, own_file))) in tokens.iter().zip(encoded).enumerate() {
        if own_file {
            if own.len() > 1 {
                own.push(',');
            }
            own.push_str(&format!("{}:[{df},{postings}]", json_str(tok)));
        }
        let s = &mut shard_json[shard_index[i]];
        if s.len() > 1 {
            s.push(',');
        }
        s.push_str(&format!("[{},{df},{postings}]", json_str(tok)));
    }
    own.push('}');
    drop(tokens);
    for (key, mut json) in keys.iter().zip(shard_json) {
        json.push(']');
        let k = format!("s/{}", file_name(key));
        out.put(&k, &js_file(&k, &json))?;
    }

    // Bulletin metadata, in chunks. The locality shown is the home unit and its parents.
    let labels: Vec<String> = archive
        .localities
        .ids()
        .map(|id| json_str(&archive.localities.full_name(id)))
        .collect();
    archive
        .bulletins
        .par_chunks(CHUNK_DOCS)
        .enumerate()
        .try_for_each(|(n, docs)| {
            let rows: Vec<String> = docs
                .iter()
                .map(|b| {
                    format!(
                        "[{},{},{},{},{}]",
                        json_str(&path::bulletin(&b.slug)),
                        json_str(&b.title),
                        json_str(&crate::vi::format_date(b.date.date_naive())),
                        labels[b.home().0 as usize],
                        json_str(&snippet(&b.summary)),
                    )
                })
                .collect();
            let key = format!("d/{n}");
            out.put(&key, &js_file(&key, &format!("[{}]", rows.join(",\n"))))
        })?;

    let manifest = format!(
        "{{\"format\":1,\"version\":\"{:016x}\",\"docs\":{},\"chunk\":{},\"head\":{},\"shards\":{},\"own\":{own}}}",
        out.version(),
        archive.bulletins.len(),
        CHUNK_DOCS,
        head_docs,
        serde_json::to_string(&keys).unwrap_or_default()
    );
    sink.put(
        &format!("{DIR}manifest.js"),
        &js_file("manifest", &manifest),
    )?;
    Ok(out.count() + 1)
}

/// Writes index files into a sink, counting them and folding each into the index version.
struct Writer<'s> {
    sink: &'s dyn Sink,
    /// (files, wrapping sum of each file's hash): a sum, so the order files are written in
    /// (which depends on threads) does not change it.
    seen: std::sync::Mutex<(usize, u64)>,
}

impl<'s> Writer<'s> {
    fn new(sink: &'s dyn Sink) -> Self {
        Writer {
            sink,
            seen: Default::default(),
        }
    }

    /// Write the file of `key` (`s/th`, `d/0`).
    fn put(&self, key: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = format!("{DIR}{key}.js");
        let mut h = Fx::default();
        h.write(path.as_bytes());
        h.write_u64(bytes.len() as u64);
        h.write(bytes);
        let hash = h.finish();
        self.sink.put(&path, bytes)?;
        if let Ok(mut seen) = self.seen.lock() {
            seen.0 += 1;
            seen.1 = seen.1.wrapping_add(hash);
        }
        Ok(())
    }

    fn count(&self) -> usize {
        self.seen.lock().map_or(0, |s| s.0)
    }

    /// A hash of every file written so far.
    fn version(&self) -> u64 {
        let sum = self.seen.lock().map_or(0, |s| s.1);
        let mut h = Fx::default();
        h.write_u64(sum);
        h.finish()
    }
}

#[cfg(test)]
mod tests {
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
