//! Live host collection: everything a Linux host tells about its SMMUv3s, read-only, each
//! source optional and reported as found, missing or refused (with the reason and what would
//! fix it). The result is a snapshot (`smmu_core::snapshot`) that `decode`, `forward`, `walk`
//! and the explorers read.
//!
//! Sources: sysfs/procfs ([`sysfs`]), the ACPI IORT ([`iort`]), the device tree ([`fdt`]),
//! registers through /dev/mem ([`devmem`]), iommufd `IOMMU_GET_HW_INFO` ([`iommufd`]) and the
//! kernel log ([`kmsg`]). Every path is read under `Options::root` (`--root`).

pub mod bytes;
pub mod devmem;
pub mod fdt;
pub mod iommufd;
pub mod iort;
pub mod kmsg;
pub mod safefs;
pub mod sysfs;

use serde::Serialize;
use serde_json::{json, Value};
use smmu_core::mem::SparseMem;
use smmu_core::queues::queue::QueueId;
use smmu_core::regset::{Origin, RegisterSet};
use smmu_core::snapshot::{encode_hex_bytes, Snapshot};
use smmu_core::structs::geometry;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Options {
    /// Every absolute path is read under this directory ("/" on a live host).
    pub root: PathBuf,
    /// A file standing in for /dev/mem (byte offset = physical address).
    pub devmem: Option<PathBuf>,
    /// The VFIO devices to bind to iommufd and ask IOMMU_GET_HW_INFO (opening a VFIO device
    /// resets it, so only the devices named are opened): cdev paths
    /// (/dev/vfio/devices/vfio0), cdev names (vfio0) or PCI addresses (0000:01:00.0).
    pub iommufd: Vec<String>,
    /// Also capture the stream table and queues (RAM) through the memory source.
    pub memory: bool,
    /// Read the registers of SMMUs the device tree marks disabled and of instances no driver
    /// is bound to (skipped otherwise: on real SoCs such a read can hang the bus).
    pub force_disabled: bool,
    /// A saved kernel log to read instead of /dev/kmsg (`-` is standard input).
    pub kernel_log: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            root: PathBuf::from("/"),
            devmem: None,
            iommufd: vec![],
            memory: false,
            force_disabled: false,
            kernel_log: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Found,
    Missing,
    Refused,
    /// Present but unusable (a corrupt table, an I/O error).
    Error,
    /// Not attempted (needs an option).
    Skipped,
}

impl Status {
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Found => "found",
            Status::Missing => "missing",
            Status::Refused => "refused",
            Status::Error => "error",
            Status::Skipped => "skipped",
        }
    }
}

/// What happened to one source.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SourceReport {
    pub source: String,
    pub path: String,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

pub const FIX_ROOT: &str = "run as root (sudo smmu collect)";
pub const FIX_IOMEM: &str = "boot with iomem=relaxed (CONFIG_IO_STRICT_DEVMEM refuses regions a driver holds)";

/// An SMMU with what was read from it.
#[derive(Debug, Clone, Serialize)]
pub struct SmmuReport {
    #[serde(flatten)]
    pub instance: sysfs::SmmuInstance,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub registers: BTreeMap<String, String>,
    #[serde(skip)]
    pub regset: RegisterSet,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iort_model: Option<String>,
    #[serde(skip)]
    pub page0_only: bool,
    /// Why its registers were not read (a disabled DT node, no driver bound), when skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

/// Everything collected.
pub struct Collection {
    pub snapshot: Snapshot,
    pub sources: Vec<SourceReport>,
    pub smmus: Vec<SmmuReport>,
    pub pci: Vec<sysfs::PciDevice>,
    pub notes: Vec<String>,
}

struct Ctx {
    fs: safefs::Root,
    sources: Vec<SourceReport>,
    notes: Vec<String>,
    provenance: BTreeMap<String, String>,
}

impl Ctx {
    fn shown(&self, abs: &str) -> String {
        self.fs.shown(abs)
    }
    fn report(
        &mut self,
        source: &str,
        path: &str,
        status: Status,
        detail: Option<String>,
        reason: Option<String>,
        fix: Option<&str>,
    ) {
        self.sources.push(SourceReport {
            source: source.into(),
            path: path.into(),
            status,
            detail,
            reason,
            fix: fix.map(str::to_string),
        });
    }
    fn found(&mut self, source: &str, path: &str, detail: String) {
        self.report(source, path, Status::Found, Some(detail), None, None);
    }
    /// Reports an io error as missing / refused / error with a reason and fix.
    fn io_fail(
        &mut self,
        source: &str,
        path: &str,
        e: &std::io::Error,
        missing_reason: &str,
        missing_fix: Option<&str>,
    ) {
        if let Some(r) = safefs::refusal(e) {
            self.report(source, path, Status::Refused, None, Some(r.0.clone()), None);
            return;
        }
        match e.kind() {
            std::io::ErrorKind::NotFound => {
                self.report(source, path, Status::Missing, None, Some(missing_reason.into()), missing_fix)
            }
            std::io::ErrorKind::PermissionDenied => {
                self.report(source, path, Status::Refused, None, Some(format!("{e}")), Some(FIX_ROOT))
            }
            _ => self.report(source, path, Status::Error, None, Some(e.to_string()), None),
        }
    }
}

fn is_root_user() -> bool {
    rustix::process::geteuid().is_root()
}

/// Collects everything. Never fails: each problem becomes a source report.
pub fn collect(opts: &Options) -> Collection {
    let fs = match safefs::Root::new(&opts.root) {
        Ok(fs) => fs,
        Err(e) => {
            let src = SourceReport {
                source: "root".into(),
                path: opts.root.display().to_string(),
                status: Status::Error,
                detail: None,
                reason: Some(format!("cannot open the tree: {e}")),
                fix: None,
            };
            let mut snap = Snapshot::new(RegisterSet::new(), SparseMem::new());
            snap.file.provenance = Some(json!({ "root": opts.root.display().to_string(), "sources": [src.clone()] }));
            return Collection { snapshot: snap, sources: vec![src], smmus: vec![], pci: vec![], notes: vec![] };
        }
    };
    let mut cx = Ctx { fs, sources: vec![], notes: vec![], provenance: BTreeMap::new() };

    // Kernel identity.
    let mut kernel = serde_json::Map::new();
    let path = cx.shown("/proc/version");
    match cx.fs.read_text("/proc/version") {
        Ok(v) => {
            cx.found("kernel.version", &path, v.clone());
            kernel.insert("version".into(), json!(v));
        }
        Err(e) => cx.io_fail(
            "kernel.version",
            &path,
            &e,
            "no /proc/version (procfs not mounted?)",
            Some("mount -t proc proc /proc"),
        ),
    }
    let path = cx.shown("/proc/cmdline");
    let mut iomem_relaxed = None;
    match cx.fs.read_text("/proc/cmdline") {
        Ok(v) => {
            let relaxed = v.split_whitespace().any(|w| w == "iomem=relaxed");
            iomem_relaxed = Some(relaxed);
            cx.found("kernel.cmdline", &path, v.clone());
            kernel.insert("cmdline".into(), json!(v));
            kernel.insert("iomem_relaxed".into(), json!(relaxed));
        }
        Err(e) => cx.io_fail(
            "kernel.cmdline",
            &path,
            &e,
            "no /proc/cmdline (procfs not mounted?)",
            Some("mount -t proc proc /proc"),
        ),
    }

    // CPU.
    let mut host = serde_json::Map::new();
    let mshown = cx.shown(sysfs::MIDR_PATH);
    match cx.fs.read_text(sysfs::MIDR_PATH) {
        Ok(v) => match smmu_core::snapshot::parse_hex_u64(&v) {
            Some(m) => {
                let d = sysfs::decode_midr(m);
                cx.found(
                    "cpu.midr",
                    &mshown,
                    format!("MIDR_EL1 {} ({} part {})", d.value, d.implementer_name, d.part_num),
                );
                host.insert("cpu".into(), json!({ "midr_el1": d }));
            }
            None => cx.report(
                "cpu.midr",
                &mshown,
                Status::Error,
                None,
                Some(format!("{:?} is not a hex value", safefs::clip(&v, 40))),
                None,
            ),
        },
        Err(e) => {
            cx.io_fail("cpu.midr", &mshown, &e, "no MIDR_EL1 in sysfs (not an arm64 host, or an old kernel)", None)
        }
    }

    // SMMU instances from sysfs.
    let mut smmus: Vec<sysfs::SmmuInstance> = Vec::new();
    let path = cx.shown("/sys/class/iommu");
    match sysfs::scan_iommu_class(&cx.fs) {
        Ok(scan) => {
            let detail = format!(
                "{} SMMUv3 instance(s){}",
                scan.instances.len(),
                if scan.others.is_empty() {
                    String::new()
                } else {
                    format!("; other IOMMUs: {}", scan.others.join(", "))
                }
            );
            if scan.instances.is_empty() {
                cx.report(
                    "sysfs.iommu_class",
                    &path,
                    Status::Missing,
                    Some(detail),
                    Some("no SMMUv3 is registered with the kernel".into()),
                    None,
                );
            } else {
                cx.found("sysfs.iommu_class", &path, detail);
            }
            smmus.extend(scan.instances);
        }
        Err(e) => cx.io_fail("sysfs.iommu_class", &path, &e, "no IOMMU is registered with the kernel", None),
    }
    let path = cx.shown("/sys/bus/platform/drivers/arm-smmu-v3");
    match sysfs::scan_platform_driver(&cx.fs) {
        Ok(devs) => {
            cx.found(
                "sysfs.arm_smmu_v3_driver",
                &path,
                format!("bound: {}", if devs.is_empty() { "none".into() } else { devs.join(", ") }),
            );
            for d in devs {
                if !smmus.iter().any(|s| s.device.as_deref() == Some(&d)) {
                    smmus.push(sysfs::SmmuInstance {
                        device: Some(d),
                        driver: Some("arm-smmu-v3".into()),
                        ..Default::default()
                    });
                }
            }
        }
        Err(e) => cx.io_fail(
            "sysfs.arm_smmu_v3_driver",
            &path,
            &e,
            "the arm-smmu-v3 driver is not loaded (built without CONFIG_ARM_SMMU_V3, or the module is not loaded)",
            Some("modprobe arm_smmu_v3"),
        ),
    }
    if let Ok(devs) = sysfs::scan_platform_devices(&cx.fs) {
        for (d, drv) in devs {
            if !smmus.iter().any(|s| s.device.as_deref() == Some(&d)) {
                if drv.is_none() {
                    cx.notes.push(format!("platform device {d} is an SMMUv3 not bound to any driver"));
                }
                smmus.push(sysfs::SmmuInstance { device: Some(d), driver: drv, ..Default::default() });
            }
        }
    }

    // /proc/iomem: register windows.
    let path = cx.shown("/proc/iomem");
    let mut system_ram: Option<Vec<(u64, u64)>> = None;
    match cx.fs.read("/proc/iomem", safefs::LIMIT_IOMEM, "/proc/iomem") {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let (ranges, hidden) = sysfs::parse_iomem(&text);
            if !hidden {
                system_ram = Some(
                    ranges
                        .iter()
                        .filter(|r| r.depth == 0 && r.name == "System RAM")
                        .map(|r| (r.start, r.end))
                        .collect(),
                );
            }
            if hidden {
                cx.report(
                    "procfs.iomem",
                    &path,
                    Status::Refused,
                    None,
                    Some("addresses read as zero for this user".into()),
                    Some(FIX_ROOT),
                );
            } else {
                let mut n = 0;
                for s in smmus.iter_mut() {
                    let Some(dev) = s.device.clone() else { continue };
                    for r in ranges.iter().filter(|r| r.name == dev) {
                        s.iomem.push(format!("{:#x}-{:#x}", r.start, r.end));
                        n += 1;
                    }
                    if let Some(r) = ranges.iter().filter(|r| r.name == dev).min_by_key(|r| r.start) {
                        s.set_base(r.start, "/proc/iomem");
                    }
                }
                cx.found("procfs.iomem", &path, format!("{n} range(s) held by SMMU devices"));
            }
        }
        Err(e) => cx.io_fail(
            "procfs.iomem",
            &path,
            &e,
            "no /proc/iomem (procfs not mounted?)",
            Some("mount -t proc proc /proc"),
        ),
    }

    // Firmware: IORT.
    let mut firmware = serde_json::Map::new();
    let path = cx.shown("/sys/firmware/acpi/tables/IORT");
    let mut iort_table: Option<iort::Iort> = None;
    match cx.fs.read("/sys/firmware/acpi/tables/IORT", safefs::LIMIT_TABLE, "an ACPI table") {
        Ok(bytes) => match iort::parse(&bytes) {
            Ok(t) => {
                let n = t.smmus().count();
                cx.found(
                    "firmware.iort",
                    &path,
                    format!(
                        "IORT rev {}, {} node(s), {n} SMMUv3 node(s){}",
                        t.revision,
                        t.nodes.len(),
                        if t.checksum_ok { "" } else { ", bad checksum" }
                    ),
                );
                if !t.checksum_ok {
                    cx.notes.push("IORT checksum does not sum to zero".into());
                }
                firmware.insert("iort".into(), serde_json::to_value(&t).unwrap_or(Value::Null));
                firmware.insert("iort_raw".into(), json!(encode_hex_bytes(&bytes)));
                let named = t.named_component_streams();
                if !named.is_empty() {
                    firmware.insert(
                        "iort_named_component_streams".into(),
                        serde_json::to_value(&named).unwrap_or(Value::Null),
                    );
                }
                iort_table = Some(t);
            }
            Err(e) => cx.report("firmware.iort", &path, Status::Error, None, Some(e.to_string()), None),
        },
        Err(e) => cx.io_fail(
            "firmware.iort",
            &path,
            &e,
            "no ACPI IORT (the host booted with a device tree, or its firmware has no IORT)",
            None,
        ),
    }
    if let Some(t) = &iort_table {
        for (node, s) in t.smmus() {
            let inst = match smmus.iter().position(|x| x.base_num == Some(s.base_num)) {
                Some(i) => &mut smmus[i],
                None => {
                    smmus.push(sysfs::SmmuInstance::default());
                    let l = smmus.len() - 1;
                    &mut smmus[l]
                }
            };
            inst.set_base(s.base_num, &format!("IORT SMMUv3 node at {}", node.offset));
        }
    }

    // Firmware: device tree (the blob first, then the unpacked tree).
    let fdt_path = cx.shown("/sys/firmware/fdt");
    let dir_path = cx.shown("/sys/firmware/devicetree/base");
    let mut dt: Option<fdt::DtSummary> = None;
    let mut blob_refused = false;
    match cx.fs.read("/sys/firmware/fdt", safefs::LIMIT_TABLE, "a device tree blob") {
        Ok(b) => match fdt::parse_blob(&b) {
            Ok(tree) => {
                let s = fdt::summarize(&tree);
                cx.found(
                    "firmware.fdt",
                    &fdt_path,
                    format!("{} byte blob, {} arm,smmu-v3 node(s)", b.len(), s.smmus.len()),
                );
                dt = Some(s);
            }
            Err(e) => cx.report("firmware.fdt", &fdt_path, Status::Error, None, Some(e.to_string()), None),
        },
        Err(e) => {
            blob_refused = e.kind() == std::io::ErrorKind::PermissionDenied;
            cx.io_fail(
                "firmware.fdt",
                &fdt_path,
                &e,
                "no flattened device tree (an ACPI host, or CONFIG_OF not set)",
                None,
            );
        }
    }
    if dt.is_none() {
        match fdt::read_tree(&cx.fs, "/sys/firmware/devicetree/base") {
            Ok(tree) => {
                let s = fdt::summarize(&tree);
                cx.found("firmware.devicetree", &dir_path, format!("{} arm,smmu-v3 node(s)", s.smmus.len()));
                if blob_refused {
                    // The unpacked tree replaces the blob: not a problem for the user.
                    if let Some(r) = cx.sources.iter_mut().find(|r| r.source == "firmware.fdt") {
                        r.detail = Some("read through /sys/firmware/devicetree/base instead".into());
                    }
                }
                dt = Some(s);
            }
            Err(e) => cx.io_fail(
                "firmware.devicetree",
                &dir_path,
                &e,
                "no device tree (an ACPI host, or CONFIG_OF not set)",
                None,
            ),
        }
    }
    if let Some(s) = &dt {
        for n in &s.smmus {
            if let Some(b) = n.base_num {
                if n.status.as_deref().is_some_and(|st| st != "okay" && st != "ok") {
                    cx.notes.push(format!("device tree {} has status {:?}", n.path, n.status));
                }
                let i = match smmus.iter().position(|x| x.base_num == Some(b)) {
                    Some(i) => i,
                    None => {
                        smmus.push(sysfs::SmmuInstance::default());
                        smmus.len() - 1
                    }
                };
                smmus[i].set_base(b, &format!("device tree {} reg", n.path));
            }
        }
        firmware.insert("devicetree".into(), serde_json::to_value(s).unwrap_or(Value::Null));
    }

    // iommu groups and PCI devices, with StreamIDs from the firmware's ID mappings.
    let path = cx.shown("/sys/kernel/iommu_groups");
    match sysfs::scan_groups(&cx.fs) {
        Ok(g) => {
            cx.found("sysfs.iommu_groups", &path, format!("{} group(s)", g.len()));
            host.insert("iommu_groups".into(), serde_json::to_value(&g).unwrap_or(Value::Null));
        }
        Err(e) => cx.io_fail("sysfs.iommu_groups", &path, &e, "no iommu groups (no IOMMU in use)", None),
    }
    let path = cx.shown("/sys/bus/pci/devices");
    let mut pci = Vec::new();
    match sysfs::scan_pci(&cx.fs) {
        Ok(mut devs) => {
            for d in devs.iter_mut() {
                assign_sid(d, iort_table.as_ref(), dt.as_ref());
                if d.smmu_base.is_none() {
                    if let Some(b) = d.iommu.as_deref().and_then(sysfs::base_from_class_name) {
                        d.smmu_base = Some(format!("{b:#x}"));
                    }
                }
            }
            let with_sid = devs.iter().filter(|d| d.sid.is_some()).count();
            cx.found("sysfs.pci", &path, format!("{} device(s), {with_sid} with a StreamID", devs.len()));
            pci = devs;
        }
        Err(e) => cx.io_fail("sysfs.pci", &path, &e, "no PCI bus", None),
    }

    // Registers.
    let mut reports: Vec<SmmuReport> = smmus
        .into_iter()
        .map(|instance| {
            let model = iort_table.as_ref().and_then(|t| {
                t.smmus().find(|(_, s)| Some(s.base_num) == instance.base_num).map(|(_, s)| (s.model, s.model_name))
            });
            let dt_cavium = dt.as_ref().is_some_and(|d| {
                d.smmus.iter().any(|n| {
                    n.base_num == instance.base_num
                        && n.quirks.iter().any(|q| q.property == "cavium,cn9900-broken-page1-regspace")
                })
            });
            let dt_status = dt.as_ref().and_then(|d| {
                d.smmus
                    .iter()
                    .find(|n| n.base_num.is_some() && n.base_num == instance.base_num)
                    .and_then(|n| n.status.clone().map(|st| (n.path.clone(), st)))
            });
            // A driver registers the iommu class device when it probes: an instance listed
            // there is bound even if the copied tree lacks its driver link.
            let bound = instance.driver.is_some() || instance.iommu_class.is_some();
            let skipped = match (&dt_status, bound) {
                (Some((path, st)), _) if st != "okay" && st != "ok" => Some(format!(
                    "the device tree marks {path} status = {:?}: the SMMU may be powered down or clock-gated, \
                     and reading it can hang the bus",
                    safefs::clip(st, 40)
                )),
                (_, false) => Some(
                    "no driver is bound to it: it may be powered down, clock-gated or reserved for another \
                     agent, and reading it can hang the bus"
                        .to_string(),
                ),
                _ => None,
            };
            SmmuReport {
                skipped,
                page0_only: model.is_some_and(|m| m.0 == 2) || dt_cavium,
                iort_model: model.map(|m| m.1.to_string()),
                instance,
                registers: BTreeMap::new(),
                regset: RegisterSet::new(),
            }
        })
        .collect();
    read_all_registers(&mut cx, opts, &mut reports, iomem_relaxed);

    // iommufd.
    let hw_infos = collect_iommufd(&mut cx, opts, &mut host);

    // Kernel log.
    collect_kernel_log(&mut cx, opts, &mut kernel);

    // Registers of the first SMMU read become the snapshot's register set.
    let mut regs = RegisterSet::new();
    let mut memory = SparseMem::new();
    if let Some(first) = reports.iter().find(|r| !r.regset.is_empty()) {
        regs = first.regset.clone();
        if reports.iter().filter(|r| !r.regset.is_empty()).count() > 1 {
            cx.notes.push(format!(
                "several SMMUs: \"registers\" holds the one at {}; host.smmus[] has each",
                first.instance.base.clone().unwrap_or_default()
            ));
        }
        if opts.memory {
            capture_memory(&mut cx, opts, &regs, &mut memory, system_ram.as_deref());
        }
    }
    if regs.is_empty() {
        if let Some(h) = hw_infos.first() {
            // /dev/mem gave nothing: the raw ID registers iommufd reports stand in.
            regs = registers_from_hw_info(h);
            for (r, v) in regs.iter() {
                cx.provenance.insert(format!("registers.{}", r.name), v.origin.source.clone());
            }
            cx.notes
                .push(format!("registers IDR0-5, IIDR and AIDR come from iommufd ({}); /dev/mem gave none", h.device));
        }
    }
    if reports.is_empty() {
        cx.notes.push("no SMMUv3 found on this host: none in sysfs, /proc/iomem, the IORT or the device tree".into());
    }
    if !is_root_user() && cx.sources.iter().any(|s| s.status == Status::Refused) {
        cx.notes.push(format!("some sources were refused to this user: {FIX_ROOT}"));
    }

    host.insert("smmus".into(), serde_json::to_value(&reports).unwrap_or(Value::Null));
    host.insert("pci_devices".into(), serde_json::to_value(&pci).unwrap_or(Value::Null));

    let mut snap = Snapshot::new(regs, memory);
    snap.file.host = Some(Value::Object(host));
    snap.file.kernel = if kernel.is_empty() { None } else { Some(Value::Object(kernel)) };
    snap.file.firmware = if firmware.is_empty() { None } else { Some(Value::Object(firmware)) };
    snap.file.provenance = Some(json!({
        "tool": format!("smmu collect {}", env!("CARGO_PKG_VERSION")),
        "root": opts.root.display().to_string(),
        "values": cx.provenance,
        "sources": cx.sources,
    }));
    snap.file.notes = cx.notes.clone();
    Collection { snapshot: snap, sources: cx.sources, smmus: reports, pci, notes: cx.notes }
}

/// The kernel log: `--kernel-log FILE|-`, else /dev/kmsg in the tree, else (under `--root`
/// only) a saved var/log/kern.log* or var/log/dmesg*. Kept as lines formatted like `dmesg`
/// (`kernel.log`), decoded as `smmu log` does (`kernel.log_decoded`), with where they came from
/// (`kernel.log_source`).
fn collect_kernel_log(cx: &mut Ctx, opts: &Options, kernel: &mut serde_json::Map<String, Value>) {
    let read = if let Some(p) = &opts.kernel_log {
        let shown = if p == Path::new("-") { "standard input".to_string() } else { p.display().to_string() };
        let r = if p == Path::new("-") {
            kmsg::read_saved_stream(std::io::stdin().lock())
        } else {
            safefs::open_arg(p, safefs::Device::None).and_then(kmsg::read_saved_file)
        };
        Some((shown, "--kernel-log", r))
    } else {
        let kshown = cx.shown("/dev/kmsg");
        match kmsg::read(&cx.fs, "/dev/kmsg") {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !cx.fs.is_live() => {
                // A copied tree without dev/kmsg: a saved log in var/log stands in.
                let cands = kmsg::saved_candidates(&cx.fs);
                match cands.first() {
                    Some(c) => {
                        let shown = cx.shown(c);
                        let r = cx.fs.open(c, safefs::Device::None).and_then(kmsg::read_saved_file);
                        if cands.len() > 1 {
                            cx.notes.push(format!(
                                "kernel log: read {shown}; also in the tree: {}",
                                cands[1..].iter().map(|c| c.trim_start_matches('/')).collect::<Vec<_>>().join(", ")
                            ));
                        }
                        Some((shown, "saved log in the tree (no dev/kmsg)", r))
                    }
                    None => {
                        cx.io_fail(
                            "kernel.log",
                            &kshown,
                            &e,
                            "no dev/kmsg, var/log/kern.log* or var/log/dmesg* in the tree",
                            Some("give a saved log with --kernel-log FILE"),
                        );
                        None
                    }
                }
            }
            r => Some((kshown, "kernel ring buffer", r)),
        }
    };
    let Some((shown, how, r)) = read else { return };
    match r {
        Ok(log) => {
            cx.found(
                "kernel.log",
                &shown,
                format!(
                    "{} SMMU/IOMMU line(s) of {} ({} format){}",
                    log.lines.len(),
                    log.total,
                    log.format,
                    log.note.as_ref().map(|n| format!("; {n}")).unwrap_or_default()
                ),
            );
            // The same decode `smmu log` gives: probe banner features, events, command errors.
            let kv = kernel
                .get("version")
                .and_then(|v| v.as_str())
                .and_then(|v| v.split_whitespace().nth(2))
                .and_then(smmu_core::klog::features::KernelVersion::parse);
            let report = smmu_core::klog::parse(&log.lines.join("\n"), &smmu_core::klog::Options { kernel: kv });
            kernel.insert("log_decoded".into(), serde_json::to_value(&report).unwrap_or(Value::Null));
            kernel.insert("log".into(), json!(log.lines));
            kernel.insert(
                "log_source".into(),
                json!({ "path": shown, "how": how, "format": log.format, "lines_read": log.total, "note": log.note }),
            );
        }
        Err(e) => {
            let restricted = e.kind() == std::io::ErrorKind::PermissionDenied && opts.kernel_log.is_none();
            cx.io_fail("kernel.log", &shown, &e, "no /dev/kmsg (devtmpfs not mounted?)", None);
            if restricted {
                if let Some(r) = cx.sources.last_mut() {
                    r.reason = Some(format!("{e} (kernel.dmesg_restrict=1)"));
                    r.fix = Some("run as root, or give a saved log with --kernel-log FILE".into());
                }
            }
        }
    }
}

fn assign_sid(d: &mut sysfs::PciDevice, iort_table: Option<&iort::Iort>, dt: Option<&fdt::DtSummary>) {
    if let Some(t) = iort_table {
        if let Some((base, sid)) = t.stream_id(d.domain, d.rid_num) {
            d.sid = Some(format!("{sid:#x}"));
            d.sid_source = Some(format!("IORT root complex (segment {}) ID mapping", d.domain));
            d.smmu_base = Some(format!("{base:#x}"));
            return;
        }
    }
    if let Some(s) = dt {
        let hosts: Vec<&str> = {
            let mut h: Vec<&str> = s.iommu_maps.iter().map(|m| m.host.as_str()).collect();
            h.dedup();
            h
        };
        for m in &s.iommu_maps {
            let domain_ok = match m.pci_domain {
                Some(dom) => dom == d.domain,
                None => hosts.len() == 1,
            };
            if !domain_ok {
                continue;
            }
            if let Some(sid) = m.map(d.rid_num) {
                d.sid = Some(format!("{sid:#x}"));
                d.sid_source = Some(format!("device tree {} iommu-map", m.host));
                d.smmu_base = m.iommu_reg.map(|b| format!("{b:#x}"));
                return;
            }
        }
    }
}

fn devmem_shown(cx: &Ctx, opts: &Options) -> String {
    match &opts.devmem {
        Some(p) => p.display().to_string(),
        None => cx.shown("/dev/mem"),
    }
}

/// `--devmem FILE` (a regular file or the real /dev/mem), else dev/mem in the tree (on the
/// live root the real device only; under `--root` a regular file only).
fn open_devmem(cx: &Ctx, opts: &Options) -> Result<devmem::Devmem, devmem::DevmemError> {
    match &opts.devmem {
        Some(p) => devmem::Devmem::open(p),
        None => devmem::Devmem::open_in(&cx.fs),
    }
}

fn read_all_registers(cx: &mut Ctx, opts: &Options, reports: &mut [SmmuReport], iomem_relaxed: Option<bool>) {
    let shown = devmem_shown(cx, opts);
    if reports.is_empty() {
        cx.report("registers", &shown, Status::Skipped, None, Some("no SMMUv3 to read".into()), None);
        return;
    }
    let dm = match open_devmem(cx, opts) {
        Ok(d) => d,
        Err(e) => {
            match e {
                devmem::DevmemError::Unsafe(m) => cx.report("registers", &shown, Status::Refused, None, Some(m), None),
                devmem::DevmemError::Missing(m) => cx.report(
                    "registers",
                    &shown,
                    Status::Missing,
                    None,
                    Some(format!("{m} (kernel built without CONFIG_DEVMEM?)")),
                    None,
                ),
                devmem::DevmemError::Refused { .. } => {
                    cx.report("registers", &shown, Status::Refused, None, Some(e.to_string()), Some(FIX_ROOT))
                }
                devmem::DevmemError::Other(m) => cx.report("registers", &shown, Status::Error, None, Some(m), None),
            }
            return;
        }
    };
    let how = if dm.is_device() {
        "mmap PROT_READ of the register page, one 32-bit volatile load per word"
    } else {
        "pread of a /dev/mem substitute file, 32 bits per word"
    };
    for r in reports.iter_mut() {
        if let Some(why) = r.skipped.clone() {
            let at = r.instance.base.clone().unwrap_or_else(|| "unknown base".into());
            if opts.force_disabled {
                cx.notes.push(format!("SMMU at {at}: read although {why} (--force-disabled)"));
                r.skipped = None;
            } else {
                cx.report(
                    "registers",
                    &shown,
                    Status::Skipped,
                    Some(format!("SMMU at {at}")),
                    Some(format!("not read: {why}")),
                    Some("pass --force-disabled to read it anyway"),
                );
                continue;
            }
        }
        let Some(base) = r.instance.base_num else {
            cx.report(
                "registers",
                &shown,
                Status::Missing,
                Some(format!("SMMU {}", r.instance.device.clone().unwrap_or_default())),
                Some("register base unknown (no /sys/class/iommu name, /proc/iomem range, IORT or DT reg)".into()),
                Some(FIX_ROOT),
            );
            continue;
        };
        match devmem::read_registers(&dm, base, r.page0_only) {
            Ok(reads) => {
                let mut ok = 0;
                let mut failed = Vec::new();
                for rd in reads {
                    match rd.value {
                        Ok(v) => {
                            let origin = Origin { line: None, source: format!("{shown} {:#x}", rd.pa) };
                            r.regset.insert(rd.reg, v, origin);
                            ok += 1;
                            if first_smmu_read(cx) {
                                cx.provenance.insert(
                                    format!("registers.{}", rd.reg.name),
                                    format!("{shown} at {:#x} ({how})", rd.pa),
                                );
                            }
                        }
                        Err(e) => failed.push(format!("{}: {e}", rd.reg.name)),
                    }
                }
                r.registers = r.regset.to_hex_map();
                let idr0 = r.regset.get("IDR0");
                let detail = format!(
                    "SMMU at {base:#x}: {ok} register(s){}",
                    if r.page0_only { " (Page 0 only: model aliases Page 1)" } else { "" }
                );
                if idr0 == Some(0xffff_ffff) || (idr0 == Some(0) && r.regset.get("AIDR") == Some(0)) {
                    cx.notes.push(format!(
                        "SMMU at {base:#x}: IDR0 reads {:#x}: wrong base, powered down, or not an SMMUv3",
                        idr0.unwrap_or(0)
                    ));
                }
                cx.found("registers", &shown, detail);
                if !failed.is_empty() {
                    cx.notes.push(format!("SMMU at {base:#x}: some registers not read: {}", failed.join("; ")));
                }
            }
            Err(e) => {
                let (status, fix) = match &e {
                    devmem::DevmemError::Refused { eperm: true, .. } if iomem_relaxed != Some(true) => (Status::Refused, Some(FIX_IOMEM)),
                    devmem::DevmemError::Refused { .. } if !is_root_user() => (Status::Refused, Some(FIX_ROOT)),
                    devmem::DevmemError::Refused { .. } => (Status::Refused, Some("the kernel refuses this range through /dev/mem (CONFIG_STRICT_DEVMEM); use iommufd (--iommufd) or the kernel log")),
                    _ => (Status::Error, None),
                };
                cx.report("registers", &shown, status, Some(format!("SMMU at {base:#x}")), Some(e.to_string()), fix);
            }
        }
    }
}

/// Provenance is recorded for the first SMMU whose registers were read (the one the snapshot's
/// "registers" holds).
fn first_smmu_read(cx: &Ctx) -> bool {
    !cx.sources.iter().any(|s| s.source == "registers" && s.status == Status::Found)
}

/// Resolves a `--iommufd` device: a path, a cdev name (`vfio0`) or a PCI address whose
/// `vfio-dev/` directory names its cdev.
fn resolve_vfio_dev(cx: &Ctx, dev: &str) -> Result<PathBuf, String> {
    if dev.contains('/') {
        return Ok(PathBuf::from(dev));
    }
    if sysfs::parse_bdf(dev).is_some() {
        let dir = format!("/sys/bus/pci/devices/{dev}/vfio-dev");
        return match cx.fs.list(&dir) {
            Ok(n) => match n.iter().find(|n| n.starts_with("vfio")) {
                Some(c) => Ok(PathBuf::from(format!("/dev/vfio/devices/{c}"))),
                None => Err(format!("{dev}: {} names no VFIO cdev", cx.shown(&dir))),
            },
            Err(e) => Err(format!(
                "{dev}: no {} ({e}): the device is not bound to vfio-pci, or the kernel lacks \
                 CONFIG_VFIO_DEVICE_CDEV",
                cx.shown(&dir)
            )),
        };
    }
    Ok(PathBuf::from(format!("/dev/vfio/devices/{dev}")))
}

fn collect_iommufd(cx: &mut Ctx, opts: &Options, host: &mut serde_json::Map<String, Value>) -> Vec<iommufd::HwInfo> {
    let dir_shown = cx.shown("/dev/vfio/devices");
    if opts.iommufd.is_empty() {
        let n = cx.fs.list("/dev/vfio/devices").map(|d| d.len()).unwrap_or(0);
        cx.report(
            "iommufd",
            &dir_shown,
            Status::Skipped,
            Some(format!("{n} VFIO cdev(s)")),
            Some("not requested: binding a VFIO device opens (and resets) it".into()),
            Some("pass --iommufd DEV[,DEV] (cdev paths or names, or PCI addresses)"),
        );
        return vec![];
    }
    if !cx.fs.is_live() {
        cx.report(
            "iommufd",
            &dir_shown,
            Status::Skipped,
            None,
            Some("iommufd needs the live host's devices; not tried under --root".into()),
            None,
        );
        return vec![];
    }
    let iommu = PathBuf::from("/dev/iommu");
    if !cx.fs.exists("/dev/iommu") {
        cx.report(
            "iommufd",
            "/dev/iommu",
            Status::Missing,
            None,
            Some("no /dev/iommu: kernel without CONFIG_IOMMUFD (Debian's arm64 kernels lack it)".into()),
            Some("a kernel with CONFIG_IOMMUFD=y and CONFIG_VFIO_DEVICE_CDEV=y"),
        );
        return vec![];
    }
    let mut infos = Vec::new();
    for dev in &opts.iommufd {
        // A device name is the user's: quoted in reports at most 200 characters long.
        let dev = &safefs::clip(dev, 200);
        let d = match resolve_vfio_dev(cx, dev) {
            Ok(d) => d,
            Err(m) => {
                cx.report(
                    "iommufd",
                    dev,
                    Status::Missing,
                    None,
                    Some(m),
                    Some("echo vfio-pci > /sys/bus/pci/devices/<BDF>/driver_override; echo <BDF> > /sys/bus/pci/drivers_probe"),
                );
                continue;
            }
        };
        let shown = d.display().to_string();
        match iommufd::get_hw_info(&d, &iommu) {
            Ok(h) => {
                cx.found(
                    "iommufd",
                    &shown,
                    format!(
                        "IDR0 {} caps {} max_pasid_log2 {}",
                        h.idr.first().cloned().unwrap_or_default(),
                        h.out_capabilities,
                        h.out_max_pasid_log2
                    ),
                );
                infos.push(h);
            }
            Err(iommufd::IommufdError::Missing(m)) => {
                cx.report("iommufd", &shown, Status::Missing, None, Some(m), None)
            }
            Err(iommufd::IommufdError::Refused(m)) => {
                cx.report("iommufd", &shown, Status::Refused, None, Some(m), Some(FIX_ROOT))
            }
            Err(iommufd::IommufdError::Hinted { msg, hint }) => {
                cx.report("iommufd", &shown, Status::Error, None, Some(msg), Some(hint))
            }
            Err(iommufd::IommufdError::Failed(m)) => cx.report("iommufd", &shown, Status::Error, None, Some(m), None),
        }
    }
    host.insert("iommufd".into(), serde_json::to_value(&infos).unwrap_or(Value::Null));
    infos
}

/// The ID registers `IOMMU_GET_HW_INFO` returned (`idr[0..6]` = IDR0-IDR5, `iidr`, `aidr`).
pub fn registers_from_hw_info(h: &iommufd::HwInfo) -> RegisterSet {
    let src = format!("iommufd IOMMU_GET_HW_INFO on {}", h.device);
    let mut regs = RegisterSet::new();
    let ids = h.raw.idr.iter().enumerate().map(|(i, v)| (format!("IDR{i}"), *v));
    for (name, v) in ids.chain([("IIDR".to_string(), h.raw.iidr), ("AIDR".to_string(), h.raw.aidr)]) {
        regs.insert_named(&name, u64::from(v), Origin { line: None, source: src.clone() });
    }
    regs
}

/// Captures the stream table (level 1 or linear) and the command and event queues, each at
/// most `MAX_CAPTURE` bytes.
fn capture_memory(
    cx: &mut Ctx,
    opts: &Options,
    regs: &RegisterSet,
    mem: &mut SparseMem,
    system_ram: Option<&[(u64, u64)]>,
) {
    const MAX_CAPTURE: u64 = 1 << 20;
    let shown = devmem_shown(cx, opts);
    let Ok(dm) = open_devmem(cx, opts) else { return };
    let ram = RamCheck { live: dm.is_device(), ranges: system_ram };
    let mut want: Vec<(&str, Option<u64>, Option<u64>)> = Vec::new();
    // Stream table: the STE array (linear) or the L1STD array (2-level), as the geometry API
    // sizes it from SMMU_STRTAB_BASE_CFG (and SMMU_IDR1.SIDSIZE).
    let st = geometry::StreamTable::from_regs(regs).ok();
    let two_level = st.is_some_and(|t| t.format == geometry::StFormat::TwoLevel);
    want.push(("stream table", st.map(|t| t.base), st.and_then(|t| t.table_bytes())));
    for (q, role) in [(QueueId::Cmdq, "command queue"), (QueueId::Evtq, "event queue")] {
        let g = geometry::QueueGeometry::from_regs(regs, q).ok();
        want.push((role, g.map(|g| g.base), g.and_then(|g| g.bytes())));
    }
    for (role, a, l) in want {
        let (Some(a), Some(l)) = (a, l) else {
            cx.notes.push(format!("memory: {role} not captured (its registers or fields are not available)"));
            continue;
        };
        if a == 0 {
            continue;
        }
        let len = l.min(MAX_CAPTURE);
        if let Err(why) = ram.check(a, len) {
            cx.report(
                "memory",
                &shown,
                Status::Skipped,
                Some(format!("{role} at {a:#x}, {len} bytes")),
                Some(why),
                None,
            );
            continue;
        }
        let mut buf = vec![0u8; len as usize];
        match dm.read_mem(a, &mut buf) {
            Ok(()) => {
                if role == "stream table" && two_level {
                    capture_l2_tables(cx, &dm, &shown, &buf, mem, &ram);
                }
                mem.insert(a, buf);
                cx.provenance.insert(format!("memory.{a:#x}"), format!("{role}: {shown} at {a:#x}, {len} bytes"));
                cx.found("memory", &shown, format!("{role} at {a:#x}, {len} bytes"));
            }
            Err(e) => cx.report(
                "memory",
                &shown,
                Status::Refused,
                Some(format!("{role} at {a:#x}")),
                Some(e.to_string()),
                Some("CONFIG_STRICT_DEVMEM refuses RAM through /dev/mem; capture with QEMU dump-guest-memory or kdump instead"),
            ),
        }
    }
}

/// For a 2-level stream table: reads every level-2 STE array a valid L1STD points at
/// (2^(Span-1) STEs of 64 bytes each), at most 1024 tables and 4 MiB in all.
/// Memory reads through the real /dev/mem go only to System RAM as /proc/iomem lists it: a
/// stream table or queue base pointing anywhere else (device registers, a hole) would make the
/// read a device access with side effects, or a bus hang.
struct RamCheck<'a> {
    live: bool,
    ranges: Option<&'a [(u64, u64)]>,
}

impl RamCheck<'_> {
    fn check(&self, pa: u64, len: u64) -> Result<(), String> {
        if !self.live {
            return Ok(()); // a substitute file: reading it has no side effects
        }
        let Some(ranges) = self.ranges else {
            return Err("not read: /proc/iomem could not be read, so the range cannot be checked against \
                        System RAM"
                .into());
        };
        let last = pa.checked_add(len.saturating_sub(1)).ok_or_else(|| format!("{pa:#x} + {len:#x} overflows"))?;
        if ranges.iter().any(|&(s, e)| s <= pa && last <= e) {
            Ok(())
        } else {
            Err(format!(
                "not read: {pa:#x}-{last:#x} is not inside one System RAM range of /proc/iomem \
                 (reading device memory can have side effects)"
            ))
        }
    }
}

fn capture_l2_tables(
    cx: &mut Ctx,
    dm: &devmem::Devmem,
    shown: &str,
    l1: &[u8],
    mem: &mut SparseMem,
    ram: &RamCheck<'_>,
) {
    let mut total = 0u64;
    let mut tables = 0;
    let mut refused = None;
    let mut outside = 0usize;
    for d in l1.chunks_exact(geometry::L1STD_BYTES as usize) {
        let Ok(w) = <[u8; 8]>::try_from(d) else { continue };
        let (pa, span) = geometry::l1std(u64::from_le_bytes(w));
        let Some(len) = geometry::l2_table_bytes(span) else { continue };
        if tables >= 1024 || total + len > (4 << 20) {
            cx.notes.push("memory: level-2 stream tables beyond 1024 tables / 4 MiB not captured".into());
            break;
        }
        if let Err(why) = ram.check(pa, len) {
            outside += 1;
            if outside == 1 {
                cx.notes.push(format!("memory: level-2 stream table at {pa:#x} {why}"));
            }
            continue;
        }
        let mut buf = vec![0u8; len as usize];
        match dm.read_mem(pa, &mut buf) {
            Ok(()) => {
                mem.insert(pa, buf);
                total += len;
                tables += 1;
            }
            Err(e) => refused = Some(e.to_string()),
        }
    }
    if tables > 0 {
        cx.found("memory", shown, format!("{tables} level-2 stream table(s), {total} bytes"));
    }
    if let Some(e) = refused {
        cx.report("memory", shown, Status::Refused, Some("level-2 stream tables".into()), Some(e), None);
    }
}

/// Human-readable summary of a collection.
pub fn render_text(c: &Collection, st: &crate::common::Style) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(o, "{}", st.bold("Sources"));
    for s in &c.sources {
        let tag = match s.status {
            Status::Found => st.good("found  "),
            Status::Missing => st.warn("missing"),
            Status::Refused => st.bad("refused"),
            Status::Error => st.bad("error  "),
            Status::Skipped => st.dim("skipped"),
        };
        let _ = write!(o, "  {tag} {:<26} {}", s.source, s.path);
        if let Some(d) = &s.detail {
            let _ = write!(o, ": {d}");
        }
        let _ = writeln!(o);
        if let Some(r) = &s.reason {
            let _ = writeln!(o, "          why: {r}");
        }
        if let Some(f) = &s.fix {
            let _ = writeln!(o, "          fix: {f}");
        }
    }
    let _ = writeln!(o, "\n{}", st.bold("SMMUv3 instances"));
    if c.smmus.is_empty() {
        let _ = writeln!(o, "  none found");
    }
    for s in &c.smmus {
        let i = &s.instance;
        let _ = writeln!(
            o,
            "  {} base {} driver {} ({})",
            i.device.clone().or_else(|| i.iommu_class.clone()).unwrap_or_else(|| "(firmware only)".into()),
            i.base.clone().unwrap_or_else(|| "unknown".into()),
            i.driver.clone().unwrap_or_else(|| "none".into()),
            i.base_sources.join("; ")
        );
        for name in ["IDR0", "IDR1", "IDR2", "IDR3", "IDR4", "IDR5", "IIDR", "AIDR", "CR0", "GERROR"] {
            if let Some(v) = s.registers.get(name) {
                let _ = writeln!(o, "    {name:<8} {v}");
            }
        }
        if s.registers.len() > 10 {
            let _ = writeln!(
                o,
                "    ... {} registers in all (smmu decode on the snapshot explains them)",
                s.registers.len()
            );
        }
    }
    if !c.pci.is_empty() {
        let _ = writeln!(o, "\n{}", st.bold("PCI devices"));
        for d in &c.pci {
            let _ = writeln!(
                o,
                "  {} {}:{} driver {} group {} sid {}{}",
                d.bdf,
                d.vendor.clone().unwrap_or_default(),
                d.device.clone().unwrap_or_default(),
                d.driver.clone().unwrap_or_else(|| "none".into()),
                d.iommu_group.clone().unwrap_or_else(|| "-".into()),
                d.sid.clone().unwrap_or_else(|| "?".into()),
                d.sid_source.as_ref().map(|s| format!(" ({s})")).unwrap_or_default()
            );
        }
    }
    if !c.notes.is_empty() {
        let _ = writeln!(o, "\n{}", st.bold("Notes"));
        for n in &c.notes {
            let _ = writeln!(o, "  - {n}");
        }
    }
    o
}

/// Live refresh: re-reads only the registers that change at run time ([`devmem::DYNAMIC`]) of
/// the SMMU at `base`, through the same memory source as [`collect`].
pub fn refresh(opts: &Options, base: u64) -> Result<RegisterSet, String> {
    let path = opts.devmem.clone().unwrap_or_else(|| opts.root.join("dev/mem"));
    let dm = match &opts.devmem {
        Some(p) => devmem::Devmem::open(p),
        None => devmem::Devmem::open_in(&safefs::Root::new(&opts.root).map_err(|e| e.to_string())?),
    }
    .map_err(|e| e.to_string())?;
    let mut set = RegisterSet::new();
    for r in devmem::read_named(&dm, base, devmem::DYNAMIC, false).map_err(|e| e.to_string())? {
        if let Ok(v) = r.value {
            set.insert(r.reg, v, Origin { line: None, source: format!("{} {:#x}", path.display(), r.pa) });
        }
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::RamCheck;

    #[test]
    fn memory_reads_stay_inside_one_system_ram_range() {
        // /proc/iomem of the QEMU virt guest (tests/fixtures/hosts/qemu-virt-acpi/proc/iomem):
        // RAM 0x40000000-0x7f0dffff and 0x7f160000-0x7f19ffff; the SMMU at 0x09050000.
        let ram = [(0x4000_0000, 0x7f0d_ffff), (0x7f16_0000, 0x7f19_ffff)];
        let live = RamCheck { live: true, ranges: Some(&ram) };
        assert!(live.check(0x450d_7000, 0x1000).is_ok(), "a stream table in RAM");
        assert!(live.check(0x7f0d_f000, 0x1000).is_ok(), "ends on the last byte");
        let e = live.check(0x0905_0000, 0x1000).unwrap_err();
        assert!(e.contains("not inside one System RAM range"), "{e}");
        assert!(live.check(0x7f0d_f000, 0x2000).is_err(), "runs past the range");
        assert!(live.check(u64::MAX - 4, 0x10).is_err(), "wraps");
        let unknown = RamCheck { live: true, ranges: None };
        assert!(unknown.check(0x450d_7000, 0x1000).unwrap_err().contains("cannot be checked"));
        // A --devmem substitute file is not checked (reading a file has no side effects).
        assert!(RamCheck { live: false, ranges: None }.check(0x0905_0000, 0x1000).is_ok());
    }
}
