//! Every shipped teaching scenario builds, and each of its walks behaves as the scenario
//! says the architecture requires (expected outcomes and PAs are written by hand in the
//! scenario files from IHI 0070 / the Arm ARM, not produced by the code).

use smmu_core::scenario;
use smmu_core::walk::{self, Access, Outcome, WalkRequest};

fn scenarios() -> Vec<(String, scenario::Scenario)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/scenarios");
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    v.sort();
    v.into_iter()
        .map(|p| {
            let t = std::fs::read_to_string(&p).unwrap();
            (p.display().to_string(), scenario::parse(&t).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        })
        .collect()
}

#[test]
fn at_least_eight_scenarios() {
    assert!(scenarios().len() >= 8);
}

#[test]
fn every_scenario_walk_behaves_as_expected() {
    for (path, s) in scenarios() {
        let snap = scenario::build(&s).unwrap_or_else(|e| panic!("{path}: {e}"));
        // The snapshot survives a JSON round trip.
        let snap = smmu_core::snapshot::Snapshot::from_json(&snap.to_json()).unwrap();
        assert!(!s.walks.is_empty(), "{path}: no walks");
        for w in &s.walks {
            let access = w.access.as_deref().map(|a| Access::parse(a).unwrap()).unwrap_or(Access::Read);
            let req = WalkRequest { sid: w.sid.0 as u32, ssid: w.ssid, iova: w.iova.0, access, unpriv: w.unpriv };
            let r = walk::translate_snapshot(&snap, &req);
            let got = r
                .event
                .as_ref()
                .map(|e| e.kind.name().to_string())
                .unwrap_or_else(|| format!("{:?}", r.outcome).to_lowercase());
            assert_eq!(got, w.expect, "{path}: {:?}: {}", req, r.summary);
            if let Some(pa) = w.pa {
                assert_eq!(r.pa, Some(pa.0), "{path}: {:?}", req);
            }
            if let Some(s2) = w.s2 {
                assert_eq!(r.event.as_ref().map(|e| e.s2), Some(s2), "{path}: {:?}", req);
            }
            if let Some(c) = &w.class {
                assert_eq!(
                    r.event.as_ref().and_then(|e| e.class).map(|c| format!("{c:?}")),
                    Some(c.clone()),
                    "{path}: {:?}",
                    req
                );
            }
            // Every step's JSON has the contract keys.
            let j = serde_json::to_value(&r).unwrap();
            for k in ["outcome", "pa", "event", "steps"] {
                assert!(j.get(k).is_some(), "missing key {k}");
            }
            for st in j["steps"].as_array().unwrap() {
                for k in ["stage", "level", "kind", "address", "value", "explanation"] {
                    assert!(st.get(k).is_some(), "step missing key {k}");
                }
            }
        }
    }
}

fn build(name: &str) -> smmu_core::snapshot::Snapshot {
    let (_, s) = scenarios().into_iter().find(|(p, _)| p.contains(name)).unwrap();
    scenario::build(&s).unwrap()
}

#[test]
fn nested_4k_over_4k_reads_24_descriptors_for_the_translation() {
    let snap = build("05-nested");
    let r = walk::translate_snapshot(&snap, &WalkRequest::new(0x40, 0x1_0000_0042, Access::Read));
    assert_eq!(r.outcome, Outcome::Translated);
    // Arm ARM: 4-level over 4-level = (4 + 1) * 4 + 4 = 24 reads; plus 4 to translate the
    // CD's IPA.
    let s1_and_s2: Vec<_> = r.steps.iter().filter(|s| s.stage != "config" && s.address.is_some()).collect();
    assert_eq!(s1_and_s2.len(), 28);
    assert_eq!(r.descriptor_reads, 28);
    let cd_walk = s1_and_s2.iter().filter(|s| s.purpose.as_deref().is_some_and(|p| p.starts_with("CD"))).count();
    assert_eq!(cd_walk, 4);
    assert_eq!(r.ipa, Some(0x2_0000_1042));
}

#[test]
fn concatenated_stage2_start_uses_second_table() {
    let snap = build("04-s2");
    let r = walk::translate_snapshot(&snap, &WalkRequest::new(0x20, 0xc0_0000_0123, Access::Read));
    let first = r.steps.iter().find(|s| s.stage == "2" && s.level == Some(1)).unwrap();
    // IPA[39:30] = 0x300: index 768 of the 2 concatenated 512-entry tables.
    assert_eq!(first.index, Some(0x300));
    assert_eq!(first.index_bits.as_deref(), Some("IPA[39:30]"));
    assert_eq!(first.address.unwrap() - first.table.unwrap(), 0x300 * 8);
}

#[test]
fn stage2_fault_on_stage1_table_fetch_is_class_tt() {
    let snap = build("06-nested");
    let r = walk::translate_snapshot(&snap, &WalkRequest::new(0x41, 0x1_0000_0042, Access::Read));
    let e = r.event.unwrap();
    assert!(e.s2);
    assert_eq!(format!("{:?}", e.class.unwrap()), "TT");
    // InputAddr is the transaction's address; IPA is the stage 1 table's.
    assert_eq!(e.input_addr, Some(0x1_0000_0042));
    assert_ne!(e.ipa, Some(0x1_0000_0042));
}

#[test]
fn bad_scenarios_are_errors_not_panics() {
    let cases = [
        r#"{"name": "a", "streams": [{"sid": 1, "config": "s1", "s1": {"granule": 0, "contexts": []}}]}"#,
        r#"{"name": "b", "streams": [{"sid": 1, "config": "s1", "s1": {"ia_bits": 5, "contexts": []}}]}"#,
        r#"{"name": "c", "streams": [{"sid": 1, "config": "s2", "s2": {"ia_bits": 40, "start_level": 7}}]}"#,
        r#"{"name": "d", "smmu": {"sidsize": 64}, "streams": [{"sid": "0xffffffffffffffff", "config": "bypass"}]}"#,
        r#"{"name": "e", "stream_table": {"format": "2-level", "split": 60}, "streams": [{"sid": 1, "config": "bypass"}]}"#,
        r#"{"name": "f", "streams": [{"sid": 1, "config": "s1", "s1": {"contexts": [{"mappings": [{"va": "0x1000", "pa": "0xfffffffffffff000", "size": "0x2000"}]}]}}]}"#,
        r#"{"name": "g", "streams": [{"sid": 1, "config": "s1", "s1": {"contexts": [{"mappings": [{"va": "0x1001", "pa": "0x0", "size": "0x1000"}]}]}}]}"#,
        r#"{"name": "h", "streams": [{"sid": 1, "config": "weird"}]}"#,
        r#"{"name": "i", "streams": [{"sid": 1, "config": "s1", "s1": {"ssid_bits": 30, "contexts": []}}]}"#,
        r#"{"name": "j", "smmu": {"oas": 47}, "streams": [{"sid": 1, "config": "bypass"}]}"#,
    ];
    for c in cases {
        let s = scenario::parse(c).unwrap_or_else(|e| panic!("{c}: {e}"));
        assert!(scenario::build(&s).is_err(), "{c} should not build");
    }
    assert!(scenario::parse(r#"{"name": "x", "streams": [], "bogus": 1}"#).is_err());
}
