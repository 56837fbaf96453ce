//! 3 Forwarding: the verdict table (class, host/guest values, reason), VMM profile and
//! kernel capabilities switched live, filter by class, the guest IDR values. Renders the
//! `smmu forward --json` contract: verdicts[{register, field, host, guest, class, reason,
//! refs}], guest{IDRn}, vmm[{name, accepts, messages}].

use super::super::app::App;
use super::super::data;
use super::jtext;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, Wrap};
use ratatui::Frame;
use serde_json::Value;

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

fn report(app: &App) -> Result<Value, String> {
    let hosts: Vec<&data::Host> = app.data.hosts.iter().skip(app.host).take(1).collect();
    data::forward_report(&hosts, CAP_SETS[app.fwd_caps].1)
}

fn class_filter(app: &App) -> Option<&'static str> {
    if app.fwd_class == 0 {
        None
    } else {
        CLASSES.get(app.fwd_class - 1).copied()
    }
}

fn verdicts(app: &App, v: &Value) -> Vec<Value> {
    let cf = class_filter(app);
    v.get("verdicts")
        .and_then(|x| x.as_array())
        .map(|a| {
            a.iter()
                .filter(|e| cf.is_none_or(|c| e.get("class").and_then(|x| x.as_str()) == Some(c)))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

pub fn row_count(app: &App) -> usize {
    report(app).map(|v| verdicts(app, &v).len()).unwrap_or(0)
}

pub fn draw(f: &mut Frame, app: &mut App, area: Rect) {
    let t = app.theme;
    let v = match report(app) {
        Ok(v) => v,
        Err(e) => {
            super::unavailable(f, &t, area, "Forwarding", &e, &[
                "This view shows, for every IDR/IIDR/AIDR field, the host value, the guest value a careful VMM presents,",
                "its class (direct, assumed, per-device, needs-kernel, needs-firmware, needs-vm-flag, vmm-defined, host-only)",
                "and the reason; p switches the VMM profile, c the kernel capabilities, f filters by class.",
            ]);
            return;
        }
    };
    let rows_v = verdicts(app, &v);
    let [head, table_a, detail] =
        Layout::vertical([Constraint::Length(5), Constraint::Min(5), Constraint::Length(7)]).areas(area);
    // Header: profile, caps, filter, acceptance, guest IDRs.
    let prof = PROFILES[app.fwd_profile];
    let vmm = v
        .get("vmm")
        .and_then(|x| x.as_array())
        .and_then(|a| a.iter().find(|e| e.get("name").and_then(|n| n.as_str()) == Some(prof)).or(a.first()));
    let accepts = vmm.and_then(|e| e.get("accepts")).and_then(|x| x.as_bool());
    let msgs = vmm.map(|e| jtext(e.get("messages"))).unwrap_or_default();
    // The selected profile's guest IDRs (the strict ones when the profile has none).
    let guest = vmm
        .and_then(|e| e.get("guest"))
        .filter(|g| g.as_object().is_some_and(|o| !o.is_empty()))
        .or(v.get("guest"))
        .and_then(|g| g.as_object())
        .map(|o| o.iter().map(|(k, x)| format!("{k}={}", jtext(Some(x)))).collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    let hl = vec![Line::from(vec![
        Span::styled("VMM ", t.dim),
        Span::styled(prof, t.accent),
        Span::styled(" (p)  caps ", t.dim),
        Span::styled(CAP_SETS[app.fwd_caps].0, t.accent),
        Span::styled(" (c)  class ", t.dim),
        Span::styled(class_filter(app).unwrap_or("all"), t.accent),
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
        .and_then(|e| e.get("exceeds_strict"))
        .and_then(|x| x.as_array())
        .map(|a| {
            a.iter()
                .map(|f| format!("{}.{}={}", jtext(f.get("register")), jtext(f.get("field")), jtext(f.get("value"))))
                .collect()
        })
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
            let class = jtext(e.get("class"));
            let cs = match class.as_str() {
                "direct" | "assumed" => t.good,
                "host-only" => t.bad,
                _ => t.warn,
            };
            Row::new(vec![
                Line::raw(format!("{}.{}", jtext(e.get("register")), jtext(e.get("field")))),
                Line::styled(class, cs),
                Line::raw(jtext(e.get("host"))),
                Line::raw(jtext(e.get("guest"))),
                Line::raw(jtext(e.get("reason"))),
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
    .block(super::block(&t, format!("Verdicts ({})", rows_v.len())));
    let mut body = super::inner(table_a);
    body.y = body.y.saturating_add(1);
    body.height = body.height.saturating_sub(1);
    app.hit.list = body;
    f.render_stateful_widget(table, table_a, &mut app.fwd_table);
    let sel = app.fwd_table.selected().and_then(|i| rows_v.get(i));
    let d = match sel {
        Some(e) => vec![
            Line::styled(
                format!("{}.{}: {}", jtext(e.get("register")), jtext(e.get("field")), jtext(e.get("class"))),
                t.title,
            ),
            Line::raw(format!("{} Guest value means: {}", jtext(e.get("reason")), jtext(e.get("guest_meaning")))),
            Line::styled(format!("Would change: {}", jtext(e.get("would_change"))), t.warn),
            Line::styled(format!("refs: {}", jtext(e.get("refs"))), t.dim),
        ],
        None => vec![Line::styled("no verdict matches the filter", t.dim)],
    };
    f.render_widget(
        Paragraph::new(d).wrap(Wrap { trim: true }).scroll((app.detail_scroll, 0)).block(super::block(&t, "Why")),
        detail,
    );
}

pub fn focused_text(app: &App) -> Option<String> {
    let v = report(app).ok()?;
    let rows = verdicts(app, &v);
    let e = rows.get(app.fwd_table.selected()?)?;
    Some(format!(
        "{}.{}: host {} guest {} [{}] {} ({})",
        jtext(e.get("register")),
        jtext(e.get("field")),
        jtext(e.get("host")),
        jtext(e.get("guest")),
        jtext(e.get("class")),
        jtext(e.get("reason")),
        jtext(e.get("refs"))
    ))
}
