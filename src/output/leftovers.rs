//! What interrupted builds leave beside the output, and how the next build knows it is
//! stale. Each staging folder holds a lock file that its build keeps locked (an advisory
//! `flock`) while it runs; the kernel releases the lock when the process ends, however it
//! ends (SIGKILL included). A staging folder whose lock can be taken is therefore stale and
//! is removed; one whose lock is held belongs to a build still running and is left alone.

use std::fs;
use std::io;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// The lock file inside a staging folder.
pub const LOCK_FILE: &str = ".bantin-build.lock";

/// A staging folder without a lock file is stale only when older than this: its build may
/// be between making the folder and locking the file.
const UNLOCKED_GRACE: Duration = Duration::from_secs(60);

/// Create and lock the lock file of a new staging folder; the lock lasts as long as the
/// returned file is open. The file holds the process id, for a person who looks.
pub fn lock(staging: &Path) -> io::Result<fs::File> {
    let f = fs::File::create(staging.join(LOCK_FILE))?;
    f.lock()?;
    io::Write::write_all(&mut &f, format!("{}\n", std::process::id()).as_bytes())?;
    Ok(f)
}

/// Remove every stale folder in `parent` whose name starts with one of `prefixes`; say
/// which on standard error. Errors are ignored: a leftover that cannot be removed now is
/// tried again by the next build.
pub fn remove_stale(parent: &Path, prefixes: &[&str]) -> Vec<std::path::PathBuf> {
    let mut removed = Vec::new();
    let Ok(entries) = fs::read_dir(parent) else {
        return removed;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if !prefixes.iter().any(|p| name.starts_with(p)) {
            continue;
        }
        let path = e.path();
        if !e.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        // Held while the folder is removed, so that two builds never remove one folder.
        let lock = match fs::File::open(path.join(LOCK_FILE)) {
            Ok(f) => match f.try_lock() {
                Ok(()) => Some(f),
                Err(_) => continue, // a running build's
            },
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if !older_than(&path, UNLOCKED_GRACE) {
                    continue;
                }
                None
            }
            Err(_) => continue,
        };
        super::remove_tree(&path);
        drop(lock);
        if !path.exists() {
            eprintln!(
                "removed {}, left by an earlier build that was interrupted",
                path.display()
            );
            removed.push(path);
        }
    }
    removed
}

fn older_than(path: &Path, age: Duration) -> bool {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|d| d >= age)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locked_folder_is_kept_and_an_unlocked_one_removed() {
        let parent = tempfile::tempdir().unwrap();
        let running = parent.path().join(".public.bantin-running");
        let dead = parent.path().join(".public.bantin-dead");
        let fresh = parent.path().join(".public.bantin-fresh");
        let other = parent.path().join("public");
        for d in [&running, &dead, &fresh, &other] {
            fs::create_dir_all(d.join("site")).unwrap();
        }
        let held = lock(&running).unwrap();
        // A dead build's lock file: there, but nobody holds it.
        drop(lock(&dead).unwrap());
        let removed = remove_stale(parent.path(), &[".public.bantin-"]);
        assert_eq!(removed, std::slice::from_ref(&dead));
        assert!(running.is_dir(), "a running build's folder stays");
        assert!(
            fresh.is_dir(),
            "a folder without a lock file stays while it is young"
        );
        assert!(other.is_dir());
        drop(held);
        remove_stale(parent.path(), &[".public.bantin-"]);
        assert!(!running.exists(), "once its build is gone, it goes");
    }
}
