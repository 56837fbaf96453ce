//! `smmu decode --kernel`, `smmu log` banner checks and `smmu forward` nesting gating, end to
//! end. Expected values: what Linux 7.3.4 printed under QEMU 10.0.2 for the sample registers
//! (assets/samples/README.md, the shared qemu-s1-4k capture's console log: "oas 44-bit
//! (features 0x01008305)", "allocated 65536 entries for cmdq", "allocated 32768 entries for
//! evtq"), and values worked out from the kernel sources (core/tests/linux_probe.rs).
use std::io::Write;
use std::process::{Command, Stdio};

fn asset(n: &str) -> String {
    format!("{}/../assets/{n}", env!("CARGO_MANIFEST_DIR"))
}

fn smmu(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_smmu"));
    c.args(args).env("NO_COLOR", "1").stdout(Stdio::piped()).stderr(Stdio::piped());
    c.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    let mut ch = c.spawn().unwrap();
    if let Some(s) = stdin {
        ch.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    let o = ch.wait_with_output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

const MMU700: &str = "IDR0=0x0d44101b\nIDR1=0x02730010\nIDR3=0x1414\nIDR5=0x74\nIIDR=0x4871043b\nAIDR=0x1\n";

#[test]
fn decode_gives_the_banner_linux_printed() {
    let (code, out, err) = smmu(&["decode", &asset("samples/qemu-10.0-s1.txt"), "--kernel", "7.3", "--json"], None);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let p = &v["linux_probe"];
    assert_eq!(p["kernel"], "7.3");
    assert_eq!(p["banner"], "oas 44-bit (features 0x01008305)");
    assert_eq!(p["features"], "0x01008305");
    assert!(p["ias"].is_null());
    assert_eq!(p["oas"], 44);
    assert_eq!(p["queues"][0]["message"], "allocated 65536 entries for cmdq");
    assert_eq!(p["queues"][1]["message"], "allocated 32768 entries for evtq");
    assert!(v["registers"].is_array(), "the decode is still there");
    // Text: the line next to the decode.
    let (_, out, _) = smmu(&["decode", &asset("samples/qemu-10.0-s1.txt")], None);
    assert!(out.contains("Linux 7.3 would print"), "{out}");
    assert!(out.contains("  oas 44-bit (features 0x01008305)"));
    assert!(out.contains("Linux 6.12 differs: ias 44-bit, oas 44-bit (features 0x00008305)"), "{out}");
}

#[test]
fn decode_flags() {
    // ACPI, COHACC override on an SMMU without IDR0.COHACC (0x0d44100a), 6.12.
    let regs = "IDR0=0x0d44100a\nIDR1=0x02730010\nIDR3=0x1404\nIDR5=0x74\nIIDR=0\n";
    let (code, out, err) =
        smmu(&["decode", "-", "--kernel", "6.12", "--fw", "acpi", "--fw-coherent=true", "--json"], Some(regs));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["linux_probe"]["banner"], "ias 44-bit, oas 44-bit (features 0x00008305)");
    assert_eq!(v["linux_probe"]["warnings"][0], "IDR0.COHACC overridden by FW configuration (true)");
    // A failing probe.
    let bad = "IDR0=0x0d441018\nIDR1=0x02730010\nIDR3=0x1404\nIDR5=0x74\nIIDR=0\n";
    let (_, out, _) = smmu(&["decode", "-", "--kernel", "6.1", "--json"], Some(bad));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["linux_probe"]["probe_fails"], "no translation support!");
    assert!(v["linux_probe"]["banner"].is_null());
    // Usage errors exit 2.
    assert_eq!(smmu(&["decode", "-", "--kernel", "6.13"], Some(MMU700)).0, 2);
    assert_eq!(smmu(&["decode", "-", "--fw", "uefi"], Some(MMU700)).0, 2);
    assert_eq!(smmu(&["decode", "-", "--iort-httu", "7"], Some(MMU700)).0, 2);
    assert_eq!(smmu(&["decode", "-", "--sva", "maybe"], Some(MMU700)).0, 2);
}

#[test]
fn forward_refuses_on_the_mmu700_erratum() {
    let (code, out, err) = smmu(&["forward", "-", "--fw-canwbs", "--json"], Some(MMU700));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    for r in v["vmm"].as_array().unwrap() {
        assert_eq!(r["accepts"], false, "{}", r["name"]);
        assert!(r["messages"][0].as_str().unwrap().contains("erratum 2268618, 2812531"), "{}", r["messages"]);
    }
    let (_, text, _) = smmu(&["forward", "-", "--fw-canwbs"], Some(MMU700));
    assert!(text.contains("strict: refuses"), "{text}");
}

#[test]
fn log_compares_banner_and_registers() {
    // The built-in QEMU snapshot holds the registers and the 7.3.4 kernel log of the same boot.
    let (code, out, err) = smmu(&["log", &asset("samples/qemu-10.0-s1-4k.snapshot.json"), "--json"], None);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let c = &v["banner_checks"][0];
    assert_eq!(c["agrees"], true, "{c}");
    assert_eq!(c["kernel"], "7.3");
    assert_eq!(c["expected"], "oas 44-bit (features 0x01008305)");
    // Pasted together: the MMU-700 registers and a banner with NESTING cleared.
    let pasted = format!("{MMU700}[    1.0] arm-smmu-v3 arm-smmu-v3.0.auto: oas 44-bit (features 0x01008705)\n");
    let (_, out, _) = smmu(&["log", "-", "--kernel", "7.3"], Some(&pasted));
    assert!(out.contains("NESTING cleared by erratum 2268618, 2812531 (Arm MMU-700 r1p0)"), "{out}");
    // COHACC = 0 yet COHERENCY printed.
    let pasted = "IDR0=0x0d44100a\nIDR1=0x02730010\nIDR3=0x1404\nIDR5=0x74\nIIDR=0\n\
                  [    1.0] arm-smmu-v3 arm-smmu-v3.0.auto: ias 44-bit, oas 44-bit (features 0x00008305)\n";
    let (_, out, _) = smmu(&["log", "-", "--kernel", "6.12"], Some(pasted));
    assert!(out.contains("COHERENCY set although IDR0.COHACC=0: the DT says dma-coherent"), "{out}");
}
