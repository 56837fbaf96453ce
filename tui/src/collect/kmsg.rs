//! The kernel log: /dev/kmsg read non-blocking (one record per read, `prio,seq,usec,flags;text`),
//! or a regular file in the same format or plain `dmesg` text (for --root trees). Keeps the
//! lines that concern the SMMU and iommu core, formatted like `dmesg`.

use std::io::Read;
use std::path::Path;

/// Lines kept at most (the newest win).
pub const MAX_LINES: usize = 4000;

pub fn relevant(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    l.contains("smmu") || l.contains("iommu") || l.contains("iort") || l.contains("vfio")
}

/// Formats one /dev/kmsg record as `[    1.466233] text`; other lines are returned as is.
pub fn format_record(rec: &str) -> Vec<String> {
    let mut lines = rec.lines();
    let Some(first) = lines.next() else { return vec![] };
    let Some((hdr, text)) = first.split_once(';') else { return vec![first.to_string()] };
    let f: Vec<&str> = hdr.split(',').collect();
    let usec = f.get(2).and_then(|u| u.parse::<u64>().ok());
    match (f.len() >= 3, usec) {
        (true, Some(us)) if f[0].parse::<u32>().is_ok() => {
            vec![format!("[{:5}.{:06}] {}", us / 1_000_000, us % 1_000_000, unescape(text))]
        }
        _ => vec![first.to_string()],
    }
}

/// /dev/kmsg escapes non-printable bytes as `\xNN`; the SMMU's event dumps use tabs.
fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && i + 3 < b.len()
            && b[i + 1] == b'x'
            && b[i + 2].is_ascii_hexdigit()
            && b[i + 3].is_ascii_hexdigit()
        {
            let h = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
            out.push(h(b[i + 2]) * 16 + h(b[i + 3]));
            i += 4;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub struct KernelLog {
    pub lines: Vec<String>,
    pub total: usize,
}

fn keep(all: Vec<String>) -> KernelLog {
    let total = all.len();
    let mut lines: Vec<String> = all.into_iter().filter(|l| relevant(l)).collect();
    if lines.len() > MAX_LINES {
        lines.drain(..lines.len() - MAX_LINES);
    }
    KernelLog { lines, total }
}

/// Reads the log from `path`: the /dev/kmsg character device record by record without
/// blocking, or a regular file whole.
pub fn read(path: &Path) -> std::io::Result<KernelLog> {
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    let md = std::fs::metadata(path)?;
    if !md.file_type().is_char_device() {
        let text = std::fs::read_to_string(path)?;
        return Ok(keep(text.lines().flat_map(format_record).collect()));
    }
    let mut f =
        std::fs::OpenOptions::new().read(true).custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32).open(path)?;
    let mut all = Vec::new();
    let mut buf = vec![0u8; 16384];
    // Bounded: a busy log cannot keep us here forever.
    for _ in 0..200_000 {
        match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                let rec = String::from_utf8_lossy(&buf[..n]);
                all.extend(format_record(&rec));
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
            // EPIPE: the record we were about to read was overwritten; continue with the next.
            Err(e) if e.raw_os_error() == Some(32) => continue,
            Err(e) => {
                if all.is_empty() {
                    return Err(e);
                }
                break;
            }
        }
    }
    Ok(keep(all))
}
