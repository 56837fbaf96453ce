//! The probe engine: runs one [`KernelTable`]'s rules over a register set, in the order
//! the kernel runs them (firmware probe, `arm_smmu_device_hw_probe()`, the IIDR errata,
//! the SVA check, the banner, then the queue allocation).

use super::model::*;
use super::options::*;
use crate::model::FieldDef;
use crate::regs::idr::{idr0, idr1, idr3, idr5, iidr};
use crate::regset::RegisterSet;
use serde::Serialize;
use std::collections::BTreeSet;

/// One message the driver prints (`dev_info`, `dev_notice`, `dev_warn`, `dev_err`), the
/// text after the `arm-smmu-v3 DEVICE: ` prefix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Message {
    pub level: &'static str,
    pub text: String,
    /// Where the kernel prints it.
    pub at: &'static str,
}

/// A queue the driver allocates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Queue {
    pub queue: &'static str,
    pub entries: u64,
    /// `allocated N entries for cmdq`.
    pub message: String,
}

/// An IIDR erratum workaround the driver applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Erratum {
    /// The erratum number(s) the kernel names, `2812531`, `2268618, 2812531`.
    pub erratum: &'static str,
    /// `Arm MMU-700 r0p1`.
    pub product: String,
    /// Features it clears (Linux names).
    pub clears: Vec<&'static str>,
    /// Options it sets.
    pub sets: Vec<&'static str>,
    /// Features among `clears` that were set before, so the printed mask changes.
    pub cleared: Vec<&'static str>,
    pub at: &'static str,
}

/// One rule that fired, for the explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Step {
    pub rule: Rule,
    pub at: &'static str,
    pub effect: String,
}

/// Yes or no, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Answer {
    pub available: bool,
    pub reason: String,
}

/// The uAPI allow-list of the kernel, by field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct KdocList {
    /// `IDR0.ST_LEVEL`, ...
    pub fields: Vec<String>,
    pub at: &'static str,
}

/// What Linux makes of the registers: the JSON `"linux_probe"` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LinuxProbe {
    pub kernel: String,
    pub source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub derived: Option<&'static str>,
    pub firmware: &'static str,
    /// `smmu->features` as printed (`0x01008305`); `null` when the probe fails before.
    pub features: Option<String>,
    pub feature_names: Vec<&'static str>,
    /// `null` where this kernel no longer prints it (7.x), or the probe fails.
    pub ias: Option<u32>,
    pub oas: Option<u32>,
    /// The banner after the device prefix: `oas 44-bit (features 0x01008305)`.
    pub banner: Option<String>,
    pub queues: Vec<Queue>,
    /// `smmu->options` names and mask.
    pub options: Vec<&'static str>,
    pub options_mask: String,
    pub errata: Vec<Erratum>,
    /// The driver's `dev_warn` texts, exactly.
    pub warnings: Vec<String>,
    /// Every message, in the order the driver prints them.
    pub messages: Vec<Message>,
    /// The `dev_err` text of a failing probe (`no translation support!`).
    pub probe_fails: Option<String>,
    /// ARM_SMMU_FEAT_NESTING after the errata.
    pub nesting: Answer,
    /// IOMMU_VIOMMU_ALLOC of an ARM_SMMUV3 vIOMMU (arm_smmu_get_viommu_size()).
    pub viommu: Answer,
    pub sva: Answer,
    /// What a VMM may read from `struct iommu_hw_info_arm_smmuv3` on this kernel.
    pub kdoc: Option<KdocList>,
    /// The rules that fired, in order, with their source lines.
    pub trace: Vec<Step>,
    /// Inputs not given and what was assumed.
    pub assumptions: Vec<String>,
    /// Without `--kernel`: the other modelled kernels whose banner, failure or warnings
    /// differ from this one's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub differs: Vec<Differs>,
    #[serde(skip)]
    pub feature_set: BTreeSet<Feat>,
    #[serde(skip)]
    pub mask: u32,
}

/// Another kernel's answer, where it differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Differs {
    pub kernel: String,
    pub features: Option<String>,
    pub banner: Option<String>,
    pub probe_fails: Option<String>,
    pub warnings: Vec<String>,
    /// Features named differently (present in one, absent in the other), by name.
    pub feature_changes: Vec<String>,
}

/// The registers the probe reads.
const REQUIRED: &[(&str, &FieldDef)] =
    &[("IDR0", &idr0::S1P), ("IDR1", &idr1::SIDSIZE), ("IDR3", &idr3::RIL), ("IDR5", &idr5::OAS)];

struct Run<'a> {
    t: &'static KernelTable,
    o: &'a ProbeOptions,
    regs: &'a RegisterSet,
    feats: BTreeSet<Feat>,
    opts: BTreeSet<Opt>,
    messages: Vec<Message>,
    trace: Vec<Step>,
    errata: Vec<Erratum>,
    assumptions: Vec<String>,
    cleared_by: Vec<(Feat, String)>,
}

/// Product names of the IIDR values Linux checks.
fn product(pid: u64) -> Option<&'static str> {
    match pid {
        0x483 => Some("Arm MMU-600"),
        0x487 => Some("Arm MMU-700"),
        0x48a => Some("Arm MMU-L1"),
        0x498 => Some("Arm MMU-S3"),
        _ => None,
    }
}

impl<'a> Run<'a> {
    /// A field of a register known to be present (checked against [`REQUIRED`] first).
    fn rd(&self, f: &FieldDef) -> u64 {
        self.regs.read(f).unwrap_or(0)
    }
    fn at(&self, r: Rule) -> &'static str {
        self.t.at(r).unwrap_or("")
    }
    fn step(&mut self, r: Rule, effect: String) {
        let at = self.at(r);
        self.trace.push(Step { rule: r, at, effect });
    }
    fn set(&mut self, f: Feat, r: Rule, why: &str) {
        if self.t.bit(f).is_some() && self.feats.insert(f) {
            self.step(r, format!("{} set: {why}", f.name()));
        }
    }
    fn clear(&mut self, f: Feat, r: Rule, why: &str) -> bool {
        let had = self.feats.remove(&f);
        self.step(r, format!("{} cleared{}: {why}", f.name(), if had { "" } else { " (was not set)" }));
        if had {
            self.cleared_by.push((f, why.to_string()));
        }
        had
    }
    fn opt(&mut self, o: Opt, r: Rule, why: &str) {
        if self.t.opt_bit(o).is_some() && self.opts.insert(o) {
            self.step(r, format!("option {} set: {why}", o.name()));
        }
    }
    fn msg(&mut self, level: &'static str, text: String, r: Rule) {
        let at = self.at(r);
        self.messages.push(Message { level, text, at });
    }
    fn has(&self, f: Feat) -> bool {
        self.feats.contains(&f)
    }
    fn mask_of(&self, set: &BTreeSet<Feat>) -> u32 {
        set.iter().filter_map(|f| self.t.bit(*f)).fold(0u32, |m, b| m | (1u32 << b))
    }
    fn opt_mask(&self) -> u32 {
        self.opts.iter().filter_map(|o| self.t.opt_bit(*o)).fold(0u32, |m, b| m | (1u32 << b))
    }

    fn firmware(&mut self) {
        let cohacc = self.rd(&idr0::COHACC) == 1;
        let coherent = match self.o.coherent {
            Some(c) => c,
            None => {
                self.assumptions.push(format!(
                    "firmware coherency not given: assumed to agree with IDR0.COHACC ({}), as {}",
                    cohacc as u8,
                    if self.o.firmware == FirmwareKind::Dt { "DT dma-coherent" } else { "the IORT COHACC override" }
                ));
                cohacc
            }
        };
        match self.o.firmware {
            FirmwareKind::Dt => {
                if self.t.has(Rule::DtOptions) {
                    for p in self.o.dt_properties.clone() {
                        let o = match p.as_str() {
                            "hisilicon,broken-prefetch-cmd" => Some(Opt::SkipPrefetch),
                            "cavium,cn9900-broken-page1-regspace" => Some(Opt::Page0RegsOnly),
                            _ => None,
                        };
                        match o {
                            Some(o) => {
                                self.opt(o, Rule::DtOptions, &format!("DT property {p}"));
                                self.msg("notice", format!("option {p}"), Rule::DtOptions);
                            }
                            None => {
                                self.assumptions.push(format!("DT property {p:?} is not one the driver reads; ignored"))
                            }
                        }
                    }
                }
                if coherent {
                    self.set(Feat::Coherency, Rule::DtCoherent, "the DT node is dma-coherent");
                }
            }
            FirmwareKind::Acpi => {
                if coherent {
                    self.set(Feat::Coherency, Rule::AcpiCohacc, "IORT SMMUv3 node flags COHACC_OVERRIDE");
                }
                let hw = self.rd(&idr0::HTTU);
                let httu = match self.o.iort_httu {
                    Some(h) => u64::from(h),
                    None => {
                        if self.t.has(Rule::AcpiHttu) || self.t.has(Rule::AcpiHttuHaft) {
                            self.assumptions
                                .push(format!("IORT HTTU override not given: assumed to agree with IDR0.HTTU ({hw})"));
                        }
                        hw
                    }
                };
                let why = format!("IORT HTTU override {httu}");
                if self.t.has(Rule::AcpiHttuHaft) {
                    if httu == 3 {
                        self.set(Feat::Haft, Rule::AcpiHttuHaft, &why);
                    }
                    if httu >= 2 {
                        self.set(Feat::Hd, Rule::AcpiHttuHaft, &why);
                    }
                    if httu >= 1 {
                        self.set(Feat::Ha, Rule::AcpiHttuHaft, &why);
                    }
                } else if self.t.has(Rule::AcpiHttu) {
                    // No case for 3 in this kernel's switch.
                    if httu == 2 {
                        self.set(Feat::Hd, Rule::AcpiHttu, &why);
                    }
                    if httu == 1 || httu == 2 {
                        self.set(Feat::Ha, Rule::AcpiHttu, &why);
                    }
                }
                match self.o.iort_model {
                    1 => self.opt(Opt::SkipPrefetch, Rule::AcpiModel, "IORT model HiSilicon Hi161x"),
                    2 => self.opt(Opt::Page0RegsOnly, Rule::AcpiModel, "IORT model Cavium CN99xx"),
                    _ => {}
                }
                let m = self.opt_mask();
                self.msg("notice", format!("option mask {m:#x}"), Rule::AcpiOptionMask);
            }
        }
    }

    /// Returns the failure text when the probe fails.
    fn hw_probe(&mut self) -> Result<(Option<u32>, u32, [u32; 3], u32), String> {
        let mut ias: u32 = 0;
        // IDR0
        if self.rd(&idr0::ST_LEVEL) == 1 {
            self.set(Feat::TwoLvlStrtab, Rule::St2Lvl, "IDR0.ST_LEVEL == 1 (2-level Stream table)");
        }
        if self.rd(&idr0::CD2L) == 1 {
            self.set(Feat::TwoLvlCdtab, Rule::Cd2l, "IDR0.CD2L == 1");
        }
        match self.rd(&idr0::TTENDIAN) {
            0 => {
                self.set(Feat::TtLe, Rule::TtEndian, "IDR0.TTENDIAN == 0 (mixed)");
                self.set(Feat::TtBe, Rule::TtEndian, "IDR0.TTENDIAN == 0 (mixed)");
            }
            2 => self.set(
                Feat::TtLe,
                Rule::TtEndian,
                "IDR0.TTENDIAN == 2 (little-endian; an arm64 little-endian kernel)",
            ),
            v => {
                return self.fail(
                    "unknown/unsupported TT endianness!",
                    Rule::TtEndian,
                    &format!("IDR0.TTENDIAN == {v}: a little-endian kernel needs mixed or little-endian walks"),
                )
            }
        }
        if self.rd(&idr0::PRI) == 1 {
            self.set(Feat::Pri, Rule::Pri, "IDR0.PRI == 1 (CONFIG_PCI_PRI)");
        }
        if self.rd(&idr0::ATS) == 1 {
            self.set(Feat::Ats, Rule::Ats, "IDR0.ATS == 1 (CONFIG_PCI_ATS)");
        }
        if self.rd(&idr0::SEV) == 1 {
            self.set(Feat::Sev, Rule::Sev, "IDR0.SEV == 1");
        }
        if self.rd(&idr0::MSI) == 1 {
            self.set(Feat::Msi, Rule::Msi, "IDR0.MSI == 1");
            if self.has(Feat::Coherency) {
                self.opt(
                    Opt::Msipoll,
                    Rule::MsiPoll,
                    "MSI and a coherent SMMU: CMD_SYNC completion is polled through an MSI write",
                );
            }
        }
        if self.rd(&idr0::Hyp) == 1 {
            self.set(Feat::Hyp, Rule::Hyp, "IDR0.Hyp == 1");
            if self.o.vhe {
                self.set(Feat::E2h, Rule::E2h, "IDR0.Hyp == 1 and the kernel runs with VHE");
            }
        }
        let haft_rule = self.t.has(Rule::HttuHaft);
        if haft_rule || self.t.has(Rule::Httu) {
            let r = if haft_rule { Rule::HttuHaft } else { Rule::Httu };
            let httu = self.rd(&idr0::HTTU);
            let mut hw = BTreeSet::new();
            match httu {
                3 if haft_rule => {
                    hw.extend([Feat::Haft, Feat::Hd, Feat::Ha]);
                }
                2 => {
                    hw.extend([Feat::Hd, Feat::Ha]);
                }
                1 => {
                    hw.insert(Feat::Ha);
                }
                _ => {}
            }
            let scope: &[Feat] = if haft_rule { &[Feat::Ha, Feat::Hd, Feat::Haft] } else { &[Feat::Ha, Feat::Hd] };
            if self.o.firmware == FirmwareKind::Dt {
                for f in hw.clone() {
                    self.set(f, r, &format!("IDR0.HTTU == {httu}"));
                }
            } else {
                let fw: BTreeSet<Feat> = self.feats.iter().copied().filter(|f| scope.contains(f)).collect();
                if fw != hw {
                    let (h, f) = (self.mask_of(&hw), self.mask_of(&fw));
                    let text = format!("IDR0.HTTU features({h:#x}) overridden by FW configuration ({f:#x})");
                    self.step(r, format!("ACPI: the IORT HTTU override decides, not IDR0.HTTU == {httu}"));
                    self.msg("warn", text, r);
                }
            }
        }
        let cohacc = self.rd(&idr0::COHACC) == 1;
        let coherent = self.has(Feat::Coherency);
        if cohacc != coherent {
            self.msg("warn", format!("IDR0.COHACC overridden by FW configuration ({coherent})"), Rule::CohaccWarn);
            self.step(
                Rule::CohaccWarn,
                format!(
                    "firmware says {}coherent, IDR0.COHACC == {}: firmware wins",
                    if coherent { "" } else { "not " },
                    cohacc as u8
                ),
            );
        }
        match self.rd(&idr0::STALL_MODEL) {
            2 => {
                self.set(Feat::StallForce, Rule::StallModel, "IDR0.STALL_MODEL == 2 (stall forced)");
                self.set(Feat::Stalls, Rule::StallModel, "IDR0.STALL_MODEL == 2");
            }
            0 => self.set(Feat::Stalls, Rule::StallModel, "IDR0.STALL_MODEL == 0 (stall and terminate)"),
            _ => {}
        }
        let (s1, s2) = (self.rd(&idr0::S1P) == 1, self.rd(&idr0::S2P) == 1);
        if s1 {
            self.set(Feat::TransS1, Rule::S1p, "IDR0.S1P == 1");
        }
        if s2 {
            self.set(Feat::TransS2, Rule::S2p, "IDR0.S2P == 1");
        }
        if !s1 && !s2 {
            return self.fail("no translation support!", Rule::NoTranslation, "IDR0.S1P == 0 and IDR0.S2P == 0");
        }
        let ttf = self.rd(&idr0::TTF);
        if ttf & 2 == 0 {
            return self.fail(
                "AArch64 table format not supported!",
                Rule::TtfAarch64,
                &format!("IDR0.TTF == {ttf}: no VMSAv8-64 tables"),
            );
        }
        if ttf == 3 && self.t.has(Rule::TtfIas40) {
            ias = 40;
            self.step(Rule::TtfIas40, "ias = 40: IDR0.TTF == 3 (AArch32 and AArch64 tables)".into());
        }
        let asid_bits = if self.rd(&idr0::ASID16) == 1 { 16 } else { 8 };
        // IDR1
        if self.rd(&idr1::TABLES_PRESET) == 1 || self.rd(&idr1::QUEUES_PRESET) == 1 || self.rd(&idr1::REL) == 1 {
            return self.fail(
                "embedded implementation not supported",
                Rule::Embedded,
                "IDR1.TABLES_PRESET, QUEUES_PRESET or REL is 1",
            );
        }
        if self.rd(&idr1::ATTR_TYPES_OVR) == 1 {
            self.set(Feat::AttrTypesOvr, Rule::AttrTypesOvr, "IDR1.ATTR_TYPES_OVR == 1");
        }
        // Q_MAX_SZ_SHIFT = PAGE_SHIFT + CONFIG_CMA_ALIGNMENT (8 in Debian's arm64 config;
        // the QEMU captures' 65536-entry command queue shows 20 with 4KB pages).
        let qmax = self.o.cpu.page_size.trailing_zeros() + 8;
        let cmdq = (qmax - 4).min(self.rd(&idr1::CMDQS) as u32);
        if cmdq <= 6 {
            return self.fail(
                "command queue size <= 64 entries not supported",
                Rule::CmdqSize,
                &format!("log2 of the command queue size is {cmdq} (IDR1.CMDQS == {})", self.rd(&idr1::CMDQS)),
            );
        }
        self.step(
            Rule::CmdqSize,
            format!(
                "cmdq: 2^{cmdq} entries (IDR1.CMDQS {} capped at 2^{} by {}-byte natural alignment)",
                self.rd(&idr1::CMDQS),
                qmax - 4,
                1u64 << qmax
            ),
        );
        let evtq = (qmax - 5).min(self.rd(&idr1::EVENTQS) as u32);
        let priq = (qmax - 4).min(self.rd(&idr1::PRIQS) as u32);
        if self.rd(&idr1::SIDSIZE) <= 8 && self.has(Feat::TwoLvlStrtab) {
            self.clear(Feat::TwoLvlStrtab, Rule::SidLinear, "IDR1.SIDSIZE <= 8: a linear Stream table is used");
        }
        // IDR3
        if self.rd(&idr3::RIL) == 1 {
            self.set(Feat::RangeInv, Rule::Ril, "IDR3.RIL == 1");
        }
        if self.t.has(Rule::Fwb) && self.rd(&idr3::FWB) == 1 {
            self.set(Feat::S2fwb, Rule::Fwb, "IDR3.FWB == 1");
        }
        if self.t.has(Rule::Bbml2) && self.rd(&idr3::BBML) == 2 {
            self.set(Feat::Bbml2, Rule::Bbml2, "IDR3.BBML == 2");
        }
        // IDR5
        if self.t.has(Rule::Ds) && self.rd(&idr5::DS) == 1 {
            self.set(Feat::Ds, Rule::Ds, "IDR5.DS == 1");
        }
        if self.rd(&idr5::VAX) == 1 {
            self.set(Feat::Vax, Rule::Vax, "IDR5.VAX == 1 (52-bit VA)");
        }
        let oas = match self.rd(&idr5::OAS) {
            0 => 32,
            1 => 36,
            2 => 40,
            3 => 42,
            4 => 44,
            6 => 52,
            5 => 48,
            v => {
                self.msg("info", "unknown output address size. Truncating to 48-bit".into(), Rule::Oas);
                self.step(Rule::Oas, format!("IDR5.OAS == {v} is not one this kernel knows: oas 48"));
                48
            }
        };
        let ias = if self.t.has(Rule::IasMaxOas) {
            let v = ias.max(oas);
            self.step(Rule::IasMaxOas, format!("ias = max({ias}, oas {oas}) = {v}"));
            Some(v)
        } else {
            None
        };
        if self.has(Feat::TransS1) && self.has(Feat::TransS2) {
            self.set(Feat::Nesting, Rule::Nesting, "TRANS_S1 and TRANS_S2");
        }
        Ok((ias, oas, [cmdq, evtq, priq], asid_bits))
    }

    fn fail<T>(&mut self, text: &str, r: Rule, why: &str) -> Result<T, String> {
        self.msg("err", text.to_string(), r);
        self.step(r, format!("probe fails: {why}"));
        Err(text.to_string())
    }

    fn iidr(&mut self) {
        let Some(imp) = self.regs.read(&iidr::Implementer) else {
            self.assumptions
                .push("IIDR not given: no IIDR errata checked (arm_smmu_device_iidr_probe reads it)".into());
            return;
        };
        let pid = self.rd(&iidr::ProductID);
        let (var, rev) = (self.rd(&iidr::Variant), self.rd(&iidr::Revision));
        if imp != 0x43b {
            return;
        }
        let Some(name) = product(pid) else { return };
        let prod = format!("{name} r{var}p{rev}");
        match pid {
            0x483 => {
                if self.t.has(Rule::Mmu600Sev) && var == 0 && rev <= 2 {
                    self.apply(&prod, "1076982", Rule::Mmu600Sev, &[Feat::Sev], &[]);
                }
                if self.t.has(Rule::Mmu600Nesting) && var < 2 {
                    self.apply(&prod, "1209401", Rule::Mmu600Nesting, &[Feat::Nesting], &[]);
                }
            }
            0x487 => {
                if self.t.has(Rule::Mmu700) {
                    self.apply(&prod, "2812531", Rule::Mmu700, &[Feat::Btm], &[Opt::CmdqForceSync]);
                    self.apply(&prod, "2268618, 2812531", Rule::Mmu700, &[Feat::Nesting], &[]);
                } else if self.t.has(Rule::Mmu700BeforeR1p1) {
                    self.apply(
                        &prod,
                        "unnumbered (the kernel says \"Many errata...\")",
                        Rule::Mmu700BeforeR1p1,
                        &[Feat::Btm],
                        &[],
                    );
                    if var < 1 || rev < 1 {
                        self.apply(&prod, "2812531", Rule::Mmu700BeforeR1p1, &[], &[Opt::CmdqForceSync]);
                        self.apply(&prod, "2268618, 2812531", Rule::Mmu700BeforeR1p1, &[Feat::Nesting], &[]);
                    }
                }
            }
            0x48a | 0x498 if self.t.has(Rule::MmuL1S3Btm) => {
                self.apply(&prod, "3878312/3995052", Rule::MmuL1S3Btm, &[Feat::Btm], &[]);
            }
            _ => {}
        }
    }

    fn apply(&mut self, prod: &str, erratum: &'static str, r: Rule, clears: &[Feat], sets: &[Opt]) {
        let mut cleared = Vec::new();
        for f in clears {
            if self.clear(*f, r, &format!("erratum {erratum} ({prod})")) {
                cleared.push(f.name());
            }
        }
        for o in sets {
            self.opt(*o, r, &format!("erratum {erratum} ({prod})"));
        }
        let at = self.at(r);
        self.errata.push(Erratum {
            erratum,
            product: prod.to_string(),
            clears: clears.iter().map(|f| f.name()).collect(),
            sets: sets.iter().map(|o| o.name()).collect(),
            cleared,
            at,
        });
    }

    fn sva(&mut self, oas: u32, asid_bits: u32) -> Answer {
        let no = |reason: String| Answer { available: false, reason };
        if self.o.sva == SvaMode::Off {
            return no("--sva off: the kernel is built without CONFIG_ARM_SMMU_V3_SVA".into());
        }
        let new = self.t.has(Rule::SvaLpa2Bbml3Haft);
        let r = if new { Rule::SvaLpa2Bbml3Haft } else { Rule::Sva };
        let cpu = self.o.cpu;
        let mut need = vec![Feat::Coherency];
        if cpu.va_bits == 52 {
            if new && cpu.page_size != 65536 {
                return no(format!(
                    "52-bit VA with {}KB pages (LPA2) is not supported for SVA ({})",
                    cpu.page_size / 1024,
                    self.at(r)
                ));
            }
            need.push(Feat::Vax);
        }
        if new && cpu.bbml3 {
            need.push(Feat::Bbml2);
        }
        if new && cpu.haft {
            need.push(Feat::Haft);
        }
        let missing: Vec<&str> = need.iter().filter(|f| !self.has(**f)).map(|f| f.name()).collect();
        if !missing.is_empty() {
            return no(format!("needs {} ({})", missing.join(", "), self.at(r)));
        }
        let gran = match cpu.page_size {
            65536 => self.rd(&idr5::GRAN64K),
            16384 => self.rd(&idr5::GRAN16K),
            _ => self.rd(&idr5::GRAN4K),
        };
        if gran == 0 {
            return no(format!("the SMMU lacks the CPU's {}KB page granule ({})", cpu.page_size / 1024, self.at(r)));
        }
        if oas < cpu.pa_bits {
            return no(format!(
                "SMMU oas {oas} bits < the CPUs' {}-bit PARange ({}); pass --cpu-pa-bits if the CPUs differ",
                cpu.pa_bits,
                self.at(r)
            ));
        }
        if asid_bits < cpu.asid_bits {
            return no(format!("SMMU has {asid_bits}-bit ASIDs, the CPUs {} ({})", cpu.asid_bits, self.at(r)));
        }
        self.set(
            Feat::Sva,
            r,
            "arm_smmu_sva_supported(): coherent, the CPU page granule, oas and ASID bits fit the CPUs",
        );
        Answer {
            available: true,
            reason: format!(
                "coherent SMMU, {}KB granule, oas {oas} >= CPU PA {}, {asid_bits}-bit ASIDs ({})",
                cpu.page_size / 1024,
                cpu.pa_bits,
                self.at(r)
            ),
        }
    }
}

/// Runs `t`'s probe over `regs`. `Err` when a register the probe reads is not in the set.
pub fn run(t: &'static KernelTable, regs: &RegisterSet, o: &ProbeOptions) -> Result<LinuxProbe, String> {
    let missing: Vec<&str> = REQUIRED.iter().filter(|(_, f)| regs.read(f).is_none()).map(|(n, _)| *n).collect();
    if !missing.is_empty() {
        return Err(format!(
            "Linux's probe reads IDR0, IDR1, IDR3, IDR5 and IIDR; {} not in the input",
            missing.join(", ")
        ));
    }
    let mut r = Run {
        t,
        o,
        regs,
        feats: BTreeSet::new(),
        opts: BTreeSet::new(),
        messages: Vec::new(),
        trace: Vec::new(),
        errata: Vec::new(),
        assumptions: Vec::new(),
        cleared_by: Vec::new(),
    };
    if o.firmware == FirmwareKind::Acpi && !o.dt_properties.is_empty() {
        r.assumptions.push("DT properties ignored: the firmware is ACPI".into());
    }
    if o.firmware == FirmwareKind::Dt && (o.iort_httu.is_some() || o.iort_model != 0) {
        r.assumptions.push("IORT HTTU override / model ignored: the firmware is DT (pass --fw acpi)".into());
    }
    r.firmware();
    let hw = r.hw_probe();
    let kdoc = t
        .kdoc
        .map(|k| KdocList { fields: k.fields.iter().map(|f| format!("{}.{}", f.layout, f.name)).collect(), at: k.at });
    let (ias, oas, shifts, asid_bits) = match hw {
        Ok(v) => v,
        Err(text) => {
            let mask = r.mask_of(&r.feats);
            let reason = format!("the probe fails ({text}): Linux does not use this SMMU");
            return Ok(LinuxProbe {
                kernel: t.name(),
                source: t.source,
                derived: t.derived,
                firmware: o.firmware.name(),
                features: None,
                feature_names: Vec::new(),
                ias: None,
                oas: None,
                banner: None,
                queues: Vec::new(),
                options: Vec::new(),
                options_mask: format!("{:#x}", r.opt_mask()),
                errata: Vec::new(),
                warnings: r.messages.iter().filter(|m| m.level == "warn").map(|m| m.text.clone()).collect(),
                messages: r.messages,
                probe_fails: Some(text),
                nesting: Answer { available: false, reason: reason.clone() },
                viommu: Answer { available: false, reason: reason.clone() },
                sva: Answer { available: false, reason },
                kdoc,
                trace: r.trace,
                assumptions: r.assumptions,
                differs: Vec::new(),
                feature_set: BTreeSet::new(),
                mask,
            });
        }
    };
    r.iidr();
    let sva = r.sva(oas, asid_bits);
    let mask = r.mask_of(&r.feats);
    let banner = if t.has(Rule::BannerOas) {
        format!("oas {oas}-bit (features {mask:#010x})")
    } else {
        format!("ias {}-bit, oas {oas}-bit (features {mask:#010x})", ias.unwrap_or(oas))
    };
    let br = if t.has(Rule::BannerOas) { Rule::BannerOas } else { Rule::BannerIasOas };
    r.msg("info", banner.clone(), br);
    let mut queues = Vec::new();
    for (name, shift) in [("cmdq", shifts[0]), ("evtq", shifts[1]), ("priq", shifts[2])] {
        if name == "priq" && !r.has(Feat::Pri) {
            r.step(Rule::PriqOnlyWithPri, "no PRI queue: PRI not set".into());
            continue;
        }
        let entries = 1u64 << shift;
        let message = format!("allocated {entries} entries for {name}");
        r.msg("info", message.clone(), Rule::QueueAlloc);
        queues.push(Queue { queue: name, entries, message });
    }
    let nesting = if r.has(Feat::Nesting) {
        Answer {
            available: true,
            reason: format!("ARM_SMMU_FEAT_NESTING set: the SMMU has stage 1 and stage 2 ({})", r.at(Rule::Nesting)),
        }
    } else if let Some((_, why)) = r.cleared_by.iter().find(|(f, _)| *f == Feat::Nesting) {
        Answer { available: false, reason: format!("Linux {} clears ARM_SMMU_FEAT_NESTING: {why}", t.name()) }
    } else {
        Answer {
            available: false,
            reason: format!(
                "ARM_SMMU_FEAT_NESTING not set: it needs stage 1 and stage 2 (IDR0.S1P {}, IDR0.S2P {})",
                r.rd(&idr0::S1P),
                r.rd(&idr0::S2P)
            ),
        }
    };
    let viommu = if t.kdoc.is_none() {
        Answer {
            available: false,
            reason: format!("Linux {} has no SMMUv3 vIOMMU: its include/uapi/linux/iommufd.h has no struct iommu_hw_info_arm_smmuv3", t.name()),
        }
    } else if !nesting.available {
        Answer {
            available: false,
            reason: format!(
                "IOMMU_VIOMMU_ALLOC fails: arm_smmu_get_viommu_size() returns 0 without ARM_SMMU_FEAT_NESTING ({}); {}",
                r.at(Rule::ViommuNesting),
                nesting.reason
            ),
        }
    } else if r.opts.contains(&Opt::CmdqForceSync) {
        Answer {
            available: false,
            reason: format!("IOMMU_VIOMMU_ALLOC fails: CMDQ_FORCE_SYNC is set ({})", r.at(Rule::ViommuForceSync)),
        }
    } else if o.canwbs == Some(false) && !r.has(Feat::S2fwb) {
        Answer {
            available: false,
            reason: format!(
                "IOMMU_VIOMMU_ALLOC fails: the device is not CANWBS and the SMMU has no S2FWB ({})",
                r.at(Rule::ViommuCanwbs)
            ),
        }
    } else {
        let cond = match (o.canwbs, r.has(Feat::S2fwb)) {
            (_, true) => "the SMMU has S2FWB".to_string(),
            (Some(true), _) => "the device is CANWBS".to_string(),
            _ => format!(
                "provided the device is CANWBS (IORT memory access flags; the SMMU has no S2FWB, {})",
                r.at(Rule::ViommuCanwbs)
            ),
        };
        Answer { available: true, reason: format!("ARM_SMMU_FEAT_NESTING set, no CMDQ_FORCE_SYNC; {cond}") }
    };
    let feature_names = r.feats.iter().filter(|f| t.bit(**f).is_some()).map(|f| f.name()).collect::<Vec<_>>();
    let mut feature_names = feature_names;
    feature_names.sort_by_key(|n| t.features().position(|(f, _)| f.name() == *n));
    let options = r.opts.iter().map(|o| o.name()).collect();
    Ok(LinuxProbe {
        kernel: t.name(),
        source: t.source,
        derived: t.derived,
        firmware: o.firmware.name(),
        features: Some(format!("{mask:#010x}")),
        feature_names,
        ias,
        oas: Some(oas),
        banner: Some(banner),
        queues,
        options,
        options_mask: format!("{:#x}", r.opt_mask()),
        errata: r.errata.clone(),
        warnings: r.messages.iter().filter(|m| m.level == "warn").map(|m| m.text.clone()).collect(),
        messages: r.messages.clone(),
        probe_fails: None,
        nesting,
        viommu,
        sva,
        kdoc,
        trace: r.trace.clone(),
        assumptions: r.assumptions.clone(),
        differs: Vec::new(),
        feature_set: r.feats.clone(),
        mask,
    })
}

impl LinuxProbe {
    /// The `Linux VER would print` heading.
    pub fn heading(&self) -> String {
        format!("Linux {} would print ({}, {})", self.kernel, self.firmware.to_ascii_uppercase(), self.source)
    }

    /// The answer as text lines, the same in every frontend: the messages the driver prints
    /// (indented), then the features, options, errata, nesting/vIOMMU/SVA and assumptions.
    pub fn text_lines(&self) -> Vec<String> {
        let mut v = vec![format!("{}:", self.heading())];
        for m in &self.messages {
            let tag = match m.level {
                "warn" => "warning: ",
                "err" => "error: ",
                _ => "",
            };
            v.push(format!("  {tag}{}", m.text));
        }
        if let Some(f) = &self.probe_fails {
            v.push(format!("probe fails: {f} (the SMMU is not used)"));
        }
        if let Some(f) = &self.features {
            v.push(format!("features {f}: {}", self.feature_names.join(" ")));
        }
        if !self.options.is_empty() {
            v.push(format!("options {}: {}", self.options_mask, self.options.join(" ")));
        }
        for e in &self.errata {
            let mut what = Vec::new();
            if !e.clears.is_empty() {
                what.push(format!("clears {}", e.clears.join(", ")));
            }
            if !e.sets.is_empty() {
                what.push(format!("sets {}", e.sets.join(", ")));
            }
            v.push(format!("erratum {} ({}): {} [{}]", e.erratum, e.product, what.join("; "), e.at));
        }
        let yn = |a: &Answer| if a.available { "yes" } else { "no" };
        if self.probe_fails.is_none() {
            v.push(format!("nesting: {}: {}", yn(&self.nesting), self.nesting.reason));
            v.push(format!("vIOMMU (IOMMU_VIOMMU_ALLOC): {}: {}", yn(&self.viommu), self.viommu.reason));
            v.push(format!("SVA: {}: {}", yn(&self.sva), self.sva.reason));
        }
        for a in &self.assumptions {
            v.push(format!("assumed: {a}"));
        }
        if let Some(d) = &self.derived {
            v.push(format!("note: {d}"));
        }
        for d in &self.differs {
            let what = match (&d.probe_fails, &d.banner) {
                (Some(f), _) => format!("probe fails: {f}"),
                (None, Some(b)) => b.clone(),
                _ => String::new(),
            };
            let ch = if d.feature_changes.is_empty() {
                String::new()
            } else {
                format!(" ({})", d.feature_changes.join(", "))
            };
            v.push(format!("Linux {} differs: {what}{ch}", d.kernel));
        }
        v
    }

    /// The one-line form for an overview: `Linux 7.3 would print: oas 44-bit (...)`.
    pub fn one_line(&self) -> String {
        match (&self.probe_fails, &self.banner) {
            (Some(f), _) => format!("Linux {} would fail the probe: {f}", self.kernel),
            (None, Some(b)) => format!("Linux {} would print: {b}", self.kernel),
            _ => format!("Linux {}: no banner", self.kernel),
        }
    }
}
