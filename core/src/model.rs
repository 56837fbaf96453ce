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
}

impl FieldDef {
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
            return if e.name.is_empty() {
                e.meaning.to_string()
            } else {
                format!("{}: {}", e.name, e.meaning)
            };
        }
        match self.fmt {
            Fmt::Flag => {
                if value != 0 {
                    format!("yes: {}", self.desc)
                } else {
                    format!("no: not {}", lower_first(self.desc))
                }
            }
            Fmt::Enum => format!("reserved encoding {value:#x}"),
            Fmt::Num => format!("{value}"),
            Fmt::Addr(shift) => format!("address {:#x}", value.checked_shl(shift as u32).unwrap_or(0)),
            Fmt::Hex => format!("{value:#x}"),
        }
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
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
        self.fields.iter().find(|f| f.name.eq_ignore_ascii_case(name))
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
    /// Decodes the words into a field tree.
    pub fn decode(&self, words: &[u64]) -> Decoded {
        let fields = self
            .fields
            .iter()
            .map(|f| {
                let value = f.get(words);
                let mut flags = Vec::new();
                if f.is_reserved(value) {
                    flags.push(format!("reserved encoding {value:#x} of {}", f.name));
                }
                FieldInfo {
                    name: f.name,
                    lsb: f.lsb,
                    width: f.width,
                    value,
                    meaning: f.meaning(value),
                    desc: f.desc,
                    section: f.section,
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
            let f = self.field(name).ok_or_else(|| EncodeError::UnknownField {
                layout: self.name,
                field: name.to_string(),
            })?;
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
    #[error("{layout} has no field named {field}")]
    UnknownField { layout: &'static str, field: String },
}

/// One decoded field: what every frontend renders.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldInfo {
    pub name: &'static str,
    pub lsb: u16,
    pub width: u8,
    pub value: u64,
    pub meaning: String,
    #[serde(rename = "description")]
    pub desc: &'static str,
    pub section: &'static str,
    /// Problems with this field's value (reserved encoding, ...). Empty when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
}

/// Non-zero bits where the layout defines no field.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Res0Violation {
    pub word: usize,
    #[serde(serialize_with = "ser_hex")]
    pub bits: u64,
}

/// A decoded layout.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
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
    pub fn field(&self, name: &str) -> Option<&FieldInfo> {
        self.fields.iter().find(|f| f.name.eq_ignore_ascii_case(name))
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

/// Shorthand constructors so tables stay one line per field. `addr` fields hold address bits
/// from their bit position within their 64-bit word upwards (STE.S2TTB at STE bits [243:196]
/// holds address bits [51:4]).
pub const fn flag(name: &'static str, bit: u16, desc: &'static str, section: &'static str) -> FieldDef {
    FieldDef { name, lsb: bit, width: 1, fmt: Fmt::Flag, values: &[], desc, section }
}
pub const fn num(name: &'static str, lsb: u16, width: u8, desc: &'static str, section: &'static str) -> FieldDef {
    FieldDef { name, lsb, width, fmt: Fmt::Num, values: &[], desc, section }
}
pub const fn hex(name: &'static str, lsb: u16, width: u8, desc: &'static str, section: &'static str) -> FieldDef {
    FieldDef { name, lsb, width, fmt: Fmt::Hex, values: &[], desc, section }
}
pub const fn addr(name: &'static str, lsb: u16, width: u8, desc: &'static str, section: &'static str) -> FieldDef {
    FieldDef { name, lsb, width, fmt: Fmt::Addr((lsb % 64) as u8), values: &[], desc, section }
}
pub const fn en(
    name: &'static str,
    lsb: u16,
    width: u8,
    values: &'static [Enc],
    desc: &'static str,
    section: &'static str,
) -> FieldDef {
    FieldDef { name, lsb, width, fmt: Fmt::Enum, values, desc, section }
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
    FieldDef { name, lsb, width, fmt: Fmt::Num, values, desc, section }
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
    FieldDef { name, lsb, width, fmt: Fmt::Hex, values, desc, section }
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
