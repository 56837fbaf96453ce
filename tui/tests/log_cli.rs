//! `smmu log` end to end on real logs (core/tests/data/README.md for provenance).
use std::process::{Command, Stdio};

fn data(n: &str) -> String {
    format!("{}/../core/tests/data/{n}", env!("CARGO_MANIFEST_DIR"))
}

fn smmu(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_smmu")).args(args).env("NO_COLOR", "1").stdin(Stdio::null()).output().unwrap();
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into(), String::from_utf8_lossy(&o.stderr).into())
}

#[test]
fn json_contract() {
    let (code, out, _) = smmu(&["log", &data("qemu-s1-4k.dmesg"), "--kernel", "7.3", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ev = v["events"].as_array().unwrap();
    assert_eq!(ev.len(), 5);
    assert_eq!(ev[0]["type"], "F_TRANSLATION");
    assert_eq!(ev[0]["sid"], 0x18);
    assert_eq!(ev[0]["input_addr"], "0x12345000");
    assert!(ev[0]["checks"].as_array().unwrap().iter().all(|c| c["agrees"] == true));
    assert!(v["command_errors"].as_array().unwrap().is_empty());
    let p = &v["probe"][0];
    assert!(p["ias"].is_null());
    assert_eq!(p["oas"], 44);
    assert_eq!(p["features"], "0x01008305");
    assert_eq!(p["feature_names"][0], "2_LVL_STRTAB");
}

#[test]
fn text_report_and_stdin() {
    let (code, out, _) = smmu(&["log", &data("hisi-sva-6.14.log")]);
    assert_eq!(code, 0);
    assert!(out.contains("StreamID 0x7501 SubstreamID 0x1") && out.contains("stalled (STAG 0x176)"), "{out}");
    assert!(!out.contains("DISAGREES"), "{out}");
    let (_, out, _) = smmu(&["log", &data("nvme-cmdq-illegal.log")]);
    assert!(out.contains("CERROR_ILL") && out.contains("opcode 0x00 is Reserved"), "{out}");
    let o = Command::new(env!("CARGO_BIN_EXE_smmu"))
        .args(["log", "-", "--json"])
        .stdin(std::fs::File::open(data("grace-probe.log")).unwrap())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["probe"][0]["features"], "0x001e1fbf");
}

#[test]
fn errors() {
    assert_eq!(smmu(&["log", "/nonexistent/x.log"]).0, 1);
    assert_eq!(smmu(&["log", &data("grace-probe.log"), "--kernel", "banana"]).0, 2);
}
