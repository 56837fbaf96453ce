//! A translation, step by step, as a presentation document: what `smmu walk` prints (text and
//! `--format email`) and what the explorer and the web app draw.

use super::{Document, Line, Span, Tone};
use crate::walk::{Access, Outcome, Step, WalkRequest, WalkResult};

fn access_name(a: Access) -> &'static str {
    match a {
        Access::Read => "read",
        Access::Write => "write",
        Access::Exec => "exec",
    }
}

/// Where a step happened: `config`, `S1 L2`, `S2`.
pub fn step_place(s: &Step) -> String {
    match (s.stage, s.level) {
        ("config", _) => "config".to_string(),
        (stg, Some(l)) => format!("S{stg} L{l}"),
        (stg, None) => format!("S{stg}"),
    }
}

/// The one-line header of a walk: `walk sid 0x18 ssid 0x1 iova 0x1000 read privileged`.
pub fn title(req: &WalkRequest) -> String {
    format!(
        "walk sid {:#x}{} iova {:#x} {} {}",
        req.sid,
        req.ssid.map(|x| format!(" ssid {x:#x}")).unwrap_or_default(),
        req.iova,
        access_name(req.access),
        if req.unpriv { "unprivileged" } else { "privileged" }
    )
}

/// The lines under a step: what stage 2 walk it serves, the index bits, the descriptor's
/// fields and the decision taken.
fn step_details(s: &Step) -> Vec<Line> {
    let mut v = vec![];
    if let Some(p) = &s.purpose {
        v.push(vec![Span::new(format!("for {p}"), Tone::Dim)]);
    }
    if let (Some(ix), Some(bits)) = (s.index, &s.index_bits) {
        v.push(vec![Span::plain(format!("index {ix} = {bits}"))]);
    }
    if !s.decode.is_empty() && s.kind != "STE" && s.kind != "CD" {
        v.push(vec![Span::new(s.decode.join(" "), Tone::Dim)]);
    }
    if !s.decision.is_empty() {
        v.push(vec![Span::plain(format!("-> {}", s.decision))]);
    }
    v
}

/// The outcome line: translated (PA, IPA, permissions, memory type), or why not.
pub fn outcome_line(r: &WalkResult) -> Line {
    match r.outcome {
        Outcome::Translated => {
            let mut t = match r.pa {
                Some(pa) => format!("translated: PA {pa:#x}"),
                None => "translated".to_string(),
            };
            if let Some(i) = r.ipa {
                t.push_str(&format!(" (IPA {i:#x})"));
            }
            if let Some(p) = &r.permissions {
                t.push_str(&format!(" {p}"));
            }
            if let Some(a) = &r.attributes {
                t.push_str(&format!(" {}", a.memory_type));
            }
            vec![Span::new(t, Tone::Good)]
        }
        Outcome::Bypass => vec![Span::new(r.summary.clone(), Tone::Warn)],
        Outcome::Abort => vec![Span::new(r.summary.clone(), Tone::Bad)],
        Outcome::MissingMemory => vec![Span::new(format!("missing memory: {}", r.summary), Tone::Warn)],
        Outcome::Incomplete => vec![Span::new(format!("incomplete snapshot: {}", r.summary), Tone::Warn)],
        Outcome::Fault => vec![Span::new(format!("fault: {}", r.summary), Tone::Bad)],
    }
}

/// The whole walk: header, every step with its details, notes, the outcome and, for a fault,
/// the event record the SMMU writes (decoded as `smmu event` does).
pub fn document(req: &WalkRequest, r: &WalkResult) -> Document {
    let mut d = Document::new();
    d.heading(title(req), Some(format!("config: {}", r.config)));
    for (i, s) in r.steps.iter().enumerate() {
        let mut line = vec![Span::new(format!("{:>2}. {:<7} {:<8}", i + 1, step_place(s), s.kind), Tone::Strong)];
        if let (Some(a), Some(v)) = (s.address, s.value) {
            line.push(Span::new(format!(" [{a:#x}] = {v:#018x} "), Tone::Value));
        } else {
            line.push(Span::plain(" "));
        }
        line.push(Span::plain(s.explanation.clone()));
        d.text(line);
        d.bullets(step_details(s));
    }
    d.bullets(r.notes.iter().map(|n| vec![Span::new(format!("note: {n}"), Tone::Dim)]).collect());
    d.text(outcome_line(r));
    if let Some(m) = &r.missing {
        d.kv("missing", vec![Span::new(format!("{} bytes at {:#x} ({})", m.len, m.address, m.what), Tone::Warn)]);
    }
    if let Some(e) = &r.event {
        let mut ev = super::build::event(&e.decoded);
        ev.blocks.insert(0, super::Block::Text { line: vec![Span::plain(e.reason.clone())] });
        ev.kv("raw", vec![Span::new(e.raw.join(" "), Tone::Value)]);
        d.section("event record", ev);
    }
    d
}
