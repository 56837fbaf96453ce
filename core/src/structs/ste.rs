//! Stream Table Entry (IHI 0070 5.2): every field, declared once, as typed handles.
#[allow(unused_imports)]
use super::enc::*;
use crate::model::*;

crate::layout! {
    /// Stream Table Entry (IHI 0070 5.2), 64 bytes.
    LAYOUT: "STE", bits 512, "5.2", "Stream Table Entry: configuration of one StreamID";
    V = flag("V", 0, "STE valid", "5.2");
    Config = en("Config", 1, 3, CONFIG_ENC, "Stream configuration: abort, bypass or which stages translate", "5.2");
    S1Fmt = en("S1Fmt", 4, 2, S1FMT_ENC, "Format of the CD table at S1ContextPtr", "5.2");
    S1ContextPtr = addr("S1ContextPtr", 6, 46, "Address of the CD or CD table (an IPA when stage 2 translates)", "5.2");
    S1CDMax = num("S1CDMax", 59, 5, "Number of SubstreamID bits: the CD table holds 2^S1CDMax CDs (0: one CD, no SubstreamIDs)", "5.2");
    S1DSS = en("S1DSS", 64, 2, S1DSS_ENC, "Default substream: what happens to transactions without a SubstreamID", "5.2");
    S1CIR = en("S1CIR", 66, 2, CACHE_ENC, "Inner cacheability of CD and L1CD fetches", "5.2");
    S1COR = en("S1COR", 68, 2, CACHE_ENC, "Outer cacheability of CD and L1CD fetches", "5.2");
    S1CSH = en("S1CSH", 70, 2, SH_ENC, "Shareability of CD and L1CD fetches", "5.2");
    S2HWU59 = flag("S2HWU59", 72, "Stage 2 descriptor bit 59 may be used by hardware (PBHA)", "5.2");
    S2HWU60 = flag("S2HWU60", 73, "Stage 2 descriptor bit 60 may be used by hardware (PBHA)", "5.2");
    S2HWU61 = flag("S2HWU61", 74, "Stage 2 descriptor bit 61 may be used by hardware (PBHA)", "5.2");
    S2HWU62 = flag("S2HWU62", 75, "Stage 2 descriptor bit 62 may be used by hardware (PBHA)", "5.2");
    DRE = flag("DRE", 76, "Destructive read enable", "5.2");
    CONT = num("CONT", 77, 4, "Contiguous hint: 2^CONT StreamIDs share this configuration", "5.2");
    DCP = flag("DCP", 81, "Directed cache prefetch enable", "5.2");
    PPAR = flag("PPAR", 82, "PRI page response with PASID required", "5.2");
    MEV = flag("MEV", 83, "Merge events arising from this stream (events may be coalesced)", "5.2");
    SW_ATTR = hex("SW_ATTR", 84, 4, "Software-defined attribute (ignored by the SMMU)", "5.2");
    S2FWB = flag("S2FWB", 89, "Stage 2 forced write-back: stage 2 MemAttr overrides stage 1 attributes", "5.2");
    S1STALLD = flag("S1STALLD", 91, "Stage 1 stall disabled: stall fault model may not be used by the CDs", "5.2");
    EATS = en("EATS", 92, 2, EATS_ENC, "Enable PCIe ATS translation and traffic", "5.2");
    STRW = en("STRW", 94, 2, STRW_ENC, "StreamWorld: translation regime of this stream", "5.2");
    MemAttr = hex("MemAttr", 96, 4, "Memory type override (used when MTCFG = 1)", "5.2");
    MTCFG = en("MTCFG", 100, 1, MTCFG_ENC, "Memory type configuration", "5.2");
    ALLOCCFG = hex("ALLOCCFG", 101, 4, "Allocation hints override (0b0xxx: use incoming)", "5.2");
    SHCFG = en("SHCFG", 108, 2, SHCFG_ENC, "Shareability configuration override", "5.2");
    NSCFG = en("NSCFG", 110, 2, NSCFG_ENC, "NS attribute configuration (Secure streams)", "5.2");
    PRIVCFG = en("PRIVCFG", 112, 2, PRIVCFG_ENC, "Privilege configuration override", "5.2");
    INSTCFG = en("INSTCFG", 114, 2, INSTCFG_ENC, "Instruction/data configuration override", "5.2");
    S2VMID = num("S2VMID", 128, 16, "Virtual machine identifier (stage 2 TLB tag)", "5.2");
    S2T0SZ = num("S2T0SZ", 160, 6, "Size of the IPA input region: 2^(64-S2T0SZ) bytes", "5.2");
    S2SL0 = num("S2SL0", 166, 2, "Starting level of the stage 2 walk (meaning depends on S2TG)", "5.2");
    S2IR0 = en("S2IR0", 168, 2, CACHE_ENC, "Inner cacheability of stage 2 table walks", "5.2");
    S2OR0 = en("S2OR0", 170, 2, CACHE_ENC, "Outer cacheability of stage 2 table walks", "5.2");
    S2SH0 = en("S2SH0", 172, 2, SH_ENC, "Shareability of stage 2 table walks", "5.2");
    S2TG = en("S2TG", 174, 2, TG_ENC, "Stage 2 translation granule", "5.2");
    S2PS = en("S2PS", 176, 3, PS_ENC, "Stage 2 physical address size (output size of stage 2)", "5.2");
    S2AA64 = flag("S2AA64", 179, "Stage 2 translation tables are VMSAv8-64 (AArch64)", "5.2");
    S2ENDI = flag("S2ENDI", 180, "Stage 2 translation tables are big-endian", "5.2");
    S2AFFD = flag("S2AFFD", 181, "Stage 2 access flag fault disable (AF = 0 does not fault)", "5.2");
    S2PTW = flag("S2PTW", 182, "Protected table walk: stage 1 walks that hit stage 2 Device memory fault", "5.2");
    S2HD = flag("S2HD", 183, "Stage 2 hardware update of dirty state", "5.2");
    S2HA = flag("S2HA", 184, "Stage 2 hardware update of the Access flag", "5.2");
    S2S = flag("S2S", 185, "Stage 2 faults stall (rather than terminate)", "5.2");
    S2R = flag("S2R", 186, "Stage 2 faults are recorded (event queue)", "5.2");
    S2TTB = addr("S2TTB", 196, 48, "Stage 2 translation table base address (a PA)", "5.2");
}
