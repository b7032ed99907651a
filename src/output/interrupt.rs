//! Ctrl+C (SIGINT), SIGTERM and SIGHUP during a build: the build's own staging folder is
//! removed before the process exits, and the message says that the previous output is
//! untouched (or, when the signal came after the swap, that the new output is complete).
//! Staging folders register here while they exist; the swap of a staging folder into place
//! holds the registry, so a signal never lands between its two renames.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// A staging folder in use, and the output it is for.
pub struct Active {
    pub staging: PathBuf,
    pub output: PathBuf,
    /// The staging folder has been swapped in: what is left in it is the old output.
    pub swapped: bool,
}

static ACTIVE: Mutex<Vec<Active>> = Mutex::new(Vec::new());

/// Set when a signal came: staging folders take no more files, so that the handler can
/// remove them while the rendering threads wind down.
static STOPPING: AtomicBool = AtomicBool::new(false);

/// Whether the process is being interrupted (writes into a staging folder then fail).
pub fn stopping() -> bool {
    STOPPING.load(Ordering::Relaxed)
}

/// The registry, also when a thread panicked while holding it.
pub fn active() -> MutexGuard<'static, Vec<Active>> {
    ACTIVE.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn register(staging: &Path, output: &Path) {
    active().push(Active {
        staging: staging.to_path_buf(),
        output: output.to_path_buf(),
        swapped: false,
    });
}

pub fn unregister(staging: &Path) {
    active().retain(|a| a.staging != staging);
}

/// Install the handler for SIGINT, SIGTERM and SIGHUP (once per process; a second call
/// does nothing). Called by the command line before a build, not by the library.
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        STOPPING.store(true, Ordering::SeqCst);
        let list = active();
        for a in list.iter() {
            // A write that began before the flag may still add a file: try again until the
            // folder is gone (two seconds at most).
            for _ in 0..100 {
                super::remove_tree(&a.staging);
                if !a.staging.exists() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            if a.swapped {
                eprintln!(
                    "interrupted: the new output in {} is complete",
                    a.output.display()
                );
            } else {
                eprintln!(
                    "interrupted: the unfinished build was removed; the previous output in {} is untouched",
                    a.output.display()
                );
            }
        }
        if list.is_empty() {
            eprintln!("interrupted: nothing was written");
        }
        // 128 + SIGINT, as shells report a command stopped by Ctrl+C.
        std::process::exit(130);
    });
}
