//! Control, status, bypass, interrupt and global error registers of Page 0
//! (IHI 0070 6.3.9 - 6.3.23).
use crate::model::*;

/// Shareability encodings used by SMMU_CR1.*_SH and SMMU_*_IRQ_CFG2.SH.
pub static SH_ENC: &[Enc] = &[
    e(0, "NSH", "Non-shareable"),
    e(2, "OSH", "Outer Shareable"),
    e(3, "ISH", "Inner Shareable"),
];

/// Cacheability encodings used by SMMU_CR1.{TABLE,QUEUE}_{IC,OC}.
pub static CACHE_ENC: &[Enc] = &[
    e(0, "NC", "Non-cacheable"),
    e(1, "WB", "Write-Back Cacheable"),
    e(2, "WT", "Write-Through Cacheable"),
];

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

macro_rules! cr0_fields {
    ($s:literal) => {
        &[
            yn!("SMMUEN", 0, "Non-secure SMMU enable", "all Non-secure streams bypass the SMMU, with attributes from SMMU_GBPA", "all Non-secure streams are checked against configuration structures and may be translated", $s),
            yn!("PRIQEN", 1, "PRI queue writes enabled", "PRI queue writes disabled", "PRI queue writes enabled", $s),
            yn!("EVENTQEN", 2, "Non-secure Event queue writes enabled", "Non-secure Event queue writes disabled", "Non-secure Event queue writes enabled", $s),
            yn!("CMDQEN", 3, "Non-secure Command queue processing enabled", "Non-secure Command queue processing disabled", "Non-secure Command queue processing enabled", $s),
            en("ATSCHK", 4, 1, &[
                e(0, "Fast", "ATS Translated traffic passes without Stream table or TLB lookup"),
                e(1, "Safe", "ATS Translated traffic is checked against STE.EATS"),
            ], "ATS behaviour (when SMMU_IDR0.ATS == 1)", $s),
            en("VMW", 6, 3, &[
                e(0, "Exact", "TLB invalidations match VMID tags exactly"),
                e(1, "VMID[N:1]", "TLB invalidations match VMID[N:1]"),
                e(2, "VMID[N:2]", "TLB invalidations match VMID[N:2]"),
                e(3, "VMID[N:3]", "TLB invalidations match VMID[N:3]"),
                e(4, "VMID[N:4]", "TLB invalidations match VMID[N:4]"),
            ], "VMID Wildcard for TLB invalidation (when SMMU_IDR0.VMW == 1)", $s),
            yn!("DPT_WALK_EN", 10, "Non-secure DPT walks enabled (when SMMU_IDR3.DPT == 1)", "Non-secure DPT walks disabled (when SMMU_IDR3.DPT == 1)", "Non-secure DPT walks enabled (when SMMU_IDR3.DPT == 1)", $s),
        ]
    };
}

pub static CR0: Layout = Layout {
    name: "CR0",
    bits: 32,
    desc: "Non-secure control register 0: enables for the SMMU and its queues",
    section: "6.3.9",
    fields: cr0_fields!("6.3.9"),
};

pub static CR0ACK: Layout = Layout {
    name: "CR0ACK",
    bits: 32,
    desc: "Acknowledgment of SMMU_CR0: each field shows the value whose Update has completed",
    section: "6.3.10",
    fields: cr0_fields!("6.3.10"),
};

pub static CR1: Layout = Layout {
    name: "CR1",
    bits: 32,
    desc: "Non-secure control register 1: memory attributes of queue and table accesses",
    section: "6.3.11",
    fields: &[
        en("QUEUE_IC", 0, 2, CACHE_ENC, "Queue access Inner Cacheability", "6.3.11"),
        en("QUEUE_OC", 2, 2, CACHE_ENC, "Queue access Outer Cacheability", "6.3.11"),
        en("QUEUE_SH", 4, 2, SH_ENC, "Queue access Shareability", "6.3.11"),
        en("TABLE_IC", 6, 2, CACHE_ENC, "Table access Inner Cacheability", "6.3.11"),
        en("TABLE_OC", 8, 2, CACHE_ENC, "Table access Outer Cacheability", "6.3.11"),
        en("TABLE_SH", 10, 2, SH_ENC, "Table access Shareability", "6.3.11"),
    ],
};

pub static CR2: Layout = Layout {
    name: "CR2",
    bits: 32,
    desc: "Non-secure control register 2: EL2-E2H regime, invalid StreamID recording, private TLB maintenance",
    section: "6.3.12",
    fields: &[
        en("E2H", 0, 1, &[
            e(0, "EL2", "EL2 translation regime, without ASIDs or VMIDs"),
            e(1, "EL2-E2H", "EL2-E2H translation regime, with ASIDs"),
        ], "Enable Non-secure EL2-E2H translation regime (when SMMU_IDR0.Hyp == 1)", "6.3.12"),
        yn!("RECINVSID", 1, "C_BAD_STREAMID events for invalid input StreamIDs may be recorded", "C_BAD_STREAMID events are not recorded for the Non-secure interface", "C_BAD_STREAMID events for invalid input StreamIDs may be recorded", "6.3.12"),
        en("PTM", 2, 1, &[
            e(0, "", "the SMMU participates in broadcast TLB maintenance, if implemented"),
            e(1, "", "Private TLB Maintenance: Non-secure broadcast TLB maintenance need not invalidate local entries"),
        ], "Private TLB Maintenance (when SMMU_IDR0.BTM == 1)", "6.3.12"),
        yn!("REC_CFG_ATS", 3, "Extended set of configuration-related events recorded for ATS and PRI (when SMMU_IDR0.ATSRECERR == 1)", "only the base set of events is recorded for ATS and PRI requests", "Extended set of configuration-related events recorded for ATS and PRI (when SMMU_IDR0.ATSRECERR == 1)", "6.3.12"),
    ],
};

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

macro_rules! s2pii {
    ($($p:literal),*) => {
        &[$(en(concat!("S2PII", $p), $p * 4, 4, S2PII_ENC,
               concat!("Stage 2 base permission interpretation for PIIndex ", $p), "6.3.17")),*]
    };
}

pub static S2PII: Layout = Layout {
    name: "S2PII",
    bits: 64,
    desc: "Stage 2 permission indirection interpretations, Non-secure (when SMMU_IDR3.S2PI == 1)",
    section: "6.3.17",
    fields: s2pii!(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
};

pub static STATUSR: Layout = Layout {
    name: "STATUSR",
    bits: 32,
    desc: "Status register",
    section: "6.3.13",
    fields: &[en("DORMANT", 0, 1, &[
        e(0, "", "the SMMU might have cached translation or configuration data"),
        e(1, "", "the SMMU guarantees nothing is cached and no prefetches are in flight"),
    ], "Dormant hint (when SMMU_IDR0.DORMHINT == 1)", "6.3.13")],
};

pub static GBPA: Layout = Layout {
    name: "GBPA",
    bits: 32,
    desc: "Global ByPass Attribute: what happens to Non-secure transactions when SMMU_CR0.SMMUEN == 0",
    section: "6.3.14",
    fields: &[
        numv("MemAttr", 0, 4, MEMATTR_ENC, "Memory type used when MTCFG == 1 (encoded as STE.MemAttr)", "6.3.14"),
        en("MTCFG", 4, 1, &[
            e(0, "Use incoming", "use incoming memory type"),
            e(1, "Override", "override incoming memory type using MemAttr"),
        ], "Memory Type override", "6.3.14"),
        numv("ALLOCCFG", 8, 4, &[
            e(0, "Use incoming", "use incoming RA/WA/TR allocation and transient hints"),
            e(0b1000, "RA=0 WA=0 TR=0", "hints overridden: no Read-Allocate, no Write-Allocate, non-transient"),
            e(0b1001, "RA=0 WA=0 TR=1", "hints overridden: no Read-Allocate, no Write-Allocate, transient"),
            e(0b1010, "RA=0 WA=1 TR=0", "hints overridden: no Read-Allocate, Write-Allocate, non-transient"),
            e(0b1011, "RA=0 WA=1 TR=1", "hints overridden: no Read-Allocate, Write-Allocate, transient"),
            e(0b1100, "RA=1 WA=0 TR=0", "hints overridden: Read-Allocate, no Write-Allocate, non-transient"),
            e(0b1101, "RA=1 WA=0 TR=1", "hints overridden: Read-Allocate, no Write-Allocate, transient"),
            e(0b1110, "RA=1 WA=1 TR=0", "hints overridden: Read-Allocate, Write-Allocate, non-transient"),
            e(0b1111, "RA=1 WA=1 TR=1", "hints overridden: Read-Allocate, Write-Allocate, transient"),
        ], "Allocation configuration: 0b0xxx use incoming, 0b1RWT override RA/WA/TR", "6.3.14"),
        en("SHCFG", 12, 2, &[
            e(0, "NSH", "Non-shareable"),
            e(1, "Use incoming", "use incoming Shareability"),
            e(2, "OSH", "Outer Shareable"),
            e(3, "ISH", "Inner Shareable"),
        ], "Shareability override", "6.3.14"),
        en("PRIVCFG", 16, 2, &[
            e(0, "Use incoming", "use incoming User/Privileged attribute"),
            e(2, "Unprivileged", "Unprivileged"),
            e(3, "Privileged", "Privileged"),
        ], "User/privileged override", "6.3.14"),
        en("INSTCFG", 18, 2, &[
            e(0, "Use incoming", "use incoming Instruction/Data attribute"),
            e(2, "Data", "Data"),
            e(3, "Instruction", "Instruction (reads only; writes are always Data)"),
        ], "Instruction/data override", "6.3.14"),
        en("ABORT", 20, 1, &[
            e(0, "Bypass", "do not abort: transactions bypass the SMMU with the attributes in this register"),
            e(1, "Abort", "abort all incoming transactions"),
        ], "Abort all incoming transactions", "6.3.14"),
        yn!("Update", 31, "Update in progress (the SMMU clears it when the new attributes apply)", "no update in progress", "Update in progress (the SMMU clears it when the new attributes apply)", "6.3.14"),
    ],
};

pub static AGBPA: Layout = Layout {
    name: "AGBPA",
    bits: 32,
    desc: "Alternate Global ByPass Attribute: IMPLEMENTATION DEFINED bypass attributes",
    section: "6.3.15",
    fields: &[hex("IMPLEMENTATION_DEFINED", 0, 32, "IMPLEMENTATION DEFINED attributes to assign (RES0 if unsupported)", "6.3.15")],
};

macro_rules! irq_ctrl_fields {
    ($s:literal) => {
        &[
            yn!("GERROR_IRQEN", 0, "Interrupts from Non-secure Global errors enabled", "Interrupts from Non-secure Global errors disabled", "Interrupts from Non-secure Global errors enabled", $s),
            yn!("PRIQ_IRQEN", 1, "Interrupts from the PRI queue enabled (when SMMU_IDR0.PRI == 1)", "Interrupts from the PRI queue disabled (when SMMU_IDR0.PRI == 1)", "Interrupts from the PRI queue enabled (when SMMU_IDR0.PRI == 1)", $s),
            yn!("EVENTQ_IRQEN", 2, "Interrupts from the Non-secure Event queue enabled", "Interrupts from the Non-secure Event queue disabled", "Interrupts from the Non-secure Event queue enabled", $s),
        ]
    };
}

pub static IRQ_CTRL: Layout = Layout {
    name: "IRQ_CTRL",
    bits: 32,
    desc: "Interrupt control: enables for GERROR, PRI queue and Event queue interrupts",
    section: "6.3.16",
    fields: irq_ctrl_fields!("6.3.16"),
};

pub static IRQ_CTRLACK: Layout = Layout {
    name: "IRQ_CTRLACK",
    bits: 32,
    desc: "Acknowledgment of SMMU_IRQ_CTRL",
    section: "6.3.18",
    fields: irq_ctrl_fields!("6.3.18"),
};

macro_rules! gerror_fields {
    ($s:literal) => {
        &[
            toggle!("CMDQ_ERR", 0, "Command queue error: a command could not be processed (reason in SMMU_CMDQ_CONS.ERR)", $s),
            toggle!("EVENTQ_ABT_ERR", 2, "An Event queue access was terminated with abort", $s),
            toggle!("PRIQ_ABT_ERR", 3, "A PRI queue access was terminated with abort", $s),
            toggle!("MSI_CMDQ_ABT_ERR", 4, "A CMD_SYNC MSI was terminated with abort", $s),
            toggle!("MSI_EVENTQ_ABT_ERR", 5, "An Event queue MSI was terminated with abort", $s),
            toggle!("MSI_PRIQ_ABT_ERR", 6, "A PRI queue MSI was terminated with abort", $s),
            toggle!("MSI_GERROR_ABT_ERR", 7, "A GERROR MSI was terminated with abort", $s),
            toggle!("SFM_ERR", 8, "The SMMU has entered Service failure mode", $s),
            toggle!("CMDQP_ERR", 9, "Errors on a Command queue control page interface (when SMMU_IDR1.ECMDQ == 1)", $s),
            toggle!("DPT_ERR", 10, "DPT lookup fault; syndrome in SMMU_DPT_CFG_FAR (when SMMU_IDR3.DPT == 1)", $s),
        ]
    };
}

pub static GERROR: Layout = Layout {
    name: "GERROR",
    bits: 32,
    desc: "Global errors: an error is active while a bit differs from the same bit of SMMU_GERRORN",
    section: "6.3.19",
    fields: gerror_fields!("6.3.19"),
};

pub static GERRORN: Layout = Layout {
    name: "GERRORN",
    bits: 32,
    desc: "Global error acknowledgment: software toggles a bit to match SMMU_GERROR to acknowledge it",
    section: "6.3.20",
    fields: gerror_fields!("6.3.20"),
};

macro_rules! irq_cfg {
    ($cfg0:ident, $cfg1:ident, $cfg2:ident, $n0:literal, $n1:literal, $n2:literal, $what:literal, $s0:literal, $s1:literal, $s2:literal) => {
        pub static $cfg0: Layout = Layout {
            name: $n0,
            bits: 64,
            desc: concat!($what, " MSI address (when SMMU_IDR0.MSI == 1)"),
            section: $s0,
            fields: &[addr("ADDR", 2, 54, "Physical address of the MSI target register, bits [55:2]; 0 = no MSI (wired IRQ)", $s0)],
        };
        pub static $cfg1: Layout = Layout {
            name: $n1,
            bits: 32,
            desc: concat!($what, " MSI payload (when SMMU_IDR0.MSI == 1)"),
            section: $s1,
            fields: &[hex("DATA", 0, 32, "MSI data payload", $s1)],
        };
        pub static $cfg2: Layout = Layout {
            name: $n2,
            bits: 32,
            desc: concat!($what, " MSI memory type and Shareability (when SMMU_IDR0.MSI == 1)"),
            section: $s2,
            fields: &[
                numv("MemAttr", 0, 4, MEMATTR_ENC, "Memory type of the MSI write (encoded as STE.MemAttr)", $s2),
                en("SH", 4, 2, SH_ENC, "Shareability of the MSI write (IGNORED for Device types)", $s2),
            ],
        };
    };
}

irq_cfg!(GERROR_IRQ_CFG0, GERROR_IRQ_CFG1, GERROR_IRQ_CFG2, "GERROR_IRQ_CFG0", "GERROR_IRQ_CFG1", "GERROR_IRQ_CFG2",
    "Global Error interrupt", "6.3.21", "6.3.22", "6.3.23");
