//! Frame layout: tab bar, source line, the current view, status bar, help overlay.

use super::app::{App, VIEWS};
use super::keymap;
use super::views;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Row, Table};
use ratatui::Frame;

/// Tab labels (short enough that all eight fit in 80 columns).
pub const TAB_LABELS: [&str; 8] =
    ["Overview", "Registers", "Forwarding", "Streams", "Walk", "Queues/log", "Diff", "Edit"];

pub fn draw(f: &mut Frame, app: &mut App) {
    let area = f.area();
    let [tabs, source, body, status] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(3), Constraint::Length(1)])
            .areas(area);
    draw_tabs(f, app, tabs);
    draw_source(f, app, source);
    app.hit.list = Rect::default();
    match app.view {
        0 => views::overview::draw(f, app, body),
        1 => views::registers::draw(f, app, body),
        2 => views::forwarding::draw(f, app, body),
        3 => views::streams::draw(f, app, body),
        4 => views::walk::draw(f, app, body),
        5 => views::queues::draw(f, app, body),
        7 => views::edit::draw(f, app, body),
        _ => views::diff::draw(f, app, body),
    }
    draw_status(f, app, status);
    if let Some(scroll) = app.help {
        draw_help(f, app, area, scroll);
    }
}

fn draw_tabs(f: &mut Frame, app: &mut App, area: Rect) {
    let t = app.theme;
    let mut spans = Vec::new();
    let mut rects = Vec::new();
    let mut x = area.x;
    for (i, label) in TAB_LABELS.iter().enumerate() {
        let text = format!("{} {} ", i + 1, label);
        let w = text.chars().count() as u16;
        let style = if i == app.view { t.tab_active } else { t.tab };
        rects.push(Rect { x, y: area.y, width: w.min(area.right().saturating_sub(x)), height: 1 });
        x = x.saturating_add(w);
        spans.push(Span::styled(text, style));
    }
    app.hit.tabs = rects;
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_source(f: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let text = match app.host() {
        Some(h) if app.data.hosts.len() > 1 => {
            format!(
                "Host {}/{}: {} ({}); {} hosts loaded",
                app.host + 1,
                app.data.hosts.len(),
                h.name,
                h.description,
                app.data.hosts.len()
            )
        }
        Some(h) => format!("Showing {}", h.description),
        None => "No data loaded".into(),
    };
    f.render_widget(Paragraph::new(Line::styled(text, t.accent)), area);
}

fn draw_status(f: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let right = " ?:help Tab:views /:search y:copy q:quit ";
    let left = if app.search.typing { format!(" /{}_", app.search.query) } else { format!(" {}", app.status) };
    let rw = right.chars().count() as u16;
    let [l, r] = Layout::horizontal([Constraint::Min(1), Constraint::Length(rw.min(area.width * 3 / 5))]).areas(area);
    f.render_widget(Paragraph::new(left).style(t.status), l);
    f.render_widget(Paragraph::new(right).style(t.status.add_modifier(Modifier::BOLD)), r);
}

/// The help overlay, generated from the keymap table.
fn draw_help(f: &mut Frame, app: &App, area: Rect, scroll: u16) {
    let t = app.theme;
    let w = area.width.saturating_sub(4).min(100);
    let h = area.height.saturating_sub(2);
    let popup = Rect { x: area.x + (area.width - w) / 2, y: area.y + 1, width: w, height: h };
    f.render_widget(Clear, popup);
    let mut rows = Vec::new();
    let mut last = None;
    for (ctx, keys, help) in keymap::help_lines() {
        if last != Some(ctx) {
            rows.push(Row::new(vec![Line::styled(ctx.title(), t.title), Line::raw("")]));
            last = Some(ctx);
        }
        rows.push(Row::new(vec![Line::styled(format!("  {keys}"), t.accent), Line::styled(help, t.text)]));
    }
    let rows: Vec<Row> = rows.into_iter().skip(scroll as usize).collect();
    let table = Table::new(rows, [Constraint::Length(18), Constraint::Min(10)]).block(
        Block::bordered()
            .title(format!(" Help: every key ({} views: {}) ", VIEWS.len(), "1-8"))
            .title_bottom(" Up/Down scroll, Esc closes ")
            .border_style(t.title),
    );
    f.render_widget(table, popup);
}
