//! The egui renderer of the core presentation document ([`smmu_core::present::Document`]):
//! headings, lines of toned spans, key/value rows, field tables, bullets and sections. The
//! CLI text and the terminal explorer draw the same documents.

use super::table::{self, Cell};
use egui::text::LayoutJob;
use egui::{Color32, FontId, TextFormat, TextStyle, Ui};
use smmu_core::present::{Block, Document, Line, Tone};

/// The colour of a tone in the current theme.
pub fn tone_colour(ui: &Ui, t: Tone) -> Color32 {
    let v = ui.visuals();
    match t {
        Tone::Plain => v.text_color(),
        Tone::Strong => v.strong_text_color(),
        Tone::Dim => v.weak_text_color(),
        Tone::Value => {
            if v.dark_mode {
                Color32::from_rgb(0x8c, 0xc4, 0xff)
            } else {
                Color32::from_rgb(0x1a, 0x4f, 0x9c)
            }
        }
        Tone::Good => {
            if v.dark_mode {
                Color32::from_rgb(0x5c, 0xc8, 0x70)
            } else {
                Color32::from_rgb(0x1d, 0x7a, 0x33)
            }
        }
        Tone::Warn => v.warn_fg_color,
        Tone::Bad => v.error_fg_color,
    }
}

/// A line of spans as one wrapping label.
pub fn line(ui: &mut Ui, prefix: &str, l: &Line) -> egui::Response {
    let font: FontId = TextStyle::Body.resolve(ui.style());
    let mut job = LayoutJob::default();
    if !prefix.is_empty() {
        job.append(prefix, 0.0, TextFormat::simple(font.clone(), ui.visuals().strong_text_color()));
    }
    for s in l {
        job.append(&s.text, 0.0, TextFormat::simple(font.clone(), tone_colour(ui, s.tone)));
    }
    ui.add(egui::Label::new(job).wrap())
}

/// Draws a document. `id` keeps the sections' open state apart between documents.
pub fn show(ui: &mut Ui, id: impl std::hash::Hash + std::fmt::Debug, doc: &Document) {
    blocks(ui, egui::Id::NULL.with(id), &doc.blocks);
}

fn blocks(ui: &mut Ui, id: egui::Id, bs: &[Block]) {
    for (i, b) in bs.iter().enumerate() {
        match b {
            Block::Heading { text, reference } => {
                ui.horizontal_wrapped(|ui| {
                    ui.strong(text);
                    if let Some(r) = reference {
                        ui.weak(r);
                    }
                });
            }
            Block::Text { line: l } => {
                line(ui, "", l);
            }
            Block::KeyValue { key, value } => {
                line(ui, &format!("{key}: "), value);
            }
            Block::Fields { rows, all } => {
                let shown: Vec<_> = rows.iter().filter(|r| *all || r.notable()).collect();
                let cells: Vec<Vec<Cell>> = shown
                    .iter()
                    .map(|r| {
                        let mut meaning = r.meaning.clone();
                        if let Some(a) = &r.absent {
                            meaning = format!("{meaning} (absent: {a})");
                        }
                        let problem = !r.problems.is_empty();
                        if problem {
                            meaning = format!("{meaning} (!) {}", r.problems.join("; "));
                        }
                        vec![
                            Cell::mono(&r.name),
                            Cell::mono(&r.bits),
                            Cell::mono(format!("{:#x}", r.value)),
                            if problem {
                                Cell::text(meaning).colour(ui.visuals().warn_fg_color)
                            } else {
                                Cell::text(meaning)
                            },
                            Cell::text(format!("§{}", r.section)).weak(),
                        ]
                    })
                    .collect();
                table::show(ui, id.with(i), &["Field", "Bits", "Value", "Meaning", "Section"], &cells, 3);
                let hidden = rows.len() - shown.len();
                if hidden > 0 {
                    ui.weak(format!("{hidden} fields that are 0 not shown"));
                }
            }
            Block::Bullets { items } => {
                for it in items {
                    line(ui, "• ", it);
                }
            }
            Block::Section { title, blocks: inner } => {
                egui::CollapsingHeader::new(egui::RichText::new(title).strong())
                    .id_salt(id.with(i))
                    .default_open(true)
                    .show(ui, |ui| blocks(ui, id.with(i), inner));
            }
        }
    }
}
