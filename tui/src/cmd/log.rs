//! `smmu log`. OWNER: events helper.
use crate::common::{CliError, CliResult};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Input file, or - for standard input.
    pub file: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(_args: Args) -> CliResult {
    Err(CliError::Usage("smmu log: not implemented yet".into()))
}
