//! `smmu stale` end to end: exit codes, the JSON document, and QEMU 10.0's captures
//! (tests/data/qemu-s1-4k, qemu-s2-4k): the commands Linux put in the Command queue, decoded
//! in QEMU's own order and naming, and a leaf changed behind a translation QEMU performed,
//! whose old output must be what QEMU translated.
mod common;
use common::*;

fn stale_data(f: &str) -> String {
    data(&format!("stale/{f}")).display().to_string()
}

#[test]
fn exit_codes_and_schema() {
    let before = stale_data("remap-before.json");
    // CFGI_CD only: the TLB entry stays (IHI 0070 4.3.3 asks for a TLBI too).
    let r = smmu(["stale", &before, &stale_data("remap-after-no-tlbi.json"), "--json"]);
    let v = r.json();
    assert_eq!(v["schema"], "smmu-explorer/stale/1");
    let st = v["stale"].as_array().expect("stale");
    assert_eq!(st.len(), 1, "{v}");
    assert_eq!(st[0]["kind"], "translation");
    assert_eq!(
        (st[0]["iova"].as_str(), st[0]["old_pa"].as_str(), st[0]["new_pa"].as_str()),
        (Some("0x10000"), Some("0x40000000"), Some("0x48000000"))
    );
    // CMD_TLBI_NH_VA ASID 1 at 0x10000, Leaf: 0x12 | 1 << 48; 0x10000 | 1 (4.4.2.4).
    assert_eq!(v["required"][0]["words"], serde_json::json!(["0x0001000000000012", "0x0000000000010001"]));
    let r = smmu(["stale", &before, &stale_data("remap-after-no-tlbi.json"), "--fail-on-stale"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("may still give PA 0x40000000"), "{}", r.stdout);
    // The right TLBI: nothing stale, exit 0 even with --fail-on-stale.
    let r = smmu(["stale", &before, &stale_data("remap-after-tlbi.json"), "--fail-on-stale", "--json"]);
    assert_eq!(r.json()["stale"], serde_json::json!([]));
    // Bad input: exit 2 (1 is the finding).
    let r = smmu(["stale", &before, "/nonexistent/after.json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let bad = scratch("stale-bad.json", b"{\"smmu_explorer_snapshot\": 1, \"registers\": {}}");
    let r = smmu(["stale", &before, bad.to_str().expect("path")]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("CMDQ"), "{}", r.stderr);
}

/// QEMU's name for a command (`SMMU_CMD_CFGI_STE_RANGE`) in the spec's spelling.
fn qemu_name(s: &str) -> String {
    s.trim_start_matches("SMMU_").to_string()
}

/// BEFORE = the capture with SMMU_CMDQ_CONS back at 0: every command Linux issued since
/// reset is consumed between the two, in order; the tables are the same, so nothing is stale.
#[test]
fn qemu_captures_replay_their_command_queue() {
    for fx in ["qemu-s1-4k", "qemu-s2-4k"] {
        let cap = capture(fx);
        let after = capture_snapshot(fx);
        let mut snap = read_json(&after);
        snap["registers"]["CMDQ_CONS"] = serde_json::json!("0x00000000");
        let before = scratch(&format!("{fx}-cons0.json"), snap.to_string().as_bytes());
        let r =
            smmu(["stale", before.to_str().expect("path"), after.to_str().expect("path"), "--json", "--fail-on-stale"]);
        let v = r.json();
        let cmds = v["commands"].as_array().expect("commands");
        let entries = cap["cmdq"]["entries"].as_array().expect("entries");
        let cons = num(&cap["cmdq"]["cons_reg"]) as usize;
        assert_eq!(cmds.len(), cons, "{fx}");
        for (c, e) in cmds.iter().zip(entries) {
            assert_eq!(c["index"], e["index"], "{fx}");
            assert_eq!(
                c["words"][0].as_str().map(|s| hex(&serde_json::json!(s))),
                e["raw"][0].as_str().map(|s| hex(&serde_json::json!(s)))
            );
            let q = qemu_name(e["qemu_opcode"].as_str().expect("qemu_opcode"));
            // 4.3.6: CMD_CFGI_STE_RANGE with Range == 31 is CMD_CFGI_ALL; QEMU keeps the
            // opcode's name.
            let range31 = e["raw"][1].as_str().map(|s| hex(&serde_json::json!(s)) & 0x1f) == Some(31);
            let ours = c["name"].as_str().unwrap_or("");
            let same = ours == q || (ours == "CMD_CFGI_ALL" && q == "CMD_CFGI_STE_RANGE" && range31);
            assert!(same, "{fx} entry {}: {ours} vs QEMU {q}", e["index"]);
        }
        assert_eq!(v["stale"], serde_json::json!([]), "{fx}");
        assert_eq!(v["changes"], serde_json::json!([]), "{fx}");
    }
}

/// The last-level descriptor of a translation QEMU performed (still in memory), changed to
/// point one 1MB further, with no command between the snapshots: the TLB entry QEMU inserted
/// is stale and its old output is QEMU's translated address.
#[test]
fn qemu_translation_behind_a_changed_leaf_is_stale() {
    let fx = "qemu-s1-4k";
    let cap = capture(fx);
    let pages = Pages::load(fx);
    let after_path = capture_snapshot(fx);
    let mut picked = None;
    for w in cap["qemu_walks"].as_array().expect("walks") {
        let res = w["result"].as_str().unwrap_or("");
        if !res.starts_with("smmuv3_translate_success") {
            continue;
        }
        let reads: Vec<(u64, u64)> = w["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .filter_map(|s| s.as_str())
            .filter(|s| s.starts_with("smmu_get_pte"))
            .map(|s| (trace_val(s, "pteaddr").expect("pteaddr"), trace_val(s, "pte").expect("pte")))
            .collect();
        if reads.len() == 4 && reads.iter().all(|(a, v)| pages.read_u64(*a) == Some(*v)) {
            let asid = w["qemu_iotlb_miss"].as_str().and_then(|m| trace_val(m, "asid"));
            picked = Some((
                trace_val(res, "sid").expect("sid"),
                trace_val(res, "iova").expect("iova"),
                trace_val(res, "translated").expect("translated"),
                reads[3],
                asid,
            ));
            break;
        }
    }
    let (sid, iova, translated, (pte_addr, pte), asid) = picked.expect("a replayable walk");
    let mut snap = read_json(&after_path);
    let new_pte = pte ^ 0x10_0000;
    for m in snap["memory"].as_array_mut().expect("memory") {
        let pa = hex(&m["pa"]);
        let hexs = m["hex"].as_str().expect("hex").to_string();
        if pte_addr >= pa && pte_addr + 8 <= pa + hexs.len() as u64 / 2 {
            let off = ((pte_addr - pa) * 2) as usize;
            let le: String = new_pte.to_le_bytes().iter().map(|b| format!("{b:02x}")).collect();
            m["hex"] = serde_json::json!(format!("{}{le}{}", &hexs[..off], &hexs[off + 16..]));
        }
    }
    let after = scratch("qemu-s1-4k-leaf-changed.json", snap.to_string().as_bytes());
    let r = smmu(["stale", after_path.to_str().expect("path"), after.to_str().expect("path"), "--json"]);
    let v = r.json();
    let st = v["stale"].as_array().expect("stale");
    assert_eq!(st.len(), 1, "{v}");
    let e = &st[0];
    assert_eq!(num(&e["sid"]), sid);
    assert_eq!(hex(&e["iova"]), iova & !0xfff);
    assert_eq!(hex(&e["size"]), 0x1000);
    assert_eq!(hex(&e["old_pa"]), translated & !0xfff);
    assert_eq!(hex(&e["new_pa"]), (translated & !0xfff) ^ 0x10_0000);
    if let Some(a) = asid {
        assert!(e["why"].as_str().unwrap_or("").contains(&format!("ASID {a:#x}")), "{}", e["why"]);
    }
    assert_eq!(v["required"][0]["name"], "CMD_TLBI_NH_VA");
}
