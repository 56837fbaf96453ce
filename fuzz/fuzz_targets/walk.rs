//! The walker on arbitrary memory: real registers and stream table from the scenario
//! builder (stage 1, stage 2 or nested), then the STE, CDs and tables replaced by the fuzz
//! input. Every walk and every ptdump must terminate without panicking.
#![no_main]
use libfuzzer_sys::fuzz_target;
use smmu_core::mem::SparseMem;
use smmu_core::scenario;
use smmu_core::snapshot::Snapshot;
use smmu_core::walk::{self, ptdump, Access, WalkRequest};
use std::sync::OnceLock;

fn base(config: &str) -> Snapshot {
    let j = serde_json::json!({"name": "fuzz", "streams": [{"sid": 1, "config": config,
        "s1": {"granule": 4096, "ia_bits": 48, "ssid_bits": 4, "cd_table": "2-level", "contexts": [{"mappings": []}]},
        "s2": {"granule": 4096, "ia_bits": 48, "mappings": []}}]});
    let mut j = j;
    if config == "s2" {
        j["streams"][0].as_object_mut().unwrap().remove("s1");
    }
    if config == "s1" {
        j["streams"][0].as_object_mut().unwrap().remove("s2");
    }
    scenario::build(&serde_json::from_value(j).unwrap()).unwrap()
}

fn snaps() -> &'static [Snapshot; 3] {
    static S: OnceLock<[Snapshot; 3]> = OnceLock::new();
    S.get_or_init(|| [base("s1"), base("s2"), base("nested")])
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 16 {
        return;
    }
    let snap = &snaps()[(data[0] % 3) as usize];
    let access = [Access::Read, Access::Write, Access::Exec][(data[1] % 3) as usize];
    let ssid = if data[2] & 0x80 != 0 { Some((data[2] & 0x1f) as u32) } else { None };
    let mut iova = [0u8; 8];
    iova.copy_from_slice(&data[8..16]);
    let iova = u64::from_le_bytes(iova);
    let mut mem = SparseMem::new();
    for (a, d) in snap.memory.chunks() {
        mem.insert(a, d.to_vec());
    }
    // The stream table is the first allocation; the STE (linear table, StreamID 1) at +64.
    mem.insert(0x8000_0040, data[16..].to_vec());
    let req = WalkRequest { sid: (data[3] % 3) as u32, ssid, iova, access, unpriv: data[1] & 0x80 != 0 };
    let r = walk::translate(&snap.registers, &mem, &req);
    let _ = serde_json::to_string(&r);
    assert!(r.descriptor_reads <= 40);
    let mut b = walk::Batch::new(&snap.registers, &mem);
    let _ = b.pa(&req);
    if data[4] & 1 == 0 {
        let st = [ptdump::DumpStage::S1, ptdump::DumpStage::S2, ptdump::DumpStage::Nested][(data[4] >> 1) as usize % 3];
        let _ = ptdump::ptdump(&snap.registers, &mem, req.sid, ssid, st);
    }
});
