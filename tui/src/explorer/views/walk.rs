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

/// One row of the nested grid: the stage-2 walk done for one purpose (the CD's IPA, a
/// stage-1 table's IPA, the output IPA), which levels it read, and the read it enabled.
pub struct GridRow {
    pub purpose: String,
    pub levels: Vec<i64>,
    /// The descriptor read that used the translated address (`S1 L0 table`, `CD`, ...).
    pub then: String,
    /// The current step is in this row.
    pub current: bool,
}

/// The nested grid for the steps shown so far; None when the walk is not nested.
pub fn nested_grid(st: &[Value], shown: usize) -> Option<Vec<GridRow>> {
    let nested = st.iter().any(|s| jtext(s.get("stage")) == "2" && s.get("purpose").is_some_and(|p| !p.is_null()));
    if !nested {
        return None;
    }
    let mut rows: Vec<GridRow> = Vec::new();
    let mut open: Option<usize> = None;
    for (i, s) in st.iter().enumerate().take(shown) {
        let cur = i + 1 == shown;
        let stage = jtext(s.get("stage"));
        let purpose = s.get("purpose").filter(|p| !p.is_null()).map(|p| jtext(Some(p)));
        if stage == "2" {
            if purpose.is_none() && s.get("level").is_none_or(|l| l.is_null()) {
                continue; // stage 2 configuration, not a walk
            }
            let purpose = purpose.unwrap_or_else(|| "output IPA".into());
            let idx = match open {
                Some(k) if rows[k].purpose == purpose => k,
                _ => {
                    rows.push(GridRow { purpose, levels: vec![], then: String::new(), current: false });
                    rows.len() - 1
                }
            };
            if let Some(l) = s.get("level").and_then(|l| l.as_i64()) {
                rows[idx].levels.push(l);
            }
            rows[idx].current |= cur;
            open = Some(idx);
        } else {
            let kind = jtext(s.get("kind"));
            if let Some(k) = open.take() {
                if kind != "decision" {
                    rows[k].then = format!("{} {}", stage_label(s), kind);
                    rows[k].current |= cur;
                } else {
                    open = Some(k);
                }
            }
        }
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
    f.render_widget(
        Paragraph::new(Line::from(spans)).block(super::block(&t, "Walk inputs (e edits, Enter runs, Left/Right step)")),
        form,
    );
    let v = match &app.walk.result {
        None => {
            let lines = vec![
                Line::styled(
                    "Press e (or Enter) to edit the inputs, Tab moves between them, Enter runs the walk.",
                    t.dim,
                ),
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
        Constraint::Length(3),
        Constraint::Min(3),
        Constraint::Length(grid_h),
        Constraint::Length(if v.get("event").is_some_and(|e| !e.is_null()) { 9 } else { 7 }),
    ])
    .areas(body);
    let outcome = jtext(v.get("outcome"));
    let os = if outcome == "translated" || outcome == "bypass" { t.good } else { t.bad };
    let mut hs = vec![Span::styled("Outcome ", t.dim), Span::styled(outcome.clone(), os)];
    if let Some(pa) = v.get("pa").filter(|x| !x.is_null()) {
        hs.push(Span::styled(format!("  PA {}", jtext(Some(pa))), t.accent));
    }
    if let Some(ipa) = v.get("ipa").filter(|x| !x.is_null()) {
        hs.push(Span::styled(format!("  IPA {}", jtext(Some(ipa))), t.accent));
    }
    hs.push(Span::styled(
        format!(
            "  {}  step {shown}/{}  ({} descriptor reads)",
            jtext(v.get("config")),
            st.len(),
            jtext(v.get("descriptor_reads"))
        ),
        t.dim,
    ));
    let mut second = vec![Span::styled(jtext(v.get("summary")), t.text)];
    if let Some(w) = app.host().and_then(|h| h.walks.get(app.walk.suggestion)).filter(|w| w.inputs == app.walk.inputs) {
        second.push(Span::styled(
            format!(
                "  [scenario expects {}{}; s: next]",
                w.expect,
                if w.note.is_empty() { String::new() } else { format!(": {}", w.note) }
            ),
            t.dim,
        ));
    }
    f.render_widget(Paragraph::new(vec![Line::from(hs), Line::from(second)]).wrap(Wrap { trim: true }), head);
    // Trace: the steps shown so far, the current one highlighted, scrolled to keep it visible.
    let inner_h = super::inner(trace).height as usize;
    let first = shown.saturating_sub(inner_h.max(1));
    let mut lines = Vec::new();
    for (i, s) in st.iter().enumerate().take(shown).skip(first) {
        let cur = i + 1 == shown;
        let addr =
            s.get("address").filter(|x| !x.is_null()).map(|a| format!(" @{}", jtext(Some(a)))).unwrap_or_default();
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
        let mut gl = vec![Line::styled(format!("{:<40} S2:L0 L1 L2 L3  then", "stage-2 walk for"), t.title)];
        for r in g {
            let mut cells = String::from("   ");
            for l in 0..4 {
                cells.push_str(if r.levels.contains(&l) { " ● " } else { " · " });
            }
            let label: String = r.purpose.chars().take(40).collect();
            gl.push(Line::styled(
                format!("{label:<40}{cells}  {}", r.then),
                if r.current { t.selected } else { t.text },
            ));
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
    // The walk is over: the event record first (what the SMMU writes), then the step.
    if shown >= st.len() {
        let mut e = Vec::new();
        if let Some(ev) = v.get("event").filter(|e| !e.is_null()) {
            e.push(Line::styled(
                format!(
                    "Event {} ({}) S2={} CLASS={} sid {} ssid {} input {} ipa {} RnW={} PnU={} InD={}",
                    jtext(ev.get("type")),
                    jtext(ev.get("code")),
                    jtext(ev.get("s2")),
                    jtext(ev.get("class")),
                    jhex(ev.get("sid")),
                    if ev.get("ssid").is_none_or(|x| x.is_null()) { "-".into() } else { jhex(ev.get("ssid")) },
                    jtext(ev.get("input_addr")),
                    if ev.get("ipa").is_none_or(|x| x.is_null()) { "-".into() } else { jtext(ev.get("ipa")) },
                    jtext(ev.get("rnw")),
                    jtext(ev.get("pnu")),
                    jtext(ev.get("ind")),
                ),
                t.bad,
            ));
            e.push(Line::styled(format!("raw: {}", jtext(ev.get("raw"))), t.accent));
            e.push(Line::styled(jtext(ev.get("reason")), t.text));
        }
        if let Some(m) = v.get("missing").filter(|e| !e.is_null()) {
            e.push(Line::styled(
                format!(
                    "Not in the memory image: {} ({} bytes at {})",
                    jtext(m.get("what")),
                    jtext(m.get("len")),
                    jtext(m.get("address"))
                ),
                t.warn,
            ));
        }
        e.append(&mut d);
        d = e;
    }
    f.render_widget(
        Paragraph::new(d).wrap(Wrap { trim: true }).scroll((app.detail_scroll, 0)).block(super::block(&t, "Step")),
        detail,
    );
}

pub fn focused_text(app: &App) -> Option<String> {
    match &app.walk.result {
        Some(Ok(v)) => serde_json::to_string_pretty(v).ok(),
        _ => None,
    }
}
