//! Event records (IHI 0070 7.3): 256-bit records written by the SMMU to the Event queue.
//!
//! Every record type is one [`Layout`] in [`EVENT_TYPES`]; [`decode`] turns four words into
//! an [`EventInfo`] and [`EventRecord::encode`] builds the words of an event (for example the
//! one a walk fault produces).

use crate::model::*;
use serde::Serialize;

/// An absolute-positioned address field whose value holds address bits `[..:shift]`.
const fn at(name: &'static str, lsb: u16, width: u8, shift: u8, desc: &'static str, section: &'static str) -> FieldDef {
    FieldDef::new(name, lsb, width, Fmt::Addr(shift), &[], desc, section)
}

const S: &str = "7.3";

const TYPE: FieldDef = hex("Type", 0, 8, "Event number: the record type", "7.3");
const SSV: FieldDef = en(
    "SSV",
    11,
    1,
    &[
        e(0, "No SubstreamID", "the transaction had no SubstreamID; SubstreamID is UNKNOWN"),
        e(1, "Valid", "the transaction carried the SubstreamID below"),
    ],
    "SubstreamID valid",
    S,
);
const SSID: FieldDef = num("SubstreamID", 12, 20, "SubstreamID of the transaction (meaningful only when SSV == 1)", S);
const SSID_ALWAYS: FieldDef =
    num("SubstreamID", 12, 20, "SubstreamID of the transaction (always valid in this record)", "7.3.9");
const SID: FieldDef = hex("StreamID", 32, 32, "StreamID of the requester", S);
const STAG: FieldDef = hex("STAG", 64, 16, "Stall tag: token naming a stalled transaction for CMD_RESUME", "7.3.13");
const REASON16: FieldDef = hex("Reason", 64, 16, "IMPLEMENTATION DEFINED cause", S);
const REASON32: FieldDef = hex("Reason", 64, 32, "IMPLEMENTATION DEFINED cause", "7.3.18");
const GPCF: FieldDef = en(
    "GPCF",
    80,
    1,
    &[
        e(0, "No", "not a Granule Protection Check fault"),
        e(1, "GPC fault", "the abort arose from a Granule Protection Check fault"),
    ],
    "Granule Protection Check fault",
    S,
);
const STALL: FieldDef = en(
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
const PNU: FieldDef = en(
    "PnU",
    97,
    1,
    &[e(0, "Unprivileged", "unprivileged access"), e(1, "Privileged", "privileged access")],
    "Privileged/Unprivileged (post-STE override)",
    S,
);
const IND: FieldDef = en(
    "InD",
    98,
    1,
    &[e(0, "Data", "data access"), e(1, "Instruction", "instruction fetch")],
    "Instruction/Data (post-STE override)",
    S,
);
const RNW: FieldDef = en(
    "RnW",
    99,
    1,
    &[e(0, "Write", "the transaction was a write"), e(1, "Read", "the transaction was a read")],
    "Read/Write of the incoming transaction",
    S,
);
const NSIPA: FieldDef = en(
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
const S2: FieldDef =
    en("S2", 103, 1, &[e(0, "Stage 1", "stage 1 fault"), e(1, "Stage 2", "stage 2 fault")], "Stage of the fault", S);
const CLASS: FieldDef = en(
    "CLASS",
    104,
    2,
    &[e(0, "CD", "CD fetch"), e(1, "TT", "stage 1 translation table fetch"), e(2, "IN", "input address caused fault")],
    "Class of the operation that caused the fault",
    S,
);
const TTRNW: FieldDef = en(
    "TTRnW",
    108,
    1,
    &[
        e(0, "Write", "a translation table descriptor write caused the stage 2 fault"),
        e(1, "Read", "a translation table descriptor read caused the stage 2 fault"),
    ],
    "Read/write of the descriptor access (valid when CLASS == TT)",
    "7.3.16",
);
const INPUT: FieldDef = at("InputAddr", 128, 64, 0, "Address input to the SMMU with the transaction", S);
const INPUT12: FieldDef = at("InputAddr", 140, 52, 12, "Page address input to the SMMU, bits [63:12]", "7.3.19");
const IPA: FieldDef = at("IPA", 204, 44, 12, "IPA, bits [55:12] (valid for stage 2 faults)", S);
const FETCH: FieldDef = at("FetchAddr", 195, 53, 3, "Physical address of the fetch that aborted, bits [55:3]", S);

macro_rules! layout {
    ($id:ident, $name:expr, $desc:expr, $sec:expr, [$($f:expr),* $(,)?]) => {
        pub static $id: Layout = Layout { name: $name, bits: 256, desc: $desc, section: $sec, fields: &[$($f),*] };
    };
}

layout!(
    F_UUT_L,
    "F_UUT",
    "Unsupported Upstream Transaction",
    "7.3.2",
    [TYPE, SSV, SSID, SID, REASON16, PNU, IND, RNW, INPUT]
);
layout!(C_BAD_STREAMID_L, "C_BAD_STREAMID", "Transaction StreamID out of range", "7.3.3", [TYPE, SSV, SSID, SID]);
layout!(
    F_STE_FETCH_L,
    "F_STE_FETCH",
    "Fetch of STE caused external abort",
    "7.3.4",
    [TYPE, SSV, SSID, SID, REASON16, GPCF, FETCH]
);
layout!(
    C_BAD_STE_L,
    "C_BAD_STE",
    "Used STE invalid (V == 0, Reserved field, incorrect configuration)",
    "7.3.5",
    [TYPE, SSV, SSID, SID]
);
layout!(
    F_BAD_ATS_TREQ_L,
    "F_BAD_ATS_TREQ",
    "ATS Translation Request disallowed for this StreamID",
    "7.3.6",
    [TYPE, SSV, SSID, SID]
);
layout!(
    F_STREAM_DISABLED_L,
    "F_STREAM_DISABLED",
    "Non-substream (or SubstreamID 0) transactions are disabled by the STE",
    "7.3.7",
    [TYPE, SID]
);
layout!(
    F_TRANSL_FORBIDDEN_L,
    "F_TRANSL_FORBIDDEN",
    "ATS Translated transaction but SMMU bypass is disallowed for this StreamID",
    "7.3.8",
    [TYPE, SID, RNW, INPUT]
);
layout!(
    C_BAD_SUBSTREAMID_L,
    "C_BAD_SUBSTREAMID",
    "Incoming SubstreamID not usable with this STE",
    "7.3.9",
    [TYPE, SSID_ALWAYS, SID]
);
layout!(
    F_CD_FETCH_L,
    "F_CD_FETCH",
    "Fetch of CD caused external abort",
    "7.3.10",
    [TYPE, SSV, SSID, SID, REASON16, GPCF, FETCH]
);
layout!(
    C_BAD_CD_L,
    "C_BAD_CD",
    "Fetched CD invalid (V == 0, or ILLEGAL configuration)",
    "7.3.11",
    [TYPE, SSV, SSID, SID]
);
layout!(
    F_WALK_EABT_L,
    "F_WALK_EABT",
    "External abort fetching or updating a translation table descriptor",
    "7.3.12",
    [TYPE, SSV, SSID, SID, REASON16, GPCF, PNU, IND, RNW, S2, CLASS, INPUT, FETCH]
);
layout!(
    F_TRANSLATION_L,
    "F_TRANSLATION",
    "Translation fault",
    "7.3.13",
    [TYPE, SSV, SSID, SID, STAG, STALL, PNU, IND, RNW, NSIPA, S2, CLASS, INPUT, IPA]
);
layout!(
    F_ADDR_SIZE_L,
    "F_ADDR_SIZE",
    "Address Size fault",
    "7.3.14",
    [TYPE, SSV, SSID, SID, STAG, STALL, PNU, IND, RNW, NSIPA, S2, CLASS, INPUT, IPA]
);
layout!(
    F_ACCESS_L,
    "F_ACCESS",
    "Access flag fault",
    "7.3.15",
    [TYPE, SSV, SSID, SID, STAG, STALL, PNU, IND, RNW, NSIPA, S2, CLASS, INPUT, IPA]
);
layout!(
    F_PERMISSION_L,
    "F_PERMISSION",
    "Permission fault",
    "7.3.16",
    [TYPE, SSV, SSID, SID, STAG, STALL, PNU, IND, RNW, NSIPA, S2, CLASS, TTRNW, INPUT, IPA]
);
layout!(
    F_TLB_CONFLICT_L,
    "F_TLB_CONFLICT",
    "TLB conflict caused by the transaction",
    "7.3.17",
    [TYPE, SSV, SSID, SID, REASON16, PNU, IND, RNW, NSIPA, S2, INPUT, IPA]
);
layout!(
    F_CFG_CONFLICT_L,
    "F_CFG_CONFLICT",
    "Configuration cache conflict caused by the transaction",
    "7.3.18",
    [TYPE, SSV, SSID, SID, REASON32]
);
layout!(
    E_PAGE_REQUEST_L,
    "E_PAGE_REQUEST",
    "Speculative page request hint from a client device",
    "7.3.19",
    [
        TYPE,
        SSV,
        SSID,
        SID,
        flag("uX", 98, "Unprivileged execute anticipated", "7.3.19"),
        flag("uW", 99, "Unprivileged write anticipated", "7.3.19"),
        flag("uR", 100, "Unprivileged read anticipated", "7.3.19"),
        flag("pX", 101, "Privileged execute anticipated", "7.3.19"),
        flag("pW", 102, "Privileged write anticipated", "7.3.19"),
        flag("pR", 103, "Privileged read anticipated", "7.3.19"),
        num("Span", 108, 8, "Size of the anticipated access in 4KB pages", "7.3.19"),
        INPUT12,
    ]
);
layout!(
    F_VMS_FETCH_L,
    "F_VMS_FETCH",
    "Fetch of VMS caused external abort",
    "7.3.20",
    [TYPE, SSV, SSID, SID, REASON16, GPCF, FETCH]
);
layout!(IMPDEF_L, "IMPDEF_EVENT", "IMPLEMENTATION DEFINED event", "7.3.21", [TYPE, SID]);

/// One architected event type.
#[derive(Debug, Clone, Copy)]
pub struct EventType {
    pub code: u8,
    pub layout: &'static Layout,
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

/// Every architected event type, by event number.
pub static EVENT_TYPES: &[EventType] = &[
    EventType { code: F_UUT, layout: &F_UUT_L },
    EventType { code: C_BAD_STREAMID, layout: &C_BAD_STREAMID_L },
    EventType { code: F_STE_FETCH, layout: &F_STE_FETCH_L },
    EventType { code: C_BAD_STE, layout: &C_BAD_STE_L },
    EventType { code: F_BAD_ATS_TREQ, layout: &F_BAD_ATS_TREQ_L },
    EventType { code: F_STREAM_DISABLED, layout: &F_STREAM_DISABLED_L },
    EventType { code: F_TRANSL_FORBIDDEN, layout: &F_TRANSL_FORBIDDEN_L },
    EventType { code: C_BAD_SUBSTREAMID, layout: &C_BAD_SUBSTREAMID_L },
    EventType { code: F_CD_FETCH, layout: &F_CD_FETCH_L },
    EventType { code: C_BAD_CD, layout: &C_BAD_CD_L },
    EventType { code: F_WALK_EABT, layout: &F_WALK_EABT_L },
    EventType { code: F_TRANSLATION, layout: &F_TRANSLATION_L },
    EventType { code: F_ADDR_SIZE, layout: &F_ADDR_SIZE_L },
    EventType { code: F_ACCESS, layout: &F_ACCESS_L },
    EventType { code: F_PERMISSION, layout: &F_PERMISSION_L },
    EventType { code: F_TLB_CONFLICT, layout: &F_TLB_CONFLICT_L },
    EventType { code: F_CFG_CONFLICT, layout: &F_CFG_CONFLICT_L },
    EventType { code: E_PAGE_REQUEST, layout: &E_PAGE_REQUEST_L },
    EventType { code: F_VMS_FETCH, layout: &F_VMS_FETCH_L },
];

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
    by_code(code).map(|t| t.layout).unwrap_or(&IMPDEF_L)
}

/// A decoded event record: the JSON shape of `smmu event --json`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
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
        None if (0xE0..=0xEF).contains(&code) => "IMPDEF_EVENT".to_string(),
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
    let code = (words.first().copied().unwrap_or(0) & 0xff) as u8;
    let layout = layout_for(code);
    let d = layout.decode(words);
    let get = |n: &str| -> Option<u64> { layout.field(n).map(|f| f.get(words)) };
    let addr_of = |n: &str| -> Option<u64> {
        layout.field(n).map(|f| match f.fmt {
            Fmt::Addr(s) => f.get(words).checked_shl(s as u32).unwrap_or(0),
            _ => f.get(words),
        })
    };
    let ssv = get("SSV");
    let ssid = match (code, ssv) {
        (C_BAD_SUBSTREAMID, _) => get("SubstreamID").map(|v| v as u32),
        (_, Some(1)) => get("SubstreamID").map(|v| v as u32),
        _ => None,
    };
    let sid = get("StreamID").unwrap_or(0) as u32;
    let class = get("CLASS").map(|c| match c {
        0 => "CD".to_string(),
        1 => "TT".to_string(),
        2 => "IN".to_string(),
        _ => "Reserved".to_string(),
    });
    let mut problems = d.problems();
    match by_code(code) {
        None if (0xE0..=0xEF).contains(&code) => problems
            .push(format!("event number {code:#04x} is IMPLEMENTATION DEFINED (7.3.21): only the StreamID is decoded")),
        None => problems.push(format!("event number {code:#04x} is Reserved (7.3.21): not an architected event")),
        _ => {}
    }
    if code != F_PERMISSION && layout.field("TTRnW").is_none() && layout.field("CLASS").is_some() {
        if let Some(tt) = F_PERMISSION_L.field("TTRnW") {
            if tt.get(words) == 1 {
                problems.push(format!("bit {} is set: it is TTRnW only in F_PERMISSION records and RES0 here (some implementations, e.g. HiSilicon, set it anyway)", tt.lsb));
            }
        }
    }
    if class.as_deref() == Some("Reserved") {
        problems.push("CLASS == 0b11 is Reserved".to_string());
    }
    let info = EventInfo {
        type_name: type_name(code),
        code: format!("{code:#04x}"),
        sid,
        ssid,
        input_addr: addr_of("InputAddr").map(hex_addr),
        ipa: addr_of("IPA").map(hex_addr),
        fetch_addr: addr_of("FetchAddr").map(hex_addr),
        rnw: get("RnW").map(|v| v != 0),
        s2: get("S2").map(|v| v != 0),
        class,
        stall: get("Stall").map(|v| v != 0),
        stag: get("STAG").map(|v| v as u32),
        pnu: get("PnU").map(|v| v != 0),
        ind: get("InD").map(|v| v != 0),
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

/// The JSON keys of [`EventInfo`] each record field sets (for records with missing words).
pub fn key_of_field(field: &str) -> Option<&'static str> {
    Some(match field {
        "StreamID" => "sid",
        "SubstreamID" | "SSV" => "ssid",
        "InputAddr" => "input_addr",
        "IPA" => "ipa",
        "FetchAddr" => "fetch_addr",
        "RnW" => "rnw",
        "S2" => "s2",
        "CLASS" => "class",
        "Stall" => "stall",
        "STAG" => "stag",
        "PnU" => "pnu",
        "InD" => "ind",
        _ => return None,
    })
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
        let mut put = |name: &'static str, v: u64| -> Result<(), EncodeError> {
            match layout.field(name) {
                Some(f) => {
                    let v = match f.fmt {
                        Fmt::Addr(s) => {
                            let shifted = v.checked_shr(s as u32).unwrap_or(0);
                            shifted & f.mask()
                        }
                        _ => v,
                    };
                    f.set(&mut w, v)
                }
                None if v == 0 => Ok(()),
                None => Err(EncodeError::UnknownField { layout: layout.name, field: name.to_string() }),
            }
        };
        put("Type", self.code as u64)?;
        put("StreamID", self.sid as u64)?;
        if let Some(ss) = self.ssid {
            if self.code != C_BAD_SUBSTREAMID {
                put("SSV", 1)?;
            }
            put("SubstreamID", ss as u64)?;
        }
        put("Stall", self.stall as u64)?;
        put("STAG", self.stag as u64)?;
        put("PnU", self.pnu as u64)?;
        put("InD", self.ind as u64)?;
        put("RnW", self.rnw as u64)?;
        put("NSIPA", self.nsipa as u64)?;
        put("S2", self.s2 as u64)?;
        if let Some(c) = self.class {
            put("CLASS", c as u64)?;
        }
        put("TTRnW", self.ttrnw as u64)?;
        put("InputAddr", self.input_addr)?;
        put("IPA", self.ipa)?;
        put("FetchAddr", self.fetch_addr)?;
        put("Reason", self.reason as u64)?;
        put("GPCF", self.gpcf as u64)?;
        Ok(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn every_layout_fits_and_is_unique() {
        for t in EVENT_TYPES {
            for f in t.layout.fields {
                assert!(f.msb() < 256, "{}.{}", t.name(), f.name);
            }
            for (i, a) in t.layout.fields.iter().enumerate() {
                for b in &t.layout.fields[i + 1..] {
                    let overlap = a.lsb <= b.msb() && b.lsb <= a.msb();
                    assert!(!overlap, "{}: {} overlaps {}", t.name(), a.name, b.name);
                }
            }
        }
    }
}
