//! Where the bodies of bulletins wait between parsing and rendering.
//!
//! A body's HTML is made when its file is read but needed only when its page is rendered, at
//! the very end. Kept in memory, the bodies of 100,000 bulletins would be a third of a
//! gigabyte of a build's peak memory; so they are appended to an unnamed scratch file (it
//! lives in the page cache and is gone when the build ends) and read back by offset. Where no
//! scratch file can be made, they stay in memory.

use std::fs::File;
use std::io::{self, Write};
use std::sync::Mutex;

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
    /// The file, and its length (held while appending, so appends do not interleave).
    File {
        file: File,
        end: Mutex<u64>,
    },
    Memory(Mutex<Vec<u8>>),
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
                backing: Backing::File {
                    file: f,
                    end: Mutex::new(0),
                },
            },
            Err(_) => BodyStore::in_memory(),
        }
    }

    /// A store in the file at `path`, which an incremental build reads again: emptied first
    /// when `fresh`, else its bodies are kept and new ones go after them.
    pub fn in_file(path: &std::path::Path, fresh: bool) -> io::Result<BodyStore> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)?;
        if fresh {
            file.set_len(0)?;
        }
        let end = file.metadata()?.len();
        Ok(BodyStore {
            backing: Backing::File {
                file,
                end: Mutex::new(end),
            },
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
            Backing::File { file, end } => {
                let mut end = end.lock().map_err(|_| poisoned())?;
                let offset = *end;
                (&*file).write_all(bytes)?;
                *end += u64::from(len);
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

    /// The HTML kept under `r`.
    pub fn get(&self, r: BodyRef) -> io::Result<String> {
        let buf = self.get_bytes(r)?;
        crate::vi::utf8_string(buf).map_err(|_| io::Error::other("body is not UTF-8"))
    }

    /// The bytes kept under `r`.
    pub fn get_bytes(&self, r: BodyRef) -> io::Result<Vec<u8>> {
        let mut buf = vec![0u8; r.len as usize];
        match &self.backing {
            Backing::File { file, end } => read_at(file, end, &mut buf, r.offset)?,
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

/// Positioned read, which leaves the file's position (where appends go) alone and needs no
/// lock.
#[cfg(unix)]
fn read_at(file: &File, _end: &Mutex<u64>, buf: &mut [u8], offset: u64) -> io::Result<()> {
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

/// Elsewhere: seek, read and seek back to the end, under the append lock.
#[cfg(not(unix))]
fn read_at(file: &File, end: &Mutex<u64>, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let end = end.lock().map_err(|_| poisoned())?;
    let mut f = file;
    f.seek(SeekFrom::Start(offset))?;
    let r = f.read_exact(buf);
    f.seek(SeekFrom::Start(*end))?;
    r
}

fn poisoned() -> io::Error {
    io::Error::other("a worker thread failed while holding the body store")
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn parallel_writers_keep_their_own_bodies() {
        use rayon::prelude::*;
        let store = BodyStore::new();
        let refs: Vec<(String, BodyRef)> = (0..2000)
            .into_par_iter()
            .map(|i| {
                let t = format!("<p>bản tin {i}</p>").repeat(i % 7 + 1);
                let r = store.put(&t).unwrap();
                (t, r)
            })
            .collect();
        for (t, r) in refs {
            assert_eq!(store.get(r).unwrap(), t);
        }
    }
}
