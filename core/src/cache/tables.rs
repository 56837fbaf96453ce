//! Translation tables as runs of leaves, for the cache model: every leaf (page or block) of a
//! table walk with its level, output address and nG, coalesced into runs of equal leaves
//! with contiguous outputs, and every table descriptor (what a walk cache may hold).
//!
//! Reads go through two hooks: `walk_cache` may answer a table descriptor slot with a cached
//! value instead of memory, and `s2` translates the IPA of each stage 1 descriptor (nested:
//! the descriptor's own IPA, table base + index * 8, IHI 0070 3.4.3).

use crate::mem::PhysMem;
use crate::structs::desc::{self, s1_leaf};
use crate::walk::TtParams;

/// At most this many tables, leaves and descriptor slots per walk enumeration.
pub const MAX_TABLES: u64 = 1 << 14;
pub const MAX_LEAVES: u64 = 1 << 21;
pub const MAX_SLOTS: u64 = 1 << 24;

/// A run of equal leaves: `[ia, ia + size)` maps to `[oa, oa + size)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seg {
    pub ia: u64,
    pub size: u64,
    pub oa: u64,
    /// Size of each leaf (page or block; nested: the smaller of the two stages).
    pub leaf: u64,
    /// Lookup level of the leaf (nested: the stage 1 level).
    pub level: i32,
    /// The descriptor bits other than the output address: stage 1 (or stage 2 alone) in
    /// `[0]`, nested stage 2 in `[1]`. Equal attributes mean equal permissions and types.
    pub attr: [u64; 2],
    /// Stage 1 leaf with nG = 1 (tagged with the ASID).
    pub ng: bool,
    /// Nested: the IPA of `ia` (the stage 1 output); otherwise `ia`.
    pub ipa: u64,
    /// Where the SMMU got it: `[0]` the translation (or stage 1), `[1]` nested stage 2.
    pub src: [Src; 2],
}

/// Where a translation came from in the effective (cached) view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Src {
    /// Read from the tables in memory.
    #[default]
    Mem,
    /// A TLB entry of the model (index).
    Tlb(u32),
    /// A walk-cache entry of the model (index) supplied a table descriptor on the way.
    Walk(u32),
    /// An ATC entry of the model (index).
    Atc(u32),
}

impl Seg {
    pub fn end(&self) -> u64 {
        self.ia.saturating_add(self.size)
    }
    /// The part of this run inside `[lo, hi)`.
    pub fn clip(&self, lo: u64, hi: u64) -> Option<Seg> {
        let a = self.ia.max(lo);
        let b = self.end().min(hi);
        (a < b).then(|| Seg {
            ia: a,
            size: b - a,
            oa: self.oa.wrapping_add(a - self.ia),
            ipa: self.ipa.wrapping_add(a - self.ia),
            ..*self
        })
    }
    /// Output address of `ia` (which must be inside the run).
    pub fn out(&self, ia: u64) -> u64 {
        self.oa.wrapping_add(ia.wrapping_sub(self.ia))
    }
}

/// A table descriptor as a walk cache holds it: the slot at `level` covering `[ia, ia+span)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableDesc {
    pub level: i32,
    pub ia: u64,
    pub span: u64,
    pub value: u64,
}

/// What one walk enumeration found.
#[derive(Debug, Clone, Default)]
pub struct Tables {
    pub segs: Vec<Seg>,
    pub tables: Vec<TableDesc>,
    /// Descriptor reads outside the memory image (their ranges are left out).
    pub missing: u64,
    pub truncated: bool,
}

/// Finds the run holding `ia` in sorted, non-overlapping runs.
pub fn find(segs: &[Seg], ia: u64) -> Option<&Seg> {
    let i = segs.partition_point(|s| s.end() <= ia);
    segs.get(i).filter(|s| s.ia <= ia)
}

struct Enum<'a> {
    mem: &'a dyn PhysMem,
    p: &'a TtParams,
    walk_cache: &'a dyn Fn(i32, u64) -> Option<(u64, u32)>,
    s2: Option<&'a [Seg]>,
    out: Tables,
    leaves: u64,
    tables: u64,
    slots: u64,
}

impl Enum<'_> {
    /// Reads a descriptor at `addr` (an IPA when nested): the value and where the stage 2
    /// translation of its address came from.
    fn read(&mut self, addr: u64) -> Option<(u64, Src)> {
        let (pa, src) = match self.s2 {
            Some(s2) => {
                let s = find(s2, addr)?;
                (s.out(addr), s.src[0])
            }
            None => (addr, Src::Mem),
        };
        match self.mem.read_u64_le(pa) {
            Ok(v) => Some((v, src)),
            Err(_) => {
                self.out.missing += 1;
                None
            }
        }
    }

    fn push(&mut self, s: Seg) {
        if let Some(l) = self.out.segs.last_mut() {
            if l.end() == s.ia
                && l.leaf == s.leaf
                && l.level == s.level
                && l.attr == s.attr
                && l.ng == s.ng
                && l.src == s.src
                && l.out(l.end()) == s.oa
            {
                l.size += s.size;
                return;
            }
        }
        self.out.segs.push(s);
    }

    fn table(&mut self, base: u64, level: i32, ia_base: u64, inherited: Src) {
        let g = self.p.granule;
        self.tables += 1;
        if self.tables > MAX_TABLES {
            self.out.truncated = true;
            return;
        }
        let Some(shift) = g.level_shift(level) else { return };
        let bits = if level == self.p.start_level { self.p.ia_bits.saturating_sub(shift) } else { g.stride() };
        let n = 1u64.checked_shl(bits).unwrap_or(0);
        for idx in 0..n {
            self.slots += 1;
            if self.leaves > MAX_LEAVES || self.slots > MAX_SLOTS {
                self.out.truncated = true;
                return;
            }
            let span = 1u64 << shift;
            let ia = ia_base.wrapping_add(idx.wrapping_mul(span));
            let slot = base.wrapping_add(idx * desc::DESC_BYTES);
            let cached = if level < 3 { (self.walk_cache)(level, ia) } else { None };
            let (d, src) = match cached {
                Some((v, i)) => (v, Src::Walk(i)),
                None => match self.read(slot) {
                    Some(v) => v,
                    None => continue,
                },
            };
            let src = if inherited != Src::Mem { inherited } else { src };
            if !desc::is_valid(d) {
                continue;
            }
            if level < 3 && desc::is_table_or_page(d) {
                self.out.tables.push(TableDesc { level, ia, span, value: d });
                let next = desc::next_table_address(d, g, self.p.format);
                self.table(next, level + 1, ia, src);
                continue;
            }
            let oa = if level == 3 {
                if !desc::is_table_or_page(d) {
                    continue;
                }
                desc::output_address(d, g, self.p.format)
            } else {
                if !desc::block_allowed(g, self.p.format, level) {
                    continue;
                }
                match desc::block_address(d, g, self.p.format, level) {
                    Some(a) => a,
                    None => continue,
                }
            };
            let oa_bits = desc::encode_block_address(oa, g, self.p.format, level).unwrap_or(0);
            self.leaves += 1;
            let ng = self.p.stage == 1 && desc::get(&s1_leaf::nG, d) != 0;
            // The access flag is left out of the attributes: hardware may set it.
            let attr = (d ^ oa_bits) & !desc::mask_of(&[&s1_leaf::AF]);
            self.push(Seg {
                ia,
                size: span,
                oa,
                leaf: span,
                level,
                attr: [attr, 0],
                ng,
                ipa: ia,
                src: [src, Src::Mem],
            });
        }
    }
}

/// Enumerates one walk's tables. `ia_base` is 0 for TTB0 (and stage 2), the bottom of the
/// upper range for TTB1.
pub fn enumerate(
    mem: &dyn PhysMem,
    p: &TtParams,
    ia_base: u64,
    walk_cache: &dyn Fn(i32, u64) -> Option<(u64, u32)>,
    s2: Option<&[Seg]>,
) -> Tables {
    let mut e = Enum { mem, p, walk_cache, s2, out: Tables::default(), leaves: 0, tables: 0, slots: 0 };
    e.table(p.ttb, p.start_level, ia_base, Src::Mem);
    e.out
}

/// Stage 1 runs (VA -> IPA) through stage 2 runs (IPA -> PA): VA -> PA.
pub fn compose(s1: &[Seg], s2: &[Seg]) -> Vec<Seg> {
    let mut out: Vec<Seg> = vec![];
    for m in s1 {
        let (a, end) = (m.oa, m.oa.saturating_add(m.size));
        let start = s2.partition_point(|x| x.end() <= a);
        for x in s2.get(start..).unwrap_or(&[]) {
            if x.ia >= end {
                break;
            }
            let Some(c) = x.clip(a, end) else { continue };
            out.push(Seg {
                ia: m.ia + (c.ia - a),
                size: c.size,
                oa: c.oa,
                leaf: m.leaf.min(x.leaf),
                level: m.level,
                attr: [m.attr[0], x.attr[0]],
                ng: m.ng,
                ipa: c.ia,
                src: [m.src[0], x.src[0]],
            });
        }
    }
    out.sort_by_key(|s| s.ia);
    out
}

/// `bottom` where `top` does not cover it; `top` wins where its runs overlap each other in
/// order. Sorted, non-overlapping.
pub fn overlay(top: &[Seg], bottom: &[Seg]) -> Vec<Seg> {
    let mut t: Vec<Seg> = top.to_vec();
    t.sort_by_key(|s| s.ia);
    let mut nt: Vec<Seg> = Vec::with_capacity(t.len());
    for s in t {
        let lo = nt.last().map_or(s.ia, |l| l.end().max(s.ia));
        if let Some(c) = s.clip(lo, s.end()) {
            nt.push(c);
        }
    }
    let mut out = nt.clone();
    for b in bottom {
        let mut pos = b.ia;
        let i = nt.partition_point(|x| x.end() <= b.ia);
        for x in nt.get(i..).unwrap_or(&[]) {
            if x.ia >= b.end() {
                break;
            }
            if let Some(c) = b.clip(pos, x.ia) {
                out.push(c);
            }
            pos = pos.max(x.end());
        }
        if let Some(c) = b.clip(pos, b.end()) {
            out.push(c);
        }
    }
    out.sort_by_key(|s| s.ia);
    out
}

/// Where `eff` (the cached view) maps an address differently from `truth`: output address,
/// attributes, or `truth` not mapping it. Pieces of `eff`, each with the `truth` run there.
pub fn diff(eff: &[Seg], truth: &[Seg]) -> Vec<(Seg, Option<Seg>)> {
    let mut out: Vec<(Seg, Option<Seg>)> = vec![];
    let mut emit = |e: Seg, t: Option<Seg>| {
        if let Some((le, lt)) = out.last_mut() {
            let contiguous_t = match (lt.as_ref(), t.as_ref()) {
                (None, None) => true,
                (Some(a), Some(b)) => a.end() == b.ia && a.out(a.end()) == b.oa,
                _ => false,
            };
            if le.end() == e.ia && le.out(le.end()) == e.oa && le.src == e.src && le.attr == e.attr && contiguous_t {
                le.size += e.size;
                if let (Some(a), Some(b)) = (lt.as_mut(), t) {
                    a.size += b.size;
                }
                return;
            }
        }
        out.push((e, t));
    };
    for e in eff {
        let mut pos = e.ia;
        let i = truth.partition_point(|x| x.end() <= e.ia);
        for t in truth.get(i..).unwrap_or(&[]) {
            if t.ia >= e.end() {
                break;
            }
            if let Some(g) = e.clip(pos, t.ia) {
                emit(g, None);
            }
            if let (Some(a), Some(b)) = (e.clip(t.ia, t.end()), t.clip(e.ia, e.end())) {
                if a.oa != b.oa || a.attr != b.attr {
                    emit(a, Some(b));
                }
            }
            pos = pos.max(t.end());
        }
        if let Some(g) = e.clip(pos, e.end()) {
            emit(g, None);
        }
    }
    out
}
