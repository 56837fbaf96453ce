//! VMM forwarding verdicts: what a VMM may offer a guest vSMMU, field by field, and why.
//!
//!
//! # API (used by the CLI, the TUI and the web app)
//! ```
//! use smmu_core::forward::{self, ForwardOptions, Vmm};
//! use smmu_core::regset::{RegisterSet, Origin};
//! let mut host = RegisterSet::new();
//! host.insert_named("IDR0", 0x0d44101b, Origin::default());
//! let report = forward::analyze(&[("host", host)], &ForwardOptions::default());
//! assert!(report.verdicts.iter().all(|v| !v.reason.is_empty()));
//! let _text = report.to_text(false);   // terminal text (true = ANSI colour)
//! let _mail = report.to_email();       // plain text, every line < 76 columns
//! let _json = serde_json::to_string(&report).unwrap();
//! assert_eq!(Vmm::all().len(), 4);
//! ```
//! - [`analyze`] takes one or more named host register sets and [`ForwardOptions`]
//!   (kernel capabilities, kernel version, firmware facts, VMM options, an optional claim)
//!   and returns a [`ForwardReport`]: one [`Verdict`] per field of IDR0-IDR6/IIDR/AIDR in
//!   the register table, the strict guest IDRs, one [`VmmResult`] per VMM profile, the
//!   pool diff (several hosts) and the claim check.
//! - [`ForwardReport::profile_table`] lists the fields where a VMM departs from the strict
//!   guest; [`check_claim`] checks a proposed guest IDR set; [`facts_from_snapshot`] reads
//!   the kernel version, iommufd capabilities and firmware overrides a `smmu collect`
//!   snapshot holds, and [`ForwardOptions::fill_from`] applies them to options not given.
//! - Verdict rules are keyed by the fields' typed handles (`regs::idr::idr0::BTM`) and read
//!   values only through them; nothing here restates a bit.
//! - Rendering lives in [`render`] so every frontend prints the same text.

mod facts;
pub mod render;
mod rules;
pub mod settings;
mod vmm;

pub use settings::{ForwardSettings, OptionError};

pub use facts::{facts_from_snapshot, SnapshotFacts};

use crate::model::FieldDef;
use crate::regs::{self, FieldRef};
use crate::regset::{hex_value, Origin, RegisterSet};
use serde::Serialize;
use std::collections::BTreeMap;

pub use rules::rule_names;

/// The identification registers a verdict is produced for (those the table defines).
pub const ID_REGISTERS: &[&str] = &["IDR0", "IDR1", "IDR2", "IDR3", "IDR4", "IDR5", "IDR6", "IIDR", "AIDR"];

/// How a field may reach a guest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// May be read from the host idr[] directly (rule 4, the uAPI kdoc list).
    Direct,
    /// To be assumed present when nesting works (S1P, COHACC).
    Assumed,
    /// A property of each device, not of the SMMU (ATS).
    PerDevice,
    /// Needs kernel software support that a capability bit would report (rule 1).
    NeedsKernel,
    /// Needs ACPI/DT facts the kernel would have to report (rule 2).
    NeedsFirmware,
    /// Must be enabled per VM by a request flag in IOMMU_VIOMMU_ALLOC (rule 3).
    NeedsVmFlag,
    /// The VMM's own emulation decides (queue sizes, IIDR, AIDR, MSI, ...).
    VmmDefined,
    /// Meaningless or unsafe for a guest (S2P, Hyp, VATOS, ...).
    HostOnly,
}

impl Class {
    pub const ALL: [Class; 8] = [
        Class::Direct,
        Class::Assumed,
        Class::PerDevice,
        Class::NeedsKernel,
        Class::NeedsFirmware,
        Class::NeedsVmFlag,
        Class::VmmDefined,
        Class::HostOnly,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Class::Direct => "direct",
            Class::Assumed => "assumed",
            Class::PerDevice => "per-device",
            Class::NeedsKernel => "needs-kernel",
            Class::NeedsFirmware => "needs-firmware",
            Class::NeedsVmFlag => "needs-vm-flag",
            Class::VmmDefined => "vmm-defined",
            Class::HostOnly => "host-only",
        }
    }
}

/// How a guest value compares with the host value it must not exceed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Order {
    /// Larger means more capability: guest <= host.
    AtMost,
    /// Larger means less capability (TERM_MODEL, NS1ATS): guest >= host.
    AtLeast,
    /// A set of bits (TTF): guest bits within host bits.
    Subset,
    /// STALL_MODEL: 0 = both models, 1 = terminate only, 2 = stall forced.
    StallModel,
    /// TTENDIAN: 0 = mixed covers 2 (LE) and 3 (BE); otherwise equal.
    Endian,
    /// Not backed by host hardware: the VMM's emulation decides.
    Free,
}

impl Order {
    /// Is `guest` safe given the most the host (or a limit) allows?
    pub fn safe(self, guest: u64, limit: u64) -> bool {
        match self {
            Order::AtMost => guest <= limit,
            Order::AtLeast => guest >= limit,
            Order::Subset => guest & !limit == 0,
            Order::StallModel => guest == limit || limit == 0 && guest <= 2,
            Order::Endian => guest == limit || limit == 0 && (guest == 2 || guest == 3),
            Order::Free => true,
        }
    }
    /// The most capable value safe on both `a` and `b`; `true` when none is.
    pub fn meet(self, a: u64, b: u64) -> (u64, bool) {
        match self {
            Order::AtMost => (a.min(b), false),
            Order::AtLeast => (a.max(b), false),
            Order::Subset => (a & b, false),
            Order::StallModel => {
                if a == b {
                    (a, false)
                } else if a == 0 && b <= 2 {
                    (b, false)
                } else if b == 0 && a <= 2 {
                    (a, false)
                } else {
                    // Terminate-only on one host, stall forced on the other (or reserved).
                    (a.min(b), true)
                }
            }
            Order::Endian => {
                let single = |x: u64| x == 2 || x == 3;
                if a == b {
                    (a, false)
                } else if a == 0 && single(b) {
                    (b, false)
                } else if b == 0 && single(a) {
                    (a, false)
                } else {
                    // Little-endian only on one host, big-endian only on the other (or reserved).
                    (a, true)
                }
            }
            Order::Free => (a, false),
        }
    }
    pub fn hardware_backed(self) -> bool {
        self != Order::Free
    }
}

/// Kernel capabilities (`struct iommu_hw_info::out_capabilities`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Caps {
    pub dirty_tracking: bool,
    pub pci_pasid_exec: bool,
    pub pci_pasid_priv: bool,
    pub pci_ats_not_supported: bool,
}

impl Caps {
    /// The names `--caps` takes, with the uAPI constant and its value.
    pub const NAMES: &'static [(&'static str, &'static str, u64)] = &[
        ("dirty-tracking", "IOMMU_HW_CAP_DIRTY_TRACKING", 1),
        ("pci-pasid-exec", "IOMMU_HW_CAP_PCI_PASID_EXEC", 2),
        ("pci-pasid-priv", "IOMMU_HW_CAP_PCI_PASID_PRIV", 4),
        ("pci-ats-not-supported", "IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED", 8),
    ];
    pub fn from_bits(v: u64) -> Result<Caps, String> {
        if v & !0xf != 0 {
            return Err(format!("unknown capability bits {:#x} (known: 0x1-0x8)", v & !0xf));
        }
        Ok(Caps {
            dirty_tracking: v & 1 != 0,
            pci_pasid_exec: v & 2 != 0,
            pci_pasid_priv: v & 4 != 0,
            pci_ats_not_supported: v & 8 != 0,
        })
    }
    pub fn bits(&self) -> u64 {
        (self.dirty_tracking as u64)
            | (self.pci_pasid_exec as u64) << 1
            | (self.pci_pasid_priv as u64) << 2
            | (self.pci_ats_not_supported as u64) << 3
    }
    /// Parses `dirty-tracking,pci-ats-not-supported`, the uAPI names, `0x9`, or `none`.
    pub fn parse(list: &str) -> Result<Caps, String> {
        let mut bits = 0u64;
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if item.eq_ignore_ascii_case("none") {
                continue;
            }
            let norm = item.to_ascii_lowercase().replace('_', "-");
            if let Some((_, _, b)) = Caps::NAMES
                .iter()
                .find(|(n, u, _)| *n == norm || u.eq_ignore_ascii_case(item) || format!("iommu-hw-cap-{n}") == norm)
            {
                bits |= b;
            } else if let Some(h) = item.strip_prefix("0x").or_else(|| item.strip_prefix("0X")) {
                bits |= u64::from_str_radix(h, 16).map_err(|e| format!("{item:?}: {e}"))?;
            } else if let Ok(n) = item.parse::<u64>() {
                bits |= n;
            } else {
                let known: Vec<&str> = Caps::NAMES.iter().map(|n| n.0).collect();
                return Err(format!("unknown capability {item:?} (known: {})", known.join(", ")));
            }
        }
        Caps::from_bits(bits)
    }
}

/// A kernel version (`6.13`, `v6.15.2`, `6.12.0-rc3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct KernelVersion {
    pub major: u32,
    pub minor: u32,
}

impl KernelVersion {
    pub fn parse(s: &str) -> Result<KernelVersion, String> {
        let t = s.trim().trim_start_matches(['v', 'V']);
        let mut it = t.split(['.', '-', '+']);
        let major = it.next().and_then(|m| m.parse::<u32>().ok());
        let minor = it.next().and_then(|m| m.parse::<u32>().ok());
        match (major, minor) {
            (Some(major), Some(minor)) => Ok(KernelVersion { major, minor }),
            _ => Err(format!("{s:?}: expected a version like 6.13")),
        }
    }
    pub const fn new(major: u32, minor: u32) -> Self {
        KernelVersion { major, minor }
    }
}

impl std::fmt::Display for KernelVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Facts only firmware (ACPI IORT / DT) knows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Firmware {
    /// IORT COHACC override / DT `dma-coherent`: the SMMU is coherent whatever IDR0.COHACC says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coherent: Option<bool>,
    /// IORT memory access flags say the device is CANWBS (fully coherent, write-back).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canwbs: Option<bool>,
    /// IORT HTTU override: the HTTU value firmware says replaces IDR0.HTTU.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub httu_override: Option<u64>,
}

/// An on/off/auto property (QEMU `ril`, `ats`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum OnOffAuto {
    On,
    Off,
    Auto,
}

impl OnOffAuto {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "on" | "true" | "yes" | "1" => Ok(OnOffAuto::On),
            "off" | "false" | "no" | "0" => Ok(OnOffAuto::Off),
            "auto" => Ok(OnOffAuto::Auto),
            _ => Err(format!("{s:?}: expected on, off or auto")),
        }
    }
}

/// A number of bits or `auto` (QEMU `oas`, `ssidsize`; OpenVMM `oas`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum NumOrAuto {
    Auto,
    Bits(u8),
}

impl NumOrAuto {
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("auto") {
            return Ok(NumOrAuto::Auto);
        }
        t.parse::<u8>().map(NumOrAuto::Bits).map_err(|_| format!("{s:?}: expected a number or auto"))
    }
}

/// QEMU `-device arm-smmuv3,accel=on,...` properties (hw/arm/smmuv3.c smmuv3_properties).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QemuOptions {
    pub ril: OnOffAuto,
    pub ats: OnOffAuto,
    pub oas: NumOrAuto,
    pub ssidsize: NumOrAuto,
}

impl Default for QemuOptions {
    fn default() -> Self {
        // Property defaults: ril=on, ats=off, oas=44, ssidsize=0.
        QemuOptions { ril: OnOffAuto::On, ats: OnOffAuto::Off, oas: NumOrAuto::Bits(44), ssidsize: NumOrAuto::Bits(0) }
    }
}

/// OpenVMM SMMU configuration (`SmmuConfig`: sidsize, oas_policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OpenVmmOptions {
    pub oas: NumOrAuto,
    pub sidsize: u8,
}

impl Default for OpenVmmOptions {
    fn default() -> Self {
        OpenVmmOptions { oas: NumOrAuto::Auto, sidsize: 16 }
    }
}

/// Every input besides the host registers.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ForwardOptions {
    /// `None`: not given; a current kernel's answer is assumed and said so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caps: Option<Caps>,
    /// `struct iommu_hw_info::out_max_pasid_log2` of the device(s) to assign.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_pasid_log2: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kernel: Option<KernelVersion>,
    /// `struct iommu_hw_info_arm_smmuv3::flags` (bit 0: ERRATA_REPEAT_TLBI_CFGI).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hw_info_flags: Option<u64>,
    pub firmware: Firmware,
    pub qemu: QemuOptions,
    pub openvmm: OpenVmmOptions,
    /// Only these VMM profiles (empty: all).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vmms: Vec<Vmm>,
    /// A proposed guest IDR set to check for over-claims.
    #[serde(skip)]
    pub claim: Option<(String, RegisterSet)>,
    /// Where options came from when not given (for example a collect snapshot); shown in
    /// the report's notes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub provenance: Vec<String>,
}

impl ForwardOptions {
    /// Fills options not yet set from a snapshot's facts; returns the notes to show.
    pub fn fill_from(&mut self, f: &SnapshotFacts) {
        if self.caps.is_none() {
            self.caps = f.caps;
        }
        if self.max_pasid_log2.is_none() {
            self.max_pasid_log2 = f.max_pasid_log2;
        }
        if self.kernel.is_none() {
            self.kernel = f.kernel;
        }
        if self.hw_info_flags.is_none() {
            self.hw_info_flags = f.hw_info_flags;
        }
        if self.firmware.coherent.is_none() {
            self.firmware.coherent = f.coherent;
        }
        if self.firmware.httu_override.is_none() {
            self.firmware.httu_override = f.httu_override;
        }
        self.provenance.extend(f.notes.iter().cloned());
    }
}

/// The VMM profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Vmm {
    Strict,
    QemuAccel,
    CloudHypervisor,
    OpenVmm,
}

impl Vmm {
    pub fn all() -> &'static [Vmm] {
        &[Vmm::Strict, Vmm::QemuAccel, Vmm::CloudHypervisor, Vmm::OpenVmm]
    }
    pub fn name(self) -> &'static str {
        match self {
            Vmm::Strict => "strict",
            Vmm::QemuAccel => "qemu-accel",
            Vmm::CloudHypervisor => "cloud-hypervisor",
            Vmm::OpenVmm => "openvmm",
        }
    }
    pub fn parse(s: &str) -> Result<Vmm, String> {
        let n = s.trim().to_ascii_lowercase();
        Vmm::all()
            .iter()
            .copied()
            .find(|v| {
                v.name() == n || (n == "qemu" && *v == Vmm::QemuAccel) || (n == "ch" && *v == Vmm::CloudHypervisor)
            })
            .ok_or_else(|| format!("unknown VMM {s:?} (strict, qemu-accel, cloud-hypervisor, openvmm)"))
    }
}

/// One field's verdict.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Verdict {
    pub register: &'static str,
    pub field: &'static str,
    /// The field's typed handle (`register` and `field` are its names).
    #[serde(skip)]
    pub def: FieldRef,
    /// Host value (for several hosts: the value safe on all of them); `null` when the
    /// register was not in the input.
    pub host: Option<u64>,
    /// The value a strict VMM presents.
    pub guest: u64,
    pub class: Class,
    pub reason: String,
    pub refs: Vec<String>,
    /// What input or kernel change would change this verdict.
    pub would_change: String,
    /// `specific` when a rule names this field, `default` otherwise.
    pub rule: &'static str,
    pub order: Order,
    pub hardware_backed: bool,
    /// Several hosts: each host's value, in input order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<Option<u64>>,
    /// Meaning of the guest value, from the field model.
    pub guest_meaning: String,
}

/// What one VMM would do with the host(s).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct VmmResult {
    pub name: &'static str,
    pub accepts: bool,
    /// Refusals (what the VMM or kernel prints), then `warning:` and `note:` lines.
    pub messages: Vec<String>,
    /// The guest IDRs it presents (for several hosts: built from the first accepting host).
    pub guest: BTreeMap<String, String>,
    /// Several hosts: each host's guest IDRs, when they differ between hosts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub per_host: Vec<HostGuest>,
    /// Fields where this VMM presents more than the strict verdict allows (first host).
    pub exceeds_strict: Vec<FieldValue>,
    /// IHI 0070 6.3 consistency rules the presented guest IDRs break (`derived::summarize`
    /// on them, as `smmu decode` would warn); several hosts: prefixed with the host name.
    pub guest_warnings: Vec<String>,
    /// Sources the profile was read from (file and function).
    pub refs: Vec<String>,
    /// Rules of this profile not confirmed from the VMM's source.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unverified: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HostGuest {
    pub host: String,
    pub accepts: bool,
    pub guest: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FieldValue {
    pub register: &'static str,
    pub field: &'static str,
    pub value: u64,
    pub strict: u64,
    pub host: Option<u64>,
    pub class: Class,
}

/// One host as given.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HostInfo {
    pub name: String,
    pub registers: BTreeMap<String, String>,
}

/// A field whose host values differ across a pool.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PoolDiff {
    pub register: &'static str,
    pub field: &'static str,
    /// The field's typed handle (`register` and `field` are its names).
    #[serde(skip)]
    pub def: FieldRef,
    pub values: Vec<Option<u64>>,
    /// The strict guest value each host alone would get.
    pub guests: Vec<u64>,
    pub pooled_guest: u64,
    pub class: Class,
    pub matters: bool,
    pub why: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Pool {
    pub hosts: Vec<String>,
    /// Guest IDRs safe on every host (the top-level `guest` is the same map).
    pub guest: BTreeMap<String, String>,
    pub diff: Vec<PoolDiff>,
    /// Fields where no single value is right on every host.
    pub conflicts: Vec<String>,
}

/// One over-claiming field.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OverClaim {
    pub register: &'static str,
    pub field: &'static str,
    pub claimed: u64,
    pub safe: u64,
    pub host: Option<u64>,
    pub class: Class,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ClaimReport {
    pub source: String,
    pub registers: BTreeMap<String, String>,
    pub over_claims: Vec<OverClaim>,
    /// Claimed registers that are not identification registers, or are unknown.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored: Vec<String>,
    /// Fields claimed below what is safe (fine, but the guest loses a feature).
    pub under_claims: Vec<String>,
}

/// The whole answer; serializes to the `--json` contract.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ForwardReport {
    pub verdicts: Vec<Verdict>,
    /// Strict guest IDRs: `{"IDR0": "0x...", ...}`.
    pub guest: BTreeMap<String, String>,
    /// Consistency warnings `derived::summarize` gives for `guest` (empty for a host that
    /// can nest; see docs/forward.md).
    pub guest_warnings: Vec<String>,
    pub vmm: Vec<VmmResult>,
    pub hosts: Vec<HostInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pool: Option<Pool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim: Option<ClaimReport>,
    pub options: ForwardOptions,
    /// Assumptions made for inputs not given, and input problems.
    pub notes: Vec<String>,
    /// Counts per class.
    pub summary: BTreeMap<&'static str, usize>,
    /// Fields where a VMM profile departs from the strict guest ([`ForwardReport::profile_table`]).
    pub comparison: Vec<render::ProfileRow>,
    /// What the host kernel's probe makes of each host (nesting after the IIDR errata, the
    /// vIOMMU checks), from [`crate::linux`]; one entry per host.
    pub linux: Vec<HostKernel>,
    /// The uAPI `struct iommu_hw_info_arm_smmuv3` allow-list of the kernel, and where it was
    /// read (`null`: that kernel has no SMMUv3 vIOMMU).
    pub kdoc: Option<crate::linux::KdocList>,
}

/// One host as the host kernel's probe sees it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HostKernel {
    pub host: String,
    /// The kernel whose rules were used (`7.3`), and why that one.
    pub kernel: String,
    pub kernel_note: String,
    /// `null` when the registers are not enough for the probe model.
    pub banner: Option<String>,
    pub probe_fails: Option<String>,
    pub nesting: Option<crate::linux::Answer>,
    pub viommu: Option<crate::linux::Answer>,
    pub errata: Vec<crate::linux::Erratum>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unavailable: Option<String>,
}

/// Runs the host kernel's probe (crate::linux) on each host: the kernel version and the IIDR
/// errata decide whether nesting exists at all.
fn host_kernels(names: &[String], sets: &[&RegisterSet], uniq: &Distinct, opts: &ForwardOptions) -> Vec<HostKernel> {
    use crate::klog::features::KernelVersion as KV;
    use crate::linux::{self, FirmwareKind, ProbeOptions};
    let (table, note) = match opts.kernel {
        Some(k) => {
            let (t, exact) = linux::nearest(KV::new(k.major, k.minor));
            let note = if exact {
                format!("Linux {}'s probe ({})", t.name(), t.source)
            } else {
                format!(
                    "Linux {k} is not modelled: the probe and errata of {}, the nearest older modelled kernel",
                    t.name()
                )
            };
            (t, note)
        }
        None => {
            let t = linux::newest();
            (t, format!("--kernel not given: the probe and errata of Linux {}, the newest modelled kernel", t.name()))
        }
    };
    let po = ProbeOptions {
        kernel: Some(table.version),
        // An IORT HTTU override is an ACPI fact; otherwise the DT probe (the coherency
        // override means the same in both).
        firmware: if opts.firmware.httu_override.is_some() { FirmwareKind::Acpi } else { FirmwareKind::Dt },
        coherent: opts.firmware.coherent,
        iort_httu: opts.firmware.httu_override.and_then(|h| u8::try_from(h).ok()),
        canwbs: opts.firmware.canwbs,
        ..Default::default()
    };
    // The probe runs once per distinct configuration; each host gets a copy under its name.
    let probes: Vec<Result<crate::linux::LinuxProbe, String>> =
        uniq.first.iter().filter_map(|&h| sets.get(h)).map(|s| linux::probe(s, &po)).collect();
    names
        .iter()
        .zip(&uniq.of_host)
        .filter_map(|(n, &k)| probes.get(k).map(|p| (n, p.clone())))
        .map(|(n, p)| match p {
            Ok(p) => HostKernel {
                host: n.clone(),
                kernel: table.name(),
                kernel_note: note.clone(),
                banner: p.banner,
                probe_fails: p.probe_fails,
                nesting: Some(p.nesting),
                viommu: Some(p.viommu),
                errata: p.errata,
                unavailable: None,
            },
            Err(e) => HostKernel {
                host: n.clone(),
                kernel: table.name(),
                kernel_note: note.clone(),
                banner: None,
                probe_fails: None,
                nesting: None,
                viommu: None,
                errata: vec![],
                unavailable: Some(e),
            },
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Field-model helpers: everything below reads and writes bits only through the tables.

/// Guest register values under construction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GuestRegs {
    values: BTreeMap<&'static str, u64>,
}

impl GuestRegs {
    /// Every identification register the table defines, all zero.
    pub fn zeroed() -> Self {
        let mut values = BTreeMap::new();
        for r in ID_REGISTERS {
            if let Some(d) = regs::by_name(r) {
                values.insert(d.name, 0);
            }
        }
        GuestRegs { values }
    }
    /// Sets a field by name (value clamped to the field width). `false` when the table
    /// has no such field yet.
    pub fn set(&mut self, reg: &str, field: &str, value: u64) -> bool {
        let Some(r) = regs::by_name(reg) else { return false };
        let Some(f) = r.layout.field(field) else { return false };
        let mut w = [self.values.get(r.name).copied().unwrap_or(0)];
        if f.set(&mut w, value.min(f.mask())).is_err() {
            return false;
        }
        self.values.insert(r.name, w[0]);
        true
    }
    /// Sets field `f` by its typed handle (value clamped to the field width). `false` when
    /// `f` is not a field of a register in the table.
    pub fn put(&mut self, f: &FieldDef, value: u64) -> bool {
        let Some(r) = regs::by_name(f.layout) else { return false };
        let mut w = [self.values.get(r.name).copied().unwrap_or(0)];
        if f.set(&mut w, value.min(f.mask())).is_err() {
            return false;
        }
        self.values.insert(r.name, w[0]);
        true
    }
    /// Field `f` by its typed handle; `None` when its register is not among the guest's.
    pub fn read(&self, f: &FieldDef) -> Option<u64> {
        let r = regs::by_name(f.layout)?;
        self.values.get(r.name).map(|v| f.get(&[*v]))
    }
    pub fn get(&self, reg: &str, field: &str) -> Option<u64> {
        let r = regs::by_name(reg)?;
        let f = r.layout.field(field)?;
        Some(f.get(&[self.values.get(r.name).copied().unwrap_or(0)]))
    }
    pub fn value(&self, reg: &str) -> Option<u64> {
        let r = regs::by_name(reg)?;
        self.values.get(r.name).copied()
    }
    pub fn to_hex_map(&self) -> BTreeMap<String, String> {
        self.values
            .iter()
            .filter_map(|(n, v)| regs::by_name(n).map(|r| (r.name.to_string(), hex_value(r, *v))))
            .collect()
    }
    pub fn to_register_set(&self) -> RegisterSet {
        let mut s = RegisterSet::new();
        for (n, v) in &self.values {
            if let Some(r) = regs::by_name(n) {
                s.insert(r, *v, Origin { line: None, source: "guest".into() });
            }
        }
        s
    }
}

/// Every (register, field) of the identification registers in the table, in order.
pub fn id_fields() -> Vec<(&'static str, &'static crate::model::FieldDef)> {
    let mut v = Vec::new();
    for r in ID_REGISTERS {
        if let Some(d) = regs::by_name(r) {
            for f in d.layout.fields {
                v.push((d.name, f));
            }
        }
    }
    v
}

// ---------------------------------------------------------------------------------------

/// Verdicts for one (effective) host.
pub(crate) fn verdicts_for(host: &RegisterSet, opts: &ForwardOptions) -> (Vec<Verdict>, GuestRegs) {
    let ctx = rules::Ctx::new(host, opts);
    let mut guest = GuestRegs::zeroed();
    let mut out = Vec::new();
    for (reg, f) in id_fields() {
        let (d, order, specific) = rules::evaluate(&ctx, f);
        guest.put(f, d.guest);
        let mut refs = vec![format!("IHI 0070 {} SMMU_{}.{}", f.section, reg, f.name)];
        refs.extend(d.refs);
        out.push(Verdict {
            register: reg,
            field: f.name,
            def: FieldRef(f),
            host: ctx.host.read(f),
            guest: d.guest,
            class: d.class,
            reason: d.reason,
            refs,
            would_change: d.would_change,
            rule: if specific { "specific" } else { "default" },
            order,
            hardware_backed: order.hardware_backed(),
            hosts: vec![],
            guest_meaning: f.meaning(d.guest),
        });
    }
    (out, guest)
}

/// The register set safe on every host: field by field, the meet in each field's order.
/// Hosts grouped by their register values (where each value came from aside): hosts with
/// equal values get equal verdicts, so a fleet is analysed once per distinct configuration
/// and the work is linear in the number of hosts.
pub(crate) struct Distinct {
    /// For each host, the index of its configuration in `first`.
    pub of_host: Vec<usize>,
    /// For each distinct configuration, the first host that has it.
    pub first: Vec<usize>,
}

pub(crate) fn distinct(sets: &[&RegisterSet]) -> Distinct {
    let mut seen: std::collections::HashMap<Vec<(&'static str, u64)>, usize> = std::collections::HashMap::new();
    let mut d = Distinct { of_host: Vec::with_capacity(sets.len()), first: Vec::new() };
    for (i, s) in sets.iter().enumerate() {
        let key: Vec<(&'static str, u64)> = s.iter().map(|(r, v)| (r.name, v.value)).collect();
        let next = d.first.len();
        let k = *seen.entry(key).or_insert(next);
        if k == next {
            d.first.push(i);
        }
        d.of_host.push(k);
    }
    d
}

pub(crate) fn meet_hosts(hosts: &[&RegisterSet]) -> (RegisterSet, Vec<String>) {
    let mut out = RegisterSet::new();
    let mut conflicts = Vec::new();
    let Some(first) = hosts.first() else { return (out, conflicts) };
    for r in ID_REGISTERS {
        let Some(d) = regs::by_name(r) else { continue };
        if hosts.iter().any(|h| h.get(d.name).is_none()) {
            continue; // unknown on some host: treated as absent (conservative)
        }
        let mut w = [first.get(d.name).unwrap_or(0)];
        for f in d.layout.fields {
            let order = rules::order_of(f);
            let mut acc = f.get(&w);
            let mut seen = vec![acc];
            let mut conflict = false;
            for h in &hosts[1..] {
                let v = h.read(f).unwrap_or(0);
                if !seen.contains(&v) {
                    seen.push(v);
                }
                let (m, c) = order.meet(acc, v);
                conflict |= c;
                acc = m;
            }
            if conflict {
                seen.sort_unstable();
                let values: Vec<String> = seen.iter().map(u64::to_string).collect();
                conflicts.push(format!(
                    "{}.{}: host values {} cannot all be honoured by one guest value; pooled as {acc}",
                    d.name,
                    f.name,
                    values.join(", ")
                ));
            }
            let _ = f.set(&mut w, acc.min(f.mask()));
        }
        out.insert(d, w[0], Origin { line: None, source: "pool".into() });
    }
    (out, conflicts)
}

/// Analyzes one or more hosts. Hosts are `(name, registers)`.
pub fn analyze(hosts: &[(impl AsRef<str>, RegisterSet)], opts: &ForwardOptions) -> ForwardReport {
    let mut notes: Vec<String> = opts.provenance.clone();
    let names: Vec<String> = hosts.iter().map(|(n, _)| n.as_ref().to_string()).collect();
    let sets: Vec<&RegisterSet> = hosts.iter().map(|(_, s)| s).collect();
    let host_infos: Vec<HostInfo> =
        hosts.iter().map(|(n, s)| HostInfo { name: n.as_ref().to_string(), registers: s.to_hex_map() }).collect();

    for (n, s) in hosts {
        let missing: Vec<&str> =
            ID_REGISTERS.iter().filter(|r| regs::by_name(r).is_some() && !s.contains(r)).copied().collect();
        if !missing.is_empty() {
            notes.push(format!(
                "{}: no value for {}; fields of missing registers are treated as absent (guest 0)",
                n.as_ref(),
                missing.join(", ")
            ));
        }
    }
    let undefined: Vec<&str> = ID_REGISTERS.iter().filter(|r| regs::by_name(r).is_none()).copied().collect();
    if !undefined.is_empty() {
        notes.push(format!("the register table does not define {} yet: no verdicts for them", undefined.join(", ")));
    }
    if opts.caps.is_none() {
        notes.push(
            "--caps not given: a current kernel is assumed, reporting IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED \
             exactly when the host SMMU lacks ATS"
                .into(),
        );
    }
    if opts.kernel.is_none() {
        notes.push("--kernel not given: a kernel with SMMUv3 nesting (6.13 or later) is assumed".into());
    }

    let uniq = distinct(&sets);
    let reps: Vec<&RegisterSet> = uniq.first.iter().filter_map(|&h| sets.get(h).copied()).collect();
    // The meet is idempotent: meeting each distinct configuration once gives the pool's value.
    let (effective, conflicts) = if sets.len() > 1 {
        meet_hosts(&reps)
    } else {
        (sets.first().map(|s| (*s).clone()).unwrap_or_default(), vec![])
    };
    let (mut verdicts, guest) = verdicts_for(&effective, opts);

    let mut pool = None;
    if sets.len() > 1 {
        // The guest value of each verdict, per distinct configuration.
        let per: Vec<Vec<u64>> =
            reps.iter().map(|s| verdicts_for(s, opts).0.iter().map(|x| x.guest).collect()).collect();
        let mut diff = Vec::new();
        for (i, v) in verdicts.iter_mut().enumerate() {
            v.hosts = sets.iter().map(|s| s.read(v.def.0)).collect();
            let values = v.hosts.clone();
            if values.windows(2).all(|w| w[0] == w[1]) {
                continue;
            }
            let guests: Vec<u64> =
                uniq.of_host.iter().map(|&k| per.get(k).and_then(|p| p.get(i)).copied().unwrap_or(0)).collect();
            let guests_differ = guests.windows(2).any(|w| w[0] != w[1]);
            let (matters, why) = if guests_differ {
                (
                    true,
                    format!(
                        "a guest started on one host sees {}.{}={} and would lose it on a host where \
                         it is {}; the pool offers {}",
                        v.register,
                        v.field,
                        guests.iter().max().copied().unwrap_or(0),
                        guests.iter().min().copied().unwrap_or(0),
                        v.guest
                    ),
                )
            } else {
                (
                    false,
                    format!(
                        "{}: every host gives the guest {}, so the difference is invisible to it",
                        v.class.name(),
                        guests.first().copied().unwrap_or(0)
                    ),
                )
            };
            diff.push(PoolDiff {
                register: v.register,
                field: v.field,
                def: v.def,
                values,
                guests,
                pooled_guest: v.guest,
                class: v.class,
                matters,
                why,
            });
        }
        diff.sort_by_key(|d| !d.matters);
        pool = Some(Pool { hosts: names.clone(), guest: guest.to_hex_map(), diff, conflicts });
    }

    let wanted: Vec<Vmm> = if opts.vmms.is_empty() { Vmm::all().to_vec() } else { opts.vmms.clone() };
    let vmm = wanted.iter().map(|v| vmm::run_profile(*v, &names, &sets, &uniq, &verdicts, &guest, opts)).collect();

    let mut vmm: Vec<VmmResult> = vmm;
    // The host kernel decides whether nesting exists at all: where its probe clears
    // ARM_SMMU_FEAT_NESTING (or the vIOMMU checks fail), IOMMU_VIOMMU_ALLOC fails and no VMM
    // can offer a vSMMU, whatever the ID registers say.
    let linux = host_kernels(&names, &sets, &uniq, opts);
    for hk in &linux {
        if let Some(e) = &hk.unavailable {
            notes.push(format!("{}: no Linux probe model ({e}); IIDR errata not checked", hk.host));
            continue;
        }
        let prefix = if names.len() > 1 { format!("{}: ", hk.host) } else { String::new() };
        if let Some(f) = &hk.probe_fails {
            // The profiles' own checks already refuse most such hosts; say why the kernel would
            // not even use the SMMU.
            let why = format!(
                "note: {prefix}kernel: Linux {}'s probe fails ({f}): the host kernel does not use this SMMU",
                hk.kernel
            );
            for r in &mut vmm {
                r.messages.push(why.clone());
            }
            continue;
        }
        // Refuse where the kernel takes nesting away although the registers offer it: the
        // IIDR errata (NESTING cleared, CMDQ_FORCE_SYNC). A host without S1P+S2P is left to
        // the profiles, which check it themselves.
        let erratum = hk.errata.iter().any(|e| e.cleared.contains(&"NESTING") || e.sets.contains(&"CMDQ_FORCE_SYNC"));
        let Some(v) = &hk.viommu else { continue };
        if v.available || !erratum {
            continue;
        }
        let why = format!("{prefix}kernel: {}", v.reason);
        for r in &mut vmm {
            r.accepts = false;
            if !r.messages.contains(&why) {
                r.messages.insert(0, why.clone());
            }
        }
    }
    let kdoc = match opts.kernel {
        Some(k) => crate::linux::kdoc_for(crate::klog::features::KernelVersion::new(k.major, k.minor)),
        None => crate::linux::newest().kdoc.map(|k| crate::linux::KdocList {
            fields: k.fields.iter().map(|f| format!("{}.{}", f.layout, f.name)).collect(),
            at: k.at,
        }),
    };
    match &kdoc {
        Some(k) => notes.push(format!("uAPI allow-list ({}): {}", k.at, k.fields.join(", "))),
        None => notes.push("the given kernel has no struct iommu_hw_info_arm_smmuv3 (no uAPI allow-list)".into()),
    }

    let claim = opts.claim.as_ref().map(|(src, set)| check_claim(src, set, &verdicts));

    let mut summary = BTreeMap::new();
    for c in Class::ALL {
        summary.insert(c.name(), verdicts.iter().filter(|v| v.class == c).count());
    }

    let mut report = ForwardReport {
        verdicts,
        guest: guest.to_hex_map(),
        guest_warnings: vmm::guest_warnings(&guest),
        vmm,
        hosts: host_infos,
        pool,
        claim,
        options: opts.clone(),
        notes,
        summary,
        comparison: vec![],
        linux,
        kdoc,
    };
    report.comparison = report.profile_table();
    report
}

/// Lists every field of `claim` that exceeds the strict verdicts.
pub fn check_claim(source: &str, claim: &RegisterSet, verdicts: &[Verdict]) -> ClaimReport {
    let mut over = Vec::new();
    let mut under = Vec::new();
    let mut ignored = Vec::new();
    let non_id: Vec<&str> = claim.iter().map(|(r, _)| r.name).filter(|n| !ID_REGISTERS.contains(n)).collect();
    if !non_id.is_empty() {
        ignored.push(format!("not identification registers: {}", non_id.join(", ")));
    }
    for v in verdicts {
        let Some(claimed) = claim.read(v.def.0) else { continue };
        if !v.order.safe(claimed, v.guest) {
            let hw = match v.host {
                Some(h) if v.order.hardware_backed() && !v.order.safe(claimed, h) => {
                    format!("The host has {h}, so the hardware cannot honour {claimed}. ")
                }
                Some(_) => String::new(),
                None => "The host value is unknown. ".to_string(),
            };
            over.push(OverClaim {
                register: v.register,
                field: v.field,
                claimed,
                safe: v.guest,
                host: v.host,
                class: v.class,
                reason: format!("Claims {claimed}; at most {} is safe ({}). {hw}{}", v.guest, v.class.name(), v.reason),
            });
        } else if claimed != v.guest && v.order.hardware_backed() {
            under.push(format!("{}.{}: claims {claimed}, {} would be safe", v.register, v.field, v.guest));
        }
    }
    ClaimReport {
        source: source.to_string(),
        registers: claim.to_hex_map(),
        over_claims: over,
        ignored,
        under_claims: under,
    }
}
