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

/// A JSON scalar as display text (strings unquoted).
pub fn jtext(v: Option<&serde_json::Value>) -> String {
    match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Array(a)) => a.iter().map(|x| jtext(Some(x))).collect::<Vec<_>>().join(", "),
        Some(other) => other.to_string(),
    }
}
