//! `bantin import`: scraped bulletin pages (`.txt`, `.html`, `.jsonl`, folders of them) →
//! annotated drafts under `content/<into>/<year>/<slug>.md`, and a report (IMPORT.md).
//!
//! The stages, one module each: [`read`] (and [`html`]) turns an input into a page;
//! [`dates`] and [`place`] settle its date and locality; [`figures`], [`period`],
//! [`matching`] and [`recognise`] read its figures by the cue words of [`rules`];
//! [`draft`] writes the draft; [`report`] says what happened. Inputs are read and
//! recognised in parallel; slugs are given out and files written in input order.

pub mod dates;
pub mod draft;
pub mod figures;
pub mod html;
pub mod matching;
pub mod period;
pub mod place;
pub mod read;
pub mod recognise;
pub mod report;
pub mod rules;
pub mod text;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::{Datelike, FixedOffset, NaiveDate};
use rayon::prelude::*;

use crate::load::{registries, settings};
use place::How;
use read::Page;
use recognise::{Proposal, Setting};
use report::{InputReport, Report};

/// What `bantin import` is asked for.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub locality: Option<String>,
    /// `YYYY-MM-DD`: the date of bulletins whose page gives none.
    pub date: Option<String>,
    /// The folder under content/ for drafts (default `nhap`).
    pub into: String,
    pub force: bool,
    pub inputs: Vec<PathBuf>,
}

/// Everything the inputs are read against.
pub struct Site {
    pub root: PathBuf,
    pub timezone: FixedOffset,
    pub catalogue: matching::Catalogue,
    pub units: figures::Units,
    pub places: place::Units,
    pub locality: Option<String>,
    pub date: Option<NaiveDate>,
}

impl Site {
    /// Read the site's settings and registries; check `--locality`, `--date`, `--into`.
    pub fn open(opts: &Options) -> Result<Site, String> {
        let settings = settings::load(&opts.root).map_err(|e| e.to_string())?;
        let mut errors = Vec::new();
        let (_, indicators) = registries::indicators(&opts.root, &mut errors);
        if let Some(e) = errors.first() {
            return Err(format!("{e}"));
        }
        let indicators = indicators.unwrap_or_default();
        let places = place::Units::load(&opts.root)?;
        if let Some(l) = &opts.locality {
            if places.get(l).is_none() {
                return Err(format!(
                    "--locality: no unit of {} has the id `{l}`",
                    registries::LOCALITIES
                ));
            }
        }
        let date = match &opts.date {
            Some(d) => Some(
                NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                    .map_err(|_| format!("--date: `{d}` is not a date; write YYYY-MM-DD"))?,
            ),
            None => None,
        };
        let into_ok = !opts.into.is_empty()
            && opts.into.split('/').all(|s| {
                !s.is_empty()
                    && s != ".."
                    && s != "."
                    && s.chars().all(|c| c.is_alphanumeric() || "-_".contains(c))
            });
        if !into_ok {
            return Err(format!("--into: `{}` is not a folder name under content/ (letters, digits, - and _, folders separated by /)", opts.into));
        }
        Ok(Site {
            root: opts.root.clone(),
            timezone: settings.timezone,
            units: figures::Units::new(indicators.all.iter().map(|i| &*i.unit)),
            catalogue: matching::Catalogue::new(&indicators),
            places,
            locality: opts.locality.clone(),
            date,
        })
    }
}

/// One bulletin to import: a file, or a line of a `.jsonl`.
#[derive(Debug, Clone)]
pub enum Job {
    Page(Page),
    Failed { origin: String, error: String },
}

/// Every importable file under the inputs, in order; folders recursively.
pub fn collect(inputs: &[PathBuf]) -> Vec<Result<PathBuf, (String, String)>> {
    let importable = |p: &Path| {
        p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            matches!(
                e.to_ascii_lowercase().as_str(),
                "txt" | "html" | "htm" | "jsonl"
            )
        })
    };
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            for e in walkdir::WalkDir::new(input)
                .sort_by_file_name()
                .into_iter()
                .flatten()
            {
                if e.file_type().is_file() && importable(e.path()) {
                    out.push(Ok(e.into_path()));
                }
            }
        } else if input.is_file() {
            out.push(Ok(input.clone()));
        } else {
            out.push(Err((
                input.display().to_string(),
                "no such file or folder".to_string(),
            )));
        }
    }
    out
}

/// The bulletins of one input file.
pub fn jobs_of(path: &Path) -> Vec<Job> {
    let origin = path.display().to_string();
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return vec![Job::Failed {
                origin,
                error: format!("cannot read: {e}"),
            }]
        }
    };
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let named = |mut p: Page, origin: String| {
        p.origin = origin;
        p.file_name = file_name.clone();
        Job::Page(p)
    };
    match ext.as_str() {
        "html" | "htm" => vec![named(read::html(&bytes), origin)],
        "jsonl" => String::from_utf8_lossy(&bytes)
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                let origin = format!("{origin}:{}", i + 1);
                match read::jsonl_line(l) {
                    Ok(p) => named(p, origin),
                    Err(error) => Job::Failed { origin, error },
                }
            })
            .collect(),
        // Text that is not UTF-8 is read as windows-1258, the old Vietnamese code page.
        "txt" => {
            let text = match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => html::decode_as(e.as_bytes(), encoding_rs::WINDOWS_1258),
            };
            vec![named(
                read::txt(text.trim_start_matches('\u{feff}')),
                origin,
            )]
        }
        _ => vec![Job::Failed {
            origin,
            error: "not an importable file (.txt, .html, .htm, .jsonl)".into(),
        }],
    }
}

/// A bulletin read and recognised, ready to be written.
pub struct Prepared {
    pub report: InputReport,
    pub meta: draft::Meta,
    pub year: i32,
    pub slug: String,
    pub paragraphs: Vec<(String, Vec<Proposal>)>,
}

/// Settle a page's date: the page's own, else a day of its first sentence completed with
/// a year from the file name, `--date` or the text; else the file name's or `--date`.
fn settle_date(page: &Page, site: &Site) -> Result<dates::FoundDate, String> {
    if let Some(d) = page.date {
        return Ok(d);
    }
    let file_date = dates::in_file_name(&page.file_name);
    let lead = page
        .paragraphs
        .iter()
        .take(2)
        .find_map(|p| dates::day_in_lead(p));
    if let Some((d, m, y)) = lead {
        if let Some(date) = y.and_then(|y| NaiveDate::from_ymd_opt(y, m, d)) {
            return Ok(dates::FoundDate::day(date));
        }
        let text_dates: Vec<NaiveDate> = page
            .paragraphs
            .iter()
            .flat_map(|p| dates::full_dates(p))
            .map(|(d, _)| d)
            .collect();
        return dates::complete((d, m), file_date, site.date, &text_dates)
            .map(dates::FoundDate::day)
            .ok_or_else(|| format!("the page dates itself {d}/{m} without a year, and neither the file name nor the text gives one; give it with --date YYYY-MM-DD"));
    }
    file_date
        .or(site.date)
        .map(dates::FoundDate::day)
        .ok_or_else(|| "the page has no date; give it with --date YYYY-MM-DD".to_string())
}

fn settle_locality(page: &Page, title: &str, site: &Site) -> Result<(String, How), String> {
    if let Some(l) = &site.locality {
        return Ok((l.clone(), How::Option));
    }
    if let Some(l) = &page.locality {
        return match site.places.get(l) {
            Some(_) => Ok((l.clone(), How::Input)),
            None => Err(format!(
                "the input's locality `{l}` is no id of {}",
                registries::LOCALITIES
            )),
        };
    }
    if let Some(url) = &page.url {
        if let Some(found) = site.places.by_website(url)? {
            return Ok(found);
        }
    }
    site.places.by_text(title, &page.paragraphs)
}

/// Read, date, place and recognise one page.
pub fn prepare(page: Page, site: &Site) -> Result<Prepared, Box<InputReport>> {
    let mut report = InputReport {
        input: page.origin.clone(),
        title: page.title.clone(),
        ..InputReport::default()
    };
    let fail = |mut r: InputReport, e: String| {
        r.error = Some(e);
        Err(Box::new(r))
    };
    let Some(title) = page
        .title
        .clone()
        .filter(|t| !crate::vi::slugify(t).is_empty())
    else {
        return fail(report, "no title found in the page".into());
    };
    let date = match settle_date(&page, site) {
        Ok(d) => d,
        Err(e) => return fail(report, e),
    };
    report.date = Some(date.front_matter(site.timezone));
    let (locality, how) = match settle_locality(&page, &title, site) {
        Ok(x) => x,
        Err(e) => return fail(report, e),
    };
    report.locality = Some(locality.clone());
    report.locality_found_by = Some(how);
    let title_words = text::words(&title);
    let opening = format!(
        "{} {}",
        title.to_lowercase(),
        page.paragraphs
            .first()
            .map_or(String::new(), |p| p.to_lowercase())
    );
    let setting = Setting {
        review: rules::REVIEW.iter().any(|r| opening.contains(r)),
        home: site.places.home_names(&locality),
        year: date.date.year(),
        month: date.date.month(),
        title_period: period::mentions(&title, &title_words, date.date.year())
            .iter()
            .map(|m| m.period)
            .find(|p| *p != period::Period::Unclear),
    };
    let mut paragraphs = Vec::with_capacity(page.paragraphs.len());
    for p in &page.paragraphs {
        let reading = recognise::read(p, &site.catalogue, &site.units, &setting);
        report.figures.extend(reading.proposals.iter().cloned());
        report.left_as_text.extend(reading.left);
        paragraphs.push((p.clone(), reading.proposals));
    }
    let meta = draft::Meta {
        title: title.clone(),
        date: date.front_matter(site.timezone),
        locality,
        source_name: page.source_name.clone(),
        url: page.url.clone(),
        authors: page.authors.clone(),
        origin: page.url.clone().unwrap_or_else(|| page.file_name.clone()),
    };
    Ok(Prepared {
        report,
        meta,
        year: date.date.year(),
        slug: crate::vi::slugify(&title),
        paragraphs,
    })
}

/// The slugs of the site's bulletins: each file's `slug:` or its file name's.
fn site_slugs(root: &Path) -> HashSet<String> {
    let mut errors = Vec::new();
    crate::load::discover(root, &mut errors)
        .par_iter()
        .map(|f| {
            let text = std::fs::read_to_string(root.join(&f.path)).unwrap_or_default();
            let front = text
                .strip_prefix("---")
                .and_then(|t| t.split("\n---").next())
                .unwrap_or("");
            front
                .lines()
                .find_map(|l| l.strip_prefix("slug:"))
                .map(|s| s.trim().trim_matches(['"', '\'']).to_string())
                .unwrap_or_else(|| f.default_slug())
        })
        .collect()
}

/// Give the draft its path, relative to the site root (see IMPORT.md: never over another
/// file; the locality id appended to a slug another bulletin has). Reserves the slug.
fn place(p: &Prepared, opts: &Options, taken: &mut HashSet<String>) -> Result<PathBuf, String> {
    let dir = Path::new("content")
        .join(&opts.into)
        .join(p.year.to_string());
    let rel = |slug: &str| dir.join(format!("{slug}.md"));
    let mut slug = p.slug.clone();
    for attempt in 0..2 {
        let path = opts.root.join(rel(&slug));
        if path.exists() {
            if opts.force && draft::same_source_draft(&path, &p.meta) {
                break;
            }
            return Err(format!(
                "the draft {} already exists{}; nothing was overwritten",
                rel(&slug).display(),
                if opts.force {
                    " and is not a draft made from this source"
                } else {
                    " (--force replaces a draft made from the same source)"
                }
            ));
        }
        if !taken.contains(&slug) {
            break;
        }
        if attempt == 1 {
            return Err(format!(
                "the slugs `{}` and `{slug}` are both taken by other bulletins of the site",
                p.slug
            ));
        }
        slug = format!("{}-{}", p.slug, p.meta.locality);
    }
    taken.insert(slug.clone());
    Ok(rel(&slug))
}

/// Write a placed draft; its path (relative to the site root) or the error.
fn write_draft(p: &Prepared, rel: &Path, opts: &Options) -> Result<String, String> {
    let text = draft::markdown(&p.meta, &p.paragraphs);
    draft::write(&opts.root.join(rel), &text, opts.force)?;
    Ok(rel.display().to_string())
}

/// Run an import; `Err` only when the site itself cannot be read.
pub fn run(opts: &Options) -> Result<Report, String> {
    let site = Site::open(opts)?;
    let files = collect(&opts.inputs);
    let jobs: Vec<Job> = files
        .par_iter()
        .flat_map_iter(|f| match f {
            Ok(path) => jobs_of(path),
            Err((origin, error)) => vec![Job::Failed {
                origin: origin.clone(),
                error: error.clone(),
            }],
        })
        .collect();
    let prepared: Vec<Result<Prepared, Box<InputReport>>> = jobs
        .into_par_iter()
        .map(|job| match job {
            Job::Page(page) => {
                // A bug in recognition must cost one input, not the whole import.
                let origin = page.origin.clone();
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| prepare(page, &site)))
                    .unwrap_or_else(|_| {
                        Err(Box::new(InputReport {
                            input: origin,
                            error: Some("bantin could not read this input (an internal error; please report it with the file)".into()),
                            ..InputReport::default()
                        }))
                    })
            }
            Job::Failed { origin, error } => Err(Box::new(InputReport {
                input: origin,
                error: Some(error),
                ..InputReport::default()
            })),
        })
        .collect();
    // Paths are given out in input order, then the drafts are written in parallel.
    let mut taken = site_slugs(&opts.root);
    let placed: Vec<_> = prepared
        .into_iter()
        .map(|item| {
            item.map(|p| {
                let path = place(&p, opts, &mut taken);
                (p, path)
            })
        })
        .collect();
    let reports = placed
        .into_par_iter()
        .map(|item| match item {
            Ok((mut p, path)) => {
                match path.and_then(|rel| write_draft(&p, &rel, opts)) {
                    Ok(path) => p.report.draft = Some(path),
                    Err(e) => p.report.error = Some(e),
                }
                p.report
            }
            Err(r) => *r,
        })
        .collect();
    Ok(Report::new(reports))
}
