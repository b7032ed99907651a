//! The pipeline, end to end: load → model → group → render → write. `bantin build` and
//! `bantin check` are thin wrappers around [`build`] and [`check`].

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::group::Groups;
use crate::load::{self, LoadOptions};
use crate::model::Archive;
use crate::output::{self, Staging};
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
    pub archive: Archive,
    pub groups: Groups,
}

/// [`build`], handing back the archive and its groups. Freeing them, millions of
/// allocations, takes half a second at 100,000 bulletins: the command line, which exits
/// right after, leaves that to the kernel (see main.rs); a library caller just drops them.
pub fn build_keeping(root: &Path, opts: &BuildOptions) -> Result<Built, Diagnostics> {
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
    drop(renderer);
    drop(theme);
    Ok(Built {
        report,
        archive,
        groups,
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
