//! The output's folders as a build left them, so that the next build tells files added to or
//! removed from the output since (by hand, or by another program) without listing it: adding,
//! removing or renaming an entry of a folder changes the folder's modification and change
//! times. Each folder that holds a file of the manifest (and each of their parents, and the
//! output itself) is kept with a stamp of its times and inode; comparing them is one `stat`
//! a folder, where listing the folders of a 100,000-bulletin output took over a second of
//! both cores. A file changed in place is not seen (`--full` rebuilds everything), nor an
//! entry added within the same clock tick as the build's own last change of that folder.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::manifest::Manifest;
use crate::file_stat::Lookups;

/// Each folder of an output, by site path (`""` for the output itself), with its stamp.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Folders(BTreeMap<String, u64>);

impl Folders {
    /// The folders of the files of `manifest` in `output` as they are now; `None` when one
    /// cannot be read.
    pub fn of(output: &Path, manifest: &Manifest) -> Option<Folders> {
        above(manifest.keys().map(String::as_str))
            .par_iter()
            .map_init(Lookups::default, |l, n| {
                Some((n.to_string(), stamp(&output.join(n), l)?))
            })
            .collect::<Option<BTreeMap<_, _>>>()
            .map(Folders)
    }

    /// Whether every folder is as it was (one thread: it runs beside a build's other work).
    pub fn unchanged(&self, output: &Path) -> bool {
        let mut lookups = Lookups::default();
        self.0
            .iter()
            .all(|(n, s)| stamp(&output.join(n), &mut lookups) == Some(*s))
    }

    /// After files at `touched` (site paths) were written or removed: their folders and all
    /// the folders above them are stamped again, and those now gone forgotten. Returns
    /// `false` when a folder cannot be read.
    pub fn update<'a>(&mut self, output: &Path, touched: impl Iterator<Item = &'a str>) -> bool {
        let mut lookups = Lookups::default();
        for n in above(touched) {
            let path = output.join(n);
            match stamp(&path, &mut lookups) {
                Some(s) => {
                    self.0.insert(n.to_string(), s);
                }
                None if !path.exists() => {
                    self.0.remove(n);
                }
                None => return false,
            }
        }
        true
    }
}

/// The folders that hold the site paths `files`, and every folder above them, the output
/// (`""`) included, each once.
fn above<'a>(files: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut names = vec![""];
    // Listing cannot fail.
    let _ = crate::output::each_folder_in_order(files, |d| {
        names.push(d);
        Ok(())
    });
    names.sort_unstable();
    names
}

/// A folder's modification and change times and inode, hashed; `None` when not a folder.
fn stamp(path: &Path, lookups: &mut Lookups) -> Option<u64> {
    let meta = lookups.stat(path).filter(|m| m.is_dir)?;
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&meta.modified_nanos().unwrap_or(0).to_le_bytes());
    h.update(&meta.changed.0.to_le_bytes());
    h.update(&(meta.changed.1 as i64).to_le_bytes());
    h.update(&meta.inode.to_le_bytes());
    Some(h.digest())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn a_change_in_one_of_many_sibling_folders_is_seen() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let mut manifest = Manifest::new();
        for i in 0..40 {
            let page = format!("ban-tin/bai-{i}/index.html");
            fs::create_dir_all(out.join(&page).parent().unwrap()).unwrap();
            fs::write(out.join(&page), "x").unwrap();
            manifest.insert(page, i);
        }
        let folders = Folders::of(out, &manifest).unwrap();
        assert_eq!(
            folders.0.len(),
            42,
            "the output, ban-tin and its 40 folders"
        );
        assert!(folders.unchanged(out));
        std::thread::sleep(std::time::Duration::from_millis(30));
        fs::write(out.join("ban-tin/bai-23/stray.txt"), "y").unwrap();
        assert!(!folders.unchanged(out), "a file added in one of them");
        fs::remove_file(out.join("ban-tin/bai-23/stray.txt")).unwrap();
        let mut kept = folders.clone();
        assert!(kept.update(out, ["ban-tin/bai-23/index.html"].into_iter()));
        assert!(kept.unchanged(out));
        fs::remove_file(out.join("ban-tin/bai-5/index.html")).unwrap();
        fs::remove_dir(out.join("ban-tin/bai-5")).unwrap();
        assert!(!kept.unchanged(out), "a folder removed");
    }

    #[test]
    fn the_folders_above_files_are_each_there_once_parents_included() {
        let files = [
            "a/b/c/index.html",
            "a/b/index.html",
            "a/b-c/index.html",
            "a/b/c/d/index.html",
            "index.html",
            "e/f/atom.xml",
        ];
        assert_eq!(
            above(files.into_iter()),
            ["", "a", "a/b", "a/b-c", "a/b/c", "a/b/c/d", "e", "e/f"]
        );
    }

    #[test]
    fn entries_added_or_removed_anywhere_change_the_folders_and_an_update_catches_up() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        fs::create_dir_all(out.join("a/b")).unwrap();
        fs::write(out.join("a/b/index.html"), "x").unwrap();
        fs::write(out.join("top.html"), "x").unwrap();
        let manifest = Manifest::from([("a/b/index.html".to_string(), 1), ("top.html".into(), 2)]);
        let folders = Folders::of(out, &manifest).unwrap();
        assert_eq!(folders.0.len(), 3, "the output, a and a/b");
        assert!(folders.unchanged(out));
        // The clock ticks coarsely: give the changes below a later time than the stamps.
        std::thread::sleep(std::time::Duration::from_millis(30));
        for (what, change, undo) in [
            (
                "a file added deep down",
                &(|| fs::write(out.join("a/b/stray.txt"), "y").unwrap()) as &dyn Fn(),
                &(|| fs::remove_file(out.join("a/b/stray.txt")).unwrap()) as &dyn Fn(),
            ),
            (
                "a file removed",
                &|| fs::remove_file(out.join("top.html")).unwrap(),
                &|| fs::write(out.join("top.html"), "x").unwrap(),
            ),
            (
                "a folder added",
                &|| fs::create_dir(out.join("a/new")).unwrap(),
                &|| fs::remove_dir(out.join("a/new")).unwrap(),
            ),
        ] {
            let mut kept = folders.clone();
            change();
            assert!(!kept.unchanged(out), "{what}");
            undo();
            // Still not as stamped: undoing is a change of its own.
            assert!(!kept.unchanged(out), "{what}, undone");
            // What a build writes it stamps again.
            assert!(kept.update(out, ["a/b/stray.txt", "top.html"].into_iter()));
            assert!(kept.unchanged(out), "{what}: stamped again");
        }
        // A folder the build removed is forgotten.
        let mut kept = Folders::of(out, &manifest).unwrap();
        fs::remove_file(out.join("a/b/index.html")).unwrap();
        fs::remove_dir(out.join("a/b")).unwrap();
        assert!(kept.update(out, ["a/b/index.html"].into_iter()));
        assert_eq!(kept.0.len(), 2);
        assert!(kept.unchanged(out));
    }
}
