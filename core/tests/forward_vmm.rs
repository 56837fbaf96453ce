//! VMM profiles checked against rules read from each VMM's source (file and function cited
//! per test) and against values real QEMU prints.

use smmu_core::forward::{self, ForwardOptions, NumOrAuto, OnOffAuto, Vmm, VmmResult};
use smmu_core::parse::{parse_bytes, ParseOptions};
use smmu_core::regset::RegisterSet;

fn asset(text: &str) -> RegisterSet {
    parse_bytes(text.as_bytes(), &ParseOptions::default()).expect("asset parses").registers
}
fn nested() -> RegisterSet {
    asset(include_str!("../../assets/hosts/qemu-10.0-nested.txt"))
}
fn full() -> RegisterSet {
    asset(include_str!("../../assets/hosts/handmade-full.txt"))
}
fn odd() -> RegisterSet {
    asset(include_str!("../../assets/hosts/handmade-odd.txt"))
}
fn btm52() -> RegisterSet {
    asset(include_str!("../../assets/hosts/handmade-btm-52bit.txt"))
}
/// `base` with one register replaced.
fn with(base: RegisterSet, reg: &str, v: u64) -> RegisterSet {
    let mut s = base;
    s.insert_named(reg, v, Default::default());
    s
}
fn run(vmm: Vmm, host: RegisterSet, o: &ForwardOptions) -> VmmResult {
    let o = ForwardOptions { vmms: vec![vmm], ..o.clone() };
    forward::analyze(&[("h", host)], &o).vmm.remove(0)
}
fn g(r: &VmmResult, reg: &str) -> String {
    r.guest.get(reg).cloned().unwrap_or_default()
}
/// Refusal and note lines that are not kernel warnings.
fn errors(r: &VmmResult) -> Vec<&str> {
    r.messages.iter().map(String::as_str).filter(|m| !m.starts_with("warning:") && !m.starts_with("note:")).collect()
}

// ---- QEMU: hw/arm/smmuv3-accel.c smmuv3_accel_check_hw_compatible, smmuv3_accel_idr_override,
// smmuv3_accel_auto_finalise; hw/arm/smmuv3.c smmuv3_init_id_regs, smmu_validate_property.

/// With default properties QEMU accel presents its stage-1 emulation: the values real QEMU
/// 10.0 reads back with stage=1 (assets/samples/qemu-10.0-s1.txt).
#[test]
fn qemu_default_guest_is_qemu_stage1_emulation() {
    let r = run(Vmm::QemuAccel, nested(), &ForwardOptions::default());
    assert!(r.accepts, "{:?}", r.messages);
    let s1 = asset(include_str!("../../assets/samples/qemu-10.0-s1.txt"));
    for reg in ["IDR0", "IDR1", "IDR2", "IDR3", "IDR4", "IDR5", "IIDR", "AIDR"] {
        let want = s1.get(reg).map(|v| format!("{v:#010x}"));
        assert_eq!(r.guest.get(reg).cloned(), want, "{reg}");
    }
}

#[test]
fn qemu_stream_table_mismatch_is_first() {
    // handmade-odd: ST_LEVEL=0 (and TTENDIAN=BE, SIDSIZE 8, ...): ST_LEVEL is checked first.
    let r = run(Vmm::QemuAccel, odd(), &ForwardOptions::default());
    assert!(!r.accepts);
    assert_eq!(errors(&r), vec!["Host SMMUv3 Stream Table format mismatch (host STLEVEL=0, QEMU STLEVEL=1)"]);
}

#[test]
fn qemu_endianness_format_and_sidsize_messages() {
    // Nested QEMU host with TTENDIAN=0b11 (bits 22:21): big-endian only.
    let be = with(nested(), "IDR0", 0x0d44101b | 3 << 21);
    let r = run(Vmm::QemuAccel, be, &ForwardOptions::default());
    assert_eq!(errors(&r), vec!["Host SMMUv3 doesn't support Little-endian translation table"]);
    // TTF=0b01 (AArch32 only, bits 3:2).
    let a32 = with(nested(), "IDR0", (0x0d44101b & !(3 << 2)) | 1 << 2);
    let r = run(Vmm::QemuAccel, a32, &ForwardOptions::default());
    assert_eq!(errors(&r), vec!["Host SMMUv3 doesn't support AArch64 translation table format"]);
    // SIDSIZE 8 (IDR1 bits 5:0).
    let sid8 = with(nested(), "IDR1", 0x02730008);
    let r = run(Vmm::QemuAccel, sid8, &ForwardOptions::default());
    assert_eq!(errors(&r), vec!["Host SMMUv3 SIDSIZE not compatible (host=8, QEMU=16)"]);
}

#[test]
fn qemu_options_and_auto() {
    let mut o = ForwardOptions::default();
    // ssidsize=8 on a host without substreams.
    o.qemu.ssidsize = NumOrAuto::Bits(8);
    let r = run(Vmm::QemuAccel, nested(), &o);
    assert_eq!(errors(&r), vec!["Host SMMUv3 SSIDSIZE not compatible (host=0, QEMU=8)"]);
    // oas=48 on a 44-bit host.
    let o = ForwardOptions {
        qemu: forward::QemuOptions { oas: NumOrAuto::Bits(48), ..Default::default() },
        ..Default::default()
    };
    let r = run(Vmm::QemuAccel, nested(), &o);
    assert_eq!(errors(&r), vec!["Host SMMUv3 supports only 44-bit IPA, but the vSMMU OAS implies 48-bit IPA"]);
    // oas=40 is rejected by property validation.
    let o = ForwardOptions {
        qemu: forward::QemuOptions { oas: NumOrAuto::Bits(40), ..Default::default() },
        ..Default::default()
    };
    assert_eq!(errors(&run(Vmm::QemuAccel, nested(), &o)), vec!["OAS can only be set to 44 or 48 bits"]);
    // ats=on on a host without ATS.
    let o = ForwardOptions {
        qemu: forward::QemuOptions { ats: OnOffAuto::On, ..Default::default() },
        ..Default::default()
    };
    assert_eq!(
        errors(&run(Vmm::QemuAccel, nested(), &o)),
        vec!["Host SMMUv3 doesn't support Address Translation Services"]
    );
    // Everything auto on the feature-rich host: ATS, RIL, SSIDSIZE follow the host.
    let o = ForwardOptions {
        qemu: forward::QemuOptions {
            ats: OnOffAuto::Auto,
            ril: OnOffAuto::Auto,
            ssidsize: NumOrAuto::Auto,
            oas: NumOrAuto::Bits(48),
        },
        ..Default::default()
    };
    let r = run(Vmm::QemuAccel, full(), &o);
    assert!(r.accepts, "{:?}", r.messages);
    // IDR0 = QEMU stage 1 | ATS (bit 10); IDR1 = QEMU | SSIDSIZE 20 << 6; IDR5 OAS 48-bit (5).
    assert_eq!(g(&r, "IDR0"), "0x0d44141a");
    assert_eq!(g(&r, "IDR1"), format!("{:#010x}", 0x02730010u32 | 20 << 6));
    assert_eq!(g(&r, "IDR5"), "0x00000075");
    // ril=off: RIL (IDR3 bit 10) cleared from 0x1404.
    let o = ForwardOptions {
        qemu: forward::QemuOptions { ril: OnOffAuto::Off, ..Default::default() },
        ..Default::default()
    };
    assert_eq!(g(&run(Vmm::QemuAccel, nested(), &o), "IDR3"), "0x00001004");
}

#[test]
fn qemu_granules_must_match_exactly() {
    // handmade-btm-52bit has only the 4K granule; QEMU offers 4K/16K/64K and checks 16K next.
    let r = run(Vmm::QemuAccel, btm52(), &ForwardOptions::default());
    assert_eq!(errors(&r), vec!["Host SMMUv3 doesn't support 16K translation granule"]);
}

#[test]
fn qemu_notes_where_it_exceeds_strict() {
    // QEMU presents HAD=1 (IDR3) and VMID16=1 from its emulation without asking the host:
    // on an SMMUv3.0 host without HAD (IDR3 0x1404 minus HAD, AIDR 0) the strict guest has
    // HAD 0, so HAD exceeds it; on QEMU's nested host (HAD 1) it does not.
    let no_had = with(with(nested(), "IDR3", 0x1400), "AIDR", 0);
    let r = run(Vmm::QemuAccel, no_had, &ForwardOptions::default());
    assert!(r.accepts, "{:?}", r.messages);
    let fields: Vec<String> = r.exceeds_strict.iter().map(|f| format!("{}.{}", f.register, f.field)).collect();
    assert!(fields.contains(&"IDR3.HAD".to_string()), "{fields:?}");
    assert!(fields.contains(&"IDR0.VMID16".to_string()), "{fields:?}");
    let r = run(Vmm::QemuAccel, nested(), &ForwardOptions::default());
    let fields: Vec<String> = r.exceeds_strict.iter().map(|f| format!("{}.{}", f.register, f.field)).collect();
    assert!(!fields.contains(&"IDR3.HAD".to_string()), "{fields:?}");
}

// ---- Cloud Hypervisor: devices/src/smmuv3.rs IDR0_VALUE, IDR1_VALUE, IDR5_VALUE,
// Smmuv3::set_host_id_regs, Smmuv3::read_reg; devices/src/iommu/iommufd.rs IommufdIommu::new.

/// IDR0_VALUE as the constants in devices/src/smmuv3.rs spell it.
const CH_IDR0_VALUE: u32 =
    1 << 1 | 0b10 << 2 | 1 << 4 | 1 << 12 | 1 << 18 | 1 << 19 | 0b10 << 21 | 0b01 << 24 | 0b01 << 27;
/// IDR0_HOST_GATED: COHACC | ASID16 | VMID16 | CD2L | STLEVEL_2LVL (commit 09af962).
const CH_HOST_GATED: u32 = 1 << 4 | 1 << 12 | 1 << 18 | 1 << 19 | 0b01 << 27;
const CH_ATS: u32 = 1 << 10;

#[test]
fn cloud_hypervisor_on_feature_rich_host() {
    let r = run(Vmm::CloudHypervisor, full(), &ForwardOptions::default());
    assert!(r.accepts);
    assert_eq!(g(&r, "IDR0"), format!("{:#010x}", CH_IDR0_VALUE | CH_ATS));
    // IDR1_VALUE = SIDSIZE 16 | CMDQS 19 << 21 | EVENTQS 19 << 16, plus host SSIDSIZE (20) << 6.
    assert_eq!(g(&r, "IDR1"), format!("{:#010x}", 16u32 | 19 << 21 | 19 << 16 | 20 << 6));
    // OAS = min(0b101, host 0b110); granules = {4K, 64K} & host.
    assert_eq!(g(&r, "IDR5"), format!("{:#010x}", 0b101u32 | 1 << 4 | 1 << 6));
    for reg in ["IDR2", "IDR3", "IDR4", "IIDR", "AIDR"] {
        assert_eq!(g(&r, reg), "0x00000000", "{reg}");
    }
}

#[test]
fn cloud_hypervisor_gates_on_host_and_never_refuses() {
    // handmade-odd: no COHACC/ASID16/VMID16/CD2L, no ATS, OAS 0b010, GRAN64K only.
    let r = run(Vmm::CloudHypervisor, odd(), &ForwardOptions::default());
    assert!(r.accepts, "set_host_id_regs has no failure path");
    assert_eq!(g(&r, "IDR0"), format!("{:#010x}", CH_IDR0_VALUE & !CH_HOST_GATED));
    assert_eq!(g(&r, "IDR5"), format!("{:#010x}", 0b010u32 | 1 << 6));
    // It still presents little-endian AArch64 walks the host (TTENDIAN=BE) lacks.
    assert!(r.exceeds_strict.iter().any(|f| f.field == "TTENDIAN"), "{:?}", r.exceeds_strict);
    // ATS comes from the kernel capability only.
    let o = ForwardOptions { caps: Some(forward::Caps::default()), ..Default::default() };
    let r = run(Vmm::CloudHypervisor, odd(), &o);
    assert_eq!(g(&r, "IDR0"), format!("{:#010x}", (CH_IDR0_VALUE & !CH_HOST_GATED) | CH_ATS));
    // Neither 4K nor 64K on the host: both advertised anyway.
    let r = run(Vmm::CloudHypervisor, with(odd(), "IDR5", 0b010 | 1 << 5), &ForwardOptions::default());
    assert_eq!(g(&r, "IDR5"), format!("{:#010x}", 0b010u32 | 1 << 4 | 1 << 6));
}

// ---- OpenVMM: vm/devices/iommu/smmu/src/emulator.rs SmmuDevice::new, HostSmmuCaps::from_idr;
// vm/devices/iommu/smmu/src/shared.rs SmmuSharedState::resolve_host_caps.

/// SmmuDevice::new: S1P, TTF AArch64, COHACC, ASID16, TTENDIAN LE, STALL_MODEL 0b01,
/// TERM_MODEL, ST_LEVEL 0b00.
const OVMM_IDR0: u32 = 1 << 1 | 0b10 << 2 | 1 << 4 | 1 << 12 | 0b10 << 21 | 0b01 << 24 | 1 << 26;

#[test]
fn openvmm_guest_and_auto_oas() {
    let r = run(Vmm::OpenVmm, btm52(), &ForwardOptions::default());
    assert!(r.accepts, "{:?}", r.messages);
    assert_eq!(g(&r, "IDR0"), format!("{:#010x}", OVMM_IDR0 | CH_ATS));
    // sidsize 16, SSIDSIZE from host (16), CMDQS 8, EVENTQS 8.
    assert_eq!(g(&r, "IDR1"), format!("{:#010x}", 16u32 | 16 << 6 | 8 << 21 | 8 << 16));
    // oas=auto adopts the host's 0b110; GRAN4K only.
    assert_eq!(g(&r, "IDR5"), format!("{:#010x}", 0b110u32 | 1 << 4));
    assert_eq!(g(&r, "AIDR"), "0x00000003");
}

#[test]
fn openvmm_refusals() {
    let r = run(Vmm::OpenVmm, odd(), &ForwardOptions::default());
    assert_eq!(errors(&r), vec!["host SMMU does not support little-endian translation tables (IDR0.TTENDIAN=0b11)"]);
    let a32 = with(nested(), "IDR0", (0x0d44101b & !(3 << 2)) | 1 << 2);
    assert_eq!(
        errors(&run(Vmm::OpenVmm, a32, &ForwardOptions::default())),
        vec!["host SMMU does not support AArch64 translation tables (IDR0.TTF=0b001)"]
    );
    let no4k = with(nested(), "IDR5", 0x64);
    assert_eq!(
        errors(&run(Vmm::OpenVmm, no4k, &ForwardOptions::default())),
        vec!["host SMMU does not support the 4KB translation granule (IDR5.GRAN4K=0)"]
    );
    let o = ForwardOptions {
        openvmm: forward::OpenVmmOptions { oas: NumOrAuto::Bits(48), sidsize: 16 },
        ..Default::default()
    };
    assert_eq!(
        errors(&run(Vmm::OpenVmm, nested(), &o)),
        vec!["configured SMMU oas=48 exceeds host SMMU OAS 44; lower the configured OAS or use oas=auto"]
    );
}

// ---- Strict: kernel conditions from arm-smmu-v3-iommufd.c arm_vsmmu_alloc /
// arm_smmu_get_viommu_size (FEAT_NESTING; CANWBS or S2FWB).

#[test]
fn strict_needs_nesting_and_canwbs_or_fwb() {
    let s1 = asset(include_str!("../../assets/samples/qemu-10.0-s1.txt"));
    let r = run(Vmm::Strict, s1, &ForwardOptions::default());
    assert!(!r.accepts);
    assert!(r.messages[0].contains("ARM_SMMU_FEAT_NESTING (IDR0.S1P=1, IDR0.S2P=0)"), "{:?}", r.messages);
    // QEMU nested has no FWB (IDR3 0x1414): depends on firmware CANWBS.
    let r = run(Vmm::Strict, nested(), &ForwardOptions::default());
    assert!(r.accepts);
    assert!(r.messages.iter().any(|m| m.starts_with("warning:") && m.contains("CANWBS")));
    let mut o = ForwardOptions::default();
    o.firmware.canwbs = Some(false);
    assert!(!run(Vmm::Strict, nested(), &o).accepts);
    // handmade-full has FWB: no CANWBS question.
    let r = run(Vmm::Strict, full(), &o);
    assert!(r.accepts, "{:?}", r.messages);
}

#[test]
fn all_profiles_listed() {
    let r = forward::analyze(&[("h", nested())], &ForwardOptions::default());
    let names: Vec<&str> = r.vmm.iter().map(|v| v.name).collect();
    assert_eq!(names, vec!["strict", "qemu-accel", "cloud-hypervisor", "openvmm"]);
    assert!(r.vmm.iter().all(|v| !v.refs.is_empty()));
}

#[test]
fn comparison_table_marks_what_exceeds_strict() {
    // handmade-odd: big-endian-only walks; QEMU and OpenVMM refuse, Cloud Hypervisor presents
    // little-endian (TTENDIAN=0b10) anyway.
    let r = forward::analyze(&[("odd", odd())], &ForwardOptions::default());
    let row = r.comparison.iter().find(|x| x.field == "TTENDIAN").expect("TTENDIAN row");
    assert_eq!((row.host, row.strict), (Some(3), 3));
    let ch = row.profiles.iter().find(|p| p.vmm == "cloud-hypervisor").expect("ch");
    assert_eq!((ch.value, ch.exceeds), (Some(2), true));
    assert!(r.comparison.iter().all(|x| x.profiles.iter().any(|p| p.value != Some(x.strict))));
}

#[test]
fn strict_refuses_reserved_encodings_in_kdoc_fields() {
    // TTENDIAN=0b01 is reserved (IHI 0070 6.3.1): bits 22:21 of the QEMU nested IDR0.
    let r = run(Vmm::Strict, with(nested(), "IDR0", 0x0d44101b & !(3 << 21) | 1 << 21), &ForwardOptions::default());
    assert!(!r.accepts);
    assert!(errors(&r).iter().any(|m| m.contains("IDR0.TTENDIAN=1 is a reserved encoding")), "{:?}", r.messages);
}

// ---- Guest IDR sets checked against IHI 0070 6.3 (QA finding 4).

/// OpenVMM (SmmuDevice::new): ST_LEVEL 0b00 (linear only), SIDSIZE 16, AIDR 3.3 with IDR3 = 0.
/// IHI 0070 6.3.2: SIDSIZE >= 7 requires ST_LEVEL != 0b00; 6.3.4: HAD (3.1, with stage 1),
/// RIL and BBML (3.2) and E0PD (3.3) are mandatory. Each is reported in OpenVMM's entry.
#[test]
fn openvmm_guest_breaks_spec_rules_and_says_so() {
    let r = run(Vmm::OpenVmm, nested(), &ForwardOptions::default());
    assert!(r.accepts);
    for needle in ["SIDSIZE == 16", "HAD", "RIL", "BBML", "E0PD"] {
        assert!(r.guest_warnings.iter().any(|w| w.contains(needle)), "{needle}: {:?}", r.guest_warnings);
        assert!(
            r.messages.iter().any(|m| m.starts_with("warning: guest IDRs break") && m.contains(needle)),
            "{needle}: {:?}",
            r.messages
        );
    }
}

/// Cloud Hypervisor on a linear-only host (handmade-odd, ST_LEVEL 0b00): the gated
/// ST_LEVEL becomes 0 while SIDSIZE stays 16 (IDR1_VALUE), which 6.3.2 forbids; flagged.
#[test]
fn cloud_hypervisor_linear_host_guest_is_flagged() {
    let r = run(Vmm::CloudHypervisor, odd(), &ForwardOptions::default());
    let idr0 = u64::from_str_radix(g(&r, "IDR0").trim_start_matches("0x"), 16).unwrap_or(0);
    assert_eq!(idr0 >> 27 & 3, 0, "ST_LEVEL gated by the host");
    assert!(r.guest_warnings.iter().any(|w| w.contains("ST_LEVEL")), "{:?}", r.guest_warnings);
    // On QEMU's host (2-level) nothing is flagged.
    assert!(run(Vmm::CloudHypervisor, nested(), &ForwardOptions::default()).guest_warnings.is_empty());
}
