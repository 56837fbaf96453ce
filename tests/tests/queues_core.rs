//! The queue model through smmu-core's API (issue 4: "given a memory image, list the entries
//! between CONS and PROD"): the captures' queues with CONS rewound to 0 list every command
//! and event QEMU consumed, with the raw words in guest RAM and QEMU's own names.
mod common;
use common::*;
use smmu_core::queues::queue::{QueueId, QueueState};
use smmu_core::snapshot::Snapshot;

fn rewound(fx: &str) -> Snapshot {
    let mut snap = read_json(&capture_snapshot(fx));
    snap["registers"]["CMDQ_CONS"] = serde_json::Value::String("0x00000000".into());
    snap["registers"]["EVTQ_CONS"] = serde_json::Value::String("0x00000000".into());
    Snapshot::from_json(&snap.to_string()).expect("snapshot loads")
}

#[test]
fn command_queue_entries_are_what_qemu_consumed() {
    for fx in ["qemu-s1-4k", "qemu-s2-4k"] {
        let cap = capture(fx);
        let snap = rewound(fx);
        let q = QueueState::from_registers(QueueId::Cmdq, &snap.registers).expect("cmdq state");
        let entries = q.read_entries(&snap.memory);
        let want = cap["cmdq"]["entries"].as_array().expect("cmdq entries");
        // CMDQ_PROD = cap cmdq prod_reg (0x182 = 386 for s1): every entry from 0 is outstanding.
        assert_eq!(entries.len() as u64, hex(&cap["cmdq"]["prod_reg"]) & 0xfffff, "{fx}");
        assert_eq!(entries.len(), want.len(), "{fx}");
        for (e, w) in entries.iter().zip(want) {
            assert_eq!(e.index, w["index"].as_u64().expect("index"));
            let raw: Vec<u64> = w["raw"].as_array().expect("raw").iter().map(hex).collect();
            let got: Vec<u64> = e.words.iter().map(|s| hex(&serde_json::Value::String(s.clone()))).collect();
            assert_eq!(got, raw, "{fx} cmdq[{}] words", e.index);
            // cmdq base 0x7bd00000, 16-byte entries.
            assert_eq!(hex(&serde_json::Value::String(e.addr.clone())), hex(&cap["cmdq"]["addr"]) + 16 * e.index);
            let d = serde_json::to_value(&e.decoded).expect("serialize");
            let name = d["name"].as_str().unwrap_or("");
            let q = w["qemu_opcode"].as_str().expect("qemu").trim_start_matches("SMMU_");
            assert!(
                name == q || (q == "CMD_CFGI_STE_RANGE" && name == "CMD_CFGI_ALL"),
                "{fx} cmdq[{}]: QEMU {q}, smmu {name}",
                e.index
            );
        }
    }
}

#[test]
fn event_queue_entries_are_what_the_kernel_printed() {
    for fx in ["qemu-s1-4k", "qemu-s2-4k"] {
        let cap = capture(fx);
        let snap = rewound(fx);
        let q = QueueState::from_registers(QueueId::Evtq, &snap.registers).expect("evtq state");
        let entries = q.read_entries(&snap.memory);
        let want = cap["evtq"]["entries"].as_array().expect("evtq entries");
        assert_eq!(entries.len(), want.len(), "{fx}");
        for (e, w) in entries.iter().zip(want) {
            let raw: Vec<u64> = w["raw"].as_array().expect("raw").iter().map(hex).collect();
            let got: Vec<u64> = e.words.iter().map(|s| hex(&serde_json::Value::String(s.clone()))).collect();
            assert_eq!(got, raw, "{fx} evtq[{}]", e.index);
            // 32-byte records at EVENTQ_BASE 0x7be00000.
            assert_eq!(hex(&serde_json::Value::String(e.addr.clone())), hex(&cap["evtq"]["addr"]) + 32 * e.index);
            let d = serde_json::to_value(&e.decoded).expect("serialize");
            let kernel = w["kernel_dmesg"]
                .as_array()
                .expect("dmesg")
                .iter()
                .filter_map(|l| l.as_str())
                .find(|l| l.contains("event: "))
                .expect("decoded line")
                .to_string();
            let kname = kernel.split("event: ").nth(1).and_then(|t| t.split_whitespace().next()).expect("name");
            assert_eq!(d["type"], kname, "{fx} evtq[{}]", e.index);
        }
    }
}

/// Queue arithmetic (IHI 0070 3.5.1): PROD/CONS carry a wrap bit above the LOG2SIZE index bits;
/// equal index with different wrap is full, equal both is empty.
#[test]
fn queue_wrap_full_and_empty() {
    // CMDQ_BASE LOG2SIZE 4 (16 entries) at 0x1000.
    let base = 0x1000 | 4;
    let empty = QueueState::from_values(QueueId::Cmdq, base, 0x5, 0x5).expect("state");
    assert!(empty.outstanding_indices().is_empty());
    let full = QueueState::from_values(QueueId::Cmdq, base, 0x10 | 0x5, 0x5).expect("state");
    assert_eq!(full.outstanding_indices().len(), 16, "wrap differs, index equal: full");
    let wrapped = QueueState::from_values(QueueId::Cmdq, base, 0x10 | 0x2, 0xe).expect("state");
    assert_eq!(wrapped.outstanding_indices(), vec![0xe, 0xf, 0x0, 0x1]);
    assert_eq!(wrapped.entry_addr(0xf), 0x1000 + 0xf * 16);
}
