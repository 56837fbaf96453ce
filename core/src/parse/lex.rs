//! Small lexical helpers shared by every format: columns, numbers, noise lines.

use super::ParseError;

/// 1-based character column of byte position `byte` in `line`.
pub(crate) fn col(line: &str, byte: usize) -> usize {
    line.get(..byte).map(|s| s.chars().count()).unwrap_or(0) + 1
}

/// Byte offset of `sub` (a slice of `line`) within `line`.
pub(crate) fn offset_in(line: &str, sub: &str) -> usize {
    (sub.as_ptr() as usize).saturating_sub(line.as_ptr() as usize).min(line.len())
}

/// Column of a sub-slice of `line`.
pub(crate) fn col_of(line: &str, sub: &str) -> usize {
    col(line, offset_in(line, sub))
}

pub(crate) fn err(line: usize, column: usize, message: impl Into<String>) -> ParseError {
    ParseError { line, column, message: message.into() }
}

/// Shortens a token for an error message.
pub(crate) fn show(tok: &str) -> String {
    let mut s: String = tok.chars().take(40).collect();
    if tok.chars().count() > 40 {
        s.push('…');
    }
    format!("{s:?}")
}

/// A number as written: its value and how many hex digits were written (for widths).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Num {
    pub value: u64,
    pub digits: usize,
}

fn hex_digits(t: &str) -> Result<Num, String> {
    let mut value: u64 = 0;
    let mut digits = 0usize;
    let mut significant = false;
    for c in t.chars() {
        if c == '_' {
            continue;
        }
        let d = c.to_digit(16).ok_or_else(|| format!("{c:?} is not a hex digit"))?;
        digits += 1;
        if d != 0 {
            significant = true;
        }
        if significant {
            value = value
                .checked_mul(16)
                .and_then(|v| v.checked_add(d as u64))
                .ok_or_else(|| "value does not fit in 64 bits".to_string())?;
        }
    }
    if digits == 0 {
        return Err("no hex digits".into());
    }
    Ok(Num { value, digits })
}

fn strip_0x(t: &str) -> Option<&str> {
    t.strip_prefix("0x").or_else(|| t.strip_prefix("0X"))
}

/// A register value: `0x` hex, bare hex of exactly 8 or 16 digits, or a single decimal digit
/// (which reads the same in any base).
pub(crate) fn reg_value(tok: &str) -> Result<Num, String> {
    if let Some(h) = strip_0x(tok) {
        return hex_digits(h).map_err(|e| format!("{}: {e}", show(tok)));
    }
    let all_hex = !tok.is_empty() && tok.chars().all(|c| c.is_ascii_hexdigit());
    if all_hex && (tok.len() == 8 || tok.len() == 16) {
        return hex_digits(tok).map_err(|e| format!("{}: {e}", show(tok)));
    }
    if tok.len() == 1 && tok.chars().all(|c| c.is_ascii_digit()) {
        return hex_digits(tok);
    }
    if all_hex {
        Err(format!(
            "ambiguous number {}: write hex values with a 0x prefix (or as exactly 8 or 16 hex digits)",
            show(tok)
        ))
    } else {
        Err(format!("expected a hex value (0x...), found {}", show(tok)))
    }
}

/// How a format writes numbers without `0x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Conv {
    /// Dump tools (devmem-like `NAME VALUE`, readbacks): bare digits are hex.
    Hex(&'static str),
    /// Parameters and assignments (FVP `-C`, gem5 `Param`, `NAME = VALUE`): bare digits are decimal.
    Decimal(&'static str),
}

/// A register value under a format's convention: `0x` hex; bare digits with a hex letter
/// (`d44101b`) are hex whatever the convention; bare all-digit values of more than one digit
/// are ambiguous and read by `conv`, with a note (the second result) saying so.
pub(crate) fn reg_value_conv(tok: &str, conv: Conv) -> Result<(Num, Option<String>), String> {
    if strip_0x(tok).is_some() {
        return reg_value(tok).map(|n| (n, None));
    }
    let body: String = tok.chars().filter(|&c| c != '_').collect();
    if body.is_empty() || tok.starts_with('_') || !body.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!("expected a value (0x..., hex digits or a decimal number), found {}", show(tok)));
    }
    if !body.chars().all(|c| c.is_ascii_digit()) {
        return hex_digits(tok).map(|n| (n, None)).map_err(|e| format!("{}: {e}", show(tok)));
    }
    if body.len() == 1 {
        return hex_digits(tok).map(|n| (n, None));
    }
    match conv {
        Conv::Hex(why) => {
            let n = hex_digits(tok).map_err(|e| format!("{}: {e}", show(tok)))?;
            let dec = body.parse::<u64>().map(|d| format!("{d:#x}")).unwrap_or_else(|_| "too big".into());
            Ok((n, Some(format!("{tok} has no 0x and could be hex or decimal: read as hex {:#x} ({why}); as decimal it would be {dec}", n.value))))
        }
        Conv::Decimal(why) => {
            if body.starts_with('0') {
                return Err(format!(
                    "{}: ambiguous number with a leading zero (hex, octal or decimal?); write hex values with a 0x prefix",
                    show(tok)
                ));
            }
            let value: u64 = body.parse().map_err(|_| format!("{}: value does not fit in 64 bits", show(tok)))?;
            let n = Num { value, digits: 0 };
            Ok((n, Some(format!("{tok} has no 0x and could be hex or decimal: read as decimal {value} = {value:#x} ({why}); as hex it would be 0x{body}"))))
        }
    }
}

/// An address or offset key: `0x` hex or bare hex of any length.
pub(crate) fn addr_value(tok: &str) -> Result<Num, String> {
    let h = strip_0x(tok).unwrap_or(tok);
    hex_digits(h).map_err(|e| format!("expected an address, found {}: {e}", show(tok)))
}

/// True when `tok` is shaped like an address (hex digits with optional 0x).
pub(crate) fn is_addr_token(tok: &str) -> bool {
    let h = strip_0x(tok).unwrap_or(tok);
    !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit() || c == '_') && h.chars().next().is_some_and(|c| c != '_')
}

/// A C / gdb / JSON-style integer: `0x` hex, else decimal; `u`/`l` suffixes allowed.
pub(crate) fn c_value(tok: &str) -> Result<Num, String> {
    let t = tok.trim_end_matches(['u', 'U', 'l', 'L']);
    if let Some(h) = strip_0x(t) {
        return hex_digits(h).map_err(|e| format!("{}: {e}", show(tok)));
    }
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("expected a number (0x... or decimal), found {}", show(tok)));
    }
    if t.len() > 1 && t.starts_with('0') {
        return Err(format!("{}: leading-zero (octal) numbers are not accepted; write 0x...", show(tok)));
    }
    let value: u64 = t.parse().map_err(|_| format!("{}: value does not fit in 64 bits", show(tok)))?;
    Ok(Num { value, digits: 0 })
}

/// Removes a trailing `#` or `//` comment.
pub(crate) fn strip_comment(line: &str) -> &str {
    let mut end = line.len();
    if let Some(i) = line.find('#') {
        end = end.min(i);
    }
    if let Some(i) = line.find("//") {
        end = end.min(i);
    }
    line.get(..end).unwrap_or(line)
}

/// A kernel log line: `[   12.345678] ...`.
pub(crate) fn is_dmesg(line: &str) -> bool {
    let t = line.trim_start();
    let Some(rest) = t.strip_prefix('[') else {
        return false;
    };
    let Some(close) = rest.find(']') else {
        return false;
    };
    let inner = rest.get(..close).unwrap_or("").trim();
    let mut parts = inner.splitn(2, '.');
    let a = parts.next().unwrap_or("");
    let b = parts.next().unwrap_or("");
    !a.is_empty() && !b.is_empty() && a.chars().all(|c| c.is_ascii_digit()) && b.chars().all(|c| c.is_ascii_digit())
}

/// A shell prompt (with or without a command): `$ cmd`, `/ # cmd`, `root@host:~# cmd`,
/// `[root@host ~]$ cmd`. Returns the text after the prompt.
pub(crate) fn prompt_rest(line: &str) -> Option<&str> {
    let t = line.trim_start();
    for (i, c) in t.char_indices() {
        if c == '$' || c == '#' || c == '>' || c == '%' {
            let after = t.get(i + 1..).unwrap_or("");
            if !(after.is_empty() || after.starts_with([' ', '\t'])) {
                continue;
            }
            let p = t.get(..i).unwrap_or("").trim_end();
            let ok = p.is_empty()
                || (p.starts_with('[') && p.ends_with(']'))
                || (!p.contains(char::is_whitespace) && p.chars().any(|c| "@:/~".contains(c)));
            return if ok { Some(after) } else { None };
        }
        if i > 80 {
            break;
        }
    }
    None
}

/// Splits a line into whitespace-separated tokens with their byte offsets.
pub(crate) fn tokens(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in line.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push((s, line.get(s..i).unwrap_or("")));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((s, line.get(s..).unwrap_or("")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn values() {
        assert_eq!(reg_value("0x0d44101a").unwrap().value, 0x0d44101a);
        assert_eq!(reg_value("0D44101A").unwrap().value, 0x0d44101a);
        assert_eq!(reg_value("0").unwrap().value, 0);
        assert!(reg_value("74").is_err());
        let d = Conv::Decimal("test");
        let h = Conv::Hex("test");
        assert_eq!(reg_value_conv("116", d).unwrap().0.value, 116);
        assert!(reg_value_conv("116", d).unwrap().1.is_some());
        assert_eq!(reg_value_conv("116", h).unwrap().0.value, 0x116);
        assert_eq!(reg_value_conv("d44101b", d).unwrap().0.value, 0xd44101b);
        assert!(reg_value_conv("d44101b", h).unwrap().1.is_none());
        assert!(reg_value_conv("0116", d).is_err());
        assert!(reg_value_conv("1x", d).is_err());
        assert!(reg_value_conv("_", h).is_err());
        assert_eq!(reg_value_conv("7", d).unwrap(), (Num { value: 7, digits: 1 }, None));
        assert!(reg_value("0x1ffffffffffffffff").is_err());
        assert_eq!(reg_value("0x00000000000000000001").unwrap().value, 1);
        assert_eq!(c_value("116").unwrap().value, 116);
        assert_eq!(c_value("0x74U").unwrap().value, 0x74);
    }
    #[test]
    fn noise() {
        assert!(is_dmesg("[    1.466233] arm-smmu-v3 9050000.smmuv3: oas 44-bit"));
        assert_eq!(prompt_rest("/ # devmem 0x9050000"), Some(" devmem 0x9050000"));
        assert_eq!(prompt_rest("root@host:~# ls"), Some(" ls"));
        assert_eq!(prompt_rest("$ cat x"), Some(" cat x"));
        assert_eq!(prompt_rest("IDR0 = 0x1 # c"), None);
        assert_eq!(col("é=x", 2), 2);
    }
}
