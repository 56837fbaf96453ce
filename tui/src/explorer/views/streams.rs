//! 4 Streams: the stream table by StreamID (2-level aware), STE decode with legality,
//! the stream's CDs by SubstreamID (Enter switches between STE and CDs).

use super::super::app::App;
use super::super::data::{self, StreamRow};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, Wrap};
use ratatui::Frame;
use smmu_core::structs::StructureReport;

fn field<'a>(r: &'a StructureReport, name: &str) -> Option<&'a smmu_core::structs::FieldRow> {
    r.fields.iter().find(|f| f.name == name)
}

pub fn row_count(app: &App) -> usize {
    app.host().and_then(|h| data::streams(h).ok()).map(|v| v.0.len()).unwrap_or(0)
}

fn legality_lines(app: &App, r: &StructureReport, out: &mut Vec<Line<'static>>) {
    let t = app.theme;
    if r.legality.valid {
        out.push(Line::styled(format!("{}: legal for this SMMU", r.layout), t.good));
    } else {
        out.push(Line::styled(
            format!("{}: ILLEGAL{}", r.layout, r.legality.event.map(|e| format!(" ({e})")).unwrap_or_default()),
            t.bad,
        ));
    }
    for rule in &r.legality.rules {
        out.push(Line::styled(format!("  ! {}: {} (section {})", rule.field, rule.rule, rule.section), t.bad));
    }
    for u in &r.legality.unchecked {
        out.push(Line::styled(format!("  (not checked: {u} not given)"), t.dim));
    }
    for p in &r.problems {
        out.push(Line::styled(format!("  ! {p}"), t.warn));
    }
}

fn fields_lines(app: &App, r: &StructureReport, out: &mut Vec<Line<'static>>, nonzero_only: bool) {
    let t = app.theme;
    for f in &r.fields {
        if nonzero_only && f.value == 0 {
            continue;
        }
        out.push(Line::from(vec![
            Span::styled(format!("{:<13}", f.name), t.text),
            Span::styled(format!("{:>9} ", f.bits), t.dim),
            Span::styled(format!("{:>10}  ", f.hex), t.accent),
            Span::styled(f.meaning.clone(), t.text),
        ]));
    }
}

fn ste_detail(app: &App, s: &StreamRow) -> Vec<Line<'static>> {
    let t = app.theme;
    let mut out = vec![Line::styled(
        format!("STE for StreamID {:#x} at {:#x} (section {})", s.sid, s.ste_addr, s.report.section),
        t.title,
    )];
    legality_lines(app, &s.report, &mut out);
    if let Some(v) = &s.report.guest_vste {
        let mut line =
            format!("As a guest vSTE (iommufd nesting): {}", if v.accepted { "accepted" } else { "rejected" });
        if !v.reasons.is_empty() {
            line.push_str(&format!(": {}", v.reasons.join("; ")));
        }
        if !v.effect.is_empty() {
            line.push_str(&format!(" ({})", v.effect));
        }
        out.push(Line::styled(line, if v.accepted { t.dim } else { t.warn }));
    }
    out.push(Line::styled("Fields (zero-valued fields hidden; y copies all)", t.dim));
    fields_lines(app, &s.report, &mut out, true);
    out
}

fn cd_detail(app: &App, h: &data::Host, s: &StreamRow) -> Vec<Line<'static>> {
    let t = app.theme;
    let cds = data::stream_cds(h, s.sid, &s.words);
    let mut out =
        vec![Line::styled(format!("CDs of StreamID {:#x} by SubstreamID (Enter: back to the STE)", s.sid), t.title)];
    if cds.is_empty() {
        out.push(Line::styled("This stream's configuration has no stage 1, so no CDs.", t.dim));
    }
    for data::CdEntry { ssid, cd: r } in cds {
        let label = ssid.map(|v| format!("SSID {v:#x}")).unwrap_or_else(|| "no SubstreamID (S1CDMax = 0)".into());
        match r {
            Ok((addr, rep)) => {
                out.push(Line::styled(format!("{label}: CD at {addr:#x}"), t.accent));
                legality_lines(app, &rep, &mut out);
                fields_lines(app, &rep, &mut out, true);
            }
            Err(e) => out.push(Line::styled(format!("{label}: {e}"), t.warn)),
        }
    }
    out
}

pub fn draw(f: &mut Frame, app: &mut App, area: Rect) {
    let t = app.theme;
    let Some(h) = app.host() else { return };
    let (streams, notes) = match data::streams(h) {
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
            return;
        }
    };
    let [head, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
    f.render_widget(Paragraph::new(Line::styled(notes.join("; "), t.accent)), head);
    let [list_a, detail] = Layout::horizontal([Constraint::Length(34), Constraint::Min(20)]).areas(rest);
    let rows: Vec<Row> = streams
        .iter()
        .map(|s| {
            let cfg = field(&s.report, "Config")
                .map(|f| f.meaning.split(':').next().unwrap_or("").to_string())
                .unwrap_or_default();
            let legal =
                if s.report.legality.valid { Span::styled("legal", t.good) } else { Span::styled("ILLEGAL", t.bad) };
            Row::new(vec![Line::raw(format!("{:#x}", s.sid)), Line::raw(cfg), Line::from(legal)])
        })
        .collect();
    let table = Table::new(rows, [Constraint::Length(7), Constraint::Length(16), Constraint::Min(5)])
        .header(Row::new(vec!["SID", "Config", "STE"]).style(t.title))
        .row_highlight_style(t.selected)
        .block(super::block(&t, format!("Stream table ({} valid)", streams.len())));
    let mut body = super::inner(list_a);
    body.y = body.y.saturating_add(1);
    body.height = body.height.saturating_sub(1);
    let sel = app.streams.selected().and_then(|i| streams.get(i));
    let lines = match sel {
        Some(s) if app.streams_cds => cd_detail(app, h, s),
        Some(s) => ste_detail(app, s),
        None => vec![Line::styled("No valid STE in the stream table.", t.dim)],
    };
    let title = if app.streams_cds { "CDs" } else { "STE" };
    app.hit.list = body;
    f.render_stateful_widget(table, list_a, &mut app.streams);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((app.detail_scroll, 0))
            .block(super::block(&t, format!("{title} ([ ] scroll)"))),
        detail,
    );
}

pub fn focused_text(app: &App) -> Option<String> {
    let h = app.host()?;
    let (s, _) = data::streams(h).ok()?;
    let e = s.get(app.streams.selected()?)?;
    let mut out = format!("STE StreamID {:#x} at {:#x}: {}\n", e.sid, e.ste_addr, e.report.words.join(" "));
    for f in &e.report.fields {
        out.push_str(&format!("  {:<13} {:>9} {:>10}  {}\n", f.name, f.bits, f.hex, f.meaning));
    }
    Some(out)
}
