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
    let parsed = smmu_core::parse::parse(s.text, &smmu_core::parse::ParseOptions::default())
        .map_err(|e| CliError::Input(format!("built-in sample {}: {e}", s.name)))?;
    let out = super::decode::DecodeOutput::new(&parsed);
    crate::common::print_text(&format!(
        "Decoding the built-in QEMU sample {} ({}).\nRun `smmu decode FILE` to decode your own dump.\n",
        s.name, s.description
    ));
    crate::common::print_text(&super::decode::render(
        &out,
        &crate::common::Style::detect(),
    ));
    Ok(())
}
