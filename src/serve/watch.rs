//! Watching the site's sources: site.toml, content/, static/, themes/ and templates/, through
//! notify with a short debounce, and telling what each changed path means for a rebuild.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};

use crate::load::{registries, settings};
use crate::rebuild::site::Changes;

/// The source folders watched as a whole.
pub const FOLDERS: &[&str] = &["content", "static", "themes", "templates"];

/// How long events are gathered before a rebuild starts.
pub const DEBOUNCE: Duration = Duration::from_millis(30);

/// What a change of `path` (absolute, under `root`) needs rebuilt; nothing for files that are
/// not sources (the output folder, editors' hidden files).
pub fn classify(root: &Path, path: &Path) -> Changes {
    let mut ch = Changes::default();
    let Ok(rel) = path.strip_prefix(root) else {
        return ch;
    };
    let hidden = rel.components().any(|c| match c {
        Component::Normal(n) => n.to_string_lossy().starts_with('.'),
        _ => false,
    });
    if hidden {
        return ch;
    }
    let first = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    if rel == Path::new(settings::FILE) {
        ch.full = true;
        return ch;
    }
    match first.as_str() {
        "content" => {
            if [
                registries::LOCALITIES,
                registries::TERMS,
                registries::INDICATORS,
            ]
            .iter()
            .any(|r| rel == Path::new(r))
            {
                ch.full = true;
            } else if rel.extension().is_some_and(|e| e == "md") {
                ch.files.insert(rel.to_path_buf());
            } else if let Some(index) = rel
                .parent()
                .map(|p| p.join("index.md"))
                .filter(|i| root.join(i).is_file())
            {
                // A file of a bundle: its bulletin copies it.
                ch.files.insert(index);
            } else if path.is_dir() || !path.exists() {
                // A folder made, moved or removed: list content/ again.
                ch.rescan = true;
            }
        }
        "static" => ch.statics = true,
        "themes" | "templates" => ch.theme = true,
        _ => {}
    }
    ch
}

/// A running watcher; dropping it stops watching.
pub struct Watcher {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    watched: HashSet<PathBuf>,
}

impl Watcher {
    /// Watch the sources of `root`; debounced batches of changed paths arrive on the receiver.
    pub fn start(root: &Path) -> Result<(Watcher, mpsc::Receiver<DebounceEventResult>), String> {
        let (tx, rx) = mpsc::channel();
        let mut debouncer = new_debouncer(DEBOUNCE, None, tx)
            .map_err(|e| format!("cannot watch the site for changes: {e}"))?;
        // The root itself, not recursively: site.toml, and source folders made later.
        debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
        let mut w = Watcher {
            debouncer,
            root: root.to_path_buf(),
            watched: HashSet::new(),
        };
        w.watch_folders();
        Ok((w, rx))
    }

    /// Watch every source folder that exists and is not watched yet.
    pub fn watch_folders(&mut self) {
        for f in FOLDERS {
            let dir = self.root.join(f);
            if dir.is_dir() && !self.watched.contains(&dir) {
                match self.debouncer.watch(&dir, RecursiveMode::Recursive) {
                    Ok(()) => {
                        self.watched.insert(dir);
                    }
                    Err(e) => eprintln!("warning: cannot watch {}: {e}", dir.display()),
                }
            } else if !dir.is_dir() && self.watched.remove(&dir) {
                let _ = self.debouncer.unwatch(&dir);
            }
        }
    }

    /// The changed paths of a debounced batch; reading a file is no change.
    pub fn paths(batch: DebounceEventResult) -> Vec<PathBuf> {
        match batch {
            Ok(events) => events
                .into_iter()
                .filter(|e| !matches!(e.event.kind, EventKind::Access(_)))
                .flat_map(|e| e.event.paths)
                .collect(),
            Err(errors) => {
                for e in errors {
                    eprintln!("warning: watching the site: {e}");
                }
                Vec::new()
            }
        }
    }

    /// What a batch of changed paths needs rebuilt.
    pub fn changes(&mut self, paths: impl IntoIterator<Item = PathBuf>) -> Changes {
        let mut ch = Changes::default();
        let mut folders = false;
        for p in paths {
            if p.parent() == Some(self.root.as_path())
                && p.file_name()
                    .is_some_and(|n| FOLDERS.iter().any(|f| n == *f))
            {
                folders = true;
            }
            ch.merge(classify(&self.root, &p));
        }
        if folders {
            self.watch_folders();
        }
        ch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies() {
        let root = Path::new("/nonexistent-site");
        let c = |p: &str| classify(root, &root.join(p));
        assert!(c("site.toml").full);
        assert!(c("content/localities.yaml").full);
        assert!(c("content/terms.yaml").full);
        let b = c("content/2020/a.md");
        assert!(!b.full && !b.rescan);
        assert!(b.files.contains(Path::new("content/2020/a.md")));
        assert!(c("content/2020").rescan);
        assert!(c("static/x.css").statics);
        assert!(c("themes/t/templates/base.html").theme);
        assert!(c("templates/base.html").theme);
        assert!(c("public/index.html").is_empty());
        assert!(c("content/.a.md.swp").is_empty());
        assert!(c("content/.git/x.md").is_empty());
        assert!(classify(root, Path::new("/elsewhere/site.toml")).is_empty());
    }
}
