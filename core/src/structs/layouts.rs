//! STE, CD, L1STD and L1CD field tables (IHI 0070 5.2 - 5.4). Every bit position of these
//! structures is declared here once; everything else looks fields up by name.
use crate::model::*;

static CONFIG: &[Enc] = &[
    e(0b000, "Abort", "abort all traffic, no event recorded"),
    e(0b100, "Bypass", "stage 1 and stage 2 bypass"),
    e(0b101, "S1 trans", "stage 1 translate, stage 2 bypass"),
    e(0b110, "S2 trans", "stage 1 bypass, stage 2 translate"),
    e(0b111, "S1+S2 (nested)", "stage 1 and stage 2 translate"),
];
static S1FMT: &[Enc] = &[
    e(0, "Linear", "linear CD table (or a single CD when S1CDMax = 0)"),
    e(1, "4KL2", "2-level CD table, 4KB level-2 tables (64 CDs each)"),
    e(2, "64KL2", "2-level CD table, 64KB level-2 tables (1024 CDs each)"),
];
static S1DSS: &[Enc] = &[
    e(0, "Terminate", "transactions without a SubstreamID are terminated (F_STREAM_DISABLED)"),
    e(1, "Bypass", "transactions without a SubstreamID bypass stage 1"),
    e(2, "Substream0", "transactions without a SubstreamID use CD 0; SubstreamID 0 is then invalid"),
];
static CACHE: &[Enc] = &[
    e(0, "NC", "Non-cacheable"),
    e(1, "WBRA", "Write-Back, Read-Allocate"),
    e(2, "WT", "Write-Through"),
    e(3, "WB", "Write-Back, no Read-Allocate"),
];
static SH: &[Enc] = &[
    e(0, "NSH", "Non-shareable"),
    e(2, "OSH", "Outer Shareable"),
    e(3, "ISH", "Inner Shareable"),
];
static SHCFG: &[Enc] = &[
    e(0, "NSH", "Non-shareable"),
    e(1, "Incoming", "use the incoming shareability"),
    e(2, "OSH", "Outer Shareable"),
    e(3, "ISH", "Inner Shareable"),
];
static EATS: &[Enc] = &[
    e(0, "Abort", "ATS translation requests are aborted"),
    e(1, "Full ATS", "ATS translation requests are translated"),
    e(2, "Split-stage", "ATS returns stage 1 only; stage 2 applied to translated transactions"),
];
static STRW: &[Enc] = &[
    e(0, "NS-EL1", "EL1 (or Secure EL1) translation regime"),
    e(1, "Reserved", "reserved"),
    e(2, "EL2", "EL2 (or EL2-E2H) translation regime"),
    e(3, "EL3", "EL3 translation regime (Secure)"),
];
static PRIVCFG: &[Enc] = &[
    e(0, "Incoming", "use the incoming privilege"),
    e(1, "Reserved", "reserved, behaves as Incoming"),
    e(2, "Unprivileged", "treat all traffic as unprivileged"),
    e(3, "Privileged", "treat all traffic as privileged"),
];
static INSTCFG: &[Enc] = &[
    e(0, "Incoming", "use the incoming instruction/data marking"),
    e(1, "Reserved", "reserved, behaves as Incoming"),
    e(2, "Data", "treat all reads as data reads"),
    e(3, "Instruction", "treat all reads as instruction fetches"),
];
static NSCFG: &[Enc] = &[
    e(0, "Incoming", "use the incoming NS attribute"),
    e(1, "Reserved", "reserved"),
    e(2, "Secure", "Secure"),
    e(3, "Non-secure", "Non-secure"),
];
static TG: &[Enc] = &[
    e(0, "4KB", "4KB translation granule"),
    e(1, "64KB", "64KB translation granule"),
    e(2, "16KB", "16KB translation granule"),
];
static PS: &[Enc] = &[
    e(0, "32 bits", "4GB"),
    e(1, "36 bits", "64GB"),
    e(2, "40 bits", "1TB"),
    e(3, "42 bits", "4TB"),
    e(4, "44 bits", "16TB"),
    e(5, "48 bits", "256TB"),
    e(6, "52 bits", "4PB"),
];
static TBI: &[Enc] = &[
    e(0, "None", "top byte used for translation in both halves"),
    e(1, "TBI0", "top byte ignored for TTB0 addresses"),
    e(2, "TBI1", "top byte ignored for TTB1 addresses"),
    e(3, "TBI0+TBI1", "top byte ignored for both halves"),
];
static MTCFG: &[Enc] = &[
    e(0, "Incoming", "use the incoming memory type"),
    e(1, "MemAttr", "replace the incoming memory type with STE.MemAttr"),
];

/// Stream Table Entry (IHI 0070 5.2), 64 bytes.
pub static STE: Layout = Layout {
    name: "STE",
    bits: 512,
    desc: "Stream Table Entry: configuration of one StreamID",
    section: "5.2",
    fields: &[
        flag("V", 0, "STE valid", "5.2"),
        en("Config", 1, 3, CONFIG, "Stream configuration: abort, bypass or which stages translate", "5.2"),
        en("S1Fmt", 4, 2, S1FMT, "Format of the CD table at S1ContextPtr", "5.2"),
        addr("S1ContextPtr", 6, 46, "Address of the CD or CD table (an IPA when stage 2 translates)", "5.2"),
        num("S1CDMax", 59, 5, "Number of SubstreamID bits: the CD table holds 2^S1CDMax CDs (0: one CD, no SubstreamIDs)", "5.2"),
        en("S1DSS", 64, 2, S1DSS, "Default substream: what happens to transactions without a SubstreamID", "5.2"),
        en("S1CIR", 66, 2, CACHE, "Inner cacheability of CD and L1CD fetches", "5.2"),
        en("S1COR", 68, 2, CACHE, "Outer cacheability of CD and L1CD fetches", "5.2"),
        en("S1CSH", 70, 2, SH, "Shareability of CD and L1CD fetches", "5.2"),
        flag("S2HWU59", 72, "Stage 2 descriptor bit 59 may be used by hardware (PBHA)", "5.2"),
        flag("S2HWU60", 73, "Stage 2 descriptor bit 60 may be used by hardware (PBHA)", "5.2"),
        flag("S2HWU61", 74, "Stage 2 descriptor bit 61 may be used by hardware (PBHA)", "5.2"),
        flag("S2HWU62", 75, "Stage 2 descriptor bit 62 may be used by hardware (PBHA)", "5.2"),
        flag("DRE", 76, "Destructive read enable", "5.2"),
        num("CONT", 77, 4, "Contiguous hint: 2^CONT StreamIDs share this configuration", "5.2"),
        flag("DCP", 81, "Directed cache prefetch enable", "5.2"),
        flag("PPAR", 82, "PRI page response with PASID required", "5.2"),
        flag("MEV", 83, "Merge events arising from this stream (events may be coalesced)", "5.2"),
        hex("SW_ATTR", 84, 4, "Software-defined attribute (ignored by the SMMU)", "5.2"),
        flag("S2FWB", 89, "Stage 2 forced write-back: stage 2 MemAttr overrides stage 1 attributes", "5.2"),
        flag("S1STALLD", 91, "Stage 1 stall disabled: stall fault model may not be used by the CDs", "5.2"),
        en("EATS", 92, 2, EATS, "Enable PCIe ATS translation and traffic", "5.2"),
        en("STRW", 94, 2, STRW, "StreamWorld: translation regime of this stream", "5.2"),
        hex("MemAttr", 96, 4, "Memory type override (used when MTCFG = 1)", "5.2"),
        en("MTCFG", 100, 1, MTCFG, "Memory type configuration", "5.2"),
        hex("ALLOCCFG", 101, 4, "Allocation hints override (0b0xxx: use incoming)", "5.2"),
        en("SHCFG", 108, 2, SHCFG, "Shareability configuration override", "5.2"),
        en("NSCFG", 110, 2, NSCFG, "NS attribute configuration (Secure streams)", "5.2"),
        en("PRIVCFG", 112, 2, PRIVCFG, "Privilege configuration override", "5.2"),
        en("INSTCFG", 114, 2, INSTCFG, "Instruction/data configuration override", "5.2"),
        num("S2VMID", 128, 16, "Virtual machine identifier (stage 2 TLB tag)", "5.2"),
        num("S2T0SZ", 160, 6, "Size of the IPA input region: 2^(64-S2T0SZ) bytes", "5.2"),
        num("S2SL0", 166, 2, "Starting level of the stage 2 walk (meaning depends on S2TG)", "5.2"),
        en("S2IR0", 168, 2, CACHE, "Inner cacheability of stage 2 table walks", "5.2"),
        en("S2OR0", 170, 2, CACHE, "Outer cacheability of stage 2 table walks", "5.2"),
        en("S2SH0", 172, 2, SH, "Shareability of stage 2 table walks", "5.2"),
        en("S2TG", 174, 2, TG, "Stage 2 translation granule", "5.2"),
        en("S2PS", 176, 3, PS, "Stage 2 physical address size (output size of stage 2)", "5.2"),
        flag("S2AA64", 179, "Stage 2 translation tables are VMSAv8-64 (AArch64)", "5.2"),
        flag("S2ENDI", 180, "Stage 2 translation tables are big-endian", "5.2"),
        flag("S2AFFD", 181, "Stage 2 access flag fault disable (AF = 0 does not fault)", "5.2"),
        flag("S2PTW", 182, "Protected table walk: stage 1 walks that hit stage 2 Device memory fault", "5.2"),
        flag("S2HD", 183, "Stage 2 hardware update of dirty state", "5.2"),
        flag("S2HA", 184, "Stage 2 hardware update of the Access flag", "5.2"),
        flag("S2S", 185, "Stage 2 faults stall (rather than terminate)", "5.2"),
        flag("S2R", 186, "Stage 2 faults are recorded (event queue)", "5.2"),
        addr("S2TTB", 196, 48, "Stage 2 translation table base address (a PA)", "5.2"),
    ],
};

/// Context Descriptor (IHI 0070 5.4), 64 bytes.
pub static CD: Layout = Layout {
    name: "CD",
    bits: 512,
    desc: "Context Descriptor: stage 1 translation configuration of one SubstreamID",
    section: "5.4",
    fields: &[
        num("T0SZ", 0, 6, "Size of the TTB0 input region: 2^(64-T0SZ) bytes", "5.4"),
        en("TG0", 6, 2, TG, "TTB0 translation granule", "5.4"),
        en("IR0", 8, 2, CACHE, "Inner cacheability of TTB0 table walks", "5.4"),
        en("OR0", 10, 2, CACHE, "Outer cacheability of TTB0 table walks", "5.4"),
        en("SH0", 12, 2, SH, "Shareability of TTB0 table walks", "5.4"),
        flag("EPD0", 14, "TTB0 walks disabled: addresses in the TTB0 range fault", "5.4"),
        flag("ENDI", 15, "Stage 1 translation tables are big-endian", "5.4"),
        num("T1SZ", 16, 6, "Size of the TTB1 input region: 2^(64-T1SZ) bytes", "5.4"),
        en("TG1", 22, 2, &[
            e(1, "16KB", "16KB translation granule"),
            e(2, "4KB", "4KB translation granule"),
            e(3, "64KB", "64KB translation granule"),
        ], "TTB1 translation granule", "5.4"),
        en("IR1", 24, 2, CACHE, "Inner cacheability of TTB1 table walks", "5.4"),
        en("OR1", 26, 2, CACHE, "Outer cacheability of TTB1 table walks", "5.4"),
        en("SH1", 28, 2, SH, "Shareability of TTB1 table walks", "5.4"),
        flag("EPD1", 30, "TTB1 walks disabled: addresses in the TTB1 range fault", "5.4"),
        flag("V", 31, "CD valid", "5.4"),
        en("IPS", 32, 3, PS, "Intermediate physical address size (output size of stage 1)", "5.4"),
        flag("AFFD", 35, "Access flag fault disable (AF = 0 does not fault)", "5.4"),
        flag("WXN", 36, "Write execute never: writable pages are not executable", "5.4"),
        flag("UWXN", 37, "Unprivileged write execute never (AArch32 tables)", "5.4"),
        en("TBI", 38, 2, TBI, "Top byte ignore for TTB0 (bit 0) and TTB1 (bit 1) addresses", "5.4"),
        flag("PAN", 40, "Privileged access never: privileged data access to unprivileged pages faults", "5.4"),
        flag("AA64", 41, "Stage 1 translation tables are VMSAv8-64 (AArch64)", "5.4"),
        flag("HD", 42, "Hardware update of dirty state", "5.4"),
        flag("HA", 43, "Hardware update of the Access flag", "5.4"),
        flag("S", 44, "Stage 1 faults stall (rather than terminate)", "5.4"),
        flag("R", 45, "Stage 1 faults are recorded (event queue)", "5.4"),
        flag("A", 46, "Terminated transactions abort (rather than RAZ/WI)", "5.4"),
        en("ASET", 47, 1, &[
            e(0, "Shared ASID set", "shared with PEs: broadcast TLB invalidations apply to this ASID"),
            e(1, "SMMU-private ASID set", "broadcast TLB invalidations do not apply to this ASID"),
        ], "ASID set: whether broadcast TLB invalidation from PEs applies", "5.4"),
        num("ASID", 48, 16, "Address space identifier (stage 1 TLB tag)", "5.4"),
        en("NSCFG0", 64, 1, &[e(0, "Secure", "TTB0 walks are Secure"), e(1, "Non-secure", "TTB0 walks are Non-secure")], "Security of TTB0 walks (Secure streams)", "5.4"),
        flag("HAD0", 65, "Hierarchical attribute disable for TTB0 (table APTable/XNTable ignored)", "5.4"),
        flag("E0PD0", 66, "EL0 access to TTB0 addresses faults (non-speculatively)", "5.4"),
        addr("TTB0", 68, 48, "Stage 1 TTB0 translation table base (an IPA when stage 2 translates)", "5.4"),
        hex("HWU0", 123, 4, "Stage 1 TTB0 descriptor bits 59-62 usable by hardware (PBHA)", "5.4"),
        en("NSCFG1", 128, 1, &[e(0, "Secure", "TTB1 walks are Secure"), e(1, "Non-secure", "TTB1 walks are Non-secure")], "Security of TTB1 walks (Secure streams)", "5.4"),
        flag("HAD1", 129, "Hierarchical attribute disable for TTB1", "5.4"),
        flag("E0PD1", 130, "EL0 access to TTB1 addresses faults (non-speculatively)", "5.4"),
        addr("TTB1", 132, 48, "Stage 1 TTB1 translation table base", "5.4"),
        hex("HWU1", 187, 4, "Stage 1 TTB1 descriptor bits 59-62 usable by hardware (PBHA)", "5.4"),
        hex("MAIR", 192, 64, "Memory attribute indirection: attribute byte n for AttrIndx n", "5.4"),
        hex("AMAIR", 256, 64, "Auxiliary memory attribute indirection (IMPLEMENTATION DEFINED)", "5.4"),
        hex("IMPDEF", 320, 32, "IMPLEMENTATION DEFINED", "5.4"),
        num("PARTID", 384, 16, "MPAM partition ID", "5.4"),
        num("PMG", 400, 8, "MPAM performance monitor group", "5.4"),
    ],
};

/// Level 1 Stream Table Descriptor (IHI 0070 5.1), 8 bytes.
pub static L1STD: Layout = Layout {
    name: "L1STD",
    bits: 64,
    desc: "Level 1 Stream Table Descriptor: points at a level 2 array of STEs",
    section: "5.1",
    fields: &[
        numv("Span", 0, 5, &[e(0, "Invalid", "no level 2 table: all StreamIDs in this span are invalid")],
            "Level 2 table holds 2^(Span-1) STEs (0 = invalid; 1..12 valid)", "5.1"),
        addr("L2Ptr", 6, 46, "Address of the level 2 STE array (aligned to its size)", "5.1"),
    ],
};

/// Level 1 Context Descriptor (IHI 0070 5.3), 8 bytes.
pub static L1CD: Layout = Layout {
    name: "L1CD",
    bits: 64,
    desc: "Level 1 CD table descriptor: points at a level 2 array of CDs",
    section: "5.3",
    fields: &[
        flag("V", 0, "L1CD valid", "5.3"),
        addr("L2Ptr", 12, 40, "Address of the level 2 CD array (an IPA when stage 2 translates)", "5.3"),
    ],
};

/// VMSAv8-64 table descriptor (Arm ARM D8.3), as the SMMU walks it (IHI 0070 3.4).
pub static TT_TABLE: Layout = Layout {
    name: "TT_TABLE",
    bits: 64,
    desc: "VMSAv8-64 table descriptor (levels 0-2, and -1 with DS)",
    section: "ArmARM D8.3.1",
    fields: &[
        flag("Valid", 0, "Descriptor valid", "D8.3.1"),
        en("Type", 1, 1, &[e(0, "Block", "block descriptor"), e(1, "Table", "table descriptor (page descriptor at level 3)")], "Descriptor type", "D8.3.1"),
        hex("NLTA_51_50", 8, 2, "Next-level table address bits [51:50] (DS / LPA2)", "D8.3.1"),
        hex("NLTA_51_48", 12, 4, "Next-level table address bits [51:48] (64KB granule, LPA)", "D8.3.1"),
        addr("NLTA", 12, 38, "Next-level table address bits [49:12] (bits below the granule are RES0)", "D8.3.1"),
        flag("PXNTable", 59, "Privileged execute never for subsequent levels (stage 1)", "D8.3.1"),
        flag("XNTable", 60, "Execute never (UXNTable) for subsequent levels (stage 1)", "D8.3.1"),
        hex("APTable", 61, 2, "Access permission limits for subsequent levels: bit 0 no EL0 access, bit 1 no write (stage 1)", "D8.3.1"),
        flag("NSTable", 63, "Subsequent levels are Non-secure (Secure stage 1)", "D8.3.1"),
    ],
};

/// VMSAv8-64 stage 1 block or page descriptor.
pub static TT_S1_LEAF: Layout = Layout {
    name: "TT_S1_LEAF",
    bits: 64,
    desc: "VMSAv8-64 stage 1 block or page descriptor",
    section: "ArmARM D8.3.2",
    fields: &[
        flag("Valid", 0, "Descriptor valid", "D8.3.2"),
        en("Type", 1, 1, &[e(0, "Block", "block descriptor (levels 0-2)"), e(1, "Page", "page descriptor (level 3)")], "Descriptor type", "D8.3.2"),
        num("AttrIndx", 2, 3, "Index of the MAIR attribute byte", "D8.3.2"),
        flag("NS", 5, "Non-secure output (Secure stage 1)", "D8.3.2"),
        flag("AP1", 6, "AP[1]: accessible at EL0 (unprivileged)", "D8.3.2"),
        flag("AP2", 7, "AP[2]: read-only", "D8.3.2"),
        en("SH", 8, 2, SH, "Shareability (OA bits [51:50] when DS = 1)", "D8.3.2"),
        flag("AF", 10, "Access flag", "D8.3.2"),
        flag("nG", 11, "Not global: the translation is tagged with the ASID", "D8.3.2"),
        hex("OA_51_48", 12, 4, "Output address bits [51:48] (64KB granule, LPA)", "D8.3.2"),
        addr("OA", 12, 38, "Output address bits [49:12] (bits below the block size are RES0)", "D8.3.2"),
        flag("nT", 16, "Block translation entry (FEAT_BBM)", "D8.3.2"),
        flag("DBM", 51, "Dirty bit modifier: with HD, AP[2] is the dirty state", "D8.3.2"),
        flag("Contiguous", 52, "Contiguous hint: one of a set of adjacent entries with equal attributes", "D8.3.2"),
        flag("PXN", 53, "Privileged execute never", "D8.3.2"),
        flag("UXN", 54, "Unprivileged execute never (XN)", "D8.3.2"),
        hex("SW", 55, 4, "Reserved for software use", "D8.3.2"),
        hex("PBHA", 59, 4, "Page-based hardware attributes", "D8.3.2"),
    ],
};

/// VMSAv8-64 stage 2 block or page descriptor.
pub static TT_S2_LEAF: Layout = Layout {
    name: "TT_S2_LEAF",
    bits: 64,
    desc: "VMSAv8-64 stage 2 block or page descriptor",
    section: "ArmARM D8.3.2",
    fields: &[
        flag("Valid", 0, "Descriptor valid", "D8.3.2"),
        en("Type", 1, 1, &[e(0, "Block", "block descriptor (levels 0-2)"), e(1, "Page", "page descriptor (level 3)")], "Descriptor type", "D8.3.2"),
        hex("MemAttr", 2, 4, "Stage 2 memory attributes ([3:2] outer, [1:0] inner; 0b00xx Device)", "D8.5.5"),
        flag("S2AP_R", 6, "S2AP[0]: stage 2 read permitted", "D8.4.3"),
        flag("S2AP_W", 7, "S2AP[1]: stage 2 write permitted", "D8.4.3"),
        en("SH", 8, 2, SH, "Shareability (OA bits [51:50] when DS = 1)", "D8.3.2"),
        flag("AF", 10, "Access flag", "D8.3.2"),
        hex("OA_51_48", 12, 4, "Output address bits [51:48] (64KB granule, LPA)", "D8.3.2"),
        addr("OA", 12, 38, "Output address bits [49:12] (bits below the block size are RES0)", "D8.3.2"),
        flag("DBM", 51, "Dirty bit modifier: with S2HD, S2AP[1] is the dirty state", "D8.3.2"),
        flag("Contiguous", 52, "Contiguous hint", "D8.3.2"),
        flag("XN0", 53, "XN[0] (FEAT_XNX: distinguishes EL0 and EL1 execute)", "D8.4.3"),
        flag("XN", 54, "XN[1]: execute never", "D8.4.3"),
        hex("SW", 55, 4, "Reserved for software use", "D8.3.2"),
        hex("PBHA", 59, 4, "Page-based hardware attributes", "D8.3.2"),
    ],
};
