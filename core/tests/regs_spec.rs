//! Every register field against a table transcribed by hand from IHI 0070 G.b chapter 6
//! (smmu/smmu-6.3.N.md of the spec in markdown), not from the code: each declared field sits
//! at the spec's bits under the spec's name, no spec field is missing, and a random value
//! decodes to the bits at the spec positions.
//!
//! The spec spells two field names with a space ("IMPLEMENTATION DEFINED"); the model
//! needs an identifier, so it uses `IMPLEMENTATION_DEFINED` (compared with `_` for ` `).
use proptest::prelude::*;
use smmu_core::regs::{self, REGISTERS};
use smmu_core::regset::{RegisterInfo, RegisterSet};
use std::collections::BTreeSet;

/// (register, layout selector, field, msb, lsb). The selector is the value given to
/// `RegDef::layout_for`: 0 for every register but SMMU_GATOS_PAR, whose FAULT == 1
/// layout (IHI 0070 6.3.40) is selected by 1.
#[rustfmt::skip]
const SPEC: &[(&str, u64, &str, u16, u16)] = &[
    // 6.3.1 SMMU_IDR0
    ("IDR0", 0, "S2P", 0, 0), ("IDR0", 0, "S1P", 1, 1), ("IDR0", 0, "TTF", 3, 2),
    ("IDR0", 0, "COHACC", 4, 4), ("IDR0", 0, "BTM", 5, 5), ("IDR0", 0, "HTTU", 7, 6),
    ("IDR0", 0, "DORMHINT", 8, 8), ("IDR0", 0, "Hyp", 9, 9), ("IDR0", 0, "ATS", 10, 10),
    ("IDR0", 0, "NS1ATS", 11, 11), ("IDR0", 0, "ASID16", 12, 12), ("IDR0", 0, "MSI", 13, 13),
    ("IDR0", 0, "SEV", 14, 14), ("IDR0", 0, "ATOS", 15, 15), ("IDR0", 0, "PRI", 16, 16),
    ("IDR0", 0, "VMW", 17, 17), ("IDR0", 0, "VMID16", 18, 18), ("IDR0", 0, "CD2L", 19, 19),
    ("IDR0", 0, "VATOS", 20, 20), ("IDR0", 0, "TTENDIAN", 22, 21), ("IDR0", 0, "ATSRECERR", 23, 23),
    ("IDR0", 0, "STALL_MODEL", 25, 24), ("IDR0", 0, "TERM_MODEL", 26, 26),
    ("IDR0", 0, "ST_LEVEL", 28, 27), ("IDR0", 0, "RME_IMPL", 30, 30),
    // 6.3.2 SMMU_IDR1
    ("IDR1", 0, "SIDSIZE", 5, 0), ("IDR1", 0, "SSIDSIZE", 10, 6), ("IDR1", 0, "PRIQS", 15, 11),
    ("IDR1", 0, "EVENTQS", 20, 16), ("IDR1", 0, "CMDQS", 25, 21), ("IDR1", 0, "ATTR_PERMS_OVR", 26, 26),
    ("IDR1", 0, "ATTR_TYPES_OVR", 27, 27), ("IDR1", 0, "REL", 28, 28), ("IDR1", 0, "QUEUES_PRESET", 29, 29),
    ("IDR1", 0, "TABLES_PRESET", 30, 30), ("IDR1", 0, "ECMDQ", 31, 31),
    // 6.3.3 SMMU_IDR2
    ("IDR2", 0, "BA_VATOS", 9, 0),
    // 6.3.4 SMMU_IDR3
    ("IDR3", 0, "HAD", 2, 2), ("IDR3", 0, "PBHA", 3, 3), ("IDR3", 0, "XNX", 4, 4), ("IDR3", 0, "PPS", 5, 5),
    ("IDR3", 0, "MPAM", 7, 7), ("IDR3", 0, "FWB", 8, 8), ("IDR3", 0, "STT", 9, 9), ("IDR3", 0, "RIL", 10, 10),
    ("IDR3", 0, "BBML", 12, 11), ("IDR3", 0, "E0PD", 13, 13), ("IDR3", 0, "PTWNNC", 14, 14),
    ("IDR3", 0, "DPT", 15, 15), ("IDR3", 0, "PASIDTT", 16, 16), ("IDR3", 0, "EPAN", 17, 17),
    ("IDR3", 0, "S1PI", 18, 18), ("IDR3", 0, "S2PI", 19, 19), ("IDR3", 0, "S2PO", 20, 20),
    ("IDR3", 0, "THE", 21, 21), ("IDR3", 0, "MTEPERM", 22, 22), ("IDR3", 0, "AIE", 23, 23),
    // 6.3.5 SMMU_IDR4
    ("IDR4", 0, "IMPLEMENTATION DEFINED", 31, 0),
    // 6.3.6 SMMU_IDR5
    ("IDR5", 0, "OAS", 2, 0), ("IDR5", 0, "GRAN4K", 4, 4), ("IDR5", 0, "GRAN16K", 5, 5),
    ("IDR5", 0, "GRAN64K", 6, 6), ("IDR5", 0, "DS", 7, 7), ("IDR5", 0, "D128", 8, 8),
    ("IDR5", 0, "VAX", 11, 10), ("IDR5", 0, "STALL_MAX", 31, 16),
    // 6.3.7 SMMU_IIDR
    ("IIDR", 0, "Implementer", 11, 0), ("IIDR", 0, "Revision", 15, 12), ("IIDR", 0, "Variant", 19, 16),
    ("IIDR", 0, "ProductID", 31, 20),
    // 6.3.8 SMMU_AIDR
    ("AIDR", 0, "ArchMinorRev", 3, 0), ("AIDR", 0, "ArchMajorRev", 7, 4),
    // 6.3.9 SMMU_CR0, 6.3.10 SMMU_CR0ACK
    ("CR0", 0, "SMMUEN", 0, 0), ("CR0", 0, "PRIQEN", 1, 1), ("CR0", 0, "EVENTQEN", 2, 2),
    ("CR0", 0, "CMDQEN", 3, 3), ("CR0", 0, "ATSCHK", 4, 4), ("CR0", 0, "VMW", 8, 6),
    ("CR0", 0, "DPT_WALK_EN", 10, 10),
    ("CR0ACK", 0, "SMMUEN", 0, 0), ("CR0ACK", 0, "PRIQEN", 1, 1), ("CR0ACK", 0, "EVENTQEN", 2, 2),
    ("CR0ACK", 0, "CMDQEN", 3, 3), ("CR0ACK", 0, "ATSCHK", 4, 4), ("CR0ACK", 0, "VMW", 8, 6),
    ("CR0ACK", 0, "DPT_WALK_EN", 10, 10),
    // 6.3.11 SMMU_CR1
    ("CR1", 0, "QUEUE_IC", 1, 0), ("CR1", 0, "QUEUE_OC", 3, 2), ("CR1", 0, "QUEUE_SH", 5, 4),
    ("CR1", 0, "TABLE_IC", 7, 6), ("CR1", 0, "TABLE_OC", 9, 8), ("CR1", 0, "TABLE_SH", 11, 10),
    // 6.3.12 SMMU_CR2
    ("CR2", 0, "E2H", 0, 0), ("CR2", 0, "RECINVSID", 1, 1), ("CR2", 0, "PTM", 2, 2),
    ("CR2", 0, "REC_CFG_ATS", 3, 3),
    // 6.3.17 SMMU_S2PII: S2PII<p>, bits [4p+3:4p], p = 0 to 15
    ("S2PII", 0, "S2PII0", 3, 0), ("S2PII", 0, "S2PII1", 7, 4), ("S2PII", 0, "S2PII2", 11, 8),
    ("S2PII", 0, "S2PII3", 15, 12), ("S2PII", 0, "S2PII4", 19, 16), ("S2PII", 0, "S2PII5", 23, 20),
    ("S2PII", 0, "S2PII6", 27, 24), ("S2PII", 0, "S2PII7", 31, 28), ("S2PII", 0, "S2PII8", 35, 32),
    ("S2PII", 0, "S2PII9", 39, 36), ("S2PII", 0, "S2PII10", 43, 40), ("S2PII", 0, "S2PII11", 47, 44),
    ("S2PII", 0, "S2PII12", 51, 48), ("S2PII", 0, "S2PII13", 55, 52), ("S2PII", 0, "S2PII14", 59, 56),
    ("S2PII", 0, "S2PII15", 63, 60),
    // 6.3.13 SMMU_STATUSR
    ("STATUSR", 0, "DORMANT", 0, 0),
    // 6.3.14 SMMU_GBPA
    ("GBPA", 0, "MemAttr", 3, 0), ("GBPA", 0, "MTCFG", 4, 4), ("GBPA", 0, "ALLOCCFG", 11, 8),
    ("GBPA", 0, "SHCFG", 13, 12), ("GBPA", 0, "PRIVCFG", 17, 16), ("GBPA", 0, "INSTCFG", 19, 18),
    ("GBPA", 0, "ABORT", 20, 20), ("GBPA", 0, "Update", 31, 31),
    // 6.3.15 SMMU_AGBPA
    ("AGBPA", 0, "IMPLEMENTATION DEFINED", 31, 0),
    // 6.3.16 SMMU_IRQ_CTRL, 6.3.18 SMMU_IRQ_CTRLACK
    ("IRQ_CTRL", 0, "GERROR_IRQEN", 0, 0), ("IRQ_CTRL", 0, "PRIQ_IRQEN", 1, 1),
    ("IRQ_CTRL", 0, "EVENTQ_IRQEN", 2, 2),
    ("IRQ_CTRLACK", 0, "GERROR_IRQEN", 0, 0), ("IRQ_CTRLACK", 0, "PRIQ_IRQEN", 1, 1),
    ("IRQ_CTRLACK", 0, "EVENTQ_IRQEN", 2, 2),
    // 6.3.19 SMMU_GERROR, 6.3.20 SMMU_GERRORN
    ("GERROR", 0, "CMDQ_ERR", 0, 0), ("GERROR", 0, "EVENTQ_ABT_ERR", 2, 2), ("GERROR", 0, "PRIQ_ABT_ERR", 3, 3),
    ("GERROR", 0, "MSI_CMDQ_ABT_ERR", 4, 4), ("GERROR", 0, "MSI_EVENTQ_ABT_ERR", 5, 5),
    ("GERROR", 0, "MSI_PRIQ_ABT_ERR", 6, 6), ("GERROR", 0, "MSI_GERROR_ABT_ERR", 7, 7),
    ("GERROR", 0, "SFM_ERR", 8, 8), ("GERROR", 0, "CMDQP_ERR", 9, 9), ("GERROR", 0, "DPT_ERR", 10, 10),
    ("GERRORN", 0, "CMDQ_ERR", 0, 0), ("GERRORN", 0, "EVENTQ_ABT_ERR", 2, 2), ("GERRORN", 0, "PRIQ_ABT_ERR", 3, 3),
    ("GERRORN", 0, "MSI_CMDQ_ABT_ERR", 4, 4), ("GERRORN", 0, "MSI_EVENTQ_ABT_ERR", 5, 5),
    ("GERRORN", 0, "MSI_PRIQ_ABT_ERR", 6, 6), ("GERRORN", 0, "MSI_GERROR_ABT_ERR", 7, 7),
    ("GERRORN", 0, "SFM_ERR", 8, 8), ("GERRORN", 0, "CMDQP_ERR", 9, 9), ("GERRORN", 0, "DPT_ERR", 10, 10),
    // 6.3.21 - 6.3.23 SMMU_GERROR_IRQ_CFG0..2
    ("GERROR_IRQ_CFG0", 0, "ADDR", 55, 2), ("GERROR_IRQ_CFG1", 0, "DATA", 31, 0),
    ("GERROR_IRQ_CFG2", 0, "MemAttr", 3, 0), ("GERROR_IRQ_CFG2", 0, "SH", 5, 4),
    // 6.3.24 SMMU_STRTAB_BASE, 6.3.25 SMMU_STRTAB_BASE_CFG
    ("STRTAB_BASE", 0, "ADDR", 55, 6), ("STRTAB_BASE", 0, "RA", 62, 62),
    ("STRTAB_BASE_CFG", 0, "LOG2SIZE", 5, 0), ("STRTAB_BASE_CFG", 0, "SPLIT", 10, 6),
    ("STRTAB_BASE_CFG", 0, "FMT", 17, 16),
    // 6.3.26 - 6.3.28 Command queue
    ("CMDQ_BASE", 0, "LOG2SIZE", 4, 0), ("CMDQ_BASE", 0, "ADDR", 55, 5), ("CMDQ_BASE", 0, "RA", 62, 62),
    ("CMDQ_PROD", 0, "WR", 19, 0),
    ("CMDQ_CONS", 0, "RD", 19, 0), ("CMDQ_CONS", 0, "ERR", 30, 24),
    // 6.3.29 - 6.3.32 Event queue (Page 0)
    ("EVENTQ_BASE", 0, "LOG2SIZE", 4, 0), ("EVENTQ_BASE", 0, "ADDR", 55, 5), ("EVENTQ_BASE", 0, "WA", 62, 62),
    ("EVENTQ_IRQ_CFG0", 0, "ADDR", 55, 2), ("EVENTQ_IRQ_CFG1", 0, "DATA", 31, 0),
    ("EVENTQ_IRQ_CFG2", 0, "MemAttr", 3, 0), ("EVENTQ_IRQ_CFG2", 0, "SH", 5, 4),
    // 6.3.33 - 6.3.36 PRI queue (Page 0)
    ("PRIQ_BASE", 0, "LOG2SIZE", 4, 0), ("PRIQ_BASE", 0, "ADDR", 55, 5), ("PRIQ_BASE", 0, "WA", 62, 62),
    ("PRIQ_IRQ_CFG0", 0, "ADDR", 55, 2), ("PRIQ_IRQ_CFG1", 0, "DATA", 31, 0),
    ("PRIQ_IRQ_CFG2", 0, "MemAttr", 3, 0), ("PRIQ_IRQ_CFG2", 0, "SH", 5, 4), ("PRIQ_IRQ_CFG2", 0, "LO", 31, 31),
    // 6.3.37 - 6.3.40 Global ATOS
    ("GATOS_CTRL", 0, "RUN", 0, 0),
    ("GATOS_SID", 0, "STREAMID", 31, 0), ("GATOS_SID", 0, "SUBSTREAMID", 51, 32),
    ("GATOS_SID", 0, "SSID_VALID", 52, 52),
    ("GATOS_ADDR", 0, "HTTUI", 6, 6), ("GATOS_ADDR", 0, "InD", 7, 7), ("GATOS_ADDR", 0, "RnW", 8, 8),
    ("GATOS_ADDR", 0, "PnU", 9, 9), ("GATOS_ADDR", 0, "TYPE", 11, 10), ("GATOS_ADDR", 0, "ADDR", 63, 12),
    //   When SMMU_GATOS_PAR.FAULT == 0
    ("GATOS_PAR", 0, "FAULT", 0, 0), ("GATOS_PAR", 0, "SH", 9, 8), ("GATOS_PAR", 0, "Size", 11, 11),
    ("GATOS_PAR", 0, "ADDR", 55, 12), ("GATOS_PAR", 0, "ATTR", 63, 56),
    //   When SMMU_GATOS_PAR.FAULT == 1
    ("GATOS_PAR", 1, "FAULT", 0, 0), ("GATOS_PAR", 1, "REASON", 2, 1), ("GATOS_PAR", 1, "FAULTCODE", 11, 4),
    ("GATOS_PAR", 1, "FADDR", 55, 12), ("GATOS_PAR", 1, "IMPLEMENTATION DEFINED", 63, 60),
    // 6.3.41 - 6.3.43 MPAM
    ("MPAMIDR", 0, "PARTID_MAX", 15, 0), ("MPAMIDR", 0, "PMG_MAX", 23, 16),
    ("GMPAM", 0, "SO_PARTID", 15, 0), ("GMPAM", 0, "SO_PMG", 23, 16), ("GMPAM", 0, "Update", 31, 31),
    ("GBPMPAM", 0, "GBP_PARTID", 15, 0), ("GBPMPAM", 0, "GBP_PMG", 23, 16), ("GBPMPAM", 0, "Update", 31, 31),
    // 6.3.44 SMMU_VATOS_SEL
    ("VATOS_SEL", 0, "VMID", 15, 0),
    // 6.3.45 SMMU_IDR6
    ("IDR6", 0, "CMDQ_CONTROL_PAGE_LOG2NUMQ", 19, 16), ("IDR6", 0, "CMDQ_CONTROL_PAGE_LOG2NUMP", 27, 24),
    // 6.3.49 - 6.3.51 Command queue control page registers, n = 0
    ("CMDQ_CONTROL_PAGE_BASE0", 0, "CMDQ_CONTROL_PAGE_PRESET", 0, 0), ("CMDQ_CONTROL_PAGE_BASE0", 0, "CMDQGS", 2, 1),
    ("CMDQ_CONTROL_PAGE_BASE0", 0, "ADDR", 55, 16),
    ("CMDQ_CONTROL_PAGE_CFG0", 0, "EN", 0, 0), ("CMDQ_CONTROL_PAGE_STATUS0", 0, "ENACK", 0, 0),
    // 6.3.46 - 6.3.48 Device Permission Table
    ("DPT_BASE", 0, "BADDR", 55, 12), ("DPT_BASE", 0, "RA", 62, 62),
    ("DPT_BASE_CFG", 0, "DPTPS", 2, 0), ("DPT_BASE_CFG", 0, "DPTGS", 15, 14), ("DPT_BASE_CFG", 0, "L0DPTSZ", 23, 20),
    ("DPT_CFG_FAR", 0, "FAULT", 0, 0), ("DPT_CFG_FAR", 0, "LEVEL", 1, 1), ("DPT_CFG_FAR", 0, "DPT_FAULTCODE", 7, 4),
    ("DPT_CFG_FAR", 0, "FADDR", 55, 12),
    // 6.3.95 - 6.3.98 Page 1 queue indexes
    ("EVENTQ_PROD", 0, "WR", 19, 0), ("EVENTQ_PROD", 0, "OVFLG", 31, 31),
    ("EVENTQ_CONS", 0, "RD", 19, 0), ("EVENTQ_CONS", 0, "OVACKFLG", 31, 31),
    ("PRIQ_PROD", 0, "WR", 19, 0), ("PRIQ_PROD", 0, "OVFLG", 31, 31),
    ("PRIQ_CONS", 0, "RD", 19, 0), ("PRIQ_CONS", 0, "OVACKFLG", 31, 31),
];

/// The spec's name as the model spells it.
fn model_name(spec: &str) -> String {
    spec.replace(' ', "_")
}

fn spec_fields(reg: &str, sel: u64) -> BTreeSet<(String, u16, u16)> {
    SPEC.iter().filter(|(r, s, ..)| *r == reg && *s == sel).map(|(_, _, f, m, l)| (model_name(f), *m, *l)).collect()
}

fn selectors(reg: &str) -> BTreeSet<u64> {
    SPEC.iter().filter(|(r, ..)| *r == reg).map(|(_, s, ..)| *s).collect()
}

#[test]
fn every_register_is_in_the_spec_table() {
    for r in REGISTERS {
        assert!(!selectors(r.name).is_empty(), "{} is declared but not in the spec table", r.name);
    }
    for (reg, ..) in SPEC {
        assert!(regs::by_name(reg).is_some(), "spec register {reg} is not declared");
    }
}

#[test]
fn declared_fields_are_the_spec_fields() {
    for r in REGISTERS {
        for sel in selectors(r.name) {
            let layout = r.layout_for(sel);
            let declared: BTreeSet<(String, u16, u16)> =
                layout.fields.iter().map(|f| (f.name.to_string(), f.msb(), f.lsb)).collect();
            let spec = spec_fields(r.name, sel);
            let extra: Vec<_> = declared.difference(&spec).collect();
            let missing: Vec<_> = spec.difference(&declared).collect();
            assert!(extra.is_empty() && missing.is_empty(),
                "{} (layout {}): declared but not in the spec at those bits: {extra:?}; in the spec but not declared: {missing:?}",
                r.name, sel);
        }
    }
}

#[test]
fn gatos_par_fault_layout_names_reason_and_faultcode() {
    // FAULT == 1, REASON == 0b10 (TT), FAULTCODE == 0x10 (F_TRANSLATION).
    let v: u64 = 1 | (0b10 << 1) | (0x10 << 4);
    let r = regs::by_name("GATOS_PAR").expect("GATOS_PAR declared");
    let info = RegisterInfo::new(r, v);
    let get = |n: &str| info.fields.iter().find(|f| f.name == n).map(|f| (f.value, f.meaning.clone()));
    assert_eq!(get("REASON").map(|x| x.0), Some(2));
    assert!(get("REASON").is_some_and(|x| x.1.contains("stage 1 translation table walk")), "{:?}", get("REASON"));
    assert_eq!(get("FAULTCODE").map(|x| x.0), Some(0x10));
    // 9.1.5: FAULTCODE 0x10 is F_TRANSLATION, "Translation fault".
    assert!(get("FAULTCODE").is_some_and(|x| x.1.starts_with("F_TRANSLATION")), "{:?}", get("FAULTCODE"));
    assert!(info.problems.is_empty(), "{:?}", info.problems);
    assert_eq!(info.layout.name, "GATOS_PAR");
    // The decode carries the FAULT == 1 layout and its handles.
    assert!(std::ptr::eq(info.layout, &regs::misc::GATOS_PAR_FAULT));
    let reason = info.field(&regs::misc::gatos_par_fault::REASON).map(|f| f.value);
    assert_eq!(reason, Some(2));
    assert!(get("ADDR").is_none() && get("ATTR").is_none(), "the FAULT == 0 fields must not be shown");
    // FAULT == 0 keeps the result layout.
    let ok = RegisterInfo::new(r, 0x0f00_0000_4000_0300);
    assert!(ok.fields.iter().any(|f| f.name == "ATTR" && f.value == 0x0f));
    assert!(ok.fields.iter().all(|f| f.name != "REASON"));
}

fn mask(msb: u16, lsb: u16) -> u64 {
    let w = msb - lsb + 1;
    if w >= 64 {
        u64::MAX
    } else {
        (1u64 << w) - 1
    }
}

proptest! {
    /// A random value decodes, field by field, to the bits at the spec's positions, both
    /// through the decode and through the typed handles of a register set.
    #[test]
    fn random_values_decode_to_spec_bits(idx in 0..REGISTERS.len(), x in any::<u64>()) {
        let r = &REGISTERS[idx];
        let v = if r.width == 32 { x & 0xffff_ffff } else { x };
        // The layout the spec selects: GATOS_PAR by its FAULT bit [0], the others have one.
        let sel = if selectors(r.name).len() > 1 { v & 1 } else { 0 };
        let info = RegisterInfo::new(r, v);
        let mut set = RegisterSet::new();
        set.insert(r, v, Default::default());
        for (name, msb, lsb) in spec_fields(r.name, sel) {
            let want = (v >> lsb) & mask(msb, lsb);
            let got = info.fields.iter().find(|f| f.name == name).map(|f| f.value);
            prop_assert_eq!(got, Some(want), "{}.{} [{}:{}] of {:#x}", r.name, name, msb, lsb, v);
            let def = info.fields.iter().find(|f| f.name == name).map(|f| f.def);
            prop_assert_eq!(def.and_then(|d| set.read(d)), Some(want), "{}.{} via read", r.name, name);
        }
    }
}

/// The version that introduced a field, from the feature lists of IHI 0070 G.b 2.3 - 2.8
/// (SMMUv3.1-XNX, SMMUv3.2-RIL, SMMUv3.3-ECMDQ, SMMUv3.4-D128, ...) and the fields' own
/// "In SMMUv3.0, this field is RES0" notes. Fields not listed here are SMMUv3.0.
#[rustfmt::skip]
const SINCE: &[(&str, &str, (u8, u8))] = &[
    ("IDR3", "XNX", (3, 1)), ("IDR3", "PBHA", (3, 1)), ("IDR5", "VAX", (3, 1)),
    ("IDR3", "BBML", (3, 2)), ("IDR3", "RIL", (3, 2)), ("IDR3", "STT", (3, 2)), ("IDR3", "MPAM", (3, 2)),
    ("IDR3", "FWB", (3, 2)), ("MPAMIDR", "PARTID_MAX", (3, 2)), ("GMPAM", "SO_PARTID", (3, 2)),
    ("GBPMPAM", "GBP_PARTID", (3, 2)),
    ("IDR3", "E0PD", (3, 3)), ("IDR3", "PTWNNC", (3, 3)), ("IDR1", "ECMDQ", (3, 3)), ("IDR0", "ATSRECERR", (3, 3)),
    ("CR2", "REC_CFG_ATS", (3, 3)), ("IDR0", "RME_IMPL", (3, 3)), ("IDR3", "DPT", (3, 3)),
    ("CR0", "DPT_WALK_EN", (3, 3)), ("GERROR", "DPT_ERR", (3, 3)), ("GERROR", "CMDQP_ERR", (3, 3)),
    ("IDR6", "CMDQ_CONTROL_PAGE_LOG2NUMQ", (3, 3)), ("DPT_BASE", "BADDR", (3, 3)),
    ("IDR5", "DS", (3, 4)), ("IDR3", "EPAN", (3, 4)), ("IDR3", "THE", (3, 4)), ("IDR3", "S1PI", (3, 4)),
    ("IDR3", "S2PI", (3, 4)), ("IDR3", "S2PO", (3, 4)), ("IDR5", "D128", (3, 4)), ("IDR3", "AIE", (3, 4)),
    ("IDR3", "MTEPERM", (3, 4)), ("IDR3", "PASIDTT", (3, 4)), ("S2PII", "S2PII0", (3, 4)),
    ("S2PII", "S2PII15", (3, 4)),
    ("IDR0", "S1P", (3, 0)), ("IDR0", "HTTU", (3, 0)), ("CR0", "SMMUEN", (3, 0)), ("GERROR", "SFM_ERR", (3, 0)),
];

/// Fields that the spec describes as "When SMMU_<IDR>.<F> == 1 (or != 0): ... Otherwise:
/// Reserved, RES0" (6.3.x), with the gating field.
#[rustfmt::skip]
const GATES: &[(&str, &str, &str, &str)] = &[
    ("CR0", "PRIQEN", "IDR0", "PRI"), ("CR0", "ATSCHK", "IDR0", "ATS"), ("CR0", "VMW", "IDR0", "VMW"),
    ("CR0", "DPT_WALK_EN", "IDR3", "DPT"), ("CR0ACK", "DPT_WALK_EN", "IDR3", "DPT"),
    ("CR2", "E2H", "IDR0", "Hyp"), ("CR2", "PTM", "IDR0", "BTM"), ("CR2", "REC_CFG_ATS", "IDR0", "ATSRECERR"),
    ("STATUSR", "DORMANT", "IDR0", "DORMHINT"), ("IRQ_CTRL", "PRIQ_IRQEN", "IDR0", "PRI"),
    ("GERROR", "DPT_ERR", "IDR3", "DPT"), ("GERROR", "CMDQP_ERR", "IDR1", "ECMDQ"),
    ("GERROR", "MSI_GERROR_ABT_ERR", "IDR0", "MSI"), ("GERROR", "PRIQ_ABT_ERR", "IDR0", "PRI"),
    ("IDR2", "BA_VATOS", "IDR0", "VATOS"), ("STRTAB_BASE_CFG", "FMT", "IDR0", "ST_LEVEL"),
    ("STRTAB_BASE_CFG", "SPLIT", "IDR0", "ST_LEVEL"), ("GATOS_SID", "SSID_VALID", "IDR1", "SSIDSIZE"),
    ("S2PII", "S2PII7", "IDR3", "S2PI"), ("MPAMIDR", "PMG_MAX", "IDR3", "MPAM"), ("VATOS_SEL", "VMID", "IDR0", "VATOS"),
    ("IDR6", "CMDQ_CONTROL_PAGE_LOG2NUMP", "IDR1", "ECMDQ"), ("DPT_CFG_FAR", "FADDR", "IDR3", "DPT"),
];

fn def(reg: &str, field: &str) -> &'static smmu_core::model::FieldDef {
    let r = regs::by_name(reg).unwrap_or_else(|| panic!("{reg} declared"));
    r.layouts().flat_map(|l| l.fields.iter()).find(|f| f.name == field).unwrap_or_else(|| panic!("{reg}.{field}"))
}

#[test]
fn fields_carry_the_version_that_introduced_them() {
    for (reg, field, (maj, min)) in SINCE {
        let f = def(reg, field);
        assert_eq!((f.since.major, f.since.minor), (*maj, *min), "{reg}.{field}.since");
    }
}

#[test]
fn fields_carry_the_id_field_that_gates_them() {
    for (reg, field, idr, feat) in GATES {
        let f = def(reg, field);
        let g = f.gate.unwrap_or_else(|| panic!("{reg}.{field} has no gate"));
        assert_eq!((g.field.layout, g.field.name, g.min), (*idr, *feat, 1), "{reg}.{field} gate");
    }
}

#[test]
fn a_gated_field_set_without_its_feature_is_a_problem_in_context() {
    // SMMUv3.3 (AIDR 0x3) without DPT (IDR3 = 0): CR0.DPT_WALK_EN is RES0 (6.3.9).
    let mut set = RegisterSet::new();
    for (n, v) in [("AIDR", 0x3u64), ("IDR3", 0), ("CR0", 1 << 10)] {
        set.insert_named(n, v, Default::default()).expect("declared");
    }
    let cr0 = regs::by_name("CR0").expect("CR0").layout;
    let d = cr0.decode_with(&[1 << 10], Some(&set));
    let f = d.fields.iter().find(|f| f.name == "DPT_WALK_EN").expect("field");
    assert!(!f.status.is_present() && !f.flags.is_empty(), "{f:?}");
    // With IDR3.DPT == 1 it is a field like any other.
    set.insert_named("IDR3", 1 << 15, Default::default()).expect("declared");
    let d = cr0.decode_with(&[1 << 10], Some(&set));
    let f = d.fields.iter().find(|f| f.name == "DPT_WALK_EN").expect("field");
    assert!(f.status.is_present() && f.flags.is_empty(), "{f:?}");
}

#[test]
fn secure_registers_are_named_at_their_offsets() {
    // IHI 0070 G.b 6.2.1, Secure part of Page 0.
    let want = [
        ("S_IDR0", 0x8000),
        ("S_CR0", 0x8020),
        ("S_INIT", 0x803C),
        ("S_GBPA", 0x8044),
        ("S_STRTAB_BASE", 0x8080),
        ("S_EVENTQ_CONS", 0x80AC),
        ("S_GATOS_PAR", 0x8118),
        ("S_IDR6", 0x8190),
        ("S_CMDQ_CONTROL_PAGE_STATUSn", 0xC00C),
    ];
    for (n, off) in want {
        let r = regs::SECURE_REGISTERS.iter().find(|r| r.name == n).unwrap_or_else(|| panic!("{n}"));
        assert_eq!(r.offset, off, "{n}");
    }
    assert_eq!(regs::SECURE_REGISTERS.len(), 43);
    assert!(regs::SECURE_REGISTERS.windows(2).all(|w| w[0].offset < w[1].offset));
}
