//! The build cache: what a build leaves in `<cache_dir>/build/` for the next one to redo only
//! what changed (see [`super::incremental`]). Deleting the folder is always safe: the next
//! build is then a full one.
//!
//! - `stamps`: what the build read, cheaply compared (the binary, settings and registries,
//!   every bulletin file's size and time, the theme, the site's static files), the hash of
//!   the manifest it wrote and the output's folders as it left them (see [`super::folders`]).
//!   Written last, so that its presence says the rest is complete.
//! - `record`: the bulletins as read (drafts too; in chunks packed on every core, each kept
//!   in `parsed/` in a file named by its hash, so that a rebuild writes only the chunks that
//!   changed), the archive's groups, the files found, the files written by kind, and the
//!   manifest: what an incremental build starts from.
//! - `bodies`: the bulletins' HTML bodies, which the record points into.
//! - `index/`: the search index's batches (see [`crate::search::batches`]), named by
//!   fingerprints that point into `bodies`; a full build replaces them with the bodies.
//!   Beside them the last index's metadata chunks (`chunks`) and keys (`shelf`, see
//!   [`crate::search::shelf`]).
//!
//! `stamps` and `record` start with a tag naming the format and the bantin version, then an
//! xxh3-128 digest of the bytes after it; a file with another tag, whose bytes do not match
//! their digest (a byte flipped inside a title still decodes, and would show on the pages),
//! that does not read back, or a record of another build than the stamps, is no cache at
//! all. A build that will change the output removes `stamps` first, so one killed
//! midway leaves no cache and the next build is a full one, which completes the output.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use super::folders::Folders;
use super::manifest::{Hash, HashingWriter, Manifest};
use crate::file_stat::{Lookups, Stat};
use crate::load::article::ParsedArticle;
use crate::load::{Found, LoadOptions};
use crate::output::staged::Stage;
use crate::path_key::bytes;
use crate::rebuild::site::Served;
use crate::runs::ends_after;
use crate::search::BatchCache;

/// Bump when what the cache holds changes shape.
const FORMAT: u32 = 14;

/// The start of every cache file.
fn tag() -> String {
    format!(
        "bantin build cache {FORMAT} {}\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// A file's size and modification time (for a bundle: of every file in its folder).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp(u128);

impl Stamp {
    /// The stamp of `path`, or of every file under it for a folder; `None` when unreadable.
    pub fn of(path: &Path) -> Option<Stamp> {
        Stamp::looked_up(path, &mut Lookups::default())
    }

    /// [`Stamp::of`], with `lookups` (a run of files in one folder opens it once).
    fn looked_up(path: &Path, lookups: &mut Lookups) -> Option<Stamp> {
        let mut h = Xxh3::new();
        let meta = lookups.stat(path)?;
        if meta.is_dir {
            for e in walkdir::WalkDir::new(path).sort_by_file_name() {
                let e = e.ok()?;
                if e.file_type().is_file() {
                    h.update(e.path().to_string_lossy().as_bytes());
                    stamp_meta(&mut h, &lookups.stat(e.path())?);
                }
            }
        } else {
            stamp_meta(&mut h, &meta);
        }
        Some(Stamp(h.digest128()))
    }
}

fn stamp_meta(h: &mut Xxh3, meta: &Stat) {
    h.update(&meta.len.to_le_bytes());
    if let Some(nanos) = meta.modified_nanos() {
        h.update(&nanos.to_le_bytes());
    }
}

/// Each bulletin's source file with its stamp (`None`: it could not be read).
pub type BulletinStamps = Vec<(PathBuf, Option<Stamp>)>;

/// Every bulletin file's stamp (of its bundle folder for an `index.md`), by path.
pub fn bulletin_stamps(root: &Path, files: &[Found]) -> BulletinStamps {
    files
        .par_iter()
        .map_init(Lookups::default, |lookups, f| {
            let on_disk = match &f.bundle {
                Some(dir) => root.join(dir),
                None => root.join(&f.path),
            };
            (f.path.clone(), Stamp::looked_up(&on_disk, lookups))
        })
        .collect()
}

/// What must be the same for an incremental build: anything else, and the build is a full
/// one. Compared whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inputs {
    /// The running program (a rebuilt bantin may render differently).
    pub program: Option<Stamp>,
    /// site.toml and the three registries, as bytes.
    pub settings: Hash,
    pub drafts: bool,
    pub base_url: Option<String>,
    /// The output folder, absolute.
    pub output: PathBuf,
}

impl Inputs {
    pub fn now(root: &Path, opts: &LoadOptions, output: &Path) -> Inputs {
        let mut h = Xxh3::new();
        for f in [
            crate::load::settings::FILE,
            crate::load::registries::LOCALITIES,
            crate::load::registries::TERMS,
            crate::load::registries::INDICATORS,
        ] {
            h.update(f.as_bytes());
            match fs::read(root.join(f)) {
                Ok(bytes) => {
                    h.update(&(bytes.len() as u64).to_le_bytes());
                    h.update(&bytes);
                }
                Err(_) => {
                    h.update(b"\0missing");
                }
            }
        }
        Inputs {
            program: std::env::current_exe().ok().and_then(|p| Stamp::of(&p)),
            settings: h.digest128(),
            drafts: opts.drafts,
            base_url: opts.base_url.clone(),
            output: output.to_path_buf(),
        }
    }
}

/// The small file compared before anything else is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamps {
    /// Names the record written with these stamps.
    pub build: u64,
    pub inputs: Inputs,
    /// The theme as loaded (templates, static files, strings).
    pub theme: Hash,
    /// The site's static/ folder.
    pub statics: Option<Stamp>,
    /// Every bulletin file, by path.
    pub bulletins: Vec<(PathBuf, Option<Stamp>)>,
    /// The length of the bodies file the record points into.
    pub bodies_len: u64,
    /// The hash of the manifest written into the output.
    pub manifest: Hash,
    /// The output's folders as the build left them.
    pub folders: Folders,
}

/// What an incremental build starts from.
#[derive(Debug, Serialize, Deserialize)]
pub struct Record {
    /// The same as in the stamps written with it.
    pub build: u64,
    pub files: Vec<Found>,
    /// The bulletins read, [`ParsedArticle`]s in chunks (see [`unpack`]): those of the archive
    /// first, in its order, then those read but not built. Each chunk is a file of `parsed/`
    /// named by this hash of its bytes ([`Cache::read_chunks`]).
    pub parsed: Vec<ChunkHash>,
    /// The archive's groups.
    pub groups: crate::group::Groups,
    pub served: Served,
    pub manifest: Manifest,
}

/// The XXH3-128 hash of a packed chunk's bytes, which names its file.
pub type ChunkHash = u128;

/// Bulletins in a chunk of a record. Debug builds (the tests) use small chunks, so that
/// their archives of a dozen bulletins span several and [`pack_parsed_keeping`] keeps some.
const CHUNK: usize = if cfg!(debug_assertions) { 4 } else { 4096 };

/// One chunk of a record's bulletins, as postcard bytes of their own, so that the chunks are
/// made and read back on every core (a record of 100,000 bulletins is over 100 MB, and
/// reading it on one thread took over a second).
#[derive(Debug)]
pub struct Packed(Vec<u8>);

impl Serialize for Packed {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Packed {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Bytes;
        impl serde::de::Visitor<'_> for Bytes {
            type Value = Packed;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Packed, E> {
                Ok(Packed(v.to_vec()))
            }
            fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Packed, E> {
                Ok(Packed(v))
            }
        }
        d.deserialize_byte_buf(Bytes)
    }
}

/// One chunk of items, packed.
fn pack_chunk<T: Serialize>(items: &[T]) -> io::Result<Packed> {
    postcard::to_allocvec(items)
        .map(Packed)
        .map_err(io::Error::other)
}

/// The items of chunks packed by `pack_chunk`, unpacked on every core; `None` when one does
/// not read.
pub fn unpack<T: for<'de> Deserialize<'de> + Send>(chunks: &[Packed]) -> Option<Vec<T>> {
    let parts: Vec<Vec<T>> = chunks
        .par_iter()
        .map(|c| postcard::from_bytes(&c.0).ok())
        .collect::<Option<_>>()?;
    Some(parts.into_iter().flatten().collect())
}

/// The chunks of the record an incremental build started from (their hashes: the files of
/// `parsed/`, read back whole this build), with the file of each bulletin in them, in order.
pub struct EarlierChunks {
    pub files: Vec<PathBuf>,
    pub chunks: Vec<ChunkHash>,
}

/// The chunks of a record's bulletins (of these source `files`, in order), of `CHUNK` on
/// average ([`ends_after`]): a bulletin added or removed changes its own chunk only.
fn record_chunks<'a>(files: impl ExactSizeIterator<Item = &'a Path>) -> Vec<Range<usize>> {
    crate::runs::ranges(files, CHUNK as u64)
}

/// The bulletins of a record in chunks ([`record_chunks`]), each kept in `cache` as a file
/// (see [`Cache::put_chunk`]), but for each earlier chunk that holds the same files, none of
/// them read again (`changed`): a bulletin not read again is what it was, and so are its
/// values (a value's bulletin handle, its place in the archive, is not kept), so that
/// chunk's file stays as it is, wherever it now stands. At 100,000 bulletins packing them
/// all took 0.2 s of an edit, and writing them 0.2–0.4 s. Debug builds (the tests) pack the
/// kept chunks too, and fail when the bytes differ. Returns the chunks' hashes, in order.
pub fn pack_parsed_keeping(
    cache: &Cache,
    parsed: &[ParsedRef],
    earlier: EarlierChunks,
    changed: &std::collections::BTreeSet<PathBuf>,
) -> io::Result<Vec<ChunkHash>> {
    let EarlierChunks { files, chunks } = earlier;
    // The earlier chunks by their first file; none when they were cut otherwise.
    let ranges = record_chunks(files.iter().map(PathBuf::as_path));
    let chunks = if ranges.len() == chunks.len() {
        chunks
    } else {
        Vec::new()
    };
    let before: HashMap<&[u8], (&[PathBuf], ChunkHash)> = ranges
        .into_iter()
        .zip(chunks)
        .filter_map(|(range, hash)| {
            let files = &files[range];
            Some((bytes(files.first()?), (files, hash)))
        })
        .collect();
    // Each chunk now, with the earlier one that started with the same file.
    type Work<'a, 'b> = (&'a [ParsedRef<'b>], Option<(&'a [PathBuf], ChunkHash)>);
    let work: Vec<Work> = record_chunks(parsed.iter().map(|p| p.bulletin.file.as_path()))
        .into_iter()
        .map(|range| {
            let now = &parsed[range];
            let earlier = now
                .first()
                .and_then(|p| before.get(bytes(&p.bulletin.file)).copied());
            (now, earlier)
        })
        .collect();
    let total = work.len();
    let kept_count = std::sync::atomic::AtomicUsize::new(0);
    let packed = work
        .into_par_iter()
        .enumerate()
        .map(|(n, (now, before))| {
            let fresh = || pack_chunk(now);
            let Some((files, kept)) = before else {
                return cache.put_chunk(n, &fresh()?);
            };
            let same = files.len() == now.len()
                && now
                    .iter()
                    .zip(files)
                    .all(|(p, f)| p.bulletin.file == *f && !changed.contains(f));
            if !same {
                return cache.put_chunk(n, &fresh()?);
            }
            if cfg!(debug_assertions) && xxhash_rust::xxh3::xxh3_128(&fresh()?.0) != kept {
                return Err(io::Error::other(
                    "a kept chunk of the build record differs from its bulletins",
                ));
            }
            kept_count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok(kept)
        })
        .collect();
    crate::timings::note(
        "save/chunks",
        format_args!("{} kept of {total}", kept_count.into_inner()),
    );
    packed
}

/// A bulletin with its values, written as a [`ParsedArticle`] is, without copying them.
#[derive(Serialize)]
pub struct ParsedRef<'a> {
    pub bulletin: &'a crate::model::Bulletin,
    pub values: Vec<&'a crate::model::IndicatorValue>,
}

/// A [`Record`] of borrowed parts, written as one.
#[derive(Serialize)]
pub struct RecordRef<'a> {
    pub build: u64,
    pub files: &'a [Found],
    /// See [`pack_parsed_keeping`].
    pub parsed: Vec<ChunkHash>,
    pub groups: &'a crate::group::Groups,
    pub served: &'a Served,
    pub manifest: &'a Manifest,
}

/// The first part of a record (its build, the files found, the bulletins read and the
/// groups), written ahead into `record.new`, the bulletins' chunks into files of
/// `parsed.new/` one at a time (over 100 MB in all at 100,000 bulletins, never held whole):
/// a full build writes it on a thread of its own while the pages render, and at the end only
/// the files written are left to add. A record is its fields one after another (postcard
/// writes a struct as the sequence of its fields, with no framing), so the head and the rest
/// written in turn read back as one [`Record`].
pub struct RecordHead {
    build: u64,
    file: Sealed,
    /// The chunks of bulletins it names.
    chunks: Vec<ChunkHash>,
}

impl RecordHead {
    /// The build the head names, for the stamps written with it.
    pub fn build(&self) -> u64 {
        self.build
    }
}

/// What the record keeps of the bulletins: every bulletin of `archive` with its values (in
/// the archive's order, see `load::assemble`) and photos as made ready, then the bulletins
/// read but not built (`others`).
pub fn parsed_of<'a>(
    archive: &'a crate::model::Archive,
    groups: &'a crate::group::Groups,
    others: impl Iterator<Item = &'a ParsedArticle>,
) -> impl Iterator<Item = ParsedRef<'a>> {
    archive
        .bulletins
        .iter()
        .zip(groups.values_by_bulletin.iter())
        .map(|(bulletin, ix)| ParsedRef {
            bulletin,
            values: ix.iter().map(|&i| archive.value(i)).collect(),
        })
        .chain(others.map(|p| ParsedRef {
            bulletin: &p.bulletin,
            values: p.values.iter().collect(),
        }))
}

/// The cache folder of a site, locked while a build uses it.
pub struct Cache {
    dir: PathBuf,
    /// The site's `cache_dir`, when this build made it (a failed build takes it away again).
    made: Option<PathBuf>,
    _lock: File,
}

const STAMPS: &str = "stamps";
const RECORD: &str = "record";
const BODIES: &str = "bodies";
/// The bodies of a full build, until it succeeds.
const NEW_BODIES: &str = "bodies.new";
/// The record of a full build, until it succeeds.
const NEW_RECORD: &str = "record.new";
/// The search index's batches (see [`crate::search::batches`]), which go with the bodies.
const INDEX: &str = "index";
/// The record's chunks of bulletins, a file each, named by its hash.
const PARSED: &str = "parsed";
/// Those of a full build, until it succeeds.
const NEW_PARSED: &str = "parsed.new";
/// Those of a full build, until it succeeds.
const NEW_INDEX: &str = "index.new";
/// The files a rebuild writes before the output changes (see [`Cache::staging`]).
const STAGING: &str = "staged";
/// The files they replaced, to be written over by the next (see [`Cache::staging`]).
const SPARES: &str = "spares";
const LOCK: &str = "lock";

impl Cache {
    /// The cache of the site at `root` (`cache_dir` of site.toml), made if missing, and
    /// locked: a second build of the same site waits for the first.
    pub fn open(root: &Path, cache_dir: &Path) -> io::Result<Cache> {
        let top = root.join(cache_dir);
        let made = (!top.exists()).then(|| top.clone());
        let dir = top.join("build");
        fs::create_dir_all(&dir)?;
        let lock = File::create(dir.join(LOCK))?;
        lock.lock()?;
        Ok(Cache {
            dir,
            made,
            _lock: lock,
        })
    }

    /// The bodies the record points into.
    pub fn bodies(&self) -> PathBuf {
        self.dir.join(BODIES)
    }

    /// Where a full build keeps its bodies until [`Cache::save_full`].
    pub fn new_bodies(&self) -> PathBuf {
        self.dir.join(NEW_BODIES)
    }

    /// Where a rebuild stages the files it writes before the output changes, empty between
    /// builds, and keeps the files they replaced (see [`crate::output::staged`]).
    pub fn staging(&self) -> Stage {
        Stage {
            dir: self.dir.join(STAGING),
            spares: self.dir.join(SPARES),
        }
    }

    /// The search index's batches of the last build, beside its bodies.
    pub fn index_batches(&self) -> io::Result<BatchCache> {
        BatchCache::open(&self.dir.join(INDEX))
    }

    /// An empty folder for a full build's batches, until [`Cache::save_full`].
    pub fn new_index_batches(&self) -> io::Result<BatchCache> {
        let dir = self.dir.join(NEW_INDEX);
        remove_dir(&dir)?;
        BatchCache::open(&dir)
    }

    /// Start the record of a full build: its `build`, the `files` found, the bulletins read
    /// and the archive's groups (see [`RecordHead`]).
    pub fn record_head<'a>(
        &self,
        build: u64,
        files: &[Found],
        parsed: impl Iterator<Item = ParsedRef<'a>>,
        groups: &crate::group::Groups,
    ) -> io::Result<RecordHead> {
        let mut file = Sealed::create(&self.dir.join(NEW_RECORD))?;
        let new_parsed = self.dir.join(NEW_PARSED);
        remove_dir(&new_parsed)?;
        fs::create_dir_all(&new_parsed)?;
        // One chunk at a time, from its bulletins' references made as it goes: this thread
        // is beside the pages' threads, and the whole would be over 100 MB at 100,000
        // bulletins packed, and the references alone about 100 MB at a million.
        let mut chunks = Vec::new();
        let mut chunk = Vec::with_capacity(CHUNK);
        for p in parsed {
            let end = ends_after(&p.bulletin.file, chunk.len() + 1, CHUNK as u64);
            chunk.push(p);
            if end {
                chunks.push(put_chunk_into(
                    &new_parsed,
                    chunks.len(),
                    &pack_chunk(&chunk)?,
                )?);
                chunk.clear();
            }
        }
        if !chunk.is_empty() {
            chunks.push(put_chunk_into(
                &new_parsed,
                chunks.len(),
                &pack_chunk(&chunk)?,
            )?);
        }
        postcard::to_io(&(build, files, &chunks, groups), &mut file).map_err(io::Error::other)?;
        Ok(RecordHead {
            build,
            file,
            chunks,
        })
    }

    /// After a full build: its bodies replace the old ones, then the record (`head`, then
    /// the files the build wrote) and `stamps` are kept. The old stamps go first, so that no
    /// moment pairs them with the new bodies.
    pub fn save_full(
        &self,
        head: RecordHead,
        served: &Served,
        manifest: &Manifest,
        stamps: &Stamps,
    ) -> io::Result<()> {
        let mut file = head.file;
        postcard::to_io(&(served, manifest), &mut file).map_err(io::Error::other)?;
        file.seal()?;
        // The new chunks join the old ones first: no record names them yet.
        fs::create_dir_all(self.dir.join(PARSED))?;
        for e in fs::read_dir(self.dir.join(NEW_PARSED))? {
            let e = e?;
            fs::rename(e.path(), self.dir.join(PARSED).join(e.file_name()))?;
        }
        fs::remove_dir(self.dir.join(NEW_PARSED))?;
        self.forget()?;
        crate::output::replace(&self.new_bodies(), &self.bodies())?;
        // The batches go with the bodies their fingerprints point into; without new ones
        // (they could not be written), none.
        remove_dir(&self.dir.join(INDEX))?;
        if self.dir.join(NEW_INDEX).is_dir() {
            fs::rename(self.dir.join(NEW_INDEX), self.dir.join(INDEX))?;
        }
        crate::output::replace(&self.dir.join(NEW_RECORD), &self.dir.join(RECORD))?;
        write(&self.dir.join(STAMPS), stamps)?;
        self.prune_chunks(&head.chunks)
    }

    /// The bodies and record of a full build that will not be kept go.
    pub fn discard_new(&self) {
        let _ = fs::remove_dir_all(self.dir.join(NEW_PARSED));
        let _ = fs::remove_file(self.new_bodies());
        let _ = fs::remove_file(self.dir.join(NEW_RECORD));
        let _ = fs::remove_dir_all(self.dir.join(NEW_INDEX));
    }

    /// After a failed build: nothing of it stays (the cache of the last good build does),
    /// and a cache folder this build made is removed.
    pub fn give_up(self) {
        self.discard_new();
        if let Some(top) = &self.made {
            let _ = fs::remove_dir_all(&self.dir);
            // Only if nothing else was put there (the photos' cache is kept).
            let _ = fs::remove_dir(top);
        }
    }

    /// The stamps of the last complete build, if they read back.
    pub fn stamps(&self) -> Option<Stamps> {
        read(&self.dir.join(STAMPS))
    }

    /// The record written with `stamps`.
    pub fn record(&self, stamps: &Stamps) -> Option<Record> {
        read::<Record>(&self.dir.join(RECORD)).filter(|r| r.build == stamps.build)
    }

    /// The cache says nothing any more: the next build is a full one.
    pub fn forget(&self) -> io::Result<()> {
        match fs::remove_file(self.dir.join(STAMPS)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Keep `record` (its chunks are kept already, see [`pack_parsed_keeping`]) and then
    /// `stamps` (each through a temporary name); then the chunks no record names go.
    pub fn save(&self, record: &RecordRef, stamps: &Stamps) -> io::Result<()> {
        write(&self.dir.join(RECORD), record)?;
        write(&self.dir.join(STAMPS), stamps)?;
        self.prune_chunks(&record.parsed)
    }

    fn chunk_file(&self, hash: ChunkHash) -> PathBuf {
        self.dir.join(PARSED).join(format!("{hash:032x}"))
    }

    /// Keep chunk `n` of a record in a file named by the hash of its bytes, which it returns.
    pub fn put_chunk(&self, n: usize, chunk: &Packed) -> io::Result<ChunkHash> {
        put_chunk_into(&self.dir.join(PARSED), n, chunk)
    }

    /// The chunks of a record, read on every core; `None` when one is missing or is not
    /// the bytes its hash names.
    pub fn read_chunks(&self, hashes: &[ChunkHash]) -> Option<Vec<Packed>> {
        hashes
            .par_iter()
            .map(|&h| {
                let bytes = fs::read(self.chunk_file(h)).ok()?;
                (xxhash_rust::xxh3::xxh3_128(&bytes) == h).then_some(Packed(bytes))
            })
            .collect()
    }

    /// Remove the chunk files other than `kept` (of records replaced, or of builds that
    /// failed or were killed). One that cannot be removed is only left over.
    fn prune_chunks(&self, kept: &[ChunkHash]) -> io::Result<()> {
        let kept: std::collections::HashSet<String> =
            kept.iter().map(|h| format!("{h:032x}")).collect();
        let Ok(entries) = fs::read_dir(self.dir.join(PARSED)) else {
            return Ok(());
        };
        for e in entries.flatten() {
            if !e.file_name().to_str().is_some_and(|n| kept.contains(n)) {
                let _ = fs::remove_file(e.path());
            }
        }
        Ok(())
    }
}

/// Keep chunk `n` of a record in `folder`, in a file named by the hash of its bytes, which
/// it returns (through a temporary name, numbered `n`, so that chunks kept at once do not
/// meet).
fn put_chunk_into(folder: &Path, n: usize, chunk: &Packed) -> io::Result<ChunkHash> {
    let hash = xxhash_rust::xxh3::xxh3_128(&chunk.0);
    let path = folder.join(format!("{hash:032x}"));
    fs::create_dir_all(folder)?;
    let tmp = path.with_extension(format!("{n}.tmp"));
    fs::write(&tmp, &chunk.0)?;
    crate::output::replace(&tmp, &path)?;
    Ok(hash)
}

/// Remove a folder and what it holds, if there.
fn remove_dir(dir: &Path) -> io::Result<()> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// A number that names one build's record.
pub fn new_build_id() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let mut h = Xxh3::new();
    h.update(&now.to_le_bytes());
    h.update(&std::process::id().to_le_bytes());
    h.digest()
}

/// The bytes of a cache file after its tag and digest, when the tag is this bantin's and the
/// digest matches.
fn checked(bytes: &[u8]) -> Option<&[u8]> {
    let rest = bytes.strip_prefix(tag().as_bytes())?;
    let (digest, rest) = rest.split_first_chunk::<16>()?;
    (xxhash_rust::xxh3::xxh3_128(rest).to_le_bytes() == *digest).then_some(rest)
}

fn read<T: for<'de> Deserialize<'de>>(path: &Path) -> Option<T> {
    let bytes = fs::read(path).ok()?;
    postcard::from_bytes(checked(&bytes)?).ok()
}

fn write<T: Serialize>(path: &Path, value: &T) -> io::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut w = Sealed::create(&tmp)?;
    postcard::to_io(value, &mut w).map_err(io::Error::other)?;
    w.seal()?;
    crate::output::replace(&tmp, path)
}

/// A cache file being written: the tag, room for the digest, then the bytes written, hashed
/// as they go to the file; [`Sealed::seal`] puts the digest in its room. The record is
/// streamed (over 100 MB at 100,000 bulletins), so its digest cannot come first otherwise.
struct Sealed {
    file: BufWriter<HashingWriter<File>>,
}

impl Sealed {
    fn create(path: &Path) -> io::Result<Sealed> {
        let mut file = File::create(path)?;
        file.write_all(tag().as_bytes())?;
        file.write_all(&[0; 16])?;
        Ok(Sealed {
            // Hashed behind the buffer, so in large pieces.
            file: BufWriter::with_capacity(1 << 20, HashingWriter::new(file)),
        })
    }

    fn seal(self) -> io::Result<()> {
        let (mut file, hash) = self
            .file
            .into_inner()
            .map_err(|e| e.into_error())?
            .into_parts();
        file.seek(SeekFrom::Start(tag().len() as u64))?;
        file.write_all(&hash.to_le_bytes())?;
        file.flush()
    }
}

impl Write for Sealed {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulletin_stamps_are_each_files_stamp_a_bundle_its_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let mut files = Vec::new();
        let mut add = |rel: &str, bundle: Option<&str>| {
            let path = root.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, rel).unwrap();
            files.push(Found {
                path: rel.into(),
                bundle: bundle.map(PathBuf::from),
            });
        };
        // Many files of one folder, a few of another, a bundle between, one not there.
        for i in 0..30 {
            add(&format!("content/2020/bai-{i:02}.md"), None);
        }
        add("content/2021/a.md", None);
        add("content/2021/goi/index.md", Some("content/2021/goi"));
        add("content/2021/z.md", None);
        files.push(Found {
            path: "content/2020/mat.md".into(),
            bundle: None,
        });
        let stamps = bulletin_stamps(root, &files);
        assert_eq!(stamps.len(), files.len());
        for ((path, stamp), f) in stamps.iter().zip(&files) {
            assert_eq!(path, &f.path);
            let on_disk = root.join(f.bundle.as_ref().unwrap_or(&f.path));
            assert_eq!(*stamp, Stamp::of(&on_disk), "{path:?}");
        }
        assert!(stamps.last().unwrap().1.is_none(), "a file not there");
        // A file changed: its stamp changes, the others' do not.
        fs::write(root.join("content/2020/bai-07.md"), "longer than before").unwrap();
        let again = bulletin_stamps(root, &files);
        let differ: Vec<&PathBuf> = stamps
            .iter()
            .zip(&again)
            .filter(|(a, b)| a != b)
            .map(|(a, _)| &a.0)
            .collect();
        assert_eq!(differ, [&PathBuf::from("content/2020/bai-07.md")]);
    }

    fn stamps() -> Stamps {
        Stamps {
            build: 7,
            inputs: Inputs {
                program: None,
                settings: 1,
                drafts: false,
                base_url: None,
                output: PathBuf::from("/x/public"),
            },
            theme: 2,
            statics: None,
            // A fixed stamp: the stamp of a real folder changes whenever anything in it does.
            bulletins: vec![(PathBuf::from("content/a.md"), Some(Stamp(42)))],
            bodies_len: 10,
            manifest: 3,
            folders: Folders::default(),
        }
    }

    #[test]
    fn stamps_read_back_and_garbage_is_no_cache() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), Path::new(".c")).unwrap();
        assert!(cache.stamps().is_none());
        let files = vec![Found {
            path: PathBuf::from("content/b.md"),
            bundle: None,
        }];
        let record = RecordRef {
            build: 7,
            files: &files,
            parsed: Vec::new(),
            groups: &Default::default(),
            served: &Served::default(),
            manifest: &Manifest::new(),
        };
        cache.save(&record, &stamps()).unwrap();
        assert_eq!(cache.stamps(), Some(stamps()));
        assert!(cache.record(&stamps()).is_some());
        let other = Stamps {
            build: 8,
            ..stamps()
        };
        assert!(cache.record(&other).is_none(), "a record of another build");
        // One letter changed inside a string: the file still decodes, but is not trusted.
        for (file, what) in [("stamps", "content/a.md"), ("record", "content/b.md")] {
            let path = dir.path().join(".c/build").join(file);
            let good = fs::read(&path).unwrap();
            let at = good
                .windows(what.len())
                .position(|w| w == what.as_bytes())
                .unwrap();
            let mut bytes = good.clone();
            bytes[at + 8] = b'z';
            fs::write(&path, &bytes).unwrap();
            let trusted = |cache: &Cache| match file {
                "stamps" => cache.stamps().is_some(),
                _ => cache.record(&stamps()).is_some(),
            };
            assert!(!trusted(&cache), "{file} flipped");
            fs::write(&path, &good).unwrap();
            assert!(trusted(&cache), "{file} mended");
        }
        let path = dir.path().join(".c/build/stamps");
        let mut bytes = fs::read(&path).unwrap();
        let n = bytes.len();
        bytes[n - 3] ^= 0xff;
        bytes.truncate(n - 1);
        fs::write(&path, &bytes).unwrap();
        assert!(cache.stamps().is_none(), "a damaged file");
        fs::write(&path, b"bantin build cache 0 0.0.0\n").unwrap();
        assert!(cache.stamps().is_none(), "another version");
        cache.forget().unwrap();
        assert!(!path.exists());
    }

    #[test]
    fn chunks_are_files_named_by_their_hashes_read_back_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), Path::new(".c")).unwrap();
        let items: Vec<String> = (0..10).map(|i| format!("bản tin {i}")).collect();
        let put = |items: &[String]| -> Vec<ChunkHash> {
            items
                .chunks(3)
                .enumerate()
                .map(|(n, c)| cache.put_chunk(n, &pack_chunk(c).unwrap()).unwrap())
                .collect()
        };
        let hashes = put(&items);
        assert_eq!(hashes.len(), 4);
        let back = cache.read_chunks(&hashes).expect("the chunks read back");
        assert_eq!(unpack::<String>(&back), Some(items.clone()));
        let folder = dir.path().join(".c/build").join(PARSED);
        let names = || -> Vec<String> {
            let mut v: Vec<String> = fs::read_dir(&folder)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        let mut expected: Vec<String> = hashes.iter().map(|h| format!("{h:032x}")).collect();
        expected.sort();
        assert_eq!(names(), expected, "one file a chunk, named by its hash");
        // One item changed: one chunk more; pruning to the new chunks removes the old one.
        let mut edited = items.clone();
        edited[4].push_str(" (sửa)");
        let now = put(&edited);
        assert_eq!(names().len(), 5);
        assert_eq!((now[0], now[2], now[3]), (hashes[0], hashes[2], hashes[3]));
        cache.prune_chunks(&now).unwrap();
        assert_eq!(names().len(), 4);
        assert!(
            cache.read_chunks(&hashes).is_none(),
            "the old chunk is gone"
        );
        // A chunk whose bytes are not its hash's: nothing, never a wrong record.
        let file = folder.join(format!("{:032x}", now[1]));
        let mut bytes = fs::read(&file).unwrap();
        bytes[2] ^= 1;
        fs::write(&file, &bytes).unwrap();
        assert!(cache.read_chunks(&now).is_none());
        // A chunk that does not unpack: nothing.
        let broken = Packed(vec![3, 1]);
        assert_eq!(unpack::<u32>(&[broken]), None);
    }

    #[test]
    fn earlier_chunks_cut_otherwise_than_their_files_are_none_kept() {
        // The bundled example archive: its bulletins span several chunks of a debug build.
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let archive = crate::load::load(root, &Default::default()).unwrap();
        let parsed: Vec<ParsedRef> = archive
            .bulletins
            .iter()
            .map(|b| ParsedRef {
                bulletin: b,
                values: Vec::new(),
            })
            .collect();
        let files: Vec<PathBuf> = archive.bulletins.iter().map(|b| b.file.clone()).collect();
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), Path::new(".c")).unwrap();
        let unchanged = std::collections::BTreeSet::new();
        let earlier = |chunks: Vec<ChunkHash>| EarlierChunks {
            files: files.clone(),
            chunks,
        };
        let fresh = pack_parsed_keeping(&cache, &parsed, earlier(Vec::new()), &unchanged).unwrap();
        assert!(fresh.len() > 2, "{} chunks", fresh.len());
        // Chunks as their files cut them: kept (a debug build packs them again to check).
        let kept = pack_parsed_keeping(&cache, &parsed, earlier(fresh.clone()), &unchanged);
        assert_eq!(kept.unwrap(), fresh);
        // One chunk more than the files make (a record of another cut): paired by place,
        // the first file's chunk would be taken for one it is not; none is kept instead.
        let shifted: Vec<ChunkHash> = std::iter::once(1).chain(fresh.iter().copied()).collect();
        let again = pack_parsed_keeping(&cache, &parsed, earlier(shifted), &unchanged);
        assert_eq!(again.unwrap(), fresh);
    }

    #[test]
    fn a_record_written_in_two_parts_is_the_record_written_whole() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), Path::new(".c")).unwrap();
        let files = vec![Found {
            path: PathBuf::from("content/2024/a.md"),
            bundle: None,
        }];
        let mut served = Served::default();
        served.pages.insert("bai-viet/a/index.html".into());
        let manifest = Manifest::from([("bai-viet/a/index.html".to_string(), 42)]);
        let whole = RecordRef {
            build: 7,
            files: &files,
            parsed: Vec::new(),
            groups: &crate::group::Groups::default(),
            served: &served,
            manifest: &manifest,
        };
        cache.save(&whole, &stamps()).unwrap();
        let record = dir.path().join(".c/build/record");
        let written_whole = fs::read(&record).unwrap();

        fs::write(cache.new_bodies(), b"").unwrap();
        let head = cache
            .record_head(
                7,
                &files,
                std::iter::empty(),
                &crate::group::Groups::default(),
            )
            .unwrap();
        cache
            .save_full(head, &served, &manifest, &stamps())
            .unwrap();
        assert_eq!(fs::read(&record).unwrap(), written_whole);
        let back = cache.record(&stamps()).expect("the record reads back");
        assert_eq!(back.files.len(), 1);
        assert_eq!(back.manifest, manifest);
        assert!(back.served.pages.contains("bai-viet/a/index.html"));
    }
}
