//! Teaching scenarios: a small description of streams and their mappings that the builder
//! turns into a snapshot with real stream tables, STEs, CDs and translation tables.
//! Format documented in docs/walk.md.

use crate::mem::SparseMem;
use crate::model::Layout;
use crate::regs;
use crate::regset::{Origin, RegisterSet};
use crate::snapshot::{parse_hex_u64, Snapshot};
use crate::structs::{CD, L1CD, L1STD, STE, TT_S1_LEAF, TT_S2_LEAF, TT_TABLE};
use crate::walk::tt::s1_start_level;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// A number written as `"0x..."` or as a JSON integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Num(pub u64);

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum V {
            N(u64),
            S(String),
        }
        match V::deserialize(d)? {
            V::N(n) => Ok(Num(n)),
            V::S(s) => parse_hex_u64(&s)
                .or_else(|| s.trim().parse::<u64>().ok())
                .map(Num)
                .ok_or_else(|| serde::de::Error::custom(format!("{s:?} is not a number (0x... or decimal)"))),
        }
    }
}

fn d_true() -> bool {
    true
}
fn d_4k() -> u32 {
    4096
}
fn d_48() -> u32 {
    48
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub smmu: SmmuSpec,
    #[serde(default)]
    pub stream_table: StreamTableSpec,
    pub streams: Vec<StreamSpec>,
    /// Walks to try, with what the spec says should happen (used by the tests and the TUI).
    #[serde(default)]
    pub walks: Vec<WalkSpec>,
    /// Where tables and structures are allocated from (default 0x8000_0000).
    #[serde(default)]
    pub table_base: Option<Num>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SmmuSpec {
    #[serde(default = "d_48")]
    pub oas: u32,
    /// SMMU_IDR5.DS: 52-bit with 4KB/16KB granules.
    #[serde(default)]
    pub ds: bool,
    /// SMMU_IDR0.HTTU: 0 none, 1 access flag, 2 access flag and dirty state.
    #[serde(default)]
    pub httu: u64,
    #[serde(default = "d_sid")]
    pub sidsize: u64,
    #[serde(default = "d_ssid")]
    pub ssidsize: u64,
    #[serde(default)]
    pub stt: bool,
    #[serde(default)]
    pub fwb: bool,
}
fn d_sid() -> u64 {
    16
}
fn d_ssid() -> u64 {
    8
}
impl Default for SmmuSpec {
    fn default() -> Self {
        SmmuSpec { oas: 48, ds: false, httu: 0, sidsize: 16, ssidsize: 8, stt: false, fwb: false }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct StreamTableSpec {
    /// `linear` (default) or `2-level`.
    #[serde(default)]
    pub format: Option<String>,
    /// 2-level: StreamID bits per level 2 table (default 8).
    #[serde(default)]
    pub split: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StreamSpec {
    pub sid: Num,
    /// `abort`, `bypass`, `s1`, `s2` or `nested`.
    pub config: String,
    #[serde(default)]
    pub s1: Option<S1Spec>,
    #[serde(default)]
    pub s2: Option<S2Spec>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct S1Spec {
    #[serde(default = "d_4k")]
    pub granule: u32,
    #[serde(default = "d_48")]
    pub ia_bits: u32,
    /// CD.IPS in bits (default: the SMMU's OAS).
    #[serde(default)]
    pub ips_bits: Option<u32>,
    /// `linear` (default) or `2-level` (4KB level 2 tables).
    #[serde(default)]
    pub cd_table: Option<String>,
    /// STE.S1CDMax: SubstreamID bits (0: a single CD).
    #[serde(default)]
    pub ssid_bits: u64,
    /// STE.S1DSS: `terminate`, `bypass` or `substream0` (default).
    #[serde(default)]
    pub s1dss: Option<String>,
    pub contexts: Vec<ContextSpec>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ContextSpec {
    #[serde(default)]
    pub ssid: u32,
    #[serde(default)]
    pub asid: u64,
    #[serde(default)]
    pub ha: bool,
    #[serde(default)]
    pub hd: bool,
    #[serde(default)]
    pub affd: bool,
    #[serde(default)]
    pub wxn: bool,
    pub mappings: Vec<MapSpec>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct S2Spec {
    #[serde(default = "d_4k")]
    pub granule: u32,
    #[serde(default = "d_48")]
    pub ia_bits: u32,
    /// Start level (default: the fewest levels without concatenation).
    #[serde(default)]
    pub start_level: Option<i32>,
    #[serde(default)]
    pub ps_bits: Option<u32>,
    #[serde(default)]
    pub vmid: u64,
    #[serde(default)]
    pub ha: bool,
    #[serde(default)]
    pub hd: bool,
    #[serde(default)]
    pub affd: bool,
    #[serde(default)]
    pub fwb: bool,
    /// Nested: identity-map every page the builder puts stage 1 tables, CD tables and CDs in
    /// (default true; false shows the stage 2 fault on a stage 1 table fetch).
    #[serde(default = "d_true")]
    pub map_s1_tables: bool,
    /// Nested: identity-map the CD table and CDs (default true).
    #[serde(default = "d_true")]
    pub map_cd: bool,
    #[serde(default)]
    pub mappings: Vec<MapSpec>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MapSpec {
    pub va: Num,
    pub pa: Num,
    pub size: Num,
    /// Any of `r`, `w`, `x` (default `rw`).
    #[serde(default)]
    pub perm: Option<String>,
    /// Stage 1: accessible unprivileged (AP[1]); default true.
    #[serde(default = "d_true")]
    pub unpriv: bool,
    /// `normal` (default), `nc` or `device`.
    #[serde(default)]
    pub attr: Option<String>,
    #[serde(default = "d_true")]
    pub af: bool,
    #[serde(default)]
    pub dbm: bool,
    /// Use block descriptors where alignment allows (default true).
    #[serde(default = "d_true")]
    pub blocks: bool,
    #[serde(default)]
    pub contiguous: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WalkSpec {
    pub sid: Num,
    #[serde(default)]
    pub ssid: Option<u32>,
    pub iova: Num,
    #[serde(default)]
    pub access: Option<String>,
    #[serde(default)]
    pub unpriv: bool,
    /// `translated`, `bypass`, `abort` or an event name (`F_PERMISSION`, ...).
    pub expect: String,
    #[serde(default)]
    pub pa: Option<Num>,
    /// Expected S2 bit of the event (stage 2 fault), when given.
    #[serde(default)]
    pub s2: Option<bool>,
    /// Expected CLASS of the event (`CD`, `TT`, `IN`), when given.
    #[serde(default)]
    pub class: Option<String>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("scenario {scenario}: {msg}")]
pub struct BuildError {
    pub scenario: String,
    pub msg: String,
}

/// Guest-physical/physical memory the builder writes.
struct Image {
    pages: BTreeMap<u64, Vec<u8>>,
    next: u64,
    /// Every range allocated, with what it holds (for nested identity mapping).
    allocated: Vec<(u64, u64, Kind)>,
    /// What the next allocations hold.
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Stream table, STEs, stage 2 tables (PAs).
    Other,
    /// CD tables and CDs.
    Cd,
    /// Stage 1 translation tables.
    S1Table,
}

impl Image {
    fn alloc(&mut self, size: u64, align: u64) -> Result<u64, String> {
        if !align.is_power_of_two() || size > 1 << 32 {
            return Err(format!("cannot allocate {size:#x} bytes aligned to {align:#x}"));
        }
        let a = self.next.checked_add(align - 1).ok_or("allocator overflow")? & !(align - 1);
        self.next = a.checked_add(size).ok_or("allocator overflow")?;
        self.pages.insert(a, vec![0u8; usize::try_from(size).map_err(|_| "table too large")?]);
        self.allocated.push((a, size, self.kind));
        Ok(a)
    }
    fn write_u64(&mut self, pa: u64, v: u64) -> Result<(), String> {
        let (&base, buf) = self.pages.range_mut(..=pa).next_back().ok_or(format!("write to unallocated {pa:#x}"))?;
        let off = usize::try_from(pa - base).map_err(|_| "offset")?;
        let dst = buf.get_mut(off..off + 8).ok_or(format!("write to unallocated {pa:#x}"))?;
        dst.copy_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn read_u64(&self, pa: u64) -> u64 {
        self.pages
            .range(..=pa)
            .next_back()
            .and_then(|(b, buf)| {
                let off = usize::try_from(pa - b).ok()?;
                let s = buf.get(off..off + 8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(s);
                Some(u64::from_le_bytes(a))
            })
            .unwrap_or(0)
    }
    fn write_words(&mut self, pa: u64, w: &[u64]) -> Result<(), String> {
        for (i, x) in w.iter().enumerate() {
            self.write_u64(pa + 8 * i as u64, *x)?;
        }
        Ok(())
    }
}

fn enc(l: &Layout, v: &[(&str, u64)]) -> Result<Vec<u64>, String> {
    l.encode(v).map_err(|e| e.to_string())
}

fn ps_enc(bits: u32) -> Result<u64, String> {
    Ok(match bits {
        32 => 0,
        36 => 1,
        40 => 2,
        42 => 3,
        44 => 4,
        48 => 5,
        52 => 6,
        _ => return Err(format!("{bits} is not an architected address size (32, 36, 40, 42, 44, 48, 52)")),
    })
}

fn tg0_enc(g: u32) -> Result<u64, String> {
    match g {
        4096 => Ok(0),
        65536 => Ok(1),
        16384 => Ok(2),
        _ => Err(format!("granule {g}: expected 4096, 16384 or 65536")),
    }
}

/// Translation table geometry for building.
#[derive(Clone, Copy)]
struct Geo {
    stage: u8,
    gshift: u32,
    ia_bits: u32,
    start: i32,
    root: u64,
    ds: bool,
    lpa: bool,
}

impl Geo {
    fn shift(&self, level: i32) -> u32 {
        self.gshift + (3 - level) as u32 * (self.gshift - 3)
    }
    fn block_ok(&self, level: i32) -> bool {
        match self.gshift {
            12 => level == 1 || level == 2 || (level == 0 && self.ds) || level == 3,
            14 => level == 2 || (level == 1 && self.ds) || level == 3,
            _ => level == 2 || (level == 1 && self.lpa) || level == 3,
        }
    }
    fn oa_fields(&self, pa: u64) -> Vec<(&'static str, u64)> {
        if self.lpa {
            vec![("OA", (pa & ((1 << 48) - 1)) >> 12), ("OA_51_48", pa >> 48)]
        } else if self.ds {
            // DS (LPA2): OA[51:50] live in bits [9:8], where SH is without DS.
            vec![("OA", (pa & ((1 << 50) - 1)) >> 12), ("SH", pa >> 50)]
        } else {
            vec![("OA", pa >> 12)]
        }
    }
}

fn table_desc(geo: &Geo, next: u64) -> Result<u64, String> {
    let mut f = vec![("Valid", 1), ("Type", 1)];
    if geo.lpa {
        f.push(("NLTA", (next & ((1 << 48) - 1)) >> 12));
        f.push(("NLTA_51_48", next >> 48));
    } else if geo.ds {
        f.push(("NLTA", (next & ((1 << 50) - 1)) >> 12));
        f.push(("NLTA_51_50", next >> 50));
    } else {
        f.push(("NLTA", next >> 12));
    }
    Ok(enc(&TT_TABLE, &f)?[0])
}

fn leaf_desc(geo: &Geo, m: &MapSpec, pa: u64, level: i32) -> Result<u64, String> {
    let perm = m.perm.clone().unwrap_or_else(|| "rw".into());
    let (r, w, x) = (perm.contains('r'), perm.contains('w'), perm.contains('x'));
    let mut f: Vec<(&str, u64)> = vec![("Valid", 1), ("Type", (level == 3) as u64), ("AF", m.af as u64)];
    f.extend(geo.oa_fields(pa));
    let attr = m.attr.as_deref().unwrap_or("normal");
    if geo.stage == 1 {
        let idx = match attr {
            "normal" => 0,
            "device" => 1,
            "nc" => 2,
            o => return Err(format!("attr {o:?}: expected normal, nc or device")),
        };
        f.push(("AttrIndx", idx));
        f.push(("AP1", m.unpriv as u64));
        // No write: read-only. With DBM, a writable page starts clean (AP[2] = 1).
        f.push(("AP2", (!w || m.dbm) as u64));
        f.push(("UXN", !x as u64));
        f.push(("PXN", !x as u64));
        if !geo.ds {
            f.push(("SH", 3));
        }
        let _ = r;
    } else {
        let memattr = match attr {
            "normal" => 0b1111,
            "nc" => 0b0101,
            "device" => 0b0001,
            o => return Err(format!("attr {o:?}: expected normal, nc or device")),
        };
        f.push(("MemAttr", memattr));
        f.push(("S2AP_R", r as u64));
        f.push(("S2AP_W", (w && !m.dbm) as u64));
        f.push(("XN", !x as u64));
        if !geo.ds {
            f.push(("SH", 3));
        }
    }
    if m.dbm {
        f.push(("DBM", 1));
    }
    if m.contiguous {
        f.push(("Contiguous", 1));
    }
    let l = if geo.stage == 1 { &TT_S1_LEAF } else { &TT_S2_LEAF };
    Ok(enc(l, &f)?[0])
}

/// Maps [va, va+size) -> [pa, pa+size) in the tables rooted at geo.root.
fn map(img: &mut Image, geo: &Geo, m: &MapSpec) -> Result<(), String> {
    let g = 1u64 << geo.gshift;
    let (mut va, mut pa, size) = (m.va.0, m.pa.0, m.size.0);
    if va % g != 0 || pa % g != 0 || size % g != 0 || size == 0 {
        return Err(format!(
            "mapping va {va:#x} pa {pa:#x} size {size:#x}: must be non-empty multiples of the {}KB granule",
            g / 1024
        ));
    }
    if geo.ia_bits < 64 && (va.checked_add(size).ok_or("va overflow")? - 1) >> geo.ia_bits != 0 {
        return Err(format!("mapping va {va:#x} size {size:#x} is beyond the {}-bit input range", geo.ia_bits));
    }
    // VMSAv8-64 descriptors hold a 48-bit output address, 52 bits with LPA (64KB) or DS.
    let out_bits = if geo.ds || geo.lpa { 52 } else { 48 };
    if (pa.checked_add(size).ok_or("pa overflow")? - 1) >> out_bits != 0 {
        return Err(format!(
            "mapping pa {pa:#x} size {size:#x} is beyond the {out_bits}-bit output address a stage {} descriptor holds here",
            geo.stage
        ));
    }
    let end = va + size;
    let mut guard = 0u64;
    while va < end {
        guard += 1;
        if guard > 1 << 22 {
            return Err("mapping too large for a teaching scenario (more than 4M leaves)".into());
        }
        // Largest leaf that fits alignment and remaining size.
        let mut level = geo.start.max(0);
        let leaf_level = loop {
            let bs = 1u64 << geo.shift(level);
            if m.blocks && geo.block_ok(level) && va % bs == 0 && pa % bs == 0 && end - va >= bs {
                break level;
            }
            if level == 3 {
                break 3;
            }
            level += 1;
        };
        let leaf_level = if m.blocks { leaf_level } else { 3 };
        // Walk down creating tables.
        let mut table = geo.root;
        let mut lvl = geo.start;
        loop {
            let sh = geo.shift(lvl);
            let bits = if lvl == geo.start { geo.ia_bits - sh } else { geo.gshift - 3 };
            let idx = (va >> sh) & ((1u64 << bits) - 1);
            let da = table + idx * 8;
            if lvl == leaf_level {
                if img.read_u64(da) & 1 != 0 {
                    return Err(format!("va {va:#x} is mapped twice"));
                }
                img.write_u64(da, leaf_desc(geo, m, pa, lvl)?)?;
                break;
            }
            let d = img.read_u64(da);
            let next = if d & 1 == 0 {
                let t = img.alloc(g, g)?;
                img.write_u64(da, table_desc(geo, t)?)?;
                t
            } else if d & 2 == 0 {
                return Err(format!("va {va:#x} overlaps an earlier block mapping"));
            } else {
                crate::walk::tt::desc_addr(
                    &crate::walk::TtParams {
                        stage: geo.stage,
                        granule: g as u32,
                        ia_bits: geo.ia_bits,
                        start_level: geo.start,
                        concat: 0,
                        ttb: 0,
                        oa_bits: 52,
                        ds: geo.ds,
                        lpa: geo.lpa,
                        ha: false,
                        hd: false,
                        affd: false,
                        had: false,
                        wxn: false,
                        pan: false,
                        mair: 0,
                        ttb1: None,
                        epd0: false,
                        tbi0: false,
                        tbi1: false,
                        ptw: false,
                        fwb: false,
                    },
                    crate::walk::tt::fields(),
                    d,
                    geo.gshift,
                )
            };
            table = next;
            lvl += 1;
        }
        let step = 1u64 << geo.shift(leaf_level);
        va = va.checked_add(step).ok_or("va overflows")?;
        pa = pa.checked_add(step).ok_or("pa overflows 64 bits")?;
    }
    Ok(())
}

/// MAIR the builder's CDs use: 0 Normal WB, 1 Device-nGnRE, 2 Normal NC.
pub const MAIR: u64 = 0x44_04_ff;

fn reg(rs: &mut RegisterSet, name: &str, v: &[(&str, u64)]) -> Result<(), String> {
    let r = regs::by_name(name).ok_or(format!("register {name} unknown to this build"))?;
    let w = r.layout.encode(v).map_err(|e| format!("{name}: {e}"))?;
    rs.insert(r, w.first().copied().unwrap_or(0), Origin { line: None, source: "scenario builder".into() });
    Ok(())
}

/// Builds the snapshot a scenario describes.
pub fn build(s: &Scenario) -> Result<Snapshot, BuildError> {
    build_inner(s).map_err(|msg| BuildError { scenario: s.name.clone(), msg })
}

fn check_sizes(granule: u32, ia_bits: u32, what: &str) -> Result<(), String> {
    tg0_enc(granule)?;
    if !(16..=52).contains(&ia_bits) {
        return Err(format!("{what} ia_bits {ia_bits}: expected 16 to 52"));
    }
    Ok(())
}

/// The input sizes the SMMU accepts (IHI 0070 5.4 CD.T0SZ, 5.2 STE.S2T0SZ): TxSZ from 16
/// (12 with DS for 4KB/16KB; this builder never sets IDR5.VAX) to 39 (48 with IDR3.STT, 47 for
/// 64KB). A scenario outside it would only build a structure the SMMU rejects.
fn check_input_range(granule: u32, ia_bits: u32, what: &str, smmu: &SmmuSpec, event: &str) -> Result<(), String> {
    let max_txsz: u32 = if smmu.stt {
        if granule == 65536 {
            47
        } else {
            48
        }
    } else {
        39
    };
    let min_txsz: u32 = if smmu.ds && granule != 65536 { 12 } else { 16 };
    let (lo, hi) = (64 - max_txsz, 64 - min_txsz);
    if !(lo..=hi).contains(&ia_bits) {
        let field = if what == "s2" { "S2T0SZ" } else { "T0SZ" };
        let hint = if ia_bits < lo && !smmu.stt {
            "; \"smmu\": {\"stt\": true} allows smaller input sizes"
        } else if ia_bits > hi && !smmu.ds && granule != 65536 && ia_bits <= 52 {
            "; \"smmu\": {\"ds\": true} allows 52 bits"
        } else {
            ""
        };
        return Err(format!(
            "{what} ia_bits {ia_bits}: the {}KB granule takes {lo} to {hi} input bits on this SMMU ({field} {min_txsz} to {max_txsz}{}); the SMMU would record {event}",
            granule / 1024,
            hint
        ));
    }
    Ok(())
}

fn s1_geo(sp: &S1Spec, smmu: &SmmuSpec, root: u64) -> Result<Geo, String> {
    check_sizes(sp.granule, sp.ia_bits, "s1")?;
    let gshift = sp.granule.trailing_zeros();
    let ips = sp.ips_bits.unwrap_or(smmu.oas).min(smmu.oas);
    Ok(Geo {
        stage: 1,
        gshift,
        ia_bits: sp.ia_bits,
        start: s1_start_level(sp.granule, sp.ia_bits),
        root,
        ds: ips == 52 && sp.granule != 65536 && smmu.ds,
        lpa: ips == 52 && sp.granule == 65536,
    })
}

fn s2_levels(sp: &S2Spec) -> Result<(i32, u32), String> {
    check_sizes(sp.granule, sp.ia_bits, "s2")?;
    let gshift = sp.granule.trailing_zeros();
    let stride = gshift - 3;
    let start = sp.start_level.unwrap_or_else(|| s1_start_level(sp.granule, sp.ia_bits));
    if !(-1..=3).contains(&start) {
        return Err(format!("stage 2 start_level {start}: expected -1 to 3"));
    }
    let sh = gshift + (3 - start) as u32 * stride;
    if sp.ia_bits <= sh {
        return Err(format!("stage 2 start level {start} resolves no bits of a {}-bit IPA", sp.ia_bits));
    }
    let bits = sp.ia_bits - sh;
    if bits > stride + 4 {
        return Err(format!("stage 2 start level {start} would need more than 16 concatenated tables"));
    }
    Ok((start, bits.saturating_sub(stride)))
}

fn sl0_enc(granule: u32, start: i32) -> Result<u64, String> {
    match (granule, start) {
        (4096, 2) => Ok(0),
        (4096, 1) => Ok(1),
        (4096, 0) => Ok(2),
        (_, 3) if granule != 4096 => Ok(0),
        (_, 2) if granule != 4096 => Ok(1),
        (_, 1) if granule != 4096 => Ok(2),
        (16384, 0) => Ok(3),
        _ => {
            Err(format!("stage 2 start level {start} cannot be encoded in S2SL0 for the {}KB granule", granule / 1024))
        }
    }
}

fn build_inner(s: &Scenario) -> Result<Snapshot, String> {
    let smmu = &s.smmu;
    let mut img = Image {
        pages: BTreeMap::new(),
        next: s.table_base.map(|n| n.0).unwrap_or(0x8000_0000),
        allocated: vec![],
        kind: Kind::Other,
    };
    let mut rs = RegisterSet::new();
    let any = |c: &str| s.streams.iter().any(|x| x.config == c);
    let s1p = any("s1") || any("nested");
    let s2p = any("s2") || any("nested");
    reg(
        &mut rs,
        "IDR0",
        &[
            ("S1P", s1p as u64 | (!s2p) as u64),
            ("S2P", s2p as u64),
            ("TTF", 2),
            ("HTTU", smmu.httu),
            ("CD2L", 1),
            ("ST_LEVEL", 1),
            ("ASID16", 1),
            ("VMID16", 1),
            ("COHACC", 1),
        ],
    )?;
    reg(&mut rs, "IDR1", &[("SIDSIZE", smmu.sidsize), ("SSIDSIZE", smmu.ssidsize)])?;
    reg(&mut rs, "IDR3", &[("STT", smmu.stt as u64), ("FWB", smmu.fwb as u64)])?;
    reg(
        &mut rs,
        "IDR5",
        &[("OAS", ps_enc(smmu.oas)?), ("DS", smmu.ds as u64), ("GRAN4K", 1), ("GRAN16K", 1), ("GRAN64K", 1)],
    )?;
    reg(&mut rs, "CR0", &[("SMMUEN", 1)])?;
    reg(&mut rs, "GBPA", &[("ABORT", 1)])?;
    if smmu.sidsize > 32 || smmu.ssidsize > 20 {
        return Err(format!("sidsize {} / ssidsize {}: at most 32 / 20", smmu.sidsize, smmu.ssidsize));
    }
    let max_sid = s.streams.iter().map(|x| x.sid.0).max().unwrap_or(0);
    let log2size = (64 - max_sid.leading_zeros()).max(1) as u64;
    let two_level = match s.stream_table.format.as_deref() {
        None | Some("linear") => false,
        Some("2-level") | Some("2level") => true,
        Some(o) => return Err(format!("stream_table.format {o:?}: expected linear or 2-level")),
    };
    let split = s.stream_table.split.unwrap_or(8) as u64;
    if !(1..=12).contains(&split) {
        return Err(format!("stream_table.split {split}: expected 6, 8 or 10"));
    }
    let log2size = if two_level { log2size.max(split + 1) } else { log2size };
    if log2size > smmu.sidsize {
        return Err(format!("StreamID {max_sid:#x} needs {log2size} bits but sidsize is {}", smmu.sidsize));
    }
    let st_base;
    let mut l2_tables: BTreeMap<u64, u64> = BTreeMap::new();
    if two_level {
        let n = 1u64 << (log2size - split);
        st_base = img.alloc((n * 8).max(64), (n * 8).max(64))?;
        reg(&mut rs, "STRTAB_BASE_CFG", &[("FMT", 1), ("SPLIT", split), ("LOG2SIZE", log2size)])?;
    } else {
        let bytes = (1u64 << log2size) * 64;
        st_base = img.alloc(bytes, bytes.max(64))?;
        reg(&mut rs, "STRTAB_BASE_CFG", &[("FMT", 0), ("LOG2SIZE", log2size)])?;
    }
    reg(&mut rs, "STRTAB_BASE", &[("ADDR", st_base >> 6)])?;

    for st in &s.streams {
        let sid = st.sid.0;
        let ste_addr = if two_level {
            let l1 = sid >> split;
            let l2 = match l2_tables.get(&l1) {
                Some(a) => *a,
                None => {
                    let bytes = (1u64 << split) * 64;
                    let a = img.alloc(bytes, bytes)?;
                    let d = enc(&L1STD, &[("Span", split + 1), ("L2Ptr", a >> 6)])?;
                    img.write_u64(st_base + l1 * 8, d[0])?;
                    l2_tables.insert(l1, a);
                    a
                }
            };
            l2 + (sid & ((1 << split) - 1)) * 64
        } else {
            st_base + sid * 64
        };
        let cfg = match st.config.as_str() {
            "abort" => 0b000,
            "bypass" => 0b100,
            "s1" => 0b101,
            "s2" => 0b110,
            "nested" => 0b111,
            o => return Err(format!("stream {sid:#x}: config {o:?}: expected abort, bypass, s1, s2 or nested")),
        };
        let mut ste: Vec<(&str, u64)> = vec![("V", 1), ("Config", cfg)];
        // Stage 2 first: nested stage 1 structures must be mapped by it.
        let mut s2geo = None;
        if cfg & 0b110 == 0b110 {
            let sp = st.s2.as_ref().ok_or(format!("stream {sid:#x}: config {} needs an s2 section", st.config))?;
            let (start, concat) = s2_levels(sp)?;
            check_input_range(sp.granule, sp.ia_bits, "s2", smmu, "C_BAD_STE")?;
            let g = sp.granule as u64;
            let root_bytes = g << concat;
            let root = img.alloc(root_bytes, root_bytes)?;
            let ps = sp.ps_bits.unwrap_or(smmu.oas).min(smmu.oas);
            let geo = Geo {
                stage: 2,
                gshift: sp.granule.trailing_zeros(),
                ia_bits: sp.ia_bits,
                start,
                root,
                ds: ps == 52 && sp.granule != 65536 && smmu.ds,
                lpa: ps == 52 && sp.granule == 65536,
            };
            ste.extend([
                ("S2VMID", sp.vmid),
                ("S2T0SZ", 64 - sp.ia_bits as u64),
                ("S2SL0", sl0_enc(sp.granule, start)?),
                ("S2IR0", 1),
                ("S2OR0", 1),
                ("S2SH0", 3),
                ("S2TG", tg0_enc(sp.granule)?),
                ("S2PS", ps_enc(ps)?),
                ("S2AA64", 1),
                ("S2PTW", 1),
                ("S2R", 1),
                ("S2HA", sp.ha as u64),
                ("S2HD", sp.hd as u64),
                ("S2AFFD", sp.affd as u64),
                ("S2FWB", sp.fwb as u64),
                ("S2TTB", root >> 4),
            ]);
            for m in &sp.mappings {
                map(&mut img, &geo, m).map_err(|e| format!("stream {sid:#x} stage 2: {e}"))?;
            }
            s2geo = Some((geo, sp.map_s1_tables, sp.map_cd, sp.granule));
        }
        let alloc_before = img.allocated.len();
        if cfg & 0b101 == 0b101 {
            let sp = st.s1.as_ref().ok_or(format!("stream {sid:#x}: config {} needs an s1 section", st.config))?;
            check_sizes(sp.granule, sp.ia_bits, "s1")?;
            check_input_range(sp.granule, sp.ia_bits, "s1", smmu, "C_BAD_CD")?;
            if sp.ssid_bits > 20 {
                return Err(format!("stream {sid:#x}: ssid_bits {} is more than 20", sp.ssid_bits));
            }
            let cd2 = match sp.cd_table.as_deref() {
                None | Some("linear") => false,
                Some("2-level") | Some("2level") => true,
                Some(o) => return Err(format!("cd_table {o:?}: expected linear or 2-level")),
            };
            let n = 1u64 << sp.ssid_bits;
            img.kind = Kind::Cd;
            let ctx_ptr;
            if cd2 && sp.ssid_bits > 6 {
                let l1n = n >> 6;
                ctx_ptr = img.alloc((l1n * 8).max(64), (l1n * 8).max(64))?;
            } else {
                ctx_ptr = img.alloc(n * 64, (n * 64).max(64))?;
            }
            let s1fmt = if cd2 && sp.ssid_bits > 6 { 1 } else { 0 };
            let dss = match sp.s1dss.as_deref() {
                None | Some("substream0") => 2,
                Some("terminate") => 0,
                Some("bypass") => 1,
                Some(o) => return Err(format!("s1dss {o:?}: expected terminate, bypass or substream0")),
            };
            ste.extend([
                ("S1Fmt", s1fmt),
                ("S1ContextPtr", ctx_ptr >> 6),
                ("S1CDMax", sp.ssid_bits),
                ("S1DSS", dss),
                ("S1CIR", 1),
                ("S1COR", 1),
                ("S1CSH", 3),
            ]);
            let mut l2cd: BTreeMap<u64, u64> = BTreeMap::new();
            for c in &sp.contexts {
                let ss = c.ssid as u64;
                if ss >= n {
                    return Err(format!("stream {sid:#x}: ssid {ss:#x} is beyond ssid_bits {}", sp.ssid_bits));
                }
                img.kind = Kind::Cd;
                let cd_addr = if s1fmt == 1 {
                    let l1 = ss >> 6;
                    let l2 = match l2cd.get(&l1) {
                        Some(a) => *a,
                        None => {
                            let a = img.alloc(4096, 4096)?;
                            img.write_u64(ctx_ptr + l1 * 8, enc(&L1CD, &[("V", 1), ("L2Ptr", a >> 12)])?[0])?;
                            l2cd.insert(l1, a);
                            a
                        }
                    };
                    l2 + (ss & 63) * 64
                } else {
                    ctx_ptr + ss * 64
                };
                let g = sp.granule as u64;
                img.kind = Kind::S1Table;
                let root = img.alloc(g, g)?;
                let geo = s1_geo(sp, smmu, root)?;
                for m in &c.mappings {
                    map(&mut img, &geo, m).map_err(|e| format!("stream {sid:#x} ssid {ss:#x} stage 1: {e}"))?;
                }
                img.kind = Kind::Cd;
                let ips = sp.ips_bits.unwrap_or(smmu.oas);
                let cd = enc(
                    &CD,
                    &[
                        ("T0SZ", 64 - sp.ia_bits as u64),
                        ("TG0", tg0_enc(sp.granule)?),
                        ("IR0", 1),
                        ("OR0", 1),
                        ("SH0", 3),
                        ("EPD1", 1),
                        ("V", 1),
                        ("IPS", ps_enc(ips)?),
                        ("AFFD", c.affd as u64),
                        ("WXN", c.wxn as u64),
                        ("AA64", 1),
                        ("HA", c.ha as u64),
                        ("HD", c.hd as u64),
                        ("R", 1),
                        ("A", 1),
                        ("ASET", 1),
                        ("ASID", c.asid),
                        ("TTB0", root >> 4),
                        ("MAIR", MAIR),
                    ],
                )?;
                img.write_words(cd_addr, &cd)?;
            }
        }
        // Nested: stage 1 structures live at IPAs equal to their PAs; map them in stage 2.
        if let (Some((geo, map_t, map_cd, gran)), true) = (s2geo, cfg == 0b111) {
            let ranges: Vec<(u64, u64, Kind)> = img.allocated[alloc_before..].to_vec();
            img.kind = Kind::Other;
            for (a, len, k) in ranges {
                if (k == Kind::S1Table && !map_t) || (k == Kind::Cd && !map_cd) || k == Kind::Other {
                    continue;
                }
                let g = gran as u64;
                let start = a & !(g - 1);
                let end = (a + len).div_ceil(g) * g;
                let mut p = start;
                while p < end {
                    let m = MapSpec {
                        va: Num(p),
                        pa: Num(p),
                        size: Num(g),
                        perm: Some("r".into()),
                        unpriv: true,
                        attr: Some("normal".into()),
                        af: true,
                        dbm: false,
                        blocks: false,
                        contiguous: false,
                    };
                    // A page already mapped (shared with a data mapping) is fine.
                    let _ = map(&mut img, &geo, &m);
                    p += g;
                }
            }
        }
        img.kind = Kind::Other;
        img.write_words(ste_addr, &enc(&STE, &ste)?)?;
    }
    let mut mem = SparseMem::new();
    for (a, b) in img.pages {
        mem.insert(a, b);
    }
    let mut snap = Snapshot::new(rs, mem);
    snap.file.provenance =
        Some(serde_json::json!({"source": format!("smmu scenario build: {}", s.name), "description": s.description}));
    Ok(snap)
}

/// Parses a scenario file (JSON).
pub fn parse(text: &str) -> Result<Scenario, String> {
    serde_json::from_str(text).map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(json: &str) -> String {
        build(&parse(json).unwrap()).unwrap_err().msg
    }

    /// IHI 0070 5.4: CD.T0SZ 16..39 without IDR3.STT (25..48 input bits); a 20-bit stage-1
    /// input would be C_BAD_CD, so the builder says so instead of building it.
    #[test]
    fn input_sizes_the_smmu_rejects_are_refused() {
        let e = err(
            r#"{"name":"x","streams":[{"sid":1,"config":"s1","s1":{"granule":4096,"ia_bits":20,"contexts":[{"asid":1,"mappings":[]}]}}]}"#,
        );
        assert!(e.contains("25 to 48") && e.contains("C_BAD_CD"), "{e}");
        let e = err(r#"{"name":"x","streams":[{"sid":1,"config":"s2","s2":{"granule":65536,"ia_bits":20}}]}"#);
        assert!(e.contains("S2T0SZ 16 to 39") && e.contains("C_BAD_STE"), "{e}");
        // With STT the same 4KB input size is fine (T0SZ up to 48).
        let ok = r#"{"name":"x","smmu":{"stt":true},"streams":[{"sid":1,"config":"s1","s1":{"granule":4096,"ia_bits":20,"contexts":[{"asid":1,"mappings":[]}]}}]}"#;
        assert!(build(&parse(ok).unwrap()).is_ok());
    }

    #[test]
    fn output_beyond_the_descriptor_is_named_as_such() {
        let e = err(
            r#"{"name":"x","streams":[{"sid":1,"config":"s1","s1":{"granule":4096,"ia_bits":48,"contexts":[{"asid":1,"mappings":[{"va":"0x1000","pa":"0xfff000000000000","size":"0x1000"}]}]}}]}"#,
        );
        assert!(e.contains("pa 0xfff000000000000") && e.contains("48-bit output"), "{e}");
    }
}
