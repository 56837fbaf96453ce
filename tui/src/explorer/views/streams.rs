//! 4 Streams: the stream table by StreamID (2-level aware), STE decode with legality,
//! the stream's CDs by SubstreamID.

use super::super::app::App;
use super::super::data;
use super::jtext;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Row, Table, Wrap};
use ratatui::Frame;

pub fn row_count(app: &App) -> usize {
    app.host().and_then(|h| data::streams(h).ok()).map(|v| v.len()).unwrap_or(0)
}

pub fn draw(f: &mut Frame, app: &mut App, area: Rect) {
    let t = app.theme;
    let Some(h) = app.host() else { return };
    let streams = match data::streams(h) {
        Ok(s) => s,
        Err(e) => {
            super::unavailable(f, &t, area, "Streams", &e, &[
                "This view lists the stream table by StreamID (linear or 2-level), decodes each STE with",
                "its legality against this SMMU's IDRs (C_BAD_STE rules), and the CDs by SubstreamID.",
            ]);
            return;
        }
    };
    let [list_a, detail] = Layout::horizontal([Constraint::Length(30), Constraint::Min(20)]).areas(area);
    let rows: Vec<Row> = streams
        .iter()
        .map(|s| Row::new(vec![jtext(s.get("sid")), jtext(s.get("config")), jtext(s.get("legal"))]))
        .collect();
    let table = Table::new(rows, [Constraint::Length(8), Constraint::Length(12), Constraint::Min(5)])
        .header(Row::new(vec!["SID", "Config", "Legal"]).style(t.title))
        .row_highlight_style(t.selected)
        .block(super::block(&t, "Stream table"));
    let mut body = super::inner(list_a);
    body.y += 1;
    body.height = body.height.saturating_sub(1);
    app.hit.list = body;
    let sel = app.streams.selected().and_then(|i| streams.get(i)).cloned();
    f.render_stateful_widget(table, list_a, &mut app.streams);
    let mut lines = Vec::new();
    if let Some(s) = sel {
        if let Some(fields) = s.get("fields").and_then(|x| x.as_array()) {
            for fl in fields {
                lines.push(Line::raw(format!("{:<14} {:>8}  {}", jtext(fl.get("name")), jtext(fl.get("value")), jtext(fl.get("meaning")))));
            }
        }
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(super::block(&t, "STE")), detail);
}

pub fn focused_text(app: &App) -> Option<String> {
    let h = app.host()?;
    let s = data::streams(h).ok()?;
    let e = s.get(app.streams.selected()?)?;
    serde_json::to_string_pretty(e).ok()
}
