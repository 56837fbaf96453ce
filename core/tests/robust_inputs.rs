//! Hostile inputs from issue 16, each reproduced with the release binary by the issue's
//! author: every one must give a clear error or the right result, and bounded work. The
//! sizes are chosen so that the old quadratic code took minutes in a debug build while the
//! O(n log n) code takes well under a second (no timing is asserted).

use smmu_core::klog::features::KernelVersion;
use smmu_core::mem::PhysMem;
use smmu_core::scenario;
use smmu_core::snapshot::{
    Limits, MemChunk, Snapshot, SnapshotError, SnapshotFile, MAX_MEMORY_BYTES, MAX_MEMORY_CHUNKS,
};

fn snapshot_json(chunks: &[(u64, String)]) -> String {
    let mem: Vec<String> = chunks.iter().map(|(pa, hex)| format!(r#"{{"pa":"{pa:#x}","hex":"{hex}"}}"#)).collect();
    format!(r#"{{"smmu_explorer_snapshot":1,"registers":{{"IDR0":"0x0"}},"memory":[{}]}}"#, mem.join(","))
}

fn hex(bytes: impl IntoIterator<Item = u8>) -> String {
    const H: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::new();
    for b in bytes {
        s.push(H[usize::from(b >> 4)] as char);
        s.push(H[usize::from(b & 15)] as char);
    }
    s
}

/// The byte every chunk of the chained tests holds at `addr` (any fixed function will do).
fn pattern(addr: u64) -> u8 {
    (addr.wrapping_mul(0x9e37_79b9) >> 7) as u8
}

/// 100k one-byte chunks at one address (a 2.8 MB file): the old overlap check compared each
/// chunk with every earlier one, 5e9 comparisons.
#[test]
fn many_identical_chunks_at_one_address_load() {
    let n = 100_000;
    let chunks: Vec<(u64, String)> = (0..n).map(|_| (0x4000_0000, "5a".to_string())).collect();
    let text = snapshot_json(&chunks);
    let s = Snapshot::from_json(&text).unwrap();
    assert_eq!(s.memory.chunks().count(), 1);
    assert_eq!(s.memory.total_bytes(), 1);
    let mut b = [0u8; 1];
    s.memory.read(0x4000_0000, &mut b).unwrap();
    assert_eq!(b, [0x5a]);
    assert!(s.memory.read(0x4000_0001, &mut b).is_err());
}

/// 4000 chained chunks of 512 bytes, each starting 2 bytes after the previous one: each
/// overlaps 255 others (the old check compared every overlapping pair byte by byte, 2.6e8
/// comparisons, and the old merge re-copied the growing run at every chunk).
fn chain(n: u64, len: u64, stride: u64, base: u64) -> Vec<(u64, String)> {
    (0..n)
        .map(|i| {
            let pa = base + i * stride;
            (pa, hex((pa..pa + len).map(pattern)))
        })
        .collect()
}

#[test]
fn chained_overlapping_chunks_load_into_one_run() {
    let (n, len, stride, base) = (4000u64, 512u64, 2u64, 0x8000_0000u64);
    let s = Snapshot::from_json(&snapshot_json(&chain(n, len, stride, base))).unwrap();
    let span = (n - 1) * stride + len;
    assert_eq!(s.memory.chunks().count(), 1);
    assert_eq!(s.memory.total_bytes() as u64, span);
    for addr in [base, base + 1, base + span / 2, base + span - 1] {
        let mut b = [0u8; 1];
        s.memory.read(addr, &mut b).unwrap();
        assert_eq!(b[0], pattern(addr), "{addr:#x}");
    }
    assert!(s.memory.read(base + span, &mut [0u8; 1]).is_err());
}

/// A conflict deep inside a long chain is still found, and names both chunks and the address.
#[test]
fn conflict_in_a_long_chain_names_both_chunks() {
    let (n, len, stride, base) = (4000u64, 512u64, 2u64, 0x8000_0000u64);
    let mut chunks = chain(n, len, stride, base);
    // The last chunk's first byte differs from the bytes the earlier chunks give there.
    let last = (n - 1) as usize;
    let pa_last = base + (n - 1) * stride;
    let bad = pattern(pa_last) ^ 0xff;
    chunks[last].1.replace_range(0..2, &format!("{bad:02x}"));
    let e = Snapshot::from_json(&snapshot_json(&chunks)).unwrap_err();
    // The earliest chunk holding pa_last: chunk k with base + k*stride + len > pa_last.
    let first = (n - len / stride) as usize;
    assert_eq!(
        e,
        SnapshotError::ConflictingMemory {
            first,
            first_pa: base + first as u64 * stride,
            second: last,
            second_pa: pa_last,
            addr: pa_last,
            first_byte: pattern(pa_last),
            second_byte: bad,
        }
    );
    let msg = e.to_string();
    assert!(msg.contains(&format!("memory[{first}]")) && msg.contains(&format!("memory[{last}]")), "{msg}");
    assert!(msg.contains(&format!("{pa_last:#x}")), "{msg}");
}

/// Touching chunks stay separate; a chunk inside another that agrees is absorbed.
#[test]
fn touching_and_nested_chunks() {
    let s = Snapshot::from_json(&snapshot_json(&[
        (0x1000, hex(0u8..16)),
        (0x1004, hex(4u8..8)),
        (0x1010, hex([0xaa; 4])),
        (0x0ff0, hex([0xbb; 16])),
    ]))
    .unwrap();
    let runs: Vec<(u64, usize)> = s.memory.chunks().map(|(pa, d)| (pa, d.len())).collect();
    assert_eq!(runs, vec![(0x0ff0, 16), (0x1000, 16), (0x1010, 4)]);
    assert_eq!(s.memory.read_u64_le(0x100c).unwrap(), 0xaaaa_aaaa_0f0e_0d0c);
}

#[test]
fn chunk_count_is_capped() {
    let chunk = MemChunk { pa: "0x1000".into(), hex: String::new(), roles: vec![] };
    let file = |n: usize| SnapshotFile {
        smmu_explorer_snapshot: 1,
        registers: Default::default(),
        memory: vec![chunk.clone(); n],
        kernel: None,
        firmware: None,
        host: None,
        provenance: None,
        notes: vec![],
        extra: Default::default(),
    };
    let limits = Limits { chunks: 10, bytes: MAX_MEMORY_BYTES };
    assert!(Snapshot::from_file_with_limits(file(10), limits).is_ok());
    let e = Snapshot::from_file_with_limits(file(11), limits).unwrap_err();
    assert_eq!(e, SnapshotError::TooMuchMemory { what: "chunks", limit: 10, given: 11 });
    let msg = e.to_string();
    assert!(msg.contains("11 chunks") && msg.contains("at most 10"), "{msg}");
    // The default limit, with one chunk too many.
    let e = Snapshot::from_file(file(MAX_MEMORY_CHUNKS + 1)).unwrap_err();
    assert_eq!(
        e,
        SnapshotError::TooMuchMemory {
            what: "chunks",
            limit: MAX_MEMORY_CHUNKS as u64,
            given: MAX_MEMORY_CHUNKS as u64 + 1
        }
    );
}

#[test]
fn total_bytes_are_capped() {
    let text = snapshot_json(&[(0x1000, hex([1u8; 600])), (0x1000, hex([1u8; 600]))]);
    let file: SnapshotFile = serde_json::from_str(&text).unwrap();
    let limits = Limits { chunks: MAX_MEMORY_CHUNKS, bytes: 1200 };
    assert!(Snapshot::from_file_with_limits(file.clone(), limits).is_ok());
    // Overlaps count each time they are given: the work is in decoding them.
    let e = Snapshot::from_file_with_limits(file, Limits { bytes: 1199, ..limits }).unwrap_err();
    assert_eq!(e, SnapshotError::TooMuchMemory { what: "bytes", limit: 1199, given: 1200 });
    let msg = e.to_string();
    assert!(msg.contains("1200 bytes") && msg.contains("at most 1199"), "{msg}");
    // Whitespace between hex digits is not counted as bytes.
    let spaced = snapshot_json(&[(0x1000, "01 02 03 04".into())]);
    let file: SnapshotFile = serde_json::from_str(&spaced).unwrap();
    assert!(Snapshot::from_file_with_limits(file, Limits { bytes: 4, ..limits }).is_ok());
}

/// `sidsize: 32` with a StreamID needing 26 bits: a 4 GiB linear stream table (and then an
/// 8 GiB hex string) before the whole-scenario budget.
#[test]
fn scenario_allocations_are_budgeted() {
    let text = r#"{"name":"huge","smmu":{"sidsize":32},
        "streams":[{"sid":"0x3ffffff","config":"abort"}]}"#;
    let s = scenario::parse(text).unwrap();
    let e = scenario::build(&s).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains(&scenario::MAX_SCENARIO_BYTES.to_string()), "{msg}");
    // 2^26 STEs of 64 bytes asked for.
    assert!(msg.contains(&(1u64 << 32).to_string()), "{msg}");
    assert!(msg.contains("huge"), "{msg}");
    // Many small tables add up too: 2-level, one level 2 table (256 STEs, 16 KiB) per
    // StreamID, 8192 of them is 128 MiB.
    let streams: Vec<String> = (0..8192u64).map(|i| format!(r#"{{"sid":"{:#x}","config":"abort"}}"#, i << 8)).collect();
    let text = format!(
        r#"{{"name":"many","smmu":{{"sidsize":32}},"stream_table":{{"format":"2-level","split":8}},"streams":[{}]}}"#,
        streams.join(",")
    );
    let s = scenario::parse(&text).unwrap();
    let msg = scenario::build(&s).unwrap_err().to_string();
    assert!(msg.contains(&scenario::MAX_SCENARIO_BYTES.to_string()), "{msg}");
}

#[test]
fn kernel_version_overflow_is_an_error() {
    assert_eq!(KernelVersion::parse("6.4294967296"), None);
    assert_eq!(KernelVersion::parse("4294967296.1"), None);
    assert_eq!(KernelVersion::parse("6.12"), Some(KernelVersion::new(6, 12)));
    assert_eq!(KernelVersion::parse("6.1.0-18-arm64"), Some(KernelVersion::new(6, 1)));
}

/// A 1 MB value in an error is shown by its first 40 characters and its length.
#[test]
fn errors_do_not_echo_long_values() {
    let long = format!("0x{}", "z".repeat(1 << 20));
    let n = long.len();
    let check = |msg: String| {
        assert!(msg.len() < 300, "{} bytes: {}...", msg.len(), &msg[..200]);
        assert!(msg.contains(&format!("({n} bytes)")), "{msg}");
        assert!(msg.contains("0xzzz"), "{msg}");
    };
    let reg = format!(r#"{{"smmu_explorer_snapshot":1,"registers":{{"IDR0":"{long}"}}}}"#);
    check(Snapshot::from_json(&reg).unwrap_err().to_string());
    let name = format!(r#"{{"smmu_explorer_snapshot":1,"registers":{{"{long}":"zz"}}}}"#);
    let msg = Snapshot::from_json(&name).unwrap_err().to_string();
    assert!(msg.len() < 300 && msg.contains(&format!("({n} bytes)")), "{}", &msg[..200.min(msg.len())]);
    let pa = format!(r#"{{"smmu_explorer_snapshot":1,"memory":[{{"pa":"{long}","hex":"00"}}]}}"#);
    check(Snapshot::from_json(&pa).unwrap_err().to_string());
    // Short values are shown whole.
    let short = r#"{"smmu_explorer_snapshot":1,"registers":{"IDR0":"0xzz"}}"#;
    let msg = Snapshot::from_json(short).unwrap_err().to_string();
    assert!(msg.contains(r#""0xzz""#) && !msg.contains("bytes)"), "{msg}");
}
