//! What an SMMU may still have cached (IHI 0070 16.2, 3.17, 4.3, 4.4, 4.5): the cache model
//! behind `smmu stale BEFORE AFTER`.
//!
//! The model starts from snapshot BEFORE: every valid configuration and translation BEFORE
//! implies may be cached, nothing else: STEs and CDs in the configuration cache, TLB entries
//! (stage 1, stage 2 and combined nested, tagged with StreamWorld, VMID and ASID, or global
//! for nG = 0), walk-cache entries (table descriptors, tagged like the TLB) and, for streams
//! with ATS enabled, the device's ATC. The commands the SMMU consumed between BEFORE's and
//! AFTER's SMMU_CMDQ_CONS are read from AFTER's queue memory and applied in order. What is
//! left is compared with what AFTER's structures and tables say: each cached item still
//! usable whose source changed is stale, and [`required`] gives the commands that would have
//! cleared it.

pub mod model;
pub mod required;
pub mod tables;

use crate::mem::PhysMem;
use crate::queues::cmd;
use crate::queues::queue::{QueueId, QueueState};
use crate::regset::RegisterSet;
use crate::snapshot::Snapshot;
use crate::structs::{CD, STE};
pub use model::{CacheModel, Ctx};
use serde::Serialize;

fn hex_opt<S: serde::Serializer>(v: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(x) => s.serialize_str(&format!("{x:#x}")),
        None => s.serialize_none(),
    }
}

fn hex_words<S: serde::Serializer>(v: &[u64], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut q = s.serialize_seq(Some(v.len()))?;
    for w in v {
        q.serialize_element(&format!("{w:#018x}"))?;
    }
    q.end()
}

/// One difference between BEFORE and AFTER.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Change {
    /// `STE`, `CD`, `mapping` (a leaf range whose output or attributes changed) or
    /// `table` (a table descriptor).
    pub kind: &'static str,
    pub sid: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssid: Option<u32>,
    /// Stage of a `mapping` or `table` change: `1`, `2` or `nested` (VA -> PA).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<&'static str>,
    /// Input address (VA or IPA) of a mapping or table change.
    #[serde(serialize_with = "hex_opt", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub iova: Option<u64>,
    #[serde(serialize_with = "hex_opt", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub size: Option<u64>,
    #[serde(serialize_with = "hex_opt", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub old_pa: Option<u64>,
    #[serde(serialize_with = "hex_opt", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub new_pa: Option<u64>,
    /// What changed, in words (fields of an STE or CD with old and new values).
    pub what: String,
}

/// One command consumed between the snapshots, decoded, and what it did to the model.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CommandRecord {
    /// Queue index (without the wrap bit).
    pub index: u64,
    #[serde(serialize_with = "hex_words")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub words: Vec<u64>,
    pub name: &'static str,
    pub summary: String,
    /// What it invalidated in the model.
    pub effect: String,
}

/// A cached item the commands left valid although its source changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StaleEntry {
    /// `translation` or `config`.
    pub kind: &'static str,
    pub sid: u32,
    pub ssid: Option<u32>,
    /// translation: what `iova` is the input of: `1` (stage 1 only), `2` (an IPA: a stage
    /// 2-only stream, or the stage 2 part of a nested one) or `nested` (VA -> PA).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<&'static str>,
    /// translation: the input address range (IOVA; an IPA when `stage` is `2`).
    #[serde(serialize_with = "hex_opt", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub iova: Option<u64>,
    #[serde(serialize_with = "hex_opt", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub size: Option<u64>,
    /// translation: the output the SMMU may still give for `iova`.
    #[serde(serialize_with = "hex_opt", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub old_pa: Option<u64>,
    /// translation: the output AFTER's tables give (null: AFTER does not map it).
    #[serde(serialize_with = "hex_opt", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub new_pa: Option<u64>,
    /// Which cache holds it: `TLB`, `walk cache`, `configuration cache` or `ATC`.
    pub cache: &'static str,
    /// config: `STE` or `CD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub structure: Option<&'static str>,
    pub why: String,
    /// The cached entry behind it, for [`required`].
    #[serde(skip)]
    pub cause: model::Cause,
    /// Nested: the IPA stage 1 gives for `iova` in the cached view.
    #[serde(skip)]
    pub ipa: Option<u64>,
    /// Nested: the stage 1 part is unchanged, the stage 2 part changed.
    #[serde(skip)]
    pub s2_change: bool,
    /// The stream is nested.
    #[serde(skip)]
    pub nested: bool,
}

/// A command that would have cleared stale entries, with its words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Required {
    pub name: &'static str,
    /// `FIELD=value` pairs as `smmu encode command` takes them.
    pub fields: String,
    #[serde(serialize_with = "hex_words")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub words: Vec<u64>,
    pub why: String,
}

/// The `smmu stale --json` document.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Report {
    pub summary: String,
    pub changes: Vec<Change>,
    pub commands: Vec<CommandRecord>,
    pub stale: Vec<StaleEntry>,
    pub required: Vec<Required>,
    pub notes: Vec<String>,
}

/// What an SMMU may still use for one address: [`Analysis::stale_at`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StaleHit {
    #[serde(serialize_with = "crate::model::ser_hex")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub old_pa: u64,
    #[serde(serialize_with = "hex_opt")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub new_pa: Option<u64>,
    pub cache: &'static str,
    pub why: String,
}

/// The model after the commands, with the report.
pub struct Analysis {
    pub model: CacheModel,
    pub report: Report,
}

impl Analysis {
    /// The stale cached translation an SMMU may still use for `iova` of stream `sid` /
    /// `ssid` (the output it may give instead of AFTER's), or None when nothing stale covers
    /// the address. A stale configuration entry alone gives no address: see `report.stale`.
    pub fn stale_at(&self, sid: u32, ssid: Option<u32>, iova: u64) -> Option<StaleHit> {
        self.report.stale_at(sid, ssid, iova)
    }
}

impl StaleHit {
    /// The sentence frontends show under a walk of AFTER at `iova`: "An SMMU may still use
    /// the cached entry from BEFORE ...".
    pub fn sentence(&self, iova: u64, before: &str, after: &str) -> String {
        let now = match self.new_pa {
            Some(p) => format!("{after} now maps it to {p:#x}"),
            None => format!("{after} no longer maps it"),
        };
        format!(
            "An SMMU may still use the cached entry from {before} ({}): IOVA {iova:#x} -> PA {:#x}, although {now}. {}",
            self.cache, self.old_pa, self.why
        )
    }
}

impl Report {
    /// [`Analysis::stale_at`] on a kept report (frontends memoize the report, not the model).
    pub fn stale_at(&self, sid: u32, ssid: Option<u32>, iova: u64) -> Option<StaleHit> {
        self.stale.iter().find_map(|s| {
            let (lo, size, old) = (s.iova?, s.size?, s.old_pa?);
            // The stage 2 part of a nested stream is by IPA, not by the stream's IOVA.
            let by_iova = s.stage != Some("2") || !s.nested;
            (s.kind == "translation" && by_iova && s.sid == sid && s.ssid == ssid && iova >= lo && iova - lo < size)
                .then(|| StaleHit {
                    old_pa: old.wrapping_add(iova - lo),
                    new_pa: s.new_pa.map(|p| p.wrapping_add(iova - lo)),
                    cache: s.cache,
                    why: s.why.clone(),
                })
        })
    }
}

/// The commands consumed between BEFORE's and AFTER's SMMU_CMDQ_CONS, read from AFTER's
/// queue memory, oldest first (wrap-aware). Errors name what is missing or inconsistent.
pub fn consumed_commands(
    before: &RegisterSet,
    after: &RegisterSet,
    mem: &dyn PhysMem,
) -> Result<Vec<(u64, [u64; 2])>, String> {
    let b = QueueState::from_registers(QueueId::Cmdq, before).map_err(|e| format!("BEFORE: command queue: {e}"))?;
    let a = QueueState::from_registers(QueueId::Cmdq, after).map_err(|e| format!("AFTER: command queue: {e}"))?;
    if a.base_addr != b.base_addr || a.log2size != b.log2size {
        return Err(format!(
            "SMMU_CMDQ_BASE differs (BEFORE {:#x} 2^{} entries, AFTER {:#x} 2^{} entries): the commands between them cannot be known",
            b.base_addr, b.log2size, a.base_addr, a.log2size
        ));
    }
    let pos = |q: &QueueState| q.cons_index | (u64::from(q.cons_wrap) << q.log2size);
    let wrap_mask = (a.size << 1) - 1;
    let n = pos(&a).wrapping_sub(pos(&b)) & wrap_mask;
    if n > a.size {
        return Err(format!(
            "SMMU_CMDQ_CONS moved by {n} entries, more than the queue holds ({}): AFTER's queue memory no longer holds them all",
            a.size
        ));
    }
    let idx: Vec<u64> = (0..n).map(|k| (b.cons_index + k) & (a.size - 1)).collect();
    let mut out = Vec::with_capacity(idx.len());
    for e in a.read_at(mem, &idx) {
        if let Some(err) = e.error {
            return Err(format!("AFTER: command queue entry {} at {}: {err}", e.index, e.addr));
        }
        let w = |i: usize| e.words.get(i).and_then(|s| crate::snapshot::parse_hex_u64(s)).unwrap_or(0);
        out.push((e.index, [w(0), w(1)]));
    }
    Ok(out)
}

/// Runs the whole analysis: model from BEFORE, commands from AFTER's queue, comparison with
/// AFTER. Errors are about the input (what is missing or inconsistent).
pub fn analyze(before: &Snapshot, after: &Snapshot) -> Result<Analysis, String> {
    let cmds = consumed_commands(&before.registers, &after.registers, &after.memory)?;
    analyze_with(before, after, &cmds)
}

/// [`analyze`] with the commands given (queue index, words).
pub fn analyze_with(before: &Snapshot, after: &Snapshot, cmds: &[(u64, [u64; 2])]) -> Result<Analysis, String> {
    let mut notes = vec![];
    let bctx = model::contexts(&before.registers, &before.memory, &mut notes, "BEFORE")?;
    let actx = model::contexts(&after.registers, &after.memory, &mut notes, "AFTER")?;
    let mut m = CacheModel::from_contexts(&before.registers, &before.memory, &bctx, &mut notes);
    let ctx = cmd::CheckContext { queue: cmd::QueueKind::NonSecure, regs: Some(&after.registers) };
    // Commands after the last CMD_SYNC are consumed but not known to be complete.
    let last_sync = cmds.iter().rposition(|(_, w)| cmd::opcode(w) == cmd::op::CMD_SYNC);
    let mut synced = if last_sync.is_none() { Some(m.clone()) } else { None };
    let mut commands = vec![];
    for (i, (index, w)) in cmds.iter().enumerate() {
        let info = cmd::decode_with(w, &ctx);
        let effect = m.apply(w, &after.registers);
        if Some(i) == last_sync {
            synced = Some(m.clone());
        }
        commands.push(CommandRecord {
            index: *index,
            words: w.to_vec(),
            name: info.name,
            summary: info.summary,
            effect,
        });
    }
    let synced_model = synced.unwrap_or_else(|| m.clone());
    let changes = model::changes(&bctx, &actx, &before.memory, &after.memory);
    let mut stale = m.stale(&actx, &bctx, &after.registers, &after.memory, &before.memory, &mut notes);
    // Entries cleared only by commands no CMD_SYNC followed: still stale until a sync.
    if last_sync.is_none_or(|l| l + 1 < cmds.len()) {
        let pending = synced_model.stale(&actx, &bctx, &after.registers, &after.memory, &before.memory, &mut vec![]);
        for mut p in pending {
            if !stale.iter().any(|s| s.kind == p.kind && s.sid == p.sid && s.ssid == p.ssid && s.iova == p.iova) {
                p.why = format!(
                    "{}; the command that invalidates it has no CMD_SYNC after it, so it may not have completed",
                    p.why
                );
                p.cause = model::Cause::Unsynced;
                stale.push(p);
            }
        }
    }
    if stale.iter().any(|s| s.cache == "walk cache") {
        notes.push(
            "QEMU 10.0 deviation (a note, not a verdict): QEMU's SMMUv3 model keeps no walk cache (only its IOTLB and configuration cache), so the walk-cache entries reported here do not show on QEMU; hardware may keep them"
                .into(),
        );
    }
    let required = required::required(&stale, &m, &after.registers, &mut notes);
    let n_tr = stale.iter().filter(|s| s.kind == "translation").count();
    let n_cfg = stale.len() - n_tr;
    let summary = if stale.is_empty() {
        format!(
            "{} change(s), {} command(s) consumed: nothing stale, every cached item whose source changed was invalidated",
            changes.len(),
            commands.len()
        )
    } else {
        format!(
            "{} change(s), {} command(s) consumed: {n_tr} stale translation range(s), {n_cfg} stale configuration entr{}; {} command(s) would clear them",
            changes.len(),
            commands.len(),
            if n_cfg == 1 { "y" } else { "ies" },
            required.len()
        )
    };
    notes.dedup();
    Ok(Analysis { model: m, report: Report { summary, changes, commands, stale, required, notes } })
}

/// Names of the fields whose values differ between two structures of a layout.
pub(crate) fn field_diff(layout: &crate::model::Layout, a: &[u64], b: &[u64]) -> String {
    let (da, db) = (layout.decode(a), layout.decode(b));
    let mut out = vec![];
    for (fa, fb) in da.fields.iter().zip(db.fields.iter()) {
        if fa.value != fb.value {
            out.push(format!("{} {:#x} -> {:#x}", fa.name, fa.value, fb.value));
        }
    }
    if out.is_empty() {
        "no field differs".into()
    } else {
        out.join(", ")
    }
}

pub(crate) fn ste_diff(a: &[u64], b: &[u64]) -> String {
    field_diff(&STE, a, b)
}
pub(crate) fn cd_diff(a: &[u64], b: &[u64]) -> String {
    field_diff(&CD, a, b)
}
