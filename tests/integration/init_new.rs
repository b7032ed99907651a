//! `bantin init` writes an archive that builds at once and refuses a non-empty folder;
//! `bantin new` writes a bulletin that the next build includes.

use std::path::Path;
use std::process::{Command, Output};

fn bantin(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bantin"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("bantin runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn init_then_build() {
    let tmp = tempfile::tempdir().unwrap();
    let o = bantin(&["init", "x"], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    let o = bantin(&["build", "--root", "x"], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    let out = tmp.path().join("x/public");
    assert!(out.join("index.html").is_file());
    assert!(out
        .join("bai-viet/tp-yen-bai-ke-hoach-2021/index.html")
        .is_file());
    let csv = std::fs::read_to_string(out.join("du-lieu/chi-tieu.csv")).unwrap();
    assert!(
        csv.contains("thu-ngan-sach") && csv.contains("tang-truong"),
        "{csv}"
    );
    let o = bantin(&["check", "--root", "x"], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn init_refuses_a_non_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let o = bantin(&["init", "."], tmp.path());
    assert!(!o.status.success());
    assert!(text(&o).contains("not empty"), "{}", text(&o));
    assert!(!tmp.path().join("site.toml").exists());
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn new_writes_a_bulletin_the_build_includes() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    assert!(bantin(&["init", "."], root).status.success());
    let o = bantin(
        &[
            "new",
            "Phường Âu Lâu họp \"giao ban\" quý I",
            "--locality",
            "au-lau",
            "--date",
            "2024-03-20",
        ],
        root,
    );
    assert!(o.status.success(), "{}", text(&o));
    let printed = String::from_utf8_lossy(&o.stdout).trim().to_string();
    assert!(
        printed.ends_with("content/2024/phuong-au-lau-hop-giao-ban-quy-i.md"),
        "{printed}"
    );
    let written = std::fs::read_to_string(root.join(&printed)).unwrap();
    assert!(written.contains("title: \"Phường Âu Lâu họp \\\"giao ban\\\" quý I\""));
    assert!(written.contains("date: 2024-03-20") && written.contains("locality: au-lau"));
    assert!(written.contains("# indicators:"));

    // Never over an existing file.
    let again = bantin(
        &[
            "new",
            "Phường Âu Lâu họp \"giao ban\" quý I",
            "--locality",
            "au-lau",
            "--date",
            "2024-05-01",
        ],
        root,
    );
    assert!(!again.status.success());
    assert!(text(&again).contains("already exists"), "{}", text(&again));

    // An unknown locality, with a suggestion; a bad date.
    let o = bantin(&["new", "Tin khác", "--locality", "au-lua"], root);
    assert!(!o.status.success());
    assert!(text(&o).contains("did you mean `au-lau`?"), "{}", text(&o));
    let o = bantin(
        &[
            "new",
            "Tin khác",
            "--locality",
            "au-lau",
            "--date",
            "20-03-2024",
        ],
        root,
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("not a date"), "{}", text(&o));

    let o = bantin(&["build"], root);
    assert!(o.status.success(), "{}", text(&o));
    let page = root.join("public/bai-viet/phuong-au-lau-hop-giao-ban-quy-i/index.html");
    let html = std::fs::read_to_string(page).unwrap();
    assert!(html.contains("giao ban"));
}
