//! The key dictionary: each raw word of a text folded once per batch and given the ids of
//! its token and of its exact form; and a body's search terms, the distinct exact forms with
//! their counts, which is all the index keeps of a body (the loader makes them while it
//! parses, so a body's text is not kept).

use rustc_hash::FxHashMap;

use super::fold::{
    class_of, fold_into, fold_table, form_of, split_folded, Class, FoldBlock, BLOCK_LEN,
};

/// No word (a run of marks alone).
const NO_WORD: u64 = u64::MAX;

/// One word of a text: the ids of its token (`"thu"`) and of its form key (`"thu=thư"`,
/// see [`form_key`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word {
    pub token: u32,
    pub form: u32,
}

impl Word {
    fn pack(self) -> u64 {
        (self.form as u64) << 32 | self.token as u64
    }

    fn unpack(v: u64) -> Word {
        Word {
            token: v as u32,
            form: (v >> 32) as u32,
        }
    }
}

/// The key of an exact form in the index: its token, `=`, the form (`"thu=thư"`). Tokens
/// never hold `=`, so the key sorts near its token and tells both apart.
pub fn form_key(token: &str, form: &str) -> String {
    let mut k = String::with_capacity(token.len() + form.len() + 1);
    k.push_str(token);
    k.push('=');
    k.push_str(form);
    k
}

/// The form of a form key (`"thu=thư"` -> `"thư"`); a key without `=` is its own form.
pub fn form_of_key(key: &str) -> &str {
    key.split_once('=').map_or(key, |(_, f)| f)
}

/// A dictionary of keys (tokens, form keys, phrase keys) that also remembers the token and
/// form of each raw word it has seen, so that the words of a text are folded once per batch,
/// not once per occurrence.
#[derive(Default)]
pub struct Dict {
    /// Raw words of up to 15 bytes, packed with their length into a `u128`.
    raw_short: FxHashMap<u128, u64>,
    raw: FxHashMap<Box<str>, u64>,
    /// Exact forms (as body terms give them) seen so far.
    forms: FxHashMap<Box<str>, u64>,
    ids: FxHashMap<Box<str>, u32>,
    pub(super) tokens: Vec<Box<str>>,
    folded: String,
}

impl Dict {
    /// The keys, by id.
    pub fn tokens(&self) -> &[Box<str>] {
        &self.tokens
    }

    /// The word of an exact form (as [`body_terms`] writes it).
    pub(super) fn word_of_form(&mut self, form: &str) -> Option<Word> {
        if let Some(&w) = self.forms.get(form) {
            return (w != NO_WORD).then(|| Word::unpack(w));
        }
        let w = self.fold_word(form, form);
        self.forms.insert(form.into(), w);
        (w != NO_WORD).then(|| Word::unpack(w))
    }

    /// The packed word of `raw` folded, with `form` as its exact form, or [`NO_WORD`] when
    /// nothing of it is left once folded.
    fn fold_word(&mut self, raw: &str, form: &str) -> u64 {
        let mut f = std::mem::take(&mut self.folded);
        f.clear();
        fold_into(raw, &mut f);
        let w = if f.is_empty() {
            NO_WORD
        } else {
            let token = self.intern(&f);
            let form = self.intern(&form_key(&f, form));
            Word { token, form }.pack()
        };
        self.folded = f;
        w
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

    /// The word `text[s..e]` (a run of word and mark characters), or [`NO_WORD`].
    fn raw_word(&mut self, text: &str, s: usize, e: usize) -> u64 {
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
        let w = self.fold_word(raw, &form_of(raw));
        match short {
            Some(k) => self.raw_short.insert(k, w),
            None => self.raw.insert(raw.into(), w),
        };
        w
    }

    /// Append the words of `text` to `out`, their tokens as [`crate::vi::tokens`] cuts it.
    pub fn scan(&mut self, text: &str, out: &mut Vec<Word>) {
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
                        let w = self.raw_word(text, s, at);
                        if w != NO_WORD {
                            out.push(Word::unpack(w));
                        }
                    }
                }
                Class::Mixed => {
                    // Rare: fold the whole text, then cut; each token is its own form.
                    out.truncate(first);
                    let mut f = String::with_capacity(text.len());
                    fold_into(text, &mut f);
                    for t in split_folded(&f) {
                        let token = self.intern(t);
                        let form = self.intern(&form_key(t, t));
                        out.push(Word { token, form });
                    }
                    return;
                }
            }
        }
        if let Some(s) = start {
            let w = self.raw_word(text, s, text.len());
            if w != NO_WORD {
                out.push(Word::unpack(w));
            }
        }
    }
}

/// The distinct exact forms ([`super::fold::form_of`]) of a body's words with how often each
/// occurs, as `"form count form count…"` in the order of their first occurrence: all the
/// index needs of a body (its tokens are the forms folded; the index adds them up by key, so
/// their order is of no account), at a fraction of its text's size, so a bulletin's text need
/// not be kept from parsing to indexing.
pub fn body_terms(text: &str) -> String {
    /// What [`body_terms`] keeps between calls on one thread.
    #[derive(Default)]
    struct TermsScratch {
        dict: Dict,
        /// The words of the text.
        ids: Vec<Word>,
        /// Occurrences, by key.
        counts: Vec<u32>,
        /// Where the form starts in each key (past `token=`), by key.
        form_starts: Vec<u32>,
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
            form_starts,
        } = &mut *guard;
        ids.clear();
        dict.scan(text, ids);
        counts.resize(dict.tokens.len(), 0);
        for key in &dict.tokens[form_starts.len()..] {
            form_starts.push((key.len() - form_of_key(key).len()) as u32);
        }
        let mut distinct = Vec::new();
        for w in ids.iter() {
            let id = w.form;
            if counts[id as usize] == 0 {
                distinct.push(id);
            }
            counts[id as usize] += 1;
        }
        let form = |id: u32| &dict.tokens[id as usize][form_starts[id as usize] as usize..];
        // Made once and kept with its bulletin until the index is written: no spare capacity.
        let len: usize = distinct.iter().map(|&id| form(id).len() + 2).sum();
        let mut out = String::with_capacity(len + distinct.len() * 4);
        let mut digits = itoa::Buffer::new();
        for id in distinct {
            let count = std::mem::take(&mut counts[id as usize]);
            out.push_str(form(id));
            out.push(' ');
            out.push_str(digits.format(count));
            out.push(' ');
        }
        out.pop();
        out.shrink_to_fit();
        out
    })
}

/// The (form, count) pairs of [`body_terms`].
pub fn split_body_terms(terms: &str) -> impl Iterator<Item = (&str, u32)> {
    let mut words = terms.split(' ').filter(|w| !w.is_empty());
    std::iter::from_fn(move || {
        let token = words.next()?;
        let count = words.next()?.parse().unwrap_or(1);
        Some((token, count))
    })
}
