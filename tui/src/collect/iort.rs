//! ACPI IO Remapping Table (IORT, Arm DEN 0049) parser: the SMMUv3 nodes (base, flags with
//! the COHACC and HTTU overrides, model, GSIVs, proximity domain), the root complexes, ITS
//! groups, named components and PMCGs, and every ID mapping, so a PCI RequesterID can be
//! followed to the StreamID its SMMU sees.
//!
//! Layout facts used (DEN 0049, "IORT node" and per-type tables): a 36-byte ACPI header, then
//! node count at 36 and node array offset at 40. Each node starts with Type (u8), Length (u16),
//! Revision (u8), Identifier (u32), Number of ID mappings (u32), Reference to ID array (u32);
//! type-specific data follows at 16. An ID mapping is 20 bytes: Input base, Number of IDs
//! (the count minus one), Output base, Output reference (a node offset), Flags (bit 0 = single
//! mapping).

use super::bytes::{ascii, le_u16, le_u32, le_u64, le_u8, slice, BlobError};
use serde::Serialize;

const HEADER_LEN: usize = 36;
const NODE_HEADER_LEN: usize = 16;
const ID_MAPPING_LEN: usize = 20;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Iort {
    pub signature: String,
    pub length: u32,
    pub revision: u8,
    pub checksum_ok: bool,
    pub oem_id: String,
    pub oem_table_id: String,
    pub oem_revision: u32,
    pub creator_id: String,
    pub creator_revision: String,
    pub nodes: Vec<Node>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Node {
    /// Byte offset of the node in the table (what ID mappings refer to).
    pub offset: String,
    #[serde(rename = "type")]
    pub type_name: &'static str,
    pub type_code: u8,
    pub revision: u8,
    pub identifier: u32,
    pub length: u16,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub id_mappings: Vec<IdMapping>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smmu_v3: Option<SmmuV3>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_complex: Option<RootComplex>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub its_ids: Option<Vec<u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub named_component: Option<NamedComponent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pmcg: Option<Pmcg>,
    #[serde(skip)]
    pub offset_num: u32,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct IdMapping {
    pub input_base: u32,
    /// Number of IDs in the range (the table stores this minus one).
    pub id_count: u64,
    pub output_base: u32,
    /// Offset of the node the IDs are mapped to.
    pub output_reference: String,
    /// Type of that node, when it exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_node_type: Option<&'static str>,
    /// Flags bit 0: a single mapping (the input is ignored; used for a node's own ID).
    pub single: bool,
    #[serde(skip)]
    pub output_ref_num: u32,
}

impl IdMapping {
    /// The output ID for `input`, when the range covers it (single mappings never do).
    pub fn map(&self, input: u32) -> Option<u32> {
        if self.single {
            return None;
        }
        let delta = input.checked_sub(self.input_base)?;
        if u64::from(delta) >= self.id_count {
            return None;
        }
        self.output_base.checked_add(delta)
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SmmuV3 {
    pub base: String,
    pub flags: String,
    /// Flags bit 0: the SMMU's table walks and queue accesses are coherent (overrides
    /// SMMU_IDR0.COHACC).
    pub cohacc_override: bool,
    /// Flags bits [2:1]: 0 = SMMU_IDR0.HTTU is not overridden, 1 = access flag only,
    /// 2 = access flag and dirty state.
    pub httu_override: u8,
    pub httu_override_meaning: &'static str,
    pub proximity_domain_valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proximity_domain: Option<u32>,
    pub deviceid_mapping_index_valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deviceid_mapping_index: Option<u32>,
    pub vatos_base: String,
    pub model: u32,
    pub model_name: &'static str,
    /// What the model means for software (the errata a driver works around).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_quirk: Option<&'static str>,
    pub event_gsiv: u32,
    pub pri_gsiv: u32,
    pub gerr_gsiv: u32,
    pub sync_gsiv: u32,
    #[serde(skip)]
    pub base_num: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MemoryAccess {
    /// Cache coherent attribute: 1 = fully coherent.
    pub cache_coherent: u32,
    pub allocation_hints: u8,
    /// Memory access flags: bit 0 CPM (coherent path to memory), bit 1 DACS.
    pub access_flags: u8,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RootComplex {
    pub memory_access: MemoryAccess,
    /// ATS attribute: bit 0 = the root complex supports ATS.
    pub ats_attribute: u32,
    pub ats_supported: bool,
    pub pci_segment: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_address_size_limit: Option<u8>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct NamedComponent {
    pub node_flags: u32,
    pub memory_access: MemoryAccess,
    pub memory_address_size_limit: u8,
    pub device_name: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Pmcg {
    pub page0_base: String,
    pub overflow_gsiv: u32,
    pub node_reference: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page1_base: Option<String>,
}

pub fn node_type_name(t: u8) -> &'static str {
    match t {
        0 => "ITS Group",
        1 => "Named Component",
        2 => "Root Complex",
        3 => "SMMUv1/SMMUv2",
        4 => "SMMUv3",
        5 => "PMCG",
        6 => "RMR",
        _ => "unknown",
    }
}

fn smmu_model(m: u32) -> (&'static str, Option<&'static str>) {
    match m {
        0 => ("Generic SMMUv3", None),
        1 => ("HiSilicon Hi161x", Some("CMD_PREFETCH_* must not be issued (Linux: skip prefetch)")),
        2 => ("Cavium CN99xx", Some("no Page 1: its registers are at Page 0 offsets (Linux: page0 registers only)")),
        _ => ("unknown model", None),
    }
}

pub fn httu_meaning(v: u8) -> &'static str {
    match v {
        0 => "SMMU_IDR0.HTTU is not overridden",
        1 => "HTTU overridden: access flag updates only",
        2 => "HTTU overridden: access flag and dirty state updates",
        _ => "reserved encoding",
    }
}

fn memory_access(d: &[u8], at: usize, what: &str) -> Result<MemoryAccess, BlobError> {
    Ok(MemoryAccess {
        cache_coherent: le_u32(d, at, &format!("{what} cache coherent attribute"))?,
        allocation_hints: le_u8(d, at + 4, &format!("{what} allocation hints"))?,
        access_flags: le_u8(d, at + 7, &format!("{what} memory access flags"))?,
    })
}

/// Parses an IORT table. Errors say which field at which offset was cut off or inconsistent.
pub fn parse(data: &[u8]) -> Result<Iort, BlobError> {
    let sig = slice(data, 0, 4, "IORT signature")?;
    if sig != b"IORT" {
        return Err(BlobError::new("IORT signature", 0, format!("expected \"IORT\", found {:?}", ascii(sig))));
    }
    let length = le_u32(data, 4, "IORT header length")?;
    let len = length as usize;
    if len > data.len() {
        return Err(BlobError::new(
            "IORT header length",
            4,
            format!("table says {len} bytes but only {} were read (truncated)", data.len()),
        ));
    }
    if len < HEADER_LEN + 8 {
        return Err(BlobError::new("IORT header length", 4, format!("{len} bytes is too short for an IORT")));
    }
    let table = &data[..len];
    let checksum_ok = table.iter().fold(0u8, |a, b| a.wrapping_add(*b)) == 0;
    let revision = le_u8(table, 8, "IORT revision")?;
    let count = le_u32(table, 36, "IORT number of nodes")?;
    let array = le_u32(table, 40, "IORT offset to node array")? as usize;
    let mut nodes = Vec::new();
    let mut off = array;
    for i in 0..count {
        let what = format!("IORT node {i}");
        let t = le_u8(table, off, &format!("{what} type"))?;
        let nlen = le_u16(table, off + 1, &format!("{what} length"))?;
        if (nlen as usize) < NODE_HEADER_LEN {
            return Err(BlobError::new(
                format!("{what} length"),
                off + 1,
                format!("{nlen} is shorter than a node header"),
            ));
        }
        let node = slice(table, off, nlen as usize, &what)?;
        nodes.push(parse_node(node, off, &what)?);
        off = off.checked_add(nlen as usize).ok_or_else(|| BlobError::new(&what, off, "offset overflows"))?;
        let _ = t;
    }
    // Resolve mapping targets' types.
    let types: Vec<(u32, &'static str)> = nodes.iter().map(|n| (n.offset_num, n.type_name)).collect();
    for n in &mut nodes {
        for m in &mut n.id_mappings {
            m.output_node_type = types.iter().find(|(o, _)| *o == m.output_ref_num).map(|(_, t)| *t);
        }
    }
    Ok(Iort {
        signature: "IORT".into(),
        length,
        revision,
        checksum_ok,
        oem_id: ascii(slice(table, 10, 6, "IORT OEM ID")?),
        oem_table_id: ascii(slice(table, 16, 8, "IORT OEM table ID")?),
        oem_revision: le_u32(table, 24, "IORT OEM revision")?,
        creator_id: ascii(slice(table, 28, 4, "IORT creator ID")?),
        creator_revision: format!("{:#x}", le_u32(table, 32, "IORT creator revision")?),
        nodes,
    })
}

fn parse_node(n: &[u8], off: usize, what: &str) -> Result<Node, BlobError> {
    // Offsets inside `n` are node-relative; errors report table offsets.
    let at = |e: BlobError| BlobError { offset: e.offset.saturating_add(off), ..e };
    let type_code = le_u8(n, 0, what).map_err(at)?;
    let length = le_u16(n, 1, what).map_err(at)?;
    let revision = le_u8(n, 3, what).map_err(at)?;
    let identifier = le_u32(n, 4, what).map_err(at)?;
    let nmap = le_u32(n, 8, &format!("{what} number of ID mappings")).map_err(at)?;
    let mref = le_u32(n, 12, &format!("{what} reference to ID array")).map_err(at)? as usize;
    let mut id_mappings = Vec::new();
    for j in 0..nmap {
        let mw = format!("{what} ID mapping {j}");
        let base = (j as usize)
            .checked_mul(ID_MAPPING_LEN)
            .and_then(|x| x.checked_add(mref))
            .ok_or_else(|| BlobError::new(&mw, off, "offset overflows"))?;
        let m = slice(n, base, ID_MAPPING_LEN, &mw).map_err(at)?;
        let out_ref = le_u32(m, 12, &mw).map_err(at)?;
        id_mappings.push(IdMapping {
            input_base: le_u32(m, 0, &mw).map_err(at)?,
            id_count: u64::from(le_u32(m, 4, &mw).map_err(at)?) + 1,
            output_base: le_u32(m, 8, &mw).map_err(at)?,
            output_reference: format!("{out_ref:#x}"),
            output_node_type: None,
            single: le_u32(m, 16, &mw).map_err(at)? & 1 != 0,
            output_ref_num: out_ref,
        });
    }
    let mut node = Node {
        offset: format!("{off:#x}"),
        type_name: node_type_name(type_code),
        type_code,
        revision,
        identifier,
        length,
        id_mappings,
        smmu_v3: None,
        root_complex: None,
        its_ids: None,
        named_component: None,
        pmcg: None,
        offset_num: off as u32,
    };
    let w = |f: &str| format!("{what} ({}) {f}", node_type_name(type_code));
    match type_code {
        0 => {
            let c = le_u32(n, 16, &w("number of ITSs")).map_err(at)?;
            let mut ids = Vec::new();
            for k in 0..c.min(1024) {
                ids.push(le_u32(n, 20 + 4 * k as usize, &w("ITS identifier")).map_err(at)?);
            }
            node.its_ids = Some(ids);
        }
        1 => {
            let name_bytes = n.get(29..).unwrap_or(&[]);
            let end = name_bytes.iter().position(|&c| c == 0).unwrap_or(name_bytes.len());
            node.named_component = Some(NamedComponent {
                node_flags: le_u32(n, 16, &w("node flags")).map_err(at)?,
                memory_access: memory_access(n, 20, &w("")).map_err(at)?,
                memory_address_size_limit: le_u8(n, 28, &w("memory address size limit")).map_err(at)?,
                device_name: ascii(name_bytes.get(..end).unwrap_or(&[])),
            });
        }
        2 => {
            let ats = le_u32(n, 24, &w("ATS attribute")).map_err(at)?;
            node.root_complex = Some(RootComplex {
                memory_access: memory_access(n, 16, &w("")).map_err(at)?,
                ats_attribute: ats,
                ats_supported: ats & 1 != 0,
                pci_segment: le_u32(n, 28, &w("PCI segment number")).map_err(at)?,
                memory_address_size_limit: le_u8(n, 32, "").ok(),
            });
        }
        4 => {
            let base = le_u64(n, 16, &w("base address")).map_err(at)?;
            let flags = le_u32(n, 24, &w("flags")).map_err(at)?;
            let model = le_u32(n, 40, &w("model")).map_err(at)?;
            let (model_name, model_quirk) = smmu_model(model);
            let pxm_valid = flags & (1 << 3) != 0;
            let devid_valid = flags & (1 << 4) != 0;
            let httu = ((flags >> 1) & 3) as u8;
            node.smmu_v3 = Some(SmmuV3 {
                base: format!("{base:#x}"),
                flags: format!("{flags:#x}"),
                cohacc_override: flags & 1 != 0,
                httu_override: httu,
                httu_override_meaning: httu_meaning(httu),
                proximity_domain_valid: pxm_valid,
                proximity_domain: if pxm_valid { le_u32(n, 60, &w("proximity domain")).ok() } else { None },
                deviceid_mapping_index_valid: devid_valid,
                deviceid_mapping_index: if devid_valid {
                    le_u32(n, 64, &w("DeviceID mapping index")).ok()
                } else {
                    None
                },
                vatos_base: format!("{:#x}", le_u64(n, 32, &w("VATOS address")).map_err(at)?),
                model,
                model_name,
                model_quirk,
                event_gsiv: le_u32(n, 44, &w("event GSIV")).map_err(at)?,
                pri_gsiv: le_u32(n, 48, &w("PRI GSIV")).map_err(at)?,
                gerr_gsiv: le_u32(n, 52, &w("GERR GSIV")).map_err(at)?,
                sync_gsiv: le_u32(n, 56, &w("Sync GSIV")).map_err(at)?,
                base_num: base,
            });
        }
        5 => {
            node.pmcg = Some(Pmcg {
                page0_base: format!("{:#x}", le_u64(n, 16, &w("page 0 base")).map_err(at)?),
                overflow_gsiv: le_u32(n, 24, &w("overflow GSIV")).map_err(at)?,
                node_reference: format!("{:#x}", le_u32(n, 28, &w("node reference")).map_err(at)?),
                page1_base: le_u64(n, 32, "").ok().map(|v| format!("{v:#x}")),
            });
        }
        _ => {}
    }
    Ok(node)
}

/// A named component's StreamID(s) on an SMMUv3.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct NamedStream {
    pub device_name: String,
    pub smmu_base: String,
    pub sid_base: String,
    pub id_count: u64,
}

impl Iort {
    /// StreamIDs of named components (platform devices) behind an SMMUv3.
    pub fn named_component_streams(&self) -> Vec<NamedStream> {
        let mut v = Vec::new();
        for n in &self.nodes {
            let Some(nc) = &n.named_component else { continue };
            for m in &n.id_mappings {
                if let Some(s) = self.node_at(m.output_ref_num).and_then(|t| t.smmu_v3.as_ref()) {
                    v.push(NamedStream {
                        device_name: nc.device_name.clone(),
                        smmu_base: s.base.clone(),
                        sid_base: format!("{:#x}", m.output_base),
                        id_count: if m.single { 1 } else { m.id_count },
                    });
                }
            }
        }
        v
    }

    pub fn smmus(&self) -> impl Iterator<Item = (&Node, &SmmuV3)> {
        self.nodes.iter().filter_map(|n| n.smmu_v3.as_ref().map(|s| (n, s)))
    }
    pub fn node_at(&self, offset: u32) -> Option<&Node> {
        self.nodes.iter().find(|n| n.offset_num == offset)
    }
    /// Follows a PCI RequesterID on `segment` through the root complex's ID mappings to an
    /// SMMUv3 node: `(SMMU base, StreamID)`.
    pub fn stream_id(&self, segment: u32, rid: u32) -> Option<(u64, u32)> {
        let rc = self.nodes.iter().find(|n| n.root_complex.as_ref().is_some_and(|r| r.pci_segment == segment))?;
        for m in &rc.id_mappings {
            if let Some(sid) = m.map(rid) {
                if let Some(s) = self.node_at(m.output_ref_num).and_then(|t| t.smmu_v3.as_ref()) {
                    return Some((s.base_num, sid));
                }
            }
        }
        None
    }
}
