//! The declarative field model: every register, structure, command and record of the
//! SMMUv3 architecture is a [`Layout`] of [`FieldDef`]s. Decode, encode, explanation,
//! verdicts and every frontend derive from these tables; nothing else restates a bit
//! position.
//!
//! A layout spans one or more little-endian 64-bit words (a 32-bit register is one word
//! whose upper half is RES0; an STE is eight words). Bit positions are absolute within
//! the layout: STE bit 196 is bit 4 of word 3.

use serde::Serialize;

/// One named encoding of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Enc {
    pub value: u64,
    /// Short name, as the spec spells it where it has one (for example `"Linear"`).
    pub name: &'static str,
    /// What the encoding means, in one line.
    pub meaning: &'static str,
}

/// How a field's value is presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fmt {
    /// A single bit: 1 = the described feature/condition is present.
    Flag,
    /// An enumerated field: values not listed in `values` are reserved encodings.
    Enum,
    /// A plain number (a size, a count, an identifier).
    Num,
    /// An address: the field holds address bits `[lsb+width-1 : shift]`, so the address is
    /// `value << shift`.
    Addr(u8),
    /// An opaque value shown in hex (implementation defined, a raw attribute, ...).
    Hex,
}

/// One field of a layout.
#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    /// Spec name, exactly as the spec spells it (`ST_LEVEL`, `Hyp`, `GRAN4K`).
    pub name: &'static str,
    pub lsb: u16,
    pub width: u8,
    pub fmt: Fmt,
    /// Named encodings. For `Fmt::Enum` this is the complete list of architected values.
    pub values: &'static [Enc],
    /// One-line description.
    pub desc: &'static str,
    /// Where in IHI 0070 the field is defined (for example `"6.3.1"`).
    pub section: &'static str,
    /// The architecture version that introduced the field.
    pub since: Version,
    /// The ID-register feature without which the field does not exist (RES0).
    pub gate: Option<Gate>,
    /// Other spec names of the same bits (another version's name for them).
    pub aliases: &'static [Alias],
    /// The name of the layout the field belongs to (set by [`crate::layout!`]; empty for
    /// a field built outside a layout).
    pub layout: &'static str,
}

/// An SMMUv3 architecture version (SMMU_AIDR.ArchMajorRev/ArchMinorRev).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u8,
    pub minor: u8,
}

pub const V3_0: Version = Version { major: 3, minor: 0 };
pub const V3_1: Version = Version { major: 3, minor: 1 };
pub const V3_2: Version = Version { major: 3, minor: 2 };
pub const V3_3: Version = Version { major: 3, minor: 3 };
pub const V3_4: Version = Version { major: 3, minor: 4 };
pub const V3_5: Version = Version { major: 3, minor: 5 };

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SMMUv{}.{}", self.major, self.minor)
    }
}

impl Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{}.{}", self.major, self.minor))
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Version {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Version".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]+\\.[0-9]+$",
            "description": "An SMMU architecture version, MAJOR.MINOR (\"3.2\" is SMMUv3.2)."
        })
    }
}

/// An ID-register field that must be at least `min` for a field to exist.
#[derive(Debug, Clone, Copy)]
pub struct Gate {
    pub field: &'static FieldDef,
    pub min: u64,
}

impl Gate {
    /// `IDR3.MPAM`.
    pub fn label(&self) -> String {
        format!("{}.{}", self.field.layout, self.field.name)
    }
}

/// Another spec name for a field's bits, used from `since` on (or, with the same `since` as
/// the field, the name used where the feature in `note` is implemented).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alias {
    pub name: &'static str,
    pub since: Version,
    pub note: &'static str,
}

/// Whether a field exists on a given SMMU.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum FieldStatus {
    /// Implemented (or nothing is known that says otherwise).
    Present,
    /// The SMMU's version or ID registers say the field does not exist: its bits are RES0.
    Absent { why: String },
}

impl FieldDef {
    /// The base of every constructor.
    pub const fn new(
        name: &'static str,
        lsb: u16,
        width: u8,
        fmt: Fmt,
        values: &'static [Enc],
        desc: &'static str,
        section: &'static str,
    ) -> FieldDef {
        FieldDef { name, lsb, width, fmt, values, desc, section, since: V3_0, gate: None, aliases: &[], layout: "" }
    }
    /// The version that introduced the field.
    pub const fn since(mut self, v: Version) -> FieldDef {
        self.since = v;
        self
    }
    /// The ID-register field that must be `>= min` for this field to exist.
    pub const fn gated(mut self, field: &'static FieldDef, min: u64) -> FieldDef {
        self.gate = Some(Gate { field, min });
        self
    }
    pub const fn aliases(mut self, a: &'static [Alias]) -> FieldDef {
        self.aliases = a;
        self
    }
    pub const fn with_values(mut self, v: &'static [Enc]) -> FieldDef {
        self.values = v;
        self
    }
    /// The same field in another register that mirrors it (an ACK or ...N register), defined
    /// in another section.
    pub const fn in_section(mut self, section: &'static str) -> FieldDef {
        self.section = section;
        self
    }
    /// The same field: same bits and name (a handle and the copy in its layout's list are
    /// equal but need not be at the same address).
    pub fn same(&self, o: &FieldDef) -> bool {
        self.lsb == o.lsb && self.width == o.width && self.name == o.name
    }
    /// Used by [`crate::layout!`].
    pub const fn in_layout(mut self, layout: &'static str) -> FieldDef {
        self.layout = layout;
        self
    }
    /// `[msb:lsb]`, or `[bit]` for one bit.
    pub fn bits(&self) -> String {
        if self.width == 1 {
            format!("[{}]", self.lsb)
        } else {
            format!("[{}:{}]", self.msb(), self.lsb)
        }
    }
    /// An address field's value as an address (`value << shift`); other fields' values as
    /// they are.
    pub fn address(&self, words: &[u64]) -> u64 {
        let v = self.get(words);
        match self.fmt {
            Fmt::Addr(s) => v.checked_shl(s as u32).unwrap_or(0),
            _ => v,
        }
    }
    /// The inverse of [`FieldDef::address`]: the field value holding address `a`. Errors
    /// when `a` has bits below the field's shift or above its top.
    pub fn set_address(&self, words: &mut [u64], a: u64) -> Result<(), EncodeError> {
        let shift = match self.fmt {
            Fmt::Addr(s) => s as u32,
            _ => 0,
        };
        if shift > 0 && a & ((1u64 << shift) - 1) != 0 {
            return Err(EncodeError::Unaligned { field: self.name, value: a, align: 1u64 << shift });
        }
        self.set(words, a >> shift)
    }
    /// The name this field has on an SMMU of version `v` (an alias whose version applies,
    /// else the field's own name).
    pub fn name_for(&self, v: Option<Version>) -> &'static str {
        match v {
            Some(v) => self
                .aliases
                .iter()
                .filter(|a| a.since > self.since && a.since <= v)
                .max_by_key(|a| a.since)
                .map(|a| a.name)
                .unwrap_or(self.name),
            None => self.name,
        }
    }
    /// True for `name` being the field's name or one of its aliases (case-insensitive).
    pub fn is_named(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name) || self.aliases.iter().any(|a| a.name.eq_ignore_ascii_case(name))
    }
    /// Whether this field exists on the SMMU whose registers are `regs`. Unknown registers
    /// say nothing: the field is then taken as present.
    pub fn status(&self, regs: &crate::regset::RegisterSet) -> FieldStatus {
        let version = regs.version();
        let mut lacks = Vec::new();
        // IHI 0070 2.9: an SMMUv3.x may implement features of SMMUv3.(x+1). So where an
        // ID-register feature gates the field, that decides; only an ungated field, or one
        // whose gate register is not known, is judged by AIDR, and then only when the field is
        // more than one minor version newer than the SMMU.
        let gate_known = self.gate.and_then(|g| regs.read(g.field).map(|have| (g, have)));
        match gate_known {
            Some((g, have)) => {
                if have < g.min {
                    lacks.push(format!("{} {}", g.label(), have));
                }
            }
            None => {
                if let Some(v) = version {
                    if v.major == self.since.major && v.minor.saturating_add(1) < self.since.minor {
                        lacks.push(format!("AIDR {}.{}", v.major, v.minor));
                    }
                }
            }
        }
        if lacks.is_empty() {
            return FieldStatus::Present;
        }
        let what = match self.gate {
            Some(g) => format!("{} field ({})", self.since, g.label()),
            None => format!("{} field", self.since),
        };
        let mut have = Vec::new();
        if let Some(v) = version {
            have.push(format!("AIDR {}.{}", v.major, v.minor));
        }
        if let Some(g) = self.gate {
            if let Some(x) = regs.read(g.field) {
                have.push(format!("{} {}", g.label(), x));
            }
        }
        FieldStatus::Absent { why: format!("{what}; this SMMU ({}) treats it as RES0", have.join(", ")) }
    }

    pub const fn mask(&self) -> u64 {
        if self.width >= 64 {
            u64::MAX
        } else {
            (1u64 << self.width) - 1
        }
    }
    pub const fn msb(&self) -> u16 {
        self.lsb + self.width as u16 - 1
    }
    /// Extracts this field from a layout's words; missing words read as zero.
    pub fn get(&self, words: &[u64]) -> u64 {
        get_bits(words, self.lsb, self.width)
    }
    /// Inserts `value` into the words. Errors when it does not fit the field.
    pub fn set(&self, words: &mut [u64], value: u64) -> Result<(), EncodeError> {
        if value & !self.mask() != 0 {
            return Err(EncodeError::TooWide { field: self.name, value, width: self.width });
        }
        if (self.msb() as usize) >= words.len() * 64 {
            return Err(EncodeError::OutOfRange { field: self.name });
        }
        set_bits(words, self.lsb, self.width, value);
        Ok(())
    }
    pub fn encoding(&self, value: u64) -> Option<&'static Enc> {
        self.values.iter().find(|e| e.value == value)
    }
    /// True when the value is a reserved encoding of an enumerated field.
    pub fn is_reserved(&self, value: u64) -> bool {
        self.fmt == Fmt::Enum && self.encoding(value).is_none()
    }
    /// The meaning of `value` in one line, derived from the definition.
    pub fn meaning(&self, value: u64) -> String {
        if let Some(e) = self.encoding(value) {
            return if e.name.is_empty() { e.meaning.to_string() } else { format!("{}: {}", e.name, e.meaning) };
        }
        match self.fmt {
            Fmt::Flag => {
                if value != 0 {
                    format!("yes: {}", self.desc)
                } else {
                    // The description says what 1 means; negating it word by word reads badly
                    // ("not stage 2 faults stall"), so 0 names it as the unset case.
                    format!("no (when 1: {})", self.desc)
                }
            }
            Fmt::Enum => format!("reserved encoding {value:#x}"),
            Fmt::Num => format!("{value}"),
            Fmt::Addr(shift) => format!("address {:#x}", value.checked_shl(shift as u32).unwrap_or(0)),
            Fmt::Hex => format!("{value:#x}"),
        }
    }
}

/// Reads `width` bits at absolute bit `lsb` from little-endian 64-bit words.
pub fn get_bits(words: &[u64], lsb: u16, width: u8) -> u64 {
    let mut out = 0u64;
    for i in 0..width as u32 {
        let bit = lsb as u32 + i;
        let w = (bit / 64) as usize;
        if let Some(word) = words.get(w) {
            out |= ((word >> (bit % 64)) & 1) << i;
        }
    }
    out
}

/// Writes `width` bits at absolute bit `lsb`; bits beyond the words are ignored.
pub fn set_bits(words: &mut [u64], lsb: u16, width: u8, value: u64) {
    for i in 0..width as u32 {
        let bit = lsb as u32 + i;
        let w = (bit / 64) as usize;
        if let Some(word) = words.get_mut(w) {
            let m = 1u64 << (bit % 64);
            if (value >> i) & 1 != 0 {
                *word |= m;
            } else {
                *word &= !m;
            }
        }
    }
}

/// A register, structure, command or record: a named list of fields over `bits` bits.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub name: &'static str,
    /// Total size in bits (32 for a 32-bit register, 512 for an STE).
    pub bits: u16,
    pub desc: &'static str,
    pub section: &'static str,
    pub fields: &'static [FieldDef],
}

impl Layout {
    pub fn words(&self) -> usize {
        (self.bits as usize).div_ceil(64)
    }
    /// Looks a field up by its spec name (case-insensitive).
    pub fn field(&self, name: &str) -> Option<&'static FieldDef> {
        self.fields.iter().find(|f| f.is_named(name))
    }
    /// Bits not covered by any field (RES0 unless stated otherwise), per word.
    pub fn res0_mask(&self) -> Vec<u64> {
        let mut m = vec![0u64; self.words()];
        for f in self.fields {
            set_bits(&mut m, f.lsb, f.width, f.mask());
        }
        for (i, w) in m.iter_mut().enumerate() {
            *w = !*w;
            let top = (self.bits as usize).saturating_sub(i * 64);
            if top < 64 {
                *w &= (1u64 << top) - 1;
            }
        }
        m
    }
    /// Decodes the words into a field tree, knowing nothing of the SMMU.
    pub fn decode(&self, words: &[u64]) -> Decoded {
        self.decode_with(words, None)
    }
    /// Decodes the words into a field tree. Where the SMMU's registers are known, each
    /// field it lacks (by version or ID-register feature) carries that status, and is a
    /// problem when its value is non-zero; names follow the SMMU's version.
    pub fn decode_with(&self, words: &[u64], regs: Option<&crate::regset::RegisterSet>) -> Decoded {
        let version = regs.and_then(|r| r.version());
        let fields = self
            .fields
            .iter()
            .map(|f| {
                let value = f.get(words);
                let status = regs.map(|r| f.status(r)).unwrap_or(FieldStatus::Present);
                let mut flags = Vec::new();
                let name = f.name_for(version);
                if let FieldStatus::Absent { why } = &status {
                    if value != 0 {
                        flags.push(format!("{name} = {value:#x}: {why}"));
                    }
                } else if f.is_reserved(value) {
                    flags.push(format!("reserved encoding {value:#x} of {name}"));
                }
                FieldInfo {
                    def: f,
                    name,
                    lsb: f.lsb,
                    width: f.width,
                    value,
                    meaning: f.meaning(value),
                    desc: f.desc,
                    section: f.section,
                    since: f.since,
                    gate: f.gate.map(|g| g.label()),
                    aliases: f
                        .aliases
                        .iter()
                        .map(|a| a.name)
                        .chain(std::iter::once(f.name))
                        .filter(|n| *n != name)
                        .collect(),
                    status,
                    flags,
                }
            })
            .collect();
        let mut res0 = Vec::new();
        for (i, m) in self.res0_mask().iter().enumerate() {
            let w = words.get(i).copied().unwrap_or(0);
            let bad = w & m;
            if bad != 0 {
                res0.push(Res0Violation { word: i, bits: bad });
            }
        }
        let extra_words = words.len().saturating_sub(self.words());
        Decoded { layout: self.name, section: self.section, fields, res0, extra_words }
    }
    /// Encodes named field values into words (fields not named are zero).
    pub fn encode(&self, values: &[(&str, u64)]) -> Result<Vec<u64>, EncodeError> {
        let mut words = vec![0u64; self.words()];
        for (name, v) in values {
            let f = self
                .field(name)
                .ok_or_else(|| EncodeError::UnknownField { layout: self.name, field: name.to_string() })?;
            f.set(&mut words, *v)?;
        }
        Ok(words)
    }
    /// Re-encodes a decode: the inverse of [`Layout::decode`] for bits covered by fields.
    pub fn encode_decoded(&self, d: &Decoded) -> Result<Vec<u64>, EncodeError> {
        let pairs: Vec<(&str, u64)> = d.fields.iter().map(|f| (f.name, f.value)).collect();
        self.encode(&pairs)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("field {field}: value {value:#x} does not fit in {width} bits")]
    TooWide { field: &'static str, value: u64, width: u8 },
    #[error("field {field} lies outside the structure")]
    OutOfRange { field: &'static str },
    #[error("field {field}: address {value:#x} is not aligned to {align:#x}")]
    Unaligned { field: &'static str, value: u64, align: u64 },
    #[error("{layout} has no field named {field}")]
    UnknownField { layout: &'static str, field: String },
}

/// One decoded field: what every frontend renders. It carries its definition, so a
/// renderer never looks a field up again.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FieldInfo {
    #[serde(skip)]
    pub def: &'static FieldDef,
    /// The name that fits the SMMU's version (see [`FieldDef::name_for`]).
    pub name: &'static str,
    pub lsb: u16,
    pub width: u8,
    pub value: u64,
    pub meaning: String,
    #[serde(rename = "description")]
    pub desc: &'static str,
    pub section: &'static str,
    /// The architecture version that introduced the field.
    pub since: Version,
    /// The ID-register feature that gates it (`IDR3.MPAM`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gate: Option<String>,
    /// The field's other spec names.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<&'static str>,
    /// Whether this SMMU has the field (only when its registers are known).
    #[serde(skip_serializing_if = "FieldStatus::is_present")]
    pub status: FieldStatus,
    /// Problems with this field's value (reserved encoding, ...). Empty when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
}

impl PartialEq for FieldInfo {
    fn eq(&self, o: &Self) -> bool {
        std::ptr::eq(self.def, o.def)
            || (self.def.layout == o.def.layout && self.def.lsb == o.def.lsb && self.def.name == o.def.name)
                && self.value == o.value
                && self.status == o.status
                && self.flags == o.flags
    }
}
impl Eq for FieldInfo {}

impl FieldStatus {
    pub fn is_present(&self) -> bool {
        matches!(self, FieldStatus::Present)
    }
}

/// Non-zero bits where the layout defines no field.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Res0Violation {
    pub word: usize,
    #[serde(serialize_with = "ser_hex")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub bits: u64,
}

/// A decoded layout.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Decoded {
    pub layout: &'static str,
    pub section: &'static str,
    pub fields: Vec<FieldInfo>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub res0: Vec<Res0Violation>,
    #[serde(skip_serializing_if = "is_zero")]
    pub extra_words: usize,
}

impl Decoded {
    /// The decode of field `f` (a typed handle of this layout).
    pub fn get(&self, f: &FieldDef) -> Option<&FieldInfo> {
        self.fields.iter().find(|x| x.def.lsb == f.lsb && x.def.width == f.width && x.def.name == f.name)
    }
    /// Looks a decoded field up by a name a user typed (aliases included).
    pub fn field(&self, name: &str) -> Option<&FieldInfo> {
        self.fields.iter().find(|f| f.def.is_named(name))
    }
    pub fn value(&self, name: &str) -> Option<u64> {
        self.field(name).map(|f| f.value)
    }
    /// Every problem found: reserved encodings and non-zero RES0 bits.
    pub fn problems(&self) -> Vec<String> {
        let mut v: Vec<String> = self.fields.iter().flat_map(|f| f.flags.iter().cloned()).collect();
        for r in &self.res0 {
            v.push(format!("RES0 bits set in word {}: {:#x}", r.word, r.bits));
        }
        v
    }
}

fn is_zero(v: &usize) -> bool {
    *v == 0
}

pub fn ser_hex<S: serde::Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{v:#x}"))
}

/// Declares one layout and a typed handle (a `pub const` [`FieldDef`]) for each of its
/// fields, in the current module: one layout per module.
///
/// ```ignore
/// crate::layout! {
///     /// Level 1 CD table descriptor (IHI 0070 5.3).
///     LAYOUT: "L1CD", bits 64, "5.3", "Level 1 CD table descriptor";
///     V = flag("V", 0, "L1CD valid", "5.3");
/// }
/// ```
///
/// The handle's identifier must be the field's spec name; a generated test checks it.
#[macro_export]
macro_rules! layout {
    (
        $(#[$meta:meta])*
        $lay:ident: $name:literal, bits $bits:literal, $section:literal, $desc:literal;
        $( $(#[$fmeta:meta])* $id:ident = $def:expr; )*
    ) => {
        $(
            $(#[$fmeta])*
            #[allow(non_upper_case_globals)]
            pub const $id: $crate::model::FieldDef = ($def).in_layout($name);
        )*
        $(#[$meta])*
        pub static $lay: $crate::model::Layout = $crate::model::Layout {
            name: $name,
            bits: $bits,
            desc: $desc,
            section: $section,
            fields: &[$($id),*],
        };
        #[cfg(test)]
        #[test]
        fn layout_handles_are_spec_names() {
            let idents: &[&str] = &[$(stringify!($id)),*];
            for (i, f) in $lay.fields.iter().enumerate() {
                assert_eq!(idents[i], f.name, "{}: handle {} names field {}", $name, idents[i], f.name);
            }
        }
    };
}

/// Shorthand constructors so tables stay one line per field. `addr` fields hold address bits
/// from their bit position within their 64-bit word upwards (STE.S2TTB at STE bits [243:196]
/// holds address bits [51:4]).
pub const fn flag(name: &'static str, bit: u16, desc: &'static str, section: &'static str) -> FieldDef {
    FieldDef::new(name, bit, 1, Fmt::Flag, &[], desc, section)
}
pub const fn num(name: &'static str, lsb: u16, width: u8, desc: &'static str, section: &'static str) -> FieldDef {
    FieldDef::new(name, lsb, width, Fmt::Num, &[], desc, section)
}
pub const fn hex(name: &'static str, lsb: u16, width: u8, desc: &'static str, section: &'static str) -> FieldDef {
    FieldDef::new(name, lsb, width, Fmt::Hex, &[], desc, section)
}
pub const fn addr(name: &'static str, lsb: u16, width: u8, desc: &'static str, section: &'static str) -> FieldDef {
    FieldDef::new(name, lsb, width, Fmt::Addr((lsb % 64) as u8), &[], desc, section)
}
pub const fn en(
    name: &'static str,
    lsb: u16,
    width: u8,
    values: &'static [Enc],
    desc: &'static str,
    section: &'static str,
) -> FieldDef {
    FieldDef::new(name, lsb, width, Fmt::Enum, values, desc, section)
}
/// A numeric field with some named values (other values are legal numbers, not reserved).
pub const fn numv(
    name: &'static str,
    lsb: u16,
    width: u8,
    values: &'static [Enc],
    desc: &'static str,
    section: &'static str,
) -> FieldDef {
    FieldDef::new(name, lsb, width, Fmt::Num, values, desc, section)
}
/// A hex-shown field with some named values (other values are legal, not reserved), for
/// example a JEP106 implementer code.
pub const fn hexv(
    name: &'static str,
    lsb: u16,
    width: u8,
    values: &'static [Enc],
    desc: &'static str,
    section: &'static str,
) -> FieldDef {
    FieldDef::new(name, lsb, width, Fmt::Hex, values, desc, section)
}
pub const fn e(value: u64, name: &'static str, meaning: &'static str) -> Enc {
    Enc { value, name, meaning }
}

#[cfg(test)]
mod tests {
    use super::*;
    static F: &[FieldDef] = &[flag("A", 0, "Thing A supported", "x"), num("B", 60, 8, "Across words", "x")];
    static L: Layout = Layout { name: "T", bits: 128, desc: "", section: "x", fields: F };

    #[test]
    fn bits_cross_words() {
        let w = L.encode(&[("B", 0xab), ("A", 1)]).unwrap();
        assert_eq!(w, vec![0xb000_0000_0000_0001, 0xa]);
        let d = L.decode(&w);
        assert_eq!(d.value("B"), Some(0xab));
        assert!(d.res0.is_empty());
        let d2 = L.decode(&[0x2, 0]);
        assert_eq!(d2.res0, vec![Res0Violation { word: 0, bits: 2 }]);
    }
}
