//! 8 Edit: build or change an STE, CD, L1STD, L1CD, command, event record or descriptor
//! field by field. Pick the kind (`s`, and `o` for the opcode or event), move between fields,
//! type a value (a number, an address or an encoding name) or step through the encodings
//! with Left/Right; the words, each field's meaning and the legality follow. Everything comes
//! from smmu-core's encoder ([`smmu_core::encode`]): no bit position is known here.

use super::super::keymap::Action;
use super::super::view::{Model, Reply, View, ViewId};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use smmu_core::encode::{self, EncodeReport, Kind};
use smmu_core::model::FieldDef;
use smmu_core::regset::RegisterSet;

/// What the Edit view's keys do (bound in the keymap, context Edit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditAction {
    Up,
    Down,
    Top,
    Bottom,
    /// Previous encoding or value of the focused field.
    Prev,
    /// Next encoding or value of the focused field.
    Next,
    /// Type a value for the focused field.
    Type,
    /// Type (or paste) the words.
    TypeWords,
    NextKind,
    PrevKind,
    /// Next command opcode or event type.
    NextName,
    PrevName,
    /// The focused field to 0.
    Clear,
    /// Every field to 0.
    ClearAll,
    /// From the Streams view: edit the focused STE.
    FromStream,
}

/// What is being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Field(String),
    Words(String),
}

#[derive(Debug, Clone)]
pub struct EditState {
    pub kind: Kind,
    pub words: Vec<u64>,
    /// The focused field (index into the kind's layout).
    pub cursor: usize,
    pub input: Option<Input>,
    pub table: TableState,
}

impl Default for EditState {
    fn default() -> Self {
        let kind = Kind::Ste;
        EditState {
            kind,
            words: vec![0; kind.layout().words()],
            cursor: 0,
            input: None,
            table: TableState::default().with_selected(Some(0)),
        }
    }
}

impl EditState {
    pub fn typing(&self) -> bool {
        self.input.is_some()
    }
    fn field(&self) -> Option<&'static FieldDef> {
        self.kind.layout().fields.get(self.cursor)
    }
    fn set_kind(&mut self, kind: Kind) {
        self.kind = kind;
        self.words = kind.base_words().unwrap_or_else(|_| vec![0; kind.layout().words()]);
        self.cursor = self.cursor.min(kind.layout().fields.len().saturating_sub(1));
    }
}

/// What the Edit view's functions work on: its state, the read-only model, and the status
/// line to show afterwards.
struct Cx<'a> {
    edit: &'a mut EditState,
    m: &'a Model,
    status: String,
}

/// The SMMU's registers for the checks (none when the host has no registers).
fn regs(m: &Model) -> Option<&RegisterSet> {
    m.host().map(|h| &h.registers).filter(|r| !r.is_empty())
}

pub fn report(e: &EditState, m: &Model) -> EncodeReport {
    encode::report(e.kind, &e.words, regs(m))
}

fn categories() -> impl Iterator<Item = &'static str> {
    encode::CATEGORIES.iter().map(|(c, _)| *c)
}

fn cycle_kind(app: &mut Cx<'_>, d: i64) {
    let cats: Vec<&str> = categories().collect();
    let i = cats.iter().position(|c| *c == app.edit.kind.category()).unwrap_or(0) as i64;
    let next = cats.get((i + d).rem_euclid(cats.len() as i64) as usize).copied().unwrap_or("ste");
    match Kind::first_of(next) {
        Ok(k) => {
            app.edit.set_kind(k);
            app.edit.cursor = 0;
            app.status = format!("Encoding {k}: fields are 0; o/O picks the opcode or event");
        }
        Err(e) => app.status = e.to_string(),
    }
}

fn cycle_name(app: &mut Cx<'_>, d: i64) {
    let kinds = Kind::of_category(app.edit.kind.category());
    if kinds.len() < 2 {
        app.status = format!("{} has no opcodes or event types to choose from (s changes the kind)", app.edit.kind);
        return;
    }
    let i = kinds.iter().position(|k| *k == app.edit.kind).unwrap_or(0) as i64;
    if let Some(k) = kinds.get((i + d).rem_euclid(kinds.len() as i64) as usize) {
        app.edit.set_kind(*k);
        app.status = format!("Encoding {k}");
    }
}

fn set(app: &mut Cx<'_>, f: &'static FieldDef, value: u64) {
    match encode::set_value(app.edit.kind, &app.edit.words, f, value, regs(app.m)) {
        Ok(w) => {
            app.edit.words = w;
            app.status = format!("{} = {}: {}", f.name, encode::value_text(f, value), f.meaning(value));
        }
        Err(e) => app.status = e.to_string(),
    }
}

fn is_identity(kind: Kind, f: &FieldDef) -> bool {
    matches!(kind.identity(), Ok(Some((i, _))) if i.same(f))
}

/// Performs an Edit view action.
fn act(app: &mut Cx<'_>, a: EditAction) {
    let n = app.edit.kind.layout().fields.len();
    let e = &mut *app.edit;
    match a {
        EditAction::Up => e.cursor = e.cursor.saturating_sub(1),
        EditAction::Down => e.cursor = (e.cursor + 1).min(n.saturating_sub(1)),
        EditAction::Top => e.cursor = 0,
        EditAction::Bottom => e.cursor = n.saturating_sub(1),
        EditAction::Prev | EditAction::Next => {
            let d = if a == EditAction::Next { 1 } else { -1 };
            let Some(f) = e.field() else { return };
            if is_identity(e.kind, f) {
                cycle_name(app, d);
            } else {
                let v = encode::step_value(f, f.get(&e.words), d);
                set(app, f, v);
            }
        }
        EditAction::Type => {
            let Some(f) = e.field() else { return };
            if is_identity(e.kind, f) {
                app.status = format!("{} is fixed by the kind: o/O picks another", f.name);
                return;
            }
            e.input = Some(Input::Field(String::new()));
            let names = encode::accepted_names(f);
            app.status = if names.is_empty() {
                format!("{}: type a value (0x hex, 0b binary, decimal), Enter sets it, Esc cancels", f.name)
            } else {
                format!("{}: type a number or one of {}, Enter sets it, Esc cancels", f.name, names.join(", "))
            };
        }
        EditAction::TypeWords => {
            e.input = Some(Input::Words(String::new()));
            app.status = format!(
                "Type or paste the {} words of the {} (hex 0x or decimal), Enter decodes them",
                e.words.len(),
                e.kind.name()
            );
        }
        EditAction::NextKind => cycle_kind(app, 1),
        EditAction::PrevKind => cycle_kind(app, -1),
        EditAction::NextName => cycle_name(app, 1),
        EditAction::PrevName => cycle_name(app, -1),
        EditAction::Clear => {
            if let Some(f) = e.field().filter(|f| !is_identity(e.kind, f)) {
                set(app, f, 0);
            }
        }
        EditAction::ClearAll => {
            let k = e.kind;
            e.set_kind(k);
            app.status = format!("{k}: every field 0");
        }
        // The app hands the focused STE over (EditState::load_ste).
        EditAction::FromStream => {}
    }
}

fn parse_words(text: &str, want: usize) -> Result<Vec<u64>, String> {
    let toks: Vec<&str> = text.split(|c: char| c.is_whitespace() || c == ',').filter(|t| !t.is_empty()).collect();
    if toks.len() > want {
        return Err(format!("{} words given, this kind has {want}", toks.len()));
    }
    let mut w = toks
        .iter()
        .enumerate()
        .map(|(i, t)| crate::common::parse_num(t).map_err(|e| format!("word {i}: {e}")))
        .collect::<Result<Vec<u64>, String>>()?;
    w.resize(want, 0);
    Ok(w)
}

/// Typing keys while an input is open (Enter, Esc, Backspace, Ctrl-U, Tab).
fn act_text(app: &mut Cx<'_>, a: Action) {
    let Some(input) = app.edit.input.clone() else { return };
    match a {
        Action::Cancel => {
            app.edit.input = None;
            app.status.clear();
        }
        Action::DeleteChar | Action::ClearInput => {
            if let Some(Input::Field(s) | Input::Words(s)) = app.edit.input.as_mut() {
                if a == Action::ClearInput {
                    s.clear();
                } else {
                    s.pop();
                }
            }
        }
        Action::Accept | Action::NextPane => match input {
            Input::Field(text) => {
                let Some(f) = app.edit.field() else { return };
                match encode::assign(app.edit.kind, &app.edit.words, &[(f.name, &text)], regs(app.m)) {
                    Ok(w) => {
                        let v = f.get(&w);
                        app.edit.words = w;
                        app.edit.input = None;
                        app.status = format!("{} = {}: {}", f.name, encode::value_text(f, v), f.meaning(v));
                        if a == Action::NextPane {
                            act(app, EditAction::Down);
                        }
                    }
                    Err(e) => app.status = e.to_string(),
                }
            }
            Input::Words(text) => match parse_words(&text, app.edit.kind.layout().words()) {
                Ok(w) => {
                    let k = app.edit.kind.of_words(&w);
                    app.edit.kind = k;
                    app.edit.words = w;
                    app.edit.input = None;
                    app.status = format!("Decoded as {k}");
                }
                Err(e) => app.status = e,
            },
        },
        _ => {}
    }
}

fn type_char(e: &mut EditState, c: char) {
    if let Some(Input::Field(s) | Input::Words(s)) = e.input.as_mut() {
        s.push(c);
    }
}

fn verdict_lines(m: &Model, r: &EncodeReport, out: &mut Vec<Line<'static>>) {
    let t = m.theme;
    let v = &r.legality;
    if v.valid {
        out.push(Line::styled(format!("{}: valid, no rule broken", r.layout), t.good));
    } else {
        let ev = v.event.map(|e| format!(" ({e})")).unwrap_or_default();
        out.push(Line::styled(format!("{}: not valid{ev}", r.layout), t.bad));
    }
    for why in &v.reasons {
        out.push(Line::styled(format!("  ! {why}"), t.bad));
    }
    for p in r.problems.iter().filter(|p| !v.reasons.contains(p)) {
        out.push(Line::styled(format!("  ! {p}"), t.warn));
    }
    if !v.unchecked.is_empty() {
        out.push(Line::styled(format!("  (not checked, no ID registers: {})", v.unchecked.join(", ")), t.dim));
    }
    if let Some(g) = &v.guest_vste {
        let s = format!(
            "As a guest vSTE (iommufd nesting): {}: {}",
            if g.accepted { "accepted" } else { "rejected" },
            g.effect
        );
        out.push(Line::styled(s, if g.accepted { t.dim } else { t.warn }));
        for why in &g.reasons {
            out.push(Line::styled(format!("  - {why}"), t.warn));
        }
    }
    if let Some(g) = &v.iommufd {
        let s = format!("From a guest (iommufd): {}: {}", if g.accepted { "accepted" } else { "rejected" }, g.rewrite);
        out.push(Line::styled(s, t.dim));
    }
}

fn detail_lines(e: &EditState, m: &Model, r: &EncodeReport) -> Vec<Line<'static>> {
    let t = m.theme;
    let mut out = Vec::new();
    if let Some(f) = e.field() {
        let v = f.get(&e.words);
        out.push(Line::styled(format!("{}.{} bits {} (section {})", r.layout, f.name, f.bits(), f.section), t.title));
        out.push(Line::styled(f.desc.to_string(), t.text));
        let mut since = format!("since {}", f.since);
        if let Some(g) = f.gate {
            since.push_str(&format!(", needs {} >= {}", g.label(), g.min));
        }
        out.push(Line::styled(since, t.dim));
        out.push(Line::from(vec![
            Span::styled(format!("= {}  ", encode::value_text(f, v)), t.accent),
            Span::styled(f.meaning(v), t.text),
        ]));
        for e in f.values {
            let mark = if e.value == v { "▶" } else { " " };
            let style = if e.value == v { t.accent } else { t.text };
            out.push(Line::styled(format!(" {mark} {:#x} {}: {}", e.value, e.name, e.meaning), style));
        }
        out.push(Line::raw(""));
    }
    verdict_lines(m, r, &mut out);
    out
}

fn draw(e: &mut EditState, f: &mut Frame, m: &Model, area: Rect) -> Rect {
    let t = m.theme;
    let r = report(e, m);
    let [head, body] = Layout::vertical([Constraint::Length(4), Constraint::Min(3)]).areas(area);
    let kinds: Vec<Span> = categories()
        .flat_map(|c| {
            let style = if c == e.kind.category() { t.tab_active } else { t.tab };
            [Span::styled(format!(" {c} "), style), Span::raw(" ")]
        })
        .collect();
    let mut head_lines = vec![
        Line::from(kinds),
        Line::from(vec![
            Span::styled(format!("{} ", e.kind.name()), t.title),
            Span::styled(format!("(IHI 0070 {}) {}", r.section, r.description), t.dim),
        ]),
        Line::from(vec![Span::styled("words: ", t.dim), Span::styled(r.words_arg(), t.accent)]),
    ];
    head_lines.push(match &e.input {
        Some(Input::Field(s)) => {
            let name = e.field().map(|f| f.name).unwrap_or("");
            Line::styled(format!("{name} = {s}_"), t.highlight_bits)
        }
        Some(Input::Words(s)) => Line::styled(format!("words: {s}_"), t.highlight_bits),
        None => Line::styled(format!("C: {}", r.c_initializer), t.dim),
    });
    f.render_widget(Paragraph::new(head_lines), head);
    let [list_a, detail] = Layout::horizontal([Constraint::Percentage(55), Constraint::Min(20)]).areas(body);
    let rows: Vec<Row> = r
        .fields
        .iter()
        .map(|x| {
            let style = if x.value == 0 { t.dim } else { t.text };
            Row::new(vec![
                Line::styled(x.name.to_string(), style),
                Line::styled(x.bits.clone(), t.dim),
                Line::styled(x.hex.clone(), t.accent),
                Line::styled(x.meaning.clone(), style),
            ])
        })
        .collect();
    let table =
        Table::new(rows, [Constraint::Length(13), Constraint::Length(10), Constraint::Length(11), Constraint::Min(5)])
            .header(Row::new(vec!["Field", "Bits", "Value", "Meaning"]).style(t.title))
            .row_highlight_style(t.selected)
            .block(super::block(&t, "Fields (Enter types, ←/→ cycles, s kind, o opcode/event, w words)"));
    let mut list_body = super::inner(list_a);
    list_body.y = list_body.y.saturating_add(1);
    list_body.height = list_body.height.saturating_sub(1);
    e.table.select(Some(e.cursor));
    f.render_stateful_widget(table, list_a, &mut e.table);
    f.render_widget(
        Paragraph::new(detail_lines(e, m, &r))
            .wrap(Wrap { trim: false })
            .scroll((m.detail_scroll, 0))
            .block(super::block(&t, "Field and legality ([ ] scroll)")),
        detail,
    );
    list_body
}

/// `y`: the words, the C initializer and the non-zero fields.
fn focused_text(e: &EditState, m: &Model) -> Option<String> {
    let r = report(e, m);
    let mut s = format!("{}: {}\nC: {}\n", e.kind, r.words_arg(), r.c_initializer);
    for x in r.fields.iter().filter(|x| x.value != 0) {
        s.push_str(&format!("  {:<13} {:>9} {:>10}  {}\n", x.name, x.bits, x.hex, x.meaning));
    }
    Some(s)
}

impl EditState {
    /// Edits a copy of a stream's STE.
    pub fn load_ste(&mut self, sid: u32, words: &[u64; 8]) -> String {
        self.kind = Kind::Ste;
        self.words = words.to_vec();
        self.cursor = 0;
        format!("Editing the STE of StreamID {sid:#x} (a copy: the snapshot is not changed)")
    }
}

impl View for EditState {
    fn id(&self) -> ViewId {
        ViewId::Edit
    }
    fn rows(&self, _m: &Model) -> usize {
        self.kind.layout().fields.len()
    }
    fn move_cursor(&mut self, _m: &Model, d: i64) {
        let n = self.kind.layout().fields.len() as i64;
        self.cursor = (self.cursor as i64).saturating_add(d).clamp(0, (n - 1).max(0)) as usize;
    }
    fn offset(&self) -> usize {
        self.table.offset()
    }
    fn click(&mut self, _m: &Model, row: usize) -> bool {
        if row < self.kind.layout().fields.len() {
            self.cursor = row;
        }
        true
    }
    fn filter_changed(&mut self, m: &Model) {
        // `/` in the Edit view finds a field by name or meaning.
        let r = report(self, m);
        if let Some(i) = r.fields.iter().position(|x| m.search.matches(&[x.name, &x.meaning])) {
            self.cursor = i;
        }
    }
    fn typing(&self) -> bool {
        self.input.is_some()
    }
    fn type_char(&mut self, _m: &Model, c: char) {
        type_char(self, c)
    }
    fn act(&mut self, m: &Model, a: Action) -> Option<Reply> {
        let mut cx = Cx { edit: self, m, status: String::new() };
        match a {
            Action::Edit(e) => act(&mut cx, e),
            Action::Accept | Action::Cancel | Action::DeleteChar | Action::ClearInput | Action::NextPane
                if cx.edit.typing() =>
            {
                act_text(&mut cx, a)
            }
            _ => return None,
        }
        Some(Reply { status: Some(cx.status).filter(|s| !s.is_empty()), go: None })
    }
    fn draw(&mut self, f: &mut Frame, m: &Model, area: Rect) -> Rect {
        draw(self, f, m, area)
    }
    fn focused_text(&self, m: &Model) -> Option<String> {
        focused_text(self, m)
    }
}
