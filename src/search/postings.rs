//! Postings: bulletin ids ascending, each with its score (which fields hold the key) and, for
//! a title, the key's places in it; written as LEB128 deltas and base64 (what the browser's
//! `atob` reads); the head of a long list (its best postings).

use base64::Engine;

use super::S_TITLE;

/// One posting: bulletin id and score (1..=15, see [`super::score`]), packed as
/// `id << 4 | score`.
pub(super) fn pack(doc: u32, score: u32) -> u32 {
    (doc << 4) | score
}

/// A key's postings: packed (ids ascending), and the title places of those whose score has
/// [`S_TITLE`], in the same order (bit i: the key is the title's word i, i < 31).
#[derive(Default, Clone, Debug, PartialEq, Eq)]
pub struct Postings {
    pub packed: Vec<u32>,
    pub titles: Vec<u32>,
}

impl Postings {
    pub fn len(&self) -> usize {
        self.packed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.packed.is_empty()
    }

    pub(super) fn push(&mut self, doc: u32, score: u32, title: u32) {
        self.packed.push(pack(doc, score));
        if score & S_TITLE != 0 {
            self.titles.push(title);
        }
    }

    /// Append postings whose ids count from `first` (higher than those here).
    pub(super) fn extend_from(&mut self, other: &Postings, first: u32) {
        if first == 0 {
            self.packed.extend_from_slice(&other.packed);
        } else {
            self.packed
                .extend(other.packed.iter().map(|&x| x + (first << 4)));
        }
        self.titles.extend_from_slice(&other.titles);
    }
}

/// Postings as LEB128 numbers: per posting `(id - previous id - 1) << 4 | score` (previous id
/// starts at -1), followed, when the score has [`S_TITLE`], by its title places.
pub fn encode_postings(p: &Postings) -> Vec<u8> {
    let mut out = Vec::with_capacity(p.packed.len() + p.packed.len() / 4 + p.titles.len());
    encode_into(p, &mut out);
    out
}

/// [`encode_postings`] appended to `out`.
pub(super) fn encode_into(p: &Postings, out: &mut Vec<u8>) {
    let mut prev: i64 = -1;
    let mut titles = p.titles.iter();
    for &x in &p.packed {
        let doc = (x >> 4) as i64;
        let v = (((doc - prev - 1) as u64) << 4) | (x & 15) as u64;
        write_varint(out, v);
        if x & S_TITLE != 0 {
            write_varint(out, titles.next().copied().unwrap_or(0) as u64);
        }
        prev = doc;
    }
}

fn write_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Decode [`encode_postings`] back to `(id, score, title places)` (places 0 without title);
/// empty for bytes that are not postings.
pub fn decode_postings(bytes: &[u8]) -> Vec<(u32, u32, u32)> {
    let Some(p) = decode(bytes) else {
        return Vec::new();
    };
    let mut titles = p.titles.iter();
    p.packed
        .iter()
        .map(|&x| {
            let score = x & 15;
            let title = if score & S_TITLE != 0 {
                titles.next().copied().unwrap_or(0)
            } else {
                0
            };
            (x >> 4, score, title)
        })
        .collect()
}

/// [`encode_postings`] read back into postings; `None` when the bytes end in the middle of
/// a number or a posting.
pub(super) fn decode(bytes: &[u8]) -> Option<Postings> {
    let mut p = Postings::default();
    let mut numbers = Varints { bytes };
    let mut prev = -1i64;
    while let Some(v) = numbers.next() {
        let doc = prev + 1 + (v >> 4) as i64;
        let score = (v & 15) as u32;
        let title = if score & S_TITLE != 0 {
            numbers.next()? as u32
        } else {
            0
        };
        p.push(u32::try_from(doc).ok()?, score, title);
        prev = doc;
    }
    numbers.bytes.is_empty().then_some(p)
}

/// LEB128 numbers, one after another.
struct Varints<'a> {
    bytes: &'a [u8],
}

impl Iterator for Varints<'_> {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        let (mut v, mut shift) = (0u64, 0);
        for (i, &b) in self.bytes.iter().enumerate() {
            v |= u64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                self.bytes = &self.bytes[i + 1..];
                return Some(v);
            }
            if shift > 63 {
                return None;
            }
        }
        None
    }
}

/// The head of postings (ids ascending): the `k` first by score (highest first, then lower
/// id), in id order, with the score and id of the last of them by score; `None` when there
/// are no more than `k`.
pub fn head(p: &Postings, k: usize) -> Option<(u32, u32, Postings)> {
    let packed = &p.packed;
    if packed.len() <= k || k == 0 {
        return None;
    }
    // Highest score first, then lower id: sort by (15 - score, id).
    let mut by_score: Vec<u32> = packed
        .iter()
        .map(|&x| (15 - (x & 15)) << 28 | x >> 4)
        .collect();
    by_score.select_nth_unstable(k - 1);
    by_score.truncate(k);
    let last = by_score.iter().copied().max().unwrap_or(0);
    by_score.sort_unstable_by_key(|&v| v & 0x0fff_ffff);
    // The title places of the postings kept: walk the full list once, in id order.
    let mut out = Postings::default();
    let mut titles = p.titles.iter();
    let mut keep = by_score.iter().map(|&v| v & 0x0fff_ffff).peekable();
    for &x in packed {
        let title = if x & S_TITLE != 0 {
            titles.next().copied().unwrap_or(0)
        } else {
            0
        };
        if keep.peek() == Some(&(x >> 4)) {
            keep.next();
            out.push(x >> 4, x & 15, title);
        }
    }
    Some((15 - (last >> 28), last & 0x0fff_ffff, out))
}

/// Standard base64 with padding (what `atob` reads).
pub fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Decode [`base64()`] (for tests and tools); empty for text that is not base64.
pub fn unbase64(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .unwrap_or_default()
}
