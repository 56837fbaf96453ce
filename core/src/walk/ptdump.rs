//! Every mapping of a stream's translation tables, adjacent ranges with equal attributes
//! coalesced (`smmu ptdump`).

use super::tt::{mair_attr, mair_str, s2_memattr_str, size_str, TtParams};
use super::{Missing, Stop, Walker};
use crate::mem::{FastHasher, PhysMem};
use crate::regset::RegisterSet;
use crate::structs::desc::{self, s1_leaf, s2_leaf, table};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::hash::BuildHasherDefault;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum DumpStage {
    /// Stage 1: IOVA -> output (an IPA when stage 2 also translates).
    S1,
    /// Stage 2: IPA -> PA.
    S2,
    /// Both: IOVA -> PA through stage 1 and stage 2.
    Nested,
}

fn hex<S: serde::Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{v:#x}"))
}

/// One coalesced range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Mapping {
    #[serde(serialize_with = "hex")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub input: u64,
    #[serde(serialize_with = "hex")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub output: u64,
    #[serde(serialize_with = "hex")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub size: u64,
    /// Permissions: stage 1 `p:rwx u:r--` (privileged, unprivileged); stage 2 `rwx`.
    pub perms: String,
    pub attrs: String,
    /// Size of the leaves (pages or blocks) making up the range.
    #[serde(serialize_with = "hex")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub leaf_size: u64,
    pub leaves: u64,
    /// Flags worth seeing: AF=0, DBM, contiguous hint, nG.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub flags: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PtDump {
    pub sid: u32,
    pub ssid: Option<u32>,
    pub stage: DumpStage,
    /// Every range ([`ptdump`]); empty when the ranges went to a callback ([`ptdump_each`]).
    pub mappings: Vec<Mapping>,
    /// Number of ranges (listed or passed to the callback).
    pub ranges: u64,
    pub tables: u64,
    pub leaves: u64,
    /// Table descriptors not followed because they point back at a table on their own walk
    /// (the table itself or one above it): a loop in the tables.
    pub cycles: u64,
    /// Table descriptors pointing at a table already dumped (shared by several descriptors),
    /// dumped again within the budget ([`REPEAT_BUDGET`]).
    pub repeated: u64,
    /// References to tables already dumped that were not followed: the budget was spent.
    pub repeats_skipped: u64,
    /// Tables that are not in the memory image (their ranges are not listed); the first
    /// [`LIST_LIMIT`], and how many more.
    pub missing: Vec<Missing>,
    pub missing_unlisted: u64,
    /// Descriptors that are malformed (reserved level 3 type, block at a level that has none);
    /// the first [`LIST_LIMIT`], and how many more.
    pub invalid: Vec<String>,
    pub invalid_unlisted: u64,
    /// What was not followed and why (cycles, spent budget).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Entries kept in the `missing` and `invalid` lists; the rest are counted.
pub const LIST_LIMIT: usize = 256;
/// Descriptors read again in tables already dumped (tables shared by several descriptors can
/// describe more mappings than memory holds: 512 descriptors pointing at one table, at each
/// level). Tables read for the first time are never limited: their number is bounded by the
/// memory image.
pub const REPEAT_BUDGET: u64 = 1 << 20;

struct Bounded<T> {
    items: Vec<T>,
    unlisted: u64,
}

impl<T> Bounded<T> {
    fn new() -> Self {
        Bounded { items: vec![], unlisted: 0 }
    }
    fn push(&mut self, t: T) {
        if self.items.len() < LIST_LIMIT {
            self.items.push(t);
        } else {
            self.unlisted += 1;
        }
    }
}

/// Adjacent ranges that print the same become one; finished ranges go to the callback.
struct Coalesce<'f> {
    last: Option<Mapping>,
    ranges: u64,
    each: &'f mut dyn FnMut(Mapping),
}

impl Coalesce<'_> {
    fn push(&mut self, m: Mapping) {
        if let Some(l) = &mut self.last {
            if l.input.checked_add(l.size) == Some(m.input)
                && l.output.checked_add(l.size) == Some(m.output)
                && l.perms == m.perms
                && l.attrs == m.attrs
                && l.flags == m.flags
                && l.leaf_size == m.leaf_size
            {
                l.size = l.size.saturating_add(m.size);
                l.leaves += m.leaves;
                return;
            }
        }
        if let Some(l) = self.last.replace(m) {
            self.ranges += 1;
            (self.each)(l);
        }
    }
    fn finish(&mut self) {
        if let Some(l) = self.last.take() {
            self.ranges += 1;
            (self.each)(l);
        }
    }
}

/// Hierarchical limits from table descriptors: (no EL0, read-only, UXN, PXN).
type Hier4 = (bool, bool, bool, bool);

fn s1_perms(d: u64, hier: Hier4, wxn: bool) -> String {
    let (no_el0, ro_t, uxn_t, pxn_t) = hier;
    let ap = desc::s1_ap(d);
    let ap1 = ap.el0 && !no_el0;
    let ro = ap.read_only || ro_t;
    let uxn = desc::get(&s1_leaf::UXN, d) != 0 || uxn_t;
    let pxn = desc::get(&s1_leaf::PXN, d) != 0 || pxn_t;
    let pw = !ro;
    let px = !pxn && (!ap1 || ro) && (!wxn || !pw);
    let ur = ap1;
    let uw = ap1 && !ro;
    let ux = !uxn && (!wxn || !uw);
    let c = |b: bool, ch: char| if b { ch } else { '-' };
    format!("p:r{}{} u:{}{}{}", c(pw, 'w'), c(px, 'x'), c(ur, 'r'), c(uw, 'w'), c(ux, 'x'))
}

/// The range being built: leaves of one size with equal attributes, contiguous in input and
/// output. Extending it costs a few compares a leaf; strings are made once per range.
struct Pending {
    input: u64,
    output: u64,
    size: u64,
    leaf_size: u64,
    leaves: u64,
    key: u64,
    desc: u64,
    hier: Hier4,
}

/// The descriptor bits that make two leaves print differently (their fields resolved once).
fn attr_mask(stage: u8) -> u64 {
    if stage == 1 {
        desc::mask_of(&[
            &s1_leaf::AttrIndx,
            &s1_leaf::AP,
            &s1_leaf::UXN,
            &s1_leaf::PXN,
            &s1_leaf::AF,
            &s1_leaf::DBM,
            &s1_leaf::Contiguous,
        ])
    } else {
        desc::mask_of(&[
            &s2_leaf::MemAttr,
            &s2_leaf::S2AP,
            &s2_leaf::XN,
            &s2_leaf::AF,
            &s2_leaf::DBM,
            &s2_leaf::Contiguous,
        ])
    }
}

struct Dumper<'a, 'f> {
    mem: &'a dyn PhysMem,
    /// Nested stage 1: translate table IPAs with this stage 2.
    s2: Option<(&'a TtParams, &'a RegisterSet)>,
    out: Coalesce<'f>,
    pending: Option<Pending>,
    tables: u64,
    leaves: u64,
    cycles: u64,
    repeated: u64,
    repeats_skipped: u64,
    budget: u64,
    missing: Bounded<Missing>,
    invalid: Bounded<String>,
    /// Tables dumped in this stage (addresses as the descriptors give them: IPAs for a
    /// nested stage 1), and the tables of the current walk from the start table down.
    visited: HashSet<u64, BuildHasherDefault<FastHasher>>,
    path: Vec<u64>,
    /// One buffer per level for tables the image cannot lend without a copy.
    bufs: Vec<Vec<u8>>,
    mask: u64,
}

impl<'a, 'f> Dumper<'a, 'f> {
    fn new(
        mem: &'a dyn PhysMem,
        s2: Option<(&'a TtParams, &'a RegisterSet)>,
        stage: u8,
        each: &'f mut dyn FnMut(Mapping),
    ) -> Self {
        Dumper {
            mem,
            s2,
            out: Coalesce { last: None, ranges: 0, each },
            pending: None,
            tables: 0,
            leaves: 0,
            cycles: 0,
            repeated: 0,
            repeats_skipped: 0,
            budget: REPEAT_BUDGET,
            missing: Bounded::new(),
            invalid: Bounded::new(),
            visited: HashSet::default(),
            path: vec![],
            bufs: vec![],
            mask: attr_mask(stage),
        }
    }

    /// Dumps one translation table base (TTB0, TTB1 or the stage 2 TTB).
    fn run(&mut self, p: &TtParams, base_in: u64) {
        self.visited.insert(start_table(p));
        self.table(p, p.ttb, p.start_level, base_in, (false, false, false, false), 0);
        self.flush(p);
    }

    fn finish(&mut self) {
        self.out.finish();
    }

    /// Turns the range being built into a [`Mapping`].
    fn flush(&mut self, p: &TtParams) {
        let Some(pd) = self.pending.take() else {
            return;
        };
        let d = pd.desc;
        let (perms, attrs) = if p.stage == 1 {
            (s1_perms(d, pd.hier, p.wxn), mair_str(mair_attr(p.mair, desc::get(&s1_leaf::AttrIndx, d))))
        } else {
            let c = |b: bool, ch: char| if b { ch } else { '-' };
            let ap = desc::s2_ap(d);
            (
                format!("{}{}{}", c(ap.read, 'r'), c(ap.write, 'w'), c(desc::s2_executable(d, p.xnx, true), 'x')),
                s2_memattr_str(desc::get(&s2_leaf::MemAttr, d), p.fwb),
            )
        };
        let mut flags = vec![];
        if desc::get(&s1_leaf::AF, d) == 0 {
            flags.push("AF=0");
        }
        if desc::get(&s1_leaf::DBM, d) != 0 {
            flags.push("DBM");
        }
        if desc::get(&s1_leaf::Contiguous, d) != 0 {
            flags.push("Contiguous");
        }
        self.out.push(Mapping {
            input: pd.input,
            output: pd.output,
            size: pd.size,
            perms,
            attrs,
            leaf_size: pd.leaf_size,
            leaves: pd.leaves,
            flags: flags.join(","),
        });
    }

    /// Reads a table's descriptors into `buf` (nested: piece by piece through stage 2).
    /// False when the table is not in the image.
    fn fill(&mut self, p: &TtParams, table: u64, level: i32, buf: &mut [u8]) -> bool {
        let Some((s2, regs)) = self.s2 else {
            if let Err(crate::mem::MemError::Missing { addr, len }) = self.mem.read(table, buf) {
                self.missing.push(Missing {
                    address: addr,
                    len,
                    what: format!("stage {} level {level} table", p.stage),
                });
                return false;
            }
            return true;
        };
        // Nested: the table is at an IPA; each stage 2 page or block of it is translated on
        // its own (they need not be contiguous in PA). A piece stage 2 does not map reads as
        // invalid descriptors.
        let mut w = Walker::new(regs, self.mem);
        w.trace = false;
        let acc = super::tt::Acc { write: false, exec: false, privileged: true };
        let len = buf.len();
        let mut off = 0usize;
        while off < len {
            let ipa = table.wrapping_add(off as u64);
            let (pa, room) = match w.stage2(s2, ipa, acc, super::event::Class::TT, None) {
                Ok(l) => (Some(l.oa), l.size - (ipa & (l.size - 1))),
                Err(e) => {
                    let piece = s2.granule.bytes() - (ipa & (s2.granule.bytes() - 1));
                    match e {
                        Stop::Missing(m) => self.missing.push(m),
                        _ => self.invalid.push(format!(
                            "stage 1 level {level} table at IPA {table:#x}: stage 2 does not map IPA {ipa:#x}"
                        )),
                    }
                    (None, piece)
                }
            };
            let end = off.saturating_add(usize::try_from(room).unwrap_or(usize::MAX)).min(len);
            if let Some(chunk) = buf.get_mut(off..end) {
                match pa {
                    Some(pa) => {
                        if let Err(crate::mem::MemError::Missing { addr, len }) = self.mem.read(pa, chunk) {
                            self.missing.push(Missing {
                                address: addr,
                                len,
                                what: format!("stage 1 level {level} table (IPA {ipa:#x})"),
                            });
                            chunk.fill(0);
                        }
                    }
                    None => chunk.fill(0),
                }
            }
            off = end;
        }
        true
    }

    fn table(&mut self, p: &TtParams, table: u64, level: i32, base_in: u64, hier: Hier4, depth: usize) {
        let g = p.granule;
        let Some(shift) = g.level_shift(level) else {
            return;
        };
        if level > 3 {
            return;
        }
        let bits = if level == p.start_level { p.ia_bits.saturating_sub(shift) } else { g.stride() };
        let n = 1usize << bits.min(20);
        let table = if level == p.start_level { start_table(p) } else { table };
        self.tables += 1;
        let len = n * desc::DESC_BYTES as usize;
        while self.bufs.len() <= depth {
            self.bufs.push(vec![]);
        }
        let mut buf = self.bufs.get_mut(depth).map(std::mem::take).unwrap_or_default();
        let mem = self.mem;
        let lent = if self.s2.is_none() { mem.slice(table, len) } else { None };
        let bytes: &[u8] = match lent {
            Some(b) => b,
            None => {
                buf.clear();
                buf.resize(len, 0);
                if !self.fill(p, table, level, &mut buf) {
                    if let Some(b) = self.bufs.get_mut(depth) {
                        *b = buf;
                    }
                    return;
                }
                &buf
            }
        };
        self.path.push(table);
        let lsz = 1u64 << shift;
        let blk = !(lsz - 1);
        let leaf_ok = desc::block_allowed(g, p.format, level);
        let sub_entries = 1u64 << g.stride();
        // Contiguous leaves: a leaf whose descriptor is the previous leaf's (at the previous
        // index) plus the leaf size, its address field grown without a carry out, has the same
        // attributes and continues both ranges; such leaves are only counted (`run_n`), and
        // added to the pending range before anything else looks at it.
        let oa_field = p.oa.in_place_mask();
        let (mut run_i, mut run_d, mut run_n) = (usize::MAX, 0u64, 0u64);
        for (i, c) in bytes.chunks_exact(desc::DESC_BYTES as usize).enumerate() {
            let d = u64::from_le_bytes(<[u8; 8]>::try_from(c).unwrap_or([0; 8]));
            if !desc::is_valid(d) {
                continue;
            }
            if let Some(m) = oa_field {
                if i == run_i.wrapping_add(1) && d == run_d.wrapping_add(lsz) && d & m > run_d & m {
                    self.leaves += 1;
                    run_n += 1;
                    (run_i, run_d) = (i, d);
                    continue;
                }
            }
            if run_n > 0 {
                if let Some(pd) = &mut self.pending {
                    pd.size = pd.size.saturating_add(run_n.saturating_mul(lsz));
                    pd.leaves += run_n;
                }
                run_n = 0;
            }
            let input = base_in | ((i as u64) << shift);
            let is_table = desc::is_table_or_page(d);
            if level < 3 && is_table {
                let next = p.nlta.decode(d);
                if self.path.contains(&next) {
                    self.cycles += 1;
                    continue;
                }
                if !self.visited.insert(next) {
                    if self.budget < sub_entries {
                        self.repeats_skipped += 1;
                        continue;
                    }
                    self.budget -= sub_entries;
                    self.repeated += 1;
                }
                let mut h = hier;
                if p.stage == 1 && !p.had {
                    let apt = desc::ap_table(d);
                    h = (
                        h.0 || apt.no_el0,
                        h.1 || apt.read_only,
                        h.2 || desc::get(&table::XNTable, d) != 0,
                        h.3 || desc::get(&table::PXNTable, d) != 0,
                    );
                }
                self.table(p, next, level + 1, input, h, depth + 1);
                continue;
            }
            if level == 3 && !is_table {
                self.invalid.push(format!("input {input:#x}: reserved level 3 descriptor {d:#x}"));
                continue;
            }
            if !leaf_ok {
                self.invalid.push(format!("input {input:#x}: block descriptor at level {level} is not allowed"));
                continue;
            }
            self.leaves += 1;
            let oa = p.oa.decode(d) & blk;
            let key = d & self.mask;
            (run_i, run_d) = (i, d);
            if let Some(pd) = &mut self.pending {
                if pd.key == key
                    && pd.leaf_size == lsz
                    && pd.hier == hier
                    && pd.input.checked_add(pd.size) == Some(input)
                    && pd.output.checked_add(pd.size) == Some(oa)
                {
                    pd.size = pd.size.saturating_add(lsz);
                    pd.leaves += 1;
                    continue;
                }
            }
            self.flush(p);
            self.pending =
                Some(Pending { input, output: oa, size: lsz, leaf_size: lsz, leaves: 1, key, desc: d, hier });
        }
        if run_n > 0 {
            if let Some(pd) = &mut self.pending {
                pd.size = pd.size.saturating_add(run_n.saturating_mul(lsz));
                pd.leaves += run_n;
            }
        }
        self.path.pop();
        if let Some(b) = self.bufs.get_mut(depth) {
            *b = buf;
        }
    }

    fn add_to(&self, res: &mut PtDump) {
        res.tables += self.tables;
        res.cycles += self.cycles;
        res.repeated += self.repeated;
        res.repeats_skipped += self.repeats_skipped;
        for m in &self.missing.items {
            if res.missing.len() < LIST_LIMIT {
                res.missing.push(m.clone());
            } else {
                res.missing_unlisted += 1;
            }
        }
        res.missing_unlisted += self.missing.unlisted;
        for m in &self.invalid.items {
            if res.invalid.len() < LIST_LIMIT {
                res.invalid.push(m.clone());
            } else {
                res.invalid_unlisted += 1;
            }
        }
        res.invalid_unlisted += self.invalid.unlisted;
    }
}

/// The start table of a walk: TTB aligned to the table's size, at least 64 bytes (as the
/// walker aligns it).
fn start_table(p: &TtParams) -> u64 {
    let Some(shift) = p.granule.level_shift(p.start_level) else {
        return p.ttb;
    };
    let bits = p.ia_bits.saturating_sub(shift);
    let tsz_log2 = (bits + desc::DESC_BYTES.trailing_zeros()).max(6);
    p.ttb & !((1u64 << tsz_log2.min(63)) - 1)
}

/// Why stage `which` has no tables to dump for this stream: the STE's Config (abort and
/// bypass translate nothing), or S1DSS bypassing stage 1.
fn not_translating(sc: &super::StreamConfig, which: u8) -> String {
    let cfg = sc.config;
    match cfg {
        0b000 | 0b100 => {
            format!("STE.Config = {cfg:#05b} ({}): nothing translates for this stream", super::config_name(cfg))
        }
        _ if which == 1 && sc.s1_bypassed => {
            format!(
                "STE.Config = {cfg:#05b} ({}), but STE.S1DSS bypasses stage 1 for this transaction",
                super::config_name(cfg)
            )
        }
        _ => format!(
            "STE.Config = {cfg:#05b} ({}): stage {which} does not translate for this stream",
            super::config_name(cfg)
        ),
    }
}

/// Dumps the mappings of `sid`/`ssid` for a stage, every range in [`PtDump::mappings`].
pub fn ptdump(
    regs: &RegisterSet,
    mem: &dyn PhysMem,
    sid: u32,
    ssid: Option<u32>,
    stage: DumpStage,
) -> Result<PtDump, String> {
    let mut all = vec![];
    let mut d = ptdump_each(regs, mem, sid, ssid, stage, &mut |m| all.push(m))?;
    d.mappings = all;
    Ok(d)
}

/// Like [`ptdump`], each range passed to `each` as soon as it is complete, in input order
/// (memory stays bounded by the tables, not by the ranges: `smmu ptdump --json` streams).
pub fn ptdump_each(
    regs: &RegisterSet,
    mem: &dyn PhysMem,
    sid: u32,
    ssid: Option<u32>,
    stage: DumpStage,
    each: &mut dyn FnMut(Mapping),
) -> Result<PtDump, String> {
    let mut w = Walker::new(regs, mem);
    w.trace = false;
    let sc = w.resolve(sid, ssid).map_err(|e| match e {
        Stop::Fault { kind, reason, .. } => format!("{}: {reason}", kind.name()),
        Stop::Missing(m) => format!("memory at {:#x} ({}) is not in the image", m.address, m.what),
        Stop::Abort(r) | Stop::Incomplete(r) => r,
    })?;
    let mut res = PtDump {
        sid,
        ssid,
        stage,
        mappings: vec![],
        ranges: 0,
        tables: 0,
        leaves: 0,
        cycles: 0,
        repeated: 0,
        repeats_skipped: 0,
        missing: vec![],
        missing_unlisted: 0,
        invalid: vec![],
        invalid_unlisted: 0,
        notes: vec![],
    };
    let s2 = sc.s2.as_ref();
    // Stage 1 (TTB0 then TTB1, one visited set), its ranges to `sink`.
    let stage1 = |p: &TtParams, sink: &mut dyn FnMut(Mapping), res: &mut PtDump| {
        let mut d = Dumper::new(mem, s2.map(|x| (x, regs)), 1, sink);
        if !p.epd0 {
            d.run(p, 0);
        }
        if let Some(p1) = &p.ttb1 {
            d.run(p1, if p1.ia_bits < 64 { u64::MAX << p1.ia_bits } else { 0 });
        }
        d.finish();
        res.leaves += d.leaves;
        d.add_to(res);
        d.out.ranges
    };
    match stage {
        DumpStage::S2 => {
            let p = s2.ok_or_else(|| not_translating(&sc, 2))?;
            let mut d = Dumper::new(mem, None, 2, each);
            d.run(p, 0);
            d.finish();
            res.leaves += d.leaves;
            res.ranges = d.out.ranges;
            d.add_to(&mut res);
        }
        DumpStage::S1 => {
            let p = sc.s1.as_ref().ok_or_else(|| not_translating(&sc, 1))?;
            res.ranges = stage1(p, each, &mut res);
        }
        DumpStage::Nested => {
            let p = sc.s1.as_ref().ok_or_else(|| not_translating(&sc, 1))?;
            let p2 = s2.ok_or_else(|| format!("{}: use --stage 1", not_translating(&sc, 2)))?;
            // Stage 2 first, kept (its ranges are looked up for each stage 1 range); stage 1
            // streamed through it.
            let mut s2maps = vec![];
            {
                let mut keep = |m: Mapping| s2maps.push(m);
                let mut d = Dumper::new(mem, None, 2, &mut keep);
                d.run(p2, 0);
                d.finish();
                d.add_to(&mut res);
            }
            let mut out = Coalesce { last: None, ranges: 0, each };
            let mut through = |m: Mapping| compose(&m, &s2maps, &mut out);
            stage1(p, &mut through, &mut res);
            out.finish();
            res.ranges = out.ranges;
        }
    }
    if res.cycles > 0 {
        res.notes.push(format!(
            "{} table descriptor(s) point back at a table on their own walk (the table itself or one above it): \
             not followed, so the mappings such a loop would add (a table read again as a lower level) are not listed",
            res.cycles
        ));
    }
    if res.repeats_skipped > 0 {
        res.notes.push(format!(
            "{} descriptor(s) point at tables already dumped and were not followed: the budget of {REPEAT_BUDGET} \
             descriptors read again for shared tables is spent ({} shared table(s) were dumped again)",
            res.repeats_skipped, res.repeated
        ));
    }
    Ok(res)
}

/// One stage 1 range (IOVA -> IPA) through the stage 2 ranges (IPA -> PA, sorted).
fn compose(m: &Mapping, s2: &[Mapping], out: &mut Coalesce<'_>) {
    let (a, end) = (m.output, m.output.saturating_add(m.size));
    let start = s2.partition_point(|x| x.input.saturating_add(x.size) <= a);
    for x in s2.get(start..).unwrap_or(&[]) {
        if x.input >= end {
            break;
        }
        let lo = a.max(x.input);
        let hi = end.min(x.input.saturating_add(x.size));
        if hi <= lo {
            continue;
        }
        out.push(Mapping {
            input: m.input + (lo - a),
            output: x.output + (lo - x.input),
            size: hi - lo,
            perms: format!("{} s2:{}", m.perms, x.perms),
            attrs: format!("{} / s2 {}", m.attrs, x.attrs),
            leaf_size: m.leaf_size.min(x.leaf_size),
            leaves: 1,
            flags: [m.flags.as_str(), x.flags.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(","),
        });
    }
}

/// The column heads of the text table.
pub fn render_head() -> String {
    format!("{:<20} {:<20} {:>10} {:<8} {:<24} {}\n", "input", "output", "size", "leaf", "perms", "attributes")
}

/// One row of the text table.
pub fn render_row(m: &Mapping) -> String {
    format!(
        "{:<20} {:<20} {:>10} {:<8} {:<24} {}{}\n",
        format!("{:#x}", m.input),
        format!("{:#x}", m.output),
        size_str(m.size),
        size_str(m.leaf_size),
        m.perms,
        m.attrs,
        if m.flags.is_empty() { String::new() } else { format!(" [{}]", m.flags) }
    )
}

/// The counts, missing tables, invalid descriptors and notes (after the rows).
pub fn render_tail(d: &PtDump) -> String {
    let mut s = format!("{} mapping range(s) from {} leaves in {} tables\n", d.ranges, d.leaves, d.tables);
    for m in &d.missing {
        s.push_str(&format!("missing: {} at {:#x} is not in the image\n", m.what, m.address));
    }
    if d.missing_unlisted > 0 {
        s.push_str(&format!("missing: {} more not listed\n", d.missing_unlisted));
    }
    for i in &d.invalid {
        s.push_str(&format!("invalid: {i}\n"));
    }
    if d.invalid_unlisted > 0 {
        s.push_str(&format!("invalid: {} more not listed\n", d.invalid_unlisted));
    }
    for n in &d.notes {
        s.push_str(&format!("note: {n}\n"));
    }
    s
}

/// Text table of a whole dump.
pub fn render(d: &PtDump) -> String {
    let mut s = render_head();
    for m in &d.mappings {
        s.push_str(&render_row(m));
    }
    s.push_str(&render_tail(d));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::Snapshot;

    fn sample(name: &str) -> Snapshot {
        let p = format!("{}/../assets/samples/{name}.snapshot.json", env!("CARGO_MANIFEST_DIR"));
        Snapshot::from_json(&std::fs::read_to_string(p).unwrap()).unwrap()
    }

    /// IHI 0070 5.2 STE.Config: 0b000 aborts every transaction, so neither stage has tables to
    /// dump; a stage the Config does not enable is named with the Config.
    #[test]
    fn no_tables_says_why_from_ste_config() {
        let s = sample("qemu-10.0-s1-4k");
        // SID 7's STE is Config = abort on this stage-1-only SMMU.
        for st in [DumpStage::S1, DumpStage::S2, DumpStage::Nested] {
            let e = ptdump(&s.registers, &s.memory, 7, None, st).unwrap_err();
            assert_eq!(e, "STE.Config = 0b000 (abort): nothing translates for this stream");
        }
        let e = ptdump(&s.registers, &s.memory, 0x10, None, DumpStage::S2).unwrap_err();
        assert!(e.starts_with("STE.Config = 0b101 (S1 translate, S2 bypass): stage 2"), "{e}");
    }
}
