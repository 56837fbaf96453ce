//! STE, CD, L1STD and L1CD against IHI 0070 G.b, independent of the tables in
//! core/src/structs: every field's name and bits below were transcribed by hand from the
//! spec (5.2 STE, 5.4 CD, 5.1 L1STD, 5.3 L1CD; the spec's own `<p>` formulas for the
//! indexed fields), as were the Reserved (RES0) bit ranges. The examples come from the
//! issue and from the QEMU 10.0 / Linux 7.3 capture in tests/data (values QEMU traced).

use proptest::prelude::*;
use smmu_core::model::Layout;
use smmu_core::regset::{Origin, RegisterSet};
use smmu_core::structs::{self, cd, l1cd, l1std, ste, CD, L1CD, L1STD, STE};

/// (name, msb, lsb) of every STE field (IHI 0070 G.b 5.2). The spec's three unnamed
/// "IMPLEMENTATION DEFINED" ranges carry their bit range in the name.
const STE_SPEC: &[(&str, u16, u16)] = &[
    ("V", 0, 0),
    ("Config", 3, 1),
    ("S1Fmt", 5, 4),
    ("S1ContextPtr", 55, 6),
    ("S1CDMax", 63, 59),
    ("S1DSS", 65, 64),
    ("S1CIR", 67, 66),
    ("S1COR", 69, 68),
    ("S1CSH", 71, 70),
    ("S2HWU59", 72, 72),
    ("S2HWU60", 73, 73),
    ("S2HWU61", 74, 74),
    ("S2HWU62", 75, 75),
    ("DRE", 76, 76),
    ("CONT", 80, 77),
    ("DCP", 81, 81),
    ("PPAR", 82, 82),
    ("MEV", 83, 83),
    ("SW_RESERVED", 87, 84),
    ("S1PIE", 88, 88),
    ("S2FWB", 89, 89),
    ("S1MPAM", 90, 90),
    ("S1STALLD", 91, 91),
    ("EATS", 93, 92),
    ("STRW", 95, 94),
    ("MemAttr", 99, 96),
    ("MTCFG", 100, 100),
    ("ALLOCCFG", 104, 101),
    ("SHCFG", 109, 108),
    ("NSCFG", 111, 110),
    ("PRIVCFG", 113, 112),
    ("INSTCFG", 115, 114),
    ("IMPLEMENTATION_DEFINED_127_116", 127, 116),
    ("S2VMID", 143, 128),
    ("IMPLEMENTATION_DEFINED_159_144", 159, 144),
    ("S2T0SZ", 165, 160),
    ("S2SL0", 167, 166),
    ("S2IR0", 169, 168),
    ("S2OR0", 171, 170),
    ("S2SH0", 173, 172),
    ("S2TG", 175, 174),
    ("S2PS", 178, 176),
    ("S2AA64", 179, 179),
    ("S2ENDI", 180, 180),
    ("S2AFFD", 181, 181),
    ("S2PTW", 182, 182),
    ("S2HD", 183, 183),
    ("S2HA", 184, 184),
    ("S2S", 185, 185),
    ("S2R", 186, 186),
    ("S2HAFT", 187, 187),
    ("S2PIE", 188, 188),
    ("S2POE", 189, 189),
    ("DPT_VMATCH", 191, 190),
    ("S2NSW", 192, 192),
    ("S2NSA", 193, 193),
    ("S2SL0_2", 194, 194),
    ("S2DS", 195, 195),
    ("S2TTB", 247, 196),
    ("S2SKL", 254, 253),
    ("IMPLEMENTATION_DEFINED_271_256", 271, 256),
    ("PARTID", 287, 272),
    ("S_S2T0SZ", 293, 288),
    ("S_S2SL0", 295, 294),
    ("S_S2TG", 303, 302),
    ("MECID", 319, 304),
    ("PMG", 327, 320),
    ("MPAM_NS", 328, 328),
    ("AssuredOnly", 329, 329),
    ("TL0", 330, 330),
    ("TL1", 331, 331),
    ("VMSPtr", 375, 332),
    ("S2SW", 384, 384),
    ("S2SA", 385, 385),
    ("S_S2SL0_2", 386, 386),
    ("S_S2TTB", 439, 388),
    ("S_S2SKL", 446, 445),
];
/// STE Reserved, RES0 (5.2): [58:56], [107:105], [252:248], [255], [301:296], [383:376],
/// [387], [444:440], [447].
const STE_RES0: &[(u16, u16)] =
    &[(58, 56), (107, 105), (252, 248), (255, 255), (301, 296), (383, 376), (387, 387), (444, 440), (447, 447)];

/// (name, msb, lsb) of every CD field (IHI 0070 G.b 5.4). "HWU0<x>, bits [127:126]" and
/// "HWU1<x>, bits [191:190]" are written HWU0x/HWU1x.
const CD_SPEC: &[(&str, u16, u16)] = &[
    ("T0SZ", 5, 0),
    ("TG0", 7, 6),
    ("IR0", 9, 8),
    ("OR0", 11, 10),
    ("SH0", 13, 12),
    ("EPD0", 14, 14),
    ("ENDI", 15, 15),
    ("T1SZ", 21, 16),
    ("TG1", 23, 22),
    ("IR1", 25, 24),
    ("OR1", 27, 26),
    ("SH1", 29, 28),
    ("EPD1", 30, 30),
    ("V", 31, 31),
    ("IPS", 34, 32),
    ("AFFD", 35, 35),
    ("WXN", 36, 36),
    ("UWXN", 37, 37),
    ("TBI0", 38, 38),
    ("TBI1", 39, 39),
    ("PAN", 40, 40),
    ("AA64", 41, 41),
    ("HD", 42, 42),
    ("HA", 43, 43),
    ("S", 44, 44),
    ("R", 45, 45),
    ("A", 46, 46),
    ("ASET", 47, 47),
    ("ASID", 63, 48),
    ("NSCFG0", 64, 64),
    ("HAD0", 65, 65),
    ("E0PD0", 66, 66),
    ("HAFT", 67, 67),
    ("TTB0", 119, 68),
    ("PnCH", 122, 122),
    ("EPAN", 123, 123),
    ("HWU059", 124, 124),
    ("HWU060", 125, 125),
    ("HWU0x", 127, 126),
    ("NSCFG1", 128, 128),
    ("HAD1", 129, 129),
    ("E0PD1", 130, 130),
    ("AIE", 131, 131),
    ("TTB1", 183, 132),
    ("DS", 186, 186),
    ("PIE", 187, 187),
    ("HWU159", 188, 188),
    ("HWU160", 189, 189),
    ("HWU1x", 191, 190),
    ("MAIR0", 223, 192),
    ("MAIR1", 255, 224),
    ("AMAIR0", 287, 256),
    ("AMAIR1", 319, 288),
    ("IMPLEMENTATION_DEFINED", 351, 320),
    ("PARTID", 367, 352),
    ("PMG", 375, 368),
];
/// CD Reserved, RES0 (5.4): [121:120], [185:184], [383:376], [447:432], [511:496].
const CD_RES0: &[(u16, u16)] = &[(121, 120), (185, 184), (383, 376), (447, 432), (511, 496)];
/// The spec's other names for CD bits "When SMMU_IDR5.D128 == 1" (5.4): (alias, field).
const CD_ALIASES: &[(&str, &str)] = &[("DisCH0", "HAD0"), ("DisCH1", "HAD1"), ("SKL0", "HWU0x"), ("SKL1", "HWU1x")];

const L1STD_SPEC: &[(&str, u16, u16)] = &[("Span", 4, 0), ("L2Ptr", 55, 6)];
const L1STD_RES0: &[(u16, u16)] = &[(5, 5), (63, 56)];
const L1CD_SPEC: &[(&str, u16, u16)] = &[("V", 0, 0), ("L2Ptr", 55, 12)];
const L1CD_RES0: &[(u16, u16)] = &[(11, 1), (63, 56)];

/// Every (name, msb, lsb) of a structure: the table plus the spec's indexed fields
/// (STE.S2POI<p> [4p+451:4p+448]; CD.PIIU<p> [3p+386:3p+384], CD.PIIP<p> [3p+450:3p+448]).
type Spec = Vec<(String, u16, u16)>;

fn spec(l: &Layout) -> Spec {
    let mut v: Spec = Vec::new();
    let (table, indexed): (&[(&str, u16, u16)], Spec) = match l.name {
        "STE" => (STE_SPEC, (0..16).map(|p| (format!("S2POI{p}"), 4 * p + 451, 4 * p + 448)).collect()),
        "CD" => (
            CD_SPEC,
            (0..16)
                .map(|p| (format!("PIIU{p}"), 3 * p + 386, 3 * p + 384))
                .chain((0..16).map(|p| (format!("PIIP{p}"), 3 * p + 450, 3 * p + 448)))
                .collect(),
        ),
        "L1STD" => (L1STD_SPEC, vec![]),
        "L1CD" => (L1CD_SPEC, vec![]),
        other => panic!("no spec table for {other}"),
    };
    v.extend(table.iter().map(|(n, m, l)| (n.to_string(), *m, *l)));
    v.extend(indexed);
    v
}

fn res0(l: &Layout) -> &'static [(u16, u16)] {
    match l.name {
        "STE" => STE_RES0,
        "CD" => CD_RES0,
        "L1STD" => L1STD_RES0,
        _ => L1CD_RES0,
    }
}

const LAYOUTS: [&Layout; 4] = [&STE, &CD, &L1STD, &L1CD];

/// Bits [msb:lsb] of little-endian 64-bit words, bit by bit (independent of the model).
fn bits(words: &[u64], msb: u16, lsb: u16) -> u64 {
    (lsb..=msb).enumerate().fold(0, |acc, (i, b)| acc | ((words[b as usize / 64] >> (b % 64)) & 1) << i)
}

#[test]
fn every_spec_field_is_declared_at_its_bits() {
    for l in LAYOUTS {
        for (name, msb, lsb) in spec(l) {
            let f = l.field(&name).unwrap_or_else(|| panic!("{}.{name} [{msb}:{lsb}] is not declared", l.name));
            assert_eq!((f.name, f.msb(), f.lsb), (name.as_str(), msb, lsb), "{}.{name}", l.name);
            assert_eq!(f.layout, l.name);
        }
    }
}

#[test]
fn every_declared_field_is_in_the_spec() {
    for l in LAYOUTS {
        let s = spec(l);
        for f in l.fields {
            assert!(s.iter().any(|(n, _, _)| n == f.name), "{}.{} is not a field of IHI 0070 G.b", l.name, f.name);
        }
        assert_eq!(l.fields.len(), s.len(), "{}", l.name);
    }
}

/// The bits no field covers are exactly the spec's Reserved ranges.
#[test]
fn res0_bits_are_the_spec_reserved_ranges() {
    for l in LAYOUTS {
        let mut want = vec![0u64; l.words()];
        for &(msb, lsb) in res0(l) {
            for b in lsb..=msb {
                want[b as usize / 64] |= 1 << (b % 64);
            }
        }
        assert_eq!(l.res0_mask(), want, "{}", l.name);
    }
}

#[test]
fn aliases_name_the_same_bits() {
    for (alias, field) in CD_ALIASES {
        let a = CD.field(alias).unwrap_or_else(|| panic!("CD.{alias} not found"));
        assert_eq!(a.name, *field);
    }
}

/// Address fields hold the address bits of their spec range: S1ContextPtr [55:6],
/// S2TTB [55:4], VMSPtr [55:12], S_S2TTB [55:4], TTB0/TTB1 [55:4], L2Ptr [55:6]/[55:12].
#[test]
fn addresses_run_to_bit_55() {
    let all = [u64::MAX; 8];
    for (f, low) in [
        (&ste::S1ContextPtr, 6),
        (&ste::S2TTB, 4),
        (&ste::VMSPtr, 12),
        (&ste::S_S2TTB, 4),
        (&cd::TTB0, 4),
        (&cd::TTB1, 4),
        (&l1std::L2Ptr, 6),
        (&l1cd::L2Ptr, 12),
    ] {
        assert_eq!(f.address(&all), (1u64 << 56) - (1u64 << low), "{}.{}", f.layout, f.name);
    }
}

fn words8() -> impl Strategy<Value = Vec<u64>> {
    proptest::collection::vec(any::<u64>(), 8)
}

proptest! {
    /// Decoding random words gives each field the bits at its spec position.
    #[test]
    fn decode_takes_each_field_from_its_spec_bits(w in words8()) {
        for l in LAYOUTS {
            let words = &w[..l.words()];
            let d = l.decode(words);
            for (name, msb, lsb) in spec(l) {
                let f = d.field(&name).unwrap();
                prop_assert_eq!(f.value, bits(words, msb, lsb), "{}.{}", l.name, name);
            }
        }
    }

    /// Encoding every field by name and decoding gives the values back, with no RES0 bit set.
    #[test]
    fn encode_round_trips(w in words8()) {
        for l in LAYOUTS {
            let s = spec(l);
            let values: Vec<(String, u64)> = s.iter().map(|(n, m, lsb)| (n.clone(), bits(&w, *m, *lsb))).collect();
            let pairs: Vec<(&str, u64)> = values.iter().map(|(n, v)| (n.as_str(), *v)).collect();
            let words = l.encode(&pairs).unwrap();
            let d = l.decode(&words);
            prop_assert!(d.res0.is_empty(), "{}: {:?}", l.name, d.res0);
            for (n, v) in &values {
                prop_assert_eq!(d.field(n).unwrap().value, *v, "{}.{}", l.name, n);
            }
        }
    }
}

/// The issue's examples: STE.PARTID (word 4) and CD.PARTID/PMG (word 5) are fields, not
/// RES0 violations, when nothing is known of the SMMU. (The example CD is otherwise all
/// zero, so its TG1 = 0b00 is rightly a reserved encoding.)
#[test]
fn issue_examples_are_not_res0_violations() {
    let regs = RegisterSet::new();
    let r = structs::ste_report(&[0x4532600b, 0xd6, 0, 0, 0x00050000, 0, 0, 0], &regs);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!(r.fields.iter().find(|f| f.name == "PARTID").unwrap().value, 5);
    let r = structs::cd_report(&[0, 0, 0, 0, 0, 0x00ab123400000000, 0, 0], &regs, false);
    assert_eq!(r.problems, vec!["reserved encoding 0x0 of TG1"]);
    assert_eq!(r.fields.iter().find(|f| f.name == "PARTID").unwrap().value, 0x1234);
    assert_eq!(r.fields.iter().find(|f| f.name == "PMG").unwrap().value, 0xab);
}

fn capture(name: &str) -> serde_json::Value {
    let p = format!("{}/../tests/data/{name}/capture.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn hex(v: &serde_json::Value) -> u64 {
    let s = v.as_str().unwrap();
    u64::from_str_radix(s.trim_start_matches("0x"), 16).unwrap()
}

/// The registers QEMU's monitor read at the snapshot.
fn capture_regs(c: &serde_json::Value) -> RegisterSet {
    let mut r = RegisterSet::new();
    for (name, v) in c["registers"].as_object().unwrap() {
        if let Some(x) = v.get("qemu_monitor_at_snapshot") {
            r.insert_named(name, hex(x), Origin::default());
        }
    }
    r
}

/// On QEMU's SMMUv3.1 without MPAM, a non-zero STE.PARTID is a field the SMMU lacks: the
/// decode says so (version and gate), and the legality lists it as RES0.
#[test]
fn fields_the_smmu_lacks_are_flagged_with_why() {
    let c = capture("qemu-s1-4k");
    let regs = capture_regs(&c);
    assert_eq!(regs.version().map(|v| v.to_string()).as_deref(), Some("SMMUv3.1"));
    let r = structs::ste_report(&[0x4532600b, 0xd6, 0, 0, 0x00050000, 0, 0, 0], &regs);
    let p = r.fields.iter().find(|f| f.name == "PARTID").unwrap();
    let why = p.status.as_deref().unwrap();
    assert!(why.contains("SMMUv3.2") && why.contains("IDR3.MPAM") && why.contains("RES0"), "{why}");
    assert!(r.problems.iter().any(|m| m.starts_with("PARTID = 0x5")), "{:?}", r.problems);
    assert_eq!(r.legality.res0.len(), 1, "{:?}", r.legality);
    assert!(r.legality.valid, "{:?}", r.legality);
}

/// Every STE, CD and L1STD Linux 7.3 wrote in the QEMU capture decodes as QEMU read it:
/// the CD address QEMU fetched (smmuv3_get_cd), the level 2 table it walked
/// (smmuv3_find_ste_2lvl l2ptr), and the TT0 T0SZ / TTB / granule / HAD it decoded
/// (smmuv3_decode_cd_tt). All are legal on that SMMU and have no problem.
#[test]
fn qemu_capture_structures_decode_as_qemu_read_them() {
    let c = capture("qemu-s1-4k");
    let regs = capture_regs(&c);
    let lookups: Vec<Vec<String>> = serde_json::from_value(c["qemu_config_lookups"].clone()).unwrap();
    let mut checked = 0;
    for s in c["structures"]["streams"].as_array().unwrap() {
        let ste_w: Vec<u64> = s["ste_raw"].as_array().unwrap().iter().map(hex).collect();
        let cd_w: Vec<u64> = s["cd_raw"].as_array().unwrap().iter().map(hex).collect();
        let l1 = [hex(&s["l1_desc_raw"])];
        assert_eq!(l1std::L2Ptr.address(&l1), 0x7bc20000);
        assert_eq!(l1std::Span.get(&l1), 9);
        assert_eq!(ste::V.get(&ste_w), 1);
        assert_eq!(ste::Config.get(&ste_w), 0b101, "stage 1 only");
        assert_eq!(ste::S1ContextPtr.address(&ste_w), hex(&s["cd_addr"]));
        let r = structs::ste_report(&ste_w, &regs);
        assert!(r.problems.is_empty() && r.legality.valid, "{:?} {:?}", r.problems, r.legality);
        let r = structs::cd_report(&cd_w, &regs, ste::S1STALLD.get(&ste_w) != 0);
        assert!(r.problems.is_empty() && r.legality.valid, "{:?} {:?}", r.problems, r.legality);
        // QEMU's own decode of this CD, where it traced one (the last one: Linux may have
        // changed the CD since an earlier lookup).
        let want = format!("smmuv3_get_cd CD addr: {:#x}", hex(&s["cd_addr"]));
        if let Some(l) = lookups.iter().rfind(|l| l.contains(&want)) {
            let tt = l.iter().find(|x| x.starts_with("smmuv3_decode_cd_tt")).unwrap();
            let val = |k: &str| tt.split(k).nth(1).unwrap().split_whitespace().next().unwrap().to_string();
            assert_eq!(cd::T0SZ.get(&cd_w), val("tsz:").parse::<u64>().unwrap());
            assert_eq!(cd::TTB0.address(&cd_w), u64::from_str_radix(val("ttb:0x").as_str(), 16).unwrap());
            assert_eq!(val("granule_sz:"), "12");
            assert_eq!(cd::TG0.get(&cd_w), 0, "4KB");
            assert_eq!(cd::HAD0.get(&cd_w).to_string(), val("had:"));
            let l2 = l.iter().find(|x| x.starts_with("smmuv3_find_ste_2lvl")).unwrap();
            assert!(l2.contains(&format!("l2ptr:{:#x}", l1std::L2Ptr.address(&l1))), "{l2}");
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} CDs matched a QEMU decode");
}

/// An SMMUv3.4 with the features the new fields need: both stages (VMSAv8-64), HTTU with
/// Table AF (IDR0.HTTU = 0b11), 20-bit SubstreamIDs, IDR3 {S1PI, S2PI, S2PO, THE, STT, FWB,
/// HAD, E0PD, EPAN}, IDR5 {OAS 52 bits, 4KB and 64KB granules, DS, VAX 52 bits}.
fn smmu_v3_4() -> RegisterSet {
    let mut r = RegisterSet::new();
    let idr3 = [2, 8, 9, 13, 17, 18, 19, 20, 21].iter().fold(0u64, |a, b| a | 1 << b);
    for (n, v) in [
        ("IDR0", 0x1 | 0x2 | 2 << 2 | 3 << 6 | 1 << 12 | 1 << 18),
        ("IDR1", 20 << 6 | 16),
        ("IDR3", idr3),
        ("IDR5", 6 | 1 << 4 | 1 << 6 | 1 << 7 | 1 << 10),
        ("AIDR", 0x4),
    ] {
        r.insert_named(n, v, Origin::default());
    }
    r
}

fn rules(l: &structs::legality::Legality) -> Vec<String> {
    l.rules.iter().map(|r| r.field.clone()).collect()
}

fn s2_ste(extra: &[(&str, u64)]) -> Vec<u64> {
    let mut v = vec![
        ("V", 1),
        ("Config", 0b110),
        ("S2T0SZ", 20),
        ("S2SL0", 2),
        ("S2TG", 0),
        ("S2PS", 5),
        ("S2AA64", 1),
        ("S2R", 1),
        ("S2TTB", 0x4000_0000 >> 4),
    ];
    v.extend_from_slice(extra);
    STE.encode(&v).unwrap()
}

/// 5.2 S2DS, S2SL0_2, S2T0SZ, S2TTB (FEAT_LPA2): a 52-bit IPA with a 4KB granule needs
/// S2DS = 1 and starts at level -1 ({S2SL0_2, S2SL0} = 0b100); without S2DS the minimum
/// S2T0SZ is 16 and S2TTB must be within 48 bits.
#[test]
fn ste_lpa2_rules() {
    let r = smmu_v3_4();
    let base = structs::legality::ste(&s2_ste(&[]), &r);
    assert!(base.valid && base.unchecked.is_empty(), "{base:?}");
    let lpa2 = [("S2T0SZ", 12), ("S2SL0", 0), ("S2SL0_2", 1), ("S2DS", 1), ("S2PS", 6)];
    assert!(structs::legality::ste(&s2_ste(&lpa2), &r).valid);
    let no_ds = [("S2T0SZ", 12), ("S2SL0", 0), ("S2SL0_2", 1), ("S2PS", 6)];
    assert_eq!(rules(&structs::legality::ste(&s2_ste(&no_ds), &r)), vec!["S2T0SZ"]);
    let high = [("S2PS", 6), ("S2TTB", (1u64 << 50) >> 4)];
    assert_eq!(rules(&structs::legality::ste(&s2_ste(&high), &r)), vec!["S2TTB"]);
    assert!(structs::legality::ste(&s2_ste(&[("S2PS", 6), ("S2TTB", (1u64 << 50) >> 4), ("S2DS", 1)]), &r).valid);
}

/// 5.2 S2HAFT (ILLEGAL without S2HA), S2POE (ILLEGAL with the Direct Permission Scheme),
/// S2POI<p> (0b0001 and 0b0101 are reserved, "treated as C_BAD_STE").
#[test]
fn ste_v3_4_permission_rules() {
    let r = smmu_v3_4();
    let l = structs::legality::ste(&s2_ste(&[("S2HAFT", 1)]), &r);
    assert_eq!((rules(&l), l.event), (vec!["S2HAFT".to_string()], Some("C_BAD_STE")));
    assert!(structs::legality::ste(&s2_ste(&[("S2HAFT", 1), ("S2HA", 1)]), &r).valid);
    assert_eq!(rules(&structs::legality::ste(&s2_ste(&[("S2POE", 1)]), &r)), vec!["S2POE"]);
    assert!(structs::legality::ste(&s2_ste(&[("S2POE", 1), ("S2PIE", 1)]), &r).valid);
    let l = structs::legality::ste(&s2_ste(&[("S2POE", 1), ("S2PIE", 1), ("S2POI3", 0b0001)]), &r);
    assert_eq!(rules(&l), vec!["S2POI3"]);
}

const LINUX_CD: [u64; 8] = [0x0001e204c0003510, 0x45333000, 0, 0xfffffffff404ff44, 0, 0, 0, 0];

fn cd_with(extra: &[(&'static smmu_core::model::FieldDef, u64)]) -> Vec<u64> {
    let mut w = LINUX_CD.to_vec();
    for (f, v) in extra {
        f.set(&mut w, *v).unwrap();
    }
    w
}

/// 5.4 DS, T0SZ (CDTxSZInvalid()), HAFT, PIIP<p>/PIIU<p> on an SMMUv3.4.
#[test]
fn cd_v3_4_rules() {
    let r = smmu_v3_4();
    assert!(structs::legality::cd(&LINUX_CD, &r, false).valid);
    // T0SZ = 12 with a 4KB granule: 52-bit VA needs SMMU_IDR5.VAX = 52 bits and CD.DS = 1.
    assert!(structs::legality::cd(&cd_with(&[(&cd::T0SZ, 12), (&cd::DS, 1)]), &r, false).valid);
    assert_eq!(rules(&structs::legality::cd(&cd_with(&[(&cd::T0SZ, 12)]), &r, false)), vec!["T0SZ"]);
    // HAFT without HA.
    assert_eq!(rules(&structs::legality::cd(&cd_with(&[(&cd::HAFT, 1)]), &r, false)), vec!["HAFT"]);
    // Stage 1 permission indirection: PIIP 0b100 is reserved; privileged execute (PIIP
    // 0b010) with unprivileged write (PIIU 0b101) is ILLEGAL.
    let pie = cd_with(&[(&cd::PIE, 1), (&cd::PIIP0, 0b100)]);
    assert_eq!(rules(&structs::legality::cd(&pie, &r, false)), vec!["PIIP0"]);
    let wx = cd_with(&[(&cd::PIE, 1), (&cd::PIIP1, 0b010), (&cd::PIIU1, 0b101)]);
    assert_eq!(rules(&structs::legality::cd(&wx, &r, false)), vec!["PIIP1"]);
    // Without PIE the same bits are RES0 fields, not checked as permissions.
    assert!(structs::legality::cd(&cd_with(&[(&cd::PIIP0, 0b100)]), &r, false).valid);
}

/// On QEMU's SMMUv3.1 (AIDR 3.1, no IDR5.DS) CD.DS is RES0: the decode names the version and
/// the gate, and the legality lists it as RES0 rather than as a broken ILLEGAL rule.
#[test]
fn cd_ds_is_res0_before_v3_4() {
    let regs = capture_regs(&capture("qemu-s1-4k"));
    let w = cd_with(&[(&cd::DS, 1)]);
    let r = structs::cd_report(&w, &regs, false);
    let ds = r.fields.iter().find(|f| f.name == "DS").unwrap();
    assert!(ds.status.as_deref().unwrap().contains("SMMUv3.4 field (IDR5.DS)"), "{:?}", ds.status);
    assert!(r.legality.valid);
    assert_eq!(r.legality.res0.iter().map(|x| x.field.as_str()).collect::<Vec<_>>(), vec!["DS"]);
}

/// CD bit 65 is HAD0, or DisCH0 "When SMMU_IDR5.D128 == 1" (5.4); likewise HWU0x/SKL0.
#[test]
fn cd_names_follow_d128() {
    let mut r = smmu_v3_4();
    let names = |r: &RegisterSet| -> Vec<&'static str> {
        structs::cd_report(&LINUX_CD, r, false).fields.iter().map(|f| f.name).collect()
    };
    let n = names(&r);
    assert!(n.contains(&"HAD0") && n.contains(&"HWU0x") && !n.contains(&"DisCH0"), "{n:?}");
    r.insert_named("IDR5", 6 | 1 << 4 | 1 << 6 | 1 << 7 | 1 << 8 | 1 << 10, Origin::default());
    let n = names(&r);
    assert!(n.contains(&"DisCH0") && n.contains(&"SKL0") && n.contains(&"DisCH1") && n.contains(&"SKL1"), "{n:?}");
}

/// The version that introduced a field (IHI 0070 G.b 2.3-2.8 feature lists, and the field
/// texts' "In SMMUv3.0 this field is RES0" / "Prior to SMMUv3.2") and the ID-register field
/// whose 0 makes it RES0 (the field texts), as (layout, field, version, gate, min).
const SINCE: &[(&str, &str, &str, &str, u64)] = &[
    ("STE", "S2HWU59", "3.1", "", 0),
    ("STE", "S2HWU62", "3.1", "", 0),
    ("STE", "DRE", "3.1", "", 0),
    ("STE", "DCP", "3.1", "", 0),
    ("STE", "S1PIE", "3.4", "IDR3.S1PI", 1),
    ("STE", "S2FWB", "3.2", "IDR3.FWB", 1),
    ("STE", "S1MPAM", "3.2", "IDR3.MPAM", 1),
    ("STE", "S2HAFT", "3.4", "IDR0.HTTU", 3),
    ("STE", "S2PIE", "3.4", "IDR3.S2PI", 1),
    ("STE", "S2POE", "3.4", "IDR3.S2PO", 1),
    ("STE", "DPT_VMATCH", "3.3", "IDR3.DPT", 1),
    ("STE", "S2SL0_2", "3.4", "IDR5.DS", 1),
    ("STE", "S2DS", "3.4", "IDR5.DS", 1),
    ("STE", "S2SKL", "3.4", "IDR5.D128", 1),
    ("STE", "PARTID", "3.2", "IDR3.MPAM", 1),
    ("STE", "PMG", "3.2", "IDR3.MPAM", 1),
    ("STE", "MPAM_NS", "3.3", "", 0),
    ("STE", "MECID", "3.3", "", 0),
    ("STE", "AssuredOnly", "3.4", "IDR3.THE", 1),
    ("STE", "TL0", "3.4", "IDR3.THE", 1),
    ("STE", "TL1", "3.4", "IDR3.THE", 1),
    ("STE", "VMSPtr", "3.2", "", 0),
    ("STE", "S_S2TTB", "3.2", "", 0),
    ("STE", "S_S2SKL", "3.4", "IDR5.D128", 1),
    ("STE", "S2POI0", "3.4", "IDR3.S2PO", 1),
    ("STE", "S2POI15", "3.4", "IDR3.S2PO", 1),
    ("CD", "E0PD0", "3.3", "IDR3.E0PD", 1),
    ("CD", "E0PD1", "3.3", "IDR3.E0PD", 1),
    ("CD", "HAFT", "3.4", "IDR0.HTTU", 3),
    ("CD", "PnCH", "3.4", "IDR3.THE", 1),
    ("CD", "EPAN", "3.4", "IDR3.EPAN", 1),
    ("CD", "HWU059", "3.1", "", 0),
    ("CD", "HWU0x", "3.1", "", 0),
    ("CD", "AIE", "3.4", "IDR3.AIE", 1),
    ("CD", "DS", "3.4", "IDR5.DS", 1),
    ("CD", "PIE", "3.4", "IDR3.S1PI", 1),
    ("CD", "PARTID", "3.2", "IDR3.MPAM", 1),
    ("CD", "PMG", "3.2", "IDR3.MPAM", 1),
    ("CD", "PIIU0", "3.4", "IDR3.S1PI", 1),
    ("CD", "PIIP15", "3.4", "IDR3.S1PI", 1),
];

#[test]
fn versions_and_gates_are_the_spec_ones() {
    for &(layout, name, since, gate, min) in SINCE {
        let l = LAYOUTS.iter().find(|l| l.name == layout).unwrap();
        let f = l.field(name).unwrap();
        assert_eq!(format!("{}.{}", f.since.major, f.since.minor), since, "{layout}.{name}");
        if !gate.is_empty() {
            let g = f.gate.unwrap_or_else(|| panic!("{layout}.{name} has no gate"));
            assert_eq!((g.label(), g.min), (gate.to_string(), min), "{layout}.{name}");
        }
    }
    // The fields of SMMUv3.0 that have no version gate.
    for (l, n) in [(&STE, "S1ContextPtr"), (&STE, "S2TTB"), (&CD, "TTB0"), (&CD, "HAD0"), (&CD, "ASID")] {
        assert_eq!(l.field(n).unwrap().since.minor, 0, "{n}");
    }
}
