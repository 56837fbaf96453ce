//! Walker speed, in one run (`cargo bench -p smmu-core --bench walk`):
//! - batch walks per second, stage 1 4-level (4KB) and nested 4-level over 4-level, each
//!   beside a bare reference loop doing the same descriptor loads through `PhysMem` with no
//!   checks (`bare_reference`), and for stage 1 beside the same walk over the tables copied
//!   into one flat `Vec<u64>` (`flat_reference`: four dependent loads, nothing else);
//! - ptdump of a stage 1 table with 1M 4KB leaves, beside `sum_reference`: the same tables
//!   read through `PhysMem` and their descriptors summed.
//!
//! Goals (issue 16): `Batch::pa` at most 1.1x `bare_reference` and 3x `flat_reference`;
//! ptdump at most 10x `sum_reference`.
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use smmu_core::mem::PhysMem;
use smmu_core::scenario::{self, Scenario};
use smmu_core::snapshot::Snapshot;
use smmu_core::walk::{self, ptdump, Access, Batch, WalkRequest};
use std::hint::black_box;

const N: u64 = 4096;

fn scen(json: serde_json::Value) -> Snapshot {
    let s: Scenario = serde_json::from_value(json).unwrap();
    scenario::build(&s).unwrap()
}

/// Table walk with no checks: the same loads the walker makes (4KB granule, 4 levels).
#[inline]
fn bare_walk(mem: &dyn PhysMem, ttb: u64, va: u64) -> u64 {
    let mut t = ttb;
    for l in 0..4u32 {
        let idx = (va >> (39 - 9 * l)) & 0x1ff;
        let d = mem.read_u64_le(t + idx * 8).unwrap_or(0);
        t = d & 0x0000_ffff_ffff_f000;
    }
    t | (va & 0xfff)
}

/// The stage 1 tables reachable from `ttb` (4KB, 4 levels) copied into one flat array: a
/// table descriptor holds the index of its child table's first entry, a page descriptor the
/// output address.
fn flatten(mem: &dyn PhysMem, ttb: u64) -> Vec<u64> {
    fn table(mem: &dyn PhysMem, pa: u64, level: u32, flat: &mut Vec<u64>) -> usize {
        let at = flat.len();
        flat.resize(at + 512, 0);
        for i in 0..512u64 {
            let d = mem.read_u64_le(pa + i * 8).unwrap_or(0);
            if d & 1 == 0 {
                continue;
            }
            let v = if level < 3 {
                table(mem, d & 0x0000_ffff_ffff_f000, level + 1, flat) as u64
            } else {
                d & 0x0000_ffff_ffff_f000
            };
            flat[at + i as usize] = v;
        }
        at
    }
    let mut flat = vec![];
    table(mem, ttb, 0, &mut flat);
    flat
}

#[inline]
fn flat_walk(flat: &[u64], va: u64) -> u64 {
    let mut t = 0usize;
    for l in 0..3u32 {
        let idx = ((va >> (39 - 9 * l)) & 0x1ff) as usize;
        t = flat.get(t + idx).copied().unwrap_or(0) as usize;
    }
    flat.get(t + ((va >> 12) & 0x1ff) as usize).copied().unwrap_or(0) | (va & 0xfff)
}

/// Every table of a 4-level 4KB stage 1 walk from `ttb` (addresses), for the summing reference.
fn tables_of(mem: &dyn PhysMem, ttb: u64) -> Vec<u64> {
    let mut out = vec![ttb];
    let mut i = 0;
    let mut level = vec![0u32];
    while i < out.len() {
        if level[i] < 3 {
            for e in 0..512u64 {
                let d = mem.read_u64_le(out[i] + e * 8).unwrap_or(0);
                if d & 3 == 3 {
                    out.push(d & 0x0000_ffff_ffff_f000);
                    level.push(level[i] + 1);
                }
            }
        }
        i += 1;
    }
    out
}

// One pass of each measured loop, never inlined, so a profiler can count each apart:
// `valgrind --tool=callgrind --toggle-collect='*walk::run_*'` (instruction counts are repeatable
// on a loaded machine where times are not).

#[inline(never)]
fn run_batch(s: &Snapshot, sid: u32, vas: &[u64]) {
    let mut bw = Batch::new(&s.registers, &s.memory);
    for &va in vas {
        black_box(bw.pa(&WalkRequest::new(sid, va, Access::Read)).ok());
    }
}

#[inline(never)]
fn run_bare(mem: &dyn PhysMem, ttb: u64, vas: &[u64]) {
    for &va in vas {
        black_box(bare_walk(mem, ttb, va));
    }
}

#[inline(never)]
fn run_flat(flat: &[u64], vas: &[u64]) {
    for &va in vas {
        black_box(flat_walk(flat, va));
    }
}

#[inline(never)]
fn run_ptdump(s: &Snapshot, sid: u32) -> u64 {
    let mut n = 0u64;
    ptdump::ptdump_each(&s.registers, &s.memory, sid, None, ptdump::DumpStage::S1, &mut |m| n += m.leaves)
        .map(|d| d.leaves + n)
        .unwrap_or(0)
}

#[inline(never)]
fn run_sum(mem: &dyn PhysMem, tables: &[u64]) -> u64 {
    let mut buf = vec![0u8; 4096];
    let mut s = 0u64;
    for &t in tables {
        if mem.read(t, &mut buf).is_ok() {
            for c in buf.chunks_exact(8) {
                s = s.wrapping_add(u64::from_le_bytes(c.try_into().unwrap_or([0; 8])));
            }
        }
    }
    s
}

fn ttb_of(snap: &Snapshot, sid: u32, iova: u64) -> (u64, Option<u64>) {
    let r = walk::translate_snapshot(snap, &WalkRequest::new(sid, iova, Access::Read));
    let s1 = r.steps.iter().find(|s| s.stage == "1" && s.level == Some(0)).and_then(|s| s.table);
    let s2 = r.steps.iter().find(|s| s.stage == "2" && s.level == Some(0)).and_then(|s| s.table);
    (s1.unwrap_or(0), s2)
}

fn benches(c: &mut Criterion) {
    // Stage 1: 4096 pages spread over the 48-bit space (distinct level 1/2/3 tables).
    let maps: Vec<_> = (0..N)
        .map(|i| serde_json::json!({"va": format!("{:#x}", (i << 30) | ((i & 7) << 21) | 0x1000), "pa": format!("{:#x}", 0x1_0000_0000u64 + i * 0x1000), "size": "0x1000"}))
        .collect();
    let s1 = scen(serde_json::json!({"name": "bench-s1", "streams": [{"sid": 1, "config": "s1",
        "s1": {"granule": 4096, "ia_bits": 48, "contexts": [{"mappings": maps}]}}]}));
    let vas: Vec<u64> = (0..N).map(|i| (i << 30) | ((i & 7) << 21) | 0x1234).collect();
    let (ttb, _) = ttb_of(&s1, 1, vas[0]);
    for &va in vas.iter().take(16) {
        let r = walk::translate_snapshot(&s1, &WalkRequest::new(1, va, Access::Read));
        assert_eq!(r.pa, Some(bare_walk(&s1.memory, ttb, va)));
    }
    let flat = flatten(&s1.memory, ttb);
    for &va in &vas {
        assert_eq!(flat_walk(&flat, va), bare_walk(&s1.memory, ttb, va));
    }
    let mut g = c.benchmark_group("s1_4level");
    g.throughput(Throughput::Elements(N));
    g.bench_function("walker_batch", |b| b.iter(|| run_batch(&s1, 1, &vas)));
    g.bench_function("bare_reference", |b| b.iter(|| run_bare(&s1.memory, ttb, &vas)));
    g.bench_function("flat_reference", |b| b.iter(|| run_flat(&flat, &vas)));
    g.bench_function("walker_batch_full_result", |b| {
        b.iter(|| {
            let mut bw = Batch::new(&s1.registers, &s1.memory);
            for &va in &vas {
                black_box(bw.translate(&WalkRequest::new(1, va, Access::Read)).pa);
            }
        })
    });
    g.bench_function("walker_traced", |b| {
        b.iter(|| {
            for &va in vas.iter().take(256) {
                black_box(walk::translate_snapshot(&s1, &WalkRequest::new(1, va, Access::Read)).pa);
            }
        })
    });
    g.finish();

    // Nested 4-level over 4-level, 4KB pages at both stages.
    let nmaps: Vec<_> = (0..N)
        .map(|i| serde_json::json!({"va": format!("{:#x}", (i << 30) | 0x1000), "pa": format!("{:#x}", 0x40_0000_0000u64 + i * 0x1000), "size": "0x1000"}))
        .collect();
    let n = scen(serde_json::json!({"name": "bench-nested", "streams": [{"sid": 2, "config": "nested",
        "s2": {"granule": 4096, "ia_bits": 48, "mappings": [{"va": "0x4000000000", "pa": "0x1000000000", "size": format!("{:#x}", N * 0x1000), "blocks": false}]},
        "s1": {"granule": 4096, "ia_bits": 48, "contexts": [{"mappings": nmaps}]}}]}));
    let nvas: Vec<u64> = (0..N).map(|i| (i << 30) | 0x1234).collect();
    let (s1ttb, s2ttb) = ttb_of(&n, 2, nvas[0]);
    let s2ttb = s2ttb.unwrap();
    let nested_bare = |mem: &dyn PhysMem, va: u64| -> u64 {
        let mut t = s1ttb;
        for l in 0..4u32 {
            let tpa = bare_walk(mem, s2ttb, t);
            let idx = (va >> (39 - 9 * l)) & 0x1ff;
            t = mem.read_u64_le(tpa + idx * 8).unwrap_or(0) & 0x0000_ffff_ffff_f000;
        }
        bare_walk(mem, s2ttb, t | (va & 0xfff))
    };
    for &va in nvas.iter().take(16) {
        let r = walk::translate_snapshot(&n, &WalkRequest::new(2, va, Access::Read));
        assert_eq!(r.pa, Some(nested_bare(&n.memory, va)), "{}", r.summary);
        assert_eq!(r.descriptor_reads, 28);
    }
    let mut g = c.benchmark_group("nested_4over4");
    g.throughput(Throughput::Elements(N));
    g.bench_function("walker_batch", |b| {
        b.iter(|| {
            let mut bw = Batch::new(&n.registers, &n.memory);
            for &va in &nvas {
                black_box(bw.pa(&WalkRequest::new(2, va, Access::Read)).ok());
            }
        })
    });
    g.bench_function("bare_reference", |b| {
        b.iter(|| {
            for &va in &nvas {
                black_box(nested_bare(&n.memory, va));
            }
        })
    });
    g.finish();

    // ptdump: one stage 1 table with 1M 4KB leaves (4GB of pages, 2048 level 3 tables).
    let big = scen(serde_json::json!({"name": "bench-ptdump", "streams": [{"sid": 3, "config": "s1",
        "s1": {"granule": 4096, "ia_bits": 48, "contexts": [{"mappings": [{"va": "0x100000000", "pa": "0x100000000", "size": "0x100000000", "blocks": false}]}]}}]}));
    let d = ptdump::ptdump(&big.registers, &big.memory, 3, None, ptdump::DumpStage::S1).unwrap();
    assert_eq!(d.leaves, 1 << 20);
    assert_eq!(d.mappings.len(), 1, "equal attributes coalesce into one range");
    let (bttb, _) = ttb_of(&big, 3, 0x1_0000_0000);
    let tables = tables_of(&big.memory, bttb);
    assert_eq!(tables.len() as u64, d.tables, "the reference reads the tables ptdump reads");

    let mut g = c.benchmark_group("ptdump");
    g.sample_size(10);
    g.throughput(Throughput::Elements(1 << 20));
    assert_eq!(run_ptdump(&big, 3), 2 << 20);
    g.bench_function("1M_4k_leaves", |b| b.iter(|| black_box(run_ptdump(&big, 3))));
    g.bench_function("sum_reference", |b| b.iter(|| black_box(run_sum(&big.memory, &tables))));
    g.finish();
}

criterion_group!(walkers, benches);
criterion_main!(walkers);
