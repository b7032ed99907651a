//! The pipeline, end to end: load → model → group → render → write. `bantin build` and
//! `bantin check` are thin wrappers around [`build`] and [`check`]. A build keeps what the
//! next one can reuse in the site's build cache ([`cache`]): the next build then redoes only
//! what changed ([`incremental`]). Every build writes the output's [`manifest`].

pub mod cache;
pub mod folders;
pub mod incremental;
pub mod manifest;

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::group::Groups;
use crate::load::{self, LoadOptions};
use crate::model::Archive;
use crate::output::{self, Staging};
use crate::photos::{self, CacheUse};
use crate::render::theme::Theme;
use crate::render::Renderer;
use crate::site_files::write_site;
use crate::timings::phase;

/// What the command line says about a build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub load: LoadOptions,
    /// Replaces `output_dir` of site.toml (relative to the current folder).
    pub output: Option<PathBuf>,
    /// Build everything, whatever the build cache holds (it is written afresh).
    pub full: bool,
}

/// What a build did.
#[derive(Debug)]
pub struct BuildReport {
    pub output: PathBuf,
    pub bulletins: usize,
    pub values: usize,
    /// Files written (for an incremental build: written or removed).
    pub files: usize,
    pub seconds: f64,
    /// Whether only what changed since the last build was redone.
    pub incremental: bool,
    /// Why a build with a cache redid everything.
    pub full_because: Option<&'static str>,
    /// What was done to the bundles' photos (made, found in the cache).
    pub photos: photos::Stats,
}

/// Where the output goes: `--output` as given, else `output_dir` under the root.
pub fn output_dir(root: &Path, archive: &Archive, opts: &BuildOptions) -> PathBuf {
    opts.output
        .clone()
        .unwrap_or_else(|| root.join(&archive.settings.output_dir))
}

/// Theme, groups and renderer for a loaded archive.
pub fn prepare<'a>(
    root: &Path,
    archive: &'a Archive,
    groups: &'a Groups,
    theme: &'a mut Option<Theme>,
) -> Result<Renderer<'a>, Diagnostics> {
    let t = Theme::load(
        root,
        &archive.settings.theme,
        archive.settings.language.code(),
    )
    .map_err(Diagnostics::from_iter)?;
    let t = theme.insert(t);
    Renderer::new(archive, groups, t).map_err(Diagnostics::from_iter)
}

/// Load, check and render the archive at `root`, then swap the result in as the output.
pub fn build(root: &Path, opts: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    build_keeping(root, opts).map(|built| built.report)
}

/// A finished build with what it loaded, for a caller that decides how it is freed.
pub struct Built {
    pub report: BuildReport,
    /// The archive and groups of a full build (without its figures: those are let go before
    /// the cache is saved), the site of an incremental one.
    pub kept: Box<dyn std::any::Any>,
}

/// [`build`], handing back what it loaded. Freeing it, millions of allocations, takes half
/// a second at 100,000 bulletins: the command line, which exits right after, leaves that to
/// the kernel (see main.rs); a library caller just drops it.
pub fn build_keeping(root: &Path, opts: &BuildOptions) -> Result<Built, Diagnostics> {
    let started = Instant::now();
    // The cache and the output are found from site.toml; when it does not read, the full
    // build says why.
    let settings = crate::load::settings::load(root).ok();
    let cache = settings
        .as_ref()
        .and_then(|s| cache::Cache::open(root, &s.cache_dir).ok());
    let mut because = None;
    if let (Some(s), Some(c), false) = (&settings, &cache, opts.full) {
        let out = opts
            .output
            .clone()
            .unwrap_or_else(|| root.join(&s.output_dir));
        let out = output::absolute(&out);
        let held = crate::memory::HoldFreed::start();
        let incremental = incremental::build(root, opts, s, &out, c);
        drop(held);
        match incremental {
            Ok(Ok(done)) => {
                return Ok(Built {
                    report: done.report,
                    kept: Box::new(done.site),
                })
            }
            Ok(Err(why)) => because = Some(why),
            Err(e) => {
                if let Some(c) = cache {
                    c.give_up();
                }
                return Err(e);
            }
        }
    }
    match full_build(root, opts, cache.as_ref(), started) {
        Ok(mut built) => {
            built.report.full_because = because;
            Ok(built)
        }
        Err(e) => {
            if let Some(c) = cache {
                c.give_up();
            }
            Err(e)
        }
    }
}

/// Everything from the sources, into a staging folder swapped in at the end; the cache, if
/// any, is written afresh.
fn full_build(
    root: &Path,
    opts: &BuildOptions,
    cache: Option<&cache::Cache>,
    started: Instant,
) -> Result<Built, Diagnostics> {
    let mut t = Instant::now();
    let (mut loaded, stamps, bodies_cached) = load_for_cache(root, opts, cache)?;
    phase("load", &mut t);
    let out = output_dir(root, &loaded.archive, opts);
    output::check_output_dir(root, &out)?;
    let photo_stats = photos::prepare(root, &mut loaded.archive, CacheUse::ReadWrite)?;
    phase("photos", &mut t);
    let archive = &loaded.archive;
    let groups = Groups::new(archive);
    phase("group", &mut t);
    let mut theme = None;
    let renderer = prepare(root, archive, &groups, &mut theme)?;
    let io_err = |e: std::io::Error| {
        Diagnostics::from(Diagnostic::new(
            &out,
            format!("cannot write the output: {e}"),
        ))
    };
    let staging = Staging::new(&out).map_err(io_err)?;
    let hashing = manifest::Hashing::new(&staging);
    // The cache's record of what was read is written beside the rendering, so that only the
    // files written are left for the end.
    let build = cache::new_build_id();
    // The files found are wanted only in the record's head: its thread takes them and lets
    // them go once it is written (about 90 MB at a million bulletins).
    let found = std::mem::take(&mut loaded.files);
    let (files, head) = std::thread::scope(|scope| {
        let (groups, loaded) = (&groups, &loaded);
        let head = cache.map(|c| {
            scope.spawn(move || {
                let parsed = cache::parsed_of(archive, groups, loaded.skipped.iter());
                c.record_head(build, &found, parsed, groups)
            })
        });
        // The search index's batches, for the next build (see `search::batches`): a cache
        // that cannot be made only means they are inverted again.
        // Their fingerprints point into the cache's new bodies: none without those.
        let batches = cache
            .filter(|_| bodies_cached)
            .and_then(|c| c.new_index_batches().ok());
        let files = write_site(&renderer, root, &hashing, batches.as_ref());
        (files, head.map(|h| h.join()))
    });
    let crate::site_files::Written {
        files,
        rows: data_rows,
        pages,
    } = files?;
    let written = hashing.into_manifest();
    let manifest_hash = write_manifest(&staging, &written).map_err(io_err)?;
    let page_folders = staging.page_folder_stamps();
    phase("write", &mut t);
    let output = staging.commit().map_err(io_err)?;
    phase("swap", &mut t);
    // Every photo was prepared: copies in the cache that none uses are old. A cache that
    // cannot be pruned only stays larger.
    let mut photo_stats = photo_stats;
    photo_stats.pruned = photos::prune(root, &loaded.archive).unwrap_or(0);
    let (bulletins, values) = (archive.bulletins.len(), archive.values.len());
    // What the cache keeps that the renderer knows, taken before it goes. A cache whose
    // record could not be started says nothing any more, and keeps no half of this build.
    let to_save = match (cache, head) {
        (Some(c), Some(Ok(Ok(head)))) => Some((
            c,
            head,
            served_but_pages(root, &renderer),
            renderer.theme.fingerprint(),
        )),
        (Some(c), _) => {
            forget_build(c);
            None
        }
        (None, _) => None,
    };
    drop(renderer);
    drop(theme);
    // Nothing from here on needs the figures: one allocation, let go before the cache's
    // record is made (560 MB at a million bulletins), and the pages' set with it.
    loaded.archive.values = Vec::new();
    if let Some((c, head, served, theme)) = to_save {
        let mut served = with_pages(served, pages, &written);
        served.data_rows = Some(data_rows);
        let saved = Saved {
            output: &output,
            head,
            stamps,
            served,
            manifest: written,
            manifest_hash,
            page_folders,
            theme,
        };
        // A cache that cannot be written only means a full build next time.
        if save_full(c, root, opts, saved).is_err() {
            forget_build(c);
        }
        phase("cache", &mut t);
    }
    let report = BuildReport {
        output,
        bulletins,
        values,
        files,
        seconds: started.elapsed().as_secs_f64(),
        incremental: false,
        full_because: None,
        photos: photo_stats,
    };
    Ok(Built {
        report,
        kept: Box::new((loaded, groups)),
    })
}

/// The content, for a full build with `cache`: the bodies go into the cache, beside those
/// of the last build until this one is done; the bulletins are stamped before they are read
/// (a file edited meanwhile is read again next time). With the stamps, and whether the
/// bodies are in the cache.
fn load_for_cache(
    root: &Path,
    opts: &BuildOptions,
    cache: Option<&cache::Cache>,
) -> Result<(load::Loaded, cache::BulletinStamps, bool), Diagnostics> {
    let bodies = cache.and_then(|c| {
        let store = crate::model::BodyStore::in_file(&c.new_bodies(), true).ok()?;
        Some(std::sync::Arc::new(store))
    });
    let bodies_cached = bodies.is_some();
    let mut stamps = Vec::new();
    let loaded = load::load_all(root, &opts.load, bodies, |files| {
        if cache.is_some() {
            stamps = cache::bulletin_stamps(root, files);
        }
    })?;
    // Every body is kept by now: into the cache's file with them, for the next build. One
    // that cannot be written leaves the cache out of this build (the pages read them back
    // from memory).
    let bodies_cached = bodies_cached && loaded.archive.bodies.flush().is_ok();
    Ok((loaded, stamps, bodies_cached))
}

/// The manifest of the files `written`, into the staging folder a piece at a time and
/// hashed on the way (over 100 MB of text at a million files); its hash, which the cache
/// keeps.
fn write_manifest(
    staging: &Staging,
    written: &manifest::Manifest,
) -> std::io::Result<manifest::Hash> {
    let mut hash = 0;
    output::Sink::put_with(staging, manifest::FILE, &mut |w| {
        let mut tee = manifest::HashingWriter::new(w);
        manifest::write_text(written, &mut tee)?;
        hash = tee.into_parts().1;
        Ok(())
    })?;
    Ok(hash)
}

/// After a full build whose cache could not be kept: the cache says nothing any more (the
/// next build is full), and nothing of this build stays in it.
fn forget_build(c: &cache::Cache) {
    let _ = c.forget();
    c.discard_new();
}

/// The files of a full build by kind, as [`crate::rebuild`] tells them apart: pages, the
/// theme's and the site's static files, the files of bundles (photos included), and the rest
/// (data files, feeds, sitemap, search index) derived. First all but the pages and the
/// derived files, while the renderer is at hand ...
fn served_but_pages(root: &Path, r: &Renderer) -> crate::rebuild::site::Served {
    let mut site_statics = rustc_hash::FxHashSet::default();
    crate::site_files::copy_site_static(
        root,
        &mut |p, _| {
            site_statics.insert(p.to_string());
        },
        &mut Vec::new(),
    );
    let mut served = crate::rebuild::site::Served {
        theme_statics: r
            .theme
            .statics
            .keys()
            .map(|p| format!("static/{p}"))
            .collect(),
        site_statics,
        ..Default::default()
    };
    for b in &r.archive.bulletins {
        served.bundles.extend(
            crate::site_files::bundle_files(b)
                .into_iter()
                .map(|(p, _)| p),
        );
    }
    served
}

/// ... then the pages (`pages`, their site paths as [`write_site`] gave them, taken up as
/// they are turned into files) and what else was `written`.
fn with_pages(
    mut served: crate::rebuild::site::Served,
    pages: Vec<String>,
    written: &manifest::Manifest,
) -> crate::rebuild::site::Served {
    use crate::rebuild::site::{page_file, pages_print};
    served.pages_print = pages_print(&pages);
    served.pages = pages.into_iter().map(|p| page_file(&p)).collect();
    for p in written.keys() {
        if !served.contains(p) {
            served.derived.insert(p.clone());
        }
    }
    served
}

/// What a full build read and wrote.
struct Saved<'a> {
    output: &'a Path,
    /// The record of what it read.
    head: cache::RecordHead,
    stamps: cache::BulletinStamps,
    served: crate::rebuild::site::Served,
    manifest: manifest::Manifest,
    /// The hash of the manifest file's text.
    manifest_hash: manifest::Hash,
    /// The pages' folders, stamped as their pages were written.
    page_folders: Vec<(u64, u64)>,
    theme: u128,
}

/// Keep what a full build read and wrote for the next build.
fn save_full(c: &cache::Cache, root: &Path, opts: &BuildOptions, s: Saved) -> std::io::Result<()> {
    let stamps = cache::Stamps {
        build: s.head.build(),
        inputs: cache::Inputs::now(root, &opts.load, s.output),
        theme: s.theme,
        statics: cache::Stamp::of(&root.join("static")),
        bulletins: s.stamps,
        bodies_len: std::fs::metadata(c.new_bodies())?.len(),
        manifest: s.manifest_hash,
        folders: folders::Folders::of(
            s.output,
            &s.manifest,
            &folders::Settled::new(s.page_folders),
        )
        .ok_or_else(|| std::io::Error::other("an output folder cannot be read"))?,
    };
    c.save_full(s.head, &s.served, &s.manifest, &stamps)
}

/// Every check of a build, with nothing written.
pub fn check(root: &Path, opts: &BuildOptions) -> Result<Archive, Diagnostics> {
    let mut archive = load::load(root, &opts.load)?;
    let out = output_dir(root, &archive, opts);
    output::check_output_dir(root, &out)?;
    // Photos are decoded as a build would, but what the cache lacks stays in memory.
    photos::prepare(root, &mut archive, CacheUse::ReadOnly)?;
    let groups = Groups::new(&archive);
    let mut theme = None;
    let renderer = prepare(root, &archive, &groups, &mut theme)?;
    // Render into memory and check the links between the pages.
    let files = std::sync::Mutex::new(std::collections::BTreeMap::new());
    let memory = |p: &str, b: &[u8]| {
        files
            .lock()
            .map_err(|_| std::io::Error::other("render worker failed"))?
            .insert(p.to_string(), b.to_vec());
        Ok(())
    };
    write_site(&renderer, root, &memory, None)?;
    let files = files.into_inner().unwrap_or_default();
    let problems = output::links::check(&renderer.urls, &files);
    if !problems.is_empty() {
        return Err(Diagnostics::from_iter(problems));
    }
    Ok(archive)
}
