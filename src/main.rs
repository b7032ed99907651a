//! The `bantin` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use bantin::build::{self, BuildOptions};
use bantin::load::LoadOptions;

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
    },
    /// Run every check of a build and write nothing; exit status 1 when anything is wrong.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        drafts: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
        } => {
            let opts = BuildOptions {
                load: LoadOptions { drafts, base_url },
                output,
            };
            match build::build(&root, &opts) {
                Ok(r) => {
                    eprintln!(
                        "built {} bulletins, {} indicator values, {} files into {} in {:.2} s",
                        r.bulletins,
                        r.values,
                        r.files,
                        r.output.display(),
                        r.seconds
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Check { root, drafts } => {
            let opts = BuildOptions {
                load: LoadOptions {
                    drafts,
                    base_url: None,
                },
                output: None,
            };
            match build::check(&root, &opts) {
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
    }
}
