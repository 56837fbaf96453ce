//! Commands and event records checked against what QEMU 10.0.2 and Linux 7.3.4 did with the
//! same bytes (tests/data/README.md), plus encode/decode round trips for every layout.

use proptest::prelude::*;
use smmu_core::model::{Fmt, Layout};
use smmu_core::queues::{cmd, event, pri};

fn hex(s: &str) -> u64 {
    u64::from_str_radix(s.trim().trim_start_matches("0x"), 16).unwrap()
}

fn detail(details: &str, key: &str) -> Option<String> {
    let p = details.find(key)?;
    let r = details[p + key.len()..].trim_start();
    Some(r.split(|c: char| c.is_whitespace() || c == '|').next()?.to_string())
}

fn num(s: &str) -> i64 {
    if let Some(h) = s.strip_prefix("0x") {
        i64::from_str_radix(h, 16).unwrap()
    } else {
        s.parse().unwrap()
    }
}

#[test]
fn every_qemu_cmdq_entry_decodes_as_qemu_did() {
    let data = include_str!("data/qemu_cmdq.tsv");
    let mut n = 0;
    for line in data.lines().filter(|l| !l.starts_with('#')) {
        let c: Vec<&str> = line.split('\t').collect();
        let (w0, w1, qop, det) = (hex(c[2]), hex(c[3]), c[4], c.get(5).copied().unwrap_or(""));
        let info = cmd::decode(&[w0, w1]);
        let ours = info.name.trim_start_matches("CMD_");
        let theirs = qop.trim_start_matches("SMMU_CMD_");
        // QEMU names a CFGI_STE_RANGE with Range 31 by its opcode; we call it CMD_CFGI_ALL.
        let same = ours == theirs || (ours == "CFGI_ALL" && theirs == "CFGI_STE_RANGE");
        assert!(same, "{} {}: {} vs QEMU {}", c[0], c[1], info.name, qop);
        assert!(info.problems.iter().all(|p| p.kind != "CERROR_ILL"), "{line}: {:?}", info.problems);
        let f = |name: &str| info.fields.iter().find(|x| x.name == name).map(|x| x.value as i64);
        let addr = |name: &str| {
            info.fields.iter().find(|x| x.name == name).map(|x| match x.name {
                "Address" => (x.value << 12) as i64,
                _ => x.value as i64,
            })
        };
        if let Some(v) = detail(det, "streamid=") {
            assert_eq!(f("StreamID"), Some(num(&v)), "{line}");
        }
        if det.starts_with("smmuv3_cmdq_cfgi_cd") {
            assert_eq!(f("StreamID"), Some(num(&detail(det, "sid=").unwrap())), "{line}");
        }
        if det.starts_with("smmuv3_cmdq_cfgi_ste_range") {
            // start=0x0 - end=0xffffffff: Range 31 covers 2^32 StreamIDs.
            let range = f("Range").unwrap();
            let end = num(&detail(det, "end=").unwrap());
            assert_eq!((1i64 << (range + 1)) - 1, end, "{line}");
        }
        if det.starts_with("smmuv3_range_inval") {
            let vmid = num(&detail(det, "vmid=").unwrap());
            let asid = num(&detail(det, "asid=").unwrap());
            if vmid >= 0 {
                assert_eq!(f("VMID"), Some(vmid), "{line}");
            }
            if asid >= 0 {
                assert_eq!(f("ASID"), Some(asid), "{line}");
            }
            assert_eq!(addr("Address"), Some(num(&detail(det, "addr=").unwrap())), "{line}");
            assert_eq!(f("TG"), Some(num(&detail(det, "tg=").unwrap())), "{line}");
            assert_eq!(f("TTL"), Some(num(&detail(det, "ttl=").unwrap())), "{line}");
            assert_eq!(f("Leaf"), Some(num(&detail(det, "leaf=").unwrap())), "{line}");
            // QEMU splits a range into power-of-two chunks, one trace line each.
            let pages = (f("NUM").unwrap() + 1) << f("SCALE").unwrap();
            let total: i64 = det.split(" | ").filter_map(|d| detail(d, "num_pages=")).map(|v| num(&v)).sum();
            assert_eq!(pages, total, "{line}");
        }
        if det.starts_with("smmuv3_cmdq_tlbi_nh_asid") {
            assert_eq!(f("ASID"), Some(num(&detail(det, "asid=").unwrap())), "{line}");
        }
        if det.starts_with("smmuv3_cmdq_tlbi_s12_vmid") {
            assert_eq!(f("VMID"), Some(num(&detail(det, "vmid=").unwrap())), "{line}");
        }
        n += 1;
    }
    assert!(n > 700, "{n} entries");
}

#[test]
fn linux_cmd_sync_as_built_by_7_3() {
    // Every CMD_SYNC Linux 7.3.4 queued on QEMU: SIG_SEV, Inner Shareable, MSIAttr 0xf (OIWB).
    let c = cmd::decode(&[0x0fc02046, 0]);
    assert_eq!(c.name, "CMD_SYNC");
    let v = |n: &str| c.fields.iter().find(|f| f.name == n).unwrap().value;
    assert_eq!(v("CS"), 2);
    assert_eq!(v("MSH"), 3);
    assert_eq!(v("MSIAttr"), 0xf);
}

#[test]
fn event_records_match_qemu_and_kernel() {
    for (data, s2) in
        [(include_str!("data/qemu-s1-4k.evtq.tsv"), false), (include_str!("data/qemu-s2-4k.evtq.tsv"), true)]
    {
        for line in data.lines().filter(|l| !l.starts_with('#')) {
            let c: Vec<&str> = line.split('\t').collect();
            let w = [hex(c[1]), hex(c[2]), hex(c[3]), hex(c[4])];
            let e = event::decode(&w);
            let q = c[5];
            assert_eq!(format!("SMMU_EVT_{}", e.type_name), q.split_whitespace().next().unwrap());
            assert_eq!(format!("sid={:#x}", e.sid), q.split_whitespace().nth(1).unwrap());
            assert_eq!(e.s2, Some(s2));
            assert_eq!(e.class.as_deref(), Some("IN"));
            assert_eq!(e.ssid, None);
            assert_eq!(e.input_addr, Some(format!("{:#x}", w[2])));
        }
    }
}

#[test]
fn encoding_a_fault_reproduces_qemu_records() {
    // QEMU's stage 1 translation fault for a read of 0x12345000 by StreamID 0x18.
    let r = event::EventRecord::fault(event::F_TRANSLATION, 0x18, 0x12345000, true);
    assert_eq!(r.encode().unwrap(), [0x0000001800000010, 0x0000020800000000, 0x12345000, 0]);
    // Its stage 2 twin records S2 and the IPA.
    let r2 = event::EventRecord { s2: true, ipa: 0x12345000, ..r.clone() };
    assert_eq!(r2.encode().unwrap(), [0x0000001800000010, 0x0000028800000000, 0x12345000, 0x12345000]);
    // A permission fault on a write.
    let p = event::EventRecord::fault(event::F_PERMISSION, 0x18, 0xfedcba98040, false);
    assert_eq!(p.encode().unwrap(), [0x0000001800000013, 0x0000020000000000, 0xfedcba98040, 0]);
    // Fields a record type does not have are refused.
    let bad = event::EventRecord { code: event::C_BAD_STE, sid: 1, input_addr: 0x1000, ..Default::default() };
    assert!(bad.encode().is_err());
}

#[test]
fn hisilicon_stall_event() {
    // Kunpeng 920, Linux 6.14-rc2 (tui/tests/data/hisi-sva-6.14.log): the kernel printed
    // sid 0x7501 ssid 0x1 iova 0xaaaada7af000, "unpriv data write s1", stall, stag 0x176.
    let e = event::decode(&[0x0000750100001810, 0x0000120080000176, 0x0000aaaada7af000, 0x0000aaaada7af000]);
    assert_eq!(
        (e.sid, e.ssid, e.stall, e.stag, e.rnw, e.pnu, e.s2),
        (0x7501, Some(1), Some(true), Some(0x176), Some(false), Some(false), Some(false))
    );
    assert_eq!(e.input_addr.as_deref(), Some("0xaaaada7af000"));
}

#[test]
fn reserved_and_impdef_events() {
    assert_eq!(event::decode(&[0x0c, 0, 0, 0]).type_name, "RESERVED");
    assert_eq!(event::decode(&[0xe3 | (5 << 32), 0, 0, 0]).type_name, "IMPDEF_EVENT");
    assert_eq!(event::decode(&[0xe3 | (5 << 32), 0, 0, 0]).sid, 5);
}

#[test]
fn illegal_commands_are_explained() {
    let k = |w: [u64; 2], ctx: &cmd::CheckContext| -> Vec<&'static str> {
        cmd::check(&w, ctx).iter().map(|p| p.kind).collect()
    };
    let ns = cmd::CheckContext::default();
    assert_eq!(k([0, 0], &ns), ["CERROR_ILL"]); // opcode 0x00 Reserved
    assert_eq!(k([0x08, 0], &ns), ["CERROR_ILL"]);
    assert_eq!(k([0x85, 0], &ns), ["CERROR_ILL_OPTIONAL"]); // IMPLEMENTATION DEFINED
    assert!(k([0x03 | 1 << 10, 1], &ns).contains(&"CERROR_ILL")); // SSec on Non-secure queue
    let sec = cmd::CheckContext { queue: cmd::QueueKind::Secure, regs: None };
    assert!(k([0x03 | 1 << 10, 1], &sec).is_empty());
    assert!(k([0x18, 0], &ns).contains(&"CERROR_ILL")); // CMD_TLBI_EL3_ALL needs the Secure queue
    assert!(k([0x18, 0], &sec).is_empty());
    assert_eq!(k([0x46 | 1 << 8, 0], &ns), ["CERROR_ILL_OPTIONAL"]); // RES0 bit 8 in CMD_SYNC
    assert!(k([0x46 | 3 << 12, 0], &ns).contains(&"CERROR_ILL")); // CS == 0b11 Reserved
    assert!(k([0x41, 3 << 12], &ns).contains(&"CERROR_ILL")); // PRI Resp 0b11 Reserved
}

#[test]
fn iommufd_rewrites_guest_commands() {
    // CMD_TLBI_NSNH_ALL from a guest becomes CMD_TLBI_NH_ALL of the VM's VMID.
    assert_eq!(cmd::guest_rewrite(&[0x30, 0xdead], 7, 0), Some([0x10 | 7 << 32, 0]));
    // The guest's VMID in a TLBI_NH_VA is replaced, everything else kept.
    let va = [0x0002_0000_0000_0012 | 0x55 << 32, 0xffff8701];
    assert_eq!(cmd::guest_rewrite(&va, 3, 0), Some([0x0002_0003_0000_0012, 0xffff8701]));
    // CFGI_CD names the device by vSID: the physical SID is substituted.
    assert_eq!(cmd::guest_rewrite(&[0x05 | 0x8 << 32, 1], 0, 0x18), Some([0x05 | 0x18 << 32, 1]));
    for rejected in [0x03u64, 0x04, 0x28, 0x2a, 0x46, 0x41, 0x44] {
        assert!(!cmd::guest_verdict(&[rejected, 0]).accepted, "{rejected:#x}");
        assert_eq!(cmd::guest_rewrite(&[rejected, 0], 1, 1), None);
    }
}

#[test]
fn encode_by_name() {
    assert_eq!(cmd::encode("CMD_CFGI_STE", &[("StreamID", 8), ("Leaf", 1)]).unwrap(), [0x0000000800000003, 1]);
    assert_eq!(cmd::encode("CMD_CFGI_ALL", &[]).unwrap(), [0x04, 0x1f]);
    assert_eq!(cmd::encode("TLBI_NH_ASID", &[("ASID", 4)]).unwrap(), [0x0004000000000011, 0]);
    assert!(cmd::encode("CMD_NOPE", &[]).is_err());
    assert!(cmd::by_name("é€x").is_none() && cmd::by_name("CMD_").is_none() && event::by_name("ü").is_none());
    assert!(cmd::encode("CMD_SYNC", &[("StreamID", 1)]).is_err());
}

fn layouts() -> Vec<&'static Layout> {
    let mut v: Vec<&'static Layout> = cmd::COMMANDS.iter().map(|c| c.layout).collect();
    v.extend(event::EVENT_TYPES.iter().map(|t| t.layout));
    v.push(&pri::PRI_ENTRY);
    v
}

proptest! {
    #[test]
    fn every_layout_round_trips(seed in proptest::collection::vec(any::<u64>(), 4), pick in 0usize..1000) {
        let all = layouts();
        let l = all[pick % all.len()];
        let words: Vec<u64> = seed[..l.words()].to_vec();
        // decode -> encode keeps every field bit and drops only RES0 bits.
        let d = l.decode(&words);
        let back = l.encode_decoded(&d).unwrap();
        let res0 = l.res0_mask();
        for i in 0..l.words() {
            prop_assert_eq!(back[i], words[i] & !res0[i], "{} word {}", l.name, i);
        }
        // encode from random field values -> decode gives them back.
        let vals: Vec<(&str, u64)> = l.fields.iter().zip(seed.iter().cycle()).map(|(f, s)| (f.name, s & f.mask())).collect();
        let w = l.encode(&vals).unwrap();
        let d2 = l.decode(&w);
        for (n, v) in &vals {
            prop_assert_eq!(d2.value(n), Some(*v));
        }
        prop_assert!(d2.res0.is_empty());
    }

    #[test]
    fn event_record_round_trips(sid in any::<u32>(), ssid in 0u32..(1 << 20), addr in any::<u64>(), ipa in 0u64..(1 << 56), rnw in any::<bool>(), s2 in any::<bool>(), stag in any::<u16>(), stall in any::<bool>()) {
        for code in [event::F_TRANSLATION, event::F_ADDR_SIZE, event::F_ACCESS, event::F_PERMISSION] {
            let r = event::EventRecord { code, sid, ssid: Some(ssid), input_addr: addr, ipa, rnw, s2, stag, stall, class: Some(event::Class::Tt), ..Default::default() };
            let e = event::decode(&r.encode().unwrap());
            prop_assert_eq!(e.sid, sid);
            prop_assert_eq!(e.ssid, Some(ssid));
            prop_assert_eq!(e.input_addr, Some(format!("{addr:#x}")));
            prop_assert_eq!(e.ipa, Some(format!("{:#x}", ipa & !0xfff)));
            prop_assert_eq!((e.rnw, e.s2, e.stag, e.stall), (Some(rnw), Some(s2), Some(stag as u32), Some(stall)));
            prop_assert_eq!(e.class.as_deref(), Some("TT"));
        }
    }

    #[test]
    fn decoders_never_panic(w in proptest::collection::vec(any::<u64>(), 4)) {
        let _ = event::decode(&[w[0], w[1], w[2], w[3]]);
        let _ = cmd::decode(&[w[0], w[1]]);
        let _ = pri::decode(&[w[2], w[3]]);
        let _ = event::decode_words(&w[..(w[0] % 5) as usize]);
    }
}

#[test]
fn address_fields_say_their_shift() {
    for l in layouts() {
        for f in l.fields {
            if let Fmt::Addr(s) = f.fmt {
                assert!(s <= 12, "{}.{} shift {s}", l.name, f.name);
            }
        }
    }
}

#[test]
fn range_invalidation_rules() {
    let ns = cmd::CheckContext::default();
    let ill = |w: [u64; 2], ctx: &cmd::CheckContext| cmd::check(&w, ctx).iter().any(|p| p.kind == "CERROR_ILL");
    // CMD_TLBI_NH_VA with TG=4KB and NUM=SCALE=TTL=0: Reserved combination (4.4.1.1).
    let tg4k = 1u64 << 10;
    assert!(ill([0x12, tg4k], &ns));
    // Linux's form (TTL=3) is legal.
    assert!(!ill([0x12, tg4k | 3 << 8], &ns));
    // 16KB granule with TTL=1 is Reserved unless SMMU_IDR5.DS == 1.
    let w16 = [0x12, 2 << 10 | 1 << 8];
    assert!(ill(w16, &ns));
    let mut regs = smmu_core::regset::RegisterSet::new();
    let ds = smmu_core::regs::by_name("IDR5").unwrap().layout.field("DS").unwrap();
    regs.insert_named("IDR5", 1 << ds.lsb, Default::default());
    assert!(!ill(w16, &cmd::CheckContext { queue: cmd::QueueKind::NonSecure, regs: Some(&regs) }));
    // Commands that need an ID feature.
    let mut none = smmu_core::regset::RegisterSet::new();
    none.insert_named("IDR0", 0, Default::default());
    none.insert_named("IDR3", 0, Default::default());
    let ctx = cmd::CheckContext { queue: cmd::QueueKind::NonSecure, regs: Some(&none) };
    for op in [0x05u64, 0x10, 0x20, 0x28, 0x40, 0x41, 0x07, 0x70] {
        assert!(ill([op, if op == 0x05 { 1 } else { 0 }], &ctx), "{op:#x}");
    }
    assert!(!ill([0x46, 0], &ctx));
}
