//! Crawl the built example archive: every internal link (a[href], link[href], script[src],
//! img[src], form[action], and the other URL attributes) and every in-page anchor of every page
//! resolves to a file of the output, both published under a sub-path (`--base-url
//! https://example.org/luu-tru/`: root-relative links start with /luu-tru/) and with
//! `relative_urls = true` (links relative to the page file, folders named by index.html, so
//! the folder opens from disk).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::util::pages::{build_copy, example_root, sel, set_setting};
use crate::util::Site;
use scraper::Html;

/// Attributes that hold URLs, per element.
const URL_ATTRS: &[(&str, &str)] = &[
    ("a", "href"),
    ("area", "href"),
    ("link", "href"),
    ("script", "src"),
    ("img", "src"),
    ("source", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("iframe", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("form", "action"),
];

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Root-relative links under the base path.
    SubPath,
    /// Links relative to the page file.
    Relative,
}

struct Crawl<'a> {
    site: &'a Site,
    mode: Mode,
    base_url: &'a str,
    base_path: &'a str,
    ids: HashMap<PathBuf, BTreeSet<String>>,
    problems: Vec<String>,
    checked: usize,
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Join `rel` onto the folder `dir` (a site path ending in `/` or empty), resolving `.` and
/// `..`; None when it climbs above the root.
fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    let trailing = rel.ends_with('/') || rel.is_empty();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut p = parts.join("/");
    if trailing && !p.is_empty() {
        p.push('/');
    }
    Some(p)
}

impl Crawl<'_> {
    fn ids_of(&mut self, file: &Path) -> &BTreeSet<String> {
        self.ids.entry(file.to_path_buf()).or_insert_with(|| {
            let html = Html::parse_document(&std::fs::read_to_string(file).unwrap_or_default());
            let mut ids: BTreeSet<String> = html
                .select(&sel("[id]"))
                .filter_map(|e| e.value().attr("id").map(str::to_string))
                .collect();
            ids.extend(
                html.select(&sel("a[name]"))
                    .filter_map(|e| e.value().attr("name").map(str::to_string)),
            );
            ids
        })
    }

    fn problem(&mut self, page: &str, url: &str, what: &str) {
        self.problems.push(format!("{page}: {url:?}: {what}"));
    }

    /// Check one URL found on the page at site path `page` (a file path such as
    /// `dia-phuong/x/index.html`).
    fn check(&mut self, page: &str, url: &str) {
        let url = url.trim();
        if url.is_empty() {
            self.problem(page, url, "empty URL");
            return;
        }
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("javascript:") {
            self.problem(page, url, "javascript: URL");
            return;
        }
        if lower.starts_with("mailto:") || lower.starts_with("tel:") || lower.starts_with("data:") {
            return;
        }
        // Absolute URLs: only those into the site itself are checked.
        let (local, is_absolute) = if let Some(rest) = url.strip_prefix(self.base_url) {
            (rest.to_string(), true)
        } else if url.contains("://") || url.starts_with("//") {
            return;
        } else {
            (url.to_string(), false)
        };
        let (path_and_query, fragment) = match local.split_once('#') {
            Some((p, f)) => (p.to_string(), Some(f.to_string())),
            None => (local.clone(), None),
        };
        let path = path_and_query
            .split_once('?')
            .map_or(path_and_query.as_str(), |(p, _)| p);
        let path = percent_decode(path);
        self.checked += 1;
        let page_dir = match page.rfind('/') {
            Some(i) => &page[..=i],
            None => "",
        };
        // The site path the URL names.
        let target: String = if is_absolute {
            path.clone()
        } else if let Some(rooted) = path.strip_prefix('/') {
            // 404.html is served at any depth, so its links are root-relative even in a
            // relative build; elsewhere a relative build must not use them.
            if self.mode == Mode::Relative && page != "404.html" {
                self.problem(page, url, "root-relative link in a relative_urls build");
                return;
            }
            match ("/".to_string() + rooted).strip_prefix(self.base_path) {
                Some(p) => p.to_string(),
                None => {
                    self.problem(
                        page,
                        url,
                        &format!(
                            "root-relative link outside the base path {}",
                            self.base_path
                        ),
                    );
                    return;
                }
            }
        } else if path.is_empty() {
            // "#id" or "?q": this page.
            page.to_string()
        } else {
            match join(page_dir, &path) {
                Some(p) => p,
                None => {
                    self.problem(page, url, "climbs above the site root");
                    return;
                }
            }
        };
        if self.mode == Mode::Relative
            && !is_absolute
            && page != "404.html"
            && !path.is_empty()
            && (path.ends_with('/') || path == "." || path == "..")
        {
            self.problem(
                page,
                url,
                "a folder link in a relative_urls build must name index.html (file:// shows no index)",
            );
        }
        let mut file = self.site.out.join(&target);
        if target.is_empty() || target.ends_with('/') {
            file = file.join("index.html");
        } else if file.is_dir() {
            self.problem(page, url, "names a folder without a trailing slash");
            return;
        }
        if !file.is_file() {
            self.problem(page, url, &format!("no such file {target:?} in the output"));
            return;
        }
        if let Some(frag) = fragment.filter(|f| !f.is_empty()) {
            if file.extension().is_some_and(|e| e == "html") {
                let frag = percent_decode(&frag);
                if !self.ids_of(&file).contains(&frag) {
                    self.problem(
                        page,
                        url,
                        &format!("no element with id {frag:?} in {target}"),
                    );
                }
            }
        }
    }

    fn run(&mut self) {
        let files = self.site.files();
        for f in files.iter().filter(|f| f.ends_with(".html")) {
            let src = self.site.read_out(f);
            let html = Html::parse_document(&src);
            let mut urls = Vec::new();
            for (el, attr) in URL_ATTRS {
                for e in html.select(&sel(&format!("{el}[{attr}]"))) {
                    urls.push(e.value().attr(attr).unwrap().to_string());
                }
            }
            for e in html.select(&sel("[srcset]")) {
                for cand in e.value().attr("srcset").unwrap().split(',') {
                    if let Some(u) = cand.split_whitespace().next() {
                        urls.push(u.to_string());
                    }
                }
            }
            for u in urls {
                self.check(f, &u);
            }
        }
        // Stylesheets: url(...) references.
        for f in files.iter().filter(|f| f.ends_with(".css")) {
            let css = self.site.read_out(f);
            for part in css.split("url(").skip(1) {
                let u = part
                    .split(')')
                    .next()
                    .unwrap()
                    .trim()
                    .trim_matches(['"', '\'']);
                if !u.starts_with("data:") && !u.starts_with('#') {
                    self.check(f, u);
                }
            }
        }
    }
}

/// What a crawl found.
struct Outcome {
    problems: Vec<String>,
    checked: usize,
}

fn crawl(site: &Site, mode: Mode, base_url: &str, base_path: &str) -> Outcome {
    let mut c = Crawl {
        site,
        mode,
        base_url,
        base_path,
        ids: HashMap::new(),
        problems: Vec::new(),
        checked: 0,
    };
    c.run();
    Outcome {
        problems: c.problems,
        checked: c.checked,
    }
}

fn report(what: &str, c: &Outcome) {
    assert!(
        c.checked > 500,
        "{what}: only {} links checked: is the crawl reading the pages?",
        c.checked
    );
    assert!(
        c.problems.is_empty(),
        "{what}: {} broken links or anchors:\n{}",
        c.problems.len(),
        c.problems.join("\n")
    );
}

#[test]
fn every_link_resolves_under_a_sub_path() {
    let site = build_copy(
        &example_root(),
        Some("https://example.org/luu-tru/"),
        |_| {},
    );
    let c = crawl(
        &site,
        Mode::SubPath,
        "https://example.org/luu-tru/",
        "/luu-tru/",
    );
    report("sub-path build", &c);
    // Root-relative links carry the sub-path.
    let home = site.page("");
    let css = home
        .one("link[rel=stylesheet]")
        .value()
        .attr("href")
        .unwrap();
    assert_eq!(css, "/luu-tru/static/style.css");
    for h in home.hrefs("a[href^='/']") {
        assert!(h.starts_with("/luu-tru/"), "{h}");
    }
}

#[test]
fn every_link_resolves_in_a_relative_build() {
    let site = build_copy(&example_root(), None, |root| {
        set_setting(root, "relative_urls", "true");
    });
    let base = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    let base_url = base
        .lines()
        .find_map(|l| l.strip_prefix("base_url = "))
        .map(|v| v.trim().trim_matches('"').to_string())
        .expect("base_url in the example's site.toml");
    let base_path = format!(
        "/{}",
        base_url
            .split_once("://")
            .map(|(_, r)| r)
            .and_then(|r| r.split_once('/'))
            .map_or("", |(_, p)| p)
    );
    let c = crawl(&site, Mode::Relative, &base_url, &base_path);
    report("relative build", &c);
    // Links are relative to the page, folders named by index.html.
    let p = site.page("dia-phuong/dong-son/2015-2020/");
    assert_eq!(
        p.one("link[rel=stylesheet]").value().attr("href"),
        Some("../../../static/style.css")
    );
    assert_eq!(
        p.one("a.brand").value().attr("href"),
        Some("../../../index.html")
    );
    let b = site.page("bai-viet/dong-son-trien-khai-nhiem-vu-2020/");
    assert!(b
        .hrefs("a.figure")
        .iter()
        .all(|h| h.starts_with("../../chi-tieu/") && h.ends_with("/index.html")));
}

#[test]
fn the_crawler_finds_broken_links() {
    // The crawl itself must catch what it is meant to catch.
    let site = build_copy(&crate::util::pages::fixture_root(), None, |root| {
        set_setting(root, "relative_urls", "true");
    });
    let page = "bai-viet/ke-hoach-2020/index.html";
    let f = site.out.join(page);
    let html = std::fs::read_to_string(&f).unwrap().replace(
        "</main>",
        "<a href=\"../nope/index.html\">x</a><a href=\"../../dia-phuong/\">y</a>\
         <a href=\"#no-such-id\">z</a><a href=\"/luu-tru/\">w</a><img src=\"gone.png\" alt=\"\"></main>",
    );
    std::fs::write(&f, html).unwrap();
    let c = crawl(
        &site,
        Mode::Relative,
        "https://example.org/luu-tru/",
        "/luu-tru/",
    );
    let all = c.problems.join("\n");
    for want in [
        "\"../nope/index.html\": no such file",
        "\"../../dia-phuong/\": a folder link",
        "\"#no-such-id\": no element with id",
        "\"/luu-tru/\": root-relative link",
        "\"gone.png\": no such file",
    ] {
        assert!(all.contains(want), "missed {want}:\n{all}");
    }
    assert_eq!(c.problems.len(), 5, "{all}");
}
