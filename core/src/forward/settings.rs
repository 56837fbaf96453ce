//! The forward options as users spell them: one set of names for the CLI flags
//! (`--qemu-ril`) and the JS API keys (`qemu_ril` or `qemu-ril`), parsed and checked once here.
//! Frontends fill [`ForwardSettings`] (the CLI field by field, the JS API by deserializing its
//! options object) and call [`ForwardSettings::resolve`]; an error names the option, and each
//! frontend spells it its own way ([`OptionError::option`]).

use super::{Caps, ForwardOptions, KernelVersion, NumOrAuto, OnOffAuto, Vmm};
use serde::{Deserialize, Deserializer};

/// An option value given as text, a number or a boolean (`"44"`, `44`, `"auto"`, `true`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Any {
            S(String),
            U(u64),
            B(bool),
        }
        Ok(Text(match Any::deserialize(d)? {
            Any::S(s) => s,
            Any::U(n) => n.to_string(),
            Any::B(b) => b.to_string(),
        }))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text(s.to_string())
    }
}

/// `vmm`: `"strict,openvmm"` or `["strict", "openvmm"]`.
fn names<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum List {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<List>::deserialize(d)? {
        None => vec![],
        Some(List::One(s)) => s.split(',').map(str::to_string).collect(),
        Some(List::Many(v)) => v,
    })
}

/// Every forward option, unparsed. `None`: not given (the analysis default applies).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ForwardSettings {
    /// VMM profiles to show: strict, qemu-accel, cloud-hypervisor, openvmm (empty: all).
    #[serde(deserialize_with = "names")]
    pub vmm: Vec<String>,
    /// QEMU arm-smmuv3,accel=on `ril`: on, off, auto (default on).
    #[serde(alias = "qemu-ril")]
    pub qemu_ril: Option<Text>,
    /// QEMU `ats`: on, off, auto (default off).
    #[serde(alias = "qemu-ats")]
    pub qemu_ats: Option<Text>,
    /// QEMU `oas`: 44, 48 or auto (default 44).
    #[serde(alias = "qemu-oas")]
    pub qemu_oas: Option<Text>,
    /// QEMU `ssidsize`: 0-20 or auto (default 0).
    #[serde(alias = "qemu-ssidsize")]
    pub qemu_ssidsize: Option<Text>,
    /// OpenVMM OAS policy: auto or a number of bits (default auto).
    #[serde(alias = "openvmm-oas")]
    pub openvmm_oas: Option<Text>,
    /// OpenVMM SIDSIZE (default 16).
    #[serde(alias = "openvmm-sidsize")]
    pub openvmm_sidsize: Option<Text>,
    /// `struct iommu_hw_info::out_capabilities`: names, a number, or none.
    pub caps: Option<Text>,
    /// `struct iommu_hw_info::out_max_pasid_log2`.
    #[serde(alias = "max-pasid-log2")]
    pub max_pasid_log2: Option<Text>,
    /// Host kernel version (6.13).
    pub kernel: Option<Text>,
    /// `struct iommu_hw_info_arm_smmuv3::flags`.
    #[serde(alias = "hw-info-flags")]
    pub hw_info_flags: Option<Text>,
    /// Firmware says the SMMU is coherent.
    #[serde(alias = "fw-coherent")]
    pub fw_coherent: Option<Text>,
    /// Firmware marks the device CANWBS.
    #[serde(alias = "fw-canwbs")]
    pub fw_canwbs: Option<Text>,
    /// Firmware HTTU override (0-3).
    #[serde(alias = "fw-httu-override")]
    pub fw_httu_override: Option<Text>,
}

/// An option that does not parse: `option` is its snake_case name (`qemu_ril`); the CLI
/// shows it as `--qemu-ril`, the JS API as `options.qemu_ril`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{option}: {message}")]
pub struct OptionError {
    pub option: &'static str,
    pub message: String,
}

impl OptionError {
    /// The option as a command-line flag: `--qemu-ril`.
    pub fn flag(&self) -> String {
        format!("--{}", self.option.replace('_', "-"))
    }
}

fn err(option: &'static str) -> impl Fn(String) -> OptionError {
    move |message| OptionError { option, message }
}

fn number(option: &'static str, t: &Text) -> Result<u64, OptionError> {
    crate::num::parse_u64(&t.0).map_err(|e| err(option)(e.to_string()))
}

fn small(option: &'static str, t: &Text, max: u64) -> Result<u8, OptionError> {
    let n = number(option, t)?;
    match u8::try_from(n) {
        Ok(v) if n <= max => Ok(v),
        _ => Err(err(option)(format!("{n} is out of range (0-{max})"))),
    }
}

fn boolean(option: &'static str, t: &Text) -> Result<bool, OptionError> {
    match t.0.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        other => Err(err(option)(format!("{other:?}: expected true or false"))),
    }
}

impl ForwardSettings {
    /// The analysis options these settings stand for.
    pub fn resolve(&self) -> Result<ForwardOptions, OptionError> {
        let mut o = ForwardOptions::default();
        for v in self.vmm.iter().filter(|v| !v.trim().is_empty()) {
            let vm = Vmm::parse(v).map_err(err("vmm"))?;
            if !o.vmms.contains(&vm) {
                o.vmms.push(vm);
            }
        }
        if let Some(t) = &self.qemu_ril {
            o.qemu.ril = OnOffAuto::parse(&t.0).map_err(err("qemu_ril"))?;
        }
        if let Some(t) = &self.qemu_ats {
            o.qemu.ats = OnOffAuto::parse(&t.0).map_err(err("qemu_ats"))?;
        }
        if let Some(t) = &self.qemu_oas {
            o.qemu.oas = NumOrAuto::parse(&t.0).map_err(err("qemu_oas"))?;
        }
        if let Some(t) = &self.qemu_ssidsize {
            o.qemu.ssidsize = NumOrAuto::parse(&t.0).map_err(err("qemu_ssidsize"))?;
        }
        if let Some(t) = &self.openvmm_oas {
            o.openvmm.oas = NumOrAuto::parse(&t.0).map_err(err("openvmm_oas"))?;
        }
        if let Some(t) = &self.openvmm_sidsize {
            o.openvmm.sidsize = small("openvmm_sidsize", t, 32)?;
        }
        if let Some(t) = &self.caps {
            o.caps = Some(Caps::parse(&t.0).map_err(err("caps"))?);
        }
        if let Some(t) = &self.max_pasid_log2 {
            o.max_pasid_log2 = Some(small("max_pasid_log2", t, 20)?);
        }
        if let Some(t) = &self.kernel {
            o.kernel = Some(KernelVersion::parse(&t.0).map_err(err("kernel"))?);
        }
        if let Some(t) = &self.hw_info_flags {
            o.hw_info_flags = Some(number("hw_info_flags", t)?);
        }
        if let Some(t) = &self.fw_coherent {
            o.firmware.coherent = Some(boolean("fw_coherent", t)?);
        }
        if let Some(t) = &self.fw_canwbs {
            o.firmware.canwbs = Some(boolean("fw_canwbs", t)?);
        }
        if let Some(t) = &self.fw_httu_override {
            let h = number("fw_httu_override", t)?;
            if h > 3 {
                return Err(err("fw_httu_override")(format!("{h}: HTTU is a 2-bit field (0-3)")));
            }
            o.firmware.httu_override = Some(h);
        }
        Ok(o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_and_js_spellings_resolve_alike() {
        let js: ForwardSettings = serde_json::from_value(serde_json::json!({
            "vmm": ["strict", "openvmm"], "qemu-ril": "off", "qemu_oas": 48, "fw_coherent": true,
            "max_pasid_log2": 20, "hw_info_flags": "0x1", "hosts": ["ignored by the settings"]
        }))
        .unwrap();
        let cli = ForwardSettings {
            vmm: vec!["strict,openvmm".split(',').next().unwrap().into(), "openvmm".into()],
            qemu_ril: Some("off".into()),
            qemu_oas: Some("48".into()),
            fw_coherent: Some("true".into()),
            max_pasid_log2: Some("20".into()),
            hw_info_flags: Some("1".into()),
            ..ForwardSettings::default()
        };
        let (a, b) = (js.resolve().unwrap(), cli.resolve().unwrap());
        assert_eq!(serde_json::to_value(&a).unwrap(), serde_json::to_value(&b).unwrap());
        assert_eq!(a.vmms, vec![Vmm::Strict, Vmm::OpenVmm]);
        assert_eq!(a.hw_info_flags, Some(1));
    }

    #[test]
    fn errors_name_the_option() {
        let s = ForwardSettings { qemu_ril: Some("maybe".into()), ..ForwardSettings::default() };
        let e = s.resolve().unwrap_err();
        assert_eq!(e.option, "qemu_ril");
        assert_eq!(e.flag(), "--qemu-ril");
        let s = ForwardSettings { fw_httu_override: Some("4".into()), ..ForwardSettings::default() };
        assert_eq!(s.resolve().unwrap_err().option, "fw_httu_override");
        let s = ForwardSettings { max_pasid_log2: Some("300".into()), ..ForwardSettings::default() };
        assert_eq!(s.resolve().unwrap_err().option, "max_pasid_log2");
    }
}
