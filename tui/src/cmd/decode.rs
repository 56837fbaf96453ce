//! `smmu decode`.
use crate::common::{print_json, print_text, read_input, CliError, CliResult, Style};
use smmu_core::linux::{self, ProbeOptions};
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
    #[command(flatten)]
    pub probe: ProbeArgs,
}

/// What Linux's probe needs besides the registers (shared by decode and log).
#[derive(clap::Args, Debug, Default, Clone)]
pub struct ProbeArgs {
    /// Model Linux's arm-smmu-v3 probe of this kernel (6.1, 6.6, 6.12, 7.3). Default: the
    /// newest, listing the kernels whose answer differs.
    #[arg(long, value_name = "VER")]
    pub kernel: Option<String>,
    /// Firmware describing the SMMU: dt (default) or acpi.
    #[arg(long, value_name = "dt|acpi")]
    pub fw: Option<String>,
    /// DT dma-coherent / IORT COHACC override (default: agrees with IDR0.COHACC).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub fw_coherent: Option<bool>,
    /// IORT SMMUv3 node HTTU override, 0-3 (ACPI; default: agrees with IDR0.HTTU).
    #[arg(long, value_name = "N")]
    pub iort_httu: Option<String>,
    /// The kernel runs at EL2 with VHE (sets E2H when IDR0.Hyp is 1).
    #[arg(long)]
    pub vhe: bool,
    /// CONFIG_ARM_SMMU_V3_SVA: on (default, as Debian builds it) or off.
    #[arg(long, value_name = "on|off")]
    pub sva: Option<String>,
    /// The CPUs' physical address size in bits, for the SVA check (default 48).
    #[arg(long, value_name = "BITS")]
    pub cpu_pa_bits: Option<String>,
    /// The kernel's page size in bytes (default 4096; sizes the queues).
    #[arg(long, value_name = "BYTES")]
    pub page_size: Option<String>,
}

impl ProbeArgs {
    /// The probe options (usage errors exit 2).
    pub fn options(&self) -> Result<ProbeOptions, CliError> {
        let mut o = ProbeOptions::default();
        let mut set = |k: &str, v: Option<&str>| o.set(k, v).map_err(|e| CliError::Usage(format!("--{e}")));
        if let Some(k) = &self.kernel {
            set("kernel", Some(k))?;
        }
        if let Some(f) = &self.fw {
            set("fw", Some(f))?;
        }
        if let Some(c) = self.fw_coherent {
            set("fw-coherent", Some(if c { "true" } else { "false" }))?;
        }
        if let Some(h) = &self.iort_httu {
            set("iort-httu", Some(h))?;
        }
        if self.vhe {
            set("vhe", None)?;
        }
        if let Some(s) = &self.sva {
            set("sva", Some(s))?;
        }
        if let Some(b) = &self.cpu_pa_bits {
            set("cpu-pa-bits", Some(b))?;
        }
        if let Some(b) = &self.page_size {
            set("page-size", Some(b))?;
        }
        if let Some(k) = o.kernel {
            linux::table(k).map_err(|e| CliError::Usage(format!("--kernel: {e}")))?;
        }
        Ok(o)
    }
}

pub use smmu_core::linux::output::{DecodeJson, ProbeOut};

/// What `--json` prints: defined once in core.
pub use smmu_core::decode::DecodeOutput;

const USAGE_HINT: &str = "smmu decode: no input. Give a file, or pipe a dump into standard input:\n  \
    smmu decode dump.txt\n  \
    devmem ... | smmu decode -\n  \
    smmu decode - < hexdump.txt\n\
Accepted: NAME = VALUE lines, address/offset dumps, devmem transcripts, hexdump -C/xxd/od output, \
iommufd hw_info, JSON, QEMU traces, FVP -C parameters, gem5 Params, | tables. See `smmu decode --help`.";

pub fn run(args: Args) -> CliResult {
    let base = match &args.base {
        Some(b) => Some(crate::common::parse_num(b).map_err(|e| CliError::Usage(format!("--base: {e}")))?),
        None => None,
    };
    if args.file.is_none() && std::io::stdin().is_terminal() {
        return Err(CliError::Usage(USAGE_HINT.into()));
    }
    let popts = args.probe.options()?;
    let input = read_input(args.file.as_deref())?;
    let parsed = parse::parse_bytes(&input.bytes, &ParseOptions { base })
        .map_err(|e| CliError::Input(format!("{}: {e}", input.name)))?;
    if parsed.registers.is_empty() {
        return Err(CliError::Input(format!("{}: no SMMU registers found", input.name)));
    }
    let out = DecodeOutput::new(&parsed);
    let probe = ProbeOut::new(&parsed.registers, &popts);
    if args.json {
        print_json("decode", &DecodeJson { decode: &out, linux_probe: probe })
    } else {
        let st = Style::detect();
        let mut text = render(&out, &st);
        text.push('\n');
        for (i, l) in probe.lines().iter().enumerate() {
            text.push_str(&if i == 0 {
                st.bold(l)
            } else if l.contains("warning: ") || l.starts_with("probe fails") {
                st.warn(l)
            } else {
                l.clone()
            });
            text.push('\n');
        }
        print_text(&text);
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
