//! smmu-tui: the `smmu` command line and terminal explorer.

pub mod common;
pub mod cmd;
pub mod collect;
pub mod memfile;
pub mod explorer;
pub mod samples;
