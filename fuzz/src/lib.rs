//! The body of every fuzz target, as plain functions: `fuzz_targets/*.rs` hand libFuzzer's
//! input to them (`cargo +nightly fuzz run NAME`), and the stable tests below run them on the
//! seed corpus (`seeds::all`), so every target is compiled and exercised without nightly.
//!
//! A body may only fail by panicking (libFuzzer reports it as a crash); a panic on any input
//! is a bug in the code under test, unless the body's own invariant (an `assert!` here) says
//! otherwise.

pub mod seeds;

/// The web crate's share-link and JS API modules, compiled here from the same source files
/// (they need only smmu-core, serde, base64 and miniz_oxide), so the fuzz crate does not pull
/// in eframe.
pub mod web {
    pub use super::{web_api as api, web_share as share};
}
#[path = "../../web/src/api.rs"]
pub mod web_api;
#[path = "../../web/src/share.rs"]
pub mod web_share;
/// The link state share.rs encodes (`crate::state` in the web crate).
#[path = "../../web/src/state.rs"]
pub mod state;

use smmu_core::mem::{PhysMem, SparseMem};
use smmu_core::queues::{cmd, event, pri, queue};
use smmu_core::snapshot::Snapshot;
use smmu_core::walk::{self, ptdump, Access, WalkRequest};
use std::sync::OnceLock;

/// Every target by name, in the order of fuzz/Cargo.toml.
pub const TARGETS: &[(&str, fn(&[u8]))] = &[
    ("parse", parse),
    ("klog", klog),
    ("raw_decoders", raw_decoders),
    ("walk", walk),
    ("snapshot", snapshot),
    ("scenario", scenario),
    ("memfile", memfile),
    ("iort", iort),
    ("fdt", fdt),
    ("sysfs_kmsg", sysfs_kmsg),
    ("share", share),
    ("js_api", js_api),
    ("walk_batch", walk_batch),
];

fn u64_at(data: &[u8], i: usize) -> u64 {
    let mut b = [0u8; 8];
    for (k, x) in data.iter().skip(i * 8).take(8).enumerate() {
        b[k] = *x;
    }
    u64::from_le_bytes(b)
}

/// The dump parser (`smmu decode`, every input format), with and without a base address.
pub fn parse(data: &[u8]) {
    use smmu_core::parse::{parse_bytes, ParseOptions};
    let _ = parse_bytes(data, &ParseOptions::default());
    let _ = parse_bytes(data, &ParseOptions { base: Some(0x0905_0000) });
}

/// `smmu log`: any bytes, as text, through the kernel-log parser and its JSON output.
pub fn klog(data: &[u8]) {
    use smmu_core::klog;
    let text = String::from_utf8_lossy(data);
    for kernel in [None, Some(klog::features::KernelVersion::new(6, 1))] {
        let r = klog::parse(&text, &klog::Options { kernel });
        let _ = serde_json::to_string(&r);
    }
}

/// Event records, commands (every queue context), PRI entries and the queue arithmetic, from
/// arbitrary words.
pub fn raw_decoders(data: &[u8]) {
    let w = [u64_at(data, 0), u64_at(data, 1), u64_at(data, 2), u64_at(data, 3)];
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
            assert!(s.outstanding <= s.size, "more outstanding entries than the queue holds");
            // The index list is built only for small counts: a LOG2SIZE of 19 would make a
            // 2^19-entry list on every input (the target ran at ~500 execs/s).
            if s.outstanding <= 64 {
                let idx = s.outstanding_indices();
                assert_eq!(idx.len() as u64, s.outstanding);
                assert!(idx.iter().all(|&i| i < s.size));
            }
            assert!(s.consumed_indices(4).len() <= 4);
            let _ = s.entry_addr(w[3]);
        }
    }
    // Encoding what was decoded never fails for architected types.
    if event::by_code(event::event_number(&w)).is_some() {
        let l = event::layout_for(event::event_number(&w));
        assert!(l.encode_decoded(&l.decode(&w)).is_ok(), "an architected event record does not re-encode");
    }
}

fn base_walk_snapshot(config: &str) -> Option<Snapshot> {
    let mut stream = serde_json::json!({"sid": 1, "config": config,
        "s1": {"granule": 4096, "ia_bits": 48, "ssid_bits": 4, "cd_table": "2-level", "contexts": [{"mappings": []}]},
        "s2": {"granule": 4096, "ia_bits": 48, "mappings": []}});
    let o = stream.as_object_mut()?;
    match config {
        "s1" => o.remove("s2"),
        "s2" => o.remove("s1"),
        _ => None,
    };
    let j = serde_json::json!({"name": "fuzz", "streams": [stream]});
    smmu_core::scenario::build(&serde_json::from_value(j).ok()?).ok()
}

fn walk_snapshots() -> &'static [Option<Snapshot>; 3] {
    static S: OnceLock<[Option<Snapshot>; 3]> = OnceLock::new();
    S.get_or_init(|| [base_walk_snapshot("s1"), base_walk_snapshot("s2"), base_walk_snapshot("nested")])
}

/// The walker on arbitrary memory: real registers and stream table from the scenario builder
/// (stage 1, stage 2 or nested), then the STE, CDs and tables replaced by the fuzz input. Every
/// walk and every ptdump must terminate without panicking.
pub fn walk(data: &[u8]) {
    if data.len() < 16 {
        return;
    }
    let Some(snap) = &walk_snapshots()[(data[0] % 3) as usize] else {
        panic!("the scenario builder cannot build the walk target's base snapshot");
    };
    let access = [Access::Read, Access::Write, Access::Exec][(data[1] % 3) as usize];
    let ssid = if data[2] & 0x80 != 0 { Some((data[2] & 0x1f) as u32) } else { None };
    let iova = u64_at(&data[8..16], 0);
    let mut mem = SparseMem::new();
    for (a, d) in snap.memory.chunks() {
        mem.insert(a, d.to_vec());
    }
    // The stream table is the first allocation; the STE (linear table, StreamID 1) at +64.
    mem.insert(0x8000_0040, data[16..].to_vec());
    let req = WalkRequest { sid: (data[3] % 3) as u32, ssid, iova, access, unpriv: data[1] & 0x80 != 0 };
    let r = walk::translate(&snap.registers, &mem, &req);
    let _ = serde_json::to_string(&r);
    assert!(r.descriptor_reads <= 40, "a walk read {} descriptors", r.descriptor_reads);
    let mut b = walk::Batch::new(&snap.registers, &mem);
    let _ = b.pa(&req);
    if data[4] & 1 == 0 {
        let st = [ptdump::DumpStage::S1, ptdump::DumpStage::S2, ptdump::DumpStage::Nested][(data[4] >> 1) as usize % 3];
        let _ = ptdump::ptdump(&snap.registers, &mem, req.sid, ssid, st);
    }
}

/// A snapshot file (the input of walk, ptdump, queue, forward, the explorer and the web app):
/// loading, then what every command does first with it. A loaded snapshot saves and loads again.
pub fn snapshot(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(s) = Snapshot::from_json(&text) else { return };
    let again = Snapshot::from_json(&s.to_json());
    assert!(again.is_ok(), "a loaded snapshot does not load again after saving: {:?}", again.err());
    for id in [queue::QueueId::Cmdq, queue::QueueId::Evtq, queue::QueueId::Priq] {
        if let Ok(q) = queue::QueueState::from_registers(id, &s.registers) {
            if q.outstanding <= 64 {
                let _ = q.read_entries(&s.memory);
            }
        }
    }
    for sid in [0, 1, 8, 0x18] {
        for ssid in [None, Some(0)] {
            let req = WalkRequest { sid, ssid, iova: 0x1000, access: Access::Read, unpriv: false };
            let r = walk::translate(&s.registers, &s.memory, &req);
            let _ = serde_json::to_string(&r);
        }
    }
    let mut b = [0u8; 8];
    let _ = s.memory.read(0, &mut b);
}

/// Teaching scenarios (`smmu scenario build`): parsed, built into a snapshot, saved.
pub fn scenario(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(sc) = smmu_core::scenario::parse(&text) else { return };
    if let Ok(s) = smmu_core::scenario::build(&sc) {
        let _ = s.to_json();
    }
}

/// The memory image reader (`--mem FILE@0xBASE`, ELF cores): the input is written to a file
/// (one per process, rewritten for each input), then opened as an ELF core and as a raw image.
pub fn memfile(data: &[u8]) {
    use smmu_tui::memfile::MappedImage;
    static PATH: OnceLock<std::path::PathBuf> = OnceLock::new();
    let p = PATH.get_or_init(|| std::env::temp_dir().join(format!("smmu-fuzz-memfile-{}.img", std::process::id())));
    if std::fs::write(p, data).is_err() {
        return;
    }
    let path = p.display().to_string();
    for spec in [path.clone(), format!("{path}@0x40000000"), format!("{path}@0xffffffffffffff00")] {
        let Ok(m) = MappedImage::open_spec(&spec) else { continue };
        let mut buf = [0u8; 8];
        for (base, len) in m.ranges() {
            let _ = m.read(base, &mut buf);
            let _ = m.read(base.wrapping_add(len).wrapping_sub(4), &mut buf);
            let _ = m.read(base.wrapping_add(len), &mut buf);
        }
        let _ = m.read(u64::MAX - 3, &mut buf);
    }
}

/// The ACPI IORT parser of `smmu collect` (/sys/firmware/acpi/tables/IORT).
pub fn iort(data: &[u8]) {
    use smmu_tui::collect::iort;
    let Ok(t) = iort::parse(data) else { return };
    let _ = serde_json::to_string(&t);
    let _ = t.smmus().count();
    let _ = t.named_component_streams();
    for rid in [0, 8, 0x18, 0xffff, u32::MAX] {
        let _ = t.stream_id(0, rid);
    }
}

/// The flattened device tree parser of `smmu collect` (/sys/firmware/fdt) and its summary.
pub fn fdt(data: &[u8]) {
    use smmu_tui::collect::fdt;
    let Ok(root) = fdt::parse_blob(data) else { return };
    let s = fdt::summarize(&root);
    for m in &s.smmus {
        let _ = serde_json::to_string(m);
    }
}

/// The text parsers of `smmu collect`: /proc/iomem, sysfs names (PCI BDFs, iommu class
/// names), MIDR_EL1 and /dev/kmsg records.
pub fn sysfs_kmsg(data: &[u8]) {
    use smmu_tui::collect::{kmsg, sysfs};
    let text = String::from_utf8_lossy(data);
    let _ = sysfs::parse_iomem(&text);
    let _ = sysfs::decode_midr(u64_at(data, 0));
    for line in text.lines().take(10_000) {
        let _ = sysfs::parse_bdf(line);
        let _ = sysfs::base_from_class_name(line);
        let _ = kmsg::relevant(line);
        let _ = kmsg::format_record(line);
    }
    let _ = kmsg::format_record(&text);
}

/// The web app's share links (`#s1.<base64url(deflate(JSON))>`), then the state's input
/// through the decode the page runs on load. The first byte chooses what the rest is: the
/// fragment itself, the deflate stream (base64 is applied here), or the JSON (deflate and
/// base64 applied here), so the fuzzer reaches every layer.
pub fn share(data: &[u8]) {
    use base64::Engine as _;
    use web::share;
    let Some((&mode, rest)) = data.split_first() else { return };
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let fragment = match mode % 3 {
        0 => String::from_utf8_lossy(rest).into_owned(),
        1 => format!("s1.{}", b64(rest)),
        _ => format!("s1.{}", b64(&miniz_oxide::deflate::compress_to_vec(rest, 1))),
    };
    let Ok(state) = share::decode(&fragment) else { return };
    let back = share::decode(&share::encode(&state));
    assert_eq!(back.as_ref().ok(), Some(&state), "a decoded share link does not survive encode/decode");
    let _ = web::api::decode(&state.input, &serde_json::Value::Null);
}

/// The web app's JS API (`smmu.decode/forward/walk/log(text, options)`): the input is the
/// options JSON, a newline, then the text; the options go to every entry point.
pub fn js_api(data: &[u8]) {
    use web::api;
    let text = String::from_utf8_lossy(data);
    let (opts, body) = text.split_once('\n').unwrap_or((&text, ""));
    let Ok(o) = api::options_from_json(opts) else { return };
    let _ = api::parse_options(&o);
    let _ = api::forward_options(&o);
    for r in [api::decode(body, &o), api::forward(body, &o), api::log(body, &o), api::walk(body, &o)] {
        let _ = api::to_json_string(r);
    }
}

/// The scenario snapshots written once per process to temporary files, for the targets that
/// drive a subcommand by file name.
fn scenario_files() -> &'static [std::path::PathBuf] {
    static F: OnceLock<Vec<std::path::PathBuf>> = OnceLock::new();
    F.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("smmu-fuzz-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        seeds::scenarios()
            .iter()
            .enumerate()
            .filter_map(|(i, (_, s))| {
                let p = dir.join(format!("scenario-{i}.json"));
                std::fs::write(&p, s.to_json()).ok().map(|()| p)
            })
            .collect()
    })
}

/// `smmu walk SNAPSHOT --batch FILE` (text and, for short inputs, `--json`), run as the CLI
/// runs it: the first byte picks one of the scenario snapshots, the rest is the batch file
/// (`sid iova [access] [ssid]` lines). The walks' output goes to standard output.
pub fn walk_batch(data: &[u8]) {
    use clap::Parser;
    #[derive(Parser)]
    struct Walk {
        #[command(flatten)]
        args: smmu_tui::cmd::walk::Args,
    }
    static BATCH: OnceLock<std::path::PathBuf> = OnceLock::new();
    let Some((&pick, rest)) = data.split_first() else { return };
    let snaps = scenario_files();
    let Some(snap) = snaps.get(pick as usize % snaps.len().max(1)) else { return };
    let batch = BATCH.get_or_init(|| std::env::temp_dir().join(format!("smmu-fuzz-batch-{}.txt", std::process::id())));
    if std::fs::write(batch, rest).is_err() {
        return;
    }
    let (snap, batch) = (snap.display().to_string(), batch.display().to_string());
    let mut argv = vec!["walk", &snap, "--batch", &batch];
    for json in [false, true] {
        if json {
            if rest.len() > 512 {
                break;
            }
            argv.push("--json");
        }
        if let Ok(w) = Walk::try_parse_from(&argv) {
            let _ = smmu_tui::cmd::walk::run(w.args);
        }
    }
}

#[cfg(test)]
mod tests {
    //! Stable: every target on its seed corpus. No corpus is kept between runs.

    #[test]
    fn every_target_runs_on_its_seeds() {
        let mut total = 0;
        for (name, body) in super::TARGETS {
            let seeds = super::seeds::for_target(name);
            assert!(!seeds.is_empty(), "{name}: no seeds");
            for s in &seeds {
                body(s);
            }
            eprintln!("{name}: {} seeds", seeds.len());
            total += seeds.len();
        }
        assert!(total > 100, "only {total} seeds in all");
    }

    #[test]
    fn the_seeds_are_inputs_the_parsers_accept() {
        // Seeds that the parser rejects at once would only fuzz its first check.
        use smmu_tui::collect::{fdt, iort};
        for b in super::seeds::for_target("fdt") {
            let root = fdt::parse_blob(&b).expect("fdt seed parses");
            assert_eq!(fdt::summarize(&root).smmus.len(), 1, "QEMU virt has one arm,smmu-v3 node");
        }
        for b in super::seeds::for_target("iort") {
            assert_eq!(iort::parse(&b).expect("IORT seed parses").smmus().count(), 1);
        }
        for b in super::seeds::for_target("scenario") {
            assert!(smmu_core::scenario::parse(&String::from_utf8_lossy(&b)).is_ok());
        }
        let snaps = super::seeds::for_target("snapshot");
        let loaded = snaps.iter().filter(|b| super::Snapshot::from_json(&String::from_utf8_lossy(b)).is_ok()).count();
        assert_eq!(loaded, snaps.len() - 2, "all but the two bad-on-purpose snapshot seeds load");
        let sc = super::seeds::scenarios();
        let cyclic = sc.iter().filter(|(j, s)| super::seeds::cyclic(j, s).is_some()).count();
        assert_eq!(cyclic, sc.len(), "every scenario has a self-referencing variant");
    }

    #[test]
    fn every_target_survives_simple_mutations_of_its_seeds() {
        // A few deterministic mutations per seed (truncations and byte flips), the cheapest
        // part of what libFuzzer does, so a stable run also leaves the happy path.
        for (name, body) in super::TARGETS {
            for s in super::seeds::for_target(name).iter().take(24) {
                for cut in [1, 7, s.len() / 2, s.len().saturating_sub(1)] {
                    body(&s[..cut.min(s.len())]);
                }
                let mut m = s.clone();
                for i in (0..m.len()).step_by((m.len() / 16).max(1)) {
                    m[i] ^= 0x5a;
                }
                body(&m);
            }
        }
    }
}
