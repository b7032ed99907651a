//! Rendering keeps each thread's page frame (the `site` view: title, links) between pages,
//! per archive. One process that builds two archives, as `bantin serve` and these tests do,
//! must give each page the frame of its own archive.

use bantin::build::{build, BuildOptions};

fn build_in_process(site: &crate::util::Site) {
    let opts = BuildOptions {
        load: Default::default(),
        output: Some(site.out.clone()),
        ..Default::default()
    };
    if let Err(e) = build(&site.root, &opts) {
        panic!("the fixture builds: {e:?}");
    }
}

fn page(site: &crate::util::Site, rel: &str) -> String {
    std::fs::read_to_string(site.out.join(rel)).unwrap()
}

#[test]
fn two_archives_built_in_one_process_keep_their_own_frames() {
    let a = crate::util::Site::new("pages");
    let b = crate::util::Site::new("pages");
    b.replace(
        "site.toml",
        "title = \"Lưu trữ thử nghiệm\"",
        "title = \"Kho bản tin thứ hai\"",
    );
    b.replace(
        "site.toml",
        "base_url = \"https://example.org/luu-tru/\"",
        "base_url = \"https://example.org/kho-hai/\"",
    );
    // Twice each, alternating, so that the threads meet both archives after each other.
    for _ in 0..2 {
        build_in_process(&a);
        build_in_process(&b);
    }
    let pages = std::fs::read_dir(a.out.join("bai-viet"))
        .unwrap()
        .map(|e| {
            format!(
                "bai-viet/{}/index.html",
                e.unwrap().file_name().to_string_lossy()
            )
        })
        .chain(["index.html".to_string(), "chi-tieu/index.html".to_string()])
        .collect::<Vec<_>>();
    assert!(pages.len() > 3, "the fixture has bulletins: {pages:?}");
    for rel in &pages {
        assert_frame_of(
            &page(&a, rel),
            rel,
            "Lưu trữ thử nghiệm",
            "/luu-tru/",
            "Kho bản tin thứ hai",
        );
        assert_frame_of(
            &page(&b, rel),
            rel,
            "Kho bản tin thứ hai",
            "/kho-hai/",
            "Lưu trữ thử nghiệm",
        );
        assert!(
            !page(&b, rel).contains("/luu-tru/"),
            "{rel} of B has no link into A"
        );
    }
}

/// The page names its own archive, links its own style sheet, and does not name the other.
fn assert_frame_of(html: &str, rel: &str, title: &str, base_path: &str, other_title: &str) {
    assert!(html.contains(title), "{rel} names {title}");
    assert!(
        !html.contains(other_title),
        "{rel} does not name {other_title}"
    );
    let css = format!("href=\"{base_path}static/style.css\"");
    assert!(html.contains(&css), "{rel} links {css}");
}
