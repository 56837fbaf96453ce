//! The VMSAv8-64 descriptor codec (`structs::desc`) against the Arm ARM's descriptor formats
//! (D8.3: table, block and page descriptors; 48-bit, FEAT_LPA and FEAT_LPA2 address
//! layouts), and encode/decode round trips for every granule and address format.

use proptest::prelude::*;
use smmu_core::structs::desc::{self, s1_leaf, s2_leaf, Granule, OaFormat};

const K4: Granule = Granule::K4;
const K16: Granule = Granule::K16;
const K64: Granule = Granule::K64;

/// Address bits each format puts in a descriptor, written out from the Arm ARM (D8.3): the
/// 48-bit format holds OA[47:g] in bits [47:g]; LPA (64KB) adds OA[51:48] in bits [15:12];
/// LPA2 (4KB/16KB, DS = 1) holds OA[49:g] in bits [49:g] and OA[51:50] in bits [9:8].
fn spec_bits(g: Granule, f: OaFormat) -> u64 {
    let low = match g {
        Granule::K4 => 12,
        Granule::K16 => 14,
        Granule::K64 => 16,
    };
    let range = |hi: u32, lo: u32| ((1u64 << (hi + 1)) - 1) & !((1u64 << lo) - 1);
    match f {
        OaFormat::Oa48 => range(47, low),
        OaFormat::Lpa => range(47, 16) | range(15, 12),
        OaFormat::Lpa2 => range(49, low) | range(9, 8),
    }
}

/// The address held by descriptor bits `d` per the Arm ARM, computed independently.
fn spec_oa(d: u64, g: Granule, f: OaFormat) -> u64 {
    let bits = d & spec_bits(g, f);
    match f {
        OaFormat::Oa48 => bits,
        OaFormat::Lpa => (bits & !0xf000) | ((bits >> 12) & 0xf) << 48,
        OaFormat::Lpa2 => (bits & !0x300) | ((bits >> 8) & 0x3) << 50,
    }
}

#[test]
fn page_descriptor_4k_48bit() {
    // Arm ARM D8.3: a level 3 page descriptor: bits[1:0] = 0b11, OA[47:12] in bits [47:12],
    // AttrIndx [4:2], AP[2:1] [7:6], SH [9:8], AF [10], PXN [53], UXN [54].
    let d = 0x0060_0000_4123_4703u64;
    assert_eq!(desc::output_address(d, K4, OaFormat::Oa48), 0x4123_4000);
    assert_eq!(desc::block_address(d, K4, OaFormat::Oa48, 3), Some(0x4123_4000));
    assert!(desc::is_valid(d) && desc::is_table_or_page(d));
    assert_eq!(desc::get(&s1_leaf::AttrIndx, d), 0);
    assert_eq!(desc::get(&s1_leaf::AP, d), 0);
    assert_eq!(desc::get(&s1_leaf::SH, d), 0b11);
    assert_eq!(desc::get(&s1_leaf::AF, d), 1);
    assert_eq!(desc::get(&s1_leaf::PXN, d), 1);
    assert_eq!(desc::get(&s1_leaf::UXN, d), 1);
    assert_eq!(desc::s1_ap(d), desc::S1Ap { read_only: false, el0: false });
}

#[test]
fn block_descriptor_4k_level2() {
    // A 2MB block: bits[1:0] = 0b01, OA[47:21]; bits [20:12] are RES0 except nT (bit 16).
    let d = 0x0000_0000_4020_0701u64 | 1 << 16;
    assert!(desc::is_valid(d) && !desc::is_table_or_page(d));
    assert_eq!(desc::block_address(d, K4, OaFormat::Oa48, 2), Some(0x4020_0000));
    assert_eq!(desc::get(&s1_leaf::nT, d), 1);
    // A 1GB block at level 1: OA[47:30].
    assert_eq!(desc::block_address(0x0000_0000_c000_0701 | 0x1fe0_0000, K4, OaFormat::Oa48, 1), Some(0xc000_0000));
}

#[test]
fn table_descriptors() {
    // Next-level table address [47:g]; bits [g-1:12] RES0 with 16KB and 64KB.
    assert_eq!(desc::next_table_address(0x0000_0000_4500_0003, K4, OaFormat::Oa48), 0x4500_0000);
    assert_eq!(desc::next_table_address(0x0000_0000_4500_7003, K16, OaFormat::Oa48), 0x4500_4000);
    assert_eq!(desc::next_table_address(0x0000_0000_4501_f003, K64, OaFormat::Oa48), 0x4501_0000);
    // Table attributes (stage 1): PXNTable [59], XNTable [60], APTable [62:61].
    let d = 0x6000_0000_4500_0003u64 | 1 << 59;
    assert_eq!(desc::ap_table(d), desc::ApTable { no_el0: true, read_only: true });
    assert_eq!(desc::get(&desc::table::PXNTable, d), 1);
    assert_eq!(desc::get(&desc::table::XNTable, d), 0);
}

#[test]
fn lpa2_holds_oa_51_50_in_bits_9_8() {
    // FEAT_LPA2 (DS = 1), 4KB page: OA[49:12] in bits [49:12], OA[51:50] in bits [9:8].
    let d = 0x0003_0000_1234_5000u64 | 0b11 << 8 | 0b11;
    assert_eq!(desc::output_address(d, K4, OaFormat::Lpa2), 0x000f_0000_1234_5000);
    // The same bits without DS: [9:8] are SH and [49:48] RES0.
    assert_eq!(desc::output_address(d, K4, OaFormat::Oa48), 0x0000_0000_1234_5000);
    assert_eq!(desc::get(&s1_leaf::SH, d), 0b11);
    // Table descriptors likewise (NLTA[51:50] in bits [9:8]), 16KB granule.
    let t = 0x0001_0000_1234_4000u64 | 0b10 << 8 | 0b11;
    assert_eq!(desc::next_table_address(t, K16, OaFormat::Lpa2), 0x0009_0000_1234_4000);
}

#[test]
fn lpa_holds_oa_51_48_in_bits_15_12() {
    // FEAT_LPA, 64KB page: OA[47:16] in bits [47:16], OA[51:48] in bits [15:12].
    let d = 0x0000_1234_5678_0000u64 | 0xa << 12 | 0b11;
    assert_eq!(desc::output_address(d, K64, OaFormat::Lpa), 0x000a_1234_5678_0000);
    // Without 52-bit support bits [15:12] are RES0 and hold no address bits.
    assert_eq!(desc::output_address(d, K64, OaFormat::Oa48), 0x0000_1234_5678_0000);
    // A 512MB block at level 2 and a 4TB block at level 1 (LPA only).
    let b = 0x0000_1234_4000_0000u64 | 0x5 << 12 | 0b01;
    assert_eq!(desc::block_address(b, K64, OaFormat::Lpa, 2), Some(0x0005_1234_4000_0000));
    assert_eq!(desc::block_address(b, K64, OaFormat::Lpa, 1), Some(0x0005_1000_0000_0000));
    let t = 0x0000_0000_4501_0003u64 | 0x3 << 12;
    assert_eq!(desc::next_table_address(t, K64, OaFormat::Lpa), 0x0003_0000_4501_0000);
}

#[test]
fn stage2_permissions_and_xn() {
    // S2AP [7:6] (bit 6 read, bit 7 write), XN[1:0] [54:53], MemAttr [5:2].
    let d = 0x0040_0000_4000_07ffu64;
    assert_eq!(desc::s2_ap(d), desc::S2Ap { read: true, write: true });
    assert_eq!(desc::get(&s2_leaf::MemAttr, d), 0xf);
    assert!(!desc::s2_executable(d, false, true), "XN[1] = 1");
    let pxn = 0x0020_0000_4000_07ffu64; // XN = 0b01
    assert!(desc::s2_executable(pxn, false, true), "XN[0] is RES0 without FEAT_XNX");
    assert!(!desc::s2_executable(pxn, true, true) && desc::s2_executable(pxn, true, false));
    let uxn = 0x0060_0000_4000_07ffu64; // XN = 0b11
    assert!(desc::s2_executable(uxn, true, true) && !desc::s2_executable(uxn, true, false));
}

#[test]
fn where_blocks_exist() {
    // Arm ARM D8.3: 4KB blocks at levels 1 and 2 (0 with DS); 16KB at level 2 (1 with DS);
    // 64KB at level 2 (1 with 52-bit addresses); pages at level 3.
    use OaFormat::*;
    for (g, f, level, ok) in [
        (K4, Oa48, 0, false),
        (K4, Lpa2, 0, true),
        (K4, Oa48, 1, true),
        (K4, Oa48, 2, true),
        (K16, Oa48, 1, false),
        (K16, Lpa2, 1, true),
        (K16, Oa48, 2, true),
        (K64, Oa48, 1, false),
        (K64, Lpa, 1, true),
        (K64, Oa48, 2, true),
        (K4, Oa48, 3, true),
        (K4, Lpa2, -1, false),
    ] {
        assert_eq!(desc::block_allowed(g, f, level), ok, "{g} {f} level {level}");
    }
}

#[test]
fn granule_geometry() {
    // Bytes mapped by one descriptor at each level (Arm ARM D8.2).
    assert_eq!([0, 1, 2, 3].map(|l| K4.level_shift(l)), [Some(39), Some(30), Some(21), Some(12)]);
    assert_eq!(K4.level_shift(-1), Some(48));
    assert_eq!([0, 1, 2, 3].map(|l| K16.level_shift(l)), [Some(47), Some(36), Some(25), Some(14)]);
    assert_eq!([1, 2, 3].map(|l| K64.level_shift(l)), [Some(42), Some(29), Some(16)]);
    assert_eq!(K4.level_shift(4), None);
    // Start levels: 4KB 48-bit walks from level 0, 52-bit (DS) from -1, 39-bit from 1;
    // 16KB 48-bit from 0 (one bit at level 0); 64KB 48- and 52-bit from 1.
    assert_eq!((K4.start_level(48), K4.start_level(52), K4.start_level(39)), (0, -1, 1));
    assert_eq!((K16.start_level(48), K16.start_level(47)), (0, 1));
    assert_eq!((K64.start_level(48), K64.start_level(52), K64.start_level(42)), (1, 1, 2));
}

#[test]
fn the_format_a_table_uses() {
    // 64KB: LPA when the SMMU has 52-bit addresses (SMMU_IDR5.OAS), whatever DS says;
    // 4KB/16KB: LPA2 only with DS = 1.
    assert_eq!(OaFormat::for_table(K64, true, false), OaFormat::Lpa);
    assert_eq!(OaFormat::for_table(K64, false, true), OaFormat::Oa48);
    assert_eq!(OaFormat::for_table(K4, true, false), OaFormat::Oa48);
    assert_eq!(OaFormat::for_table(K16, true, true), OaFormat::Lpa2);
}

#[test]
fn encode_refuses_what_does_not_fit() {
    assert!(desc::encode_output_address(0x4123_4800, K4, OaFormat::Oa48).is_err(), "unaligned");
    assert!(desc::encode_output_address(1 << 48, K4, OaFormat::Oa48).is_err(), "49 bits in a 48-bit descriptor");
    assert!(desc::encode_output_address(1 << 52, K64, OaFormat::Lpa).is_err(), "53 bits");
    assert!(desc::encode_output_address(0x1000, K64, OaFormat::Lpa).is_err(), "below the 64KB granule");
    assert!(desc::encode_output_address(0, K4, OaFormat::Lpa).is_err(), "LPA is a 64KB format");
    assert!(desc::encode_output_address(0, K64, OaFormat::Lpa2).is_err(), "LPA2 is a 4KB/16KB format");
    assert!(desc::encode_block_address(0x4020_1000, K4, OaFormat::Oa48, 2).is_err(), "not 2MB aligned");
    assert!(desc::encode_block_address(0, K4, OaFormat::Oa48, 0).is_err(), "no 4KB level 0 block without DS");
    assert_eq!(desc::encode_block_address(0x4020_0000, K4, OaFormat::Oa48, 2), Ok(0x4020_0000));
    assert_eq!(desc::encode_output_address(0x000f_0000_1234_5000, K4, OaFormat::Lpa2), Ok(0x0003_0000_1234_5300));
    assert_eq!(desc::encode_output_address(0x000a_1234_5678_0000, K64, OaFormat::Lpa), Ok(0x0000_1234_5678_a000));
}

fn combos() -> impl Strategy<Value = (Granule, OaFormat)> {
    prop::sample::select(vec![
        (K4, OaFormat::Oa48),
        (K16, OaFormat::Oa48),
        (K64, OaFormat::Oa48),
        (K64, OaFormat::Lpa),
        (K4, OaFormat::Lpa2),
        (K16, OaFormat::Lpa2),
    ])
}

proptest! {
    /// Encode then decode gives the address back, the encoding only uses the address bits
    /// the Arm ARM gives the format, and the independent decode agrees.
    #[test]
    fn round_trip((g, f) in combos(), raw in any::<u64>(), junk in any::<u64>()) {
        let bits = if f == OaFormat::Oa48 { 48 } else { 52 };
        let a = raw & ((1u64 << bits) - 1) & !(g.bytes() - 1);
        let d = desc::encode_output_address(a, g, f).unwrap();
        prop_assert_eq!(d & !spec_bits(g, f), 0, "{:#x}: bits outside the address fields", d);
        prop_assert_eq!(spec_oa(d, g, f), a);
        prop_assert_eq!(desc::output_address(d, g, f), a);
        let t = desc::encode_next_table_address(a, g, f).unwrap();
        prop_assert_eq!(desc::next_table_address(t, g, f), a);
        // Other bits of a descriptor never change the address it holds.
        let other = junk & !spec_bits(g, f);
        prop_assert_eq!(desc::output_address(d | other, g, f), a);
        prop_assert_eq!(desc::output_address(junk, g, f), spec_oa(junk, g, f));
        // Blocks: aligned to the level's size, where the format allows one.
        for level in -1..=3 {
            let Some(shift) = g.level_shift(level) else { continue };
            let b = a & !((1u64 << shift.min(63)) - 1);
            match desc::encode_block_address(b, g, f, level) {
                Ok(d) => {
                    prop_assert!(desc::block_allowed(g, f, level));
                    prop_assert_eq!(desc::block_address(d | (junk & !spec_bits(g, f)), g, f, level), Some(b));
                }
                Err(_) => prop_assert!(!desc::block_allowed(g, f, level)),
            }
        }
    }
}
