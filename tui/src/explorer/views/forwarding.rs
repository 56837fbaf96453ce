//! 3 Forwarding: the verdict table (class, host/guest values, reason), VMM profile and
//! kernel capabilities switched live, filter by class, the guest IDR values. Renders
//! smmu-core's typed [`ForwardReport`].

use super::super::data;
use super::super::doc;
use super::super::keymap::Action;
use super::super::view::{clamp_cursor, Model, Reply, View, ViewId};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use smmu_core::forward::{ForwardReport, Verdict};

pub const PROFILES: [&str; 4] = ["strict", "qemu-accel", "cloud-hypervisor", "openvmm"];
pub const CLASSES: [&str; 8] =
    ["direct", "assumed", "per-device", "needs-kernel", "needs-firmware", "needs-vm-flag", "vmm-defined", "host-only"];
/// Kernel capability sets to cycle through (label, `out_capabilities` bits; None: not
/// given, smmu-core assumes a current kernel and says so).
pub const CAP_SETS: [(&str, Option<u64>); 5] = [
    ("not given", None),
    ("none", Some(0)),
    ("DIRTY_TRACKING", Some(1)),
    ("DIRTY_TRACKING+PCI_PASID_EXEC+PCI_PASID_PRIV", Some(7)),
    ("PCI_ATS_NOT_SUPPORTED", Some(8)),
];

#[derive(Debug, Clone)]
pub struct ForwardingView {
    pub table: TableState,
    /// Index into [`PROFILES`].
    pub profile: usize,
    /// 0: every class; else index + 1 into [`CLASSES`].
    pub class: usize,
    /// Index into [`CAP_SETS`].
    pub caps: usize,
}

impl Default for ForwardingView {
    fn default() -> Self {
        ForwardingView { table: TableState::default().with_selected(Some(0)), profile: 0, class: 0, caps: 0 }
    }
}

fn report(m: &Model, st: &ForwardingView) -> Result<ForwardReport, String> {
    let hosts: Vec<&data::Host> = m.data.hosts.iter().skip(m.host).take(1).collect();
    data::forward_report(&hosts, CAP_SETS[st.caps].1)
}

fn class_filter(st: &ForwardingView) -> Option<&'static str> {
    if st.class == 0 {
        None
    } else {
        CLASSES.get(st.class - 1).copied()
    }
}

/// The verdicts shown: of the class filter, and matching `/`.
fn verdicts<'a>(m: &Model, st: &ForwardingView, v: &'a ForwardReport) -> Vec<&'a Verdict> {
    let cf = class_filter(st);
    v.verdicts
        .iter()
        .filter(|e| cf.is_none_or(|c| e.class.name() == c))
        .filter(|e| m.search.matches(&[&format!("{}.{}", e.register, e.field), e.class.name(), &e.reason]))
        .collect()
}

fn num(v: Option<u64>) -> String {
    v.map(|x| format!("{x:#x}")).unwrap_or_else(|| "-".into())
}

impl View for ForwardingView {
    fn id(&self) -> ViewId {
        ViewId::Forwarding
    }
    fn rows(&self, m: &Model) -> usize {
        report(m, self).map(|v| verdicts(m, self, &v).len()).unwrap_or(0)
    }
    fn move_cursor(&mut self, m: &Model, d: i64) {
        let n = self.rows(m);
        self.table.select(clamp_cursor(self.table.selected(), d, n));
    }
    fn offset(&self) -> usize {
        self.table.offset()
    }
    fn click(&mut self, _m: &Model, row: usize) -> bool {
        self.table.select(Some(row));
        true
    }
    fn act(&mut self, _m: &Model, a: Action) -> Option<Reply> {
        match a {
            Action::NextProfile => {
                self.profile = (self.profile + 1) % PROFILES.len();
                Some(Reply::status(format!("VMM profile: {}", PROFILES[self.profile])))
            }
            Action::NextClassFilter => {
                self.class = (self.class + 1) % (CLASSES.len() + 1);
                self.table.select(Some(0));
                Some(Reply::status(format!("Class filter: {}", class_filter(self).unwrap_or("all"))))
            }
            Action::ToggleCap => {
                self.caps = (self.caps + 1) % CAP_SETS.len();
                Some(Reply::status(format!("Kernel capabilities: {}", CAP_SETS[self.caps].0)))
            }
            _ => None,
        }
    }
    fn draw(&mut self, f: &mut Frame, m: &Model, area: Rect) -> Rect {
        draw(self, f, m, area)
    }
    fn focused_text(&self, m: &Model) -> Option<String> {
        focused_text(self, m)
    }
}

fn draw(st: &mut ForwardingView, f: &mut Frame, m: &Model, area: Rect) -> Rect {
    let t = m.theme;
    let v = match report(m, st) {
        Ok(v) => v,
        Err(e) => {
            super::unavailable(f, &t, area, "Forwarding", &e, &[
                "This view shows, for every IDR/IIDR/AIDR field, the host value, the guest value a careful VMM presents,",
                "its class (direct, assumed, per-device, needs-kernel, needs-firmware, needs-vm-flag, vmm-defined, host-only)",
                "and the reason; p switches the VMM profile, c the kernel capabilities, f filters by class.",
            ]);
            return Rect::default();
        }
    };
    let rows_v = verdicts(m, st, &v);
    let [head, table_a, detail] =
        Layout::vertical([Constraint::Length(5), Constraint::Min(5), Constraint::Length(7)]).areas(area);
    // Header: profile, caps, filter, acceptance, guest IDRs.
    let prof = PROFILES[st.profile];
    let vmm = v.vmm.iter().find(|e| e.name == prof).or(v.vmm.first());
    let accepts = vmm.map(|e| e.accepts);
    let msgs = super::without_flags(&vmm.map(|e| e.messages.join(", ")).unwrap_or_default());
    // The selected profile's guest IDRs (the strict ones when the profile has none).
    let guest = vmm
        .map(|e| &e.guest)
        .filter(|g| !g.is_empty())
        .unwrap_or(&v.guest)
        .iter()
        .map(|(k, x)| format!("{k}={x}"))
        .collect::<Vec<_>>()
        .join(" ");
    let hl = vec![Line::from(vec![
        Span::styled("VMM ", t.dim),
        Span::styled(prof, t.accent),
        Span::styled(" (p)  caps ", t.dim),
        Span::styled(CAP_SETS[st.caps].0, t.accent),
        Span::styled(" (c)  class ", t.dim),
        Span::styled(class_filter(st).unwrap_or("all"), t.accent),
        Span::styled(" (f)  ", t.dim),
        match accepts {
            Some(true) => Span::styled("accepts this host", t.good),
            Some(false) => Span::styled("REFUSES this host", t.bad),
            None => Span::raw(""),
        },
    ])];
    let guest_line =
        Line::from(vec![Span::styled(format!("Guest IDRs ({prof}): "), t.dim), Span::styled(guest, t.text)]);
    let exceeds: Vec<String> = vmm
        .map(|e| e.exceeds_strict.iter().map(|f| format!("{}.{}={:#x}", f.register, f.field, f.value)).collect())
        .unwrap_or_default();
    let mut gl = vec![guest_line];
    if !exceeds.is_empty() {
        gl.push(Line::styled(format!("Presents more than strict: {}", exceeds.join(" ")), t.warn));
    }
    // Header: profile line, the VMM's messages (2 lines, y copies them all), guest IDRs.
    let [h1, h2, h3] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(2), Constraint::Length(2)]).areas(head);
    f.render_widget(Paragraph::new(hl), h1);
    f.render_widget(Paragraph::new(Line::styled(msgs, t.warn)).wrap(Wrap { trim: true }), h2);
    f.render_widget(Paragraph::new(gl).wrap(Wrap { trim: true }), h3);
    let rows: Vec<Row> = rows_v
        .iter()
        .map(|e| {
            let class = e.class.name();
            let cs = match class {
                "direct" | "assumed" => t.good,
                "host-only" => t.bad,
                _ => t.warn,
            };
            Row::new(vec![
                Line::raw(format!("{}.{}", e.register, e.field)),
                Line::styled(class, cs),
                Line::raw(num(e.host)),
                Line::raw(num(Some(e.guest))),
                Line::raw(e.reason.clone()),
            ])
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(20),
            Constraint::Length(14),
            Constraint::Length(6),
            Constraint::Length(6),
            Constraint::Min(10),
        ],
    )
    .header(Row::new(vec!["Field", "Class", "Host", "Guest", "Reason"]).style(t.title))
    .row_highlight_style(t.selected)
    .block(super::focused_block(&t, format!("Verdicts ({})", rows_v.len()), !m.detail_focus));
    let mut body = super::inner(table_a);
    body.y = body.y.saturating_add(1);
    body.height = body.height.saturating_sub(1);
    f.render_stateful_widget(table, table_a, &mut st.table);
    let sel = st.table.selected().and_then(|i| rows_v.get(i));
    let dw = super::inner(detail).width as usize;
    let d = match sel {
        Some(e) => {
            let mut d = vec![Line::styled(format!("{}.{}: {}", e.register, e.field, e.class.name()), t.title)];
            d.extend(doc::para(&t, 0, &[(e.reason.clone(), t.text)], dw));
            d.extend(doc::key_value(&t, "Guest value means:", 0, &[(e.guest_meaning.clone(), t.text)], dw));
            d.extend(doc::key_value(&t, "Would change:", 0, &[(e.would_change.clone(), t.warn)], dw));
            d.extend(doc::key_value(&t, "refs:", 0, &[(e.refs.join(", "), t.dim)], dw));
            d
        }
        None => vec![Line::styled("no verdict matches the filter", t.dim)],
    };
    f.render_widget(
        Paragraph::new(d).wrap(Wrap { trim: true }).scroll((m.detail_scroll, 0)).block(super::focused_block(
            &t,
            "Why",
            m.detail_focus,
        )),
        detail,
    );
    body
}

fn focused_text(st: &ForwardingView, m: &Model) -> Option<String> {
    let v = report(m, st).ok()?;
    let rows = verdicts(m, st, &v);
    let e = rows.get(st.table.selected()?)?;
    Some(format!(
        "{}.{}: host {} guest {} [{}] {} ({})",
        e.register,
        e.field,
        num(e.host),
        num(Some(e.guest)),
        e.class.name(),
        e.reason,
        e.refs.join(", ")
    ))
}
