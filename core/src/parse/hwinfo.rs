//! `struct iommu_hw_info_arm_smmuv3` (include/uapi/linux/iommufd.h): as a C initializer or
//! gdb print (`.idr = { 0x..., ... }, .iidr = ..., .aidr = ...`, `{flags = 0, __reserved = 0,
//! idr = {...}, iidr = 0, aidr = 1}`) and as its 40 raw bytes.

use super::lex::{self, err};
use super::lines::{named_piece, reg_for_word, HW_INFO_IDRS, HW_INFO_WORDS};
use super::store::Piece;
use super::ParseError;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Num(String),
    Punct(char),
}

#[derive(Debug, Clone)]
struct T {
    tok: Tok,
    line: usize,
    col: usize,
}

fn tokenize(text: &str) -> Result<Vec<T>, ParseError> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let (mut i, mut line, mut col) = (0usize, 1usize, 1usize);
    let advance = |i: &mut usize, line: &mut usize, col: &mut usize, c: char| {
        *i += 1;
        if c == '\n' {
            *line += 1;
            *col = 1;
        } else {
            *col += 1;
        }
    };
    while let Some(&c) = chars.get(i) {
        let (l0, c0) = (line, col);
        if c.is_whitespace() {
            advance(&mut i, &mut line, &mut col, c);
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while let Some(&d) = chars.get(i) {
                if d == '\n' {
                    break;
                }
                advance(&mut i, &mut line, &mut col, d);
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            advance(&mut i, &mut line, &mut col, c);
            advance(&mut i, &mut line, &mut col, '*');
            loop {
                match chars.get(i) {
                    None => return Err(err(l0, c0, "unterminated /* comment */")),
                    Some('*') if chars.get(i + 1) == Some(&'/') => {
                        advance(&mut i, &mut line, &mut col, '*');
                        advance(&mut i, &mut line, &mut col, '/');
                        break;
                    }
                    Some(&d) => advance(&mut i, &mut line, &mut col, d),
                }
            }
        } else if c == '"' {
            advance(&mut i, &mut line, &mut col, c);
            loop {
                match chars.get(i) {
                    None => return Err(err(l0, c0, "unterminated string")),
                    Some('"') => {
                        advance(&mut i, &mut line, &mut col, '"');
                        break;
                    }
                    Some(&d) => advance(&mut i, &mut line, &mut col, d),
                }
            }
        } else if c.is_ascii_alphanumeric() || c == '_' || c == '$' {
            let mut s = String::new();
            while let Some(&d) = chars.get(i) {
                if !(d.is_ascii_alphanumeric() || d == '_' || d == '$') {
                    break;
                }
                s.push(d);
                advance(&mut i, &mut line, &mut col, d);
            }
            let tok = if s.starts_with(|x: char| x.is_ascii_digit()) { Tok::Num(s) } else { Tok::Ident(s) };
            out.push(T { tok, line: l0, col: c0 });
        } else {
            out.push(T { tok: Tok::Punct(c), line: l0, col: c0 });
            advance(&mut i, &mut line, &mut col, c);
        }
    }
    Ok(out)
}

const FIELDS: [&str; 5] = ["flags", "__reserved", "idr", "iidr", "aidr"];

/// True when the text has an `idr` member assigned a `{...}` list or designated `.idr[..]`.
pub(crate) fn detect(text: &str) -> bool {
    if !text.contains("idr") || !(text.contains('{') || text.contains(".idr")) {
        return false;
    }
    let Ok(toks) = tokenize(text) else {
        return false;
    };
    toks.windows(3).any(|w| match (&w[0].tok, &w[1].tok, &w[2].tok) {
        (Tok::Ident(a), Tok::Punct('='), Tok::Punct('{')) => a.eq_ignore_ascii_case("idr"),
        (Tok::Punct('.'), Tok::Ident(a), Tok::Punct(c)) => {
            FIELDS.iter().any(|f| a.eq_ignore_ascii_case(f)) && (*c == '[' || *c == '=')
        }
        _ => false,
    })
}

pub(crate) struct HwOut {
    pub pieces: Vec<Piece>,
    pub notes: Vec<String>,
}

fn num_at(toks: &[T], i: usize) -> Result<(u64, usize, usize), ParseError> {
    match toks.get(i) {
        Some(T { tok: Tok::Num(s), line, col }) => {
            let n = lex::c_value(s).map_err(|e| err(*line, *col, e))?;
            if n.value > u32::MAX as u64 {
                return Err(err(
                    *line,
                    *col,
                    format!("{:#x} does not fit the u32 members of struct iommu_hw_info_arm_smmuv3", n.value),
                ));
            }
            Ok((n.value, *line, *col))
        }
        Some(t) => Err(err(t.line, t.col, "expected a number (0x... or decimal)")),
        None => Err(eof(toks, "a number")),
    }
}

fn eof(toks: &[T], what: &str) -> ParseError {
    let (l, c) = toks.last().map(|t| (t.line, t.col + 1)).unwrap_or((1, 1));
    err(l, c, format!("input ends early: expected {what}"))
}

fn punct(toks: &[T], i: usize, p: char) -> Result<(), ParseError> {
    match toks.get(i) {
        Some(T { tok: Tok::Punct(c), .. }) if *c == p => Ok(()),
        Some(t) => Err(err(t.line, t.col, format!("expected '{p}'"))),
        None => Err(eof(toks, &format!("'{p}'"))),
    }
}

pub(crate) fn parse_text(text: &str) -> Result<HwOut, ParseError> {
    let toks = tokenize(text)?;
    // word index -> (value, line, col)
    let mut words: Vec<Option<(u64, usize, usize)>> = vec![None; HW_INFO_WORDS];
    let mut set = |w: usize, v: (u64, usize, usize)| -> Result<(), ParseError> {
        if let Some(slot) = words.get_mut(w) {
            if let Some(old) = slot {
                if old.0 != v.0 {
                    return Err(err(
                        v.1,
                        v.2,
                        format!("{} = {:#x} conflicts with line {}: {:#x}", word_name(w), v.0, old.1, old.0),
                    ));
                }
            }
            *slot = Some(v);
        }
        Ok(())
    };
    let mut i = 0usize;
    while let Some(t) = toks.get(i) {
        let Tok::Ident(name) = &t.tok else {
            i += 1;
            continue;
        };
        let dotted = matches!(i.checked_sub(1).and_then(|j| toks.get(j)), Some(T { tok: Tok::Punct('.'), .. }));
        let lower = name.to_ascii_lowercase();
        let next = toks.get(i + 1).map(|x| x.tok.clone());
        let assigns = matches!(next, Some(Tok::Punct('=')) | Some(Tok::Punct('[')));
        if !FIELDS.contains(&lower.as_str()) {
            // `.foo = ...` or `foo = <number>` is a member this struct does not have.
            let after = toks.get(i + 2).map(|x| &x.tok);
            if matches!(next, Some(Tok::Punct('='))) && (dotted || matches!(after, Some(Tok::Num(_)))) {
                return Err(err(
                    t.line,
                    t.col,
                    format!("struct iommu_hw_info_arm_smmuv3 has no member {name:?}; expected flags, __reserved, idr, iidr or aidr"),
                ));
            }
            i += 1;
            continue;
        }
        if !assigns {
            i += 1;
            continue;
        }
        match lower.as_str() {
            "idr" => {
                if matches!(next, Some(Tok::Punct('['))) {
                    let (n, l, c) = num_at(&toks, i + 2)?;
                    if n as usize >= HW_INFO_IDRS {
                        return Err(err(l, c, "idr has 6 entries: expected an index from 0 to 5"));
                    }
                    punct(&toks, i + 3, ']')?;
                    punct(&toks, i + 4, '=')?;
                    let v = num_at(&toks, i + 5)?;
                    set(n as usize + 2, v)?;
                    i += 6;
                } else {
                    punct(&toks, i + 2, '{')?;
                    let mut j = i + 3;
                    let mut k = 0usize;
                    loop {
                        if let Some(T { tok: Tok::Punct('}'), .. }) = toks.get(j) {
                            j += 1;
                            break;
                        }
                        let v = num_at(&toks, j)?;
                        j += 1;
                        // gdb: `0x0 <repeats 6 times>`
                        let mut times = 1u64;
                        if let (Some(T { tok: Tok::Punct('<'), .. }), Some(T { tok: Tok::Ident(r), .. })) =
                            (toks.get(j), toks.get(j + 1))
                        {
                            if r == "repeats" {
                                times = num_at(&toks, j + 2)?.0;
                                punct(&toks, j + 4, '>')?;
                                j += 5;
                            }
                        }
                        for _ in 0..times.min(HW_INFO_IDRS as u64 + 1) {
                            if k >= HW_INFO_IDRS {
                                return Err(err(v.1, v.2, "idr has 6 entries; expected '}' after the sixth"));
                            }
                            set(k + 2, v)?;
                            k += 1;
                        }
                        match toks.get(j) {
                            Some(T { tok: Tok::Punct(','), .. }) => j += 1,
                            Some(T { tok: Tok::Punct('}'), .. }) => {}
                            Some(t) => return Err(err(t.line, t.col, "expected ',' or '}' in the idr list")),
                            None => return Err(eof(&toks, "'}' to end the idr list")),
                        }
                    }
                    i = j;
                }
            }
            _ => {
                punct(&toks, i + 1, '=')?;
                let v = num_at(&toks, i + 2)?;
                let w = FIELDS.iter().position(|f| *f == lower).map(|p| if p >= 3 { p + 5 } else { p }).unwrap_or(0);
                set(w, v)?;
                i += 3;
            }
        }
    }
    finish(&words)
}

fn word_name(w: usize) -> String {
    match w {
        0 => "flags".into(),
        1 => "__reserved".into(),
        2..=7 => format!("idr[{}]", w - 2),
        8 => "iidr".into(),
        _ => "aidr".into(),
    }
}

fn finish(words: &[Option<(u64, usize, usize)>]) -> Result<HwOut, ParseError> {
    let mut pieces = Vec::new();
    let mut notes = Vec::new();
    for (w, slot) in words.iter().enumerate() {
        let Some((v, l, c)) = *slot else { continue };
        match w {
            0 => notes.push(format!("iommu_hw_info_arm_smmuv3.flags = {v:#x}")),
            1 => {
                if v != 0 {
                    notes.push(format!("iommu_hw_info_arm_smmuv3.__reserved = {v:#x} (expected 0)"));
                }
            }
            _ => {
                let t = reg_for_word(w).map_err(|e| err(l, c, e))?;
                if let Some(p) = named_piece(&t, l, c, v)? {
                    pieces.push(p);
                }
            }
        }
    }
    Ok(HwOut { pieces, notes })
}

/// The 40 raw bytes: ten little-endian u32s.
pub(crate) fn parse_binary(bytes: &[u8]) -> Result<HwOut, ParseError> {
    if bytes.len() != HW_INFO_WORDS * 4 {
        return Err(err(1, 1, format!("struct iommu_hw_info_arm_smmuv3 is 40 bytes; this input is {}", bytes.len())));
    }
    let words: Vec<Option<(u64, usize, usize)>> = bytes
        .chunks(4)
        .enumerate()
        .map(|(i, c)| {
            let v = c.iter().rev().fold(0u64, |a, b| (a << 8) | *b as u64);
            Some((v, 1, i * 4 + 1))
        })
        .collect();
    finish(&words)
}

/// True for 40 bytes that are not plain text.
pub(crate) fn looks_binary(bytes: &[u8]) -> bool {
    bytes.len() == HW_INFO_WORDS * 4
        && (std::str::from_utf8(bytes).is_err()
            || bytes.iter().any(|&b| b == 0 || b == 0x7f || (b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r')))
}
