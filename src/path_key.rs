//! Paths as keys of hash maps and sets, hashed and compared by their bytes.
//!
//! `Path`'s own `Hash` goes through the path component by component (so that `a//b` and
//! `a/b` hash alike), and comparing two paths parses them the same way. An incremental build
//! of 100,000 bulletins keyed about a million paths so (its bulletins by file, to tell what
//! changed, what is cached and what was built), 5% of its time, most of it where nothing
//! else runs. The paths bantin keys by are all made one way, joined from what the walk of
//! `content/` found or read back from the cache that stored them, so their bytes are the
//! key: [`bytes`] for a borrowed path, [`PathKey`] for an owned one.

use std::borrow::Borrow;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// A path's bytes, to key a map or set by, or to look up a [`PathKey`] with.
pub fn bytes(p: &Path) -> &[u8] {
    p.as_os_str().as_encoded_bytes()
}

/// An owned path that is hashed and compared by its bytes; a map keyed by it is searched
/// with [`bytes`] of a path.
#[derive(Clone, Debug)]
pub struct PathKey(PathBuf);

impl PathKey {
    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn into_path(self) -> PathBuf {
        self.0
    }
}

impl From<PathBuf> for PathKey {
    fn from(p: PathBuf) -> Self {
        PathKey(p)
    }
}

impl Hash for PathKey {
    fn hash<H: Hasher>(&self, h: &mut H) {
        // As `[u8]` hashes, so that looking up by `bytes` finds it.
        bytes(&self.0).hash(h)
    }
}

impl PartialEq for PathKey {
    fn eq(&self, other: &Self) -> bool {
        bytes(&self.0) == bytes(&other.0)
    }
}

impl Eq for PathKey {}

impl Borrow<[u8]> for PathKey {
    fn borrow(&self) -> &[u8] {
        bytes(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustc_hash::FxHashMap;

    #[test]
    fn a_path_key_is_found_by_the_bytes_of_its_path() {
        let mut m: FxHashMap<PathKey, u32> = FxHashMap::default();
        m.insert(PathBuf::from("content/2016/ban-tin-1.md").into(), 1);
        m.insert(PathBuf::from("content/đông-sơn/index.md").into(), 2);
        assert_eq!(
            m.get(bytes(Path::new("content/2016/ban-tin-1.md"))),
            Some(&1)
        );
        assert_eq!(
            m.get(bytes(Path::new("content/đông-sơn/index.md"))),
            Some(&2)
        );
        assert_eq!(m.get(bytes(Path::new("content/2016/ban-tin-2.md"))), None);
        let (k, v) = m
            .remove_entry(bytes(Path::new("content/2016/ban-tin-1.md")))
            .unwrap();
        assert_eq!(
            (k.into_path(), v),
            (PathBuf::from("content/2016/ban-tin-1.md"), 1)
        );
        assert_eq!(m.len(), 1);
    }

    #[test]
    fn keys_are_the_bytes_not_the_components() {
        // Documented: paths spelled otherwise are other keys (bantin makes each one way).
        let a: PathKey = PathBuf::from("content/a.md").into();
        let b: PathKey = PathBuf::from("content//a.md").into();
        assert_ne!(a, b);
        assert_eq!(a, PathBuf::from("content/a.md").into());
    }
}
