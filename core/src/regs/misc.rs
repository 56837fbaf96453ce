//! ATOS, MPAM, VATOS selection and Device Permission Table registers of Page 0
//! (IHI 0070 6.3.37 - 6.3.48), and Command queue control page 0 (6.3.49 - 6.3.51).
use crate::model::*;

pub mod gatos_ctrl {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "GATOS_CTRL", bits 32, "6.3.37", "Global ATOS translation control (when SMMU_IDR0.ATOS == 1)";
        RUN = yn!("RUN", 0, "ATOS translation in progress (software sets it; the SMMU clears it when the result is in SMMU_GATOS_PAR)", "no ATOS translation in progress", "ATOS translation in progress (software sets it; the SMMU clears it when the result is in SMMU_GATOS_PAR)", "6.3.37").gated(&crate::regs::idr::idr0::ATOS, 1);
    }
}
pub use gatos_ctrl::LAYOUT as GATOS_CTRL;

pub mod gatos_sid {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "GATOS_SID", bits 64, "6.3.38", "Global ATOS StreamID and SubstreamID of the request";
        STREAMID = hex("STREAMID", 0, 32, "StreamID of the request", "6.3.38").gated(&crate::regs::idr::idr0::ATOS, 1);
        SUBSTREAMID = hex("SUBSTREAMID", 32, 20, "SubstreamID of the request", "6.3.38").gated(&crate::regs::idr::idr0::ATOS, 1);
        SSID_VALID = yn!("SSID_VALID", 52, "SubstreamID valid (when SMMU_IDR1.SSIDSIZE != 0)", "no SubstreamID", "SubstreamID valid (when SMMU_IDR1.SSIDSIZE != 0)", "6.3.38").gated(&crate::regs::idr::idr1::SSIDSIZE, 1);
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
        ], "Inhibit hardware update of the Access flag and dirty state", "6.3.39").gated(&crate::regs::idr::idr0::ATOS, 1);
        InD = en("InD", 7, 1, &[e(0, "Data", "data access"), e(1, "Instruction", "instruction access (IGNORED for writes)")], "Instruction/data access", "6.3.39").gated(&crate::regs::idr::idr0::ATOS, 1);
        RnW = en("RnW", 8, 1, &[e(0, "Write", "write access"), e(1, "Read", "read access")], "Read/write access", "6.3.39").gated(&crate::regs::idr::idr0::ATOS, 1);
        PnU = en("PnU", 9, 1, &[e(0, "Unprivileged", "unprivileged access"), e(1, "Privileged", "privileged access")], "Privileged or User access", "6.3.39").gated(&crate::regs::idr::idr0::ATOS, 1);
        TYPE = en("TYPE", 10, 2, &[
        e(1, "Stage 1", "stage 1 (VA to IPA)"),
        e(2, "Stage 2", "stage 2 (IPA to PA)"),
        e(3, "Stage 1+2", "stage 1 and stage 2 (VA to PA)"),
        ], "Request type (0b00 is reserved and gives an INV_REQ ATOS error)", "6.3.39").gated(&crate::regs::idr::idr0::ATOS, 1);
        ADDR = addr("ADDR", 12, 52, "Requested input address, bits [63:12]", "6.3.39").gated(&crate::regs::idr::idr0::ATOS, 1);
    }
}
pub use gatos_addr::LAYOUT as GATOS_ADDR;

pub mod gatos_par {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        /// SMMU_GATOS_PAR when FAULT == 0: a successful result.
        LAYOUT: "GATOS_PAR", bits 64, "6.3.40", "Global ATOS result (FAULT == 0: translation result)";
        FAULT = en("FAULT", 0, 1, &[e(0, "No fault", "a successful result is present"), e(1, "Fault", "the translation failed; a fault syndrome is present")], "Fault/error status", "6.3.40").gated(&crate::regs::idr::idr0::ATOS, 1);
        SH = en("SH", 8, 2, &[e(0, "NSH", "Non-shareable"), e(2, "OSH", "Outer Shareable"), e(3, "ISH", "Inner Shareable")], "Shareability attribute of the result", "6.3.40").gated(&crate::regs::idr::idr0::ATOS, 1);
        Size = en("Size", 11, 1, &[
        e(0, "4KB", "translation is 4KB"),
        e(1, "Encoded", "translation size given by the position of the lowest 1 bit in ADDR"),
        ], "Translation page/block size flag", "6.3.40").gated(&crate::regs::idr::idr0::ATOS, 1);
        ADDR = addr("ADDR", 12, 44, "Result address, bits [55:12]", "6.3.40").gated(&crate::regs::idr::idr0::ATOS, 1);
        ATTR = hex("ATTR", 56, 8, "Memory attributes, in MAIR format", "6.3.40").gated(&crate::regs::idr::idr0::ATOS, 1);
    }
}
pub use gatos_par::LAYOUT as GATOS_PAR;

/// SMMU_(S_)GATOS_PAR.FAULTCODE / ATOS_PAR.FAULTCODE encodings (IHI 0070 9.1.5); all
/// other values are Reserved. The event codes are those of the Event queue records (7.3).
/// The spec's table spells 0x21 "F_CFG_CONLICT"; the event is F_CFG_CONFLICT (7.3.20).
pub static ATOS_FAULTCODE_ENC: &[Enc] = &[
    e(0xFF, "INV_REQ", "malformed ATOS request"),
    e(0xFE, "INV_STAGE", "request for a stage of translation that is not present"),
    e(0xFD, "INTERNAL_ERR", "translation was terminated for a miscellaneous reason"),
    e(0x02, "C_BAD_STREAMID", "ATOS_SID.STREAMID out of range of the configured Stream table"),
    e(0x03, "F_STE_FETCH", "external abort or error on STE fetch"),
    e(0x04, "C_BAD_STE", "selected STE invalid or illegal"),
    e(0x06, "F_STREAM_DISABLED", "non-substream request (or SubstreamID 0) on a stream that needs a SubstreamID"),
    e(0x08, "C_BAD_SUBSTREAMID", "ATOS_SID.SUBSTREAMID out of range of the configured CD table"),
    e(0x09, "F_CD_FETCH", "external abort or error on CD fetch (for a stage 1-only request: the CD fetch caused a stage 2 fault)"),
    e(0x0A, "C_BAD_CD", "selected CD invalid or illegal"),
    e(0x0B, "F_WALK_EABT", "external abort or error on translation table walk (for a stage 1-only request: the walk caused a stage 2 fault)"),
    e(0x10, "F_TRANSLATION", "Translation fault"),
    e(0x11, "F_ADDR_SIZE", "Address Size fault"),
    e(0x12, "F_ACCESS", "Access flag fault"),
    e(0x13, "F_PERMISSION", "Permission fault"),
    e(0x20, "F_TLB_CONFLICT", "translation caused a TLB conflict condition"),
    e(0x21, "F_CFG_CONFLICT", "translation caused a configuration cache conflict condition"),
    e(0x25, "F_VMS_FETCH", "external abort or error on VMS fetch"),
];

pub mod gatos_par_fault {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        /// SMMU_GATOS_PAR when FAULT == 1: a fault syndrome.
        LAYOUT: "GATOS_PAR", bits 64, "6.3.40", "Global ATOS result (FAULT == 1: fault syndrome)";
        FAULT = en("FAULT", 0, 1, &[e(0, "No fault", "a successful result is present"), e(1, "Fault", "the translation failed; a fault syndrome is present")], "Fault/error status", "6.3.40").gated(&crate::regs::idr::idr0::ATOS, 1);
        REASON = en("REASON", 1, 2, &[
        e(0, "S1/other", "stage 1 fault, or a non-translation fault (for example F_BAD_STE)"),
        e(1, "CD", "stage 2 fault because of a CD fetch"),
        e(2, "TT", "stage 2 fault because of a stage 1 translation table walk"),
        e(3, "IN", "stage 2 fault because of the input address to stage 2"),
        ], "Class of activity causing the fault", "6.3.40").gated(&crate::regs::idr::idr0::ATOS, 1);
        FAULTCODE = en("FAULTCODE", 4, 8, ATOS_FAULTCODE_ENC, "Fault/error code (encodings in 9.1.5; which apply to which request in 9.1.4)", "6.3.40").gated(&crate::regs::idr::idr0::ATOS, 1);
        FADDR = addr("FADDR", 12, 44, "Stage 2 fault page address, bits [55:12]", "6.3.40").gated(&crate::regs::idr::idr0::ATOS, 1);
        IMPLEMENTATION_DEFINED = hex("IMPLEMENTATION_DEFINED", 60, 4, "IMPLEMENTATION DEFINED fault data", "6.3.40").gated(&crate::regs::idr::idr0::ATOS, 1);
    }
}
pub use gatos_par_fault::LAYOUT as GATOS_PAR_FAULT;

pub mod mpamidr {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "MPAMIDR", bits 32, "6.3.41", "MPAM capability identification for Non-secure state (when SMMU_IDR3.MPAM == 1)";
        PARTID_MAX = num("PARTID_MAX", 0, 16, "Maximum PARTID usable in Non-secure state", "6.3.41").since(V3_2).gated(&crate::regs::idr::idr3::MPAM, 1);
        PMG_MAX = num("PMG_MAX", 16, 8, "Maximum PMG usable in Non-secure state", "6.3.41").since(V3_2).gated(&crate::regs::idr::idr3::MPAM, 1);
    }
}
pub use mpamidr::LAYOUT as MPAMIDR;

pub mod gmpam {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "GMPAM", bits 32, "6.3.42", "MPAM attributes of SMMU-originated accesses for the Non-secure interface";
        SO_PARTID = num("SO_PARTID", 0, 16, "PARTID for SMMU-originated accesses", "6.3.42").since(V3_2).gated(&crate::regs::idr::idr3::MPAM, 1);
        SO_PMG = num("SO_PMG", 16, 8, "PMG for SMMU-originated accesses", "6.3.42").since(V3_2).gated(&crate::regs::idr::idr3::MPAM, 1);
        Update = yn!("Update", 31, "Update in progress", "no update in progress", "Update in progress", "6.3.42").since(V3_2).gated(&crate::regs::idr::idr3::MPAM, 1);
    }
}
pub use gmpam::LAYOUT as GMPAM;

pub mod gbpmpam {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "GBPMPAM", bits 32, "6.3.43", "MPAM attributes of Non-secure global bypass transactions";
        GBP_PARTID = num("GBP_PARTID", 0, 16, "PARTID for transactions in global bypass", "6.3.43").since(V3_2).gated(&crate::regs::idr::idr3::MPAM, 1);
        GBP_PMG = num("GBP_PMG", 16, 8, "PMG for transactions in global bypass", "6.3.43").since(V3_2).gated(&crate::regs::idr::idr3::MPAM, 1);
        Update = yn!("Update", 31, "Update in progress", "no update in progress", "Update in progress", "6.3.43").since(V3_2).gated(&crate::regs::idr::idr3::MPAM, 1);
    }
}
pub use gbpmpam::LAYOUT as GBPMPAM;

pub mod vatos_sel {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "VATOS_SEL", bits 32, "6.3.44", "VMID of the VM using the VATOS interface (when SMMU_IDR0.VATOS == 1)";
        VMID = num("VMID", 0, 16, "VMID compared with STE.S2VMID for VATOS requests", "6.3.44").gated(&crate::regs::idr::idr0::VATOS, 1);
    }
}
pub use vatos_sel::LAYOUT as VATOS_SEL;

pub mod dpt_base {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "DPT_BASE", bits 64, "6.3.46", "Non-secure Device Permission Table base (when SMMU_IDR3.DPT == 1)";
        BADDR = addr("BADDR", 12, 44, "Base address of level 0 of the DPT, bits [55:12]", "6.3.46").since(V3_3).gated(&crate::regs::idr::idr3::DPT, 1);
        RA = yn!("RA", 62, "Read-Allocate hint", "No Read-Allocate", "Read-Allocate hint", "6.3.46").since(V3_3).gated(&crate::regs::idr::idr3::DPT, 1);
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
        ], "Size of the memory region protected by the DPT", "6.3.47").since(V3_3).gated(&crate::regs::idr::idr3::DPT, 1);
        DPTGS = en("DPTGS", 14, 2, &[
        e(0, "4KB", "4KB DPT granule"),
        e(1, "64KB", "64KB DPT granule"),
        e(2, "16KB", "16KB DPT granule"),
        ], "DPT granule size", "6.3.47").since(V3_3).gated(&crate::regs::idr::idr3::DPT, 1);
        L0DPTSZ = en("L0DPTSZ", 20, 4, &[
        e(0b0000, "30 bits", "each level 0 entry covers 1GB"),
        e(0b0100, "34 bits", "each level 0 entry covers 16GB"),
        e(0b0110, "36 bits", "each level 0 entry covers 64GB"),
        e(0b1001, "39 bits", "each level 0 entry covers 512GB"),
        ], "Address bits protected by each level 0 DPT entry", "6.3.47").since(V3_3).gated(&crate::regs::idr::idr3::DPT, 1);
    }
}
pub use dpt_base_cfg::LAYOUT as DPT_BASE_CFG;

pub mod dpt_cfg_far {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "DPT_CFG_FAR", bits 64, "6.3.48", "Non-secure DPT lookup error syndrome (when SMMU_IDR3.DPT == 1)";
        FAULT = yn!("FAULT", 0, "One or more DPT lookup faults since this register was last cleared", "zero DPT lookup faults since this register was last cleared", "One or more DPT lookup faults since this register was last cleared", "6.3.48").since(V3_3).gated(&crate::regs::idr::idr3::DPT, 1);
        LEVEL = en("LEVEL", 1, 1, &[e(0, "Level 0", "fault at level 0"), e(1, "Level 1", "fault at level 1")], "Level of the fault", "6.3.48").since(V3_3).gated(&crate::regs::idr::idr3::DPT, 1);
        DPT_FAULTCODE = en("DPT_FAULTCODE", 4, 4, &[
        e(0, "DPT_DISABLED", "SMMU_CR0.DPT_WALK_EN is zero"),
        e(1, "DPT_WALK_FAULT", "invalid DPT configuration or descriptor"),
        e(2, "DPT_GPC_FAULT", "GPC fault on DPT fetch"),
        e(3, "DPT_EABT", "external abort on DPT fetch"),
        ], "DPT fault code", "6.3.48").since(V3_3).gated(&crate::regs::idr::idr3::DPT, 1);
        FADDR = addr("FADDR", 12, 44, "Physical address input to the faulting DPT check, bits [55:12]", "6.3.48").since(V3_3).gated(&crate::regs::idr::idr3::DPT, 1);
    }
}
pub use dpt_cfg_far::LAYOUT as DPT_CFG_FAR;

// Command queue control page registers (IHI 0070 6.3.49 - 6.3.51): SMMU_CMDQ_CONTROL_PAGE_
// {BASE,CFG,STATUS}<n>, n = 0 - 255, at 0x4000 + 32 * n, present when SMMU_IDR1.ECMDQ == 1
// (2^SMMU_IDR6.CMDQ_CONTROL_PAGE_LOG2NUMP of them). The table models n = 0, named with
// its index; the others have the same layout 32 bytes further on.

pub mod cmdq_control_page_base0 {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "CMDQ_CONTROL_PAGE_BASE0", bits 64, "6.3.49", "Command queue control page 0: where it is and how its queue controls are held (when SMMU_IDR1.ECMDQ == 1)";
        CMDQ_CONTROL_PAGE_PRESET = en("CMDQ_CONTROL_PAGE_PRESET", 0, 1, &[
        e(1, "Registers", "the ECMDQ interfaces of this page are implemented as registers in the SMMU"),
        ], "Whether the queue controls of this interface are held in Normal memory or registers (1 in SMMUv3.3)", "6.3.49").since(V3_3).gated(&crate::regs::idr::idr1::ECMDQ, 1);
        CMDQGS = en("CMDQGS", 1, 2, &[e(0b01, "64KB", "64KB granule")], "Granule size of the Command queue control page", "6.3.49").since(V3_3).gated(&crate::regs::idr::idr1::ECMDQ, 1);
        ADDR = addr("ADDR", 16, 40, "Base of the Command queue control page, bits [55:16], as an offset from SMMU Register Page 0", "6.3.49").since(V3_3).gated(&crate::regs::idr::idr1::ECMDQ, 1);
    }
}
pub use cmdq_control_page_base0::LAYOUT as CMDQ_CONTROL_PAGE_BASE0;

pub mod cmdq_control_page_cfg0 {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "CMDQ_CONTROL_PAGE_CFG0", bits 32, "6.3.50", "Command queue control page 0 control (when SMMU_IDR1.ECMDQ == 1)";
        EN = en("EN", 0, 1, &[e(1, "Enabled", "Command queue control page is enabled (RES1)")], "Command queue control page enable (RES1)", "6.3.50").since(V3_3).gated(&crate::regs::idr::idr1::ECMDQ, 1);
    }
}
pub use cmdq_control_page_cfg0::LAYOUT as CMDQ_CONTROL_PAGE_CFG0;

pub mod cmdq_control_page_status0 {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "CMDQ_CONTROL_PAGE_STATUS0", bits 32, "6.3.51", "Command queue control page 0 status (when SMMU_IDR1.ECMDQ == 1)";
        ENACK = en("ENACK", 0, 1, &[e(1, "Enabled", "Command queue control page is enabled (RES1)")], "Command queue control page enable acknowledgment (RES1)", "6.3.51").since(V3_3).gated(&crate::regs::idr::idr1::ECMDQ, 1);
    }
}
pub use cmdq_control_page_status0::LAYOUT as CMDQ_CONTROL_PAGE_STATUS0;
