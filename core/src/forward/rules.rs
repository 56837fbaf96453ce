//! The verdict rules, keyed by (register, field) names as IHI 0070 spells them.
//!
//! Sources (facts only; no code taken):
//! - include/uapi/linux/iommufd.h, `struct iommu_hw_info_arm_smmuv3` kdoc: the fields a VMM
//!   may read (idr[0] ST_LEVEL TERM_MODEL STALL_MODEL TTENDIAN CD2L ASID16 TTF; idr[1] SIDSIZE
//!   SSIDSIZE; idr[3] BBML RIL; idr[5] VAX GRAN64K GRAN16K GRAN4K), S1P and COHACC assumed,
//!   ATS per device, HTTU/BTM/MPAM unsupported for nesting, "VMMs do not read bits outside
//!   the list", the list may grow (E0PD, AIE, PBHA, D128, DS).
//! - include/uapi/linux/iommufd.h `enum iommufd_hw_capabilities`, `struct iommu_hw_info`.
//! - drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-iommufd.c: `arm_smmu_hw_info` (raw IDR0-5,
//!   IIDR, AIDR, ERRATA_REPEAT_TLBI_CFGI flag), `arm_vsmmu_alloc`/`arm_smmu_get_viommu_size`
//!   (needs FEAT_NESTING and CANWBS or S2FWB).
//! - The upstream rule (linux-iommu, Nov 2024, J. Gunthorpe), as quoted in issue 3: (1)
//!   kernel software support needs a capability bit, (2) ACPI/DT data needs a capability
//!   bit, (3) per-VM enabling needs an IOMMU_VIOMMU_ALLOC flag (none exists: flags must be 0),
//!   (4) otherwise read idr[] directly. The message itself was not found in the search
//!   corpus; the rule numbers follow the summary.

use super::{Caps, Class, ForwardOptions, KernelVersion, Order};
use crate::model::{FieldDef, Fmt};
use crate::regs::idr::{aidr, idr0, idr1, idr2, idr3, idr4, idr5, idr6, iidr};
use crate::regs::same_field;
use crate::regset::{Origin, RegisterSet};

pub(crate) const KDOC: &str = "include/uapi/linux/iommufd.h: struct iommu_hw_info_arm_smmuv3 (kdoc)";
pub(crate) const KDOC_CAPS: &str = "include/uapi/linux/iommufd.h: enum iommufd_hw_capabilities, struct iommu_hw_info";
pub(crate) const HW_INFO: &str = "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-iommufd.c: arm_smmu_hw_info";
pub(crate) const VSMMU_ALLOC: &str =
    "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-iommufd.c: arm_vsmmu_alloc / arm_smmu_get_viommu_size";
pub(crate) const RULE1: &str =
    "linux-iommu Nov 2024 (J. Gunthorpe) rule 1: kernel software support needs a capability bit";
pub(crate) const RULE2: &str = "linux-iommu Nov 2024 (J. Gunthorpe) rule 2: ACPI/DT facts need a capability bit";
pub(crate) const RULE3: &str =
    "linux-iommu Nov 2024 (J. Gunthorpe) rule 3: per-VM enabling needs an IOMMU_VIOMMU_ALLOC flag (flags must be 0)";
pub(crate) const RULE4: &str = "linux-iommu Nov 2024 (J. Gunthorpe) rule 4: otherwise read idr[] directly";
pub(crate) const QEMU_CHECK: &str =
    "qemu hw/arm/smmuv3-accel.c: smmuv3_accel_check_hw_compatible (host checks and error messages)";
pub(crate) const CH_IDR: &str = "cloud-hypervisor devices/src/smmuv3.rs: Smmuv3::set_host_id_regs (host-gated COHACC/ASID16/VMID16/CD2L, SSIDSIZE from host, OAS = min, granule intersection)";
pub(crate) const OVMM_CHECK: &str = "openvmm vm/devices/iommu/smmu/src/shared.rs: SmmuSharedState::resolve_host_caps (TTF, TTENDIAN, GRAN4K, OAS checks and messages)";

/// The kernel version that added IOMMU_HW_INFO_TYPE_ARM_SMMUV3 and the SMMUv3 vIOMMU.
pub(crate) const NESTING_KERNEL: KernelVersion = KernelVersion::new(6, 13);

/// A rule's outcome for one host.
pub(crate) struct D {
    pub class: Class,
    pub guest: u64,
    pub reason: String,
    pub would_change: String,
    pub refs: Vec<String>,
}

fn d(class: Class, guest: u64, reason: impl Into<String>, would_change: impl Into<String>, refs: &[&str]) -> D {
    D {
        class,
        guest,
        reason: reason.into(),
        would_change: would_change.into(),
        refs: refs.iter().map(|s| s.to_string()).collect(),
    }
}

/// What a rule sees.
pub(crate) struct Ctx<'a> {
    pub host: RegisterSet,
    pub opts: &'a ForwardOptions,
}

impl<'a> Ctx<'a> {
    pub fn new(host: &RegisterSet, opts: &'a ForwardOptions) -> Self {
        // Firmware overrides of ID fields (IORT HTTU override) change the effective host.
        let mut host = host.clone();
        if let Some(v) = opts.firmware.httu_override {
            let f = &idr0::HTTU;
            // An out-of-range override cannot be written and leaves the register as read.
            let _ = host.write(f, v.min(f.mask()), Origin { line: None, source: "firmware override".into() });
        }
        Ctx { host, opts }
    }
    /// The host's value of field `f`; `None` when its register was not in the input.
    pub fn h(&self, f: &FieldDef) -> Option<u64> {
        self.host.read(f)
    }
    /// The host's value of field `f`, where a register not in the input counts as all
    /// zero (no feature); rules that must tell the two apart check [`Ctx::missing`].
    pub fn hz(&self, f: &FieldDef) -> u64 {
        self.h(f).unwrap_or(0)
    }
    /// Capabilities given, or those a current kernel reports for this host.
    pub fn caps(&self) -> Caps {
        self.opts.caps.unwrap_or(Caps { pci_ats_not_supported: self.hz(&idr0::ATS) == 0, ..Caps::default() })
    }
    pub fn nesting(&self) -> bool {
        self.hz(&idr0::S1P) == 1 && self.hz(&idr0::S2P) == 1
    }
    pub fn kernel_has_nesting(&self) -> bool {
        self.opts.kernel.is_none_or(|k| k >= NESTING_KERNEL)
    }
    pub fn guest_ats(&self) -> u64 {
        (self.hz(&idr0::ATS) == 1 && !self.caps().pci_ats_not_supported) as u64
    }
    /// STALL_MODEL the guest gets (direct).
    pub fn guest_stall_model(&self) -> u64 {
        self.hz(&idr0::STALL_MODEL)
    }
    /// IDR0.S1P the strict guest gets (1 exactly when the host can nest).
    pub fn guest_s1p(&self) -> u64 {
        self.nesting() as u64
    }
    /// IDR3.HAD the strict guest gets: the host's, when the guest has stage 1 (HAD is 0
    /// without S1P, IHI 0070 6.3.4).
    pub fn guest_had(&self) -> u64 {
        if self.guest_s1p() == 1 {
            self.hz(&idr3::HAD)
        } else {
            0
        }
    }
    /// AIDR.ArchMinorRev the strict guest gets: SMMUv3.1 at most, and SMMUv3.0 when the
    /// host lacks HAD (HAD is mandatory with stage 1 from SMMUv3.1, IHI 0070 6.3.4). Tied
    /// to the host's HAD alone, so a pool's revision is never above any member's.
    pub fn guest_minor(&self) -> u64 {
        if self.hz(&idr3::HAD) == 0 {
            return 0;
        }
        self.hz(&aidr::ArchMinorRev).min(1)
    }
    /// IDR5.GRAN64K the strict guest gets (direct).
    pub fn guest_gran64k(&self) -> u64 {
        self.hz(&idr5::GRAN64K)
    }
    /// True when the register holding `f` was not in the input.
    fn missing(&self, f: &FieldDef) -> bool {
        self.host.read(f).is_none()
    }
}

type Eval = fn(&Ctx, &FieldDef) -> D;

/// A rule, keyed by the typed handle of the field it decides.
pub(crate) struct Rule {
    pub field: &'static FieldDef,
    pub order: Order,
    pub eval: Eval,
}

const fn r(field: &'static FieldDef, order: Order, eval: Eval) -> Rule {
    Rule { field, order, eval }
}

/// A kdoc-listed field: the guest gets the host value.
fn direct(c: &Ctx, f: &FieldDef, extra: &str) -> D {
    let reg = f.layout;
    if c.missing(f) {
        return d(
            Class::Direct,
            0,
            format!("Listed in the uAPI kdoc as readable from idr[], but {reg} was not in the input, so nothing is forwarded."),
            format!("Give {reg} (for example from IOMMU_GET_HW_INFO)."),
            &[KDOC, RULE4],
        );
    }
    let v = c.hz(f);
    let reserved = if f.is_reserved(v) {
        format!(" The host value {v} is a reserved encoding: a careful VMM refuses this host rather than forward it.")
    } else {
        String::new()
    };
    d(
        Class::Direct,
        v,
        format!("The uAPI kdoc lists {reg}.{} as a field a VMM may read from idr[] and present as is (rule 4).{extra}{reserved}", f.name),
        "Only a different host value changes it.",
        &[KDOC, RULE4],
    )
}

fn zero(class: Class, reason: impl Into<String>, would: impl Into<String>, refs: &[&str]) -> D {
    d(class, 0, reason, would, refs)
}

fn not_for_nesting(c: &Ctx, f: &FieldDef, what: &str) -> D {
    let hv = c.hz(f);
    let have = if hv != 0 { "The host has it, but t" } else { "T" };
    zero(
        Class::NeedsKernel,
        format!("{have}he uAPI kdoc says the kernel does not support {what} for nesting; presenting it would promise what the host kernel does not do (rule 1)."),
        format!("A kernel capability bit in struct iommu_hw_info reporting nested {what} support (none exists in include/uapi/linux/iommufd.h as read)."),
        &[KDOC, RULE1],
    )
}

pub(crate) static RULES: &[Rule] = &[
    // ---- IDR0
    r(&idr0::S2P, Order::AtMost, |_, _| {
        zero(Class::HostOnly,
            "Stage 2 belongs to the host: the kernel keeps the nesting-parent stage 2 for the VM's memory, and the vSMMU offers the guest stage 1 only.",
            "Nothing in the uAPI: a guest stage 2 would need nesting inside nesting.",
            &[KDOC, VSMMU_ALLOC])
    }),
    r(&idr0::S1P, Order::AtMost, |c, _| {
        if c.nesting() {
            d(Class::Assumed, 1,
                "The uAPI kdoc says S1P is to be assumed when a NESTED HWPT can be created; this host has S1P and S2P, so the kernel can nest.",
                "A host without S1P or S2P (no nesting).", &[KDOC, VSMMU_ALLOC])
        } else {
            zero(Class::Assumed,
                format!("Nesting needs host S1P and S2P (ARM_SMMU_FEAT_NESTING); this host has S1P={}, S2P={}, so no NESTED HWPT can be created.", c.hz(&idr0::S1P), c.hz(&idr0::S2P)),
                "A host with both stages.", &[KDOC, VSMMU_ALLOC])
        }
    }),
    r(&idr0::TTF, Order::Subset, |c, f| {
        direct(c, f, " The host walks the guest's stage-1 tables, so only formats it walks may be offered.")
    }),
    r(&idr0::COHACC, Order::AtMost, |c, _| {
        let host = c.hz(&idr0::COHACC);
        if host == 1 {
            d(Class::Assumed, 1,
                "The uAPI kdoc says VFIO/iommufd only support platforms with COHACC, so it is to be assumed; the host has it.",
                "A host with IDR0.COHACC=0 and no firmware coherency override.", &[KDOC])
        } else if c.opts.firmware.coherent == Some(true) {
            d(Class::NeedsFirmware, 1,
                "IDR0.COHACC is 0 but firmware (IORT COHACC override / DT dma-coherent) says the SMMU is coherent; only firmware knows this, and the uAPI has no bit for it (rule 2).",
                "--fw-coherent=false, or a kernel capability bit reporting firmware coherency.", &[KDOC, RULE2])
        } else {
            zero(Class::NeedsFirmware,
                "IDR0.COHACC is 0: whether accesses are coherent is then a firmware fact (IORT COHACC override / DT dma-coherent) the uAPI does not report (rule 2); iommufd only supports coherent platforms.",
                "--fw-coherent if firmware marks the SMMU coherent.", &[KDOC, RULE2])
        }
    }),
    r(&idr0::BTM, Order::AtMost, |c, f| {
        let mut x = not_for_nesting(c, f, "broadcast TLB maintenance (BTM)");
        x.would_change.push_str(" As proposed upstream, it would also need the vSMMU to share KVM's VMID, requested per VM at IOMMU_VIOMMU_ALLOC (rule 3).");
        x.refs.push(RULE3.into());
        x
    }),
    r(&idr0::HTTU, Order::AtMost, |c, f| {
        let mut x = not_for_nesting(c, f, "hardware translation table update (HTTU)");
        x.reason.push_str(
            " IOMMU_HW_CAP_DIRTY_TRACKING is about the VMM's own stage-2 dirty tracking and does not change this.",
        );
        if let Some(o) = c.opts.firmware.httu_override {
            x.reason.push_str(&format!(" Firmware HTTU override {o} replaces the register value."));
        }
        x.refs.push(KDOC_CAPS.into());
        x
    }),
    r(&idr0::DORMHINT, Order::Free, |_, _| {
        zero(
            Class::VmmDefined,
            "A power-management hint about the emulated SMMU's own state; the VMM's emulation answers it.",
            "A VMM that emulates dormant hints.",
            &[],
        )
    }),
    r(&idr0::Hyp, Order::AtMost, |_, _| {
        zero(
            Class::HostOnly,
            "EL2 stage-1 contexts belong to the host hypervisor; a guest vSMMU has no EL2 translation regime to offer.",
            "Nested virtualization of EL2 (not in the uAPI).",
            &[KDOC],
        )
    }),
    r(&idr0::ATS, Order::AtMost, |c, _| {
        let caps = c.caps();
        let g = c.guest_ats();
        let reason = if c.hz(&idr0::ATS) == 0 {
            "The host SMMU has no ATS, so no device behind it can use ATS.".to_string()
        } else if caps.pci_ats_not_supported {
            "The kernel reports IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED for the device, so ATS must stay off.".to_string()
        } else {
            "The uAPI kdoc calls ATS a per-device property: set it when the VMM describes an ATS-capable device in IORT/DT; the host SMMU has ATS and the kernel does not forbid it.".to_string()
        };
        d(Class::PerDevice, g, reason,
            "IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED (--caps pci-ats-not-supported) forbids it; a VMM that describes no ATS device should leave it 0.",
            &[KDOC, KDOC_CAPS])
    }),
    r(&idr0::NS1ATS, Order::AtMost, |c, _| {
        zero(Class::HostOnly,
            format!("Split-stage ATS is about stage 2, which the guest does not have: IDR0.NS1ATS is RES0 when S2P == 0 (IHI 0070 6.3.1), so the guest sees 0 whatever the host says (host {}).", c.hz(&idr0::NS1ATS)),
            "A guest stage 2.", &[KDOC])
    }),
    r(&idr0::ASID16, Order::AtMost, |c, f| direct(c, f, " Guest ASIDs go into the guest CDs the host hardware reads.")),
    r(&idr0::MSI, Order::Free, |_, _| {
        zero(Class::VmmDefined, "The vSMMU's own queue interrupts are emulated by the VMM (wired or MSI, its choice); the strict profile uses wired interrupts.", "A VMM that emulates MSI writes for its queues.", &[])
    }),
    r(&idr0::SEV, Order::Free, |_, _| {
        zero(
            Class::VmmDefined,
            "WFE wake-up events come from the emulated queues, so the VMM decides; the strict profile offers none.",
            "A VMM that signals events to vCPUs.",
            &[],
        )
    }),
    r(&idr0::ATOS, Order::Free, |_, _| {
        zero(Class::VmmDefined, "The ATOS registers would be emulated by the VMM (iommufd has no ATOS call), so it is the VMM's choice; the strict profile offers none.", "A VMM that emulates ATOS by walking the guest tables.", &[])
    }),
    r(&idr0::PRI, Order::AtMost, |c, f| not_for_nesting(c, f, "the Page Request Interface (PRI)")),
    r(&idr0::VMW, Order::AtMost, |_, _| {
        zero(
            Class::HostOnly,
            "VMID wildcards only matter with stage 2, which the guest does not have.",
            "A guest stage 2.",
            &[],
        )
    }),
    r(&idr0::VMID16, Order::AtMost, |_, _| {
        zero(
            Class::HostOnly,
            "VMIDs tag stage-2 translations, which stay with the host; the guest has no stage 2.",
            "A guest stage 2.",
            &[],
        )
    }),
    r(&idr0::CD2L, Order::AtMost, |c, f| direct(c, f, " The host walks the guest's CD tables.")),
    r(&idr0::VATOS, Order::AtMost, |_, _| {
        zero(Class::HostOnly, "The virtual ATOS page is for a hypervisor to hand to a guest directly; it is not an interface a vSMMU offers.", "Nothing in the uAPI.", &[])
    }),
    r(&idr0::TTENDIAN, Order::Endian, |c, f| {
        let mut x = direct(c, f, " The host walks the guest's tables with the endianness it supports.");
        x.refs.push(QEMU_CHECK.into());
        x
    }),
    r(&idr0::STALL_MODEL, Order::StallModel, |c, f| {
        direct(c, f, " Stalls additionally need devices that firmware marks stall-capable (DT dma-can-stall / IORT).")
    }),
    r(&idr0::TERM_MODEL, Order::AtLeast, |c, f| direct(c, f, "")),
    r(&idr0::ST_LEVEL, Order::AtMost, |c, f| {
        direct(c, f, " The guest stream table is emulated by the VMM in nesting, so a VMM may choose its own (OpenVMM offers linear only).")
    }),
    r(&idr0::RME_IMPL, Order::AtMost, |_, _| {
        zero(Class::HostOnly, "The Realm Management Extension (granule protection checks) is the host's business; a guest vSMMU does not implement RME.", "Nothing in the uAPI.", &[])
    }),
    // ---- IDR1
    r(&idr1::SIDSIZE, Order::AtMost, |c, f| {
        direct(c, f, " vSIDs are virtual (IOMMU_VDEVICE_ALLOC maps each), so VMMs often fix it (QEMU 16).")
    }),
    r(&idr1::SSIDSIZE, Order::AtMost, |c, f| {
        let mut x = direct(c, f, "");
        if let Some(p) = c.opts.max_pasid_log2 {
            let g = x.guest.min(p as u64);
            x.reason = format!(
                "{} The device reports out_max_pasid_log2={p}, so the guest gets min(host, {p}) = {g}.",
                x.reason
            );
            x.guest = g;
            x.refs.push(KDOC_CAPS.into());
        } else {
            x.would_change =
                "--max-pasid-log2 N (struct iommu_hw_info::out_max_pasid_log2) caps it at the device's PASID width."
                    .into();
        }
        x
    }),
    r(&idr1::PRIQS, Order::Free, |_, _| {
        zero(
            Class::VmmDefined,
            "The PRI queue would be emulated by the VMM, and the guest gets no PRI.",
            "Nested PRI support.",
            &[KDOC],
        )
    }),
    r(&idr1::EVENTQS, Order::Free, |_, _| {
        d(Class::VmmDefined, 19, "The guest's event queue is emulated (filled from the vEVENTQ), so its maximum size is the VMM's choice; the strict profile offers 2^19 entries like QEMU.", "A different VMM queue limit.", &[])
    }),
    r(&idr1::CMDQS, Order::Free, |_, _| {
        d(Class::VmmDefined, 19, "The guest's command queue is read and forwarded by the VMM, so its maximum size is the VMM's choice; the strict profile offers 2^19 entries like QEMU.", "A different VMM queue limit.", &[])
    }),
    r(&idr1::ATTR_PERMS_OVR, Order::AtMost, |_, _| {
        zero(Class::NeedsKernel, "Overrides are STE fields; in nesting the kernel builds the STE and takes only a few guest STE fields, so the guest's overrides would be dropped.", "A kernel that accepts guest STE attribute overrides (rule 1).", &[KDOC, RULE1])
    }),
    r(&idr1::ATTR_TYPES_OVR, Order::AtMost, |_, _| {
        zero(Class::NeedsKernel, "Overrides are STE fields; in nesting the kernel builds the STE and takes only a few guest STE fields, so the guest's overrides would be dropped.", "A kernel that accepts guest STE attribute overrides (rule 1).", &[KDOC, RULE1])
    }),
    r(&idr1::REL, Order::Free, |_, _| {
        zero(
            Class::VmmDefined,
            "Describes the VMM's preset table/queue addresses; no presets are used.",
            "A VMM with preset tables.",
            &[],
        )
    }),
    r(&idr1::QUEUES_PRESET, Order::Free, |_, _| {
        zero(
            Class::VmmDefined,
            "Preset queues are the VMM's choice; the guest allocates its own.",
            "A VMM with preset queues.",
            &[],
        )
    }),
    r(&idr1::TABLES_PRESET, Order::Free, |_, _| {
        zero(
            Class::VmmDefined,
            "A preset stream table is the VMM's choice; the guest allocates its own.",
            "A VMM with a preset stream table.",
            &[],
        )
    }),
    r(&idr1::ECMDQ, Order::Free, |_, _| {
        zero(Class::VmmDefined, "Enhanced command queues would be emulated (or, on some hosts, passed through by a vendor vIOMMU type); the strict profile offers none.", "A VMM emulating ECMDQ.", &[])
    }),
    // ---- IDR2
    r(&idr2::BA_VATOS, Order::AtMost, |_, _| {
        zero(Class::HostOnly, "The address of the host's VATOS page; meaningless to a guest.", "Nothing.", &[])
    }),
    // ---- IDR3
    r(&idr3::RIL, Order::AtMost, |c, f| direct(c, f, " Range invalidations are forwarded to the host as commands.")),
    r(&idr3::BBML, Order::AtMost, |c, f| direct(c, f, "")),
    r(&idr3::MPAM, Order::AtMost, |c, _| {
        let hv = c.hz(&idr3::MPAM);
        zero(Class::NeedsKernel,
            format!("{}the uAPI kdoc lists MPAM as unsupported for nesting: the kernel would have to program partition IDs for the guest and report that with a capability bit (rule 1). Using it per VM would also need a request flag at IOMMU_VIOMMU_ALLOC (rule 3), which has none (flags must be 0).", if hv == 1 { "The host has MPAM, but " } else { "" }),
            "A kernel capability bit for nested MPAM, plus an IOMMU_VIOMMU_ALLOC flag requesting it for the VM (rules 1 and 3).",
            &[KDOC, RULE1, RULE3])
    }),
    r(&idr3::XNX, Order::AtMost, |_, _| {
        zero(Class::HostOnly, "A stage-2 execute-never feature; the guest has no stage 2.", "A guest stage 2.", &[])
    }),
    r(&idr3::FWB, Order::AtMost, |_, _| {
        zero(Class::HostOnly, "Stage-2 forced write-back; the host uses it for the nesting parent (arm_vsmmu_alloc needs CANWBS or S2FWB), the guest has no stage 2.", "A guest stage 2.", &[VSMMU_ALLOC])
    }),
    r(&idr3::HAD, Order::AtMost, |c, f| {
        let hv = c.hz(f);
        let g = c.guest_had();
        let reason = if c.guest_s1p() == 0 {
            "The guest gets no stage 1 on this host, and HAD must be 0 without S1P (IHI 0070 6.3.4).".to_string()
        } else if hv == 1 {
            "Not in the uAPI kdoc list, but presented as the host has it: HAD only says the hardware honours CD.HAD0/HAD1, and in nesting the host hardware reads the guest's CDs and walks its stage-1 tables itself (the kernel checks only vSTE fields), so no kernel support, firmware fact or VM flag is involved (rule 4). It is also required: HAD is mandatory with stage 1 from SMMUv3.1 (IHI 0070 6.3.4), and the strict guest claims SMMUv3.1. QEMU accel presents HAD=1 too.".to_string()
        } else {
            "The host lacks HAD, so the guest cannot have it (the host hardware walks the guest CDs); the strict guest therefore claims SMMUv3.0 in AIDR, where HAD is optional (IHI 0070 6.3.4).".to_string()
        };
        d(Class::Direct, g, reason,
            "Only a different host value changes it; a kdoc list that named HAD would confirm it.",
            &[KDOC, RULE4, "qemu hw/arm/smmuv3.c: smmuv3_init_id_regs (IDR3.HAD = 1; QEMU 10.0 reads back IDR3 = 0x1404), kept by accel=on"])
    }),
    r(&idr3::PBHA, Order::AtMost, unlisted),
    r(&idr3::E0PD, Order::AtMost, unlisted),
    r(&idr3::PPS, Order::AtMost, |c, f| not_for_nesting(c, f, "PRI (PASID in PRI responses)")),
    r(&idr3::DPT, Order::AtMost, |_, _| {
        zero(
            Class::HostOnly,
            "The Device Permission Table checks the host's physical addresses; it is the host's business.",
            "Nothing in the uAPI.",
            &[],
        )
    }),
    r(&idr3::S2PI, Order::AtMost, |_, _| {
        zero(Class::HostOnly, "Stage-2 permission indirection; the guest has no stage 2.", "A guest stage 2.", &[])
    }),
    r(&idr3::S2PO, Order::AtMost, |_, _| {
        zero(Class::HostOnly, "Stage-2 permission overlays; the guest has no stage 2.", "A guest stage 2.", &[])
    }),
    // ---- IDR4
    // ---- IDR5
    r(&idr5::OAS, Order::AtMost, |c, _| {
        if c.missing(&idr5::OAS) {
            return zero(
                Class::VmmDefined,
                "IDR5 was not in the input; the guest IPA size cannot be bounded.",
                "Give IDR5.",
                &[],
            );
        }
        let v = c.hz(&idr5::OAS);
        // The guest has no DS and no D128 (not in the kdoc list): 52 bits needs GRAN64K and
        // SMMUv3.1, 56 bits needs D128 and SMMUv3.4 (IHI 0070 6.3.6).
        let max52 = if c.guest_gran64k() == 1 && c.guest_minor() >= 1 { 6 } else { 5 };
        let g = if v >= 6 { v.min(max52) } else { v };
        let clamp = if g != v {
            format!(" The host's {v} is lowered to {g}: the guest IDRs could not be consistent with it (52-bit OAS needs GRAN64K and SMMUv3.1, 56-bit needs D128 and SMMUv3.4; the guest has neither DS nor D128, IHI 0070 6.3.6).")
        } else {
            String::new()
        };
        d(Class::VmmDefined, g,
            format!("The guest's stage-1 output is an IPA that the host stage 2 translates, so the VMM sizes it from the VM's memory map, at most the host OAS (here offered equal). Not in the kdoc list, but QEMU, Cloud Hypervisor and OpenVMM all read it.{clamp}"),
            "A VMM that chooses a smaller IPA space (QEMU oas=44, Cloud Hypervisor 48-bit cap).",
            &[KDOC, QEMU_CHECK, CH_IDR, OVMM_CHECK])
    }),
    r(&idr5::GRAN4K, Order::AtMost, |c, f| direct(c, f, " The host walks the guest's tables in this granule.")),
    r(&idr5::GRAN16K, Order::AtMost, |c, f| direct(c, f, " The host walks the guest's tables in this granule.")),
    r(&idr5::GRAN64K, Order::AtMost, |c, f| direct(c, f, " The host walks the guest's tables in this granule.")),
    r(&idr5::VAX, Order::AtMost, |c, f| {
        let mut x = direct(c, f, "");
        // 52-bit VA needs GRAN64K (the guest has no DS) and SMMUv3.1; 56-bit needs D128.
        let max = if c.guest_minor() == 0 {
            0
        } else if c.guest_gran64k() == 1 {
            1
        } else {
            0
        };
        if x.guest > max {
            x.reason.push_str(&format!(
                " The host's {} is lowered to {max}: VAX is RES0 in SMMUv3.0, 52 bits needs GRAN64K or DS, 56 bits needs D128 (IHI 0070 6.3.6), and the guest has no DS or D128{}.",
                x.guest,
                if c.guest_minor() == 0 { " and claims SMMUv3.0" } else { "" }
            ));
            x.guest = max;
        }
        x
    }),
    r(&idr5::STALL_MAX, Order::AtMost, |c, _| {
        let sm = c.guest_stall_model();
        if sm == 1 {
            zero(
                Class::VmmDefined,
                "The guest cannot stall (STALL_MODEL terminate only), so there is no stall limit to offer.",
                "A host with stall support.",
                &[],
            )
        } else {
            d(
                Class::VmmDefined,
                c.hz(&idr5::STALL_MAX),
                "Stalled transactions are held by the host SMMU, so the guest may see at most the host's limit.",
                "A guest without stall.",
                &[],
            )
        }
    }),
    // ---- IDR6 (ECMDQ command queue control pages)
    r(&idr6::CMDQ_CONTROL_PAGE_LOG2NUMQ, Order::Free, |_, _| {
        zero(
            Class::VmmDefined,
            "Describes ECMDQ control pages the VMM would have to emulate; the strict profile offers no ECMDQ.",
            "A VMM emulating ECMDQ.",
            &[],
        )
    }),
    r(&idr6::CMDQ_CONTROL_PAGE_LOG2NUMP, Order::Free, |_, _| {
        zero(
            Class::VmmDefined,
            "Describes ECMDQ control pages the VMM would have to emulate; the strict profile offers no ECMDQ.",
            "A VMM emulating ECMDQ.",
            &[],
        )
    }),
    // ---- IIDR
    r(&iidr::ProductID, Order::Free, iidr),
    r(&iidr::Variant, Order::Free, iidr),
    r(&iidr::Revision, Order::Free, iidr),
    r(&iidr::Implementer, Order::Free, iidr),
    // ---- AIDR
    r(&aidr::ArchMajorRev, Order::AtMost, |c, _| {
        d(
            Class::VmmDefined,
            0,
            format!(
                "The architecture revision the VMM's emulation implements: SMMUv3 (major 0). The host says {}.",
                c.hz(&aidr::ArchMajorRev)
            ),
            "Nothing short of a new architecture.",
            &[],
        )
    }),
    r(&aidr::ArchMinorRev, Order::AtMost, |c, _| {
        let h = c.hz(&aidr::ArchMinorRev);
        let g = c.guest_minor();
        let why = if g < h.min(1) {
            " but the host has no IDR3.HAD, which the guest's stage 1 would need from SMMUv3.1 on (IHI 0070 6.3.4), so the guest claims SMMUv3.0"
        } else {
            ""
        };
        d(Class::VmmDefined, g,
            format!("The revision the VMM's emulation implements, at most the host's (revisions add behaviour the host must provide); the strict profile emulates SMMUv3.1 like QEMU (3.2 would make RIL and BBML mandatory, which the host may lack), so min(host {h}, 1){why}: {g}."),
            "A VMM emulating a newer revision.", &[])
    }),
];

fn iidr(_c: &Ctx, f: &FieldDef) -> D {
    zero(Class::VmmDefined,
        format!("IIDR.{} names the implementation; the VMM names its own emulation. Passing the host's would make the guest apply host errata workarounds; errata that matter for nesting are reported in hw_info flags (IOMMU_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI) instead.", f.name),
        "A VMM that chooses to mirror the host implementation.", &[HW_INFO])
}

/// A feature field not in the kdoc list.
fn unlisted(c: &Ctx, f: &FieldDef) -> D {
    let reg = f.layout;
    let hv = c.hz(f);
    zero(Class::NeedsKernel,
        format!("{}{reg}.{} is not in the uAPI kdoc list, which says VMMs must not read bits outside it; the kernel has not said it works for a nested guest (rule 1).",
            if hv != 0 { "The host has it, but " } else { "" }, f.name),
        "The kernel adding it to the kdoc list or a capability bit (the kdoc names E0PD, AIE, PBHA, D128, DS as candidates).",
        &[KDOC, RULE1])
}

/// Default for fields without a specific rule.
fn default_rule(c: &Ctx, f: &FieldDef) -> (D, Order) {
    let reg = f.layout;
    if reg == idr4::LAYOUT.name || f.fmt == Fmt::Hex || f.name.to_ascii_uppercase().contains("IMP") {
        return (
            zero(Class::HostOnly,
                format!("{reg}.{} is implementation defined: it describes the host implementation and means nothing for an emulated vSMMU.", f.name),
                "Nothing.", &[KDOC]),
            Order::AtMost,
        );
    }
    if is_id_register(reg) {
        return (iidr(c, f), Order::Free);
    }
    (unlisted(c, f), Order::AtMost)
}

/// SMMU_IIDR and SMMU_AIDR: they name the implementation and the architecture revision.
fn is_id_register(reg: &str) -> bool {
    reg == iidr::LAYOUT.name || reg == aidr::LAYOUT.name
}

fn find(f: &FieldDef) -> Option<&'static Rule> {
    RULES.iter().find(|r| same_field(r.field, f))
}

/// The order of a field (rule order, or the default's).
pub(crate) fn order_of(f: &FieldDef) -> Order {
    match find(f) {
        Some(r) => r.order,
        None if is_id_register(f.layout) => Order::Free,
        None => Order::AtMost,
    }
}

/// Evaluates the rule for one field: (decision, order, specific?).
pub(crate) fn evaluate(c: &Ctx, f: &FieldDef) -> (D, Order, bool) {
    let (mut x, order, specific) = match find(f) {
        Some(r) => ((r.eval)(c, f), r.order, true),
        None => {
            let (x, o) = default_rule(c, f);
            (x, o, false)
        }
    };
    if !c.kernel_has_nesting() && x.class != Class::VmmDefined {
        x.reason.push_str(&format!(
            " Note: the given kernel is older than {NESTING_KERNEL}, which added the SMMUv3 vIOMMU, so no VMM can nest on it."
        ));
    }
    if x.guest > f.mask() {
        x.guest = f.mask();
    }
    (x, order, specific)
}

/// Every (register, field) a specific rule names, for the table-consistency test: the
/// names come from the rules' handles.
pub fn rule_names() -> Vec<(&'static str, &'static str)> {
    RULES.iter().map(|r| (r.field.layout, r.field.name)).collect()
}

/// The kdoc-listed fields (class `direct`).
pub(crate) static KDOC_LIST: &[&FieldDef] = crate::linux::EARLIER_KDOC;

pub(crate) fn is_direct(f: &FieldDef) -> bool {
    KDOC_LIST.iter().any(|k| same_field(k, f))
}
