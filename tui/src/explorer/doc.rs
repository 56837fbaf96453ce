//! Draws smmu-core's presentation documents ([`smmu_core::present::Document`]) as ratatui
//! lines: the same document `smmu event`, `smmu log` and the web app render, laid out for
//! a terminal pane of a given width. Long text wraps and continues indented under its
//! value, never under its label.

use super::theme::Theme;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use smmu_core::present::{self, Block, Document, FieldRow, Tone};

/// The style of a tone in a theme.
pub fn style(t: &Theme, tone: Tone) -> Style {
    match tone {
        Tone::Plain => t.text,
        Tone::Strong => t.title,
        Tone::Dim => t.dim,
        Tone::Value => t.accent,
        Tone::Good => t.good,
        Tone::Warn => t.warn,
        Tone::Bad => t.bad,
    }
}

/// Word-wraps styled pieces to `width` columns: the first line already has `first` columns
/// used, the following lines start with `indent` spaces. A word longer than a line is cut.
pub fn wrap(pieces: &[(String, Style)], first: usize, indent: usize, width: usize) -> Vec<Vec<Span<'static>>> {
    let width = width.max(indent + 8);
    let mut out: Vec<Vec<Span<'static>>> = Vec::new();
    let mut cur: Vec<Span<'static>> = Vec::new();
    let mut col = first;
    let mut at_start = true;
    let new_line = |out: &mut Vec<Vec<Span<'static>>>, cur: &mut Vec<Span<'static>>| {
        out.push(std::mem::take(cur));
        cur.push(Span::raw(" ".repeat(indent)));
    };
    for (text, st) in pieces {
        for (k, word) in text.split(' ').enumerate() {
            if k > 0 && !at_start {
                if col + 1 > width {
                    new_line(&mut out, &mut cur);
                    col = indent;
                    at_start = true;
                } else {
                    cur.push(Span::styled(" ", *st));
                    col += 1;
                }
            }
            if word.is_empty() {
                continue;
            }
            let mut word: String = word.to_string();
            loop {
                let w = word.chars().count();
                if !at_start && col + w > width {
                    while cur.last().is_some_and(|s| s.content == " ") {
                        cur.pop();
                        col = col.saturating_sub(1);
                    }
                    new_line(&mut out, &mut cur);
                    col = indent;
                }
                if col + w <= width || col <= indent && w <= width - indent {
                    cur.push(Span::styled(word.clone(), *st));
                    col += w;
                    break;
                }
                // Longer than a whole line: cut it.
                let room = width.saturating_sub(col).max(1);
                let head: String = word.chars().take(room).collect();
                word = word.chars().skip(room).collect();
                cur.push(Span::styled(head, *st));
                new_line(&mut out, &mut cur);
                col = indent;
                if word.is_empty() {
                    break;
                }
            }
            at_start = false;
        }
    }
    out.push(cur);
    out
}

/// A `label  value` line: the label padded to `key_w` columns (a longer label keeps one
/// space before its value), the value wrapping under itself.
pub fn key_value(t: &Theme, key: &str, key_w: usize, value: &[(String, Style)], width: usize) -> Vec<Line<'static>> {
    let k = key.chars().count();
    let col = k.max(key_w.saturating_sub(1)) + 1;
    let label = format!("{key:<col$}");
    // Continuation lines go under the value, unless the label takes most of the line.
    let indent = if col > width / 2 { 4 } else { col };
    let mut lines = wrap(value, col, indent, width);
    let mut out = Vec::new();
    for (i, l) in lines.drain(..).enumerate() {
        let mut spans = Vec::new();
        if i == 0 {
            spans.push(Span::styled(label.clone(), t.dim));
        }
        spans.extend(l);
        out.push(Line::from(spans));
    }
    out
}

fn spans_of(t: &Theme, line: &[present::Span]) -> Vec<(String, Style)> {
    line.iter().map(|s| (s.text.clone(), style(t, s.tone))).collect()
}

/// One plain line wrapped with a hanging indent.
pub fn para(t: &Theme, pad: usize, line: &[(String, Style)], width: usize) -> Vec<Line<'static>> {
    let _ = t;
    wrap(line, pad, pad + 2, width)
        .into_iter()
        .enumerate()
        .map(|(i, mut l)| {
            if i == 0 && pad > 0 {
                l.insert(0, Span::raw(" ".repeat(pad)));
            }
            Line::from(l)
        })
        .collect()
}

fn fields(t: &Theme, out: &mut Vec<Line<'static>>, rows: &[FieldRow], all: bool, pad: usize, width: usize) {
    let shown: Vec<&FieldRow> = rows.iter().filter(|r| all || r.notable()).collect();
    let name_w = shown.iter().map(|r| r.name.chars().count()).max().unwrap_or(4).clamp(4, 28);
    let bits_w = shown.iter().map(|r| r.bits.len()).max().unwrap_or(4).max(4);
    let val_w = shown.iter().map(|r| format!("{:#x}", r.value).len()).max().unwrap_or(3).max(3);
    for r in &shown {
        let name = format!("{:<name_w$}", r.name);
        let cols = pad + name.chars().count() + 1 + bits_w + 1 + val_w + 1;
        let mut meaning = vec![(r.meaning.clone(), t.text)];
        if r.since != "3.0" {
            meaning.push((format!(" (SMMUv{})", r.since), t.dim));
        }
        let indent = if cols > width / 2 { pad + 4 } else { cols };
        for (i, mut l) in wrap(&meaning, cols, indent, width).into_iter().enumerate() {
            if i == 0 {
                let mut head = vec![
                    Span::raw(" ".repeat(pad)),
                    Span::styled(name.clone(), t.title),
                    Span::styled(format!(" {:<bits_w$} ", r.bits), t.dim),
                    Span::styled(format!("{:<val_w$} ", format!("{:#x}", r.value)), t.accent),
                ];
                head.append(&mut l);
                l = head;
            }
            out.push(Line::from(l));
        }
        for p in &r.problems {
            out.extend(para(t, pad + 2, &[(format!("<- {p}"), t.warn)], width));
        }
    }
    let hidden = rows.len() - shown.len();
    if hidden > 0 {
        let s = if hidden == 1 { "field" } else { "fields" };
        out.extend(para(t, pad, &[(format!("({hidden} {s} equal to 0 not shown)"), t.dim)], width));
    }
}

fn blocks(t: &Theme, out: &mut Vec<Line<'static>>, bs: &[Block], pad: usize, width: usize, all: bool) {
    for b in bs {
        match b {
            Block::Heading { text, reference } => {
                let mut l = vec![(text.clone(), t.title)];
                if let Some(r) = reference {
                    l.push((format!(" ({r})"), t.dim));
                }
                out.extend(para(t, pad, &l, width));
            }
            Block::Text { line } => out.extend(para(t, pad, &spans_of(t, line), width)),
            Block::KeyValue { key, value } => {
                let k = format!("{}{key}:", " ".repeat(pad));
                out.extend(key_value(t, &k, 0, &spans_of(t, value), width));
            }
            Block::Fields { rows, all: a } => fields(t, out, rows, *a || all, pad + 2, width),
            Block::Bullets { items } => {
                for it in items {
                    let mut l = vec![("- ".to_string(), t.dim)];
                    l.extend(spans_of(t, it));
                    for (i, mut w) in wrap(&l, pad + 2, pad + 4, width).into_iter().enumerate() {
                        if i == 0 {
                            w.insert(0, Span::raw(" ".repeat(pad + 2)));
                        }
                        out.push(Line::from(w));
                    }
                }
            }
            Block::Section { title, blocks: inner } => {
                out.extend(para(t, pad, &[(title.clone(), t.title)], width));
                blocks(t, out, inner, pad + 2, width, all);
            }
        }
    }
}

/// The document as lines for a pane `width` columns wide. `all_fields`: every field, not
/// only the notable ones.
pub fn lines(doc: &Document, t: &Theme, width: u16, all_fields: bool) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    blocks(t, &mut out, &doc.blocks, 0, width.max(20) as usize, all_fields);
    out
}

/// The document as plain text (for `y`), one line per rendered line.
pub fn text(doc: &Document) -> String {
    present::text::render(doc, &present::text::Options { width: 100, ansi: false, all_fields: true })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(ls: &[Vec<Span<'static>>]) -> Vec<String> {
        ls.iter().map(|l| l.iter().map(|s| s.content.as_ref()).collect()).collect()
    }

    #[test]
    fn wraps_under_the_value() {
        let t = Theme::new(super::super::theme::ThemeName::Dark);
        let v = vec![("alpha beta gamma delta epsilon".to_string(), t.text)];
        let ls = key_value(&t, "key", 6, &v, 20);
        let s: Vec<String> = ls.iter().map(|l| l.to_string()).collect();
        assert_eq!(s, vec!["key   alpha beta", "      gamma delta", "      epsilon"]);
    }

    #[test]
    fn long_labels_keep_a_space() {
        let t = Theme::new(super::super::theme::ThemeName::Dark);
        let ls = key_value(&t, "GERROR_IRQ_CFG0 @0x0068", 22, &[("0x0".into(), t.text)], 80);
        assert_eq!(ls[0].to_string(), "GERROR_IRQ_CFG0 @0x0068 0x0");
    }

    #[test]
    fn cuts_words_longer_than_a_line() {
        let ls = wrap(&[("x".repeat(25), Style::default())], 0, 2, 10);
        assert_eq!(plain(&ls), vec!["xxxxxxxxxx", "  xxxxxxxx", "  xxxxxxx"]);
    }
}
