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
        (0usize..3, 0usize..3, prop_oneof![Just(NumOrAuto::Auto), Just(NumOrAuto::Bits(44)), Just(NumOrAuto::Bits(48))], proptest::option::of(0u8..21)),
    )
        .prop_map(|(caps, pasid, kernel, coh, canwbs, httu, (ril, ats, oas, ssid))| {
            let oa = [OnOffAuto::On, OnOffAuto::Off, OnOffAuto::Auto];
            let mut o = ForwardOptions::default();
            o.caps = caps.map(|c| Caps::from_bits(c).unwrap_or_default());
            o.max_pasid_log2 = pasid;
            o.kernel = kernel.map(|(a, b)| KernelVersion::new(a, b));
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
