//! Consistency of the register tables themselves (independent of any input).
use smmu_core::model::Fmt;
use smmu_core::regs::{self, REGISTERS};
use std::collections::HashSet;

fn all_layouts() -> Vec<&'static smmu_core::model::Layout> {
    let mut v: Vec<_> = REGISTERS.iter().map(|r| r.layout).collect();
    v.push(&smmu_core::regs::misc::GATOS_PAR_FAULT);
    v
}

#[test]
fn fields_do_not_overlap_and_fit_the_register() {
    for l in all_layouts() {
        let mut used = vec![0u64; l.words()];
        for f in l.fields {
            assert!(f.width > 0, "{}.{} has zero width", l.name, f.name);
            assert!(
                (f.msb() as usize) < l.bits as usize,
                "{}.{} [{}:{}] beyond {} bits",
                l.name,
                f.name,
                f.msb(),
                f.lsb,
                l.bits
            );
            for b in f.lsb..=f.msb() {
                let (w, m) = ((b / 64) as usize, 1u64 << (b % 64));
                assert_eq!(used[w] & m, 0, "{}.{} overlaps another field at bit {b}", l.name, f.name);
                used[w] |= m;
            }
        }
    }
}

#[test]
fn names_unique_sections_present_enums_fit() {
    for l in all_layouts() {
        assert!(!l.section.is_empty() && !l.desc.is_empty(), "{}", l.name);
        let mut names = HashSet::new();
        for f in l.fields {
            assert!(names.insert(f.name.to_ascii_lowercase()), "{}.{} declared twice", l.name, f.name);
            assert!(!f.section.is_empty(), "{}.{} has no section", l.name, f.name);
            assert!(f.section.starts_with("6.3."), "{}.{} section {}", l.name, f.name, f.section);
            assert!(!f.desc.is_empty(), "{}.{} has no description", l.name, f.name);
            if f.fmt == Fmt::Enum {
                assert!(!f.values.is_empty(), "{}.{} enum without values", l.name, f.name);
            }
            let mut seen = HashSet::new();
            for e in f.values {
                assert!(
                    e.value <= f.mask(),
                    "{}.{} value {:#x} does not fit {} bits",
                    l.name,
                    f.name,
                    e.value,
                    f.width
                );
                assert!(seen.insert(e.value), "{}.{} value {:#x} listed twice", l.name, f.name, e.value);
                assert!(!e.meaning.is_empty(), "{}.{} value {:#x} has no meaning", l.name, f.name, e.value);
            }
            if let Fmt::Addr(shift) = f.fmt {
                assert_eq!(shift as u16, f.lsb, "{}.{}: address shift must equal lsb", l.name, f.name);
            }
        }
    }
}

#[test]
fn registers_unique_ordered_and_non_overlapping() {
    let mut names = HashSet::new();
    for r in REGISTERS {
        assert!(r.width == 32 || r.width == 64, "{}", r.name);
        assert_eq!(r.layout.bits as u8, r.width, "{}: layout width differs from register width", r.name);
        assert_eq!(r.offset % (r.width as u32 / 8), 0, "{} is not naturally aligned", r.name);
        assert!(names.insert(r.name.to_ascii_lowercase()), "{} twice", r.name);
        for a in r.aliases {
            assert!(names.insert(a.to_ascii_lowercase()), "alias {a} clashes");
        }
        assert_eq!(r.layout.name, r.name, "layout name of {}", r.name);
    }
    for w in REGISTERS.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        assert!(a.offset + a.width as u32 / 8 <= b.offset, "{} overlaps {}", a.name, b.name);
    }
}

#[test]
fn lookups() {
    // IHI 0070 6.2.1 / 6.2.2 offsets.
    for (name, off) in [
        ("IDR0", 0x0),
        ("IDR5", 0x14),
        ("IIDR", 0x18),
        ("AIDR", 0x1C),
        ("CR0", 0x20),
        ("S2PII", 0x30),
        ("STATUSR", 0x40),
        ("GBPA", 0x44),
        ("AGBPA", 0x48),
        ("IRQ_CTRL", 0x50),
        ("GERROR_IRQ_CFG0", 0x68),
        ("STRTAB_BASE", 0x80),
        ("STRTAB_BASE_CFG", 0x88),
        ("CMDQ_BASE", 0x90),
        ("EVENTQ_BASE", 0xA0),
        ("EVENTQ_IRQ_CFG0", 0xB0),
        ("PRIQ_BASE", 0xC0),
        ("PRIQ_IRQ_CFG2", 0xDC),
        ("GATOS_CTRL", 0x100),
        ("GATOS_PAR", 0x118),
        ("MPAMIDR", 0x130),
        ("GBPMPAM", 0x13C),
        ("VATOS_SEL", 0x180),
        ("IDR6", 0x190),
        ("DPT_BASE", 0x200),
        ("DPT_CFG_FAR", 0x210),
        ("EVENTQ_PROD", 0x100A8),
        ("EVENTQ_CONS", 0x100AC),
        ("PRIQ_PROD", 0x100C8),
        ("PRIQ_CONS", 0x100CC),
    ] {
        assert_eq!(regs::by_name(name).map(|r| r.offset), Some(off), "{name}");
        assert_eq!(regs::by_offset(off).map(|r| r.name), Some(name), "{off:#x}");
    }
    assert_eq!(regs::by_name("smmu_irq_ctrl_ack").map(|r| r.name), Some("IRQ_CTRLACK"));
    assert_eq!(regs::by_name("EVTQ_PROD").map(|r| r.name), Some("EVENTQ_PROD"));
    assert_eq!(regs::by_name("evtq_base").map(|r| r.name), Some("EVENTQ_BASE"));
    assert!(regs::by_name("IDR7").is_none());
    assert_eq!(regs::containing(0x84).map(|(r, b)| (r.name, b)), Some(("STRTAB_BASE", 4)));
    assert!(regs::containing(0x58).is_none());
    assert!(regs::by_offset(0xA8).is_none(), "0xA8 is only an optional alias");
    assert_eq!(regs::page0_alias(0xA8).map(|r| r.name), Some("EVENTQ_PROD"));
    assert_eq!(regs::page0_alias(0xCC).map(|r| r.name), Some("PRIQ_CONS"));
    assert!(regs::page0_alias(0xA0).is_none());
    assert!(REGISTERS.iter().filter(|r| r.page() == 1).count() == 4);
}
