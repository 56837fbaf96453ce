//! The views' common ground: which view ([`ViewId`]), the read-only [`Model`] every view
//! draws from, and the [`View`] trait each view's state implements. Views depend on this
//! module only, never on the app, so the app owns the views and nothing points back.

use super::data::{Dataset, Host};
use super::keymap::{Action, Context};
use super::theme::Theme;
use ratatui::layout::Rect;
use ratatui::Frame;

/// The views, in tab order (number keys 1-8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ViewId {
    Overview,
    Registers,
    Forwarding,
    Streams,
    Walk,
    Queues,
    Diff,
    Edit,
}

impl ViewId {
    pub const ALL: [ViewId; 8] = [
        ViewId::Overview,
        ViewId::Registers,
        ViewId::Forwarding,
        ViewId::Streams,
        ViewId::Walk,
        ViewId::Queues,
        ViewId::Diff,
        ViewId::Edit,
    ];
    /// Position in the tab bar (0-based; the number key is one more).
    pub fn index(self) -> usize {
        ViewId::ALL.iter().position(|v| *v == self).unwrap_or(0)
    }
    pub fn from_index(i: usize) -> Option<ViewId> {
        ViewId::ALL.get(i).copied()
    }
    pub fn title(self) -> &'static str {
        match self {
            ViewId::Overview => "Overview",
            ViewId::Registers => "Registers",
            ViewId::Forwarding => "Forwarding",
            ViewId::Streams => "Streams",
            ViewId::Walk => "Walk",
            ViewId::Queues => "Queues & log",
            ViewId::Diff => "Diff",
            ViewId::Edit => "Edit",
        }
    }
    /// The tab label (all eight fit in 80 columns).
    pub fn tab_label(self) -> &'static str {
        match self {
            ViewId::Queues => "Queues/log",
            other => other.title(),
        }
    }
    /// The keymap context of the view's own keys.
    pub fn context(self) -> Context {
        match self {
            ViewId::Overview => Context::Overview,
            ViewId::Registers => Context::Registers,
            ViewId::Forwarding => Context::Forwarding,
            ViewId::Streams => Context::Streams,
            ViewId::Walk => Context::Walk,
            ViewId::Queues => Context::Queues,
            ViewId::Diff => Context::Diff,
            ViewId::Edit => Context::Edit,
        }
    }
    pub fn next(self) -> ViewId {
        ViewId::ALL[(self.index() + 1) % ViewId::ALL.len()]
    }
    pub fn prev(self) -> ViewId {
        ViewId::ALL[(self.index() + ViewId::ALL.len() - 1) % ViewId::ALL.len()]
    }
}

/// The `/` filter, applied by the current view to its own rows.
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

/// What every view reads and none changes: the data, the host shown, the theme, the filter,
/// the detail pane's scroll.
pub struct Model {
    pub data: Dataset,
    /// The host the single-host views show.
    pub host: usize,
    pub theme: Theme,
    pub search: Search,
    /// Scroll offset of the detail pane (reset when the focus moves).
    pub detail_scroll: u16,
    /// The detail pane has the focus (`]`/`[` scrolled it); moving the cursor gives it back
    /// to the list.
    pub detail_focus: bool,
}

impl Model {
    pub fn host(&self) -> Option<&Host> {
        self.data.hosts.get(self.host)
    }
}

/// What a view asks of the app after handling an action.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reply {
    /// A new status bar message (None: clear it).
    pub status: Option<String>,
    /// Switch to this view.
    pub go: Option<ViewId>,
}

impl Reply {
    pub fn status(s: impl Into<String>) -> Reply {
        Reply { status: Some(s.into()), go: None }
    }
    pub fn none() -> Reply {
        Reply::default()
    }
}

/// One view: its own state (cursor, toggles, inputs) over the read-only [`Model`].
pub trait View {
    fn id(&self) -> ViewId;
    /// Draws the view; returns the body of its list (inside the border) for mouse clicks,
    /// or an empty rectangle.
    fn draw(&mut self, f: &mut Frame, m: &Model, area: Rect) -> Rect;
    /// Rows of the view's list (after the `/` filter).
    fn rows(&self, _m: &Model) -> usize {
        0
    }
    /// Moves the cursor `d` rows, clamped to the list.
    fn move_cursor(&mut self, _m: &Model, _d: i64) {}
    /// The first row shown (for mouse clicks).
    fn offset(&self) -> usize {
        0
    }
    /// A click on row `row` of the list (already offset). True when something changed.
    fn click(&mut self, _m: &Model, _row: usize) -> bool {
        false
    }
    /// Handles an action bound in the view's context (or a global one it refines). None:
    /// not handled, the app's default applies.
    fn act(&mut self, _m: &Model, _a: Action) -> Option<Reply> {
        None
    }
    /// The `/` filter changed: put the cursor on the first match.
    fn filter_changed(&mut self, _m: &Model) {
        self.move_cursor(_m, i64::MIN / 2);
    }
    /// The focused item as plain text, for `y`.
    fn focused_text(&self, m: &Model) -> Option<String>;
    /// True while the view takes typed characters (an input field).
    fn typing(&self) -> bool {
        false
    }
    fn type_char(&mut self, _m: &Model, _c: char) {}
}

/// Moves a list cursor by `d` within `len` rows.
pub fn clamp_cursor(cur: Option<usize>, d: i64, len: usize) -> Option<usize> {
    if len == 0 {
        return None;
    }
    let c = cur.unwrap_or(0) as i64;
    Some(c.saturating_add(d).clamp(0, len as i64 - 1) as usize)
}
