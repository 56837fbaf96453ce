//! 5 Walk: SID/SSID/IOVA/access inputs; step forward and back one descriptor read at a
//! time; for nested walks the grid of stage-1 levels against the stage-2 walks they
//! trigger; the fault's event record. Renders the `smmu walk --json` contract: outcome,
//! pa, event, steps[{stage, level, kind, address, value, explanation}].

use super::super::app::{App, WalkState};
use super::jtext;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

const LABELS: [&str; 4] = ["SID", "SSID", "IOVA", "access"];

pub fn step_count(w: &WalkState) -> usize {
    match &w.result {
        Some(Ok(v)) => v.get("steps").and_then(|s| s.as_array()).map(|a| a.len()).unwrap_or(0),
        _ => 0,
    }
}

pub fn draw(f: &mut Frame, app: &mut App, area: Rect) {
    let t = app.theme;
    let [form, body] = Layout::vertical([Constraint::Length(3), Constraint::Min(3)]).areas(area);
    let mut spans = Vec::new();
    for (i, l) in LABELS.iter().enumerate() {
        let editing = app.walk.editing == Some(i);
        spans.push(Span::styled(format!("{l} "), t.dim));
        let val = if editing { format!("{}_", app.walk.inputs[i]) } else { app.walk.inputs[i].clone() };
        let val = if val.is_empty() { "-".to_string() } else { val };
        spans.push(Span::styled(format!("{val:<10}"), if editing { t.selected } else { t.accent }));
        spans.push(Span::raw("  "));
    }
    f.render_widget(
        Paragraph::new(Line::from(spans)).block(super::block(&t, "Walk inputs (e to edit, Enter runs, Left/Right step)")),
        form,
    );
    let lines: Vec<Line> = match &app.walk.result {
        None => vec![
            Line::styled("Press e (or Enter) to edit the inputs, then Enter to run the walk.", t.dim),
            Line::styled("Each descriptor read of the walk is a step: Right/l steps forward, Left/h back.", t.dim),
        ],
        Some(Err(e)) => vec![Line::styled(e.clone(), t.warn)],
        Some(Ok(v)) => {
            let steps = v.get("steps").and_then(|s| s.as_array()).cloned().unwrap_or_default();
            let mut out = vec![Line::from(vec![
                Span::styled("Outcome ", t.dim),
                Span::styled(jtext(v.get("outcome")), t.title),
                Span::styled(format!("  PA {}", jtext(v.get("pa"))), t.accent),
                Span::styled(format!("  step {}/{}", app.walk.step, steps.len()), t.dim),
            ])];
            for (i, s) in steps.iter().take(app.walk.step).enumerate() {
                out.push(Line::from(vec![
                    Span::styled(format!("{:>2} S{} L{} {:<10}", i + 1, jtext(s.get("stage")), jtext(s.get("level")), jtext(s.get("kind"))), t.text),
                    Span::styled(format!(" @{} = {} ", jtext(s.get("address")), jtext(s.get("value"))), t.accent),
                    Span::styled(jtext(s.get("explanation")), t.dim),
                ]));
            }
            if app.walk.step >= steps.len() {
                if let Some(ev) = v.get("event").filter(|e| !e.is_null()) {
                    out.push(Line::styled(format!("Event: {}", ev), t.bad));
                }
            }
            out
        }
    };
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(super::block(&t, "Trace")), body);
}

pub fn focused_text(app: &App) -> Option<String> {
    match &app.walk.result {
        Some(Ok(v)) => serde_json::to_string_pretty(v).ok(),
        _ => None,
    }
}
