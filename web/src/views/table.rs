//! A table whose one long column (Reason, Meaning, Why) takes the width left by the others
//! and wraps at word boundaries. The short columns are as wide as their widest cell. When
//! fewer than [`MIN_WRAP`] points are left (a phone), the long column goes under its row.

use egui::{Align, Color32, Layout, RichText, Shape, TextStyle, Ui};

/// The least width the wrapping column gets beside the others.
pub const MIN_WRAP: f32 = 220.0;
/// The widest a short column gets (longer cells wrap inside it).
const MAX_SHORT: f32 = 240.0;

#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub text: String,
    pub mono: bool,
    pub strong: bool,
    pub weak: bool,
    pub colour: Option<Color32>,
    pub hover: Option<String>,
}

impl Cell {
    pub fn text(t: impl Into<String>) -> Cell {
        Cell { text: t.into(), ..Default::default() }
    }
    pub fn mono(t: impl Into<String>) -> Cell {
        Cell { text: t.into(), mono: true, ..Default::default() }
    }
    pub fn strong(mut self) -> Cell {
        self.strong = true;
        self
    }
    pub fn weak(mut self) -> Cell {
        self.weak = true;
        self
    }
    pub fn colour(mut self, c: Color32) -> Cell {
        self.colour = Some(c);
        self
    }
    pub fn hover(mut self, h: impl Into<String>) -> Cell {
        let h = h.into();
        if !h.trim().is_empty() {
            self.hover = Some(h);
        }
        self
    }
    fn rich(&self) -> RichText {
        let mut r = RichText::new(&self.text);
        if self.mono {
            r = r.monospace();
        }
        if self.strong {
            r = r.strong();
        }
        if self.weak {
            r = r.weak();
        }
        if let Some(c) = self.colour {
            r = r.color(c);
        }
        r
    }
    fn width(&self, ui: &Ui) -> f32 {
        let style = if self.mono { TextStyle::Monospace } else { TextStyle::Body };
        let font = style.resolve(ui.style());
        self.text
            .lines()
            .map(|l| ui.painter().layout_no_wrap(l.to_string(), font.clone(), Color32::WHITE).size().x)
            .fold(0.0, f32::max)
    }
}

fn cell(ui: &mut Ui, c: &Cell) {
    let r = ui.add(egui::Label::new(c.rich()).wrap());
    if let Some(h) = &c.hover {
        r.on_hover_text(h);
    }
}

/// Draws `rows` under `headers`; column `wrap` takes the remaining width.
pub fn show(ui: &mut Ui, id: egui::Id, headers: &[&str], rows: &[Vec<Cell>], wrap: usize) {
    let _ = id;
    let gap = ui.spacing().item_spacing.x + 6.0;
    let avail = ui.available_width();
    let head: Vec<Cell> = headers.iter().map(|h| Cell::text(*h).strong()).collect();
    let n = headers.len();
    let mut widths = vec![0f32; n];
    for r in std::iter::once(&head).chain(rows.iter()) {
        for (j, c) in r.iter().enumerate().take(n) {
            if j != wrap {
                widths[j] = widths[j].max(c.width(ui).min(MAX_SHORT));
            }
        }
    }
    let short: f32 = widths.iter().enumerate().filter(|(j, _)| *j != wrap).map(|(_, w)| w + gap).sum();
    let left = avail - short;
    let stacked = wrap < n && left < MIN_WRAP;
    if wrap < n {
        widths[wrap] = if stacked { 0.0 } else { left.max(MIN_WRAP) };
    }
    // A phone: even the short columns do not fit side by side; each row flows as a card.
    let cards = stacked && short > avail;
    let faint = ui.visuals().faint_bg_color;
    for (ri, r) in std::iter::once(&head).chain(rows.iter()).enumerate() {
        let bg = ui.painter().add(Shape::Noop);
        let mut rect = if cards {
            ui.horizontal_wrapped(|ui| {
                for (j, c) in r.iter().enumerate().take(n) {
                    if j != wrap {
                        cell(ui, c);
                    }
                }
            })
            .response
            .rect
        } else {
            ui.horizontal_top(|ui| {
                ui.spacing_mut().item_spacing.x = gap;
                for (j, c) in r.iter().enumerate().take(n) {
                    if stacked && j == wrap {
                        continue;
                    }
                    let w = widths[j].max(1.0);
                    ui.allocate_ui_with_layout(egui::vec2(w, 0.0), Layout::top_down(Align::Min), |ui| {
                        ui.set_width(w);
                        cell(ui, c);
                    });
                }
            })
            .response
            .rect
        };
        if stacked {
            if let Some(c) = r.get(wrap).filter(|c| !c.text.is_empty()) {
                let w = (avail - 16.0).max(40.0);
                let below = ui
                    .horizontal_top(|ui| {
                        ui.add_space(16.0);
                        ui.allocate_ui_with_layout(egui::vec2(w, 0.0), Layout::top_down(Align::Min), |ui| {
                            ui.set_width(w);
                            cell(ui, c);
                        });
                    })
                    .response
                    .rect;
                rect = rect.union(below);
            }
        }
        if ri % 2 == 1 {
            ui.painter().set(bg, Shape::rect_filled(rect.expand(1.0), 2.0, faint));
        }
    }
}
