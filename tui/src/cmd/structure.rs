//! `smmu ste / smmu cd`. OWNER: walker helper.
use crate::common::{CliError, CliResult};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Input file, or - for standard input.
    pub file: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn run_ste(_args: Args) -> CliResult {
    Err(CliError::Usage("smmu ste: not implemented yet".into()))
}

pub fn run_cd(_args: Args) -> CliResult {
    Err(CliError::Usage("smmu cd: not implemented yet".into()))
}
