//! `stat` of many paths that share folders, each looked up by its name in its folder.
//!
//! An incremental build stats every bulletin file (100,000 at 100,000 bulletins) and every
//! folder of the output (160,000) to tell what changed. Through `fs::metadata` each call
//! walks the whole path again from `/`, component by component, which was most of its
//! kernel time; [`Lookups`] opens a run of paths' common folder once (`O_PATH`) and asks
//! `fstatat` for the last name only. Paths that come in order of their folders (as a walk
//! lists them, or sorted) open each folder once.

use std::ffi::OsStr;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

use rustix::fs::{AtFlags, FileType, Mode, OFlags};

/// What a stamp needs of a file or folder, as `stat` gives it (symbolic links followed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    pub is_dir: bool,
    pub len: u64,
    /// Modification time: seconds and nanoseconds since the epoch.
    pub modified: (i64, u32),
    /// Change time (of the inode), the same way.
    pub changed: (i64, u32),
    pub inode: u64,
}

impl Stat {
    /// A folder's modification and change times and inode, hashed: what tells that entries
    /// were added to it or removed since (see `build::folders`).
    pub fn folder_stamp(&self) -> u64 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(&self.modified_nanos().unwrap_or(0).to_le_bytes());
        h.update(&self.changed.0.to_le_bytes());
        h.update(&(self.changed.1 as i64).to_le_bytes());
        h.update(&self.inode.to_le_bytes());
        h.digest()
    }

    /// The modification time in nanoseconds since the epoch, `None` before it (as
    /// `SystemTime::duration_since(UNIX_EPOCH)` would fail).
    pub fn modified_nanos(&self) -> Option<u128> {
        let (s, n) = self.modified;
        (s >= 0).then(|| s as u128 * 1_000_000_000 + n as u128)
    }
}

/// Stats paths, keeping the folder of the last one open for the next.
#[derive(Debug, Default)]
pub struct Lookups {
    folder: Option<(PathBuf, OwnedFd)>,
}

impl Lookups {
    /// The `stat` of `path`, or `None` when it cannot be read (or has no name, as `/`).
    pub fn stat(&mut self, path: &Path) -> Option<Stat> {
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return plain(path);
        };
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        if self.folder.as_ref().is_none_or(|(p, _)| p != parent) {
            let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
            self.folder = None;
            let fd = rustix::fs::open(parent, flags, Mode::empty()).ok()?;
            self.folder = Some((parent.to_path_buf(), fd));
        }
        let (_, fd) = self.folder.as_ref()?;
        of_name(fd, name)
    }
}

/// `stat` of a name in an open folder.
fn of_name(fd: &OwnedFd, name: &OsStr) -> Option<Stat> {
    let st = rustix::fs::statat(fd, name, AtFlags::empty()).ok()?;
    Some(from_raw(&st))
}

/// `stat` of a path as it is (for one without a parent).
fn plain(path: &Path) -> Option<Stat> {
    let st = rustix::fs::stat(path).ok()?;
    Some(from_raw(&st))
}

// The fields' types differ from one architecture to another (`c_ulong`, `i64`, …).
#[allow(clippy::unnecessary_cast)]
fn from_raw(st: &rustix::fs::Stat) -> Stat {
    let kind = FileType::from_raw_mode(st.st_mode as _);
    Stat {
        is_dir: kind == FileType::Directory,
        len: st.st_size as u64,
        modified: (st.st_mtime as i64, st.st_mtime_nsec as u32),
        changed: (st.st_ctime as i64, st.st_ctime_nsec as u32),
        inode: st.st_ino as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    /// What `fs::metadata` says, the same way.
    fn std_stat(path: &Path) -> Option<Stat> {
        let m = std::fs::metadata(path).ok()?;
        Some(Stat {
            is_dir: m.is_dir(),
            len: m.len(),
            modified: (m.mtime(), m.mtime_nsec() as u32),
            changed: (m.ctime(), m.ctime_nsec() as u32),
            inode: m.ino(),
        })
    }

    #[test]
    fn says_what_metadata_says_of_files_folders_links_and_missing_paths() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("a/x.md"), "xin chào").unwrap();
        std::fs::write(root.join("a/b/y.md"), "").unwrap();
        std::fs::write(root.join("z.md"), "z").unwrap();
        std::os::unix::fs::symlink(root.join("z.md"), root.join("a/link.md")).unwrap();
        let paths = [
            "a",
            "a/b",
            "a/b/y.md",
            "a/link.md",
            "a/missing",
            "a/x.md",
            "z.md",
            "gone/x",
        ];
        let mut lookups = Lookups::default();
        for p in paths {
            let path = root.join(p);
            assert_eq!(lookups.stat(&path), std_stat(&path), "{p}");
        }
        // In any order, and after a folder that could not be opened.
        let mut lookups = Lookups::default();
        for p in paths.iter().rev() {
            let path = root.join(p);
            assert_eq!(lookups.stat(&path), std_stat(&path), "{p}, backwards");
        }
        assert_eq!(lookups.stat(Path::new("/")), std_stat(Path::new("/")));
        let x = lookups.stat(&root.join("a/x.md")).unwrap();
        assert!(!x.is_dir && x.len == "xin chào".len() as u64);
        assert!(x.modified_nanos().unwrap() > 0);
    }
}
