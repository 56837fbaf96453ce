//! Device tree: the flattened blob (/sys/firmware/fdt, Devicetree Specification chapter 5)
//! and the unpacked directory form (/sys/firmware/devicetree/base), read into one tree; then
//! the `arm,smmu-v3` nodes (reg, interrupts, dma-coherent, msi-parent, quirk properties) and
//! the PCI hosts' `iommu-map`s (RequesterID to StreamID).
//!
//! Blob facts used: big-endian header with magic 0xd00dfeed, totalsize, off_dt_struct,
//! off_dt_strings, ..., size_dt_strings (at 32), size_dt_struct (at 36); structure tokens
//! FDT_BEGIN_NODE = 1 (name, NUL, padded to 4), FDT_END_NODE = 2, FDT_PROP = 3 (len, nameoff,
//! value padded to 4), FDT_NOP = 4, FDT_END = 9.

use super::bytes::{be_u32, slice, BlobError};
use super::safefs::{Entry, Root, LIMIT_DT_PROP, LIMIT_TABLE};
use serde::Serialize;
use std::path::Path;

const FDT_MAGIC: u32 = 0xd00d_feed;
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DtNode {
    /// Node name with unit address (`smmuv3@9050000`); empty for the root.
    pub name: String,
    pub props: Vec<(String, Vec<u8>)>,
    pub children: Vec<DtNode>,
}

impl DtNode {
    pub fn prop(&self, name: &str) -> Option<&[u8]> {
        self.props.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_slice())
    }
    pub fn has(&self, name: &str) -> bool {
        self.prop(name).is_some()
    }
    pub fn cells(&self, name: &str) -> Option<Vec<u32>> {
        let v = self.prop(name)?;
        if v.len() % 4 != 0 {
            return None;
        }
        Some(v.chunks(4).map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]])).collect())
    }
    pub fn u32(&self, name: &str) -> Option<u32> {
        self.cells(name).and_then(|c| c.first().copied())
    }
    /// A string-list property (NUL-separated).
    pub fn strings(&self, name: &str) -> Vec<String> {
        match self.prop(name) {
            Some(v) => v
                .split(|&b| b == 0)
                .filter(|s| !s.is_empty())
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .collect(),
            None => vec![],
        }
    }
    pub fn is_compatible(&self, c: &str) -> bool {
        self.strings("compatible").iter().any(|s| s == c)
    }
}

/// Parses a flattened device tree blob.
pub fn parse_blob(data: &[u8]) -> Result<DtNode, BlobError> {
    let magic = be_u32(data, 0, "FDT magic")?;
    if magic != FDT_MAGIC {
        return Err(BlobError::new("FDT magic", 0, format!("expected 0xd00dfeed, found {magic:#010x}")));
    }
    let total = be_u32(data, 4, "FDT totalsize")? as usize;
    if total > data.len() {
        return Err(BlobError::new(
            "FDT totalsize",
            4,
            format!("header says {total} bytes but only {} were read (truncated)", data.len()),
        ));
    }
    let blob = &data[..total];
    let off_struct = be_u32(blob, 8, "FDT off_dt_struct")? as usize;
    let off_strings = be_u32(blob, 12, "FDT off_dt_strings")? as usize;
    let version = be_u32(blob, 20, "FDT version")?;
    let size_strings = be_u32(blob, 32, "FDT size_dt_strings")? as usize;
    let strings = slice(blob, off_strings, size_strings, "FDT strings block")?;
    let size_struct =
        if version >= 17 { be_u32(blob, 36, "FDT size_dt_struct")? as usize } else { total.saturating_sub(off_struct) };
    let st = slice(blob, off_struct, size_struct, "FDT structure block")?;

    let mut pos = 0usize;
    let mut stack: Vec<DtNode> = Vec::new();
    let mut root: Option<DtNode> = None;
    loop {
        let at = off_struct + pos;
        let tok = be_u32(st, pos, "FDT token").map_err(|e| BlobError { offset: at, ..e })?;
        pos += 4;
        match tok {
            1 => {
                let rest = st.get(pos..).unwrap_or(&[]);
                let end = rest
                    .iter()
                    .position(|&b| b == 0)
                    .ok_or_else(|| BlobError::new("FDT node name", off_struct + pos, "no terminating NUL"))?;
                let name = String::from_utf8_lossy(&rest[..end]).into_owned();
                pos = align4(pos + end + 1);
                if stack.len() >= MAX_DEPTH {
                    return Err(BlobError::new("FDT node", at, format!("nesting deeper than {MAX_DEPTH}")));
                }
                if root.is_some() {
                    return Err(BlobError::new("FDT node", at, "second root node"));
                }
                stack.push(DtNode { name, ..Default::default() });
            }
            2 => {
                let n = stack
                    .pop()
                    .ok_or_else(|| BlobError::new("FDT_END_NODE", at, "without a matching FDT_BEGIN_NODE"))?;
                match stack.last_mut() {
                    Some(p) => p.children.push(n),
                    None => root = Some(n),
                }
            }
            3 => {
                let len = be_u32(st, pos, "FDT property length").map_err(|e| BlobError { offset: at, ..e })? as usize;
                let nameoff = be_u32(st, pos + 4, "FDT property name offset")
                    .map_err(|e| BlobError { offset: at, ..e })? as usize;
                let val = slice(st, pos + 8, len, "FDT property value").map_err(|e| BlobError { offset: at, ..e })?;
                let name_rest = strings.get(nameoff..).ok_or_else(|| {
                    BlobError::new("FDT property name offset", at, format!("{nameoff:#x} is outside the strings block"))
                })?;
                let nend = name_rest.iter().position(|&b| b == 0).unwrap_or(name_rest.len());
                let pname = String::from_utf8_lossy(&name_rest[..nend]).into_owned();
                let node =
                    stack.last_mut().ok_or_else(|| BlobError::new("FDT_PROP", at, "property outside any node"))?;
                node.props.push((pname, val.to_vec()));
                pos = align4(pos + 8 + len);
            }
            4 => {}
            9 => break,
            other => return Err(BlobError::new("FDT token", at, format!("unknown token {other:#x}"))),
        }
    }
    if !stack.is_empty() {
        return Err(BlobError::new(
            "FDT structure block",
            off_struct + pos,
            format!("{} node(s) not closed", stack.len()),
        ));
    }
    root.ok_or_else(|| BlobError::new("FDT structure block", off_struct, "no root node"))
}

fn align4(x: usize) -> usize {
    x.saturating_add(3) & !3
}

/// Reads the unpacked tree (/sys/firmware/devicetree/base) at a path of its own (a copy of
/// the directory): directories are nodes, files are properties with raw big-endian values.
pub fn read_dir(path: &Path) -> std::io::Result<DtNode> {
    read_tree(&Root::new(path)?, "/")
}

/// Reads the unpacked tree at `abs` inside `fs` (symlinks are not followed; property files
/// are capped at [`LIMIT_DT_PROP`] each and [`LIMIT_TABLE`] in all).
pub fn read_tree(fs: &Root, abs: &str) -> std::io::Result<DtNode> {
    let mut budget = LIMIT_TABLE;
    read_dir_depth(fs, abs.trim_end_matches('/'), String::new(), 0, &mut budget)
}

fn read_dir_depth(fs: &Root, abs: &str, name: String, depth: usize, budget: &mut u64) -> std::io::Result<DtNode> {
    let mut node = DtNode { name, ..Default::default() };
    for (n, kind) in fs.entries(if abs.is_empty() { "/" } else { abs })? {
        let p = format!("{abs}/{n}");
        match kind {
            Entry::Dir if depth < MAX_DEPTH => node.children.push(read_dir_depth(fs, &p, n, depth + 1, budget)?),
            // The kernel adds a "name" pseudo-property to each node; the blob has none.
            Entry::File if n != "name" => {
                let v = fs.read(
                    &p,
                    LIMIT_DT_PROP.min(*budget),
                    "a device tree property (and what is left of the tree's budget)",
                )?;
                *budget = budget.saturating_sub(v.len() as u64);
                node.props.push((n, v));
            }
            _ => {}
        }
    }
    Ok(node)
}

/// One `arm,smmu-v3` node.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DtSmmu {
    pub path: String,
    pub compatible: Vec<String>,
    /// Register windows as (CPU physical address, size).
    pub reg: Vec<(String, String)>,
    pub dma_coherent: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msi_parent: Option<String>,
    pub interrupt_names: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iommu_cells: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phandle: Option<u32>,
    /// Vendor quirk properties, each with what it means to a driver.
    pub quirks: Vec<Quirk>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip)]
    pub base_num: Option<u64>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Quirk {
    pub property: String,
    pub meaning: &'static str,
}

fn quirk_meaning(p: &str) -> Option<&'static str> {
    Some(match p {
        "cavium,cn9900-broken-page1-regspace" => "no Page 1: its registers are at Page 0 offsets",
        "hisilicon,broken-prefetch-cmd" => "CMD_PREFETCH_* must not be issued",
        _ if p.contains(',') && !p.starts_with("linux,") => "vendor-specific property",
        _ => return None,
    })
}

/// One entry of a PCI host's `iommu-map`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct IommuMap {
    pub host: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pci_domain: Option<u32>,
    pub rid_base: u32,
    pub iommu: String,
    pub iommu_base: u32,
    pub length: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rid_mask: Option<u32>,
    #[serde(skip)]
    pub iommu_reg: Option<u64>,
}

impl IommuMap {
    pub fn map(&self, rid: u32) -> Option<u32> {
        let r = rid & self.rid_mask.unwrap_or(u32::MAX);
        let d = r.checked_sub(self.rid_base)?;
        if d >= self.length {
            return None;
        }
        self.iommu_base.checked_add(d)
    }
}

/// A platform device's `iommus = <&smmu StreamID>` entry.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct IommusEntry {
    pub node: String,
    pub iommu: String,
    pub sid: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct DtSummary {
    pub model: Option<String>,
    pub compatible: Vec<String>,
    pub smmus: Vec<DtSmmu>,
    pub iommu_maps: Vec<IommuMap>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub platform_stream_ids: Vec<IommusEntry>,
}

struct Walk<'a> {
    path: String,
    node: &'a DtNode,
    /// #address-cells / #size-cells that apply to this node's `reg` (from the parent).
    addr_cells: u32,
    size_cells: u32,
    /// Ancestors' (ranges, child addr cells, parent addr cells, size cells), innermost first.
    ranges: Vec<(Vec<u32>, u32, u32, u32)>,
}

fn join_cells(c: &[u32]) -> u64 {
    c.iter().fold(0u64, |a, &x| a.checked_shl(32).unwrap_or(0) | u64::from(x))
}

/// Translates a bus address through the ancestors' `ranges` to a CPU physical address.
fn translate(mut addr: u64, ranges: &[(Vec<u32>, u32, u32, u32)]) -> Option<u64> {
    for (r, ca, pa, sc) in ranges {
        if r.is_empty() {
            continue; // identity
        }
        let step = (ca + pa + sc) as usize;
        if step == 0 || r.len() % step != 0 {
            return None;
        }
        let mut hit = None;
        for e in r.chunks(step) {
            let cb = join_cells(&e[..*ca as usize]);
            let pb = join_cells(&e[*ca as usize..(*ca + *pa) as usize]);
            let sz = join_cells(&e[(*ca + *pa) as usize..]);
            if addr >= cb && addr - cb < sz {
                hit = Some(pb.checked_add(addr - cb)?);
                break;
            }
        }
        addr = hit?;
    }
    Some(addr)
}

fn collect_nodes<'a>(root: &'a DtNode) -> Vec<Walk<'a>> {
    let mut out = Vec::new();
    let mut stack = vec![Walk { path: "/".into(), node: root, addr_cells: 2, size_cells: 1, ranges: vec![] }];
    while let Some(w) = stack.pop() {
        let ac = w.node.u32("#address-cells").unwrap_or(2);
        let sc = w.node.u32("#size-cells").unwrap_or(1);
        for c in w.node.children.iter().rev() {
            let mut ranges = w.ranges.clone();
            if !std::ptr::eq(w.node, root) {
                let r = w.node.cells("ranges").unwrap_or_default();
                ranges.insert(0, (r, ac, w.addr_cells, sc));
            }
            let path = if w.path == "/" { format!("/{}", c.name) } else { format!("{}/{}", w.path, c.name) };
            stack.push(Walk { path, node: c, addr_cells: ac, size_cells: sc, ranges });
        }
        out.push(w);
    }
    out
}

fn regs_of(w: &Walk) -> Vec<(u64, u64)> {
    let Some(c) = w.node.cells("reg") else { return vec![] };
    let step = (w.addr_cells + w.size_cells) as usize;
    if step == 0 || w.addr_cells > 2 || w.size_cells > 2 {
        return vec![];
    }
    c.chunks(step)
        .filter(|e| e.len() == step)
        .filter_map(|e| {
            let a = join_cells(&e[..w.addr_cells as usize]);
            let s = join_cells(&e[w.addr_cells as usize..]);
            translate(a, &w.ranges).map(|a| (a, s))
        })
        .collect()
}

/// Finds the SMMUv3 nodes and the iommu-maps that point at them.
pub fn summarize(root: &DtNode) -> DtSummary {
    let nodes = collect_nodes(root);
    let by_phandle =
        |ph: u32| nodes.iter().find(|w| w.node.u32("phandle") == Some(ph) || w.node.u32("linux,phandle") == Some(ph));
    let mut s = DtSummary {
        model: root.strings("model").into_iter().next(),
        compatible: root.strings("compatible"),
        ..Default::default()
    };
    for w in &nodes {
        if w.node.is_compatible("arm,smmu-v3") {
            let reg = regs_of(w);
            let msi_parent = w.node.u32("msi-parent").map(|ph| match by_phandle(ph) {
                Some(t) => t.path.clone(),
                None => format!("phandle {ph:#x}"),
            });
            let quirks = w
                .node
                .props
                .iter()
                .filter_map(|(p, _)| quirk_meaning(p).map(|m| Quirk { property: p.clone(), meaning: m }))
                .collect();
            s.smmus.push(DtSmmu {
                path: w.path.clone(),
                compatible: w.node.strings("compatible"),
                base_num: reg.first().map(|r| r.0),
                reg: reg.iter().map(|(a, z)| (format!("{a:#x}"), format!("{z:#x}"))).collect(),
                dma_coherent: w.node.has("dma-coherent"),
                msi_parent,
                interrupt_names: w.node.strings("interrupt-names"),
                iommu_cells: w.node.u32("#iommu-cells"),
                phandle: w.node.u32("phandle"),
                quirks,
                status: w.node.strings("status").into_iter().next(),
            });
        }
    }
    for w in &nodes {
        let Some(c) = w.node.cells("iommus") else { continue };
        let mut i = 0usize;
        while i < c.len() {
            let target = by_phandle(c[i]);
            let n = target.and_then(|t| t.node.u32("#iommu-cells")).unwrap_or(1) as usize;
            let Some(t) = target.filter(|t| t.node.is_compatible("arm,smmu-v3")) else { break };
            if let Some(&sid) = c.get(i + 1) {
                if n >= 1 {
                    s.platform_stream_ids.push(IommusEntry {
                        node: w.path.clone(),
                        iommu: t.path.clone(),
                        sid: format!("{sid:#x}"),
                    });
                }
            }
            i = i.saturating_add(1 + n);
        }
    }
    for w in &nodes {
        let Some(map) = w.node.cells("iommu-map") else { continue };
        let mask = w.node.u32("iommu-map-mask");
        let domain = w.node.u32("linux,pci-domain");
        let mut i = 0usize;
        while i + 2 < map.len() {
            let rid_base = map[i];
            let ph = map[i + 1];
            let target = by_phandle(ph);
            let ncells = target.and_then(|t| t.node.u32("#iommu-cells")).unwrap_or(1) as usize;
            let Some(len_idx) = i.checked_add(2 + ncells) else { break };
            let (Some(&length), Some(&iommu_base)) = (map.get(len_idx), map.get(i + 2)) else { break };
            s.iommu_maps.push(IommuMap {
                host: w.path.clone(),
                pci_domain: domain,
                rid_base,
                iommu: target.map(|t| t.path.clone()).unwrap_or_else(|| format!("phandle {ph:#x}")),
                iommu_base,
                length,
                rid_mask: mask,
                iommu_reg: target.and_then(|t| regs_of(t).first().map(|r| r.0)),
            });
            i = len_idx + 1;
        }
    }
    s
}
