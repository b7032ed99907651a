//! Stage 1 of the pipeline: load. Reads the settings, the registries and every bulletin under
//! `content/` (in parallel), checks them against CONTENT.md and each other, and returns the
//! validated [`Archive`] or every problem found.

pub mod article;
pub mod markdown;
pub mod registries;
pub mod settings;
pub mod source;
pub mod yaml;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Archive, BodyStore, BulletinId, Indicators, Localities};
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

/// Settings and registries: what every bulletin is read against. The first step of
/// [`load`], kept apart so that `bantin serve` can re-read one bulletin at a time.
#[derive(Debug, Clone)]
pub struct Base {
    pub settings: settings::Settings,
    pub urls: Urls,
    /// Where the bodies of the bulletins read against this base are kept.
    pub bodies: Arc<BodyStore>,
    pub localities: Localities,
    pub terms: crate::model::Terms,
    pub indicators: Indicators,
    /// content/localities.yaml is missing (an error once any bulletin exists).
    pub localities_missing: bool,
    /// content/indicators.yaml is missing (an error once any value is used).
    pub indicators_missing: bool,
}

impl Base {
    /// Read site.toml (applying `--base-url`) and the registries. Problems go into `errors`
    /// (with settings in error, fallback settings are used) so that bulletins are still
    /// checked; only a registry that cannot be read at all stops here, with every problem.
    pub fn load(
        root: &Path,
        opts: &LoadOptions,
        errors: &mut Vec<Diagnostic>,
    ) -> Result<Base, Diagnostics> {
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
        let (loc_presence, localities) = registries::localities(root, errors);
        let (term_presence, terms) = registries::terms(root, errors);
        let (ind_presence, indicators) = registries::indicators(root, errors);
        // A registry that cannot be read at all would make every bulletin's references look
        // wrong: report the registry alone.
        if [loc_presence, term_presence, ind_presence].contains(&registries::Presence::Broken) {
            return Err(Diagnostics::from_iter(std::mem::take(errors)).sorted());
        }
        Ok(Base {
            settings,
            urls,
            bodies: Arc::new(BodyStore::new()),
            localities_missing: loc_presence == registries::Presence::Missing,
            localities: localities.unwrap_or_default(),
            terms: terms.unwrap_or_default(),
            indicators_missing: ind_presence == registries::Presence::Missing,
            indicators: indicators.unwrap_or_default(),
        })
    }

    /// The error for bulletins without a localities registry, if that is the case.
    pub fn check_files(&self, files: &[Found], errors: &mut Vec<Diagnostic>) {
        if !files.is_empty() && self.localities_missing {
            errors.push(
                Diagnostic::new(registries::LOCALITIES, "the localities registry is missing")
                    .help("create content/localities.yaml listing the units the bulletins are about (`- id: …`, `name`, `kind`)"),
            );
        }
    }

    /// Read and check one bulletin file (drafts included), with its bundle's files.
    pub fn parse(&self, root: &Path, f: &Found) -> Result<article::ParsedArticle, Vec<Diagnostic>> {
        let reg = article::Registries {
            localities: &self.localities,
            terms: &self.terms,
            indicators: &self.indicators,
        };
        let read = article::ReadOptions {
            timezone: self.settings.timezone,
            allow_html: self.settings.allow_html,
            urls: &self.urls,
            bodies: &self.bodies,
        };
        let text = source::read_text(&root.join(&f.path), &f.path).map_err(|e| vec![e])?;
        let mut a = article::parse_article(&f.path, &text, &f.default_slug(), &reg, &read)?;
        if let Some(dir) = &f.bundle {
            let assets = bundle_assets(&root.join(dir));
            a.bulletin.change_extras(|e| {
                e.assets = assets;
                e.bundle_dir = Some(dir.clone());
            });
            refuse_uncleaned_photos(&a.bulletin)?;
        }
        resolve_photos(&mut a.bulletin)?;
        Ok(a)
    }

    /// Whether a parsed bulletin is built (drafts only with `--drafts`); checks it against
    /// what is missing from the registries.
    pub fn accept(
        &self,
        a: &article::ParsedArticle,
        opts: &LoadOptions,
        errors: &mut Vec<Diagnostic>,
    ) -> bool {
        if a.bulletin.draft && !opts.drafts {
            return false;
        }
        if self.indicators_missing && !a.values.is_empty() {
            errors.push(Diagnostic::new(
                &a.bulletin.file,
                "the bulletin has indicator values but content/indicators.yaml is missing",
            ));
        }
        true
    }

    /// Order the bulletins and give them handles: see [`assemble`].
    pub fn assemble(self, parsed: Vec<article::ParsedArticle>) -> Archive {
        self.assemble_as_before(parsed, None)
    }

    /// [`Base::assemble`] of articles that may be in the archive's order already, their
    /// figures too: `places`, when given, holds for each article (in order) the places its
    /// figures had in the archive's list of figures, as many as it has. What is in order
    /// is not sorted again (the order is checked: one not in order is sorted as
    /// [`assemble`] does).
    pub fn assemble_as_before(
        self,
        parsed: Vec<article::ParsedArticle>,
        places: Option<Vec<u32>>,
    ) -> Archive {
        // Room for every figure at once: grown by doubling, the list was copied over and over
        // (700,000 figures at 100,000 bulletins, before a rebuild renders anything).
        let mut apart = Accepted {
            parsed: Vec::with_capacity(parsed.len()),
            values: Vec::with_capacity(parsed.iter().map(|a| a.values.len()).sum()),
            ..Accepted::default()
        };
        for a in parsed {
            apart.push(a);
        }
        self.assemble_apart(apart.parsed, apart.values, places)
    }

    /// [`Base::assemble`] of articles whose figures are in `values` instead, each naming its
    /// article by its place in `parsed`.
    fn assemble_apart(
        self,
        parsed: Vec<article::ParsedArticle>,
        values: Vec<crate::model::IndicatorValue>,
        places: Option<Vec<u32>>,
    ) -> Archive {
        assemble(
            self.settings,
            self.localities,
            self.terms,
            self.indicators,
            self.bodies,
            (parsed, values),
            places,
        )
    }
}

/// Files parsed by one task of [`load_all`]: enough that a chunk's list of figures (about
/// 170 KB) is an allocation of its own, few enough that the threads of
/// [`crate::disk::on_io_threads`] share 10,000 files evenly.
const PARSE_CHUNK: usize = 256;

/// The bulletins accepted for the build, their figures apart in one list, the drafts left
/// out (with their figures) and the problems found. Each parsed article's figures are a
/// small vector of its own, allocated among its strings: gathered into the archive's list
/// at the end, those vectors, freed, left their memory held between the strings (540 MB at a
/// million). Moved into a list per chunk of files as each is parsed, they leave no holes,
/// and each chunk's list is given back whole once joined.
#[derive(Default)]
struct Accepted {
    /// Without their figures.
    parsed: Vec<article::ParsedArticle>,
    /// Their figures, each naming its article by its place in `parsed`.
    values: Vec<crate::model::IndicatorValue>,
    skipped: Vec<article::ParsedArticle>,
    errors: Vec<Diagnostic>,
}

impl Accepted {
    fn push(&mut self, mut a: article::ParsedArticle) {
        let at = BulletinId(self.parsed.len() as u32);
        self.values
            .extend(std::mem::take(&mut a.values).into_iter().map(|mut v| {
                v.bulletin = at;
                v
            }));
        self.parsed.push(a);
    }

    /// The chunks' lists joined, in order. The chunks were made on the parsing threads:
    /// every [`JOIN_COLLECT`] chunks those are asked to give back what was freed for them
    /// (see [`crate::memory`]), so that the freed chunks and the joined lists are not
    /// resident together.
    fn joined(chunks: Vec<Accepted>) -> Accepted {
        let mut all = Accepted {
            parsed: Vec::with_capacity(chunks.iter().map(|c| c.parsed.len()).sum()),
            values: Vec::with_capacity(chunks.iter().map(|c| c.values.len()).sum()),
            ..Accepted::default()
        };
        for (n, c) in chunks.into_iter().enumerate() {
            if n > 0 && n % JOIN_COLLECT == 0 {
                crate::memory::collect_everywhere();
            }
            let first = all.parsed.len() as u32;
            all.values.extend(c.values.into_iter().map(|mut v| {
                v.bulletin.0 += first;
                v
            }));
            all.parsed.extend(c.parsed);
            all.skipped.extend(c.skipped);
            all.errors.extend(c.errors);
        }
        all
    }
}

/// Chunks joined between two collections (see [`Accepted::joined`]): about 11 MB of
/// figures at seven a bulletin, a few hundred collections at a million bulletins.
const JOIN_COLLECT: usize = 64;

/// Slugs are unique across the site: an error for each bulletin whose slug an earlier one has.
pub fn check_slugs<'a>(
    bulletins: impl IntoIterator<Item = &'a crate::model::Bulletin>,
    errors: &mut Vec<Diagnostic>,
) {
    let mut seen: rustc_hash::FxHashMap<&str, &Path> = Default::default();
    for b in bulletins {
        if let Some(first) = seen.insert(&b.slug, &b.file) {
            errors.push(
                Diagnostic::new(
                    &b.file,
                    format!("the slug `{}` is also used by {}", b.slug, first.display()),
                )
                .help("give one of them its own `slug:` in the front matter, or rename the file"),
            );
        }
    }
}

/// Load and validate the whole archive at `root`.
pub fn load(root: &Path, opts: &LoadOptions) -> Result<Archive, Diagnostics> {
    load_all(root, opts, None, |_| {}).map(|l| l.archive)
}

/// A loaded archive with what an incremental build keeps of its reading.
pub struct Loaded {
    pub archive: Archive,
    /// Every bulletin file found.
    pub files: Vec<Found>,
    /// The bulletins read but not built (drafts, without `--drafts`).
    pub skipped: Vec<article::ParsedArticle>,
}

/// [`load`], keeping the bodies in `bodies` when given, showing `found` the files before
/// they are read, and handing back the files and the drafts left out.
pub fn load_all(
    root: &Path,
    opts: &LoadOptions,
    bodies: Option<Arc<BodyStore>>,
    found: impl FnOnce(&[Found]),
) -> Result<Loaded, Diagnostics> {
    let mut errors = Vec::new();
    let mut t = std::time::Instant::now();
    let mut base = Base::load(root, opts, &mut errors)?;
    if let Some(b) = bodies {
        base.bodies = b;
    }
    crate::timings::phase("load/registries", &mut t);
    let files = discover(root, &mut errors);
    found(&files);
    crate::timings::phase("load/discover", &mut t);
    base.check_files(&files, &mut errors);
    crate::timings::phase("load/check", &mut t);
    // Parsed a chunk of files at a time, each chunk's figures moved out of their articles
    // into one list of the chunk's (see [`Accepted`]); on the disk's threads, since a file
    // not in memory leaves its thread waiting (a million bulletins are 6.5 GB).
    let chunks: Vec<Accepted> = crate::disk::on_io_threads(|| {
        files
            .par_chunks(PARSE_CHUNK)
            .map(|chunk| {
                let mut out = Accepted {
                    values: Vec::with_capacity(chunk.len() * 8),
                    ..Accepted::default()
                };
                for f in chunk {
                    match base.parse(root, f) {
                        Ok(a) if base.accept(&a, opts, &mut out.errors) => out.push(a),
                        Ok(a) => out.skipped.push(a),
                        Err(e) => out.errors.extend(e),
                    }
                }
                out.values.shrink_to_fit();
                out
            })
            .collect()
    });
    crate::timings::phase("load/parse", &mut t);
    let Accepted {
        parsed,
        values,
        skipped,
        errors: chunk_errors,
    } = Accepted::joined(chunks);
    errors.extend(chunk_errors);
    check_slugs(parsed.iter().map(|a| &a.bulletin), &mut errors);
    crate::timings::phase("load/accept", &mut t);
    if !errors.is_empty() {
        return Err(Diagnostics::from_iter(errors).sorted());
    }
    let archive = base.assemble_apart(parsed, values, None);
    crate::timings::phase("load/assemble", &mut t);
    Ok(Loaded {
        archive,
        files,
        skipped,
    })
}

/// Order bulletins (newest first, then slug), give them handles, order the values. The
/// articles hold no figures: `values` has them, each naming its article by its place in
/// `parsed`. Articles already in order are left so; figures whose `places` (those of each
/// article's, see [`Base::assemble_as_before`]) are their order are put there without
/// sorting.
pub fn assemble(
    settings: settings::Settings,
    localities: Localities,
    terms: crate::model::Terms,
    indicators: Indicators,
    bodies: Arc<BodyStore>,
    (parsed, mut values): (
        Vec<article::ParsedArticle>,
        Vec<crate::model::IndicatorValue>,
    ),
    places: Option<Vec<u32>>,
) -> Archive {
    let mut t = std::time::Instant::now();
    // Large records are sorted through a permutation, so that sorting moves indexes only.
    let (parsed, order) = sorted_by(parsed, |a, b| {
        b.bulletin
            .date
            .cmp(&a.bulletin.date)
            .then_with(|| a.bulletin.slug.cmp(&b.bulletin.slug))
    });
    // Each figure names its article by the place it had; now by its handle.
    let mut handle = vec![0u32; order.len()];
    for (k, &was) in order.iter().enumerate() {
        handle[was as usize] = k as u32;
    }
    for v in &mut values {
        v.bulletin = BulletinId(handle[v.bulletin.0 as usize]);
    }
    drop((order, handle));
    // Collected in place: the bulletins take the room the parsed articles had (the standard
    // library reuses a vector's buffer for a map of its own items that are no larger), not
    // a second copy of them (376 MB at a million).
    let mut bulletins: Vec<crate::model::Bulletin> =
        parsed.into_iter().map(|a| a.bulletin).collect();
    crate::timings::phase("assemble/bulletins", &mut t);
    crate::model::Topic::shared(bulletins.iter_mut().flat_map(|b| b.topics.iter_mut()));
    crate::timings::phase("assemble/topics", &mut t);
    // CSV order: locality, indicator, period, kind, then article date (oldest first). Ids are
    // unique, so comparing their ranks in id order is comparing the ids, without the strings.
    // The bulletins are in order already, newest first and then by address, each date's in
    // one run: so oldest first is the bulletins' handles backwards, which also orders a date's
    // bulletins as before (the date itself left out of the key: 16 bytes a value).
    let locality_rank = id_ranks(localities.ids().map(|l| localities.get(l).id.as_str()));
    let indicator_rank = id_ranks(indicators.ids().map(|i| indicators.get(i).id.as_str()));
    // The key of each value is made once: comparing keys is comparing integers, where the
    // comparison itself looked up two bulletins' dates (a cache miss each, about 20 times per
    // value for 700,000 values).
    let keys: Vec<_> = values
        .iter()
        .map(|v| {
            (
                locality_rank[v.locality.0 as usize],
                indicator_rank[v.indicator.0 as usize],
                v.period,
                v.kind,
                std::cmp::Reverse(v.bulletin),
            )
        })
        .collect();
    // A bulletin's figures take its places in the order of their keys (one read again has
    // them in the order of its text).
    let places = places.filter(|p| p.len() == values.len()).map(|mut p| {
        let (mut items, mut spots) = (Vec::new(), Vec::new());
        for run in (0..values.len() as u32)
            .collect::<Vec<_>>()
            .chunk_by(|&x, &y| values[x as usize].bulletin == values[y as usize].bulletin)
        {
            items.clear();
            items.extend_from_slice(run);
            items.sort_by(|&x, &y| (&keys[x as usize], x).cmp(&(&keys[y as usize], y)));
            spots.clear();
            spots.extend(run.iter().map(|&i| p[i as usize]));
            spots.sort_unstable();
            for (&item, &spot) in items.iter().zip(&spots) {
                p[item as usize] = spot;
            }
        }
        p
    });
    let values = match places.and_then(|p| order_of_places(&p, &keys)) {
        Some(order) => {
            crate::timings::note("assemble/values", format_args!("in place"));
            apply_order(&mut values, &order);
            values
        }
        None => sorted_by_key(values, keys),
    };
    crate::timings::phase("assemble/values", &mut t);
    Archive {
        settings,
        localities,
        terms,
        indicators,
        bulletins,
        values,
        bodies,
    }
}

/// `items` stably sorted by `cmp`: the comparisons run in parallel over a permutation of
/// indexes, then the items move into place, each once, without a second copy of them.
fn sorted_by<T: Send + Sync>(
    mut items: Vec<T>,
    cmp: impl Fn(&T, &T) -> std::cmp::Ordering + Sync,
) -> (Vec<T>, Vec<u32>) {
    let mut order: Vec<u32> = (0..items.len() as u32).collect();
    // In order already (a rebuild resumes them so): left as they are.
    if items.is_sorted_by(|a, b| cmp(a, b).is_le()) {
        return (items, order);
    }
    order.par_sort_by(|&x, &y| cmp(&items[x as usize], &items[y as usize]));
    apply_order(&mut items, &order);
    (items, order)
}

/// The order [`sorted_by_key`] would give items of these `keys` (position → item), when
/// `places` (item → position) is it: a permutation under which `(key, item)` ascends
/// strictly, which is the order of a stable sort. `None` when it is not.
fn order_of_places<K: Ord>(places: &[u32], keys: &[K]) -> Option<Vec<u32>> {
    if places.len() != keys.len() {
        return None;
    }
    let mut order = vec![u32::MAX; places.len()];
    for (item, &place) in places.iter().enumerate() {
        let slot = order.get_mut(place as usize)?;
        if *slot != u32::MAX {
            return None;
        }
        *slot = item as u32;
    }
    order
        .windows(2)
        .all(|w| (&keys[w[0] as usize], w[0]) < (&keys[w[1] as usize], w[1]))
        .then_some(order)
}

/// `items` sorted by `keys` (one per item), equal keys in their original order.
fn sorted_by_key<T, K: Ord + Send>(mut items: Vec<T>, keys: Vec<K>) -> Vec<T> {
    // Keys sorted with their positions, side by side in memory; unstable, but the position
    // breaks ties, so the order is that of a stable sort.
    let mut keyed: Vec<(K, u32)> = keys.into_iter().zip(0..).collect();
    keyed.par_sort_unstable();
    let order: Vec<u32> = keyed.into_iter().map(|(_, i)| i).collect();
    apply_order(&mut items, &order);
    items
}

/// Rearrange `items` so that position `k` holds what was at `order[k]` (a permutation), by
/// following each cycle of the permutation with swaps.
fn apply_order<T>(items: &mut [T], order: &[u32]) {
    let mut placed = vec![false; items.len()];
    for start in 0..items.len() {
        let mut k = start;
        while !placed[k] {
            placed[k] = true;
            let from = order[k] as usize;
            if from == start {
                break;
            }
            items.swap(k, from);
            k = from;
        }
    }
}

/// Each id's position in the ids sorted, by handle.
fn id_ranks<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<u32> {
    let ids: Vec<&str> = ids.collect();
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_by(|&x, &y| ids[x].cmp(ids[y]));
    let mut rank = vec![0; ids.len()];
    for (r, i) in order.into_iter().enumerate() {
        rank[i] = r as u32;
    }
    rank
}

/// A bulletin file found under content/.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Found {
    /// Relative to the site root.
    pub path: PathBuf,
    /// For `<slug>/index.md`: the folder, relative to the site root.
    pub bundle: Option<PathBuf>,
}

impl Found {
    /// The slug of the file name (of the folder, for a bundle), unless the front matter
    /// gives one. Made when the file is parsed, on the parsing threads: the walk that finds
    /// the files runs on one thread while the others wait.
    pub fn default_slug(&self) -> String {
        let name = match &self.bundle {
            Some(dir) => dir.file_name(),
            None => self.path.file_stem(),
        };
        name.map(|n| crate::vi::slugify(&crate::vi::nfc(&n.to_string_lossy())))
            .unwrap_or_default()
    }
}

/// Every `*.md` under content/, in the order of a walk that sorts each folder by name; hidden
/// files and folders are skipped. The folders right under content/ (a year, a province) are
/// walked on every core: 100,000 files took a quarter of a second on one thread, most of
/// every incremental build's comparing.
pub fn discover(root: &Path, errors: &mut Vec<Diagnostic>) -> Vec<Found> {
    let content = root.join(CONTENT_DIR);
    if !content.is_dir() {
        return Vec::new();
    }
    let top: Vec<walkdir::Result<walkdir::DirEntry>> =
        visible(WalkDir::new(&content).max_depth(1)).collect();
    let parts: Vec<(Vec<Found>, Vec<Diagnostic>)> = top
        .into_par_iter()
        .map(|entry| match entry {
            Ok(e) if e.depth() == 1 && e.file_type().is_dir() => {
                found_in(root, &content, visible(WalkDir::new(e.path())))
            }
            other => found_in(root, &content, std::iter::once(other)),
        })
        .collect();
    let mut out = Vec::new();
    for (found, errs) in parts {
        out.extend(found);
        errors.extend(errs);
    }
    // The order of a walk with each folder's entries sorted by name is the paths' order
    // compared name by name: their bytes, with a separator below any other byte. Sorted once
    // here rather than folder by folder in the walk, where each comparison split both paths
    // to find their names.
    out.par_sort_by_cached_key(|f| {
        f.path
            .as_os_str()
            .as_encoded_bytes()
            .iter()
            .map(|&b| {
                if std::path::is_separator(b as char) {
                    0
                } else {
                    b
                }
            })
            .collect::<Vec<u8>>()
    });
    out
}

/// A walk that skips hidden files and folders (below where it starts).
fn visible(
    walk: WalkDir,
) -> walkdir::FilterEntry<walkdir::IntoIter, impl FnMut(&walkdir::DirEntry) -> bool> {
    walk.into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
}

/// The bulletin files among `entries` of a walk of `content`, and what could not be read.
fn found_in(
    root: &Path,
    content: &Path,
    entries: impl Iterator<Item = walkdir::Result<walkdir::DirEntry>>,
) -> (Vec<Found>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e
                    .path()
                    .map(|p| p.to_path_buf())
                    .unwrap_or_else(|| content.to_path_buf());
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
        out.push(Found { path: rel, bundle });
    }
    (out, errors)
}

/// Find the bundle file of each photo the body names. A photo shown that the bundle lacks
/// is an error at its line; a link to a missing photo is left to the link checks, like any
/// other link.
fn resolve_photos(b: &mut crate::model::Bulletin) -> Result<(), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let Some(e) = b.extras.as_mut() else {
        return Ok(());
    };
    let assets = &e.assets;
    let bundled = e.bundle_dir.is_some();
    e.photo_files.retain_mut(|f| {
        let found = assets
            .iter()
            .find(|a| crate::vi::nfc(&a.to_string_lossy()) == f.name.as_str());
        if let Some(a) = found {
            f.asset = a.clone();
            return true;
        }
        if f.shown {
            let help = if bundled {
                format!("put `{}` in the bulletin's folder, beside index.md, or check the spelling of its name", f.name)
            } else {
                "a bulletin shows its own photos from a bundle: move the file to <slug>/index.md and put the photo beside it, or give the photo's full address (https://…)".to_string()
            };
            errors.push(
                Diagnostic::at(
                    &b.file,
                    f.line,
                    format!("the photo `{}` is not a file beside this bulletin", f.name),
                )
                .help(help),
            );
        }
        false
    });
    // A bulletin that links to photos it does not have keeps no empty extras.
    if b.extras.as_ref().is_some_and(|e| e.is_empty()) {
        b.extras = None;
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// A bundle's files are published as they are, but for JPEG and PNG photos, which are
/// published only as copies made without their metadata. A photo of another format would
/// go out with where and when it was taken: each is an error.
fn refuse_uncleaned_photos(b: &crate::model::Bulletin) -> Result<(), Vec<Diagnostic>> {
    let errors: Vec<Diagnostic> = b
        .assets()
        .iter()
        .map(|a| a.to_string_lossy())
        .filter(|name| crate::model::photo::is_uncleaned_photo_name(name))
        .map(|name| {
            Diagnostic::new(
                &b.file,
                format!("the bulletin's folder holds `{name}`, a photo format bantin cannot clean: published as it is, it would carry where and when it was taken"),
            )
            .help("convert it to JPEG (bantin then publishes resized copies without the metadata) or move it out of the bulletin's folder")
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn discover_lists_the_files_in_the_order_of_one_walk_without_hidden_ones() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let files = [
            "content/a.md",
            "content/b/x.md",
            "content/b/y/index.md",
            "content/b/y/anh.jpg",
            "content/b/z.md",
            "content/b.md",
            "content/b-c.md",
            "content/c.txt",
            "content/d/.an/x.md",
            "content/d/e.md",
            "content/.nhap.md",
            "content/.an/f.md",
            "content/z.md",
            "content/Đ/tin.md",
        ];
        for f in files {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "").unwrap();
        }
        let mut errors = Vec::new();
        let found = discover(root, &mut errors);
        assert!(errors.is_empty());
        let listed: Vec<(&str, Option<&str>)> = found
            .iter()
            .map(|f| {
                (
                    f.path.to_str().unwrap(),
                    f.bundle.as_deref().and_then(Path::to_str),
                )
            })
            .collect();
        assert_eq!(
            listed,
            [
                ("content/a.md", None),
                ("content/b/x.md", None),
                ("content/b/y/index.md", Some("content/b/y")),
                ("content/b/z.md", None),
                // A folder's files before the names it begins (`b` < `b-c.md` < `b.md`).
                ("content/b-c.md", None),
                ("content/b.md", None),
                ("content/d/e.md", None),
                ("content/z.md", None),
                ("content/Đ/tin.md", None),
            ]
        );
    }

    fn write_file(root: &Path, p: &str, text: &str) {
        let p = root.join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// A site of one district, one indicator and the term 2020-2025, without bulletins.
    fn one_indicator_site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let write = |p: &str, text: &str| write_file(dir.path(), p, text);
        write(
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org/\"\n",
        );
        write(
            "content/localities.yaml",
            "- {id: dong-son, name: Đông Sơn, kind: huyện}\n",
        );
        write(
            "content/indicators.yaml",
            "- {id: thu-ngan-sach, name: Thu ngân sách, unit: tỷ đồng, category: Kinh tế, direction: up}\n",
        );
        write(
            "content/terms.yaml",
            "- {id: \"2020-2025\", name: Nhiệm kỳ 2020-2025, start: 2020-01-01, end: 2025-12-31, years: \"2020-2025\"}\n",
        );
        dir
    }

    /// The values' order leaves the bulletin's date out of its key: the bulletins' own order
    /// (newest first, then by address) gives it. Same figures of bulletins of one day and of
    /// other days come out in the order of the whole key, oldest first and a day's by
    /// address backwards.
    #[test]
    fn values_come_in_csv_order_with_the_date_taken_from_the_bulletins_order() {
        let dir = one_indicator_site();
        let root = dir.path();
        let write = |p: &str, text: &str| write_file(root, p, text);
        let bulletins = [
            ("c", "2021-03-01T08:00:00+07:00"),
            ("a", "2021-03-01T08:00:00+07:00"),
            ("d", "2020-05-01"),
            ("b", "2021-03-01T08:00:00+07:00"),
            // The same instant written in another offset.
            ("e", "2021-03-01T01:00:00+00:00"),
            ("f", "2022-01-01"),
        ];
        for (slug, date) in bulletins {
            write(
                &format!("content/{slug}.md"),
                &format!(
                    "---\ntitle: {slug}\ndate: {date}\nlocality: dong-son\nindicators:\n  - {{id: thu-ngan-sach, value: 1, unit: tỷ đồng, period: 2021, kind: actual}}\n---\nBài.\n"
                ),
            );
        }
        let a = load(root, &Default::default()).unwrap();
        let order: Vec<&str> = a
            .values
            .iter()
            .map(|v| a.bulletins[v.bulletin.0 as usize].slug.as_str())
            .collect();
        assert_eq!(order, ["d", "e", "c", "b", "a", "f"]);
        // The key written out whole, date included, orders them alike.
        let mut whole: Vec<_> = a
            .values
            .iter()
            .map(|v| {
                let b = &a.bulletins[v.bulletin.0 as usize];
                (v.period, v.kind, b.date, std::cmp::Reverse(v.bulletin))
            })
            .collect();
        let as_loaded = whole.clone();
        whole.sort();
        assert_eq!(whole, as_loaded);
    }

    /// Files are parsed in chunks whose figures are kept apart and joined: past a chunk's
    /// end, each figure still belongs to its own bulletin.
    #[test]
    fn figures_stay_with_their_bulletins_across_parse_chunks() {
        let dir = one_indicator_site();
        let root = dir.path();
        let write = |p: &str, text: &str| write_file(root, p, text);
        let n = PARSE_CHUNK * 2 + 3;
        for i in 0..n {
            // Some without figures, some with two, one a draft (left out, figures and all).
            let figures = match i % 3 {
                0 => String::new(),
                1 => format!("indicators:\n  - {{id: thu-ngan-sach, value: {i}, unit: tỷ đồng, period: 2021, kind: actual}}\n"),
                _ => format!("indicators:\n  - {{id: thu-ngan-sach, value: {i}, unit: tỷ đồng, period: 2021, kind: actual}}\n  - {{id: thu-ngan-sach, value: {i}, unit: tỷ đồng, period: 2022, kind: target}}\n"),
            };
            let draft = if i == PARSE_CHUNK + 1 {
                "draft: true\n"
            } else {
                ""
            };
            write(
                &format!("content/b{i:04}.md"),
                &format!("---\ntitle: b{i}\ndate: 2021-0{}-1{}\nlocality: dong-son\n{draft}{figures}---\nBài.\n", i % 9 + 1, i % 10),
            );
        }
        let a = load(root, &Default::default()).unwrap();
        assert_eq!(a.bulletins.len(), n - 1);
        let expected: usize = (0..n)
            .filter(|&i| i != PARSE_CHUNK + 1)
            .map(|i| i % 3)
            .sum();
        assert_eq!(a.values.len(), expected);
        for v in &a.values {
            assert_eq!(
                a.bulletins[v.bulletin.0 as usize].slug,
                format!("b{:04}", v.value as usize)
            );
        }
    }

    proptest! {
        /// The parallel sort through a permutation gives what a stable sort gives.
        #[test]
        fn sorted_by_is_a_stable_sort(items in proptest::collection::vec((0u8..5, any::<u16>()), 0..300)) {
            let mut expected = items.clone();
            expected.sort_by_key(|x| x.0);
            prop_assert_eq!(sorted_by(items, |a, b| a.0.cmp(&b.0)).0, expected);
        }

        #[test]
        fn sorted_by_key_is_a_stable_sort(items in proptest::collection::vec((0u8..5, any::<u16>()), 0..300)) {
            let mut expected = items.clone();
            expected.sort_by_key(|x| x.0);
            let keys: Vec<u8> = items.iter().map(|x| x.0).collect();
            prop_assert_eq!(sorted_by_key(items, keys), expected);
        }

        /// Places are taken exactly when they are the stable sort's order: given the
        /// sorted order's places they are; shuffled, only if that is the sort's order too.
        #[test]
        fn places_are_taken_only_when_they_are_the_sorts_order(
            keys in proptest::collection::vec(0u8..6, 0..60),
            shuffle in any::<u64>(),
        ) {
            let n = keys.len();
            let mut sorted: Vec<u32> = (0..n as u32).collect();
            sorted.sort_by_key(|&i| keys[i as usize]);
            // item -> position in the stable sort
            let mut places = vec![0u32; n];
            for (pos, &item) in sorted.iter().enumerate() {
                places[item as usize] = pos as u32;
            }
            prop_assert_eq!(order_of_places(&places, &keys), Some(sorted.clone()));
            let mut other = places.clone();
            let mut x = shuffle;
            for i in (1..n).rev() {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                other.swap(i, (x >> 33) as usize % (i + 1));
            }
            let taken = order_of_places(&other, &keys);
            prop_assert!(taken.is_none() || taken == Some(sorted));
            // Not a permutation, or of another length: never taken.
            if n >= 2 {
                let mut twice = places.clone();
                twice[0] = twice[1];
                prop_assert_eq!(order_of_places(&twice, &keys), None);
            }
            prop_assert_eq!(order_of_places(&places[..n.saturating_sub(1)], &keys).filter(|_| n > 0), None);
        }
    }

    #[test]
    fn apply_order_follows_every_cycle() {
        let mut items = vec!['a', 'b', 'c', 'd', 'e'];
        apply_order(&mut items, &[2, 0, 1, 4, 3]);
        assert_eq!(items, ['c', 'a', 'b', 'e', 'd']);
    }
}
