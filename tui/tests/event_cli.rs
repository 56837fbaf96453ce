//! `smmu event` end to end. The record is a real one: QEMU 10.0.2's F_TRANSLATION that
//! Linux 7.3.4 printed as `sid: 0x18 ... iova: 0x12345000` / `unpriv data read s1`.
use std::io::Write;
use std::process::{Command, Stdio};

fn smmu(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_smmu"));
    c.args(args).env("NO_COLOR", "1").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut ch = c.spawn().unwrap();
    if let Some(s) = stdin {
        ch.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    } else {
        drop(ch.stdin.take());
    }
    let o = ch.wait_with_output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

const W: [&str; 4] = ["0x0000001800000010", "0x0000020800000000", "0x0000000012345000", "0x0000000000000000"];

#[test]
fn json_keys_are_stable() {
    let (code, out, _) = smmu(&["event", W[0], W[1], W[2], W[3], "--json"], None);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["type"], "F_TRANSLATION");
    assert_eq!(v["code"], "0x10");
    assert_eq!(v["sid"], 0x18);
    assert!(v["ssid"].is_null());
    assert_eq!(v["input_addr"], "0x12345000");
    assert_eq!(v["ipa"], "0x0");
    assert_eq!(v["rnw"], true);
    assert_eq!(v["s2"], false);
    assert_eq!(v["class"], "IN");
    assert!(v["fields"].as_array().unwrap().iter().any(|f| f["name"] == "StreamID"));
}

#[test]
fn text_and_stdin() {
    let (code, out, _) = smmu(&["event"], Some(&W.join("\n")));
    assert_eq!(code, 0);
    assert!(
        out.contains("F_TRANSLATION") && out.contains("StreamID 0x18") && out.contains("read at 0x12345000"),
        "{out}"
    );
}

#[test]
fn bad_input_and_usage() {
    assert_eq!(smmu(&["event", "1", "2"], None).0, 2);
    assert_eq!(smmu(&["event", "0xzz", "0", "0", "0"], None).0, 1);
    assert_eq!(smmu(&["event", "0x11111111111111111", "0", "0", "0"], None).0, 1);
    assert_eq!(smmu(&["event"], Some("0x10 0x0")).0, 1);
}
