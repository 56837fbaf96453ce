//! Commands (IHI 0070 chapter 4): 128-bit Command queue entries, one layout module per
//! command (`cmd::tlbi_nh_va::ASID`, `cmd::sync::CS`, ...), with decode, encode, the
//! CERROR_ILL rules of each command and the iommufd guest allow-list.
//!
//! Bit positions: the spec's command figures (where IHI 0070 G.b's text gives them: the
//! range-invalidation table of 4.4.1.1, the CMD_TLBI_NH_ASID figure) and the public command
//! definitions of Linux (arm-smmu-v3.h) and QEMU (smmuv3-internal.h), which agree with each
//! other. Fields whose position no public source gives are not modelled (their bits read
//! as RES0): CMD_PREFETCH_ADDR Stride and NS, CMD_TLBI_S_S2_IPA NS, CMD_SYNC MSI_NS and the
//! CMD_DPTI_PA Address/SIZE/Leaf fields.

use crate::model::*;
use crate::regs::idr::{idr0, idr1, idr3, idr5};
use crate::regset::RegisterSet;
use serde::Serialize;

/// An address field at absolute `lsb` holding address bits `[..:shift]`.
const fn at(name: &'static str, lsb: u16, width: u8, shift: u8, desc: &'static str, section: &'static str) -> FieldDef {
    FieldDef::new(name, lsb, width, Fmt::Addr(shift), &[], desc, section)
}

// The fields common to several commands (4.1.6, 4.4.1.1), declared once and placed in each
// command's layout under the same spec name.
const X_OPCODE: FieldDef = hex("Opcode", 0, 8, "Command opcode", "4.1.1");
const X_SSEC: FieldDef = en(
    "SSec",
    10,
    1,
    &[e(0, "Non-secure", "StreamID is Non-secure"), e(1, "Secure", "StreamID is Secure (Secure Command queue only)")],
    "StreamID Security state",
    "4.1.6",
);
const X_SSV: FieldDef = en(
    "SSV",
    11,
    1,
    &[e(0, "No SubstreamID", "SubstreamID not supplied"), e(1, "Valid", "SubstreamID supplied")],
    "Substream valid (SSV == 1 without SubstreamIDs is CONSTRAINED UNPREDICTABLE, see check)",
    "4.1.6",
);
const X_SUBSTREAMID: FieldDef = num("SubstreamID", 12, 20, "SubstreamID (used when SSV == 1)", "4.1.6");
const X_STREAMID: FieldDef = hex("StreamID", 32, 32, "StreamID", "4.1.6");
const X_LEAF_CFG: FieldDef = en(
    "Leaf",
    64,
    1,
    &[
        e(0, "All levels", "invalidate the entry and any L1 descriptor caching it"),
        e(1, "Leaf only", "invalidate only the STE/CD itself"),
    ],
    "Leaf",
    "4.3",
);
const X_NUM: FieldDef =
    num("NUM", 12, 5, "Range invalidation: number of TG-sized blocks is (NUM+1) * 2^SCALE", "4.4.1.1")
        .since(V3_2)
        .gated(&idr3::RIL, 1);
const X_SCALE: FieldDef =
    num("SCALE", 20, 6, "Range invalidation: scale exponent (bit 25 is RES0 unless SMMU_IDR5.DS == 1)", "4.4.1.1")
        .since(V3_2)
        .gated(&idr3::RIL, 1);
const X_VMID: FieldDef =
    hex("VMID", 32, 16, "Virtual machine identifier (upper 8 bits RES0 without SMMU_IDR0.VMID16)", "4.4");
const X_ASID: FieldDef =
    hex("ASID", 48, 16, "Address space identifier (upper 8 bits RES0 without SMMU_IDR0.ASID16)", "4.4");
const X_LEAF: FieldDef = en(
    "Leaf",
    64,
    1,
    &[
        e(0, "All levels", "walk-cache (table) entries are invalidated too"),
        e(1, "Leaf only", "only last-level entries are invalidated"),
    ],
    "Leaf",
    "4.4",
);
const X_TTL128: FieldDef =
    flag("TTL128", 71, "The TTL hint applies to 128-bit descriptors (RES0 when TG == 0b00 or TTL == 0b00)", "4.4.1.1")
        .since(V3_4)
        .gated(&idr5::D128, 1);
const X_TTL: FieldDef = en(
    "TTL",
    72,
    2,
    &[
        e(0, "Any", "no level hint"),
        e(1, "Level 1", "leaf entries are at level 1"),
        e(2, "Level 2", "leaf entries are at level 2"),
        e(3, "Level 3", "leaf entries are at level 3"),
    ],
    "Translation Table Level hint (used when TG != 0b00)",
    "4.4.1.1",
)
.since(V3_2)
.gated(&idr3::RIL, 1);
const X_TG: FieldDef = en(
    "TG",
    74,
    2,
    &[
        e(0, "None", "any granule: no range invalidation, TTL not used"),
        e(1, "4KB", "entries were inserted with a 4KB translation granule"),
        e(2, "16KB", "entries were inserted with a 16KB translation granule"),
        e(3, "64KB", "entries were inserted with a 64KB translation granule"),
    ],
    "Translation Granule of the entries to invalidate (range invalidation and TTL hint)",
    "4.4.1.1",
)
.since(V3_2)
.gated(&idr3::RIL, 1);
const X_VA: FieldDef = at("Address", 76, 52, 12, "Virtual address, bits [63:12]", "4.1.6");
const X_IPA: FieldDef =
    at("Address", 76, 44, 12, "IPA, bits [55:12] ([55:52] RES0 before SMMUv3.4, [51:48] in SMMUv3.0)", "4.1.6");

/// Bits [7:0] of word 0, the opcode of every command, and the layout used for Reserved and
/// IMPLEMENTATION DEFINED opcodes.
pub mod header {
    use super::*;
    crate::layout! {
        /// A command of an opcode the architecture does not define (4.1.1).
        LAYOUT: "RESERVED", bits 128, "4.1.1", "Reserved command opcode";
        Opcode = X_OPCODE;
    }
}

pub mod prefetch_config {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_PREFETCH_CONFIG", bits 128, "4.2.1", "Prefetch the STE and CD for a stream";
        Opcode = X_OPCODE;
        SSec = X_SSEC;
        SSV = X_SSV;
        SubstreamID = X_SUBSTREAMID;
        StreamID = X_STREAMID;
    }
}

pub mod prefetch_addr {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_PREFETCH_ADDR", bits 128, "4.2.2", "Prefetch configuration and TLB entries for an address span";
        Opcode = X_OPCODE;
        SSec = X_SSEC;
        SSV = X_SSV;
        SubstreamID = X_SUBSTREAMID;
        StreamID = X_STREAMID;
        Size = num("Size", 64, 5, "Number of translations to prefetch: 2^Size strides", "4.2.2");
        Address = X_VA;
    }
}

pub mod cfgi_ste {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_CFGI_STE", bits 128, "4.3.1", "Invalidate the cached STE (and L1STD unless Leaf) of a StreamID";
        Opcode = X_OPCODE;
        SSec = X_SSEC;
        StreamID = X_STREAMID;
        Leaf = X_LEAF_CFG;
    }
}

pub mod cfgi_ste_range {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_CFGI_STE_RANGE", bits 128, "4.3.2", "Invalidate the cached STEs of a range of StreamIDs (Range 31: CMD_CFGI_ALL, 4.3.6)";
        Opcode = X_OPCODE;
        SSec = X_SSEC;
        StreamID = X_STREAMID;
        Range = num("Range", 64, 5, "Invalidate 2^(Range+1) STEs from StreamID aligned down (31 = all: CMD_CFGI_ALL)", "4.3.2");
    }
}

pub mod cfgi_cd {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_CFGI_CD", bits 128, "4.3.3", "Invalidate a cached CD (and L1CD unless Leaf)";
        Opcode = X_OPCODE;
        SSec = X_SSEC;
        SubstreamID = num("SubstreamID", 12, 20, "SubstreamID (CD table index) of the CD to invalidate", "4.3.3");
        StreamID = X_STREAMID;
        Leaf = X_LEAF_CFG;
    }
}

pub mod cfgi_cd_all {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_CFGI_CD_ALL", bits 128, "4.3.4", "Invalidate all cached CDs of a StreamID";
        Opcode = X_OPCODE;
        SSec = X_SSEC;
        StreamID = X_STREAMID;
    }
}

pub mod cfgi_vms_pidm {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_CFGI_VMS_PIDM", bits 128, "4.3.5", "Invalidate the cached VMS PARTID map of a VMID";
        Opcode = X_OPCODE;
        SSec = X_SSEC;
        VMID = X_VMID;
    }
}

pub mod tlbi_nh_all {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_TLBI_NH_ALL", bits 128, "4.4.2.1", "Invalidate all non-hypervisor stage 1 TLB entries of a VMID";
        Opcode = X_OPCODE;
        VMID = X_VMID;
    }
}

pub mod tlbi_nh_asid {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_TLBI_NH_ASID", bits 128, "4.4.2.2", "Invalidate stage 1 TLB entries of an ASID in a VMID";
        Opcode = X_OPCODE;
        VMID = X_VMID;
        ASID = X_ASID;
    }
}

pub mod tlbi_nh_vaa {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_TLBI_NH_VAA", bits 128, "4.4.2.3", "Invalidate stage 1 TLB entries of a VA for all ASIDs in a VMID";
        Opcode = X_OPCODE;
        NUM = X_NUM;
        SCALE = X_SCALE;
        VMID = X_VMID;
        Leaf = X_LEAF;
        TTL128 = X_TTL128;
        TTL = X_TTL;
        TG = X_TG;
        Address = X_VA;
    }
}

pub mod tlbi_nh_va {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_TLBI_NH_VA", bits 128, "4.4.2.4", "Invalidate stage 1 TLB entries of a VA for an ASID in a VMID";
        Opcode = X_OPCODE;
        NUM = X_NUM;
        SCALE = X_SCALE;
        VMID = X_VMID;
        ASID = X_ASID;
        Leaf = X_LEAF;
        TTL128 = X_TTL128;
        TTL = X_TTL;
        TG = X_TG;
        Address = X_VA;
    }
}

pub mod tlbi_el3_all {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_TLBI_EL3_ALL", bits 128, "4.4.2.5", "Invalidate all EL3 TLB entries (Secure Command queue only)";
        Opcode = X_OPCODE;
    }
}

pub mod tlbi_el3_va {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_TLBI_EL3_VA", bits 128, "4.4.2.6", "Invalidate EL3 TLB entries of a VA (Secure Command queue only)";
        Opcode = X_OPCODE;
        NUM = X_NUM;
        SCALE = X_SCALE;
        Leaf = X_LEAF;
        TTL128 = X_TTL128;
        TTL = X_TTL;
        TG = X_TG;
        Address = X_VA;
    }
}

pub mod tlbi_el2_all {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_TLBI_EL2_ALL", bits 128, "4.4.2.7", "Invalidate all EL2 TLB entries";
        Opcode = X_OPCODE;
    }
}

pub mod tlbi_el2_va {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_TLBI_EL2_VA", bits 128, "4.4.2.8", "Invalidate EL2 TLB entries of a VA for an ASID";
        Opcode = X_OPCODE;
        NUM = X_NUM;
        SCALE = X_SCALE;
        ASID = X_ASID;
        Leaf = X_LEAF;
        TTL128 = X_TTL128;
        TTL = X_TTL;
        TG = X_TG;
        Address = X_VA;
    }
}

pub mod tlbi_el2_vaa {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_TLBI_EL2_VAA", bits 128, "4.4.2.9", "Invalidate EL2 TLB entries of a VA for all ASIDs";
        Opcode = X_OPCODE;
        NUM = X_NUM;
        SCALE = X_SCALE;
        Leaf = X_LEAF;
        TTL128 = X_TTL128;
        TTL = X_TTL;
        TG = X_TG;
        Address = X_VA;
    }
}

pub mod tlbi_el2_asid {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_TLBI_EL2_ASID", bits 128, "4.4.2.10", "Invalidate EL2 TLB entries of an ASID";
        Opcode = X_OPCODE;
        ASID = X_ASID;
    }
}

pub mod tlbi_s_el2_all {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_TLBI_S_EL2_ALL", bits 128, "4.4.2.11", "Invalidate all Secure EL2 TLB entries (Secure Command queue only)";
        Opcode = X_OPCODE;
    }
}

pub mod tlbi_s_el2_va {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_TLBI_S_EL2_VA", bits 128, "4.4.2.12", "Invalidate Secure EL2 TLB entries of a VA for an ASID (Secure Command queue only)";
        Opcode = X_OPCODE;
        NUM = X_NUM;
        SCALE = X_SCALE;
        ASID = X_ASID;
        Leaf = X_LEAF;
        TTL128 = X_TTL128;
        TTL = X_TTL;
        TG = X_TG;
        Address = X_VA;
    }
}

pub mod tlbi_s_el2_vaa {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_TLBI_S_EL2_VAA", bits 128, "4.4.2.13", "Invalidate Secure EL2 TLB entries of a VA for all ASIDs (Secure Command queue only)";
        Opcode = X_OPCODE;
        NUM = X_NUM;
        SCALE = X_SCALE;
        Leaf = X_LEAF;
        TTL128 = X_TTL128;
        TTL = X_TTL;
        TG = X_TG;
        Address = X_VA;
    }
}

pub mod tlbi_s_el2_asid {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_TLBI_S_EL2_ASID", bits 128, "4.4.2.14", "Invalidate Secure EL2 TLB entries of an ASID (Secure Command queue only)";
        Opcode = X_OPCODE;
        ASID = X_ASID;
    }
}

pub mod tlbi_s2_ipa {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_TLBI_S2_IPA", bits 128, "4.4.3.1", "Invalidate stage 2 TLB entries of an IPA in a VMID";
        Opcode = X_OPCODE;
        NUM = X_NUM;
        SCALE = X_SCALE;
        VMID = X_VMID;
        Leaf = X_LEAF;
        TTL128 = X_TTL128;
        TTL = X_TTL;
        TG = X_TG;
        Address = X_IPA;
    }
}

pub mod tlbi_s12_vmall {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_TLBI_S12_VMALL", bits 128, "4.4.3.2", "Invalidate all stage 1 and stage 2 TLB entries of a VMID";
        Opcode = X_OPCODE;
        VMID = X_VMID;
    }
}

pub mod tlbi_s_s2_ipa {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_TLBI_S_S2_IPA", bits 128, "4.4.3.3", "Invalidate Secure stage 2 TLB entries of an IPA (Secure Command queue only)";
        Opcode = X_OPCODE;
        NUM = X_NUM;
        SCALE = X_SCALE;
        VMID = X_VMID;
        Leaf = X_LEAF;
        TTL128 = X_TTL128;
        TTL = X_TTL;
        TG = X_TG;
        Address = X_IPA;
    }
}

pub mod tlbi_s_s12_vmall {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_TLBI_S_S12_VMALL", bits 128, "4.4.3.4", "Invalidate Secure stage 1 and 2 TLB entries of a VMID (Secure Command queue only)";
        Opcode = X_OPCODE;
        VMID = X_VMID;
    }
}

pub mod tlbi_nsnh_all {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_TLBI_NSNH_ALL", bits 128, "4.4.4.1", "Invalidate all Non-secure non-hypervisor TLB entries (all VMIDs)";
        Opcode = X_OPCODE;
    }
}

pub mod tlbi_snh_all {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_TLBI_SNH_ALL", bits 128, "4.4.4.2", "Invalidate all Secure non-hypervisor TLB entries (Secure Command queue only)";
        Opcode = X_OPCODE;
    }
}

pub mod atc_inv {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_ATC_INV", bits 128, "4.5.1", "Invalidate a device's ATS translation cache (ATC)";
        Opcode = X_OPCODE;
        Global = flag("Global", 9, "Global Invalidate flag of the ATS Invalidation Request (IGNORED when SSV == 0)", "4.5.1");
        SSV = X_SSV;
        SubstreamID = X_SUBSTREAMID;
        StreamID = X_STREAMID;
        Size = num("Size", 64, 6, "Invalidate a span of 4096 * 2^Size bytes around Address (52: all)", "4.5.1");
        Address = X_VA;
    }
}

pub mod pri_resp {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_PRI_RESP", bits 128, "4.5.2", "Respond to a PRI Page Request Group";
        Opcode = X_OPCODE;
        SSV = X_SSV;
        SubstreamID = X_SUBSTREAMID;
        StreamID = X_STREAMID;
        PRGIndex = num("PRGIndex", 64, 9, "Page Request Group Index from the page requests", "4.5.2");
        Resp = en("Resp", 76, 2, &[
            e(0, "ResponseFailure", "permanent non-paging error (for example ATS or PRI is disabled for the device)"),
            e(1, "InvalidRequest", "page-in unsuccessful for one or more pages in the group"),
            e(2, "Success", "the page request group was paged in successfully"),
        ], "Response sent to the device for the group (0b11 Reserved: ILLEGAL); Linux calls 0 PRI_RESP_DENY and 1 PRI_RESP_FAIL", "4.5.2");
    }
}

pub mod dpti_all {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_DPTI_ALL", bits 128, "4.6.1", "Invalidate all cached Device Permission Table information";
        Opcode = X_OPCODE;
    }
}

pub mod dpti_pa {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_DPTI_PA", bits 128, "4.6.2", "Invalidate cached Device Permission Table information for a PA region";
        Opcode = X_OPCODE;
    }
}

pub mod resume {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_RESUME", bits 128, "4.7.1", "Resume or terminate a stalled transaction";
        Opcode = X_OPCODE;
        SSec = X_SSEC;
        Ac = en("Ac", 12, 1, &[e(0, "Terminate", "terminate the stalled transaction as Ab says"), e(1, "Retry", "retry the transaction as though it had just arrived")], "Action", "4.7.1");
        Ab = en("Ab", 13, 1, &[e(0, "RAZ/WI", "a terminated transaction completes with RAZ/WI semantics"), e(1, "Abort", "a terminated transaction reports an abort to the client")], "Abort behaviour when Ac == 0 (IGNORED when SMMU_IDR0.TERM_MODEL == 1)", "4.7.1");
        StreamID = X_STREAMID;
        STAG = hex("STAG", 64, 16, "Stall tag, exactly as in the stall event record", "4.7.1");
    }
}

pub mod stall_term {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_STALL_TERM", bits 128, "4.7.2", "Terminate all stalled transactions of a StreamID";
        Opcode = X_OPCODE;
        SSec = X_SSEC;
        StreamID = X_STREAMID;
    }
}

pub mod sync {
    use super::*;
    crate::layout! {
        LAYOUT: "CMD_SYNC", bits 128, "4.7.3", "Complete all earlier commands, then signal";
        Opcode = X_OPCODE;
        CS = en("CS", 12, 2, &[
            e(0, "SIG_NONE", "no completion signal; poll CONS"),
            e(1, "SIG_IRQ", "signal completion with an interrupt (an MSI write of MSIData to MSIAddress)"),
            e(2, "SIG_SEV", "signal completion with a WFE wake-up event (SIG_NONE without SMMU_IDR0.SEV)"),
        ], "ComplSignal: completion signal (0b11 Reserved: CERROR_ILL)", "4.7.3");
        MSH = en("MSH", 22, 2, &[
            e(0, "NSH", "Non-shareable"),
            e(1, "Reserved", "Reserved, treated as Non-shareable"),
            e(2, "OSH", "Outer Shareable"),
            e(3, "ISH", "Inner Shareable"),
        ], "Shareability of the MSI write", "4.7.3");
        MSIAttr = hex("MSIAttr", 24, 4, "Memory type of the MSI write, encoded as STE.MemAttr", "4.7.3");
        MSIData = hex("MSIData", 32, 32, "Data written by the completion MSI", "4.7.3");
        MSIAddress = at("MSIAddress", 66, 54, 2, "Physical address of the completion MSI, bits [55:2] (0: no MSI)", "4.7.3");
    }
}

/// Every command opcode of IHI 0070 4.1.1.
pub mod op {
    pub const CMD_PREFETCH_CONFIG: u8 = 0x01;
    pub const CMD_PREFETCH_ADDR: u8 = 0x02;
    pub const CMD_CFGI_STE: u8 = 0x03;
    /// Also CMD_CFGI_ALL (Range == 31).
    pub const CMD_CFGI_STE_RANGE: u8 = 0x04;
    pub const CMD_CFGI_CD: u8 = 0x05;
    pub const CMD_CFGI_CD_ALL: u8 = 0x06;
    pub const CMD_CFGI_VMS_PIDM: u8 = 0x07;
    pub const CMD_TLBI_NH_ALL: u8 = 0x10;
    pub const CMD_TLBI_NH_ASID: u8 = 0x11;
    pub const CMD_TLBI_NH_VA: u8 = 0x12;
    pub const CMD_TLBI_NH_VAA: u8 = 0x13;
    pub const CMD_TLBI_EL3_ALL: u8 = 0x18;
    pub const CMD_TLBI_EL3_VA: u8 = 0x1A;
    pub const CMD_TLBI_EL2_ALL: u8 = 0x20;
    pub const CMD_TLBI_EL2_ASID: u8 = 0x21;
    pub const CMD_TLBI_EL2_VA: u8 = 0x22;
    pub const CMD_TLBI_EL2_VAA: u8 = 0x23;
    pub const CMD_TLBI_S12_VMALL: u8 = 0x28;
    pub const CMD_TLBI_S2_IPA: u8 = 0x2A;
    pub const CMD_TLBI_NSNH_ALL: u8 = 0x30;
    pub const CMD_ATC_INV: u8 = 0x40;
    pub const CMD_PRI_RESP: u8 = 0x41;
    pub const CMD_RESUME: u8 = 0x44;
    pub const CMD_STALL_TERM: u8 = 0x45;
    pub const CMD_SYNC: u8 = 0x46;
    pub const CMD_TLBI_S_EL2_ALL: u8 = 0x50;
    pub const CMD_TLBI_S_EL2_ASID: u8 = 0x51;
    pub const CMD_TLBI_S_EL2_VA: u8 = 0x52;
    pub const CMD_TLBI_S_EL2_VAA: u8 = 0x53;
    pub const CMD_TLBI_S_S12_VMALL: u8 = 0x58;
    pub const CMD_TLBI_S_S2_IPA: u8 = 0x5A;
    pub const CMD_TLBI_SNH_ALL: u8 = 0x60;
    pub const CMD_DPTI_ALL: u8 = 0x70;
    pub const CMD_DPTI_PA: u8 = 0x73;
    /// 0x80 - 0x8F.
    pub const IMPDEF_FIRST: u8 = 0x80;
    pub const IMPDEF_LAST: u8 = 0x8F;
}

// The layouts under their former names.
pub use atc_inv::LAYOUT as ATC_INV;
pub use cfgi_cd::LAYOUT as CFGI_CD;
pub use cfgi_cd_all::LAYOUT as CFGI_CD_ALL;
pub use cfgi_ste::LAYOUT as CFGI_STE;
pub use cfgi_ste_range::LAYOUT as CFGI_STE_RANGE;
pub use cfgi_vms_pidm::LAYOUT as CFGI_VMS_PIDM;
pub use dpti_all::LAYOUT as DPTI_ALL;
pub use dpti_pa::LAYOUT as DPTI_PA;
pub use header::LAYOUT as UNKNOWN;
pub use prefetch_addr::LAYOUT as PREFETCH_ADDR;
pub use prefetch_config::LAYOUT as PREFETCH_CONFIG;
pub use pri_resp::LAYOUT as PRI_RESP;
pub use resume::LAYOUT as RESUME;
pub use stall_term::LAYOUT as STALL_TERM;
pub use sync::LAYOUT as SYNC;
pub use tlbi_el2_all::LAYOUT as TLBI_EL2_ALL;
pub use tlbi_el2_asid::LAYOUT as TLBI_EL2_ASID;
pub use tlbi_el2_va::LAYOUT as TLBI_EL2_VA;
pub use tlbi_el2_vaa::LAYOUT as TLBI_EL2_VAA;
pub use tlbi_el3_all::LAYOUT as TLBI_EL3_ALL;
pub use tlbi_el3_va::LAYOUT as TLBI_EL3_VA;
pub use tlbi_nh_all::LAYOUT as TLBI_NH_ALL;
pub use tlbi_nh_asid::LAYOUT as TLBI_NH_ASID;
pub use tlbi_nh_va::LAYOUT as TLBI_NH_VA;
pub use tlbi_nh_vaa::LAYOUT as TLBI_NH_VAA;
pub use tlbi_nsnh_all::LAYOUT as TLBI_NSNH_ALL;
pub use tlbi_s12_vmall::LAYOUT as TLBI_S12_VMALL;
pub use tlbi_s2_ipa::LAYOUT as TLBI_S2_IPA;
pub use tlbi_s_el2_all::LAYOUT as TLBI_S_EL2_ALL;
pub use tlbi_s_el2_asid::LAYOUT as TLBI_S_EL2_ASID;
pub use tlbi_s_el2_va::LAYOUT as TLBI_S_EL2_VA;
pub use tlbi_s_el2_vaa::LAYOUT as TLBI_S_EL2_VAA;
pub use tlbi_s_s12_vmall::LAYOUT as TLBI_S_S12_VMALL;
pub use tlbi_s_s2_ipa::LAYOUT as TLBI_S_S2_IPA;
pub use tlbi_snh_all::LAYOUT as TLBI_SNH_ALL;

/// The opcode of a command (bits [7:0] of word 0).
pub fn opcode(words: &[u64]) -> u8 {
    header::Opcode.get(words) as u8
}

/// What a command needs from the SMMU and the queue to be legal (besides its version).
#[derive(Debug, Clone, Copy)]
pub enum Needs {
    None,
    /// Only the Secure Command queue accepts it.
    SecureQueue,
    /// The ID-register field must be at least `min` (for example SMMU_IDR0.S1P >= 1).
    Feature(Gate),
    /// The Stall model: SMMU_IDR0.STALL_MODEL != 0b01, and not on the Realm queue.
    Stall,
}

/// One command opcode of the architecture.
#[derive(Debug, Clone, Copy)]
pub struct CommandDef {
    pub opcode: u8,
    pub layout: &'static Layout,
    pub needs: Needs,
    /// The architecture version that introduced the command: on an older SMMU its opcode
    /// is Reserved (CERROR_ILL).
    pub since: Version,
}

impl CommandDef {
    pub fn name(&self) -> &'static str {
        self.layout.name
    }
}

const fn c(opcode: u8, layout: &'static Layout, needs: Needs, since: Version) -> CommandDef {
    CommandDef { opcode, layout, needs, since }
}
const fn feat(field: &'static FieldDef) -> Needs {
    Needs::Feature(Gate { field, min: 1 })
}

/// Every command opcode (IHI 0070 4.1.1) with what it needs (4.2 - 4.7).
pub static COMMANDS: &[CommandDef] = &[
    c(op::CMD_PREFETCH_CONFIG, &prefetch_config::LAYOUT, Needs::None, V3_0),
    c(op::CMD_PREFETCH_ADDR, &prefetch_addr::LAYOUT, Needs::None, V3_0),
    c(op::CMD_CFGI_STE, &cfgi_ste::LAYOUT, Needs::None, V3_0),
    c(op::CMD_CFGI_STE_RANGE, &cfgi_ste_range::LAYOUT, Needs::None, V3_0),
    // 4.3.3, 4.3.4: CERROR_ILL when stage 1 is not implemented.
    c(op::CMD_CFGI_CD, &cfgi_cd::LAYOUT, feat(&idr0::S1P), V3_0),
    c(op::CMD_CFGI_CD_ALL, &cfgi_cd_all::LAYOUT, feat(&idr0::S1P), V3_0),
    // 4.3.5: CERROR_ILL when SMMU_IDR3.MPAM == 0; the VMS came with SMMUv3.2.
    c(op::CMD_CFGI_VMS_PIDM, &cfgi_vms_pidm::LAYOUT, feat(&idr3::MPAM), V3_2),
    // 4.4.2: stage 1 commands are CERROR_ILL on a stage 2-only SMMU.
    c(op::CMD_TLBI_NH_ALL, &tlbi_nh_all::LAYOUT, feat(&idr0::S1P), V3_0),
    c(op::CMD_TLBI_NH_ASID, &tlbi_nh_asid::LAYOUT, feat(&idr0::S1P), V3_0),
    c(op::CMD_TLBI_NH_VA, &tlbi_nh_va::LAYOUT, feat(&idr0::S1P), V3_0),
    c(op::CMD_TLBI_NH_VAA, &tlbi_nh_vaa::LAYOUT, feat(&idr0::S1P), V3_0),
    // 4.4.2.5, 4.4.2.6: Secure Command queue only.
    c(op::CMD_TLBI_EL3_ALL, &tlbi_el3_all::LAYOUT, Needs::SecureQueue, V3_0),
    c(op::CMD_TLBI_EL3_VA, &tlbi_el3_va::LAYOUT, Needs::SecureQueue, V3_0),
    // 4.4.2.7 - 4.4.2.10: CERROR_ILL when SMMU_IDR0.Hyp == 0.
    c(op::CMD_TLBI_EL2_ALL, &tlbi_el2_all::LAYOUT, feat(&idr0::Hyp), V3_0),
    c(op::CMD_TLBI_EL2_ASID, &tlbi_el2_asid::LAYOUT, feat(&idr0::Hyp), V3_0),
    c(op::CMD_TLBI_EL2_VA, &tlbi_el2_va::LAYOUT, feat(&idr0::Hyp), V3_0),
    c(op::CMD_TLBI_EL2_VAA, &tlbi_el2_vaa::LAYOUT, feat(&idr0::Hyp), V3_0),
    // 4.4.3.1, 4.4.3.2: CERROR_ILL without stage 2.
    c(op::CMD_TLBI_S12_VMALL, &tlbi_s12_vmall::LAYOUT, feat(&idr0::S2P), V3_0),
    c(op::CMD_TLBI_S2_IPA, &tlbi_s2_ipa::LAYOUT, feat(&idr0::S2P), V3_0),
    // 4.4.4.1: valid on any SMMU.
    c(op::CMD_TLBI_NSNH_ALL, &tlbi_nsnh_all::LAYOUT, Needs::None, V3_0),
    // 4.5.1, 4.5.2: ILLEGAL when SMMU_IDR0.ATS / SMMU_IDR0.PRI == 0.
    c(op::CMD_ATC_INV, &atc_inv::LAYOUT, feat(&idr0::ATS), V3_0),
    c(op::CMD_PRI_RESP, &pri_resp::LAYOUT, feat(&idr0::PRI), V3_0),
    // 4.7.1, 4.7.2: CERROR_ILL without the Stall model.
    c(op::CMD_RESUME, &resume::LAYOUT, Needs::Stall, V3_0),
    c(op::CMD_STALL_TERM, &stall_term::LAYOUT, Needs::Stall, V3_0),
    c(op::CMD_SYNC, &sync::LAYOUT, Needs::None, V3_0),
    // 4.4.2.11 - 4.4.2.14, 4.4.3.3, 4.4.3.4, 4.4.4.2: Secure Command queue only, and
    // Reserved without Secure EL2 / Secure stage 2 (SMMUv3.2, SMMU_S_IDR1.SEL2).
    c(op::CMD_TLBI_S_EL2_ALL, &tlbi_s_el2_all::LAYOUT, Needs::SecureQueue, V3_2),
    c(op::CMD_TLBI_S_EL2_ASID, &tlbi_s_el2_asid::LAYOUT, Needs::SecureQueue, V3_2),
    c(op::CMD_TLBI_S_EL2_VA, &tlbi_s_el2_va::LAYOUT, Needs::SecureQueue, V3_2),
    c(op::CMD_TLBI_S_EL2_VAA, &tlbi_s_el2_vaa::LAYOUT, Needs::SecureQueue, V3_2),
    c(op::CMD_TLBI_S_S12_VMALL, &tlbi_s_s12_vmall::LAYOUT, Needs::SecureQueue, V3_2),
    c(op::CMD_TLBI_S_S2_IPA, &tlbi_s_s2_ipa::LAYOUT, Needs::SecureQueue, V3_2),
    c(op::CMD_TLBI_SNH_ALL, &tlbi_snh_all::LAYOUT, Needs::SecureQueue, V3_2),
    // 4.6.1, 4.6.2: CERROR_ILL when SMMU_IDR3.DPT == 0.
    c(op::CMD_DPTI_ALL, &dpti_all::LAYOUT, feat(&idr3::DPT), DPT_SINCE),
    c(op::CMD_DPTI_PA, &dpti_pa::LAYOUT, feat(&idr3::DPT), DPT_SINCE),
];

/// The Device Permission Table came with SMMUv3.3 (as SMMU_IDR3.DPT).
const DPT_SINCE: Version = V3_3;

pub fn by_opcode(op: u8) -> Option<&'static CommandDef> {
    COMMANDS.iter().find(|c| c.opcode == op)
}

/// By spec name (`CMD_CFGI_STE`; the `CMD_` prefix is optional). `CMD_CFGI_ALL` is
/// CMD_CFGI_STE_RANGE.
pub fn by_name(name: &str) -> Option<&'static CommandDef> {
    let n = name.trim();
    let n = match n.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("CMD_") && n.len() > 4 => n.get(4..).unwrap_or(n),
        _ => n,
    };
    if n.eq_ignore_ascii_case("CFGI_ALL") {
        return by_opcode(op::CMD_CFGI_STE_RANGE);
    }
    COMMANDS.iter().find(|c| c.name().get(4..).is_some_and(|s| s.eq_ignore_ascii_case(n)))
}

/// True for CMD_CFGI_STE_RANGE with Range == 31, which 4.3.6 names CMD_CFGI_ALL.
fn is_cfgi_all(words: &[u64]) -> bool {
    opcode(words) == op::CMD_CFGI_STE_RANGE && cfgi_ste_range::Range.get(words) == 31
}

/// Which Command queue the command was issued on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum QueueKind {
    #[default]
    NonSecure,
    Secure,
    Realm,
}

/// What is known about the SMMU and the queue when checking a command.
#[derive(Debug, Clone, Default)]
pub struct CheckContext<'a> {
    pub queue: QueueKind,
    /// ID registers, when known. Feature checks are skipped when absent.
    pub regs: Option<&'a RegisterSet>,
}

impl CheckContext<'_> {
    fn read(&self, f: &FieldDef) -> Option<u64> {
        self.regs.and_then(|r| r.read(f))
    }
}

/// A reason a command would, or could, raise CERROR_ILL.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Problem {
    /// `CERROR_ILL` (always illegal) or `CERROR_ILL_OPTIONAL` (implementations may check,
    /// 4.1.5), or `NOTE`.
    pub kind: &'static str,
    pub message: String,
    pub section: &'static str,
}

fn ill(message: String, section: &'static str) -> Problem {
    Problem { kind: "CERROR_ILL", message, section }
}
fn optional(message: String, section: &'static str) -> Problem {
    Problem { kind: "CERROR_ILL_OPTIONAL", message, section }
}
fn note(message: String, section: &'static str) -> Problem {
    Problem { kind: "NOTE", message, section }
}

/// iommufd's verdict on a command a guest passes through IOMMU_VIOMMU_INVALIDATE
/// (Linux arm_vsmmu_cache_invalidate / arm_vsmmu_convert_user_cmd).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GuestVerdict {
    pub accepted: bool,
    /// What Linux does to the command before issuing it on the host queue (see
    /// [`guest_rewrite`] for the rewritten words).
    pub rewrite: String,
    /// Why.
    pub explanation: String,
}

/// A decoded command: the JSON shape of `smmu cmd --json`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CommandInfo {
    pub name: &'static str,
    /// Opcode as `0x03`.
    pub opcode: String,
    pub description: &'static str,
    pub section: &'static str,
    pub summary: String,
    pub fields: Vec<FieldInfo>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
    pub iommufd: GuestVerdict,
}

/// Decodes a command, checking it as issued on the Non-secure queue with unknown IDRs.
pub fn decode(words: &[u64; 2]) -> CommandInfo {
    decode_with(words, &CheckContext::default())
}

/// The layout that decodes a command with this opcode.
pub fn layout_for(op: u8) -> &'static Layout {
    by_opcode(op).map(|d| d.layout).unwrap_or(&header::LAYOUT)
}

pub fn decode_with(words: &[u64; 2], ctx: &CheckContext) -> CommandInfo {
    let op = opcode(words);
    let def = by_opcode(op);
    let layout = layout_for(op);
    let d = layout.decode_with(words, ctx.regs);
    let name = match def {
        Some(_) if is_cfgi_all(words) => "CMD_CFGI_ALL",
        Some(d) => d.name(),
        None if (op::IMPDEF_FIRST..=op::IMPDEF_LAST).contains(&op) => "IMPLEMENTATION_DEFINED",
        None => "RESERVED",
    };
    let problems = check(words, ctx);
    let summary = summarize(name, layout, words);
    CommandInfo {
        name,
        opcode: format!("{op:#04x}"),
        description: layout.desc,
        section: if name == "CMD_CFGI_ALL" { "4.3.6" } else { layout.section },
        summary,
        fields: d.fields,
        problems,
        iommufd: guest_verdict(words),
    }
}

fn summarize(name: &str, layout: &Layout, words: &[u64]) -> String {
    let parts: Vec<String> = layout
        .fields
        .iter()
        .filter(|f| f.name != header::Opcode.name)
        .filter_map(|f| {
            let v = f.get(words);
            match f.fmt {
                Fmt::Addr(_) => Some(format!("{}={:#x}", f.name, f.address(words))),
                Fmt::Flag if v == 0 => None,
                Fmt::Flag => Some(f.name.to_string()),
                Fmt::Enum => Some(format!("{}={}", f.name, f.encoding(v).map(|e| e.name).unwrap_or("reserved"))),
                _ => Some(format!("{}={v:#x}", f.name)),
            }
        })
        .collect();
    if parts.is_empty() {
        name.to_string()
    } else {
        format!("{name} {}", parts.join(" "))
    }
}

/// The range-invalidation fields of an address-based TLBI command (4.4.1.1), when it has them.
struct Range {
    num: u64,
    scale: u64,
    ttl: u64,
    ttl128: u64,
    tg: u64,
}

fn range_fields(op: u8, w: &[u64]) -> Option<Range> {
    // Every address-based TLBI carries the fields at the same bits (4.4.1.1); read them
    // through the layout of one of them.
    use tlbi_nh_va as r;
    let ranged = matches!(
        op,
        op::CMD_TLBI_NH_VA
            | op::CMD_TLBI_NH_VAA
            | op::CMD_TLBI_EL3_VA
            | op::CMD_TLBI_EL2_VA
            | op::CMD_TLBI_EL2_VAA
            | op::CMD_TLBI_S2_IPA
            | op::CMD_TLBI_S_EL2_VA
            | op::CMD_TLBI_S_EL2_VAA
            | op::CMD_TLBI_S_S2_IPA
    );
    ranged.then(|| Range {
        num: r::NUM.get(w),
        scale: r::SCALE.get(w),
        ttl: r::TTL.get(w),
        ttl128: r::TTL128.get(w),
        tg: r::TG.get(w),
    })
}

/// Every reason the command would raise CERROR_ILL (4.1.3, 4.1.5 and each command's rules).
pub fn check(words: &[u64; 2], ctx: &CheckContext) -> Vec<Problem> {
    let op = opcode(words);
    let mut out = Vec::new();
    let Some(def) = by_opcode(op) else {
        if (op::IMPDEF_FIRST..=op::IMPDEF_LAST).contains(&op) {
            out.push(optional(
                format!("opcode {op:#04x} is IMPLEMENTATION DEFINED: illegal unless this SMMU defines it"),
                "4.1.1",
            ));
        } else {
            out.push(ill(format!("opcode {op:#04x} is Reserved"), "4.1.3"));
        }
        return out;
    };
    let l = def.layout;
    let name = if is_cfgi_all(words) { "CMD_CFGI_ALL" } else { def.name() };
    // A command of a later version than the SMMU's is a Reserved opcode there.
    if let Some(v) = ctx.regs.and_then(|r| r.version()) {
        if v < def.since {
            out.push(ill(
                format!("{name} is a {} command; on this {v} SMMU its opcode {op:#04x} is Reserved", def.since),
                "4.1.3",
            ));
        }
    }
    let d = l.decode_with(words, ctx.regs);
    for r in &d.res0 {
        out.push(optional(
            format!(
                "Reserved (RES0) bits set in word {}: {:#x}; an SMMU may treat the command as malformed",
                r.word, r.bits
            ),
            "4.1.5",
        ));
    }
    for f in &d.fields {
        match &f.status {
            FieldStatus::Absent { why } if f.value != 0 => out.push(optional(
                format!("{} = {:#x}: {why}; an SMMU may treat the command as malformed", f.name, f.value),
                "4.1.5",
            )),
            _ => {
                if f.def.is_reserved(f.value) {
                    out.push(ill(format!("{}: reserved encoding {:#x} of {}", name, f.value, f.name), l.section));
                }
            }
        }
    }
    // 4.1.6: SSec == 1 only on the Secure Command queue.
    if let Some(ssec) = l.fields.iter().find(|f| f.name == X_SSEC.name) {
        if ssec.get(words) == 1 && ctx.queue != QueueKind::Secure {
            out.push(ill(format!("SSec == 1 on the {} Command queue", queue_name(ctx.queue)), "4.1.6"));
        }
    }
    match def.needs {
        Needs::SecureQueue if ctx.queue != QueueKind::Secure => {
            out.push(ill(format!("{name} is only valid on the Secure Command queue"), l.section))
        }
        Needs::Feature(g) => {
            if let Some(v) = ctx.read(g.field) {
                if v < g.min {
                    out.push(ill(
                        format!(
                            "{name} needs SMMU_{} >= {}, which this SMMU does not report (it is {v})",
                            g.label(),
                            g.min
                        ),
                        l.section,
                    ));
                }
            }
        }
        Needs::Stall => {
            if ctx.queue == QueueKind::Realm {
                out.push(ill(format!("{name} is CERROR_ILL on the Realm Command queue"), l.section));
            }
            if ctx.read(&idr0::STALL_MODEL) == Some(1) {
                out.push(ill(
                    format!("{name} needs the Stall model, but SMMU_IDR0.STALL_MODEL == 0b01 (stall not supported)"),
                    l.section,
                ));
            }
        }
        _ => {}
    }
    // 4.4.2.5, 4.4.2.6: no EL3 StreamWorld with RME.
    if matches!(op, op::CMD_TLBI_EL3_ALL | op::CMD_TLBI_EL3_VA) && ctx.read(&idr0::RME_IMPL) == Some(1) {
        out.push(ill(format!("{name} is CERROR_ILL when SMMU_IDR0.RME_IMPL == 1 (no EL3 StreamWorld)"), l.section));
    }
    // 4.2, 4.5.1, 4.5.2: without SubstreamIDs SSV must be 0; SSV == 1 is CONSTRAINED
    // UNPREDICTABLE (as though SSV == 0, or no effect), not CERROR_ILL.
    if let Some(ssv) = l.fields.iter().find(|f| f.name == X_SSV.name) {
        if ssv.get(words) == 1 && ctx.read(&idr1::SSIDSIZE) == Some(0) {
            let sec = match op {
                op::CMD_ATC_INV => "4.5.1",
                op::CMD_PRI_RESP => "4.5.2",
                _ => "4.2",
            };
            out.push(note(
                "SSV == 1 but SMMU_IDR1.SSIDSIZE == 0 (no SubstreamIDs): CONSTRAINED UNPREDICTABLE, the command behaves as though SSV == 0 or has no effect".into(),
                sec,
            ));
        }
    }
    if let Some(r) = range_fields(op, words) {
        check_range(&r, ctx, &mut out);
    }
    match op {
        op::CMD_SYNC => {
            let cs = sync::CS.get(words);
            if cs == 2 && ctx.read(&idr0::SEV) == Some(0) {
                out.push(note(
                    "CS == SIG_SEV but SMMU_IDR0.SEV == 0: no event is sent, the command behaves as SIG_NONE".into(),
                    "4.7.3",
                ));
            }
            if cs == 1 && ctx.read(&idr0::MSI) == Some(0) {
                out.push(note("CS == SIG_IRQ without MSI support: MSIAddress and MSIData are IGNORED (a wired interrupt, if any, signals)".into(), "4.7.3"));
            }
        }
        op::CMD_ATC_INV => {
            let size = atc_inv::Size.get(words);
            if size > 52 {
                out.push(optional(
                    format!("Size {size} > 52: permitted to raise CERROR_ILL, or an UNKNOWN span is used"),
                    "4.5.1",
                ));
            }
        }
        _ => {}
    }
    out
}

fn queue_name(q: QueueKind) -> &'static str {
    match q {
        QueueKind::NonSecure => "Non-secure",
        QueueKind::Secure => "Secure",
        QueueKind::Realm => "Realm",
    }
}

/// The range-invalidation and level-hint rules of 4.4.1.1.
fn check_range(r: &Range, ctx: &CheckContext, out: &mut Vec<Problem>) {
    if r.tg == 0 {
        if r.num != 0 || r.scale != 0 || r.ttl != 0 || r.ttl128 != 0 {
            out.push(optional(
                "NUM/SCALE/TTL/TTL128 non-zero with TG == 0b00: these fields are RES0 without a granule".into(),
                "4.4.1.1",
            ));
        }
        return;
    }
    if r.num == 0 && r.scale == 0 && r.ttl == 0 {
        out.push(ill(
            "TG != 0b00 with NUM == 0, SCALE == 0 and TTL == 0b00 is a Reserved combination".into(),
            "4.4.1.1",
        ));
    }
    let ds = ctx.read(&idr5::DS);
    if r.tg == 2 && r.ttl == 1 && ds != Some(1) {
        out.push(ill(
            "TTL == 0b01 with TG == 16KB is Reserved unless SMMU_IDR5.DS == 1 (treated as TTL == 0b00)".into(),
            "4.4.1.1",
        ));
    }
    if r.scale >> 5 != 0 && ds != Some(1) {
        out.push(optional("SCALE bit 25 is RES0 unless SMMU_IDR5.DS == 1".into(), "4.4.1.1"));
    }
    if r.ttl128 != 0 && r.ttl == 0 {
        out.push(optional("TTL128 is RES0 when TTL == 0b00".into(), "4.4.1.1"));
    }
}

/// iommufd's handling of a guest command (Linux arm-smmu-v3-iommufd.c,
/// arm_vsmmu_convert_user_cmd): only a short allow-list is accepted, and each is rewritten
/// so the guest cannot reach another VM's VMID or StreamIDs.
pub fn guest_verdict(words: &[u64; 2]) -> GuestVerdict {
    let (accepted, rewrite, explanation) = match opcode(words) {
        op::CMD_TLBI_NSNH_ALL => (
            true,
            "rewritten to CMD_TLBI_NH_ALL with VMID = the vIOMMU's VMID; word 1 cleared",
            "the guest may only flush its own VM: its 'all non-hypervisor' flush becomes a flush of its VMID",
        ),
        op::CMD_TLBI_NH_ALL | op::CMD_TLBI_NH_ASID | op::CMD_TLBI_NH_VA | op::CMD_TLBI_NH_VAA => (
            true,
            "VMID field replaced by the vIOMMU's VMID",
            "stage 1 invalidations are forwarded; the guest's VMID value is ignored",
        ),
        op::CMD_CFGI_CD | op::CMD_CFGI_CD_ALL | op::CMD_ATC_INV => (
            true,
            "StreamID field (virtual SID) replaced by the physical StreamID of the vDEVICE; -EIO if no vDEVICE has that vSID",
            "CD and ATC invalidations name the device by the guest's vSID, translated through the vIOMMU's vDEVICE table",
        ),
        op::CMD_SYNC => (
            false,
            "rejected with -EIO",
            "CMD_SYNC is not in the allow-list: the kernel issues its own CMD_SYNC after each batch",
        ),
        _ => (
            false,
            "rejected with -EIO",
            "only CMD_TLBI_NH_ALL/_ASID/_VA/_VAA, CMD_TLBI_NSNH_ALL, CMD_ATC_INV, CMD_CFGI_CD and CMD_CFGI_CD_ALL are accepted from a guest; STE changes go through a new nested domain instead",
        ),
    };
    GuestVerdict { accepted, rewrite: rewrite.to_string(), explanation: explanation.to_string() }
}

/// Applies iommufd's rewrite with known values: `vmid` for TLBI commands, `psid` (the
/// physical StreamID of the vDEVICE) for CFGI_CD / CFGI_CD_ALL / ATC_INV. `None` when
/// the command is rejected.
pub fn guest_rewrite(words: &[u64; 2], vmid: u16, psid: u32) -> Option<[u64; 2]> {
    let mut w = *words;
    match opcode(words) {
        op::CMD_TLBI_NSNH_ALL => {
            let mut n = [0u64; 2];
            tlbi_nh_all::Opcode.set(&mut n, op::CMD_TLBI_NH_ALL as u64).ok()?;
            tlbi_nh_all::VMID.set(&mut n, vmid as u64).ok()?;
            Some(n)
        }
        op::CMD_TLBI_NH_ALL | op::CMD_TLBI_NH_ASID | op::CMD_TLBI_NH_VA | op::CMD_TLBI_NH_VAA => {
            // VMID sits at the same bits in all four (4.4.2).
            tlbi_nh_all::VMID.set(&mut w, vmid as u64).ok()?;
            Some(w)
        }
        op::CMD_CFGI_CD | op::CMD_CFGI_CD_ALL | op::CMD_ATC_INV => {
            // StreamID sits at the same bits in all three (4.1.6).
            cfgi_cd::StreamID.set(&mut w, psid as u64).ok()?;
            Some(w)
        }
        _ => None,
    }
}

/// Encodes a command from its spec name and field values given by name (the opcode is set
/// for you; an address field takes the address, its bits below the field are dropped as the
/// command would take them as zero).
pub fn encode(name: &str, fields: &[(&str, u64)]) -> Result<[u64; 2], EncodeError> {
    let def = by_name(name).ok_or_else(|| EncodeError::UnknownField { layout: "command", field: name.to_string() })?;
    let mut w = [0u64; 2];
    header::Opcode.set(&mut w, def.opcode as u64)?;
    if name.trim().to_ascii_uppercase().ends_with("CFGI_ALL") {
        cfgi_ste_range::Range.set(&mut w, 31)?;
    }
    for (n, v) in fields {
        let f = def
            .layout
            .field(n)
            .ok_or_else(|| EncodeError::UnknownField { layout: def.name(), field: n.to_string() })?;
        let v = match f.fmt {
            Fmt::Addr(s) => v.checked_shr(s as u32).unwrap_or(0),
            _ => *v,
        };
        f.set(&mut w, v)?;
    }
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn layouts_are_sane() {
        for c in COMMANDS {
            assert_eq!(
                c.layout.fields.first().map(|f| (f.name, f.lsb, f.width)),
                Some(("Opcode", 0, 8)),
                "{}",
                c.name()
            );
            for (i, a) in c.layout.fields.iter().enumerate() {
                assert!(a.msb() < 128, "{}.{}", c.name(), a.name);
                for b in &c.layout.fields[i + 1..] {
                    assert!(!(a.lsb <= b.msb() && b.lsb <= a.msb()), "{}: {} overlaps {}", c.name(), a.name, b.name);
                }
            }
        }
    }
    #[test]
    fn opcodes_are_unique_and_named() {
        for (i, a) in COMMANDS.iter().enumerate() {
            assert!(a.name().starts_with("CMD_"), "{}", a.name());
            assert!(COMMANDS[i + 1..].iter().all(|b| b.opcode != a.opcode), "{:#x}", a.opcode);
        }
    }
}
