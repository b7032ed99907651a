//! The index is inverted in batches of consecutive bulletins (in parallel), and what a batch
//! gives, its keys and their postings, depends on its bulletins alone. So a build keeps each
//! batch's part of the index in the build cache ([`BatchCache`]), under a fingerprint of what
//! its bulletins feed the index, and the next build inverts again only the batches whose
//! bulletins changed: after one edited bulletin, one batch of about [`TARGET`] instead of all.
//!
//! Where a batch ends is decided by its bulletins, not by their positions
//! ([`crate::runs`]: after a bulletin whose source file's name hashes to a boundary), so that
//! adding or removing one bulletin changes its own batch, not every batch after it. Each batch reserves a span of
//! ids with room to spare ([`place`]), so that it moves no other batch's ids either. A batch's
//! postings count ids from the start of its span; the merge moves them to the index's ids.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::postings::Postings;
use super::shelf::{Shelf, SHELF};
use crate::model::{BodyRef, BodyStore};

/// The layout of a batch file and of its fingerprint: another means no batch is found.
pub const VERSION: u8 = 2;
/// The file of the metadata chunks' fingerprints, beside the batches (see [`BatchCache`]).
pub const CHUNKS: &str = "chunks";
/// Bulletins in a batch, on average; a batch has at most four times as many (a run of files
/// none of which hashes to a boundary). A bulletin added within a batch moves the ids of the
/// newer ones of that batch ([`place`]), whose keys are then merged again: 1,570 groups of
/// keys at 100,000 bulletins with batches of 1,024, 533 with 256.
pub const TARGET: u64 = 256;

/// One key's postings in one batch.
pub(super) struct Part {
    pub(super) key: Box<str>,
    /// Ids count from the batch's first bulletin.
    pub(super) postings: Postings,
    /// The key is the only form of its token in the batch: its postings are the token's,
    /// and are not kept here.
    pub(super) same: bool,
}

/// The ids a batch reserves come in multiples of this: a multiple of
/// [`super::CHUNK_DOCS`], so that each batch's ids begin a metadata chunk of their own.
pub const SPAN_STEP: usize = 32;

/// A batch placed in the index's ids: its bulletins (positions in the archive, newest first)
/// and the span of ids it reserves, the next multiple of [`SPAN_STEP`] above its size. Its
/// bulletins take the last ids of the span, one each in order. So a bulletin added before
/// the first of a batch (a newer one: how an archive grows) takes a free id and moves no
/// other, and one added within a batch moves only the newer ones of that batch. The ids of
/// the batches after it move only when a batch outgrows its span (one addition in
/// [`SPAN_STEP`] at most), a new boundary splits it, or it meets a batch at its largest size
/// (see [`crate::runs::ends_after`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub docs: Range<usize>,
    pub ids: Range<u32>,
}

impl Placed {
    /// The id of the batch's first bulletin, counting from the start of its span (as the
    /// batch's own postings count them); the others follow.
    pub fn local_first(&self) -> u32 {
        self.ids.len() as u32 - self.docs.len() as u32
    }

    /// The id of the batch's first bulletin.
    pub fn first_id(&self) -> u32 {
        self.ids.start + self.local_first()
    }
}

/// One more than the highest id of batches placed by [`place`]: the id space (the manifest's
/// `"ids"`).
pub fn id_space(placed: &[Placed]) -> u32 {
    placed.last().map_or(0, |p| p.ids.end)
}

/// The batches of `ranges` (consecutive, from the archive's first bulletin) placed one after
/// the other in the ids, each in its span.
pub fn place(ranges: Vec<Range<usize>>) -> Vec<Placed> {
    let mut next = 0u32;
    ranges
        .into_iter()
        .map(|docs| {
            let span = ((docs.len() / SPAN_STEP + 1) * SPAN_STEP) as u32;
            let ids = next..next + span;
            next += span;
            Placed { docs, ids }
        })
        .collect()
}

/// What a batch file holds before its postings: each key, whether it is `same` (see
/// [`Part`]), and the length of its encoded postings, which follow in the same order.
#[derive(Serialize, Deserialize)]
struct Head {
    keys: Vec<(Box<str>, bool, u32)>,
}

/// The batches of the index kept between builds: one file per batch, named by its
/// fingerprint, in a folder of the build cache. The folder belongs with the bodies the
/// fingerprints point into (a full build writes both afresh). A file that does not read back
/// whole (each carries a hash of its bytes) is a batch to invert again, never a wrong index.
///
/// Beside them, [`CHUNKS`]: for each metadata chunk (`d/<n>.js`) of the last index, a
/// fingerprint of what it shows and the hash of its file. A build that is told the output
/// still holds that file ([`BatchCache::trust_chunks`]) leaves a chunk whose fingerprint is
/// the same alone, instead of making it again: after one edited bulletin, 12,499 of 12,500
/// at 100,000 bulletins.
pub struct BatchCache {
    dir: PathBuf,
    /// The chunks of the last index that the output still holds, by number:
    /// `(fingerprint, hash of the file)`; taken by the next index made (see
    /// [`BatchCache::take_trusted`]).
    trusted: Mutex<Vec<Option<(u128, u128)>>>,
    /// The fingerprints this build found or kept.
    used: Mutex<HashSet<u128>>,
    /// Batches read back, and batches kept.
    found: AtomicUsize,
    kept: AtomicUsize,
    /// An index was made with this cache: only then do the batches it did not use go.
    indexed: AtomicBool,
    /// The last index's keys ([`super::shelf`]), when the output still holds their own files
    /// as they were made; taken by the next index made.
    shelf: Mutex<Option<Shelf>>,
}

impl BatchCache {
    /// The batches kept in `dir` (made if missing).
    pub fn open(dir: &Path) -> io::Result<BatchCache> {
        fs::create_dir_all(dir)?;
        Ok(BatchCache {
            dir: dir.to_path_buf(),
            trusted: Mutex::new(Vec::new()),
            used: Mutex::new(HashSet::new()),
            found: AtomicUsize::new(0),
            kept: AtomicUsize::new(0),
            indexed: AtomicBool::new(false),
            shelf: Mutex::new(None),
        })
    }

    fn file(&self, fingerprint: u128) -> PathBuf {
        self.dir.join(format!("{fingerprint:032x}"))
    }

    fn mark(&self, fingerprint: u128) {
        if let Ok(mut used) = self.used.lock() {
            used.insert(fingerprint);
        }
    }

    /// The batch with this fingerprint, if kept and whole: where its parts are in its file,
    /// to be read from there when merged.
    pub(super) fn get(&self, fingerprint: u128) -> Option<Spilled> {
        let file: Arc<Path> = self.file(fingerprint).into();
        let (_, groups) = BatchBytes::from_file(fs::read(&file).ok()?)?;
        self.mark(fingerprint);
        self.found.fetch_add(1, Ordering::Relaxed);
        Some(Spilled::located(file, groups))
    }

    /// The batch with this fingerprint, if kept and whole, without counting it as used (a
    /// batch as it was, to compare with the one that replaces it).
    pub(super) fn peek(&self, fingerprint: u128) -> Option<BatchBytes> {
        BatchBytes::from_file(fs::read(self.file(fingerprint)).ok()?).map(|(batch, _)| batch)
    }

    /// Keep the parts of a batch. A batch that cannot be kept is inverted again next time, so
    /// an error here is not the build's: it is only reported to the caller.
    pub(super) fn put(&self, fingerprint: u128, batch: &BatchBytes) -> io::Result<()> {
        write_sealed(&self.file(fingerprint), &batch.0)?;
        self.mark(fingerprint);
        self.kept.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Read the chunks the last index kept ([`CHUNKS`]), and trust those for which
    /// `in_output(site path, hash)` says the output holds that file as it was made. Without
    /// this call, or when the file does not read back whole, every chunk is made again.
    /// Likewise the last index's keys ([`SHELF`]): trusted when the output holds every own
    /// file of theirs as it was made; else every key is merged again.
    pub fn trust_chunks(&mut self, in_output: impl Fn(&str, u128) -> bool) {
        let shelf = fs::read(self.dir.join(SHELF))
            .ok()
            .and_then(|bytes| Shelf::from_bytes(unsealed(&bytes)?))
            .filter(|s| s.own_files().all(|(path, hash)| in_output(&path, hash)));
        if let Ok(mut s) = self.shelf.lock() {
            *s = shelf;
        }
        let Ok(bytes) = fs::read(self.dir.join(CHUNKS)) else {
            return;
        };
        let Some(body) = unsealed(&bytes).filter(|b| b.len() % 32 == 0) else {
            return;
        };
        let u128_at = |b: &[u8]| u128::from_le_bytes(b.try_into().unwrap_or_default());
        let trusted = body
            .chunks_exact(32)
            .enumerate()
            .map(|(n, pair)| {
                let (print, hash) = (u128_at(&pair[..16]), u128_at(&pair[16..]));
                in_output(&super::write::chunk_path(n), hash).then_some((print, hash))
            })
            .collect();
        if let Ok(mut t) = self.trusted.lock() {
            *t = trusted;
        }
    }

    /// The chunks trusted, for one index only: what the output holds changes with the
    /// build that index is for, so a later index made with this cache trusts none.
    pub(super) fn take_trusted(&self) -> TrustedChunks {
        TrustedChunks(
            self.trusted
                .lock()
                .map(|mut t| std::mem::take(&mut *t))
                .unwrap_or_default(),
        )
    }

    /// The shelf trusted, for one index only (as [`BatchCache::take_trusted`]).
    pub(super) fn take_shelf(&self) -> Option<Shelf> {
        self.shelf.lock().ok().and_then(|mut s| s.take())
    }

    /// Keep the keys of the index just made for the next build; one not kept only means
    /// every key merged again.
    pub(super) fn keep_shelf(&self, shelf: &Shelf) -> io::Result<()> {
        write_sealed(&self.dir.join(SHELF), &shelf.to_bytes()?)
    }

    /// Keep the chunks of the index just made, `(fingerprint, hash)` by number, for the next
    /// build. Like a batch, a table that cannot be kept only means chunks made again.
    pub(super) fn keep_chunks(&self, chunks: &[(u128, u128)]) -> io::Result<()> {
        let mut body = Vec::with_capacity(chunks.len() * 32);
        for (print, hash) in chunks {
            body.extend_from_slice(&print.to_le_bytes());
            body.extend_from_slice(&hash.to_le_bytes());
        }
        write_sealed(&self.dir.join(CHUNKS), &body)
    }

    /// How many batches this build read back, and how many it inverted and kept.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.found.load(Ordering::Relaxed),
            self.kept.load(Ordering::Relaxed),
        )
    }

    /// An index is being made with this cache (see [`BatchCache::prune`]).
    pub(super) fn start(&self) {
        self.indexed.store(true, Ordering::Relaxed);
    }

    /// Remove the batches this build did not use (those of bulletins since changed), if it
    /// made an index: a build of templates or static files only leaves them all.
    pub fn prune(&self) -> io::Result<usize> {
        if !self.indexed.load(Ordering::Relaxed) {
            return Ok(0);
        }
        let used = self
            .used
            .lock()
            .map_err(|_| io::Error::other("a thread failed"))?;
        let mut removed = 0;
        for e in fs::read_dir(&self.dir)? {
            let e = e?;
            let name = e.file_name();
            let keep = name == CHUNKS
                || name == SHELF
                || name
                    .to_str()
                    .and_then(|n| u128::from_str_radix(n, 16).ok())
                    .is_some_and(|fp| used.contains(&fp));
            if !keep {
                fs::remove_file(e.path())?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

/// The length of the hash in front of every file of the folder.
const SEAL: usize = 16;

/// Write `body` to `path` behind its XXH3-128 hash, through a temporary name: the layout of
/// every file of the folder, which [`unsealed`] reads back.
fn write_sealed(path: &Path, body: &[u8]) -> io::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut file = fs::File::create(&tmp)?;
    io::Write::write_all(&mut file, &xxhash_rust::xxh3::xxh3_128(body).to_le_bytes())?;
    io::Write::write_all(&mut file, body)?;
    drop(file);
    crate::output::replace(&tmp, path)
}

/// The body of a file [`write_sealed`] wrote, if its hash holds.
fn unsealed(bytes: &[u8]) -> Option<&[u8]> {
    let (sum, body) = bytes.split_at_checked(SEAL)?;
    (sum == xxhash_rust::xxh3::xxh3_128(body).to_le_bytes()).then_some(body)
}

/// The metadata chunks the output holds as they were made (see [`BatchCache::trust_chunks`]).
#[derive(Default)]
pub(super) struct TrustedChunks(Vec<Option<(u128, u128)>>);

impl TrustedChunks {
    /// The hash of chunk `n`'s file, when the output holds it as made from `print`.
    pub(super) fn get(&self, n: usize, print: u128) -> Option<u128> {
        match self.0.get(n) {
            Some(Some((p, hash))) if *p == print => Some(*hash),
            _ => None,
        }
    }
}

/// One batch's part of the index as its file keeps it, less the hash in front: the length
/// of the [`Head`], the head (postcard), then every key's postings as
/// [`super::encode_postings`] writes them. The index is merged from these, key by key
/// ([`BatchBytes::parts`]), so that each batch is held in memory encoded (about an eighth
/// of its postings as numbers: 34 MB in all at 100,000 bulletins instead of 260).
pub(super) struct BatchBytes(pub(super) Vec<u8>);

/// A part as a batch holds it: `(key, same, encoded postings)` (see [`Part`]).
pub(super) type RawPart<'a> = (&'a str, bool, &'a [u8]);

impl BatchBytes {
    /// The parts of a batch, as [`Batch::into_parts`](super::write) gives them, encoded.
    pub(super) fn of(parts: &[Part]) -> io::Result<BatchBytes> {
        let mut postings = Vec::new();
        let mut keys = Vec::with_capacity(parts.len());
        for p in parts {
            let before = postings.len();
            super::postings::encode_into(&p.postings, &mut postings);
            keys.push((p.key.clone(), p.same, (postings.len() - before) as u32));
        }
        let head = postcard::to_allocvec(&Head { keys }).map_err(io::Error::other)?;
        let mut body = Vec::with_capacity(8 + head.len() + postings.len());
        body.extend_from_slice(&(head.len() as u64).to_le_bytes());
        body.extend_from_slice(&head);
        body.extend_from_slice(&postings);
        Ok(BatchBytes(body))
    }

    /// The batch of a file's bytes with its parts by first byte, if its hash and its layout
    /// hold (read once: the groups are what a merge needs).
    fn from_file(mut bytes: Vec<u8>) -> Option<(BatchBytes, Vec<Group>)> {
        unsealed(&bytes)?;
        bytes.drain(..SEAL);
        let batch = BatchBytes(bytes);
        let groups = batch.groups().ok()?;
        Some((batch, groups))
    }

    /// Where the postings start, and how long they are.
    fn split(&self) -> Option<(&[u8], &[u8])> {
        let (len, rest) = self.0.split_at_checked(8)?;
        let len = usize::try_from(u64::from_le_bytes(len.try_into().ok()?)).ok()?;
        rest.split_at_checked(len)
    }

    /// The parts in key order, borrowed from the bytes; `None` if the head does not read.
    pub(super) fn parts(&self) -> Option<Parts<'_>> {
        let (head, postings) = self.split()?;
        let (left, head) = postcard::take_from_bytes::<usize>(head).ok()?;
        Some(Parts {
            head,
            postings,
            left,
        })
    }

    /// The parts decoded (for tests).
    #[cfg(test)]
    pub(super) fn to_parts(&self) -> Vec<Part> {
        self.parts()
            .unwrap()
            .map(|(key, same, p)| Part {
                key: key.into(),
                postings: super::postings::decode(p).unwrap(),
                same,
            })
            .collect()
    }
}

/// A batch's parts out of memory, by the first byte of their keys (see
/// [`Parts::by_first_byte`]): the index is merged one first byte at a time, and only that
/// byte's parts of every batch are read back for it. Held in memory, the encoded batches
/// were about 340 MB at a million bulletins through the whole merge. An inverted batch is
/// written to a scratch [`BodyStore`] ([`BatchBytes::spill`]); one read from the cache is
/// read again from its file there ([`BatchBytes::located`]), not written a second time.
pub(super) struct Spilled(Vec<(u8, SpilledParts)>);

/// The parts of one first byte of a [`Spilled`] batch: where their keys and postings are.
pub(super) struct SpilledParts {
    head: Place,
    postings: Place,
    left: usize,
}

/// Where some bytes of a [`Spilled`] batch are.
enum Place {
    /// In the build's scratch store.
    Scratch(BodyRef),
    /// In a batch file of the cache, at `offset`.
    Cached {
        file: Arc<Path>,
        offset: u64,
        len: usize,
    },
}

impl Place {
    fn read(&self, store: &BodyStore) -> io::Result<Vec<u8>> {
        match self {
            Place::Scratch(r) => store.get_bytes(*r),
            Place::Cached { file, offset, len } => {
                let mut buf = vec![0u8; *len];
                crate::model::body::read_exact_at(&fs::File::open(file)?, &mut buf, *offset)?;
                Ok(buf)
            }
        }
    }
}

/// [`SpilledParts`] read back, to take [`Parts`] from.
pub(super) struct ReadBack {
    head: Vec<u8>,
    postings: Vec<u8>,
    left: usize,
}

/// The parts of one first byte of a batch, as ranges of its bytes: `(byte, head, postings,
/// keys)`.
type Group = (u8, Range<usize>, Range<usize>, usize);

impl BatchBytes {
    /// The batch's parts by first byte, as ranges of its bytes; an error if it does not
    /// read: a key that does not, or postings that do not exactly fill the rest.
    fn groups(&self) -> io::Result<Vec<Group>> {
        let groups = self
            .parts()
            .and_then(Parts::by_first_byte)
            .ok_or_else(|| io::Error::other("a batch of the search index does not read back"))?;
        let base = self.0.as_ptr() as usize;
        let at = |s: &[u8], len: usize| {
            let start = s.as_ptr() as usize - base;
            start..start + len
        };
        Ok(groups
            .iter()
            .enumerate()
            .map(|(i, (byte, p))| {
                // Each group's slices run to the end of the batch's: the next group starts
                // where this one ends.
                let (head, postings) = match groups.get(i + 1) {
                    Some((_, next)) => (
                        p.head.len() - next.head.len(),
                        p.postings.len() - next.postings.len(),
                    ),
                    None => (p.head.len(), p.postings.len()),
                };
                (*byte, at(p.head, head), at(p.postings, postings), p.left)
            })
            .collect())
    }

    /// The batch's parts written into `store` by first byte; an error if it does not read.
    pub(super) fn spill(&self, store: &BodyStore) -> io::Result<Spilled> {
        let mut out = Vec::new();
        for (byte, head, postings, left) in self.groups()? {
            out.push((
                byte,
                SpilledParts {
                    head: Place::Scratch(store.put_bytes(&self.0[head])?),
                    postings: Place::Scratch(store.put_bytes(&self.0[postings])?),
                    left,
                },
            ));
        }
        Ok(Spilled(out))
    }
}

impl Spilled {
    /// The parts of a batch by first byte (its `groups`) where they are in its `file` of
    /// the cache, which [`BatchCache::get`] read and checked: the batch's bytes there start
    /// after the hash.
    fn located(file: Arc<Path>, groups: Vec<Group>) -> Spilled {
        let place = |r: Range<usize>| Place::Cached {
            file: file.clone(),
            offset: (SEAL + r.start) as u64,
            len: r.len(),
        };
        Spilled(
            groups
                .into_iter()
                .map(|(byte, head, postings, left)| {
                    (
                        byte,
                        SpilledParts {
                            head: place(head),
                            postings: place(postings),
                            left,
                        },
                    )
                })
                .collect(),
        )
    }

    /// The first bytes of the batch's keys, each with where its parts are, in key order.
    pub(super) fn groups(&self) -> impl Iterator<Item = (u8, &SpilledParts)> {
        self.0.iter().map(|(b, p)| (*b, p))
    }
}

impl SpilledParts {
    /// The parts read back, from the scratch `store` or the cache's file.
    pub(super) fn read(&self, store: &BodyStore) -> io::Result<ReadBack> {
        Ok(ReadBack {
            head: self.head.read(store)?,
            postings: self.postings.read(store)?,
            left: self.left,
        })
    }
}

impl ReadBack {
    pub(super) fn parts(&self) -> Parts<'_> {
        Parts {
            head: &self.head,
            postings: &self.postings,
            left: self.left,
        }
    }
}

/// The parts of a [`BatchBytes`], one at a time.
#[derive(Clone)]
pub(super) struct Parts<'a> {
    head: &'a [u8],
    postings: &'a [u8],
    /// Keys not yet read.
    left: usize,
}

impl<'a> Parts<'a> {
    /// Keys not yet read: more than 0 after the last part means the head did not read.
    pub(super) fn left(&self) -> usize {
        self.left
    }

    /// The parts split by the first byte of their keys: `(byte, the parts of the keys that
    /// start with it)`, in key order; `None` if the head does not read or the postings do
    /// not exactly fill the rest. Each can be merged
    /// on its own: a token, its phrases and its forms all start with the token's first byte.
    pub(super) fn by_first_byte(self) -> Option<Vec<(u8, Parts<'a>)>> {
        let mut out: Vec<(u8, Parts<'a>)> = Vec::new();
        let mut rest = self;
        loop {
            let here = rest.clone();
            let Some((key, _, _)) = rest.next() else {
                break;
            };
            let first = key.as_bytes().first().copied().unwrap_or(0);
            match out.last_mut() {
                Some((b, parts)) if *b == first => parts.left += 1,
                _ => out.push((first, Parts { left: 1, ..here })),
            }
        }
        // Every key read, and their postings exactly fill the rest.
        (rest.left == 0 && rest.postings.is_empty()).then_some(out)
    }
}

impl<'a> Iterator for Parts<'a> {
    type Item = RawPart<'a>;

    fn next(&mut self) -> Option<RawPart<'a>> {
        if self.left == 0 {
            return None;
        }
        let ((key, same, n), head) =
            postcard::take_from_bytes::<(&str, bool, u32)>(self.head).ok()?;
        let (these, rest) = self.postings.split_at_checked(n as usize)?;
        (self.head, self.postings, self.left) = (head, rest, self.left - 1);
        Some((key, same, these))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn part(key: &str, docs: &[(u32, u32, u32)], same: bool) -> Part {
        let mut postings = Postings::default();
        for &(d, s, t) in docs {
            postings.push(d, s, t);
        }
        Part {
            key: key.into(),
            postings,
            same,
        }
    }

    /// The id of every file of `files` (archive order) in the batches' spans.
    fn ids(files: &[PathBuf]) -> HashMap<PathBuf, u32> {
        let placed = place(crate::runs::ranges(
            files.iter().map(|f| f.as_path()),
            TARGET,
        ));
        let mut out = HashMap::new();
        let mut next = 0;
        for p in &placed {
            // Spans one after the other, a multiple of SPAN_STEP with room for one more.
            assert_eq!(p.ids.start, next);
            assert!(p.ids.len() % SPAN_STEP == 0 && p.ids.len() > p.docs.len());
            next = p.ids.end;
            for (id, doc) in (p.first_id()..).zip(p.docs.clone()) {
                out.insert(files[doc].clone(), id);
            }
        }
        // Every file has an id, and ids follow the order of the files.
        assert_eq!(out.len(), files.len());
        assert!(files.windows(2).all(|w| out[&w[0]] < out[&w[1]]));
        out
    }

    #[test]
    fn batches_keep_room_so_an_added_bulletin_moves_few_ids() {
        let files: Vec<PathBuf> = (0..20_000)
            .map(|i| PathBuf::from(format!("content/{i}.md")))
            .collect();
        let before = ids(&files);
        let moved = |with: &[PathBuf]| {
            let after = ids(with);
            files.iter().filter(|f| after[*f] != before[*f]).count()
        };
        // A new bulletin before all (the newest): no id moves.
        let mut with = files.clone();
        with.insert(0, PathBuf::from("content/moi.md"));
        assert_eq!(moved(&with), 0);
        // One in the middle moves only newer ones of its own batch.
        let mut with = files.clone();
        with.insert(10_000, PathBuf::from("content/moi.md"));
        let n = moved(&with);
        assert!(n > 0 && n <= 4 * TARGET as usize, "{n} ids moved");
    }

    #[test]
    fn a_batch_reads_back_as_kept_and_a_damaged_one_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let cache = BatchCache::open(dir.path()).unwrap();
        let parts = vec![
            part("thu", &[(0, 9, 3), (5, 1, 0), (300, 2, 0)], false),
            part("thu=thu", &[], true),
            part("ngan sach", &[(7, 12, 1 << 30)], false),
        ];
        cache.put(7, &BatchBytes::of(&parts).unwrap()).unwrap();
        let back = cache.peek(7).unwrap().to_parts();
        assert!(cache.get(7).is_some());
        assert_eq!(back.len(), 3);
        for (a, b) in parts.iter().zip(&back) {
            assert_eq!((&a.key, &a.postings, a.same), (&b.key, &b.postings, b.same));
        }
        // One byte changed anywhere: the batch is not used.
        let file = dir.path().join(format!("{:032x}", 7u128));
        let mut bytes = fs::read(&file).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        fs::write(&file, &bytes).unwrap();
        assert!(cache.get(7).is_none());
        bytes.truncate(40);
        fs::write(&file, &bytes).unwrap();
        assert!(cache.get(7).is_none());
        // Whole, but postings left over after the last key's: not a batch either.
        let mut longer = BatchBytes::of(&parts).unwrap();
        longer.0.push(0);
        cache.put(8, &longer).unwrap();
        assert!(cache.get(8).is_none() && cache.peek(8).is_none());
    }

    #[test]
    fn pruning_keeps_only_the_batches_this_build_used() {
        let dir = tempfile::tempdir().unwrap();
        let old = BatchCache::open(dir.path()).unwrap();
        for fp in [1, 2, 3] {
            let batch = BatchBytes::of(&[part("a", &[(0, 1, 0)], false)]).unwrap();
            old.put(fp, &batch).unwrap();
        }
        // A build that made no index removes nothing.
        assert_eq!(BatchCache::open(dir.path()).unwrap().prune().unwrap(), 0);
        let now = BatchCache::open(dir.path()).unwrap();
        now.start();
        assert!(now.get(2).is_some());
        now.put(4, &BatchBytes::of(&[]).unwrap()).unwrap();
        assert_eq!(now.prune().unwrap(), 2);
        assert!(now.get(1).is_none() && now.get(3).is_none());
        assert!(now.get(2).is_some() && now.get(4).is_some());
    }
}
