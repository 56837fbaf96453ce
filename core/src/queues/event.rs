//! Event records (IHI 0070 7.3): 256-bit records written by the SMMU to the Event queue.
//!
//! Every record type is one layout module (`event::f_translation::InputAddr`,
//! `event::f_permission::TTRnW`, ...), listed in [`EVENT_TYPES`]; [`decode`] turns four words
//! into an [`EventInfo`] and [`EventRecord::encode`] builds the words of an event (for
//! example the one a walk fault produces).
//!
//! Bit positions: the record figures as IHI 0070 G.b's text renders them (F_UUT,
//! C_BAD_STREAMID, F_STE_FETCH, C_BAD_STE, F_STREAM_DISABLED, F_TRANSL_FORBIDDEN,
//! C_BAD_SUBSTREAMID, C_BAD_CD, F_CFG_CONFLICT, E_PAGE_REQUEST, F_VMS_FETCH) and, for the
//! records whose figure the text lacks, the public event definitions of Linux
//! (arm-smmu-v3.h) and QEMU (smmuv3-internal.h), which place the common fields at the same
//! bits in every record. Not modelled, as no public source gives their bits: the
//! F_BAD_ATS_TREQ request fields (R/W/X/PRIV, Span, address) and the SMMUv3.4 F_PERMISSION
//! flags Overlay, AssuredOnly and DirtyBit (7.3.16); their bits decode as RES0.

use crate::model::*;
use crate::regs::idr::{idr0, idr1};
use serde::Serialize;

/// An absolute-positioned address field whose value holds address bits `[..:shift]`.
const fn at(name: &'static str, lsb: u16, width: u8, shift: u8, desc: &'static str, section: &'static str) -> FieldDef {
    FieldDef::new(name, lsb, width, Fmt::Addr(shift), &[], desc, section)
}

const S: &str = "7.3";

// The fields common to several records (7.3), declared once and placed in each record's
// layout under the same spec name.
const X_TYPE: FieldDef = hex("Type", 0, 8, "Event number: the record type", "7.3");
const X_SSV: FieldDef = en(
    "SSV",
    11,
    1,
    &[
        e(0, "No SubstreamID", "the transaction had no SubstreamID; SubstreamID is UNKNOWN"),
        e(1, "Valid", "the transaction carried the SubstreamID below"),
    ],
    "SubstreamID valid",
    S,
)
.gated(&idr1::SSIDSIZE, 1);
const X_SUBSTREAMID: FieldDef =
    num("SubstreamID", 12, 20, "SubstreamID of the transaction (meaningful only when SSV == 1)", S);
const X_STREAMID: FieldDef = hex("StreamID", 32, 32, "StreamID of the requester", S);
const X_STAG: FieldDef = hex("STAG", 64, 16, "Stall tag: token naming a stalled transaction for CMD_RESUME", "7.3.13");
const X_REASON16: FieldDef = hex("Reason", 64, 16, "IMPLEMENTATION DEFINED cause", S);
const X_GPCF: FieldDef = en(
    "GPCF",
    80,
    1,
    &[
        e(0, "No", "the external abort did not arise from a GPC fault"),
        e(1, "GPC fault", "the record arose from a Granule Protection Check fault"),
    ],
    "Granule Protection Check Fault",
    S,
)
.since(V3_3)
.gated(&idr0::RME_IMPL, 1);
const X_STALL: FieldDef = en(
    "Stall",
    95,
    1,
    &[
        e(0, "Terminated", "the transaction was terminated"),
        e(1, "Stalled", "the transaction is stalled: answer with CMD_RESUME (StreamID, STAG) or CMD_STALL_TERM"),
    ],
    "Stall",
    "7.3.13",
);
const X_PNU: FieldDef = en(
    "PnU",
    97,
    1,
    &[e(0, "Unprivileged", "unprivileged access"), e(1, "Privileged", "privileged access")],
    "Privileged/Unprivileged (post-STE override)",
    S,
);
const X_IND: FieldDef = en(
    "InD",
    98,
    1,
    &[e(0, "Data", "data access"), e(1, "Instruction", "instruction fetch")],
    "Instruction/Data (post-STE override)",
    S,
);
const X_RNW: FieldDef = en(
    "RnW",
    99,
    1,
    &[e(0, "Write", "the transaction was a write"), e(1, "Read", "the transaction was a read")],
    "Read/Write of the incoming transaction",
    S,
);
const X_NSIPA: FieldDef = en(
    "NSIPA",
    100,
    1,
    &[
        e(0, "Secure/none", "zero unless a Secure-queue stage 2 fault in Non-secure IPA space"),
        e(1, "Non-secure IPA", "a Secure stream faulted in the Non-secure IPA space"),
    ],
    "Non-secure IPA",
    S,
);
const X_S2: FieldDef =
    en("S2", 103, 1, &[e(0, "Stage 1", "stage 1 fault"), e(1, "Stage 2", "stage 2 fault")], "Stage of the fault", S);
const X_CLASS: FieldDef = en(
    "CLASS",
    104,
    2,
    &[
        e(0, "CD", "CD fetch"),
        e(1, "TT", "stage 1 translation table fetch (TTD)"),
        e(2, "IN", "input address caused fault"),
    ],
    "Class of the operation that caused the fault",
    S,
);
const X_INPUTADDR: FieldDef = at("InputAddr", 128, 64, 0, "Address input to the SMMU with the transaction", S);
const X_IPA: FieldDef = at("IPA", 204, 44, 12, "IPA, bits [55:12] (valid for stage 2 faults)", S);
const X_FETCHADDR: FieldDef = at("FetchAddr", 195, 53, 3, "Physical address of the fetch that aborted, bits [55:3]", S);

/// Bits [7:0] and the StreamID, the layout used for IMPLEMENTATION DEFINED and Reserved
/// event numbers.
pub mod impdef {
    use super::*;
    crate::layout! {
        LAYOUT: "IMPDEF_EVENT", bits 256, "7.3.21", "IMPLEMENTATION DEFINED event";
        Type = X_TYPE;
        StreamID = X_STREAMID;
    }
}

pub mod f_uut {
    use super::*;
    crate::layout! {
        LAYOUT: "F_UUT", bits 256, "7.3.2", "Unsupported Upstream Transaction";
        Type = X_TYPE;
        SSV = X_SSV;
        SubstreamID = X_SUBSTREAMID;
        StreamID = X_STREAMID;
        Reason = X_REASON16;
        PnU = en("PnU", 97, 1, &[e(0, "Unprivileged", "unprivileged access"), e(1, "Privileged", "privileged access")], "Privileged/Unprivileged (the incoming attribute, not the post-STE override)", "7.3.2");
        InD = en("InD", 98, 1, &[e(0, "Data", "data access"), e(1, "Instruction", "instruction fetch")], "Instruction/Data (the incoming attribute, not the post-STE override)", "7.3.2");
        RnW = X_RNW;
        InputAddr = X_INPUTADDR;
    }
}

pub mod c_bad_streamid {
    use super::*;
    crate::layout! {
        LAYOUT: "C_BAD_STREAMID", bits 256, "7.3.3", "Transaction StreamID out of range";
        Type = X_TYPE;
        SSV = X_SSV;
        SubstreamID = X_SUBSTREAMID;
        StreamID = X_STREAMID;
    }
}

pub mod f_ste_fetch {
    use super::*;
    crate::layout! {
        LAYOUT: "F_STE_FETCH", bits 256, "7.3.4", "Fetch of STE caused external abort";
        Type = X_TYPE;
        SSV = X_SSV;
        SubstreamID = X_SUBSTREAMID;
        StreamID = X_STREAMID;
        Reason = X_REASON16;
        GPCF = X_GPCF;
        FetchAddr = X_FETCHADDR;
    }
}

pub mod c_bad_ste {
    use super::*;
    crate::layout! {
        LAYOUT: "C_BAD_STE", bits 256, "7.3.5", "Used STE invalid (V == 0, Reserved field, incorrect configuration)";
        Type = X_TYPE;
        SSV = X_SSV;
        SubstreamID = X_SUBSTREAMID;
        StreamID = X_STREAMID;
    }
}

pub mod f_bad_ats_treq {
    use super::*;
    crate::layout! {
        LAYOUT: "F_BAD_ATS_TREQ", bits 256, "7.3.6", "ATS Translation Request disallowed for this StreamID";
        Type = X_TYPE;
        SSV = X_SSV;
        SubstreamID = X_SUBSTREAMID;
        StreamID = X_STREAMID;
    }
}

pub mod f_stream_disabled {
    use super::*;
    crate::layout! {
        LAYOUT: "F_STREAM_DISABLED", bits 256, "7.3.7", "Non-substream (or SubstreamID 0) transactions are disabled by the STE";
        Type = X_TYPE;
        StreamID = X_STREAMID;
    }
}

pub mod f_transl_forbidden {
    use super::*;
    crate::layout! {
        LAYOUT: "F_TRANSL_FORBIDDEN", bits 256, "7.3.8", "ATS Translated transaction but SMMU bypass is disallowed for this StreamID";
        Type = X_TYPE;
        StreamID = X_STREAMID;
        RnW = X_RNW;
        InputAddr = X_INPUTADDR;
    }
}

pub mod c_bad_substreamid {
    use super::*;
    crate::layout! {
        LAYOUT: "C_BAD_SUBSTREAMID", bits 256, "7.3.9", "Incoming SubstreamID not usable with this STE";
        Type = X_TYPE;
        SubstreamID = num("SubstreamID", 12, 20, "SubstreamID of the transaction (always valid in this record: no SSV)", "7.3.9");
        StreamID = X_STREAMID;
    }
}

pub mod f_cd_fetch {
    use super::*;
    crate::layout! {
        LAYOUT: "F_CD_FETCH", bits 256, "7.3.10", "Fetch of CD caused external abort";
        Type = X_TYPE;
        SSV = X_SSV;
        SubstreamID = X_SUBSTREAMID;
        StreamID = X_STREAMID;
        Reason = X_REASON16;
        GPCF = X_GPCF;
        FetchAddr = X_FETCHADDR;
    }
}

pub mod c_bad_cd {
    use super::*;
    crate::layout! {
        LAYOUT: "C_BAD_CD", bits 256, "7.3.11", "Fetched CD invalid (V == 0, or ILLEGAL configuration)";
        Type = X_TYPE;
        SSV = X_SSV;
        SubstreamID = X_SUBSTREAMID;
        StreamID = X_STREAMID;
    }
}

pub mod f_walk_eabt {
    use super::*;
    crate::layout! {
        LAYOUT: "F_WALK_EABT", bits 256, "7.3.12", "External abort fetching or updating a translation table descriptor";
        Type = X_TYPE;
        SSV = X_SSV;
        SubstreamID = X_SUBSTREAMID;
        StreamID = X_STREAMID;
        Reason = X_REASON16;
        GPCF = X_GPCF;
        PnU = X_PNU;
        InD = X_IND;
        RnW = X_RNW;
        S2 = X_S2;
        CLASS = X_CLASS;
        InputAddr = X_INPUTADDR;
        FetchAddr = X_FETCHADDR;
    }
}

/// The records of the four translation faults share one layout (7.3.13 - 7.3.16).
macro_rules! fault_layout {
    ($name:literal, $sec:literal, $desc:literal $(, $extra:ident = $def:expr)*) => {
        crate::layout! {
            LAYOUT: $name, bits 256, $sec, $desc;
            Type = X_TYPE;
            SSV = X_SSV;
            SubstreamID = X_SUBSTREAMID;
            StreamID = X_STREAMID;
            STAG = X_STAG;
            Stall = X_STALL;
            PnU = X_PNU;
            InD = X_IND;
            RnW = X_RNW;
            NSIPA = X_NSIPA;
            S2 = X_S2;
            CLASS = X_CLASS;
            $($extra = $def;)*
            InputAddr = X_INPUTADDR;
            IPA = X_IPA;
        }
    };
}

pub mod f_translation {
    use super::*;
    fault_layout!("F_TRANSLATION", "7.3.13", "Translation fault");
}

pub mod f_addr_size {
    use super::*;
    fault_layout!("F_ADDR_SIZE", "7.3.14", "Address Size fault");
}

pub mod f_access {
    use super::*;
    fault_layout!("F_ACCESS", "7.3.15", "Access flag fault");
}

pub mod f_permission {
    use super::*;
    fault_layout!(
        "F_PERMISSION",
        "7.3.16",
        "Permission fault",
        TTRnW = en(
            "TTRnW",
            108,
            1,
            &[
                e(0, "Write", "a translation table descriptor write caused the stage 2 fault"),
                e(1, "Read", "a translation table descriptor read caused the stage 2 fault")
            ],
            "Read/write of the descriptor access that faulted at stage 2 (valid when CLASS == TT, else UNKNOWN)",
            "7.3.16"
        )
    );
}

pub mod f_tlb_conflict {
    use super::*;
    crate::layout! {
        LAYOUT: "F_TLB_CONFLICT", bits 256, "7.3.17", "TLB conflict caused by the transaction";
        Type = X_TYPE;
        SSV = X_SSV;
        SubstreamID = X_SUBSTREAMID;
        StreamID = X_STREAMID;
        Reason = X_REASON16;
        PnU = X_PNU;
        InD = X_IND;
        RnW = X_RNW;
        NSIPA = X_NSIPA;
        S2 = X_S2;
        InputAddr = X_INPUTADDR;
        IPA = X_IPA;
    }
}

pub mod f_cfg_conflict {
    use super::*;
    crate::layout! {
        LAYOUT: "F_CFG_CONFLICT", bits 256, "7.3.18", "Configuration cache conflict caused by the transaction";
        Type = X_TYPE;
        SSV = X_SSV;
        SubstreamID = X_SUBSTREAMID;
        StreamID = X_STREAMID;
        Reason = hex("Reason", 64, 32, "IMPLEMENTATION DEFINED conflict reason", "7.3.18");
    }
}

pub mod e_page_request {
    use super::*;
    crate::layout! {
        LAYOUT: "E_PAGE_REQUEST", bits 256, "7.3.19", "Speculative page request hint from a client device";
        Type = X_TYPE;
        SSV = X_SSV;
        SubstreamID = X_SUBSTREAMID;
        StreamID = X_STREAMID;
        uX = flag("uX", 98, "Unprivileged Execute anticipated", "7.3.19");
        uW = flag("uW", 99, "Unprivileged Write anticipated", "7.3.19");
        uR = flag("uR", 100, "Unprivileged Read anticipated", "7.3.19");
        pX = flag("pX", 101, "Privileged Execute anticipated", "7.3.19");
        pW = flag("pW", 102, "Privileged Write anticipated", "7.3.19");
        pR = flag("pR", 103, "Privileged Read anticipated", "7.3.19");
        Span = num("Span", 108, 8, "Size of the anticipated access: Span * 4096 bytes", "7.3.19");
        InputAddr = at("InputAddr", 140, 52, 12, "Address of the anticipated access, bits [63:12]", "7.3.19");
    }
}

pub mod f_vms_fetch {
    use super::*;
    crate::layout! {
        LAYOUT: "F_VMS_FETCH", bits 256, "7.3.20", "Fetch of VMS caused external abort";
        Type = X_TYPE;
        SSV = X_SSV;
        SubstreamID = X_SUBSTREAMID;
        StreamID = X_STREAMID;
        Reason = X_REASON16;
        GPCF = X_GPCF;
        FetchAddr = X_FETCHADDR;
    }
}

// The layouts under their former names.
pub use c_bad_cd::LAYOUT as C_BAD_CD_L;
pub use c_bad_ste::LAYOUT as C_BAD_STE_L;
pub use c_bad_streamid::LAYOUT as C_BAD_STREAMID_L;
pub use c_bad_substreamid::LAYOUT as C_BAD_SUBSTREAMID_L;
pub use e_page_request::LAYOUT as E_PAGE_REQUEST_L;
pub use f_access::LAYOUT as F_ACCESS_L;
pub use f_addr_size::LAYOUT as F_ADDR_SIZE_L;
pub use f_bad_ats_treq::LAYOUT as F_BAD_ATS_TREQ_L;
pub use f_cd_fetch::LAYOUT as F_CD_FETCH_L;
pub use f_cfg_conflict::LAYOUT as F_CFG_CONFLICT_L;
pub use f_permission::LAYOUT as F_PERMISSION_L;
pub use f_ste_fetch::LAYOUT as F_STE_FETCH_L;
pub use f_stream_disabled::LAYOUT as F_STREAM_DISABLED_L;
pub use f_tlb_conflict::LAYOUT as F_TLB_CONFLICT_L;
pub use f_transl_forbidden::LAYOUT as F_TRANSL_FORBIDDEN_L;
pub use f_translation::LAYOUT as F_TRANSLATION_L;
pub use f_uut::LAYOUT as F_UUT_L;
pub use f_vms_fetch::LAYOUT as F_VMS_FETCH_L;
pub use f_walk_eabt::LAYOUT as F_WALK_EABT_L;
pub use impdef::LAYOUT as IMPDEF_L;

/// One architected event type.
#[derive(Debug, Clone, Copy)]
pub struct EventType {
    pub code: u8,
    pub layout: &'static Layout,
    /// The architecture version that introduced the record.
    pub since: Version,
}

impl EventType {
    pub fn name(&self) -> &'static str {
        self.layout.name
    }
}

pub const F_UUT: u8 = 0x01;
pub const C_BAD_STREAMID: u8 = 0x02;
pub const F_STE_FETCH: u8 = 0x03;
pub const C_BAD_STE: u8 = 0x04;
pub const F_BAD_ATS_TREQ: u8 = 0x05;
pub const F_STREAM_DISABLED: u8 = 0x06;
pub const F_TRANSL_FORBIDDEN: u8 = 0x07;
pub const C_BAD_SUBSTREAMID: u8 = 0x08;
pub const F_CD_FETCH: u8 = 0x09;
pub const C_BAD_CD: u8 = 0x0A;
pub const F_WALK_EABT: u8 = 0x0B;
pub const F_TRANSLATION: u8 = 0x10;
pub const F_ADDR_SIZE: u8 = 0x11;
pub const F_ACCESS: u8 = 0x12;
pub const F_PERMISSION: u8 = 0x13;
pub const F_TLB_CONFLICT: u8 = 0x20;
pub const F_CFG_CONFLICT: u8 = 0x21;
pub const E_PAGE_REQUEST: u8 = 0x24;
pub const F_VMS_FETCH: u8 = 0x25;
/// IMPLEMENTATION DEFINED event numbers 0xE0 - 0xEF (7.3.21).
pub const IMPDEF_FIRST: u8 = 0xE0;
pub const IMPDEF_LAST: u8 = 0xEF;

const fn t(code: u8, layout: &'static Layout, since: Version) -> EventType {
    EventType { code, layout, since }
}

/// Every architected event type, by event number.
pub static EVENT_TYPES: &[EventType] = &[
    t(F_UUT, &f_uut::LAYOUT, V3_0),
    t(C_BAD_STREAMID, &c_bad_streamid::LAYOUT, V3_0),
    t(F_STE_FETCH, &f_ste_fetch::LAYOUT, V3_0),
    t(C_BAD_STE, &c_bad_ste::LAYOUT, V3_0),
    t(F_BAD_ATS_TREQ, &f_bad_ats_treq::LAYOUT, V3_0),
    t(F_STREAM_DISABLED, &f_stream_disabled::LAYOUT, V3_0),
    t(F_TRANSL_FORBIDDEN, &f_transl_forbidden::LAYOUT, V3_0),
    t(C_BAD_SUBSTREAMID, &c_bad_substreamid::LAYOUT, V3_0),
    t(F_CD_FETCH, &f_cd_fetch::LAYOUT, V3_0),
    t(C_BAD_CD, &c_bad_cd::LAYOUT, V3_0),
    t(F_WALK_EABT, &f_walk_eabt::LAYOUT, V3_0),
    t(F_TRANSLATION, &f_translation::LAYOUT, V3_0),
    t(F_ADDR_SIZE, &f_addr_size::LAYOUT, V3_0),
    t(F_ACCESS, &f_access::LAYOUT, V3_0),
    t(F_PERMISSION, &f_permission::LAYOUT, V3_0),
    t(F_TLB_CONFLICT, &f_tlb_conflict::LAYOUT, V3_0),
    t(F_CFG_CONFLICT, &f_cfg_conflict::LAYOUT, V3_0),
    t(E_PAGE_REQUEST, &e_page_request::LAYOUT, V3_0),
    // The VMS came with SMMUv3.2.
    t(F_VMS_FETCH, &f_vms_fetch::LAYOUT, V3_2),
];

/// The event number of a record (bits [7:0] of word 0).
pub fn event_number(words: &[u64]) -> u8 {
    impdef::Type.get(words) as u8
}

/// The event type with this number; `None` for Reserved and IMPLEMENTATION DEFINED numbers.
pub fn by_code(code: u8) -> Option<&'static EventType> {
    EVENT_TYPES.iter().find(|t| t.code == code)
}

/// Looks an event type up by spec name (`F_TRANSLATION`), case-insensitive.
pub fn by_name(name: &str) -> Option<&'static EventType> {
    let n = name.trim();
    EVENT_TYPES.iter().find(|t| t.name().eq_ignore_ascii_case(n))
}

/// The layout used to decode a record with this number (IMPDEF and Reserved numbers get
/// a header-only layout).
pub fn layout_for(code: u8) -> &'static Layout {
    by_code(code).map(|t| t.layout).unwrap_or(&impdef::LAYOUT)
}

/// The field of `layout` that has the spec name of the common field `f` (records place a
/// common field at the same bits, except InputAddr of E_PAGE_REQUEST and the Reason of
/// F_CFG_CONFLICT, which this returns as the record declares them).
fn field_of(layout: &'static Layout, f: &FieldDef) -> Option<&'static FieldDef> {
    layout.fields.iter().find(|x| x.name == f.name)
}

/// A decoded event record: the JSON shape of `smmu event --json`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EventInfo {
    /// Spec name (`F_TRANSLATION`), `IMPDEF_EVENT` for 0xE0-0xEF, `RESERVED` otherwise.
    #[serde(rename = "type")]
    pub type_name: String,
    /// Event number, as `0x10`.
    pub code: String,
    pub sid: u32,
    /// SubstreamID; null when the record says SSV == 0 (or has no SubstreamID).
    pub ssid: Option<u32>,
    pub input_addr: Option<String>,
    pub ipa: Option<String>,
    pub fetch_addr: Option<String>,
    /// true = read, false = write; null when the record has no RnW.
    pub rnw: Option<bool>,
    pub s2: Option<bool>,
    /// `CD`, `TT`, `IN` or `Reserved`; null when the record has no CLASS.
    pub class: Option<String>,
    pub stall: Option<bool>,
    pub stag: Option<u32>,
    pub pnu: Option<bool>,
    pub ind: Option<bool>,
    pub description: &'static str,
    pub section: &'static str,
    /// One line: what happened, to whom, where.
    pub summary: String,
    /// What usually causes this event and where to look next.
    pub advice: &'static str,
    pub fields: Vec<FieldInfo>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

fn type_name(code: u8) -> String {
    match by_code(code) {
        Some(t) => t.name().to_string(),
        None if (IMPDEF_FIRST..=IMPDEF_LAST).contains(&code) => "IMPDEF_EVENT".to_string(),
        None => "RESERVED".to_string(),
    }
}

fn hex_addr(v: u64) -> String {
    format!("{v:#x}")
}

/// Decodes a 256-bit event record.
pub fn decode(words: &[u64; 4]) -> EventInfo {
    decode_words(words)
}

/// Decodes a record from however many words are available (missing words read as zero).
pub fn decode_words(words: &[u64]) -> EventInfo {
    decode_words_with(words, None)
}

/// Decodes a record; where the SMMU's registers are known, fields it lacks (by version or
/// ID-register feature) say so, and a record type newer than the SMMU is a problem.
pub fn decode_words_with(words: &[u64], regs: Option<&crate::regset::RegisterSet>) -> EventInfo {
    let code = event_number(words);
    let layout = layout_for(code);
    let d = layout.decode_with(words, regs);
    let get = |f: &FieldDef| -> Option<u64> { field_of(layout, f).map(|x| x.get(words)) };
    let addr_of = |f: &FieldDef| -> Option<u64> { field_of(layout, f).map(|x| x.address(words)) };
    let ssv = get(&X_SSV);
    let ssid = match (code, ssv) {
        (C_BAD_SUBSTREAMID, _) | (_, Some(1)) => get(&X_SUBSTREAMID).map(|v| v as u32),
        _ => None,
    };
    let sid = get(&X_STREAMID).unwrap_or(0) as u32;
    let class = get(&X_CLASS).map(|c| X_CLASS.encoding(c).map(|e| e.name).unwrap_or("Reserved").to_string());
    let mut problems = d.problems();
    match by_code(code) {
        None if (IMPDEF_FIRST..=IMPDEF_LAST).contains(&code) => problems
            .push(format!("event number {code:#04x} is IMPLEMENTATION DEFINED (7.3.21): only the StreamID is decoded")),
        None => problems.push(format!("event number {code:#04x} is Reserved (7.3.21): not an architected event")),
        Some(t) => {
            if let Some(v) = regs.and_then(|r| r.version()) {
                if v < t.since {
                    problems.push(format!("{} is a {} event; this {v} SMMU does not record it", t.name(), t.since));
                }
            }
        }
    }
    // 7.3.16: an SMMU with SMMU_IDR3.S2PO/S2PI/S1PI also reports Overlay, AssuredOnly and
    // DirtyBit in F_PERMISSION; this model does not know their bits, so say what RES0 bits
    // set there may be.
    if code == F_PERMISSION && !d.res0.is_empty() {
        problems.push("an SMMU with stage 2 permission overlays or permission indirection (SMMU_IDR3.S2PO/S2PI/S1PI) also reports Overlay, AssuredOnly and DirtyBit in this record (7.3.16); those flags are not decoded here and may be the RES0 bits above".to_string());
    }
    // Bit 108 is TTRnW only in F_PERMISSION (7.3.16); other fault records leave it RES0.
    let ttrnw = &f_permission::TTRnW;
    if code != F_PERMISSION
        && field_of(layout, ttrnw).is_none()
        && field_of(layout, &X_CLASS).is_some()
        && ttrnw.get(words) == 1
    {
        problems.push(format!("bit {} is set: it is TTRnW only in F_PERMISSION records and RES0 here (some implementations, e.g. HiSilicon, set it anyway)", ttrnw.lsb));
    }
    let info = EventInfo {
        type_name: type_name(code),
        code: format!("{code:#04x}"),
        sid,
        ssid,
        input_addr: addr_of(&X_INPUTADDR).map(hex_addr),
        ipa: addr_of(&X_IPA).map(hex_addr),
        fetch_addr: addr_of(&X_FETCHADDR).map(hex_addr),
        rnw: get(&X_RNW).map(|v| v != 0),
        s2: get(&X_S2).map(|v| v != 0),
        class,
        stall: get(&X_STALL).map(|v| v != 0),
        stag: get(&X_STAG).map(|v| v as u32),
        pnu: get(&X_PNU).map(|v| v != 0),
        ind: get(&X_IND).map(|v| v != 0),
        description: layout.desc,
        section: layout.section,
        summary: String::new(),
        advice: "",
        fields: d.fields,
        problems,
    };
    let summary = summarize(&info);
    let advice = advice(code, info.class.as_deref(), info.s2);
    EventInfo { summary, advice, ..info }
}

/// The usual causes of each event (IHI 0070 7.3 and how Linux uses the SMMU).
pub fn advice(code: u8, class: Option<&str>, s2: Option<bool>) -> &'static str {
    match (code, class, s2) {
        (F_UUT, _, _) => "the device issued a transaction type the SMMU does not support; Reason is IMPLEMENTATION DEFINED (see the SMMU's TRM)",
        (C_BAD_STREAMID, _, _) => "the StreamID is beyond the stream table (STRTAB_BASE_CFG.LOG2SIZE) or its L1STD is invalid: firmware (IORT/DT iommu-map) and the SMMU disagree about this device",
        (F_STE_FETCH, _, _) | (F_CD_FETCH, _, _) | (F_VMS_FETCH, _, _) => "the SMMU got an external abort reading its configuration at FetchAddr: stream/CD table memory is wrong or not accessible",
        (C_BAD_STE, _, _) => "the STE for this StreamID is invalid (V == 0 or an ILLEGAL combination): usually a device the kernel never attached; decode it with `smmu ste`",
        (F_BAD_ATS_TREQ, _, _) => "the device sent an ATS Translation Request but ATS is disabled for it (STE.EATS == 0b00 or SMMUEN == 0)",
        (F_STREAM_DISABLED, _, _) => "the STE allows only SubstreamID traffic (S1DSS) and the device sent a transaction without one (or with SubstreamID 0)",
        (F_TRANSL_FORBIDDEN, _, _) => "an ATS Translated transaction arrived but bypass is not allowed for this StreamID (EATS, Config, or the DPT denied it)",
        (C_BAD_SUBSTREAMID, _, _) => "the SubstreamID (PASID) is out of range of STE.S1CDMax or its L1CD is invalid: PASID used before it was bound",
        (C_BAD_CD, _, _) => "the CD for this SubstreamID is invalid (V == 0 or ILLEGAL): decode it with `smmu cd`",
        (F_WALK_EABT, _, _) => "an external abort fetching a page-table descriptor at FetchAddr: the table memory is wrong or not accessible",
        (F_TRANSLATION, Some("IN"), Some(false)) => "no valid stage 1 mapping for the IOVA: the driver DMAed to an address it never mapped, or after unmapping it",
        (F_TRANSLATION, Some("IN"), Some(true)) => "no valid stage 2 mapping for the IPA: the VMM/VFIO did not map this guest address",
        (F_TRANSLATION, Some("TT"), _) | (F_ADDR_SIZE, Some("TT"), _) | (F_ACCESS, Some("TT"), _) | (F_PERMISSION, Some("TT"), _) => "stage 2 does not map the IPA of a stage 1 table (IPA field): the guest's page tables are outside its memory",
        (F_TRANSLATION, Some("CD"), _) | (F_ADDR_SIZE, Some("CD"), _) | (F_ACCESS, Some("CD"), _) | (F_PERMISSION, Some("CD"), _) => "stage 2 does not map the IPA of the CD (IPA field): the guest's CD table is outside its memory",
        (F_TRANSLATION, _, _) => "no valid mapping for the address at the stage that faulted (CLASS and S2 say which table: decode the full record)",
        (F_ADDR_SIZE, _, _) => "a descriptor (or bypassed input) produced an address beyond the configured output size (CD.IPS / STE.S2PS / OAS)",
        (F_ACCESS, _, _) => "the page is mapped with AF == 0 and hardware Access flag update is off",
        (F_PERMISSION, _, _) => "the page is mapped without the permission the access needs (write to read-only, execute, privilege)",
        (F_TLB_CONFLICT, _, _) | (F_CFG_CONFLICT, _, _) => "overlapping cache entries: usually a missing invalidation (CMD_TLBI_* / CMD_CFGI_*) or a break-before-make violation",
        (E_PAGE_REQUEST, _, _) => "a hint that the device will soon access this range; no response needed",
        _ => "",
    }
}

fn summarize(e: &EventInfo) -> String {
    summarize_known(e, &[])
}

/// The JSON key of [`EventInfo`] each common record field sets.
static KEYS: &[(&FieldDef, &str)] = &[
    (&X_STREAMID, "sid"),
    (&X_SUBSTREAMID, "ssid"),
    (&X_SSV, "ssid"),
    (&X_INPUTADDR, "input_addr"),
    (&X_IPA, "ipa"),
    (&X_FETCHADDR, "fetch_addr"),
    (&X_RNW, "rnw"),
    (&X_S2, "s2"),
    (&X_CLASS, "class"),
    (&X_STALL, "stall"),
    (&X_STAG, "stag"),
    (&X_PNU, "pnu"),
    (&X_IND, "ind"),
];

/// The JSON keys of [`EventInfo`] each record field sets (for records with missing words),
/// by the field's spec name.
pub fn key_of_field(field: &str) -> Option<&'static str> {
    KEYS.iter().find(|(f, _)| f.name == field).map(|(_, k)| *k)
}

/// Marks the keys in `unknown` (see [`key_of_field`]) as unknown: their values become null
/// (sid cannot be null in `EventInfo`; callers serialize it as null) and the summary says
/// "unknown" instead of showing a zero.
pub fn forget(mut e: EventInfo, unknown: &[&str]) -> EventInfo {
    for k in unknown {
        match *k {
            "ssid" => e.ssid = None,
            "input_addr" => e.input_addr = None,
            "ipa" => e.ipa = None,
            "fetch_addr" => e.fetch_addr = None,
            "rnw" => e.rnw = None,
            "s2" => e.s2 = None,
            "class" => e.class = None,
            "stall" => e.stall = None,
            "stag" => e.stag = None,
            "pnu" => e.pnu = None,
            "ind" => e.ind = None,
            _ => {}
        }
    }
    e.summary = summarize_known(&e, unknown);
    if let Ok(code) = u8::from_str_radix(e.code.trim_start_matches("0x"), 16) {
        e.advice = advice(code, e.class.as_deref(), e.s2);
    }
    e
}

/// The one-line summary; keys in `unknown` are said to be unknown.
pub fn summarize_known(e: &EventInfo, unknown: &[&str]) -> String {
    let unk = |k: &str| unknown.contains(&k);
    let mut s = if unk("sid") {
        format!("{} ({}) from an unknown StreamID", e.type_name, e.description)
    } else {
        format!("{} ({}) from StreamID {:#x}", e.type_name, e.description, e.sid)
    };
    if let Some(ss) = e.ssid {
        s.push_str(&format!(" SubstreamID {ss:#x}"));
    } else if unk("ssid") {
        s.push_str(", SubstreamID unknown");
    }
    if let Some(rnw) = e.rnw {
        s.push_str(if rnw { ", read" } else { ", write" });
    } else if unk("rnw") {
        s.push_str(", read/write unknown");
    }
    if let Some(a) = &e.input_addr {
        s.push_str(&format!(" at {a}"));
    } else if unk("input_addr") {
        s.push_str(" at an unknown address");
    }
    if let Some(s2) = e.s2 {
        s.push_str(if s2 { ", stage 2" } else { ", stage 1" });
        if s2 {
            if let Some(ipa) = &e.ipa {
                s.push_str(&format!(" (IPA {ipa})"));
            } else if unk("ipa") {
                s.push_str(" (IPA unknown)");
            }
        }
    }
    if let Some(c) = &e.class {
        let what = match c.as_str() {
            "CD" => "while fetching the CD",
            "TT" => "while walking stage 1 translation tables",
            "IN" => "on the input address",
            _ => "reserved CLASS",
        };
        s.push_str(&format!(", {what}"));
    }
    if let Some(f) = &e.fetch_addr {
        s.push_str(&format!(", fetch address {f}"));
    } else if unk("fetch_addr") {
        s.push_str(", fetch address unknown");
    }
    if e.stall == Some(true) {
        match e.stag {
            Some(t) => s.push_str(&format!(", stalled (STAG {t:#x})")),
            None => s.push_str(", stalled (STAG unknown)"),
        }
    }
    s
}

/// CLASS of a translation-related fault (7.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Class {
    /// CD fetch.
    Cd = 0,
    /// Stage 1 translation table fetch.
    Tt = 1,
    /// Input address caused fault.
    In = 2,
}

/// Typed fields of an event record, for building one (for example from a walk fault).
/// Fields the record type does not have must be left at their defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventRecord {
    pub code: u8,
    pub sid: u32,
    /// `Some` sets SSV = 1 and the SubstreamID.
    pub ssid: Option<u32>,
    pub stall: bool,
    pub stag: u16,
    pub pnu: bool,
    pub ind: bool,
    /// true = read.
    pub rnw: bool,
    pub nsipa: bool,
    pub s2: bool,
    pub class: Option<Class>,
    pub ttrnw: bool,
    pub input_addr: u64,
    /// Full IPA; bits [11:0] are not recorded.
    pub ipa: u64,
    /// Full fetch address; bits [2:0] are not recorded.
    pub fetch_addr: u64,
    pub reason: u32,
    pub gpcf: bool,
}

impl EventRecord {
    /// A translation-related fault (F_TRANSLATION, F_ADDR_SIZE, F_ACCESS, F_PERMISSION) on
    /// the input address, stage 1.
    pub fn fault(code: u8, sid: u32, input_addr: u64, rnw: bool) -> Self {
        EventRecord { code, sid, input_addr, rnw, class: Some(Class::In), ..Default::default() }
    }

    /// Encodes the record into four words. Errors name a field the record type does not
    /// have (but was given a non-zero value) or a value that does not fit.
    pub fn encode(&self) -> Result<[u64; 4], EncodeError> {
        let layout = layout_for(self.code);
        let mut w = [0u64; 4];
        // Sets the record's own field of the spec name of common field `f`; an address
        // field takes the address (bits below the field are not recorded).
        let mut put = |f: &FieldDef, v: u64| -> Result<(), EncodeError> {
            match field_of(layout, f) {
                Some(x) => {
                    let v = match x.fmt {
                        Fmt::Addr(s) => v.checked_shr(s as u32).unwrap_or(0) & x.mask(),
                        _ => v,
                    };
                    x.set(&mut w, v)
                }
                None if v == 0 => Ok(()),
                None => Err(EncodeError::UnknownField { layout: layout.name, field: f.name.to_string() }),
            }
        };
        put(&X_TYPE, self.code as u64)?;
        put(&X_STREAMID, self.sid as u64)?;
        if let Some(ss) = self.ssid {
            if self.code != C_BAD_SUBSTREAMID {
                put(&X_SSV, 1)?;
            }
            put(&X_SUBSTREAMID, ss as u64)?;
        }
        put(&X_STALL, self.stall as u64)?;
        put(&X_STAG, self.stag as u64)?;
        put(&X_PNU, self.pnu as u64)?;
        put(&X_IND, self.ind as u64)?;
        put(&X_RNW, self.rnw as u64)?;
        put(&X_NSIPA, self.nsipa as u64)?;
        put(&X_S2, self.s2 as u64)?;
        if let Some(c) = self.class {
            put(&X_CLASS, c as u64)?;
        }
        put(&f_permission::TTRnW, self.ttrnw as u64)?;
        put(&X_INPUTADDR, self.input_addr)?;
        put(&X_IPA, self.ipa)?;
        put(&X_FETCHADDR, self.fetch_addr)?;
        put(&X_REASON16, self.reason as u64)?;
        put(&X_GPCF, self.gpcf as u64)?;
        Ok(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn every_layout_fits_and_is_unique() {
        for t in EVENT_TYPES {
            assert_eq!(t.layout.fields.first().map(|f| (f.name, f.lsb, f.width)), Some(("Type", 0, 8)), "{}", t.name());
            for f in t.layout.fields {
                assert!(f.msb() < 256, "{}.{}", t.name(), f.name);
            }
            for (i, a) in t.layout.fields.iter().enumerate() {
                for b in &t.layout.fields[i + 1..] {
                    let overlap = a.lsb <= b.msb() && b.lsb <= a.msb();
                    assert!(!overlap, "{}: {} overlaps {}", t.name(), a.name, b.name);
                    assert_ne!(a.name, b.name, "{}", t.name());
                }
            }
        }
    }
    #[test]
    fn common_fields_sit_at_the_same_bits_in_every_record() {
        for t in EVENT_TYPES {
            for (f, _) in KEYS {
                if let Some(x) = field_of(t.layout, f) {
                    let exempt = (t.code == E_PAGE_REQUEST && x.name == X_INPUTADDR.name)
                        || (t.code == C_BAD_SUBSTREAMID && x.name == X_SUBSTREAMID.name);
                    if !exempt {
                        assert_eq!((x.lsb, x.width), (f.lsb, f.width), "{}.{}", t.name(), x.name);
                    }
                }
            }
        }
    }
}
