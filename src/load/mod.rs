//! Stage 1 of the pipeline: load. Reads the settings, the registries and every bulletin under
//! `content/` (in parallel), checks them against CONTENT.md and each other, and returns the
//! validated [`Archive`] or every problem found.

pub mod article;
pub mod markdown;
pub mod registries;
pub mod settings;
pub mod source;
pub mod yaml;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Archive, BulletinId, Indicators, Localities};
use crate::urls::Urls;

/// What the command line changes about a build.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Build bulletins marked `draft: true`.
    pub drafts: bool,
    /// Replaces `base_url` of site.toml.
    pub base_url: Option<String>,
}

pub const CONTENT_DIR: &str = "content";

/// Load and validate the whole archive at `root`.
pub fn load(root: &Path, opts: &LoadOptions) -> Result<Archive, Diagnostics> {
    let mut errors = Vec::new();
    // Problems in site.toml do not stop the checks of the content: all are reported together.
    let mut settings = match settings::load(root) {
        Ok(s) => s,
        Err(e) => {
            errors.extend(e);
            settings::parse("title = \"\"\nbase_url = \"http://localhost/\"\n")
                .expect("fallback settings")
        }
    };
    if let Some(url) = &opts.base_url {
        match settings::normalize_base_url(url) {
            Ok(u) => settings.base_url = u,
            Err(msg) => errors.push(Diagnostic::new("--base-url", msg)),
        }
    }
    let urls = Urls::new(&settings.base_url, settings.relative_urls);
    let (loc_presence, localities) = registries::localities(root, &mut errors);
    let (term_presence, terms) = registries::terms(root, &mut errors);
    let terms = terms.unwrap_or_default();
    let (ind_presence, indicators) = registries::indicators(root, &mut errors);
    // A registry that cannot be read at all would make every bulletin's references look
    // wrong: report the registry alone.
    if [loc_presence, term_presence, ind_presence].contains(&registries::Presence::Broken) {
        return Err(Diagnostics::from_iter(errors).sorted());
    }

    let files = discover(root, &mut errors);
    if !files.is_empty() && loc_presence == registries::Presence::Missing {
        errors.push(
            Diagnostic::new(registries::LOCALITIES, "the localities registry is missing")
                .help("create content/localities.yaml listing the units the bulletins are about (`- id: …`, `name`, `kind`)"),
        );
    }
    let localities = localities.unwrap_or_default();
    let indicators_missing = ind_presence == registries::Presence::Missing;
    let indicators = indicators.unwrap_or_default();

    let reg = article::Registries {
        localities: &localities,
        terms: &terms,
        indicators: &indicators,
    };
    let read = article::ReadOptions {
        timezone: settings.timezone,
        allow_html: settings.allow_html,
        urls: &urls,
    };
    let results: Vec<Result<article::ParsedArticle, Vec<Diagnostic>>> = files
        .par_iter()
        .map(|f| {
            let text = source::read_text(&root.join(&f.path), &f.path).map_err(|e| vec![e])?;
            article::parse_article(&f.path, &text, &f.default_slug, &reg, &read)
        })
        .collect();

    let mut parsed = Vec::with_capacity(results.len());
    for (r, f) in results.into_iter().zip(&files) {
        match r {
            Ok(mut a) => {
                if a.bulletin.draft && !opts.drafts {
                    continue;
                }
                if indicators_missing && !a.values.is_empty() {
                    errors.push(Diagnostic::new(
                        &f.path,
                        "the bulletin has indicator values but content/indicators.yaml is missing",
                    ));
                }
                if let Some(dir) = &f.bundle {
                    a.bulletin.assets = bundle_assets(&root.join(dir));
                    a.bulletin.bundle_dir = Some(dir.clone());
                }
                parsed.push(a);
            }
            Err(e) => errors.extend(e),
        }
    }

    // Slugs are unique across the site.
    let mut seen: HashMap<&str, &Path> = HashMap::new();
    for a in &parsed {
        if let Some(first) = seen.insert(&a.bulletin.slug, &a.bulletin.file) {
            errors.push(
                Diagnostic::new(
                    &a.bulletin.file,
                    format!(
                        "the slug `{}` is also used by {}",
                        a.bulletin.slug,
                        first.display()
                    ),
                )
                .help("give one of them its own `slug:` in the front matter, or rename the file"),
            );
        }
    }
    if !errors.is_empty() {
        return Err(Diagnostics::from_iter(errors).sorted());
    }

    Ok(assemble(settings, localities, terms, indicators, parsed))
}

/// Order bulletins (newest first, then slug), give them handles, order the values.
fn assemble(
    settings: settings::Settings,
    localities: Localities,
    terms: crate::model::Terms,
    indicators: Indicators,
    mut parsed: Vec<article::ParsedArticle>,
) -> Archive {
    parsed.sort_by(|a, b| {
        b.bulletin
            .date
            .cmp(&a.bulletin.date)
            .then_with(|| a.bulletin.slug.cmp(&b.bulletin.slug))
    });
    let mut bulletins = Vec::with_capacity(parsed.len());
    let mut values = Vec::new();
    for (i, a) in parsed.into_iter().enumerate() {
        let id = BulletinId(i as u32);
        values.extend(a.values.into_iter().map(|mut v| {
            v.bulletin = id;
            v
        }));
        bulletins.push(a.bulletin);
    }
    // CSV order: locality, indicator, period, kind, then article date (oldest first).
    values.sort_by(|a, b| {
        let (la, lb) = (
            &localities.get(a.locality).id,
            &localities.get(b.locality).id,
        );
        let (ia, ib) = (
            &indicators.get(a.indicator).id,
            &indicators.get(b.indicator).id,
        );
        la.cmp(lb)
            .then_with(|| ia.cmp(ib))
            .then_with(|| a.period.cmp(&b.period))
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| {
                bulletins[a.bulletin.0 as usize]
                    .date
                    .cmp(&bulletins[b.bulletin.0 as usize].date)
            })
            .then_with(|| b.bulletin.cmp(&a.bulletin))
    });
    Archive {
        settings,
        localities,
        terms,
        indicators,
        bulletins,
        values,
    }
}

/// A bulletin file found under content/.
#[derive(Debug, Clone)]
pub struct Found {
    /// Relative to the site root.
    pub path: PathBuf,
    pub default_slug: String,
    /// For `<slug>/index.md`: the folder, relative to the site root.
    pub bundle: Option<PathBuf>,
}

/// Every `*.md` under content/, in a stable order; hidden files and folders are skipped.
pub fn discover(root: &Path, errors: &mut Vec<Diagnostic>) -> Vec<Found> {
    let content = root.join(CONTENT_DIR);
    if !content.is_dir() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let walker = WalkDir::new(&content)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e
                    .path()
                    .map(|p| p.to_path_buf())
                    .unwrap_or_else(|| content.clone());
                errors.push(Diagnostic::new(
                    crate::diagnostics::rel_path(root, &p),
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        if !entry.file_type().is_file() || entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let rel = crate::diagnostics::rel_path(root, entry.path());
        let is_index = entry.file_name() == "index.md";
        let bundle = is_index
            .then(|| rel.parent().map(Path::to_path_buf))
            .flatten();
        let name_source = if is_index {
            rel.parent().and_then(|p| p.file_name())
        } else {
            rel.file_stem()
        };
        let default_slug = name_source
            .map(|n| crate::vi::slugify(&crate::vi::nfc(&n.to_string_lossy())))
            .unwrap_or_default();
        out.push(Found {
            path: rel,
            default_slug,
            bundle,
        });
    }
    out
}

/// Files beside a bundle's index.md (not other Markdown files), relative to the bundle.
fn bundle_assets(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = WalkDir::new(dir)
        .min_depth(1)
        .max_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| e.path().extension().is_none_or(|x| x != "md"))
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| PathBuf::from(e.file_name()))
        .collect();
    out.sort();
    out
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        let mut d = Diagnostics::new();
        d.extend(iter);
        d
    }
}
