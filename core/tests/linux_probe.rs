//! `linux::probe` against what real kernels printed and against cases worked out by hand from
//! the kernel sources (Debian linux-source-6.1 6.1.192, -6.12 6.12.118, -7.3 7.3.4; the rules
//! and their lines are in core/src/linux/v*.rs). Expected values are the kernel's output or
//! arithmetic on the source's rules, never this code's output.

use smmu_core::linux::{self, ProbeOptions};
use smmu_core::regset::{Origin, RegisterSet};

fn regs(list: &[(&str, u64)]) -> RegisterSet {
    let mut r = RegisterSet::new();
    for (n, v) in list {
        assert!(r.insert_named(n, *v, Origin::default()).is_some(), "{n}");
    }
    r
}

fn opts(s: &str) -> ProbeOptions {
    s.parse().unwrap()
}

fn run(r: &RegisterSet, o: &str) -> linux::LinuxProbe {
    linux::probe(r, &opts(o)).unwrap()
}

/// The registers and kernel lines of a shared QEMU capture (tests/data/README.md): QEMU 10.0.2
/// read the registers, the Debian 7.3.4 guest printed the lines in the same boot.
fn capture(name: &str) -> (RegisterSet, Vec<String>) {
    let p = format!("{}/../tests/data/{name}/capture.json", env!("CARGO_MANIFEST_DIR"));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    let mut r = RegisterSet::new();
    for n in ["IDR0", "IDR1", "IDR2", "IDR3", "IDR4", "IDR5", "IIDR", "AIDR"] {
        let s = v["registers"][n]["qemu_monitor_at_reset"].as_str().unwrap();
        let x = u64::from_str_radix(s.trim_start_matches("0x"), 16).unwrap();
        r.insert_named(n, x, Origin::default()).unwrap();
    }
    let lines = v["kernel_dmesg_smmu"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let l = l.as_str().unwrap();
            // "[    1.466233] arm-smmu-v3 9050000.smmuv3: oas 44-bit ..." -> the text after the device.
            l.split_once(".smmuv3: ").unwrap().1.to_string()
        })
        .collect();
    (r, lines)
}

#[test]
fn qemu_captures_give_the_banner_linux_7_3_printed() {
    for name in ["qemu-s1-4k", "qemu-s2-4k"] {
        let (r, lines) = capture(name);
        // QEMU's virt machine describes its SMMU dma-coherent, IDR0.COHACC is 1: DT defaults fit.
        let p = run(&r, "kernel=7.3,fw=dt");
        assert_eq!(p.probe_fails, None, "{name}");
        let banner = p.banner.clone().unwrap();
        assert_eq!(Some(&banner), lines.first(), "{name}: the first SMMU line is the banner");
        let printed: Vec<&String> = lines.iter().filter(|l| l.starts_with("allocated ")).collect();
        let ours: Vec<&String> = p.queues.iter().map(|q| &q.message).collect();
        assert_eq!(ours, printed, "{name}: queue allocations");
        assert_eq!(p.ias, None, "7.3 no longer prints ias");
        assert_eq!(p.oas, Some(44));
        assert!(p.warnings.is_empty(), "{name}: {:?}", p.warnings);
    }
    // The values themselves, as the kernel printed them.
    let (s1, _) = capture("qemu-s1-4k");
    assert_eq!(run(&s1, "kernel=7.3").features.as_deref(), Some("0x01008305"));
    let (s2, _) = capture("qemu-s2-4k");
    assert_eq!(run(&s2, "kernel=7.3").features.as_deref(), Some("0x01008505"));
}

#[test]
fn qemu_s1_on_older_kernels() {
    // 6.12 and 6.1 print ias (= max(0, oas) with TTF == AArch64) and have no BBML2 (bit 24);
    // the other bits are numbered the same: 0 2_LVL_STRTAB, 2 TT_LE, 8 COHERENCY, 9 TRANS_S1,
    // 15 RANGE_INV.
    let (s1, _) = capture("qemu-s1-4k");
    for k in ["6.1", "6.6", "6.12"] {
        let p = run(&s1, &format!("kernel={k}"));
        assert_eq!(p.banner.as_deref(), Some("ias 44-bit, oas 44-bit (features 0x00008305)"), "{k}");
        assert_eq!(p.ias, Some(44));
    }
}

const MMU700: &[(&str, u64)] = &[
    ("IDR0", 0x0d44101b),
    ("IDR1", 0x02730010),
    ("IDR3", 0x1414),
    ("IDR5", 0x74),
    ("IIDR", 0x4871043b),
    ("AIDR", 0x1),
];

#[test]
fn mmu700_nesting_erratum() {
    // IIDR 0x4871043b: ProductID 0x487 (MMU-700), Variant 1, Revision 0, Implementer 0x43b (Arm).
    // IDR0 0x0d44101b: S1P and S2P -> TRANS_S1 (9), TRANS_S2 (10), NESTING (19) before the
    // errata; ST_LEVEL 1 (0), TTENDIAN LE (2), COHACC (8 with DT dma-coherent).
    // IDR3 0x1414: RIL (15), BBML 2 (24 on 7.3). IDR5 0x74: OAS 44.
    let r = regs(MMU700);
    // 7.3: variant < 1 || revision < 1 holds (revision 0): CMDQ_FORCE_SYNC, NESTING cleared.
    let p = run(&r, "kernel=7.3");
    assert_eq!(p.features.as_deref(), Some("0x01008705"));
    assert_eq!(p.banner.as_deref(), Some("oas 44-bit (features 0x01008705)"));
    assert!(!p.nesting.available);
    assert!(!p.viommu.available, "{}", p.viommu.reason);
    assert!(p.options.contains(&"CMDQ_FORCE_SYNC"));
    let e = p.errata.iter().find(|e| e.cleared.contains(&"NESTING")).unwrap();
    assert_eq!(e.erratum, "2268618, 2812531");
    assert_eq!(e.product, "Arm MMU-700 r1p0");
    // 6.12 / 6.1: every MMU-700 loses NESTING; no BBML2 bit; ias printed.
    for k in ["6.1", "6.6", "6.12"] {
        let p = run(&r, &format!("kernel={k}"));
        assert_eq!(p.banner.as_deref(), Some("ias 44-bit, oas 44-bit (features 0x00008705)"), "{k}");
        assert!(!p.nesting.available);
    }
    // r1p1 (IIDR 0x4871143b): 7.3 keeps NESTING (bit 19) and sets no FORCE_SYNC; 6.12 still clears.
    let r11 =
        regs(&[("IDR0", 0x0d44101b), ("IDR1", 0x02730010), ("IDR3", 0x1414), ("IDR5", 0x74), ("IIDR", 0x4871143b)]);
    let p = run(&r11, "kernel=7.3,fw-canwbs");
    assert_eq!(p.features.as_deref(), Some("0x01088705"));
    assert!(p.nesting.available && p.viommu.available, "{}", p.viommu.reason);
    assert!(!p.options.contains(&"CMDQ_FORCE_SYNC"));
    assert_eq!(run(&r11, "kernel=6.12").features.as_deref(), Some("0x00008705"));
    // Not CANWBS and no IDR3.FWB: no vIOMMU even with NESTING (arm_smmu_get_viommu_size).
    assert!(!run(&r11, "kernel=7.3,fw-canwbs=false").viommu.available);
}

#[test]
fn mmu600_errata() {
    // IIDR 0x4830243b: MMU-600 (0x483) r0p2. IDR0 0x0d44501b = S1P, S2P and SEV (bit 14).
    // Erratum 1076982 (r0p0-r0p2) clears SEV (6); erratum 1209401 (variant < 2) clears NESTING.
    let r = regs(&[("IDR0", 0x0d44501b), ("IDR1", 0x02730010), ("IDR3", 0x0404), ("IDR5", 0x74), ("IIDR", 0x4830243b)]);
    let p = run(&r, "kernel=6.12");
    // 0 + 2 + 8 + 9 + 10 + 15 = 0x00008705 (SEV and NESTING gone).
    assert_eq!(p.features.as_deref(), Some("0x00008705"));
    let errata: Vec<&str> = p.errata.iter().map(|e| e.erratum).collect();
    assert_eq!(errata, ["1076982", "1209401"]);
    // r2p0 (IIDR 0x4832043b): no erratum applies: SEV (6) and NESTING (19) stay.
    let r2 =
        regs(&[("IDR0", 0x0d44501b), ("IDR1", 0x02730010), ("IDR3", 0x0404), ("IDR5", 0x74), ("IIDR", 0x4832043b)]);
    assert_eq!(run(&r2, "kernel=6.1").features.as_deref(), Some("0x00088745"));
}

#[test]
fn probe_failures() {
    let base = [("IDR1", 0x02730010u64), ("IDR3", 0x1404), ("IDR5", 0x74), ("IIDR", 0)];
    let with = |idr0: u64, idr1: u64| {
        let mut v = vec![("IDR0", idr0)];
        v.extend(base.iter().copied().filter(|(n, _)| *n != "IDR1"));
        v.push(("IDR1", idr1));
        regs(&v)
    };
    // S1P = S2P = 0 (0x0d441018).
    for k in ["6.1", "6.12", "7.3"] {
        let p = run(&with(0x0d441018, 0x02730010), &format!("kernel={k}"));
        assert_eq!(p.probe_fails.as_deref(), Some("no translation support!"), "{k}");
        assert_eq!(p.banner, None);
        assert!(p.queues.is_empty());
    }
    // TTENDIAN = 3 (big-endian only) on a little-endian kernel (0x0d64101a).
    let p = run(&with(0x0d64101a, 0x02730010), "kernel=7.3");
    assert_eq!(p.probe_fails.as_deref(), Some("unknown/unsupported TT endianness!"));
    // TTF = 1 (AArch32 only): 0x0d441016.
    let p = run(&with(0x0d441016, 0x02730010), "kernel=6.12");
    assert_eq!(p.probe_fails.as_deref(), Some("AArch64 table format not supported!"));
    // CMDQS = 6: 64 entries is not more than a batch (BITS_PER_LONG = 64).
    let p = run(&with(0x0d44101a, (6 << 21) | (19 << 16) | 16), "kernel=6.1");
    assert_eq!(p.probe_fails.as_deref(), Some("command queue size <= 64 entries not supported"));
    // IDR1.QUEUES_PRESET (bit 29).
    let p = run(&with(0x0d44101a, 0x22730010), "kernel=7.3");
    assert_eq!(p.probe_fails.as_deref(), Some("embedded implementation not supported"));
}

#[test]
fn acpi_cohacc_override() {
    // IDR0 0x0d44100a: the s1 QEMU IDR0 without COHACC. IORT COHACC override set.
    let r = regs(&[("IDR0", 0x0d44100a), ("IDR1", 0x02730010), ("IDR3", 0x1404), ("IDR5", 0x74), ("IIDR", 0)]);
    let p = run(&r, "kernel=6.12,fw=acpi,fw-coherent=true");
    assert_eq!(p.banner.as_deref(), Some("ias 44-bit, oas 44-bit (features 0x00008305)"));
    assert_eq!(p.warnings, ["IDR0.COHACC overridden by FW configuration (true)"]);
    // The ACPI probe prints the option mask first.
    assert_eq!(p.messages.first().map(|m| m.text.as_str()), Some("option mask 0x0"));
    // And the other way: COHACC = 1, no override: COHERENCY (8) is not set.
    let r = regs(&[("IDR0", 0x0d44101a), ("IDR1", 0x02730010), ("IDR3", 0x1404), ("IDR5", 0x74), ("IIDR", 0)]);
    let p = run(&r, "kernel=7.3,fw=acpi,fw-coherent=false");
    assert_eq!(p.features.as_deref(), Some("0x01008205"));
    assert_eq!(p.warnings, ["IDR0.COHACC overridden by FW configuration (false)"]);
}

#[test]
fn acpi_httu_override() {
    // IDR0.HTTU = 2 (0x0d44109a); IORT says 1. 6.12: HA is bit 21 (0x200000), HD 22 (0x400000);
    // ACPI takes the IORT value and warns with both masks.
    let r = regs(&[("IDR0", 0x0d44109a), ("IDR1", 0x02730010), ("IDR3", 0x1404), ("IDR5", 0x74), ("IIDR", 0)]);
    let p = run(&r, "kernel=6.12,fw=acpi,iort-httu=1");
    assert_eq!(p.warnings, ["IDR0.HTTU features(0x600000) overridden by FW configuration (0x200000)"]);
    assert_eq!(p.features.as_deref(), Some("0x00208305"));
    // DT: IDR0.HTTU decides: HA and HD.
    assert_eq!(run(&r, "kernel=6.12").features.as_deref(), Some("0x00608305"));
    // 6.1 has no HTTU rule and no HA/HD bits.
    assert_eq!(run(&r, "kernel=6.1").features.as_deref(), Some("0x00008305"));
    // 7.3, IDR0.HTTU = 3 (0x0d4410da), DT: HA, HD and HAFT (25).
    let r3 = regs(&[("IDR0", 0x0d4410da), ("IDR1", 0x02730010), ("IDR3", 0x1404), ("IDR5", 0x74), ("IIDR", 0)]);
    assert_eq!(run(&r3, "kernel=7.3").features.as_deref(), Some("0x03608305"));
    // 6.12's switch has no case for 3: nothing.
    assert_eq!(run(&r3, "kernel=6.12").features.as_deref(), Some("0x00008305"));
}

#[test]
fn idr5_ds_only_on_new_kernels() {
    // IDR5 0xf4: DS (bit 7) + the QEMU granules and OAS 44. 7.3 sets DS (bit 26).
    let r = regs(&[("IDR0", 0x0d44101a), ("IDR1", 0x02730010), ("IDR3", 0x1404), ("IDR5", 0xf4), ("IIDR", 0)]);
    assert_eq!(run(&r, "kernel=7.3").features.as_deref(), Some("0x05008305"));
    assert_eq!(run(&r, "kernel=6.12").features.as_deref(), Some("0x00008305"));
    // The 7.3 uAPI kdoc lists DS in idr[5].
    let kd = run(&r, "kernel=7.3").kdoc.unwrap();
    assert!(kd.fields.contains(&"IDR5.DS".to_string()));
    assert!(run(&r, "kernel=6.12").kdoc.is_none());
}

#[test]
fn ias_from_aarch32_tables_until_6_12() {
    // TTF = 3 (0x0d44101e) and OAS 32 (IDR5 0x70): 6.1/6.12 ias = max(40, 32) = 40.
    let r = regs(&[("IDR0", 0x0d44101e), ("IDR1", 0x02730010), ("IDR3", 0x1404), ("IDR5", 0x70), ("IIDR", 0)]);
    assert_eq!(run(&r, "kernel=6.1").banner.as_deref(), Some("ias 40-bit, oas 32-bit (features 0x00008305)"));
    assert_eq!(run(&r, "kernel=7.3").banner.as_deref(), Some("oas 32-bit (features 0x01008305)"));
}

#[test]
fn sva_with_a_48_bit_oas() {
    // IDR5 0x75: OAS 48 >= the default CPU PA size 48; coherent, 4KB granule, ASID16: SVA (17).
    let r = regs(&[("IDR0", 0x0d44101a), ("IDR1", 0x02730010), ("IDR3", 0x1404), ("IDR5", 0x75), ("IIDR", 0)]);
    assert_eq!(run(&r, "kernel=7.3").features.as_deref(), Some("0x01028305"));
    assert_eq!(run(&r, "kernel=7.3,sva=off").features.as_deref(), Some("0x01008305"));
    assert_eq!(run(&r, "kernel=7.3,cpu-pa-bits=52").features.as_deref(), Some("0x01008305"));
    // 7.3: a CPU with FEAT_HAFT needs HAFT in the SMMU too.
    assert_eq!(run(&r, "kernel=7.3,cpu-haft").features.as_deref(), Some("0x01008305"));
    assert_eq!(run(&r, "kernel=6.12,cpu-haft").features.as_deref(), Some("0x00028305"));
}

#[test]
fn queues_pri_and_unknown_oas() {
    // PRI (IDR0 bit 16: 0x0d45101a), PRIQS 19 (IDR1 0x02739810 = CMDQS 19, EVENTQS 19, PRIQS 19,
    // SIDSIZE 16): with 4KB pages the PRI queue is capped at 2^16 16-byte entries (1MB).
    let r = regs(&[("IDR0", 0x0d45101a), ("IDR1", 0x02739810), ("IDR3", 0x1404), ("IDR5", 0x77), ("IIDR", 0)]);
    let p = run(&r, "kernel=7.3");
    let q: Vec<String> = p.queues.iter().map(|q| q.message.clone()).collect();
    assert_eq!(
        q,
        ["allocated 65536 entries for cmdq", "allocated 32768 entries for evtq", "allocated 65536 entries for priq"]
    );
    // IDR5.OAS 7 (56 bits) is unknown to these kernels: 48.
    assert_eq!(p.oas, Some(48));
    assert!(p.messages.iter().any(|m| m.text == "unknown output address size. Truncating to 48-bit"));
    // 64KB pages (like the Grace log, 524288 entries): 2^19 commands fit in 2^24 bytes.
    let p = run(&r, "kernel=7.3,page-size=65536");
    assert_eq!(p.queues[0].message, "allocated 524288 entries for cmdq");
}

#[test]
fn newest_by_default_and_which_differ() {
    let (s1, _) = capture("qemu-s1-4k");
    let p = linux::probe(&s1, &ProbeOptions::default()).unwrap();
    assert_eq!(p.kernel, "7.3");
    let ks: Vec<&str> = p.differs.iter().map(|d| d.kernel.as_str()).collect();
    assert_eq!(ks, ["6.12", "6.6", "6.1"]);
    assert!(linux::probe(&s1, &opts("kernel=6.13")).is_err());
    // A missing register is an error that names it.
    let e = linux::probe(&regs(&[("IDR0", 0x0d44101a)]), &ProbeOptions::default()).unwrap_err();
    assert!(e.contains("IDR1") && e.contains("IDR5"), "{e}");
}

#[test]
fn banner_check_names_firmware_and_errata() {
    // The MMU-700 registers with a banner printed by 7.3 on DT: NESTING was cleared.
    let r = regs(MMU700);
    let c =
        linux::check_banner(&r, smmu_core::klog::features::KernelVersion::new(7, 3), false, 0x01008705, Some(44), None)
            .unwrap();
    assert!(c.agrees, "{:?}", c.unexplained);
    assert!(
        c.explanations.iter().any(|e| e.starts_with("NESTING cleared by erratum 2268618, 2812531")),
        "{:?}",
        c.explanations
    );
    // COHACC = 0 but COHERENCY printed: the DT says dma-coherent.
    let r = regs(&[("IDR0", 0x0d44100a), ("IDR1", 0x02730010), ("IDR3", 0x1404), ("IDR5", 0x74), ("IIDR", 0)]);
    let c =
        linux::check_banner(&r, smmu_core::klog::features::KernelVersion::new(7, 3), false, 0x01008305, Some(44), None)
            .unwrap();
    assert!(c.agrees);
    assert!(c.explanations.contains(&"COHERENCY set although IDR0.COHACC=0: the DT says dma-coherent".to_string()));
    // A bit the registers cannot give is reported.
    let c =
        linux::check_banner(&r, smmu_core::klog::features::KernelVersion::new(7, 3), false, 0x01008325, Some(44), None)
            .unwrap();
    assert!(!c.agrees);
    assert!(c.unexplained[0].starts_with("ATS is printed"), "{:?}", c.unexplained);
}

#[test]
fn options_parse() {
    let o = opts("kernel=6.12,fw=acpi,fw-coherent=false,iort-httu=2,vhe,sva=off");
    assert_eq!(o.kernel.map(|k| k.to_string()).as_deref(), Some("6.12"));
    assert_eq!(o.firmware, linux::FirmwareKind::Acpi);
    assert_eq!(o.coherent, Some(false));
    assert_eq!(o.iort_httu, Some(2));
    assert!(o.vhe);
    assert_eq!(o.sva, linux::SvaMode::Off);
    assert!("iort-httu=4".parse::<ProbeOptions>().is_err());
    assert!("fw=uefi".parse::<ProbeOptions>().is_err());
    assert!("bogus".parse::<ProbeOptions>().is_err());
}

#[test]
fn forward_refuses_where_linux_clears_nesting() {
    // The host: MMU-700 r1p0 with S1P+S2P, firmware CANWBS. Linux 7.3 clears NESTING
    // (errata 2268618, 2812531): IOMMU_VIOMMU_ALLOC fails, so no VMM can offer a vSMMU.
    use smmu_core::forward::{self, ForwardOptions};
    let mut o = ForwardOptions::default();
    o.firmware.canwbs = Some(true);
    let rep = forward::analyze(&[("h", regs(MMU700))], &o);
    for v in &rep.vmm {
        assert!(!v.accepts, "{}", v.name);
        assert!(v.messages[0].contains("2812531"), "{}: {:?}", v.name, v.messages);
    }
    // The same registers as r1p1: 7.3 keeps nesting and the strict profile accepts.
    let r11 = regs(&[
        ("IDR0", 0x0d44101b),
        ("IDR1", 0x02730010),
        ("IDR3", 0x1414),
        ("IDR5", 0x74),
        ("IIDR", 0x4871143b),
        ("AIDR", 1),
    ]);
    let rep = forward::analyze(&[("h", r11.clone())], &o);
    assert!(rep.vmm.iter().find(|v| v.name == "strict").unwrap().accepts);
    // ... but not under 6.12, which clears NESTING on every MMU-700.
    o.kernel = Some(forward::KernelVersion::new(6, 12));
    let rep = forward::analyze(&[("h", r11)], &o);
    assert!(rep.vmm.iter().all(|v| !v.accepts));
    assert!(rep.kdoc.is_none(), "6.12 has no struct iommu_hw_info_arm_smmuv3");
    // The allow-list is per kernel: 7.3's has IDR5.DS.
    let rep = forward::analyze(&[("h", regs(MMU700))], &ForwardOptions::default());
    assert!(rep.kdoc.unwrap().fields.contains(&"IDR5.DS".to_string()));
}
