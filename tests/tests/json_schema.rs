//! The `--json` output contract: every document names its schema (`"schema":
//! "smmu-explorer/<kind>/1"`), docs/schema/<kind>.schema.json is generated from the Rust types
//! that are serialized (schemars), and real outputs of the `smmu` binary validate against it.
//!
//! After changing an output type: `SMMU_UPDATE_SCHEMAS=1 cargo test -p smmu-tests --test
//! json_schema` rewrites docs/schema/, and the diff shows what changed in the contract.

mod common;

use common::{asset, root, scratch, smmu};
use schemars::JsonSchema;
use serde_json::{json, Value};
use std::path::PathBuf;

fn id(kind: &str) -> String {
    format!("smmu-explorer/{kind}/1")
}

/// The schema of `T` as a tagged document: `"schema"` is required and has its one value.
fn tagged<T: JsonSchema>(kind: &str, what: &str) -> Value {
    let gen = schemars::generate::SchemaSettings::draft2020_12().for_serialize().into_generator();
    let root = gen.into_root_schema_for::<T>();
    let mut v = serde_json::to_value(root).expect("schema is JSON");
    let o = v.as_object_mut().expect("root schema is an object");
    o.insert("$id".into(), json!(format!("https://smmu-explorer.invalid/schema/{kind}/1")));
    o.insert("title".into(), json!(id(kind)));
    o.insert("description".into(), json!(what));
    let props = o.entry("properties").or_insert_with(|| json!({}));
    props
        .as_object_mut()
        .expect("properties is an object")
        .insert("schema".into(), json!({"const": id(kind), "description": "This document's schema and version."}));
    let req = o.entry("required").or_insert_with(|| json!([]));
    let req = req.as_array_mut().expect("required is a list");
    if !req.contains(&json!("schema")) {
        req.insert(0, json!("schema"));
    }
    o.insert("type".into(), json!("object"));
    v
}

/// `walk --batch --json` and `scenario check --json`: lists under `"items"`.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct WalkBatch {
    items: Vec<smmu_core::walk::WalkResult>,
}

fn schemas() -> Vec<(&'static str, Value)> {
    use smmu_core as c;
    vec![
        (
            "cd",
            tagged::<c::structs::StructureReport>("cd", "smmu cd --json: a Context Descriptor decoded, with legality."),
        ),
        ("cmd", tagged::<c::queues::cmd::CommandInfo>("cmd", "smmu cmd --json: one command decoded, legality.")),
        (
            "decode",
            tagged::<c::linux::output::DecodeJson<'static>>(
                "decode",
                "smmu decode --json: every register field, derived facts, problems, and the Linux probe.",
            ),
        ),
        ("encode", tagged::<c::encode::EncodeReport>("encode", "smmu encode --json: words built from named fields.")),
        ("event", tagged::<c::queues::event::EventInfo>("event", "smmu event --json: one event record decoded.")),
        (
            "forward",
            tagged::<c::forward::ForwardReport>(
                "forward",
                "smmu forward --json: what a VMM may offer a guest, per field.",
            ),
        ),
        (
            "log",
            tagged::<c::linux::output::LogAnalysis>("log", "smmu log --json: what a kernel log says about the SMMU."),
        ),
        ("ptdump", tagged::<c::walk::ptdump::PtDump>("ptdump", "smmu ptdump --json: every mapping of a stream.")),
        ("queue", tagged::<smmu_tui::cmd::queue::Report>("queue", "smmu queue --json: the queues of a snapshot.")),
        (
            "snapshot",
            tagged::<c::snapshot::SnapshotFile>(
                "snapshot",
                "smmu collect --json, smmu scenario build: a snapshot (registers, memory, kernel, firmware).",
            ),
        ),
        ("stale", tagged::<c::cache::Report>("stale", "smmu stale --json: what an SMMU may still have cached.")),
        (
            "ste",
            tagged::<c::structs::StructureReport>(
                "ste",
                "smmu ste --json: a Stream Table Entry decoded, with legality.",
            ),
        ),
        ("walk", tagged::<c::walk::WalkResult>("walk", "smmu walk --json: one translation, step by step.")),
        ("walk-batch", tagged::<WalkBatch>("walk-batch", "smmu walk --batch FILE --json: one result per line.")),
    ]
}

fn schema_dir() -> PathBuf {
    root().join("docs").join("schema")
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("schema serializes");
    s.push('\n');
    s
}

#[test]
fn schemas_are_current() {
    let update = std::env::var_os("SMMU_UPDATE_SCHEMAS").is_some();
    let dir = schema_dir();
    let mut stale = vec![];
    for (kind, schema) in schemas() {
        let path = dir.join(format!("{kind}.schema.json"));
        let want = pretty(&schema);
        if update {
            std::fs::create_dir_all(&dir).expect("create docs/schema");
            std::fs::write(&path, &want).expect("write schema");
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(want.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "these schemas differ from the types: {stale:?}\nrun SMMU_UPDATE_SCHEMAS=1 cargo test -p smmu-tests --test json_schema"
    );
}

/// Checks one real output against its kind's schema, and that it names that kind.
fn check(kind: &str, out: &Value) {
    let all = schemas();
    let schema = &all.iter().find(|(k, _)| *k == kind).unwrap_or_else(|| panic!("no schema {kind}")).1;
    let v = jsonschema::validator_for(schema).unwrap_or_else(|e| panic!("{kind}: schema does not compile: {e}"));
    let errs: Vec<String> = v.iter_errors(out).take(10).map(|e| format!("{} at {}", e, e.instance_path)).collect();
    assert!(errs.is_empty(), "{kind}: output does not match docs/schema/{kind}.schema.json:\n{}", errs.join("\n"));
    assert_eq!(out["schema"], json!(id(kind)), "{kind}: the document names its schema");
}

fn sample(n: &str) -> String {
    asset(&format!("samples/{n}")).display().to_string()
}

fn json_of(args: &[&str]) -> Value {
    let r = smmu(args);
    assert!(r.code == 0 || r.code == 1, "smmu {args:?}: exit {}: {}", r.code, r.stderr);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("smmu {args:?}: bad JSON ({e})"))
}

#[test]
fn real_outputs_match_their_schemas() {
    let s1 = sample("qemu-10.0-s1-4k.snapshot.json");
    let s2 = sample("qemu-10.0-s2-4k.snapshot.json");
    let dump = sample("qemu-10.0-s1.txt");
    // Decode and forward: a QEMU dump and a hand-made host with BTM and 52-bit addresses.
    check("decode", &json_of(&["decode", &dump, "--json"]));
    check("decode", &json_of(&["decode", &s2, "--json"]));
    let host = asset("hosts/handmade-btm-52bit.txt").display().to_string();
    check("forward", &json_of(&["forward", &host, "--json"]));
    check("forward", &json_of(&["forward", &dump, &host, "--json"]));
    // Structures, commands, events (a QEMU 10.0 F_TRANSLATION record and a CMD_SYNC).
    check("ste", &json_of(&["ste", "0x4532600b", "0xd6", "0", "0", "0x00050000", "--json"]));
    check("cd", &json_of(&["cd", "0x4000000000003d75", "0x45489000", "0", "0x44", "--json"]));
    check("cmd", &json_of(&["cmd", "0x46", "0", "--json"]));
    check("event", &json_of(&["event", "0x0000001800000010", "0", "0x12345000", "0", "--json"]));
    check("encode", &json_of(&["encode", "ste", "V=1", "Config=0b101", "--json"]));
    // Queues, walks (a translation and a fault), ptdump and a batch.
    check("queue", &json_of(&["queue", &s1, "--json"]));
    check("walk", &json_of(&["walk", &s1, "--sid", "0x18", "--iova", "0x12345000", "--json"]));
    check("walk", &json_of(&["walk", &s1, "--sid", "0x18", "--iova", "0x7fff0000000", "--json"]));
    check("walk", &json_of(&["walk", &s2, "--sid", "0x18", "--iova", "0x12345000", "--json"]));
    check("ptdump", &json_of(&["ptdump", &s1, "--sid", "0x18", "--json"]));
    let batch = scratch("schema-batch.txt", b"0x18 0x12345000\n0x18 0x7fff0000000 write\n");
    check("walk-batch", &json_of(&["walk", &s1, "--batch", &batch.display().to_string(), "--json"]));
    // A kernel log, and snapshots from collect and the scenario builder.
    let log = root().join("core/tests/data/hisi-sva-6.14.log").display().to_string();
    check("log", &json_of(&["log", &log, "--json"]));
    let tree = root().join("tests/fixtures/hosts/qemu-virt-acpi").display().to_string();
    check("snapshot", &json_of(&["collect", "--root", &tree, "--json"]));
    let sc = asset("scenarios/05-nested-4k-over-4k.json").display().to_string();
    let built = scratch("schema-05.snapshot.json", b"");
    let r = smmu(["scenario", "build", sc.as_str(), "-o", &built.display().to_string()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let snap: Value = serde_json::from_str(&std::fs::read_to_string(&built).expect("built")).expect("snapshot JSON");
    check("snapshot", &snap);
    // Two snapshots of one SMMU: a page remapped without a TLBI (tests/data/stale).
    let st = |f: &str| root().join("tests/data/stale").join(f).display().to_string();
    check("stale", &json_of(&["stale", &st("remap-before.json"), &st("remap-after-no-tlbi.json"), "--json"]));
}
