//! Linux's internal `ARM_SMMU_FEAT_*` mask (drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h),
//! printed by the probe banner `... (features 0x%08x)`. It is not a register: its bit
//! numbering is Linux's own and grew across kernel versions (bits are only ever appended).
//! This table is the one source of the bit numbers; `crate::linux` takes each kernel's
//! numbering from it.
//!
//! Facts (bit numbers) read from the kernel trees (see docs/decode.md "What Linux does"):
//! - bits 0-18 (2_LVL_STRTAB .. E2H): in every tree read (6.1.192, 6.12.118, 7.3.4);
//! - bit 19 NESTING: in Debian's 6.1.192 (arm-smmu-v3.h:648; mainline added it in 6.4 and
//!   stable 6.1 took it with the MMU-700 errata), 6.12 and 7.3;
//! - bits 20-22 (ATTR_TYPES_OVR, HA, HD): in 6.12 (arm-smmu-v3.h:726-728), not in 6.1;
//! - bits 23-26 (S2FWB, BBML2, HAFT, DS): in 7.3.4 (arm-smmu-v3.h:926-929), not in 6.12. The
//!   first versions given for S2FWB (6.13) and BBML2 (6.16) are not read from a tree; HAFT
//!   and DS are given the first tree read (7.3). QEMU 10.0 + Linux 7.3.4 prints 0x01008305
//!   (bit 24 set).

use crate::linux::{Feat, Opt};
use serde::Serialize;

/// A kernel version, `major.minor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct KernelVersion {
    pub major: u32,
    pub minor: u32,
}

impl KernelVersion {
    pub const fn new(major: u32, minor: u32) -> Self {
        KernelVersion { major, minor }
    }
    /// Parses `6.12`, `6.12.7`, `6.1.0-18-arm64`, `v7.3.4`. A missing minor is 0 (`6`);
    /// a major or minor that does not fit in 32 bits (`6.4294967296`) is `None`, never
    /// silently another version.
    pub fn parse(s: &str) -> Option<KernelVersion> {
        let s = s.trim();
        let s = s.strip_prefix('v').unwrap_or(s);
        let mut it = s.split(|c: char| !c.is_ascii_digit());
        let major = it.next()?.parse().ok()?;
        let minor = match it.next() {
            Some(m) if !m.is_empty() => m.parse().ok()?,
            _ => 0,
        };
        Some(KernelVersion { major, minor })
    }
}

impl std::fmt::Display for KernelVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// One `ARM_SMMU_FEAT_*` bit.
#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Feature {
    pub bit: u8,
    /// The same bit in the probe model.
    #[serde(skip)]
    pub feat: Feat,
    /// Name without the `ARM_SMMU_FEAT_` prefix, as Linux spells it.
    pub name: &'static str,
    /// First kernel version with this bit number.
    pub since: KernelVersion,
    /// Which SMMU ID register fields (IHI 0070 6.3) make Linux set it.
    pub implies: &'static str,
}

const V0: KernelVersion = KernelVersion::new(5, 11);

/// Every feature bit Linux has defined, by bit number.
pub static FEATURES: &[Feature] = &[
    Feature { bit: 0, feat: Feat::TwoLvlStrtab, name: "2_LVL_STRTAB", since: V0, implies: "SMMU_IDR0.ST_LEVEL == 1 (2-level stream table supported) and SMMU_IDR1.SIDSIZE > 8" },
    Feature { bit: 1, feat: Feat::TwoLvlCdtab, name: "2_LVL_CDTAB", since: V0, implies: "SMMU_IDR0.CD2L == 1 (2-level CD tables supported)" },
    Feature { bit: 2, feat: Feat::TtLe, name: "TT_LE", since: V0, implies: "SMMU_IDR0.TTENDIAN == 0b00 (mixed) or 0b10 (little-endian)" },
    Feature { bit: 3, feat: Feat::TtBe, name: "TT_BE", since: V0, implies: "SMMU_IDR0.TTENDIAN == 0b00 (mixed) on a little-endian kernel" },
    Feature { bit: 4, feat: Feat::Pri, name: "PRI", since: V0, implies: "SMMU_IDR0.PRI == 1" },
    Feature { bit: 5, feat: Feat::Ats, name: "ATS", since: V0, implies: "SMMU_IDR0.ATS == 1" },
    Feature { bit: 6, feat: Feat::Sev, name: "SEV", since: V0, implies: "SMMU_IDR0.SEV == 1 (cleared by Linux for Arm MMU-600 r0p0-r0p2, erratum 1076982)" },
    Feature { bit: 7, feat: Feat::Msi, name: "MSI", since: V0, implies: "SMMU_IDR0.MSI == 1" },
    Feature { bit: 8, feat: Feat::Coherency, name: "COHERENCY", since: V0, implies: "firmware marks the SMMU coherent (DT dma-coherent / IORT COHACC override); Linux warns when SMMU_IDR0.COHACC disagrees" },
    Feature { bit: 9, feat: Feat::TransS1, name: "TRANS_S1", since: V0, implies: "SMMU_IDR0.S1P == 1" },
    Feature { bit: 10, feat: Feat::TransS2, name: "TRANS_S2", since: V0, implies: "SMMU_IDR0.S2P == 1" },
    Feature { bit: 11, feat: Feat::Stalls, name: "STALLS", since: V0, implies: "SMMU_IDR0.STALL_MODEL == 0b00 or 0b10 (stalling supported)" },
    Feature { bit: 12, feat: Feat::Hyp, name: "HYP", since: V0, implies: "SMMU_IDR0.Hyp == 1" },
    Feature { bit: 13, feat: Feat::StallForce, name: "STALL_FORCE", since: V0, implies: "SMMU_IDR0.STALL_MODEL == 0b10 (stall forced)" },
    Feature { bit: 14, feat: Feat::Vax, name: "VAX", since: V0, implies: "SMMU_IDR5.VAX == 0b01 (52-bit VA)" },
    Feature { bit: 15, feat: Feat::RangeInv, name: "RANGE_INV", since: V0, implies: "SMMU_IDR3.RIL == 1 (range invalidation)" },
    Feature { bit: 16, feat: Feat::Btm, name: "BTM", since: V0, implies: "never set by the 6.1, 6.12 or 7.3 probe (SMMU_IDR0.BTM is not read); the MMU-700/L1/S3 errata clear it" },
    Feature { bit: 17, feat: Feat::Sva, name: "SVA", since: V0, implies: "software: Linux can share CPU page tables (COHERENCY, the CPU page granule in SMMU_IDR5.GRAN4K (or GRAN16K, GRAN64K), SMMU_IDR5.OAS >= CPU PA size, SMMU_IDR0.ASID16 >= CPU ASID size)" },
    Feature { bit: 18, feat: Feat::E2h, name: "E2H", since: V0, implies: "SMMU_IDR0.Hyp == 1 and the kernel runs at EL2 (VHE)" },
    Feature { bit: 19, feat: Feat::Nesting, name: "NESTING", since: KernelVersion::new(6, 1), implies: "SMMU_IDR0.S1P == 1 and SMMU_IDR0.S2P == 1 (cleared for MMU-600 before r2, erratum 1209401, and MMU-700, errata 2268618/2812531)" },
    Feature { bit: 20, feat: Feat::AttrTypesOvr, name: "ATTR_TYPES_OVR", since: KernelVersion::new(6, 12), implies: "SMMU_IDR1.ATTR_TYPES_OVR == 1" },
    Feature { bit: 21, feat: Feat::Ha, name: "HA", since: KernelVersion::new(6, 12), implies: "SMMU_IDR0.HTTU >= 0b01 (DT), or the IORT HTTU override (ACPI)" },
    Feature { bit: 22, feat: Feat::Hd, name: "HD", since: KernelVersion::new(6, 12), implies: "SMMU_IDR0.HTTU >= 0b10 (DT), or the IORT HTTU override (ACPI)" },
    Feature { bit: 23, feat: Feat::S2fwb, name: "S2FWB", since: KernelVersion::new(6, 13), implies: "SMMU_IDR3.FWB == 1 (stage 2 forced write-back)" },
    Feature { bit: 24, feat: Feat::Bbml2, name: "BBML2", since: KernelVersion::new(6, 16), implies: "SMMU_IDR3.BBML == 0b10 (break-before-make level 2)" },
    Feature { bit: 25, feat: Feat::Haft, name: "HAFT", since: KernelVersion::new(7, 3), implies: "SMMU_IDR0.HTTU == 0b11 (DT: hardware Access flag for Table descriptors), or the IORT HTTU override 3 (ACPI)" },
    Feature { bit: 26, feat: Feat::Ds, name: "DS", since: KernelVersion::new(7, 3), implies: "SMMU_IDR5.DS == 1 (52-bit addresses with 4KB/16KB granules)" },
];

/// The newest kernel version this table knows.
pub const NEWEST: KernelVersion = KernelVersion::new(7, 3);

/// Feature bits as a given kernel numbers them.
pub fn table_for(v: KernelVersion) -> Vec<&'static Feature> {
    FEATURES.iter().filter(|f| f.since <= v).collect()
}

/// A decoded features word.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FeatureDecode {
    pub names: Vec<String>,
    pub implies: Vec<String>,
    /// Set bits this kernel version does not define (or that need a newer table).
    pub unknown_bits: Vec<u8>,
}

pub fn decode(mask: u32, v: KernelVersion) -> FeatureDecode {
    let table = table_for(v);
    let mut names = Vec::new();
    let mut implies = Vec::new();
    let mut unknown_bits = Vec::new();
    for bit in 0u8..32 {
        if mask & (1u32 << bit) == 0 {
            continue;
        }
        match table.iter().find(|f| f.bit == bit) {
            Some(f) => {
                names.push(f.name.to_string());
                implies.push(format!("{}: {}", f.name, f.implies));
            }
            None => unknown_bits.push(bit),
        }
    }
    FeatureDecode { names, implies, unknown_bits }
}

/// One `ARM_SMMU_OPT_*` bit.
#[derive(Debug, Clone, Copy)]
pub struct OptionBit {
    pub bit: u8,
    pub opt: Opt,
    pub name: &'static str,
    pub since: KernelVersion,
    pub meaning: &'static str,
}

/// Linux's `ARM_SMMU_OPT_*` mask printed by `option mask 0x%x` (6.1 arm-smmu-v3.h:651-654,
/// 7.3 :932-936).
pub static OPTIONS: &[OptionBit] = &[
    OptionBit { bit: 0, opt: Opt::SkipPrefetch, name: "SKIP_PREFETCH", since: V0, meaning: "CMD_PREFETCH_* are not issued (hisilicon,broken-prefetch-cmd / IORT model HiSilicon Hi161x)" },
    OptionBit { bit: 1, opt: Opt::Page0RegsOnly, name: "PAGE0_REGS_ONLY", since: V0, meaning: "Page 1 registers are accessed at Page 0 offsets (cavium,cn9900-broken-page1-regspace / IORT model Cavium CN99xx)" },
    OptionBit { bit: 2, opt: Opt::Msipoll, name: "MSIPOLL", since: V0, meaning: "CMD_SYNC completion is polled through an MSI write to memory (IDR0.MSI and a coherent SMMU)" },
    OptionBit { bit: 3, opt: Opt::CmdqForceSync, name: "CMDQ_FORCE_SYNC", since: V0, meaning: "every command batch ends with CMD_SYNC (Arm MMU-700 erratum 2812531)" },
    OptionBit { bit: 4, opt: Opt::Tegra241Cmdqv, name: "TEGRA241_CMDQV", since: KernelVersion::new(6, 12), meaning: "NVIDIA Tegra241 CMDQ-Virtualization extension in use" },
];

pub fn option_names(mask: u32) -> (Vec<String>, Vec<u8>) {
    let mut n = Vec::new();
    let mut unknown = Vec::new();
    for bit in 0u8..32 {
        if mask & (1u32 << bit) == 0 {
            continue;
        }
        match OPTIONS.iter().find(|o| o.bit == bit) {
            Some(o) => n.push(format!("{}: {}", o.name, o.meaning)),
            None => unknown.push(bit),
        }
    }
    (n, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn qemu_7_3_banner() {
        // Linux 7.3.4 on QEMU 10.0 stage-1 SMMU printed "features 0x01008305".
        let d = decode(0x0100_8305, KernelVersion::new(7, 3));
        assert_eq!(d.names, ["2_LVL_STRTAB", "TT_LE", "COHERENCY", "TRANS_S1", "RANGE_INV", "BBML2"]);
        assert!(d.unknown_bits.is_empty());
        let old = decode(0x0100_8305, KernelVersion::new(6, 1));
        assert_eq!(old.unknown_bits, [24]);
    }
    #[test]
    fn versions_parse() {
        assert_eq!(KernelVersion::parse("6.1.0-18-arm64"), Some(KernelVersion::new(6, 1)));
        assert_eq!(KernelVersion::parse("v7.3.4"), Some(KernelVersion::new(7, 3)));
        assert_eq!(KernelVersion::parse("x"), None);
        assert_eq!(KernelVersion::parse("6"), Some(KernelVersion::new(6, 0)));
        assert_eq!(KernelVersion::parse("6.4294967296"), None);
        assert_eq!(KernelVersion::parse("4294967296.1"), None);
        assert_eq!(KernelVersion::parse("6.4294967295"), Some(KernelVersion::new(6, u32::MAX)));
    }
}
