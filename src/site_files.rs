//! Every file of a site, from a prepared renderer into a [`Sink`]: the pages (rendered on
//! all threads), and beside them the data files, feeds, sitemap, robots.txt and search
//! index, then the static files of the theme and the site and the files of bundles. Shared
//! by `bantin build` and `bantin check` (through [`crate::build`]) and by `bantin serve`,
//! which redoes some of them after a change.

use std::path::Path;
use std::time::Instant;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Bulletin;
use crate::output::staged::{Stage, StagedFile};
use crate::output::{data, Sink};
use crate::render::{feeds, Renderer};
use crate::timings::phase;
use crate::urls::path;

/// Render the whole site and hand every file to `sink` (site path, bytes); returns how many
/// files, and where the data files' rows are. With `index_cache`, the search index's batches
/// are kept in it for the next build (see [`crate::search::BatchCache`]).
pub fn write_site(
    r: &Renderer,
    root: &Path,
    sink: &dyn Sink,
    index_cache: Option<&crate::search::BatchCache>,
) -> Result<Written, Diagnostics> {
    let mut t = Instant::now();
    let jobs = r.plan();
    let pages: Vec<String> = jobs.iter().map(|j| r.page_path(j)).collect();
    // The data files, feeds and search index are made and written on one thread while the
    // pages render on the others; each kind is dropped once written. Beside them a thread
    // of its own makes the pages' folders, in the order the pages are rendered and faster
    // (one thread: see `Staging::make_dirs`; the order: `Renderer::render_all`); a page
    // whose folder is not made yet makes it itself.
    let order = crate::render::render_order(&jobs);
    let (rendered, (extra, mut errors, rows), made) = std::thread::scope(|scope| {
        let folders = scope.spawn(|| {
            let mut t = Instant::now();
            let made = sink.prepare(&mut order.iter().map(|&i| pages[i].as_str()));
            phase("mkdir", &mut t);
            made
        });
        let (rendered, side) = rayon::join(
            || r.render_all_in(&jobs, &order, sink),
            || {
                let mut t = Instant::now();
                let mut count = 0;
                let mut errors = Vec::new();
                let mut rows = data::Rows::default();
                match write_data_files(r, sink) {
                    Ok((n, written)) => {
                        count += n;
                        rows = written;
                    }
                    Err(e) => errors.push(Diagnostic::new(
                        "du-lieu/",
                        format!("cannot write the data files: {e}"),
                    )),
                }
                phase("data", &mut t);
                let mut put = |p: String, bytes: Vec<u8>| match sink.put(&p, &bytes) {
                    Ok(()) => count += 1,
                    Err(e) => errors.push(Diagnostic::new(&p, format!("cannot write: {e}"))),
                };
                if let Err(e) = each_feed_file(r, &pages, &mut put) {
                    errors.push(e);
                }
                phase("feeds", &mut t);
                match crate::search::write_index(r.archive, sink, index_cache) {
                    // A full build's cache is new: it trusts no file of an earlier
                    // output, so every file of the index is in the sink.
                    Ok(w) if !w.kept.is_empty() => errors.push(Diagnostic::new(
                        crate::search::DIR,
                        "the search index left files of an earlier output out of a full build (a bug of bantin)",
                    )),
                    Ok(w) => count += w.files,
                    Err(e) => errors.push(Diagnostic::new(
                        crate::search::DIR,
                        format!("cannot write the search index: {e}"),
                    )),
                }
                phase("search", &mut t);
                (count, errors, rows)
            },
        );
        let made = folders
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the folder thread failed")));
        (rendered, side, made)
    });
    if let Err(e) = made {
        errors.push(Diagnostic::new(
            "output",
            format!("cannot make the output folders: {e}"),
        ));
    }
    let mut count = rendered.map_err(Diagnostics::from_iter)? + extra;
    phase("pages", &mut t);
    let mut put = |p: &str, bytes: &[u8]| match sink.put(p, bytes) {
        Ok(()) => count += 1,
        Err(e) => errors.push(Diagnostic::new(p, format!("cannot write: {e}"))),
    };
    let mut read_errors = Vec::new();
    copy_files(r, root, &mut put, &mut read_errors);
    errors.extend(read_errors);
    if errors.is_empty() {
        Ok(Written {
            files: count,
            rows,
            pages,
        })
    } else {
        Err(Diagnostics::from_iter(errors))
    }
}

/// What [`write_site`] wrote.
pub struct Written {
    /// How many files.
    pub files: usize,
    /// Where the data files' rows are.
    pub rows: data::Rows,
    /// The site path of every page, in the plan's order (a build's cache keeps them).
    pub pages: Vec<String>,
}

/// The data files: every indicator value as CSV and JSON, and the data package. The CSV
/// and JSON are made record by record as `sink` takes them. Returns how many files, and
/// where their rows are.
pub fn write_data_files(r: &Renderer, sink: &dyn Sink) -> std::io::Result<(usize, data::Rows)> {
    let articles = data::Articles::new(&r.urls);
    let csv = write_data(r, &articles, data::Format::Csv, sink)?;
    let json = write_data(r, &articles, data::Format::Json, sink)?;
    sink.put(path::DATA_PACKAGE, &data::datapackage(r.archive))?;
    Ok((3, data::Rows { csv, json }))
}

/// The data files the last build wrote, to copy the rows of unchanged bulletins from.
pub struct KeptRows<'a> {
    /// The output folder they are in.
    pub dir: &'a Path,
    /// Where their rows are.
    pub rows: &'a data::Rows,
    /// For each value now (in the archive's value order), its row there, or `None` for a
    /// row to make.
    pub kept: Vec<Option<u32>>,
}

/// The site path of the data file of `format`.
fn data_path(format: data::Format) -> &'static str {
    match format {
        data::Format::Csv => path::DATA_CSV,
        data::Format::Json => path::DATA_JSON,
    }
}

/// Write the data file of `format` to `sink`; returns the length of each row.
fn write_data(
    r: &Renderer,
    articles: &data::Articles,
    format: data::Format,
    sink: &dyn Sink,
) -> std::io::Result<Vec<u32>> {
    let mut lengths = Vec::new();
    sink.put_with(data_path(format), &mut |w| {
        lengths = write_data_to(r, articles, format, None, w)?;
        Ok(())
    })?;
    Ok(lengths)
}

/// Write the data file of `format` to `out`, copying the rows `kept` names from the earlier
/// file; returns the length of each row.
fn write_data_to(
    r: &Renderer,
    articles: &data::Articles,
    format: data::Format,
    kept: Option<&KeptRows>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<Vec<u32>> {
    let rows = (0..r.archive.values.len()).map(|i| {
        match kept.and_then(|k| k.kept.get(i).copied().flatten()) {
            Some(n) => Ok(data::Row::Kept(n as usize)),
            None => data::record(r.archive, articles, i).map(data::Row::Fresh),
        }
    });
    let mut file;
    let earlier = match kept {
        Some(k) => {
            file = std::io::BufReader::with_capacity(
                256 * 1024,
                std::fs::File::open(k.dir.join(data_path(format)))?,
            );
            Some(data::Earlier {
                file: &mut file,
                rows: k.rows.of(format),
            })
        }
        None => None,
    };
    data::write_rows(format, rows, earlier, out)
}

/// A data file a rebuild made: in memory, or staged (see [`StagedFile`]).
pub enum DataFile {
    Bytes(String, Vec<u8>),
    Staged(StagedFile),
}

impl DataFile {
    /// The files in memory (site path, bytes) and the staged ones, apart.
    pub fn split(files: Vec<DataFile>) -> (Vec<(String, Vec<u8>)>, Vec<StagedFile>) {
        let (mut bytes, mut staged) = (Vec::new(), Vec::new());
        for f in files {
            match f {
                DataFile::Bytes(p, b) => bytes.push((p, b)),
                DataFile::Staged(s) => staged.push(s),
            }
        }
        (bytes, staged)
    }
}

/// The data files (the CSV and the JSON side by side: a rebuild makes them while its pages
/// are done, and each takes seconds at 100,000 bulletins), and where their rows are. With
/// `staging`, the CSV and JSON are staged in that folder, never whole in memory (half a
/// gigabyte at 100,000 bulletins); without, they are made in memory. With `kept`, the rows
/// it names are copied from the files the last build wrote, when those are as it says
/// (their length is checked); otherwise every row is made. Fails only when a staged file
/// cannot be written.
pub fn data_files(
    r: &Renderer,
    kept: Option<&KeptRows>,
    staging: Option<&Stage>,
) -> std::io::Result<(Vec<DataFile>, data::Rows)> {
    let articles = data::Articles::new(&r.urls);
    let one = |format: data::Format| -> std::io::Result<(DataFile, Vec<u32>)> {
        let site_path = data_path(format);
        // The earlier file's length, as its rows say: the file must have it.
        let kept = kept
            .map(|k| (k, data::file_len(format, k.rows.of(format))))
            .filter(|(k, len)| {
                std::fs::metadata(k.dir.join(site_path)).is_ok_and(|m| m.len() == *len)
            });
        let make = |kept: Option<(&KeptRows, u64)>| -> std::io::Result<(DataFile, Vec<u32>)> {
            match staging {
                Some(stage) => {
                    let (staged, rows) = StagedFile::write(stage, site_path, |w| {
                        write_data_to(r, &articles, format, kept.map(|k| k.0), w)
                    })?;
                    Ok((DataFile::Staged(staged), rows))
                }
                None => {
                    // Room for the whole file at once: a vector grown by doubling copied it
                    // twice over.
                    let room = kept.map_or(0, |(_, len)| len + (1 << 20));
                    let mut bytes = Vec::with_capacity(room as usize);
                    let rows = write_data_to(r, &articles, format, kept.map(|k| k.0), &mut bytes)?;
                    Ok((DataFile::Bytes(site_path.to_string(), bytes), rows))
                }
            }
        };
        let (made, copied) = match kept.map(|k| make(Some(k))) {
            Some(Ok(made)) => (
                made,
                kept.map_or(0, |(k, _)| k.kept.iter().flatten().count()),
            ),
            // Nothing to copy, or the earlier file is not as its rows say: every row made.
            _ => (make(None)?, 0),
        };
        crate::timings::note(
            "data/rows",
            format_args!("{site_path}: {copied} of {} kept", r.archive.values.len()),
        );
        Ok(made)
    };
    let (csv, json) = rayon::join(|| one(data::Format::Csv), || one(data::Format::Json));
    let ((csv_file, csv), (json_file, json)) = (csv?, json?);
    let package = DataFile::Bytes(path::DATA_PACKAGE.to_string(), data::datapackage(r.archive));
    Ok((vec![csv_file, json_file, package], data::Rows { csv, json }))
}

/// The feeds, then sitemap.xml (of `pages`, the site paths of every page; a sitemap index of
/// numbered sitemaps past 50,000 pages) and robots.txt, but the files `left` as the output
/// has them, whose paths come second. Fails only when the theme's `atom.xml` does.
pub fn feed_files(r: &Renderer, pages: &[String], left: &Left) -> Result<FeedFiles, Diagnostic> {
    let mut out = Vec::new();
    let mut kept = Vec::new();
    let mut put = |p, bytes| out.push((p, bytes));
    feeds::each_atom_feed(r, left.feeds, &mut put, &mut |p| kept.push(p))?;
    if left.sitemap {
        kept.extend(feeds::sitemap_paths(pages, feeds::SITEMAP_MAX_URLS));
    } else {
        feeds::each_sitemap(&r.urls, pages, feeds::SITEMAP_MAX_URLS, &mut |p, text| {
            put(p, text.into_bytes())
        });
    }
    put("robots.txt".into(), feeds::robots(&r.urls).into_bytes());
    Ok((out, kept))
}

/// The feed files made (site path, bytes), and the site paths of those left as they are.
pub type FeedFiles = (Vec<(String, Vec<u8>)>, Vec<String>);

/// What a rebuild knows the output still has as this build would make it (see
/// [`feed_files`]): the feeds whose newest bulletins `feeds` names (none changed, and they
/// are listed as before), and the sitemap when `sitemap` (the same pages in the same order).
pub struct Left<'a> {
    pub feeds: &'a (dyn Fn(&[crate::model::BulletinId]) -> bool + Sync),
    pub sitemap: bool,
}

impl Left<'_> {
    /// Nothing left: every file made.
    pub const NONE: Left<'static> = Left {
        feeds: &|_| false,
        sitemap: false,
    };
}

/// [`feed_files`], each handed to `put` as soon as it is made (the sitemaps one by one).
pub fn each_feed_file(
    r: &Renderer,
    pages: &[String],
    put: &mut dyn FnMut(String, Vec<u8>),
) -> Result<(), Diagnostic> {
    feeds::each_atom_feed(r, &|_| false, put, &mut |_| {})?;
    feeds::each_sitemap(&r.urls, pages, feeds::SITEMAP_MAX_URLS, &mut |p, text| {
        put(p, text.into_bytes())
    });
    put("robots.txt".into(), feeds::robots(&r.urls).into_bytes());
    Ok(())
}

/// Files copied as they are: the theme's static files, the site's static/ folder, and the
/// files of every bundle.
pub fn copy_files(
    r: &Renderer,
    root: &Path,
    put: &mut dyn FnMut(&str, &[u8]),
    errors: &mut Vec<Diagnostic>,
) {
    for (p, bytes) in &r.theme.statics {
        put(&format!("static/{p}"), bytes);
    }
    copy_site_static(root, put, errors);
    for b in &r.archive.bulletins {
        copy_bundle(root, b, put, errors);
    }
}

/// The site's static/ folder, copied as is to the output root.
pub fn copy_site_static(
    root: &Path,
    put: &mut dyn FnMut(&str, &[u8]),
    errors: &mut Vec<Diagnostic>,
) {
    let own = root.join("static");
    if !own.is_dir() {
        return;
    }
    for e in walkdir::WalkDir::new(&own)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(&own)
                .unwrap_or(e.path())
                .to_string_lossy()
                .replace('\\', "/");
            match std::fs::read(e.path()) {
                Ok(bytes) => put(&rel, &bytes),
                Err(err) => errors.push(Diagnostic::new(
                    crate::diagnostics::rel_path(root, e.path()),
                    format!("cannot read: {err}"),
                )),
            }
        }
    }
}

/// A file a bundle publishes beside its page.
pub enum BundleFile<'a> {
    /// A file of the bundle, copied as it is (relative to the site root).
    Copied(std::path::PathBuf),
    /// A photo made by [`crate::photos`].
    Photo(&'a crate::model::photo::Stored),
}

/// What a bundle publishes beside its page, by site path: its files as they are, except
/// photos (JPEG, PNG), which are published only as what [`crate::photos`] made of those the
/// body shows or links to (a photo that no Markdown names is not published: as it was
/// taken, it carries its metadata).
pub fn bundle_files(b: &Bulletin) -> Vec<(String, BundleFile<'_>)> {
    let Some(dir) = b.bundle_dir() else {
        return Vec::new();
    };
    let page = path::bulletin(&b.slug);
    let mut out = Vec::with_capacity(b.assets().len());
    for asset in b.assets() {
        let name = asset.to_string_lossy();
        if !crate::model::photo::is_photo_name(&name) {
            out.push((format!("{page}{name}"), BundleFile::Copied(dir.join(asset))));
        }
    }
    for f in b.photo_files() {
        let Some(p) = &f.prepared else { continue };
        for r in p.renditions.iter().chain(&p.original) {
            out.push((format!("{page}{}", r.name), BundleFile::Photo(&r.data)));
        }
    }
    out
}

/// Files beside a bundle's index.md go beside its page ([`bundle_files`]). Two files
/// published under one name are an error naming the bulletin.
pub fn copy_bundle(
    root: &Path,
    b: &Bulletin,
    put: &mut dyn FnMut(&str, &[u8]),
    errors: &mut Vec<Diagnostic>,
) {
    let files = bundle_files(b);
    if files.is_empty() {
        return;
    }
    let mut seen = std::collections::HashSet::new();
    for (target, file) in &files {
        if !seen.insert(target.as_str()) {
            errors.push(
                Diagnostic::new(
                    &b.file,
                    format!("two files of the bundle would both be published as `{target}`"),
                )
                .help("rename one of the files beside index.md (resized photos are named <name>-<width>.jpg)"),
            );
            continue;
        }
        let read = match file {
            BundleFile::Copied(p) => std::fs::read(root.join(p))
                .map(std::borrow::Cow::Owned)
                .map_err(|e| (p.clone(), e)),
            BundleFile::Photo(stored) => stored.read().map_err(|e| {
                let p = match stored {
                    crate::model::photo::Stored::File(p) => p.clone(),
                    crate::model::photo::Stored::Memory(_) => b.file.clone(),
                };
                (p, e)
            }),
        };
        match read {
            Ok(bytes) => put(target, &bytes),
            Err((p, err)) => errors.push(Diagnostic::new(p, format!("cannot read: {err}"))),
        }
    }
}
