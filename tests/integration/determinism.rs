//! The output of a build is byte-identical from run to run: parallel parsing and rendering,
//! hash maps and the reuse of unchanged files never change what is written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn build(root: &Path, out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_bantin"))
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out)
        .status()
        .expect("run bantin");
    assert!(status.success(), "build of {} failed", root.display());
}

#[test]
fn two_builds_of_the_example_archive_are_byte_identical() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    build(root, &a);
    build(root, &b);
    // A rebuild over an existing output (which reuses unchanged files) too.
    build(root, &b);
    let (fa, fb) = (files(&a), files(&b));
    assert!(fa.len() > 100, "the example archive has {} files", fa.len());
    assert_eq!(
        fa.keys().collect::<Vec<_>>(),
        fb.keys().collect::<Vec<_>>(),
        "the two builds wrote different files"
    );
    for (path, bytes) in &fa {
        assert!(
            bytes == &fb[path],
            "{} differs between two builds",
            path.display()
        );
    }
}

/// The same on a generated archive large enough for every worker thread to take part.
#[test]
fn two_builds_of_a_generated_archive_are_byte_identical() {
    let gen = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/gen_corpus.py");
    if !crate::util::pages::require_program(
        "python3",
        "`apt-get install python3` (it writes the generated archive)",
    ) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let status = Command::new("python3")
        .arg(&gen)
        .arg("600")
        .arg(tmp.path().join("corpus"))
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run python3");
    assert!(status.success());
    let root = tmp.path().join("corpus/bantin");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    build(&root, &a);
    build(&root, &b);
    let (fa, fb) = (files(&a), files(&b));
    assert_eq!(fa.len(), fb.len());
    for (path, bytes) in &fa {
        assert!(
            bytes == &fb[path],
            "{} differs between two builds",
            path.display()
        );
    }
}
