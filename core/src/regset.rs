//! A set of register values (any subset), as parsed from a dump or read from a host,
//! with where each value came from.

use crate::model::{Decoded, Layout};
use crate::regs::{self, RegDef};
use serde::Serialize;
use std::collections::BTreeMap;

/// Where a value came from, so errors and conflicts can point at it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Origin {
    /// 1-based line in the input, when the input is text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Free-form description (file name, "devmem", "iommufd", ...).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RegValue {
    pub value: u64,
    pub origin: Origin,
}

/// Register values keyed by canonical register name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegisterSet {
    values: BTreeMap<&'static str, RegValue>,
}

impl RegisterSet {
    pub fn new() -> Self {
        Self::default()
    }
    /// Inserts or replaces a value. Returns the previous value, if any.
    pub fn insert(&mut self, reg: &'static RegDef, value: u64, origin: Origin) -> Option<RegValue> {
        self.values.insert(reg.name, RegValue { value, origin })
    }
    /// Inserts by register name; `None` when the name is not a known register.
    pub fn insert_named(&mut self, name: &str, value: u64, origin: Origin) -> Option<&'static RegDef> {
        let r = regs::by_name(name)?;
        self.insert(r, value, origin);
        Some(r)
    }
    pub fn get(&self, name: &str) -> Option<u64> {
        let r = regs::by_name(name)?;
        self.values.get(r.name).map(|v| v.value)
    }
    pub fn get_entry(&self, name: &str) -> Option<&RegValue> {
        let r = regs::by_name(name)?;
        self.values.get(r.name)
    }
    /// A field's value by names a user typed (`"IDR0"`, `"BTM"`; aliases accepted). `None`
    /// if the register is absent or has no such field. Code reads through typed handles
    /// with [`RegisterSet::read`] instead.
    pub fn field(&self, reg: &str, field: &str) -> Option<u64> {
        let r = regs::by_name(reg)?;
        let v = self.values.get(r.name)?.value;
        r.layout_for(v).field(field).map(|f| f.get(&[v]))
    }
    /// Reads field `f` (a typed handle of a register layout) of the register it belongs to.
    /// `None` when that register is not in the set. For a register with more than one
    /// layout (SMMU_GATOS_PAR), a field of a layout other than the one the value selects
    /// reads as `None`.
    pub fn read(&self, f: &crate::model::FieldDef) -> Option<u64> {
        let r = regs::by_name(f.layout)?;
        let v = self.values.get(r.name)?.value;
        let layout = r.layout_for(v);
        if !layout.fields.iter().any(|x| x.lsb == f.lsb && x.width == f.width && x.name == f.name) {
            return None;
        }
        Some(f.get(&[v]))
    }
    /// The value of an address field `f` as an address ([`crate::model::FieldDef::address`]);
    /// `None` as for [`RegisterSet::read`].
    pub fn address(&self, f: &crate::model::FieldDef) -> Option<u64> {
        self.read(f)?;
        let r = regs::by_name(f.layout)?;
        let v = self.values.get(r.name)?.value;
        Some(f.address(&[v]))
    }
    /// The raw value of the register whose layout is `l` (`regs::idr::idr0::LAYOUT`);
    /// `None` when it is not in the set.
    pub fn value(&self, l: &crate::model::Layout) -> Option<u64> {
        let r = regs::by_name(l.name)?;
        self.values.get(r.name).map(|v| v.value)
    }
    /// Writes field `f` of its register (a register not in the set starts from 0), keeping
    /// the other bits; the register's origin becomes `origin`. Errors when `value` does not
    /// fit the field, or when `f` is not a field of a table register.
    pub fn write(
        &mut self,
        f: &crate::model::FieldDef,
        value: u64,
        origin: Origin,
    ) -> Result<(), crate::model::EncodeError> {
        let r = regs::by_name(f.layout).ok_or(crate::model::EncodeError::OutOfRange { field: f.name })?;
        let mut w = [self.values.get(r.name).map(|v| v.value).unwrap_or(0)];
        f.set(&mut w, value)?;
        self.insert(r, w[0], origin);
        Ok(())
    }
    /// The SMMU's architecture version from SMMU_AIDR, when known.
    pub fn version(&self) -> Option<crate::model::Version> {
        use regs::idr::aidr;
        let major = self.read(&aidr::ArchMajorRev)?;
        let minor = self.read(&aidr::ArchMinorRev)?;
        Some(crate::model::Version { major: (major as u8).saturating_add(3), minor: minor as u8 })
    }
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
    pub fn len(&self) -> usize {
        self.values.len()
    }
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
    /// Registers in offset order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static RegDef, &RegValue)> + '_ {
        let mut v: Vec<_> = self.values.iter().filter_map(|(n, val)| regs::by_name(n).map(|r| (r, val))).collect();
        v.sort_by_key(|(r, _)| r.offset);
        v.into_iter()
    }
    /// Decodes every register present, in offset order.
    pub fn decode(&self) -> Vec<RegisterInfo> {
        self.iter().map(|(r, v)| RegisterInfo::new(r, v.value)).collect()
    }
    /// `{"IDR0": "0x0d44101a", ...}`, the form snapshots store.
    pub fn to_hex_map(&self) -> BTreeMap<String, String> {
        self.iter().map(|(r, v)| (r.name.to_string(), hex_value(r, v.value))).collect()
    }
}

/// SMMU_STRTAB_BASE_CFG.SPLIT is IGNORED when FMT is linear (IHI 0070 6.3.25), so any value,
/// 0 included, is no reserved encoding there: its meaning says so and it is not a problem.
fn linear_split_ignored(d: &mut Decoded) {
    use crate::regs::queues::strtab_base_cfg::{FMT, SPLIT};
    let linear = d.fields.iter().any(|f| f.def.same(&FMT) && f.value == 0);
    if !linear {
        return;
    }
    for f in d.fields.iter_mut().filter(|f| f.def.same(&SPLIT)) {
        if f.def.encoding(f.value).is_none() {
            f.flags.clear();
            f.meaning = format!("{:#x}, IGNORED: FMT is linear, SPLIT applies only to a 2-level table", f.value);
        }
    }
}

/// Formats a register value as `0x` plus 8 or 16 hex digits by its width.
pub fn hex_value(r: &RegDef, v: u64) -> String {
    if r.width == 64 {
        format!("{v:#018x}")
    } else {
        format!("{v:#010x}")
    }
}

/// One decoded register: the JSON shape `smmu decode --json` prints. It carries the
/// register's definition and the layout its value selected (SMMU_GATOS_PAR has two), and
/// each field carries its [`crate::model::FieldDef`], so a frontend never looks a field up
/// again by name.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RegisterInfo {
    pub name: &'static str,
    pub offset: String,
    pub value: String,
    pub width: u8,
    pub description: &'static str,
    pub section: &'static str,
    pub fields: Vec<crate::model::FieldInfo>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
    /// The register.
    #[serde(skip)]
    pub reg: &'static RegDef,
    /// The layout the value selected ([`RegDef::layout_for`]).
    #[serde(skip)]
    pub layout: &'static Layout,
}

impl PartialEq for RegisterInfo {
    fn eq(&self, o: &Self) -> bool {
        self.name == o.name
            && self.value == o.value
            && self.layout.name == o.layout.name
            && self.layout.desc == o.layout.desc
            && self.fields == o.fields
            && self.problems == o.problems
    }
}
impl Eq for RegisterInfo {}

impl RegisterInfo {
    pub fn new(r: &'static RegDef, value: u64) -> Self {
        let layout = r.layout_for(value);
        let mut d: Decoded = layout.decode(&[value]);
        linear_split_ignored(&mut d);
        let mut problems = d.problems();
        if r.width == 32 && value >> 32 != 0 {
            problems.push(format!("value {value:#x} does not fit a 32-bit register"));
        }
        RegisterInfo {
            name: r.name,
            offset: format!("{:#06x}", r.offset),
            value: hex_value(r, value),
            width: r.width,
            description: layout.desc,
            section: layout.section,
            fields: d.fields,
            problems,
            reg: r,
            layout,
        }
    }
    /// The decode of field `f` (a typed handle); `None` when `f` is not a field of the
    /// layout this value selected.
    pub fn field(&self, f: &crate::model::FieldDef) -> Option<&crate::model::FieldInfo> {
        self.fields.iter().find(|x| crate::regs::same_field(x.def, f))
    }
}
