//! The input, recognised and parsed once: what kind it is, the registers, the snapshot (for a
//! snapshot or a built scenario), the kernel log, and the streams a walk can use. The forward
//! report depends on the options too and is recomputed on its own, from the parsed registers.

use crate::state::{SharedState, VmmProfile, FWD_OPTIONS};
use smmu_core::forward::{self, ForwardOptions, ForwardReport};
use smmu_core::linux::output::LogAnalysis;
use smmu_core::mem::PhysMem as _;
use smmu_core::regset::{RegisterInfo, RegisterSet};
use smmu_core::scenario::WalkSpec;
use smmu_core::snapshot::Snapshot;
use smmu_core::structs::{self, geometry};
use smmu_core::walk::{Access, WalkRequest};

/// What the input is. The page opens the tab that fits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputKind {
    #[default]
    Empty,
    /// Register values in any `smmu decode` format.
    Dump,
    /// A snapshot file (registers and, usually, memory).
    Snapshot,
    /// A teaching scenario (assets/scenarios/), built into a snapshot here.
    Scenario,
    /// A kernel log with SMMU lines and no register values.
    KernelLog,
    /// Nothing recognisable.
    Unknown,
}

impl InputKind {
    pub fn describe(self) -> &'static str {
        match self {
            InputKind::Empty => "nothing",
            InputKind::Dump => "a register dump",
            InputKind::Snapshot => "a snapshot",
            InputKind::Scenario => "a teaching scenario",
            InputKind::KernelLog => "a kernel log",
            InputKind::Unknown => "unrecognised input",
        }
    }
    /// The tab a paste of this kind opens.
    pub fn home(self, has_memory: bool) -> Option<crate::state::View> {
        use crate::state::View;
        match self {
            InputKind::Dump => Some(View::Decode),
            InputKind::Snapshot if has_memory => Some(View::Walk),
            InputKind::Snapshot => Some(View::Decode),
            InputKind::Scenario => Some(View::Walk),
            InputKind::KernelLog => Some(View::Log),
            InputKind::Empty | InputKind::Unknown => None,
        }
    }
}

/// One stream with a valid STE (V = 1), found through the stream table geometry.
#[derive(Debug, Clone)]
pub struct StreamRow {
    pub sid: u32,
    pub ste_addr: u64,
    /// The STE's Config, by its name in the STE layout.
    pub config: String,
    /// The SMMU accepts the STE (no C_BAD_STE).
    pub valid: bool,
}

/// Everything computed from the input alone.
#[derive(Default)]
pub struct Analysis {
    pub kind: InputKind,
    /// Why the input gave no registers (shown on the Decode tab).
    pub error: Option<String>,
    /// The input's registers (from the dump, the snapshot or the built scenario).
    pub regset: Option<RegisterSet>,
    /// The parser's notes (base inferred, lines skipped...).
    pub notes: Vec<String>,
    pub registers: Vec<RegisterInfo>,
    /// Derived facts (architecture, OAS, granules, queue sizes...), from core.
    pub summary: Vec<(&'static str, String)>,
    pub snapshot: Option<Snapshot>,
    /// A scenario's name and description.
    pub scenario: Option<(String, String)>,
    /// Walks a scenario suggests, with what the spec says should happen.
    pub walks: Vec<WalkSpec>,
    pub log: Option<LogAnalysis>,
    /// Streams of the snapshot's stream table, and notes on the listing.
    pub streams: Vec<StreamRow>,
    pub stream_notes: Vec<String>,
}

fn looks_like_scenario(t: &str) -> bool {
    t.trim_start().starts_with('{') && t.contains("\"streams\"") && !Snapshot::looks_like(t)
}

impl Analysis {
    /// Recognises and parses `text` once.
    pub fn new(text: &str) -> Analysis {
        let mut a = Analysis::default();
        if text.trim().is_empty() {
            return a;
        }
        if looks_like_scenario(text) {
            a.kind = InputKind::Scenario;
            match smmu_core::scenario::parse(text) {
                Ok(sc) => match smmu_core::scenario::build(&sc) {
                    Ok(snap) => {
                        a.scenario = Some((sc.name.clone(), sc.description.clone()));
                        a.walks = sc.walks.clone();
                        a.set_snapshot(snap);
                    }
                    Err(e) => a.error = Some(format!("scenario {}: {e}", sc.name)),
                },
                Err(e) => a.error = Some(format!("scenario: {e}")),
            }
            return a;
        }
        if Snapshot::looks_like(text) {
            a.kind = InputKind::Snapshot;
            match Snapshot::from_json(text) {
                Ok(snap) => {
                    a.log = Some(smmu_core::linux::output::analyze_log(text.as_bytes(), None).materialize());
                    a.set_snapshot(snap);
                }
                Err(e) => a.error = Some(e.to_string()),
            }
            a.clean_log();
            return a;
        }
        a.log = Some(smmu_core::linux::output::analyze_log(text.as_bytes(), None).materialize());
        a.clean_log();
        match crate::api::parse_registers(text.as_bytes(), &Default::default()) {
            Ok(p) => {
                a.kind = InputKind::Dump;
                a.notes = p.notes.clone();
                a.set_registers(p.registers);
            }
            Err(e) => {
                let log_lines = a.log.as_ref().map(|l| l.report.smmu_lines).unwrap_or(0);
                if log_lines > 0 {
                    a.kind = InputKind::KernelLog;
                    a.error = Some(format!(
                        "this is a kernel log ({log_lines} SMMU lines): see the Kernel log tab; it has no register values"
                    ));
                } else {
                    a.kind = InputKind::Unknown;
                    a.error = Some(e.to_string());
                }
            }
        }
        a
    }

    /// The bytes of a binary input (the 40-byte `struct iommu_hw_info_arm_smmuv3`) as the
    /// register text the state keeps (so it stays shareable).
    pub fn binary_as_text(bytes: &[u8]) -> Result<String, String> {
        let p = smmu_core::parse::parse_bytes(bytes, &Default::default()).map_err(|e| e.to_string())?;
        Ok(p.registers.to_hex_map().iter().map(|(k, v)| format!("{k} = {v}\n")).collect())
    }

    fn set_registers(&mut self, r: RegisterSet) {
        self.registers = r.decode();
        self.summary = smmu_core::derived::summarize(&r).lines();
        self.regset = Some(r);
    }

    fn set_snapshot(&mut self, snap: Snapshot) {
        self.set_registers(snap.registers.clone());
        let (streams, notes) = list_streams(&snap);
        self.streams = streams;
        self.stream_notes = notes;
        self.snapshot = Some(snap);
    }

    /// `#` comment lines of a pasted dump are not unrecognised log lines.
    fn clean_log(&mut self) {
        if let Some(l) = &mut self.log {
            l.report.unparsed.retain(|u| !u.text.trim_start().starts_with('#'));
        }
    }

    pub fn regs(&self) -> Option<&RegisterSet> {
        self.regset.as_ref().filter(|r| !r.is_empty())
    }

    pub fn has_memory(&self) -> bool {
        self.snapshot.as_ref().is_some_and(|s| s.memory.total_bytes() > 0)
    }

    /// The walk a fresh input starts on: the scenario's first walk, else the first valid
    /// stream at IOVA 0, else nothing.
    pub fn default_walk(&self) -> Option<(String, String, String, crate::state::AccessKind, bool)> {
        use crate::state::{AccessKind, Named};
        if let Some(w) = self.walks.first() {
            let access = w.access.as_deref().and_then(AccessKind::from_key).unwrap_or_default();
            return Some((
                format!("{:#x}", w.sid.0),
                w.ssid.map(|s| format!("{s:#x}")).unwrap_or_default(),
                format!("{:#x}", w.iova.0),
                access,
                w.unpriv,
            ));
        }
        let s = self.streams.iter().find(|s| s.valid).or(self.streams.first())?;
        Some((format!("{:#x}", s.sid), String::new(), "0x0".into(), AccessKind::Read, false))
    }
}

/// Most STEs read when listing a stream table (the rest are not listed).
const MAX_STES: u64 = 4096;

/// Every StreamID with a valid STE (V = 1), through the table geometry (linear or 2-level).
/// (To be replaced by the core inspection API over snapshots when it lands.)
pub fn list_streams(snap: &Snapshot) -> (Vec<StreamRow>, Vec<String>) {
    let mut notes = vec![];
    if snap.memory.total_bytes() == 0 {
        return (vec![], vec!["this snapshot has no memory: a walk needs the stream table and page tables".into()]);
    }
    let st = match geometry::StreamTable::from_regs(&snap.registers) {
        Ok(st) => st,
        Err(e) => return (vec![], vec![e]),
    };
    let mem = &snap.memory;
    let mut rows = Vec::new();
    let mut read = 0u64;
    let mut missing = 0u64;
    let mut take = |sid: u32, addr: u64, rows: &mut Vec<StreamRow>| {
        let mut w = [0u64; 8];
        for (i, x) in w.iter_mut().enumerate() {
            match mem.read_u64_le(addr.wrapping_add(8 * i as u64)) {
                Ok(v) => *x = v,
                Err(_) => {
                    missing += 1;
                    return;
                }
            }
        }
        if structs::ste::V.get(&w) == 1 {
            let r = structs::ste_report(&w, &snap.registers);
            let config = r.fields.iter().find(|f| f.name == "Config").map(|f| f.meaning.clone()).unwrap_or_default();
            rows.push(StreamRow { sid, ste_addr: addr, config, valid: r.legality.valid });
        }
    };
    let total: u64 = 1u64 << st.log2size.min(32);
    match st.format {
        geometry::StFormat::Linear => {
            let mut sid = 0u64;
            while sid < total && read < MAX_STES {
                if let Some(a) = st.linear_ste_addr(sid as u32) {
                    take(sid as u32, a, &mut rows);
                }
                read += 1;
                sid += 1;
            }
        }
        geometry::StFormat::TwoLevel => {
            let per_l1 = 1u64 << st.split.min(32);
            let mut sid = 0u64;
            while sid < total && read < MAX_STES {
                let Some(l1a) = st.l1std_addr(sid as u32) else { break };
                read += 1;
                if let Ok(d) = mem.read_u64_le(l1a) {
                    let span = structs::l1std::Span.get(&[d]);
                    let l2ptr = structs::l1std::L2Ptr.address(&[d]);
                    if span != 0 {
                        for i in 0..per_l1 {
                            match geometry::l2_ste_addr(l2ptr, span, i, st.split) {
                                Ok(a) => {
                                    take((sid + i) as u32, a, &mut rows);
                                    read += 1;
                                }
                                Err(_) => break,
                            }
                        }
                    }
                }
                sid = sid.saturating_add(per_l1);
            }
        }
    }
    if read >= MAX_STES {
        notes.push(format!("listing stopped after {MAX_STES} descriptor reads"));
    }
    if missing > 0 {
        notes.push(format!("{missing} stream table entries are not in the memory image"));
    }
    (rows, notes)
}

/// The forward options from the page's option boxes, through the same parser the JS API uses.
pub fn forward_options(state: &SharedState) -> Result<ForwardOptions, String> {
    let get = |k: &str| -> Option<String> {
        FWD_OPTIONS
            .iter()
            .any(|(key, _, _)| *key == k)
            .then(|| state.fwd.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty()))
            .flatten()
    };
    crate::api::forward_options_from(&get, &[]).map_err(|e| e.to_string())
}

/// The forward report for the input's registers with the claim and second host of `state`.
/// Every VMM profile is computed; the switch chooses which one is shown.
pub fn forward_report(a: &Analysis, state: &SharedState, name: &str) -> Result<ForwardReport, String> {
    let regs = a.regs().ok_or_else(|| a.error.clone().unwrap_or_else(|| "no SMMU registers found".into()))?;
    let mut fo = forward_options(state)?;
    fo.vmms = forward::Vmm::all().to_vec();
    let mut hosts = vec![(name.to_string(), regs.clone())];
    if !state.other.trim().is_empty() {
        let p = crate::api::parse_registers(state.other.as_bytes(), &Default::default())
            .map_err(|e| format!("other host: {e}"))?;
        hosts.push(("other host".to_string(), p.registers));
    }
    if !state.claim.trim().is_empty() {
        let p = crate::api::parse_registers(state.claim.as_bytes(), &Default::default())
            .map_err(|e| format!("claim: {e}"))?;
        fo.claim = Some(("claim".to_string(), p.registers));
    }
    Ok(forward::analyze(&hosts, &fo))
}

/// The VMM profile's entry in a forward report.
pub fn vmm_result(r: &ForwardReport, v: VmmProfile) -> Option<&forward::VmmResult> {
    use crate::state::Named;
    r.vmm.iter().find(|m| m.name == v.key())
}

/// A walk request from the page's boxes; errors name the box.
pub fn walk_request(state: &SharedState) -> Result<WalkRequest, String> {
    let num = |what: &str, s: &str| -> Result<u64, String> {
        let t = s.trim();
        let v = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
            Some(h) => u64::from_str_radix(&h.replace('_', ""), 16).ok(),
            None => t.parse::<u64>().ok(),
        };
        v.ok_or_else(|| format!("{what}: {t:?} is not a number (0x... or decimal)"))
    };
    let u32_of = |what: &str, s: &str| -> Result<u32, String> {
        let n = num(what, s)?;
        u32::try_from(n).map_err(|_| format!("{what}: {n:#x} does not fit in 32 bits"))
    };
    if state.sid.trim().is_empty() {
        return Err("StreamID: required".into());
    }
    let sid = u32_of("StreamID", &state.sid)?;
    let ssid = if state.ssid.trim().is_empty() { None } else { Some(u32_of("SubstreamID", &state.ssid)?) };
    let iova = if state.iova.trim().is_empty() { 0 } else { num("IOVA", &state.iova)? };
    let access: Access = state.access.access();
    Ok(WalkRequest { sid, ssid, iova, access, unpriv: state.unpriv })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_recognised() {
        assert_eq!(Analysis::new("").kind, InputKind::Empty);
        assert_eq!(Analysis::new("IDR0 = 0x0d44101a\n").kind, InputKind::Dump);
        let sc = include_str!("../../assets/scenarios/01-s1-4k-48bit-2m-block.json");
        let a = Analysis::new(sc);
        assert_eq!(a.kind, InputKind::Scenario, "{:?}", a.error);
        // The scenario's one stream is SID 0x8 (assets/scenarios/01-...json).
        assert!(a.streams.iter().any(|s| s.sid == 0x8 && s.valid), "{:?}", a.streams);
        assert_eq!(a.default_walk().map(|w| w.0), Some("0x8".into()));
    }

    #[test]
    fn comments_are_not_unrecognised_log_lines() {
        let a = Analysis::new("# SMMUv3 registers of QEMU's smmuv3 model\nIDR0 = 0x0d44101a\n");
        assert_eq!(a.kind, InputKind::Dump);
        assert!(a.log.as_ref().is_none_or(|l| l.report.unparsed.is_empty()));
    }
}
