//! `smmu forward`: what a VMM may forward to a guest vSMMU, field by field.
//! All analysis and rendering is in `smmu_core::forward`; this file reads inputs and options.
use crate::common::{print_json, print_text, read_input, CliError, CliResult, Style};
use smmu_core::forward::settings::Text;
use smmu_core::forward::{self, ForwardOptions, ForwardSettings, SnapshotFacts};
use smmu_core::parse::{parse_bytes, Format, ParseOptions};
use smmu_core::regset::RegisterSet;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  smmu forward host.txt\n  smmu forward host.txt --vmm qemu-accel --qemu-ats auto --qemu-ssidsize auto\n  smmu forward a.txt b.txt --format email\n  smmu forward host.txt --claim guest-idr.txt --json"
)]
pub struct Args {
    /// Host register dumps (any format `smmu decode` reads), or - for standard input.
    /// Several hosts: a migration pool.
    #[arg(required_unless_present = "hosts_file", value_name = "HOST")]
    pub hosts: Vec<String>,
    /// More hosts, as a fleet's tooling gathers them: a file with one dump path per line, or
    /// one `smmu collect --json` document per line (JSON lines); blank lines and `#` comments
    /// are skipped. Relative paths are relative to the file. Adds to the HOST arguments.
    #[arg(long = "hosts", value_name = "FILE")]
    pub hosts_file: Option<std::path::PathBuf>,
    /// VMM profiles to show (comma-separated or repeated): strict, qemu-accel,
    /// cloud-hypervisor, openvmm. Default: all.
    #[arg(long, value_delimiter = ',')]
    pub vmm: Vec<String>,
    /// QEMU arm-smmuv3,accel=on `ril` property: on (default), off, auto.
    #[arg(long, value_name = "on|off|auto")]
    pub qemu_ril: Option<String>,
    /// QEMU `ats` property: on, off (default), auto.
    #[arg(long, value_name = "on|off|auto")]
    pub qemu_ats: Option<String>,
    /// QEMU `oas` property: 44 (default), 48 or auto.
    #[arg(long, value_name = "BITS|auto")]
    pub qemu_oas: Option<String>,
    /// QEMU `ssidsize` property: 0-20 (default 0) or auto.
    #[arg(long, value_name = "N|auto")]
    pub qemu_ssidsize: Option<String>,
    /// OpenVMM SMMU OAS policy: auto (default) or a number of bits.
    #[arg(long, value_name = "BITS|auto")]
    pub openvmm_oas: Option<String>,
    /// OpenVMM SMMU SIDSIZE (default 16).
    #[arg(long, value_name = "N")]
    pub openvmm_sidsize: Option<String>,
    /// Kernel capabilities (struct iommu_hw_info out_capabilities): comma-separated
    /// dirty-tracking, pci-pasid-exec, pci-pasid-priv, pci-ats-not-supported, a number, or none.
    #[arg(long)]
    pub caps: Option<String>,
    /// The device's struct iommu_hw_info out_max_pasid_log2.
    #[arg(long, value_name = "N")]
    pub max_pasid_log2: Option<String>,
    /// Host kernel version (for example 6.13).
    #[arg(long)]
    pub kernel: Option<String>,
    /// struct iommu_hw_info_arm_smmuv3 flags (bit 0: ERRATA_REPEAT_TLBI_CFGI).
    #[arg(long, value_name = "N")]
    pub hw_info_flags: Option<String>,
    /// Firmware (IORT COHACC override / DT dma-coherent) says the SMMU is coherent.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub fw_coherent: Option<bool>,
    /// Firmware (IORT memory access flags) marks the device CANWBS.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub fw_canwbs: Option<bool>,
    /// Firmware (IORT) HTTU override value that replaces IDR0.HTTU (0-3).
    #[arg(long, value_name = "N")]
    pub fw_httu_override: Option<String>,
    /// A proposed guest IDR set (any input format) to check for over-claims.
    #[arg(long, value_name = "FILE")]
    pub claim: Option<String>,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
    /// Output format: text, email or json.
    #[arg(long, default_value = "text")]
    pub format: String,
    /// Base address of the register page, for address-keyed dumps.
    #[arg(long)]
    pub base: Option<String>,
}

fn usage(e: String) -> CliError {
    CliError::Usage(format!("smmu forward: {e}"))
}

/// Builds the analysis options from the command line (usage errors exit 2): the values
/// are parsed and checked in core ([`ForwardSettings::resolve`]), as for the JS API.
pub fn options(a: &Args) -> Result<ForwardOptions, CliError> {
    let text = |v: &Option<String>| v.as_deref().map(Text::from);
    let flag = |v: Option<bool>| v.map(|b| Text(b.to_string()));
    let settings = ForwardSettings {
        vmm: a.vmm.clone(),
        qemu_ril: text(&a.qemu_ril),
        qemu_ats: text(&a.qemu_ats),
        qemu_oas: text(&a.qemu_oas),
        qemu_ssidsize: text(&a.qemu_ssidsize),
        openvmm_oas: text(&a.openvmm_oas),
        openvmm_sidsize: text(&a.openvmm_sidsize),
        caps: text(&a.caps),
        max_pasid_log2: text(&a.max_pasid_log2),
        kernel: text(&a.kernel),
        hw_info_flags: text(&a.hw_info_flags),
        fw_coherent: flag(a.fw_coherent),
        fw_canwbs: flag(a.fw_canwbs),
        fw_httu_override: text(&a.fw_httu_override),
    };
    settings.resolve().map_err(|e| usage(format!("{} {}", e.flag(), e.message)))
}

fn parse_opts(a: &Args) -> Result<ParseOptions, CliError> {
    let base = match &a.base {
        Some(b) => Some(crate::common::parse_num(b).map_err(|e| usage(format!("--base {e}")))?),
        None => None,
    };
    Ok(ParseOptions { base })
}

type Host = (String, RegisterSet, Option<SnapshotFacts>);

/// A host (or claim) as read: name, registers, and the facts a collect snapshot holds.
fn read_regs(path: &str, popts: &ParseOptions) -> Result<Host, CliError> {
    let input = read_input(Some(path))?;
    host_from_bytes(input.name, &input.bytes, popts)
}

fn host_from_bytes(name: String, bytes: &[u8], popts: &ParseOptions) -> Result<Host, CliError> {
    let parsed = parse_bytes(bytes, popts).map_err(|e| CliError::Input(format!("{name}: {e}")))?;
    if parsed.registers.is_empty() {
        return Err(CliError::Input(format!("{name}: no registers found")));
    }
    let facts = if parsed.format == Format::Snapshot {
        serde_json::from_slice::<serde_json::Value>(bytes).ok().map(|v| forward::facts_from_snapshot(&v))
    } else {
        None
    };
    Ok((name, parsed.registers, facts))
}

/// The hosts listed in a `--hosts` file: paths, or JSON lines of collect documents.
fn read_hosts_file(file: &std::path::Path, popts: &ParseOptions) -> Result<Vec<Host>, CliError> {
    let text = std::fs::read_to_string(file).map_err(|e| CliError::Input(format!("{}: {e}", file.display())))?;
    let dir = file.parent().unwrap_or_else(|| std::path::Path::new(""));
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let at = format!("{}:{}", file.display(), i + 1);
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if t.starts_with('{') {
            out.push(host_from_bytes(at, t.as_bytes(), popts)?);
        } else {
            let p = dir.join(t);
            let p = p.to_str().ok_or_else(|| CliError::Input(format!("{at}: the path is not UTF-8")))?;
            out.push(read_regs(p, popts).map_err(|e| CliError::Input(format!("{at}: {e}")))?);
        }
    }
    if out.is_empty() {
        return Err(CliError::Input(format!("{}: lists no hosts", file.display())));
    }
    Ok(out)
}

pub fn run(a: Args) -> CliResult {
    let mut opts = options(&a)?;
    let format = if a.json { "json".to_string() } else { a.format.to_ascii_lowercase() };
    if !matches!(format.as_str(), "text" | "email" | "json") {
        return Err(usage(format!("--format {:?}: expected text, email or json", a.format)));
    }
    if a.hosts.iter().filter(|h| h.as_str() == "-").count() > 1 {
        return Err(usage("standard input (-) can be given only once".into()));
    }
    let popts = parse_opts(&a)?;
    let mut hosts = Vec::new();
    let mut filled = false;
    let mut read = Vec::new();
    for h in &a.hosts {
        read.push(read_regs(h, &popts)?);
    }
    if let Some(f) = &a.hosts_file {
        read.extend(read_hosts_file(f, &popts)?);
    }
    for (name, regs, facts) in read {
        // Options not given on the command line come from the first snapshot that has them.
        if let (Some(f), false) = (&facts, filled) {
            let mut f = f.clone();
            f.notes = f.notes.iter().map(|n| format!("{name}: {n}")).collect();
            opts.fill_from(&f);
            filled = true;
        }
        hosts.push((name, regs));
    }
    if let Some(c) = &a.claim {
        let (name, regs, _) = read_regs(c, &popts)?;
        opts.claim = Some((name, regs));
    }
    let report = forward::analyze(&hosts, &opts);
    match format.as_str() {
        "json" => print_json("forward", &report),
        "email" => {
            print_text(&report.to_email());
            Ok(())
        }
        _ => {
            print_text(&report.to_text(Style::detect().on));
            Ok(())
        }
    }
}
