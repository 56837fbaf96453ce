//! 6 Queues & log: command and event queue entries between CONS and PROD, decoded; a
//! loaded kernel log decoded.

use super::super::app::App;
use super::super::data;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, Paragraph, Wrap};
use ratatui::Frame;
use smmu_core::queues::queue::QueueId;

pub const PANES: [&str; 3] = ["Command queue", "Event queue", "Kernel log"];

fn entries(app: &App) -> Result<(String, Vec<(String, String)>), String> {
    let h = app.host().ok_or("no host loaded")?;
    match app.queues_pane {
        0 => data::queue_entries(h, QueueId::Cmdq),
        1 => data::queue_entries(h, QueueId::Evtq),
        _ => data::klog_decoded(h).map(|r| (format!("{} SMMU items decoded from the kernel log", r.len()), r)),
    }
}

pub fn row_count(app: &App) -> usize {
    entries(app).map(|e| e.1.len()).unwrap_or(0)
}

pub fn draw(f: &mut Frame, app: &mut App, area: Rect) {
    let t = app.theme;
    let title = format!("{} (w: {})", PANES[app.queues_pane], PANES.join(" | "));
    match entries(app) {
        Err(e) => super::unavailable(
            f,
            &t,
            area,
            &title,
            &e,
            &["w switches between the command queue, the event queue and the kernel log"],
        ),
        Ok((head, es)) => {
            let [h, body, detail] =
                Layout::vertical([Constraint::Length(2), Constraint::Min(3), Constraint::Length(4)]).areas(area);
            f.render_widget(Paragraph::new(Line::styled(head, t.accent)).wrap(Wrap { trim: true }), h);
            let items: Vec<ListItem> = es
                .iter()
                .map(|(a, b)| {
                    ListItem::new(Line::from(vec![Span::styled(format!("{a} "), t.accent), Span::raw(b.clone())]))
                })
                .collect();
            app.hit.list = super::inner(body);
            let list = List::new(items).block(super::block(&t, title)).highlight_style(t.selected);
            let sel = app.queues.selected().and_then(|i| es.get(i)).cloned();
            f.render_stateful_widget(list, body, &mut app.queues);
            let d = sel.map(|(a, b)| format!("{a}: {b}")).unwrap_or_default();
            f.render_widget(Paragraph::new(d).wrap(Wrap { trim: true }).block(super::block(&t, "Entry")), detail);
        }
    }
}

pub fn focused_text(app: &App) -> Option<String> {
    let (_, es) = entries(app).ok()?;
    let (a, b) = es.get(app.queues.selected()?)?;
    Some(format!("{a} {b}"))
}
