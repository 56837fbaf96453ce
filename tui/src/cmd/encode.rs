//! `smmu encode KIND [NAME] FIELD=VALUE... [--snapshot S] [--json]`: build an STE, CD,
//! L1STD, L1CD, command, event record or descriptor from named fields, print its words (as
//! the decoding commands take them, and as a C initializer) and check it with the same rules
//! as decode.
use crate::common::{print_json, print_text, read_input, CliError, CliResult, Style};
use smmu_core::encode::{self, EncodeError, EncodeReport, Kind};
use smmu_core::regset::RegisterSet;
use smmu_core::snapshot::Snapshot;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// What to encode: ste, cd, l1std, l1cd, cmd NAME (CMD_SYNC, CMD_TLBI_NH_VA, ...),
    /// event NAME (F_TRANSLATION, ...), s1-desc or s2-desc.
    pub kind: String,
    /// For cmd and event the name first; then the fields as FIELD=VALUE. Values are hex
    /// (0x), binary (0b) or decimal, an address for an address field, or an encoding name
    /// (Config=S1+S2, S2TG=16KB; case-insensitive). Fields not given are 0.
    #[arg(value_name = "FIELD=VALUE")]
    pub fields: Vec<String>,
    /// Take the SMMU's registers from this snapshot: fields its version (AIDR) or ID
    /// registers lack cannot be set, and the legality checks use its IDRs.
    #[arg(long)]
    pub snapshot: Option<String>,
    #[arg(long)]
    pub json: bool,
}

fn cli_error(e: EncodeError) -> CliError {
    if e.is_usage() {
        CliError::Usage(e.to_string())
    } else {
        CliError::Input(e.to_string())
    }
}

/// The kind and the FIELD=VALUE pairs from the command line.
fn parse(a: &Args) -> Result<(Kind, Vec<(String, String)>), CliError> {
    let mut rest: &[String] = &a.fields;
    let cat = a.kind.trim().to_ascii_lowercase();
    let kind = if matches!(cat.as_str(), "cmd" | "command" | "event") {
        let name = rest.first().filter(|n| !n.contains('='));
        if name.is_some() {
            rest = rest.get(1..).unwrap_or(&[]);
        }
        Kind::from_parts(&cat, name.map(String::as_str)).map_err(cli_error)?
    } else {
        a.kind.parse::<Kind>().map_err(cli_error)?
    };
    let mut pairs = Vec::new();
    for t in rest {
        match t.split_once('=') {
            Some((n, v)) if !n.trim().is_empty() => pairs.push((n.trim().to_string(), v.trim().to_string())),
            _ => return Err(CliError::Usage(format!("expected FIELD=VALUE, got {t:?}"))),
        }
    }
    Ok((kind, pairs))
}

fn registers(path: &str) -> Result<RegisterSet, CliError> {
    let inp = read_input(Some(path))?;
    Ok(Snapshot::from_json(inp.text()?).map_err(|e| CliError::Input(format!("{path}: {e}")))?.registers)
}

/// The subcommand that decodes these words again.
fn decoder(kind: &Kind) -> Option<&'static str> {
    match kind {
        Kind::Ste => Some("smmu ste"),
        Kind::Cd => Some("smmu cd"),
        Kind::Cmd { .. } => Some("smmu cmd"),
        Kind::Event(_) => Some("smmu event"),
        _ => None,
    }
}

pub fn render(kind: &Kind, r: &EncodeReport, st: &Style) -> String {
    let mut s = st.bold(&format!("{} (IHI 0070 {}): {}\n", kind.name(), r.section, r.description));
    s.push_str(&format!("words: {}\n", r.words_arg()));
    if let Some(d) = decoder(kind) {
        s.push_str(&format!("decode: {d} {}\n", r.words_arg()));
    }
    let var = kind.category().replace('-', "_");
    s.push_str(&format!("C: uint64_t {var}[{}] = {};\n", r.raw.len(), r.c_initializer));
    for f in r.fields.iter().filter(|f| f.value != 0) {
        s.push_str(&format!("  {:<14} {:<10} {:<18} {}\n", f.name, f.bits, f.hex, f.meaning));
    }
    s.push_str(&st.dim("  (fields equal to 0 not shown; --json lists all)\n"));
    for p in &r.problems {
        s.push_str(&format!("  {}\n", st.warn(&format!("problem: {p}"))));
    }
    let v = &r.legality;
    if v.valid {
        let what = match kind {
            Kind::Cmd { .. } => "legal: no CERROR_ILL reason found",
            Kind::Ste | Kind::Cd => "valid: the SMMU accepts this structure",
            _ => "no problem found",
        };
        s.push_str(&st.good(&format!("{what}\n")));
    } else if let Some(ev) = v.event {
        s.push_str(&st.bad(&format!("{ev}: the SMMU rejects this\n")));
    }
    for why in &v.reasons {
        if !(v.event.is_none() && r.problems.contains(why)) {
            s.push_str(&format!("  - {why}\n"));
        }
    }
    if !v.unchecked.is_empty() {
        s.push_str(&st.dim(&format!("  not checked (no ID registers; use --snapshot): {}\n", v.unchecked.join(", "))));
    }
    if let Some(g) = &v.guest_vste {
        s.push_str(&format!(
            "as a guest vSTE (Linux iommufd nesting): {}: {}\n",
            if g.accepted { "accepted" } else { "rejected (-EIO)" },
            g.effect
        ));
        for why in &g.reasons {
            s.push_str(&format!("  - {why}\n"));
        }
    }
    if let Some(g) = &v.iommufd {
        s.push_str(&format!(
            "iommufd (guest IOMMU_VIOMMU_INVALIDATE): {}: {}; {}\n",
            if g.accepted { "accepted" } else { "rejected" },
            g.rewrite,
            g.explanation
        ));
    }
    s
}

pub fn run(a: Args) -> CliResult {
    let (kind, pairs) = parse(&a)?;
    let regs = match &a.snapshot {
        Some(p) => Some(registers(p)?),
        None => None,
    };
    let refs: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let r = encode::encode(kind, &refs, regs.as_ref()).map_err(cli_error)?;
    if a.json {
        return print_json("encode", &r);
    }
    print_text(&render(&kind, &r, &Style::detect()));
    Ok(())
}
