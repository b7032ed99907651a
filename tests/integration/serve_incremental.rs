//! `bantin serve` rebuilds only what a change needs: after every kind of bulletin edit, the
//! served files must be exactly those of a build from scratch.

use std::collections::HashMap;
use std::path::Path;

use bantin::load::LoadOptions;
use bantin::rebuild::site::{Changes, Delta, Site};

type Files = HashMap<String, Vec<u8>>;

fn opts() -> LoadOptions {
    LoadOptions {
        drafts: false,
        base_url: Some("http://127.0.0.1:1111/".into()),
    }
}

fn apply(files: &mut Files, d: Delta) {
    if let Some(pages) = &d.changed {
        for p in pages {
            assert!(p.starts_with('/'), "{p}");
        }
    }
    if d.replace_all {
        files.clear();
    }
    for p in d.remove {
        files.remove(&p);
    }
    files.extend(d.insert);
}

fn from_scratch(root: &Path) -> Files {
    let mut site = Site::new(root, opts());
    let mut files = Files::new();
    site.rebuild(Changes::full(), &mut |d| apply(&mut files, d))
        .expect("builds");
    files
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// The example archive with small pages and a few more bulletins, so lists paginate.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content"), &dir.path().join("content"));
    let toml = std::fs::read_to_string(repo.join("site.toml")).unwrap();
    let toml: String = toml
        .lines()
        .filter(|l| !l.starts_with("per_page"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.path().join("site.toml"), toml + "per_page = 2\n").unwrap();
    let locs = ["au-lau", "minh-bao", "tp-ha-tinh", "dong-son", "tuy-loc"];
    for i in 0..14 {
        let text = format!(
            "---\ntitle: \"Bản tin thử {i}\"\ndate: 20{:02}-0{}-1{}\nlocality: {}\ntopics: [Chủ đề {}]\nindicators:\n  - {{id: thu-ngan-sach, value: {}, period: 20{:02}, kind: target}}\n---\nNội dung {i}.\n",
            18 + i % 7,
            1 + i % 9,
            i % 10,
            locs[i % locs.len()],
            i % 3,
            100 + i,
            18 + i % 7,
        );
        write(dir.path(), &format!("content/thu/b{i}.md"), &text);
    }
    dir
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let p = root.join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{rel} has no `{from}`");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

fn changed(rel: &str) -> Changes {
    Changes::file(rel)
}

/// Rebuild after a change and compare with a build from scratch.
fn check(site: &mut Site, files: &mut Files, root: &Path, ch: Changes, what: &str) -> usize {
    let report = site
        .rebuild(ch, &mut |d| apply(files, d))
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let want = from_scratch(root);
    let mut diffs: Vec<String> = Vec::new();
    for (p, b) in &want {
        match files.get(p) {
            None => diffs.push(format!("missing {p}")),
            Some(x) if x != b => diffs.push(format!("stale {p}")),
            _ => {}
        }
    }
    for p in files.keys() {
        if !want.contains_key(p) {
            diffs.push(format!("extra {p}"));
        }
    }
    diffs.sort();
    assert!(diffs.is_empty(), "after {what}: {diffs:#?}");
    report.pages
}

#[test]
fn incremental_rebuilds_match_full_builds() {
    let dir = fixture();
    let root = dir.path();
    let mut site = Site::new(root, opts());
    let mut files = Files::new();
    let all = site
        .rebuild(Changes::full(), &mut |d| apply(&mut files, d))
        .expect("builds")
        .pages;

    let b = "content/thu/b3.md";
    let n = check(
        &mut site,
        &mut files,
        root,
        {
            edit(root, b, "Bản tin thử 3\"", "Bản tin đã sửa\"");
            changed(b)
        },
        "a title edit",
    );
    assert!(n < all / 2, "a title edit re-rendered {n} of {all} pages");

    let steps: Vec<(&str, &str, &str, &str)> = vec![
        (b, "date: 2021-04-13", "date: 2019-02-01", "a date change"),
        (
            b,
            "locality: dong-son",
            "locality: tp-ha-tinh",
            "a locality change",
        ),
        (
            b,
            "topics: [Chủ đề 0]",
            "topics: [Chủ đề mới, chủ đề 1]",
            "new topics",
        ),
        (b, "value: 103", "value: 999", "a value change"),
        (
            b,
            "id: thu-ngan-sach",
            "id: tang-truong",
            "an indicator change",
        ),
        (
            b,
            "Nội dung 3.",
            "Nội dung [trên 5%](ind:tang-truong?period=2019&kind=target&qualifier=over).",
            "an inline figure",
        ),
        (b, "date: 2019-02-01", "date: 2030-02-01", "a new year"),
        (
            "content/thu/b4.md",
            "topics: [Chủ đề 1]",
            "topics: [chủ đề 1]",
            "a topic spelling",
        ),
        (
            "content/thu/b5.md",
            "---\ntitle",
            "---\nslug: doi-ten\ntitle",
            "a new slug",
        ),
    ];
    for (file, from, to, what) in steps {
        edit(root, file, from, to);
        check(&mut site, &mut files, root, changed(file), what);
    }

    // A broken bulletin keeps the last good site; fixing it catches up.
    edit(root, b, "date: 2030-02-01", "date: 2030-13-45");
    let err = site
        .rebuild(changed(b), &mut |_| {
            panic!("nothing is served from a failed build")
        })
        .unwrap_err()
        .to_string();
    assert!(err.contains("b3.md:3"), "{err}");
    edit(root, b, "date: 2030-13-45", "date: 2022-06-06");
    check(
        &mut site,
        &mut files,
        root,
        changed("content/thu/b9.md"),
        "a fix",
    );

    // Added and removed files, and a folder moved away.
    write(
        root,
        "content/them/moi.md",
        "---\ntitle: Mới\ndate: 2024-01-01\nlocality: dong-son\n---\nMới.\n",
    );
    check(
        &mut site,
        &mut files,
        root,
        changed("content/them/moi.md"),
        "an added file",
    );
    std::fs::remove_file(root.join("content/thu/b0.md")).unwrap();
    check(
        &mut site,
        &mut files,
        root,
        changed("content/thu/b0.md"),
        "a removed file",
    );
    std::fs::rename(root.join("content/them"), root.join("content/.an")).unwrap();
    let folder = Changes {
        rescan: true,
        ..Changes::default()
    };
    check(&mut site, &mut files, root, folder, "a folder hidden");

    // Templates and settings.
    write(root, "templates/404.html", "<html><body>gone</body></html>");
    let theme = Changes {
        theme: true,
        ..Changes::default()
    };
    check(&mut site, &mut files, root, theme, "a template");
    edit(root, "site.toml", "per_page = 2", "per_page = 3");
    check(&mut site, &mut files, root, Changes::full(), "settings");
    write(root, "static/extra.txt", "x");
    let statics = Changes {
        statics: true,
        ..Changes::default()
    };
    check(&mut site, &mut files, root, statics, "a static file");
}

/// A bulletin added to a term redoes its own localities' pages of the term and the term's
/// The fixture's site, built from scratch, with its files.
fn built(root: &Path) -> (Site, Files) {
    let mut site = Site::new(root, opts());
    let mut files = Files::new();
    site.rebuild(Changes::full(), &mut |d| apply(&mut files, d))
        .expect("builds");
    (site, files)
}

/// Rebuild after a change of `rel`; the addresses of the pages it redid.
fn redone_after(site: &mut Site, files: &mut Files, rel: &str) -> Vec<String> {
    let mut redone: Vec<String> = Vec::new();
    site.rebuild(changed(rel), &mut |d| {
        redone.extend(d.changed.iter().flatten().cloned());
        apply(files, d)
    })
    .expect("rebuilds");
    redone
}

/// page, not the pages of the term's other localities (they do not show the term's count).
#[test]
fn an_added_bulletin_leaves_other_localities_pages_of_its_term_alone() {
    let dir = fixture();
    let root = dir.path();
    let (mut site, mut files) = built(root);
    let other = "/dia-phuong/au-lau/2020-2025/";
    assert!(
        files.contains_key("dia-phuong/au-lau/2020-2025/index.html"),
        "the fixture has au-lau bulletins in 2020-2025"
    );

    let new = "content/them/moi.md";
    write(
        root,
        new,
        "---\ntitle: Mới\ndate: 2024-01-01\nlocality: dong-son\n---\nMới.\n",
    );
    let redone = redone_after(&mut site, &mut files, new);
    assert!(
        redone
            .iter()
            .any(|p| p == "/dia-phuong/dong-son/2020-2025/"),
        "{redone:?}"
    );
    assert!(
        redone.iter().any(|p| p == "/nhiem-ky/2020-2025/"),
        "{redone:?}"
    );
    assert!(!redone.iter().any(|p| p == other), "{redone:?}");
    assert_eq!(
        files,
        from_scratch(root),
        "the pages left alone are still right"
    );
}

/// An edit of a bulletin's text alone leaves the pages of its indicators and its term alone
/// (they show its title, date and figures, not its text); an edit of its title redoes them.
#[test]
fn a_text_edit_leaves_the_pages_of_indicators_and_terms_alone() {
    let dir = fixture();
    let root = dir.path();
    let (mut site, mut files) = built(root);
    let rel = "content/2020/01/dong-son-trien-khai-nhiem-vu-2020.md";
    let own = "/bai-viet/dong-son-trien-khai-nhiem-vu-2020/";
    let indicator = "/chi-tieu/truong-chuan/";
    // An indicator's or a term's own page (the catalogues count bulletins: always redone).
    let heavy = |p: &String| {
        ["/chi-tieu/", "/nhiem-ky/"]
            .iter()
            .any(|top| p.starts_with(top) && p != top)
    };

    edit(
        root,
        rel,
        "Nhân dịp này,",
        "Một câu thêm ở giữa bài. Nhân dịp này,",
    );
    let redone = redone_after(&mut site, &mut files, rel);
    assert!(redone.iter().any(|p| p == own), "{redone:?}");
    assert!(!redone.iter().any(heavy), "{redone:?}");
    assert_eq!(files, from_scratch(root), "after a text edit");

    edit(root, rel, "title: \"", "title: \"Sửa: ");
    let redone = redone_after(&mut site, &mut files, rel);
    assert!(redone.iter().any(|p| p == indicator), "{redone:?}");
    assert!(
        redone
            .iter()
            .any(|p| p.starts_with("/nhiem-ky/") && p != "/nhiem-ky/"),
        "{redone:?}"
    );
    assert_eq!(files, from_scratch(root), "after a title edit");
}
