//! Built sites and their pages (the page, crawl, HTML-validity and browser tests): build a site into a temporary
//! folder, read its pages as parsed HTML, and find the external tools (node, Chromium, Java)
//! with a failure that says how to install them.

use std::path::{Path, PathBuf};

use bantin::build::{self, BuildOptions};
use bantin::load::LoadOptions;
use scraper::{ElementRef, Html, Selector};

use super::Site;

/// The crate's root: the example archive (site.toml + content/) lives here.
pub fn example_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The fixture archive of the page tests.
pub fn fixture_root() -> PathBuf {
    example_root().join("tests/fixtures/pages")
}

/// Copy a site's sources (site.toml, content/, and static/, themes/, templates/ when present)
/// into `dst`.
pub fn copy_site(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    std::fs::copy(src.join("site.toml"), dst.join("site.toml")).unwrap();
    for d in ["content", "static", "themes", "templates"] {
        let from = src.join(d);
        if !from.is_dir() {
            continue;
        }
        for e in walkdir::WalkDir::new(&from) {
            let e = e.unwrap();
            let rel = e.path().strip_prefix(src).unwrap();
            let to = dst.join(rel);
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(e.path(), &to).unwrap();
            }
        }
    }
}

/// Set `key = value` (value written as TOML) in a site.toml, replacing any line of that key.
pub fn set_setting(root: &Path, key: &str, value: &str) {
    let file = root.join("site.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let mut lines: Vec<String> = text
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            !(t.starts_with(key) && t[key.len()..].trim_start().starts_with('='))
        })
        .map(str::to_string)
        .collect();
    lines.push(format!("{key} = {value}"));
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
}

/// Copy the site at `src`, let `change` edit the copy, and build it (with `base_url`
/// replacing site.toml's when given). Panics with every diagnostic when the build fails.
pub fn build_copy(src: &Path, base_url: Option<&str>, change: impl FnOnce(&Path)) -> Site {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_site(src, &root);
    change(&root);
    let out = tmp.path().join("out");
    build_into(&root, &out, base_url);
    Site { tmp, root, out }
}

/// Build the site at `root` into `out`.
pub fn build_into(root: &Path, out: &Path, base_url: Option<&str>) {
    let opts = BuildOptions {
        load: LoadOptions {
            drafts: false,
            base_url: base_url.map(str::to_string),
        },
        output: Some(out.to_path_buf()),
        ..Default::default()
    };
    if let Err(d) = build::build(root, &opts) {
        panic!("the build of {} failed:\n{d}", root.display());
    }
}

impl Site {
    /// The file at a site path: `dia-phuong/x/` means its index.html.
    pub fn file(&self, site_path: &str) -> PathBuf {
        let p = site_path.trim_start_matches('/');
        if p.is_empty() || p.ends_with('/') {
            self.out.join(p).join("index.html")
        } else {
            self.out.join(p)
        }
    }

    pub fn exists(&self, site_path: &str) -> bool {
        self.file(site_path).is_file()
    }

    /// A file of the output, as text.
    pub fn read_out(&self, site_path: &str) -> String {
        let f = self.file(site_path);
        std::fs::read_to_string(&f)
            .unwrap_or_else(|e| panic!("cannot read {} ({site_path}): {e}", f.display()))
    }

    pub fn page(&self, site_path: &str) -> Page {
        Page {
            path: site_path.to_string(),
            html: Html::parse_document(&self.read_out(site_path)),
        }
    }

    /// Every file of the output, as site paths with `/` separators, sorted.
    pub fn files(&self) -> Vec<String> {
        let mut v: Vec<String> = walkdir::WalkDir::new(&self.out)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(&self.out)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        v.sort();
        v
    }
}

/// A parsed page.
pub struct Page {
    pub path: String,
    pub html: Html,
}

pub fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("bad selector {s}: {e:?}"))
}

/// Text of an element, whitespace collapsed.
pub fn text(e: ElementRef) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl Page {
    pub fn all(&self, css: &str) -> Vec<ElementRef<'_>> {
        self.html.select(&sel(css)).collect()
    }

    /// The single element matching `css`; panics naming the page when there is none or more.
    pub fn one(&self, css: &str) -> ElementRef<'_> {
        let v = self.all(css);
        assert_eq!(
            v.len(),
            1,
            "{}: expected exactly one `{css}`, found {}",
            self.path,
            v.len()
        );
        v[0]
    }

    pub fn text(&self, css: &str) -> String {
        text(self.one(css))
    }

    /// Every text of `css` matches.
    pub fn texts(&self, css: &str) -> Vec<String> {
        self.all(css).into_iter().map(text).collect()
    }

    /// Every href of links matching `css`.
    pub fn hrefs(&self, css: &str) -> Vec<String> {
        self.all(css)
            .into_iter()
            .filter_map(|e| e.value().attr("href").map(str::to_string))
            .collect()
    }

    /// Link labels and their targets.
    pub fn links(&self, css: &str) -> Vec<(String, String)> {
        self.all(css)
            .into_iter()
            .filter_map(|e| e.value().attr("href").map(|h| (text(e), h.to_string())))
            .collect()
    }

    /// Whether some link's href equals `href`.
    pub fn links_to(&self, href: &str) -> bool {
        self.hrefs("a[href]").iter().any(|h| h == href)
    }
}

/// An indicator table, read into a grid: column headings, and rows of (heading, cells).
pub struct Table<'a> {
    pub caption: String,
    pub columns: Vec<String>,
    pub rows: Vec<(String, Vec<ElementRef<'a>>)>,
}

impl<'a> Table<'a> {
    pub fn read(table: ElementRef<'a>) -> Table<'a> {
        let caption = table
            .select(&sel("caption"))
            .next()
            .map(text)
            .unwrap_or_default();
        let columns: Vec<String> = table.select(&sel("thead th")).map(text).collect();
        let mut rows = Vec::new();
        for tr in table.select(&sel("tbody tr")) {
            let Some(head) = tr.select(&sel("th[scope=row]")).next() else {
                continue;
            };
            let label = head
                .select(&sel("a"))
                .next()
                .map(text)
                .unwrap_or_else(|| text(head));
            let cells: Vec<ElementRef> = tr.select(&sel("td")).collect();
            rows.push((label, cells));
        }
        Table {
            caption,
            columns,
            rows,
        }
    }

    /// The cell in the row headed `row` and the column headed `column`.
    pub fn cell(&self, row: &str, column: &str) -> ElementRef<'a> {
        let ci = self
            .columns
            .iter()
            .position(|c| c == column)
            .unwrap_or_else(|| {
                panic!(
                    "{}: no column {column:?} in {:?}",
                    self.caption, self.columns
                )
            });
        let (_, cells) = self.rows.iter().find(|(h, _)| h == row).unwrap_or_else(|| {
            let heads: Vec<&String> = self.rows.iter().map(|r| &r.0).collect();
            panic!("{}: no row {row:?} in {heads:?}", self.caption)
        });
        assert_eq!(
            cells.len() + 1,
            self.columns.len(),
            "{}: row {row:?} has {} cells for {} columns",
            self.caption,
            cells.len(),
            self.columns.len()
        );
        cells[ci - 1]
    }
}

/// Whether a missing tool fails a test instead of skipping it: `BANTIN_REQUIRE_TOOLS=1`,
/// which `.ci/run` sets once it has installed them.
pub fn tools_required() -> bool {
    std::env::var_os("BANTIN_REQUIRE_TOOLS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Skip the test (a line on standard error says why and how to install the tool), or fail
/// it when tools are required. Returns false, for `if !require(…) { return; }`.
fn skip(why: String) -> bool {
    assert!(!tools_required(), "{why}");
    eprintln!("skipped: {why}");
    false
}

/// Whether a file the test needs exists (a tool's jar, node_modules); see [`skip`].
#[must_use]
pub fn require(path: &Path, what: &str) -> bool {
    path.exists()
        || skip(format!(
            "{what} is missing ({} not found). Run `.ci/run` once, or install it by hand: \
             `npm ci --prefix tests/browser` for node_modules (playwright-core, vnu-jar), \
             `apt-get install chromium` for the browser, `apt-get install default-jre-headless` for Java.",
            path.display()
        ))
}

/// Whether a program runs (`prog --version`); see [`skip`].
#[must_use]
pub fn require_program(prog: &str, install: &str) -> bool {
    let ok = std::process::Command::new(prog)
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    ok || skip(format!(
        "`{prog}` is not installed or does not run. Run `.ci/run` once, or install it: {install}"
    ))
}

/// tests/browser/, where the node scripts and their node_modules are.
pub fn browser_dir() -> PathBuf {
    example_root().join("tests/browser")
}
