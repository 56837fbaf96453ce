//! Builders: core results into presentation documents.

use super::{Document, FieldRow, Span, Tone};
use crate::queues::cmd::CommandInfo;
use crate::queues::event::EventInfo;
use crate::structs::StructureReport;

fn rows_of(fields: &[crate::model::FieldInfo]) -> Vec<FieldRow> {
    fields.iter().map(FieldRow::from).collect()
}

/// A decoded STE or CD with its legality and, for an STE, the guest vSTE verdict.
pub fn structure(r: &StructureReport) -> Document {
    let mut d = Document::new();
    d.heading(r.layout, Some(format!("IHI 0070 {}", r.section)));
    d.kv("words", vec![Span::new(r.words.join(" "), Tone::Value)]);
    let rows = r
        .fields
        .iter()
        .map(|f| FieldRow {
            name: f.name.to_string(),
            bits: f.bits.clone(),
            value: f.value,
            meaning: f.meaning.clone(),
            section: f.section.to_string(),
            since: "3.0".into(),
            absent: None,
            problems: vec![],
            // V and Config are of interest even when 0.
            pinned: matches!(f.name, "V" | "Config"),
        })
        .collect::<Vec<_>>();
    d.fields(rows, false);
    d.bullets(r.problems.iter().map(|p| vec![Span::new(format!("problem: {p}"), Tone::Warn)]).collect());
    if r.legality.valid {
        d.text(vec![Span::new("valid: the SMMU accepts this structure", Tone::Good)]);
    } else {
        d.text(vec![Span::new(
            format!(
                "{}: the SMMU would record this for any transaction using it",
                r.legality.event.unwrap_or("invalid")
            ),
            Tone::Bad,
        )]);
        d.bullets(
            r.legality
                .rules
                .iter()
                .map(|rule| {
                    vec![
                        Span::plain(rule.rule.clone()),
                        Span::new(format!(" ({}; IHI 0070 {})", rule.field, rule.section), Tone::Dim),
                    ]
                })
                .collect(),
        );
    }
    if !r.legality.unchecked.is_empty() {
        d.text(vec![Span::new(
            format!("not checked (the SMMU's ID registers are not known): {}", r.legality.unchecked.join(", ")),
            Tone::Dim,
        )]);
    }
    if let Some(v) = &r.guest_vste {
        d.kv(
            "as a guest vSTE (Linux iommufd nesting)",
            vec![
                Span::new(
                    if v.accepted { "accepted" } else { "rejected (-EIO)" },
                    if v.accepted { Tone::Good } else { Tone::Bad },
                ),
                Span::plain(format!(": {}", v.effect)),
            ],
        );
        d.bullets(v.reasons.iter().map(|w| vec![Span::plain(w.clone())]).collect());
    }
    d
}

/// A decoded event record: what happened, the likely cause, every field, problems.
pub fn event(e: &EventInfo) -> Document {
    let mut d = Document::new();
    d.heading(format!("{} ({}) {}", e.type_name, e.code, e.description), Some(format!("IHI 0070 {}", e.section)));
    d.text(vec![Span::plain(e.summary.clone())]);
    if !e.advice.is_empty() {
        d.kv("likely cause", vec![Span::plain(e.advice)]);
    }
    d.fields(rows_of(&e.fields), true);
    d.bullets(e.problems.iter().map(|p| vec![Span::new(format!("problem: {p}"), Tone::Warn)]).collect());
    d
}

/// A decoded command: fields, CERROR_ILL reasons, what iommufd does with it from a guest.
pub fn command(c: &CommandInfo) -> Document {
    let mut d = Document::new();
    d.heading(format!("{} ({}) {}", c.name, c.opcode, c.description), Some(format!("IHI 0070 {}", c.section)));
    d.text(vec![Span::plain(c.summary.clone())]);
    d.fields(rows_of(&c.fields), true);
    if c.problems.is_empty() {
        d.text(vec![Span::new("legal: no CERROR_ILL reason found", Tone::Good)]);
    }
    d.bullets(
        c.problems
            .iter()
            .map(|p| {
                vec![Span::new(
                    format!("{}: {} [{}]", p.kind, p.message, p.section),
                    if p.kind == "CERROR_ILL" { Tone::Bad } else { Tone::Warn },
                )]
            })
            .collect(),
    );
    let g = &c.iommufd;
    d.kv(
        "iommufd (guest IOMMU_VIOMMU_INVALIDATE)",
        vec![
            Span::new(
                if g.accepted { "accepted" } else { "rejected" },
                if g.accepted { Tone::Good } else { Tone::Bad },
            ),
            Span::plain(format!(": {}; {}", g.rewrite, g.explanation)),
        ],
    );
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::present::text::{render, Options};

    #[test]
    fn event_document_has_the_records_facts() {
        // F_TRANSLATION (0x10) for StreamID 0x18, as Linux printed it from QEMU 10.0
        // (tests/data/qemu-s1-4k): DW0 0x0000001800000010, InputAddr 0x12345000.
        let e = crate::queues::event::decode(&[0x0000_0018_0000_0010, 0x0000_0000_8000_0000, 0x1234_5000, 0]);
        let t = render(&event(&e), &Options::email());
        assert!(t.starts_with("F_TRANSLATION (0x10)"), "{t}");
        assert!(t.contains("0x18"), "{t}");
        for l in t.lines() {
            assert!(l.chars().count() <= 76, "{l:?}");
        }
    }
}
