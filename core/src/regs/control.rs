//! Control, status, bypass, interrupt and global error registers of Page 0
//! (IHI 0070 6.3.9 - 6.3.23).
use crate::model::*;

/// Shareability encodings used by SMMU_CR1.*_SH and SMMU_*_IRQ_CFG2.SH.
pub static SH_ENC: &[Enc] =
    &[e(0, "NSH", "Non-shareable"), e(2, "OSH", "Outer Shareable"), e(3, "ISH", "Inner Shareable")];

/// Cacheability encodings used by SMMU_CR1.{TABLE,QUEUE}_{IC,OC}.
pub static CACHE_ENC: &[Enc] =
    &[e(0, "NC", "Non-cacheable"), e(1, "WB", "Write-Back Cacheable"), e(2, "WT", "Write-Through Cacheable")];

/// Memory type encodings of STE.MemAttr, shared by SMMU_GBPA.MemAttr and the
/// SMMU_*_IRQ_CFG2.MemAttr fields. Listed for display; the field is a number so
/// unlisted values are not flagged.
pub static MEMATTR_ENC: &[Enc] = &[
    e(0x0, "Device-nGnRnE", "Device-nGnRnE memory"),
    e(0x1, "Device-nGnRE", "Device-nGnRE memory"),
    e(0x2, "Device-nGRE", "Device-nGRE memory"),
    e(0x3, "Device-GRE", "Device-GRE memory"),
    e(0x5, "Normal NC", "Normal, Outer Non-cacheable, Inner Non-cacheable"),
    e(0x6, "Normal O-NC I-WT", "Normal, Outer Non-cacheable, Inner Write-Through"),
    e(0x7, "Normal O-NC I-WB", "Normal, Outer Non-cacheable, Inner Write-Back"),
    e(0x9, "Normal O-WT I-NC", "Normal, Outer Write-Through, Inner Non-cacheable"),
    e(0xA, "Normal WT", "Normal, Outer Write-Through, Inner Write-Through"),
    e(0xB, "Normal O-WT I-WB", "Normal, Outer Write-Through, Inner Write-Back"),
    e(0xD, "Normal O-WB I-NC", "Normal, Outer Write-Back, Inner Non-cacheable"),
    e(0xE, "Normal O-WB I-WT", "Normal, Outer Write-Back, Inner Write-Through"),
    e(0xF, "Normal WB", "Normal, Outer Write-Back, Inner Write-Back"),
];

pub mod cr0 {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "CR0", bits 32, "6.3.9", "Non-secure control register 0: enables for the SMMU and its queues";
        SMMUEN = yn!("SMMUEN", 0, "Non-secure SMMU enable", "all Non-secure streams bypass the SMMU, with attributes from SMMU_GBPA", "all Non-secure streams are checked against configuration structures and may be translated", "6.3.9");
        PRIQEN = yn!("PRIQEN", 1, "PRI queue writes enabled", "PRI queue writes disabled", "PRI queue writes enabled", "6.3.9").gated(&crate::regs::idr::idr0::PRI, 1);
        EVENTQEN = yn!("EVENTQEN", 2, "Non-secure Event queue writes enabled", "Non-secure Event queue writes disabled", "Non-secure Event queue writes enabled", "6.3.9");
        CMDQEN = yn!("CMDQEN", 3, "Non-secure Command queue processing enabled", "Non-secure Command queue processing disabled", "Non-secure Command queue processing enabled", "6.3.9");
        ATSCHK = en("ATSCHK", 4, 1, &[
        e(0, "Fast", "ATS Translated traffic passes without Stream table or TLB lookup"),
        e(1, "Safe", "ATS Translated traffic is checked against STE.EATS"),
        ], "ATS behaviour (when SMMU_IDR0.ATS == 1)", "6.3.9").gated(&crate::regs::idr::idr0::ATS, 1);
        VMW = en("VMW", 6, 3, &[
        e(0, "Exact", "TLB invalidations match VMID tags exactly"),
        e(1, "VMID[N:1]", "TLB invalidations match VMID[N:1]"),
        e(2, "VMID[N:2]", "TLB invalidations match VMID[N:2]"),
        e(3, "VMID[N:3]", "TLB invalidations match VMID[N:3]"),
        e(4, "VMID[N:4]", "TLB invalidations match VMID[N:4]"),
        ], "VMID Wildcard for TLB invalidation (when SMMU_IDR0.VMW == 1)", "6.3.9").gated(&crate::regs::idr::idr0::VMW, 1);
        DPT_WALK_EN = yn!("DPT_WALK_EN", 10, "Non-secure DPT walks enabled (when SMMU_IDR3.DPT == 1)", "Non-secure DPT walks disabled (when SMMU_IDR3.DPT == 1)", "Non-secure DPT walks enabled (when SMMU_IDR3.DPT == 1)", "6.3.9").since(V3_3).gated(&crate::regs::idr::idr3::DPT, 1);
    }
}
pub use cr0::LAYOUT as CR0;

pub mod cr0ack {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "CR0ACK", bits 32, "6.3.10", "Acknowledgment of SMMU_CR0: each field shows the value whose Update has completed";
        SMMUEN = super::cr0::SMMUEN.in_section("6.3.10");
        PRIQEN = super::cr0::PRIQEN.in_section("6.3.10");
        EVENTQEN = super::cr0::EVENTQEN.in_section("6.3.10");
        CMDQEN = super::cr0::CMDQEN.in_section("6.3.10");
        ATSCHK = super::cr0::ATSCHK.in_section("6.3.10");
        VMW = super::cr0::VMW.in_section("6.3.10");
        DPT_WALK_EN = super::cr0::DPT_WALK_EN.in_section("6.3.10");
    }
}
pub use cr0ack::LAYOUT as CR0ACK;

pub mod cr1 {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "CR1", bits 32, "6.3.11", "Non-secure control register 1: memory attributes of queue and table accesses";
        QUEUE_IC = en("QUEUE_IC", 0, 2, CACHE_ENC, "Queue access Inner Cacheability", "6.3.11");
        QUEUE_OC = en("QUEUE_OC", 2, 2, CACHE_ENC, "Queue access Outer Cacheability", "6.3.11");
        QUEUE_SH = en("QUEUE_SH", 4, 2, SH_ENC, "Queue access Shareability", "6.3.11");
        TABLE_IC = en("TABLE_IC", 6, 2, CACHE_ENC, "Table access Inner Cacheability", "6.3.11");
        TABLE_OC = en("TABLE_OC", 8, 2, CACHE_ENC, "Table access Outer Cacheability", "6.3.11");
        TABLE_SH = en("TABLE_SH", 10, 2, SH_ENC, "Table access Shareability", "6.3.11");
    }
}
pub use cr1::LAYOUT as CR1;

pub mod cr2 {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "CR2", bits 32, "6.3.12", "Non-secure control register 2: EL2-E2H regime, invalid StreamID recording, private TLB maintenance";
        E2H = en("E2H", 0, 1, &[
        e(0, "EL2", "EL2 translation regime, without ASIDs or VMIDs"),
        e(1, "EL2-E2H", "EL2-E2H translation regime, with ASIDs"),
        ], "Enable Non-secure EL2-E2H translation regime (when SMMU_IDR0.Hyp == 1)", "6.3.12").gated(&crate::regs::idr::idr0::Hyp, 1);
        RECINVSID = yn!("RECINVSID", 1, "C_BAD_STREAMID events for invalid input StreamIDs may be recorded", "C_BAD_STREAMID events are not recorded for the Non-secure interface", "C_BAD_STREAMID events for invalid input StreamIDs may be recorded", "6.3.12");
        PTM = en("PTM", 2, 1, &[
        e(0, "", "the SMMU participates in broadcast TLB maintenance, if implemented"),
        e(1, "", "Private TLB Maintenance: Non-secure broadcast TLB maintenance need not invalidate local entries"),
        ], "Private TLB Maintenance (when SMMU_IDR0.BTM == 1)", "6.3.12").gated(&crate::regs::idr::idr0::BTM, 1);
        REC_CFG_ATS = yn!("REC_CFG_ATS", 3, "Extended set of configuration-related events recorded for ATS and PRI (when SMMU_IDR0.ATSRECERR == 1)", "only the base set of events is recorded for ATS and PRI requests", "Extended set of configuration-related events recorded for ATS and PRI (when SMMU_IDR0.ATSRECERR == 1)", "6.3.12").since(V3_3).gated(&crate::regs::idr::idr0::ATSRECERR, 1);
    }
}
pub use cr2::LAYOUT as CR2;

/// The 16 stage 2 base permission interpretations of SMMU_S2PII (and the S2PII<p> fields).
pub static S2PII_ENC: &[Enc] = &[
    e(0b0000, "No Access", "no access"),
    e(0b0010, "MRO", "MRO"),
    e(0b0011, "MRO-TL1", "MRO-TL1"),
    e(0b0100, "WO", "write-only"),
    e(0b0110, "MRO-TL0", "MRO-TL0"),
    e(0b0111, "MRO-TL01", "MRO-TL01"),
    e(0b1000, "RO", "read-only"),
    e(0b1001, "RO+uX", "read-only, unprivileged execute"),
    e(0b1010, "RO+pX", "read-only, privileged execute"),
    e(0b1011, "RO+puX", "read-only, privileged and unprivileged execute"),
    e(0b1100, "RW", "read/write"),
    e(0b1101, "RW+uX", "read/write, unprivileged execute"),
    e(0b1110, "RW+pX", "read/write, privileged execute"),
    e(0b1111, "RW+puX", "read/write, privileged and unprivileged execute"),
];

pub mod s2pii {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "S2PII", bits 64, "6.3.17", "Stage 2 permission indirection interpretations, Non-secure (when SMMU_IDR3.S2PI == 1)";
        S2PII0 = en("S2PII0", 0, 4, S2PII_ENC, "Stage 2 base permission interpretation for PIIndex 0", "6.3.17").since(V3_4).gated(&crate::regs::idr::idr3::S2PI, 1);
        S2PII1 = en("S2PII1", 4, 4, S2PII_ENC, "Stage 2 base permission interpretation for PIIndex 1", "6.3.17").since(V3_4).gated(&crate::regs::idr::idr3::S2PI, 1);
        S2PII2 = en("S2PII2", 8, 4, S2PII_ENC, "Stage 2 base permission interpretation for PIIndex 2", "6.3.17").since(V3_4).gated(&crate::regs::idr::idr3::S2PI, 1);
        S2PII3 = en("S2PII3", 12, 4, S2PII_ENC, "Stage 2 base permission interpretation for PIIndex 3", "6.3.17").since(V3_4).gated(&crate::regs::idr::idr3::S2PI, 1);
        S2PII4 = en("S2PII4", 16, 4, S2PII_ENC, "Stage 2 base permission interpretation for PIIndex 4", "6.3.17").since(V3_4).gated(&crate::regs::idr::idr3::S2PI, 1);
        S2PII5 = en("S2PII5", 20, 4, S2PII_ENC, "Stage 2 base permission interpretation for PIIndex 5", "6.3.17").since(V3_4).gated(&crate::regs::idr::idr3::S2PI, 1);
        S2PII6 = en("S2PII6", 24, 4, S2PII_ENC, "Stage 2 base permission interpretation for PIIndex 6", "6.3.17").since(V3_4).gated(&crate::regs::idr::idr3::S2PI, 1);
        S2PII7 = en("S2PII7", 28, 4, S2PII_ENC, "Stage 2 base permission interpretation for PIIndex 7", "6.3.17").since(V3_4).gated(&crate::regs::idr::idr3::S2PI, 1);
        S2PII8 = en("S2PII8", 32, 4, S2PII_ENC, "Stage 2 base permission interpretation for PIIndex 8", "6.3.17").since(V3_4).gated(&crate::regs::idr::idr3::S2PI, 1);
        S2PII9 = en("S2PII9", 36, 4, S2PII_ENC, "Stage 2 base permission interpretation for PIIndex 9", "6.3.17").since(V3_4).gated(&crate::regs::idr::idr3::S2PI, 1);
        S2PII10 = en("S2PII10", 40, 4, S2PII_ENC, "Stage 2 base permission interpretation for PIIndex 10", "6.3.17").since(V3_4).gated(&crate::regs::idr::idr3::S2PI, 1);
        S2PII11 = en("S2PII11", 44, 4, S2PII_ENC, "Stage 2 base permission interpretation for PIIndex 11", "6.3.17").since(V3_4).gated(&crate::regs::idr::idr3::S2PI, 1);
        S2PII12 = en("S2PII12", 48, 4, S2PII_ENC, "Stage 2 base permission interpretation for PIIndex 12", "6.3.17").since(V3_4).gated(&crate::regs::idr::idr3::S2PI, 1);
        S2PII13 = en("S2PII13", 52, 4, S2PII_ENC, "Stage 2 base permission interpretation for PIIndex 13", "6.3.17").since(V3_4).gated(&crate::regs::idr::idr3::S2PI, 1);
        S2PII14 = en("S2PII14", 56, 4, S2PII_ENC, "Stage 2 base permission interpretation for PIIndex 14", "6.3.17").since(V3_4).gated(&crate::regs::idr::idr3::S2PI, 1);
        S2PII15 = en("S2PII15", 60, 4, S2PII_ENC, "Stage 2 base permission interpretation for PIIndex 15", "6.3.17").since(V3_4).gated(&crate::regs::idr::idr3::S2PI, 1);
    }
}
pub use s2pii::LAYOUT as S2PII;

pub mod statusr {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "STATUSR", bits 32, "6.3.13", "Status register";
        DORMANT = en("DORMANT", 0, 1, &[
        e(0, "", "the SMMU might have cached translation or configuration data"),
        e(1, "", "the SMMU guarantees nothing is cached and no prefetches are in flight"),
        ], "Dormant hint (when SMMU_IDR0.DORMHINT == 1)", "6.3.13").gated(&crate::regs::idr::idr0::DORMHINT, 1);
    }
}
pub use statusr::LAYOUT as STATUSR;

pub mod gbpa {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "GBPA", bits 32, "6.3.14", "Global ByPass Attribute: what happens to Non-secure transactions when SMMU_CR0.SMMUEN == 0";
        MemAttr = numv("MemAttr", 0, 4, MEMATTR_ENC, "Memory type used when MTCFG == 1 (encoded as STE.MemAttr)", "6.3.14");
        MTCFG = en("MTCFG", 4, 1, &[
        e(0, "Use incoming", "use incoming memory type"),
        e(1, "Override", "override incoming memory type using MemAttr"),
        ], "Memory Type override", "6.3.14");
        ALLOCCFG = numv("ALLOCCFG", 8, 4, &[
        e(0, "Use incoming", "use incoming RA/WA/TR allocation and transient hints"),
        e(0b1000, "RA=0 WA=0 TR=0", "hints overridden: no Read-Allocate, no Write-Allocate, non-transient"),
        e(0b1001, "RA=0 WA=0 TR=1", "hints overridden: no Read-Allocate, no Write-Allocate, transient"),
        e(0b1010, "RA=0 WA=1 TR=0", "hints overridden: no Read-Allocate, Write-Allocate, non-transient"),
        e(0b1011, "RA=0 WA=1 TR=1", "hints overridden: no Read-Allocate, Write-Allocate, transient"),
        e(0b1100, "RA=1 WA=0 TR=0", "hints overridden: Read-Allocate, no Write-Allocate, non-transient"),
        e(0b1101, "RA=1 WA=0 TR=1", "hints overridden: Read-Allocate, no Write-Allocate, transient"),
        e(0b1110, "RA=1 WA=1 TR=0", "hints overridden: Read-Allocate, Write-Allocate, non-transient"),
        e(0b1111, "RA=1 WA=1 TR=1", "hints overridden: Read-Allocate, Write-Allocate, transient"),
        ], "Allocation configuration: 0b0xxx use incoming, 0b1RWT override RA/WA/TR", "6.3.14");
        SHCFG = en("SHCFG", 12, 2, &[
        e(0, "NSH", "Non-shareable"),
        e(1, "Use incoming", "use incoming Shareability"),
        e(2, "OSH", "Outer Shareable"),
        e(3, "ISH", "Inner Shareable"),
        ], "Shareability override", "6.3.14");
        PRIVCFG = en("PRIVCFG", 16, 2, &[
        e(0, "Use incoming", "use incoming User/Privileged attribute"),
        e(2, "Unprivileged", "Unprivileged"),
        e(3, "Privileged", "Privileged"),
        ], "User/privileged override", "6.3.14");
        INSTCFG = en("INSTCFG", 18, 2, &[
        e(0, "Use incoming", "use incoming Instruction/Data attribute"),
        e(2, "Data", "Data"),
        e(3, "Instruction", "Instruction (reads only; writes are always Data)"),
        ], "Instruction/data override", "6.3.14");
        ABORT = en("ABORT", 20, 1, &[
        e(0, "Bypass", "do not abort: transactions bypass the SMMU with the attributes in this register"),
        e(1, "Abort", "abort all incoming transactions"),
        ], "Abort all incoming transactions", "6.3.14");
        Update = yn!("Update", 31, "Update in progress (the SMMU clears it when the new attributes apply)", "no update in progress", "Update in progress (the SMMU clears it when the new attributes apply)", "6.3.14");
    }
}
pub use gbpa::LAYOUT as GBPA;

pub mod agbpa {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "AGBPA", bits 32, "6.3.15", "Alternate Global ByPass Attribute: IMPLEMENTATION DEFINED bypass attributes";
        IMPLEMENTATION_DEFINED = hex("IMPLEMENTATION_DEFINED", 0, 32, "IMPLEMENTATION DEFINED attributes to assign (RES0 if unsupported)", "6.3.15");
    }
}
pub use agbpa::LAYOUT as AGBPA;

pub mod irq_ctrl {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "IRQ_CTRL", bits 32, "6.3.16", "Interrupt control: enables for GERROR, PRI queue and Event queue interrupts";
        GERROR_IRQEN = yn!("GERROR_IRQEN", 0, "Interrupts from Non-secure Global errors enabled", "Interrupts from Non-secure Global errors disabled", "Interrupts from Non-secure Global errors enabled", "6.3.16");
        PRIQ_IRQEN = yn!("PRIQ_IRQEN", 1, "Interrupts from the PRI queue enabled (when SMMU_IDR0.PRI == 1)", "Interrupts from the PRI queue disabled (when SMMU_IDR0.PRI == 1)", "Interrupts from the PRI queue enabled (when SMMU_IDR0.PRI == 1)", "6.3.16").gated(&crate::regs::idr::idr0::PRI, 1);
        EVENTQ_IRQEN = yn!("EVENTQ_IRQEN", 2, "Interrupts from the Non-secure Event queue enabled", "Interrupts from the Non-secure Event queue disabled", "Interrupts from the Non-secure Event queue enabled", "6.3.16");
    }
}
pub use irq_ctrl::LAYOUT as IRQ_CTRL;

pub mod irq_ctrlack {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "IRQ_CTRLACK", bits 32, "6.3.18", "Acknowledgment of SMMU_IRQ_CTRL";
        GERROR_IRQEN = super::irq_ctrl::GERROR_IRQEN.in_section("6.3.18");
        PRIQ_IRQEN = super::irq_ctrl::PRIQ_IRQEN.in_section("6.3.18");
        EVENTQ_IRQEN = super::irq_ctrl::EVENTQ_IRQEN.in_section("6.3.18");
    }
}
pub use irq_ctrlack::LAYOUT as IRQ_CTRLACK;

pub mod gerror {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "GERROR", bits 32, "6.3.19", "Global errors: an error is active while a bit differs from the same bit of SMMU_GERRORN";
        CMDQ_ERR = toggle!("CMDQ_ERR", 0, "Command queue error: a command could not be processed (reason in SMMU_CMDQ_CONS.ERR)", "6.3.19");
        EVENTQ_ABT_ERR = toggle!("EVENTQ_ABT_ERR", 2, "An Event queue access was terminated with abort", "6.3.19");
        PRIQ_ABT_ERR = toggle!("PRIQ_ABT_ERR", 3, "A PRI queue access was terminated with abort", "6.3.19").gated(&crate::regs::idr::idr0::PRI, 1);
        MSI_CMDQ_ABT_ERR = toggle!("MSI_CMDQ_ABT_ERR", 4, "A CMD_SYNC MSI was terminated with abort", "6.3.19").gated(&crate::regs::idr::idr0::MSI, 1);
        MSI_EVENTQ_ABT_ERR = toggle!("MSI_EVENTQ_ABT_ERR", 5, "An Event queue MSI was terminated with abort", "6.3.19").gated(&crate::regs::idr::idr0::MSI, 1);
        MSI_PRIQ_ABT_ERR = toggle!("MSI_PRIQ_ABT_ERR", 6, "A PRI queue MSI was terminated with abort", "6.3.19").gated(&crate::regs::idr::idr0::MSI, 1);
        MSI_GERROR_ABT_ERR = toggle!("MSI_GERROR_ABT_ERR", 7, "A GERROR MSI was terminated with abort", "6.3.19").gated(&crate::regs::idr::idr0::MSI, 1);
        SFM_ERR = toggle!("SFM_ERR", 8, "The SMMU has entered Service failure mode", "6.3.19");
        CMDQP_ERR = toggle!("CMDQP_ERR", 9, "Errors on a Command queue control page interface (when SMMU_IDR1.ECMDQ == 1)", "6.3.19").since(V3_3).gated(&crate::regs::idr::idr1::ECMDQ, 1);
        DPT_ERR = toggle!("DPT_ERR", 10, "DPT lookup fault; syndrome in SMMU_DPT_CFG_FAR (when SMMU_IDR3.DPT == 1)", "6.3.19").since(V3_3).gated(&crate::regs::idr::idr3::DPT, 1);
    }
}
pub use gerror::LAYOUT as GERROR;

pub mod gerrorn {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "GERRORN", bits 32, "6.3.20", "Global error acknowledgment: software toggles a bit to match SMMU_GERROR to acknowledge it";
        CMDQ_ERR = super::gerror::CMDQ_ERR.in_section("6.3.20");
        EVENTQ_ABT_ERR = super::gerror::EVENTQ_ABT_ERR.in_section("6.3.20");
        PRIQ_ABT_ERR = super::gerror::PRIQ_ABT_ERR.in_section("6.3.20");
        MSI_CMDQ_ABT_ERR = super::gerror::MSI_CMDQ_ABT_ERR.in_section("6.3.20");
        MSI_EVENTQ_ABT_ERR = super::gerror::MSI_EVENTQ_ABT_ERR.in_section("6.3.20");
        MSI_PRIQ_ABT_ERR = super::gerror::MSI_PRIQ_ABT_ERR.in_section("6.3.20");
        MSI_GERROR_ABT_ERR = super::gerror::MSI_GERROR_ABT_ERR.in_section("6.3.20");
        SFM_ERR = super::gerror::SFM_ERR.in_section("6.3.20");
        CMDQP_ERR = super::gerror::CMDQP_ERR.in_section("6.3.20");
        DPT_ERR = super::gerror::DPT_ERR.in_section("6.3.20");
    }
}
pub use gerrorn::LAYOUT as GERRORN;

pub mod gerror_irq_cfg0 {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "GERROR_IRQ_CFG0", bits 64, "6.3.21", "Global Error interrupt MSI address (when SMMU_IDR0.MSI == 1)";
        ADDR = addr("ADDR", 2, 54, "Physical address of the MSI target register, bits [55:2]; 0 = no MSI (wired IRQ)", "6.3.21").gated(&crate::regs::idr::idr0::MSI, 1);
    }
}
pub use gerror_irq_cfg0::LAYOUT as GERROR_IRQ_CFG0;
pub mod gerror_irq_cfg1 {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "GERROR_IRQ_CFG1", bits 32, "6.3.22", "Global Error interrupt MSI payload (when SMMU_IDR0.MSI == 1)";
        DATA = hex("DATA", 0, 32, "MSI data payload", "6.3.22").gated(&crate::regs::idr::idr0::MSI, 1);
    }
}
pub use gerror_irq_cfg1::LAYOUT as GERROR_IRQ_CFG1;
pub mod gerror_irq_cfg2 {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "GERROR_IRQ_CFG2", bits 32, "6.3.23", "Global Error interrupt MSI memory type and Shareability (when SMMU_IDR0.MSI == 1)";
        MemAttr = numv("MemAttr", 0, 4, MEMATTR_ENC, "Memory type of the MSI write (encoded as STE.MemAttr)", "6.3.23").gated(&crate::regs::idr::idr0::MSI, 1);
        SH = en("SH", 4, 2, SH_ENC, "Shareability of the MSI write (IGNORED for Device types)", "6.3.23").gated(&crate::regs::idr::idr0::MSI, 1);
    }
}
pub use gerror_irq_cfg2::LAYOUT as GERROR_IRQ_CFG2;
