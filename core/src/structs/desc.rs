//! VMSAv8-64 translation table descriptors as the SMMU walks them (Arm ARM D8.3, IHI 0070 3.4,
//! 5.2 STE.S2DS, 5.4 CD.DS): one module per descriptor kind (`table`, `s1_leaf`, `s2_leaf`),
//! and the one address codec the walker, ptdump and the scenario builder share.
//!
//! Where a descriptor holds its output (or next-level table) address depends on the granule
//! and on the address format the table uses ([`OaFormat`]):
//!
//! | format | granule | address bits held | where |
//! |---|---|---|---|
//! | [`OaFormat::Oa48`] | 4KB, 16KB, 64KB | [47:g] | bits [47:g] |
//! | [`OaFormat::Lpa`] (FEAT_LPA) | 64KB | [51:16] | [47:16] in bits [47:16], [51:48] in bits [15:12] |
//! | [`OaFormat::Lpa2`] (FEAT_LPA2, DS = 1) | 4KB, 16KB | [51:g] | [49:g] in bits [49:g], [51:50] in bits [9:8] |
//!
//! (g = 12, 14 or 16.) The 56-bit VMSAv9-128 format (FEAT_D128) is not modelled.
#[allow(unused_imports)]
use super::enc::*;
use crate::model::*;
use serde::Serialize;

/// An address field whose descriptor bits `[lsb+width-1:lsb]` hold address bits from
/// `addr_lsb` upwards (for example OA[51:48] in bits [15:12]).
const fn addr_at(
    name: &'static str,
    lsb: u16,
    width: u8,
    addr_lsb: u8,
    desc: &'static str,
    section: &'static str,
) -> FieldDef {
    FieldDef::new(name, lsb, width, Fmt::Addr(addr_lsb), &[], desc, section)
}

pub mod table {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        /// VMSAv8-64 table descriptor (Arm ARM D8.3.1), as the SMMU walks it (IHI 0070 3.4).
        LAYOUT: "TT_TABLE", bits 64, "ArmARM D8.3.1", "VMSAv8-64 table descriptor (levels 0-2, and -1 with DS)";
        Valid = flag("Valid", 0, "Descriptor valid (bit[0]); an invalid descriptor gives a Translation fault", "D8.3.1");
        Type = en("Type", 1, 1, &[e(0, "Block", "block descriptor (levels 0-2): see the leaf formats"), e(1, "Table", "table descriptor (at level 3: a page descriptor)")], "Descriptor type (bit[1])", "D8.3.1");
        NLTA_51_50 = addr_at("NLTA_51_50", 8, 2, 50, "Next-level table address bits [51:50] when DS = 1 (FEAT_LPA2, 4KB and 16KB granules); IGNORED otherwise", "D8.3.1");
        NLTA_51_48 = addr_at("NLTA_51_48", 12, 4, 48, "Next-level table address bits [51:48] with the 64KB granule when 52-bit addresses are implemented (FEAT_LPA); RES0 otherwise", "D8.3.1");
        NLTA = addr("NLTA", 12, 36, "Next-level table address bits [47:g] for a granule of 2^g bytes (g = 12, 14, 16); bits [g-1:12] are RES0 (64KB with FEAT_LPA: bits [15:12] are NLTA[51:48])", "D8.3.1");
        NLTA_49_48 = addr("NLTA_49_48", 48, 2, "Next-level table address bits [49:48] when DS = 1 (FEAT_LPA2); RES0 otherwise", "D8.3.1");
        PXNTable = flag("PXNTable", 59, "Privileged execute never for subsequent levels (stage 1; RES0 at stage 2)", "D8.4.2");
        XNTable = flag("XNTable", 60, "UXNTable (XNTable in single-privilege regimes): execute never for subsequent levels (stage 1; RES0 at stage 2)", "D8.4.2");
        APTable = en("APTable", 61, 2, &[
            e(0b00, "No effect", "no limit on subsequent levels"),
            e(0b01, "No EL0", "no unprivileged (EL0) access at subsequent levels"),
            e(0b10, "Read-only", "no write access at any privilege at subsequent levels"),
            e(0b11, "Read-only, no EL0", "no write access, and no unprivileged access, at subsequent levels"),
        ], "Access permission limits for subsequent levels (stage 1; RES0 at stage 2)", "D8.4.2");
        NSTable = flag("NSTable", 63, "Subsequent levels are in the Non-secure PA space (Secure stage 1; RES0 otherwise)", "D8.3.1");
    }
}
pub use table::LAYOUT as TT_TABLE;

pub mod s1_leaf {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        /// VMSAv8-64 stage 1 block or page descriptor (Arm ARM D8.3.2).
        LAYOUT: "TT_S1_LEAF", bits 64, "ArmARM D8.3.2", "VMSAv8-64 stage 1 block or page descriptor";
        Valid = flag("Valid", 0, "Descriptor valid (bit[0]); an invalid descriptor gives a Translation fault", "D8.3.2");
        Type = en("Type", 1, 1, &[e(0, "Block", "block descriptor (levels 0-2)"), e(1, "Page", "page descriptor (level 3; reserved at levels 0-2, where it is a table descriptor)")], "Descriptor type (bit[1])", "D8.3.2");
        AttrIndx = num("AttrIndx", 2, 3, "Index of the attribute byte in CD.MAIR", "D8.5.2");
        NS = flag("NS", 5, "Non-secure output address (Secure stage 1; RES0 otherwise)", "D8.3.2");
        AP = en("AP", 6, 2, &[
            e(0b00, "RW, no EL0", "AP[2:1] = 0b00: read/write when privileged, no unprivileged access"),
            e(0b01, "RW", "AP[2:1] = 0b01: read/write at any privilege"),
            e(0b10, "RO, no EL0", "AP[2:1] = 0b10: read-only when privileged, no unprivileged access"),
            e(0b11, "RO", "AP[2:1] = 0b11: read-only at any privilege"),
        ], "AP[2:1]: data access permissions (AP[2] read-only, AP[1] unprivileged access)", "D8.4.1");
        SH = en("SH", 8, 2, SH_ENC, "Shareability; with DS = 1 these bits are OA[51:50] and the shareability comes from CD.SHx", "D8.3.2");
        OA_51_50 = addr_at("OA_51_50", 8, 2, 50, "Output address bits [51:50] when DS = 1 (FEAT_LPA2, 4KB and 16KB granules); SH otherwise", "D8.3.2");
        AF = flag("AF", 10, "Access flag: 0 gives an Access flag fault unless the SMMU sets it (HA) or CD.AFFD = 1", "D8.4.5");
        nG = flag("nG", 11, "Not global: the translation is tagged with the ASID", "D8.3.2");
        OA_51_48 = addr_at("OA_51_48", 12, 4, 48, "Output address bits [51:48] with the 64KB granule when 52-bit addresses are implemented (FEAT_LPA); RES0 otherwise", "D8.3.2");
        OA = addr("OA", 12, 36, "Output address bits [47:n] for a block or page of 2^n bytes; bits [n-1:12] are RES0 except nT (64KB with FEAT_LPA: bits [15:12] are OA[51:48])", "D8.3.2");
        nT = flag("nT", 16, "Block translation entry (FEAT_BBM level 1, block descriptors)", "D8.3.2");
        OA_49_48 = addr("OA_49_48", 48, 2, "Output address bits [49:48] when DS = 1 (FEAT_LPA2); RES0 otherwise", "D8.3.2");
        GP = flag("GP", 50, "Guarded page (FEAT_BTI)", "D8.3.2");
        DBM = flag("DBM", 51, "Dirty bit modifier: with CD.HD, AP[2] is the dirty state (AP[2] = 0: dirty)", "D8.4.6");
        Contiguous = flag("Contiguous", 52, "Contiguous hint: one of a set of adjacent entries with equal attributes", "D8.6.1");
        PXN = flag("PXN", 53, "Privileged execute never", "D8.4.2");
        UXN = flag("UXN", 54, "Unprivileged execute never (XN in single-privilege regimes)", "D8.4.2");
        SW = hex("SW", 55, 4, "Reserved for software use", "D8.3.2");
        PBHA = hex("PBHA", 59, 4, "Page-based hardware attributes (IMPLEMENTATION DEFINED use, CD.HWUxyy)", "D8.3.2");
    }
}
pub use s1_leaf::LAYOUT as TT_S1_LEAF;

pub mod s2_leaf {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        /// VMSAv8-64 stage 2 block or page descriptor (Arm ARM D8.3.2). The address, AF,
        /// DBM and Contiguous fields are the stage 1 leaf's.
        LAYOUT: "TT_S2_LEAF", bits 64, "ArmARM D8.3.2", "VMSAv8-64 stage 2 block or page descriptor";
        Valid = super::s1_leaf::Valid;
        Type = super::s1_leaf::Type;
        MemAttr = hex("MemAttr", 2, 4, "Stage 2 memory attributes: [3:2] outer, [1:0] inner; 0b00xx Device (with STE.S2FWB: FWB encodings)", "D8.5.5");
        S2AP = en("S2AP", 6, 2, &[
            e(0b00, "None", "no access"),
            e(0b01, "RO", "read-only"),
            e(0b10, "WO", "write-only"),
            e(0b11, "RW", "read/write"),
        ], "Stage 2 data access permissions: S2AP[0] read, S2AP[1] write", "D8.4.3");
        SH = super::s1_leaf::SH;
        OA_51_50 = super::s1_leaf::OA_51_50;
        AF = super::s1_leaf::AF;
        OA_51_48 = super::s1_leaf::OA_51_48;
        OA = super::s1_leaf::OA;
        nT = super::s1_leaf::nT;
        OA_49_48 = super::s1_leaf::OA_49_48;
        DBM = flag("DBM", 51, "Dirty bit modifier: with STE.S2HD, S2AP[1] is the dirty state (S2AP[1] = 1: dirty)", "D8.4.6");
        Contiguous = super::s1_leaf::Contiguous;
        XN = en("XN", 53, 2, &[
            e(0b00, "Execute", "execution permitted"),
            e(0b01, "PXN", "FEAT_XNX: not executable when privileged (XN[0] is RES0 without FEAT_XNX)"),
            e(0b10, "XN", "not executable"),
            e(0b11, "UXN", "FEAT_XNX: not executable when unprivileged (XN[0] is RES0 without FEAT_XNX)"),
        ], "XN[1:0]: stage 2 execute never (XN[0] distinguishes privilege with FEAT_XNX)", "D8.4.3");
        SW = super::s1_leaf::SW;
        PBHA = hex("PBHA", 59, 4, "Page-based hardware attributes (IMPLEMENTATION DEFINED use, STE.S2HWU)", "D8.3.2");
    }
}
pub use s2_leaf::LAYOUT as TT_S2_LEAF;

/// Bytes of one descriptor: the layout's size.
pub const DESC_BYTES: u64 = TT_TABLE.bits as u64 / 8;

/// A translation granule (IHI 0070 5.4 CD.TG0/TG1, 5.2 STE.S2TG; Arm ARM D8.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Granule {
    #[serde(rename = "4KB")]
    K4,
    #[serde(rename = "16KB")]
    K16,
    #[serde(rename = "64KB")]
    K64,
}

impl Granule {
    pub const ALL: [Granule; 3] = [Granule::K4, Granule::K16, Granule::K64];
    /// The granule of `bytes` bytes (4096, 16384 or 65536).
    pub fn from_bytes(bytes: u64) -> Option<Granule> {
        Granule::ALL.into_iter().find(|g| g.bytes() == bytes)
    }
    /// log2 of the granule size.
    pub const fn shift(self) -> u32 {
        match self {
            Granule::K4 => 12,
            Granule::K16 => 14,
            Granule::K64 => 16,
        }
    }
    pub const fn bytes(self) -> u64 {
        1 << self.shift()
    }
    /// Input address bits one table level resolves: a table of one granule holds
    /// 2^stride descriptors.
    pub const fn stride(self) -> u32 {
        self.shift() - DESC_BYTES.trailing_zeros()
    }
    /// log2 of the bytes one descriptor at `level` (-1 to 3) maps; None for other levels.
    pub fn level_shift(self, level: i32) -> Option<u32> {
        if !(-1..=3).contains(&level) {
            return None;
        }
        Some(self.shift() + (3 - level) as u32 * self.stride())
    }
    /// The stage 1 start level for an input size of `ia_bits`: enough levels to resolve it
    /// (Arm ARM D8.2; the start table then resolves the remaining top bits).
    pub fn start_level(self, ia_bits: u32) -> i32 {
        4 - ia_bits.saturating_sub(self.shift()).div_ceil(self.stride()) as i32
    }
}

impl std::fmt::Display for Granule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}KB", self.bytes() / 1024)
    }
}

/// Where a translation table's descriptors hold output and next-level table addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum OaFormat {
    /// Addresses up to 48 bits: [47:g] in bits [47:g].
    Oa48,
    /// FEAT_LPA, 64KB granule, 52-bit: [47:16] in bits [47:16], [51:48] in bits [15:12].
    Lpa,
    /// FEAT_LPA2 with DS = 1, 4KB/16KB granules, 52-bit: [49:g] in bits [49:g], [51:50] in
    /// bits [9:8] (where SH is otherwise).
    Lpa2,
}

impl OaFormat {
    /// The format of a table with granule `g`: with the 64KB granule, the LPA format when the
    /// SMMU implements 52-bit addresses (`pa52`: SMMU_IDR5.OAS = 52 bits; Arm ARM: FEAT_LPA
    /// descriptors hold OA[51:48] whatever the configured output size, and a larger address
    /// than that size is an Address Size fault); with 4KB and 16KB, the LPA2 format when the
    /// table is configured with DS = 1 (CD.DS, STE.S2DS; IHI 0070 5.4, 5.2).
    pub fn for_table(g: Granule, pa52: bool, ds: bool) -> OaFormat {
        match g {
            Granule::K64 if pa52 => OaFormat::Lpa,
            Granule::K64 => OaFormat::Oa48,
            _ if ds => OaFormat::Lpa2,
            _ => OaFormat::Oa48,
        }
    }
    /// True when the format can be used with the granule (LPA: 64KB only; LPA2: 4KB, 16KB).
    pub fn fits(self, g: Granule) -> bool {
        match self {
            OaFormat::Oa48 => true,
            OaFormat::Lpa => g == Granule::K64,
            OaFormat::Lpa2 => g != Granule::K64,
        }
    }
    /// Address bits the format holds: 48 or 52.
    pub fn bits(self) -> u32 {
        64 - addr_mask(Granule::K64, oa_pieces(self)).leading_zeros()
    }
    pub fn name(self) -> &'static str {
        match self {
            OaFormat::Oa48 => "48-bit",
            OaFormat::Lpa => "52-bit LPA",
            OaFormat::Lpa2 => "52-bit LPA2 (DS)",
        }
    }
}

impl std::fmt::Display for OaFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Why an address cannot be put in a descriptor.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DescError {
    #[error("address {addr:#x} is not aligned to {align:#x} bytes ({what})")]
    Unaligned { addr: u64, align: u64, what: &'static str },
    #[error("address {addr:#x} does not fit a {fmt} descriptor (at most {bits} address bits)")]
    TooWide { addr: u64, fmt: OaFormat, bits: u32 },
    #[error("the {fmt} descriptor format does not exist with the {granule} granule")]
    Format { fmt: OaFormat, granule: Granule },
    #[error("no {granule} block descriptor at level {level} ({fmt} format)")]
    NoBlock { granule: Granule, level: i32, fmt: OaFormat },
}

/// A field of a one-word descriptor.
#[inline]
pub fn get(f: &FieldDef, d: u64) -> u64 {
    d.checked_shr(u32::from(f.lsb)).unwrap_or(0) & f.mask()
}

/// `d` with field `f` set to `v` (bits of `v` beyond the field are dropped).
#[inline]
fn with(f: &FieldDef, d: u64, v: u64) -> u64 {
    let m = f.mask().checked_shl(u32::from(f.lsb)).unwrap_or(0);
    (d & !m) | (v.checked_shl(u32::from(f.lsb)).unwrap_or(0) & m)
}

/// Address bits an address piece holds, as an address.
#[inline]
fn piece_address(f: &FieldDef, d: u64) -> u64 {
    match f.fmt {
        Fmt::Addr(s) => get(f, d).checked_shl(u32::from(s)).unwrap_or(0),
        _ => 0,
    }
}

fn piece_value(f: &FieldDef, a: u64) -> u64 {
    match f.fmt {
        Fmt::Addr(s) => a.checked_shr(u32::from(s)).unwrap_or(0) & f.mask(),
        _ => 0,
    }
}

fn oa_pieces(fmt: OaFormat) -> &'static [&'static FieldDef] {
    match fmt {
        OaFormat::Oa48 => &[&s1_leaf::OA],
        OaFormat::Lpa => &[&s1_leaf::OA, &s1_leaf::OA_51_48],
        OaFormat::Lpa2 => &[&s1_leaf::OA, &s1_leaf::OA_49_48, &s1_leaf::OA_51_50],
    }
}

fn nlta_pieces(fmt: OaFormat) -> &'static [&'static FieldDef] {
    match fmt {
        OaFormat::Oa48 => &[&table::NLTA],
        OaFormat::Lpa => &[&table::NLTA, &table::NLTA_51_48],
        OaFormat::Lpa2 => &[&table::NLTA, &table::NLTA_49_48, &table::NLTA_51_50],
    }
}

/// Every address bit the pieces hold, at or above the granule.
fn addr_mask(g: Granule, pieces: &[&FieldDef]) -> u64 {
    pieces.iter().fold(0, |m, f| m | piece_address(f, u64::MAX)) & !(g.bytes() - 1)
}

fn decode(d: u64, g: Granule, pieces: &[&FieldDef]) -> u64 {
    pieces.iter().fold(0, |a, f| a | piece_address(f, d)) & !(g.bytes() - 1)
}

fn encode(a: u64, g: Granule, fmt: OaFormat, pieces: &[&FieldDef]) -> Result<u64, DescError> {
    if !fmt.fits(g) {
        return Err(DescError::Format { fmt, granule: g });
    }
    if a & (g.bytes() - 1) != 0 {
        return Err(DescError::Unaligned { addr: a, align: g.bytes(), what: "the granule" });
    }
    let d = pieces.iter().fold(0, |d, f| with(f, d, piece_value(f, a)));
    if decode(d, g, pieces) != a {
        return Err(DescError::TooWide { addr: a, fmt, bits: fmt.bits() });
    }
    Ok(d)
}

/// The output address a block or page descriptor holds, down to the granule (a block's
/// bits below its size are RES0: see [`block_address`]).
pub fn output_address(d: u64, g: Granule, fmt: OaFormat) -> u64 {
    decode(d, g, oa_pieces(fmt))
}

/// The output address of a leaf at `level`: [`output_address`] without the bits below the
/// block size (RES0, or nT). None for a level outside -1..=3.
pub fn block_address(d: u64, g: Granule, fmt: OaFormat, level: i32) -> Option<u64> {
    let s = g.level_shift(level)?;
    Some(output_address(d, g, fmt) & !(1u64.checked_shl(s).unwrap_or(0).wrapping_sub(1)))
}

/// The next-level table address a table descriptor holds.
pub fn next_table_address(d: u64, g: Granule, fmt: OaFormat) -> u64 {
    decode(d, g, nlta_pieces(fmt))
}

/// The descriptor bits that hold output address `oa` (every other bit 0), the inverse of
/// [`output_address`]. Errors when `oa` is not granule-aligned or does not fit the format.
pub fn encode_output_address(oa: u64, g: Granule, fmt: OaFormat) -> Result<u64, DescError> {
    encode(oa, g, fmt, oa_pieces(fmt))
}

/// Like [`encode_output_address`] for a leaf at `level`: the address must be aligned to the
/// block (or page) size and the level must allow a leaf ([`block_allowed`]).
pub fn encode_block_address(oa: u64, g: Granule, fmt: OaFormat, level: i32) -> Result<u64, DescError> {
    if !block_allowed(g, fmt, level) {
        return Err(DescError::NoBlock { granule: g, level, fmt });
    }
    let s = g.level_shift(level).ok_or(DescError::NoBlock { granule: g, level, fmt })?;
    let align = 1u64.checked_shl(s).unwrap_or(0);
    if oa & align.wrapping_sub(1) != 0 {
        return Err(DescError::Unaligned { addr: oa, align, what: "the block size" });
    }
    encode_output_address(oa, g, fmt)
}

/// The descriptor bits that hold next-level table address `ta`, the inverse of
/// [`next_table_address`].
pub fn encode_next_table_address(ta: u64, g: Granule, fmt: OaFormat) -> Result<u64, DescError> {
    encode(ta, g, fmt, nlta_pieces(fmt))
}

/// Whether a block (levels 0-2) or page (level 3) descriptor may appear at `level` (Arm ARM
/// D8.3: 4KB blocks at levels 1 and 2, and 0 with DS; 16KB at level 2, and 1 with DS; 64KB at
/// level 2, and 1 with 52-bit addresses).
pub fn block_allowed(g: Granule, fmt: OaFormat, level: i32) -> bool {
    match (g, level) {
        (_, 3) => true,
        (Granule::K4, 1 | 2) => true,
        (Granule::K4, 0) => fmt == OaFormat::Lpa2,
        (Granule::K16, 2) => true,
        (Granule::K16, 1) => fmt == OaFormat::Lpa2,
        (Granule::K64, 2) => true,
        (Granule::K64, 1) => fmt == OaFormat::Lpa,
        _ => false,
    }
}

/// True for a valid descriptor (bit[0]).
#[inline]
pub fn is_valid(d: u64) -> bool {
    get(&table::Valid, d) != 0
}

/// True for a table descriptor at levels -1 to 2, a page descriptor at level 3 (bit[1]).
#[inline]
pub fn is_table_or_page(d: u64) -> bool {
    get(&table::Type, d) != 0
}

/// The descriptor bits the fields cover.
pub fn mask_of(fields: &[&FieldDef]) -> u64 {
    fields.iter().fold(0, |m, f| m | f.mask().checked_shl(u32::from(f.lsb)).unwrap_or(0))
}

/// A stage 1 leaf's AP[2:1] (Arm ARM D8.4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct S1Ap {
    /// AP[2]: read-only.
    pub read_only: bool,
    /// AP[1]: unprivileged (EL0) access permitted.
    pub el0: bool,
}

pub fn s1_ap(d: u64) -> S1Ap {
    let ap = get(&s1_leaf::AP, d);
    S1Ap { read_only: ap & 0b10 != 0, el0: ap & 0b01 != 0 }
}

/// A table descriptor's APTable (Arm ARM D8.4.2): APTable[0] removes unprivileged access,
/// APTable[1] write access, at subsequent levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApTable {
    pub no_el0: bool,
    pub read_only: bool,
}

pub fn ap_table(d: u64) -> ApTable {
    let a = get(&table::APTable, d);
    ApTable { no_el0: a & 0b01 != 0, read_only: a & 0b10 != 0 }
}

/// A stage 2 leaf's S2AP (Arm ARM D8.4.3): S2AP[0] read, S2AP[1] write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct S2Ap {
    pub read: bool,
    pub write: bool,
}

pub fn s2_ap(d: u64) -> S2Ap {
    let a = get(&s2_leaf::S2AP, d);
    S2Ap { read: a & 0b01 != 0, write: a & 0b10 != 0 }
}

/// Whether a stage 2 leaf permits execution (Arm ARM D8.4.3 XN[1:0]): without FEAT_XNX
/// (SMMU_IDR3.XNX = 0) only XN[1] counts; with it, 0b01 forbids privileged and 0b11
/// unprivileged execution.
pub fn s2_executable(d: u64, xnx: bool, privileged: bool) -> bool {
    match (get(&s2_leaf::XN, d), xnx) {
        (0b00, _) => true,
        (0b01, false) => true,
        (0b01, true) => !privileged,
        (0b11, true) => privileged,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_word_layouts() {
        for l in [&TT_TABLE, &TT_S1_LEAF, &TT_S2_LEAF] {
            assert_eq!(l.bits, 64);
            for f in l.fields {
                assert!(f.msb() < 64, "{}.{}", l.name, f.name);
            }
        }
    }

    #[test]
    fn format_widths() {
        assert_eq!(OaFormat::Oa48.bits(), 48);
        assert_eq!(OaFormat::Lpa.bits(), 52);
        assert_eq!(OaFormat::Lpa2.bits(), 52);
        assert_eq!(Granule::K4.stride(), 9);
        assert_eq!(Granule::K16.stride(), 11);
        assert_eq!(Granule::K64.stride(), 13);
    }
}
