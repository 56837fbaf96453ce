//! Circular queue arithmetic (IHI 0070 3.5): *_BASE, PROD/CONS with wrap and overflow
//! flags, entries outstanding, and the entries between CONS and PROD in a memory image.
//! Register fields are read through the register model (`regs::by_name`), never restated.

use crate::mem::PhysMem;
use crate::regs;
use crate::regset::RegisterSet;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
    pub fn entry_bytes(self) -> u64 {
        match self {
            QueueId::Evtq => 32,
            _ => 16,
        }
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

fn field(reg: &str, f: &str, value: u64) -> Result<u64, QueueError> {
    let r = regs::by_name(reg).ok_or_else(|| QueueError::NoRegister(reg.to_string()))?;
    let fd = r.layout.field(f).ok_or_else(|| QueueError::NoField(reg.to_string(), f.to_string()))?;
    Ok(match fd.fmt {
        crate::model::Fmt::Addr(s) => fd.get(&[value]).checked_shl(s as u32).unwrap_or(0),
        _ => fd.get(&[value]),
    })
}

fn opt_field(reg: &str, f: &str, value: u64) -> Option<u64> {
    field(reg, f, value).ok()
}

/// One queue's state as the registers describe it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
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
        let p = q.prefix();
        let rb = format!("{p}_BASE");
        let rp = format!("{p}_PROD");
        let rc = format!("{p}_CONS");
        let base_addr = field(&rb, "ADDR", base)?;
        let log2size = field(&rb, "LOG2SIZE", base)?;
        if log2size > 19 {
            return Err(QueueError::TooLarge { reg: rb, log2size });
        }
        let wr = field(&rp, "WR", prod)?;
        let rd = field(&rc, "RD", cons)?;
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
        let overflow = match q {
            QueueId::Cmdq => None,
            _ => match (opt_field(&rp, "OVFLG", prod), opt_field(&rc, "OVACKFLG", cons)) {
                (Some(a), Some(b)) => Some(a != b),
                _ => None,
            },
        };
        let error = match q {
            QueueId::Cmdq => opt_field(&rc, "ERR", cons).map(|e| cerror_name(e).to_string()),
            _ => None,
        };
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
        let p = q.prefix();
        let g = |n: String| regs.get(&n).ok_or(QueueError::Missing(n));
        QueueState::from_values(q, g(format!("{p}_BASE"))?, g(format!("{p}_PROD"))?, g(format!("{p}_CONS"))?)
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
#[serde(untagged)]
pub enum DecodedEntry {
    Command(Box<super::cmd::CommandInfo>),
    Event(Box<super::event::EventInfo>),
    Pri(Box<super::pri::PriInfo>),
}

pub fn decode_entry(q: QueueId, w: &[u64]) -> DecodedEntry {
    let g = |i: usize| w.get(i).copied().unwrap_or(0);
    match q {
        QueueId::Cmdq => DecodedEntry::Command(Box::new(super::cmd::decode(&[g(0), g(1)]))),
        QueueId::Evtq => DecodedEntry::Event(Box::new(super::event::decode(&[g(0), g(1), g(2), g(3)]))),
        QueueId::Priq => DecodedEntry::Pri(Box::new(super::pri::decode(&[g(0), g(1)]))),
    }
}
