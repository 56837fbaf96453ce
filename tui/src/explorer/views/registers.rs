//! 2 Registers: a tree register -> fields. The focused field's meaning, its enumerated
//! values with the current one marked, its spec section, and its bits highlighted in the
//! register value. Everything comes from the decode tree (`RegisterInfo`/`FieldInfo`) and
//! the field's definition in the register table.

use super::super::app::{App, RegRow};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, Paragraph, Wrap};
use ratatui::Frame;
use smmu_core::model::{FieldInfo, Fmt};
use smmu_core::regs;
use smmu_core::regset::RegisterInfo;

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

pub fn draw(f: &mut Frame, app: &mut App, area: Rect) {
    let t = app.theme;
    let Some(h) = app.host() else {
        super::unavailable(f, &t, area, "Registers", "No data loaded.", &[]);
        return;
    };
    if h.decoded.is_empty() {
        super::unavailable(
            f,
            &t,
            area,
            "Registers",
            "This input has no register values.",
            &["Open a register dump or snapshot: smmu tui FILE"],
        );
        return;
    }
    let left_w = (area.width * 2 / 5).clamp(28, 44).min(area.width);
    let [left, right] = Layout::horizontal([Constraint::Length(left_w), Constraint::Min(10)]).areas(area);
    let rows = app.reg_rows();
    let items: Vec<ListItem> = rows
        .iter()
        .map(|r| match *r {
            RegRow::Register(ri) => {
                let reg = &h.decoded[ri];
                let open = app.search.active() || app.regs.expanded.contains(&ri);
                let bad = !reg.problems.is_empty();
                ListItem::new(Line::from(vec![
                    Span::styled(if open { "▾ " } else { "▸ " }, t.dim),
                    Span::styled(format!("{:<13}", reg.name), if bad { t.bad } else { t.title }),
                    Span::styled(reg.value.clone(), t.text),
                ]))
            }
            RegRow::Field(ri, fi) => {
                let fld = &h.decoded[ri].fields[fi];
                let style = if fld.flags.is_empty() { t.text } else { t.bad };
                ListItem::new(Line::from(vec![
                    Span::raw("   "),
                    Span::styled(format!("{:<14}", fld.name), style),
                    Span::styled(format!("{:>6}", fmt_value(fld)), t.accent),
                ]))
            }
        })
        .collect();
    let title = if app.search.active() { format!("Registers  /{}", app.search.query) } else { "Registers".to_string() };
    let list = List::new(items).block(super::block(&t, title)).highlight_style(t.selected);
    app.hit.list = super::inner(left);
    let focused = app.focused_reg_row();
    let detail = match focused {
        Some(RegRow::Register(ri)) => register_detail(app, &app.data.hosts[app.host].decoded[ri]),
        Some(RegRow::Field(ri, fi)) => {
            let r = &app.data.hosts[app.host].decoded[ri];
            field_detail(app, r, &r.fields[fi])
        }
        None => vec![Line::styled("No register matches the search.", t.warn)],
    };
    f.render_stateful_widget(list, left, &mut app.regs.list);
    let title = match focused {
        Some(RegRow::Field(..)) => "Field",
        _ => "Register",
    };
    f.render_widget(
        Paragraph::new(detail).wrap(Wrap { trim: false }).scroll((app.detail_scroll, 0)).block(super::block(&t, title)),
        right,
    );
}

/// The register value in binary, MSB first, nibbles separated, the field's bits styled.
fn bit_lines(app: &App, width: u8, value: u64, hl: Option<(u16, u8)>) -> Vec<Line<'static>> {
    let t = app.theme;
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

fn register_detail(app: &App, r: &RegisterInfo) -> Vec<Line<'static>> {
    let t = app.theme;
    let mut v = vec![
        Line::from(vec![
            Span::styled(format!("SMMU_{}", r.name), t.title),
            Span::styled(format!("  offset {}  {}-bit  section {}", r.offset, r.width, r.section), t.dim),
        ]),
        Line::styled(r.description.to_string(), t.text),
        Line::from(vec![Span::styled("Value ", t.dim), Span::styled(r.value.clone(), t.accent)]),
    ];
    if let Some(o) = app.host().and_then(|h| h.registers.get_entry(r.name)).map(|e| &e.origin) {
        let mut from = o.source.clone();
        if let Some(l) = o.line {
            from = if from.is_empty() { format!("line {l}") } else { format!("{from}, line {l}") };
        }
        if !from.is_empty() {
            v.push(Line::from(vec![Span::styled("Read from ", t.dim), Span::styled(from, t.dim)]));
        }
    }
    let value = smmu_core::snapshot::parse_hex_u64(&r.value).unwrap_or(0);
    v.extend(bit_lines(app, r.width, value, None));
    for p in &r.problems {
        v.push(Line::styled(format!("! {p}"), t.bad));
    }
    v.push(Line::raw(""));
    for fld in &r.fields {
        v.push(Line::from(vec![
            Span::styled(format!("{:<13}", fld.name), t.text),
            Span::styled(format!("{:>8} ", bits_label(fld)), t.dim),
            Span::styled(format!("{:>6}  ", fmt_value(fld)), t.accent),
            Span::styled(fld.meaning.clone(), t.text),
        ]));
    }
    v.push(Line::raw(""));
    v.push(Line::styled("Enter expands; focus a field for its encodings and bits", t.dim));
    v
}

fn field_detail(app: &App, r: &RegisterInfo, fld: &FieldInfo) -> Vec<Line<'static>> {
    let t = app.theme;
    let def = regs::by_name(r.name).and_then(|d| d.layout.field(fld.name));
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
        Line::from(vec![Span::styled("Meaning ", t.dim), Span::styled(fld.meaning.clone(), t.text)]),
    ];
    for fl in &fld.flags {
        v.push(Line::styled(format!("! {fl}"), t.bad));
    }
    // The register value with this field's bits highlighted (and marked ^ below them).
    v.push(Line::from(vec![
        Span::styled(format!("SMMU_{} = ", r.name), t.dim),
        Span::styled(r.value.clone(), t.accent),
    ]));
    let value = smmu_core::snapshot::parse_hex_u64(&r.value).unwrap_or(0);
    v.extend(bit_lines(app, r.width, value, Some((fld.lsb, fld.width))));
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
pub fn focused_text(app: &App) -> Option<String> {
    let h = app.host()?;
    match app.focused_reg_row()? {
        RegRow::Register(ri) => {
            let r = h.decoded.get(ri)?;
            let mut s = format!("SMMU_{} = {} (offset {}, section {})\n", r.name, r.value, r.offset, r.section);
            for fld in &r.fields {
                s.push_str(&format!(
                    "  {:<13} {:>8} = {:<6} {}\n",
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
