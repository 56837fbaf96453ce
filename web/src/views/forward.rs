//! Forward: the VMM profile switch, the host facts and VMM options (as `smmu forward`'s
//! flags), the selected profile's answer and the strict verdict per field.

use super::table::{self, Cell};
use super::{class_colour, hex, hex_opt, Cx};
use crate::analysis::vmm_result;
use crate::state::{Named, VmmProfile, FWD_OPTIONS};
use egui::{Color32, RichText, Ui};
use smmu_core::forward::ForwardReport;

#[derive(Default)]
pub struct ForwardView;

/// The option boxes and the VMM profile switch (Forward and Guest IDRs).
pub fn options(ui: &mut Ui, cx: &mut Cx) {
    egui::CollapsingHeader::new("Host facts and VMM options (as smmu forward's flags)").id_salt("fwdopts").show(
        ui,
        |ui| {
            ui.horizontal_wrapped(|ui| {
                for (key, label, hint) in FWD_OPTIONS {
                    ui.horizontal(|ui| {
                        let l = ui.label(*label);
                        let v = cx.state.fwd.entry(key.to_string()).or_default();
                        if ui
                            .add(egui::TextEdit::singleline(v).hint_text(*hint).desired_width(150.0))
                            .labelled_by(l.id)
                            .changed()
                        {
                            cx.forward_dirty = true;
                        }
                    });
                }
            });
        },
    );
    ui.horizontal_wrapped(|ui| {
        ui.label("VMM profile:");
        for v in VmmProfile::ALL {
            if ui.radio(cx.state.vmm == *v, v.label()).clicked() {
                cx.state.vmm = *v;
            }
        }
    });
}

/// The selected VMM profile's answer: accepts or refuses, with its messages.
pub fn vmm_answer(ui: &mut Ui, r: &ForwardReport, v: VmmProfile) {
    let Some(m) = vmm_result(r, v) else { return };
    let (t, c) = if m.accepts {
        (format!("{} accepts this host", m.name), Color32::from_rgb(0x3a, 0xa0, 0x55))
    } else {
        (format!("{} refuses this host", m.name), ui.visuals().error_fg_color)
    };
    ui.label(RichText::new(t).strong().color(c));
    for msg in &m.messages {
        ui.add(egui::Label::new(RichText::new(msg).monospace()).wrap());
    }
    if !m.exceeds_strict.is_empty() {
        let list: Vec<String> = m
            .exceeds_strict
            .iter()
            .map(|e| format!("{}.{} = {} (strict {})", e.register, e.field, hex(e.value), hex(e.strict)))
            .collect();
        ui.add(
            egui::Label::new(
                RichText::new(format!("Presents more than the strict verdict allows: {}", list.join(", ")))
                    .color(ui.visuals().warn_fg_color),
            )
            .wrap(),
        );
    }
    ui.separator();
}

impl ForwardView {
    pub fn show(&mut self, ui: &mut Ui, cx: &mut Cx) {
        options(ui, cx);
        let vmm = cx.state.vmm;
        let q = cx.state.search.trim().to_lowercase();
        let Some(r) = cx.report(ui) else { return };
        vmm_answer(ui, r, vmm);
        ui.label(
            RichText::new(
                "Strict verdict per field: what a careful VMM presents, and why (hover a reason for its references).",
            )
            .small(),
        );
        let rows: Vec<Vec<Cell>> = r
            .verdicts
            .iter()
            .filter(|v| q.is_empty() || format!("{}.{} {}", v.register, v.field, v.reason).to_lowercase().contains(&q))
            .map(|v| {
                let mut tip = v.refs.join("\n");
                if !v.would_change.is_empty() {
                    tip = format!("{tip}\nWould change: {}", v.would_change);
                }
                vec![
                    Cell::mono(v.register),
                    Cell::mono(v.field),
                    Cell::mono(hex_opt(v.host)),
                    Cell::mono(hex(v.guest)).hover(&v.guest_meaning),
                    Cell::text(v.class.name()).strong().colour(class_colour(v.class)),
                    Cell::text(&v.reason).hover(tip),
                ]
            })
            .collect();
        table::show(
            ui,
            egui::Id::NULL.with("verdicts"),
            &["Register", "Field", "Host", "Guest", "Class", "Reason"],
            &rows,
            5,
        );
        if !r.notes.is_empty() {
            ui.separator();
            ui.strong("Notes");
            for n in &r.notes {
                ui.add(egui::Label::new(n).wrap());
            }
        }
    }
}
