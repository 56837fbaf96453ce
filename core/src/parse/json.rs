//! JSON: `{"IDR0": "0x0d44101a", ...}` (hex strings or integers), `{"registers": {...}}`,
//! `smmu decode --json` output (`{"registers": [{"name": ..., "value": ...}]}`) and the
//! iommufd form `{"idr": [...], "iidr": ..., "aidr": ..., "flags": ...}`.

use super::lex::{self, err};
use super::lines::{self, named_piece, Target};
use super::store::Piece;
use super::ParseError;
use serde_json::Value;

pub(crate) struct JsonOut {
    pub pieces: Vec<Piece>,
    pub notes: Vec<String>,
    pub hw_info: bool,
}

/// Line and column (1-based, characters) of the `n`th occurrence of `"key"` in the text.
pub(crate) fn locate(text: &str, key: &str, nth: usize) -> (usize, usize) {
    let needle = format!("\"{key}\"");
    let mut from = 0usize;
    let mut found = None;
    for _ in 0..=nth {
        match text.get(from..).and_then(|s| s.find(&needle)) {
            Some(p) => {
                found = Some(from + p);
                from = from + p + needle.len();
            }
            None => break,
        }
    }
    let Some(at) = found else { return (1, 1) };
    let before = text.get(..at).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|p| p + 1).unwrap_or(0);
    (line, lex::col(text.get(line_start..).unwrap_or(""), at - line_start))
}

/// Converts a serde_json error position (byte column) into a ParseError.
pub(crate) fn syntax_error(text: &str, e: &serde_json::Error) -> ParseError {
    let line = e.line().max(1);
    let l = text.lines().nth(line - 1).unwrap_or("");
    let column = if e.column() == 0 { 1 } else { lex::col(l, e.column().saturating_sub(1).min(l.len())) };
    let msg = e.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    err(line, column, format!("invalid JSON: {msg}"))
}

fn value_of(v: &Value, what: &str, at: (usize, usize)) -> Result<u64, ParseError> {
    match v {
        Value::String(s) => {
            lex::reg_value(s.trim()).map(|n| n.value).map_err(|e| err(at.0, at.1, format!("{what}: {e}")))
        }
        Value::Number(n) => n
            .as_u64()
            .ok_or_else(|| err(at.0, at.1, format!("{what}: {n} is not a non-negative integer that fits 64 bits"))),
        other => Err(err(
            at.0,
            at.1,
            format!("{what}: expected a hex string (\"0x...\") or an integer, found {}", kind(other)),
        )),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub(crate) fn parse(text: &str, v: &Value) -> Result<JsonOut, ParseError> {
    let Value::Object(top) = v else {
        return Err(err(1, 1, format!("expected a JSON object of registers, found {}", kind(v))));
    };
    let mut out = JsonOut { pieces: Vec::new(), notes: Vec::new(), hw_info: false };
    if top.contains_key("idr") {
        out.hw_info = true;
        for (k, val) in top {
            let at = locate(text, k, 0);
            match k.as_str() {
                "idr" => {
                    let Value::Array(a) = val else {
                        return Err(err(
                            at.0,
                            at.1,
                            format!("idr: expected an array of 6 values, found {}", kind(val)),
                        ));
                    };
                    if a.len() > lines::HW_INFO_IDRS {
                        return Err(err(
                            at.0,
                            at.1,
                            format!(
                                "idr: struct iommu_hw_info_arm_smmuv3 has 6 idr entries, this array has {}",
                                a.len()
                            ),
                        ));
                    }
                    for (i, x) in a.iter().enumerate() {
                        let n = value_of(x, &format!("idr[{i}]"), at)?;
                        push(&mut out, &lines::reg_for_word(i + 2).map_err(|e| err(at.0, at.1, e))?, at, n)?;
                    }
                }
                "iidr" | "aidr" | "flags" | "__reserved" => {
                    let n = value_of(val, k, at)?;
                    match k.as_str() {
                        "flags" => out.notes.push(format!("iommu_hw_info_arm_smmuv3.flags = {n:#x}")),
                        "__reserved" => {}
                        _ => {
                            let w = if k == "iidr" { 8 } else { 9 };
                            push(&mut out, &lines::reg_for_word(w).map_err(|e| err(at.0, at.1, e))?, at, n)?;
                        }
                    }
                }
                _ => {
                    return Err(err(
                        at.0,
                        at.1,
                        format!("unknown key {k:?}; expected flags, __reserved, idr, iidr or aidr"),
                    ));
                }
            }
        }
        return Ok(out);
    }
    let regs_v = match top.get("registers") {
        Some(r) => r,
        None => v,
    };
    // serde_json's map keeps only the last of duplicate keys: read the top-level entries in
    // order so that `{"IDR0": "0x1", "IDR0": "0x2"}` is a conflict, not a silent choice.
    let entries: Vec<(String, Value)> = match (regs_v, serde_json::from_str::<Entries>(text)) {
        (Value::Object(_), Ok(Entries(e))) if std::ptr::eq(regs_v, v) => e,
        (Value::Object(m), _) => m.iter().map(|(k, x)| (k.clone(), x.clone())).collect(),
        _ => Vec::new(),
    };
    match regs_v {
        Value::Object(_) => {
            let mut seen: std::collections::HashMap<&str, usize> = Default::default();
            for (k, val) in &entries {
                let nth = seen.entry(k.as_str()).or_insert(0);
                let at = locate(text, k, *nth);
                *nth += 1;
                if std::ptr::eq(regs_v, v) && k == "notes" {
                    continue;
                }
                let t = lines::lookup_name(k.trim()).map_err(|e| {
                    err(at.0, at.1, format!("{e}; expected register names as keys (\"IDR0\": \"0x...\")"))
                })?;
                let n = value_of(val, k, at)?;
                push(&mut out, &t, at, n)?;
            }
        }
        Value::Array(a) => {
            for (i, e) in a.iter().enumerate() {
                let name = e.get("name").and_then(|n| n.as_str());
                let at = name.map(|n| locate(text, n, 0)).unwrap_or((1, 1));
                let (Some(name), Some(val)) = (name, e.get("value")) else {
                    return Err(err(at.0, at.1, format!("registers[{i}]: expected {{\"name\": ..., \"value\": ...}}")));
                };
                let t = lines::lookup_name(name).map_err(|e| err(at.0, at.1, e))?;
                let n = value_of(val, name, at)?;
                push(&mut out, &t, at, n)?;
            }
        }
        other => {
            return Err(err(1, 1, format!("\"registers\": expected an object or array, found {}", kind(other))));
        }
    }
    Ok(out)
}

fn push(out: &mut JsonOut, t: &Target, at: (usize, usize), n: u64) -> Result<(), ParseError> {
    if let Some(p) = named_piece(t, at.0, at.1, n)? {
        out.pieces.push(p);
    }
    Ok(())
}

/// A JSON object's entries in order, duplicates included.
struct Entries(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Entries {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Entries;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Entries, A::Error> {
                let mut v = Vec::new();
                while let Some(e) = m.next_entry::<String, Value>()? {
                    v.push(e);
                }
                Ok(Entries(v))
            }
        }
        d.deserialize_map(V)
    }
}
