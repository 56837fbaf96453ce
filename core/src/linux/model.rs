//! The vocabulary of the probe model: Linux's feature and option bits, the rules of its
//! probe, and one [`KernelTable`] per kernel version saying which rules that kernel has,
//! where in its source each one is, and how it numbers the bits.

use crate::klog::features::{KernelVersion, FEATURES, OPTIONS};
use crate::model::FieldDef;
use serde::Serialize;

/// A bit of Linux's `smmu->features` (`ARM_SMMU_FEAT_*` in arm-smmu-v3.h). Its number
/// depends on the kernel version: see [`KernelTable::features`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Feat {
    TwoLvlStrtab,
    TwoLvlCdtab,
    TtLe,
    TtBe,
    Pri,
    Ats,
    Sev,
    Msi,
    Coherency,
    TransS1,
    TransS2,
    Stalls,
    Hyp,
    StallForce,
    Vax,
    RangeInv,
    Btm,
    Sva,
    E2h,
    Nesting,
    AttrTypesOvr,
    Ha,
    Hd,
    S2fwb,
    Bbml2,
    Haft,
    Ds,
}

impl Feat {
    /// The name without `ARM_SMMU_FEAT_`, as Linux spells it.
    pub fn name(self) -> &'static str {
        match self {
            Feat::TwoLvlStrtab => "2_LVL_STRTAB",
            Feat::TwoLvlCdtab => "2_LVL_CDTAB",
            Feat::TtLe => "TT_LE",
            Feat::TtBe => "TT_BE",
            Feat::Pri => "PRI",
            Feat::Ats => "ATS",
            Feat::Sev => "SEV",
            Feat::Msi => "MSI",
            Feat::Coherency => "COHERENCY",
            Feat::TransS1 => "TRANS_S1",
            Feat::TransS2 => "TRANS_S2",
            Feat::Stalls => "STALLS",
            Feat::Hyp => "HYP",
            Feat::StallForce => "STALL_FORCE",
            Feat::Vax => "VAX",
            Feat::RangeInv => "RANGE_INV",
            Feat::Btm => "BTM",
            Feat::Sva => "SVA",
            Feat::E2h => "E2H",
            Feat::Nesting => "NESTING",
            Feat::AttrTypesOvr => "ATTR_TYPES_OVR",
            Feat::Ha => "HA",
            Feat::Hd => "HD",
            Feat::S2fwb => "S2FWB",
            Feat::Bbml2 => "BBML2",
            Feat::Haft => "HAFT",
            Feat::Ds => "DS",
        }
    }
}

/// A bit of Linux's `smmu->options` (`ARM_SMMU_OPT_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Opt {
    SkipPrefetch,
    Page0RegsOnly,
    Msipoll,
    CmdqForceSync,
    Tegra241Cmdqv,
}

impl Opt {
    pub fn name(self) -> &'static str {
        match self {
            Opt::SkipPrefetch => "SKIP_PREFETCH",
            Opt::Page0RegsOnly => "PAGE0_REGS_ONLY",
            Opt::Msipoll => "MSIPOLL",
            Opt::CmdqForceSync => "CMDQ_FORCE_SYNC",
            Opt::Tegra241Cmdqv => "TEGRA241_CMDQV",
        }
    }
}

/// One rule of the probe. A kernel version has a rule when its [`KernelTable::rules`]
/// lists it (with the source line); a rule that changed meaning between versions is two
/// rules (`Httu` / `HttuHaft`, `Mmu700` / `Mmu700BeforeR1p1`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Rule {
    // --- firmware probe (arm_smmu_device_dt_probe / arm_smmu_device_acpi_probe)
    /// DT `dma-coherent` sets COHERENCY.
    DtCoherent,
    /// DT quirk properties set options (parse_driver_options).
    DtOptions,
    /// IORT SMMUv3 node flag COHACC_OVERRIDE sets COHERENCY.
    AcpiCohacc,
    /// IORT HTTU_OVERRIDE: 1 sets HA, 2 sets HA and HD.
    AcpiHttu,
    /// IORT HTTU_OVERRIDE: 1 HA, 2 HA+HD, 3 HA+HD+HAFT.
    AcpiHttuHaft,
    /// IORT model sets options (CN99xx PAGE0_REGS_ONLY, Hi161x SKIP_PREFETCH).
    AcpiModel,
    /// `option mask 0x%x` notice after the IORT model.
    AcpiOptionMask,
    // --- arm_smmu_device_hw_probe, IDR0
    St2Lvl,
    Cd2l,
    TtEndian,
    Pri,
    Ats,
    Sev,
    Msi,
    MsiPoll,
    Hyp,
    E2h,
    /// arm_smmu_get_httu: IDR0.HTTU 1 HA, 2 HA+HD (DT sets them; ACPI warns on mismatch).
    Httu,
    /// As Httu, and 3 also HAFT.
    HttuHaft,
    CohaccWarn,
    StallModel,
    S1p,
    S2p,
    NoTranslation,
    TtfAarch64,
    /// IDR0.TTF == AArch32+AArch64 sets ias to 40.
    TtfIas40,
    // --- IDR1
    Embedded,
    AttrTypesOvr,
    CmdqSize,
    EvtqSize,
    PriqSize,
    SidLinear,
    // --- IDR3
    Ril,
    Fwb,
    Bbml2,
    // --- IDR5
    Ds,
    Vax,
    Oas,
    /// ias = max(ias, oas).
    IasMaxOas,
    Nesting,
    // --- arm_smmu_device_iidr_probe
    Mmu600Sev,
    Mmu600Nesting,
    /// MMU-700, any revision: BTM cleared, CMDQ_FORCE_SYNC, NESTING cleared.
    Mmu700,
    /// MMU-700: BTM cleared; CMDQ_FORCE_SYNC and NESTING cleared only before r1p1.
    Mmu700BeforeR1p1,
    /// MMU-L1 / MMU-S3: BTM cleared.
    MmuL1S3Btm,
    // --- arm_smmu_sva_supported
    /// COHERENCY (+VAX with 52-bit VA), PAGE_SIZE granule, oas >= CPU PA, ASID bits.
    Sva,
    /// As Sva, and 52-bit VA needs 64K pages, CPU BBML3 needs BBML2, CPU HAFT needs HAFT.
    SvaLpa2Bbml3Haft,
    // --- banner and queues
    /// `ias %lu-bit, oas %lu-bit (features 0x%08x)`.
    BannerIasOas,
    /// `oas %lu-bit (features 0x%08x)`.
    BannerOas,
    /// `allocated %u entries for %s`.
    QueueAlloc,
    /// The PRI queue is allocated only with PRI.
    PriqOnlyWithPri,
    /// Q_MAX_SZ_SHIFT = PAGE_SHIFT + CONFIG_CMA_ALIGNMENT.
    QMaxSzShift,
    // --- iommufd vIOMMU (arm_smmu_get_viommu_size)
    ViommuNesting,
    ViommuForceSync,
    ViommuCanwbs,
}

/// The uAPI `struct iommu_hw_info_arm_smmuv3` kdoc: the idr[] fields a VMM may read.
#[derive(Debug, Clone, Copy)]
pub struct Kdoc {
    /// Where it was read (file:line and the tree).
    pub at: &'static str,
    pub fields: &'static [&'static FieldDef],
}

/// One kernel version's probe.
#[derive(Debug)]
pub struct KernelTable {
    pub version: KernelVersion,
    /// The tree the facts were read from.
    pub source: &'static str,
    /// How the table was obtained when not read from that version's own tree.
    pub derived: Option<&'static str>,
    /// Where this kernel's `ARM_SMMU_FEAT_*` list is (the bit numbers are in
    /// [`crate::klog::features::FEATURES`], by the first version that has each).
    pub features_at: &'static str,
    /// Where its `ARM_SMMU_OPT_*` list is ([`crate::klog::features::OPTIONS`]).
    pub options_at: &'static str,
    /// The rules this kernel has, each with `file:line` in its tree.
    pub rules: &'static [(Rule, &'static str)],
    /// The uAPI allow-list, when this kernel has the SMMUv3 vIOMMU.
    pub kdoc: Option<Kdoc>,
}

impl KernelTable {
    /// Where this kernel implements `r`; `None` when it does not have the rule.
    pub fn at(&self, r: Rule) -> Option<&'static str> {
        self.rules.iter().find(|(x, _)| *x == r).map(|(_, a)| *a)
    }
    pub fn has(&self, r: Rule) -> bool {
        self.at(r).is_some()
    }
    /// The bit number of `f` in this kernel, `None` when it has no such feature.
    pub fn bit(&self, f: Feat) -> Option<u8> {
        FEATURES.iter().find(|x| x.feat == f && x.since <= self.version).map(|x| x.bit)
    }
    pub fn opt_bit(&self, o: Opt) -> Option<u8> {
        OPTIONS.iter().find(|x| x.opt == o && x.since <= self.version).map(|x| x.bit)
    }
    /// The feature this kernel numbers `bit`.
    pub fn feat_at(&self, bit: u8) -> Option<Feat> {
        FEATURES.iter().find(|x| x.bit == bit && x.since <= self.version).map(|x| x.feat)
    }
    /// This kernel's features in bit order.
    pub fn features(&self) -> impl Iterator<Item = (Feat, u8)> + '_ {
        FEATURES.iter().filter(|x| x.since <= self.version).map(|x| (x.feat, x.bit))
    }
    /// `6.1`, `7.3`.
    pub fn name(&self) -> String {
        self.version.to_string()
    }
}
