//! `smmu tui FILE...` and `smmu` with no arguments: the interactive explorer.
use crate::common::{CliError, CliResult};
use crate::explorer::data::Reload;
use crate::explorer::{self, Dataset, Options, ThemeName};
use std::io::IsTerminal;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Dumps, snapshots or kernel logs (any format the CLI reads). Two or more open the
    /// diff view. Without files: the live host, else the built-in sample.
    pub files: Vec<String>,
    /// Colour theme.
    #[arg(long, value_enum, default_value = "dark")]
    pub theme: ThemeName,
    /// Do not capture the mouse (lets the terminal select text).
    #[arg(long)]
    pub no_mouse: bool,
    /// Open the built-in sample even on a host with an SMMUv3.
    #[arg(long, conflicts_with = "files")]
    pub sample: bool,
    /// Print the keymap (every key, as the ? help shows it) and exit.
    #[arg(long)]
    pub keys: bool,
}

pub fn run(args: Args) -> CliResult {
    if args.keys {
        crate::common::print_text(&explorer::keymap::help_text());
        return Ok(());
    }
    let (data, reload) = if args.sample {
        (explorer::data::sample_dataset("asked for on the command line").map_err(CliError::Input)?, Reload::None)
    } else if args.files.is_empty() {
        (explorer::data::default_dataset().map_err(CliError::Input)?, Reload::Default)
    } else {
        (explorer::data::load_files(&args.files).map_err(CliError::Input)?, Reload::Files(args.files.clone()))
    };
    start(data, Options { theme: args.theme, mouse: !args.no_mouse, reload })
}

/// `smmu` with no arguments: the explorer on the live host when it has an SMMUv3, else on
/// the built-in sample (saying which).
pub fn run_default() -> CliResult {
    let data = explorer::data::default_dataset().map_err(CliError::Input)?;
    start(data, Options { theme: ThemeName::Dark, mouse: true, reload: Reload::Default })
}

fn start(data: Dataset, opts: Options) -> CliResult {
    if !std::io::stdout().is_terminal() {
        crate::common::print_text(&explorer::text_summary(&data));
        return Ok(());
    }
    let copied = explorer::run(data, opts).map_err(|e| CliError::Input(format!("terminal: {e}")))?;
    if !copied.is_empty() {
        let mut s = String::from("Copied with y (also sent to the terminal clipboard with OSC 52):\n");
        for c in copied {
            s.push_str(&c);
            if !s.ends_with('\n') {
                s.push('\n');
            }
        }
        crate::common::print_text(&s);
    }
    Ok(())
}
