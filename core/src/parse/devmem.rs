//! busybox `devmem` transcripts (`devmem ADDR [WIDTH]` then the value on the next line) and
//! `devmem2` output (`Read at address  0x09050000 (0x...): 0x0D44101A`).

use super::lex::{self, col_of, err, show};
use super::store::{le_bytes, Key, Piece};
use super::ParseError;

/// The `devmem`/`devmem2` command on a line, if any: (token index of the command, is devmem2).
fn find_cmd(toks: &[(usize, &str)]) -> Option<(usize, bool)> {
    toks.iter()
        .position(|(_, t)| {
            let base = t.rsplit('/').next().unwrap_or(t);
            base == "devmem" || base == "devmem2"
        })
        .map(|i| (i, toks.get(i).map(|(_, t)| t.ends_with("devmem2")).unwrap_or(false)))
}

/// True when some line runs devmem on an address.
pub(crate) fn detect(text: &str) -> bool {
    text.lines().any(|l| {
        let toks = lex::tokens(l);
        match find_cmd(&toks) {
            Some((i, _)) => toks.get(i + 1).is_some_and(|(_, a)| a.chars().next().is_some_and(|c| c.is_ascii_digit())),
            None => l.contains("Read at address") || l.contains("Value at address"),
        }
    })
}

/// busybox reads numbers like strtoull(.., 0): 0x hex, leading 0 octal, else decimal.
fn busybox_num(tok: &str) -> Result<u64, String> {
    if let Some(h) = tok.strip_prefix("0x").or_else(|| tok.strip_prefix("0X")) {
        return u64::from_str_radix(h, 16).map_err(|_| format!("{} is not a hex address", show(tok)));
    }
    if tok.len() > 1 && tok.starts_with('0') {
        return u64::from_str_radix(tok.get(1..).unwrap_or(""), 8)
            .map_err(|_| format!("{}: devmem reads a leading 0 as octal; write 0x...", show(tok)));
    }
    tok.parse::<u64>().map_err(|_| format!("expected an address (0x...), found {}", show(tok)))
}

struct Pending {
    line: usize,
    addr: u64,
    bytes: usize,
}

pub(crate) struct DevmemOut {
    pub pieces: Vec<Piece>,
    pub notes: Vec<String>,
}

pub(crate) fn parse(text: &str) -> Result<DevmemOut, ParseError> {
    let mut pieces = Vec::new();
    let mut notes = Vec::new();
    let mut pending: Option<Pending> = None;
    let mut devmem2_width: usize = 4;
    let (mut skipped, mut writes, mut no_value, mut decimal) = (0usize, 0usize, 0usize, 0usize);
    for (i, raw) in text.lines().enumerate() {
        let ln = i + 1;
        let toks = lex::tokens(raw);
        if toks.is_empty() {
            continue;
        }
        if let Some((ci, is2)) = find_cmd(&toks) {
            if pending.take().is_some() {
                no_value += 1;
            }
            let Some(&(_, atok)) = toks.get(ci + 1) else {
                skipped += 1;
                continue;
            };
            let acol = col_of(raw, atok);
            if is2 {
                devmem2_width = match toks.get(ci + 2).map(|(_, t)| t.to_ascii_lowercase()) {
                    Some(w) if w.starts_with('b') => 1,
                    Some(w) if w.starts_with('h') => 2,
                    Some(w) if w.starts_with('l') || w.starts_with('d') || w.starts_with('q') => 8,
                    _ => 4,
                };
                if toks.len() > ci + 3 {
                    writes += 1;
                }
                continue;
            }
            let addr = busybox_num(atok).map_err(|e| err(ln, acol, e))?;
            if !atok.starts_with("0x") && !atok.starts_with("0X") && atok != "0" {
                decimal += 1;
            }
            let bytes = match toks.get(ci + 2) {
                None => 4,
                Some(&(_, w)) => match w {
                    "8" | "b" => 1,
                    "16" | "h" => 2,
                    "32" | "w" => 4,
                    "64" | "l" => 8,
                    _ => {
                        return Err(err(
                            ln,
                            col_of(raw, w),
                            format!("expected a devmem width (8, 16, 32 or 64), found {}", show(w)),
                        ))
                    }
                },
            };
            if toks.len() > ci + 3 {
                writes += 1;
                continue;
            }
            pending = Some(Pending { line: ln, addr, bytes });
            continue;
        }
        let t = raw.trim();
        // devmem2: "Read at address  0x09050000 (0xffff...): 0x0D44101A"
        if let Some(p) = t.find("at address") {
            let after = t.get(p + "at address".len()..).unwrap_or("");
            let at = lex::tokens(after);
            if let (Some(&(_, a)), Some(&(_, v))) = (at.first(), at.last()) {
                let a = a.trim_end_matches(':');
                let addr = lex::addr_value(a).map_err(|e| err(ln, col_of(raw, a), e))?;
                let num = lex::reg_value(v).map_err(|e| err(ln, col_of(raw, v), e))?;
                let n = devmem2_width;
                if n < 8 && num.value >> (n * 8) != 0 {
                    return Err(err(
                        ln,
                        col_of(raw, v),
                        format!("value {:#x} does not fit a {}-bit read", num.value, n * 8),
                    ));
                }
                pieces.push(Piece::at(ln, col_of(raw, v), Key::Addr(addr.value), le_bytes(num.value, n)));
                continue;
            }
        }
        // A value line answers the pending command.
        if toks.len() == 1 {
            if let (Some(p), Some(&(_, v))) = (pending.as_ref(), toks.first()) {
                if v.starts_with("0x") || v.starts_with("0X") {
                    let vcol = col_of(raw, v);
                    let num = lex::reg_value(v).map_err(|e| err(ln, vcol, e))?;
                    if p.bytes < 8 && num.value >> (p.bytes * 8) != 0 {
                        return Err(err(
                            ln,
                            vcol,
                            format!(
                                "value {:#x} does not fit the {}-bit read on line {}",
                                num.value,
                                p.bytes * 8,
                                p.line
                            ),
                        ));
                    }
                    pieces.push(Piece::at(ln, vcol, Key::Addr(p.addr), le_bytes(num.value, p.bytes)));
                    pending = None;
                    continue;
                }
            }
        }
        // Anything else (prompts, error messages, other commands' output) is noise.
        skipped += 1;
    }
    if pending.is_some() {
        no_value += 1;
    }
    if writes > 0 {
        notes.push(format!("{writes} devmem writes skipped (only values read are register values)"));
    }
    if no_value > 0 {
        notes.push(format!("{no_value} devmem commands printed no value"));
    }
    if decimal > 0 {
        notes.push(format!("{decimal} devmem addresses without 0x read as decimal, as busybox does"));
    }
    if skipped > 0 {
        notes.push(format!("{skipped} lines that are not devmem commands or values skipped"));
    }
    Ok(DevmemOut { pieces, notes })
}
