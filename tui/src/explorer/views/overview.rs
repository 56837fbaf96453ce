//! 1 Overview: which SMMU, where the data came from, warnings.

use super::super::data;
use super::super::doc;
use super::super::keymap::Action;
use super::super::view::{Model, Reply, View, ViewId};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

#[derive(Debug, Clone)]
pub struct OverviewView {
    /// The first line shown.
    pub offset: usize,
    /// Lines the body showed at the last draw: a page.
    pub page: usize,
    /// Index into `smmu_core::linux::TABLES` of the kernel whose probe is shown (K).
    pub probe_kernel: usize,
    /// Width of the last draw (the lines are wrapped to it).
    pub width: u16,
}

impl Default for OverviewView {
    fn default() -> Self {
        OverviewView { offset: 0, page: 20, probe_kernel: smmu_core::linux::TABLES.len().saturating_sub(1), width: 100 }
    }
}

/// Width of the label column.
const KEY_W: usize = 22;

/// The overview as styled lines wrapped to `width` (also used for `y` and the text printed
/// when standard output is not a terminal), filtered by `/`.
pub fn lines(m: &Model, probe_kernel: usize, width: u16) -> Vec<Line<'static>> {
    let all = all_lines(m, probe_kernel, width as usize);
    if !m.search.active() {
        return all;
    }
    all.into_iter().filter(|l| m.search.matches(&[&l.to_string()])).collect()
}

fn all_lines(m: &Model, probe_kernel: usize, width: usize) -> Vec<Line<'static>> {
    let t = m.theme;
    let mut out = Vec::new();
    let Some(h) = m.host() else {
        out.push(Line::styled("No data loaded.", t.warn));
        return out;
    };
    let kv = |out: &mut Vec<Line<'static>>, k: &str, v: String| {
        out.extend(doc::key_value(&t, k, KEY_W, &[(v, t.text)], width));
    };
    out.push(Line::styled("Source", t.title));
    kv(&mut out, "Data", h.description.clone());
    kv(
        &mut out,
        "Kind",
        match h.kind {
            data::SourceKind::Sample => "built-in sample (embedded in the binary)".into(),
            data::SourceKind::File => "file".into(),
            data::SourceKind::Live => "live host".into(),
        },
    );
    kv(&mut out, "Format", h.format.clone());
    kv(
        &mut out,
        "Memory image",
        match &h.snapshot {
            Some(s) if s.memory.total_bytes() > 0 => format!("{} bytes in the snapshot", s.memory.total_bytes()),
            _ => "none (structures, walks and queues need a snapshot)".into(),
        },
    );
    if h.klog.is_some() {
        let n = data::klog_decoded(h).map(|r| r.len()).unwrap_or(0);
        let n = smmu_core::derived::count(n as u64, "SMMU item", "SMMU items");
        kv(&mut out, "Kernel log", format!("{n} decoded (view 6, w switches to the log)"));
    }
    for b in &m.data.banner {
        out.push(Line::styled(b.clone(), t.accent));
    }
    out.push(Line::raw(""));
    out.push(Line::styled("SMMU", t.title));
    let mut warnings: Vec<String> = Vec::new();
    match data::summary(h) {
        Ok((rows, w)) => {
            for (k, v) in rows {
                kv(&mut out, &k, v);
            }
            warnings.extend(w);
        }
        Err(e) => out.push(Line::styled(e, t.warn)),
    }
    out.push(Line::raw(""));
    out.extend(linux_lines(m, probe_kernel, &h.registers, width));
    out.push(Line::raw(""));
    out.push(Line::styled(format!("Registers ({} present)", h.decoded.len()), t.title));
    for r in &h.decoded {
        kv(&mut out, &format!("{} @{}", r.name, r.offset), format!("{}  {}", r.value, r.description));
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
        out.extend(doc::para(&t, 0, &[(w, t.warn)], width));
    }
    out
}

/// "Linux VER would print": the modelled probe of the selected kernel (K cycles).
fn linux_lines(
    m: &Model,
    probe_kernel: usize,
    regs: &smmu_core::regset::RegisterSet,
    width: usize,
) -> Vec<Line<'static>> {
    use smmu_core::linux::{self, ProbeOptions, TABLES};
    let t = m.theme;
    let mut out = Vec::new();
    let Some(table) = TABLES.get(probe_kernel).or(TABLES.last()) else { return out };
    let mut sel = vec![Span::styled(format!("{:<22}", "Linux kernel (K)"), t.dim)];
    for (i, k) in TABLES.iter().enumerate() {
        let name = k.name();
        if i == probe_kernel {
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
            out.extend(doc::para(
                &t,
                0,
                &[(super::without_flags(&p.one_line()), if p.probe_fails.is_some() { t.warn } else { t.text })],
                width,
            ));
            for l in p.text_lines().iter().skip(1) {
                let style = if l.contains("warning: ") || l.starts_with("probe fails") || l.starts_with("erratum") {
                    t.warn
                } else {
                    t.dim
                };
                out.extend(doc::para(&t, 2, &[(super::without_flags(l), style)], width));
            }
        }
        Err(e) => out.push(Line::styled(format!("Linux {}: {e}", table.name()), t.dim)),
    }
    out
}

/// The overview as plain text, `width` columns wide.
pub fn text(m: &Model, probe_kernel: usize, width: u16) -> String {
    lines(m, probe_kernel, width).iter().map(|l| l.to_string().trim_end().to_string()).collect::<Vec<_>>().join("\n")
}

impl OverviewView {
    fn max_offset(&self, m: &Model) -> usize {
        lines(m, self.probe_kernel, self.width).len().saturating_sub(self.page.max(1))
    }
}

impl View for OverviewView {
    fn id(&self) -> ViewId {
        ViewId::Overview
    }

    /// Pages are a screen of lines; the last page ends at the last line (G never leaves an
    /// almost empty screen).
    fn move_cursor(&mut self, m: &Model, d: i64) {
        let max = self.max_offset(m) as i64;
        self.offset = (self.offset as i64).saturating_add(d).clamp(0, max) as usize;
    }

    fn rows(&self, m: &Model) -> usize {
        lines(m, self.probe_kernel, self.width).len()
    }

    fn act(&mut self, _m: &Model, a: Action) -> Option<Reply> {
        match a {
            Action::NextKernel => {
                let n = smmu_core::linux::TABLES.len().max(1);
                self.probe_kernel = (self.probe_kernel + 1) % n;
                smmu_core::linux::TABLES
                    .get(self.probe_kernel)
                    .map(|t| Reply::status(format!("Overview: Linux {}'s probe", t.name())))
            }
            _ => None,
        }
    }

    fn draw(&mut self, f: &mut Frame, m: &Model, area: Rect) -> Rect {
        let t = m.theme;
        let inner = super::inner(area);
        self.width = inner.width;
        self.page = inner.height as usize;
        let ls = lines(m, self.probe_kernel, inner.width);
        self.offset = self.offset.min(ls.len().saturating_sub(self.page.max(1)));
        let title = if m.search.active() {
            format!("Overview ({} lines matching /{})", ls.len(), m.search.query)
        } else {
            let end = (self.offset + self.page).min(ls.len());
            format!("Overview (lines {}-{end} of {}; PgDn, G)", (self.offset + 1).min(end), ls.len())
        };
        let p = Paragraph::new(ls).scroll((self.offset as u16, 0)).block(super::block(&t, title));
        f.render_widget(p, area);
        Rect::default()
    }

    fn focused_text(&self, m: &Model) -> Option<String> {
        Some(text(m, self.probe_kernel, 100))
    }
}
