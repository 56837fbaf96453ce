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
            let v = if i % 2 == 0 { (w & 0xfff0_0000_0000_0ffb) | ((base + (w % (seed_mem.len() as u64 * 8))) & !0xfff) } else { *w };
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        // Keep the stream table and the STE; scramble what follows them.
        mem.insert(base + 0x1000, bytes);
        let mut batch = walk::Batch::new(&snap.registers, &mem);
        for a in [Access::Read, access] {
            let req = WalkRequest { sid, ssid, iova, access: a, unpriv: false };
            let r = walk::translate(&snap.registers, &mem, &req);
            prop_assert!(r.descriptor_reads <= 5 * 6 + 6, "{} reads", r.descriptor_reads);
            // The batch walker (its short path for plain walks, the full one otherwise) gives
            // the same answer, fault for fault, on whatever the memory holds.
            let b = batch.translate(&req);
            prop_assert_eq!((b.outcome, b.pa, b.ipa), (r.outcome, r.pa, r.ipa));
            prop_assert_eq!(b.event.map(|e| e.raw), r.event.map(|e| e.raw));
            prop_assert_eq!(batch.pa(&req).ok(), if r.outcome == Outcome::Translated || r.outcome == Outcome::Bypass { r.pa } else { None });
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
    // ptdump: every descriptor points back at its own table (a loop), none is followed.
    let d = ptdump::ptdump(&snap.registers, &mem, 1, None, ptdump::DumpStage::S1).unwrap();
    assert_eq!((d.cycles, d.tables, d.leaves, d.mappings.len()), (512, 1, 0, 0));
    assert!(d.notes.iter().any(|n| n.contains("point back at a table on their own walk")), "{:?}", d.notes);
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

/// IHI 0070 3.4.3 / 7.3.13: in a nested walk every stage 1 descriptor's own IPA (table base +
/// index * 8) goes through stage 2. Stage 1 uses 64KB tables (8192 descriptors), stage 2 16KB
/// pages, and the builder moves each 16KB piece of every stage 1 table to its own PA (in
/// reverse order): each walk below reads its level 3 descriptor from a different piece.
#[test]
fn nested_s1_64k_over_s2_16k_follows_each_scattered_piece() {
    let l3 = |idx: u64| 0x1_0000_0000u64 + idx * 0x1_0000;
    // Level 3 indexes in each 16KB quarter of one 64KB level 3 table (2048 descriptors each),
    // and one address whose level 2 descriptor is in the last quarter of its table.
    let vas = [l3(5), l3(2048 + 7), l3(4096 + 9), l3(6144 + 11), 3000u64 << 29];
    let maps: Vec<serde_json::Value> = vas
        .iter()
        .enumerate()
        .map(|(i, va)| serde_json::json!({"va": format!("{va:#x}"), "pa": format!("{:#x}", 0x4000_0000u64 + i as u64 * 0x1_0000), "size": "0x10000", "blocks": false}))
        .collect();
    let j = serde_json::json!({"name": "scatter", "streams": [{"sid": 1, "config": "nested",
        "s2": {"granule": 16384, "ia_bits": 48, "scatter_s1_tables": true,
               "mappings": [{"va": "0x40000000", "pa": "0x900000000", "size": "0x100000"}]},
        "s1": {"granule": 65536, "ia_bits": 48, "contexts": [{"mappings": maps}]}}]});
    let s: Scenario = serde_json::from_value(j).unwrap();
    let snap = scenario::build(&s).unwrap();
    let mut l3_reads = vec![];
    for (i, va) in vas.iter().enumerate() {
        let r = walk::translate_snapshot(&snap, &WalkRequest::new(1, va + 0x123, Access::Read));
        assert_eq!(r.outcome, Outcome::Translated, "{va:#x}: {}", r.summary);
        assert_eq!(r.ipa, Some(0x4000_0000 + i as u64 * 0x1_0000 + 0x123));
        assert_eq!(r.pa, Some(0x9_0000_0000 + i as u64 * 0x1_0000 + 0x123));
        let leaf = r.steps.iter().find(|s| s.stage == "1" && s.level == Some(3)).expect("level 3 read");
        l3_reads.push((leaf.table.unwrap(), leaf.index.unwrap(), leaf.address.unwrap()));
        // Every stage 1 descriptor read is preceded by a stage 2 walk of its own IPA.
        for s in r.steps.iter().filter(|s| s.stage == "1" && s.address.is_some()) {
            let ipa = s.table.unwrap() + s.index.unwrap() * 8;
            let want = format!("at IPA {ipa:#x}");
            assert!(
                r.steps.iter().any(|x| x.stage == "2" && x.purpose.as_deref().is_some_and(|p| p.ends_with(&want))),
                "{va:#x}: no stage 2 walk of descriptor IPA {ipa:#x}"
            );
        }
    }
    // The first four share one level 3 table (same IPA) whose pieces are not contiguous in PA.
    let (t0, i0, a0) = l3_reads[0];
    for &(t, i, a) in &l3_reads[1..4] {
        assert_eq!(t, t0);
        assert_ne!(a.wrapping_sub(i * 8), a0.wrapping_sub(i0 * 8), "piece of index {i} is not scattered");
    }
    // ptdump reads the scattered tables piece by piece.
    let d = ptdump::ptdump(&snap.registers, &snap.memory, 1, None, ptdump::DumpStage::Nested).unwrap();
    assert!(d.invalid.is_empty() && d.missing.is_empty(), "{:?} {:?}", d.invalid, d.missing);
    for (i, va) in vas.iter().enumerate() {
        let m = d.mappings.iter().find(|m| m.input <= *va && *va < m.input + m.size).expect("mapped");
        assert_eq!(m.output + (va - m.input), 0x9_0000_0000 + i as u64 * 0x1_0000);
    }
}

/// IHI 0070 7.3.16: a stage 2 permission fault on a stage 1 table read is F_PERMISSION with
/// S2 = 1, CLASS = TT (0b01), TTRnW = 1 (read) and IPA = the stage 1 descriptor's address;
/// RnW, InD and PnU are the input transaction's. Record layout (7.3.16, as Linux decodes it):
/// dword 0 [7:0] type, [11] SSV, [63:32] StreamID; dword 1 [31] Stall, [33] PnU, [34] InD,
/// [35] RnW, [39] S2, [41:40] CLASS, [44] TTRnW; dword 2 InputAddr; dword 3 IPA[51:12].
#[test]
fn stage2_fault_on_stage1_table_read_is_recorded_as_a_tt_read() {
    let va = 0x7f80_0000_0000u64 + 0x42; // level 0 index 0xff: descriptor at table + 0x7f8
    let j = serde_json::json!({"name": "ttrnw", "streams": [{"sid": 0x41, "config": "nested",
        "s2": {"granule": 4096, "ia_bits": 48, "s1_table_perm": "w",
               "mappings": [{"va": "0x200000000", "pa": "0x900000000", "size": "0x200000"}]},
        "s1": {"granule": 4096, "ia_bits": 48, "contexts": [{"mappings": [
            {"va": "0x7f8000000000", "pa": "0x200001000", "size": "0x1000"}]}]}}]});
    let s: Scenario = serde_json::from_value(j).unwrap();
    let snap = scenario::build(&s).unwrap();
    for access in [Access::Read, Access::Write] {
        let r = walk::translate_snapshot(&snap, &WalkRequest::new(0x41, va, access));
        assert_eq!(r.outcome, Outcome::Fault, "{}", r.summary);
        let ev = r.event.expect("event");
        assert_eq!(ev.kind.name(), "F_PERMISSION");
        let root = r.steps.iter().find(|s| s.stage == "1").and_then(|s| s.table);
        // No stage 1 descriptor was read; the CD says where the root table is.
        let cd = r.steps.iter().find(|s| s.kind == "CD").expect("CD step");
        let ttb0 = u64::from_str_radix(cd.words[1].trim_start_matches("0x"), 16).unwrap() & 0x000f_ffff_ffff_fff0;
        assert_eq!(root, None);
        assert_eq!(ev.ipa, Some(ttb0 + 0xff * 8), "IPA of the level 0 descriptor, not of its table");
        let w: Vec<u64> = ev.raw.iter().map(|x| u64::from_str_radix(x.trim_start_matches("0x"), 16).unwrap()).collect();
        assert_eq!(w[0] & 0xff, 0x13, "F_PERMISSION");
        assert_eq!(w[0] >> 32, 0x41, "StreamID");
        assert_eq!(w[0] & (1 << 11), 0, "SSV = 0");
        assert_eq!(w[1] & (1 << 31), 0, "Stall = 0");
        assert_ne!(w[1] & (1 << 33), 0, "PnU = 1: privileged");
        assert_eq!(w[1] & (1 << 34), 0, "InD = 0");
        assert_eq!(w[1] & (1 << 35) != 0, access == Access::Read, "RnW of the input transaction");
        assert_ne!(w[1] & (1 << 39), 0, "S2 = 1");
        assert_eq!((w[1] >> 40) & 3, 0b01, "CLASS = TT");
        assert_ne!(w[1] & (1 << 44), 0, "TTRnW = 1: a descriptor read");
        assert_eq!(w[2], va, "InputAddr");
        assert_eq!(w[3], (ttb0 + 0xff * 8) & !0xfff, "IPA[51:12]");
        assert_eq!(ev.decoded.class.as_deref(), Some("TT"));
    }
}

/// IHI 0070 5.4 CD.DS (bit 186, CD dword 2 bit 58): the 52-bit LPA2 descriptor format with
/// 4KB/16KB granules is selected by CD.DS (STE.S2DS at stage 2), not by SMMU_IDR5.DS alone.
/// With DS = 1 a page descriptor holds OA[51:50] in bits [9:8]; with DS = 0 the same bits
/// are SH and the output address is OA[47:12].
#[test]
fn lpa2_follows_cd_ds_not_idr5_ds_alone() {
    let j = serde_json::json!({"name": "ds", "smmu": {"oas": 52, "ds": true}, "streams": [{"sid": 1, "config": "s1",
        "s1": {"granule": 4096, "ia_bits": 48, "contexts": [{"mappings": [
            {"va": "0x40000000", "pa": "0xc000012345000", "size": "0x1000"}]}]}}]});
    let s: Scenario = serde_json::from_value(j).unwrap();
    let snap = scenario::build(&s).unwrap();
    let r = walk::translate_snapshot(&snap, &WalkRequest::new(1, 0x4000_0042, Access::Read));
    assert_eq!(r.pa, Some(0xc_0000_1234_5042), "{}", r.summary);
    let cd = r.steps.iter().find(|s| s.kind == "CD").expect("CD step");
    let cd_addr = cd.address.unwrap();
    let w2 = u64::from_str_radix(cd.words[2].trim_start_matches("0x"), 16).unwrap();
    assert_ne!(w2 & (1 << 58), 0, "the builder sets CD.DS for an LPA2 table");
    let mut mem = SparseMem::new();
    for (a, d) in snap.memory.chunks() {
        mem.insert(a, d.to_vec());
    }
    mem.insert(cd_addr + 16, (w2 & !(1 << 58)).to_le_bytes().to_vec());
    let r = walk::translate(&snap.registers, &mem, &WalkRequest::new(1, 0x4000_0042, Access::Read));
    assert_eq!(r.pa, Some(0x1234_5042), "CD.DS = 0: 48-bit descriptors although SMMU_IDR5.DS = 1: {}", r.summary);
}
