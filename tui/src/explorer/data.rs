//! What the explorer shows: hosts loaded from the built-in sample, files or the live host.
//!
//! Everything here is obtained from smmu-core (decode trees, derived summary, verdicts,
//! structures, walks). The explorer renders these; it never re-derives a field.

use smmu_core::parse::{self, ParseOptions};
use smmu_core::regset::{RegisterInfo, RegisterSet};
use smmu_core::snapshot::Snapshot;

/// The embedded snapshot sample (assets/samples/qemu-10.0-s1-4k.snapshot.json; provenance
/// in assets/samples/README.md and in the file's `provenance` section).
const BUILTIN_SNAPSHOT: &str = include_str!("../../../assets/samples/qemu-10.0-s1-4k.snapshot.json");
const BUILTIN_SNAPSHOT_NAME: &str = "qemu-10.0-s1-4k";
const BUILTIN_SNAPSHOT_DESC: &str = "QEMU 10.0.2 emulated SMMUv3, stage 1 only, 4K pages, Linux 7.3 guest: registers and memory (stream table, CDs, page tables, queues)";

/// Where a host's data came from; shown on every screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceKind {
    /// The built-in sample embedded in the binary.
    Sample,
    /// A file given on the command line.
    File,
    /// The live host this process runs on.
    Live,
}

/// One SMMU's data set.
#[derive(Debug, Clone)]
pub struct Host {
    /// Short display name (sample name or file name).
    pub name: String,
    pub kind: SourceKind,
    /// One line saying what this is and where it came from.
    pub description: String,
    /// The input format as recognised ("snapshot", "name-value", "kernel log", ...).
    pub format: String,
    pub registers: RegisterSet,
    /// Decoded registers, in offset order (computed once at load).
    pub decoded: Vec<RegisterInfo>,
    /// The full snapshot when the input was one (memory for structures and walks).
    pub snapshot: Option<Snapshot>,
    /// Kernel log text when the input was (or contained) one.
    pub klog: Option<String>,
    /// Things worth telling the user (parser notes, missing data).
    pub notes: Vec<String>,
    /// Walks worth trying (a teaching scenario's `walks`), for the Walk view.
    pub walks: Vec<SuggestedWalk>,
    /// Results computed from this host's data, kept so redraws do not recompute them.
    pub cache: HostCache,
    /// For a live host: the register base of the SMMU shown, so `r` re-reads only the
    /// registers that change at run time (queues, GERROR, ...) instead of re-probing.
    pub live_base: Option<u64>,
}

/// Memoized core results for one host (the data never changes; `r` builds new hosts).
#[derive(Debug, Clone, Default)]
pub struct HostCache {
    streams: std::cell::OnceCell<Result<StreamList, String>>,
    forward: std::cell::RefCell<std::collections::BTreeMap<Option<u64>, Result<serde_json::Value, String>>>,
    klog: std::cell::OnceCell<Result<Rows, String>>,
    cds: std::cell::RefCell<std::collections::BTreeMap<u32, Vec<CdEntry>>>,
    queues: std::cell::RefCell<std::collections::BTreeMap<&'static str, Result<QueueListing, String>>>,
}

/// The valid STEs and notes about the table.
type StreamList = (Vec<StreamRow>, Vec<String>);
/// A queue's state line and its entries.
type QueueListing = (String, Rows);

/// A walk a scenario suggests, with what the spec says should happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuggestedWalk {
    /// SID, SSID, IOVA, access as the Walk view's inputs.
    pub inputs: [String; 4],
    pub unpriv: bool,
    pub expect: String,
    pub note: String,
}

impl Host {
    fn new(name: String, kind: SourceKind, description: String, format: String, registers: RegisterSet) -> Self {
        let decoded = registers.decode();
        Host {
            name,
            kind,
            description,
            format,
            registers,
            decoded,
            snapshot: None,
            klog: None,
            notes: vec![],
            walks: vec![],
            cache: HostCache::default(),
            live_base: None,
        }
    }

    /// The built-in sample: the embedded QEMU snapshot with memory (stream table, CDs,
    /// page tables, queues), else the register dump sample.
    pub fn builtin_sample() -> Result<Host, String> {
        if let Ok(mut h) = Host::from_bytes(BUILTIN_SNAPSHOT_NAME, BUILTIN_SNAPSHOT.as_bytes(), SourceKind::Sample) {
            h.description = format!("built-in sample {BUILTIN_SNAPSHOT_NAME}: {BUILTIN_SNAPSHOT_DESC}");
            return Ok(h);
        }
        Host::builtin_dump_sample()
    }

    /// The register-dump sample of crate::samples.
    pub fn builtin_dump_sample() -> Result<Host, String> {
        let s = crate::samples::default_sample();
        let mut h = match Host::from_bytes(s.name, s.text.as_bytes(), SourceKind::Sample) {
            Ok(h) => h,
            Err(e) => {
                // Never refuse to start: show what failed.
                let mut h = Host::new(
                    s.name.into(),
                    SourceKind::Sample,
                    String::new(),
                    "unreadable".into(),
                    RegisterSet::new(),
                );
                h.notes.push(format!("the built-in sample could not be read by this build's parser: {e}"));
                h
            }
        };
        h.description = format!("built-in sample {}: {}", s.name, s.description);
        Ok(h)
    }

    /// Loads a file in any format the CLI reads: snapshot JSON, any register dump, or a
    /// kernel log.
    /// `-` reads standard input (the explorer then reads keys from the terminal).
    pub fn load_file(path: &str) -> Result<Host, String> {
        let input = crate::common::read_input(Some(path)).map_err(|e| e.to_string())?;
        let bytes = input.bytes;
        let name = std::path::Path::new(&input.name)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| input.name.clone());
        let mut h = Host::from_bytes(&name, &bytes, SourceKind::File)?;
        h.description =
            if path == "-" { format!("standard input ({})", h.format) } else { format!("file {path} ({})", h.format) };
        Ok(h)
    }

    /// Recognises the input: snapshot, register dump (any parser format), or kernel log.
    pub fn from_bytes(name: &str, bytes: &[u8], kind: SourceKind) -> Result<Host, String> {
        let text = std::str::from_utf8(bytes).ok();
        if let Some(t) = text {
            if Snapshot::looks_like(t) {
                let snap = Snapshot::from_json(t).map_err(|e| format!("{name}: {e}"))?;
                return Ok(Host::from_snapshot(name, snap, kind));
            }
            if t.trim_start().starts_with('{') && t.contains("\"streams\"") {
                if let Ok(sc) = smmu_core::scenario::parse(t) {
                    let snap =
                        smmu_core::scenario::build(&sc).map_err(|e| format!("{name}: scenario {}: {e}", sc.name))?;
                    let mut h = Host::from_snapshot(name, snap, kind);
                    h.format = format!("scenario {}", sc.name);
                    if !sc.description.is_empty() {
                        h.notes.insert(0, sc.description.clone());
                    }
                    h.walks = sc
                        .walks
                        .iter()
                        .map(|w| SuggestedWalk {
                            inputs: [
                                format!("{:#x}", w.sid.0),
                                w.ssid.map(|v| format!("{v:#x}")).unwrap_or_default(),
                                format!("{:#x}", w.iova.0),
                                w.access.clone().unwrap_or_else(|| "read".into()),
                            ],
                            unpriv: w.unpriv,
                            expect: match &w.pa {
                                Some(pa) => format!("{} PA {:#x}", w.expect, pa.0),
                                None => w.expect.clone(),
                            },
                            note: w.note.clone(),
                        })
                        .collect();
                    return Ok(h);
                }
            }
        }
        match parse::parse_bytes(bytes, &ParseOptions::default()) {
            Ok(p) => {
                let format = serde_json::to_value(p.format)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_else(|| format!("{:?}", p.format));
                let mut h = Host::new(name.to_string(), kind, String::new(), format, p.registers);
                h.notes.extend(p.notes);
                Ok(h)
            }
            Err(e) => match text {
                Some(t) if looks_like_kernel_log(t) => {
                    let mut h =
                        Host::new(name.to_string(), kind, String::new(), "kernel log".into(), RegisterSet::new());
                    h.klog = Some(t.to_string());
                    Ok(h)
                }
                _ => Err(format!("{name}: {e}")),
            },
        }
    }

    /// A host from a loaded snapshot (file, sample or live collection).
    pub fn from_snapshot(name: &str, snap: Snapshot, kind: SourceKind) -> Host {
        let mut h = Host::new(name.to_string(), kind, String::new(), "snapshot".into(), snap.registers.clone());
        h.notes.extend(snap.file.notes.iter().cloned());
        // The kernel's SMMU lines, when the snapshot carries them.
        if let Some(lines) = snap.file.kernel.as_ref().and_then(|k| k.get("dmesg_smmu")).and_then(|d| d.as_array()) {
            let t: Vec<&str> = lines.iter().filter_map(|l| l.as_str()).collect();
            if !t.is_empty() {
                h.klog = Some(t.join("\n"));
            }
        }
        h.snapshot = Some(snap);
        h
    }

    /// Attaches a (pasted) kernel log to this host.
    pub fn set_klog(&mut self, text: String) {
        self.klog = Some(text);
        self.cache.klog = std::cell::OnceCell::new();
    }

    /// The decoded register by name.
    pub fn register(&self, name: &str) -> Option<&RegisterInfo> {
        self.decoded.iter().find(|r| r.name.eq_ignore_ascii_case(name))
    }
}

/// A loaded session: one or more hosts plus what the start-up said about them.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub hosts: Vec<Host>,
    /// Start-up messages ("no SMMUv3 on this host, showing the built-in sample", ...).
    pub banner: Vec<String>,
    /// The migration-pool diff of all hosts (memoized).
    pub pool: std::cell::OnceCell<Result<PoolDiff, String>>,
}

/// How to read the data again (`r`): live hosts change (queues, events, GERROR).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Reload {
    /// Nothing to re-read (tests, built from memory).
    #[default]
    None,
    /// `smmu` with no arguments: the live host, else the sample.
    Default,
    Files(Vec<String>),
}

impl Reload {
    /// Reads the data again. A live host re-reads only its run-time registers (queue
    /// pointers, GERROR, ...; [`crate::collect::refresh`]) and keeps everything else.
    pub fn load(&self, current: &Dataset) -> Option<Result<Dataset, String>> {
        match self {
            Reload::None => None,
            Reload::Default => Some(match current.hosts.first() {
                Some(h) if h.kind == SourceKind::Live && h.live_base.is_some() && h.snapshot.is_some() => {
                    refresh_live(h, &crate::collect::Options::default())
                        .map(|nh| Dataset::single(nh, current.banner.clone()))
                }
                _ => default_dataset(),
            }),
            // Standard input cannot be read twice.
            Reload::Files(f) if f.iter().any(|x| x == "-") => None,
            Reload::Files(f) => Some(load_files(f)),
        }
    }
}

/// A live host with its run-time registers read again through the memory source of `opts`.
pub fn refresh_live(h: &Host, opts: &crate::collect::Options) -> Result<Host, String> {
    let base = h.live_base.ok_or("no register base known for the live host")?;
    let mut snap = h.snapshot.clone().ok_or("the live host has no snapshot")?;
    let fresh = crate::collect::refresh(opts, base)?;
    for (reg, v) in fresh.iter() {
        snap.registers.insert(reg, v.value, v.origin.clone());
        snap.file.registers.insert(reg.name.to_string(), smmu_core::regset::hex_value(reg, v.value));
    }
    let mut nh = Host::from_snapshot(&h.name, snap, SourceKind::Live);
    nh.description = h.description.clone();
    nh.notes = h.notes.clone();
    nh.live_base = h.live_base;
    nh.notes.retain(|n| !n.starts_with("re-read "));
    nh.notes.push(format!("re-read {} run-time registers at {base:#x}", fresh.len()));
    Ok(nh)
}

/// Loads each file as a host.
pub fn load_files(files: &[String]) -> Result<Dataset, String> {
    let mut hosts = Vec::new();
    for f in files {
        hosts.push(Host::load_file(f)?);
    }
    Ok(Dataset { hosts, banner: vec![], ..Default::default() })
}

impl Dataset {
    pub fn single(h: Host, banner: Vec<String>) -> Self {
        Dataset { hosts: vec![h], banner, ..Default::default() }
    }
}

/// The start-up choice for `smmu` without arguments: the live host when it has an SMMUv3
/// whose registers can be read, else the built-in sample, saying which and why.
pub fn default_dataset() -> Result<Dataset, String> {
    dataset_from_collection(crate::collect::collect(&crate::collect::Options::default()))
}

/// The live host when the collection found an SMMUv3 and read its registers, else the
/// built-in sample with the reason.
pub fn dataset_from_collection(c: crate::collect::Collection) -> Result<Dataset, String> {
    let n = c.snapshot.registers.len();
    if !c.smmus.is_empty() && n > 0 {
        let which = c
            .smmus
            .first()
            .map(|s| s.instance.device.clone().or(s.instance.base.clone()).unwrap_or_default())
            .unwrap_or_default();
        let mut h = Host::from_snapshot("live", c.snapshot, SourceKind::Live);
        h.live_base = c
            .smmus
            .first()
            .and_then(|s| s.instance.base.as_deref())
            .and_then(|b| crate::common::parse_num(b.split_whitespace().next().unwrap_or(b)).ok());
        h.description = format!("live host: SMMUv3 {which} ({n} registers read; {} SMMUs found)", c.smmus.len());
        h.notes.extend(c.notes);
        for src in c.sources.iter().filter(|s| s.status == crate::collect::Status::Refused) {
            h.notes.push(format!(
                "{} ({}): refused: {}{}",
                src.source,
                src.path,
                src.reason.clone().unwrap_or_default(),
                src.fix.as_ref().map(|f| format!("; fix: {f}")).unwrap_or_default()
            ));
        }
        return Ok(Dataset::single(h, vec![format!("Showing the live host ({which}).")]));
    }
    let why = if c.smmus.is_empty() {
        "this host has no SMMUv3 (none in sysfs)".to_string()
    } else {
        let refused: Vec<String> = c
            .sources
            .iter()
            .filter(|s| s.source.contains("register") || s.source.contains("devmem"))
            .filter(|s| s.status != crate::collect::Status::Found)
            .map(|s| {
                format!(
                    "{}{}",
                    s.reason.clone().unwrap_or_else(|| s.status.as_str().into()),
                    s.fix.as_ref().map(|f| format!(" (fix: {f})")).unwrap_or_default()
                )
            })
            .collect();
        format!(
            "this host has {} SMMUv3 but its registers could not be read{}",
            c.smmus.len(),
            if refused.is_empty() { String::new() } else { format!(": {}", refused.join("; ")) }
        )
    };
    sample_dataset(&why)
}

/// The built-in sample, with the reason it is shown.
pub fn sample_dataset(why: &str) -> Result<Dataset, String> {
    let h = Host::builtin_sample()?;
    Ok(Dataset::single(h, vec![format!("Showing the built-in sample: {why}.")]))
}

// ---------------------------------------------------------------------------------------
// Core APIs the views render. Each returns the data, or an `Err` saying what is missing
// (from the input, or "not available yet" from this build).
// ---------------------------------------------------------------------------------------

use smmu_core::mem::PhysMem;
use smmu_core::structs::{self, geometry};
use smmu_core::walk::{self, Access, WalkRequest};

const NO_MEMORY: &str = "this snapshot has no memory image (a live host is read without RAM): \
capture one with `sudo smmu collect --memory -o host.json`, then `smmu tui host.json`";

/// The derived summary (version, implementer, stages, granules, OAS, queue sizes, ...)
/// as (label, value) rows, and its warnings.
/// (label, value) rows.
pub type Rows = Vec<(String, String)>;
/// A CD by SubstreamID: its address and decode, or why it could not be read.
pub type CdEntry = (Option<u32>, Result<(u64, structs::StructureReport), String>);
/// (register, field) -> (matters to a guest, why).
pub type PoolDiff = std::collections::BTreeMap<(String, String), (bool, String)>;

pub fn summary(h: &Host) -> Result<(Rows, Vec<String>), String> {
    if h.registers.is_empty() {
        return Err("no register values in this input, so nothing to summarize".into());
    }
    let s = smmu_core::derived::summarize(&h.registers);
    Ok((s.lines().into_iter().map(|(k, v)| (k.to_string(), v)).collect(), s.warnings.clone()))
}

/// The forwarding report for the hosts (`smmu forward --json` shape: verdicts, guest, vmm,
/// pool), computed by smmu-core with the given kernel capabilities (None: not given).
pub fn forward_report(hosts: &[&Host], caps: Option<u64>) -> Result<serde_json::Value, String> {
    // One host (the Forwarding view): memoized per capability set.
    if let [h] = hosts {
        if let Some(v) = h.cache.forward.borrow().get(&caps) {
            return v.clone();
        }
        let v = compute_forward(hosts, caps);
        h.cache.forward.borrow_mut().insert(caps, v.clone());
        return v;
    }
    compute_forward(hosts, caps)
}

fn compute_forward(hosts: &[&Host], caps: Option<u64>) -> Result<serde_json::Value, String> {
    let named: Vec<(String, RegisterSet)> =
        hosts.iter().filter(|h| !h.registers.is_empty()).map(|h| (h.name.clone(), h.registers.clone())).collect();
    if named.is_empty() {
        return Err("no register values in this input: verdicts need the host's ID registers".into());
    }
    let mut opts = smmu_core::forward::ForwardOptions::default();
    if let Some(bits) = caps {
        opts.caps = Some(smmu_core::forward::Caps::from_bits(bits)?);
    }
    let r = smmu_core::forward::analyze(&named, &opts);
    serde_json::to_value(&r).map_err(|e| e.to_string())
}

/// One stream of the stream table with a valid STE.
#[derive(Debug, Clone)]
pub struct StreamRow {
    pub sid: u32,
    pub ste_addr: u64,
    pub words: [u64; 8],
    pub report: structs::StructureReport,
}

/// Most STEs read when listing a stream table (the rest are counted, not shown).
const MAX_STES: u64 = 4096;

/// The stream table: every StreamID with V = 1, found through the table geometry
/// (linear or 2-level), each STE decoded with its legality.
pub fn streams(h: &Host) -> Result<(&[StreamRow], &[String]), String> {
    match h.cache.streams.get_or_init(|| compute_streams(h)) {
        Ok((r, n)) => Ok((r.as_slice(), n.as_slice())),
        Err(e) => Err(e.clone()),
    }
}

fn compute_streams(h: &Host) -> Result<(Vec<StreamRow>, Vec<String>), String> {
    let snap = h.snapshot.as_ref().ok_or(
        "this input has no memory image: load a snapshot (smmu tui FILE.snapshot.json) to see the stream table",
    )?;
    if snap.memory.total_bytes() == 0 {
        return Err(NO_MEMORY.into());
    }
    let st = geometry::StreamTable::from_regs(&h.registers)?;
    let mut notes = vec![format!(
        "{} stream table at {:#x}, 2^{} StreamIDs{}",
        match st.format {
            geometry::StFormat::Linear => "linear",
            geometry::StFormat::TwoLevel => "2-level",
        },
        st.base,
        st.log2size,
        if st.format == geometry::StFormat::TwoLevel { format!(", SPLIT {}", st.split) } else { String::new() }
    )];
    let mut rows = Vec::new();
    let mut read = 0u64;
    let mut missing = 0u64;
    let mem = &snap.memory;
    let take = |sid: u32, addr: u64, rows: &mut Vec<StreamRow>, missing: &mut u64| {
        let mut w = [0u64; 8];
        for (i, x) in w.iter_mut().enumerate() {
            match mem.read_u64_le(addr.wrapping_add(8 * i as u64)) {
                Ok(v) => *x = v,
                Err(_) => {
                    *missing += 1;
                    return;
                }
            }
        }
        if structs::ste::V.get(&w) == 1 {
            rows.push(StreamRow { sid, ste_addr: addr, words: w, report: structs::ste_report(&w, &h.registers) });
        }
    };
    let total: u64 = if st.log2size >= 32 { 1 << 32 } else { 1u64 << st.log2size };
    match st.format {
        geometry::StFormat::Linear => {
            let mut sid = 0u64;
            while sid < total && read < MAX_STES {
                if let Some(a) = st.linear_ste_addr(sid as u32) {
                    take(sid as u32, a, &mut rows, &mut missing);
                }
                read += 1;
                sid += 1;
            }
        }
        geometry::StFormat::TwoLevel => {
            let per_l1 = 1u64 << st.split;
            let mut sid = 0u64;
            while sid < total && read < MAX_STES {
                let Some(l1a) = st.l1std_addr(sid as u32) else { break };
                // Every L1STD read counts towards the bound, so a huge sparse table stays quick.
                read += 1;
                let Ok(d) = mem.read_u64_le(l1a) else {
                    missing += 1;
                    sid += per_l1;
                    continue;
                };
                let span = structs::l1std::Span.get(&[d]);
                let l2ptr = structs::l1std::L2Ptr.address(&[d]);
                if span != 0 {
                    for i in 0..per_l1 {
                        match geometry::l2_ste_addr(l2ptr, span, i, st.split) {
                            Ok(a) => {
                                take((sid + i) as u32, a, &mut rows, &mut missing);
                                read += 1;
                            }
                            Err(_) => break,
                        }
                    }
                }
                sid += per_l1;
            }
        }
    }
    if read >= MAX_STES {
        notes.push(format!("listing stopped after {MAX_STES} descriptor reads"));
    }
    if missing > 0 {
        notes.push(format!("{missing} descriptors are not in the memory image"));
    }
    Ok((rows, notes))
}

/// CDs of a stream by SubstreamID, read by the walker (so nested CD addresses are
/// translated by stage 2): (ssid, CD address, report) or why a CD could not be read.
pub fn stream_cds(h: &Host, sid: u32, ste: &[u64; 8]) -> Vec<CdEntry> {
    if let Some(v) = h.cache.cds.borrow().get(&sid) {
        return v.clone();
    }
    let v = compute_cds(h, sid, ste);
    h.cache.cds.borrow_mut().insert(sid, v.clone());
    v
}

fn compute_cds(h: &Host, sid: u32, ste: &[u64; 8]) -> Vec<CdEntry> {
    let Some(snap) = h.snapshot.as_ref() else { return vec![] };
    // The walker decides whether this stream has a CD at all (Config with stage 1): a
    // walk without a CD step means none.
    let probe =
        walk::translate_snapshot(snap, &WalkRequest { sid, ssid: None, iova: 0, access: Access::Read, unpriv: false });
    let has_cd = probe.steps.iter().any(|s| s.kind == "CD" || s.kind == "L1CD");
    if !has_cd && structs::ste::S1CDMax.get(ste) == 0 {
        return vec![];
    }
    let cdmax = structs::ste::S1CDMax.get(ste).min(20);
    let ssids: Vec<Option<u32>> =
        if cdmax == 0 { vec![None] } else { (0..(1u32 << cdmax).min(16)).map(Some).collect() };
    let s1dss_stall = structs::ste::S1STALLD.get(ste) == 1;
    ssids
        .into_iter()
        .map(|ssid| {
            let req = WalkRequest { sid, ssid, iova: 0, access: Access::Read, unpriv: false };
            let r = walk::translate_snapshot(snap, &req);
            let cd = r.steps.iter().find(|s| s.kind == "CD" && s.words.len() == 8);
            let res = match cd {
                Some(step) => {
                    let words: Vec<u64> =
                        step.words.iter().filter_map(|w| smmu_core::snapshot::parse_hex_u64(w)).collect();
                    Ok((step.address.unwrap_or(0), structs::cd_report(&words, &h.registers, s1dss_stall)))
                }
                None => Err(r.summary.clone()),
            };
            (ssid, res)
        })
        .collect()
}

/// Parses the walk inputs [SID, SSID, IOVA, access].
pub fn walk_request(inputs: &[String; 4], unpriv: bool) -> Result<WalkRequest, String> {
    let num = |i: usize, what: &str| -> Result<Option<u64>, String> {
        let s = inputs[i].trim();
        if s.is_empty() {
            return Ok(None);
        }
        crate::common::parse_num(s).map(Some).map_err(|e| format!("{what}: {e}"))
    };
    let sid = num(0, "SID")?.ok_or("SID: enter a StreamID")?;
    let sid = u32::try_from(sid).map_err(|_| format!("SID: {sid:#x} does not fit 32 bits"))?;
    let ssid = match num(1, "SSID")? {
        Some(v) => Some(u32::try_from(v).map_err(|_| format!("SSID: {v:#x} does not fit 32 bits"))?),
        None => None,
    };
    let iova = num(2, "IOVA")?.ok_or("IOVA: enter an address")?;
    let a = inputs[3].trim();
    let access = if a.is_empty() { Some(Access::Read) } else { Access::parse(a) };
    let access = access.ok_or_else(|| format!("access: {a:?} is not read, write or exec"))?;
    Ok(WalkRequest { sid, ssid, iova, access, unpriv })
}

/// Runs a walk with the inputs [SID, SSID, IOVA, access] (`smmu walk --json` shape).
pub fn run_walk(h: &Host, inputs: &[String; 4], unpriv: bool) -> Result<serde_json::Value, String> {
    let req = walk_request(inputs, unpriv)?;
    let snap = h
        .snapshot
        .as_ref()
        .ok_or("this input has no memory image: a walk needs a snapshot with the stream table and page tables")?;
    let r = walk::translate_snapshot(snap, &req);
    serde_json::to_value(&r).map_err(|e| e.to_string())
}

/// Command queue or event queue: its state and entries between CONS and PROD, decoded; when
/// none are outstanding, the most recent consumed entries (marked as such).
pub fn queue_entries(h: &Host, which: smmu_core::queues::queue::QueueId) -> Result<(String, Rows), String> {
    let key = which.prefix();
    if let Some(v) = h.cache.queues.borrow().get(key) {
        return v.clone();
    }
    let v = compute_queue(h, which);
    h.cache.queues.borrow_mut().insert(key, v.clone());
    v
}

fn compute_queue(h: &Host, which: smmu_core::queues::queue::QueueId) -> Result<(String, Rows), String> {
    use smmu_core::queues::queue::{decode_entry, DecodedEntry, QueueState};
    let snap = h.snapshot.as_ref().ok_or("this input has no memory image: queue contents need a snapshot")?;
    if snap.memory.total_bytes() == 0 {
        return Err(NO_MEMORY.into());
    }
    let q = QueueState::from_registers(which, &h.registers).map_err(|e| e.to_string())?;
    let mut head = format!(
        "{} entries at {}, PROD {} (wrap {}), CONS {} (wrap {}): {} outstanding{}{}",
        q.size,
        q.base,
        q.prod_index,
        q.prod_wrap as u8,
        q.cons_index,
        q.cons_wrap as u8,
        q.outstanding,
        if q.full { ", FULL" } else { "" },
        q.error.as_ref().map(|e| format!(", {e}")).unwrap_or_default()
    );
    let describe = |d: &DecodedEntry| -> String {
        match d {
            DecodedEntry::Command(c) => {
                if c.summary.starts_with(c.name) {
                    c.summary.clone()
                } else {
                    format!("{} {}", c.name, c.summary)
                }
            }
            DecodedEntry::Event(e) => {
                if e.summary.starts_with(&e.type_name) {
                    e.summary.clone()
                } else {
                    format!("{} {}", e.type_name, e.summary)
                }
            }
            DecodedEntry::Pri(p) => serde_json::to_string(p).unwrap_or_default(),
        }
    };
    let mut rows: Vec<(String, String)> = q
        .read_entries(&snap.memory)
        .iter()
        .map(|e| {
            let d = match (&e.decoded, &e.error) {
                (Some(d), _) => describe(d),
                (None, Some(err)) => err.clone(),
                (None, None) => String::new(),
            };
            (format!("[{}] {}", e.index, e.addr), d)
        })
        .collect();
    if rows.is_empty() {
        // Show what the SMMU consumed last, so an empty queue still teaches something.
        let words = (which.entry_bytes() / 8) as usize;
        let n = q.size.min(16);
        for k in (1..=n).rev() {
            let idx = q.cons_index.wrapping_sub(k) & q.size.saturating_sub(1);
            let addr = q.entry_addr(idx);
            let w: Result<Vec<u64>, _> =
                (0..words).map(|i| snap.memory.read_u64_le(addr.wrapping_add(8 * i as u64))).collect();
            if let Ok(w) = w {
                if w.iter().all(|x| *x == 0) {
                    continue;
                }
                rows.push((format!("[{idx}] {addr:#x} (consumed)"), describe(&decode_entry(which, &w))));
            }
        }
        if !rows.is_empty() {
            head.push_str(&format!("; showing the {} entries before CONS, already consumed", rows.len()));
        }
    }
    Ok((head, rows))
}

/// The kernel log decoded by smmu-core's log parser: (line, decode) rows in line order.
pub fn klog_decoded(h: &Host) -> Result<Rows, String> {
    h.cache.klog.get_or_init(|| compute_klog(h)).clone()
}

fn compute_klog(h: &Host) -> Result<Rows, String> {
    let t =
        h.klog.as_ref().ok_or("no kernel log loaded: open one with smmu tui FILE.log (or a snapshot that has one)")?;
    let r = smmu_core::klog::parse(t, &smmu_core::klog::Options::default());
    let mut rows: Vec<(usize, String, String)> = Vec::new();
    for p in &r.probe {
        let mut d = format!(
            "probe: ias {} oas {} features {} = {}",
            p.ias.map(|v| format!("{v}-bit")).unwrap_or_else(|| "-".into()),
            p.oas.map(|v| format!("{v}-bit")).unwrap_or_else(|| "-".into()),
            p.features,
            p.feature_names.join(" ")
        );
        if !p.implies.is_empty() {
            d.push_str(&format!("; implies {}", p.implies.join(", ")));
        }
        if !p.kernel.is_empty() {
            d.push_str(&format!(" (numbering of {})", p.kernel));
        }
        rows.push((p.line, "probe".into(), d));
    }
    for e in &r.events {
        let mut d = e.event.summary.clone();
        if !e.missing_dwords.is_empty() {
            d.push_str(&format!("; dwords {:?} missing", e.missing_dwords));
        }
        for c in e.checks.iter().filter(|c| !c.agrees) {
            d.push_str(&format!("; kernel says {} = {} but the record has {}", c.field, c.kernel, c.record));
        }
        rows.push((e.line, "event".into(), d));
    }
    for c in &r.command_errors {
        let cmd = c.command.as_ref().map(|x| x.summary.clone()).unwrap_or_default();
        rows.push((
            c.line,
            "CMDQ error".into(),
            format!("{} {} {}", c.error.clone().unwrap_or_default(), c.explanation, cmd),
        ));
    }
    for g in &r.global_errors {
        rows.push((g.line, "GERROR".into(), format!("{} {}", g.value, g.errors.join(", "))));
    }
    for o in &r.options {
        rows.push((o.line, "options".into(), format!("{} {}", o.mask, o.options.join(", "))));
    }
    for m in &r.messages {
        rows.push((m.line, "message".into(), format!("{}: {}", m.text, m.explanation)));
    }
    for u in &r.unparsed {
        rows.push((u.line, "unparsed".into(), format!("{} ({})", u.text, u.reason)));
    }
    rows.sort_by_key(|r| r.0);
    Ok(rows.into_iter().map(|(l, k, d)| (format!("line {l} {k}"), d)).collect())
}

/// True when smmu-core's log parser finds SMMU messages in the text.
fn looks_like_kernel_log(t: &str) -> bool {
    let r = smmu_core::klog::parse(t, &smmu_core::klog::Options::default());
    !(r.events.is_empty()
        && r.probe.is_empty()
        && r.command_errors.is_empty()
        && r.global_errors.is_empty()
        && r.messages.is_empty())
}

/// Guest relevance of differing ID register fields from the forwarding pool diff:
/// (register, field) -> (matters, why).
pub fn dataset_pool_diff(d: &Dataset) -> Result<PoolDiff, String> {
    d.pool.get_or_init(|| pool_diff(&d.hosts.iter().collect::<Vec<_>>())).clone()
}

pub fn pool_diff(hosts: &[&Host]) -> Result<PoolDiff, String> {
    let v = forward_report(hosts, None)?;
    let mut m = std::collections::BTreeMap::new();
    if let Some(a) = v.get("pool").and_then(|p| p.get("diff")).and_then(|x| x.as_array()) {
        for e in a {
            let g = |k: &str| e.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
            let matters = e.get("matters").and_then(|x| x.as_bool()).unwrap_or(false);
            m.insert((g("register"), g("field")), (matters, g("why")));
        }
    }
    Ok(m)
}
