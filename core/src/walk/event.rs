//! The event record a failed translation makes the SMMU write (IHI 0070 7.3), decoded and as
//! four raw dwords.
//!
//! The record layout used for the raw dwords lives in [`RECORD`] here, the single place that
//! encodes it, until the events helper's full table (core/src/queues) replaces it.

use crate::model::*;
use serde::Serialize;

#[allow(non_camel_case_types)]
/// Event types the walker can produce (IHI 0070 7.3), with their architected codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EventType {
    C_BAD_STREAMID,
    F_STE_FETCH,
    C_BAD_STE,
    F_STREAM_DISABLED,
    F_TRANSL_FORBIDDEN,
    C_BAD_SUBSTREAMID,
    F_CD_FETCH,
    C_BAD_CD,
    F_WALK_EABT,
    F_TRANSLATION,
    F_ADDR_SIZE,
    F_ACCESS,
    F_PERMISSION,
}

impl EventType {
    pub fn code(self) -> u8 {
        use EventType::*;
        match self {
            C_BAD_STREAMID => 0x02,
            F_STE_FETCH => 0x03,
            C_BAD_STE => 0x04,
            F_STREAM_DISABLED => 0x06,
            F_TRANSL_FORBIDDEN => 0x07,
            C_BAD_SUBSTREAMID => 0x08,
            F_CD_FETCH => 0x09,
            C_BAD_CD => 0x0a,
            F_WALK_EABT => 0x0b,
            F_TRANSLATION => 0x10,
            F_ADDR_SIZE => 0x11,
            F_ACCESS => 0x12,
            F_PERMISSION => 0x13,
        }
    }
    pub fn name(self) -> &'static str {
        use EventType::*;
        match self {
            C_BAD_STREAMID => "C_BAD_STREAMID",
            F_STE_FETCH => "F_STE_FETCH",
            C_BAD_STE => "C_BAD_STE",
            F_STREAM_DISABLED => "F_STREAM_DISABLED",
            F_TRANSL_FORBIDDEN => "F_TRANSL_FORBIDDEN",
            C_BAD_SUBSTREAMID => "C_BAD_SUBSTREAMID",
            F_CD_FETCH => "F_CD_FETCH",
            C_BAD_CD => "C_BAD_CD",
            F_WALK_EABT => "F_WALK_EABT",
            F_TRANSLATION => "F_TRANSLATION",
            F_ADDR_SIZE => "F_ADDR_SIZE",
            F_ACCESS => "F_ACCESS",
            F_PERMISSION => "F_PERMISSION",
        }
    }
    /// Faults of the translation itself carry STAG/Stall/PnU/InD/RnW/S2/CLASS/InputAddr/IPA.
    pub fn is_translation_fault(self) -> bool {
        use EventType::*;
        matches!(self, F_TRANSLATION | F_ADDR_SIZE | F_ACCESS | F_PERMISSION | F_WALK_EABT)
    }
    pub fn has_fetch_addr(self) -> bool {
        use EventType::*;
        matches!(self, F_STE_FETCH | F_CD_FETCH | F_WALK_EABT)
    }
}

/// CLASS: what the faulting stage 2 access was for (IHI 0070 7.3.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Class {
    /// A CD or L1CD fetch.
    CD,
    /// A stage 1 translation table fetch.
    TT,
    /// The input address of the transaction.
    IN,
}

impl Class {
    fn enc(self) -> u64 {
        match self {
            Class::CD => 0,
            Class::TT => 1,
            Class::IN => 2,
        }
    }
}

/// Record layout (IHI 0070 7.3): the fields shared by the event types the walker writes.
/// IPA and FetchAddr share DW3 (translation faults carry IPA, fetch faults FetchAddr).
pub static RECORD: Layout = Layout {
    name: "EVENT",
    bits: 256,
    desc: "Event record (the fields of translation, configuration and fetch faults)",
    section: "7.3",
    fields: &[
        hex("Type", 0, 8, "Event type", "7.3"),
        flag("SSV", 11, "SubstreamID valid", "7.3"),
        num("SubstreamID", 12, 20, "SubstreamID of the transaction", "7.3"),
        num("StreamID", 32, 32, "StreamID of the transaction", "7.3"),
        num("STAG", 64, 16, "Stall tag", "7.3"),
        flag("Stall", 95, "The transaction is stalled", "7.3"),
        flag("PnU", 97, "Privileged (1) or unprivileged (0)", "7.3"),
        flag("InD", 98, "Instruction (1) or data (0)", "7.3"),
        flag("RnW", 99, "Read (1) or write (0)", "7.3"),
        flag("S2", 103, "The fault arose at stage 2", "7.3"),
        hex("CLASS", 104, 2, "What the faulting access was for: CD, TT or IN", "7.3"),
        hex("InputAddr", 128, 64, "Input address of the transaction", "7.3"),
        FieldDef { name: "IPA", lsb: 204, width: 40, fmt: Fmt::Addr(12), values: &[], desc: "IPA bits [51:12] (stage 2 faults)", section: "7.3" },
        FieldDef { name: "FetchAddr", lsb: 195, width: 49, fmt: Fmt::Addr(3), values: &[], desc: "PA bits [51:3] of the fetch that faulted", section: "7.3" },
    ],
};

/// A decoded event record, with the JSON keys `smmu event --json` uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    #[serde(rename = "type")]
    pub kind: EventType,
    pub code: u8,
    pub sid: u32,
    /// Null when SSV = 0.
    pub ssid: Option<u32>,
    #[serde(serialize_with = "hex_opt")]
    pub input_addr: Option<u64>,
    #[serde(serialize_with = "hex_opt")]
    pub ipa: Option<u64>,
    #[serde(serialize_with = "hex_opt")]
    pub fetch_addr: Option<u64>,
    pub rnw: bool,
    pub ind: bool,
    pub pnu: bool,
    pub s2: bool,
    pub class: Option<Class>,
    pub stall: bool,
    pub stag: u16,
    /// Why the SMMU raised it, in one line.
    pub reason: String,
    /// The record as the SMMU writes it to the event queue: four 64-bit words.
    pub raw: [String; 4],
}

fn hex_opt<S: serde::Serializer>(v: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(x) => s.serialize_str(&format!("{x:#x}")),
        None => s.serialize_none(),
    }
}

/// The fields of an event before encoding.
#[derive(Debug, Clone)]
pub struct EventFields {
    pub kind: EventType,
    pub sid: u32,
    pub ssid: Option<u32>,
    pub input_addr: Option<u64>,
    pub ipa: Option<u64>,
    pub fetch_addr: Option<u64>,
    pub rnw: bool,
    pub ind: bool,
    pub pnu: bool,
    pub s2: bool,
    pub class: Option<Class>,
    pub reason: String,
}

impl EventFields {
    /// Encodes the four dwords (the one place the record is written).
    pub fn encode(&self) -> [u64; 4] {
        let mut w = [0u64; 4];
        let mut put = |name: &str, v: u64| {
            if let Some(f) = RECORD.field(name) {
                let _ = f.set(&mut w, v & f.mask());
            }
        };
        put("Type", self.kind.code() as u64);
        put("StreamID", self.sid as u64);
        if let Some(ss) = self.ssid {
            put("SSV", 1);
            put("SubstreamID", ss as u64);
        }
        if self.kind.is_translation_fault() {
            put("PnU", self.pnu as u64);
            put("InD", self.ind as u64);
            put("RnW", self.rnw as u64);
            put("S2", self.s2 as u64);
            if let Some(c) = self.class {
                put("CLASS", c.enc());
            }
            if let Some(a) = self.input_addr {
                put("InputAddr", a);
            }
            if self.kind != EventType::F_WALK_EABT {
                if let Some(ipa) = self.ipa {
                    put("IPA", ipa >> 12);
                }
            }
        }
        if self.kind.has_fetch_addr() {
            if let Some(fa) = self.fetch_addr {
                put("FetchAddr", fa >> 3);
            }
        }
        w
    }
    pub fn finish(self) -> Event {
        let raw = self.encode();
        Event {
            kind: self.kind,
            code: self.kind.code(),
            sid: self.sid,
            ssid: self.ssid,
            input_addr: self.input_addr,
            ipa: self.ipa,
            fetch_addr: self.fetch_addr,
            rnw: self.rnw,
            ind: self.ind,
            pnu: self.pnu,
            s2: self.s2,
            class: self.class,
            stall: false,
            stag: 0,
            reason: self.reason,
            raw: raw.map(|x| format!("{x:#018x}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn matches_qemu_record() {
        // QEMU 10.0 s2-4k capture, event queue entry 0 (Linux printed these four dwords):
        // 0x0000001800000010 0x0000028800000000 0x0000000012345000 0x0000000012345000
        let e = EventFields {
            kind: EventType::F_TRANSLATION,
            sid: 0x18,
            ssid: None,
            input_addr: Some(0x12345000),
            ipa: Some(0x12345000),
            fetch_addr: None,
            rnw: true,
            ind: false,
            pnu: false,
            s2: true,
            class: Some(Class::IN),
            reason: String::new(),
        };
        assert_eq!(e.encode(), [0x0000001800000010, 0x0000028800000000, 0x12345000, 0x12345000]);
    }
}
