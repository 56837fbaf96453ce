//! `smmu walk` / `smmu ptdump` replaying what QEMU 10.0 did (tests/data/*/capture.json
//! qemu_walks and qemu_translations) against a snapshot assembled from the capture's registers
//! and memory.json pages. Only walks whose every descriptor QEMU read is still in memory.json
//! with the same value are replayed (the DMA API unmaps buffers before the snapshot).
mod common;
use common::*;

struct QemuWalk {
    sid: u64,
    iova: u64,
    /// (descriptor address, descriptor value) from QEMU's smmu_get_pte lines.
    reads: Vec<(u64, u64)>,
    /// Some((translated, perm)) for smmuv3_translate_success, None for a recorded event.
    result: Option<(u64, u64)>,
    event: Option<String>,
}

fn qemu_walks(fx: &str) -> Vec<QemuWalk> {
    let cap = capture(fx);
    let mut out = Vec::new();
    for w in cap["qemu_walks"].as_array().expect("qemu_walks") {
        let steps: Vec<&str> = w["steps"].as_array().expect("steps").iter().filter_map(|s| s.as_str()).collect();
        let reads: Vec<(u64, u64)> = steps
            .iter()
            .filter(|s| s.starts_with("smmu_get_pte"))
            .map(|s| (trace_val(s, "pteaddr").expect("pteaddr"), trace_val(s, "pte").expect("pte")))
            .collect();
        let res = w["result"].as_str().unwrap_or("");
        let miss = w["qemu_iotlb_miss"].as_str().unwrap_or("");
        if res.starts_with("smmuv3_translate_success") {
            out.push(QemuWalk {
                sid: trace_val(res, "sid").expect("sid"),
                iova: trace_val(res, "iova").expect("iova"),
                reads,
                result: Some((
                    trace_val(res, "translated").expect("translated"),
                    trace_val(res, "perm").expect("perm"),
                )),
                event: None,
            });
        } else if res.starts_with("smmuv3_record_event") {
            let ev = res.split_whitespace().nth(1).unwrap_or("").trim_start_matches("SMMU_EVT_").to_string();
            out.push(QemuWalk {
                sid: trace_val(res, "sid").expect("sid"),
                iova: trace_val(miss, "addr").expect("addr"),
                reads,
                result: None,
                event: Some(ev),
            });
        }
    }
    out
}

fn present(pages: &Pages, w: &QemuWalk) -> bool {
    !w.reads.is_empty() && w.reads.iter().all(|(a, v)| pages.read_u64(*a) == Some(*v))
}

/// Descriptor reads of the product's walk that are translation-table reads (not STE/CD).
fn table_reads(v: &serde_json::Value) -> Vec<(u64, u64)> {
    v["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter(|s| s["stage"] != "config" && !s["address"].is_null() && !s["value"].is_null())
        .map(|s| (hex(&s["address"]), hex(&s["value"])))
        .collect()
}

fn replay(fx: &str) -> (usize, usize) {
    let snap = capture_snapshot(fx);
    let pages = Pages::load(fx);
    let walks = qemu_walks(fx);
    let (mut ok, mut faults) = (0, 0);
    for w in walks.iter().filter(|w| present(&pages, w)) {
        let access = match w.result {
            Some((_, perm)) if perm & 2 == 0 => "read",
            Some(_) => "write",
            None => "read",
        };
        let sid = format!("{:#x}", w.sid);
        let iova = format!("{:#x}", w.iova);
        let v = smmu([
            "walk".as_ref(),
            snap.as_os_str(),
            "--sid".as_ref(),
            sid.as_ref(),
            "--iova".as_ref(),
            iova.as_ref(),
            "--access".as_ref(),
            access.as_ref(),
            "--json".as_ref(),
        ])
        .json();
        // Same table descriptors, read in the same order, as QEMU's walk.
        if w.result.is_some() {
            assert_eq!(table_reads(&v), w.reads, "{fx} sid {sid} iova {iova}: descriptor reads");
        }
        match (w.result, &w.event) {
            (Some((pa, _)), _) => {
                assert_eq!(v["outcome"], "translated", "{fx} sid {sid} iova {iova}");
                assert_eq!(hex(&v["pa"]), pa, "{fx} sid {sid} iova {iova}: QEMU translated");
                assert!(v["event"].is_null());
                ok += 1;
            }
            (None, Some(_)) => faults += 1,
            _ => {}
        }
    }
    (ok, faults)
}

#[test]
fn stage1_walks_reproduce_qemu() {
    let (ok, _) = replay("qemu-s1-4k");
    // 17 of QEMU's 182 walks still have all their descriptors in memory.json; 13 translated.
    assert!(ok >= 12, "only {ok} stage-1 translations replayed");
}

#[test]
fn stage2_walks_reproduce_qemu() {
    let (ok, _) = replay("qemu-s2-4k");
    assert!(ok >= 12, "only {ok} stage-2 translations replayed");
}

/// Every fault QEMU recorded in the event queue (capture evtq.entries raw dwords, also what
/// the kernel printed) comes out of the walk as the same event record. The walk is done as
/// the edu device did it: unprivileged data access (kernel: "unpriv data read|write").
/// IPA: the record's IPA field holds IPA[51:12] (the kernel prints it masked, e.g. 0xfedcba98000);
/// QEMU 10.0 also writes the address's low 12 bits into the RES0 bits of dword 3, so dword 3
/// is compared with what the kernel printed, dwords 0-2 with the raw record.
#[test]
fn faults_give_the_event_records_qemu_wrote() {
    for fx in ["qemu-s1-4k", "qemu-s2-4k"] {
        let cap = capture(fx);
        let snap = capture_snapshot(fx);
        let entries = cap["evtq"]["entries"].as_array().expect("evtq entries");
        assert!(!entries.is_empty());
        for e in entries {
            let raw: Vec<u64> = e["raw"].as_array().expect("raw").iter().map(hex).collect();
            let dmesg: Vec<&str> =
                e["kernel_dmesg"].as_array().expect("dmesg").iter().filter_map(|l| l.as_str()).collect();
            let decoded = dmesg.iter().find(|l| l.contains("event: ")).expect("kernel decoded line");
            let kernel_ipa = trace_val(decoded, "ipa").expect("ipa");
            let kernel_sid = trace_val(decoded, "sid").expect("sid");
            let kernel_iova = trace_val(decoded, "iova").expect("iova");
            let rnw = dmesg.iter().any(|l| l.contains(" data read "));
            assert_eq!(kernel_sid, raw[0] >> 32, "kernel sid vs dword 0");
            assert_eq!(kernel_iova, raw[2], "kernel iova vs dword 2");
            let sid = format!("{kernel_sid:#x}");
            let iova = format!("{kernel_iova:#x}");
            let access = if rnw { "read" } else { "write" };
            let v = smmu([
                "walk".as_ref(),
                snap.as_os_str(),
                "--sid".as_ref(),
                sid.as_ref(),
                "--iova".as_ref(),
                iova.as_ref(),
                "--access".as_ref(),
                access.as_ref(),
                "--unpriv".as_ref(),
                "--json".as_ref(),
            ])
            .json();
            assert_eq!(v["outcome"], "fault", "{fx} {iova}");
            let ev = &v["event"];
            let got: Vec<u64> = ev["raw"].as_array().expect("event.raw").iter().map(hex).collect();
            assert_eq!(&got[..3], &raw[..3], "{fx} {iova}: dwords 0-2 of the event record");
            assert_eq!(got[3], kernel_ipa, "{fx} {iova}: dword 3 (IPA) as the kernel printed it");
            let want_type = if raw[0] & 0xff == 0x10 { "F_TRANSLATION" } else { "F_PERMISSION" };
            assert_eq!(ev["type"], want_type);
            assert_eq!(num(&ev["sid"]), kernel_sid);
            assert!(ev["ssid"].is_null(), "SSV = 0");
            assert_eq!(hex(&ev["input_addr"]), kernel_iova);
            assert_eq!(ev["rnw"], rnw);
            assert_eq!(ev["s2"], fx == "qemu-s2-4k");
            assert_eq!(ev["class"], "IN");
        }
    }
}

/// issue 5 JSON contract of `smmu walk --json`.
#[test]
fn walk_json_keys() {
    let snap = capture_snapshot("qemu-s1-4k");
    let v = smmu([
        "walk".as_ref(),
        snap.as_os_str(),
        "--sid".as_ref(),
        "0x10".as_ref(),
        "--iova".as_ref(),
        "0xffff9402".as_ref(),
        "--json".as_ref(),
    ])
    .json();
    for k in ["outcome", "pa", "event", "steps"] {
        assert!(v.get(k).is_some(), "walk --json has {k}");
    }
    for s in v["steps"].as_array().expect("steps") {
        for k in ["stage", "level", "kind", "address", "value", "explanation"] {
            assert!(s.get(k).is_some(), "step has {k}: {s}");
        }
    }
    // The STE QEMU read for SID 0x10 (trace smmuv3_get_ste STE addr: 0x7bc20400; the capture's
    // structures list its dword 0 as 0x000000004532600b).
    let ste = v["steps"].as_array().expect("steps").iter().find(|s| s["kind"] == "STE").expect("STE step");
    assert_eq!(hex(&ste["address"]), 0x7bc2_0400);
    assert_eq!(hex(&ste["value"]), 0x4532_600b);
}

/// Batch mode walks the same translations as single walks.
#[test]
fn batch_matches_qemu() {
    let fx = "qemu-s1-4k";
    let snap = capture_snapshot(fx);
    let pages = Pages::load(fx);
    let walks: Vec<QemuWalk> =
        qemu_walks(fx).into_iter().filter(|w| w.result.is_some() && present(&pages, w)).collect();
    let mut batch = String::from("# sid iova access\n");
    for w in &walks {
        batch.push_str(&format!("{:#x} {:#x} read\n", w.sid, w.iova));
    }
    let f = scratch("batch.txt", batch.as_bytes());
    let v = smmu(["walk".as_ref(), snap.as_os_str(), "--batch".as_ref(), f.as_os_str(), "--json".as_ref()]).json();
    assert_eq!(v["schema"], "smmu-explorer/walk-batch/1");
    let arr = v["items"].as_array().expect("batch --json lists its walks under items");
    assert_eq!(arr.len(), walks.len());
    for (r, w) in arr.iter().zip(&walks) {
        assert_eq!(hex(&r["pa"]), w.result.map(|x| x.0).unwrap_or(0), "sid {:#x} iova {:#x}", w.sid, w.iova);
    }
}

/// Every translation QEMU performed for a page that ptdump lists comes out at the same
/// output address: ptdump's mappings agree with qemu_translations.
#[test]
fn ptdump_agrees_with_qemu_translations() {
    for fx in ["qemu-s1-4k", "qemu-s2-4k"] {
        let cap = capture(fx);
        let snap = capture_snapshot(fx);
        let pages = Pages::load(fx);
        // Pages whose QEMU walk is still present: their translation must be in ptdump.
        let live: Vec<(u64, u64, u64)> = qemu_walks(fx)
            .into_iter()
            .filter(|w| present(&pages, w))
            .filter_map(|w| w.result.map(|(pa, _)| (w.sid, w.iova, pa)))
            .collect();
        assert!(!live.is_empty());
        let mut sids: Vec<u64> = live.iter().map(|x| x.0).collect();
        sids.sort_unstable();
        sids.dedup();
        for sid in sids {
            let s = format!("{sid:#x}");
            let v = smmu(["ptdump".as_ref(), snap.as_os_str(), "--sid".as_ref(), s.as_ref(), "--json".as_ref()]).json();
            let maps = v["mappings"].as_array().expect("mappings");
            let lookup = |iova: u64| -> Option<u64> {
                maps.iter().find_map(|m| {
                    let (i, o, sz) = (hex(&m["input"]), hex(&m["output"]), hex(&m["size"]));
                    (iova >= i && iova - i < sz).then(|| o + (iova - i))
                })
            };
            for (_, iova, pa) in live.iter().filter(|x| x.0 == sid) {
                assert_eq!(lookup(*iova), Some(*pa), "{fx} sid {s} iova {iova:#x}");
            }
            // And every qemu_translations entry of this SID that ptdump maps agrees with QEMU
            // (a page may have been remapped elsewhere since, so only count the agreeing ones).
            let mut agree = 0;
            for t in cap["qemu_translations"].as_array().expect("translations") {
                if hex(&t["sid"]) != sid {
                    continue;
                }
                if lookup(hex(&t["iova"])) == Some(hex(&t["qemu_translated"])) {
                    agree += 1;
                }
            }
            assert!(agree > 0, "{fx} sid {s}: no qemu_translations entry agrees with ptdump");
        }
    }
}

/// issue 4 defines one event shape; the walk's event for a fault should be what
/// `smmu event --json` gives for the same four dwords.
#[test]
fn walk_event_json_has_the_same_shape_as_event_json() {
    let snap = capture_snapshot("qemu-s1-4k");
    let w = smmu([
        "walk".as_ref(),
        snap.as_os_str(),
        "--sid".as_ref(),
        "0x18".as_ref(),
        "--iova".as_ref(),
        "0x12345000".as_ref(),
        "--unpriv".as_ref(),
        "--json".as_ref(),
    ])
    .json();
    let ev = &w["event"];
    let raw: Vec<String> =
        ev["raw"].as_array().expect("raw").iter().map(|x| x.as_str().unwrap_or("").to_string()).collect();
    let mut args = vec!["event".to_string(), "--json".to_string()];
    args.extend(raw);
    let e = smmu(&args).json();
    for k in ["type", "code", "sid", "ssid", "input_addr", "ipa", "rnw", "s2", "class", "fields"] {
        assert_eq!(ev.get(k), e.get(k), "key {k}");
    }
}

/// Registers-only snapshot of a capture (no memory section).
fn registers_only(fx: &str) -> std::path::PathBuf {
    let snap = read_json(&capture_snapshot(fx));
    let j = serde_json::json!({"smmu_explorer_snapshot": 1, "registers": snap["registers"], "memory": []});
    scratch(&format!("{fx}-regs.json"), j.to_string().as_bytes())
}

/// Large memory from a raw image at a base (`--mem FILE@0xBASE`): a sparse 1 GiB image of the
/// guest's RAM (QEMU virt RAM at 0x40000000) built from memory.json pages.
#[test]
fn walk_with_raw_memory_image() {
    let fx = "qemu-s1-4k";
    let mem = read_json(&data(&format!("{fx}/memory.json")));
    let path = scratch("ram.img", b"");
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut f = std::fs::OpenOptions::new().write(true).open(&path).expect("open img");
        for p in mem["pages"].as_array().expect("pages") {
            let pa = hex(&p["pa"]);
            let h = p["hex"].as_str().expect("hex");
            let bytes: Vec<u8> =
                (0..h.len() / 2).map(|i| u8::from_str_radix(&h[2 * i..2 * i + 2], 16).expect("byte")).collect();
            f.seek(SeekFrom::Start(pa - 0x4000_0000)).expect("seek");
            f.write_all(&bytes).expect("write");
        }
        f.set_len(0x4000_0000).expect("len");
    }
    let regs = registers_only(fx);
    let m = format!("{}@0x40000000", path.display());
    let v = smmu([
        "walk".as_ref(),
        regs.as_os_str(),
        "--mem".as_ref(),
        m.as_ref(),
        "--sid".as_ref(),
        "0x10".as_ref(),
        "--iova".as_ref(),
        "0xffff9402".as_ref(),
        "--json".as_ref(),
    ])
    .json();
    // QEMU: smmuv3_translate_success sid=0x10 iova=0xffff9402 translated=0x44ef7402
    assert_eq!(hex(&v["pa"]), 0x44ef_7402);
    // The same image at the wrong base: the first read (the L1STD at 0x450d7000) is missing,
    // reported as missing memory, not as a translation fault.
    let m = format!("{}@0x50000000", path.display());
    let r = smmu([
        "walk".as_ref(),
        regs.as_os_str(),
        "--mem".as_ref(),
        m.as_ref(),
        "--sid".as_ref(),
        "0x10".as_ref(),
        "--iova".as_ref(),
        "0xffff9402".as_ref(),
    ]);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("0x450d7000") && all.contains("missing"), "{all}");
    let _ = std::fs::remove_file(&path);
}

/// An ELF core (ET_CORE, EM_AARCH64) whose PT_LOAD segments carry the RAM pages at their
/// physical addresses (p_paddr), as QEMU dump-guest-memory writes them.
#[test]
fn walk_with_elf_core() {
    let fx = "qemu-s2-4k";
    let mem = read_json(&data(&format!("{fx}/memory.json")));
    let pages: Vec<(u64, Vec<u8>)> = mem["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .map(|p| {
            let h = p["hex"].as_str().expect("hex");
            (
                hex(&p["pa"]),
                (0..h.len() / 2).map(|i| u8::from_str_radix(&h[2 * i..2 * i + 2], 16).expect("byte")).collect(),
            )
        })
        .collect();
    let phnum = pages.len();
    let data_off = 64 + 56 * phnum;
    let mut elf = Vec::new();
    elf.extend_from_slice(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0");
    elf.extend_from_slice(&4u16.to_le_bytes()); // ET_CORE
    elf.extend_from_slice(&183u16.to_le_bytes()); // EM_AARCH64
    elf.extend_from_slice(&1u32.to_le_bytes());
    elf.extend_from_slice(&0u64.to_le_bytes()); // entry
    elf.extend_from_slice(&64u64.to_le_bytes()); // phoff
    elf.extend_from_slice(&0u64.to_le_bytes()); // shoff
    elf.extend_from_slice(&0u32.to_le_bytes()); // flags
    elf.extend_from_slice(&64u16.to_le_bytes());
    elf.extend_from_slice(&56u16.to_le_bytes());
    elf.extend_from_slice(&(phnum as u16).to_le_bytes());
    elf.extend_from_slice(&64u16.to_le_bytes());
    elf.extend_from_slice(&0u16.to_le_bytes());
    elf.extend_from_slice(&0u16.to_le_bytes());
    assert_eq!(elf.len(), 64);
    let mut off = data_off as u64;
    for (pa, bytes) in &pages {
        elf.extend_from_slice(&1u32.to_le_bytes()); // PT_LOAD
        elf.extend_from_slice(&6u32.to_le_bytes()); // RW
        elf.extend_from_slice(&off.to_le_bytes());
        elf.extend_from_slice(&(0xffff_0000_0000_0000u64 | pa).to_le_bytes()); // vaddr (not used)
        elf.extend_from_slice(&pa.to_le_bytes()); // paddr
        elf.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        elf.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        elf.extend_from_slice(&0x1000u64.to_le_bytes());
        off += bytes.len() as u64;
    }
    for (_, bytes) in &pages {
        elf.extend_from_slice(bytes);
    }
    let core = scratch("guest.core", &elf);
    let regs = registers_only(fx);
    let v = smmu([
        "walk".as_ref(),
        regs.as_os_str(),
        "--mem".as_ref(),
        core.as_os_str(),
        "--sid".as_ref(),
        "0x10".as_ref(),
        "--iova".as_ref(),
        "0xffff9402".as_ref(),
        "--json".as_ref(),
    ])
    .json();
    // QEMU (stage 2): smmuv3_translate_success sid=0x10 iova=0xffff9402 translated=0x44eb7402
    assert_eq!(hex(&v["pa"]), 0x44eb_7402);
}

/// A snapshot of a capture with some registers replaced.
fn capture_snapshot_with(fx: &str, regs: &[(&str, &str)]) -> std::path::PathBuf {
    let mut snap = read_json(&capture_snapshot(fx));
    for (k, v) in regs {
        snap["registers"][*k] = serde_json::Value::String(v.to_string());
    }
    scratch(&format!("{fx}-mod.json"), snap.to_string().as_bytes())
}

/// The capture's level-2 stream table (0x7bc20000, STE of SID 0x10 at 0x7bc20400) used as a
/// linear table of 2^8 STEs: the walk reproduces QEMU's translation of SID 0x10.
#[test]
fn linear_stream_table_over_the_captured_stes() {
    let s = capture_snapshot_with(
        "qemu-s1-4k",
        &[("STRTAB_BASE_CFG", "0x00000008"), ("STRTAB_BASE", "0x400000007bc20000")],
    );
    let v = smmu([
        "walk".as_ref(),
        s.as_os_str(),
        "--sid".as_ref(),
        "0x10".as_ref(),
        "--iova".as_ref(),
        "0xffff9402".as_ref(),
        "--json".as_ref(),
    ])
    .json();
    assert_eq!(hex(&v["pa"]), 0x44ef_7402);
}

/// IHI 0070 6.3.24 SMMU_STRTAB_BASE.ADDR: "When a Linear Stream table is used ... the effective
/// base address is aligned by the SMMU to the table size" (ADDR[LOG2SIZE+5:0] = 0), and for a
/// 2-level table "to the larger of 64 bytes or the first-level table size". A base 0x40 above
/// the table must give the same STE as the aligned base.
#[test]
fn stream_table_base_is_aligned_like_the_smmu() {
    let s = capture_snapshot_with(
        "qemu-s1-4k",
        &[("STRTAB_BASE_CFG", "0x00000008"), ("STRTAB_BASE", "0x400000007bc20040")],
    );
    let v = smmu([
        "walk".as_ref(),
        s.as_os_str(),
        "--sid".as_ref(),
        "0x10".as_ref(),
        "--iova".as_ref(),
        "0xffff9402".as_ref(),
        "--json".as_ref(),
    ])
    .json();
    assert_eq!(hex(&v["pa"]), 0x44ef_7402, "linear: STE at 0x7bc20400");
    // 2-level: LOG2SIZE 16, SPLIT 8: 256 L1STDs x 8 bytes = 2KB, so ADDR[10:0] = 0.
    let s = capture_snapshot_with("qemu-s1-4k", &[("STRTAB_BASE", "0x40000000450d7040")]);
    let v = smmu([
        "walk".as_ref(),
        s.as_os_str(),
        "--sid".as_ref(),
        "0x10".as_ref(),
        "--iova".as_ref(),
        "0xffff9402".as_ref(),
        "--json".as_ref(),
    ])
    .json();
    assert_eq!(hex(&v["pa"]), 0x44ef_7402, "2-level: L1STD at 0x450d7000");
}

/// Two memory chunks that disagree about the same bytes are contradictory input, like two
/// different values for one register.
#[test]
fn conflicting_memory_chunks_are_an_error() {
    let mut snap = read_json(&capture_snapshot("qemu-s1-4k"));
    let first = snap["memory"][0].clone();
    let bad = serde_json::json!({"pa": first["pa"], "hex": "ff".repeat(4096)});
    snap["memory"].as_array_mut().expect("memory").push(bad);
    let f = scratch("overlap.json", snap.to_string().as_bytes());
    let r = smmu([
        "walk".as_ref(),
        f.as_os_str(),
        "--sid".as_ref(),
        "0x10".as_ref(),
        "--iova".as_ref(),
        "0xffff9402".as_ref(),
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
}
