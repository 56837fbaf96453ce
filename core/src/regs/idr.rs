//! SMMU_IDR0..IDR6, SMMU_IIDR, SMMU_AIDR (IHI 0070 6.3.1 - 6.3.7).
use crate::model::*;

pub static IDR0: Layout = Layout {
    name: "IDR0",
    bits: 32,
    desc: "Identification register 0: translation features",
    section: "6.3.1",
    fields: &[
        flag("S2P", 0, "Stage 2 translation supported", "6.3.1"),
        flag("S1P", 1, "Stage 1 translation supported", "6.3.1"),
        en("TTF", 2, 2, &[
            e(1, "AArch32", "VMSAv8-32 LPAE translation tables only"),
            e(2, "AArch64", "VMSAv8-64 translation tables only"),
            e(3, "AArch32+AArch64", "both translation table formats"),
        ], "Translation table formats supported", "6.3.1"),
        flag("COHACC", 4, "Coherent access to tables, queues and memory is supported", "6.3.1"),
        flag("BTM", 5, "Broadcast TLB maintenance supported", "6.3.1"),
        en("HTTU", 6, 2, &[
            e(0, "None", "no hardware translation table update"),
            e(1, "Access", "hardware update of the Access flag"),
            e(2, "Access+Dirty", "hardware update of the Access flag and dirty state"),
        ], "Hardware translation table update", "6.3.1"),
        flag("DORMHINT", 8, "Dormant hint supported", "6.3.1"),
        flag("Hyp", 9, "Hypervisor stage 1 contexts (EL2) supported", "6.3.1"),
        flag("ATS", 10, "PCIe ATS supported", "6.3.1"),
        flag("NS1ATS", 11, "Split-stage (stage-1-only) ATS not supported", "6.3.1"),
        flag("ASID16", 12, "16-bit ASID supported", "6.3.1"),
        flag("MSI", 13, "MSIs are supported", "6.3.1"),
        flag("SEV", 14, "SMMU and system support generation of WFE wake-up events", "6.3.1"),
        flag("ATOS", 15, "Address translation operations (ATOS) supported", "6.3.1"),
        flag("PRI", 16, "Page Request Interface supported", "6.3.1"),
        flag("VMW", 17, "VMID wildcard matching for invalidation supported", "6.3.1"),
        flag("VMID16", 18, "16-bit VMID supported", "6.3.1"),
        flag("CD2L", 19, "2-level CD tables supported", "6.3.1"),
        flag("VATOS", 20, "Virtual ATOS page supported", "6.3.1"),
        en("TTENDIAN", 21, 2, &[
            e(0, "Mixed", "little- and big-endian translation table walks"),
            e(2, "LE", "little-endian walks only"),
            e(3, "BE", "big-endian walks only"),
        ], "Endianness of translation table walks", "6.3.1"),
        flag("ATSRECERR", 23, "ATS transactions can be completed with an error report (SMMUv3.2)", "6.3.1"),
        en("STALL_MODEL", 24, 2, &[
            e(0, "Stall+Terminate", "stall and terminate models both supported"),
            e(1, "Terminate", "terminate model only; stall not supported"),
            e(2, "Stall forced", "stall model forced (CD.S and STE.S1STALLD have no effect)"),
        ], "Fault models supported", "6.3.1"),
        en("TERM_MODEL", 26, 1, &[
            e(0, "RAZ/WI or abort", "terminated transactions may complete RAZ/WI or with an abort"),
            e(1, "Abort only", "terminated transactions always abort; CD.A is RES1 in effect"),
        ], "Terminate model behaviour", "6.3.1"),
        en("ST_LEVEL", 27, 2, &[
            e(0, "Linear", "linear stream table only"),
            e(1, "2-level", "linear and 2-level stream tables"),
        ], "Multi-level stream table support", "6.3.1"),
    ],
};
