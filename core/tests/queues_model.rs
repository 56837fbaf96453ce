//! Queue arithmetic against the qemu-s1-4k snapshot: register values read by QEMU's monitor
//! and the queue pages from guest RAM (tests/data/README.md).

use smmu_core::mem::SparseMem;
use smmu_core::queues::queue::{DecodedEntry, QueueId, QueueState};

// SMMU_CMDQ_BASE/PROD/CONS and SMMU_EVENTQ_BASE/PROD/CONS at the snapshot.
const CMDQ_BASE: u64 = 0x4000_0000_7bd0_0010;
const CMDQ_PROD: u64 = 0x182;
const EVTQ_BASE: u64 = 0x4000_0000_7be0_000f;
const EVTQ_PROD: u64 = 0x5;

fn mem() -> SparseMem {
    let mut m = SparseMem::new();
    for l in include_str!("data/qemu-s1-4k.queues.hex").lines().filter(|l| !l.starts_with('#')) {
        let (pa, hex) = l.split_once(' ').unwrap();
        let pa = u64::from_str_radix(pa.trim_start_matches("0x"), 16).unwrap();
        let bytes: Vec<u8> =
            (0..hex.len() / 2).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()).collect();
        m.insert(pa, bytes);
    }
    m
}

#[test]
fn snapshot_queues_are_empty() {
    let c = QueueState::from_values(QueueId::Cmdq, CMDQ_BASE, CMDQ_PROD, CMDQ_PROD).unwrap();
    assert_eq!((c.base.as_str(), c.log2size, c.size), ("0x7bd00000", 16, 65536)); // "allocated 65536 entries for cmdq"
    assert!(c.empty && !c.full && c.outstanding == 0);
    assert_eq!(c.error.as_deref(), Some("CERROR_NONE"));
    let e = QueueState::from_values(QueueId::Evtq, EVTQ_BASE, EVTQ_PROD, EVTQ_PROD).unwrap();
    assert_eq!((e.base.as_str(), e.size), ("0x7be00000", 32768)); // "allocated 32768 entries for evtq"
    assert_eq!(e.overflow, Some(false));
}

#[test]
fn entries_between_cons_and_prod() {
    let m = mem();
    // Pretend nothing was consumed yet: CONS = 0 shows the five events the kernel printed.
    let e = QueueState::from_values(QueueId::Evtq, EVTQ_BASE, EVTQ_PROD, 0).unwrap();
    assert_eq!(e.outstanding, 5);
    let got = e.read_entries(&m);
    let want: Vec<Vec<String>> = include_str!("data/qemu-s1-4k.evtq.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').skip(1).take(4).map(str::to_string).collect())
        .collect();
    assert_eq!(got.iter().map(|g| g.words.clone()).collect::<Vec<_>>(), want);
    // Commands: what QEMU consumed at each index.
    let c = QueueState::from_values(QueueId::Cmdq, CMDQ_BASE, CMDQ_PROD, 0).unwrap();
    assert_eq!(c.outstanding, 0x182);
    let entries = c.read_entries(&m);
    let qemu: Vec<(u64, String)> = include_str!("data/qemu_cmdq.tsv")
        .lines()
        .filter(|l| l.starts_with("qemu-s1-4k\t"))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[1].parse().unwrap(), f[4].trim_start_matches("SMMU_").to_string())
        })
        .collect();
    let mut checked = 0;
    for (i, op) in qemu {
        let Some(DecodedEntry::Command(ci)) = entries.get(i as usize).and_then(|e| e.decoded.clone()) else {
            panic!("entry {i}")
        };
        assert!(ci.name == op || (ci.name == "CMD_CFGI_ALL" && op == "CMD_CFGI_STE_RANGE"), "{i}: {} vs {op}", ci.name);
        checked += 1;
    }
    assert!(checked > 300);
}

#[test]
fn wrap_full_and_overflow() {
    // LOG2SIZE 2 (4 entries) at 0x1000.
    let base = 0x1000 | 2;
    let full = QueueState::from_values(QueueId::Cmdq, base, 0b100 | 1, 1).unwrap();
    assert!(full.full && full.outstanding == 4 && full.prod_wrap && !full.cons_wrap);
    let wrapped = QueueState::from_values(QueueId::Cmdq, base, 0b001, 0b110).unwrap();
    assert_eq!(wrapped.outstanding, 3);
    assert_eq!(wrapped.outstanding_indices(), [2, 3, 0]);
    assert!(!QueueState::from_values(QueueId::Cmdq, base, 0, 2).unwrap().problems.is_empty());
    let ovf = QueueState::from_values(QueueId::Evtq, base, 1 << 31, 0).unwrap();
    assert_eq!(ovf.overflow, Some(true));
    let err = QueueState::from_values(QueueId::Cmdq, base, 1, 1 << 24).unwrap();
    assert_eq!(err.error.as_deref(), Some("CERROR_ILL"));
    // Memory that is not in the image is an error per entry, not a panic.
    let e = QueueState::from_values(QueueId::Evtq, 0x9000_0000 | 3, 2, 0).unwrap();
    assert!(e.read_entries(&SparseMem::new()).iter().all(|x| x.error.is_some()));
}
