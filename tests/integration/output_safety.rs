//! `--output` (or `output_dir`) that would replace the site's own files is refused, with
//! exit status 1, and nothing is deleted.

use std::path::Path;

use crate::util::{assert_same_tree, run_in, snapshot, Run, Site};

/// Run `bantin build` with these arguments from `cwd`; it must refuse, and the whole
/// temporary folder (site and all) must be unchanged. Returns the run.
fn assert_refused(site: &Site, cwd: &Path, args: &[&str]) -> Run {
    let before = snapshot(site.tmp.path());
    let run = run_in(cwd, args);
    run.assert_failed();
    assert!(
        run.stderr.contains("refusing to write the site here"),
        "{args:?}: {}",
        run.stderr
    );
    assert_same_tree(
        &before,
        &snapshot(site.tmp.path()),
        "the site and its parent",
    );
    run
}

fn root(site: &Site) -> &str {
    site.root.to_str().unwrap()
}

#[test]
fn output_equal_to_the_site_root_is_refused() {
    let site = Site::new("basic");
    assert_refused(
        &site,
        site.tmp.path(),
        &["build", "--root", root(&site), "--output", root(&site)],
    );
    // The same, written relatively.
    assert_refused(&site, &site.root, &["build", "--output", "."]);
    assert_refused(
        &site,
        &site.root,
        &["build", "--root", ".", "--output", "../site"],
    );
    assert_refused(
        &site,
        site.tmp.path(),
        &["build", "--root", "site", "--output", "site/./"],
    );
}

#[test]
fn output_equal_to_content_is_refused() {
    let site = Site::new("basic");
    let content = site.root.join("content");
    assert_refused(
        &site,
        site.tmp.path(),
        &[
            "build",
            "--root",
            root(&site),
            "--output",
            content.to_str().unwrap(),
        ],
    );
    assert_refused(&site, &site.root, &["build", "--output", "content"]);
    // A folder inside content/ is refused too: it would be read as content next time.
    assert_refused(&site, &site.root, &["build", "--output", "content/2020"]);
}

#[test]
fn output_equal_to_a_parent_of_the_root_is_refused() {
    let site = Site::new("basic");
    let parent = site.tmp.path().to_str().unwrap();
    assert_refused(
        &site,
        site.tmp.path(),
        &["build", "--root", root(&site), "--output", parent],
    );
    assert_refused(&site, &site.root, &["build", "--output", ".."]);
}

#[test]
fn output_dir_in_site_toml_is_checked_too() {
    for bad in [".", "content", ".."] {
        let site = Site::new("basic");
        site.append("site.toml", &format!("output_dir = \"{bad}\"\n"));
        assert_refused(&site, site.tmp.path(), &["build", "--root", root(&site)]);
    }
}

#[cfg(unix)]
#[test]
fn output_through_a_symlink_to_the_root_is_refused() {
    let site = Site::new("basic");
    let link = site.tmp.path().join("lien-ket");
    std::os::unix::fs::symlink(&site.root, &link).unwrap();
    assert_refused(
        &site,
        site.tmp.path(),
        &[
            "build",
            "--root",
            root(&site),
            "--output",
            link.to_str().unwrap(),
        ],
    );
}

#[test]
fn a_separate_output_folder_is_accepted_and_replaced_whole() {
    let site = Site::new("basic");
    // The default output_dir, public/ inside the root.
    run_in(&site.root, &["build"]).assert_ok();
    assert!(site.root.join("public/du-lieu/chi-tieu.csv").is_file());
    // An old file in the output is gone after the next build.
    std::fs::write(site.root.join("public/cu.txt"), "old").unwrap();
    run_in(&site.root, &["build"]).assert_ok();
    assert!(!site.root.join("public/cu.txt").exists());
    assert!(site.root.join("public/du-lieu/chi-tieu.json").is_file());
    // Nothing but the site's files, public/ and the build cache (no staging folders left).
    let mut names: Vec<String> = std::fs::read_dir(&site.root)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, [".bantin-cache", "content", "public", "site.toml"]);
}

/// A file where the output folder would go (a page saved by hand, a device such as
/// `/dev/null`) is refused, not replaced by the site's folder.
#[test]
fn output_that_is_a_file_is_refused() {
    let site = Site::new("basic");
    std::fs::write(site.tmp.path().join("public"), "kept").unwrap();
    let run = assert_refused(
        &site,
        site.tmp.path(),
        &["build", "--root", root(&site), "--output", "public"],
    );
    assert!(
        run.stderr.contains("a file, not a folder"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("public"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(site.tmp.path().join("public")).unwrap(),
        "kept"
    );
}
