//! Every message the Linux arm-smmu-v3 driver prints with `dev_info`, `dev_notice`,
//! `dev_warn`, `dev_err` (and their `_ratelimited` forms), with its cause and what to check.
//!
//! Facts read from the kernel sources (format strings only; no code is reproduced):
//! - Linux 6.1: Debian `linux-source-6.1` 6.1.172-1, drivers/iommu/arm/arm-smmu-v3/
//!   arm-smmu-v3.c and arm-smmu-v3-sva.c; [`DriverMessage::line_6_1`] is the line of the call.
//! - Linux 6.18: arm-smmu-v3.c of linux-6.18.y (github atlanticdg/linux-6.18.y, commit 6c3dcfd);
//!   [`DriverMessage::in_6_18`]. arm-smmu-v3-sva.c of 6.18 was not read (`sva` messages say so).
//! - tegra241-cmdqv.c (NVIDIA CMDQ-Virtualization, added after 6.1) and arm-smmu-v3-iommufd.c:
//!   torvalds/linux (tegra241-cmdqv.c at 086a3c4, arm-smmu-v3-iommufd.c at 056daec). The
//!   iommufd file prints no message of its own (its only report is the vEVENTQ record, see
//!   [`super::vevent`]). tegra241-cmdqv.c prefixes every message with `tegra241_cmdqv: `.
//!
//! 6.1 vs 6.18: the `event 0x.. received:` dump went from `dev_info` to `dev_err` and gained
//! decoded `event: ...` lines; the attach errors of 6.1 and `stream %u already in tree` are
//! gone (6.18 prints `Aliasing StreamID ...` instead); 6.18 adds the IDR0.HTTU override
//! warning, `failed to reset impl` and `found companion CMDQV device`.

/// Which driver file prints the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// arm-smmu-v3.c
    Core,
    /// arm-smmu-v3-sva.c
    Sva,
    /// tegra241-cmdqv.c
    Tegra241Cmdqv,
}

/// How `smmu log` treats the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Handling {
    /// Decoded field by field (events, command errors, the banner, ...).
    Decoded,
    /// Recognised and explained from this table.
    Explained,
}

/// One driver message.
#[derive(Debug, Clone, Copy, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DriverMessage {
    /// Stable identifier.
    pub id: &'static str,
    pub source: Source,
    /// printk level (`err`, `warn`, `notice`, `info`; `err_ratelimited`).
    pub level: &'static str,
    /// The printk format string, without its trailing newline (`%` conversions match any
    /// value).
    pub format: &'static str,
    pub handling: Handling,
    /// What makes the driver print it.
    pub cause: &'static str,
    /// What to check next.
    pub check: &'static str,
    /// Line of the call in Debian's 6.1.172 source; `None`: not in 6.1.
    pub line_6_1: Option<u32>,
    /// Printed by linux-6.18.y (`false` for files not read at 6.18: see `sources`).
    pub in_6_18: bool,
}

const C: Source = Source::Core;
const D: Handling = Handling::Decoded;
const E: Handling = Handling::Explained;

#[allow(clippy::too_many_arguments)]
const fn m(
    id: &'static str,
    source: Source,
    level: &'static str,
    format: &'static str,
    handling: Handling,
    cause: &'static str,
    check: &'static str,
    line_6_1: Option<u32>,
    in_6_18: bool,
) -> DriverMessage {
    DriverMessage { id, source, level, format, handling, cause, check, line_6_1, in_6_18 }
}

const T: Source = Source::Tegra241Cmdqv;
const TEGRA_CHECK: &str = "the NVIDIA CMDQV extension (ACPI NVDA200C device next to the SMMU): its MMIO window and interrupt in the DSDT, and tegra241_cmdqv.disable_cmdqv / bypass_vcmdq";

/// Every message, in source order.
pub static MESSAGES: &[DriverMessage] = &[
    m("option", C, "notice", "option %s", E, "a device-tree quirk property was found on the SMMU node (hisilicon,broken-prefetch-cmd: no CMD_PREFETCH_CFG; cavium,cn9900-broken-page1-regspace: Page 1 registers read at Page 0 offsets)", "that the quirk matches the hardware (SMMU_IIDR)", Some(97), true),
    m("cmdq-error", C, "err", "CMDQ error (cons 0x%08x): %s", D, "SMMU_GERROR.CMDQ_ERR: the SMMU stopped consuming commands; cons is SMMU_CMDQ_CONS, whose ERR field names the error (7.1)", "the command at CONS.RD (printed after `skipping command in error state`)", Some(390), true),
    m("cmdq-retry-fetch", C, "err", "retrying command fetch", D, "CERROR_ABT: an external abort reading the command queue; the driver lets the SMMU fetch it again", "SMMU_CMDQ_BASE and the memory behind it (it must be reachable by the SMMU and, if not coherent, cleaned)", Some(395), true),
    m("cmdq-skip", C, "err", "skipping command in error state:", D, "CERROR_ILL (or an unknown CERROR): the driver prints the two dwords of the bad command and overwrites it with CMD_SYNC", "the decoded command: opcode and Reserved fields, and whether this SMMU supports it (SMMU_IDR0/IDR3)", Some(417), true),
    m("cmdq-skip-dword", C, "err", "\t0x%016llx", D, "one dword of the skipped command", "", Some(419), true),
    m("cmdq-timeout", C, "err_ratelimited", "CMDQ timeout", E, "the command queue stayed full for the poll timeout: the SMMU is not consuming commands", "SMMU_CMDQ_CONS (ERR), SMMU_GERROR (CMDQ_ERR, SFM_ERR), SMMU_CR0ACK.CMDQEN; a CMD_SYNC waiting on an ATC invalidation", Some(777), true),
    m("cmd-sync-timeout", C, "err_ratelimited", "CMD_SYNC timeout at 0x%08x [hwprod 0x%08x, hwcons 0x%08x]", D, "a CMD_SYNC did not complete within the poll timeout; hwprod/hwcons are SMMU_CMDQ_PROD/CONS read afterwards", "CONS.ERR, GERROR, and whether the SMMU is clocked/powered", Some(854), true),
    m("cmdq-unknown-opcode", C, "warn", "ignoring unknown CMDQ opcode 0x%x", E, "a driver bug: the driver tried to build a command it has no encoding for", "the kernel version and any out-of-tree patches", Some(882), true),
    m("cd-table-alloc", C, "warn", "failed to allocate context descriptor table", E, "out of DMA memory for a level-2 CD table", "memory pressure, CMA/DMA zone sizes", Some(1023), false),
    m("cd-alloc", C, "warn", "failed to allocate context descriptor", E, "no CD could be allocated for a new SubstreamID", "memory pressure; SSIDSIZE and pasid-num-bits", Some(1180), false),
    m("l2-strtab-alloc", C, "err", "failed to allocate l2 stream table for SID %u", E, "out of DMA memory for the level-2 stream table covering this StreamID", "memory pressure; the device's StreamID (IORT/iommu-map)", Some(1446), true),
    m("event-header", C, "err", "event 0x%02x received:", D, "an event record the driver did not handle (not a stall fault for an I/O page fault handler): the four dwords follow. dev_info in 6.1, dev_err in 6.18", "the decoded record", Some(1603), true),
    m("event-dword", C, "err", "\t0x%016llx", D, "one dword of the event record", "", Some(1605), true),
    m("event-decoded", C, "err", "event: %s client: %s sid: %#x ssid: %#x iova: %#llx ipa: %#llx", D, "the driver's decode of a translation, address size, access or permission fault", "the raw dwords above it, which this tool checks it against", None, true),
    m("event-access", C, "err", "%s %s %s %s \"%s\"%s%s stag: %#x", D, "the access that faulted: PnU, InD, RnW, S2, CLASS, (TTRnW), Stall, STAG", "", None, true),
    m("event-decoded-fetch", C, "err", "event: %s client: %s sid: %#x ssid: %#x fetch_addr: %#llx", D, "the driver's decode of an F_STE_FETCH, F_CD_FETCH or F_VMS_FETCH", "", None, true),
    m("event-decoded-other", C, "err", "event: %s client: %s sid: %#x ssid: %#x", D, "the driver's decode of any other event", "", None, true),
    m("evtq-overflow", C, "err", "EVTQ overflow detected -- events lost", E, "the Event queue overflowed (SMMU_EVTQ_PROD.OVFLG toggled): records were lost", "the event storm before it: usually one device faulting repeatedly (STE.MEV, the device's driver)", Some(1616), true),
    m("pri-request", C, "info", "unexpected PRI request received:", D, "a PRI Page Request arrived for a device without an I/O page fault handler; the request follows", "", Some(1636), true),
    m("pri-request-detail", C, "info", "\tsid 0x%08x.0x%05x: [%u%s] %sprivileged %s%s%s access at iova 0x%016llx", D, "the PRI request: StreamID.SubstreamID, PRG index (L = last), privilege, access", "", Some(1637), true),
    m("priq-overflow", C, "err", "PRIQ overflow detected -- requests lost", E, "the PRI queue overflowed: page requests were lost and the devices wait for responses that never come", "PRI queue size (SMMU_IDR1.PRIQS) and the page request rate", Some(1674), true),
    m("gerror", C, "warn", "unexpected global error reported (0x%08x), this could be serious", D, "SMMU_GERROR ^ SMMU_GERRORN: the active global errors", "each active bit, decoded", Some(1696), true),
    m("gerror-sfm", C, "err", "device has entered Service Failure Mode!", E, "SMMU_GERROR.SFM_ERR: the SMMU stopped all traffic; the driver disables it", "the SMMU's RAS error records (IHI 0070 12.3) and the platform's error log", Some(1701), true),
    m("gerror-msi-gerror", C, "warn", "GERROR MSI write aborted", E, "SMMU_GERROR.MSI_GERROR_ABT_ERR: the GERROR MSI write got an abort", "SMMU_GERROR_IRQ_CFG0 (doorbell address) and the ITS/MSI controller mapping", Some(1706), true),
    m("gerror-msi-priq", C, "warn", "PRIQ MSI write aborted", E, "SMMU_GERROR.MSI_PRIQ_ABT_ERR", "SMMU_PRIQ_IRQ_CFG0", Some(1709), true),
    m("gerror-msi-evtq", C, "warn", "EVTQ MSI write aborted", E, "SMMU_GERROR.MSI_EVTQ_ABT_ERR", "SMMU_EVTQ_IRQ_CFG0", Some(1712), true),
    m("gerror-msi-cmdq", C, "warn", "CMDQ MSI write aborted", E, "SMMU_GERROR.MSI_CMDQ_ABT_ERR: a CMD_SYNC completion MSI got an abort", "the MSI address in CMD_SYNC (MSIPOLL writes to the queue itself); memory attributes", Some(1715), true),
    m("gerror-priq-abt", C, "err", "PRIQ write aborted -- events may have been lost", E, "SMMU_GERROR.PRIQ_ABT_ERR: the SMMU got an abort writing the PRI queue", "SMMU_PRIQ_BASE and that memory", Some(1718), true),
    m("gerror-evtq-abt", C, "err", "EVTQ write aborted -- events may have been lost", E, "SMMU_GERROR.EVTQ_ABT_ERR: the SMMU got an abort writing the Event queue", "SMMU_EVTQ_BASE and that memory", Some(1721), true),
    m("ats-enable", C, "err", "Failed to enable ATS (STU %zu)", E, "pci_enable_ats() failed for the device (printed with the PCI device's name)", "the device's ATS capability and STU (smallest translation unit = smallest SMMU page size)", Some(2357), true),
    m("pasid-enable", C, "err", "Failed to enable PASID", E, "pci_enable_pasid() failed for the device", "the device's PASID capability and its upstream ports (PASID must be enabled before ATS)", Some(2399), true),
    m("attach-sva", C, "err", "cannot attach - SVA enabled", E, "the device is bound for SVA and cannot change its DMA domain", "unbind SVA first", Some(2464), false),
    m("attach-other-smmu", C, "err", "cannot attach to SMMU %s (upstream of %s)", E, "the domain belongs to another SMMU instance", "the VFIO/iommufd container: devices behind different SMMUs need separate domains", Some(2480), false),
    m("attach-ssid-bits", C, "err", "cannot attach to incompatible domain (%u SSID bits != %u)", E, "the domain's CD table was sized for another SubstreamID width", "the devices' PASID widths (pasid-num-bits, PCI PASID capability)", Some(2488), false),
    m("attach-stall", C, "err", "cannot attach to stall-%s domain", E, "stall-capable and non-stall devices cannot share a stage 1 domain", "dma-can-stall on the devices; SMMU_IDR0.STALL_MODEL", Some(2495), false),
    m("stream-in-tree", C, "warn", "stream %u already in tree from dev %s", E, "two devices claim the same StreamID", "the IORT ID mappings or the DT iommu-map/iommus properties", Some(2648), false),
    m("stream-alias", C, "warn", "Aliasing StreamID 0x%x (from %s) unsupported, expect DMA to be broken", E, "two devices claim the same StreamID (printed with the second device's name)", "the IORT ID mappings or the DT iommu-map/iommus properties", None, true),
    m("queue-alloc", C, "err", "failed to allocate queue (0x%zx bytes) for %s", E, "even after halving the size down to a page, no DMA memory could be had for cmdq, evtq or priq; the probe fails", "memory at boot (CMA, DMA zone), the queue sizes in SMMU_IDR1 (CMDQS/EVTQS/PRIQS)", Some(2932), true),
    m("queue-allocated", C, "info", "allocated %u entries for %s", D, "the queue size chosen (2^LOG2SIZE of SMMU_*Q_BASE): SMMU_IDR1's maximum, capped by Linux, halved while allocation fails", "", Some(2939), true),
    m("strtab-2lvl-cover", C, "warn", "2-level strtab only covers %u/%u bits of SID", E, "SMMU_IDR1.SIDSIZE is larger than the level-1 table Linux allocates (capped at STRTAB_MAX_L1_ENTRIES): devices with larger StreamIDs cannot be used", "the StreamIDs firmware assigns; SIDSIZE", Some(3042), true),
    m("strtab-l1-alloc", C, "err", "failed to allocate l1 stream table (%u bytes)", E, "no DMA memory for the level-1 stream table; the probe fails", "memory at boot", Some(3050), true),
    m("strtab-linear-alloc", C, "err", "failed to allocate linear stream table (%u bytes)", E, "no DMA memory for a linear stream table of 2^SIDSIZE STEs; the probe fails", "SMMU_IDR1.SIDSIZE without 2-level support (SMMU_IDR0.ST_LEVEL) can need a large table", Some(3077), true),
    m("gbpa-timeout", C, "err", "GBPA not responding to update", E, "SMMU_GBPA.Update did not clear within the poll timeout", "that the SMMU is powered and clocked; GBPA writes while SMMUEN == 1", Some(3159), true),
    m("msi-domain-absent", C, "info", "msi_domain absent - falling back to wired irqs", E, "SMMU_IDR0.MSI is set but firmware gives the SMMU no MSI parent; wired interrupts are used", "msi-parent (DT) or the IORT ITS group mapping, if MSIs were intended", Some(3202), true),
    m("msi-alloc", C, "warn", "failed to allocate MSIs - falling back to wired irqs", E, "MSI allocation failed; wired interrupts are used", "the ITS/MSI controller and its DeviceID mapping for the SMMU", Some(3209), true),
    m("evtq-irq-enable", C, "warn", "failed to enable evtq irq", E, "requesting the event queue interrupt failed", "the interrupt in firmware (eventq)", Some(3235), true),
    m("evtq-irq-none", C, "warn", "no evtq irq - events will not be reported!", E, "firmware gives no event queue interrupt and no MSI: faults are never printed", "the interrupts (eventq) in DT or IORT", Some(3237), true),
    m("gerror-irq-enable", C, "warn", "failed to enable gerror irq", E, "requesting the global error interrupt failed", "the interrupt in firmware (gerror)", Some(3245), true),
    m("gerror-irq-none", C, "warn", "no gerr irq - errors will not be reported!", E, "no global error interrupt: command errors and GERROR are never handled", "the interrupts (gerror) in DT or IORT", Some(3247), true),
    m("priq-irq-enable", C, "warn", "failed to enable priq irq", E, "requesting the PRI queue interrupt failed", "the interrupt in firmware (priq)", Some(3259), true),
    m("priq-irq-none", C, "warn", "no priq irq - PRI will be broken", E, "SMMU_IDR0.PRI is set but there is no PRI interrupt: page requests are never answered", "the interrupts (priq) in DT or IORT", Some(3262), true),
    m("irq-disable", C, "err", "failed to disable irqs", E, "SMMU_IRQ_CTRLACK did not follow SMMU_IRQ_CTRL = 0", "that the SMMU is powered and clocked", Some(3276), true),
    m("combined-irq", C, "warn", "failed to enable combined irq", E, "requesting the single combined interrupt (Cavium ThunderX2) failed", "the interrupt in firmware (combined)", Some(3292), true),
    m("irq-enable", C, "warn", "failed to enable irqs", E, "SMMU_IRQ_CTRLACK did not follow the enables", "that the SMMU is powered and clocked", Some(3303), true),
    m("cr0-clear", C, "err", "failed to clear cr0", E, "SMMU_CR0ACK did not follow SMMU_CR0 = 0 (disable)", "that the SMMU is powered and clocked; a wedged SMMU", Some(3314), true),
    m("smmu-enabled", C, "warn", "SMMU currently enabled! Resetting...", E, "SMMU_CR0.SMMUEN was already 1 at probe (firmware, a bootloader or a previous kernel, e.g. kexec/kdump, left it on); the driver sets GBPA.ABORT and disables it", "what enabled it; DMA in flight during the reset is aborted", Some(3328), true),
    m("cmdq-enable", C, "err", "failed to enable command queue", E, "SMMU_CR0ACK.CMDQEN did not follow", "SMMU_CMDQ_BASE and the SMMU's power/clock", Some(3369), true),
    m("evtq-enable", C, "err", "failed to enable event queue", E, "SMMU_CR0ACK.EVTQEN did not follow", "SMMU_EVTQ_BASE", Some(3395), true),
    m("priq-enable", C, "err", "failed to enable PRI queue", E, "SMMU_CR0ACK.PRIQEN did not follow", "SMMU_PRIQ_BASE", Some(3412), true),
    m("atschk-enable", C, "err", "failed to enable ATS check", E, "SMMU_CR0ACK.ATSCHK did not follow", "SMMU_IDR0.ATS", Some(3422), true),
    m("irqs-setup", C, "err", "failed to setup irqs", E, "interrupt setup failed (see the message before it); the probe fails", "", Some(3429), true),
    m("smmuen", C, "err", "failed to enable SMMU interface", E, "SMMU_CR0ACK.SMMUEN did not follow", "the stream table base (SMMU_STRTAB_BASE/_CFG) and the SMMU's power/clock", Some(3447), true),
    m("impl-reset", C, "err", "failed to reset impl", E, "the implementation hook (NVIDIA CMDQV) failed its reset after the SMMU was enabled", "the tegra241_cmdqv messages before it", None, true),
    m("tt-endian", C, "err", "unknown/unsupported TT endianness!", E, "SMMU_IDR0.TTENDIAN does not allow the kernel's endianness; the probe fails", "SMMU_IDR0.TTENDIAN (0b00 mixed, 0b10 LE, 0b11 BE)", Some(3526), true),
    m("httu-override", C, "warn", "IDR0.HTTU features(0x%x) overridden by FW configuration (0x%x)", E, "ACPI: the IORT HTTU override differs from SMMU_IDR0.HTTU; Linux uses the firmware value", "the IORT SMMUv3 node flags (HTTU override) against SMMU_IDR0.HTTU", None, true),
    m("cohacc-override", C, "warn", "IDR0.COHACC overridden by FW configuration (%s)", E, "firmware (DT dma-coherent or the IORT COHACC override) disagrees with SMMU_IDR0.COHACC; Linux uses the firmware value, printed in parentheses", "whether the SMMU's table walks really snoop the CPU caches: a wrong `true` corrupts page tables, a wrong `false` only costs cache maintenance", Some(3557), true),
    m("no-translation", C, "err", "no translation support!", E, "SMMU_IDR0.S1P and S2P are both 0; the probe fails", "SMMU_IDR0 (a misread register or a disabled SMMU)", Some(3575), true),
    m("no-aarch64", C, "err", "AArch64 table format not supported!", E, "SMMU_IDR0.TTF does not include AArch64; the probe fails", "SMMU_IDR0.TTF", Some(3587), true),
    m("embedded", C, "err", "embedded implementation not supported", E, "SMMU_IDR1.TABLES_PRESET, QUEUES_PRESET or REL is set; the probe fails", "SMMU_IDR1", Some(3598), true),
    m("cmdq-small", C, "err", "command queue size <= %d entries not supported", E, "SMMU_IDR1.CMDQS is too small for one command batch plus CMD_SYNC; the probe fails", "SMMU_IDR1.CMDQS", Some(3612), true),
    m("oas-unknown", C, "info", "unknown output address size. Truncating to 48-bit", E, "SMMU_IDR5.OAS holds an encoding Linux does not know (e.g. 0b111, 56 bits on SMMUv3.3+, or a reserved value); it uses 48 bits", "SMMU_IDR5.OAS; the printed oas is then 48", Some(3678), true),
    m("dma-mask", C, "warn", "failed to set DMA mask for table walker", E, "the platform cannot do DMA with the SMMU's output address size", "the bus's dma-ranges and SMMU_IDR5.OAS", Some(3692), true),
    m("banner", C, "info", "ias %lu-bit, oas %lu-bit (features 0x%08x)", D, "the probe succeeded: input and output address sizes and Linux's ARM_SMMU_FEAT_* mask", "", Some(3706), true),
    m("cmdqv-companion", C, "info", "found companion CMDQV device: %s", E, "ACPI: an NVDA200C device with the SMMU's IORT identifier was found: NVIDIA CMDQ-Virtualization will be used", "", None, true),
    m("option-mask", C, "notice", "option mask 0x%x", D, "ACPI probe: Linux's ARM_SMMU_OPT_* mask", "", Some(3723), true),
    m("iommu-cells-missing", C, "err", "missing #iommu-cells property", E, "the DT SMMU node has no #iommu-cells; the probe fails", "the device tree: #iommu-cells = <1>", Some(3761), true),
    m("iommu-cells-invalid", C, "err", "invalid #iommu-cells value (%d)", E, "#iommu-cells is not 1; the probe fails", "the device tree: #iommu-cells = <1>", Some(3763), true),
    m("rmr-bypass", C, "err", "RMR SID(0x%x) bypass failed", E, "an IORT RMR names a StreamID outside the stream table: it gets no bypass STE", "the IORT RMR nodes against SMMU_IDR1.SIDSIZE", Some(3808), true),
    m("mmio-small", C, "err", "MMIO region too small (%pr)", E, "the SMMU's MMIO resource is under 128 KB (64 KB with the Cavium Page 0 quirk); the probe fails", "the reg property (DT) or the IORT base/size", Some(3851), true),
    m("register", C, "err", "Failed to register iommu", E, "iommu_device_register() failed", "the messages before it", Some(3920), true),
    m("sva-bound", Source::Sva, "err", "cannot disable SVA, device is bound", E, "the driver tried to disable SVA while a process is still bound", "SVA users of the device", Some(555), false),
    m("cmdqv-config", T, "err", "%sfailed to %sable, STATUS=0x%08X", E, "the CMDQV, a VINTF or a VCMDQ (named in front) did not follow its enable bit within the poll timeout", TEGRA_CHECK, None, false),
    m("cmdqv-unexpected", T, "warn", "unexpected error reported. vintf_map: %016llx, vcmdq_map %08x:%08x:%08x:%08x", E, "the CMDQV error interrupt: bitmaps of the VINTFs and VCMDQs in error; errors of VINTF0 (the kernel's) are handled like SMMU command errors", TEGRA_CHECK, None, false),
    m("cmdqv-vcmdq-regs", T, "err", "%sGERRORN=0x%X, GERROR=0x%X, CONS=0x%X", E, "a VCMDQ failed to enable or disable: its error registers", "VCMDQ GERROR ^ GERRORN and CONS.ERR (same encodings as SMMU_CMDQ_CONS)", None, false),
    m("cmdqv-uncleared", T, "warn", "%suncleared error detected, resetting", E, "a VCMDQ had an error left when it was reset", TEGRA_CHECK, None, false),
    m("cmdqv-mem-resource", T, "err", "failed to get memory resource: %d", E, "the NVDA200C ACPI device has no usable memory resource", TEGRA_CHECK, None, false),
    m("cmdqv-mem-entry", T, "err", "failed to get memory resource entry", E, "the NVDA200C ACPI device's resource list is empty", TEGRA_CHECK, None, false),
    m("cmdqv-no-irq", T, "warn", "no interrupt. errors will not be reported", E, "the NVDA200C ACPI device has no interrupt", TEGRA_CHECK, None, false),
    m("cmdqv-ioremap", T, "err", "failed to ioremap", E, "the CMDQV MMIO window could not be mapped; the standard SMMU command queue is used", TEGRA_CHECK, None, false),
    m("cmdqv-disabled", T, "info", "Detected disable_cmdqv=true", E, "the tegra241_cmdqv.disable_cmdqv module parameter is set: the standard command queue is used", "the kernel command line", None, false),
    m("cmdqv-irq", T, "err", "failed to request irq (%d): %d", E, "the CMDQV interrupt could not be requested", TEGRA_CHECK, None, false),
    m("cmdqv-vintf0", T, "err", "failed to init vintf0: %d", E, "VINTF0 (the kernel's own virtual interface) could not be set up", TEGRA_CHECK, None, false),
    m("cmdqv-fallback", T, "info", "Falling back to standard SMMU CMDQ", E, "the CMDQV probe failed (see the message before it): the SMMU's own command queue is used", TEGRA_CHECK, None, false),
];

/// One piece of a printk format: text to match as is, or a conversion (any value).
enum Piece<'a> {
    Lit(&'a str),
    Conv,
}

fn pieces(fmt: &str) -> Vec<Piece<'_>> {
    let b = fmt.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut lit) = (0usize, 0usize);
    while i < b.len() {
        if b.get(i) == Some(&b'%') {
            if b.get(i + 1) == Some(&b'%') {
                i += 2;
                continue;
            }
            if lit < i {
                if let Some(s) = fmt.get(lit..i) {
                    out.push(Piece::Lit(s));
                }
            }
            i += 1;
            // flags, width, length modifiers, then the conversion letter (`%pr` takes two).
            while b.get(i).is_some_and(|c| matches!(c, b'#' | b'-' | b'+' | b' ' | b'0'..=b'9' | b'l' | b'h' | b'z')) {
                i += 1;
            }
            if b.get(i) == Some(&b'p') {
                i += 1;
                while b.get(i).is_some_and(|c| c.is_ascii_alphabetic()) {
                    i += 1;
                }
            } else {
                i += 1;
            }
            out.push(Piece::Conv);
            lit = i;
        } else {
            i += 1;
        }
    }
    if lit < b.len() {
        if let Some(s) = fmt.get(lit..) {
            out.push(Piece::Lit(s));
        }
    }
    out
}

/// The longest literal run of a format: what a prefilter searches for.
pub fn needle(fmt: &str) -> &str {
    pieces(fmt)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Lit(s) => Some(s.trim()),
            Piece::Conv => None,
        })
        .max_by_key(|s| s.len())
        .unwrap_or("")
}

/// Does `msg` (a message without its device prefix) print from `fmt`? Conversions match any
/// text (a `%s` may be empty); leading and trailing whitespace is ignored.
pub fn matches(fmt: &str, msg: &str) -> bool {
    let msg = msg.trim();
    let ps = pieces(fmt.trim());
    let mut rest = msg;
    let mut after_conv = false;
    for p in &ps {
        match p {
            Piece::Conv => after_conv = true,
            Piece::Lit(l) => {
                if after_conv {
                    match rest.find(l) {
                        Some(i) => rest = rest.get(i + l.len()..).unwrap_or(""),
                        None => return false,
                    }
                } else {
                    match rest.strip_prefix(l) {
                        Some(r) => rest = r,
                        None => return false,
                    }
                }
                after_conv = false;
            }
        }
    }
    after_conv || rest.trim().is_empty()
}

/// The table entry a driver message prints from. Decoded messages are included.
pub fn lookup(msg: &str) -> Option<&'static DriverMessage> {
    let msg = msg.strip_prefix("tegra241_cmdqv: ").unwrap_or(msg);
    MESSAGES
        .iter()
        .filter(|d| !d.format.starts_with('\t') && !d.format.starts_with('%'))
        .find(|d| matches(d.format, msg))
        .or_else(|| {
            MESSAGES
                .iter()
                .filter(|d| d.format.starts_with('%'))
                .find(|d| d.source == Source::Tegra241Cmdqv && matches(d.format, msg))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn formats_match_printed_text() {
        assert!(matches("2-level strtab only covers %u/%u bits of SID", "2-level strtab only covers 8/16 bits of SID"));
        assert!(matches(
            "IDR0.COHACC overridden by FW configuration (%s)",
            "IDR0.COHACC overridden by FW configuration (true)"
        ));
        assert!(matches(
            "failed to allocate queue (0x%zx bytes) for %s",
            "failed to allocate queue (0x100000 bytes) for cmdq"
        ));
        assert!(!matches("failed to enable irqs", "failed to enable irqs now"));
        assert!(matches("%sfailed to %sable, STATUS=0x%08X", "VINTF0: failed to enable, STATUS=0x00000000"));
        assert_eq!(needle("CMD_SYNC timeout at 0x%08x [hwprod 0x%08x, hwcons 0x%08x]"), "CMD_SYNC timeout at 0x");
    }
    #[test]
    fn ids_are_unique() {
        for (i, a) in MESSAGES.iter().enumerate() {
            assert!(MESSAGES.iter().skip(i + 1).all(|b| b.id != a.id), "{}", a.id);
        }
    }
}
