//! `smmu collect` on fixture trees (tests/fixtures/hosts/<case>/, each a copy of the sysfs,
//! procfs and firmware files a host shows; provenance in tests/fixtures/hosts/PROVENANCE.md).
use serde_json::Value;
use smmu_tui::collect::{self, Options, Status};
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/hosts").join(p)
}

fn source<'a>(c: &'a collect::Collection, name: &str) -> Vec<&'a collect::SourceReport> {
    c.sources.iter().filter(|s| s.source == name).collect()
}

/// A sparse /dev/mem substitute holding QEMU 10.0's stage-1 SMMUv3 ID registers (values the
/// QEMU monitor and a guest's devmem print: ../shared/fixtures/qemu-s1-4k/capture.json) at
/// the IHI 0070 6.2 offsets from the SMMU base.
fn qemu_devmem(dir: &Path, base: u64) -> PathBuf {
    use std::os::unix::fs::FileExt;
    let p = dir.join("mem");
    let f = std::fs::File::create(&p).unwrap();
    f.set_len(base + 0x20000).unwrap();
    for (off, v) in [(0x0u64, 0x0d44101au32), (0x4, 0x02730010), (0xc, 0x1404), (0x14, 0x74), (0x1c, 0x1)] {
        f.write_all_at(&v.to_le_bytes(), base + off).unwrap();
    }
    p
}

fn run_bin(args: &[&str], as_nobody: bool) -> (i32, String, String) {
    run_exe(Path::new(env!("CARGO_BIN_EXE_smmu")), args, as_nobody)
}

fn run_exe(exe: &Path, args: &[&str], as_nobody: bool) -> (i32, String, String) {
    use std::os::unix::process::CommandExt;
    let mut c = Command::new(exe);
    c.args(args);
    if as_nobody {
        c.uid(65534).gid(65534);
    }
    let o = c.output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn no_smmu_host_says_so() {
    let c = collect::collect(&Options { root: fixture("no-smmu"), ..Default::default() });
    assert!(c.smmus.is_empty());
    assert!(c.notes.iter().any(|n| n.contains("no SMMUv3 found")), "{:?}", c.notes);
    assert_eq!(source(&c, "sysfs.iommu_class")[0].status, Status::Missing);
    assert_eq!(source(&c, "firmware.iort")[0].status, Status::Missing);
    assert_eq!(source(&c, "registers")[0].status, Status::Skipped);
    assert_eq!(c.pci.len(), 1);
    assert_eq!(c.pci[0].sid, None);
    assert!(c.snapshot.registers.is_empty());
    // Still a valid snapshot.
    smmu_core::snapshot::Snapshot::from_json(&c.snapshot.to_json()).unwrap();
}

#[test]
fn cli_usage_errors() {
    let (rc, _, err) = run_bin(&["collect", "--root", "/nonexistent-dir"], false);
    assert_eq!(rc, 2, "{err}");
    let (rc, _, err) = run_bin(&["collect", "--devmem", "/nonexistent-file"], false);
    assert_eq!(rc, 2, "{err}");
}

#[test]
fn cli_json_is_a_snapshot() {
    let (rc, out, err) = run_bin(&["collect", "--root", fixture("no-smmu").to_str().unwrap(), "--json"], false);
    assert_eq!(rc, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["smmu_explorer_snapshot"], 1);
    assert!(v["provenance"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["source"] == "firmware.iort" && s["status"] == "missing"));
}

#[test]
fn qemu_device_tree_guest() {
    // The files a Debian 6.12 arm64 guest showed on QEMU 10.0 virt-9.1,iommu=smmuv3 (stage 1),
    // booted with the device tree; registers from a /dev/mem substitute.
    let dir = tempfile::tempdir().unwrap();
    let mem = qemu_devmem(dir.path(), 0x0905_0000);
    let c = collect::collect(&Options { root: fixture("qemu-virt-dt"), devmem: Some(mem), ..Default::default() });
    assert_eq!(c.smmus.len(), 1, "{:?}", c.smmus.iter().map(|s| &s.instance).collect::<Vec<_>>());
    let s = &c.smmus[0];
    assert_eq!(s.instance.base.as_deref(), Some("0x9050000"));
    assert_eq!(s.instance.device.as_deref(), Some("9050000.smmuv3"));
    assert_eq!(s.instance.driver.as_deref(), Some("arm-smmu-v3"));
    assert!(s.instance.base_sources.iter().any(|b| b.contains("device tree")), "{:?}", s.instance.base_sources);
    assert!(s.instance.base_sources.iter().any(|b| b.contains("/proc/iomem")));
    // Linux requests two 0xe00-byte windows, one per register page.
    assert_eq!(s.instance.iomem, ["0x9050000-0x9050dff", "0x9060000-0x9060dff"]);
    assert_eq!(c.snapshot.registers.get("IDR0"), Some(0x0d44101a));
    assert_eq!(c.snapshot.registers.get("IDR1"), Some(0x02730010));
    assert_eq!(c.snapshot.registers.field("IDR0", "ST_LEVEL"), Some(1));
    assert_eq!(c.snapshot.registers.get("AIDR"), Some(1));
    let sids: Vec<(&str, Option<&str>)> = c.pci.iter().map(|d| (d.bdf.as_str(), d.sid.as_deref())).collect();
    assert_eq!(sids, [("0000:00:00.0", Some("0x0")), ("0000:00:01.0", Some("0x8")), ("0000:00:03.0", Some("0x18"))]);
    let virtio = &c.pci[1];
    assert_eq!(
        (virtio.vendor.as_deref(), virtio.driver.as_deref(), virtio.iommu_group.as_deref()),
        (Some("0x1af4"), Some("virtio-pci"), Some("0"))
    );
    assert_eq!(source(&c, "firmware.fdt")[0].status, Status::Found);
    assert_eq!(source(&c, "firmware.iort")[0].status, Status::Missing);
    let snap: Value = serde_json::from_str(&c.snapshot.to_json()).unwrap();
    assert!(snap["kernel"]["log"].as_array().unwrap().iter().any(|l| l.as_str().unwrap().contains("9050000.smmuv3")));
    assert_eq!(snap["kernel"]["iomem_relaxed"], true);
    assert_eq!(snap["host"]["iommu_groups"][0]["default_domain_type"], "DMA");
    assert_eq!(snap["host"]["cpu"]["midr_el1"]["value"], "0x00000000000f0510");
    assert!(snap["provenance"]["values"]["registers.IDR0"].as_str().unwrap().contains("0x9050000"));
    // `decode`, `forward` and `walk` read it back.
    let back = smmu_core::snapshot::Snapshot::from_json(&c.snapshot.to_json()).unwrap();
    assert_eq!(back.registers.get("IDR0"), Some(0x0d44101a));
}

#[test]
fn qemu_acpi_guest() {
    // The same machine booted through UEFI: the SMMU is found through the IORT and the
    // StreamIDs come from the root complex's ID mappings.
    let dir = tempfile::tempdir().unwrap();
    let mem = qemu_devmem(dir.path(), 0x0905_0000);
    let c = collect::collect(&Options { root: fixture("qemu-virt-acpi"), devmem: Some(mem), ..Default::default() });
    assert_eq!(c.smmus.len(), 1);
    let s = &c.smmus[0];
    assert_eq!(s.instance.device.as_deref(), Some("arm-smmu-v3.0.auto"));
    assert!(
        s.instance.base_sources.iter().any(|b| b.contains("IORT SMMUv3 node at 0x48")),
        "{:?}",
        s.instance.base_sources
    );
    assert_eq!(s.iort_model.as_deref(), Some("Generic SMMUv3"));
    assert!(!s.page0_only);
    assert_eq!(source(&c, "firmware.iort")[0].status, Status::Found);
    let sids: Vec<Option<&str>> = c.pci.iter().map(|d| d.sid.as_deref()).collect();
    assert_eq!(sids, [Some("0x0"), Some("0x8"), Some("0x18")]);
    assert!(c.pci[1].sid_source.as_deref().unwrap().contains("IORT"));
    let snap: Value = serde_json::from_str(&c.snapshot.to_json()).unwrap();
    let node = &snap["firmware"]["iort"]["nodes"][1];
    assert_eq!(node["type"], "SMMUv3");
    assert_eq!(node["smmu_v3"]["cohacc_override"], true);
    assert_eq!(node["smmu_v3"]["httu_override"], 0);
    assert_eq!(c.snapshot.registers.get("IDR5"), Some(0x74));
    // The probe banner the guest kernel printed ("ias 44-bit, oas 44-bit (features 0x00008305)"),
    // decoded as `smmu log` does, with the kernel version from /proc/version.
    let probe = &snap["kernel"]["log_decoded"]["probe"][0];
    assert_eq!(
        (probe["features"].as_str(), probe["oas"].as_u64(), probe["kernel"].as_str()),
        (Some("0x00008305"), Some(44), Some("6.12"))
    );
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        let ft = e.file_type().unwrap();
        if ft.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(e.path()).unwrap(), &t).unwrap();
        } else if ft.is_dir() {
            copy_tree(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), &t).unwrap();
        }
    }
}

#[test]
fn unprivileged_run_explains_every_refusal() {
    // tests/fixtures/hosts/unprivileged: the ACPI guest's tree with /proc/iomem as the guest
    // showed it to uid 65534 (addresses zeroed). The files listed in ROOT_ONLY are mode 0400
    // (0600 for /dev/mem) on a real kernel; here they are made unreadable and the binary runs
    // as uid 65534 when the tests run as root (root ignores file modes).
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let root = tmp.path().join("root");
    copy_tree(&fixture("unprivileged"), &root);
    std::fs::write(root.join("dev/mem"), b"").unwrap();
    let list = std::fs::read_to_string(fixture("unprivileged/ROOT_ONLY")).unwrap();
    for l in list.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        std::fs::set_permissions(root.join(l), std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    let is_root = rustix::process::geteuid().is_root();
    // uid 65534 may not reach the build directory (/root/...): run a copy from the tempdir.
    let exe = tmp.path().join("smmu");
    std::fs::copy(env!("CARGO_BIN_EXE_smmu"), &exe).unwrap();
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
    let (rc, out, err) = run_exe(&exe, &["collect", "--root", root.to_str().unwrap(), "--json"], is_root);
    assert_eq!(rc, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let st = |name: &str| -> (String, String) {
        let s = v["provenance"]["sources"].as_array().unwrap().iter().find(|s| s["source"] == name).unwrap();
        (s["status"].as_str().unwrap().to_string(), s["fix"].as_str().unwrap_or("").to_string())
    };
    for name in ["firmware.iort", "registers", "kernel.log", "procfs.iomem"] {
        let (status, fix) = st(name);
        assert_eq!(status, "refused", "{name}");
        assert!(fix.contains("run as root"), "{name}: {fix}");
    }
    // What an unprivileged user can see is still collected.
    assert_eq!(st("sysfs.iommu_class").0, "found");
    assert_eq!(v["host"]["smmus"][0]["base"], "0x9050000");
    assert!(v["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("run as root")));
    // The summary says the same in words.
    let (rc, out, _) = run_exe(&exe, &["collect", "--root", root.to_str().unwrap()], is_root);
    assert_eq!(rc, 0);
    assert!(out.contains("refused") && out.contains("fix: run as root"), "{out}");
}

#[test]
fn memory_capture_follows_the_stream_table() {
    // Register values as Linux 7.3 programs QEMU's SMMU (the shared qemu-s1-4k capture):
    // STRTAB_BASE = RA | 0x450d7000, STRTAB_BASE_CFG = FMT 2-level, SPLIT 8, LOG2SIZE 16,
    // CMDQ_BASE = RA | 0x7bd00000 | LOG2SIZE 16, EVENTQ_BASE = RA | 0x7be00000 | LOG2SIZE 15;
    // L1STD[0] = L2Ptr 0x7bc20000 | Span 9. Encodings from IHI 0070 6.3.24/6.3.25/6.3.26 and 5.1.
    use std::os::unix::fs::FileExt;
    let dir = tempfile::tempdir().unwrap();
    let p = qemu_devmem(dir.path(), 0x0905_0000);
    let f = std::fs::OpenOptions::new().write(true).open(&p).unwrap();
    let put64 = |pa: u64, v: u64| f.write_all_at(&v.to_le_bytes(), pa).unwrap();
    put64(0x0905_0080, 0x4000_0000_450d_7000);
    f.write_all_at(&((1u32 << 16) | (8 << 6) | 16).to_le_bytes(), 0x0905_0088).unwrap();
    put64(0x0905_0090, 0x4000_0000_7bd0_0010);
    put64(0x0905_00a0, 0x4000_0000_7be0_000f);
    put64(0x450d_7000, 0x7bc2_0009);
    // STE for StreamID 8 in the level-2 table: V=1, Config=0b101 (word 0 bits 0 and 3:1).
    put64(0x7bc2_0000 + 8 * 64, 0b1011);
    f.set_len(0x7be0_0000 + (32 << 15)).unwrap();
    let c = collect::collect(&Options {
        root: fixture("qemu-virt-dt"),
        devmem: Some(p),
        memory: true,
        ..Default::default()
    });
    use smmu_core::mem::PhysMem;
    let m = &c.snapshot.memory;
    assert_eq!(m.read_u64_le(0x450d_7000).unwrap(), 0x7bc2_0009, "level-1 table");
    assert_eq!(m.read_u64_le(0x7bc2_0200).unwrap(), 0b1011, "level-2 STE for SID 8");
    assert!(m.read_u64_le(0x7bc2_0000 + 256 * 64 - 8).is_ok(), "2^(Span-1) = 256 STEs captured");
    assert!(m.read_u64_le(0x7bc2_0000 + 256 * 64).is_err(), "nothing beyond the level-2 table");
    assert!(m.read_u64_le(0x7bd0_0000 + (16 << 16) - 8).is_ok(), "command queue, 2^16 x 16 bytes");
    assert!(m.read_u64_le(0x7be0_0000).is_ok(), "event queue");
    let mem_reports = source(&c, "memory");
    assert!(mem_reports.iter().all(|r| r.status == Status::Found), "{mem_reports:?}");
    // Round trip through the snapshot file.
    let back = smmu_core::snapshot::Snapshot::from_json(&c.snapshot.to_json()).unwrap();
    assert_eq!(back.memory.read_u64_le(0x7bc2_0200).unwrap(), 0b1011);
}

#[test]
fn two_smmus_each_get_their_registers() {
    use std::os::unix::fs::FileExt;
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("root");
    for base in ["0x0000000009050000", "0x000000000a000000"] {
        std::fs::create_dir_all(root.join(format!("sys/class/iommu/smmu3.{base}"))).unwrap();
    }
    let mem = qemu_devmem(t.path(), 0x0a00_0000);
    let f = std::fs::OpenOptions::new().write(true).open(&mem).unwrap();
    // The first SMMU: IDR0 of QEMU's stage-2 model.
    f.write_all_at(&0x0d44_1019u32.to_le_bytes(), 0x0905_0000).unwrap();
    let c = collect::collect(&Options { root, devmem: Some(mem), ..Default::default() });
    assert_eq!(c.smmus.len(), 2);
    let idr0: Vec<Option<&String>> = c.smmus.iter().map(|s| s.registers.get("IDR0")).collect();
    assert_eq!(idr0, [Some(&"0x0d441019".to_string()), Some(&"0x0d44101a".to_string())]);
    assert_eq!(c.snapshot.registers.get("IDR0"), Some(0x0d44_1019), "registers = the first SMMU");
    assert!(c.notes.iter().any(|n| n.contains("several SMMUs")), "{:?}", c.notes);
    assert_eq!(source(&c, "registers").len(), 2);
}
