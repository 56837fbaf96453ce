//! Start-up choice of `smmu` without arguments: the live host when it has an SMMUv3 whose
//! registers can be read, else the built-in sample, saying why. Uses the collect fixture
//! trees (tests/fixtures/hosts/, provenance in PROVENANCE.md there): `qemu-virt-dt` is a
//! QEMU virt guest's sysfs/DT with an SMMUv3 at 0x09050000, `no-smmu` has none.
use smmu_tui::collect::{self, Options};
use smmu_tui::explorer::data::{self, SourceKind};
use std::path::PathBuf;

fn fixture(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/hosts").join(p)
}

#[test]
fn no_smmu_host_opens_the_sample_and_says_why() {
    let c = collect::collect(&Options { root: fixture("no-smmu"), ..Default::default() });
    let d = data::dataset_from_collection(c).unwrap();
    assert_eq!(d.hosts[0].kind, SourceKind::Sample);
    assert!(d.banner[0].contains("built-in sample"), "{:?}", d.banner);
    assert!(d.banner[0].contains("no SMMUv3"), "{:?}", d.banner);
}

#[test]
fn smmu_host_with_readable_registers_opens_live() {
    use std::os::unix::fs::FileExt;
    let dir = std::env::temp_dir().join(format!("smmu-tui-live-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mem = dir.join("mem");
    let f = std::fs::File::create(&mem).unwrap();
    let base = 0x0905_0000u64;
    f.set_len(base + 0x20000).unwrap();
    // QEMU 10.0 stage-1 SMMUv3 IDR0/IDR1 (QEMU monitor values, shared fixtures qemu-s1-4k)
    // at their IHI 0070 6.2 offsets.
    for (off, v) in [(0x0u64, 0x0d44101au32), (0x4, 0x02730010)] {
        f.write_all_at(&v.to_le_bytes(), base + off).unwrap();
    }
    let c = collect::collect(&Options { root: fixture("qemu-virt-dt"), devmem: Some(mem), ..Default::default() });
    assert_eq!(c.smmus.len(), 1);
    {
        let d = data::dataset_from_collection(c).unwrap();
        let h = &d.hosts[0];
        assert_eq!(h.kind, SourceKind::Live);
        assert!(h.description.starts_with("live host"), "{}", h.description);
        assert_eq!(h.registers.get("IDR0"), Some(0x0d44101a));
        assert!(d.banner[0].contains("live host"), "{:?}", d.banner);
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// `r` on a live host re-reads only the run-time registers (IHI 0070 6.2: SMMU_EVENTQ_PROD is
/// the Page 1 register at offset 0x100A8) and keeps the rest of the collection.
#[test]
fn live_reload_rereads_queue_pointers() {
    use std::os::unix::fs::FileExt;
    let dir = std::env::temp_dir().join(format!("smmu-tui-live-reload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mem = dir.join("mem");
    let f = std::fs::File::create(&mem).unwrap();
    let base = 0x0905_0000u64;
    f.set_len(base + 0x20000).unwrap();
    for (off, v) in [(0x0u64, 0x0d44101au32), (0x4, 0x02730010), (0x100A8, 5)] {
        f.write_all_at(&v.to_le_bytes(), base + off).unwrap();
    }
    let opts = Options { root: fixture("qemu-virt-dt"), devmem: Some(mem.clone()), ..Default::default() };
    let d = data::dataset_from_collection(collect::collect(&opts)).unwrap();
    let h = &d.hosts[0];
    assert_eq!(h.kind, SourceKind::Live);
    assert_eq!(h.live_base, Some(base));
    assert_eq!(h.registers.get("EVENTQ_PROD"), Some(5));
    // The SMMU writes a new event: PROD moves on.
    f.write_all_at(&7u32.to_le_bytes(), base + 0x100A8).unwrap();
    let nh = data::refresh_live(h, &opts).unwrap();
    assert_eq!(nh.registers.get("EVENTQ_PROD"), Some(7));
    assert_eq!(nh.registers.get("IDR0"), Some(0x0d44101a));
    assert!(nh.notes.iter().any(|n| n.starts_with("re-read ")), "{:?}", nh.notes);
    let _ = std::fs::remove_dir_all(&dir);
}
