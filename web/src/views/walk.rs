//! Walk: StreamID (the valid streams of the snapshot offered as choices), SubstreamID, IOVA,
//! access; the scenario's suggested walks; Step / Back / All steps through every descriptor
//! read and decision; for nested walks the grid of stage-2 walks per stage-1 read (as the
//! terminal explorer draws it); the outcome and the event record the SMMU would write.

use super::table::{self, Cell};
use super::{doc, Cx};
use crate::analysis::walk_request;
use crate::state::{AccessKind, Named};
use egui::{RichText, Ui};
use smmu_core::walk::{Outcome, Step, WalkResult};

#[derive(Default)]
pub struct WalkView {
    pub result: Option<Result<WalkResult, String>>,
    /// With an earlier snapshot given: the cached entry an SMMU may still use for the walked
    /// address (Ok), or why the cache analysis could not run (Err).
    pub stale: Option<Result<String, String>>,
}

/// One row of the nested grid: the stage-2 walk done for one purpose (the CD's IPA, a
/// stage-1 table's IPA, the output IPA), which levels it read, and the read it enabled.
#[derive(Debug, Clone, PartialEq)]
pub struct GridRow {
    pub purpose: String,
    pub levels: Vec<i32>,
    /// The descriptor read that used the translated address (`S1 L0 table`, `CD`, ...).
    pub then: String,
    /// The last step shown is in this row.
    pub current: bool,
}

fn stage_label(s: &Step) -> String {
    match (s.stage, s.level) {
        ("config", _) => "cfg".into(),
        (st, Some(l)) => format!("S{st} L{l}"),
        (st, None) => format!("S{st}"),
    }
}

/// The nested grid for the first `shown` steps; None when the walk is not nested.
pub fn nested_grid(steps: &[Step], shown: usize) -> Option<Vec<GridRow>> {
    if !steps.iter().any(|s| s.stage == "2" && s.purpose.is_some()) {
        return None;
    }
    let mut rows: Vec<GridRow> = Vec::new();
    let mut open: Option<usize> = None;
    for (i, s) in steps.iter().enumerate().take(shown) {
        let cur = i + 1 == shown;
        if s.stage == "2" {
            if s.purpose.is_none() && s.level.is_none() {
                continue; // stage 2 configuration, not a walk
            }
            let purpose = s.purpose.clone().unwrap_or_else(|| "output IPA".into());
            let idx = match open {
                Some(k) if rows.get(k).is_some_and(|r| r.purpose == purpose) => k,
                _ => {
                    rows.push(GridRow { purpose, levels: vec![], then: String::new(), current: false });
                    rows.len() - 1
                }
            };
            if let Some(r) = rows.get_mut(idx) {
                if let Some(l) = s.level {
                    r.levels.push(l);
                }
                r.current |= cur;
            }
            open = Some(idx);
        } else if let Some(k) = open.take() {
            if s.kind != "decision" {
                if let Some(r) = rows.get_mut(k) {
                    r.then = format!("{} {}", stage_label(s), s.kind);
                    r.current |= cur;
                }
            } else {
                open = Some(k);
            }
        }
    }
    Some(rows)
}

pub fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Translated => "translated",
        Outcome::Fault => "fault",
        Outcome::Bypass => "bypass",
        Outcome::Abort => "abort",
        Outcome::MissingMemory => "missing memory",
        Outcome::Incomplete => "incomplete registers",
    }
}

impl WalkView {
    /// Runs the walk of the page's boxes on the input's snapshot.
    pub fn run(&mut self, cx: &mut Cx) {
        cx.state.step = 0;
        self.result = Some(match (&cx.analysis.snapshot, walk_request(cx.state)) {
            (None, _) => Err(cx.analysis.error.clone().unwrap_or_else(|| {
                "a walk needs a snapshot with memory (stream table, CDs, page tables): open one, or the built-in sample".into()
            })),
            (_, Err(e)) => Err(e),
            (Some(s), Ok(req)) => Ok(smmu_core::walk::translate_snapshot(s, &req)),
        });
        self.stale = match (&cx.analysis.snapshot, walk_request(cx.state)) {
            (Some(after), Ok(req)) if !cx.state.before.trim().is_empty() => stale_hint(&cx.state.before, after, &req),
            _ => None,
        };
    }

    pub fn show(&mut self, ui: &mut Ui, cx: &mut Cx) {
        let a = cx.analysis;
        if !a.has_memory() {
            ui.add(
                egui::Label::new(
                    "A walk needs a snapshot with memory (stream table, CDs, page tables): open or drop one, a teaching scenario (assets/scenarios/), or the built-in sample.",
                )
                .wrap(),
            );
        }
        if ui
            .button("Open the built-in sample snapshot")
            .on_hover_text("QEMU 10.0 SMMUv3, stage 1, 4K pages, with the guest's stream table, CDs and page tables")
            .clicked()
        {
            cx.want_sample_snapshot = true;
        }
        if let Some((name, desc)) = &a.scenario {
            ui.strong(format!("Scenario {name}"));
            ui.add(egui::Label::new(desc).wrap());
        }
        let mut run = false;
        if !a.walks.is_empty() {
            egui::CollapsingHeader::new(RichText::new("Suggested walks (with what the spec says happens)").strong())
                .default_open(true)
                .show(ui, |ui| {
                    for w in &a.walks {
                        let mut t = format!("SID {:#x}", w.sid.0);
                        if let Some(s) = w.ssid {
                            t.push_str(&format!(" SSID {s:#x}"));
                        }
                        t.push_str(&format!(" IOVA {:#x} {}", w.iova.0, w.access.as_deref().unwrap_or("read")));
                        t.push_str(&format!(" → {}", w.expect));
                        if let Some(pa) = &w.pa {
                            t.push_str(&format!(" PA {:#x}", pa.0));
                        }
                        if !w.note.is_empty() {
                            t.push_str(&format!(" ({})", w.note));
                        }
                        if ui.add(egui::Button::new(RichText::new(t).monospace()).wrap()).clicked() {
                            cx.state.sid = format!("{:#x}", w.sid.0);
                            cx.state.ssid = w.ssid.map(|s| format!("{s:#x}")).unwrap_or_default();
                            cx.state.iova = format!("{:#x}", w.iova.0);
                            cx.state.access = w.access.as_deref().and_then(AccessKind::from_key).unwrap_or_default();
                            cx.state.unpriv = w.unpriv;
                            run = true;
                        }
                    }
                });
        }
        egui::CollapsingHeader::new("Earlier snapshot of this SMMU (cached entries that may be stale)")
            .default_open(!cx.state.before.trim().is_empty())
            .show(ui, |ui| {
                ui.add(
                    egui::Label::new(
                        "Paste a snapshot (or scenario) of the same SMMU taken before the input: the walk then says \
                         whether an SMMU may still use a translation cached then, given the commands consumed since \
                         (as smmu stale does).",
                    )
                    .wrap(),
                );
                if ui
                    .add(
                        egui::TextEdit::multiline(&mut cx.state.before)
                            .desired_rows(3)
                            .desired_width(f32::INFINITY)
                            .font(egui::TextStyle::Monospace),
                    )
                    .changed()
                {
                    run = true;
                }
            });
        ui.horizontal_wrapped(|ui| {
            let l = ui.label("StreamID");
            let mut enter = false;
            for (label, val, w, labelled) in [
                ("", &mut cx.state.sid, 70.0, Some(l.id)),
                ("SubstreamID", &mut cx.state.ssid, 60.0, None),
                ("IOVA", &mut cx.state.iova, 150.0, None),
            ] {
                let id = match labelled {
                    Some(id) => id,
                    None => ui.label(label).id,
                };
                let r = ui
                    .add(egui::TextEdit::singleline(val).desired_width(w).font(egui::TextStyle::Monospace))
                    .labelled_by(id);
                if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    enter = true;
                }
            }
            if !a.streams.is_empty() {
                let current = cx.state.sid.trim().to_string();
                egui::ComboBox::new("walk-stream", "valid streams")
                    .selected_text(if current.is_empty() { "choose a stream".to_string() } else { current })
                    .width(110.0)
                    .show_ui(ui, |ui| {
                        for s in &a.streams {
                            let label =
                                format!("{:#x}  {}{}", s.sid, s.config, if s.valid { "" } else { "  (C_BAD_STE)" });
                            if ui.selectable_label(cx.state.sid.trim() == format!("{:#x}", s.sid), label).clicked() {
                                cx.state.sid = format!("{:#x}", s.sid);
                                run = true;
                            }
                        }
                    });
            }
            for ak in AccessKind::ALL {
                if ui.radio(cx.state.access == *ak, ak.label()).clicked() {
                    cx.state.access = *ak;
                }
            }
            ui.checkbox(&mut cx.state.unpriv, "unprivileged");
            if ui.button("Run walk").on_hover_text("Enter in a box runs it too").clicked() || enter {
                run = true;
            }
        });
        for n in &a.stream_notes {
            ui.weak(n);
        }
        if run {
            self.run(cx);
        }
        let Some(res) = &self.result else { return };
        let w = match res {
            Ok(w) => w,
            Err(e) => {
                super::error(ui, e);
                return;
            }
        };
        ui.add(egui::Label::new(RichText::new(&w.summary).strong()).wrap());
        let n = w.steps.len();
        let shown = cx.state.step.min(n);
        ui.horizontal(|ui| {
            if ui.add_enabled(shown > 0, egui::Button::new("Back")).clicked() {
                cx.state.step = shown.saturating_sub(1);
            }
            if ui.add_enabled(shown < n, egui::Button::new("Step")).clicked() {
                cx.state.step = shown + 1;
            }
            if ui.button("All steps").clicked() {
                cx.state.step = n;
            }
            ui.label(format!("step {shown} of {n}"));
        });
        let shown = cx.state.step.min(n);
        if let Some(grid) = nested_grid(&w.steps, shown) {
            ui.strong("Nested: stage-2 walks per stage-1 read");
            let sel = ui.visuals().selection.stroke.color;
            let rows: Vec<Vec<Cell>> = grid
                .iter()
                .map(|r| {
                    let mut cells = vec![if r.current {
                        Cell::text(&r.purpose).colour(sel).strong()
                    } else {
                        Cell::text(&r.purpose)
                    }];
                    for l in 0..4 {
                        cells.push(Cell::mono(if r.levels.contains(&l) { "●" } else { "·" }));
                    }
                    cells.push(Cell::mono(&r.then));
                    cells
                })
                .collect();
            table::show(
                ui,
                egui::Id::NULL.with("grid"),
                &["stage-2 walk for", "L0", "L1", "L2", "L3", "then"],
                &rows,
                0,
            );
        }
        for (i, s) in w.steps.iter().take(shown).enumerate() {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal_wrapped(|ui| {
                    ui.strong(format!("{}.", i + 1));
                    let level = s.level.map(|l| format!(" level {l}")).unwrap_or_default();
                    ui.monospace(format!("stage {}{level}  {}", s.stage, s.kind));
                    if let (Some(ad), Some(v)) = (s.address, s.value) {
                        ui.monospace(format!("[{ad:#x}] = {v:#x}"));
                    }
                    if let (Some(ix), Some(bits)) = (s.index, &s.index_bits) {
                        ui.monospace(format!("index {ix:#x} from {bits}"));
                    }
                    if let Some(p) = &s.purpose {
                        ui.weak(format!("for {p}"));
                    }
                });
                ui.add(egui::Label::new(&s.explanation).wrap());
                if !s.decode.is_empty() {
                    ui.add(egui::Label::new(RichText::new(s.decode.join("  ")).monospace()).wrap());
                }
                if !s.decision.is_empty() {
                    ui.add(egui::Label::new(RichText::new(format!("→ {}", s.decision)).strong()).wrap());
                }
            });
        }
        if shown == n {
            ui.separator();
            ui.strong(format!("Outcome: {}", outcome_name(w.outcome)));
            if let Some(pa) = w.pa {
                ui.monospace(format!("PA {pa:#x}"));
            }
            if let Some(ev) = &w.event {
                ui.strong("Event record the SMMU would write:");
                ui.monospace(ev.raw.join(" "));
                ui.add(egui::Label::new(&ev.reason).wrap());
                doc::show(ui, "walk-event", &smmu_core::present::build::event(&ev.decoded));
            }
            for note in &w.notes {
                ui.weak(note);
            }
            match &self.stale {
                Some(Ok(t)) => {
                    let c = ui.visuals().warn_fg_color;
                    ui.add(egui::Label::new(RichText::new(t).color(c).strong()).wrap());
                }
                Some(Err(e)) => super::error(ui, e),
                None => {}
            }
        }
    }
}

/// What an SMMU may still have cached for `req` since the earlier snapshot `before_text`
/// (None: nothing stale covers the address).
fn stale_hint(
    before_text: &str,
    after: &smmu_core::snapshot::Snapshot,
    req: &smmu_core::walk::WalkRequest,
) -> Option<Result<String, String>> {
    let b = crate::analysis::Analysis::new(before_text);
    let Some(before) = b.snapshot.as_ref() else {
        return Some(Err(format!(
            "earlier snapshot: {}",
            b.error.unwrap_or_else(|| "not a snapshot or scenario with memory".into())
        )));
    };
    match smmu_core::cache::analyze(before, after) {
        Ok(an) => an
            .stale_at(req.sid, req.ssid, req.iova)
            .map(|h| Ok(h.sentence(req.iova, "the earlier snapshot", "the input"))),
        Err(e) => Some(Err(format!("cache analysis: {e}"))),
    }
}
