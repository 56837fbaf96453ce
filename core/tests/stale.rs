//! `smmu stale`: table pairs built by the scenario builder, each with the result IHI 0070
//! (4.3 configuration invalidation, 4.4 TLB invalidation, 4.4.1.1 range and level hint,
//! 4.5.1 ATC invalidation) gives for it. Expected values are worked out from the spec in the
//! comments, never copied from the code's output.

use serde_json::{json, Value};
use smmu_core::cache::{analyze, Analysis};
use smmu_core::scenario;
use smmu_core::snapshot::Snapshot;

/// The Command queue lives below the tables, at a fixed place, in both snapshots.
const Q: u64 = 0x7000_0000;

fn build(v: Value) -> Snapshot {
    let s: scenario::Scenario = serde_json::from_value(v).expect("scenario");
    scenario::build(&s).expect("build")
}

fn queue(log2size: u32, cons: u64, cmds: &[&str]) -> Value {
    json!({"base": format!("{Q:#x}"), "log2size": log2size, "cons": cons, "commands": cmds})
}

fn maps(m: &[(u64, u64, u64)]) -> Value {
    Value::Array(
        m.iter()
            .map(|(va, pa, size)| json!({"va": format!("{va:#x}"), "pa": format!("{pa:#x}"), "size": format!("{size:#x}")}))
            .collect(),
    )
}

/// One stage 1 stream (StreamID 1, one CD, 4KB granule).
fn s1(m: &[(u64, u64, u64)], asid: u64, ng: bool, ttb0: Option<u64>, q: Value, ril: bool) -> Snapshot {
    let mut ctx = json!({"asid": asid, "ng": ng, "mappings": maps(m)});
    if let Some(t) = ttb0 {
        ctx["ttb0"] = json!(format!("{t:#x}"));
    }
    build(json!({
        "name": "stale-s1",
        "smmu": {"ril": ril},
        "streams": [{"sid": 1, "config": "s1", "s1": {"granule": 4096, "ia_bits": 48, "contexts": [ctx]}}],
        "command_queue": q
    }))
}

fn run(before: &Snapshot, after: &Snapshot) -> Analysis {
    analyze(before, after).expect("analysis")
}

/// (sid, iova, size, old_pa, new_pa, cache)
type Tr = (u32, u64, u64, u64, Option<u64>, &'static str);

fn translations(a: &Analysis) -> Vec<Tr> {
    a.report
        .stale
        .iter()
        .filter(|s| s.kind == "translation")
        .map(|s| (s.sid, s.iova.unwrap_or(0), s.size.unwrap_or(0), s.old_pa.unwrap_or(0), s.new_pa, s.cache))
        .collect()
}

fn required(a: &Analysis) -> Vec<(&'static str, Vec<u64>)> {
    a.report.required.iter().map(|r| (r.name, r.words.clone())).collect()
}

const PAGE: u64 = 0x1000;
const VA: u64 = 0x10000;
const OLD: u64 = 0x4000_0000;
const NEW: u64 = 0x4800_0000;

/// BEFORE maps VA -> OLD, AFTER maps VA -> NEW, with these commands consumed in between.
fn remap(ng: bool, cmds: &[&str]) -> Analysis {
    let b = s1(&[(VA, OLD, PAGE)], 1, ng, None, queue(4, 0, &[]), false);
    let a = s1(&[(VA, NEW, PAGE)], 1, ng, None, queue(4, 0, cmds), false);
    run(&b, &a)
}

/// CMD_TLBI_NH_VA (4.4.2.4): opcode 0x12, ASID [63:48], VMID [47:32], Leaf [64], Address
/// VA[63:12] in [127:76] (word 1 bits [63:12]).
fn nh_va(asid: u64, va: u64, leaf: u64) -> Vec<u64> {
    vec![0x12 | asid << 48, va | leaf]
}
/// CMD_SYNC (4.7.3): opcode 0x46, no completion signal.
const SYNC: [u64; 2] = [0x46, 0];

#[test]
fn remap_without_tlbi_leaves_the_tlb_entry() {
    let a = remap(true, &[]);
    assert_eq!(translations(&a), vec![(1, VA, PAGE, OLD, Some(NEW), "TLB")]);
    assert_eq!(a.report.changes.iter().filter(|c| c.kind == "mapping").count(), 1);
    assert_eq!(required(&a), vec![("CMD_TLBI_NH_VA", nh_va(1, VA, 1)), ("CMD_SYNC", SYNC.to_vec())]);
    // The core API for the walk views.
    let hit = a.stale_at(1, None, VA + 0x123).expect("stale hit");
    assert_eq!((hit.old_pa, hit.new_pa), (OLD + 0x123, Some(NEW + 0x123)));
    assert!(a.stale_at(1, None, VA + PAGE).is_none());
}

#[test]
fn tlbi_nh_va_with_the_right_asid_clears_it() {
    let a = remap(true, &["TLBI_NH_VA ASID=1 Address=0x10000 Leaf=1", "SYNC"]);
    assert!(a.report.stale.is_empty(), "{:?}", a.report.stale);
    assert_eq!(a.report.commands.len(), 2);
    assert_eq!(a.report.commands[0].name, "CMD_TLBI_NH_VA");
}

#[test]
fn tlbi_nh_va_with_another_asid_does_not_clear_a_non_global_entry() {
    let a = remap(true, &["TLBI_NH_VA ASID=2 Address=0x10000", "SYNC"]);
    assert_eq!(translations(&a), vec![(1, VA, PAGE, OLD, Some(NEW), "TLB")]);
}

/// 4.4.2.4: TLBI_NH_VA also invalidates global entries by VA "regardless of the ASID".
#[test]
fn tlbi_nh_va_with_another_asid_clears_a_global_entry() {
    let a = remap(false, &["TLBI_NH_VA ASID=2 Address=0x10000", "SYNC"]);
    assert!(a.report.stale.is_empty(), "{:?}", a.report.stale);
}

#[test]
fn tlbi_nh_asid_clears_non_global_but_not_global_entries() {
    let a = remap(true, &["TLBI_NH_ASID ASID=1", "SYNC"]);
    assert!(a.report.stale.is_empty(), "{:?}", a.report.stale);
    // 4.4.2.2: "invalidates stage 1 NS-EL1 non-global entries by ASID".
    let a = remap(false, &["TLBI_NH_ASID ASID=1", "SYNC"]);
    assert_eq!(translations(&a), vec![(1, VA, PAGE, OLD, Some(NEW), "TLB")]);
    // A global entry: TLBI_NH_VAA (VMID 0) at the address, Leaf = 1.
    assert_eq!(required(&a), vec![("CMD_TLBI_NH_VAA", vec![0x13, VA | 1]), ("CMD_SYNC", SYNC.to_vec())]);
}

#[test]
fn tlbi_nsnh_all_clears_everything() {
    let a = remap(true, &["TLBI_NSNH_ALL", "SYNC"]);
    assert!(a.report.stale.is_empty(), "{:?}", a.report.stale);
}

/// 4.3.1 note: CMD_CFGI_STE "is not required to affect TLB contents".
#[test]
fn configuration_invalidation_alone_leaves_the_tlb() {
    let a = remap(true, &["CFGI_ALL", "SYNC", "CFGI_CD StreamID=1 SubstreamID=0 Leaf=1", "SYNC"]);
    assert_eq!(translations(&a), vec![(1, VA, PAGE, OLD, Some(NEW), "TLB")]);
}

/// 4.7.3: only a CMD_SYNC guarantees that the invalidations before it completed.
#[test]
fn an_invalidation_without_sync_may_not_have_completed() {
    let a = remap(true, &["TLBI_NH_VA ASID=1 Address=0x10000 Leaf=1"]);
    assert_eq!(translations(&a), vec![(1, VA, PAGE, OLD, Some(NEW), "TLB")]);
    assert!(a.report.stale[0].why.contains("CMD_SYNC"), "{}", a.report.stale[0].why);
    assert_eq!(required(&a), vec![("CMD_SYNC", SYNC.to_vec())]);
}

/// 4.3.3: changing a CD's ASID needs CMD_CFGI_CD; without it the old CD (and ASID) is used.
#[test]
fn cd_asid_change_needs_cfgi_cd() {
    let m = [(VA, OLD, PAGE)];
    let b = s1(&m, 1, true, None, queue(4, 0, &[]), false);
    let a = s1(&m, 2, true, None, queue(4, 0, &[]), false);
    let r = run(&b, &a);
    let cfg: Vec<_> = r.report.stale.iter().filter(|s| s.kind == "config").map(|s| (s.sid, s.structure)).collect();
    assert_eq!(cfg, vec![(1, Some("CD"))]);
    assert!(translations(&r).is_empty(), "same tables: the old ASID translates the same");
    // CMD_CFGI_CD (4.3.3): opcode 0x05, SubstreamID [31:12], StreamID [63:32], Leaf [64].
    assert_eq!(required(&r), vec![("CMD_CFGI_CD", vec![0x05 | 1 << 32, 1]), ("CMD_SYNC", SYNC.to_vec())]);
    let a = s1(&m, 2, true, None, queue(4, 0, &["CFGI_CD StreamID=1 SubstreamID=0 Leaf=1", "SYNC"]), false);
    let r = run(&b, &a);
    assert!(r.report.stale.is_empty(), "{:?}", r.report.stale);
}

/// 4.3.3: "Changing TTBRx/ASID (software must also invalidate TLBs using the old ASID)":
/// a new TTB0 under the same ASID with only CFGI_CD leaves the ASID's TLB entries.
#[test]
fn cd_ttb0_change_needs_cfgi_cd_and_tlbi() {
    let b = s1(&[(VA, OLD, PAGE)], 1, true, None, queue(4, 0, &[]), false);
    let after = |cmds: &[&str]| s1(&[(VA, NEW, PAGE)], 1, true, Some(0x9000_0000), queue(4, 0, cmds), false);
    let r = run(&b, &after(&[]));
    assert!(r.report.stale.iter().any(|s| s.kind == "config" && s.structure == Some("CD")));
    assert_eq!(translations(&r), vec![(1, VA, PAGE, OLD, Some(NEW), "TLB")]);
    assert!(r.report.changes.iter().any(|c| c.kind == "CD" && c.what.contains("TTB0")), "{:?}", r.report.changes);
    let r = run(&b, &after(&["CFGI_CD StreamID=1 SubstreamID=0 Leaf=1", "SYNC"]));
    assert!(r.report.stale.iter().all(|s| s.kind == "translation"));
    assert_eq!(translations(&r), vec![(1, VA, PAGE, OLD, Some(NEW), "TLB")]);
    let r = run(&b, &after(&["CFGI_CD StreamID=1 SubstreamID=0 Leaf=1", "TLBI_NH_ASID ASID=1", "SYNC"]));
    assert!(r.report.stale.is_empty(), "{:?}", r.report.stale);
}

/// A nested stream: stage 1 VA 0x1000 -> IPA 0x100000, stage 2 IPA 0x100000 -> PA.
fn nested(s2_pa: u64, cmds: &[&str]) -> Snapshot {
    build(json!({
        "name": "stale-nested",
        "streams": [{"sid": 2, "config": "nested",
            "s2": {"granule": 4096, "ia_bits": 40, "vmid": 5, "mappings": maps(&[(0x10_0000, s2_pa, PAGE)])},
            "s1": {"granule": 4096, "ia_bits": 48, "contexts": [{"asid": 3, "ng": true, "mappings": maps(&[(0x1000, 0x10_0000, PAGE)])}]}}],
        "command_queue": queue(4, 0, cmds)
    }))
}

#[test]
fn stage_2_change_under_nested_stage_1() {
    let b = nested(0x20_0000, &[]);
    // No invalidation: the combined entry still gives the old PA for VA 0x1000, and the
    // stage 2 entry for IPA 0x100000 too.
    let both = vec![
        (2, 0x1000, PAGE, 0x20_0000, Some(0x30_0000), "TLB"),
        (2, 0x10_0000, PAGE, 0x20_0000, Some(0x30_0000), "TLB"),
    ];
    let r = run(&b, &nested(0x30_0000, &[]));
    assert_eq!(translations(&r), both);
    let st: Vec<_> = r.report.stale.iter().map(|s| s.stage).collect();
    assert_eq!(st, vec![Some("nested"), Some("2")]);
    // CMD_TLBI_S12_VMALL (4.4.3.2): opcode 0x28, VMID [47:32].
    assert_eq!(required(&r), vec![("CMD_TLBI_S12_VMALL", vec![0x28 | 5 << 32, 0]), ("CMD_SYNC", SYNC.to_vec())]);
    let r = run(&b, &nested(0x30_0000, &["TLBI_S12_VMALL VMID=5", "SYNC"]));
    assert!(r.report.stale.is_empty(), "{:?}", r.report.stale);
    // 4.4.3.1: TLBI_S2_IPA "is not required to invalidate ... combined stage 1 and stage 2".
    let r = run(&b, &nested(0x30_0000, &["TLBI_S2_IPA VMID=5 Address=0x100000", "SYNC"]));
    assert_eq!(translations(&r), vec![(2, 0x1000, PAGE, 0x20_0000, Some(0x30_0000), "TLB")]);
    // TLBI_NH_ALL clears the combined entry; the stage 2 entry for the IPA is still there,
    // and a new walk of VA 0x1000 goes through it.
    let r = run(&b, &nested(0x30_0000, &["TLBI_NH_ALL VMID=5", "SYNC"]));
    assert_eq!(translations(&r), both);
    assert!(r.report.stale[0].why.contains("stage 2"), "{}", r.report.stale[0].why);
    // CMD_TLBI_S2_IPA (4.4.3.1): opcode 0x2a, VMID [47:32], Leaf [64], IPA[55:12] at [119:76].
    assert_eq!(
        required(&r),
        vec![("CMD_TLBI_S2_IPA", vec![0x2a | 5 << 32, 0x10_0000 | 1]), ("CMD_SYNC", SYNC.to_vec())]
    );
    let r = run(&b, &nested(0x30_0000, &["TLBI_NH_ALL VMID=5", "TLBI_S2_IPA VMID=5 Address=0x100000 Leaf=1", "SYNC"]));
    assert!(r.report.stale.is_empty(), "{:?}", r.report.stale);
}

/// 4.4.1.1: Range = (NUM + 1) * 2^SCALE * granule from Address; TG selects the granule the
/// entries were inserted with, TTL the level of the leaf.
#[test]
fn range_invalidation_coverage() {
    let eight = 8 * PAGE;
    let b = s1(&[(VA, OLD, eight)], 1, true, None, queue(4, 0, &[]), true);
    let after = |cmd: &str| run(&b, &s1(&[(VA, NEW, eight)], 1, true, None, queue(4, 0, &[cmd, "SYNC"]), true));
    // 8 pages exactly: NUM = 7, SCALE = 0, and NUM = 3, SCALE = 1.
    for c in [
        "TLBI_NH_VA ASID=1 Address=0x10000 TG=1 TTL=3 NUM=7 SCALE=0 Leaf=1",
        "TLBI_NH_VA ASID=1 Address=0x10000 TG=1 TTL=3 NUM=3 SCALE=1 Leaf=1",
        "TLBI_NH_VA ASID=1 Address=0x10000 TG=1 TTL=0 NUM=0 SCALE=3 Leaf=1",
    ] {
        assert!(after(c).report.stale.is_empty(), "{c}");
    }
    // NUM = 6: seven pages, the eighth (VA + 7 pages) stays.
    let r = after("TLBI_NH_VA ASID=1 Address=0x10000 TG=1 TTL=3 NUM=6 SCALE=0 Leaf=1");
    assert_eq!(translations(&r), vec![(1, VA + 7 * PAGE, PAGE, OLD + 7 * PAGE, Some(NEW + 7 * PAGE), "TLB")]);
    // Starting one page in: the first page stays.
    let r = after("TLBI_NH_VA ASID=1 Address=0x11000 TG=1 TTL=3 NUM=7 SCALE=0 Leaf=1");
    assert_eq!(translations(&r), vec![(1, VA, PAGE, OLD, Some(NEW), "TLB")]);
    // TG = 16KB: the entries were inserted with 4KB, none is required to go.
    let r = after("TLBI_NH_VA ASID=1 Address=0x10000 TG=2 TTL=3 NUM=7 SCALE=0 Leaf=1");
    assert_eq!(translations(&r), vec![(1, VA, eight, OLD, Some(NEW), "TLB")]);
    // TTL = 2: the leaves are at level 3.
    let r = after("TLBI_NH_VA ASID=1 Address=0x10000 TG=1 TTL=2 NUM=7 SCALE=0 Leaf=1");
    assert_eq!(translations(&r), vec![(1, VA, eight, OLD, Some(NEW), "TLB")]);
    // The required command: one range of 8 pages, NUM = 0, SCALE = 3, TG = 4KB, TTL = 3:
    // word 0 = 0x12 | ASID << 48 | SCALE << 20, word 1 = VA | TG << 10 | TTL << 8 | Leaf.
    let r = run(&b, &s1(&[(VA, NEW, eight)], 1, true, None, queue(4, 0, &[]), true));
    assert_eq!(
        required(&r),
        vec![
            ("CMD_TLBI_NH_VA", vec![0x12 | 1 << 48 | 3 << 20, VA | 1 << 10 | 3 << 8 | 1]),
            ("CMD_SYNC", SYNC.to_vec())
        ]
    );
    // Without RIL: one command per page.
    let b = s1(&[(VA, OLD, eight)], 1, true, None, queue(4, 0, &[]), false);
    let r = run(&b, &s1(&[(VA, NEW, eight)], 1, true, None, queue(4, 0, &[]), false));
    let req = required(&r);
    assert_eq!(req.len(), 9);
    assert_eq!(req[7], ("CMD_TLBI_NH_VA", nh_va(1, VA + 7 * PAGE, 1)));
}

/// The queue wraps: 4 entries, BEFORE's CONS at index 3, the commands at 3 and 0, AFTER's
/// CONS at index 1 with the wrap bit set (6.3.28: bit [QS] of RD is the wrap flag).
#[test]
fn command_queue_wraps() {
    let b = s1(&[(VA, OLD, PAGE)], 1, true, None, queue(2, 3, &[]), false);
    let a = s1(
        &[(VA, NEW, PAGE)],
        1,
        true,
        None,
        queue(2, 3, &["TLBI_NH_VA ASID=1 Address=0x10000 Leaf=1", "SYNC"]),
        false,
    );
    assert_eq!(a.registers.get("CMDQ_CONS"), Some(0b101));
    let r = run(&b, &a);
    let idx: Vec<u64> = r.report.commands.iter().map(|c| c.index).collect();
    assert_eq!(idx, vec![3, 0]);
    assert!(r.report.stale.is_empty(), "{:?}", r.report.stale);
}

/// A table descriptor changed (the level 2 table for VA 0 moved) and only a Leaf = 1 TLBI
/// followed: the walk cache may still hold the old level 1 descriptor (4.4.2.4 "When Leaf ==
/// 1, only cached entries for the last level ... are required to be invalidated").
#[test]
fn leaf_only_invalidation_leaves_the_walk_cache() {
    // BEFORE allocates L1, L2(A), L3(A) for VA 0x10000. AFTER maps 0x40000000 first, so its
    // tables are L1, L2(B), L3(B), then L2(A'), L3(A'): L1[0] now points at L2(A'), and
    // BEFORE's L2(A) address holds L2(B), whose entry 0 leads to L3(B) mapping page 0 to Y.
    let y = 0x5000_0000;
    let b = s1(&[(VA, OLD, PAGE)], 1, true, None, queue(4, 0, &[]), false);
    let after = |cmds: &[&str]| s1(&[(0x4000_0000, y, PAGE), (VA, NEW, PAGE)], 1, true, None, queue(4, 0, cmds), false);
    let r = run(&b, &after(&["TLBI_NH_VA ASID=1 Address=0x10000 Leaf=1", "SYNC"]));
    assert_eq!(translations(&r), vec![(1, 0, PAGE, y, None, "walk cache")]);
    assert!(r.report.changes.iter().any(|c| c.kind == "table"), "{:?}", r.report.changes);
    // Leaf = 0 at any address under the moved table.
    assert_eq!(required(&r), vec![("CMD_TLBI_NH_VA", nh_va(1, 0, 0)), ("CMD_SYNC", SYNC.to_vec())]);
    let r = run(&b, &after(&["TLBI_NH_VA ASID=1 Address=0x10000 Leaf=0", "SYNC"]));
    assert!(r.report.stale.is_empty(), "{:?}", r.report.stale);
}

#[test]
fn identical_snapshots_have_nothing_stale() {
    let b = s1(&[(VA, OLD, PAGE)], 1, true, None, queue(4, 0, &[]), false);
    let r = run(&b, &b);
    assert!(r.report.stale.is_empty() && r.report.changes.is_empty() && r.report.commands.is_empty());
}

#[test]
fn different_queues_are_an_input_error() {
    let b = s1(&[(VA, OLD, PAGE)], 1, true, None, queue(4, 0, &[]), false);
    let a = s1(&[(VA, OLD, PAGE)], 1, true, None, queue(5, 0, &[]), false);
    let e = analyze(&b, &a).err().expect("error");
    assert!(e.contains("SMMU_CMDQ_BASE"), "{e}");
}

/// ATS (STE.EATS = 0b01): the device's ATC holds the translation too; the SMMU's TLBI does
/// not reach it, CMD_ATC_INV (4.5.1) does, after the TLBI and a CMD_SYNC.
#[test]
fn ats_needs_atc_inv() {
    let sc = |pa: u64, cmds: &[&str]| {
        build(json!({
            "name": "stale-ats",
            "streams": [{"sid": 1, "config": "s1", "ats": true, "s1": {"granule": 4096, "ia_bits": 48,
                "contexts": [{"asid": 1, "ng": true, "mappings": maps(&[(VA, pa, PAGE)])}]}}],
            "command_queue": queue(4, 0, cmds)
        }))
    };
    let b = sc(OLD, &[]);
    let r = run(&b, &sc(NEW, &["TLBI_NH_VA ASID=1 Address=0x10000 Leaf=1", "SYNC"]));
    assert_eq!(translations(&r), vec![(1, VA, PAGE, OLD, Some(NEW), "ATC")]);
    // CMD_ATC_INV: opcode 0x40, StreamID [63:32], Size [69:64] = 0 (one 4KB span), Address
    // [127:76].
    assert_eq!(required(&r), vec![("CMD_ATC_INV", vec![0x40 | 1 << 32, VA]), ("CMD_SYNC", SYNC.to_vec())]);
    let r = run(
        &b,
        &sc(
            NEW,
            &["TLBI_NH_VA ASID=1 Address=0x10000 Leaf=1", "SYNC", "ATC_INV StreamID=1 Address=0x10000 Size=0", "SYNC"],
        ),
    );
    assert!(r.report.stale.is_empty(), "{:?}", r.report.stale);
    // Without the TLBI both the SMMU's TLB and the ATC are stale: the TLBI and a CMD_SYNC
    // first, or an ATS request after the ATC_INV could fetch the stale entry again.
    let r = run(&b, &sc(NEW, &[]));
    assert_eq!(translations(&r), vec![(1, VA, PAGE, OLD, Some(NEW), "TLB"), (1, VA, PAGE, OLD, Some(NEW), "ATC")]);
    let names: Vec<&str> = r.report.required.iter().map(|q| q.name).collect();
    assert_eq!(names, vec!["CMD_TLBI_NH_VA", "CMD_SYNC", "CMD_ATC_INV", "CMD_SYNC"]);
}

/// 4.3.3: CMD_CFGI_CD's SubstreamID is the CD table index; another index leaves the CD.
#[test]
fn cfgi_cd_targets_one_substream() {
    let sc = |asid2: u64, cmds: &[&str]| {
        build(json!({
            "name": "stale-ssid",
            "streams": [{"sid": 1, "config": "s1", "s1": {"granule": 4096, "ia_bits": 48, "ssid_bits": 2,
                "contexts": [
                    {"ssid": 1, "asid": 1, "ng": true, "mappings": maps(&[(VA, OLD, PAGE)])},
                    {"ssid": 2, "asid": asid2, "ng": true, "mappings": maps(&[(VA, NEW, PAGE)])}]}}],
            "command_queue": queue(4, 0, cmds)
        }))
    };
    let b = sc(2, &[]);
    let cfg = |r: &Analysis| -> Vec<(u32, Option<u32>, Option<&'static str>)> {
        r.report.stale.iter().filter(|s| s.kind == "config").map(|s| (s.sid, s.ssid, s.structure)).collect()
    };
    let r = run(&b, &sc(3, &["CFGI_CD StreamID=1 SubstreamID=1 Leaf=1", "SYNC"]));
    assert_eq!(cfg(&r), vec![(1, Some(2), Some("CD"))]);
    // CMD_CFGI_CD StreamID 1, SubstreamID 2 [31:12], Leaf.
    assert_eq!(required(&r), vec![("CMD_CFGI_CD", vec![0x05 | 2 << 12 | 1 << 32, 1]), ("CMD_SYNC", SYNC.to_vec())]);
    let r = run(&b, &sc(3, &["CFGI_CD StreamID=1 SubstreamID=2 Leaf=1", "SYNC"]));
    assert!(r.report.stale.is_empty(), "{:?}", r.report.stale);
    // CMD_CFGI_STE also invalidates the CDs cached through the StreamID (4.3.1).
    let r = run(&b, &sc(3, &["CFGI_STE StreamID=1 Leaf=1", "SYNC"]));
    assert!(r.report.stale.is_empty(), "{:?}", r.report.stale);
}

/// Stage 2 moves the pages holding the stage 1 tables and CD (scatter_s1_tables: same IPAs,
/// new PAs, content moved); the translations are the same, but the cached stage 2 entries
/// for those IPAs still give the old PAs (each stage 1 descriptor fetch is translated by
/// stage 2, IHI 0070 3.4.3), until TLBI_S2_IPA / TLBI_S12_VMALL.
#[test]
fn stage_2_change_under_the_stage_1_tables() {
    let sc = |scatter: bool, cmds: &[&str]| {
        build(json!({
            "name": "stale-nested-tables",
            "streams": [{"sid": 2, "config": "nested",
                "s2": {"granule": 4096, "ia_bits": 40, "vmid": 5, "scatter_s1_tables": scatter,
                       "mappings": maps(&[(0x10_0000, 0x20_0000, PAGE)])},
                "s1": {"granule": 4096, "ia_bits": 48, "contexts": [{"asid": 3, "ng": true, "mappings": maps(&[(0x1000, 0x10_0000, PAGE)])}]}}],
            "command_queue": queue(4, 0, cmds)
        }))
    };
    let b = sc(false, &[]);
    let r = run(&b, &sc(true, &["TLBI_NH_ALL VMID=5", "SYNC"]));
    let s2: Vec<_> = r.report.stale.iter().filter(|s| s.stage == Some("2")).collect();
    let tlb: Vec<_> = s2.iter().filter(|s| s.cache == "TLB").collect();
    assert!(!tlb.is_empty(), "{:?}", r.report.stale);
    // (The stage 2 tables themselves moved too, so stage 2 walk-cache entries are stale.)
    assert!(s2.iter().all(|s| s.cache == "TLB" || s.cache == "walk cache"), "{s2:?}");
    for s in &tlb {
        // BEFORE mapped them IPA = PA (docs/walk.md); AFTER elsewhere.
        assert_eq!(s.old_pa, s.iova, "{s:?}");
        assert!(s.new_pa.is_some() && s.new_pa != s.old_pa, "{s:?}");
    }
    assert!(r.report.stale.iter().all(|s| s.kind == "translation" && s.stage == Some("2")), "{:?}", r.report.stale);
    assert!(r.report.required.iter().all(|q| q.name == "CMD_TLBI_S2_IPA" || q.name == "CMD_SYNC"));
    assert!(r.report.notes.iter().any(|n| n.contains("QEMU 10.0")), "{:?}", r.report.notes);
    // The walk view API: IPA-keyed stage 2 entries of a nested stream are not IOVA hits.
    assert!(s2.iter().all(|s| r.stale_at(2, None, s.iova.unwrap_or(0)).is_none()));
    let r = run(&b, &sc(true, &["TLBI_S12_VMALL VMID=5", "SYNC"]));
    assert!(r.report.stale.is_empty(), "{:?}", r.report.stale);
}

fn with_register(s: &Snapshot, name: &str, value: u64) -> Snapshot {
    let mut v: Value = serde_json::from_str(&s.to_json()).expect("json");
    v["registers"][name] = json!(format!("{value:#x}"));
    Snapshot::from_json(&v.to_string()).expect("snapshot")
}

/// Bad input is an error naming what is missing, never a panic or a half result.
#[test]
fn missing_queue_memory_and_tables_are_reported() {
    let b = s1(&[(VA, OLD, PAGE)], 1, true, None, queue(4, 0, &[]), false);
    let a = s1(&[(VA, NEW, PAGE)], 1, true, None, queue(4, 0, &["SYNC"]), false);
    // Both queues moved to memory neither snapshot holds (LOG2SIZE 4 kept).
    let (b2, a2) = (with_register(&b, "CMDQ_BASE", 0x6000_0004), with_register(&a, "CMDQ_BASE", 0x6000_0004));
    let e = analyze(&b2, &a2).err().expect("error");
    assert!(e.contains("command queue entry 0") && e.contains("0x60000000"), "{e}");
    // A stream table outside the memory image: no stream is modelled, nothing is stale.
    let (b3, a3) = (with_register(&b, "STRTAB_BASE", 0x5000_0000), with_register(&a, "STRTAB_BASE", 0x5000_0000));
    let r = run(&b3, &a3);
    assert!(r.report.stale.is_empty() && r.report.changes.is_empty());
    assert_eq!(r.report.commands.len(), 1);
    // AFTER's CONS one behind BEFORE's (same wrap bit): it would have gone round 31 of 32
    // positions, more entries than the 16-entry queue holds.
    let a4 = with_register(&a, "CMDQ_CONS", 0);
    let b4 = with_register(&b, "CMDQ_CONS", 1);
    let e = analyze(&b4, &a4).err().expect("error");
    assert!(e.contains("more than the queue holds"), "{e}");
}

/// 4.3.1: "When Leaf == 1, only the STE is invalidated and the intermediate L1ST descriptors
/// are not required to be invalidated." A 2-level stream table whose two level 2 tables
/// swapped places (AFTER builds StreamID 0x100 first, so its level 2 table takes the first
/// allocation): both L1STDs changed.
#[test]
fn moved_level_2_stream_table_needs_cfgi_ste_leaf_0() {
    let stream = |sid: u64| {
        json!({"sid": sid, "config": "s1", "s1": {"granule": 4096, "ia_bits": 48,
            "contexts": [{"asid": sid, "ng": true, "mappings": maps(&[(VA, OLD, PAGE)])}]}})
    };
    let sc = |streams: Vec<Value>, cmds: &[&str]| {
        build(json!({"name": "stale-l1std", "stream_table": {"format": "2-level", "split": 8},
            "streams": streams, "command_queue": queue(4, 0, cmds)}))
    };
    let b = sc(vec![stream(1), stream(0x100)], &[]);
    let after = |cmds: &[&str]| sc(vec![stream(0x100), stream(1)], cmds);
    let l1 = |r: &Analysis| {
        r.report.stale.iter().filter(|s| s.structure == Some("L1STD")).map(|s| s.sid).collect::<Vec<_>>()
    };
    let r = run(&b, &after(&["CFGI_STE StreamID=1 Leaf=1", "CFGI_STE StreamID=0x100 Leaf=1", "SYNC"]));
    assert_eq!(l1(&r), vec![1, 0x100], "{:?}", r.report.stale);
    // CMD_CFGI_STE (4.3.1): opcode 0x03, StreamID [63:32], Leaf [64] = 0.
    assert_eq!(
        required(&r)[..2],
        [("CMD_CFGI_STE", vec![0x03 | 1 << 32, 0]), ("CMD_CFGI_STE", vec![0x03 | 0x100 << 32, 0])]
    );
    let r = run(&b, &after(&["CFGI_STE StreamID=1 Leaf=0", "CFGI_STE StreamID=0x100 Leaf=1", "SYNC"]));
    assert_eq!(l1(&r), vec![0x100], "{:?}", r.report.stale);
    let r = run(&b, &after(&["CFGI_STE StreamID=1 Leaf=0", "CFGI_STE StreamID=0x100 Leaf=0", "SYNC"]));
    assert!(r.report.stale.iter().all(|s| s.kind != "config"), "{:?}", r.report.stale);
    let r = run(&b, &after(&["CFGI_ALL", "SYNC"]));
    assert!(r.report.stale.iter().all(|s| s.kind != "config"), "{:?}", r.report.stale);
}
