//! ATOS, MPAM, VATOS selection and Device Permission Table registers of Page 0
//! (IHI 0070 6.3.37 - 6.3.48).
use crate::model::*;

pub mod gatos_ctrl {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "GATOS_CTRL", bits 32, "6.3.37", "Global ATOS translation control (when SMMU_IDR0.ATOS == 1)";
        RUN = yn!("RUN", 0, "ATOS translation in progress (software sets it; the SMMU clears it when the result is in SMMU_GATOS_PAR)", "no ATOS translation in progress", "ATOS translation in progress (software sets it; the SMMU clears it when the result is in SMMU_GATOS_PAR)", "6.3.37");
    }
}
pub use gatos_ctrl::LAYOUT as GATOS_CTRL;

pub mod gatos_sid {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "GATOS_SID", bits 64, "6.3.38", "Global ATOS StreamID and SubstreamID of the request";
        STREAMID = hex("STREAMID", 0, 32, "StreamID of the request", "6.3.38");
        SUBSTREAMID = hex("SUBSTREAMID", 32, 20, "SubstreamID of the request", "6.3.38");
        SSID_VALID = yn!("SSID_VALID", 52, "SubstreamID valid (when SMMU_IDR1.SSIDSIZE != 0)", "no SubstreamID", "SubstreamID valid (when SMMU_IDR1.SSIDSIZE != 0)", "6.3.38");
    }
}
pub use gatos_sid::LAYOUT as GATOS_SID;

pub mod gatos_addr {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "GATOS_ADDR", bits 64, "6.3.39", "Global ATOS input address and access type";
        HTTUI = en("HTTUI", 6, 1, &[
        e(0, "", "HTTU may occur according to the HA/HD configuration"),
        e(1, "Inhibit", "HTTU inhibited: the ATOS operation is passive"),
        ], "Inhibit hardware update of the Access flag and dirty state", "6.3.39");
        InD = en("InD", 7, 1, &[e(0, "Data", "data access"), e(1, "Instruction", "instruction access (IGNORED for writes)")], "Instruction/data access", "6.3.39");
        RnW = en("RnW", 8, 1, &[e(0, "Write", "write access"), e(1, "Read", "read access")], "Read/write access", "6.3.39");
        PnU = en("PnU", 9, 1, &[e(0, "Unprivileged", "unprivileged access"), e(1, "Privileged", "privileged access")], "Privileged or User access", "6.3.39");
        TYPE = en("TYPE", 10, 2, &[
        e(1, "Stage 1", "stage 1 (VA to IPA)"),
        e(2, "Stage 2", "stage 2 (IPA to PA)"),
        e(3, "Stage 1+2", "stage 1 and stage 2 (VA to PA)"),
        ], "Request type (0b00 is reserved and gives an INV_REQ ATOS error)", "6.3.39");
        ADDR = addr("ADDR", 12, 52, "Requested input address, bits [63:12]", "6.3.39");
    }
}
pub use gatos_addr::LAYOUT as GATOS_ADDR;

pub mod gatos_par {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        /// SMMU_GATOS_PAR when FAULT == 0: a successful result.
        LAYOUT: "GATOS_PAR", bits 64, "6.3.40", "Global ATOS result (FAULT == 0: translation result)";
        FAULT = en("FAULT", 0, 1, &[e(0, "No fault", "a successful result is present"), e(1, "Fault", "the translation failed; a fault syndrome is present")], "Fault/error status", "6.3.40");
        SH = en("SH", 8, 2, &[e(0, "NSH", "Non-shareable"), e(2, "OSH", "Outer Shareable"), e(3, "ISH", "Inner Shareable")], "Shareability attribute of the result", "6.3.40");
        Size = en("Size", 11, 1, &[
        e(0, "4KB", "translation is 4KB"),
        e(1, "Encoded", "translation size given by the position of the lowest 1 bit in ADDR"),
        ], "Translation page/block size flag", "6.3.40");
        ADDR = addr("ADDR", 12, 44, "Result address, bits [55:12]", "6.3.40");
        ATTR = hex("ATTR", 56, 8, "Memory attributes, in MAIR format", "6.3.40");
    }
}
pub use gatos_par::LAYOUT as GATOS_PAR;

pub mod gatos_par_fault {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        /// SMMU_GATOS_PAR when FAULT == 1: a fault syndrome.
        LAYOUT: "GATOS_PAR", bits 64, "6.3.40", "Global ATOS result (FAULT == 1: fault syndrome)";
        FAULT = en("FAULT", 0, 1, &[e(0, "No fault", "a successful result is present"), e(1, "Fault", "the translation failed; a fault syndrome is present")], "Fault/error status", "6.3.40");
        REASON = en("REASON", 1, 2, &[
        e(0, "S1/other", "stage 1 fault, or a non-translation fault (for example F_BAD_STE)"),
        e(1, "CD", "stage 2 fault because of a CD fetch"),
        e(2, "TT", "stage 2 fault because of a stage 1 translation table walk"),
        e(3, "IN", "stage 2 fault because of the input address to stage 2"),
        ], "Class of activity causing the fault", "6.3.40");
        FAULTCODE = hex("FAULTCODE", 4, 8, "Fault/error code (see 9.1.4)", "6.3.40");
        FADDR = addr("FADDR", 12, 44, "Stage 2 fault page address, bits [55:12]", "6.3.40");
        IMPLEMENTATION_DEFINED = hex("IMPLEMENTATION_DEFINED", 60, 4, "IMPLEMENTATION DEFINED fault data", "6.3.40");
    }
}
pub use gatos_par_fault::LAYOUT as GATOS_PAR_FAULT;

pub mod mpamidr {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "MPAMIDR", bits 32, "6.3.41", "MPAM capability identification for Non-secure state (when SMMU_IDR3.MPAM == 1)";
        PARTID_MAX = num("PARTID_MAX", 0, 16, "Maximum PARTID usable in Non-secure state", "6.3.41");
        PMG_MAX = num("PMG_MAX", 16, 8, "Maximum PMG usable in Non-secure state", "6.3.41");
    }
}
pub use mpamidr::LAYOUT as MPAMIDR;

pub mod gmpam {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "GMPAM", bits 32, "6.3.42", "MPAM attributes of SMMU-originated accesses for the Non-secure interface";
        SO_PARTID = num("SO_PARTID", 0, 16, "PARTID for SMMU-originated accesses", "6.3.42");
        SO_PMG = num("SO_PMG", 16, 8, "PMG for SMMU-originated accesses", "6.3.42");
        Update = yn!("Update", 31, "Update in progress", "no update in progress", "Update in progress", "6.3.42");
    }
}
pub use gmpam::LAYOUT as GMPAM;

pub mod gbpmpam {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "GBPMPAM", bits 32, "6.3.43", "MPAM attributes of Non-secure global bypass transactions";
        GBP_PARTID = num("GBP_PARTID", 0, 16, "PARTID for transactions in global bypass", "6.3.43");
        GBP_PMG = num("GBP_PMG", 16, 8, "PMG for transactions in global bypass", "6.3.43");
        Update = yn!("Update", 31, "Update in progress", "no update in progress", "Update in progress", "6.3.43");
    }
}
pub use gbpmpam::LAYOUT as GBPMPAM;

pub mod vatos_sel {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "VATOS_SEL", bits 32, "6.3.44", "VMID of the VM using the VATOS interface (when SMMU_IDR0.VATOS == 1)";
        VMID = num("VMID", 0, 16, "VMID compared with STE.S2VMID for VATOS requests", "6.3.44");
    }
}
pub use vatos_sel::LAYOUT as VATOS_SEL;

pub mod dpt_base {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "DPT_BASE", bits 64, "6.3.46", "Non-secure Device Permission Table base (when SMMU_IDR3.DPT == 1)";
        BADDR = addr("BADDR", 12, 44, "Base address of level 0 of the DPT, bits [55:12]", "6.3.46");
        RA = yn!("RA", 62, "Read-Allocate hint", "No Read-Allocate", "Read-Allocate hint", "6.3.46");
    }
}
pub use dpt_base::LAYOUT as DPT_BASE;

pub mod dpt_base_cfg {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "DPT_BASE_CFG", bits 32, "6.3.47", "Non-secure Device Permission Table configuration (when SMMU_IDR3.DPT == 1)";
        DPTPS = en("DPTPS", 0, 3, &[
        e(0, "32 bits", "protected region 4GB"),
        e(1, "36 bits", "protected region 64GB"),
        e(2, "40 bits", "protected region 1TB"),
        e(3, "42 bits", "protected region 4TB"),
        e(4, "44 bits", "protected region 16TB"),
        e(5, "48 bits", "protected region 256TB"),
        e(6, "52 bits", "protected region 4PB"),
        ], "Size of the memory region protected by the DPT", "6.3.47");
        DPTGS = en("DPTGS", 14, 2, &[
        e(0, "4KB", "4KB DPT granule"),
        e(1, "64KB", "64KB DPT granule"),
        e(2, "16KB", "16KB DPT granule"),
        ], "DPT granule size", "6.3.47");
        L0DPTSZ = en("L0DPTSZ", 20, 4, &[
        e(0b0000, "30 bits", "each level 0 entry covers 1GB"),
        e(0b0100, "34 bits", "each level 0 entry covers 16GB"),
        e(0b0110, "36 bits", "each level 0 entry covers 64GB"),
        e(0b1001, "39 bits", "each level 0 entry covers 512GB"),
        ], "Address bits protected by each level 0 DPT entry", "6.3.47");
    }
}
pub use dpt_base_cfg::LAYOUT as DPT_BASE_CFG;

pub mod dpt_cfg_far {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "DPT_CFG_FAR", bits 64, "6.3.48", "Non-secure DPT lookup error syndrome (when SMMU_IDR3.DPT == 1)";
        FAULT = yn!("FAULT", 0, "One or more DPT lookup faults since this register was last cleared", "zero DPT lookup faults since this register was last cleared", "One or more DPT lookup faults since this register was last cleared", "6.3.48");
        LEVEL = en("LEVEL", 1, 1, &[e(0, "Level 0", "fault at level 0"), e(1, "Level 1", "fault at level 1")], "Level of the fault", "6.3.48");
        DPT_FAULTCODE = en("DPT_FAULTCODE", 4, 4, &[
        e(0, "DPT_DISABLED", "SMMU_CR0.DPT_WALK_EN is zero"),
        e(1, "DPT_WALK_FAULT", "invalid DPT configuration or descriptor"),
        e(2, "DPT_GPC_FAULT", "GPC fault on DPT fetch"),
        e(3, "DPT_EABT", "external abort on DPT fetch"),
        ], "DPT fault code", "6.3.48");
        FADDR = addr("FADDR", 12, 44, "Physical address input to the faulting DPT check, bits [55:12]", "6.3.48");
    }
}
pub use dpt_cfg_far::LAYOUT as DPT_CFG_FAR;
