//! Linux's internal `ARM_SMMU_FEAT_*` mask (drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h),
//! printed by the probe banner `... (features 0x%08x)`. It is not a register: its bit
//! numbering is Linux's own and grew across kernel versions.
//!
//! Facts (bit numbers) from the public Linux sources:
//! - bits 0-18 (2_LVL_STRTAB .. E2H): unchanged from v5.11 to today (v6.1 has exactly these);
//! - bits 19-22 (NESTING, ATTR_TYPES_OVR, HA, HD): present in v6.12;
//! - bit 23 (S2FWB): added with SMMUv3 nesting (v6.13);
//! - bit 24 (BBML2): added in v6.16; QEMU 10.0 + Linux 7.3.4 prints 0x01008305 (bit 24 set).

use serde::Serialize;

/// A kernel version, `major.minor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct KernelVersion {
    pub major: u32,
    pub minor: u32,
}

impl KernelVersion {
    pub const fn new(major: u32, minor: u32) -> Self {
        KernelVersion { major, minor }
    }
    /// Parses `6.12`, `6.12.7`, `6.1.0-18-arm64`, `v7.3.4`.
    pub fn parse(s: &str) -> Option<KernelVersion> {
        let s = s.trim();
        let s = s.strip_prefix('v').unwrap_or(s);
        let mut it = s.split(|c: char| !c.is_ascii_digit());
        let major = it.next()?.parse().ok()?;
        let minor = it.next().and_then(|m| m.parse().ok()).unwrap_or(0);
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
pub struct Feature {
    pub bit: u8,
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
    Feature { bit: 0, name: "2_LVL_STRTAB", since: V0, implies: "SMMU_IDR0.ST_LEVEL == 1 (2-level stream table supported)" },
    Feature { bit: 1, name: "2_LVL_CDTAB", since: V0, implies: "SMMU_IDR0.CD2L == 1 (2-level CD tables supported)" },
    Feature { bit: 2, name: "TT_LE", since: V0, implies: "SMMU_IDR0.TTENDIAN == 0b00 (mixed) or 0b10 (little-endian)" },
    Feature { bit: 3, name: "TT_BE", since: V0, implies: "SMMU_IDR0.TTENDIAN == 0b00 (mixed) or 0b11 (big-endian)" },
    Feature { bit: 4, name: "PRI", since: V0, implies: "SMMU_IDR0.PRI == 1" },
    Feature { bit: 5, name: "ATS", since: V0, implies: "SMMU_IDR0.ATS == 1" },
    Feature { bit: 6, name: "SEV", since: V0, implies: "SMMU_IDR0.SEV == 1 (cleared by Linux for Arm MMU-600 r0p0-r0p2, erratum 1076982)" },
    Feature { bit: 7, name: "MSI", since: V0, implies: "SMMU_IDR0.MSI == 1" },
    Feature { bit: 8, name: "COHERENCY", since: V0, implies: "firmware marks the SMMU coherent (DT dma-coherent / IORT COHACC override); Linux warns when SMMU_IDR0.COHACC disagrees" },
    Feature { bit: 9, name: "TRANS_S1", since: V0, implies: "SMMU_IDR0.S1P == 1" },
    Feature { bit: 10, name: "TRANS_S2", since: V0, implies: "SMMU_IDR0.S2P == 1" },
    Feature { bit: 11, name: "STALLS", since: V0, implies: "SMMU_IDR0.STALL_MODEL == 0b00 or 0b10 (stalling supported)" },
    Feature { bit: 12, name: "HYP", since: V0, implies: "SMMU_IDR0.Hyp == 1" },
    Feature { bit: 13, name: "STALL_FORCE", since: V0, implies: "SMMU_IDR0.STALL_MODEL == 0b10 (stall forced)" },
    Feature { bit: 14, name: "VAX", since: V0, implies: "SMMU_IDR5.VAX == 0b01 (52-bit VA)" },
    Feature { bit: 15, name: "RANGE_INV", since: V0, implies: "SMMU_IDR3.RIL == 1 (range invalidation)" },
    Feature { bit: 16, name: "BTM", since: V0, implies: "SMMU_IDR0.BTM == 1 (cleared by Linux on some errata, e.g. MMU-700 2812531)" },
    Feature { bit: 17, name: "SVA", since: V0, implies: "software: Linux can share CPU page tables (needs S1P, compatible granules/ASID size/OAS); no single ID field" },
    Feature { bit: 18, name: "E2H", since: V0, implies: "SMMU_IDR0.Hyp == 1 and the kernel runs at EL2 (VHE)" },
    Feature { bit: 19, name: "NESTING", since: KernelVersion::new(6, 12), implies: "SMMU_IDR0.S1P == 1 and SMMU_IDR0.S2P == 1 (cleared for MMU-600 before r2, erratum 1209401)" },
    Feature { bit: 20, name: "ATTR_TYPES_OVR", since: KernelVersion::new(6, 12), implies: "SMMU_IDR1.ATTR_TYPES_OVR == 1" },
    Feature { bit: 21, name: "HA", since: KernelVersion::new(6, 12), implies: "SMMU_IDR0.HTTU >= 0b01 (hardware Access flag update)" },
    Feature { bit: 22, name: "HD", since: KernelVersion::new(6, 12), implies: "SMMU_IDR0.HTTU >= 0b10 (hardware dirty state update)" },
    Feature { bit: 23, name: "S2FWB", since: KernelVersion::new(6, 13), implies: "SMMU_IDR3.FWB == 1 (stage 2 forced write-back)" },
    Feature { bit: 24, name: "BBML2", since: KernelVersion::new(6, 16), implies: "SMMU_IDR3.BBML == 0b10 (break-before-make level 2)" },
];

/// The newest kernel version this table knows.
pub const NEWEST: KernelVersion = KernelVersion::new(7, 3);

/// Feature bits as a given kernel numbers them.
pub fn table_for(v: KernelVersion) -> Vec<&'static Feature> {
    FEATURES.iter().filter(|f| f.since <= v).collect()
}

/// A decoded features word.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
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

/// Linux's `ARM_SMMU_OPT_*` mask printed by `option mask 0x%x`.
pub static OPTIONS: &[(u8, &str, &str)] = &[
    (0, "SKIP_PREFETCH", "CMD_PREFETCH_* are not issued (hisilicon,broken-prefetch-cmd)"),
    (1, "PAGE0_REGS_ONLY", "Page 1 registers are accessed at Page 0 offsets (cavium,cn9900-broken-page1-regspace)"),
    (2, "MSIPOLL", "CMD_SYNC completion is polled through an MSI write to memory"),
    (3, "CMDQ_FORCE_SYNC", "every command batch ends with CMD_SYNC (MMU-700 errata)"),
    (4, "TEGRA241_CMDQV", "NVIDIA Tegra241 CMDQ-Virtualization extension in use (v6.12 and later)"),
];

pub fn option_names(mask: u32) -> (Vec<String>, Vec<u8>) {
    let mut n = Vec::new();
    let mut unknown = Vec::new();
    for bit in 0u8..32 {
        if mask & (1u32 << bit) == 0 {
            continue;
        }
        match OPTIONS.iter().find(|o| o.0 == bit) {
            Some(o) => n.push(format!("{}: {}", o.1, o.2)),
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
    }
}
