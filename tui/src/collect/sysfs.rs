//! sysfs and procfs: SMMU instances (/sys/class/iommu, the arm-smmu-v3 platform driver),
//! register windows in /proc/iomem, iommu groups and their default domain type, PCI devices,
//! the kernel command line and version, and the CPU's MIDR_EL1.

use super::safefs::Root;
use serde::Serialize;

fn link_name(fs: &Root, p: &str) -> Option<String> {
    fs.link_name(p)
}

fn list_dir(fs: &Root, p: &str) -> std::io::Result<Vec<String>> {
    fs.list(p)
}

/// An SMMU as the kernel shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct SmmuInstance {
    /// The iommu class device name (`smmu3.0x0000000009050000`), when registered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iommu_class: Option<String>,
    /// The platform device (`9050000.smmuv3`, `arm-smmu-v3.0.auto`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver: Option<String>,
    /// Register base, and where it was learned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub base_sources: Vec<String>,
    /// /proc/iomem ranges claimed under this device's name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub iomem: Vec<String>,
    /// Devices the kernel lists under the iommu class device.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<String>,
    #[serde(skip)]
    pub base_num: Option<u64>,
}

impl SmmuInstance {
    pub fn set_base(&mut self, base: u64, source: &str) {
        if self.base_num.is_none() {
            self.base_num = Some(base);
            self.base = Some(format!("{base:#x}"));
        }
        if self.base_num == Some(base) {
            if !self.base_sources.iter().any(|s| s == source) {
                self.base_sources.push(source.to_string());
            }
        } else {
            self.base_sources.push(format!("{source} says {base:#x} (disagrees)"));
        }
    }
}

/// Parses the base from an iommu class name `smmu3.0x<hex>` (Linux names SMMUv3 instances
/// after their register base).
pub fn base_from_class_name(n: &str) -> Option<u64> {
    let h = n.strip_prefix("smmu3.")?;
    smmu_core::snapshot::parse_hex_u64(h)
}

pub struct ClassScan {
    pub instances: Vec<SmmuInstance>,
    /// The number of iommu class entries that are not SMMUv3 (other IOMMUs).
    pub others: Vec<String>,
}

pub fn scan_iommu_class(fs: &Root) -> std::io::Result<ClassScan> {
    let dir = "/sys/class/iommu";
    let mut out = ClassScan { instances: vec![], others: vec![] };
    for n in list_dir(fs, dir)? {
        let p = format!("{dir}/{n}");
        let Some(base) = base_from_class_name(&n) else {
            out.others.push(n);
            continue;
        };
        let mut inst = SmmuInstance { iommu_class: Some(n.clone()), ..Default::default() };
        inst.set_base(base, "/sys/class/iommu name");
        inst.device = link_name(fs, &format!("{p}/device"));
        inst.driver = inst.device.as_ref().and_then(|_| link_name(fs, &format!("{p}/device/driver")));
        inst.devices = list_dir(fs, &format!("{p}/devices")).unwrap_or_default();
        out.instances.push(inst);
    }
    Ok(out)
}

/// Devices bound to the arm-smmu-v3 platform driver.
pub fn scan_platform_driver(fs: &Root) -> std::io::Result<Vec<String>> {
    Ok(list_dir(fs, "/sys/bus/platform/drivers/arm-smmu-v3")?
        .into_iter()
        .filter(|n| !matches!(n.as_str(), "bind" | "unbind" | "uevent" | "module" | "new_id" | "remove_id"))
        .collect())
}

/// Platform devices whose name says SMMUv3 (`*.smmuv3`, `arm-smmu-v3*`), bound or not.
pub fn scan_platform_devices(fs: &Root) -> std::io::Result<Vec<(String, Option<String>)>> {
    let dir = "/sys/bus/platform/devices";
    Ok(list_dir(fs, dir)?
        .into_iter()
        .filter(|n| n.contains("smmuv3") || n.starts_with("arm-smmu-v3") || n.contains("smmu-v3"))
        .map(|n| {
            let d = link_name(fs, &format!("{dir}/{n}/driver"));
            (n, d)
        })
        .collect())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IomemRange {
    pub start: u64,
    pub end: u64,
    pub name: String,
    pub depth: usize,
}

/// Parses /proc/iomem (`start-end : name`, two spaces of indent per level). `hidden` is true
/// when every address reads as zero (an unprivileged reader).
pub fn parse_iomem(text: &str) -> (Vec<IomemRange>, bool) {
    let mut v = Vec::new();
    for line in text.lines() {
        let depth = line.len() - line.trim_start().len();
        let Some((range, name)) = line.trim().split_once(" : ") else { continue };
        let Some((a, b)) = range.split_once('-') else { continue };
        let (Ok(start), Ok(end)) = (u64::from_str_radix(a.trim(), 16), u64::from_str_radix(b.trim(), 16)) else {
            continue;
        };
        v.push(IomemRange { start, end, name: name.trim().to_string(), depth: depth / 2 });
    }
    let hidden = !v.is_empty() && v.iter().all(|r| r.start == 0 && r.end == 0);
    (v, hidden)
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct IommuGroup {
    pub id: String,
    /// Default domain type (`DMA`, `DMA-FQ`, `identity`, `blocked`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_domain_type: Option<String>,
    pub devices: Vec<String>,
}

pub fn scan_groups(fs: &Root) -> std::io::Result<Vec<IommuGroup>> {
    let dir = "/sys/kernel/iommu_groups";
    let mut v: Vec<IommuGroup> = list_dir(fs, dir)?
        .into_iter()
        .map(|id| {
            let g = format!("{dir}/{id}");
            IommuGroup {
                default_domain_type: fs.read_text(&format!("{g}/type")).ok(),
                devices: list_dir(fs, &format!("{g}/devices")).unwrap_or_default(),
                id,
            }
        })
        .collect();
    v.sort_by_key(|g| g.id.parse::<u64>().unwrap_or(u64::MAX));
    Ok(v)
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PciDevice {
    pub bdf: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iommu_group: Option<String>,
    /// The iommu class device the kernel attached it to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iommu: Option<String>,
    /// PCI RequesterID (bus << 8 | device << 3 | function).
    pub rid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid_source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smmu_base: Option<String>,
    #[serde(skip)]
    pub domain: u32,
    #[serde(skip)]
    pub rid_num: u32,
}

/// Splits `DDDD:BB:DD.F` into (domain, RequesterID).
pub fn parse_bdf(s: &str) -> Option<(u32, u32)> {
    let (dom, rest) = s.split_once(':')?;
    let (bus, rest) = rest.split_once(':')?;
    let (dev, func) = rest.split_once('.')?;
    let d = u32::from_str_radix(dom, 16).ok()?;
    let b = u32::from_str_radix(bus, 16).ok()?;
    let v = u32::from_str_radix(dev, 16).ok()?;
    let f = u32::from_str_radix(func, 16).ok()?;
    if b > 0xff || v > 0x1f || f > 7 {
        return None;
    }
    Some((d, (b << 8) | (v << 3) | f))
}

pub fn scan_pci(fs: &Root) -> std::io::Result<Vec<PciDevice>> {
    let dir = "/sys/bus/pci/devices";
    let mut v = Vec::new();
    for n in list_dir(fs, dir)? {
        let Some((domain, rid)) = parse_bdf(&n) else { continue };
        let p = format!("{dir}/{n}");
        let text = |a: &str| fs.read_text(&format!("{p}/{a}")).ok();
        let link = |a: &str| link_name(fs, &format!("{p}/{a}"));
        v.push(PciDevice {
            vendor: text("vendor"),
            device: text("device"),
            class: text("class"),
            driver: link("driver"),
            iommu_group: link("iommu_group"),
            iommu: link("iommu"),
            rid: format!("{rid:#x}"),
            sid: None,
            sid_source: None,
            smmu_base: None,
            bdf: n,
            domain,
            rid_num: rid,
        });
    }
    Ok(v)
}

/// MIDR_EL1 decoded into implementer, variant, architecture, part number and revision
/// (Arm ARM D23.2 MIDR_EL1 field positions).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Midr {
    pub value: String,
    pub implementer: String,
    pub implementer_name: &'static str,
    pub variant: u8,
    pub architecture: u8,
    pub part_num: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part_name: Option<&'static str>,
    pub revision: u8,
}

pub fn decode_midr(v: u64) -> Midr {
    let imp = ((v >> 24) & 0xff) as u8;
    let part = ((v >> 4) & 0xfff) as u16;
    let implementer_name = match imp {
        0x41 => "Arm",
        0x42 => "Broadcom",
        0x43 => "Cavium",
        0x46 => "Fujitsu",
        0x48 => "HiSilicon",
        0x4e => "NVIDIA",
        0x50 => "Applied Micro",
        0x51 => "Qualcomm",
        0x61 => "Apple",
        0x6d => "Microsoft",
        0xc0 => "Ampere",
        0x00 => "reserved for software (QEMU -cpu max)",
        _ => "unknown",
    };
    let part_name = if imp == 0x41 {
        match part {
            0xd03 => Some("Cortex-A53"),
            0xd07 => Some("Cortex-A57"),
            0xd08 => Some("Cortex-A72"),
            0xd0c => Some("Neoverse N1"),
            0xd40 => Some("Neoverse V1"),
            0xd49 => Some("Neoverse N2"),
            0xd4f => Some("Neoverse V2"),
            0xd84 => Some("Neoverse V3"),
            0xd8e => Some("Neoverse N3"),
            _ => None,
        }
    } else {
        None
    };
    Midr {
        value: format!("{v:#018x}"),
        implementer: format!("{imp:#04x}"),
        implementer_name,
        variant: ((v >> 20) & 0xf) as u8,
        architecture: ((v >> 16) & 0xf) as u8,
        part_num: format!("{part:#05x}"),
        part_name,
        revision: (v & 0xf) as u8,
    }
}

pub const MIDR_PATH: &str = "/sys/devices/system/cpu/cpu0/regs/identification/midr_el1";
