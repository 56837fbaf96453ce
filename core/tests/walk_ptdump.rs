//! Nested walks and ptdump across every pair of stage 1 / stage 2 granules, checked against
//! the architecture with a reference walk written here from Arm ARM D8 (not the walker's
//! code); and ptdump on hostile tables (loops, shared tables) ending with bounded output.

use smmu_core::mem::{PhysMem, SparseMem};
use smmu_core::scenario::{self, Scenario};
use smmu_core::snapshot::Snapshot;
use smmu_core::walk::{self, ptdump, Access, Outcome, WalkRequest};

/// VMSAv8-64 walk with 48-bit descriptors (Arm ARM D8.2, D8.3): granule 2^g, each level
/// resolves g - 3 bits, the start level the rest of `ia_bits` (concatenated tables are
/// consecutive in memory, so their index is simply wider); bits [47:g] of a descriptor hold
/// the next table or the output, bit 0 valid, bit 1 table (levels 0-2) or page (level 3).
fn ref_walk(mem: &dyn PhysMem, ttb: u64, start: i32, g: u32, ia_bits: u32, ia: u64) -> Option<u64> {
    let stride = g - 3;
    let mut t = ttb;
    for level in start..=3 {
        let shift = g + (3 - level) as u32 * stride;
        let bits = if level == start { ia_bits - shift } else { stride };
        let idx = (ia >> shift) & ((1u64 << bits) - 1);
        let d = mem.read_u64_le(t + idx * 8).ok()?;
        if d & 1 == 0 {
            return None;
        }
        let addr = d & 0x0000_ffff_ffff_ffff & !((1u64 << g) - 1);
        if level < 3 && d & 2 != 0 {
            t = addr;
            continue;
        }
        return Some((addr & !((1u64 << shift) - 1)) | (ia & ((1u64 << shift) - 1)));
    }
    None
}

fn build(j: serde_json::Value) -> Snapshot {
    let s: Scenario = serde_json::from_value(j).unwrap();
    scenario::build(&s).unwrap()
}

const IPA_BASE: u64 = 0x4000_0000;
const PA_BASE: u64 = 0x9_0000_0000;

/// All 9 granule pairs. Stage 1 maps five pages: four in one level 3 table, one in each
/// quarter of it (so with a stage 2 granule smaller than the stage 1 table, each is read from
/// its own stage 2 page), and one far away; stage 2 maps their IPAs and moves each stage 2
/// page of every stage 1 table to a PA of its own (`scatter_s1_tables`).
#[test]
fn nested_every_granule_pair_reads_each_descriptor_through_its_own_stage2_walk() {
    for g1 in [12u32, 14, 16] {
        for g2 in [12u32, 14, 16] {
            let n = 1u64 << (g1 - 3);
            let l3 = |idx: u64| 0x1_0000_0000u64 + (idx << g1);
            let vas = [l3(5), l3(n / 4 + 7), l3(n / 2 + 9), l3(3 * n / 4 + 11), 0x3000_0000_0000u64];
            let maps: Vec<serde_json::Value> = vas
                .iter()
                .enumerate()
                .map(|(i, va)| serde_json::json!({"va": format!("{va:#x}"), "pa": format!("{:#x}", IPA_BASE + ((i as u64) << g1)), "size": format!("{:#x}", 1u64 << g1), "blocks": false}))
                .collect();
            let snap = build(serde_json::json!({"name": "pairs", "streams": [{"sid": 1, "config": "nested",
                "s2": {"granule": 1u64 << g2, "ia_bits": 48, "scatter_s1_tables": true,
                       "mappings": [{"va": format!("{IPA_BASE:#x}"), "pa": format!("{PA_BASE:#x}"), "size": "0x1000000", "blocks": false}]},
                "s1": {"granule": 1u64 << g1, "ia_bits": 48, "contexts": [{"mappings": maps}]}}]}));
            let pair = format!("S1 {}KB over S2 {}KB", 1 << (g1 - 10), 1 << (g2 - 10));
            let mut pieces = std::collections::BTreeSet::new();
            for (i, &va) in vas.iter().enumerate() {
                let iova = va + 0x88;
                let r = walk::translate_snapshot(&snap, &WalkRequest::new(1, iova, Access::Read));
                assert_eq!(r.outcome, Outcome::Translated, "{pair} {va:#x}: {}", r.summary);
                let ipa = IPA_BASE + ((i as u64) << g1) + 0x88;
                assert_eq!(r.ipa, Some(ipa), "{pair}");
                assert_eq!(r.pa, Some(PA_BASE + (ipa - IPA_BASE)), "{pair}");
                // Stage 2's table: from its first descriptor read.
                let s2 = r.steps.iter().find(|s| s.stage == "2" && s.address.is_some()).unwrap();
                let (s2_start, s2_ttb) = (s2.level.unwrap(), s2.table.unwrap());
                let s2_ref = |ia: u64| ref_walk(&snap.memory, s2_ttb, s2_start, g2, 48, ia);
                assert_eq!(s2_ref(ipa), r.pa, "{pair}: final stage 2");
                let s1_steps: Vec<_> = r.steps.iter().filter(|s| s.stage == "1" && s.address.is_some()).collect();
                assert_eq!(s1_steps.len() as i32, 4 - s1_steps[0].level.unwrap(), "{pair}: one read a level");
                for s in s1_steps {
                    let level = s.level.unwrap();
                    let shift = g1 + (3 - level) as u32 * (g1 - 3);
                    let bits = if level == s1_steps_start(g1) { 48 - shift } else { g1 - 3 };
                    assert_eq!(s.index, Some((iova >> shift) & ((1 << bits) - 1)), "{pair} level {level} index");
                    // The descriptor's IPA is table + index * 8, translated by stage 2 on its own.
                    let d_ipa = s.table.unwrap() + s.index.unwrap() * 8;
                    assert_eq!(s.address, s2_ref(d_ipa), "{pair} level {level}: descriptor IPA {d_ipa:#x}");
                    assert_eq!(s.value, snap.memory.read_u64_le(s.address.unwrap()).ok());
                    if level == 3 {
                        pieces.insert(s.address.unwrap().wrapping_sub(s.index.unwrap() * 8));
                    }
                }
            }
            // Stage 2 pages smaller than a stage 1 table scatter it: the four level 3
            // descriptors of one table come from as many pieces.
            if g2 < g1 {
                assert!(pieces.len() >= 4, "{pair}: {} pieces", pieces.len());
            }
            // ptdump agrees, stage by stage and composed.
            let s1 = ptdump::ptdump(&snap.registers, &snap.memory, 1, None, ptdump::DumpStage::S1).unwrap();
            let nested = ptdump::ptdump(&snap.registers, &snap.memory, 1, None, ptdump::DumpStage::Nested).unwrap();
            for d in [&s1, &nested] {
                assert!(d.invalid.is_empty() && d.missing.is_empty(), "{pair}: {:?} {:?}", d.invalid, d.missing);
                assert_eq!((d.cycles, d.repeats_skipped), (0, 0));
            }
            assert_eq!(s1.leaves, 5, "{pair}");
            for (i, &va) in vas.iter().enumerate() {
                let ipa = IPA_BASE + ((i as u64) << g1);
                let at = |d: &ptdump::PtDump| {
                    let m = d.mappings.iter().find(|m| m.input <= va && va < m.input + m.size).expect("mapped");
                    m.output + (va - m.input)
                };
                assert_eq!(at(&s1), ipa, "{pair}");
                assert_eq!(at(&nested), PA_BASE + (ipa - IPA_BASE), "{pair}");
            }
            let covered: u64 = nested.mappings.iter().map(|m| m.size).sum();
            assert_eq!(covered, 5 << g1, "{pair}: nested ranges cover exactly the five pages");
        }
    }
}

/// Stage 1 start level for a 48-bit input (Arm ARM D8.2): 4KB level 0, 16KB level 0 (one
/// bit), 64KB level 1.
fn s1_steps_start(g: u32) -> i32 {
    4 - (48 - g).div_ceil(g - 3) as i32
}

fn s1_snapshot(nested: bool) -> Snapshot {
    let maps = serde_json::json!([{"va": "0x40000000", "pa": "0x50000000", "size": "0x1000"}]);
    if nested {
        build(serde_json::json!({"name": "loop", "streams": [{"sid": 1, "config": "nested",
            "s2": {"granule": 4096, "ia_bits": 48, "mappings": [{"va": "0x50000000", "pa": "0x60000000", "size": "0x1000"}]},
            "s1": {"granule": 4096, "ia_bits": 48, "contexts": [{"mappings": maps}]}}]}))
    } else {
        build(serde_json::json!({"name": "loop", "streams": [{"sid": 1, "config": "s1",
            "s1": {"granule": 4096, "ia_bits": 48, "contexts": [{"mappings": maps}]}}]}))
    }
}

fn copy(snap: &Snapshot) -> SparseMem {
    let mut m = SparseMem::new();
    for (a, d) in snap.memory.chunks() {
        m.insert(a, d.to_vec());
    }
    m
}

fn table_of(entries: impl Fn(u64) -> u64) -> Vec<u8> {
    (0..512).flat_map(|i| entries(i).to_le_bytes()).collect()
}

/// The reproducers of issue 16: a 4KB stage 1 root whose 512 descriptors all point at itself,
/// alone and under stage 2 (where the root's address is an IPA). Architecturally such a
/// table maps itself at every level (a recursive mapping); ptdump does not follow the loop,
/// ends at once with nothing listed, and says why.
#[test]
fn self_referencing_root_ends_at_once_with_a_note() {
    for nested in [false, true] {
        let snap = s1_snapshot(nested);
        let r = walk::translate_snapshot(&snap, &WalkRequest::new(1, 0x4000_0000, Access::Read));
        assert_eq!(r.outcome, Outcome::Translated, "{}", r.summary);
        let l0 = r.steps.iter().find(|s| s.stage == "1" && s.level == Some(0)).unwrap();
        // The root's own address (an IPA when nested) and where its bytes are (a PA).
        let (root, root_pa) = (l0.table.unwrap(), l0.address.unwrap() - l0.index.unwrap() * 8);
        let mut mem = copy(&snap);
        mem.insert(root_pa, table_of(|_| root | 3));
        let stages: &[ptdump::DumpStage] =
            if nested { &[ptdump::DumpStage::S1, ptdump::DumpStage::Nested] } else { &[ptdump::DumpStage::S1] };
        for &st in stages {
            let mut streamed = 0;
            let d = ptdump::ptdump_each(&snap.registers, &mem, 1, None, st, &mut |_| streamed += 1).unwrap();
            assert_eq!((d.cycles, d.leaves, d.ranges, streamed), (512, 0, 0, 0), "nested {nested} {st:?}");
            assert!(d.notes.iter().any(|n| n.contains("512 table descriptor(s) point back")), "{:?}", d.notes);
            let text = ptdump::render(&d);
            assert!(text.contains("note: 512 table descriptor(s) point back"), "{text}");
        }
        // The walker itself reads one descriptor a level and stops (Arm ARM: at level 3 the
        // descriptor is a page; AF = 0 there).
        let r = walk::translate(&snap.registers, &mem, &WalkRequest::new(1, 0x4000_0000, Access::Read));
        assert_eq!(r.event.map(|e| e.kind.name()), Some("F_ACCESS"));
    }
}

/// Tables shared by several descriptors are real mappings (each descriptor maps its own
/// input range through the same table): dumped again while the budget lasts, then counted
/// and named. Here every level points all 512 descriptors at one table: 2^36 pages
/// architecturally, a bounded prefix listed.
#[test]
fn shared_tables_are_dumped_within_a_budget() {
    let snap = s1_snapshot(false);
    let r = walk::translate_snapshot(&snap, &WalkRequest::new(1, 0x4000_0000, Access::Read));
    let l0 = r.steps.iter().find(|s| s.stage == "1" && s.level == Some(0)).unwrap();
    let root = l0.table.unwrap();
    let (t1, t2, t3) = (0x7000_0000u64, 0x7000_1000u64, 0x7000_2000u64);
    let mut mem = copy(&snap);
    // Two level 0 descriptors share t1; then every descriptor of t1 and t2 points at the next.
    mem.insert(root, table_of(|i| if i < 2 { t1 | 3 } else { 0 }));
    mem.insert(t1, table_of(|_| t2 | 3));
    mem.insert(t2, table_of(|_| t3 | 3));
    // Level 3: pages with AF = 1 (bit 10), AP = 0b01, at consecutive PAs.
    mem.insert(t3, table_of(|i| (0x8000_0000 + i * 0x1000) | 0x443));
    // The walker agrees that the two level 0 ranges map the same pages.
    for va in [0x12_3456_7000u64, (1u64 << 39) | 0x12_3456_7000] {
        let r = walk::translate(&snap.registers, &mem, &WalkRequest::new(1, va, Access::Read));
        assert_eq!(r.pa, Some(0x8000_0000 + ((va >> 12) & 0x1ff) * 0x1000), "{}", r.summary);
    }
    let d = ptdump::ptdump(&snap.registers, &mem, 1, None, ptdump::DumpStage::S1).unwrap();
    assert!(d.repeats_skipped > 0 && d.repeated > 0, "{} {}", d.repeated, d.repeats_skipped);
    // Each repeated table costs its 512 descriptors of the budget.
    assert!(d.repeated * 512 <= ptdump::REPEAT_BUDGET);
    assert!(d.leaves <= ptdump::REPEAT_BUDGET + 512, "{}", d.leaves);
    assert_eq!(d.tables, d.repeated + 4);
    assert!(d.notes.iter().any(|n| n.contains("budget")), "{:?}", d.notes);
    // The first ranges are the architecture's: IOVA 0 maps 0x80000000, 2MB of pages.
    let m = &d.mappings[0];
    assert_eq!((m.input, m.output, m.size), (0, 0x8000_0000, 0x20_0000));
    assert_eq!(d.ranges, d.mappings.len() as u64);
}

/// A table shared by two descriptors (not a loop) is listed under both.
#[test]
fn a_table_shared_by_two_descriptors_is_listed_twice() {
    let snap = s1_snapshot(false);
    let r = walk::translate_snapshot(&snap, &WalkRequest::new(1, 0x4000_0000, Access::Read));
    let l1 = r.steps.iter().find(|s| s.stage == "1" && s.level == Some(1)).unwrap();
    let mut mem = copy(&snap);
    // Level 1 descriptor 5 (IOVA 0x140000000) copies descriptor 1 (IOVA 0x40000000).
    let d1 = mem.read_u64_le(l1.address.unwrap()).unwrap();
    let mut t = vec![0u8; 4096];
    mem.read(l1.table.unwrap(), &mut t).unwrap();
    t[5 * 8..6 * 8].copy_from_slice(&d1.to_le_bytes());
    mem.insert(l1.table.unwrap(), t);
    let d = ptdump::ptdump(&snap.registers, &mem, 1, None, ptdump::DumpStage::S1).unwrap();
    let got: Vec<(u64, u64, u64)> = d.mappings.iter().map(|m| (m.input, m.output, m.size)).collect();
    assert_eq!(got, vec![(0x4000_0000, 0x5000_0000, 0x1000), (0x1_4000_0000, 0x5000_0000, 0x1000)]);
    // Dumped again: the shared level 2 table and the level 3 table under it.
    assert_eq!((d.repeated, d.cycles, d.repeats_skipped), (2, 0, 0));
}
