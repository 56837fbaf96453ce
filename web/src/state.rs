//! The page state a link carries: typed, with every choice an enum serialized by its name
//! (`"view": "forward"`), so links stay readable and old links keep working. A name this page
//! does not know falls back to the default instead of refusing the whole link.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// Enums that travel in links by name.
pub trait Named: Sized + Copy + Default + PartialEq + 'static {
    /// Every value, in display order.
    const ALL: &'static [Self];
    /// The name used in links (and the JS API / CLI spelling where there is one).
    fn key(self) -> &'static str;
    /// What the page shows.
    fn label(self) -> &'static str;
    /// The value of a name (`None`: unknown).
    fn from_key(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.key().eq_ignore_ascii_case(s.trim()))
    }
}

macro_rules! named {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = ($key:literal, $label:literal)),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub enum $name { #[default] $($(#[$vm])* $v),+ }
        impl Named for $name {
            const ALL: &'static [Self] = &[$($name::$v),+];
            fn key(self) -> &'static str { match self { $($name::$v => $key),+ } }
            fn label(self) -> &'static str { match self { $($name::$v => $label),+ } }
        }
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_str(self.key()) }
        }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok(<$name as Named>::from_key(&s).unwrap_or_default())
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.key()) }
        }
    };
}

named!(
    /// The tabs, in order.
    View {
        Decode = ("decode", "Decode"),
        Forward = ("forward", "Forward"),
        Guest = ("guest", "Guest IDRs"),
        Claim = ("claim", "Claim check"),
        Diff = ("diff", "Host diff"),
        Log = ("log", "Kernel log"),
        Walk = ("walk", "Walk"),
        Encode = ("encode", "Encode"),
    }
);

named!(
    /// The VMM profile of the Forward and Guest IDRs tabs (`smmu forward --vmm` names).
    VmmProfile {
        Strict = ("strict", "strict"),
        QemuAccel = ("qemu-accel", "QEMU accel"),
        CloudHypervisor = ("cloud-hypervisor", "Cloud Hypervisor"),
        OpenVmm = ("openvmm", "OpenVMM"),
    }
);

named!(
    /// The walk's access (`smmu walk --access`).
    AccessKind {
        Read = ("read", "read"),
        Write = ("write", "write"),
        Exec = ("exec", "exec"),
    }
);

named!(
    /// The colour theme.
    Theme {
        Dark = ("dark", "Dark theme"),
        Light = ("light", "Light theme"),
    }
);

impl AccessKind {
    pub fn access(self) -> smmu_core::walk::Access {
        match self {
            AccessKind::Read => smmu_core::walk::Access::Read,
            AccessKind::Write => smmu_core::walk::Access::Write,
            AccessKind::Exec => smmu_core::walk::Access::Exec,
        }
    }
}

impl Theme {
    pub fn other(self) -> Theme {
        match self {
            Theme::Dark => Theme::Light,
            Theme::Light => Theme::Dark,
        }
    }
}

/// Forward inputs the page offers: (option key = CLI flag with `_`, label, hint).
pub const FWD_OPTIONS: &[(&str, &str, &str)] = &[
    ("caps", "Kernel caps", "dirty-tracking,pci-pasid-exec,..."),
    ("kernel", "Host kernel", "6.13"),
    ("max_pasid_log2", "max_pasid_log2", "20"),
    ("fw_coherent", "FW coherent", "true/false"),
    ("fw_canwbs", "FW CANWBS", "true/false"),
    ("qemu_ril", "QEMU ril", "on/off/auto"),
    ("qemu_ats", "QEMU ats", "on/off/auto"),
    ("qemu_oas", "QEMU oas", "44/48/auto"),
    ("qemu_ssidsize", "QEMU ssidsize", "0-20/auto"),
];

/// Everything a link carries. Unknown keys are ignored and missing keys take defaults, so
/// later versions of the page can add fields without breaking old links.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SharedState {
    /// The pasted input (register dump, snapshot, scenario or kernel log).
    pub input: String,
    pub view: View,
    pub vmm: VmmProfile,
    /// A proposed guest IDR set for the claim check.
    pub claim: String,
    /// A second host for the host diff.
    pub other: String,
    /// An earlier snapshot of the same SMMU (BEFORE): the Walk tab then says what an SMMU may
    /// still have cached for the walked address (as `smmu stale BEFORE INPUT`).
    pub before: String,
    /// Forward inputs besides the host, spelled as the CLI's flags ([`FWD_OPTIONS`]); empty
    /// means not given.
    pub fwd: BTreeMap<String, String>,
    /// The field search.
    pub search: String,
    /// Walk request: StreamID, SubstreamID, IOVA, access, and how many steps are shown.
    pub sid: String,
    pub ssid: String,
    pub iova: String,
    pub access: AccessKind,
    pub unpriv: bool,
    pub step: usize,
    /// The theme (also remembered by the browser).
    pub theme: Theme,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_travel_by_name_and_unknown_names_fall_back() {
        let s = SharedState { view: View::Walk, vmm: VmmProfile::QemuAccel, theme: Theme::Light, ..Default::default() };
        let j = serde_json::to_string(&s).unwrap();
        assert!(j.contains(r#""view":"walk""#), "{j}");
        assert!(j.contains(r#""vmm":"qemu-accel""#), "{j}");
        assert!(j.contains(r#""theme":"light""#), "{j}");
        let old: SharedState = serde_json::from_str(r#"{"view":"telepathy","vmm":"xen","access":"write"}"#).unwrap();
        assert_eq!(old.view, View::Decode);
        assert_eq!(old.vmm, VmmProfile::Strict);
        assert_eq!(old.access, AccessKind::Write);
        // The VMM names are smmu forward's --vmm names.
        for v in VmmProfile::ALL {
            assert!(smmu_core::forward::Vmm::parse(v.key()).is_ok(), "{v}");
        }
    }
}
