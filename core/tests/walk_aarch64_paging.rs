//! Cross-check against an independent table builder: the `aarch64-paging` crate builds stage 1
//! 4KB tables (for a target at a chosen physical base); the walker must find its mappings.

use aarch64_paging::descriptor::{El1Attributes as A, PhysicalAddress};
use aarch64_paging::paging::{Constraints, El1And0, MemoryRegion, RootTable, VaRange};
use aarch64_paging::target::TargetAllocator;
use smmu_core::mem::{PhysMem, SparseMem};
use smmu_core::scenario;
use smmu_core::structs::CD;
use smmu_core::walk::{self, ptdump, Access, Outcome, WalkRequest};

const BASE: u64 = 0x1_0000_0000;

#[test]
fn walker_finds_aarch64_paging_mappings() {
    let mut root = RootTable::with_va_range(TargetAllocator::new(BASE), 0, El1And0, VaRange::Lower);
    let rw = A::VALID | A::ATTRIBUTE_INDEX_0 | A::INNER_SHAREABLE | A::ACCESSED | A::USER | A::NON_GLOBAL;
    // (va, pa, size, flags): a 2MB block, pages, a 1GB block, a read-only run.
    let maps: [(u64, u64, u64, A); 4] = [
        (0x4000_0000, 0x8020_0000, 0x20_0000, rw),
        (0x12_3456_7000, 0x9000_1000, 0x3000, rw),
        (0x80_0000_0000, 0x1_4000_0000, 0x4000_0000, rw),
        (0x7f_fffe_0000, 0xa000_0000, 0x10000, rw | A::READ_ONLY),
    ];
    for (va, pa, size, f) in maps {
        root.map_range(
            &MemoryRegion::new(va as usize, (va + size) as usize),
            PhysicalAddress(pa as usize),
            f,
            Constraints::empty(),
        )
        .unwrap();
    }
    let bytes = root.translation().as_bytes();
    let ttb = root.to_physical().0 as u64;

    // Registers, stream table, STE and CD from the scenario builder; TTB0 pointed at the
    // aarch64-paging tables.
    let s: scenario::Scenario =
        serde_json::from_value(serde_json::json!({"name": "x", "streams": [{"sid": 5, "config": "s1",
        "s1": {"granule": 4096, "ia_bits": 48, "contexts": [{"mappings": []}]}}]}))
        .unwrap();
    let snap = scenario::build(&s).unwrap();
    let probe = walk::translate_snapshot(&snap, &WalkRequest::new(5, 0, Access::Read));
    let cd_addr = probe.steps.iter().find(|s| s.kind == "CD").unwrap().address.unwrap();
    let mut mem = SparseMem::new();
    for (a, d) in snap.memory.chunks() {
        mem.insert(a, d.to_vec());
    }
    let mut cd = [0u64; 8];
    for (i, w) in cd.iter_mut().enumerate() {
        *w = mem.read_u64_le(cd_addr + 8 * i as u64).unwrap();
    }
    CD.field("TTB0").unwrap().set(&mut cd, ttb >> 4).unwrap();
    mem.insert(cd_addr, cd.iter().flat_map(|w| w.to_le_bytes()).collect());
    mem.insert(BASE, bytes);

    for (va, pa, size, f) in maps {
        for off in [0, 0x8, size / 2 + 0x123, size - 1] {
            let r = walk::translate(&snap.registers, &mem, &WalkRequest::new(5, va + off, Access::Read));
            assert_eq!(r.outcome, Outcome::Translated, "{:#x}: {}", va + off, r.summary);
            assert_eq!(r.pa, Some(pa + off), "{:#x}", va + off);
            let w = walk::translate(&snap.registers, &mem, &WalkRequest::new(5, va + off, Access::Write));
            if f.contains(A::READ_ONLY) {
                assert_eq!(w.event.unwrap().kind.name(), "F_PERMISSION");
            } else {
                assert_eq!(w.outcome, Outcome::Translated);
            }
        }
        // just outside: not mapped
        let r = walk::translate(&snap.registers, &mem, &WalkRequest::new(5, va + size, Access::Read));
        assert_eq!(r.event.map(|e| e.kind.name()), Some("F_TRANSLATION"), "{:#x}", va + size);
    }
    // The 1GB block is found at level 1, the 2MB block at level 2.
    let r = walk::translate(&snap.registers, &mem, &WalkRequest::new(5, 0x80_0000_1000, Access::Read));
    assert_eq!(r.steps.last().unwrap().kind, "block");
    assert_eq!(r.steps.last().unwrap().level, Some(1));
    let d = ptdump::ptdump(&snap.registers, &mem, 5, None, ptdump::DumpStage::S1).unwrap();
    let total: u64 = d.mappings.iter().map(|m| m.size).sum();
    assert_eq!(total, maps.iter().map(|m| m.2).sum::<u64>());

    // The scenario builder, given the same mappings, describes the same ranges with the same
    // leaf sizes (blocks where aligned) as aarch64-paging.
    let ms: Vec<_> = maps
        .iter()
        .map(|(va, pa, size, f)| serde_json::json!({"va": va, "pa": pa, "size": size, "perm": if f.contains(A::READ_ONLY) { "r" } else { "rw" }}))
        .collect();
    let s2: scenario::Scenario =
        serde_json::from_value(serde_json::json!({"name": "y", "streams": [{"sid": 5, "config": "s1",
        "s1": {"granule": 4096, "ia_bits": 48, "contexts": [{"mappings": ms}]}}]}))
        .unwrap();
    let ours = scenario::build(&s2).unwrap();
    let d2 = ptdump::ptdump(&ours.registers, &ours.memory, 5, None, ptdump::DumpStage::S1).unwrap();
    let key =
        |d: &ptdump::PtDump| d.mappings.iter().map(|m| (m.input, m.output, m.size, m.leaf_size)).collect::<Vec<_>>();
    assert_eq!(key(&d2), key(&d));
    assert_eq!(d2.tables, d.tables, "same number of tables");
}
