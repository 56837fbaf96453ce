//! VMSAv8-64 translation table descriptors as the SMMU walks them (Arm ARM D8.3, IHI 0070 3.4):
//! one module per descriptor kind.
#[allow(unused_imports)]
use super::enc::*;
use crate::model::*;

pub mod table {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        /// VMSAv8-64 table descriptor (Arm ARM D8.3), as the SMMU walks it (IHI 0070 3.4).
        LAYOUT: "TT_TABLE", bits 64, "ArmARM D8.3.1", "VMSAv8-64 table descriptor (levels 0-2, and -1 with DS)";
        Valid = flag("Valid", 0, "Descriptor valid", "D8.3.1");
        Type = en("Type", 1, 1, &[e(0, "Block", "block descriptor"), e(1, "Table", "table descriptor (page descriptor at level 3)")], "Descriptor type", "D8.3.1");
        NLTA_51_50 = hex("NLTA_51_50", 8, 2, "Next-level table address bits [51:50] (DS / LPA2)", "D8.3.1");
        NLTA_51_48 = hex("NLTA_51_48", 12, 4, "Next-level table address bits [51:48] (64KB granule, LPA)", "D8.3.1");
        NLTA = addr("NLTA", 12, 38, "Next-level table address bits [49:12] (bits below the granule are RES0)", "D8.3.1");
        PXNTable = flag("PXNTable", 59, "Privileged execute never for subsequent levels (stage 1)", "D8.3.1");
        XNTable = flag("XNTable", 60, "Execute never (UXNTable) for subsequent levels (stage 1)", "D8.3.1");
        APTable = hex("APTable", 61, 2, "Access permission limits for subsequent levels: bit 0 no EL0 access, bit 1 no write (stage 1)", "D8.3.1");
        NSTable = flag("NSTable", 63, "Subsequent levels are Non-secure (Secure stage 1)", "D8.3.1");
    }
}
pub use table::LAYOUT as TT_TABLE;

pub mod s1_leaf {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        /// VMSAv8-64 stage 1 block or page descriptor.
        LAYOUT: "TT_S1_LEAF", bits 64, "ArmARM D8.3.2", "VMSAv8-64 stage 1 block or page descriptor";
        Valid = flag("Valid", 0, "Descriptor valid", "D8.3.2");
        Type = en("Type", 1, 1, &[e(0, "Block", "block descriptor (levels 0-2)"), e(1, "Page", "page descriptor (level 3)")], "Descriptor type", "D8.3.2");
        AttrIndx = num("AttrIndx", 2, 3, "Index of the MAIR attribute byte", "D8.3.2");
        NS = flag("NS", 5, "Non-secure output (Secure stage 1)", "D8.3.2");
        AP1 = flag("AP1", 6, "AP[1]: accessible at EL0 (unprivileged)", "D8.3.2");
        AP2 = flag("AP2", 7, "AP[2]: read-only", "D8.3.2");
        SH = en("SH", 8, 2, SH_ENC, "Shareability (OA bits [51:50] when DS = 1)", "D8.3.2");
        AF = flag("AF", 10, "Access flag", "D8.3.2");
        nG = flag("nG", 11, "Not global: the translation is tagged with the ASID", "D8.3.2");
        OA_51_48 = hex("OA_51_48", 12, 4, "Output address bits [51:48] (64KB granule, LPA)", "D8.3.2");
        OA = addr("OA", 12, 38, "Output address bits [49:12] (bits below the block size are RES0)", "D8.3.2");
        nT = flag("nT", 16, "Block translation entry (FEAT_BBM)", "D8.3.2");
        DBM = flag("DBM", 51, "Dirty bit modifier: with HD, AP[2] is the dirty state", "D8.3.2");
        Contiguous = flag("Contiguous", 52, "Contiguous hint: one of a set of adjacent entries with equal attributes", "D8.3.2");
        PXN = flag("PXN", 53, "Privileged execute never", "D8.3.2");
        UXN = flag("UXN", 54, "Unprivileged execute never (XN)", "D8.3.2");
        SW = hex("SW", 55, 4, "Reserved for software use", "D8.3.2");
        PBHA = hex("PBHA", 59, 4, "Page-based hardware attributes", "D8.3.2");
    }
}
pub use s1_leaf::LAYOUT as TT_S1_LEAF;

pub mod s2_leaf {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        /// VMSAv8-64 stage 2 block or page descriptor.
        LAYOUT: "TT_S2_LEAF", bits 64, "ArmARM D8.3.2", "VMSAv8-64 stage 2 block or page descriptor";
        Valid = flag("Valid", 0, "Descriptor valid", "D8.3.2");
        Type = en("Type", 1, 1, &[e(0, "Block", "block descriptor (levels 0-2)"), e(1, "Page", "page descriptor (level 3)")], "Descriptor type", "D8.3.2");
        MemAttr = hex("MemAttr", 2, 4, "Stage 2 memory attributes ([3:2] outer, [1:0] inner; 0b00xx Device)", "D8.5.5");
        S2AP_R = flag("S2AP_R", 6, "S2AP[0]: stage 2 read permitted", "D8.4.3");
        S2AP_W = flag("S2AP_W", 7, "S2AP[1]: stage 2 write permitted", "D8.4.3");
        SH = en("SH", 8, 2, SH_ENC, "Shareability (OA bits [51:50] when DS = 1)", "D8.3.2");
        AF = flag("AF", 10, "Access flag", "D8.3.2");
        OA_51_48 = hex("OA_51_48", 12, 4, "Output address bits [51:48] (64KB granule, LPA)", "D8.3.2");
        OA = addr("OA", 12, 38, "Output address bits [49:12] (bits below the block size are RES0)", "D8.3.2");
        DBM = flag("DBM", 51, "Dirty bit modifier: with S2HD, S2AP[1] is the dirty state", "D8.3.2");
        Contiguous = flag("Contiguous", 52, "Contiguous hint", "D8.3.2");
        XN0 = flag("XN0", 53, "XN[0] (FEAT_XNX: distinguishes EL0 and EL1 execute)", "D8.4.3");
        XN = flag("XN", 54, "XN[1]: execute never", "D8.4.3");
        SW = hex("SW", 55, 4, "Reserved for software use", "D8.3.2");
        PBHA = hex("PBHA", 59, 4, "Page-based hardware attributes", "D8.3.2");
    }
}
pub use s2_leaf::LAYOUT as TT_S2_LEAF;
