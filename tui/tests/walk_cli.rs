//! `smmu walk` end to end on the QEMU 10.0 sample snapshots (assets/samples, converted from
//! the shared captures). Expected values are QEMU's and Linux's own output from the capture.
use std::process::Command;

fn smmu(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_smmu")).args(args).env("NO_COLOR", "1").output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

fn sample(n: &str) -> String {
    format!("{}/../assets/samples/{n}.snapshot.json", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn walk_json_contract_translated() {
    // QEMU: smmuv3_translate_success sid=0x18 iova=0x12346012345 translated=0x40012345
    let (c, out, err) =
        smmu(&["walk", &sample("qemu-10.0-s1-4k"), "--sid", "0x18", "--iova", "0x12346012345", "--json"]);
    assert_eq!(c, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["outcome"], "translated");
    assert_eq!(v["pa"], "0x40012345");
    assert!(v["event"].is_null());
    let steps = v["steps"].as_array().unwrap();
    for s in steps {
        for k in ["stage", "level", "kind", "address", "value", "explanation"] {
            assert!(s.get(k).is_some(), "{k}");
        }
    }
    // QEMU's smmu_get_pte: pteaddr=0x45489010 pte=0x45498003, 0x45498468 -> 0x4549a003,
    // 0x4549a180 -> 0x40000f45 (a 2MB block).
    let reads: Vec<(&str, &str)> = steps
        .iter()
        .filter(|s| s["stage"] == "1" && !s["address"].is_null())
        .map(|s| (s["address"].as_str().unwrap(), s["value"].as_str().unwrap()))
        .collect();
    assert_eq!(reads, vec![("0x45489010", "0x45498003"), ("0x45498468", "0x4549a003"), ("0x4549a180", "0x40000f45")]);
    assert_eq!(steps.last().unwrap()["kind"], "block");
}

#[test]
fn walk_fault_event_matches_the_kernels_dwords() {
    // Linux printed for this DMA (qemu-s2-4k capture, event queue entry 0):
    // 0x0000001800000010 0x0000028800000000 0x0000000012345000 0x0000000012345000
    let (c, out, _) =
        smmu(&["walk", &sample("qemu-10.0-s2-4k"), "--sid", "0x18", "--iova", "0x12345000", "--unpriv", "--json"]);
    assert_eq!(c, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["outcome"], "fault");
    let e = &v["event"];
    assert_eq!(e["type"], "F_TRANSLATION");
    assert_eq!(e["s2"], true);
    assert_eq!(e["class"], "IN");
    assert_eq!(e["rnw"], true);
    assert_eq!(
        e["raw"],
        serde_json::json!(["0x0000001800000010", "0x0000028800000000", "0x0000000012345000", "0x0000000012345000"])
    );
}

#[test]
fn walk_text_and_batch() {
    let (c, out, _) = smmu(&[
        "walk",
        &sample("qemu-10.0-s1-4k"),
        "--sid",
        "0x18",
        "--iova",
        "0xfedcba98040",
        "--access",
        "write",
        "--unpriv",
    ]);
    assert_eq!(c, 0);
    assert!(out.contains("F_PERMISSION"), "{out}");
    // Linux: event 0x13 ... 0x0000001800000013 0x0000020000000000 0x00000fedcba98040
    assert!(out.contains("0x0000001800000013 0x0000020000000000 0x00000fedcba98040"), "{out}");
    let dir = std::env::temp_dir().join(format!("smmu-walk-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let b = dir.join("batch.txt");
    std::fs::write(&b, "# sid iova access\n0x18 0x12346012345 read\n0x18 0x12345000 write\n").unwrap();
    let (c, out, _) = smmu(&["walk", &sample("qemu-10.0-s1-4k"), "--batch", b.to_str().unwrap(), "--json"]);
    assert_eq!(c, 0);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["schema"], "smmu-explorer/walk-batch/1");
    let v = &doc["items"];
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(v[0]["pa"], "0x40012345");
    assert_eq!(v[1]["event"]["type"], "F_TRANSLATION");
    std::fs::write(&b, "0x18 zzz\n").unwrap();
    let (c, _, err) = smmu(&["walk", &sample("qemu-10.0-s1-4k"), "--batch", b.to_str().unwrap()]);
    assert_eq!(c, 1);
    assert!(err.contains(":1:"), "{err}");
}

#[test]
fn walk_errors_exit_codes() {
    let (c, _, _) = smmu(&["walk", &sample("qemu-10.0-s1-4k"), "--sid", "0x18"]);
    assert_eq!(c, 2, "missing --iova is a usage error");
    let (c, _, _) =
        smmu(&["walk", &sample("qemu-10.0-s1-4k"), "--sid", "0x18", "--iova", "0x0", "--access", "sideways"]);
    assert_eq!(c, 2);
    let (c, _, err) = smmu(&["walk", "/nonexistent.json", "--sid", "1", "--iova", "0"]);
    assert_eq!(c, 1, "{err}");
    let dir = std::env::temp_dir().join(format!("smmu-walk-cli-v-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("v2.json");
    std::fs::write(&f, r#"{"smmu_explorer_snapshot": 2}"#).unwrap();
    let (c, _, err) = smmu(&["walk", f.to_str().unwrap(), "--sid", "1", "--iova", "0"]);
    assert_eq!(c, 1);
    assert!(err.contains("version 2"), "{err}");
}

#[test]
fn walk_with_mem_image_fills_missing_memory() {
    // A scenario snapshot with its memory moved into a raw image: the walk reports missing
    // memory without the image and translates with --mem FILE@BASE.
    let dir = std::env::temp_dir().join(format!("smmu-walk-mem-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let snap = dir.join("s.json");
    let scen = format!("{}/../assets/scenarios/01-s1-4k-48bit-2m-block.json", env!("CARGO_MANIFEST_DIR"));
    let (c, _, err) = smmu(&["scenario", "build", &scen, "-o", snap.to_str().unwrap()]);
    assert_eq!(c, 0, "{err}");
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&snap).unwrap()).unwrap();
    let chunks = v["memory"].as_array().unwrap().clone();
    let base = u64::from_str_radix(chunks[0]["pa"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    let mut img = vec![];
    for ch in &chunks {
        let pa = u64::from_str_radix(ch["pa"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
        let hex = ch["hex"].as_str().unwrap();
        let off = (pa - base) as usize;
        let bytes: Vec<u8> =
            (0..hex.len() / 2).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()).collect();
        if img.len() < off + bytes.len() {
            img.resize(off + bytes.len(), 0);
        }
        img[off..off + bytes.len()].copy_from_slice(&bytes);
    }
    v["memory"] = serde_json::json!([]);
    std::fs::write(&snap, v.to_string()).unwrap();
    let raw = dir.join("ram.bin");
    std::fs::write(&raw, &img).unwrap();
    let (_, out, _) = smmu(&["walk", snap.to_str().unwrap(), "--sid", "8", "--iova", "0x100123456", "--json"]);
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["outcome"], "missing_memory");
    assert!(r["event"].is_null());
    let spec = format!("{}@{base:#x}", raw.display());
    let (_, out, _) =
        smmu(&["walk", snap.to_str().unwrap(), "--sid", "8", "--iova", "0x100123456", "--mem", &spec, "--json"]);
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["outcome"], "translated");
    assert_eq!(r["pa"], "0x40323456");
}

#[test]
fn walk_accepts_a_scenario_file() {
    let scen = format!("{}/../assets/scenarios/05-nested-4k-over-4k.json", env!("CARGO_MANIFEST_DIR"));
    let (c, out, err) = smmu(&["walk", &scen, "--sid", "0x40", "--iova", "0x100000042", "--json"]);
    assert_eq!(c, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["pa"], "0x900001042");
    assert_eq!(v["ipa"], "0x200001042");
    // 4 (CD IPA) + 4 x (4 + 1) (stage 1 tables, each through stage 2) + 4 (output).
    assert_eq!(v["descriptor_reads"], 28);
    let (c, _, _) = smmu(&["scenario", "check", &scen]);
    assert_eq!(c, 0);
}
