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
    use std::os::unix::process::CommandExt;
    let mut c = Command::new(env!("CARGO_BIN_EXE_smmu"));
    c.args(args);
    if as_nobody {
        c.uid(65534).gid(65534);
    }
    let o = c.output().unwrap();
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
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
    assert!(v["provenance"]["sources"].as_array().unwrap().iter().any(|s| s["source"] == "firmware.iort" && s["status"] == "missing"));
}
