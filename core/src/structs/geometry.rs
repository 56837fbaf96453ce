//! Table and queue geometry (IHI 0070 3.3, 3.5, 5.1, 5.2, 5.3, 6.3.24 - 6.3.33): where the STE
//! for a StreamID and the CD for a SubstreamID live, how large the stream table, CD tables and
//! queues are, and which entry a queue index names. Every size is derived from a layout's
//! `bits` and every register or structure field is read through its typed handle.

use crate::model::{FieldDef, Fmt};
use crate::queues::queue::QueueId;
use crate::regs::idr::idr1;
use crate::regs::queues::{cmdq_base, eventq_base, priq_base, strtab_base, strtab_base_cfg};
use crate::regset::RegisterSet;
use crate::structs::{cd, l1cd, l1std, ste};
use serde::Serialize;

/// Bytes of one STE (IHI 0070 5.2).
pub const STE_BYTES: u64 = ste::LAYOUT.bits as u64 / 8;
/// Bytes of one CD (IHI 0070 5.4).
pub const CD_BYTES: u64 = cd::LAYOUT.bits as u64 / 8;
/// Bytes of one Level 1 Stream Table Descriptor (IHI 0070 5.1).
pub const L1STD_BYTES: u64 = l1std::LAYOUT.bits as u64 / 8;
/// Bytes of one L1CD (IHI 0070 5.3).
pub const L1CD_BYTES: u64 = l1cd::LAYOUT.bits as u64 / 8;

/// Bytes of one entry of a queue (IHI 0070 4.1 commands, 7.3 event records, 8.1 PRI
/// requests), from the record layouts.
pub fn queue_entry_bytes(q: QueueId) -> u64 {
    let bits = match q {
        QueueId::Cmdq => crate::queues::cmd::UNKNOWN.bits,
        QueueId::Evtq => crate::queues::event::layout_for(0x10).bits,
        QueueId::Priq => crate::queues::pri::PRI_ENTRY.bits,
    };
    u64::from(bits) / 8
}

/// The address a register's address field holds, read through its handle (`value << shift`).
pub fn read_address(regs: &RegisterSet, f: &FieldDef) -> Option<u64> {
    let v = regs.read(f)?;
    match f.fmt {
        Fmt::Addr(s) => v.checked_shl(u32::from(s)),
        _ => Some(v),
    }
}

fn need(regs: &RegisterSet, f: &FieldDef) -> Result<u64, String> {
    regs.read(f).ok_or_else(|| format!("SMMU_{}.{} is not in the register set", f.layout, f.name))
}

fn need_address(regs: &RegisterSet, f: &FieldDef) -> Result<u64, String> {
    read_address(regs, f).ok_or_else(|| format!("SMMU_{}.{} is not in the register set", f.layout, f.name))
}

/// 2^log2 * bytes, None when it does not fit 64 bits.
fn table_bytes(log2: u32, bytes: u64) -> Option<u64> {
    1u64.checked_shl(log2)?.checked_mul(bytes)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum StFormat {
    Linear,
    TwoLevel,
}

/// The stream table as SMMU_STRTAB_BASE and SMMU_STRTAB_BASE_CFG describe it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StreamTable {
    /// Effective base address: SMMU_STRTAB_BASE.ADDR aligned as the SMMU aligns it (6.3.24).
    pub base: u64,
    /// The base address as programmed (the ADDR field as an address), before alignment.
    pub programmed_base: u64,
    /// log2 of the alignment the SMMU applies: the table size for a linear table, the larger
    /// of 64 bytes and the first-level table size for a 2-level table.
    pub align_log2: u32,
    pub format: StFormat,
    /// log2 of the number of StreamIDs covered (min of LOG2SIZE and SMMU_IDR1.SIDSIZE).
    pub log2size: u32,
    /// 2-level only: StreamID bits resolved by the level 2 tables.
    pub split: u32,
}

impl StreamTable {
    pub fn from_regs(regs: &RegisterSet) -> Result<Self, String> {
        let programmed_base = need_address(regs, &strtab_base::ADDR)?;
        let fmt = need(regs, &strtab_base_cfg::FMT)?;
        let log2 = need(regs, &strtab_base_cfg::LOG2SIZE)? as u32;
        // Without SMMU_IDR1 the StreamID size is unknown: LOG2SIZE alone limits the table.
        let sidsize = regs.read(&idr1::SIDSIZE).map(|v| v as u32).unwrap_or(32);
        let log2size = log2.min(sidsize).min(32);
        // 6.3.24: the SMMU aligns the effective base using the literal LOG2SIZE (and SPLIT),
        // not the value limited by SMMU_IDR1.SIDSIZE.
        let aligned = |align_log2: u32| -> u64 {
            if align_log2 >= 64 {
                0
            } else {
                programmed_base & !((1u64 << align_log2) - 1)
            }
        };
        let ste_log2 = STE_BYTES.trailing_zeros();
        let l1_log2 = L1STD_BYTES.trailing_zeros();
        match fmt {
            0 => {
                // Linear: ADDR[LOG2SIZE+5:0] = 0 (2^LOG2SIZE STEs).
                let align_log2 = log2.saturating_add(ste_log2);
                let base = aligned(align_log2);
                Ok(StreamTable { base, programmed_base, align_log2, format: StFormat::Linear, log2size, split: 0 })
            }
            1 => {
                let split_f = need(regs, &strtab_base_cfg::SPLIT)? as u32;
                // 2-level: ADDR[MAX(5, LOG2SIZE-SPLIT-1+3):0] = 0: 2^(LOG2SIZE-SPLIT) L1STDs,
                // at least 64 bytes.
                let align_log2 = log2.saturating_sub(split_f).saturating_add(l1_log2).max(ste_log2);
                let base = aligned(align_log2);
                // Only SPLIT = 6, 8 and 10 are architected; others behave as an UNKNOWN choice.
                Ok(StreamTable {
                    base,
                    programmed_base,
                    align_log2,
                    format: StFormat::TwoLevel,
                    log2size,
                    split: split_f.min(log2size),
                })
            }
            _ => Err(format!("SMMU_STRTAB_BASE_CFG.FMT = {fmt} is reserved")),
        }
    }
    /// When the programmed base has low bits the SMMU ignores: a sentence saying so.
    pub fn alignment_note(&self) -> Option<String> {
        if self.programmed_base == self.base {
            return None;
        }
        let what = match self.format {
            StFormat::Linear => "the table size",
            StFormat::TwoLevel => "the larger of 64 bytes and the first-level table size",
        };
        Some(format!(
            "SMMU_STRTAB_BASE.ADDR gives {:#x}, but the SMMU ignores ADDR bits [{}:{}] and aligns the base to {what} (2^{} bytes): effective base {:#x} (IHI 0070 6.3.24)",
            self.programmed_base,
            self.align_log2.saturating_sub(1),
            strtab_base::ADDR.lsb,
            self.align_log2,
            self.base
        ))
    }
    /// True when `sid` is inside the table.
    pub fn covers(&self, sid: u32) -> bool {
        self.log2size >= 32 || (sid as u64) < (1u64 << self.log2size)
    }
    /// Number of StreamIDs the table covers.
    pub fn stream_ids(&self) -> u64 {
        1u64 << self.log2size.min(32)
    }
    /// Bytes of the table SMMU_STRTAB_BASE points at: the STE array (linear) or the L1STD
    /// array (2-level). None when the size overflows.
    pub fn table_bytes(&self) -> Option<u64> {
        match self.format {
            StFormat::Linear => table_bytes(self.log2size, STE_BYTES),
            StFormat::TwoLevel => table_bytes(self.log2size.saturating_sub(self.split), L1STD_BYTES),
        }
    }
    pub fn linear_ste_addr(&self, sid: u32) -> Option<u64> {
        self.base.checked_add((sid as u64).checked_mul(STE_BYTES)?)
    }
    /// 2-level: the L1STD index of `sid` (StreamID[LOG2SIZE-1:SPLIT]).
    pub fn l1_index(&self, sid: u32) -> u64 {
        (sid as u64).checked_shr(self.split).unwrap_or(0)
    }
    pub fn l1std_addr(&self, sid: u32) -> Option<u64> {
        self.base.checked_add(self.l1_index(sid).checked_mul(L1STD_BYTES)?)
    }
    /// 2-level: the STE index of `sid` in its level 2 table (StreamID[SPLIT-1:0]).
    pub fn l2_index(&self, sid: u32) -> u64 {
        (sid as u64) & (1u64.checked_shl(self.split).unwrap_or(0).wrapping_sub(1))
    }
}

/// Bytes of the level 2 STE array an L1STD with `span` describes: 2^(Span-1) STEs (5.1).
/// None for Span = 0 (invalid) and reserved spans (above 12).
pub fn l2_table_bytes(span: u64) -> Option<u64> {
    if span == 0 || span > 12 {
        return None;
    }
    table_bytes(span as u32 - 1, STE_BYTES)
}

/// The level 2 STE array an L1STD points at: (L2Ptr, Span).
pub fn l1std(d: u64) -> (u64, u64) {
    (l1std::L2Ptr.address(&[d]), l1std::Span.get(&[d]))
}

/// Where the STE for `sid` is inside a level 2 table given by an L1STD: Err(reason) when the
/// L1STD does not cover it (C_BAD_STREAMID).
pub fn l2_ste_addr(l2ptr: u64, span: u64, l2_index: u64, split: u32) -> Result<u64, String> {
    if span == 0 {
        return Err("L1STD.Span = 0: the descriptor is invalid".into());
    }
    if span > 12 || span > split as u64 + 1 {
        return Err(format!("L1STD.Span = {span} is larger than SPLIT + 1 = {}: ILLEGAL", split + 1));
    }
    let n = 1u64 << (span - 1);
    if l2_index >= n {
        return Err(format!("StreamID offset {l2_index:#x} in the level 2 table is beyond its 2^(Span-1) = {n} STEs"));
    }
    l2ptr.checked_add(l2_index * STE_BYTES).ok_or_else(|| "address overflow".into())
}

/// Bytes of a level 2 CD table for STE.S1Fmt (IHI 0070 5.2): 4KB (4KL2) or 64KB (64KL2).
fn cd_l2_table_bytes(s1fmt: u64) -> Option<u64> {
    match s1fmt {
        1 => Some(4096),
        2 => Some(65536),
        _ => None,
    }
}

/// CD table layout for STE.S1Fmt: None for linear (or reserved), Some(level 2 index bits)
/// for 2-level (6 for 4KB level 2 tables, 10 for 64KB).
pub fn cd_split(s1fmt: u64) -> Option<u32> {
    cd_l2_table_bytes(s1fmt).map(|b| (b / CD_BYTES).trailing_zeros())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CdFormat {
    /// One CD (S1CDMax = 0) or a linear array of 2^S1CDMax CDs.
    Linear,
    /// L1CDs, each pointing at a level 2 array of 2^split CDs.
    TwoLevel { split: u32 },
}

/// The CD table an STE describes (STE.S1ContextPtr, S1Fmt, S1CDMax; IHI 0070 5.2, 5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CdTable {
    /// STE.S1ContextPtr as an address (an IPA when stage 2 translates).
    pub ptr: u64,
    /// STE.S1CDMax: SubstreamID bits (0: a single CD, no SubstreamIDs).
    pub s1cdmax: u32,
    pub format: CdFormat,
}

impl CdTable {
    /// From an STE. S1Fmt is IGNORED when S1CDMax = 0; its reserved encoding is an error.
    pub fn from_ste(w: &[u64]) -> Result<Self, String> {
        let s1cdmax = ste::S1CDMax.get(w) as u32;
        let fmt = ste::S1Fmt.get(w);
        let format = if s1cdmax == 0 || fmt == 0 {
            CdFormat::Linear
        } else {
            CdFormat::TwoLevel { split: cd_split(fmt).ok_or_else(|| format!("STE.S1Fmt = {fmt:#04b} is reserved"))? }
        };
        Ok(CdTable { ptr: ste::S1ContextPtr.address(w), s1cdmax, format })
    }
    /// Number of CDs: 2^S1CDMax.
    pub fn cds(&self) -> u64 {
        1u64.checked_shl(self.s1cdmax).unwrap_or(0)
    }
    /// True when `ssid` is below 2^S1CDMax.
    pub fn covers(&self, ssid: u64) -> bool {
        ssid < self.cds()
    }
    /// Bytes of the table S1ContextPtr points at: the CD array (linear) or the L1CD array
    /// (2-level, at least one L1CD).
    pub fn table_bytes(&self) -> Option<u64> {
        match self.format {
            CdFormat::Linear => table_bytes(self.s1cdmax, CD_BYTES),
            CdFormat::TwoLevel { split } => table_bytes(self.s1cdmax.saturating_sub(split), L1CD_BYTES),
        }
    }
    /// 2-level: bytes of each level 2 CD array.
    pub fn l2_table_bytes(&self) -> Option<u64> {
        match self.format {
            CdFormat::Linear => None,
            CdFormat::TwoLevel { split } => table_bytes(split, CD_BYTES),
        }
    }
    /// Linear: the address of CD `ssid`.
    pub fn linear_cd_addr(&self, ssid: u64) -> Option<u64> {
        self.ptr.checked_add(ssid.checked_mul(CD_BYTES)?)
    }
    /// 2-level: the L1CD index of `ssid` (SubstreamID[S1CDMax-1:split]).
    pub fn l1_index(&self, ssid: u64) -> u64 {
        match self.format {
            CdFormat::Linear => 0,
            CdFormat::TwoLevel { split } => ssid.checked_shr(split).unwrap_or(0),
        }
    }
    /// 2-level: the L1CD address for `ssid`.
    pub fn l1cd_addr(&self, ssid: u64) -> Option<u64> {
        self.ptr.checked_add(self.l1_index(ssid).checked_mul(L1CD_BYTES)?)
    }
    /// 2-level: the CD index of `ssid` in its level 2 array (SubstreamID[split-1:0]).
    pub fn l2_index(&self, ssid: u64) -> u64 {
        match self.format {
            CdFormat::Linear => ssid,
            CdFormat::TwoLevel { split } => ssid & 1u64.checked_shl(split).unwrap_or(0).wrapping_sub(1),
        }
    }
}

/// An L1CD: (V, L2Ptr as an address).
pub fn l1cd(d: u64) -> (bool, u64) {
    (l1cd::V.get(&[d]) != 0, l1cd::L2Ptr.address(&[d]))
}

/// The address of CD `l2_index` in the level 2 array at `l2ptr`.
pub fn l2_cd_addr(l2ptr: u64, l2_index: u64) -> Option<u64> {
    l2ptr.checked_add(l2_index.checked_mul(CD_BYTES)?)
}

/// A queue as SMMU_(CMDQ|EVENTQ|PRIQ)_BASE describes it (IHI 0070 3.5, 6.3.26 - 6.3.33).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QueueGeometry {
    pub queue: QueueId,
    /// Base address (the ADDR field as an address).
    pub base: u64,
    /// Effective log2 of the number of entries: LOG2SIZE, capped by SMMU_IDR1.CMDQS /
    /// EVENTQS / PRIQS when SMMU_IDR1 is known.
    pub log2size: u32,
    /// LOG2SIZE as programmed.
    pub programmed_log2size: u32,
}

impl QueueGeometry {
    pub fn from_regs(regs: &RegisterSet, q: QueueId) -> Result<Self, String> {
        let (addr, log2, max) = match q {
            QueueId::Cmdq => (&cmdq_base::ADDR, &cmdq_base::LOG2SIZE, &idr1::CMDQS),
            QueueId::Evtq => (&eventq_base::ADDR, &eventq_base::LOG2SIZE, &idr1::EVENTQS),
            QueueId::Priq => (&priq_base::ADDR, &priq_base::LOG2SIZE, &idr1::PRIQS),
        };
        let base = need_address(regs, addr)?;
        let programmed_log2size = need(regs, log2)? as u32;
        let log2size = match regs.read(max) {
            Some(m) => programmed_log2size.min(m as u32),
            None => programmed_log2size,
        };
        Ok(QueueGeometry { queue: q, base, log2size, programmed_log2size })
    }
    pub fn entry_bytes(&self) -> u64 {
        queue_entry_bytes(self.queue)
    }
    /// Number of entries: 2^log2size.
    pub fn entries(&self) -> u64 {
        1u64.checked_shl(self.log2size).unwrap_or(0)
    }
    /// Bytes of the queue.
    pub fn bytes(&self) -> Option<u64> {
        table_bytes(self.log2size, self.entry_bytes())
    }
    /// The entry a PROD or CONS value names: its index bits [log2size-1:0] (the wrap bit
    /// above them says which pass around the queue).
    pub fn entry_index(&self, ptr: u64) -> u64 {
        ptr & self.entries().wrapping_sub(1)
    }
    /// The address of entry `index`.
    pub fn entry_addr(&self, index: u64) -> Option<u64> {
        self.base.checked_add(index.checked_mul(self.entry_bytes())?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regs(cfg: u64, base: u64) -> RegisterSet {
        let mut r = RegisterSet::default();
        r.insert_named("STRTAB_BASE_CFG", cfg, Default::default());
        r.insert_named("STRTAB_BASE", base, Default::default());
        r
    }

    /// IHI 0070 6.3.24: linear table base aligned to the table size (ADDR[LOG2SIZE+5:0] = 0);
    /// 2-level to the larger of 64 bytes and the L1 table size.
    #[test]
    fn base_alignment_follows_6_3_24() {
        // Linear, LOG2SIZE = 8: 256 * 64 = 16KB.
        let t = StreamTable::from_regs(&regs(0x8, 0x7bc2_0040)).unwrap();
        assert_eq!(t.base, 0x7bc2_0000);
        assert_eq!(t.programmed_base, 0x7bc2_0040);
        assert!(t.alignment_note().unwrap().contains("[13:6]"));
        assert_eq!(t.table_bytes(), Some(16384));
        // 2-level (FMT = 1 at bit 16), SPLIT = 8 (bits [10:6]), LOG2SIZE = 16: 256 L1STDs = 2KB.
        let t = StreamTable::from_regs(&regs((1 << 16) | (8 << 6) | 16, 0x450d_7040)).unwrap();
        assert_eq!(t.base, 0x450d_7000);
        assert_eq!(t.table_bytes(), Some(2048));
        assert_eq!((t.l1_index(0x1234), t.l2_index(0x1234)), (0x12, 0x34));
        // 2-level, LOG2SIZE = 8, SPLIT = 8: a single L1STD: 64-byte alignment.
        let t = StreamTable::from_regs(&regs((1 << 16) | (8 << 6) | 8, 0x450d_7048)).unwrap();
        assert_eq!(t.base, 0x450d_7040);
        // Aligned bases are unchanged and say nothing.
        let t = StreamTable::from_regs(&regs(0x8, 0x7bc2_0000)).unwrap();
        assert_eq!(t.alignment_note(), None);
    }

    /// IHI 0070 5.1: a level 2 table holds 2^(Span-1) STEs of 64 bytes; 5.2 S1Fmt: 4KL2 level
    /// 2 tables hold 64 CDs, 64KL2 1024; CDs are 64 bytes (5.4); queue entries are 16-byte
    /// commands (4.1), 32-byte event records (7.3) and 16-byte PRI requests (8.1).
    #[test]
    fn sizes_from_the_spec() {
        assert_eq!((STE_BYTES, CD_BYTES, L1STD_BYTES, L1CD_BYTES), (64, 64, 8, 8));
        assert_eq!(l2_table_bytes(9), Some(256 * 64));
        assert_eq!(l2_table_bytes(0), None);
        assert_eq!((cd_split(1), cd_split(2), cd_split(0), cd_split(3)), (Some(6), Some(10), None, None));
        assert_eq!(queue_entry_bytes(QueueId::Cmdq), 16);
        assert_eq!(queue_entry_bytes(QueueId::Evtq), 32);
        assert_eq!(queue_entry_bytes(QueueId::Priq), 16);
        // STE with S1Fmt = 4KL2 (bits [5:4] = 0b01), S1CDMax = 8 (bits [63:59]).
        let w = [(8u64 << 59) | (1 << 4) | 0x4000_0000, 0, 0, 0, 0, 0, 0, 0];
        let t = CdTable::from_ste(&w).unwrap();
        assert_eq!(t.format, CdFormat::TwoLevel { split: 6 });
        assert_eq!(t.ptr, 0x4000_0000);
        assert_eq!((t.l1_index(0x85), t.l2_index(0x85)), (2, 5));
        assert_eq!(t.table_bytes(), Some(4 * 8));
        assert_eq!(t.l2_table_bytes(), Some(4096));
        assert_eq!(t.l1cd_addr(0x85), Some(0x4000_0010));
    }

    /// IHI 0070 6.3.26: SMMU_CMDQ_BASE.LOG2SIZE in bits [4:0], ADDR bits [55:5]; 6.3.2: the
    /// effective size is capped by SMMU_IDR1.CMDQS (bits [25:21]).
    #[test]
    fn queue_geometry() {
        let mut r = RegisterSet::default();
        r.insert_named("CMDQ_BASE", 0x4000_0000 | 10, Default::default());
        let q = QueueGeometry::from_regs(&r, QueueId::Cmdq).unwrap();
        assert_eq!((q.base, q.log2size, q.bytes()), (0x4000_0000, 10, Some(16 * 1024)));
        assert_eq!(q.entry_index((1 << 10) | 5), 5);
        assert_eq!(q.entry_addr(5), Some(0x4000_0050));
        r.insert_named("IDR1", 8 << 21, Default::default());
        let q = QueueGeometry::from_regs(&r, QueueId::Cmdq).unwrap();
        assert_eq!((q.log2size, q.programmed_log2size), (8, 10));
        assert!(QueueGeometry::from_regs(&r, QueueId::Evtq).is_err());
    }
}
