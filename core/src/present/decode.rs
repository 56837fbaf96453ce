//! A decoded register dump as a presentation document: every register with its fields
//! (meaning, section, version), the derived summary, warnings and the Linux probe. What
//! `smmu decode --format email` prints.

use super::{Document, FieldRow, Span, Tone};
use crate::decode::DecodeOutput;
use crate::linux::output::ProbeOut;

/// The document of `smmu decode`; `probe` adds what Linux would make of the registers.
pub fn document(out: &DecodeOutput, probe: Option<&ProbeOut>) -> Document {
    let mut d = Document::new();
    for r in &out.registers {
        let mut reg = Document::new();
        reg.text(vec![Span::new(format!("{} (IHI 0070 {})", r.description, r.section), Tone::Dim)]);
        reg.fields(r.fields.iter().map(FieldRow::from).collect(), true);
        let loose: Vec<_> = r
            .problems
            .iter()
            .filter(|p| !r.fields.iter().any(|f| f.flags.contains(p)))
            .map(|p| vec![Span::new(format!("! {p}"), Tone::Warn)])
            .collect();
        reg.bullets(loose);
        d.section(format!("SMMU_{} @ {} = {}", r.name, r.offset, r.value), reg);
    }
    let mut sum = Document::new();
    for (label, text) in out.summary.lines() {
        sum.kv(label, vec![Span::plain(text)]);
    }
    if out.summary.warnings.is_empty() {
        sum.text(vec![Span::new("No warnings.", Tone::Good)]);
    } else {
        sum.text(vec![Span::new(format!("Warnings ({})", out.summary.warnings.len()), Tone::Warn)]);
        sum.bullets(out.summary.warnings.iter().map(|w| vec![Span::new(format!("! {w}"), Tone::Warn)]).collect());
    }
    d.section("Summary", sum);
    if let Some(p) = probe {
        let lines = p.lines();
        let mut it = lines.iter();
        if let Some(first) = it.next() {
            let mut lx = Document::new();
            for l in it {
                let tone =
                    if l.contains("warning: ") || l.starts_with("probe fails") { Tone::Warn } else { Tone::Plain };
                lx.text(vec![Span::new(l.trim_start().to_string(), tone)]);
            }
            d.section(first.clone(), lx);
        }
    }
    d.bullets(out.notes.iter().map(|n| vec![Span::new(format!("note: {n}"), Tone::Dim)]).collect());
    d
}
