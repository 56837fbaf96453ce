//! Seed corpora, made from the repository's real inputs when asked for (nothing large is
//! committed): scenario files and the snapshots they build, the same snapshots with a
//! self-referencing translation table, the QEMU captures and samples, the kernel logs, the
//! collect fixture trees (IORT, FDT, iomem, kmsg), share links and JS API calls.
//!
//! `cargo run --example seeds -- DIR` writes them as DIR/<target>/<n> for cargo-fuzz;
//! the stable tests in lib.rs run every target on them directly.

use crate::state::{View, VmmProfile};
use crate::web::share::{encode, SharedState};
use smmu_core::snapshot::Snapshot;
use smmu_core::walk::{self, Access, WalkRequest};
use std::path::{Path, PathBuf};

/// The repository root (fuzz/..).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(repo().join(rel)).unwrap_or_default()
}

/// Files directly in `rel` (sorted), optionally only those whose name ends with `ext`.
fn files(rel: &str, ext: &str) -> Vec<Vec<u8>> {
    let Ok(rd) = std::fs::read_dir(repo().join(rel)) else { return vec![] };
    let mut paths: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.to_string_lossy().ends_with(ext))
        .collect();
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

const HOSTS: [&str; 4] = ["qemu-virt-dt", "qemu-virt-acpi", "unprivileged", "no-smmu"];

fn fixture(name: &str) -> Vec<Vec<u8>> {
    HOSTS.iter().map(|h| read(&format!("tests/fixtures/hosts/{h}/{name}"))).filter(|b| !b.is_empty()).collect()
}

fn kernel_logs() -> Vec<Vec<u8>> {
    let mut v = files("core/tests/data", ".log");
    v.extend(files("core/tests/data", ".dmesg"));
    v.extend(files("web/tests/data", "dmesg.txt"));
    v.extend(fixture("dev/kmsg"));
    v
}

fn dumps() -> Vec<Vec<u8>> {
    let mut v = files("tests/data/pastes", "");
    v.extend(files("assets/samples", ".txt"));
    v.extend(files("assets/hosts", ".txt"));
    v
}

/// Every scenario file with the snapshot it builds (those that build).
pub fn scenarios() -> Vec<(serde_json::Value, Snapshot)> {
    let mut out = vec![];
    for text in files("assets/scenarios", ".json") {
        let text = String::from_utf8_lossy(&text);
        let (Ok(sc), Ok(j)) = (smmu_core::scenario::parse(&text), serde_json::from_str::<serde_json::Value>(&text))
        else {
            continue;
        };
        if let Ok(s) = smmu_core::scenario::build(&sc) {
            out.push((j, s));
        }
    }
    out
}

fn num(v: &serde_json::Value) -> Option<u64> {
    match v {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => smmu_core::snapshot::parse_hex_u64(s).or_else(|| s.parse().ok()),
        _ => None,
    }
}

/// The scenario's snapshot with one translation table made to point at itself: the first
/// table descriptor its first walk reads leads to a table whose every entry is overwritten
/// with that same descriptor, so each entry points back at its own table (at every further
/// level: what a hostile or corrupt snapshot does to walk and ptdump).
pub fn cyclic(scenario: &serde_json::Value, s: &Snapshot) -> Option<Snapshot> {
    let w = scenario.get("walks")?.get(0)?;
    let req = WalkRequest {
        sid: u32::try_from(num(w.get("sid")?)?).ok()?,
        ssid: w.get("ssid").and_then(num).and_then(|x| u32::try_from(x).ok()),
        iova: num(w.get("iova")?)?,
        access: Access::Read,
        unpriv: false,
    };
    let r = walk::translate(&s.registers, &s.memory, &req);
    let stream =
        scenario.get("streams")?.as_array()?.iter().find(|st| st.get("sid").and_then(num) == Some(req.sid as u64))?;
    for (i, step) in r.steps.iter().enumerate() {
        if step.kind != "table" {
            continue;
        }
        let (Some(a), Some(next)) = (step.address, r.steps.get(i + 1).and_then(|n| n.address)) else { continue };
        let stage = if step.stage == "2" { "s2" } else { "s1" };
        let g = stream.get(stage).and_then(|x| x.get("granule")).and_then(num).unwrap_or(4096);
        let mut d = [0u8; 8];
        smmu_core::mem::PhysMem::read(&s.memory, a, &mut d).ok()?;
        let page: Vec<u8> = d.iter().copied().cycle().take(usize::try_from(g).ok()?).collect();
        let mut mem = s.memory.clone();
        mem.insert(next & !(g - 1), page);
        return Some(Snapshot::new(s.registers.clone(), mem));
    }
    None
}

/// QEMU's blob says it is 1 MB (totalsize) but its blocks end much earlier: the seed is cut
/// after the last block (memory reservation map, structure block, strings block) and its
/// totalsize set to match, so libFuzzer mutates the part that matters.
fn trim_fdt(mut b: Vec<u8>) -> Vec<u8> {
    let be = |b: &[u8], o: usize| b.get(o..o + 4).map(|t| u32::from_be_bytes([t[0], t[1], t[2], t[3]]) as usize);
    let (Some(st), Some(strs), Some(rsv), Some(strs_len), Some(st_len)) =
        (be(&b, 8), be(&b, 12), be(&b, 16), be(&b, 32), be(&b, 36))
    else {
        return b;
    };
    let end = (st + st_len).max(strs + strs_len).max(rsv + 16);
    if end < b.len() {
        b.truncate(end);
        b[4..8].copy_from_slice(&(end as u32).to_be_bytes());
    }
    b
}

fn le(words: &[u64]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// A minimal ELF64 little-endian core with PT_LOAD segments (p_offset, p_paddr, p_filesz),
/// followed by `payload`.
fn elf_core(loads: &[(u64, u64, u64)], payload: &[u8]) -> Vec<u8> {
    let phoff = 64u64;
    let mut b = vec![0u8; 64];
    b[0..4].copy_from_slice(b"\x7fELF");
    b[4] = 2; // ELFCLASS64
    b[5] = 1; // ELFDATA2LSB
    b[6] = 1;
    b[16..18].copy_from_slice(&4u16.to_le_bytes()); // ET_CORE
    b[18..20].copy_from_slice(&183u16.to_le_bytes()); // EM_AARCH64
    b[0x20..0x28].copy_from_slice(&phoff.to_le_bytes());
    b[0x36..0x38].copy_from_slice(&56u16.to_le_bytes());
    b[0x38..0x3a].copy_from_slice(&(loads.len() as u16).to_le_bytes());
    for &(off, paddr, filesz) in loads {
        let mut ph = vec![0u8; 56];
        ph[0..4].copy_from_slice(&1u32.to_le_bytes()); // PT_LOAD
        ph[8..16].copy_from_slice(&off.to_le_bytes());
        ph[24..32].copy_from_slice(&paddr.to_le_bytes());
        ph[32..40].copy_from_slice(&filesz.to_le_bytes());
        ph[40..48].copy_from_slice(&filesz.to_le_bytes());
        b.extend(ph);
    }
    b.extend_from_slice(payload);
    b
}

fn share_links(inputs: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut v = vec![];
    for (i, inp) in inputs.iter().enumerate() {
        let st = SharedState {
            input: String::from_utf8_lossy(inp).into_owned(),
            view: [View::Decode, View::Forward, View::Log, View::Walk][i % 4],
            vmm: VmmProfile::QemuAccel,
            sid: "0x8".into(),
            iova: "0x100123456".into(),
            ..Default::default()
        };
        let link = encode(&st);
        let json = serde_json::to_vec(&st).unwrap_or_default();
        // Mode 0: the fragment as pasted; 1: the deflate stream; 2: the JSON (see lib::share).
        let mut m0 = vec![0u8];
        m0.extend(format!("#{link}").into_bytes());
        let mut m1 = vec![1u8];
        m1.extend(miniz_oxide::deflate::compress_to_vec(&json, 9));
        let mut m2 = vec![2u8];
        m2.extend(json);
        v.extend([m0, m1, m2]);
    }
    v.push(b"\0#s1.".to_vec());
    v.push(b"\0#s2.AAAA".to_vec());
    v
}

fn with_opts(opts: &str, body: &[u8]) -> Vec<u8> {
    let mut v = opts.as_bytes().to_vec();
    v.push(b'\n');
    v.extend_from_slice(body);
    v
}

/// The seeds of one target (empty for an unknown name).
pub fn for_target(name: &str) -> Vec<Vec<u8>> {
    match name {
        "parse" => {
            let mut v = dumps();
            v.extend(files("assets/samples", ".json"));
            v.push(read("tests/data/qemu-s1-4k/capture.json"));
            v.retain(|b| !b.is_empty());
            v
        }
        "klog" => kernel_logs(),
        "raw_decoders" => vec![
            // F_TRANSLATION (0x10) for StreamID 8, SubstreamID valid, with an address.
            le(&[0x0000_0008_0000_0010, 0x0000_0000_0000_0001, 0x0000_0001_0012_3456, 0x4000_0000]),
            // CMD_SYNC (0x46) and CMD_CFGI_STE (0x03) for StreamID 8; queue BASE/PROD/CONS.
            le(&[0x46, 0, 0x0000_0000_4000_0013, 0x0000_0000_0008_0000]),
            le(&[0x0000_0008_0000_0003, 0, 0x4000_0000_4000_0013, 0x80]),
            // LOG2SIZE 19 (the largest queue), PROD wrapped past CONS.
            le(&[0x4000_0000_4000_0013, 0x0008_0000, 0x0000_0001, 0]),
            vec![0xff; 32],
            vec![],
        ],
        "walk" => {
            // Header (config, access, ssid, sid, ptdump flag, pad, iova) then the bytes that
            // replace the STE at 0x8000_0040: the base snapshot's own, then all ones.
            let mut v = vec![];
            for config in 0u8..3 {
                let Some(s) = &crate::walk_snapshots()[config as usize] else { continue };
                // From the STE to the end of the memory chunk that holds it (at most 4 KB).
                let ste: Vec<u8> = s
                    .memory
                    .chunks()
                    .find(|(a, d)| *a <= 0x8000_0040 && 0x8000_0040 - *a < d.len() as u64)
                    .map(|(a, d)| d.iter().skip((0x8000_0040 - a) as usize).take(4096).copied().collect())
                    .unwrap_or_default();
                for (sid, ssid, ptdump) in [(1u8, 0u8, 0u8), (1, 0x80, 0), (1, 0x81, 1), (2, 0, 0)] {
                    let mut h = vec![config, config, ssid, sid, ptdump, 0, 0, 0];
                    h.extend(0x0000_0000_4000_1000u64.to_le_bytes());
                    let mut a = h.clone();
                    a.extend(&ste);
                    v.push(a);
                    h.extend([0xff; 64]);
                    v.push(h);
                }
            }
            v
        }
        "snapshot" => {
            let mut v = files("assets/samples", ".snapshot.json");
            for (j, s) in scenarios() {
                v.push(s.to_json().into_bytes());
                if let Some(c) = cyclic(&j, &s) {
                    v.push(c.to_json().into_bytes());
                }
            }
            v.push(br#"{"smmu_explorer_snapshot": 2}"#.to_vec());
            v.push(br#"{"smmu_explorer_snapshot": 1, "registers": {"IDR0": "0x0d44101a"}, "memory": [{"pa": "0x1000", "hex": "ff"}, {"pa": "0x1000", "hex": "0011"}]}"#.to_vec());
            v.retain(|b| !b.is_empty());
            v
        }
        "scenario" => files("assets/scenarios", ".json"),
        "memfile" => vec![
            elf_core(&[(120, 0x4000_0000, 16)], &le(&[0x1122_3344_5566_7788, 0x99])),
            // Adjacent and nested PT_LOADs (what kdump and QEMU cores can hold).
            elf_core(&[(176, 0x4000_0000, 8), (184, 0x4000_0008, 8), (176, 0x4000_0000, 16)], &le(&[1, 2])),
            elf_core(&[(176, 0xffff_ffff_ffff_fff8, 16)], &le(&[3, 4])),
            le(&[0xdead_beef; 16]),
            vec![],
        ],
        "iort" => fixture("sys/firmware/acpi/tables/IORT"),
        "fdt" => fixture("sys/firmware/fdt").into_iter().map(trim_fdt).collect(),
        "sysfs_kmsg" => {
            let mut v = fixture("proc/iomem");
            v.extend(fixture("sys/devices/system/cpu/cpu0/regs/identification/midr_el1"));
            v.extend(fixture("dev/kmsg"));
            v.push(b"6,1234,1466233,-;arm-smmu-v3 arm-smmu-v3.0.auto: ias 48-bit, oas 48-bit\\x09(features 0x1fff)\n0000:00:01.0\narm-smmu-v3.0.auto\nsmmu3.0x0000000009050000\n".to_vec());
            v
        }
        "share" => {
            let mut inputs = dumps();
            inputs.truncate(6);
            inputs.extend(kernel_logs().into_iter().take(2));
            inputs.extend(files("assets/samples", ".snapshot.json"));
            share_links(&inputs)
        }
        "js_api" => {
            let snap = read("assets/samples/qemu-10.0-s1-4k.snapshot.json");
            let mut v = vec![];
            for d in dumps().iter().take(8) {
                v.push(with_opts("{}", d));
                v.push(with_opts(r#"{"base": "0x09050000", "vmm": "qemu", "kernel": "6.12"}"#, d));
            }
            for l in kernel_logs().iter().take(3) {
                v.push(with_opts(r#"{"kernel": "6.1"}"#, l));
            }
            v.push(with_opts(r#"{"sid": "0x8", "iova": "0x100123456", "access": "write"}"#, &snap));
            v.push(with_opts(r#"{"vmm": "strict", "caps": "nesting", "qemu_oas": 44}"#, &snap));
            v.push(with_opts("undefined", b""));
            v.push(with_opts("[1]", b""));
            v
        }
        "walk_batch" => {
            // For each scenario (picked by the first byte): its walks as batch lines.
            let mut v = vec![];
            for (i, (j, _)) in scenarios().iter().enumerate() {
                let mut b = vec![i as u8];
                b.extend(b"# sid iova [access] [ssid]\n");
                for w in j.get("walks").and_then(|w| w.as_array()).into_iter().flatten() {
                    let f = |k: &str| w.get(k).map(|x| x.as_str().map(str::to_string).unwrap_or_else(|| x.to_string()));
                    let line = [f("sid"), f("iova"), f("access").or(Some("read".into())), f("ssid")];
                    b.extend(line.into_iter().flatten().collect::<Vec<_>>().join(" ").into_bytes());
                    b.push(b'\n');
                }
                v.push(b);
            }
            v.push(b"\x000x8 0x100123456 write 0x1 extra\n".to_vec());
            v.push(b"\x000x100000000 0x0\n0x8 0xffffffffffffffff exec 0xffffffff\n".to_vec());
            v
        }
        _ => vec![],
    }
}

/// Every target's seeds.
pub fn all() -> Vec<(&'static str, Vec<Vec<u8>>)> {
    crate::TARGETS.iter().map(|(n, _)| (*n, for_target(n))).collect()
}
