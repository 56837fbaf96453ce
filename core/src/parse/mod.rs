//! Parsers for pasted register dumps (all formats, auto-detected). OWNER: parser helper.
//!
//! Contract used by every frontend (keep these signatures):
//! `parse(text, &ParseOptions) -> Result<Parsed, ParseError>` for text input and
//! `parse_bytes(bytes, &ParseOptions)` for any input (binary formats, then text).

use crate::regset::{Origin, RegisterSet};
use serde::Serialize;

#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// Base address of the register page, for address-keyed dumps (`--base`).
    pub base: Option<u64>,
}

/// Which format the input was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

/// Parses text in any supported format (auto-detected).
pub fn parse(text: &str, _opts: &ParseOptions) -> Result<Parsed, ParseError> {
    // Placeholder until the parser lands: `NAME = VALUE` lines only.
    let mut registers = RegisterSet::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let mut it = line.splitn(2, '=');
        let (Some(n), Some(v)) = (it.next(), it.next()) else {
            return Err(ParseError { line: i + 1, column: 1, message: "expected NAME = VALUE".into() });
        };
        let value = crate::snapshot::parse_hex_u64(v).ok_or_else(|| ParseError {
            line: i + 1,
            column: raw.find('=').map(|c| c + 2).unwrap_or(1),
            message: format!("{:?} is not a hex value", v.trim()),
        })?;
        let origin = Origin { line: Some(i + 1), source: String::new() };
        if registers.insert_named(n.trim(), value, origin).is_none() {
            return Err(ParseError { line: i + 1, column: 1, message: format!("unknown register {:?}", n.trim()) });
        }
    }
    Ok(Parsed { registers, format: Format::NameValue, notes: vec![] })
}

/// Parses raw bytes: binary formats (the 40-byte `struct iommu_hw_info_arm_smmuv3`), else text.
pub fn parse_bytes(bytes: &[u8], opts: &ParseOptions) -> Result<Parsed, ParseError> {
    match std::str::from_utf8(bytes) {
        Ok(t) => parse(t, opts),
        Err(e) => Err(ParseError { line: 1, column: 1, message: format!("not text (invalid UTF-8 at byte {})", e.valid_up_to()) }),
    }
}
