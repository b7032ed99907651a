//! The `bantin` command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use bantin::build::{self, BuildOptions};
use bantin::load::LoadOptions;

/// mimalloc: a build makes and drops millions of small strings on every thread at once,
/// where it is faster than the system allocator. Built with `no_thp`: mimalloc otherwise
/// asks for transparent huge pages, and as it returns freed memory and takes it back, the
/// kernel zeroes a whole 2 MB page on each first touch (1.3 to 4.4 GB zeroed in a
/// 10,000-bulletin build whose peak is under 150 MB).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (mimalloc.h: the 16th option, after
/// `mi_option_deprecated_eager_commit_delay`), which the Rust bindings leave out; the test
/// below checks it by its default, 1000 ms in the mimalloc (v3) that `mimalloc` builds.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long mimalloc keeps freed memory before giving it back (see `main`).
const PURGE_DELAY_MS: std::os::raw::c_long = 10;

/// How long it keeps it in an incremental build (see `bantin::memory::HoldFreed`):
/// mimalloc's own default.
const HELD_PURGE_DELAY_MS: std::os::raw::c_long = 1000;

/// mimalloc holds freed memory for a second (`true`) or gives it back after 10 ms (see
/// `bantin::memory::HoldFreed`); `BANTIN_TIMINGS=1` notes the delay it then has.
fn hold_freed(hold: bool) {
    let delay = if hold {
        HELD_PURGE_DELAY_MS
    } else {
        PURGE_DELAY_MS
    };
    // SAFETY: sets and reads one of mimalloc's options, which it reads on every purge; no
    // memory is touched.
    let now = unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, delay);
        libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY)
    };
    bantin::timings::note("memory/purge-delay", format_args!("{now} ms"));
}

/// mimalloc gives back, now, what other threads freed for the calling thread's heap (see
/// `bantin::memory`).
fn collect() {
    // SAFETY: asks mimalloc to collect the calling thread's heap; no memory of ours is
    // touched.
    unsafe { libmimalloc_sys::mi_collect(true) };
}

/// Build public archives of Vietnamese local-government bulletins (bản tin).
#[derive(Parser)]
#[command(name = "bantin", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the archive into the output folder (site.toml's output_dir, default public/).
    Build {
        /// The site's folder (holding site.toml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Write here instead of output_dir.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Publish under this address instead of site.toml's base_url.
        #[arg(long)]
        base_url: Option<String>,
        /// Include bulletins marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Rebuild everything, whatever the build cache says (it is written afresh).
        #[arg(long)]
        full: bool,
    },
    /// Run every check of a build and write nothing; exit status 1 when anything is wrong.
    Check {
        /// The site's folder (holding site.toml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Include bulletins marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Build into memory and serve on 127.0.0.1, rebuilding and reloading pages on change.
    Serve {
        /// The site's folder (holding site.toml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Default: 1111, or the next free port.
        #[arg(long)]
        port: Option<u16>,
        /// The address to listen on (e.g. 0.0.0.0 to be reachable from other machines).
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the browser.
        #[arg(long)]
        open: bool,
        /// Include bulletins marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Start a new archive in DIR (which must be missing or empty).
    Init {
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Start a bulletin: writes content/<year>/<slug-of-title>.md and prints its path.
    New {
        /// The bulletin's title.
        title: String,
        /// The id of its locality in content/localities.yaml.
        #[arg(long)]
        locality: String,
        /// Its date (YYYY-MM-DD, …); default today.
        #[arg(long)]
        date: Option<String>,
        /// The site's folder (holding site.toml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Turn scraped bulletin pages (.txt, .html, .jsonl, folders) into annotated drafts under
    /// content/<into>/<year>/; prints a report. Never overwrites; exit status 1 if any failed.
    Import {
        /// Files or folders to import (.txt, .html/.htm, .jsonl; folders recursively).
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// The site's folder (holding site.toml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The id (in content/localities.yaml) of the unit the bulletins are about.
        #[arg(long)]
        locality: Option<String>,
        /// The bulletins' date (YYYY-MM-DD) when a page has none or gives no year.
        #[arg(long)]
        date: Option<String>,
        /// The folder under content/ for the drafts.
        #[arg(long, default_value = "nhap")]
        into: String,
        /// Replace a draft (still `draft: true`) made from the same source.
        #[arg(long)]
        force: bool,
        /// Also write the report as JSON to this file.
        #[arg(long)]
        report: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    // Freed memory is given back to the system after 10 ms, not a second: a build frees
    // whole lists as it goes from stage to stage (the figures of each chunk of parsed files
    // joined into the archive's, the sort keys, the search index's batches), and with the
    // second's delay the next stage's allocations came while the last one's memory was still
    // held (peak at 100,000 bulletins 326 MB with mimalloc's 1000 ms, 285 MB with 10 ms, 282
    // MB with 0). Not 0: giving back every freed page at once cost a build of 10,000
    // bulletins about 0.5 s more system time (1.8-2.3 s against 1.1-1.5 s).
    // An incremental build holds freed memory longer (`hold_freed`).
    // SAFETY: sets one of mimalloc's options, which it reads on every purge; no memory is
    // touched.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    bantin::memory::set_collect(collect);
    bantin::memory::set_hold_freed(hold_freed);
    match Cli::parse().command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
            full,
        } => run_build(
            &root,
            BuildOptions {
                load: LoadOptions { drafts, base_url },
                output,
                full,
            },
        ),
        Command::Check { root, drafts } => run_check(&root, drafts),
        Command::Serve {
            root,
            port,
            bind,
            open,
            drafts,
        } => run_serve(bantin::serve::ServeOptions {
            root,
            port,
            bind,
            open,
            drafts,
        }),
        Command::Init { dir } => run_init(&dir),
        Command::Import {
            inputs,
            root,
            locality,
            date,
            into,
            force,
            report,
        } => {
            let opts = bantin::import::Options {
                root,
                locality,
                date,
                into,
                force,
                inputs,
            };
            import(&opts, report.as_deref())
        }
        Command::New {
            title,
            locality,
            date,
            root,
        } => run_new(
            &root,
            bantin::scaffold::NewBulletin {
                title,
                locality,
                date,
            },
        ),
    }
}

fn run_build(root: &Path, opts: BuildOptions) -> ExitCode {
    // Ctrl+C or SIGTERM removes the build's staging folder before exiting.
    bantin::output::interrupt::install();
    match build::build_keeping(root, &opts) {
        Ok(built) => {
            let r = &built.report;
            if let Some(why) = r.full_because {
                eprintln!("a full build: {why}");
            }
            if !r.incremental {
                eprintln!(
                    "built {} bulletins, {} indicator values, {} files into {} in {:.2} s",
                    r.bulletins,
                    r.values,
                    r.files,
                    r.output.display(),
                    r.seconds
                );
            } else if r.files == 0 {
                eprintln!(
                    "nothing changed since the last build of {} ({:.2} s)",
                    r.output.display(),
                    r.seconds
                );
            } else {
                eprintln!(
                    "updated {} files of {} ({} bulletins, {} indicator values) in {:.2} s",
                    r.files,
                    r.output.display(),
                    r.bulletins,
                    r.values,
                    r.seconds
                );
            }
            if r.photos.photos > 0 || r.photos.pruned > 0 {
                let pruned = match r.photos.pruned {
                    0 => String::new(),
                    n => format!(", {n} unused removed from it"),
                };
                eprintln!(
                    "photos: {} ({} images made, {} taken from the cache{pruned})",
                    r.photos.photos, r.photos.made, r.photos.reused
                );
            }
            if let Some(e) = &r.photos.cache_error {
                eprintln!("warning: cannot keep resized photos in the cache ({e}); every build makes them again");
            }
            // The process ends now and the kernel takes its memory back at once; freeing the
            // archive piece by piece first would add half a second at 100,000 bulletins.
            std::mem::forget(built);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn run_check(root: &Path, drafts: bool) -> ExitCode {
    let opts = BuildOptions {
        load: LoadOptions {
            drafts,
            base_url: None,
        },
        output: None,
        full: false,
    };
    match build::check(root, &opts) {
        Ok(a) => {
            eprintln!(
                "ok: {} bulletins, {} indicator values, no problems found",
                a.bulletins.len(),
                a.values.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", e.to_string().replace("; nothing was written", ""));
            ExitCode::FAILURE
        }
    }
}

fn run_serve(opts: bantin::serve::ServeOptions) -> ExitCode {
    match bantin::serve::serve(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn run_init(dir: &Path) -> ExitCode {
    match bantin::scaffold::init(dir) {
        Ok(files) => {
            for f in &files {
                eprintln!("wrote {}", dir.join(f).display());
            }
            eprintln!(
                "a new archive is in {0}; build it with `bantin build --root {0}` or preview it with `bantin serve --root {0}`",
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn run_new(root: &Path, req: bantin::scaffold::NewBulletin) -> ExitCode {
    match bantin::scaffold::new_bulletin(root, &req) {
        Ok(path) => {
            println!("{}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", e.to_string().replace("; nothing was written", ""));
            ExitCode::FAILURE
        }
    }
}

/// `bantin import`: run it, print the table, write the JSON report when asked.
fn import(opts: &bantin::import::Options, report_file: Option<&std::path::Path>) -> ExitCode {
    let report = match bantin::import::run(opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    print!("{}", report.table());
    if let Some(path) = report_file {
        if let Err(e) = std::fs::write(path, report.json()) {
            eprintln!("error: cannot write the report {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    for i in report.inputs.iter().filter(|i| i.error.is_some()) {
        eprintln!("error: {}: {}", i.input, i.error.as_deref().unwrap_or(""));
    }
    if report.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_purge_delay_option_is_the_one_main_sets() {
        use libmimalloc_sys::{mi_option_get, mi_option_set};
        // SAFETY: reads and sets mimalloc's options only.
        unsafe {
            assert_eq!(mi_option_get(super::MI_OPTION_PURGE_DELAY), 1000);
            mi_option_set(super::MI_OPTION_PURGE_DELAY, super::PURGE_DELAY_MS);
            assert_eq!(
                mi_option_get(super::MI_OPTION_PURGE_DELAY),
                super::PURGE_DELAY_MS
            );
        }
    }
}
