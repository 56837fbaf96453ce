//! Migration pools and claim checks.

use smmu_core::forward::{self, Class, ForwardOptions};
use smmu_core::parse::{parse_bytes, ParseOptions};
use smmu_core::regset::{Origin, RegisterSet};

fn asset(text: &str) -> RegisterSet {
    parse_bytes(text.as_bytes(), &ParseOptions::default()).expect("asset parses").registers
}
fn nested() -> RegisterSet {
    asset(include_str!("../../assets/hosts/qemu-10.0-nested.txt"))
}
fn btm52() -> RegisterSet {
    asset(include_str!("../../assets/hosts/handmade-btm-52bit.txt"))
}

#[test]
fn pool_of_qemu_nested_and_btm_host() {
    let r = forward::analyze(&[("qemu", nested()), ("btm", btm52())], &ForwardOptions::default());
    let p = r.pool.as_ref().expect("pool");
    let d = |f: &str| p.diff.iter().find(|d| d.field == f).unwrap_or_else(|| panic!("no diff for {f}"));
    // Differences the guest never sees: needs-kernel and host-only fields.
    assert!(!d("BTM").matters);
    assert!(!d("HTTU").matters);
    assert!(!d("FWB").matters);
    assert!(!d("XNX").matters);
    // Differences that change the guest.
    for f in ["ATS", "CD2L", "SSIDSIZE", "BBML", "OAS", "GRAN16K", "GRAN64K"] {
        assert!(d(f).matters, "{f}");
    }
    // The pool offers what both have: BBML 1, OAS 0b100 (44-bit), only GRAN4K.
    assert_eq!(d("BBML").pooled_guest, 1);
    assert_eq!(d("OAS").pooled_guest, 4);
    assert_eq!(r.guest.get("IDR5").map(String::as_str), Some("0x00000014"));
    // AIDR 0x1 vs 0x2: the strict guest emulates 3.1 on both, so it does not matter.
    assert!(!d("ArchMinorRev").matters);
    // Top-level guest equals the pool guest; differing VMM guests are reported per host.
    assert_eq!(r.guest, p.guest);
    let ch = r.vmm.iter().find(|v| v.name == "cloud-hypervisor").expect("ch");
    assert_eq!(ch.per_host.len(), 2);
    assert!(ch.messages.iter().any(|m| m.contains("migrated")));
}

#[test]
fn claim_of_qemu_stage1_emulation_against_nested_host() {
    // The IDRs QEMU's own stage-1 emulation presents (real capture), claimed for a guest on
    // the nested host: VMID16 (host-only) over-claims. HAD does not: the host has it, and
    // an SMMUv3.1 with stage 1 must have it (IHI 0070 6.3.4).
    let claim = asset(include_str!("../../assets/samples/qemu-10.0-s1.txt"));
    let o = ForwardOptions { claim: Some(("qemu-s1".into(), claim)), ..Default::default() };
    let r = forward::analyze(&[("nested", nested())], &o);
    let c = r.claim.expect("claim report");
    let over: Vec<String> = c.over_claims.iter().map(|x| format!("{}.{}", x.register, x.field)).collect();
    assert_eq!(over, vec!["IDR0.VMID16"]);
    assert!(c.over_claims.iter().all(|x| !x.reason.is_empty()));
    // Non-ID registers in the claim file are listed as ignored.
    assert!(c.ignored.iter().any(|i| i.contains("CR0")));
}

#[test]
fn claim_btm_and_oversized_oas() {
    let mut claim = RegisterSet::new();
    // BTM (bit 5) on top of QEMU nested IDR0; IDR5 OAS 0b110 (52-bit) on a 44-bit host.
    claim.insert_named("IDR0", 0x0d44101b | 1 << 5, Origin::default());
    claim.insert_named("IDR5", 0x76, Origin::default());
    let o = ForwardOptions { claim: Some(("patch".into(), claim)), ..Default::default() };
    let r = forward::analyze(&[("nested", nested())], &o);
    let c = r.claim.expect("claim");
    let get = |f: &str| c.over_claims.iter().find(|x| x.field == f);
    assert_eq!(get("BTM").map(|x| x.class), Some(Class::NeedsKernel));
    let oas = get("OAS").expect("OAS over-claims");
    assert_eq!((oas.claimed, oas.safe, oas.host), (6, 4, Some(4)));
    assert!(oas.reason.contains("hardware cannot honour"));
    assert!(get("S2P").is_some(), "S2P is host-only");
}
