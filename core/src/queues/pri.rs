//! PRI queue entries (IHI 0070 chapter 8): 128-bit Page Request records, one per PCIe PRI
//! Page Request. The response is CMD_PRI_RESP (see [`super::cmd`]).
//!
//! Bit positions: IHI 0070 chapter 8 names the fields and their widths; its figure is not
//! in the text, so the positions are those of the public PRI queue definitions of Linux
//! (arm-smmu-v3.h) and QEMU.

use crate::model::*;
use crate::regs::idr::idr1;
use serde::Serialize;

const fn at(name: &'static str, lsb: u16, width: u8, shift: u8, desc: &'static str, section: &'static str) -> FieldDef {
    FieldDef::new(name, lsb, width, Fmt::Addr(shift), &[], desc, section)
}

/// The PRI queue entry.
pub mod entry {
    use super::*;
    crate::layout! {
        LAYOUT: "PRI_ENTRY", bits 128, "8", "PRI queue entry: a PCIe Page Request from a device";
        StreamID = hex("StreamID", 0, 32, "StreamID of the requesting device ([15:0] is the PCIe RequesterID)", "8");
        SubstreamID = num("SubstreamID", 32, 20, "PASID of the request (UNKNOWN when SSV == 0)", "8");
        Priv = flag("Priv", 58, "Privileged access requested (0 when SSV == 0)", "8");
        X = flag("X", 59, "Execute access requested (0 when SSV == 0)", "8");
        R = flag("R", 60, "Read access requested", "8");
        W = flag("W", 61, "Write access requested", "8");
        Last = flag("Last", 62, "Last request of the Page Request Group: software answers the group with CMD_PRI_RESP", "8");
        SSV = en("SSV", 63, 1, &[e(0, "No PASID", "the Page Request had no PASID TLP prefix"), e(1, "PASID", "the Page Request was issued with a PASID TLP prefix")], "Substream valid", "8")
            .gated(&idr1::SSIDSIZE, 1);
        PRGIndex = num("PRGIndex", 64, 9, "Page Request Group Index", "8");
        Address = at("Address", 76, 52, 12, "Page address, bits [63:12]", "8");
    }
}

/// The layout under its former name.
pub use entry::LAYOUT as PRI_ENTRY;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    decode_with(words, None)
}

/// Decodes an entry; where the SMMU's registers are known, fields it lacks say so.
pub fn decode_with(words: &[u64; 2], regs: Option<&crate::regset::RegisterSet>) -> PriInfo {
    use entry::*;
    let d = LAYOUT.decode_with(words, regs);
    let v = |f: &FieldDef| f.get(words);
    let addr = Address.address(words);
    let ssid = (v(&SSV) == 1).then(|| v(&SubstreamID) as u32);
    let mut perms = String::new();
    for (f, c) in [(&R, 'r'), (&W, 'w'), (&X, 'x')] {
        perms.push(if v(f) == 1 { c } else { '-' });
    }
    // Chapter 8: the PCIe Stop PASID marker is a request with Last/W/R == 0b100 and a PASID.
    let stop = ssid.is_some() && v(&Last) == 1 && v(&W) == 0 && v(&R) == 0;
    let summary = if stop {
        format!(
            "Stop PASID marker from StreamID {:#x} SubstreamID {:#x} PRG {}",
            v(&StreamID),
            v(&SubstreamID),
            v(&PRGIndex)
        )
    } else {
        format!(
            "Page Request from StreamID {:#x}{} for {addr:#x} ({perms}{}) PRG {}{}",
            v(&StreamID),
            ssid.map(|s| format!(" SubstreamID {s:#x}")).unwrap_or_default(),
            if v(&Priv) == 1 { ", privileged" } else { "" },
            v(&PRGIndex),
            if v(&Last) == 1 { ", last: answer with CMD_PRI_RESP" } else { "" },
        )
    };
    let mut problems = d.problems();
    if ssid.is_none() && (v(&X) == 1 || v(&Priv) == 1) {
        problems.push("X or Priv set with SSV == 0: both are 0 for a request without a PASID (8)".to_string());
    }
    PriInfo {
        sid: v(&StreamID) as u32,
        ssid,
        address: format!("{addr:#x}"),
        prg_index: v(&PRGIndex) as u32,
        last: v(&Last) == 1,
        summary,
        problems,
        fields: d.fields,
    }
}
