//! The pipeline, end to end: load → model → group → render → write. `bantin build` and
//! `bantin check` are thin wrappers around [`build`] and [`check`].

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::group::Groups;
use crate::load::{self, LoadOptions};
use crate::model::Archive;
use crate::output::{self, data, Staging};
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
pub fn write_site(
    r: &Renderer,
    root: &Path,
    sink: &(dyn Fn(&str, &[u8]) -> std::io::Result<()> + Sync),
) -> Result<usize, Diagnostics> {
    let a = r.archive;
    let mut t = Instant::now();
    let jobs = r.plan();
    let mut count = r.render_all(&jobs, sink).map_err(Diagnostics::from_iter)?;
    phase("pages", &mut t);
    let errors = std::cell::RefCell::new(Vec::new());
    let mut put = |p: &str, bytes: &[u8]| match sink(p, bytes) {
        Ok(()) => count += 1,
        Err(e) => errors
            .borrow_mut()
            .push(Diagnostic::new(p, format!("cannot write: {e}"))),
    };
    let records = data::records(a, &r.urls);
    put(path::DATA_CSV, &data::csv(&records));
    put(path::DATA_JSON, &data::json(&records));
    put(path::DATA_PACKAGE, &data::datapackage(a));
    phase("data", &mut t);
    for (p, text) in feeds::all_feeds(a, r.groups, &r.urls) {
        put(&p, text.as_bytes());
    }
    let pages: Vec<String> = jobs.iter().map(|j| r.page_path(j)).collect();
    put("sitemap.xml", feeds::sitemap(&r.urls, &pages).as_bytes());
    put("robots.txt", feeds::robots(&r.urls).as_bytes());
    phase("feeds", &mut t);
    for (p, bytes) in crate::search::index_files(a, &r.urls) {
        put(&p, &bytes);
    }
    phase("search", &mut t);
    for (p, bytes) in &r.theme.statics {
        put(&format!("static/{p}"), bytes);
    }
    // The site's static/ folder, copied as is to the output root.
    let own = root.join("static");
    if own.is_dir() {
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
                    Err(err) => errors.borrow_mut().push(Diagnostic::new(
                        crate::diagnostics::rel_path(root, e.path()),
                        format!("cannot read: {err}"),
                    )),
                }
            }
        }
    }
    // Files beside a bundle's index.md go beside its page.
    for b in &a.bulletins {
        if let Some(dir) = &b.bundle_dir {
            for asset in &b.assets {
                let target = format!("{}{}", path::bulletin(&b.slug), asset.to_string_lossy());
                match std::fs::read(root.join(dir).join(asset)) {
                    Ok(bytes) => put(&target, &bytes),
                    Err(err) => errors.borrow_mut().push(Diagnostic::new(
                        dir.join(asset),
                        format!("cannot read: {err}"),
                    )),
                }
            }
        }
    }
    let errors = errors.into_inner();
    if errors.is_empty() {
        Ok(count)
    } else {
        Err(Diagnostics::from_iter(errors))
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
        eprintln!("  {name:<10} {:>8.3} s", since.elapsed().as_secs_f64());
    }
    *since = Instant::now();
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
    let files = write_site(&renderer, root, &|p, b| staging.write(p, b))?;
    let output = staging.commit().map_err(io_err)?;
    phase("swap", &mut t);
    Ok(BuildReport {
        output,
        bulletins: archive.bulletins.len(),
        values: archive.values.len(),
        files,
        seconds: started.elapsed().as_secs_f64(),
    })
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
    write_site(&renderer, root, &|p, b| {
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
