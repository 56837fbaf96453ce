//! SMMUv3 Page 0 and Page 1 registers (IHI 0070 chapter 6), declared once.
//!
//! OWNER: registers helper. `REGISTERS` is the single table; `by_name` and `by_offset`
//! are the only lookups other modules use.

use crate::model::*;

/// A memory-mapped register.
#[derive(Debug, Clone, Copy)]
pub struct RegDef {
    /// Spec name without the `SMMU_` prefix (`IDR0`, `STRTAB_BASE`).
    pub name: &'static str,
    /// Byte offset from the SMMU base (Page 1 registers are at 0x10000 + offset).
    pub offset: u32,
    /// 32 or 64.
    pub width: u8,
    pub layout: &'static Layout,
    /// Other names people use for it (for example `IRQ_CTRL_ACK`).
    pub aliases: &'static [&'static str],
}

impl RegDef {
    pub fn page(&self) -> u8 {
        (self.offset >> 16) as u8
    }
}

pub mod idr;
pub mod walk_prereq;

/// Every register, in offset order.
pub static REGISTERS: &[RegDef] = &[
    RegDef { name: "IDR0", offset: 0x0, width: 32, layout: &idr::IDR0, aliases: &[] },
    RegDef { name: "IDR1", offset: 0x4, width: 32, layout: &walk_prereq::IDR1, aliases: &[] },
    RegDef { name: "IDR3", offset: 0xc, width: 32, layout: &walk_prereq::IDR3, aliases: &[] },
    RegDef { name: "IDR5", offset: 0x14, width: 32, layout: &walk_prereq::IDR5, aliases: &[] },
    RegDef { name: "CR0", offset: 0x20, width: 32, layout: &walk_prereq::CR0, aliases: &[] },
    RegDef { name: "GBPA", offset: 0x44, width: 32, layout: &walk_prereq::GBPA, aliases: &[] },
    RegDef { name: "STRTAB_BASE", offset: 0x80, width: 64, layout: &walk_prereq::STRTAB_BASE, aliases: &[] },
    RegDef { name: "STRTAB_BASE_CFG", offset: 0x88, width: 32, layout: &walk_prereq::STRTAB_BASE_CFG, aliases: &[] },
];

/// Looks a register up by name: case-insensitive, optional `SMMU_` prefix, aliases.
pub fn by_name(name: &str) -> Option<&'static RegDef> {
    let n = name.trim();
    let n = if n.len() > 5 && n[..5].eq_ignore_ascii_case("SMMU_") { &n[5..] } else { n };
    REGISTERS
        .iter()
        .find(|r| r.name.eq_ignore_ascii_case(n) || r.aliases.iter().any(|a| a.eq_ignore_ascii_case(n)))
}

/// Looks a register up by byte offset from the SMMU base. A 64-bit register is found by
/// its low offset only; use [`containing`] for the high half.
pub fn by_offset(offset: u32) -> Option<&'static RegDef> {
    REGISTERS.iter().find(|r| r.offset == offset)
}

/// The register whose bytes include `offset`, with the byte position within it.
pub fn containing(offset: u32) -> Option<(&'static RegDef, u32)> {
    REGISTERS
        .iter()
        .find(|r| offset >= r.offset && offset < r.offset + r.width as u32 / 8)
        .map(|r| (r, offset - r.offset))
}
