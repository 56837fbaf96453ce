//! The SMMU's translation flow, step by step (IHI 0070 3.3 - 3.4, Arm ARM D8):
//! StreamID -> SMMU_CR0.SMMUEN / SMMU_GBPA -> stream table (linear or 2-level) -> STE legality
//! and Config -> CD table by SubstreamID (IPAs when stage 2 translates) -> stage 1 walk ->
//! stage 2 walk of the output. Every descriptor read is a [`Step`]; a fault is the event
//! record the SMMU would write; a read outside the memory image is reported as missing
//! memory, distinct from a fault.
//!

pub mod event;
pub mod ptdump;
pub mod tt;

use crate::mem::{MemError, PhysMem};
use crate::regs::control::{cr0, gbpa};
use crate::regset::RegisterSet;
use crate::structs::{cd, geometry, legality, ste, CD, STE};
use event::{Class, Event, EventFields, EventType};
use serde::{Deserialize, Serialize};
pub use tt::{Attrs, TtParams};

/// The kind of access a transaction makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Access {
    Read,
    Write,
    Exec,
}

impl Access {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "r" | "read" | "rd" => Some(Access::Read),
            "w" | "write" | "wr" => Some(Access::Write),
            "x" | "exec" | "execute" | "instr" | "fetch" => Some(Access::Exec),
            _ => None,
        }
    }
}

/// One transaction to translate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WalkRequest {
    pub sid: u32,
    pub ssid: Option<u32>,
    pub iova: u64,
    pub access: Access,
    /// Unprivileged (PnU = 0) rather than privileged.
    pub unpriv: bool,
}

impl WalkRequest {
    pub fn new(sid: u32, iova: u64, access: Access) -> Self {
        WalkRequest { sid, ssid: None, iova, access, unpriv: false }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Translated,
    Fault,
    Bypass,
    Abort,
    /// A structure or table needed for the walk is not in the memory image.
    MissingMemory,
    /// The register set lacks what the walk needs (STRTAB_BASE, ...).
    Incomplete,
}

fn hex_opt<S: serde::Serializer>(v: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(x) => s.serialize_str(&format!("{x:#x}")),
        None => s.serialize_none(),
    }
}

/// One step of the walk: a register consulted, a structure or descriptor read, a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Step {
    /// `"config"` (registers, STE, CD), `"1"` or `"2"`.
    pub stage: &'static str,
    pub level: Option<i32>,
    /// `register`, `L1STD`, `STE`, `L1CD`, `CD`, `table`, `block`, `page`, `invalid`, `decision`.
    pub kind: &'static str,
    /// The descriptor (or structure) address read at this step.
    #[serde(serialize_with = "hex_opt")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub address: Option<u64>,
    /// The raw descriptor read (first dword for STE/CD).
    #[serde(serialize_with = "hex_opt")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub value: Option<u64>,
    pub explanation: String,
    /// Base of the table the descriptor is in.
    #[serde(serialize_with = "hex_opt", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub table: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<u64>,
    /// Which input-address bits gave the index, e.g. `"IOVA[47:39]"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_bits: Option<String>,
    /// Field decode of the descriptor, `NAME=value` pairs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub decode: Vec<String>,
    /// The decision taken after this step.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub decision: String,
    /// For stage 2 walks done on behalf of something else (a stage 1 table, a CD).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// All words of a multi-word structure (STE, CD).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<String>,
}

impl Step {
    pub fn new(stage: &'static str, level: Option<i32>, kind: &'static str, explanation: String) -> Self {
        Step {
            stage,
            level,
            kind,
            address: None,
            value: None,
            explanation,
            table: None,
            index: None,
            index_bits: None,
            decode: vec![],
            decision: String::new(),
            purpose: None,
            words: vec![],
        }
    }
}

/// Memory that was needed but is not in the image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Missing {
    #[serde(serialize_with = "crate::model::ser_hex")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub address: u64,
    pub len: usize,
    /// What was being read.
    pub what: String,
}

/// Result of one translation: serializes to the `smmu walk --json` contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WalkResult {
    pub outcome: Outcome,
    #[serde(serialize_with = "hex_opt")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub pa: Option<u64>,
    /// Stage 1 output when stage 2 also translates.
    #[serde(serialize_with = "hex_opt", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub ipa: Option<u64>,
    pub event: Option<Event>,
    pub steps: Vec<Step>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Missing>,
    /// What the stream's configuration is (`"S1 trans"`, `"nested"`, ...).
    pub config: &'static str,
    /// Permissions granted by the final mapping, e.g. `"rw-"` (stage 1 and 2 combined).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Attrs>,
    /// Size of the page or block that mapped the address (smallest of the stages).
    #[serde(serialize_with = "hex_opt", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub mapping_size: Option<u64>,
    /// Number of translation table descriptors read (stage 1 + stage 2).
    pub descriptor_reads: u32,
    /// Notes on hardware updates the SMMU would make (AF, dirty state) and hints.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    pub summary: String,
}

/// Why the walk stopped early.
#[derive(Debug, Clone)]
pub(crate) enum Stop {
    Fault { kind: EventType, s2: bool, class: Option<Class>, ipa: Option<u64>, fetch: Option<u64>, reason: String },
    Missing(Missing),
    Abort(String),
    Incomplete(String),
}

impl Stop {
    pub(crate) fn fault(kind: EventType, reason: String) -> Self {
        Stop::Fault { kind, s2: false, class: None, ipa: None, fetch: None, reason }
    }
    pub(crate) fn missing(e: MemError, what: String) -> Self {
        match e {
            MemError::Missing { addr, len } => Stop::Missing(Missing { address: addr, len, what }),
        }
    }
}

/// (StreamID, SubstreamID).
type StreamKey = (u32, Option<u32>);

/// Batch mode's configuration cache: stream configurations already fetched (like the SMMU's
/// configuration cache), by (StreamID, SubstreamID), and SMMU_CR0.SMMUEN. The stream of the
/// previous walk is checked first; other streams go through a multiplicative hash.
pub(crate) struct ConfigCache {
    en: Option<u64>,
    map: std::collections::HashMap<StreamKey, usize, std::hash::BuildHasherDefault<crate::mem::FastHasher>>,
    configs: Vec<StreamConfig>,
    last: Option<(StreamKey, usize)>,
}

impl ConfigCache {
    fn new(en: Option<u64>) -> Self {
        ConfigCache { en, map: Default::default(), configs: vec![], last: None }
    }
    #[inline]
    fn find(&mut self, k: StreamKey) -> Option<usize> {
        if let Some((lk, i)) = self.last {
            if lk == k {
                return Some(i);
            }
        }
        let i = *self.map.get(&k)?;
        self.last = Some((k, i));
        Some(i)
    }
    fn add(&mut self, k: StreamKey, sc: StreamConfig) -> usize {
        self.configs.push(sc);
        let i = self.configs.len() - 1;
        self.map.insert(k, i);
        self.last = Some((k, i));
        i
    }
}

/// What the event of a fault depends on in the stream's configuration, taken from the STE
/// and CD once when they are fetched.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FaultCfg {
    pub instcfg: u64,
    pub privcfg: u64,
    /// STE.S2R, STE.S2S.
    pub s2r: bool,
    pub s2s: bool,
    /// CD.R, CD.S (false without a CD).
    pub cd_r: bool,
    pub cd_s: bool,
}

/// The walker state shared by the config fetch and both stages.
pub struct Walker<'a> {
    pub regs: &'a RegisterSet,
    pub mem: &'a dyn PhysMem,
    /// Record steps (false for fast batch use: only the outcome is computed).
    pub trace: bool,
    pub(crate) steps: Vec<Step>,
    pub(crate) reads: u32,
    pub(crate) notes: Vec<String>,
    /// Batch mode: the configuration cache (boxed: it is moved out and back on each walk).
    pub(crate) cache: Option<Box<ConfigCache>>,
    /// The stream being walked (for the event: STE overrides, CD.R/STE.S2R, stall model).
    pub(crate) cur: Option<FaultCfg>,
}

/// The stream's configuration after the STE (and CD) have been fetched.
#[derive(Debug, Clone)]
pub struct StreamConfig {
    pub ste: [u64; 8],
    pub ste_addr: u64,
    pub config: u64,
    pub s1: Option<TtParams>,
    /// CD (when stage 1 translates) and its address (a PA).
    pub cd: Option<([u64; 8], u64)>,
    pub s2: Option<TtParams>,
    /// Stage 1 bypassed by S1DSS for this transaction.
    pub s1_bypassed: bool,
    /// STE.INSTCFG and STE.PRIVCFG.
    pub instcfg: u64,
    pub privcfg: u64,
    pub(crate) fault: FaultCfg,
}

pub(crate) fn config_name(cfg: u64) -> &'static str {
    match cfg {
        0b000 => "abort",
        0b100 => "bypass",
        0b101 => "S1 translate, S2 bypass",
        0b110 => "S1 bypass, S2 translate",
        0b111 => "nested (S1 and S2 translate)",
        _ => "reserved",
    }
}

impl<'a> Walker<'a> {
    pub fn new(regs: &'a RegisterSet, mem: &'a dyn PhysMem) -> Self {
        Walker { regs, mem, trace: true, steps: vec![], reads: 0, notes: vec![], cache: None, cur: None }
    }

    #[inline]
    pub(crate) fn step(&mut self, f: impl FnOnce() -> Step) {
        if self.trace {
            self.steps.push(f());
        }
    }

    fn reg(&self, f: &crate::model::FieldDef) -> Result<u64, Stop> {
        self.regs.read(f).ok_or_else(|| {
            Stop::Incomplete(format!("SMMU_{}.{} is needed but not in the register set", f.layout, f.name))
        })
    }

    pub(crate) fn read_u64(&self, pa: u64, what: impl FnOnce() -> String) -> Result<u64, Stop> {
        self.mem.read_u64_le(pa).map_err(|e| Stop::missing(e, what()))
    }

    fn read_words(&self, pa: u64, what: &str) -> Result<[u64; 8], Stop> {
        let mut b = [0u8; 64];
        self.mem.read(pa, &mut b).map_err(|e| Stop::missing(e, what.to_string()))?;
        let mut w = [0u64; 8];
        for (i, c) in b.chunks_exact(8).enumerate() {
            let mut a = [0u8; 8];
            a.copy_from_slice(c);
            w[i] = u64::from_le_bytes(a);
        }
        Ok(w)
    }

    /// Fetches the STE for `sid`: stream table format, L1STD, STE legality.
    pub(crate) fn fetch_ste(&mut self, sid: u32) -> Result<([u64; 8], u64), Stop> {
        let st = geometry::StreamTable::from_regs(self.regs).map_err(Stop::Incomplete)?;
        let bad_sid = |reason: String| Stop::fault(EventType::C_BAD_STREAMID, reason);
        if !st.covers(sid) {
            let r = format!("StreamID {sid:#x} is beyond the stream table (2^{} StreamIDs)", st.log2size);
            self.step(|| {
                let mut s = Step::new("config", None, "decision", r.clone());
                s.decision = "C_BAD_STREAMID".into();
                s
            });
            return Err(bad_sid(r));
        }
        let align_note = st.alignment_note();
        let ste_addr = match st.format {
            geometry::StFormat::Linear => {
                let a = st.linear_ste_addr(sid).ok_or_else(|| bad_sid("STE address overflows".into()))?;
                self.step(|| {
                    let mut s = Step::new(
                        "config",
                        None,
                        "register",
                        format!(
                            "linear stream table at {:#x} with 2^{} STEs: STE {sid:#x} is at base + {sid:#x} * {} = {a:#x}",
                            st.base, st.log2size, geometry::STE_BYTES
                        ),
                    );
                    s.table = Some(st.base);
                    s.index = Some(sid as u64);
                    if let Some(n) = &align_note {
                        s.explanation = format!("{n}; {}", s.explanation);
                    }
                    s
                });
                a
            }
            geometry::StFormat::TwoLevel => {
                let l1a = st.l1std_addr(sid).ok_or_else(|| bad_sid("L1STD address overflows".into()))?;
                let idx = st.l1_index(sid);
                let d = self.read_u64(l1a, || format!("L1STD {idx} of the stream table for StreamID {sid:#x}"))?;
                let (l2ptr, span) = geometry::l1std(d);
                let l2i = st.l2_index(sid);
                let r = geometry::l2_ste_addr(l2ptr, span, l2i, st.split);
                self.step(|| {
                    let mut s = Step::new(
                        "config",
                        None,
                        "L1STD",
                        format!(
                            "2-level stream table at {:#x}, SPLIT = {}: L1STD index = StreamID[{}:{}] = {idx}; L1STD Span = {span}, L2Ptr = {l2ptr:#x}",
                            st.base,
                            st.split,
                            st.log2size.saturating_sub(1).max(st.split),
                            st.split
                        ),
                    );
                    s.address = Some(l1a);
                    s.value = Some(d);
                    s.table = Some(st.base);
                    s.index = Some(idx);
                    s.index_bits = Some(format!("StreamID[{}:{}]", st.log2size.saturating_sub(1).max(st.split), st.split));
                    s.decode = vec![format!("Span={span}"), format!("L2Ptr={l2ptr:#x}")];
                    if let Some(n) = &align_note {
                        s.explanation = format!("{n}; {}", s.explanation);
                    }
                    s.decision = match &r {
                        Ok(a) => format!("STE index StreamID[{}:0] = {l2i:#x} in the level 2 table: STE at {a:#x}", st.split.saturating_sub(1)),
                        Err(e) => format!("C_BAD_STREAMID: {e}"),
                    };
                    s
                });
                r.map_err(bad_sid)?
            }
        };
        let ste = self.read_words(ste_addr, &format!("STE for StreamID {sid:#x}"))?;
        let leg = legality::ste(&ste, self.regs);
        let cfg = ste::Config.get(&ste);
        self.step(|| {
            let d = STE.decode(&ste);
            let mut s = Step::new(
                "config",
                None,
                "STE",
                format!(
                    "STE for StreamID {sid:#x}: V = {}, Config = {cfg:#05b} ({})",
                    ste::V.get(&ste),
                    config_name(cfg)
                ),
            );
            s.address = Some(ste_addr);
            s.value = Some(ste[0]);
            s.words = ste.iter().map(|w| format!("{w:#018x}")).collect();
            s.decode = d.fields.iter().filter(|f| f.value != 0).map(|f| format!("{}={:#x}", f.name, f.value)).collect();
            s.decision = if leg.valid {
                "STE is valid and legal".into()
            } else {
                format!("C_BAD_STE: {}", leg.rules.iter().map(|r| r.rule.clone()).collect::<Vec<_>>().join("; "))
            };
            s
        });
        if !leg.valid {
            let reason = leg.rules.iter().map(|r| r.rule.clone()).collect::<Vec<_>>().join("; ");
            return Err(Stop::fault(EventType::C_BAD_STE, reason));
        }
        Ok((ste, ste_addr))
    }

    /// Fetches the CD for `ssid` (None: no SubstreamID). In nested configurations the CD
    /// table pointers are IPAs translated by `s2`.
    fn fetch_cd(
        &mut self,
        ste: &[u64; 8],
        ssid: Option<u32>,
        s2: Option<&TtParams>,
    ) -> Result<Option<([u64; 8], u64)>, Stop> {
        let table = geometry::CdTable::from_ste(ste).map_err(|e| Stop::fault(EventType::C_BAD_STE, e))?;
        let cdmax = u64::from(table.s1cdmax);
        let ptr = table.ptr;
        let dss = ste::S1DSS.get(ste);
        let bad_ss = |r: String| Stop::fault(EventType::C_BAD_SUBSTREAMID, r);
        let idx: u64 = match ssid {
            Some(ss) => {
                if cdmax == 0 {
                    return Err(bad_ss(format!("SubstreamID {ss:#x} given but STE.S1CDMax = 0 (no substreams)")));
                }
                if !table.covers(u64::from(ss)) {
                    return Err(bad_ss(format!("SubstreamID {ss:#x} is beyond 2^S1CDMax = 2^{cdmax}")));
                }
                if dss == 2 && ss == 0 {
                    return Err(bad_ss("SubstreamID 0 is invalid when STE.S1DSS = Substream0".into()));
                }
                ss as u64
            }
            None if cdmax == 0 => 0,
            None => match dss {
                0 => {
                    self.step(|| {
                        let mut s =
                            Step::new("config", None, "decision", "no SubstreamID and STE.S1DSS = Terminate".into());
                        s.decision = "F_STREAM_DISABLED".into();
                        s
                    });
                    return Err(Stop::fault(
                        EventType::F_STREAM_DISABLED,
                        "transaction without a SubstreamID and STE.S1DSS = Terminate".into(),
                    ));
                }
                1 => {
                    self.step(|| {
                        let mut s =
                            Step::new("config", None, "decision", "no SubstreamID and STE.S1DSS = Bypass".into());
                        s.decision = "stage 1 bypassed".into();
                        s
                    });
                    return Ok(None);
                }
                _ => 0,
            },
        };
        let nested = s2.is_some();
        let xlate = |w: &mut Self, ipa: u64, what: &str| -> Result<u64, Stop> {
            match s2 {
                Some(p) => w.s2_table_fetch(p, ipa, Class::CD, what),
                None => Ok(ipa),
            }
        };
        let cd_ipa = match table.format {
            geometry::CdFormat::Linear => {
                let a = table.linear_cd_addr(idx).ok_or_else(|| bad_ss("CD address overflows".into()))?;
                if cdmax != 0 {
                    self.step(|| {
                        let mut s = Step::new(
                            "config",
                            None,
                            "decision",
                            format!(
                                "linear CD table at {ptr:#x}{}: CD {idx} at {ptr:#x} + {idx} * {} = {a:#x}",
                                if nested { " (IPA)" } else { "" },
                                geometry::CD_BYTES
                            ),
                        );
                        s.index = Some(idx);
                        s.table = Some(ptr);
                        s
                    });
                }
                a
            }
            geometry::CdFormat::TwoLevel { split } => {
                let l1i = table.l1_index(idx);
                let l1_ipa = table.l1cd_addr(idx).ok_or_else(|| bad_ss("L1CD address overflows".into()))?;
                let l1_pa = xlate(self, l1_ipa, "L1CD")?;
                let d = self.read_u64(l1_pa, || format!("L1CD {l1i} for SubstreamID {idx:#x}"))?;
                let (valid, l2) = geometry::l1cd(d);
                let v = u64::from(valid);
                let l2i = table.l2_index(idx);
                let cd = geometry::l2_cd_addr(l2, l2i).ok_or_else(|| bad_ss("CD address overflows".into()))?;
                self.step(|| {
                    let mut s = Step::new(
                        "config",
                        None,
                        "L1CD",
                        format!(
                            "2-level CD table at {ptr:#x}{}: L1CD index = SubstreamID[{}:{split}] = {l1i}; V = {v}, L2Ptr = {l2:#x}",
                            if nested { " (IPA)" } else { "" },
                            cdmax.saturating_sub(1).max(split as u64)
                        ),
                    );
                    s.address = Some(l1_pa);
                    s.value = Some(d);
                    s.table = Some(ptr);
                    s.index = Some(l1i);
                    s.index_bits = Some(format!("SubstreamID[{}:{split}]", cdmax.saturating_sub(1).max(split as u64)));
                    s.decision = if v == 0 {
                        "C_BAD_SUBSTREAMID: L1CD.V = 0".into()
                    } else {
                        format!("CD index SubstreamID[{}:0] = {l2i} in the level 2 table: CD at {cd:#x}", split - 1)
                    };
                    s
                });
                if v == 0 {
                    return Err(bad_ss(format!("L1CD {l1i} for SubstreamID {idx:#x} is not valid (V = 0)")));
                }
                cd
            }
        };
        let cd_pa = xlate(self, cd_ipa, "CD")?;
        let cd = self.read_words(cd_pa, &format!("CD {idx} (SubstreamID)"))?;
        let leg = legality::cd(&cd, self.regs, ste::S1STALLD.get(ste) != 0);
        self.step(|| {
            let d = CD.decode(&cd);
            let mut s = Step::new(
                "config",
                None,
                "CD",
                format!(
                    "CD {idx}: V = {}, ASID = {:#x}, TTB0 = {:#x}, T0SZ = {}, TG0 = {}",
                    cd::V.get(&cd),
                    cd::ASID.get(&cd),
                    cd::TTB0.address(&cd),
                    cd::T0SZ.get(&cd),
                    cd::TG0.meaning(cd::TG0.get(&cd))
                ),
            );
            s.address = Some(cd_pa);
            s.value = Some(cd[0]);
            s.words = cd.iter().map(|w| format!("{w:#018x}")).collect();
            s.decode = d.fields.iter().filter(|f| f.value != 0).map(|f| format!("{}={:#x}", f.name, f.value)).collect();
            s.decision = if leg.valid {
                "CD is valid and legal".into()
            } else {
                format!("C_BAD_CD: {}", leg.rules.iter().map(|r| r.rule.clone()).collect::<Vec<_>>().join("; "))
            };
            s
        });
        if !leg.valid {
            let reason = leg.rules.iter().map(|r| r.rule.clone()).collect::<Vec<_>>().join("; ");
            return Err(Stop::fault(EventType::C_BAD_CD, reason));
        }
        Ok(Some((cd, cd_pa)))
    }

    /// Resolves the stream's configuration for a transaction: STE, CD and the walk
    /// parameters of each translating stage.
    pub(crate) fn resolve(&mut self, sid: u32, ssid: Option<u32>) -> Result<StreamConfig, Stop> {
        let (ste, ste_addr) = self.fetch_ste(sid)?;
        let cfg = ste::Config.get(&ste);
        let s2_on = cfg & 0b110 == 0b110;
        let s1_on = cfg & 0b101 == 0b101;
        let s2 = if s2_on { Some(TtParams::from_ste(&ste, self.regs).map_err(Stop::Incomplete)?) } else { None };
        if let (Some(p), true) = (&s2, self.trace) {
            let t = p.describe();
            self.step(|| Step::new("2", None, "decision", format!("stage 2 configuration from the STE: {t}")));
        }
        let mut out = StreamConfig {
            ste,
            ste_addr,
            config: cfg,
            s1: None,
            cd: None,
            s2: s2.clone(),
            s1_bypassed: false,
            instcfg: ste::INSTCFG.get(&ste),
            privcfg: ste::PRIVCFG.get(&ste),
            fault: FaultCfg {
                instcfg: ste::INSTCFG.get(&ste),
                privcfg: ste::PRIVCFG.get(&ste),
                s2r: ste::S2R.get(&ste) != 0,
                s2s: ste::S2S.get(&ste) != 0,
                cd_r: false,
                cd_s: false,
            },
        };
        if !s1_on {
            if ssid.is_some() && cfg != 0 && cfg != 0b100 {
                return Err(Stop::fault(
                    EventType::C_BAD_SUBSTREAMID,
                    "a SubstreamID was given but stage 1 does not translate for this stream".into(),
                ));
            }
            return Ok(out);
        }
        match self.fetch_cd(&ste, ssid, s2.as_ref())? {
            None => out.s1_bypassed = true,
            Some((cd, cd_pa)) => {
                out.cd = Some((cd, cd_pa));
                out.fault.cd_r = cd::R.get(&cd) != 0;
                out.fault.cd_s = cd::S.get(&cd) != 0;
                out.s1 = Some(TtParams::from_cd(&cd, self.regs).map_err(Stop::Incomplete)?);
            }
        }
        Ok(out)
    }
}

/// Translates one transaction: the whole flow from the StreamID, every step recorded.
pub fn translate(regs: &RegisterSet, mem: &dyn PhysMem, req: &WalkRequest) -> WalkResult {
    let mut w = Walker::new(regs, mem);
    w.translate(req)
}

/// Same as [`translate`] without the step trace (fast; for batches and benchmarks).
pub fn translate_fast(regs: &RegisterSet, mem: &dyn PhysMem, req: &WalkRequest) -> WalkResult {
    let mut w = Walker::new(regs, mem);
    w.trace = false;
    w.translate(req)
}

/// Many walks over one snapshot without step traces, keeping each stream's fetched STE and
/// CD between walks (as the SMMU's configuration cache does): the fast path for batches.
pub struct Batch<'a> {
    w: Walker<'a>,
}

impl<'a> Batch<'a> {
    pub fn new(regs: &'a RegisterSet, mem: &'a dyn PhysMem) -> Self {
        let mut w = Walker::new(regs, mem);
        w.trace = false;
        w.cache = Some(Box::new(ConfigCache::new(regs.read(&cr0::SMMUEN))));
        Batch { w }
    }
    pub fn translate(&mut self, req: &WalkRequest) -> WalkResult {
        self.w.translate(req)
    }
    /// Only the outcome and the output address: no result strings are built. `Err` carries
    /// the outcome of a walk that did not translate (fault, abort, missing memory, ...).
    pub fn pa(&mut self, req: &WalkRequest) -> Result<u64, Outcome> {
        self.w.reads = 0;
        let mut config = "";
        let mut ipa = None;
        match self.w.translate_inner(req, &mut config, &mut ipa) {
            Ok(Done::Translated { pa, .. }) => Ok(pa),
            Ok(Done::Bypass { .. }) => Err(Outcome::Bypass),
            Err(Stop::Abort(_)) => Err(Outcome::Abort),
            Err(Stop::Missing(_)) => Err(Outcome::MissingMemory),
            Err(Stop::Incomplete(_)) => Err(Outcome::Incomplete),
            Err(Stop::Fault { .. }) => Err(Outcome::Fault),
        }
    }
}

/// Convenience for a loaded snapshot.
pub fn translate_snapshot(s: &crate::snapshot::Snapshot, req: &WalkRequest) -> WalkResult {
    translate(&s.registers, &s.memory, req)
}

impl Walker<'_> {
    pub fn translate(&mut self, req: &WalkRequest) -> WalkResult {
        self.steps.clear();
        self.reads = 0;
        self.notes.clear();
        let mut config = "";
        let mut ipa_out = None;
        self.cur = None;
        let r = self.translate_inner(req, &mut config, &mut ipa_out);
        let steps = std::mem::take(&mut self.steps);
        let notes = std::mem::take(&mut self.notes);
        let mut res = WalkResult {
            outcome: Outcome::Fault,
            pa: None,
            ipa: ipa_out,
            event: None,
            steps,
            missing: None,
            config,
            permissions: None,
            attributes: None,
            mapping_size: None,
            descriptor_reads: self.reads,
            notes,
            summary: String::new(),
        };
        match r {
            Ok(Done::Translated { pa, l1, l2 }) => {
                res.outcome = Outcome::Translated;
                res.pa = Some(pa);
                let p = l1.as_ref().map_or(7, |l| l.perms) & l2.as_ref().map_or(7, |l| l.perms);
                res.permissions = Some(tt::perm_str(p));
                res.attributes = match (&l1, &l2) {
                    (Some(a), None) => Some(a.attrs()),
                    (a, Some(b)) => Some(tt::combine_attrs(a.as_ref().map(|x| x.attrs()).as_ref(), &b.attrs(), b.fwb)),
                    (None, None) => None,
                };
                res.mapping_size = match (&l1, &l2) {
                    (Some(a), Some(b)) => Some(a.size.min(b.size)),
                    (Some(a), None) => Some(a.size),
                    (None, Some(b)) => Some(b.size),
                    (None, None) => None,
                };
                res.summary = format!("IOVA {:#x} -> PA {pa:#x}", req.iova);
            }
            Ok(Done::Bypass { pa, why }) => {
                res.outcome = Outcome::Bypass;
                res.pa = Some(pa);
                res.summary = format!("bypass: {why}; PA = IOVA = {pa:#x}");
            }
            Err(Stop::Abort(why)) => {
                res.outcome = Outcome::Abort;
                res.summary = format!("abort: {why}");
            }
            Err(Stop::Missing(m)) => {
                res.outcome = Outcome::MissingMemory;
                res.summary = format!("memory at {:#x} ({} bytes, {}) is not in the image", m.address, m.len, m.what);
                res.missing = Some(m);
            }
            Err(Stop::Incomplete(why)) => {
                res.outcome = Outcome::Incomplete;
                res.summary = why;
            }
            Err(Stop::Fault { kind, s2, class, ipa, fetch, reason }) => {
                let cur = self.cur.take();
                let (rnw, ind, pnu) = effective_access(req, cur.as_ref().map(|c| (c.instcfg, c.privcfg)));
                let mut stalled = false;
                if let Some(c) = &cur {
                    if kind.can_stall() {
                        // Whether the SMMU records the fault and how the transaction ends.
                        let (rec, stall) = if s2 { (c.s2r, c.s2s) } else { (c.cd_r, c.cd_s) };
                        if stall {
                            stalled = true;
                            res.notes.push(format!(
                                "{} = 1: the transaction stalls (Stall = 1; the SMMU chooses the STAG, shown as 0 here) until software resumes or terminates it",
                                if s2 { "STE.S2S" } else { "CD.S" }
                            ));
                        } else if !rec {
                            res.notes.push(format!(
                                "{} = 0: the SMMU terminates the transaction without recording this event",
                                if s2 { "STE.S2R" } else { "CD.R" }
                            ));
                        }
                    }
                }
                let ev = EventFields {
                    kind,
                    sid: req.sid,
                    ssid: req.ssid,
                    input_addr: Some(req.iova),
                    ipa,
                    fetch_addr: fetch,
                    rnw,
                    ind,
                    pnu,
                    s2,
                    class: class.or(if kind.is_translation_fault() { Some(Class::IN) } else { None }),
                    // IHI 0070 7.3.16: TTRnW is the stage 1 descriptor access that faulted at
                    // stage 2 (CLASS == TT); the walker's descriptor accesses are reads.
                    ttrnw: s2 && class == Some(Class::TT),
                    stall: stalled,
                    reason: reason.clone(),
                }
                .finish();
                res.summary = format!("{}: {reason}", kind.name());
                res.event = Some(ev);
            }
        }
        res
    }

    fn translate_inner(
        &mut self,
        req: &WalkRequest,
        config: &mut &'static str,
        ipa_out: &mut Option<u64>,
    ) -> Result<Done, Stop> {
        // SMMU enable and global bypass.
        let en = match &self.cache {
            Some(c) => c.en,
            None => self.regs.read(&cr0::SMMUEN),
        };
        match en {
            Some(0) => {
                let abort = self.reg(&gbpa::ABORT)?;
                *config = "SMMU disabled";
                self.step(|| {
                    let mut s = Step::new(
                        "config",
                        None,
                        "register",
                        format!("SMMU_CR0.SMMUEN = 0: SMMU_GBPA.ABORT = {abort} decides"),
                    );
                    s.decision =
                        if abort != 0 { "abort (no event)".into() } else { "bypass with SMMU_GBPA attributes".into() };
                    s
                });
                return if abort != 0 {
                    Err(Stop::Abort("SMMU_CR0.SMMUEN = 0 and SMMU_GBPA.ABORT = 1".into()))
                } else {
                    Ok(Done::Bypass { pa: req.iova, why: "SMMU_CR0.SMMUEN = 0 and SMMU_GBPA.ABORT = 0".into() })
                };
            }
            Some(_) => self.step(|| {
                Step::new("config", None, "register", "SMMU_CR0.SMMUEN = 1: transactions use the stream table".into())
            }),
            None => {
                self.notes.push("SMMU_CR0 not in the register set: assuming SMMUEN = 1".into());
            }
        }
        // The cache is moved out while the stream's configuration is borrowed from it.
        let mut cache = self.cache.take();
        let r = self.translate_config(cache.as_deref_mut(), req, config, ipa_out);
        self.cache = cache;
        r
    }

    fn translate_config(
        &mut self,
        cache: Option<&mut ConfigCache>,
        req: &WalkRequest,
        config: &mut &'static str,
        ipa_out: &mut Option<u64>,
    ) -> Result<Done, Stop> {
        let key = (req.sid, req.ssid);
        let owned;
        let sc: &StreamConfig = match cache {
            Some(c) => {
                let i = match c.find(key) {
                    Some(i) => i,
                    None => {
                        let sc = self.resolve(req.sid, req.ssid)?;
                        c.add(key, sc)
                    }
                };
                match c.configs.get(i) {
                    Some(sc) => sc,
                    None => return Err(Stop::Incomplete("configuration cache entry lost".into())),
                }
            }
            None => {
                owned = self.resolve(req.sid, req.ssid)?;
                &owned
            }
        };
        *config = config_name(sc.config);
        match sc.config {
            0b000 => {
                return Err(Stop::Abort("STE.Config = abort: the transaction is aborted, no event recorded".into()))
            }
            0b100 => return Ok(Done::Bypass { pa: req.iova, why: "STE.Config = bypass".into() }),
            _ => {}
        }
        self.cur = Some(sc.fault);
        let (rnw, ind, pnu) = effective_access(req, Some((sc.fault.instcfg, sc.fault.privcfg)));
        let acc = tt::Acc { write: !rnw, exec: ind, privileged: pnu };
        let l1 = match &sc.s1 {
            Some(p) => Some(self.stage1(p, sc.s2.as_ref(), req.iova, acc)?),
            None => None,
        };
        let ipa = l1.as_ref().map_or(req.iova, |l| l.oa);
        let Some(p2) = &sc.s2 else {
            return Ok(Done::Translated { pa: ipa, l1, l2: None });
        };
        *ipa_out = if sc.s1.is_some() { Some(ipa) } else { None };
        let l2 = self.stage2(p2, ipa, acc, Class::IN, None)?;
        Ok(Done::Translated { pa: l2.oa, l1, l2: Some(l2) })
    }
}

pub(crate) enum Done {
    Translated { pa: u64, l1: Option<tt::Leaf>, l2: Option<tt::Leaf> },
    Bypass { pa: u64, why: String },
}

/// RnW, InD, PnU after STE.INSTCFG / PRIVCFG overrides (IHI 0070 5.2).
fn effective_access(req: &WalkRequest, cfg: Option<(u64, u64)>) -> (bool, bool, bool) {
    let rnw = req.access != Access::Write;
    let mut ind = req.access == Access::Exec;
    let mut pnu = !req.unpriv;
    if let Some((instcfg, privcfg)) = cfg {
        match instcfg {
            2 => ind = false,
            3 if rnw => ind = true,
            _ => {}
        }
        match privcfg {
            2 => pnu = false,
            3 => pnu = true,
            _ => {}
        }
    }
    (rnw, ind, pnu)
}
