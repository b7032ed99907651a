//! The example archive in a real browser: Debian's Chromium, headless, driven by the node
//! scripts of tests/browser/ (playwright-core, never a downloaded browser). The relative
//! build is opened from disk (file://), navigated by clicking, checked at 360 px wide, and
//! screenshots are saved to target/screenshots/ for a person to look at.
//!
//! Needs node, `npm ci --prefix tests/browser` and /usr/bin/chromium: `.ci/run` installs
//! them. When one is missing these tests fail (they never pass silently).

mod common_pages;

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use common_pages::{
    browser_dir, build_copy, example_root, require, require_program, set_setting, Site,
};

const CHROMIUM: &str = "/usr/bin/chromium";

/// The example archive with `relative_urls = true`, built once.
fn relative_example() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        build_copy(&example_root(), None, |root| {
            set_setting(root, "relative_urls", "true");
        })
    })
}

fn screenshots() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| example_root().join("target"));
    target.join("screenshots")
}

/// Run `node tests/browser/<script> <site> <screenshots>` and require exit 0.
fn run(script: &str) {
    require_program(
        "node",
        "`apt-get install nodejs npm` (the browser checks are node scripts)",
    );
    require(
        &browser_dir().join("node_modules/playwright-core/package.json"),
        "playwright-core (tests/browser/node_modules)",
    );
    require(std::path::Path::new(CHROMIUM), "Chromium");
    let site = relative_example();
    let out = Command::new("node")
        .arg(browser_dir().join(script))
        .arg(&site.out)
        .arg(screenshots())
        .current_dir(example_root())
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "node tests/browser/{script} failed (exit {:?}):\n{stdout}\n{stderr}",
        out.status.code()
    );
}

#[test]
fn navigates_from_disk_by_clicking_with_styles_applied() {
    run("navigate.mjs");
}

#[test]
fn a_phone_never_scrolls_sideways_and_tables_scroll_in_their_box() {
    run("narrow.mjs");
}

#[test]
fn desktop_screenshots() {
    run("screenshots.mjs");
    for f in [
        "desktop-bulletin.png",
        "desktop-indicator-charts.png",
        "desktop-locality-term.png",
    ] {
        let p = screenshots().join(f);
        let len = std::fs::metadata(&p).map_or(0, |m| m.len());
        assert!(len > 10_000, "{} is missing or empty", p.display());
    }
}
