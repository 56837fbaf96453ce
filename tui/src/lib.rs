//! smmu-tui: the `smmu` command line and terminal explorer.

pub mod cmd;
pub mod collect;
pub mod common;
pub mod explorer;
pub mod memfile;
pub mod samples;
