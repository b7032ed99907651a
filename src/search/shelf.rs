//! The last index's keys as its shards hold them, kept in the build cache beside the batches
//! ([`SHELF`]), so that the next index merges and encodes again only the keys that changed.
//!
//! Merging every batch and encoding every key is most of an index made again after one
//! edited bulletin (two thirds of a second of both cores at 100,000 bulletins), though only
//! the few keys whose postings that bulletin changes come out different. When the batches
//! cover the same spans of ids as last time (each batch has room to spare, so a bulletin
//! added or removed usually moves only ids of its own batch, see
//! [`super::batches::place`]; when it moves others, the spans differ and every key is merged
//! again), a key's postings can only have changed if its part of a re-inverted batch did;
//! the last index's entry of every other key is still right, and so
//! are its own files (`t/`, `h/`), which the output still holds. So the shelf keeps, for
//! every key, what its shard entry needs (`ShelfEntry`), with the hashes of its own
//! files, and the batches (ids and fingerprints) it was made from.
//!
//! A token and its forms are one group (a form's entry depends on its token's postings, and
//! the token's list of forms on theirs), and a phrase key is a group of its own: a group is
//! made again whole when any of its keys changed (`changed_groups`).

use std::collections::HashSet;
use std::io;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::batches::BatchBytes;

/// The file of the shelf in the batches' folder.
pub const SHELF: &str = "shelf";

/// The layout of the shelf: another means no shelf is found.
const VERSION: u8 = 2;

/// The own files of a key: the hash of its postings' file `t/<key>.js`, and of its head's
/// `h/<key>.js` when it has one.
pub(super) type OwnFiles = (u128, Option<u128>);

/// One key as its shard entry has it.
#[derive(Serialize, Deserialize, Clone)]
pub(super) struct ShelfEntry {
    pub(super) key: Box<str>,
    pub(super) forms: Option<Vec<Box<str>>>,
    pub(super) complement: bool,
    pub(super) df: usize,
    /// The postings as a JSON string, or the size of their own file.
    pub(super) postings: String,
    pub(super) own: Option<OwnFiles>,
}

/// What an index was made from, and its keys (sorted).
#[derive(Serialize, Deserialize)]
pub(super) struct Shelf {
    version: u8,
    /// `(head_docs, own_file_bytes)` of the index.
    sizes: (u64, u64),
    /// Each batch's ids and fingerprint, in order.
    pub(super) batches: Vec<(u32, u32, u128)>,
    pub(super) entries: Vec<ShelfEntry>,
}

impl Shelf {
    pub(super) fn new(
        sizes: (usize, usize),
        batches: Vec<(u32, u32, u128)>,
        entries: Vec<ShelfEntry>,
    ) -> Shelf {
        Shelf {
            version: VERSION,
            sizes: (sizes.0 as u64, sizes.1 as u64),
            batches,
            entries,
        }
    }

    pub(super) fn to_bytes(&self) -> io::Result<Vec<u8>> {
        postcard::to_allocvec(self).map_err(io::Error::other)
    }

    /// The shelf of these bytes, if it reads and is of this layout.
    pub(super) fn from_bytes(bytes: &[u8]) -> Option<Shelf> {
        postcard::from_bytes::<Shelf>(bytes)
            .ok()
            .filter(|s| s.version == VERSION)
    }

    /// The own files of every key, as `(site path, hash)`.
    pub(super) fn own_files(&self) -> impl Iterator<Item = (String, u128)> + '_ {
        self.entries
            .iter()
            .filter_map(|e| Some((e, e.own?)))
            .flat_map(|(e, (t, h))| {
                std::iter::once((own_path("t", &e.key), t))
                    .chain(h.map(|h| (own_path("h", &e.key), h)))
            })
    }

    /// Whether an index of these sizes over these batches (ids, fingerprint) can start from
    /// this shelf: the same sizes and the same ids batch by batch. Returns the batches that
    /// changed, as `(position, the fingerprint they had)`.
    pub(super) fn changed_batches(
        &self,
        sizes: (usize, usize),
        now: &[(Range<u32>, u128)],
    ) -> Option<Vec<(usize, u128)>> {
        if self.sizes != (sizes.0 as u64, sizes.1 as u64) || self.batches.len() != now.len() {
            return None;
        }
        let mut changed = Vec::new();
        for (i, ((start, end, then), (docs, fp))) in self.batches.iter().zip(now).enumerate() {
            if (*start, *end) != (docs.start, docs.end) {
                return None;
            }
            if then != fp {
                changed.push((i, *then));
            }
        }
        Some(changed)
    }
}

/// The name of a key's own file of `kind` (`t` or `h`) in the index, as the client asks
/// for it (`t/thu`); [`own_path`] is its site path.
pub(super) fn own_key(kind: &str, key: &str) -> String {
    format!("{kind}/{}", super::shards::file_name(key))
}

/// The site path of a key's own file of `kind` (`t` or `h`).
pub(super) fn own_path(kind: &str, key: &str) -> String {
    format!("{}{}.js", super::DIR, own_key(kind, key))
}

/// The group of a key: a phrase key is its own, a form key (`token=form`) is its token's.
pub(super) fn group_of(key: &str) -> &str {
    if key.contains(' ') {
        return key;
    }
    key.split_once('=').map_or(key, |(token, _)| token)
}

/// The groups of the keys whose parts differ between a batch as it was and as it is: a key
/// in one and not the other, or with other postings or another `same`. `None` when either
/// does not read.
pub(super) fn changed_groups(
    then: &BatchBytes,
    now: &BatchBytes,
    into: &mut HashSet<Box<str>>,
) -> Option<()> {
    let (mut a, mut b) = (then.parts()?, now.parts()?);
    let (mut x, mut y) = (a.next(), b.next());
    let mut changed = |key: &str| {
        into.insert(group_of(key).into());
    };
    loop {
        match (x, y) {
            (None, None) => break,
            (Some(p), Some(q)) if p.0 == q.0 => {
                if p != q {
                    changed(p.0);
                }
                (x, y) = (a.next(), b.next());
            }
            (Some(p), Some(q)) if p.0 < q.0 => {
                changed(p.0);
                x = a.next();
            }
            (Some(p), None) => {
                changed(p.0);
                x = a.next();
            }
            (_, Some(q)) => {
                changed(q.0);
                y = b.next();
            }
        }
    }
    (a.left() == 0 && b.left() == 0).then_some(())
}
