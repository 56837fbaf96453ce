//! Raw decoders: event records, commands (with every check context), PRI entries and the
//! queue arithmetic, from arbitrary words.
#![no_main]
use libfuzzer_sys::fuzz_target;
use smmu_core::queues::{cmd, event, pri, queue};

fuzz_target!(|data: &[u8]| {
    let mut w = [0u64; 4];
    for (i, c) in data.chunks(8).take(4).enumerate() {
        let mut b = [0u8; 8];
        b[..c.len()].copy_from_slice(c);
        w[i] = u64::from_le_bytes(b);
    }
    let e = event::decode(&w);
    let _ = event::decode_words(&w[..data.len().min(32) / 8]);
    let _ = serde_json::to_string(&e);
    for q in [cmd::QueueKind::NonSecure, cmd::QueueKind::Secure, cmd::QueueKind::Realm] {
        let c = cmd::decode_with(&[w[0], w[1]], &cmd::CheckContext { queue: q, regs: None });
        let _ = serde_json::to_string(&c);
    }
    let _ = cmd::guest_rewrite(&[w[0], w[1]], w[2] as u16, w[3] as u32);
    let _ = pri::decode(&[w[2], w[3]]);
    for id in [queue::QueueId::Cmdq, queue::QueueId::Evtq, queue::QueueId::Priq] {
        if let Ok(s) = queue::QueueState::from_values(id, w[0], w[1], w[2]) {
            let _ = s.outstanding_indices().len();
            let _ = s.entry_addr(w[3]);
        }
    }
    // Encoding what was decoded never fails for architected types.
    if event::by_code(event::event_number(&w)).is_some() {
        let l = event::layout_for(event::event_number(&w));
        let _ = l.encode_decoded(&l.decode(&w)).expect("re-encode");
    }
});
