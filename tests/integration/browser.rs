//! The example archive in a real browser: Debian's Chromium, headless, driven by the node
//! scripts of tests/browser/ (playwright-core, never a downloaded browser). The relative
//! build is opened from disk (file://), navigated by clicking, checked at 360 px wide, and
//! screenshots are saved to target/screenshots/ for a person to look at.
//!
//! Needs node, `npm ci --prefix tests/browser` and /usr/bin/chromium: `.ci/run` installs
//! them. When one is missing these tests say they were skipped and why; with
//! `BANTIN_REQUIRE_TOOLS=1` (as `.ci/run` sets) they fail instead.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::util::pages::{
    browser_dir, build_copy, build_into, copy_site, example_root, require, require_program,
    set_setting,
};
use crate::util::serve::{free_port, Server};
use crate::util::Site;

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

/// The example archive with `relative_urls = true` and `language = "en"`, built once.
fn english_example() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        build_copy(&example_root(), None, |root| {
            set_setting(root, "relative_urls", "true");
            set_setting(root, "language", "\"en\"");
        })
    })
}

fn screenshots() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| example_root().join("target"));
    target.join("screenshots")
}

/// Whether node, playwright-core and Chromium are there; when not, the test is skipped (or
/// fails, with `BANTIN_REQUIRE_TOOLS=1`).
fn require_tools() -> bool {
    require_program(
        "node",
        "`apt-get install nodejs npm` (the browser checks are node scripts)",
    ) && require(
        &browser_dir().join("node_modules/playwright-core/package.json"),
        "playwright-core (tests/browser/node_modules)",
    ) && require(Path::new(CHROMIUM), "Chromium")
}

/// Run `node tests/browser/<script> <site> <screenshots>` on the relative build and require
/// exit 0.
fn run(script: &str) {
    if !require_tools() {
        return;
    }
    run_on(script, &relative_example().out, &[]);
}

/// Run `node tests/browser/<script> <site> <screenshots> <extra…>` and require exit 0.
fn run_on(script: &str, site: &Path, extra: &[&str]) {
    if !require_tools() {
        return;
    }
    let out = Command::new("node")
        .arg(browser_dir().join(script))
        .arg(site)
        .arg(screenshots())
        .args(extra)
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
    if !require_tools() {
        return;
    }
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

/// Search from disk (the relative build): queries with and without diacritics, NFD, prefixes,
/// several words; typing updates the results and ?q=; ?q= runs its query; each result shows
/// title, date, locality and a marked snippet; without JavaScript the <noscript> text shows.
#[test]
fn search_finds_bulletins_from_disk_as_one_types() {
    run("search.mjs");
}

/// The example archive built for `http://127.0.0.1:<free port>/luu-tru/` (relative_urls
/// off) into `<tmp>/luu-tru/`, for a script that serves `<tmp>/` on that port: the
/// temporary folder (kept while it lives), the output and the base URL.
fn example_under_sub_path() -> (tempfile::TempDir, std::path::PathBuf, String) {
    // A free port: ask the system for one, then let the script listen on it.
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}/luu-tru/");
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_site(&example_root(), &root);
    set_setting(&root, "relative_urls", "false");
    let out = tmp.path().join("luu-tru");
    build_into(&root, &out, Some(&base));
    (tmp, out, base)
}

/// The same checks over http, with the site under a sub-path: built with
/// `--base-url http://127.0.0.1:PORT/luu-tru/` (relative_urls off) into `<tmp>/luu-tru/`,
/// and `<tmp>/` served by the script's own static server (stopped when node exits).
#[test]
fn search_works_over_http_under_a_sub_path() {
    if !require_tools() {
        return;
    }
    let (_tmp, out, base) = example_under_sub_path();
    let page = std::fs::read_to_string(out.join("tim-kiem/index.html")).unwrap();
    assert!(
        page.contains("data-index=\"/luu-tru/tim-kiem/index/\"")
            || page.contains(&format!("data-index=\"{base}tim-kiem/index/\"")),
        "the search page does not point at /luu-tru/tim-kiem/index/"
    );
    run_on("search.mjs", &out, &[&base]);
}

/// An English site's search page shows the messages of en.toml, numbers written the English
/// way, and none of vi.toml's: the client has no words of its own.
#[test]
fn search_speaks_the_language_of_the_site() {
    if !require_tools() {
        return;
    }
    run_on("search_english.mjs", &english_example().out, &[]);
}

/// The judged queries of tests/fixtures/judged_queries.json rank the bulletins a reader wants
/// first (phrases above scattered words; title and topic, title, topic, then the rest; exact
/// forms first when the query has a diacritic, every form alike when it has none), on the
/// Vietnamese site and, for those judged in English too, on the English one.
#[test]
fn search_ranks_the_judged_queries_as_judged() {
    if !require_tools() {
        return;
    }
    run_on("search_judged.mjs", &relative_example().out, &["vi"]);
    run_on("search_judged.mjs", &english_example().out, &["en"]);
}

/// Results mark what matched: the marks of tests/fixtures/judged_queries.json exactly (a
/// phrase where it stands and not its words elsewhere, the exact forms of a query with
/// diacritics, the matching topics), and never anything but the query's words.
#[test]
fn search_marks_what_matched() {
    run("search_highlights.mjs");
}

/// The search client's pure functions (folding, tokenising, query parsing, ranking,
/// highlighting) under node, with no browser.
#[test]
fn search_client_functions() {
    if !require_program("node", "`apt-get install nodejs npm`") {
        return;
    }
    let out = Command::new("node")
        .arg(browser_dir().join("search_unit.mjs"))
        .current_dir(example_root())
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "node tests/browser/search_unit.mjs failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// In print the chrome is hidden and an indicator table prints whole, verdicts in words.
#[test]
fn a_locality_term_page_prints_whole() {
    run("print.mjs");
}

/// `bantin serve` in Chromium: an edited bulletin's open page reloads by itself (from a
/// background tab too; a page the edit does not change stays), a broken date shows the error
/// overlay (file, line, message, help; screenshot target/screenshots/serve-overlay.png) while
/// every page is still served, and the fix removes it. `bantin build` output has no
/// live-reload script.
#[test]
fn serve_reloads_open_pages_and_overlays_build_errors() {
    if !require_tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_site(&example_root(), &root);

    // Nothing of `bantin serve` in what `bantin build` writes.
    let out = tmp.path().join("out");
    let built = Command::new(env!("CARGO_BIN_EXE_bantin"))
        .args(["build", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(&out)
        .output()
        .expect("run bantin build");
    assert!(
        built.status.success(),
        "bantin build failed:\n{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let page = std::fs::read_to_string(out.join("bai-viet/tp-yen-bai-tong-ket-2020/index.html"))
        .expect("the built bulletin");
    assert!(page.contains("Thành phố Yên Bái tổng kết năm 2020"));
    for e in walkdir::WalkDir::new(&out) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let text = String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned();
            for live in ["__bantin", "EventSource", "bantin-error-overlay"] {
                assert!(
                    !text.contains(live),
                    "{} holds {live}: `bantin serve`'s script leaked into the build",
                    e.path().display()
                );
            }
        }
    }

    let shot = screenshots().join("serve-overlay.png");
    let _ = std::fs::remove_file(&shot);
    let server = Server::start(&root, tmp.path().join("serve.log"));
    run_against(
        &server,
        "live_reload.mjs",
        &[root.as_os_str(), screenshots().as_os_str()],
    );
    let len = std::fs::metadata(&shot).map_or(0, |m| m.len());
    assert!(len > 10_000, "{} is missing or empty", shot.display());
}

/// `bantin serve --drafts` in Chromium: the home page says a draft waits, the list of drafts
/// links to it, and on its page each proposed figure has its reading visible beside it
/// (screenshot target/screenshots/review-draft.png).
#[test]
fn serve_drafts_shows_each_figure_with_its_reading() {
    if !require_tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_site(&example_root(), &root);
    let server = Server::start_with(&root, tmp.path().join("serve.log"), &["--drafts"]);
    run_against(&server, "review.mjs", &[screenshots().as_os_str()]);
}

/// Run `node tests/browser/<script> <server URL> <args…>` against a running `bantin serve`
/// and require exit 0; on failure, say what node and the server printed.
fn run_against(server: &Server, script: &str, args: &[&std::ffi::OsStr]) {
    let run = Command::new("node")
        .arg(browser_dir().join(script))
        .arg(format!("http://127.0.0.1:{}/", server.port))
        .args(args)
        .current_dir(example_root())
        .output()
        .expect("run node");
    assert!(
        run.status.success(),
        "node tests/browser/{script} failed (exit {:?}):\n{}\n{}\nbantin serve said:\n{}",
        run.status.code(),
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr),
        server.said()
    );
}

/// The generated archive of 1,000 bulletins (bench/gen_corpus.py), with `relative_urls`,
/// built once; `None` (the test skips) without python3.
fn generated_archive() -> Option<&'static Site> {
    static SITE: OnceLock<Site> = OnceLock::new();
    if !require_program("python3", "`apt-get install python3` (bench/gen_corpus.py)") {
        return None;
    }
    Some(SITE.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let gen = Command::new("python3")
            .arg(example_root().join("bench/gen_corpus.py"))
            .args(["1000"])
            .arg(tmp.path())
            .args(["--only", "bantin"])
            .output()
            .expect("run bench/gen_corpus.py");
        assert!(
            gen.status.success(),
            "bench/gen_corpus.py failed:\n{}",
            String::from_utf8_lossy(&gen.stderr)
        );
        let root = tmp.path().join("bantin");
        set_setting(&root, "relative_urls", "true");
        let out = tmp.path().join("out");
        build_into(&root, &out, None);
        Site { tmp, root, out }
    }))
}

/// axe-core (WCAG 2.0 and 2.1, A and AA, and best practices) finds nothing on any page of the
/// example archive, served over http under a sub-path; no page asks for anything missing (a
/// /favicon.ico either: the theme's icon is linked).
#[test]
fn axe_finds_nothing_on_any_page_and_nothing_is_missing() {
    if !require_tools() {
        return;
    }
    let (_tmp, out, base) = example_under_sub_path();
    run_on("axe.mjs", &out, &[&format!("--base={base}")]);
}

/// The same with the English UI, from disk (relative URLs), three pages of each kind.
#[test]
fn axe_finds_nothing_on_an_english_site() {
    if !require_tools() {
        return;
    }
    let site = build_copy(&example_root(), None, |root| {
        set_setting(root, "relative_urls", "true");
        set_setting(root, "language", "\"en\"");
    });
    run_on("axe.mjs", &site.out, &["--sample=3", "--query=budget"]);
}

/// The same on a generated archive of 1,000 bulletins: three pages of each kind (the large
/// tables of terms and indicators among them) and the search page with a query.
#[test]
fn axe_finds_nothing_on_a_generated_archive() {
    if !require_tools() {
        return;
    }
    let Some(site) = generated_archive() else {
        return;
    };
    run_on(
        "axe.mjs",
        &site.out,
        &["--sample=3", "--query=thu ngân sách"],
    );
}

/// The keyboard alone: the search page (skip link, field, results, opening one; "more" on
/// the generated archive moves the focus to the next page's first result) and an indicator
/// table (its box scrolls with the arrow keys; every link is reached, in view, not hidden
/// under the sticky column), with a focus ring on everything that takes the focus.
#[test]
fn the_keyboard_reaches_and_works_the_search_page_and_a_table() {
    if !require_tools() {
        return;
    }
    run_on(
        "keyboard.mjs",
        &relative_example().out,
        &["--table=dia-phuong/dong-son/2015-2020/"],
    );
    let Some(site) = generated_archive() else {
        return;
    };
    // The locality × term page with the largest table.
    let table = walkdir::WalkDir::new(site.out.join("dia-phuong"))
        .min_depth(3)
        .max_depth(3)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .filter(|e| {
            e.path()
                .parent()
                .and_then(|p| p.file_name())
                .is_some_and(|n| n.to_string_lossy().contains('-'))
        })
        .max_by_key(|e| e.metadata().map_or(0, |m| m.len()))
        .expect("a locality × term page");
    let rel = table
        .path()
        .parent()
        .unwrap()
        .strip_prefix(&site.out)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
    run_on(
        "keyboard.mjs",
        &site.out,
        &[
            &format!("--table={rel}/"),
            "--query=thu ngân sách",
            "--more",
        ],
    );
}
