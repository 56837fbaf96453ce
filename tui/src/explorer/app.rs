//! The explorer's state, independent of any terminal: key and mouse events go in, the
//! `ui` module draws it. Tests drive it with ratatui's `TestBackend`.

use super::data::Dataset;
use super::keymap::{self, Action, Context};
use super::theme::{Theme, ThemeName};
use super::views;
use ratatui::crossterm::event::{KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;
use ratatui::widgets::{ListState, TableState};
use std::collections::BTreeSet;

/// The views, in tab order (number keys 1-8).
pub const VIEWS: [&str; 8] = ["Overview", "Registers", "Forwarding", "Streams", "Walk", "Queues & log", "Diff", "Edit"];

/// The walk the Walk view starts with: StreamID 0x18 (QEMU's `edu` device in the built-in
/// sample) at IOVA 0x12345000, the DMA whose F_TRANSLATION event the sample's kernel log
/// shows.
pub const DEFAULT_WALK: [&str; 2] = ["0x18", "0x12345000"];

pub const V_OVERVIEW: usize = 0;
pub const V_REGISTERS: usize = 1;
pub const V_FORWARDING: usize = 2;
pub const V_STREAMS: usize = 3;
pub const V_WALK: usize = 4;
pub const V_QUEUES: usize = 5;
pub const V_DIFF: usize = 6;
pub const V_EDIT: usize = 7;

#[derive(Debug, Clone, Default)]
pub struct Search {
    pub query: String,
    /// True while the user is typing the query.
    pub typing: bool,
}

impl Search {
    pub fn active(&self) -> bool {
        !self.query.is_empty()
    }
    /// Case-insensitive substring match against any of the texts.
    pub fn matches(&self, texts: &[&str]) -> bool {
        if self.query.is_empty() {
            return true;
        }
        let q = self.query.to_lowercase();
        texts.iter().any(|t| t.to_lowercase().contains(&q))
    }
}

/// A row of the register tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegRow {
    Register(usize),
    Field(usize, usize),
}

#[derive(Debug, Clone, Default)]
pub struct RegistersState {
    pub expanded: BTreeSet<usize>,
    pub list: ListState,
}

#[derive(Debug, Clone, Default)]
pub struct WalkState {
    /// SID, SSID, IOVA, access.
    pub inputs: [String; 4],
    /// Which input is being edited.
    pub editing: Option<usize>,
    /// The walk result as core reports it (JSON contract of `smmu walk --json`).
    pub result: Option<Result<serde_json::Value, String>>,
    /// How many steps are shown (stepping forward/back).
    pub step: usize,
    /// Privileged (false) or unprivileged (true) access; PCIe DMA without a PASID prefix
    /// is unprivileged.
    pub unpriv: bool,
    /// Which suggested walk (of the host's scenario) the inputs came from.
    pub suggestion: usize,
}

/// Screen areas remembered from the last draw, for mouse hit-testing.
#[derive(Debug, Clone, Default)]
pub struct HitAreas {
    pub tabs: Vec<Rect>,
    /// The list/table body of the current view (inside its border) and its scroll offset.
    pub list: Rect,
}

pub struct App {
    pub data: Dataset,
    /// The host the single-host views show.
    pub host: usize,
    pub view: usize,
    pub theme: Theme,
    pub mouse: bool,
    /// Help overlay open, with its scroll offset.
    pub help: Option<u16>,
    pub quit: bool,
    /// One-line message in the status bar.
    pub status: String,
    /// Everything copied with `y` (printed on exit).
    pub copied: Vec<String>,
    /// OSC 52 sequences waiting to be written to the terminal.
    pub osc52_out: Vec<String>,
    pub search: Search,
    pub regs: RegistersState,
    pub overview: ListState,
    pub fwd_table: TableState,
    pub fwd_profile: usize,
    pub fwd_class: usize,
    pub fwd_caps: usize,
    /// Overview: index into `smmu_core::linux::TABLES` of the kernel whose probe is shown.
    pub probe_kernel: usize,
    pub streams: TableState,
    /// Streams view: show the CDs of the focused stream instead of its STE.
    pub streams_cds: bool,
    pub walk: WalkState,
    pub queues_pane: usize,
    pub queues: ListState,
    pub diff: TableState,
    /// The Edit view: the structure being built.
    pub edit: views::edit::EditState,
    pub hit: HitAreas,
    /// Scroll offset of the detail pane (reset when the focus moves).
    pub detail_scroll: u16,
    /// The detail pane has the focus (`]`/`[` scrolled it); moving the cursor gives it back
    /// to the list.
    pub detail_focus: bool,
    /// What `r` re-reads.
    pub reload: super::data::Reload,
}

impl App {
    pub fn new(data: Dataset, theme: ThemeName, mouse: bool) -> App {
        let klog_only = data.hosts.first().is_some_and(|h| h.registers.is_empty() && h.klog.is_some());
        let view = if data.hosts.len() >= 2 {
            V_DIFF
        } else if klog_only {
            V_QUEUES
        } else {
            V_OVERVIEW
        };
        let mut regs = RegistersState::default();
        regs.list.select(Some(0));
        let mut app = App {
            data,
            host: 0,
            view,
            theme: Theme::new(theme),
            mouse,
            help: None,
            quit: false,
            status: String::new(),
            copied: vec![],
            osc52_out: vec![],
            search: Search::default(),
            regs,
            overview: ListState::default(),
            fwd_table: TableState::default().with_selected(Some(0)),
            fwd_profile: 0,
            fwd_class: 0,
            fwd_caps: 0,
            probe_kernel: smmu_core::linux::TABLES.len().saturating_sub(1),
            streams: TableState::default().with_selected(Some(0)),
            streams_cds: false,
            walk: WalkState {
                inputs: [DEFAULT_WALK[0].into(), String::new(), DEFAULT_WALK[1].into(), "read".into()],
                unpriv: true,
                ..Default::default()
            },
            queues_pane: if klog_only { 2 } else { 0 },
            queues: ListState::default().with_selected(Some(0)),
            diff: TableState::default().with_selected(Some(0)),
            edit: Default::default(),
            hit: HitAreas::default(),
            detail_scroll: 0,
            detail_focus: false,
            reload: super::data::Reload::None,
        };
        app.status = app.data.banner.first().cloned().unwrap_or_default();
        // Start the Walk view on a scenario's first walk, or the sample's faulting DMA.
        if let Some(w) = app.host().and_then(|h| h.walks.first()).cloned() {
            app.walk.inputs = w.inputs;
            app.walk.unpriv = w.unpriv;
        }
        if app.host().is_some_and(|h| h.snapshot.is_some()) {
            app.run_walk();
        }
        app
    }

    pub fn host(&self) -> Option<&super::data::Host> {
        self.data.hosts.get(self.host)
    }

    /// The context used to resolve keys right now.
    pub fn context(&self) -> Context {
        if self.help.is_some() {
            return Context::Help;
        }
        if self.search.typing || self.walk.editing.is_some() || self.edit.typing() {
            return Context::TextInput;
        }
        match self.view {
            V_REGISTERS => Context::Registers,
            V_FORWARDING => Context::Forwarding,
            V_STREAMS => Context::Streams,
            V_WALK => Context::Walk,
            V_QUEUES => Context::Queues,
            V_DIFF => Context::Diff,
            V_EDIT => Context::Edit,
            _ => Context::Global,
        }
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
                if let ratatui::crossterm::event::KeyCode::Char(c) = ev.code {
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
        if self.search.typing {
            self.search.query.push(c);
            self.after_search_change();
        } else if let Some(i) = self.walk.editing {
            if let Some(s) = self.walk.inputs.get_mut(i) {
                s.push(c);
            }
        } else if self.edit.typing() {
            views::edit::type_char(self, c);
        }
    }

    fn after_search_change(&mut self) {
        if self.view != V_REGISTERS {
            self.view = V_REGISTERS;
        }
        // Focus the first matching field.
        let rows = self.reg_rows();
        let first = rows.iter().position(|r| matches!(r, RegRow::Field(..))).unwrap_or(0);
        self.regs.list.select(Some(first));
        let n = rows.iter().filter(|r| matches!(r, RegRow::Field(..))).count();
        self.status =
            if self.search.active() { format!("/{}: {n} matching fields", self.search.query) } else { String::new() };
    }

    /// Performs an action.
    pub fn act(&mut self, a: Action) {
        if self.edit.typing() && !self.search.typing && self.walk.editing.is_none() {
            if let Action::Accept | Action::Cancel | Action::DeleteChar | Action::ClearInput | Action::NextPane = a {
                return views::edit::act_text(self, a);
            }
        }
        match a {
            Action::Edit(e) => views::edit::act(self, e),
            Action::Quit => self.quit = true,
            Action::Help => self.help = Some(0),
            Action::Back => self.back(),
            Action::Up => self.move_cursor(-1),
            Action::Down => self.move_cursor(1),
            Action::PageUp => self.move_cursor(-(self.page() as i64)),
            Action::PageDown => self.move_cursor(self.page() as i64),
            Action::Top => self.move_cursor(i64::MIN / 2),
            Action::Bottom => self.move_cursor(i64::MAX / 2),
            Action::Left => self.left(),
            Action::Right => self.right(),
            Action::NextView => self.go_view((self.view + 1) % VIEWS.len()),
            Action::PrevView => self.go_view((self.view + VIEWS.len() - 1) % VIEWS.len()),
            Action::GoView(i) => self.go_view(i),
            Action::Search => {
                self.search.typing = true;
                self.search.query.clear();
                self.go_view(V_REGISTERS);
                self.status = "Search: type a field name or meaning, Enter keeps the filter, Esc cancels".into();
            }
            Action::NextMatch => self.next_match(),
            Action::Expand => self.expand(),
            Action::ExpandAll => {
                let n = self.host().map(|h| h.decoded.len()).unwrap_or(0);
                if self.regs.expanded.len() == n {
                    self.regs.expanded.clear();
                } else {
                    self.regs.expanded = (0..n).collect();
                }
            }
            Action::Copy => self.copy(),
            Action::ToggleTheme => {
                self.theme = self.theme.toggled();
                self.status = format!("Theme: {}", format!("{:?}", self.theme.name).to_lowercase());
            }
            Action::NextProfile => {
                self.fwd_profile = (self.fwd_profile + 1) % views::forwarding::PROFILES.len();
                self.status = format!("VMM profile: {}", views::forwarding::PROFILES[self.fwd_profile]);
            }
            Action::NextClassFilter => {
                self.fwd_class = (self.fwd_class + 1) % (views::forwarding::CLASSES.len() + 1);
                self.fwd_table.select(Some(0));
            }
            Action::NextKernel => {
                let n = smmu_core::linux::TABLES.len().max(1);
                self.probe_kernel = (self.probe_kernel + 1) % n;
                if let Some(t) = smmu_core::linux::TABLES.get(self.probe_kernel) {
                    self.status = format!("Overview: Linux {}'s probe", t.name());
                }
            }
            Action::ToggleCap => {
                self.fwd_caps = (self.fwd_caps + 1) % views::forwarding::CAP_SETS.len();
                self.status = format!("Kernel capabilities: {}", views::forwarding::CAP_SETS[self.fwd_caps].0);
            }
            Action::EditWalk => {
                self.walk.editing = Some(0);
                self.status = "Walk inputs: type, Tab for the next input, Enter runs, Esc cancels".into();
            }
            Action::Reload => match self.reload.load(&self.data) {
                None => self.status = "Nothing to re-read: this data is built in".into(),
                Some(Err(e)) => self.status = format!("Reload failed: {e}"),
                Some(Ok(d)) => {
                    let n = d.hosts.len();
                    self.data = d;
                    self.host = self.host.min(n.saturating_sub(1));
                    if self.host().is_some_and(|h| h.snapshot.is_some()) {
                        let step = self.walk.step;
                        self.run_walk();
                        self.walk.step = step.min(views::walk::step_count(&self.walk));
                    }
                    self.status = format!("Re-read {n} host(s)");
                }
            },
            Action::DetailDown => self.detail_scroll = self.detail_scroll.saturating_add(3).min(400),
            Action::DetailUp => self.detail_scroll = self.detail_scroll.saturating_sub(3),
            Action::NextWalk => {
                let walks = self.host().map(|h| h.walks.clone()).unwrap_or_default();
                if walks.is_empty() {
                    self.status = "No suggested walks: this input is not a scenario".into();
                } else {
                    self.walk.suggestion = (self.walk.suggestion + 1) % walks.len();
                    let w = &walks[self.walk.suggestion];
                    self.walk.inputs = w.inputs.clone();
                    self.walk.unpriv = w.unpriv;
                    self.run_walk();
                    self.status =
                        format!("Scenario walk {}/{}: expect {}", self.walk.suggestion + 1, walks.len(), w.expect);
                }
            }
            Action::TogglePriv => {
                self.walk.unpriv = !self.walk.unpriv;
                self.run_walk();
            }
            Action::StepBack => self.walk.step = self.walk.step.saturating_sub(1),
            Action::StepForward => {
                let n = views::walk::step_count(&self.walk);
                if self.walk.step < n {
                    self.walk.step += 1;
                }
            }
            Action::NextPane => {
                if let Some(i) = self.walk.editing {
                    self.walk.editing = Some((i + 1) % self.walk.inputs.len());
                } else {
                    self.queues_pane = (self.queues_pane + 1) % 3;
                    self.queues.select(Some(0));
                }
            }
            Action::Accept => {
                if self.search.typing {
                    self.search.typing = false;
                    self.after_search_change();
                } else if self.walk.editing.is_some() {
                    self.walk.editing = None;
                    self.run_walk();
                }
            }
            Action::Cancel => {
                if self.search.typing {
                    self.clear_search();
                } else {
                    self.walk.editing = None;
                }
            }
            Action::ClearInput => {
                if self.search.typing {
                    self.search.query.clear();
                    self.after_search_change();
                } else if let Some(i) = self.walk.editing {
                    if let Some(s) = self.walk.inputs.get_mut(i) {
                        s.clear();
                    }
                }
            }
            Action::DeleteChar => {
                if self.search.typing {
                    self.search.query.pop();
                    self.after_search_change();
                } else if let Some(i) = self.walk.editing {
                    if let Some(s) = self.walk.inputs.get_mut(i) {
                        s.pop();
                    }
                }
            }
        }
    }

    /// Ends the search, staying on the field it found (its register expanded).
    fn clear_search(&mut self) {
        let focused = self.focused_reg_row();
        self.search = Search::default();
        self.status.clear();
        match focused {
            Some(RegRow::Field(r, f)) => {
                self.regs.expanded.insert(r);
                self.select_reg_row(RegRow::Field(r, f));
            }
            Some(row) => self.select_reg_row(row),
            None => self.regs.list.select(Some(0)),
        }
    }

    fn run_walk(&mut self) {
        let r = match self.host() {
            Some(h) => super::data::run_walk(h, &self.walk.inputs, self.walk.unpriv),
            None => Err("no host loaded".into()),
        };
        self.walk.step = match &r {
            Ok(v) => v.get("steps").and_then(|s| s.as_array()).map(|a| a.len()).unwrap_or(0),
            Err(_) => 0,
        };
        self.walk.result = Some(r);
    }

    fn back(&mut self) {
        if self.help.is_some() {
            self.help = None;
        } else if self.search.active() {
            self.clear_search();
        } else if self.view == V_REGISTERS && !self.regs.expanded.is_empty() {
            // Collapse the register holding the cursor (or everything).
            if let Some(RegRow::Field(r, _)) = self.focused_reg_row() {
                self.regs.expanded.remove(&r);
                self.select_reg_row(RegRow::Register(r));
            } else {
                self.regs.expanded.clear();
            }
        } else if self.view != V_OVERVIEW {
            self.view = V_OVERVIEW;
        }
    }

    pub fn go_view(&mut self, i: usize) {
        if i < VIEWS.len() {
            self.detail_scroll = 0;
            if i == V_STREAMS && self.view != V_STREAMS {
                self.focus_walk_stream();
            }
            self.view = i;
        }
    }

    /// Streams view: focus the StreamID of the walk inputs, so the walk and its STE meet.
    fn focus_walk_stream(&mut self) {
        let Ok(sid) = crate::common::parse_num(&self.walk.inputs[0]) else { return };
        let Some(h) = self.host() else { return };
        if let Ok((rows, _)) = super::data::streams(h) {
            if let Some(i) = rows.iter().position(|r| r.sid as u64 == sid) {
                self.streams.select(Some(i));
            }
        }
    }

    fn page(&self) -> usize {
        (self.hit.list.height as usize).saturating_sub(1).max(1)
    }

    /// Moves the current view's cursor by `d` rows, clamped.
    pub fn move_cursor(&mut self, d: i64) {
        if let Some(h) = self.help.as_mut() {
            *h = (*h as i64 + d).clamp(0, 500) as u16;
            return;
        }
        self.detail_scroll = 0;
        let len = self.row_count();
        let clamp = |cur: Option<usize>| -> Option<usize> {
            if len == 0 {
                return None;
            }
            let c = cur.unwrap_or(0) as i64;
            Some((c.saturating_add(d)).clamp(0, len as i64 - 1) as usize)
        };
        match self.view {
            V_OVERVIEW => {
                let off = (self.overview.offset() as i64 + d).clamp(0, len.saturating_sub(1) as i64) as usize;
                *self.overview.offset_mut() = off;
            }
            V_REGISTERS => {
                let s = clamp(self.regs.list.selected());
                self.regs.list.select(s);
            }
            V_FORWARDING => {
                let s = clamp(self.fwd_table.selected());
                self.fwd_table.select(s);
            }
            V_STREAMS => {
                let s = clamp(self.streams.selected());
                self.streams.select(s);
            }
            V_WALK => {
                let n = views::walk::step_count(&self.walk) as i64;
                self.walk.step = (self.walk.step as i64).saturating_add(d).clamp(0, n) as usize;
            }
            V_QUEUES => {
                let s = clamp(self.queues.selected());
                self.queues.select(s);
            }
            V_DIFF => {
                let s = clamp(self.diff.selected());
                self.diff.select(s);
            }
            _ => {}
        }
    }

    /// Rows in the current view's list (for clamping and paging).
    pub fn row_count(&self) -> usize {
        match self.view {
            V_OVERVIEW => views::overview::lines(self).len(),
            V_REGISTERS => self.reg_rows().len(),
            V_FORWARDING => views::forwarding::row_count(self),
            V_STREAMS => views::streams::row_count(self),
            V_QUEUES => views::queues::row_count(self),
            V_DIFF => views::diff::rows(self).len(),
            _ => 0,
        }
    }

    fn left(&mut self) {
        if self.view == V_REGISTERS {
            match self.focused_reg_row() {
                Some(RegRow::Field(r, _)) => {
                    self.select_reg_row(RegRow::Register(r));
                }
                Some(RegRow::Register(r)) => {
                    self.regs.expanded.remove(&r);
                }
                None => {}
            }
        } else if self.view != V_WALK {
            self.cycle_host(-1);
        }
    }

    fn right(&mut self) {
        if self.view == V_REGISTERS {
            if let Some(RegRow::Register(r)) = self.focused_reg_row() {
                if !self.regs.expanded.insert(r) {
                    self.move_cursor(1);
                }
            }
        } else if self.view != V_WALK {
            self.cycle_host(1);
        }
    }

    fn cycle_host(&mut self, d: i64) {
        let n = self.data.hosts.len();
        if n > 1 {
            self.host = ((self.host as i64 + d).rem_euclid(n as i64)) as usize;
            self.status = format!("Host: {}", self.data.hosts[self.host].name);
        }
    }

    fn expand(&mut self) {
        match self.view {
            V_REGISTERS => {
                if let Some(RegRow::Register(r)) = self.focused_reg_row() {
                    if !self.regs.expanded.remove(&r) {
                        self.regs.expanded.insert(r);
                    }
                }
            }
            V_WALK => self.act(Action::EditWalk),
            V_STREAMS => self.streams_cds = !self.streams_cds,
            _ => {}
        }
    }

    fn next_match(&mut self) {
        if !self.search.active() {
            self.status = "No search: press / to search fields".into();
            return;
        }
        self.view = V_REGISTERS;
        let rows = self.reg_rows();
        let cur = self.regs.list.selected().unwrap_or(0);
        let next = rows
            .iter()
            .enumerate()
            .skip(cur + 1)
            .chain(rows.iter().enumerate().take(cur + 1))
            .find(|(_, r)| matches!(r, RegRow::Field(..)))
            .map(|(i, _)| i);
        self.regs.list.select(next.or(Some(0)));
    }

    /// The register tree as shown: registers, and fields of expanded registers. While a
    /// search is active only matching fields (and their registers) are listed.
    pub fn reg_rows(&self) -> Vec<RegRow> {
        let mut rows = Vec::new();
        let Some(h) = self.host() else { return rows };
        for (ri, r) in h.decoded.iter().enumerate() {
            if self.search.active() {
                let hits: Vec<usize> = r
                    .fields
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| {
                        self.search.matches(&[f.name, &f.meaning, f.desc]) || self.search.matches(&[r.name])
                    })
                    .map(|(i, _)| i)
                    .collect();
                if !hits.is_empty() {
                    rows.push(RegRow::Register(ri));
                    rows.extend(hits.into_iter().map(|fi| RegRow::Field(ri, fi)));
                }
            } else {
                rows.push(RegRow::Register(ri));
                if self.regs.expanded.contains(&ri) {
                    rows.extend((0..r.fields.len()).map(|fi| RegRow::Field(ri, fi)));
                }
            }
        }
        rows
    }

    pub fn focused_reg_row(&self) -> Option<RegRow> {
        let rows = self.reg_rows();
        self.regs.list.selected().and_then(|i| rows.get(i).copied())
    }

    fn select_reg_row(&mut self, row: RegRow) {
        let rows = self.reg_rows();
        if let Some(i) = rows.iter().position(|r| *r == row) {
            self.regs.list.select(Some(i));
        }
    }

    /// Focuses a register field by name (used by tests and `/`).
    pub fn focus_field(&mut self, reg: &str, field: &str) -> bool {
        let Some(h) = self.host() else { return false };
        let Some(ri) = h.decoded.iter().position(|r| r.name.eq_ignore_ascii_case(reg)) else { return false };
        let Some(fi) = h.decoded[ri].fields.iter().position(|f| f.name.eq_ignore_ascii_case(field)) else {
            return false;
        };
        self.view = V_REGISTERS;
        self.regs.expanded.insert(ri);
        self.select_reg_row(RegRow::Field(ri, fi));
        true
    }

    /// `y`: the focused item as plain text, sent to the terminal's clipboard with OSC 52
    /// and remembered so it can be printed on exit.
    fn copy(&mut self) {
        let text = views::focused_text(self);
        match text {
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
        if self.search.typing || self.walk.editing.is_some() || self.edit.typing() {
            for c in text.chars().filter(|c| !c.is_control()) {
                self.type_char(c);
            }
            return true;
        }
        // Terminals (and tmux) send pasted line breaks as CR.
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        match super::data::Host::from_bytes("pasted", text.as_bytes(), super::data::SourceKind::File) {
            Ok(mut h) if !h.registers.is_empty() => {
                let n = self.data.hosts.len() + 1;
                h.name = format!("pasted-{n}");
                h.description = format!("pasted text ({})", h.format);
                self.data.hosts.push(h);
                self.data.pool = std::cell::OnceCell::new();
                self.host = n - 1;
                self.status = format!("Pasted register dump added as host {n}; 7 compares the hosts");
            }
            Ok(h) if h.klog.is_some() => {
                let t = h.klog.clone().unwrap_or_default();
                match self.data.hosts.get_mut(self.host) {
                    Some(cur) => cur.set_klog(t),
                    None => self.data.hosts.push(h),
                }
                self.view = V_QUEUES;
                self.queues_pane = 2;
                self.queues.select(Some(0));
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
                    self.go_view(i);
                    return true;
                }
                let l = self.hit.list;
                if contains(l, ev.column, ev.row) && self.help.is_none() {
                    let offset = match self.view {
                        V_REGISTERS => self.regs.list.offset(),
                        V_FORWARDING => self.fwd_table.offset(),
                        V_STREAMS => self.streams.offset(),
                        V_QUEUES => self.queues.offset(),
                        V_DIFF => self.diff.offset(),
                        _ => return false,
                    };
                    let row = offset + (ev.row - l.y) as usize;
                    if row < self.row_count() {
                        match self.view {
                            V_REGISTERS => {
                                let was = self.regs.list.selected() == Some(row);
                                self.regs.list.select(Some(row));
                                if was {
                                    self.expand();
                                }
                            }
                            V_FORWARDING => self.fwd_table.select(Some(row)),
                            V_STREAMS => self.streams.select(Some(row)),
                            V_QUEUES => self.queues.select(Some(row)),
                            V_DIFF => self.diff.select(Some(row)),
                            _ => {}
                        }
                        return true;
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
