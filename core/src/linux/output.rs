//! The JSON documents `smmu decode --json` and `smmu log --json` print, built once here so the
//! CLI and the web app's JS API give the same answer.

use super::{BannerCheck, LinuxProbe, ProbeOptions};
use crate::decode::DecodeOutput;
use crate::klog::{self, features::KernelVersion, LogReport};
use crate::regs::idr::idr0;
use crate::regset::RegisterSet;
use serde::Serialize;

/// The `"linux_probe"` object: the model's answer, or why there is none.
#[derive(Serialize, Debug)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum ProbeOut {
    Probe(Box<LinuxProbe>),
    Unavailable { kernel: String, unavailable: String },
}

impl ProbeOut {
    pub fn new(regs: &RegisterSet, o: &ProbeOptions) -> ProbeOut {
        match super::probe(regs, o) {
            Ok(p) => ProbeOut::Probe(Box::new(p)),
            Err(e) => ProbeOut::Unavailable {
                kernel: o.kernel.map(|k| k.to_string()).unwrap_or_else(|| super::newest().name()),
                unavailable: e,
            },
        }
    }
    /// Text lines for the terminal.
    pub fn lines(&self) -> Vec<String> {
        match self {
            ProbeOut::Probe(p) => p.text_lines(),
            ProbeOut::Unavailable { kernel, unavailable } => {
                vec![format!("Linux {kernel}: no probe model: {unavailable}")]
            }
        }
    }
}

/// `smmu decode --json`: the decode and the `"linux_probe"` object.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DecodeJson<'a> {
    #[serde(flatten)]
    pub decode: &'a DecodeOutput,
    pub linux_probe: ProbeOut,
}

/// `smmu log --json`: the log report and, where the registers are known, each banner
/// compared with them.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LogAnalysis<R = LogReport> {
    /// The log: a [`LogReport`] with every event decoded (the default, what the explorer and
    /// the web app read), or a [`klog::Scan`] whose events are decoded only as they are
    /// serialized (what `smmu log` streams from [`analyze_log`]).
    #[serde(flatten)]
    pub report: R,
    pub banner_checks: Vec<BannerCheck>,
    /// Registers were found with the log (a snapshot, or values pasted with it).
    #[serde(skip)]
    pub have_registers: bool,
}

/// Reads a kernel log, or a `smmu collect` snapshot holding one, and compares each probe
/// banner with the registers when they are known.
pub fn analyze_log(bytes: &[u8], kernel: Option<KernelVersion>) -> LogAnalysis<klog::Scan> {
    // Logs are often not clean UTF-8 (serial consoles): decode lossily.
    let raw = String::from_utf8_lossy(bytes);
    let (snap, regs, acpi_hint) = match snapshot_log(&raw) {
        Some((t, r, acpi)) => (Some(t), r, acpi),
        None => (None, pasted_registers(bytes), false),
    };
    // The log itself is read in place (no copy of a 100 MB input).
    let report = klog::scan(snap.as_deref().unwrap_or(&raw), &klog::Options { kernel });
    let banner_checks = banner_checks(&report.report, regs.as_ref(), acpi_hint);
    LogAnalysis { report, banner_checks, have_registers: regs.is_some() }
}

impl LogAnalysis<klog::Scan> {
    /// Every event decoded: the report the explorer and the web app read.
    pub fn materialize(self) -> LogAnalysis {
        LogAnalysis {
            report: self.report.into_report(),
            banner_checks: self.banner_checks,
            have_registers: self.have_registers,
        }
    }
}

/// A `smmu collect` snapshot's kernel log (`kernel.log`, or `kernel.dmesg_smmu` of the
/// built-in samples, after `kernel.version`), its registers, and whether it describes an
/// ACPI host (`firmware.iort`).
fn snapshot_log(raw: &str) -> Option<(String, Option<RegisterSet>, bool)> {
    if !crate::snapshot::Snapshot::looks_like(raw) {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(raw).ok()?;
    let mut text = String::new();
    if let Some(ver) = v.pointer("/kernel/version").and_then(|x| x.as_str()) {
        text.push_str(ver);
        text.push('\n');
    }
    for key in ["/kernel/log", "/kernel/dmesg_smmu"] {
        if let Some(lines) = v.pointer(key).and_then(|x| x.as_array()) {
            for l in lines.iter().filter_map(|x| x.as_str()) {
                text.push_str(l);
                text.push('\n');
            }
        }
    }
    let regs = pasted_registers(raw.as_bytes());
    let acpi = v.pointer("/firmware/iort").is_some_and(|x| !x.is_null());
    Some((text, regs, acpi))
}

/// Register values in the input (a snapshot, or `IDR0 = ...` lines pasted with the log),
/// when there is at least IDR0.
fn pasted_registers(bytes: &[u8]) -> Option<RegisterSet> {
    // Only lines naming an ID register can hold one: hand just those to the register parser,
    // which would otherwise read every line of a large log.
    let mut starts: Vec<usize> = ["IDR", "idr", "Idr"]
        .iter()
        .flat_map(|n| memchr::memmem::find_iter(bytes, n.as_bytes()))
        .map(|p| bytes.get(..p).and_then(|h| memchr::memrchr(b'\n', h)).map_or(0, |i| i + 1))
        .take(100_000)
        .collect();
    starts.sort_unstable();
    starts.dedup();
    let mut lines: Vec<u8> = Vec::new();
    for &st in starts.iter().take(10_000) {
        let rest = bytes.get(st..).unwrap_or(&[]);
        let l = rest.get(..memchr::memchr(b'\n', rest).unwrap_or(rest.len())).unwrap_or(&[]);
        lines.extend_from_slice(l);
        lines.push(b'\n');
    }
    if lines.is_empty() {
        return None;
    }
    let p = crate::parse::parse_bytes(&lines, &Default::default()).ok()?;
    p.registers.read(&idr0::S1P).map(|_| p.registers)
}

/// Each banner compared with the registers, with the rules of the kernel that printed it.
fn banner_checks(rep: &LogReport, regs: Option<&RegisterSet>, acpi_hint: bool) -> Vec<BannerCheck> {
    let Some(regs) = regs else { return vec![] };
    // Only the ACPI probe prints `option mask`.
    let acpi = acpi_hint || !rep.options.is_empty();
    rep.probe
        .iter()
        .filter_map(|p| {
            let v = KernelVersion::parse(&p.kernel)?;
            let mask = u32::from_str_radix(p.features.trim_start_matches("0x"), 16).ok()?;
            super::check_banner(regs, v, acpi, mask, p.oas, p.ias).ok()
        })
        .collect()
}
