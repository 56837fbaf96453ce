//! Stream Table Entry (IHI 0070 G.b 5.2): every field, declared once, as typed handles.
//!
//! Bit positions, names and the version that introduced each field are from IHI 0070 G.b
//! section 5.2 (and 2.2-2.8 for the versions), cross-checked against the public STE
//! definitions of Linux (arm-smmu-v3.h) and FreeBSD (smmureg.h). Where those stop short of
//! the spec (addresses to bit 51, no v3.2+ fields), the spec is followed.
//!
//! Gates: a field is gated on the ID-register field whose 0 makes it RES0 (5.2 says so
//! field by field). Fields that are only IGNORED without a feature (S2HWU59..62 without
//! SMMU_IDR3.PBHA, EATS without SMMU_IDR0.ATS) are not gated: a value there is harmless.
#[allow(unused_imports)]
use super::enc::{
    CACHE_ENC, CONFIG_ENC, INSTCFG_ENC, MTCFG_ENC, NSCFG_ENC, PRIVCFG_ENC, S1DSS_ENC, S1FMT_ENC, SHCFG_ENC, SH_ENC,
    TG_ENC,
};
use crate::model::*;
use crate::regs::idr::{idr0, idr1, idr3, idr5};

/// Address size encodings of STE.S2PS and CD.IPS (and SMMU_IDR5.OAS).
pub static PS_ENC: &[Enc] = &[
    e(0, "32 bits", "4GB"),
    e(1, "36 bits", "64GB"),
    e(2, "40 bits", "1TB"),
    e(3, "42 bits", "4TB"),
    e(4, "44 bits", "16TB"),
    e(5, "48 bits", "256TB"),
    e(6, "52 bits", "4PB (SMMUv3.1 and later; reserved, behaves as 48 bits, in SMMUv3.0)"),
    e(7, "56 bits", "64PB (SMMUv3.4 and later; reserved, behaves as 52 bits, in SMMUv3.1 to SMMUv3.3)"),
];
/// STE.EATS (5.2).
pub static EATS_ENC: &[Enc] = &[
    e(0, "Abort", "ATS Translation Requests are refused (UR, F_BAD_ATS_TREQ); with SMMU_CR0.ATSCHK = 1 Translated traffic is refused"),
    e(1, "Full ATS", "ATS Translation Requests are translated by every enabled stage; Translated traffic may bypass"),
    e(2, "Split-stage", "ATS returns the stage 1 (IPA) result; Translated traffic goes through stage 2"),
    e(3, "Full ATS with DPT", "Full ATS plus Device Permission Table checks of Translated traffic (SMMUv3.3, SMMU_IDR3.DPT = 1; otherwise reserved, behaves as Abort)"),
];
/// STE.STRW (5.2): the value 0b01 means EL3 only in the Secure Stream table.
pub static STRW_ENC: &[Enc] = &[
    e(0, "EL1", "NS-EL1 (Secure in the Secure Stream table, Realm-EL1 in the Realm one)"),
    e(1, "EL3", "EL3 in the Secure Stream table; reserved (ILLEGAL) in the Non-secure and Realm ones"),
    e(2, "EL2", "EL2, or EL2-E2H when SMMU_(*_)CR2.E2H = 1"),
];
/// STE.DPT_VMATCH (5.2), for a Non-secure STE with EATS = 0b11.
pub static DPT_VMATCH_ENC: &[Enc] = &[
    e(0, "VMID or AC=0b10", "S2VMID must match, or the DPT entry must have AC = 0b10"),
    e(1, "VMID or AC=0b01/0b10", "S2VMID must match, or the DPT entry must have AC = 0b01 or 0b10"),
    e(2, "No VMID match", "S2VMID is not required to match"),
];
/// STE.S2POI<p> (5.2): stage 2 permission overlay interpretations.
pub static S2POI_ENC: &[Enc] = &[
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
    e(0b1100, "RW", "read-write"),
    e(0b1101, "RW+uX", "read-write, unprivileged execute"),
    e(0b1110, "RW+pX", "read-write, privileged execute"),
    e(0b1111, "RW+puX", "read-write, privileged and unprivileged execute"),
];
/// STE.S2SKL / S_S2SKL (5.2).
pub static SKL_ENC: &[Enc] = &[
    e(0, "Skip 0", "skip 0 levels"),
    e(1, "Skip 1", "skip 1 level"),
    e(2, "Skip 2", "skip 2 levels"),
    e(3, "Skip 3", "skip 3 levels"),
];

macro_rules! s2poi {
    ($p:literal) => {
        en(
            concat!("S2POI", $p),
            448 + 4 * $p,
            4,
            S2POI_ENC,
            concat!("Stage 2 permission overlay interpretation for POIndex ", $p, " (S2POR_EL1)"),
            "5.2",
        )
        .since(V3_4)
        .gated(&idr3::S2PO, 1)
    };
}

crate::layout! {
    /// Stream Table Entry (IHI 0070 5.2), 64 bytes.
    LAYOUT: "STE", bits 512, "5.2", "Stream Table Entry: configuration of one StreamID";
    V = flag("V", 0, "Valid STE", "5.2");
    Config = en("Config", 1, 3, CONFIG_ENC, "Stream configuration: abort, bypass or which stages translate", "5.2");
    S1Fmt = en("S1Fmt", 4, 2, S1FMT_ENC, "Format of the CD table at S1ContextPtr", "5.2");
    // [55:6]: address bits [51:48] from SMMUv3.1 (LPA), [55:52] from SMMUv3.4 (56-bit PA);
    // Linux and FreeBSD mask [51:6].
    S1ContextPtr = addr("S1ContextPtr", 6, 50, "Address of the CD or CD table (an IPA when stage 2 translates), bits [55:6]", "5.2");
    S1CDMax = num("S1CDMax", 59, 5, "Number of SubstreamID bits: the CD table holds 2^S1CDMax CDs (0: one CD, no SubstreamIDs)", "5.2");
    S1DSS = en("S1DSS", 64, 2, S1DSS_ENC, "Default substream: what happens to transactions without a SubstreamID", "5.2");
    S1CIR = en("S1CIR", 66, 2, CACHE_ENC, "Inner cacheability of CD and L1CD fetches", "5.2");
    S1COR = en("S1COR", 68, 2, CACHE_ENC, "Outer cacheability of CD and L1CD fetches", "5.2");
    S1CSH = en("S1CSH", 70, 2, SH_ENC, "Shareability of CD and L1CD fetches", "5.2");
    S2HWU59 = flag("S2HWU59", 72, "Stage 2 descriptor bit 59 has IMPLEMENTATION DEFINED hardware use (PBHA; IGNORED without SMMU_IDR3.PBHA)", "5.2").since(V3_1);
    S2HWU60 = flag("S2HWU60", 73, "Stage 2 descriptor bit 60 has IMPLEMENTATION DEFINED hardware use (PBHA; IGNORED without SMMU_IDR3.PBHA)", "5.2").since(V3_1);
    S2HWU61 = flag("S2HWU61", 74, "Stage 2 descriptor bit 61 has IMPLEMENTATION DEFINED hardware use (PBHA; IGNORED without SMMU_IDR3.PBHA)", "5.2").since(V3_1);
    S2HWU62 = flag("S2HWU62", 75, "Stage 2 descriptor bit 62 has IMPLEMENTATION DEFINED hardware use (PBHA; IGNORED without SMMU_IDR3.PBHA)", "5.2").since(V3_1);
    DRE = flag("DRE", 76, "Destructive read enable: read-and-invalidate and Invalidate CMOs are permitted", "5.2").since(V3_1);
    CONT = num("CONT", 77, 4, "Contiguous hint: 2^CONT StreamIDs share this configuration", "5.2");
    DCP = flag("DCP", 81, "Directed cache prefetch enable", "5.2").since(V3_1);
    PPAR = flag("PPAR", 82, "PRI queue overflow auto-responses include a PASID TLP prefix if permitted", "5.2").gated(&idr0::PRI, 1);
    MEV = flag("MEV", 83, "Merge events arising from this stream (events may be coalesced)", "5.2");
    SW_RESERVED = hex("SW_RESERVED", 84, 4, "Reserved for software use (IGNORED by the SMMU)", "5.2");
    S1PIE = flag("S1PIE", 88, "CDs fetched through this STE can enable stage 1 permission indirection", "5.2").since(V3_4).gated(&idr3::S1PI, 1);
    S2FWB = flag("S2FWB", 89, "Stage 2 forced write-back: stage 2 MemAttr overrides stage 1 attributes (HCR_EL2.FWB)", "5.2").since(V3_2).gated(&idr3::FWB, 1);
    S1MPAM = flag("S1MPAM", 90, "Stage 1 controls MPAM: PARTID and PMG come from the CD rather than the STE", "5.2").since(V3_2).gated(&idr3::MPAM, 1);
    S1STALLD = flag("S1STALLD", 91, "Stage 1 stall disabled: stall fault model may not be used by the CDs", "5.2").gated(&idr0::S1P, 1);
    EATS = en("EATS", 92, 2, EATS_ENC, "Enable PCIe ATS translation and traffic (IGNORED without SMMU_IDR0.ATS)", "5.2");
    // RES0 when SMMU_IDR0.S1P = 0, or SMMU_IDR0.Hyp = 0 for a Non-secure STE; Hyp implies S1P,
    // so Hyp is the gate (this model decodes Non-secure STEs).
    STRW = en("STRW", 94, 2, STRW_ENC, "StreamWorld control: translation regime of a stage 1-only stream", "5.2").gated(&idr0::Hyp, 1);
    MemAttr = hex("MemAttr", 96, 4, "Memory type override (VMSAv8-64 stage 2 MemAttr encoding), used when MTCFG = 1", "5.2").gated(&idr1::ATTR_TYPES_OVR, 1);
    MTCFG = en("MTCFG", 100, 1, MTCFG_ENC, "Memory type configuration", "5.2").gated(&idr1::ATTR_TYPES_OVR, 1);
    ALLOCCFG = hex("ALLOCCFG", 101, 4, "Allocation hints override (0b0xxx: use incoming; 0b1RWT: Read-Allocate, Write-Allocate, Transient)", "5.2").gated(&idr1::ATTR_TYPES_OVR, 1);
    SHCFG = en("SHCFG", 108, 2, SHCFG_ENC, "Shareability configuration override", "5.2").gated(&idr1::ATTR_TYPES_OVR, 1);
    NSCFG = en("NSCFG", 110, 2, NSCFG_ENC, "NS attribute configuration (Secure and Realm streams; IGNORED in the Non-secure Stream table)", "5.2");
    PRIVCFG = en("PRIVCFG", 112, 2, PRIVCFG_ENC, "Privilege configuration override", "5.2").gated(&idr1::ATTR_PERMS_OVR, 1);
    INSTCFG = en("INSTCFG", 114, 2, INSTCFG_ENC, "Instruction/data configuration override", "5.2").gated(&idr1::ATTR_PERMS_OVR, 1);
    IMPLEMENTATION_DEFINED_127_116 = hex("IMPLEMENTATION_DEFINED_127_116", 116, 12, "IMPLEMENTATION DEFINED per-stream configuration (for example QoS overrides)", "5.2");
    S2VMID = num("S2VMID", 128, 16, "Virtual machine identifier (stage 2 TLB tag)", "5.2");
    IMPLEMENTATION_DEFINED_159_144 = hex("IMPLEMENTATION_DEFINED_159_144", 144, 16, "IMPLEMENTATION DEFINED", "5.2");
    S2T0SZ = num("S2T0SZ", 160, 6, "Size of the IPA input region: 2^(64-S2T0SZ) bytes", "5.2").gated(&idr0::S2P, 1);
    S2SL0 = num("S2SL0", 166, 2, "Starting level of the stage 2 walk (with S2SL0_2; meaning depends on S2TG)", "5.2").gated(&idr0::S2P, 1);
    S2IR0 = en("S2IR0", 168, 2, CACHE_ENC, "Inner cacheability of stage 2 table walks", "5.2").gated(&idr0::S2P, 1);
    S2OR0 = en("S2OR0", 170, 2, CACHE_ENC, "Outer cacheability of stage 2 table walks", "5.2").gated(&idr0::S2P, 1);
    S2SH0 = en("S2SH0", 172, 2, SH_ENC, "Shareability of stage 2 table walks", "5.2").gated(&idr0::S2P, 1);
    S2TG = en("S2TG", 174, 2, TG_ENC, "Stage 2 translation granule", "5.2").gated(&idr0::S2P, 1);
    S2PS = en("S2PS", 176, 3, PS_ENC, "Stage 2 physical address size (output size of stage 2, capped to the OAS)", "5.2").gated(&idr0::S2P, 1);
    S2AA64 = flag("S2AA64", 179, "Stage 2 translation tables are VMSAv8-64 (0: VMSAv8-32 LPAE, or VMSAv9-128 when SMMU_IDR5.D128 = 1)", "5.2").gated(&idr0::S2P, 1);
    S2ENDI = flag("S2ENDI", 180, "Stage 2 translation tables are big-endian", "5.2").gated(&idr0::S2P, 1);
    S2AFFD = flag("S2AFFD", 181, "Stage 2 access flag fault disable (AF = 0 does not fault)", "5.2").gated(&idr0::S2P, 1);
    S2PTW = flag("S2PTW", 182, "Protected table walk: CD fetches and stage 1 walks that hit stage 2 Device memory fault", "5.2").gated(&idr0::S2P, 1);
    S2HD = flag("S2HD", 183, "Stage 2 hardware update of dirty state", "5.2").gated(&idr0::S2P, 1);
    S2HA = flag("S2HA", 184, "Stage 2 hardware update of the Access flag", "5.2").gated(&idr0::S2P, 1);
    S2S = flag("S2S", 185, "Stage 2 faults stall (rather than terminate)", "5.2").gated(&idr0::S2P, 1);
    S2R = flag("S2R", 186, "Stage 2 faults are recorded (event queue)", "5.2").gated(&idr0::S2P, 1);
    S2HAFT = flag("S2HAFT", 187, "Stage 2 hardware update of the Access flag in Table descriptors", "5.2").since(V3_4).gated(&idr0::HTTU, 3);
    S2PIE = flag("S2PIE", 188, "Stage 2 uses the Indirect Permission Scheme (VTCR_EL2.S2PIE)", "5.2").since(V3_4).gated(&idr3::S2PI, 1);
    S2POE = flag("S2POE", 189, "Stage 2 permission overlays applied (S2POI)", "5.2").since(V3_4).gated(&idr3::S2PO, 1);
    DPT_VMATCH = en("DPT_VMATCH", 190, 2, DPT_VMATCH_ENC, "VMID matching requirement for DPT checks (EATS = 0b11)", "5.2").since(V3_3).gated(&idr3::DPT, 1);
    // TODO(regs): the Secure-only fields are RES0 unless SMMU_S_IDR1.SEL2 == 1, and always
    // RES0 in a Non-secure STE; SMMU_S_IDR1 is not modelled, so they are gated on
    // SMMU_IDR0.S2P (Secure stage 2 needs stage 2).
    S2NSW = flag("S2NSW", 192, "Secure STEs: stage 2 walks of the Non-secure IPA space are Non-secure", "5.2").since(V3_2).gated(&idr0::S2P, 1);
    S2NSA = flag("S2NSA", 193, "Secure STEs: stage 2 Non-secure IPA translations output Non-secure PAs", "5.2").since(V3_2).gated(&idr0::S2P, 1);
    S2SL0_2 = flag("S2SL0_2", 194, "Bit [2] of the stage 2 starting level (VTCR_EL2.SL2, with S2DS and a 4KB granule)", "5.2").since(V3_4).gated(&idr5::DS, 1);
    S2DS = flag("S2DS", 195, "52-bit stage 2 input and output addresses with 4KB and 16KB granules (VTCR_EL2.DS)", "5.2").since(V3_4).gated(&idr5::DS, 1);
    // [247:196] = address bits [55:4]: [243:240] from SMMUv3.1, [247:244] only for VMSAv9-128
    // (SMMUv3.4); Linux and FreeBSD mask [51:4].
    S2TTB = addr("S2TTB", 196, 52, "Stage 2 translation table base address (a PA), bits [55:4]", "5.2").gated(&idr0::S2P, 1);
    S2SKL = en("S2SKL", 253, 2, SKL_ENC, "Skip levels of the initial stage 2 lookup (VMSAv9-128, VTTBR_EL2.SKL)", "5.2").since(V3_4).gated(&idr5::D128, 1);
    IMPLEMENTATION_DEFINED_271_256 = hex("IMPLEMENTATION_DEFINED_271_256", 256, 16, "IMPLEMENTATION DEFINED", "5.2");
    PARTID = num("PARTID", 272, 16, "MPAM partition ID of accesses for this stream", "5.2").since(V3_2).gated(&idr3::MPAM, 1);
    S_S2T0SZ = num("S_S2T0SZ", 288, 6, "Secure STEs: size of the Secure IPA input region (VSTCR_EL2.T0SZ)", "5.2").since(V3_2).gated(&idr0::S2P, 1);
    S_S2SL0 = num("S_S2SL0", 294, 2, "Secure STEs: starting level of the Secure stage 2 walk (S_S2TTB)", "5.2").since(V3_2).gated(&idr0::S2P, 1);
    S_S2TG = en("S_S2TG", 302, 2, TG_ENC, "Secure STEs: Secure stage 2 translation granule (VSTCR_EL2.TG0)", "5.2").since(V3_2).gated(&idr0::S2P, 1);
    // TODO(regs): RES0 unless SMMU_R_IDR3.MEC == 1 (Realm STEs only); SMMU_R_IDR3 is not
    // modelled, so gated on SMMU_IDR0.RME_IMPL.
    MECID = num("MECID", 304, 16, "Realm STEs: Memory Encryption Context ID of accesses for this stream", "5.2").since(V3_3).gated(&idr0::RME_IMPL, 1);
    PMG = num("PMG", 320, 8, "MPAM performance monitor group of accesses for this stream", "5.2").since(V3_2).gated(&idr3::MPAM, 1);
    // TODO(regs): RES0 unless SMMU_S_MPAMIDR.HAS_MPAM_NS == 1 (Secure and Realm STEs);
    // gated on SMMU_IDR3.MPAM until SMMU_S_MPAMIDR is modelled.
    MPAM_NS = flag("MPAM_NS", 328, "Accesses for structures reached from this STE use the Non-secure PARTID space", "5.2").since(V3_3).gated(&idr3::MPAM, 1);
    AssuredOnly = flag("AssuredOnly", 329, "Stage 2 AssuredOnly permission checks enabled (VTCR_EL2.AssuredOnly)", "5.2").since(V3_4).gated(&idr3::THE, 1);
    TL0 = flag("TL0", 330, "Stage 2 TopLevel0 check enabled (VTCR_EL2.TL0)", "5.2").since(V3_4).gated(&idr3::THE, 1);
    TL1 = flag("TL1", 331, "Stage 2 TopLevel1 check enabled (VTCR_EL2.TL1)", "5.2").since(V3_4).gated(&idr3::THE, 1);
    // The VMS holds the PARTID_MAP (MPAM); it is used with Config = 0b111 and S1MPAM = 1.
    VMSPtr = addr("VMSPtr", 332, 44, "Address of the Virtual Machine Structure of this stream (a PA), bits [55:12]", "5.2").since(V3_2).gated(&idr3::MPAM, 1);
    S2SW = flag("S2SW", 384, "Secure STEs: stage 2 walks of the Secure IPA space are Non-secure", "5.2").since(V3_2).gated(&idr0::S2P, 1);
    S2SA = flag("S2SA", 385, "Secure STEs: stage 2 Secure IPA translations output Non-secure PAs", "5.2").since(V3_2).gated(&idr0::S2P, 1);
    S_S2SL0_2 = flag("S_S2SL0_2", 386, "Secure STEs: bit [2] of S_S2SL0", "5.2").since(V3_4).gated(&idr5::DS, 1);
    S_S2TTB = addr("S_S2TTB", 388, 52, "Secure STEs: Secure stage 2 translation table base address, bits [55:4]", "5.2").since(V3_2).gated(&idr0::S2P, 1);
    S_S2SKL = en("S_S2SKL", 445, 2, SKL_ENC, "Secure STEs: skip levels of the initial Secure stage 2 lookup (VMSAv9-128)", "5.2").since(V3_4).gated(&idr5::D128, 1);
    S2POI0 = s2poi!(0);
    S2POI1 = s2poi!(1);
    S2POI2 = s2poi!(2);
    S2POI3 = s2poi!(3);
    S2POI4 = s2poi!(4);
    S2POI5 = s2poi!(5);
    S2POI6 = s2poi!(6);
    S2POI7 = s2poi!(7);
    S2POI8 = s2poi!(8);
    S2POI9 = s2poi!(9);
    S2POI10 = s2poi!(10);
    S2POI11 = s2poi!(11);
    S2POI12 = s2poi!(12);
    S2POI13 = s2poi!(13);
    S2POI14 = s2poi!(14);
    S2POI15 = s2poi!(15);
}
