//! The keymap: one table of (keys, context, action, help). Key handling and the `?` help
//! screen are both generated from it, so every key is documented.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Which part of the UI a binding applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Everywhere (unless a more specific binding takes the key).
    Global,
    Overview,
    Registers,
    Forwarding,
    Streams,
    Walk,
    Queues,
    Diff,
    /// The Edit view (build a structure field by field).
    Edit,
    /// Typing a search or a walk input.
    TextInput,
    Help,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Overview => "Overview",
            Context::Registers => "Registers",
            Context::Forwarding => "Forwarding",
            Context::Streams => "Streams",
            Context::Walk => "Walk",
            Context::Queues => "Queues & log",
            Context::Diff => "Diff",
            Context::Edit => "Edit",
            Context::TextInput => "Typing (filter, walk inputs, edit values)",
            Context::Help => "Help screen",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    Back,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextView,
    PrevView,
    GoView(crate::explorer::view::ViewId),
    Search,
    NextMatch,
    Expand,
    ExpandAll,
    Copy,
    ToggleTheme,
    NextProfile,
    NextClassFilter,
    ToggleCap,
    /// Overview: the next modelled Linux kernel for the "Linux VER would print" line.
    NextKernel,
    EditWalk,
    StepBack,
    StepForward,
    TogglePriv,
    NextWalk,
    DetailDown,
    DetailUp,
    Reload,
    NextPane,
    // Text input
    Accept,
    Cancel,
    DeleteChar,
    ClearInput,
    /// An Edit view action.
    Edit(crate::explorer::views::edit::EditAction),
}

/// A key as the table spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Code(KeyCode),
    BackTab,
}

impl Key {
    pub fn matches(self, ev: &KeyEvent) -> bool {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        match self {
            Key::Char(c) => !ctrl && ev.code == KeyCode::Char(c),
            Key::Ctrl(c) => ctrl && ev.code == KeyCode::Char(c),
            Key::Code(code) => ev.code == code,
            Key::BackTab => ev.code == KeyCode::BackTab,
        }
    }
    /// The label in the footer: arrows as arrows.
    pub fn short_label(self) -> String {
        match self {
            Key::Code(KeyCode::Left) => "←".into(),
            Key::Code(KeyCode::Right) => "→".into(),
            Key::Code(KeyCode::Up) => "↑".into(),
            Key::Code(KeyCode::Down) => "↓".into(),
            other => other.label(),
        }
    }
    pub fn label(self) -> String {
        match self {
            Key::Char(' ') => "Space".into(),
            Key::Char(c) => c.to_string(),
            Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::BackTab => "Shift-Tab".into(),
            Key::Code(c) => match c {
                KeyCode::Up => "Up".into(),
                KeyCode::Down => "Down".into(),
                KeyCode::Left => "Left".into(),
                KeyCode::Right => "Right".into(),
                KeyCode::PageUp => "PgUp".into(),
                KeyCode::PageDown => "PgDn".into(),
                KeyCode::Home => "Home".into(),
                KeyCode::End => "End".into(),
                KeyCode::Enter => "Enter".into(),
                KeyCode::Esc => "Esc".into(),
                KeyCode::Tab => "Tab".into(),
                KeyCode::Backspace => "Backspace".into(),
                other => format!("{other:?}"),
            },
        }
    }
}

pub struct Binding {
    pub keys: &'static [Key],
    pub context: Context,
    pub action: Action,
    pub help: &'static str,
    /// The footer's word for the binding (empty: not in the footer).
    pub short: &'static str,
}

use crate::explorer::view::ViewId as V;
use crate::explorer::views::edit::EditAction as E;
use Action as A;
use Context as C;
use Key::*;

const fn b(keys: &'static [Key], context: Context, action: Action, help: &'static str) -> Binding {
    Binding { keys, context, action, help, short: "" }
}

/// A binding also shown in the footer of its context, as `keys:short`.
const fn f(keys: &'static [Key], context: Context, action: Action, short: &'static str, help: &'static str) -> Binding {
    Binding { keys, context, action, help, short }
}

/// Every binding. Context-specific bindings are listed before global ones and win.
pub static KEYMAP: &[Binding] = &[
    f(&[Code(KeyCode::Enter)], C::TextInput, A::Accept, "done", "finish typing (filter: keep it; walk: run)"),
    f(&[Code(KeyCode::Esc)], C::TextInput, A::Cancel, "cancel", "cancel typing"),
    b(&[Code(KeyCode::Backspace)], C::TextInput, A::DeleteChar, "delete the last character"),
    b(&[Ctrl('u')], C::TextInput, A::ClearInput, "clear the input"),
    b(
        &[Code(KeyCode::Tab)],
        C::TextInput,
        A::NextPane,
        "walk inputs: next input field; Edit: set the value, go to the next field",
    ),
    f(&[Code(KeyCode::Esc), Char('?'), Char('q')], C::Help, A::Back, "close", "close the help"),
    b(&[Code(KeyCode::Up), Char('k')], C::Help, A::Up, "scroll the help"),
    b(&[Code(KeyCode::Down), Char('j')], C::Help, A::Down, "scroll the help"),
    f(&[Code(KeyCode::Enter), Char(' ')], C::Registers, A::Expand, "expand", "expand or collapse the register"),
    f(&[Char('E')], C::Registers, A::ExpandAll, "all", "expand or collapse every register"),
    f(
        &[Char('p')],
        C::Forwarding,
        A::NextProfile,
        "VMM",
        "next VMM profile (strict, qemu-accel, cloud-hypervisor, openvmm)",
    ),
    f(&[Char('f')], C::Forwarding, A::NextClassFilter, "class", "filter by class (all, then each class in turn)"),
    f(&[Char('c')], C::Forwarding, A::ToggleCap, "caps", "cycle the kernel capabilities assumed"),
    b(&[Code(KeyCode::Left), Char('h')], C::Forwarding, A::Left, "previous host (when several are loaded)"),
    b(&[Code(KeyCode::Right), Char('l')], C::Forwarding, A::Right, "next host (when several are loaded)"),
    f(
        &[Code(KeyCode::Left), Char('h')],
        C::Diff,
        A::Left,
        "host",
        "focus the previous host's column (Forwarding and Overview follow it)",
    ),
    f(
        &[Code(KeyCode::Right), Char('l')],
        C::Diff,
        A::Right,
        "host",
        "focus the next host's column (Forwarding and Overview follow it)",
    ),
    f(&[Code(KeyCode::Enter)], C::Streams, A::Expand, "STE/CDs", "show the focused stream's CDs (again: its STE)"),
    f(
        &[Char('e'), Code(KeyCode::Enter)],
        C::Walk,
        A::EditWalk,
        "edit",
        "edit SID/SSID/IOVA/access, Enter runs the walk",
    ),
    f(&[Code(KeyCode::Left), Char('h')], C::Walk, A::StepBack, "back", "step back one descriptor read"),
    f(&[Code(KeyCode::Right), Char('l')], C::Walk, A::StepForward, "step", "step forward one descriptor read"),
    f(&[Char('u')], C::Walk, A::TogglePriv, "priv", "toggle privileged/unprivileged (PnU) and rerun the walk"),
    f(&[Char('s')], C::Walk, A::NextWalk, "walk", "next walk suggested by the scenario (with what the spec expects)"),
    f(
        &[Char('w')],
        C::Queues,
        A::NextPane,
        "cmdq/evtq/log",
        "switch between command queue, event queue and kernel log",
    ),
    f(&[Char('e')], C::Streams, A::Edit(E::FromStream), "edit", "edit the focused STE field by field (Edit view)"),
    b(&[Code(KeyCode::Up), Char('k')], C::Edit, A::Edit(E::Up), "previous field"),
    b(&[Code(KeyCode::Down), Char('j')], C::Edit, A::Edit(E::Down), "next field"),
    b(&[Code(KeyCode::Home), Char('g')], C::Edit, A::Edit(E::Top), "first field"),
    b(&[Code(KeyCode::End), Char('G')], C::Edit, A::Edit(E::Bottom), "last field"),
    b(
        &[Code(KeyCode::Left), Char('h')],
        C::Edit,
        A::Edit(E::Prev),
        "previous encoding or value of the field (Opcode/Type: previous command/event)",
    ),
    b(
        &[Code(KeyCode::Right), Char('l')],
        C::Edit,
        A::Edit(E::Next),
        "next encoding or value of the field (Opcode/Type: next command/event)",
    ),
    f(
        &[Code(KeyCode::Enter), Char('e')],
        C::Edit,
        A::Edit(E::Type),
        "type",
        "type a value for the field: number, address or encoding name",
    ),
    f(&[Char('w')], C::Edit, A::Edit(E::TypeWords), "words", "type or paste the words, to decode and edit them"),
    f(
        &[Char('s')],
        C::Edit,
        A::Edit(E::NextKind),
        "kind",
        "next kind: STE, CD, L1STD, L1CD, command, event, S1/S2 descriptor",
    ),
    b(&[Char('S')], C::Edit, A::Edit(E::PrevKind), "previous kind"),
    f(&[Char('o')], C::Edit, A::Edit(E::NextName), "opcode", "next command opcode or event type"),
    b(&[Char('O')], C::Edit, A::Edit(E::PrevName), "previous command opcode or event type"),
    b(&[Char('x')], C::Edit, A::Edit(E::Clear), "set the field to 0"),
    b(&[Char('X')], C::Edit, A::Edit(E::ClearAll), "start over: every field 0"),
    b(&[Char('?')], C::Global, A::Help, "show this help"),
    b(&[Char('q'), Ctrl('c')], C::Global, A::Quit, "quit"),
    b(&[Code(KeyCode::Esc)], C::Global, A::Back, "back out: clear the filter, collapse, close"),
    b(&[Code(KeyCode::Tab)], C::Global, A::NextView, "next view"),
    b(&[BackTab], C::Global, A::PrevView, "previous view"),
    f(&[Char('K')], C::Overview, A::NextKernel, "kernel", "next kernel for the 'Linux VER would print' line"),
    b(&[Char('1')], C::Global, A::GoView(V::Overview), "Overview: which SMMU, where the data came from, warnings"),
    b(&[Char('2')], C::Global, A::GoView(V::Registers), "Registers: register -> fields, meanings, encodings"),
    b(&[Char('3')], C::Global, A::GoView(V::Forwarding), "Forwarding: what a VMM may offer a guest, and why"),
    b(&[Char('4')], C::Global, A::GoView(V::Streams), "Streams: stream table, STE decode, CDs"),
    b(&[Char('5')], C::Global, A::GoView(V::Walk), "Walk: step through a translation"),
    b(&[Char('6')], C::Global, A::GoView(V::Queues), "Queues & log: command/event queues, kernel log"),
    b(&[Char('7')], C::Global, A::GoView(V::Diff), "Diff: two or more hosts side by side"),
    b(
        &[Char('8')],
        C::Global,
        A::GoView(V::Edit),
        "Edit: build or change an STE, CD, command, event or descriptor field by field",
    ),
    b(&[Code(KeyCode::Up), Char('k')], C::Global, A::Up, "move up"),
    b(&[Code(KeyCode::Down), Char('j')], C::Global, A::Down, "move down"),
    b(
        &[Code(KeyCode::Left), Char('h')],
        C::Global,
        A::Left,
        "collapse (Registers); previous host when several are loaded",
    ),
    b(&[Code(KeyCode::Right), Char('l')], C::Global, A::Right, "expand (Registers); next host when several are loaded"),
    b(&[Code(KeyCode::PageUp)], C::Global, A::PageUp, "page up"),
    b(&[Code(KeyCode::PageDown)], C::Global, A::PageDown, "page down"),
    b(&[Code(KeyCode::Home), Char('g')], C::Global, A::Top, "go to the first row"),
    b(&[Code(KeyCode::End), Char('G')], C::Global, A::Bottom, "go to the last row"),
    b(&[Char(']')], C::Global, A::DetailDown, "scroll the detail pane (right/bottom) down"),
    b(&[Char('[')], C::Global, A::DetailUp, "scroll the detail pane up"),
    b(&[Char('/')], C::Global, A::Search, "filter the current view (fields, streams, verdicts, entries, lines)"),
    b(&[Char('n')], C::Global, A::NextMatch, "Registers: next field matching the filter"),
    b(&[Code(KeyCode::Enter)], C::Global, A::Expand, "expand the focused item"),
    b(&[Char('y')], C::Global, A::Copy, "copy the focused item as text (OSC 52; also printed on exit)"),
    b(&[Char('t')], C::Global, A::ToggleTheme, "switch light/dark theme"),
    b(&[Char('r')], C::Global, A::Reload, "re-read the data (the live host's queues, events, GERROR; or the files)"),
];

/// The action for a key in a context: context bindings first, then global ones (except
/// in modal contexts, which take only their own keys).
pub fn resolve(ctx: Context, ev: &KeyEvent) -> Option<Action> {
    let own = KEYMAP.iter().find(|bd| bd.context == ctx && bd.keys.iter().any(|k| k.matches(ev))).map(|bd| bd.action);
    if own.is_some() {
        return own;
    }
    match ctx {
        C::TextInput => {
            if Ctrl('c').matches(ev) {
                Some(A::Quit)
            } else {
                None
            }
        }
        C::Help => {
            if Ctrl('c').matches(ev) {
                Some(A::Quit)
            } else {
                None
            }
        }
        _ => KEYMAP
            .iter()
            .find(|bd| bd.context == C::Global && bd.keys.iter().any(|k| k.matches(ev)))
            .map(|bd| bd.action),
    }
}

/// The keys of a binding as the help shows them (`Up/k`).
pub fn keys_label(bd: &Binding) -> String {
    bd.keys.iter().map(|k| k.label()).collect::<Vec<_>>().join("/")
}

/// The help text, grouped by context, one line per binding.
pub fn help_lines() -> Vec<(Context, String, &'static str)> {
    let order = [
        C::Global,
        C::Overview,
        C::Registers,
        C::Forwarding,
        C::Streams,
        C::Walk,
        C::Queues,
        C::Diff,
        C::Edit,
        C::TextInput,
        C::Help,
    ];
    let mut out = Vec::new();
    for ctx in order {
        for bd in KEYMAP.iter().filter(|bd| bd.context == ctx) {
            out.push((ctx, keys_label(bd), bd.help));
        }
    }
    out
}

/// The keymap as plain text (`smmu tui --keys`), grouped by context.
pub fn help_text() -> String {
    let mut out = String::new();
    let mut last = None;
    for (ctx, keys, help) in help_lines() {
        if last != Some(ctx) {
            if last.is_some() {
                out.push('\n');
            }
            out.push_str(ctx.title());
            out.push('\n');
            last = Some(ctx);
        }
        out.push_str(&format!("  {keys:<18} {help}\n"));
    }
    out
}

/// The footer for a context: its own keys with a footer word, as `keys:word` pairs.
pub fn footer(ctx: Context) -> Vec<(String, &'static str)> {
    KEYMAP
        .iter()
        .filter(|bd| bd.context == ctx && !bd.short.is_empty())
        .map(|bd| (bd.keys.iter().take(1).map(|k| k.short_label()).collect::<String>(), bd.short))
        .collect()
}

/// The help screen's first row for a context (its heading), so the help opens at the
/// current view's keys.
pub fn help_row(ctx: Context) -> u16 {
    let mut row = 0u16;
    let mut last = None;
    for (c, _, _) in help_lines() {
        if last != Some(c) {
            if c == ctx {
                return row;
            }
            row = row.saturating_add(1);
            last = Some(c);
        }
        row = row.saturating_add(1);
    }
    0
}
