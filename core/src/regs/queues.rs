//! Stream table base and queue registers (IHI 0070 6.3.24 - 6.3.36, Page 1 registers
//! 6.3.95 - 6.3.98).
//!
//! SMMU_EVENTQ_PROD/CONS and SMMU_PRIQ_PROD/CONS live in Page 1 (0x100A8, 0x100AC,
//! 0x100C8, 0x100CC). IHI 0070 6.2.1 lists the same offsets in Page 0 (0xA8, 0xAC, 0xC8,
//! 0xCC) as "optional alias of SMMU_EVENTQ_PROD/CONS (SMMU_PRIQ_PROD/CONS), otherwise
//! RAZ/WI"; see [`super::page0_alias`].
use super::control::{MEMATTR_ENC, SH_ENC};
use crate::model::*;

pub static STRTAB_BASE: Layout = Layout {
    name: "STRTAB_BASE",
    bits: 64,
    desc: "Stream table base address",
    section: "6.3.24",
    fields: &[
        addr("ADDR", 6, 50, "Physical address of the Stream table base, bits [55:6]", "6.3.24"),
        yn!("RA", 62, "Read-Allocate hint for Stream table accesses", "No Read-Allocate", "Read-Allocate hint for Stream table accesses", "6.3.24"),
    ],
};

pub static STRTAB_BASE_CFG: Layout = Layout {
    name: "STRTAB_BASE_CFG",
    bits: 32,
    desc: "Stream table configuration: format, size and 2-level split",
    section: "6.3.25",
    fields: &[
        num("LOG2SIZE", 0, 6, "Table size as log2(entries): StreamIDs 0 to 2^LOG2SIZE - 1", "6.3.25"),
        en("SPLIT", 6, 5, &[
            e(6, "6 bits", "StreamID split at bit 6: 4KB leaf tables"),
            e(8, "8 bits", "StreamID split at bit 8: 16KB leaf tables"),
            e(10, "10 bits", "StreamID split at bit 10: 64KB leaf tables"),
        ], "StreamID split point for a 2-level table (IGNORED if FMT == 0b00)", "6.3.25"),
        en("FMT", 16, 2, &[
            e(0, "Linear", "ADDR points to an array of STEs"),
            e(1, "2-level", "ADDR points to an array of Level 1 Stream Table Descriptors"),
        ], "Format of Stream table", "6.3.25"),
    ],
};

macro_rules! queue_base {
    ($id:ident, $name:literal, $what:literal, $hint:literal, $hintdesc:literal, $s:literal) => {
        pub static $id: Layout = Layout {
            name: $name,
            bits: 64,
            desc: concat!($what, " base address and size"),
            section: $s,
            fields: &[
                num("LOG2SIZE", 0, 5, "Queue size as log2(entries)", $s),
                addr("ADDR", 5, 51, "Physical address of the queue base, bits [55:5]", $s),
                yn!($hint, 62, $hintdesc, concat!("no ", $hintdesc), $hintdesc, $s),
            ],
        };
    };
}

queue_base!(CMDQ_BASE, "CMDQ_BASE", "Command queue", "RA", "Read-Allocate hint for Command queue accesses", "6.3.26");
queue_base!(EVENTQ_BASE, "EVENTQ_BASE", "Event queue", "WA", "Write-Allocate hint for Event queue accesses", "6.3.29");
queue_base!(PRIQ_BASE, "PRIQ_BASE", "PRI queue", "WA", "Write-Allocate hint for PRI queue accesses", "6.3.33");

pub static CMDQ_PROD: Layout = Layout {
    name: "CMDQ_PROD",
    bits: 32,
    desc: "Command queue producer write index",
    section: "6.3.27",
    fields: &[num("WR", 0, 20, "Write index: bits [QS-1:0] index, bit [QS] wrap flag (QS = CMDQ_BASE.LOG2SIZE)", "6.3.27")],
};

pub static CMDQ_CONS: Layout = Layout {
    name: "CMDQ_CONS",
    bits: 32,
    desc: "Command queue consumer read index and error reason",
    section: "6.3.28",
    fields: &[
        num("RD", 0, 20, "Read index: bits [QS-1:0] index, bit [QS] wrap flag (QS = CMDQ_BASE.LOG2SIZE)", "6.3.28"),
        numv("ERR", 24, 7, &[
            e(0x00, "CERROR_NONE", "no error"),
            e(0x01, "CERROR_ILL", "illegal command"),
            e(0x02, "CERROR_ABT", "abort on command fetch"),
            e(0x03, "CERROR_ATC_INV_SYNC", "a CMD_SYNC failed to complete its ATC invalidations"),
        ], "Error reason code (valid while SMMU_GERROR.CMDQ_ERR is active)", "6.3.28"),
    ],
};

macro_rules! prod_cons {
    ($prod:ident, $cons:ident, $pn:literal, $cn:literal, $what:literal, $sp:literal, $sc:literal) => {
        pub static $prod: Layout = Layout {
            name: $pn,
            bits: 32,
            desc: concat!($what, " producer write index (Page 1)"),
            section: $sp,
            fields: &[
                num("WR", 0, 20, "Write index: bits [QS-1:0] index, bit [QS] wrap flag (QS = LOG2SIZE of the queue base)", $sp),
                toggle!("OVFLG", 31, "Overflow flag: an overflow is present while it differs from the CONS OVACKFLG", $sp),
            ],
        };
        pub static $cons: Layout = Layout {
            name: $cn,
            bits: 32,
            desc: concat!($what, " consumer read index (Page 1)"),
            section: $sc,
            fields: &[
                num("RD", 0, 20, "Read index: bits [QS-1:0] index, bit [QS] wrap flag (QS = LOG2SIZE of the queue base)", $sc),
                toggle!("OVACKFLG", 31, "Overflow acknowledge flag: software sets it equal to the PROD OVFLG", $sc),
            ],
        };
    };
}

prod_cons!(EVENTQ_PROD, EVENTQ_CONS, "EVENTQ_PROD", "EVENTQ_CONS", "Event queue", "6.3.95", "6.3.96");
prod_cons!(PRIQ_PROD, PRIQ_CONS, "PRIQ_PROD", "PRIQ_CONS", "PRI queue", "6.3.97", "6.3.98");

pub static EVENTQ_IRQ_CFG0: Layout = Layout {
    name: "EVENTQ_IRQ_CFG0",
    bits: 64,
    desc: "Event queue interrupt MSI address (when SMMU_IDR0.MSI == 1)",
    section: "6.3.30",
    fields: &[addr("ADDR", 2, 54, "Physical address of the MSI target register, bits [55:2]; 0 = no MSI (wired IRQ)", "6.3.30")],
};
pub static EVENTQ_IRQ_CFG1: Layout = Layout {
    name: "EVENTQ_IRQ_CFG1",
    bits: 32,
    desc: "Event queue interrupt MSI payload (when SMMU_IDR0.MSI == 1)",
    section: "6.3.31",
    fields: &[hex("DATA", 0, 32, "MSI data payload", "6.3.31")],
};
pub static EVENTQ_IRQ_CFG2: Layout = Layout {
    name: "EVENTQ_IRQ_CFG2",
    bits: 32,
    desc: "Event queue interrupt MSI memory type and Shareability (when SMMU_IDR0.MSI == 1)",
    section: "6.3.32",
    fields: &[
        numv("MemAttr", 0, 4, MEMATTR_ENC, "Memory type of the MSI write (encoded as STE.MemAttr)", "6.3.32"),
        en("SH", 4, 2, SH_ENC, "Shareability of the MSI write (IGNORED for Device types)", "6.3.32"),
    ],
};

pub static PRIQ_IRQ_CFG0: Layout = Layout {
    name: "PRIQ_IRQ_CFG0",
    bits: 64,
    desc: "PRI queue interrupt MSI address (when SMMU_IDR0.MSI == 1 and SMMU_IDR0.PRI == 1)",
    section: "6.3.34",
    fields: &[addr("ADDR", 2, 54, "Physical address of the MSI target register, bits [55:2]; 0 = no MSI (wired IRQ)", "6.3.34")],
};
pub static PRIQ_IRQ_CFG1: Layout = Layout {
    name: "PRIQ_IRQ_CFG1",
    bits: 32,
    desc: "PRI queue interrupt MSI payload (when SMMU_IDR0.MSI == 1 and SMMU_IDR0.PRI == 1)",
    section: "6.3.35",
    fields: &[hex("DATA", 0, 32, "MSI data payload", "6.3.35")],
};
pub static PRIQ_IRQ_CFG2: Layout = Layout {
    name: "PRIQ_IRQ_CFG2",
    bits: 32,
    desc: "PRI queue interrupt MSI attributes and Last Only mode",
    section: "6.3.36",
    fields: &[
        numv("MemAttr", 0, 4, MEMATTR_ENC, "Memory type of the MSI write (encoded as STE.MemAttr)", "6.3.36"),
        en("SH", 4, 2, SH_ENC, "Shareability of the MSI write", "6.3.36"),
        en("LO", 31, 1, &[
            e(0, "", "interrupt when the PRI queue goes from empty to non-empty"),
            e(1, "Last Only", "interrupt only when a PRI message with the L bit set is received"),
        ], "Last Only interrupt mode", "6.3.36"),
    ],
};
