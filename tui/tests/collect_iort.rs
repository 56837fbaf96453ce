//! IORT parsing. A table is built here byte by byte from the layout in Arm DEN 0049 (IORT):
//! 36-byte ACPI header, node count at 36, node array offset at 40; node header Type, Length,
//! Revision, Identifier, Number of ID mappings, Reference to ID array; SMMUv3 node fields at
//! 16 (base), 24 (flags), 32 (VATOS), 40 (model), 44..56 (Event/PRI/GERR/Sync GSIV), 60 (PXM),
//! 64 (DeviceID mapping index); root complex fields at 16 (memory access), 24 (ATS
//! attribute), 28 (PCI segment), 32 (memory address size limit); ID mapping = 5 u32.
//! A real table captured from QEMU's virt machine booted through UEFI is checked when present.
use proptest::prelude::*;
use smmu_tui::collect::iort;
use std::path::PathBuf;

fn u32le(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}

fn id_map(v: &mut Vec<u8>, input: u32, count_minus_one: u32, output: u32, out_ref: u32, flags: u32) {
    for x in [input, count_minus_one, output, out_ref, flags] {
        u32le(v, x);
    }
}

/// ITS group at 0x30, SMMUv3 at 0x48, root complex at 0xa0.
fn build(smmu_flags: u32, model: u32) -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(b"IORT");
    u32le(&mut t, 0); // length, patched
    t.push(5); // revision
    t.push(0); // checksum, patched
    t.extend_from_slice(b"SMMUEX");
    t.extend_from_slice(b"TESTIORT");
    u32le(&mut t, 1);
    t.extend_from_slice(b"SMEX");
    u32le(&mut t, 0x20260101);
    u32le(&mut t, 3); // node count
    u32le(&mut t, 48); // node array offset
    u32le(&mut t, 0); // reserved
    assert_eq!(t.len(), 48);
    // ITS group: header + count + one ITS identifier = 24 bytes.
    t.push(0);
    t.extend_from_slice(&24u16.to_le_bytes());
    t.push(1);
    u32le(&mut t, 0); // identifier
    u32le(&mut t, 0); // no mappings
    u32le(&mut t, 0);
    u32le(&mut t, 1); // one ITS
    u32le(&mut t, 7); // its identifier
    assert_eq!(t.len(), 72);
    // SMMUv3 node: 68 bytes of fields + one ID mapping (to the ITS group) = 88.
    let smmu_at = t.len() as u32;
    t.push(4);
    t.extend_from_slice(&88u16.to_le_bytes());
    t.push(4);
    u32le(&mut t, 1); // identifier
    u32le(&mut t, 1); // one mapping
    u32le(&mut t, 68); // mapping array at node offset 68
    t.extend_from_slice(&0x2b40_0000u64.to_le_bytes()); // base
    u32le(&mut t, smmu_flags);
    u32le(&mut t, 0);
    t.extend_from_slice(&0u64.to_le_bytes()); // VATOS
    u32le(&mut t, model);
    for g in [106, 107, 108, 109] {
        u32le(&mut t, g);
    }
    u32le(&mut t, 3); // proximity domain
    u32le(&mut t, 0); // DeviceID mapping index
    id_map(&mut t, 0, 0, 0x10000, 48, 1); // single mapping: the SMMU's own MSI DeviceID
    assert_eq!(t.len() as u32, smmu_at + 88);
    // Root complex: 36 bytes + two mappings.
    t.push(2);
    t.extend_from_slice(&(36u16 + 40).to_le_bytes());
    t.push(1);
    u32le(&mut t, 2);
    u32le(&mut t, 2);
    u32le(&mut t, 36);
    u32le(&mut t, 1); // cache coherent
    t.push(0);
    t.extend_from_slice(&[0, 0]);
    t.push(3); // CPM | DACS
    u32le(&mut t, 1); // ATS supported
    u32le(&mut t, 1); // PCI segment 1
    t.push(48); // memory address size limit
    t.extend_from_slice(&[0, 0, 0]);
    id_map(&mut t, 0x0000, 0x00ff, 0x0100, smmu_at, 0); // bus 0 -> SIDs 0x100..
    id_map(&mut t, 0x0100, 0xfeff, 0x8000, smmu_at, 0); // the rest
    let len = t.len() as u32;
    t[4..8].copy_from_slice(&len.to_le_bytes());
    let sum = t.iter().fold(0u8, |a, b| a.wrapping_add(*b));
    t[9] = 0u8.wrapping_sub(sum);
    t
}

#[test]
fn smmuv3_node_fields() {
    // COHACC override (bit 0), HTTU override = 2 (bits 2:1), PXM valid (bit 3).
    let t = iort::parse(&build(0b1101, 2)).unwrap();
    assert!(t.checksum_ok);
    assert_eq!((t.revision, t.oem_id.as_str(), t.oem_table_id.as_str()), (5, "SMMUEX", "TESTIORT"));
    let types: Vec<&str> = t.nodes.iter().map(|n| n.type_name).collect();
    assert_eq!(types, ["ITS Group", "SMMUv3", "Root Complex"]);
    let (node, s) = t.smmus().next().unwrap();
    assert_eq!(node.offset, "0x48");
    assert_eq!(t.nodes[0].its_ids, Some(vec![7]));
    assert_eq!(s.base, "0x2b400000");
    assert!(s.cohacc_override);
    assert_eq!(s.httu_override, 2);
    assert!(s.httu_override_meaning.contains("dirty"));
    assert_eq!(s.proximity_domain, Some(3));
    assert!(!s.deviceid_mapping_index_valid);
    assert_eq!((s.model, s.model_name), (2, "Cavium CN99xx"));
    assert!(s.model_quirk.unwrap().contains("Page 1"));
    assert_eq!((s.event_gsiv, s.pri_gsiv, s.gerr_gsiv, s.sync_gsiv), (106, 107, 108, 109));
    assert_eq!(node.id_mappings[0].output_node_type, Some("ITS Group"));
    assert!(node.id_mappings[0].single);
    let rc = t.nodes[2].root_complex.as_ref().unwrap();
    assert_eq!((rc.pci_segment, rc.ats_supported, rc.memory_address_size_limit), (1, true, Some(48)));
    assert_eq!(t.nodes[2].id_mappings[1].id_count, 0xff00);
}

#[test]
fn requester_id_to_stream_id() {
    let t = iort::parse(&build(0, 0)).unwrap();
    // segment 1, 00:01.0 = RID 0x8 -> 0x100 + 8
    assert_eq!(t.stream_id(1, 0x8), Some((0x2b40_0000, 0x108)));
    // 01:00.0 = RID 0x100 -> second range
    assert_eq!(t.stream_id(1, 0x100), Some((0x2b40_0000, 0x8000)));
    assert_eq!(t.stream_id(1, 0xffff), Some((0x2b40_0000, 0x8000 + 0xfeff)));
    assert_eq!(t.stream_id(0, 0x8), None, "no root complex for segment 0");
    let (_, s) = t.smmus().next().unwrap();
    assert_eq!((s.cohacc_override, s.httu_override, s.model_name), (false, 0, "Generic SMMUv3"));
}

#[test]
fn truncation_and_corruption_are_errors() {
    let full = build(1, 0);
    for len in 0..full.len() {
        let e = iort::parse(&full[..len]).expect_err("truncated table must not parse");
        assert!(!e.to_string().is_empty());
    }
    let e = iort::parse(&full[..100]).unwrap_err().to_string();
    assert!(e.contains("truncated"), "{e}");
    let mut bad = full.clone();
    bad[0..4].copy_from_slice(b"DSDT");
    assert!(iort::parse(&bad).unwrap_err().to_string().contains("IORT"));
    // A node length of zero cannot advance: reported, not looped on.
    let mut bad = full.clone();
    bad[48 + 1] = 0;
    bad[48 + 2] = 0;
    let e = iort::parse(&bad).unwrap_err().to_string();
    assert!(e.contains("node 0 length"), "{e}");
    // An ID array pointing past the node.
    let mut bad = full;
    bad[72 + 12] = 0xf0;
    let e = iort::parse(&bad).unwrap_err().to_string();
    assert!(e.contains("ID mapping 0"), "{e}");
}

/// The IORT QEMU 10.0 builds for `-M virt-9.1,iommu=smmuv3` (booted through UEFI; see
/// tests/fixtures/hosts/PROVENANCE.md). Facts from QEMU's hw/arm/virt-acpi-build.c: one
/// SMMUv3 node at 0x09050000 with COHACC override set, a root complex on segment 0 whose
/// RequesterIDs map 1:1 to StreamIDs of that SMMU.
#[test]
fn real_qemu_iort() {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/hosts/qemu-virt-acpi/sys/firmware/acpi/tables/IORT");
    let Ok(b) = std::fs::read(&p) else {
        panic!("missing fixture {}", p.display());
    };
    let t = iort::parse(&b).unwrap();
    assert!(t.checksum_ok);
    assert_eq!(t.oem_id, "BOCHS");
    let smmus: Vec<_> = t.smmus().collect();
    assert_eq!(smmus.len(), 1);
    let (_, s) = smmus[0];
    assert_eq!(s.base, "0x9050000");
    assert!(s.cohacc_override);
    assert_eq!(s.model, 0);
    // virt's SMMU SPI base 74 (+32) = GSIV 106: event, PRI, sync, GERR in that order.
    assert_eq!((s.event_gsiv, s.pri_gsiv, s.sync_gsiv, s.gerr_gsiv), (106, 107, 108, 109));
    assert_eq!(t.revision, 3);
    assert!(t.nodes.iter().any(|n| n.root_complex.as_ref().is_some_and(|r| r.pci_segment == 0)));
    assert_eq!(t.stream_id(0, 0x8).map(|x| x.1), Some(0x8));
    assert_eq!(t.stream_id(0, 0x18).map(|x| x.1), Some(0x18));
    // Only bus 0 sits behind the SMMU; other RequesterIDs go straight to the ITS group.
    assert_eq!(t.stream_id(0, 0x100), None);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]
    #[test]
    fn random_bytes_never_panic(mut b in proptest::collection::vec(any::<u8>(), 0..400), sig in any::<bool>()) {
        if sig && b.len() >= 4 { b[0..4].copy_from_slice(b"IORT"); }
        let _ = iort::parse(&b);
    }
    #[test]
    fn mutated_table_never_panics(pos in 0usize..240, val in any::<u8>()) {
        let mut b = build(0b111, 1);
        if pos < b.len() { b[pos] = val; }
        if let Ok(t) = iort::parse(&b) { let _ = t.stream_id(1, 8); }
    }
}

#[test]
fn named_component_stream_ids() {
    // Header, SMMUv3 node at 0x30 (68 bytes, no mappings), named component at 0x74:
    // flags, memory access (8 bytes), address limit, "\_SB.DMA0\0", then one ID mapping
    // (single, output StreamID 0x42 on the SMMU).
    let mut t = Vec::new();
    t.extend_from_slice(b"IORT");
    u32le(&mut t, 0);
    t.extend_from_slice(&[5, 0]);
    t.extend_from_slice(b"SMMUEXTESTIORT");
    for x in [1u32, 0, 0, 2, 48, 0] {
        u32le(&mut t, x);
    }
    t.truncate(36);
    for x in [2u32, 48, 0] {
        u32le(&mut t, x);
    }
    let smmu_at = t.len() as u32;
    t.push(4);
    t.extend_from_slice(&68u16.to_le_bytes());
    t.push(4);
    for x in [0u32, 0, 0] {
        u32le(&mut t, x);
    }
    t.extend_from_slice(&0x2b40_0000u64.to_le_bytes());
    t.resize(smmu_at as usize + 68, 0);
    let nc_at = t.len();
    let name = b"\\_SB.DMA0\0";
    let map_off = 29 + name.len() as u32;
    let map_off = (map_off + 3) & !3;
    let nc_len = map_off + 20;
    t.push(1);
    t.extend_from_slice(&(nc_len as u16).to_le_bytes());
    t.push(4);
    for x in [1u32, 1, map_off] {
        u32le(&mut t, x);
    }
    u32le(&mut t, 0);
    t.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 0]);
    t.push(40);
    t.extend_from_slice(name);
    t.resize(nc_at + map_off as usize, 0);
    id_map(&mut t, 0, 0, 0x42, smmu_at, 1);
    let len = t.len() as u32;
    t[4..8].copy_from_slice(&len.to_le_bytes());
    let parsed = iort::parse(&t).unwrap();
    let nc = parsed.nodes[1].named_component.as_ref().unwrap();
    assert_eq!(nc.device_name, "\\_SB.DMA0");
    assert_eq!(nc.memory_address_size_limit, 40);
    let s = parsed.named_component_streams();
    assert_eq!(s.len(), 1);
    assert_eq!((s[0].sid_base.as_str(), s[0].smmu_base.as_str(), s[0].id_count), ("0x42", "0x2b400000", 1));
    assert!(!parsed.checksum_ok, "checksum not fixed up here");
}
