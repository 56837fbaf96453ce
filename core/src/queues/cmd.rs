//! Commands (IHI 0070 chapter 4): 128-bit Command queue entries, one [`Layout`] per opcode,
//! with decode, encode, the CERROR_ILL rules and the iommufd guest allow-list.

use crate::model::*;
use crate::regset::RegisterSet;
use serde::Serialize;

const fn at(name: &'static str, lsb: u16, width: u8, shift: u8, desc: &'static str, section: &'static str) -> FieldDef {
    FieldDef::new(name, lsb, width, Fmt::Addr(shift), &[], desc, section)
}

const OP: FieldDef = hex("Opcode", 0, 8, "Command opcode", "4.1.1");
const SSEC: FieldDef = en(
    "SSec",
    10,
    1,
    &[e(0, "Non-secure", "StreamID is Non-secure"), e(1, "Secure", "StreamID is Secure (Secure Command queue only)")],
    "StreamID Security state",
    "4.1.6",
);
const SSV: FieldDef = en(
    "SSV",
    11,
    1,
    &[e(0, "No SubstreamID", "SubstreamID not supplied"), e(1, "Valid", "SubstreamID supplied")],
    "Substream valid",
    "4.1.6",
);
const SSID: FieldDef = num("SubstreamID", 12, 20, "SubstreamID (used when SSV == 1)", "4.1.6");
const SSID_CD: FieldDef = num("SubstreamID", 12, 20, "SubstreamID of the CD to invalidate", "4.3.3");
const SID: FieldDef = hex("StreamID", 32, 32, "StreamID", "4.1.6");
const LEAF_CFG: FieldDef = en(
    "Leaf",
    64,
    1,
    &[
        e(0, "All levels", "invalidate the entry and any L1 descriptor caching it"),
        e(1, "Leaf only", "invalidate only the STE/CD itself"),
    ],
    "Leaf",
    "4.3",
);
const RANGE: FieldDef =
    num("Range", 64, 5, "Invalidate 2^(Range+1) STEs from StreamID aligned down (31 = all: CMD_CFGI_ALL)", "4.3.2");
const NUM: FieldDef =
    num("NUM", 12, 5, "Range invalidation: number of TG-sized blocks is (NUM+1) * 2^SCALE", "4.4.1.1");
const SCALE: FieldDef =
    num("SCALE", 20, 6, "Range invalidation: scale exponent (bit 25 is RES0 unless SMMU_IDR5.DS == 1)", "4.4.1.1");
const TTL128: FieldDef = flag("TTL128", 71, "The TTL hint applies to 128-bit descriptors", "4.4.1.1");
const VMID: FieldDef = hex("VMID", 32, 16, "Virtual machine identifier", "4.4");
const ASID: FieldDef = hex("ASID", 48, 16, "Address space identifier", "4.4");
const LEAF: FieldDef = en(
    "Leaf",
    64,
    1,
    &[
        e(0, "All levels", "walk-cache (table) entries are invalidated too"),
        e(1, "Leaf only", "only last-level entries are invalidated"),
    ],
    "Leaf",
    "4.4",
);
const TTL: FieldDef = en(
    "TTL",
    72,
    2,
    &[
        e(0, "Any", "no level hint"),
        e(1, "Level 1", "entries are at level 1"),
        e(2, "Level 2", "entries are at level 2"),
        e(3, "Level 3", "entries are at level 3"),
    ],
    "Translation table level hint",
    "4.4.1.1",
);
const TG: FieldDef = en(
    "TG",
    74,
    2,
    &[
        e(0, "None", "no granule hint; NUM, SCALE and TTL are not used"),
        e(1, "4KB", "4KB translation granule"),
        e(2, "16KB", "16KB translation granule"),
        e(3, "64KB", "64KB translation granule"),
    ],
    "Translation granule of the entries to invalidate",
    "4.4.1.1",
);
const VA: FieldDef = at("Address", 76, 52, 12, "Virtual address, bits [63:12]", "4.1.6");
const IPA: FieldDef = at("Address", 76, 44, 12, "IPA, bits [55:12]", "4.1.6");

macro_rules! layout {
    ($id:ident, $name:expr, $desc:expr, $sec:expr, [$($f:expr),* $(,)?]) => {
        pub static $id: Layout = Layout { name: $name, bits: 128, desc: $desc, section: $sec, fields: &[$($f),*] };
    };
}

layout!(
    PREFETCH_CONFIG,
    "CMD_PREFETCH_CONFIG",
    "Prefetch the STE and CD for a stream",
    "4.2.1",
    [OP, SSEC, SSV, SSID, SID]
);
layout!(
    PREFETCH_ADDR,
    "CMD_PREFETCH_ADDR",
    "Prefetch configuration and TLB entries for an address span",
    "4.2.2",
    [
        OP,
        SSEC,
        SSV,
        SSID,
        SID,
        num("Size", 64, 5, "Number of translations to prefetch, as 2^Size strides", "4.2.2"),
        VA,
    ]
);
layout!(
    CFGI_STE,
    "CMD_CFGI_STE",
    "Invalidate cached STE (and L1STD unless Leaf) for a StreamID",
    "4.3.1",
    [OP, SSEC, SID, LEAF_CFG]
);
layout!(
    CFGI_STE_RANGE,
    "CMD_CFGI_STE_RANGE",
    "Invalidate cached STEs for a range of StreamIDs (Range 31: CMD_CFGI_ALL)",
    "4.3.2",
    [OP, SSEC, SID, RANGE]
);
layout!(
    CFGI_CD,
    "CMD_CFGI_CD",
    "Invalidate a cached CD (and L1CD unless Leaf)",
    "4.3.3",
    [OP, SSEC, SSID_CD, SID, LEAF_CFG]
);
layout!(CFGI_CD_ALL, "CMD_CFGI_CD_ALL", "Invalidate all cached CDs of a StreamID", "4.3.4", [OP, SSEC, SID]);
layout!(CFGI_VMS_PIDM, "CMD_CFGI_VMS_PIDM", "Invalidate cached VMS PARTID map for a VMID", "4.3.5", [OP, SSEC, VMID]);
layout!(
    TLBI_NH_ALL,
    "CMD_TLBI_NH_ALL",
    "Invalidate all non-hypervisor stage 1 TLB entries of a VMID",
    "4.4.2.1",
    [OP, VMID]
);
layout!(
    TLBI_NH_ASID,
    "CMD_TLBI_NH_ASID",
    "Invalidate stage 1 TLB entries of an ASID in a VMID",
    "4.4.2.2",
    [OP, VMID, ASID]
);
layout!(
    TLBI_NH_VA,
    "CMD_TLBI_NH_VA",
    "Invalidate stage 1 TLB entries of a VA for an ASID in a VMID",
    "4.4.2.4",
    [OP, NUM, SCALE, VMID, ASID, LEAF, TTL128, TTL, TG, VA]
);
layout!(
    TLBI_NH_VAA,
    "CMD_TLBI_NH_VAA",
    "Invalidate stage 1 TLB entries of a VA for all ASIDs in a VMID",
    "4.4.2.3",
    [OP, NUM, SCALE, VMID, LEAF, TTL128, TTL, TG, VA]
);
layout!(
    TLBI_EL3_ALL,
    "CMD_TLBI_EL3_ALL",
    "Invalidate all EL3 TLB entries (Secure Command queue only)",
    "4.4.2.5",
    [OP]
);
layout!(
    TLBI_EL3_VA,
    "CMD_TLBI_EL3_VA",
    "Invalidate EL3 TLB entries of a VA (Secure Command queue only)",
    "4.4.2.6",
    [OP, NUM, SCALE, LEAF, TTL128, TTL, TG, VA]
);
layout!(TLBI_EL2_ALL, "CMD_TLBI_EL2_ALL", "Invalidate all EL2 TLB entries", "4.4.2.7", [OP]);
layout!(TLBI_EL2_ASID, "CMD_TLBI_EL2_ASID", "Invalidate EL2 TLB entries of an ASID", "4.4.2.10", [OP, ASID]);
layout!(
    TLBI_EL2_VA,
    "CMD_TLBI_EL2_VA",
    "Invalidate EL2 TLB entries of a VA for an ASID",
    "4.4.2.8",
    [OP, NUM, SCALE, ASID, LEAF, TTL128, TTL, TG, VA]
);
layout!(
    TLBI_EL2_VAA,
    "CMD_TLBI_EL2_VAA",
    "Invalidate EL2 TLB entries of a VA for all ASIDs",
    "4.4.2.9",
    [OP, NUM, SCALE, LEAF, TTL128, TTL, TG, VA]
);
layout!(
    TLBI_S12_VMALL,
    "CMD_TLBI_S12_VMALL",
    "Invalidate all stage 1 and stage 2 TLB entries of a VMID",
    "4.4.3.2",
    [OP, VMID]
);
layout!(
    TLBI_S2_IPA,
    "CMD_TLBI_S2_IPA",
    "Invalidate stage 2 TLB entries of an IPA in a VMID",
    "4.4.3.1",
    [OP, NUM, SCALE, VMID, LEAF, TTL128, TTL, TG, IPA]
);
layout!(
    TLBI_NSNH_ALL,
    "CMD_TLBI_NSNH_ALL",
    "Invalidate all Non-secure non-hypervisor TLB entries (all VMIDs)",
    "4.4.4.1",
    [OP]
);
layout!(
    ATC_INV,
    "CMD_ATC_INV",
    "Invalidate a device's ATS translation cache (ATC)",
    "4.5.1",
    [
        OP,
        flag("Global", 9, "Invalidate global entries of all SubstreamIDs too", "4.5.1"),
        SSV,
        SSID,
        SID,
        num("Size", 64, 6, "Invalidate 2^Size 4KB pages around Address (52 or more: all)", "4.5.1"),
        VA,
    ]
);
layout!(
    PRI_RESP,
    "CMD_PRI_RESP",
    "Respond to a PRI Page Request Group",
    "4.6.1",
    [
        OP,
        SSV,
        SSID,
        SID,
        num("PRGIndex", 64, 9, "Page Request Group index being answered", "4.6.1"),
        en(
            "Resp",
            76,
            2,
            &[
                e(0, "Deny", "Invalid Request: the page will not be made available"),
                e(1, "Fail", "Response Failure: catastrophic error, PRI disabled for the function"),
                e(2, "Success", "the pages are now available; retry the ATS request"),
            ],
            "Response code sent to the device",
            "4.6.1"
        ),
    ]
);
layout!(
    RESUME,
    "CMD_RESUME",
    "Resume or terminate a stalled transaction",
    "4.7.1",
    [
        OP,
        SSEC,
        en(
            "Ac",
            12,
            1,
            &[e(0, "Terminate", "terminate the stalled transaction"), e(1, "Retry", "retry the stalled transaction")],
            "Action",
            "4.7.1"
        ),
        en(
            "Ab",
            13,
            1,
            &[
                e(0, "RAZ/WI", "a terminated transaction completes RAZ/WI"),
                e(1, "Abort", "a terminated transaction aborts")
            ],
            "Abort behaviour when Ac == 0",
            "4.7.1"
        ),
        SID,
        hex("STAG", 64, 16, "Stall tag from the stall event record", "4.7.1"),
    ]
);
layout!(STALL_TERM, "CMD_STALL_TERM", "Terminate all stalled transactions of a StreamID", "4.7.2", [OP, SSEC, SID]);
layout!(
    SYNC,
    "CMD_SYNC",
    "Complete all earlier commands, then signal",
    "4.7.3",
    [
        OP,
        en(
            "CS",
            12,
            2,
            &[
                e(0, "SIG_NONE", "no completion signal; poll CONS"),
                e(1, "SIG_IRQ", "signal completion with an MSI write of MSIData to MSIAddr"),
                e(2, "SIG_SEV", "signal completion with a WFE wake-up event"),
            ],
            "Completion signal",
            "4.7.3"
        ),
        en(
            "MSH",
            22,
            2,
            &[e(0, "NSH", "Non-shareable"), e(2, "OSH", "Outer Shareable"), e(3, "ISH", "Inner Shareable")],
            "Shareability of the MSI write",
            "4.7.3"
        ),
        hex("MSIAttr", 24, 4, "Memory type of the MSI write", "4.7.3"),
        hex("MSIData", 32, 32, "Data written by the completion MSI", "4.7.3"),
        at("MSIAddr", 66, 54, 2, "Address of the completion MSI, bits [55:2]", "4.7.3"),
    ]
);
layout!(
    TLBI_S_EL2_ALL,
    "CMD_TLBI_S_EL2_ALL",
    "Invalidate all Secure EL2 TLB entries (Secure Command queue only)",
    "4.4.2.11",
    [OP]
);
layout!(
    TLBI_S_EL2_ASID,
    "CMD_TLBI_S_EL2_ASID",
    "Invalidate Secure EL2 TLB entries of an ASID (Secure Command queue only)",
    "4.4.2.14",
    [OP, ASID]
);
layout!(
    TLBI_S_EL2_VA,
    "CMD_TLBI_S_EL2_VA",
    "Invalidate Secure EL2 TLB entries of a VA for an ASID (Secure Command queue only)",
    "4.4.2.12",
    [OP, NUM, SCALE, ASID, LEAF, TTL128, TTL, TG, VA]
);
layout!(
    TLBI_S_EL2_VAA,
    "CMD_TLBI_S_EL2_VAA",
    "Invalidate Secure EL2 TLB entries of a VA for all ASIDs (Secure Command queue only)",
    "4.4.2.13",
    [OP, NUM, SCALE, LEAF, TTL128, TTL, TG, VA]
);
layout!(
    TLBI_S_S12_VMALL,
    "CMD_TLBI_S_S12_VMALL",
    "Invalidate Secure stage 1 and 2 TLB entries of a VMID (Secure Command queue only)",
    "4.4.3.4",
    [OP, VMID]
);
layout!(
    TLBI_S_S2_IPA,
    "CMD_TLBI_S_S2_IPA",
    "Invalidate Secure stage 2 TLB entries of an IPA (Secure Command queue only)",
    "4.4.3.3",
    [OP, NUM, SCALE, VMID, LEAF, TTL128, TTL, TG, IPA]
);
layout!(
    TLBI_SNH_ALL,
    "CMD_TLBI_SNH_ALL",
    "Invalidate all Secure non-hypervisor TLB entries (Secure Command queue only)",
    "4.4.4.2",
    [OP]
);
layout!(DPTI_ALL, "CMD_DPTI_ALL", "Invalidate all cached Device Permission Table entries", "4.1.1", [OP]);
layout!(DPTI_PA, "CMD_DPTI_PA", "Invalidate cached Device Permission Table entries for a PA", "4.1.1", [OP]);

/// What a command needs from the SMMU to be legal on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    None,
    /// Only the Secure Command queue accepts it.
    SecureQueue,
    /// `register.field` must be non-zero.
    Feature(&'static str, &'static str),
}

/// One command opcode of the architecture.
#[derive(Debug, Clone, Copy)]
pub struct CommandDef {
    pub opcode: u8,
    pub layout: &'static Layout,
    pub needs: Needs,
}

impl CommandDef {
    pub fn name(&self) -> &'static str {
        self.layout.name
    }
}

/// Every command opcode (IHI 0070 4.1.1).
pub static COMMANDS: &[CommandDef] = &[
    CommandDef { opcode: 0x01, layout: &PREFETCH_CONFIG, needs: Needs::None },
    CommandDef { opcode: 0x02, layout: &PREFETCH_ADDR, needs: Needs::None },
    CommandDef { opcode: 0x03, layout: &CFGI_STE, needs: Needs::None },
    CommandDef { opcode: 0x04, layout: &CFGI_STE_RANGE, needs: Needs::None },
    CommandDef { opcode: 0x05, layout: &CFGI_CD, needs: Needs::Feature("IDR0", "S1P") },
    CommandDef { opcode: 0x06, layout: &CFGI_CD_ALL, needs: Needs::Feature("IDR0", "S1P") },
    CommandDef { opcode: 0x07, layout: &CFGI_VMS_PIDM, needs: Needs::Feature("IDR3", "MPAM") },
    CommandDef { opcode: 0x10, layout: &TLBI_NH_ALL, needs: Needs::Feature("IDR0", "S1P") },
    CommandDef { opcode: 0x11, layout: &TLBI_NH_ASID, needs: Needs::Feature("IDR0", "S1P") },
    CommandDef { opcode: 0x12, layout: &TLBI_NH_VA, needs: Needs::Feature("IDR0", "S1P") },
    CommandDef { opcode: 0x13, layout: &TLBI_NH_VAA, needs: Needs::Feature("IDR0", "S1P") },
    CommandDef { opcode: 0x18, layout: &TLBI_EL3_ALL, needs: Needs::SecureQueue },
    CommandDef { opcode: 0x1A, layout: &TLBI_EL3_VA, needs: Needs::SecureQueue },
    CommandDef { opcode: 0x20, layout: &TLBI_EL2_ALL, needs: Needs::Feature("IDR0", "Hyp") },
    CommandDef { opcode: 0x21, layout: &TLBI_EL2_ASID, needs: Needs::Feature("IDR0", "Hyp") },
    CommandDef { opcode: 0x22, layout: &TLBI_EL2_VA, needs: Needs::Feature("IDR0", "Hyp") },
    CommandDef { opcode: 0x23, layout: &TLBI_EL2_VAA, needs: Needs::Feature("IDR0", "Hyp") },
    CommandDef { opcode: 0x28, layout: &TLBI_S12_VMALL, needs: Needs::Feature("IDR0", "S2P") },
    CommandDef { opcode: 0x2A, layout: &TLBI_S2_IPA, needs: Needs::Feature("IDR0", "S2P") },
    CommandDef { opcode: 0x30, layout: &TLBI_NSNH_ALL, needs: Needs::None },
    CommandDef { opcode: 0x40, layout: &ATC_INV, needs: Needs::Feature("IDR0", "ATS") },
    CommandDef { opcode: 0x41, layout: &PRI_RESP, needs: Needs::Feature("IDR0", "PRI") },
    CommandDef { opcode: 0x44, layout: &RESUME, needs: Needs::None },
    CommandDef { opcode: 0x45, layout: &STALL_TERM, needs: Needs::None },
    CommandDef { opcode: 0x46, layout: &SYNC, needs: Needs::None },
    CommandDef { opcode: 0x50, layout: &TLBI_S_EL2_ALL, needs: Needs::SecureQueue },
    CommandDef { opcode: 0x51, layout: &TLBI_S_EL2_ASID, needs: Needs::SecureQueue },
    CommandDef { opcode: 0x52, layout: &TLBI_S_EL2_VA, needs: Needs::SecureQueue },
    CommandDef { opcode: 0x53, layout: &TLBI_S_EL2_VAA, needs: Needs::SecureQueue },
    CommandDef { opcode: 0x58, layout: &TLBI_S_S12_VMALL, needs: Needs::SecureQueue },
    CommandDef { opcode: 0x5A, layout: &TLBI_S_S2_IPA, needs: Needs::SecureQueue },
    CommandDef { opcode: 0x60, layout: &TLBI_SNH_ALL, needs: Needs::SecureQueue },
    CommandDef { opcode: 0x70, layout: &DPTI_ALL, needs: Needs::Feature("IDR3", "DPT") },
    CommandDef { opcode: 0x73, layout: &DPTI_PA, needs: Needs::Feature("IDR3", "DPT") },
];

/// Header-only layout for Reserved and IMPLEMENTATION DEFINED opcodes.
pub static UNKNOWN: Layout =
    Layout { name: "RESERVED", bits: 128, desc: "Reserved command opcode", section: "4.1.1", fields: &[OP] };

pub fn by_opcode(op: u8) -> Option<&'static CommandDef> {
    COMMANDS.iter().find(|c| c.opcode == op)
}

/// By spec name (`CMD_CFGI_STE`; the `CMD_` prefix is optional). `CMD_CFGI_ALL` is
/// CMD_CFGI_STE_RANGE.
pub fn by_name(name: &str) -> Option<&'static CommandDef> {
    let n = name.trim();
    let n = match n.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("CMD_") && n.len() > 4 => n.get(4..).unwrap_or(n),
        _ => n,
    };
    if n.eq_ignore_ascii_case("CFGI_ALL") {
        return by_opcode(0x04);
    }
    COMMANDS.iter().find(|c| c.name()[4..].eq_ignore_ascii_case(n))
}

/// Which Command queue the command was issued on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum QueueKind {
    #[default]
    NonSecure,
    Secure,
    Realm,
}

/// What is known about the SMMU and the queue when checking a command.
#[derive(Debug, Clone, Default)]
pub struct CheckContext<'a> {
    pub queue: QueueKind,
    /// ID registers, when known. Feature checks are skipped when absent.
    pub regs: Option<&'a RegisterSet>,
}

/// A reason a command would, or could, raise CERROR_ILL.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Problem {
    /// `CERROR_ILL` (always illegal) or `CERROR_ILL_OPTIONAL` (implementations may check,
    /// 4.1.5), or `NOTE`.
    pub kind: &'static str,
    pub message: String,
    pub section: &'static str,
}

fn ill(message: String, section: &'static str) -> Problem {
    Problem { kind: "CERROR_ILL", message, section }
}

/// iommufd's verdict on a command a guest passes through IOMMU_VIOMMU_INVALIDATE
/// (Linux arm_vsmmu_cache_invalidate / arm_vsmmu_convert_user_cmd).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct GuestVerdict {
    pub accepted: bool,
    /// What Linux does to the command before issuing it on the host queue (see
    /// [`guest_rewrite`] for the rewritten words).
    pub rewrite: String,
    /// Why.
    pub explanation: String,
}

/// A decoded command: the JSON shape of `smmu cmd --json`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CommandInfo {
    pub name: &'static str,
    /// Opcode as `0x03`.
    pub opcode: String,
    pub description: &'static str,
    pub section: &'static str,
    pub summary: String,
    pub fields: Vec<FieldInfo>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
    pub iommufd: GuestVerdict,
}

/// Decodes a command, checking it as issued on the Non-secure queue with unknown IDRs.
pub fn decode(words: &[u64; 2]) -> CommandInfo {
    decode_with(words, &CheckContext::default())
}

pub fn decode_with(words: &[u64; 2], ctx: &CheckContext) -> CommandInfo {
    let op = (words[0] & 0xff) as u8;
    let def = by_opcode(op);
    let layout = def.map(|d| d.layout).unwrap_or(&UNKNOWN);
    let d = layout.decode(words);
    let name = match def {
        Some(d) if d.opcode == 0x04 && d.layout.field("Range").map(|f| f.get(words)) == Some(31) => "CMD_CFGI_ALL",
        Some(d) => d.name(),
        None if (0x80..=0x8F).contains(&op) => "IMPLEMENTATION_DEFINED",
        None => "RESERVED",
    };
    let problems = check(words, ctx);
    let summary = summarize(name, layout, words);
    CommandInfo {
        name,
        opcode: format!("{op:#04x}"),
        description: layout.desc,
        section: layout.section,
        summary,
        fields: d.fields,
        problems,
        iommufd: guest_verdict(words),
    }
}

fn summarize(name: &str, layout: &Layout, words: &[u64]) -> String {
    let parts: Vec<String> = layout
        .fields
        .iter()
        .filter(|f| f.name != "Opcode")
        .filter_map(|f| {
            let v = f.get(words);
            match f.fmt {
                Fmt::Addr(s) => Some(format!("{}={:#x}", f.name, v.checked_shl(s as u32).unwrap_or(0))),
                Fmt::Flag if v == 0 => None,
                Fmt::Flag => Some(f.name.to_string()),
                Fmt::Enum => Some(format!("{}={}", f.name, f.encoding(v).map(|e| e.name).unwrap_or("reserved"))),
                _ => Some(format!("{}={v:#x}", f.name)),
            }
        })
        .collect();
    if parts.is_empty() {
        name.to_string()
    } else {
        format!("{name} {}", parts.join(" "))
    }
}

/// Every reason the command would raise CERROR_ILL (4.1.3, 4.1.5 and each command's rules).
pub fn check(words: &[u64; 2], ctx: &CheckContext) -> Vec<Problem> {
    let op = (words[0] & 0xff) as u8;
    let mut out = Vec::new();
    let Some(def) = by_opcode(op) else {
        if (0x80..=0x8F).contains(&op) {
            out.push(Problem {
                kind: "CERROR_ILL_OPTIONAL",
                message: format!("opcode {op:#04x} is IMPLEMENTATION DEFINED: illegal unless this SMMU defines it"),
                section: "4.1.1",
            });
        } else {
            out.push(ill(format!("opcode {op:#04x} is Reserved"), "4.1.3"));
        }
        return out;
    };
    let l = def.layout;
    let get = |n: &str| l.field(n).map(|f| f.get(words));
    let d = l.decode(words);
    for r in &d.res0 {
        out.push(Problem {
            kind: "CERROR_ILL_OPTIONAL",
            message: format!(
                "Reserved (RES0) bits set in word {}: {:#x}; an SMMU may treat the command as malformed",
                r.word, r.bits
            ),
            section: "4.1.5",
        });
    }
    for f in &d.fields {
        for fl in &f.flags {
            out.push(ill(format!("{}: {fl}", f.name), l.section));
        }
    }
    if get("SSec") == Some(1) && ctx.queue != QueueKind::Secure {
        out.push(ill("SSec == 1 on a Non-secure (or Realm) Command queue".into(), "4.1.6"));
    }
    match def.needs {
        Needs::SecureQueue if ctx.queue != QueueKind::Secure => {
            out.push(ill(format!("{} is only valid on the Secure Command queue", def.name()), l.section))
        }
        Needs::Feature(reg, field) => {
            if let Some(v) = ctx.regs.and_then(|r| r.field(reg, field)) {
                if v == 0 {
                    out.push(ill(
                        format!("{} needs SMMU_{reg}.{field} == 1, which this SMMU does not report", def.name()),
                        l.section,
                    ));
                }
            }
        }
        _ => {}
    }
    // Range invalidation fields (4.4.1): NUM/SCALE only mean something with TG != 0 and
    // SMMU_IDR3.RIL == 1.
    if let (Some(tg), Some(num), Some(scale)) = (get("TG"), get("NUM"), get("SCALE")) {
        if tg == 0 && (num != 0 || scale != 0 || get("TTL").unwrap_or(0) != 0) {
            out.push(Problem {
                kind: "CERROR_ILL_OPTIONAL",
                message: "NUM/SCALE/TTL non-zero with TG == 0: these fields are RES0 without a granule".into(),
                section: "4.4.1.1",
            });
        }
        if tg != 0 {
            if let Some(0) = ctx.regs.and_then(|r| r.field("IDR3", "RIL")) {
                out.push(Problem {
                    kind: "CERROR_ILL_OPTIONAL",
                    message: "TG != 0 (range invalidation) but SMMU_IDR3.RIL == 0: TG, NUM, SCALE, TTL are RES0".into(),
                    section: "4.4.1.1",
                });
            }
        }
    }
    if let (Some(tg), Some(ttl), Some(num), Some(scale)) = (get("TG"), get("TTL"), get("NUM"), get("SCALE")) {
        if tg != 0 && ttl == 0 && num == 0 && scale == 0 {
            out.push(ill("TG != 0 with NUM == 0, SCALE == 0 and TTL == 0 is a Reserved combination".into(), "4.4.1.1"));
        }
        let ds = ctx.regs.and_then(|r| r.field("IDR5", "DS"));
        if tg == 2 && ttl == 1 && ds != Some(1) {
            out.push(ill("TTL == 0b01 with TG == 16KB is Reserved unless SMMU_IDR5.DS == 1 (no level 1 leaves with a 16KB granule)".into(), "4.4.1.1"));
        }
        if scale >> 5 != 0 && ds != Some(1) {
            out.push(Problem {
                kind: "CERROR_ILL_OPTIONAL",
                message: "SCALE bit 25 is RES0 unless SMMU_IDR5.DS == 1".into(),
                section: "4.4.1.1",
            });
        }
    }
    if get("TTL128") == Some(1) && (get("TG") == Some(0) || get("TTL") == Some(0)) {
        out.push(Problem {
            kind: "CERROR_ILL_OPTIONAL",
            message: "TTL128 is RES0 when TG == 0b00 or TTL == 0b00".into(),
            section: "4.4.1.1",
        });
    }
    if op == 0x46 && get("CS") == Some(2) {
        if let Some(0) = ctx.regs.and_then(|r| r.field("IDR0", "SEV")) {
            out.push(ill("CMD_SYNC CS == SIG_SEV but SMMU_IDR0.SEV == 0".into(), "4.7.3"));
        }
    }
    if op == 0x46 && get("CS") == Some(1) {
        if let Some(0) = ctx.regs.and_then(|r| r.field("IDR0", "MSI")) {
            out.push(Problem {
                kind: "NOTE",
                message: "CS == SIG_IRQ without MSI support: the MSI fields are ignored".into(),
                section: "4.7.3",
            });
        }
    }
    if op == 0x41 && get("SSV") == Some(1) {
        if let Some(0) = ctx.regs.and_then(|r| r.field("IDR1", "SSIDSIZE")) {
            out.push(ill("CMD_PRI_RESP with SSV == 1 but SMMU_IDR1.SSIDSIZE == 0".into(), "4.6.1"));
        }
    }
    out
}

/// iommufd's handling of a guest command (Linux arm-smmu-v3-iommufd.c,
/// arm_vsmmu_convert_user_cmd): only a short allow-list is accepted, and each is rewritten
/// so the guest cannot reach another VM's VMID or StreamIDs.
pub fn guest_verdict(words: &[u64; 2]) -> GuestVerdict {
    let op = (words[0] & 0xff) as u8;
    let (accepted, rewrite, explanation) = match op {
        0x30 => (
            true,
            "rewritten to CMD_TLBI_NH_ALL with VMID = the vIOMMU's VMID; word 1 cleared",
            "the guest may only flush its own VM: its 'all non-hypervisor' flush becomes a flush of its VMID",
        ),
        0x10..=0x13 => (
            true,
            "VMID field replaced by the vIOMMU's VMID",
            "stage 1 invalidations are forwarded; the guest's VMID value is ignored",
        ),
        0x05 | 0x06 | 0x40 => (
            true,
            "StreamID field (virtual SID) replaced by the physical StreamID of the vDEVICE; -EIO if no vDEVICE has that vSID",
            "CD and ATC invalidations name the device by the guest's vSID, translated through the vIOMMU's vDEVICE table",
        ),
        0x46 => (
            false,
            "rejected with -EIO",
            "CMD_SYNC is not in the allow-list: the kernel issues its own CMD_SYNC after each batch",
        ),
        _ => (
            false,
            "rejected with -EIO",
            "only CMD_TLBI_NH_ALL/_ASID/_VA/_VAA, CMD_TLBI_NSNH_ALL, CMD_ATC_INV, CMD_CFGI_CD and CMD_CFGI_CD_ALL are accepted from a guest; STE changes go through a new nested domain instead",
        ),
    };
    GuestVerdict { accepted, rewrite: rewrite.to_string(), explanation: explanation.to_string() }
}

/// Applies iommufd's rewrite with known values: `vmid` for TLBI commands, `psid` (the
/// physical StreamID of the vDEVICE) for CFGI_CD / CFGI_CD_ALL / ATC_INV. `None` when
/// the command is rejected.
pub fn guest_rewrite(words: &[u64; 2], vmid: u16, psid: u32) -> Option<[u64; 2]> {
    let op = (words[0] & 0xff) as u8;
    let mut w = *words;
    let set = |w: &mut [u64; 2], l: &Layout, f: &str, v: u64| -> Option<()> { l.field(f)?.set(w, v).ok() };
    match op {
        0x30 => {
            let mut n = [0u64; 2];
            set(&mut n, &TLBI_NH_ALL, "Opcode", 0x10)?;
            set(&mut n, &TLBI_NH_ALL, "VMID", vmid as u64)?;
            Some(n)
        }
        0x10..=0x13 => {
            set(&mut w, &TLBI_NH_ALL, "VMID", vmid as u64)?;
            Some(w)
        }
        0x05 | 0x06 | 0x40 => {
            set(&mut w, &CFGI_CD, "StreamID", psid as u64)?;
            Some(w)
        }
        _ => None,
    }
}

/// Encodes a command from its spec name and field values (the opcode is set for you).
pub fn encode(name: &str, fields: &[(&str, u64)]) -> Result<[u64; 2], EncodeError> {
    let def = by_name(name).ok_or_else(|| EncodeError::UnknownField { layout: "command", field: name.to_string() })?;
    let mut w = [0u64; 2];
    let op = def.layout.field("Opcode").ok_or(EncodeError::OutOfRange { field: "Opcode" })?;
    op.set(&mut w, def.opcode as u64)?;
    if name.trim().to_ascii_uppercase().ends_with("CFGI_ALL") {
        if let Some(r) = def.layout.field("Range") {
            r.set(&mut w, 31)?;
        }
    }
    for (n, v) in fields {
        let f = def
            .layout
            .field(n)
            .ok_or_else(|| EncodeError::UnknownField { layout: def.name(), field: n.to_string() })?;
        let v = match f.fmt {
            Fmt::Addr(s) => v.checked_shr(s as u32).unwrap_or(0),
            _ => *v,
        };
        f.set(&mut w, v)?;
    }
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn layouts_are_sane() {
        for c in COMMANDS {
            assert_eq!(c.layout.field("Opcode").map(|f| f.lsb), Some(0), "{}", c.name());
            for (i, a) in c.layout.fields.iter().enumerate() {
                assert!(a.msb() < 128, "{}.{}", c.name(), a.name);
                for b in &c.layout.fields[i + 1..] {
                    assert!(!(a.lsb <= b.msb() && b.lsb <= a.msb()), "{}: {} overlaps {}", c.name(), a.name, b.name);
                }
            }
        }
    }
}
