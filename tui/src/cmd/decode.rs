//! `smmu decode`.
use crate::common::{print_json, print_text, read_input, CliError, CliResult, Style};
use smmu_core::parse::{self, ParseOptions};
use std::io::IsTerminal;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Input file, or - for standard input.
    pub file: Option<String>,
    /// Print JSON: {"registers": [...], "summary": {...}, "format": "..."}.
    #[arg(long)]
    pub json: bool,
    /// Base address of the register page, for address-keyed dumps.
    #[arg(long)]
    pub base: Option<String>,
}

/// What `--json` prints: defined once in core.
pub use smmu_core::decode::DecodeOutput;

const USAGE_HINT: &str = "smmu decode: no input. Give a file, or pipe a dump into standard input:\n  \
    smmu decode dump.txt\n  \
    devmem ... | smmu decode -\n  \
    smmu decode - < hexdump.txt\n\
Accepted: NAME = VALUE lines, address/offset dumps, devmem transcripts, hexdump -C/xxd/od output, \
iommufd hw_info, JSON, QEMU traces. See `smmu decode --help`.";

pub fn run(args: Args) -> CliResult {
    let base = match &args.base {
        Some(b) => Some(crate::common::parse_num(b).map_err(|e| CliError::Usage(format!("--base: {e}")))?),
        None => None,
    };
    if args.file.is_none() && std::io::stdin().is_terminal() {
        return Err(CliError::Usage(USAGE_HINT.into()));
    }
    let input = read_input(args.file.as_deref())?;
    let parsed = parse::parse_bytes(&input.bytes, &ParseOptions { base })
        .map_err(|e| CliError::Input(format!("{}: {e}", input.name)))?;
    if parsed.registers.is_empty() {
        return Err(CliError::Input(format!("{}: no SMMU registers found", input.name)));
    }
    let out = DecodeOutput::new(&parsed);
    if args.json {
        print_json(&out)
    } else {
        print_text(&render(&out, &Style::detect()));
        Ok(())
    }
}

/// `[msb:lsb]` or `[bit]`.
fn bits(lsb: u16, width: u8) -> String {
    if width <= 1 {
        format!("[{lsb}]")
    } else {
        format!("[{}:{lsb}]", lsb + width as u16 - 1)
    }
}

fn field_value(v: u64, width: u8) -> String {
    if width <= 4 {
        format!("{v}")
    } else {
        format!("{v:#x}")
    }
}

/// Human-readable decode: a table per register, then the derived summary.
pub fn render(out: &DecodeOutput, st: &Style) -> String {
    let mut s = String::new();
    for r in &out.registers {
        s.push_str(&st.bold(&format!("SMMU_{} @ {} = {}", r.name, r.offset, r.value)));
        s.push_str(&st.dim(&format!("  {} ({})", r.description, r.section)));
        s.push('\n');
        let namew = r.fields.iter().map(|f| f.name.len()).max().unwrap_or(4).max(5);
        for f in &r.fields {
            let flagged = !f.flags.is_empty();
            let line = format!(
                "  {:<namew$} {:<8} {:>10}  {}",
                f.name,
                bits(f.lsb, f.width),
                field_value(f.value, f.width),
                f.meaning,
            );
            if flagged {
                s.push_str(&st.warn(&line));
                s.push_str(&st.warn(&format!("  <- {}", f.flags.join("; "))));
            } else {
                s.push_str(&line);
            }
            s.push_str(&st.dim(&format!("  [{}]", f.section)));
            s.push('\n');
        }
        for p in &r.problems {
            if !r.fields.iter().any(|f| f.flags.contains(p)) {
                s.push_str(&st.warn(&format!("  ! {p}")));
                s.push('\n');
            }
        }
        s.push('\n');
    }
    s.push_str(&st.bold("Summary"));
    s.push('\n');
    let lines = out.summary.lines();
    let w = lines.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    for (label, text) in lines {
        s.push_str(&format!("  {label:<w$}  {text}\n"));
    }
    if out.summary.warnings.is_empty() {
        s.push_str(&st.good("  No warnings."));
        s.push('\n');
    } else {
        s.push_str(&st.warn(&format!("Warnings ({})", out.summary.warnings.len())));
        s.push('\n');
        for wn in &out.summary.warnings {
            s.push_str(&st.warn(&format!("  ! {wn}")));
            s.push('\n');
        }
    }
    for n in &out.notes {
        s.push_str(&st.dim(&format!("note: {n}")));
        s.push('\n');
    }
    s
}
