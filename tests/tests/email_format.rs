//! `--format email`: plain text of at most 76 columns (a mailing-list reply), no colour, on
//! every command that has it, carrying the same facts as the text output.

mod common;

use common::{asset, smmu};

fn email(args: &[&str]) -> String {
    let r = smmu(args);
    assert!(r.code == 0 || r.code == 1, "smmu {args:?}: exit {}: {}", r.code, r.stderr);
    for (n, l) in r.stdout.lines().enumerate() {
        assert!(l.chars().count() <= 76, "smmu {args:?}: line {} has {} columns: {l:?}", n + 1, l.chars().count());
        assert!(!l.contains('\x1b'), "smmu {args:?}: colour in an email: {l:?}");
    }
    r.stdout
}

#[test]
fn every_email_fits_76_columns() {
    let s1 = asset("samples/qemu-10.0-s1-4k.snapshot.json").display().to_string();
    let dump = asset("samples/qemu-10.0-s1.txt").display().to_string();
    // QEMU 10.0's IDR0 for a stage-1-only SMMU (tests/data/qemu-s1-4k capture).
    let d = email(&["decode", &dump, "--format", "email"]);
    assert!(d.contains("SMMU_IDR0 @ 0x0000 = 0x0d44101a"), "{d}");
    assert!(d.contains("ST_LEVEL"), "{d}");
    // A fault: level 0 of TTB0 has no entry for this IOVA, so F_TRANSLATION (0x10), CLASS IN.
    let w = email(&["walk", &s1, "--sid", "0x18", "--iova", "0x7fff0000000", "--format", "email"]);
    assert!(w.contains("F_TRANSLATION"), "{w}");
    assert!(w.contains("0x0000001800000010"), "the record's first dword: {w}");
    // A translation: the sample maps this IOVA to PA 0x40012345 (as tui/tests/walk_cli.rs).
    let w = email(&["walk", &s1, "--sid", "0x18", "--iova", "0x12346012345", "--format", "email"]);
    assert!(w.contains("translated: PA 0x40012345"), "{w}");
    email(&["ste", "0x4532600b", "0xd6", "0", "0", "0x00050000", "--format", "email"]);
    email(&["cd", "0x4000000000003d75", "0x45489000", "0", "0x44", "--format", "email"]);
    email(&["cmd", "0x46", "0", "--format", "email"]);
    email(&["event", "0x0000001800000010", "0", "0x12345000", "0", "--format", "email"]);
    let host = asset("hosts/handmade-btm-52bit.txt").display().to_string();
    email(&["forward", &host, "--format", "email"]);
}
