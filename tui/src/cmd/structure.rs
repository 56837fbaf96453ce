//! `smmu ste DW0..DW7` and `smmu cd DW0..DW7`: decode an STE or CD given as 64-bit words,
//! with its legality (C_BAD_STE / C_BAD_CD and the rule broken).
use crate::common::{parse_num, print_json, print_text, CliError, CliResult, Style};
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

fn show(r: &StructureReport, json: bool) -> CliResult {
    if json {
        return print_json(r);
    }
    let st = Style::detect();
    let mut s = st.bold(&format!("{} (IHI 0070 {})\n", r.layout, r.section));
    s.push_str(&format!("words: {}\n", r.words.join(" ")));
    for f in &r.fields {
        if f.value == 0 && !matches!(f.name, "V" | "Config") {
            continue;
        }
        s.push_str(&format!("  {:<14} {:<10} {:<18} {}\n", f.name, f.bits, f.hex, f.meaning));
    }
    s.push_str(&st.dim("  (fields equal to 0 not shown; --json lists all)\n"));
    for p in &r.problems {
        s.push_str(&format!("  {}\n", st.warn(&format!("problem: {p}"))));
    }
    if r.legality.valid {
        s.push_str(&st.good("valid: the SMMU accepts this structure\n"));
    } else {
        s.push_str(&st.bad(&format!(
            "{}: the SMMU would record this for any transaction using it\n",
            r.legality.event.unwrap_or("invalid")
        )));
        for rule in &r.legality.rules {
            s.push_str(&format!("  - {} ({}; IHI 0070 {})\n", rule.rule, rule.field, rule.section));
        }
    }
    if !r.legality.unchecked.is_empty() {
        s.push_str(
            &st.dim(&format!("  not checked (no ID registers; use --snapshot): {}\n", r.legality.unchecked.join(", "))),
        );
    }
    if let Some(v) = &r.guest_vste {
        s.push_str(&format!(
            "as a guest vSTE (Linux iommufd nesting): {}: {}\n",
            if v.accepted { "accepted" } else { "rejected (-EIO)" },
            v.effect
        ));
        for why in &v.reasons {
            s.push_str(&format!("  - {why}\n"));
        }
    }
    print_text(&s);
    Ok(())
}

pub fn run_ste(a: Args) -> CliResult {
    let (w, regs) = parse(&a)?;
    show(&structs::ste_report(&w, &regs), a.json)
}

pub fn run_cd(a: Args) -> CliResult {
    let (w, regs) = parse(&a)?;
    show(&structs::cd_report(&w, &regs, a.s1stalld), a.json)
}
