//! Frame layout: tab bar, source line, the current view, status bar, the footer of the
//! current view's keys, help overlay.

use super::app::App;
use super::keymap::{self, Context};
use super::view::ViewId;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

pub fn draw(f: &mut Frame, app: &mut App) {
    let area = f.area();
    let [tabs, source, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_tabs(f, app, tabs);
    draw_source(f, app, source);
    let view = app.view;
    app.hit.list = app.views.get_mut(view).draw(f, &app.model, body);
    draw_status(f, app, status);
    draw_footer(f, app, footer);
    if let Some(scroll) = app.help {
        draw_help(f, app, area, scroll);
    }
}

fn draw_tabs(f: &mut Frame, app: &mut App, area: Rect) {
    let t = app.theme();
    let mut spans = Vec::new();
    let mut rects = Vec::new();
    let mut x = area.x;
    for v in ViewId::ALL {
        let text = format!("{} {} ", v.index() + 1, v.tab_label());
        let w = text.chars().count() as u16;
        let style = if v == app.view { t.tab_active } else { t.tab };
        rects.push(Rect { x, y: area.y, width: w.min(area.right().saturating_sub(x)), height: 1 });
        x = x.saturating_add(w);
        spans.push(Span::styled(text, style));
    }
    app.hit.tabs = rects;
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_source(f: &mut Frame, app: &App, area: Rect) {
    let t = app.theme();
    let n = app.model.data.hosts.len();
    let text = match app.host() {
        Some(h) if n > 1 => {
            format!("Host {}/{n}: {} ({}); {n} hosts loaded", app.model.host + 1, h.name, h.description)
        }
        Some(h) => format!("Showing {}", h.description),
        None => "No data loaded".into(),
    };
    f.render_widget(Paragraph::new(Line::styled(text, t.accent)), area);
}

fn draw_status(f: &mut Frame, app: &App, area: Rect) {
    let t = app.theme();
    let s = &app.model.search;
    let left = if s.typing {
        format!(" /{}_  (filtering {})", s.query, app.view.title())
    } else if s.active() && app.status.is_empty() {
        format!(" /{} (Esc clears the filter)", s.query)
    } else {
        format!(" {}", app.status)
    };
    f.render_widget(Paragraph::new(left).style(t.status), area);
}

/// The keys of the current view (or input, or help), then the global ones.
fn draw_footer(f: &mut Frame, app: &App, area: Rect) {
    let t = app.theme();
    let ctx = app.context();
    let mut spans = vec![];
    let key = |k: String, w: &str| [Span::styled(format!(" {k}"), t.title), Span::styled(format!(":{w}"), t.dim)];
    for (k, w) in keymap::footer(ctx) {
        spans.extend(key(k, w));
    }
    if ctx != Context::TextInput && ctx != Context::Help {
        // The global keys, fewer when the line is narrow (q:quit always).
        let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
        let all = [("?", "help"), ("Tab", "views"), ("/", "filter"), ("y", "copy"), ("q", "quit")];
        let mut global: Vec<(&str, &str)> = all.to_vec();
        let width = |g: &[(&str, &str)]| 3 + g.iter().map(|(k, w)| k.chars().count() + w.len() + 2).sum::<usize>();
        for drop in ["Tab", "y", "/"] {
            if used + width(&global) <= area.width as usize {
                break;
            }
            global.retain(|(k, _)| *k != drop);
        }
        spans.push(Span::styled("  |", t.dim));
        for (k, w) in global {
            spans.extend(key(k.to_string(), w));
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)).style(t.text.add_modifier(Modifier::empty())), area);
}

/// The help overlay, generated from the keymap table; it opens at the current view's keys.
fn draw_help(f: &mut Frame, app: &App, area: Rect, scroll: u16) {
    let t = app.theme();
    let w = area.width.saturating_sub(4).min(100);
    let h = area.height.saturating_sub(2);
    let popup = Rect { x: area.x + (area.width - w) / 2, y: area.y + 1, width: w, height: h };
    f.render_widget(Clear, popup);
    let mut rows: Vec<Line> = Vec::new();
    let mut last = None;
    let current = app.view.context();
    let help_w = (w as usize).saturating_sub(2 + 21);
    for (ctx, keys, help) in keymap::help_lines() {
        if last != Some(ctx) {
            let title =
                if ctx == current { format!("▶ {} (this view)", ctx.title()) } else { ctx.title().to_string() };
            rows.push(Line::styled(title, t.title));
            last = Some(ctx);
        }
        // The help text wraps under itself.
        for (i, mut l) in super::doc::wrap(&[(help.to_string(), t.text)], 0, 0, help_w).into_iter().enumerate() {
            let k = if i == 0 { format!("  {keys:<18} ") } else { " ".repeat(21) };
            l.insert(0, Span::styled(k, t.accent));
            rows.push(Line::from(l));
        }
    }
    let rows: Vec<Line> = rows.into_iter().skip(scroll as usize).collect();
    let table = Paragraph::new(rows).block(
        Block::bordered()
            .title(format!(" Help: every key ({} views: 1-8) ", ViewId::ALL.len()))
            .title_bottom(" Up/Down scroll, Esc closes ")
            .border_style(t.title),
    );
    f.render_widget(table, popup);
}
