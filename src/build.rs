//! The pipeline, end to end: load → model → group → render → write. `bantin build` and
//! `bantin check` are thin wrappers around [`build`] and [`check`].

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{self, LoadOptions};
use crate::model::Archive;
use crate::output::{self, data, Staging};
use crate::urls::{path, Urls};

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

/// Every file of the site, as site path and bytes.
pub fn render_files(archive: &Archive) -> Vec<(String, Vec<u8>)> {
    let urls = Urls::new(&archive.settings.base_url, archive.settings.relative_urls);
    let records = data::records(archive, &urls);
    vec![
        (path::DATA_CSV.to_string(), data::csv(&records)),
        (path::DATA_JSON.to_string(), data::json(&records)),
        (path::DATA_PACKAGE.to_string(), data::datapackage(archive)),
    ]
}

/// Load, check and render the archive at `root`, then swap the result in as the output.
pub fn build(root: &Path, opts: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let started = Instant::now();
    let archive = load::load(root, &opts.load)?;
    let out = output_dir(root, &archive, opts);
    output::check_output_dir(root, &out)?;
    let files = render_files(&archive);
    let io_err = |e: std::io::Error| {
        Diagnostics::from(Diagnostic::new(
            &out,
            format!("cannot write the output: {e}"),
        ))
    };
    let staging = Staging::new(&out).map_err(io_err)?;
    for (p, bytes) in &files {
        staging.write(p, bytes).map_err(io_err)?;
    }
    let output = staging.commit().map_err(io_err)?;
    Ok(BuildReport {
        output,
        bulletins: archive.bulletins.len(),
        values: archive.values.len(),
        files: files.len(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Every check of a build, with nothing written.
pub fn check(root: &Path, opts: &BuildOptions) -> Result<Archive, Diagnostics> {
    let archive = load::load(root, &opts.load)?;
    let out = output_dir(root, &archive, opts);
    output::check_output_dir(root, &out)?;
    let _ = render_files(&archive);
    Ok(archive)
}
