//! 6 Queues & log: command and event queue entries between CONS and PROD, decoded; a
//! loaded kernel log decoded.

use super::super::app::App;
use super::super::data;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem};
use ratatui::Frame;

pub const PANES: [&str; 3] = ["Command queue", "Event queue", "Kernel log"];

fn entries(app: &App) -> Result<Vec<(String, String)>, String> {
    let h = app.host().ok_or("no host loaded")?;
    match app.queues_pane {
        0 => data::queue_entries(h, "command queue"),
        1 => data::queue_entries(h, "event queue"),
        _ => data::klog_decoded(h),
    }
}

pub fn row_count(app: &App) -> usize {
    entries(app).map(|e| e.len()).unwrap_or(0)
}

pub fn draw(f: &mut Frame, app: &mut App, area: Rect) {
    let t = app.theme;
    let title = format!("{} (w switches: {})", PANES[app.queues_pane], PANES.join(" | "));
    match entries(app) {
        Err(e) => super::unavailable(f, &t, area, &title, &e, &[]),
        Ok(es) => {
            let items: Vec<ListItem> = es
                .iter()
                .map(|(a, b)| ListItem::new(Line::from(vec![Span::styled(format!("{a:<24} "), t.accent), Span::raw(b.clone())])))
                .collect();
            app.hit.list = super::inner(area);
            let list = List::new(items).block(super::block(&t, title)).highlight_style(t.selected);
            f.render_stateful_widget(list, area, &mut app.queues);
        }
    }
}

pub fn focused_text(app: &App) -> Option<String> {
    let es = entries(app).ok()?;
    let (a, b) = es.get(app.queues.selected()?)?;
    Some(format!("{a} {b}"))
}
