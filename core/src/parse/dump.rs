//! Byte dumps of the register page: `hexdump -C`, `hexdump`/`hexdump -x`, `xxd` (plain,
//! `-g N`, `-e`), `od -A x -t x1/x2/x4/x8` (and od's default octal offsets). Little endian.

use super::lex::{self, col, col_of, err, show};
use super::store::{Key, Piece};
use super::{Format, ParseError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `hexdump -C`: offset, 16 bytes, `|ascii|`.
    HexdumpC,
    /// `xxd`: `offset: groups  ascii`.
    Xxd,
    /// `od`/`hexdump` word dumps: offset then little-endian words.
    Words,
}

/// Guesses whether the first data line is a dump line, and which.
pub(crate) fn classify(line: &str) -> Option<Kind> {
    let toks = lex::tokens(line);
    let (_, first) = *toks.first()?;
    if let Some(off) = first.strip_suffix(':') {
        if off.len() >= 4 && off.chars().all(|c| c.is_ascii_hexdigit()) {
            let after = line.get(lex::offset_in(line, first) + first.len()..).unwrap_or("");
            let (groups, ascii) = split_xxd(after);
            let ng = lex::tokens(groups).len();
            if ng >= 2 || (ng == 1 && !ascii.trim().is_empty()) {
                return Some(Kind::Xxd);
            }
        }
        return None;
    }
    if first.len() < 6 || !first.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let rest: Vec<&str> = toks.iter().skip(1).map(|(_, t)| *t).collect();
    let data: Vec<&str> = rest.iter().copied().take_while(|t| !t.starts_with('|')).collect();
    let hex = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_hexdigit());
    if line.contains('|') && data.first().is_some_and(|t| t.len() == 2 && hex(t)) {
        return Some(Kind::HexdumpC);
    }
    if let (Some(a), Some(b)) = (rest.first(), rest.get(1)) {
        if [2, 4, 8, 16].contains(&a.len()) && a.len() == b.len() && hex(a) && hex(b) {
            return Some(Kind::Words);
        }
    }
    None
}

/// xxd: the groups end at the first run of two spaces; the rest is the ASCII column.
fn split_xxd(after: &str) -> (&str, &str) {
    let a = after.strip_prefix(' ').unwrap_or(after);
    match a.find("  ") {
        Some(i) => (a.get(..i).unwrap_or(""), a.get(i..).unwrap_or("")),
        None => (a, ""),
    }
}

enum Entry {
    Data { line: usize, col: usize, off_text: String, off_col: usize, bytes: Vec<u8> },
    Star { line: usize },
    End { line: usize, off_text: String, off_col: usize },
}

fn hexbyte_pairs(tok: &str) -> Option<Vec<u8>> {
    if !tok.len().is_multiple_of(2) || tok.is_empty() {
        return None;
    }
    let b = tok.as_bytes();
    let mut out = Vec::with_capacity(b.len() / 2);
    for pair in b.chunks(2) {
        let s = std::str::from_utf8(pair).ok()?;
        out.push(u8::from_str_radix(s, 16).ok()?);
    }
    Some(out)
}

pub(crate) struct DumpOut {
    pub pieces: Vec<Piece>,
    pub notes: Vec<String>,
    pub format: Format,
}

pub(crate) fn parse(text: &str, kind: Kind) -> Result<DumpOut, ParseError> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut notes = Vec::new();
    let mut prompts = 0usize;
    // xxd groups wider than a byte: both byte orders, decided after reading everything.
    let mut xxd_groups: Vec<(usize, usize, Vec<u8>, String)> = Vec::new(); // (entry idx, group width, bytes in print order, ascii)
    let mut word_width: Option<usize> = None;
    let expected = match kind {
        Kind::HexdumpC => "a hexdump -C line (OFFSET  xx xx ...  |ascii|)",
        Kind::Xxd => "an xxd line (OFFSET: xxxx xxxx ...  ascii)",
        Kind::Words => "an od/hexdump line (OFFSET WORD WORD ...)",
    };
    for (i, raw) in text.lines().enumerate() {
        let ln = i + 1;
        let t = raw.trim();
        if t.is_empty() {
            continue;
        }
        if t == "*" {
            entries.push(Entry::Star { line: ln });
            continue;
        }
        let toks = lex::tokens(raw);
        let Some(&(_, first)) = toks.first() else {
            continue;
        };
        let off_tok = if kind == Kind::Xxd { first.strip_suffix(':').unwrap_or("") } else { first };
        let off_ok = !off_tok.is_empty()
            && off_tok.chars().all(|c| c.is_ascii_hexdigit())
            && (kind != Kind::Xxd || first.ends_with(':'));
        if !off_ok {
            if lex::prompt_rest(raw).is_some() || t.starts_with('#') || t.starts_with("//") {
                prompts += 1;
                continue;
            }
            return Err(err(ln, col_of(raw, first), format!("expected {expected}, found {}", show(first))));
        }
        let off_col = col_of(raw, first);
        let after_start = lex::offset_in(raw, first) + first.len();
        let after = raw.get(after_start..).unwrap_or("");
        let mut bytes = Vec::new();
        let mut first_col = 0usize;
        match kind {
            Kind::HexdumpC => {
                let data = match after.find('|') {
                    Some(p) => after.get(..p).unwrap_or(""),
                    None => after,
                };
                for (o, tok) in lex::tokens(data) {
                    let c = col(raw, after_start + o);
                    if first_col == 0 {
                        first_col = c;
                    }
                    match hexbyte_pairs(tok) {
                        Some(b) if b.len() == 1 => bytes.extend(b),
                        _ => return Err(err(ln, c, format!("expected a byte (two hex digits), found {}", show(tok)))),
                    }
                }
            }
            Kind::Xxd => {
                let (groups, ascii) = split_xxd(after);
                let gstart = lex::offset_in(raw, groups);
                for (o, tok) in lex::tokens(groups) {
                    let c = col(raw, gstart + o);
                    if first_col == 0 {
                        first_col = c;
                    }
                    let Some(b) = hexbyte_pairs(tok) else {
                        return Err(err(ln, c, format!("expected a group of hex byte pairs, found {}", show(tok))));
                    };
                    if b.len() > 1 {
                        xxd_groups.push((entries.len(), b.len(), b.clone(), ascii.trim_start().to_string()));
                    }
                    bytes.extend(b);
                }
            }
            Kind::Words => {
                for (o, tok) in lex::tokens(after) {
                    let c = col(raw, after_start + o);
                    if first_col == 0 {
                        first_col = c;
                    }
                    let w = *word_width.get_or_insert(tok.len());
                    let Some(mut b) = (if tok.len() == w { hexbyte_pairs(tok) } else { None }) else {
                        return Err(err(ln, c, format!("expected a {w}-digit hex word, found {}", show(tok))));
                    };
                    b.reverse(); // words are printed as little-endian numbers
                    bytes.extend(b);
                }
            }
        }
        if bytes.is_empty() {
            entries.push(Entry::End { line: ln, off_text: off_tok.to_string(), off_col });
        } else {
            entries.push(Entry::Data { line: ln, col: first_col, off_text: off_tok.to_string(), off_col, bytes });
        }
    }
    // xxd byte order: plain xxd prints groups in memory order; xxd -e prints little-endian
    // words. The ASCII column (memory order) tells them apart when it shows any printable byte.
    if kind == Kind::Xxd && !xxd_groups.is_empty() {
        let (mut mem_votes, mut le_votes) = (0usize, 0usize);
        // Rebuild each line's bytes both ways and compare printable characters with the ASCII column.
        let mut by_entry: std::collections::BTreeMap<usize, (Vec<u8>, Vec<u8>, String)> = Default::default();
        for (e, _w, b, ascii) in &xxd_groups {
            let ent = by_entry.entry(*e).or_insert_with(|| (Vec::new(), Vec::new(), ascii.clone()));
            ent.0.extend(b.iter().copied());
            ent.1.extend(b.iter().rev().copied());
        }
        for (mem, le, ascii) in by_entry.values() {
            for (i, ch) in ascii.chars().enumerate() {
                if !(ch.is_ascii_graphic() || ch == ' ') || ch == '.' {
                    continue;
                }
                let c = ch as u32 as u8;
                if mem.get(i) == Some(&c) {
                    mem_votes += 1;
                }
                if le.get(i) == Some(&c) {
                    le_votes += 1;
                }
            }
        }
        let gw = xxd_groups.first().map(|g| g.1).unwrap_or(2);
        let little = if le_votes != mem_votes { le_votes > mem_votes } else { gw == 4 || gw == 8 };
        if little {
            notes.push(format!("xxd groups of {gw} bytes read as little-endian words (xxd -e)"));
            for e in entries.iter_mut() {
                if let Entry::Data { bytes, .. } = e {
                    let mut out = Vec::with_capacity(bytes.len());
                    for ch in bytes.chunks(gw) {
                        out.extend(ch.iter().rev());
                    }
                    *bytes = out;
                }
            }
        } else {
            notes.push(format!("xxd groups of {gw} bytes read in memory order (plain xxd)"));
        }
    }
    // Offset radix: hexdump -C and xxd are hex; od prints octal unless -A x / -A d.
    let radix = if kind == Kind::Words { choose_radix(&entries) } else { 16 };
    let format = match kind {
        Kind::HexdumpC => Format::Hexdump,
        Kind::Xxd => Format::Xxd,
        Kind::Words => {
            let w = entries.iter().find_map(|e| match e {
                Entry::Data { off_text, .. } => Some(off_text.len()),
                _ => None,
            });
            if radix == 16 && w == Some(7) {
                Format::Hexdump
            } else {
                Format::Od
            }
        }
    };
    if radix == 8 {
        notes.push("offsets read as octal (od's default -A o)".into());
    } else if radix == 10 {
        notes.push("offsets read as decimal (od -A d)".into());
    }
    let mut pieces = Vec::new();
    let mut prev: Option<(u64, Vec<u8>, usize, usize)> = None; // (offset, bytes, line, col)
    let mut star_pending: Option<usize> = None;
    for e in &entries {
        match e {
            Entry::Star { line } => {
                if prev.is_none() {
                    return Err(err(*line, 1, "a '*' repeat line must follow a data line"));
                }
                star_pending = Some(*line);
            }
            Entry::Data { line, off_text, off_col, .. } | Entry::End { line, off_text, off_col } => {
                let off = u64::from_str_radix(off_text, radix).map_err(|_| {
                    err(
                        *line,
                        *off_col,
                        format!("offset {} is not a base-{radix} number that fits 64 bits", show(off_text)),
                    )
                })?;
                if let Some((poff, pbytes, _pl, pcol)) = &prev {
                    let pend = poff.saturating_add(pbytes.len() as u64);
                    if off < pend {
                        return Err(err(
                            *line,
                            *off_col,
                            format!("offset {off:#x} goes backwards; expected {pend:#x} or more (dump lines must be in address order)"),
                        ));
                    }
                    if let Some(sl) = star_pending.take() {
                        if off > pend {
                            pieces.push(Piece {
                                line: sl,
                                col: *pcol,
                                key: Key::Addr(pend),
                                bytes: pbytes.clone(),
                                label: None,
                                clip: true,
                                repeat_to: Some(off),
                            });
                        }
                    } else if off != pend && matches!(e, Entry::Data { .. }) {
                        notes.push(format!("line {line}: gap in the dump before offset {off:#x}"));
                    }
                }
                if let Entry::Data { col, bytes, .. } = e {
                    pieces.push(Piece {
                        line: *line,
                        col: *col,
                        key: Key::Addr(off),
                        bytes: bytes.clone(),
                        label: None,
                        clip: true,
                        repeat_to: None,
                    });
                    prev = Some((off, bytes.clone(), *line, *col));
                } else {
                    prev = None;
                }
            }
        }
    }
    if star_pending.is_some() {
        notes.push("a final '*' repeat line has no end offset after it; the repeat was not expanded".into());
    }
    if prompts > 0 {
        notes.push(format!("{prompts} shell prompt or comment lines skipped"));
    }
    Ok(DumpOut { pieces, notes, format })
}

/// Picks the radix (16, 8 or 10) under which consecutive offsets agree with the byte counts.
fn choose_radix(entries: &[Entry]) -> u32 {
    let consistent = |radix: u32| -> bool {
        let mut prev: Option<(u64, u64)> = None;
        let mut star = false;
        for e in entries {
            match e {
                Entry::Star { .. } => star = true,
                Entry::Data { off_text, .. } | Entry::End { off_text, .. } => {
                    let Ok(off) = u64::from_str_radix(off_text, radix) else {
                        return false;
                    };
                    let len = match e {
                        Entry::Data { bytes, .. } => bytes.len() as u64,
                        _ => 0,
                    };
                    if let Some((p, plen)) = prev {
                        let pend = p.saturating_add(plen);
                        let ok = if star { off >= pend && plen > 0 && (off - p) % plen == 0 } else { off == pend };
                        if !ok {
                            return false;
                        }
                    }
                    star = false;
                    prev = Some((off, len));
                }
            }
        }
        true
    };
    let seven = entries.iter().any(|e| matches!(e, Entry::Data { off_text, .. } if off_text.len() == 7));
    let order: [u32; 3] = if seven { [8, 16, 10] } else { [16, 8, 10] };
    // Prefer a radix that is consistent; hexdump's 7-digit hex offsets and od's 7-digit octal
    // ones are told apart by the byte counts.
    if seven && consistent(16) && !consistent(8) {
        return 16;
    }
    order.into_iter().find(|r| consistent(*r)).unwrap_or(16)
}
