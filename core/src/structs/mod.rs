//! Structures the SMMU reads from memory: STE, CD, L1STD, L1CD (IHI 0070 chapter 5);
//! their legality given the SMMU's ID registers; stream and CD table geometry.
//!

pub mod cd;
pub mod desc;
pub mod enc;
pub mod geometry;
pub mod l1cd;
pub mod l1std;
pub mod legality;
pub mod ste;

pub use cd::LAYOUT as CD;
pub use desc::{TT_S1_LEAF, TT_S2_LEAF, TT_TABLE};
pub use l1cd::LAYOUT as L1CD;
pub use l1std::LAYOUT as L1STD;
pub use ste::LAYOUT as STE;

use crate::model::{Decoded, FieldDef, Layout};
use serde::Serialize;

/// Looks a field of a structure up by name. The tables are static, so a missing name is
/// a programming error caught by the unit tests; callers get `None` rather than a panic.
pub fn field(layout: &'static Layout, name: &str) -> Option<&'static FieldDef> {
    layout.field(name)
}

/// Reads field `name` of `layout` from `words` (0 if the layout has no such field).
pub fn get(layout: &'static Layout, words: &[u64], name: &str) -> u64 {
    layout.field(name).map(|f| f.get(words)).unwrap_or(0)
}

/// An address field's value as an address (`value << shift`).
pub fn get_addr(layout: &'static Layout, words: &[u64], name: &str) -> u64 {
    match layout.field(name) {
        Some(f) => {
            let v = f.get(words);
            match f.fmt {
                crate::model::Fmt::Addr(s) => v.checked_shl(s as u32).unwrap_or(0),
                _ => v,
            }
        }
        None => 0,
    }
}

/// One field as `smmu ste/cd --json` lists it: `{"name", "value", "meaning"}` plus where.
/// `value` is the field's integer value as in `smmu decode --json`; `hex` is the same in hex.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldRow {
    pub name: &'static str,
    pub value: u64,
    pub hex: String,
    pub meaning: String,
    pub bits: String,
    pub section: &'static str,
}

/// A decoded structure with its legality verdict.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StructureReport {
    pub layout: &'static str,
    pub section: &'static str,
    pub words: Vec<String>,
    pub fields: Vec<FieldRow>,
    /// Non-zero RES0 bits and reserved encodings.
    pub problems: Vec<String>,
    pub legality: legality::Legality,
    /// STE only: what Linux (iommufd) would do with this STE given by a guest as a vSTE.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guest_vste: Option<legality::VsteVerdict>,
}

/// Rows for every field of a decode.
pub fn rows(d: &Decoded) -> Vec<FieldRow> {
    d.fields
        .iter()
        .map(|f| FieldRow {
            name: f.name,
            value: f.value,
            hex: format!("{:#x}", f.value),
            meaning: f.meaning.clone(),
            bits: if f.width == 1 {
                format!("[{}]", f.lsb)
            } else {
                format!("[{}:{}]", f.lsb as u32 + f.width as u32 - 1, f.lsb)
            },
            section: f.section,
        })
        .collect()
}

fn report(
    layout: &'static Layout,
    words: &[u64],
    legality: legality::Legality,
    vste: Option<legality::VsteVerdict>,
) -> StructureReport {
    let d = layout.decode(words);
    StructureReport {
        layout: layout.name,
        section: layout.section,
        words: words.iter().map(|w| format!("{w:#018x}")).collect(),
        fields: rows(&d),
        problems: d.problems(),
        legality,
        guest_vste: vste,
    }
}

/// Decodes an STE and checks it against the SMMU described by `regs` (may be empty: then
/// only the checks that need no ID register are made).
pub fn ste_report(words: &[u64], regs: &crate::regset::RegisterSet) -> StructureReport {
    report(&STE, words, legality::ste(words, regs), Some(legality::guest_vste(words)))
}

/// Decodes a CD and checks it.
pub fn cd_report(words: &[u64], regs: &crate::regset::RegisterSet, s1_stall_disabled: bool) -> StructureReport {
    let mut r = report(&CD, words, legality::cd(words, regs, s1_stall_disabled), None);
    // A reserved granule encoding does not matter for a disabled half.
    for (epd, tg) in [("EPD0", "TG0"), ("EPD1", "TG1")] {
        if get(&CD, words, epd) != 0 {
            r.problems.retain(|p| !p.ends_with(&format!(" of {tg}")));
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn tables_are_well_formed() {
        for l in [&STE, &CD, &L1STD, &L1CD, &TT_TABLE, &TT_S1_LEAF, &TT_S2_LEAF] {
            for f in l.fields {
                assert!(f.msb() < l.bits, "{}.{} beyond the structure", l.name, f.name);
            }
            // no two fields overlap, except the documented 52-bit address aliases
            for (i, a) in l.fields.iter().enumerate() {
                for b in &l.fields[i + 1..] {
                    let overlap = a.lsb <= b.msb() && b.lsb <= a.msb();
                    let alias = [a.name, b.name].iter().any(|n| n.contains("51_") || *n == "nT" || *n == "SH");
                    assert!(!overlap || alias, "{}.{} overlaps {}", l.name, a.name, b.name);
                }
            }
        }
    }
    #[test]
    fn qemu_linux_ste_s1() {
        // Linux 7.3 S1 STE as read from QEMU guest RAM (tests/data provenance).
        let w = [0x4532200bu64, 0xd6, 0, 0, 0, 0, 0, 0];
        assert_eq!(get(&STE, &w, "V"), 1);
        assert_eq!(get(&STE, &w, "Config"), 0b101);
        assert_eq!(get_addr(&STE, &w, "S1ContextPtr"), 0x45322000);
        assert_eq!(get(&STE, &w, "S1DSS"), 2);
        assert_eq!(get(&STE, &w, "S1CSH"), 3);
    }
    #[test]
    fn qemu_linux_ste_s2() {
        let w = [0xdu64, 0, 0x044c359400000001, 0x45333000, 0, 0, 0, 0];
        assert_eq!(get(&STE, &w, "Config"), 0b110);
        assert_eq!(get(&STE, &w, "S2VMID"), 1);
        assert_eq!(get(&STE, &w, "S2T0SZ"), 20);
        assert_eq!(get(&STE, &w, "S2SL0"), 2);
        assert_eq!(get(&STE, &w, "S2PS"), 4);
        assert_eq!(get(&STE, &w, "S2AA64"), 1);
        assert_eq!(get(&STE, &w, "S2PTW"), 1);
        assert_eq!(get(&STE, &w, "S2R"), 1);
        assert_eq!(get_addr(&STE, &w, "S2TTB"), 0x45333000);
    }
    #[test]
    fn qemu_linux_cd() {
        let w = [0x0001e204c0003510u64, 0x45333000, 0, 0xfffffffff404ff44, 0, 0, 0, 0];
        assert_eq!(get(&CD, &w, "T0SZ"), 16);
        assert_eq!(get(&CD, &w, "TG0"), 0);
        assert_eq!(get(&CD, &w, "EPD1"), 1);
        assert_eq!(get(&CD, &w, "V"), 1);
        assert_eq!(get(&CD, &w, "IPS"), 4);
        assert_eq!(get(&CD, &w, "AA64"), 1);
        assert_eq!(get(&CD, &w, "R"), 1);
        assert_eq!(get(&CD, &w, "A"), 1);
        assert_eq!(get(&CD, &w, "ASET"), 1);
        assert_eq!(get(&CD, &w, "ASID"), 1);
        assert_eq!(get_addr(&CD, &w, "TTB0"), 0x45333000);
        assert_eq!(get(&CD, &w, "MAIR"), 0xfffffffff404ff44);
    }
}
