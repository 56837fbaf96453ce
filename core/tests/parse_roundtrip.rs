//! Every format round-trips: the same register set rendered in each format (the way the
//! tools print it) parses back to that set. Property tests do this for random register
//! subsets and check that parsing never panics.

use proptest::prelude::*;
use smmu_core::parse::{parse, parse_bytes, Format, ParseOptions};
use smmu_core::regs::{self, RegDef};
use smmu_core::regset::{Origin, RegisterSet};
use std::collections::BTreeMap;
use std::fmt::Write;

type Set = BTreeMap<&'static str, u64>;
const BASE: u64 = 0x0905_0000;
const FRAME: usize = 0x20000;
const HW: [&str; 8] = ["IDR0", "IDR1", "IDR2", "IDR3", "IDR4", "IDR5", "IIDR", "AIDR"];

fn reg(n: &str) -> &'static RegDef {
    regs::by_name(n).unwrap_or_else(|| panic!("{n} not in the register table"))
}

fn image(set: &Set) -> Vec<u8> {
    let mut img = vec![0u8; FRAME];
    for (n, v) in set {
        let r = reg(n);
        let o = r.offset as usize;
        let w = r.width as usize / 8;
        img[o..o + w].copy_from_slice(&v.to_le_bytes()[..w]);
    }
    img
}

/// Every register of the table, with the set's values and 0 elsewhere (what a dump of the
/// whole frame holds).
fn full(set: &Set) -> Set {
    regs::REGISTERS.iter().map(|r| (r.name, set.get(r.name).copied().unwrap_or(0))).collect()
}

/// 32-bit words of the set: (offset, value).
fn words(set: &Set) -> Vec<(u64, u64)> {
    let mut v = Vec::new();
    for (n, val) in set {
        let r = reg(n);
        v.push((r.offset as u64, val & 0xffff_ffff));
        if r.width == 64 {
            v.push((r.offset as u64 + 4, val >> 32));
        }
    }
    v.sort();
    v
}

fn name_value(set: &Set, style: u8) -> String {
    let mut s = String::from("# registers\n");
    for (i, (n, v)) in set.iter().enumerate() {
        let r = reg(n);
        let sep = [" = ", ": ", " ", "="][(style as usize + i) % 4];
        let name = match (style as usize + i) % 3 {
            0 => format!("SMMU_{n}"),
            1 => n.to_lowercase(),
            _ => n.to_string(),
        };
        if r.width == 64 && style % 2 == 1 {
            writeln!(s, "{name}_lo{sep}0x{:08x}", v & 0xffff_ffff).unwrap();
            writeln!(s, "{name}_hi{sep}0x{:08x}", v >> 32).unwrap();
        } else if r.width == 64 {
            writeln!(s, "{name}{sep}{:016x}  // 64-bit", v).unwrap();
        } else {
            writeln!(s, "{name}{sep}0x{v:08x}").unwrap();
        }
    }
    s
}

fn address_value(set: &Set, absolute: bool) -> String {
    let mut s = String::new();
    for (o, v) in words(set) {
        if absolute {
            writeln!(s, "{:08x} {v:08x}", BASE + o).unwrap();
        } else {
            writeln!(s, "0x{o:04x} = 0x{v:x}").unwrap();
        }
    }
    s
}

fn devmem(set: &Set) -> String {
    let mut s = String::from("[    0.000000] Booting Linux on physical CPU 0x0000000000\n");
    for (n, v) in set {
        let r = reg(n);
        if r.width == 64 {
            writeln!(s, "/ # devmem 0x{:08x} 64\n0x{v:016X}", BASE + r.offset as u64).unwrap();
        } else {
            writeln!(s, "/ # devmem 0x{:x}\n0x{v:08X}", BASE + r.offset as u64).unwrap();
        }
    }
    s.push_str("/ # \n");
    s
}

/// Squeezes identical consecutive lines into `*` as hexdump and od do; `end` prints the
/// final offset line.
fn squeeze(img: &[u8], per: usize, line: impl Fn(usize, &[u8]) -> String, end: Option<String>) -> String {
    let mut s = String::new();
    let mut prev: Option<&[u8]> = None;
    let mut starred = false;
    for (i, ch) in img.chunks(per).enumerate() {
        if prev == Some(ch) {
            if !starred {
                s.push_str("*\n");
                starred = true;
            }
            continue;
        }
        starred = false;
        prev = Some(ch);
        s.push_str(&line(i * per, ch));
        s.push('\n');
    }
    if let Some(e) = end {
        s.push_str(&e);
        s.push('\n');
    }
    s
}

fn ascii(ch: &[u8]) -> String {
    ch.iter().map(|&b| if (0x20..0x7f).contains(&b) { b as char } else { '.' }).collect()
}

fn hexdump_c(set: &Set) -> String {
    let img = image(set);
    squeeze(
        &img,
        16,
        |o, ch| {
            let mut l = format!("{o:08x} ");
            for (i, b) in ch.iter().enumerate() {
                if i == 8 {
                    l.push(' ');
                }
                write!(l, " {b:02x}").unwrap();
            }
            format!("{l}  |{}|", ascii(ch))
        },
        Some(format!("{FRAME:08x}")),
    )
}

fn od_x4(set: &Set) -> String {
    let img = image(set);
    squeeze(
        &img,
        16,
        |o, ch| {
            let mut l = format!("{o:06x}");
            for w in ch.chunks(4) {
                write!(l, " {:08x}", u32::from_le_bytes([w[0], w[1], w[2], w[3]])).unwrap();
            }
            l
        },
        Some(format!("{FRAME:06x}")),
    )
}

/// `xxd -a`: runs of all-zero lines become `*` followed by the run's last line.
fn xxd(set: &Set, little: bool) -> String {
    let img = image(set);
    let line = |o: usize, ch: &[u8]| {
        let mut l = format!("{o:08x}:");
        if little {
            for w in ch.chunks(4) {
                write!(l, " {:08x}", u32::from_le_bytes([w[0], w[1], w[2], w[3]])).unwrap();
            }
        } else {
            for w in ch.chunks(2) {
                write!(l, " {:02x}{:02x}", w[0], w[1]).unwrap();
            }
        }
        format!("{l}  {}", ascii(ch))
    };
    let chunks: Vec<&[u8]> = img.chunks(16).collect();
    let mut s = String::new();
    let mut i = 0;
    while i < chunks.len() {
        let zero = chunks[i].iter().all(|b| *b == 0);
        let mut j = i;
        while zero && j + 1 < chunks.len() && chunks[j + 1].iter().all(|b| *b == 0) {
            j += 1;
        }
        s.push_str(&line(i * 16, chunks[i]));
        s.push('\n');
        if j >= i + 2 {
            s.push_str("*\n");
        }
        if j > i {
            s.push_str(&line(j * 16, chunks[j]));
            s.push('\n');
        }
        i = j + 1;
    }
    s
}

fn json_flat(set: &Set) -> String {
    let mut m = serde_json::Map::new();
    for (i, (n, v)) in set.iter().enumerate() {
        let val = if i % 2 == 0 { serde_json::json!(format!("0x{v:x}")) } else { serde_json::json!(v) };
        m.insert(n.to_string(), val);
    }
    serde_json::to_string_pretty(&serde_json::Value::Object(m)).unwrap()
}

fn qemu_trace(set: &Set) -> String {
    let mut s = String::from("1234@1700000000.000001:smmuv3_cmdq_consume_out prod:0, cons:0\n");
    for (i, (n, v)) in set.iter().enumerate() {
        let r = reg(n);
        let ev = if i % 3 == 2 { "smmuv3_write_mmio" } else { "smmuv3_read_mmio" };
        writeln!(
            s,
            "1234@1700000000.{:06}:{ev} addr: 0x{:x} val:0x{v:x} size: 0x{:x}(0)",
            i + 2,
            r.offset,
            r.width / 8
        )
        .unwrap();
    }
    s
}

fn snapshot(set: &Set) -> String {
    let mut rs = RegisterSet::new();
    for (n, v) in set {
        rs.insert(reg(n), *v, Origin::default());
    }
    smmu_core::snapshot::Snapshot::new(rs, Default::default()).to_json()
}

fn hw_lines(set: &Set) -> String {
    let mut s = String::from("flags = 0x0\n");
    for (i, n) in HW.iter().enumerate() {
        if let Some(v) = set.get(n) {
            let key = if i < 6 { format!("idr[{i}]") } else { n.to_lowercase() };
            writeln!(s, "{key}: 0x{v:08x}").unwrap();
        }
    }
    s
}

fn hw_c(set: &Set) -> String {
    let mut s = String::from("struct iommu_hw_info_arm_smmuv3 info = {\n\t.flags = 0,\n");
    for (i, n) in HW.iter().enumerate() {
        if let Some(v) = set.get(n) {
            if i < 6 {
                writeln!(s, "\t.idr[{i}] = {v:#x},").unwrap();
            } else {
                writeln!(s, "\t.{} = {v}U,", n.to_lowercase()).unwrap();
            }
        }
    }
    s.push_str("};\n");
    s
}

fn hw_binary(set: &Set) -> Vec<u8> {
    let mut b = vec![0u8; 8];
    for n in HW {
        b.extend((set.get(n).copied().unwrap_or(0) as u32).to_le_bytes());
    }
    b
}

fn hw_json(set: &Set) -> String {
    let idr: Vec<String> = HW[..6].iter().map(|n| format!("\"{:#x}\"", set.get(n).copied().unwrap_or(0))).collect();
    format!(
        "{{\"flags\": 0, \"__reserved\": 0, \"idr\": [{}], \"iidr\": {}, \"aidr\": \"{:#x}\"}}",
        idr.join(", "),
        set.get("IIDR").copied().unwrap_or(0),
        set.get("AIDR").copied().unwrap_or(0)
    )
}

fn hw_full(set: &Set) -> Set {
    HW.iter().map(|n| (reg(n).name, set.get(n).copied().unwrap_or(0))).collect()
}

fn got(text: &str) -> (Set, Format) {
    match parse(text, &ParseOptions::default()) {
        Ok(p) => (p.registers.iter().map(|(r, v)| (r.name, v.value)).collect(), p.format),
        Err(e) => panic!("{e}\n--- input ---\n{text}"),
    }
}

/// (format, rendering, expected set) for every format.
fn renderings(set: &Set) -> Vec<(Format, String, Set)> {
    let f = full(set);
    vec![
        (Format::NameValue, name_value(set, 0), set.clone()),
        (Format::NameValue, name_value(set, 1), set.clone()),
        (Format::AddressValue, address_value(set, true), set.clone()),
        (Format::AddressValue, address_value(set, false), set.clone()),
        (Format::Devmem, devmem(set), set.clone()),
        (Format::Hexdump, hexdump_c(set), f.clone()),
        (Format::Od, od_x4(set), f.clone()),
        (Format::Xxd, xxd(set, false), f.clone()),
        (Format::Xxd, xxd(set, true), f),
        (Format::Json, json_flat(set), set.clone()),
        (Format::QemuTrace, qemu_trace(set), set.clone()),
        (Format::Snapshot, snapshot(set), set.clone()),
    ]
}

fn hw_renderings(set: &Set) -> Vec<(Format, String, Set)> {
    let hw: Set = set.iter().filter(|(n, _)| HW.contains(n)).map(|(n, v)| (*n, *v & 0xffff_ffff)).collect();
    let mut v = Vec::new();
    if !hw.is_empty() {
        v.push((Format::HwInfoText, hw_lines(&hw), hw.clone()));
        v.push((Format::HwInfoText, hw_c(&hw), hw.clone()));
    }
    v.push((Format::Json, hw_json(&hw), hw_full(&hw)));
    v
}

/// The QEMU 10.0.2 stage-1 values (tests/data/parse/README.md).
fn qemu_s1() -> Set {
    [
        ("IDR0", 0x0d44101a),
        ("IDR1", 0x02730010),
        ("IDR2", 0),
        ("IDR3", 0x1404),
        ("IDR4", 0),
        ("IDR5", 0x74),
        ("IIDR", 0),
        ("AIDR", 1),
        ("CR0", 0xd),
        ("CR0ACK", 0xd),
        ("CR1", 0xd75),
        ("CR2", 0x6),
        ("GBPA", 0x1000),
        ("IRQ_CTRL", 5),
        ("IRQ_CTRLACK", 5),
        ("STRTAB_BASE", 0x40000000450d7000),
        ("STRTAB_BASE_CFG", 0x10210),
        ("CMDQ_BASE", 0x400000007bd00010),
        ("CMDQ_PROD", 0x198),
        ("CMDQ_CONS", 0x198),
        ("EVENTQ_BASE", 0x400000007be0000f),
        ("EVENTQ_PROD", 5),
        ("EVENTQ_CONS", 5),
    ]
    .into_iter()
    .map(|(n, v)| (reg(n).name, v))
    .collect()
}

#[test]
fn the_same_register_set_in_every_format() {
    let set = qemu_s1();
    let mut formats = Vec::new();
    for (fmt, text, want) in renderings(&set).into_iter().chain(hw_renderings(&set)) {
        let (g, f) = got(&text);
        assert_eq!(f, fmt, "{text}");
        assert_eq!(g, want, "{fmt:?}\n{text}");
        formats.push(fmt);
    }
    let b = hw_binary(&set);
    let p = parse_bytes(&b, &ParseOptions::default()).unwrap();
    assert_eq!(p.format, Format::HwInfoBinary);
    let g: Set = p.registers.iter().map(|(r, v)| (r.name, v.value)).collect();
    assert_eq!(g, hw_full(&set));
    formats.push(p.format);
    formats.dedup();
    assert!(formats.len() >= 11, "{formats:?}");
}

fn subset() -> impl Strategy<Value = Set> {
    prop::collection::btree_map(0..regs::REGISTERS.len(), any::<u64>(), 1..10).prop_map(|m| {
        m.into_iter()
            .map(|(i, v)| {
                let r = &regs::REGISTERS[i];
                (r.name, if r.width == 64 { v } else { v & 0xffff_ffff })
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn random_subsets_round_trip(set in subset()) {
        for (fmt, text, want) in renderings(&set).into_iter().chain(hw_renderings(&set)) {
            let (g, f) = got(&text);
            prop_assert_eq!(f, fmt);
            prop_assert_eq!(g, want, "{:?}\n{}", fmt, text);
        }
        let b = hw_binary(&set);
        let p = parse_bytes(&b, &ParseOptions::default()).unwrap();
        let g: Set = p.registers.iter().map(|(r, v)| (r.name, v.value)).collect();
        let hw: Set = set.iter().filter(|(n, _)| HW.contains(n)).map(|(n, v)| (*n, *v)).collect();
        prop_assert_eq!(g, hw_full(&hw));
    }

    #[test]
    fn given_base_matches_inferred(set in subset()) {
        let text = address_value(&set, true);
        let a = parse(&text, &ParseOptions::default()).unwrap();
        let b = parse(&text, &ParseOptions { base: Some(BASE) }).unwrap();
        prop_assert_eq!(a.registers.iter().map(|(r, v)| (r.name, v.value)).collect::<Vec<_>>(),
                        b.registers.iter().map(|(r, v)| (r.name, v.value)).collect::<Vec<_>>());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_strings(s in any::<String>()) {
        let _ = parse(&s, &ParseOptions::default());
        let _ = parse(&s, &ParseOptions { base: Some(BASE) });
    }

    #[test]
    fn never_panics_on_bytes(b in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = parse_bytes(&b, &ParseOptions::default());
    }

    #[test]
    fn never_panics_on_line_soup(lines in prop::collection::vec(prop::sample::select(vec![
        "IDR0 = 0x0d44101a", "STRTAB_BASE_hi: 0xffffffff", "0x09050000: 0x1", "*", "000000 0d44101a 02730010",
        "00000000  1a 10 44 0d 10 00 73 02  00 00 00 00 04 14 00 00  |..D...s.........|", "00000010: 1a10 440d  ..D.",
        "/ # devmem 0x09050000 64", "0xFFFFFFFFFFFFFFFF", "smmuv3_read_mmio addr: 0x1fffc val:0xffffffff size: 0x8(0)",
        "idr[5] = 0x74", ".idr = { 1, 2,", "}", "{\"IDR0\": ", "[   1.0] x", "ffffffffffffffff ffffffffffffffff",
        "0000000 101a 0d44", "0x0 = 0x0", "ÿ€\u{feff}", "", "# c",
    ]), 0..12), base in prop::option::of(any::<u64>())) {
        let text = lines.join("\n");
        let _ = parse(&text, &ParseOptions { base });
    }
}
