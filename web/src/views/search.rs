//! The field search: every decoded field whose name, description or meaning matches.

use super::table::{self, Cell};
use super::Cx;
use egui::Ui;

pub fn show(ui: &mut Ui, cx: &Cx) {
    let q = cx.state.search.trim().to_lowercase();
    ui.strong(format!("Fields matching \"{}\"", cx.state.search.trim()));
    let mut rows = vec![];
    for r in &cx.analysis.registers {
        for f in &r.fields {
            let full = format!("{}.{}", r.name, f.name);
            let hit = full.to_lowercase().contains(&q)
                || f.meaning.to_lowercase().contains(&q)
                || f.desc.to_lowercase().contains(&q);
            if hit {
                rows.push(vec![
                    Cell::mono(full),
                    Cell::mono(super::decode::bits(f.lsb, f.width)),
                    Cell::mono(super::hex(f.value)),
                    Cell::text(&f.meaning),
                    Cell::text(format!("§{}", f.section)).weak(),
                ]);
            }
        }
    }
    if rows.is_empty() {
        ui.label("No decoded field matches.");
    } else {
        table::show(ui, egui::Id::NULL.with("search"), &["Field", "Bits", "Value", "Meaning", "Section"], &rows, 3);
    }
}
