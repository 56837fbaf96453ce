//! `smmu log` end to end on real logs (core/tests/data/README.md for provenance).
use std::process::{Command, Stdio};

fn data(n: &str) -> String {
    format!("{}/../core/tests/data/{n}", env!("CARGO_MANIFEST_DIR"))
}

fn smmu(args: &[&str]) -> (i32, String, String) {
    let o =
        Command::new(env!("CARGO_BIN_EXE_smmu")).args(args).env("NO_COLOR", "1").stdin(Stdio::null()).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
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

fn smmu_in(args: &[&str], input: &[u8]) -> (i32, String, String) {
    use std::io::Write;
    let mut c = Command::new(env!("CARGO_BIN_EXE_smmu"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin.take().unwrap().write_all(input).unwrap();
    let o = c.wait_with_output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

fn log_json(text: &str) -> serde_json::Value {
    let (code, out, err) = smmu_in(&["log", "--json", "-"], text.as_bytes());
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// Linux arm_smmu_cmdq_issue_cmdlist() prints "CMD_SYNC timeout at 0x%08x [hwprod 0x%08x,
/// hwcons 0x%08x]" with SMMU_CMDQ_PROD/CONS read after the timeout. CMDQ_CONS.RD is bits
/// [19:0] (index + wrap), ERR bits [30:24] with CERROR_ILL = 1 (IHI 0070 6.3.27, 7.1).
#[test]
fn cmd_sync_timeout_decoded() {
    let text = "[    0.5] arm-smmu-v3 9050000.smmuv3: allocated 65536 entries for cmdq\n\
                [  100.7] arm-smmu-v3 9050000.smmuv3: CMD_SYNC timeout at 0x00000146 [hwprod 0x00000146, hwcons 0x00000145]\n\
                [  100.9] arm-smmu-v3 9050000.smmuv3: CMD_SYNC timeout at 0x00010003 [hwprod 0x00010003, hwcons 0x0100ffff]\n";
    let v = log_json(text);
    let t = &v["cmd_sync_timeouts"];
    assert_eq!(t[0]["line"], 2);
    assert_eq!(t[0]["device"], "arm-smmu-v3 9050000.smmuv3");
    assert_eq!(t[0]["hwcons"], "0x00000145");
    assert_eq!(t[0]["cons_rd"], 0x145);
    assert_eq!(t[0]["cons_error"], "CERROR_NONE");
    assert_eq!(t[0]["pending"], 1);
    assert!(t[0]["explanation"].as_str().unwrap().contains("stopped consuming at CONS 0x145"));
    // Across the wrap: PROD index 3 wrap 1, CONS index 0xffff wrap 0: 4 pending; ERR = 1.
    assert_eq!(t[1]["cons_rd"], 0xffff);
    assert_eq!(t[1]["cons_error"], "CERROR_ILL");
    assert_eq!(t[1]["pending"], 4);
    assert!(v["unparsed"].as_array().unwrap().is_empty());
    let (_, out, _) = smmu_in(&["log", "-"], text.as_bytes());
    assert!(out.contains("CMD_SYNC timeout line 2") && out.contains("SMMU_CMDQ_CONS 0x00000145"), "{out}");
}

/// The device is the prefix before the first ": " (Linux dev_err: "<driver> <device>: msg").
/// SMMU lines nobody understands are listed, never dropped; other drivers' lines are ignored.
#[test]
fn device_names_and_unparsed_lines() {
    let text = "[ 1.0] arm-smmu-v3 arm-smmu-v3.0.auto: device has entered Service Failure Mode!\n\
                [ 1.1] arm-smmu-v3 arm-smmu-v3.0.auto: GERROR MSI write aborted\n\
                [ 1.2] arm-smmu-v3 arm-smmu-v3.0.auto: a message from a future kernel\n\
                [ 1.3] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000000000001\n\
                [ 1.4] e1000e 0000:00:19.0: eth0: link up\n";
    let v = log_json(text);
    let m = v["messages"].as_array().unwrap();
    assert_eq!(m.len(), 2, "{v}");
    for x in m {
        assert_eq!(x["device"], "arm-smmu-v3 arm-smmu-v3.0.auto");
    }
    assert_eq!(m[0]["text"], "device has entered Service Failure Mode!");
    assert_eq!(m[1]["text"], "GERROR MSI write aborted");
    let u: Vec<u64> = v["unparsed"].as_array().unwrap().iter().map(|x| x["line"].as_u64().unwrap()).collect();
    assert_eq!(u, vec![3, 4]);
    assert_eq!(v["lines"], 5);
    assert_eq!(v["smmu_lines"], 4);
}

/// A dump cut after dword 0 (the QEMU capture's first record, Linux's own print of it):
/// what dword 0 holds is known (F_TRANSLATION, StreamID 0x18), the rest is null, not 0.
#[test]
fn damaged_event_values_are_missing_not_zero() {
    let text = "[    7.839997] arm-smmu-v3 9050000.smmuv3: event 0x10 received:\n\
                [    7.840176] arm-smmu-v3 9050000.smmuv3: \t0x0000001800000010\n\
                [    9.000000] arm-smmu-v3 9050000.smmuv3: event 0x10 received:\n\
                [    9.000001] arm-smmu-v3 9050000.smmuv3: \t0x0000001800000010\n\
                [    9.000002] arm-smmu-v3 9050000.smmuv3: \tgarbage\n\
                [    9.000003] arm-smmu-v3 9050000.smmuv3: \t0x0000000012345000\n\
                [    9.000004] arm-smmu-v3 9050000.smmuv3: \t0x0000000000000000\n";
    let v = log_json(text);
    let e = &v["events"][0];
    assert_eq!(e["type"], "F_TRANSLATION");
    assert_eq!(e["sid"], 0x18);
    for k in ["input_addr", "ipa", "rnw", "s2", "class", "stall", "stag"] {
        assert!(e[k].is_null(), "{k}: {}", e[k]);
    }
    assert!(e["fields"].as_array().unwrap().iter().all(|f| f["name"] != "InputAddr"));
    let s = e["summary"].as_str().unwrap();
    assert!(s.contains("unknown address") && !s.contains(" 0x0"), "{s}");
    // Damaged dword 1 (RnW, S2, CLASS): unknown; dword 2 (InputAddr) is known.
    let e = &v["events"][1];
    assert!(e["rnw"].is_null() && e["class"].is_null());
    assert_eq!(e["input_addr"], "0x12345000");
    assert_eq!(e["missing_dwords"], serde_json::json!([1]));
    let (_, out, _) = smmu_in(&["log", "-"], text.as_bytes());
    assert!(out.contains("read/write unknown at an unknown address"), "{out}");
}

#[test]
fn binary_and_empty_inputs() {
    let mut junk = b"arm-smmu-v3 x: hello\n".to_vec();
    junk.extend((0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 24) as u8));
    let (code, _, err) = smmu_in(&["log", "-"], &junk);
    assert_eq!(code, 1);
    assert!(err.contains("not a text log") && err.contains("byte offset"), "{err}");
    let (code, out, _) = smmu_in(&["log", "-"], b"[ 0.0] Booting Linux\n[ 0.1] e1000e: link up\n");
    assert_eq!(code, 0);
    assert!(out.contains("no SMMU-related lines found in 2 line(s)"), "{out}");
    assert!(!out.contains("kernel version for feature names"), "{out}");
    let (code, out, _) = smmu_in(&["log", "-"], b"");
    assert_eq!(code, 0);
    assert!(out.contains("in 0 line(s)"), "{out}");
    // A stray invalid byte in a serial-console log is still text.
    let (code, _, _) = smmu_in(&["log", "-"], b"[ 1.0] arm-smmu-v3 x: option mask 0x2\xff\n");
    assert_eq!(code, 0);
}
