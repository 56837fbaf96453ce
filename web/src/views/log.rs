//! Kernel log: every SMMU line found, one line each (events, command errors, CMD_SYNC
//! timeouts, probe banners, global errors, PRI requests, option masks, other messages, lines
//! not understood); the selected one in full, as `smmu log` explains it, drawn from the
//! core's presentation documents (events and commands) and typed fields.

use super::doc;
use super::Cx;
use egui::{RichText, Ui};
use smmu_core::linux::output::LogAnalysis;
use smmu_core::present::{build, Document, Span, Tone};

#[derive(Default)]
pub struct LogView {
    /// The entry shown in full (index into [`entries`]).
    pub selected: Option<usize>,
}

/// One entry of the list: line, kind, one-line summary, tone.
pub struct Entry {
    pub line: usize,
    pub kind: &'static str,
    pub summary: String,
    pub tone: Tone,
}

fn hex_opt(v: Option<u64>) -> String {
    v.map(|x| format!("{x:#x}")).unwrap_or_else(|| "unknown".into())
}

/// Every entry, in the report's order of kinds.
pub fn entries(l: &LogAnalysis) -> Vec<Entry> {
    let r = &l.report;
    let mut v = vec![];
    for e in &r.events {
        v.push(Entry { line: e.line, kind: "event", summary: e.event.summary.clone(), tone: Tone::Bad });
    }
    for c in &r.command_errors {
        let cmd = c.command.as_ref().map(|c| format!(" on {}", c.name)).unwrap_or_default();
        v.push(Entry {
            line: c.line,
            kind: "command error",
            summary: format!("{}{cmd} (CMDQ_CONS {})", c.error.as_deref().unwrap_or(&c.kernel_message), c.cons),
            tone: Tone::Bad,
        });
    }
    for t in &r.cmd_sync_timeouts {
        v.push(Entry {
            line: t.line,
            kind: "CMD_SYNC timeout",
            summary: format!(
                "hwprod {} hwcons {}",
                t.hwprod.as_deref().unwrap_or("unknown"),
                t.hwcons.as_deref().unwrap_or("unknown")
            ),
            tone: Tone::Bad,
        });
    }
    for p in &r.probe {
        v.push(Entry {
            line: p.line,
            kind: "probe banner",
            summary: format!("features {}: {}", p.features, p.feature_names.join(" ")),
            tone: Tone::Plain,
        });
    }
    for g in &r.global_errors {
        v.push(Entry {
            line: g.line,
            kind: "GERROR",
            summary: format!("{}: {}", g.value, g.errors.join(", ")),
            tone: Tone::Bad,
        });
    }
    for p in &r.pri_requests {
        v.push(Entry {
            line: p.line,
            kind: "PRI request",
            summary: format!(
                "StreamID {} SubstreamID {} {} at {}",
                p.sid.map(|s| format!("{s:#x}")).unwrap_or_else(|| "unknown".into()),
                p.ssid.map(|s| format!("{s:#x}")).unwrap_or_else(|| "unknown".into()),
                p.access,
                p.iova.as_deref().unwrap_or("unknown")
            ),
            tone: Tone::Warn,
        });
    }
    for o in &r.options {
        v.push(Entry {
            line: o.line,
            kind: "options",
            summary: format!("{}: {}", o.mask, o.options.join(" ")),
            tone: Tone::Plain,
        });
    }
    for m in &r.messages {
        v.push(Entry { line: m.line, kind: "message", summary: m.text.clone(), tone: Tone::Plain });
    }
    for u in &r.unparsed {
        v.push(Entry { line: u.line, kind: "not understood", summary: u.text.clone(), tone: Tone::Dim });
    }
    v
}

/// The full decode of entry `i`.
#[allow(unused_assignments)]
pub fn detail(l: &LogAnalysis, i: usize) -> Document {
    let r = &l.report;
    let mut i = i;
    let dim = |t: String| vec![Span::new(t, Tone::Dim)];
    let plain = |t: String| vec![Span::plain(t)];
    macro_rules! pick {
        ($list:expr) => {{
            if i < $list.len() {
                Some(&$list[i])
            } else {
                i -= $list.len();
                None
            }
        }};
    }
    if let Some(e) = pick!(r.events) {
        let mut d = build::event(&e.event);
        let raw: Vec<String> = e.raw.iter().map(|w| w.clone().unwrap_or_else(|| "missing".into())).collect();
        d.kv("raw record", vec![Span::new(raw.join(" "), Tone::Value)]);
        d.kv("device", plain(e.device.clone()));
        if let Some(c) = &e.client {
            d.kv("client device", plain(c.clone()));
        }
        if !e.missing_dwords.is_empty() {
            d.text(vec![Span::new(
                format!("dwords {:?} missing or damaged: their fields are unknown", e.missing_dwords),
                Tone::Warn,
            )]);
        }
        d.bullets(
            e.checks
                .iter()
                .map(|c| {
                    vec![Span::new(
                        format!("{}: kernel printed {}, the record says {}", c.field, c.kernel, c.record),
                        if c.agrees { Tone::Good } else { Tone::Warn },
                    )]
                })
                .collect(),
        );
        d.bullets(e.kernel_lines.iter().map(|k| dim(k.clone())).collect());
        d.bullets(e.notes.iter().map(|n| plain(n.clone())).collect());
        return d;
    }
    if let Some(c) = pick!(r.command_errors) {
        let mut d = Document::new();
        d.heading(c.error.clone().unwrap_or_else(|| c.kernel_message.clone()), Some("IHI 0070 7.1".into()));
        d.text(plain(c.explanation.clone()));
        d.kv("CMDQ_CONS", vec![Span::new(c.cons.clone(), Tone::Value)]);
        d.kv("RD", vec![Span::new(hex_opt(c.rd), Tone::Value)]);
        if let Some(ix) = c.index {
            d.kv("queue index", vec![Span::new(format!("{ix:#x}"), Tone::Value)]);
        }
        if let Some(cmd) = &c.command {
            d.section("the command in error", build::command(cmd));
        }
        return d;
    }
    if let Some(t) = pick!(r.cmd_sync_timeouts) {
        let mut d = Document::new();
        d.heading("CMD_SYNC timeout", None);
        d.text(plain(t.explanation.clone()));
        for (k, v) in [("sync at", &t.sync_at), ("hwprod", &t.hwprod), ("hwcons", &t.hwcons)] {
            d.kv(k, vec![Span::new(v.clone().unwrap_or_else(|| "unknown".into()), Tone::Value)]);
        }
        d.kv("CMDQ_CONS.RD", vec![Span::new(hex_opt(t.cons_rd), Tone::Value)]);
        if let Some(e) = &t.cons_error {
            d.kv("CMDQ_CONS.ERR", plain(e.clone()));
        }
        if let Some(p) = t.pending {
            d.kv("commands pending", vec![Span::new(format!("{p:#x}"), Tone::Value)]);
        }
        return d;
    }
    if let Some(p) = pick!(r.probe) {
        let mut d = Document::new();
        d.heading(format!("probe banner of {} (Linux {} numbering)", p.device, p.kernel), None);
        d.kv("features", vec![Span::new(p.features.clone(), Tone::Value)]);
        d.bullets(p.feature_names.iter().map(|n| plain(n.clone())).collect());
        if let Some(o) = p.oas {
            d.kv("oas", vec![Span::new(format!("{o} bits"), Tone::Value)]);
        }
        if let Some(o) = p.ias {
            d.kv("ias", vec![Span::new(format!("{o} bits"), Tone::Value)]);
        }
        d.kv("implies", plain(p.implies.join(", ")));
        if !p.unknown_bits.is_empty() {
            d.text(vec![Span::new(format!("unknown feature bits: {:?}", p.unknown_bits), Tone::Warn)]);
        }
        for b in &l.banner_checks {
            d.kv(
                "against the registers",
                vec![Span::new(
                    if b.agrees {
                        "agrees".to_string()
                    } else {
                        format!("differs: expected {}", b.expected.clone().unwrap_or_default())
                    },
                    if b.agrees { Tone::Good } else { Tone::Warn },
                )],
            );
            d.bullets(b.explanations.iter().chain(&b.unexplained).map(|x| plain(x.clone())).collect());
        }
        return d;
    }
    if let Some(g) = pick!(r.global_errors) {
        let mut d = Document::new();
        d.heading("Global error (SMMU_GERROR ^ SMMU_GERRORN)", Some("IHI 0070 6.3.18".into()));
        d.kv("active", vec![Span::new(g.value.clone(), Tone::Value)]);
        d.bullets(g.errors.iter().map(|e| vec![Span::new(e.clone(), Tone::Bad)]).collect());
        return d;
    }
    if let Some(p) = pick!(r.pri_requests) {
        let mut d = Document::new();
        d.heading("PRI Page Request", None);
        d.text(plain(p.explanation.clone()));
        if let Some(x) = p.prg_index {
            d.kv("PRG index", vec![Span::new(format!("{x:#x}"), Tone::Value)]);
        }
        d.kv("last", plain(p.last.to_string()));
        d.kv("privileged", plain(p.privileged.to_string()));
        return d;
    }
    if let Some(o) = pick!(r.options) {
        let mut d = Document::new();
        d.heading(format!("option mask {}", o.mask), None);
        d.bullets(o.options.iter().map(|x| plain(x.clone())).collect());
        return d;
    }
    if let Some(m) = pick!(r.messages) {
        let mut d = Document::new();
        d.heading(m.text.clone(), None);
        d.text(plain(m.explanation.clone()));
        return d;
    }
    if let Some(u) = pick!(r.unparsed) {
        let mut d = Document::new();
        d.heading("not understood", None);
        d.kv("line", vec![Span::new(u.text.clone(), Tone::Value)]);
        d.text(plain(u.reason.clone()));
        return d;
    }
    Document::new()
}

impl LogView {
    pub fn show(&mut self, ui: &mut Ui, cx: &mut Cx) {
        let Some(l) = &cx.analysis.log else {
            ui.label("No kernel log in the input. Paste a dmesg (or a snapshot with its log).");
            return;
        };
        if let Some(k) = &l.report.kernel {
            ui.label(format!("Kernel {k} ({})", l.report.kernel_source));
        }
        let list = entries(l);
        if list.is_empty() {
            ui.label("No SMMU events, command errors or probe banners found in the input.");
            return;
        }
        let events = l.report.events.len();
        ui.label(format!(
            "{} SMMU lines of {}: {} event{}. Select a line for its full decode.",
            l.report.smmu_lines,
            l.report.lines,
            events,
            if events == 1 { "" } else { "s" }
        ));
        let sel = self.selected.filter(|s| *s < list.len()).unwrap_or(0);
        for (i, e) in list.iter().enumerate() {
            let text = RichText::new(format!("line {}  {}  {}", e.line, e.kind, e.summary))
                .monospace()
                .color(doc::tone_colour(ui, e.tone));
            if ui.add(egui::Button::selectable(i == sel, text).wrap()).clicked() {
                self.selected = Some(i);
            }
            if i == sel {
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    doc::show(ui, ("klog", i), &detail(l, i));
                });
            }
        }
    }
}
