//! Bad input: clear errors with line and column (1-based, counted in characters), conflicts
//! naming both lines, unknown names, empty input.

use smmu_core::parse::{parse, parse_bytes, ParseError, ParseOptions};

fn e(text: &str) -> ParseError {
    match parse(text, &ParseOptions::default()) {
        Ok(p) => panic!("expected an error for {text:?}, got {:?} {:?}", p.format, p.registers),
        Err(e) => e,
    }
}

fn at(err: &ParseError, line: usize, column: usize) {
    assert_eq!((err.line, err.column), (line, column), "{err}");
}

#[test]
fn conflict_names_both_lines() {
    let t = "# dump\nIDR0 = 0x2\nIDR1 = 0x0\n\nCR0 = 0x1\n\nSMMU_IDR0 = 0x1\n";
    let err = e(t);
    at(&err, 7, 13);
    assert_eq!(err.message, "IDR0 = 0x00000001 conflicts with line 2: IDR0 = 0x00000002");
    assert_eq!(err.to_string(), "line 7, column 13: IDR0 = 0x00000001 conflicts with line 2: IDR0 = 0x00000002");
}

#[test]
fn same_value_twice_is_fine() {
    let p = parse("IDR0 = 0x0d44101a\nsmmu_idr0: 0D44101A\n", &ParseOptions::default()).unwrap();
    assert_eq!(p.registers.get("IDR0"), Some(0x0d44101a));
}

#[test]
fn conflicting_halves_and_whole() {
    let err = e("STRTAB_BASE = 0x40000000450d7000\nSTRTAB_BASE_HI = 0x0\n");
    at(&err, 2, 18);
    assert!(
        err.message.contains("STRTAB_BASE_HI = 0x00000000 conflicts with line 1: STRTAB_BASE = 0x40000000450d7000"),
        "{err}"
    );
}

#[test]
fn conflict_in_address_lines_and_devmem() {
    let err = e("0x09050000: 0x0d44101a\n0x09050004: 0x02730010\n0x09050000: 0x0d44101b\n");
    at(&err, 3, 13);
    assert!(err.message.contains("line 1"), "{err}");
    assert!(err.message.contains("IDR0 = 0x0d44101b"), "{err}");
    let err = e("/ # devmem 0x09050000\n0x0D44101A\n/ # devmem 0x09050000\n0x0D44101B\n");
    at(&err, 4, 1);
    assert!(err.message.contains("conflicts with line 2"), "{err}");
}

#[test]
fn unknown_register_names_the_name_and_column() {
    let err = e("IDR0 = 0x1\n  FOO_BAR = 0x1\n");
    at(&err, 2, 3);
    assert!(err.message.contains("unknown register \"FOO_BAR\""), "{err}");
    // Non-ASCII names are unknown, and columns count characters.
    let err = e("IDR0 = 0x1\nÉTAT = 0x1\n");
    at(&err, 2, 1);
    let err = e("IDR0 = 0x1\nIDR1 = 0xzz\n");
    at(&err, 2, 8);
    let err = e("ÉÉ IDR0 = 0x1\n");
    at(&err, 1, 1);
}

#[test]
fn bad_values() {
    // `IDR0 = 74` is now read as decimal (issue 14); a leading zero is still ambiguous.
    let err = e("IDR0 = 0074\n");
    at(&err, 1, 8);
    assert!(err.message.contains("0x prefix"), "{err}");
    let err = e("IDR0 = 0x1ffffffffffffffff\n");
    assert!(err.message.contains("64 bits"), "{err}");
    let err = e("IDR0 = 0x100000000\n");
    at(&err, 1, 8);
    assert!(err.message.contains("32-bit register IDR0"), "{err}");
    let err = e("IDR0 = 0x1 0x2\n");
    at(&err, 1, 12);
    let err = e("IDR0 =\n");
    assert_eq!(err.line, 1);
    assert!(err.message.contains("expected a value"), "{err}");
    let err = e("IDR0_HI = 0x1\n");
    assert!(err.message.contains("32-bit register"), "{err}");
}

#[test]
fn empty_and_no_registers() {
    let err = e("");
    at(&err, 1, 1);
    assert!(err.message.contains("empty input"), "{err}");
    let err = e("   \n\n# only a comment\n");
    assert!(err.message.contains("no register values"), "{err}");
    let err = e("[    1.466233] arm-smmu-v3 9050000.smmuv3: oas 44-bit (features 0x01008305)\n");
    assert!(err.message.contains("no register values"), "{err}");
    let err = parse_bytes(b"", &ParseOptions::default()).unwrap_err();
    assert!(err.message.contains("empty"), "{err}");
    // Bytes only at offsets without a register.
    let err = e("0x0058: 0x00000001\n");
    assert!(err.message.contains("no SMMU register"), "{err}");
}

#[test]
fn noise_is_skipped_in_line_formats() {
    let t = "root@host:~# cat regs\n[   12.300000] some kernel line\nIDR0 = 0x0d44101a\n";
    let p = parse(t, &ParseOptions::default()).unwrap();
    assert_eq!(p.registers.get("IDR0"), Some(0x0d44101a));
    assert!(p.notes.iter().any(|n| n.contains("1 shell prompt")), "{:?}", p.notes);
    assert!(p.notes.iter().any(|n| n.contains("1 kernel log")), "{:?}", p.notes);
}

#[test]
fn strict_dumps_reject_junk_lines() {
    let t = "00000000  1a 10 44 0d 10 00 73 02  00 00 00 00 04 14 00 00  |..D...s.........|\n\
             [   12.3] noise\n";
    let err = e(t);
    at(&err, 2, 1);
    assert!(err.message.contains("hexdump -C"), "{err}");
    let t = "00000000  1a 10 44 0d 10 00 73 02  00 00 00 00 04 14 0 00  |..D...s.........|\n";
    let err = e(t);
    at(&err, 1, 54);
    let t = "000000 0d44101a 02730010\n000004 0d44101b\n";
    let err = e(t);
    assert_eq!(err.line, 2);
    assert!(err.message.contains("backwards"), "{err}");
    let t = "000000 0d44101a 02730010 00000000 00001404\n000010 00000000 0000074 00000000 00000001\n";
    let err = e(t);
    at(&err, 2, 17);
    assert!(err.message.contains("8-digit"), "{err}");
}

#[test]
fn address_outside_the_frame() {
    let err = parse("0x09050000: 0x0d44101a\n0x09090000: 0x1\n", &ParseOptions::default()).unwrap_err();
    at(&err, 2, 13);
    assert!(err.message.contains("outside the SMMU register frame"), "{err}");
    let err = parse("0x09040000: 0x0d44101a\n", &ParseOptions { base: Some(0x0905_0000) }).unwrap_err();
    assert!(err.message.contains("outside"), "{err}");
    let err = e("smmuv3_read_mmio addr: 0x30000 val:0x1 size: 0x4(0)\n");
    assert!(err.message.contains("outside"), "{err}");
}

#[test]
fn json_errors_have_positions() {
    let err = e("{\n  \"IDR0\": \"0x1\",\n  \"IDR1\" \"0x2\"\n}\n");
    assert_eq!(err.line, 3);
    assert!(err.message.contains("invalid JSON"), "{err}");
    let err = e("{\n  \"IDR0\": \"0x1\",\n  \"NOPE\": \"0x2\"\n}\n");
    at(&err, 3, 3);
    assert!(err.message.contains("NOPE"), "{err}");
    let err = e("{\"IDR0\": [1]}");
    assert!(err.message.contains("an array"), "{err}");
    let err = e("{\"IDR0\": -1}");
    assert!(err.message.contains("non-negative"), "{err}");
    let err = e("{\"idr\": [1,2,3,4,5,6,7]}");
    assert!(err.message.contains("6"), "{err}");
    let err = e("{\"IDR0\": \"0x1\", \"SMMU_IDR0\": \"0x2\"}");
    assert!(err.message.contains("conflicts with line 1"), "{err}");
    // A snapshot from a newer writer may name registers this build does not know: they are
    // kept out of the decode and reported with their position, not silently dropped.
    let p = parse(
        "{\"smmu_explorer_snapshot\": 1, \"registers\": {\"IDR0\": \"0x1\", \"BOGUS\": \"0x2\"}}",
        &ParseOptions::default(),
    )
    .unwrap();
    assert_eq!(p.registers.get("IDR0"), Some(1));
    assert!(p.notes.iter().any(|n| n.contains("BOGUS") && n.contains("column 60")), "{:?}", p.notes);
}

#[test]
fn hw_info_errors() {
    let err = e("struct iommu_hw_info_arm_smmuv3 i = {\n  .idr = { 1, 2, 3, 4, 5, 6, 7 },\n};\n");
    at(&err, 2, 30);
    let err = e("x = {\n  .idr = { 1, 2 },\n  .bogus = 3,\n};\n");
    at(&err, 3, 4);
    assert!(err.message.contains("no member \"bogus\""), "{err}");
    let err = e("x = { .idr = { 1, 2 ");
    assert!(err.message.contains("ends early"), "{err}");
    let err = e("idr[6] = 0x1\n");
    assert!(err.message.contains("idr[0] to idr[5]"), "{err}");
    let err = e("x = { .idr = { 0x100000000 } };");
    assert!(err.message.contains("u32"), "{err}");
}

#[test]
fn binary_that_is_not_the_struct() {
    let err = parse_bytes(&[0xff, 0xfe, 0x00, 0x41], &ParseOptions::default()).unwrap_err();
    assert!(err.message.contains("40-byte"), "{err}");
    let mut b = b"IDR0 = 0x1\n".to_vec();
    b.extend([0xc3, 0x28]);
    let err = parse_bytes(&b, &ParseOptions::default()).unwrap_err();
    at(&err, 2, 1);
}

#[test]
fn devmem_value_too_wide() {
    let err = e("# devmem 0x09050000 16\n0x0D44101A\n");
    at(&err, 2, 1);
    assert!(err.message.contains("16-bit"), "{err}");
    let err = e("# devmem 0x09050000 7\n0x0D44101A\n");
    at(&err, 1, 21);
}

#[test]
fn tool_names_in_comments_do_not_change_the_format() {
    let t = "# read with devmem 0x09050000 32 and traced with smmuv3_read_mmio\nIDR0 = 0x0d44101a\n";
    let p = parse(t, &ParseOptions::default()).unwrap();
    assert_eq!(p.format, smmu_core::parse::Format::NameValue);
    assert_eq!(p.registers.get("IDR0"), Some(0x0d44101a));
}

#[test]
fn duplicate_json_keys_conflict() {
    let err = e("{\n  \"IDR0\": \"0x1\",\n  \"IDR0\": \"0x2\"\n}\n");
    at(&err, 3, 3);
    assert!(err.message.contains("conflicts with line 2"), "{err}");
    let p = parse("{\"IDR0\": \"0x1\", \"IDR0\": 1}", &ParseOptions::default()).unwrap();
    assert_eq!(p.registers.get("IDR0"), Some(1));
}
