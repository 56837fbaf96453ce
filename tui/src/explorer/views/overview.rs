//! 1 Overview: which SMMU, where the data came from, warnings.

use super::super::app::App;
use super::super::data;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// The overview as styled lines (also used for scrolling and `y`).
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let t = app.theme;
    let mut out = Vec::new();
    let Some(h) = app.host() else {
        out.push(Line::styled("No data loaded.", t.warn));
        return out;
    };
    let kv = |k: &str, v: String| Line::from(vec![Span::styled(format!("{k:<22}"), t.dim), Span::styled(v, t.text)]);
    out.push(Line::styled("Source", t.title));
    out.push(kv("Data", h.description.clone()));
    out.push(kv(
        "Kind",
        match h.kind {
            data::SourceKind::Sample => "built-in sample (embedded in the binary)".into(),
            data::SourceKind::File => "file".into(),
            data::SourceKind::Live => "live host".into(),
        },
    ));
    out.push(kv("Format", h.format.clone()));
    out.push(kv(
        "Memory image",
        match &h.snapshot {
            Some(s) if s.memory.total_bytes() > 0 => format!("{} bytes in the snapshot", s.memory.total_bytes()),
            _ => "none (structures, walks and queues need a snapshot)".into(),
        },
    ));
    if h.klog.is_some() {
        let n = data::klog_decoded(h).map(|r| r.len()).unwrap_or(0);
        out.push(kv("Kernel log", format!("{n} SMMU items decoded (view 6, w switches to the log)")));
    }
    for b in &app.data.banner {
        out.push(Line::styled(b.clone(), t.accent));
    }
    out.push(Line::raw(""));
    out.push(Line::styled("SMMU", t.title));
    let mut warnings: Vec<String> = Vec::new();
    match data::summary(h) {
        Ok((rows, w)) => {
            for (k, v) in rows {
                out.push(kv(&k, v));
            }
            warnings.extend(w);
        }
        Err(e) => out.push(Line::styled(e, t.warn)),
    }
    out.push(Line::raw(""));
    out.extend(linux_lines(app, &h.registers));
    out.push(Line::raw(""));
    out.push(Line::styled(format!("Registers ({} present)", h.decoded.len()), t.title));
    for r in &h.decoded {
        out.push(kv(&format!("{} @{}", r.name, r.offset), format!("{}  {}", r.value, r.description)));
    }
    if h.decoded.is_empty() {
        out.push(Line::styled("no register values in this input", t.dim));
    }
    out.push(Line::raw(""));
    for r in &h.decoded {
        for p in &r.problems {
            warnings.push(format!("{}: {p}", r.name));
        }
    }
    warnings.extend(h.notes.iter().cloned());
    out.push(Line::styled(format!("Warnings and notes ({})", warnings.len()), t.title));
    if warnings.is_empty() {
        out.push(Line::styled("none", t.good));
    }
    for w in warnings {
        out.push(Line::styled(w, t.warn));
    }
    out
}

/// "Linux VER would print": the modelled probe of the selected kernel (K cycles).
fn linux_lines(app: &App, regs: &smmu_core::regset::RegisterSet) -> Vec<Line<'static>> {
    use smmu_core::linux::{self, ProbeOptions, TABLES};
    let t = app.theme;
    let mut out = Vec::new();
    let Some(table) = TABLES.get(app.probe_kernel).or(TABLES.last()) else { return out };
    let mut sel = vec![Span::styled(format!("{:<22}", "Linux kernel (K)"), t.dim)];
    for (i, k) in TABLES.iter().enumerate() {
        let name = k.name();
        if i == app.probe_kernel {
            sel.push(Span::styled(format!("[{name}] "), t.accent));
        } else {
            sel.push(Span::styled(format!(" {name}  "), t.dim));
        }
    }
    out.push(Line::styled("Linux", t.title));
    out.push(Line::from(sel));
    let o = ProbeOptions { kernel: Some(table.version), ..Default::default() };
    match linux::probe(regs, &o) {
        Ok(p) => {
            out.push(Line::styled(p.one_line(), if p.probe_fails.is_some() { t.warn } else { t.text }));
            for l in p.text_lines().iter().skip(1) {
                let style = if l.contains("warning: ") || l.starts_with("probe fails") || l.starts_with("erratum") {
                    t.warn
                } else {
                    t.dim
                };
                out.push(Line::styled(format!("  {l}"), style));
            }
        }
        Err(e) => out.push(Line::styled(format!("Linux {}: {e}", table.name()), t.dim)),
    }
    out
}

pub fn text(app: &App) -> String {
    lines(app).iter().map(|l| l.to_string()).collect::<Vec<_>>().join("\n")
}

pub fn draw(f: &mut Frame, app: &mut App, area: Rect) {
    let t = app.theme;
    let ls = lines(app);
    let off = app.overview.offset().min(ls.len().saturating_sub(1)) as u16;
    let p = Paragraph::new(ls).wrap(Wrap { trim: false }).scroll((off, 0)).block(super::block(&t, "Overview"));
    f.render_widget(p, area);
}
