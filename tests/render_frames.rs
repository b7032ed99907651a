//! Rendering keeps each thread's page frame (the `site` view: title, links) between pages,
//! per archive. One process that builds two archives, as `bantin serve` and these tests do,
//! must give each page the frame of its own archive.

mod common;

use bantin::build::{build, BuildOptions};

fn build_in_process(site: &common::Site) {
    let opts = BuildOptions {
        load: Default::default(),
        output: Some(site.out.clone()),
    };
    if let Err(e) = build(&site.root, &opts) {
        panic!("the fixture builds: {e:?}");
    }
}

fn page(site: &common::Site, rel: &str) -> String {
    std::fs::read_to_string(site.out.join(rel)).unwrap()
}

#[test]
fn two_archives_built_in_one_process_keep_their_own_frames() {
    let a = common::Site::new("pages");
    let b = common::Site::new("pages");
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
        let (pa, pb) = (page(&a, rel), page(&b, rel));
        assert!(pa.contains("Lưu trữ thử nghiệm"), "{rel} of A names A");
        assert!(
            !pa.contains("Kho bản tin thứ hai"),
            "{rel} of A does not name B"
        );
        assert!(
            pa.contains("href=\"/luu-tru/static/style.css\""),
            "{rel} of A links A's style sheet"
        );
        assert!(pb.contains("Kho bản tin thứ hai"), "{rel} of B names B");
        assert!(
            !pb.contains("Lưu trữ thử nghiệm"),
            "{rel} of B does not name A"
        );
        assert!(
            pb.contains("href=\"/kho-hai/static/style.css\""),
            "{rel} of B links B's style sheet"
        );
        assert!(!pb.contains("/luu-tru/"), "{rel} of B has no link into A");
    }
}
