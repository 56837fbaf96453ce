//! `smmu log` as presentation documents (one per finding, so a frontend can render and print
//! them one at a time instead of building the whole report's text in memory).

use super::{
    CmdSyncTimeout, CommandError, GlobalError, LogEvent, LogReport, Message, OptionMask, PriRequest, Probe, Scan,
    Unparsed,
};
use crate::present::{build, Document, Span, Tone};

fn plain(s: impl Into<String>) -> Vec<Span> {
    vec![Span::plain(s)]
}

/// The first lines: what was found, in how many lines.
pub fn summary(r: &LogReport, events: usize, name: &str) -> Document {
    let mut d = Document::new();
    if r.smmu_lines == 0 {
        d.text(plain(format!(
            "{name}: no SMMU-related lines found in {} line(s) (looked for arm-smmu-v3, kvm-arm-smmu-v3, tegra241_cmdqv and Xen SMMUv3 messages)",
            r.lines
        )));
        return d;
    }
    d.text(plain(format!(
        "{name}: {} event(s), {} command error(s), {} CMD_SYNC timeout(s), {} probe banner(s), {} global error(s), {} driver message(s), {} line(s) not understood, in {} line(s)",
        events,
        r.command_errors.len(),
        r.cmd_sync_timeouts.len(),
        r.probe.len(),
        r.global_errors.len(),
        r.messages.len(),
        r.unparsed.len(),
        r.lines
    )));
    d
}

pub fn probe(p: &Probe) -> Document {
    let mut d = Document::new();
    d.heading(format!("probe line {}: {}", p.line, p.device), None);
    if let Some(i) = p.ias {
        d.kv("ias", plain(format!("{i}-bit (input/IPA size)")));
    }
    if let Some(o) = p.oas {
        d.kv("oas", plain(format!("{o}-bit (output/physical address size)")));
    }
    d.kv(
        "features",
        vec![
            Span::new(p.features.clone(), Tone::Value),
            Span::plain(format!(" as Linux {} numbers ARM_SMMU_FEAT_*", p.kernel)),
        ],
    );
    let mut items: Vec<Vec<Span>> = p.implies.iter().map(|i| plain(i.clone())).collect();
    items.extend(p.unknown_bits.iter().map(|b| {
        vec![Span::new(format!("bit {b}: not defined by Linux {} (newer kernel? pass --kernel)", p.kernel), Tone::Warn)]
    }));
    d.bullets(items);
    d
}

pub fn options(o: &OptionMask) -> Document {
    let mut d = Document::new();
    d.heading(format!("options line {}: mask {}", o.line, o.mask), None);
    let mut items: Vec<Vec<Span>> = o.options.iter().map(|n| plain(n.clone())).collect();
    items.extend(
        o.unknown_bits
            .iter()
            .map(|b| vec![Span::new(format!("bit {b}: not an ARM_SMMU_OPT_* Linux defines"), Tone::Warn)]),
    );
    d.bullets(items);
    d
}

pub fn event(e: &LogEvent) -> Document {
    let mut d = Document::new();
    let dev = if e.device.is_empty() { "(no device prefix)" } else { &e.device };
    d.heading(format!("event line {}: {dev}", e.line), None);
    d.section("record", build::event(&e.event));
    if let Some(c) = &e.client {
        d.kv("client device", plain(c.clone()));
    }
    let mut items: Vec<Vec<Span>> = e.notes.iter().map(|n| vec![Span::new(n.clone(), Tone::Warn)]).collect();
    if !e.unknown_fields.is_empty() {
        items.push(vec![Span::new(format!("unknown (dword missing): {}", e.unknown_fields.join(", ")), Tone::Warn)]);
    }
    for c in &e.checks {
        let line = format!("kernel {} = {} / record {}", c.field, c.kernel, c.record);
        items.push(if c.agrees {
            vec![Span::new(format!("agrees: {line}"), Tone::Good)]
        } else {
            vec![Span::new(format!("DISAGREES: {line}"), Tone::Bad)]
        });
    }
    d.bullets(items);
    d
}

pub fn command_error(c: &CommandError) -> Document {
    let mut d = Document::new();
    d.heading(format!("command error line {}: {}", c.line, c.device), Some("IHI 0070 7.1".into()));
    d.kv(
        "SMMU_CMDQ_CONS",
        vec![
            Span::new(if c.cons.is_empty() { "?".to_string() } else { c.cons.clone() }, Tone::Value),
            Span::plain(format!(
                " -> {} ({}){}",
                c.error.as_deref().unwrap_or("?"),
                c.kernel_message,
                c.index.map(|i| format!(", command at index {i}")).unwrap_or_default()
            )),
        ],
    );
    d.text(vec![Span::new(c.explanation.clone(), Tone::Bad)]);
    if let Some(cmd) = &c.command {
        d.section("skipped command", build::command(cmd));
    }
    if !c.missing_dwords.is_empty() {
        d.text(vec![Span::new(format!("command dword(s) missing or damaged: {:?}", c.missing_dwords), Tone::Warn)]);
    }
    d
}

pub fn cmd_sync_timeout(t: &CmdSyncTimeout) -> Document {
    let q = |v: &Option<String>| v.clone().unwrap_or_else(|| "not printed".into());
    let mut d = Document::new();
    d.heading(format!("CMD_SYNC timeout line {}: {}", t.line, t.device), Some("IHI 0070 4.7.3".into()));
    d.text(vec![Span::plain(format!(
        "CMD_SYNC at {}, SMMU_CMDQ_PROD {}, SMMU_CMDQ_CONS {}{}",
        q(&t.sync_at),
        q(&t.hwprod),
        q(&t.hwcons),
        t.cons_error.as_deref().map(|e| format!(" (CONS.ERR {e})")).unwrap_or_default()
    ))]);
    if let Some(p) = t.pending {
        d.kv("not consumed", plain(format!("{p} command(s)")));
    }
    d.text(vec![Span::new(t.explanation.clone(), Tone::Bad)]);
    d
}

pub fn pri_request(p: &PriRequest) -> Document {
    let mut d = Document::new();
    d.heading(format!("PRI request line {}: {}", p.line, p.device), Some("IHI 0070 8.1".into()));
    let h = |v: Option<u32>| v.map(|v| format!("{v:#x}")).unwrap_or_else(|| "?".into());
    d.kv(
        "request",
        plain(format!(
            "StreamID {} SubstreamID {} PRG {}{} {}privileged {} at {}",
            h(p.sid),
            h(p.ssid),
            p.prg_index.map(|v| v.to_string()).unwrap_or_else(|| "?".into()),
            if p.last { " (last)" } else { "" },
            if p.privileged { "" } else { "un" },
            p.access,
            p.iova.as_deref().unwrap_or("?")
        )),
    );
    d.text(plain(p.explanation.clone()));
    d
}

pub fn global_error(g: &GlobalError) -> Document {
    let mut d = Document::new();
    d.heading(
        format!("global error line {}: {}", g.line, g.device),
        Some(format!("IHI 0070 {}", crate::regs::control::gerror::LAYOUT.section)),
    );
    d.kv("active (GERROR ^ GERRORN)", vec![Span::new(g.value.clone(), Tone::Value)]);
    d.bullets(g.errors.iter().map(|e| vec![Span::new(e.clone(), Tone::Bad)]).collect());
    d
}

pub fn message(m: &Message) -> Document {
    let mut d = Document::new();
    let dev = if m.device.is_empty() { String::new() } else { format!("{}: ", m.device) };
    d.text(vec![Span::new(format!("line {}: {dev}{}", m.line, m.text), Tone::Strong)]);
    d.text(plain(format!("  {}", m.explanation)));
    d
}

pub fn unparsed(u: &Unparsed) -> Document {
    let mut d = Document::new();
    d.text(vec![Span::new(format!("line {}: not understood ({}): {}", u.line, u.reason, u.text), Tone::Warn)]);
    d
}

/// Every document of a report, in the order `smmu log` prints them; events are decoded one
/// at a time.
pub fn each(scan: &Scan, name: &str, mut f: impl FnMut(Document)) {
    let r = &scan.report;
    f(summary(r, scan.event_count(), name));
    if r.smmu_lines == 0 {
        return;
    }
    r.probe.iter().for_each(|x| f(probe(x)));
    r.options.iter().for_each(|x| f(options(x)));
    scan.events().for_each(|x| f(event(&x)));
    r.command_errors.iter().for_each(|x| f(command_error(x)));
    r.cmd_sync_timeouts.iter().for_each(|x| f(cmd_sync_timeout(x)));
    r.pri_requests.iter().for_each(|x| f(pri_request(x)));
    r.global_errors.iter().for_each(|x| f(global_error(x)));
    r.messages.iter().for_each(|x| f(message(x)));
    r.unparsed.iter().for_each(|x| f(unparsed(x)));
    if let (Some(k), false) = (&r.kernel, r.probe.is_empty()) {
        let mut d = Document::new();
        d.text(plain(format!("kernel version for feature names: {k}, {}", r.kernel_source)));
        f(d);
    }
}
