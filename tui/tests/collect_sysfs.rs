//! sysfs/procfs and kernel-log helpers against the formats Linux writes.
use smmu_tui::collect::{kmsg, sysfs};

#[test]
fn iommu_class_name_gives_the_base() {
    // drivers/iommu/arm/arm-smmu-v3 registers "smmu3.%pa" (the base, 16 hex digits).
    assert_eq!(sysfs::base_from_class_name("smmu3.0x0000000009050000"), Some(0x0905_0000));
    assert_eq!(sysfs::base_from_class_name("smmu3.0x000000002b400000"), Some(0x2b40_0000));
    assert_eq!(sysfs::base_from_class_name("dmar0"), None);
    assert_eq!(sysfs::base_from_class_name("smmu3.zz"), None);
}

#[test]
fn bdf_to_requester_id() {
    // RID = bus << 8 | device << 3 | function (PCIe Requester ID).
    assert_eq!(sysfs::parse_bdf("0000:00:01.0"), Some((0, 0x8)));
    assert_eq!(sysfs::parse_bdf("0000:00:03.0"), Some((0, 0x18)));
    assert_eq!(sysfs::parse_bdf("0002:81:1f.7"), Some((2, 0x81ff)));
    assert_eq!(sysfs::parse_bdf("0000:00:20.0"), None, "device > 31");
    assert_eq!(sysfs::parse_bdf("0000:00:01"), None);
    assert_eq!(sysfs::parse_bdf("garbage"), None);
}

#[test]
fn proc_iomem() {
    let text = "09050000-0906ffff : arm-smmu-v3.0.auto\n  09050000-09050dff : arm-smmu-v3.0.auto\n40000000-7fffffff : System RAM\n";
    let (r, hidden) = sysfs::parse_iomem(text);
    assert!(!hidden);
    assert_eq!(r.len(), 3);
    assert_eq!(
        (r[1].start, r[1].end, r[1].depth, r[1].name.as_str()),
        (0x0905_0000, 0x0905_0dff, 1, "arm-smmu-v3.0.auto")
    );
    // What a non-root reader gets.
    let (_, hidden) =
        sysfs::parse_iomem("00000000-00000000 : arm-smmu-v3.0.auto\n  00000000-00000000 : arm-smmu-v3.0.auto\n");
    assert!(hidden);
    let (r, _) = sysfs::parse_iomem("not iomem\nzz-yy : x\n");
    assert!(r.is_empty());
}

#[test]
fn midr() {
    // Neoverse N1 r3p1: implementer 0x41 'A', variant 3, architecture 0xf, part 0xd0c, rev 1.
    let m = sysfs::decode_midr(0x413f_d0c1);
    assert_eq!((m.implementer.as_str(), m.implementer_name, m.variant, m.architecture), ("0x41", "Arm", 3, 0xf));
    assert_eq!((m.part_num.as_str(), m.part_name, m.revision), ("0xd0c", Some("Neoverse N1"), 1));
    // QEMU -cpu max: implementer 0 (reserved for software use), as the guest printed
    // "Booting Linux on physical CPU 0x0000000000 [0x000f0510]".
    let m = sysfs::decode_midr(0x000f_0510);
    assert_eq!((m.implementer.as_str(), m.part_num.as_str()), ("0x00", "0x051"));
}

#[test]
fn kmsg_records() {
    // /dev/kmsg: "prio,seq,usec,flags;text" with non-printables escaped as \xNN.
    let l = kmsg::format_record(
        "6,523,1466233,-;arm-smmu-v3 9050000.smmuv3: oas 44-bit (features 0x01008305)\n SUBSYSTEM=platform\n",
    );
    assert_eq!(l, ["[    1.466233] arm-smmu-v3 9050000.smmuv3: oas 44-bit (features 0x01008305)"]);
    let l = kmsg::format_record("3,900,7840176,-;arm-smmu-v3 9050000.smmuv3: \\x090x0000001800000010");
    assert_eq!(l, ["[    7.840176] arm-smmu-v3 9050000.smmuv3: \t0x0000001800000010"]);
    // Plain dmesg text passes through.
    assert_eq!(
        kmsg::format_record("[    0.9] iommu: Default domain type: Translated"),
        ["[    0.9] iommu: Default domain type: Translated"]
    );
    assert!(kmsg::relevant("pci 0000:00:01.0: Adding to iommu group 1"));
    assert!(!kmsg::relevant("virtio_net virtio0 eth0: renamed"));
    // Bad escapes and multibyte text never panic.
    let _ = kmsg::format_record("6,1,2,-;\\x\\xZ\\x4 caf\u{e9} \\x");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
    #[test]
    fn text_parsers_never_panic(s in "\\PC{0,200}", b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
        let lossy = String::from_utf8_lossy(&b).into_owned();
        for t in [s.as_str(), lossy.as_str()] {
            let _ = kmsg::format_record(t);
            let _ = sysfs::parse_iomem(t);
            let _ = sysfs::parse_bdf(t);
            let _ = sysfs::base_from_class_name(t);
        }
    }
}
