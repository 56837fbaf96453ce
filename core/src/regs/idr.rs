//! SMMU_IDR0..IDR6, SMMU_IIDR, SMMU_AIDR (IHI 0070 6.3.1 - 6.3.8, IDR6 in 6.3.45).
//!
//! Field names, bit positions and encodings follow IHI 0070 (the issue that covers
//! SMMUv3.4). Cross-checked against the public register definitions in Linux
//! (arm-smmu-v3.h), QEMU (smmuv3-internal.h), FreeBSD (smmureg.h) and OpenVMM
//! (smmu/src/spec/registers.rs). Values that the spec lists as Reserved are left out of
//! the `en` lists, so decoding flags them.
use crate::model::*;

pub mod idr0 {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "IDR0", bits 32, "6.3.1", "Identification register 0: features of the Non-secure programming interface";
        S2P = yn!("S2P", 0, "Stage 2 translation supported", "Stage 2 translation not supported", "Stage 2 translation supported", "6.3.1");
        S1P = yn!("S1P", 1, "Stage 1 translation supported", "Stage 1 translation not supported", "Stage 1 translation supported", "6.3.1");
        TTF = en("TTF", 2, 2, &[
        e(1, "AArch32", "VMSAv8-32 LPAE translation tables only"),
        e(2, "AArch64", "VMSAv8-64 translation tables only"),
        e(3, "AArch32+AArch64", "VMSAv8-32 LPAE and VMSAv8-64 translation tables"),
        ], "Translation table formats supported at both stage 1 and stage 2", "6.3.1");
        COHACC = yn!("COHACC", 4, "Coherent (IO-coherent) access to translations, structures and queues supported", "Coherent (IO-coherent) access to translations, structures and queues not supported", "Coherent (IO-coherent) access to translations, structures and queues supported", "6.3.1");
        BTM = yn!("BTM", 5, "Broadcast TLB maintenance from PEs supported", "Broadcast TLB maintenance from PEs not supported", "Broadcast TLB maintenance from PEs supported", "6.3.1");
        HTTU = en("HTTU", 6, 2, &[
        e(0, "None", "no hardware translation table flag updates"),
        e(1, "Access", "hardware update of the Access flag"),
        e(2, "Access+Dirty", "hardware update of the Access flag and dirty state"),
        e(3, "Access+Dirty+TableAF", "Access flag and dirty state, and Access flag for Table descriptors (SMMUv3.4-HAFT)"),
        ], "Hardware translation table Access flag and Dirty state updates", "6.3.1");
        DORMHINT = yn!("DORMHINT", 8, "Dormant hint supported", "Dormant hint not supported", "Dormant hint supported", "6.3.1");
        Hyp = yn!("Hyp", 9, "Hypervisor stage 1 contexts (EL2, EL2-E2H) supported", "Hypervisor stage 1 contexts (EL2, EL2-E2H) not supported", "Hypervisor stage 1 contexts (EL2, EL2-E2H) supported", "6.3.1").gated(&crate::regs::idr::idr0::S2P, 1);
        ATS = yn!("ATS", 10, "PCIe ATS supported by the SMMU", "PCIe ATS not supported by the SMMU", "PCIe ATS supported by the SMMU", "6.3.1");
        NS1ATS = en("NS1ATS", 11, 1, &[
        e(0, "", "split-stage (stage 1-only) ATS supported"),
        e(1, "", "split-stage (stage 1-only) ATS not supported: STE.EATS == 0b10 is not supported"),
        ], "Split-stage (stage 1-only) ATS not supported", "6.3.1").gated(&crate::regs::idr::idr0::ATS, 1);
        ASID16 = yn!("ASID16", 12, "16-bit ASID supported", "16-bit ASID not supported", "16-bit ASID supported", "6.3.1");
        MSI = yn!("MSI", 13, "Message Signalled Interrupts supported", "Message Signalled Interrupts not supported", "Message Signalled Interrupts supported", "6.3.1");
        SEV = yn!("SEV", 14, "SMMU and system support generation of WFE wake-up events to the PE", "SMMU and system do not support generation of WFE wake-up events to the PE", "SMMU and system support generation of WFE wake-up events to the PE", "6.3.1");
        ATOS = yn!("ATOS", 15, "Address Translation Operations (ATOS) supported", "Address Translation Operations (ATOS) not supported", "Address Translation Operations (ATOS) supported", "6.3.1");
        PRI = yn!("PRI", 16, "Page Request Interface supported", "Page Request Interface not supported", "Page Request Interface supported", "6.3.1").gated(&crate::regs::idr::idr0::ATS, 1);
        VMW = yn!("VMW", 17, "VMID wildcard-matching supported for TLB invalidation", "VMID wildcard-matching not supported for TLB invalidation", "VMID wildcard-matching supported for TLB invalidation", "6.3.1").gated(&crate::regs::idr::idr0::S2P, 1);
        VMID16 = yn!("VMID16", 18, "16-bit VMID supported", "16-bit VMID not supported", "16-bit VMID supported", "6.3.1");
        CD2L = yn!("CD2L", 19, "2-level Context descriptor table supported", "2-level Context descriptor table not supported", "2-level Context descriptor table supported", "6.3.1");
        VATOS = yn!("VATOS", 20, "Virtual ATOS page interface supported", "Virtual ATOS page interface not supported", "Virtual ATOS page interface supported", "6.3.1").gated(&crate::regs::idr::idr0::ATOS, 1);
        TTENDIAN = en("TTENDIAN", 21, 2, &[
        e(0, "Mixed", "mixed-endian: CD.ENDI and STE.S2ENDI may each select either endianness"),
        e(2, "LE", "little-endian only: CD.ENDI and STE.S2ENDI must select little-endian"),
        e(3, "BE", "big-endian only: CD.ENDI and STE.S2ENDI must select big-endian"),
        ], "Endianness support for translation table walks", "6.3.1");
        ATSRECERR = yn!("ATSRECERR", 23, "Recording of additional configuration-related events for ATS and PRI supported", "Recording of additional configuration-related events for ATS and PRI not supported", "Recording of additional configuration-related events for ATS and PRI supported", "6.3.1").since(V3_3).gated(&crate::regs::idr::idr0::ATS, 1);
        STALL_MODEL = en("STALL_MODEL", 24, 2, &[
        e(0, "Stall+Terminate", "Stall and Terminate models supported"),
        e(1, "Terminate", "Stall not supported: all faults terminate; STE.S2S and CD.S must be 0"),
        e(2, "Stall forced", "Stall is forced: all faults eligible to stall cause a stall; STE.S2S and CD.S must be 1"),
        ], "Stall model support", "6.3.1");
        TERM_MODEL = en("TERM_MODEL", 26, 1, &[
        e(0, "Abort or RAZ/WI", "CD.A selects abort or RAZ/WI behaviour of a terminated transaction"),
        e(1, "Abort only", "RAZ/WI termination not supported: CD.A must be 1, terminated transactions always abort"),
        ], "Terminate model behaviour", "6.3.1");
        ST_LEVEL = en("ST_LEVEL", 27, 2, &[
        e(0, "Linear", "Linear Stream table supported"),
        e(1, "2-level", "2-level Stream table supported in addition to Linear Stream table"),
        ], "Multi-level Stream table support", "6.3.1");
        RME_IMPL = yn!("RME_IMPL", 30, "RME features supported (SMMUv3.3-RME_IMPL)", "RME features not supported (SMMUv3.3-RME_IMPL)", "RME features supported (SMMUv3.3-RME_IMPL)", "6.3.1").since(V3_3);
    }
}
pub use idr0::LAYOUT as IDR0;

pub mod idr1 {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "IDR1", bits 32, "6.3.2", "Identification register 1: queue sizes, StreamID and SubstreamID widths, presets";
        SIDSIZE = num("SIDSIZE", 0, 6, "Max bits of StreamID (0 to 32)", "6.3.2");
        SSIDSIZE = num("SSIDSIZE", 6, 5, "Max bits of SubstreamID (0 to 20; 0 = no substreams)", "6.3.2");
        PRIQS = num("PRIQS", 11, 5, "Maximum number of PRI queue entries, as log2(entries) (max 19)", "6.3.2");
        EVENTQS = num("EVENTQS", 16, 5, "Maximum number of Event queue entries, as log2(entries) (max 19)", "6.3.2");
        CMDQS = num("CMDQS", 21, 5, "Maximum number of Command queue entries, as log2(entries) (max 19)", "6.3.2");
        ATTR_PERMS_OVR = yn!("ATTR_PERMS_OVR", 26, "Incoming Data/Instruction, User/Privileged and NS attributes can be overridden", "incoming Data/Instruction, User/Privileged and NS attributes cannot be overridden", "Incoming Data/Instruction, User/Privileged and NS attributes can be overridden", "6.3.2");
        ATTR_TYPES_OVR = yn!("ATTR_TYPES_OVR", 27, "Incoming MemType, Shareability, allocation and transient hints can be overridden", "incoming MemType, Shareability, allocation and transient hints cannot be overridden", "Incoming MemType, Shareability, allocation and transient hints can be overridden", "6.3.2");
        REL = en("REL", 28, 1, &[
        e(0, "Absolute", "preset base address registers report an absolute address"),
        e(1, "Relative", "preset base address registers report an offset from the base of Page 0"),
        ], "Relative base pointers", "6.3.2");
        QUEUES_PRESET = yn!("QUEUES_PRESET", 29, "Queue base addresses fixed (SMMU_(*_)CMDQ_BASE, EVENTQ_BASE, PRIQ_BASE)", "queue base addresses are not fixed", "Queue base addresses fixed (SMMU_(*_)CMDQ_BASE, EVENTQ_BASE, PRIQ_BASE)", "6.3.2");
        TABLES_PRESET = yn!("TABLES_PRESET", 30, "Table base addresses fixed (SMMU_(*_)STRTAB_BASE and STRTAB_BASE_CFG)", "table base addresses are not fixed", "Table base addresses fixed (SMMU_(*_)STRTAB_BASE and STRTAB_BASE_CFG)", "6.3.2");
        ECMDQ = yn!("ECMDQ", 31, "Enhanced Command queue interface supported (details in SMMU_IDR6)", "Enhanced Command queue interface not supported (details in SMMU_IDR6)", "Enhanced Command queue interface supported (details in SMMU_IDR6)", "6.3.2").since(V3_3);
    }
}
pub use idr1::LAYOUT as IDR1;

pub mod idr2 {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "IDR2", bits 32, "6.3.3", "Identification register 2: VATOS page location";
        BA_VATOS = num(
        "BA_VATOS",
        0,
        10,
        "VATOS page base offset from SMMU base + 0x20000, in 64KB units (when SMMU_IDR0.VATOS == 1)",
        "6.3.3",
        ).gated(&crate::regs::idr::idr0::VATOS, 1);
    }
}
pub use idr2::LAYOUT as IDR2;

pub mod idr3 {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "IDR3", bits 32, "6.3.4", "Identification register 3: optional translation features";
        HAD = yn!("HAD", 2, "Hierarchical Attribute Disables (CD.HAD0/HAD1) supported", "Hierarchical Attribute Disables (CD.HAD0/HAD1) not supported", "Hierarchical Attribute Disables (CD.HAD0/HAD1) supported", "6.3.4").gated(&crate::regs::idr::idr0::S1P, 1);
        PBHA = yn!("PBHA", 3, "Page-Based Hardware Attributes supported", "Page-Based Hardware Attributes not supported", "Page-Based Hardware Attributes supported", "6.3.4").since(V3_1);
        XNX = yn!("XNX", 4, "EL0/EL1 execute-never distinction at stage 2 supported", "EL0/EL1 execute-never distinction at stage 2 not supported", "EL0/EL1 execute-never distinction at stage 2 supported", "6.3.4").since(V3_1);
        PPS = en("PPS", 5, 1, &[
        e(0, "", "STE.PPAR determines whether the PASID is used on a PRI auto-generated response"),
        e(1, "", "the PASID of the request is always used on a PRI auto-generated response; STE.PPAR is ignored"),
        ], "PASID on PRI queue overflow auto-generated responses", "6.3.4").gated(&crate::regs::idr::idr0::PRI, 1);
        MPAM = yn!("MPAM", 7, "Memory Partitioning And Monitoring supported (SMMU_(S_)MPAMIDR present)", "Memory Partitioning And Monitoring not supported", "Memory Partitioning And Monitoring supported (SMMU_(S_)MPAMIDR present)", "6.3.4").since(V3_2);
        FWB = yn!("FWB", 8, "Stage 2 control of memory types and attributes (STE.S2FWB) supported", "Stage 2 control of memory types and attributes (STE.S2FWB) not supported", "Stage 2 control of memory types and attributes (STE.S2FWB) supported", "6.3.4").since(V3_2);
        STT = yn!("STT", 9, "Small translation tables supported", "Small translation tables not supported", "Small translation tables supported", "6.3.4").since(V3_2);
        RIL = yn!("RIL", 10, "Range-based invalidation and level hint for TLBI supported", "Range-based invalidation and level hint for TLBI not supported", "Range-based invalidation and level hint for TLBI supported", "6.3.4").since(V3_2);
        BBML = en("BBML", 11, 2, &[
        e(0, "Level 0", "Break-Before-Make behaviour level 0"),
        e(1, "Level 1", "Break-Before-Make behaviour level 1"),
        e(2, "Level 2", "Break-Before-Make behaviour level 2"),
        ], "Break-Before-Make behaviour level", "6.3.4").since(V3_2);
        E0PD = yn!("E0PD", 13, "E0PD mechanism (CD.E0PD0/E0PD1) implemented", "E0PD mechanism (CD.E0PD0/E0PD1) not implemented", "E0PD mechanism (CD.E0PD0/E0PD1) implemented", "6.3.4").since(V3_3);
        PTWNNC = en("PTWNNC", 14, 1, &[
        e(0, "", "STE.S2PTW == 0 permits stage 1 table walks mapped as Device memory"),
        e(1, "", "STE.S2PTW == 0 treats stage 1 table walks mapped as Device memory as Normal Non-cacheable"),
        ], "Behaviour of the STE.S2PTW bit", "6.3.4").since(V3_3).gated(&crate::regs::idr::idr0::S2P, 1);
        DPT = yn!("DPT", 15, "Device Permission Table (and STE.EATS == 0b11) supported for Non-secure streams", "Device Permission Table (and STE.EATS == 0b11) not supported for Non-secure streams", "Device Permission Table (and STE.EATS == 0b11) supported for Non-secure streams", "6.3.4").since(V3_3).gated(&crate::regs::idr::idr0::ATS, 1);
        PASIDTT = yn!("PASIDTT", 16, "PASID TLP prefix on ATS Translated transactions supported", "PASID TLP prefix on ATS Translated transactions not supported", "PASID TLP prefix on ATS Translated transactions supported", "6.3.4").since(V3_4).gated(&crate::regs::idr::idr0::ATS, 1);
        EPAN = yn!("EPAN", 17, "Enhanced PAN supported", "Enhanced PAN not supported", "Enhanced PAN supported", "6.3.4").since(V3_4);
        S1PI = yn!("S1PI", 18, "Stage 1 permission indirections supported", "Stage 1 permission indirections not supported", "Stage 1 permission indirections supported", "6.3.4").since(V3_4).gated(&crate::regs::idr::idr0::S1P, 1);
        S2PI = yn!("S2PI", 19, "Stage 2 permission indirections supported", "Stage 2 permission indirections not supported", "Stage 2 permission indirections supported", "6.3.4").since(V3_4).gated(&crate::regs::idr::idr0::S2P, 1);
        S2PO = yn!("S2PO", 20, "Stage 2 permission overlays supported", "Stage 2 permission overlays not supported", "Stage 2 permission overlays supported", "6.3.4").since(V3_4).gated(&crate::regs::idr::idr3::S2PI, 1);
        THE = yn!("THE", 21, "Translation hardening extension supported", "Translation hardening extension not supported", "Translation hardening extension supported", "6.3.4").since(V3_4).gated(&crate::regs::idr::idr0::S1P, 1);
        MTEPERM = yn!("MTEPERM", 22, "Stage 2 MemAttr NoTagAccess encodings supported", "Stage 2 MemAttr NoTagAccess encodings not supported", "Stage 2 MemAttr NoTagAccess encodings supported", "6.3.4").since(V3_4).gated(&crate::regs::idr::idr0::S2P, 1);
        AIE = yn!("AIE", 23, "Stage 1 Attribute Index Extension supported", "Stage 1 Attribute Index Extension not supported", "Stage 1 Attribute Index Extension supported", "6.3.4").since(V3_4).gated(&crate::regs::idr::idr0::S1P, 1);
    }
}
pub use idr3::LAYOUT as IDR3;

pub mod idr4 {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "IDR4", bits 32, "6.3.5", "Identification register 4: IMPLEMENTATION DEFINED";
        IMPLEMENTATION_DEFINED = hex("IMPLEMENTATION_DEFINED", 0, 32, "IMPLEMENTATION DEFINED contents", "6.3.5");
    }
}
pub use idr4::LAYOUT as IDR4;

pub mod idr5 {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "IDR5", bits 32, "6.3.6", "Identification register 5: output address size, granules, VA size, stalls";
        OAS = en("OAS", 0, 3, &[
        e(0, "32 bits", "output (physical) address size 32 bits (4GB)"),
        e(1, "36 bits", "output (physical) address size 36 bits (64GB)"),
        e(2, "40 bits", "output (physical) address size 40 bits (1TB)"),
        e(3, "42 bits", "output (physical) address size 42 bits (4TB)"),
        e(4, "44 bits", "output (physical) address size 44 bits (16TB)"),
        e(5, "48 bits", "output (physical) address size 48 bits (256TB)"),
        e(6, "52 bits", "output (physical) address size 52 bits (4PB); reserved in SMMUv3.0"),
        e(7, "56 bits", "output (physical) address size 56 bits (64PB); reserved in SMMUv3.3 and earlier"),
        ], "Output Address Size: size of physical address output from the SMMU", "6.3.6");
        GRAN4K = yn!("GRAN4K", 4, "4KB translation granule supported", "4KB translation granule not supported", "4KB translation granule supported", "6.3.6");
        GRAN16K = yn!("GRAN16K", 5, "16KB translation granule supported", "16KB translation granule not supported", "16KB translation granule supported", "6.3.6");
        GRAN64K = yn!("GRAN64K", 6, "64KB translation granule supported", "64KB translation granule not supported", "64KB translation granule supported", "6.3.6");
        DS = yn!("DS", 7, "52-bit address sizes with 4KB and 16KB granules supported (FEAT_LPA2 equivalent)", "52-bit address sizes with 4KB and 16KB granules not supported (FEAT_LPA2 equivalent)", "52-bit address sizes with 4KB and 16KB granules supported (FEAT_LPA2 equivalent)", "6.3.6").since(V3_4);
        D128 = yn!("D128", 8, "128-bit VMSAv9-128 translation table descriptors supported", "128-bit VMSAv9-128 translation table descriptors not supported", "128-bit VMSAv9-128 translation table descriptors supported", "6.3.6").since(V3_4);
        VAX = en("VAX", 10, 2, &[
        e(0, "48 bits", "virtual addresses of up to 48 bits can be translated per CD.TTBx"),
        e(1, "52 bits", "virtual addresses of up to 52 bits can be translated per CD.TTBx"),
        e(2, "56 bits", "virtual addresses of up to 56 bits can be translated per CD.TTBx (SMMUv3.4-D128; reserved earlier)"),
        ], "Virtual Address eXtend: stage 1 input address size", "6.3.6").since(V3_1);
        STALL_MAX = num("STALL_MAX", 16, 16, "Maximum number of outstanding stalled transactions supported by the SMMU and system", "6.3.6");
    }
}
pub use idr5::LAYOUT as IDR5;

pub mod iidr {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "IIDR", bits 32, "6.3.7", "Implementation identification register: implementer, product, variant, revision";
        Implementer = hexv("Implementer", 0, 12, &[
        e(0x43B, "Arm", "Arm Limited (JEP106 continuation 0x4, identity 0x3B)"),
        ], "JEP106 code of the implementer: [11:8] continuation code, [6:0] identity code", "6.3.7");
        Revision = num("Revision", 12, 4, "IMPLEMENTATION DEFINED minor revision of the product", "6.3.7");
        Variant = num("Variant", 16, 4, "IMPLEMENTATION DEFINED variant or major revision of the product", "6.3.7");
        ProductID = hex("ProductID", 20, 12, "IMPLEMENTATION DEFINED value identifying the SMMU part", "6.3.7");
    }
}
pub use iidr::LAYOUT as IIDR;

pub mod aidr {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "AIDR", bits 32, "6.3.8", "Architecture identification register: SMMU architecture version";
        ArchMinorRev = en("ArchMinorRev", 0, 4, &[
        e(0, "SMMUv3.0", "minor architecture revision 0"),
        e(1, "SMMUv3.1", "minor architecture revision 1"),
        e(2, "SMMUv3.2", "minor architecture revision 2"),
        e(3, "SMMUv3.3", "minor architecture revision 3"),
        e(4, "SMMUv3.4", "minor architecture revision 4"),
        ], "Minor architecture revision", "6.3.8");
        ArchMajorRev = en("ArchMajorRev", 4, 4, &[e(0, "SMMUv3.x", "major architecture revision 3")], "Major architecture revision", "6.3.8");
    }
}
pub use aidr::LAYOUT as AIDR;

pub mod idr6 {
    #[allow(unused_imports)]
    use super::*;
    crate::layout! {
        LAYOUT: "IDR6", bits 32, "6.3.45", "Identification register 6: Enhanced Command queue interface (when SMMU_IDR1.ECMDQ == 1)";
        CMDQ_CONTROL_PAGE_LOG2NUMQ = num("CMDQ_CONTROL_PAGE_LOG2NUMQ", 16, 4, "log2 of the number of queues per Command queue control page (max 8)", "6.3.45").since(V3_3).gated(&crate::regs::idr::idr1::ECMDQ, 1);
        CMDQ_CONTROL_PAGE_LOG2NUMP = num("CMDQ_CONTROL_PAGE_LOG2NUMP", 24, 4, "log2 of the number of Command queue control pages (max 8)", "6.3.45").since(V3_3).gated(&crate::regs::idr::idr1::ECMDQ, 1);
    }
}
pub use idr6::LAYOUT as IDR6;
