//! The site's settings as the rest of the build sees them, validated (`load::settings` reads
//! them from site.toml).

use std::path::PathBuf;

use chrono::FixedOffset;

/// UI language of the published pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Vi,
    En,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::Vi => "vi",
            Language::En => "en",
        }
    }
}

/// The site's settings, validated.
#[derive(Debug, Clone)]
pub struct Settings {
    pub title: String,
    /// Always ends with `/`.
    pub base_url: String,
    pub language: Language,
    pub description: Option<String>,
    pub theme: String,
    pub output_dir: PathBuf,
    pub timezone: FixedOffset,
    pub relative_urls: bool,
    pub per_page: usize,
    /// Extension to CONTENT.md: how many pages (of `per_page` bulletins) the home page's list
    /// of the latest bulletins has; 0 pages through every bulletin. Older bulletins are
    /// reached by year, locality, topic and search. Bounded, an addition to a large archive
    /// redoes a few home pages, not one for every `per_page` bulletins it holds.
    pub home_pages: usize,
    /// Extension to CONTENT.md: raw HTML in bulletins is escaped unless this is true.
    pub allow_html: bool,
    /// Extension to CONTENT.md: where a build keeps what it can reuse between runs
    /// (relative to the site root; `.bantin-cache` by default). Deleting it is always safe.
    pub cache_dir: PathBuf,
    /// Extension to CONTENT.md: publish each bundle photo at full size too (orientation
    /// applied, metadata removed), and link the photo to it. Off by default: only resized
    /// copies are published.
    pub photo_originals: bool,
}
