//! One module per view, each a state struct implementing [`super::view::View`] over the
//! read-only [`super::view::Model`]; drawing helpers shared by the views.

pub mod diff;
pub mod edit;
pub mod forwarding;
pub mod overview;
pub mod queues;
pub mod registers;
pub mod streams;
pub mod walk;

use super::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

/// The honest panel for data this build cannot produce (yet), or input that lacks it.
pub fn unavailable(f: &mut Frame, t: &Theme, area: Rect, title: &str, why: &str, hint: &[&str]) {
    let mut lines = vec![Line::from(vec![Span::styled(why.to_string(), t.warn)]), Line::raw("")];
    lines.extend(hint.iter().map(|h| Line::styled(h.to_string(), t.dim)));
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(format!(" {title} ")).border_style(t.border)),
        area,
    );
}

/// A bordered block with the theme's title style.
pub fn block<'a>(t: &Theme, title: impl Into<String>) -> Block<'a> {
    Block::bordered().title(Span::styled(format!(" {} ", title.into()), t.title)).border_style(t.border)
}

/// A pane's block, its border and title marked when it has the focus (the keys act on it).
pub fn focused_block<'a>(t: &Theme, title: impl Into<String>, focused: bool) -> Block<'a> {
    if focused {
        Block::bordered()
            .title(Span::styled(format!("◆ {} ", title.into()), t.title))
            .border_type(ratatui::widgets::BorderType::Thick)
            .border_style(t.title)
    } else {
        block(t, title)
    }
}

/// The inner area of a bordered block.
pub fn inner(area: Rect) -> Rect {
    Block::bordered().inner(area)
}

/// A core message without the command-line hint some carry ("...; pass --kernel", "(--fw-coherent)"):
/// the explorer has no flags, so it says what is assumed and leaves out how to change it on
/// the command line.
pub fn without_flags(msg: &str) -> String {
    let mut out = msg.to_string();
    for lead in ["; pass --", "; give --", "; say so with --", ", pass --", " pass --"] {
        if let Some(i) = out.find(lead) {
            // The hint runs to the end of its clause.
            let rest = &out[i + lead.len()..];
            let end = rest.find([';', ')']).map(|e| i + lead.len() + e).unwrap_or(out.len());
            out.replace_range(i..end, "");
        }
    }
    while let Some(i) = out.find(" (--") {
        let end = out[i..].find(')').map(|e| i + e + 1).unwrap_or(out.len());
        out.replace_range(i..end, "");
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn flag_hints_are_left_out() {
        assert_eq!(super::without_flags("oas 44 < 48; pass --cpu-pa-bits if the CPUs differ"), "oas 44 < 48");
        assert_eq!(
            super::without_flags("coherency then rests on firmware (--fw-coherent)"),
            "coherency then rests on firmware"
        );
        assert_eq!(super::without_flags("no flag here (really)"), "no flag here (really)");
    }
}
