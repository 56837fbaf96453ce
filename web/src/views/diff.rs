//! Host diff: a second host (a migration pool); which differences matter to a guest.

use super::table::{self, Cell};
use super::{hex, hex_opt, Cx};
use egui::{RichText, Ui};

#[derive(Default)]
pub struct DiffView;

impl DiffView {
    pub fn show(&mut self, ui: &mut Ui, cx: &mut Cx) {
        ui.label("A second host (a migration pool), in any input format:");
        let l = ui.label("Other host");
        if ui
            .add(
                egui::TextEdit::multiline(&mut cx.state.other)
                    .font(egui::TextStyle::Monospace)
                    .desired_rows(6)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(l.id)
            .changed()
        {
            cx.forward_dirty = true;
        }
        if cx.state.other.trim().is_empty() {
            return;
        }
        let Some(r) = cx.report(ui) else { return };
        let Some(p) = &r.pool else {
            ui.label("No pool in the result.");
            return;
        };
        if p.diff.is_empty() {
            ui.label(RichText::new("The hosts agree on every ID register field.").strong());
        }
        let warn = ui.visuals().warn_fg_color;
        let rows: Vec<Vec<Cell>> = p
            .diff
            .iter()
            .map(|d| {
                vec![
                    Cell::mono(d.register),
                    Cell::mono(d.field),
                    Cell::mono(hex_opt(d.values.first().copied().flatten())),
                    Cell::mono(hex_opt(d.values.get(1).copied().flatten())),
                    Cell::mono(hex(d.pooled_guest)),
                    if d.matters { Cell::text("yes").strong().colour(warn) } else { Cell::text("no") },
                    Cell::text(&d.why),
                ]
            })
            .collect();
        table::show(
            ui,
            egui::Id::NULL.with("pooldiff"),
            &["Register", "Field", "This host", "Other host", "Pool guest", "Matters", "Why"],
            &rows,
            6,
        );
        for c in &p.conflicts {
            ui.label(RichText::new(c).color(ui.visuals().error_fg_color));
        }
    }
}
