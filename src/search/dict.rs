//! The token dictionary: each raw word of a text folded once per batch and given a token id;
//! and a body's search terms, the distinct tokens with their counts, which is all the index
//! keeps of a body (the loader makes them while it parses, so a body's text is not kept).

use rustc_hash::FxHashMap;

use super::fold::{class_of, fold_into, fold_table, split_folded, Class, FoldBlock, BLOCK_LEN};

const NO_TOKEN: u32 = u32::MAX;

/// A token dictionary that also remembers the token of each raw word it has seen, so that
/// the words of a text are folded once per batch, not once per occurrence.
#[derive(Default)]
pub struct Dict {
    /// Raw words of up to 15 bytes, packed with their length into a `u128`.
    raw_short: FxHashMap<u128, u32>,
    raw: FxHashMap<Box<str>, u32>,
    ids: FxHashMap<Box<str>, u32>,
    pub(super) tokens: Vec<Box<str>>,
    folded: String,
}

impl Dict {
    /// The tokens, by id.
    pub fn tokens(&self) -> &[Box<str>] {
        &self.tokens
    }

    pub(super) fn intern(&mut self, token: &str) -> u32 {
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
        let mut digits = itoa::Buffer::new();
        for id in distinct {
            let count = std::mem::take(&mut counts[id as usize]);
            out.push_str(&dict.tokens[id as usize]);
            out.push(' ');
            out.push_str(digits.format(count));
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
