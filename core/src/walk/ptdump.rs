//! Every mapping of a stream's translation tables, adjacent ranges with equal attributes
//! coalesced (`smmu ptdump`).

use super::tt::{mair_attr, mair_str, s2_memattr_str, size_str, TtParams};
use super::{Missing, Stop, Walker};
use crate::mem::PhysMem;
use crate::regset::RegisterSet;
use crate::structs::desc::{self, s1_leaf, s2_leaf, table};
use serde::{Deserialize, Serialize};

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
    pub mappings: Vec<Mapping>,
    pub tables: u64,
    pub leaves: u64,
    /// Tables that are not in the memory image (their ranges are not listed).
    pub missing: Vec<Missing>,
    /// Descriptors that are malformed (reserved level 3 type, block at a level that has none).
    pub invalid: Vec<String>,
    /// The dump stopped at MAX_TABLES tables or MAX_LEAVES leaves (tables pointing at
    /// themselves or at each other can describe more mappings than exist).
    pub truncated: bool,
}

/// Bounds on one dump: enough for 32M pages of real tables.
pub const MAX_TABLES: u64 = 1 << 16;
pub const MAX_LEAVES: u64 = 1 << 22;

struct Dumper<'a> {
    mem: &'a dyn PhysMem,
    out: Vec<Mapping>,
    tables: u64,
    leaves: u64,
    missing: Vec<Missing>,
    invalid: Vec<String>,
    truncated: bool,
    pending: Option<Pending>,
    /// Nested stage 1: translate table IPAs with this stage 2.
    s2: Option<(&'a TtParams, &'a RegisterSet)>,
    buf: Vec<u8>,
}

fn push(out: &mut Vec<Mapping>, m: Mapping) {
    if let Some(l) = out.last_mut() {
        if l.input.checked_add(l.size) == Some(m.input)
            && l.output.checked_add(l.size) == Some(m.output)
            && l.perms == m.perms
            && l.attrs == m.attrs
            && l.flags == m.flags
            && l.leaf_size == m.leaf_size
        {
            l.size += m.size;
            l.leaves += m.leaves;
            return;
        }
    }
    out.push(m);
}

fn s1_perms(d: u64, hier: (bool, bool, bool, bool), wxn: bool) -> String {
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

struct Pending {
    input: u64,
    output: u64,
    size: u64,
    leaf_size: u64,
    leaves: u64,
    key: (u64, (bool, bool, bool, bool)),
    desc: u64,
    hier: (bool, bool, bool, bool),
}

impl Dumper<'_> {
    /// Turns the range being built into a [`Mapping`] (strings made once per range).
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
        push(
            &mut self.out,
            Mapping {
                input: pd.input,
                output: pd.output,
                size: pd.size,
                perms,
                attrs,
                leaf_size: pd.leaf_size,
                leaves: pd.leaves,
                flags: flags.join(","),
            },
        );
    }

    fn table(
        &mut self,
        p: &TtParams,
        table: u64,
        level: i32,
        base_in: u64,
        hier: (bool, bool, bool, bool),
        depth: u32,
    ) {
        if depth > 5 || level > 3 || self.tables >= MAX_TABLES || self.leaves >= MAX_LEAVES {
            if self.tables >= MAX_TABLES || self.leaves >= MAX_LEAVES {
                self.truncated = true;
            }
            return;
        }
        let g = p.granule;
        let Some(shift) = g.level_shift(level) else {
            return;
        };
        let bits = if level == p.start_level { p.ia_bits.saturating_sub(shift) } else { g.stride() };
        let n = 1usize << bits.min(20);
        let mut table = table;
        if level == p.start_level {
            // As the walker: the start table is aligned to its size, at least 64 bytes.
            let tsz_log2 = (bits + desc::DESC_BYTES.trailing_zeros()).max(6);
            table &= !((1u64 << tsz_log2.min(63)) - 1);
        }
        self.tables += 1;
        let len = n * desc::DESC_BYTES as usize;
        self.buf.clear();
        self.buf.resize(len, 0);
        let mut buf = std::mem::take(&mut self.buf);
        match self.s2 {
            None => {
                if let Err(crate::mem::MemError::Missing { addr, len }) = self.mem.read(table, &mut buf) {
                    self.missing.push(Missing {
                        address: addr,
                        len,
                        what: format!("stage {} level {level} table", p.stage),
                    });
                    self.buf = buf;
                    return;
                }
            }
            Some((s2, regs)) => {
                // Nested: the table is at an IPA; each stage 2 page or block of it is
                // translated on its own (they need not be contiguous in PA). A piece stage 2
                // does not map reads as invalid descriptors.
                let mut w = Walker::new(regs, self.mem);
                w.trace = false;
                let acc = super::tt::Acc { write: false, exec: false, privileged: true };
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
                    if let (Some(pa), Some(chunk)) = (pa, buf.get_mut(off..end)) {
                        if let Err(crate::mem::MemError::Missing { addr, len }) = self.mem.read(pa, chunk) {
                            self.missing.push(Missing {
                                address: addr,
                                len,
                                what: format!("stage 1 level {level} table (IPA {ipa:#x})"),
                            });
                            chunk.fill(0);
                        }
                    }
                    off = end;
                }
            }
        }
        let descs: Vec<u64> = buf
            .chunks_exact(8)
            .map(|c| {
                let mut a = [0u8; 8];
                a.copy_from_slice(c);
                u64::from_le_bytes(a)
            })
            .collect();
        self.buf = buf;
        for (i, d) in descs.into_iter().enumerate() {
            if !desc::is_valid(d) {
                continue;
            }
            if self.leaves >= MAX_LEAVES || self.tables >= MAX_TABLES {
                self.truncated = true;
                return;
            }
            let input = base_in | ((i as u64) << shift);
            let is_table = desc::is_table_or_page(d);
            if level < 3 && is_table {
                let next = desc::next_table_address(d, g, p.format);
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
            if level < 3 && !desc::block_allowed(g, p.format, level) {
                self.invalid.push(format!("input {input:#x}: block descriptor at level {level} is not allowed"));
                continue;
            }
            self.leaves += 1;
            let size = 1u64 << shift;
            let Some(oa) = desc::block_address(d, g, p.format, level) else {
                continue;
            };
            // Attribute key: everything that makes two leaves print differently.
            let attrs: &[&crate::model::FieldDef] = if p.stage == 1 {
                &[
                    &s1_leaf::AttrIndx,
                    &s1_leaf::AP,
                    &s1_leaf::UXN,
                    &s1_leaf::PXN,
                    &s1_leaf::AF,
                    &s1_leaf::DBM,
                    &s1_leaf::Contiguous,
                ]
            } else {
                &[&s2_leaf::MemAttr, &s2_leaf::S2AP, &s2_leaf::XN, &s2_leaf::AF, &s2_leaf::DBM, &s2_leaf::Contiguous]
            };
            let key = (d & desc::mask_of(attrs), hier);
            if let Some(pd) = &mut self.pending {
                if pd.key == key
                    && pd.leaf_size == size
                    && pd.input.checked_add(pd.size) == Some(input)
                    && pd.output.checked_add(pd.size) == Some(oa)
                {
                    pd.size += size;
                    pd.leaves += 1;
                    continue;
                }
            }
            self.flush(p);
            self.pending = Some(Pending { input, output: oa, size, leaf_size: size, leaves: 1, key, desc: d, hier });
        }
    }
}

/// Dumps one walk's tables (no stream table: used directly by benchmarks and tests).
pub fn dump_tables(mem: &dyn PhysMem, p: &TtParams) -> (Vec<Mapping>, u64, u64, Vec<Missing>, Vec<String>) {
    // (mappings, tables, leaves, missing, invalid)
    let mut d = Dumper {
        mem,
        out: vec![],
        tables: 0,
        leaves: 0,
        missing: vec![],
        invalid: vec![],
        s2: None,
        buf: vec![],
        truncated: false,
        pending: None,
    };
    d.table(p, p.ttb, p.start_level, 0, (false, false, false, false), 0);
    d.flush(p);
    (d.out, d.tables, d.leaves, d.missing, d.invalid)
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

/// Dumps the mappings of `sid`/`ssid` for a stage.
pub fn ptdump(
    regs: &RegisterSet,
    mem: &dyn PhysMem,
    sid: u32,
    ssid: Option<u32>,
    stage: DumpStage,
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
        tables: 0,
        leaves: 0,
        missing: vec![],
        invalid: vec![],
        truncated: false,
    };
    let run = |p: &TtParams, s2: Option<(&TtParams, &RegisterSet)>, upper: bool, res: &mut PtDump| {
        let mut d = Dumper {
            mem,
            out: vec![],
            tables: 0,
            leaves: 0,
            missing: vec![],
            invalid: vec![],
            s2,
            buf: vec![],
            truncated: false,
            pending: None,
        };
        let base = if upper && p.ia_bits < 64 { u64::MAX << p.ia_bits } else { 0 };
        d.table(p, p.ttb, p.start_level, base, (false, false, false, false), 0);
        d.flush(p);
        res.mappings.extend(d.out);
        res.tables += d.tables;
        res.leaves += d.leaves;
        res.missing.extend(d.missing);
        res.invalid.extend(d.invalid);
        res.truncated |= d.truncated;
    };
    let s2 = sc.s2.as_ref();
    match stage {
        DumpStage::S2 => {
            let p = s2.ok_or_else(|| not_translating(&sc, 2))?;
            run(p, None, false, &mut res);
        }
        DumpStage::S1 | DumpStage::Nested => {
            let p = sc.s1.as_ref().ok_or_else(|| not_translating(&sc, 1))?;
            let nest = s2.map(|x| (x, regs));
            if !p.epd0 {
                run(p, nest, false, &mut res);
            }
            if let Some(p1) = &p.ttb1 {
                run(p1, nest, true, &mut res);
            }
            if stage == DumpStage::Nested {
                let p2 = s2.ok_or_else(|| format!("{}: use --stage 1", not_translating(&sc, 2)))?;
                let mut d2 = PtDump {
                    sid,
                    ssid,
                    stage: DumpStage::S2,
                    mappings: vec![],
                    tables: 0,
                    leaves: 0,
                    missing: vec![],
                    invalid: vec![],
                    truncated: false,
                };
                run(p2, None, false, &mut d2);
                res.mappings = compose(&res.mappings, &d2.mappings);
                res.tables += d2.tables;
                res.missing.extend(d2.missing);
                res.invalid.extend(d2.invalid);
            }
        }
    }
    Ok(res)
}

/// Stage 1 ranges (IOVA -> IPA) through stage 2 ranges (IPA -> PA).
fn compose(s1: &[Mapping], s2: &[Mapping]) -> Vec<Mapping> {
    let mut out = vec![];
    for m in s1 {
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
            let sz = hi - lo;
            push(
                &mut out,
                Mapping {
                    input: m.input + (lo - a),
                    output: x.output + (lo - x.input),
                    size: sz,
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
                },
            );
        }
    }
    out
}

/// Text table of a dump.
pub fn render(d: &PtDump) -> String {
    let mut s = format!(
        "{} mapping range(s) from {} leaves in {} tables\n{:<20} {:<20} {:>10} {:<8} {:<24} {}\n",
        d.mappings.len(),
        d.leaves,
        d.tables,
        "input",
        "output",
        "size",
        "leaf",
        "perms",
        "attributes"
    );
    for m in &d.mappings {
        s.push_str(&format!(
            "{:<20} {:<20} {:>10} {:<8} {:<24} {}{}\n",
            format!("{:#x}", m.input),
            format!("{:#x}", m.output),
            size_str(m.size),
            size_str(m.leaf_size),
            m.perms,
            m.attrs,
            if m.flags.is_empty() { String::new() } else { format!(" [{}]", m.flags) }
        ));
    }
    for m in &d.missing {
        s.push_str(&format!("missing: {} at {:#x} is not in the image\n", m.what, m.address));
    }
    for i in &d.invalid {
        s.push_str(&format!("invalid: {i}\n"));
    }
    if d.truncated {
        s.push_str(&format!(
            "truncated: stopped after {} tables / {} leaves (tables point at themselves or each other?)\n",
            d.tables, d.leaves
        ));
    }
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
