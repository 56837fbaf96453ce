//! `NAME = VALUE`, `ADDRESS: VALUE` and `idr[N] = VALUE` lines.

use super::lex::{self, col, col_of, err, show};
use super::store::{le_bytes, Key, Piece};
use super::{Format, ParseError};
use crate::regs::{self, RegDef};

/// What a line's key names.
pub(crate) enum Target {
    /// A whole register, or one 32-bit half (`byte` 0 or 4) of a 64-bit register.
    Reg { reg: &'static RegDef, byte: u64, half: bool },
    /// A field of `struct iommu_hw_info_arm_smmuv3` that is not a register (`flags`, `__reserved`).
    HwInfoOnly(&'static str),
}

/// The fields of `struct iommu_hw_info_arm_smmuv3` (include/uapi/linux/iommufd.h) in order:
/// `flags`, `__reserved`, `idr[6]`, `iidr`, `aidr`: 10 little-endian u32s, 40 bytes.
pub(crate) const HW_INFO_WORDS: usize = 10;
pub(crate) const HW_INFO_IDRS: usize = 6;

/// The register a `struct iommu_hw_info_arm_smmuv3` word holds (`None` for flags/__reserved).
pub(crate) fn hw_info_word(i: usize) -> Option<&'static str> {
    match i {
        2 => Some("IDR0"),
        3 => Some("IDR1"),
        4 => Some("IDR2"),
        5 => Some("IDR3"),
        6 => Some("IDR4"),
        7 => Some("IDR5"),
        8 => Some("IIDR"),
        9 => Some("AIDR"),
        _ => None,
    }
}

/// Looks up a register for a name as people write it: any case, `SMMU_`/`ARM_SMMU_` prefix,
/// `_LO`/`_HI` halves of 64-bit registers.
pub(crate) fn lookup_name(name: &str) -> Result<Target, String> {
    // Register names are ASCII; anything else is unknown (and must not reach `by_name`,
    // which slices by bytes).
    if !name.is_ascii() || name.is_empty() {
        return Err(format!("unknown register {}", show(name)));
    }
    let n = name.strip_prefix("ARM_").or_else(|| name.strip_prefix("arm_")).unwrap_or(name);
    if let Some(r) = regs::by_name(n).or_else(|| regs::by_name(name)) {
        return Ok(Target::Reg { reg: r, byte: 0, half: false });
    }
    let upper = n.to_ascii_uppercase();
    for (suf, byte) in [("_LO", 0u64), ("_HI", 4u64), ("_L", 0), ("_H", 4)] {
        if let Some(stem) = upper.strip_suffix(suf) {
            if let Some(r) = regs::by_name(stem) {
                if r.width != 64 {
                    return Err(format!("{name}: {} is a 32-bit register and has no {suf} half", r.name));
                }
                return Ok(Target::Reg { reg: r, byte, half: true });
            }
        }
    }
    Err(format!("unknown register {}", show(name)))
}

/// A hw_info key: `idr[N]`, `iidr`, `aidr`, `flags`, `__reserved`, with an optional
/// `something.` prefix. `Ok(None)` when `key` is not a hw_info key.
pub(crate) fn hw_info_key(key: &str) -> Result<Option<Target>, String> {
    let k = key.rsplit('.').next().unwrap_or(key);
    let lower = k.to_ascii_lowercase();
    if lower == "flags" {
        return Ok(Some(Target::HwInfoOnly("flags")));
    }
    if lower == "__reserved" {
        return Ok(Some(Target::HwInfoOnly("__reserved")));
    }
    if let Some(rest) = lower.strip_prefix("idr[") {
        let Some(num) = rest.strip_suffix(']') else {
            return Err(format!("{}: expected idr[N] with N from 0 to 5", show(key)));
        };
        let i: usize = num.trim().parse().map_err(|_| format!("{}: expected idr[N] with N from 0 to 5", show(key)))?;
        if i >= HW_INFO_IDRS {
            return Err(format!("{}: struct iommu_hw_info_arm_smmuv3 has idr[0] to idr[5]", show(key)));
        }
        return reg_for_word(i + 2).map(Some);
    }
    if k != key && (lower == "iidr" || lower == "aidr") {
        return reg_for_word(if lower == "iidr" { 8 } else { 9 }).map(Some);
    }
    Ok(None)
}

pub(crate) fn reg_for_word(i: usize) -> Result<Target, String> {
    let name = hw_info_word(i).ok_or_else(|| "not a register word".to_string())?;
    regs::by_name(name)
        .map(|reg| Target::Reg { reg, byte: 0, half: false })
        .ok_or_else(|| format!("register {name} is not in the register table"))
}

fn unquote(t: &str) -> &str {
    t.strip_prefix('"').and_then(|x| x.strip_suffix('"')).unwrap_or(t)
}

pub(crate) struct KvOut {
    pub pieces: Vec<Piece>,
    pub notes: Vec<String>,
    pub format: Format,
}

/// Builds the piece for a named target. `vcol` is the value's column.
pub(crate) fn named_piece(t: &Target, line: usize, vcol: usize, value: u64) -> Result<Option<Piece>, ParseError> {
    match t {
        Target::HwInfoOnly(_) => Ok(None),
        Target::Reg { reg, byte, half } => {
            let (n, label) = if *half {
                (4usize, format!("{}_{}", reg.name, if *byte == 0 { "LO" } else { "HI" }))
            } else {
                (reg.width as usize / 8, reg.name.to_string())
            };
            if n < 8 && value >> (n * 8) != 0 {
                let what = if *half {
                    format!("a 32-bit half of {}", reg.name)
                } else {
                    format!("32-bit register {}", reg.name)
                };
                return Err(err(
                    line,
                    vcol,
                    format!("value {value:#x} does not fit {what}; expected at most 0xffffffff"),
                ));
            }
            Ok(Some(Piece::named(line, vcol, reg.offset as u64 + byte, le_bytes(value, n), label)))
        }
    }
}

/// Parses `KEY [=|:] VALUE` lines. Keys are register names, hw_info keys or addresses.
pub(crate) fn parse(text: &str) -> Result<KvOut, ParseError> {
    let mut pieces = Vec::new();
    let mut notes = Vec::new();
    let mut noise = 0usize;
    let mut prompts = 0usize;
    let (mut addressed, mut hw) = (0usize, 0usize);
    let mut flags: Option<u64> = None;
    for (i, raw) in text.lines().enumerate() {
        let ln = i + 1;
        let body = lex::strip_comment(raw);
        let t = body.trim();
        if t.is_empty() {
            continue;
        }
        let t = t.trim_end_matches([',', ';']).trim_end();
        // key: up to whitespace, '=' or ':'
        let kend = t.find(|c: char| c.is_whitespace() || c == '=' || c == ':').unwrap_or(t.len());
        let key_raw = t.get(..kend).unwrap_or("");
        let key = unquote(key_raw);
        let mut rest = t.get(kend..).unwrap_or("").trim_start();
        if let Some(r) = rest.strip_prefix('=').or_else(|| rest.strip_prefix(':')) {
            rest = r.trim_start();
        }
        let toks = lex::tokens(rest);
        let kcol = col_of(raw, key_raw);
        // Classify the key.
        let is_addr = lex::is_addr_token(key) && !key.chars().all(|c| c.is_ascii_alphabetic());
        let target: Option<Result<Target, String>> = if is_addr {
            None
        } else {
            match hw_info_key(key) {
                Ok(Some(t)) => {
                    hw += 1;
                    Some(Ok(t))
                }
                Ok(None) => Some(lookup_name(key)),
                Err(e) => Some(Err(e)),
            }
        };
        let looks_data = toks.len() == 1 && (is_addr || matches!(target, Some(Ok(_))));
        if !looks_data {
            if lex::prompt_rest(raw).is_some() {
                prompts += 1;
                continue;
            }
            if lex::is_dmesg(raw) {
                noise += 1;
                continue;
            }
        }
        if let Some(Err(e)) = &target {
            return Err(err(
                ln,
                kcol,
                format!("{e}; expected a register name (IDR0, SMMU_CR0, STRTAB_BASE_LO...), idr[N] or an address"),
            ));
        }
        let Some(&(_, vtok_raw)) = toks.first() else {
            return Err(err(
                ln,
                col(raw, lex::offset_in(raw, t) + t.len()),
                "expected a value after the name (NAME = 0x...)",
            ));
        };
        if let Some(&(_, extra)) = toks.get(1) {
            return Err(err(
                ln,
                col_of(raw, extra),
                format!("unexpected {} after the value; expected one value per line", show(extra)),
            ));
        }
        let vtok = unquote(vtok_raw);
        let vcol = col_of(raw, vtok_raw);
        let num = lex::reg_value(vtok).map_err(|e| err(ln, vcol, e))?;
        match target {
            Some(Ok(tg)) => {
                if let Target::HwInfoOnly(which) = tg {
                    if which == "flags" {
                        flags = Some(num.value);
                    }
                    continue;
                }
                if let Some(p) = named_piece(&tg, ln, vcol, num.value)? {
                    pieces.push(p);
                }
            }
            _ => {
                let a = lex::addr_value(key).map_err(|e| err(ln, kcol, e))?;
                addressed += 1;
                let n = if num.value > u32::MAX as u64 || num.digits >= 16 { 8 } else { 4 };
                pieces.push(Piece::at(ln, vcol, Key::Addr(a.value), le_bytes(num.value, n)));
            }
        }
    }
    if let Some(f) = flags {
        notes.push(format!("iommu_hw_info_arm_smmuv3.flags = {f:#x}"));
    }
    if prompts > 0 {
        notes.push(format!("{prompts} shell prompt lines skipped"));
    }
    if noise > 0 {
        notes.push(format!("{noise} kernel log lines skipped"));
    }
    let format = if addressed > 0 {
        Format::AddressValue
    } else if hw > 0 {
        Format::HwInfoText
    } else {
        Format::NameValue
    };
    Ok(KvOut { pieces, notes, format })
}
