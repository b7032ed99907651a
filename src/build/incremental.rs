//! An incremental `bantin build`: with the build cache of the last build (see [`super::cache`])
//! and nothing changed but bulletins, templates or static files, only what the change touches
//! is read, rendered and written. The bulletin files are compared by size and time; edited,
//! added and removed ones are read again and the pages that show them rendered again
//! ([`crate::rebuild`], as `bantin serve` does), and each changed file is replaced in place
//! through a temporary name and a rename. Anything else (another bantin, settings or a
//! registry changed, another output folder, an output changed since, a cache that does not
//! read back) means a full build. A build that finds a problem writes nothing.

use std::collections::BTreeSet;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

use super::cache::{self, Cache, Inputs, Record, Stamps};
use super::folders::Folders;
use super::manifest::{self, Manifest};
use super::{BuildOptions, BuildReport};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::article::ParsedArticle;
use crate::load::{self, settings};
use crate::model::BodyStore;
use crate::path_key::bytes;
use crate::rebuild::site::{Changes, Delta, Resumed, Site};
use crate::render::theme::Theme;
use crate::timings::phase;

/// A finished incremental build, with the site it kept.
pub struct Incremental {
    pub report: BuildReport,
    pub site: Option<Site>,
}

/// What the sources look like now, beside what the last build saw.
struct Now {
    inputs: Inputs,
    theme: u128,
    statics: Option<cache::Stamp>,
    bulletins: Vec<(PathBuf, Option<cache::Stamp>)>,
    /// content/ as listed for the stamps: the rebuild takes it rather than list it again
    /// when bulletins were added or removed (a fifth of a second at 100,000).
    listed: Vec<load::Found>,
}

/// Why a build is a full one.
pub type Reason = &'static str;

/// The build, redoing only what changed since the build the cache describes; `Ok(Err(why))`
/// when the cache cannot be used and the caller must make a full build.
///
/// The steps in order: compare, then (beside the check of the output's folders) read the
/// record, resume, render; then write and save, each with its timing phase.
pub fn build(
    root: &Path,
    opts: &BuildOptions,
    settings: &settings::Settings,
    output: &Path,
    cache: &Cache,
) -> Result<Result<Incremental, Reason>, Diagnostics> {
    let started = Instant::now();
    let mut t = Instant::now();
    let Some(mut old) = cache.stamps() else {
        return Ok(Err("no build cache from a complete build"));
    };
    crate::output::remove_leftovers(output);
    let inputs = match usable(root, opts, output, &old, cache) {
        Ok(inputs) => inputs,
        Err(why) => return Ok(Err(why)),
    };
    // Beside the comparing, a thread reads and unpacks the record (a third of a second of
    // one core, then as long on both, at 100,000 bulletins; the comparing is mostly the
    // kernel's), and another compares the output's folders with their stamps (see
    // `folders`); the writing waits for it. With nothing changed, the record is not unpacked.
    let wanted = std::sync::atomic::AtomicBool::new(true);
    let folders = std::mem::take(&mut old.folders);
    std::thread::scope(|scope| {
        let record = scope.spawn(|| {
            let record = cache.record(&old)?;
            crate::timings::note("incremental/record", format_args!("read"));
            if !wanted.load(std::sync::atomic::Ordering::Relaxed) {
                return None;
            }
            // The chunks' bytes go once unpacked: a chunk kept is kept as its file.
            let unpacked = cache
                .read_chunks(&record.parsed)
                .and_then(|chunks| cache::unpack::<ParsedArticle>(&chunks));
            crate::timings::note("incremental/record", format_args!("unpacked"));
            Some((record, unpacked))
        });
        // The folders come back with the answer, to be stamped again after the writing.
        let by_hand = scope.spawn(|| (folders.unchanged(output), folders));
        let unchanged_by_hand = move || by_hand.join().ok().filter(|(same, _)| *same);
        let (mut now, theme) = match look(root, settings, inputs) {
            Ok(looked) => looked,
            Err(why) => {
                wanted.store(false, std::sync::atomic::Ordering::Relaxed);
                return Ok(Err(why));
            }
        };
        phase("incremental/compare", &mut t);
        let changes = Changes {
            full: false,
            theme: now.theme != old.theme,
            statics: now.statics != old.statics,
            rescan: false,
            files: changed_files(&old.bulletins, &now.bulletins),
        };
        let report = |files: usize, site: &Option<Site>| BuildReport {
            output: output.to_path_buf(),
            bulletins: site
                .as_ref()
                .and_then(|s| s.good())
                .map_or(0, |g| g.0.bulletins.len()),
            values: site
                .as_ref()
                .and_then(|s| s.good())
                .map_or(0, |g| g.0.values.len()),
            files,
            seconds: started.elapsed().as_secs_f64(),
            incremental: true,
            full_because: None,
            photos: Default::default(),
        };
        if changes.is_empty() {
            wanted.store(false, std::sync::atomic::Ordering::Relaxed);
            if unchanged_by_hand().is_none() {
                return Ok(Err(CHANGED_BY_HAND));
            }
            return Ok(Ok(Incremental {
                report: report(0, &None),
                site: None,
            }));
        }
        let Some(record) = record.join().ok().flatten() else {
            return Ok(Err("the build cache does not read back"));
        };
        phase("incremental/record", &mut t);
        let listed = std::mem::take(&mut now.listed);
        let sources = (theme, changes, listed);
        let rendered = match resume_and_render(root, opts, (cache, output), record, sources)? {
            Ok(done) => done,
            Err(why) => return Ok(Err(why)),
        };
        phase("incremental/render", &mut t);
        let Some((_, folders)) = unchanged_by_hand() else {
            return Ok(Err(CHANGED_BY_HAND));
        };
        let (written, site) = write(cache, output, rendered, now, folders)?;
        phase("incremental/write", &mut t);
        let site = Some(site);
        Ok(Ok(Incremental {
            report: report(written, &site),
            site,
        }))
    })
}

/// A site brought up to date and what writing it needs.
struct Rendered {
    site: Site,
    /// The files to change.
    deltas: Vec<Delta>,
    /// The output's manifest before.
    manifest: Manifest,
    /// The record's bulletins as they were, and the files read again since.
    earlier: cache::EarlierChunks,
    changed: BTreeSet<PathBuf>,
}

/// Why a build whose output is not as its manifest says is a full one.
const CHANGED_BY_HAND: Reason =
    "files were added to or removed from the output since the last build";

/// The site as the cache's `record` has it (its bulletins unpacked: `None` when they do not
/// read back), brought up to date with `changes`: the site, the files to change and the
/// output's manifest as the last build left it; `Err(why)` when the cache cannot be used.
fn resume_and_render(
    root: &Path,
    opts: &BuildOptions,
    (cache, output): (&Cache, &Path),
    (record, unpacked): (Record, Option<Vec<ParsedArticle>>),
    (theme, changes, listed): (Theme, Changes, Vec<load::Found>),
) -> Result<Result<Rendered, Reason>, Diagnostics> {
    let mut t = Instant::now();
    let Ok(bodies) = BodyStore::in_file(&cache.bodies(), false) else {
        return Ok(Err("the build cache's bodies do not open"));
    };
    let Record {
        files,
        parsed,
        groups,
        served,
        manifest,
        ..
    } = record;
    let Some(unpacked) = unpacked else {
        return Ok(Err("the build cache's bulletins do not read back"));
    };
    let earlier = cache::EarlierChunks {
        files: unpacked.iter().map(|a| a.bulletin.file.clone()).collect(),
        chunks: parsed,
    };
    let parsed = unpacked;
    let resumed = Resumed {
        files,
        listed: Some(listed),
        parsed,
        groups,
        bodies: Arc::new(bodies),
        served,
        theme,
        index_batches: cache.index_batches().ok().map(|mut batches| {
            // The search index's metadata chunks still in the output as they were made.
            batches.trust_chunks(|path, hash| manifest.get(path) == Some(&hash));
            batches
        }),
        output: Some(output.to_path_buf()),
        staging: Some(cache.staging()),
    };
    let Ok(mut site) = Site::resume(root, opts.load.clone(), resumed) else {
        return Ok(Err("the build cache does not make an archive"));
    };
    phase("incremental/resume", &mut t);
    let mut deltas = Vec::new();
    let changed = changes.files.clone();
    site.rebuild(changes, &mut |d| deltas.push(d))?;
    Ok(Ok(Rendered {
        site,
        deltas,
        manifest,
        earlier,
        changed,
    }))
}

/// Apply the deltas to the output, write its manifest, and save the cache; returns how many
/// files were written or removed, and the site.
fn write(
    cache: &Cache,
    output: &Path,
    rendered: Rendered,
    now: Now,
    mut folders: Folders,
) -> Result<(usize, Site), Diagnostics> {
    let Rendered {
        site,
        deltas,
        mut manifest,
        earlier,
        changed,
    } = rendered;
    let io_err = |e: io::Error| {
        Diagnostics::from(Diagnostic::new(
            output,
            format!("cannot write the output: {e}"),
        ))
    };
    // From here the output changes: a build killed now leaves no cache, and the next is a
    // full one.
    let mut t = Instant::now();
    cache.forget().map_err(io_err)?;
    let mut touched = vec![manifest::FILE.to_string()];
    let mut replaced = Vec::new();
    for d in deltas {
        apply(output, d, &mut manifest, &mut touched, &mut replaced).map_err(io_err)?;
    }
    // What a build killed while it staged files left there (this build's are in place).
    let _ = fs::remove_dir_all(cache.staging().dir);
    phase("write/files", &mut t);
    std::thread::scope(|scope| {
        // The files the staged ones replaced (kept as spares) and the spares not written
        // over (replaced by them) are let go beside the rest: freeing the blocks of those no
        // longer kept (half a gigabyte at 100,000 bulletins, slow on a disk that discards
        // what it frees) is the kernel's work when the last handle closes.
        scope.spawn(move || drop(replaced));
        let manifest_text = manifest::text(&manifest);
        write_replacing(&output.join(manifest::FILE), &manifest_text).map_err(io_err)?;
        phase("write/manifest", &mut t);
        // Unreadable folders: no cache, and the next build is a full one.
        if folders.update(output, touched.iter().map(String::as_str)) {
            let kept = (earlier, &changed);
            save(cache, &site, manifest, &manifest_text, now, folders, kept).map_err(io_err)?;
        }
        phase("incremental/save", &mut t);
        Ok::<_, Diagnostics>(())
    })?;
    Ok((touched.len() - 1, site))
}

/// The program, settings, registries and options now, when the cache can be used for them
/// and for the output as it is: the cheap checks, made before anything is read.
fn usable(
    root: &Path,
    opts: &BuildOptions,
    output: &Path,
    old: &Stamps,
    cache: &Cache,
) -> Result<Inputs, Reason> {
    let mut t = Instant::now();
    let inputs = Inputs::now(root, &opts.load, output);
    phase("compare/inputs", &mut t);
    if inputs.program != old.inputs.program {
        return Err("another bantin built the output");
    }
    if inputs.output != old.inputs.output {
        return Err("the last build wrote another output folder");
    }
    if inputs != old.inputs {
        return Err("site.toml, a registry or the options changed");
    }
    // The output as the last build left it, and the bodies its record points into.
    let written =
        fs::read(output.join(manifest::FILE)).map_err(|_| "the output has no manifest")?;
    if manifest::hash(&written) != old.manifest {
        return Err("the output changed since the last build");
    }
    let bodies = fs::metadata(cache.bodies()).map_err(|_| "the build cache has no bodies")?;
    if bodies.len() < old.bodies_len {
        return Err("the build cache's bodies are cut short");
    }
    phase("compare/manifest", &mut t);
    Ok(inputs)
}

/// The sources now (`inputs` as [`usable`] found them), with the theme as loaded to compare
/// it (the build renders with it); `Err(why)` when the cache cannot be used for them.
fn look(root: &Path, s: &settings::Settings, inputs: Inputs) -> Result<(Now, Theme), Reason> {
    let mut t = Instant::now();
    let mut errors = Vec::new();
    let files = load::discover(root, &mut errors);
    phase("compare/discover", &mut t);
    let stamps = cache::bulletin_stamps(root, &files);
    phase("compare/stamps", &mut t);
    if !errors.is_empty() {
        return Err("content/ cannot be listed");
    }
    let theme =
        Theme::load(root, &s.theme, s.language.code()).map_err(|_| "the theme does not load")?;
    let now = Now {
        inputs,
        theme: theme.fingerprint(),
        statics: cache::Stamp::of(&root.join("static")),
        bulletins: stamps,
        listed: files,
    };
    Ok((now, theme))
}

/// Files edited, added or removed between two lists of stamps.
fn changed_files(
    old: &[(PathBuf, Option<cache::Stamp>)],
    now: &[(PathBuf, Option<cache::Stamp>)],
) -> BTreeSet<PathBuf> {
    let before: HashMap<&[u8], Option<cache::Stamp>> =
        old.iter().map(|(p, s)| (bytes(p), *s)).collect();
    let mut changed: BTreeSet<PathBuf> = now
        .iter()
        .filter(|(p, s)| s.is_none() || before.get(bytes(p)) != Some(s))
        .map(|(p, _)| p.clone())
        .collect();
    let present: HashSet<&[u8]> = now.iter().map(|(p, _)| bytes(p)).collect();
    changed.extend(
        old.iter()
            .filter(|(p, _)| !present.contains(bytes(p)))
            .map(|(p, _)| p.clone()),
    );
    changed
}

/// Write one delta into the output, keeping the manifest, and add the files written or
/// removed to `touched`. A file whose bytes are those already there is left alone. The
/// files that staged files replace are kept open in `replaced`, for the caller to let go.
fn apply(
    output: &Path,
    d: Delta,
    manifest: &mut Manifest,
    touched: &mut Vec<String>,
    replaced: &mut Vec<fs::File>,
) -> io::Result<()> {
    if d.replace_all {
        return Err(io::Error::other(
            "an incremental build replaced the whole site",
        ));
    }
    for p in &d.remove {
        match fs::remove_file(output.join(p)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        remove_empty_parents(output, p);
        manifest.remove(p);
    }
    touched.extend(d.remove);
    let mut t = Instant::now();
    // Hashed and checked on every core: after an addition at 100,000 bulletins, 27,000
    // files and half a gigabyte of data files.
    let known: &Manifest = manifest;
    let todo: Vec<(String, manifest::Hash, Vec<u8>)> = d
        .insert
        .into_par_iter()
        .map(|(p, bytes)| (p, manifest::hash(&bytes), bytes))
        .filter(|(p, h, _)| known.get(p) != Some(h) || !output.join(p).is_file())
        .collect();
    phase("write/hash", &mut t);
    crate::disk::on_io_threads(|| {
        todo.par_iter()
            .try_for_each(|(p, _, bytes)| write_replacing(&output.join(p), bytes))
    })?;
    phase("write/put", &mut t);
    for (p, h, _) in todo {
        manifest.insert(p.clone(), h);
        touched.push(p);
    }
    // Files written already into the staging folder (the data files): put in place, or
    // removed (dropped) when their bytes are those already there.
    for staged in d.staged {
        let (p, h) = (staged.site_path().to_string(), staged.hash());
        if manifest.get(&p) == Some(&h) && output.join(&p).is_file() {
            continue;
        }
        replaced.extend(fs::File::open(output.join(&p)));
        replaced.extend(staged.spare_handle());
        staged.put_in_place(output)?;
        manifest.insert(p.clone(), h);
        touched.push(p);
    }
    phase("write/staged", &mut t);
    Ok(())
}

/// Replace the file at `path` with `bytes`, through a temporary name beside it and a swap
/// ([`crate::output::replace`]), so that it is never seen half written.
fn write_replacing(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = crate::output::staged::temp_path(path);
    crate::output::write_file(&tmp, bytes)?;
    crate::output::replace(&tmp, path)
}

/// Remove the folders of `site_path` that it leaves empty, up to the output.
fn remove_empty_parents(output: &Path, site_path: &str) {
    let mut p = Path::new(site_path).parent();
    while let Some(dir) = p.filter(|d| !d.as_os_str().is_empty()) {
        if fs::remove_dir(output.join(dir)).is_err() {
            break;
        }
        p = dir.parent();
    }
}

/// Keep what this build read and wrote for the next one.
fn save(
    cache: &Cache,
    site: &Site,
    manifest: Manifest,
    manifest_text: &[u8],
    now: Now,
    folders: Folders,
    (earlier, changed): (cache::EarlierChunks, &BTreeSet<PathBuf>),
) -> io::Result<()> {
    let Some((archive, groups, served)) = site.good() else {
        return Ok(());
    };
    let build = cache::new_build_id();
    let listed = site.parsed();
    // The bulletins of the archive as built (their photos made ready), and the drafts.
    let built: HashSet<&[u8]> = archive.bulletins.iter().map(|b| bytes(&b.file)).collect();
    let others = listed
        .iter()
        .filter_map(|(_, a)| *a)
        .filter(|a| !built.contains(bytes(&a.bulletin.file)));
    let files: Vec<crate::load::Found> = listed.iter().map(|(f, _)| (*f).clone()).collect();
    let mut t = Instant::now();
    let parsed: Vec<_> = cache::parsed_of(archive, groups, others).collect();
    let parsed = cache::pack_parsed_keeping(cache, &parsed, earlier, changed)?;
    phase("save/pack", &mut t);
    let record = cache::RecordRef {
        build,
        files: &files,
        parsed,
        groups,
        served,
        manifest: &manifest,
    };
    // The bodies this build kept go into the cache's file before its length is taken.
    archive.bodies.flush()?;
    let stamps = Stamps {
        build,
        inputs: now.inputs,
        theme: now.theme,
        statics: now.statics,
        bulletins: now.bulletins,
        bodies_len: fs::metadata(cache.bodies())?.len(),
        manifest: manifest::hash(manifest_text),
        folders,
    };
    cache.save(&record, &stamps)?;
    phase("save/write", &mut t);
    // The batches of bulletins since changed go; one that cannot be removed is only unused.
    if let Some(kept) = site.index_batches() {
        let _ = kept.prune();
    }
    Ok(())
}
