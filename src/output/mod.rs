//! Stage 5 of the pipeline: write. Everything a build produces goes into a staging folder
//! beside the output folder; only when all of it is written is the staging folder swapped in,
//! so a failed build leaves the previous output exactly as it was.

pub mod data;
pub mod interrupt;
pub mod leftovers;
pub mod links;
pub mod staged;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

/// Check that `output` may be replaced: not the site root, not content/ (or other source
/// folders), and not a folder that holds them.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<(), Diagnostic> {
    let root = absolute(root);
    let out = absolute(output);
    let sources = ["content", "themes", "static", "templates"].map(|d| root.join(d));
    let bad = out == root
        || root.starts_with(&out)
        || sources
            .iter()
            .any(|s| s.starts_with(&out) || out.starts_with(s));
    if bad {
        return Err(Diagnostic::new(
            output,
            "refusing to write the site here: the output folder would replace the site's own files",
        )
        .help("choose a separate folder, e.g. `output_dir = \"public\"` in site.toml or `--output public`"));
    }
    // The build puts a folder in the output's place: never in place of a file (a page
    // saved by hand, `/dev/null`).
    if output.exists() && !output.is_dir() {
        return Err(Diagnostic::new(
            output,
            "refusing to write the site here: this is a file, not a folder, and the build would replace it",
        )
        .help("choose a folder for the output (made if missing), e.g. `--output public`, or move the file away"));
    }
    Ok(())
}

/// `path` made absolute and cleaned of `.` and `..`, through symlinks where it exists.
pub fn absolute(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    let base = std::env::current_dir().unwrap_or_default();
    let joined = base.join(path);
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    // Resolve the deepest existing ancestor so symlinked parents compare equal.
    let mut existing = out.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => return out,
        }
    }
    let mut p = existing.canonicalize().unwrap_or(existing);
    for n in rest.into_iter().rev() {
        p.push(n);
    }
    p
}

/// A folder being filled, to become the output when complete.
pub struct Staging {
    /// A folder beside the output that holds `root` (and is removed with it on failure, or
    /// by the next build when this one is killed: see [`leftovers`]).
    dir: Option<tempfile::TempDir>,
    /// The folder being filled: renamed to the output by [`Staging::commit`].
    root: PathBuf,
    output: PathBuf,
    /// The previous output, when there is one: files that come out byte-identical are
    /// hard-linked from it instead of written again.
    previous: Option<PathBuf>,
    /// The lock that tells other builds this staging folder is in use.
    _lock: fs::File,
    /// Each page's folder, stamped as the page was written: (key of its site path, stamp).
    /// See [`crate::build::folders::Settled`].
    /// Kept in chunks: a million of them come in while the pages are written.
    page_folders: std::sync::Mutex<crate::memory::Chunked<(u64, u64)>>,
}

/// The output folder's name, which its staging folders carry.
fn output_name(output: &Path) -> String {
    output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into())
}

/// Remove what builds of `output` that were killed left beside it (their staging folders),
/// as a full build does before it stages (an incremental build stages nothing).
pub fn remove_leftovers(output: &Path) {
    let output = absolute(output);
    if let Some(parent) = output.parent() {
        let prefix = staging_prefix(&output_name(&output));
        leftovers::remove_stale(parent, &[&prefix, LEGACY_OLD_PREFIX]);
    }
}

/// The prefix of the staging folders of the output named `name`.
fn staging_prefix(name: &str) -> String {
    format!(".{name}.bantin-")
}

/// What earlier versions left while removing a replaced output.
const LEGACY_OLD_PREFIX: &str = ".bantin-old-";

impl Staging {
    /// A fresh staging folder beside `output` (so the final rename stays on one disk).
    /// Staging folders of this output left by builds that were killed are removed first.
    pub fn new(output: &Path) -> io::Result<Staging> {
        let output = absolute(output);
        let parent = output.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(parent)?;
        let prefix = staging_prefix(&output_name(&output));
        leftovers::remove_stale(parent, &[&prefix, LEGACY_OLD_PREFIX]);
        let dir = tempfile::Builder::new()
            .prefix(&prefix)
            .tempdir_in(parent)?;
        let lock = leftovers::lock(dir.path())?;
        interrupt::register(dir.path(), &output);
        // The site is written one level down, so that the old output can be moved in beside
        // it at the swap and removed with the staging folder.
        let root = tempfile::Builder::new()
            .prefix("site-")
            .tempdir_in(dir.path())?
            .keep();
        let previous = output.is_dir().then(|| output.clone());
        Ok(Staging {
            dir: Some(dir),
            root,
            output,
            previous,
            _lock: lock,
            page_folders: Default::default(),
        })
    }

    /// The stamps of the pages' folders, each taken when its page was written.
    pub fn page_folder_stamps(&self) -> Vec<(u64, u64)> {
        self.page_folders
            .lock()
            .map(|mut v| std::mem::take(&mut *v).into_iter().collect())
            .unwrap_or_default()
    }

    /// Stamp the folder of the page at `site_path` (`…/index.html`), now that its page is in
    /// it. A folder that cannot be read is left to be stamped at the end.
    fn stamp_page_folder(&self, site_path: &str) {
        let Some(folder) = site_path.strip_suffix("/index.html") else {
            return;
        };
        thread_local! {
            static LOOKUPS: std::cell::RefCell<crate::file_stat::Lookups> = Default::default();
        }
        let stat = LOOKUPS.with(|l| l.borrow_mut().stat(&self.root.join(folder)));
        if let Some(stat) = stat.filter(|s| s.is_dir) {
            let key = crate::build::folders::Settled::key(folder);
            if let Ok(mut v) = self.page_folders.lock() {
                v.push((key, stat.folder_stamp()));
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.root
    }

    /// Create the folders that the files at `site_paths` go into, each once, in the order of
    /// the files (each file's missing folders parents first), on the calling thread. Made
    /// one after another: most of them share a parent (`bai-viet/`), and the file system
    /// lets only one thread at a time add to a folder, so a second thread would only spin
    /// on the lock. The build runs this beside the writing of the files, in the order they
    /// are written, so that each file's folder is there when it comes.
    pub fn make_dirs<'p>(&self, site_paths: impl IntoIterator<Item = &'p str>) -> io::Result<()> {
        each_folder_in_order(site_paths, |d| {
            interrupted()?;
            match fs::create_dir(self.root.join(d)) {
                Err(e) if e.kind() != io::ErrorKind::AlreadyExists => Err(e),
                _ => Ok(()),
            }
        })
    }

    /// Write a file at a site path (`du-lieu/chi-tieu.csv`, `bai-viet/x/index.html`).
    pub fn write(&self, site_path: &str, bytes: &[u8]) -> io::Result<()> {
        interrupted()?;
        let target = self.root.join(site_path);
        let linked = self
            .previous
            .as_ref()
            .is_some_and(|prev| link_if_unchanged(&prev.join(site_path), &target, bytes));
        if !linked {
            write_file(&target, bytes)?;
        }
        self.stamp_page_folder(site_path);
        Ok(())
    }

    /// Swap the staging folder in place of the output. The old output is moved into the
    /// staging folder, then removed with it. Two builds of one output swap one after the
    /// other (an advisory lock on the output's parent folder), so each ends with a complete
    /// output; a signal waits for the two renames (see [`interrupt`]).
    pub fn commit(mut self) -> io::Result<PathBuf> {
        let dir = self.dir.take().expect("a staging folder until committed");
        let parent = self.output.parent().unwrap_or(Path::new(".")).to_path_buf();
        let parent_lock = fs::File::open(&parent)?;
        parent_lock.lock()?;
        let old = dir.path().join("old");
        let swapped = {
            let mut active = interrupt::active();
            let had_output = self.output.exists();
            let result = if had_output {
                fs::rename(&self.output, &old)
            } else {
                Ok(())
            }
            .and_then(|()| match fs::rename(&self.root, &self.output) {
                Ok(()) => Ok(()),
                Err(e) => {
                    if had_output {
                        let _ = fs::rename(&old, &self.output);
                    }
                    Err(e)
                }
            });
            if result.is_ok() {
                if let Some(a) = active.iter_mut().find(|a| a.staging == dir.path()) {
                    a.swapped = true;
                }
            }
            result
        };
        drop(parent_lock);
        if let Err(e) = swapped {
            interrupt::unregister(dir.path());
            // Dropping `dir` removes what was staged.
            return Err(e);
        }
        remove_tree(&old);
        interrupt::unregister(dir.path());
        drop(dir);
        Ok(self.output.clone())
    }
}

impl Drop for Staging {
    /// A staging folder given up (a failed build) is removed, and no signal handler looks
    /// for it any more.
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take() {
            interrupt::unregister(dir.path());
        }
    }
}

/// Hard-link `old` to `new` when `old` holds exactly `bytes`: an unchanged page costs no
/// write now and no freed blocks when the old output is removed.
fn link_if_unchanged(old: &Path, new: &Path, bytes: &[u8]) -> bool {
    match fs::metadata(old) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {}
        _ => return false,
    }
    if fs::read(old).ok().as_deref() != Some(bytes) {
        return false;
    }
    let linked = match fs::hard_link(old, new) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => new
            .parent()
            .map_or(Err(e), fs::create_dir_all)
            .and_then(|()| fs::hard_link(old, new)),
        other => other,
    };
    linked.is_ok()
}

/// Remove a folder tree, its subfolders in parallel.
fn remove_tree(dir: &Path) {
    use rayon::prelude::*;
    let entries: Vec<PathBuf> = match fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).collect(),
        Err(_) => return,
    };
    entries.par_iter().for_each(|p| {
        if p.is_dir() && !p.is_symlink() {
            remove_tree(p);
        } else {
            let _ = fs::remove_file(p);
        }
    });
    let _ = fs::remove_dir(dir);
}

/// Where the files of a build go: the staging folder of `bantin build`, or memory
/// (`bantin check`, `bantin serve`). Called from several threads at once.
pub trait Sink: Sync {
    /// Keep `bytes` as the file at `site_path`.
    fn put(&self, site_path: &str, bytes: &[u8]) -> io::Result<()>;

    /// Keep the file that `fill` writes piece by piece (for large files, so they need not be
    /// whole in memory). By default the pieces are gathered and [`Sink::put`] whole.
    fn put_with(
        &self,
        site_path: &str,
        fill: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut bytes = Vec::new();
        fill(&mut bytes)?;
        self.put(site_path, &bytes)
    }

    /// Get ready for the files at `site_paths` (pages and their folders), given in the order
    /// they will come; runs beside the writes, so a sink must also take a file whose folder
    /// is not made yet. By default there is nothing to do.
    fn prepare(&self, site_paths: &mut dyn Iterator<Item = &str>) -> io::Result<()> {
        let _ = site_paths;
        Ok(())
    }
}

impl<F: Fn(&str, &[u8]) -> io::Result<()> + Sync> Sink for F {
    fn put(&self, site_path: &str, bytes: &[u8]) -> io::Result<()> {
        self(site_path, bytes)
    }
}

/// A sink that keeps the files in memory (`bantin serve`, tests, in-memory helpers).
#[derive(Debug, Default)]
pub struct MemorySink {
    files: std::sync::Mutex<Vec<(String, Vec<u8>)>>,
}

impl Sink for MemorySink {
    fn put(&self, site_path: &str, bytes: &[u8]) -> io::Result<()> {
        self.files
            .lock()
            .map_err(|_| io::Error::other("a worker thread failed while writing to memory"))?
            .push((site_path.to_string(), bytes.to_vec()));
        Ok(())
    }
}

impl MemorySink {
    /// The files kept, in the order they came.
    pub fn into_files(self) -> Vec<(String, Vec<u8>)> {
        self.files.into_inner().unwrap_or_default()
    }
}

impl Sink for Staging {
    fn put(&self, site_path: &str, bytes: &[u8]) -> io::Result<()> {
        self.write(site_path, bytes)
    }

    /// Make every folder at once (see [`Staging::make_dirs`]).
    fn prepare(&self, site_paths: &mut dyn Iterator<Item = &str>) -> io::Result<()> {
        self.make_dirs(site_paths)
    }

    /// Streamed straight to the file (never linked from the previous output).
    fn put_with(
        &self,
        site_path: &str,
        fill: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<()> {
        interrupted()?;
        let target = self.root.join(site_path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut w = io::BufWriter::with_capacity(256 * 1024, fs::File::create(&target)?);
        fill(&mut w)?;
        io::Write::flush(&mut w)
    }
}

/// `make` of each folder the files at `site_paths` go into, once, in the order of the
/// files: before each file, those of its folders not made yet, parents first. Stops at the
/// first error.
pub(crate) fn each_folder_in_order<'p>(
    site_paths: impl IntoIterator<Item = &'p str>,
    mut make: impl FnMut(&'p str) -> io::Result<()>,
) -> io::Result<()> {
    // A folder listed before had its parents listed with it (a million pages' files name
    // their folders about four million times over).
    let mut listed: rustc_hash::FxHashSet<&str> = Default::default();
    let mut missing = Vec::new();
    for p in site_paths {
        let mut d = p;
        while let Some(i) = d.rfind('/') {
            d = &d[..i];
            if !listed.insert(d) {
                break;
            }
            missing.push(d);
        }
        while let Some(d) = missing.pop() {
            make(d)?;
        }
    }
    Ok(())
}

/// An error once a signal has come (see [`interrupt`]): a staging folder takes no more files.
fn interrupted() -> io::Result<()> {
    if interrupt::stopping() {
        Err(io::Error::other("interrupted"))
    } else {
        Ok(())
    }
}

/// Put the file at `temp` in the place of `target` at once, for readers of `target` never
/// to see it half written or missing: swapped with the file there, which is then removed,
/// or renamed when there is none. A rename over a file would make ext4 (`auto_da_alloc`)
/// start writing the whole new file out then and there: 0.3 s for the data files of 100,000
/// bulletins, as long for the build cache's record. Used for the output's files and the
/// cache's.
///
/// What is at `target` must be a file: a folder there (which a swap would move to `temp`)
/// is swapped back, and `target` is not replaced, as a rename over it would fail.
pub fn replace(temp: &Path, target: &Path) -> io::Result<()> {
    if exchange(temp, target).is_ok() {
        return fs::remove_file(temp).inspect_err(|_| {
            let _ = exchange(temp, target);
        });
    }
    fs::rename(temp, target)
}

/// Swap the files at `a` and `b` at once (both must exist, on one file system).
#[cfg(target_os = "linux")]
pub fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
pub fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Write a file, creating its folder.
pub fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    match fs::write(path, bytes) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(path, bytes)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_the_site_root_and_its_sources() {
        let root = tempfile::tempdir().unwrap();
        fs::create_dir_all(root.path().join("content")).unwrap();
        assert!(check_output_dir(root.path(), root.path()).is_err());
        assert!(check_output_dir(root.path(), &root.path().join("content")).is_err());
        assert!(check_output_dir(root.path(), &root.path().join("content/x")).is_err());
        assert!(check_output_dir(root.path(), root.path().parent().unwrap()).is_err());
        assert!(check_output_dir(root.path(), &root.path().join("public")).is_ok());
        // A file in the output's place is not replaced by the site's folder.
        fs::write(root.path().join("public"), "a page").unwrap();
        let e = check_output_dir(root.path(), &root.path().join("public")).unwrap_err();
        assert!(e.message.contains("a file, not a folder"), "{}", e.message);
        fs::remove_file(root.path().join("public")).unwrap();
        fs::create_dir(root.path().join("public")).unwrap();
        assert!(check_output_dir(root.path(), &root.path().join("public")).is_ok());
    }

    #[test]
    fn unchanged_files_are_linked_from_the_previous_output() {
        use std::os::unix::fs::MetadataExt;
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        write_file(&out.join("same.txt"), b"same").unwrap();
        write_file(&out.join("changed.txt"), b"old").unwrap();
        let before = fs::metadata(out.join("same.txt")).unwrap().ino();
        let s = Staging::new(&out).unwrap();
        s.write("same.txt", b"same").unwrap();
        s.write("changed.txt", b"new").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::metadata(out.join("same.txt")).unwrap().ino(), before);
        assert_eq!(fs::read(out.join("changed.txt")).unwrap(), b"new");
        assert_eq!(fs::read(out.join("same.txt")).unwrap(), b"same");
    }

    #[test]
    fn commit_replaces_the_output_whole() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        write_file(&out.join("old.txt"), b"old").unwrap();
        let s = Staging::new(&out).unwrap();
        s.write("a/b.txt", b"new").unwrap();
        s.commit().unwrap();
        assert!(!out.join("old.txt").exists());
        assert_eq!(fs::read(out.join("a/b.txt")).unwrap(), b"new");
        let leftovers: Vec<_> = fs::read_dir(root.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging folders are cleaned up");
    }

    /// The folders come in the order of the files (the order the pages are written in),
    /// not sorted: the renderers find each page's folder made.
    #[test]
    fn folders_are_made_in_the_order_of_their_files() {
        let pages = [
            "",
            "bai-viet/b/",
            "dia-phuong/x/2020-2025/",
            "bai-viet/a/",
            "dia-phuong/x/",
            "404.html",
            "chi-tieu/c/trang/2/",
        ];
        let mut made = Vec::new();
        each_folder_in_order(pages, |d| {
            made.push(d);
            Ok(())
        })
        .unwrap();
        assert_eq!(
            made,
            [
                "bai-viet",
                "bai-viet/b",
                "dia-phuong",
                "dia-phuong/x",
                "dia-phuong/x/2020-2025",
                "bai-viet/a",
                "chi-tieu",
                "chi-tieu/c",
                "chi-tieu/c/trang",
                "chi-tieu/c/trang/2",
            ]
        );
    }

    #[test]
    fn prepare_makes_every_page_folder_while_files_arrive() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        let s = Staging::new(&out).unwrap();
        let pages = ["", "bai-viet/a/", "dia-phuong/x/2020-2025/trang/2/"];
        // A file may come before its folder is made, from another thread.
        let ((), made) = rayon::join(
            || s.put("dia-phuong/x/atom.xml", b"feed").unwrap(),
            || s.prepare(&mut pages.into_iter()),
        );
        made.unwrap();
        // Making them again (a page asked for twice) is no error.
        s.prepare(&mut pages.into_iter()).unwrap();
        for d in ["bai-viet/a", "dia-phuong/x/2020-2025/trang/2"] {
            assert!(s.path().join(d).is_dir(), "{d}");
        }
        assert_eq!(
            fs::read(s.path().join("dia-phuong/x/atom.xml")).unwrap(),
            b"feed"
        );
    }
}
