//! VMSAv8-64 translation table walks as an SMMU performs them (Arm ARM D8, IHI 0070 3.4):
//! granules 4KB/16KB/64KB, start levels from TxSZ (stage 1) or S2SL0 with concatenated
//! start tables (stage 2), 52-bit output (LPA with 64KB, DS/LPA2 with 4KB/16KB), address size
//! checks, the contiguous hint, the Access flag (AFFD/HA), dirty state (DBM/HD), TBI,
//! EPD0/EPD1 and TTB1, permissions and memory attributes. Descriptor fields and addresses
//! come from [`crate::structs::desc`].

use super::event::{Class, EventType};
use super::{Step, Stop, Walker};
use crate::model::FieldDef;
use crate::regs::idr::{idr3, idr5};
use crate::regset::RegisterSet;
use crate::structs::desc::{self, s1_leaf, s2_leaf, table, Granule, OaFormat};
use crate::structs::{cd, legality, ste};
use serde::Serialize;

/// Parameters of one translation table walk (one stage, one TTB).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TtParams {
    pub stage: u8,
    pub granule: Granule,
    /// Input address size in bits (64 - TxSZ).
    pub ia_bits: u32,
    pub start_level: i32,
    /// log2 of the number of concatenated start-level tables (stage 2).
    pub concat: u32,
    pub ttb: u64,
    /// Effective output address size in bits: min(IPS or S2PS, SMMU_IDR5.OAS), and at most
    /// what the descriptor format holds.
    pub oa_bits: u32,
    /// Where the descriptors hold addresses: 48-bit, LPA (64KB, OA[51:48] in bits [15:12])
    /// or LPA2 (DS, 4KB/16KB, OA[51:50] in bits [9:8]).
    pub format: OaFormat,
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
    /// Stage 2: SMMU_IDR3.XNX, XN[0] distinguishes privileged and unprivileged execution.
    pub xnx: bool,
    /// Where this table's leaves and table descriptors hold addresses, resolved once from
    /// [`desc`]'s codec for the granule and format.
    #[serde(skip)]
    pub(crate) oa: AddrBits,
    #[serde(skip)]
    pub(crate) nlta: AddrBits,
    /// The start of every walk of this table, worked out once (see [`Start`]).
    #[serde(skip)]
    pub(crate) start: Start,
}

/// Where each walk of a table begins: the start table (TTB aligned to the table's size, at
/// least 64 bytes), the shift and index mask of the start level; `None` when the TTB is
/// beyond the output size or the start level does not exist (the full walk reports those).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Start {
    pub plain: Option<(u64, u32, u64)>,
}

impl Start {
    fn new(g: Granule, start_level: i32, ia_bits: u32, ttb: u64, oa_bits: u32) -> Self {
        let plain = g.level_shift(start_level).and_then(|shift| {
            if oa_bits < 64 && ttb >> oa_bits != 0 {
                return None;
            }
            let bits = ia_bits.saturating_sub(shift);
            let tsz_log2 = (bits + desc::DESC_BYTES.trailing_zeros()).max(6);
            Some((ttb & !((1u64 << tsz_log2.min(63)) - 1), shift, (1u64 << bits.min(63)) - 1))
        });
        Start { plain }
    }
}

/// The table descriptor bits that limit later levels at stage 1 (APTable, XNTable, PXNTable).
const HIER_BITS: u64 = field_bits(&table::APTable) | field_bits(&table::XNTable) | field_bits(&table::PXNTable);

/// The descriptor bits a one-word field covers.
const fn field_bits(f: &FieldDef) -> u64 {
    f.mask() << f.lsb as u32
}

/// The bits of a descriptor that hold an address, and where each goes in the address:
/// [`desc::output_address`] or [`desc::next_table_address`] for one granule and format,
/// probed bit by bit once (both are bitwise: each descriptor bit gives at most one address
/// bit), so the hot path is a mask and, for 52-bit formats, two shifts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AddrBits {
    /// (descriptor bits, left shift, right shift); unused parts have mask 0.
    parts: [(u64, u32, u32); 3],
    /// Only `parts[0]`, in place (the 48-bit format).
    in_place: bool,
}

impl AddrBits {
    fn probe(f: impl Fn(u64) -> u64) -> Self {
        let mut parts = [(0u64, 0u32, 0u32); 3];
        let mut n = 0;
        for i in 0..64u32 {
            let a = f(1u64 << i);
            if a == 0 {
                continue;
            }
            let j = a.trailing_zeros();
            let (l, r) = if j >= i { (j - i, 0) } else { (0, i - j) };
            match parts.iter_mut().take(n).find(|p| p.1 == l && p.2 == r) {
                Some(p) => p.0 |= 1u64 << i,
                None => {
                    if let Some(p) = parts.get_mut(n) {
                        *p = (1u64 << i, l, r);
                        n += 1;
                    }
                }
            }
        }
        let in_place = n == 1 && parts[0].1 == 0 && parts[0].2 == 0;
        AddrBits { parts, in_place }
    }
    pub(crate) fn output(g: Granule, f: OaFormat) -> Self {
        Self::probe(|d| desc::output_address(d, g, f))
    }
    pub(crate) fn table(g: Granule, f: OaFormat) -> Self {
        Self::probe(|d| desc::next_table_address(d, g, f))
    }
    /// The descriptor bits holding the address when they hold it in place (48-bit format).
    pub(crate) fn in_place_mask(&self) -> Option<u64> {
        if self.in_place {
            Some(self.parts[0].0)
        } else {
            None
        }
    }
    #[inline]
    pub(crate) fn decode(&self, d: u64) -> u64 {
        if self.in_place {
            return d & self.parts[0].0;
        }
        self.parts.iter().fold(0, |a, &(m, l, r)| a | ((d & m) << l) >> r)
    }
}

/// STE.S2DS (IHI 0070 5.2): 52-bit stage 2 addresses with 4KB and 16KB granules.
fn ste_s2ds(w: &[u64]) -> Option<u64> {
    Some(ste::S2DS.get(w))
}

/// CD.DS (IHI 0070 5.4): 52-bit stage 1 addresses with 4KB and 16KB granules.
fn cd_ds(w: &[u64]) -> Option<u64> {
    Some(cd::DS.get(w))
}

/// Bits of an address size encoding (CD.IPS, STE.S2PS, SMMU_IDR5.OAS) for VMSAv8-64 tables:
/// 0b110 is 52 bits; 0b111 behaves as 0b110 up to SMMUv3.3 and is 56 bits from SMMUv3.4, of
/// which VMSAv8-64 descriptors hold 52.
fn v8_address_bits(enc: u64) -> Option<u32> {
    match enc {
        6 | 7 => Some(52),
        e => legality::ps_bits(e),
    }
}

/// The effective output size and descriptor format of a table (IHI 0070 5.4 CD.IPS, 5.2
/// STE.S2PS): MIN(IPS or S2PS, OAS), the LPA format with 64KB when the SMMU has a 52-bit OAS,
/// LPA2 with 4KB/16KB when `ds`; an address wider than the descriptor format holds cannot
/// occur, so the size is also capped to it. Shared by the walker and the scenario builder.
pub fn table_format(granule: Granule, ps_bits: u32, oas_bits: u32, ds: bool) -> (u32, OaFormat) {
    let format = OaFormat::for_table(granule, oas_bits == 52, ds);
    (ps_bits.min(oas_bits).min(format.bits()), format)
}

/// Stage 1 start level for an input size: enough levels to resolve `ia_bits`.
pub fn s1_start_level(granule: Granule, ia_bits: u32) -> i32 {
    granule.start_level(ia_bits)
}

impl TtParams {
    pub fn describe(&self) -> String {
        format!(
            "{} granule, {}-bit input, start level {}{}, TTB {:#x}, {}-bit output{}",
            self.granule,
            self.ia_bits,
            self.start_level,
            if self.concat > 0 { format!(" ({} concatenated tables)", 1u32 << self.concat) } else { String::new() },
            self.ttb,
            self.oa_bits,
            match self.format {
                OaFormat::Lpa2 => " (DS: 52-bit descriptors)",
                OaFormat::Lpa => " (LPA: 52-bit with 64KB)",
                OaFormat::Oa48 => "",
            }
        )
    }

    /// True for the 52-bit LPA2 descriptor format (DS = 1): SH holds OA[51:50].
    pub fn ds(&self) -> bool {
        self.format == OaFormat::Lpa2
    }

    /// Output size and descriptor format from IPS/S2PS, SMMU_IDR5.OAS and DS (IHI 0070 5.4
    /// IPS: eff_IPS = MIN(IPS, OAS); a 52-bit address is only held by a 64KB descriptor or
    /// with DS; bits above what the descriptor holds are zero).
    ///
    /// `ds` is CD.DS / STE.S2DS (IHI 0070 5.4, 5.2: RES0 when SMMU_IDR5.DS = 0); `None` while
    /// the structure tables lack the field: DS is then taken as SMMU_IDR5.DS when a 52-bit
    /// output is configured.
    fn out_size(ps: u64, regs: &RegisterSet, granule: Granule, ds: Option<u64>) -> Result<(u32, OaFormat), String> {
        // An SMMUv3.0 (where 0b110 and 0b111 are reserved) has an OAS of at most 48 bits.
        let ps = v8_address_bits(ps).ok_or_else(|| format!("address size encoding {ps:#05b} is not architected"))?;
        // Without SMMU_IDR5 the OAS is unknown: 48 bits, the largest every SMMUv3 supports.
        let oas = regs.read(&idr5::OAS).and_then(v8_address_bits).unwrap_or(48);
        let ds = match ds {
            Some(v) => v == 1 && regs.read(&idr5::DS) != Some(0),
            None => ps.min(oas) == 52 && regs.read(&idr5::DS) == Some(1),
        };
        Ok(table_format(granule, ps, oas, ds))
    }

    /// Stage 2 parameters from an STE.
    pub fn from_ste(w: &[u64], regs: &RegisterSet) -> Result<Self, String> {
        let g = legality::tg0_granule(ste::S2TG.get(w))
            .and_then(|b| Granule::from_bytes(u64::from(b)))
            .ok_or("STE.S2TG is reserved")?;
        let ia = 64u32.saturating_sub(ste::S2T0SZ.get(w) as u32);
        let (start, concat) = legality::s2_start(g.bytes() as u32, ia, ste::S2SL0.get(w))?;
        let (oa_bits, format) =
            Self::out_size(ste::S2PS.get(w), regs, g, ste_s2ds(w)).map_err(|e| format!("STE.S2PS: {e}"))?;
        Ok(TtParams {
            stage: 2,
            granule: g,
            ia_bits: ia,
            start_level: start,
            concat,
            ttb: ste::S2TTB.address(w),
            oa_bits,
            format,
            ha: ste::S2HA.get(w) != 0,
            hd: ste::S2HD.get(w) != 0,
            affd: ste::S2AFFD.get(w) != 0,
            had: true,
            wxn: false,
            pan: false,
            mair: 0,
            ttb1: None,
            epd0: false,
            tbi0: false,
            tbi1: false,
            ptw: ste::S2PTW.get(w) != 0,
            fwb: ste::S2FWB.get(w) != 0,
            xnx: regs.read(&idr3::XNX) == Some(1),
            oa: AddrBits::output(g, format),
            nlta: AddrBits::table(g, format),
            start: Start::new(g, start, ia, ste::S2TTB.address(w), oa_bits),
        })
    }

    /// Stage 1 parameters from a CD (TTB0, with TTB1 attached).
    pub fn from_cd(w: &[u64], regs: &RegisterSet) -> Result<Self, String> {
        let mk = |ttb: &FieldDef, tg: Option<u32>, txsz: &FieldDef, had: &FieldDef| -> Result<TtParams, String> {
            let g = tg
                .and_then(|b| Granule::from_bytes(u64::from(b)))
                .ok_or_else(|| format!("CD granule for {} is a reserved encoding", ttb.name))?;
            let ia = 64u32.saturating_sub(txsz.get(w) as u32);
            let (oa_bits, format) =
                Self::out_size(cd::IPS.get(w), regs, g, cd_ds(w)).map_err(|e| format!("CD.IPS: {e}"))?;
            Ok(TtParams {
                stage: 1,
                granule: g,
                ia_bits: ia,
                start_level: g.start_level(ia),
                concat: 0,
                ttb: ttb.address(w),
                oa_bits,
                format,
                ha: cd::HA.get(w) != 0,
                hd: cd::HD.get(w) != 0,
                affd: cd::AFFD.get(w) != 0,
                had: had.get(w) != 0,
                wxn: cd::WXN.get(w) != 0,
                pan: cd::PAN.get(w) != 0,
                // MAIR is {CD.MAIR1, CD.MAIR0} (IHI 0070 5.4).
                mair: cd::MAIR0.get(w) | cd::MAIR1.get(w).checked_shl(u32::from(cd::MAIR0.width)).unwrap_or(0),
                ttb1: None,
                epd0: cd::EPD0.get(w) != 0,
                tbi0: cd::TBI0.get(w) != 0,
                tbi1: cd::TBI1.get(w) != 0,
                ptw: false,
                fwb: false,
                xnx: false,
                oa: AddrBits::output(g, format),
                nlta: AddrBits::table(g, format),
                start: Start::new(g, g.start_level(ia), ia, ttb.address(w), oa_bits),
            })
        };
        let t1 = if cd::EPD1.get(w) == 0 {
            mk(&cd::TTB1, legality::tg1_granule(cd::TG1.get(w)), &cd::T1SZ, &cd::HAD1).ok().map(Box::new)
        } else {
            None
        };
        let mut p = if cd::EPD0.get(w) == 0 {
            mk(&cd::TTB0, legality::tg0_granule(cd::TG0.get(w)), &cd::T0SZ, &cd::HAD0)?
        } else {
            // TTB0 disabled: keep a placeholder so TTB1 can be used.
            let mut p = mk(&cd::TTB0, Some(4096), &cd::T0SZ, &cd::HAD0)?;
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
        // Without a trace, the common case (valid descriptors down to a leaf the format
        // allows, in memory, within the output size) takes the short loop; anything else is
        // walked again below, so faults and missing memory are reported exactly as traced.
        if !self.trace && s2.is_none() {
            let reads = self.reads;
            if let Some(l) = self.walk_plain(p, ia) {
                return Ok(l);
            }
            self.reads = reads;
        }
        let g = p.granule;
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
            let Some(shift) = g.level_shift(level) else { break };
            let bits = if level == p.start_level { p.ia_bits.saturating_sub(shift) } else { g.stride() };
            let idx = (ia >> shift) & ((1u64 << bits.min(63)) - 1);
            // The start table is aligned to its size (at least 64 bytes); lower TTB bits are
            // ignored.
            if level == p.start_level {
                let tsz_log2 = (bits + desc::DESC_BYTES.trailing_zeros()).max(6);
                table &= !((1u64 << tsz_log2.min(63)) - 1);
            }
            // The descriptor's own address: an IPA in a nested walk, translated by stage 2 on
            // its own (a stage 1 table larger than a stage 2 page is not contiguous in PA).
            let d_in = table.wrapping_add(idx.wrapping_mul(desc::DESC_BYTES));
            let da = match s2 {
                Some(p2) => {
                    let what = if self.trace {
                        format!(
                            "stage 1 level {level} descriptor {idx} (table {table:#x} + {idx} * {})",
                            desc::DESC_BYTES
                        )
                    } else {
                        String::new()
                    };
                    self.s2_table_fetch(p2, d_in, Class::TT, &what)?
                }
                None => d_in,
            };
            let d = self.read_u64(da, || {
                format!("stage {} level {level} descriptor (table {table:#x} index {idx})", p.stage)
            })?;
            self.reads += 1;
            let valid = desc::is_valid(d);
            let is_table = desc::is_table_or_page(d);
            let mk = |kind: &'static str, expl: String, decision: String| {
                let mut s = Step::new(st, Some(level), kind, expl);
                s.address = Some(da);
                s.value = Some(d);
                s.table = Some(table);
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
                        format!(
                            "level {level} descriptor {idx} of table {table:#x}{} is invalid (bit 0 = 0)",
                            if s2.is_some() { " (IPA)" } else { "" }
                        ),
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
                let next = p.nlta.decode(d);
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
                    let apt = desc::ap_table(d);
                    hier.no_el0 |= apt.no_el0;
                    hier.ro |= apt.read_only;
                    hier.uxn |= desc::get(&table::XNTable, d) != 0;
                    hier.pxn |= desc::get(&table::PXNTable, d) != 0;
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
                        s.decode = kv(&[&table::APTable, &table::XNTable, &table::PXNTable], d);
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
            if level < 3 && !desc::block_allowed(g, p.format, level) {
                self.step(|| {
                    mk(
                        "invalid",
                        format!("block descriptor not allowed at level {level} with the {g} granule"),
                        "F_TRANSLATION".into(),
                    )
                });
                return Err(fault(
                    EventType::F_TRANSLATION,
                    level,
                    format!("block descriptor at level {level} is not allowed for the {g} granule"),
                ));
            }
            let oa_base = p.oa.decode(d) & !((1u64 << shift) - 1);
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

    /// [`Walker::walk_tables`] for a walk that reaches a leaf with no fault, no missing
    /// memory and no stage 2 on the way (`None` otherwise, with nothing recorded but reads).
    #[inline]
    fn walk_plain(&mut self, p: &TtParams, ia: u64) -> Option<RawLeaf> {
        let g = p.granule;
        let stride = g.stride();
        let mut level = p.start_level;
        let (mut table, mut shift, mut mask) = p.start.plain?;
        let next_mask = (1u64 << stride) - 1;
        // An address with a bit at or above the output size.
        let too_wide = |a: u64| p.oa_bits < 64 && a >> p.oa_bits != 0;
        let mut hier = Hier::default();
        let hier_on = p.stage == 1 && !p.had;
        loop {
            let idx = (ia >> shift) & mask;
            let d = self.mem.read_u64_le(table.wrapping_add(idx.wrapping_mul(desc::DESC_BYTES))).ok()?;
            self.reads += 1;
            if !desc::is_valid(d) {
                return None;
            }
            let is_table = desc::is_table_or_page(d);
            if level < 3 && is_table {
                let next = p.nlta.decode(d);
                if too_wide(next) {
                    return None;
                }
                if hier_on && d & HIER_BITS != 0 {
                    let apt = desc::ap_table(d);
                    hier.no_el0 |= apt.no_el0;
                    hier.ro |= apt.read_only;
                    hier.uxn |= desc::get(&table::XNTable, d) != 0;
                    hier.pxn |= desc::get(&table::PXNTable, d) != 0;
                }
                table = next;
                level += 1;
                shift = shift.checked_sub(stride)?;
                mask = next_mask;
                continue;
            }
            if (level == 3 && !is_table) || (level < 3 && !desc::block_allowed(g, p.format, level)) {
                return None;
            }
            let oa_base = p.oa.decode(d) & !((1u64 << shift) - 1);
            if too_wide(oa_base) {
                return None;
            }
            return Some(RawLeaf { desc: d, level, shift, oa_base, hier });
        }
    }

    /// Stage 1 translation of `va` (with TTB0/TTB1 selection, TBI, EPD), then AF and
    /// permission checks.
    pub(crate) fn stage1(&mut self, p0: &TtParams, s2: Option<&TtParams>, va: u64, acc: Acc) -> Result<Leaf, Stop> {
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
        if desc::get(&s1_leaf::AF, d) == 0 {
            if p.ha {
                notes.push("AF = 0: the SMMU sets AF in the descriptor (CD.HA = 1)".to_string());
            } else if !p.affd {
                self.leaf_step(p, &r, oa, "F_ACCESS".into(), s2.is_some());
                return Err(Stop::fault(
                    EventType::F_ACCESS,
                    format!("stage 1 level {} descriptor has AF = 0 and CD.HA = 0, CD.AFFD = 0", r.level),
                ));
            }
        }
        // Permissions.
        let ap = desc::s1_ap(d);
        let ap1 = ap.el0 && !r.hier.no_el0;
        let ap2 = ap.read_only;
        let dbm_ok = desc::get(&s1_leaf::DBM, d) != 0 && p.hd && !r.hier.ro;
        let ro = ap2 || r.hier.ro;
        let uxn = desc::get(&s1_leaf::UXN, d) != 0 || r.hier.uxn;
        let pxn = desc::get(&s1_leaf::PXN, d) != 0 || r.hier.pxn;
        let (rd, mut wr, mut ex) = if acc.privileged {
            (true, !ro || dbm_ok, !pxn && (!ap1 || ro))
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
        let attr_byte = mair_attr(p.mair, desc::get(&s1_leaf::AttrIndx, d));
        if self.trace {
            let msg = format!(
                "stage 1 output {oa:#x}{} ({}, {})",
                if s2.is_some() { " (IPA)" } else { "" },
                perm_str(perms),
                mair_str(attr_byte)
            );
            self.leaf_step(p, &r, oa, msg, s2.is_some());
        }
        if !notes.is_empty() {
            self.notes.extend(notes);
        }
        Ok(Leaf {
            oa,
            size,
            perms,
            attr: attr_byte as u8,
            sh: desc::get(&s1_leaf::SH, d) as u8,
            ds: p.ds(),
            stage: 1,
            fwb: false,
        })
    }

    fn leaf_step(&mut self, p: &TtParams, r: &RawLeaf, oa: u64, decision: String, nested: bool) {
        if !self.trace {
            return;
        }
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
                if desc::get(&s1_leaf::Contiguous, d) != 0 {
                    format!(" (contiguous hint: {} entries)", cont_entries(p.granule, r.level))
                } else {
                    String::new()
                }
            );
            last.decode = if p.stage == 1 {
                kv(
                    &[
                        &s1_leaf::AttrIndx,
                        &s1_leaf::AP,
                        if p.ds() { &s1_leaf::OA_51_50 } else { &s1_leaf::SH },
                        &s1_leaf::AF,
                        &s1_leaf::DBM,
                        &s1_leaf::PXN,
                        &s1_leaf::UXN,
                    ],
                    d,
                )
            } else {
                kv(
                    &[
                        &s2_leaf::MemAttr,
                        &s2_leaf::S2AP,
                        if p.ds() { &s2_leaf::OA_51_50 } else { &s2_leaf::SH },
                        &s2_leaf::AF,
                        &s2_leaf::DBM,
                        &s2_leaf::XN,
                    ],
                    d,
                )
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
        if desc::get(&s2_leaf::AF, d) == 0 {
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
        let s2ap = desc::s2_ap(d);
        let rd = s2ap.read;
        let dbm_ok = desc::get(&s2_leaf::DBM, d) != 0 && p.hd;
        let wr = s2ap.write || dbm_ok;
        let ex = desc::s2_executable(d, p.xnx, acc.privileged);
        let memattr = desc::get(&s2_leaf::MemAttr, d);
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
        if acc.write && !s2ap.write && dbm_ok && class == Class::IN {
            self.notes.push("write to a clean stage 2 DBM page: the SMMU sets S2AP[1] (STE.S2HD = 1)".into());
        }
        let perms = rd as u8 | (wr as u8) << 1 | (ex as u8) << 2;
        if self.trace {
            let msg = format!("stage 2 output {oa:#x} ({}, {})", perm_str(perms), s2_memattr_str(memattr, p.fwb));
            self.leaf_step(p, &r, oa, msg, false);
        }
        Ok(Leaf {
            oa,
            size,
            perms,
            attr: memattr as u8,
            sh: desc::get(&s2_leaf::SH, d) as u8,
            ds: p.ds(),
            stage: 2,
            fwb: p.fwb,
        })
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
    if s >= 1 << 40 && s.is_multiple_of(1 << 40) {
        format!("{}TB", s >> 40)
    } else if s >= 1 << 30 && s.is_multiple_of(1 << 30) {
        format!("{}GB", s >> 30)
    } else if s >= 1 << 20 && s.is_multiple_of(1 << 20) {
        format!("{}MB", s >> 20)
    } else if s >= 1 << 10 && s.is_multiple_of(1 << 10) {
        format!("{}KB", s >> 10)
    } else {
        format!("{s}B")
    }
}

/// Entries in a contiguous set (Arm ARM D8.6.1): 16 with 4KB; 128 (level 3) or 32 with 16KB;
/// 32 with 64KB.
fn cont_entries(granule: Granule, level: i32) -> u32 {
    match (granule, level) {
        (Granule::K4, _) => 16,
        (Granule::K16, 3) => 128,
        (Granule::K16, _) => 32,
        (Granule::K64, _) => 32,
    }
}

/// `NAME=value` for each field of a one-word descriptor.
pub(crate) fn kv(fields: &[&FieldDef], d: u64) -> Vec<String> {
    fields.iter().map(|f| format!("{}={:#x}", f.name, desc::get(f, d))).collect()
}

/// The attribute byte AttrIndx selects: MAIR bits [8n+7:8n] (IHI 0070 5.4 CD.MAIR0/MAIR1).
pub(crate) fn mair_attr(mair: u64, attr_indx: u64) -> u64 {
    mair.checked_shr(8 * attr_indx as u32).unwrap_or(0) & 0xff
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

#[cfg(test)]
mod addr_tests {
    use super::*;
    /// The resolved address bits decode exactly as the descriptor codec, for every granule
    /// and format the codec has, on descriptors with every bit pattern class.
    #[test]
    fn addr_bits_agree_with_the_codec() {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for g in Granule::ALL {
            for f in [OaFormat::Oa48, OaFormat::Lpa, OaFormat::Lpa2] {
                if !f.fits(g) {
                    continue;
                }
                let (oa, nl) = (AddrBits::output(g, f), AddrBits::table(g, f));
                for d in [0, u64::MAX, 0x0003_ffff_ffff_f3ff, 0xfff0_0000_0000_0fff] {
                    assert_eq!(oa.decode(d), desc::output_address(d, g, f), "{g} {f} {d:#x}");
                    assert_eq!(nl.decode(d), desc::next_table_address(d, g, f), "{g} {f} {d:#x}");
                }
                for _ in 0..1000 {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    assert_eq!(oa.decode(x), desc::output_address(x, g, f), "{g} {f} {x:#x}");
                    assert_eq!(nl.decode(x), desc::next_table_address(x, g, f), "{g} {f} {x:#x}");
                }
            }
        }
    }
}
