//! Renders a [`Document`] as terminal text (optionally with ANSI colours) or as plain text for
//! a mailing-list reply (`--format email`: at most 76 columns, no colour). Long text wraps
//! and continues indented under its value.

use super::{Block, Document, FieldRow, Line, Span, Tone};

/// How to render.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Maximum line width in columns.
    pub width: usize,
    /// ANSI colours.
    pub ansi: bool,
    /// Show every field, not only the notable ones.
    pub all_fields: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { width: 100, ansi: false, all_fields: false }
    }
}

impl Options {
    /// Plain text for a mailing-list reply: 76 columns, no colour.
    pub fn email() -> Options {
        Options { width: 76, ansi: false, all_fields: false }
    }
}

fn paint(tone: Tone, s: &str, ansi: bool) -> String {
    if !ansi || s.is_empty() {
        return s.to_string();
    }
    let code = match tone {
        Tone::Plain => return s.to_string(),
        Tone::Strong => "1",
        Tone::Dim => "2",
        Tone::Value => "36",
        Tone::Good => "32",
        Tone::Warn => "1;33",
        Tone::Bad => "1;31",
    };
    format!("\x1b[{code}m{s}\x1b[0m")
}

/// Word-wraps a line of spans: the first line starts after `first` columns already used, the
/// following ones are indented by `indent` spaces. Returns the rendered lines (without the
/// first line's prefix).
fn wrap(line: &[Span], first: usize, indent: usize, o: &Options) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut col = first;
    let mut at_start = true;
    for span in line {
        // keep leading/trailing spaces of a span as word separators
        let mut pieces = span.text.split(' ').peekable();
        let mut first_piece = true;
        while let Some(word) = pieces.next() {
            if !first_piece {
                // a space separated this word from the previous one
                if !at_start {
                    if col + 1 > o.width {
                        out.push(std::mem::take(&mut cur));
                        cur.push_str(&" ".repeat(indent));
                        col = indent;
                        at_start = true;
                    } else {
                        cur.push(' ');
                        col += 1;
                    }
                }
            }
            first_piece = false;
            if word.is_empty() {
                continue;
            }
            let w = word.chars().count();
            if !at_start && col + w > o.width && col > indent {
                // break before the word (drop a trailing space)
                while cur.ends_with(' ') {
                    cur.pop();
                }
                out.push(std::mem::take(&mut cur));
                cur.push_str(&" ".repeat(indent));
                col = indent;
            }
            cur.push_str(&paint(span.tone, word, o.ansi));
            col += w;
            at_start = false;
            let _ = pieces.peek();
        }
    }
    while cur.ends_with(' ') {
        cur.pop();
    }
    out.push(cur);
    out
}

fn push_wrapped(out: &mut String, prefix: &str, line: &[Span], indent: usize, o: &Options) {
    let lines = wrap(line, prefix.chars().count(), indent, o);
    for (i, l) in lines.iter().enumerate() {
        if i == 0 {
            out.push_str(prefix);
        }
        out.push_str(l);
        out.push('\n');
    }
}

fn fields(out: &mut String, rows: &[FieldRow], all: bool, pad: usize, o: &Options) {
    let show_all = all || o.all_fields;
    let shown: Vec<&FieldRow> = rows.iter().filter(|r| show_all || r.notable()).collect();
    let name_w = shown.iter().map(|r| r.name.chars().count()).max().unwrap_or(4).clamp(4, 28);
    let bits_w = shown.iter().map(|r| r.bits.len()).max().unwrap_or(4).max(4);
    let val_w = shown.iter().map(|r| format!("{:#x}", r.value).len()).max().unwrap_or(3).max(3);
    for r in &shown {
        let name = format!("{:<name_w$}", r.name);
        let prefix = format!(
            "{}{} {:<bits_w$} {} ",
            " ".repeat(pad),
            paint(Tone::Strong, &name, o.ansi),
            r.bits,
            paint(Tone::Value, &format!("{:<val_w$}", format!("{:#x}", r.value)), o.ansi)
        );
        // the visible width of the prefix (without ANSI codes)
        let cols = pad + name_w.max(r.name.chars().count()) + 1 + bits_w + 1 + val_w + 1;
        let mut line: Line = vec![Span::plain(r.meaning.clone())];
        if r.since != "3.0" {
            line.push(Span::new(format!(" (SMMUv{})", r.since), Tone::Dim));
        }
        let wrapped = wrap(&line, cols, cols.min(o.width / 2), o);
        for (i, l) in wrapped.iter().enumerate() {
            if i == 0 {
                out.push_str(&prefix);
            }
            out.push_str(l);
            out.push('\n');
        }
        for p in &r.problems {
            push_wrapped(out, &" ".repeat(pad + 2), &[Span::new(format!("<- {p}"), Tone::Warn)], pad + 5, o);
        }
    }
    let hidden = rows.len() - shown.len();
    if hidden > 0 {
        let s = if hidden == 1 { "field" } else { "fields" };
        push_wrapped(
            out,
            &" ".repeat(pad),
            &[Span::new(format!("({hidden} {s} equal to 0 not shown)"), Tone::Dim)],
            pad,
            o,
        );
    }
}

fn blocks(out: &mut String, bs: &[Block], pad: usize, o: &Options) {
    for b in bs {
        match b {
            Block::Heading { text, reference } => {
                let mut line = vec![Span::new(text.clone(), Tone::Strong)];
                if let Some(r) = reference {
                    line.push(Span::new(format!(" ({r})"), Tone::Dim));
                }
                push_wrapped(out, &" ".repeat(pad), &line, pad + 2, o);
            }
            Block::Text { line } => push_wrapped(out, &" ".repeat(pad), line, pad + 2, o),
            Block::KeyValue { key, value } => {
                let prefix = format!("{}{key}: ", " ".repeat(pad));
                let k = key.chars().count();
                let indent = if k > 24 { pad + 4 } else { (pad + k + 2).min(o.width / 2) };
                let lines = wrap(value, prefix.chars().count(), indent, o);
                for (i, l) in lines.iter().enumerate() {
                    if i == 0 {
                        out.push_str(&" ".repeat(pad));
                        out.push_str(&paint(Tone::Strong, key, o.ansi));
                        out.push_str(": ");
                    }
                    out.push_str(l);
                    out.push('\n');
                }
            }
            Block::Fields { rows, all } => fields(out, rows, *all, pad + 2, o),
            Block::Bullets { items } => {
                for it in items {
                    push_wrapped(out, &format!("{}  - ", " ".repeat(pad)), it, pad + 4, o);
                }
            }
            Block::Section { title, blocks: inner } => {
                push_wrapped(out, &" ".repeat(pad), &[Span::new(title.clone(), Tone::Strong)], pad + 2, o);
                blocks(out, inner, pad + 2, o);
            }
        }
    }
}

/// Renders a document as text.
pub fn render(doc: &Document, o: &Options) -> String {
    let mut out = String::new();
    blocks(&mut out, &doc.blocks, 0, o);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_do_not_run_into_values() {
        let mut d = Document::new();
        d.fields(
            vec![FieldRow {
                name: "GERROR_IRQ_CFG0_LONG_NAME".into(),
                bits: "[63:0]".into(),
                value: 0x1234,
                meaning: "x".into(),
                section: "6.3".into(),
                since: "3.0".into(),
                absent: None,
                problems: vec![],
                pinned: false,
            }],
            true,
        );
        let t = render(&d, &Options::default());
        assert!(t.contains("GERROR_IRQ_CFG0_LONG_NAME [63:0] 0x1234 x"), "{t}");
    }

    #[test]
    fn email_wraps_at_76_and_indents_under_the_value() {
        let mut d = Document::new();
        d.kv("likely cause", vec![Span::plain("word ".repeat(40))]);
        let t = render(&d, &Options::email());
        for l in t.lines() {
            assert!(l.chars().count() <= 76, "{l:?}");
        }
        let lines: Vec<&str> = t.lines().collect();
        assert!(lines.len() > 2);
        assert!(lines[1].starts_with("              word"), "{:?}", lines[1]);
    }
}
