//! Inputs for the verdicts found in a snapshot written by `smmu collect`: kernel version,
//! iommufd capabilities and PASID width, firmware (IORT / device tree) overrides. No I/O:
//! takes the snapshot JSON.

use super::{Caps, KernelVersion};
use serde::Serialize;
use serde_json::Value;

/// What a snapshot says about the options `smmu forward` otherwise takes as flags.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SnapshotFacts {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caps: Option<Caps>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_pasid_log2: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kernel: Option<KernelVersion>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coherent: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub httu_override: Option<u64>,
    /// `struct iommu_hw_info_arm_smmuv3::flags`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hw_info_flags: Option<u64>,
    /// Where each fact came from, and facts that could not be used.
    pub notes: Vec<String>,
}

fn hex_or_num(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => {
            let t = s.trim();
            match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
                Some(h) => u64::from_str_radix(h, 16).ok(),
                None => t.parse().ok(),
            }
        }
        _ => None,
    }
}

/// `Linux version 6.15.0-rc1 (...)` or a bare version.
fn kernel_from(text: &str) -> Option<KernelVersion> {
    let t = text.trim();
    let rest = t.strip_prefix("Linux version ").unwrap_or(t);
    KernelVersion::parse(rest.split_whitespace().next()?).ok()
}

/// One value when every candidate agrees.
fn agreed<T: PartialEq + Copy>(vals: &[T]) -> Option<T> {
    let first = *vals.first()?;
    vals.iter().all(|v| *v == first).then_some(first)
}

/// Reads the facts a snapshot holds (absent sections are simply absent).
pub fn facts_from_snapshot(snapshot: &Value) -> SnapshotFacts {
    let mut f = SnapshotFacts::default();
    if let Some(v) = snapshot.pointer("/kernel/version").and_then(Value::as_str) {
        match kernel_from(v) {
            Some(k) => {
                f.kernel = Some(k);
                f.notes.push(format!("kernel {k} from the snapshot's kernel.version"));
            }
            None => f.notes.push(format!("kernel.version {v:?} not understood; pass --kernel")),
        }
    }
    if let Some(list) = snapshot.pointer("/host/iommufd").and_then(Value::as_array) {
        let caps: Vec<u64> = list.iter().filter_map(|d| d.get("out_capabilities").and_then(hex_or_num)).collect();
        let pasid: Vec<u64> = list.iter().filter_map(|d| d.get("out_max_pasid_log2").and_then(hex_or_num)).collect();
        match agreed(&caps) {
            Some(c) => match Caps::from_bits(c) {
                Ok(c) => {
                    f.caps = Some(c);
                    f.notes.push(format!("capabilities {:#x} from the snapshot's IOMMU_GET_HW_INFO", c.bits()));
                }
                Err(e) => f.notes.push(format!("snapshot out_capabilities: {e}")),
            },
            None if caps.len() > 1 => f.notes.push(
                "devices in the snapshot report different out_capabilities; pass --caps for the device to assign"
                    .into(),
            ),
            None => {}
        }
        let flags: Vec<u64> = list.iter().filter_map(|d| d.get("flags").and_then(hex_or_num)).collect();
        if let Some(fl) = agreed(&flags) {
            f.hw_info_flags = Some(fl);
            if fl != 0 {
                f.notes.push(format!("hw_info flags {fl:#x} from the snapshot's IOMMU_GET_HW_INFO"));
            }
        }
        match agreed(&pasid) {
            Some(p) => {
                f.max_pasid_log2 = u8::try_from(p).ok();
                f.notes.push(format!("out_max_pasid_log2 {p} from the snapshot's IOMMU_GET_HW_INFO"));
            }
            None if pasid.len() > 1 => f
                .notes
                .push("devices in the snapshot report different out_max_pasid_log2; pass --max-pasid-log2".into()),
            None => {}
        }
    }
    // IORT SMMUv3 nodes: COHACC override (flags bit 0) and HTTU override.
    let nodes: Vec<&Value> = snapshot
        .pointer("/firmware/iort/nodes")
        .and_then(Value::as_array)
        .map(|n| n.iter().filter_map(|x| x.get("smmu_v3")).collect())
        .unwrap_or_default();
    if !nodes.is_empty() {
        let coh: Vec<bool> = nodes.iter().filter_map(|n| n.get("cohacc_override").and_then(Value::as_bool)).collect();
        let httu: Vec<u64> = nodes.iter().filter_map(|n| n.get("httu_override").and_then(hex_or_num)).collect();
        match agreed(&coh) {
            // Only an override to "coherent" is a fact; no override leaves IDR0.COHACC in charge.
            Some(true) => {
                f.coherent = Some(true);
                f.notes.push("IORT COHACC override from the snapshot's firmware.iort".into());
            }
            Some(false) => {}
            None => f.notes.push("IORT SMMUv3 nodes disagree on the COHACC override; pass --fw-coherent".into()),
        }
        match agreed(&httu) {
            Some(0) => {}
            Some(h) => {
                f.httu_override = Some(h);
                f.notes.push(format!("IORT HTTU override {h} from the snapshot's firmware.iort"));
            }
            None if !httu.is_empty() => {
                f.notes.push("IORT SMMUv3 nodes disagree on the HTTU override; pass --fw-httu-override".into())
            }
            None => {}
        }
    }
    let dt: Vec<bool> = snapshot
        .pointer("/firmware/devicetree/smmus")
        .and_then(Value::as_array)
        .map(|s| s.iter().filter_map(|x| x.get("dma_coherent").and_then(Value::as_bool)).collect())
        .unwrap_or_default();
    if f.coherent.is_none() && agreed(&dt) == Some(true) {
        f.coherent = Some(true);
        f.notes.push("device tree dma-coherent from the snapshot's firmware.devicetree".into());
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_collect_sections() {
        let v: Value = serde_json::from_str(
            r#"{"smmu_explorer_snapshot": 1, "registers": {},
                "kernel": {"version": "Linux version 6.14.2-arm64 (debian-kernel@lists.debian.org) #1 SMP"},
                "host": {"iommufd": [{"out_capabilities": "0x9", "out_max_pasid_log2": 20}]},
                "firmware": {"iort": {"nodes": [{"type": "SMMUv3", "smmu_v3": {"cohacc_override": true, "httu_override": 2}}]}}}"#,
        )
        .unwrap();
        let f = facts_from_snapshot(&v);
        assert_eq!(f.kernel, Some(KernelVersion::new(6, 14)));
        assert_eq!(f.caps.map(|c| c.bits()), Some(9));
        assert_eq!(f.max_pasid_log2, Some(20));
        assert_eq!(f.coherent, Some(true));
        assert_eq!(f.httu_override, Some(2));
        assert_eq!(f.hw_info_flags, None);
    }

    #[test]
    fn disagreement_is_a_note_not_a_guess() {
        let v: Value = serde_json::from_str(
            r#"{"host": {"iommufd": [{"out_capabilities": "0x1"}, {"out_capabilities": "0x8"}]}}"#,
        )
        .unwrap();
        let f = facts_from_snapshot(&v);
        assert_eq!(f.caps, None);
        assert!(f.notes.iter().any(|n| n.contains("different out_capabilities")));
    }
}
