//! SMMUv3 Page 0 and Page 1 registers (IHI 0070 G.b chapter 6), declared once.
//!
//! `REGISTERS` is the single table; `by_name` and `by_offset` are the lookups for names and
//! offsets a user gives; code reads fields through their typed handles
//! (`regs::idr::idr0::BTM`, [`crate::regset::RegisterSet::read`]).
//!
//! Every field carries the version that introduced it (`.since`, from the feature lists
//! of IHI 0070 2.3 - 2.8 and the fields' own "In SMMUv3.0, this field is RES0" notes) and,
//! where the spec says "When SMMU_<IDR>.<F> == 1 ... Otherwise, Reserved, RES0", the ID
//! field that gates it (`.gated`). `tests/regs_spec.rs` checks every field against a table
//! transcribed from the spec.
//!
//! Cross-checked (facts only) against Linux arm-smmu-v3.h, QEMU smmuv3-internal.h and
//! FreeBSD smmureg.h; where they differ the spec is followed:
//! - Linux and FreeBSD mask SMMU_STRTAB_BASE.ADDR, the queue bases' ADDR and the MSI
//!   ADDR fields at bit 51; IHI 0070 G.b has them up to bit 55 (56-bit PA, SMMUv3.4).
//! - QEMU names IDR0.ST_LEVEL `STLEVEL`, CR0.SMMUEN `SMMU_ENABLE`, IRQ_CTRL.PRIQ_IRQEN
//!   `PRI_IRQEN` and GERROR.SFM_ERR `MSI_SFM_ERR`; some QEMU versions define IIDR at 0x1C,
//!   which is SMMU_AIDR (IIDR is at 0x18).
//! - FreeBSD's `PRIQ_BASE_WA` is written `(1UL < 62)`, a comparison, not bit 62.
//! - The spec spells two field names "IMPLEMENTATION DEFINED" (IDR4, AGBPA, GATOS_PAR with
//!   FAULT == 1); the model needs an identifier and writes `IMPLEMENTATION_DEFINED`.

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
    /// A second layout that a field value selects (SMMU_GATOS_PAR with FAULT == 1).
    pub alternate: Option<Alternate>,
}

/// A register layout chosen by the value of one of the register's own fields: when field
/// `when` (a typed handle of the main layout) holds `equals`, the register has `layout`.
#[derive(Debug, Clone, Copy)]
pub struct Alternate {
    pub when: &'static FieldDef,
    pub equals: u64,
    pub layout: &'static Layout,
}

impl RegDef {
    pub fn page(&self) -> u8 {
        (self.offset >> 16) as u8
    }
}

/// A single-bit field with its two spec meanings: `yn!(NAME, bit, desc, if_0, if_1, section)`.
macro_rules! yn {
    ($name:expr, $bit:expr, $desc:expr, $no:expr, $yes:expr, $s:expr) => {
        crate::model::FieldDef::new(
            $name,
            $bit,
            1,
            crate::model::Fmt::Flag,
            &[crate::model::e(0, "no", $no), crate::model::e(1, "yes", $yes)],
            $desc,
            $s,
        )
    };
}

/// A single-bit toggle (GERROR/GERRORN, OVFLG/OVACKFLG): meaningful only against its pair.
macro_rules! toggle {
    ($name:expr, $bit:expr, $desc:expr, $s:expr) => {
        crate::model::FieldDef::new(
            $name,
            $bit,
            1,
            crate::model::Fmt::Flag,
            &[
                crate::model::e(0, "", concat!("0; active while it differs from the paired register's bit: ", $desc)),
                crate::model::e(1, "", concat!("1; active while it differs from the paired register's bit: ", $desc)),
            ],
            $desc,
            $s,
        )
    };
}

pub mod control;
pub mod idr;
pub mod misc;
pub mod queues;

macro_rules! reg {
    ($name:literal, $off:literal, $w:literal, $layout:expr) => {
        RegDef { name: $name, offset: $off, width: $w, layout: &$layout, aliases: &[], alternate: None }
    };
    ($name:literal, $off:literal, $w:literal, $layout:expr, $($alias:literal),+) => {
        RegDef { name: $name, offset: $off, width: $w, layout: &$layout, aliases: &[$($alias),+], alternate: None }
    };
}

/// Every Page 0 and Page 1 register of the Non-secure programming interface, in offset
/// order (IHI 0070 6.2.1 and 6.2.2; of the 256 Command queue control page register
/// groups, n = 0). The Secure registers are named in [`SECURE_REGISTERS`]. Names are the
/// spec's without the `SMMU_` prefix; aliases are the names Linux and QEMU use.
pub static REGISTERS: &[RegDef] = &[
    reg!("IDR0", 0x0, 32, idr::IDR0),
    reg!("IDR1", 0x4, 32, idr::IDR1),
    reg!("IDR2", 0x8, 32, idr::IDR2),
    reg!("IDR3", 0xC, 32, idr::IDR3),
    reg!("IDR4", 0x10, 32, idr::IDR4),
    reg!("IDR5", 0x14, 32, idr::IDR5),
    reg!("IIDR", 0x18, 32, idr::IIDR),
    reg!("AIDR", 0x1C, 32, idr::AIDR),
    reg!("CR0", 0x20, 32, control::CR0),
    reg!("CR0ACK", 0x24, 32, control::CR0ACK, "CR0_ACK"),
    reg!("CR1", 0x28, 32, control::CR1),
    reg!("CR2", 0x2C, 32, control::CR2),
    reg!("S2PII", 0x30, 64, control::S2PII),
    reg!("STATUSR", 0x40, 32, control::STATUSR),
    reg!("GBPA", 0x44, 32, control::GBPA),
    reg!("AGBPA", 0x48, 32, control::AGBPA),
    reg!("IRQ_CTRL", 0x50, 32, control::IRQ_CTRL),
    reg!("IRQ_CTRLACK", 0x54, 32, control::IRQ_CTRLACK, "IRQ_CTRL_ACK"),
    reg!("GERROR", 0x60, 32, control::GERROR),
    reg!("GERRORN", 0x64, 32, control::GERRORN),
    reg!("GERROR_IRQ_CFG0", 0x68, 64, control::GERROR_IRQ_CFG0),
    reg!("GERROR_IRQ_CFG1", 0x70, 32, control::GERROR_IRQ_CFG1),
    reg!("GERROR_IRQ_CFG2", 0x74, 32, control::GERROR_IRQ_CFG2),
    reg!("STRTAB_BASE", 0x80, 64, queues::STRTAB_BASE),
    reg!("STRTAB_BASE_CFG", 0x88, 32, queues::STRTAB_BASE_CFG),
    reg!("CMDQ_BASE", 0x90, 64, queues::CMDQ_BASE),
    reg!("CMDQ_PROD", 0x98, 32, queues::CMDQ_PROD),
    reg!("CMDQ_CONS", 0x9C, 32, queues::CMDQ_CONS),
    reg!("EVENTQ_BASE", 0xA0, 64, queues::EVENTQ_BASE, "EVTQ_BASE"),
    reg!("EVENTQ_IRQ_CFG0", 0xB0, 64, queues::EVENTQ_IRQ_CFG0, "EVTQ_IRQ_CFG0"),
    reg!("EVENTQ_IRQ_CFG1", 0xB8, 32, queues::EVENTQ_IRQ_CFG1, "EVTQ_IRQ_CFG1"),
    reg!("EVENTQ_IRQ_CFG2", 0xBC, 32, queues::EVENTQ_IRQ_CFG2, "EVTQ_IRQ_CFG2"),
    reg!("PRIQ_BASE", 0xC0, 64, queues::PRIQ_BASE),
    reg!("PRIQ_IRQ_CFG0", 0xD0, 64, queues::PRIQ_IRQ_CFG0),
    reg!("PRIQ_IRQ_CFG1", 0xD8, 32, queues::PRIQ_IRQ_CFG1),
    reg!("PRIQ_IRQ_CFG2", 0xDC, 32, queues::PRIQ_IRQ_CFG2),
    reg!("GATOS_CTRL", 0x100, 32, misc::GATOS_CTRL),
    reg!("GATOS_SID", 0x108, 64, misc::GATOS_SID),
    reg!("GATOS_ADDR", 0x110, 64, misc::GATOS_ADDR),
    RegDef {
        name: "GATOS_PAR",
        offset: 0x118,
        width: 64,
        layout: &misc::GATOS_PAR,
        aliases: &[],
        // IHI 0070 6.3.40: "The format is determined by the FAULT field."
        alternate: Some(Alternate { when: &misc::gatos_par::FAULT, equals: 1, layout: &misc::GATOS_PAR_FAULT }),
    },
    reg!("MPAMIDR", 0x130, 32, misc::MPAMIDR),
    reg!("GMPAM", 0x138, 32, misc::GMPAM),
    reg!("GBPMPAM", 0x13C, 32, misc::GBPMPAM),
    reg!("VATOS_SEL", 0x180, 32, misc::VATOS_SEL),
    reg!("IDR6", 0x190, 32, idr::IDR6),
    reg!("DPT_BASE", 0x200, 64, misc::DPT_BASE),
    reg!("DPT_BASE_CFG", 0x208, 32, misc::DPT_BASE_CFG),
    reg!("DPT_CFG_FAR", 0x210, 64, misc::DPT_CFG_FAR),
    reg!("CMDQ_CONTROL_PAGE_BASE0", 0x4000, 64, misc::CMDQ_CONTROL_PAGE_BASE0),
    reg!("CMDQ_CONTROL_PAGE_CFG0", 0x4008, 32, misc::CMDQ_CONTROL_PAGE_CFG0),
    reg!("CMDQ_CONTROL_PAGE_STATUS0", 0x400C, 32, misc::CMDQ_CONTROL_PAGE_STATUS0),
    reg!("EVENTQ_PROD", 0x100A8, 32, queues::EVENTQ_PROD, "EVTQ_PROD"),
    reg!("EVENTQ_CONS", 0x100AC, 32, queues::EVENTQ_CONS, "EVTQ_CONS"),
    reg!("PRIQ_PROD", 0x100C8, 32, queues::PRIQ_PROD),
    reg!("PRIQ_CONS", 0x100CC, 32, queues::PRIQ_CONS),
];

impl RegDef {
    /// The layout that applies to `value`. Every register has one layout except
    /// SMMU_GATOS_PAR, whose format depends on its FAULT bit (IHI 0070 6.3.40): the choice
    /// is read through the typed handle in [`RegDef::alternate`].
    pub fn layout_for(&self, value: u64) -> &'static Layout {
        match self.alternate {
            Some(a) if a.when.get(&[value]) == a.equals => a.layout,
            _ => self.layout,
        }
    }
    /// Every layout the register can have: the main one, then the alternate.
    pub fn layouts(&self) -> impl Iterator<Item = &'static Layout> {
        std::iter::once(self.layout).chain(self.alternate.map(|a| a.layout))
    }
}

/// The Page 1 register that a Page 0 offset may alias.
///
/// IHI 0070 6.2.1: Page 0 offsets 0xA8, 0xAC, 0xC8 and 0xCC are an "optional alias of"
/// SMMU_EVENTQ_PROD, SMMU_EVENTQ_CONS, SMMU_PRIQ_PROD and SMMU_PRIQ_CONS, "otherwise
/// RAZ/WI"; accessing them is CONSTRAINED UNPREDICTABLE. QEMU aliases Page 0 and Page 1,
/// and some implementations (Cavium CN99xx, Linux ARM_SMMU_OPT_PAGE0_REGS_ONLY) only have
/// Page 0. `by_offset`/`containing` stay architectural (those offsets hold no register);
/// a parser of a Page 0 dump may use this to accept the value with a note.
pub fn page0_alias(offset: u32) -> Option<&'static RegDef> {
    match offset {
        0xA8 | 0xAC | 0xC8 | 0xCC => by_offset(offset + 0x10000),
        _ => None,
    }
}

/// Looks a register up by name: case-insensitive, optional `SMMU_` prefix, aliases.
pub fn by_name(name: &str) -> Option<&'static RegDef> {
    let n = name.trim();
    // `get` keeps a multi-byte character at byte 5 from panicking.
    let n = match (n.get(..5), n.get(5..)) {
        (Some(p), Some(rest)) if !rest.is_empty() && p.eq_ignore_ascii_case("SMMU_") => rest,
        _ => n,
    };
    REGISTERS.iter().find(|r| r.name.eq_ignore_ascii_case(n) || r.aliases.iter().any(|a| a.eq_ignore_ascii_case(n)))
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

/// True when `a` and `b` are the same field: the same name at the same bits of the same
/// layout. Typed handles are `const`s, so two references to one handle need not be the
/// same address; this is how rule tables keyed by handle find a field.
pub fn same_field(a: &FieldDef, b: &FieldDef) -> bool {
    a.layout == b.layout && a.lsb == b.lsb && a.width == b.width && a.name == b.name
}

/// A typed field handle in a report struct: compares with [`same_field`], prints as
/// `IDR0.BTM`.
#[derive(Clone, Copy)]
pub struct FieldRef(pub &'static FieldDef);

impl PartialEq for FieldRef {
    fn eq(&self, o: &Self) -> bool {
        same_field(self.0, o.0)
    }
}
impl Eq for FieldRef {}

impl std::fmt::Debug for FieldRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.0.layout, self.0.name)
    }
}

/// A register of the Secure programming interface (Page 0 offsets 0x8000 - 0xC01C),
/// named only: IHI 0070 G.b 6.2.1 lists them and 6.3.52 - 6.3.94 define them, but they
/// are RAZ/WI to the Non-secure accesses a Linux host makes, so no dump this project reads
/// holds them and their fields are not modelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecureReg {
    /// Spec name without the `SMMU_` prefix (`S_IDR0`).
    pub name: &'static str,
    /// Byte offset from the SMMU base (for `..._CONTROL_PAGE_*n`: of n = 0; each n adds 32).
    pub offset: u32,
    /// 32 or 64.
    pub width: u8,
    /// The section of IHI 0070 G.b that defines it.
    pub section: &'static str,
}

const fn s(name: &'static str, offset: u32, width: u8, section: &'static str) -> SecureReg {
    SecureReg { name, offset, width, section }
}

/// The Secure registers in offset order (IHI 0070 G.b 6.2.1; sections 6.3.52 - 6.3.94).
pub static SECURE_REGISTERS: &[SecureReg] = &[
    s("S_IDR0", 0x8000, 32, "6.3.52"),
    s("S_IDR1", 0x8004, 32, "6.3.53"),
    s("S_IDR2", 0x8008, 32, "6.3.54"),
    s("S_IDR3", 0x800C, 32, "6.3.55"),
    s("S_IDR4", 0x8010, 32, "6.3.56"),
    s("S_CR0", 0x8020, 32, "6.3.57"),
    s("S_CR0ACK", 0x8024, 32, "6.3.58"),
    s("S_CR1", 0x8028, 32, "6.3.59"),
    s("S_CR2", 0x802C, 32, "6.3.60"),
    s("S_S2PII", 0x8030, 64, "6.3.61"),
    s("S_INIT", 0x803C, 32, "6.3.62"),
    s("S_GBPA", 0x8044, 32, "6.3.63"),
    s("S_AGBPA", 0x8048, 32, "6.3.64"),
    s("S_IRQ_CTRL", 0x8050, 32, "6.3.65"),
    s("S_IRQ_CTRLACK", 0x8054, 32, "6.3.66"),
    s("S_GERROR", 0x8060, 32, "6.3.67"),
    s("S_GERRORN", 0x8064, 32, "6.3.68"),
    s("S_GERROR_IRQ_CFG0", 0x8068, 64, "6.3.69"),
    s("S_GERROR_IRQ_CFG1", 0x8070, 32, "6.3.70"),
    s("S_GERROR_IRQ_CFG2", 0x8074, 32, "6.3.71"),
    s("S_STRTAB_BASE", 0x8080, 64, "6.3.72"),
    s("S_STRTAB_BASE_CFG", 0x8088, 32, "6.3.73"),
    s("S_CMDQ_BASE", 0x8090, 64, "6.3.74"),
    s("S_CMDQ_PROD", 0x8098, 32, "6.3.75"),
    s("S_CMDQ_CONS", 0x809C, 32, "6.3.76"),
    s("S_EVENTQ_BASE", 0x80A0, 64, "6.3.77"),
    s("S_EVENTQ_PROD", 0x80A8, 32, "6.3.78"),
    s("S_EVENTQ_CONS", 0x80AC, 32, "6.3.79"),
    s("S_EVENTQ_IRQ_CFG0", 0x80B0, 64, "6.3.80"),
    s("S_EVENTQ_IRQ_CFG1", 0x80B8, 32, "6.3.81"),
    s("S_EVENTQ_IRQ_CFG2", 0x80BC, 32, "6.3.82"),
    s("S_GATOS_CTRL", 0x8100, 32, "6.3.83"),
    s("S_GATOS_SID", 0x8108, 64, "6.3.84"),
    s("S_GATOS_ADDR", 0x8110, 64, "6.3.85"),
    s("S_GATOS_PAR", 0x8118, 64, "6.3.86"),
    s("S_MPAMIDR", 0x8130, 32, "6.3.87"),
    s("S_GMPAM", 0x8138, 32, "6.3.88"),
    s("S_GBPMPAM", 0x813C, 32, "6.3.89"),
    s("S_VATOS_SEL", 0x8180, 32, "6.3.90"),
    s("S_IDR6", 0x8190, 32, "6.3.91"),
    s("S_CMDQ_CONTROL_PAGE_BASEn", 0xC000, 64, "6.3.92"),
    s("S_CMDQ_CONTROL_PAGE_CFGn", 0xC008, 32, "6.3.93"),
    s("S_CMDQ_CONTROL_PAGE_STATUSn", 0xC00C, 32, "6.3.94"),
];
