//! Where runs of consecutive bulletins end, decided by their source files and not by their
//! places: a run ends after a bulletin whose file name hashes to a boundary (one in
//! `target`), or at four times `target`. So a bulletin added or removed changes its own run,
//! not every run after it. The search index's batches ([`crate::search::batches`]) and the
//! build record's chunks ([`crate::build::cache`]) are cut this way, so that an addition
//! inverts one batch again and packs one chunk again.

use std::ops::Range;
use std::path::Path;

/// Whether a run of `target` bulletins on average ends after the bulletin of source `file`,
/// the `len`th of the run.
pub fn ends_after(file: &Path, len: usize, target: u64) -> bool {
    let target = target.max(1);
    let name = file.as_os_str().as_encoded_bytes();
    len >= 4 * target as usize || xxhash_rust::xxh3::xxh3_64(name).is_multiple_of(target)
}

/// The runs of the bulletins of these source `files` (in archive order), of `target`
/// bulletins on average (see [`ends_after`]).
pub fn ranges<'a>(
    files: impl ExactSizeIterator<Item = &'a Path>,
    target: u64,
) -> Vec<Range<usize>> {
    let len = files.len();
    let mut out = Vec::with_capacity(len / target.max(1) as usize + 1);
    let mut start = 0;
    for (i, file) in files.enumerate() {
        if ends_after(file, i + 1 - start, target) {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < len {
        out.push(start..len);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::path::PathBuf;

    #[test]
    fn runs_end_where_their_files_say_so_adding_one_changes_one_run() {
        const TARGET: u64 = 256;
        let files: Vec<PathBuf> = (0..20_000)
            .map(|i| PathBuf::from(format!("content/{i}.md")))
            .collect();
        let before = ranges(files.iter().map(|f| f.as_path()), TARGET);
        let expected = files.len() / TARGET as usize;
        assert!(
            before.len() > expected / 2 && before.len() < expected * 2,
            "{} runs",
            before.len()
        );
        assert!(before.iter().all(|r| r.len() <= 4 * TARGET as usize));
        assert_eq!(before.iter().map(|r| r.len()).sum::<usize>(), files.len());
        // One bulletin more in the middle: every run but the one it joins is the same
        // list of files.
        let mut with = files.clone();
        with.insert(10_000, PathBuf::from("content/moi.md"));
        let after = ranges(with.iter().map(|f| f.as_path()), TARGET);
        let names = |v: &[PathBuf], r: &Range<usize>| v[r.clone()].to_vec();
        let old: HashSet<Vec<PathBuf>> = before.iter().map(|r| names(&files, r)).collect();
        let new_only = after
            .iter()
            .filter(|r| !old.contains(&names(&with, r)))
            .count();
        assert!(new_only <= 2, "{new_only} runs changed");
    }
}
