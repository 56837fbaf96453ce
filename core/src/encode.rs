//! Encoding: an STE, CD, L1STD, L1CD, command, event record or translation table descriptor
//! built from named field values as a person types them (`Config=S1+S2`, `S2TG=16KB`,
//! `S1ContextPtr=0x45322000`), then checked by the same rules as decode: the C_BAD_STE /
//! C_BAD_CD legality of [`crate::structs::legality`], the CERROR_ILL rules of
//! [`crate::queues::cmd::check`], and for an STE whether Linux accepts it as a nested guest
//! vSTE ([`crate::structs::legality::guest_vste`]).
//!
//! Field names are looked up with [`Layout::field`] (aliases included); bit positions come
//! from the tables only. A value is a number (`0x` hex, `0b` binary or decimal) or, for a
//! field with named encodings, one of those names (case-insensitive; spaces, `_` and `-`
//! optional; a trailing parenthesis optional, so `S1+S2` names `S1+S2 (nested)`). An
//! address field (`S1ContextPtr`, `S2TTB`, a command's `Address`) takes the address itself,
//! which must be aligned to the field's lowest address bit.

use crate::model::{Enc, FieldDef, FieldStatus, Fmt, Layout};
use crate::queues::{cmd, event};
use crate::regset::RegisterSet;
use crate::structs::{self, legality, FieldRow};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// What can be encoded.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// Stream Table Entry (IHI 0070 5.2).
    Ste,
    /// Context Descriptor (5.4).
    Cd,
    /// Level 1 Stream Table Descriptor (5.1).
    L1Std,
    /// Level 1 CD table descriptor (5.3).
    L1Cd,
    /// A command (chapter 4), by opcode. `cfgi_all`: CMD_CFGI_ALL, which is
    /// CMD_CFGI_STE_RANGE with Range = 31 (4.3.2).
    Cmd { def: &'static cmd::CommandDef, cfgi_all: bool },
    /// An event record (7.3), by event number.
    Event(&'static event::EventType),
    /// VMSAv8-64 stage 1 block or page descriptor.
    S1Desc,
    /// VMSAv8-64 stage 2 block or page descriptor.
    S2Desc,
}

impl PartialEq for Kind {
    fn eq(&self, o: &Kind) -> bool {
        self.name() == o.name() && self.category() == o.category()
    }
}
impl Eq for Kind {}

/// The kinds as typed: (category, what it is). `cmd` and `event` take a name after them.
pub const CATEGORIES: &[(&str, &str)] = &[
    ("ste", "Stream Table Entry (IHI 0070 5.2)"),
    ("cd", "Context Descriptor (5.4)"),
    ("l1std", "Level 1 Stream Table Descriptor (5.1)"),
    ("l1cd", "Level 1 CD table descriptor (5.3)"),
    ("cmd", "a command by opcode name, e.g. cmd CMD_SYNC (chapter 4)"),
    ("event", "an event record by event name, e.g. event F_TRANSLATION (7.3)"),
    ("s1-desc", "VMSAv8-64 stage 1 block or page descriptor"),
    ("s2-desc", "VMSAv8-64 stage 2 block or page descriptor"),
];

fn category_list() -> String {
    CATEGORIES.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")
}

fn command_list() -> String {
    cmd::COMMANDS.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
}

fn event_list() -> String {
    event::EVENT_TYPES.iter().map(|t| t.name()).collect::<Vec<_>>().join(", ")
}

impl Kind {
    /// `ste`, `cd`, ..., `cmd`, `event`.
    pub fn category(&self) -> &'static str {
        match self {
            Kind::Ste => "ste",
            Kind::Cd => "cd",
            Kind::L1Std => "l1std",
            Kind::L1Cd => "l1cd",
            Kind::Cmd { .. } => "cmd",
            Kind::Event(_) => "event",
            Kind::S1Desc => "s1-desc",
            Kind::S2Desc => "s2-desc",
        }
    }
    /// The field table.
    pub fn layout(&self) -> &'static Layout {
        match self {
            Kind::Ste => &structs::STE,
            Kind::Cd => &structs::CD,
            Kind::L1Std => &structs::L1STD,
            Kind::L1Cd => &structs::L1CD,
            Kind::Cmd { def, .. } => def.layout,
            Kind::Event(t) => t.layout,
            Kind::S1Desc => &structs::TT_S1_LEAF,
            Kind::S2Desc => &structs::TT_S2_LEAF,
        }
    }
    /// The spec name: `STE`, `CMD_SYNC`, `CMD_CFGI_ALL`, `F_TRANSLATION`, `TT_S1_LEAF`.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Cmd { cfgi_all: true, .. } => "CMD_CFGI_ALL",
            k => k.layout().name,
        }
    }
    /// The first kind of a category (`cmd`: the first opcode), for frontends that cycle.
    pub fn first_of(category: &str) -> Result<Kind, EncodeError> {
        Kind::of_category(category).into_iter().next().ok_or_else(|| EncodeError::UnknownKind(category.to_string()))
    }
    /// Every kind of a category: one for a structure, each opcode for `cmd`, each event
    /// type for `event`.
    pub fn of_category(category: &str) -> Vec<Kind> {
        match category.trim().to_ascii_lowercase().as_str() {
            "ste" => vec![Kind::Ste],
            "cd" => vec![Kind::Cd],
            "l1std" => vec![Kind::L1Std],
            "l1cd" => vec![Kind::L1Cd],
            "s1-desc" => vec![Kind::S1Desc],
            "s2-desc" => vec![Kind::S2Desc],
            "cmd" => cmd::COMMANDS.iter().map(|def| Kind::Cmd { def, cfgi_all: false }).collect(),
            "event" => event::EVENT_TYPES.iter().map(Kind::Event).collect(),
            _ => vec![],
        }
    }
    /// A kind from its category and, for `cmd` and `event`, the opcode or event name.
    pub fn from_parts(category: &str, name: Option<&str>) -> Result<Kind, EncodeError> {
        let cat = category.trim().to_ascii_lowercase();
        let name = name.map(str::trim).filter(|n| !n.is_empty());
        match cat.as_str() {
            "cmd" | "command" => {
                let n = name.ok_or(EncodeError::MissingName { category: "cmd", names: command_list() })?;
                let def = cmd::by_name(n)
                    .ok_or_else(|| EncodeError::UnknownCommand { name: n.to_string(), names: command_list() })?;
                let cfgi_all = n.to_ascii_uppercase().trim_start_matches("CMD_") == "CFGI_ALL";
                Ok(Kind::Cmd { def, cfgi_all })
            }
            "event" => {
                let n = name.ok_or(EncodeError::MissingName { category: "event", names: event_list() })?;
                let t = event::by_name(n)
                    .ok_or_else(|| EncodeError::UnknownEvent { name: n.to_string(), names: event_list() })?;
                Ok(Kind::Event(t))
            }
            _ => {
                let k = Kind::of_category(&cat);
                match (k.first(), name) {
                    (Some(k), None) => Ok(*k),
                    (Some(_), Some(n)) => {
                        Err(EncodeError::UnexpectedName { category: k[0].category(), name: n.into() })
                    }
                    (None, _) => Err(EncodeError::UnknownKind(category.to_string())),
                }
            }
        }
    }
    /// The kind these words are, within the category of `self` (a command's opcode, an
    /// event's number); `self` for the structures, and when the words name no known one.
    pub fn of_words(&self, words: &[u64]) -> Kind {
        match self {
            Kind::Cmd { .. } => {
                let w = [words.first().copied().unwrap_or(0), words.get(1).copied().unwrap_or(0)];
                let info = cmd::decode(&w);
                match cmd::by_name(info.name) {
                    Some(def) => Kind::Cmd { def, cfgi_all: info.name == "CMD_CFGI_ALL" },
                    None => *self,
                }
            }
            Kind::Event(_) => match event::by_name(&event::decode_words(words).type_name) {
                Some(t) => Kind::Event(t),
                None => *self,
            },
            k => *k,
        }
    }
    /// The field that says which command or event the words are, and its value for this
    /// kind (`Opcode` = 0x46 for CMD_SYNC, `Type` = 0x10 for F_TRANSLATION).
    pub fn identity(&self) -> Result<Option<(&'static FieldDef, u64)>, EncodeError> {
        let (f, v): (&'static FieldDef, u64) = match self {
            Kind::Cmd { def, .. } => (&crate::queues::cmd::header::Opcode, def.opcode as u64),
            Kind::Event(t) => (&crate::queues::event::impdef::Type, t.code as u64),
            _ => return Ok(None),
        };
        Ok(Some((f, v)))
    }
    /// The words every encoding of this kind starts from: zero, with the identity field set
    /// (and Range = 31 for CMD_CFGI_ALL).
    pub fn base_words(&self) -> Result<Vec<u64>, EncodeError> {
        let l = self.layout();
        let mut w = vec![0u64; l.words()];
        if let Some((f, v)) = self.identity()? {
            f.set(&mut w, v)?;
        }
        if let Kind::Cmd { cfgi_all: true, .. } = self {
            let r = &crate::queues::cmd::cfgi_ste_range::Range;
            r.set(&mut w, r.mask())?;
        }
        Ok(w)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kind::Cmd { .. } | Kind::Event(_) => write!(f, "{} {}", self.category(), self.name()),
            k => f.write_str(k.category()),
        }
    }
}

/// `ste`, `cd`, `l1std`, `l1cd`, `s1-desc`, `s2-desc`, `cmd NAME` / `cmd:NAME`,
/// `event NAME` / `event:NAME`, or a bare command (`CMD_SYNC`) or event name.
impl FromStr for Kind {
    type Err = EncodeError;
    fn from_str(s: &str) -> Result<Kind, EncodeError> {
        let s = s.trim();
        let (cat, name) = match s.split_once(|c: char| c == ':' || c.is_whitespace()) {
            Some((c, n)) => (c, Some(n)),
            None => (s, None),
        };
        match Kind::from_parts(cat, name) {
            Err(EncodeError::UnknownKind(_)) if name.is_none() => {
                if let Some(def) = cmd::by_name(s).filter(|_| s.to_ascii_uppercase().starts_with("CMD_")) {
                    let cfgi_all = s.eq_ignore_ascii_case("CMD_CFGI_ALL");
                    return Ok(Kind::Cmd { def, cfgi_all });
                }
                match event::by_name(s) {
                    Some(t) => Ok(Kind::Event(t)),
                    None => Err(EncodeError::UnknownKind(s.to_string())),
                }
            }
            r => r,
        }
    }
}

/// Why an encoding failed. Each names the field (or kind) at fault and what is accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("unknown kind {0:?}: the kinds are {list}", list = category_list())]
    UnknownKind(String),
    #[error("{category} needs a name after it, one of: {names}")]
    MissingName { category: &'static str, names: String },
    #[error("{category} takes no name, but {name:?} was given")]
    UnexpectedName { category: &'static str, name: String },
    #[error("no command named {name:?}; the commands are {names}")]
    UnknownCommand { name: String, names: String },
    #[error("no event named {name:?}; the events are {names}")]
    UnknownEvent { name: String, names: String },
    #[error("{layout} has no field named {field:?}; its fields are {known}")]
    UnknownField { layout: &'static str, field: String, known: String },
    #[error("{field}: {text:?} is not a value: give a number (0x hex, 0b binary or decimal){names}")]
    BadValue { field: &'static str, text: String, names: String },
    #[error("{field}: value {value:#x} does not fit its {width} bits (at most {max:#x})")]
    TooWide { field: &'static str, value: u64, width: u8, max: u64 },
    #[error(
        "{field}: address {addr:#x} is not aligned: the field holds address bits [{top}:{shift}], so bits [{low}:0] must be 0"
    )]
    Unaligned { field: &'static str, addr: u64, top: u32, shift: u32, low: u32 },
    #[error("{field}: address {addr:#x} does not fit: the field holds address bits [{top}:{shift}]")]
    AddressTooWide { field: &'static str, addr: u64, top: u32, shift: u32 },
    #[error("{field} cannot be set on this SMMU: {why}")]
    Absent { field: &'static str, why: String },
    #[error("{field} is given twice")]
    Duplicate { field: &'static str },
    #[error("{field} is fixed by the kind: {kind} has {field} = {value:#x}")]
    Fixed { field: &'static str, kind: String, value: u64 },
    #[error("{0}")]
    Field(#[from] crate::model::EncodeError),
}

impl EncodeError {
    /// True for errors in what was asked for (kind, name), rather than in a field's value.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            EncodeError::UnknownKind(_)
                | EncodeError::MissingName { .. }
                | EncodeError::UnexpectedName { .. }
                | EncodeError::UnknownCommand { .. }
                | EncodeError::UnknownEvent { .. }
        )
    }
}

/// The accepted names of a field's encodings (empty for a plain number).
pub fn accepted_names(f: &FieldDef) -> Vec<&'static str> {
    f.values.iter().map(|e| e.name).filter(|n| !n.is_empty()).collect()
}

fn norm(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '_' && *c != '-').flat_map(char::to_lowercase).collect()
}

/// The encoding `text` names, if any (see the module docs for the matching rules).
pub fn encoding_named(f: &FieldDef, text: &str) -> Option<&'static Enc> {
    let t = norm(text);
    if t.is_empty() {
        return None;
    }
    let full = f.values.iter().find(|e| !e.name.is_empty() && norm(e.name) == t);
    full.or_else(|| {
        let short: Vec<&'static Enc> = f
            .values
            .iter()
            .filter(|e| e.name.split(" (").next().is_some_and(|s| !s.is_empty() && norm(s) == t))
            .collect();
        match short.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    })
}

fn parse_number(t: &str) -> Option<Result<u64, String>> {
    let s = t.replace('_', "");
    let (digits, radix) = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        (h, 16)
    } else if let Some(b) = s.strip_prefix("0b").or_else(|| s.strip_prefix("0B")) {
        (b, 2)
    } else {
        (s.as_str(), 10)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    Some(u64::from_str_radix(digits, radix).map_err(|e| e.to_string()))
}

/// The field value `text` stands for: a number (an address for an address field) or an
/// encoding name. Errors say what is accepted.
pub fn parse_value(f: &'static FieldDef, text: &str) -> Result<u64, EncodeError> {
    let t = text.trim();
    let names = accepted_names(f);
    let hint = if names.is_empty() {
        match f.fmt {
            Fmt::Flag => " (0 or 1)".to_string(),
            Fmt::Addr(_) => " (an address)".to_string(),
            _ => String::new(),
        }
    } else {
        format!(" or one of its encodings: {} (case-insensitive)", names.join(", "))
    };
    let bad = || EncodeError::BadValue { field: f.name, text: t.to_string(), names: hint.clone() };
    let n = match parse_number(t) {
        Some(Ok(n)) => n,
        Some(Err(_)) => return Err(bad()),
        None => return encoding_named(f, t).map(|e| e.value).ok_or_else(bad),
    };
    match f.fmt {
        Fmt::Addr(shift) => {
            let shift = shift as u32;
            let top = shift + f.width as u32 - 1;
            if shift > 0 && n & ((1u64 << shift) - 1) != 0 {
                return Err(EncodeError::Unaligned { field: f.name, addr: n, top, shift, low: shift - 1 });
            }
            let v = n >> shift;
            if v & !f.mask() != 0 {
                return Err(EncodeError::AddressTooWide { field: f.name, addr: n, top, shift });
            }
            Ok(v)
        }
        _ if n & !f.mask() != 0 => Err(EncodeError::TooWide { field: f.name, value: n, width: f.width, max: f.mask() }),
        _ => Ok(n),
    }
}

/// A field's value as an input box shows it: the address for an address field, hex
/// otherwise (decimal for plain numbers).
pub fn value_text(f: &FieldDef, value: u64) -> String {
    match f.fmt {
        Fmt::Addr(s) => format!("{:#x}", value.checked_shl(s as u32).unwrap_or(0)),
        Fmt::Num | Fmt::Flag => format!("{value}"),
        _ => format!("{value:#x}"),
    }
}

/// The value `delta` steps from `current`: the next (or previous) named encoding of an
/// enumerated field, the other state of a flag, a number plus or minus one (wrapping within
/// the field).
pub fn step_value(f: &FieldDef, current: u64, delta: i64) -> u64 {
    if f.fmt == Fmt::Enum && !f.values.is_empty() {
        let n = f.values.len() as i64;
        let i = f.values.iter().position(|e| e.value == current).map(|i| i as i64).unwrap_or(if delta > 0 {
            -1
        } else {
            0
        });
        let j = (i + delta).rem_euclid(n) as usize;
        return f.values.get(j).map(|e| e.value).unwrap_or(current);
    }
    let m = f.mask();
    (current as i128 + delta as i128).rem_euclid(m as i128 + 1) as u64
}

/// Whether the SMMU accepts what was encoded.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Verdict {
    /// STE/CD: no C_BAD_STE/C_BAD_CD rule broken; command: no CERROR_ILL reason; other
    /// kinds: no reserved encoding or RES0 bit set.
    pub valid: bool,
    /// What the SMMU would raise when it is not valid: `C_BAD_STE`, `C_BAD_CD`, `CERROR_ILL`.
    pub event: Option<&'static str>,
    /// Every reason, one line each (with its IHI 0070 section).
    pub reasons: Vec<String>,
    /// Checks that need an ID register the SMMU's registers did not include.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unchecked: Vec<String>,
    /// STE/CD: the legality as `smmu ste --json` / `smmu cd --json` report it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub structure: Option<legality::Legality>,
    /// STE: whether Linux accepts it from a guest as a vSTE (IOMMU_HWPT_DATA_ARM_SMMUV3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guest_vste: Option<legality::VsteVerdict>,
    /// Command: the CERROR_ILL reasons as `smmu cmd --json` lists them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<cmd::Problem>>,
    /// Command: what iommufd does with it from a guest (IOMMU_VIOMMU_INVALIDATE).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iommufd: Option<cmd::GuestVerdict>,
}

/// An encoding: the words, every field decoded back, and the verdict.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EncodeReport {
    /// `ste`, `cmd CMD_SYNC`, ...
    pub kind: String,
    pub layout: &'static str,
    pub section: &'static str,
    pub description: &'static str,
    /// The words, `0x` and 16 hex digits each, word 0 first.
    pub words: Vec<String>,
    /// The words as a C array initializer.
    pub c_initializer: String,
    pub fields: Vec<FieldRow>,
    /// Reserved encodings, non-zero RES0 bits, fields this SMMU lacks set non-zero.
    pub problems: Vec<String>,
    pub legality: Verdict,
    #[serde(skip)]
    pub raw: Vec<u64>,
}

impl EncodeReport {
    /// The words as the decoding commands take them: `0x4532200b 0xd6 0x0 ...`.
    pub fn words_arg(&self) -> String {
        self.raw.iter().map(|w| format!("{w:#x}")).collect::<Vec<_>>().join(" ")
    }
}

/// `{ 0x4532200bULL, 0xd6ULL, 0, ... }`.
pub fn c_initializer(words: &[u64]) -> String {
    let w: Vec<String> = words.iter().map(|w| if *w == 0 { "0".to_string() } else { format!("{w:#x}ULL") }).collect();
    format!("{{ {} }}", w.join(", "))
}

/// Encodes a `kind` from zero words (plus its identity) and `assignments` of
/// `(field name, value text)`. `regs`, when known, supplies the SMMU's registers: fields its
/// version or ID registers lack cannot be set, and the legality checks use them.
pub fn encode(
    kind: Kind,
    assignments: &[(&str, &str)],
    regs: Option<&RegisterSet>,
) -> Result<EncodeReport, EncodeError> {
    let base = kind.base_words()?;
    encode_onto(kind, &base, assignments, regs)
}

/// Like [`encode`], starting from `words` (an existing structure being edited).
pub fn encode_onto(
    kind: Kind,
    words: &[u64],
    assignments: &[(&str, &str)],
    regs: Option<&RegisterSet>,
) -> Result<EncodeReport, EncodeError> {
    let w = assign(kind, words, assignments, regs)?;
    Ok(report(kind, &w, regs))
}

/// Applies `assignments` to `words` (resized to the kind's size) and returns the new words.
pub fn assign(
    kind: Kind,
    words: &[u64],
    assignments: &[(&str, &str)],
    regs: Option<&RegisterSet>,
) -> Result<Vec<u64>, EncodeError> {
    let l = kind.layout();
    let mut w = words.to_vec();
    w.resize(l.words(), 0);
    let identity = kind.identity()?;
    if let Some((f, v)) = identity {
        f.set(&mut w, v)?;
    }
    let mut seen: Vec<&'static FieldDef> = Vec::new();
    for (name, text) in assignments {
        let f = l.field(name.trim()).ok_or_else(|| EncodeError::UnknownField {
            layout: l.name,
            field: name.to_string(),
            known: l.fields.iter().map(|f| f.name).collect::<Vec<_>>().join(", "),
        })?;
        if seen.iter().any(|s| std::ptr::eq(*s, f)) {
            return Err(EncodeError::Duplicate { field: f.name });
        }
        seen.push(f);
        let v = parse_value(f, text)?;
        if let Some((idf, idv)) = identity {
            if idf.same(f) && v != idv {
                return Err(EncodeError::Fixed { field: f.name, kind: kind.to_string(), value: idv });
            }
        }
        settable(f, v, regs)?;
        f.set(&mut w, v)?;
    }
    Ok(w)
}

/// Whether `f` may hold `value` on the SMMU whose registers are `regs`: a field its version
/// (SMMU_AIDR) or ID registers lack is RES0 there, so only 0 may be written to it.
pub fn settable(f: &FieldDef, value: u64, regs: Option<&RegisterSet>) -> Result<(), EncodeError> {
    if value != 0 {
        if let Some(r) = regs {
            if let FieldStatus::Absent { why } = f.status(r) {
                return Err(EncodeError::Absent { field: f.name, why });
            }
        }
    }
    Ok(())
}

/// Sets one field of `words` to `value` (a field value, not text), with the same checks as
/// [`assign`]. For frontends stepping through encodings.
pub fn set_value(
    kind: Kind,
    words: &[u64],
    f: &'static FieldDef,
    value: u64,
    regs: Option<&RegisterSet>,
) -> Result<Vec<u64>, EncodeError> {
    let text = format!("{:#x}", value.checked_shl(addr_shift(f)).unwrap_or(0));
    assign(kind, words, &[(f.name, &text)], regs)
}

fn addr_shift(f: &FieldDef) -> u32 {
    match f.fmt {
        Fmt::Addr(s) => s as u32,
        _ => 0,
    }
}

/// The report of `words` as they are: decode, problems and verdict.
pub fn report(kind: Kind, words: &[u64], regs: Option<&RegisterSet>) -> EncodeReport {
    let l = kind.layout();
    let mut w = words.to_vec();
    w.resize(l.words(), 0);
    let d = l.decode_with(&w, regs);
    let mut problems = d.problems();
    let mut fields = structs::rows(&d);
    let empty = RegisterSet::new();
    let r = regs.unwrap_or(&empty);
    let legality = match kind {
        Kind::Ste | Kind::Cd => {
            let s = if kind == Kind::Ste { structs::ste_report(&w, r) } else { structs::cd_report(&w, r, false) };
            // The structure report decodes with the SMMU's registers, knows which problems
            // do not matter (a disabled CD half) and which names fit this SMMU.
            problems = s.problems.clone();
            fields = s.fields.clone();
            let reasons = s.legality.rules.iter().map(|x| format!("{}: {} ({})", x.field, x.rule, x.section)).collect();
            Verdict {
                valid: s.legality.valid,
                event: s.legality.event,
                reasons,
                unchecked: s.legality.unchecked.clone(),
                structure: Some(s.legality),
                guest_vste: s.guest_vste,
                command: None,
                iommufd: None,
            }
        }
        Kind::Cmd { .. } => {
            let cw = [w.first().copied().unwrap_or(0), w.get(1).copied().unwrap_or(0)];
            let ctx = cmd::CheckContext { queue: cmd::QueueKind::NonSecure, regs };
            let info = cmd::decode_with(&cw, &ctx);
            let ill = info.problems.iter().any(|p| p.kind == "CERROR_ILL");
            Verdict {
                valid: !ill,
                event: if ill { Some("CERROR_ILL") } else { None },
                reasons: info.problems.iter().map(|p| format!("{}: {} ({})", p.kind, p.message, p.section)).collect(),
                unchecked: vec![],
                structure: None,
                guest_vste: None,
                command: Some(info.problems),
                iommufd: Some(info.iommufd),
            }
        }
        _ => {
            if let Kind::Event(_) = kind {
                for p in event::decode_words_with(&w, regs).problems {
                    if !problems.contains(&p) {
                        problems.push(p);
                    }
                }
            }
            Verdict {
                valid: problems.is_empty(),
                event: None,
                reasons: problems.clone(),
                unchecked: vec![],
                structure: None,
                guest_vste: None,
                command: None,
                iommufd: None,
            }
        }
    };
    EncodeReport {
        kind: kind.to_string(),
        layout: l.name,
        section: l.section,
        description: l.desc,
        words: w.iter().map(|x| format!("{x:#018x}")).collect(),
        c_initializer: c_initializer(&w),
        fields,
        problems,
        legality,
        raw: w,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Linux 7.3's stage 1 STE as read from QEMU guest RAM (tests/data/qemu-s1-4k,
    /// structures.streams[0].ste_raw): 0x4532200b 0xd6.
    #[test]
    fn linux_s1_ste() {
        let r = encode(
            Kind::Ste,
            &[
                ("V", "1"),
                ("Config", "S1 trans"),
                ("S1ContextPtr", "0x45322000"),
                ("S1DSS", "Substream0"),
                ("S1CIR", "WBRA"),
                ("S1COR", "WBRA"),
                ("S1CSH", "ISH"),
            ],
            None,
        )
        .unwrap();
        assert_eq!(&r.raw[..2], &[0x4532200b, 0xd6]);
        assert!(r.legality.valid, "{:?}", r.legality);
        assert!(r.legality.guest_vste.as_ref().is_some_and(|v| v.accepted));
    }

    #[test]
    fn names_and_errors() {
        let cfg = structs::STE.field("Config").unwrap();
        assert_eq!(parse_value(cfg, "s1+s2").unwrap(), 0b111);
        assert_eq!(parse_value(cfg, "0b101").unwrap(), 0b101);
        assert!(matches!(parse_value(cfg, "8"), Err(EncodeError::TooWide { .. })));
        let e = parse_value(cfg, "S3").unwrap_err().to_string();
        assert!(e.contains("Config") && e.contains("Bypass"), "{e}");
        let p = structs::STE.field("S1ContextPtr").unwrap();
        assert!(matches!(parse_value(p, "0x45322001"), Err(EncodeError::Unaligned { .. })));
        assert!(matches!("nope".parse::<Kind>(), Err(EncodeError::UnknownKind(_))));
        assert_eq!("cmd CMD_SYNC".parse::<Kind>().unwrap().name(), "CMD_SYNC");
        assert_eq!("F_TRANSLATION".parse::<Kind>().unwrap().category(), "event");
    }

    /// A field introduced after the SMMU's version (SMMU_AIDR) cannot be set to non-zero.
    #[test]
    fn fields_the_version_lacks_are_refused() {
        use crate::model::{num, V3_3};
        static LATER: FieldDef = num("LATER", 0, 4, "a field of SMMUv3.3", "x").since(V3_3);
        let mut regs = RegisterSet::new();
        // AIDR = 0x1: ArchMajorRev 0, ArchMinorRev 1, SMMUv3.1 (IHI 0070 6.3.7).
        regs.insert_named("AIDR", 0x1, Default::default());
        let e = settable(&LATER, 1, Some(&regs)).unwrap_err().to_string();
        assert!(e.contains("LATER") && e.contains("SMMUv3.3"), "{e}");
        assert!(settable(&LATER, 0, Some(&regs)).is_ok());
        assert!(settable(&LATER, 1, None).is_ok());
    }

    #[test]
    fn steps_cycle_encodings() {
        let dss = structs::STE.field("S1DSS").unwrap();
        assert_eq!(step_value(dss, 2, 1), 0);
        assert_eq!(step_value(dss, 0, -1), 2);
        let v = structs::STE.field("V").unwrap();
        assert_eq!(step_value(v, 1, 1), 0);
    }
}
