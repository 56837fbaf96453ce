//! `smmu decode`.
use crate::common::{print_doc, read_input, CliError, CliResult, OutFormat};
use smmu_core::linux::{self, ProbeOptions};
use smmu_core::parse::{self, ParseOptions};
use std::io::IsTerminal;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Input file, or - for standard input.
    pub file: Option<String>,
    /// Print JSON (docs/schema/decode.schema.json): {"schema": ..., "registers": [...],
    /// "summary": {...}, "format": "...", "linux_probe": ...}. Same as --format json.
    #[arg(long)]
    pub json: bool,
    /// text (default), email (plain, at most 76 columns, for a mailing-list reply) or json.
    #[arg(long, value_enum)]
    pub format: Option<OutFormat>,
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
    let doc = smmu_core::present::decode::document(&out, Some(&probe));
    let json = DecodeJson { decode: &out, linux_probe: probe };
    print_doc("decode", &json, &doc, OutFormat::pick(args.format, args.json))
}
