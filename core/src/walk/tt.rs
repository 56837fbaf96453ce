//! VMSAv8-64 translation table walks as an SMMU performs them (Arm ARM D8, IHI 0070 3.4):
//! granules 4KB/16KB/64KB, start levels from TxSZ (stage 1) or S2SL0 with concatenated
//! start tables (stage 2), 52-bit output (LPA with 64KB, DS/LPA2 with 4KB/16KB), address size
//! checks, the contiguous hint, the Access flag (AFFD/HA), dirty state (DBM/HD), TBI,
//! EPD0/EPD1 and TTB1, permissions and memory attributes.

use super::event::{Class, EventType};
use super::{Step, Stop, Walker};
use crate::model::FieldDef;
use crate::regset::RegisterSet;
use crate::structs::{self, legality, CD, STE, TT_S1_LEAF, TT_S2_LEAF, TT_TABLE};
use serde::Serialize;

/// Parameters of one translation table walk (one stage, one TTB).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TtParams {
    pub stage: u8,
    pub granule: u32,
    /// Input address size in bits (64 - TxSZ).
    pub ia_bits: u32,
    pub start_level: i32,
    /// log2 of the number of concatenated start-level tables (stage 2).
    pub concat: u32,
    pub ttb: u64,
    /// Effective output address size in bits: min(IPS or S2PS, SMMU_IDR5.OAS).
    pub oa_bits: u32,
    /// 52-bit descriptor format with 4KB/16KB granules (LPA2: OA[51:50] in bits [9:8]).
    pub ds: bool,
    /// 64KB granule with 52-bit output (LPA: OA[51:48] in bits [15:12]).
    pub lpa: bool,
    pub ha: bool,
    pub hd: bool,
    pub affd: bool,
    /// Stage 1: hierarchical attributes disabled (HAD0/HAD1).
    pub had: bool,
    pub wxn: bool,
    pub pan: bool,
    pub mair: u64,
    /// Stage 1 with a CD: TTB1 parameters for addresses in the upper range.
    pub ttb1: Option<Box<TtParams>>,
    pub epd0: bool,
    pub tbi0: bool,
    pub tbi1: bool,
    /// Stage 2: protected table walk (S2PTW) and forced write-back (S2FWB).
    pub ptw: bool,
    pub fwb: bool,
}

fn gbits(g: u32) -> u32 {
    g.trailing_zeros()
}

/// Stage 1 start level for an input size: enough levels to resolve `ia_bits`.
pub fn s1_start_level(granule: u32, ia_bits: u32) -> i32 {
    let g = gbits(granule);
    let stride = g - 3;
    let levels = (ia_bits.saturating_sub(g)).div_ceil(stride) as i32;
    4 - levels
}

impl TtParams {
    pub fn describe(&self) -> String {
        format!(
            "{}KB granule, {}-bit input, start level {}{}, TTB {:#x}, {}-bit output{}",
            self.granule / 1024,
            self.ia_bits,
            self.start_level,
            if self.concat > 0 { format!(" ({} concatenated tables)", 1u32 << self.concat) } else { String::new() },
            self.ttb,
            self.oa_bits,
            if self.ds {
                " (DS: 52-bit descriptors)"
            } else if self.lpa {
                " (LPA: 52-bit with 64KB)"
            } else {
                ""
            }
        )
    }

    fn out_size(ps: u64, regs: &RegisterSet, granule: u32) -> (u32, bool, bool) {
        let ps = legality::ps_bits(ps).unwrap_or(48);
        let oas = legality::oas_bits(regs).unwrap_or(48);
        let mut bits = ps.min(oas);
        let mut ds = false;
        let mut lpa = false;
        if bits == 52 {
            if granule == 65536 {
                lpa = true;
            } else if regs.field("IDR5", "DS").unwrap_or(0) == 1 {
                ds = true;
            } else {
                bits = 48;
            }
        }
        (bits, ds, lpa)
    }

    /// Stage 2 parameters from an STE.
    pub fn from_ste(ste: &[u64], regs: &RegisterSet) -> Result<Self, String> {
        let g = legality::tg0_granule(structs::get(&STE, ste, "S2TG")).ok_or("STE.S2TG is reserved")?;
        let t0sz = structs::get(&STE, ste, "S2T0SZ") as u32;
        let ia = 64u32.saturating_sub(t0sz);
        let (start, concat) = legality::s2_start(g, ia, structs::get(&STE, ste, "S2SL0"))?;
        let (oa_bits, ds, lpa) = Self::out_size(structs::get(&STE, ste, "S2PS"), regs, g);
        Ok(TtParams {
            stage: 2,
            granule: g,
            ia_bits: ia,
            start_level: start,
            concat,
            ttb: structs::get_addr(&STE, ste, "S2TTB"),
            oa_bits,
            ds,
            lpa,
            ha: structs::get(&STE, ste, "S2HA") != 0,
            hd: structs::get(&STE, ste, "S2HD") != 0,
            affd: structs::get(&STE, ste, "S2AFFD") != 0,
            had: true,
            wxn: false,
            pan: false,
            mair: 0,
            ttb1: None,
            epd0: false,
            tbi0: false,
            tbi1: false,
            ptw: structs::get(&STE, ste, "S2PTW") != 0,
            fwb: structs::get(&STE, ste, "S2FWB") != 0,
        })
    }

    /// Stage 1 parameters from a CD (TTB0, with TTB1 attached).
    pub fn from_cd(cd: &[u64], regs: &RegisterSet) -> Result<Self, String> {
        let get = |n: &str| structs::get(&CD, cd, n);
        let tbi = get("TBI");
        let mk = |ttb: &str, tg: Option<u32>, txsz: u64, had: &str| -> Result<TtParams, String> {
            let g = tg.ok_or("reserved granule encoding")?;
            let ia = 64u32.saturating_sub(txsz as u32);
            let (oa_bits, ds, lpa) = Self::out_size(get("IPS"), regs, g);
            Ok(TtParams {
                stage: 1,
                granule: g,
                ia_bits: ia,
                start_level: s1_start_level(g, ia),
                concat: 0,
                ttb: structs::get_addr(&CD, cd, ttb),
                oa_bits,
                ds,
                lpa,
                ha: get("HA") != 0,
                hd: get("HD") != 0,
                affd: get("AFFD") != 0,
                had: get(had) != 0,
                wxn: get("WXN") != 0,
                pan: get("PAN") != 0,
                mair: get("MAIR"),
                ttb1: None,
                epd0: get("EPD0") != 0,
                tbi0: tbi & 1 != 0,
                tbi1: tbi & 2 != 0,
                ptw: false,
                fwb: false,
            })
        };
        let t1 = if get("EPD1") == 0 {
            mk("TTB1", legality::tg1_granule(get("TG1")), get("T1SZ"), "HAD1").ok().map(Box::new)
        } else {
            None
        };
        let mut p = if get("EPD0") == 0 {
            mk("TTB0", legality::tg0_granule(get("TG0")), get("T0SZ"), "HAD0")?
        } else {
            // TTB0 disabled: keep a placeholder so TTB1 can be used.
            let mut p = mk("TTB0", Some(4096), 16, "HAD0")?;
            p.epd0 = true;
            p
        };
        p.ttb1 = t1;
        Ok(p)
    }
}

/// The access being checked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Acc {
    pub write: bool,
    pub exec: bool,
    pub privileged: bool,
}

/// Memory attributes of the final mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attrs {
    /// E.g. `"Normal Inner-WB Outer-WB"` or `"Device-nGnRE"`.
    pub memory_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage1: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage2: Option<String>,
    pub shareability: String,
}

/// A leaf found by a walk. Attributes stay raw until the result is built.
pub(crate) struct Leaf {
    pub oa: u64,
    pub size: u64,
    /// bit 0 read, bit 1 write, bit 2 execute.
    pub perms: u8,
    /// Stage 1: the MAIR attribute byte; stage 2: MemAttr.
    pub attr: u8,
    pub sh: u8,
    pub ds: bool,
    pub stage: u8,
    pub fwb: bool,
}

pub(crate) fn perm_str(p: u8) -> String {
    format!(
        "{}{}{}",
        if p & 1 != 0 { 'r' } else { '-' },
        if p & 2 != 0 { 'w' } else { '-' },
        if p & 4 != 0 { 'x' } else { '-' }
    )
}

impl Leaf {
    pub fn attrs(&self) -> Attrs {
        let t = if self.stage == 1 { mair_str(self.attr as u64) } else { s2_memattr_str(self.attr as u64, self.fwb) };
        Attrs {
            memory_type: t.clone(),
            stage1: if self.stage == 1 { Some(t.clone()) } else { None },
            stage2: if self.stage == 2 { Some(t) } else { None },
            shareability: sh_str(self.sh as u64, self.ds),
        }
    }
}

/// Raw result of a table walk before permission checks.
pub(crate) struct RawLeaf {
    pub desc: u64,
    pub level: i32,
    pub shift: u32,
    pub oa_base: u64,
    pub hier: Hier,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Hier {
    pub no_el0: bool,
    pub ro: bool,
    pub uxn: bool,
    pub pxn: bool,
}

/// Field handles resolved once from the layouts.
pub(crate) struct F {
    pub valid: &'static FieldDef,
    pub ty: &'static FieldDef,
    pub nlta: &'static FieldDef,
    pub nlta_hi4: &'static FieldDef,
    pub nlta_hi2: &'static FieldDef,
    pub pxnt: &'static FieldDef,
    pub xnt: &'static FieldDef,
    pub apt: &'static FieldDef,
    pub attrindx: &'static FieldDef,
    pub ap1: &'static FieldDef,
    pub ap2: &'static FieldDef,
    pub sh: &'static FieldDef,
    pub af: &'static FieldDef,
    pub dbm: &'static FieldDef,
    pub cont: &'static FieldDef,
    pub pxn: &'static FieldDef,
    pub uxn: &'static FieldDef,
    pub memattr: &'static FieldDef,
    pub s2r: &'static FieldDef,
    pub s2w: &'static FieldDef,
    pub s2xn: &'static FieldDef,
}

static DUMMY: FieldDef = crate::model::flag("?", 63, "", "");

fn fd(l: &'static crate::model::Layout, n: &str) -> &'static FieldDef {
    l.field(n).unwrap_or(&DUMMY)
}

pub(crate) fn fields() -> &'static F {
    static C: std::sync::OnceLock<F> = std::sync::OnceLock::new();
    C.get_or_init(|| F {
        valid: fd(&TT_TABLE, "Valid"),
        ty: fd(&TT_TABLE, "Type"),
        nlta: fd(&TT_TABLE, "NLTA"),
        nlta_hi4: fd(&TT_TABLE, "NLTA_51_48"),
        nlta_hi2: fd(&TT_TABLE, "NLTA_51_50"),
        pxnt: fd(&TT_TABLE, "PXNTable"),
        xnt: fd(&TT_TABLE, "XNTable"),
        apt: fd(&TT_TABLE, "APTable"),
        attrindx: fd(&TT_S1_LEAF, "AttrIndx"),
        ap1: fd(&TT_S1_LEAF, "AP1"),
        ap2: fd(&TT_S1_LEAF, "AP2"),
        sh: fd(&TT_S1_LEAF, "SH"),
        af: fd(&TT_S1_LEAF, "AF"),
        dbm: fd(&TT_S1_LEAF, "DBM"),
        cont: fd(&TT_S1_LEAF, "Contiguous"),
        pxn: fd(&TT_S1_LEAF, "PXN"),
        uxn: fd(&TT_S1_LEAF, "UXN"),
        memattr: fd(&TT_S2_LEAF, "MemAttr"),
        s2r: fd(&TT_S2_LEAF, "S2AP_R"),
        s2w: fd(&TT_S2_LEAF, "S2AP_W"),
        s2xn: fd(&TT_S2_LEAF, "XN"),
    })
}

/// A single-word field read using the layout's position.
#[inline]
pub(crate) fn g(f: &FieldDef, w: u64) -> u64 {
    if f.lsb >= 64 {
        0
    } else {
        (w >> f.lsb) & f.mask()
    }
}

/// Output (or next-level table) address held by a descriptor, for bits at and above `shift`.
#[inline]
pub(crate) fn desc_addr(p: &TtParams, f: &F, d: u64, shift: u32) -> u64 {
    // OA/NLTA field covers bits [49:12]; without 52-bit formats only [47:shift] are used.
    let base = g(f.nlta, d) << f.nlta.lsb;
    let top_mask: u64 = if p.ds { (1u64 << 50) - 1 } else { (1u64 << 48) - 1 };
    let low_mask: u64 = !((1u64 << shift) - 1);
    let mut a = base & top_mask & low_mask;
    if p.lpa {
        a |= g(f.nlta_hi4, d) << 48;
    } else if p.ds {
        a |= g(f.nlta_hi2, d) << 50;
    }
    a
}

fn block_allowed(p: &TtParams, level: i32) -> bool {
    match p.granule {
        4096 => level == 1 || level == 2 || (level == 0 && p.ds),
        16384 => level == 2 || (level == 1 && p.ds),
        _ => level == 2 || (level == 1 && p.lpa),
    }
}

fn sname(stage: u8) -> &'static str {
    if stage == 1 {
        "1"
    } else {
        "2"
    }
}

impl Walker<'_> {
    /// Walks one stage's tables for input `ia`. When `s2` is given (nested stage 1), each
    /// table address is an IPA translated by stage 2 first.
    pub(crate) fn walk_tables(
        &mut self,
        p: &TtParams,
        ia: u64,
        s2: Option<&TtParams>,
        purpose: Option<&str>,
    ) -> Result<RawLeaf, Stop> {
        let f = fields();
        let gs = gbits(p.granule);
        let stride = gs - 3;
        let st = sname(p.stage);
        let mut level = p.start_level;
        let mut table = p.ttb;
        let mut hier = Hier::default();
        let fault = |kind: EventType, level: i32, why: String| Stop::Fault {
            kind,
            s2: p.stage == 2,
            class: None,
            ipa: if p.stage == 2 { Some(ia) } else { None },
            fetch: None,
            reason: format!("stage {} level {level}: {why}", p.stage),
        };
        if p.oa_bits < 64 && p.ttb >> p.oa_bits != 0 {
            return Err(fault(
                EventType::F_ADDR_SIZE,
                level,
                format!("TTB {:#x} is beyond the {}-bit output size", p.ttb, p.oa_bits),
            ));
        }
        // Bounded: at most 5 levels (-1..=3), whatever the memory holds.
        for _ in 0..5 {
            if level > 3 {
                break;
            }
            let shift = gs + (3 - level) as u32 * stride;
            let bits = if level == p.start_level { p.ia_bits.saturating_sub(shift) } else { stride };
            let idx = (ia >> shift) & ((1u64 << bits.min(63)) - 1);
            // The start table is aligned to its size; lower TTB bits are ignored.
            if level == p.start_level {
                let tsz_log2 = (bits + 3).max(6);
                table &= !((1u64 << tsz_log2.min(63)) - 1);
            }
            let table_pa = match s2 {
                Some(p2) => {
                    let what = if self.trace { format!("stage 1 level {level} table") } else { String::new() };
                    self.s2_table_fetch(p2, table, Class::TT, &what)?
                }
                None => table,
            };
            let da = table_pa.wrapping_add(idx * 8);
            let d = self.read_u64(da, || {
                format!("stage {} level {level} descriptor (table {table_pa:#x} index {idx})", p.stage)
            })?;
            self.reads += 1;
            let valid = g(f.valid, d) != 0;
            let is_table = g(f.ty, d) != 0;
            let mk = |kind: &'static str, expl: String, decision: String| {
                let mut s = Step::new(st, Some(level), kind, expl);
                s.address = Some(da);
                s.value = Some(d);
                s.table = Some(table_pa);
                s.index = Some(idx);
                s.index_bits =
                    Some(format!("{}[{}:{}]", if p.stage == 1 { "IOVA" } else { "IPA" }, shift + bits - 1, shift));
                s.decision = decision;
                s.purpose = purpose.map(|x| x.to_string());
                s
            };
            if !valid {
                self.step(|| {
                    mk(
                        "invalid",
                        format!("level {level} descriptor {idx} of table {table_pa:#x} is invalid (bit 0 = 0)"),
                        "F_TRANSLATION".into(),
                    )
                });
                return Err(fault(
                    EventType::F_TRANSLATION,
                    level,
                    format!("descriptor at {da:#x} is invalid ({d:#x})"),
                ));
            }
            if level < 3 && is_table {
                let next = desc_addr(p, f, d, gs);
                if p.oa_bits < 64 && next >> p.oa_bits != 0 {
                    self.step(|| {
                        mk(
                            "table",
                            format!("next-level table {next:#x} beyond the {}-bit output size", p.oa_bits),
                            "F_ADDR_SIZE".into(),
                        )
                    });
                    return Err(fault(
                        EventType::F_ADDR_SIZE,
                        level,
                        format!("next-level table address {next:#x} is beyond the {}-bit output size", p.oa_bits),
                    ));
                }
                if p.stage == 1 && !p.had {
                    let apt = g(f.apt, d);
                    hier.no_el0 |= apt & 1 != 0;
                    hier.ro |= apt & 2 != 0;
                    hier.uxn |= g(f.xnt, d) != 0;
                    hier.pxn |= g(f.pxnt, d) != 0;
                }
                self.step(|| {
                    let mut s = mk(
                        "table",
                        format!(
                            "level {level} table descriptor: next-level table at {next:#x}{}",
                            if s2.is_some() { " (IPA)" } else { "" }
                        ),
                        format!("descend to level {}", level + 1),
                    );
                    if p.stage == 1 {
                        s.decode = vec![
                            format!("APTable={:#x}", g(f.apt, d)),
                            format!("XNTable={}", g(f.xnt, d)),
                            format!("PXNTable={}", g(f.pxnt, d)),
                        ];
                    }
                    s
                });
                table = next;
                level += 1;
                continue;
            }
            if level == 3 && !is_table {
                self.step(|| {
                    mk("invalid", "level 3 descriptor with bit 1 = 0 is reserved".into(), "F_TRANSLATION".into())
                });
                return Err(fault(
                    EventType::F_TRANSLATION,
                    level,
                    format!("reserved level 3 descriptor {d:#x} at {da:#x}"),
                ));
            }
            if level < 3 && !block_allowed(p, level) {
                self.step(|| {
                    mk(
                        "invalid",
                        format!(
                            "block descriptor not allowed at level {level} with the {}KB granule",
                            p.granule / 1024
                        ),
                        "F_TRANSLATION".into(),
                    )
                });
                return Err(fault(
                    EventType::F_TRANSLATION,
                    level,
                    format!("block descriptor at level {level} is not allowed for the {}KB granule", p.granule / 1024),
                ));
            }
            let oa_base = desc_addr(p, f, d, shift);
            if p.oa_bits < 64 && oa_base >> p.oa_bits != 0 {
                self.step(|| {
                    mk(
                        if level == 3 { "page" } else { "block" },
                        format!("output address {oa_base:#x} beyond the {}-bit output size", p.oa_bits),
                        "F_ADDR_SIZE".into(),
                    )
                });
                return Err(fault(
                    EventType::F_ADDR_SIZE,
                    level,
                    format!("output address {oa_base:#x} is beyond the {}-bit output size", p.oa_bits),
                ));
            }
            self.step(|| {
                mk(
                    if level == 3 { "page" } else { "block" },
                    format!("level {level} leaf descriptor: output {oa_base:#x}"),
                    String::new(),
                )
            });
            return Ok(RawLeaf { desc: d, level, shift, oa_base, hier });
        }
        Err(fault(EventType::F_TRANSLATION, level, "walk did not reach a leaf".into()))
    }

    /// Stage 1 translation of `va` (with TTB0/TTB1 selection, TBI, EPD), then AF and
    /// permission checks.
    pub(crate) fn stage1(&mut self, p0: &TtParams, s2: Option<&TtParams>, va: u64, acc: Acc) -> Result<Leaf, Stop> {
        let f = fields();
        let upper = (va >> 55) & 1 == 1;
        let (p, tbi, which) = if upper {
            match &p0.ttb1 {
                Some(p1) => (p1.as_ref(), p0.tbi1, "TTB1"),
                None => {
                    self.step(|| {
                        let mut s = Step::new(
                            "1",
                            None,
                            "decision",
                            format!("IOVA {va:#x} has bit 55 set: the TTB1 range, disabled (EPD1 = 1)"),
                        );
                        s.decision = "F_TRANSLATION".into();
                        s
                    });
                    return Err(Stop::fault(
                        EventType::F_TRANSLATION,
                        format!("IOVA {va:#x} is in the TTB1 range and CD.EPD1 = 1"),
                    ));
                }
            }
        } else {
            if p0.epd0 {
                return Err(Stop::fault(
                    EventType::F_TRANSLATION,
                    format!("IOVA {va:#x} is in the TTB0 range and CD.EPD0 = 1"),
                ));
            }
            (p0, p0.tbi0, "TTB0")
        };
        let top = if tbi { 56 } else { 64 };
        let hi = if top == 64 { va >> p.ia_bits.min(63) } else { (va & ((1u64 << 56) - 1)) >> p.ia_bits.min(55) };
        let hi_bits = top - p.ia_bits.min(top);
        let want = if upper {
            if hi_bits >= 64 {
                u64::MAX
            } else {
                (1u64 << hi_bits) - 1
            }
        } else {
            0
        };
        if p.ia_bits < top && hi != want {
            self.step(|| {
                let mut s = Step::new(
                    "1",
                    None,
                    "decision",
                    format!(
                        "IOVA {va:#x}: bits [{}:{}] must all be {} for the {}-bit {which} range",
                        top - 1,
                        p.ia_bits,
                        upper as u8,
                        p.ia_bits
                    ),
                );
                s.decision = "F_TRANSLATION".into();
                s
            });
            return Err(Stop::fault(
                EventType::F_TRANSLATION,
                format!("IOVA {va:#x} is outside the {}-bit input range of {which}", p.ia_bits),
            ));
        }
        self.step(|| Step::new("1", None, "decision", format!("stage 1 {which}: {}", p.describe())));
        let ia = va & if p.ia_bits >= 64 { u64::MAX } else { (1u64 << p.ia_bits) - 1 };
        let r = self.walk_tables(p, ia, s2, None)?;
        let d = r.desc;
        let size = 1u64 << r.shift;
        let oa = r.oa_base | (va & (size - 1));
        let mut notes = vec![];
        // Access flag.
        if g(f.af, d) == 0 {
            if p.ha {
                notes.push(format!("AF = 0: the SMMU sets AF in the descriptor (CD.HA = 1)"));
            } else if !p.affd {
                self.leaf_step(p, &r, oa, "F_ACCESS".into(), s2.is_some());
                return Err(Stop::fault(
                    EventType::F_ACCESS,
                    format!("stage 1 level {} descriptor has AF = 0 and CD.HA = 0, CD.AFFD = 0", r.level),
                ));
            }
        }
        // Permissions.
        let ap1 = g(f.ap1, d) != 0 && !r.hier.no_el0;
        let ap2 = g(f.ap2, d) != 0;
        let dbm_ok = g(f.dbm, d) != 0 && p.hd && !r.hier.ro;
        let ro = ap2 || r.hier.ro;
        let uxn = g(f.uxn, d) != 0 || r.hier.uxn;
        let pxn = g(f.pxn, d) != 0 || r.hier.pxn;
        let (rd, mut wr, mut ex) = if acc.privileged {
            (true, !ro || dbm_ok, !pxn && !(ap1 && !ro))
        } else {
            (ap1, ap1 && (!ro || dbm_ok), !uxn)
        };
        if p.wxn && wr {
            ex = false;
        }
        let mut why = None;
        if acc.privileged && p.pan && ap1 && !acc.exec {
            why = Some("privileged data access to an EL0-accessible page with CD.PAN = 1".to_string());
        } else if acc.exec && !ex {
            why = Some(format!(
                "execute not permitted ({})",
                if acc.privileged { "PXN / EL0-writable / WXN" } else { "UXN / WXN" }
            ));
        } else if !acc.exec && acc.write && !wr {
            why = Some(format!(
                "write to a {} page",
                if acc.privileged || ap1 { "read-only" } else { "privileged-only" }
            ));
        } else if !acc.exec && !acc.write && !rd {
            why = Some("unprivileged read of a privileged-only page (AP[1] = 0)".into());
        }
        if acc.write && ro && dbm_ok && why.is_none() {
            notes.push("write to a clean DBM page: the SMMU clears AP[2] (marks it dirty, CD.HD = 1)".into());
        }
        if let Some(w) = why {
            if self.trace {
                self.leaf_step(p, &r, oa, format!("F_PERMISSION: {w}"), s2.is_some());
            }
            return Err(Stop::fault(EventType::F_PERMISSION, format!("stage 1: {w}")));
        }
        if !acc.privileged {
            wr = wr && rd;
        }
        let perms = rd as u8 | (wr as u8) << 1 | (ex as u8) << 2;
        let attr_byte = (p.mair >> (8 * g(f.attrindx, d))) & 0xff;
        if self.trace {
            let msg = format!(
                "stage 1 output {oa:#x}{} ({}, {})",
                if s2.is_some() { " (IPA)" } else { "" },
                perm_str(perms),
                mair_str(attr_byte)
            );
            self.leaf_step(p, &r, oa, msg, s2.is_some());
        }
        self.notes.extend(notes);
        Ok(Leaf { oa, size, perms, attr: attr_byte as u8, sh: g(f.sh, d) as u8, ds: p.ds, stage: 1, fwb: false })
    }

    fn leaf_step(&mut self, p: &TtParams, r: &RawLeaf, oa: u64, decision: String, nested: bool) {
        if !self.trace {
            return;
        }
        let f = fields();
        let d = r.desc;
        let kind = if r.level == 3 { "page" } else { "block" };
        let size = 1u64 << r.shift;
        if let Some(last) = self.steps.last_mut() {
            let _ = nested;
            last.kind = kind;
            last.explanation = format!(
                "level {} {kind} descriptor: {} output {:#x}{}",
                r.level,
                size_str(size),
                r.oa_base,
                if g(f.cont, d) != 0 {
                    format!(" (contiguous hint: {} entries)", cont_entries(p.granule, r.level))
                } else {
                    String::new()
                }
            );
            last.decode = if p.stage == 1 {
                vec![
                    format!("AttrIndx={}", g(f.attrindx, d)),
                    format!("AP[2:1]={:#04b}", (g(f.ap2, d) << 1) | g(f.ap1, d)),
                    format!("SH={}", g(f.sh, d)),
                    format!("AF={}", g(f.af, d)),
                    format!("DBM={}", g(f.dbm, d)),
                    format!("PXN={}", g(f.pxn, d)),
                    format!("UXN={}", g(f.uxn, d)),
                ]
            } else {
                vec![
                    format!("MemAttr={:#06b}", g(f.memattr, d)),
                    format!("S2AP={:#04b}", (g(f.s2w, d) << 1) | g(f.s2r, d)),
                    format!("SH={}", g(f.sh, d)),
                    format!("AF={}", g(f.af, d)),
                    format!("DBM={}", g(f.dbm, d)),
                    format!("XN={}", g(f.s2xn, d)),
                ]
            };
            last.decision = decision;
            let _ = oa;
        }
    }

    /// Stage 2 translation of `ipa` with AF, permission and S2PTW checks.
    pub(crate) fn stage2(
        &mut self,
        p: &TtParams,
        ipa: u64,
        acc: Acc,
        class: Class,
        purpose: Option<&str>,
    ) -> Result<Leaf, Stop> {
        let f = fields();
        let with_class = |s: Stop| match s {
            Stop::Fault { kind, s2, class: None, ipa: Some(i), fetch, reason } => {
                Stop::Fault { kind, s2, class: Some(class), ipa: Some(i), fetch, reason }
            }
            Stop::Fault { kind, s2, class: None, ipa: None, fetch, reason } => {
                Stop::Fault { kind, s2, class: Some(class), ipa: Some(ipa), fetch, reason }
            }
            o => o,
        };
        let s2f = |kind: EventType, reason: String| Stop::Fault {
            kind,
            s2: true,
            class: Some(class),
            ipa: Some(ipa),
            fetch: None,
            reason,
        };
        if p.ia_bits < 64 && ipa >> p.ia_bits != 0 {
            self.step(|| {
                let mut s = Step::new(
                    "2",
                    None,
                    "decision",
                    format!("IPA {ipa:#x} is beyond the {}-bit stage 2 input range (S2T0SZ)", p.ia_bits),
                );
                s.decision = "F_TRANSLATION".into();
                s.purpose = purpose.map(|x| x.to_string());
                s
            });
            return Err(s2f(
                EventType::F_TRANSLATION,
                format!("IPA {ipa:#x} is beyond the {}-bit stage 2 input range", p.ia_bits),
            ));
        }
        let r = self.walk_tables(p, ipa, None, purpose).map_err(with_class)?;
        let d = r.desc;
        let size = 1u64 << r.shift;
        let oa = r.oa_base | (ipa & (size - 1));
        if g(f.af, d) == 0 {
            if p.ha {
                self.notes.push("stage 2 AF = 0: the SMMU sets AF (STE.S2HA = 1)".into());
            } else if !p.affd {
                self.leaf_step(p, &r, oa, "F_ACCESS".into(), false);
                return Err(s2f(
                    EventType::F_ACCESS,
                    format!("stage 2 level {} descriptor has AF = 0 and STE.S2HA = 0, S2AFFD = 0", r.level),
                ));
            }
        }
        let rd = g(f.s2r, d) != 0;
        let dbm_ok = g(f.dbm, d) != 0 && p.hd;
        let wr = g(f.s2w, d) != 0 || dbm_ok;
        let ex = g(f.s2xn, d) == 0;
        let memattr = g(f.memattr, d);
        let device = if p.fwb { memattr & 0b0100 == 0 } else { memattr & 0b1100 == 0 };
        let mut why = None;
        if class != Class::IN {
            if !rd {
                why = Some(format!(
                    "{} fetch needs stage 2 read permission",
                    if class == Class::TT { "stage 1 table" } else { "CD" }
                ));
            } else if p.ptw && device {
                why = Some("stage 1 table walk to stage 2 Device memory with STE.S2PTW = 1".into());
            }
        } else if acc.exec && !ex {
            why = Some("instruction fetch from a stage 2 XN page".into());
        } else if acc.write && !wr {
            why = Some("write to a page without stage 2 write permission (S2AP[1] = 0)".into());
        } else if !acc.write && !rd {
            why = Some("read from a page without stage 2 read permission (S2AP[0] = 0)".into());
        }
        if let Some(w) = why {
            if self.trace {
                self.leaf_step(p, &r, oa, format!("F_PERMISSION: {w}"), false);
            }
            return Err(s2f(EventType::F_PERMISSION, format!("stage 2: {w}")));
        }
        if acc.write && g(f.s2w, d) == 0 && dbm_ok && class == Class::IN {
            self.notes.push("write to a clean stage 2 DBM page: the SMMU sets S2AP[1] (STE.S2HD = 1)".into());
        }
        let perms = rd as u8 | (wr as u8) << 1 | (ex as u8) << 2;
        if self.trace {
            let msg = format!("stage 2 output {oa:#x} ({}, {})", perm_str(perms), s2_memattr_str(memattr, p.fwb));
            self.leaf_step(p, &r, oa, msg, false);
        }
        Ok(Leaf { oa, size, perms, attr: memattr as u8, sh: g(f.sh, d) as u8, ds: p.ds, stage: 2, fwb: p.fwb })
    }

    /// Stage 2 translation of an IPA the SMMU fetches a structure or table from.
    pub(crate) fn s2_table_fetch(&mut self, p: &TtParams, ipa: u64, class: Class, what: &str) -> Result<u64, Stop> {
        let purpose = if self.trace { Some(format!("{what} at IPA {ipa:#x}")) } else { None };
        self.step(|| {
            let mut s =
                Step::new("2", None, "decision", format!("{what} is at IPA {ipa:#x}: stage 2 translates it first"));
            s.purpose = purpose.clone();
            s
        });
        let l = self.stage2(p, ipa, Acc { write: false, exec: false, privileged: true }, class, purpose.as_deref())?;
        Ok(l.oa)
    }
}

pub fn size_str(s: u64) -> String {
    if s >= 1 << 40 && s % (1 << 40) == 0 {
        format!("{}TB", s >> 40)
    } else if s >= 1 << 30 && s % (1 << 30) == 0 {
        format!("{}GB", s >> 30)
    } else if s >= 1 << 20 && s % (1 << 20) == 0 {
        format!("{}MB", s >> 20)
    } else if s >= 1 << 10 && s % (1 << 10) == 0 {
        format!("{}KB", s >> 10)
    } else {
        format!("{s}B")
    }
}

fn cont_entries(granule: u32, level: i32) -> u32 {
    match (granule, level) {
        (4096, _) => 16,
        (16384, 3) => 128,
        (16384, _) => 32,
        (_, 2) => 32,
        _ => 32,
    }
}

fn sh_str(sh: u64, ds: bool) -> String {
    if ds {
        return "from CD/STE (DS: SH field holds OA[51:50])".into();
    }
    match sh {
        0 => "Non-shareable",
        2 => "Outer Shareable",
        3 => "Inner Shareable",
        _ => "reserved",
    }
    .into()
}

fn cache_nibble(n: u64) -> &'static str {
    match n {
        0b0100 => "NC",
        0b1000..=0b1011 => "WT",
        0b1100..=0b1111 => "WB",
        0b0001..=0b0011 => "WT-transient",
        0b0101..=0b0111 => "WB-transient",
        _ => "?",
    }
}

/// A MAIR attribute byte in words.
pub fn mair_str(b: u64) -> String {
    if b & 0xf0 == 0 {
        return match b {
            0x00 => "Device-nGnRnE".into(),
            0x04 => "Device-nGnRE".into(),
            0x08 => "Device-nGRE".into(),
            0x0c => "Device-GRE".into(),
            _ => format!("Device (reserved encoding {b:#04x})"),
        };
    }
    format!("Normal Inner-{} Outer-{}", cache_nibble(b & 0xf), cache_nibble(b >> 4))
}

fn s2_cache(n: u64) -> &'static str {
    match n {
        1 => "NC",
        2 => "WT",
        3 => "WB",
        _ => "?",
    }
}

/// A stage 2 MemAttr in words (with FWB, IHI 0070 / Arm ARM D8.5.5).
pub fn s2_memattr_str(m: u64, fwb: bool) -> String {
    if fwb {
        if m & 0b0100 == 0 {
            return format!("Device ({})", ["nGnRnE", "nGnRE", "nGRE", "GRE"][(m & 3) as usize]);
        }
        return match m & 0b11 {
            0b01 => "Normal NC (FWB forces)".into(),
            0b10 => "Normal WB (FWB forces)".into(),
            0b11 => "stage 1 attributes (FWB)".into(),
            _ => format!("reserved FWB MemAttr {m:#06b}"),
        };
    }
    if m & 0b1100 == 0 {
        return format!("Device-{}", ["nGnRnE", "nGnRE", "nGRE", "GRE"][(m & 3) as usize]);
    }
    let inner = m & 3;
    if inner == 0 {
        return format!("reserved MemAttr {m:#06b}");
    }
    format!("Normal Inner-{} Outer-{}", s2_cache(inner), s2_cache(m >> 2))
}

/// Combines stage 1 and stage 2 memory types: Device wins; for Normal, the weaker
/// cacheability of each level wins (Arm ARM D8.5.5). FWB lets stage 2 override.
pub(crate) fn combine_attrs(s1: Option<&Attrs>, s2: &Attrs, fwb: bool) -> Attrs {
    let s2t = s2.memory_type.clone();
    let Some(s1) = s1 else {
        return s2.clone();
    };
    let t1 = s1.memory_type.clone();
    let combined = if fwb {
        if s2t.starts_with("stage 1") {
            t1.clone()
        } else {
            s2t.clone()
        }
    } else if t1.starts_with("Device") && s2t.starts_with("Device") {
        // The more restrictive device type.
        let rank = |t: &str| ["nGnRnE", "nGnRE", "nGRE", "GRE"].iter().position(|x| t.contains(x)).unwrap_or(0);
        if rank(&t1) <= rank(&s2t) {
            t1.clone()
        } else {
            s2t.clone()
        }
    } else if t1.starts_with("Device") {
        t1.clone()
    } else if s2t.starts_with("Device") {
        s2t.clone()
    } else {
        let lvl = |t: &str, which: &str| -> u8 {
            let part = t.split_whitespace().find(|p| p.starts_with(which)).unwrap_or("");
            if part.contains("NC") {
                0
            } else if part.contains("WT") {
                1
            } else {
                2
            }
        };
        let name = |l: u8| ["NC", "WT", "WB"][l as usize];
        format!(
            "Normal Inner-{} Outer-{}",
            name(lvl(&t1, "Inner").min(lvl(&s2t, "Inner"))),
            name(lvl(&t1, "Outer").min(lvl(&s2t, "Outer")))
        )
    };
    Attrs { memory_type: combined, stage1: Some(t1), stage2: Some(s2t), shareability: s1.shareability.clone() }
}
