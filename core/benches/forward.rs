//! Fleet pools (`cargo bench -p smmu-core --bench forward`): `forward::analyze` over 1,000
//! and 10,000 hosts (three hardware generations, one in 50 with a different OAS, as a fleet
//! looks), beside the reference of one host analysed alone. Linear work shows as
//! hosts_10000 / hosts_1000 near 10 and hosts_N / (N x one_host) well under 1 (hosts with
//! equal registers are analysed once).
use criterion::{criterion_group, criterion_main, Criterion};
use smmu_core::forward::{self, ForwardOptions};
use smmu_core::parse::{parse_bytes, ParseOptions};
use smmu_core::regset::RegisterSet;
use std::hint::black_box;

fn host(i: usize) -> RegisterSet {
    // IDR0/1/3/5/AIDR of QEMU 10.0's nested, stage-2 and a v3.2-like SMMU.
    let gens = [
        (0x0d44101bu32, 0x02730010u32, 0x1404u32, 0x74u32, 0x1u32),
        (0x0d441019, 0x02730010, 0x1414, 0x74, 0x1),
        (0x0f44123b, 0x0e730010, 0x1404, 0x75, 0x2),
    ];
    let (i0, i1, i3, mut i5, a) = gens[i % 3];
    if i.is_multiple_of(50) {
        i5 = (i5 & !7) | 4;
    }
    let text =
        format!("SMMU_IDR0 {i0:#x}\nSMMU_IDR1 {i1:#x}\nSMMU_IDR3 {i3:#x}\nSMMU_IDR5 {i5:#x}\nSMMU_AIDR {a:#x}\n");
    parse_bytes(text.as_bytes(), &ParseOptions::default()).unwrap().registers
}

fn benches(c: &mut Criterion) {
    let opts = ForwardOptions::default();
    let one = vec![("h0".to_string(), host(0))];
    let fleet = |n: usize| -> Vec<(String, RegisterSet)> { (0..n).map(|i| (format!("h{i}"), host(i))).collect() };
    let f1k = fleet(1000);
    let f10k = fleet(10_000);
    let mut g = c.benchmark_group("forward");
    g.sample_size(10);
    g.bench_function("one_host (reference)", |b| b.iter(|| black_box(forward::analyze(&one, &opts))));
    g.bench_function("hosts_1000", |b| b.iter(|| black_box(forward::analyze(&f1k, &opts))));
    g.bench_function("hosts_10000", |b| b.iter(|| black_box(forward::analyze(&f10k, &opts))));
    g.finish();
}

criterion_group!(forward_benches, benches);
criterion_main!(forward_benches);
