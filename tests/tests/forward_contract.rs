//! `smmu forward` as a patch reviewer uses it: the JSON contract of issue 3, the rules of the
//! uAPI kdoc (include/uapi/linux/iommufd.h, struct iommu_hw_info_arm_smmuv3: idr[0] ST_LEVEL,
//! TERM_MODEL, STALL_MODEL, TTENDIAN, CD2L, ASID16, TTF; idr[1] SIDSIZE, SSIDSIZE; idr[3] BBML,
//! RIL; idr[5] VAX, GRAN64K, GRAN16K, GRAN4K; HTTU, BTM, MPAM unsupported for nesting), QEMU's
//! accel checks (hw/arm/smmuv3-accel.c: smmuv3_accel_check_hw_compatible), the email format.
mod common;
use common::*;

/// Field positions, IHI 0070 6.3.1/6.3.2/6.3.4/6.3.6.
const KDOC_FIELDS: &[(&str, &str, u32, u32)] = &[
    ("IDR0", "ST_LEVEL", 27, 2),
    ("IDR0", "TERM_MODEL", 26, 1),
    ("IDR0", "STALL_MODEL", 24, 2),
    ("IDR0", "TTENDIAN", 21, 2),
    ("IDR0", "CD2L", 19, 1),
    ("IDR0", "ASID16", 12, 1),
    ("IDR0", "TTF", 2, 2),
    ("IDR1", "SIDSIZE", 0, 6),
    ("IDR1", "SSIDSIZE", 6, 5),
    ("IDR3", "BBML", 11, 2),
    ("IDR3", "RIL", 10, 1),
    ("IDR5", "VAX", 10, 2),
    ("IDR5", "GRAN64K", 6, 1),
    ("IDR5", "GRAN16K", 5, 1),
    ("IDR5", "GRAN4K", 4, 1),
];
/// Features the kdoc says the kernel does not support for nesting, and stage 2 / EL2,
/// which a guest vSMMU never gets.
const NEVER: &[(&str, &str, u32, u32)] = &[
    ("IDR0", "HTTU", 6, 2),
    ("IDR0", "BTM", 5, 1),
    ("IDR3", "MPAM", 7, 1),
    ("IDR0", "S2P", 0, 1),
    ("IDR0", "Hyp", 9, 1),
];

fn bits(v: u64, lsb: u32, w: u32) -> u64 {
    (v >> lsb) & ((1 << w) - 1)
}

fn host_values(path: &std::path::Path) -> std::collections::BTreeMap<String, u64> {
    let v = smmu(["decode".as_ref(), "--json".as_ref(), path.as_os_str()]).json();
    v["registers"]
        .as_array()
        .expect("registers")
        .iter()
        .map(|r| (r["name"].as_str().unwrap_or("").to_string(), hex(&r["value"])))
        .collect()
}

fn hosts() -> Vec<std::path::PathBuf> {
    vec![
        asset("samples/qemu-10.0-nested.txt"),
        asset("hosts/handmade-full.txt"),
        asset("hosts/handmade-btm-52bit.txt"),
        asset("hosts/handmade-odd.txt"),
    ]
}

#[test]
fn json_contract_of_issue_3() {
    let v = smmu(["forward".as_ref(), asset("samples/qemu-10.0-nested.txt").as_os_str(), "--json".as_ref()]).json();
    let verdicts = v["verdicts"].as_array().expect("verdicts");
    assert!(verdicts.len() >= 60, "a verdict for every IDR/IIDR/AIDR field");
    let classes = [
        "direct",
        "assumed",
        "per-device",
        "needs-kernel",
        "needs-firmware",
        "needs-vm-flag",
        "vmm-defined",
        "host-only",
    ];
    for x in verdicts {
        for k in ["register", "field", "host", "guest", "class", "reason", "refs"] {
            assert!(x.get(k).is_some(), "verdict has {k}: {x}");
        }
        assert!(classes.contains(&x["class"].as_str().unwrap_or("")), "class {}", x["class"]);
        assert!(x["reason"].as_str().is_some_and(|r| r.len() > 10), "every verdict has a reason: {x}");
        assert!(x["refs"].as_array().is_some_and(|r| !r.is_empty()), "refs: {x}");
    }
    for r in ["IDR0", "IDR1", "IDR3", "IDR5", "IIDR", "AIDR"] {
        let g = v["guest"][r].as_str().unwrap_or_else(|| panic!("guest.{r}"));
        assert!(g.starts_with("0x"), "{g}");
    }
    let vmm = v["vmm"].as_array().expect("vmm");
    let names: Vec<&str> = vmm.iter().filter_map(|m| m["name"].as_str()).collect();
    for n in ["strict", "qemu-accel", "cloud-hypervisor", "openvmm"] {
        assert!(names.contains(&n), "profile {n}");
    }
    for m in vmm {
        assert!(m["accepts"].is_boolean());
        assert!(m["messages"].is_array());
    }
    // The kdoc classes: S1P and COHACC assumed, ATS per device, HTTU/BTM needs-kernel.
    let class = |r: &str, f: &str| {
        verdicts
            .iter()
            .find(|x| x["register"] == r && x["field"] == f)
            .map(|x| x["class"].as_str().unwrap_or("").to_string())
    };
    assert_eq!(class("IDR0", "S1P").as_deref(), Some("assumed"));
    assert_eq!(class("IDR0", "COHACC").as_deref(), Some("assumed"));
    assert_eq!(class("IDR0", "ATS").as_deref(), Some("per-device"));
    assert_eq!(class("IDR0", "HTTU").as_deref(), Some("needs-kernel"));
    assert_eq!(class("IDR0", "BTM").as_deref(), Some("needs-kernel"));
    for (r, f, _, _) in KDOC_FIELDS {
        assert_eq!(class(r, f).as_deref(), Some("direct"), "{r}.{f} is in the kdoc list");
    }
}

/// The strict guest never exceeds the host in a kdoc field and never gets HTTU, BTM, MPAM,
/// S2P or Hyp, on QEMU's nested SMMU and on hand-made hosts that have all of them.
#[test]
fn strict_guest_is_bounded_by_host_and_kdoc() {
    for h in hosts() {
        let host = host_values(&h);
        let v =
            smmu(["forward".as_ref(), h.as_os_str(), "--vmm".as_ref(), "strict".as_ref(), "--json".as_ref()]).json();
        for (r, f, lsb, w) in KDOC_FIELDS {
            let g = bits(hex(&v["guest"][*r]), *lsb, *w);
            let hv = bits(*host.get(*r).unwrap_or(&0), *lsb, *w);
            match *f {
                // Inverted or non-ordered encodings: the guest must equal the host.
                "TTENDIAN" | "TTF" | "STALL_MODEL" | "TERM_MODEL" => {
                    if hv != 0 || *f == "TTENDIAN" {
                        assert!(
                            g == hv || (*f == "TTENDIAN" && hv == 0),
                            "{}: {r}.{f} guest {g} host {hv}",
                            h.display()
                        );
                    }
                }
                _ => assert!(g <= hv, "{}: {r}.{f} guest {g} > host {hv}", h.display()),
            }
        }
        for (r, f, lsb, w) in NEVER {
            assert_eq!(bits(hex(&v["guest"][*r]), *lsb, *w), 0, "{}: {r}.{f} is never forwarded", h.display());
        }
    }
}

/// The strict guest presents exactly the host's kdoc fields for QEMU's own nested SMMU
/// (IDR0 = 0x0d44101b, IDR1 = 0x02730010, IDR3 = 0x1414, IDR5 = 0x74).
#[test]
fn strict_guest_of_qemu_nested_keeps_kdoc_fields() {
    let v = smmu(["forward".as_ref(), asset("samples/qemu-10.0-nested.txt").as_os_str(), "--json".as_ref()]).json();
    let host = [("IDR0", 0x0d44101bu64), ("IDR1", 0x02730010), ("IDR3", 0x1414), ("IDR5", 0x74)];
    for (r, f, lsb, w) in KDOC_FIELDS {
        let hv = host.iter().find(|x| x.0 == *r).map(|x| x.1).unwrap_or(0);
        assert_eq!(bits(hex(&v["guest"][*r]), *lsb, *w), bits(hv, *lsb, *w), "{r}.{f}");
    }
    // S1P is assumed and the host can nest (S1P and S2P).
    assert_eq!(bits(hex(&v["guest"]["IDR0"]), 1, 1), 1);
    let strict = v["vmm"].as_array().expect("vmm").iter().find(|m| m["name"] == "strict").expect("strict").clone();
    assert_eq!(strict["accepts"], true);
}

/// A host without both stages cannot nest: ARM_SMMU_FEAT_NESTING needs S1P and S2P, so
/// every VMM is refused (IOMMU_VIOMMU_ALLOC fails).
#[test]
fn single_stage_hosts_are_refused() {
    for s in ["samples/qemu-10.0-s1.txt", "samples/qemu-10.0-s2.txt"] {
        let v = smmu(["forward".as_ref(), asset(s).as_os_str(), "--json".as_ref()]).json();
        for m in v["vmm"].as_array().expect("vmm") {
            assert_eq!(m["accepts"], false, "{s}: {} must refuse", m["name"]);
        }
    }
}

fn qemu_accel(idr0: u32, idr1: u32, idr3: u32, idr5: u32) -> (bool, Vec<String>) {
    let text = format!("IDR0 = 0x{idr0:08x}\nIDR1 = 0x{idr1:08x}\nIDR2 = 0x0\nIDR3 = 0x{idr3:08x}\nIDR4 = 0x0\nIDR5 = 0x{idr5:08x}\nIIDR = 0x0\nAIDR = 0x1\n");
    let v = smmu_stdin(["forward", "-", "--vmm", "qemu-accel", "--json"], text.as_bytes()).json();
    let m = v["vmm"].as_array().expect("vmm").iter().find(|m| m["name"] == "qemu-accel").expect("qemu-accel").clone();
    let msgs =
        m["messages"].as_array().expect("messages").iter().filter_map(|x| x.as_str().map(String::from)).collect();
    (m["accepts"].as_bool().expect("accepts"), msgs)
}

/// QEMU hw/arm/smmuv3-accel.c smmuv3_accel_check_hw_compatible(): the host must match QEMU's
/// own vSMMU (ST_LEVEL 2-level, LE tables, AArch64 TTF, SIDSIZE >= 16, RIL when ril=on,
/// OAS >= 44, the same 4K/16K/64K granules), with its error_setg() messages.
#[test]
fn qemu_accel_refusals_follow_qemu_source() {
    let (ok, _) = qemu_accel(0x0d44101b, 0x02730010, 0x1414, 0x74);
    assert!(ok, "QEMU accepts a host like its own nested SMMU");
    let cases: &[(u32, u32, u32, u32, &str)] = &[
        (0x0544101b, 0x02730010, 0x1414, 0x74, "Stream Table format mismatch"),
        (0x0d64101b, 0x02730010, 0x1414, 0x74, "doesn't support Little-endian"),
        (0x0d441017, 0x02730010, 0x1414, 0x74, "doesn't support AArch64"),
        (0x0d44101b, 0x02730008, 0x1414, 0x74, "SIDSIZE not compatible"),
        (0x0d44101b, 0x02730010, 0x1014, 0x74, "Range Invalidation"),
        (0x0d44101b, 0x02730010, 0x1414, 0x72, "40-bit IPA"),
        (0x0d44101b, 0x02730010, 0x1414, 0x64, "4K translation granule"),
        (0x0d44101b, 0x02730010, 0x1414, 0x54, "16K translation granule"),
        (0x0d44101b, 0x02730010, 0x1414, 0x34, "64K translation granule"),
    ];
    for (i0, i1, i3, i5, msg) in cases {
        let (ok, msgs) = qemu_accel(*i0, *i1, *i3, *i5);
        assert!(!ok, "{msg}: QEMU refuses");
        assert!(msgs.iter().any(|m| m.contains(msg)), "{msg} in {msgs:?}");
    }
    // Mixed-endian hosts (TTENDIAN 0b00) and larger OAS pass QEMU's checks.
    assert!(qemu_accel(0x0d04101b, 0x02730010, 0x1414, 0x74).0);
    assert!(qemu_accel(0x0d44101b, 0x02730010, 0x1414, 0x75).0);
}

#[test]
fn email_format_fits_76_columns() {
    let n = asset("samples/qemu-10.0-nested.txt");
    let f = asset("hosts/handmade-full.txt");
    let claim = scratch("claim-email.txt", b"IDR0 = 0x0d4410fb\nIDR1 = 0x02730014\nIDR5 = 0x75\n");
    for args in [
        vec![n.as_os_str(), "--format".as_ref(), "email".as_ref()],
        vec![n.as_os_str(), f.as_os_str(), "--format".as_ref(), "email".as_ref()],
        vec![n.as_os_str(), "--claim".as_ref(), claim.as_os_str(), "--format".as_ref(), "email".as_ref()],
        vec![f.as_os_str(), "--vmm".as_ref(), "openvmm".as_ref(), "--format".as_ref(), "email".as_ref()],
    ] {
        let mut a: Vec<&std::ffi::OsStr> = vec!["forward".as_ref()];
        a.extend(args.iter().copied());
        let out = smmu(&a);
        let text = out.ok();
        assert!(text.lines().count() > 10);
        for (i, l) in text.lines().enumerate() {
            assert!(l.chars().count() < 76, "line {} is {} columns: {l}", i + 1, l.chars().count());
            assert!(!l.contains('\u{1b}'), "no escape codes in email");
        }
    }
}

/// Claim check: a guest IDR set claiming HTTU, BTM, S2P, 20-bit SIDSIZE and 48-bit OAS on
/// QEMU's nested host (which has none of them) is flagged field by field; the strict guest
/// itself claims nothing extra.
#[test]
fn claim_check() {
    let host = asset("samples/qemu-10.0-nested.txt");
    // IDR0 = 0x0d4410fb: S2P, S1P, TTF=2, COHACC, BTM, HTTU=0b11 ...; IDR1.SIDSIZE = 20; IDR5.OAS = 0b101.
    let claim = scratch("claim.txt", b"IDR0 = 0x0d4410fb\nIDR1 = 0x02730014\nIDR3 = 0x00001404\nIDR5 = 0x00000075\n");
    let v =
        smmu(["forward".as_ref(), host.as_os_str(), "--claim".as_ref(), claim.as_os_str(), "--json".as_ref()]).json();
    let over: Vec<(String, String)> = v["claim"]["over_claims"]
        .as_array()
        .expect("over_claims")
        .iter()
        .map(|o| (o["register"].as_str().unwrap_or("").to_string(), o["field"].as_str().unwrap_or("").to_string()))
        .collect();
    for (r, f) in [("IDR0", "S2P"), ("IDR0", "BTM"), ("IDR0", "HTTU"), ("IDR1", "SIDSIZE"), ("IDR5", "OAS")] {
        assert!(over.iter().any(|(a, b)| a == r && b == f), "{r}.{f} over-claims: {over:?}");
    }
    for o in v["claim"]["over_claims"].as_array().expect("over") {
        assert!(o["reason"].as_str().is_some_and(|r| !r.is_empty()));
    }
    // Claim exactly what the strict profile presents: nothing over-claims.
    let g = smmu(["forward".as_ref(), host.as_os_str(), "--json".as_ref()]).json();
    let text: String = g["guest"]
        .as_object()
        .expect("guest")
        .iter()
        .map(|(k, x)| format!("{k} = {}\n", x.as_str().unwrap_or("")))
        .collect();
    let c2 = scratch("claim-strict.txt", text.as_bytes());
    let v = smmu(["forward".as_ref(), host.as_os_str(), "--claim".as_ref(), c2.as_os_str(), "--json".as_ref()]).json();
    assert_eq!(v["claim"]["over_claims"].as_array().map(|a| a.len()), Some(0), "{}", v["claim"]);
}

/// A migration pool: the common guest is safe on every host (kdoc fields at most each
/// host's value), e.g. SIDSIZE min(16, 32) = 16 and OAS min(44, 52) bits.
#[test]
fn pool_guest_is_safe_on_every_host() {
    let a = asset("samples/qemu-10.0-nested.txt");
    let b = asset("hosts/handmade-btm-52bit.txt");
    let v = smmu(["forward".as_ref(), a.as_os_str(), b.as_os_str(), "--json".as_ref()]).json();
    let ha = host_values(&a);
    let hb = host_values(&b);
    for (r, f, lsb, w) in KDOC_FIELDS {
        if matches!(*f, "TTENDIAN" | "TTF" | "STALL_MODEL" | "TERM_MODEL") {
            continue;
        }
        let g = bits(hex(&v["guest"][*r]), *lsb, *w);
        let m = bits(ha[*r], *lsb, *w).min(bits(hb[*r], *lsb, *w));
        assert!(g <= m, "{r}.{f}: pool guest {g} > min host {m}");
    }
    // handmade-btm-52bit has only the 4K granule: the pool guest must not offer 16K/64K.
    assert_eq!(bits(hex(&v["guest"]["IDR5"]), 5, 2), 0);
    assert!(bits(hex(&v["guest"]["IDR5"]), 0, 3) <= 4, "OAS at most 44 bits");
}

/// The strict guest IDR set should be a valid SMMUv3 of the version it claims: smmu decode's
/// own consistency checks give no warning for it (IHI 0070 6.3.4: HAD is mandatory in
/// SMMUv3.1 and later when stage 1 is supported; the strict guest has AIDR 3.1, S1P, HAD 0).
#[test]
fn strict_guest_passes_decode_consistency() {
    let v = smmu([
        "forward".as_ref(),
        asset("samples/qemu-10.0-nested.txt").as_os_str(),
        "--vmm".as_ref(),
        "strict".as_ref(),
        "--json".as_ref(),
    ])
    .json();
    let text: String = v["guest"]
        .as_object()
        .expect("guest")
        .iter()
        .map(|(k, x)| format!("{k} = {}\n", x.as_str().unwrap_or("")))
        .collect();
    let d = smmu_stdin(["decode", "--json", "-"], text.as_bytes()).json();
    let w = d["summary"]["warnings"].as_array().cloned().unwrap_or_default();
    assert!(w.is_empty(), "warnings on the strict guest: {w:?}");
}

#[test]
fn forward_bad_inputs() {
    let bad = scratch("fw-bad.txt", b"IDR0 = 0x0d44101a\nIDR0 = 0x0d44101b\n");
    let r = smmu(["forward".as_ref(), bad.as_os_str()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("line 2"), "{}", r.stderr);
    let r = smmu(["forward", "/nonexistent/host.txt"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let r = smmu([
        "forward".as_ref(),
        asset("samples/qemu-10.0-nested.txt").as_os_str(),
        "--vmm".as_ref(),
        "no-such-vmm".as_ref(),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = smmu([
        "forward".as_ref(),
        asset("samples/qemu-10.0-nested.txt").as_os_str(),
        "--fw-httu-override".as_ref(),
        "9".as_ref(),
    ]);
    assert!(r.code == 1 || r.code == 2, "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"));
}

/// Linux facts: IOMMU_HW_INFO_TYPE_ARM_SMMUV3 / IOMMU_VIOMMU_TYPE_ARM_SMMUV3 arrived in 6.13,
/// so an older host kernel cannot nest at all; arm-smmu-v3-iommufd.c refuses a vIOMMU when
/// the device is not CANWBS and the SMMU has no S2FWB (IDR3.FWB = 0 on QEMU's SMMU).
#[test]
fn kernel_version_and_canwbs_gate_every_vmm() {
    let n = asset("samples/qemu-10.0-nested.txt");
    let v = smmu(["forward".as_ref(), n.as_os_str(), "--kernel".as_ref(), "6.12".as_ref(), "--json".as_ref()]).json();
    assert!(v["vmm"].as_array().expect("vmm").iter().all(|m| m["accepts"] == false), "6.12 cannot nest");
    let v = smmu([
        "forward".as_ref(),
        n.as_os_str(),
        "--kernel".as_ref(),
        "6.13".as_ref(),
        "--fw-canwbs=true".as_ref(),
        "--json".as_ref(),
    ])
    .json();
    assert!(v["vmm"].as_array().expect("vmm").iter().any(|m| m["accepts"] == true), "6.13 with CANWBS can nest");
    let v = smmu(["forward".as_ref(), n.as_os_str(), "--fw-canwbs=false".as_ref(), "--json".as_ref()]).json();
    for m in v["vmm"].as_array().expect("vmm") {
        assert_eq!(m["accepts"], false, "{}: no CANWBS and no S2FWB", m["name"]);
    }
    assert_eq!(smmu(["forward".as_ref(), n.as_os_str(), "--kernel".as_ref(), "banana".as_ref()]).code, 2);
}

/// Cloud Hypervisor devices/src/smmuv3.rs, Smmuv3::set_host_id_regs(): IDR0 = IDR0_VALUE &
/// (host | !IDR0_HOST_GATED) (+ATS per device), IDR1 = IDR1_VALUE with the host's SSIDSIZE,
/// IDR5 = OAS min(48-bit, host) and granules {4K, 64K} & host (its own if that is empty);
/// IDR2-4, IIDR and AIDR read as 0. Constants from that file: IDR0_VALUE = S1P | TTF AArch64 |
/// COHACC | ASID16 | VMID16 | CD2L | TTENDIAN LE | STALL_MODEL 0b01 | ST_LEVEL 2-level;
/// host-gated COHACC, ASID16, VMID16, CD2L, ST_LEVEL; IDR1_VALUE = SIDSIZE 16, CMDQS = EVENTQS = 19.
#[test]
fn cloud_hypervisor_profile_follows_its_source() {
    const IDR0_VALUE: u64 =
        0x2 | (0b10 << 2) | (1 << 4) | (1 << 12) | (1 << 18) | (1 << 19) | (0b10 << 21) | (0b01 << 24) | (0b01 << 27);
    const GATED: u64 = (1 << 4) | (1 << 12) | (1 << 18) | (1 << 19) | (0b01 << 27);
    const IDR1_VALUE: u64 = 16 | (19 << 21) | (19 << 16);
    const SSID: u64 = 0x1f << 6;
    const IDR5_VALUE: u64 = 0b101 | (1 << 4) | (1 << 6);
    for h in hosts() {
        let host = host_values(&h);
        let v =
            smmu(["forward".as_ref(), h.as_os_str(), "--vmm".as_ref(), "cloud-hypervisor".as_ref(), "--json".as_ref()])
                .json();
        let m = v["vmm"].as_array().expect("vmm").iter().find(|m| m["name"] == "cloud-hypervisor").expect("ch").clone();
        let g = |r: &str| hex(&m["guest"][r]);
        let (h0, h1, h5) = (host["IDR0"], host["IDR1"], host["IDR5"]);
        let want0 = IDR0_VALUE & (h0 | !GATED);
        assert_eq!(g("IDR0") & !(1 << 10), want0 & 0xffff_ffff, "{}: IDR0 (ATS aside)", h.display());
        assert_eq!(g("IDR1"), (IDR1_VALUE & !SSID) | (h1 & SSID), "{}: IDR1", h.display());
        let oas = (IDR5_VALUE & 7).min(h5 & 7);
        let mut gran = IDR5_VALUE & h5 & 0x70;
        if gran == 0 {
            gran = IDR5_VALUE & 0x70;
        }
        assert_eq!(g("IDR5"), (IDR5_VALUE & !0x77) | oas | gran, "{}: IDR5", h.display());
        for r in ["IDR2", "IDR3", "IDR4", "IIDR", "AIDR"] {
            assert_eq!(g(r), 0, "{}: {r} reads 0", h.display());
        }
    }
}

/// `--hosts FILE` (one path per line, or one `smmu collect --json` document per line) gives
/// the same pool as the same hosts on the command line; a fleet of many copies of two hosts
/// pools exactly like the two (the pool is a meet: idempotent), and a conflict is reported once
/// per field with each distinct host value.
#[test]
fn hosts_file_is_a_fleet() {
    let a = asset("samples/qemu-10.0-nested.txt");
    let b = asset("hosts/handmade-btm-52bit.txt");
    let two = smmu(["forward".as_ref(), a.as_os_str(), b.as_os_str(), "--json".as_ref()]).json();
    let snap = asset("samples/qemu-10.0-s1-4k.snapshot.json");
    let mut list = String::from("# fleet\n\n");
    for i in 0..200 {
        let p = if i % 2 == 0 { &a } else { &b };
        list.push_str(&format!("{}\n", p.display()));
    }
    let file = scratch("fleet.txt", list.as_bytes());
    let fleet = smmu(["forward".as_ref(), "--hosts".as_ref(), file.as_os_str(), "--json".as_ref()]).json();
    assert_eq!(fleet["guest"], two["guest"], "200 copies of two hosts pool like the two");
    assert_eq!(fleet["hosts"].as_array().map(Vec::len), Some(200));
    // JSON lines: a collect snapshot on one line is a host too.
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&snap).unwrap()).unwrap();
    let jl = scratch("fleet.jsonl", format!("{}\n{}\n", serde_json::to_string(&doc).unwrap(), a.display()).as_bytes());
    let v = smmu(["forward".as_ref(), "--hosts".as_ref(), jl.as_os_str(), "--json".as_ref()]).json();
    assert_eq!(v["hosts"].as_array().map(Vec::len), Some(2));
    assert!(v["hosts"][0]["name"].as_str().unwrap().ends_with("fleet.jsonl:1"));
    // Errors name the file and line.
    let bad = scratch("bad-fleet.txt", b"/nonexistent/host.txt\n");
    let r = smmu(["forward".as_ref(), "--hosts".as_ref(), bad.as_os_str()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("bad-fleet.txt:1"), "{}", r.stderr);
    let empty = scratch("empty-fleet.txt", b"# nothing\n");
    let r = smmu(["forward".as_ref(), "--hosts".as_ref(), empty.as_os_str()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("lists no hosts"), "{}", r.stderr);
    // A conflict (STALL_MODEL 0b01 terminate-only vs 0b10 stall forced, IHI 0070 6.3.1) is one
    // message per field, naming both values.
    let s1 = scratch("stall1.txt", b"SMMU_IDR0 0x0144101b\n");
    let s2 = scratch("stall2.txt", b"SMMU_IDR0 0x0244101b\n");
    let mut list = String::new();
    for i in 0..50 {
        list.push_str(&format!("{}\n", if i % 2 == 0 { &s1 } else { &s2 }.display()));
    }
    let f = scratch("stall-fleet.txt", list.as_bytes());
    let v = smmu(["forward".as_ref(), "--hosts".as_ref(), f.as_os_str(), "--json".as_ref()]).json();
    let c: Vec<&str> = v["pool"]["conflicts"].as_array().unwrap().iter().filter_map(|x| x.as_str()).collect();
    let stall: Vec<&&str> = c.iter().filter(|m| m.starts_with("IDR0.STALL_MODEL")).collect();
    assert_eq!(stall.len(), 1, "{c:?}");
    assert!(stall[0].contains("host values 1, 2"), "{}", stall[0]);
}
