//! The pipeline, end to end: load → model → group → render → write. `bantin build` and
//! `bantin check` are thin wrappers around [`build`] and [`check`].

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::group::Groups;
use crate::load::{self, LoadOptions};
use crate::model::{Archive, Bulletin};
use crate::output::{self, data, Sink, Staging};
use crate::render::theme::Theme;
use crate::render::{feeds, Renderer};
use crate::urls::path;

/// What the command line says about a build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub load: LoadOptions,
    /// Replaces `output_dir` of site.toml (relative to the current folder).
    pub output: Option<PathBuf>,
}

/// What a build did.
#[derive(Debug)]
pub struct BuildReport {
    pub output: PathBuf,
    pub bulletins: usize,
    pub values: usize,
    pub files: usize,
    pub seconds: f64,
}

/// Where the output goes: `--output` as given, else `output_dir` under the root.
pub fn output_dir(root: &Path, archive: &Archive, opts: &BuildOptions) -> PathBuf {
    opts.output
        .clone()
        .unwrap_or_else(|| root.join(&archive.settings.output_dir))
}

/// Render the whole site and hand every file to `sink` (site path, bytes).
pub fn write_site(r: &Renderer, root: &Path, sink: &dyn Sink) -> Result<usize, Diagnostics> {
    let mut t = Instant::now();
    let jobs = r.plan();
    let pages: Vec<String> = jobs.iter().map(|j| r.page_path(j)).collect();
    // The data files, feeds and search index are made and written on one thread while the
    // pages render on the others; each kind is dropped once written. Beside them a thread
    // of its own makes the pages' folders, parents first (one thread: see
    // `Staging::make_dirs`); a page whose folder is not made yet makes it itself.
    let (rendered, (extra, mut errors), made) = std::thread::scope(|scope| {
        let folders = scope.spawn(|| {
            let mut t = Instant::now();
            let made = sink.prepare(&pages);
            phase("mkdir", &mut t);
            made
        });
        let (rendered, side) = rayon::join(
            || r.render_all(&jobs, sink),
            || {
                let mut t = Instant::now();
                let mut count = 0;
                let mut errors = Vec::new();
                match write_data_files(r, sink) {
                    Ok(n) => count += n,
                    Err(e) => errors.push(Diagnostic::new(
                        "du-lieu/",
                        format!("cannot write the data files: {e}"),
                    )),
                }
                phase("data", &mut t);
                let mut put = |files: Vec<(String, Vec<u8>)>| {
                    for (p, bytes) in files {
                        match sink.put(&p, &bytes) {
                            Ok(()) => count += 1,
                            Err(e) => {
                                errors.push(Diagnostic::new(&p, format!("cannot write: {e}")))
                            }
                        }
                    }
                };
                match feed_files(r, &pages) {
                    Ok(files) => put(files),
                    Err(e) => errors.push(e),
                }
                phase("feeds", &mut t);
                match crate::search::write_index(r.archive, &r.urls, sink) {
                    Ok(n) => count += n,
                    Err(e) => errors.push(Diagnostic::new(
                        crate::search::DIR,
                        format!("cannot write the search index: {e}"),
                    )),
                }
                phase("search", &mut t);
                (count, errors)
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
        Ok(count)
    } else {
        Err(Diagnostics::from_iter(errors))
    }
}

/// The data files: every indicator value as CSV and JSON, and the data package. The CSV
/// and JSON are made record by record as `sink` takes them.
pub fn write_data_files(r: &Renderer, sink: &dyn Sink) -> std::io::Result<usize> {
    let articles = data::Articles::new(r.archive, &r.urls);
    sink.put_with(path::DATA_CSV, &mut |w| {
        data::write_csv(data::records(r.archive, &articles), w)
    })?;
    sink.put_with(path::DATA_JSON, &mut |w| {
        data::write_json(data::records(r.archive, &articles), w)
    })?;
    sink.put(path::DATA_PACKAGE, &data::datapackage(r.archive))?;
    Ok(3)
}

/// The data files, in memory.
pub fn data_files(r: &Renderer) -> Vec<(String, Vec<u8>)> {
    let memory = output::MemorySink::default();
    // Writing to memory cannot fail.
    let _ = write_data_files(r, &memory);
    memory.into_files()
}

/// The feeds, then sitemap.xml (of `pages`, the site paths of every page; a sitemap index of
/// numbered sitemaps past 50,000 pages) and robots.txt. Fails only when the theme's
/// `atom.xml` does.
pub fn feed_files(r: &Renderer, pages: &[String]) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let mut out = feeds::atom_feeds(r)?;
    out.extend(
        feeds::sitemaps(&r.urls, pages, feeds::SITEMAP_MAX_URLS)
            .into_iter()
            .map(|(p, text)| (p, text.into_bytes())),
    );
    out.push(("robots.txt".into(), feeds::robots(&r.urls).into_bytes()));
    Ok(out)
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

/// Files beside a bundle's index.md go beside its page.
pub fn copy_bundle(
    root: &Path,
    b: &Bulletin,
    put: &mut dyn FnMut(&str, &[u8]),
    errors: &mut Vec<Diagnostic>,
) {
    if let Some(dir) = &b.bundle_dir {
        for asset in &b.assets {
            let target = format!("{}{}", path::bulletin(&b.slug), asset.to_string_lossy());
            match std::fs::read(root.join(dir).join(asset)) {
                Ok(bytes) => put(&target, &bytes),
                Err(err) => errors.push(Diagnostic::new(
                    dir.join(asset),
                    format!("cannot read: {err}"),
                )),
            }
        }
    }
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

/// With `BANTIN_TIMINGS=1` in the environment, prints how long each stage took (stderr).
pub fn phase(name: &str, since: &mut Instant) {
    if std::env::var_os("BANTIN_TIMINGS").is_some() {
        eprintln!(
            "  {name:<15} {:>8.3} s  {}",
            since.elapsed().as_secs_f64(),
            memory_now()
        );
    }
    *since = Instant::now();
}

/// Resident and peak memory of this process, from /proc (Linux); empty elsewhere.
fn memory_now() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status.lines().find_map(|l| l.strip_prefix(name)).map(|v| {
            v.trim()
                .trim_end_matches(" kB")
                .trim()
                .parse::<u64>()
                .unwrap_or(0)
                / 1024
        })
    };
    let cpu = cpu_seconds();
    match (field("VmRSS:"), field("VmHWM:")) {
        (Some(rss), Some(peak)) => format!(
            "rss {rss:>5} MB, peak {peak:>5} MB, cpu so far: user {:.1} s, sys {:.1} s",
            cpu.0, cpu.1
        ),
        _ => String::new(),
    }
}

/// User and system CPU time of this process so far.
fn cpu_seconds() -> (f64, f64) {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } != 0 {
        return (0.0, 0.0);
    }
    let s = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (s(u.ru_utime), s(u.ru_stime))
}

/// Load, check and render the archive at `root`, then swap the result in as the output.
pub fn build(root: &Path, opts: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let started = Instant::now();
    let mut t = Instant::now();
    let archive = load::load(root, &opts.load)?;
    phase("load", &mut t);
    let out = output_dir(root, &archive, opts);
    output::check_output_dir(root, &out)?;
    let groups = Groups::new(&archive);
    phase("group", &mut t);
    let mut theme = None;
    let renderer = prepare(root, &archive, &groups, &mut theme)?;
    let io_err = |e: std::io::Error| {
        Diagnostics::from(Diagnostic::new(
            &out,
            format!("cannot write the output: {e}"),
        ))
    };
    let staging = Staging::new(&out).map_err(io_err)?;
    let files = write_site(&renderer, root, &staging)?;
    phase("write", &mut t);
    let output = staging.commit().map_err(io_err)?;
    phase("swap", &mut t);
    let report = BuildReport {
        output,
        bulletins: archive.bulletins.len(),
        values: archive.values.len(),
        files,
        seconds: started.elapsed().as_secs_f64(),
    };
    // Freeing the archive and its groups, millions of allocations, takes half a second at
    // 100,000 bulletins; `bantin build` exits right after, when the kernel takes the memory
    // back at once. So they are freed on a thread of their own that nobody waits for. (A
    // caller that builds again at once, as the tests do, may briefly hold two archives;
    // `bantin serve` keeps its own site and does not come here.)
    drop(renderer);
    drop(theme);
    std::thread::spawn(move || drop((archive, groups)));
    Ok(report)
}

/// Every check of a build, with nothing written.
pub fn check(root: &Path, opts: &BuildOptions) -> Result<Archive, Diagnostics> {
    let archive = load::load(root, &opts.load)?;
    let out = output_dir(root, &archive, opts);
    output::check_output_dir(root, &out)?;
    let groups = Groups::new(&archive);
    let mut theme = None;
    let renderer = prepare(root, &archive, &groups, &mut theme)?;
    // Render into memory and check the links between the pages.
    let files = std::sync::Mutex::new(std::collections::BTreeMap::new());
    write_site(&renderer, root, &|p: &str, b: &[u8]| {
        files
            .lock()
            .map_err(|_| std::io::Error::other("render worker failed"))?
            .insert(p.to_string(), b.to_vec());
        Ok(())
    })?;
    let files = files.into_inner().unwrap_or_default();
    let problems = output::links::check(&renderer.urls, &files);
    if !problems.is_empty() {
        return Err(Diagnostics::from_iter(problems));
    }
    Ok(archive)
}
