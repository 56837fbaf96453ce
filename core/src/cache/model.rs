//! The cache model: contexts (StreamID, SubstreamID) as configured, the cached items BEFORE
//! implies, the invalidation commands applied to them, and the cached view compared with
//! AFTER.

use super::tables::{self, compose, diff, enumerate, overlay, Seg, Src, TableDesc};
use super::{cd_diff, ste_diff, Change, StaleEntry};
use crate::mem::{Layered, PhysMem, SparseMem};
use crate::queues::cmd::{self, op};
use crate::regs::control::cr2;
use crate::regs::idr::idr0;
use crate::regset::RegisterSet;
use crate::structs::desc::Granule;
use crate::structs::geometry::{self, CdTable, StFormat, StreamTable};
use crate::structs::{cd, ste};
use crate::walk::{TtParams, Walker};
use std::collections::{BTreeMap, HashMap};

/// At most this many StreamIDs and SubstreamIDs are looked at per table.
pub const MAX_STREAMS: u64 = 1 << 16;
pub const MAX_SUBSTREAMS: u64 = 1 << 10;

/// The translation regime of stage 1 entries (IHI 0070 3.17, STE.STRW).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum World {
    NsEl1,
    NsEl2,
    NsEl2E2h,
}

impl World {
    pub fn name(self) -> &'static str {
        match self {
            World::NsEl1 => "NS-EL1",
            World::NsEl2 => "NS-EL2",
            World::NsEl2E2h => "NS-EL2-E2H",
        }
    }
}

/// What a TLB entry translates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TlbKind {
    /// Stage 1 only: VA -> PA.
    S1,
    /// Stage 2 only (or the stage 2 part of a nested walk): IPA -> PA.
    S2,
    /// Combined stage 1 and stage 2: VA -> PA.
    Nested,
}

/// One (StreamID, SubstreamID) as its STE and CD configure it.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub sid: u32,
    pub ssid: Option<u32>,
    pub ste: [u64; 8],
    pub ste_addr: u64,
    /// The CD (words) when stage 1 translates.
    pub cd: Option<[u64; 8]>,
    pub config: u64,
    pub s1: Option<TtParams>,
    pub s2: Option<TtParams>,
    pub world: World,
    pub vmid: u64,
    pub asid: u64,
    /// STE.EATS != 0: the device may hold translations in its ATC.
    pub ats: bool,
}

impl Ctx {
    /// The CD table index of this context's CD (the CD cache is indexed by StreamID and
    /// this index, IHI 0070 4.3.3).
    pub fn cd_index(&self) -> u32 {
        self.ssid.unwrap_or(0)
    }
    fn asid_tag(&self) -> Option<u64> {
        (self.world != World::NsEl2).then_some(self.asid)
    }
}

/// A TLB entry: a run of equal leaves with its tags.
#[derive(Debug, Clone)]
pub struct TlbEntry {
    pub kind: TlbKind,
    pub world: World,
    pub vmid: u64,
    /// ASID of a non-global stage 1 entry; None for global entries, stage 2 and NS-EL2.
    pub asid: Option<u64>,
    pub granule: Granule,
    pub seg: Seg,
    /// The context it was inserted for.
    pub sid: u32,
    pub ssid: Option<u32>,
}

/// A walk-cache entry: a table descriptor with its tags.
#[derive(Debug, Clone)]
pub struct WalkEntry {
    pub stage: u8,
    pub world: World,
    pub vmid: u64,
    pub asid: Option<u64>,
    pub granule: Granule,
    pub t: TableDesc,
    pub sid: u32,
    pub ssid: Option<u32>,
}

/// An ATC entry in a device: a translation of its untranslated address.
#[derive(Debug, Clone)]
pub struct AtcEntry {
    pub sid: u32,
    pub ssid: Option<u32>,
    pub seg: Seg,
}

/// Which cached item makes an entry stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cause {
    #[default]
    None,
    Tlb(usize),
    Walk(usize),
    Atc(usize),
    /// The cached STE or CD (the walk itself is from memory).
    Config,
    /// Invalidated by a command that no CMD_SYNC followed.
    Unsynced,
}

/// Everything an SMMU may have cached.
#[derive(Debug, Clone, Default)]
pub struct CacheModel {
    pub ste: BTreeMap<u32, [u64; 8]>,
    /// 2-level stream table: cached L1STDs by L1 index, and the table's SPLIT.
    pub l1std: BTreeMap<u64, u64>,
    pub split: Option<u32>,
    pub cd: BTreeMap<(u32, u32), [u64; 8]>,
    pub tlb: Vec<TlbEntry>,
    pub walk: Vec<WalkEntry>,
    pub atc: Vec<AtcEntry>,
}

fn stop_str(e: crate::walk::Stop) -> String {
    use crate::walk::Stop;
    match e {
        Stop::Fault { kind, reason, .. } => format!("{}: {reason}", kind.name()),
        Stop::Missing(m) => format!("memory at {:#x} ({}) is not in the image", m.address, m.what),
        Stop::Abort(r) | Stop::Incomplete(r) => r,
    }
}

/// Resolves one context; `over` (address, bytes) / `cd_over` stand for cached copies used instead of
/// memory (the STE at its address; the CD in place of the one the STE locates).
pub fn resolve(
    regs: &RegisterSet,
    mem: &dyn PhysMem,
    sid: u32,
    ssid: Option<u32>,
    over: &[(u64, Vec<u8>)],
    cd_over: Option<&[u64; 8]>,
) -> Result<Ctx, String> {
    let mut overlay = SparseMem::new();
    for (addr, b) in over {
        overlay.insert(*addr, b.clone());
    }
    let layered = Layered { layers: vec![&overlay, mem] };
    let mut w = Walker::new(regs, &layered);
    w.trace = false;
    let sc = w.resolve(sid, ssid).map_err(stop_str)?;
    let mut cdw = sc.cd.map(|(c, _)| c);
    let mut s1 = sc.s1.clone();
    if let (Some(c), true) = (cd_over, sc.config & 0b101 == 0b101 && !sc.s1_bypassed) {
        cdw = Some(*c);
        s1 = Some(TtParams::from_cd(c, regs).map_err(|e| format!("cached CD: {e}"))?);
    }
    let strw = ste::STRW.get(&sc.ste);
    let world = if sc.config & 0b101 == 0b101 && regs.read(&idr0::Hyp) == Some(1) && strw == 2 {
        if regs.read(&cr2::E2H) == Some(1) {
            World::NsEl2E2h
        } else {
            World::NsEl2
        }
    } else {
        World::NsEl1
    };
    // STE.S2VMID tags stage 2 entries, and stage 1 entries of an EL1 stream when the SMMU
    // implements stage 2 (4.4.2: VMID is matched when stage 2 is supported).
    let vmid = if world == World::NsEl1 && regs.read(&idr0::S2P) == Some(1) { ste::S2VMID.get(&sc.ste) } else { 0 };
    let asid = cdw.as_ref().map_or(0, |c| cd::ASID.get(c));
    Ok(Ctx {
        sid,
        ssid,
        ste: sc.ste,
        ste_addr: sc.ste_addr,
        cd: cdw,
        config: sc.config,
        s1,
        s2: sc.s2.clone(),
        world,
        vmid,
        asid,
        ats: ste::EATS.get(&sc.ste) != 0,
    })
}

/// Every context with a valid STE (and CD) in a snapshot.
pub fn contexts(
    regs: &RegisterSet,
    mem: &dyn PhysMem,
    notes: &mut Vec<String>,
    what: &str,
) -> Result<Vec<Ctx>, String> {
    let st = StreamTable::from_regs(regs).map_err(|e| format!("{what}: {e}"))?;
    let mut sids = vec![];
    let valid = |a: u64| mem.read_u64_le(a).is_ok_and(|d| ste::V.get(&[d]) != 0);
    match st.format {
        StFormat::Linear => {
            let n = st.stream_ids().min(MAX_STREAMS);
            if st.stream_ids() > MAX_STREAMS {
                notes.push(format!("{what}: only the first {MAX_STREAMS} StreamIDs of the stream table are modelled"));
            }
            for sid in 0..n {
                let sid = sid as u32;
                if st.linear_ste_addr(sid).is_some_and(valid) {
                    sids.push(sid);
                }
            }
        }
        StFormat::TwoLevel => {
            let l1n = (st.stream_ids() >> st.split).clamp(1, MAX_STREAMS);
            for l1 in 0..l1n {
                let first = (l1 << st.split) as u32;
                let Some(a) = st.l1std_addr(first) else { continue };
                let Ok(d) = mem.read_u64_le(a) else { continue };
                let (l2ptr, span) = geometry::l1std(d);
                if span == 0 {
                    continue;
                }
                let per = 1u64 << span.saturating_sub(1).min(u64::from(st.split));
                for i in 0..per {
                    let sid = first | i as u32;
                    if geometry::l2_ste_addr(l2ptr, span, i, st.split).is_ok_and(valid) {
                        sids.push(sid);
                    }
                }
            }
        }
    }
    let mut out = vec![];
    for sid in sids {
        let Ok(base) =
            resolve(regs, mem, sid, None, &[], None).or_else(|_| resolve(regs, mem, sid, Some(1), &[], None))
        else {
            // Resolve errors (C_BAD_STE, a CD not in the image) leave the stream out.
            if let Err(e) = resolve(regs, mem, sid, None, &[], None) {
                notes.push(format!("{what}: StreamID {sid:#x} is not modelled: {e}"));
            }
            continue;
        };
        let ssids: Vec<Option<u32>> = if base.config & 0b101 != 0b101 || ste::S1CDMax.get(&base.ste) == 0 {
            vec![None]
        } else {
            let t = CdTable::from_ste(&base.ste).map_err(|e| format!("{what}: StreamID {sid:#x}: {e}"))?;
            let n = t.cds().min(MAX_SUBSTREAMS);
            if t.cds() > MAX_SUBSTREAMS {
                notes.push(format!("{what}: StreamID {sid:#x}: only SubstreamIDs below {MAX_SUBSTREAMS} are modelled"));
            }
            // S1DSS = SUBSTREAM0: transactions without a SubstreamID use CD 0 and
            // SubstreamID 0 is terminated (IHI 0070 5.2).
            let dss0 = ste::S1DSS.get(&base.ste) == 0b10;
            let mut v: Vec<Option<u32>> = if dss0 { vec![None] } else { vec![] };
            v.extend((u32::from(dss0)..n as u32).map(Some));
            v
        };
        for ssid in ssids {
            if let Ok(c) = resolve(regs, mem, sid, ssid, &[], None) {
                if ssid.is_some() && c.cd.is_some_and(|w| cd::V.get(&w) == 0) {
                    continue;
                }
                out.push(c);
            }
        }
    }
    Ok(out)
}

/// The translation a context's tables give, with their table descriptors: (final runs,
/// stage 1 runs, stage 2 runs, stage 1 tables, stage 2 tables). `s1_walk` / `s2_walk`
/// answer table descriptors from a walk cache, `top_s2` are stage 2 runs cached in a TLB.
pub(crate) struct Walked {
    pub fin: Vec<Seg>,
    pub s1: Vec<Seg>,
    pub s2: Vec<Seg>,
    pub t1: Vec<(TableDesc, Granule)>,
    pub t2: Vec<(TableDesc, Granule)>,
    pub missing: u64,
    pub truncated: bool,
}

type WalkHook<'a> = &'a dyn Fn(i32, u64) -> Option<(u64, u32)>;

pub(crate) fn walk_ctx(
    c: &Ctx,
    mem: &dyn PhysMem,
    s1_walk: WalkHook,
    s2_walk: WalkHook,
    top_s2: &[Seg],
    top_s1: &[Seg],
) -> Walked {
    let mut w = Walked { fin: vec![], s1: vec![], s2: vec![], t1: vec![], t2: vec![], missing: 0, truncated: false };
    if let Some(p2) = &c.s2 {
        let t = enumerate(mem, p2, 0, s2_walk, None);
        w.missing += t.missing;
        w.truncated |= t.truncated;
        w.t2 = t.tables.into_iter().map(|d| (d, p2.granule)).collect();
        w.s2 = overlay(top_s2, &t.segs);
    }
    if let Some(p1) = &c.s1 {
        let nest = if c.s2.is_some() { Some(w.s2.as_slice()) } else { None };
        let mut segs = vec![];
        let mut runs: Vec<(&TtParams, u64)> = vec![];
        if !p1.epd0 {
            runs.push((p1, 0));
        }
        if let Some(p) = &p1.ttb1 {
            runs.push((p, if p.ia_bits < 64 { u64::MAX << p.ia_bits } else { 0 }));
        }
        for (p, base) in runs {
            let t = enumerate(mem, p, base, s1_walk, nest);
            w.missing += t.missing;
            w.truncated |= t.truncated;
            w.t1.extend(t.tables.into_iter().map(|d| (d, p.granule)));
            segs.extend(t.segs);
        }
        segs.sort_by_key(|s| s.ia);
        w.s1 = segs;
        let fin = if c.s2.is_some() { compose(&w.s1, &w.s2) } else { w.s1.clone() };
        w.fin = overlay(top_s1, &fin);
    } else if c.s2.is_some() {
        w.fin = w.s2.clone();
    }
    w
}

fn no_walk(_: i32, _: u64) -> Option<(u64, u32)> {
    None
}

/// A command's address range: (lo, hi exclusive, TG granule, TTL level) per IHI 0070
/// 4.4.1.1. TG == 0: the one address (the entry holding it); otherwise Range =
/// (NUM + 1) * 2^SCALE * granule from Address.
#[derive(Debug, Clone, Copy)]
struct Range {
    lo: u64,
    hi: u64,
    tg: Option<Granule>,
    ttl: Option<i32>,
    leaf: bool,
}

fn tg_granule(tg: u64) -> Option<Granule> {
    match tg {
        1 => Some(Granule::K4),
        2 => Some(Granule::K16),
        3 => Some(Granule::K64),
        _ => None,
    }
}

fn range_of(w: &[u64; 2], regs: &RegisterSet, f: RangeFields) -> Range {
    let addr = f.addr.address(w);
    let ril = regs.read(&crate::regs::idr::idr3::RIL) == Some(1);
    let tg = if ril { tg_granule(f.tg.get(w)) } else { None };
    let leaf = f.leaf.get(w) != 0;
    match tg {
        None => Range { lo: addr, hi: addr.saturating_add(1), tg: None, ttl: None, leaf },
        Some(g) => {
            let ds = regs.read(&crate::regs::idr::idr5::DS) == Some(1);
            // SCALE is 5 bits without DS (bit 25 RES0); values above 39 act as 39.
            let mut scale = f.scale.get(w);
            if !ds {
                scale &= 0x1f;
            }
            let scale = scale.min(39) as u32;
            let num = f.num.get(w) + 1;
            let range = num.checked_shl(scale).and_then(|x| x.checked_mul(g.bytes())).unwrap_or(u64::MAX);
            let ttl = match f.ttl.get(w) {
                0 => None,
                t => Some(t as i32),
            };
            Range { lo: addr, hi: addr.saturating_add(range), tg: Some(g), ttl, leaf }
        }
    }
}

#[derive(Clone, Copy)]
struct RangeFields {
    addr: &'static crate::model::FieldDef,
    tg: &'static crate::model::FieldDef,
    ttl: &'static crate::model::FieldDef,
    num: &'static crate::model::FieldDef,
    scale: &'static crate::model::FieldDef,
    leaf: &'static crate::model::FieldDef,
}

macro_rules! range_fields {
    ($m:ident) => {
        RangeFields {
            addr: &cmd::$m::Address,
            tg: &cmd::$m::TG,
            ttl: &cmd::$m::TTL,
            num: &cmd::$m::NUM,
            scale: &cmd::$m::SCALE,
            leaf: &cmd::$m::Leaf,
        }
    };
}

/// Which TLB and walk-cache entries a TLBI selects (tags); the address part is separate.
#[derive(Clone, Copy)]
struct Sel {
    /// Stage 1 (VA) entries of these worlds; stage 2 entries.
    s1_worlds: &'static [World],
    s2: bool,
    vmid: Option<u64>,
    /// Non-global entries of this ASID only (and global ones when `global`).
    asid: Option<u64>,
    global: bool,
    range: Option<Range>,
}

impl CacheModel {
    /// The cached items BEFORE implies.
    pub fn from_contexts(regs: &RegisterSet, mem: &dyn PhysMem, ctxs: &[Ctx], notes: &mut Vec<String>) -> Self {
        let mut m = CacheModel::default();
        if let Ok(st) = StreamTable::from_regs(regs) {
            if st.format == StFormat::TwoLevel {
                m.split = Some(st.split);
                for c in ctxs {
                    if let Some(v) = st.l1std_addr(c.sid).and_then(|a| mem.read_u64_le(a).ok()) {
                        m.l1std.insert(st.l1_index(c.sid), v);
                    }
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        let mut seen_s1 = std::collections::HashSet::new();
        for c in ctxs {
            m.ste.insert(c.sid, c.ste);
            if let Some(w) = c.cd {
                m.cd.insert((c.sid, c.cd_index()), w);
            }
            let w = walk_ctx(c, mem, &no_walk, &no_walk, &[], &[]);
            if w.truncated {
                notes.push(format!(
                    "BEFORE: StreamID {:#x}: the tables are larger than the model follows (at most {} tables, {} leaves)",
                    c.sid,
                    tables::MAX_TABLES,
                    tables::MAX_LEAVES
                ));
            }
            let s1_key = (c.world, c.vmid, c.asid_tag(), c.s1.as_ref().map(|p| p.ttb), c.s2.as_ref().map(|p| p.ttb));
            if let Some(p2) = &c.s2 {
                if seen.insert(("s2", c.vmid, p2.ttb)) {
                    for s in &w.s2 {
                        m.tlb.push(TlbEntry {
                            kind: TlbKind::S2,
                            world: World::NsEl1,
                            vmid: c.vmid,
                            asid: None,
                            granule: p2.granule,
                            seg: *s,
                            sid: c.sid,
                            ssid: c.ssid,
                        });
                    }
                    for (t, g) in &w.t2 {
                        m.walk.push(WalkEntry {
                            stage: 2,
                            world: World::NsEl1,
                            vmid: c.vmid,
                            asid: None,
                            granule: *g,
                            t: *t,
                            sid: c.sid,
                            ssid: c.ssid,
                        });
                    }
                }
            }
            if let Some(p1) = &c.s1 {
                if seen_s1.insert(s1_key) {
                    let kind = if c.s2.is_some() { TlbKind::Nested } else { TlbKind::S1 };
                    for s in &w.fin {
                        m.tlb.push(TlbEntry {
                            kind,
                            world: c.world,
                            vmid: c.vmid,
                            asid: if s.ng { c.asid_tag() } else { None },
                            granule: p1.granule,
                            seg: *s,
                            sid: c.sid,
                            ssid: c.ssid,
                        });
                    }
                    for (t, g) in &w.t1 {
                        m.walk.push(WalkEntry {
                            stage: 1,
                            world: c.world,
                            vmid: c.vmid,
                            asid: c.asid_tag(),
                            granule: *g,
                            t: *t,
                            sid: c.sid,
                            ssid: c.ssid,
                        });
                    }
                }
            }
            if c.ats {
                for s in &w.fin {
                    m.atc.push(AtcEntry { sid: c.sid, ssid: c.ssid, seg: *s });
                }
            }
        }
        m
    }
}

/// Cuts `[lo, hi)`, widened to whole leaves, out of a run: the pieces left, and whether
/// anything was cut.
fn cut(seg: &Seg, lo: u64, hi: u64) -> (Vec<Seg>, bool) {
    let l = seg.leaf.max(1);
    let a = (lo & !(l - 1)).max(seg.ia);
    let b = hi.checked_add(l - 1).map_or(u64::MAX, |x| x & !(l - 1)).min(seg.end());
    if a >= b {
        return (vec![*seg], false);
    }
    (seg.clip(seg.ia, a).into_iter().chain(seg.clip(b, seg.end())).collect(), true)
}

const EL1: &[World] = &[World::NsEl1];
const EL2_ANY: &[World] = &[World::NsEl2, World::NsEl2E2h];
const EL2: &[World] = &[World::NsEl2];
const EL2_E2H: &[World] = &[World::NsEl2E2h];

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl CacheModel {
    /// Applies one command as issued on the Non-secure Command queue; says what it
    /// invalidated.
    pub fn apply(&mut self, w: &[u64; 2], regs: &RegisterSet) -> String {
        let e2h = regs.read(&cr2::E2H) == Some(1);
        let s2p = regs.read(&idr0::S2P) == Some(1);
        let vm = |f: &crate::model::FieldDef| if s2p { Some(f.get(w)) } else { None };
        let sel = |s1_worlds, s2, vmid, asid, global, range| Sel { s1_worlds, s2, vmid, asid, global, range };
        let sel = match cmd::opcode(w) {
            op::CMD_CFGI_STE => {
                return self.cfgi_ste(cmd::cfgi_ste::StreamID.get(w), 1, cmd::cfgi_ste::Leaf.get(w) != 0)
            }
            op::CMD_CFGI_STE_RANGE => {
                // 2^(Range+1) StreamIDs, the bottom Range+1 bits of StreamID ignored (4.3.2).
                let n = 1u64.checked_shl(cmd::cfgi_ste_range::Range.get(w) as u32 + 1).unwrap_or(0);
                let base = cmd::cfgi_ste_range::StreamID.get(w) & !n.wrapping_sub(1);
                return self.cfgi_ste(base, n, false);
            }
            op::CMD_CFGI_CD => {
                let key = (cmd::cfgi_cd::StreamID.get(w) as u32, cmd::cfgi_cd::SubstreamID.get(w) as u32);
                let n = usize::from(self.cd.remove(&key).is_some());
                return format!("{} invalidated", plural(n, "cached CD", "cached CDs"));
            }
            op::CMD_CFGI_CD_ALL => {
                let sid = cmd::cfgi_cd_all::StreamID.get(w) as u32;
                let before = self.cd.len();
                self.cd.retain(|k, _| k.0 != sid);
                return format!("{} invalidated", plural(before - self.cd.len(), "cached CD", "cached CDs"));
            }
            op::CMD_TLBI_NH_ALL => sel(EL1, false, vm(&cmd::tlbi_nh_all::VMID), None, true, None),
            op::CMD_TLBI_NH_ASID => {
                sel(EL1, false, vm(&cmd::tlbi_nh_asid::VMID), Some(cmd::tlbi_nh_asid::ASID.get(w)), false, None)
            }
            op::CMD_TLBI_NH_VA => sel(
                EL1,
                false,
                vm(&cmd::tlbi_nh_va::VMID),
                Some(cmd::tlbi_nh_va::ASID.get(w)),
                true,
                Some(range_of(w, regs, range_fields!(tlbi_nh_va))),
            ),
            op::CMD_TLBI_NH_VAA => sel(
                EL1,
                false,
                vm(&cmd::tlbi_nh_vaa::VMID),
                None,
                true,
                Some(range_of(w, regs, range_fields!(tlbi_nh_vaa))),
            ),
            op::CMD_TLBI_EL2_ALL => sel(EL2_ANY, false, None, None, true, None),
            op::CMD_TLBI_EL2_ASID => sel(EL2_E2H, false, None, Some(cmd::tlbi_el2_asid::ASID.get(w)), false, None),
            op::CMD_TLBI_EL2_VA => sel(
                if e2h { EL2_E2H } else { EL2 },
                false,
                None,
                if e2h { Some(cmd::tlbi_el2_va::ASID.get(w)) } else { None },
                true,
                Some(range_of(w, regs, range_fields!(tlbi_el2_va))),
            ),
            op::CMD_TLBI_EL2_VAA => sel(
                if e2h { EL2_E2H } else { EL2 },
                false,
                None,
                None,
                true,
                Some(range_of(w, regs, range_fields!(tlbi_el2_vaa))),
            ),
            op::CMD_TLBI_S12_VMALL => sel(EL1, true, Some(cmd::tlbi_s12_vmall::VMID.get(w)), None, true, None),
            op::CMD_TLBI_S2_IPA => sel(
                &[],
                true,
                Some(cmd::tlbi_s2_ipa::VMID.get(w)),
                None,
                true,
                Some(range_of(w, regs, range_fields!(tlbi_s2_ipa))),
            ),
            op::CMD_TLBI_NSNH_ALL => sel(EL1, true, None, None, true, None),
            op::CMD_ATC_INV => return self.atc_inv(w),
            op::CMD_SYNC => return "completes the commands before it".into(),
            _ => return "no effect on the caches modelled".into(),
        };
        self.tlbi(&sel)
    }

    fn cfgi_ste(&mut self, base: u64, n: u64, leaf: bool) -> String {
        let inside = |sid: u32| {
            let s = u64::from(sid);
            n == 0 || (s >= base && s - base < n)
        };
        let (s0, c0, l0) = (self.ste.len(), self.cd.len(), self.l1std.len());
        self.ste.retain(|k, _| !inside(*k));
        // Leaf == 0 and the range forms also invalidate the L1STDs walked to the STEs
        // (4.3.1, 4.3.2); Leaf == 1 leaves them.
        if let (Some(split), false) = (self.split, leaf) {
            let last = if n == 0 { u64::MAX } else { base.saturating_add(n - 1) };
            let (lo, hi) = (base.checked_shr(split).unwrap_or(0), last.checked_shr(split).unwrap_or(0));
            self.l1std.retain(|k, _| n != 0 && !(*k >= lo && *k <= hi));
        }
        let l1 = l0 - self.l1std.len();
        // CMD_CFGI_STE(_RANGE) also invalidates the CDs cached through those StreamIDs.
        self.cd.retain(|k, _| !inside(k.0));
        format!(
            "{}, {} and {} invalidated",
            plural(s0 - self.ste.len(), "cached STE", "cached STEs"),
            plural(l1, "L1STD", "L1STDs"),
            plural(c0 - self.cd.len(), "cached CD", "cached CDs")
        )
    }

    fn atc_inv(&mut self, w: &[u64; 2]) -> String {
        let sid = cmd::atc_inv::StreamID.get(w) as u32;
        let ssid = (cmd::atc_inv::SSV.get(w) != 0).then(|| cmd::atc_inv::SubstreamID.get(w) as u32);
        let size = cmd::atc_inv::Size.get(w);
        let span = if size >= 52 { 0 } else { 4096u64 << size };
        let base = cmd::atc_inv::Address.address(w) & !span.wrapping_sub(1);
        let (lo, hi) = if span == 0 { (0, u64::MAX) } else { (base, base.saturating_add(span)) };
        let mut n = 0;
        let mut out = vec![];
        for e in std::mem::take(&mut self.atc) {
            if e.sid != sid || e.ssid != ssid {
                out.push(e);
                continue;
            }
            let (rest, hit) = cut(&e.seg, lo, hi);
            n += usize::from(hit);
            out.extend(rest.into_iter().map(|seg| AtcEntry { seg, ..e.clone() }));
        }
        self.atc = out;
        format!("{} invalidated in the device", plural(n, "ATC run", "ATC runs"))
    }

    fn tlbi(&mut self, s: &Sel) -> String {
        let tag_ok = |world: World, stage2: bool, vmid: u64, asid: Option<u64>| {
            let stage_ok = if stage2 { s.s2 } else { s.s1_worlds.contains(&world) };
            let vmid_ok = match s.vmid {
                Some(v) => world != World::NsEl1 || vmid == v,
                None => true,
            };
            let asid_ok = match asid {
                None => s.global,
                Some(a) => s.asid.is_none_or(|x| x == a),
            };
            stage_ok && vmid_ok && asid_ok
        };
        let (mut n_tlb, mut n_walk) = (0usize, 0usize);
        let mut kept = vec![];
        for e in std::mem::take(&mut self.tlb) {
            if !tag_ok(e.world, e.kind == TlbKind::S2, e.vmid, e.asid) {
                kept.push(e);
                continue;
            }
            match &s.range {
                None => n_tlb += 1,
                Some(r) => {
                    if r.tg.is_some_and(|g| g != e.granule) || r.ttl.is_some_and(|l| l != e.seg.level) {
                        kept.push(e);
                        continue;
                    }
                    let (rest, hit) = cut(&e.seg, r.lo, r.hi);
                    n_tlb += usize::from(hit);
                    kept.extend(rest.into_iter().map(|seg| TlbEntry { seg, ..e.clone() }));
                }
            }
        }
        self.tlb = kept;
        let before = self.walk.len();
        self.walk.retain(|e| {
            if !tag_ok(e.world, e.stage == 2, e.vmid, e.asid.or(if s.global { None } else { Some(u64::MAX) })) {
                return true;
            }
            match &s.range {
                None => false,
                Some(r) => {
                    // Leaf == 1: only last-level entries; TG and TTL narrow the scope
                    // (4.4.1.1: with TTL, table entries above the TTL level).
                    if r.leaf || r.tg.is_some_and(|g| g != e.granule) || r.ttl.is_some_and(|l| e.t.level >= l) {
                        return true;
                    }
                    let end = e.t.ia.saturating_add(e.t.span);
                    !(r.lo < end && e.t.ia < r.hi)
                }
            }
        });
        n_walk += before - self.walk.len();
        format!(
            "{} and {} invalidated",
            plural(n_tlb, "TLB run", "TLB runs"),
            plural(n_walk, "walk-cache entry", "walk-cache entries")
        )
    }

    /// TLB runs a context may hit: (stage 1 / combined VA runs, stage 2 IPA runs).
    fn tlb_for(&self, c: &Ctx) -> (Vec<Seg>, Vec<Seg>) {
        let (mut s1, mut s2) = (vec![], vec![]);
        for (i, e) in self.tlb.iter().enumerate() {
            let src = Src::Tlb(i as u32);
            match e.kind {
                TlbKind::S2 if c.s2.is_some() && e.vmid == c.vmid => s2.push(Seg { src: [src, src], ..e.seg }),
                TlbKind::S1 | TlbKind::Nested
                    if c.s1.is_some()
                        && e.world == c.world
                        && (c.world != World::NsEl1 || e.vmid == c.vmid)
                        && e.asid.is_none_or(|a| Some(a) == c.asid_tag()) =>
                {
                    s1.push(Seg { src: [src, src], ..e.seg })
                }
                _ => {}
            }
        }
        (s1, s2)
    }

    /// Walk-cache entries a context may use, by (level, input address of the slot).
    fn walk_for(&self, c: &Ctx, stage: u8) -> HashMap<(i32, u64), (u64, u32)> {
        let mut m = HashMap::new();
        let g = if stage == 1 { c.s1.as_ref() } else { c.s2.as_ref() }.map(|p| p.granule);
        for (i, e) in self.walk.iter().enumerate() {
            let ok = e.stage == stage
                && Some(e.granule) == g
                && if stage == 1 {
                    e.world == c.world && (c.world != World::NsEl1 || e.vmid == c.vmid) && e.asid == c.asid_tag()
                } else {
                    e.vmid == c.vmid
                };
            if ok {
                m.entry((e.t.level, e.t.ia)).or_insert((e.t.value, i as u32));
            }
        }
        m
    }

    /// Every cached item still usable whose source changed, for the contexts of BEFORE and
    /// AFTER, with AFTER's registers and memory.
    pub fn stale(
        &self,
        actx: &[Ctx],
        bctx: &[Ctx],
        regs: &RegisterSet,
        mem: &dyn PhysMem,
        bmem: &dyn PhysMem,
        notes: &mut Vec<String>,
    ) -> Vec<StaleEntry> {
        let mut keys: Vec<(u32, Option<u32>)> = actx.iter().chain(bctx).map(|c| (c.sid, c.ssid)).collect();
        keys.sort();
        keys.dedup();
        let mut out = vec![];
        let mut ste_done = std::collections::HashSet::new();
        let mut l1_done = std::collections::HashSet::new();
        for (sid, ssid) in keys {
            let truth = match actx.iter().find(|c| c.sid == sid && c.ssid == ssid) {
                Some(c) => Ok(c.clone()),
                None => resolve(regs, mem, sid, ssid, &[], None),
            };
            let ste_c = self.ste.get(&sid);
            let cd_c = self.cd.get(&(sid, ssid.unwrap_or(0)));
            let ste_addr = truth
                .as_ref()
                .ok()
                .map(|c| c.ste_addr)
                .or_else(|| bctx.iter().find(|c| c.sid == sid).map(|c| c.ste_addr));
            // A cached L1STD that AFTER's no longer matches leads the STE fetch elsewhere.
            let st = StreamTable::from_regs(regs).ok().filter(|t| t.format == StFormat::TwoLevel);
            let l1 = st.as_ref().and_then(|t| {
                let v = *self.l1std.get(&t.l1_index(sid))?;
                let a = t.l1std_addr(sid)?;
                let now = mem.read_u64_le(a).ok();
                (now != Some(v)).then_some((t, a, v, now))
            });
            let mut over: Vec<(u64, Vec<u8>)> = vec![];
            let mut ste_at = ste_addr;
            if let Some((t, a, v, now)) = l1 {
                over.push((a, v.to_le_bytes().to_vec()));
                let (l2ptr, span) = geometry::l1std(v);
                ste_at = geometry::l2_ste_addr(l2ptr, span, t.l2_index(sid), t.split).ok();
                if l1_done.insert(t.l1_index(sid)) {
                    out.push(StaleEntry {
                        kind: "config",
                        sid,
                        ssid: None,
                        stage: None,
                        iova: None,
                        size: None,
                        old_pa: None,
                        new_pa: None,
                        cache: "configuration cache",
                        structure: Some("L1STD"),
                        why: format!(
                            "the L1STD locating StreamID {sid:#x} is still cached ({v:#x}; AFTER's is {}): CMD_CFGI_STE with Leaf = 1 does not invalidate it (4.3.1)",
                            now.map_or("not in the image".to_string(), |n| format!("{n:#x}"))
                        ),
                        cause: Cause::Config,
                        ipa: None,
                        s2_change: false,
                        nested: false,
                    });
                }
            }
            if let (Some(w), Some(a)) = (ste_c, ste_at) {
                over.push((a, w.iter().flat_map(|x| x.to_le_bytes()).collect()));
            }
            let eff = if over.is_empty() && cd_c.is_none() {
                truth.clone()
            } else {
                resolve(regs, mem, sid, ssid, &over, cd_c)
            };
            if let Some(w) = ste_c {
                let differs = truth.as_ref().map_or(true, |t| &t.ste != w);
                if differs && ste_done.insert(sid) {
                    let why = match &truth {
                        Ok(t) => format!(
                            "the STE of StreamID {sid:#x} is still in the configuration cache and differs from AFTER's: {}",
                            ste_diff(w, &t.ste)
                        ),
                        Err(e) => format!(
                            "the STE of StreamID {sid:#x} is still in the configuration cache; AFTER's does not give this configuration ({e})"
                        ),
                    };
                    out.push(StaleEntry {
                        kind: "config",
                        sid,
                        ssid: None,
                        stage: None,
                        iova: None,
                        size: None,
                        old_pa: None,
                        new_pa: None,
                        cache: "configuration cache",
                        structure: Some("STE"),
                        why,
                        cause: Cause::Config,
                        ipa: None,
                        s2_change: false,
                        nested: false,
                    });
                }
            }
            if let (Some(w), Ok(e)) = (cd_c, &eff) {
                let t_cd = truth.as_ref().ok().and_then(|t| t.cd);
                if e.cd.as_ref() == Some(w) && t_cd.as_ref() != Some(w) {
                    let why = match &t_cd {
                        Some(t) => format!(
                            "CD {} of StreamID {sid:#x} is still in the configuration cache and differs from AFTER's: {}",
                            ssid.unwrap_or(0),
                            cd_diff(w, t)
                        ),
                        None => format!(
                            "CD {} of StreamID {sid:#x} is still in the configuration cache; AFTER has no such CD for this stream",
                            ssid.unwrap_or(0)
                        ),
                    };
                    out.push(StaleEntry {
                        kind: "config",
                        sid,
                        ssid,
                        stage: None,
                        iova: None,
                        size: None,
                        old_pa: None,
                        new_pa: None,
                        cache: "configuration cache",
                        structure: Some("CD"),
                        why,
                        cause: Cause::Config,
                        ipa: None,
                        s2_change: false,
                        nested: false,
                    });
                }
            }
            let Ok(e) = eff else { continue };
            let tw = truth.as_ref().ok().map(|t| walk_ctx(t, mem, &no_walk, &no_walk, &[], &[]));
            let (top1, top2) = self.tlb_for(&e);
            let (w1, w2) = (self.walk_for(&e, 1), self.walk_for(&e, 2));
            let h1 = |l: i32, ia: u64| w1.get(&(l, ia)).copied();
            let h2 = |l: i32, ia: u64| w2.get(&(l, ia)).copied();
            let ew = walk_ctx(&e, mem, &h1, &h2, &top2, &top1);
            let truth_fin = tw.as_ref().map(|t| t.fin.clone()).unwrap_or_default();
            let truth_s1 = tw.as_ref().map(|t| t.s1.clone()).unwrap_or_default();
            // The device's ATC, apart: both it and the SMMU's caches may be stale (ATS
            // translation requests and non-ATS transactions use the SMMU's).
            let mut view = ew.fin;
            if e.ats {
                let atc: Vec<Seg> = self
                    .atc
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| a.sid == sid && a.ssid == ssid)
                    .map(|(i, a)| Seg { src: [Src::Atc(i as u32), Src::Atc(i as u32)], ..a.seg })
                    .collect();
                view.extend(overlay(&atc, &[]));
            }
            let bbml = regs.read(&crate::regs::idr::idr3::BBML).unwrap_or(0);
            for (p, t) in diff(&view, &truth_fin) {
                let mut s = self.translation_entry(&e, &p, t.as_ref());
                if e.s1.is_some() && e.s2.is_some() {
                    s.ipa = Some(p.ipa);
                    s.s2_change = tables::find(&truth_s1, p.ia).is_some_and(|x| x.out(p.ia) == p.ipa);
                }
                if let Some(t) = t.filter(|t| t.leaf != p.leaf && matches!(p.src[0], Src::Tlb(_))) {
                    notes.push(format!(
                        "StreamID {sid:#x}: [{:#x}, {:#x}) changed leaf size ({} -> {}); SMMU_IDR3.BBML = {bbml}: {}",
                        p.ia,
                        p.end(),
                        crate::walk::tt::size_str(p.leaf),
                        crate::walk::tt::size_str(t.leaf),
                        if bbml == 0 {
                            "changing the block size of a live mapping needs break-before-make (an invalid descriptor and a TLBI between the two)"
                        } else {
                            "the SMMU may hold the old and the new entry at once (F_TLB_CONFLICT) until they are invalidated"
                        }
                    ));
                }
                out.push(s);
            }
            // Nested: the stage 2 part by IPA, where cached stage 2 entries differ (they
            // also serve the stage 1 table and CD fetches).
            if let (Some(t), true, true) = (&tw, e.s1.is_some(), e.s2.is_some()) {
                for (p, q) in diff(&ew.s2, &t.s2) {
                    if p.src[0] == Src::Mem {
                        continue;
                    }
                    let mut s = self.translation_entry(&e, &p, q.as_ref());
                    s.stage = Some("2");
                    s.why = format!("stage 2 (IPA [{:#x}, {:#x})): {}", p.ia, p.end(), s.why);
                    out.push(s);
                }
            }
            // QEMU 10.0 keeps the stage 2 translation of CD.TTB0 in its configuration cache.
            if let (Some(t), Some(p1), true) = (&tw, &e.s1, e.s2.is_some()) {
                let before = bctx.iter().find(|c| c.sid == sid && c.ssid == ssid);
                if let Some(b) = before {
                    let bw = walk_ctx(b, bmem, &no_walk, &no_walk, &[], &[]);
                    let old = tables::find(&bw.s2, p1.ttb).map(|s| s.out(p1.ttb));
                    let new = tables::find(&t.s2, p1.ttb).map(|s| s.out(p1.ttb));
                    if old != new && (self.ste.contains_key(&sid) || self.cd.contains_key(&(sid, ssid.unwrap_or(0)))) {
                        notes.push(format!(
                            "QEMU 10.0 deviation (not architected, a note rather than a verdict): QEMU keeps the stage 2 translation of CD.TTB0 (IPA {:#x}) of StreamID {sid:#x} in its configuration cache; stage 2 now maps it elsewhere, and on QEMU only CMD_CFGI_CD / CMD_CFGI_STE for the stream clears it, whatever TLB invalidation is issued",
                            p1.ttb
                        ));
                    }
                }
            }
        }
        out
    }

    fn translation_entry(&self, c: &Ctx, p: &Seg, t: Option<&Seg>) -> StaleEntry {
        let range = format!("[{:#x}, {:#x})", p.ia, p.end());
        let after = match t {
            Some(t) if t.oa != p.oa => format!("AFTER's tables map it to {:#x}", t.oa),
            Some(_) => "AFTER's tables map it to the same PA with other permissions or attributes".to_string(),
            None => "AFTER's tables do not map it".to_string(),
        };
        let src = match p.src {
            [Src::Atc(i), _] => Some(Src::Atc(i)),
            [Src::Tlb(i), _] | [Src::Mem, Src::Tlb(i)] => Some(Src::Tlb(i)),
            [Src::Walk(i), _] | [_, Src::Walk(i)] => Some(Src::Walk(i)),
            _ => None,
        };
        let (cache, cause, why) = match src {
            Some(Src::Tlb(i)) => {
                let e = self.tlb.get(i as usize);
                let desc = e.map_or_else(String::new, |e| {
                    let kind = match e.kind {
                        TlbKind::S1 => "stage 1",
                        TlbKind::S2 => "stage 2",
                        TlbKind::Nested => "combined stage 1 and stage 2",
                    };
                    let tags = match (e.kind, e.asid) {
                        (TlbKind::S2, _) => format!("VMID {:#x}", e.vmid),
                        (_, Some(a)) => format!("{}, VMID {:#x}, ASID {a:#x}", e.world.name(), e.vmid),
                        (_, None) => format!("{}, VMID {:#x}, global (nG = 0)", e.world.name(), e.vmid),
                    };
                    let via = if e.kind == TlbKind::S2 && c.s1.is_some() {
                        if p.src[0] == Src::Tlb(i) && p.src[1] != Src::Tlb(i) {
                            " (used for the stage 1 table walk)"
                        } else {
                            " (the stage 2 part of the nested translation)"
                        }
                    } else {
                        ""
                    };
                    format!(
                        "a {kind} TLB entry ({tags}, {} leaf at level {}) inserted for StreamID {:#x}{}{via}",
                        crate::walk::tt::size_str(e.seg.leaf),
                        e.seg.level,
                        e.sid,
                        e.ssid.map_or(String::new(), |s| format!(" SubstreamID {s:#x}"))
                    )
                });
                ("TLB", Cause::Tlb(i as usize), format!("{desc} still translates {range} to {:#x}; {after}", p.oa))
            }
            Some(Src::Walk(i)) => {
                let d = self.walk.get(i as usize).map_or_else(String::new, |e| {
                    format!(
                        "a stage {} walk-cache entry (level {} table descriptor {:#x} for [{:#x}, {:#x})) from StreamID {:#x}",
                        e.stage,
                        e.t.level,
                        e.t.value,
                        e.t.ia,
                        e.t.ia.saturating_add(e.t.span),
                        e.sid
                    )
                });
                (
                    "walk cache",
                    Cause::Walk(i as usize),
                    format!(
                        "{d} still leads the walk for {range} to BEFORE's next-level table, giving {:#x}; {after}",
                        p.oa
                    ),
                )
            }
            Some(Src::Atc(i)) => (
                "ATC",
                Cause::Atc(i as usize),
                format!("the device's ATC (ATS) still translates {range} to {:#x}; {after}", p.oa),
            ),
            _ => (
                "configuration cache",
                Cause::Config,
                format!(
                    "the cached STE/CD still point the walk at BEFORE's tables, which give {:#x} for {range}; {after}",
                    p.oa
                ),
            ),
        };
        StaleEntry {
            kind: "translation",
            sid: c.sid,
            ssid: c.ssid,
            stage: Some(match (c.s1.is_some(), c.s2.is_some()) {
                (true, true) => "nested",
                (false, true) => "2",
                _ => "1",
            }),
            iova: Some(p.ia),
            size: Some(p.size),
            old_pa: Some(p.oa),
            new_pa: t.map(|t| t.oa),
            cache,
            structure: None,
            why,
            cause,
            ipa: None,
            s2_change: false,
            nested: c.s1.is_some() && c.s2.is_some(),
        }
    }
}

/// What differs between BEFORE and AFTER: STEs, CDs, leaf ranges and table descriptors.
pub fn changes(bctx: &[Ctx], actx: &[Ctx], bmem: &dyn PhysMem, amem: &dyn PhysMem) -> Vec<Change> {
    let mut out = vec![];
    let ch = |kind, sid, ssid, what: String| Change {
        kind,
        sid,
        ssid,
        stage: None,
        iova: None,
        size: None,
        old_pa: None,
        new_pa: None,
        what,
    };
    let mut sids: Vec<u32> = bctx.iter().chain(actx).map(|c| c.sid).collect();
    sids.sort();
    sids.dedup();
    for sid in sids {
        let b = bctx.iter().find(|c| c.sid == sid);
        let a = actx.iter().find(|c| c.sid == sid);
        match (b, a) {
            (Some(b), Some(a)) if b.ste != a.ste => out.push(ch("STE", sid, None, ste_diff(&b.ste, &a.ste))),
            (Some(_), None) => out.push(ch("STE", sid, None, "valid in BEFORE, not usable in AFTER".into())),
            (None, Some(_)) => out.push(ch("STE", sid, None, "not usable in BEFORE, valid in AFTER".into())),
            _ => {}
        }
    }
    let mut keys: Vec<(u32, Option<u32>)> = bctx.iter().chain(actx).map(|c| (c.sid, c.ssid)).collect();
    keys.sort();
    keys.dedup();
    for (sid, ssid) in keys {
        let b = bctx.iter().find(|c| c.sid == sid && c.ssid == ssid);
        let a = actx.iter().find(|c| c.sid == sid && c.ssid == ssid);
        if let (Some(x), Some(y)) = (b.and_then(|c| c.cd), a.and_then(|c| c.cd)) {
            if x != y {
                out.push(ch("CD", sid, ssid, cd_diff(&x, &y)));
            }
        }
        let bw = b.map(|c| walk_ctx(c, bmem, &no_walk, &no_walk, &[], &[]));
        let aw = a.map(|c| walk_ctx(c, amem, &no_walk, &no_walk, &[], &[]));
        let stage = |c: Option<&Ctx>| match c.map(|c| (c.s1.is_some(), c.s2.is_some())) {
            Some((true, true)) => "nested",
            Some((false, true)) => "2",
            _ => "1",
        };
        let st = stage(a.or(b));
        let empty: Vec<Seg> = vec![];
        let bf = bw.as_ref().map_or(&empty, |w| &w.fin);
        let af = aw.as_ref().map_or(&empty, |w| &w.fin);
        let mut push_map = |p: &Seg, t: Option<&Seg>, what: String, st: &'static str| {
            out.push(Change {
                kind: "mapping",
                sid,
                ssid,
                stage: Some(st),
                iova: Some(p.ia),
                size: Some(p.size),
                old_pa: Some(p.oa),
                new_pa: t.map(|t| t.oa),
                what,
            })
        };
        for (p, t) in diff(bf, af) {
            let what = match t {
                Some(t) if t.oa != p.oa => "remapped".to_string(),
                Some(_) => "permissions or attributes changed".to_string(),
                None => "unmapped".to_string(),
            };
            push_map(&p, t.as_ref(), what, st);
        }
        for (p, t) in diff(af, bf) {
            if t.is_none() {
                out.push(Change {
                    kind: "mapping",
                    sid,
                    ssid,
                    stage: Some(st),
                    iova: Some(p.ia),
                    size: Some(p.size),
                    old_pa: None,
                    new_pa: Some(p.oa),
                    what: "newly mapped".into(),
                });
            }
        }
        if let (Some(bw), Some(aw)) = (&bw, &aw) {
            for (tb, ta, st) in [(&bw.t1, &aw.t1, "1"), (&bw.t2, &aw.t2, "2")] {
                let am: HashMap<(i32, u64), u64> = ta.iter().map(|(t, _)| ((t.level, t.ia), t.value)).collect();
                for (t, _) in tb {
                    let new = am.get(&(t.level, t.ia)).copied();
                    if new != Some(t.value) {
                        out.push(Change {
                            kind: "table",
                            sid,
                            ssid,
                            stage: Some(st),
                            iova: Some(t.ia),
                            size: Some(t.span),
                            old_pa: None,
                            new_pa: None,
                            what: match new {
                                Some(n) => format!("level {} table descriptor {:#x} -> {n:#x}", t.level, t.value),
                                None => format!("level {} table descriptor {:#x} is gone", t.level, t.value),
                            },
                        });
                    }
                }
            }
        }
    }
    out
}
