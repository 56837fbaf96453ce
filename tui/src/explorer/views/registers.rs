//! 2 Registers: a tree register -> fields. The focused field's meaning, its enumerated
//! values with the current one marked, its spec section, and its bits highlighted in the
//! register value. Everything comes from the decode tree (`RegisterInfo`/`FieldInfo`) and
//! the field's definition in the register table.

use super::super::doc;
use super::super::keymap::Action;
use super::super::theme::Theme;
use super::super::view::{clamp_cursor, Model, Reply, View, ViewId};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph, Wrap};
use ratatui::Frame;
use smmu_core::model::{FieldInfo, Fmt};
use smmu_core::regset::RegisterInfo;
use std::collections::BTreeSet;

/// A row of the register tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegRow {
    Register(usize),
    Field(usize, usize),
}

#[derive(Debug, Clone)]
pub struct RegistersView {
    pub expanded: BTreeSet<usize>,
    pub list: ListState,
}

impl Default for RegistersView {
    fn default() -> Self {
        RegistersView { expanded: BTreeSet::new(), list: ListState::default().with_selected(Some(0)) }
    }
}

impl RegistersView {
    /// The register tree as shown: registers, and fields of expanded registers. While a
    /// `/` filter is active only matching fields (and their registers) are listed.
    pub fn rows(&self, m: &Model) -> Vec<RegRow> {
        let mut rows = Vec::new();
        let Some(h) = m.host() else { return rows };
        for (ri, r) in h.decoded.iter().enumerate() {
            if m.search.active() {
                let hits: Vec<usize> = r
                    .fields
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| m.search.matches(&[f.name, &f.meaning, f.desc]) || m.search.matches(&[r.name]))
                    .map(|(i, _)| i)
                    .collect();
                if !hits.is_empty() {
                    rows.push(RegRow::Register(ri));
                    rows.extend(hits.into_iter().map(|fi| RegRow::Field(ri, fi)));
                }
            } else {
                rows.push(RegRow::Register(ri));
                if self.expanded.contains(&ri) {
                    rows.extend((0..r.fields.len()).map(|fi| RegRow::Field(ri, fi)));
                }
            }
        }
        rows
    }

    pub fn focused(&self, m: &Model) -> Option<RegRow> {
        let rows = self.rows(m);
        self.list.selected().and_then(|i| rows.get(i).copied())
    }

    pub fn select(&mut self, m: &Model, row: RegRow) {
        if let Some(i) = self.rows(m).iter().position(|r| *r == row) {
            self.list.select(Some(i));
        }
    }

    /// Focuses a register field by name (tests, links).
    pub fn focus_field(&mut self, m: &Model, reg: &str, field: &str) -> bool {
        let Some(h) = m.host() else { return false };
        let Some(ri) = h.decoded.iter().position(|r| r.name.eq_ignore_ascii_case(reg)) else { return false };
        let Some(fi) = h.decoded[ri].fields.iter().position(|f| f.name.eq_ignore_ascii_case(field)) else {
            return false;
        };
        self.expanded.insert(ri);
        self.select(m, RegRow::Field(ri, fi));
        true
    }

    /// The filter ended: stay on the field it found, its register expanded.
    pub fn keep_focus(&mut self, focused: Option<RegRow>, m: &Model) {
        match focused {
            Some(RegRow::Field(r, f)) => {
                self.expanded.insert(r);
                self.select(m, RegRow::Field(r, f));
            }
            Some(row) => self.select(m, row),
            None => self.list.select(Some(0)),
        }
    }

    fn toggle(&mut self, m: &Model) {
        if let Some(RegRow::Register(r)) = self.focused(m) {
            if !self.expanded.remove(&r) {
                self.expanded.insert(r);
            }
        }
    }
}

impl View for RegistersView {
    fn id(&self) -> ViewId {
        ViewId::Registers
    }
    fn rows(&self, m: &Model) -> usize {
        RegistersView::rows(self, m).len()
    }
    fn move_cursor(&mut self, m: &Model, d: i64) {
        let n = RegistersView::rows(self, m).len();
        self.list.select(clamp_cursor(self.list.selected(), d, n));
    }
    fn offset(&self) -> usize {
        self.list.offset()
    }
    fn click(&mut self, m: &Model, row: usize) -> bool {
        let was = self.list.selected() == Some(row);
        self.list.select(Some(row));
        if was {
            self.toggle(m);
        }
        true
    }
    fn filter_changed(&mut self, m: &Model) {
        let rows = RegistersView::rows(self, m);
        let first = rows.iter().position(|r| matches!(r, RegRow::Field(..))).unwrap_or(0);
        self.list.select(Some(first));
    }
    fn act(&mut self, m: &Model, a: Action) -> Option<Reply> {
        match a {
            Action::Expand => self.toggle(m),
            Action::ExpandAll => {
                let n = m.host().map(|h| h.decoded.len()).unwrap_or(0);
                if self.expanded.len() == n {
                    self.expanded.clear();
                } else {
                    self.expanded = (0..n).collect();
                }
            }
            Action::Left => match self.focused(m) {
                Some(RegRow::Field(r, _)) => self.select(m, RegRow::Register(r)),
                Some(RegRow::Register(r)) => {
                    self.expanded.remove(&r);
                }
                None => {}
            },
            Action::Right => {
                if let Some(RegRow::Register(r)) = self.focused(m) {
                    if !self.expanded.insert(r) {
                        self.move_cursor(m, 1);
                    }
                }
            }
            Action::Back if !self.expanded.is_empty() => {
                // Collapse the register holding the cursor (or everything).
                if let Some(RegRow::Field(r, _)) = self.focused(m) {
                    self.expanded.remove(&r);
                    self.select(m, RegRow::Register(r));
                } else {
                    self.expanded.clear();
                }
            }
            Action::NextMatch if m.search.active() => {
                let rows = RegistersView::rows(self, m);
                let cur = self.list.selected().unwrap_or(0);
                let next = rows
                    .iter()
                    .enumerate()
                    .skip(cur + 1)
                    .chain(rows.iter().enumerate().take(cur + 1))
                    .find(|(_, r)| matches!(r, RegRow::Field(..)))
                    .map(|(i, _)| i);
                self.list.select(next.or(Some(0)));
            }
            _ => return None,
        }
        Some(Reply::none())
    }
    fn draw(&mut self, f: &mut Frame, m: &Model, area: Rect) -> Rect {
        draw(self, f, m, area)
    }
    fn focused_text(&self, m: &Model) -> Option<String> {
        focused_text(self, m)
    }
}

fn bits_label(f: &FieldInfo) -> String {
    let msb = f.lsb as u32 + f.width as u32 - 1;
    if f.width == 1 {
        format!("[{}]", f.lsb)
    } else {
        format!("[{msb}:{}]", f.lsb)
    }
}

fn fmt_value(f: &FieldInfo) -> String {
    if f.width == 1 {
        format!("{}", f.value)
    } else {
        format!("{:#x}", f.value)
    }
}

fn draw(st: &mut RegistersView, f: &mut Frame, m: &Model, area: Rect) -> Rect {
    let t = m.theme;
    let Some(h) = m.host() else {
        super::unavailable(f, &t, area, "Registers", "No data loaded.", &[]);
        return Rect::default();
    };
    if h.decoded.is_empty() {
        super::unavailable(
            f,
            &t,
            area,
            "Registers",
            "This input has no register values.",
            &["Open a register dump or snapshot, or paste one."],
        );
        return Rect::default();
    }
    let left_w = (area.width * 2 / 5).clamp(28, 44).min(area.width);
    let [left, right] = Layout::horizontal([Constraint::Length(left_w), Constraint::Min(10)]).areas(area);
    let rows = st.rows(m);
    // Names padded to the longest one shown, so no name runs into its value.
    let reg_w = h.decoded.iter().map(|r| r.name.len()).max().unwrap_or(8) + 1;
    let fld_w = rows
        .iter()
        .filter_map(|r| match *r {
            RegRow::Field(ri, fi) => h.decoded.get(ri).and_then(|x| x.fields.get(fi)).map(|x| x.name.len()),
            RegRow::Register(_) => None,
        })
        .max()
        .unwrap_or(8)
        + 1;
    let items: Vec<ListItem> = rows
        .iter()
        .map(|r| match *r {
            RegRow::Register(ri) => {
                let reg = &h.decoded[ri];
                let open = m.search.active() || st.expanded.contains(&ri);
                let bad = !reg.problems.is_empty();
                ListItem::new(Line::from(vec![
                    Span::styled(if open { "▾ " } else { "▸ " }, t.dim),
                    Span::styled(format!("{:<reg_w$}", reg.name), if bad { t.bad } else { t.title }),
                    Span::styled(reg.value.clone(), t.text),
                ]))
            }
            RegRow::Field(ri, fi) => {
                let fld = &h.decoded[ri].fields[fi];
                let style = if fld.flags.is_empty() { t.text } else { t.bad };
                ListItem::new(Line::from(vec![
                    Span::raw("   "),
                    Span::styled(format!("{:<fld_w$}", fld.name), style),
                    Span::styled(format!("{:>6}", fmt_value(fld)), t.accent),
                ]))
            }
        })
        .collect();
    let title = if m.search.active() { format!("Registers  /{}", m.search.query) } else { "Registers".to_string() };
    let list = List::new(items).block(super::focused_block(&t, title, !m.detail_focus)).highlight_style(t.selected);
    let focused = st.focused(m);
    let dw = super::inner(right).width as usize;
    let detail = match focused {
        Some(RegRow::Register(ri)) => h.decoded.get(ri).map(|r| register_detail(m, r, dw)).unwrap_or_default(),
        Some(RegRow::Field(ri, fi)) => match h.decoded.get(ri).and_then(|r| r.fields.get(fi).map(|x| (r, x))) {
            Some((r, x)) => field_detail(&t, r, x, dw),
            None => vec![],
        },
        None => vec![Line::styled("No register matches the filter.", t.warn)],
    };
    f.render_stateful_widget(list, left, &mut st.list);
    let title = match focused {
        Some(RegRow::Field(..)) => "Field",
        _ => "Register",
    };
    f.render_widget(
        Paragraph::new(detail).wrap(Wrap { trim: false }).scroll((m.detail_scroll, 0)).block(super::focused_block(
            &t,
            title,
            m.detail_focus,
        )),
        right,
    );
    super::inner(left)
}

/// The register value in binary, MSB first, nibbles separated, the field's bits styled.
fn bit_lines(t: &Theme, width: u8, value: u64, hl: Option<(u16, u8)>) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let w = width.max(32) as u32;
    let mut start = w;
    while start > 0 {
        let top = start - 1;
        let bottom = start.saturating_sub(32);
        let mut spans = vec![Span::styled(format!("{top:>2} "), t.dim)];
        for bit in (bottom..=top).rev() {
            let on = (value >> bit) & 1;
            let in_field = hl.is_some_and(|(lsb, wd)| bit >= lsb as u32 && bit < lsb as u32 + wd as u32);
            spans.push(Span::styled(on.to_string(), if in_field { t.highlight_bits } else { t.dim }));
            if bit % 4 == 0 && bit != bottom {
                spans.push(Span::raw(" "));
            }
        }
        spans.push(Span::styled(format!(" {bottom}"), t.dim));
        out.push(Line::from(spans));
        if let Some((lsb, wd)) = hl {
            // A caret line under the field's bits, readable without colour.
            let mut marks = String::from("   ");
            let mut any = false;
            for bit in (bottom..=top).rev() {
                let in_field = bit >= lsb as u32 && bit < lsb as u32 + wd as u32;
                any |= in_field;
                marks.push(if in_field { '^' } else { ' ' });
                if bit % 4 == 0 && bit != bottom {
                    marks.push(' ');
                }
            }
            if any {
                out.push(Line::styled(marks.trim_end().to_string(), t.accent));
            }
        }
        start = bottom;
    }
    out
}

fn register_detail(m: &Model, r: &RegisterInfo, width: usize) -> Vec<Line<'static>> {
    let t = &m.theme;
    let mut v = vec![
        Line::from(vec![
            Span::styled(format!("SMMU_{}", r.name), t.title),
            Span::styled(format!("  offset {}  {}-bit  section {}", r.offset, r.width, r.section), t.dim),
        ]),
        Line::styled(r.description.to_string(), t.text),
        Line::from(vec![Span::styled("Value ", t.dim), Span::styled(r.value.clone(), t.accent)]),
    ];
    if let Some(o) = m.host().and_then(|h| h.registers.get_entry(r.name)).map(|e| &e.origin) {
        let mut from = o.source.clone();
        if let Some(l) = o.line {
            from = if from.is_empty() { format!("line {l}") } else { format!("{from}, line {l}") };
        }
        if !from.is_empty() {
            v.push(Line::from(vec![Span::styled("Read from ", t.dim), Span::styled(from, t.dim)]));
        }
    }
    let value = smmu_core::snapshot::parse_hex_u64(&r.value).unwrap_or(0);
    v.extend(bit_lines(t, r.width, value, None));
    for p in &r.problems {
        v.push(Line::styled(format!("! {p}"), t.bad));
    }
    v.push(Line::raw(""));
    let name_w = r.fields.iter().map(|x| x.name.len()).max().unwrap_or(8) + 1;
    for fld in &r.fields {
        // The meaning wraps under itself, not under the field's name.
        let col = name_w + 9 + 8;
        let indent = if col > width / 2 { 4 } else { col };
        for (i, mut l) in doc::wrap(&[(fld.meaning.clone(), t.text)], col, indent, width).into_iter().enumerate() {
            if i == 0 {
                let mut head = vec![
                    Span::styled(format!("{:<name_w$}", fld.name), t.text),
                    Span::styled(format!("{:>8} ", bits_label(fld)), t.dim),
                    Span::styled(format!("{:>6}  ", fmt_value(fld)), t.accent),
                ];
                head.append(&mut l);
                l = head;
            }
            v.push(Line::from(l));
        }
    }
    v.push(Line::raw(""));
    v.push(Line::styled("Enter expands; focus a field for its encodings and bits", t.dim));
    v
}

fn field_detail(t: &Theme, r: &RegisterInfo, fld: &FieldInfo, width: usize) -> Vec<Line<'static>> {
    let def = Some(fld.def);
    let mut v = vec![
        Line::from(vec![
            Span::styled(format!("SMMU_{}.{}", r.name, fld.name), t.title),
            Span::styled(format!("  bits {}  section {}", bits_label(fld), fld.section), t.dim),
        ]),
        Line::styled(fld.desc.to_string(), t.text),
        Line::raw(""),
        Line::from(vec![
            Span::styled("Value   ", t.dim),
            Span::styled(format!("{} ({:#x})", fld.value, fld.value), t.accent),
        ]),
    ];
    v.extend(doc::key_value(t, "Meaning", 8, &[(fld.meaning.clone(), t.text)], width));
    for fl in &fld.flags {
        v.push(Line::styled(format!("! {fl}"), t.bad));
    }
    // The register value with this field's bits highlighted (and marked ^ below them).
    v.push(Line::from(vec![
        Span::styled(format!("SMMU_{} = ", r.name), t.dim),
        Span::styled(r.value.clone(), t.accent),
    ]));
    let value = smmu_core::snapshot::parse_hex_u64(&r.value).unwrap_or(0);
    v.extend(bit_lines(t, r.width, value, Some((fld.lsb, fld.width))));
    if let Some(d) = def {
        if !d.values.is_empty() {
            v.push(Line::raw(""));
            let what = if d.fmt == Fmt::Enum { "Encodings (others are reserved)" } else { "Named values" };
            v.push(Line::styled(what, t.title));
            for e in d.values {
                let cur = e.value == fld.value;
                let mark = if cur { "▶ " } else { "  " };
                let style = if cur { t.selected } else { t.text };
                // Named encodings show their name (the current one also its meaning), so
                // the list fits a small terminal; unnamed ones show their meaning.
                let text = if e.name.is_empty() {
                    e.meaning.to_string()
                } else if cur {
                    format!("{}: {}", e.name, e.meaning)
                } else {
                    e.name.to_string()
                };
                v.push(Line::styled(format!("{mark}0b{:0w$b} {text}", e.value, w = fld.width as usize), style));
            }
            if d.fmt == Fmt::Enum && d.encoding(fld.value).is_none() {
                v.push(Line::styled(
                    format!("▶ 0b{:0w$b} reserved encoding", fld.value, w = fld.width as usize),
                    t.bad,
                ));
            }
        } else if d.fmt == Fmt::Flag {
            v.push(Line::raw(""));
            v.push(Line::styled("Encodings", t.title));
            for val in [0u64, 1] {
                let cur = val == fld.value;
                v.push(Line::styled(
                    format!("{}{} {}", if cur { "▶ " } else { "  " }, val, d.meaning(val)),
                    if cur { t.selected } else { t.text },
                ));
            }
        }
    }
    v
}

/// `y` in the Registers view: the focused register or field as text.
fn focused_text(st: &RegistersView, m: &Model) -> Option<String> {
    let h = m.host()?;
    let name_w = h.decoded.iter().flat_map(|r| r.fields.iter().map(|x| x.name.len())).max().unwrap_or(12);
    match st.focused(m)? {
        RegRow::Register(ri) => {
            let r = h.decoded.get(ri)?;
            let mut s = format!("SMMU_{} = {} (offset {}, section {})\n", r.name, r.value, r.offset, r.section);
            for fld in &r.fields {
                s.push_str(&format!(
                    "  {:<name_w$} {:>8} = {:<6} {}\n",
                    fld.name,
                    bits_label(fld),
                    fmt_value(fld),
                    fld.meaning
                ));
            }
            Some(s)
        }
        RegRow::Field(ri, fi) => {
            let r = h.decoded.get(ri)?;
            let fld = r.fields.get(fi)?;
            Some(format!(
                "SMMU_{}.{} {} = {} ({}) [IHI 0070 {}] in {} = {}",
                r.name,
                fld.name,
                bits_label(fld),
                fmt_value(fld),
                fld.meaning,
                fld.section,
                r.name,
                r.value
            ))
        }
    }
}
