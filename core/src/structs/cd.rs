//! Context Descriptor (IHI 0070 G.b 5.4): every field, declared once, as typed handles.
//!
//! Bit positions, names and versions from IHI 0070 G.b 5.4 (versions from 2.2-2.8),
//! cross-checked against the public CD definitions of Linux (arm-smmu-v3.h) and FreeBSD
//! (smmureg.h), which stop at TTB0 bit 51 and at word 1; the spec is followed beyond.
//!
//! Where G.b names the same bits differently "When SMMU_IDR5.D128 == 1" (DisCH0/DisCH1,
//! SKL0/SKL1), the field carries that name as an alias from SMMUv3.4, the version that
//! introduced D128.
use super::enc::{CACHE_ENC, SH_ENC, TG_ENC};
use super::ste::PS_ENC;
use crate::model::*;
use crate::regs::idr::{idr0, idr3, idr5};

/// CD.TG1 (5.4): a different encoding from TG0, as in TCR_ELx.TG1.
pub static TG1_ENC: &[Enc] = &[
    e(1, "16KB", "16KB translation granule"),
    e(2, "4KB", "4KB translation granule"),
    e(3, "64KB", "64KB translation granule"),
];
/// CD.ASET (5.4).
pub static ASET_ENC: &[Enc] = &[
    e(0, "Shared ASID set", "shared with PEs: broadcast TLB invalidations apply to this ASID"),
    e(1, "SMMU-private ASID set", "broadcast TLB invalidations do not apply to this ASID"),
];
/// CD.NSCFG0 / NSCFG1 (5.4).
pub static NSCFG_WALK_ENC: &[Enc] = &[
    e(0, "Secure", "the starting-level descriptor is fetched with NS = 0 (Secure STEs only)"),
    e(1, "Non-secure", "the starting-level descriptor is fetched with NS = 1 (Secure STEs only)"),
];
/// CD.PIIU<p> / PIIP<p> (5.4): stage 1 base permission interpretations. 0b100 and 0b110
/// are reserved and make the CD ILLEGAL.
pub static PII_ENC: &[Enc] = &[
    e(0b000, "No Access", "no access"),
    e(0b001, "Read-only", "read-only"),
    e(0b010, "Execute-only", "execute-only"),
    e(0b011, "Read-execute", "read and execute"),
    e(0b101, "Read-write", "read and write"),
    e(0b111, "Read-write-execute", "read, write and execute"),
];

static DISCH0: &[Alias] = &[Alias {
    name: "DisCH0",
    since: V3_4,
    note: "when SMMU_IDR5.D128 == 1: disable the Contiguous bit at the initial level of TTB0 walks (VMSAv9-128)",
}];
static DISCH1: &[Alias] = &[Alias {
    name: "DisCH1",
    since: V3_4,
    note: "when SMMU_IDR5.D128 == 1: disable the Contiguous bit at the initial level of TTB1 walks (VMSAv9-128)",
}];
static SKL0: &[Alias] = &[Alias {
    name: "SKL0",
    since: V3_4,
    note: "when SMMU_IDR5.D128 == 1: skip levels of the initial TTB0 lookup (VMSAv9-128, TTBR0_ELx.SKL)",
}];
static SKL1: &[Alias] = &[Alias {
    name: "SKL1",
    since: V3_4,
    note: "when SMMU_IDR5.D128 == 1: skip levels of the initial TTB1 lookup (VMSAv9-128, TTBR1_ELx.SKL)",
}];

macro_rules! piiu {
    ($p:literal) => {
        en(
            concat!("PIIU", $p),
            384 + 3 * $p,
            3,
            PII_ENC,
            concat!("Stage 1 unprivileged base permission interpretation for PIIndex ", $p),
            "5.4",
        )
        .since(V3_4)
        .gated(&idr3::S1PI, 1)
    };
}
macro_rules! piip {
    ($p:literal) => {
        en(
            concat!("PIIP", $p),
            448 + 3 * $p,
            3,
            PII_ENC,
            concat!("Stage 1 privileged base permission interpretation for PIIndex ", $p),
            "5.4",
        )
        .since(V3_4)
        .gated(&idr3::S1PI, 1)
    };
}

crate::layout! {
    /// Context Descriptor (IHI 0070 5.4), 64 bytes.
    LAYOUT: "CD", bits 512, "5.4", "Context Descriptor: stage 1 translation configuration of one SubstreamID";
    T0SZ = num("T0SZ", 0, 6, "Size of the TTB0 input region: 2^(64-T0SZ) bytes", "5.4");
    TG0 = en("TG0", 6, 2, TG_ENC, "TTB0 translation granule", "5.4");
    IR0 = en("IR0", 8, 2, CACHE_ENC, "Inner cacheability of TTB0 table walks", "5.4");
    OR0 = en("OR0", 10, 2, CACHE_ENC, "Outer cacheability of TTB0 table walks", "5.4");
    SH0 = en("SH0", 12, 2, SH_ENC, "Shareability of TTB0 table walks", "5.4");
    EPD0 = flag("EPD0", 14, "TTB0 walks disabled: addresses in the TTB0 range fault", "5.4");
    ENDI = flag("ENDI", 15, "Stage 1 translation tables are big-endian", "5.4");
    T1SZ = num("T1SZ", 16, 6, "Size of the TTB1 input region: 2^(64-T1SZ) bytes", "5.4");
    TG1 = en("TG1", 22, 2, TG1_ENC, "TTB1 translation granule", "5.4");
    IR1 = en("IR1", 24, 2, CACHE_ENC, "Inner cacheability of TTB1 table walks", "5.4");
    OR1 = en("OR1", 26, 2, CACHE_ENC, "Outer cacheability of TTB1 table walks", "5.4");
    SH1 = en("SH1", 28, 2, SH_ENC, "Shareability of TTB1 table walks", "5.4");
    EPD1 = flag("EPD1", 30, "TTB1 walks disabled: addresses in the TTB1 range fault", "5.4");
    V = flag("V", 31, "Valid CD", "5.4");
    IPS = en("IPS", 32, 3, PS_ENC, "Intermediate physical address size (output size of stage 1, capped to the OAS)", "5.4");
    AFFD = flag("AFFD", 35, "Access flag fault disable (AF = 0 does not fault)", "5.4");
    WXN = flag("WXN", 36, "Write execute never: writable pages are not executable", "5.4");
    UWXN = flag("UWXN", 37, "Unprivileged write execute never (VMSAv8-32 LPAE tables)", "5.4");
    TBI0 = flag("TBI0", 38, "Top byte ignored for TTB0 addresses", "5.4");
    TBI1 = flag("TBI1", 39, "Top byte ignored for TTB1 addresses", "5.4");
    PAN = flag("PAN", 40, "Privileged access never: privileged data access to unprivileged pages faults", "5.4");
    AA64 = flag("AA64", 41, "Stage 1 translation tables are VMSAv8-64 (0: VMSAv8-32 LPAE, or VMSAv9-128 when SMMU_IDR5.D128 = 1)", "5.4");
    HD = flag("HD", 42, "Hardware update of dirty state", "5.4");
    HA = flag("HA", 43, "Hardware update of the Access flag", "5.4");
    S = flag("S", 44, "Stage 1 faults stall (rather than terminate)", "5.4");
    R = flag("R", 45, "Stage 1 faults are recorded (event queue)", "5.4");
    A = flag("A", 46, "Terminated transactions abort (rather than RAZ/WI)", "5.4");
    ASET = en("ASET", 47, 1, ASET_ENC, "ASID set: whether broadcast TLB invalidation from PEs applies", "5.4");
    ASID = num("ASID", 48, 16, "Address space identifier (stage 1 TLB tag)", "5.4");
    NSCFG0 = en("NSCFG0", 64, 1, NSCFG_WALK_ENC, "Security of the TTB0 starting-level fetch (Secure streams)", "5.4");
    // IGNORED (not RES0) without SMMU_IDR3.HAD, so not gated.
    HAD0 = flag("HAD0", 65, "Hierarchical attribute disable for TTB0 (table APTable/PXNTable/XNTable ignored)", "5.4").aliases(DISCH0);
    E0PD0 = flag("E0PD0", 66, "EL0 access to TTB0 addresses faults (FEAT_E0PD)", "5.4").since(V3_3).gated(&idr3::E0PD, 1);
    HAFT = flag("HAFT", 67, "Hardware update of the Access flag in Table descriptors", "5.4").since(V3_4).gated(&idr0::HTTU, 3);
    // [119:68] = address bits [55:4]: [115:112] from SMMUv3.1, [119:116] only for VMSAv9-128
    // (SMMUv3.4); Linux and FreeBSD mask [51:4].
    TTB0 = addr("TTB0", 68, 52, "Stage 1 TTB0 translation table base (an IPA when stage 2 translates), bits [55:4]", "5.4");
    PnCH = flag("PnCH", 122, "Stage 1 Protected attribute enable (TCR2_ELx.PnCH)", "5.4").since(V3_4).gated(&idr3::THE, 1);
    EPAN = flag("EPAN", 123, "Enhanced PAN: PAN also covers pages with unprivileged execute permission", "5.4").since(V3_4).gated(&idr3::EPAN, 1);
    // PBHA bits are IGNORED (not RES0) without SMMU_IDR3.PBHA, so not gated.
    HWU059 = flag("HWU059", 124, "TTB0 descriptor bit 59 has IMPLEMENTATION DEFINED hardware use (PBHA, with HAD0)", "5.4").since(V3_1);
    HWU060 = flag("HWU060", 125, "TTB0 descriptor bit 60 has IMPLEMENTATION DEFINED hardware use (PBHA, with HAD0)", "5.4").since(V3_1);
    // The spec heads these bits "HWU0<x>, bits [127:126]: HWU062 and HWU061".
    HWU0x = hex("HWU0x", 126, 2, "TTB0 descriptor bits 61 (bit 0: HWU061) and 62 (bit 1: HWU062) have IMPLEMENTATION DEFINED hardware use (PBHA, with HAD0)", "5.4").since(V3_1).aliases(SKL0);
    NSCFG1 = en("NSCFG1", 128, 1, NSCFG_WALK_ENC, "Security of the TTB1 starting-level fetch (Secure streams)", "5.4");
    HAD1 = flag("HAD1", 129, "Hierarchical attribute disable for TTB1", "5.4").aliases(DISCH1);
    E0PD1 = flag("E0PD1", 130, "EL0 access to TTB1 addresses faults (FEAT_E0PD)", "5.4").since(V3_3).gated(&idr3::E0PD, 1);
    AIE = flag("AIE", 131, "Stage 1 Attribute Index Extension: AttrIndx[3] selects MAIR bytes", "5.4").since(V3_4).gated(&idr3::AIE, 1);
    TTB1 = addr("TTB1", 132, 52, "Stage 1 TTB1 translation table base, bits [55:4]", "5.4");
    DS = flag("DS", 186, "52-bit input and output addresses with 4KB and 16KB granules (TCR_ELx.DS)", "5.4").since(V3_4).gated(&idr5::DS, 1);
    PIE = flag("PIE", 187, "Stage 1 uses the Indirect Permission Scheme (PIIU/PIIP)", "5.4").since(V3_4).gated(&idr3::S1PI, 1);
    HWU159 = flag("HWU159", 188, "TTB1 descriptor bit 59 has IMPLEMENTATION DEFINED hardware use (PBHA, with HAD1)", "5.4").since(V3_1);
    HWU160 = flag("HWU160", 189, "TTB1 descriptor bit 60 has IMPLEMENTATION DEFINED hardware use (PBHA, with HAD1)", "5.4").since(V3_1);
    // The spec heads these bits "HWU1<x>, bits [191:190]: HWU162 and HWU161".
    HWU1x = hex("HWU1x", 190, 2, "TTB1 descriptor bits 61 (bit 0: HWU161) and 62 (bit 1: HWU162) have IMPLEMENTATION DEFINED hardware use (PBHA, with HAD1)", "5.4").since(V3_1).aliases(SKL1);
    MAIR0 = hex("MAIR0", 192, 32, "Memory attribute indirection, bits [31:0]: attribute bytes 0-3 for AttrIndx 0-3", "5.4");
    MAIR1 = hex("MAIR1", 224, 32, "Memory attribute indirection, bits [63:32]: attribute bytes 4-7 for AttrIndx 4-7", "5.4");
    AMAIR0 = hex("AMAIR0", 256, 32, "Auxiliary memory attribute indirection, bits [31:0] (IMPLEMENTATION DEFINED)", "5.4");
    AMAIR1 = hex("AMAIR1", 288, 32, "Auxiliary memory attribute indirection, bits [63:32] (IMPLEMENTATION DEFINED)", "5.4");
    IMPLEMENTATION_DEFINED = hex("IMPLEMENTATION_DEFINED", 320, 32, "IMPLEMENTATION DEFINED (for example QoS or allocation hints for table walks)", "5.4");
    // Linux's and this tool's earlier tables had PARTID/PMG at [399:384]/[407:400]; G.b has
    // them at [367:352]/[375:368].
    PARTID = num("PARTID", 352, 16, "MPAM partition ID of client transactions (with STE.S1MPAM = 1; a virtual PARTID when nested)", "5.4").since(V3_2).gated(&idr3::MPAM, 1);
    PMG = num("PMG", 368, 8, "MPAM performance monitor group of client transactions (with STE.S1MPAM = 1)", "5.4").since(V3_2).gated(&idr3::MPAM, 1);
    PIIU0 = piiu!(0);
    PIIU1 = piiu!(1);
    PIIU2 = piiu!(2);
    PIIU3 = piiu!(3);
    PIIU4 = piiu!(4);
    PIIU5 = piiu!(5);
    PIIU6 = piiu!(6);
    PIIU7 = piiu!(7);
    PIIU8 = piiu!(8);
    PIIU9 = piiu!(9);
    PIIU10 = piiu!(10);
    PIIU11 = piiu!(11);
    PIIU12 = piiu!(12);
    PIIU13 = piiu!(13);
    PIIU14 = piiu!(14);
    PIIU15 = piiu!(15);
    PIIP0 = piip!(0);
    PIIP1 = piip!(1);
    PIIP2 = piip!(2);
    PIIP3 = piip!(3);
    PIIP4 = piip!(4);
    PIIP5 = piip!(5);
    PIIP6 = piip!(6);
    PIIP7 = piip!(7);
    PIIP8 = piip!(8);
    PIIP9 = piip!(9);
    PIIP10 = piip!(10);
    PIIP11 = piip!(11);
    PIIP12 = piip!(12);
    PIIP13 = piip!(13);
    PIIP14 = piip!(14);
    PIIP15 = piip!(15);
}
