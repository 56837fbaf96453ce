//! `klog::parse` on real kernel logs (tests/data/README.md for provenance): our decode of
//! the raw dwords must agree with what the kernel itself printed about them.

use smmu_core::klog::{self, features::KernelVersion, Options};

fn parse(t: &str) -> klog::LogReport {
    klog::parse(t, &Options::default())
}

fn all_checks_agree(r: &klog::LogReport) -> usize {
    let mut n = 0;
    for e in &r.events {
        for c in &e.checks {
            assert!(c.agrees, "line {}: {:?}", e.line, c);
            n += 1;
        }
    }
    n
}

#[test]
fn qemu_stage1_log_linux_7_3() {
    let r = klog::parse(include_str!("data/qemu-s1-4k.dmesg"), &Options { kernel: Some(KernelVersion::new(7, 3)) });
    assert_eq!(r.events.len(), 5);
    // 12 checks per event: type, sid, ssid, iova, ipa, pnu, ind, rnw, s2, stall, class, stag.
    assert_eq!(all_checks_agree(&r), 5 * 12);
    let types: Vec<&str> = r.events.iter().map(|e| e.event.type_name.as_str()).collect();
    assert_eq!(types, ["F_TRANSLATION", "F_TRANSLATION", "F_PERMISSION", "F_PERMISSION", "F_TRANSLATION"]);
    assert!(r.events.iter().all(|e| e.event.sid == 0x18 && e.client.as_deref() == Some("0000:00:03.0")));
    assert_eq!(r.events[1].event.input_addr.as_deref(), Some("0xbadc0ffe000"));
    let p = &r.probe[0];
    assert_eq!((p.ias, p.oas, p.features.as_str()), (None, Some(44), "0x01008305"));
    assert_eq!(p.feature_names, ["2_LVL_STRTAB", "TT_LE", "COHERENCY", "TRANS_S1", "RANGE_INV", "BBML2"]);
    assert!(p.unknown_bits.is_empty());
}

#[test]
fn qemu_stage2_log_linux_7_3() {
    let r = klog::parse(include_str!("data/qemu-s2-4k.dmesg"), &Options { kernel: Some(KernelVersion::new(7, 3)) });
    assert_eq!(r.events.len(), 4);
    assert_eq!(all_checks_agree(&r), 4 * 12);
    assert!(r.events.iter().all(|e| e.event.s2 == Some(true)));
    // Linux prints the IPA masked to [51:12]: 0xfedcba98000 for the record's 0xfedcba98040.
    assert_eq!(r.events[2].event.ipa.as_deref(), Some("0xfedcba98000"));
    assert_eq!(r.probe[0].feature_names, ["2_LVL_STRTAB", "TT_LE", "COHERENCY", "TRANS_S2", "RANGE_INV", "BBML2"]);
}

#[test]
fn hisilicon_fio_log_with_interleaved_output() {
    let r = parse(include_str!("data/hisi-fio-5.18.log"));
    assert_eq!(r.events.len(), 3);
    let addrs: Vec<&str> = r.events.iter().map(|e| e.event.input_addr.as_deref().unwrap()).collect();
    assert_eq!(addrs, ["0xabff6000", "0xabff6100", "0xabff62c0"]);
    for e in &r.events {
        assert_eq!(e.event.sid, 0x7410);
        assert_eq!(e.event.rnw, Some(false));
        assert!(e.missing_dwords.is_empty());
        assert_eq!(e.device, "arm-smmu-v3 arm-smmu-v3.3.auto");
    }
    assert_eq!(r.events[0].event.stag, Some(0x7a));
}

#[test]
fn wrapped_decoded_lines_still_cross_check() {
    let r = parse(include_str!("data/hisi-sva-6.14.log"));
    assert_eq!(r.events.len(), 1);
    let e = &r.events[0];
    assert_eq!(all_checks_agree(&r), 12);
    assert_eq!(e.client.as_deref(), Some("0000:75:00.1"));
    assert_eq!((e.event.ssid, e.event.stall, e.event.stag), (Some(1), Some(true), Some(0x176)));
}

#[test]
fn illegal_command_log() {
    let r = parse(include_str!("data/nvme-cmdq-illegal.log"));
    assert_eq!(r.command_errors.len(), 1);
    let c = &r.command_errors[0];
    assert_eq!(c.cons, "0x01000022");
    assert_eq!(c.error.as_deref(), Some("CERROR_ILL"));
    assert_eq!(c.kernel_message, "Illegal command");
    let cmd = c.command.as_ref().unwrap();
    assert_eq!(cmd.name, "RESERVED");
    assert!(cmd.problems.iter().any(|p| p.kind == "CERROR_ILL"));
    assert_eq!(r.global_errors.len(), 1);
    assert_eq!(r.global_errors[0].value, "0x00000001");
}

#[test]
fn grace_probe_6_12_numbering() {
    let r = klog::parse(include_str!("data/grace-probe.log"), &Options { kernel: Some(KernelVersion::new(6, 12)) });
    let p = &r.probe[0];
    assert_eq!((p.ias, p.oas), (Some(48), Some(48)));
    assert_eq!(
        p.feature_names,
        [
            "2_LVL_STRTAB",
            "2_LVL_CDTAB",
            "TT_LE",
            "TT_BE",
            "PRI",
            "ATS",
            "MSI",
            "COHERENCY",
            "TRANS_S1",
            "TRANS_S2",
            "STALLS",
            "HYP",
            "SVA",
            "E2H",
            "NESTING",
            "ATTR_TYPES_OVR"
        ]
    );
    assert_eq!(r.options[0].mask, "0x10");
    assert!(r.options[0].options[0].starts_with("TEGRA241_CMDQV"));
    // The same word read with 6.1 numbering leaves bits 19 and 20 unnamed.
    let old = klog::parse(include_str!("data/grace-probe.log"), &Options { kernel: Some(KernelVersion::new(6, 1)) });
    assert_eq!(old.probe[0].unknown_bits, [19, 20]);
    assert!(r.messages.iter().any(|m| m.text.contains("no priq irq")));
}

#[test]
fn kernel_version_from_the_log() {
    let log = "[    0.000000] Linux version 6.1.0-18-arm64 (debian-kernel@lists.debian.org)\n\
               [    1.0] arm-smmu-v3 arm-smmu-v3.0.auto: ias 48-bit, oas 48-bit (features 0x01008305)\n";
    let r = parse(log);
    assert_eq!(r.kernel_source, "log");
    assert_eq!(r.probe[0].kernel, "6.1");
    assert_eq!(r.probe[0].unknown_bits, [24]);
}

const EVT: [&str; 4] = ["0x0000001800000010", "0x0000020800000000", "0x0000000012345000", "0x0000000000000000"];

#[test]
fn prefixes_spaces_and_interleaving() {
    let variants = [
        // Xen
        format!("(XEN) SMMUv3: /smmuv3@9050000: event 0x10 received:\n(XEN) SMMUv3: /smmuv3@9050000: \t{}\n(XEN) SMMUv3: /smmuv3@9050000: \t{}\n(XEN) SMMUv3: /smmuv3@9050000: \t{}\n(XEN) SMMUv3: /smmuv3@9050000: \t{}\n", EVT[0], EVT[1], EVT[2], EVT[3]),
        // pKVM, no timestamps, spaces instead of TABs
        format!("kvm-arm-smmu-v3 9050000.smmuv3: event 0x10 received:\nkvm-arm-smmu-v3 9050000.smmuv3:   {}\nkvm-arm-smmu-v3 9050000.smmuv3:   {}\nkvm-arm-smmu-v3 9050000.smmuv3:   {}\nkvm-arm-smmu-v3 9050000.smmuv3:   {}\n", EVT[0], EVT[1], EVT[2], EVT[3]),
        // journalctl with unrelated lines in between
        format!("Dec 01 10:00:00 host kernel: arm-smmu-v3 9050000.smmuv3: event 0x10 received:\nDec 01 10:00:00 host kernel: arm-smmu-v3 9050000.smmuv3: \t{}\nDec 01 10:00:00 host kernel: nvme nvme0: I/O 12 QID 3 timeout\nDec 01 10:00:00 host kernel: arm-smmu-v3 9050000.smmuv3: \t{}\nDec 01 10:00:00 host systemd[1]: Started foo.\nDec 01 10:00:00 host kernel: arm-smmu-v3 9050000.smmuv3: \t{}\nDec 01 10:00:00 host kernel: arm-smmu-v3 9050000.smmuv3: \t{}\n", EVT[0], EVT[1], EVT[2], EVT[3]),
        // syslog priority and dmesg -T style timestamps
        format!("<3>[Tue Dec  1 10:00:00 2026] arm-smmu-v3 x: event 0x10 received:\n<3>[Tue Dec  1 10:00:00 2026] arm-smmu-v3 x:\t{}\n<3>[Tue Dec  1 10:00:00 2026] arm-smmu-v3 x:\t{}\n<3>[Tue Dec  1 10:00:00 2026] arm-smmu-v3 x:\t{}\n<3>[Tue Dec  1 10:00:00 2026] arm-smmu-v3 x:\t{}\n", EVT[0], EVT[1], EVT[2], EVT[3]),
    ];
    for v in &variants {
        let r = parse(v);
        assert_eq!(r.events.len(), 1, "{v}");
        let e = &r.events[0];
        assert!(e.missing_dwords.is_empty(), "{v}");
        assert_eq!(
            (e.event.sid, e.event.input_addr.as_deref(), e.event.rnw),
            (0x18, Some("0x12345000"), Some(true)),
            "{v}"
        );
    }
}

#[test]
fn two_smmus_interleaved() {
    let a = "arm-smmu-v3 a.smmu:";
    let b = "arm-smmu-v3 b.smmu:";
    let log = format!(
        "{a} event 0x10 received:\n{b} event 0x04 received:\n{a} \t{}\n{b} \t0x0000000500000004\n{a} \t{}\n{b} \t0x0\n{a} \t{}\n{b} \t0x0\n{a} \t{}\n{b} \t0x0\n",
        EVT[0], EVT[1], EVT[2], EVT[3]
    );
    let r = parse(&log);
    assert_eq!(r.events.len(), 2);
    let bad_ste = r.events.iter().find(|e| e.event.type_name == "C_BAD_STE").unwrap();
    assert_eq!((bad_ste.event.sid, bad_ste.device.as_str()), (5, "arm-smmu-v3 b.smmu"));
}

#[test]
fn damaged_and_missing_dwords() {
    // dword 1 damaged, dword 3 cut off by the next event.
    let log = format!(
        "[1.0] arm-smmu-v3 s: event 0x10 received:\n[1.0] arm-smmu-v3 s: \t{}\n[1.0] arm-smmu-v3 s: \t0x00000208000zz000\n[1.0] arm-smmu-v3 s: \t{}\n[1.1] arm-smmu-v3 s: event 0x10 received:\n",
        EVT[0], EVT[2]
    );
    let r = parse(&log);
    assert_eq!(r.events.len(), 2);
    let e = &r.events[0];
    assert_eq!(e.missing_dwords, [1, 3]);
    assert!(e.unknown_fields.contains(&"RnW") && e.unknown_fields.contains(&"IPA"));
    assert!(!e.unknown_fields.contains(&"InputAddr"));
    assert_eq!(e.event.sid, 0x18);
    assert_eq!(e.event.input_addr.as_deref(), Some("0x12345000"));
    assert!(e.raw[1].as_deref().unwrap().starts_with("damaged"));
    // The second header has no dwords at all: its type is still known.
    assert_eq!(r.events[1].missing_dwords, [0, 1, 2, 3]);
    assert_eq!(r.events[1].event.type_name, "F_TRANSLATION");
}

#[test]
fn decoded_lines_without_raw_dump() {
    let log = "arm-smmu-v3 s: event: F_PERMISSION client: 0000:01:00.0 sid: 0x100 ssid: 0x0 iova: 0xdead000 ipa: 0x0\narm-smmu-v3 s: priv data write s2 \"Stage 1 translation table fetch\" ttd_read stag: 0x0\n";
    let r = parse(log);
    assert_eq!(r.events.len(), 1);
    let e = &r.events[0];
    assert_eq!((e.event.type_name.as_str(), e.event.sid), ("F_PERMISSION", 0x100));
    assert_eq!(e.event.input_addr.as_deref(), Some("0xdead000"));
    assert_eq!(
        (e.event.pnu, e.event.rnw, e.event.s2, e.event.class.as_deref()),
        (Some(true), Some(false), Some(true), Some("TT"))
    );
}

#[test]
fn disagreement_is_reported() {
    let log = format!(
        "s-smmu: event 0x10 received:\ns-smmu: \t{}\ns-smmu: \t{}\ns-smmu: \t{}\ns-smmu: \t{}\ns-smmu: event: F_TRANSLATION client: x sid: 0x19 ssid: 0x0 iova: 0x12345000 ipa: 0x0\n",
        EVT[0], EVT[1], EVT[2], EVT[3]
    );
    let r = parse(&log);
    let bad: Vec<&str> = r.events[0].checks.iter().filter(|c| !c.agrees).map(|c| c.field).collect();
    assert_eq!(bad, ["sid"]);
}

#[test]
fn garbage_never_panics() {
    for t in [
        "",
        "\n\n",
        "event 0x",
        "arm-smmu-v3: event 0xZZ received:",
        "arm-smmu-v3: \t0x",
        "arm-smmu-v3: CMDQ error (cons 0x",
        "smmu: skipping command in error state:\nsmmu: 0x1",
        "smmu: ias -bit, oas -bit (features 0x",
        "[",
        "<",
        "(XEN)",
        "smmu: event: ",
        "smmu: unpriv",
        "\u{1F600} smmu: event 0x10 received:\n\u{1F600} smmu: \u{1F600}",
    ] {
        let _ = parse(t);
    }
}

#[test]
fn implied_fields_exist_in_the_register_model() {
    for f in klog::features::FEATURES {
        for tok in f.implies.split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',') {
            if let Some(rest) = tok.strip_prefix("SMMU_") {
                let (reg, field) = rest.split_once('.').unwrap();
                let r = smmu_core::regs::by_name(reg).unwrap_or_else(|| panic!("{}: no register {reg}", f.name));
                assert!(r.layout.field(field).is_some(), "{}: no field {reg}.{field}", f.name);
            }
        }
    }
    for c in smmu_core::queues::cmd::COMMANDS {
        if let smmu_core::queues::cmd::Needs::Feature(g) = c.needs {
            let r = smmu_core::regs::by_name(g.field.layout);
            assert!(r.and_then(|r| r.layout.field(g.field.name)).is_some(), "{}", g.label());
        }
    }
}

#[test]
fn unexpected_pri_request() {
    // The two-line form Linux prints from arm_smmu_handle_ppr.
    let log = "[ 5.0] arm-smmu-v3 s: unexpected PRI request received:\n[ 5.0] arm-smmu-v3 s: \tsid 0x00000100.0x00001: [3L] unprivileged RW access at iova 0x0000ffff80001000\n";
    let r = parse(log);
    assert_eq!(r.pri_requests.len(), 1);
    let p = &r.pri_requests[0];
    assert_eq!((p.sid, p.ssid, p.prg_index, p.last, p.privileged), (Some(0x100), Some(1), Some(3), true, false));
    assert_eq!((p.access.as_str(), p.iova.as_deref()), ("RW", Some("0xffff80001000")));
}
