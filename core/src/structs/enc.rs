//! Encodings shared by several structure fields (IHI 0070 5.2, 5.4; Arm ARM D8).
use crate::model::*;

pub static CONFIG_ENC: &[Enc] = &[
    e(0b000, "Abort", "abort all traffic, no event recorded"),
    e(0b100, "Bypass", "stage 1 and stage 2 bypass"),
    e(0b101, "S1 trans", "stage 1 translate, stage 2 bypass"),
    e(0b110, "S2 trans", "stage 1 bypass, stage 2 translate"),
    e(0b111, "S1+S2 (nested)", "stage 1 and stage 2 translate"),
];
pub static S1FMT_ENC: &[Enc] = &[
    e(0, "Linear", "linear CD table (or a single CD when S1CDMax = 0)"),
    e(1, "4KL2", "2-level CD table, 4KB level-2 tables (64 CDs each)"),
    e(2, "64KL2", "2-level CD table, 64KB level-2 tables (1024 CDs each)"),
];
pub static S1DSS_ENC: &[Enc] = &[
    e(0, "Terminate", "transactions without a SubstreamID are terminated (F_STREAM_DISABLED)"),
    e(1, "Bypass", "transactions without a SubstreamID bypass stage 1"),
    e(2, "Substream0", "transactions without a SubstreamID use CD 0; SubstreamID 0 is then invalid"),
];
pub static CACHE_ENC: &[Enc] = &[
    e(0, "NC", "Non-cacheable"),
    e(1, "WBRA", "Write-Back, Read-Allocate"),
    e(2, "WT", "Write-Through"),
    e(3, "WB", "Write-Back, no Read-Allocate"),
];
pub static SH_ENC: &[Enc] =
    &[e(0, "NSH", "Non-shareable"), e(2, "OSH", "Outer Shareable"), e(3, "ISH", "Inner Shareable")];
pub static SHCFG_ENC: &[Enc] = &[
    e(0, "NSH", "Non-shareable"),
    e(1, "Incoming", "use the incoming shareability"),
    e(2, "OSH", "Outer Shareable"),
    e(3, "ISH", "Inner Shareable"),
];
pub static PRIVCFG_ENC: &[Enc] = &[
    e(0, "Incoming", "use the incoming privilege"),
    e(1, "Reserved", "reserved, behaves as Incoming"),
    e(2, "Unprivileged", "treat all traffic as unprivileged"),
    e(3, "Privileged", "treat all traffic as privileged"),
];
pub static INSTCFG_ENC: &[Enc] = &[
    e(0, "Incoming", "use the incoming instruction/data marking"),
    e(1, "Reserved", "reserved, behaves as Incoming"),
    e(2, "Data", "treat all reads as data reads"),
    e(3, "Instruction", "treat all reads as instruction fetches"),
];
pub static NSCFG_ENC: &[Enc] = &[
    e(0, "Incoming", "use the incoming NS attribute"),
    e(1, "Reserved", "reserved"),
    e(2, "Secure", "Secure"),
    e(3, "Non-secure", "Non-secure"),
];
pub static TG_ENC: &[Enc] = &[
    e(0, "4KB", "4KB translation granule"),
    e(1, "64KB", "64KB translation granule"),
    e(2, "16KB", "16KB translation granule"),
];
pub static PS_ENC: &[Enc] = &[
    e(0, "32 bits", "4GB"),
    e(1, "36 bits", "64GB"),
    e(2, "40 bits", "1TB"),
    e(3, "42 bits", "4TB"),
    e(4, "44 bits", "16TB"),
    e(5, "48 bits", "256TB"),
    e(6, "52 bits", "4PB"),
];
pub static MTCFG_ENC: &[Enc] = &[
    e(0, "Incoming", "use the incoming memory type"),
    e(1, "MemAttr", "replace the incoming memory type with STE.MemAttr"),
];
