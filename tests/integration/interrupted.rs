//! Interrupted builds leave nothing behind: a build killed with SIGKILL while it writes
//! leaves its staging folder, which the next build removes; SIGINT and SIGTERM remove the
//! build's own staging folder and leave the previous output byte for byte; two builds of one
//! output at once both finish, and the output is complete. The archive is the basic fixture
//! with 4,000 generated bulletins, so that a build spends long enough writing to be caught
//! in the act.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{assert_same_tree, snapshot, Site};

const GENERATED: usize = 4000;

fn big_site() -> Site {
    let site = Site::new("basic");
    let dir = site.path("content/sinh-ra");
    std::fs::create_dir_all(&dir).unwrap();
    let filler = "Nội dung của bản tin được viết dài để trang có kích thước thật. ".repeat(20);
    for i in 0..GENERATED {
        std::fs::write(
            dir.join(format!("ban-tin-{i}.md")),
            format!(
                "---\ntitle: \"Bản tin sinh ra số {i}\"\ndate: 2021-01-{:02}\nlocality: dong-son\ntopics: [Chủ đề {}]\n---\nThu ngân sách đạt [{i},5 tỷ đồng](ind:thu-ngan-sach?period=2021&kind=actual). {filler}\n",
                i % 28 + 1,
                i % 40
            ),
        )
        .unwrap();
    }
    site
}

/// `bantin build --full` of `site` into its output, started, not waited for (a full build:
/// the one that stages the whole site; an incremental build of these unchanged sources would
/// have nothing to do).
fn spawn_build(site: &Site) -> Child {
    Command::new(env!("CARGO_BIN_EXE_bantin"))
        .args(["build", "--full", "--root"])
        .arg(&site.root)
        .arg("--output")
        .arg(&site.out)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start bantin build")
}

/// The staging folders beside the output.
fn staging_folders(site: &Site) -> Vec<PathBuf> {
    std::fs::read_dir(site.tmp.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".out.bantin-"))
        })
        .collect()
}

/// Bulletin pages written so far into a staging folder.
fn pages_staged(staging: &Path) -> usize {
    std::fs::read_dir(staging)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("site-"))
        .map(|e| {
            std::fs::read_dir(e.path().join("bai-viet"))
                .map(|d| {
                    d.filter_map(Result::ok)
                        .filter(|p| p.path().join("index.html").exists())
                        .count()
                })
                .unwrap_or(0)
        })
        .sum()
}

/// Wait until the build is writing pages (a hundred at least, not all), then return.
fn wait_until_writing(site: &Site, child: &mut Child) {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the build ended ({status}) before it could be interrupted: make the archive larger");
        }
        let staged: usize = staging_folders(site).iter().map(|s| pages_staged(s)).sum();
        if staged >= 100 {
            assert!(
                staged < GENERATED,
                "the build had written every page already"
            );
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the build never started writing"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn signal(child: &Child, sig: libc::c_int) {
    // SAFETY: kill(2) with the id of a child process we started and have not reaped.
    let r = unsafe { libc::kill(child.id() as libc::pid_t, sig) };
    assert_eq!(r, 0, "kill({}, {sig})", child.id());
}

/// Every file of the output, by path: a complete output has the same list as a fresh build.
fn file_list(dir: &Path) -> Vec<PathBuf> {
    snapshot(dir).into_keys().collect()
}

#[test]
fn a_build_killed_mid_write_is_cleaned_up_by_the_next() {
    let site = big_site();
    site.build(&[]).assert_ok();
    let complete = file_list(&site.out);
    let before = snapshot(&site.out);

    let mut child = spawn_build(&site);
    wait_until_writing(&site, &mut child);
    signal(&child, libc::SIGKILL);
    child.wait().unwrap();
    assert_eq!(
        staging_folders(&site).len(),
        1,
        "SIGKILL leaves its staging folder"
    );
    assert_same_tree(&before, &snapshot(&site.out), "the output after SIGKILL");

    let run = site.build(&[]);
    run.assert_ok();
    assert!(
        run.stderr
            .contains("left by an earlier build that was interrupted"),
        "the next build says what it removed:\n{}",
        run.stderr
    );
    assert!(
        staging_folders(&site).is_empty(),
        "no staging folder remains"
    );
    assert_eq!(file_list(&site.out), complete, "the output is complete");
}

fn interrupted_by(sig: libc::c_int) {
    let site = big_site();
    site.build(&[]).assert_ok();
    let before = snapshot(&site.out);
    let mut child = spawn_build(&site);
    wait_until_writing(&site, &mut child);
    signal(&child, sig);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(130),
        "exit status; stderr:\n{stderr}"
    );
    assert!(
        stderr.contains("the previous output in") && stderr.contains("is untouched"),
        "it says the previous output is untouched:\n{stderr}"
    );
    assert!(
        staging_folders(&site).is_empty(),
        "its staging folder is removed"
    );
    assert_same_tree(&before, &snapshot(&site.out), "the previous output");
}

#[test]
fn sigint_removes_the_staging_folder_and_leaves_the_output() {
    interrupted_by(libc::SIGINT);
}

#[test]
fn sigterm_removes_the_staging_folder_and_leaves_the_output() {
    interrupted_by(libc::SIGTERM);
}

#[test]
fn two_builds_of_one_output_at_once_both_finish_complete() {
    let site = big_site();
    // The reference: a build alone, then moved away.
    site.build(&[]).assert_ok();
    let complete = file_list(&site.out);
    let reference = snapshot(&site.out);
    std::fs::remove_dir_all(&site.out).unwrap();

    let a = spawn_build(&site);
    let b = spawn_build(&site);
    for (name, child) in [("first", a), ("second", b)] {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "the {name} build failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(
        staging_folders(&site).is_empty(),
        "no staging folder remains"
    );
    assert_eq!(file_list(&site.out), complete);
    assert_same_tree(
        &reference,
        &snapshot(&site.out),
        "the output of two builds at once",
    );
}
