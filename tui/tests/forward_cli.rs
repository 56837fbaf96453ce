//! `smmu forward` end to end: exit codes, JSON contract, email width, colour rules.
use std::process::Command;

fn smmu() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_smmu"));
    c.env("NO_COLOR", "1");
    c
}
fn asset(p: &str) -> String {
    format!("{}/../assets/{p}", env!("CARGO_MANIFEST_DIR"))
}
fn run(args: &[&str]) -> (i32, String, String) {
    let o = smmu().args(args).output().expect("runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

#[test]
fn json_contract() {
    let h = asset("hosts/qemu-10.0-nested.txt");
    let (code, out, err) = run(&["forward", &h, "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let verdicts = v["verdicts"].as_array().expect("verdicts");
    assert!(!verdicts.is_empty());
    for x in verdicts {
        for k in ["register", "field", "host", "guest", "class", "reason", "refs", "would_change"] {
            assert!(x.get(k).is_some(), "verdict lacks {k}: {x}");
        }
        let class = x["class"].as_str().expect("class string");
        assert!(
            [
                "direct",
                "assumed",
                "per-device",
                "needs-kernel",
                "needs-firmware",
                "needs-vm-flag",
                "vmm-defined",
                "host-only"
            ]
            .contains(&class),
            "{class}"
        );
    }
    assert!(v["guest"]["IDR0"].as_str().expect("guest IDR0").starts_with("0x"));
    let vmm = v["vmm"].as_array().expect("vmm");
    assert_eq!(vmm.len(), 4);
    for x in vmm {
        assert!(x["name"].is_string() && x["accepts"].is_boolean() && x["messages"].is_array());
    }
}

#[test]
fn email_is_quotable_and_text_has_no_colour_off_tty() {
    let a = asset("hosts/handmade-full.txt");
    let b = asset("hosts/handmade-odd.txt");
    let (code, out, err) = run(&["forward", &a, &b, "--format", "email"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.lines().all(|l| l.chars().count() < 76), "long line in email output");
    assert!(!out.contains('\x1b'));
    // Without NO_COLOR but with stdout a pipe: still no colour.
    let o =
        Command::new(env!("CARGO_BIN_EXE_smmu")).env_remove("NO_COLOR").args(["forward", &a]).output().expect("runs");
    assert!(!String::from_utf8_lossy(&o.stdout).contains('\x1b'));
}

#[test]
fn vmm_selection_options_and_claim() {
    let h = asset("hosts/qemu-10.0-nested.txt");
    let c = asset("samples/qemu-10.0-s1.txt");
    let (code, out, err) =
        run(&["forward", &h, "--vmm", "qemu-accel", "--qemu-ssidsize", "8", "--claim", &c, "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["vmm"].as_array().map(|a| a.len()), Some(1));
    assert_eq!(v["vmm"][0]["accepts"], false);
    assert!(v["vmm"][0]["messages"][0].as_str().unwrap_or("").contains("SSIDSIZE not compatible"));
    assert!(!v["claim"]["over_claims"].as_array().expect("over_claims").is_empty());
    // Text: the profile and its message.
    let (code, out, _) = run(&["forward", &h, "--vmm", "openvmm", "--kernel", "6.12"]);
    assert_eq!(code, 0);
    assert!(out.contains("openvmm") && out.contains("refuses the host") && out.contains("6.13"));
}

#[test]
fn pool_in_json() {
    let a = asset("hosts/qemu-10.0-nested.txt");
    let b = asset("hosts/handmade-btm-52bit.txt");
    let (code, out, err) = run(&["forward", &a, &b, "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["pool"]["hosts"].as_array().map(|a| a.len()), Some(2));
    assert!(v["pool"]["diff"].as_array().is_some_and(|d| d.iter().any(|x| x["matters"] == true)));
}

#[test]
fn exit_codes() {
    let h = asset("hosts/qemu-10.0-nested.txt");
    assert_eq!(run(&["forward", &h, "--vmm", "xen"]).0, 2);
    assert_eq!(run(&["forward", &h, "--caps", "bogus"]).0, 2);
    assert_eq!(run(&["forward", &h, "--kernel", "new"]).0, 2);
    assert_eq!(run(&["forward", &h, "--qemu-ril", "maybe"]).0, 2);
    assert_eq!(run(&["forward", &h, "--fw-httu-override", "7"]).0, 2);
    assert_eq!(run(&["forward", &h, "--format", "xml"]).0, 2);
    assert_eq!(run(&["forward"]).0, 2);
    let (code, _, err) = run(&["forward", "/nonexistent/host.txt"]);
    assert_eq!(code, 1);
    assert!(err.contains("/nonexistent/host.txt"));
    let dir = std::env::temp_dir().join(format!("smmu-forward-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let bad = dir.join("bad.txt");
    std::fs::write(&bad, "IDR0 = zzz\n").expect("write");
    let (code, _, err) = run(&["forward", bad.to_str().unwrap_or("")]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("line 1"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn snapshot_facts_fill_options_not_given() {
    // The built-in QEMU stage-1 snapshot records kernel.version (Linux 7.3.x).
    let s = asset("samples/qemu-10.0-s1-4k.snapshot.json");
    let (code, out, err) = run(&["forward", &s, "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["options"]["kernel"]["major"], 7);
    assert!(v["notes"]
        .as_array()
        .is_some_and(|n| n.iter().any(|x| x.as_str().unwrap_or("").contains("kernel 7.3 from the snapshot"))));
    // A flag given on the command line wins over the snapshot.
    let (_, out, _) = run(&["forward", &s, "--kernel", "6.12", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["options"]["kernel"]["minor"], 12);
    // stage-1-only SMMU: no nesting, every profile's kernel check refuses.
    assert!(v["vmm"].as_array().is_some_and(|a| a.iter().all(|x| x["accepts"] == false)));
}

/// Every guest IDR set is checked with smmu decode's consistency rules: `guest_warnings`
/// per profile and for the strict guest in JSON; the same lines in text and email output.
/// OpenVMM's guest on QEMU's host has SIDSIZE 16 with ST_LEVEL 0b00 (IHI 0070 6.3.2 says
/// SIDSIZE >= 7 needs a 2-level stream table).
#[test]
fn guest_warnings_in_every_format() {
    let h = asset("hosts/qemu-10.0-nested.txt");
    let (code, out, err) = run(&["forward", &h, "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["guest_warnings"].as_array().map(Vec::len), Some(0), "strict guest is consistent");
    for m in v["vmm"].as_array().expect("vmm") {
        assert!(m["guest_warnings"].is_array(), "{}", m["name"]);
    }
    let ovmm = v["vmm"].as_array().and_then(|a| a.iter().find(|m| m["name"] == "openvmm")).expect("openvmm");
    let w: Vec<&str> = ovmm["guest_warnings"].as_array().expect("array").iter().filter_map(|x| x.as_str()).collect();
    assert!(w.iter().any(|x| x.contains("SIDSIZE") && x.contains("ST_LEVEL")), "{w:?}");
    for fmt in [&["--format", "email"][..], &[][..]] {
        let mut a = vec!["forward", h.as_str(), "--vmm", "openvmm"];
        a.extend_from_slice(fmt);
        let (code, out, err) = run(&a);
        assert_eq!(code, 0, "{err}");
        let flat = out.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("guest IDRs break an IHI 0070 6.3 rule"), "{out}");
        assert!(flat.contains("requires IDR0.ST_LEVEL"), "{out}");
    }
}
