//! `smmu cmd DW0 DW1`: decode a command, say whether it is legal and what iommufd does
//! with it from a guest.
use super::event::parse_words;
use crate::common::{doc_text, parse_num, print_doc, CliError, CliResult, OutFormat, Style};
use smmu_core::queues::cmd;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The command's two 64-bit words in hex. Read from standard input when none are given.
    pub words: Vec<String>,
    /// Check as issued on the Secure Command queue.
    #[arg(long)]
    pub secure: bool,
    /// SMMU_IDR0 value, to check commands against the SMMU's features (PRI, ATS, Hyp, S2P...).
    #[arg(long)]
    pub idr0: Option<String>,
    /// SMMU_IDR1 value (SSIDSIZE).
    #[arg(long)]
    pub idr1: Option<String>,
    /// SMMU_IDR3 value (RIL, DPT).
    #[arg(long)]
    pub idr3: Option<String>,
    #[arg(long)]
    pub json: bool,
    /// Output format (`--json` is `--format json`).
    #[arg(long, value_enum)]
    pub format: Option<OutFormat>,
}

pub fn render_command(c: &cmd::CommandInfo, st: &Style) -> String {
    doc_text(&smmu_core::present::build::command(c), st)
}

pub fn run(args: Args) -> CliResult {
    let w = parse_words(&args.words, 2, "smmu cmd")?;
    let mut regs = smmu_core::regset::RegisterSet::new();
    for (name, v) in [("IDR0", &args.idr0), ("IDR1", &args.idr1), ("IDR3", &args.idr3)] {
        if let Some(v) = v {
            let n = parse_num(v).map_err(|e| CliError::Usage(format!("--{}: {e}", name.to_ascii_lowercase())))?;
            regs.insert_named(name, n, Default::default());
        }
    }
    let ctx = cmd::CheckContext {
        queue: if args.secure { cmd::QueueKind::Secure } else { cmd::QueueKind::NonSecure },
        regs: if regs.is_empty() { None } else { Some(&regs) },
    };
    let info = cmd::decode_with(&[w[0], w[1]], &ctx);
    print_doc("cmd", &info, &smmu_core::present::build::command(&info), OutFormat::pick(args.format, args.json))
}
