//! Real-world pastes (issue 14): FVP model parameters, register tables, gem5's SMMUv3.py,
//! readbacks with decoded field lines, bare hex. The inputs are in tests/data/pastes/ (see its
//! README for where each comes from). Expected values are read off the text by hand (the
//! decimal FVP values converted by hand, and checked against the hex the same TF-A
//! documentation gives elsewhere), not taken from this parser's output.

use smmu_core::parse::{parse, Format, ParseOptions, Parsed};

fn data(name: &str) -> String {
    let p = format!("{}/../tests/data/pastes/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn run_text(name: &str, text: &str) -> Parsed {
    match parse(text, &ParseOptions::default()) {
        Ok(p) => p,
        Err(e) => panic!("{name}: {e}"),
    }
}

fn run(name: &str) -> Parsed {
    run_text(name, &data(name))
}

/// Exactly these registers, with these values.
fn expect_exact(p: &Parsed, want: &[(&str, u64)]) {
    for (n, v) in want {
        assert_eq!(p.registers.get(n), Some(*v), "{n} in {:?}; notes {:?}", p.format, p.notes);
    }
    let got: Vec<&str> = p.registers.iter().map(|(r, _)| r.name).collect();
    assert_eq!(got.len(), want.len(), "registers {got:?}; notes {:?}", p.notes);
}

fn has_note(p: &Parsed, parts: &[&str]) -> bool {
    p.notes.iter().any(|n| parts.iter().all(|s| n.contains(s)))
}

/// The SMMUv3.2 FVP parameters of TF-A's and Hafnium's test setups (IDR5 0xFFFF0472).
const TFA_FVP: &[(&str, u64)] =
    &[("AIDR", 2), ("IDR0", 0x0046_123B), ("IDR1", 0x0060_0002), ("IDR3", 0x1714), ("IDR5", 0xFFFF_0472)];

#[test]
fn fvp_run_script_with_continuations_and_several_params_per_line() {
    let p = run("fvp-run-script.sh");
    assert_eq!(p.format, Format::FvpParams);
    expect_exact(&p, TFA_FVP);
    // Secure and non-SMMU parameters, and the shell lines, are listed as ignored with a line.
    assert!(has_note(&p, &["line 10 ignored", "SMMU_S_IDR1"]), "{:?}", p.notes);
    assert!(has_note(&p, &["line 6 ignored", "cluster0.NUM_CORES"]), "{:?}", p.notes);
    assert!(has_note(&p, &["line 3 ignored", "not an FVP parameter"]), "{:?}", p.notes);
    assert!(has_note(&p, &["line 5 ignored"]), "{:?}", p.notes);
}

#[test]
fn fvp_decimal_values_are_decimal_and_noted_as_ambiguous() {
    let p = run("fvp-decimal.sh");
    assert_eq!(p.format, Format::FvpParams);
    // 4592187 = 0x46123B, 6291458 = 0x600002, 5908 = 0x1714, 4294902901 = 0xFFFF0475.
    expect_exact(
        &p,
        &[("AIDR", 2), ("IDR0", 0x0046_123B), ("IDR1", 0x0060_0002), ("IDR3", 0x1714), ("IDR5", 0xFFFF_0475)],
    );
    assert!(has_note(&p, &["line 5", "4592187", "decimal"]), "{:?}", p.notes);
    assert!(has_note(&p, &["line 9 ignored", "SMMU_ROOT_IDR0"]), "{:?}", p.notes);
    assert!(has_note(&p, &["line 14 ignored", "root_register_page_offset"]), "{:?}", p.notes);
    // A single digit reads the same in any base: no ambiguity note for AIDR=2.
    assert!(!has_note(&p, &["line 4,"]), "{:?}", p.notes);
}

#[test]
fn fvp_params_in_quoted_shell_assignments() {
    let p = run("fvp-quoted.sh");
    assert_eq!(p.format, Format::FvpParams);
    expect_exact(&p, TFA_FVP);
    assert!(has_note(&p, &["line 1 ignored"]), "{:?}", p.notes);
    assert!(has_note(&p, &["line 9 ignored", "SMMU_S_IDR2"]), "{:?}", p.notes);
}

#[test]
fn rst_grid_table_of_fvp_options() {
    let p = run("rst-grid-tfa.rst");
    assert_eq!(p.format, Format::Table);
    expect_exact(&p, TFA_FVP);
    assert!(has_note(&p, &["line 3 ignored", "border"]), "{:?}", p.notes);
    assert!(has_note(&p, &["line 4 ignored", "cluster0.has_arm_v8-5"]), "{:?}", p.notes);
    assert!(has_note(&p, &["line 1 ignored", "outside the table"]), "{:?}", p.notes);
}

#[test]
fn rst_two_column_table() {
    let p = run("rst-two-column.rst");
    assert_eq!(p.format, Format::Table);
    // 85 = 0x55 (FVP parameter convention: decimal).
    expect_exact(&p, &[("IDR0", 0x094C_100F), ("IDR1", 0x00E0_0000), ("IDR5", 0x55), ("AIDR", 0)]);
    assert!(has_note(&p, &["line 5 ignored", "Parameter"]), "{:?}", p.notes);
    assert!(has_note(&p, &["line 11", "85", "decimal"]), "{:?}", p.notes);
}

#[test]
fn gem5_smmuv3_py_params() {
    let p = run("gem5-SMMUv3.py");
    assert_eq!(p.format, Format::Gem5Params);
    expect_exact(
        &p,
        &[
            ("IDR0", 0x094C_100F),
            ("IDR1", 0x00E0_0000),
            ("IDR2", 0),
            ("IDR3", 0),
            ("IDR4", 0),
            ("IDR5", 0x55),
            ("IIDR", 0),
            ("AIDR", 0),
        ],
    );
    assert!(has_note(&p, &["line 1 ignored", "walk_assoc"]), "{:?}", p.notes);
    assert!(has_note(&p, &["line 5 ignored", "line 4"]), "{:?}", p.notes);
    assert!(has_note(&p, &["line 6 ignored", "line 4"]), "{:?}", p.notes);
    assert!(has_note(&p, &["line 42 ignored"]), "{:?}", p.notes);
}

#[test]
fn readback_field_lines_are_ignored_not_registers() {
    let p = run("readback-fields.txt");
    assert_eq!(p.format, Format::NameValue);
    expect_exact(&p, &[("IDR0", 0x080f_e6bf), ("IDR1", 0x00e0_0000), ("IDR5", 0x55)]);
    for l in [2, 3, 4, 5, 6, 8, 9, 11, 12, 13] {
        let l = format!("line {l} ignored");
        assert!(has_note(&p, &[&l, "under SMMU_"]), "{l}: {:?}", p.notes);
    }
    assert!(has_note(&p, &["line 2 ignored", "ST_LEVEL", "SMMU_IDR0"]), "{:?}", p.notes);
}

#[test]
fn a_field_line_under_its_register_is_never_a_register() {
    // SMMUEN is a field of SMMU_CR0; the indented line must not be an error or a register.
    let p = run_text("cr0", "SMMU_CR0: 0x1\n  SMMUEN: 1\nSMMU_CR1: 0x0\n");
    expect_exact(&p, &[("CR0", 1), ("CR1", 0)]);
    assert!(has_note(&p, &["line 2 ignored", "SMMUEN"]), "{:?}", p.notes);
    // An indented name that is no field of the register above is read as usual: a typo is an error.
    let x = parse("SMMU_CR0: 0x1\n  SMMUNE: 1\n", &ParseOptions::default()).unwrap_err();
    assert_eq!((x.line, x.column), (2, 3), "{x}");
}

#[test]
fn bare_hex_name_value_dump() {
    let p = run("bare-hex.txt");
    assert_eq!(p.format, Format::NameValue);
    // QEMU 10.0.2 virt-9.1 arm-smmuv3 stage=1 ID registers (see core/tests/parse_formats.rs).
    expect_exact(
        &p,
        &[
            ("IDR0", 0x0d44101a),
            ("IDR1", 0x02730010),
            ("IDR2", 0),
            ("IDR3", 0x1404),
            ("IDR4", 0),
            ("IDR5", 0x74),
            ("IIDR", 0),
            ("AIDR", 1),
        ],
    );
    // d44101a has a hex letter: not ambiguous. 2730010, 1404 and 74 are, and read as hex.
    assert!(!has_note(&p, &["line 1,"]), "{:?}", p.notes);
    for l in ["line 2,", "line 4,", "line 6,"] {
        assert!(has_note(&p, &[l, "ambiguous", "hex"]), "{l}: {:?}", p.notes);
    }
}

#[test]
fn assignment_with_a_decimal_value() {
    let p = run_text("idr5", "IDR5 = 116\n");
    assert_eq!(p.registers.get("IDR5"), Some(0x74));
    assert!(has_note(&p, &["line 1, column 8", "116", "decimal"]), "{:?}", p.notes);
    let q = run_text("idr5 hex", "IDR5 116\n");
    assert_eq!(q.registers.get("IDR5"), Some(0x116));
    assert!(has_note(&q, &["line 1, column 6", "116", "hex"]), "{:?}", q.notes);
    let f = run_text("fvp", "-C pci.pci_smmuv3.mmu.SMMU_IDR5=116\n");
    assert_eq!(f.registers.get("IDR5"), Some(0x74));
}

#[test]
fn errors_keep_line_and_column() {
    let e = |t: &str| parse(t, &ParseOptions::default()).unwrap_err();
    let x = e("FVP \\\n  -C pci.pci_smmuv3.mmu.SMMU_IDR0=0xZZ \\\n");
    assert_eq!((x.line, x.column), (2, 35), "{x}");
    let x = e("    smmu_idr0 = Param.UInt32(0x1z, \"SMMU_IDR0 register\")\n");
    assert_eq!((x.line, x.column), (1, 30), "{x}");
    let x = e("| SMMU_IDR0 | 0x1g |\n");
    assert_eq!((x.line, x.column), (1, 15), "{x}");
    let x = e("-C pci.pci_smmuv3.mmu.SMMU_IDR0=0x100000000\n");
    assert_eq!(x.line, 1, "{x}");
    assert!(x.message.contains("does not fit"), "{x}");
    // A leading zero in a decimal-convention value is ambiguous (octal?): an error.
    let x = e("-C pci.pci_smmuv3.mmu.SMMU_IDR3=05908\n");
    assert_eq!((x.line, x.column), (1, 33), "{x}");
}

#[test]
fn hostile_pastes_never_panic() {
    for t in [
        "| | |\n",
        "|\n",
        "| SMMU_IDR0 |\n",
        "-C\n",
        "-C =\n",
        "-C pci.pci_smmuv3.mmu.SMMU_IDR0=\n",
        "x = Param.(\n",
        "smmu_idr0 = Param.UInt32(\n0x1)\n",
        "IDR0 = Param.UInt32(é, \"\")\n",
        "| - =é |\n",
        "SMMU_IDR0: 0x1\n\tÉ: 1\n",
        "IDR0 ___\n",
        "IDR0 99999999999999999999999\n",
        "-C a.SMMU_IDR0=\"'\n",
    ] {
        let _ = parse(t, &ParseOptions::default());
    }
}
