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
    pub base: u64,
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
        let base = base_field << 6;
        let fmt = field(regs, "STRTAB_BASE_CFG", "FMT")?;
        let log2 = field(regs, "STRTAB_BASE_CFG", "LOG2SIZE")? as u32;
        let sidsize = regs.field("IDR1", "SIDSIZE").map(|v| v as u32).unwrap_or(32);
        let log2size = log2.min(sidsize).min(32);
        match fmt {
            0 => Ok(StreamTable { base, format: StFormat::Linear, log2size, split: 0 }),
            1 => {
                let split = field(regs, "STRTAB_BASE_CFG", "SPLIT")? as u32;
                // Only SPLIT = 6, 8 and 10 are architected; others behave as an UNKNOWN choice.
                Ok(StreamTable { base, format: StFormat::TwoLevel, log2size, split: split.min(log2size) })
            }
            _ => Err(format!("SMMU_STRTAB_BASE_CFG.FMT = {fmt} is reserved")),
        }
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
        return Err(format!(
            "StreamID offset {l2_index:#x} in the level 2 table is beyond its 2^(Span-1) = {n} STEs"
        ));
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
