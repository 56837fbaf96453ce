//! `smmu decode` end to end: the QEMU captures' ID registers pasted in every format a user
//! would paste, checked against the values QEMU's monitor and the guest's devmem read
//! (tests/data/*/capture.json), field positions from IHI 0070 6.3 (also Linux
//! arm-smmu-v3.h IDR0_*/IDR1_*/IDR5_* masks), and what the Linux guest printed at probe.
mod common;
use common::*;

/// The ID registers of a capture: (name, offset, value) as QEMU's monitor read them.
fn id_regs(fx: &str) -> Vec<(&'static str, u64, u64)> {
    let cap = capture(fx);
    let names = [
        ("IDR0", 0x0),
        ("IDR1", 0x4),
        ("IDR2", 0x8),
        ("IDR3", 0xc),
        ("IDR4", 0x10),
        ("IDR5", 0x14),
        ("IIDR", 0x18),
        ("AIDR", 0x1c),
    ];
    names
        .iter()
        .map(|(n, o)| {
            let r = &cap["registers"][*n];
            // QEMU's monitor and the guest's devmem agree (the capture says so; check it).
            assert_eq!(r["qemu_monitor_at_snapshot"], r["guest_devmem_after_boot"]);
            assert_eq!(hex(&r["offset"]), *o, "{n} offset in the capture");
            (*n, *o, hex(&r["qemu_monitor_at_snapshot"]))
        })
        .collect()
}

fn decoded_values(run: &Run) -> Vec<(String, u64)> {
    let v = run.json();
    v["registers"]
        .as_array()
        .expect("registers")
        .iter()
        .map(|r| (r["name"].as_str().unwrap_or("").to_string(), hex(&r["value"])))
        .collect()
}

fn assert_has(got: &[(String, u64)], want: &[(&str, u64, u64)], what: &str) {
    for (n, _, v) in want {
        let g = got.iter().find(|(gn, _)| gn == n);
        assert_eq!(g.map(|x| x.1), Some(*v), "{what}: {n}");
    }
}

fn formats(regs: &[(&str, u64, u64)]) -> Vec<(&'static str, Vec<u8>)> {
    let base = 0x0905_0000u64; // QEMU virt's SMMU base (capture smmu_base)
    let mut out = Vec::new();
    let name_value: String = regs.iter().map(|(n, _, v)| format!("{n} = 0x{v:08x}\n")).collect();
    out.push(("name = value", name_value.into_bytes()));
    let colon: String = regs.iter().map(|(n, _, v)| format!("SMMU_{}: 0x{v:08X}\n", n.to_lowercase())).collect();
    out.push(("smmu_name: VALUE", colon.into_bytes()));
    let addr: String = regs.iter().map(|(_, o, v)| format!("0x{:08x}: 0x{v:08x}\n", base + o)).collect();
    out.push(("address: value", addr.into_bytes()));
    let bare: String = regs.iter().map(|(_, o, v)| format!("{:08x} {v:08x}\n", base + o)).collect();
    out.push(("bare address value", bare.into_bytes()));
    let devmem: String =
        regs.iter().map(|(_, o, v)| format!("/ # devmem 0x{:08x} 32\n0x{v:08X}\n", base + o)).collect();
    out.push(("busybox devmem", devmem.into_bytes()));
    // The page bytes, little endian, as hexdump -C / xxd / od -A x -t x4 print them.
    let mut page = [0u8; 0x20];
    for (_, o, v) in regs {
        page[*o as usize..*o as usize + 4].copy_from_slice(&(*v as u32).to_le_bytes());
    }
    let mut hd = String::new();
    let mut xxd = String::new();
    let mut od = String::new();
    for (i, chunk) in page.chunks(16).enumerate() {
        let off = i * 16;
        let bytes: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        let ascii: String = chunk.iter().map(|&b| if (0x20..0x7f).contains(&b) { b as char } else { '.' }).collect();
        hd.push_str(&format!("{off:08x}  {}  {}  |{ascii}|\n", bytes[..8].join(" "), bytes[8..].join(" ")));
        let pairs: Vec<String> = chunk.chunks(2).map(|p| format!("{:02x}{:02x}", p[0], p[1])).collect();
        xxd.push_str(&format!("{off:08x}: {}  {ascii}\n", pairs.join(" ")));
        let words: Vec<String> =
            chunk.chunks(4).map(|w| format!("{:08x}", u32::from_le_bytes([w[0], w[1], w[2], w[3]]))).collect();
        od.push_str(&format!("{off:06x} {}\n", words.join(" ")));
    }
    hd.push_str(&format!("{:08x}\n", page.len()));
    od.push_str(&format!("{:06x}\n", page.len()));
    out.push(("hexdump -C", hd.into_bytes()));
    out.push(("xxd", xxd.into_bytes()));
    out.push(("od -A x -t x4", od.into_bytes()));
    let idr: Vec<String> = regs[..6].iter().map(|(_, _, v)| format!("0x{v:08x}")).collect();
    let hw_text: String = regs[..6]
        .iter()
        .enumerate()
        .map(|(i, (_, _, v))| format!("idr[{i}] = 0x{v:08x}\n"))
        .chain([format!("iidr = 0x{:08x}\n", regs[6].2), format!("aidr = 0x{:08x}\n", regs[7].2)])
        .collect();
    out.push(("iommu_hw_info idr[N] =", hw_text.into_bytes()));
    let c_init = format!(
        "struct iommu_hw_info_arm_smmuv3 info = {{\n\t.flags = 0,\n\t.__reserved = 0,\n\t.idr = {{ {} }},\n\t.iidr = 0x{:x},\n\t.aidr = 0x{:x},\n}};\n",
        idr.join(", "),
        regs[6].2,
        regs[7].2
    );
    out.push(("C initializer", c_init.into_bytes()));
    // struct iommu_hw_info_arm_smmuv3 { __u32 flags; __u32 __reserved; __u32 idr[6]; __u32 iidr; __u32 aidr; }
    let mut bin = Vec::new();
    bin.extend_from_slice(&0u32.to_le_bytes());
    bin.extend_from_slice(&0u32.to_le_bytes());
    for (_, _, v) in regs {
        bin.extend_from_slice(&(*v as u32).to_le_bytes());
    }
    assert_eq!(bin.len(), 40);
    out.push(("40-byte iommu_hw_info_arm_smmuv3", bin));
    let j1: Vec<String> = regs.iter().map(|(n, _, v)| format!("\"{n}\": \"0x{v:08x}\"")).collect();
    out.push(("JSON by name", format!("{{{}}}", j1.join(", ")).into_bytes()));
    let j2 = format!(
        "{{\"idr\": [{}], \"iidr\": {}, \"aidr\": {}}}",
        regs[..6].iter().map(|(_, _, v)| v.to_string()).collect::<Vec<_>>().join(", "),
        regs[6].2,
        regs[7].2
    );
    out.push(("JSON idr array", j2.into_bytes()));
    let trace: String =
        regs.iter().map(|(_, o, v)| format!("smmuv3_read_mmio addr: 0x{o:x} val:0x{v:x} size: 0x4\n")).collect();
    out.push(("QEMU trace", trace.into_bytes()));
    out
}

#[test]
fn every_format_gives_the_captured_id_registers() {
    for fx in ["qemu-s1-4k", "qemu-s2-4k"] {
        let regs = id_regs(fx);
        for (what, bytes) in formats(&regs) {
            let f = scratch(&format!("{fx}-{}.txt", what.replace([' ', '/', '[', ']', '='], "_")), &bytes);
            let run = smmu(["decode".as_ref(), "--json".as_ref(), f.as_os_str()]);
            assert_has(&decoded_values(&run), &regs, &format!("{fx} {what}"));
            // The same input on standard input.
            let run = smmu_stdin(["decode", "--json", "-"], &bytes);
            assert_has(&decoded_values(&run), &regs, &format!("{fx} {what} (stdin)"));
        }
    }
}

/// Field positions and values from IHI 0070 6.3.1/6.3.2/6.3.4/6.3.6/6.3.8, computed by hand
/// from the capture's raw IDR values.
#[test]
fn id_register_fields_match_the_spec() {
    let s1 = smmu(["decode".as_ref(), "--json".as_ref(), asset("samples/qemu-10.0-s1.txt").as_os_str()]).json();
    let idr0 = register(&s1, "IDR0");
    assert_eq!(idr0["value"], "0x0d44101a");
    assert_eq!(idr0["offset"], "0x0000");
    // (field, lsb, width, value for 0x0d44101a)
    let want0 = [
        ("S2P", 0, 1, 0),
        ("S1P", 1, 1, 1),
        ("TTF", 2, 2, 2),
        ("COHACC", 4, 1, 1),
        ("BTM", 5, 1, 0),
        ("HTTU", 6, 2, 0),
        ("Hyp", 9, 1, 0),
        ("ATS", 10, 1, 0),
        ("ASID16", 12, 1, 1),
        ("MSI", 13, 1, 0),
        ("PRI", 16, 1, 0),
        ("VMID16", 18, 1, 1),
        ("CD2L", 19, 1, 0),
        ("TTENDIAN", 21, 2, 2),
        ("STALL_MODEL", 24, 2, 1),
        ("TERM_MODEL", 26, 1, 1),
        ("ST_LEVEL", 27, 2, 1),
    ];
    for (n, lsb, w, v) in want0 {
        let f = field(idr0, n);
        assert_eq!(
            (f["lsb"].as_u64(), f["width"].as_u64(), f["value"].as_u64()),
            (Some(lsb), Some(w), Some(v)),
            "IDR0.{n}"
        );
        assert!(f["meaning"].as_str().is_some_and(|m| !m.is_empty()), "IDR0.{n} has a meaning");
        assert_eq!(f["section"], "6.3.1", "IDR0.{n} section");
    }
    let idr1 = register(&s1, "IDR1");
    for (n, lsb, w, v) in [
        ("SIDSIZE", 0, 6, 16),
        ("SSIDSIZE", 6, 5, 0),
        ("PRIQS", 11, 5, 0),
        ("EVENTQS", 16, 5, 19),
        ("CMDQS", 21, 5, 19),
    ] {
        let f = field(idr1, n);
        assert_eq!(
            (f["lsb"].as_u64(), f["width"].as_u64(), f["value"].as_u64()),
            (Some(lsb), Some(w), Some(v)),
            "IDR1.{n}"
        );
    }
    let idr3 = register(&s1, "IDR3");
    for (n, lsb, w, v) in [("HAD", 2, 1, 1), ("XNX", 4, 1, 0), ("FWB", 8, 1, 0), ("RIL", 10, 1, 1), ("BBML", 11, 2, 2)]
    {
        let f = field(idr3, n);
        assert_eq!(
            (f["lsb"].as_u64(), f["width"].as_u64(), f["value"].as_u64()),
            (Some(lsb), Some(w), Some(v)),
            "IDR3.{n}"
        );
    }
    let idr5 = register(&s1, "IDR5");
    for (n, lsb, w, v) in
        [("OAS", 0, 3, 4), ("GRAN4K", 4, 1, 1), ("GRAN16K", 5, 1, 1), ("GRAN64K", 6, 1, 1), ("VAX", 10, 2, 0)]
    {
        let f = field(idr5, n);
        assert_eq!(
            (f["lsb"].as_u64(), f["width"].as_u64(), f["value"].as_u64()),
            (Some(lsb), Some(w), Some(v)),
            "IDR5.{n}"
        );
    }
    assert!(field(idr5, "OAS")["meaning"].as_str().unwrap_or("").contains("44"), "OAS 0b100 = 44 bits");
    let aidr = register(&s1, "AIDR");
    assert_eq!(field(aidr, "ArchMinorRev")["value"], 1);
    assert_eq!(field(aidr, "ArchMajorRev")["value"], 0);

    // Stage 2 capture: IDR0 = 0x0d441019 (S2P, no S1P), IDR3 = 0x1414 (XNX set).
    let s2 = smmu(["decode".as_ref(), "--json".as_ref(), asset("samples/qemu-10.0-s2.txt").as_os_str()]).json();
    let idr0 = register(&s2, "IDR0");
    assert_eq!(idr0["value"], "0x0d441019");
    assert_eq!(field(idr0, "S2P")["value"], 1);
    assert_eq!(field(idr0, "S1P")["value"], 0);
    assert_eq!(field(register(&s2, "IDR3"), "XNX")["value"], 1);
}

/// What the Linux 7.3 guest printed at probe for these SMMUs: "oas 44-bit", "allocated 65536
/// entries for cmdq", "allocated 32768 entries for evtq" (the queue sizes it programmed in
/// CMDQ_BASE/EVENTQ_BASE.LOG2SIZE), and SMMUv3.1 from AIDR.
#[test]
fn summary_agrees_with_what_linux_printed() {
    for (fx, sample, stages) in [
        ("qemu-s1-4k", "samples/qemu-10.0-s1.txt", (true, false)),
        ("qemu-s2-4k", "samples/qemu-10.0-s2.txt", (false, true)),
    ] {
        let cap = capture(fx);
        let dmesg: Vec<&str> =
            cap["kernel_dmesg_smmu"].as_array().expect("dmesg").iter().filter_map(|l| l.as_str()).collect();
        let find = |pat: &str| -> u64 {
            let l = dmesg.iter().find(|l| l.contains(pat)).unwrap_or_else(|| panic!("no '{pat}' in dmesg"));
            let before = &l[..l.find(pat).expect("pat")];
            let tok = before.split_whitespace().last().expect("number");
            tok.trim_end_matches("-bit").parse().expect("decimal")
        };
        let kernel_cmdq = find(" entries for cmdq");
        let kernel_evtq = find(" entries for evtq");
        let l = dmesg.iter().find(|l| l.contains("oas ")).expect("probe banner");
        let oas: u64 =
            l.split("oas ").nth(1).and_then(|t| t.split('-').next()).and_then(|t| t.parse().ok()).expect("oas N-bit");

        let v = smmu(["decode".as_ref(), "--json".as_ref(), asset(sample).as_os_str()]).json();
        let s = &v["summary"];
        assert_eq!(s["oas_bits"].as_u64(), Some(oas), "{fx} OAS");
        assert_eq!(s["architecture"], "SMMUv3.1", "{fx} AIDR 0x1");
        assert_eq!(s["streamid_bits"], 16);
        assert_eq!(
            (s["stages"]["stage1"].as_bool(), s["stages"]["stage2"].as_bool()),
            (Some(stages.0), Some(stages.1)),
            "{fx}"
        );
        let q = s["queues"].as_array().expect("queues");
        let entries = |pfx: &str| {
            q.iter().find(|e| e["name"].as_str().is_some_and(|n| n.starts_with(pfx))).map(|e| e["entries"].as_u64())
        };
        assert_eq!(entries("Command"), Some(Some(kernel_cmdq)), "{fx} cmdq entries");
        assert_eq!(entries("Event"), Some(Some(kernel_evtq)), "{fx} evtq entries");
        // 2-level stream table: STRTAB_BASE_CFG = 0x00010210 -> FMT 1, SPLIT 8, LOG2SIZE 16.
        assert_eq!(s["stream_table"]["format"], "2-level");
        assert_eq!(s["stream_table"]["split"], 8);
        assert_eq!(s["stream_table"]["log2size"], 16);
        assert_eq!(s["stream_table"]["base"], "0x450d7000");
    }
}

fn assert_input_error(input: &[u8], what: &str) {
    let f = scratch(&format!("bad-{}.txt", what.replace(' ', "_")), input);
    let r = smmu(["decode".as_ref(), f.as_os_str()]);
    assert_eq!(r.code, 1, "{what}: exit 1 for bad input; stderr {}", r.stderr);
    assert!(r.stderr.contains("line "), "{what}: error names the line: {}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{what}: panic: {}", r.stderr);
}

#[test]
fn bad_inputs_exit_1_with_position_and_never_panic() {
    assert_input_error(b"IDR0 = 0x0d44101a\nIDR0 = 0x0d44101b\n", "conflicting values");
    assert_input_error(b"IDR0 = 0x1ffffffff\n", "value too wide");
    assert_input_error(b"IDR0 = 0xffffffffffffffffffffffffffff\n", "huge number");
    assert_input_error(b"IDR0 = zz\n", "not a number");
    // Decimal is accepted now (issue 14), but a leading zero with a decimal reading is ambiguous.
    assert_input_error(b"IDR0 = 012345\n", "ambiguous leading zero");
    assert_input_error(b"NOT_A_REGISTER = 0x1\n", "unknown register");
    assert_input_error(b"", "empty");
    assert_input_error(b"/ # devmem 0x09050000 32\n", "devmem without its value");
    // Binary garbage of assorted sizes.
    let mut x: u32 = 0x1234_5678;
    for len in [1usize, 3, 39, 41, 64, 4096] {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x >> 24) as u8 | 0x80
            })
            .collect();
        assert_input_error(&bytes, &format!("binary garbage {len}"));
    }
    // Conflict between two formats naming the same register: both lines are named.
    let f = scratch("conflict2.txt", b"IDR0 = 0x0d44101a\n0x09050000: 0x0d44101b\n");
    let r = smmu(["decode".as_ref(), "--base".as_ref(), "0x09050000".as_ref(), f.as_os_str()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("line 2") && r.stderr.contains("line 1"), "names both lines: {}", r.stderr);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(smmu(["decode", "--no-such-flag"]).code, 2);
    assert_eq!(smmu(["walk"]).code, 2);
    assert_eq!(smmu(["no-such-subcommand"]).code, 2);
}

/// A 20-byte binary file is neither text nor the 40-byte struct: the error should say so
/// rather than call the bytes an unknown register name.
#[test]
fn truncated_hw_info_binary_says_truncated() {
    let mut bin = Vec::new();
    for v in [0u32, 0, 0x0d44101a, 0x02730010, 0] {
        bin.extend_from_slice(&v.to_le_bytes());
    }
    let f = scratch("trunc-hwinfo.bin", &bin);
    let r = smmu(["decode".as_ref(), f.as_os_str()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("40") || r.stderr.to_lowercase().contains("binary"), "{}", r.stderr);
}

fn meaning(text: &str, reg: &str, field_name: &str) -> (String, bool) {
    let v = smmu_stdin(["decode", "--json", "-"], text.as_bytes()).json();
    let f = field(register(&v, reg), field_name).clone();
    let flagged = f.get("flags").and_then(|x| x.as_array()).is_some_and(|a| !a.is_empty());
    (f["meaning"].as_str().unwrap_or("").to_string(), flagged)
}

/// Enumerations from IHI 0070 6.3.1/6.3.6: reserved encodings are flagged, the others named.
#[test]
fn enumerated_values_and_reserved_encodings() {
    // IDR0.TTF [3:2]: 0b00 reserved, 0b01 AArch32 LPAE, 0b10 AArch64, 0b11 both.
    let ttf = |v: u32| meaning(&format!("IDR0 = 0x{:08x}\n", v << 2), "IDR0", "TTF");
    assert!(ttf(0).1, "TTF 0b00 is reserved");
    assert!(ttf(2).0.contains("AArch64") && !ttf(2).1);
    // IDR0.TTENDIAN [22:21]: 0b01 reserved, 0b10 LE, 0b11 BE.
    let te = |v: u32| meaning(&format!("IDR0 = 0x{:08x}\n", (v << 21) | 0x8), "IDR0", "TTENDIAN");
    assert!(te(1).1, "TTENDIAN 0b01 is reserved");
    assert!(te(2).0.to_lowercase().contains("little"));
    assert!(te(3).0.to_lowercase().contains("big"));
    // IDR0.STALL_MODEL [25:24]: 0b11 reserved; IDR0.ST_LEVEL [28:27]: 0b10, 0b11 reserved.
    assert!(meaning("IDR0 = 0x03000008\n", "IDR0", "STALL_MODEL").1);
    assert!(meaning("IDR0 = 0x10000008\n", "IDR0", "ST_LEVEL").1);
    // IDR0.HTTU [7:6]: 0b01 Access flag, 0b10 Access flag and dirty state.
    assert!(meaning("IDR0 = 0x00000048\n", "IDR0", "HTTU").0.contains("Access"));
    assert!(meaning("IDR0 = 0x00000088\n", "IDR0", "HTTU").0.to_lowercase().contains("dirty"));
    // IDR5.OAS [2:0]: 32, 36, 40, 42, 44, 48, 52, 56 bits.
    for (enc, bits) in [(0u32, 32), (1, 36), (2, 40), (3, 42), (4, 44), (5, 48), (6, 52), (7, 56)] {
        let (m, _) = meaning(&format!("IDR5 = 0x{:08x}\n", enc | 0x10), "IDR5", "OAS");
        assert!(m.starts_with(&format!("{bits} bits")), "OAS {enc}: {m}");
    }
    // IDR5.VAX [11:10]: 0b00 48-bit, 0b01 52-bit, 0b11 reserved.
    assert!(meaning("IDR5 = 0x00000010\n", "IDR5", "VAX").0.contains("48"));
    assert!(meaning("IDR5 = 0x00000410\n", "IDR5", "VAX").0.contains("52"));
    assert!(meaning("IDR5 = 0x00000c10\n", "IDR5", "VAX").1);
    // AIDR: ArchMinorRev 0..4 = SMMUv3.0..3.4.
    for minor in 0..=4u32 {
        let v = smmu_stdin(["decode", "--json", "-"], format!("AIDR = 0x{minor:08x}\n").as_bytes()).json();
        assert_eq!(v["summary"]["architecture"], format!("SMMUv3.{minor}"));
    }
}

/// IHI 0070 6.3.2: "When SMMU_IDR1.SIDSIZE >= 7, SMMU_IDR0.ST_LEVEL != 0b00"; 6.3.4: HAD is
/// mandatory from SMMUv3.1 when stage 1 is supported. decode warns on both.
#[test]
fn spec_consistency_warnings() {
    let v = smmu_stdin(
        ["decode", "--json", "-"],
        b"IDR0 = 0x0540101a\nIDR1 = 0x01080010\nIDR3 = 0x0\nIDR5 = 0x14\nAIDR = 0x1\n",
    )
    .json();
    let w: Vec<String> = v["summary"]["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|x| x.as_str().unwrap_or("").to_string())
        .collect();
    assert!(w.iter().any(|x| x.contains("ST_LEVEL")), "{w:?}");
    assert!(w.iter().any(|x| x.contains("HAD")), "{w:?}");
    // QEMU's stage-1 capture is consistent except CR2.PTM set with BTM == 0 (6.3.12: RES0).
    let v = smmu(["decode".as_ref(), "--json".as_ref(), asset("samples/qemu-10.0-s1.txt").as_os_str()]).json();
    let w = v["summary"]["warnings"].as_array().expect("warnings");
    assert!(w.iter().all(|x| x.as_str().unwrap_or("").contains("PTM")), "{w:?}");
}

/// Register offsets (IHI 0070 6.2; Linux arm-smmu-v3.h ARM_SMMU_* and QEMU smmuv3-internal.h
/// REG32/REG64 use the same), widths, and the issue 2 JSON keys for every register: random
/// values decode into fields that rebuild the value exactly, and any bit outside the fields
/// (RES0) is flagged.
#[test]
fn every_register_offset_width_and_res0() {
    let regs: &[(&str, u64, u32)] = &[
        ("IDR0", 0x0, 32),
        ("IDR1", 0x4, 32),
        ("IDR2", 0x8, 32),
        ("IDR3", 0xc, 32),
        ("IDR4", 0x10, 32),
        ("IDR5", 0x14, 32),
        ("IIDR", 0x18, 32),
        ("AIDR", 0x1c, 32),
        ("CR0", 0x20, 32),
        ("CR0ACK", 0x24, 32),
        ("CR1", 0x28, 32),
        ("CR2", 0x2c, 32),
        ("S2PII", 0x30, 64),
        ("STATUSR", 0x40, 32),
        ("GBPA", 0x44, 32),
        ("AGBPA", 0x48, 32),
        ("IRQ_CTRL", 0x50, 32),
        ("IRQ_CTRLACK", 0x54, 32),
        ("GERROR", 0x60, 32),
        ("GERRORN", 0x64, 32),
        ("GERROR_IRQ_CFG0", 0x68, 64),
        ("GERROR_IRQ_CFG1", 0x70, 32),
        ("GERROR_IRQ_CFG2", 0x74, 32),
        ("STRTAB_BASE", 0x80, 64),
        ("STRTAB_BASE_CFG", 0x88, 32),
        ("CMDQ_BASE", 0x90, 64),
        ("CMDQ_PROD", 0x98, 32),
        ("CMDQ_CONS", 0x9c, 32),
        ("EVENTQ_BASE", 0xa0, 64),
        ("EVENTQ_IRQ_CFG0", 0xb0, 64),
        ("EVENTQ_IRQ_CFG1", 0xb8, 32),
        ("EVENTQ_IRQ_CFG2", 0xbc, 32),
        ("PRIQ_BASE", 0xc0, 64),
        ("PRIQ_IRQ_CFG0", 0xd0, 64),
        ("PRIQ_IRQ_CFG1", 0xd8, 32),
        ("PRIQ_IRQ_CFG2", 0xdc, 32),
        ("EVENTQ_PROD", 0x100a8, 32),
        ("EVENTQ_CONS", 0x100ac, 32),
        ("PRIQ_PROD", 0x100c8, 32),
        ("PRIQ_CONS", 0x100cc, 32),
    ];
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut text = String::new();
    for (n, _, w) in regs {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let v = if *w == 64 { x } else { x & 0xffff_ffff };
        text.push_str(&format!("{n} = 0x{v:0width$x}\n", width = (*w / 4) as usize));
    }
    let v = smmu_stdin(["decode", "--json", "-"], text.as_bytes()).json();
    let warnings = v["summary"]["warnings"].to_string();
    for (n, off, w) in regs {
        let r = register(&v, n);
        assert_eq!(hex(&r["offset"]), *off, "{n} offset");
        assert_eq!(r["width"].as_u64(), Some(*w as u64), "{n} width");
        let val = hex(&r["value"]);
        let (mut mask, mut rebuilt) = (0u64, 0u64);
        let mut flagged =
            r.get("problems").and_then(|p| p.as_array()).is_some_and(|p| !p.is_empty()) || warnings.contains(n);
        for f in r["fields"].as_array().expect("fields") {
            for k in ["name", "lsb", "width", "value", "meaning", "section"] {
                assert!(f.get(k).is_some(), "{n}.{} has {k}", f["name"]);
            }
            let (lsb, fw) = (f["lsb"].as_u64().expect("lsb"), f["width"].as_u64().expect("width"));
            assert!(lsb + fw <= *w as u64, "{n}.{} inside the register", f["name"]);
            let m = if fw == 64 { u64::MAX } else { ((1u64 << fw) - 1) << lsb };
            assert_eq!(mask & m, 0, "{n}.{} overlaps another field", f["name"]);
            mask |= m;
            rebuilt |= f["value"].as_u64().expect("value") << lsb;
            flagged |= f.get("flags").and_then(|x| x.as_array()).is_some_and(|a| !a.is_empty());
        }
        assert_eq!(rebuilt, val & mask, "{n}: fields rebuild the value");
        if val & !mask != 0 {
            assert!(flagged, "{n}: RES0 bits {:#x} set but not flagged", val & !mask);
        }
    }
}

/// IIDR (IHI 0070 6.3.7: Implementer [11:0], Revision [15:12], Variant [19:16], ProductID
/// [31:20]) with Linux's arm-smmu-v3.h IIDR_IMPLEMENTER_ARM = 0x43b, IIDR_PRODUCTID_ARM_MMU_600
/// = 0x483, IIDR_PRODUCTID_ARM_MMU_700 = 0x487 (the values its errata workarounds key on).
#[test]
fn iidr_names_arm_products() {
    for (iidr, product, rev) in
        [(0x4830_043bu32, "MMU-600", "r0p0"), (0x4871_243b, "MMU-700", "r1p2"), (0x4832_043b, "MMU-600", "r2p0")]
    {
        let v = smmu_stdin(["decode", "--json", "-"], format!("IIDR = 0x{iidr:08x}\n").as_bytes()).json();
        let i = &v["summary"]["implementer"];
        assert_eq!(i["implementer_name"], "Arm", "{iidr:#x}");
        assert_eq!(i["product"], product, "{iidr:#x}");
        assert_eq!(i["rev"], rev, "{iidr:#x}");
    }
}
