//! End-to-end tests of `smmu decode` on the real QEMU samples in assets/samples/.
use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_smmu");

fn sample(name: &str) -> String {
    format!("{}/../assets/samples/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn field<'a>(regs: &'a serde_json::Value, reg: &str, field: &str) -> &'a serde_json::Value {
    let r = regs.as_array().unwrap().iter().find(|r| r["name"] == reg).unwrap_or_else(|| panic!("no {reg}"));
    r["fields"].as_array().unwrap().iter().find(|f| f["name"] == field).unwrap_or_else(|| panic!("no {reg}.{field}"))
}

#[test]
fn json_on_the_stage1_sample() {
    let out = Command::new(BIN).args(["decode", &sample("qemu-10.0-s1.txt"), "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let regs = &v["registers"];
    let idr0 = regs.as_array().unwrap().iter().find(|r| r["name"] == "IDR0").unwrap();
    assert_eq!(idr0["offset"], "0x0000");
    assert_eq!(idr0["value"], "0x0d44101a");
    // IHI 0070 6.3.1: ST_LEVEL is IDR0[28:27]; 0x0d44101a has bits 27 = 1, 28 = 0.
    let st = field(regs, "IDR0", "ST_LEVEL");
    assert_eq!((st["lsb"].as_u64(), st["width"].as_u64(), st["value"].as_u64()), (Some(27), Some(2), Some(1)));
    assert_eq!(st["section"], "6.3.1");
    assert!(st["meaning"].as_str().unwrap().contains("2-level"));
    // IDR5.OAS = 0b100 (44 bits), what Linux printed as "oas 44-bit".
    assert_eq!(field(regs, "IDR5", "OAS")["value"], 4);
    assert_eq!(v["summary"]["oas_bits"], 44);
    assert_eq!(v["summary"]["architecture"], "SMMUv3.1");
    assert_eq!(v["summary"]["stages"]["stage1"], true);
    assert_eq!(v["summary"]["stages"]["stage2"], false);
    assert_eq!(v["summary"]["granules"], serde_json::json!(["4KB", "16KB", "64KB"]));
    assert_eq!(v["summary"]["streamid_bits"], 16);
    // The EVTQ_* names of the dump are the spec's SMMU_EVENTQ_* registers in Page 1.
    let prod = regs.as_array().unwrap().iter().find(|r| r["name"] == "EVENTQ_PROD").unwrap();
    assert_eq!(prod["offset"], "0x100a8");
    assert!(v["format"].is_string());
}

#[test]
fn stage2_sample_and_human_output() {
    let out = Command::new(BIN).args(["decode", &sample("qemu-10.0-s2.txt")]).env("NO_COLOR", "1").output().unwrap();
    assert!(out.status.success());
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(!s.contains('\x1b'), "no colour when not a terminal");
    assert!(s.contains("SMMU_IDR0 @ 0x0000 = 0x0d441019"));
    assert!(s.contains("ST_LEVEL") && s.contains("[28:27]"));
    assert!(s.contains("stage 2 only"));
    assert!(s.contains("XNX"));
}

#[test]
fn nested_sample() {
    let out = Command::new(BIN).args(["decode", &sample("qemu-10.0-nested.txt"), "--json"]).output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["stages"]["nested"], true);
}

#[test]
fn stdin_input() {
    let mut c =
        Command::new(BIN).args(["decode", "-", "--json"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    c.stdin.take().unwrap().write_all(b"AIDR = 0x00000002\n").unwrap();
    let out = c.wait_with_output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["architecture"], "SMMUv3.2");
}

#[test]
fn bad_input_exits_1_with_line_and_column() {
    let dir = std::env::temp_dir().join(format!("smmu-decode-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("bad.txt");
    std::fs::write(&p, "IDR0 = 0x0d44101a\nIDR1 = 0xnothex\n").unwrap();
    let out = Command::new(BIN).args(["decode", p.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.txt") && err.contains("line 2") && err.contains("column"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn missing_file_exits_1_and_bad_base_exits_2() {
    let out = Command::new(BIN).args(["decode", "/nonexistent/dump.txt"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = Command::new(BIN).args(["decode", &sample("qemu-10.0-s1.txt"), "--base", "zz"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
