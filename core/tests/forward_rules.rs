//! Verdict rules: table consistency, total coverage, and verdicts on independent hosts.
//! Expected values come from the uAPI kdoc (include/uapi/linux/iommufd.h, struct
//! iommu_hw_info_arm_smmuv3) and from QEMU 10.0's published register values.

use smmu_core::forward::{self, Class, ForwardOptions, Verdict};
use smmu_core::parse::{parse_bytes, ParseOptions};
use smmu_core::regs;
use smmu_core::regset::{Origin, RegisterSet};

fn asset(text: &str) -> RegisterSet {
    parse_bytes(text.as_bytes(), &ParseOptions::default()).expect("asset parses").registers
}
fn qemu_nested() -> RegisterSet {
    asset(include_str!("../../assets/hosts/qemu-10.0-nested.txt"))
}
fn full() -> RegisterSet {
    asset(include_str!("../../assets/hosts/handmade-full.txt"))
}
fn idr0_only(v: u64) -> RegisterSet {
    let mut s = RegisterSet::new();
    s.insert_named("IDR0", v, Origin::default());
    s
}
fn verdicts(h: RegisterSet, o: &ForwardOptions) -> Vec<Verdict> {
    forward::analyze(&[("h", h)], o).verdicts
}
fn find<'a>(v: &'a [Verdict], reg: &str, field: &str) -> &'a Verdict {
    v.iter().find(|x| x.register == reg && x.field == field).unwrap_or_else(|| panic!("no verdict for {reg}.{field}"))
}

/// Every (register, field) a rule names exists in the register table (guards typos; the
/// names are IHI 0070's spelling).
#[test]
fn every_rule_names_a_real_field() {
    let mut missing = Vec::new();
    for (r, f) in forward::rule_names() {
        match regs::by_name(r) {
            Some(d) if d.layout.field(f).is_some() => {}
            _ => missing.push(format!("{r}.{f}")),
        }
    }
    assert!(missing.is_empty(), "rules name fields the table lacks: {missing:?}");
}

/// A verdict for every field of IDR0-IDR6/IIDR/AIDR in the table, none skipped.
#[test]
fn every_id_field_gets_exactly_one_verdict() {
    for host in [qemu_nested(), full(), RegisterSet::new()] {
        let v = verdicts(host, &ForwardOptions::default());
        let mut want = Vec::new();
        for r in forward::ID_REGISTERS {
            if let Some(d) = regs::by_name(r) {
                for f in d.layout.fields {
                    want.push((d.name, f.name));
                }
            }
        }
        let got: Vec<(&str, &str)> = v.iter().map(|x| (x.register, x.field)).collect();
        assert_eq!(got, want);
        for x in &v {
            assert!(!x.reason.trim().is_empty(), "{}.{} has no reason", x.register, x.field);
            assert!(!x.refs.is_empty(), "{}.{} has no refs", x.register, x.field);
            assert!(!x.would_change.trim().is_empty(), "{}.{}", x.register, x.field);
            assert!(x.refs[0].starts_with("IHI 0070"), "first ref is the spec section");
        }
    }
}

/// The kdoc's list: these fields are `direct` and forwarded unchanged.
#[test]
fn kdoc_listed_fields_are_direct() {
    let v = verdicts(full(), &ForwardOptions::default());
    let kdoc = [
        ("IDR0", "ST_LEVEL"),
        ("IDR0", "TERM_MODEL"),
        ("IDR0", "STALL_MODEL"),
        ("IDR0", "TTENDIAN"),
        ("IDR0", "CD2L"),
        ("IDR0", "ASID16"),
        ("IDR0", "TTF"),
        ("IDR1", "SIDSIZE"),
        ("IDR1", "SSIDSIZE"),
        ("IDR3", "BBML"),
        ("IDR3", "RIL"),
        ("IDR5", "VAX"),
        ("IDR5", "GRAN64K"),
        ("IDR5", "GRAN16K"),
        ("IDR5", "GRAN4K"),
    ];
    for (r, f) in kdoc {
        let x = find(&v, r, f);
        assert_eq!(x.class, Class::Direct, "{r}.{f}");
        assert_eq!(Some(x.guest), x.host, "{r}.{f} forwarded as is");
    }
    // And nothing else is direct: the kdoc says VMMs must not read other bits. One
    // documented exception: IDR3.HAD, which IHI 0070 6.3.4 makes mandatory with stage 1 in
    // the SMMUv3.1 the strict guest claims, and which the host hardware honours in the
    // guest CDs it walks (no kernel, firmware or VM-flag involvement: rule 4).
    for x in &v {
        if x.class == Class::Direct && (x.register, x.field) != ("IDR3", "HAD") {
            assert!(
                kdoc.contains(&(x.register, x.field)),
                "{}.{} is direct but not in the kdoc list",
                x.register,
                x.field
            );
        }
    }
}

/// kdoc: S1P and COHACC assumed, ATS per device, HTTU/BTM not supported for nesting.
#[test]
fn kdoc_special_cases() {
    // QEMU 10.0 nested: IDR0 = 0x0d44101b (S2P, S1P, TTF=AArch64, COHACC, ASID16, VMID16,
    // TTENDIAN=LE, STALL_MODEL=1, TERM_MODEL=1, ST_LEVEL=2-level).
    let v = verdicts(idr0_only(0x0d44101b), &ForwardOptions::default());
    assert_eq!(find(&v, "IDR0", "S1P").class, Class::Assumed);
    assert_eq!(find(&v, "IDR0", "S1P").guest, 1);
    assert_eq!(find(&v, "IDR0", "COHACC").class, Class::Assumed);
    assert_eq!(find(&v, "IDR0", "COHACC").guest, 1);
    assert_eq!(find(&v, "IDR0", "ATS").class, Class::PerDevice);
    assert_eq!(find(&v, "IDR0", "S2P").class, Class::HostOnly);
    assert_eq!(find(&v, "IDR0", "S2P").guest, 0);
    assert_eq!(find(&v, "IDR0", "Hyp").class, Class::HostOnly);

    // Hand-made: BTM=1, HTTU=0b10 (0x0d44101b | BTM bit 5 | HTTU 0b10 at bits 7:6).
    let v = verdicts(idr0_only(0x0d44101b | 1 << 5 | 2 << 6), &ForwardOptions::default());
    for f in ["BTM", "HTTU"] {
        let x = find(&v, "IDR0", f);
        assert_eq!(x.class, Class::NeedsKernel, "{f}");
        assert_eq!(x.guest, 0, "{f} stays off");
        assert!(x.host.unwrap_or(0) > 0);
    }
    // HTTU=0b11 (hand-made), IORT HTTU override, dirty-tracking cap: still off.
    let mut o = ForwardOptions::default();
    o.firmware.httu_override = Some(2);
    o.caps = Some(smmu_core::forward::Caps { dirty_tracking: true, ..Default::default() });
    let v = verdicts(idr0_only(0x0d44101b | 3 << 6), &o);
    assert_eq!(find(&v, "IDR0", "HTTU").guest, 0);
    assert_eq!(find(&v, "IDR0", "HTTU").host, Some(2), "firmware override replaces IDR0.HTTU");
}

/// The strict guest IDR0 of QEMU's nested SMMU: S2P and VMID16 dropped (host-only).
#[test]
fn strict_guest_idr0_for_qemu_nested() {
    let r = forward::analyze(&[("qemu", idr0_only(0x0d44101b))], &ForwardOptions::default());
    // 0x0d44101b without S2P (bit 0) and VMID16 (bit 18): from IHI 0070 6.3.1 positions.
    assert_eq!(r.guest.get("IDR0").map(String::as_str), Some("0x0d40101a"));
}

#[test]
fn ats_is_per_device_and_follows_the_capability() {
    // Host with ATS (bit 10).
    let host = idr0_only(0x0d44101b | 1 << 10);
    let v = verdicts(host.clone(), &ForwardOptions::default());
    assert_eq!(find(&v, "IDR0", "ATS").guest, 1);
    let o = ForwardOptions {
        caps: Some(smmu_core::forward::Caps::parse("pci-ats-not-supported").unwrap()),
        ..ForwardOptions::default()
    };
    let v = verdicts(host, &o);
    assert_eq!(find(&v, "IDR0", "ATS").guest, 0);
    assert!(find(&v, "IDR0", "ATS").reason.contains("ATS_NOT_SUPPORTED"));
}

#[test]
fn cohacc_zero_becomes_a_firmware_question() {
    // 0x0d44101b without COHACC (bit 4).
    let host = idr0_only(0x0d44100b);
    let v = verdicts(host.clone(), &ForwardOptions::default());
    assert_eq!(find(&v, "IDR0", "COHACC").class, Class::NeedsFirmware);
    assert_eq!(find(&v, "IDR0", "COHACC").guest, 0);
    let mut o = ForwardOptions::default();
    o.firmware.coherent = Some(true);
    let v = verdicts(host, &o);
    assert_eq!(find(&v, "IDR0", "COHACC").guest, 1);
}

#[test]
fn ssidsize_is_capped_by_max_pasid_log2() {
    let v = verdicts(full(), &ForwardOptions { max_pasid_log2: Some(8), ..Default::default() });
    let x = find(&v, "IDR1", "SSIDSIZE");
    assert_eq!(x.host, Some(20));
    assert_eq!(x.guest, 8);
}

#[test]
fn feature_rich_host_verdicts() {
    // handmade-full.txt: SIDSIZE 32, OAS 0b110, MPAM, FWB, PRI, E0PD.
    let v = verdicts(full(), &ForwardOptions::default());
    assert_eq!(find(&v, "IDR1", "SIDSIZE").guest, 32);
    assert_eq!(find(&v, "IDR5", "OAS").guest, 6);
    assert_eq!(find(&v, "IDR5", "OAS").class, Class::VmmDefined);
    assert_eq!(find(&v, "IDR3", "MPAM").class, Class::NeedsKernel);
    assert_eq!(find(&v, "IDR3", "MPAM").guest, 0);
    assert_eq!(find(&v, "IDR3", "FWB").class, Class::HostOnly);
    assert_eq!(find(&v, "IDR0", "PRI").class, Class::NeedsKernel);
    assert_eq!(find(&v, "IDR3", "E0PD").guest, 0);
    assert_eq!(find(&v, "IIDR", "ProductID").class, Class::VmmDefined);
    assert_eq!(find(&v, "IIDR", "ProductID").guest, 0);
    // AIDR 0x2 (SMMUv3.2): strict emulates 3.1.
    assert_eq!(find(&v, "AIDR", "ArchMinorRev").guest, 1);
    // STALL_MODEL 0 (both): STALL_MAX forwarded.
    assert_eq!(find(&v, "IDR5", "STALL_MAX").guest, 0x80);
}

#[test]
fn old_kernel_is_refused_everywhere() {
    let o = ForwardOptions { kernel: Some(smmu_core::forward::KernelVersion::new(6, 12)), ..Default::default() };
    let r = forward::analyze(&[("qemu", qemu_nested())], &o);
    assert!(r.vmm.iter().all(|v| !v.accepts));
    assert!(r.vmm.iter().all(|v| v.messages.iter().any(|m| m.contains("6.13"))));
}

/// Orders follow the IHI 0070 encodings: STALL_MODEL 0 = stall and terminate, 1 = terminate
/// only, 2 = stall forced; TTENDIAN 0 = mixed, 2 = little, 3 = big; TTF 1/2/3 = AArch32,
/// AArch64, both; TERM_MODEL 1 = abort only (less than 0).
#[test]
fn orders_follow_the_encodings() {
    use smmu_core::forward::Order;
    assert!(Order::StallModel.safe(1, 0) && Order::StallModel.safe(2, 0));
    assert!(!Order::StallModel.safe(0, 1) && !Order::StallModel.safe(1, 2) && !Order::StallModel.safe(0, 2));
    assert!(Order::Endian.safe(2, 0) && Order::Endian.safe(3, 0));
    assert!(!Order::Endian.safe(0, 2) && !Order::Endian.safe(3, 2));
    assert!(Order::Subset.safe(2, 3) && !Order::Subset.safe(3, 2) && !Order::Subset.safe(1, 2));
    assert!(Order::AtLeast.safe(1, 0) && !Order::AtLeast.safe(0, 1));
    assert_eq!(Order::StallModel.meet(0, 2), (2, false));
    assert!(Order::StallModel.meet(1, 2).1, "terminate-only and stall-forced cannot be pooled");
    assert!(Order::Endian.meet(2, 3).1);
    assert_eq!(Order::Subset.meet(3, 2), (2, false));
}

/// The TERM_MODEL and STALL_MODEL values of the hand-made stall-forced host reach the guest.
#[test]
fn stall_forced_host() {
    let odd = asset(include_str!("../../assets/hosts/handmade-odd.txt"));
    let v = verdicts(odd, &ForwardOptions::default());
    assert_eq!(find(&v, "IDR0", "STALL_MODEL").guest, 2);
    assert_eq!(find(&v, "IDR0", "TERM_MODEL").guest, 1);
    assert_eq!(find(&v, "IDR0", "TTENDIAN").guest, 3);
    // HTTU=0b11 on the host still gives the guest nothing.
    assert_eq!(find(&v, "IDR0", "HTTU").host, Some(3));
    assert_eq!(find(&v, "IDR0", "HTTU").guest, 0);
    // STALL_MODEL 2 allows stalls, so STALL_MAX is forwarded (the host has 0).
    assert_eq!(find(&v, "IDR5", "STALL_MAX").guest, 0);
}

#[test]
fn no_hosts_or_empty_host_never_panics() {
    let none: [(&str, RegisterSet); 0] = [];
    let r = forward::analyze(&none, &ForwardOptions::default());
    assert!(r.vmm.iter().all(|v| !v.accepts));
    let _ = (r.to_text(true), r.to_email());
    let r = forward::analyze(&[("empty", RegisterSet::new())], &ForwardOptions::default());
    assert!(r.vmm.iter().all(|v| !v.accepts), "no IDR0: nobody can tell whether the host nests");
    assert!(r.verdicts.iter().all(|v| v.host.is_none()));
    let _ = (r.to_text(true), r.to_email());
}

/// QEMU 10.0 stage-2-only SMMU (real capture, IDR0=0x0d441019: S2P without S1P): no
/// nesting, so S1P is not offered and every profile is refused by the kernel check.
#[test]
fn qemu_stage2_only_cannot_nest() {
    let s2 = asset(include_str!("../../assets/samples/qemu-10.0-s2.txt"));
    let r = forward::analyze(&[("s2", s2)], &ForwardOptions::default());
    let s1p = find(&r.verdicts, "IDR0", "S1P");
    assert_eq!((s1p.host, s1p.guest, s1p.class), (Some(0), 0, Class::Assumed));
    assert!(r.vmm.iter().all(|v| !v.accepts));
    assert!(r.vmm.iter().all(|v| v.messages.iter().any(|m| m.contains("IDR0.S1P=0, IDR0.S2P=1"))));
}

// ---- The strict guest as an SMMU of the revision it claims (IHI 0070 6.3).
// Field positions used below (IHI 0070 6.3.4 SMMU_IDR3: HAD bit 2; 6.3.8 SMMU_AIDR:
// ArchMinorRev [3:0]; 6.3.6 SMMU_IDR5: OAS [2:0], GRAN4K 4, GRAN64K 6, VAX [11:10];
// 6.3.1 SMMU_IDR0: NS1ATS bit 11).

fn guest_hex(r: &forward::ForwardReport, reg: &str) -> u64 {
    r.guest.get(reg).and_then(|v| u64::from_str_radix(v.trim_start_matches("0x"), 16).ok()).unwrap_or(u64::MAX)
}

/// 6.3.4: "HAD ... mandatory in SMMUv3.1 and later when stage 1 is supported". QEMU's host
/// has HAD (IDR3 0x1404) and AIDR 3.1: the strict guest keeps both and decodes cleanly.
#[test]
fn strict_guest_keeps_had_with_smmuv3_1() {
    let r = forward::analyze(&[("q", qemu_nested())], &ForwardOptions::default());
    assert_eq!(guest_hex(&r, "IDR3") >> 2 & 1, 1, "HAD");
    assert_eq!(guest_hex(&r, "AIDR") & 0xf, 1, "SMMUv3.1");
    let v = &r.verdicts;
    assert_eq!(find(v, "IDR3", "HAD").class, Class::Direct);
    assert!(find(v, "IDR3", "HAD").reason.contains("6.3.4"));
    assert!(r.guest_warnings.is_empty(), "{:?}", r.guest_warnings);
}

/// The same host without HAD (IDR3 = 0x1400): the guest cannot have HAD, so it claims
/// SMMUv3.0 (AIDR 0), where HAD is optional, and VAX (RES0 in 3.0) is 0.
#[test]
fn strict_guest_without_host_had_claims_smmuv3_0() {
    let mut h = qemu_nested();
    h.insert_named("IDR3", 0x1400, Origin::default());
    h.insert_named("IDR5", 0x475, Origin::default()); // VAX 1, GRAN64K, 4K, OAS 44
    let r = forward::analyze(&[("q", h)], &ForwardOptions::default());
    assert_eq!(guest_hex(&r, "IDR3") >> 2 & 1, 0);
    assert_eq!(guest_hex(&r, "AIDR") & 0xf, 0);
    assert_eq!(guest_hex(&r, "IDR5") >> 10 & 3, 0, "VAX is RES0 in SMMUv3.0");
    assert!(find(&r.verdicts, "AIDR", "ArchMinorRev").reason.contains("HAD"));
    assert!(r.guest_warnings.is_empty(), "{:?}", r.guest_warnings);
}

/// 6.3.6: a 52-bit OAS needs GRAN64K, DS or D128. handmade-btm-52bit has OAS 0b110 with
/// only GRAN4K (a host decode warns about); the guest has no DS/D128, so it gets 48 bits.
#[test]
fn strict_guest_oas_obeys_the_granule_rule() {
    let h = asset(include_str!("../../assets/hosts/handmade-btm-52bit.txt"));
    let r = forward::analyze(&[("b", h)], &ForwardOptions::default());
    assert_eq!(guest_hex(&r, "IDR5") & 7, 0b101);
    assert!(find(&r.verdicts, "IDR5", "OAS").reason.contains("lowered"));
    assert!(r.guest_warnings.is_empty(), "{:?}", r.guest_warnings);
}

/// 6.3.1: NS1ATS is RES0 when S2P == 0; the guest never has stage 2.
#[test]
fn strict_guest_ns1ats_is_res0() {
    let r = forward::analyze(&[("f", full())], &ForwardOptions::default());
    assert_eq!(guest_hex(&r, "IDR0") >> 11 & 1, 0);
    assert_eq!(guest_hex(&r, "IDR0") & 1, 0, "no S2P");
}

/// handmade-odd calls itself architected: smmu decode's consistency rules agree (QA
/// finding 18: SIDSIZE >= 7 needs a 2-level stream table, 6.3.2; GRAN4K with TTF[0], 6.3.6).
#[test]
fn handmade_odd_is_consistent() {
    let h = asset(include_str!("../../assets/hosts/handmade-odd.txt"));
    assert_eq!(h.field("IDR1", "SIDSIZE"), Some(6));
    assert_eq!(h.field("IDR0", "ST_LEVEL"), Some(0));
    assert_eq!(smmu_core::derived::summarize(&h).warnings, Vec::<String>::new());
}
