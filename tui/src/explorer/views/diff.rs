//! 7 Diff: two or more hosts side by side, field by field; differences that matter to a
//! guest marked (from the forwarding verdict classes).

use super::super::data;
use super::super::view::{clamp_cursor, Model, View, ViewId};
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Row, Table, TableState};
use ratatui::Frame;

#[derive(Debug, Clone)]
pub struct DiffView {
    pub table: TableState,
}

impl Default for DiffView {
    fn default() -> Self {
        DiffView { table: TableState::default().with_selected(Some(0)) }
    }
}

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

/// Every field whose decoded value differs between the hosts (matching `/`).
pub fn rows(m: &Model) -> Vec<DiffRow> {
    let mut v = all_rows(m);
    v.retain(|r| m.search.matches(&[&format!("{}.{}", r.register, r.field), &r.why]));
    v
}

fn all_rows(m: &Model) -> Vec<DiffRow> {
    let hosts = &m.data.hosts;
    if hosts.len() < 2 {
        return vec![];
    }
    let pool = data::dataset_pool_diff(&m.data).ok();
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

impl View for DiffView {
    fn id(&self) -> ViewId {
        ViewId::Diff
    }
    fn rows(&self, m: &Model) -> usize {
        rows(m).len()
    }
    fn move_cursor(&mut self, m: &Model, d: i64) {
        let n = rows(m).len();
        self.table.select(clamp_cursor(self.table.selected(), d, n));
    }
    fn offset(&self) -> usize {
        self.table.offset()
    }
    fn click(&mut self, _m: &Model, row: usize) -> bool {
        self.table.select(Some(row));
        true
    }
    fn draw(&mut self, f: &mut Frame, m: &Model, area: Rect) -> Rect {
        draw(self, f, m, area)
    }
    fn focused_text(&self, m: &Model) -> Option<String> {
        let rs = rows(m);
        let r = rs.get(self.table.selected()?)?;
        let mut s = format!("{}.{}:", r.register, r.field);
        for (h, (v, mn)) in m.data.hosts.iter().zip(r.values.iter().zip(&r.meanings)) {
            let v = v.map(|v| format!("{v:#x}")).unwrap_or_else(|| "absent".into());
            s.push_str(&format!(" {}={v} ({mn});", h.name));
        }
        Some(s)
    }
}

fn draw(st: &mut DiffView, f: &mut Frame, m: &Model, area: Rect) -> Rect {
    let t = m.theme;
    let n = m.data.hosts.len();
    if n < 2 {
        super::unavailable(
            f,
            &t,
            area,
            "Diff",
            "The diff needs two or more hosts.",
            &["Open several dumps or snapshots, or paste a second register dump."],
        );
        return Rect::default();
    }
    let rs = rows(m);
    let guest_known = data::dataset_pool_diff(&m.data).err();
    // The focused host's column (Left/Right) is marked, and Forwarding and Overview show it.
    let mut header = vec![Line::raw("Field"), Line::raw("Guest?")];
    header.extend(m.data.hosts.iter().enumerate().map(|(i, h)| {
        if i == m.host {
            Line::styled(format!("▶ {}", h.name), t.tab_active)
        } else {
            Line::raw(h.name.clone())
        }
    }));
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
            for (i, (v, mn)) in r.values.iter().zip(&r.meanings).enumerate() {
                let text = match v {
                    Some(v) => format!("{v:#x} {mn}"),
                    None => "absent".into(),
                };
                cells.push(if i == m.host { Line::styled(text, t.accent) } else { Line::raw(text) });
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
        let why = if m.search.active() {
            "No differing field matches the filter."
        } else {
            "No field differs between the hosts."
        };
        super::unavailable(f, &t, area, "Diff", why, &[]);
        return Rect::default();
    }
    let [ta, da] = ratatui::layout::Layout::vertical([Constraint::Min(3), Constraint::Length(4)]).areas(area);
    let mut body = super::inner(ta);
    body.y += 1;
    body.height = body.height.saturating_sub(1);
    let why = st.table.selected().and_then(|i| rs.get(i)).map(|r| {
        if r.why.is_empty() {
            format!("{}.{}: not an ID register; no forwarding verdict", r.register, r.field)
        } else {
            format!("{}.{}: {}", r.register, r.field, r.why)
        }
    });
    f.render_stateful_widget(table, ta, &mut st.table);
    f.render_widget(
        ratatui::widgets::Paragraph::new(why.unwrap_or_default())
            .wrap(ratatui::widgets::Wrap { trim: true })
            .block(super::block(&t, "Why it matters")),
        da,
    );
    body
}
