//! The explorer's state, independent of any terminal: key and mouse events go in, the
//! `ui` module draws it. Tests drive it with ratatui's `TestBackend`.
//!
//! The app owns the read-only [`Model`] and one state struct per view (each a [`View`]);
//! it routes a key to the current view first and applies what the view replies. Views know
//! nothing of the app.

use super::data::Dataset;
use super::keymap::{self, Action, Context};
use super::theme::{Theme, ThemeName};
use super::view::{Model, Reply, View};
use super::views::{
    diff::DiffView, edit::EditState, forwarding::ForwardingView, overview::OverviewView, queues::QueuesView,
    registers::RegistersView, streams::StreamsView, walk::WalkView,
};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

pub use super::view::{Search, ViewId};
pub use super::views::registers::RegRow;

/// The views' titles, in tab order (number keys 1-8).
pub const VIEWS: [&str; 8] = ["Overview", "Registers", "Forwarding", "Streams", "Walk", "Queues & log", "Diff", "Edit"];

/// Screen areas remembered from the last draw, for mouse hit-testing.
#[derive(Debug, Clone, Default)]
pub struct HitAreas {
    pub tabs: Vec<Rect>,
    /// The list/table body of the current view (inside its border).
    pub list: Rect,
}

/// Every view's state.
pub struct Views {
    pub overview: OverviewView,
    pub registers: RegistersView,
    pub forwarding: ForwardingView,
    pub streams: StreamsView,
    pub walk: WalkView,
    pub queues: QueuesView,
    pub diff: DiffView,
    pub edit: EditState,
}

impl Views {
    pub fn get(&self, id: ViewId) -> &dyn View {
        match id {
            ViewId::Overview => &self.overview,
            ViewId::Registers => &self.registers,
            ViewId::Forwarding => &self.forwarding,
            ViewId::Streams => &self.streams,
            ViewId::Walk => &self.walk,
            ViewId::Queues => &self.queues,
            ViewId::Diff => &self.diff,
            ViewId::Edit => &self.edit,
        }
    }
    pub fn get_mut(&mut self, id: ViewId) -> &mut dyn View {
        match id {
            ViewId::Overview => &mut self.overview,
            ViewId::Registers => &mut self.registers,
            ViewId::Forwarding => &mut self.forwarding,
            ViewId::Streams => &mut self.streams,
            ViewId::Walk => &mut self.walk,
            ViewId::Queues => &mut self.queues,
            ViewId::Diff => &mut self.diff,
            ViewId::Edit => &mut self.edit,
        }
    }
}

pub struct App {
    pub model: Model,
    pub views: Views,
    pub view: ViewId,
    pub mouse: bool,
    /// Help overlay open, with its scroll offset.
    pub help: Option<u16>,
    pub quit: bool,
    /// One-line message in the status bar; cleared by the next key that says nothing.
    pub status: String,
    /// Everything copied with `y` (printed on exit).
    pub copied: Vec<String>,
    /// OSC 52 sequences waiting to be written to the terminal.
    pub osc52_out: Vec<String>,
    pub hit: HitAreas,
    /// What `r` re-reads.
    pub reload: super::data::Reload,
}

const FILTER_HINT: &str = "Enter keeps the filter, Esc clears it";

impl App {
    pub fn new(data: Dataset, theme: ThemeName, mouse: bool) -> App {
        let klog_only = data.hosts.first().is_some_and(|h| h.registers.is_empty() && h.klog.is_some());
        let view = if data.hosts.len() >= 2 {
            ViewId::Diff
        } else if klog_only {
            ViewId::Queues
        } else {
            ViewId::Overview
        };
        let status = data.banner.first().cloned().unwrap_or_default();
        let model = Model {
            data,
            host: 0,
            theme: Theme::new(theme),
            search: Search::default(),
            detail_scroll: 0,
            detail_focus: false,
        };
        let mut views = Views {
            overview: OverviewView::default(),
            registers: RegistersView::default(),
            forwarding: ForwardingView::default(),
            streams: StreamsView::default(),
            walk: WalkView::default(),
            queues: QueuesView::new(if klog_only { 2 } else { 0 }),
            diff: DiffView::default(),
            edit: EditState::default(),
        };
        // The Walk view starts on a scenario's first walk, the sample's faulting DMA, or the
        // first valid stream.
        views.walk.start(&model);
        App {
            model,
            views,
            view,
            mouse,
            help: None,
            quit: false,
            status,
            copied: vec![],
            osc52_out: vec![],
            hit: HitAreas::default(),
            reload: super::data::Reload::None,
        }
    }

    pub fn host(&self) -> Option<&super::data::Host> {
        self.model.host()
    }

    pub fn theme(&self) -> Theme {
        self.model.theme
    }

    /// The context used to resolve keys right now.
    pub fn context(&self) -> Context {
        if self.help.is_some() {
            return Context::Help;
        }
        if self.model.search.typing || self.views.get(self.view).typing() {
            return Context::TextInput;
        }
        self.view.context()
    }

    /// Handles a key. Returns true when the screen must be redrawn.
    pub fn on_key(&mut self, ev: KeyEvent) -> bool {
        if ev.kind == KeyEventKind::Release {
            return false;
        }
        let ctx = self.context();
        match keymap::resolve(ctx, &ev) {
            Some(a) => {
                self.act(a);
                true
            }
            None if ctx == Context::TextInput => {
                if let KeyCode::Char(c) = ev.code {
                    self.type_char(c);
                    true
                } else {
                    false
                }
            }
            None => false,
        }
    }

    fn type_char(&mut self, c: char) {
        if self.model.search.typing {
            self.model.search.query.push(c);
            self.after_filter_change();
        } else {
            self.views.get_mut(self.view).type_char(&self.model, c);
        }
    }

    fn after_filter_change(&mut self) {
        self.views.get_mut(self.view).filter_changed(&self.model);
        let n = self.views.get(self.view).rows(&self.model);
        self.status = if self.model.search.active() {
            format!("/{}: {n} matching in {}; {FILTER_HINT}", self.model.search.query, self.view.title())
        } else {
            format!("Filter {}: type a name, a value or a word of a meaning; {FILTER_HINT}", self.view.title())
        };
    }

    /// Performs an action. The status bar is cleared first: only what this action says stays.
    pub fn act(&mut self, a: Action) {
        let before = std::mem::take(&mut self.status);
        if self.model.search.typing {
            self.act_filter(a, before);
            return;
        }
        match a {
            Action::Quit => self.quit = true,
            Action::Help => self.help = Some(keymap::help_row(self.view.context())),
            Action::Back => self.back(),
            Action::NextView => self.go_view(self.view.next()),
            Action::PrevView => self.go_view(self.view.prev()),
            Action::GoView(v) => self.go_view(v),
            Action::Search => {
                self.model.search.typing = true;
                self.model.search.query.clear();
                self.after_filter_change();
            }
            Action::Copy => self.copy(),
            Action::ToggleTheme => {
                self.model.theme = self.model.theme.toggled();
                self.status = format!("Theme: {}", format!("{:?}", self.model.theme.name).to_lowercase());
            }
            Action::Reload => self.reload(),
            Action::DetailDown => {
                self.model.detail_scroll = self.model.detail_scroll.saturating_add(3).min(400);
                self.model.detail_focus = true;
            }
            Action::DetailUp => {
                self.model.detail_scroll = self.model.detail_scroll.saturating_sub(3);
                self.model.detail_focus = true;
            }
            Action::Edit(super::views::edit::EditAction::FromStream) => self.edit_stream(),
            _ => {
                let reply = self.views.get_mut(self.view).act(&self.model, a);
                match reply {
                    Some(r) => {
                        // What the detail pane shows changed: back to its top, the list focused.
                        self.model.detail_scroll = 0;
                        self.model.detail_focus = false;
                        self.apply(r)
                    }
                    None => self.default_action(a),
                }
            }
        }
        if self.help.is_some() && a == Action::Help {
            self.status = format!("Help: {} keys first; Up/Down scroll, Esc closes", self.view.title());
        }
    }

    /// Keys while the `/` filter is typed.
    fn act_filter(&mut self, a: Action, before: String) {
        match a {
            Action::Accept => {
                self.model.search.typing = false;
                let n = self.views.get(self.view).rows(&self.model);
                self.status = if self.model.search.active() {
                    format!(
                        "/{}: {n} matching in {}; Esc clears the filter",
                        self.model.search.query,
                        self.view.title()
                    )
                } else {
                    String::new()
                };
            }
            Action::Cancel => self.clear_filter(),
            Action::DeleteChar => {
                self.model.search.query.pop();
                self.after_filter_change();
            }
            Action::ClearInput => {
                self.model.search.query.clear();
                self.after_filter_change();
            }
            Action::Quit => self.quit = true,
            _ => self.status = before,
        }
    }

    fn apply(&mut self, r: Reply) {
        if let Some(s) = r.status {
            self.status = s;
        }
        if let Some(v) = r.go {
            self.go_view(v);
        }
    }

    /// What a key does when the current view does not handle it.
    fn default_action(&mut self, a: Action) {
        // A page is what the list shows (the Overview: its whole body), less one line of context.
        let rows = if self.view == ViewId::Overview { self.views.overview.page } else { self.hit.list.height as usize };
        let page = (rows as i64).saturating_sub(1).max(1);
        match a {
            Action::Up => self.move_cursor(-1),
            Action::Down => self.move_cursor(1),
            Action::PageUp => self.move_cursor(-page),
            Action::PageDown => self.move_cursor(page),
            Action::Top => self.move_cursor(i64::MIN / 2),
            Action::Bottom => self.move_cursor(i64::MAX / 2),
            Action::Left => self.cycle_host(-1),
            Action::Right => self.cycle_host(1),
            Action::NextMatch => {
                self.status = if self.model.search.active() {
                    format!("/{}: n steps through matching fields in Registers", self.model.search.query)
                } else {
                    "No filter: / filters the current view".into()
                }
            }
            _ => {}
        }
    }

    /// Moves the current view's cursor by `d` rows; the list gets the focus back.
    pub fn move_cursor(&mut self, d: i64) {
        if let Some(h) = self.help.as_mut() {
            *h = (*h as i64 + d).clamp(0, 500) as u16;
            return;
        }
        self.model.detail_scroll = 0;
        self.model.detail_focus = false;
        self.views.get_mut(self.view).move_cursor(&self.model, d);
    }

    /// Rows in the current view's list.
    pub fn row_count(&self) -> usize {
        self.views.get(self.view).rows(&self.model)
    }

    fn clear_filter(&mut self) {
        let focused = self.views.registers.focused(&self.model);
        self.model.search = Search::default();
        if self.view == ViewId::Registers {
            self.views.registers.keep_focus(focused, &self.model);
        } else {
            self.views.get_mut(self.view).move_cursor(&self.model, 0);
        }
    }

    fn back(&mut self) {
        if self.help.is_some() {
            self.help = None;
        } else if self.model.search.active() {
            self.clear_filter();
        } else if let Some(r) = self.views.get_mut(self.view).act(&self.model, Action::Back) {
            self.apply(r);
        } else if self.view != ViewId::Overview {
            self.go_view(ViewId::Overview);
        }
    }

    pub fn go_view(&mut self, v: ViewId) {
        if v == self.view {
            return;
        }
        self.model.detail_scroll = 0;
        self.model.detail_focus = false;
        // A filter belongs to the view it was typed in.
        self.model.search = Search::default();
        if v == ViewId::Streams {
            // Focus the StreamID of the walk inputs, so the walk and its STE meet.
            if let Ok(sid) = crate::common::parse_num(&self.views.walk.inputs[0]) {
                self.views.streams.focus_sid(&self.model, sid);
            }
        }
        self.view = v;
    }

    fn cycle_host(&mut self, d: i64) {
        let n = self.model.data.hosts.len();
        if n > 1 {
            self.model.host = ((self.model.host as i64 + d).rem_euclid(n as i64)) as usize;
            self.status = format!("Host: {}", self.model.data.hosts[self.model.host].name);
        }
    }

    /// `e` in Streams: the focused STE into the Edit view.
    fn edit_stream(&mut self) {
        match self.views.streams.focused(&self.model).map(|r| (r.sid, r.words)) {
            Some((sid, w)) => {
                self.status = self.views.edit.load_ste(sid, &w);
                self.go_view(ViewId::Edit);
            }
            None => self.status = "No STE focused".into(),
        }
    }

    fn reload(&mut self) {
        match self.reload.load(&self.model.data) {
            None => self.status = "Nothing to re-read: this data is built in".into(),
            Some(Err(e)) => self.status = format!("Reload failed: {e}"),
            Some(Ok(d)) => {
                let n = d.hosts.len();
                self.model.data = d;
                self.model.host = self.model.host.min(n.saturating_sub(1));
                if self.host().is_some_and(|h| h.snapshot.is_some()) {
                    let step = self.views.walk.step;
                    self.views.walk.run(&self.model);
                    self.views.walk.step = step.min(self.views.walk.step_count());
                }
                self.status = format!("Re-read {}", smmu_core::derived::count(n as u64, "host", "hosts"));
            }
        }
    }

    /// Focuses a register field by name (used by tests).
    pub fn focus_field(&mut self, reg: &str, field: &str) -> bool {
        self.go_view(ViewId::Registers);
        self.views.registers.focus_field(&self.model, reg, field)
    }

    /// `y`: the focused item as plain text, sent to the terminal's clipboard with OSC 52
    /// and remembered so it can be printed on exit.
    fn copy(&mut self) {
        match self.views.get(self.view).focused_text(&self.model) {
            Some(t) if !t.is_empty() => {
                self.osc52_out.push(super::theme::osc52(&t));
                let first = t.lines().next().unwrap_or("").to_string();
                self.status = format!("Copied: {first}");
                self.copied.push(t);
            }
            _ => self.status = "Nothing to copy here".into(),
        }
    }

    /// Handles pasted text (bracketed paste). In an input it is typed; otherwise a kernel
    /// log is decoded in the Queues & log view (attached to the current host), and a
    /// register dump or snapshot becomes a new host (so it can be diffed).
    pub fn on_paste(&mut self, text: &str) -> bool {
        if self.context() == Context::TextInput {
            for c in text.chars().filter(|c| !c.is_control()) {
                self.type_char(c);
            }
            return true;
        }
        // Terminals (and tmux) send pasted line breaks as CR.
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        match super::data::Host::from_bytes("pasted", text.as_bytes(), super::data::SourceKind::File) {
            Ok(mut h) if !h.registers.is_empty() => {
                let n = self.model.data.hosts.len() + 1;
                h.name = format!("pasted-{n}");
                h.description = format!("pasted text ({})", h.format);
                self.model.data.hosts.push(h);
                self.model.data.pool = std::cell::OnceCell::new();
                self.model.host = n - 1;
                self.status = format!("Pasted register dump added as host {n}; 7 compares the hosts");
            }
            Ok(h) if h.klog.is_some() => {
                let t = h.klog.clone().unwrap_or_default();
                let cur = self.model.host;
                match self.model.data.hosts.get_mut(cur) {
                    Some(c) => c.set_klog(t),
                    None => self.model.data.hosts.push(h),
                }
                self.go_view(ViewId::Queues);
                self.views.queues.pane = 2;
                self.views.queues.list.select(Some(0));
                self.status = "Pasted kernel log decoded".into();
            }
            Ok(_) => self.status = "Pasted text has no SMMU registers or kernel log lines".into(),
            Err(e) => self.status = format!("Pasted text not understood: {e}"),
        }
        true
    }

    /// Handles a mouse event. Returns true when the screen must be redrawn.
    pub fn on_mouse(&mut self, ev: MouseEvent) -> bool {
        if !self.mouse {
            return false;
        }
        match ev.kind {
            MouseEventKind::ScrollDown => {
                self.move_cursor(3);
                true
            }
            MouseEventKind::ScrollUp => {
                self.move_cursor(-3);
                true
            }
            MouseEventKind::Down(MouseButton::Left) => {
                if let Some(i) = self.hit.tabs.iter().position(|r| contains(*r, ev.column, ev.row)) {
                    self.help = None;
                    if let Some(v) = ViewId::from_index(i) {
                        self.go_view(v);
                    }
                    return true;
                }
                let l = self.hit.list;
                if contains(l, ev.column, ev.row) && self.help.is_none() {
                    let v = self.views.get_mut(self.view);
                    let row = v.offset() + (ev.row - l.y) as usize;
                    if row < v.rows(&self.model) {
                        self.model.detail_scroll = 0;
                        self.model.detail_focus = false;
                        return v.click(&self.model, row);
                    }
                }
                false
            }
            _ => false,
        }
    }
}

fn contains(r: Rect, x: u16, y: u16) -> bool {
    x >= r.x && x < r.x.saturating_add(r.width) && y >= r.y && y < r.y.saturating_add(r.height)
}
