//! Register reads through a /dev/mem substitute file (byte offset = physical address).
use smmu_tui::collect::{self, devmem, Options};
use std::os::unix::fs::FileExt;

const BASE: u64 = 0x0905_0000;

fn mem_file(len: u64) -> (tempfile::TempDir, std::path::PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("mem");
    let f = std::fs::File::create(&p).unwrap();
    f.set_len(len).unwrap();
    // IDR0 at +0x0, STRTAB_BASE (64-bit) at +0x80, EVENTQ_PROD (Page 1) at +0x100a8 (IHI 0070 6.2).
    f.write_all_at(&0x0d44_101au32.to_le_bytes(), BASE).unwrap();
    f.write_all_at(&0x4000_0000_450d_7000u64.to_le_bytes(), BASE + 0x80).unwrap();
    if len >= BASE + 0x20000 {
        f.write_all_at(&0x8000_0005u32.to_le_bytes(), BASE + 0x100a8).unwrap();
    }
    (d, p)
}

#[test]
fn reads_page0_and_page1_registers() {
    let (_d, p) = mem_file(BASE + 0x20000);
    let dm = devmem::Devmem::open(&p).unwrap();
    assert!(!dm.is_device());
    let reads = devmem::read_registers(&dm, BASE, false).unwrap();
    let get = |n: &str| reads.iter().find(|r| r.reg.name == n).and_then(|r| r.value.clone().ok());
    assert_eq!(get("IDR0"), Some(0x0d44_101a));
    assert_eq!(get("STRTAB_BASE"), Some(0x4000_0000_450d_7000), "64-bit register as two 32-bit reads");
    assert_eq!(get("EVENTQ_PROD"), Some(0x8000_0005));
    assert!(reads.iter().all(|r| r.value.is_ok()));
    // Page 0 only (Cavium CN99xx): no Page 1 register is read.
    let reads = devmem::read_registers(&dm, BASE, true).unwrap();
    assert!(reads.iter().all(|r| r.reg.offset < 0x10000));
}

#[test]
fn a_short_file_gives_per_register_errors() {
    let (_d, p) = mem_file(BASE + 0x100);
    let dm = devmem::Devmem::open(&p).unwrap();
    let reads = devmem::read_registers(&dm, BASE, false).unwrap();
    assert!(reads.iter().find(|r| r.reg.name == "IDR0").unwrap().value.is_ok());
    assert!(reads.iter().find(|r| r.reg.name == "EVENTQ_PROD").unwrap().value.is_err());
}

#[test]
fn window_bounds_and_alignment() {
    let (_d, p) = mem_file(BASE + 0x20000);
    let dm = devmem::Devmem::open(&p).unwrap();
    let w = dm.window(BASE, devmem::SMMU_PAGE).unwrap();
    assert_eq!(w.read32(BASE).unwrap(), 0x0d44_101a);
    assert!(w.read32(BASE + 2).is_err(), "unaligned");
    assert!(w.read32(BASE + 0x10000).is_err(), "outside the page");
    assert!(w.read32(BASE - 4).is_err());
}

#[test]
fn live_refresh_reads_only_dynamic_registers() {
    let (_d, p) = mem_file(BASE + 0x20000);
    let opts = Options { devmem: Some(p), ..Default::default() };
    let set = collect::refresh(&opts, BASE).unwrap();
    assert_eq!(set.get("EVENTQ_PROD"), Some(0x8000_0005));
    assert!(set.get("GERROR").is_some());
    assert!(set.get("IDR0").is_none(), "identification registers are not re-read");
}

#[test]
fn missing_file_is_reported() {
    match devmem::Devmem::open(std::path::Path::new("/nonexistent/mem")) {
        Err(devmem::DevmemError::Missing(m)) => assert!(m.contains("/nonexistent/mem")),
        Err(e) => panic!("unexpected {e}"),
        Ok(_) => panic!("opened a missing file"),
    }
}
