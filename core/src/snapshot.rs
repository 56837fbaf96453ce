//! The snapshot file: the common input of `walk`, `ptdump`, `forward`, the TUI and the web
//! app, and the output of `smmu collect` and `smmu scenario build`.
//!
//! ```json
//! {"smmu_explorer_snapshot": 1,
//!  "registers": {"IDR0": "0x0d44101a", "STRTAB_BASE": "0x40000000450d7000", ...},
//!  "memory": [{"pa": "0x44ecc000", "hex": "<raw bytes in address order>"}],
//!  "kernel": {...}, "firmware": {...}, "host": {...}, "provenance": {...}, "notes": ["..."]}
//! ```

use crate::mem::SparseMem;
use crate::regset::{Origin, RegisterSet};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const SNAPSHOT_VERSION: u64 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MemChunk {
    pub pa: String,
    pub hex: String,
    /// What the chunk holds (`"stream table"`, `"page table"`, ...), optional.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
}

/// The file as stored. Optional sections are kept as JSON so that newer writers' extra
/// data survives a round trip.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SnapshotFile {
    pub smmu_explorer_snapshot: u64,
    #[serde(default)]
    pub registers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub memory: Vec<MemChunk>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firmware: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Any other top-level section, preserved.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    #[error("not a snapshot: {0}")]
    Json(String),
    #[error("snapshot version {found} is not supported (this build reads version {SNAPSHOT_VERSION})")]
    Version { found: u64 },
    #[error("registers.{name}: unknown register name")]
    UnknownRegister { name: String },
    #[error("registers.{name}: {value:?} is not a hex value (expected 0x...)")]
    BadRegisterValue { name: String, value: String },
    #[error("memory[{index}].{field}: {msg}")]
    BadMemory { index: usize, field: &'static str, msg: String },
    /// Two chunks give different bytes for the same address (identical overlaps are fine).
    #[error("memory[{first}] (pa {first_pa:#x}) and memory[{second}] (pa {second_pa:#x}) disagree at {addr:#x}: {first_byte:#04x} vs {second_byte:#04x}")]
    ConflictingMemory {
        first: usize,
        first_pa: u64,
        second: usize,
        second_pa: u64,
        addr: u64,
        first_byte: u8,
        second_byte: u8,
    },
}

/// A loaded snapshot: registers and memory ready for use.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub file: SnapshotFile,
    pub registers: RegisterSet,
    pub memory: SparseMem,
    /// Register names this build does not know (kept in `file.registers`, not decoded):
    /// a newer writer's snapshot still loads.
    pub unknown_registers: Vec<String>,
}

/// Parses `0x`-prefixed (or bare) hex into u64.
pub fn parse_hex_u64(s: &str) -> Option<u64> {
    let t = s.trim();
    let t = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")).unwrap_or(t);
    let t: String = t.chars().filter(|c| *c != '_').collect();
    if t.is_empty() || t.len() > 16 {
        return None;
    }
    u64::from_str_radix(&t, 16).ok()
}

pub fn decode_hex_bytes(s: &str) -> Result<Vec<u8>, String> {
    let b = s.as_bytes();
    let digits: Vec<u8> = b.iter().copied().filter(|c| !c.is_ascii_whitespace()).collect();
    if digits.len() % 2 != 0 {
        return Err(format!("odd number of hex digits ({})", digits.len()));
    }
    let mut out = Vec::with_capacity(digits.len() / 2);
    for (i, pair) in digits.chunks(2).enumerate() {
        let hi = (pair[0] as char).to_digit(16);
        let lo = (pair[1] as char).to_digit(16);
        match (hi, lo) {
            (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
            _ => return Err(format!("byte {i}: {:?} is not hex", String::from_utf8_lossy(pair))),
        }
    }
    Ok(out)
}

/// Chunks that overlap must agree byte for byte: otherwise the snapshot contradicts itself
/// (like two values for one register). Sweeps the chunks in address order, comparing each
/// with the earlier chunks that still extend over it.
fn check_overlaps(chunks: &[(u64, Vec<u8>)]) -> Result<(), SnapshotError> {
    let end = |i: usize| chunks.get(i).map(|(pa, b)| pa.saturating_add(b.len() as u64)).unwrap_or(0);
    let mut order: Vec<usize> = (0..chunks.len()).collect();
    order.sort_by_key(|&i| (chunks.get(i).map(|c| c.0).unwrap_or(0), i));
    let mut active: Vec<usize> = Vec::new();
    for &j in &order {
        let Some((pa_j, bytes_j)) = chunks.get(j) else {
            continue;
        };
        active.retain(|&i| end(i) > *pa_j);
        for &i in &active {
            let Some((pa_i, bytes_i)) = chunks.get(i) else {
                continue;
            };
            // Overlap is [pa_j, min(end_i, end_j)); pa_i <= pa_j.
            let lo = *pa_j;
            let hi = end(i).min(end(j));
            let (Ok(oi), Ok(n)) = (usize::try_from(lo - pa_i), usize::try_from(hi.saturating_sub(lo))) else {
                continue;
            };
            let (Some(a), Some(b)) = (bytes_i.get(oi..oi.saturating_add(n)), bytes_j.get(..n)) else {
                continue;
            };
            if let Some(k) = a.iter().zip(b).position(|(x, y)| x != y) {
                let (first, second) = if i < j { (i, j) } else { (j, i) };
                let byte = |c: usize| if c == i { a.get(k) } else { b.get(k) }.copied().unwrap_or(0);
                return Err(SnapshotError::ConflictingMemory {
                    first,
                    first_pa: chunks.get(first).map(|c| c.0).unwrap_or(0),
                    second,
                    second_pa: chunks.get(second).map(|c| c.0).unwrap_or(0),
                    addr: lo.saturating_add(k as u64),
                    first_byte: byte(first),
                    second_byte: byte(second),
                });
            }
        }
        active.push(j);
    }
    Ok(())
}

pub fn encode_hex_bytes(b: &[u8]) -> String {
    const H: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        s.push(H[(x >> 4) as usize] as char);
        s.push(H[(x & 15) as usize] as char);
    }
    s
}

impl Snapshot {
    /// True when the text looks like a snapshot (so format detection can route it here).
    pub fn looks_like(text: &str) -> bool {
        text.trim_start().starts_with('{') && text.contains("\"smmu_explorer_snapshot\"")
    }

    pub fn from_json(text: &str) -> Result<Self, SnapshotError> {
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| SnapshotError::Json(e.to_string()))?;
        let ver = v
            .get("smmu_explorer_snapshot")
            .and_then(|x| x.as_u64())
            .ok_or_else(|| SnapshotError::Json("missing \"smmu_explorer_snapshot\": <version>".into()))?;
        if ver != SNAPSHOT_VERSION {
            return Err(SnapshotError::Version { found: ver });
        }
        let file: SnapshotFile = serde_json::from_value(v).map_err(|e| SnapshotError::Json(e.to_string()))?;
        Self::from_file(file)
    }

    pub fn from_file(file: SnapshotFile) -> Result<Self, SnapshotError> {
        if file.smmu_explorer_snapshot != SNAPSHOT_VERSION {
            return Err(SnapshotError::Version { found: file.smmu_explorer_snapshot });
        }
        let mut registers = RegisterSet::new();
        let mut unknown_registers = Vec::new();
        for (name, val) in &file.registers {
            let value = parse_hex_u64(val)
                .ok_or_else(|| SnapshotError::BadRegisterValue { name: name.clone(), value: val.clone() })?;
            let origin = Origin { line: None, source: format!("snapshot registers.{name}") };
            if registers.insert_named(name, value, origin).is_none() {
                unknown_registers.push(name.clone());
            }
        }
        let mut chunks: Vec<(u64, Vec<u8>)> = Vec::with_capacity(file.memory.len());
        for (index, c) in file.memory.iter().enumerate() {
            let pa = parse_hex_u64(&c.pa).ok_or_else(|| SnapshotError::BadMemory {
                index,
                field: "pa",
                msg: format!("{:?} is not a hex address", c.pa),
            })?;
            let bytes =
                decode_hex_bytes(&c.hex).map_err(|msg| SnapshotError::BadMemory { index, field: "hex", msg })?;
            if pa.checked_add(bytes.len() as u64).is_none() {
                return Err(SnapshotError::BadMemory { index, field: "pa", msg: "chunk wraps past 2^64".into() });
            }
            chunks.push((pa, bytes));
        }
        check_overlaps(&chunks)?;
        let mut memory = SparseMem::new();
        for (pa, bytes) in chunks {
            memory.insert(pa, bytes);
        }
        Ok(Snapshot { file, registers, memory, unknown_registers })
    }

    /// Builds a snapshot from parts (used by `collect` and the scenario builder).
    pub fn new(registers: RegisterSet, memory: SparseMem) -> Self {
        let file = SnapshotFile {
            smmu_explorer_snapshot: SNAPSHOT_VERSION,
            registers: registers.to_hex_map(),
            memory: memory
                .chunks()
                .map(|(pa, d)| MemChunk { pa: format!("{pa:#x}"), hex: encode_hex_bytes(d), roles: vec![] })
                .collect(),
            kernel: None,
            firmware: None,
            host: None,
            provenance: None,
            notes: vec![],
            extra: BTreeMap::new(),
        };
        Snapshot { file, registers, memory, unknown_registers: vec![] }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.file).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mem::PhysMem;
    #[test]
    fn version_is_checked() {
        let e = Snapshot::from_json(r#"{"smmu_explorer_snapshot": 2}"#).unwrap_err();
        assert_eq!(e, SnapshotError::Version { found: 2 });
    }
    #[test]
    fn loads_registers_and_memory() {
        let s = Snapshot::from_json(
            r#"{"smmu_explorer_snapshot":1,"registers":{"IDR0":"0x0d44101a"},
               "memory":[{"pa":"0x1000","hex":"0102030405060708"}]}"#,
        )
        .unwrap();
        assert_eq!(s.registers.get("IDR0"), Some(0x0d44101a));
        assert_eq!(s.memory.read_u64_le(0x1000).unwrap(), 0x0807060504030201);
    }
    #[test]
    fn overlapping_chunks_must_agree() {
        let snap = |mem: &str| {
            Snapshot::from_json(&format!(r#"{{"smmu_explorer_snapshot":1,"registers":{{}},"memory":[{mem}]}}"#))
        };
        // Identical overlap (and touching chunks) load.
        let s = snap(r#"{"pa":"0x1000","hex":"01020304"},{"pa":"0x1002","hex":"0304"},{"pa":"0x1004","hex":"05"}"#)
            .unwrap();
        assert_eq!(s.memory.read_u32_le(0x1001).unwrap(), 0x05040302);
        // A later chunk inside an earlier one, one byte different: both named, with the address.
        let e =
            snap(r#"{"pa":"0x1000","hex":"0102030405060708"},{"pa":"0x2000","hex":"00"},{"pa":"0x1004","hex":"05ff"}"#)
                .unwrap_err();
        assert_eq!(
            e,
            SnapshotError::ConflictingMemory {
                first: 0,
                first_pa: 0x1000,
                second: 2,
                second_pa: 0x1004,
                addr: 0x1005,
                first_byte: 6,
                second_byte: 0xff
            }
        );
        let msg = e.to_string();
        assert!(msg.contains("memory[0]") && msg.contains("memory[2]") && msg.contains("0x1005"), "{msg}");
        // Order in the file does not matter for which is "first".
        let e = snap(r#"{"pa":"0x1004","hex":"ff"},{"pa":"0x1000","hex":"0102030405"}"#).unwrap_err();
        assert!(matches!(e, SnapshotError::ConflictingMemory { first: 0, second: 1, addr: 0x1004, .. }), "{e:?}");
    }
}
