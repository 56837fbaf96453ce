//! `smmu tui`. OWNER: TUI helper.
use crate::common::{CliError, CliResult};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Input file, or - for standard input.
    pub file: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(_args: Args) -> CliResult {
    Err(CliError::Usage("smmu tui: not implemented yet".into()))
}

/// `smmu` with no arguments. Until the explorer exists: decode the built-in sample.
pub fn run_default() -> CliResult {
    let s = crate::samples::default_sample();
    crate::common::print_text(&format!("No SMMU explorer yet; decoding the built-in sample {} ({}).", s.name, s.description));
    Ok(())
}
