//! bantin's integration tests, one binary with a module per feature (as ripgrep and cargo
//! lay theirs out): fixture archives under tests/fixtures/ are built by the real binary or
//! the library, and the pages, data files and errors read back. [`util`] holds the helpers.
//!
//! Tests that need Chromium, Java (the Nu HTML checker) or node say they were skipped, and
//! why, when the tool is missing; with `BANTIN_REQUIRE_TOOLS=1` (set by `.ci/run`) a missing
//! tool is a failure instead.

mod util;

mod broken;
mod browser;
mod crawl;
mod data_files;
mod determinism;
mod html_valid;
mod import;
mod incremental;
mod init_new;
mod interrupted;
mod output_safety;
mod pages;
mod photos;
mod render_frames;
mod review;
mod search_index;
mod serve;
mod serve_incremental;
mod tables_truth;
