//! `smmu queue` end to end on the QEMU 10.0 stage-1 sample snapshot, checked against the
//! capture's independent facts in tests/data/qemu-s1-4k/capture.json (see
//! tests/data/README.md): QEMU's register values at the snapshot, the raw words of every
//! command-queue entry with the opcode name QEMU's trace printed when it consumed it, and
//! the Linux guest's printout of every event record.
use std::process::{Command, Stdio};

fn root(rel: &str) -> String {
    format!("{}/../{rel}", env!("CARGO_MANIFEST_DIR"))
}

const SAMPLE: &str = "assets/samples/qemu-10.0-s1-4k.snapshot.json";

fn capture() -> serde_json::Value {
    let t = std::fs::read_to_string(root("tests/data/qemu-s1-4k/capture.json")).expect("capture.json");
    serde_json::from_str(&t).expect("capture json")
}

fn smmu(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_smmu"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run smmu");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

fn json(args: &[&str]) -> serde_json::Value {
    let (code, out, err) = smmu(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).expect("json output")
}

fn hex(v: &serde_json::Value) -> u64 {
    let s = v.as_str().unwrap_or_else(|| panic!("not a string: {v}"));
    u64::from_str_radix(s.trim_start_matches("0x"), 16).expect("hex")
}

/// A copy of the sample with some registers replaced.
fn patched(regs: &[(&str, &str)]) -> tempfile::NamedTempFile {
    let t = std::fs::read_to_string(root(SAMPLE)).expect("sample");
    let mut v: serde_json::Value = serde_json::from_str(&t).expect("sample json");
    for (k, val) in regs {
        v["registers"][*k] = serde_json::Value::String((*val).to_string());
    }
    let f = tempfile::NamedTempFile::new().expect("tmp");
    std::fs::write(f.path(), v.to_string()).expect("write");
    f
}

#[test]
fn queue_state_is_what_qemu_reported() {
    let cap = capture();
    let v = json(&["queue", &root(SAMPLE), "--json"]);
    let qs = v["queues"].as_array().expect("queues");
    assert_eq!(qs.len(), 2, "cmdq and evtq; no PRI queue on this SMMU");
    for (q, key) in [(&qs[0], "cmdq"), (&qs[1], "evtq")] {
        let c = &cap[key];
        assert_eq!(q["queue"], key);
        assert_eq!(hex(&q["base"]), hex(&c["addr"]), "{key} base");
        assert_eq!(q["log2size"], c["log2size"], "{key} LOG2SIZE");
        assert_eq!(q["size"].as_u64(), Some(1u64 << c["log2size"].as_u64().expect("log2size")));
        // Capture: cmdq PROD = CONS = 0x182, evtq PROD = CONS = 0x5: no wrap, empty.
        let (p, cn) = (hex(&c["prod_reg"]), hex(&c["cons_reg"]));
        assert_eq!(q["prod_index"].as_u64(), Some(p));
        assert_eq!(q["cons_index"].as_u64(), Some(cn));
        assert_eq!(q["prod_wrap"], false);
        assert_eq!(q["outstanding"], 0);
        assert_eq!(q["empty"], true);
        assert_eq!(q["full"], false);
        assert!(q["entries"].as_array().expect("entries").is_empty());
        assert_eq!(hex(&q["registers"][format!("{}_BASE", key.to_uppercase())]), hex(&c["base_reg"]));
    }
    assert_eq!(qs[0]["error"], "CERROR_NONE");
    assert_eq!(qs[1]["overflow"], false);
    assert_eq!(v["skipped"][0]["queue"], "priq");
    assert!(v["skipped"][0]["reason"].as_str().unwrap_or("").contains("IDR0.PRI = 0"));
}

#[test]
fn consumed_commands_are_what_qemu_executed() {
    let cap = capture();
    let want = cap["cmdq"]["entries"].as_array().expect("entries");
    let n = want.len().to_string();
    let v = json(&["queue", &root(SAMPLE), "--queue", "cmdq", "--consumed", &n, "--json"]);
    let got = v["queues"][0]["entries"].as_array().expect("entries");
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g["state"], "consumed");
        assert_eq!(g["index"], w["index"]);
        let gw: Vec<u64> = g["words"].as_array().expect("words").iter().map(hex).collect();
        let ww: Vec<u64> = w["raw"].as_array().expect("raw").iter().map(hex).collect();
        assert_eq!(gw, ww, "cmdq[{}]", w["index"]);
        let q = w["qemu_opcode"].as_str().expect("opcode").trim_start_matches("SMMU_");
        let name = g["decoded"]["name"].as_str().expect("name");
        // QEMU names CMD_CFGI_STE_RANGE with Range = 31 by opcode; the spec calls it CMD_CFGI_ALL.
        assert!(
            name == q || (q == "CMD_CFGI_STE_RANGE" && name == "CMD_CFGI_ALL"),
            "cmdq[{}]: QEMU {q}, smmu {name}",
            w["index"]
        );
        assert!(!g["decoded"]["fields"].as_array().expect("fields").is_empty());
    }
}

#[test]
fn consumed_events_are_what_the_kernel_printed() {
    let cap = capture();
    let v = json(&["queue", &root(SAMPLE), "--queue", "eventq", "--consumed", "100", "--json"]);
    let got = v["queues"][0]["entries"].as_array().expect("entries");
    let want = cap["evtq"]["entries"].as_array().expect("evtq");
    // 100 asked, only 5 records; the zero slots after them are never listed as "consumed"
    // ahead of index 0 because CONS - 100 wraps to slots outside the snapshot's memory.
    let from0: Vec<&serde_json::Value> = got.iter().filter(|e| e["index"].as_u64().is_some_and(|i| i < 5)).collect();
    assert_eq!(from0.len(), want.len());
    for (g, w) in from0.iter().zip(want) {
        let line = w["kernel_dmesg"]
            .as_array()
            .expect("dmesg")
            .iter()
            .filter_map(|l| l.as_str())
            .find(|l| l.contains("event: "))
            .expect("decoded");
        let after = line.split("event: ").nth(1).expect("event");
        let kname = after.split_whitespace().next().expect("name");
        let field = |k: &str| {
            after
                .split(&format!("{k}: "))
                .nth(1)
                .and_then(|t| t.split_whitespace().next())
                .map(|t| u64::from_str_radix(t.trim_start_matches("0x"), 16).expect("hex"))
        };
        let d = &g["decoded"];
        assert_eq!(d["type"], kname);
        assert_eq!(d["sid"].as_u64(), field("sid"));
        assert_eq!(Some(hex(&d["input_addr"])), field("iova"));
        assert_eq!(g["state"], "consumed");
    }
    // Slots before index 0 (wrapping to the end of the queue) are not in the snapshot's memory.
    assert!(got.iter().filter(|e| e["index"].as_u64().is_some_and(|i| i >= 5)).all(|e| e["error"].is_string()));
}

/// IHI 0070 3.5: entries from CONS up to PROD are outstanding; CMDQ_CONS.ERR is bits [30:24]
/// (CERROR_ILL = 1, 7.1). Rewinding CONS to 0x17f leaves QEMU's last three commands pending.
#[test]
fn outstanding_entries_and_command_error() {
    let cap = capture();
    let want = cap["cmdq"]["entries"].as_array().expect("entries");
    let f = patched(&[("CMDQ_CONS", "0x0100017f")]);
    let p = f.path().to_str().expect("path");
    let v = json(&["queue", p, "--queue", "cmdq", "--consumed", "2", "--json"]);
    let q = &v["queues"][0];
    assert_eq!(q["outstanding"], 3);
    assert_eq!(q["empty"], false);
    assert_eq!(q["error"], "CERROR_ILL");
    let e = q["entries"].as_array().expect("entries");
    let states: Vec<(&str, u64)> =
        e.iter().map(|x| (x["state"].as_str().unwrap_or(""), x["index"].as_u64().unwrap_or(0))).collect();
    assert_eq!(
        states,
        vec![
            ("consumed", 0x17d),
            ("consumed", 0x17e),
            ("outstanding", 0x17f),
            ("outstanding", 0x180),
            ("outstanding", 0x181)
        ]
    );
    for x in e {
        let i = x["index"].as_u64().expect("index") as usize;
        let q = want[i]["qemu_opcode"].as_str().expect("op").trim_start_matches("SMMU_");
        assert_eq!(x["decoded"]["name"], q);
    }
    let (code, out, _) = smmu(&["queue", p, "--queue", "cmdq"]);
    assert_eq!(code, 0);
    assert!(out.contains("3 entries outstanding between CONS and PROD"), "{out}");
    assert!(out.contains("[0x17f] outstanding at 0x7bd017f0") && out.contains("CMD_CFGI_STE"), "{out}");
    assert!(out.contains("CERROR_ILL"), "{out}");
}

/// Wrap (3.5.1): PROD index 2 with wrap 1, CONS index 0xfffe with wrap 0 in a 2^16 queue is
/// four entries, 0xfffe, 0xffff, 0, 1. Equal index with different wrap bits is full.
#[test]
fn wrapped_and_full_queues() {
    let f = patched(&[("CMDQ_PROD", "0x00010002"), ("CMDQ_CONS", "0x0000fffe")]);
    let v = json(&["queue", f.path().to_str().expect("p"), "--queue", "cmdq", "--json"]);
    let q = &v["queues"][0];
    assert_eq!(q["outstanding"], 4);
    assert_eq!(q["prod_wrap"], true);
    assert_eq!(q["cons_wrap"], false);
    let idx: Vec<u64> = q["entries"].as_array().expect("e").iter().map(|e| e["index"].as_u64().unwrap_or(9)).collect();
    assert_eq!(idx, vec![0xfffe, 0xffff, 0, 1]);
    // Index 0/1 are in memory: QEMU's first two commands.
    assert_eq!(q["entries"][2]["decoded"]["name"], "CMD_CFGI_ALL");
    assert_eq!(q["entries"][3]["decoded"]["name"], "CMD_SYNC");
    assert!(q["entries"][0]["error"].is_string(), "slot 0xfffe is not in the snapshot's memory");
    let f = patched(&[("EVTQ_PROD", "0x00008005"), ("EVTQ_CONS", "0x00000005")]);
    let v = json(&["queue", f.path().to_str().expect("p"), "--queue", "evtq", "--json"]);
    assert_eq!(v["queues"][0]["full"], true);
    assert_eq!(v["queues"][0]["outstanding"], 32768);
}

#[test]
fn bad_arguments() {
    assert_eq!(smmu(&["queue", &root(SAMPLE), "--queue", "nope"]).0, 2);
    let (code, _, err) = smmu(&["queue", &root(SAMPLE), "--queue", "priq"]);
    assert_eq!(code, 1);
    assert!(err.contains("PRIQ"), "{err}");
    assert_eq!(smmu(&["queue", "/nonexistent.json"]).0, 1);
}
