//! Context Descriptor (IHI 0070 5.4): every field, declared once, as typed handles.
#[allow(unused_imports)]
use super::enc::*;
use crate::model::*;

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
    TG1 = en("TG1", 22, 2, &[
    e(1, "16KB", "16KB translation granule"),
    e(2, "4KB", "4KB translation granule"),
    e(3, "64KB", "64KB translation granule"),
    ], "TTB1 translation granule", "5.4");
    IR1 = en("IR1", 24, 2, CACHE_ENC, "Inner cacheability of TTB1 table walks", "5.4");
    OR1 = en("OR1", 26, 2, CACHE_ENC, "Outer cacheability of TTB1 table walks", "5.4");
    SH1 = en("SH1", 28, 2, SH_ENC, "Shareability of TTB1 table walks", "5.4");
    EPD1 = flag("EPD1", 30, "TTB1 walks disabled: addresses in the TTB1 range fault", "5.4");
    V = flag("V", 31, "CD valid", "5.4");
    IPS = en("IPS", 32, 3, PS_ENC, "Intermediate physical address size (output size of stage 1)", "5.4");
    AFFD = flag("AFFD", 35, "Access flag fault disable (AF = 0 does not fault)", "5.4");
    WXN = flag("WXN", 36, "Write execute never: writable pages are not executable", "5.4");
    UWXN = flag("UWXN", 37, "Unprivileged write execute never (AArch32 tables)", "5.4");
    TBI = en("TBI", 38, 2, TBI_ENC, "Top byte ignore for TTB0 (bit 0) and TTB1 (bit 1) addresses", "5.4");
    PAN = flag("PAN", 40, "Privileged access never: privileged data access to unprivileged pages faults", "5.4");
    AA64 = flag("AA64", 41, "Stage 1 translation tables are VMSAv8-64 (AArch64)", "5.4");
    HD = flag("HD", 42, "Hardware update of dirty state", "5.4");
    HA = flag("HA", 43, "Hardware update of the Access flag", "5.4");
    S = flag("S", 44, "Stage 1 faults stall (rather than terminate)", "5.4");
    R = flag("R", 45, "Stage 1 faults are recorded (event queue)", "5.4");
    A = flag("A", 46, "Terminated transactions abort (rather than RAZ/WI)", "5.4");
    ASET = en("ASET", 47, 1, &[
    e(0, "Shared ASID set", "shared with PEs: broadcast TLB invalidations apply to this ASID"),
    e(1, "SMMU-private ASID set", "broadcast TLB invalidations do not apply to this ASID"),
    ], "ASID set: whether broadcast TLB invalidation from PEs applies", "5.4");
    ASID = num("ASID", 48, 16, "Address space identifier (stage 1 TLB tag)", "5.4");
    NSCFG0 = en("NSCFG0", 64, 1, &[e(0, "Secure", "TTB0 walks are Secure"), e(1, "Non-secure", "TTB0 walks are Non-secure")], "Security of TTB0 walks (Secure streams)", "5.4");
    HAD0 = flag("HAD0", 65, "Hierarchical attribute disable for TTB0 (table APTable/XNTable ignored)", "5.4");
    E0PD0 = flag("E0PD0", 66, "EL0 access to TTB0 addresses faults (non-speculatively)", "5.4");
    TTB0 = addr("TTB0", 68, 48, "Stage 1 TTB0 translation table base (an IPA when stage 2 translates)", "5.4");
    HWU0 = hex("HWU0", 123, 4, "Stage 1 TTB0 descriptor bits 59-62 usable by hardware (PBHA)", "5.4");
    NSCFG1 = en("NSCFG1", 128, 1, &[e(0, "Secure", "TTB1 walks are Secure"), e(1, "Non-secure", "TTB1 walks are Non-secure")], "Security of TTB1 walks (Secure streams)", "5.4");
    HAD1 = flag("HAD1", 129, "Hierarchical attribute disable for TTB1", "5.4");
    E0PD1 = flag("E0PD1", 130, "EL0 access to TTB1 addresses faults (non-speculatively)", "5.4");
    TTB1 = addr("TTB1", 132, 48, "Stage 1 TTB1 translation table base", "5.4");
    HWU1 = hex("HWU1", 187, 4, "Stage 1 TTB1 descriptor bits 59-62 usable by hardware (PBHA)", "5.4");
    MAIR = hex("MAIR", 192, 64, "Memory attribute indirection: attribute byte n for AttrIndx n", "5.4");
    AMAIR = hex("AMAIR", 256, 64, "Auxiliary memory attribute indirection (IMPLEMENTATION DEFINED)", "5.4");
    IMPDEF = hex("IMPDEF", 320, 32, "IMPLEMENTATION DEFINED", "5.4");
    PARTID = num("PARTID", 384, 16, "MPAM partition ID", "5.4");
    PMG = num("PMG", 400, 8, "MPAM performance monitor group", "5.4");
}
