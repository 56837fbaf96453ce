//! `smmu encode`: words from named fields, checked against independent facts.
//!
//! Facts: the STEs, commands and event records Linux 7.3 wrote and QEMU 10.0 decoded in the
//! shared captures (tests/data/qemu-s1-4k, qemu-s2-4k: structures.streams[].ste_raw,
//! cmdq.entries[] with QEMU's own decode, evtq.entries[] with the kernel's printout), and
//! command words derived by hand from the field positions of IHI 0070 4.4.2 and 4.7.3.
use proptest::prelude::*;
use smmu_core::encode::{self, Kind};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_smmu");

fn sample(name: &str) -> String {
    format!("{}/../assets/samples/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN).arg("encode").args(args).env("NO_COLOR", "1").output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(args: &[&str]) -> serde_json::Value {
    let mut a = args.to_vec();
    a.push("--json");
    let (code, out, err) = run(&a);
    assert_eq!(code, 0, "smmu encode {args:?}: {err}");
    serde_json::from_str(&out).expect("JSON")
}

fn words(v: &serde_json::Value) -> Vec<u64> {
    v["words"]
        .as_array()
        .expect("words")
        .iter()
        .map(|w| u64::from_str_radix(w.as_str().expect("hex string").trim_start_matches("0x"), 16).expect("hex"))
        .collect()
}

fn field<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["fields"].as_array().expect("fields").iter().find(|f| f["name"] == name).unwrap_or_else(|| panic!("no {name}"))
}

/// qemu-s1-4k structures.streams[0].ste_raw = 0x4532200b 0xd6 0 ...: word 0 is V (bit 0) = 1,
/// Config [3:1] = 0b101, S1ContextPtr [55:6] = 0x45322000 >> 6; word 1 0xd6 is S1DSS [65:64]
/// = 2, S1CIR [67:66] = 1, S1COR [69:68] = 1, S1CSH [71:70] = 3 (IHI 0070 5.2).
#[test]
fn linux_stage1_ste_from_its_fields() {
    let fields = ["V=1", "Config=0b101", "S1ContextPtr=0x45322000", "S1DSS=2", "S1CIR=1", "S1COR=1", "S1CSH=3"];
    let mut a = vec!["ste"];
    a.extend(fields);
    let v = json(&a);
    assert_eq!(words(&v), vec![0x4532200b, 0xd6, 0, 0, 0, 0, 0, 0]);
    assert_eq!(v["words"][0], "0x000000004532200b");
    assert_eq!(field(&v, "Config")["value"], 5);
    assert_eq!(field(&v, "S1CSH")["bits"], "[71:70]");
    assert_eq!(v["legality"]["valid"], true);
    assert_eq!(v["legality"]["guest_vste"]["accepted"], true, "Linux takes a stage 1 vSTE from a guest");
    // The same by encoding names, case-insensitive.
    let byname = json(&[
        "ste",
        "V=1",
        "Config=s1 trans",
        "S1ContextPtr=0x45322000",
        "S1DSS=Substream0",
        "S1CIR=WBRA",
        "S1COR=wbra",
        "S1CSH=ISH",
    ]);
    assert_eq!(words(&byname), words(&v));
    // Text: the words as `smmu ste` takes them, and a C initializer.
    let (code, out, _) = run(&a);
    assert_eq!(code, 0);
    assert!(out.contains("smmu ste 0x4532200b 0xd6 0x0 0x0 0x0 0x0 0x0 0x0"), "{out}");
    assert!(out.contains("{ 0x4532200bULL, 0xd6ULL, 0, 0, 0, 0, 0, 0 }"), "{out}");
    // And `smmu ste` decodes those words back to the same fields.
    let back = Command::new(BIN)
        .args(["ste", "0x4532200b", "0xd6", "0x0", "0x0", "0x0", "0x0", "0x0", "0x0", "--json"])
        .output()
        .expect("runs");
    let b: serde_json::Value = serde_json::from_slice(&back.stdout).expect("JSON");
    assert_eq!(b["fields"], v["fields"]);
}

/// qemu-s2-4k structures.streams[0].ste_raw = 0xd 0 0x044c359400000001 0x45333000: Config =
/// 0b110 (stage 2), S2VMID 1, S2T0SZ 20, S2SL0 2, S2IR0/S2OR0 WBRA, S2SH0 ISH, S2TG 4KB,
/// S2PS 44 bits, S2AA64, S2PTW, S2R, S2TTB 0x45333000. On that QEMU's registers it is legal.
#[test]
fn linux_stage2_ste_is_legal_on_its_smmu() {
    let snap = sample("qemu-10.0-s2-4k.snapshot.json");
    let v = json(&[
        "ste",
        "V=1",
        "Config=S2 trans",
        "S2VMID=1",
        "S2T0SZ=20",
        "S2SL0=2",
        "S2IR0=WBRA",
        "S2OR0=WBRA",
        "S2SH0=ISH",
        "S2TG=4KB",
        "S2PS=44 bits",
        "S2AA64=1",
        "S2PTW=1",
        "S2R=1",
        "S2TTB=0x45333000",
        "--snapshot",
        &snap,
    ]);
    assert_eq!(words(&v), vec![0xd, 0, 0x044c359400000001, 0x45333000, 0, 0, 0, 0]);
    assert_eq!(v["legality"]["valid"], true, "{}", v["legality"]);
    assert!(v["legality"].get("unchecked").is_none(), "the snapshot has the IDRs: {}", v["legality"]);
    // Nested guests may not hand Linux a stage 2 STE.
    assert_eq!(v["legality"]["guest_vste"]["accepted"], false);
}

/// IHI 0070 4.4.2.4 CMD_TLBI_NH_VA: Opcode 0x12 in [7:0], VMID [47:32], ASID [63:48]; word 1
/// Leaf [64], TTL [73:72], TG [75:74], Address[63:12] in [127:76]. ASID 1, VMID 0, Leaf 1,
/// VA 0x12345000: word 0 = 0x1 << 48 | 0x12, word 1 = 0x12345000 | 1.
#[test]
fn tlbi_nh_va_by_hand_and_as_linux_issued_it() {
    let v = json(&["cmd", "CMD_TLBI_NH_VA", "ASID=1", "VMID=0", "Address=0x12345000", "Leaf=1"]);
    assert_eq!(words(&v), vec![0x0001_0000_0000_0012, 0x1234_5001]);
    assert_eq!(v["legality"]["valid"], true);
    assert_eq!(v["legality"]["iommufd"]["accepted"], true);
    // qemu-s1-4k cmdq.entries[40]: 0x0002000000000012 0x00000000ffff8701, which QEMU
    // decoded as asid=2 addr=0xffff8000 tg=1 ttl=3 leaf=1.
    let q = json(&["cmd", "CMD_TLBI_NH_VA", "ASID=2", "Address=0xffff8000", "TG=4KB", "TTL=3", "Leaf=1"]);
    assert_eq!(words(&q), vec![0x0002_0000_0000_0012, 0xffff_8701]);
    // The text names the decoding command.
    let (_, out, _) = run(&["cmd", "CMD_TLBI_NH_VA", "ASID=1", "Address=0x12345000", "Leaf=1"]);
    assert!(out.contains("smmu cmd 0x1000000000012 0x12345001"), "{out}");
}

/// IHI 0070 4.7.3 CMD_SYNC: Opcode 0x46, CS [13:12] (SIG_NONE 0, SIG_IRQ 1, SIG_SEV 2), MSH
/// [23:22], MSIAttr [27:24], MSIData [63:32], MSIAddress[55:2] in word 1 [55:2].
#[test]
fn cmd_sync_by_hand_and_as_linux_issued_it() {
    let v = json(&[
        "cmd",
        "CMD_SYNC",
        "CS=SIG_IRQ",
        "MSH=ISH",
        "MSIAttr=0xf",
        "MSIData=0x12345678",
        "MSIAddress=0x40001000",
    ]);
    assert_eq!(words(&v), vec![0x1234_5678_0fc0_1046, 0x4000_1000]);
    // qemu-s1-4k cmdq.entries[1]: 0x000000000fc02046 0 (SMMU_CMD_SYNC): SIG_SEV, ISH, 0xf.
    let q = json(&["command", "cmd_sync", "CS=SIG_SEV", "MSH=ISH", "MSIAttr=0xf"]);
    assert_eq!(words(&q), vec![0x0fc0_2046, 0]);
    assert_eq!(q["legality"]["iommufd"]["accepted"], false, "guests may not issue CMD_SYNC through iommufd");
    // CS = 0b11 is Reserved: CERROR_ILL.
    let bad = json(&["cmd", "CMD_SYNC", "CS=3"]);
    assert_eq!(bad["legality"]["valid"], false);
    assert_eq!(bad["legality"]["event"], "CERROR_ILL");
    // qemu-s1-4k cmdq.entries[0]: CMD_CFGI_ALL is CMD_CFGI_STE_RANGE with Range 31.
    assert_eq!(words(&json(&["cmd", "CMD_CFGI_ALL"])), vec![0x4, 0x1f]);
}

/// qemu-s1-4k evtq.entries[0]: 0x0000001800000010 0x0000020800000000 0x12345000 0, which the
/// kernel printed as F_TRANSLATION sid 0x18 iova 0x12345000, unpriv data read s1 "Input
/// address caused fault" (RnW [99] = 1, CLASS [105:104] = 0b10 IN, InputAddr [191:128]).
#[test]
fn f_translation_as_the_kernel_logged_it() {
    let v = json(&["event", "F_TRANSLATION", "StreamID=0x18", "RnW=Read", "CLASS=IN", "InputAddr=0x12345000"]);
    assert_eq!(words(&v), vec![0x0000_0018_0000_0010, 0x0000_0208_0000_0000, 0x1234_5000, 0]);
}

#[test]
fn errors_name_the_field_and_what_is_accepted() {
    // Unknown field: exit 1, the field and the layout's fields named.
    let (code, _, err) = run(&["ste", "V=1", "Bogus=1"]);
    assert_eq!(code, 1);
    assert!(err.contains("\"Bogus\"") && err.contains("S2TTB"), "{err}");
    // Too wide: S2SL0 is 2 bits (IHI 0070 5.2, [167:166]).
    let (code, _, err) = run(&["ste", "S2SL0=4"]);
    assert_eq!(code, 1);
    assert!(err.contains("S2SL0") && err.contains("2 bits"), "{err}");
    // Not an encoding name: the accepted names are listed.
    let (code, _, err) = run(&["ste", "Config=nested-ish"]);
    assert_eq!(code, 1);
    assert!(err.contains("Config") && err.contains("Bypass") && err.contains("S1+S2"), "{err}");
    let (code, _, err) = run(&["ste", "S2TG=8KB"]);
    assert_eq!(code, 1);
    assert!(err.contains("S2TG") && err.contains("16KB"), "{err}");
    // An address below the field's lowest bit: S1ContextPtr holds address bits [55:6]
    // (IHI 0070 G.b 5.2).
    let (code, _, err) = run(&["ste", "S1ContextPtr=0x45322010"]);
    assert_eq!(code, 1);
    assert!(err.contains("S1ContextPtr") && err.contains("[55:6]") && err.contains("bits [5:0]"), "{err}");
    // The same field twice, and a command's opcode changed.
    let (code, _, err) = run(&["ste", "V=1", "v=0"]);
    assert_eq!(code, 1);
    assert!(err.contains("V is given twice"), "{err}");
    let (code, _, err) = run(&["cmd", "CMD_SYNC", "Opcode=0x12"]);
    assert_eq!(code, 1);
    assert!(err.contains("Opcode") && err.contains("0x46"), "{err}");
    // Bad usage: exit 2.
    for args in
        [&["stx"][..], &["cmd"], &["cmd", "CMD_NOPE"], &["event", "F_NOPE"], &["ste", "V1"], &["cd", "x", "V=1"]]
    {
        let (code, _, err) = run(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(!err.is_empty());
    }
    let (_, _, err) = run(&["stx"]);
    assert!(err.contains("ste, cd, l1std, l1cd, cmd, event, s1-desc, s2-desc"), "{err}");
    // An unreadable snapshot is bad input.
    let (code, _, _) = run(&["ste", "V=1", "--snapshot", "/nonexistent/snapshot.json"]);
    assert_eq!(code, 1);
}

/// Fields an SMMU lacks cannot be set on it, and the error names the field and why.
/// QEMU 10.0's stage-1 SMMU has IDR0 = 0x0d44101a: S2P (bit 0) = 0, so no stage 2 fields;
/// its stage-2 SMMU has IDR3 = 0x00001414: MPAM (bit 7) = 0, so no STE.PARTID (IHI 0070
/// 6.3.1, 6.3.4, 5.2). Setting them to 0 is fine (they are RES0 there).
#[test]
fn fields_this_smmu_lacks_are_errors() {
    let s1 = sample("qemu-10.0-s1-4k.snapshot.json");
    let s2 = sample("qemu-10.0-s2-4k.snapshot.json");
    let (code, _, err) = run(&["ste", "V=1", "S2TTB=0x45333000", "--snapshot", &s1]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("S2TTB cannot be set on this SMMU") && err.contains("IDR0.S2P"), "{err}");
    let (code, _, err) = run(&["ste", "PARTID=1", "--snapshot", &s2]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("PARTID cannot be set on this SMMU") && err.contains("IDR3.MPAM"), "{err}");
    let (code, _, err) = run(&["ste", "PARTID=0", "S2TTB=0x45333000", "--snapshot", &s2]);
    assert_eq!(code, 0, "{err}");
    // Without the SMMU's registers nothing is known to be missing.
    assert_eq!(run(&["ste", "PARTID=1"]).0, 0);
    // And every field the model says this SMMU lacks is refused the same way.
    let text = std::fs::read_to_string(&s2).expect("snapshot");
    let regs = smmu_core::snapshot::Snapshot::from_json(&text).expect("snapshot").registers;
    for cat in ["ste", "cd"] {
        let kind = Kind::first_of(cat).expect("kind");
        for f in kind.layout().fields {
            if let smmu_core::model::FieldStatus::Absent { .. } = f.status(&regs) {
                let (code, _, err) =
                    run(&[cat, &format!("{}={}", f.name, encode::value_text(f, 1)), "--snapshot", &s2]);
                assert_eq!(code, 1, "{cat}.{}: {err}", f.name);
                assert!(err.contains(f.name) && err.contains("cannot be set"), "{err}");
            }
        }
    }
}

/// Every kind (each command opcode and event type too).
fn all_kinds() -> Vec<Kind> {
    encode::CATEGORIES.iter().flat_map(|(c, _)| Kind::of_category(c)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// Encoding every field of a decode gives back the same field values (and the words,
    /// less the RES0 bits no field covers); decoding those words gives the same rows.
    #[test]
    fn encode_then_decode_round_trips(k in 0usize..64, raw in proptest::collection::vec(any::<u64>(), 8)) {
        let kinds = all_kinds();
        let kind = kinds[k % kinds.len()];
        let l = kind.layout();
        let mut w = raw.clone();
        w.resize(l.words(), 0);
        let identity = kind.identity().expect("identity");
        if let Some((f, v)) = identity {
            f.set(&mut w, v).expect("identity fits");
        }
        let texts: Vec<(&str, String)> = l
            .fields
            .iter()
            .filter(|f| !identity.is_some_and(|(i, _)| std::ptr::eq(i, *f)))
            .map(|f| (f.name, encode::value_text(f, f.get(&w))))
            .collect();
        let pairs: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (*n, t.as_str())).collect();
        let r = encode::encode(kind, &pairs, None).expect("every decoded value encodes");
        for f in l.fields {
            prop_assert_eq!(f.get(&r.raw), f.get(&w), "{}.{}", l.name, f.name);
        }
        let mask = l.res0_mask();
        for (i, x) in r.raw.iter().enumerate() {
            prop_assert_eq!(*x, w[i] & !mask[i]);
        }
        prop_assert_eq!(encode::report(kind, &r.raw, None).fields, r.fields);
    }
}
