//! The result of decoding a register dump: what `smmu decode --json`, the web app's
//! `decode()` and the explorer all print. Keys are a stable contract.

use crate::derived::{self, Summary};
use crate::parse::{Format, Parsed};
use crate::regset::RegisterInfo;

#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DecodeOutput {
    pub registers: Vec<RegisterInfo>,
    pub summary: Summary,
    pub format: Format,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl DecodeOutput {
    pub fn new(p: &Parsed) -> Self {
        DecodeOutput {
            registers: p.registers.decode(),
            summary: derived::summarize(&p.registers),
            format: p.format,
            notes: p.notes.clone(),
        }
    }
}
