//! Legality of STEs and CDs given the SMMU's ID registers (IHI 0070 5.2, 5.4): which rule an
//! ILLEGAL structure breaks, so the C_BAD_STE / C_BAD_CD the SMMU would record is explained.
//! Also what Linux's iommufd accepts from a guest vSTE for nesting.

use super::{get, get_addr, CD, STE};
use crate::regset::RegisterSet;
use serde::Serialize;

/// One broken rule.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Rule {
    /// The field (or fields) at fault.
    pub field: String,
    /// The rule, in one sentence.
    pub rule: String,
    pub section: &'static str,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Legality {
    /// V = 1 and no rule broken.
    pub valid: bool,
    /// The event an SMMU records for a transaction that uses this structure when it is not
    /// valid (`C_BAD_STE` / `C_BAD_CD`), or null.
    pub event: Option<&'static str>,
    /// Broken rules (empty when legal). A V = 0 structure lists that as its only rule.
    pub rules: Vec<Rule>,
    /// Checks that could not be made because an ID register was not given.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unchecked: Vec<String>,
}

struct Ctx<'a> {
    regs: &'a RegisterSet,
    rules: Vec<Rule>,
    unchecked: Vec<String>,
}

impl Ctx<'_> {
    fn idr(&mut self, reg: &str, field: &str) -> Option<u64> {
        let v = self.regs.field(reg, field);
        if v.is_none() {
            let n = format!("{reg}.{field}");
            if !self.unchecked.contains(&n) {
                self.unchecked.push(n);
            }
        }
        v
    }
    fn bad(&mut self, field: &str, rule: String, section: &'static str) {
        self.rules.push(Rule { field: field.to_string(), rule, section });
    }
}

/// Bits of output address the SMMU implements (SMMU_IDR5.OAS), if known.
pub fn oas_bits(regs: &RegisterSet) -> Option<u32> {
    regs.field("IDR5", "OAS").and_then(ps_bits)
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
        _ => return None,
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
        4096 => "GRAN4K",
        16384 => "GRAN16K",
        _ => "GRAN64K",
    };
    c.idr("IDR5", f).map(|v| v != 0)
}

/// Range of TxSZ the SMMU accepts for a granule: (min, max).
fn txsz_range(c: &mut Ctx, granule: u32) -> (u64, u64) {
    let stt = c.idr("IDR3", "STT").unwrap_or(0) != 0;
    let max = if stt {
        if granule == 65536 {
            47
        } else {
            48
        }
    } else {
        39
    };
    // 52-bit input: VAX (64KB) or DS (4KB/16KB) lower the minimum to 12.
    let big = if granule == 65536 {
        c.regs.field("IDR5", "VAX").unwrap_or(0) == 1
    } else {
        c.regs.field("IDR5", "DS").unwrap_or(0) == 1
    };
    (if big { 12 } else { 16 }, max)
}

/// Stage 2 start level and number of concatenated start tables (log2) from S2SL0, or why
/// the combination is not allowed.
pub fn s2_start(granule: u32, ia_bits: u32, sl0: u64) -> Result<(i32, u32), String> {
    let g = granule.trailing_zeros();
    let start: i32 = match (granule, sl0) {
        (4096, 0) => 2,
        (4096, 1) => 1,
        (4096, 2) => 0,
        (16384, 0) | (65536, 0) => 3,
        (16384, 1) | (65536, 1) => 2,
        (16384, 2) | (65536, 2) => 1,
        (16384, 3) => 0,
        _ => return Err(format!("S2SL0 = {sl0} is reserved for the {}KB granule", granule / 1024)),
    };
    let stride = g - 3;
    let shift = g + (3 - start) as u32 * stride;
    if ia_bits <= shift {
        return Err(format!(
            "a {ia_bits}-bit IPA space leaves nothing to resolve at start level {start} (it needs more than {shift} bits)"
        ));
    }
    let bits = ia_bits - shift;
    if bits > stride + 4 {
        return Err(format!(
            "start level {start} would resolve {bits} bits: more than {stride} plus 4 (16 concatenated tables)"
        ));
    }
    Ok((start, bits.saturating_sub(stride)))
}

fn finish(c: Ctx, v: u64, event: &'static str, section: &'static str) -> Legality {
    let mut rules = c.rules;
    if v == 0 {
        rules.insert(0, Rule { field: "V".into(), rule: "V = 0: the structure is not valid".into(), section });
    }
    let valid = rules.is_empty();
    Legality { valid, event: if valid { None } else { Some(event) }, rules, unchecked: c.unchecked }
}

/// STE legality (IHI 0070 5.2): the rules whose breach makes an STE ILLEGAL (C_BAD_STE).
pub fn ste(w: &[u64], regs: &RegisterSet) -> Legality {
    let mut c = Ctx { regs, rules: vec![], unchecked: vec![] };
    let v = get(&STE, w, "V");
    if v == 0 {
        return finish(c, v, "C_BAD_STE", "5.2");
    }
    let cfg = get(&STE, w, "Config");
    if matches!(cfg, 0b001..=0b011) {
        c.bad("Config", format!("Config = {cfg:#05b} is a reserved encoding"), "5.2");
        return finish(c, v, "C_BAD_STE", "5.2");
    }
    let s1 = cfg & 0b101 == 0b101;
    let s2 = cfg & 0b110 == 0b110;
    if s1 && c.idr("IDR0", "S1P") == Some(0) {
        c.bad("Config", "stage 1 translation selected but SMMU_IDR0.S1P = 0".into(), "5.2");
    }
    if s2 && c.idr("IDR0", "S2P") == Some(0) {
        c.bad("Config", "stage 2 translation selected but SMMU_IDR0.S2P = 0".into(), "5.2");
    }
    let strw = get(&STE, w, "STRW");
    if cfg != 0 && strw == 1 {
        c.bad("STRW", "STRW = 0b01 is reserved".into(), "5.2");
    }
    if strw == 2 && c.idr("IDR0", "Hyp") == Some(0) {
        c.bad("STRW", "STRW = EL2 but SMMU_IDR0.Hyp = 0".into(), "5.2");
    }
    let eats = get(&STE, w, "EATS");
    if eats != 0 {
        if eats == 3 {
            c.bad("EATS", "EATS = 0b11 is reserved".into(), "5.2");
        }
        if c.idr("IDR0", "ATS") == Some(0) {
            c.bad("EATS", format!("EATS = {eats} but SMMU_IDR0.ATS = 0"), "5.2");
        }
    }
    let oas = oas_bits(regs);
    if s1 {
        let fmt = get(&STE, w, "S1Fmt");
        let cdmax = get(&STE, w, "S1CDMax");
        if fmt == 3 {
            c.bad("S1Fmt", "S1Fmt = 0b11 is reserved".into(), "5.2");
        }
        if cdmax != 0 && fmt != 0 && c.idr("IDR0", "CD2L") == Some(0) {
            c.bad("S1Fmt", "2-level CD table but SMMU_IDR0.CD2L = 0".into(), "5.2");
        }
        if let Some(ssid) = c.idr("IDR1", "SSIDSIZE") {
            if cdmax > ssid {
                c.bad("S1CDMax", format!("S1CDMax = {cdmax} exceeds SMMU_IDR1.SSIDSIZE = {ssid}"), "5.2");
            }
        }
        if cdmax != 0 && get(&STE, w, "S1DSS") == 3 {
            c.bad("S1DSS", "S1DSS = 0b11 is reserved".into(), "5.2");
        }
        // 5.5: with stage 1 enabled, S1STALLD = 1 is ILLEGAL unless STALL_MODEL == 0b00
        // (stall and terminate both supported and selectable).
        if get(&STE, w, "S1STALLD") != 0 {
            match c.idr("IDR0", "STALL_MODEL") {
                Some(m) if m != 0 => c.bad(
                    "S1STALLD",
                    format!(
                        "S1STALLD = 1 but SMMU_IDR0.STALL_MODEL = {m:#04b} ({}): S1STALLD = 1 is only legal when STALL_MODEL = 0b00",
                        if m == 1 { "stall not supported" } else { "stall forced" }
                    ),
                    "5.5",
                ),
                _ => {}
            }
        }
        if !s2 {
            if let Some(oas) = oas {
                let p = get_addr(&STE, w, "S1ContextPtr");
                if oas < 64 && p >> oas != 0 {
                    c.bad("S1ContextPtr", format!("S1ContextPtr {p:#x} is beyond the {oas}-bit OAS"), "5.2");
                }
            }
        }
    }
    if s2 {
        if get(&STE, w, "S2AA64") == 0 {
            if let Some(ttf) = c.idr("IDR0", "TTF") {
                if ttf & 1 == 0 {
                    c.bad(
                        "S2AA64",
                        "S2AA64 = 0 (VMSAv8-32 LPAE tables) but SMMU_IDR0.TTF has no AArch32".into(),
                        "5.2",
                    );
                }
            }
        } else if let Some(ttf) = c.idr("IDR0", "TTF") {
            if ttf & 2 == 0 {
                c.bad("S2AA64", "S2AA64 = 1 but SMMU_IDR0.TTF has no AArch64".into(), "5.2");
            }
        }
        let tg = get(&STE, w, "S2TG");
        match tg0_granule(tg) {
            None => c.bad("S2TG", "S2TG = 0b11 is reserved".into(), "5.2"),
            Some(gran) => {
                if granule_supported(&mut c, gran) == Some(false) {
                    c.bad("S2TG", format!("{}KB granule not supported by SMMU_IDR5", gran / 1024), "5.2");
                }
                let t0sz = get(&STE, w, "S2T0SZ");
                let (min, max) = txsz_range(&mut c, gran);
                let ia = 64u64.saturating_sub(t0sz) as u32;
                if t0sz < min || t0sz > max {
                    c.bad(
                        "S2T0SZ",
                        format!("S2T0SZ = {t0sz} is outside {min}..={max} for the {}KB granule", gran / 1024),
                        "5.2",
                    );
                } else if let Some(oas) = oas {
                    // The stage 2 input (IPA) size cannot exceed the SMMU's IAS (= OAS for AArch64).
                    let ias = if oas < 40 && c.regs.field("IDR0", "TTF").unwrap_or(2) & 1 != 0 { 40 } else { oas };
                    if ia > ias {
                        c.bad(
                            "S2T0SZ",
                            format!("S2T0SZ = {t0sz} gives a {ia}-bit IPA space, larger than the {ias}-bit IAS"),
                            "5.2",
                        );
                    }
                }
                if let Err(why) = s2_start(gran, ia, get(&STE, w, "S2SL0")) {
                    c.bad("S2SL0", format!("S2SL0/S2T0SZ/S2TG combination not allowed: {why}"), "5.2");
                }
            }
        }
        let ps = get(&STE, w, "S2PS");
        if ps_bits(ps).is_none() {
            c.bad("S2PS", format!("S2PS = {ps} is reserved"), "5.2");
        }
        let eff = match (ps_bits(ps), oas) {
            (Some(p), Some(o)) => Some(p.min(o)),
            (p, o) => p.or(o),
        };
        if let Some(eff) = eff {
            let ttb = get_addr(&STE, w, "S2TTB");
            if eff < 64 && ttb >> eff != 0 {
                c.bad("S2TTB", format!("S2TTB {ttb:#x} is beyond the effective {eff}-bit stage 2 output size"), "5.2");
            }
        }
        let httu = c.idr("IDR0", "HTTU");
        if let Some(h) = httu {
            if get(&STE, w, "S2HA") != 0 && h < 1 {
                c.bad("S2HA", "S2HA = 1 but SMMU_IDR0.HTTU gives no hardware Access flag update".into(), "5.2");
            }
            if get(&STE, w, "S2HD") != 0 && h < 2 {
                c.bad("S2HD", "S2HD = 1 but SMMU_IDR0.HTTU gives no hardware dirty state update".into(), "5.2");
            }
        }
        // 5.5: with stage 2 enabled, S2S = 1 is ILLEGAL on an SMMU without stall support.
        if get(&STE, w, "S2S") != 0 && c.idr("IDR0", "STALL_MODEL") == Some(1) {
            c.bad("S2S", "S2S = 1 but SMMU_IDR0.STALL_MODEL = 0b01 (stall not supported)".into(), "5.5");
        }
        if get(&STE, w, "S2FWB") != 0 && c.idr("IDR3", "FWB") == Some(0) {
            c.bad("S2FWB", "S2FWB = 1 but SMMU_IDR3.FWB = 0".into(), "5.2");
        }
        if get(&STE, w, "S2VMID") > 0xff && c.idr("IDR0", "VMID16") == Some(0) {
            c.bad("S2VMID", "S2VMID uses 16 bits but SMMU_IDR0.VMID16 = 0".into(), "5.2");
        }
        if let Some(te) = c.idr("IDR0", "TTENDIAN") {
            let be = get(&STE, w, "S2ENDI") != 0;
            if (te == 2 && be) || (te == 3 && !be) {
                c.bad("S2ENDI", format!("S2ENDI = {} not supported by SMMU_IDR0.TTENDIAN", be as u8), "5.2");
            }
        }
    }
    finish(c, v, "C_BAD_STE", "5.2")
}

/// CD legality (IHI 0070 5.4): the rules whose breach makes a CD ILLEGAL (C_BAD_CD).
/// `s1_stall_disabled` is STE.S1STALLD of the STE that points at the CD.
pub fn cd(w: &[u64], regs: &RegisterSet, s1_stall_disabled: bool) -> Legality {
    let mut c = Ctx { regs, rules: vec![], unchecked: vec![] };
    let v = get(&CD, w, "V");
    if v == 0 {
        return finish(c, v, "C_BAD_CD", "5.4");
    }
    if let Some(ttf) = c.idr("IDR0", "TTF") {
        let aa64 = get(&CD, w, "AA64") != 0;
        if aa64 && ttf & 2 == 0 {
            c.bad("AA64", "AA64 = 1 but SMMU_IDR0.TTF has no AArch64".into(), "5.4");
        }
        if !aa64 && ttf & 1 == 0 {
            c.bad("AA64", "AA64 = 0 (VMSAv8-32 LPAE tables) but SMMU_IDR0.TTF has no AArch32".into(), "5.4");
        }
    }
    for (half, epd, tgf, txsz) in [("0", "EPD0", "TG0", "T0SZ"), ("1", "EPD1", "TG1", "T1SZ")] {
        if get(&CD, w, epd) != 0 {
            continue;
        }
        let tg = get(&CD, w, tgf);
        let gran = if half == "0" { tg0_granule(tg) } else { tg1_granule(tg) };
        match gran {
            None => c.bad(tgf, format!("{tgf} = {tg:#04b} is reserved (TTB{half} walks enabled)"), "5.4"),
            Some(g) => {
                if granule_supported(&mut c, g) == Some(false) {
                    c.bad(tgf, format!("{}KB granule not supported by SMMU_IDR5", g / 1024), "5.4");
                }
                let t = get(&CD, w, txsz);
                let (min, max) = txsz_range(&mut c, g);
                if t < min || t > max {
                    c.bad(txsz, format!("{txsz} = {t} is outside {min}..={max} for the {}KB granule", g / 1024), "5.4");
                }
            }
        }
    }
    let ips = get(&CD, w, "IPS");
    if ps_bits(ips).is_none() {
        c.bad("IPS", format!("IPS = {ips} is reserved"), "5.4");
    }
    if let Some(h) = c.idr("IDR0", "HTTU") {
        if get(&CD, w, "HA") != 0 && h < 1 {
            c.bad("HA", "HA = 1 but SMMU_IDR0.HTTU gives no hardware Access flag update".into(), "5.4");
        }
        if get(&CD, w, "HD") != 0 && h < 2 {
            c.bad("HD", "HD = 1 but SMMU_IDR0.HTTU gives no hardware dirty state update".into(), "5.4");
        }
    }
    if get(&CD, w, "ASID") > 0xff && c.idr("IDR0", "ASID16") == Some(0) {
        c.bad("ASID", "ASID uses 16 bits but SMMU_IDR0.ASID16 = 0".into(), "5.4");
    }
    if get(&CD, w, "S") != 0 {
        if s1_stall_disabled {
            c.bad("S", "S = 1 but the STE sets S1STALLD = 1".into(), "5.4");
        }
        if c.idr("IDR0", "STALL_MODEL") == Some(1) {
            c.bad("S", "S = 1 but the SMMU supports no stall (SMMU_IDR0.STALL_MODEL = 0b01)".into(), "5.4");
        }
    }
    // 5.5: an SMMU that only implements abort termination (SMMU_IDR0.TERM_MODEL = 1)
    // renders a CD with A = 0 ILLEGAL.
    if get(&CD, w, "A") == 0 && c.idr("IDR0", "TERM_MODEL") == Some(1) {
        c.bad(
            "A",
            "A = 0 (RAZ/WI termination) but SMMU_IDR0.TERM_MODEL = 1: the SMMU only implements abort termination"
                .into(),
            "5.5",
        );
    }
    if let Some(te) = c.idr("IDR0", "TTENDIAN") {
        let be = get(&CD, w, "ENDI") != 0;
        if (te == 2 && be) || (te == 3 && !be) {
            c.bad("ENDI", format!("ENDI = {} not supported by SMMU_IDR0.TTENDIAN", be as u8), "5.4");
        }
    }
    finish(c, v, "C_BAD_CD", "5.4")
}

/// What Linux's iommufd (arm-smmu-v3-iommufd.c, IOMMU_HWPT_DATA_ARM_SMMUV3) does with an
/// STE a guest wrote into its virtual stream table.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct VsteVerdict {
    pub accepted: bool,
    /// Fields Linux takes from the guest STE (word 0: V, Config, S1Fmt, S1ContextPtr,
    /// S1CDMax; word 1: EATS, S1DSS, S1CIR, S1COR, S1CSH, S1STALLD).
    pub taken: Vec<&'static str>,
    /// Why it would be rejected (-EIO), when it is.
    pub reasons: Vec<String>,
    pub effect: String,
}

/// Fields of the guest STE that Linux copies into the nested STE.
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
    for n in GUEST_STE_FIELDS {
        if let Some(f) = STE.field(n) {
            crate::model::set_bits(&mut allowed, f.lsb, f.width, f.mask());
        }
    }
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
    let v = get(&STE, w, "V");
    let cfg = get(&STE, w, "Config");
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
        if get(&STE, w, "EATS") > 1 {
            reasons.push("EATS other than Abort or Full ATS is not accepted".into());
        }
    }
    let effect = if reasons.is_empty() { effect } else { VSTE_REJECTED.into() };
    VsteVerdict { accepted: reasons.is_empty(), taken: GUEST_STE_FIELDS.to_vec(), reasons, effect }
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

    /// IHI 0070 5.4 CD.ASET: 1 = SMMU-private ASID set (broadcast TLBI does not apply).
    #[test]
    fn aset_states_its_meaning() {
        let f = CD.field("ASET").unwrap();
        assert_eq!(f.meaning(1), "SMMU-private ASID set: broadcast TLB invalidations do not apply to this ASID");
        assert!(f.meaning(0).starts_with("Shared ASID set"));
    }
}
