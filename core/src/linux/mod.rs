//! What Linux's `arm-smmu-v3` driver makes of an SMMU, per kernel version: a model of
//! `arm_smmu_device_probe()` (the DT or ACPI firmware probe, `arm_smmu_device_hw_probe()`,
//! the IIDR errata of `arm_smmu_device_iidr_probe()`, `arm_smmu_sva_supported()`, the queue
//! allocation) and of the iommufd vIOMMU checks, from the ID registers.
//!
//! # API
//! ```
//! use smmu_core::linux::{self, ProbeOptions};
//! use smmu_core::regset::{Origin, RegisterSet};
//! let mut regs = RegisterSet::new();
//! for (n, v) in [("IDR0", 0x0d44101a), ("IDR1", 0x02730010), ("IDR3", 0x1404), ("IDR5", 0x74), ("IIDR", 0)] {
//!     regs.insert_named(n, v, Origin::default());
//! }
//! let p = linux::probe(&regs, &"kernel=7.3".parse::<ProbeOptions>().unwrap()).unwrap();
//! assert_eq!(p.banner.as_deref(), Some("oas 44-bit (features 0x01008305)"));
//! ```
//! - [`probe`] runs one kernel's table ([`ProbeOptions::kernel`], default the newest) and,
//!   without a kernel, lists the modelled kernels whose answer differs.
//! - [`TABLES`] holds one [`KernelTable`] per modelled version (6.1, 6.6, 6.12, 7.3): which
//!   rules that kernel has, each with `file:line` in its tree, and its uAPI allow-list.
//! - [`check_banner`] compares a printed banner with the registers of the same boot and names
//!   what firmware or errata changed.
//!
//! Facts only (conditions, bit numbers, message texts) from the kernel trees; no code.

mod model;
mod options;
pub mod output;
mod probe;
mod v6_1;
mod v6_12;
mod v6_6;
mod v7_3;

pub use model::{Feat, Kdoc, KernelTable, Opt, Rule};
pub use options::{Cpu, FirmwareKind, ProbeOptions, SvaMode};
pub use probe::{Answer, Differs, Erratum, KdocList, LinuxProbe, Message, Queue, Step};

use crate::klog::features::KernelVersion;
use crate::regs::idr::{idr0, idr5};
use crate::regset::RegisterSet;
use serde::Serialize;

/// The modelled kernels, oldest first.
pub static TABLES: &[&KernelTable] = &[&v6_1::TABLE, &v6_6::TABLE, &v6_12::TABLE, &v7_3::TABLE];

/// The newest modelled kernel.
pub fn newest() -> &'static KernelTable {
    TABLES[TABLES.len() - 1]
}

/// The modelled versions, `6.1, 6.6, 6.12, 7.3`.
pub fn modelled() -> String {
    TABLES.iter().map(|t| t.name()).collect::<Vec<_>>().join(", ")
}

/// The table of exactly version `v` (major.minor).
pub fn table(v: KernelVersion) -> Result<&'static KernelTable, String> {
    TABLES
        .iter()
        .copied()
        .find(|t| t.version == v)
        .ok_or_else(|| format!("Linux {v} is not modelled (modelled: {})", modelled()))
}

/// The newest modelled table not newer than `v` (for a log of an unmodelled kernel), and
/// whether it is exact.
pub fn nearest(v: KernelVersion) -> (&'static KernelTable, bool) {
    match table(v) {
        Ok(t) => (t, true),
        Err(_) => (TABLES.iter().rev().copied().find(|t| t.version <= v).unwrap_or(TABLES[0]), false),
    }
}

/// Runs the probe of `o.kernel` (default: the newest modelled kernel) over `regs`. Without
/// a kernel, [`LinuxProbe::differs`] lists the other modelled kernels whose banner, failure
/// or warnings differ. `Err`: the kernel is not modelled, or a register the probe reads is
/// missing.
pub fn probe(regs: &RegisterSet, o: &ProbeOptions) -> Result<LinuxProbe, String> {
    match o.kernel {
        Some(v) => probe::run(table(v)?, regs, o),
        None => {
            let mut p = probe::run(newest(), regs, o)?;
            for t in TABLES.iter().rev().skip(1) {
                let q = probe::run(t, regs, o)?;
                if q.banner != p.banner || q.probe_fails != p.probe_fails || q.warnings != p.warnings {
                    let mut changes = Vec::new();
                    for f in p.feature_set.symmetric_difference(&q.feature_set) {
                        if p.feature_set.contains(f) {
                            changes.push(format!("{} only in {}", f.name(), p.kernel));
                        } else {
                            changes.push(format!("{} only in {}", f.name(), q.kernel));
                        }
                    }
                    p.differs.push(Differs {
                        kernel: q.kernel.clone(),
                        features: q.features.clone(),
                        banner: q.banner.clone(),
                        probe_fails: q.probe_fails.clone(),
                        warnings: q.warnings.clone(),
                        feature_changes: changes,
                    });
                }
            }
            Ok(p)
        }
    }
}

/// A printed probe banner compared with the registers of the same boot.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BannerCheck {
    /// The kernel whose rules were used, and why that one.
    pub kernel: String,
    pub kernel_note: String,
    pub printed: String,
    /// The banner the model gives with the firmware and CPU facts inferred from the banner.
    pub expected: Option<String>,
    pub agrees: bool,
    /// What firmware, errata or the CPU changed relative to the ID registers alone.
    pub explanations: Vec<String>,
    /// Bits the model cannot explain.
    pub unexplained: Vec<String>,
}

/// Compares a banner (`mask`, `oas`, `ias` as printed by kernel `v`) with `regs`.
/// `acpi`: the log shows the ACPI probe (`option mask` notice).
pub fn check_banner(
    regs: &RegisterSet,
    v: KernelVersion,
    acpi: bool,
    mask: u32,
    oas: Option<u32>,
    ias: Option<u32>,
) -> Result<BannerCheck, String> {
    let (t, exact) = nearest(v);
    let kernel_note = if exact {
        format!("Linux {}'s rules ({})", t.name(), t.source)
    } else {
        format!("Linux {v} is not modelled: the rules of {}, the nearest older modelled kernel", t.name())
    };
    let printed = match (ias, oas) {
        (Some(i), Some(o)) => format!("ias {i}-bit, oas {o}-bit (features {mask:#010x})"),
        (None, Some(o)) => format!("oas {o}-bit (features {mask:#010x})"),
        _ => format!("(features {mask:#010x})"),
    };
    let has = |f: Feat| t.bit(f).is_some_and(|b| mask & (1u32 << b) != 0);
    // Infer the facts the registers do not hold from the banner itself.
    let mut o = ProbeOptions {
        kernel: Some(t.version),
        firmware: if acpi { FirmwareKind::Acpi } else { FirmwareKind::Dt },
        coherent: Some(has(Feat::Coherency)),
        vhe: has(Feat::E2h),
        ..Default::default()
    };
    if acpi {
        o.iort_httu = Some(if has(Feat::Haft) {
            3
        } else if has(Feat::Hd) {
            2
        } else if has(Feat::Ha) {
            1
        } else {
            0
        });
    }
    let oas_bits = oas.unwrap_or(48);
    if has(Feat::Sva) {
        // SVA was granted: the CPUs' PA size is at most the SMMU's.
        o.cpu.pa_bits = o.cpu.pa_bits.min(oas_bits);
    }
    let p = probe::run(t, regs, &o)?;
    let mut explanations = Vec::new();
    let cohacc = regs.read(&idr0::COHACC).unwrap_or(0);
    let fw = if acpi { "the IORT COHACC override" } else { "the DT" };
    if has(Feat::Coherency) && cohacc == 0 {
        explanations.push(format!(
            "COHERENCY set although IDR0.COHACC=0: {fw} says {}",
            if acpi { "coherent" } else { "dma-coherent" }
        ));
    } else if !has(Feat::Coherency) && cohacc == 1 {
        explanations.push(format!(
            "COHERENCY not set although IDR0.COHACC=1: {} (Linux prints \"IDR0.COHACC overridden by FW configuration (false)\")",
            if acpi { "the IORT node has no COHACC override" } else { "the DT node is not dma-coherent" }
        ));
    }
    for e in &p.errata {
        for c in &e.cleared {
            explanations.push(format!("{c} cleared by erratum {} ({})", e.erratum, e.product));
        }
    }
    if has(Feat::E2h) {
        explanations.push("E2H set: the kernel runs at EL2 with VHE".into());
    }
    if acpi && (t.has(Rule::AcpiHttu) || t.has(Rule::AcpiHttuHaft)) {
        let hw = regs.read(&idr0::HTTU).unwrap_or(0);
        if o.iort_httu != Some(hw as u8) {
            explanations.push(format!(
                "HA/HD{} from the IORT HTTU override ({}), not IDR0.HTTU ({hw})",
                if t.has(Rule::AcpiHttuHaft) { "/HAFT" } else { "" },
                o.iort_httu.unwrap_or(0)
            ));
        }
    }
    if regs.read(&idr0::ST_LEVEL) == Some(1) && !has(Feat::TwoLvlStrtab) && p.feature_set.contains(&Feat::TwoLvlStrtab)
    {
        // Left to the comparison below.
    } else if regs.read(&idr0::ST_LEVEL) == Some(1) && !has(Feat::TwoLvlStrtab) {
        explanations.push(
            "2_LVL_STRTAB not set although IDR0.ST_LEVEL=1: IDR1.SIDSIZE <= 8, so Linux uses a linear Stream table"
                .into(),
        );
    }
    if has(Feat::Sva) {
        explanations.push(format!(
            "SVA set: the CPUs' PA size is at most oas {oas_bits} and they share the SMMU's page granule and ASID size"
        ));
    } else if p.feature_set.contains(&Feat::Coherency) && regs.read(&idr5::OAS).is_some() {
        explanations.push(format!("SVA not set: {} (or the kernel lacks CONFIG_ARM_SMMU_V3_SVA)", p.sva.reason));
    }
    let mut unexplained = Vec::new();
    let model_mask = p.mask;
    for bit in 0u8..32 {
        let (m, b) = (model_mask & (1u32 << bit) != 0, mask & (1u32 << bit) != 0);
        if m == b {
            continue;
        }
        let name = t.feat_at(bit).map(|f| f.name().to_string()).unwrap_or_else(|| format!("bit {bit}"));
        if b {
            unexplained
                .push(format!("{name} is printed but the registers and Linux {}'s rules do not give it", t.name()));
        } else {
            unexplained
                .push(format!("{name} follows from the registers under Linux {}'s rules but is not printed", t.name()));
        }
    }
    if let (Some(po), Some(mo)) = (oas, p.oas) {
        if po != mo {
            unexplained.push(format!("oas {po}-bit printed, IDR5.OAS gives {mo}-bit"));
        }
    }
    if let (Some(pi), Some(mi)) = (ias, p.ias) {
        if pi != mi {
            unexplained.push(format!("ias {pi}-bit printed, the registers give {mi}-bit"));
        }
    }
    if let Some(f) = &p.probe_fails {
        unexplained.push(format!("the model says this kernel's probe fails ({f}), yet it printed a banner"));
    }
    Ok(BannerCheck {
        kernel: t.name(),
        kernel_note,
        printed,
        expected: p.banner.clone(),
        agrees: unexplained.is_empty(),
        explanations,
        unexplained,
    })
}

/// The uAPI `struct iommu_hw_info_arm_smmuv3` allow-list of kernel `v`, and where it was
/// read; `None` for kernels without the SMMUv3 vIOMMU. Kernels between 6.13 and 7.2 are not
/// modelled: they get the list without DS that an earlier mainline tree has.
pub fn kdoc_for(v: KernelVersion) -> Option<KdocList> {
    if let Ok(t) = table(v) {
        return t.kdoc.map(|k| KdocList {
            fields: k.fields.iter().map(|f| format!("{}.{}", f.layout, f.name)).collect(),
            at: k.at,
        });
    }
    if v < KernelVersion::new(6, 13) {
        return None;
    }
    let newest = newest();
    if v >= newest.version {
        return newest.kdoc.map(|k| KdocList {
            fields: k.fields.iter().map(|f| format!("{}.{}", f.layout, f.name)).collect(),
            at: k.at,
        });
    }
    Some(KdocList {
        fields: EARLIER_KDOC.iter().map(|f| format!("{}.{}", f.layout, f.name)).collect(),
        at: "include/uapi/linux/iommufd.h (a mainline tree between 6.13 and 7.3, no tag; idr[5] without DS)",
    })
}

use crate::regs::idr::{idr1, idr3};
/// The uAPI kdoc allow-list of `struct iommu_hw_info_arm_smmuv3` before DS was added.
pub(crate) static EARLIER_KDOC: &[&crate::model::FieldDef] = &[
    &idr0::ST_LEVEL,
    &idr0::TERM_MODEL,
    &idr0::STALL_MODEL,
    &idr0::TTENDIAN,
    &idr0::CD2L,
    &idr0::ASID16,
    &idr0::TTF,
    &idr1::SIDSIZE,
    &idr1::SSIDSIZE,
    &idr3::BBML,
    &idr3::RIL,
    &idr5::VAX,
    &idr5::GRAN64K,
    &idr5::GRAN16K,
    &idr5::GRAN4K,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_names_features_the_kernel_has() {
        for t in TABLES {
            // The banner rule is exactly one of the two.
            assert!(t.has(Rule::BannerOas) ^ t.has(Rule::BannerIasOas), "{}", t.name());
            for (r, at) in t.rules {
                assert!(!at.is_empty(), "{} {r:?}: no source line", t.name());
            }
            if t.has(Rule::HttuHaft) || t.has(Rule::AcpiHttuHaft) {
                assert!(t.bit(Feat::Haft).is_some(), "{}: HAFT rule without the HAFT bit", t.name());
            }
            if t.has(Rule::Httu) || t.has(Rule::AcpiHttu) {
                assert!(t.bit(Feat::Ha).is_some() && t.bit(Feat::Hd).is_some(), "{}", t.name());
            }
            for (r, f) in [
                (Rule::Fwb, Feat::S2fwb),
                (Rule::Bbml2, Feat::Bbml2),
                (Rule::Ds, Feat::Ds),
                (Rule::AttrTypesOvr, Feat::AttrTypesOvr),
                (Rule::Nesting, Feat::Nesting),
            ] {
                assert_eq!(t.has(r), t.bit(f).is_some(), "{} {r:?} vs bit {f:?}", t.name());
            }
        }
    }

    #[test]
    fn version_lookup() {
        assert_eq!(table(KernelVersion::new(7, 3)).map(|t| t.name()), Ok("7.3".to_string()));
        assert!(table(KernelVersion::new(7, 0)).is_err());
        assert!(table(KernelVersion::new(6, 13)).is_err());
        assert_eq!(nearest(KernelVersion::new(6, 16)).0.name(), "6.12");
    }
}
