//! `smmu ste` / `smmu cd` end to end: STEs and CDs Linux 7.3 wrote (QEMU capture).
use std::process::Command;

fn smmu(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_smmu")).args(args).env("NO_COLOR", "1").output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

fn field<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["fields"].as_array().unwrap().iter().find(|f| f["name"] == name).unwrap()
}

#[test]
fn ste_s2_from_linux() {
    let s = format!("{}/../assets/samples/qemu-10.0-s2-4k.snapshot.json", env!("CARGO_MANIFEST_DIR"));
    let (c, out, err) = smmu(&["ste", "0xd", "0", "0x044c359400000001", "0x45333000", "--snapshot", &s, "--json"]);
    assert_eq!(c, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    for k in ["name", "value", "meaning"] {
        assert!(v["fields"][0].get(k).is_some());
    }
    // `value` is an integer as in `smmu decode --json`; `hex` the same in hex.
    assert_eq!(field(&v, "Config")["value"], 6);
    assert_eq!(field(&v, "Config")["hex"], "0x6");
    assert_eq!(field(&v, "S2T0SZ")["value"], 0x14);
    assert!(field(&v, "S2TTB")["meaning"].as_str().unwrap().contains("0x45333000"));
    assert_eq!(v["legality"]["valid"], true);
    // Linux's iommufd takes a guest STE only with Config abort/bypass/S1.
    assert_eq!(v["guest_vste"]["accepted"], false);
}

#[test]
fn ste_reserved_config_behaves_as_abort_without_event() {
    // IHI 0070 G.b 5.2 Config: 0b0xx is "Reserved (behaves as 0b000)": traffic is aborted and no
    // event is recorded, so it is not ILLEGAL (no C_BAD_STE), but a reserved encoding.
    let (c, out, _) = smmu(&["ste", "0x3", "--json"]);
    assert_eq!(c, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_ne!(v["legality"]["event"], "C_BAD_STE");
    assert!(
        v["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p.as_str().unwrap().contains("reserved encoding 0x1 of Config")),
        "{v}"
    );
    let (c, out, _) = smmu(&["ste", "0x3"]);
    assert_eq!(c, 0);
    assert!(out.contains("reserved encoding 0x1"), "{out}");
    let (c, _, _) = smmu(&["ste", "zz"]);
    assert_eq!(c, 2);
}

#[test]
fn cd_from_linux_and_guest_vste_s1() {
    let (c, out, _) = smmu(&["cd", "0x0001e204c0003510", "0x45333000", "0", "0xfffffffff404ff44", "--json"]);
    assert_eq!(c, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(field(&v, "ASID")["value"], 1);
    assert_eq!(field(&v, "T0SZ")["value"], 0x10);
    assert_eq!(v["legality"]["valid"], true);
    // Linux S1 STE (V, Config = S1, S1ContextPtr; S1DSS/S1CIR/S1COR/S1CSH): a guest may give it.
    let (_, out, _) = smmu(&["ste", "0x4532200b", "0xd6", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["guest_vste"]["accepted"], true);
}
