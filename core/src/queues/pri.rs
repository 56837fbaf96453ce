//! PRI queue entries (IHI 0070 8.1): 128-bit Page Request records. The response is
//! CMD_PRI_RESP (see [`super::cmd`]).

use crate::model::*;
use serde::Serialize;

const fn at(name: &'static str, lsb: u16, width: u8, shift: u8, desc: &'static str, section: &'static str) -> FieldDef {
    FieldDef::new(name, lsb, width, Fmt::Addr(shift), &[], desc, section)
}

pub static PRI_ENTRY: Layout = Layout {
    name: "PRI_ENTRY",
    bits: 128,
    desc: "PRI queue entry: a PCIe Page Request from a device",
    section: "8.1",
    fields: &[
        hex("StreamID", 0, 32, "StreamID of the requesting device", "8.1"),
        num("SubstreamID", 32, 20, "PASID of the request (valid when SSV == 1)", "8.1"),
        flag("PRIV", 58, "Privileged access requested", "8.1"),
        flag("EXE", 59, "Execute access requested", "8.1"),
        flag("R", 60, "Read access requested", "8.1"),
        flag("W", 61, "Write access requested", "8.1"),
        flag(
            "L",
            62,
            "Last request of the Page Request Group: software must answer the group with CMD_PRI_RESP",
            "8.1",
        ),
        flag("SSV", 63, "SubstreamID valid", "8.1"),
        num("PRGIndex", 64, 9, "Page Request Group index", "8.1"),
        at("Address", 76, 52, 12, "Page address, bits [63:12]", "8.1"),
    ],
};

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PriInfo {
    pub sid: u32,
    pub ssid: Option<u32>,
    pub address: String,
    pub prg_index: u32,
    pub last: bool,
    pub summary: String,
    pub fields: Vec<FieldInfo>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

pub fn decode(words: &[u64; 2]) -> PriInfo {
    let d = PRI_ENTRY.decode(words);
    let v = |n: &str| d.value(n).unwrap_or(0);
    let addr = v("Address").checked_shl(12).unwrap_or(0);
    let ssid = (v("SSV") == 1).then(|| v("SubstreamID") as u32);
    let mut perms = String::new();
    for (f, c) in [("R", 'r'), ("W", 'w'), ("EXE", 'x')] {
        perms.push(if v(f) == 1 { c } else { '-' });
    }
    let summary = format!(
        "Page Request from StreamID {:#x}{} for {addr:#x} ({perms}{}) PRG {}{}",
        v("StreamID"),
        ssid.map(|s| format!(" SubstreamID {s:#x}")).unwrap_or_default(),
        if v("PRIV") == 1 { ", privileged" } else { "" },
        v("PRGIndex"),
        if v("L") == 1 { ", last: answer with CMD_PRI_RESP" } else { "" },
    );
    PriInfo {
        sid: v("StreamID") as u32,
        ssid,
        address: format!("{addr:#x}"),
        prg_index: v("PRGIndex") as u32,
        last: v("L") == 1,
        summary,
        problems: d.problems(),
        fields: d.fields,
    }
}
