//! Legality of STEs and CDs given the SMMU's ID registers (IHI 0070 G.b 5.2.2 SteIllegal(),
//! 5.4.2 CdIllegal() and the ILLEGAL conditions of the field descriptions in 5.2 and 5.4):
//! which rule an ILLEGAL structure breaks, so the C_BAD_STE / C_BAD_CD the SMMU would record
//! is explained. Also what Linux's iommufd accepts from a guest vSTE for nesting.
//!
//! Only Non-secure structures are modelled (the Secure and Realm rules need SMMU_S_* and
//! SMMU_R_* registers this tool does not read). Where a rule depends on a register that was
//! not given, the check is skipped and the register is listed in `unchecked`.

use super::{cd, ste, CD, STE};
use crate::model::{FieldDef, FieldStatus, Layout, Version, V3_0, V3_4};
use crate::regs::control::cr2;
use crate::regs::idr::{idr0, idr1, idr3, idr5};
use crate::regs::misc::mpamidr;
use crate::regset::RegisterSet;
use serde::Serialize;

/// One broken rule.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Rule {
    /// The field (or fields) at fault.
    pub field: String,
    /// The rule, in one sentence.
    pub rule: String,
    pub section: &'static str,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Legality {
    /// V = 1 and no rule broken.
    pub valid: bool,
    /// The event an SMMU records for a transaction that uses this structure when it is not
    /// valid (`C_BAD_STE` / `C_BAD_CD`), or null.
    pub event: Option<&'static str>,
    /// Broken rules (empty when legal). A V = 0 structure lists that as its only rule.
    pub rules: Vec<Rule>,
    /// Non-zero fields this SMMU does not have (its SMMU_AIDR version or an ID-register
    /// feature makes them RES0). IHI 0070 5: an implementation either treats the structure
    /// as invalid or ignores such a field, so these may, but need not, cause the event.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub res0: Vec<Rule>,
    /// Checks that could not be made because an ID register was not given.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unchecked: Vec<String>,
}

struct Ctx<'a> {
    regs: &'a RegisterSet,
    version: Option<Version>,
    rules: Vec<Rule>,
    unchecked: Vec<String>,
}

impl<'a> Ctx<'a> {
    fn new(regs: &'a RegisterSet) -> Self {
        Ctx { regs, version: regs.version(), rules: vec![], unchecked: vec![] }
    }
    /// An ID-register field a rule needs; an unknown one is listed as unchecked.
    fn idr(&mut self, f: &'static FieldDef) -> Option<u64> {
        let v = self.regs.read(f);
        if v.is_none() {
            let n = format!("{}.{}", f.layout, f.name);
            if !self.unchecked.contains(&n) {
                self.unchecked.push(n);
            }
        }
        v
    }
    /// An ID-register field that only refines a check (absent means "not implemented").
    fn has(&self, f: &'static FieldDef, v: u64) -> bool {
        self.regs.read(f) == Some(v)
    }
    fn bad(&mut self, field: &str, rule: String, section: &'static str) {
        self.rules.push(Rule { field: field.to_string(), rule, section });
    }
    fn oas(&mut self) -> Option<u32> {
        self.idr(&idr5::OAS).and_then(ps_bits)
    }
    fn ias(&mut self) -> Option<u32> {
        let oas = self.oas()?;
        Some(ias_from(oas, self.regs.read(&idr0::TTF)))
    }
    fn is_v3_0(&self) -> bool {
        self.version == Some(V3_0)
    }
}

/// Bits of output address the SMMU implements (SMMU_IDR5.OAS), if known.
pub fn oas_bits(regs: &RegisterSet) -> Option<u32> {
    regs.read(&idr5::OAS).and_then(ps_bits)
}

/// The SMMU's input address size (IHI 0070 3.4): MAX(40, OAS) when VMSAv8-32 LPAE tables
/// are supported (SMMU_IDR0.TTF[0]), otherwise the OAS.
pub fn ias_bits(regs: &RegisterSet) -> Option<u32> {
    oas_bits(regs).map(|o| ias_from(o, regs.read(&idr0::TTF)))
}

fn ias_from(oas: u32, ttf: Option<u64>) -> u32 {
    if ttf.unwrap_or(0) & 1 != 0 {
        oas.max(40)
    } else {
        oas
    }
}

/// Address size encoding (IPS, S2PS, OAS) to bits.
pub fn ps_bits(enc: u64) -> Option<u32> {
    Some(match enc {
        0 => 32,
        1 => 36,
        2 => 40,
        3 => 42,
        4 => 44,
        5 => 48,
        6 => 52,
        7 => 56,
        _ => return None,
    })
}

/// What an IPS/S2PS encoding means on an SMMU of `version` (5.2 S2PS, 5.4 IPS): 52 bits is
/// reserved and behaves as 48 in SMMUv3.0; 56 bits is reserved and behaves as 52 in
/// SMMUv3.1 to SMMUv3.3 (and as 48 in SMMUv3.0).
pub fn ps_bits_for(enc: u64, version: Option<Version>) -> Option<u32> {
    let b = ps_bits(enc)?;
    Some(match version {
        Some(v) if v == V3_0 => b.min(48),
        Some(v) if v < V3_4 => b.min(52),
        _ => b,
    })
}

/// Granule size in bytes for the STE.S2TG / CD.TG0 encoding.
pub fn tg0_granule(enc: u64) -> Option<u32> {
    match enc {
        0 => Some(4096),
        1 => Some(65536),
        2 => Some(16384),
        _ => None,
    }
}

/// Granule size in bytes for the CD.TG1 encoding.
pub fn tg1_granule(enc: u64) -> Option<u32> {
    match enc {
        1 => Some(16384),
        2 => Some(4096),
        3 => Some(65536),
        _ => None,
    }
}

fn granule_supported(c: &mut Ctx, granule: u32) -> Option<bool> {
    let f = match granule {
        4096 => &idr5::GRAN4K,
        16384 => &idr5::GRAN16K,
        _ => &idr5::GRAN64K,
    };
    c.idr(f).map(|v| v != 0)
}

fn txsz_max(c: &mut Ctx, granule: u32) -> u64 {
    if c.idr(&idr3::STT).unwrap_or(0) != 0 {
        if granule == 65536 {
            47
        } else {
            48
        }
    } else {
        39
    }
}

/// STES2T0SZInvalid() (5.2.2): the range of S2T0SZ, (min, max).
fn s2t0sz_range(c: &mut Ctx, granule: u32, vmsa128: bool, ds: bool) -> (u64, u64) {
    let max = txsz_max(c, granule);
    let ias_min = c.ias().map(|ias| 64u64.saturating_sub(ias as u64)).unwrap_or(0);
    let min = if c.is_v3_0() {
        ias_min
    } else if vmsa128 {
        ias_min.max(8)
    } else if granule == 65536 || (ds && c.has(&idr5::DS, 1)) {
        ias_min.max(12)
    } else {
        ias_min.max(16)
    };
    (min, max)
}

/// Stage 2 start level and number of concatenated start tables (log2) from S2SL0, or why
/// the combination is not allowed (VMSAv8-64, no S2DS, no small translation tables).
pub fn s2_start(granule: u32, ia_bits: u32, sl0: u64) -> Result<(i32, u32), String> {
    s2_start_level(granule, ia_bits, sl0, false, false)
}

/// Stage 2 start level and number of concatenated start tables (log2) from
/// `sl` = {S2SL0_2, S2SL0} (VTCR_EL2.{SL2, SL0}), with STE.S2DS (`ds`, 52-bit with 4KB/16KB)
/// and SMMU_IDR3.STT (`stt`, small translation tables: 4KB start level 3), or why the
/// combination is not allowed (5.2 S2SL0; Arm ARM VTCR_EL2.SL0).
pub fn s2_start_level(granule: u32, ia_bits: u32, sl: u64, ds: bool, stt: bool) -> Result<(i32, u32), String> {
    let start: i32 = match (granule, sl) {
        (4096, 0) => 2,
        (4096, 1) => 1,
        (4096, 2) => 0,
        (4096, 3) if stt => 3,
        (4096, 4) if ds => -1,
        (16384, 0) | (65536, 0) => 3,
        (16384, 1) | (65536, 1) => 2,
        (16384, 2) | (65536, 2) => 1,
        (16384, 3) => 0,
        _ => {
            return Err(format!(
                "{{S2SL0_2, S2SL0}} = {sl:#05b} is reserved for the {}KB granule{}",
                granule / 1024,
                if granule == 4096 && sl == 4 {
                    " without S2DS = 1"
                } else if granule == 4096 && sl == 3 {
                    " without SMMU_IDR3.STT = 1"
                } else {
                    ""
                }
            ))
        }
    };
    let g = granule.trailing_zeros() as i32;
    let stride = g - 3;
    let shift = g + (3 - start) * stride;
    let ia = ia_bits as i32;
    if ia <= shift {
        return Err(format!(
            "a {ia_bits}-bit IPA space leaves nothing to resolve at start level {start} (it needs more than {shift} bits)"
        ));
    }
    let bits = ia - shift;
    if bits > stride + 4 {
        return Err(format!(
            "start level {start} would resolve {bits} bits: more than {stride} plus 4 (16 concatenated tables)"
        ));
    }
    Ok((start, (bits - stride).max(0) as u32))
}

/// CDSLInvalidD128() (5.4.2), also used for STE.S2SKL (5.2.2 STEWalkConfigInconsistentD128):
/// with VMSAv9-128 tables, the initial level plus the skipped levels must not pass level 3.
fn d128_skip_invalid(granule: u32, txsz: u64, skl: u64) -> bool {
    let gbits = granule.trailing_zeros() as i64;
    let stride = gbits - 4;
    let iasize = 64 - txsz as i64;
    let start = 3 - ((iasize - 1 - gbits).max(0) / stride);
    start + skl as i64 > 3
}

/// A rule on each non-zero field this SMMU lacks (5: RES0 fields set by software).
fn res0_rules(layout: &'static Layout, w: &[u64], regs: &RegisterSet, event: &str) -> Vec<Rule> {
    let version = regs.version();
    layout
        .fields
        .iter()
        .filter_map(|f| {
            let v = f.get(w);
            if v == 0 {
                return None;
            }
            match f.status(regs) {
                FieldStatus::Absent { why } => Some(Rule {
                    field: f.name_for(version).to_string(),
                    rule: format!(
                        "{} = {v:#x}: {why}; an SMMU either treats a non-zero RES0 field as making the {} invalid ({event}) or ignores it",
                        f.name_for(version),
                        layout.name
                    ),
                    section: "5",
                }),
                FieldStatus::Present => None,
            }
        })
        .collect()
}

fn finish(c: Ctx, layout: &'static Layout, w: &[u64], v: u64, event: &'static str, section: &'static str) -> Legality {
    let mut rules = c.rules;
    let res0 = if v == 0 { vec![] } else { res0_rules(layout, w, c.regs, event) };
    if v == 0 {
        rules.insert(0, Rule { field: "V".into(), rule: "V = 0: the structure is not valid".into(), section });
    }
    let valid = rules.is_empty();
    Legality { valid, event: if valid { None } else { Some(event) }, rules, res0, unchecked: c.unchecked }
}

/// STE legality (IHI 0070 5.2, SteIllegal() in 5.2.2), for an STE of the Non-secure Stream
/// table: the rules whose breach makes it ILLEGAL (C_BAD_STE).
pub fn ste(w: &[u64], regs: &RegisterSet) -> Legality {
    let mut c = Ctx::new(regs);
    let v = ste::V.get(w);
    if v == 0 {
        return finish(c, &STE, w, v, "C_BAD_STE", "5.2");
    }
    let cfg = ste::Config.get(w);
    // 5.2 Config: 0b0xx passes no traffic and records no event (the reserved values behave
    // as 0b000); SteIllegal() returns FALSE for it, so nothing else is checked.
    // The other fields are IGNORED then (5.2.1), so no RES0 field is reported either.
    if cfg & 0b100 == 0 {
        return Legality { valid: true, event: None, rules: vec![], res0: vec![], unchecked: c.unchecked };
    }
    let s1 = cfg & 0b001 != 0;
    let s2 = cfg & 0b010 != 0;
    let s1p = c.idr(&idr0::S1P);
    let s2p = c.idr(&idr0::S2P);
    if s1 && s1p == Some(0) {
        c.bad("Config", format!("Config = {cfg:#05b} enables stage 1 but SMMU_IDR0.S1P = 0"), "5.2");
    }
    if s2 && s2p == Some(0) {
        c.bad("Config", format!("Config = {cfg:#05b} enables stage 2 but SMMU_IDR0.S2P = 0"), "5.2");
    }
    let strw = ste::STRW.get(w);
    let hyp = c.idr(&idr0::Hyp);
    // IgnoreSTESTRW() (5.2.2): STRW is unused without stage 1, without Hyp (Non-secure),
    // with stage 2 enabled, or for bypass.
    let strw_unused = !s1 || s2 || s1p == Some(0) || hyp == Some(0);
    let s2s = ste::S2S.get(w) != 0;

    // 5.2 EATS; checked only when SMMU_IDR0.ATS = 1 and Config != 0bx00 (otherwise IGNORED:
    // with Config = 0b100 its effective value is 0b00).
    let eats = ste::EATS.get(w);
    if eats != 0 && cfg != 0b100 && c.idr(&idr0::ATS) == Some(1) {
        match eats {
            0b10 => {
                if cfg != 0b111 {
                    c.bad(
                        "EATS",
                        format!("EATS = 0b10 (split-stage ATS) needs Config = 0b111 (both stages), not {cfg:#05b}"),
                        "5.2",
                    );
                }
                if s2s {
                    c.bad("EATS", "EATS = 0b10 (split-stage ATS) with S2S = 1 (stage 2 stalls)".into(), "5.2");
                }
                if c.idr(&idr0::NS1ATS) == Some(1) {
                    c.bad(
                        "EATS",
                        "EATS = 0b10 (split-stage ATS) but SMMU_IDR0.NS1ATS = 1: split-stage ATS is not supported"
                            .into(),
                        "5.2",
                    );
                }
            }
            0b01 => {
                // SMMUv3.1 and later: ILLEGAL with stage 2 enabled and S2S = 1 (in SMMUv3.0 it
                // is CONSTRAINED UNPREDICTABLE whether stage 2 bypass is also checked).
                if s2 && s2s {
                    c.bad(
                        "EATS",
                        "EATS = 0b01 (Full ATS) with stage 2 enabled and S2S = 1 (stage 2 stalls)".into(),
                        "5.2",
                    );
                }
            }
            _ => {
                // 0b11: Full ATS with DPT checks; with SMMU_IDR3.DPT = 0 a reserved value that
                // behaves as 0b00.
                if c.idr(&idr3::DPT) == Some(1) {
                    if !strw_unused && strw != 0 {
                        c.bad(
                            "EATS",
                            format!("EATS = 0b11 (DPT checks) needs StreamWorld EL1, but STRW = {strw:#04b}"),
                            "5.2",
                        );
                    }
                    if s2 && s2s {
                        c.bad(
                            "EATS",
                            "EATS = 0b11 (Full ATS with DPT checks) with stage 2 enabled and S2S = 1".into(),
                            "5.2",
                        );
                    }
                }
            }
        }
    }
    // 5.2 STRW: 0bx1 is reserved (ILLEGAL) in a Non-secure STE when STRW is used.
    if !strw_unused && strw & 1 == 1 {
        c.bad("STRW", format!("STRW = {strw:#04b} is reserved in a Non-secure STE (0b00: EL1, 0b10: EL2)"), "5.2");
    }

    if s1 {
        // 5.2 S1STALLD: ILLEGAL unless the stall model is configurable (STALL_MODEL = 0b00).
        if ste::S1STALLD.get(w) != 0 {
            if let Some(m) = c.idr(&idr0::STALL_MODEL) {
                if m != 0 {
                    c.bad(
                        "S1STALLD",
                        format!(
                            "S1STALLD = 1 but SMMU_IDR0.STALL_MODEL = {m:#04b} ({}): S1STALLD = 1 is only legal when STALL_MODEL = 0b00",
                            if m == 1 { "stall not supported" } else { "stall forced" }
                        ),
                        "5.2",
                    );
                }
            }
        }
        // 5.2 S1CDMax, S1Fmt: IGNORED when the SMMU has no substreams (SSIDSIZE = 0).
        if let Some(ssid) = c.idr(&idr1::SSIDSIZE) {
            let cdmax = ste::S1CDMax.get(w);
            if ssid != 0 {
                if cdmax > ssid {
                    c.bad("S1CDMax", format!("S1CDMax = {cdmax} exceeds SMMU_IDR1.SSIDSIZE = {ssid}"), "5.2");
                }
                let fmt = ste::S1Fmt.get(w);
                if cdmax != 0 && (fmt == 0b01 || fmt == 0b10) && c.idr(&idr0::CD2L) == Some(0) {
                    c.bad(
                        "S1Fmt",
                        format!("S1Fmt = {fmt:#04b} selects a 2-level CD table but SMMU_IDR0.CD2L = 0"),
                        "5.2",
                    );
                }
            }
        }
        // 5.2 S1ContextPtr: an IPA within the IAS when stage 2 translates, else a PA within
        // the OAS.
        let p = ste::S1ContextPtr.address(w);
        let (limit, what) = if s2 { (c.ias(), "IAS") } else { (c.oas(), "OAS") };
        if let Some(b) = limit {
            if b < 64 && p >> b != 0 {
                c.bad("S1ContextPtr", format!("S1ContextPtr {p:#x} is beyond the {b}-bit {what}"), "5.2");
            }
        }
    }

    if s2 {
        let d128 = c.has(&idr5::D128, 1);
        let aa64 = ste::S2AA64.get(w) != 0;
        let vmsa32 = !aa64 && !d128;
        let vmsa128 = !aa64 && d128;
        // 5.2 S2FWB: ILLEGAL with VMSAv8-32 LPAE tables.
        if vmsa32 && ste::S2FWB.get(w) != 0 && c.has(&idr3::FWB, 1) {
            c.bad("S2FWB", "S2FWB = 1 with VMSAv8-32 LPAE stage 2 tables (S2AA64 = 0)".into(), "5.2");
        }
        // 5.5 / 5.2.2: the stall model decides S2S.
        match c.idr(&idr0::STALL_MODEL) {
            Some(1) if s2s => {
                c.bad("S2S", "S2S = 1 but SMMU_IDR0.STALL_MODEL = 0b01 (stall not supported)".into(), "5.5")
            }
            Some(2) if !s2s => c.bad("S2S", "S2S = 0 but SMMU_IDR0.STALL_MODEL = 0b10 (stall forced)".into(), "5.5"),
            _ => {}
        }
        // 5.2 S2AA64.
        if let Some(ttf) = c.idr(&idr0::TTF) {
            if vmsa32 && ttf & 1 == 0 {
                c.bad("S2AA64", "S2AA64 = 0 (VMSAv8-32 LPAE tables) but SMMU_IDR0.TTF has no AArch32".into(), "5.2");
            }
            if aa64 && ttf & 2 == 0 {
                c.bad("S2AA64", "S2AA64 = 1 but SMMU_IDR0.TTF has no AArch64".into(), "5.2");
            }
        }
        // 5.2 S2HA, S2HD, S2HAFT.
        let ha = ste::S2HA.get(w) != 0;
        let hd = ste::S2HD.get(w) != 0;
        if vmsa32 && (ha || hd) {
            c.bad(if ha { "S2HA" } else { "S2HD" }, "S2HA/S2HD = 1 with VMSAv8-32 LPAE stage 2 tables".into(), "5.2");
        }
        if let Some(h) = c.idr(&idr0::HTTU) {
            if ha && h < 1 {
                c.bad("S2HA", "S2HA = 1 but SMMU_IDR0.HTTU gives no hardware Access flag update".into(), "5.2");
            }
            if hd && h < 2 {
                c.bad("S2HD", "S2HD = 1 but SMMU_IDR0.HTTU gives no hardware dirty state update".into(), "5.2");
            }
            if h == 3 && ste::S2HAFT.get(w) != 0 && !ha {
                c.bad("S2HAFT", "S2HAFT = 1 (Table descriptor Access flag update) but S2HA = 0".into(), "5.2");
            }
        }
        // 5.2 S2TG (RES0, effectively 4KB, with VMSAv8-32 LPAE).
        let tg = ste::S2TG.get(w);
        let gran = if vmsa32 { Some(4096) } else { tg0_granule(tg) };
        match gran {
            None => c.bad("S2TG", "S2TG = 0b11 is reserved".into(), "5.2"),
            Some(g) if !vmsa32 => {
                if granule_supported(&mut c, g) == Some(false) {
                    c.bad("S2TG", format!("{}KB granule not supported by SMMU_IDR5", g / 1024), "5.2");
                }
            }
            Some(_) => {}
        }
        let ds = ste::S2DS.get(w) != 0 && c.has(&idr5::DS, 1);
        // 5.2 S2TTB: within the effective S2PS (MIN(S2PS, OAS); 40 bits for VMSAv8-32), and
        // within 48 bits for VMSAv8-64 with a 4KB/16KB granule unless S2DS = 1.
        let ps = ste::S2PS.get(w);
        let oas = c.oas();
        let eff = if vmsa32 {
            Some(40)
        } else {
            match (ps_bits_for(ps, c.version), oas) {
                (Some(p), Some(o)) => Some(p.min(o)),
                (p, o) => p.or(o),
            }
        };
        let ttb = ste::S2TTB.address(w);
        if let Some(eff) = eff {
            if eff < 64 && ttb >> eff != 0 {
                c.bad("S2TTB", format!("S2TTB {ttb:#x} is beyond the effective {eff}-bit stage 2 output size"), "5.2");
            }
        }
        if aa64 && !ds && matches!(gran, Some(4096 | 16384)) && ttb >> 48 != 0 {
            c.bad("S2TTB", format!("S2TTB {ttb:#x} is beyond 48 bits with a 4KB/16KB granule and S2DS = 0"), "5.2");
        }
        // 5.2 S2T0SZ and the walk configuration (VMSAv8-32 LPAE: every 4-bit value is in
        // range; its SL0 consistency is not modelled).
        if let (false, Some(g)) = (vmsa32, gran) {
            let t0sz = ste::S2T0SZ.get(w);
            let (min, max) = s2t0sz_range(&mut c, g, vmsa128, ds);
            let ia = 64u64.saturating_sub(t0sz) as u32;
            if t0sz < min || t0sz > max {
                c.bad(
                    "S2T0SZ",
                    format!(
                        "S2T0SZ = {t0sz} is outside {min}..={max} for the {}KB granule (a {ia}-bit IPA space)",
                        g / 1024
                    ),
                    "5.2",
                );
            } else if vmsa128 {
                let skl = ste::S2SKL.get(w);
                if d128_skip_invalid(g, t0sz, skl) {
                    c.bad(
                        "S2SKL",
                        format!("S2SKL = {skl} skips past level 3 for S2T0SZ = {t0sz} and the {}KB granule", g / 1024),
                        "5.2",
                    );
                }
            } else {
                let sl2 = if ds { ste::S2SL0_2.get(w) } else { 0 };
                let sl = ste::S2SL0.get(w) | sl2 << 2;
                let stt = c.has(&idr3::STT, 1);
                if let Err(why) = s2_start_level(g, ia, sl, ds, stt) {
                    c.bad("S2SL0", format!("S2SL0/S2T0SZ/S2TG combination not allowed: {why}"), "5.2");
                }
            }
        }
        // 5.2 S2ENDI.
        if let Some(te) = c.idr(&idr0::TTENDIAN) {
            let be = ste::S2ENDI.get(w) != 0;
            if (te == 2 && be) || (te == 3 && !be) {
                c.bad("S2ENDI", format!("S2ENDI = {} not supported by SMMU_IDR0.TTENDIAN", be as u8), "5.2");
            }
        }
        // 5.2 S2PIE, S2POE, S2POI<p>.
        let s2pie = ste::S2PIE.get(w) != 0;
        if s2pie && vmsa32 && c.has(&idr3::S2PI, 1) {
            c.bad("S2PIE", "S2PIE = 1 with VMSAv8-32 LPAE stage 2 tables".into(), "5.2");
        }
        if ste::S2POE.get(w) != 0 && c.has(&idr3::S2PO, 1) {
            if !s2pie && !vmsa128 {
                c.bad("S2POE", "S2POE = 1 but stage 2 uses the Direct Permission Scheme (S2PIE = 0)".into(), "5.2");
            }
            let hwu = [&ste::S2HWU59, &ste::S2HWU60, &ste::S2HWU61, &ste::S2HWU62];
            if c.has(&idr3::PBHA, 1) && hwu.iter().any(|f| f.get(w) != 0) {
                c.bad("S2POE", "S2POE = 1 with one of S2HWU59..S2HWU62 set".into(), "5.2");
            }
            for f in S2POI {
                let p = f.get(w);
                if p == 0b0001 || p == 0b0101 {
                    c.bad(f.name, format!("{} = {p:#06b} is a reserved overlay encoding", f.name), "5.2");
                }
            }
        }
    }
    // 5.2 S2VMID: 8-bit VMIDs only, unless S2VMID is IGNORED (IgnoreSTES2VMID()).
    let s2vmid_ignored = s2p == Some(0) || (!s1 && !s2) || (strw != 0 && !strw_unused);
    let vmid = ste::S2VMID.get(w);
    if !s2vmid_ignored && vmid > 0xff && c.idr(&idr0::VMID16) == Some(0) {
        c.bad("S2VMID", format!("S2VMID = {vmid:#x} uses 16 bits but SMMU_IDR0.VMID16 = 0"), "5.2");
    }
    // 5.2 VMSPtr: used with Config = 0b111 and S1MPAM = 1 (and a non-zero PARTID_MAX); then
    // beyond the OAS is ILLEGAL.
    if cfg == 0b111 && ste::S1MPAM.get(w) != 0 && c.has(&idr3::MPAM, 1) && c.regs.read(&mpamidr::PARTID_MAX) != Some(0)
    {
        let p = ste::VMSPtr.address(w);
        if let Some(b) = c.oas() {
            if b < 64 && p >> b != 0 {
                c.bad("VMSPtr", format!("VMSPtr {p:#x} is beyond the {b}-bit OAS"), "5.2");
            }
        }
    }
    finish(c, &STE, w, v, "C_BAD_STE", "5.2")
}

/// The 16 STE.S2POI<p> handles.
static S2POI: [&FieldDef; 16] = [
    &ste::S2POI0,
    &ste::S2POI1,
    &ste::S2POI2,
    &ste::S2POI3,
    &ste::S2POI4,
    &ste::S2POI5,
    &ste::S2POI6,
    &ste::S2POI7,
    &ste::S2POI8,
    &ste::S2POI9,
    &ste::S2POI10,
    &ste::S2POI11,
    &ste::S2POI12,
    &ste::S2POI13,
    &ste::S2POI14,
    &ste::S2POI15,
];
/// The 16 CD.PIIU<p> and PIIP<p> handles.
static PIIU: [&FieldDef; 16] = [
    &cd::PIIU0,
    &cd::PIIU1,
    &cd::PIIU2,
    &cd::PIIU3,
    &cd::PIIU4,
    &cd::PIIU5,
    &cd::PIIU6,
    &cd::PIIU7,
    &cd::PIIU8,
    &cd::PIIU9,
    &cd::PIIU10,
    &cd::PIIU11,
    &cd::PIIU12,
    &cd::PIIU13,
    &cd::PIIU14,
    &cd::PIIU15,
];
static PIIP: [&FieldDef; 16] = [
    &cd::PIIP0,
    &cd::PIIP1,
    &cd::PIIP2,
    &cd::PIIP3,
    &cd::PIIP4,
    &cd::PIIP5,
    &cd::PIIP6,
    &cd::PIIP7,
    &cd::PIIP8,
    &cd::PIIP9,
    &cd::PIIP10,
    &cd::PIIP11,
    &cd::PIIP12,
    &cd::PIIP13,
    &cd::PIIP14,
    &cd::PIIP15,
];

/// The StreamWorld of a Non-secure stage 1 stream (3.3.3; 5.2 STRW).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum World {
    El1,
    El2,
    El2E2h,
}

/// What a CD's legality needs from the STE that locates it (5.4.1).
struct FromSte {
    s1stalld: bool,
    world: World,
    /// STE.S1PIE, when the STE is known.
    s1pie: Option<bool>,
    /// Stage 2 enabled with VMSAv8-32 LPAE tables.
    s2_aa32: bool,
}

/// CD legality (IHI 0070 5.4, CdIllegal() in 5.4.2): the rules whose breach makes a CD
/// ILLEGAL (C_BAD_CD). `s1_stall_disabled` is STE.S1STALLD of the STE that points at the CD;
/// the STE's StreamWorld is taken as NS-EL1 (use [`cd_for_ste`] when the STE is known).
pub fn cd(w: &[u64], regs: &RegisterSet, s1_stall_disabled: bool) -> Legality {
    cd_with(w, regs, FromSte { s1stalld: s1_stall_disabled, world: World::El1, s1pie: None, s2_aa32: false })
}

/// CD legality for a CD located through STE `ste_words` (its S1STALLD, StreamWorld, S1PIE
/// and stage 2 format matter, 5.4.1).
pub fn cd_for_ste(w: &[u64], regs: &RegisterSet, ste_words: &[u64]) -> Legality {
    let cfg = ste::Config.get(ste_words);
    let s2 = cfg & 0b110 == 0b110;
    let strw_used = !s2 && regs.read(&idr0::Hyp) != Some(0) && regs.read(&idr0::S1P) != Some(0);
    let world = if strw_used && ste::STRW.get(ste_words) == 0b10 {
        if regs.read(&cr2::E2H) == Some(1) {
            World::El2E2h
        } else {
            World::El2
        }
    } else {
        World::El1
    };
    let s2_aa32 = s2 && ste::S2AA64.get(ste_words) == 0 && regs.read(&idr5::D128) != Some(1);
    cd_with(
        w,
        regs,
        FromSte {
            s1stalld: ste::S1STALLD.get(ste_words) != 0,
            world,
            s1pie: Some(ste::S1PIE.get(ste_words) != 0),
            s2_aa32,
        },
    )
}

/// One half of the stage 1 input range (TTB0 or TTB1) and its fields.
struct Half {
    walks: bool,
    tg: &'static FieldDef,
    txsz: &'static FieldDef,
    ttb: &'static FieldDef,
    /// HWU0x / HWU1x, which are SKL0 / SKL1 with VMSAv9-128.
    skl: &'static FieldDef,
    granule: fn(u64) -> Option<u32>,
}

fn cd_with(w: &[u64], regs: &RegisterSet, s: FromSte) -> Legality {
    let mut c = Ctx::new(regs);
    let v = cd::V.get(w);
    if v == 0 {
        return finish(c, &CD, w, v, "C_BAD_CD", "5.4");
    }
    let stall = cd::S.get(w) != 0;
    if stall && s.s1stalld {
        c.bad("S", "S = 1 but the STE sets S1STALLD = 1".into(), "5.4.2");
    }
    // 5.5: an SMMU that only implements abort termination (SMMU_IDR0.TERM_MODEL = 1)
    // renders a CD with A = 0 ILLEGAL.
    if cd::A.get(w) == 0 && c.idr(&idr0::TERM_MODEL) == Some(1) {
        c.bad(
            "A",
            "A = 0 (RAZ/WI termination) but SMMU_IDR0.TERM_MODEL = 1: the SMMU only implements abort termination"
                .into(),
            "5.5",
        );
    }
    match c.idr(&idr0::STALL_MODEL) {
        Some(1) if stall => {
            c.bad("S", "S = 1 but the SMMU supports no stall (SMMU_IDR0.STALL_MODEL = 0b01)".into(), "5.5")
        }
        Some(2) if !stall => c.bad("S", "S = 0 but SMMU_IDR0.STALL_MODEL = 0b10 (stall forced)".into(), "5.5"),
        _ => {}
    }
    // Effective EPDx (5.4 EPD0): EL2 (without E2H) has only TTB0, and EPD0 is IGNORED.
    let el2 = s.world == World::El2;
    let walk0 = el2 || cd::EPD0.get(w) == 0;
    let walk1 = !el2 && cd::EPD1.get(w) == 0;
    if walk0 || walk1 {
        if let Some(te) = c.idr(&idr0::TTENDIAN) {
            let be = cd::ENDI.get(w) != 0;
            if (te == 2 && be) || (te == 3 && !be) {
                c.bad("ENDI", format!("ENDI = {} not supported by SMMU_IDR0.TTENDIAN", be as u8), "5.4");
            }
        }
    }
    let d128 = c.has(&idr5::D128, 1);
    let aa64 = cd::AA64.get(w) != 0;
    let vmsa32 = !aa64 && !d128;
    let vmsa128 = !aa64 && d128;
    if let Some(ttf) = c.idr(&idr0::TTF) {
        if vmsa32 && ttf & 1 == 0 {
            c.bad("AA64", "AA64 = 0 (VMSAv8-32 LPAE tables) but SMMU_IDR0.TTF has no AArch32".into(), "5.4");
        }
        if aa64 && ttf & 2 == 0 {
            c.bad("AA64", "AA64 = 1 but SMMU_IDR0.TTF has no AArch64".into(), "5.4");
        }
    }
    if vmsa32 && s.world == World::El2E2h {
        c.bad("AA64", "AA64 = 0 (VMSAv8-32 LPAE tables) with StreamWorld EL2-E2H".into(), "5.4");
    }
    if aa64 && s.s2_aa32 {
        c.bad("AA64", "AA64 = 1 (VMSAv8-64) but stage 2 uses VMSAv8-32 LPAE tables (STE.S2AA64 = 0)".into(), "5.4");
    }
    // 5.4 HA, HD, HAFT (IGNORED with VMSAv8-32 LPAE).
    if !vmsa32 {
        let ha = cd::HA.get(w) != 0;
        if let Some(h) = c.idr(&idr0::HTTU) {
            if ha && h < 1 {
                c.bad("HA", "HA = 1 but SMMU_IDR0.HTTU gives no hardware Access flag update".into(), "5.4");
            }
            if cd::HD.get(w) != 0 && h < 2 {
                c.bad("HD", "HD = 1 but SMMU_IDR0.HTTU gives no hardware dirty state update".into(), "5.4");
            }
            if h == 3 && cd::HAFT.get(w) != 0 && !ha {
                c.bad("HAFT", "HAFT = 1 (Table descriptor Access flag update) but HA = 0".into(), "5.4");
            }
        }
    }
    // 5.4 ASID: IGNORED with StreamWorld EL2.
    let asid = cd::ASID.get(w);
    if !el2 && asid > 0xff && c.idr(&idr0::ASID16) == Some(0) {
        c.bad("ASID", format!("ASID = {asid:#x} uses 16 bits but SMMU_IDR0.ASID16 = 0"), "5.4");
    }
    // 5.4 TxSZ, TGx, TTBx of each enabled half.
    let ds = cd::DS.get(w) != 0 && c.has(&idr5::DS, 1);
    let eff_ips = if vmsa32 {
        Some(40)
    } else {
        let ips = ps_bits_for(cd::IPS.get(w), c.version);
        match (ips, c.oas()) {
            (Some(i), Some(o)) => Some(i.min(o)),
            (i, o) => i.or(o),
        }
    };
    let halves = [
        Half { walks: walk0, tg: &cd::TG0, txsz: &cd::T0SZ, ttb: &cd::TTB0, skl: &cd::HWU0x, granule: tg0_granule },
        Half { walks: walk1, tg: &cd::TG1, txsz: &cd::T1SZ, ttb: &cd::TTB1, skl: &cd::HWU1x, granule: tg1_granule },
    ];
    let vax = c.regs.read(&idr5::VAX).unwrap_or(0);
    for Half { walks, tg: tgf, txsz: txszf, ttb: ttbf, skl, granule } in halves {
        if !walks {
            continue;
        }
        let tg = tgf.get(w);
        let gran = granule(tg);
        if !vmsa32 {
            match gran {
                None => c.bad(
                    tgf.name,
                    format!("{} = {tg:#04b} is reserved ({} walks enabled)", tgf.name, ttbf.name),
                    "5.4",
                ),
                Some(g) => {
                    if granule_supported(&mut c, g) == Some(false) {
                        c.bad(tgf.name, format!("{}KB granule not supported by SMMU_IDR5", g / 1024), "5.4");
                    }
                    // CDTxSZInvalid() (5.4.2).
                    let t = txszf.get(w);
                    let max = txsz_max(&mut c, g);
                    let big = g == 65536 || ds;
                    let min = match vax {
                        2 if vmsa128 => 9,
                        1 | 2 if big || vmsa128 => 12,
                        _ => 16,
                    };
                    if t < min || t > max {
                        c.bad(
                            txszf.name,
                            format!("{} = {t} is outside {min}..={max} for the {}KB granule", txszf.name, g / 1024),
                            "5.4",
                        );
                    }
                    // The HWU0x/HWU1x bits are SKL0/SKL1 with VMSAv9-128 (SMMU_IDR5.D128 = 1).
                    if vmsa128 && d128_skip_invalid(g, t, skl.get(w)) {
                        let n = skl.name_for(Some(V3_4));
                        c.bad(n, format!("{n} = {} skips past level 3 for {} = {t}", skl.get(w), txszf.name), "5.4.2");
                    }
                }
            }
        }
        let ttb = ttbf.address(w);
        if let Some(b) = eff_ips {
            if b < 64 && ttb >> b != 0 {
                c.bad(ttbf.name, format!("{} {ttb:#x} is beyond the effective {b}-bit IPS", ttbf.name), "5.4");
            }
        }
        if aa64 && !ds && matches!(gran, Some(4096 | 16384)) && ttb >> 48 != 0 {
            c.bad(
                ttbf.name,
                format!("{} {ttb:#x} is beyond 48 bits with a 4KB/16KB granule and DS = 0", ttbf.name),
                "5.4",
            );
        }
    }
    // 5.4 AA64 (VMSAv9-128).
    if vmsa128 {
        if s.s1pie == Some(false) {
            c.bad("AA64", "AA64 = 0 selects VMSAv9-128 tables but the STE has S1PIE = 0".into(), "5.4");
        }
        if el2 {
            c.bad("AA64", "AA64 = 0 selects VMSAv9-128 tables, not allowed for StreamWorld EL2".into(), "5.4");
        }
    }
    // 5.4 PIIU<p>, PIIP<p> with stage 1 permission indirection enabled.
    let pie = cd::PIE.get(w) != 0 && s.s1pie != Some(false) && c.has(&idr3::S1PI, 1);
    if (aa64 && pie) || vmsa128 {
        for (u, p) in PIIU.iter().zip(PIIP.iter()) {
            let pv = p.get(w);
            let uv = u.get(w);
            if pv == 0b100 || pv == 0b110 {
                c.bad(p.name, format!("{} = {pv:#05b} is a reserved permission encoding", p.name), "5.4");
            }
            if !el2 {
                if uv == 0b100 || uv == 0b110 {
                    c.bad(u.name, format!("{} = {uv:#05b} is a reserved permission encoding", u.name), "5.4");
                }
                if pv & 0b010 != 0 && uv & 0b100 != 0 {
                    c.bad(
                        p.name,
                        format!("{} grants privileged execute while {} grants unprivileged write", p.name, u.name),
                        "5.4",
                    );
                }
            }
        }
    }
    finish(c, &CD, w, v, "C_BAD_CD", "5.4")
}

/// What Linux's iommufd (arm-smmu-v3-iommufd.c, IOMMU_HWPT_DATA_ARM_SMMUV3) does with an
/// STE a guest wrote into its virtual stream table.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct VsteVerdict {
    pub accepted: bool,
    /// Fields Linux takes from the guest STE (word 0: V, Config, S1Fmt, S1ContextPtr,
    /// S1CDMax; word 1: EATS, S1DSS, S1CIR, S1COR, S1CSH, S1STALLD).
    pub taken: Vec<&'static str>,
    /// Why it would be rejected (-EIO), when it is.
    pub reasons: Vec<String>,
    pub effect: String,
}

/// Fields of the guest STE that Linux copies into the nested STE
/// (STRTAB_STE_0_NESTING_ALLOWED, STRTAB_STE_1_NESTING_ALLOWED).
pub static GUEST_STE: &[&FieldDef] = &[
    &ste::V,
    &ste::Config,
    &ste::S1Fmt,
    &ste::S1ContextPtr,
    &ste::S1CDMax,
    &ste::EATS,
    &ste::S1DSS,
    &ste::S1CIR,
    &ste::S1COR,
    &ste::S1CSH,
    &ste::S1STALLD,
];

/// Names of [`GUEST_STE`].
pub const GUEST_STE_FIELDS: &[&str] =
    &["V", "Config", "S1Fmt", "S1ContextPtr", "S1CDMax", "EATS", "S1DSS", "S1CIR", "S1COR", "S1CSH", "S1STALLD"];

/// What happens to a vSTE Linux rejects: arm_smmu_validate_vste() fails the nested domain
/// allocation with -EIO.
const VSTE_REJECTED: &str =
    "allocating the nested domain (IOMMU_HWPT_ALLOC) fails, so nothing is installed for this vSTE";

pub fn guest_vste(w: &[u64]) -> VsteVerdict {
    let mut reasons = vec![];
    // Bits outside the accepted fields, in words 0 and 1; words 2..7 must be zero.
    let mut allowed = [0u64; 8];
    for f in GUEST_STE {
        crate::model::set_bits(&mut allowed, f.lsb, f.width, f.mask());
    }
    // Linux's STRTAB_STE_0_S1CTXPTR_MASK covers [51:6]: S1ContextPtr[55:52] is not taken.
    crate::model::set_bits(&mut allowed, 52, 4, 0);
    for (i, word) in w.iter().enumerate().take(8) {
        let extra = word & !allowed[i];
        if extra != 0 {
            let names: Vec<&str> = STE.fields.iter().filter(|f| f.get(&pad(i, extra)) != 0).map(|f| f.name).collect();
            reasons.push(if names.is_empty() {
                format!("word {i} sets bits {extra:#x}, outside every field a guest may set")
            } else {
                format!("word {i} sets {} (bits {extra:#x}), which a guest may not set", names.join(", "))
            });
        }
    }
    let v = ste::V.get(w);
    let cfg = ste::Config.get(w);
    let effect: String;
    if v == 0 {
        effect = "V = 0: Linux installs an abort STE for the device".into();
    } else {
        match cfg {
            0b000 => effect = "Config = abort: Linux installs an abort STE".into(),
            0b100 => effect = "Config = bypass: Linux installs the stage 2 (nesting parent) STE alone".into(),
            0b101 => effect = "Config = S1 translate: Linux installs a nested STE (Config = 0b111) with the guest's CD table pointer and its own stage 2".into(),
            _ => {
                effect = VSTE_REJECTED.into();
                reasons.push(format!("Config = {cfg:#05b}: only abort, bypass and stage 1 translate are accepted"));
            }
        }
        if ste::EATS.get(w) > 1 {
            reasons.push("EATS other than Abort or Full ATS is not accepted".into());
        }
    }
    let effect = if reasons.is_empty() { effect } else { VSTE_REJECTED.into() };
    VsteVerdict { accepted: reasons.is_empty(), taken: GUEST_STE.iter().map(|f| f.name).collect(), reasons, effect }
}

fn pad(i: usize, word: u64) -> [u64; 8] {
    let mut a = [0u64; 8];
    if let Some(x) = a.get_mut(i) {
        *x = word;
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rejected vSTE names the fields it sets that Linux does not take, and says what
    /// happens once (no "rejected - rejected").
    #[test]
    fn vste_rejection_texts() {
        // Stage-2-only STE (Config = 0b110) with S2VMID = 1 in word 2.
        let v = guest_vste(&[0xd, 0, 0x1]);
        assert!(!v.accepted);
        assert_eq!(v.effect, VSTE_REJECTED);
        assert_eq!(v.reasons[0], "word 2 sets S2VMID (bits 0x1), which a guest may not set");
        // Linux's S1 STE: accepted, effect is the nested STE.
        let v = guest_vste(&[0x4532200b, 0xd6]);
        assert!(v.accepted, "{v:?}");
        assert!(v.effect.contains("nested STE"));
    }

    #[test]
    fn guest_field_names_match_handles() {
        let names: Vec<&str> = GUEST_STE.iter().map(|f| f.name).collect();
        assert_eq!(names, GUEST_STE_FIELDS);
    }

    /// IHI 0070 5.4 CD.ASET: 1 = SMMU-private ASID set (broadcast TLBI does not apply).
    #[test]
    fn aset_states_its_meaning() {
        assert_eq!(cd::ASET.meaning(1), "SMMU-private ASID set: broadcast TLB invalidations do not apply to this ASID");
        assert!(cd::ASET.meaning(0).starts_with("Shared ASID set"));
    }

    /// VTCR_EL2.{SL2, SL0} = 0b100 with DS and a 4KB granule: start level -1 for a 52-bit IPA.
    #[test]
    fn start_level_minus_one() {
        assert_eq!(s2_start_level(4096, 52, 0b100, true, false), Ok((-1, 0)));
        assert!(s2_start_level(4096, 52, 0b100, false, false).is_err());
        // 4KB start level 3 only with small translation tables (SMMU_IDR3.STT).
        assert_eq!(s2_start_level(4096, 21, 3, false, true), Ok((3, 0)));
        assert!(s2_start_level(4096, 21, 3, false, false).is_err());
    }
}
