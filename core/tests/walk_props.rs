//! Property tests: tables built by the scenario builder walk back to their mappings, and the
//! walker terminates without panicking on arbitrary memory (self-pointing tables, cycles
//! through stage 2).

use proptest::prelude::*;
use smmu_core::mem::SparseMem;
use smmu_core::scenario::{self, MapSpec, Num, Scenario};
use smmu_core::walk::{self, ptdump, Access, Outcome, WalkRequest};

fn map(va: u64, pa: u64, size: u64, blocks: bool) -> MapSpec {
    MapSpec {
        va: Num(va),
        pa: Num(pa),
        size: Num(size),
        perm: Some("rw".into()),
        unpriv: true,
        attr: None,
        af: true,
        dbm: false,
        blocks,
        contiguous: false,
    }
}

fn scen(config: &str, granule: u32, maps: Vec<MapSpec>) -> Scenario {
    let mut j = serde_json::json!({"name": "prop", "streams": [{"sid": 1, "config": config}]});
    let m = serde_json::to_value(&maps).unwrap();
    match config {
        "s1" => {
            j["streams"][0]["s1"] =
                serde_json::json!({"granule": granule, "ia_bits": 48, "contexts": [{"mappings": m}]})
        }
        _ => j["streams"][0]["s2"] = serde_json::json!({"granule": granule, "ia_bits": 48, "mappings": m}),
    }
    serde_json::from_value(j).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn built_tables_walk_back(
        stage in prop::sample::select(vec!["s1", "s2"]),
        granule in prop::sample::select(vec![4096u32, 16384, 65536]),
        pages in prop::collection::btree_set(0u64..(1 << 20), 1..12),
        pa_base in 1u64..0x1000,
        blocks in any::<bool>(),
        npages in 1u64..4,
        off in any::<u64>(),
    ) {
        let g = granule as u64;
        // Each mapping covers `npages` granules; mappings are spread so they never overlap.
        let maps: Vec<MapSpec> = pages
            .iter()
            .enumerate()
            .map(|(i, p)| map((p * 16 + 0x100000) * g, (pa_base << 24) + (i as u64) * 16 * g, npages * g, blocks))
            .collect();
        let s = scen(stage, granule, maps.clone());
        let snap = scenario::build(&s).unwrap();
        for m in &maps {
            let o = off % m.size.0;
            let r = walk::translate_snapshot(&snap, &WalkRequest::new(1, m.va.0 + o, Access::Read));
            prop_assert_eq!(r.outcome, Outcome::Translated, "{}", r.summary);
            prop_assert_eq!(r.pa, Some(m.pa.0 + o));
            // The fast path agrees.
            let f = walk::translate_fast(&snap.registers, &snap.memory, &WalkRequest::new(1, m.va.0 + o, Access::Read));
            prop_assert_eq!(f.pa, r.pa);
        }
        // An address just below the first mapping is not mapped.
        let first = maps[0].va.0;
        let r = walk::translate_snapshot(&snap, &WalkRequest::new(1, first - g, Access::Read));
        prop_assert!(r.outcome == Outcome::Fault || r.pa != Some(maps[0].pa.0 - g));
        // ptdump covers exactly the mapped bytes.
        let st = if stage == "s1" { ptdump::DumpStage::S1 } else { ptdump::DumpStage::S2 };
        let d = ptdump::ptdump(&snap.registers, &snap.memory, 1, None, st).unwrap();
        let total: u64 = d.mappings.iter().map(|m| m.size).sum();
        prop_assert_eq!(total, maps.iter().map(|m| m.size.0).sum::<u64>());
    }

    #[test]
    fn arbitrary_memory_never_panics(
        seed_mem in prop::collection::vec(any::<u64>(), 64..1024),
        config in prop::sample::select(vec!["s1", "s2", "nested"]),
        granule in prop::sample::select(vec![4096u32, 16384, 65536]),
        iova in any::<u64>(),
        sid in 0u32..4,
        ssid in prop::option::of(0u32..300),
        access in prop::sample::select(vec![Access::Read, Access::Write, Access::Exec]),
    ) {
        // Real registers and a real STE from the builder, then everything from the table
        // base on replaced by arbitrary words that point back into the same region.
        let mut j = serde_json::json!({"name": "fuzz", "streams": [{"sid": 1, "config": config,
            "s1": {"granule": granule, "ia_bits": 48, "ssid_bits": 4, "contexts": [{"mappings": []}]},
            "s2": {"granule": granule, "ia_bits": 48, "mappings": []}}]});
        if config == "s1" { j["streams"][0].as_object_mut().unwrap().remove("s2"); }
        if config == "s2" { j["streams"][0].as_object_mut().unwrap().remove("s1"); }
        let s: Scenario = serde_json::from_value(j).unwrap();
        let snap = scenario::build(&s).unwrap();
        let mut mem = SparseMem::new();
        for (a, d) in snap.memory.chunks() { mem.insert(a, d.to_vec()); }
        let base = 0x8000_0000u64;
        let mut bytes = vec![];
        for (i, w) in seed_mem.iter().enumerate() {
            // Keep addresses inside the region about half the time so walks go deep.
            let v = if i % 2 == 0 { (w & 0xfff0_0000_0000_0ffb) | (base + (w % (seed_mem.len() as u64 * 8)) & !0xfff) } else { *w };
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        // Keep the stream table and the STE; scramble what follows them.
        mem.insert(base + 0x1000, bytes);
        for a in [Access::Read, access] {
            let r = walk::translate(&snap.registers, &mem, &WalkRequest { sid, ssid, iova, access: a, unpriv: false });
            prop_assert!(r.descriptor_reads <= 5 * 6 + 6, "{} reads", r.descriptor_reads);
        }
        for st in [ptdump::DumpStage::S1, ptdump::DumpStage::S2, ptdump::DumpStage::Nested] {
            let _ = ptdump::ptdump(&snap.registers, &mem, sid, ssid, st);
        }
    }
}

#[test]
fn self_pointing_table_terminates() {
    let s = scen("s1", 4096, vec![map(0x4000_0000, 0x5000_0000, 0x1000, false)]);
    let snap = scenario::build(&s).unwrap();
    // Find the stage 1 root table and make every entry point at the root itself.
    let r = walk::translate_snapshot(&snap, &WalkRequest::new(1, 0x4000_0000, Access::Read));
    let root = r.steps.iter().find(|s| s.stage == "1" && s.level == Some(0)).unwrap().table.unwrap();
    let mut mem = SparseMem::new();
    for (a, d) in snap.memory.chunks() {
        mem.insert(a, d.to_vec());
    }
    let table: Vec<u8> = (0..512).flat_map(|_| (root | 3).to_le_bytes()).collect();
    mem.insert(root, table);
    let r = walk::translate(&snap.registers, &mem, &WalkRequest::new(1, 0x4000_0000, Access::Read));
    // Level 0 -> 1 -> 2 -> 3: at level 3 the same descriptor is a page descriptor whose
    // output is the root table itself (AF = 0 there: an access flag fault).
    assert_eq!(r.descriptor_reads, 4);
    assert_eq!(r.event.unwrap().kind.name(), "F_ACCESS");
    let d = ptdump::ptdump(&snap.registers, &mem, 1, None, ptdump::DumpStage::S1).unwrap();
    assert!(d.truncated);
    assert_eq!(d.leaves, ptdump::MAX_LEAVES);
}

#[test]
fn missing_memory_is_not_a_fault() {
    let s = scen("s1", 4096, vec![map(0x4000_0000, 0x5000_0000, 0x1000, false)]);
    let snap = scenario::build(&s).unwrap();
    let r = walk::translate_snapshot(&snap, &WalkRequest::new(1, 0x4000_0000, Access::Read));
    let leaf_table = r.steps.iter().find(|s| s.stage == "1" && s.level == Some(3)).unwrap().table.unwrap();
    let mut mem = SparseMem::new();
    for (a, d) in snap.memory.chunks() {
        if a <= leaf_table && leaf_table < a + d.len() as u64 {
            // Keep everything but the level 3 table.
            let cut = (leaf_table - a) as usize;
            mem.insert(a, d[..cut].to_vec());
            if cut + 4096 < d.len() {
                mem.insert(leaf_table + 4096, d[cut + 4096..].to_vec());
            }
        } else {
            mem.insert(a, d.to_vec());
        }
    }
    let r = walk::translate(&snap.registers, &mem, &WalkRequest::new(1, 0x4000_0000, Access::Read));
    assert_eq!(r.outcome, Outcome::MissingMemory);
    assert!(r.event.is_none());
    let m = r.missing.unwrap();
    assert_eq!(m.address, leaf_table);
}
