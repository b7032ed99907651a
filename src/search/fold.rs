//! Folding for search: lowercase, no diacritics, `đ` → `d`, NFC and NFD alike, exactly as
//! [`crate::vi::fold`] and [`crate::vi::tokens`] do, but through a table made in blocks when
//! first needed, many times faster on Vietnamese text. Also used by [`super::dict`] to scan
//! text without folding each word again.

use std::sync::OnceLock;

/// Folded forms of the characters below this code point are precomputed.
pub(super) const TABLE_LEN: usize = 0x10000;
/// The table is made in blocks of this many code points, each when first needed: text in
/// one language touches a handful, and folding all 65,536 took 60 ms at every start.
pub(super) const BLOCK_LEN: usize = 0x100;
const FOLD_EMPTY: u32 = u32::MAX;
const FOLD_MANY: u32 = 0x8000_0000;

pub(super) struct FoldTable {
    blocks: Vec<OnceLock<FoldBlock>>,
}

/// The folded forms and classes of [`BLOCK_LEN`] code points.
pub(super) struct FoldBlock {
    /// A folded char, [`FOLD_EMPTY`], or [`FOLD_MANY`] | index into `many`.
    one: [u32; BLOCK_LEN],
    many: Vec<String>,
    /// The [`Class`] of each character.
    pub(super) class: [Class; BLOCK_LEN],
}

impl FoldTable {
    /// The block of code point `cp` (below [`TABLE_LEN`]).
    pub(super) fn block(&self, cp: usize) -> &FoldBlock {
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
pub(super) enum Class {
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

pub(super) fn class_of(c: char) -> Class {
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

pub(super) fn fold_table() -> &'static FoldTable {
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

/// Vietnamese tone marks (huyền, sắc, ngã, hỏi, nặng), as NFD writes them.
const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];

/// The exact form of a word, as the index keeps it beside its token: lowercase, every
/// diacritic kept, but the tone marks moved to the end (NFC letters, then the tone marks in
/// the order they came), so that old and new tone placement ("hoá", "hóa") are one form.
/// `"Thư"` -> `"thư"`, `"Hoá"` and `"hóa"` -> `"hoa\u{301}"`, `"ĐỒNG"` -> `"đông\u{300}"`.
/// The search client computes the same (`formOf` in static/search/text.js).
pub fn form_of(word: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    if word.is_ascii() {
        return word.to_ascii_lowercase();
    }
    let lower = word.nfd().collect::<String>().to_lowercase();
    let mut letters = String::with_capacity(lower.len());
    let mut tones = String::new();
    for c in lower.nfd() {
        if TONES.contains(&c) {
            tones.push(c);
        } else {
            letters.push(c);
        }
    }
    let mut out: String = letters.nfc().collect();
    out.push_str(&tones);
    out
}
