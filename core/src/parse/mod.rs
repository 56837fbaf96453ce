//! Parsers for pasted register dumps (all formats, auto-detected).
//!
//! Contract used by every frontend (keep these signatures):
//! `parse(text, &ParseOptions) -> Result<Parsed, ParseError>` for text input and
//! `parse_bytes(bytes, &ParseOptions)` for any input (binary formats, then text).
//!
//! Every format is reduced to little-endian bytes at offsets in the SMMU register frame
//! (Page 0 at 0x0, Page 1 at 0x10000); registers are then assembled from the register table
//! ([`crate::regs::REGISTERS`]), so any subset of registers is accepted and the two 32-bit
//! halves of a 64-bit register combine. Differing values for the same bytes are an error
//! naming both lines (except in QEMU traces, where the last access wins). The accepted
//! formats are listed in docs/parse.md.

mod devmem;
mod dump;
mod hwinfo;
mod json;
mod lex;
mod lines;
mod store;
mod trace;

use crate::regset::RegisterSet;
use crate::snapshot::{Snapshot, SnapshotError};
use serde::Serialize;

#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// Base address of the register page, for address-keyed dumps (`--base`).
    pub base: Option<u64>,
}

/// Which format the input was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    NameValue,
    AddressValue,
    Devmem,
    Hexdump,
    Xxd,
    Od,
    HwInfoText,
    HwInfoBinary,
    Json,
    QemuTrace,
    Snapshot,
    /// FVP model parameters: `-C pci.pci_smmuv3.mmu.SMMU_IDR0=0x0046123B`.
    FvpParams,
    /// gem5 `SMMUv3.py` parameters: `smmu_idr0 = Param.UInt32(0x094C100F, "...")`.
    Gem5Params,
    /// A text table with `|` borders: `| SMMU_IDR1 | 0x00E0_0000 |`.
    Table,
}

impl Format {
    /// A short human description (`"devmem transcript"`).
    pub fn describe(&self) -> &'static str {
        match self {
            Format::NameValue => "NAME = VALUE lines",
            Format::AddressValue => "ADDRESS: VALUE lines",
            Format::Devmem => "devmem transcript",
            Format::Hexdump => "hexdump",
            Format::Xxd => "xxd dump",
            Format::Od => "od dump",
            Format::HwInfoText => "struct iommu_hw_info_arm_smmuv3 (text)",
            Format::HwInfoBinary => "struct iommu_hw_info_arm_smmuv3 (40 raw bytes)",
            Format::Json => "JSON",
            Format::QemuTrace => "QEMU trace",
            Format::Snapshot => "smmu-explorer snapshot",
            Format::FvpParams => "FVP model parameters",
            Format::Gem5Params => "gem5 SMMUv3 parameters",
            Format::Table => "register table",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.describe())
    }
}

#[derive(Debug, Clone)]
pub struct Parsed {
    pub registers: RegisterSet,
    pub format: Format,
    /// Things worth telling the user that are not errors (base inferred, lines skipped...).
    pub notes: Vec<String>,
}

/// An input error: what and where. Lines and columns are 1-based.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

const EXPECTED: &str = "expected register values: NAME = VALUE lines, ADDRESS: VALUE lines, a devmem transcript, \
hexdump -C / xxd / od output, struct iommu_hw_info_arm_smmuv3, JSON, QEMU smmuv3_read_mmio trace lines, \
FVP -C parameters, gem5 Param lines or a | NAME | VALUE | table";

/// Parses text in any supported format (auto-detected).
pub fn parse(text: &str, opts: &ParseOptions) -> Result<Parsed, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(lex::err(1, 1, format!("empty input; {EXPECTED}")));
    }
    let t = text.trim_start();
    let json_array = t.starts_with('[') && serde_json::from_str::<serde_json::Value>(text).is_ok();
    if t.starts_with('{') || json_array {
        if Snapshot::looks_like(text) {
            return snapshot(text);
        }
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(v) => {
                let out = json::parse(text, &v)?;
                let mut notes = out.notes;
                if out.hw_info {
                    notes.insert(0, "JSON form of struct iommu_hw_info_arm_smmuv3".into());
                }
                return store::assemble(out.pieces, Format::Json, opts, false, notes);
            }
            Err(e) => {
                if !hwinfo::detect(text) {
                    return Err(json::syntax_error(text, &e));
                }
            }
        }
    }
    // A trace or devmem transcript that yields no value (the words only appear in a comment,
    // say) falls through to the other formats.
    if trace::detect(text) {
        let out = trace::parse(text)?;
        if !out.pieces.is_empty() {
            return store::assemble(out.pieces, Format::QemuTrace, opts, true, out.notes);
        }
    }
    if devmem::detect(text) {
        let out = devmem::parse(text)?;
        if !out.pieces.is_empty() {
            return store::assemble(out.pieces, Format::Devmem, opts, false, out.notes);
        }
    }
    if hwinfo::detect(text) {
        let out = hwinfo::parse_text(text)?;
        return store::assemble(out.pieces, Format::HwInfoText, opts, false, out.notes);
    }
    let first = text.lines().find(|l| {
        let s = l.trim();
        !(s.is_empty()
            || s.starts_with('#')
            || s.starts_with("//")
            || lex::prompt_rest(l).is_some()
            || lex::is_dmesg(l))
    });
    if let Some(kind) = first.and_then(dump::classify) {
        let out = dump::parse(text, kind)?;
        return store::assemble(out.pieces, out.format, opts, false, out.notes);
    }
    let out = lines::parse(text)?;
    if out.pieces.is_empty() {
        let skipped = if out.notes.is_empty() { String::new() } else { format!(" ({})", out.notes.join("; ")) };
        return Err(lex::err(1, 1, format!("no register values found{skipped}; {EXPECTED}")));
    }
    store::assemble(out.pieces, out.format, opts, false, out.notes)
}

/// Parses raw bytes: binary formats (the 40-byte `struct iommu_hw_info_arm_smmuv3`), else text.
pub fn parse_bytes(bytes: &[u8], opts: &ParseOptions) -> Result<Parsed, ParseError> {
    if hwinfo::looks_binary(bytes) {
        let out = hwinfo::parse_binary(bytes)?;
        return store::assemble(out.pieces, Format::HwInfoBinary, opts, false, out.notes);
    }
    // A NUL byte never appears in a pasted dump: this is binary data of the wrong size.
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        let prefix = String::from_utf8_lossy(&bytes[..pos]);
        let line = prefix.matches('\n').count() + 1;
        let column = prefix.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
        return Err(lex::err(
            line,
            column,
            format!(
                "not text: NUL byte at byte {pos} (binary input is accepted only as the 40-byte struct iommu_hw_info_arm_smmuv3; this input is {} bytes)",
                bytes.len()
            ),
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(t) => parse(t, opts),
        Err(e) => {
            let good = bytes.get(..e.valid_up_to()).unwrap_or(&[]);
            let prefix = String::from_utf8_lossy(good);
            let line = prefix.matches('\n').count() + 1;
            let column = prefix.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
            Err(lex::err(
                line,
                column,
                format!(
                    "not text: invalid UTF-8 at byte {} (binary input is accepted only as the 40-byte struct iommu_hw_info_arm_smmuv3; this input is {} bytes)",
                    e.valid_up_to(),
                    bytes.len()
                ),
            ))
        }
    }
}

fn snapshot(text: &str) -> Result<Parsed, ParseError> {
    let s = Snapshot::from_json(text).map_err(|e| {
        let (line, column) = match &e {
            SnapshotError::UnknownRegister { name } | SnapshotError::BadRegisterValue { name, .. } => {
                json::locate(text, name, 0)
            }
            SnapshotError::Json(_) => match serde_json::from_str::<serde_json::Value>(text) {
                Err(je) => return json::syntax_error(text, &je),
                Ok(_) => (1, 1),
            },
            _ => (1, 1),
        };
        lex::err(line, column, format!("snapshot: {e}"))
    })?;
    if s.registers.is_empty() {
        return Err(lex::err(1, 1, "snapshot: no registers (\"registers\" is empty)"));
    }
    let mut notes = Vec::new();
    for name in &s.unknown_registers {
        let (line, column) = json::locate(text, name, 0);
        notes.push(format!(
            "line {line}, column {column}: snapshot register {name:?} is unknown to this build and was not decoded"
        ));
    }
    let chunks = s.memory.chunks().count();
    if chunks > 0 {
        notes.push(format!("snapshot also holds {chunks} memory chunks (not used for register decoding)"));
    }
    Ok(Parsed { registers: s.registers, format: Format::Snapshot, notes })
}
