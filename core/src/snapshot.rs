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
/// The `"schema"` member of a written snapshot (docs/schema/snapshot.schema.json).
pub const SNAPSHOT_SCHEMA: &str = "smmu-explorer/snapshot/1";

/// At most this many `memory` chunks in one snapshot (a real capture has a few thousand).
pub const MAX_MEMORY_CHUNKS: usize = 1 << 20;
/// At most this many bytes of memory in one snapshot, summed over the chunks as given
/// (overlaps counted each time): 256 MiB.
pub const MAX_MEMORY_BYTES: u64 = 256 << 20;
/// What one load accepts: [`Limits::DEFAULT`] is [`MAX_MEMORY_CHUNKS`] and
/// [`MAX_MEMORY_BYTES`]; a caller with less memory to spare (the web app) may ask for less.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub chunks: usize,
    pub bytes: u64,
}

impl Limits {
    pub const DEFAULT: Limits = Limits { chunks: MAX_MEMORY_CHUNKS, bytes: MAX_MEMORY_BYTES };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// How many characters of a user's value an error message repeats.
pub const MAX_ECHO_CHARS: usize = 40;

/// A user's value for an error message: whole when short, else its first
/// [`MAX_ECHO_CHARS`] characters and its length (`"0x1234...... (1048576 bytes)"`), so an
/// error never repeats a megabyte of input. Quoted like `{:?}`.
pub fn clip(s: &str) -> String {
    match s.char_indices().nth(MAX_ECHO_CHARS) {
        None => format!("{s:?}"),
        Some((cut, _)) => {
            let head = s.get(..cut).unwrap_or("");
            format!("{head:?}... ({} bytes)", s.len())
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    #[error("registers.{}: unknown register name", clip_bare(.name))]
    UnknownRegister { name: String },
    #[error("registers.{}: {} is not a hex value (expected 0x...)", clip_bare(.name), clip(.value))]
    BadRegisterValue { name: String, value: String },
    /// More chunks or bytes than this build loads (see [`MAX_MEMORY_CHUNKS`],
    /// [`MAX_MEMORY_BYTES`]).
    #[error("memory: {given} {what} given, at most {limit} are loaded")]
    TooMuchMemory { what: &'static str, limit: u64, given: u64 },
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

/// [`clip`] without the quotes, for names printed bare.
fn clip_bare(s: &str) -> String {
    match s.char_indices().nth(MAX_ECHO_CHARS) {
        None => s.to_string(),
        Some((cut, _)) => format!("{}... ({} bytes)", s.get(..cut).unwrap_or(""), s.len()),
    }
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
    // 0..=15 for a hex digit, SKIP for whitespace, BAD otherwise.
    const SKIP: u8 = 0x10;
    const BAD: u8 = 0xff;
    const TABLE: [u8; 256] = {
        let mut t = [BAD; 256];
        let mut i = 0;
        while i < 10 {
            t[b'0' as usize + i] = i as u8;
            i += 1;
        }
        let mut i = 0;
        while i < 6 {
            t[b'a' as usize + i] = 10 + i as u8;
            t[b'A' as usize + i] = 10 + i as u8;
            i += 1;
        }
        t[b' ' as usize] = SKIP;
        t[b'\t' as usize] = SKIP;
        t[b'\n' as usize] = SKIP;
        t[b'\r' as usize] = SKIP;
        t[0x0c] = SKIP;
        t
    };
    let mut out = Vec::with_capacity(s.len() / 2);
    let mut high: Option<u8> = None;
    for &c in s.as_bytes() {
        let n = TABLE[usize::from(c)];
        if n == SKIP {
            continue;
        }
        if n == BAD {
            let i = out.len();
            let pair = match high {
                Some(h) => format!("{}{}", char::from(b"0123456789abcdef"[usize::from(h)]), char::from(c)),
                None => char::from(c).to_string(),
            };
            return Err(format!("byte {i}: {} is not hex", clip(&pair)));
        }
        match high {
            Some(h) => {
                out.push(h << 4 | n);
                high = None;
            }
            None => high = Some(n),
        }
    }
    if high.is_some() {
        return Err(format!("odd number of hex digits ({})", out.len() * 2 + 1));
    }
    Ok(out)
}

/// Chunks that overlap must agree byte for byte: otherwise the snapshot contradicts itself
/// (like two values for one register). Sorts the chunks by address once and sweeps them,
/// merging each run of overlapping chunks into one buffer: every byte given is compared or
/// copied once, so the work is O(n log n + bytes). Returns the merged, non-overlapping runs
/// in address order (chunks that merely touch stay separate).
fn merge_chunks(chunks: Vec<(u64, Vec<u8>)>) -> Result<Vec<(u64, Vec<u8>)>, SnapshotError> {
    let mut order: Vec<usize> = (0..chunks.len()).collect();
    order.sort_by_key(|&i| (chunks.get(i).map(|c| c.0).unwrap_or(0), i));
    let mut chunks: Vec<Option<(u64, Vec<u8>)>> = chunks.into_iter().map(Some).collect();
    // (index, pa, len) of each chunk taken into the current run, for naming a conflict.
    let mut members: Vec<(usize, u64, u64)> = Vec::new();
    let mut out: Vec<(u64, Vec<u8>)> = Vec::new();
    let mut run: Option<(u64, Vec<u8>)> = None;
    for &j in &order {
        let Some((pa_j, bytes_j)) = chunks.get_mut(j).and_then(Option::take) else {
            continue;
        };
        if bytes_j.is_empty() {
            continue;
        }
        let len_j = bytes_j.len() as u64;
        let end_j = pa_j.saturating_add(len_j);
        let Some((lo, buf)) = run.as_mut().filter(|(lo, buf)| lo.saturating_add(buf.len() as u64) > pa_j) else {
            // No overlap with the current run: it is complete.
            out.extend(run.take());
            members.clear();
            members.push((j, pa_j, len_j));
            run = Some((pa_j, bytes_j));
            continue;
        };
        let hi = lo.saturating_add(buf.len() as u64);
        // Overlap is [pa_j, min(hi, end_j)), and pa_j >= lo.
        let (Ok(off), Ok(n)) = (usize::try_from(pa_j - *lo), usize::try_from(hi.min(end_j) - pa_j)) else {
            return Err(SnapshotError::BadMemory { index: j, field: "hex", msg: "chunk too large".into() });
        };
        let old = buf.get(off..off.saturating_add(n)).unwrap_or(&[]);
        let new = bytes_j.get(..n).unwrap_or(&[]);
        if let Some(k) = old.iter().zip(new).position(|(x, y)| x != y) {
            let addr = pa_j.saturating_add(k as u64);
            // The earliest chunk (in address order) of the run that holds the address.
            let (i, pa_i, _) = members
                .iter()
                .copied()
                .find(|&(_, p, l)| p <= addr && addr < p.saturating_add(l))
                .unwrap_or((j, pa_j, len_j));
            let (byte_i, byte_j) = (old.get(k).copied().unwrap_or(0), new.get(k).copied().unwrap_or(0));
            let (first, second, first_byte, second_byte) =
                if i < j { (i, j, byte_i, byte_j) } else { (j, i, byte_j, byte_i) };
            return Err(SnapshotError::ConflictingMemory {
                first,
                first_pa: if first == i { pa_i } else { pa_j },
                second,
                second_pa: if second == i { pa_i } else { pa_j },
                addr,
                first_byte,
                second_byte,
            });
        }
        if end_j > hi {
            buf.extend_from_slice(bytes_j.get(n..).unwrap_or(&[]));
        }
        members.push((j, pa_j, len_j));
    }
    out.extend(run);
    Ok(out)
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
        // The version first (skipping the rest unbuilt), so that another version's layout
        // is reported as such; then the file in one pass, with no intermediate JSON tree.
        #[derive(Deserialize)]
        struct Head {
            smmu_explorer_snapshot: Option<serde_json::Value>,
        }
        let head: Head = serde_json::from_str(text).map_err(|e| SnapshotError::Json(e.to_string()))?;
        let ver = head
            .smmu_explorer_snapshot
            .and_then(|x| x.as_u64())
            .ok_or_else(|| SnapshotError::Json("missing \"smmu_explorer_snapshot\": <version>".into()))?;
        if ver != SNAPSHOT_VERSION {
            return Err(SnapshotError::Version { found: ver });
        }
        let file: SnapshotFile = serde_json::from_str(text).map_err(|e| SnapshotError::Json(e.to_string()))?;
        Self::from_file(file)
    }

    pub fn from_file(file: SnapshotFile) -> Result<Self, SnapshotError> {
        Self::from_file_with_limits(file, Limits::DEFAULT)
    }

    /// [`Snapshot::from_file`] with other limits on the memory chunks.
    pub fn from_file_with_limits(file: SnapshotFile, limits: Limits) -> Result<Self, SnapshotError> {
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
        if file.memory.len() > limits.chunks {
            return Err(SnapshotError::TooMuchMemory {
                what: "chunks",
                limit: limits.chunks as u64,
                given: file.memory.len() as u64,
            });
        }
        // Hex digits (whitespace aside) are twice the bytes: check the total before decoding.
        let given: u64 = file.memory.iter().map(|c| (c.hex.len() / 2) as u64).sum();
        let digits = |c: &MemChunk| c.hex.bytes().filter(|b| !b.is_ascii_whitespace()).count() as u64;
        if given > limits.bytes {
            let given: u64 = file.memory.iter().map(|c| digits(c) / 2).sum();
            if given > limits.bytes {
                return Err(SnapshotError::TooMuchMemory { what: "bytes", limit: limits.bytes, given });
            }
        }
        let mut chunks: Vec<(u64, Vec<u8>)> = Vec::with_capacity(file.memory.len());
        for (index, c) in file.memory.iter().enumerate() {
            let pa = parse_hex_u64(&c.pa).ok_or_else(|| SnapshotError::BadMemory {
                index,
                field: "pa",
                msg: format!("{} is not a hex address", clip(&c.pa)),
            })?;
            let bytes =
                decode_hex_bytes(&c.hex).map_err(|msg| SnapshotError::BadMemory { index, field: "hex", msg })?;
            if pa.checked_add(bytes.len() as u64).is_none() {
                return Err(SnapshotError::BadMemory { index, field: "pa", msg: "chunk wraps past 2^64".into() });
            }
            chunks.push((pa, bytes));
        }
        let mut memory = SparseMem::new();
        for (pa, bytes) in merge_chunks(chunks)? {
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

    /// The snapshot as written by `collect` and `scenario build`: `"schema":
    /// "smmu-explorer/snapshot/1"` first (kept as read when the file already names one).
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        struct Named<'a> {
            schema: &'static str,
            #[serde(flatten)]
            file: &'a SnapshotFile,
        }
        let r = if self.file.extra.contains_key("schema") {
            serde_json::to_string_pretty(&self.file)
        } else {
            serde_json::to_string_pretty(&Named { schema: SNAPSHOT_SCHEMA, file: &self.file })
        };
        r.unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
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
