//! 4 Streams: the stream table by StreamID (2-level aware), STE decode with legality,
//! the stream's CDs by SubstreamID (Enter switches between STE and CDs). Each STE and CD is
//! smmu-core's structure document (the one `smmu ste` and `smmu cd` print).

use super::super::data::{self, StreamRow};
use super::super::doc;
use super::super::keymap::Action;
use super::super::view::{clamp_cursor, Model, Reply, View, ViewId};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState};
use ratatui::Frame;
use smmu_core::present::build;
use smmu_core::structs::StructureReport;

#[derive(Debug, Clone)]
pub struct StreamsView {
    pub table: TableState,
    /// Show the CDs of the focused stream instead of its STE.
    pub cds: bool,
}

impl Default for StreamsView {
    fn default() -> Self {
        StreamsView { table: TableState::default().with_selected(Some(0)), cds: false }
    }
}

fn config(r: &StructureReport) -> String {
    r.fields
        .iter()
        .find(|f| f.name == "Config")
        .map(|f| f.meaning.split(':').next().unwrap_or("").to_string())
        .unwrap_or_default()
}

/// The streams the list shows: all valid STEs, or those matching the `/` filter.
fn shown(m: &Model) -> Result<(Vec<&StreamRow>, &[String]), String> {
    let h = m.host().ok_or("no host loaded")?;
    let (rows, notes) = data::streams(h)?;
    let rows = rows
        .iter()
        .filter(|s| m.search.matches(&[&format!("{:#x}", s.sid), &config(&s.report), &s.report.words.join(" ")]))
        .collect();
    Ok((rows, notes))
}

impl StreamsView {
    /// The focused stream.
    pub fn focused<'a>(&self, m: &'a Model) -> Option<&'a StreamRow> {
        let (rows, _) = shown(m).ok()?;
        rows.get(self.table.selected()?).copied()
    }
    /// Focuses a StreamID (the Walk view's, so a walk and its STE meet).
    pub fn focus_sid(&mut self, m: &Model, sid: u64) {
        if let Ok((rows, _)) = shown(m) {
            if let Some(i) = rows.iter().position(|r| r.sid as u64 == sid) {
                self.table.select(Some(i));
            }
        }
    }

    fn detail(&self, m: &Model, s: &StreamRow, width: u16) -> Vec<Line<'static>> {
        let t = &m.theme;
        let mut out = Vec::new();
        if !self.cds {
            out.push(Line::styled(format!("STE for StreamID {:#x} at {:#x}", s.sid, s.ste_addr), t.title));
            out.extend(doc::lines(&build::structure(&s.report), t, width, false));
            return out;
        }
        out.push(Line::styled(
            format!("CDs of StreamID {:#x} by SubstreamID (Enter: back to the STE)", s.sid),
            t.title,
        ));
        let Some(h) = m.host() else { return out };
        let cds = data::stream_cds(h, s.sid, &s.words);
        if cds.is_empty() {
            out.push(Line::styled("This stream's configuration has no stage 1, so no CDs.", t.dim));
        }
        for data::CdEntry { ssid, cd } in cds {
            let label = ssid.map(|v| format!("SSID {v:#x}")).unwrap_or_else(|| "no SubstreamID (S1CDMax = 0)".into());
            match cd {
                Ok((addr, rep)) => {
                    out.push(Line::styled(format!("{label}: CD at {addr:#x}"), t.accent));
                    out.extend(doc::lines(&build::structure(&rep), t, width, false));
                }
                Err(e) => out.push(Line::styled(format!("{label}: {e}"), t.warn)),
            }
        }
        out
    }
}

impl View for StreamsView {
    fn id(&self) -> ViewId {
        ViewId::Streams
    }

    fn rows(&self, m: &Model) -> usize {
        shown(m).map(|(r, _)| r.len()).unwrap_or(0)
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
            Action::Expand => {
                self.cds = !self.cds;
                Some(Reply::none())
            }
            _ => None,
        }
    }

    fn draw(&mut self, f: &mut Frame, m: &Model, area: Rect) -> Rect {
        let t = m.theme;
        let (streams, notes) = match shown(m) {
            Ok(s) => s,
            Err(e) => {
                super::unavailable(
                    f,
                    &t,
                    area,
                    "Streams",
                    &e,
                    &[
                        "This view lists the stream table by StreamID (linear or 2-level), decodes each STE with",
                        "its legality against this SMMU's IDRs (C_BAD_STE rules), and the CDs by SubstreamID.",
                    ],
                );
                return Rect::default();
            }
        };
        let [head, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
        f.render_widget(Paragraph::new(Line::styled(notes.join("; "), t.accent)), head);
        let [list_a, detail] = Layout::horizontal([Constraint::Length(34), Constraint::Min(20)]).areas(rest);
        let rows: Vec<Row> = streams
            .iter()
            .map(|s| {
                let legal = if s.report.legality.valid {
                    Span::styled("legal", t.good)
                } else {
                    Span::styled("ILLEGAL", t.bad)
                };
                Row::new(vec![Line::raw(format!("{:#x}", s.sid)), Line::raw(config(&s.report)), Line::from(legal)])
            })
            .collect();
        let title = if m.search.active() {
            format!("Stream table ({} of /{})", streams.len(), m.search.query)
        } else {
            format!("Stream table ({} valid)", streams.len())
        };
        let table = Table::new(rows, [Constraint::Length(7), Constraint::Length(16), Constraint::Min(5)])
            .header(Row::new(vec!["SID", "Config", "STE"]).style(t.title))
            .row_highlight_style(t.selected)
            .block(super::focused_block(&t, title, !m.detail_focus));
        let mut body = super::inner(list_a);
        body.y = body.y.saturating_add(1);
        body.height = body.height.saturating_sub(1);
        let width = super::inner(detail).width;
        let lines = match self.table.selected().and_then(|i| streams.get(i)) {
            Some(s) => self.detail(m, s, width),
            None => vec![Line::styled("No valid STE in the stream table.", t.dim)],
        };
        let title = if self.cds { "CDs" } else { "STE" };
        f.render_stateful_widget(table, list_a, &mut self.table);
        f.render_widget(
            Paragraph::new(lines).scroll((m.detail_scroll, 0)).block(super::focused_block(
                &t,
                format!("{title} ([ ] scroll)"),
                m.detail_focus,
            )),
            detail,
        );
        body
    }

    fn focused_text(&self, m: &Model) -> Option<String> {
        let e = self.focused(m)?;
        Some(format!("STE for StreamID {:#x} at {:#x}\n{}", e.sid, e.ste_addr, doc::text(&build::structure(&e.report))))
    }
}
