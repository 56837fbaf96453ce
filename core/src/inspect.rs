//! Inspection of a [`Snapshot`]: the streams with a valid STE, a stream's CDs, a queue's
//! state and entries, the walks a teaching scenario suggests. Frontends (the terminal
//! explorer, the web app) list these; they never find a table or do queue arithmetic
//! themselves.
//!
//! Every function reads only the snapshot's registers and memory image, with bounds on how
//! much it reads, and says what is missing instead of guessing.

use crate::mem::PhysMem;
use crate::queues::queue::{QueueEntry, QueueId, QueueState};
use crate::scenario::WalkSpec;
use crate::snapshot::Snapshot;
use crate::structs::{self, geometry, StructureReport};
use crate::walk::{self, Access, WalkRequest};

/// Why something could not be inspected. Messages name what is missing, never a command
/// line flag (frontends add how to get it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InspectError {
    /// The snapshot carries registers only (a live host read without RAM, a register dump).
    #[error("this snapshot has no memory image, so its tables and queues cannot be read")]
    NoMemory,
    /// The registers do not locate the structure.
    #[error("{0}")]
    Registers(String),
}

/// Most STEs (and L1STDs) read when listing a stream table; the rest are counted, not read.
pub const MAX_STES: u64 = 4096;
/// Most SubstreamIDs whose CDs are read for one stream.
pub const MAX_CDS: u32 = 16;

/// One StreamID with a valid STE.
#[derive(Debug, Clone)]
pub struct StreamRow {
    pub sid: u32,
    /// Where the STE is.
    pub ste_addr: u64,
    pub words: [u64; 8],
    /// The STE decoded, with its legality against the snapshot's ID registers.
    pub report: StructureReport,
}

/// The stream table as found: its geometry, the valid STEs, notes on what was not read.
#[derive(Debug, Clone)]
pub struct StreamList {
    pub table: geometry::StreamTable,
    pub rows: Vec<StreamRow>,
    /// One line on the table first ("linear stream table at 0x..., 2^6 StreamIDs"), then
    /// what the listing left out.
    pub notes: Vec<String>,
}

fn need_memory(snap: &Snapshot) -> Result<(), InspectError> {
    if snap.memory.total_bytes() == 0 {
        Err(InspectError::NoMemory)
    } else {
        Ok(())
    }
}

/// Every StreamID whose STE has V = 1, through the table geometry (linear or 2-level).
pub fn streams(snap: &Snapshot) -> Result<StreamList, InspectError> {
    need_memory(snap)?;
    let regs = &snap.registers;
    let st = geometry::StreamTable::from_regs(regs).map_err(InspectError::Registers)?;
    let mut notes = vec![format!(
        "{} stream table at {:#x}, 2^{} StreamIDs{}",
        match st.format {
            geometry::StFormat::Linear => "linear",
            geometry::StFormat::TwoLevel => "2-level",
        },
        st.base,
        st.log2size,
        if st.format == geometry::StFormat::TwoLevel { format!(", SPLIT {}", st.split) } else { String::new() }
    )];
    if let Some(n) = st.alignment_note() {
        notes.push(n);
    }
    let mem = &snap.memory;
    let mut rows = Vec::new();
    let mut read = 0u64;
    let mut missing = 0u64;
    let mut take = |sid: u64, addr: u64, rows: &mut Vec<StreamRow>| {
        let Ok(sid) = u32::try_from(sid) else { return };
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
            rows.push(StreamRow { sid, ste_addr: addr, words: w, report: structs::ste_report(&w, regs) });
        }
    };
    let total: u64 = 1u64 << st.log2size.min(32);
    match st.format {
        geometry::StFormat::Linear => {
            let mut sid = 0u64;
            while sid < total && read < MAX_STES {
                if let Some(a) = u32::try_from(sid).ok().and_then(|s| st.linear_ste_addr(s)) {
                    take(sid, a, &mut rows);
                }
                read += 1;
                sid += 1;
            }
        }
        geometry::StFormat::TwoLevel => {
            let per_l1 = 1u64 << st.split.min(32);
            let mut sid = 0u64;
            let mut l1_missing = 0u64;
            while sid < total && read < MAX_STES {
                let Some(l1a) = u32::try_from(sid).ok().and_then(|s| st.l1std_addr(s)) else { break };
                // Every L1STD read counts towards the bound, so a huge sparse table stays quick.
                read += 1;
                let Ok(d) = mem.read_u64_le(l1a) else {
                    l1_missing += 1;
                    sid = sid.saturating_add(per_l1);
                    continue;
                };
                let span = structs::l1std::Span.get(&[d]);
                let l2ptr = structs::l1std::L2Ptr.address(&[d]);
                if span != 0 {
                    for i in 0..per_l1 {
                        match geometry::l2_ste_addr(l2ptr, span, i, st.split) {
                            Ok(a) => {
                                take(sid + i, a, &mut rows);
                                read += 1;
                            }
                            Err(_) => break,
                        }
                    }
                }
                sid = sid.saturating_add(per_l1);
            }
            missing += l1_missing;
        }
    }
    if read >= MAX_STES {
        notes.push(format!("listing stopped after {MAX_STES} descriptor reads"));
    }
    if missing > 0 {
        notes.push(if missing == 1 {
            "1 descriptor is not in the memory image".to_string()
        } else {
            format!("{missing} descriptors are not in the memory image")
        });
    }
    Ok(StreamList { table: st, rows, notes })
}

/// The first StreamID with a valid STE, if any.
pub fn first_valid_stream(snap: &Snapshot) -> Option<u32> {
    streams(snap).ok().and_then(|l| l.rows.first().map(|r| r.sid))
}

/// A CD of a stream: its SubstreamID (None when the stream has one CD and no SubstreamIDs),
/// and its address and decode, or why it could not be read.
#[derive(Debug, Clone)]
pub struct CdEntry {
    pub ssid: Option<u32>,
    pub cd: Result<(u64, StructureReport), String>,
}

/// The CDs of a stream, read as the SMMU reads them (the walker: nested CD addresses are
/// translated by stage 2). Empty when the stream's configuration has no stage 1.
pub fn stream_cds(snap: &Snapshot, sid: u32, ste: &[u64; 8]) -> Vec<CdEntry> {
    let probe =
        walk::translate_snapshot(snap, &WalkRequest { sid, ssid: None, iova: 0, access: Access::Read, unpriv: false });
    let has_cd = probe.steps.iter().any(|s| s.kind == "CD" || s.kind == "L1CD");
    let cdmax = structs::ste::S1CDMax.get(ste);
    if !has_cd && cdmax == 0 {
        return vec![];
    }
    let ssids: Vec<Option<u32>> =
        if cdmax == 0 { vec![None] } else { (0..(1u32 << cdmax.min(20)).min(MAX_CDS)).map(Some).collect() };
    let s1_stall_disabled = structs::ste::S1STALLD.get(ste) == 1;
    ssids
        .into_iter()
        .map(|ssid| {
            let req = WalkRequest { sid, ssid, iova: 0, access: Access::Read, unpriv: false };
            let r = walk::translate_snapshot(snap, &req);
            let cd = r.steps.iter().find(|s| s.kind == "CD" && s.words.len() == 8);
            let cd = match cd {
                Some(step) => {
                    let words: Vec<u64> = step.words.iter().filter_map(|w| crate::snapshot::parse_hex_u64(w)).collect();
                    match step.address {
                        Some(a) => Ok((a, structs::cd_report(&words, &snap.registers, s1_stall_disabled))),
                        None => Err("the walker read the CD but did not say where".to_string()),
                    }
                }
                None => Err(r.summary.clone()),
            };
            CdEntry { ssid, cd }
        })
        .collect()
}

/// Whether a listed queue entry is still to be consumed or was consumed already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryState {
    /// Between CONS and PROD.
    Outstanding,
    /// Before CONS: the SMMU (command queue) or the driver (event queue) took it.
    Consumed,
}

/// A queue's state and the entries worth showing.
#[derive(Debug, Clone)]
pub struct QueueView {
    pub state: QueueState,
    /// The outstanding entries; when there are none, the most recent consumed ones (slots
    /// not in the memory image or all zero left out), oldest first.
    pub entries: Vec<(EntryState, QueueEntry)>,
}

/// Most consumed entries listed for an empty queue.
pub const RECENT_ENTRIES: u64 = 16;

/// A queue's state (PROD/CONS with their wrap bits) and its outstanding entries, or the
/// recent consumed ones when none are outstanding.
pub fn queue(snap: &Snapshot, which: QueueId) -> Result<QueueView, InspectError> {
    need_memory(snap)?;
    let state =
        QueueState::from_registers(which, &snap.registers).map_err(|e| InspectError::Registers(e.to_string()))?;
    let mut entries: Vec<(EntryState, QueueEntry)> =
        state.read_entries(&snap.memory).into_iter().map(|e| (EntryState::Outstanding, e)).collect();
    if entries.is_empty() {
        let recent = state.read_at(&snap.memory, &state.consumed_indices(RECENT_ENTRIES));
        entries = recent
            .into_iter()
            // Slots outside the memory image, or never written (all zero), teach nothing.
            .filter(|e| e.error.is_none() && !e.words.iter().all(|w| crate::snapshot::parse_hex_u64(w) == Some(0)))
            .map(|e| (EntryState::Consumed, e))
            .collect();
    }
    Ok(QueueView { state, entries })
}

/// The snapshot member holding the walks of the scenario it was built from.
pub const WALKS_MEMBER: &str = "walks";

/// The walks the scenario a snapshot was built from suggests (`smmu scenario build`
/// stores them), with what the spec says each should do. Empty for other snapshots, or
/// when the member does not hold walks (the snapshot still loads).
pub fn suggested_walks(snap: &Snapshot) -> Vec<WalkSpec> {
    snap.file
        .extra
        .get(WALKS_MEMBER)
        .and_then(|v| serde_json::from_value::<Vec<WalkSpec>>(v.clone()).ok())
        .unwrap_or_default()
}

/// The kernel's SMMU lines a snapshot carries (`kernel.dmesg_smmu`, as `smmu collect`
/// writes them), as one text; None when there are none.
pub fn kernel_log(snap: &Snapshot) -> Option<String> {
    let lines = snap.file.kernel.as_ref()?.get("dmesg_smmu")?.as_array()?;
    let t: Vec<&str> = lines.iter().filter_map(|l| l.as_str()).collect();
    if t.is_empty() {
        None
    } else {
        Some(t.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(name: &str) -> crate::scenario::Scenario {
        let p = format!("{}/../assets/scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
        let t = std::fs::read_to_string(&p).unwrap();
        crate::scenario::parse(&t).unwrap()
    }

    #[test]
    fn scenario_streams_are_the_ones_it_declares() {
        // 05 declares exactly one stream, StreamID 0x40, nested.
        let snap = crate::scenario::build(&scenario("05-nested-4k-over-4k.json")).unwrap();
        let l = streams(&snap).unwrap();
        assert_eq!(l.rows.iter().map(|r| r.sid).collect::<Vec<_>>(), vec![0x40]);
        assert!(l.notes[0].starts_with("linear stream table"), "{:?}", l.notes);
        assert_eq!(first_valid_stream(&snap), Some(0x40));
    }

    #[test]
    fn walks_member_round_trips() {
        let sc = scenario("05-nested-4k-over-4k.json");
        let mut snap = crate::scenario::build(&sc).unwrap();
        assert!(suggested_walks(&snap).is_empty());
        snap.file.extra.insert(WALKS_MEMBER.into(), serde_json::to_value(&sc.walks).unwrap());
        let back = Snapshot::from_json(&snap.to_json()).unwrap();
        let w = suggested_walks(&back);
        assert_eq!(w.len(), 2);
        assert_eq!((w[0].sid.0, w[0].iova.0, w[0].expect.as_str()), (0x40, 0x1_0000_0042, "translated"));
    }

    #[test]
    fn no_memory_is_said() {
        let snap =
            Snapshot::from_json(r#"{"smmu_explorer_snapshot": 1, "registers": {"IDR0": "0x0d44101a"}}"#).unwrap();
        assert_eq!(streams(&snap).unwrap_err(), InspectError::NoMemory);
        assert_eq!(queue(&snap, QueueId::Cmdq).unwrap_err(), InspectError::NoMemory);
    }
}
