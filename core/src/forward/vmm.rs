//! VMM profiles: the guest IDRs each VMM builds from a host and whether it accepts it.
//! Each profile is written from that VMM's source (facts only), cited in `refs`.

use super::rules::{Ctx, CH_IDR, NESTING_KERNEL, OVMM_CHECK, QEMU_CHECK, VSMMU_ALLOC};
use super::{FieldValue, ForwardOptions, GuestRegs, HostGuest, NumOrAuto, OnOffAuto, Verdict, Vmm, VmmResult};
use crate::model::FieldDef;
use crate::regs::idr::{aidr, idr0, idr1, idr3, idr5};
use crate::regset::RegisterSet;

const QEMU_REFS: &[&str] = &[
    QEMU_CHECK,
    "qemu hw/arm/smmuv3-accel.c: smmuv3_accel_idr_override (ril=off, ats=on, oas=48, ssidsize=N)",
    "qemu hw/arm/smmuv3-accel.c: smmuv3_accel_auto_finalise (ats/ril/ssidsize=auto take the host value)",
    "qemu hw/arm/smmuv3.c: smmuv3_init_id_regs (emulated IDR values; accel=on is stage 1 only per smmu_validate_property)",
    "qemu hw/arm/smmuv3.c: smmuv3_properties (ril=on, ats=off, oas=44, ssidsize=0 defaults)",
];
const CH_REFS: &[&str] = &[
    "cloud-hypervisor devices/src/smmuv3.rs: IDR0_VALUE/IDR1_VALUE/IDR5_VALUE constants",
    CH_IDR,
    "cloud-hypervisor devices/src/smmuv3.rs: Smmuv3::read_reg (IDR2-4 = 0, IIDR = 0, AIDR = 0)",
    "cloud-hypervisor devices/src/iommu/iommufd.rs: IommufdIommu::new (ats_supported = !IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED)",
];
const OVMM_REFS: &[&str] = &[
    "openvmm vm/devices/iommu/smmu/src/emulator.rs: SmmuDevice::new (emulated IDRs, AIDR SMMUv3.3)",
    "openvmm vm/devices/iommu/smmu/src/emulator.rs: HostSmmuCaps::from_idr, effective_idr0/effective_idr1 (ATS, SSIDSIZE from host)",
    OVMM_CHECK,
];
const STRICT_REFS: &[&str] = &["include/uapi/linux/iommufd.h: struct iommu_hw_info_arm_smmuv3 (kdoc)", VSMMU_ALLOC];

/// OAS encoding to bits (IHI 0070 IDR5.OAS; 0b111 = 56 bits as QEMU's smmuv3_oas_bits maps it).
pub(crate) fn oas_bits(enc: u64) -> Option<u32> {
    [32u32, 36, 40, 42, 44, 48, 52, 56].get(enc as usize).copied()
}
fn oas_enc(bits: u32) -> Option<u64> {
    [32u32, 36, 40, 42, 44, 48, 52, 56].iter().position(|b| *b == bits).map(|p| p as u64)
}

/// The kernel version that added IOMMU_VEVENTQ_ALLOC (guest fault forwarding).
const VEVENTQ_KERNEL: crate::forward::KernelVersion = crate::forward::KernelVersion::new(6, 15);

/// One profile run on one host.
struct Run {
    accepts: bool,
    messages: Vec<String>,
    guest: GuestRegs,
    unverified: Vec<String>,
}

/// Kernel-side conditions every VMM meets first (IOMMU_VIOMMU_ALLOC, device bind).
fn kernel_checks(c: &Ctx) -> (Vec<String>, Vec<String>) {
    let mut refuse = Vec::new();
    let mut warn = Vec::new();
    if let Some(k) = c.opts.kernel {
        if k < NESTING_KERNEL {
            refuse.push(format!(
                "kernel {k}: no IOMMU_HW_INFO_TYPE_ARM_SMMUV3 / IOMMU_VIOMMU_TYPE_ARM_SMMUV3 before Linux {NESTING_KERNEL}, so IOMMU_VIOMMU_ALLOC fails"
            ));
        } else if k < VEVENTQ_KERNEL {
            warn.push(format!(
                "warning: kernel {k} predates IOMMU_VEVENTQ_ALLOC (Linux {VEVENTQ_KERNEL}): faults of the guest's stage 1 are not forwarded to the vSMMU event queue"
            ));
        }
    }
    if let Some(fl) = c.opts.hw_info_flags {
        if fl & 1 != 0 {
            warn.push("warning: hw_info flags report IOMMU_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI: the host SMMU needs every TLBI/CFGI issued twice, and nothing in the guest IDRs or IIDR tells a guest that".into());
        }
        if fl & !1 != 0 {
            warn.push(format!("warning: unknown hw_info flags {:#x}", fl & !1));
        }
    }
    if c.host.value(&idr0::LAYOUT).is_none() {
        refuse.push("IDR0 not given: cannot tell whether the host SMMU can nest".into());
        return (refuse, warn);
    }
    if !c.nesting() {
        refuse.push(format!(
            "kernel: IOMMU_VIOMMU_ALLOC fails (EOPNOTSUPP): the host SMMU lacks ARM_SMMU_FEAT_NESTING (IDR0.S1P={}, IDR0.S2P={})",
            c.hz(&idr0::S1P),
            c.hz(&idr0::S2P)
        ));
    }
    let fwb = c.h(&idr3::FWB);
    if fwb != Some(1) {
        let fwb_txt = match fwb {
            Some(v) => format!("IDR3.FWB={v}"),
            None => "IDR3.FWB unknown".to_string(),
        };
        match c.opts.firmware.canwbs {
            Some(true) => {}
            Some(false) => refuse.push(format!(
                "kernel: IOMMU_VIOMMU_ALLOC fails (EOPNOTSUPP): the device is not CANWBS and the host has no S2FWB ({fwb_txt})"
            )),
            None => warn.push(format!(
                "warning: {fwb_txt}: the kernel nests only if firmware marks the device CANWBS (IORT memory access flags); say so with --fw-canwbs[=false]"
            )),
        }
    }
    if c.hz(&idr0::COHACC) == 0 {
        match c.opts.firmware.coherent {
            Some(true) => {}
            Some(false) => refuse.push(
                "kernel: the SMMU is not coherent (IDR0.COHACC=0, firmware says not coherent); iommufd/VFIO only support coherent platforms".into(),
            ),
            None => warn.push(
                "warning: IDR0.COHACC=0: iommufd/VFIO only support coherent platforms; coherency then rests on firmware (--fw-coherent)".into(),
            ),
        }
    }
    (refuse, warn)
}

/// The strict profile presents the verdicts' guest values (safe on every host given), and
/// refuses a host whose kdoc-listed fields hold reserved encodings.
fn strict(c: &Ctx, strict_guest: &GuestRegs) -> Run {
    let mut messages = Vec::new();
    for (reg, f) in super::id_fields() {
        let Some(v) = c.h(f) else { continue };
        if f.is_reserved(v) && super::rules::is_direct(f) {
            messages
                .push(format!("host {reg}.{}={v} is a reserved encoding; a strict VMM does not forward it", f.name));
        }
    }
    Run { accepts: messages.is_empty(), messages, guest: strict_guest.clone(), unverified: vec![] }
}

/// QEMU `-device arm-smmuv3,accel=on` (stage 1 only).
fn qemu(c: &Ctx) -> Run {
    let o = c.opts.qemu;
    let mut g = GuestRegs::zeroed();
    let mut msgs = Vec::new();
    let mut unverified = Vec::new();
    // smmuv3_init_id_regs, stage 1 (the values QEMU 10.0 reads back as IDR0=0x0d44101a,
    // IDR1=0x02730010, IDR3=0x00001404, IDR5=0x00000074, AIDR=0x1).
    for (f, v) in [
        (&idr0::S1P, 1),
        (&idr0::TTF, 2),
        (&idr0::COHACC, 1),
        (&idr0::ASID16, 1),
        (&idr0::VMID16, 1),
        (&idr0::TTENDIAN, 2),
        (&idr0::STALL_MODEL, 1),
        (&idr0::TERM_MODEL, 1),
        (&idr0::ST_LEVEL, 1),
        (&idr1::SIDSIZE, 16),
        (&idr1::EVENTQS, 19),
        (&idr1::CMDQS, 19),
        (&idr3::HAD, 1),
        (&idr3::RIL, 1),
        (&idr3::BBML, 2),
        (&idr5::OAS, 4),
        (&idr5::GRAN4K, 1),
        (&idr5::GRAN16K, 1),
        (&idr5::GRAN64K, 1),
        (&aidr::ArchMinorRev, 1),
    ] {
        g.put(f, v);
    }
    // Property validation.
    if let NumOrAuto::Bits(b) = o.oas {
        if b != 44 && b != 48 {
            msgs.push("OAS can only be set to 44 or 48 bits".to_string());
            return Run { accepts: false, messages: msgs, guest: g, unverified };
        }
    }
    if let NumOrAuto::Bits(n) = o.ssidsize {
        if n > 20 {
            msgs.push(format!("Parameter 'ssidsize' does not accept value '{n}' (SsidSizeMode is auto or 0-20)"));
            return Run { accepts: false, messages: msgs, guest: g, unverified };
        }
    }
    // smmuv3_accel_idr_override
    if o.ril == OnOffAuto::Off {
        g.put(&idr3::RIL, 0);
    }
    if o.ats == OnOffAuto::On {
        g.put(&idr0::ATS, 1);
    }
    if o.oas == NumOrAuto::Bits(48) {
        g.put(&idr5::OAS, 5);
    }
    if let NumOrAuto::Bits(n) = o.ssidsize {
        if n > 0 {
            g.put(&idr1::SSIDSIZE, n as u64);
        }
    }
    // smmuv3_accel_auto_finalise
    if o.ats == OnOffAuto::Auto {
        g.put(&idr0::ATS, c.hz(&idr0::ATS));
    }
    if o.ril == OnOffAuto::Auto {
        g.put(&idr3::RIL, c.hz(&idr3::RIL));
    }
    if o.ssidsize == NumOrAuto::Auto {
        g.put(&idr1::SSIDSIZE, c.hz(&idr1::SSIDSIZE));
    }
    if o.oas == NumOrAuto::Auto {
        g.put(&idr5::OAS, c.hz(&idr5::OAS));
        unverified.push(
            "oas=auto: QEMU's OasMode accepts auto, but smmuv3_accel_auto_finalise as read resolves only ats, ril and ssidsize; modelled as taking the host OAS".into(),
        );
    }
    // smmuv3_accel_check_hw_compatible, in its order; the first failure is the message.
    let check = || -> Option<String> {
        let pair = |f: &FieldDef| Some((c.h(f)?, g.read(f)?));
        if let Some((h, q)) = pair(&idr0::ST_LEVEL) {
            if h != q {
                return Some(format!("Host SMMUv3 Stream Table format mismatch (host STLEVEL={h}, QEMU STLEVEL={q})"));
            }
        }
        if let Some((h, q)) = pair(&idr0::TTENDIAN) {
            if h > q {
                return Some("Host SMMUv3 doesn't support Little-endian translation table".into());
            }
        }
        if let Some((h, q)) = pair(&idr0::TTF) {
            if h < q {
                return Some("Host SMMUv3 doesn't support AArch64 translation table format".into());
            }
        }
        if let Some((h, q)) = pair(&idr1::SIDSIZE) {
            if h < q {
                return Some(format!("Host SMMUv3 SIDSIZE not compatible (host={h}, QEMU={q})"));
            }
        }
        if let Some((h, q)) = pair(&idr1::SSIDSIZE) {
            if h < q {
                return Some(format!("Host SMMUv3 SSIDSIZE not compatible (host={h}, QEMU={q})"));
            }
        }
        if let Some((h, q)) = pair(&idr3::RIL) {
            if h < q {
                return Some("Host SMMUv3 doesn't support Range Invalidation".into());
            }
        }
        if let Some((h, q)) = pair(&idr5::OAS) {
            if h < q {
                return Some(format!(
                    "Host SMMUv3 supports only {}-bit IPA, but the vSMMU OAS implies {}-bit IPA",
                    oas_bits(h).unwrap_or(0),
                    oas_bits(q).unwrap_or(0)
                ));
            }
        }
        if let Some((h, q)) = pair(&idr0::ATS) {
            if h < q {
                return Some("Host SMMUv3 doesn't support Address Translation Services".into());
            }
        }
        for (f, n) in [(&idr5::GRAN4K, "4K"), (&idr5::GRAN16K, "16K"), (&idr5::GRAN64K, "64K")] {
            if let Some((h, q)) = pair(f) {
                if h != q {
                    return Some(format!("Host SMMUv3 doesn't support {n} translation granule"));
                }
            }
        }
        None
    };
    let mut accepts = true;
    if let Some(m) = check() {
        msgs.push(m);
        accepts = false;
    }
    for f in [&idr1::SIDSIZE, &idr1::SSIDSIZE, &idr3::RIL, &idr5::OAS, &idr5::GRAN4K] {
        if c.h(f).is_none() {
            let reg = f.layout;
            msgs.push(format!("note: host {reg} not given: QEMU's {reg}.{} check could not be evaluated", f.name));
        }
    }
    Run { accepts, messages: msgs, guest: g, unverified }
}

/// Cloud Hypervisor's emulated SMMUv3 over iommufd.
fn cloud_hypervisor(c: &Ctx) -> Run {
    let mut g = GuestRegs::zeroed();
    let mut msgs = Vec::new();
    for (f, v) in [
        (&idr0::S1P, 1),
        (&idr0::TTF, 2),
        (&idr0::TTENDIAN, 2),
        (&idr0::STALL_MODEL, 1),
        (&idr0::ST_LEVEL, 1),
        (&idr1::SIDSIZE, 16),
        (&idr1::CMDQS, 19),
        (&idr1::EVENTQS, 19),
    ] {
        g.put(f, v);
    }
    // Host-gated IDR0 bits (IDR0_HOST_GATED): COHACC, ASID16, VMID16, CD2L and the
    // 2-level stream table bit, ST_LEVEL[0].
    for f in [&idr0::COHACC, &idr0::ASID16, &idr0::VMID16, &idr0::CD2L] {
        g.put(f, c.hz(f));
    }
    g.put(&idr0::ST_LEVEL, c.hz(&idr0::ST_LEVEL) & 1);
    let ats = !c.caps().pci_ats_not_supported;
    g.put(&idr0::ATS, ats as u64);
    if ats && c.hz(&idr0::ATS) == 0 {
        msgs.push(
            "note: Cloud Hypervisor sets IDR0.ATS from the kernel capability alone; the host IDR0.ATS is 0".into(),
        );
    }
    g.put(&idr1::SSIDSIZE, c.hz(&idr1::SSIDSIZE));
    // OAS = min(48-bit, host), granules = {4K, 64K} and host, else {4K, 64K}.
    g.put(&idr5::OAS, c.hz(&idr5::OAS).min(5));
    let g4 = c.hz(&idr5::GRAN4K);
    let g64 = c.hz(&idr5::GRAN64K);
    if g4 == 0 && g64 == 0 && c.host.value(&idr5::LAYOUT).is_some() {
        g.put(&idr5::GRAN4K, 1);
        g.put(&idr5::GRAN64K, 1);
        msgs.push("note: the host has neither GRAN4K nor GRAN64K; Cloud Hypervisor then advertises both anyway".into());
    } else if g4 == 0 && g64 == 0 {
        g.put(&idr5::GRAN4K, 1);
        g.put(&idr5::GRAN64K, 1);
    } else {
        g.put(&idr5::GRAN4K, g4);
        g.put(&idr5::GRAN64K, g64);
    }
    let unverified = vec![
        "IDR0.ST_LEVEL: host-gated as in set_host_id_regs at cloud-hypervisor commit 09af962 (IDR0_HOST_GATED includes IDR0_STLEVEL_2LVL, as in the PR #8805 review); the stored revision 07addbae gates only COHACC/ASID16/VMID16/CD2L and keeps ST_LEVEL 2-level".to_string(),
    ];
    Run { accepts: true, messages: msgs, guest: g, unverified }
}

/// OpenVMM's SMMUv3 emulator, accel mode.
fn openvmm(c: &Ctx) -> Run {
    let o = c.opts.openvmm;
    let mut g = GuestRegs::zeroed();
    let mut msgs = Vec::new();
    let unverified = vec![
        "IDR0.ATS and IDR1.SSIDSIZE: taken from HostSmmuCaps (emulator.rs effective_idr0/effective_idr1 read the shared state); the shared.rs version read does not show the assignment".to_string(),
        "IDR5.OAS encoding 0b111 is taken as 56 bits; OpenVMM's AddrSize table was not read".to_string(),
    ];
    for (f, v) in [
        (&idr0::S1P, 1),
        (&idr0::TTF, 2),
        (&idr0::COHACC, 1),
        (&idr0::ASID16, 1),
        (&idr0::TTENDIAN, 2),
        (&idr0::STALL_MODEL, 1),
        (&idr0::TERM_MODEL, 1),
        (&idr0::ST_LEVEL, 0),
        (&idr1::CMDQS, 8),
        (&idr1::EVENTQS, 8),
        (&idr5::GRAN4K, 1),
        (&aidr::ArchMinorRev, 3),
    ] {
        g.put(f, v);
    }
    g.put(&idr1::SIDSIZE, o.sidsize as u64);
    g.put(&idr0::ATS, c.hz(&idr0::ATS));
    g.put(&idr1::SSIDSIZE, c.hz(&idr1::SSIDSIZE));
    let refuse = |msgs: &mut Vec<String>, m: String| msgs.push(m);
    let ttf = c.hz(&idr0::TTF);
    let mut accepts = true;
    if ttf & 2 == 0 {
        refuse(&mut msgs, format!("host SMMU does not support AArch64 translation tables (IDR0.TTF={ttf:#05b})"));
        accepts = false;
    } else if !matches!(c.hz(&idr0::TTENDIAN), 0 | 2) {
        refuse(
            &mut msgs,
            format!(
                "host SMMU does not support little-endian translation tables (IDR0.TTENDIAN={:#04b})",
                c.hz(&idr0::TTENDIAN)
            ),
        );
        accepts = false;
    } else if c.hz(&idr5::GRAN4K) == 0 {
        refuse(&mut msgs, "host SMMU does not support the 4KB translation granule (IDR5.GRAN4K=0)".into());
        accepts = false;
    } else {
        let enc = c.hz(&idr5::OAS);
        match oas_bits(enc) {
            None => {
                refuse(&mut msgs, format!("host SMMU reported an unknown OAS encoding ({enc})"));
                accepts = false;
            }
            Some(host_bits) => match o.oas {
                NumOrAuto::Auto => {
                    g.put(&idr5::OAS, enc);
                }
                NumOrAuto::Bits(b) => {
                    if b as u32 > host_bits {
                        refuse(&mut msgs, format!("configured SMMU oas={b} exceeds host SMMU OAS {host_bits}; lower the configured OAS or use oas=auto"));
                        accepts = false;
                    }
                    match oas_enc(b as u32) {
                        Some(e) => {
                            g.put(&idr5::OAS, e);
                        }
                        None => {
                            msgs.push(format!("note: oas={b} is not an architected OAS; OpenVMM's AddrSize::from_addr_bits decides the encoding (not modelled)"));
                        }
                    }
                }
            },
        }
    }
    if c.h(&idr5::GRAN4K).is_none() {
        msgs.push("note: host IDR5 not given: OpenVMM's GRAN4K and OAS checks see 0".into());
    }
    Run { accepts, messages: msgs, guest: g, unverified }
}

pub(crate) fn run_profile(
    v: Vmm,
    names: &[String],
    hosts: &[&RegisterSet],
    uniq: &super::Distinct,
    verdicts: &[Verdict],
    strict_guest: &GuestRegs,
    opts: &ForwardOptions,
) -> VmmResult {
    let refs: Vec<String> = match v {
        Vmm::Strict => STRICT_REFS,
        Vmm::QemuAccel => QEMU_REFS,
        Vmm::CloudHypervisor => CH_REFS,
        Vmm::OpenVmm => OVMM_REFS,
    }
    .iter()
    .map(|s| s.to_string())
    .collect();
    let multi = hosts.len() > 1;
    // One run per distinct configuration (hosts with equal values get equal runs).
    let mut distinct_runs: Vec<Run> = Vec::new();
    for h in uniq.first.iter().filter_map(|&i| hosts.get(i)) {
        let c = Ctx::new(h, opts);
        let (refuse, warn) = kernel_checks(&c);
        let mut run = match v {
            Vmm::Strict => strict(&c, strict_guest),
            Vmm::QemuAccel => qemu(&c),
            Vmm::CloudHypervisor => cloud_hypervisor(&c),
            Vmm::OpenVmm => openvmm(&c),
        };
        if !refuse.is_empty() {
            run.accepts = false;
        }
        let mut m = refuse;
        m.append(&mut run.messages);
        m.extend(warn);
        run.messages = m;
        distinct_runs.push(run);
    }
    // The spec's own consistency rules, run on each guest IDR set this VMM presents.
    let warned: Vec<Vec<String>> = distinct_runs.iter().map(|r| guest_warnings(&r.guest)).collect();
    for (r, ws) in distinct_runs.iter_mut().zip(warned.iter()) {
        for w in ws {
            r.messages.push(format!("warning: guest IDRs break an IHI 0070 6.3 rule: {w}"));
        }
    }
    let runs: Vec<&Run> = uniq.of_host.iter().filter_map(|&k| distinct_runs.get(k)).collect();
    let mut guest_warnings_out = Vec::new();
    let mut said = std::collections::HashSet::new();
    for (i, &k) in uniq.of_host.iter().enumerate() {
        for w in warned.get(k).into_iter().flatten() {
            let line =
                if multi { format!("{}: {w}", names.get(i).map(String::as_str).unwrap_or("?")) } else { w.clone() };
            if said.insert(line.clone()) {
                guest_warnings_out.push(line);
            }
        }
    }
    let accepts = !runs.is_empty() && runs.iter().all(|r| r.accepts);
    let mut messages = Vec::new();
    for (i, r) in runs.iter().enumerate() {
        for m in &r.messages {
            if multi {
                messages.push(format!("{}: {m}", names.get(i).map(String::as_str).unwrap_or("?")));
            } else {
                messages.push(m.clone());
            }
        }
    }
    let first = runs.first().map(|r| r.guest.clone()).unwrap_or_else(GuestRegs::zeroed);
    let mut per_host = Vec::new();
    if multi {
        let differ = runs.windows(2).any(|w| w[0].guest != w[1].guest);
        if differ {
            messages.push(
                "note: the guest IDRs differ between hosts; a guest migrated between them would see its SMMU change"
                    .into(),
            );
            for (i, r) in runs.iter().enumerate() {
                per_host.push(HostGuest {
                    host: names.get(i).cloned().unwrap_or_default(),
                    accepts: r.accepts,
                    guest: r.guest.to_hex_map(),
                });
            }
        }
    }
    // Where this VMM's guest exceeds the strict verdicts, host by host.
    let mut exceeds = Vec::new();
    if v != Vmm::Strict {
        // Each distinct configuration's own verdicts, computed once.
        let mut own: Vec<Option<Vec<Verdict>>> = vec![None; if multi { uniq.first.len() } else { 0 }];
        for (i, (&k, r)) in uniq.of_host.iter().zip(runs.iter()).enumerate() {
            if !r.accepts {
                continue; // it never presents anything on a host it refuses
            }
            let vds: &[Verdict] = match own.get_mut(k) {
                Some(slot) => {
                    if slot.is_none() {
                        *slot = uniq.first.get(k).and_then(|&h| hosts.get(h)).map(|h| super::verdicts_for(h, opts).0);
                    }
                    slot.as_deref().unwrap_or(verdicts)
                }
                None => verdicts,
            };
            let prefix =
                if multi { format!("{}: ", names.get(i).map(String::as_str).unwrap_or("?")) } else { String::new() };
            for vd in vds {
                if !vd.hardware_backed {
                    continue;
                }
                let Some(val) = r.guest.read(vd.def.0) else { continue };
                if !vd.order.safe(val, vd.guest) {
                    messages.push(format!(
                        "{prefix}note: presents {}.{}={val} where the strict verdict is {} ({})",
                        vd.register,
                        vd.field,
                        vd.guest,
                        vd.class.name()
                    ));
                    if i == 0 {
                        exceeds.push(FieldValue {
                            register: vd.register,
                            field: vd.field,
                            value: val,
                            strict: vd.guest,
                            host: vd.host,
                            class: vd.class,
                        });
                    }
                }
            }
        }
    }
    let mut unverified: Vec<String> = Vec::new();
    for r in &distinct_runs {
        for u in &r.unverified {
            if !unverified.contains(u) {
                unverified.push(u.clone());
            }
        }
    }
    VmmResult {
        name: v.name(),
        accepts,
        messages,
        guest: first.to_hex_map(),
        per_host,
        exceeds_strict: exceeds,
        guest_warnings: guest_warnings_out,
        refs,
        unverified,
    }
}

/// The consistency warnings `derived::summarize` gives for a guest IDR set (the same
/// checks `smmu decode` runs).
pub(crate) fn guest_warnings(g: &GuestRegs) -> Vec<String> {
    crate::derived::summarize(&g.to_register_set()).warnings
}
