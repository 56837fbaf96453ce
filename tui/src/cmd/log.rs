//! `smmu log [FILE|-]`: find and explain every SMMU event, command error, driver message and
//! probe banner in a kernel log. Text and `--format email` are printed one finding at a time
//! (never the whole report's text in memory); `--json` is streamed.
use crate::common::{doc_text, print_json, read_input, CliError, CliResult, OutFormat, Style};
use smmu_core::klog::{self, features::KernelVersion};
use smmu_core::linux::BannerCheck;
use smmu_core::present::{text, Document, Span, Tone};
use std::io::Write;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Input file, or - for standard input.
    pub file: Option<String>,
    /// Kernel version that printed the log (names the feature bits), e.g. 6.1, 6.12, 7.3.
    #[arg(long)]
    pub kernel: Option<String>,
    /// Output format (`--json` is `--format json`; `email` is plain text of at most 76
    /// columns for a mailing-list reply).
    #[arg(long, value_enum)]
    pub format: Option<OutFormat>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> CliResult {
    let kernel = match &args.kernel {
        Some(k) => Some(KernelVersion::parse(k).ok_or_else(|| {
            CliError::Usage(format!(
                "--kernel {k:?}: expected a version like 6.12 (major.minor, each a number below 2^32)"
            ))
        })?),
        None => None,
    };
    let input = read_input(args.file.as_deref())?;
    if let Some(off) = binary_at(&input.bytes) {
        return Err(CliError::Input(format!(
            "{}: not a text log (binary data at byte offset {off}); `smmu log` reads kernel logs as printed by dmesg or journalctl",
            input.name
        )));
    }
    let an = smmu_core::linux::output::analyze_log(&input.bytes, kernel);
    drop(input.bytes);
    let fmt = OutFormat::pick(args.format, args.json);
    if fmt == OutFormat::Json {
        return print_json("log", &an);
    }
    let st = Style::detect();
    let render = |d: &Document| match fmt {
        OutFormat::Email => text::render(d, &text::Options::email()),
        _ => doc_text(d, &st),
    };
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut ok = true;
    let mut emit = |d: Document| {
        if ok {
            let mut s = render(&d);
            if !s.ends_with('\n') {
                s.push('\n');
            }
            s.push('\n');
            // A closed pipe (`| head`) ends the output quietly.
            ok = out.write_all(s.as_bytes()).is_ok();
        }
    };
    klog::doc::each(&an.report, &input.name, &mut emit);
    if an.have_registers {
        an.banner_checks.iter().for_each(|c| emit(banner_check(c)));
    }
    let _ = out.flush();
    Ok(())
}

fn banner_check(c: &BannerCheck) -> Document {
    let mut d = Document::new();
    d.heading(format!("banner vs registers ({})", c.kernel_note), None);
    d.kv("printed", vec![Span::new(c.printed.clone(), Tone::Value)]);
    d.kv("expected", vec![Span::new(c.expected.clone().unwrap_or_else(|| "(the probe fails)".into()), Tone::Value)]);
    let mut items: Vec<Vec<Span>> = c.explanations.iter().map(|e| vec![Span::plain(e.clone())]).collect();
    if c.agrees {
        items.push(vec![Span::new(
            "agrees: the registers and the kernel's rules give the printed features",
            Tone::Good,
        )]);
    }
    items.extend(c.unexplained.iter().map(|u| vec![Span::new(format!("DISAGREES: {u}"), Tone::Bad)]));
    d.bullets(items);
    d
}

/// The offset of the first byte that makes the input binary rather than a (possibly
/// slightly garbled) text log: a NUL byte, or, when more than 1 in 8 bytes are control
/// characters or invalid UTF-8, the first of them.
pub fn binary_at(b: &[u8]) -> Option<usize> {
    if let Some(p) = b.iter().position(|&c| c == 0) {
        return Some(p);
    }
    // Valid UTF-8 (the usual case): count control characters byte-wise (C0 below 0x20 and
    // DEL; C1 as 0xC2 0x80..0x9F), characters as the bytes that start one.
    if std::str::from_utf8(b).is_ok() {
        let ctl = |c: u8| (c < 0x20 && !matches!(c, b'\n' | b'\r' | b'\t' | 0x1b | 0x0c)) || c == 0x7f || c == 0xC2;
        // The usual case, a clean log: no control byte (nor 0xC2, which starts C1 controls).
        // Eight bytes at a time: only words holding a byte below 0x20 or from 0x7f up are
        // looked at byte by byte.
        let word_suspect = |x: u64| {
            const LO: u64 = 0x2020_2020_2020_2020;
            const ONE: u64 = 0x0101_0101_0101_0101;
            const HI: u64 = 0x8080_8080_8080_8080;
            (x.wrapping_sub(LO) & !x & HI) != 0 || ((x.wrapping_add(ONE) | x) & HI) != 0
        };
        let mut chunks = b.chunks_exact(8);
        let clean = chunks.by_ref().all(|c| {
            let x = c.try_into().map_or(u64::MAX, u64::from_le_bytes);
            !word_suspect(x) || !c.iter().any(|&y| ctl(y))
        }) && !chunks.remainder().iter().any(|&c| ctl(c));
        if clean {
            return None;
        }
        let (mut bad, mut chars) = (0usize, 0usize);
        let mut first = None;
        let mut prev = 0u8;
        for (i, &c) in b.iter().enumerate() {
            if c & 0xC0 != 0x80 {
                chars += 1;
            }
            let ctl = (c < 0x20 && !matches!(c, b'\n' | b'\r' | b'\t' | 0x1b | 0x0c))
                || c == 0x7f
                || (prev == 0xC2 && (0x80..=0x9F).contains(&c));
            if ctl {
                bad += 1;
                first.get_or_insert(if prev == 0xC2 && c >= 0x80 { i.saturating_sub(1) } else { i });
            }
            prev = c;
        }
        return if bad > 0 && bad.saturating_mul(8) > chars { first } else { None };
    }
    let (mut bad, mut chars, mut off) = (0usize, 0usize, 0usize);
    let mut first = None;
    for chunk in b.utf8_chunks() {
        for ch in chunk.valid().chars() {
            chars += 1;
            if ch.is_control() && !matches!(ch, '\n' | '\r' | '\t' | '\x1b' | '\x0c') {
                bad += 1;
                first.get_or_insert(off);
            }
            off += ch.len_utf8();
        }
        let inv = chunk.invalid().len();
        if inv > 0 {
            chars += 1;
            bad += 1;
            first.get_or_insert(off);
            off += inv;
        }
    }
    if bad > 0 && bad.saturating_mul(8) > chars {
        first
    } else {
        None
    }
}
