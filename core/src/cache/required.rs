//! The commands that would have cleared the stale entries: configuration invalidation
//! (IHI 0070 4.3), TLB invalidation by address with range, TG and TTL where SMMU_IDR3.RIL
//! allows (4.4.1.1), by ASID or VMID, ATC invalidation (4.5.1), each completed by CMD_SYNC.

use super::model::{CacheModel, Cause, TlbKind, World};
use super::{Required, StaleEntry};
use crate::queues::cmd;
use crate::regs::idr::{idr0, idr3, idr5};
use crate::regset::RegisterSet;
use crate::structs::desc::Granule;
use std::collections::BTreeSet;

/// Command fields by name.
type Fields = Vec<(&'static str, u64)>;

/// More per-address commands than this for one tag set: invalidate by ASID or VMID instead.
pub const MAX_PER_TAG: usize = 16;

/// What a TLB invalidation targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Target {
    /// Stage 1 by VA for an ASID (TLBI_NH_VA), or global (TLBI_NH_VAA), in a VMID.
    El1 {
        vmid: u64,
        asid: Option<u64>,
    },
    El2 {
        asid: Option<u64>,
    },
    /// Stage 2 by IPA in a VMID (TLBI_S2_IPA).
    S2 {
        vmid: u64,
    },
    /// Everything of a VMID (TLBI_S12_VMALL): combined entries that stage 2 changes made
    /// stale, which invalidation by IPA does not reach (4.4.3.1).
    Vmall {
        vmid: u64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Inv {
    target: Target,
    lo: u64,
    hi: u64,
    /// log2 of the granule, leaf size, level.
    granule: u32,
    leaf_size: u64,
    level: i32,
    /// Leaf == 1 is enough (no walk-cache entry involved).
    leaf: bool,
}

fn enc(name: &str, fields: &[(&str, u64)], why: &str, notes: &mut Vec<String>) -> Option<Required> {
    match cmd::encode(name, fields) {
        Ok(w) => Some(Required {
            name: cmd::by_name(name).map_or("?", |d| d.name()),
            fields: fields.iter().map(|(n, v)| format!("{n}={v:#x}")).collect::<Vec<_>>().join(" "),
            words: w.to_vec(),
            why: why.to_string(),
        }),
        Err(e) => {
            notes.push(format!("cannot encode {name}: {e}"));
            None
        }
    }
}

fn granule_of(shift: u32) -> Option<Granule> {
    Granule::ALL.into_iter().find(|g| g.shift() == shift)
}

/// TG encoding of a granule (4.4.1.1).
fn tg_enc(g: Granule) -> u64 {
    match g {
        Granule::K4 => 1,
        Granule::K16 => 2,
        Granule::K64 => 3,
    }
}

/// Splits `pages` granules into range invalidations: (first granule offset, NUM, SCALE)
/// with Range = (NUM + 1) * 2^SCALE granules (4.4.1.1), lowest set bits first.
pub fn range_chunks(pages: u64, max_scale: u32) -> Vec<(u64, u64, u64)> {
    let mut out = vec![];
    let mut left = pages;
    let mut off = 0u64;
    while left > 0 {
        let s = left.trailing_zeros().min(max_scale);
        let n = ((left >> s) & 0x1f).max(1).min(left >> s);
        out.push((off, n - 1, u64::from(s)));
        let done = n << s;
        off += done;
        left -= done;
    }
    out
}

/// The commands that would have cleared `stale`.
pub fn required(stale: &[StaleEntry], m: &CacheModel, regs: &RegisterSet, notes: &mut Vec<String>) -> Vec<Required> {
    let ril = regs.read(&idr3::RIL) == Some(1);
    let ds = regs.read(&idr5::DS) == Some(1);
    let s2p = regs.read(&idr0::S2P) == Some(1);
    let mut stes = BTreeSet::new();
    let mut l1stds = BTreeSet::new();
    let mut cds = BTreeSet::new();
    let mut invs: BTreeSet<Inv> = BTreeSet::new();
    let mut atcs = BTreeSet::new();
    let mut sync_only = false;
    for s in stale {
        match s.cause {
            Cause::Config | Cause::None => match s.structure {
                Some("STE") => {
                    stes.insert(s.sid);
                }
                Some("L1STD") => {
                    stes.insert(s.sid);
                    l1stds.insert(s.sid);
                }
                Some(_) => {
                    cds.insert((s.sid, s.ssid.unwrap_or(0)));
                }
                None => {}
            },
            Cause::Unsynced => sync_only = true,
            Cause::Atc(_) => {
                if let (Some(lo), Some(sz)) = (s.iova, s.size) {
                    atcs.insert((s.sid, s.ssid, lo, lo.saturating_add(sz)));
                }
            }
            Cause::Tlb(i) => {
                let Some(e) = m.tlb.get(i) else { continue };
                let (Some(lo), Some(sz)) = (s.iova, s.size) else { continue };
                let (mut lo, mut hi) = (lo, lo.saturating_add(sz));
                let target = match (e.kind, e.world) {
                    (TlbKind::S2, _) => {
                        if let Some(ipa) = s.ipa.filter(|_| s.s2_change) {
                            (lo, hi) = (ipa, ipa.saturating_add(sz));
                        } else if s.ipa.is_some() {
                            // Used for a stage 1 table fetch: the entry's leaf holding it.
                            (lo, hi) = (e.seg.ia, e.seg.ia.saturating_add(e.seg.leaf));
                        }
                        Target::S2 { vmid: e.vmid }
                    }
                    (TlbKind::Nested, _) if s.s2_change => Target::Vmall { vmid: e.vmid },
                    (_, World::NsEl1) => Target::El1 { vmid: if s2p { e.vmid } else { 0 }, asid: e.asid },
                    (_, _) => Target::El2 { asid: e.asid },
                };
                invs.insert(Inv {
                    target,
                    lo,
                    hi,
                    granule: e.granule.shift(),
                    leaf_size: e.seg.leaf,
                    level: e.seg.level,
                    leaf: true,
                });
            }
            Cause::Walk(i) => {
                let Some(e) = m.walk.get(i) else { continue };
                let lo = s.iova.unwrap_or(e.t.ia).max(e.t.ia);
                let target = match (e.stage, e.world) {
                    (2, _) => Target::S2 { vmid: e.vmid },
                    (_, World::NsEl1) => Target::El1 { vmid: if s2p { e.vmid } else { 0 }, asid: e.asid },
                    _ => Target::El2 { asid: e.asid },
                };
                // Leaf == 0 at one address invalidates the table entries holding it.
                invs.insert(Inv {
                    target,
                    lo,
                    hi: lo.saturating_add(1),
                    granule: e.granule.shift(),
                    leaf_size: 1 << e.granule.shift(),
                    level: e.t.level,
                    leaf: false,
                });
            }
        }
    }
    let mut out = vec![];
    // Configuration first: a TLB refill from a stale STE or CD would undo the TLBI (4.3.6).
    if stes.len() > 8 {
        out.extend(enc("CMD_CFGI_ALL", &[], "more than 8 StreamIDs have stale STEs", notes));
    } else {
        for sid in &stes {
            let l1 = l1stds.contains(sid);
            out.extend(enc(
                "CMD_CFGI_STE",
                &[("StreamID", u64::from(*sid)), ("Leaf", u64::from(!l1))],
                &if l1 {
                    format!(
                        "the cached L1STD locating StreamID {sid:#x} is stale: Leaf = 0 invalidates it with the STE"
                    )
                } else {
                    format!("the cached STE of StreamID {sid:#x} (and the CDs cached through it) is stale")
                },
                notes,
            ));
        }
    }
    for (sid, idx) in &cds {
        if stes.contains(sid) || stes.len() > 8 {
            continue;
        }
        out.extend(enc(
            "CMD_CFGI_CD",
            &[("StreamID", u64::from(*sid)), ("SubstreamID", u64::from(*idx)), ("Leaf", 1)],
            &format!("the cached CD {idx} of StreamID {sid:#x} is stale"),
            notes,
        ));
    }
    // TLB invalidation, ranges merged per target.
    let mut merged: Vec<Inv> = vec![];
    for i in invs {
        if let Some(l) = merged.last_mut() {
            if l.target == i.target
                && l.granule == i.granule
                && l.leaf_size == i.leaf_size
                && l.level == i.level
                && l.leaf == i.leaf
                && i.lo <= l.hi
            {
                l.hi = l.hi.max(i.hi);
                continue;
            }
        }
        merged.push(i);
    }
    // VMIDs wholly invalidated: their stage 2 ranges need no command of their own.
    let vmall_vmids: BTreeSet<u64> = merged
        .iter()
        .filter_map(|i| match i.target {
            Target::Vmall { vmid } => Some(vmid),
            _ => None,
        })
        .collect();
    let mut vmalls = BTreeSet::new();
    let mut targets: Vec<Target> = merged.iter().map(|i| i.target).collect();
    targets.sort_by_key(|t| !matches!(t, Target::Vmall { .. }));
    targets.dedup();
    for t in targets {
        let group: Vec<&Inv> = merged.iter().filter(|i| i.target == t).collect();
        if let Target::Vmall { vmid } = t {
            if vmalls.insert(vmid) {
                out.extend(enc(
                    "CMD_TLBI_S12_VMALL",
                    &[("VMID", vmid)],
                    &format!("combined stage 1 and 2 entries of VMID {vmid:#x} whose stage 2 changed: invalidation by IPA does not reach them (4.4.3.1)"),
                    notes,
                ));
            }
            continue;
        }
        let mut cmds: Vec<Vec<(&'static str, u64)>> = vec![];
        for i in &group {
            let l = i.leaf_size.max(1);
            let lo = i.lo & !(l - 1);
            let hi = i.hi.checked_add(l - 1).map_or(u64::MAX, |x| x & !(l - 1));
            let g = granule_of(i.granule);
            let gb = 1u64 << i.granule;
            // TTL: the leaf level (1..3; level 1 with 16KB only with DS, 4.4.1.1).
            let ttl = match (i.leaf, i.level, g) {
                (true, 1, Some(Granule::K16)) if !ds => 0,
                (true, l @ 1..=3, _) => l as u64,
                _ => 0,
            };
            let pages = (hi - lo) / gb;
            let leaf = u64::from(i.leaf);
            let chunks = range_chunks(pages, if ds { 39 } else { 31 });
            let use_range = ril && g.is_some() && i.leaf && !(pages == 1 && ttl == 0);
            if use_range {
                for (off, num, scale) in chunks {
                    cmds.push(vec![
                        ("Address", lo + off * gb),
                        ("NUM", num),
                        ("SCALE", scale),
                        ("TG", g.map_or(0, tg_enc)),
                        ("TTL", ttl),
                        ("Leaf", leaf),
                    ]);
                }
            } else {
                let mut a = lo;
                while a < hi && cmds.len() <= MAX_PER_TAG {
                    cmds.push(vec![("Address", a), ("Leaf", leaf)]);
                    a = match a.checked_add(l) {
                        Some(x) => x,
                        None => break,
                    };
                }
            }
        }
        let (name, tags, wide): (&str, Fields, (&str, Fields)) = match t {
            Target::El1 { vmid, asid: Some(a) } => (
                "CMD_TLBI_NH_VA",
                vec![("VMID", vmid), ("ASID", a)],
                ("CMD_TLBI_NH_ASID", vec![("VMID", vmid), ("ASID", a)]),
            ),
            Target::El1 { vmid, asid: None } => {
                ("CMD_TLBI_NH_VAA", vec![("VMID", vmid)], ("CMD_TLBI_NH_ALL", vec![("VMID", vmid)]))
            }
            Target::El2 { asid: Some(a) } => {
                ("CMD_TLBI_EL2_VA", vec![("ASID", a)], ("CMD_TLBI_EL2_ASID", vec![("ASID", a)]))
            }
            Target::El2 { asid: None } => ("CMD_TLBI_EL2_VAA", vec![], ("CMD_TLBI_EL2_ALL", vec![])),
            Target::S2 { vmid } => {
                if vmall_vmids.contains(&vmid) {
                    continue;
                }
                ("CMD_TLBI_S2_IPA", vec![("VMID", vmid)], ("CMD_TLBI_S12_VMALL", vec![("VMID", vmid)]))
            }
            Target::Vmall { .. } => continue,
        };
        let what = match t {
            Target::S2 { vmid } => format!("stale stage 2 TLB entries of VMID {vmid:#x}"),
            Target::El1 { vmid, asid: Some(a) } => format!("stale stage 1 TLB entries of ASID {a:#x}, VMID {vmid:#x}"),
            Target::El1 { vmid, asid: None } => format!("stale global stage 1 TLB entries, VMID {vmid:#x}"),
            Target::El2 { asid } => {
                format!("stale EL2 stage 1 TLB entries{}", asid.map_or(String::new(), |a| format!(" of ASID {a:#x}")))
            }
            Target::Vmall { .. } => String::new(),
        };
        if cmds.len() > MAX_PER_TAG {
            let why = format!("{what}: more than {MAX_PER_TAG} address ranges, so by tag");
            out.extend(enc(wide.0, &wide.1, &why, notes));
            continue;
        }
        for c in cmds {
            let mut f = tags.clone();
            f.extend(c);
            let leaf0 = f.iter().any(|(n, v)| *n == "Leaf" && *v == 0);
            let why = if leaf0 {
                format!("{what}: a walk-cache entry holds a changed table descriptor, so Leaf = 0")
            } else {
                what.clone()
            };
            out.extend(enc(name, &f, &why, notes));
        }
    }
    let any_tlbi = out.iter().any(|r| r.name.starts_with("CMD_TLBI"));
    if !out.is_empty() || sync_only {
        out.extend(enc("CMD_SYNC", &[], "completes the invalidations before it", notes));
    }
    if !atcs.is_empty() {
        for (sid, ssid, lo, hi) in &atcs {
            // The smallest aligned span 4096 * 2^Size holding [lo, hi) (4.5.1).
            let mut size = 0u64;
            while size < 52 && (lo >> (12 + size)) != (hi.saturating_sub(1) >> (12 + size)) {
                size += 1;
            }
            let mut f = vec![("StreamID", u64::from(*sid))];
            if let Some(s) = ssid {
                f.push(("SSV", 1));
                f.push(("SubstreamID", u64::from(*s)));
            }
            f.push(("Address", if size >= 52 { 0 } else { lo & !((4096u64 << size) - 1) }));
            f.push(("Size", size));
            let why = format!(
                "the device's ATC still holds [{lo:#x}, {hi:#x}); issued after the SMMU's own invalidation and CMD_SYNC{}",
                if any_tlbi { "" } else { " (nothing in the SMMU needed invalidating)" }
            );
            out.extend(enc("CMD_ATC_INV", &f, &why, notes));
        }
        out.extend(enc("CMD_SYNC", &[], "completes the ATC invalidations", notes));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    /// IHI 0070 4.4.1.1: Range = (NUM + 1) * 2^SCALE granules; the chunks tile the pages.
    #[test]
    fn chunks_tile_exactly() {
        for pages in [1u64, 2, 3, 31, 32, 33, 64, 100, 511, 512, 513, 1 << 20, (1 << 20) + 7] {
            let c = range_chunks(pages, 31);
            let mut off = 0;
            for (o, num, scale) in &c {
                assert_eq!(*o, off);
                assert!(*num <= 31);
                off += (num + 1) << scale;
            }
            assert_eq!(off, pages, "{pages}");
        }
        assert_eq!(range_chunks(1, 31), vec![(0, 0, 0)]);
        assert_eq!(range_chunks(32, 31), vec![(0, 0, 5)]);
        assert_eq!(range_chunks(3, 31), vec![(0, 2, 0)]);
    }
}
