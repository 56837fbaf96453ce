//! The egui app shell: top bar, input (a side panel, or a collapsible section on narrow
//! screens), tabs, status line, keyboard shortcuts, routing of pasted input to the tab that
//! fits it, and the link. The tabs are [`crate::views`]; the input is parsed once in
//! [`crate::analysis`].

use crate::analysis::{self, Analysis, InputKind};
use crate::share;
use crate::state::{Named, SharedState, Theme, View};
use crate::views::{self, Cx};
use egui::{RichText, Ui};
use smmu_core::forward::ForwardReport;
use std::sync::Mutex;

/// The built-in sample: a real QEMU 10.0 stage-1 dump (provenance in the file).
pub const SAMPLE: &str = include_str!("../../assets/samples/qemu-10.0-s1.txt");

/// Where the page serves the built-in sample snapshot (copied there by web/build.sh; fetched
/// on demand so it does not weigh on the download).
pub const SAMPLE_SNAPSHOT_URL: &str = "samples/qemu-10.0-s1-4k.snapshot.json";
pub const SAMPLE_SNAPSHOT_NAME: &str = "the built-in QEMU 10.0 stage-1 snapshot";

/// Below this width (points) the layout is stacked: the input folds above the tabs.
pub const NARROW: f32 = 900.0;

/// The fonts: a subset of Hack (web/fonts/, made by web/fonts/subset.sh: Latin, punctuation,
/// arrows, box drawing and the symbols the views use) for all text, and egui's small icon
/// font for its own symbols. The browser draws any other glyph (eframe's canvas fallback).
pub fn fonts() -> egui::FontDefinitions {
    use std::sync::Arc;
    let mut d = egui::FontDefinitions::empty();
    d.font_data.insert(
        "Hack".into(),
        Arc::new(egui::FontData::from_static(include_bytes!("../fonts/Hack-Regular.subset.ttf"))),
    );
    d.font_data.insert(
        "egui-icons".into(),
        Arc::new(
            egui::FontData::from_static(epaint_default_fonts::EGUI_ICONS)
                .tweak(egui::FontTweak { scale: 0.9, ..Default::default() }),
        ),
    );
    for fam in [egui::FontFamily::Monospace, egui::FontFamily::Proportional] {
        d.families.insert(fam, vec!["Hack".into(), "egui-icons".into()]);
    }
    d
}

/// What the page shell (or a test) hands the app: files opened or pasted outside the canvas.
static INBOX: Mutex<Vec<(String, Vec<u8>)>> = Mutex::new(Vec::new());

/// Queues input for the app (the page's file chooser and plain text box use this).
pub fn post_input(name: &str, bytes: Vec<u8>) {
    if let Ok(mut q) = INBOX.lock() {
        q.push((name.to_string(), bytes));
    }
}

/// Things only the page can do. Native builds and tests use the defaults.
pub trait Platform {
    /// Replaces the URL fragment (without adding a history entry).
    fn set_fragment(&mut self, _fragment: &str) {}
    /// The page address without the fragment, for share links.
    fn page_url(&self) -> String {
        String::new()
    }
    /// Opens the browser's file chooser; the chosen file arrives through [`post_input`].
    fn open_file(&mut self) -> bool {
        false
    }
    /// Shows the page's plain HTML text box (paste fallback).
    fn show_plain_box(&mut self) -> bool {
        false
    }
    /// Called on each frame that shows decoded registers (the page records the first).
    fn mark_decoded(&mut self) {}
    /// Fetches the built-in sample snapshot; it arrives through [`post_input`].
    fn open_sample_snapshot(&mut self) {
        #[cfg(not(target_arch = "wasm32"))]
        post_input(SAMPLE_SNAPSHOT_NAME, include_bytes!("../../assets/samples/qemu-10.0-s1-4k.snapshot.json").to_vec());
    }
    /// The theme the browser remembers.
    fn stored_theme(&self) -> Option<Theme> {
        None
    }
    fn store_theme(&mut self, _t: Theme) {}
}

pub struct NoPlatform;
impl Platform for NoPlatform {}

/// The search box's widget id (`/` and Ctrl-F focus it).
pub fn search_id() -> egui::Id {
    egui::Id::NULL.with("search-box")
}

pub struct App {
    pub state: SharedState,
    pub analysis: Analysis,
    pub forward: Result<ForwardReport, String>,
    dirty: bool,
    forward_dirty: bool,
    /// Open the tab that fits the input once it is analysed.
    route: bool,
    last_fragment: String,
    /// Where the input came from (names the host in the forward report).
    pub input_name: String,
    pub decode: views::decode::DecodeView,
    pub forward_view: views::forward::ForwardView,
    pub guest: views::guest::GuestView,
    pub claim: views::claim::ClaimView,
    pub diff: views::diff::DiffView,
    pub log: views::log::LogView,
    pub walk: views::walk::WalkView,
    /// The Encode tab.
    pub encode: crate::edit::EncodeTab,
    /// A message for the status line: (text, is_error).
    pub status: Option<(String, bool)>,
    /// The last text put on the clipboard (tests read it).
    pub last_copied: Option<String>,
    theme_applied: Option<Theme>,
    platform: Box<dyn Platform>,
    /// Narrow layout: fold the input away once something is loaded.
    fold_input: Option<bool>,
}

impl Default for App {
    fn default() -> Self {
        Self::new(Box::new(NoPlatform), None)
    }
}

impl App {
    /// A new app; `fragment` is the URL fragment it was opened with (a shared link).
    pub fn new(platform: Box<dyn Platform>, fragment: Option<&str>) -> Self {
        let mut app = App {
            state: SharedState::default(),
            analysis: Analysis::default(),
            forward: Err(String::new()),
            dirty: true,
            forward_dirty: true,
            route: false,
            last_fragment: String::new(),
            input_name: "(pasted)".into(),
            decode: Default::default(),
            forward_view: Default::default(),
            guest: Default::default(),
            claim: Default::default(),
            diff: Default::default(),
            log: Default::default(),
            walk: Default::default(),
            encode: Default::default(),
            status: None,
            last_copied: None,
            theme_applied: None,
            platform,
            fold_input: None,
        };
        if let Some(t) = app.platform.stored_theme() {
            app.state.theme = t;
        }
        if let Some(f) = fragment.map(str::trim).filter(|f| !f.is_empty() && *f != "#") {
            match share::decode(f) {
                Ok(s) => {
                    app.state = s;
                    app.status = Some(("Opened a shared link: decoded here, nothing was sent anywhere.".into(), false));
                }
                Err(e) => app.status = Some((e, true)),
            }
        }
        app.analyze();
        if !app.state.sid.is_empty() && app.state.step > 0 {
            let step = app.state.step;
            app.run_walk();
            app.state.step = step;
        }
        app
    }

    /// Replaces the input (paste, drop, open, plain text box) and opens the tab that fits it.
    pub fn set_input(&mut self, name: &str, bytes: &[u8]) {
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t.replace("\r\n", "\n"),
            // Binary input (the 40-byte iommu_hw_info_arm_smmuv3): kept as register text, so
            // the state stays shareable.
            Err(_) => match Analysis::binary_as_text(bytes) {
                Ok(t) => t,
                Err(e) => {
                    self.status = Some((format!("{name}: {e}"), true));
                    return;
                }
            },
        };
        self.state.input = text;
        self.state.step = 0;
        self.walk.result = None;
        self.input_name = name.to_string();
        self.dirty = true;
        self.route = true;
        self.fold_input = Some(false);
        self.status = Some((format!("Loaded {name} ({} bytes).", bytes.len()), false));
    }

    /// Recomputes everything from the current state (after a test or the page changed it).
    pub fn refresh(&mut self) {
        self.dirty = true;
    }

    fn analyze(&mut self) {
        self.analysis = Analysis::new(&self.state.input);
        self.dirty = false;
        self.forward_dirty = true;
        if std::mem::take(&mut self.route) {
            let a = &self.analysis;
            if let Some(v) = a.kind.home(a.has_memory()) {
                self.state.view = v;
            }
            if matches!(a.kind, InputKind::Snapshot | InputKind::Scenario) {
                if let Some((sid, ssid, iova, access, unpriv)) = a.default_walk() {
                    self.state.sid = sid;
                    self.state.ssid = ssid;
                    self.state.iova = iova;
                    self.state.access = access;
                    self.state.unpriv = unpriv;
                    if a.kind == InputKind::Scenario {
                        self.run_walk();
                    }
                }
            }
            if let Some((m, false)) = &self.status {
                let m = format!("{m} Recognised as {}.", self.analysis.kind.describe());
                self.status = Some((m, false));
            }
        }
    }

    fn run_walk(&mut self) {
        let mut status = self.status.take();
        let forward = Err(String::new());
        let mut cx = Cx {
            state: &mut self.state,
            analysis: &self.analysis,
            forward: &forward,
            forward_dirty: false,
            status: &mut status,
            want_sample_snapshot: false,
        };
        self.walk.run(&mut cx);
        self.status = status;
    }

    /// The current view as plain text (for "Copy text").
    fn current_text(&self) -> Option<String> {
        use smmu_core::present::text;
        let a = &self.analysis;
        match self.state.view {
            View::Encode => Some(self.encode.text(a.regs())),
            View::Decode if !a.registers.is_empty() => Some(decode_text(a)),
            View::Forward | View::Guest | View::Claim | View::Diff => {
                self.forward.as_ref().ok().map(|r| r.to_text(false))
            }
            View::Log => a.log.as_ref().map(|l| {
                let o = text::Options { width: 100, ..text::Options::default() };
                views::log::entries(l)
                    .iter()
                    .enumerate()
                    .map(|(i, e)| {
                        format!(
                            "line {}: {}: {}\n{}\n",
                            e.line,
                            e.kind,
                            e.summary,
                            text::render(&views::log::detail(l, i), &o)
                        )
                    })
                    .collect()
            }),
            View::Walk => match &self.walk.result {
                Some(Ok(w)) => Some(walk_text(w)),
                _ => None,
            },
            View::Decode => None,
        }
    }

    /// The CLI's `--json` for the current view (for "Copy JSON").
    fn current_json(&self) -> Option<String> {
        let a = &self.analysis;
        match self.state.view {
            View::Encode => serde_json::to_string_pretty(&self.encode.report(a.regs())).ok(),
            View::Decode => {
                crate::api::to_json_string(crate::api::decode(&self.state.input, &serde_json::Value::Null)).ok()
            }
            View::Log => a.log.as_ref().and_then(|l| serde_json::to_string_pretty(l).ok()),
            View::Walk => match &self.walk.result {
                Some(Ok(w)) => serde_json::to_string_pretty(w).ok(),
                _ => None,
            },
            _ => self.forward.as_ref().ok().and_then(|r| serde_json::to_string_pretty(r).ok()),
        }
    }

    fn copy(&mut self, ui: &Ui, what: &str, text: Option<String>) {
        match text {
            Some(t) => {
                ui.ctx().copy_text(t.clone());
                self.status = Some((format!("Copied {what} ({} characters).", t.len()), false));
                self.last_copied = Some(t);
            }
            None => self.status = Some((format!("Nothing to copy as {what} in this view."), true)),
        }
    }

    /// Draws the whole app into `ui` (the eframe root or a test harness).
    pub fn show(&mut self, ui: &mut Ui) {
        if self.theme_applied != Some(self.state.theme) {
            ui.ctx().set_theme(match self.state.theme {
                Theme::Dark => egui::Theme::Dark,
                Theme::Light => egui::Theme::Light,
            });
            self.theme_applied = Some(self.state.theme);
        }
        self.take_outside_input(ui);
        if self.dirty {
            self.analyze();
        }
        if self.forward_dirty {
            self.forward = analysis::forward_report(&self.analysis, &self.state, &self.input_name);
            self.forward_dirty = false;
        }
        let narrow = ui.ctx().content_rect().width() < NARROW;
        self.top_bar(ui, narrow);
        self.status_bar(ui);
        if !narrow {
            let max = (ui.ctx().content_rect().width() * 0.4).max(200.0);
            egui::Panel::left("input")
                .resizable(true)
                .default_size(340.0)
                .max_size(max)
                .show(ui, |ui| self.input_panel(ui, 24));
        }
        egui::CentralPanel::default().show(ui, |ui| self.central(ui, narrow));
        self.shortcuts(ui);
        if self.state.view == View::Decode && !self.analysis.registers.is_empty() {
            self.platform.mark_decoded();
        }
        let frag = share::encode(&self.state);
        if frag != self.last_fragment {
            self.platform.set_fragment(&frag);
            self.last_fragment = frag;
        }
    }

    /// `/` (when no text box has the focus) or Ctrl/Cmd-F focuses the search box.
    fn shortcuts(&mut self, ui: &Ui) {
        let free = ui.memory(|m| m.focused().is_none());
        let want = ui.input_mut(|i| {
            i.consume_key(egui::Modifiers::COMMAND, egui::Key::F)
                || (free && i.consume_key(egui::Modifiers::NONE, egui::Key::Slash))
        });
        if want {
            ui.memory_mut(|m| m.request_focus(search_id()));
        }
    }

    fn take_outside_input(&mut self, ui: &Ui) {
        let queued: Vec<(String, Vec<u8>)> = INBOX.lock().map(|mut q| std::mem::take(&mut *q)).unwrap_or_default();
        for (name, bytes) in queued {
            self.set_input(&name, &bytes);
        }
        let dropped = ui.input(|i| i.raw.dropped_files.clone());
        for f in dropped {
            let name = f.path().display().to_string();
            #[cfg(not(target_arch = "wasm32"))]
            match f.bytes() {
                Ok(b) => self.set_input(&name, &b),
                Err(e) => self.status = Some((format!("{name}: {e}"), true)),
            }
            #[cfg(target_arch = "wasm32")]
            {
                let ctx = ui.ctx().clone();
                wasm_bindgen_futures::spawn_local(async move {
                    match f.bytes_async().await {
                        Ok(b) => post_input(&name, b),
                        Err(e) => post_input(&format!("{name} (unreadable: {e})"), Vec::new()),
                    }
                    ctx.request_repaint();
                });
            }
        }
        // Ctrl/Cmd-V with no text field focused replaces the input.
        if ui.memory(|m| m.focused().is_none()) {
            let pasted: Option<String> = ui.input(|i| {
                i.events.iter().rev().find_map(|e| match e {
                    egui::Event::Paste(t) => Some(t.clone()),
                    _ => None,
                })
            });
            if let Some(t) = pasted {
                self.set_input("pasted text", t.as_bytes());
            }
        }
    }

    fn top_bar(&mut self, ui: &mut Ui, narrow: bool) {
        egui::Panel::top("top").show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                if narrow {
                    ui.strong("smmu-explorer");
                } else {
                    ui.heading("smmu-explorer");
                    ui.separator();
                }
                if ui.button("Open file…").on_hover_text("Open a dump, snapshot, scenario or kernel log").clicked()
                    && !self.platform.open_file()
                {
                    self.status = Some(("Drop a file on the window to open it here.".into(), false));
                }
                if ui.button("Sample").on_hover_text("Load a real QEMU 10.0 stage-1 dump").clicked() {
                    self.set_input("the QEMU 10.0 stage-1 sample", SAMPLE.as_bytes());
                }
                if ui
                    .button("Plain text box")
                    .on_hover_text("An HTML text box, if pasting into the page does not work")
                    .clicked()
                    && !self.platform.show_plain_box()
                {
                    self.status = Some(("The plain text box exists in the browser page only.".into(), false));
                }
                if !narrow {
                    ui.separator();
                }
                if ui
                    .button("Share link")
                    .on_hover_text("Copy a link that reproduces this view (the data is in the link, not on a server)")
                    .clicked()
                {
                    let link = format!("{}#{}", self.platform.page_url(), share::encode(&self.state));
                    self.copy(ui, "link", Some(link));
                }
                if ui.button("Copy text").clicked() {
                    let t = self.current_text();
                    self.copy(ui, "text", t);
                }
                if ui.button("Copy JSON").clicked() {
                    let t = self.current_json();
                    self.copy(ui, "JSON", t);
                }
                if ui
                    .button("Copy email")
                    .on_hover_text("The forwarding verdicts as plain text under 76 columns, for a mailing-list reply")
                    .clicked()
                {
                    let t = self.forward.as_ref().ok().map(|r| r.to_email());
                    self.copy(ui, "mailing-list text", t);
                }
                let other = self.state.theme.other();
                if ui.button(other.label()).clicked() {
                    self.state.theme = other;
                    self.platform.store_theme(other);
                }
                if !narrow {
                    ui.separator();
                }
                ui.horizontal(|ui| {
                    let l = ui.label("Search");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.state.search)
                            .id(search_id())
                            .hint_text("/ or Ctrl-F: field or meaning")
                            .desired_width(if narrow { 150.0 } else { 200.0 }),
                    )
                    .labelled_by(l.id);
                    if !self.state.search.is_empty() && ui.button("Clear search").clicked() {
                        self.state.search.clear();
                    }
                });
            });
        });
    }

    fn status_bar(&mut self, ui: &mut Ui) {
        egui::Panel::bottom("status").show(ui, |ui| {
            let (m, err) = match &self.status {
                Some((m, e)) => (m.as_str(), *e),
                None => ("Runs entirely in this page: pasted data is never sent anywhere.", false),
            };
            let t = if err { RichText::new(m).color(ui.visuals().error_fg_color) } else { RichText::new(m) };
            ui.add(egui::Label::new(t).wrap());
        });
    }

    fn input_panel(&mut self, ui: &mut Ui, rows: usize) {
        let l = ui.strong("Input");
        ui.add(
            egui::Label::new(
                RichText::new(
                    "Paste (Ctrl/Cmd-V) a register dump, snapshot, scenario or kernel log, drop a file, or open one.",
                )
                .small(),
            )
            .wrap(),
        );
        let a = &self.analysis;
        match a.kind {
            InputKind::Empty => {}
            InputKind::Dump | InputKind::Snapshot | InputKind::Scenario if !a.registers.is_empty() => {
                ui.label(format!("{}: {} registers decoded.", a.kind.describe(), a.registers.len()));
            }
            k => {
                let msg = a.error.clone().unwrap_or_else(|| k.describe().to_string());
                let c = if k == InputKind::KernelLog { ui.visuals().text_color() } else { ui.visuals().warn_fg_color };
                ui.add(egui::Label::new(RichText::new(msg).color(c)).wrap());
            }
        }
        egui::ScrollArea::vertical().id_salt("input-scroll").max_height(rows as f32 * 16.0).show(ui, |ui| {
            let r = ui
                .add(
                    egui::TextEdit::multiline(&mut self.state.input)
                        .font(egui::TextStyle::Monospace)
                        .hint_text("IDR0 = 0x0d44101a\nIDR1 = 0x02730010\n…")
                        .desired_width(f32::INFINITY)
                        .desired_rows(rows),
                )
                .labelled_by(l.id);
            if r.changed() {
                self.dirty = true;
                self.walk.result = None;
            }
        });
    }

    fn tabs(&mut self, ui: &mut Ui) {
        ui.horizontal_wrapped(|ui| {
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
            for v in View::ALL {
                if ui.selectable_label(self.state.view == *v, v.label()).clicked() {
                    self.state.view = *v;
                }
            }
        });
    }

    fn central(&mut self, ui: &mut Ui, narrow: bool) {
        if narrow {
            egui::CollapsingHeader::new(RichText::new("Input").strong())
                .id_salt("input-fold")
                .default_open(self.state.input.trim().is_empty())
                .open(self.fold_input.take())
                .show(ui, |ui| self.input_panel(ui, 8));
        }
        self.tabs(ui);
        ui.separator();
        let view = self.state.view;
        if view == View::Encode {
            let regs = self.analysis.regs();
            egui::ScrollArea::both().id_salt("encode").show(ui, |ui| self.encode.show(ui, regs));
            return;
        }
        if self.state.input.trim().is_empty() && view != View::Walk {
            ui.label("Nothing loaded yet. Paste a dump, drop or open a file, or press Sample.");
            return;
        }
        let mut cx = Cx {
            state: &mut self.state,
            analysis: &self.analysis,
            forward: &self.forward,
            forward_dirty: false,
            status: &mut self.status,
            want_sample_snapshot: false,
        };
        egui::ScrollArea::vertical().id_salt("view").auto_shrink([false, false]).show(ui, |ui| {
            if !cx.state.search.trim().is_empty() && view != View::Forward {
                views::search::show(ui, &cx);
                ui.separator();
            }
            match view {
                View::Decode => self.decode.show(ui, &mut cx),
                View::Forward => self.forward_view.show(ui, &mut cx),
                View::Guest => self.guest.show(ui, &mut cx),
                View::Claim => self.claim.show(ui, &mut cx),
                View::Diff => self.diff.show(ui, &mut cx),
                View::Log => self.log.show(ui, &mut cx),
                View::Walk => self.walk.show(ui, &mut cx),
                View::Encode => {}
            }
        });
        let (fd, sample) = (cx.forward_dirty, cx.want_sample_snapshot);
        self.forward_dirty |= fd;
        if sample {
            self.status = Some(("Opening the built-in sample snapshot…".into(), false));
            self.platform.open_sample_snapshot();
            ui.ctx().request_repaint();
        }
    }
}

/// The decode as plain text: one block per register, one line per field.
pub fn decode_text(a: &Analysis) -> String {
    let mut s = String::new();
    for (k, v) in &a.summary {
        s.push_str(&format!("{k}: {v}\n"));
    }
    if !a.summary.is_empty() {
        s.push('\n');
    }
    for r in &a.registers {
        s.push_str(&format!("{} ({}) = {}  {} [§{}]\n", r.name, r.offset, r.value, r.description, r.section));
        for f in &r.fields {
            let b = views::decode::bits(f.lsb, f.width);
            s.push_str(&format!("  {:<14} {:>8} = {:<8} {}\n", f.name, b, format!("{:#x}", f.value), f.meaning));
        }
        for p in &r.problems {
            s.push_str(&format!("  ! {p}\n"));
        }
    }
    s
}

/// A walk as plain text: the summary, each step, the outcome.
pub fn walk_text(w: &smmu_core::walk::WalkResult) -> String {
    let mut s = format!("{}\n", w.summary);
    for (i, st) in w.steps.iter().enumerate() {
        let level = st.level.map(|l| format!(" level {l}")).unwrap_or_default();
        s.push_str(&format!("{}. stage {}{level} {}", i + 1, st.stage, st.kind));
        if let (Some(a), Some(v)) = (st.address, st.value) {
            s.push_str(&format!(" [{a:#x}] = {v:#x}"));
        }
        s.push_str(&format!("\n   {}\n", st.explanation));
        if !st.decision.is_empty() {
            s.push_str(&format!("   -> {}\n", st.decision));
        }
    }
    s.push_str(&format!("outcome: {}\n", views::walk::outcome_name(w.outcome)));
    if let Some(pa) = w.pa {
        s.push_str(&format!("PA {pa:#x}\n"));
    }
    if let Some(e) = &w.event {
        s.push_str(&format!("event: {}\n", e.raw.join(" ")));
    }
    s
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    #[cfg(target_arch = "wasm32")]
    fn as_any_mut(&mut self) -> Option<&mut dyn std::any::Any> {
        Some(&mut *self)
    }
}
