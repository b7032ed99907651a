//! The site as `bantin serve` keeps it in memory, and as an incremental `bantin build` takes
//! it back from the build cache ([`Site::resume`]): every parsed bulletin cached by file or
//! in the last good archive, and what each change needs redone. A bulletin edit re-reads that
//! file only, re-assembles the archive from the bulletins it already has (moved, not copied)
//! and regroups (cheap), and re-renders just the pages that show it, plus the feeds, data
//! files, sitemap and search index; a template change re-renders every page; a settings or
//! registry change rebuilds everything. A resumed site has no archive yet, only the earlier
//! build's groups: its first rebuild assembles the archive as it is now, once.
//!
//! A rebuild hands its output as [`Delta`]s to apply to the served files: a bulletin edit in
//! two, first every changed page but the heavy tables of indicators and terms (so the edited
//! page is served at once), then those and the machine-read files. On an error nothing more
//! is handed over and the change is kept for the next try.

use std::collections::BTreeSet;

// FxHash: the keys are the site's own paths (no one to guard against), 100,000 and more
// of them hashed several times a rebuild, where SipHash was a tenth of an edit's CPU time.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::path_key::{bytes, PathKey};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use super::affected::{self, Before, Side};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::group::Groups;
use crate::load::article::ParsedArticle;
use crate::load::{self, Base, Found, LoadOptions};
use crate::model::settings::Settings;
use crate::model::{Archive, IndicatorValue};
use crate::output::staged::{Stage, StagedFile};
use crate::photos::CacheUse;
use crate::render::theme::Theme;
use crate::render::{Job, Renderer};
use crate::site_files::{self, DataFile};
use crate::urls::{path, Urls};

/// What changed on disk since the last rebuild.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// site.toml or a registry: everything is re-read.
    pub full: bool,
    /// A template, theme file or UI string: every page is re-rendered.
    pub theme: bool,
    /// The site's static/ folder.
    pub statics: bool,
    /// A folder under content/ appeared, moved or went: list content/ again.
    pub rescan: bool,
    /// Bulletin files (relative to the root) to read again.
    pub files: BTreeSet<PathBuf>,
}

impl Changes {
    pub fn full() -> Changes {
        Changes {
            full: true,
            ..Changes::default()
        }
    }

    /// One bulletin file changed, appeared or went.
    pub fn file(rel: impl Into<PathBuf>) -> Changes {
        Changes {
            files: BTreeSet::from([rel.into()]),
            ..Changes::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }

    pub fn merge(&mut self, other: Changes) {
        self.full |= other.full;
        self.theme |= other.theme;
        self.statics |= other.statics;
        self.rescan |= other.rescan;
        self.files.extend(other.files);
    }

    /// In a few words, for the terminal.
    pub fn describe(&self) -> String {
        if self.full {
            return "settings".into();
        }
        let mut parts = Vec::new();
        if self.theme {
            parts.push("templates".to_string());
        }
        if self.statics {
            parts.push("static files".to_string());
        }
        match self.files.len() {
            0 if self.rescan => parts.push("content".to_string()),
            0 => {}
            1 => parts.extend(self.files.iter().map(|f| f.display().to_string())),
            n => parts.push(format!("{n} bulletins")),
        }
        parts.join(", ")
    }
}

/// Files to change in the served site.
#[derive(Debug, Default)]
pub struct Delta {
    /// Drop every file first.
    pub replace_all: bool,
    pub remove: Vec<String>,
    pub insert: Vec<(String, Vec<u8>)>,
    /// Files written already into a staging folder, to be put in place in the output (or
    /// dropped when unchanged); dropped, each is removed. Only a build from the cache, which
    /// has a staging folder, stages files (the data files, see [`Resumed::staging`]).
    pub staged: Vec<StagedFile>,
    /// The addresses (`/bai-viet/x/`) of the pages that changed; `None`: maybe all of them.
    pub changed: Option<Vec<String>>,
}

/// What a rebuild did.
#[derive(Debug, Clone, Copy, Default)]
pub struct Report {
    /// Pages rendered.
    pub pages: usize,
    /// Until the first delta was handed over.
    pub first_millis: f64,
    pub millis: f64,
}

/// Every bulletin file's parse result, against one reading of settings and registries.
/// A bulletin that went into the last good archive is moved there, not copied: `parsed`
/// keeps the files read but not built (drafts, errors) and those read again since, and a
/// listed file with no entry is the good archive's bulletin.
struct Cache {
    base: Base,
    base_errors: Vec<Diagnostic>,
    files: Vec<Found>,
    discover_errors: Vec<Diagnostic>,
    /// By the bytes of their paths (see [`crate::path_key`]).
    parsed: HashMap<PathKey, Result<ParsedArticle, Vec<Diagnostic>>>,
    /// content/ as the caller listed it just before the first rebuild (see
    /// [`Resumed::listed`]); taken by that rebuild when a file is new or gone, and dropped
    /// after it either way.
    listed: Option<Vec<Found>>,
}

/// The files served (or written), by what they are.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Served {
    /// Output files of the pages.
    pub pages: HashSet<String>,
    /// Feeds, sitemap, data files, search index.
    pub derived: HashSet<String>,
    /// The theme's static files.
    pub theme_statics: HashSet<String>,
    /// The site's static/ folder.
    pub site_statics: HashSet<String>,
    /// Files of bundles.
    pub bundles: HashSet<String>,
    /// Where the rows of the data files are (see [`crate::output::data::Rows`]), when known.
    pub data_rows: Option<crate::output::data::Rows>,
    /// The pages in the order the sitemap lists them ([`pages_print`]); 0 when not known.
    pub pages_print: u128,
}

/// A hash of the pages' site paths in the order given (the plan's, which the sitemap
/// follows): the same, and the sitemap is the same.
pub fn pages_print<S: AsRef<str>>(page_paths: &[S]) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for p in page_paths {
        h.update(p.as_ref().as_bytes());
        h.update(&[0]);
    }
    h.digest128()
}

impl Served {
    fn parts(&self) -> [&HashSet<String>; 5] {
        [
            &self.pages,
            &self.derived,
            &self.theme_statics,
            &self.site_statics,
            &self.bundles,
        ]
    }

    pub fn contains(&self, p: &str) -> bool {
        self.parts().iter().any(|s| s.contains(p))
    }

    /// What `self` serves and `now` does not.
    fn gone(&self, now: &Served) -> Vec<String> {
        let mut out = Vec::new();
        for part in self.parts() {
            out.extend(part.iter().filter(|p| !now.contains(p)).cloned());
        }
        out
    }
}

/// The site as it was before a bulletin change, as the rebuild compares with it.
struct Old<'a> {
    /// What the changed bulletins were on, and the bulletins' files by handle.
    before: Before,
    groups: &'a Groups,
    /// What its data files held of the changed bulletins ([`data_prints`]).
    data: Vec<(PathBuf, String)>,
    served: &'a Served,
    /// Where its data files are on disk, as it wrote them.
    data_dir: Option<&'a Path>,
    /// Where to stage the new data files (see [`Resumed::staging`]).
    staging: Option<&'a Stage>,
}

/// What the data files need after a change of bulletins.
enum DataFiles<'a> {
    /// No value, nor the slug or date of a bulletin with values, changed: they stay.
    Same,
    /// Made again, with the rows that can be copied from the earlier files; staged in
    /// `staging` when given.
    Remade {
        staging: Option<&'a Stage>,
        kept: Option<site_files::KeptRows<'a>>,
    },
}

/// The last site that built.
struct Good {
    archive: Archive,
    groups: Groups,
    theme: Theme,
    served: Served,
}

/// The site being served, or built again.
pub struct Site {
    root: PathBuf,
    opts: LoadOptions,
    /// Serving: links from the root of the local address, whatever site.toml says.
    local: bool,
    cache: Option<Cache>,
    good: Option<Good>,
    pending: Changes,
    /// The search index's batches kept between builds, for an incremental `bantin build`;
    /// their fingerprints point into the bodies of the cache's store, so a full rebuild (a
    /// new store) stops using them.
    index_batches: Option<crate::search::BatchCache>,
    /// A resumed site's last build, whose archive was never assembled: the first rebuild
    /// assembles only the archive as it is now.
    earlier: Option<Earlier>,
}

/// The last build of a resumed site, as its record has it.
struct Earlier {
    /// Its bulletins' source files, by handle.
    files: Vec<PathBuf>,
    groups: Groups,
    theme: Theme,
    served: Served,
    /// The folder it wrote (see [`Resumed::output`]).
    output: Option<PathBuf>,
    /// See [`Resumed::staging`].
    staging: Option<Stage>,
}

/// What an earlier build of a site leaves for the next one to start from (see
/// [`Site::resume`]).
pub struct Resumed {
    /// The bulletin files the earlier build found.
    pub files: Vec<Found>,
    /// content/ as listed now, when the caller has just listed it: the first rebuild, when
    /// a file is new or gone, takes it instead of listing content/ again.
    pub listed: Option<Vec<Found>>,
    /// The bulletins it read: those of its archive first, in the archive's order, then the
    /// others (drafts); their bodies are in `bodies`.
    pub parsed: Vec<ParsedArticle>,
    /// The groups of its archive.
    pub groups: Groups,
    pub bodies: std::sync::Arc<crate::model::BodyStore>,
    /// The files it wrote.
    pub served: Served,
    /// The site's theme, loaded now.
    pub theme: Theme,
    /// The search index's batches it kept, which go with `bodies`.
    pub index_batches: Option<crate::search::BatchCache>,
    /// The folder it wrote, as it left it until the first rebuild's files are written: the
    /// data files' rows of unchanged bulletins are copied from there.
    pub output: Option<PathBuf>,
    /// Where the first rebuild stages its data files before they are put in the output,
    /// and the spares it writes them over (see [`StagedFile`]); without, they are made in
    /// memory.
    pub staging: Option<Stage>,
}

/// The output file of a page path (`x/` is served from `x/index.html`).
pub fn page_file(page: &str) -> String {
    if page.is_empty() || page.ends_with('/') {
        format!("{page}index.html")
    } else {
        page.to_string()
    }
}

fn diags(v: Vec<Diagnostic>) -> Diagnostics {
    Diagnostics::from_iter(v).sorted()
}

/// Render `jobs`, collecting the files.
fn render(r: &Renderer, jobs: &[Job]) -> Result<Vec<(String, Vec<u8>)>, Diagnostics> {
    let out = crate::output::MemorySink::default();
    r.render_all(jobs, &out).map_err(diags)?;
    Ok(out.into_files())
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

impl Site {
    /// A site at `root`, built with `opts` (its `base_url` should be the local address).
    pub fn new(root: &Path, opts: LoadOptions) -> Site {
        Site {
            root: root.to_path_buf(),
            opts,
            local: true,
            cache: None,
            good: None,
            pending: Changes::full(),
            index_batches: None,
            earlier: None,
        }
    }

    /// The site as an earlier build left it, with its settings and registries read now and
    /// its theme loaded now (the caller has made sure they are what that build read), so that
    /// [`Site::rebuild`] redoes only what changed since. Links are as site.toml says. The
    /// earlier archive is not assembled: its groups and the bulletins of the changed files
    /// say what the change touches.
    pub fn resume(root: &Path, opts: LoadOptions, earlier: Resumed) -> Result<Site, Diagnostics> {
        let mut errors = Vec::new();
        let mut base = Base::load(root, &opts, &mut errors)?;
        if !errors.is_empty() {
            return Err(diags(errors));
        }
        base.bodies = earlier.bodies;
        let built = earlier.groups.all.len();
        if built > earlier.parsed.len() {
            return Err(
                Diagnostic::new(".", "the record has fewer bulletins than its groups").into(),
            );
        }
        let files = earlier.parsed[..built]
            .iter()
            .map(|a| a.bulletin.file.clone())
            .collect();
        Ok(Site {
            root: root.to_path_buf(),
            opts,
            local: false,
            cache: Some(Cache {
                base,
                base_errors: Vec::new(),
                files: earlier.files,
                discover_errors: Vec::new(),
                listed: earlier.listed,
                parsed: earlier
                    .parsed
                    .into_iter()
                    .map(|a| (PathKey::from(a.bulletin.file.clone()), Ok(a)))
                    .collect(),
            }),
            good: None,
            pending: Changes::default(),
            index_batches: earlier.index_batches,
            earlier: Some(Earlier {
                files,
                groups: earlier.groups,
                theme: earlier.theme,
                served: earlier.served,
                output: earlier.output,
                staging: earlier.staging,
            }),
        })
    }

    /// The search index's batches this site keeps (see [`Resumed::index_batches`]).
    pub fn index_batches(&self) -> Option<&crate::search::BatchCache> {
        self.index_batches.as_ref()
    }

    /// The last good archive, its groups and the files it was written to.
    pub fn good(&self) -> Option<(&Archive, &Groups, &Served)> {
        self.good
            .as_ref()
            .map(|g| (&g.archive, &g.groups, &g.served))
    }

    /// The bulletin files as last listed, with what each read to when it is not in the good
    /// archive (`None`: it failed, or it is built).
    pub fn parsed(&self) -> Vec<(&Found, Option<&ParsedArticle>)> {
        self.cache
            .as_ref()
            .map(|c| {
                c.files
                    .iter()
                    .map(|f| {
                        (
                            f,
                            c.parsed.get(bytes(&f.path)).and_then(|r| r.as_ref().ok()),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Bring the site up to date with `changes` (and whatever failed before), handing the
    /// output to `publish` as it is ready.
    pub fn rebuild(
        &mut self,
        changes: Changes,
        publish: &mut dyn FnMut(Delta),
    ) -> Result<Report, Diagnostics> {
        let started = Instant::now();
        let mut first = None;
        let mut publish = |d: Delta| {
            first.get_or_insert_with(|| ms(started));
            publish(d);
        };
        let mut ch = std::mem::take(&mut self.pending);
        ch.merge(changes);
        let result = if ch.full || self.cache.is_none() {
            self.full(&mut publish)
        } else if self.good.is_some() {
            self.incremental(&mut ch, &mut publish)
        } else if let Some(earlier) = self.earlier.take() {
            self.after_earlier(earlier, &mut ch, &mut publish)
        } else {
            self.full(&mut publish)
        };
        // The listing handed over for the first rebuild is stale for any later one, whether
        // or not this one took it.
        if let Some(c) = self.cache.as_mut() {
            c.listed = None;
        }
        match result {
            Ok(pages) => {
                let millis = ms(started);
                Ok(Report {
                    pages,
                    first_millis: first.unwrap_or(millis),
                    millis,
                })
            }
            Err(e) => {
                self.pending = ch;
                Err(e)
            }
        }
    }

    /// Read settings and registries again, and every bulletin.
    fn read_all(&mut self) -> Result<(), Diagnostics> {
        let mut errors = Vec::new();
        let mut base = Base::load(&self.root, &self.opts, &mut errors)?;
        if self.local {
            // Served pages link from the root of the local address.
            base.settings.relative_urls = false;
            base.urls = Urls::new(&base.settings.base_url, false);
        }
        let mut discover_errors = Vec::new();
        let files = load::discover(&self.root, &mut discover_errors);
        let root = &self.root;
        let parsed = files
            .par_iter()
            .map(|f| (PathKey::from(f.path.clone()), base.parse(root, f)))
            .collect();
        self.cache = Some(Cache {
            base,
            base_errors: errors,
            files,
            discover_errors,
            parsed,
            listed: None,
        });
        Ok(())
    }

    /// Read the files of `ch` again; list content/ again first when a folder changed or a
    /// file is new or gone, and then add the files that appeared or went to `ch.files`, which
    /// so names every file whose bulletin may differ from the last good build.
    ///
    /// Returns the bulletins the cache had of the files read again or gone.
    fn reread(&mut self, ch: &mut Changes) -> Vec<ParsedArticle> {
        let root = &self.root;
        let mut before = Vec::new();
        let Some(c) = self.cache.as_mut() else {
            return before;
        };
        let built = built_files(self.good.as_ref());
        let known = |p: &PathBuf| {
            (c.parsed.contains_key(bytes(p)) || built.contains_key(bytes(p)))
                && root.join(p).is_file()
        };
        // Listed for the first rebuild only: later ones list content/ as it is then.
        let listed = c.listed.take();
        if ch.rescan || !ch.files.iter().all(known) {
            let mut discover_errors = Vec::new();
            let found = match listed {
                Some(found) => {
                    crate::timings::note("rebuild/listed", format_args!("taken"));
                    found
                }
                None => load::discover(root, &mut discover_errors),
            };
            let now: HashSet<&[u8]> = found.iter().map(|f| bytes(&f.path)).collect();
            let gone: Vec<PathKey> = c
                .parsed
                .keys()
                .filter(|p| !now.contains(bytes(p.path())))
                .cloned()
                .collect();
            for p in gone {
                if let Some(Ok(a)) = c.parsed.remove(bytes(p.path())) {
                    before.push(a);
                }
                ch.files.insert(p.into_path());
            }
            ch.files.extend(
                built
                    .iter()
                    .filter(|(p, _)| !now.contains(*p))
                    .map(|(_, p)| p.to_path_buf()),
            );
            for f in &found {
                if !c.parsed.contains_key(bytes(&f.path)) && !built.contains_key(bytes(&f.path)) {
                    ch.files.insert(f.path.clone());
                }
            }
            c.files = found;
            c.discover_errors = discover_errors;
            ch.rescan = false;
        }
        let todo: Vec<&Found> = c
            .files
            .iter()
            .filter(|f| ch.files.contains(&f.path))
            .collect();
        let base = &c.base;
        let results: Vec<(PathKey, Result<ParsedArticle, Vec<Diagnostic>>)> = todo
            .par_iter()
            .map(|f| (PathKey::from(f.path.clone()), base.parse(root, f)))
            .collect();
        for (p, r) in results {
            if let Some(Ok(a)) = c.parsed.insert(p, r) {
                before.push(a);
            }
        }
        before
    }

    /// Every problem of the cached bulletins, or the indexes (into the cache's files) of
    /// those to build.
    fn check(&self) -> Result<Vec<usize>, Diagnostics> {
        let Some(c) = &self.cache else {
            return Err(Diagnostic::new(".", "the site has not been read").into());
        };
        let mut errors = c.base_errors.clone();
        errors.extend(c.discover_errors.iter().cloned());
        c.base.check_files(&c.files, &mut errors);
        let built: HashMap<&[u8], &crate::model::Bulletin> = self
            .good
            .iter()
            .flat_map(|g| &g.archive.bulletins)
            .map(|b| (bytes(&b.file), b))
            .collect();
        let mut accepted = Vec::with_capacity(c.files.len());
        for (i, f) in c.files.iter().enumerate() {
            match c.parsed.get(bytes(&f.path)) {
                Some(Ok(a)) if c.base.accept(a, &self.opts, &mut errors) => accepted.push(i),
                Some(Err(e)) => errors.extend(e.iter().cloned()),
                Some(Ok(_)) => {}
                // Not read since the last good build, against the same registries: built
                // then, so built now.
                None if built.contains_key(bytes(&f.path)) => accepted.push(i),
                None => {}
            }
        }
        load::check_slugs(
            accepted.iter().filter_map(|&i| {
                let f = bytes(&c.files[i].path);
                match c.parsed.get(f) {
                    Some(r) => r.as_ref().ok().map(|a| &a.bulletin),
                    None => built.get(f).copied(),
                }
            }),
            &mut errors,
        );
        if errors.is_empty() {
            Ok(accepted)
        } else {
            Err(diags(errors))
        }
    }

    /// The archive of the `accepted` files: the bulletins of `old` where their file is not in
    /// `changed`, the cached ones otherwise (moved out of the cache). With `before` (an
    /// earlier archive's bulletin files in order, and where each one's figures stood), the
    /// bulletins are taken in that order, and what is still in order is not sorted again.
    fn assemble(
        &mut self,
        accepted: &[usize],
        old: Option<Archive>,
        changed: &BTreeSet<PathBuf>,
        before: Option<(&[PathBuf], &crate::group::PerBulletin)>,
    ) -> Result<Archive, Diagnostics> {
        let Some(c) = &mut self.cache else {
            return Err(Diagnostic::new(".", "the site has not been read").into());
        };
        let mut t = Instant::now();
        let mut reuse: HashMap<PathKey, ParsedArticle> = HashMap::default();
        // Old bulletins keep their bodies in the store of the base they were read against.
        // A failed full rebuild stays pending, so `old` always shares the cache's base.
        if old
            .as_ref()
            .is_some_and(|o| !std::sync::Arc::ptr_eq(&o.bodies, &c.base.bodies))
        {
            return Err(Diagnostic::new(".", "the site must be read again").into());
        }
        if let Some(old) = old {
            let mut values: Vec<Vec<IndicatorValue>> =
                old.bulletins.iter().map(|_| Vec::new()).collect();
            for v in old.values {
                if let Some(list) = values.get_mut(v.bulletin.0 as usize) {
                    list.push(v);
                }
            }
            reuse = old
                .bulletins
                .into_iter()
                .zip(values)
                .filter(|(b, _)| !changed.contains(&b.file))
                .map(|(bulletin, values)| {
                    let file = PathKey::from(bulletin.file.clone());
                    (file, ParsedArticle { bulletin, values })
                })
                .collect();
        }
        let mut accepted = accepted.to_vec();
        if let Some((files, _)) = before {
            let place: HashMap<&[u8], u32> = (0..).zip(files).map(|(i, f)| (bytes(f), i)).collect();
            let mut placed: Vec<(u32, usize)> = accepted
                .iter()
                .map(|&i| {
                    let path = bytes(&c.files[i].path);
                    (place.get(path).copied().unwrap_or(u32::MAX), i)
                })
                .collect();
            // Stable: new files come after the others, in their order.
            placed.sort_by_key(|&(p, _)| p);
            accepted = placed.into_iter().map(|(_, i)| i).collect();
        }
        let parsed: Vec<ParsedArticle> = accepted
            .iter()
            .filter_map(|&i| {
                let f = bytes(&c.files[i].path);
                reuse.remove(f).or_else(|| c.parsed.remove(f)?.ok())
            })
            .collect();
        // Where each bulletin's figures stood, when every bulletin is the earlier one of its
        // place with as many figures (see `load::assemble`).
        let places = before.and_then(|(files, per)| {
            let mut places = Vec::new();
            for (k, a) in parsed.iter().enumerate() {
                let was = per
                    .get(k)
                    .filter(|_| files.get(k) == Some(&a.bulletin.file))?;
                if was.len() != a.values.len() {
                    return None;
                }
                places.extend_from_slice(was);
            }
            Some(places)
        });
        crate::timings::phase("assemble/accepted", &mut t);
        Ok(c.base.clone().assemble_as_before(parsed, places))
    }

    fn load_theme(&self, settings: &Settings) -> Result<Theme, Diagnostics> {
        Theme::load(&self.root, &settings.theme, settings.language.code()).map_err(diags)
    }

    /// Everything from scratch.
    fn full(&mut self, publish: &mut dyn FnMut(Delta)) -> Result<usize, Diagnostics> {
        self.index_batches = None;
        self.earlier = None;
        self.read_all()?;
        let accepted = self.check()?;
        let mut archive = self.assemble(&accepted, None, &BTreeSet::new(), None)?;
        crate::photos::prepare(&self.root, &mut archive, CacheUse::ReadWrite)?;
        let groups = Groups::new(&archive);
        let theme = self.load_theme(&archive.settings)?;
        let r = Renderer::new(&archive, &groups, &theme).map_err(diags)?;
        let jobs = r.plan();
        let page_paths: Vec<String> = jobs.iter().map(|j| r.page_path(j)).collect();
        let mut insert = render(&r, &jobs)?;
        let mut served = Served {
            pages: page_paths.iter().map(|p| page_file(p)).collect(),
            pages_print: pages_print(&page_paths),
            ..Served::default()
        };
        let (derived, data_rows) = derived_files(&r, &page_paths)?;
        served.derived = derived.iter().map(|(p, _)| p.clone()).collect();
        served.data_rows = Some(data_rows);
        insert.extend(derived);
        let mut errors = Vec::new();
        served.theme_statics = push_theme_statics(&theme, &mut insert);
        served.site_statics = push_site_statics(&self.root, &mut insert, &mut errors);
        for b in &archive.bulletins {
            let mut put = |p: &str, bytes: &[u8]| {
                served.bundles.insert(p.to_string());
                insert.push((p.to_string(), bytes.to_vec()));
            };
            site_files::copy_bundle(&self.root, b, &mut put, &mut errors);
        }
        if !errors.is_empty() {
            return Err(diags(errors));
        }
        drop(r);
        publish(Delta {
            replace_all: true,
            remove: Vec::new(),
            insert,
            staged: Vec::new(),
            changed: None,
        });
        self.good = Some(Good {
            archive,
            groups,
            theme,
            served,
        });
        Ok(jobs.len())
    }

    /// Only what `ch` needs. A failure once the last good archive has been taken apart
    /// leaves no good archive: the next rebuild is a full one.
    fn incremental(
        &mut self,
        ch: &mut Changes,
        publish: &mut dyn FnMut(Delta),
    ) -> Result<usize, Diagnostics> {
        let mut t = Instant::now();
        let content = ch.rescan || !ch.files.is_empty();
        let accepted = if content {
            self.reread(ch);
            Some(self.check()?)
        } else {
            None
        };
        crate::timings::phase("rebuild/read", &mut t);
        let Some(good) = self.good.take() else {
            return Err(Diagnostic::new(".", "the site has not been built").into());
        };
        let new_theme = if ch.theme {
            let checked = self.load_theme(&good.archive.settings).and_then(|t| {
                Renderer::new(&good.archive, &good.groups, &t).map_err(diags)?;
                Ok(t)
            });
            match checked {
                Ok(t) => Some(t),
                Err(e) => {
                    self.good = Some(good);
                    return Err(e);
                }
            }
        } else {
            None
        };
        let Good {
            archive: old_archive,
            groups: old_groups,
            theme: old_theme,
            served: old_served,
        } = good;
        let (theme, old_theme) = match new_theme {
            Some(t) => (t, Some(old_theme)),
            None => (old_theme, None),
        };
        let Some(accepted) = accepted else {
            // Templates or static files only: the archive stays.
            let good = Good {
                archive: old_archive,
                groups: old_groups,
                theme,
                served: old_served,
            };
            return self.restyle(ch, good, old_theme, publish);
        };
        let before = Before::new(
            Side {
                archive: &old_archive,
                groups: &old_groups,
            },
            &ch.files,
        );
        let old_data = data_prints(&old_archive, &old_groups, &ch.files);
        let mut archive = self.assemble(&accepted, Some(old_archive), &ch.files, None)?;
        // Only the photos of the bulletins read again: the others keep theirs.
        crate::photos::prepare(&self.root, &mut archive, CacheUse::ReadWrite)?;
        crate::timings::phase("rebuild/assemble", &mut t);
        let old = Old {
            before,
            groups: &old_groups,
            data: old_data,
            served: &old_served,
            data_dir: None,
            staging: None,
        };
        self.keep_content((archive, theme), old, ch, publish)
    }

    /// After a bulletin change, with the archive as it is (assembled, and the theme to render
    /// with): the pages and files the change touches, against the site as it was; then the
    /// archive is the good one.
    fn keep_content(
        &mut self,
        (archive, theme): (Archive, Theme),
        old: Old,
        ch: &Changes,
        publish: &mut dyn FnMut(Delta),
    ) -> Result<usize, Diagnostics> {
        let this = &*self;
        let (groups, done) = std::thread::scope(|scope| {
            // The search index takes the longest and needs only the archive: it is made on a
            // thread of its own from here, beside grouping, telling and rendering the pages.
            let index = scope.spawn(|| search_index(&archive, this.index_batches.as_ref()));
            let mut t = Instant::now();
            // A change that moves no bulletin and lists none elsewhere (an edit of text, a
            // title, a figure's quote) leaves the groups as they were: a copy of them is a
            // tenth of making them.
            let groups_kept = old.before.groups_stay(&archive, &ch.files);
            let groups = if groups_kept {
                crate::timings::note("rebuild/group", format_args!("kept"));
                old.groups.clone()
            } else {
                Groups::new(&archive)
            };
            crate::timings::phase("rebuild/group", &mut t);
            let data = if data_prints(&archive, &groups, &ch.files) != old.data {
                DataFiles::Remade {
                    staging: old.staging,
                    kept: old
                        .data_dir
                        .and_then(|dir| kept_rows(dir, (&archive, &groups), &old, &ch.files)),
                }
            } else {
                DataFiles::Same
            };
            let done = this.update_content(
                (&archive, &groups, &theme),
                (old.before, old.groups, groups_kept),
                data,
                ch,
                old.served,
                (index, publish),
            );
            (groups, done)
        });
        let (served, pages) = done?;
        self.good = Some(Good {
            archive,
            groups,
            theme,
            served,
        });
        Ok(pages)
    }

    /// The first rebuild of a resumed site: the archive as it is now is assembled (once), and
    /// what the change touches is told from the earlier groups and the bulletins the cache
    /// had of the changed files.
    fn after_earlier(
        &mut self,
        earlier: Earlier,
        ch: &mut Changes,
        publish: &mut dyn FnMut(Delta),
    ) -> Result<usize, Diagnostics> {
        let mut t = Instant::now();
        let content = ch.rescan || !ch.files.is_empty();
        let replaced = if content { self.reread(ch) } else { Vec::new() };
        let accepted = self.check()?;
        crate::timings::phase("rebuild/read", &mut t);
        let before = (earlier.files.as_slice(), &earlier.groups.values_by_bulletin);
        let mut archive = self.assemble(&accepted, None, &BTreeSet::new(), Some(before))?;
        crate::photos::prepare(&self.root, &mut archive, CacheUse::ReadWrite)?;
        crate::timings::phase("rebuild/assemble", &mut t);
        let Earlier {
            files: old_files,
            groups: old_groups,
            theme: old_theme,
            served,
            output,
            staging,
        } = earlier;
        let (theme, replaced_theme) = if ch.theme {
            (self.load_theme(&archive.settings)?, Some(old_theme))
        } else {
            (old_theme, None)
        };
        if !content {
            let good = Good {
                groups: Groups::new(&archive),
                archive,
                theme,
                served,
            };
            return self.restyle(ch, good, replaced_theme, publish);
        }
        // The earlier archive's bulletins of the changed files.
        let was_built: HashSet<&[u8]> = old_files.iter().map(|f| bytes(f)).collect();
        let old: Vec<&ParsedArticle> = replaced
            .iter()
            .filter(|a| was_built.contains(bytes(&a.bulletin.file)))
            .collect();
        let old_data = prints(old.iter().map(|a| (&a.bulletin, a.values.iter())));
        drop(was_built);
        let before = Before::from_parsed(old_files, old.iter().copied(), &archive.localities);
        let old = Old {
            before,
            groups: &old_groups,
            data: old_data,
            served: &served,
            data_dir: output.as_deref(),
            staging: staging.as_ref(),
        };
        self.keep_content((archive, theme), old, ch, publish)
    }

    /// A change of templates or static files only: the archive stays, the pages are
    /// rendered again with `good.theme` (all of them when the templates changed). On
    /// failure the old site stays good, with `old_theme` when the theme was replaced.
    fn restyle(
        &mut self,
        ch: &Changes,
        mut good: Good,
        old_theme: Option<Theme>,
        publish: &mut dyn FnMut(Delta),
    ) -> Result<usize, Diagnostics> {
        let result = Renderer::new(&good.archive, &good.groups, &good.theme)
            .map_err(diags)
            .and_then(|r| {
                let plan = r.plan();
                let page_paths: Vec<String> = plan.iter().map(|j| r.page_path(j)).collect();
                let files = page_paths.iter().map(|p| page_file(p)).collect();
                let jobs: &[Job] = if ch.theme { &plan } else { &[] };
                let (mut served, mut delta) = self.update(&r, files, jobs, ch, &good.served)?;
                served.pages_print = pages_print(&page_paths);
                if ch.theme {
                    // The feeds are rendered with a template too; the sitemap is not.
                    let left = site_files::Left {
                        feeds: &|_| false,
                        sitemap: true,
                    };
                    let (feeds, _) = feed_files(&r, &page_paths, &left, &good.served)?;
                    delta.insert.extend(feeds);
                }
                Ok((served, delta))
            });
        match result {
            Ok((served, delta)) => {
                publish(delta);
                let pages = if ch.theme { served.pages.len() } else { 0 };
                good.served = served;
                self.good = Some(good);
                Ok(pages)
            }
            Err(e) => {
                if let Some(t) = old_theme {
                    good.theme = t;
                }
                self.good = Some(good);
                Err(e)
            }
        }
    }

    /// After a bulletin change: the changed pages but the heavy ones, then the heavy ones and
    /// the machine-read files. Returns what is served and how many pages were rendered.
    fn update_content(
        &self,
        (archive, groups, theme): (&Archive, &Groups, &Theme),
        (before, old_groups, groups_kept): (Before, &Groups, bool),
        data: DataFiles,
        ch: &Changes,
        old: &Served,
        (index, publish): (IndexBeside, &mut dyn FnMut(Delta)),
    ) -> Result<(Served, usize), Diagnostics> {
        let mut t = Instant::now();
        let r = Renderer::new(archive, groups, theme).map_err(diags)?;
        let plan = r.plan();
        let page_paths: Vec<String> = plan.iter().map(|j| r.page_path(j)).collect();
        let files: Vec<String> = page_paths.iter().map(|p| page_file(p)).collect();
        crate::timings::phase("rebuild/plan", &mut t);
        let (light, heavy): (Vec<Job>, Vec<Job>) = if ch.theme {
            (plan, Vec::new())
        } else {
            let existed: Vec<bool> = files.iter().map(|f| old.pages.contains(f)).collect();
            let new = Side { archive, groups };
            let jobs = affected::jobs(before, old_groups, new, &ch.files, &plan, &existed);
            let (heavy, light) = jobs.into_iter().partition(Job::is_heavy);
            (light, heavy)
        };
        crate::timings::phase("rebuild/affected", &mut t);
        let (mut served, first) = self.update(&r, files, &light, ch, old)?;
        served.pages_print = pages_print(&page_paths);
        publish(first);
        crate::timings::phase("rebuild/pages", &mut t);
        // The feeds none of whose bulletins changed, listed as before, and the sitemap of the
        // same pages, are as the output has them (with the same templates).
        let changed = (groups_kept && !ch.theme).then(|| changed_ids(archive, &ch.files));
        let same_feed = |ids: &[crate::model::BulletinId]| {
            changed
                .as_ref()
                .is_some_and(|c| ids.iter().all(|b| !c.contains(&b.0)))
        };
        let left = site_files::Left {
            feeds: &same_feed,
            sitemap: !ch.theme && old.pages_print != 0 && old.pages_print == served.pages_print,
        };
        // The heavy pages and the machine-read files, side by side; the data files only when
        // a value, or the slug or date of a bulletin with values, changed.
        let (rendered, derived) = rayon::join(
            || {
                let mut t = Instant::now();
                let out = render(&r, &heavy);
                crate::timings::phase("rebuild/heavy", &mut t);
                out
            },
            || {
                // The data files (half a gigabyte at 100,000 bulletins) beside the feeds.
                let (out, remade) = rayon::join(
                    || feed_files(&r, &page_paths, &left, old),
                    || match &data {
                        DataFiles::Same => None,
                        DataFiles::Remade { staging, kept } => {
                            Some(site_files::data_files(&r, kept.as_ref(), *staging))
                        }
                    },
                );
                let (mut out, left) = out?;
                let Some((files, rows)) = remade.transpose().map_err(data_error)? else {
                    return Ok((out, left, Vec::new(), None));
                };
                let (bytes, staged) = DataFile::split(files);
                out.extend(bytes);
                Ok::<_, Diagnostics>((out, left, staged, Some(rows)))
            },
        );
        let mut insert = rendered?;
        let (mut derived, left, staged, data_rows) = derived?;
        let index = index.join().map_err(|_| {
            diags(vec![Diagnostic::new(
                crate::search::DIR,
                "the search index failed",
            )])
        })?;
        let (index, index_kept) = index?;
        derived.extend(index);
        crate::timings::phase("rebuild/derived", &mut t);
        let mut derived_paths: HashSet<String> = derived.iter().map(|(p, _)| p.clone()).collect();
        derived_paths.extend(index_kept);
        derived_paths.extend(left);
        derived_paths.extend(staged.iter().map(|s| s.site_path().to_string()));
        if let Some(rows) = data_rows {
            served.data_rows = Some(rows);
        } else {
            derived_paths.extend(
                [path::DATA_CSV, path::DATA_JSON, path::DATA_PACKAGE]
                    .iter()
                    .filter(|p| old.derived.contains(**p))
                    .map(|p| p.to_string()),
            );
        }
        let before_derived = std::mem::replace(&mut served.derived, derived_paths);
        insert.extend(derived);
        let remove: Vec<String> = before_derived
            .into_iter()
            .filter(|p| !served.contains(p))
            .collect();
        publish(Delta {
            replace_all: false,
            remove,
            insert,
            staged,
            changed: Some(
                heavy
                    .iter()
                    .map(|j| format!("/{}", r.page_path(j)))
                    .collect(),
            ),
        });
        Ok((served, light.len() + heavy.len()))
    }

    /// Render `jobs`, copy what changed, and work out what is served then: the pages of
    /// `files`, the derived files as before.
    fn update(
        &self,
        r: &Renderer,
        files: Vec<String>,
        jobs: &[Job],
        ch: &Changes,
        old: &Served,
    ) -> Result<(Served, Delta), Diagnostics> {
        let mut insert = render(r, jobs)?;
        let mut errors = Vec::new();
        let mut served = Served {
            pages: files.into_iter().collect(),
            derived: old.derived.clone(),
            data_rows: old.data_rows.clone(),
            ..Served::default()
        };
        served.theme_statics = if ch.theme {
            push_theme_statics(r.theme, &mut insert)
        } else {
            old.theme_statics.clone()
        };
        served.site_statics = if ch.statics {
            push_site_statics(&self.root, &mut insert, &mut errors)
        } else {
            old.site_statics.clone()
        };
        for b in &r.archive.bulletins {
            if b.bundle_dir().is_none() {
                continue;
            }
            for (p, _) in site_files::bundle_files(b) {
                served.bundles.insert(p);
            }
            if ch.files.contains(&b.file) {
                let mut put = |p: &str, bytes: &[u8]| insert.push((p.to_string(), bytes.to_vec()));
                site_files::copy_bundle(&self.root, b, &mut put, &mut errors);
            }
        }
        if !errors.is_empty() {
            return Err(diags(errors));
        }
        let remove = old.gone(&served);
        let changed = if ch.theme || ch.statics {
            None
        } else {
            Some(
                jobs.iter()
                    .map(|j| format!("/{}", r.page_path(j)))
                    .collect(),
            )
        };
        Ok((
            served,
            Delta {
                replace_all: false,
                remove,
                insert,
                staged: Vec::new(),
                changed,
            },
        ))
    }
}

/// The handles of the bulletins read from `files`.
fn changed_ids(archive: &Archive, files: &BTreeSet<PathBuf>) -> HashSet<u32> {
    (0..)
        .zip(&archive.bulletins)
        .filter(|(_, b)| files.contains(&b.file))
        .map(|(i, _)| i)
        .collect()
}

/// The source files of the good archive's bulletins, by their bytes.
fn built_files(good: Option<&Good>) -> HashMap<&[u8], &Path> {
    good.iter()
        .flat_map(|g| &g.archive.bulletins)
        .map(|b| (bytes(&b.file), b.file.as_path()))
        .collect()
}

/// Data files (with where their rows are), feeds, sitemap, robots.txt and the search index.
fn derived_files(
    r: &Renderer,
    page_paths: &[String],
) -> Result<(Files, crate::output::data::Rows), Diagnostics> {
    let (files, rows) = site_files::data_files(r, None, None).map_err(data_error)?;
    // Without a staging folder nothing is staged.
    let (mut out, _) = DataFile::split(files);
    out.extend(feeds_and_index(r, page_paths)?);
    Ok((out, rows))
}

/// The data files could not be staged.
fn data_error(e: std::io::Error) -> Diagnostics {
    diags(vec![Diagnostic::new(
        path::DATA_CSV,
        format!("cannot write the data files into the build cache's staging folder: {e}"),
    )
    .help("check that the build cache's folder has room and can be written; deleting the cache is safe")])
}

/// The rows of the data files in `dir` (as the earlier build wrote them, see `old`) that
/// this build can copy: those of every value of a bulletin not read again (`changed`), as
/// the earlier build had them. `None` when the earlier rows are not known, or do not match.
fn kept_rows<'a>(
    dir: &'a Path,
    (archive, groups): (&Archive, &Groups),
    old: &Old<'a>,
    changed: &BTreeSet<PathBuf>,
) -> Option<site_files::KeptRows<'a>> {
    let rows = old.served.data_rows.as_ref()?;
    let old_ids: HashMap<&std::ffi::OsStr, usize> = old
        .before
        .files()
        .iter()
        .enumerate()
        .map(|(i, f)| (f.as_os_str(), i))
        .collect();
    let mut kept = vec![None; archive.values.len()];
    for (b, bulletin) in archive.bulletins.iter().enumerate() {
        if changed.contains(&bulletin.file) {
            continue;
        }
        let Some(&then) = old_ids.get(bulletin.file.as_os_str()) else {
            continue;
        };
        let now = &groups.values_by_bulletin[b];
        let then = old.groups.values_by_bulletin.get(then)?;
        if now.len() != then.len() {
            return None;
        }
        for (&n, &t) in now.iter().zip(then) {
            kept[n as usize] = Some(t);
        }
    }
    // The earlier files are read once, from start to end: kept rows must keep their order.
    let mut last = None;
    for &k in kept.iter().flatten() {
        if last.is_some_and(|l| k <= l) {
            return None;
        }
        last = Some(k);
    }
    Some(site_files::KeptRows { dir, rows, kept })
}

/// Feeds, sitemap, robots.txt and the search index, all made from scratch.
fn feeds_and_index(r: &Renderer, page_paths: &[String]) -> Result<Files, Diagnostics> {
    // The search index takes the longest: made beside the feeds.
    let (feeds, index) = rayon::join(
        || feed_files(r, page_paths, &site_files::Left::NONE, &Served::default()),
        || search_index(r.archive, None),
    );
    let (mut out, _) = feeds?;
    // Without a cache no file is left as it was.
    let (index, _) = index?;
    out.extend(index);
    Ok(out)
}

/// Feeds, sitemap and robots.txt, but those `left` as the output has them (which `old`, what
/// the output serves, must hold: else every one is made), whose paths come second.
fn feed_files(
    r: &Renderer,
    page_paths: &[String],
    left: &site_files::Left,
    old: &Served,
) -> Result<(Files, Vec<String>), Diagnostics> {
    let mut t = Instant::now();
    let mut out = site_files::feed_files(r, page_paths, left).map_err(|e| diags(vec![e]));
    if let Ok((_, kept)) = &out {
        if !kept.iter().all(|p| old.derived.contains(p)) {
            out = site_files::feed_files(r, page_paths, &site_files::Left::NONE)
                .map_err(|e| diags(vec![e]));
        }
    }
    if let Ok((made, kept)) = &out {
        crate::timings::note(
            "rebuild/feeds",
            format_args!("{} made, {} left", made.len(), kept.len()),
        );
    }
    crate::timings::phase("rebuild/feeds", &mut t);
    out
}

/// The search index being made on a thread of its own.
type IndexBeside<'scope> =
    std::thread::ScopedJoinHandle<'scope, Result<crate::search::IndexFiles, Diagnostics>>;
type Files = Vec<(String, Vec<u8>)>;

/// The search index, with the batches kept in `index_batches`, when given.
fn search_index(
    archive: &Archive,
    index_batches: Option<&crate::search::BatchCache>,
) -> Result<crate::search::IndexFiles, Diagnostics> {
    let mut t = Instant::now();
    let sizes = crate::search::Sizes::default();
    let out = crate::search::index_files_with(archive, sizes, index_batches).map_err(|e| {
        diags(vec![Diagnostic::new(
            crate::search::DIR,
            format!("cannot make the search index: {e}"),
        )])
    });
    crate::timings::phase("rebuild/search", &mut t);
    out
}

/// What the data files hold of each bulletin read from `changed`: its slug, date and values.
fn data_prints(a: &Archive, g: &Groups, changed: &BTreeSet<PathBuf>) -> Vec<(PathBuf, String)> {
    prints(
        a.bulletins
            .iter()
            .enumerate()
            .filter(|(_, b)| changed.contains(&b.file))
            .map(|(i, b)| (b, g.values_by_bulletin[i].iter().map(|&ix| a.value(ix)))),
    )
}

/// What the data files hold of these bulletins, each with its values (in the archive's
/// order), by source file.
fn prints<'a, V: Iterator<Item = &'a IndicatorValue>>(
    bulletins: impl Iterator<Item = (&'a crate::model::Bulletin, V)>,
) -> Vec<(PathBuf, String)> {
    // The data files show a bulletin's slug and date with each of its figures.
    affected::prints(bulletins, |b| {
        format!("{}\n{}", b.slug, b.date.to_rfc3339())
    })
}

fn push_theme_statics(theme: &Theme, insert: &mut Vec<(String, Vec<u8>)>) -> HashSet<String> {
    let mut paths = HashSet::default();
    for (p, bytes) in &theme.statics {
        let p = format!("static/{p}");
        paths.insert(p.clone());
        insert.push((p, bytes.clone()));
    }
    paths
}

fn push_site_statics(
    root: &Path,
    insert: &mut Vec<(String, Vec<u8>)>,
    errors: &mut Vec<Diagnostic>,
) -> HashSet<String> {
    let mut paths = HashSet::default();
    let mut put = |p: &str, bytes: &[u8]| {
        paths.insert(p.to_string());
        insert.push((p.to_string(), bytes.to_vec()));
    };
    site_files::copy_site_static(root, &mut put, errors);
    paths
}
