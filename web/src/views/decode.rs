//! Decode: the derived facts, what a chosen Linux would print at probe, and every register
//! with every field (bits, value, meaning, spec section; problems flagged).

use super::table::{self, Cell};
use super::Cx;
use egui::{RichText, Ui};

pub struct DecodeView {
    /// Index into `smmu_core::linux::TABLES` of the kernel whose probe is shown.
    pub linux_kernel: usize,
}

impl Default for DecodeView {
    fn default() -> Self {
        DecodeView { linux_kernel: smmu_core::linux::TABLES.len().saturating_sub(1) }
    }
}

impl DecodeView {
    pub fn show(&mut self, ui: &mut Ui, cx: &mut Cx) {
        let a = cx.analysis;
        if let Some(e) = &a.error {
            super::error(ui, e);
        }
        if let Some((name, desc)) = &a.scenario {
            ui.strong(format!("Scenario {name}"));
            ui.add(egui::Label::new(desc).wrap());
        }
        for n in &a.notes {
            ui.weak(n);
        }
        self.linux_line(ui, cx);
        if !a.summary.is_empty() {
            egui::CollapsingHeader::new(RichText::new("Derived facts").strong()).default_open(true).show(ui, |ui| {
                let rows: Vec<Vec<Cell>> =
                    a.summary.iter().map(|(k, v)| vec![Cell::text(*k).strong(), Cell::text(v)]).collect();
                table::show(ui, egui::Id::NULL.with("summary"), &["Fact", "Value"], &rows, 1);
            });
        }
        for r in &a.registers {
            let title = format!("{}  {}  {}  (§{})", r.name, r.value, r.description, r.section);
            egui::CollapsingHeader::new(RichText::new(title).monospace()).id_salt(r.name).default_open(true).show(
                ui,
                |ui| {
                    let rows: Vec<Vec<Cell>> = r
                        .fields
                        .iter()
                        .map(|f| {
                            let meaning = if f.flags.is_empty() {
                                Cell::text(&f.meaning)
                            } else {
                                Cell::text(format!("{} (!) {}", f.meaning, f.flags.join("; ")))
                                    .colour(ui.visuals().warn_fg_color)
                            };
                            vec![
                                Cell::mono(f.name).hover(f.desc),
                                Cell::mono(bits(f.lsb, f.width)),
                                Cell::mono(super::hex(f.value)),
                                Cell::text(format!("§{}", f.section)).weak(),
                                meaning,
                            ]
                        })
                        .collect();
                    table::show(
                        ui,
                        egui::Id::NULL.with(r.name),
                        &["Field", "Bits", "Value", "Section", "Meaning"],
                        &rows,
                        4,
                    );
                    for p in &r.problems {
                        ui.label(RichText::new(format!("! {p}")).color(ui.visuals().warn_fg_color));
                    }
                },
            );
        }
    }

    /// "Linux VER would print": the modelled probe of the chosen kernel (smmu_core::linux).
    fn linux_line(&mut self, ui: &mut Ui, cx: &Cx) {
        use smmu_core::linux::{self, ProbeOptions, TABLES};
        let Some(regs) = cx.analysis.regs() else { return };
        let Some(table) = TABLES.get(self.linux_kernel).or(TABLES.last()) else { return };
        let o = ProbeOptions { kernel: Some(table.version), ..Default::default() };
        let probe = linux::probe(regs, &o);
        ui.horizontal_wrapped(|ui| {
            egui::ComboBox::new("linux-kernel", "kernel").selected_text(format!("Linux {}", table.name())).show_ui(
                ui,
                |ui| {
                    for (i, t) in TABLES.iter().enumerate() {
                        ui.selectable_value(&mut self.linux_kernel, i, format!("Linux {}", t.name()));
                    }
                },
            );
            match &probe {
                Ok(p) => {
                    let text = RichText::new(p.one_line()).monospace();
                    let text = if p.probe_fails.is_some() { text.color(ui.visuals().warn_fg_color) } else { text };
                    ui.add(egui::Label::new(text).wrap());
                }
                Err(e) => {
                    ui.label(RichText::new(e).weak());
                }
            }
        });
        if let Ok(p) = probe {
            egui::CollapsingHeader::new(RichText::new(p.heading()).strong())
                .id_salt("linux-probe")
                .default_open(false)
                .show(ui, |ui| {
                    for l in p.text_lines().iter().skip(1) {
                        ui.monospace(l);
                    }
                });
        }
    }
}

pub fn bits(lsb: u16, width: u8) -> String {
    if width <= 1 {
        format!("[{lsb}]")
    } else {
        format!("[{}:{lsb}]", lsb as u32 + width as u32 - 1)
    }
}
