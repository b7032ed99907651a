//! The manifest of an output: every file with its XXH128 hash (XXH3, 128 bits: a content
//! hash for telling files apart, about thirty times cheaper than a cryptographic one, so
//! that hashing every file costs a build almost nothing), one line each in the format of
//! `xxhsum -H2` (`<hash>  <path>`), written to `<output>/.bantin-manifest`. Two manifests
//! compared tell a deploy which files to upload and which to delete (docs/DEPLOY.md), and
//! `xxhsum -c .bantin-manifest` in the output folder verifies a copy.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::Mutex;

use crate::memory::Chunked;
use crate::output::Sink;

/// The manifest's file name in the output folder (not listed in itself).
pub const FILE: &str = ".bantin-manifest";

/// A file's XXH128 hash.
pub type Hash = u128;

/// Every file of an output by site path.
pub type Manifest = BTreeMap<String, Hash>;

pub fn hash(bytes: &[u8]) -> Hash {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// A sink that hashes every file on its way into another.
pub struct Hashing<'a> {
    inner: &'a dyn Sink,
    /// Every file so far: 1.6 million at a million bulletins, recorded while the pages and
    /// the search index are at their largest, so kept in chunks (see [`Chunked`]).
    files: Mutex<Chunked<(Box<str>, Hash)>>,
}

impl<'a> Hashing<'a> {
    pub fn new(inner: &'a dyn Sink) -> Self {
        Hashing {
            inner,
            files: Mutex::new(Chunked::default()),
        }
    }

    fn record(&self, site_path: &str, h: Hash) -> io::Result<()> {
        self.files
            .lock()
            .map_err(|_| io::Error::other("a worker thread failed while hashing"))?
            .push((site_path.into(), h));
        Ok(())
    }

    /// The files that went through, with their hashes.
    pub fn into_manifest(self) -> Manifest {
        self.files
            .into_inner()
            .unwrap_or_default()
            .into_iter()
            .map(|(path, h)| (path.into_string(), h))
            .collect()
    }
}

impl Sink for Hashing<'_> {
    fn put(&self, site_path: &str, bytes: &[u8]) -> io::Result<()> {
        self.inner.put(site_path, bytes)?;
        self.record(site_path, hash(bytes))
    }

    fn put_with(
        &self,
        site_path: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut hash = 0;
        self.inner.put_with(site_path, &mut |w| {
            let mut tee = HashingWriter::new(w);
            fill(&mut tee)?;
            hash = tee.into_parts().1;
            Ok(())
        })?;
        self.record(site_path, hash)
    }

    fn prepare(&self, site_paths: &mut dyn Iterator<Item = &str>) -> io::Result<()> {
        self.inner.prepare(site_paths)
    }
}

/// A writer that hashes what it passes on to `inner` (the manifest's hash of a file written
/// piece by piece: the output's streamed files, the data files a rebuild stages, the build
/// cache's files).
pub struct HashingWriter<W> {
    inner: W,
    hasher: xxhash_rust::xxh3::Xxh3,
}

impl<W: Write> HashingWriter<W> {
    pub fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: xxhash_rust::xxh3::Xxh3::new(),
        }
    }

    /// The writer and the hash of everything written through it.
    pub fn into_parts(self) -> (W, Hash) {
        (self.inner, self.hasher.digest128())
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The manifest's text: `<hex hash>  <path>` per file, by path.
pub fn text(m: &Manifest) -> Vec<u8> {
    let mut out = Vec::with_capacity(m.len() * 100);
    for (path, h) in m {
        line(&mut out, path, *h);
    }
    out
}

/// [`text`], written to `out` a piece at a time (at a million files it is over 100 MB).
pub fn write_text(m: &Manifest, out: &mut dyn Write) -> io::Result<()> {
    let mut piece = Vec::with_capacity(64 * 1024);
    for (path, h) in m {
        line(&mut piece, path, *h);
        if piece.len() >= 60 * 1024 {
            out.write_all(&piece)?;
            piece.clear();
        }
    }
    out.write_all(&piece)
}

fn line(out: &mut Vec<u8>, path: &str, h: Hash) {
    // Big-endian hex, as xxhsum writes it.
    out.extend_from_slice(format!("{h:032x}").as_bytes());
    out.extend_from_slice(b"  ");
    out.extend_from_slice(path.as_bytes());
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_written_in_pieces_is_the_text_whole() {
        let m: Manifest = (0..5000)
            .map(|i| {
                (
                    format!("trang/{i}/index.html"),
                    hash(i.to_string().as_bytes()),
                )
            })
            .collect();
        let mut tee = HashingWriter::new(Vec::new());
        write_text(&m, &mut tee).unwrap();
        let (written, h) = tee.into_parts();
        assert!(written.len() > 64 * 1024, "several pieces");
        assert_eq!(written, text(&m));
        assert_eq!(h, hash(&text(&m)));
    }
    use crate::output::MemorySink;

    #[test]
    fn hashes_whole_and_streamed_files_alike() {
        let memory = MemorySink::default();
        let h = Hashing::new(&memory);
        h.put("a.html", b"<p>a</p>").unwrap();
        h.put_with("b.csv", &mut |w| {
            w.write_all(b"x,")?;
            w.write_all(b"y\n")
        })
        .unwrap();
        let m = h.into_manifest();
        assert_eq!(m["a.html"], hash(b"<p>a</p>"));
        assert_eq!(m["b.csv"], hash(b"x,y\n"));
        let files = memory.into_files();
        assert_eq!(files.len(), 2);
        let t = String::from_utf8(text(&m)).unwrap();
        let first = t.lines().next().unwrap();
        assert!(first.ends_with("  a.html"), "{first}");
        assert_eq!(first.len(), 32 + 2 + "a.html".len());
    }
}
