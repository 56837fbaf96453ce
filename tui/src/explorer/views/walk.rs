//! 5 Walk: SID/SSID/IOVA/access inputs; step forward and back one descriptor read at a
//! time; for nested walks the grid of stage-1 levels against the stage-2 walks they
//! trigger; the fault's event record. Renders smmu-core's walk result (the `smmu walk
//! --json` contract: outcome, pa, event, steps[{stage, level, kind, address, value,
//! explanation, ...}]).

use super::super::app::{App, WalkState};
use super::jtext;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use serde_json::Value;

const LABELS: [&str; 4] = ["SID", "SSID", "IOVA", "access"];

/// A JSON number as hex (StreamIDs, event codes), anything else as text.
fn jhex(v: Option<&Value>) -> String {
    match v.and_then(|x| x.as_u64()) {
        Some(n) => format!("{n:#x}"),
        None => jtext(v),
    }
}

pub fn step_count(w: &WalkState) -> usize {
    match &w.result {
        Some(Ok(v)) => steps(v).len(),
        _ => 0,
    }
}

fn steps(v: &Value) -> Vec<Value> {
    v.get("steps").and_then(|s| s.as_array()).cloned().unwrap_or_default()
}

fn stage_label(s: &Value) -> String {
    match jtext(s.get("stage")).as_str() {
        "config" => "cfg".into(),
        st => match s.get("level").and_then(|l| l.as_i64()) {
            Some(l) => format!("S{st} L{l}"),
            None => format!("S{st}"),
        },
    }
}

/// The nested grid: one row per stage-1 descriptor read (and the final output), with the
/// stage-2 levels read on its behalf, for the steps shown so far.
fn nested_grid(st: &[Value], shown: usize) -> Option<Vec<(String, Vec<i64>, bool)>> {
    let nested = st.iter().any(|s| jtext(s.get("stage")) == "2") && st.iter().any(|s| jtext(s.get("stage")) == "1");
    if !nested {
        return None;
    }
    let mut rows = Vec::new();
    let mut pending: Vec<i64> = Vec::new();
    let mut pending_purpose = String::new();
    for (i, s) in st.iter().enumerate().take(shown) {
        let stage = jtext(s.get("stage"));
        let cur = i + 1 == shown;
        if stage == "2" {
            if let Some(l) = s.get("level").and_then(|l| l.as_i64()) {
                pending.push(l);
            }
            pending_purpose = jtext(s.get("purpose"));
            if cur {
                rows.push((format!("(stage 2 for {})", if pending_purpose.is_empty() { "output" } else { &pending_purpose }), pending.clone(), true));
                return Some(rows);
            }
        } else if stage == "1" {
            rows.push((stage_label(s), std::mem::take(&mut pending), cur));
            pending_purpose.clear();
        }
    }
    if !pending.is_empty() {
        rows.push((format!("output IPA{}", if pending_purpose.is_empty() { String::new() } else { format!(" ({pending_purpose})") }), pending, false));
    }
    Some(rows)
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
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(if app.walk.unpriv { "unpriv (u)" } else { "priv (u)" }, t.accent));
    f.render_widget(Paragraph::new(Line::from(spans)).block(super::block(&t, "Walk inputs (e edits, Enter runs, Left/Right step)")), form);
    let v = match &app.walk.result {
        None => {
            let lines = vec![
                Line::styled("Press e (or Enter) to edit the inputs, Tab moves between them, Enter runs the walk.", t.dim),
                Line::styled("Each descriptor read is a step: Right/l steps forward, Left/h back.", t.dim),
                Line::raw(""),
                Line::styled("Built-in sample: SID 0x18 IOVA 0x12345000 is the DMA the kernel log reports as", t.dim),
                Line::styled("F_TRANSLATION; SID 0x8 IOVA 0xfffe5800 is a mapped virtio-blk buffer.", t.dim),
            ];
            f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(super::block(&t, "Trace")), body);
            return;
        }
        Some(Err(e)) => {
            super::unavailable(f, &t, body, "Trace", e, &[]);
            return;
        }
        Some(Ok(v)) => v,
    };
    let st = steps(v);
    let shown = app.walk.step.min(st.len());
    let grid = nested_grid(&st, shown);
    let grid_h = grid.as_ref().map(|g| g.len() as u16 + 3).unwrap_or(0);
    let [head, trace, grid_a, detail] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(grid_h),
        Constraint::Length(if v.get("event").is_some_and(|e| !e.is_null()) { 9 } else { 7 }),
    ])
    .areas(body);
    let outcome = jtext(v.get("outcome"));
    let os = if outcome == "translated" || outcome == "bypass" { t.good } else { t.bad };
    let mut hs = vec![
        Span::styled("Outcome ", t.dim),
        Span::styled(outcome.clone(), os),
    ];
    if let Some(pa) = v.get("pa").filter(|x| !x.is_null()) {
        hs.push(Span::styled(format!("  PA {}", jtext(Some(pa))), t.accent));
    }
    if let Some(ipa) = v.get("ipa").filter(|x| !x.is_null()) {
        hs.push(Span::styled(format!("  IPA {}", jtext(Some(ipa))), t.accent));
    }
    hs.push(Span::styled(format!("  {}  step {shown}/{}  ({} descriptor reads)", jtext(v.get("config")), st.len(), jtext(v.get("descriptor_reads"))), t.dim));
    f.render_widget(
        Paragraph::new(vec![Line::from(hs), Line::styled(jtext(v.get("summary")), t.text)]).wrap(Wrap { trim: true }),
        head,
    );
    // Trace: the steps shown so far, the current one highlighted, scrolled to keep it visible.
    let inner_h = super::inner(trace).height as usize;
    let first = shown.saturating_sub(inner_h.max(1));
    let mut lines = Vec::new();
    for (i, s) in st.iter().enumerate().take(shown).skip(first) {
        let cur = i + 1 == shown;
        let addr = s.get("address").filter(|x| !x.is_null()).map(|a| format!(" @{}", jtext(Some(a)))).unwrap_or_default();
        let val = s.get("value").filter(|x| !x.is_null()).map(|a| format!(" = {}", jtext(Some(a)))).unwrap_or_default();
        let style = if cur { t.selected } else { t.text };
        lines.push(Line::from(vec![
            Span::styled(format!("{:>2} {:<7} {:<8}", i + 1, stage_label(s), jtext(s.get("kind"))), style),
            Span::styled(format!("{addr}{val}  "), if cur { t.selected } else { t.accent }),
            Span::styled(jtext(s.get("explanation")), if cur { t.selected } else { t.dim }),
        ]));
    }
    if shown == 0 {
        lines.push(Line::styled("Right/l: first step", t.dim));
    }
    f.render_widget(Paragraph::new(lines).block(super::block(&t, "Trace")), trace);
    if let Some(g) = grid {
        let mut gl = vec![Line::styled(format!("{:<28} S2 L0  L1  L2  L3", "stage-1 read"), t.title)];
        for (label, levels, cur) in g {
            let mut cells = String::new();
            for l in 0..4 {
                cells.push_str(if levels.contains(&l) { "  ●  " } else { "  ·  " });
            }
            gl.push(Line::styled(format!("{label:<28}{cells}"), if cur { t.selected } else { t.text }));
        }
        f.render_widget(Paragraph::new(gl).block(super::block(&t, "Nested: stage-2 walks per stage-1 read")), grid_a);
    }
    // Detail of the current step, or the event when the walk is over.
    let mut d = Vec::new();
    if shown > 0 {
        if let Some(s) = st.get(shown - 1) {
            d.push(Line::styled(jtext(s.get("explanation")), t.text));
            let mut facts = Vec::new();
            if let Some(x) = s.get("index_bits").filter(|x| !x.is_null()) {
                facts.push(format!("index from {}", jtext(Some(x))));
            }
            if let Some(x) = s.get("index").filter(|x| !x.is_null()) {
                facts.push(format!("index {}", jtext(Some(x))));
            }
            if let Some(x) = s.get("table").filter(|x| !x.is_null()) {
                facts.push(format!("table {}", jtext(Some(x))));
            }
            if let Some(x) = s.get("purpose").filter(|x| !x.is_null()) {
                facts.push(format!("for {}", jtext(Some(x))));
            }
            if !facts.is_empty() {
                d.push(Line::styled(facts.join(", "), t.dim));
            }
            let dec = jtext(s.get("decode"));
            if !dec.is_empty() {
                d.push(Line::styled(dec, t.accent));
            }
            let dec = jtext(s.get("decision"));
            if !dec.is_empty() {
                d.push(Line::styled(format!("-> {dec}"), t.title));
            }
        }
    }
    if shown >= st.len() {
        if let Some(ev) = v.get("event").filter(|e| !e.is_null()) {
            d.push(Line::styled(
                format!(
                    "Event {} (code {}) sid {} ssid {} input {} ipa {} class {} s2 {} rnw {}: {}",
                    jtext(ev.get("type")),
                    jhex(ev.get("code")),
                    jhex(ev.get("sid")),
                    if ev.get("ssid").is_none_or(|x| x.is_null()) { "-".into() } else { jhex(ev.get("ssid")) },
                    jtext(ev.get("input_addr")),
                    jtext(ev.get("ipa")),
                    jtext(ev.get("class")),
                    jtext(ev.get("s2")),
                    jtext(ev.get("rnw")),
                    jtext(ev.get("reason"))
                ),
                t.bad,
            ));
            d.push(Line::styled(format!("raw: {}", jtext(ev.get("raw"))), t.accent));
        }
        if let Some(m) = v.get("missing").filter(|e| !e.is_null()) {
            d.push(Line::styled(format!("Not in the memory image: {} ({} bytes at {})", jtext(m.get("what")), jtext(m.get("len")), jtext(m.get("address"))), t.warn));
        }
    }
    f.render_widget(Paragraph::new(d).wrap(Wrap { trim: true }).block(super::block(&t, "Step")), detail);
}

pub fn focused_text(app: &App) -> Option<String> {
    match &app.walk.result {
        Some(Ok(v)) => serde_json::to_string_pretty(v).ok(),
        _ => None,
    }
}
