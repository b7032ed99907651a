//! Drafts under review: built with `--drafts` (as `bantin serve --drafts` does), a draft's
//! page marks each figure with its reading and the list of drafts waiting for review is
//! written; built without, neither exists. (The same in Chromium: tests/browser.rs.)

use std::path::Path;
use std::process::Command;

use crate::util::pages::{copy_site, example_root, text, Page};

fn build(root: &Path, out: &Path, drafts: bool) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bantin"));
    cmd.args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out);
    if drafts {
        cmd.arg("--drafts");
    }
    let run = cmd.output().expect("run bantin build");
    assert!(
        run.status.success(),
        "bantin build failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

fn page(out: &Path, p: &str) -> Page {
    Page {
        path: p.to_string(),
        html: scraper::Html::parse_document(
            &std::fs::read_to_string(out.join(p).join("index.html")).unwrap(),
        ),
    }
}

const DRAFT: &str = "---
title: Bản nháp nhập tự động
date: 2020-01-07
locality: dong-son
draft: true
defaults: { period: 2020, kind: target }
---
Phấn đấu tăng trưởng [18,2%](ind:tang-truong), thu ngân sách [khoảng 1.000 tỷ đồng](ind:thu-ngan-sach?basis=resolution), đạt [12%](ind:tang-truong?kind=actual&period=2020-M9).
";

#[test]
fn a_draft_shows_each_figure_with_its_reading_and_is_listed_for_review() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_site(&example_root(), &root);
    std::fs::create_dir_all(root.join("content/nhap/2020")).unwrap();
    std::fs::write(root.join("content/nhap/2020/ban-nhap-nhap.md"), DRAFT).unwrap();

    let out = tmp.path().join("drafts");
    build(&root, &out, true);
    let p = page(&out, "bai-viet/ban-nhap-nhap");
    let readings: Vec<String> = p.texts(".body a.figure + span.reading");
    assert_eq!(
        readings,
        [
            "Tăng trưởng · target · 2020",
            "Thu ngân sách · target · 2020 · about · resolution",
            "Tăng trưởng · actual · 2020-M9",
        ]
    );
    assert!(p.text(".draft-banner").contains("Bản nháp chờ duyệt"));
    // The list of drafts: this one and the example's own draft, newest first.
    let list = page(&out, "nhap");
    let titles: Vec<String> = list
        .all("main ol.items > li .item-title")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        titles,
        [
            "Yên Bái rà soát khả năng hoàn thành chỉ tiêu tăng trưởng năm 2024",
            "Bản nháp nhập tự động"
        ]
    );
    let home = page(&out, "");
    assert_eq!(home.text(".drafts-notice a"), "2 bản nháp chờ duyệt");
    // A published bulletin carries no reading.
    let published = page(&out, "bai-viet/kh-173-yen-bai");
    assert!(published.all("span.reading").is_empty());
    assert!(published.all(".draft-banner").is_empty());

    // Without drafts: no draft page, no list, no notice.
    let out = tmp.path().join("public");
    build(&root, &out, false);
    assert!(!out.join("bai-viet/ban-nhap-nhap").exists());
    assert!(!out.join("nhap").exists());
    assert!(page(&out, "").all(".drafts-notice").is_empty());
}
