//! `smmu ste DW0..DW7` and `smmu cd DW0..DW7`: decode an STE or CD given as 64-bit words,
//! with its legality (C_BAD_STE / C_BAD_CD and the rule broken).
use crate::common::{parse_num, print_doc, CliError, CliResult, OutFormat};
use smmu_core::regset::RegisterSet;
use smmu_core::snapshot::Snapshot;
use smmu_core::structs::{self, StructureReport};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The structure's 64-bit words DW0..DW7 (hex with 0x, or decimal); missing words are 0.
    #[arg(required = true, num_args = 1..=8)]
    pub words: Vec<String>,
    /// Take the SMMU's ID registers from this snapshot for the legality checks.
    #[arg(long)]
    pub snapshot: Option<String>,
    /// For a CD: the STE that points at it has S1STALLD = 1.
    #[arg(long)]
    pub s1stalld: bool,
    #[arg(long)]
    pub json: bool,
    /// Output format (`--json` is `--format json`).
    #[arg(long, value_enum)]
    pub format: Option<OutFormat>,
}

fn parse(a: &Args) -> Result<([u64; 8], RegisterSet), CliError> {
    let mut w = [0u64; 8];
    for (i, s) in a.words.iter().enumerate() {
        let v = parse_num(s).map_err(|e| CliError::Usage(format!("DW{i}: {e}")))?;
        if let Some(x) = w.get_mut(i) {
            *x = v;
        }
    }
    let regs = match &a.snapshot {
        Some(p) => {
            let inp = crate::common::read_input(Some(p))?;
            Snapshot::from_json(inp.text()?).map_err(|e| CliError::Input(format!("{p}: {e}")))?.registers
        }
        None => RegisterSet::new(),
    };
    Ok((w, regs))
}

fn show(kind: &str, r: &StructureReport, f: OutFormat) -> CliResult {
    print_doc(kind, r, &smmu_core::present::build::structure(r), f)
}

pub fn run_ste(a: Args) -> CliResult {
    let (w, regs) = parse(&a)?;
    show("ste", &structs::ste_report(&w, &regs), OutFormat::pick(a.format, a.json))
}

pub fn run_cd(a: Args) -> CliResult {
    let (w, regs) = parse(&a)?;
    show("cd", &structs::cd_report(&w, &regs, a.s1stalld), OutFormat::pick(a.format, a.json))
}
