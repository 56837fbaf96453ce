//! What the probe needs besides the registers: the kernel version, what firmware says, and
//! the CPU. One type, [`ProbeOptions`], shared by the CLI flags, the explorer and the web
//! app; it parses from `kernel=6.12,fw=acpi,fw-coherent=false,iort-httu=2,vhe,sva=off`.

use crate::klog::features::KernelVersion;
use serde::Serialize;
use std::str::FromStr;

/// Where the SMMU is described: a device tree or ACPI IORT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum FirmwareKind {
    #[default]
    Dt,
    Acpi,
}

impl FirmwareKind {
    pub fn name(self) -> &'static str {
        match self {
            FirmwareKind::Dt => "dt",
            FirmwareKind::Acpi => "acpi",
        }
    }
}

impl FromStr for FirmwareKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "dt" | "devicetree" | "device-tree" | "fdt" => Ok(FirmwareKind::Dt),
            "acpi" | "iort" => Ok(FirmwareKind::Acpi),
            _ => Err(format!("firmware {s:?}: expected dt or acpi")),
        }
    }
}

/// Whether the kernel's SVA support is built (`CONFIG_ARM_SMMU_V3_SVA`, on in Debian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum SvaMode {
    #[default]
    On,
    Off,
}

impl FromStr for SvaMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match parse_bool(s) {
            Some(true) => Ok(SvaMode::On),
            Some(false) => Ok(SvaMode::Off),
            None => Err(format!("sva {s:?}: expected on or off")),
        }
    }
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "on" | "true" | "yes" | "1" | "y" => Some(true),
        "off" | "false" | "no" | "0" | "n" => Some(false),
        _ => None,
    }
}

/// The CPU facts `arm_smmu_sva_supported()` compares the SMMU with (ID_AA64MMFR0_EL1 and
/// the kernel configuration). The defaults are a common server: 48-bit PA and VA, 16-bit
/// ASIDs, 4KB pages, no FEAT_BBML3 or FEAT_HAFT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Cpu {
    /// Smallest physical address size of all CPUs (ID_AA64MMFR0_EL1.PARange), in bits.
    pub pa_bits: u32,
    /// 16 when ID_AA64MMFR0_EL1.ASIDBits says 16-bit ASIDs, else 8.
    pub asid_bits: u32,
    /// The kernel's virtual address size (vabits_actual).
    pub va_bits: u32,
    /// The kernel's page size in bytes (4096, 16384 or 65536).
    pub page_size: u32,
    /// The CPUs implement FEAT_BBML3 (checked by 7.x's SVA test).
    pub bbml3: bool,
    /// The CPUs implement FEAT_HAFT (checked by 7.x's SVA test).
    pub haft: bool,
}

impl Default for Cpu {
    fn default() -> Self {
        Cpu { pa_bits: 48, asid_bits: 16, va_bits: 48, page_size: 4096, bbml3: false, haft: false }
    }
}

/// Every input of the probe besides the registers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProbeOptions {
    /// `None`: the newest modelled kernel.
    pub kernel: Option<KernelVersion>,
    pub firmware: FirmwareKind,
    /// DT `dma-coherent` / IORT COHACC override. `None`: firmware agrees with IDR0.COHACC.
    pub coherent: Option<bool>,
    /// IORT SMMUv3 node HTTU override (flags bits 2:1, 0-3), ACPI only. `None`: it agrees
    /// with IDR0.HTTU.
    pub iort_httu: Option<u8>,
    /// IORT SMMUv3 node model (0 generic, 1 HiSilicon Hi161x, 2 Cavium CN99xx), ACPI only.
    pub iort_model: u32,
    /// DT quirk properties present on the SMMU node (`hisilicon,broken-prefetch-cmd`,
    /// `cavium,cn9900-broken-page1-regspace`).
    pub dt_properties: Vec<String>,
    /// The kernel runs at EL2 with VHE (ARM64_HAS_VIRT_HOST_EXTN).
    pub vhe: bool,
    pub sva: SvaMode,
    pub cpu: Cpu,
    /// The device to assign is CANWBS (IORT memory access flags), for the vIOMMU check.
    pub canwbs: Option<bool>,
}

impl ProbeOptions {
    /// Applies one `key=value` (or bare `key` for a flag); the keys are the CLI's flag
    /// names without `--`.
    pub fn set(&mut self, key: &str, value: Option<&str>) -> Result<(), String> {
        let k = key.trim().trim_start_matches("--").to_ascii_lowercase().replace('_', "-");
        fn need<'v>(k: &str, v: Option<&'v str>) -> Result<&'v str, String> {
            v.map(str::trim).filter(|v| !v.is_empty()).ok_or_else(|| format!("{k}: needs a value"))
        }
        let boolv = |v: Option<&str>| match v {
            None => Ok(true),
            Some(s) => parse_bool(s).ok_or_else(|| format!("{k}={s:?}: expected true or false")),
        };
        let num = |v: Option<&str>| -> Result<u64, String> {
            let s = need(&k, v)?;
            let r = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
                Some(h) => u64::from_str_radix(h, 16),
                None => s.parse::<u64>(),
            };
            r.map_err(|_| format!("{k}={s:?}: expected a number"))
        };
        match k.as_str() {
            "kernel" => {
                let s = need(&k, value)?;
                self.kernel = Some(KernelVersion::parse(s).ok_or_else(|| format!("kernel={s:?}: expected a version like 6.12"))?);
            }
            "fw" | "firmware" => self.firmware = need(&k, value)?.parse()?,
            "fw-coherent" | "coherent" => self.coherent = Some(boolv(value)?),
            "iort-httu" => {
                let n = num(value)?;
                if n > 3 {
                    return Err(format!("iort-httu={n}: the IORT HTTU override is a 2-bit field (0-3)"));
                }
                self.iort_httu = Some(n as u8);
            }
            "iort-model" => self.iort_model = u32::try_from(num(value)?).map_err(|_| format!("{k}: too large"))?,
            "dt-property" => self.dt_properties.push(need(&k, value)?.to_string()),
            "vhe" => self.vhe = boolv(value)?,
            "sva" => self.sva = need(&k, value)?.parse()?,
            "fw-canwbs" | "canwbs" => self.canwbs = Some(boolv(value)?),
            "cpu-pa-bits" => self.cpu.pa_bits = u32::try_from(num(value)?).map_err(|_| format!("{k}: too large"))?,
            "cpu-asid-bits" => self.cpu.asid_bits = u32::try_from(num(value)?).map_err(|_| format!("{k}: too large"))?,
            "cpu-va-bits" => self.cpu.va_bits = u32::try_from(num(value)?).map_err(|_| format!("{k}: too large"))?,
            "page-size" => self.cpu.page_size = u32::try_from(num(value)?).map_err(|_| format!("{k}: too large"))?,
            "cpu-bbml3" => self.cpu.bbml3 = boolv(value)?,
            "cpu-haft" => self.cpu.haft = boolv(value)?,
            _ => return Err(format!("unknown probe option {key:?} (kernel, fw, fw-coherent, iort-httu, iort-model, dt-property, vhe, sva, fw-canwbs, cpu-pa-bits, cpu-asid-bits, cpu-va-bits, page-size, cpu-bbml3, cpu-haft)")),
        }
        if !matches!(self.cpu.page_size, 4096 | 16384 | 65536) {
            return Err(format!("page-size={}: expected 4096, 16384 or 65536", self.cpu.page_size));
        }
        Ok(())
    }
}

impl FromStr for ProbeOptions {
    type Err = String;
    /// `kernel=6.12,fw=acpi,fw-coherent=false,iort-httu=2,vhe,sva=off` (any order; empty
    /// gives the defaults).
    fn from_str(s: &str) -> Result<Self, String> {
        let mut o = ProbeOptions::default();
        for item in s.split([',', ' ', '\n']).map(str::trim).filter(|x| !x.is_empty()) {
            match item.split_once('=') {
                Some((k, v)) => o.set(k, Some(v))?,
                None => o.set(item, None)?,
            }
        }
        Ok(o)
    }
}
