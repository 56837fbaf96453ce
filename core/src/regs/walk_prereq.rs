//! TEMPORARY (walker helper): the few registers the walker needs, until the registers
//! helper's complete tables land on main. Remove this file and its entries in REGISTERS
//! when merging theirs.
use crate::model::*;

pub static IDR1: Layout = Layout { name: "IDR1", bits: 32, desc: "Identification register 1", section: "6.3.2", fields: &[
    num("SIDSIZE", 0, 6, "StreamID bits", "6.3.2"),
    num("SSIDSIZE", 6, 5, "SubstreamID bits", "6.3.2"),
]};
pub static IDR3: Layout = Layout { name: "IDR3", bits: 32, desc: "Identification register 3", section: "6.3.4", fields: &[
    flag("FWB", 8, "Stage 2 forced write-back supported", "6.3.4"),
    flag("STT", 9, "Small translation tables supported", "6.3.4"),
]};
pub static IDR5: Layout = Layout { name: "IDR5", bits: 32, desc: "Identification register 5", section: "6.3.6", fields: &[
    num("OAS", 0, 3, "Output address size", "6.3.6"),
    flag("DS", 3, "52-bit addresses with 4KB/16KB granules", "6.3.6"),
    flag("GRAN4K", 4, "4KB granule supported", "6.3.6"),
    flag("GRAN16K", 5, "16KB granule supported", "6.3.6"),
    flag("GRAN64K", 6, "64KB granule supported", "6.3.6"),
    num("VAX", 10, 2, "Virtual address extend", "6.3.6"),
]};
pub static CR0: Layout = Layout { name: "CR0", bits: 32, desc: "Control register 0", section: "6.3.9", fields: &[
    flag("SMMUEN", 0, "SMMU enabled", "6.3.9"),
]};
pub static GBPA: Layout = Layout { name: "GBPA", bits: 32, desc: "Global bypass attribute", section: "6.3.14", fields: &[
    flag("ABORT", 20, "Abort all incoming transactions when SMMUEN = 0", "6.3.14"),
]};
pub static STRTAB_BASE: Layout = Layout { name: "STRTAB_BASE", bits: 64, desc: "Stream table base", section: "6.3.23", fields: &[
    addr("ADDR", 6, 46, "Stream table base address", "6.3.23"),
    flag("RA", 62, "Read-allocate hint", "6.3.23"),
]};
pub static STRTAB_BASE_CFG: Layout = Layout { name: "STRTAB_BASE_CFG", bits: 32, desc: "Stream table configuration", section: "6.3.24", fields: &[
    num("LOG2SIZE", 0, 6, "log2 of the number of StreamIDs", "6.3.24"),
    num("SPLIT", 6, 5, "StreamID bits resolved by level 2", "6.3.24"),
    num("FMT", 16, 2, "Format: 0 linear, 1 2-level", "6.3.24"),
]};
