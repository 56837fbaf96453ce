//! Stream table and CD table geometry (IHI 0070 3.3, 5.1, 5.3, 6.3.24): where the STE for a
//! StreamID and the CD for a SubstreamID live.

use crate::regset::RegisterSet;
use serde::Serialize;

pub const STE_BYTES: u64 = 64;
pub const CD_BYTES: u64 = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StFormat {
    Linear,
    TwoLevel,
}

/// The stream table as SMMU_STRTAB_BASE and SMMU_STRTAB_BASE_CFG describe it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StreamTable {
    /// Effective base address: SMMU_STRTAB_BASE.ADDR aligned as the SMMU aligns it (6.3.24).
    pub base: u64,
    /// The base address as programmed (ADDR << 6), before alignment.
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

fn field(regs: &RegisterSet, reg: &str, f: &str) -> Result<u64, String> {
    regs.field(reg, f).ok_or_else(|| format!("SMMU_{reg}.{f} is not in the register set"))
}

impl StreamTable {
    pub fn from_regs(regs: &RegisterSet) -> Result<Self, String> {
        let base_field = field(regs, "STRTAB_BASE", "ADDR")?;
        let programmed_base = base_field.checked_shl(6).unwrap_or(0);
        let fmt = field(regs, "STRTAB_BASE_CFG", "FMT")?;
        let log2 = field(regs, "STRTAB_BASE_CFG", "LOG2SIZE")? as u32;
        let sidsize = regs.field("IDR1", "SIDSIZE").map(|v| v as u32).unwrap_or(32);
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
        match fmt {
            0 => {
                // Linear: ADDR[LOG2SIZE+5:0] = 0 (2^LOG2SIZE STEs of 64 bytes).
                let align_log2 = log2.saturating_add(6);
                let base = aligned(align_log2);
                Ok(StreamTable { base, programmed_base, align_log2, format: StFormat::Linear, log2size, split: 0 })
            }
            1 => {
                let split_f = field(regs, "STRTAB_BASE_CFG", "SPLIT")? as u32;
                // 2-level: ADDR[MAX(5, LOG2SIZE-SPLIT-1+3):0] = 0: 2^(LOG2SIZE-SPLIT) L1STDs of
                // 8 bytes, at least 64 bytes.
                let align_log2 = log2.saturating_sub(split_f).saturating_add(3).max(6);
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
            "SMMU_STRTAB_BASE.ADDR gives {:#x}, but the SMMU ignores ADDR bits [{}:6] and aligns the base to {what} (2^{} bytes): effective base {:#x} (IHI 0070 6.3.24)",
            self.programmed_base,
            self.align_log2.saturating_sub(1),
            self.align_log2,
            self.base
        ))
    }
    /// True when `sid` is inside the table.
    pub fn covers(&self, sid: u32) -> bool {
        self.log2size >= 32 || (sid as u64) < (1u64 << self.log2size)
    }
    pub fn linear_ste_addr(&self, sid: u32) -> Option<u64> {
        self.base.checked_add((sid as u64).checked_mul(STE_BYTES)?)
    }
    pub fn l1_index(&self, sid: u32) -> u64 {
        (sid as u64) >> self.split
    }
    pub fn l1std_addr(&self, sid: u32) -> Option<u64> {
        self.base.checked_add(self.l1_index(sid).checked_mul(8)?)
    }
    pub fn l2_index(&self, sid: u32) -> u64 {
        (sid as u64) & ((1u64 << self.split) - 1)
    }
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

/// CD table layout for STE.S1Fmt: None for linear, Some(level 2 index bits) for 2-level.
pub fn cd_split(s1fmt: u64) -> Option<u32> {
    match s1fmt {
        1 => Some(6),
        2 => Some(10),
        _ => None,
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
        // 2-level (FMT = 1 at bit 16), SPLIT = 8 (bits [10:6]), LOG2SIZE = 16: 256 L1STDs = 2KB.
        let t = StreamTable::from_regs(&regs((1 << 16) | (8 << 6) | 16, 0x450d_7040)).unwrap();
        assert_eq!(t.base, 0x450d_7000);
        // 2-level, LOG2SIZE = 8, SPLIT = 8: a single L1STD: 64-byte alignment.
        let t = StreamTable::from_regs(&regs((1 << 16) | (8 << 6) | 8, 0x450d_7048)).unwrap();
        assert_eq!(t.base, 0x450d_7040);
        // Aligned bases are unchanged and say nothing.
        let t = StreamTable::from_regs(&regs(0x8, 0x7bc2_0000)).unwrap();
        assert_eq!(t.alignment_note(), None);
    }
}
