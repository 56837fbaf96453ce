//! Claim check: a proposed guest IDR set (a patch's cover letter, a VMM's log) against what
//! is safe on this host.

use super::table::{self, Cell};
use super::{class_colour, hex, hex_opt, Cx};
use egui::{RichText, Ui};

#[derive(Default)]
pub struct ClaimView;

impl ClaimView {
    pub fn show(&mut self, ui: &mut Ui, cx: &mut Cx) {
        ui.label("Proposed guest ID registers (from a patch's cover letter or a VMM's log), in any input format:");
        let l = ui.label("Claimed IDRs");
        if ui
            .add(
                egui::TextEdit::multiline(&mut cx.state.claim)
                    .font(egui::TextStyle::Monospace)
                    .desired_rows(6)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(l.id)
            .changed()
        {
            cx.forward_dirty = true;
        }
        if cx.state.claim.trim().is_empty() {
            return;
        }
        let Some(r) = cx.report(ui) else { return };
        let Some(c) = &r.claim else {
            ui.label("No claim check in the result.");
            return;
        };
        if c.over_claims.is_empty() {
            ui.label(RichText::new("No field over-claims: every claimed value is safe on this host.").strong());
        } else {
            ui.label(
                RichText::new(format!("{} field(s) over-claim:", c.over_claims.len()))
                    .strong()
                    .color(ui.visuals().error_fg_color),
            );
            let rows: Vec<Vec<Cell>> = c
                .over_claims
                .iter()
                .map(|o| {
                    vec![
                        Cell::mono(o.register),
                        Cell::mono(o.field),
                        Cell::mono(hex(o.claimed)),
                        Cell::mono(hex(o.safe)),
                        Cell::mono(hex_opt(o.host)),
                        Cell::text(o.class.name()).colour(class_colour(o.class)),
                        Cell::text(&o.reason),
                    ]
                })
                .collect();
            table::show(
                ui,
                egui::Id::NULL.with("overclaims"),
                &["Register", "Field", "Claimed", "Safe", "Host", "Class", "Reason"],
                &rows,
                6,
            );
        }
        for (items, t) in [(&c.under_claims, "Claimed below what is safe"), (&c.ignored, "Ignored")] {
            if !items.is_empty() {
                ui.strong(t);
                for i in items {
                    ui.add(egui::Label::new(i).wrap());
                }
            }
        }
    }
}
