//! Shared helpers for the cross-crate QA tests: find (or build) the `smmu` binary, run it,
//! read the QEMU captures copied into tests/data, and assemble snapshots from them.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join(rel)
}

pub fn asset(rel: &str) -> PathBuf {
    root().join("assets").join(rel)
}

/// The `smmu` binary of this workspace: next to this test executable's deps/ directory
/// (cargo test --workspace builds it); built on demand with the same cargo otherwise.
pub fn bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().expect("test executable path");
        let dir = exe.parent().and_then(|d| d.parent()).expect("target/<profile> directory").to_path_buf();
        let bin = dir.join(format!("smmu{}", std::env::consts::EXE_SUFFIX));
        let stale = match (std::fs::metadata(&bin), std::fs::metadata(&exe)) {
            (Ok(b), Ok(e)) => match (b.modified(), e.modified()) {
                (Ok(b), Ok(e)) => b < e,
                _ => false,
            },
            _ => true,
        };
        if stale {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let mut cmd = Command::new(cargo);
            cmd.current_dir(root()).args(["build", "-q", "-p", "smmu-tui", "--bin", "smmu"]);
            if dir.file_name().and_then(|n| n.to_str()) == Some("release") {
                cmd.arg("--release");
            }
            let st = cmd.status().expect("run cargo build for the smmu binary");
            assert!(st.success(), "cargo build -p smmu-tui failed");
        }
        assert!(bin.exists(), "no smmu binary at {}", bin.display());
        bin
    })
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(&self) -> &str {
        assert_eq!(self.code, 0, "smmu failed: {}\n{}", self.stderr, self.stdout);
        &self.stdout
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(self.ok()).unwrap_or_else(|e| panic!("bad JSON ({e}): {}", self.stdout))
    }
}

fn finish(out: Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn smmu<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = Command::new(bin()).args(args).env("NO_COLOR", "1").stdin(Stdio::null()).output().expect("run smmu");
    finish(out)
}

pub fn smmu_stdin<I, S>(args: I, input: &[u8]) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut child = Command::new(bin())
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn smmu");
    {
        let mut stdin = child.stdin.take().expect("stdin");
        // The child may exit before reading everything (bad input): ignore EPIPE.
        let _ = stdin.write_all(input);
    }
    finish(child.wait_with_output().expect("wait smmu"))
}

/// A scratch file under the target directory (no tempfile dependency needed).
pub fn scratch(name: &str, contents: &[u8]) -> PathBuf {
    let dir = bin().parent().expect("dir").join("qa-scratch");
    static CLEAN: OnceLock<()> = OnceLock::new();
    CLEAN.get_or_init(|| {
        // Drop what earlier runs left behind (older than 30 minutes).
        if let Ok(rd) = std::fs::read_dir(&dir) {
            for e in rd.flatten() {
                let old = e
                    .metadata()
                    .ok()
                    .and_then(|m| m.modified().ok())
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|d| d.as_secs() > 1800);
                if old {
                    let p = e.path();
                    let _ = if p.is_dir() { std::fs::remove_dir_all(&p) } else { std::fs::remove_file(&p) };
                }
            }
        }
    });
    std::fs::create_dir_all(&dir).expect("mkdir scratch");
    // Unique per call: tests in one process run in parallel threads.
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let p = dir.join(format!("{}-{n}-{name}", std::process::id()));
    std::fs::write(&p, contents).expect("write scratch");
    p
}

pub fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn capture(fx: &str) -> serde_json::Value {
    read_json(&data(&format!("{fx}/capture.json")))
}

pub fn hex(s: &serde_json::Value) -> u64 {
    let t = s.as_str().unwrap_or_else(|| panic!("not a string: {s}"));
    let t = t.trim_start_matches("0x");
    u64::from_str_radix(t, 16).unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// A number in the product's JSON: an integer or a "0x..." string.
pub fn num(v: &serde_json::Value) -> u64 {
    match v {
        serde_json::Value::Number(n) => n.as_u64().unwrap_or_else(|| panic!("not u64: {v}")),
        serde_json::Value::String(_) => hex(v),
        _ => panic!("not a number: {v}"),
    }
}

/// The capture's registers as QEMU's monitor read them at the snapshot, 64-bit registers
/// joined from their _lo/_hi halves, Page 1 names without the suffix.
pub fn capture_registers(cap: &serde_json::Value) -> Vec<(String, u64, u32)> {
    let regs = cap["registers"].as_object().expect("registers");
    let mut out: Vec<(String, u64, u32)> = Vec::new();
    for (name, v) in regs {
        if name.starts_with("rsvd") {
            continue;
        }
        let val = hex(&v["qemu_monitor_at_snapshot"]);
        let name = name.replace("(page1)", "");
        if let Some(base) = name.strip_suffix("_lo") {
            let hi = hex(&regs[&format!("{base}_hi")]["qemu_monitor_at_snapshot"]);
            out.push((base.to_string(), (hi << 32) | val, 64));
        } else if name.ends_with("_hi") {
            continue;
        } else {
            out.push((name, val, 32));
        }
    }
    out
}

/// A snapshot file (format of issue 5) assembled from capture.json registers and
/// memory.json pages.
pub fn capture_snapshot(fx: &str) -> PathBuf {
    let cap = capture(fx);
    let mem = read_json(&data(&format!("{fx}/memory.json")));
    let mut regs = serde_json::Map::new();
    for (name, val, width) in capture_registers(&cap) {
        let s = if width == 64 { format!("0x{val:016x}") } else { format!("0x{val:08x}") };
        regs.insert(name, serde_json::Value::String(s));
    }
    let memory: Vec<serde_json::Value> = mem["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .map(|p| serde_json::json!({"pa": p["pa"], "hex": p["hex"]}))
        .collect();
    let snap = serde_json::json!({
        "smmu_explorer_snapshot": 1,
        "registers": regs,
        "memory": memory,
        "notes": [format!("assembled by tests/tests/common from tests/data/{fx}")],
    });
    scratch(&format!("{fx}.snapshot.json"), snap.to_string().as_bytes())
}

/// Reads a little-endian u64 from memory.json pages (None when the page is absent).
pub struct Pages(Vec<(u64, Vec<u8>)>);

impl Pages {
    pub fn load(fx: &str) -> Pages {
        let mem = read_json(&data(&format!("{fx}/memory.json")));
        let mut v = Vec::new();
        for p in mem["pages"].as_array().expect("pages") {
            let pa = hex(&p["pa"]);
            let h = p["hex"].as_str().expect("hex");
            let bytes: Vec<u8> =
                (0..h.len() / 2).map(|i| u8::from_str_radix(&h[2 * i..2 * i + 2], 16).expect("hex byte")).collect();
            v.push((pa, bytes));
        }
        Pages(v)
    }
    pub fn read_u64(&self, pa: u64) -> Option<u64> {
        for (base, bytes) in &self.0 {
            if pa >= *base && pa + 8 <= *base + bytes.len() as u64 {
                let o = (pa - base) as usize;
                let mut b = [0u8; 8];
                b.copy_from_slice(&bytes[o..o + 8]);
                return Some(u64::from_le_bytes(b));
            }
        }
        None
    }
}

/// Finds `key=0x...` (or `key: 0x...`) in a QEMU trace line.
pub fn trace_val(line: &str, key: &str) -> Option<u64> {
    for sep in ["=", ": ", ":"] {
        let pat = format!("{key}{sep}");
        if let Some(i) = line.find(&pat) {
            let rest = line[i + pat.len()..].trim_start();
            let tok: String = rest.chars().take_while(|c| c.is_ascii_hexdigit() || *c == 'x' || *c == '-').collect();
            let t = tok.trim_start_matches("0x");
            if let Ok(v) = u64::from_str_radix(t, 16) {
                return Some(v);
            }
        }
    }
    None
}

pub fn field<'a>(reg: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    reg["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no field {name} in {}", reg["name"]))
}

pub fn register<'a>(decoded: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    decoded["registers"]
        .as_array()
        .expect("registers")
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no register {name}"))
}
