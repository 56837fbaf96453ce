//! Property tests over every register layout: decode then encode gives back the bits
//! covered by fields, and any bit outside the fields is reported as RES0.
use proptest::prelude::*;
use smmu_core::regs::REGISTERS;
use smmu_core::regset::RegisterInfo;

fn field_mask(layout: &smmu_core::model::Layout) -> u64 {
    let m = layout.res0_mask();
    let width_mask = if layout.bits >= 64 { u64::MAX } else { (1u64 << layout.bits) - 1 };
    !m[0] & width_mask
}

proptest! {
    #[test]
    fn encode_decode_round_trip(idx in 0..REGISTERS.len(), x in any::<u64>()) {
        let r = &REGISTERS[idx];
        let layout = r.layout_for(x);
        let covered = x & field_mask(layout);
        let d = layout.decode(&[covered]);
        let back = layout.encode_decoded(&d).unwrap();
        prop_assert_eq!(back, vec![covered], "{}", r.name);
        prop_assert!(d.res0.is_empty(), "{}: {:?}", r.name, d.res0);
    }

    #[test]
    fn res0_bits_are_reported(idx in 0..REGISTERS.len(), x in any::<u64>()) {
        let r = &REGISTERS[idx];
        let layout = r.layout_for(x);
        let width_mask = if r.width == 64 { u64::MAX } else { 0xffff_ffff };
        let outside = x & width_mask & !field_mask(layout);
        let d = layout.decode(&[x & width_mask]);
        let reported: u64 = d.res0.iter().map(|v| v.bits).fold(0, |a, b| a | b);
        prop_assert_eq!(reported, outside, "{}", r.name);
        let info = RegisterInfo::new(r, x & width_mask);
        prop_assert_eq!(info.problems.iter().any(|p| p.contains("RES0")), outside != 0, "{}", r.name);
        // A 32-bit register given a wider value says so.
        if r.width == 32 && x >> 32 != 0 {
            prop_assert!(RegisterInfo::new(r, x).problems.iter().any(|p| p.contains("does not fit")));
        }
    }

    #[test]
    fn summarize_never_panics(vals in proptest::collection::vec(any::<u64>(), REGISTERS.len())) {
        let mut set = smmu_core::regset::RegisterSet::new();
        for (r, v) in REGISTERS.iter().zip(vals) {
            let v = if r.width == 32 { v & 0xffff_ffff } else { v };
            set.insert(r, v, Default::default());
        }
        let s = smmu_core::derived::summarize(&set);
        let _ = s.lines();
        prop_assert!(serde_json::to_string(&s).is_ok());
    }
}
