//! Decoding of the values QEMU 10.0's emulated SMMUv3 reports (captures in
//! assets/samples/, taken from QEMU's monitor and the guest's devmem; they agree).
//! Every expected value below is derived by hand from IHI 0070 6.3.x; the derivation is
//! written next to it. Nothing here is copied from the code's own output.
use smmu_core::derived::summarize;
use smmu_core::regset::{Origin, RegisterSet};

fn set(pairs: &[(&str, u64)]) -> RegisterSet {
    let mut r = RegisterSet::new();
    for (n, v) in pairs {
        assert!(r.insert_named(n, *v, Origin::default()).is_some(), "{n}");
    }
    r
}

fn fields(r: &RegisterSet, reg: &str, expect: &[(&str, u64)]) {
    for (f, v) in expect {
        assert_eq!(r.field(reg, f), Some(*v), "{reg}.{f}");
    }
}

#[test]
fn idr0_stage1() {
    // 0x0d44101a = 0000 1101 0100 0100 0001 0000 0001 1010
    //  bit 0 S2P = 0, bit 1 S1P = 1, [3:2] TTF = 0b10 (VMSAv8-64), bit 4 COHACC = 1,
    //  bit 5 BTM = 0, [7:6] HTTU = 0, bits 8..11 = 0, bit 12 ASID16 = 1, bits 13..17 = 0,
    //  bit 18 VMID16 = 1, bit 19 CD2L = 0, bit 20 VATOS = 0, [22:21] TTENDIAN = 0b10 (LE),
    //  bit 23 ATSRECERR = 0, [25:24] STALL_MODEL = 0b01 (no stall), bit 26 TERM_MODEL = 1,
    //  [28:27] ST_LEVEL = 0b01 (2-level), bit 30 RME_IMPL = 0.
    let r = set(&[("IDR0", 0x0d44101a)]);
    fields(
        &r,
        "IDR0",
        &[
            ("S2P", 0),
            ("S1P", 1),
            ("TTF", 2),
            ("COHACC", 1),
            ("BTM", 0),
            ("HTTU", 0),
            ("DORMHINT", 0),
            ("Hyp", 0),
            ("ATS", 0),
            ("NS1ATS", 0),
            ("ASID16", 1),
            ("MSI", 0),
            ("SEV", 0),
            ("ATOS", 0),
            ("PRI", 0),
            ("VMW", 0),
            ("VMID16", 1),
            ("CD2L", 0),
            ("VATOS", 0),
            ("TTENDIAN", 2),
            ("ATSRECERR", 0),
            ("STALL_MODEL", 1),
            ("TERM_MODEL", 1),
            ("ST_LEVEL", 1),
            ("RME_IMPL", 0),
        ],
    );
    let s = summarize(&r);
    let st = s.stages.expect("stages");
    assert!(st.stage1 && !st.stage2 && !st.nested);
    assert_eq!(s.translation_table_formats, Some(vec!["VMSAv8-64".to_string()]));
    assert_eq!(s.stream_table_formats, Some(vec!["Linear".to_string(), "2-level".to_string()]));
    assert_eq!(s.asid_bits, Some(16));
    assert_eq!(s.vmid_bits, Some(16));
    // No reserved encoding, no RES0 bit (bits 29 and 31 are 0).
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    // The meanings come from the spec's tables.
    let info = smmu_core::regset::RegisterInfo::new(smmu_core::regs::by_name("IDR0").unwrap(), 0x0d44101a);
    let st_level = info.fields.iter().find(|f| f.name == "ST_LEVEL").unwrap();
    assert_eq!((st_level.lsb, st_level.width, st_level.section), (27, 2, "6.3.1"));
    assert!(st_level.meaning.contains("2-level"));
    let ttendian = info.fields.iter().find(|f| f.name == "TTENDIAN").unwrap();
    assert!(ttendian.meaning.to_lowercase().contains("little-endian"));
}

#[test]
fn idr0_stage2_and_nested() {
    // 0x0d441019: low byte 0x19 = 0001 1001: S2P = 1, S1P = 0, TTF = 0b10, COHACC = 1.
    let r = set(&[("IDR0", 0x0d441019)]);
    fields(&r, "IDR0", &[("S2P", 1), ("S1P", 0), ("TTF", 2), ("COHACC", 1), ("ST_LEVEL", 1)]);
    let st = summarize(&r).stages.unwrap();
    assert!(!st.stage1 && st.stage2 && !st.nested);
    // 0x0d44101b: low byte 0x1b = 0001 1011: S2P = 1, S1P = 1 -> nested possible.
    let r = set(&[("IDR0", 0x0d44101b)]);
    fields(&r, "IDR0", &[("S2P", 1), ("S1P", 1)]);
    let st = summarize(&r).stages.unwrap();
    assert!(st.stage1 && st.stage2 && st.nested);
    // Hyp (bit 9) is 0 here: allowed before SMMUv3.2.
}

#[test]
fn idr1() {
    // 0x02730010: [5:0] SIDSIZE = 0x10 = 16; [10:6] SSIDSIZE = 0; [15:11] PRIQS = 0;
    // [20:16] EVENTQS = (0x0273 & 0x1f) = 0x13 = 19; [25:21] CMDQS = 0x02730010 >> 21 = 0x13 = 19;
    // bits 26..31 = 0.
    let r = set(&[("IDR1", 0x02730010), ("IDR0", 0x0d44101a)]);
    fields(
        &r,
        "IDR1",
        &[
            ("SIDSIZE", 16),
            ("SSIDSIZE", 0),
            ("PRIQS", 0),
            ("EVENTQS", 19),
            ("CMDQS", 19),
            ("ATTR_PERMS_OVR", 0),
            ("ATTR_TYPES_OVR", 0),
            ("REL", 0),
            ("QUEUES_PRESET", 0),
            ("TABLES_PRESET", 0),
            ("ECMDQ", 0),
        ],
    );
    let s = summarize(&r);
    assert_eq!(s.streamid_bits, Some(16));
    assert_eq!(s.substreamid_bits, Some(0));
    let q = s.queue_limits.unwrap();
    // log2 sizes: 2^19 = 524288 entries; no PRI (IDR0.PRI == 0) so no PRI queue size.
    assert_eq!((q.cmdq_max_entries, q.eventq_max_entries, q.priq_max_entries), (524288, 524288, None));
}

#[test]
fn idr3() {
    // 0x00001404 = bit 2 (HAD) + bit 10 (RIL) + bit 12 ([12:11] BBML = 0b10, level 2).
    let r = set(&[("IDR3", 0x1404)]);
    fields(
        &r,
        "IDR3",
        &[
            ("HAD", 1),
            ("PBHA", 0),
            ("XNX", 0),
            ("PPS", 0),
            ("MPAM", 0),
            ("FWB", 0),
            ("STT", 0),
            ("RIL", 1),
            ("BBML", 2),
            ("E0PD", 0),
            ("PTWNNC", 0),
            ("DPT", 0),
        ],
    );
    // 0x00001414 adds bit 4: XNX = 1 (stage 2 execute-never distinction, QEMU stage 2).
    let r = set(&[("IDR3", 0x1414)]);
    fields(&r, "IDR3", &[("HAD", 1), ("XNX", 1), ("RIL", 1), ("BBML", 2)]);
}

#[test]
fn idr5() {
    // 0x74 = 0111 0100: [2:0] OAS = 0b100 = 44 bits; bit 3 RES0 = 0; bit 4 GRAN4K = 1;
    // bit 5 GRAN16K = 1; bit 6 GRAN64K = 1; bit 7 DS = 0; [11:10] VAX = 0 (48 bits);
    // [31:16] STALL_MAX = 0.
    let r = set(&[("IDR5", 0x74)]);
    fields(
        &r,
        "IDR5",
        &[
            ("OAS", 4),
            ("GRAN4K", 1),
            ("GRAN16K", 1),
            ("GRAN64K", 1),
            ("DS", 0),
            ("D128", 0),
            ("VAX", 0),
            ("STALL_MAX", 0),
        ],
    );
    let s = summarize(&r);
    assert_eq!(s.oas_bits, Some(44)); // Linux prints "oas 44-bit" for this SMMU
    assert_eq!(s.input_address_bits, Some(48));
    assert_eq!(s.granules, Some(vec!["4KB".to_string(), "16KB".to_string(), "64KB".to_string()]));
}

#[test]
fn oas_encodings() {
    // IHI 0070 6.3.6 OAS table: 0b000..0b111 = 32, 36, 40, 42, 44, 48, 52, 56 bits.
    for (v, bits) in [(0, 32), (1, 36), (2, 40), (3, 42), (4, 44), (5, 48), (6, 52), (7, 56)] {
        assert_eq!(summarize(&set(&[("IDR5", v | 0x10)])).oas_bits, Some(bits), "OAS {v}");
    }
    // 56 bits is reserved before SMMUv3.4 and needs D128.
    let s = summarize(&set(&[("IDR5", 0x17), ("AIDR", 0x3)]));
    assert!(s.warnings.iter().any(|w| w.contains("56 bits")), "{:?}", s.warnings);
}

#[test]
fn iidr_aidr() {
    // QEMU: IIDR = 0 (no implementer), AIDR = 0x1: ArchMajorRev 0 (SMMUv3.x), ArchMinorRev 1.
    let s = summarize(&set(&[("IIDR", 0), ("AIDR", 1)]));
    assert_eq!(s.architecture.as_deref(), Some("SMMUv3.1"));
    let i = s.implementer.unwrap();
    assert_eq!(i.product, "unknown");
    assert_eq!((i.variant, i.revision), (0, 0));
    for (v, name) in [(0, "SMMUv3.0"), (2, "SMMUv3.2"), (3, "SMMUv3.3"), (4, "SMMUv3.4")] {
        assert_eq!(summarize(&set(&[("AIDR", v)])).architecture.as_deref(), Some(name));
    }
    // ArchMinorRev 5 is not an architected value: flagged.
    let s = summarize(&set(&[("AIDR", 5)]));
    assert!(s.warnings.iter().any(|w| w.contains("reserved encoding")), "{:?}", s.warnings);
    // An Arm MMU-700 r1p2: ProductID 0x487 [31:20], Variant 1 [19:16], Revision 2 [15:12],
    // Implementer 0x43B [11:0] -> 0x4871243b.
    let i = summarize(&set(&[("IIDR", 0x4871_243b)])).implementer.unwrap();
    assert_eq!((i.implementer_name.as_str(), i.product.as_str(), i.rev.as_str()), ("Arm", "MMU-700", "r1p2"));
}

#[test]
fn qemu_configuration_after_boot() {
    // Values from assets/samples/qemu-10.0-s1.txt.
    let r = set(&[
        ("IDR0", 0x0d44101a),
        ("IDR1", 0x02730010),
        ("CR0", 0xd),
        ("CR0ACK", 0xd),
        ("CR1", 0xd75),
        ("CR2", 0x6),
        ("GBPA", 0x1000),
        ("GERROR", 0),
        ("GERRORN", 0),
        ("STRTAB_BASE", 0x40000000450d7000),
        ("STRTAB_BASE_CFG", 0x00010210),
        ("CMDQ_BASE", 0x400000007bd00010),
        ("CMDQ_PROD", 0x182),
        ("CMDQ_CONS", 0x182),
        ("EVTQ_BASE", 0x400000007be0000f),
        ("EVTQ_PROD", 5),
        ("EVTQ_CONS", 5),
    ]);
    // CR0 = 0b1101: SMMUEN (bit 0), EVENTQEN (bit 2), CMDQEN (bit 3); PRIQEN (bit 1) = 0.
    fields(&r, "CR0", &[("SMMUEN", 1), ("PRIQEN", 0), ("EVENTQEN", 1), ("CMDQEN", 1)]);
    // CR1 = 0xd75 = 11 01 01 11 01 01: TABLE_SH 0b11 ISH, TABLE_OC 01 WB, TABLE_IC 01 WB,
    // QUEUE_SH 0b11 ISH, QUEUE_OC 01 WB, QUEUE_IC 01 WB.
    fields(
        &r,
        "CR1",
        &[("TABLE_SH", 3), ("TABLE_OC", 1), ("TABLE_IC", 1), ("QUEUE_SH", 3), ("QUEUE_OC", 1), ("QUEUE_IC", 1)],
    );
    // CR2 = 0b110: RECINVSID = 1, PTM = 1, E2H = 0.
    fields(&r, "CR2", &[("E2H", 0), ("RECINVSID", 1), ("PTM", 1)]);
    // GBPA = 0x1000: [13:12] SHCFG = 0b01 (use incoming), ABORT (bit 20) = 0.
    fields(&r, "GBPA", &[("SHCFG", 1), ("ABORT", 0), ("Update", 0)]);
    // STRTAB_BASE_CFG = 0x10210: [17:16] FMT = 1 (2-level), [10:6] SPLIT = 0x210 >> 6 = 8,
    // [5:0] LOG2SIZE = 0x10 = 16.
    fields(&r, "STRTAB_BASE_CFG", &[("FMT", 1), ("SPLIT", 8), ("LOG2SIZE", 16)]);
    // STRTAB_BASE: bit 62 RA = 1, ADDR[55:6] -> 0x450d7000.
    fields(&r, "STRTAB_BASE", &[("RA", 1), ("ADDR", 0x450d7000 >> 6)]);
    // CMDQ_BASE = 0x4000_0000_7bd0_0010: RA = 1, ADDR -> 0x7bd00000, LOG2SIZE = 0x10 = 16.
    fields(&r, "CMDQ_BASE", &[("RA", 1), ("ADDR", 0x7bd00000 >> 5), ("LOG2SIZE", 16)]);
    fields(&r, "EVENTQ_BASE", &[("WA", 1), ("ADDR", 0x7be00000 >> 5), ("LOG2SIZE", 15)]);
    let s = summarize(&r);
    assert_eq!(s.smmu_enabled, Some(true));
    let t = s.stream_table.unwrap();
    assert_eq!(t.base.as_deref(), Some("0x450d7000"));
    assert_eq!((t.streams, t.split, t.l1_entries), (Some(65536), Some(8), Some(256)));
    // Linux printed "allocated 65536 entries for cmdq" and "32768 entries for evtq".
    let cq = &s.queues[0];
    assert_eq!(
        (cq.name, cq.entries, cq.base.as_str(), cq.prod_index, cq.pending),
        ("Command queue", 65536, "0x7bd00000", Some(0x182), Some(0))
    );
    let eq = &s.queues[1];
    assert_eq!((eq.entries, eq.base.as_str(), eq.cons_index), (32768, "0x7be00000", Some(5)));
    assert_eq!(s.active_global_errors, Some(vec![]));
    // QEMU keeps CR2.PTM = 1 although IDR0.BTM = 0, where the spec makes PTM RES0.
    assert!(s.warnings.iter().any(|w| w.contains("CR2.PTM")), "{:?}", s.warnings);
}

#[test]
fn warnings_for_bad_values() {
    // TTF = 0b00 is reserved; S1P = S2P = 0; bit 29 is RES0.
    let s = summarize(&set(&[("IDR0", 0x2000_0000)]));
    assert!(s.warnings.iter().any(|w| w.contains("reserved encoding") && w.contains("TTF")), "{:?}", s.warnings);
    assert!(s.warnings.iter().any(|w| w.contains("S1P == 0 and S2P == 0")), "{:?}", s.warnings);
    assert!(s.warnings.iter().any(|w| w.contains("RES0 bits set") && w.contains("0x20000000")), "{:?}", s.warnings);
    // GERROR.CMDQ_ERR differs from GERRORN: an active command queue error.
    let s = summarize(&set(&[("GERROR", 1), ("GERRORN", 0)]));
    assert_eq!(s.active_global_errors, Some(vec!["CMDQ_ERR".to_string()]));
    // SIDSIZE 16 with a linear-only stream table is forbidden.
    let s = summarize(&set(&[("IDR0", 0x0000_0012), ("IDR1", 0x10)]));
    assert!(s.warnings.iter().any(|w| w.contains("ST_LEVEL")), "{:?}", s.warnings);
    // GATOS_PAR with FAULT = 1 uses the fault layout: FAULTCODE [11:4], REASON [2:1].
    let r = set(&[("GATOS_PAR", 0x0000_0000_1234_5105)]);
    assert_eq!(r.field("GATOS_PAR", "FAULTCODE"), Some(0x10));
    assert_eq!(r.field("GATOS_PAR", "REASON"), Some(2));
    assert!(summarize(&r).warnings.is_empty(), "{:?}", summarize(&r).warnings);
}

#[test]
fn qemu_stage2_had_is_flagged() {
    // IHI 0070 6.3.4: "When SMMU_IDR0.S1P == 0, SMMU_IDR3.HAD == 0". QEMU's stage-2-only
    // SMMU reports IDR0 = 0x0d441019 (S1P = 0) with IDR3 = 0x1414 (HAD = 1).
    let s = summarize(&set(&[("IDR0", 0x0d441019), ("IDR3", 0x1414), ("AIDR", 1)]));
    assert_eq!(s.warnings, vec!["IDR3.HAD must be 0 when IDR0.S1P == 0".to_string()]);
    // The nested SMMU's ID registers are consistent.
    let s = summarize(&set(&[
        ("IDR0", 0x0d44101b),
        ("IDR1", 0x02730010),
        ("IDR3", 0x1414),
        ("IDR5", 0x74),
        ("IIDR", 0),
        ("AIDR", 1),
    ]));
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn registers_absent_without_their_feature() {
    // IHI 0070 6.3.37: SMMU_GATOS_CTRL is present only when SMMU_IDR0.ATOS == 1, else RES0.
    // QEMU's IDR0 = 0x0d44101a has ATOS (bit 15) = 0.
    let s = summarize(&set(&[("IDR0", 0x0d44101a), ("GATOS_CTRL", 1)]));
    assert!(s.warnings.iter().any(|w| w.contains("GATOS_CTRL") && w.contains("ATOS")), "{:?}", s.warnings);
    let s = summarize(&set(&[("IDR0", 0x0d44101a), ("GATOS_CTRL", 0)]));
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}
