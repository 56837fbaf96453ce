//! iommufd `IOMMU_GET_HW_INFO` for a device bound to vfio-pci through its VFIO cdev
//! (/dev/vfio/devices/vfioN): `VFIO_DEVICE_BIND_IOMMUFD` to /dev/iommu first, then
//! `IOMMU_GET_HW_INFO` with a `struct iommu_hw_info_arm_smmuv3` buffer. The kernel returns
//! the raw SMMU_IDR0-5, IIDR and AIDR plus `out_capabilities`, `out_max_pasid_log2` and
//! the SMMUv3 data's `flags`.
//!
//! Layouts and numbers are those of the Linux uAPI (include/uapi/linux/iommufd.h and
//! include/uapi/linux/vfio.h): IOMMUFD_TYPE = VFIO_TYPE = ';' (0x3b); IOMMU_GET_HW_INFO is
//! `_IO(';', IOMMUFD_CMD_GET_HW_INFO = 0x8a)`; VFIO_DEVICE_BIND_IOMMUFD is
//! `_IO(';', VFIO_BASE + 18)` with VFIO_BASE = 100. Debian's arm64 kernels do not enable
//! CONFIG_IOMMUFD, so this path is covered by layout tests, not run end to end.

use serde::Serialize;
use std::path::Path;

pub const IOMMUFD_TYPE: u8 = b';';
pub const IOMMUFD_CMD_GET_HW_INFO: u8 = 0x8a;
pub const VFIO_BASE: u8 = 100;
pub const IOMMU_HW_INFO_TYPE_ARM_SMMUV3: u32 = 2;

pub const IOMMU_GET_HW_INFO: rustix::ioctl::Opcode = rustix::ioctl::opcode::none(IOMMUFD_TYPE, IOMMUFD_CMD_GET_HW_INFO);
pub const VFIO_DEVICE_BIND_IOMMUFD: rustix::ioctl::Opcode = rustix::ioctl::opcode::none(IOMMUFD_TYPE, VFIO_BASE + 18);

/// `struct vfio_device_bind_iommufd` (the 16-byte form without the optional token).
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub struct VfioDeviceBindIommufd {
    pub argsz: u32,
    pub flags: u32,
    pub iommufd: i32,
    pub out_devid: u32,
}

/// `struct iommu_hw_info`.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub struct IommuHwInfo {
    pub size: u32,
    pub flags: u32,
    pub dev_id: u32,
    pub data_len: u32,
    pub data_uptr: u64,
    /// `in_data_type` / `out_data_type` (a union in C).
    pub data_type: u32,
    pub out_max_pasid_log2: u8,
    pub reserved: [u8; 3],
    pub out_capabilities: u64,
}

/// `struct iommu_hw_info_arm_smmuv3`.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct IommuHwInfoArmSmmuv3 {
    pub flags: u32,
    pub reserved: u32,
    pub idr: [u32; 6],
    pub iidr: u32,
    pub aidr: u32,
}

/// `enum iommufd_hw_capabilities` bits, by name.
pub const HW_CAPS: &[(u64, &str)] = &[
    (1 << 0, "IOMMU_HW_CAP_DIRTY_TRACKING"),
    (1 << 1, "IOMMU_HW_CAP_PCI_PASID_EXEC"),
    (1 << 2, "IOMMU_HW_CAP_PCI_PASID_PRIV"),
    (1 << 3, "IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED"),
];

pub fn cap_names(caps: u64) -> Vec<String> {
    let mut v: Vec<String> = HW_CAPS.iter().filter(|(b, _)| caps & b != 0).map(|(_, n)| n.to_string()).collect();
    let known = HW_CAPS.iter().fold(0, |a, (b, _)| a | b);
    if caps & !known != 0 {
        v.push(format!("unknown bits {:#x}", caps & !known));
    }
    v
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HwInfo {
    pub device: String,
    pub dev_id: u32,
    pub out_data_type: u32,
    pub data_len: u32,
    pub out_capabilities: String,
    pub capabilities: Vec<String>,
    pub out_max_pasid_log2: u8,
    /// `iommu_hw_info_arm_smmuv3.flags`.
    pub flags: String,
    pub idr: Vec<String>,
    pub iidr: String,
    pub aidr: String,
    #[serde(skip)]
    pub raw: IommuHwInfoArmSmmuv3,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IommufdError {
    Missing(String),
    Refused(String),
    /// The ioctl (or open) failed; `hint` says what that errno means here.
    Failed(String),
    /// Failed with an errno that says what to do.
    Hinted {
        msg: String,
        hint: &'static str,
    },
}

impl IommufdError {
    pub fn message(&self) -> &str {
        match self {
            IommufdError::Missing(m) | IommufdError::Refused(m) | IommufdError::Failed(m) => m,
            IommufdError::Hinted { msg, .. } => msg,
        }
    }
}

/// What an errno from `VFIO_DEVICE_BIND_IOMMUFD` (`bind`) or `IOMMU_GET_HW_INFO` means.
pub fn errno_hint(e: rustix::io::Errno, bind: bool) -> Option<&'static str> {
    use rustix::io::Errno;
    Some(match e {
        Errno::NOTTY if bind => {
            "the file does not know VFIO ioctls: name a VFIO cdev (/dev/vfio/devices/vfioN, or the device's PCI address)"
        }
        Errno::NOTTY => "the file given as /dev/iommu does not know iommufd ioctls (kernel without CONFIG_IOMMUFD?)",
        Errno::ACCESS | Errno::PERM => "run as root (sudo smmu collect)",
        Errno::NODEV => "the device has no IOMMU in front of it, or it was removed",
        Errno::BUSY => "the device is in use (bound by a VMM or another iommufd); try an idle one",
        Errno::OPNOTSUPP => "the IOMMU driver does not report hardware information (a kernel older than 6.6?)",
        Errno::INVAL if bind => "the kernel refused the bind (an older VFIO uAPI, or the device is not a cdev)",
        Errno::INVAL => "the kernel refused the request layout (an older iommufd uAPI?)",
        _ => return None,
    })
}

fn failed(msg: String, e: rustix::io::Errno, bind: bool) -> IommufdError {
    match errno_hint(e, bind) {
        Some(h) if matches!(e, rustix::io::Errno::ACCESS | rustix::io::Errno::PERM) => {
            IommufdError::Refused(format!("{msg} ({h})"))
        }
        Some(hint) => IommufdError::Hinted { msg, hint },
        None => IommufdError::Failed(msg),
    }
}

/// Opens a character device read-write without blocking; anything else (a regular file, a
/// FIFO) is refused before any ioctl is tried.
fn open_rw(p: &Path) -> Result<std::fs::File, IommufdError> {
    use rustix::fs::{Mode, OFlags};
    let shown = p.display().to_string();
    let fd = rustix::fs::open(p, OFlags::RDWR | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC, Mode::empty())
        .map_err(|e| match e {
            rustix::io::Errno::NOENT => IommufdError::Missing(format!("{shown}: {}", std::io::Error::from(e))),
            rustix::io::Errno::ACCESS | rustix::io::Errno::PERM => {
                IommufdError::Refused(format!("{shown}: {}", std::io::Error::from(e)))
            }
            _ => failed(format!("{shown}: {}", std::io::Error::from(e)), e, true),
        })?;
    let st =
        rustix::fs::fstat(&fd).map_err(|e| IommufdError::Failed(format!("{shown}: {}", std::io::Error::from(e))))?;
    let t = rustix::fs::FileType::from_raw_mode(st.st_mode);
    if t != rustix::fs::FileType::CharacterDevice {
        return Err(IommufdError::Hinted {
            msg: format!("{shown} is not a character device ({t:?}): no ioctl was tried"),
            hint: "name a VFIO cdev (/dev/vfio/devices/vfioN, or the device's PCI address)",
        });
    }
    Ok(std::fs::File::from(fd))
}

/// Binds the VFIO cdev to a fresh iommufd and asks for the SMMUv3 hardware information.
/// Both file descriptors are closed on return (which unbinds the device).
pub fn get_hw_info(vfio_cdev: &Path, iommu_dev: &Path) -> Result<HwInfo, IommufdError> {
    use std::os::fd::AsRawFd;
    let iommufd = open_rw(iommu_dev)?;
    let dev = open_rw(vfio_cdev)?;
    let mut bind = VfioDeviceBindIommufd {
        argsz: std::mem::size_of::<VfioDeviceBindIommufd>() as u32,
        flags: 0,
        iommufd: iommufd.as_raw_fd(),
        out_devid: 0,
    };
    // SAFETY: the opcode is VFIO_DEVICE_BIND_IOMMUFD and the argument is the uAPI struct
    // it expects, which lives for the duration of the call.
    unsafe {
        let op = rustix::ioctl::Updater::<{ VFIO_DEVICE_BIND_IOMMUFD }, VfioDeviceBindIommufd>::new(&mut bind);
        rustix::ioctl::ioctl(&dev, op)
    }
    .map_err(|e| failed(format!("VFIO_DEVICE_BIND_IOMMUFD on {}: {e}", vfio_cdev.display()), e, true))?;
    let mut data = IommuHwInfoArmSmmuv3::default();
    let mut info = IommuHwInfo {
        size: std::mem::size_of::<IommuHwInfo>() as u32,
        dev_id: bind.out_devid,
        data_len: std::mem::size_of::<IommuHwInfoArmSmmuv3>() as u32,
        data_uptr: (&mut data as *mut IommuHwInfoArmSmmuv3) as usize as u64,
        ..Default::default()
    };
    // SAFETY: IOMMU_GET_HW_INFO with its uAPI struct; data_uptr points at `data`, whose size is
    // data_len, and both outlive the call.
    unsafe {
        let op = rustix::ioctl::Updater::<{ IOMMU_GET_HW_INFO }, IommuHwInfo>::new(&mut info);
        rustix::ioctl::ioctl(&iommufd, op)
    }
    .map_err(|e| failed(format!("IOMMU_GET_HW_INFO for {}: {e}", vfio_cdev.display()), e, false))?;
    if info.data_type != IOMMU_HW_INFO_TYPE_ARM_SMMUV3 {
        return Err(IommufdError::Failed(format!(
            "{}: out_data_type {} is not IOMMU_HW_INFO_TYPE_ARM_SMMUV3 (2): not behind an SMMUv3",
            vfio_cdev.display(),
            info.data_type
        )));
    }
    Ok(hw_info_from(vfio_cdev.display().to_string(), &info, data))
}

pub fn hw_info_from(device: String, info: &IommuHwInfo, data: IommuHwInfoArmSmmuv3) -> HwInfo {
    HwInfo {
        device,
        dev_id: info.dev_id,
        out_data_type: info.data_type,
        data_len: info.data_len,
        out_capabilities: format!("{:#x}", info.out_capabilities),
        capabilities: cap_names(info.out_capabilities),
        out_max_pasid_log2: info.out_max_pasid_log2,
        flags: format!("{:#x}", data.flags),
        idr: data.idr.iter().map(|v| format!("{v:#010x}")).collect(),
        iidr: format!("{:#010x}", data.iidr),
        aidr: format!("{:#010x}", data.aidr),
        raw: data,
    }
}
