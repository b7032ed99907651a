//! Where the bodies of bulletins wait between parsing and rendering.
//!
//! A body's HTML is made when its file is read but needed only when its page is rendered, at
//! the very end. Kept in memory, the bodies of 100,000 bulletins would be a third of a
//! gigabyte of a build's peak memory; so they are appended to an unnamed scratch file (it
//! lives in the page cache and is gone when the build ends) and read back by offset. Where no
//! scratch file can be made, they stay in memory.
//!
//! Appends are gathered in memory and written a megabyte at a time ([`FLUSH_BYTES`]): a
//! bulletin keeps three or four pieces (body, search text, quotes), and one system call each
//! was four million writes at a million bulletins. A piece not written yet is read from
//! where it waits; [`BodyStore::flush`] writes what waits, for those who read the file itself
//! (the build cache keeps it for the next build).
//!
//! A megabyte is written outside the lock, by the thread whose piece filled it, while the
//! others go on appending behind it (and read its pieces from memory until it is written):
//! under the lock, the other parsing threads all stopped at their next piece and left a
//! core idle while a write waited on the kernel (at a million bulletins, 12% of the load's
//! processor time was idle).

use std::fs::File;
use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};

/// Appends waiting in memory are written once they reach this many bytes.
pub const FLUSH_BYTES: usize = 1 << 20;
/// At most this many bytes wait behind a write under way: an append past it waits for the
/// write to land, so that a slow disk (a write held back while the kernel writes out other
/// files) makes the others wait, not the store grow.
const WAITING_MAX: usize = 8 * FLUSH_BYTES;

/// Where one body is in a [`BodyStore`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct BodyRef {
    offset: u64,
    len: u32,
}

impl BodyRef {
    /// The text of `len` bytes at `offset` (for those who keep the two packed apart).
    pub(super) fn at(offset: u64, len: u32) -> BodyRef {
        BodyRef { offset, len }
    }

    /// Where the body starts in its store.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Its length in bytes.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> u32 {
        self.len
    }
}

#[derive(Debug)]
enum Backing {
    /// The file, what waits to be written to it (held while appending, so appends do not
    /// interleave), and how much of it is written (every byte before that offset is in the
    /// file; the rest waits in the tail).
    File {
        file: File,
        tail: Mutex<Tail>,
        written: AtomicU64,
        /// Told when a write outside the lock is done (see [`Tail::in_flight`]).
        landed: Condvar,
    },
    Memory(Mutex<Vec<u8>>),
}

/// The end of a file-backed store: the bytes from `written` to `end`, not yet in the file:
/// those being written, then those waiting.
#[derive(Debug)]
struct Tail {
    end: u64,
    /// The bytes from `written` on, being written outside the lock by one thread.
    in_flight: Option<Arc<Vec<u8>>>,
    /// The bytes after those in flight.
    waiting: Vec<u8>,
    /// The buffer of the last write, kept for the next one.
    spare: Vec<u8>,
}

impl Tail {
    fn in_flight_len(&self) -> u64 {
        self.in_flight.as_ref().map_or(0, |b| b.len() as u64)
    }
}

impl Backing {
    fn file(file: File, end: u64) -> Backing {
        Backing::File {
            file,
            tail: Mutex::new(Tail {
                end,
                in_flight: None,
                waiting: Vec::new(),
                spare: Vec::new(),
            }),
            written: AtomicU64::new(end),
            landed: Condvar::new(),
        }
    }
}

/// An append-only store of HTML bodies, shared by the threads that parse and render.
#[derive(Debug)]
pub struct BodyStore {
    backing: Backing,
}

impl Default for BodyStore {
    fn default() -> Self {
        BodyStore::new()
    }
}

impl BodyStore {
    /// A store backed by a scratch file in the temporary folder, or memory without one.
    pub fn new() -> BodyStore {
        match tempfile::tempfile() {
            Ok(f) => BodyStore {
                backing: Backing::file(f, 0),
            },
            Err(_) => BodyStore::in_memory(),
        }
    }

    /// A store in the file at `path`, which an incremental build reads again: emptied first
    /// when `fresh`, else its bodies are kept and new ones go after them.
    pub fn in_file(path: &std::path::Path, fresh: bool) -> io::Result<BodyStore> {
        // Not in append mode: pieces are written where their handles say (a positioned write
        // to a file opened to append goes to its end on Linux).
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .truncate(false)
            .create(true)
            .open(path)?;
        if fresh {
            file.set_len(0)?;
        }
        let end = file.metadata()?.len();
        Ok(BodyStore {
            backing: Backing::file(file, end),
        })
    }

    /// A store that keeps everything in memory.
    pub fn in_memory() -> BodyStore {
        BodyStore {
            backing: Backing::Memory(Mutex::new(Vec::new())),
        }
    }

    /// Keep `html`; its handle reads it back.
    pub fn put(&self, html: &str) -> io::Result<BodyRef> {
        self.put_bytes(html.as_bytes())
    }

    /// Keep `bytes`; its handle reads them back ([`BodyStore::get_bytes`]).
    pub fn put_bytes(&self, bytes: &[u8]) -> io::Result<BodyRef> {
        let len = u32::try_from(bytes.len())
            .map_err(|_| io::Error::other("a bulletin body over 4 GB"))?;
        match &self.backing {
            Backing::File {
                file,
                tail: lock,
                written,
                landed,
            } => {
                let mut tail = lock.lock().map_err(|_| poisoned())?;
                while tail.in_flight.is_some() && tail.waiting.len() >= WAITING_MAX {
                    tail = landed.wait(tail).map_err(|_| poisoned())?;
                }
                let offset = tail.end;
                tail.waiting.extend_from_slice(bytes);
                tail.end += u64::from(len);
                if tail.waiting.len() >= FLUSH_BYTES && tail.in_flight.is_none() {
                    if WRITE_OUTSIDE_THE_LOCK {
                        write_in_flight(file, lock, tail, written, landed)?;
                    } else {
                        write_tail(file, &mut tail, written)?;
                    }
                }
                Ok(BodyRef { offset, len })
            }
            Backing::Memory(m) => {
                let mut g = m.lock().map_err(|_| poisoned())?;
                let offset = g.len() as u64;
                g.extend_from_slice(bytes);
                Ok(BodyRef { offset, len })
            }
        }
    }

    /// Write what waits in memory to the store's file, so that the file holds every piece
    /// kept so far (for a store [`BodyStore::in_file`] that a later build reads again).
    pub fn flush(&self) -> io::Result<()> {
        match &self.backing {
            Backing::File {
                file,
                tail,
                written,
                landed,
            } => {
                let mut tail = tail.lock().map_err(|_| poisoned())?;
                while tail.in_flight.is_some() {
                    tail = landed.wait(tail).map_err(|_| poisoned())?;
                }
                write_tail(file, &mut tail, written)
            }
            Backing::Memory(_) => Ok(()),
        }
    }

    /// The HTML kept under `r`.
    pub fn get(&self, r: BodyRef) -> io::Result<String> {
        let buf = self.get_bytes(r)?;
        crate::vi::utf8_string(buf).map_err(|_| io::Error::other("body is not UTF-8"))
    }

    /// The bytes kept under `r`.
    pub fn get_bytes(&self, r: BodyRef) -> io::Result<Vec<u8>> {
        let mut buf = vec![0u8; r.len as usize];
        match &self.backing {
            Backing::File {
                file,
                tail,
                written,
                ..
            } => {
                let stop = r.offset + u64::from(r.len);
                if stop > written.load(Ordering::Acquire) {
                    // In flight, waiting, or written since: under the lock nothing moves.
                    let t = tail.lock().map_err(|_| poisoned())?;
                    let done = written.load(Ordering::Acquire);
                    if stop > done {
                        let mut start = r
                            .offset
                            .checked_sub(done)
                            .ok_or_else(|| io::Error::other("body handle across a write"))?
                            as usize;
                        let from: &[u8] = match &t.in_flight {
                            Some(f) if start < f.len() => f,
                            _ => {
                                start -= t.in_flight_len() as usize;
                                &t.waiting
                            }
                        };
                        let bytes = from
                            .get(start..start + buf.len())
                            .ok_or_else(|| io::Error::other("body handle out of range"))?;
                        buf.copy_from_slice(bytes);
                        return Ok(buf);
                    }
                }
                read_at(file, tail, &mut buf, r.offset)?;
            }
            Backing::Memory(m) => {
                let g = m.lock().map_err(|_| poisoned())?;
                let start = r.offset as usize;
                let bytes = g
                    .get(start..start + buf.len())
                    .ok_or_else(|| io::Error::other("body handle out of range"))?;
                buf.copy_from_slice(bytes);
            }
        }
        Ok(buf)
    }
}

/// Whether a full megabyte is written outside the tail's lock: where reads are positioned
/// (elsewhere a read seeks under the lock, and a write beside it would move the position).
const WRITE_OUTSIDE_THE_LOCK: bool = cfg!(unix);

/// Write what waits in `tail` to `file` outside the lock, the others appending behind it
/// meanwhile; then mark it written and tell [`BodyStore::flush`]. On failure it waits again
/// in front of what came since, as [`write_tail`] leaves it.
fn write_in_flight(
    file: &File,
    lock: &Mutex<Tail>,
    mut tail: std::sync::MutexGuard<'_, Tail>,
    written: &AtomicU64,
    landed: &Condvar,
) -> io::Result<()> {
    let spare = std::mem::take(&mut tail.spare);
    let bytes = Arc::new(std::mem::replace(&mut tail.waiting, spare));
    tail.in_flight = Some(Arc::clone(&bytes));
    // Only ever changed under the lock, and by one writer at a time (this one).
    let at = written.load(Ordering::Acquire);
    drop(tail);
    #[cfg(test)]
    tests::while_writing(lock);
    let result = write_all_at(file, &bytes, at);
    let mut tail = lock.lock().map_err(|_| poisoned())?;
    tail.in_flight = None;
    match result {
        Ok(()) => {
            written.store(at + bytes.len() as u64, Ordering::Release);
            if let Ok(mut buf) = Arc::try_unwrap(bytes) {
                buf.clear();
                tail.spare = buf;
            }
        }
        Err(_) => {
            let mut again = Vec::with_capacity(bytes.len() + tail.waiting.len());
            again.extend_from_slice(&bytes);
            again.extend_from_slice(&tail.waiting);
            tail.waiting = again;
        }
    }
    landed.notify_all();
    result
}

/// Write what waits in `tail` to `file`, at the end of what is written, and mark it written.
/// The write is positioned: on failure the pieces keep waiting (and read back from memory),
/// and a later try writes them again in the same place, whatever part of them went out.
fn write_tail(file: &File, tail: &mut Tail, written: &AtomicU64) -> io::Result<()> {
    if tail.waiting.is_empty() {
        return Ok(());
    }
    // Only ever changed under the tail's lock, which the caller holds.
    let at = written.load(Ordering::Acquire);
    write_all_at(file, &tail.waiting, at)?;
    written.store(tail.end, Ordering::Release);
    tail.waiting.clear();
    Ok(())
}

/// Write all of `bytes` into `file` at `offset`.
fn write_all_at(file: &File, bytes: &[u8], offset: u64) -> io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
    }
    #[cfg(not(unix))]
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut f = file;
        f.seek(SeekFrom::Start(offset))?;
        f.write_all(bytes)
    }
}

impl Drop for BodyStore {
    /// What waits is written: a store kept in the build cache has it all on disk.
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// Positioned read, which needs no lock.
#[cfg(unix)]
fn read_at(file: &File, _tail: &Mutex<Tail>, buf: &mut [u8], offset: u64) -> io::Result<()> {
    read_exact_at(file, buf, offset)
}

/// Fill `buf` from `file` at `offset` (a positioned read where the system has one; else a
/// seek, for a file no one appends to: the body store's own reads go through [`read_at`]).
pub(crate) fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
    }
    #[cfg(not(unix))]
    {
        use std::io::{Read, Seek, SeekFrom};
        let mut f = file;
        f.seek(SeekFrom::Start(offset))?;
        f.read_exact(buf)
    }
}

/// Elsewhere a read is a seek, which [`write_all_at`] also makes: under the tail's lock.
#[cfg(not(unix))]
fn read_at(file: &File, tail: &Mutex<Tail>, buf: &mut [u8], offset: u64) -> io::Result<()> {
    let _held = tail.lock().map_err(|_| poisoned())?;
    read_exact_at(file, buf, offset)
}

fn poisoned() -> io::Error {
    io::Error::other("a worker thread failed while holding the body store")
}

#[cfg(test)]
mod tests {
    use super::*;

    type Hook = Box<dyn FnMut() + Send>;
    /// Run by [`write_in_flight`] of the store whose tail is at the address, while it writes.
    static WHILE_WRITING: Mutex<Option<(usize, Hook)>> = Mutex::new(None);

    pub(super) fn while_writing(tail: &Mutex<Tail>) {
        let mut hook = WHILE_WRITING.lock().unwrap();
        if let Some((at, f)) = hook.as_mut() {
            if *at == tail as *const _ as usize {
                f();
            }
        }
    }

    #[test]
    fn others_append_and_read_while_a_megabyte_is_written() {
        let store = Arc::new(BodyStore::new());
        let Backing::File { tail, .. } = &store.backing else {
            panic!("a store in a file")
        };
        let first = store
            .put("<p>Thu ngân sách đạt 507,8 tỷ đồng.</p>")
            .unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let other = Arc::clone(&store);
        let hook: Hook = Box::new(move || {
            // Another thread, while the write is under way: it must not wait for it.
            let s = Arc::clone(&other);
            let done = std::thread::spawn(move || {
                let r = s.put("<p>Hộ nghèo</p>").unwrap();
                (s.get(first).unwrap(), s.get(r).unwrap())
            });
            let waited = std::time::Instant::now();
            while !done.is_finished() && waited.elapsed().as_secs() < 10 {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            tx.send(done.is_finished().then(|| done.join().unwrap()))
                .unwrap();
        });
        *WHILE_WRITING.lock().unwrap() = Some((tail as *const _ as usize, hook));
        let big = "đ".repeat(FLUSH_BYTES / 2);
        let r = store.put(&big).unwrap();
        *WHILE_WRITING.lock().unwrap() = None;
        let seen = rx.try_recv().expect("a megabyte written outside the lock");
        assert_eq!(
            seen,
            Some((
                "<p>Thu ngân sách đạt 507,8 tỷ đồng.</p>".to_string(),
                "<p>Hộ nghèo</p>".to_string()
            )),
            "the other thread appended and read (the piece in flight too) without waiting"
        );
        assert_eq!(store.get(r).unwrap(), big);
        store.flush().unwrap();
        assert_eq!(store.get(first).unwrap().len(), first.len() as usize);
    }

    #[test]
    fn appends_wait_for_the_write_once_enough_waits_behind_it() {
        let store = Arc::new(BodyStore::new());
        let Backing::File { tail, .. } = &store.backing else {
            panic!("a store in a file")
        };
        let piece = "ư".repeat(FLUSH_BYTES / 2);
        let pieces = WAITING_MAX / FLUSH_BYTES + 2;
        let (tx, rx) = std::sync::mpsc::channel();
        let other = Arc::clone(&store);
        let appended = piece.clone();
        let hook: Hook = Box::new(move || {
            // Another thread appends more than may wait while the write is under way.
            let s = Arc::clone(&other);
            let p = appended.clone();
            let done = std::thread::spawn(move || {
                (0..pieces).map(|_| s.put(&p).unwrap()).collect::<Vec<_>>()
            });
            let Backing::File { tail, .. } = &other.backing else {
                unreachable!()
            };
            let waited = std::time::Instant::now();
            let waiting = || tail.lock().unwrap().waiting.len();
            while waiting() < WAITING_MAX && waited.elapsed().as_secs() < 10 {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
            // It stopped at the limit, and goes on once the write has landed.
            tx.send((waiting(), done.is_finished(), done)).unwrap();
        });
        *WHILE_WRITING.lock().unwrap() = Some((tail as *const _ as usize, hook));
        let first = store.put(&piece).unwrap();
        let second = store.put(&piece).unwrap();
        *WHILE_WRITING.lock().unwrap() = None;
        let (waiting, finished, done) = rx.try_recv().expect("a write outside the lock");
        assert_eq!(waiting, WAITING_MAX);
        assert!(!finished, "the appends past the limit waited for the write");
        let refs = done.join().unwrap();
        assert_eq!(refs.len(), pieces);
        for r in [first, second].into_iter().chain(refs) {
            assert_eq!(store.get(r).unwrap(), piece);
        }
        store.flush().unwrap();
    }

    #[test]
    fn a_failed_write_keeps_its_pieces_waiting_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bodies");
        std::fs::write(&path, "").unwrap();
        // Opened to read only: every write fails.
        let file = File::open(&path).unwrap();
        let store = BodyStore {
            backing: Backing::file(file, 0),
        };
        let a = store.put("<p>một</p>").unwrap();
        let b = store.put("<p>hai</p>").unwrap();
        let big = "x".repeat(FLUSH_BYTES);
        assert!(store.put(&big).is_err(), "the write fails");
        // Read back from memory, where they wait again at their places.
        assert_eq!(store.get(a).unwrap(), "<p>một</p>");
        assert_eq!(store.get(b).unwrap(), "<p>hai</p>");
        assert!(store.flush().is_err());
        assert_eq!(store.get(b).unwrap(), "<p>hai</p>");
    }

    #[test]
    fn bodies_come_back_as_they_went_in() {
        for store in [BodyStore::new(), BodyStore::in_memory()] {
            let texts = [
                "<p>Thu ngân sách đạt 507,8 tỷ đồng.</p>",
                "",
                "<p>Hộ nghèo</p>",
            ];
            let refs: Vec<BodyRef> = texts.iter().map(|t| store.put(t).unwrap()).collect();
            for (t, r) in texts.iter().zip(&refs).rev() {
                assert_eq!(store.get(*r).unwrap(), *t);
            }
        }
    }

    #[test]
    fn pieces_wait_in_memory_until_a_megabyte_or_a_flush() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bodies");
        let store = BodyStore::in_file(&path, true).unwrap();
        let small = store
            .put("<p>Thu ngân sách đạt 507,8 tỷ đồng.</p>")
            .unwrap();
        // Not written yet, read back all the same.
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
        assert_eq!(
            store.get(small).unwrap(),
            "<p>Thu ngân sách đạt 507,8 tỷ đồng.</p>"
        );
        // Past the threshold, everything so far goes to the file in one piece.
        let big = "đ".repeat(FLUSH_BYTES / 2);
        let r = store.put(&big).unwrap();
        let file_len = std::fs::metadata(&path).unwrap().len();
        assert_eq!(file_len, r.offset() + u64::from(r.len()));
        let after = store.put("<p>Hộ nghèo</p>").unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), file_len);
        assert_eq!(store.get(r).unwrap(), big);
        store.flush().unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().len(),
            after.offset() + u64::from(after.len())
        );
        assert_eq!(store.get(after).unwrap(), "<p>Hộ nghèo</p>");
        let last = store.put("<p>cuối</p>").unwrap();
        drop(store);
        // Dropped, the store has written what waited; a later build appends after it.
        let again = BodyStore::in_file(&path, false).unwrap();
        assert_eq!(again.get(last).unwrap(), "<p>cuối</p>");
        assert_eq!(again.get(small).unwrap().len(), small.len() as usize);
        let next = again.put("x").unwrap();
        assert_eq!(next.offset(), last.offset() + u64::from(last.len()));
    }

    #[test]
    fn parallel_writers_keep_their_own_bodies() {
        use rayon::prelude::*;
        let store = BodyStore::new();
        // Several megabytes: readers meet pieces waiting, being written and written.
        let refs: Vec<(String, BodyRef)> = (0..20_000)
            .into_par_iter()
            .map(|i| {
                let t = format!("<p>bản tin {i}</p>").repeat(i % 37 + 1);
                let r = store.put(&t).unwrap();
                assert_eq!(store.get(r).unwrap(), t);
                (t, r)
            })
            .collect();
        for (t, r) in refs {
            assert_eq!(store.get(r).unwrap(), t);
        }
    }
}
