//! Facts derived from a set of register values: architecture version, implementer,
//! address sizes, granules, stages, queue and table geometry, and a list of warnings
//! (reserved encodings, RES0 bits set, combinations the spec forbids).
//!
//! Every value is read through the field model, by typed handle
//! ([`RegisterSet::read`] with `regs::idr::idr0::S1P` and the like); no bit position is
//! restated here. Each fact is present only when the registers it needs are present.

use crate::model::{FieldDef, Layout};
use crate::regs::control::{cr0, cr0ack, cr2, gerror, gerrorn, irq_ctrl, irq_ctrlack, s2pii};
use crate::regs::control::{gerror_irq_cfg0, gerror_irq_cfg1, gerror_irq_cfg2};
use crate::regs::idr::{aidr, idr0, idr1, idr3, idr5, idr6, iidr};
use crate::regs::misc::{cmdq_control_page_base0, cmdq_control_page_cfg0, cmdq_control_page_status0};
use crate::regs::misc::{dpt_base, dpt_base_cfg, dpt_cfg_far, gatos_addr, gatos_ctrl, gatos_par, gatos_sid};
use crate::regs::misc::{gbpmpam, gmpam, mpamidr, vatos_sel};
use crate::regs::queues::{cmdq_base, cmdq_cons, cmdq_prod, eventq_base, eventq_cons, eventq_prod};
use crate::regs::queues::{eventq_irq_cfg0, eventq_irq_cfg1, eventq_irq_cfg2};
use crate::regs::queues::{priq_base, priq_cons, priq_irq_cfg0, priq_irq_cfg1, priq_irq_cfg2, priq_prod};
use crate::regs::queues::{strtab_base, strtab_base_cfg};
use crate::regset::{RegisterInfo, RegisterSet};
use serde::Serialize;

/// Implementer and product, from SMMU_IIDR (IHI 0070 6.3.7).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Implementer {
    /// JEP106 code, `0x43b` for Arm.
    pub implementer: String,
    /// Implementer name, or "unknown".
    pub implementer_name: String,
    pub product_id: String,
    /// Product name when the ProductID is one public sources identify, else "unknown".
    pub product: String,
    pub variant: u64,
    pub revision: u64,
    /// `r<Variant>p<Revision>`, the usual Arm way of writing them.
    pub rev: String,
}

/// Translation stages supported, from SMMU_IDR0.S1P/S2P.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Stages {
    pub stage1: bool,
    pub stage2: bool,
    /// Both stages, so nested (stage 1 + stage 2) translation is possible.
    pub nested: bool,
    pub text: String,
}

/// Maximum queue sizes in entries (SMMU_IDR1.CMDQS/EVENTQS/PRIQS are log2).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QueueLimits {
    pub cmdq_max_entries: u64,
    pub eventq_max_entries: u64,
    /// Only when SMMU_IDR0.PRI == 1 (PRIQS is otherwise IMPLEMENTATION SPECIFIC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priq_max_entries: Option<u64>,
}

/// A configured queue: base address, size and indexes.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QueueState {
    pub name: &'static str,
    pub base: String,
    pub log2size: u64,
    pub entries: u64,
    pub entry_bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prod_index: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prod_wrap: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cons_index: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cons_wrap: Option<u64>,
    /// Entries between CONS and PROD, when both are present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending: Option<u64>,
}

/// The configured Stream table.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StreamTable {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log2size: Option<u64>,
    /// Number of StreamIDs the table covers (2^LOG2SIZE).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub streams: Option<u64>,
    /// StreamID split for a 2-level table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub split: Option<u64>,
    /// Level 1 descriptors of a 2-level table (MAX(1, 2^(LOG2SIZE-SPLIT))).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub l1_entries: Option<u64>,
}

/// Everything derived. Absent facts are omitted from JSON.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Summary {
    /// "SMMUv3.0" .. "SMMUv3.4", from SMMU_AIDR.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub architecture: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub implementer: Option<Implementer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stages: Option<Stages>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translation_table_formats: Option<Vec<String>>,
    /// Output (physical) address size, from SMMU_IDR5.OAS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oas_bits: Option<u32>,
    /// Stage 1 input (virtual) address size, from SMMU_IDR5.VAX.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_address_bits: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub granules: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub streamid_bits: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub substreamid_bits: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asid_bits: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vmid_bits: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream_table_formats: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub httu: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_limits: Option<QueueLimits>,
    /// Optional features reported as present (IDR0/IDR1/IDR3/IDR5 flags that are 1).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smmu_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream_table: Option<StreamTable>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub queues: Vec<QueueState>,
    /// Active global errors (SMMU_GERROR bits that differ from SMMU_GERRORN).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_global_errors: Option<Vec<String>>,
    /// Reserved encodings, RES0 bits set, inconsistent combinations.
    pub warnings: Vec<String>,
}

/// Known Arm SMMU products by SMMU_IIDR.ProductID (with Implementer 0x43B), as public
/// sources give them (Linux arm-smmu-v3: IIDR_PRODUCTID_ARM_MMU_600/700).
const ARM_PRODUCTS: &[(u64, &str)] = &[(0x483, "MMU-600"), (0x487, "MMU-700")];
const JEP106_ARM: u64 = 0x43B;

/// Entry sizes in bytes (IHI 0070: commands 16, event records 32, PRI records 16).
const CMDQ_ENTRY: u64 = 16;
const EVENTQ_ENTRY: u64 = 32;
const PRIQ_ENTRY: u64 = 16;

/// `n` with the noun in the number it needs: `count(1, "entry", "entries")` is "1 entry".
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn pow2(bits: u64) -> Option<u64> {
    1u64.checked_shl(u32::try_from(bits).ok()?)
}

/// `IDR0.BTM`: a field's name as the output writes it, from its handle.
fn label(f: &FieldDef) -> String {
    format!("{}.{}", f.layout, f.name)
}

/// The name of an enumerated field's value, from the model.
fn enc_name(f: &FieldDef, v: u64) -> Option<&'static str> {
    f.encoding(v).map(|e| e.name)
}

/// The fields of `a` and `b` with the same spec name, in `a`'s order (a register and its
/// acknowledgment, or SMMU_GERROR and SMMU_GERRORN).
fn paired(a: &'static Layout, b: &'static Layout) -> impl Iterator<Item = (&'static FieldDef, &'static FieldDef)> {
    a.fields.iter().filter_map(move |fa| b.fields.iter().find(|fb| fb.name == fa.name).map(|fb| (fa, fb)))
}

/// Derives every fact the present registers allow.
pub fn summarize(regs: &RegisterSet) -> Summary {
    let mut s = Summary::default();
    let w = &mut s.warnings;

    // Problems the decode itself finds: reserved encodings, RES0 bits, oversize values.
    for (r, v) in regs.iter() {
        for p in RegisterInfo::new(r, v.value).problems {
            w.push(format!("{}: {p}", r.name));
        }
    }

    // Architecture version.
    let minor = regs.read(&aidr::ArchMinorRev);
    if let (Some(maj), Some(min)) = (regs.read(&aidr::ArchMajorRev), minor) {
        s.architecture = Some(match (enc_name(&aidr::ArchMajorRev, maj), enc_name(&aidr::ArchMinorRev, min)) {
            (Some(_), Some(n)) => n.to_string(),
            _ => format!("unknown (ArchMajorRev {maj}, ArchMinorRev {min})"),
        });
    }
    // `min_rev(n)`: the implementation claims SMMUv3.n or later.
    let at_least = |n: u64| matches!((regs.read(&aidr::ArchMajorRev), minor), (Some(0), Some(m)) if m >= n && m <= 4);

    // Implementer.
    if let (Some(imp), Some(pid), Some(var), Some(rev)) = (
        regs.read(&iidr::Implementer),
        regs.read(&iidr::ProductID),
        regs.read(&iidr::Variant),
        regs.read(&iidr::Revision),
    ) {
        let implementer_name = match enc_name(&iidr::Implementer, imp) {
            Some(n) => n.to_string(),
            None if imp == 0 => "not identified (IIDR.Implementer is 0)".to_string(),
            None => "unknown".to_string(),
        };
        let product = if imp == JEP106_ARM {
            ARM_PRODUCTS.iter().find(|(id, _)| *id == pid).map(|(_, n)| n.to_string())
        } else {
            None
        };
        s.implementer = Some(Implementer {
            implementer: format!("{imp:#05x}"),
            implementer_name,
            product_id: format!("{pid:#05x}"),
            product: product.unwrap_or_else(|| "unknown".to_string()),
            variant: var,
            revision: rev,
            rev: format!("r{var}p{rev}"),
        });
        if imp != 0 && imp & 0x80 != 0 {
            w.push("IIDR: Implementer bit [7] is set; it is always 0 in a JEP106 code".into());
        }
    }

    // IDR0 facts.
    let s1p = regs.read(&idr0::S1P);
    let s2p = regs.read(&idr0::S2P);
    if let (Some(a), Some(b)) = (s1p, s2p) {
        let (s1, s2) = (a == 1, b == 1);
        let text = match (s1, s2) {
            (true, true) => "stage 1 and stage 2 (nested translation possible)",
            (true, false) => "stage 1 only",
            (false, true) => "stage 2 only",
            (false, false) => "none",
        };
        s.stages = Some(Stages { stage1: s1, stage2: s2, nested: s1 && s2, text: text.into() });
        if !s1 && !s2 {
            w.push("IDR0: S1P == 0 and S2P == 0: the SMMU reports no translation stage at all".into());
        }
    }
    if let Some(ttf) = regs.read(&idr0::TTF) {
        let mut v = Vec::new();
        if ttf & 1 != 0 {
            v.push("VMSAv8-32 LPAE".to_string());
        }
        if ttf & 2 != 0 {
            v.push("VMSAv8-64".to_string());
        }
        if regs.read(&idr5::D128) == Some(1) {
            v.push("VMSAv9-128".to_string());
        }
        s.translation_table_formats = Some(v);
    }
    if let Some(h) = regs.read(&idr0::HTTU) {
        s.httu = Some(idr0::HTTU.meaning(h));
    }
    if let Some(st) = regs.read(&idr0::ST_LEVEL) {
        s.stream_table_formats = Some(match st {
            0 => vec!["Linear".to_string()],
            1 => vec!["Linear".to_string(), "2-level".to_string()],
            _ => vec![],
        });
    }
    if let Some(a) = regs.read(&idr0::ASID16) {
        s.asid_bits = Some(if a == 1 { 16 } else { 8 });
    }
    if let Some(a) = regs.read(&idr0::VMID16) {
        s.vmid_bits = Some(if a == 1 { 16 } else { 8 });
    }

    // IDR1 facts.
    if let Some(v) = regs.read(&idr1::SIDSIZE) {
        s.streamid_bits = Some(v);
        if v > 32 {
            w.push(format!("IDR1: SIDSIZE {v} exceeds the maximum of 32"));
        }
        if v >= 7 && regs.read(&idr0::ST_LEVEL) == Some(0) {
            w.push(format!("IDR1.SIDSIZE == {v} (>= 7) requires IDR0.ST_LEVEL != 0b00 (2-level Stream table)"));
        }
    }
    if let Some(v) = regs.read(&idr1::SSIDSIZE) {
        s.substreamid_bits = Some(v);
        if v > 20 {
            w.push(format!("IDR1: SSIDSIZE {v} exceeds the maximum of 20"));
        }
    }
    if let (Some(c), Some(e)) = (regs.read(&idr1::CMDQS), regs.read(&idr1::EVENTQS)) {
        let pri = regs.read(&idr0::PRI) == Some(1);
        let p = regs.read(&idr1::PRIQS);
        for (n, v) in [("CMDQS", Some(c)), ("EVENTQS", Some(e)), ("PRIQS", if pri { p } else { None })] {
            if let Some(v) = v.filter(|v| *v > 19) {
                w.push(format!("IDR1: {n} {v} exceeds the maximum of 19"));
            }
        }
        if let (Some(ce), Some(ee)) = (pow2(c), pow2(e)) {
            s.queue_limits = Some(QueueLimits {
                cmdq_max_entries: ce,
                eventq_max_entries: ee,
                priq_max_entries: if pri { p.and_then(pow2) } else { None },
            });
        }
    }

    // IDR5 facts.
    if let Some(oas) = regs.read(&idr5::OAS) {
        s.oas_bits = match oas {
            0 => Some(32),
            1 => Some(36),
            2 => Some(40),
            3 => Some(42),
            4 => Some(44),
            5 => Some(48),
            6 => Some(52),
            7 => Some(56),
            _ => None,
        };
        if oas == 6 && at_least(0) && !at_least(1) {
            w.push("IDR5: OAS 52 bits is reserved in SMMUv3.0".into());
        }
        if oas == 7 && minor.is_some() && !at_least(4) {
            w.push("IDR5: OAS 56 bits is reserved in SMMUv3.3 and earlier".into());
        }
        let g64 = regs.read(&idr5::GRAN64K) == Some(1);
        let ds = regs.read(&idr5::DS) == Some(1);
        let d128 = regs.read(&idr5::D128) == Some(1);
        if oas == 6 && !(g64 || ds || d128) {
            w.push("IDR5: OAS 52 bits requires GRAN64K, DS or D128".into());
        }
        if oas == 7 && !d128 {
            w.push("IDR5: OAS 56 bits requires D128".into());
        }
    }
    if let Some(vax) = regs.read(&idr5::VAX) {
        s.input_address_bits = match vax {
            0 => Some(48),
            1 => Some(52),
            2 => Some(56),
            _ => None,
        };
        let g4 = regs.read(&idr5::GRAN4K) == Some(1);
        let g16 = regs.read(&idr5::GRAN16K) == Some(1);
        let g64 = regs.read(&idr5::GRAN64K) == Some(1);
        let ds = regs.read(&idr5::DS) == Some(1);
        if vax >= 1 && !(g64 || (ds && (g4 || g16))) {
            w.push("IDR5: VAX >= 52 bits requires GRAN64K, or DS with GRAN4K or GRAN16K".into());
        }
        if vax == 2 && regs.read(&idr5::D128) != Some(1) {
            w.push("IDR5: VAX 56 bits requires D128".into());
        }
        if vax != 0 && at_least(0) && !at_least(1) {
            w.push("IDR5: VAX is RES0 in SMMUv3.0".into());
        }
    }
    if let (Some(g4), Some(g16), Some(g64)) =
        (regs.read(&idr5::GRAN4K), regs.read(&idr5::GRAN16K), regs.read(&idr5::GRAN64K))
    {
        let mut g = Vec::new();
        for (on, n) in [(g4, "4KB"), (g16, "16KB"), (g64, "64KB")] {
            if on == 1 {
                g.push(n.to_string());
            }
        }
        if g.is_empty() {
            w.push("IDR5: no translation granule is supported (GRAN4K, GRAN16K and GRAN64K are all 0)".into());
        }
        if regs.read(&idr0::TTF).is_some_and(|t| t & 1 != 0) && g4 == 0 {
            w.push("IDR5: GRAN4K is RES1 when IDR0.TTF[0] == 1 (VMSAv8-32 LPAE supported)".into());
        }
        if regs.read(&idr5::DS) == Some(1) && g4 == 0 && g16 == 0 {
            w.push("IDR5: DS is RES0 when GRAN4K == 0 and GRAN16K == 0".into());
        }
        s.granules = Some(g);
    }
    if regs.read(&idr5::D128) == Some(1) {
        if let Some(ttf) = regs.read(&idr0::TTF) {
            if ttf & 2 == 0 || ttf & 1 != 0 {
                w.push("IDR5.D128 == 1 requires IDR0.TTF[1] == 1 and IDR0.TTF[0] == 0".into());
            }
        }
    }

    // RES0-unless rules between ID registers (IHI 0070 6.3.1 - 6.3.4).
    let is1 = |f: &FieldDef| regs.read(f) == Some(1);
    let is0 = |f: &FieldDef| regs.read(f) == Some(0);
    let mut rule = |cond: bool, msg: &str| {
        if cond {
            w.push(msg.to_string());
        }
    };
    rule(is1(&idr0::Hyp) && (is0(&idr0::S1P) || is0(&idr0::S2P)), "IDR0.Hyp is RES0 when S1P == 0 or S2P == 0");
    rule(
        is1(&idr0::NS1ATS) && (is0(&idr0::ATS) || is0(&idr0::S1P) || is0(&idr0::S2P)),
        "IDR0.NS1ATS is RES0 when ATS, S1P or S2P is 0",
    );
    rule(is1(&idr0::VMW) && is0(&idr0::S2P), "IDR0.VMW is RES0 when S2P == 0");
    rule(is1(&idr0::PRI) && is0(&idr0::ATS), "IDR0.PRI is RES0 when ATS == 0");
    rule(is1(&idr0::ATSRECERR) && is0(&idr0::ATS), "IDR0.ATSRECERR is RES0 when ATS == 0");
    rule(is1(&idr0::VATOS) && is0(&idr0::ATOS), "IDR0.VATOS is RES0 when ATOS == 0");
    rule(
        is1(&idr0::VATOS) && (is0(&idr0::S1P) || is0(&idr0::S2P)),
        "IDR0.VATOS == 1 requires both stages of translation",
    );
    rule(
        is1(&idr0::RME_IMPL) && !at_least(3) && minor.is_some(),
        "IDR0.RME_IMPL is an SMMUv3.3 feature but AIDR reports an earlier version",
    );
    rule(
        is1(&idr1::ECMDQ) && (is0(&idr0::COHACC) || is0(&idr0::MSI)),
        "IDR1.ECMDQ == 1 requires IDR0.COHACC == 1 and IDR0.MSI == 1",
    );
    rule(is1(&idr1::ECMDQ) && is1(&idr1::QUEUES_PRESET), "IDR1.QUEUES_PRESET must be 0 when IDR1.ECMDQ == 1");
    rule(
        is1(&idr1::REL) && is0(&idr1::TABLES_PRESET) && is0(&idr1::QUEUES_PRESET),
        "IDR1.REL is RES0 when TABLES_PRESET == 0 and QUEUES_PRESET == 0",
    );
    rule(is1(&idr3::HAD) && is0(&idr0::S1P), "IDR3.HAD must be 0 when IDR0.S1P == 0");
    rule(is1(&idr3::PBHA) && is0(&idr3::HAD), "IDR3.PBHA == 1 requires IDR3.HAD == 1");
    rule(is1(&idr3::DPT) && is0(&idr0::ATS), "IDR3.DPT == 1 requires IDR0.ATS == 1");
    rule(
        is1(&idr3::DPT) && regs.read(&idr0::TTF).is_some_and(|t| t & 1 != 0),
        "IDR0.TTF[0] must be 0 when IDR3.DPT == 1",
    );
    rule(is1(&idr3::PTWNNC) && is0(&idr0::S2P), "IDR3.PTWNNC is RES0 when IDR0.S2P == 0");
    rule(
        is1(&idr3::XNX) && is0(&idr0::S2P),
        "IDR3.XNX (stage 2 execute-never control) is set but stage 2 is not supported",
    );
    rule(is1(&idr3::S2PO) && is0(&idr3::S2PI), "IDR3.S2PO == 1 requires IDR3.S2PI == 1");
    rule((is1(&idr3::S2PI) || is1(&idr3::MTEPERM)) && is0(&idr0::S2P), "IDR3.S2PI/MTEPERM are RES0 when IDR0.S2P == 0");
    rule(
        (is1(&idr3::S1PI) || is1(&idr3::AIE) || is1(&idr3::THE)) && is0(&idr0::S1P),
        "IDR3.S1PI/AIE/THE are RES0 when IDR0.S1P == 0",
    );
    rule(
        is1(&idr3::PPS) && (is0(&idr0::PRI) || is0(&idr1::SSIDSIZE)),
        "IDR3.PPS is RES0 when IDR0.PRI == 0 or IDR1.SSIDSIZE == 0",
    );
    rule(
        is1(&idr3::PASIDTT) && (is0(&idr0::ATS) || is0(&idr1::SSIDSIZE)),
        "IDR3.PASIDTT is RES0 when IDR0.ATS == 0 or IDR1.SSIDSIZE == 0",
    );
    // Features an SMMUv3.x implementation must have.
    if at_least(1) {
        rule(
            is0(&idr3::HAD) && is1(&idr0::S1P),
            "IDR3.HAD is mandatory in SMMUv3.1 and later when stage 1 is supported",
        );
        rule(
            is0(&idr3::XNX) && is1(&idr0::S2P),
            "IDR3.XNX is mandatory in SMMUv3.1 and later when stage 2 is supported",
        );
    }
    if at_least(2) {
        rule(is0(&idr3::RIL), "IDR3.RIL is 1 in SMMUv3.2 and later");
        rule(regs.read(&idr3::BBML) == Some(0), "IDR3.BBML is level 1 or 2 in SMMUv3.2 and later");
        rule(is0(&idr3::FWB) && is1(&idr0::S2P), "IDR3.FWB is 1 in SMMUv3.2 and later");
        rule(
            is0(&idr0::Hyp) && is1(&idr0::S1P) && is1(&idr0::S2P),
            "IDR0.Hyp is mandatory in SMMUv3.2 and later when both stages are supported",
        );
    }
    if at_least(3) {
        rule(is0(&idr3::E0PD), "IDR3.E0PD is 1 in SMMUv3.3 and later");
        rule(is0(&idr3::PTWNNC) && is1(&idr0::S2P), "IDR3.PTWNNC is 1 in SMMUv3.3 and later when stage 2 is supported");
    }
    if at_least(4) {
        rule(is0(&idr3::EPAN), "IDR3.EPAN is 1 in SMMUv3.4 and later");
        rule(is0(&idr3::MTEPERM) && is1(&idr0::S2P), "IDR3.MTEPERM is 1 in SMMUv3.4 and later");
    }
    // Control fields that are RES0 unless a feature is present.
    for (fld, feat) in [
        (&cr0::PRIQEN, &idr0::PRI),
        (&cr0::ATSCHK, &idr0::ATS),
        (&cr0::VMW, &idr0::VMW),
        (&cr0::DPT_WALK_EN, &idr3::DPT),
        (&cr2::E2H, &idr0::Hyp),
        (&cr2::PTM, &idr0::BTM),
        (&cr2::REC_CFG_ATS, &idr0::ATSRECERR),
        (&irq_ctrl::PRIQ_IRQEN, &idr0::PRI),
        (&strtab_base_cfg::FMT, &idr0::ST_LEVEL),
    ] {
        if regs.read(fld).is_some_and(|v| v != 0) && regs.read(feat) == Some(0) {
            w.push(format!("{} is set but is RES0 because {} == 0", label(fld), label(feat)));
        }
    }
    // Registers that are present only with a feature (otherwise RES0, IHI 0070 6.3.x
    // "Configuration").
    for (regs_needing, feat) in [
        (&[&s2pii::LAYOUT][..], &idr3::S2PI),
        (&[&gatos_ctrl::LAYOUT, &gatos_sid::LAYOUT, &gatos_addr::LAYOUT, &gatos_par::LAYOUT][..], &idr0::ATOS),
        (&[&mpamidr::LAYOUT, &gmpam::LAYOUT, &gbpmpam::LAYOUT][..], &idr3::MPAM),
        (&[&vatos_sel::LAYOUT][..], &idr0::VATOS),
        (
            &[
                &idr6::LAYOUT,
                &cmdq_control_page_base0::LAYOUT,
                &cmdq_control_page_cfg0::LAYOUT,
                &cmdq_control_page_status0::LAYOUT,
            ][..],
            &idr1::ECMDQ,
        ),
        (&[&dpt_base::LAYOUT, &dpt_base_cfg::LAYOUT, &dpt_cfg_far::LAYOUT][..], &idr3::DPT),
        (
            &[
                &priq_base::LAYOUT,
                &priq_prod::LAYOUT,
                &priq_cons::LAYOUT,
                &priq_irq_cfg0::LAYOUT,
                &priq_irq_cfg1::LAYOUT,
                &priq_irq_cfg2::LAYOUT,
            ][..],
            &idr0::PRI,
        ),
    ] {
        if regs.read(feat) != Some(0) {
            continue;
        }
        for reg in regs_needing {
            if regs.value(reg).is_some_and(|v| v != 0) {
                w.push(format!("{} is non-zero but is RES0 because {} == 0", reg.name, label(feat)));
            }
        }
    }
    if is0(&idr0::MSI) {
        for reg in [
            &gerror_irq_cfg0::LAYOUT,
            &gerror_irq_cfg1::LAYOUT,
            &gerror_irq_cfg2::LAYOUT,
            &eventq_irq_cfg0::LAYOUT,
            &eventq_irq_cfg1::LAYOUT,
            &eventq_irq_cfg2::LAYOUT,
            &priq_irq_cfg0::LAYOUT,
            &priq_irq_cfg1::LAYOUT,
            &priq_irq_cfg2::LAYOUT,
        ] {
            if regs.value(reg).is_some_and(|v| v != 0) {
                w.push(format!("{} is non-zero but is RES0 because {} == 0", reg.name, label(&idr0::MSI)));
            }
        }
    }

    // Features present.
    for fd in [
        &idr0::BTM,
        &idr0::COHACC,
        &idr0::DORMHINT,
        &idr0::Hyp,
        &idr0::ATS,
        &idr0::ASID16,
        &idr0::MSI,
        &idr0::SEV,
        &idr0::ATOS,
        &idr0::PRI,
        &idr0::VMW,
        &idr0::VMID16,
        &idr0::CD2L,
        &idr0::VATOS,
        &idr0::ATSRECERR,
        &idr0::RME_IMPL,
        &idr1::ATTR_PERMS_OVR,
        &idr1::ATTR_TYPES_OVR,
        &idr1::QUEUES_PRESET,
        &idr1::TABLES_PRESET,
        &idr1::ECMDQ,
        &idr3::HAD,
        &idr3::PBHA,
        &idr3::XNX,
        &idr3::MPAM,
        &idr3::FWB,
        &idr3::STT,
        &idr3::RIL,
        &idr3::E0PD,
        &idr3::DPT,
        &idr3::PASIDTT,
        &idr3::EPAN,
        &idr3::S1PI,
        &idr3::S2PI,
        &idr3::S2PO,
        &idr3::THE,
        &idr3::MTEPERM,
        &idr3::AIE,
        &idr5::DS,
        &idr5::D128,
    ] {
        if regs.read(fd) == Some(1) {
            s.features.push(label(fd));
        }
    }

    // Configuration state.
    if let Some(en) = regs.read(&cr0::SMMUEN) {
        s.smmu_enabled = Some(en == 1);
    }
    // A register and its acknowledgment (or GERROR and GERRORN) declare the same fields,
    // each at its own layout's bits; fields are paired by name.
    for (a, b) in [(&cr0::LAYOUT, &cr0ack::LAYOUT), (&irq_ctrl::LAYOUT, &irq_ctrlack::LAYOUT)] {
        for (fa, fb) in paired(a, b) {
            if let (Some(vx), Some(vy)) = (regs.read(fa), regs.read(fb)) {
                if vx != vy {
                    w.push(format!(
                        "{}.{} = {vx} but {}.{} = {vy}: Update not complete",
                        a.name, fa.name, b.name, fb.name
                    ));
                }
            }
        }
    }
    if regs.value(&gerror::LAYOUT).is_some() && regs.value(&gerrorn::LAYOUT).is_some() {
        let mut active = Vec::new();
        for (fg, fgn) in paired(&gerror::LAYOUT, &gerrorn::LAYOUT) {
            if regs.read(fg) != regs.read(fgn) {
                active.push(fg.name.to_string());
            }
        }
        if !active.is_empty() {
            w.push(format!("active global errors (GERROR != GERRORN): {}", active.join(", ")));
        }
        s.active_global_errors = Some(active);
    }
    if regs.value(&strtab_base::LAYOUT).is_some() || regs.value(&strtab_base_cfg::LAYOUT).is_some() {
        let log2 = regs.read(&strtab_base_cfg::LOG2SIZE);
        let fmt = regs.read(&strtab_base_cfg::FMT);
        let split = regs.read(&strtab_base_cfg::SPLIT);
        let two = fmt == Some(1);
        s.stream_table = Some(StreamTable {
            base: regs.address(&strtab_base::ADDR).map(|a| format!("{a:#x}")),
            format: fmt
                .map(|v| enc_name(&strtab_base_cfg::FMT, v).unwrap_or("reserved (behaves as Linear)").to_string()),
            log2size: log2,
            streams: log2.and_then(pow2),
            split: if two { split } else { None },
            l1_entries: match (two, log2, split) {
                (true, Some(l), Some(sp)) => pow2(l.saturating_sub(sp)),
                _ => None,
            },
        });
        if let (Some(l), Some(sid)) = (log2, regs.read(&idr1::SIDSIZE)) {
            if l > sid {
                w.push(format!("STRTAB_BASE_CFG.LOG2SIZE {l} exceeds IDR1.SIDSIZE {sid}; the effective size is {sid}"));
            }
        }
    }
    for (name, (log2size, addr), wr, rd, maxf, bytes) in [
        (
            "Command queue",
            (&cmdq_base::LOG2SIZE, &cmdq_base::ADDR),
            &cmdq_prod::WR,
            &cmdq_cons::RD,
            &idr1::CMDQS,
            CMDQ_ENTRY,
        ),
        (
            "Event queue",
            (&eventq_base::LOG2SIZE, &eventq_base::ADDR),
            &eventq_prod::WR,
            &eventq_cons::RD,
            &idr1::EVENTQS,
            EVENTQ_ENTRY,
        ),
        (
            "PRI queue",
            (&priq_base::LOG2SIZE, &priq_base::ADDR),
            &priq_prod::WR,
            &priq_cons::RD,
            &idr1::PRIQS,
            PRIQ_ENTRY,
        ),
    ] {
        let Some(l2) = regs.read(log2size) else {
            continue;
        };
        if let Some(max) = regs.read(maxf) {
            if l2 > max {
                w.push(format!("{} {l2} exceeds {} {max}; the SMMU caps it", label(log2size), label(maxf)));
            }
        }
        let split = |fld: &FieldDef| -> Option<(u64, u64)> {
            let v = regs.read(fld)?;
            let sh = u32::try_from(l2).ok()?;
            let mask = pow2(l2)?.checked_sub(1)?;
            Some((v & mask, v.checked_shr(sh).unwrap_or(0) & 1))
        };
        let p = split(wr);
        let c = split(rd);
        let entries = pow2(l2).unwrap_or(0);
        let pending = match (p, c) {
            (Some((pi, pw)), Some((ci, cw))) if entries > 0 => {
                Some(if pw == cw { pi.saturating_sub(ci) } else { entries.saturating_sub(ci).saturating_add(pi) })
            }
            _ => None,
        };
        s.queues.push(QueueState {
            name,
            base: regs.address(addr).map(|a| format!("{a:#x}")).unwrap_or_default(),
            log2size: l2,
            entries,
            entry_bytes: bytes,
            prod_index: p.map(|x| x.0),
            prod_wrap: p.map(|x| x.1),
            cons_index: c.map(|x| x.0),
            cons_wrap: c.map(|x| x.1),
            pending,
        });
    }
    s
}

impl Summary {
    /// The summary as (label, text) lines, for terminal and TUI display.
    pub fn lines(&self) -> Vec<(&'static str, String)> {
        let mut v = Vec::new();
        if let Some(a) = &self.architecture {
            v.push(("Architecture", a.clone()));
        }
        if let Some(i) = &self.implementer {
            v.push((
                "Implementer",
                format!(
                    "{} ({}), product {} ({}), {}",
                    i.implementer_name, i.implementer, i.product, i.product_id, i.rev
                ),
            ));
        }
        if let Some(st) = &self.stages {
            v.push(("Stages", st.text.clone()));
        }
        if let Some(t) = &self.translation_table_formats {
            v.push(("Table formats", t.join(", ")));
        }
        if let Some(o) = self.oas_bits {
            v.push(("Output address size", format!("{o} bits")));
        }
        if let Some(i) = self.input_address_bits {
            v.push(("Stage 1 input size", format!("{i} bits (VAX)")));
        }
        if let Some(g) = &self.granules {
            v.push(("Granules", if g.is_empty() { "none".into() } else { g.join(", ") }));
        }
        if let Some(b) = self.streamid_bits {
            v.push(("StreamID", format!("{b} bits")));
        }
        if let Some(b) = self.substreamid_bits {
            v.push(("SubstreamID", if b == 0 { "none (0 bits)".into() } else { format!("{b} bits") }));
        }
        if let (Some(a), Some(m)) = (self.asid_bits, self.vmid_bits) {
            v.push(("ASID/VMID", format!("{a}-bit ASID, {m}-bit VMID")));
        }
        if let Some(t) = &self.stream_table_formats {
            v.push(("Stream tables", t.join(", ")));
        }
        if let Some(h) = &self.httu {
            v.push(("HTTU", h.clone()));
        }
        if let Some(q) = &self.queue_limits {
            let mut t = format!(
                "CMDQ {}, EVENTQ {}",
                count(q.cmdq_max_entries, "entry", "entries"),
                count(q.eventq_max_entries, "entry", "entries")
            );
            if let Some(p) = q.priq_max_entries {
                t.push_str(&format!(", PRIQ {}", count(p, "entry", "entries")));
            }
            v.push(("Max queue sizes", t));
        }
        if !self.features.is_empty() {
            v.push(("Features", self.features.join(" ")));
        }
        if let Some(e) = self.smmu_enabled {
            v.push((
                "SMMU",
                if e { "enabled (CR0.SMMUEN == 1)".into() } else { "disabled: streams bypass per GBPA".to_string() },
            ));
        }
        if let Some(t) = &self.stream_table {
            let mut s = String::new();
            if let Some(f) = &t.format {
                s.push_str(f);
            }
            if let Some(n) = t.streams {
                s.push_str(&format!(", {}", count(n, "StreamID", "StreamIDs")));
            }
            if let (Some(sp), Some(l1)) = (t.split, t.l1_entries) {
                s.push_str(&format!(", split {sp} ({})", count(l1, "L1 descriptor", "L1 descriptors")));
            }
            if let Some(b) = &t.base {
                s.push_str(&format!(" at {b}"));
            }
            v.push(("Stream table", s));
        }
        for q in &self.queues {
            let mut s = format!("{} x {} bytes at {}", count(q.entries, "entry", "entries"), q.entry_bytes, q.base);
            if let (Some(pi), Some(pw)) = (q.prod_index, q.prod_wrap) {
                s.push_str(&format!(", PROD {pi} (wrap {pw})"));
            }
            if let (Some(ci), Some(cw)) = (q.cons_index, q.cons_wrap) {
                s.push_str(&format!(", CONS {ci} (wrap {cw})"));
            }
            if let Some(p) = q.pending {
                s.push_str(&if p == 0 { ", empty".to_string() } else { format!(", {p} pending") });
            }
            v.push((q.name, s));
        }
        if let Some(a) = &self.active_global_errors {
            v.push(("Global errors", if a.is_empty() { "none active".into() } else { a.join(", ") }));
        }
        v
    }
}
