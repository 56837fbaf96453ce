//! The kernel log: /dev/kmsg read non-blocking (one record per read, `prio,seq,usec,flags;text`),
//! or a saved log (`--kernel-log FILE`, or dev/kmsg / var/log/kern.log* / var/log/dmesg* in a
//! `--root` tree) in any of the formats people save: /dev/kmsg records, `dmesg`, `dmesg -T`,
//! `journalctl -k` and syslog's kern.log. Keeps the lines that concern the SMMU and iommu core,
//! formatted like `dmesg` (`[seconds.micros] text`, or the text alone where the log kept only
//! wall-clock times).

use super::safefs::{Device, Root, LIMIT_LOG};
use std::fs::File;
use std::io::{BufRead, Read};
use std::os::unix::fs::FileTypeExt;

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
    /// The format the lines were in (`/dev/kmsg records`, `dmesg`, `dmesg -T`,
    /// `journalctl -k`, `syslog (kern.log)`).
    pub format: &'static str,
    /// Said when only part of the input was read.
    pub note: Option<String>,
}

/// Keeps the relevant lines of a stream of lines, the newest [`MAX_LINES`] of them, without
/// holding the rest.
struct Keeper {
    lines: std::collections::VecDeque<String>,
    total: usize,
    formats: [usize; 6],
}

const FORMATS: [&str; 6] = ["/dev/kmsg records", "dmesg", "dmesg -T", "journalctl -k", "syslog (kern.log)", "text"];

impl Keeper {
    fn new() -> Self {
        Keeper { lines: Default::default(), total: 0, formats: [0; 6] }
    }
    fn push(&mut self, l: String) {
        self.total += 1;
        if relevant(&l) {
            if self.lines.len() == MAX_LINES {
                self.lines.pop_front();
            }
            self.lines.push_back(l);
        }
    }
    fn push_saved(&mut self, raw: &str) {
        let raw = raw.trim_end_matches(['\r', '\n']);
        if raw.is_empty() {
            return;
        }
        let (fmt, line) = normalize_saved(raw);
        if let Some(c) = self.formats.get_mut(fmt) {
            *c += 1;
        }
        self.push(line);
    }
    fn done(self, note: Option<String>) -> KernelLog {
        let best = self.formats.iter().enumerate().max_by_key(|(_, c)| **c).map(|(i, _)| i).unwrap_or(1);
        KernelLog {
            lines: self.lines.into(),
            total: self.total,
            format: FORMATS.get(best).copied().unwrap_or("text"),
            note,
        }
    }
}

/// `[    1.234567]`-style monotonic timestamp at the start of `s`: its length.
fn mono_prefix(s: &str) -> Option<usize> {
    let inner = s.strip_prefix('[')?;
    let end = inner.find(']')?;
    let t = inner[..end].trim();
    let (a, b) = t.split_once('.')?;
    (!a.is_empty() && a.bytes().all(|c| c.is_ascii_digit()) && !b.is_empty() && b.bytes().all(|c| c.is_ascii_digit()))
        .then_some(end + 2)
}

/// One line of a saved log in whatever format it came, as the /dev/kmsg reader gives it:
/// `[seconds.micros] text` where the log has a monotonic time, else the text alone (wall-clock
/// times and host names are dropped). Returns the format's index in [`FORMATS`].
pub fn normalize_saved(raw: &str) -> (usize, String) {
    // /dev/kmsg records saved as they are ("6,523,1466233,-;text").
    if let Some((hdr, _)) = raw.split_once(';') {
        let f: Vec<&str> = hdr.split(',').collect();
        if f.len() >= 4 && f.iter().take(3).all(|x| !x.is_empty() && x.bytes().all(|c| c.is_ascii_digit())) {
            return (0, format_record(raw).into_iter().next().unwrap_or_default());
        }
    }
    if mono_prefix(raw).is_some() {
        // dmesg, or journalctl -o short-monotonic ("[    1.234567] host kernel: text").
        if let Some(n) = mono_prefix(raw) {
            let rest = raw.get(n..).unwrap_or("").trim_start();
            if let Some((host, text)) = rest.split_once(" kernel: ") {
                if !host.contains(' ') {
                    return (3, format!("{} {text}", &raw[..n].trim_end()));
                }
            }
        }
        return (1, raw.to_string());
    }
    // dmesg -T: "[Sun Dec  6 21:00:00 2026] text".
    if raw.starts_with('[') {
        if let Some(end) = raw.find(']') {
            let inner = &raw[1..end];
            if inner.bytes().any(|c| c.is_ascii_alphabetic()) && inner.contains(':') {
                return (2, raw[end + 1..].trim_start().to_string());
            }
        }
    }
    // journalctl -k ("Dec 06 21:00:00 host kernel: text") and syslog's kern.log
    // ("Dec  6 21:00:00 host kernel: [    1.234567] text", or RFC 3339 times).
    if let Some(i) = raw.find(" kernel: ") {
        let head = &raw[..i];
        let timeish = head.bytes().take(20).filter(|c| *c == b':').count() >= 2;
        if timeish {
            let text = raw[i + " kernel: ".len()..].trim_start();
            return if mono_prefix(text).is_some() { (4, text.to_string()) } else { (3, text.to_string()) };
        }
    }
    (5, raw.to_string())
}

/// Reads the kernel log at `abs` in the tree: the /dev/kmsg character device record by record
/// without blocking (on the live root), or a regular file in any saved format.
pub fn read(fs: &Root, abs: &str) -> std::io::Result<KernelLog> {
    let f = fs.open(abs, Device::Kmsg)?;
    if f.metadata()?.file_type().is_char_device() {
        return read_device(f);
    }
    read_saved_file(f)
}

/// Reads a saved log (dmesg, dmesg -T, journalctl -k, kern.log, /dev/kmsg records) from a
/// regular file: the last [`LIMIT_LOG`] bytes at most, a line at a time.
pub fn read_saved_file(mut f: File) -> std::io::Result<KernelLog> {
    use std::io::{Seek, SeekFrom};
    let len = f.metadata()?.len();
    let mut note = None;
    let mut skip_partial = false;
    if len > LIMIT_LOG {
        f.seek(SeekFrom::Start(len - LIMIT_LOG))?;
        skip_partial = true;
        note = Some(format!("the log is {len} bytes: only its last {LIMIT_LOG} bytes were read"));
    }
    read_saved(std::io::BufReader::new(f), skip_partial, note)
}

/// Reads a saved log from a stream (standard input for `--kernel-log -`), at most
/// 4 x [`LIMIT_LOG`] bytes, keeping the newest relevant lines.
pub fn read_saved_stream(r: impl Read) -> std::io::Result<KernelLog> {
    let cap = LIMIT_LOG.saturating_mul(4);
    let mut t = std::io::BufReader::new(r.take(cap));
    let log = read_saved(&mut t, false, None)?;
    let mut probe = [0u8; 1];
    let more = t.into_inner().into_inner().read(&mut probe).map(|n| n > 0).unwrap_or(false);
    Ok(if more {
        KernelLog { note: Some(format!("only the first {cap} bytes of standard input were read")), ..log }
    } else {
        log
    })
}

fn read_saved(mut r: impl BufRead, skip_partial: bool, note: Option<String>) -> std::io::Result<KernelLog> {
    let mut k = Keeper::new();
    let mut buf = Vec::new();
    let mut first = true;
    loop {
        buf.clear();
        // A line is cut at 64 KiB so one endless line cannot take all memory.
        let n = (&mut r).take(64 << 10).read_until(b'\n', &mut buf)?;
        if n == 0 {
            break;
        }
        if std::mem::take(&mut first) && skip_partial {
            continue;
        }
        k.push_saved(&String::from_utf8_lossy(&buf));
    }
    Ok(k.done(note))
}

fn read_device(mut f: File) -> std::io::Result<KernelLog> {
    let mut k = Keeper::new();
    let mut buf = vec![0u8; 16384];
    // Bounded: a busy log cannot keep us here forever.
    for _ in 0..200_000 {
        match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                let rec = String::from_utf8_lossy(&buf[..n]);
                for l in format_record(&rec) {
                    k.push(l);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
            // EPIPE: the record we were about to read was overwritten; continue with the next.
            Err(e) if e.raw_os_error() == Some(32) => continue,
            Err(e) => {
                if k.total == 0 {
                    return Err(e);
                }
                break;
            }
        }
    }
    let mut log = k.done(None);
    log.format = FORMATS[0];
    Ok(log)
}

/// Saved logs a copied tree may hold when it has no dev/kmsg, in the order tried: the current
/// kern.log, then the boot-time dmesg, then rotated copies (compressed ones are not read).
pub fn saved_candidates(fs: &Root) -> Vec<String> {
    let names = fs.list("/var/log").unwrap_or_default();
    let mut v: Vec<String> = Vec::new();
    let rank = |n: &str| -> Option<(u8, u32)> {
        if n.ends_with(".gz") || n.ends_with(".xz") || n.ends_with(".zst") || n.ends_with(".bz2") {
            return None;
        }
        for (i, stem) in ["kern.log", "dmesg"].iter().enumerate() {
            if n == *stem {
                return Some((i as u8, 0));
            }
            if let Some(rest) = n.strip_prefix(stem).and_then(|r| r.strip_prefix('.')) {
                if let Ok(k) = rest.parse::<u32>() {
                    return Some((2 + i as u8, k.saturating_add(1)));
                }
            }
        }
        None
    };
    let mut ranked: Vec<((u8, u32), String)> = names.iter().filter_map(|n| rank(n).map(|r| (r, n.clone()))).collect();
    ranked.sort();
    v.extend(ranked.into_iter().map(|(_, n)| format!("/var/log/{n}")));
    v
}
