//! Circular queue arithmetic (IHI 0070 3.5): *_BASE, PROD/CONS with wrap and overflow
//! flags, entries outstanding, and the entries between CONS and PROD in a memory image.
//! Register fields are read through the register model's typed handles, never restated.

use crate::mem::PhysMem;
use crate::regset::RegisterSet;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum QueueId {
    #[serde(rename = "cmdq")]
    Cmdq,
    #[serde(rename = "evtq")]
    Evtq,
    #[serde(rename = "priq")]
    Priq,
}

impl QueueId {
    pub fn prefix(self) -> &'static str {
        match self {
            QueueId::Cmdq => "CMDQ",
            QueueId::Evtq => "EVTQ",
            QueueId::Priq => "PRIQ",
        }
    }
    /// Entry size in bytes: commands 16, events 32, PRI requests 16.
    /// Bytes of one entry, from the entry layouts (IHI 0070 4.1, 7.1, 8).
    pub fn entry_bytes(self) -> u64 {
        crate::structs::geometry::queue_entry_bytes(self)
    }
    pub fn parse(s: &str) -> Option<QueueId> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cmdq" | "cmd" => Some(QueueId::Cmdq),
            "evtq" | "evt" | "event" | "eventq" | "events" => Some(QueueId::Evtq),
            "priq" | "pri" => Some(QueueId::Priq),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueueError {
    #[error("register SMMU_{0} is not in the register model")]
    NoRegister(String),
    #[error("register SMMU_{0} has no field {1} in the register model")]
    NoField(String, String),
    #[error("register SMMU_{0} is not in the register set")]
    Missing(String),
    #[error("SMMU_{reg}.LOG2SIZE = {log2size} is too large (the index registers hold at most 19 bits of index)")]
    TooLarge { reg: String, log2size: u64 },
}

use crate::model::FieldDef;
use crate::regs::queues as rq;

/// The register fields that describe one queue (IHI 0070 6.3.26 - 6.3.36, 6.3.95 - 6.3.98).
struct QueueRegs {
    base: &'static crate::model::Layout,
    prod: &'static crate::model::Layout,
    cons: &'static crate::model::Layout,
    addr: &'static FieldDef,
    log2size: &'static FieldDef,
    wr: &'static FieldDef,
    rd: &'static FieldDef,
    /// EVTQ/PRIQ: PROD.OVFLG and CONS.OVACKFLG.
    overflow: Option<(&'static FieldDef, &'static FieldDef)>,
    /// CMDQ: CONS.ERR.
    err: Option<&'static FieldDef>,
}

fn queue_regs(q: QueueId) -> QueueRegs {
    match q {
        QueueId::Cmdq => QueueRegs {
            base: &rq::cmdq_base::LAYOUT,
            prod: &rq::cmdq_prod::LAYOUT,
            cons: &rq::cmdq_cons::LAYOUT,
            addr: &rq::cmdq_base::ADDR,
            log2size: &rq::cmdq_base::LOG2SIZE,
            wr: &rq::cmdq_prod::WR,
            rd: &rq::cmdq_cons::RD,
            overflow: None,
            err: Some(&rq::cmdq_cons::ERR),
        },
        QueueId::Evtq => QueueRegs {
            base: &rq::eventq_base::LAYOUT,
            prod: &rq::eventq_prod::LAYOUT,
            cons: &rq::eventq_cons::LAYOUT,
            addr: &rq::eventq_base::ADDR,
            log2size: &rq::eventq_base::LOG2SIZE,
            wr: &rq::eventq_prod::WR,
            rd: &rq::eventq_cons::RD,
            overflow: Some((&rq::eventq_prod::OVFLG, &rq::eventq_cons::OVACKFLG)),
            err: None,
        },
        QueueId::Priq => QueueRegs {
            base: &rq::priq_base::LAYOUT,
            prod: &rq::priq_prod::LAYOUT,
            cons: &rq::priq_cons::LAYOUT,
            addr: &rq::priq_base::ADDR,
            log2size: &rq::priq_base::LOG2SIZE,
            wr: &rq::priq_prod::WR,
            rd: &rq::priq_cons::RD,
            overflow: Some((&rq::priq_prod::OVFLG, &rq::priq_cons::OVACKFLG)),
            err: None,
        },
    }
}

/// One queue's state as the registers describe it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QueueState {
    pub queue: QueueId,
    /// Physical base address of the queue.
    pub base: String,
    #[serde(skip)]
    pub base_addr: u64,
    pub log2size: u32,
    /// Number of entries, 2^LOG2SIZE.
    pub size: u64,
    pub prod_index: u64,
    pub prod_wrap: bool,
    pub cons_index: u64,
    pub cons_wrap: bool,
    /// Entries produced but not yet consumed.
    pub outstanding: u64,
    pub empty: bool,
    pub full: bool,
    /// EVTQ/PRIQ: PROD.OVFLG != CONS.OVACKFLG, i.e. an overflow not yet acknowledged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overflow: Option<bool>,
    /// CMDQ: CONS.ERR (CERROR_NONE/ILL/ABT/ATC_INV_SYNC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

/// CMDQ_CONS.ERR encodings (7.1).
pub fn cerror_name(err: u64) -> &'static str {
    match err {
        0 => "CERROR_NONE",
        1 => "CERROR_ILL",
        2 => "CERROR_ABT",
        3 => "CERROR_ATC_INV_SYNC",
        _ => "Reserved",
    }
}

impl QueueState {
    /// From the values of SMMU_xQ_BASE, SMMU_xQ_PROD and SMMU_xQ_CONS.
    pub fn from_values(q: QueueId, base: u64, prod: u64, cons: u64) -> Result<QueueState, QueueError> {
        let r = queue_regs(q);
        let base_addr = r.addr.address(&[base]);
        let log2size = r.log2size.get(&[base]);
        if log2size > 19 {
            return Err(QueueError::TooLarge { reg: r.base.name.to_string(), log2size });
        }
        let wr = r.wr.get(&[prod]);
        let rd = r.rd.get(&[cons]);
        let size = 1u64 << log2size;
        let mask = size - 1;
        let (pi, pw) = (wr & mask, (wr >> log2size) & 1 == 1);
        let (ci, cw) = (rd & mask, (rd >> log2size) & 1 == 1);
        let mut problems = Vec::new();
        let outstanding = if pw == cw {
            if pi >= ci {
                pi - ci
            } else {
                problems.push(format!(
                    "PROD index {pi} is behind CONS index {ci} with equal wrap bits: inconsistent pointers"
                ));
                0
            }
        } else if ci >= pi {
            size - ci + pi
        } else {
            problems.push(format!(
                "PROD index {pi} is ahead of CONS index {ci} with different wrap bits: more than a full queue"
            ));
            size
        };
        let extra_p = wr >> (log2size + 1);
        let extra_c = rd >> (log2size + 1);
        if extra_p != 0 || extra_c != 0 {
            problems.push("index bits above LOG2SIZE+1 are set (they should read as zero)".to_string());
        }
        let overflow = r.overflow.map(|(ovflg, ovackflg)| ovflg.get(&[prod]) != ovackflg.get(&[cons]));
        let error = r.err.map(|e| cerror_name(e.get(&[cons])).to_string());
        Ok(QueueState {
            queue: q,
            base: format!("{base_addr:#x}"),
            base_addr,
            log2size: log2size as u32,
            size,
            prod_index: pi,
            prod_wrap: pw,
            cons_index: ci,
            cons_wrap: cw,
            outstanding,
            empty: outstanding == 0,
            full: pi == ci && pw != cw,
            overflow,
            error,
            problems,
        })
    }

    /// From a register set holding the queue's BASE, PROD and CONS.
    pub fn from_registers(q: QueueId, regs: &RegisterSet) -> Result<QueueState, QueueError> {
        let r = queue_regs(q);
        let g = |l: &crate::model::Layout| regs.get(l.name).ok_or_else(|| QueueError::Missing(l.name.to_string()));
        QueueState::from_values(q, g(r.base)?, g(r.prod)?, g(r.cons)?)
    }

    /// Physical address of entry `index`.
    pub fn entry_addr(&self, index: u64) -> u64 {
        let i = index & (self.size.saturating_sub(1));
        self.base_addr.wrapping_add(i.wrapping_mul(self.queue.entry_bytes()))
    }

    /// Indices from CONS up to PROD (the outstanding entries), oldest first.
    pub fn outstanding_indices(&self) -> Vec<u64> {
        (0..self.outstanding).map(|k| (self.cons_index + k) & (self.size - 1)).collect()
    }

    /// Reads the outstanding entries from memory.
    pub fn read_entries(&self, mem: &dyn PhysMem) -> Vec<QueueEntry> {
        self.read_at(mem, &self.outstanding_indices())
    }

    /// Indices of the last `n` entries before CONS (already consumed), oldest first. At most
    /// `size - outstanding` of them: the other slots hold entries not yet consumed.
    pub fn consumed_indices(&self, n: u64) -> Vec<u64> {
        let n = n.min(self.size.saturating_sub(self.outstanding));
        let mask = self.size.saturating_sub(1);
        (0..n).rev().map(|k| self.cons_index.wrapping_sub(k + 1) & mask).collect()
    }

    /// Reads the entries at `indices` from memory and decodes them.
    pub fn read_at(&self, mem: &dyn PhysMem, indices: &[u64]) -> Vec<QueueEntry> {
        let words = (self.queue.entry_bytes() / 8) as usize;
        indices
            .iter()
            .map(|&i| {
                let addr = self.entry_addr(i);
                let mut w = Vec::with_capacity(words);
                let mut error = None;
                for k in 0..words {
                    match mem.read_u64_le(addr.wrapping_add(8 * k as u64)) {
                        Ok(v) => w.push(v),
                        Err(e) => {
                            error = Some(e.to_string());
                            break;
                        }
                    }
                }
                let decoded = if error.is_none() { Some(decode_entry(self.queue, &w)) } else { None };
                QueueEntry {
                    index: i,
                    addr: format!("{addr:#x}"),
                    words: w.iter().map(|v| format!("{v:#018x}")).collect(),
                    decoded,
                    error,
                }
            })
            .collect()
    }
}

/// One entry read from a queue.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QueueEntry {
    pub index: u64,
    pub addr: String,
    pub words: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decoded: Option<DecodedEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum DecodedEntry {
    Command(Box<super::cmd::CommandInfo>),
    Event(Box<super::event::EventInfo>),
    Pri(Box<super::pri::PriInfo>),
}

pub fn decode_entry(q: QueueId, w: &[u64]) -> DecodedEntry {
    decode_entry_with(q, w, None)
}

/// Decodes an entry of queue `q`; where the SMMU's registers are known, fields it lacks (by
/// version or ID-register feature) say so and commands are checked against its ID registers
/// (as issued on the Non-secure Command queue).
pub fn decode_entry_with(q: QueueId, w: &[u64], regs: Option<&RegisterSet>) -> DecodedEntry {
    let g = |i: usize| w.get(i).copied().unwrap_or(0);
    match q {
        QueueId::Cmdq => {
            let ctx = super::cmd::CheckContext { queue: super::cmd::QueueKind::NonSecure, regs };
            DecodedEntry::Command(Box::new(super::cmd::decode_with(&[g(0), g(1)], &ctx)))
        }
        QueueId::Evtq => {
            DecodedEntry::Event(Box::new(super::event::decode_words_with(&[g(0), g(1), g(2), g(3)], regs)))
        }
        QueueId::Priq => DecodedEntry::Pri(Box::new(super::pri::decode_with(&[g(0), g(1)], regs))),
    }
}
