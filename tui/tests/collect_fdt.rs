//! Device tree parsing against a real blob: QEMU 10.0's `-M virt-9.1,iommu=smmuv3` tree,
//! written by QEMU itself with `dumpdtb=` (see tests/fixtures/hosts/PROVENANCE.md).
//! Expected values are facts of QEMU's hw/arm/virt.c: the SMMUv3 register window is
//! 0x09050000 + 0x20000 (VIRT_SMMU), the node is dma-coherent with four named SPIs, and the
//! PCIe host maps every RequesterID 1:1 to a StreamID (`iommu-map = <0 &smmu 0 0x10000>`).
use proptest::prelude::*;
use smmu_tui::collect::fdt;
use std::path::PathBuf;

fn fixture(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/hosts").join(p)
}

fn qemu_dtb() -> Vec<u8> {
    std::fs::read(fixture("qemu-virt-dt/sys/firmware/fdt")).expect("fixture DTB")
}

#[test]
fn real_qemu_dtb_smmu_node() {
    let tree = fdt::parse_blob(&qemu_dtb()).expect("QEMU's DTB parses");
    let s = fdt::summarize(&tree);
    assert_eq!(s.compatible, vec!["linux,dummy-virt".to_string()]);
    assert_eq!(s.smmus.len(), 1, "{:?}", s.smmus);
    let n = &s.smmus[0];
    assert_eq!(n.path, "/smmuv3@9050000");
    assert_eq!(n.compatible, vec!["arm,smmu-v3".to_string()]);
    assert_eq!(n.reg, vec![("0x9050000".to_string(), "0x20000".to_string())]);
    assert_eq!(n.base_num, Some(0x0905_0000));
    assert!(n.dma_coherent);
    assert_eq!(n.interrupt_names, vec!["eventq", "priq", "cmdq-sync", "gerror"]);
    assert_eq!(n.iommu_cells, Some(1));
    assert!(n.quirks.is_empty(), "{:?}", n.quirks);
}

#[test]
fn real_qemu_dtb_iommu_map() {
    let s = fdt::summarize(&fdt::parse_blob(&qemu_dtb()).unwrap());
    assert_eq!(s.iommu_maps.len(), 1, "{:?}", s.iommu_maps);
    let m = &s.iommu_maps[0];
    assert_eq!(m.host, "/pcie@10000000");
    assert_eq!(m.iommu, "/smmuv3@9050000");
    assert_eq!((m.rid_base, m.iommu_base, m.length), (0, 0, 0x10000));
    assert_eq!(m.iommu_reg, Some(0x0905_0000));
    // 00:01.0 -> RID 0x8, 00:03.0 -> RID 0x18: the StreamIDs Linux uses in the QEMU captures.
    assert_eq!(m.map(0x8), Some(0x8));
    assert_eq!(m.map(0x18), Some(0x18));
    assert_eq!(m.map(0x10000), None);
}

#[test]
fn truncated_blob_is_an_error_not_a_panic() {
    let b = qemu_dtb();
    let total = u32::from_be_bytes([b[4], b[5], b[6], b[7]]) as usize;
    for len in [0, 3, 4, 8, 39, 40, 100, 1000, total / 2, total - 1] {
        let e = fdt::parse_blob(&b[..len]).expect_err("truncated");
        assert!(!e.to_string().is_empty());
    }
    let e = fdt::parse_blob(&b[..100]).unwrap_err();
    assert!(e.to_string().contains("truncated"), "{e}");
    let e = fdt::parse_blob(b"not a device tree").unwrap_err();
    assert!(e.to_string().contains("0xd00dfeed"), "{e}");
}

#[test]
fn unpacked_tree_reads_the_same() {
    // /sys/firmware/devicetree/base form: one directory per node, one file per property.
    let tree = fdt::parse_blob(&qemu_dtb()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    fn write(n: &fdt::DtNode, at: &std::path::Path) {
        std::fs::create_dir_all(at).unwrap();
        for (k, v) in &n.props {
            std::fs::write(at.join(k), v).unwrap();
        }
        // the kernel's pseudo-property, which the blob lacks
        std::fs::write(at.join("name"), format!("{}\0", n.name.split('@').next().unwrap_or(""))).unwrap();
        for c in &n.children {
            write(c, &at.join(&c.name));
        }
    }
    write(&tree, dir.path());
    let from_dir = fdt::read_dir(dir.path()).unwrap();
    assert_eq!(fdt::summarize(&from_dir), fdt::summarize(&tree));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn random_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = fdt::parse_blob(&b);
    }
    #[test]
    fn corrupted_real_blob_never_panics(pos in 0usize..0x2000, val in any::<u8>(), cut in 0usize..0x3000) {
        let mut b = qemu_dtb();
        let total = u32::from_be_bytes([b[4], b[5], b[6], b[7]]) as usize;
        if pos < b.len() { b[pos] = val; }
        let cut = cut.min(b.len());
        // Keep the header's totalsize consistent with the cut so the parser reaches the body.
        let t = (cut as u32).min(total as u32).to_be_bytes();
        if cut >= 8 { b[4..8].copy_from_slice(&t); }
        if let Ok(tree) = fdt::parse_blob(&b[..cut]) { let _ = fdt::summarize(&tree); }
    }
}

#[test]
fn platform_device_iommus_and_quirks() {
    // A board tree in the unpacked form: an SMMUv3 with the Cavium page-1 quirk under a
    // bus with `ranges`, and a platform device with `iommus = <&smmu 0x42>`.
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let be = |v: &[u32]| v.iter().flat_map(|x| x.to_be_bytes()).collect::<Vec<u8>>();
    std::fs::write(root.join("#address-cells"), be(&[2])).unwrap();
    std::fs::write(root.join("#size-cells"), be(&[2])).unwrap();
    let bus = root.join("soc");
    std::fs::create_dir(&bus).unwrap();
    std::fs::write(bus.join("#address-cells"), be(&[1])).unwrap();
    std::fs::write(bus.join("#size-cells"), be(&[1])).unwrap();
    // child 0x0 -> parent 0x1_0000_0000, 1 GiB long
    std::fs::write(bus.join("ranges"), be(&[0x0, 0x1, 0x0, 0x4000_0000])).unwrap();
    let smmu = bus.join("iommu@2b400000");
    std::fs::create_dir(&smmu).unwrap();
    std::fs::write(smmu.join("compatible"), b"arm,smmu-v3\0").unwrap();
    std::fs::write(smmu.join("reg"), be(&[0x2b40_0000, 0x20000])).unwrap();
    std::fs::write(smmu.join("phandle"), be(&[7])).unwrap();
    std::fs::write(smmu.join("#iommu-cells"), be(&[1])).unwrap();
    std::fs::write(smmu.join("cavium,cn9900-broken-page1-regspace"), b"").unwrap();
    std::fs::write(smmu.join("msi-parent"), be(&[9])).unwrap();
    let its = bus.join("msi-controller@2f020000");
    std::fs::create_dir(&its).unwrap();
    std::fs::write(its.join("phandle"), be(&[9])).unwrap();
    let dev = bus.join("dma@3000");
    std::fs::create_dir(&dev).unwrap();
    std::fs::write(dev.join("iommus"), be(&[7, 0x42])).unwrap();
    let s = fdt::summarize(&fdt::read_dir(root).unwrap());
    assert_eq!(s.smmus.len(), 1);
    assert_eq!(s.smmus[0].base_num, Some(0x1_2b40_0000), "reg translated through the bus ranges");
    assert!(!s.smmus[0].dma_coherent);
    assert_eq!(s.smmus[0].quirks[0].property, "cavium,cn9900-broken-page1-regspace");
    assert_eq!(s.smmus[0].msi_parent.as_deref(), Some("/soc/msi-controller@2f020000"));
    assert_eq!(s.platform_stream_ids.len(), 1);
    assert_eq!(
        (s.platform_stream_ids[0].node.as_str(), s.platform_stream_ids[0].sid.as_str()),
        ("/soc/dma@3000", "0x42")
    );
}
