//! `smmu log [FILE|-]`: find and explain every SMMU event, command error and probe banner in
//! a kernel log.
use super::command::render_command;
use super::event::render_event;
use crate::common::{print_json, print_text, read_input, CliError, CliResult, Style};
use smmu_core::klog::{self, features::KernelVersion};
use smmu_core::linux::BannerCheck;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Input file, or - for standard input.
    pub file: Option<String>,
    /// Kernel version that printed the log (names the feature bits), e.g. 6.1, 6.12, 7.3.
    #[arg(long)]
    pub kernel: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> CliResult {
    let kernel = match &args.kernel {
        Some(k) => Some(
            KernelVersion::parse(k)
                .ok_or_else(|| CliError::Usage(format!("--kernel {k:?}: expected a version like 6.12")))?,
        ),
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
    if args.json {
        return print_json("log", &an);
    }
    let mut out = render(&an.report, &input.name);
    out.push_str(&render_checks(&an.banner_checks, an.have_registers));
    print_text(&out);
    Ok(())
}

fn render_checks(checks: &[BannerCheck], have_regs: bool) -> String {
    let st = Style::detect();
    let mut s = String::new();
    if !have_regs {
        return s;
    }
    for c in checks {
        s.push_str(&format!("\n{} ({})\n", st.bold("banner vs registers"), c.kernel_note));
        s.push_str(&format!("  printed:  {}\n", c.printed));
        s.push_str(&format!("  expected: {}\n", c.expected.as_deref().unwrap_or("(the probe fails)")));
        for e in &c.explanations {
            s.push_str(&format!("  {e}\n"));
        }
        if c.agrees {
            s.push_str(&format!(
                "  {}\n",
                st.good("agrees: the registers and the kernel's rules give the printed features")
            ));
        }
        for u in &c.unexplained {
            s.push_str(&format!("  {}\n", st.bad(&format!("DISAGREES: {u}"))));
        }
    }
    s
}

/// The offset of the first byte that makes the input binary rather than a (possibly
/// slightly garbled) text log: a NUL byte, or, when more than 1 in 8 bytes are control
/// characters or invalid UTF-8, the first of them.
pub fn binary_at(b: &[u8]) -> Option<usize> {
    if let Some(p) = b.iter().position(|&c| c == 0) {
        return Some(p);
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

pub fn render(r: &klog::LogReport, name: &str) -> String {
    let st = Style::detect();
    let mut s = String::new();
    if r.smmu_lines == 0 {
        s.push_str(&format!(
            "{name}: no SMMU-related lines found in {} line(s) (looked for arm-smmu-v3, kvm-arm-smmu-v3 and Xen SMMUv3 messages)\n",
            r.lines
        ));
        return s;
    }
    s.push_str(&format!(
        "{name}: {} event(s), {} command error(s), {} CMD_SYNC timeout(s), {} probe banner(s), {} global error(s), {} line(s) not understood\n",
        r.events.len(),
        r.command_errors.len(),
        r.cmd_sync_timeouts.len(),
        r.probe.len(),
        r.global_errors.len(),
        r.unparsed.len()
    ));
    for p in &r.probe {
        s.push_str(&format!("\n{} line {}: {}\n", st.bold("probe"), p.line, p.device));
        if let Some(i) = p.ias {
            s.push_str(&format!("  ias {i}-bit (input/IPA size)\n"));
        }
        if let Some(o) = p.oas {
            s.push_str(&format!("  oas {o}-bit (output/physical address size)\n"));
        }
        s.push_str(&format!("  features {} as Linux {} numbers ARM_SMMU_FEAT_*:\n", p.features, p.kernel));
        for i in &p.implies {
            s.push_str(&format!("    {i}\n"));
        }
        for b in &p.unknown_bits {
            s.push_str(&format!(
                "    {}\n",
                st.warn(&format!("bit {b}: not defined by Linux {} (newer kernel? pass --kernel)", p.kernel))
            ));
        }
    }
    for o in &r.options {
        s.push_str(&format!("\n{} line {}: mask {}\n", st.bold("options"), o.line, o.mask));
        for n in &o.options {
            s.push_str(&format!("    {n}\n"));
        }
    }
    for e in &r.events {
        s.push_str(&format!("\n{} line {}: {}\n", st.bold("event"), e.line, e.device));
        s.push_str(&render_event(&e.event, &st));
        if let Some(c) = &e.client {
            s.push_str(&format!("  client device: {c}\n"));
        }
        for n in &e.notes {
            s.push_str(&format!("  {}\n", st.warn(n)));
        }
        if !e.unknown_fields.is_empty() {
            s.push_str(&format!(
                "  {}\n",
                st.warn(&format!("unknown (dword missing): {}", e.unknown_fields.join(", ")))
            ));
        }
        for c in &e.checks {
            let line = format!("kernel {} = {} / record {}", c.field, c.kernel, c.record);
            s.push_str(&format!(
                "  {}\n",
                if c.agrees { st.good(&format!("agrees: {line}")) } else { st.bad(&format!("DISAGREES: {line}")) }
            ));
        }
    }
    for c in &r.command_errors {
        s.push_str(&format!("\n{} line {}: {}\n", st.bold("command error"), c.line, c.device));
        s.push_str(&format!(
            "  CMDQ_CONS {} -> {} ({}){}\n  {}\n",
            if c.cons.is_empty() { "?" } else { &c.cons },
            c.error.as_deref().unwrap_or("?"),
            c.kernel_message,
            c.index.map(|i| format!(", command at index {i}")).unwrap_or_default(),
            c.explanation
        ));
        if let Some(cmd) = &c.command {
            s.push_str(&render_command(cmd, &st));
        }
        if !c.missing_dwords.is_empty() {
            s.push_str(&format!(
                "  {}\n",
                st.warn(&format!("command dword(s) missing or damaged: {:?}", c.missing_dwords))
            ));
        }
    }
    for t in &r.cmd_sync_timeouts {
        let q = |v: &Option<String>| v.clone().unwrap_or_else(|| "not printed".into());
        s.push_str(&format!(
            "\n{} line {}: {}\n  CMD_SYNC at {}, SMMU_CMDQ_PROD {}, SMMU_CMDQ_CONS {}{}{}\n  {}\n",
            st.bold("CMD_SYNC timeout"),
            t.line,
            t.device,
            q(&t.sync_at),
            q(&t.hwprod),
            q(&t.hwcons),
            t.cons_error.as_deref().map(|e| format!(" (CONS.ERR {e})")).unwrap_or_default(),
            t.pending.map(|p| format!(", {p} command(s) not consumed")).unwrap_or_default(),
            st.bad(&t.explanation)
        ));
    }
    for p in &r.pri_requests {
        s.push_str(&format!(
            "\n{} line {}: {}\n  StreamID {} SubstreamID {} PRG {}{} {}privileged {} at {}\n  {}\n",
            st.bold("PRI request"),
            p.line,
            p.device,
            p.sid.map(|v| format!("{v:#x}")).unwrap_or_else(|| "?".into()),
            p.ssid.map(|v| format!("{v:#x}")).unwrap_or_else(|| "?".into()),
            p.prg_index.map(|v| v.to_string()).unwrap_or_else(|| "?".into()),
            if p.last { " (last)" } else { "" },
            if p.privileged { "" } else { "un" },
            p.access,
            p.iova.as_deref().unwrap_or("?"),
            p.explanation
        ));
    }
    for g in &r.global_errors {
        s.push_str(&format!("\n{} line {}: active {}\n", st.bold("global error"), g.line, g.value));
        for e in &g.errors {
            s.push_str(&format!("    {e}\n"));
        }
    }
    for m in &r.messages {
        s.push_str(&format!("\nline {}: {}: {}\n  {}\n", m.line, m.device, m.text, m.explanation));
    }
    for u in &r.unparsed {
        s.push_str(&format!("\n{}\n", st.warn(&format!("line {}: not understood ({}): {}", u.line, u.reason, u.text))));
    }
    // Only the probe banner's feature word depends on the kernel version.
    if let (Some(k), false) = (&r.kernel, r.probe.is_empty()) {
        s.push_str(&format!("\nkernel version for feature names: {k}, {}\n", r.kernel_source));
    }
    s
}
