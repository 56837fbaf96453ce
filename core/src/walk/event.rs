//! The event record a failed translation makes the SMMU write (IHI 0070 7.3), decoded and as
//! four raw dwords.
//!
//! The record layouts are the events module's (core/src/queues/event.rs): this file only
//! says which fields a walk fault sets, encodes through [`queues::event::EventRecord`], and
//! decodes the words back with [`queues::event::decode`] so the walk's event has exactly the
//! shape `smmu event --json` prints.

use crate::queues::event as qe;
use serde::Serialize;

#[allow(non_camel_case_types)]
/// Event types the walker can produce (IHI 0070 7.3), with their architected codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// The four Translation-related faults the A, R and S bits apply to (IHI 0070 5.5): a
    /// stream with CD.S / STE.S2S = 1 stalls on them.
    pub fn can_stall(self) -> bool {
        use EventType::*;
        matches!(self, F_TRANSLATION | F_ADDR_SIZE | F_ACCESS | F_PERMISSION)
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Class {
    /// A CD or L1CD fetch.
    CD,
    /// A stage 1 translation table fetch.
    TT,
    /// The input address of the transaction.
    IN,
}

/// The event a walk fault produces: the decoded record (the keys of `smmu event --json`:
/// `type`, `code`, `sid`, `ssid`, `input_addr`, `ipa`, `rnw`, `s2`, `class`, ...), why the
/// SMMU raised it, and the four raw dwords.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Event {
    #[serde(flatten)]
    pub decoded: qe::EventInfo,
    /// Why the SMMU raised it, in one line.
    pub reason: String,
    /// The record as the SMMU writes it to the event queue: four 64-bit words.
    pub raw: [String; 4],
    #[serde(skip)]
    pub kind: EventType,
    #[serde(skip)]
    pub sid: u32,
    #[serde(skip)]
    pub ssid: Option<u32>,
    #[serde(skip)]
    pub input_addr: Option<u64>,
    #[serde(skip)]
    pub ipa: Option<u64>,
    #[serde(skip)]
    pub fetch_addr: Option<u64>,
    #[serde(skip)]
    pub rnw: bool,
    #[serde(skip)]
    pub ind: bool,
    #[serde(skip)]
    pub pnu: bool,
    #[serde(skip)]
    pub s2: bool,
    #[serde(skip)]
    pub class: Option<Class>,
    #[serde(skip)]
    pub code: u8,
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
    /// F_PERMISSION with CLASS == TT: the stage 1 descriptor access was a read (IHI 0070
    /// 7.3.16; UNKNOWN, and encoded 0, otherwise).
    pub ttrnw: bool,
    /// The transaction is stalled (CD.S / STE.S2S = 1, IHI 0070 5.5): Stall = 1.
    pub stall: bool,
    pub reason: String,
}

impl EventFields {
    /// Encodes the four dwords with the events module's layout for this type. Only fields
    /// the record type has are set; addresses keep the bits their fields hold (the record
    /// does not hold IPA[11:0] or FetchAddr[2:0]). Errors when a value does not fit its field
    /// (a SubstreamID wider than the record's field).
    pub fn encode(&self) -> Result<[u64; 4], String> {
        let code = self.kind.code();
        let layout = qe::layout_for(code);
        // Whether this record type has the field (same name and bits as the handle).
        let has = |f: &crate::model::FieldDef| layout.fields.iter().any(|x| x.name == f.name && x.lsb == f.lsb);
        use qe::{f_permission as fp, f_walk_eabt as fw};
        let mut r = qe::EventRecord { code, sid: self.sid, ..Default::default() };
        if has(&fp::SubstreamID) {
            r.ssid = self.ssid;
        }
        if has(&fp::PnU) {
            r.pnu = self.pnu;
        }
        if has(&fp::InD) {
            r.ind = self.ind;
        }
        if has(&fp::RnW) {
            r.rnw = self.rnw;
        }
        if has(&fp::S2) {
            r.s2 = self.s2;
        }
        if has(&fp::TTRnW) {
            r.ttrnw = self.ttrnw && self.class == Some(Class::TT);
        }
        if has(&fp::Stall) {
            r.stall = self.stall;
        }
        if has(&fp::CLASS) {
            r.class = self.class.map(|c| match c {
                Class::CD => qe::Class::Cd,
                Class::TT => qe::Class::Tt,
                Class::IN => qe::Class::In,
            });
        }
        if has(&fp::InputAddr) {
            r.input_addr = self.input_addr.unwrap_or(0);
        }
        if has(&fp::IPA) {
            r.ipa = self.ipa.unwrap_or(0);
        }
        if has(&fw::FetchAddr) {
            r.fetch_addr = self.fetch_addr.unwrap_or(0);
        }
        r.encode().map_err(|e| format!("{} record: {e}", self.kind.name()))
    }
    /// The event with its raw record. A SubstreamID the record cannot hold is left out of
    /// the record (SSV = 0) and the reason says so.
    pub fn finish(self) -> Event {
        let (raw, reason) = match self.encode() {
            Ok(raw) => (raw, self.reason.clone()),
            Err(e) => {
                let without = EventFields { ssid: None, ..self.clone() };
                match without.encode() {
                    Ok(raw) => (raw, format!("{}; {e}: the record is shown without the SubstreamID", self.reason)),
                    Err(e2) => ([0; 4], format!("{}; the record cannot be encoded: {e2}", self.reason)),
                }
            }
        };
        Event {
            decoded: qe::decode(&raw),
            reason,
            raw: raw.map(|x| format!("{x:#018x}")),
            kind: self.kind,
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
            code: self.kind.code(),
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
            ttrnw: false,
            stall: false,
            reason: String::new(),
        };
        assert_eq!(e.encode(), Ok([0x0000001800000010, 0x0000028800000000, 0x12345000, 0x12345000]));
        let ev = e.finish();
        assert_eq!(ev.decoded.type_name, "F_TRANSLATION");
        assert_eq!(ev.decoded.class.as_deref(), Some("IN"));
    }
}
