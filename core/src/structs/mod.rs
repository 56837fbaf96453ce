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

use crate::model::{Decoded, FieldDef, FieldStatus, Layout, Version};
use crate::regset::RegisterSet;
use serde::Serialize;

/// One field as `smmu ste/cd --json` lists it: `{"name", "value", "meaning"}` plus where.
/// `value` is the field's integer value as in `smmu decode --json`; `hex` is the same in hex.
/// `name` is the name that fits the SMMU's version (an alias where the spec renamed the
/// bits); `since` the version that introduced the field; `status`, when the SMMU's
/// registers say it lacks the field, why it is RES0 there.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FieldRow {
    pub name: &'static str,
    pub value: u64,
    pub hex: String,
    pub meaning: String,
    pub bits: String,
    pub section: &'static str,
    pub since: Version,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// A decoded structure with its legality verdict.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StructureReport {
    pub layout: &'static str,
    pub section: &'static str,
    pub words: Vec<String>,
    pub fields: Vec<FieldRow>,
    /// Non-zero RES0 bits, reserved encodings and non-zero fields this SMMU lacks.
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
            bits: f.def.bits(),
            section: f.section,
            since: f.since,
            gate: f.gate.clone(),
            status: match &f.status {
                FieldStatus::Absent { why } => Some(why.clone()),
                FieldStatus::Present => None,
            },
        })
        .collect()
}

/// Decodes `words` knowing the SMMU (`regs`, possibly empty) and lists the problems,
/// leaving out the flags of `quiet` fields (fields whose value does not matter here).
fn report(
    layout: &'static Layout,
    words: &[u64],
    regs: &RegisterSet,
    quiet: &[&FieldDef],
    legality: legality::Legality,
    vste: Option<legality::VsteVerdict>,
) -> StructureReport {
    let d = layout.decode_with(words, Some(regs));
    let mut problems: Vec<String> = d
        .fields
        .iter()
        .filter(|f| !quiet.iter().any(|q| std::ptr::eq(*q, f.def) || (q.lsb == f.def.lsb && q.name == f.def.name)))
        .flat_map(|f| f.flags.iter().cloned())
        .collect();
    for r in &d.res0 {
        problems.push(format!("RES0 bits set in word {}: {:#x}", r.word, r.bits));
    }
    let mut fields = rows(&d);
    // The CD's other names (DisCH0/DisCH1, SKL0/SKL1) apply "When SMMU_IDR5.D128 == 1"
    // (5.4); the decode picks them by version (SMMUv3.4), IDR5.D128 decides where known.
    if let Some(d128) = regs.read(&crate::regs::idr::idr5::D128) {
        for (row, f) in fields.iter_mut().zip(&d.fields) {
            if f.def.layout == "CD" && !f.def.aliases.is_empty() {
                row.name = if d128 == 1 { f.def.name_for(Some(crate::model::V3_4)) } else { f.def.name };
            }
        }
    }
    StructureReport {
        layout: layout.name,
        section: layout.section,
        words: words.iter().map(|w| format!("{w:#018x}")).collect(),
        fields,
        problems,
        legality,
        guest_vste: vste,
    }
}

/// Decodes an STE and checks it against the SMMU described by `regs` (may be empty: then
/// only the checks that need no ID register are made).
pub fn ste_report(words: &[u64], regs: &RegisterSet) -> StructureReport {
    report(&STE, words, regs, &[], legality::ste(words, regs), Some(legality::guest_vste(words)))
}

/// Decodes a CD and checks it.
pub fn cd_report(words: &[u64], regs: &RegisterSet, s1_stall_disabled: bool) -> StructureReport {
    // A reserved granule encoding does not matter for a disabled half.
    let mut quiet: Vec<&FieldDef> = vec![];
    for (epd, tg) in [(&cd::EPD0, &cd::TG0), (&cd::EPD1, &cd::TG1)] {
        if epd.get(words) != 0 {
            quiet.push(tg);
        }
    }
    report(&CD, words, regs, &quiet, legality::cd(words, regs, s1_stall_disabled), None)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn tables_are_well_formed() {
        for l in [&STE, &CD, &L1STD, &L1CD] {
            for f in l.fields {
                assert!(f.msb() < l.bits, "{}.{} beyond the structure", l.name, f.name);
            }
            // no two fields overlap: where the spec names bits differently by version, the
            // other name is an alias of one field
            for (i, a) in l.fields.iter().enumerate() {
                for b in &l.fields[i + 1..] {
                    assert!(!(a.lsb <= b.msb() && b.lsb <= a.msb()), "{}.{} overlaps {}", l.name, a.name, b.name);
                }
            }
        }
        for l in [&TT_TABLE, &TT_S1_LEAF, &TT_S2_LEAF] {
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
        assert_eq!(ste::V.get(&w), 1);
        assert_eq!(ste::Config.get(&w), 0b101);
        assert_eq!(ste::S1ContextPtr.address(&w), 0x45322000);
        assert_eq!(ste::S1DSS.get(&w), 2);
        assert_eq!(ste::S1CSH.get(&w), 3);
    }
    #[test]
    fn qemu_linux_ste_s2() {
        let w = [0xdu64, 0, 0x044c359400000001, 0x45333000, 0, 0, 0, 0];
        assert_eq!(ste::Config.get(&w), 0b110);
        assert_eq!(ste::S2VMID.get(&w), 1);
        assert_eq!(ste::S2T0SZ.get(&w), 20);
        assert_eq!(ste::S2SL0.get(&w), 2);
        assert_eq!(ste::S2PS.get(&w), 4);
        assert_eq!(ste::S2AA64.get(&w), 1);
        assert_eq!(ste::S2PTW.get(&w), 1);
        assert_eq!(ste::S2R.get(&w), 1);
        assert_eq!(ste::S2TTB.address(&w), 0x45333000);
    }
    #[test]
    fn qemu_linux_cd() {
        let w = [0x0001e204c0003510u64, 0x45333000, 0, 0xfffffffff404ff44, 0, 0, 0, 0];
        assert_eq!(cd::T0SZ.get(&w), 16);
        assert_eq!(cd::TG0.get(&w), 0);
        assert_eq!(cd::EPD1.get(&w), 1);
        assert_eq!(cd::V.get(&w), 1);
        assert_eq!(cd::IPS.get(&w), 4);
        assert_eq!(cd::AA64.get(&w), 1);
        assert_eq!(cd::R.get(&w), 1);
        assert_eq!(cd::A.get(&w), 1);
        assert_eq!(cd::ASET.get(&w), 1);
        assert_eq!(cd::ASID.get(&w), 1);
        assert_eq!(cd::TTB0.address(&w), 0x45333000);
        assert_eq!(cd::MAIR0.get(&w), 0xf404ff44);
        assert_eq!(cd::MAIR1.get(&w), 0xffffffff);
    }
}
