//! `smmu decode`. OWNER: registers helper (output), parser helper (input formats).
use crate::common::{CliResult};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Input file, or - for standard input.
    pub file: Option<String>,
    #[arg(long)]
    pub json: bool,
    /// Base address of the register page, for address-keyed dumps.
    #[arg(long)]
    pub base: Option<String>,
}

pub fn run(_args: Args) -> CliResult {
    crate::common::print_text("decode: not implemented yet");
    Ok(())
}
