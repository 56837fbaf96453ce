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
    forward: std::cell::RefCell<std::collections::BTreeMap<Option<u64>, Result<ForwardReport, String>>>,
    klog: std::cell::OnceCell<Result<Vec<Item>, String>>,
    cds: std::cell::RefCell<std::collections::BTreeMap<u32, Vec<CdEntry>>>,
    queues: std::cell::RefCell<std::collections::BTreeMap<&'static str, Result<QueueListing, String>>>,
}

/// The valid STEs and notes about the table.
type StreamList = (Vec<StreamRow>, Vec<String>);
/// A queue's state line and its entries (outstanding, or recently consumed).
pub type QueueListing = (String, Vec<Item>);

/// A walk a scenario suggests, with what the spec says should happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuggestedWalk {
    /// SID, SSID, IOVA, access as the Walk view's inputs.
    pub inputs: [String; 4],
    pub unpriv: bool,
    pub expect: String,
    pub note: String,
}

impl SuggestedWalk {
    pub fn from_spec(w: &smmu_core::scenario::WalkSpec) -> SuggestedWalk {
        SuggestedWalk {
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
        }
    }
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
                    h.walks = sc.walks.iter().map(SuggestedWalk::from_spec).collect();
                    return Ok(h);
                }
            }
        }
        match parse::parse_bytes(bytes, &ParseOptions::default()) {
            Ok(p) => {
                let format = p.format.describe().to_string();
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
        h.klog = smmu_core::inspect::kernel_log(&snap);
        // A snapshot built from a scenario keeps the scenario's walks.
        h.walks = smmu_core::inspect::suggested_walks(&snap).iter().map(SuggestedWalk::from_spec).collect();
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

use smmu_core::forward::ForwardReport;
use smmu_core::present::{build, Document, Span as PSpan, Tone};
use smmu_core::walk::{self, Access, WalkRequest};

/// What to say when the input is not a snapshot (a register dump or a kernel log).
const NO_SNAPSHOT: &str =
    "this input has registers only, no memory image: open a snapshot to see tables, queues and walks";

/// An inspection error as the explorer says it: what is missing, and how to get it.
fn inspect_error(e: smmu_core::inspect::InspectError) -> String {
    match e {
        smmu_core::inspect::InspectError::NoMemory => {
            "this snapshot has no memory image (a live host is read without RAM): collect one with memory \
             (see docs/collect.md) and open that"
                .to_string()
        }
        other => other.to_string(),
    }
}

/// The derived summary (version, implementer, stages, granules, OAS, queue sizes, ...)
/// as (label, value) rows, and its warnings.
/// (label, value) rows.
pub type Rows = Vec<(String, String)>;
/// (register, field) -> (matters to a guest, why).
pub type PoolDiff = std::collections::BTreeMap<(String, String), (bool, String)>;

pub fn summary(h: &Host) -> Result<(Rows, Vec<String>), String> {
    if h.registers.is_empty() {
        return Err("no register values in this input, so nothing to summarize".into());
    }
    let s = smmu_core::derived::summarize(&h.registers);
    Ok((s.lines().into_iter().map(|(k, v)| (k.to_string(), v)).collect(), s.warnings.clone()))
}

/// The forwarding report for the hosts (verdicts, guest IDRs, VMM profiles, pool), computed by
/// smmu-core with the given kernel capabilities (None: not given).
pub fn forward_report(hosts: &[&Host], caps: Option<u64>) -> Result<ForwardReport, String> {
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

fn compute_forward(hosts: &[&Host], caps: Option<u64>) -> Result<ForwardReport, String> {
    let named: Vec<(String, RegisterSet)> =
        hosts.iter().filter(|h| !h.registers.is_empty()).map(|h| (h.name.clone(), h.registers.clone())).collect();
    if named.is_empty() {
        return Err("no register values in this input: verdicts need the host's ID registers".into());
    }
    let mut opts = smmu_core::forward::ForwardOptions::default();
    if let Some(bits) = caps {
        opts.caps = Some(smmu_core::forward::Caps::from_bits(bits)?);
    }
    Ok(smmu_core::forward::analyze(&named, &opts))
}

pub use smmu_core::inspect::{CdEntry, StreamRow};

/// The stream table: every StreamID with V = 1 (smmu-core's inspection), and notes.
pub fn streams(h: &Host) -> Result<(&[StreamRow], &[String]), String> {
    match h.cache.streams.get_or_init(|| compute_streams(h)) {
        Ok((r, n)) => Ok((r.as_slice(), n.as_slice())),
        Err(e) => Err(e.clone()),
    }
}

fn compute_streams(h: &Host) -> Result<(Vec<StreamRow>, Vec<String>), String> {
    let snap = h.snapshot.as_ref().ok_or(NO_SNAPSHOT)?;
    let l = smmu_core::inspect::streams(snap).map_err(inspect_error)?;
    Ok((l.rows, l.notes))
}

/// CDs of a stream by SubstreamID (smmu-core's inspection, memoized).
pub fn stream_cds(h: &Host, sid: u32, ste: &[u64; 8]) -> Vec<CdEntry> {
    if let Some(v) = h.cache.cds.borrow().get(&sid) {
        return v.clone();
    }
    let v = match h.snapshot.as_ref() {
        Some(snap) => smmu_core::inspect::stream_cds(snap, sid, ste),
        None => vec![],
    };
    h.cache.cds.borrow_mut().insert(sid, v.clone());
    v
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

/// Runs a walk with the inputs [SID, SSID, IOVA, access].
pub fn run_walk(h: &Host, inputs: &[String; 4], unpriv: bool) -> Result<walk::WalkResult, String> {
    let req = walk_request(inputs, unpriv)?;
    let snap = h.snapshot.as_ref().ok_or(NO_SNAPSHOT)?;
    Ok(walk::translate_snapshot(snap, &req))
}

/// Command queue or event queue: its state and entries between CONS and PROD, decoded; when
/// none are outstanding, the most recent consumed entries (marked as such).
pub fn queue_entries(h: &Host, which: smmu_core::queues::queue::QueueId) -> Result<QueueListing, String> {
    let key = which.prefix();
    if let Some(v) = h.cache.queues.borrow().get(key) {
        return v.clone();
    }
    let v = compute_queue(h, which);
    h.cache.queues.borrow_mut().insert(key, v.clone());
    v
}

fn compute_queue(h: &Host, which: smmu_core::queues::queue::QueueId) -> Result<QueueListing, String> {
    use smmu_core::inspect::EntryState;
    let snap = h.snapshot.as_ref().ok_or(NO_SNAPSHOT)?;
    let v = smmu_core::inspect::queue(snap, which).map_err(inspect_error)?;
    let q = &v.state;
    let mut head = format!(
        "{} at {}, PROD {} (wrap {}), CONS {} (wrap {}): {} outstanding{}{}",
        smmu_core::derived::count(q.size, "entry", "entries"),
        q.base,
        q.prod_index,
        q.prod_wrap as u8,
        q.cons_index,
        q.cons_wrap as u8,
        q.outstanding,
        if q.full { ", FULL" } else { "" },
        q.error.as_ref().map(|e| format!(", {e}")).unwrap_or_default()
    );
    let consumed = v.entries.iter().filter(|(s, _)| *s == EntryState::Consumed).count();
    if consumed > 0 {
        head.push_str(&format!(
            "; showing the {} before CONS, already consumed",
            smmu_core::derived::count(consumed as u64, "entry", "entries")
        ));
    }
    Ok((head, v.entries.iter().map(|(st, e)| queue_item(*st, e)).collect()))
}

/// One entry of a queue or a kernel log: a one-line label and summary for the list, and the
/// full decode (what `smmu log`, `smmu event` and `smmu cmd` print) for the detail pane.
#[derive(Debug, Clone)]
pub struct Item {
    pub label: String,
    pub summary: String,
    pub doc: Document,
}

/// A queue entry as an item: the command's or event record's document.
fn queue_item(state: smmu_core::inspect::EntryState, e: &smmu_core::queues::queue::QueueEntry) -> Item {
    use smmu_core::queues::queue::DecodedEntry;
    let consumed = state == smmu_core::inspect::EntryState::Consumed;
    let label = format!("[{}] {}{}", e.index, e.addr, if consumed { " (consumed)" } else { "" });
    let (summary, mut doc) = match (&e.decoded, &e.error) {
        (Some(DecodedEntry::Command(c)), _) => (one_line(c.name, &c.summary), build::command(c)),
        (Some(DecodedEntry::Event(ev)), _) => (one_line(&ev.type_name, &ev.summary), build::event(ev)),
        (Some(DecodedEntry::Pri(p)), _) => {
            let mut d = Document::new();
            d.heading("PRI page request", Some("IHI 0070 8.1".into()));
            d.text(vec![PSpan::plain(p.summary.clone())]);
            d.fields(p.fields.iter().map(smmu_core::present::FieldRow::from).collect(), true);
            d.bullets(p.problems.iter().map(|x| vec![PSpan::new(format!("problem: {x}"), Tone::Warn)]).collect());
            (p.summary.clone(), d)
        }
        (None, Some(err)) => {
            let mut d = Document::new();
            d.text(vec![PSpan::new(err.clone(), Tone::Warn)]);
            (err.clone(), d)
        }
        (None, None) => (String::new(), Document::new()),
    };
    let mut head = Document::new();
    head.kv(format!("entry {} at {}", e.index, e.addr), vec![PSpan::new(e.words.join(" "), Tone::Value)]);
    if consumed {
        head.text(vec![PSpan::new("already consumed (before CONS)", Tone::Dim)]);
    }
    head.blocks.append(&mut doc.blocks);
    Item { label, summary, doc: head }
}

fn one_line(name: &str, summary: &str) -> String {
    if summary.starts_with(name) {
        summary.to_string()
    } else {
        format!("{name} {summary}")
    }
}

/// The kernel log decoded by smmu-core's log parser, in line order.
pub fn klog_decoded(h: &Host) -> Result<Vec<Item>, String> {
    h.cache.klog.get_or_init(|| compute_klog(h)).clone()
}

fn compute_klog(h: &Host) -> Result<Vec<Item>, String> {
    let t =
        h.klog.as_ref().ok_or("no kernel log loaded: open a kernel log, paste one, or open a snapshot that has one")?;
    let r = smmu_core::klog::parse(t, &smmu_core::klog::Options::default());
    let mut rows: Vec<(usize, Item)> = Vec::new();
    let item = |line: usize, kind: &str, summary: String, doc: Document| {
        (line, Item { label: format!("line {line} {kind}"), summary, doc })
    };
    let head = |line: usize, kind: &str, device: &str| {
        let mut d = Document::new();
        d.heading(format!("{kind}, line {line}"), None);
        if !device.is_empty() {
            d.kv("device", vec![PSpan::plain(device.to_string())]);
        }
        d
    };
    for p in &r.probe {
        let mut d = head(p.line, "probe banner", &p.device);
        let bits = |v: Option<u32>| v.map(|v| format!("{v}-bit")).unwrap_or_else(|| "not printed".into());
        d.kv("ias", vec![PSpan::new(bits(p.ias), Tone::Value), PSpan::plain(" (input/IPA size)")]);
        d.kv("oas", vec![PSpan::new(bits(p.oas), Tone::Value), PSpan::plain(" (output/physical address size)")]);
        d.kv(
            "features",
            vec![
                PSpan::new(p.features.clone(), Tone::Value),
                PSpan::plain(format!(" = {}", p.feature_names.join(" "))),
            ],
        );
        d.bullets(p.implies.iter().map(|i| vec![PSpan::plain(i.clone())]).collect());
        d.bullets(
            p.unknown_bits
                .iter()
                .map(|b| vec![PSpan::new(format!("bit {b}: not defined by Linux {}", p.kernel), Tone::Warn)])
                .collect(),
        );
        if !p.kernel.is_empty() {
            d.text(vec![PSpan::new(format!("feature bits numbered as Linux {}", p.kernel), Tone::Dim)]);
        }
        let summary = format!(
            "probe: ias {} oas {} features {} = {}",
            bits(p.ias),
            bits(p.oas),
            p.features,
            p.feature_names.join(" ")
        );
        rows.push(item(p.line, "probe", summary, d));
    }
    for e in &r.events {
        let mut d = head(e.line, "event", &e.device);
        d.blocks.append(&mut build::event(&e.event).blocks);
        if let Some(c) = &e.client {
            d.kv("client device", vec![PSpan::plain(c.clone())]);
        }
        d.bullets(e.notes.iter().map(|n| vec![PSpan::new(n.clone(), Tone::Warn)]).collect());
        if !e.missing_dwords.is_empty() {
            let list: Vec<String> = e.missing_dwords.iter().map(|x| x.to_string()).collect();
            d.text(vec![PSpan::new(format!("dwords missing from the log: {}", list.join(", ")), Tone::Warn)]);
        }
        if !e.unknown_fields.is_empty() {
            d.text(vec![PSpan::new(format!("unknown (dword missing): {}", e.unknown_fields.join(", ")), Tone::Warn)]);
        }
        d.bullets(
            e.checks
                .iter()
                .map(|c| {
                    let l = format!("kernel {} = {} / record {}", c.field, c.kernel, c.record);
                    if c.agrees {
                        vec![PSpan::new(format!("agrees: {l}"), Tone::Good)]
                    } else {
                        vec![PSpan::new(format!("DISAGREES: {l}"), Tone::Bad)]
                    }
                })
                .collect(),
        );
        let mut summary = e.event.summary.clone();
        if e.checks.iter().any(|c| !c.agrees) {
            summary.push_str("; the kernel's decode disagrees with the record");
        }
        rows.push(item(e.line, "event", summary, d));
    }
    for c in &r.command_errors {
        let mut d = head(c.line, "command error", &c.device);
        d.kv(
            "CMDQ_CONS",
            vec![
                PSpan::new(if c.cons.is_empty() { "?".to_string() } else { c.cons.clone() }, Tone::Value),
                PSpan::plain(format!(
                    " -> {} ({}){}",
                    c.error.as_deref().unwrap_or("?"),
                    c.kernel_message,
                    c.index.map(|i| format!(", command at index {i}")).unwrap_or_default()
                )),
            ],
        );
        d.text(vec![PSpan::new(c.explanation.clone(), Tone::Bad)]);
        if let Some(cmd) = &c.command {
            d.blocks.append(&mut build::command(cmd).blocks);
        }
        let cmd = c.command.as_ref().map(|x| x.summary.clone()).unwrap_or_default();
        rows.push(item(
            c.line,
            "CMDQ error",
            format!("{} {} {}", c.error.clone().unwrap_or_default(), c.explanation, cmd),
            d,
        ));
    }
    for tmo in &r.cmd_sync_timeouts {
        let mut d = head(tmo.line, "CMD_SYNC timeout", &tmo.device);
        let q = |v: &Option<String>| v.clone().unwrap_or_else(|| "not printed".into());
        d.kv("CMD_SYNC at", vec![PSpan::new(q(&tmo.sync_at), Tone::Value)]);
        d.kv("SMMU_CMDQ_PROD", vec![PSpan::new(q(&tmo.hwprod), Tone::Value)]);
        d.kv("SMMU_CMDQ_CONS", vec![PSpan::new(q(&tmo.hwcons), Tone::Value)]);
        if let Some(p) = tmo.pending {
            d.kv("not consumed", vec![PSpan::plain(smmu_core::derived::count(p, "command", "commands"))]);
        }
        d.text(vec![PSpan::new(tmo.explanation.clone(), Tone::Bad)]);
        rows.push(item(tmo.line, "CMD_SYNC timeout", tmo.explanation.clone(), d));
    }
    for g in &r.global_errors {
        let mut d = head(g.line, "global error", &g.device);
        d.kv("active", vec![PSpan::new(g.value.clone(), Tone::Value)]);
        d.bullets(g.errors.iter().map(|e| vec![PSpan::plain(e.clone())]).collect());
        rows.push(item(g.line, "GERROR", format!("{} {}", g.value, g.errors.join(", ")), d));
    }
    for o in &r.options {
        let mut d = head(o.line, "options", &o.device);
        d.kv("mask", vec![PSpan::new(o.mask.clone(), Tone::Value)]);
        d.bullets(o.options.iter().map(|n| vec![PSpan::plain(n.clone())]).collect());
        rows.push(item(o.line, "options", format!("{} {}", o.mask, o.options.join(", ")), d));
    }
    for m in &r.messages {
        let mut d = head(m.line, "message", &m.device);
        d.text(vec![PSpan::new(m.text.clone(), Tone::Value)]);
        d.text(vec![PSpan::plain(m.explanation.clone())]);
        rows.push(item(m.line, "message", format!("{}: {}", m.text, m.explanation), d));
    }
    for u in &r.unparsed {
        let mut d = head(u.line, "not understood", "");
        d.text(vec![PSpan::new(u.text.clone(), Tone::Value)]);
        d.text(vec![PSpan::new(u.reason.clone(), Tone::Warn)]);
        rows.push(item(u.line, "unparsed", format!("{} ({})", u.text, u.reason), d));
    }
    rows.sort_by_key(|r| r.0);
    Ok(rows.into_iter().map(|(_, i)| i).collect())
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
    let r = forward_report(hosts, None)?;
    Ok(r.pool
        .iter()
        .flat_map(|p| p.diff.iter())
        .map(|e| ((e.register.to_string(), e.field.to_string()), (e.matters, e.why.clone())))
        .collect())
}
