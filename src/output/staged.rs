//! Large files that an incremental build writes before it changes the output, hashed as
//! they are written so that they are never whole in memory (the data files: half a gigabyte
//! at 100,000 bulletins). They are written into a staging folder of the build cache, which
//! no check of the output looks at; once nothing is left that can fail, the build puts each
//! in place at once ([`super::replace`]; through a temporary name beside it when the
//! staging folder is on another file system), or drops it when its bytes are those already
//! there.
//!
//! The file a staged one replaces is not removed but kept as a spare (in the cache's folder
//! of spares, [`Stage::spares`]), and the next build writes its staged file over that spare
//! rather than into a new file: its blocks on disk and its pages in memory are there
//! already. A new file of half a gigabyte takes as many fresh pages of memory for the page
//! cache and as many blocks on disk (and the replaced file's are freed), which was a fifth of
//! the CPU time of an addition at 100,000 bulletins; written over, the same pages are
//! filled again. The cost is a second copy of the data files on disk, in the cache. A staged
//! file dropped (the build failed, or it was unchanged) goes back to the spares.
//!
//! Nothing is synced to disk (as nowhere in a build): a build killed midway leaves the output
//! whole, but after a power cut a file written over may hold old and new blocks where a new
//! one would have been empty. `bantin build --full` makes every file again.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::build::manifest::HashingWriter;

/// The temporary name beside `target` that a file is written under before a rename puts it
/// in place (`du-lieu/.chi-tieu.csv.bantin-tmp`): hidden, and the same for every writer, so
/// that what an interrupted build left is written over by the next.
pub fn temp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.bantin-tmp"))
}

/// The folders of the build cache a rebuild stages its large files in (`dir`, empty between
/// builds) and keeps the files they replaced in (`spares`), at their site paths in each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub dir: PathBuf,
    pub spares: PathBuf,
}

/// A file of the site written whole into a staging folder, with the XXH128 hash of its
/// bytes (the manifest's hash).
#[derive(Debug)]
pub struct StagedFile {
    site_path: String,
    /// The staged file; `None` once put in place.
    temp: Option<PathBuf>,
    /// Where the file it replaces is kept, or it goes back when dropped.
    spare: PathBuf,
    hash: u128,
}

impl StagedFile {
    /// Write the file of the site at `site_path` into the staging folder of `stage` (at the
    /// same path there), over the spare kept for that path when there is one, with what
    /// `fill` writes, hashing it on the way; returns the staged file and what `fill`
    /// returned. When `fill` fails, the file goes back to the spares.
    pub fn write<R>(
        stage: &Stage,
        site_path: &str,
        fill: impl FnOnce(&mut dyn Write) -> io::Result<R>,
    ) -> io::Result<(StagedFile, R)> {
        let temp = stage.dir.join(site_path);
        if let Some(parent) = temp.parent() {
            fs::create_dir_all(parent)?;
        }
        let spare = stage.spares.join(site_path);
        let reused = open_spare(&spare).filter(|_| fs::rename(&spare, &temp).is_ok());
        let (file, reused) = match reused {
            Some(file) => (file, true),
            None => (fs::File::create(&temp)?, false),
        };
        // Put back among the spares on any failure from here on.
        let mut staged = StagedFile {
            site_path: site_path.to_string(),
            temp: Some(temp),
            spare,
            hash: 0,
        };
        // Unbuffered: its writers hand it large pieces.
        let mut out = HashingWriter::new(file);
        let got = fill(&mut out)?;
        out.flush()?;
        let (mut file, hash) = out.into_parts();
        if reused {
            // The spare was longer, maybe: what is left of it after the new bytes goes.
            let len = io::Seek::stream_position(&mut file)?;
            file.set_len(len)?;
        }
        staged.hash = hash;
        Ok((staged, got))
    }

    /// Where the file goes, relative to the site root.
    pub fn site_path(&self) -> &str {
        &self.site_path
    }

    /// The XXH128 hash of its bytes.
    pub fn hash(&self) -> u128 {
        self.hash
    }

    /// Its bytes, for a consumer that keeps the site in memory.
    pub fn read(&self) -> io::Result<Vec<u8>> {
        match &self.temp {
            Some(t) => fs::read(t),
            None => Err(io::Error::other("the staged file was put in place already")),
        }
    }

    /// Put it in its place in the output folder `output` (swapped with the file there,
    /// which becomes the spare; [`super::replace`] when there is none), or, when that fails
    /// (the staging folder is on another file system), copy it to the temporary name beside
    /// its place and put it in place from there (the staged file itself is then the spare).
    pub fn put_in_place(mut self, output: &Path) -> io::Result<()> {
        let Some(temp) = self.temp.take() else {
            return Ok(());
        };
        let target = output.join(&self.site_path);
        // Swapped only with a file: a folder in the way stays where it is.
        let is_file = fs::symlink_metadata(&target).is_ok_and(|m| m.file_type().is_file());
        if is_file && super::exchange(&temp, &target).is_ok() {
            // `temp` now holds the file replaced.
            self.keep_spare(&temp);
            return Ok(());
        }
        if super::replace(&temp, &target).is_ok() {
            return Ok(());
        }
        let beside = temp_path(&target);
        let copied = fs::copy(&temp, &beside).and_then(|_| super::replace(&beside, &target));
        self.keep_spare(&temp);
        if copied.is_err() {
            let _ = fs::remove_file(&beside);
        }
        copied
    }

    /// The spare of this file's site path, opened, when there is one: a spare not written
    /// over (see `open_spare`) is replaced when the file is put in place, and the caller
    /// can let it go later (freeing half a gigabyte is slow on a disk that discards what it
    /// frees).
    pub fn spare_handle(&self) -> Option<fs::File> {
        fs::File::open(&self.spare).ok()
    }

    /// Keep the file at `path` as the spare of this file's site path, or remove it (on a
    /// system where spares are never written over).
    fn keep_spare(&self, path: &Path) {
        let kept = cfg!(target_os = "linux")
            && self
                .spare
                .parent()
                .is_some_and(|dir| fs::create_dir_all(dir).is_ok())
            && fs::rename(path, &self.spare).is_ok();
        if !kept {
            let _ = fs::remove_file(path);
        }
    }
}

/// The spare at `path`, opened to be written over, when it is a plain file (not a link, a
/// pipe or a device) that nothing else holds: one name only, and open nowhere else. Else
/// `None`, and the staged file is a new one. A web server still sending the data file
/// published two builds ago, or a snapshot of the output made with hard links, keeps that
/// file as it was.
fn open_spare(path: &Path) -> Option<fs::File> {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    let plain = |m: &fs::Metadata| m.file_type().is_file() && m.nlink() == 1;
    if !fs::symlink_metadata(path).is_ok_and(|m| plain(&m)) {
        return None;
    }
    // Checked again on the file opened: it may have been replaced in between. Never
    // blocking (a pipe put there meanwhile), never a terminal.
    let file = fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .ok()?;
    (file.metadata().is_ok_and(|m| plain(&m)) && open_nowhere_else(&file)).then_some(file)
}

/// Whether no other open file handle, of any process, is on `file`'s file: the kernel grants
/// a write lease only then (fcntl(2), F_SETLEASE); it is given back at once. Something may
/// still open the file after this check: only a process that finds it in the cache's folder
/// of spares could, and a spare is no file of the site.
#[cfg(target_os = "linux")]
fn open_nowhere_else(file: &fs::File) -> bool {
    use std::os::fd::AsRawFd;
    // SAFETY: fcntl on a file descriptor this function borrows open, with integer arguments
    // only. A lease not given back is given back when the file is closed: not written over.
    take_write_lease(file)
        && unsafe { libc::fcntl(file.as_raw_fd(), libc::F_SETLEASE, libc::F_UNLCK) == 0 }
}

/// Take a write lease on `file`, if the kernel grants one. A process that opens the file
/// while it is held breaks the lease, which the kernel tells the holder with a signal:
/// SIGURG, whose default is to be ignored, rather than SIGIO, which would end bantin.
#[cfg(target_os = "linux")]
fn take_write_lease(file: &fs::File) -> bool {
    use std::os::fd::AsRawFd;
    // fcntl.h's F_SETSIG (10 on every Linux), which the libc crate leaves out; the tests
    // read it back with F_GETSIG (11).
    const F_SETSIG: libc::c_int = 10;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a file descriptor this function borrows open, with integer arguments
    // only; neither the signal nor the lease touches memory of ours.
    unsafe {
        libc::fcntl(fd, F_SETSIG, libc::SIGURG) == 0
            && libc::fcntl(fd, libc::F_SETLEASE, libc::F_WRLCK) == 0
    }
}

/// Elsewhere, no lease: a spare is never written over (and none is kept).
#[cfg(not(target_os = "linux"))]
fn open_nowhere_else(_: &fs::File) -> bool {
    false
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        if let Some(t) = self.temp.take() {
            self.keep_spare(&t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().strip_prefix(dir).unwrap().display().to_string())
            .collect();
        names.sort();
        names
    }

    /// A staging folder and a folder of spares in `dir`.
    fn stage_in(dir: &Path) -> Stage {
        Stage {
            dir: dir.join("staged"),
            spares: dir.join("spares"),
        }
    }

    #[test]
    fn a_staged_file_hashes_as_the_manifest_and_goes_in_place_by_a_rename() {
        let out = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        let stage = stage_in(cache.path());
        fs::create_dir_all(out.path().join("du-lieu")).unwrap();
        fs::write(out.path().join("du-lieu/a.csv"), "old").unwrap();
        let (staged, n) = StagedFile::write(&stage, "du-lieu/a.csv", |w| {
            w.write_all(b"new ")?;
            w.write_all(b"bytes")?;
            Ok(9)
        })
        .unwrap();
        assert_eq!(n, 9);
        assert_eq!(staged.site_path(), "du-lieu/a.csv");
        assert_eq!(staged.hash(), crate::build::manifest::hash(b"new bytes"));
        assert_eq!(staged.read().unwrap(), b"new bytes");
        // Until it is put in place, the output is as it was.
        assert_eq!(listing(out.path()), ["du-lieu/a.csv"]);
        assert_eq!(fs::read(out.path().join("du-lieu/a.csv")).unwrap(), b"old");
        assert_eq!(listing(&stage.dir), ["du-lieu/a.csv"]);
        staged.put_in_place(out.path()).unwrap();
        assert_eq!(
            fs::read(out.path().join("du-lieu/a.csv")).unwrap(),
            b"new bytes"
        );
        assert_eq!(listing(out.path()), ["du-lieu/a.csv"]);
        assert!(listing(&stage.dir).is_empty());
        // The file replaced is kept as the spare of its path.
        assert_eq!(
            fs::read(stage.spares.join("du-lieu/a.csv")).unwrap(),
            b"old"
        );
    }

    #[test]
    fn the_next_staged_file_is_written_over_the_spare_and_swapped_in() {
        use std::os::unix::fs::MetadataExt;
        let out = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        let stage = stage_in(cache.path());
        let inode = |p: &Path| fs::metadata(p).unwrap().ino();
        let target = out.path().join("du-lieu/a.csv");
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(&target, "the first file, a long one").unwrap();
        let first = inode(&target);
        for (round, text) in ["second", "the third, longer than the second", "4th"]
            .iter()
            .enumerate()
        {
            let spare = stage.spares.join("du-lieu/a.csv");
            let spare_inode = (round > 0).then(|| inode(&spare));
            let published = inode(&target);
            let (staged, ()) =
                StagedFile::write(&stage, "du-lieu/a.csv", |w| w.write_all(text.as_bytes()))
                    .unwrap();
            assert_eq!(staged.hash(), crate::build::manifest::hash(text.as_bytes()));
            // Written over the spare (its inode), cut to the new length.
            if let Some(spare_inode) = spare_inode {
                assert_eq!(inode(&stage.dir.join("du-lieu/a.csv")), spare_inode);
                assert!(!spare.exists());
            }
            staged.put_in_place(out.path()).unwrap();
            assert_eq!(fs::read_to_string(&target).unwrap(), *text);
            // The two files change places: the one published is the spare now.
            assert_eq!(inode(&spare), published);
            if let Some(spare_inode) = spare_inode {
                assert_eq!(inode(&target), spare_inode);
            }
            assert!(listing(&stage.dir).is_empty());
        }
        // Two files in turn, the first among them.
        assert!(inode(&target) == first || inode(&stage.spares.join("du-lieu/a.csv")) == first);
    }

    #[test]
    fn a_spare_open_elsewhere_or_linked_elsewhere_is_not_written_over() {
        use std::os::unix::fs::MetadataExt;
        let out = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        let stage = stage_in(cache.path());
        let target = out.path().join("a.csv");
        let spare = stage.spares.join("a.csv");
        fs::write(&target, "published").unwrap();
        let (staged, ()) = StagedFile::write(&stage, "a.csv", |w| w.write_all(b"one")).unwrap();
        staged.put_in_place(out.path()).unwrap();
        // The file published before is the spare now; a download still reads it.
        let mut reader = fs::File::open(&spare).unwrap();
        let (staged, ()) = StagedFile::write(&stage, "a.csv", |w| w.write_all(b"two")).unwrap();
        staged.put_in_place(out.path()).unwrap();
        let mut read = String::new();
        io::Read::read_to_string(&mut reader, &mut read).unwrap();
        assert_eq!(read, "published", "the open file is as it was");
        assert_eq!(fs::read_to_string(&target).unwrap(), "two");
        drop(reader);
        // Linked from a snapshot of the output: not written over either.
        let snapshot = cache.path().join("snapshot.csv");
        fs::hard_link(&spare, &snapshot).unwrap();
        let before = fs::read_to_string(&snapshot).unwrap();
        let (staged, ()) = StagedFile::write(&stage, "a.csv", |w| w.write_all(b"three")).unwrap();
        staged.put_in_place(out.path()).unwrap();
        assert_eq!(fs::read_to_string(&snapshot).unwrap(), before);
        assert_eq!(fs::read_to_string(&target).unwrap(), "three");
        assert_ne!(
            fs::metadata(&target).unwrap().ino(),
            fs::metadata(&snapshot).unwrap().ino()
        );
    }

    #[test]
    fn a_lease_broken_while_checked_is_told_with_sigurg_which_ends_no_process() {
        use std::os::fd::AsRawFd;
        const F_GETSIG: libc::c_int = 11;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a");
        fs::write(&path, "x").unwrap();
        let file = fs::OpenOptions::new().write(true).open(&path).unwrap();
        let fd = file.as_raw_fd();
        assert!(take_write_lease(&file));
        // SAFETY: reads a setting of a file descriptor the test holds open.
        assert_eq!(unsafe { libc::fcntl(fd, F_GETSIG) }, libc::SIGURG);
        // SAFETY: gives back the lease the test took.
        assert_eq!(
            unsafe { libc::fcntl(fd, libc::F_SETLEASE, libc::F_UNLCK) },
            0
        );
        // Given back by the check: another handle opens the file at once, and the check
        // then says it is open elsewhere.
        assert!(open_nowhere_else(&file));
        let _other = fs::File::open(&path).unwrap();
        assert!(!open_nowhere_else(&file));
    }

    #[test]
    fn a_spare_that_is_not_a_plain_file_is_left_alone() {
        let out = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        let stage = stage_in(cache.path());
        let elsewhere = cache.path().join("elsewhere");
        fs::write(&elsewhere, "not ours to write").unwrap();
        fs::create_dir_all(&stage.spares).unwrap();
        std::os::unix::fs::symlink(&elsewhere, stage.spares.join("a.json")).unwrap();
        let (staged, ()) = StagedFile::write(&stage, "a.json", |w| w.write_all(b"[]")).unwrap();
        staged.put_in_place(out.path()).unwrap();
        assert_eq!(fs::read(out.path().join("a.json")).unwrap(), b"[]");
        assert_eq!(fs::read_to_string(&elsewhere).unwrap(), "not ours to write");
        // A pipe there is not opened (opening it to write would wait for a reader).
        let fifo = stage.spares.join("b.json");
        let name = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: makes a pipe at a path of the test's own folder.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        let (staged, ()) = StagedFile::write(&stage, "b.json", |w| w.write_all(b"{}")).unwrap();
        staged.put_in_place(out.path()).unwrap();
        assert_eq!(fs::read(out.path().join("b.json")).unwrap(), b"{}");
    }

    #[test]
    fn a_staged_file_on_another_file_system_is_copied_beside_its_place_and_renamed() {
        use std::os::unix::fs::MetadataExt;
        let out = tempfile::tempdir().unwrap();
        // /dev/shm is a tmpfs on Linux: another file system than the temporary folder's.
        let staging = tempfile::tempdir_in("/dev/shm").expect("a /dev/shm to stage in");
        let stage = stage_in(staging.path());
        let device = |p: &Path| fs::metadata(p).unwrap().dev();
        assert_ne!(
            device(out.path()),
            device(staging.path()),
            "two file systems"
        );
        fs::write(out.path().join("a.json"), "old").unwrap();
        let (staged, ()) = StagedFile::write(&stage, "a.json", |w| w.write_all(b"[]")).unwrap();
        staged.put_in_place(out.path()).unwrap();
        assert_eq!(fs::read(out.path().join("a.json")).unwrap(), b"[]");
        assert_eq!(listing(out.path()), ["a.json"]);
        assert!(listing(&stage.dir).is_empty());

        // When the copy cannot be put in place either (here a folder is in the way), the
        // staged file goes to the spares, the copy is removed, the folder stays.
        let (staged, ()) = StagedFile::write(&stage, "b.json", |w| w.write_all(b"[]")).unwrap();
        fs::create_dir_all(out.path().join("b.json/x")).unwrap();
        assert!(staged.put_in_place(out.path()).is_err());
        assert!(listing(&stage.dir).is_empty());
        assert!(out.path().join("b.json/x").is_dir());
        assert_eq!(listing(out.path()), ["a.json"]);
    }

    #[test]
    fn replace_puts_the_new_file_in_place_and_leaves_no_temporary_one() {
        let dir = tempfile::tempdir().unwrap();
        let (target, temp) = (dir.path().join("a"), dir.path().join(".a.bantin-tmp"));
        // With a file there (swapped, the old one removed) and without (renamed).
        for (round, old) in [(0, Some("old")), (1, None)] {
            let _ = fs::remove_file(&target);
            if let Some(old) = old {
                fs::write(&target, old).unwrap();
            }
            fs::write(&temp, format!("new {round}")).unwrap();
            crate::output::replace(&temp, &target).unwrap();
            assert_eq!(fs::read_to_string(&target).unwrap(), format!("new {round}"));
            assert_eq!(listing(dir.path()), ["a"]);
        }
        // A folder in the way stays, and the new file stays where it was.
        fs::remove_file(&target).unwrap();
        fs::create_dir_all(target.join("x")).unwrap();
        fs::write(&temp, "new").unwrap();
        assert!(crate::output::replace(&temp, &target).is_err());
        assert!(target.join("x").is_dir());
        assert_eq!(fs::read_to_string(&temp).unwrap(), "new");
    }

    #[test]
    fn a_staged_file_dropped_or_failed_leaves_nothing_staged_but_a_spare() {
        let cache = tempfile::tempdir().unwrap();
        let stage = stage_in(cache.path());
        let (staged, ()) =
            StagedFile::write(&stage, "du-lieu/a.csv", |w| w.write_all(b"x")).unwrap();
        drop(staged);
        assert!(listing(&stage.dir).is_empty());
        let failed = StagedFile::write(&stage, "du-lieu/b.csv", |w| {
            w.write_all(b"half")?;
            Err::<(), _>(io::Error::other("no"))
        });
        assert!(failed.is_err());
        assert!(listing(&stage.dir).is_empty());
        assert_eq!(listing(&stage.spares), ["du-lieu/a.csv", "du-lieu/b.csv"]);
    }
}
