//! Rebuilding only what a change needs, shared by `bantin serve` (which keeps the last good
//! site in memory) and an incremental `bantin build` (which takes it from the build cache):
//! [`site`] keeps every parsed bulletin and the last good archive and hands out the files
//! to change, [`affected`] works out which pages a change of some bulletins touches.

pub mod affected;
pub mod site;
