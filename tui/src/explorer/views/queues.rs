//! 6 Queues & log: command and event queue entries between CONS and PROD (or the recent
//! consumed ones), and a loaded kernel log. The list shows one line per entry; the pane
//! below shows the focused entry's full decode (likely cause, fields, problems), the same
//! document `smmu log` and `smmu event` print.

use super::super::data::{self, Item};
use super::super::doc;
use super::super::keymap::Action;
use super::super::view::{clamp_cursor, Model, Reply, View, ViewId};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph, Wrap};
use ratatui::Frame;
use smmu_core::queues::queue::QueueId;

pub const PANES: [&str; 3] = ["Command queue", "Event queue", "Kernel log"];

#[derive(Debug, Clone)]
pub struct QueuesView {
    /// 0 command queue, 1 event queue, 2 kernel log.
    pub pane: usize,
    pub list: ListState,
}

impl QueuesView {
    pub fn new(pane: usize) -> QueuesView {
        QueuesView { pane, list: ListState::default().with_selected(Some(0)) }
    }
}

fn entries(m: &Model, pane: usize) -> Result<(String, Vec<Item>), String> {
    let h = m.host().ok_or("no host loaded")?;
    match pane {
        0 => data::queue_entries(h, QueueId::Cmdq),
        1 => data::queue_entries(h, QueueId::Evtq),
        _ => data::klog_decoded(h).map(|r| {
            let n = smmu_core::derived::count(r.len() as u64, "SMMU item", "SMMU items");
            (format!("{n} decoded from the kernel log"), r)
        }),
    }
}

/// The entries the list shows: all, or those matching the `/` filter.
fn shown(m: &Model, pane: usize) -> Result<(String, Vec<Item>), String> {
    let (head, es) = entries(m, pane)?;
    Ok((head, es.into_iter().filter(|i| m.search.matches(&[&i.label, &i.summary])).collect()))
}

impl View for QueuesView {
    fn id(&self) -> ViewId {
        ViewId::Queues
    }

    fn rows(&self, m: &Model) -> usize {
        shown(m, self.pane).map(|e| e.1.len()).unwrap_or(0)
    }

    fn move_cursor(&mut self, m: &Model, d: i64) {
        let n = self.rows(m);
        self.list.select(clamp_cursor(self.list.selected(), d, n));
    }

    fn offset(&self) -> usize {
        self.list.offset()
    }

    fn click(&mut self, _m: &Model, row: usize) -> bool {
        self.list.select(Some(row));
        true
    }

    fn act(&mut self, _m: &Model, a: Action) -> Option<Reply> {
        match a {
            Action::NextPane => {
                self.pane = (self.pane + 1) % PANES.len();
                self.list.select(Some(0));
                Some(Reply::status(format!("Queues & log: {}", PANES[self.pane])))
            }
            _ => None,
        }
    }

    fn draw(&mut self, f: &mut Frame, m: &Model, area: Rect) -> Rect {
        draw(self, f, m, area)
    }

    fn focused_text(&self, m: &Model) -> Option<String> {
        let (_, es) = shown(m, self.pane).ok()?;
        let i = es.get(self.list.selected()?)?;
        Some(format!("{} {}\n{}", i.label, i.summary, doc::text(&i.doc)))
    }
}

fn draw(v: &mut QueuesView, f: &mut Frame, m: &Model, area: Rect) -> Rect {
    let t = m.theme;
    let title = format!("{} (w: {})", PANES[v.pane], PANES.join(" | "));
    match shown(m, v.pane) {
        Err(e) => {
            super::unavailable(
                f,
                &t,
                area,
                &title,
                &e,
                &["w switches between the command queue, the event queue and the kernel log"],
            );
            Rect::default()
        }
        Ok((head, es)) => {
            let list_h = ((area.height.saturating_sub(2)) * 2 / 5).max(4);
            let [h, body, detail] =
                Layout::vertical([Constraint::Length(2), Constraint::Length(list_h), Constraint::Min(4)]).areas(area);
            let mut head = head;
            if m.search.active() {
                head.push_str(&format!("; /{}: {} shown", m.search.query, es.len()));
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
            let list =
                List::new(items).block(super::focused_block(&t, title, !m.detail_focus)).highlight_style(t.selected);
            let sel = v.list.selected().and_then(|i| es.get(i));
            let lines = match sel {
                Some(i) => doc::lines(&i.doc, &t, super::inner(detail).width, false),
                None => vec![Line::styled("no entry", t.dim)],
            };
            f.render_stateful_widget(list, body, &mut v.list);
            f.render_widget(
                Paragraph::new(lines).scroll((m.detail_scroll, 0)).block(super::focused_block(
                    &t,
                    "Entry: full decode (] and [ scroll)",
                    m.detail_focus,
                )),
                detail,
            );
            super::inner(body)
        }
    }
}
