//! Invariants over random hosts (proptest).

use proptest::prelude::*;
use smmu_core::forward::{self, Caps, Class, ForwardOptions, KernelVersion, NumOrAuto, OnOffAuto, Order};
use smmu_core::regs;
use smmu_core::regset::{Origin, RegisterSet};

fn host_from(vals: &[u32; 9], present: u16) -> RegisterSet {
    let mut s = RegisterSet::new();
    for (i, r) in forward::ID_REGISTERS.iter().enumerate() {
        if present >> i & 1 == 1 {
            if let (Some(d), Some(v)) = (regs::by_name(r), vals.get(i)) {
                s.insert(d, *v as u64, Origin::default());
            }
        }
    }
    s
}

fn opts_strategy() -> impl Strategy<Value = ForwardOptions> {
    (
        proptest::option::of(0u64..16),
        proptest::option::of(0u8..21),
        proptest::option::of((5u32..8, 0u32..20)),
        proptest::option::of(any::<bool>()),
        proptest::option::of(any::<bool>()),
        proptest::option::of(0u64..4),
        (
            0usize..3,
            0usize..3,
            prop_oneof![Just(NumOrAuto::Auto), Just(NumOrAuto::Bits(44)), Just(NumOrAuto::Bits(48))],
            proptest::option::of(0u8..21),
        ),
    )
        .prop_map(|(caps, pasid, kernel, coh, canwbs, httu, (ril, ats, oas, ssid))| {
            let oa = [OnOffAuto::On, OnOffAuto::Off, OnOffAuto::Auto];
            let mut o = ForwardOptions {
                caps: caps.map(|c| Caps::from_bits(c).unwrap_or_default()),
                max_pasid_log2: pasid,
                kernel: kernel.map(|(a, b)| KernelVersion::new(a, b)),
                ..ForwardOptions::default()
            };
            o.firmware.coherent = coh;
            o.firmware.canwbs = canwbs;
            o.firmware.httu_override = httu;
            o.qemu.ril = oa[ril];
            o.qemu.ats = oa[ats];
            o.qemu.oas = oas;
            o.qemu.ssidsize = ssid.map(NumOrAuto::Bits).unwrap_or(NumOrAuto::Auto);
            o
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// The strict guest never exceeds the host in a hardware-backed field; fields that need
    /// kernel support, a VM flag or belong to the host stay off whatever the inputs.
    #[test]
    fn guest_never_exceeds_host(vals in any::<[u32; 9]>(), present in any::<u16>(), o in opts_strategy()) {
        let host = host_from(&vals, present);
        let mut o = o;
        // Firmware coherency legitimately lifts COHACC and the HTTU override replaces HTTU;
        // the hardware bound is checked without them.
        o.firmware.coherent = None;
        o.firmware.httu_override = None;
        let r = forward::analyze(&[("h", host)], &o);
        for v in &r.verdicts {
            if let (true, Some(h)) = (v.hardware_backed, v.host) {
                prop_assert!(v.order.safe(v.guest, h), "{}.{}: guest {} host {} ({:?})", v.register, v.field, v.guest, h, v.order);
            }
            if matches!(v.class, Class::NeedsKernel | Class::NeedsVmFlag | Class::HostOnly) {
                prop_assert_eq!(v.guest, 0, "{}.{} ({})", v.register, v.field, v.class.name());
            }
            prop_assert!(!v.reason.trim().is_empty());
            prop_assert!(!v.refs.is_empty());
            prop_assert!(!v.would_change.trim().is_empty());
            let f = regs::by_name(v.register).and_then(|d| d.layout.field(v.field));
            prop_assert!(f.is_some());
            prop_assert!(v.guest <= f.map(|f| f.mask()).unwrap_or(0));
        }
        // Needs-kernel features stay off with any capability set.
        for (reg, field) in [("IDR0", "HTTU"), ("IDR0", "BTM"), ("IDR0", "PRI"), ("IDR3", "MPAM")] {
            if let Some(v) = r.verdicts.iter().find(|v| v.register == reg && v.field == field) {
                prop_assert_eq!(v.guest, 0);
            }
        }
        // The strict guest, claimed back, over-claims nothing.
        let mut guest = RegisterSet::new();
        for (n, v) in &r.guest {
            let x = u64::from_str_radix(v.trim_start_matches("0x"), 16).unwrap_or(0);
            guest.insert_named(n, x, Origin::default());
        }
        let c = forward::check_claim("self", &guest, &r.verdicts);
        prop_assert!(c.over_claims.is_empty(), "{:?}", c.over_claims);
        // Every VMM gives an answer, and refusals say why.
        prop_assert_eq!(r.vmm.len(), 4);
        for v in &r.vmm {
            if !v.accepts {
                prop_assert!(v.messages.iter().any(|m| !m.starts_with("warning:") && !m.starts_with("note:")), "{}: {:?}", v.name, v.messages);
            }
        }
    }

    /// Email output stays quotable: every line under 76 columns, no escape codes.
    #[test]
    fn email_lines_are_short(vals in any::<[u32; 9]>(), vals2 in any::<[u32; 9]>(), two in any::<bool>(), o in opts_strategy()) {
        let mut hosts = vec![("a-host-with-a-rather-long-file-name-to-stress-wrapping.txt", host_from(&vals, 0x1ff))];
        if two {
            hosts.push(("b", host_from(&vals2, 0x1ff)));
        }
        let r = forward::analyze(&hosts, &o);
        for l in r.to_email().lines() {
            prop_assert!(l.chars().count() < 76, "{:?}", l);
            prop_assert!(!l.contains('\x1b'));
        }
        prop_assert!(!r.to_text(false).contains('\x1b'));
    }

    /// A pool's guest is safe on every member: it never exceeds any host's own strict guest.
    #[test]
    fn pool_guest_safe_on_every_host(a in any::<[u32; 9]>(), b in any::<[u32; 9]>(), c in any::<[u32; 9]>()) {
        let hosts = vec![("a", host_from(&a, 0x1ff)), ("b", host_from(&b, 0x1ff)), ("c", host_from(&c, 0x1ff))];
        let o = ForwardOptions::default();
        let pool = forward::analyze(&hosts, &o);
        let conflicts = pool.pool.as_ref().map(|p| p.conflicts.clone()).unwrap_or_default();
        for (_, h) in &hosts {
            let one = forward::analyze(&[("x", h.clone())], &o);
            for (pv, hv) in pool.verdicts.iter().zip(one.verdicts.iter()) {
                prop_assert_eq!((pv.register, pv.field), (hv.register, hv.field));
                if !pv.hardware_backed || conflicts.iter().any(|c| c.starts_with(&format!("{}.{}:", pv.register, pv.field))) {
                    continue;
                }
                prop_assert!(pv.order.safe(pv.guest, hv.guest) || pv.order == Order::Free,
                    "{}.{}: pool {} vs host guest {}", pv.register, pv.field, pv.guest, hv.guest);
            }
        }
    }
}

/// A random nesting host that obeys IHI 0070 6.3's consistency rules by construction:
/// fields drawn through the field model (splitmix64 over `seed`), then the rules applied
/// (SIDSIZE >= 7 needs ST_LEVEL 2-level; GRAN4K with TTF[0]; 52-bit OAS/VA need GRAN64K
/// and SMMUv3.1; PRI/NS1ATS need ATS; features mandatory per AIDR revision).
fn consistent_host(seed: u64) -> RegisterSet {
    let mut x = seed;
    let mut next = |n: u64| {
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % n.max(1)
    };
    let mut g = forward::GuestRegs::zeroed();
    let minor = next(4);
    let ttf = [2, 3][next(2) as usize];
    let ats = next(2);
    let sid = next(33);
    let g64 = next(2);
    let g16 = next(2);
    let g4 = if ttf & 1 == 1 || (g64 == 0 && g16 == 0) { 1 } else { next(2) };
    for (r, f, v) in [
        ("IDR0", "S1P", 1),
        ("IDR0", "S2P", 1),
        ("IDR0", "TTF", ttf),
        ("IDR0", "COHACC", next(2)),
        ("IDR0", "BTM", next(2)),
        ("IDR0", "HTTU", next(3)),
        ("IDR0", "ATS", ats),
        ("IDR0", "NS1ATS", ats & next(2)),
        ("IDR0", "PRI", ats & next(2)),
        ("IDR0", "ASID16", next(2)),
        ("IDR0", "VMID16", next(2)),
        ("IDR0", "CD2L", next(2)),
        ("IDR0", "MSI", next(2)),
        ("IDR0", "SEV", next(2)),
        ("IDR0", "Hyp", if minor >= 2 { 1 } else { next(2) }),
        ("IDR0", "TTENDIAN", [0, 2, 3][next(3) as usize]),
        ("IDR0", "STALL_MODEL", next(3)),
        ("IDR0", "TERM_MODEL", next(2)),
        ("IDR0", "ST_LEVEL", if sid >= 7 { 1 } else { next(2) }),
        ("IDR1", "SIDSIZE", sid),
        ("IDR1", "SSIDSIZE", next(21)),
        ("IDR1", "CMDQS", next(20)),
        ("IDR1", "EVENTQS", next(20)),
        ("IDR1", "PRIQS", next(20)),
        ("IDR3", "HAD", if minor >= 1 { 1 } else { next(2) }),
        ("IDR3", "XNX", if minor >= 1 { 1 } else { next(2) }),
        ("IDR3", "RIL", if minor >= 2 { 1 } else { next(2) }),
        ("IDR3", "BBML", if minor >= 2 { 1 + next(2) } else { next(3) }),
        ("IDR3", "FWB", if minor >= 2 { 1 } else { next(2) }),
        ("IDR3", "E0PD", if minor >= 3 { 1 } else { next(2) }),
        ("IDR3", "PTWNNC", if minor >= 3 { 1 } else { next(2) }),
        ("IDR3", "MPAM", next(2)),
        ("IDR5", "GRAN4K", g4),
        ("IDR5", "GRAN16K", g16),
        ("IDR5", "GRAN64K", g64),
        ("IDR5", "OAS", if g64 == 1 && minor >= 1 { next(7) } else { next(6) }),
        ("IDR5", "VAX", if g64 == 1 && minor >= 1 { next(2) } else { 0 }),
        ("IDR5", "STALL_MAX", next(0x10000)),
        ("AIDR", "ArchMinorRev", minor),
    ] {
        g.set(r, f, v);
    }
    g.to_register_set()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, max_global_rejects: 4096, ..ProptestConfig::default() })]

    /// IHI 0070 6.3 consistency: the strict guest of any host that is itself consistent
    /// (derived::summarize gives it no warning) and can nest is a valid SMMU of the version
    /// it claims: derived::summarize gives the guest no warning either. No exceptions.
    #[test]
    fn strict_guest_of_a_valid_host_is_consistent(seed in any::<u64>(), o in opts_strategy()) {
        let host = consistent_host(seed);
        let hw = smmu_core::derived::summarize(&host).warnings;
        prop_assume!(hw.is_empty());
        let mut o = o;
        o.vmms = vec![forward::Vmm::Strict];
        let r = forward::analyze(&[("h", host)], &o);
        let mut guest = RegisterSet::new();
        for (n, v) in &r.guest {
            let x = u64::from_str_radix(v.trim_start_matches("0x"), 16).unwrap_or(0);
            guest.insert_named(n, x, Origin::default());
        }
        let w = smmu_core::derived::summarize(&guest).warnings;
        prop_assert!(w.is_empty(), "guest {:?}: {:?}", r.guest, w);
        prop_assert_eq!(&r.guest_warnings, &w);
        for v in &r.vmm {
            prop_assert_eq!(&v.guest_warnings, &w);
        }
    }

    /// The generator really produces consistent hosts (so the property above is not vacuous).
    #[test]
    fn consistent_hosts_are_consistent(seed in any::<u64>()) {
        let w = smmu_core::derived::summarize(&consistent_host(seed)).warnings;
        prop_assert!(w.is_empty(), "{:?}", w);
    }
}
