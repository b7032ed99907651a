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
    /// cannot be read. A folder whose only file is its page, stamped in `settled` when that
    /// was written, is not looked at again: nothing changed it since.
    pub fn of(output: &Path, manifest: &Manifest, settled: &Settled) -> Option<Folders> {
        above(manifest.keys().map(String::as_str))
            .par_iter()
            .map_init(Lookups::default, |l, n| {
                let known = only_its_page(manifest, n).then(|| settled.get(n)).flatten();
                let s = match known {
                    Some(s) => s,
                    None => stamp(&output.join(n), l)?,
                };
                Some((n.to_string(), s))
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

/// Page folders stamped by the build as each page was written (the folders of a million
/// bulletins' pages, stamped at the end of a build, took 13 s: by then their inodes had left
/// the kernel's memory). A stamp is good for a folder whose page is all it holds; the
/// others are stamped at the end.
#[derive(Debug, Default)]
pub struct Settled(Vec<(u64, u64)>);

impl Settled {
    /// From (folder's site path hashed with [`Settled::key`], stamp) pairs in any order. A
    /// key found twice (a folder written twice, or two folders of one hash) is dropped.
    pub fn new(mut stamps: Vec<(u64, u64)>) -> Settled {
        stamps.sort_unstable();
        let mut kept: Vec<(u64, u64)> = Vec::with_capacity(stamps.len());
        let mut twice = None;
        for (k, s) in stamps {
            if kept.last().is_some_and(|&(last, _)| last == k) {
                kept.pop();
                twice = Some(k);
            } else if twice != Some(k) {
                kept.push((k, s));
            }
        }
        Settled(kept)
    }

    /// The key of a folder's site path.
    pub fn key(folder: &str) -> u64 {
        xxhash_rust::xxh3::xxh3_64(folder.as_bytes())
    }

    fn get(&self, folder: &str) -> Option<u64> {
        let k = Settled::key(folder);
        let i = self.0.binary_search_by_key(&k, |&(k, _)| k).ok()?;
        Some(self.0[i].1)
    }
}

/// Whether the only file of `manifest` in `folder` or below it is its page, `index.html`.
fn only_its_page(manifest: &Manifest, folder: &str) -> bool {
    if folder.is_empty() {
        return false;
    }
    let inside = format!("{folder}/");
    let mut files = manifest
        .range::<str, _>((
            std::ops::Bound::Excluded(inside.as_str()),
            std::ops::Bound::Unbounded,
        ))
        .map(|(k, _)| k)
        .take_while(|k| k.starts_with(&inside));
    matches!(
        (files.next(), files.next()),
        (Some(page), None) if page[inside.len()..] == *"index.html"
    )
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
    Some(lookups.stat(path).filter(|m| m.is_dir)?.folder_stamp())
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
        let folders = Folders::of(out, &manifest, &Settled::default()).unwrap();
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
    fn page_folders_stamped_while_staging_agree_with_a_stamp_taken_after_the_swap() {
        use crate::output::{Sink, Staging};
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let staging = Staging::new(&out).unwrap();
        let files = [
            "index.html",
            "bai-viet/a/index.html",
            "bai-viet/b/index.html",
            // A page with a file of its bundle, written after it.
            "bai-viet/c/index.html",
            "bai-viet/c/anh.jpg",
            // A page with a page below it.
            "dia-phuong/x/index.html",
            "dia-phuong/x/2020-2025/index.html",
        ];
        let mut manifest = Manifest::new();
        for (i, f) in files.iter().enumerate() {
            // The clock ticks coarsely: let a late write change its folder's times visibly.
            std::thread::sleep(std::time::Duration::from_millis(15));
            staging.put(f, b"x").unwrap();
            manifest.insert(f.to_string(), i as u128);
        }
        let settled = Settled::new(staging.page_folder_stamps());
        assert_eq!(
            settled.0.len(),
            5,
            "a stamp for each page's folder but the root's"
        );
        staging.commit().unwrap();
        let looked_at = Folders::of(&out, &manifest, &Settled::default()).unwrap();
        assert_eq!(Folders::of(&out, &manifest, &settled).unwrap(), looked_at);
        // Only the folders that hold nothing but their page take the stamps made early: the
        // others changed after their page was written, and are looked at again.
        for (folder, early) in [
            ("bai-viet/a", true),
            ("bai-viet/c", false),
            ("dia-phuong/x", false),
        ] {
            assert_eq!(only_its_page(&manifest, folder), early, "{folder}");
        }
        let wrong = Settled::new(vec![
            (Settled::key("bai-viet/a"), 7),
            (Settled::key("bai-viet/c"), 7),
        ]);
        let taken = Folders::of(&out, &manifest, &wrong).unwrap();
        assert_eq!(taken.0["bai-viet/a"], 7, "taken as stamped, not looked at");
        assert_eq!(taken.0["bai-viet/c"], looked_at.0["bai-viet/c"]);
    }

    #[test]
    fn a_folder_stamped_twice_is_looked_at_again() {
        let settled = Settled::new(vec![(3, 1), (5, 2), (3, 9), (3, 4), (1, 1)]);
        assert_eq!(settled.0, [(1, 1), (5, 2)]);
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
        let folders = Folders::of(out, &manifest, &Settled::default()).unwrap();
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
        let mut kept = Folders::of(out, &manifest, &Settled::default()).unwrap();
        fs::remove_file(out.join("a/b/index.html")).unwrap();
        fs::remove_dir(out.join("a/b")).unwrap();
        assert!(kept.update(out, ["a/b/index.html"].into_iter()));
        assert_eq!(kept.0.len(), 2);
        assert!(kept.unchanged(out));
    }
}
