//! Collects register bytes from any format, resolves the register base, detects
//! conflicts and assembles register values from the register table.

use super::lex::err;
use super::{Format, ParseError, ParseOptions};
use crate::regs::{self, RegDef};
use crate::regset::{Origin, RegisterSet};

/// Size of the SMMU register frame (Page 0 and Page 1, 64 KiB each), unless the register
/// table reaches further.
pub(crate) fn frame_size() -> u64 {
    let top = regs::REGISTERS.iter().map(|r| r.offset as u64 + r.width as u64 / 8).max().unwrap_or(0);
    top.div_ceil(0x10000).saturating_mul(0x10000).max(0x20000)
}

const PAGE: u64 = 0x10000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    /// Byte offset from the SMMU base (known from a register name or a QEMU trace).
    Off(u64),
    /// An address or offset as printed; resolved against the base.
    Addr(u64),
}

#[derive(Debug, Clone)]
pub(crate) struct Piece {
    pub line: usize,
    pub col: usize,
    pub key: Key,
    /// Little-endian bytes.
    pub bytes: Vec<u8>,
    /// The name the input used (`IDR0`, `STRTAB_BASE_LO`), when it named a register.
    pub label: Option<String>,
    /// Bytes outside the register frame are dropped (dumps) rather than an error.
    pub clip: bool,
    /// `*` line of hexdump/od: `bytes` repeat from `key` up to this key (exclusive).
    pub repeat_to: Option<u64>,
}

impl Piece {
    pub fn named(line: usize, col: usize, off: u64, bytes: Vec<u8>, label: String) -> Self {
        Piece { line, col, key: Key::Off(off), bytes, label: Some(label), clip: false, repeat_to: None }
    }
    pub fn at(line: usize, col: usize, key: Key, bytes: Vec<u8>) -> Self {
        Piece { line, col, key, bytes, label: None, clip: false, repeat_to: None }
    }
}

pub(crate) fn le_bytes(v: u64, n: usize) -> Vec<u8> {
    v.to_le_bytes().iter().copied().take(n).collect()
}

fn le_value(b: &[u8]) -> u64 {
    b.iter().rev().fold(0u64, |acc, x| (acc << 8) | *x as u64)
}

fn hex_n(v: u64, nbytes: usize) -> String {
    format!("0x{:0w$x}", v, w = nbytes.saturating_mul(2).max(1))
}

/// How a piece reads in a message: `IDR0 = 0x0d44101a`.
fn describe(p: &Piece, off: u64) -> Option<String> {
    let v = le_value(&p.bytes);
    if let Some(l) = &p.label {
        return Some(format!("{l} = {}", hex_n(v, p.bytes.len())));
    }
    let n = p.bytes.len() as u64;
    let o32 = u32::try_from(off).ok()?;
    let (r, at) = regs::containing(o32)?;
    let w = r.width as u64 / 8;
    if at == 0 && n == w {
        Some(format!("{} = {}", r.name, hex_n(v, p.bytes.len())))
    } else if r.width == 64 && n == 4 && (at == 0 || at == 4) {
        Some(format!("{}_{} = {}", r.name, if at == 0 { "LO" } else { "HI" }, hex_n(v, 4)))
    } else {
        None
    }
}

fn reg_at(off: u64) -> String {
    u32::try_from(off)
        .ok()
        .and_then(regs::containing)
        .map(|(r, at)| if at == 0 { format!(" ({})", r.name) } else { format!(" ({} byte {at})", r.name) })
        .unwrap_or_default()
}

/// Chooses the register base for address-keyed pieces.
fn resolve_base(pieces: &[Piece], opts: &ParseOptions, frame: u64, notes: &mut Vec<String>) -> u64 {
    let addrs: Vec<u64> = pieces
        .iter()
        .filter_map(|p| match p.key {
            Key::Addr(a) if p.repeat_to.is_none() => Some(a),
            _ => None,
        })
        .collect();
    if let Some(b) = opts.base {
        if !addrs.is_empty() {
            notes.push(format!("register base {b:#x} (given)"));
        }
        return b;
    }
    let (Some(&min), Some(&max)) = (addrs.iter().min(), addrs.iter().max()) else {
        return 0;
    };
    if max < frame {
        notes.push("addresses read as offsets from the SMMU base (all are below 0x20000)".into());
        return 0;
    }
    let c0 = min & !(PAGE - 1);
    let score = |b: u64| {
        addrs
            .iter()
            .filter(|&&a| {
                a.checked_sub(b)
                    .filter(|o| *o < frame)
                    .and_then(|o| u32::try_from(o).ok())
                    .and_then(regs::containing)
                    .is_some()
            })
            .count()
    };
    let mut base = c0;
    if let Some(c1) = c0.checked_sub(PAGE) {
        if score(c1) > score(c0) {
            base = c1;
        }
    }
    if base == c0 {
        notes.push(format!(
            "register base {base:#x} inferred (lowest address {min:#x} rounded down to 64 KiB); give --base to override"
        ));
    } else {
        notes.push(format!(
            "register base {base:#x} inferred (lowest address {min:#x} is in Page 1); give --base to override"
        ));
    }
    base
}

/// Turns pieces into a register set. `overwrite`: later pieces replace earlier ones (QEMU
/// trace); otherwise differing bytes for the same offset are a conflict.
pub(crate) fn assemble(
    pieces: Vec<Piece>,
    format: Format,
    opts: &ParseOptions,
    overwrite: bool,
    mut notes: Vec<String>,
) -> Result<super::Parsed, ParseError> {
    let frame = frame_size();
    let base = resolve_base(&pieces, opts, frame, &mut notes);
    // offset -> (byte, piece index)
    let mut bytes = ByteMap::new(frame);
    let mut clipped = 0u64;
    let mut superseded = 0usize;
    for (idx, p) in pieces.iter().enumerate() {
        let start: i128 = match p.key {
            Key::Off(o) => o as i128,
            Key::Addr(a) => {
                if opts.base.is_some() && a < base && a < frame {
                    a as i128
                } else {
                    a as i128 - base as i128
                }
            }
        };
        let len = p.bytes.len() as i128;
        if len == 0 {
            continue;
        }
        let end: i128 = match p.repeat_to {
            Some(t) => {
                let t = match p.key {
                    Key::Addr(_) => t as i128 - base as i128,
                    Key::Off(_) => t as i128,
                };
                t.max(start)
            }
            None => start + len,
        };
        if !p.clip && (start < 0 || end > frame as i128) {
            let what = match p.key {
                Key::Addr(a) if base != 0 || opts.base.is_some() => {
                    format!(
                        "address {a:#x} is outside the SMMU register frame {base:#x}..{:#x}",
                        base as u128 + frame as u128
                    )
                }
                Key::Addr(a) => format!("address {a:#x} is outside the SMMU register frame (offsets 0x0..{frame:#x})"),
                Key::Off(o) => {
                    format!("offset {o:#x} is outside the SMMU register frame (0x0..{frame:#x})")
                }
            };
            return Err(err(p.line, p.col, format!("{what}; expected an SMMU register address or offset")));
        }
        let lo = start.max(0);
        let hi = end.min(frame as i128);
        if hi <= lo {
            clipped = clipped.saturating_add((end - start).max(0) as u64);
            continue;
        }
        clipped = clipped.saturating_add(((end - start) - (hi - lo)).max(0) as u64);
        let mut pos = lo;
        let mut replaced = false;
        while pos < hi {
            let k = (pos - start).rem_euclid(len);
            let b = p.bytes.get(k as usize).copied().unwrap_or(0);
            let off = pos as u64;
            match bytes.get(off) {
                Some((old, oidx)) if !overwrite && old != b => {
                    let q = pieces.get(oidx).unwrap_or(p);
                    let qs = match q.key {
                        Key::Off(o) => o,
                        Key::Addr(a) => a.saturating_sub(base),
                    };
                    let msg = match (
                        p.repeat_to.is_none().then(|| describe(p, off.saturating_sub(k as u64))).flatten(),
                        q.repeat_to.is_none().then(|| describe(q, qs)).flatten(),
                    ) {
                        (Some(a), Some(b2)) => format!("{a} conflicts with line {}: {b2}", q.line),
                        _ => format!(
                            "byte at offset {off:#x}{} = {b:#04x} conflicts with line {}: {old:#04x}",
                            reg_at(off),
                            q.line
                        ),
                    };
                    return Err(err(p.line, p.col, msg));
                }
                Some((_, oidx)) if overwrite && oidx != idx => replaced = true,
                _ => {}
            }
            bytes.insert(off, b, idx);
            pos += 1;
        }
        if replaced {
            superseded += 1;
        }
    }
    if clipped > 0 {
        notes.push(format!("{clipped} bytes outside the 128 KiB SMMU register frame ignored"));
    }
    if overwrite && superseded > 0 {
        notes.push(format!("{superseded} accesses superseded by later ones (the last access to each register wins)"));
    }
    let mut set = RegisterSet::new();
    let mut used = vec![false; bytes.src.len()];
    let source = format.describe().to_string();
    for r in regs::REGISTERS {
        let n = r.width as u64 / 8;
        let mut got = Vec::with_capacity(n as usize);
        let mut missing = Vec::new();
        let mut line: Option<usize> = None;
        for i in 0..n {
            let off = r.offset as u64 + i;
            match bytes.get(off) {
                Some((b, idx)) => {
                    got.push(b);
                    if let Some(u) = used.get_mut(off as usize) {
                        *u = true;
                    }
                    let l = pieces.get(idx).map(|p| p.line).unwrap_or(0);
                    line = Some(line.map_or(l, |x: usize| x.min(l)));
                }
                None => {
                    got.push(0);
                    missing.push(i);
                }
            }
        }
        if missing.len() as u64 == n {
            continue;
        }
        if !missing.is_empty() {
            notes.push(missing_note(r, &missing));
        }
        set.insert(r, le_value(&got), Origin { line, source: source.clone() });
    }
    // IHI 0070 6.2.1: Page 0 offsets 0xA8/0xAC/0xC8/0xCC may alias the Page 1 queue
    // pointers (QEMU and Page-0-only implementations do). A non-zero value there stands in
    // for an absent Page 1 register; a zero one may be RAZ and is not used.
    for r in regs::REGISTERS.iter().filter(|r| r.page() == 1) {
        let Some(alias) = r.offset.checked_sub(0x10000) else {
            continue;
        };
        if regs::page0_alias(alias).map(|a| a.name) != Some(r.name) {
            continue;
        }
        let n = r.width as u64 / 8;
        let got: Vec<Option<(u8, usize)>> = (0..n).map(|i| bytes.get(alias as u64 + i)).collect();
        if got.iter().any(|g| g.is_none()) {
            continue;
        }
        let v = le_value(&got.iter().map(|g| g.map(|x| x.0).unwrap_or(0)).collect::<Vec<_>>());
        let line = got.iter().filter_map(|g| g.and_then(|x| pieces.get(x.1)).map(|p| p.line)).min();
        for i in 0..n {
            if let Some(u) = used.get_mut((alias as u64 + i) as usize) {
                *u = true;
            }
        }
        match set.get(r.name) {
            None if v != 0 => {
                notes.push(format!(
                    "{} = {} taken from offset {alias:#x}, its optional Page 0 alias (IHI 0070 6.2.1)",
                    r.name,
                    hex_n(v, n as usize)
                ));
                set.insert(r, v, Origin { line, source: source.clone() });
            }
            Some(p1) if p1 != v => notes.push(format!(
                "offset {alias:#x} (optional Page 0 alias of {}) holds {} but Page 1 holds {}; the Page 1 value is used",
                r.name,
                hex_n(v, n as usize),
                hex_n(p1, n as usize)
            )),
            _ => {}
        }
    }
    let is_used = |o: u64| used.get(o as usize).copied().unwrap_or(false);
    let stray: Vec<u64> = bytes.iter().filter(|(o, b, _)| *b != 0 && !is_used(*o)).map(|(o, _, _)| o).collect();
    if let Some(first) = stray.first() {
        notes.push(format!(
            "{} non-zero bytes at offsets with no register ignored (first at offset {first:#x})",
            stray.len()
        ));
    }
    let unplaced: Vec<u64> = bytes.iter().filter(|(o, _, _)| !is_used(*o)).map(|(o, _, _)| o).collect();
    if set.is_empty() {
        let msg = if let Some(first) = unplaced.first() {
            format!(
                "no SMMU register found: the {} bytes given are at offsets with no register (first at offset {first:#x}; is the base right?)",
                unplaced.len()
            )
        } else {
            "no SMMU register values found".to_string()
        };
        let (l, c) = pieces.first().map(|p| (p.line, p.col)).unwrap_or((1, 1));
        return Err(err(l, c, msg));
    }
    Ok(super::Parsed { registers: set, format, notes })
}

/// Bytes of the register frame, each with the index of the piece that gave it.
struct ByteMap {
    val: Vec<u8>,
    /// Piece index + 1; 0 = not given.
    src: Vec<u32>,
}

impl ByteMap {
    fn new(_frame: u64) -> Self {
        ByteMap { val: Vec::new(), src: Vec::new() }
    }
    fn get(&self, off: u64) -> Option<(u8, usize)> {
        let i = usize::try_from(off).ok()?;
        let s = *self.src.get(i)?;
        if s == 0 {
            return None;
        }
        Some((self.val.get(i).copied().unwrap_or(0), s as usize - 1))
    }
    fn insert(&mut self, off: u64, b: u8, idx: usize) {
        let Ok(i) = usize::try_from(off) else { return };
        if i >= self.src.len() && i < 1 << 24 {
            let n = (i + 1).next_power_of_two().max(256);
            self.src.resize(n, 0);
            self.val.resize(n, 0);
        }
        if let (Some(v), Some(s)) = (self.val.get_mut(i), self.src.get_mut(i)) {
            *v = b;
            *s = u32::try_from(idx.saturating_add(1)).unwrap_or(u32::MAX);
        }
    }
    fn iter(&self) -> impl Iterator<Item = (u64, u8, usize)> + '_ {
        self.src
            .iter()
            .zip(self.val.iter())
            .enumerate()
            .filter(|(_, (s, _))| **s != 0)
            .map(|(i, (s, v))| (i as u64, *v, *s as usize - 1))
    }
}

fn missing_note(r: &RegDef, missing: &[u64]) -> String {
    if r.width == 64 && missing == [4, 5, 6, 7] {
        format!("{}: only the low half was given; the high half is taken as 0", r.name)
    } else if r.width == 64 && missing == [0, 1, 2, 3] {
        format!("{}: only the high half was given; the low half is taken as 0", r.name)
    } else {
        format!("{}: bytes {:?} were not given and are taken as 0", r.name, missing)
    }
}
