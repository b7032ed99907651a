//! Reads `site.toml`, the site's settings. Every key of CONTENT.md is known here; any other
//! key is an error naming it (with "did you mean" where one is close), never silently ignored.

use std::path::{Path, PathBuf};

use chrono::FixedOffset;

use crate::diagnostics::{unknown_word_help, Diagnostic, Diagnostics};

pub use crate::model::settings::{Language, Settings};

const KEYS: &[&str] = &[
    "title",
    "base_url",
    "language",
    "description",
    "theme",
    "output_dir",
    "timezone",
    "relative_urls",
    "per_page",
    "home_pages",
    "allow_html",
    "cache_dir",
    "photo_originals",
];

/// Where a build keeps what it can reuse (resized photos, the incremental build's record),
/// relative to the site root, when site.toml names no `cache_dir`. Safe to delete.
pub const DEFAULT_CACHE_DIR: &str = ".bantin-cache";

/// How many pages of the latest bulletins the home page has when site.toml says nothing.
pub const DEFAULT_HOME_PAGES: usize = 10;

/// The file name of the settings, relative to the site root.
pub const FILE: &str = "site.toml";

/// Read and validate `<root>/site.toml`.
pub fn load(root: &Path) -> Result<Settings, Diagnostics> {
    let path = root.join(FILE);
    let text = match std::fs::read(&path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(_) => {
                return Err(Diagnostic::new(FILE, "the file is not UTF-8 text")
                    .help("save it as UTF-8")
                    .into())
            }
        },
        Err(e) => {
            return Err(Diagnostic::new(FILE, format!("cannot read the site settings: {e}"))
                .help("run bantin in the site's folder, pass --root DIR, or start one with `bantin init DIR`")
                .into())
        }
    };
    parse(&text)
}

/// Parse the text of a site.toml.
pub fn parse(text: &str) -> Result<Settings, Diagnostics> {
    let t = Table::read(text)?;
    let mut errors = Diagnostics::new();
    for key in t.values.keys() {
        if !KEYS.contains(&key.as_str()) {
            errors.push(
                t.err(key, format!("unknown setting `{key}`"))
                    .help(unknown_word_help(key, KEYS)),
            );
        }
    }
    let title = t.string("title", &mut errors);
    if title.is_none() && !t.has("title") {
        errors.push(
            Diagnostic::new(FILE, "the setting `title` is missing")
                .help("add a line like: title = \"Lưu trữ bản tin kinh tế - xã hội\""),
        );
    }
    let settings = Settings {
        title: title.unwrap_or_default(),
        base_url: t.base_url(&mut errors).unwrap_or_default(),
        language: t.language(&mut errors),
        description: t.string("description", &mut errors),
        theme: t
            .string("theme", &mut errors)
            .unwrap_or_else(|| "default".into()),
        output_dir: PathBuf::from(
            t.string("output_dir", &mut errors)
                .unwrap_or_else(|| "public".into()),
        ),
        timezone: t.timezone(&mut errors),
        relative_urls: t.boolean("relative_urls", &mut errors),
        per_page: t.per_page(&mut errors),
        home_pages: t.home_pages(&mut errors),
        allow_html: t.boolean("allow_html", &mut errors),
        cache_dir: PathBuf::from(
            t.string("cache_dir", &mut errors)
                .unwrap_or_else(|| DEFAULT_CACHE_DIR.into()),
        ),
        photo_originals: t.boolean("photo_originals", &mut errors),
    };
    errors.into_result(settings)
}

/// site.toml's keys with their values and the line of each key (from toml's spans).
struct Table {
    values: std::collections::BTreeMap<String, (usize, toml::Value)>,
}

impl Table {
    fn read(text: &str) -> Result<Table, Diagnostics> {
        use std::collections::BTreeMap;
        use toml::Spanned;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let spanned: BTreeMap<Spanned<String>, Spanned<toml::Value>> = toml::from_str(text)
            .map_err(|e| {
                let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
                Diagnostic::new(FILE, format!("not valid TOML: {}", e.message()))
                    .line(Some(line))
                    .column(Some(col))
            })?;
        let values = spanned
            .into_iter()
            .map(|(k, v)| {
                let line = line_col(text, k.span().start).0;
                (k.into_inner(), (line, v.into_inner()))
            })
            .collect();
        Ok(Table { values })
    }

    fn has(&self, key: &str) -> bool {
        self.values.contains_key(key)
    }

    fn get(&self, key: &str) -> Option<&toml::Value> {
        self.values.get(key).map(|(_, v)| v)
    }

    /// An error at the line of `key`.
    fn err(&self, key: &str, msg: String) -> Diagnostic {
        Diagnostic::new(FILE, msg).line(self.values.get(key).map(|(l, _)| *l))
    }

    fn string(&self, key: &str, errors: &mut Diagnostics) -> Option<String> {
        match self.get(key) {
            None => None,
            Some(toml::Value::String(s)) => Some(crate::vi::nfc(s).into_owned()),
            Some(other) => {
                errors.push(self.err(
                    key,
                    format!("`{key}` must be a string, found {}", other.type_str()),
                ));
                None
            }
        }
    }

    fn boolean(&self, key: &str, errors: &mut Diagnostics) -> bool {
        match self.get(key) {
            None => false,
            Some(toml::Value::Boolean(b)) => *b,
            Some(other) => {
                errors.push(self.err(
                    key,
                    format!("`{key}` must be true or false, found {}", other.type_str()),
                ));
                false
            }
        }
    }

    fn base_url(&self, errors: &mut Diagnostics) -> Option<String> {
        match self.string("base_url", errors) {
            Some(url) => match normalize_base_url(&url) {
                Ok(u) => Some(u),
                Err(msg) => {
                    errors.push(self.err("base_url", msg).help(
                        "write the full address the site will be published at, e.g. base_url = \"https://example.org/luu-tru/\"",
                    ));
                    None
                }
            },
            None => {
                if !self.has("base_url") {
                    errors.push(
                        Diagnostic::new(FILE, "the setting `base_url` is missing")
                            .help("add a line like: base_url = \"https://example.org/luu-tru/\""),
                    );
                }
                None
            }
        }
    }

    fn language(&self, errors: &mut Diagnostics) -> Language {
        match self.string("language", errors).as_deref() {
            None | Some("vi") => Language::Vi,
            Some("en") => Language::En,
            Some(other) => {
                errors.push(
                    self.err("language", format!("unknown language `{other}`"))
                        .help("use \"vi\" (Vietnamese, the default) or \"en\" (English)"),
                );
                Language::Vi
            }
        }
    }

    fn timezone(&self, errors: &mut Diagnostics) -> FixedOffset {
        let vietnam = FixedOffset::east_opt(7 * 3600).expect("valid offset");
        match self.string("timezone", errors) {
            None => vietnam,
            Some(tz) => parse_offset(&tz).unwrap_or_else(|| {
                errors.push(
                    self.err("timezone", format!("`{tz}` is not a UTC offset"))
                        .help("write it like \"+07:00\""),
                );
                vietnam
            }),
        }
    }

    fn home_pages(&self, errors: &mut Diagnostics) -> usize {
        match self.get("home_pages") {
            None => DEFAULT_HOME_PAGES,
            Some(toml::Value::Integer(n)) if (0..=1_000_000).contains(n) => *n as usize,
            Some(other) => {
                errors.push(
                    self.err(
                        "home_pages",
                        format!(
                            "`home_pages` must be a whole number from 0 to 1000000, found {other}"
                        ),
                    )
                    .help("home_pages = 10 (or 0 to page through every bulletin)"),
                );
                DEFAULT_HOME_PAGES
            }
        }
    }

    fn per_page(&self, errors: &mut Diagnostics) -> usize {
        match self.get("per_page") {
            None => 20,
            Some(toml::Value::Integer(n)) if (1..=10_000).contains(n) => *n as usize,
            Some(other) => {
                errors.push(
                    self.err(
                        "per_page",
                        format!("`per_page` must be a whole number from 1 to 10000, found {other}"),
                    )
                    .help("per_page = 20"),
                );
                20
            }
        }
    }
}

/// Check a base URL and make it end with `/`.
pub fn normalize_base_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("`base_url` must start with http:// or https://, found `{url}`"))?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err(format!("`base_url` has no host: `{url}`"));
    }
    if rest.contains(['?', '#', ' ']) {
        return Err(format!(
            "`base_url` must not contain a query, fragment or space: `{url}`"
        ));
    }
    let mut u = url.to_string();
    if !u.ends_with('/') {
        u.push('/');
    }
    Ok(u)
}

/// "+07:00", "-05:30", "+0700", "Z".
pub fn parse_offset(s: &str) -> Option<FixedOffset> {
    let s = s.trim();
    if s == "Z" || s == "UTC" {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let h: i32 = digits[..2].parse().ok()?;
    let m: i32 = digits[2..].parse().ok()?;
    if h > 14 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn home_pages_is_a_count_of_pages_or_zero_for_all() {
        let base = "title = \"A\"\nbase_url = \"https://example.org/\"\n";
        assert_eq!(
            parse(&format!("{base}home_pages = 0\n"))
                .unwrap()
                .home_pages,
            0
        );
        assert_eq!(
            parse(&format!("{base}home_pages = 3\n"))
                .unwrap()
                .home_pages,
            3
        );
        let e = parse(&format!("{base}home_pages = -1\n")).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("`home_pages` must be a whole number"),
            "{text}"
        );
        assert!(text.contains("home_pages = 10"), "{text}");
    }

    #[test]
    fn minimal_settings_take_defaults() {
        let s = parse("title = \"A\"\nbase_url = \"https://example.org/luu-tru\"\n").unwrap();
        assert_eq!(s.base_url, "https://example.org/luu-tru/");
        assert_eq!(s.language, Language::Vi);
        assert_eq!(s.per_page, 20);
        assert_eq!(s.home_pages, DEFAULT_HOME_PAGES);
        assert_eq!(s.output_dir, PathBuf::from("public"));
        assert_eq!(s.cache_dir, PathBuf::from(".bantin-cache"));
        assert_eq!(s.timezone.local_minus_utc(), 7 * 3600);
        assert!(!s.relative_urls);
        assert!(!s.photo_originals);
    }

    #[test]
    fn unknown_key_is_named_with_a_suggestion() {
        let e =
            parse("title = \"A\"\nbase_url = \"https://e.org/\"\nlanguge = \"en\"\n").unwrap_err();
        let d = e.iter().next().unwrap();
        assert_eq!(d.line, Some(3));
        assert!(d.message.contains("`languge`"));
        assert_eq!(d.help.as_deref(), Some("did you mean `language`?"));
    }

    #[test]
    fn all_problems_are_reported_together() {
        let e = parse("base_url = \"ftp://x\"\nper_page = 0\nlanguage = \"fr\"\n").unwrap_err();
        assert_eq!(e.len(), 4, "{e}");
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("+07:00").unwrap().local_minus_utc(), 25200);
        assert_eq!(parse_offset("-0530").unwrap().local_minus_utc(), -19800);
        assert!(parse_offset("7").is_none());
    }
}
