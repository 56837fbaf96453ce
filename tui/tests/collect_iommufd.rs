//! iommufd / VFIO uAPI encodings, checked against the Linux headers
//! (include/uapi/linux/iommufd.h, include/uapi/linux/vfio.h). The ioctl path itself cannot
//! run end to end here: Debian's arm64 kernels do not enable CONFIG_IOMMUFD.
use smmu_tui::collect::iommufd::*;
use std::mem::{offset_of, size_of};

#[test]
fn ioctl_numbers() {
    // _IO(type, nr) = (type << 8) | nr with no direction or size bits.
    // IOMMU_GET_HW_INFO = _IO(';' = 0x3b, IOMMUFD_CMD_GET_HW_INFO = 0x8a)
    assert_eq!(IOMMU_GET_HW_INFO as u64, 0x3b8a);
    // VFIO_DEVICE_BIND_IOMMUFD = _IO(VFIO_TYPE = ';', VFIO_BASE (100) + 18 = 0x76)
    assert_eq!(VFIO_DEVICE_BIND_IOMMUFD as u64, 0x3b76);
    assert_eq!(IOMMU_HW_INFO_TYPE_ARM_SMMUV3, 2);
}

#[test]
fn struct_iommu_hw_info_layout() {
    // struct iommu_hw_info { __u32 size; __u32 flags; __u32 dev_id; __u32 data_len;
    //   __aligned_u64 data_uptr; union { __u32 in_data_type; __u32 out_data_type; };
    //   __u8 out_max_pasid_log2; __u8 __reserved[3]; __aligned_u64 out_capabilities; }
    assert_eq!(size_of::<IommuHwInfo>(), 40);
    assert_eq!(offset_of!(IommuHwInfo, size), 0);
    assert_eq!(offset_of!(IommuHwInfo, flags), 4);
    assert_eq!(offset_of!(IommuHwInfo, dev_id), 8);
    assert_eq!(offset_of!(IommuHwInfo, data_len), 12);
    assert_eq!(offset_of!(IommuHwInfo, data_uptr), 16);
    assert_eq!(offset_of!(IommuHwInfo, data_type), 24);
    assert_eq!(offset_of!(IommuHwInfo, out_max_pasid_log2), 28);
    assert_eq!(offset_of!(IommuHwInfo, reserved), 29);
    assert_eq!(offset_of!(IommuHwInfo, out_capabilities), 32);
}

#[test]
fn struct_iommu_hw_info_arm_smmuv3_layout() {
    // struct iommu_hw_info_arm_smmuv3 { __u32 flags; __u32 __reserved; __u32 idr[6];
    //   __u32 iidr; __u32 aidr; }  -- 40 bytes, the same 40 bytes `smmu decode` accepts raw.
    assert_eq!(size_of::<IommuHwInfoArmSmmuv3>(), 40);
    assert_eq!(offset_of!(IommuHwInfoArmSmmuv3, flags), 0);
    assert_eq!(offset_of!(IommuHwInfoArmSmmuv3, idr), 8);
    assert_eq!(offset_of!(IommuHwInfoArmSmmuv3, iidr), 32);
    assert_eq!(offset_of!(IommuHwInfoArmSmmuv3, aidr), 36);
}

#[test]
fn struct_vfio_device_bind_iommufd_layout() {
    // struct vfio_device_bind_iommufd { __u32 argsz; __u32 flags; __s32 iommufd; __u32 out_devid; }
    assert_eq!(size_of::<VfioDeviceBindIommufd>(), 16);
    assert_eq!(offset_of!(VfioDeviceBindIommufd, argsz), 0);
    assert_eq!(offset_of!(VfioDeviceBindIommufd, flags), 4);
    assert_eq!(offset_of!(VfioDeviceBindIommufd, iommufd), 8);
    assert_eq!(offset_of!(VfioDeviceBindIommufd, out_devid), 12);
}

#[test]
fn capabilities_and_output() {
    // enum iommufd_hw_capabilities: DIRTY_TRACKING = 1 << 0, PCI_PASID_EXEC = 1 << 1,
    // PCI_PASID_PRIV = 1 << 2.
    assert_eq!(
        cap_names(0b111),
        ["IOMMU_HW_CAP_DIRTY_TRACKING", "IOMMU_HW_CAP_PCI_PASID_EXEC", "IOMMU_HW_CAP_PCI_PASID_PRIV"]
    );
    assert!(cap_names(1 << 40)[0].contains("unknown"));
    // QEMU's stage-1 SMMUv3 as the kernel would report it.
    let data = IommuHwInfoArmSmmuv3 {
        flags: 0,
        reserved: 0,
        idr: [0x0d44101a, 0x02730010, 0, 0x1404, 0, 0x74],
        iidr: 0,
        aidr: 1,
    };
    let info = IommuHwInfo {
        dev_id: 1,
        data_len: 40,
        data_type: 2,
        out_max_pasid_log2: 16,
        out_capabilities: 0b110,
        ..Default::default()
    };
    let h = hw_info_from("/dev/vfio/devices/vfio0".into(), &info, data);
    assert_eq!(h.idr[0], "0x0d44101a");
    assert_eq!(h.aidr, "0x00000001");
    assert_eq!(h.out_max_pasid_log2, 16);
    assert_eq!(h.capabilities.len(), 2);
}

#[test]
fn missing_devices_are_reported_not_fatal() {
    let e = get_hw_info(std::path::Path::new("/nonexistent/vfio0"), std::path::Path::new("/nonexistent/iommu"))
        .unwrap_err();
    assert!(matches!(e, IommufdError::Missing(_)), "{e:?}");
}

#[test]
fn hw_info_becomes_registers() {
    let data = IommuHwInfoArmSmmuv3 {
        flags: 0,
        reserved: 0,
        idr: [0x0d44101a, 0x02730010, 0, 0x1404, 0, 0x74],
        iidr: 0x43b,
        aidr: 1,
    };
    let h = hw_info_from("/dev/vfio/devices/vfio0".into(), &IommuHwInfo::default(), data);
    let r = smmu_tui::collect::registers_from_hw_info(&h);
    assert_eq!(r.len(), 8);
    assert_eq!(r.get("IDR0"), Some(0x0d44101a));
    assert_eq!(r.get("IDR5"), Some(0x74));
    assert_eq!(r.get("IIDR"), Some(0x43b));
    assert_eq!(r.get("AIDR"), Some(1));
    assert!(r.get_entry("IDR3").unwrap().origin.source.contains("IOMMU_GET_HW_INFO"));
}
