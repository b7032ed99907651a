//! Large files that an incremental build writes before it changes the output, hashed as
//! they are written so that they are never whole in memory (the data files: half a gigabyte
//! at 100,000 bulletins). They are written into a staging folder of the build cache, which
//! no check of the output looks at; once nothing is left that can fail, the build puts each
//! in place at once ([`super::replace`]; through a temporary name beside it when the
//! staging folder is on another file system), or drops it when its bytes are those already
//! there. A staged file dropped (the build failed, or it was unchanged) is removed.

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

/// A file of the site written whole into a staging folder, with the XXH128 hash of its
/// bytes (the manifest's hash).
#[derive(Debug)]
pub struct StagedFile {
    site_path: String,
    /// The staged file; `None` once put in place.
    temp: Option<PathBuf>,
    hash: u128,
}

impl StagedFile {
    /// Write the file of the site at `site_path` into the staging folder `staging` (at the
    /// same path there) with what `fill` writes, hashing it on the way; returns the staged
    /// file and what `fill` returned. When `fill` fails, the file is removed.
    pub fn write<R>(
        staging: &Path,
        site_path: &str,
        fill: impl FnOnce(&mut dyn Write) -> io::Result<R>,
    ) -> io::Result<(StagedFile, R)> {
        let temp = staging.join(site_path);
        if let Some(parent) = temp.parent() {
            fs::create_dir_all(parent)?;
        }
        let file = fs::File::create(&temp)?;
        // Removed on any failure from here on.
        let mut staged = StagedFile {
            site_path: site_path.to_string(),
            temp: Some(temp),
            hash: 0,
        };
        // Unbuffered: its writers hand it large pieces.
        let mut out = HashingWriter::new(file);
        let got = fill(&mut out)?;
        out.flush()?;
        staged.hash = out.into_parts().1;
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

    /// Put it in its place in the output folder `output` ([`super::replace`]), or, when
    /// that fails (the staging folder is on another file system), copy it to the
    /// temporary name beside its place and put it in place from there.
    pub fn put_in_place(mut self, output: &Path) -> io::Result<()> {
        let Some(temp) = self.temp.take() else {
            return Ok(());
        };
        let target = output.join(&self.site_path);
        if super::replace(&temp, &target).is_ok() {
            return Ok(());
        }
        let beside = temp_path(&target);
        let copied = fs::copy(&temp, &beside).and_then(|_| super::replace(&beside, &target));
        let _ = fs::remove_file(&temp);
        if copied.is_err() {
            let _ = fs::remove_file(&beside);
        }
        copied
    }
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        if let Some(t) = self.temp.take() {
            let _ = fs::remove_file(t);
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

    #[test]
    fn a_staged_file_hashes_as_the_manifest_and_goes_in_place_by_a_rename() {
        let out = tempfile::tempdir().unwrap();
        let staging = tempfile::tempdir().unwrap();
        fs::create_dir_all(out.path().join("du-lieu")).unwrap();
        fs::write(out.path().join("du-lieu/a.csv"), "old").unwrap();
        let (staged, n) = StagedFile::write(staging.path(), "du-lieu/a.csv", |w| {
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
        assert_eq!(listing(staging.path()), ["du-lieu/a.csv"]);
        staged.put_in_place(out.path()).unwrap();
        assert_eq!(
            fs::read(out.path().join("du-lieu/a.csv")).unwrap(),
            b"new bytes"
        );
        assert_eq!(listing(out.path()), ["du-lieu/a.csv"]);
        assert!(listing(staging.path()).is_empty());
    }

    #[test]
    fn a_staged_file_on_another_file_system_is_copied_beside_its_place_and_renamed() {
        use std::os::unix::fs::MetadataExt;
        let out = tempfile::tempdir().unwrap();
        // /dev/shm is a tmpfs on Linux: another file system than the temporary folder's.
        let staging = tempfile::tempdir_in("/dev/shm").expect("a /dev/shm to stage in");
        let device = |p: &Path| fs::metadata(p).unwrap().dev();
        assert_ne!(
            device(out.path()),
            device(staging.path()),
            "two file systems"
        );
        fs::write(out.path().join("a.json"), "old").unwrap();
        let (staged, ()) =
            StagedFile::write(staging.path(), "a.json", |w| w.write_all(b"[]")).unwrap();
        staged.put_in_place(out.path()).unwrap();
        assert_eq!(fs::read(out.path().join("a.json")).unwrap(), b"[]");
        assert_eq!(listing(out.path()), ["a.json"]);
        assert!(listing(staging.path()).is_empty());

        // When the copy cannot be put in place either (here a folder is in the way), the
        // staged file and the copy are removed.
        let (staged, ()) =
            StagedFile::write(staging.path(), "b.json", |w| w.write_all(b"[]")).unwrap();
        fs::create_dir_all(out.path().join("b.json/x")).unwrap();
        assert!(staged.put_in_place(out.path()).is_err());
        assert!(listing(staging.path()).is_empty());
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
    fn a_staged_file_dropped_or_failed_leaves_nothing() {
        let staging = tempfile::tempdir().unwrap();
        let (staged, ()) =
            StagedFile::write(staging.path(), "du-lieu/a.csv", |w| w.write_all(b"x")).unwrap();
        drop(staged);
        assert!(listing(staging.path()).is_empty());
        let failed = StagedFile::write(staging.path(), "du-lieu/b.csv", |w| {
            w.write_all(b"half")?;
            Err::<(), _>(io::Error::other("no"))
        });
        assert!(failed.is_err());
        assert!(listing(staging.path()).is_empty());
    }
}
