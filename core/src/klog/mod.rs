//! Kernel log parsing: events, command errors, probe banner, feature masks.
//!
//! [`parse`] finds everything SMMU-related in a pasted kernel log (Linux `arm-smmu-v3`,
//! pKVM `kvm-arm-smmu-v3`, Xen `(XEN) SMMUv3:`), tolerating timestamps, syslog/journal
//! prefixes, TABs or spaces, unrelated interleaved lines and damaged or missing dwords.

pub mod doc;
pub mod features;
pub mod messages;

use crate::queues::{cmd, event};
use crate::regs::control::gerror;
use crate::regs::queues::{cmdq_cons, cmdq_prod};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use features::KernelVersion;
use serde::Serialize;
use std::sync::OnceLock;

/// Options for [`parse`].
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The kernel that printed the log, when the log does not say (`Linux version ...`).
    pub kernel: Option<KernelVersion>,
}

/// Everything found: the JSON shape of `smmu log --json`.
#[derive(Debug, Clone, Serialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LogReport {
    #[serde(serialize_with = "ser_events")]
    pub events: Vec<LogEvent>,
    pub command_errors: Vec<CommandError>,
    /// `CMD_SYNC timeout at ... [hwprod ..., hwcons ...]`: the SMMU did not complete a CMD_SYNC.
    pub cmd_sync_timeouts: Vec<CmdSyncTimeout>,
    pub probe: Vec<Probe>,
    pub global_errors: Vec<GlobalError>,
    /// PRI Page Requests Linux did not expect (`unexpected PRI request received:`).
    pub pri_requests: Vec<PriRequest>,
    pub options: Vec<OptionMask>,
    /// Other SMMU driver messages, explained.
    pub messages: Vec<Message>,
    /// Kernel version used to name feature bits, and where it came from.
    pub kernel: Option<String>,
    pub kernel_source: &'static str,
    /// Lines that looked SMMU-related but could not be understood.
    pub unparsed: Vec<Unparsed>,
    /// Number of lines in the input.
    pub lines: usize,
    /// Number of SMMU-related lines found (0: nothing in the input concerns an SMMU).
    pub smmu_lines: usize,
}

/// Linux `arm_smmu_cmdq_issue_cmdlist()`: waiting for a CMD_SYNC to complete timed out.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CmdSyncTimeout {
    pub line: usize,
    pub device: String,
    /// The driver's producer position of the CMD_SYNC (`at 0x...`: index and wrap bit).
    pub sync_at: Option<String>,
    /// SMMU_CMDQ_PROD as the driver read it after the timeout.
    pub hwprod: Option<String>,
    /// SMMU_CMDQ_CONS as the driver read it after the timeout.
    pub hwcons: Option<String>,
    /// CMDQ_CONS.RD of `hwcons` (index and wrap bit): the next command the SMMU would consume.
    pub cons_rd: Option<u64>,
    /// CMDQ_CONS.ERR of `hwcons`, by name.
    pub cons_error: Option<String>,
    /// Commands produced but not consumed (hwprod - hwcons), when the queue size is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending: Option<u64>,
    pub explanation: String,
}

/// A check of the kernel's decoded printout against our decode of the raw dwords.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Check {
    pub field: &'static str,
    pub kernel: String,
    pub record: String,
    pub agrees: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LogEvent {
    #[serde(flatten)]
    pub event: event::EventInfo,
    /// 1-based line of the `event 0x.. received:` line (or of the decoded line when no
    /// raw dump was found).
    pub line: usize,
    pub device: String,
    /// The raw dwords as found (`null` for missing or damaged ones).
    pub raw: Vec<Option<String>>,
    /// Indices (0-3) of dwords that are missing or damaged; fields in them are unknown.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing_dwords: Vec<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown_fields: Vec<&'static str>,
    /// The newer kernels' decoded lines, as printed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kernel_lines: Vec<String>,
    /// The client device the kernel named (`0000:00:03.0`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// JSON keys of the event whose values the log does not give (missing or damaged
    /// dwords): serialized as null, and "unknown" in the summary, never as 0.
    #[serde(skip)]
    pub unknown_keys: Vec<&'static str>,
    /// Printed by Xen (`(XEN) SMMUv3:`), which programs stage 2 only.
    #[serde(skip)]
    pub xen: bool,
}

/// All the keys [`event::key_of_field`] can name.
const EVENT_KEYS: &[&str] =
    &["sid", "ssid", "input_addr", "ipa", "fetch_addr", "rnw", "s2", "class", "stall", "stag", "pnu", "ind"];

fn ser_events<S: serde::Serializer>(evs: &[LogEvent], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(evs.len()))?;
    for e in evs {
        seq.serialize_element(&EventOut(e))?;
    }
    seq.end()
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CommandError {
    pub line: usize,
    pub device: String,
    /// SMMU_CMDQ_CONS as printed.
    pub cons: String,
    /// CMDQ_CONS.ERR name (`CERROR_ILL`, ...), from the register model.
    pub error: Option<String>,
    /// What the kernel printed after the colon (`Illegal command`).
    pub kernel_message: String,
    /// CMDQ_CONS.RD (index and wrap bit) of the command in error.
    pub rd: Option<u64>,
    /// Index within the queue, when the queue size is known (`allocated N entries for cmdq`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<u64>,
    pub explanation: String,
    /// The skipped command, decoded, when the log shows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<cmd::CommandInfo>,
    pub raw: Vec<Option<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing_dwords: Vec<usize>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Probe {
    pub line: usize,
    pub device: String,
    /// Input (IPA) size; newer kernels no longer print it.
    pub ias: Option<u32>,
    pub oas: Option<u32>,
    pub features: String,
    pub feature_names: Vec<String>,
    /// ID register fields each named feature implies.
    pub implies: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown_bits: Vec<u8>,
    /// Kernel version whose numbering was used.
    pub kernel: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GlobalError {
    pub line: usize,
    pub device: String,
    /// Active errors (GERROR ^ GERRORN) as printed.
    pub value: String,
    /// Names of the active SMMU_GERROR bits, from the register model.
    pub errors: Vec<String>,
}

/// A PRI queue entry as Linux prints it: `sid 0x%08x.0x%05x: [%u%s] %sprivileged %s%s%s
/// access at iova 0x%016llx`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PriRequest {
    pub line: usize,
    pub device: String,
    pub sid: Option<u32>,
    pub ssid: Option<u32>,
    pub prg_index: Option<u32>,
    /// The L (last request of the group) flag.
    pub last: bool,
    pub privileged: bool,
    /// `R`, `W`, `X` as requested.
    pub access: String,
    pub iova: Option<String>,
    pub explanation: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OptionMask {
    pub line: usize,
    pub device: String,
    pub mask: String,
    pub options: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown_bits: Vec<u8>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Message {
    pub line: usize,
    pub device: String,
    pub text: String,
    pub explanation: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Unparsed {
    pub line: usize,
    pub text: String,
    pub reason: String,
}

/// A line split into its source (device prefix) and message.
struct Split<'a> {
    device: &'a str,
    msg: &'a str,
}

/// Strips syslog priority, timestamps, journal/syslog headers and `(XEN)`.
fn strip_noise(mut s: &str) -> &str {
    loop {
        let t = s.trim_start();
        let before = t.len();
        let mut t2 = t;
        if let Some(r) = t2.strip_prefix('<') {
            if let Some(end) = r.find('>') {
                if r.get(..end).is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit())) {
                    t2 = r.get(end + 1..).unwrap_or("");
                }
            }
        }
        if let Some(r) = t2.strip_prefix('[') {
            if let Some(end) = r.find(']') {
                let inner = r.get(..end).unwrap_or("");
                if end <= 40 && inner.chars().any(|c| c.is_ascii_digit()) {
                    t2 = r.get(end + 1..).unwrap_or("");
                }
            }
        }
        if let Some(r) = t2.strip_prefix("(XEN)") {
            t2 = r;
        }
        // "Dec  1 12:00:00 host kernel: " / "... kernel: "
        let head = t2.as_bytes().get(..t2.len().min(72)).unwrap_or(&[]);
        if let Some(p) = memchr::memmem::find(head, b"kernel: ") {
            t2 = t2.get(p + 8..).unwrap_or("");
        }
        s = t2;
        if s.trim_start().len() == before {
            return s.trim_start();
        }
    }
}

const MARKERS: &[&str] = &[
    "event 0x",
    "event: ",
    "CMDQ error",
    "skipping command",
    "unexpected global error",
    "option mask",
    "ias ",
    "oas ",
    "allocated ",
    "EVTQ overflow",
    "Service Failure",
    "MSI write aborted",
    "write aborted",
    "CMDQ timeout",
    "CMD_SYNC timeout",
    "retrying command fetch",
    "failed to convert to CMD_SYNC",
    "unexpected PRI request",
    "PRIQ overflow",
    "msi_domain absent",
    "no priq irq",
    "no evtq irq",
    "no gerr irq",
    "found companion",
    "sid 0x",
    "priv ",
    "unpriv ",
];

/// One automaton finding the earliest marker of a line (built once).
fn markers() -> Option<&'static AhoCorasick> {
    static AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    AC.get_or_init(|| AhoCorasick::builder().match_kind(MatchKind::LeftmostFirst).build(MARKERS).ok()).as_ref()
}

/// Text at least one of which is on every line `smmu log` reads: the prefilter that lets the
/// scan skip everything else at memory speed (one automaton, built once).
fn prefilter() -> Option<&'static AhoCorasick> {
    static AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    AC.get_or_init(|| {
        let mut pats: Vec<&'static str> =
            vec!["smmu", "SMMU", "Smmu", "Linux version ", "tegra241", "hwprod", "hwcons"];
        pats.extend(MARKERS.iter().copied());
        for m in messages::MESSAGES {
            let n = messages::needle(m.format);
            if n.len() >= 8 {
                pats.push(n);
            }
        }
        AhoCorasick::builder().kind(Some(AhoCorasickKind::DFA)).build(pats).ok()
    })
    .as_ref()
}

/// A line that continues a wrapped one: not empty and not the start of a new log line
/// (a timestamp, a syslog priority or a device prefix).
fn is_continuation(t: &str) -> bool {
    if t.is_empty() || t.starts_with('<') || is_smmu_device(t) {
        return false;
    }
    match t.strip_prefix('[') {
        // `[  12.345678]`, `[Mon Dec  1 12:00:00 2025]` start a line; `[hwprod ...` does not.
        Some(r) => {
            let r = r.trim_start();
            !(r.starts_with(|c: char| c.is_ascii_digit())
                || ["Mon ", "Tue ", "Wed ", "Thu ", "Fri ", "Sat ", "Sun "].iter().any(|d| r.starts_with(d)))
        }
        None => true,
    }
}

fn incomplete(l: &str) -> bool {
    let t = l.trim_end();
    if let Some(p) = memchr::memmem::find(t.as_bytes(), b"CMD_SYNC timeout") {
        return !t.get(p..).unwrap_or("").contains("hwcons");
    }
    if let Some(p) = t.find("event: ") {
        let m = t.get(p..).unwrap_or("");
        return !m.contains("ssid: ") || t.ends_with(':');
    }
    let is_access = ["priv data", "priv inst", "unpriv data", "unpriv inst"].iter().any(|k| t.contains(k));
    is_access && !t.contains("stag:")
}

/// The device part of a prefix, without any timestamp or stray characters before it.
fn clean_device(d: &str) -> &str {
    let d = match d.rfind(']') {
        Some(p) => d.get(p + 1..).unwrap_or(""),
        None => d,
    };
    d.trim().trim_end_matches(':').trim()
}

/// `smmu` in any case, without copying or lowercasing the text.
fn is_smmu_device(dev: &str) -> bool {
    dev.as_bytes().windows(4).any(|w| w.eq_ignore_ascii_case(b"smmu"))
}

/// Where the device prefix of a driver message ends: the first `": "` (`arm-smmu-v3
/// 9050000.smmuv3: ...`), or the second for Xen's `SMMUv3: /smmuv3@9050000: ...`.
fn device_end(s: &str) -> Option<usize> {
    let q = s.find(": ")?;
    let head = s.get(..q)?;
    if head.trim() == "SMMUv3" {
        let rest = s.get(q + 2..)?;
        if let Some(q2) = rest.find(": ") {
            let name = rest.get(..q2)?;
            if !name.is_empty() && !name.contains(char::is_whitespace) {
                return Some(q + 2 + q2);
            }
        }
    }
    Some(q)
}

/// Splits a cleaned line into device prefix and message.
fn split(line: &str) -> Option<Split<'_>> {
    let s = strip_noise(line);
    // The earliest marker ("event: " must not match inside "event 0x").
    let best = markers().and_then(|ac| ac.find(s)).map(|m| m.start());
    if let Some(p) = best {
        // The message starts right after the device prefix, which may be before the marker
        // ("...: device has entered Service Failure Mode!", "...: GERROR MSI write aborted").
        return Some(match device_end(s).filter(|q| *q < p) {
            Some(q) => Split { device: clean_device(s.get(..q).unwrap_or("")), msg: s.get(q + 2..).unwrap_or("") },
            None => Split { device: clean_device(s.get(..p).unwrap_or("")), msg: s.get(p..).unwrap_or("") },
        });
    }
    // dword lines: prefix ends in ':' then whitespace then a hex-looking token.
    let t = s.trim_end();
    if let Some(tok_start) = t.rfind(|c: char| c.is_whitespace()).map(|i| i + 1) {
        let tok = t.get(tok_start..).unwrap_or("");
        let before = t.get(..tok_start).unwrap_or("").trim_end();
        if before.ends_with(':') && looks_hex(tok) {
            return Some(Split { device: clean_device(before), msg: tok });
        }
    }
    // Any other message of an SMMU driver: `<smmu device>: text`.
    let Some(q) = device_end(s) else {
        let msg = s.trim();
        return messages::lookup(msg).map(|_| Split { device: "", msg });
    };
    let device = clean_device(s.get(..q)?);
    if is_smmu_device(device) {
        return Some(Split { device, msg: s.get(q + 2..).unwrap_or("") });
    }
    // A driver message pasted without its prefix (or after a device name not naming an SMMU).
    let msg = s.trim();
    if messages::lookup(msg).is_some() {
        return Some(Split { device: "", msg });
    }
    let rest = s.get(q + 2..).unwrap_or("").trim();
    messages::lookup(rest).map(|_| Split { device, msg: rest })
}

/// A message without a device prefix is taken only when it is unmistakably the driver's.
fn prefixless_ok(msg: &str) -> bool {
    if msg.starts_with("priv ") || msg.starts_with("unpriv ") {
        return msg.contains('"') && msg.contains("stag:");
    }
    if msg.starts_with("event: ") {
        return msg.contains(" sid: ");
    }
    if msg.starts_with("ias ") || msg.starts_with("oas ") {
        return msg.contains("(features 0x");
    }
    if msg.starts_with("allocated ") {
        return msg.contains(" entries for ");
    }
    if msg.starts_with("sid 0x") {
        return msg.contains(" access at iova ");
    }
    msg.starts_with("event 0x")
        || msg.starts_with("CMDQ error (cons")
        || msg.starts_with("skipping command")
        || msg.starts_with("unexpected global error")
        || msg.starts_with("CMD_SYNC timeout")
        || msg.starts_with("option mask 0x")
        || messages::lookup(msg).is_some()
}

fn looks_hex(t: &str) -> bool {
    let h = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")).unwrap_or(t);
    t.len() >= 3 && (t.starts_with("0x") || t.starts_with("0X"))
        || (h.len() == 16 && h.chars().all(|c| c.is_ascii_hexdigit()))
}

/// A dword token: `Ok` with its value when well-formed (`0x` and 1-16 hex digits).
fn parse_dword(t: &str) -> Result<u64, String> {
    let h = t.trim().trim_end_matches([',', ';', ')']);
    let h = h.strip_prefix("0x").or_else(|| h.strip_prefix("0X")).unwrap_or(h);
    if h.is_empty() || h.len() > 16 || !h.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!("damaged dword {t:?}"));
    }
    u64::from_str_radix(h, 16).map_err(|e| format!("damaged dword {t:?}: {e}"))
}

/// `0x1f` / `1f` after a label, up to the first non-hex character.
fn hex_after(s: &str, label: &str) -> Option<u64> {
    let p = s.find(label)?;
    let r = s.get(p + label.len()..)?.trim_start();
    let r = r.strip_prefix("0x").or_else(|| r.strip_prefix("0X")).unwrap_or(r);
    let end = r.find(|c: char| !c.is_ascii_hexdigit()).unwrap_or(r.len());
    u64::from_str_radix(r.get(..end)?, 16).ok()
}

fn word_after(s: &str, label: &str) -> Option<String> {
    let p = s.find(label)?;
    let r = s.get(p + label.len()..)?.trim_start();
    let end = r.find(char::is_whitespace).unwrap_or(r.len());
    Some(r.get(..end)?.to_string())
}

fn dec_before(s: &str, label: &str) -> Option<u32> {
    let p = s.find(label)?;
    let head = s.get(..p)?;
    let start = head.rfind(|c: char| !c.is_ascii_digit()).map(|i| i + 1).unwrap_or(0);
    head.get(start..)?.parse().ok()
}

enum PendingKind {
    Event { code: u8 },
    Skip { err: usize },
}

struct Pending {
    device: String,
    xen: bool,
    line: usize,
    kind: PendingKind,
    words: Vec<Option<u64>>,
    raw: Vec<Option<String>>,
    want: usize,
}

struct Parser {
    opts: Options,
    out: LogReport,
    pending: Vec<Pending>,
    /// Last finished event per device, to attach decoded lines to.
    last_event: Vec<(String, usize)>,
    cmdq_entries: Option<u64>,
    detected: Option<KernelVersion>,
    /// A visibly incomplete line waiting for its wrapped continuation.
    held: Option<(usize, String)>,
    /// Events as found (compact: decoded only when read).
    recs: Vec<EventRec>,
    devices: Vec<String>,
    dev_ids: std::collections::HashMap<String, u32>,
}

/// An event as found in the log, kept compact (about 64 bytes) until it is read: an event
/// flood of a 100 MB log holds only these.
#[derive(Debug, Clone)]
struct EventRec {
    line: usize,
    device: u32,
    /// The number the `event 0x.. received:` line printed.
    code: u8,
    words: [u64; 4],
    /// Bit i: dword i was read intact.
    present: u8,
    /// Only the kernel's decoded lines were found.
    no_raw: bool,
    xen: bool,
    extra: Option<Box<Extra>>,
}

#[derive(Debug, Clone, Default)]
struct Extra {
    /// What a damaged dword looked like.
    damaged: [Option<String>; 4],
    /// The kernel's decoded lines, as printed.
    kernel: Vec<String>,
}

impl EventRec {
    fn extra_mut(&mut self) -> &mut Extra {
        self.extra.get_or_insert_with(Box::default)
    }

    /// The full event: the record decoded, what is missing marked unknown, the kernel's lines
    /// checked against it.
    fn materialize(&self, device: &str) -> LogEvent {
        let mut ev = if self.no_raw { self.decode_lines_only(device) } else { self.decode_record(device) };
        if let Some(x) = &self.extra {
            for k in &x.kernel {
                if k.starts_with("event:") {
                    apply_decoded(&mut ev, k);
                } else {
                    apply_access(&mut ev, k);
                }
            }
        }
        finish_event(&mut ev);
        ev
    }

    fn decode_lines_only(&self, device: &str) -> LogEvent {
        let mut info = event::decode(&[u64::from(self.code), 0, 0, 0]);
        // No record: every field value is unknown (the decoded lines fill some in).
        let unknown_fields: Vec<&'static str> =
            info.fields.iter().filter(|f| f.def.lsb != event::impdef::Type.lsb).map(|f| f.name).collect();
        info.fields.clear();
        LogEvent {
            event: info,
            line: self.line,
            device: device.to_string(),
            raw: vec![None, None, None, None],
            missing_dwords: vec![0, 1, 2, 3],
            unknown_fields,
            kernel_lines: Vec::new(),
            client: None,
            checks: Vec::new(),
            notes: vec!["no raw dwords in the log: fields come from the kernel's decoded line only".into()],
            unknown_keys: EVENT_KEYS.to_vec(),
            xen: self.xen,
        }
    }

    fn decode_record(&self, device: &str) -> LogEvent {
        let code = self.code;
        let missing: Vec<usize> = (0..4).filter(|i| self.present & (1 << i) == 0).collect();
        let raw_s: Vec<Option<String>> = (0..4usize)
            .map(|i| {
                if self.present & (1 << i) != 0 {
                    self.words.get(i).map(|v| format!("{v:#018x}"))
                } else {
                    self.extra
                        .as_ref()
                        .and_then(|x| x.damaged.get(i).cloned().flatten())
                        .map(|r| format!("damaged: {r}"))
                }
            })
            .collect();
        let mut v4 = self.words;
        let mut notes = Vec::new();
        if missing.contains(&0) {
            // Keep the event number the header line printed.
            // Cannot fail: Type is 8 bits wide and `code` is a u8.
            let _ = event::impdef::Type.set(&mut v4, u64::from(code));
            notes.push(
                "dword 0 missing: event number taken from the `event 0x.. received` line; StreamID/SubstreamID unknown"
                    .into(),
            );
        } else if event::event_number(&v4) != code {
            notes
                .push(format!("the header said event {code:#04x} but dword 0 holds {:#04x}", event::event_number(&v4)));
        }
        let info = event::decode(&v4);
        let layout = event::layout_for(event::event_number(&v4));
        let unknown_fields: Vec<&'static str> = layout
            .fields
            .iter()
            .filter(|f| (f.lsb / 64..=f.msb() / 64).any(|w| missing.contains(&(w as usize))))
            .filter(|f| !(f.lsb == event::impdef::Type.lsb && missing.contains(&0)))
            .map(|f| f.name)
            .collect();
        for m in &missing {
            notes.push(format!("dword {m} missing or damaged"));
        }
        let mut unknown_keys: Vec<&'static str> = Vec::new();
        for k in unknown_fields.iter().filter_map(|f| event::key_of_field(f)) {
            if !unknown_keys.contains(&k) {
                unknown_keys.push(k);
            }
        }
        let mut info = event::forget(info, &unknown_keys);
        info.fields.retain(|f| !unknown_fields.contains(&f.name));
        LogEvent {
            event: info,
            line: self.line,
            device: device.to_string(),
            raw: raw_s,
            missing_dwords: missing,
            unknown_fields,
            kernel_lines: Vec::new(),
            client: None,
            checks: Vec::new(),
            notes,
            unknown_keys,
            xen: self.xen,
        }
    }
}

/// Parses a kernel log: every finding, events decoded.
pub fn parse(text: &str, opts: &Options) -> LogReport {
    scan(text, opts).into_report()
}

/// A parsed log whose events stay compact until read: serializes as [`LogReport`] does,
/// decoding one event at a time (what `smmu log --json` streams).
#[derive(Debug, Clone)]
pub struct Scan {
    /// Everything but the events.
    pub report: LogReport,
    recs: Vec<EventRec>,
    devices: Vec<String>,
}

impl Scan {
    /// Number of events.
    pub fn event_count(&self) -> usize {
        self.recs.len()
    }
    /// The events, decoded one at a time.
    pub fn events(&self) -> impl Iterator<Item = LogEvent> + '_ {
        self.recs.iter().map(|r| r.materialize(self.devices.get(r.device as usize).map_or("", String::as_str)))
    }
    /// The whole report, every event decoded.
    pub fn into_report(self) -> LogReport {
        let events: Vec<LogEvent> = self.events().collect();
        LogReport { events, ..self.report }
    }
}

/// A scan serializes as the [`LogReport`] it stands for, so it has that report's schema.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Scan {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        LogReport::schema_name()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        LogReport::json_schema(g)
    }
}

impl Serialize for Scan {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        struct Events<'a>(&'a Scan);
        impl Serialize for Events<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeSeq;
                let mut seq = s.serialize_seq(Some(self.0.recs.len()))?;
                for e in self.0.events() {
                    seq.serialize_element(&EventOut(&e))?;
                }
                seq.end()
            }
        }
        let r = &self.report;
        let mut st = s.serialize_struct("LogReport", 13)?;
        st.serialize_field("events", &Events(self))?;
        st.serialize_field("command_errors", &r.command_errors)?;
        st.serialize_field("cmd_sync_timeouts", &r.cmd_sync_timeouts)?;
        st.serialize_field("probe", &r.probe)?;
        st.serialize_field("global_errors", &r.global_errors)?;
        st.serialize_field("pri_requests", &r.pri_requests)?;
        st.serialize_field("options", &r.options)?;
        st.serialize_field("messages", &r.messages)?;
        st.serialize_field("kernel", &r.kernel)?;
        st.serialize_field("kernel_source", &r.kernel_source)?;
        st.serialize_field("unparsed", &r.unparsed)?;
        st.serialize_field("lines", &r.lines)?;
        st.serialize_field("smmu_lines", &r.smmu_lines)?;
        st.end()
    }
}

/// An event as JSON: values the log does not give are null (through a `Value` only then).
struct EventOut<'a>(&'a LogEvent);

impl Serialize for EventOut<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error;
        let e = self.0;
        if e.unknown_keys.is_empty() {
            return e.serialize(s);
        }
        let mut v = serde_json::to_value(e).map_err(S::Error::custom)?;
        if let Some(o) = v.as_object_mut() {
            for k in &e.unknown_keys {
                o.insert((*k).to_string(), serde_json::Value::Null);
            }
        }
        v.serialize(s)
    }
}

/// Parses a kernel log in one pass: lines without any SMMU marker are skipped by one
/// automaton search over the whole text (no per-line copies or case folding); wrapped lines
/// are rejoined as they are met.
pub fn scan(text: &str, opts: &Options) -> Scan {
    let mut p = Parser {
        opts: opts.clone(),
        out: LogReport::default(),
        pending: Vec::new(),
        last_event: Vec::new(),
        cmdq_entries: None,
        detected: None,
        held: None,
        recs: Vec::new(),
        devices: Vec::new(),
        dev_ids: std::collections::HashMap::new(),
    };
    let b = text.as_bytes();
    let ac = prefilter();
    let count_nl = |from: usize, to: usize| b.get(from..to).map_or(0, |s| memchr::memchr_iter(b'\n', s).count());
    let (mut pos, mut n) = (0usize, 0usize);
    while pos < b.len() {
        if p.pending.is_empty() && p.held.is_none() {
            if let Some(ac) = ac {
                match ac.find(aho_corasick::Input::new(b).span(pos..b.len())) {
                    None => {
                        n += count_nl(pos, b.len());
                        if b.last() != Some(&b'\n') {
                            n += 1;
                        }
                        break;
                    }
                    Some(m) => {
                        let ls =
                            b.get(pos..m.start()).and_then(|s| memchr::memrchr(b'\n', s)).map_or(pos, |i| pos + i + 1);
                        n += count_nl(pos, ls);
                        pos = ls;
                    }
                }
            }
        }
        let le = b.get(pos..).and_then(|s| memchr::memchr(b'\n', s)).map_or(b.len(), |i| pos + i);
        let line = text.get(pos..le).unwrap_or("");
        n += 1;
        p.feed(n, line.strip_suffix('\r').unwrap_or(line));
        pos = le + 1;
    }
    if let Some((hn, h)) = p.held.take() {
        p.line(hn, &h);
    }
    let devs: Vec<String> = p.pending.iter().map(|x| x.device.clone()).collect();
    for d in devs {
        p.flush(&d);
    }
    // An incomplete dump is finished only when its device prints something else (or at the
    // end): report events in the order the kernel printed them.
    p.recs.sort_by_key(|e| e.line);
    p.out.lines = n;
    let (v, src) = p.kernel();
    // The banner's feature word is decoded with the kernel found anywhere in the log.
    for pr in &mut p.out.probe {
        if let Ok(mask) = u32::from_str_radix(pr.features.trim_start_matches("0x"), 16) {
            let d = features::decode(mask, v);
            pr.feature_names = d.names;
            pr.implies = d.implies;
            pr.unknown_bits = d.unknown_bits;
            pr.kernel = v.to_string();
        }
    }
    p.out.kernel = Some(v.to_string());
    p.out.kernel_source = src;
    Scan { report: p.out, recs: p.recs, devices: p.devices }
}

/// What the log does not say stays unknown: advice is recomputed without unknown CLASS/S2,
/// decode problems of a record that is not in the log are dropped, and STAG is explained.
fn finish_event(e: &mut LogEvent) {
    let code = u8::from_str_radix(e.event.code.trim_start_matches("0x"), 16).unwrap_or(0);
    let class = if e.unknown_keys.contains(&"class") { None } else { e.event.class.clone() };
    let s2 = if e.unknown_keys.contains(&"s2") { None } else { e.event.s2 };
    e.event.advice = event::advice(code, class.as_deref(), s2);
    if e.missing_dwords.len() == 4 {
        e.event.problems.clear();
    }
    if e.xen && class.as_deref() == Some("CD") {
        e.event.advice = "Xen programs stage 2 only (STE.Config = 0b110, no CD table): CLASS = CD cannot be a CD fetch here; read it as a stage 2 fault on the input address (InputAddr is the IPA)";
        e.notes.push("Xen stage-2-only STE: CLASS = 0b00 (CD) is not a CD-table fault".into());
    }
    if e.event.stall == Some(false) && e.event.stag.is_some() {
        e.notes.push("STAG means nothing here: it is valid only when Stall == 1 (IHI 0070 7.3)".into());
    }
    e.event.summary = event::summarize_known(&e.event, &e.unknown_keys);
}

impl Parser {
    /// One input line: rejoins a wrapped line with its continuation first.
    fn feed(&mut self, n: usize, line: &str) {
        if let Some((hn, mut h)) = self.held.take() {
            let t = line.trim();
            if is_continuation(t) {
                h.push(' ');
                h.push_str(t);
                if incomplete(&h) && h.len() < 4096 {
                    self.held = Some((hn, h));
                } else {
                    self.line(hn, &h);
                }
                return;
            }
            self.line(hn, &h);
        }
        if incomplete(line) {
            self.held = Some((n, line.to_string()));
            return;
        }
        self.line(n, line);
    }

    fn kernel(&self) -> (KernelVersion, &'static str) {
        if let Some(v) = self.opts.kernel {
            (v, "--kernel")
        } else if let Some(v) = self.detected {
            (v, "log")
        } else {
            (features::NEWEST, "assumed (newest known; pass --kernel)")
        }
    }

    fn line(&mut self, n: usize, raw: &str) {
        if self.detected.is_none() {
            if let Some(pos) = memchr::memmem::find(raw.as_bytes(), b"Linux version ") {
                self.detected = raw.get(pos + 14..).and_then(KernelVersion::parse);
            }
        }
        let Some(sp) = split(raw) else { return };
        let msg = sp.msg.trim();
        let dev = sp.device.to_string();
        let smmu = is_smmu_device(&dev) || raw.contains("SMMUv3") || (dev.is_empty() && prefixless_ok(msg));
        // dword continuation of a pending block from the same source; a single damaged
        // token in a pending dump still takes its dword's place.
        let damaged_dword = !msg.is_empty()
            && !msg.contains(char::is_whitespace)
            && msg.len() <= 24
            && self.pending.iter().any(|p| p.device == dev);
        if !msg.contains(' ') && (looks_hex(msg) || damaged_dword) {
            if let Some(pi) = self.pending.iter().position(|p| p.device == dev) {
                let pend = &mut self.pending[pi];
                pend.raw.push(Some(msg.to_string()));
                pend.words.push(parse_dword(msg).ok());
                if pend.words.len() >= pend.want {
                    self.flush(&dev);
                }
                self.out.smmu_lines += 1;
            } else if smmu {
                self.unparsed(n, raw, "a dword with no `event 0x.. received:` or `skipping command` line before it");
                self.out.smmu_lines += 1;
            }
            return;
        }
        if !smmu {
            return;
        }
        self.out.smmu_lines += 1;
        // Any other message from this source ends its pending block.
        self.flush(&dev);
        if let Some(r) = msg.strip_prefix("event 0x") {
            let end = r.find(|c: char| !c.is_ascii_hexdigit()).unwrap_or(r.len());
            match r.get(..end).and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(code) => self.pending.push(Pending {
                    xen: raw.contains("(XEN)"),
                    device: dev,
                    line: n,
                    kind: PendingKind::Event { code },
                    words: Vec::new(),
                    raw: Vec::new(),
                    want: 4,
                }),
                None => self.unparsed(n, raw, "event number is not a hex byte"),
            }
        } else if msg.starts_with("event: ") {
            self.decoded_event_line(n, &dev, msg);
        } else if msg.starts_with("priv ") || msg.starts_with("unpriv ") {
            self.access_line(n, &dev, msg);
        } else if msg.starts_with("CMDQ error") {
            self.cmdq_error(n, &dev, msg);
        } else if msg.starts_with("skipping command") {
            match self.out.command_errors.iter().rposition(|c| c.device == dev) {
                Some(err) => self.pending.push(Pending {
                    xen: false,
                    device: dev,
                    line: n,
                    kind: PendingKind::Skip { err },
                    words: Vec::new(),
                    raw: Vec::new(),
                    want: 2,
                }),
                None => {
                    // No CMDQ error line seen (cut log): still decode the command.
                    self.out.command_errors.push(CommandError {
                        line: n,
                        device: dev.clone(),
                        cons: String::new(),
                        error: None,
                        kernel_message: String::new(),
                        rd: None,
                        index: None,
                        explanation: "the `CMDQ error (cons ...)` line is missing from the log".into(),
                        command: None,
                        raw: Vec::new(),
                        missing_dwords: Vec::new(),
                    });
                    let err = self.out.command_errors.len() - 1;
                    self.pending.push(Pending {
                        xen: false,
                        device: dev,
                        line: n,
                        kind: PendingKind::Skip { err },
                        words: Vec::new(),
                        raw: Vec::new(),
                        want: 2,
                    });
                }
            }
        } else if msg.starts_with("sid 0x") && msg.contains(" access at iova ") {
            self.pri_line(n, &dev, msg);
        } else if msg.starts_with("unexpected global error") {
            let v = hex_after(msg, "(0x").unwrap_or(0);
            let errors = gerror_names(v);
            self.out.global_errors.push(GlobalError { line: n, device: dev, value: format!("{v:#010x}"), errors });
        } else if msg.starts_with("option mask") {
            let v = hex_after(msg, "option mask").unwrap_or(0) as u32;
            let (options, unknown_bits) = features::option_names(v);
            self.out.options.push(OptionMask { line: n, device: dev, mask: format!("{v:#x}"), options, unknown_bits });
        } else if (msg.starts_with("ias ") || msg.starts_with("oas ")) && msg.contains("(features 0x") {
            self.probe(n, &dev, msg);
        } else if msg.starts_with("allocated ") && msg.contains(" entries for ") {
            if msg.contains("entries for cmdq") {
                self.cmdq_entries = dec_before(msg, " entries for cmdq").map(|v| v as u64);
            }
            self.message(n, &dev, msg, "queue allocated by the driver (entries = 2^LOG2SIZE of SMMU_*_BASE)");
        } else if msg.starts_with("CMD_SYNC timeout") {
            self.cmd_sync_timeout(n, &dev, msg);
        } else {
            match messages::lookup(msg) {
                Some(d) => {
                    let expl = if d.check.is_empty() {
                        d.cause.to_string()
                    } else {
                        format!("{} Check: {}.", d.cause, d.check)
                    };
                    self.message(n, &dev, msg, &expl)
                }
                None => match explain_message(msg) {
                    Some(expl) => self.message(n, &dev, msg, expl),
                    None => self.unparsed(n, raw, "SMMU driver message not recognised"),
                },
            }
        }
    }

    /// `CMD_SYNC timeout at 0x%08x [hwprod 0x%08x, hwcons 0x%08x]` (Linux 5.x and later;
    /// older kernels print only `CMD_SYNC timeout`).
    fn cmd_sync_timeout(&mut self, n: usize, dev: &str, msg: &str) {
        let at = hex_after(msg, "timeout at ");
        let hwprod = hex_after(msg, "hwprod ");
        let hwcons = hex_after(msg, "hwcons ");
        let prod_wr = hwprod.map(|p| cmdq_prod::WR.get(&[p]));
        let cons_rd = hwcons.map(|c| cmdq_cons::RD.get(&[c]));
        let err = hwcons.map(|c| cmdq_cons::ERR.get(&[c]));
        let cons_error = err.map(|e| crate::queues::queue::cerror_name(e).to_string());
        // RD/WR hold the index and, just above it, the wrap bit: 2 * entries positions.
        let pending = match (prod_wr, cons_rd, self.cmdq_entries) {
            (Some(p), Some(c), Some(e)) if e.is_power_of_two() => {
                let m = e.saturating_mul(2).saturating_sub(1);
                Some((p & m).wrapping_sub(c & m) & m)
            }
            _ => None,
        };
        let hex8 = |v: Option<u64>| v.map(|x| format!("{x:#010x}"));
        let mut ex = String::from("The driver queued commands ending in a CMD_SYNC and waited for its completion (CMD_SYNC, IHI 0070 4.7.3), which never came within the poll timeout; hwprod/hwcons are SMMU_CMDQ_PROD/SMMU_CMDQ_CONS read afterwards. ");
        match (prod_wr, cons_rd) {
            (Some(_), Some(c)) if err.is_some_and(|e| e != 0) => ex.push_str(&format!(
                "CMDQ_CONS.ERR = {}: The SMMU stopped on the command at CONS.RD {c:#x} (see the `CMDQ error` lines; SMMU_GERROR.CMDQ_ERR)",
                cons_error.as_deref().unwrap_or("?")
            )),
            (Some(p), Some(c)) if p != c => ex.push_str(&format!(
                "The SMMU stopped consuming at CONS {c:#x} while PROD is {p:#x}: it is stalled or wedged; read SMMU_CMDQ_CONS.ERR, SMMU_GERROR (CMDQ_ERR, SFM_ERR) and SMMU_CR0ACK.CMDQEN"
            )),
            (Some(_), Some(c)) => ex.push_str(&format!(
                "The SMMU consumed every command (CONS {c:#x} == PROD) but the completion was not seen: check the CMD_SYNC's CS/MSI settings and SMMU_GERROR.MSI_CMDQ_ABT_ERR"
            )),
            _ => ex.push_str("Read SMMU_CMDQ_PROD/CONS (CONS.ERR) and SMMU_GERROR to see where the SMMU stopped"),
        }
        self.out.cmd_sync_timeouts.push(CmdSyncTimeout {
            line: n,
            device: dev.to_string(),
            sync_at: hex8(at),
            hwprod: hex8(hwprod),
            hwcons: hex8(hwcons),
            cons_rd,
            cons_error,
            pending,
            explanation: ex,
        });
    }

    fn message(&mut self, n: usize, dev: &str, text: &str, expl: &str) {
        let t = text.trim();
        self.out.messages.push(Message {
            line: n,
            device: dev.to_string(),
            text: t.to_string(),
            explanation: expl.to_string(),
        });
    }

    fn unparsed(&mut self, n: usize, raw: &str, reason: &str) {
        self.out.unparsed.push(Unparsed { line: n, text: raw.trim().to_string(), reason: reason.to_string() });
    }

    fn probe(&mut self, n: usize, dev: &str, s: &str) {
        let raw = s;
        let ias = dec_before(s, "-bit, oas")
            .or_else(|| s.find("ias ").and_then(|p| s.get(p..)).and_then(|t| dec_before(t, "-bit")));
        let oas = s.find("oas ").and_then(|p| s.get(p..)).and_then(|t| dec_before(t, "-bit"));
        let Some(mask) = hex_after(s, "(features 0x") else {
            return self.unparsed(n, raw, "features word is not hex");
        };
        let (v, _) = self.kernel();
        let d = features::decode(mask as u32, v);
        let dev = dev.to_string();
        self.out.probe.push(Probe {
            line: n,
            device: dev,
            ias,
            oas,
            features: format!("{mask:#010x}"),
            feature_names: d.names,
            implies: d.implies,
            unknown_bits: d.unknown_bits,
            kernel: v.to_string(),
        });
    }

    fn pri_line(&mut self, n: usize, dev: &str, msg: &str) {
        let sid = hex_after(msg, "sid 0x").map(|v| v as u32);
        let ssid = msg.find('.').and_then(|p| msg.get(p + 1..)).and_then(|r| hex_after(r, "0x")).map(|v| v as u32);
        let grp = msg.find('[').and_then(|p| msg.get(p + 1..)).map(|r| {
            let end = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
            (r.get(..end).and_then(|d| d.parse::<u32>().ok()), r.get(end..).is_some_and(|t| t.starts_with('L')))
        });
        let after = msg.split_once("] ").map(|x| x.1).unwrap_or("");
        let privileged = after.starts_with("privileged");
        let access = after.split_whitespace().nth(1).filter(|a| *a != "access").unwrap_or("").to_string();
        let iova = hex_after(msg, "access at iova 0x").map(|v| format!("{v:#x}"));
        self.out.pri_requests.push(PriRequest {
            line: n,
            device: dev.to_string(),
            sid,
            ssid,
            prg_index: grp.and_then(|g| g.0),
            last: grp.is_some_and(|g| g.1),
            privileged,
            access,
            iova,
            explanation: "a PRI queue entry (8.1) for a device without an I/O page fault handler: Linux answers the group with CMD_PRI_RESP Deny".to_string(),
        });
    }

    fn cmdq_error(&mut self, n: usize, dev: &str, msg: &str) {
        let cons = hex_after(msg, "(cons 0x");
        let kernel_message = msg.split_once("):").map(|x| x.1.trim().to_string()).unwrap_or_default();
        let err = cons.map(|c| cmdq_cons::ERR.get(&[c]));
        let rd = cons.map(|c| cmdq_cons::RD.get(&[c]));
        let error =
            err.map(|e| crate::queues::queue::cerror_name(e).to_string()).or_else(|| match kernel_message.as_str() {
                "Illegal command" => Some("CERROR_ILL".into()),
                "Abort on command fetch" => Some("CERROR_ABT".into()),
                "ATC invalidate timeout" => Some("CERROR_ATC_INV_SYNC".into()),
                "No error" => Some("CERROR_NONE".into()),
                _ => None,
            });
        let index = match (rd, self.cmdq_entries) {
            (Some(rd), Some(entries)) if entries.is_power_of_two() => Some(rd & (entries - 1)),
            _ => None,
        };
        let explanation = match error.as_deref() {
            Some("CERROR_ILL") => "the SMMU found an illegal command at CONS.RD (Reserved opcode, invalid parameters, or non-zero Reserved fields); Linux replaces it with CMD_SYNC and resumes (7.1)",
            Some("CERROR_ABT") => "an external abort occurred reading the command from memory; Linux retries the fetch (7.1)",
            Some("CERROR_ATC_INV_SYNC") => "a CMD_SYNC timed out waiting for an ATC invalidation completion from a device (7.1)",
            Some("CERROR_NONE") => "no command error",
            _ => "unknown CMDQ_CONS.ERR encoding",
        }
        .to_string();
        self.out.command_errors.push(CommandError {
            line: n,
            device: dev.to_string(),
            cons: cons.map(|c| format!("{c:#010x}")).unwrap_or_default(),
            error,
            kernel_message,
            rd,
            index,
            explanation,
            command: None,
            raw: Vec::new(),
            missing_dwords: Vec::new(),
        });
    }

    fn flush(&mut self, dev: &str) {
        let Some(pi) = self.pending.iter().position(|p| p.device == dev) else { return };
        let p = self.pending.remove(pi);
        let mut words = p.words.clone();
        let mut raw = p.raw.clone();
        while words.len() < p.want {
            words.push(None);
            raw.push(None);
        }
        let missing: Vec<usize> = words.iter().enumerate().filter(|(_, w)| w.is_none()).map(|(i, _)| i).collect();
        let vals: Vec<u64> = words.iter().map(|w| w.unwrap_or(0)).collect();
        let raw_s: Vec<Option<String>> = raw
            .iter()
            .zip(words.iter())
            .map(|(r, w)| w.map(|v| format!("{v:#018x}")).or_else(|| r.clone().map(|r| format!("damaged: {r}"))))
            .collect();
        match p.kind {
            PendingKind::Event { code } => {
                let mut rec = EventRec {
                    line: p.line,
                    device: self.device_id(&p.device),
                    code,
                    words: [0; 4],
                    present: 0,
                    no_raw: false,
                    xen: p.xen,
                    extra: None,
                };
                for (i, w) in words.iter().take(4).enumerate() {
                    match w {
                        Some(v) => {
                            if let Some(slot) = rec.words.get_mut(i) {
                                *slot = *v;
                            }
                            rec.present |= 1 << i;
                        }
                        None => {
                            if let Some(Some(r)) = raw.get(i) {
                                if let Some(d) = rec.extra_mut().damaged.get_mut(i) {
                                    *d = Some(r.clone());
                                }
                            }
                        }
                    }
                }
                self.recs.push(rec);
                let idx = self.recs.len() - 1;
                self.last_event.retain(|(d, _)| d != &p.device);
                self.last_event.push((p.device, idx));
            }
            PendingKind::Skip { err } => {
                let w2 = [vals.first().copied().unwrap_or(0), vals.get(1).copied().unwrap_or(0)];
                if let Some(ce) = self.out.command_errors.get_mut(err) {
                    ce.command = if missing.len() < 2 { Some(cmd::decode(&w2)) } else { None };
                    ce.raw = raw_s;
                    ce.missing_dwords = missing;
                }
            }
        }
    }

    fn event_for(&mut self, n: usize, dev: &str, code: Option<u8>) -> usize {
        if let Some((_, i)) = self.last_event.iter().find(|(d, _)| d == dev) {
            let i = *i;
            // The decoded lines follow the raw dump immediately; older events do not match.
            if self.recs.get(i).is_some_and(|e| e.extra.as_ref().is_none_or(|x| x.kernel.len() < 2)) {
                return i;
            }
        }
        // No raw dump: the event is known from the decoded line(s) alone.
        let rec = EventRec {
            line: n,
            device: self.device_id(dev),
            code: code.unwrap_or(0),
            words: [0; 4],
            present: 0,
            no_raw: true,
            xen: false,
            extra: None,
        };
        self.recs.push(rec);
        let i = self.recs.len() - 1;
        self.last_event.retain(|(d, _)| d != dev);
        self.last_event.push((dev.to_string(), i));
        i
    }

    fn device_id(&mut self, dev: &str) -> u32 {
        if let Some(i) = self.dev_ids.get(dev) {
            return *i;
        }
        let i = u32::try_from(self.devices.len()).unwrap_or(u32::MAX);
        self.devices.push(dev.to_string());
        self.dev_ids.insert(dev.to_string(), i);
        i
    }

    fn kernel_line(&mut self, i: usize, msg: &str) {
        if let Some(r) = self.recs.get_mut(i) {
            r.extra_mut().kernel.push(msg.to_string());
        }
    }

    fn decoded_event_line(&mut self, n: usize, dev: &str, msg: &str) {
        let name = word_after(msg, "event:").unwrap_or_default();
        let code = event::by_name(&name).map(|t| t.code);
        let i = self.event_for(n, dev, code);
        self.kernel_line(i, msg);
    }

    fn access_line(&mut self, n: usize, dev: &str, msg: &str) {
        let i = self.event_for(n, dev, None);
        self.kernel_line(i, msg);
    }
}

/// The kernel's `event: ...` line, checked against (or, without a record, filling) the event.
fn apply_decoded(ev: &mut LogEvent, msg: &str) {
    let name = word_after(msg, "event:").unwrap_or_default();
    let code = event::by_name(&name).map(|t| t.code);
    {
        let no_raw = ev.missing_dwords.len() == 4;
        ev.kernel_lines.push(msg.to_string());
        ev.client = word_after(msg, "client:");
        if no_raw {
            // Fill what the kernel printed.
            let known = |ev: &mut LogEvent, k: &str| ev.unknown_keys.retain(|x| *x != k);
            if let Some(s) = hex_after(msg, "sid: ") {
                ev.event.sid = s as u32;
                known(ev, "sid");
            }
            if let Some(a) = hex_after(msg, "iova: ") {
                ev.event.input_addr = Some(format!("{a:#x}"));
                known(ev, "input_addr");
            }
            if let Some(a) = hex_after(msg, "ipa: ") {
                ev.event.ipa = Some(format!("{a:#x}"));
                known(ev, "ipa");
            }
            if let Some(a) = hex_after(msg, "fetch_addr: ") {
                ev.event.fetch_addr = Some(format!("{a:#x}"));
                known(ev, "fetch_addr");
            }
            if let Some(s) = hex_after(msg, "ssid: ") {
                ev.event.ssid = Some(s as u32);
                known(ev, "ssid");
                ev.notes.push(
                    "ssid from the kernel line: Linux prints 0 both for SubstreamID 0 and for no SubstreamID".into(),
                );
            }
            return;
        }
        let mut checks = Vec::new();
        checks.push(Check {
            field: "type",
            kernel: name.clone(),
            record: ev.event.type_name.clone(),
            agrees: name == ev.event.type_name || (name == "UNKNOWN" && event::by_code(code.unwrap_or(0)).is_none()),
        });
        if let Some(s) = hex_after(msg, "sid: ") {
            checks.push(Check {
                field: "sid",
                kernel: format!("{s:#x}"),
                record: format!("{:#x}", ev.event.sid),
                agrees: s == ev.event.sid as u64,
            });
        }
        if let Some(s) = hex_after(msg, "ssid: ") {
            // Linux prints IOMMU_NO_PASID (0) when SSV == 0.
            let ours = ev.event.ssid.unwrap_or(0) as u64;
            checks.push(Check {
                field: "ssid",
                kernel: format!("{s:#x}"),
                record: ev.event.ssid.map(|x| format!("{x:#x}")).unwrap_or_else(|| "none (SSV == 0)".into()),
                agrees: s == ours,
            });
        }
        for (label, key, ours) in [
            ("iova: ", "input_addr", ev.event.input_addr.clone()),
            ("ipa: ", "ipa", ev.event.ipa.clone()),
            ("fetch_addr: ", "fetch_addr", ev.event.fetch_addr.clone()),
        ] {
            if let Some(k) = hex_after(msg, label) {
                let o = ours.as_deref().and_then(|s| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok());
                // Linux masks IPA to bits [51:12]; the record holds [55:12].
                let agrees = match o {
                    Some(o) if key == "ipa" => o & 0x000f_ffff_ffff_f000 == k,
                    Some(o) => o == k,
                    None => k == 0,
                };
                checks.push(Check {
                    field: key,
                    kernel: format!("{k:#x}"),
                    record: ours.unwrap_or_else(|| "not in this record".into()),
                    agrees,
                });
            }
        }
        ev.checks.extend(checks);
    }
}

/// The kernel's access line (`priv data read s1 "..." stag: ...`).
fn apply_access(ev: &mut LogEvent, msg: &str) {
    {
        ev.kernel_lines.push(msg.to_string());
        let toks: Vec<&str> = msg.split_whitespace().collect();
        let t = |k: usize| toks.get(k).copied().unwrap_or("");
        let class_str = msg.split('"').nth(1).unwrap_or("");
        let class = match class_str {
            "CD fetch" => Some("CD"),
            "Stage 1 translation table fetch" => Some("TT"),
            "Input address caused fault" => Some("IN"),
            "Reserved" => Some("Reserved"),
            _ => None,
        };
        let stall = msg.contains("\" stall") || msg.contains(" stall stag");
        let stag = hex_after(msg, "stag: ");
        let no_raw = ev.missing_dwords.len() == 4;
        let kv = [
            ("pnu", t(0) == "priv", ev.event.pnu),
            ("ind", t(1) == "inst", ev.event.ind),
            ("rnw", t(2) == "read", ev.event.rnw),
            ("s2", t(3) == "s2", ev.event.s2),
            ("stall", stall, ev.event.stall),
        ];
        if no_raw {
            ev.unknown_keys.retain(|k| !matches!(*k, "pnu" | "ind" | "rnw" | "s2" | "stall"));
            if stag.is_some() {
                ev.unknown_keys.retain(|k| *k != "stag");
            }
            if class.is_some() {
                ev.unknown_keys.retain(|k| *k != "class");
            }
            ev.event.pnu = Some(kv[0].1);
            ev.event.ind = Some(kv[1].1);
            ev.event.rnw = Some(kv[2].1);
            ev.event.s2 = Some(kv[3].1);
            ev.event.stall = Some(stall);
            ev.event.stag = stag.map(|s| s as u32);
            ev.event.class = class.map(str::to_string);
            return;
        }
        for (field, k, ours) in kv {
            ev.checks.push(Check {
                field,
                kernel: k.to_string(),
                record: ours.map(|b| b.to_string()).unwrap_or_else(|| "not in this record".into()),
                agrees: ours.is_none_or(|o| o == k) || (ours.is_none() && !k),
            });
        }
        if let Some(c) = class {
            let ours = ev.event.class.clone();
            ev.checks.push(Check {
                field: "class",
                kernel: c.to_string(),
                record: ours.clone().unwrap_or_else(|| "not in this record".into()),
                agrees: ours.as_deref().is_none_or(|o| o == c),
            });
        }
        if let Some(s) = stag {
            let ours = ev.event.stag.unwrap_or(0) as u64;
            ev.checks.push(Check {
                field: "stag",
                kernel: format!("{s:#x}"),
                record: format!("{ours:#x}"),
                agrees: s == ours,
            });
        }
    }
}

/// Names of the set SMMU_GERROR bits, through the register model.
fn gerror_names(v: u64) -> Vec<String> {
    gerror::LAYOUT.fields.iter().filter(|f| f.get(&[v]) != 0).map(|f| format!("{}: {}", f.name, f.desc)).collect()
}

fn explain_message(msg: &str) -> Option<&'static str> {
    let m = msg;
    Some(if m.contains("EVTQ overflow") {
        "the Event queue overflowed (EVTQ_PROD.OVFLG toggled): events were lost"
    } else if m.contains("PRIQ overflow") {
        "the PRI queue overflowed: page requests were lost and must be answered as failed"
    } else if m.contains("Service Failure") {
        "SMMU_GERROR.SFM_ERR: the SMMU stopped all traffic; see its RAS registers (12.3)"
    } else if m.contains("MSI write aborted") {
        "an MSI write by the SMMU was aborted (GERROR.MSI_*_ABT_ERR): check the *_IRQ_CFG0 doorbell address"
    } else if m.contains("write aborted") {
        "the SMMU got an abort writing a queue in memory (GERROR.EVTQ_ABT_ERR / PRIQ_ABT_ERR): records were lost"
    } else if m.contains("CMDQ timeout") {
        "the command queue stayed full: the SMMU is not consuming commands"
    } else if m.contains("retrying command fetch") {
        "after CERROR_ABT Linux lets the SMMU fetch the command again"
    } else if m.contains("failed to convert") {
        "Linux could not overwrite the illegal command with CMD_SYNC"
    } else if m.contains("msi_domain absent") {
        "no MSI domain: the SMMU's interrupts are wired (SMMU_IDR0.MSI is not used)"
    } else if m.contains("no priq irq") || m.contains("no evtq irq") || m.contains("no gerr irq") {
        "an interrupt is missing from firmware: that queue's records will not be reported"
    } else if m.contains("found companion CMDQV") {
        "NVIDIA Tegra241 CMDQ-Virtualization extension found next to the SMMU"
    } else if m.contains("unexpected PRI request") {
        "a PRI Page Request arrived for a device without an I/O page fault handler"
    } else if m.contains("probing hardware configuration") {
        "the driver starts reading the SMMU_IDR registers"
    } else if m.contains("CMDQ timeout") || m.contains("CMD_SYNC timeout") {
        "the SMMU did not consume commands in time"
    } else {
        return None;
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn noise_is_stripped() {
        assert_eq!(strip_noise("<3>[    7.840176] arm-smmu-v3 x: y"), "arm-smmu-v3 x: y");
        assert_eq!(strip_noise("(XEN) SMMUv3: a"), "SMMUv3: a");
        assert_eq!(strip_noise("Dec  1 12:00:01 host kernel: [ 1.0] arm-smmu-v3: a"), "arm-smmu-v3: a");
    }
}
