//! `smmu log`, `smmu event`, `smmu cmd`, `smmu ste`, `smmu cd` on what real systems printed:
//! the Linux 7.3 guest's SMMU log lines and QEMU's command/event queue contents and decodes
//! (tests/data/*/capture.json). Structure field positions from IHI 0070 5.2/5.4 (also Linux
//! arm-smmu-v3.h STRTAB_STE_*/CTXDESC_CD_* masks).
mod common;
use common::*;

fn dmesg(fx: &str) -> String {
    let cap = capture(fx);
    let mut s = String::new();
    for k in ["kernel_dmesg_smmu", "kernel_dmesg_iommu"] {
        for l in cap[k].as_array().expect("dmesg") {
            s.push_str(l.as_str().expect("line"));
            s.push('\n');
        }
    }
    s
}

#[test]
fn log_finds_every_event_the_kernel_printed() {
    for fx in ["qemu-s1-4k", "qemu-s2-4k"] {
        let cap = capture(fx);
        let text = dmesg(fx);
        let f = scratch(&format!("{fx}-dmesg.txt"), text.as_bytes());
        let v = smmu(["log".as_ref(), "--json".as_ref(), f.as_os_str()]).json();
        for k in ["events", "command_errors", "probe"] {
            assert!(v.get(k).is_some(), "log --json has {k}");
        }
        let events = v["events"].as_array().expect("events");
        let entries = cap["evtq"]["entries"].as_array().expect("evtq");
        // The kernel printed one "event 0x.. received" block per record in the event queue.
        assert_eq!(events.len(), entries.len(), "{fx}: one event per evtq entry");
        for (ev, e) in events.iter().zip(entries) {
            let raw: Vec<u64> = e["raw"].as_array().expect("raw").iter().map(hex).collect();
            let got: Vec<u64> = ev["raw"].as_array().expect("raw").iter().map(hex).collect();
            assert_eq!(got, raw, "{fx}: dwords as printed");
            let code = raw[0] & 0xff;
            assert_eq!(num(&ev["code"]), code);
            let want = match code {
                0x10 => "F_TRANSLATION",
                0x13 => "F_PERMISSION",
                _ => unreachable!(),
            };
            assert_eq!(ev["type"], want);
            assert_eq!(num(&ev["sid"]), raw[0] >> 32, "StreamID = dword 0 [63:32]");
            assert!(ev["ssid"].is_null(), "SSV (bit 11) is 0");
            assert_eq!(hex(&ev["input_addr"]), raw[2]);
            assert_eq!(ev["rnw"], (raw[1] >> 35) & 1 == 1, "RnW = bit 99");
            assert_eq!(ev["s2"], (raw[1] >> 39) & 1 == 1, "S2 = bit 103");
            assert_eq!(ev["class"], "IN", "CLASS = 0b10");
            // The kernel's own decode line names the same client device.
            assert_eq!(ev["client"], "0000:00:03.0");
        }
        let probe = v["probe"].as_array().expect("probe");
        assert_eq!(probe.len(), 1, "{fx}: one probe banner");
        assert_eq!(probe[0]["oas"], 44);
        assert_eq!(probe[0]["features"], cap["kernel_decode"]["features"]);
    }
}

/// Linux's ARM_SMMU_FEAT_* numbering as of 6.x/7.x (arm-smmu-v3.h): bit 0 2_LVL_STRTAB,
/// 2 TT_LE, 8 COHERENCY, 9 TRANS_S1, 10 TRANS_S2, 15 RANGE_INV. 0x01008305 (stage 1) and
/// 0x01008505 (stage 2) differ exactly in TRANS_S1 vs TRANS_S2.
#[test]
fn probe_feature_names() {
    let names = |fx: &str| -> Vec<String> {
        let f = scratch(&format!("{fx}-probe.txt"), dmesg(fx).as_bytes());
        let v = smmu(["log".as_ref(), "--json".as_ref(), f.as_os_str()]).json();
        v["probe"][0]["feature_names"]
            .as_array()
            .expect("names")
            .iter()
            .map(|n| n.as_str().unwrap_or("").to_string())
            .collect()
    };
    let s1 = names("qemu-s1-4k");
    let s2 = names("qemu-s2-4k");
    for n in ["2_LVL_STRTAB", "TT_LE", "COHERENCY", "RANGE_INV"] {
        assert!(s1.iter().any(|x| x == n) && s2.iter().any(|x| x == n), "{n}");
    }
    assert!(s1.iter().any(|x| x == "TRANS_S1") && !s1.iter().any(|x| x == "TRANS_S2"));
    assert!(s2.iter().any(|x| x == "TRANS_S2") && !s2.iter().any(|x| x == "TRANS_S1"));
}

/// The older banner (Linux up to 6.x): "ias N-bit, oas N-bit (features 0x...)".
#[test]
fn old_probe_banner() {
    let text = "[    1.0] arm-smmu-v3 arm-smmu-v3.0.auto: ias 48-bit, oas 48-bit (features 0x00000fef)\n";
    let r = smmu_stdin(["log", "--json", "--kernel", "6.1", "-"], text.as_bytes());
    let v = r.json();
    assert_eq!(v["probe"][0]["ias"], 48);
    assert_eq!(v["probe"][0]["oas"], 48);
    let names: Vec<&str> =
        v["probe"][0]["feature_names"].as_array().expect("names").iter().filter_map(|n| n.as_str()).collect();
    // 0xfef: bits 0-3, 5-11 (no PRI = bit 4).
    for n in [
        "2_LVL_STRTAB",
        "2_LVL_CDTAB",
        "TT_LE",
        "TT_BE",
        "ATS",
        "SEV",
        "MSI",
        "COHERENCY",
        "TRANS_S1",
        "TRANS_S2",
        "STALLS",
    ] {
        assert!(names.contains(&n), "{n} in {names:?}");
    }
    assert!(!names.contains(&"PRI"));
}

/// Damaged dumps, unrelated lines interleaved, TAB or space indents, Xen's prefix: decode
/// what is there and say what is missing, never fail.
#[test]
fn damaged_and_foreign_logs() {
    let text = "\
[    7.839997] arm-smmu-v3 9050000.smmuv3: event 0x10 received:
[    7.840176] arm-smmu-v3 9050000.smmuv3: \t0x0000001800000010
random unrelated line
[    7.840235] arm-smmu-v3 9050000.smmuv3:     0x0000020800000000
(XEN) SMMUv3: /smmuv3@9050000: event 0x13 received:
(XEN) SMMUv3: /smmuv3@9050000: \t0x0000001800000013
(XEN) SMMUv3: /smmuv3@9050000: \t0x0000020000000000
(XEN) SMMUv3: /smmuv3@9050000: \t0x00000fedcba98040
(XEN) SMMUv3: /smmuv3@9050000: \t0x0000000000000000
";
    let v = smmu_stdin(["log", "--json", "-"], text.as_bytes()).json();
    let events = v["events"].as_array().expect("events");
    assert_eq!(events.len(), 2, "{events:?}");
    let xen = events.iter().find(|e| e["type"] == "F_PERMISSION").expect("Xen event");
    assert_eq!(hex(&xen["input_addr"]), 0x0fed_cba9_8040);
    assert_eq!(num(&xen["sid"]), 0x18);
    let partial = events.iter().find(|e| e["type"] == "F_TRANSLATION").expect("damaged event");
    assert_eq!(num(&partial["sid"]), 0x18);
    let text_out = smmu_stdin(["log", "-"], text.as_bytes());
    assert!(text_out.ok().contains("missing"), "says what is missing");
}

#[test]
fn events_come_out_in_log_order() {
    let text = "\
[    7.839997] arm-smmu-v3 9050000.smmuv3: event 0x10 received:
[    7.840176] arm-smmu-v3 9050000.smmuv3: \t0x0000001800000010
(XEN) SMMUv3: /smmuv3@9050000: event 0x13 received:
(XEN) SMMUv3: /smmuv3@9050000: \t0x0000001800000013
(XEN) SMMUv3: /smmuv3@9050000: \t0x0000020000000000
(XEN) SMMUv3: /smmuv3@9050000: \t0x00000fedcba98040
(XEN) SMMUv3: /smmuv3@9050000: \t0x0000000000000000
";
    let v = smmu_stdin(["log", "--json", "-"], text.as_bytes()).json();
    let lines: Vec<u64> = v["events"].as_array().expect("events").iter().map(|e| num(&e["line"])).collect();
    let mut sorted = lines.clone();
    sorted.sort_unstable();
    assert_eq!(lines, sorted);
}

#[test]
fn event_raw_words_decode_like_the_kernel() {
    for fx in ["qemu-s1-4k", "qemu-s2-4k"] {
        let cap = capture(fx);
        for e in cap["evtq"]["entries"].as_array().expect("evtq") {
            let raw: Vec<String> =
                e["raw"].as_array().expect("raw").iter().map(|w| w.as_str().unwrap_or("").to_string()).collect();
            let mut args = vec!["event".to_string(), "--json".to_string()];
            args.extend(raw.iter().cloned());
            let v = smmu(&args).json();
            let dm: Vec<&str> = e["kernel_dmesg"].as_array().expect("dm").iter().filter_map(|l| l.as_str()).collect();
            let line = dm.iter().find(|l| l.contains("event: ")).expect("decoded line");
            // "event: F_TRANSLATION client: ... sid: 0x18 ssid: 0x0 iova: 0x... ipa: 0x..."
            let kname = line.split("event: ").nth(1).and_then(|t| t.split_whitespace().next()).expect("name");
            assert_eq!(v["type"], kname, "{fx}");
            assert_eq!(num(&v["sid"]), trace_val(line, "sid").expect("sid"));
            assert_eq!(hex(&v["input_addr"]), trace_val(line, "iova").expect("iova"));
            let ipa = trace_val(line, "ipa").expect("ipa");
            if fx == "qemu-s2-4k" {
                // Linux prints the IPA field (dword 3 bits [51:12]).
                assert_eq!(hex(&v["ipa"]) & !0xfff, ipa, "{fx} IPA");
            }
            let flags = dm.iter().find(|l| l.contains(" data ")).expect("flags line");
            assert_eq!(v["rnw"], flags.contains(" read "), "{fx}");
            assert_eq!(v["s2"], flags.contains(" s2 "), "{fx}");
            assert_eq!(v["pnu"], flags.contains(" priv "), "unpriv -> PnU = 0");
        }
    }
}

/// Every command in QEMU's command queue (cmdq.entries raw) gets the name QEMU's own
/// trace gave it; CMD_CFGI_ALL is the spec's name for CMD_CFGI_STE_RANGE with Range = 31.
#[test]
fn commands_named_as_qemu_named_them() {
    for fx in ["qemu-s1-4k", "qemu-s2-4k"] {
        let cap = capture(fx);
        let mut seen = std::collections::BTreeSet::new();
        for e in cap["cmdq"]["entries"].as_array().expect("cmdq") {
            let q = e["qemu_opcode"].as_str().expect("opcode").trim_start_matches("SMMU_").to_string();
            if !seen.insert(q.clone()) {
                continue; // one of each kind keeps the test fast
            }
            let raw: Vec<String> =
                e["raw"].as_array().expect("raw").iter().map(|w| w.as_str().unwrap_or("").to_string()).collect();
            let mut args = vec!["cmd".to_string(), "--json".to_string()];
            args.extend(raw.iter().cloned());
            let v = smmu(&args).json();
            for k in ["name", "opcode", "fields"] {
                assert!(v.get(k).is_some(), "cmd --json has {k}");
            }
            let name = v["name"].as_str().expect("name");
            let ok = name == q || (q == "CMD_CFGI_STE_RANGE" && name == "CMD_CFGI_ALL");
            assert!(ok, "{fx}: QEMU {q}, smmu {name}");
            let f = |n: &str| {
                v["fields"].as_array().expect("fields").iter().find(|x| x["name"] == n).map(|x| num(&x["value"]))
            };
            let details = e["qemu_details"].as_array().expect("details");
            for d in details.iter().filter_map(|d| d.as_str()) {
                if d.starts_with("smmuv3_range_inval") {
                    // "vmid=2 asid=-1 addr=0xffff8000 tg=1 num_pages=0x1 ttl=3 leaf=1"
                    if let Some(asid) = trace_val(d, "asid").filter(|_| !d.contains("asid=-1")) {
                        assert_eq!(f("ASID"), Some(asid), "{d}");
                    }
                    if !d.contains("vmid=-1") {
                        assert_eq!(f("VMID"), trace_val(d, "vmid"), "{d}");
                    }
                    assert_eq!(f("TG"), trace_val(d, "tg"), "{d}");
                    assert_eq!(f("TTL"), trace_val(d, "ttl"), "{d}");
                    assert_eq!(f("Leaf"), trace_val(d, "leaf"), "{d}");
                    let addr = trace_val(d, "addr").expect("addr");
                    let shown = v["fields"]
                        .as_array()
                        .expect("fields")
                        .iter()
                        .find(|x| x["name"] == "Address")
                        .expect("Address");
                    assert!(shown["meaning"].as_str().unwrap_or("").contains(&format!("{addr:#x}")), "{d}: {shown}");
                }
                if d.starts_with("smmuv3_cmdq_tlbi_nh_asid") {
                    assert_eq!(f("ASID"), trace_val(d, "asid"), "{d}");
                }
                if d.starts_with("smmuv3_cmdq_tlbi_s12_vmid") {
                    assert_eq!(f("VMID"), trace_val(d, "vmid"), "{d}");
                }
                if d.starts_with("smmuv3_cmdq_cfgi_cd") {
                    assert_eq!(f("StreamID"), trace_val(d, "sid"), "{d}");
                }
                if d.starts_with("smmuv3_cmdq_cfgi_ste ") {
                    assert_eq!(f("StreamID"), trace_val(d, "streamid"), "{d}");
                }
            }
        }
        assert!(seen.len() >= 6, "{fx}: {seen:?}");
    }
}

/// The STE and CD Linux wrote for SID 0x0 on the stage-1 SMMU (capture structures), decoded
/// field by field by hand from IHI 0070 5.2/5.4: STE V=1, Config=0b101, S1ContextPtr=0x45322000,
/// S1DSS=0b10, S1CIR=S1COR=WBRA, S1CSH=ISH; CD T0SZ=16, TG0=4KB, IPS=0b100, AA64=1, A=1, R=1,
/// ASET=1, ASID=1, EPD1=1, TTB0=0x45333000.
#[test]
fn ste_and_cd_from_the_capture() {
    let cap = capture("qemu-s1-4k");
    let st = &cap["structures"]["streams"][0];
    assert_eq!(st["sid"], "0x0");
    let words = |k: &str| -> Vec<String> {
        st[k].as_array().expect("raw").iter().map(|w| w.as_str().unwrap_or("").to_string()).collect()
    };
    let mut args = vec!["ste".to_string(), "--json".to_string()];
    args.extend(words("ste_raw"));
    let ste = smmu(&args).json();
    let f = |v: &serde_json::Value, n: &str| -> u64 {
        num(&v["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .find(|x| x["name"] == n)
            .unwrap_or_else(|| panic!("no {n}"))["value"])
    };
    assert_eq!(f(&ste, "V"), 1);
    assert_eq!(f(&ste, "Config"), 0b101);
    assert_eq!(f(&ste, "S1Fmt"), 0);
    assert_eq!(f(&ste, "S1CDMax"), 0);
    assert_eq!(f(&ste, "S1DSS"), 0b10);
    assert_eq!(f(&ste, "S1CIR"), 1);
    assert_eq!(f(&ste, "S1COR"), 1);
    assert_eq!(f(&ste, "S1CSH"), 3);
    let ptr =
        ste["fields"].as_array().expect("fields").iter().find(|x| x["name"] == "S1ContextPtr").expect("S1ContextPtr");
    assert!(ptr["meaning"].as_str().unwrap_or("").contains("0x45322000"), "{ptr}");

    let mut args = vec!["cd".to_string(), "--json".to_string()];
    args.extend(words("cd_raw"));
    let cd = smmu(&args).json();
    for (n, want) in [
        ("T0SZ", 16),
        ("TG0", 0),
        ("IR0", 1),
        ("OR0", 1),
        ("SH0", 3),
        ("EPD0", 0),
        ("EPD1", 1),
        ("V", 1),
        ("IPS", 4),
        ("AA64", 1),
        ("R", 1),
        ("A", 1),
        ("ASET", 1),
        ("ASID", 1),
    ] {
        assert_eq!(f(&cd, n), want, "CD.{n}");
    }
    let ttb = cd["fields"].as_array().expect("fields").iter().find(|x| x["name"] == "TTB0").expect("TTB0");
    assert!(ttb["meaning"].as_str().unwrap_or("").contains("0x45333000"), "{ttb}");
    // QEMU's own decode of this CD: "TT[0]:tsz:16 ttb:0x45333000 granule_sz:12" (smmuv3_decode_cd_tt).
}

/// Stage 2 STE of SID 0x8 (capture structures, stage-2 SMMU), by hand from IHI 0070 5.2:
/// Config=0b110, S2VMID=2, S2T0SZ=20 (44-bit IPA, domains[].ias = 44), S2SL0=0b10 (start level 0
/// with 4KB, domains[].start_level = 0), S2TG=4KB, S2PS=0b100, S2AA64=1, S2PTW=1, S2R=1,
/// S2TTB=0x45322000 (domains[].ttb). Legal on the stage-2 SMMU, C_BAD_STE on the stage-1 one.
#[test]
fn stage2_ste_from_the_capture_and_its_legality() {
    let cap = capture("qemu-s2-4k");
    let st = cap["structures"]["streams"]
        .as_array()
        .expect("streams")
        .iter()
        .find(|s| s["sid"] == "0x8")
        .expect("sid 8")
        .clone();
    let words: Vec<String> =
        st["ste_raw"].as_array().expect("raw").iter().map(|w| w.as_str().unwrap_or("").to_string()).collect();
    let dom = cap["domains"]
        .as_array()
        .expect("domains")
        .iter()
        .find(|d| d["sids"].as_array().is_some_and(|s| s.iter().any(|x| x == "0x8")))
        .expect("domain")
        .clone();
    let run = |snap: &std::path::Path| -> serde_json::Value {
        let mut args: Vec<std::ffi::OsString> =
            vec!["ste".into(), "--json".into(), "--snapshot".into(), snap.as_os_str().to_owned()];
        args.extend(words.iter().map(std::ffi::OsString::from));
        smmu(&args).json()
    };
    let v = run(&capture_snapshot("qemu-s2-4k"));
    let f = |n: &str| -> u64 {
        num(&v["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .find(|x| x["name"] == n)
            .unwrap_or_else(|| panic!("no {n}"))["value"])
    };
    assert_eq!(f("Config"), 0b110);
    assert_eq!(f("S2VMID"), dom["vmid"].as_u64().expect("vmid"));
    assert_eq!(64 - f("S2T0SZ"), dom["ias"].as_u64().expect("ias"));
    assert_eq!(f("S2SL0"), 0b10);
    assert_eq!(f("S2TG"), 0);
    assert_eq!(f("S2PS"), 0b100);
    assert_eq!(f("S2AA64"), 1);
    assert_eq!(f("S2PTW"), 1);
    assert_eq!(f("S2R"), 1);
    assert_eq!(v["legality"]["valid"], true, "{}", v["legality"]);
    let v1 = run(&capture_snapshot("qemu-s1-4k"));
    assert_eq!(v1["legality"]["valid"], false);
    assert_eq!(v1["legality"]["event"], "C_BAD_STE");
}

/// issue 4: a structure's `fields` are `{"name", "value", "meaning"}` "as in smmu decode",
/// where `value` is an integer.
#[test]
fn structure_field_values_are_integers_like_decode() {
    let v = smmu(["ste", "--json", "0x4532200b", "0xd6"]).json();
    let f = &v["fields"][0];
    assert!(f["value"].is_u64(), "{f}");
}

#[test]
fn raw_decoders_reject_bad_words() {
    for args in [
        vec!["event", "0xzz"],
        vec!["event", "0x1ffffffffffffffff"],
        vec!["cmd", "nothex"],
        vec!["ste", "0x1", "0x2", "0x3", "0x4", "0x5", "0x6", "0x7", "0x8", "0x9"],
        vec!["cd", "-5"],
    ] {
        let r = smmu(&args);
        assert!(r.code == 1 || r.code == 2, "{args:?}: exit {} {}", r.code, r.stderr);
        assert!(!r.stderr.contains("panicked"), "{args:?}: {}", r.stderr);
    }
}

/// IHI 0070 5.5 "Fault configuration (A, R, S bits)": on an SMMU with IDR0.TERM_MODEL = 1
/// (QEMU's), "configuring CD.A == 0 renders the CD ILLEGAL"; with stage 1 enabled "an STE is
/// considered ILLEGAL if SMMU_IDR0.STALL_MODEL != 0b00 and STE.S1STALLD == 1" (QEMU's
/// STALL_MODEL is 0b01). The capture's CD/STE of SID 0 with just that bit changed.
#[test]
fn fault_configuration_legality() {
    let snap = capture_snapshot("qemu-s1-4k");
    // CD dword 0 0x0001e204c0003510 without A (bit 46).
    let cd = format!("{:#x}", 0x0001_e204_c000_3510u64 & !(1 << 46));
    let v = smmu([
        "cd".as_ref(),
        "--json".as_ref(),
        "--snapshot".as_ref(),
        snap.as_os_str(),
        cd.as_ref(),
        "0x45333000".as_ref(),
        "0".as_ref(),
        "0xfffffffff404ff44".as_ref(),
    ])
    .json();
    assert_eq!(v["legality"]["valid"], false, "CD.A = 0 on TERM_MODEL = 1: {}", v["legality"]);
    assert_eq!(v["legality"]["event"], "C_BAD_CD");
    // STE dword 1 0xd6 plus S1STALLD (bit 27 of dword 1).
    let d1 = format!("{:#x}", 0xd6u64 | (1 << 27));
    let v = smmu([
        "ste".as_ref(),
        "--json".as_ref(),
        "--snapshot".as_ref(),
        snap.as_os_str(),
        "0x4532200b".as_ref(),
        d1.as_ref(),
    ])
    .json();
    assert_eq!(v["legality"]["valid"], false, "S1STALLD = 1 on STALL_MODEL = 0b01: {}", v["legality"]);
    assert_eq!(v["legality"]["event"], "C_BAD_STE");
    // Stage 2 (stage-2 capture, STE of SID 0x8) with S2S = 1 (dword 2 bit 57): "an STE is
    // considered ILLEGAL if SMMU_IDR0.STALL_MODEL == 0b01 and STE.S2S == 1".
    let snap2 = capture_snapshot("qemu-s2-4k");
    let d2 = format!("{:#x}", 0x044c_3594_0000_0002u64 | (1 << 57));
    let v = smmu([
        "ste".as_ref(),
        "--json".as_ref(),
        "--snapshot".as_ref(),
        snap2.as_os_str(),
        "0xd".as_ref(),
        "0".as_ref(),
        d2.as_ref(),
        "0x45322000".as_ref(),
    ])
    .json();
    assert_eq!(v["legality"]["valid"], false, "S2S = 1 on STALL_MODEL = 0b01: {}", v["legality"]);
}

/// Stage-2 STE rules the product enforces (IHI 0070 5.2): S2AA64 = 0 without AArch32 tables,
/// S2ENDI = 1 on a little-endian-only SMMU, S2HA/S2HD without HTTU, S2TG = 0b11 reserved.
#[test]
fn stage2_ste_legality_rules() {
    let snap2 = capture_snapshot("qemu-s2-4k");
    let base = 0x044c_3594_0000_0002u64;
    for (what, d2) in [
        ("S2AA64 = 0", base & !(1 << 51)),
        ("S2ENDI = 1", base | (1 << 52)),
        ("S2HD = 1", base | (1 << 55)),
        ("S2HA = 1", base | (1 << 56)),
        ("S2TG = 0b11", base | (3 << 46)),
    ] {
        let d = format!("{d2:#x}");
        let v = smmu([
            "ste".as_ref(),
            "--json".as_ref(),
            "--snapshot".as_ref(),
            snap2.as_os_str(),
            "0xd".as_ref(),
            "0".as_ref(),
            d.as_ref(),
            "0x45322000".as_ref(),
        ])
        .json();
        assert_eq!(v["legality"]["valid"], false, "{what}: {}", v["legality"]);
        assert_eq!(v["legality"]["event"], "C_BAD_STE");
    }
}

/// The same CD rules the walker already enforces (IHI 0070 5.4): HA = 1 is ILLEGAL when
/// IDR0.HTTU == 0b00, S = 1 when STALL_MODEL == 0b01, AA64 = 0 without AArch32 tables, TG0 =
/// 0b11 reserved, V = 0.
#[test]
fn cd_legality_rules_the_spec_gives() {
    let snap = capture_snapshot("qemu-s1-4k");
    let base = 0x0001_e204_c000_3510u64;
    for (what, dw0) in [
        ("HA without HTTU", base | (1 << 43)),
        ("S with STALL_MODEL 0b01", base | (1 << 44)),
        ("AA64 = 0 with TTF AArch64 only", base & !(1 << 41)),
        ("TG0 = 0b11", base | (3 << 6)),
        ("V = 0", base & !(1 << 31)),
        ("ENDI = 1 with TTENDIAN LE only", base | (1 << 15)),
    ] {
        let d = format!("{dw0:#x}");
        let v = smmu([
            "cd".as_ref(),
            "--json".as_ref(),
            "--snapshot".as_ref(),
            snap.as_os_str(),
            d.as_ref(),
            "0x45333000".as_ref(),
            "0".as_ref(),
            "0xfffffffff404ff44".as_ref(),
        ])
        .json();
        assert_eq!(v["legality"]["valid"], false, "{what}: {}", v["legality"]);
    }
    let v = smmu([
        "cd".as_ref(),
        "--json".as_ref(),
        "--snapshot".as_ref(),
        snap.as_os_str(),
        "0x0001e204c0003510".as_ref(),
        "0x45333000".as_ref(),
        "0".as_ref(),
        "0xfffffffff404ff44".as_ref(),
    ])
    .json();
    assert_eq!(v["legality"]["valid"], true, "the CD Linux wrote is legal");
}

/// Linux arm_smmu_cmdq_issue_cmdlist() prints "CMD_SYNC timeout at 0x%08x [hwprod 0x%08x,
/// hwcons 0x%08x]" when the SMMU stops consuming commands: a log with it must not come back
/// as if nothing SMMU-related were in it.
#[test]
fn cmd_sync_timeout_is_reported() {
    let text = "[  100.7] arm-smmu-v3 arm-smmu-v3.0.auto: CMD_SYNC timeout at 0x00000146 [hwprod 0x00000146, hwcons 0x00000145]\n";
    let v = smmu_stdin(["log", "--json", "-"], text.as_bytes()).json();
    let all = v.to_string();
    assert!(all.contains("0x00000145") || all.contains("0x145") || all.contains("CMD_SYNC timeout"), "{all}");
}

/// Kernel GERROR lines: "unexpected global error reported (0x00000001), this could be serious"
/// names SMMU_GERROR bit 0, CMDQ_ERR (IHI 0070 6.3.18/6.3.19).
#[test]
fn global_error_line() {
    let text = "[  100.1] arm-smmu-v3 arm-smmu-v3.0.auto: unexpected global error reported (0x00000001), this could be serious\n";
    let v = smmu_stdin(["log", "--json", "-"], text.as_bytes()).json();
    let g = &v["global_errors"][0];
    assert_eq!(hex(&g["value"]), 1);
    assert!(g["errors"][0].as_str().unwrap_or("").starts_with("CMDQ_ERR"), "{g}");
}
