//! The integration tests' helpers: fixture sites copied into temporary folders, runs of the
//! `bantin` binary, snapshots of folders and parsing of the error report; [`pages`] reads
//! built pages and finds the external tools (node, Chromium, Java), [`serve`] drives
//! `bantin serve`.

pub mod pages;
pub mod serve;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_bantin");

/// A checked-in fixture archive under tests/fixtures/.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Copy a folder recursively (files and folders only).
pub fn copy_dir(src: &Path, dst: &Path) {
    fs::create_dir_all(dst).unwrap();
    for entry in fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let to = dst.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            fs::copy(entry.path(), &to).unwrap();
        }
    }
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The error report as blocks: an `error: …` line with its `  help: …` lines.
    pub fn errors(&self) -> Vec<String> {
        error_blocks(&self.stderr)
    }

    pub fn assert_ok(&self) {
        assert_eq!(
            self.code,
            Some(0),
            "expected success; stderr:\n{}",
            self.stderr
        );
        self.assert_no_panic();
    }

    pub fn assert_failed(&self) {
        assert_eq!(
            self.code,
            Some(1),
            "expected exit 1; stderr:\n{}",
            self.stderr
        );
        self.assert_no_panic();
    }

    pub fn assert_no_panic(&self) {
        assert!(
            !self.stderr.contains("panicked") && !self.stdout.contains("panicked"),
            "the binary panicked:\n{}",
            self.stderr
        );
    }
}

/// Run `bantin args…` in `cwd`.
pub fn run_in(cwd: &Path, args: &[&str]) -> Run {
    run_in_env(cwd, args, &[])
}

/// [`run_in`] with these variables set in the environment.
pub fn run_in_env(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .env_remove("RUST_BACKTRACE")
        .envs(env.iter().copied())
        .output()
        .expect("the bantin binary runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Split an error report into blocks, one per `error: ` line, its `  help:` lines attached.
pub fn error_blocks(stderr: &str) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    let mut in_block = false;
    for line in stderr.lines() {
        if line.starts_with("error: ") {
            blocks.push(line.to_string());
            in_block = true;
        } else if in_block && line.starts_with("  ") {
            let last = blocks.last_mut().expect("in a block");
            last.push('\n');
            last.push_str(line);
        } else {
            in_block = false;
        }
    }
    blocks
}

/// Every file and folder under `dir`, relative to it: files with their bytes, folders as
/// `None`. Two equal snapshots mean the folder is byte-for-byte the same.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Option<Vec<u8>>>) {
        let mut entries: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap()).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let p = e.path();
            let rel = p.strip_prefix(base).unwrap().to_path_buf();
            let ty = e.file_type().unwrap();
            if ty.is_dir() {
                out.insert(rel, None);
                walk(base, &p, out);
            } else if ty.is_symlink() {
                let target = fs::read_link(&p).unwrap();
                out.insert(rel, Some(target.to_string_lossy().as_bytes().to_vec()));
            } else {
                out.insert(rel, Some(fs::read(&p).unwrap()));
            }
        }
    }
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

/// Assert two snapshots are equal, naming the first difference.
pub fn assert_same_tree(
    before: &BTreeMap<PathBuf, Option<Vec<u8>>>,
    after: &BTreeMap<PathBuf, Option<Vec<u8>>>,
    what: &str,
) {
    let keys_before: Vec<_> = before.keys().collect();
    let keys_after: Vec<_> = after.keys().collect();
    assert_eq!(keys_before, keys_after, "{what}: the set of files changed");
    for (k, v) in before {
        assert!(
            &after[k] == v,
            "{what}: {} changed (its bytes differ)",
            k.display()
        );
    }
}

/// A fixture copied into a fresh temporary folder: `<tmp>/site` is the site root,
/// `<tmp>/out` the output folder used by [`Site::build`].
pub struct Site {
    pub tmp: tempfile::TempDir,
    pub root: PathBuf,
    pub out: PathBuf,
}

impl Site {
    pub fn new(fixture_name: &str) -> Site {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        copy_dir(&fixture(fixture_name), &root);
        let out = tmp.path().join("out");
        Site { tmp, root, out }
    }

    /// A site at `src` (the example archive, say) copied the same way, without its output
    /// and build cache.
    pub fn copy_of(src: &Path) -> Site {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        pages::copy_site(src, &root);
        let out = tmp.path().join("out");
        Site { tmp, root, out }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// `bantin build --root site --output out [extra…]`.
    pub fn build(&self, extra: &[&str]) -> Run {
        self.build_into(&self.out, extra, &[])
    }

    /// [`Site::build`] with `BANTIN_TIMINGS=1`: stderr also says what the build read and
    /// kept of its cache (`crate::timings::note` in the library).
    pub fn build_noting(&self, extra: &[&str]) -> Run {
        self.build_into(&self.out, extra, &[("BANTIN_TIMINGS", "1")])
    }

    /// `bantin build --root site --output OUT [extra…]` with these variables set.
    pub fn build_into(&self, out: &Path, extra: &[&str], env: &[(&str, &str)]) -> Run {
        let mut args = vec![
            "build",
            "--root",
            self.root.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        run_in_env(self.tmp.path(), &args, env)
    }

    /// `bantin check --root site [extra…]`.
    pub fn check(&self, extra: &[&str]) -> Run {
        let mut args = vec!["check", "--root", self.root.to_str().unwrap()];
        args.extend_from_slice(extra);
        run_in(self.tmp.path(), &args)
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap()
    }

    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    }

    /// Append text to a file; returns the number of lines the file had before, so that line
    /// `k` of the appended text is line `before + k` of the file.
    pub fn append(&self, rel: &str, text: &str) -> usize {
        let old = self.read(rel);
        assert!(old.ends_with('\n'), "{rel} ends with a newline");
        let before = old.lines().count();
        fs::write(self.path(rel), format!("{old}{text}")).unwrap();
        before
    }

    /// Replace the only occurrence of `from` in a file; returns the 1-based line where it was.
    pub fn replace(&self, rel: &str, from: &str, to: &str) -> usize {
        let old = self.read(rel);
        assert_eq!(
            old.matches(from).count(),
            1,
            "`{from}` occurs once in {rel}"
        );
        let line = line_of(&old, from);
        fs::write(self.path(rel), old.replace(from, to)).unwrap();
        line
    }
}

/// 1-based line of the first occurrence of `needle` in `text`.
pub fn line_of(text: &str, needle: &str) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not found"));
    text[..at].matches('\n').count() + 1
}

/// The data files of an output folder.
pub struct Data {
    pub json: Vec<serde_json::Value>,
    pub csv_text: String,
    pub csv_header: Vec<String>,
    pub csv_rows: Vec<Vec<String>>,
    pub package: serde_json::Value,
}

pub fn read_data(out: &Path) -> Data {
    let json_text = fs::read_to_string(out.join("du-lieu/chi-tieu.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&json_text).unwrap();
    let json = json.as_array().expect("chi-tieu.json is an array").clone();
    let csv_text = fs::read_to_string(out.join("du-lieu/chi-tieu.csv")).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(csv_text.as_bytes());
    let csv_header = reader.headers().unwrap().iter().map(String::from).collect();
    let csv_rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let package: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("du-lieu/datapackage.json")).unwrap())
            .unwrap();
    Data {
        json,
        csv_text,
        csv_header,
        csv_rows,
        package,
    }
}
