//! The device tree parser (`cargo bench -p smmu-tui --bench fdt_parse`): collect's own
//! `collect::fdt::parse_blob` against the maintained `flat_device_tree` crate (3.x, the fork
//! of `fdt`) on QEMU 10.0's virt DTB (tests/fixtures/hosts/qemu-virt-dt/sys/firmware/fdt,
//! 1 MiB), both producing the same owned tree (`DtNode`: every node, every property) that
//! `fdt::summarize` reads; and the whole job (parse + summarize) as the reference.
use criterion::{criterion_group, criterion_main, Criterion};
use smmu_tui::collect::fdt::{self, DtNode};
use std::hint::black_box;

fn dtb() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/hosts/qemu-virt-dt/sys/firmware/fdt"))
        .unwrap_or_default()
}

/// The same tree built through flat_device_tree.
fn with_crate(b: &[u8]) -> Option<DtNode> {
    fn node(n: flat_device_tree::node::FdtNode<'_, '_>) -> DtNode {
        let name = if n.name == "/" { String::new() } else { n.name.to_string() };
        DtNode {
            name,
            props: n.properties().map(|p| (p.name.to_string(), p.value.to_vec())).collect(),
            children: n.children().map(node).collect(),
        }
    }
    let f = flat_device_tree::Fdt::new(b).ok()?;
    f.find_node("/").map(node)
}

fn benches(c: &mut Criterion) {
    let b = dtb();
    let ours = fdt::parse_blob(&b).ok();
    // Same tree either way (else the comparison means nothing).
    assert_eq!(with_crate(&b), ours, "flat_device_tree and collect::fdt disagree on QEMU's DTB");
    let mut g = c.benchmark_group("fdt_parse");
    g.bench_function("collect::fdt::parse_blob", |x| x.iter(|| black_box(fdt::parse_blob(black_box(&b)).ok())));
    g.bench_function("flat_device_tree 3", |x| x.iter(|| black_box(with_crate(black_box(&b)))));
    g.bench_function("parse_blob + summarize (reference: the whole job)", |x| {
        x.iter(|| black_box(fdt::parse_blob(black_box(&b)).ok().map(|t| fdt::summarize(&t))))
    });
    g.finish();
}

criterion_group!(group, benches);
criterion_main!(group);
