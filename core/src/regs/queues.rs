//! Stream table base and queue registers (IHI 0070 6.3.24 - 6.3.36, Page 1 registers
//! 6.3.95 - 6.3.98).
//!
//! SMMU_EVENTQ_PROD/CONS and SMMU_PRIQ_PROD/CONS live in Page 1 (0x100A8, 0x100AC,
//! 0x100C8, 0x100CC). IHI 0070 6.2.1 lists the same offsets in Page 0 (0xA8, 0xAC, 0xC8,
//! 0xCC) as "optional alias of SMMU_EVENTQ_PROD/CONS (SMMU_PRIQ_PROD/CONS), otherwise
//! RAZ/WI"; see [`super::page0_alias`].
use super::control::{MEMATTR_ENC, SH_ENC};
use crate::model::*;

pub mod strtab_base {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "STRTAB_BASE", bits 64, "6.3.24", "Stream table base address";
        ADDR = addr("ADDR", 6, 50, "Physical address of the Stream table base, bits [55:6]", "6.3.24");
        RA = yn!("RA", 62, "Read-Allocate hint for Stream table accesses", "No Read-Allocate", "Read-Allocate hint for Stream table accesses", "6.3.24");
    }
}
pub use strtab_base::LAYOUT as STRTAB_BASE;

pub mod strtab_base_cfg {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "STRTAB_BASE_CFG", bits 32, "6.3.25", "Stream table configuration: format, size and 2-level split";
        LOG2SIZE = num("LOG2SIZE", 0, 6, "Table size as log2(entries): StreamIDs 0 to 2^LOG2SIZE - 1", "6.3.25");
        SPLIT = en("SPLIT", 6, 5, &[
        e(6, "6 bits", "StreamID split at bit 6: 4KB leaf tables"),
        e(8, "8 bits", "StreamID split at bit 8: 16KB leaf tables"),
        e(10, "10 bits", "StreamID split at bit 10: 64KB leaf tables"),
        ], "StreamID split point for a 2-level table (IGNORED if FMT == 0b00)", "6.3.25").gated(&crate::regs::idr::idr0::ST_LEVEL, 1);
        FMT = en("FMT", 16, 2, &[
        e(0, "Linear", "ADDR points to an array of STEs"),
        e(1, "2-level", "ADDR points to an array of Level 1 Stream Table Descriptors"),
        ], "Format of Stream table", "6.3.25").gated(&crate::regs::idr::idr0::ST_LEVEL, 1);
    }
}
pub use strtab_base_cfg::LAYOUT as STRTAB_BASE_CFG;

pub mod cmdq_base {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "CMDQ_BASE", bits 64, "6.3.26", "Command queue base address and size";
        LOG2SIZE = num("LOG2SIZE", 0, 5, "Queue size as log2(entries)", "6.3.26");
        ADDR = addr("ADDR", 5, 51, "Physical address of the queue base, bits [55:5]", "6.3.26");
        RA = yn!("RA", 62, "Read-Allocate hint for Command queue accesses", "no Read-Allocate hint for Command queue accesses", "Read-Allocate hint for Command queue accesses", "6.3.26");
    }
}
pub use cmdq_base::LAYOUT as CMDQ_BASE;
pub mod eventq_base {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "EVENTQ_BASE", bits 64, "6.3.29", "Event queue base address and size";
        LOG2SIZE = num("LOG2SIZE", 0, 5, "Queue size as log2(entries)", "6.3.29");
        ADDR = addr("ADDR", 5, 51, "Physical address of the queue base, bits [55:5]", "6.3.29");
        WA = yn!("WA", 62, "Write-Allocate hint for Event queue accesses", "no Write-Allocate hint for Event queue accesses", "Write-Allocate hint for Event queue accesses", "6.3.29");
    }
}
pub use eventq_base::LAYOUT as EVENTQ_BASE;
pub mod priq_base {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "PRIQ_BASE", bits 64, "6.3.33", "PRI queue base address and size";
        LOG2SIZE = num("LOG2SIZE", 0, 5, "Queue size as log2(entries)", "6.3.33").gated(&crate::regs::idr::idr0::PRI, 1);
        ADDR = addr("ADDR", 5, 51, "Physical address of the queue base, bits [55:5]", "6.3.33").gated(&crate::regs::idr::idr0::PRI, 1);
        WA = yn!("WA", 62, "Write-Allocate hint for PRI queue accesses", "no Write-Allocate hint for PRI queue accesses", "Write-Allocate hint for PRI queue accesses", "6.3.33").gated(&crate::regs::idr::idr0::PRI, 1);
    }
}
pub use priq_base::LAYOUT as PRIQ_BASE;

pub mod cmdq_prod {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "CMDQ_PROD", bits 32, "6.3.27", "Command queue producer write index";
        WR = num("WR", 0, 20, "Write index: bits [QS-1:0] index, bit [QS] wrap flag (QS = CMDQ_BASE.LOG2SIZE)", "6.3.27");
    }
}
pub use cmdq_prod::LAYOUT as CMDQ_PROD;

pub mod cmdq_cons {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "CMDQ_CONS", bits 32, "6.3.28", "Command queue consumer read index and error reason";
        RD = num("RD", 0, 20, "Read index: bits [QS-1:0] index, bit [QS] wrap flag (QS = CMDQ_BASE.LOG2SIZE)", "6.3.28");
        ERR = numv("ERR", 24, 7, &[
        e(0x00, "CERROR_NONE", "no error"),
        e(0x01, "CERROR_ILL", "illegal command"),
        e(0x02, "CERROR_ABT", "abort on command fetch"),
        e(0x03, "CERROR_ATC_INV_SYNC", "a CMD_SYNC failed to complete its ATC invalidations"),
        ], "Error reason code (valid while SMMU_GERROR.CMDQ_ERR is active)", "6.3.28");
    }
}
pub use cmdq_cons::LAYOUT as CMDQ_CONS;

pub mod eventq_prod {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "EVENTQ_PROD", bits 32, "6.3.95", "Event queue producer write index (Page 1)";
        WR = num("WR", 0, 20, "Write index: bits [QS-1:0] index, bit [QS] wrap flag (QS = LOG2SIZE of the queue base)", "6.3.95");
        OVFLG = toggle!("OVFLG", 31, "Overflow flag: an overflow is present while it differs from the CONS OVACKFLG", "6.3.95");
    }
}
pub use eventq_prod::LAYOUT as EVENTQ_PROD;
pub mod eventq_cons {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "EVENTQ_CONS", bits 32, "6.3.96", "Event queue consumer read index (Page 1)";
        RD = num("RD", 0, 20, "Read index: bits [QS-1:0] index, bit [QS] wrap flag (QS = LOG2SIZE of the queue base)", "6.3.96");
        OVACKFLG = toggle!("OVACKFLG", 31, "Overflow acknowledge flag: software sets it equal to the PROD OVFLG", "6.3.96");
    }
}
pub use eventq_cons::LAYOUT as EVENTQ_CONS;
pub mod priq_prod {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "PRIQ_PROD", bits 32, "6.3.97", "PRI queue producer write index (Page 1)";
        WR = num("WR", 0, 20, "Write index: bits [QS-1:0] index, bit [QS] wrap flag (QS = LOG2SIZE of the queue base)", "6.3.97").gated(&crate::regs::idr::idr0::PRI, 1);
        OVFLG = toggle!("OVFLG", 31, "Overflow flag: an overflow is present while it differs from the CONS OVACKFLG", "6.3.97").gated(&crate::regs::idr::idr0::PRI, 1);
    }
}
pub use priq_prod::LAYOUT as PRIQ_PROD;
pub mod priq_cons {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "PRIQ_CONS", bits 32, "6.3.98", "PRI queue consumer read index (Page 1)";
        RD = num("RD", 0, 20, "Read index: bits [QS-1:0] index, bit [QS] wrap flag (QS = LOG2SIZE of the queue base)", "6.3.98").gated(&crate::regs::idr::idr0::PRI, 1);
        OVACKFLG = toggle!("OVACKFLG", 31, "Overflow acknowledge flag: software sets it equal to the PROD OVFLG", "6.3.98").gated(&crate::regs::idr::idr0::PRI, 1);
    }
}
pub use priq_cons::LAYOUT as PRIQ_CONS;

pub mod eventq_irq_cfg0 {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "EVENTQ_IRQ_CFG0", bits 64, "6.3.30", "Event queue interrupt MSI address (when SMMU_IDR0.MSI == 1)";
        ADDR = addr("ADDR", 2, 54, "Physical address of the MSI target register, bits [55:2]; 0 = no MSI (wired IRQ)", "6.3.30").gated(&crate::regs::idr::idr0::MSI, 1);
    }
}
pub use eventq_irq_cfg0::LAYOUT as EVENTQ_IRQ_CFG0;
pub mod eventq_irq_cfg1 {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "EVENTQ_IRQ_CFG1", bits 32, "6.3.31", "Event queue interrupt MSI payload (when SMMU_IDR0.MSI == 1)";
        DATA = hex("DATA", 0, 32, "MSI data payload", "6.3.31").gated(&crate::regs::idr::idr0::MSI, 1);
    }
}
pub use eventq_irq_cfg1::LAYOUT as EVENTQ_IRQ_CFG1;
pub mod eventq_irq_cfg2 {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "EVENTQ_IRQ_CFG2", bits 32, "6.3.32", "Event queue interrupt MSI memory type and Shareability (when SMMU_IDR0.MSI == 1)";
        MemAttr = numv("MemAttr", 0, 4, MEMATTR_ENC, "Memory type of the MSI write (encoded as STE.MemAttr)", "6.3.32").gated(&crate::regs::idr::idr0::MSI, 1);
        SH = en("SH", 4, 2, SH_ENC, "Shareability of the MSI write (IGNORED for Device types)", "6.3.32").gated(&crate::regs::idr::idr0::MSI, 1);
    }
}
pub use eventq_irq_cfg2::LAYOUT as EVENTQ_IRQ_CFG2;

pub mod priq_irq_cfg0 {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "PRIQ_IRQ_CFG0", bits 64, "6.3.34", "PRI queue interrupt MSI address (when SMMU_IDR0.MSI == 1 and SMMU_IDR0.PRI == 1)";
        ADDR = addr("ADDR", 2, 54, "Physical address of the MSI target register, bits [55:2]; 0 = no MSI (wired IRQ)", "6.3.34").gated(&crate::regs::idr::idr0::MSI, 1);
    }
}
pub use priq_irq_cfg0::LAYOUT as PRIQ_IRQ_CFG0;
pub mod priq_irq_cfg1 {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "PRIQ_IRQ_CFG1", bits 32, "6.3.35", "PRI queue interrupt MSI payload (when SMMU_IDR0.MSI == 1 and SMMU_IDR0.PRI == 1)";
        DATA = hex("DATA", 0, 32, "MSI data payload", "6.3.35").gated(&crate::regs::idr::idr0::MSI, 1);
    }
}
pub use priq_irq_cfg1::LAYOUT as PRIQ_IRQ_CFG1;
pub mod priq_irq_cfg2 {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "PRIQ_IRQ_CFG2", bits 32, "6.3.36", "PRI queue interrupt MSI attributes and Last Only mode";
        MemAttr = numv("MemAttr", 0, 4, MEMATTR_ENC, "Memory type of the MSI write (encoded as STE.MemAttr)", "6.3.36").gated(&crate::regs::idr::idr0::MSI, 1);
        SH = en("SH", 4, 2, SH_ENC, "Shareability of the MSI write", "6.3.36").gated(&crate::regs::idr::idr0::MSI, 1);
        LO = en("LO", 31, 1, &[
        e(0, "", "interrupt when the PRI queue goes from empty to non-empty"),
        e(1, "Last Only", "interrupt only when a PRI message with the L bit set is received"),
        ], "Last Only interrupt mode", "6.3.36").gated(&crate::regs::idr::idr0::PRI, 1);
    }
}
pub use priq_irq_cfg2::LAYOUT as PRIQ_IRQ_CFG2;
