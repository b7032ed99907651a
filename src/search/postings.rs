//! Postings: bulletin ids ascending, each with its score, written as LEB128 deltas and
//! base64 (what the browser's `atob` reads); the head of a long list (its best postings).

use base64::Engine;

/// One posting: bulletin id and score (1..=16), packed as `id << 4 | (score - 1)`.
pub(super) fn pack(doc: u32, score: u32) -> u32 {
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
