//! Each accepted format, from realistic transcripts of QEMU 10.0.2's SMMUv3 (stage 1).
//! Expected values are QEMU's own (see tests/data/parse/README.md), not this parser's output.

use smmu_core::parse::{parse, parse_bytes, Format, ParseOptions};
use std::collections::BTreeMap;

fn data(name: &str) -> Vec<u8> {
    let p = format!("{}/tests/data/parse/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn run(name: &str) -> smmu_core::parse::Parsed {
    match parse_bytes(&data(name), &ParseOptions::default()) {
        Ok(p) => p,
        Err(e) => panic!("{name}: {e}"),
    }
}

fn values(p: &smmu_core::parse::Parsed) -> BTreeMap<&'static str, u64> {
    p.registers.iter().map(|(r, v)| (r.name, v.value)).collect()
}

/// QEMU 10.0.2 virt-9.1 arm-smmuv3 stage=1 (capture qemu-s1-4k).
const QEMU_S1_ID: &[(&str, u64)] = &[
    ("IDR0", 0x0d44101a),
    ("IDR1", 0x02730010),
    ("IDR2", 0),
    ("IDR3", 0x00001404),
    ("IDR4", 0),
    ("IDR5", 0x00000074),
    ("IIDR", 0),
    ("AIDR", 0x1),
];

const QEMU_S1_PAGE: &[(&str, u64)] = &[
    ("CR0", 0xd),
    ("CR0ACK", 0xd),
    ("CR1", 0xd75),
    ("CR2", 0x6),
    ("GBPA", 0x1000),
    ("IRQ_CTRL", 0x5),
    ("IRQ_CTRLACK", 0x5),
    ("STRTAB_BASE", 0x40000000450d7000),
    ("STRTAB_BASE_CFG", 0x10210),
    ("CMDQ_BASE", 0x400000007bd00010),
    ("CMDQ_PROD", 0x198),
    ("CMDQ_CONS", 0x198),
    ("EVENTQ_BASE", 0x400000007be0000f),
    ("EVENTQ_PROD", 0x5),
    ("EVENTQ_CONS", 0x5),
];

fn expect(p: &smmu_core::parse::Parsed, want: &[(&str, u64)]) {
    for (n, v) in want {
        assert_eq!(p.registers.get(n), Some(*v), "{n} in {:?}; notes {:?}", p.format, p.notes);
    }
}

fn expect_exact(p: &smmu_core::parse::Parsed, want: &[(&str, u64)]) {
    expect(p, want);
    assert_eq!(p.registers.len(), want.len(), "{:?}", values(p));
}

#[test]
fn name_value_lines() {
    let p = run("name-value.txt");
    assert_eq!(p.format, Format::NameValue);
    let mut want = QEMU_S1_ID.to_vec();
    want.extend([("CR0", 0xd), ("CR1", 0xd75), ("STRTAB_BASE", 0x40000000450d7000), ("STRTAB_BASE_CFG", 0x10210)]);
    expect_exact(&p, &want);
    assert_eq!(p.registers.get_entry("IDR0").and_then(|e| e.origin.line), Some(2));
}

#[test]
fn address_value_lines_infer_the_base() {
    let p = run("address-value.txt");
    assert_eq!(p.format, Format::AddressValue);
    expect_exact(&p, QEMU_S1_ID);
    assert!(p.notes.iter().any(|n| n.contains("0x9050000") && n.contains("inferred")), "{:?}", p.notes);
}

#[test]
fn offset_value_lines() {
    let p = run("offset-value.txt");
    assert_eq!(p.format, Format::AddressValue);
    expect_exact(
        &p,
        &[
            ("IDR0", 0x0d44101a),
            ("IDR1", 0x02730010),
            ("IDR3", 0x1404),
            ("IDR5", 0x74),
            ("AIDR", 1),
            ("STRTAB_BASE", 0x40000000450d7000),
            ("EVENTQ_PROD", 5),
        ],
    );
}

#[test]
fn devmem_transcript() {
    let p = run("devmem.txt");
    assert_eq!(p.format, Format::Devmem);
    let mut want = QEMU_S1_ID.to_vec();
    want.extend([("STRTAB_BASE", 0x40000000450d7000), ("EVENTQ_PROD", 5)]);
    expect_exact(&p, &want);
    assert!(p.notes.iter().any(|n| n.contains("skipped")), "{:?}", p.notes);
}

#[test]
fn hexdump_c_of_the_page() {
    let p = run("hexdump-C.txt");
    assert_eq!(p.format, Format::Hexdump);
    expect(&p, QEMU_S1_ID);
    expect(&p, QEMU_S1_PAGE);
    // Every register of the frame is covered by the dump (zeros elsewhere).
    assert_eq!(p.registers.len(), smmu_core::regs::REGISTERS.len());
    assert_eq!(p.registers.get("PRIQ_PROD"), Some(0));
}

#[test]
fn hexdump_c_with_absolute_addresses() {
    let p = run("hexdump-C-devmem-addr.txt");
    expect(&p, QEMU_S1_ID);
    expect(&p, &QEMU_S1_PAGE[..13]);
    assert!(p.notes.iter().any(|n| n.contains("0x9050000")), "{:?}", p.notes);
    // Given the base explicitly: same registers.
    let q = parse_bytes(&data("hexdump-C-devmem-addr.txt"), &ParseOptions { base: Some(0x0905_0000) }).unwrap();
    assert_eq!(values(&p), values(&q));
}

#[test]
fn hexdump_default_words() {
    let p = run("hexdump-default.txt");
    assert_eq!(p.format, Format::Hexdump);
    expect(&p, QEMU_S1_ID);
    expect(&p, QEMU_S1_PAGE);
}

#[test]
fn xxd_plain_and_little_endian() {
    let p = run("xxd.txt");
    assert_eq!(p.format, Format::Xxd);
    expect(&p, QEMU_S1_ID);
    expect(&p, &QEMU_S1_PAGE[..13]);
    let e = run("xxd-e.txt");
    assert_eq!(e.format, Format::Xxd);
    expect(&e, QEMU_S1_ID);
    expect(&e, &QEMU_S1_PAGE[..13]);
}

#[test]
fn od_hex_octal_and_bytes() {
    for f in ["od-x4.txt", "od-x1.txt", "od-octal.txt"] {
        let p = run(f);
        assert_eq!(p.format, Format::Od, "{f}");
        expect(&p, QEMU_S1_ID);
        expect(&p, QEMU_S1_PAGE);
    }
}

#[test]
fn hw_info_text_forms() {
    for f in ["hwinfo-lines.txt", "hwinfo-c.txt", "hwinfo-gdb.txt"] {
        let p = run(f);
        assert_eq!(p.format, Format::HwInfoText, "{f}");
        expect_exact(&p, QEMU_S1_ID);
        assert!(p.notes.iter().any(|n| n.contains("flags = 0x0")), "{f}: {:?}", p.notes);
    }
}

#[test]
fn hw_info_binary() {
    let b = data("hwinfo-s1.bin");
    assert_eq!(b.len(), 40);
    let p = parse_bytes(&b, &ParseOptions::default()).unwrap();
    assert_eq!(p.format, Format::HwInfoBinary);
    expect_exact(&p, QEMU_S1_ID);
}

#[test]
fn json_forms() {
    let p = run("json-flat.json");
    assert_eq!(p.format, Format::Json);
    expect_exact(
        &p,
        &[
            ("IDR0", 0x0d44101a),
            ("IDR1", 0x02730010),
            ("IDR2", 0),
            ("IDR3", 0x1404),
            ("IDR5", 0x74),
            ("IIDR", 0),
            ("AIDR", 1),
            ("STRTAB_BASE", 0x40000000450d7000),
        ],
    );
    let h = run("json-hwinfo.json");
    assert_eq!(h.format, Format::Json);
    expect_exact(&h, QEMU_S1_ID);
}

#[test]
fn snapshot_file() {
    let p = run("snapshot.json");
    assert_eq!(p.format, Format::Snapshot);
    expect_exact(
        &p,
        &[
            ("IDR0", 0x0d44101a),
            ("IDR1", 0x02730010),
            ("IDR3", 0x1404),
            ("IDR5", 0x74),
            ("AIDR", 1),
            ("STRTAB_BASE", 0x40000000450d7000),
            ("STRTAB_BASE_CFG", 0x10210),
        ],
    );
}

#[test]
fn qemu_trace_last_access_wins() {
    let p = run("qemu-trace.txt");
    assert_eq!(p.format, Format::QemuTrace);
    expect_exact(
        &p,
        &[
            ("IDR0", 0x0d44101a),
            ("IDR1", 0x02730010),
            ("IDR3", 0x1404),
            ("IDR5", 0x74),
            ("AIDR", 1),
            // read 0x0, then written 0x8, then 0xd: the last access wins
            ("CR0", 0xd),
            ("CR0ACK", 0xd),
            ("STRTAB_BASE", 0x40000000450d7000),
            ("STRTAB_BASE_CFG", 0x10210),
            ("EVENTQ_PROD", 5),
        ],
    );
    assert!(p.notes.iter().any(|n| n.contains("1 other lines skipped")), "{:?}", p.notes);
}

#[test]
fn trace_without_prefix_and_simpletrace() {
    let t = "smmuv3_read_mmio addr: 0x0 val:0xd44101a size: 0x4(0)\n\
             smmuv3_read_mmio 1.234 pid=77 addr=0x4 val=0x2730010 size=0x4 r=0x0\n";
    let p = parse(t, &ParseOptions::default()).unwrap();
    expect_exact(&p, &[("IDR0", 0x0d44101a), ("IDR1", 0x02730010)]);
}

#[test]
fn page0_alias_of_the_queue_pointers() {
    // QEMU answers EVENTQ_PROD/CONS at Page 0 0xa8/0xac too: a Page-0-only dump still gives them.
    let t = "00000000  1a 10 44 0d 10 00 73 02  00 00 00 00 04 14 00 00  |..D...s.........|\n\
             00000010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n\
             *\n\
             000000a0  0f 00 e0 7b 00 00 00 40  05 00 00 00 05 00 00 00  |...{...@........|\n\
             000000b0\n";
    let p = parse(t, &ParseOptions::default()).unwrap();
    assert_eq!(p.registers.get("EVENTQ_PROD"), Some(5));
    assert_eq!(p.registers.get("EVENTQ_CONS"), Some(5));
    assert!(p.notes.iter().any(|n| n.contains("Page 0 alias")), "{:?}", p.notes);
    assert!(!p.notes.iter().any(|n| n.contains("no register")), "{:?}", p.notes);
    // With Page 1 present and equal (the full-frame dump), nothing is flagged.
    let q = run("hexdump-C.txt");
    assert!(!q.notes.iter().any(|n| n.contains("no register") || n.contains("alias")), "{:?}", q.notes);
}
