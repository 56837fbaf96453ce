//! The Encode tab: build or change an STE, CD, L1STD, L1CD, command, event record or
//! descriptor field by field (teaching: "what does S2SL0 = 2 mean?"). A kind selector, a
//! row per field with a value box (or a combo of the field's encodings), the words (and a C
//! initializer) and the legality below. Everything comes from smmu-core's encoder
//! ([`smmu_core::encode`]); nothing here knows a bit position.

use egui::{RichText, Ui};
use smmu_core::encode::{self, EncodeReport, Kind};
use smmu_core::model::Fmt;
use smmu_core::regset::RegisterSet;

pub struct EncodeTab {
    pub kind: Kind,
    pub words: Vec<u64>,
    /// Each field's value box, kept as typed until it encodes.
    pub texts: Vec<String>,
    /// The words box.
    pub words_text: String,
    /// The last error: the field row it belongs to (None: the words box) and the message.
    pub error: Option<(Option<usize>, String)>,
}

impl Default for EncodeTab {
    fn default() -> Self {
        let mut t = EncodeTab { kind: Kind::Ste, words: vec![], texts: vec![], words_text: String::new(), error: None };
        t.set_kind(Kind::Ste);
        t
    }
}

impl EncodeTab {
    /// Starts a new encoding of `kind`: every field 0 (but its opcode or event number).
    pub fn set_kind(&mut self, kind: Kind) {
        self.kind = kind;
        self.words = kind.base_words().unwrap_or_else(|_| vec![0; kind.layout().words()]);
        self.error = None;
        self.refresh();
    }
    /// Replaces the words (the kind follows a command's opcode or an event's number).
    pub fn set_words(&mut self, words: Vec<u64>) {
        self.kind = self.kind.of_words(&words);
        self.words = words;
        self.refresh();
    }
    fn refresh(&mut self) {
        let w = &self.words;
        self.texts = self.kind.layout().fields.iter().map(|f| encode::value_text(f, f.get(w))).collect();
        self.words_text = w.iter().map(|x| format!("{x:#x}")).collect::<Vec<_>>().join(" ");
    }
    pub fn report(&self, regs: Option<&RegisterSet>) -> EncodeReport {
        encode::report(self.kind, &self.words, regs)
    }

    /// The words, the C initializer and the non-zero fields, as "Copy text" gives them.
    pub fn text(&self, regs: Option<&RegisterSet>) -> String {
        let r = self.report(regs);
        let mut s = format!("{}: {}\nC: {}\n", self.kind, r.words_arg(), r.c_initializer);
        for x in r.fields.iter().filter(|x| x.value != 0) {
            s.push_str(&format!("  {:<13} {:>9} {:>10}  {}\n", x.name, x.bits, x.hex, x.meaning));
        }
        s
    }

    fn decode_words_box(&mut self) {
        let want = self.kind.layout().words();
        let toks: Vec<&str> =
            self.words_text.split(|c: char| c.is_whitespace() || c == ',').filter(|t| !t.is_empty()).collect();
        if toks.len() > want {
            self.error = Some((None, format!("{} words given, a {} has {want}", toks.len(), self.kind.name())));
            return;
        }
        let mut w = Vec::with_capacity(want);
        for (i, t) in toks.iter().enumerate() {
            let s = t.replace('_', "");
            let v = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
                Some(h) => u64::from_str_radix(h, 16),
                None => s.parse::<u64>(),
            };
            match v {
                Ok(v) => w.push(v),
                Err(e) => {
                    self.error = Some((None, format!("word {i} ({t:?}): {e} (hex with 0x, or decimal)")));
                    return;
                }
            }
        }
        w.resize(want, 0);
        self.error = None;
        self.set_words(w);
    }

    fn kind_selector(&mut self, ui: &mut Ui) {
        ui.horizontal_wrapped(|ui| {
            ui.strong("Kind");
            for (cat, what) in encode::CATEGORIES {
                if ui.selectable_label(self.kind.category() == *cat, *cat).on_hover_text(*what).clicked()
                    && self.kind.category() != *cat
                {
                    if let Ok(k) = Kind::first_of(cat) {
                        self.set_kind(k);
                    }
                }
            }
            let kinds = Kind::of_category(self.kind.category());
            if kinds.len() > 1 {
                let mut chosen = None;
                let l = ui.label(if self.kind.category() == "cmd" { "Command" } else { "Event" });
                egui::ComboBox::from_id_salt("encode-name")
                    .selected_text(self.kind.name())
                    .height(400.0)
                    .show_ui(ui, |ui| {
                        for k in &kinds {
                            if ui.selectable_label(*k == self.kind, k.name()).clicked() {
                                chosen = Some(*k);
                            }
                        }
                    })
                    .response
                    .labelled_by(l.id);
                if let Some(k) = chosen.filter(|k| *k != self.kind) {
                    self.set_kind(k);
                }
            }
        });
    }

    /// Draws the tab. `regs`: the SMMU's registers from the input, when it has any.
    pub fn show(&mut self, ui: &mut Ui, regs: Option<&RegisterSet>) {
        ui.label(
            RichText::new(
                "Build or change a structure field by field: the words and the legality follow each change. \
                 Values are numbers (0x hex, 0b binary, decimal), addresses, or encoding names. \
                 The SMMU's registers come from the input, when it has them.",
            )
            .small(),
        );
        self.kind_selector(ui);
        let r = self.report(regs);
        ui.label(RichText::new(format!("{} (IHI 0070 {}): {}", self.kind.name(), r.section, r.description)).strong());
        ui.horizontal(|ui| {
            let l = ui.label("Words");
            let resp = ui
                .add(
                    egui::TextEdit::singleline(&mut self.words_text)
                        .font(egui::TextStyle::Monospace)
                        .desired_width(600.0),
                )
                .labelled_by(l.id);
            let enter = resp.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button("Decode words").clicked() || enter {
                self.decode_words_box();
            }
        });
        if let Some((None, e)) = &self.error {
            ui.label(RichText::new(e).color(ui.visuals().error_fg_color));
        }
        let layout = self.kind.layout();
        let identity = self.kind.identity().ok().flatten();
        let mut change: Option<(usize, String)> = None;
        egui::Grid::new(("encode-fields", layout.name)).striped(true).num_columns(4).show(ui, |ui| {
            ui.strong("Field");
            ui.strong("Bits");
            ui.strong("Value");
            ui.strong("Meaning");
            ui.end_row();
            for (i, (f, row)) in layout.fields.iter().zip(&r.fields).enumerate() {
                let name =
                    ui.monospace(row.name).on_hover_text(format!("{} (§{}, since {})", f.desc, f.section, f.since));
                ui.monospace(&row.bits);
                let fixed = identity.is_some_and(|(id, _)| id.same(f));
                if fixed {
                    ui.monospace(&row.hex).on_hover_text("set by the kind");
                } else if f.fmt == Fmt::Enum && !f.values.is_empty() {
                    let current = match f.encoding(row.value) {
                        Some(e) => format!("{:#x} {}", e.value, e.name),
                        None => format!("{:#x} reserved", row.value),
                    };
                    egui::ComboBox::from_id_salt(("encode-enc", layout.name, i))
                        .selected_text(current)
                        .show_ui(ui, |ui| {
                            for e in f.values {
                                if ui
                                    .selectable_label(e.value == row.value, format!("{:#x} {}", e.value, e.name))
                                    .clicked()
                                {
                                    change = Some((i, format!("{:#x}", e.value)));
                                }
                            }
                        })
                        .response
                        .labelled_by(name.id);
                } else if let Some(t) = self.texts.get_mut(i) {
                    let resp = ui
                        .add(egui::TextEdit::singleline(t).font(egui::TextStyle::Monospace).desired_width(170.0))
                        .labelled_by(name.id);
                    if resp.changed() {
                        change = Some((i, t.clone()));
                    }
                    if resp.lost_focus() && matches!(&self.error, Some((Some(j), _)) if *j == i) {
                        // Leaving a box with a bad value: show the value the words hold.
                        *t = encode::value_text(f, row.value);
                    }
                }
                match &self.error {
                    Some((Some(j), e)) if *j == i => {
                        ui.label(RichText::new(e).color(ui.visuals().error_fg_color));
                    }
                    _ => {
                        ui.label(&row.meaning);
                    }
                }
                ui.end_row();
            }
        });
        if let Some((i, text)) = change {
            if let Some(f) = layout.fields.get(i) {
                match encode::assign(self.kind, &self.words, &[(f.name, text.trim())], regs) {
                    Ok(w) => {
                        self.words = w;
                        self.error = None;
                        self.words_text = self.words.iter().map(|x| format!("{x:#x}")).collect::<Vec<_>>().join(" ");
                        if f.fmt == Fmt::Enum {
                            self.refresh();
                        }
                    }
                    Err(e) => self.error = Some((Some(i), e.to_string())),
                }
            }
        }
        let r = self.report(regs);
        ui.separator();
        ui.monospace(format!("words: {}", r.words_arg()));
        ui.monospace(format!(
            "C: uint64_t {}[{}] = {};",
            self.kind.category().replace('-', "_"),
            r.raw.len(),
            r.c_initializer
        ));
        verdict(ui, &r);
    }
}

fn verdict(ui: &mut Ui, r: &EncodeReport) {
    let v = &r.legality;
    let good = ui.visuals().widgets.active.fg_stroke.color;
    let bad = ui.visuals().error_fg_color;
    let warn = ui.visuals().warn_fg_color;
    if v.valid {
        ui.label(RichText::new(format!("{}: valid, no rule broken", r.layout)).color(good));
    } else {
        let ev = v.event.map(|e| format!(" ({e})")).unwrap_or_default();
        ui.label(RichText::new(format!("{}: not valid{ev}", r.layout)).color(bad).strong());
    }
    for why in &v.reasons {
        ui.label(RichText::new(format!("! {why}")).color(bad));
    }
    for p in r.problems.iter().filter(|p| !v.reasons.contains(p)) {
        ui.label(RichText::new(format!("! {p}")).color(warn));
    }
    if !v.unchecked.is_empty() {
        ui.label(
            RichText::new(format!("Not checked (no ID registers in the input): {}", v.unchecked.join(", "))).weak(),
        );
    }
    if let Some(g) = &v.guest_vste {
        let s = format!(
            "As a guest vSTE (Linux iommufd nesting): {}: {}",
            if g.accepted { "accepted" } else { "rejected (-EIO)" },
            g.effect
        );
        ui.label(RichText::new(s).color(if g.accepted { good } else { warn }));
        for why in &g.reasons {
            ui.label(RichText::new(format!("- {why}")).color(warn));
        }
    }
    if let Some(g) = &v.iommufd {
        ui.label(format!(
            "From a guest (IOMMU_VIOMMU_INVALIDATE): {}: {}",
            if g.accepted { "accepted" } else { "rejected" },
            g.rewrite
        ));
    }
}
