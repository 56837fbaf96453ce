//! `smmu ptdump` end to end.
use std::process::Command;

fn smmu(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_smmu")).args(args).env("NO_COLOR", "1").output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

#[test]
fn ptdump_qemu_s1_edu_domain() {
    // The edu device's domain in the QEMU capture: the 2MB block QEMU walked
    // (smmu_ptw_block_pte ... iova=0x12346012345 block address = 0x40000000 block size = 2 MiB)
    // and the read-only page of the F_PERMISSION test.
    let s = format!("{}/../assets/samples/qemu-10.0-s1-4k.snapshot.json", env!("CARGO_MANIFEST_DIR"));
    let (c, out, err) = smmu(&["ptdump", &s, "--sid", "0x18", "--json"]);
    assert_eq!(c, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let m = v["mappings"].as_array().unwrap();
    assert!(m.iter().any(|x| x["input"] == "0x12346000000" && x["output"] == "0x40000000" && x["size"] == "0x200000"));
    assert!(m.iter().any(|x| x["input"] == "0xfedcba98000" && x["perms"].as_str().unwrap().starts_with("p:r-")));
}

#[test]
fn ptdump_nested_scenario_and_usage() {
    let dir = std::env::temp_dir().join(format!("smmu-ptdump-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let snap = dir.join("n.json");
    let scen = format!("{}/../assets/scenarios/05-nested-4k-over-4k.json", env!("CARGO_MANIFEST_DIR"));
    assert_eq!(smmu(&["scenario", "build", &scen, "-o", snap.to_str().unwrap()]).0, 0);
    let (c, out, err) = smmu(&["ptdump", snap.to_str().unwrap(), "--sid", "0x40", "--stage", "nested", "--json"]);
    assert_eq!(c, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let m = &v["mappings"][0];
    assert_eq!(m["input"], "0x100000000");
    assert_eq!(m["output"], "0x900001000");
    let (c, _, _) = smmu(&["ptdump", snap.to_str().unwrap(), "--sid", "0x40", "--stage", "3"]);
    assert_eq!(c, 2);
    let (c, _, _) = smmu(&["ptdump", snap.to_str().unwrap(), "--sid", "0x99"]);
    assert_eq!(c, 1);
}
