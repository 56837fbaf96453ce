//! 7 Diff: two or more hosts side by side, field by field; differences that matter to a
//! guest marked (from the forwarding verdict classes).

use super::super::app::App;
use super::super::data;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Row, Table};
use ratatui::Frame;

/// One differing field: register, field, per-host value (None when absent), meaning per host.
#[derive(Debug, Clone)]
pub struct DiffRow {
    pub register: String,
    pub field: String,
    pub values: Vec<Option<u64>>,
    pub meanings: Vec<String>,
    /// Whether the difference matters to a guest (smmu-core's pool diff); None for fields
    /// the pool diff does not cover (not an ID register).
    pub guest: Option<bool>,
    pub why: String,
}

/// Every field whose decoded value differs between the hosts.
pub fn rows(app: &App) -> Vec<DiffRow> {
    let hosts = &app.data.hosts;
    if hosts.len() < 2 {
        return vec![];
    }
    let pool = data::dataset_pool_diff(&app.data).ok();
    let mut names: Vec<&'static str> = Vec::new();
    for h in hosts {
        for r in &h.decoded {
            if !names.contains(&r.name) {
                names.push(r.name);
            }
        }
    }
    let mut out: Vec<DiffRow> = Vec::new();
    for reg in names {
        let infos: Vec<_> = hosts.iter().map(|h| h.register(reg)).collect();
        let Some(any) = infos.iter().flatten().next() else { continue };
        for (fi, fld) in any.fields.iter().enumerate() {
            let values: Vec<Option<u64>> =
                infos.iter().map(|i| i.and_then(|r| r.fields.get(fi)).map(|f| f.value)).collect();
            let first = values[0];
            if values.iter().all(|v| *v == first) {
                continue;
            }
            let meanings = infos
                .iter()
                .map(|i| i.and_then(|r| r.fields.get(fi)).map(|f| f.meaning.clone()).unwrap_or_else(|| "absent".into()))
                .collect();
            let p = pool.as_ref().and_then(|m| m.get(&(reg.to_string(), fld.name.to_string())));
            out.push(DiffRow {
                register: reg.to_string(),
                field: fld.name.to_string(),
                values,
                meanings,
                guest: p.map(|x| x.0),
                why: p.map(|x| x.1.clone()).unwrap_or_default(),
            });
        }
    }
    // Differences that matter to a guest first, then other ID fields, then the rest.
    out.sort_by_key(|r| match r.guest {
        Some(true) => 0,
        Some(false) => 1,
        None => 2,
    });
    out
}

pub fn draw(f: &mut Frame, app: &mut App, area: Rect) {
    let t = app.theme;
    let n = app.data.hosts.len();
    if n < 2 {
        super::unavailable(
            f,
            &t,
            area,
            "Diff",
            "The diff needs two or more hosts.",
            &["Open several dumps or snapshots: smmu tui host-a.json host-b.json"],
        );
        return;
    }
    let rs = rows(app);
    let guest_known = data::dataset_pool_diff(&app.data).err();
    let mut header = vec!["Field".to_string(), "Guest?".to_string()];
    header.extend(app.data.hosts.iter().map(|h| h.name.clone()));
    let table_rows: Vec<Row> = rs
        .iter()
        .map(|r| {
            let mut cells = vec![
                Line::raw(format!("{}.{}", r.register, r.field)),
                match r.guest {
                    Some(true) => Line::styled("yes", t.bad),
                    Some(false) => Line::styled("no", t.dim),
                    None => Line::styled("-", t.dim),
                },
            ];
            for (v, m) in r.values.iter().zip(&r.meanings) {
                cells.push(Line::raw(match v {
                    Some(v) => format!("{v:#x} {m}"),
                    None => "absent".into(),
                }));
            }
            Row::new(cells)
        })
        .collect();
    let mut widths = vec![Constraint::Length(20), Constraint::Length(7)];
    widths.extend((0..n).map(|_| Constraint::Fill(1)));
    let title = match guest_known {
        Some(e) => {
            format!("{} differing fields; guest relevance {}", rs.len(), e.replace("not available yet: ", "needs "))
        }
        None => format!("{} differing fields; Guest? yes = matters to a guest, - = not an ID register", rs.len()),
    };
    let table = Table::new(table_rows, widths)
        .header(Row::new(header).style(t.title))
        .row_highlight_style(t.selected)
        .block(super::block(&t, title));
    if rs.is_empty() {
        super::unavailable(f, &t, area, "Diff", "No field differs between the hosts.", &[]);
        return;
    }
    let [ta, da] = ratatui::layout::Layout::vertical([Constraint::Min(3), Constraint::Length(4)]).areas(area);
    let mut body = super::inner(ta);
    body.y += 1;
    body.height = body.height.saturating_sub(1);
    app.hit.list = body;
    let why = app.diff.selected().and_then(|i| rs.get(i)).map(|r| {
        if r.why.is_empty() {
            format!("{}.{}: not an ID register; no forwarding verdict", r.register, r.field)
        } else {
            format!("{}.{}: {}", r.register, r.field, r.why)
        }
    });
    f.render_stateful_widget(table, ta, &mut app.diff);
    f.render_widget(
        ratatui::widgets::Paragraph::new(why.unwrap_or_default())
            .wrap(ratatui::widgets::Wrap { trim: true })
            .block(super::block(&t, "Why it matters")),
        da,
    );
}

pub fn focused_text(app: &App) -> Option<String> {
    let rs = rows(app);
    let r = rs.get(app.diff.selected()?)?;
    let mut s = format!("{}.{}:", r.register, r.field);
    for (h, (v, m)) in app.data.hosts.iter().zip(r.values.iter().zip(&r.meanings)) {
        s.push_str(&format!(" {}={} ({m});", h.name, v.map(|v| format!("{v:#x}")).unwrap_or_else(|| "absent".into())));
    }
    Some(s)
}
