//! Teaching scenarios: a small description of streams and their mappings that the builder
//! turns into a snapshot with real stream tables, STEs, CDs and translation tables.
//! Format documented in docs/walk.md.

use crate::mem::SparseMem;
use crate::model::FieldDef;
use crate::regs;
use crate::regs::control::{cr0, gbpa};
use crate::regs::idr::{idr0, idr1, idr3, idr5};
use crate::regs::queues::{cmdq_base, cmdq_cons, cmdq_prod, strtab_base, strtab_base_cfg};
use crate::regset::{Origin, RegisterSet};
use crate::snapshot::{parse_hex_u64, Snapshot};
use crate::structs::desc::{self, s1_leaf, s2_leaf, table, Granule, OaFormat};
use crate::structs::geometry::{self, CdFormat, CdTable, StFormat, StreamTable};
use crate::structs::{cd, l1cd, l1std, ste};
use crate::walk::tt::table_format;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// A number written as `"0x..."` or as a JSON integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// A Command queue with commands in it (allocated after every table, so adding one
    /// does not move them).
    #[serde(default)]
    pub command_queue: Option<CommandQueueSpec>,
}

/// The Command queue: SMMU_CMDQ_BASE, SMMU_CMDQ_PROD and SMMU_CMDQ_CONS, and the commands
/// written from position `cons` on.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CommandQueueSpec {
    /// Physical base (default: allocated, aligned to the queue size).
    #[serde(default)]
    pub base: Option<Num>,
    /// log2 of the number of entries (default 8).
    #[serde(default = "d_log2q")]
    pub log2size: u32,
    /// Position of the first command: index with the wrap bit above it (bit LOG2SIZE), as
    /// SMMU_CMDQ_CONS.RD holds it.
    #[serde(default)]
    pub cons: Num,
    /// Commands as `NAME FIELD=VALUE ...` (the names and fields of `smmu encode command`,
    /// values as numbers), written at cons, cons + 1, ... (wrapping).
    #[serde(default)]
    pub commands: Vec<String>,
    /// How many of them the SMMU has consumed (default all): SMMU_CMDQ_CONS = cons +
    /// consumed, SMMU_CMDQ_PROD = cons + commands.
    #[serde(default)]
    pub consumed: Option<u64>,
}
fn d_log2q() -> u32 {
    8
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// SMMU_IDR3.RIL: range invalidation and the TTL hint.
    #[serde(default)]
    pub ril: bool,
}
fn d_sid() -> u64 {
    16
}
fn d_ssid() -> u64 {
    8
}
impl Default for SmmuSpec {
    fn default() -> Self {
        SmmuSpec { oas: 48, ds: false, httu: 0, sidsize: 16, ssidsize: 8, stt: false, fwb: false, ril: false }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StreamSpec {
    pub sid: Num,
    /// `abort`, `bypass`, `s1`, `s2` or `nested`.
    pub config: String,
    #[serde(default)]
    pub s1: Option<S1Spec>,
    #[serde(default)]
    pub s2: Option<S2Spec>,
    /// STE.EATS = 0b01: the device may use ATS (sets SMMU_IDR0.ATS).
    #[serde(default)]
    pub ats: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// Stage 1 leaves with nG = 1 (TLB entries tagged with the ASID); default global.
    #[serde(default)]
    pub ng: bool,
    /// Where the stage 1 root table goes (CD.TTB0; an IPA when nested), instead of the
    /// allocator's next page. A root given twice is shared: its mappings are added.
    #[serde(default)]
    pub ttb0: Option<Num>,
    pub mappings: Vec<MapSpec>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// Nested: stage 2 maps each of its pages holding stage 1 tables and CD structures to a
    /// PA of its own (in reverse order, with gaps) instead of the same PA, so a stage 1
    /// table larger than a stage 2 page is scattered in PA (default false).
    #[serde(default)]
    pub scatter_s1_tables: bool,
    /// Nested: the stage 2 permissions of the pages holding stage 1 translation tables, any
    /// of `r`, `w`, `x` (default `r`; without `r` the SMMU faults reading them: F_PERMISSION,
    /// CLASS = TT, TTRnW = 1). CD structures are always mapped read-only.
    #[serde(default)]
    pub s1_table_perm: Option<String>,
    #[serde(default)]
    pub mappings: Vec<MapSpec>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

/// At most this many bytes of tables and structures in one scenario, summed over every
/// allocation (64 MiB; the snapshot's hex text is twice that).
pub const MAX_SCENARIO_BYTES: u64 = 64 << 20;

/// Guest-physical/physical memory the builder writes.
struct Image {
    pages: BTreeMap<u64, Vec<u8>>,
    next: u64,
    /// Bytes allocated so far, against [`MAX_SCENARIO_BYTES`].
    total: u64,
    /// Every range allocated, with what it holds (for nested identity mapping).
    allocated: Vec<(u64, u64, Kind)>,
    /// What the next allocations hold.
    kind: Kind,
    /// When set, CD structures and stage 1 tables get whole pages of this size (aligned and
    /// padded), so stage 2 can map each page to its own PA.
    pad: Option<u64>,
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
        let (size, align) = match self.pad {
            Some(p) if self.kind != Kind::Other => (size.div_ceil(p) * p, align.max(p)),
            _ => (size, align),
        };
        let total = self.total.saturating_add(size);
        if total > MAX_SCENARIO_BYTES {
            return Err(format!(
                "the scenario needs more than {MAX_SCENARIO_BYTES} bytes of tables and structures (the limit \
                 for one scenario): {} bytes allocated so far, {size} more asked for",
                self.total
            ));
        }
        let a = self.next.checked_add(align - 1).ok_or("allocator overflow")? & !(align - 1);
        self.next = a.checked_add(size).ok_or("allocator overflow")?;
        self.total = total;
        self.pages.insert(a, vec![0u8; usize::try_from(size).map_err(|_| "table too large")?]);
        self.allocated.push((a, size, self.kind));
        Ok(a)
    }
    /// Allocates `size` bytes at `a` exactly (an address chosen by the scenario); an
    /// allocation already starting there of the same size is reused.
    fn alloc_at(&mut self, a: u64, size: u64) -> Result<u64, String> {
        if self.pages.get(&a).is_some_and(|b| b.len() as u64 == size) {
            return Ok(a);
        }
        let end = a.checked_add(size).ok_or(format!("{a:#x} + {size:#x} overflows"))?;
        let overlaps = self.pages.range(..end).next_back().is_some_and(|(b, buf)| b + buf.len() as u64 > a);
        if overlaps {
            return Err(format!("{a:#x} ({size:#x} bytes) overlaps a table or structure already allocated"));
        }
        self.total = self.total.saturating_add(size);
        if self.total > MAX_SCENARIO_BYTES {
            return Err(format!("the scenario needs more than {MAX_SCENARIO_BYTES} bytes of tables and structures"));
        }
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
    /// Moves the allocation at `a` page by page: page `pieces[i]` to `targets[i]` (allocated
    /// already); nothing stays readable at the old addresses.
    fn relocate(&mut self, a: u64, pieces: &[u64], targets: &[u64], page: u64) -> Result<(), String> {
        let buf = self.pages.remove(&a).ok_or(format!("no allocation at {a:#x} to move"))?;
        for (p, t) in pieces.iter().zip(targets) {
            let off = usize::try_from(p.wrapping_sub(a)).map_err(|_| "offset")?;
            let n = usize::try_from(page).map_err(|_| "page size")?;
            let src = buf.get(off..off + n).ok_or(format!("page {p:#x} is outside the allocation at {a:#x}"))?;
            let dst = self.pages.get_mut(t).ok_or(format!("no allocation at {t:#x}"))?;
            dst.get_mut(..n).ok_or(format!("allocation at {t:#x} is smaller than a page"))?.copy_from_slice(src);
        }
        Ok(())
    }
    fn write_words(&mut self, pa: u64, w: &[u64]) -> Result<(), String> {
        for (i, x) in w.iter().enumerate() {
            self.write_u64(pa + 8 * i as u64, *x)?;
        }
        Ok(())
    }
}

/// Sets field `f` of `w` to `v`, naming the field when the value does not fit.
fn put(w: &mut [u64], f: &FieldDef, v: u64) -> Result<(), String> {
    f.set(w, v).map_err(|e| format!("{}.{}: {e}", f.layout, f.name))
}

/// Sets address field `f` of `w` to address `a` (the inverse of [`FieldDef::address`]).
fn put_address(w: &mut [u64], f: &FieldDef, a: u64) -> Result<(), String> {
    f.set_address(w, a).map_err(|e| format!("{}.{}: {e}", f.layout, f.name))
}

/// A structure of `N` words with the given field values.
fn words<const N: usize>(fields: &[(&FieldDef, u64)]) -> Result<[u64; N], String> {
    let mut w = [0u64; N];
    for (f, v) in fields {
        put(&mut w, f, *v)?;
    }
    Ok(w)
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

fn granule(g: u32) -> Result<Granule, String> {
    Granule::from_bytes(u64::from(g)).ok_or_else(|| format!("granule {g}: expected 4096, 16384 or 65536"))
}

/// Translation table geometry for building.
#[derive(Clone, Copy)]
struct Geo {
    stage: u8,
    granule: Granule,
    ia_bits: u32,
    start: i32,
    root: u64,
    format: OaFormat,
    /// Stage 1: leaves get nG = 1.
    ng: bool,
}

impl Geo {
    fn shift(&self, level: i32) -> Result<u32, String> {
        self.granule.level_shift(level).ok_or_else(|| format!("level {level} is not a translation table level"))
    }
}

fn table_desc(geo: &Geo, next: u64) -> Result<u64, String> {
    let mut d = desc::encode_next_table_address(next, geo.granule, geo.format).map_err(|e| e.to_string())?;
    let mut w = [d];
    put(&mut w, &table::Valid, 1)?;
    put(&mut w, &table::Type, 1)?;
    d = w[0];
    Ok(d)
}

fn leaf_desc(geo: &Geo, m: &MapSpec, pa: u64, level: i32) -> Result<u64, String> {
    let perm = m.perm.clone().unwrap_or_else(|| "rw".into());
    let (r, w, x) = (perm.contains('r'), perm.contains('w'), perm.contains('x'));
    let oa = desc::encode_block_address(pa, geo.granule, geo.format, level).map_err(|e| e.to_string())?;
    let mut d = [oa];
    put(&mut d, &s1_leaf::Valid, 1)?;
    put(&mut d, &s1_leaf::Type, (level == 3) as u64)?;
    put(&mut d, &s1_leaf::AF, m.af as u64)?;
    // With DS the SH bits hold OA[51:50]; the shareability comes from CD.SH0 / STE.S2SH0.
    if geo.format != OaFormat::Lpa2 {
        put(&mut d, &s1_leaf::SH, 3)?;
    }
    let attr = m.attr.as_deref().unwrap_or("normal");
    if geo.stage == 1 {
        let idx = match attr {
            "normal" => 0,
            "device" => 1,
            "nc" => 2,
            o => return Err(format!("attr {o:?}: expected normal, nc or device")),
        };
        put(&mut d, &s1_leaf::AttrIndx, idx)?;
        // AP[2:1]: AP[1] unprivileged access; AP[2] read-only (no write; with DBM a writable
        // page starts clean, AP[2] = 1).
        let ro = !w || m.dbm;
        put(&mut d, &s1_leaf::AP, (u64::from(ro) << 1) | u64::from(m.unpriv))?;
        put(&mut d, &s1_leaf::UXN, !x as u64)?;
        put(&mut d, &s1_leaf::PXN, !x as u64)?;
        let _ = r;
    } else {
        let memattr = match attr {
            "normal" => 0b1111,
            "nc" => 0b0101,
            "device" => 0b0001,
            o => return Err(format!("attr {o:?}: expected normal, nc or device")),
        };
        put(&mut d, &s2_leaf::MemAttr, memattr)?;
        // S2AP[0] read, S2AP[1] write (a DBM page starts clean: not writable).
        put(&mut d, &s2_leaf::S2AP, (u64::from(w && !m.dbm) << 1) | u64::from(r))?;
        // XN[1]: not executable.
        put(&mut d, &s2_leaf::XN, if x { 0 } else { 0b10 })?;
    }
    if m.dbm {
        put(&mut d, &s1_leaf::DBM, 1)?;
    }
    if m.contiguous {
        put(&mut d, &s1_leaf::Contiguous, 1)?;
    }
    if geo.stage == 1 && geo.ng {
        put(&mut d, &s1_leaf::nG, 1)?;
    }
    Ok(d[0])
}

/// Maps [va, va+size) -> [pa, pa+size) in the tables rooted at geo.root.
fn map(img: &mut Image, geo: &Geo, m: &MapSpec) -> Result<(), String> {
    let g = geo.granule.bytes();
    let (mut va, mut pa, size) = (m.va.0, m.pa.0, m.size.0);
    if va % g != 0 || pa % g != 0 || size % g != 0 || size == 0 {
        return Err(format!(
            "mapping va {va:#x} pa {pa:#x} size {size:#x}: must be non-empty multiples of the {} granule",
            geo.granule
        ));
    }
    if geo.ia_bits < 64 && (va.checked_add(size).ok_or("va overflow")? - 1) >> geo.ia_bits != 0 {
        return Err(format!("mapping va {va:#x} size {size:#x} is beyond the {}-bit input range", geo.ia_bits));
    }
    // VMSAv8-64 descriptors hold a 48-bit output address, 52 bits with LPA (64KB) or DS.
    let out_bits = geo.format.bits();
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
            let bs = 1u64 << geo.shift(level)?;
            if m.blocks
                && desc::block_allowed(geo.granule, geo.format, level)
                && va % bs == 0
                && pa % bs == 0
                && end - va >= bs
            {
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
            let sh = geo.shift(lvl)?;
            let bits = if lvl == geo.start { geo.ia_bits - sh } else { geo.granule.stride() };
            let idx = (va >> sh) & ((1u64 << bits) - 1);
            let da = table + idx * desc::DESC_BYTES;
            if lvl == leaf_level {
                if desc::is_valid(img.read_u64(da)) {
                    return Err(format!("va {va:#x} is mapped twice"));
                }
                img.write_u64(da, leaf_desc(geo, m, pa, lvl)?)?;
                break;
            }
            let d = img.read_u64(da);
            let next = if !desc::is_valid(d) {
                let t = img.alloc(g, g)?;
                img.write_u64(da, table_desc(geo, t)?)?;
                t
            } else if !desc::is_table_or_page(d) {
                return Err(format!("va {va:#x} overlaps an earlier block mapping"));
            } else {
                desc::next_table_address(d, geo.granule, geo.format)
            };
            table = next;
            lvl += 1;
        }
        let step = 1u64 << geo.shift(leaf_level)?;
        va = va.checked_add(step).ok_or("va overflows")?;
        pa = pa.checked_add(step).ok_or("pa overflows 64 bits")?;
    }
    Ok(())
}

/// MAIR the builder's CDs use: 0 Normal WB, 1 Device-nGnRE, 2 Normal NC.
pub const MAIR: u64 = 0x44_04_ff;

/// Puts a register with the given field values (all fields of one register) in the set.
fn reg(rs: &mut RegisterSet, v: &[(&FieldDef, u64)]) -> Result<(), String> {
    let first = v.first().ok_or("a register needs at least one field")?;
    let r = regs::by_name(first.0.layout).ok_or(format!("register {} unknown to this build", first.0.layout))?;
    let mut w = [0u64];
    for (f, x) in v {
        if f.layout != r.name {
            return Err(format!("{}.{} is not a field of SMMU_{}", f.layout, f.name, r.name));
        }
        put(&mut w, f, *x)?;
    }
    rs.insert(r, w[0], Origin { line: None, source: "scenario builder".into() });
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
/// (12 with DS for 4KB/16KB, for which the builder sets IDR5.VAX to 52 bits) to 39 (48 with
/// IDR3.STT, 47 for 64KB). A scenario outside it would only build a structure the SMMU
/// rejects.
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
    let g = granule(sp.granule)?;
    let ips = sp.ips_bits.unwrap_or(smmu.oas).min(smmu.oas);
    let (_, format) = table_format(g, ips, smmu.oas, ips == 52 && smmu.ds);
    Ok(Geo { stage: 1, granule: g, ia_bits: sp.ia_bits, start: g.start_level(sp.ia_bits), root, format, ng: false })
}

fn s2_levels(sp: &S2Spec) -> Result<(i32, u32), String> {
    check_sizes(sp.granule, sp.ia_bits, "s2")?;
    let g = granule(sp.granule)?;
    let start = sp.start_level.unwrap_or_else(|| g.start_level(sp.ia_bits));
    let sh = g.level_shift(start).ok_or_else(|| format!("stage 2 start_level {start}: expected -1 to 3"))?;
    if sp.ia_bits <= sh {
        return Err(format!("stage 2 start level {start} resolves no bits of a {}-bit IPA", sp.ia_bits));
    }
    let bits = sp.ia_bits - sh;
    if bits > g.stride() + 4 {
        return Err(format!("stage 2 start level {start} would need more than 16 concatenated tables"));
    }
    Ok((start, bits.saturating_sub(g.stride())))
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

/// Nested: what stage 2 does with the stage 1 structures (at IPAs) of one stream.
struct Nest {
    geo: Geo,
    map_s1_tables: bool,
    map_cd: bool,
    scatter: bool,
    perm: String,
}

fn build_inner(s: &Scenario) -> Result<Snapshot, String> {
    let smmu = &s.smmu;
    let mut img = Image {
        pages: BTreeMap::new(),
        next: s.table_base.map(|n| n.0).unwrap_or(0x8000_0000),
        total: 0,
        allocated: vec![],
        kind: Kind::Other,
        pad: None,
    };
    let mut rs = RegisterSet::new();
    let any = |c: &str| s.streams.iter().any(|x| x.config == c);
    let s1p = any("s1") || any("nested");
    let s2p = any("s2") || any("nested");
    reg(
        &mut rs,
        &[
            (&idr0::S1P, s1p as u64 | (!s2p) as u64),
            (&idr0::S2P, s2p as u64),
            (&idr0::TTF, 2),
            (&idr0::HTTU, smmu.httu),
            (&idr0::CD2L, 1),
            (&idr0::ST_LEVEL, 1),
            (&idr0::ASID16, 1),
            (&idr0::VMID16, 1),
            (&idr0::COHACC, 1),
            (&idr0::ATS, s.streams.iter().any(|x| x.ats) as u64),
        ],
    )?;
    let cmdqs = s.command_queue.as_ref().map_or(8, |q| u64::from(q.log2size));
    reg(&mut rs, &[(&idr1::SIDSIZE, smmu.sidsize), (&idr1::SSIDSIZE, smmu.ssidsize), (&idr1::CMDQS, cmdqs)])?;
    reg(&mut rs, &[(&idr3::STT, smmu.stt as u64), (&idr3::FWB, smmu.fwb as u64), (&idr3::RIL, smmu.ril as u64)])?;
    reg(
        &mut rs,
        &[
            (&idr5::OAS, ps_enc(smmu.oas)?),
            (&idr5::DS, smmu.ds as u64),
            // 52-bit VAs (IHI 0070 3.4.1, 5.4 T0SZ: the minimum 12 needs VAX = 0b01 and DS).
            (&idr5::VAX, smmu.ds as u64),
            (&idr5::GRAN4K, 1),
            (&idr5::GRAN16K, 1),
            (&idr5::GRAN64K, 1),
        ],
    )?;
    reg(&mut rs, &[(&cr0::SMMUEN, 1)])?;
    reg(&mut rs, &[(&gbpa::ABORT, 1)])?;
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
    if two_level {
        reg(
            &mut rs,
            &[(&strtab_base_cfg::FMT, 1), (&strtab_base_cfg::SPLIT, split), (&strtab_base_cfg::LOG2SIZE, log2size)],
        )?;
    } else {
        reg(&mut rs, &[(&strtab_base_cfg::FMT, 0), (&strtab_base_cfg::LOG2SIZE, log2size)])?;
    }
    // The stream table as the SMMU will see it (IHI 0070 6.3.24: aligned to its size, at
    // least 64 bytes).
    let shape = StreamTable {
        base: 0,
        programmed_base: 0,
        align_log2: 0,
        format: if two_level { StFormat::TwoLevel } else { StFormat::Linear },
        log2size: log2size as u32,
        split: split as u32,
    };
    let st_bytes = shape.table_bytes().ok_or("stream table too large")?.max(geometry::STE_BYTES);
    let st_base = img.alloc(st_bytes, st_bytes)?;
    let st = StreamTable { base: st_base, programmed_base: st_base, ..shape };
    let mut w = [0u64];
    put_address(&mut w, &strtab_base::ADDR, st_base)?;
    let r = regs::by_name(strtab_base::ADDR.layout).ok_or("SMMU_STRTAB_BASE unknown to this build")?;
    rs.insert(r, w[0], Origin { line: None, source: "scenario builder".into() });
    let mut l2_tables: BTreeMap<u64, u64> = BTreeMap::new();

    for stream in &s.streams {
        let sid = stream.sid.0;
        let sid32 = u32::try_from(sid).map_err(|_| format!("StreamID {sid:#x} is more than 32 bits"))?;
        let ste_addr = if two_level {
            let l1 = st.l1_index(sid32);
            let l2 = match l2_tables.get(&l1) {
                Some(a) => *a,
                None => {
                    let span = split + 1;
                    let bytes = geometry::l2_table_bytes(span).ok_or("level 2 stream table too large")?;
                    let a = img.alloc(bytes, bytes)?;
                    let mut d = [0u64];
                    put(&mut d, &l1std::Span, span)?;
                    put_address(&mut d, &l1std::L2Ptr, a)?;
                    img.write_u64(st.l1std_addr(sid32).ok_or("L1STD address overflows")?, d[0])?;
                    l2_tables.insert(l1, a);
                    a
                }
            };
            geometry::l2_ste_addr(l2, split + 1, st.l2_index(sid32), split as u32)?
        } else {
            st.linear_ste_addr(sid32).ok_or("STE address overflows")?
        };
        let cfg = match stream.config.as_str() {
            "abort" => 0b000,
            "bypass" => 0b100,
            "s1" => 0b101,
            "s2" => 0b110,
            "nested" => 0b111,
            o => return Err(format!("stream {sid:#x}: config {o:?}: expected abort, bypass, s1, s2 or nested")),
        };
        let mut ste_w = words::<8>(&[(&ste::V, 1), (&ste::Config, cfg), (&ste::EATS, stream.ats as u64)])?;
        // Stage 2 first: nested stage 1 structures must be mapped by it.
        let mut nest = None;
        img.pad = None;
        if cfg & 0b110 == 0b110 {
            let sp =
                stream.s2.as_ref().ok_or(format!("stream {sid:#x}: config {} needs an s2 section", stream.config))?;
            let (start, concat) = s2_levels(sp)?;
            check_input_range(sp.granule, sp.ia_bits, "s2", smmu, "C_BAD_STE")?;
            let g = granule(sp.granule)?;
            let root_bytes = g.bytes() << concat;
            let root = img.alloc(root_bytes, root_bytes)?;
            let ps = sp.ps_bits.unwrap_or(smmu.oas).min(smmu.oas);
            let (_, format) = table_format(g, ps, smmu.oas, ps == 52 && smmu.ds);
            let geo = Geo { stage: 2, granule: g, ia_bits: sp.ia_bits, start, root, format, ng: false };
            put(&mut ste_w, &ste::S2DS, (format == OaFormat::Lpa2) as u64)?;
            for (f, v) in [
                (&ste::S2VMID, sp.vmid),
                (&ste::S2T0SZ, 64 - sp.ia_bits as u64),
                (&ste::S2SL0, sl0_enc(sp.granule, start)?),
                (&ste::S2IR0, 1),
                (&ste::S2OR0, 1),
                (&ste::S2SH0, 3),
                (&ste::S2TG, tg0_enc(sp.granule)?),
                (&ste::S2PS, ps_enc(ps)?),
                (&ste::S2AA64, 1),
                (&ste::S2PTW, 1),
                (&ste::S2R, 1),
                (&ste::S2HA, sp.ha as u64),
                (&ste::S2HD, sp.hd as u64),
                (&ste::S2AFFD, sp.affd as u64),
                (&ste::S2FWB, sp.fwb as u64),
            ] {
                put(&mut ste_w, f, v)?;
            }
            put_address(&mut ste_w, &ste::S2TTB, root)?;
            for m in &sp.mappings {
                map(&mut img, &geo, m).map_err(|e| format!("stream {sid:#x} stage 2: {e}"))?;
            }
            if sp.scatter_s1_tables {
                if cfg != 0b111 {
                    return Err(format!("stream {sid:#x}: scatter_s1_tables needs config nested"));
                }
                // Stage 1 structures get whole stage 2 pages, so each page can move alone.
                img.pad = Some(g.bytes());
            }
            let perm = sp.s1_table_perm.clone().unwrap_or_else(|| "r".into());
            if perm.chars().any(|c| !"rwx".contains(c)) {
                return Err(format!("stream {sid:#x}: s1_table_perm {perm:?}: expected any of r, w, x"));
            }
            nest = Some(Nest {
                geo,
                map_s1_tables: sp.map_s1_tables,
                map_cd: sp.map_cd,
                scatter: sp.scatter_s1_tables,
                perm,
            });
        }
        let alloc_before = img.allocated.len();
        if cfg & 0b101 == 0b101 {
            let sp =
                stream.s1.as_ref().ok_or(format!("stream {sid:#x}: config {} needs an s1 section", stream.config))?;
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
            // 2-level with 4KB level 2 tables (S1Fmt = 4KL2) when there is more than one.
            let fmt_4kl2 = 1;
            let s1fmt =
                if cd2 && sp.ssid_bits > u64::from(geometry::cd_split(fmt_4kl2).unwrap_or(0)) { fmt_4kl2 } else { 0 };
            let dss = match sp.s1dss.as_deref() {
                None | Some("substream0") => 2,
                Some("terminate") => 0,
                Some("bypass") => 1,
                Some(o) => return Err(format!("s1dss {o:?}: expected terminate, bypass or substream0")),
            };
            for (f, v) in [
                (&ste::S1Fmt, s1fmt),
                (&ste::S1CDMax, sp.ssid_bits),
                (&ste::S1DSS, dss),
                (&ste::S1CIR, 1),
                (&ste::S1COR, 1),
                (&ste::S1CSH, 3),
            ] {
                put(&mut ste_w, f, v)?;
            }
            let shape = CdTable::from_ste(&ste_w)?;
            img.kind = Kind::Cd;
            let ctx_bytes = shape.table_bytes().ok_or("CD table too large")?.max(geometry::CD_BYTES);
            let ctx_ptr = img.alloc(ctx_bytes, ctx_bytes)?;
            put_address(&mut ste_w, &ste::S1ContextPtr, ctx_ptr)?;
            let table = CdTable { ptr: ctx_ptr, ..shape };
            let mut l2cd: BTreeMap<u64, u64> = BTreeMap::new();
            for c in &sp.contexts {
                let ss = c.ssid as u64;
                if !table.covers(ss) {
                    return Err(format!("stream {sid:#x}: ssid {ss:#x} is beyond ssid_bits {}", sp.ssid_bits));
                }
                img.kind = Kind::Cd;
                let cd_addr = match table.format {
                    CdFormat::TwoLevel { .. } => {
                        let l1 = table.l1_index(ss);
                        let l2 = match l2cd.get(&l1) {
                            Some(a) => *a,
                            None => {
                                let bytes = table.l2_table_bytes().ok_or("level 2 CD table too large")?;
                                let a = img.alloc(bytes, bytes)?;
                                let mut d = [0u64];
                                put(&mut d, &l1cd::V, 1)?;
                                put_address(&mut d, &l1cd::L2Ptr, a)?;
                                img.write_u64(table.l1cd_addr(ss).ok_or("L1CD address overflows")?, d[0])?;
                                l2cd.insert(l1, a);
                                a
                            }
                        };
                        geometry::l2_cd_addr(l2, table.l2_index(ss)).ok_or("CD address overflows")?
                    }
                    CdFormat::Linear => table.linear_cd_addr(ss).ok_or("CD address overflows")?,
                };
                let g = granule(sp.granule)?;
                img.kind = Kind::S1Table;
                let root = match c.ttb0 {
                    Some(Num(a)) if a % g.bytes() != 0 => {
                        return Err(format!("stream {sid:#x} ssid {ss:#x}: ttb0 {a:#x} is not aligned to the granule"))
                    }
                    Some(Num(a)) => img.alloc_at(a, g.bytes())?,
                    None => img.alloc(g.bytes(), g.bytes())?,
                };
                let mut geo = s1_geo(sp, smmu, root)?;
                geo.ng = c.ng;
                for m in &c.mappings {
                    map(&mut img, &geo, m).map_err(|e| format!("stream {sid:#x} ssid {ss:#x} stage 1: {e}"))?;
                }
                img.kind = Kind::Cd;
                let ips = sp.ips_bits.unwrap_or(smmu.oas);
                let mut cd_w = words::<8>(&[
                    (&cd::T0SZ, 64 - sp.ia_bits as u64),
                    (&cd::TG0, tg0_enc(sp.granule)?),
                    (&cd::IR0, 1),
                    (&cd::OR0, 1),
                    (&cd::SH0, 3),
                    (&cd::EPD1, 1),
                    (&cd::V, 1),
                    (&cd::IPS, ps_enc(ips)?),
                    (&cd::AFFD, c.affd as u64),
                    (&cd::WXN, c.wxn as u64),
                    (&cd::AA64, 1),
                    (&cd::HA, c.ha as u64),
                    (&cd::HD, c.hd as u64),
                    (&cd::R, 1),
                    (&cd::A, 1),
                    (&cd::ASET, 1),
                    (&cd::ASID, c.asid),
                    (&cd::MAIR0, MAIR & cd::MAIR0.mask()),
                    (&cd::MAIR1, MAIR.checked_shr(u32::from(cd::MAIR0.width)).unwrap_or(0)),
                    // DS = 1 selects the 52-bit LPA2 descriptor format (4KB, 16KB).
                    (&cd::DS, (geo.format == OaFormat::Lpa2) as u64),
                ])?;
                put_address(&mut cd_w, &cd::TTB0, root)?;
                img.write_words(cd_addr, &cd_w)?;
            }
        }
        img.kind = Kind::Other;
        img.pad = None;
        // Nested: stage 1 structures live at IPAs; stage 2 maps them to the same PAs, or page
        // by page to scattered PAs.
        if let (Some(n), true) = (nest, cfg == 0b111) {
            let ranges: Vec<(u64, u64, Kind)> = img.allocated[alloc_before..].to_vec();
            let g = n.geo.granule.bytes();
            for (a, len, k) in ranges {
                if (k == Kind::S1Table && !n.map_s1_tables) || (k == Kind::Cd && !n.map_cd) || k == Kind::Other {
                    continue;
                }
                let start = a & !(g - 1);
                let end = (a + len).div_ceil(g) * g;
                let pieces: Vec<u64> = (0..(end - start) / g).map(|i| start + i * g).collect();
                let targets: Vec<u64> = if n.scatter {
                    // Each piece moves to its own PA, allocated in reverse order with a gap
                    // between, so neighbouring IPA pages are far apart in PA.
                    let mut t = Vec::with_capacity(pieces.len());
                    for _ in &pieces {
                        img.alloc(g, g)?;
                        t.push(img.alloc(g, g)?);
                    }
                    t.reverse();
                    img.relocate(a, &pieces, &t, g)?;
                    t
                } else {
                    pieces.clone()
                };
                for (ipa, pa) in pieces.into_iter().zip(targets) {
                    let m = MapSpec {
                        va: Num(ipa),
                        pa: Num(pa),
                        size: Num(g),
                        perm: Some(if k == Kind::S1Table { n.perm.clone() } else { "r".into() }),
                        unpriv: true,
                        attr: Some("normal".into()),
                        af: true,
                        dbm: false,
                        blocks: false,
                        contiguous: false,
                    };
                    // A page already mapped (shared with a data mapping) is fine.
                    let _ = map(&mut img, &n.geo, &m);
                }
            }
        }
        img.write_words(ste_addr, &ste_w)?;
    }
    if let Some(q) = &s.command_queue {
        command_queue(&mut img, &mut rs, q).map_err(|e| format!("command_queue: {e}"))?;
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

/// Parses `NAME FIELD=VALUE ...` into a command's words.
pub fn parse_command(text: &str) -> Result<[u64; 2], String> {
    let mut it = text.split_whitespace();
    let name = it.next().ok_or("an empty command")?;
    let mut fields = vec![];
    for kv in it {
        let (k, v) = kv.split_once('=').ok_or(format!("{kv:?}: expected FIELD=VALUE"))?;
        let n = parse_hex_u64(v)
            .or_else(|| v.parse::<u64>().ok())
            .ok_or(format!("{kv:?}: {v:?} is not a number (0x... or decimal)"))?;
        fields.push((k, n));
    }
    crate::queues::cmd::encode(name, &fields).map_err(|e| format!("{text:?}: {e}"))
}

fn command_queue(img: &mut Image, rs: &mut RegisterSet, q: &CommandQueueSpec) -> Result<(), String> {
    if q.log2size > 19 {
        return Err(format!("log2size {}: at most 19", q.log2size));
    }
    let size = 1u64 << q.log2size;
    let entry = geometry::queue_entry_bytes(crate::queues::queue::QueueId::Cmdq);
    let bytes = (size * entry).max(32);
    img.kind = Kind::Other;
    img.pad = None;
    let base = match q.base {
        Some(Num(a)) if a % bytes != 0 => return Err(format!("base {a:#x} is not aligned to the queue size")),
        Some(Num(a)) => img.alloc_at(a, bytes)?,
        None => img.alloc(bytes, bytes)?,
    };
    let n = q.commands.len() as u64;
    if n > size {
        return Err(format!("{n} commands do not fit in 2^{} entries", q.log2size));
    }
    let consumed = q.consumed.unwrap_or(n);
    if consumed > n {
        return Err(format!("consumed {consumed} is more than the {n} commands"));
    }
    let wrap = (size << 1) - 1;
    let cons = q.cons.0;
    if cons > wrap {
        return Err(format!("cons {cons:#x} is beyond the index and wrap bit of 2^{} entries", q.log2size));
    }
    for (k, c) in q.commands.iter().enumerate() {
        let w = parse_command(c)?;
        let idx = (cons + k as u64) & (size - 1);
        img.write_words(base + idx * entry, &w)?;
    }
    let mut w = [0u64];
    put_address(&mut w, &cmdq_base::ADDR, base)?;
    put(&mut w, &cmdq_base::LOG2SIZE, u64::from(q.log2size))?;
    let r = regs::by_name(cmdq_base::ADDR.layout).ok_or("SMMU_CMDQ_BASE unknown to this build")?;
    rs.insert(r, w[0], Origin { line: None, source: "scenario builder".into() });
    reg(rs, &[(&cmdq_prod::WR, (cons + n) & wrap)])?;
    reg(rs, &[(&cmdq_cons::RD, (cons + consumed) & wrap)])?;
    Ok(())
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
