//! bantin: a static site generator for public archives of Vietnamese local-government
//! bulletins (bản tin).
//!
//! The source tree reads as the pipeline:
//!
//! 1. [`load`]: settings, registries and bulletins from disk, validated ([`diagnostics`]
//!    carries every problem with its file and line);
//! 2. [`model`]: what the content means: localities, terms, indicators, values, units;
//! 3. [`group`]: indexes of bulletins and values by locality, term, topic, year, indicator;
//! 4. [`render`]: small views handed to Tera templates;
//! 5. [`output`]: the site written into a staging folder and swapped in whole.
//!
//! [`build`] runs the stages in order, and [`site_files`] makes every file beside the pages
//! (data files, feeds, the search index of [`search`], static and bundle files, the photos
//! that [`photos`] resized) for it and for [`serve`], which keeps the site in memory;
//! [`rebuild`] works out what a change needs redone, for `serve` and for an incremental
//! `build`.
//! [`vi`] holds the Vietnamese text helpers the stages share, [`html`] the one HTML escaper,
//! [`urls`] the addresses of OUTPUT.md, [`timings`] the phase timings of `BANTIN_TIMINGS=1`,
//! [`disk`] the threads that wait on the disk, [`runs`] where runs of bulletins end (the
//! search index's batches, the build record's chunks), [`path_key`] paths as map keys.
//! [`scaffold`] starts archives and bulletins; [`import`] turns scraped bulletin pages into
//! annotated drafts.

pub mod build;
pub mod diagnostics;
pub mod disk;
pub mod file_stat;
pub mod group;
pub mod html;
pub mod import;
pub mod load;
pub mod memory;
pub mod model;
pub mod output;
pub mod path_key;
pub mod photos;
pub mod rebuild;
pub mod render;
pub mod runs;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site_files;
pub mod timings;
pub mod urls;
pub mod vi;
