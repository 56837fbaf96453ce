//! 6 Queues & log: command and event queue entries between CONS and PROD (or the recent
//! consumed ones), and a loaded kernel log. The list shows one line per entry; the pane
//! below shows the focused entry's full decode (likely cause, fields, problems), the same
//! document `smmu log` and `smmu event` print.

use super::super::app::App;
use super::super::data::{self, Item};
use super::super::doc;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, Paragraph, Wrap};
use ratatui::Frame;
use smmu_core::queues::queue::QueueId;

pub const PANES: [&str; 3] = ["Command queue", "Event queue", "Kernel log"];

fn entries(app: &App) -> Result<(String, Vec<Item>), String> {
    let h = app.host().ok_or("no host loaded")?;
    match app.queues_pane {
        0 => data::queue_entries(h, QueueId::Cmdq),
        1 => data::queue_entries(h, QueueId::Evtq),
        _ => data::klog_decoded(h).map(|r| {
            let n = smmu_core::derived::count(r.len() as u64, "SMMU item", "SMMU items");
            (format!("{n} decoded from the kernel log"), r)
        }),
    }
}

/// The entries the list shows: all, or those matching the `/` filter.
fn shown(app: &App) -> Result<(String, Vec<Item>), String> {
    let (head, es) = entries(app)?;
    Ok((head, es.into_iter().filter(|i| app.search.matches(&[&i.label, &i.summary])).collect()))
}

pub fn row_count(app: &App) -> usize {
    shown(app).map(|e| e.1.len()).unwrap_or(0)
}

pub fn draw(f: &mut Frame, app: &mut App, area: Rect) {
    let t = app.theme;
    let title = format!("{} (w: {})", PANES[app.queues_pane], PANES.join(" | "));
    match shown(app) {
        Err(e) => super::unavailable(
            f,
            &t,
            area,
            &title,
            &e,
            &["w switches between the command queue, the event queue and the kernel log"],
        ),
        Ok((head, es)) => {
            let list_h = ((area.height.saturating_sub(2)) * 2 / 5).max(4);
            let [h, body, detail] =
                Layout::vertical([Constraint::Length(2), Constraint::Length(list_h), Constraint::Min(4)]).areas(area);
            let mut head = head;
            if app.search.active() {
                head.push_str(&format!("; /{}: {} shown", app.search.query, es.len()));
            }
            f.render_widget(Paragraph::new(Line::styled(head, t.accent)).wrap(Wrap { trim: true }), h);
            let items: Vec<ListItem> = es
                .iter()
                .map(|i| {
                    ListItem::new(Line::from(vec![
                        Span::styled(format!("{} ", i.label), t.accent),
                        Span::raw(i.summary.clone()),
                    ]))
                })
                .collect();
            app.hit.list = super::inner(body);
            let list =
                List::new(items).block(super::focused_block(&t, title, !app.detail_focus)).highlight_style(t.selected);
            let sel = app.queues.selected().and_then(|i| es.get(i));
            let lines = match sel {
                Some(i) => doc::lines(&i.doc, &t, super::inner(detail).width, false),
                None => vec![Line::styled("no entry", t.dim)],
            };
            f.render_stateful_widget(list, body, &mut app.queues);
            f.render_widget(
                Paragraph::new(lines).scroll((app.detail_scroll, 0)).block(super::focused_block(
                    &t,
                    "Entry: full decode (] and [ scroll)",
                    app.detail_focus,
                )),
                detail,
            );
        }
    }
}

pub fn focused_text(app: &App) -> Option<String> {
    let (_, es) = shown(app).ok()?;
    let i = es.get(app.queues.selected()?)?;
    Some(format!("{} {}\n{}", i.label, i.summary, doc::text(&i.doc)))
}
