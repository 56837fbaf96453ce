//! What the explorer shows: hosts loaded from the built-in sample, files or the live host.
//!
//! Everything here is obtained from smmu-core (decode trees, derived summary, verdicts,
//! structures, walks). The explorer renders these; it never re-derives a field.

use smmu_core::parse::{self, ParseOptions};
use smmu_core::regset::{RegisterInfo, RegisterSet};
use smmu_core::snapshot::Snapshot;

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
}

impl Host {
    fn new(name: String, kind: SourceKind, description: String, format: String, registers: RegisterSet) -> Self {
        let decoded = registers.decode();
        Host { name, kind, description, format, registers, decoded, snapshot: None, klog: None, notes: vec![] }
    }

    /// The built-in sample, preferring a snapshot with memory when one is embedded.
    pub fn builtin_sample() -> Result<Host, String> {
        let s = crate::samples::default_sample();
        let mut h = match Host::from_bytes(s.name, s.text.as_bytes(), SourceKind::Sample) {
            Ok(h) => h,
            Err(e) => {
                // Never refuse to start: show what failed.
                let mut h = Host::new(s.name.into(), SourceKind::Sample, String::new(), "unreadable".into(), RegisterSet::new());
                h.notes.push(format!("the built-in sample could not be read by this build's parser: {e}"));
                h
            }
        };
        h.description = format!("built-in sample {}: {}", s.name, s.description);
        Ok(h)
    }

    /// Loads a file in any format the CLI reads: snapshot JSON, any register dump, or a
    /// kernel log.
    pub fn load_file(path: &str) -> Result<Host, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
        let name = std::path::Path::new(path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.to_string());
        let mut h = Host::from_bytes(&name, &bytes, SourceKind::File)?;
        h.description = format!("file {path} ({})", h.format);
        Ok(h)
    }

    /// Recognises the input: snapshot, register dump (any parser format), or kernel log.
    pub fn from_bytes(name: &str, bytes: &[u8], kind: SourceKind) -> Result<Host, String> {
        let text = std::str::from_utf8(bytes).ok();
        if let Some(t) = text {
            if Snapshot::looks_like(t) {
                let snap = Snapshot::from_json(t).map_err(|e| format!("{name}: {e}"))?;
                let mut h = Host::new(
                    name.to_string(),
                    kind,
                    String::new(),
                    "snapshot".into(),
                    snap.registers.clone(),
                );
                h.notes.extend(snap.file.notes.iter().cloned());
                h.snapshot = Some(snap);
                return Ok(h);
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
                    let mut h = Host::new(name.to_string(), kind, String::new(), "kernel log".into(), RegisterSet::new());
                    h.klog = Some(t.to_string());
                    Ok(h)
                }
                _ => Err(format!("{name}: {e}")),
            },
        }
    }

    /// The decoded register by name.
    pub fn register(&self, name: &str) -> Option<&RegisterInfo> {
        self.decoded.iter().find(|r| r.name.eq_ignore_ascii_case(name))
    }
}

/// A kernel log as users paste it mentions the SMMU driver somewhere.
fn looks_like_kernel_log(t: &str) -> bool {
    t.lines().any(|line| {
        let l = line.to_ascii_lowercase();
        l.contains("smmu")
            && ["event 0x", "cmdq error", "gerror", "-bit, oas", "oas ", "features 0x", "skipping command"]
                .iter()
                .any(|k| l.contains(k))
    })
}

/// A loaded session: one or more hosts plus what the start-up said about them.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub hosts: Vec<Host>,
    /// Start-up messages ("no SMMUv3 on this host, showing the built-in sample", ...).
    pub banner: Vec<String>,
}

impl Dataset {
    pub fn single(h: Host, banner: Vec<String>) -> Self {
        Dataset { hosts: vec![h], banner }
    }
}

/// The start-up choice for `smmu` without arguments: the live host when it has an SMMUv3,
/// else the built-in sample, saying which.
pub fn default_dataset() -> Result<Dataset, String> {
    let why = live_unavailable_reason();
    let h = Host::builtin_sample()?;
    Ok(Dataset::single(h, vec![format!("Showing the built-in sample: {why}.")]))
}

/// Why the live host is not shown.
fn live_unavailable_reason() -> String {
    "live host collection is not available in this build yet".to_string()
}

// ---------------------------------------------------------------------------------------
// Core APIs the views render. Each returns the data, or `Err("not available yet: ...")`
// until the capability is in this build. JSON values follow the CLI's stable `--json`
// contracts, so the views depend on those keys only.
// ---------------------------------------------------------------------------------------

/// The derived summary (version, implementer, stages, granules, OAS, queue sizes, ...)
/// as (label, value) rows.
pub fn summary(_h: &Host) -> Result<Vec<(String, String)>, String> {
    Err("not available yet: derived summary (core::derived::summarize)".into())
}

/// The forwarding report for the hosts (`smmu forward --json` shape: verdicts, guest, vmm).
pub fn forward_report(_hosts: &[&Host], _profile: &str, _caps: &[&str]) -> Result<serde_json::Value, String> {
    Err("not available yet: VMM forwarding verdicts (core::forward::analyze)".into())
}

/// The stream table: one entry per valid StreamID with its STE decode, legality and CDs.
pub fn streams(h: &Host) -> Result<Vec<serde_json::Value>, String> {
    if h.snapshot.is_none() {
        return Err("this input has no memory image: load a snapshot (smmu tui FILE.snapshot.json) to see the stream table".into());
    }
    Err("not available yet: stream table and STE/CD decode (core::structs)".into())
}

/// Runs a walk with the inputs [SID, SSID, IOVA, access] (`smmu walk --json` shape).
pub fn run_walk(h: &Host, inputs: &[String; 4]) -> Result<serde_json::Value, String> {
    let num = |i: usize, what: &str| -> Result<Option<u64>, String> {
        let s = inputs[i].trim();
        if s.is_empty() {
            return Ok(None);
        }
        crate::common::parse_num(s).map(Some).map_err(|e| format!("{what}: {e}"))
    };
    let _sid = num(0, "SID")?.ok_or("SID: enter a StreamID")?;
    let _ssid = num(1, "SSID")?;
    let _iova = num(2, "IOVA")?.ok_or("IOVA: enter an address")?;
    let access = inputs[3].trim();
    if !["read", "write", "exec", ""].contains(&access) {
        return Err(format!("access: {access:?} is not read, write or exec"));
    }
    if h.snapshot.is_none() {
        return Err("this input has no memory image: a walk needs a snapshot with the stream table and page tables".into());
    }
    Err("not available yet: the translation walker (core::walk)".into())
}

/// Command queue (`cmdq`) or event queue (`evtq`) entries between CONS and PROD, decoded.
pub fn queue_entries(h: &Host, which: &str) -> Result<Vec<(String, String)>, String> {
    if h.snapshot.is_none() {
        return Err(format!("this input has no memory image: the {which} contents need a snapshot"));
    }
    Err("not available yet: queue model and command/event decode (core::queues)".into())
}

/// The kernel log decoded: (line, decode) rows.
pub fn klog_decoded(h: &Host) -> Result<Vec<(String, String)>, String> {
    match &h.klog {
        None => Err("no kernel log loaded: open one with smmu tui FILE.log".into()),
        Some(_) => Err("not available yet: kernel log decoder (core::klog)".into()),
    }
}

/// Guest relevance of each register field from the forwarding verdicts:
/// (register, field) -> class. Empty when verdicts are not available.
pub fn verdict_classes(hosts: &[&Host]) -> Result<std::collections::BTreeMap<(String, String), String>, String> {
    let v = forward_report(hosts, "strict", &[])?;
    let mut m = std::collections::BTreeMap::new();
    if let Some(a) = v.get("verdicts").and_then(|x| x.as_array()) {
        for e in a {
            let g = |k: &str| e.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
            m.insert((g("register"), g("field")), g("class"));
        }
    }
    Ok(m)
}
