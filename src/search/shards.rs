//! Which shard file holds a token: keys start as a token's first two characters, and a shard
//! that grows past [`SHARD_BYTES`] is split by one more character; keys and tokens become
//! file names of `[a-z0-9]` and `_<hex>_`.

use super::{MIN_SPLIT_BYTES, SHARD_BYTES};

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
