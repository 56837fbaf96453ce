//! The egui app: input on the left, views in the middle. It renders what the core (through
//! [`crate::api`]) returns and never derives a bit position itself.

use crate::api::{self, ApiError, ApiResult};
use crate::share::{self, SharedState};
use egui::{Color32, RichText, Ui};
use serde_json::Value;
use smmu_core::regset::RegisterInfo;
use std::sync::Mutex;

/// The views, in tab order: (key used in links, tab label).
pub const VIEWS: &[(&str, &str)] = &[
    ("decode", "Decode"),
    ("forward", "Forward"),
    ("guest", "Guest IDRs"),
    ("claim", "Claim check"),
    ("diff", "Host diff"),
    ("log", "Kernel log"),
    ("walk", "Walk"),
    ("encode", "Encode"),
];

/// VMM profiles of the forward view: (key, label).
pub const VMMS: &[(&str, &str)] = &[
    ("strict", "strict"),
    ("qemu-accel", "QEMU accel"),
    ("cloud-hypervisor", "Cloud Hypervisor"),
    ("openvmm", "OpenVMM"),
];

const ACCESSES: &[&str] = &["read", "write", "exec"];

/// Forward inputs the page offers: (option key = CLI flag, label, hint).
const FWD_OPTIONS: &[(&str, &str, &str)] = &[
    ("caps", "Kernel caps", "dirty-tracking,pci-pasid-exec,..."),
    ("kernel", "Host kernel", "6.13"),
    ("max_pasid_log2", "max_pasid_log2", "20"),
    ("fw_coherent", "FW coherent", "true/false"),
    ("fw_canwbs", "FW CANWBS", "true/false"),
    ("qemu_ril", "QEMU ril", "on/off/auto"),
    ("qemu_ats", "QEMU ats", "on/off/auto"),
    ("qemu_oas", "QEMU oas", "44/48/auto"),
    ("qemu_ssidsize", "QEMU ssidsize", "0-20/auto"),
];

/// The built-in sample: a real QEMU 10.0 stage-1 dump (provenance in the file).
pub const SAMPLE: &str = include_str!("../../assets/samples/qemu-10.0-s1.txt");

/// The fonts: egui's Hack for all text (one font keeps the download small; a monospaced UI
/// suits register tables), and egui's small icon font for its own symbols. The browser draws
/// any glyph Hack lacks (eframe's canvas fallback).
pub fn fonts() -> egui::FontDefinitions {
    use std::sync::Arc;
    let mut d = egui::FontDefinitions::empty();
    d.font_data.insert("Hack".into(), Arc::new(egui::FontData::from_static(epaint_default_fonts::HACK_REGULAR)));
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

/// Things only the page can do. Native builds and tests use the no-op default.
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
}

pub struct NoPlatform;
impl Platform for NoPlatform {}

/// Everything computed from the input, recomputed only when the input changes.
#[derive(Default)]
struct Analysis {
    registers: Vec<RegisterInfo>,
    /// Derived facts (architecture, OAS, granules, queue sizes...), from core.
    summary: Vec<(&'static str, String)>,
    decode: Option<ApiResult>,
    forward: Option<ApiResult>,
    report: Option<smmu_core::forward::ForwardReport>,
    log: Option<ApiResult>,
    is_snapshot: bool,
    /// The parsed registers, for the "Linux VER would print" line.
    regset: Option<smmu_core::regset::RegisterSet>,
    /// The input's registers (the Encode tab checks against them).
    regs: smmu_core::regset::RegisterSet,
}

pub struct App {
    pub state: SharedState,
    analysis: Analysis,
    dirty: bool,
    last_fragment: String,
    walk: Option<ApiResult>,
    /// The Encode tab.
    pub encode: crate::edit::EncodeTab,
    /// A message for the status line: (text, is_error).
    pub status: Option<(String, bool)>,
    /// The last text put on the clipboard (tests read it).
    pub last_copied: Option<String>,
    pub dark: bool,
    theme_applied: Option<bool>,
    platform: Box<dyn Platform>,
    /// Decode tab: index into `smmu_core::linux::TABLES` of the kernel whose probe is shown.
    pub linux_kernel: usize,
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
            dirty: true,
            last_fragment: String::new(),
            walk: None,
            encode: Default::default(),
            status: None,
            last_copied: None,
            dark: true,
            theme_applied: None,
            platform,
            linux_kernel: smmu_core::linux::TABLES.len().saturating_sub(1),
        };
        if let Some(f) = fragment.map(str::trim).filter(|f| !f.is_empty() && *f != "#") {
            match share::decode(f) {
                Ok(s) => {
                    app.state = s;
                    app.status = Some(("Opened a shared link: decoded here, nothing was sent anywhere.".into(), false));
                }
                Err(e) => app.status = Some((e, true)),
            }
        }
        app.normalize();
        if !app.state.sid.is_empty() && !app.state.iova.is_empty() && app.state.step > 0 {
            let step = app.state.step;
            app.run_walk();
            app.state.step = step;
        }
        app
    }

    fn normalize(&mut self) {
        if !VIEWS.iter().any(|(k, _)| *k == self.state.view) {
            self.state.view = "decode".into();
        }
        if !VMMS.iter().any(|(k, _)| *k == self.state.vmm) {
            self.state.vmm = "strict".into();
        }
        if !ACCESSES.contains(&self.state.access.as_str()) {
            self.state.access = "read".into();
        }
    }

    /// Replaces the input (paste, drop, open, plain text box).
    pub fn set_input(&mut self, name: &str, bytes: &[u8]) {
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t.replace("\r\n", "\n"),
            Err(_) => {
                // Binary input (the 40-byte iommu_hw_info_arm_smmuv3): let the core parse it and
                // keep the registers as text, so the state stays shareable.
                match smmu_core::parse::parse_bytes(bytes, &Default::default()) {
                    Ok(p) => p.registers.to_hex_map().iter().map(|(k, v)| format!("{k} = {v}\n")).collect(),
                    Err(e) => {
                        self.status = Some((format!("{name}: {e}"), true));
                        return;
                    }
                }
            }
        };
        self.state.input = text;
        self.state.step = 0;
        self.walk = None;
        self.dirty = true;
        self.status = Some((format!("Loaded {name} ({} bytes).", bytes.len()), false));
    }

    fn analyze(&mut self) {
        let text = self.state.input.as_str();
        let mut a = Analysis { is_snapshot: smmu_core::snapshot::Snapshot::looks_like(text), ..Default::default() };
        if !text.trim().is_empty() {
            if let Ok(p) = api::parse_registers(text.as_bytes(), &Default::default()) {
                a.registers = p.registers.decode();
                a.summary = smmu_core::derived::summarize(&p.registers).lines();
                a.regset = Some(p.registers.clone());
                a.regs = p.registers.clone();
            }
            a.decode = Some(api::decode(text, &Value::Null));
            let fo = self.forward_options();
            match api::forward_report(text, &fo) {
                Ok(r) => {
                    a.forward = Some(serde_json::to_value(&r).map_err(|e| ApiError::Input(e.to_string())));
                    a.report = Some(r);
                }
                Err(e) => a.forward = Some(Err(e)),
            }
            a.log = Some(api::log(text, &Value::Null));
        }
        self.analysis = a;
        self.dirty = false;
    }

    /// Every VMM profile is computed; the switch chooses which one is shown.
    fn forward_options(&self) -> Value {
        let mut o = serde_json::Map::new();
        for (k, v) in &self.state.fwd {
            if FWD_OPTIONS.iter().any(|(key, _, _)| key == k) && !v.trim().is_empty() {
                o.insert(k.clone(), Value::String(v.trim().to_string()));
            }
        }
        if !self.state.claim.trim().is_empty() {
            o.insert("claim".into(), Value::String(self.state.claim.clone()));
        }
        if !self.state.other.trim().is_empty() {
            o.insert("hosts".into(), Value::Array(vec![Value::String(self.state.other.clone())]));
            o.insert("names".into(), serde_json::json!(["this host", "other host"]));
        }
        Value::Object(o)
    }

    fn walk_request(&self) -> Value {
        serde_json::json!({
            "sid": self.state.sid.trim(),
            "ssid": self.state.ssid.trim(),
            "iova": self.state.iova.trim(),
            "access": self.state.access,
            "unpriv": self.state.unpriv,
        })
    }

    fn run_walk(&mut self) {
        self.walk = Some(api::walk(&self.state.input, &self.walk_request()));
        self.state.step = 0;
    }

    /// The JSON of the current view (for "Copy JSON").
    fn current_json(&self) -> Option<String> {
        if self.state.view == "encode" {
            return serde_json::to_string_pretty(
                &self.encode.report(Some(&self.analysis.regs).filter(|r| !r.is_empty())),
            )
            .ok();
        }
        let r = match self.state.view.as_str() {
            "decode" => self.analysis.decode.as_ref(),
            "log" => self.analysis.log.as_ref(),
            "walk" => self.walk.as_ref(),
            _ => self.analysis.forward.as_ref(),
        };
        match r {
            Some(Ok(v)) => serde_json::to_string_pretty(v).ok(),
            _ => None,
        }
    }

    fn current_text(&self) -> Option<String> {
        if self.state.view == "encode" {
            return Some(self.encode.text(Some(&self.analysis.regs).filter(|r| !r.is_empty())));
        }
        match self.state.view.as_str() {
            "decode" if !self.analysis.registers.is_empty() => {
                Some(decode_text(&self.analysis.registers, &self.analysis.summary))
            }
            "forward" | "guest" | "claim" | "diff" if self.analysis.report.is_some() => {
                self.analysis.report.as_ref().map(|r| r.to_text(false))
            }
            _ => {
                let v = match self.state.view.as_str() {
                    "log" => self.analysis.log.as_ref(),
                    "walk" => self.walk.as_ref(),
                    "decode" => None,
                    _ => self.analysis.forward.as_ref(),
                };
                match v {
                    Some(Ok(v)) => Some(value_text(v, 0)),
                    _ => None,
                }
            }
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
        if self.theme_applied != Some(self.dark) {
            ui.ctx().set_theme(if self.dark { egui::Theme::Dark } else { egui::Theme::Light });
            self.theme_applied = Some(self.dark);
        }
        self.take_outside_input(ui);
        if self.dirty {
            self.analyze();
        }
        self.top_bar(ui);
        self.status_bar(ui);
        egui::Panel::left("input").resizable(true).default_size(360.0).show(ui, |ui| self.input_panel(ui));
        egui::CentralPanel::default().show(ui, |ui| self.central(ui));
        let frag = share::encode(&self.state);
        if frag != self.last_fragment {
            self.platform.set_fragment(&frag);
            self.last_fragment = frag;
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

    fn top_bar(&mut self, ui: &mut Ui) {
        egui::Panel::top("top").show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.heading("smmu-explorer");
                ui.separator();
                if ui.button("Open file…").on_hover_text("Open a dump, snapshot or kernel log").clicked()
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
                ui.separator();
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
                    let t = self.analysis.report.as_ref().map(|r| r.to_email());
                    self.copy(ui, "mailing-list text", t);
                }
                ui.separator();
                let theme_label = if self.dark { "Light theme" } else { "Dark theme" };
                if ui.button(theme_label).clicked() {
                    self.dark = !self.dark;
                }
                ui.separator();
                let l = ui.label("Search");
                ui.add(
                    egui::TextEdit::singleline(&mut self.state.search)
                        .hint_text("field name or meaning")
                        .desired_width(180.0),
                )
                .labelled_by(l.id);
                if !self.state.search.is_empty() && ui.button("Clear search").clicked() {
                    self.state.search.clear();
                }
            });
        });
    }

    fn status_bar(&mut self, ui: &mut Ui) {
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.horizontal_wrapped(|ui| match &self.status {
                Some((m, true)) => {
                    ui.label(RichText::new(m).color(ui.visuals().error_fg_color));
                }
                Some((m, false)) => {
                    ui.label(m);
                }
                None => {
                    ui.label("Runs entirely in this page: pasted data is never sent anywhere.");
                }
            });
        });
    }

    fn input_panel(&mut self, ui: &mut Ui) {
        let l = ui.strong("Input");
        ui.label(
            RichText::new("Paste (Ctrl/Cmd-V) a register dump, snapshot or kernel log, drop a file, or open one.")
                .small(),
        );
        match &self.analysis.decode {
            Some(Ok(_)) => {
                ui.label(format!("{} registers decoded.", self.analysis.registers.len()));
            }
            Some(Err(e)) => {
                ui.label(RichText::new(e.to_string()).color(ui.visuals().warn_fg_color));
            }
            None => {}
        }
        egui::ScrollArea::vertical().id_salt("input-scroll").show(ui, |ui| {
            let r = ui
                .add(
                    egui::TextEdit::multiline(&mut self.state.input)
                        .font(egui::TextStyle::Monospace)
                        .hint_text("IDR0 = 0x0d44101a\nIDR1 = 0x02730010\n…")
                        .desired_width(f32::INFINITY)
                        .desired_rows(24),
                )
                .labelled_by(l.id);
            if r.changed() {
                self.dirty = true;
                self.walk = None;
            }
        });
    }

    fn central(&mut self, ui: &mut Ui) {
        ui.horizontal_wrapped(|ui| {
            for (key, label) in VIEWS {
                if ui.selectable_label(self.state.view == *key, *label).clicked() {
                    self.state.view = key.to_string();
                }
            }
        });
        ui.separator();
        if self.state.view == "encode" {
            let regs = Some(&self.analysis.regs).filter(|r| !r.is_empty());
            egui::ScrollArea::both().id_salt("encode").show(ui, |ui| self.encode.show(ui, regs));
            return;
        }
        if self.state.input.trim().is_empty() {
            ui.label("Nothing loaded yet. Paste a dump, drop or open a file, or press Sample.");
            return;
        }
        egui::ScrollArea::both().id_salt("view").auto_shrink([false, false]).show(ui, |ui| {
            if !self.state.search.trim().is_empty() {
                self.search_results(ui);
                ui.separator();
            }
            match self.state.view.as_str() {
                "forward" => self.forward_view(ui),
                "guest" => self.guest_view(ui),
                "claim" => self.claim_view(ui),
                "diff" => self.diff_view(ui),
                "log" => self.log_view(ui),
                "walk" => self.walk_view(ui),
                _ => self.decode_view(ui),
            }
        });
    }

    fn search_results(&mut self, ui: &mut Ui) {
        let q = self.state.search.trim().to_lowercase();
        ui.strong(format!("Fields matching \"{}\"", self.state.search.trim()));
        let mut n = 0;
        egui::Grid::new("search").striped(true).show(ui, |ui| {
            for r in &self.analysis.registers {
                for f in &r.fields {
                    let hit = f.name.to_lowercase().contains(&q)
                        || f.meaning.to_lowercase().contains(&q)
                        || f.desc.to_lowercase().contains(&q)
                        || format!("{}.{}", r.name, f.name).to_lowercase().contains(&q);
                    if hit {
                        n += 1;
                        ui.monospace(format!("{}.{}", r.name, f.name));
                        ui.monospace(bits(f.lsb, f.width));
                        ui.monospace(f.value.to_string());
                        ui.label(&f.meaning);
                        ui.label(RichText::new(format!("§{}", f.section)).weak());
                        ui.end_row();
                    }
                }
            }
        });
        if n == 0 {
            ui.label("No decoded field matches.");
        }
    }

    fn decode_view(&mut self, ui: &mut Ui) {
        if let Some(Err(e)) = &self.analysis.decode {
            error_box(ui, e);
        }
        if !self.analysis.registers.is_empty() {
            self.platform.mark_decoded();
        }
        self.linux_line(ui);
        if !self.analysis.summary.is_empty() {
            egui::CollapsingHeader::new(RichText::new("Derived facts").strong()).default_open(true).show(ui, |ui| {
                egui::Grid::new("summary").striped(true).num_columns(2).show(ui, |ui| {
                    for (k, v) in &self.analysis.summary {
                        ui.strong(*k);
                        ui.add(egui::Label::new(v).wrap());
                        ui.end_row();
                    }
                });
            });
        }
        for r in &self.analysis.registers {
            let title = format!("{}  {}  {}  (§{})", r.name, r.value, r.description, r.section);
            egui::CollapsingHeader::new(RichText::new(title).monospace()).id_salt(r.name).default_open(true).show(
                ui,
                |ui| {
                    egui::Grid::new(("fields", r.name)).striped(true).num_columns(5).show(ui, |ui| {
                        ui.strong("Field");
                        ui.strong("Bits");
                        ui.strong("Value");
                        ui.strong("Section");
                        ui.strong("Meaning");
                        ui.end_row();
                        for f in &r.fields {
                            ui.monospace(f.name).on_hover_text(f.desc);
                            ui.monospace(bits(f.lsb, f.width));
                            ui.monospace(f.value.to_string());
                            ui.label(RichText::new(format!("§{}", f.section)).weak());
                            if f.flags.is_empty() {
                                ui.label(&f.meaning);
                            } else {
                                ui.label(
                                    RichText::new(format!("{} (!) {}", f.meaning, f.flags.join("; ")))
                                        .color(ui.visuals().warn_fg_color),
                                );
                            }
                            ui.end_row();
                        }
                    });
                    for p in &r.problems {
                        ui.label(RichText::new(format!("! {p}")).color(ui.visuals().warn_fg_color));
                    }
                },
            );
        }
    }

    /// "Linux VER would print": the modelled probe of the chosen kernel (smmu_core::linux).
    fn linux_line(&mut self, ui: &mut Ui) {
        use smmu_core::linux::{self, ProbeOptions, TABLES};
        let Some(regs) = &self.analysis.regset else { return };
        let Some(table) = TABLES.get(self.linux_kernel).or(TABLES.last()) else { return };
        let o = ProbeOptions { kernel: Some(table.version), ..Default::default() };
        let probe = linux::probe(regs, &o);
        ui.horizontal(|ui| {
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
                    ui.label(if p.probe_fails.is_some() { text.color(ui.visuals().warn_fg_color) } else { text });
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

    fn vmm_switch(&mut self, ui: &mut Ui) {
        egui::CollapsingHeader::new("Host facts and VMM options (as smmu forward's flags)").id_salt("fwdopts").show(
            ui,
            |ui| {
                egui::Grid::new("fwdopts-grid").num_columns(4).show(ui, |ui| {
                    for (i, (key, label, hint)) in FWD_OPTIONS.iter().enumerate() {
                        let l = ui.label(*label);
                        let v = self.state.fwd.entry(key.to_string()).or_default();
                        if ui
                            .add(egui::TextEdit::singleline(v).hint_text(*hint).desired_width(190.0))
                            .labelled_by(l.id)
                            .changed()
                        {
                            self.dirty = true;
                        }
                        if i % 2 == 1 {
                            ui.end_row();
                        }
                    }
                });
            },
        );
        ui.horizontal_wrapped(|ui| {
            ui.label("VMM profile:");
            for (k, l) in VMMS {
                if ui.radio(self.state.vmm == *k, *l).clicked() && self.state.vmm != *k {
                    self.state.vmm = k.to_string();
                    self.dirty = true;
                }
            }
        });
    }

    fn forward_view(&mut self, ui: &mut Ui) {
        self.vmm_switch(ui);
        let Some(v) = self.forward_value(ui) else { return };
        self.vmm_verdict(ui, &v);
        let q = self.state.search.trim().to_lowercase();
        let rows: Vec<&Value> =
            v.get("verdicts").and_then(Value::as_array).map(|a| a.iter().collect()).unwrap_or_default();
        ui.label(
            RichText::new(
                "Strict verdict per field: what a careful VMM presents, and why (hover a reason for its references).",
            )
            .small(),
        );
        egui::Grid::new("verdicts").striped(true).num_columns(6).show(ui, |ui| {
            for h in ["Register", "Field", "Host", "Guest", "Class", "Reason"] {
                ui.strong(h);
            }
            ui.end_row();
            for r in rows {
                let get = |k: &str| r.get(k).map(value_str).unwrap_or_default();
                let (reg, field, reason) = (get("register"), get("field"), get("reason"));
                if !q.is_empty() && !format!("{reg}.{field} {reason}").to_lowercase().contains(&q) {
                    continue;
                }
                ui.monospace(&reg);
                ui.monospace(&field);
                let host = get("host");
                ui.monospace(if host.is_empty() { "-".to_string() } else { host });
                ui.monospace(get("guest")).on_hover_text(get("guest_meaning"));
                let class = get("class");
                ui.label(RichText::new(&class).strong().color(class_colour(&class)));
                let mut tip = get("refs");
                let change = get("would_change");
                if !change.is_empty() {
                    tip = format!("{tip}\nWould change: {change}");
                }
                ui.add(egui::Label::new(&reason).wrap()).on_hover_text(tip);
                ui.end_row();
            }
        });
        let notes = v.get("notes").and_then(Value::as_array).cloned().unwrap_or_default();
        if !notes.is_empty() {
            ui.separator();
            ui.strong("Notes");
            for n in notes {
                ui.label(value_str(&n));
            }
        }
    }

    /// The selected VMM profile's answer: accepts or refuses, with its messages.
    fn vmm_verdict(&self, ui: &mut Ui, v: &Value) {
        let Some(m) = selected_vmm(v, &self.state.vmm) else { return };
        let name = m.get("name").and_then(Value::as_str).unwrap_or("");
        let accepts = m.get("accepts").and_then(Value::as_bool).unwrap_or(false);
        let (t, c) = if accepts {
            (format!("{name} accepts this host"), Color32::from_rgb(0x3a, 0xa0, 0x55))
        } else {
            (format!("{name} refuses this host"), ui.visuals().error_fg_color)
        };
        ui.label(RichText::new(t).strong().color(c));
        for msg in m.get("messages").and_then(Value::as_array).into_iter().flatten() {
            ui.monospace(value_str(msg));
        }
        let exceeds = m.get("exceeds_strict").and_then(Value::as_array).cloned().unwrap_or_default();
        if !exceeds.is_empty() {
            let list: Vec<String> = exceeds
                .iter()
                .map(|e| {
                    format!(
                        "{}.{} = {} (strict {})",
                        e.get("register").map(value_str).unwrap_or_default(),
                        e.get("field").map(value_str).unwrap_or_default(),
                        e.get("value").map(value_str).unwrap_or_default(),
                        e.get("strict").map(value_str).unwrap_or_default()
                    )
                })
                .collect();
            ui.label(
                RichText::new(format!("Presents more than the strict verdict allows: {}", list.join(", ")))
                    .color(ui.visuals().warn_fg_color),
            );
        }
        ui.separator();
    }

    /// The forward result, or a notice drawn in its place.
    fn forward_value(&self, ui: &mut Ui) -> Option<Value> {
        match &self.analysis.forward {
            Some(Ok(v)) => Some(v.clone()),
            Some(Err(e)) => {
                error_box(ui, e);
                None
            }
            None => None,
        }
    }

    fn guest_view(&mut self, ui: &mut Ui) {
        self.vmm_switch(ui);
        let Some(v) = self.forward_value(ui) else { return };
        self.vmm_verdict(ui, &v);
        let guest = selected_vmm(&v, &self.state.vmm)
            .and_then(|m| m.get("guest"))
            .or_else(|| v.get("guest"))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        ui.label(format!("The ID registers the {} profile presents to the guest, beside the host's:", self.state.vmm));
        for (name, val) in &guest {
            let s = value_str(val);
            let host = self.analysis.registers.iter().find(|r| r.name.eq_ignore_ascii_case(name));
            let decoded = smmu_core::regs::by_name(name)
                .zip(smmu_core::snapshot::parse_hex_u64(&s))
                .map(|(r, x)| RegisterInfo::new(r, x));
            let head = match host {
                Some(h) => format!("{name}  guest {s}  host {}", h.value),
                None => format!("{name}  guest {s}"),
            };
            egui::CollapsingHeader::new(RichText::new(head).monospace()).id_salt(("guest", name)).show(ui, |ui| {
                let Some(d) = decoded else { return };
                egui::Grid::new(("guestf", name)).striped(true).show(ui, |ui| {
                    for f in &d.fields {
                        let hv = host.and_then(|h| h.fields.iter().find(|x| x.name == f.name)).map(|x| x.value);
                        ui.monospace(f.name);
                        ui.monospace(f.value.to_string());
                        match hv {
                            Some(h) if h != f.value => {
                                ui.label(RichText::new(format!("host {h}")).color(ui.visuals().warn_fg_color))
                            }
                            Some(h) => ui.label(RichText::new(format!("host {h}")).weak()),
                            None => ui.label(""),
                        };
                        ui.label(&f.meaning);
                        ui.end_row();
                    }
                });
            });
        }
    }

    fn claim_view(&mut self, ui: &mut Ui) {
        ui.label("Proposed guest ID registers (from a patch's cover letter or a VMM's log), in any input format:");
        let l = ui.label("Claimed IDRs");
        if ui
            .add(egui::TextEdit::multiline(&mut self.state.claim).font(egui::TextStyle::Monospace).desired_rows(6))
            .labelled_by(l.id)
            .changed()
        {
            self.dirty = true;
        }
        if self.state.claim.trim().is_empty() {
            return;
        }
        let Some(v) = self.forward_value(ui) else { return };
        let Some(c) = v.get("claim") else {
            ui.label("No claim check in the result.");
            return;
        };
        let over = c.get("over_claims").and_then(Value::as_array).cloned().unwrap_or_default();
        if over.is_empty() {
            ui.label(RichText::new("No field over-claims: every claimed value is safe on this host.").strong());
        } else {
            ui.label(
                RichText::new(format!("{} field(s) over-claim:", over.len()))
                    .strong()
                    .color(ui.visuals().error_fg_color),
            );
            egui::Grid::new("overclaims").striped(true).show(ui, |ui| {
                for h in ["Register", "Field", "Claimed", "Safe", "Host", "Class", "Reason"] {
                    ui.strong(h);
                }
                ui.end_row();
                for o in &over {
                    let g = |k: &str| o.get(k).map(value_str).unwrap_or_default();
                    ui.monospace(g("register"));
                    ui.monospace(g("field"));
                    ui.monospace(g("claimed"));
                    ui.monospace(g("safe"));
                    ui.monospace(g("host"));
                    ui.label(RichText::new(g("class")).color(class_colour(&g("class"))));
                    ui.add(egui::Label::new(g("reason")).wrap());
                    ui.end_row();
                }
            });
        }
        for (k, t) in [("under_claims", "Claimed below what is safe"), ("ignored", "Ignored")] {
            let items = c.get(k).and_then(Value::as_array).cloned().unwrap_or_default();
            if !items.is_empty() {
                ui.strong(t);
                for i in items {
                    ui.label(value_str(&i));
                }
            }
        }
    }

    fn diff_view(&mut self, ui: &mut Ui) {
        ui.label("A second host (a migration pool), in any input format:");
        let l = ui.label("Other host");
        if ui
            .add(egui::TextEdit::multiline(&mut self.state.other).font(egui::TextStyle::Monospace).desired_rows(6))
            .labelled_by(l.id)
            .changed()
        {
            self.dirty = true;
        }
        if self.state.other.trim().is_empty() {
            return;
        }
        let Some(v) = self.forward_value(ui) else { return };
        let Some(p) = v.get("pool") else {
            ui.label("No pool in the result.");
            return;
        };
        let diff = p.get("diff").and_then(Value::as_array).cloned().unwrap_or_default();
        if diff.is_empty() {
            ui.label(RichText::new("The hosts agree on every ID register field.").strong());
        }
        egui::Grid::new("pooldiff").striped(true).show(ui, |ui| {
            for h in ["Register", "Field", "This host", "Other host", "Pool guest", "Matters", "Why"] {
                ui.strong(h);
            }
            ui.end_row();
            for d in &diff {
                let g = |k: &str| d.get(k).map(value_str).unwrap_or_default();
                let vals: Vec<String> = d
                    .get("values")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().map(value_str).collect())
                    .unwrap_or_default();
                let matters = d.get("matters").and_then(Value::as_bool).unwrap_or(false);
                ui.monospace(g("register"));
                ui.monospace(g("field"));
                ui.monospace(vals.first().cloned().unwrap_or_default());
                ui.monospace(vals.get(1).cloned().unwrap_or_default());
                ui.monospace(g("pooled_guest"));
                if matters {
                    ui.label(RichText::new("yes").strong().color(ui.visuals().warn_fg_color));
                } else {
                    ui.label("no");
                }
                ui.add(egui::Label::new(g("why")).wrap());
                ui.end_row();
            }
        });
        for c in p.get("conflicts").and_then(Value::as_array).into_iter().flatten() {
            ui.label(RichText::new(value_str(c)).color(ui.visuals().error_fg_color));
        }
    }

    fn log_view(&mut self, ui: &mut Ui) {
        let v = match &self.analysis.log {
            Some(Ok(v)) => v.clone(),
            Some(Err(e)) => {
                error_box(ui, e);
                return;
            }
            None => return,
        };
        if let Some(k) = v.get("kernel").filter(|k| !k.is_null()) {
            ui.label(format!(
                "Kernel {} ({})",
                value_str(k),
                v.get("kernel_source").map(value_str).unwrap_or_default()
            ));
        }
        let mut any = false;
        for (key, title) in [
            ("probe", "Probe banners"),
            ("events", "Events"),
            ("command_errors", "Command errors"),
            ("global_errors", "Global errors"),
            ("options", "Option masks"),
            ("messages", "Other driver messages"),
            ("unparsed", "Lines not understood"),
        ] {
            let items = v.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
            if items.is_empty() {
                continue;
            }
            any = true;
            ui.strong(format!("{title} ({})", items.len()));
            for (i, it) in items.iter().enumerate() {
                let line = it.get("line").map(value_str).unwrap_or_default();
                let kind = it
                    .get("type")
                    .or_else(|| it.get("name"))
                    .or_else(|| it.get("device"))
                    .map(value_str)
                    .unwrap_or_default();
                egui::CollapsingHeader::new(RichText::new(format!("line {line}: {kind}")).monospace())
                    .id_salt((key, i))
                    .default_open(items.len() <= 4)
                    .show(ui, |ui| json_tree(ui, &format!("{key}{i}"), it));
            }
            ui.separator();
        }
        if !any {
            ui.label("No SMMU events, command errors or probe banners found in the input.");
        }
    }

    fn walk_view(&mut self, ui: &mut Ui) {
        if !self.analysis.is_snapshot {
            ui.label("A walk needs a snapshot with memory (a JSON file with \"smmu_explorer_snapshot\", e.g. assets/samples/qemu-10.0-s1-4k.snapshot.json). Open or drop one.");
        }
        ui.horizontal_wrapped(|ui| {
            for (label, val, w) in [
                ("StreamID", &mut self.state.sid, 60.0),
                ("SubstreamID", &mut self.state.ssid, 60.0),
                ("IOVA", &mut self.state.iova, 160.0),
            ] {
                let l = ui.label(label);
                ui.add(egui::TextEdit::singleline(val).desired_width(w).font(egui::TextStyle::Monospace))
                    .labelled_by(l.id);
            }
            for a in ACCESSES {
                if ui.radio(self.state.access == *a, *a).clicked() {
                    self.state.access = a.to_string();
                }
            }
            ui.checkbox(&mut self.state.unpriv, "unprivileged");
            if ui.button("Run walk").clicked() {
                self.run_walk();
            }
        });
        let Some(res) = &self.walk else { return };
        let v = match res {
            Ok(v) => v.clone(),
            Err(e) => {
                error_box(ui, e);
                return;
            }
        };
        ui.label(RichText::new(v.get("summary").map(value_str).unwrap_or_default()).strong());
        let steps = v.get("steps").and_then(Value::as_array).cloned().unwrap_or_default();
        let shown = self.state.step.min(steps.len());
        ui.horizontal(|ui| {
            if ui.add_enabled(shown > 0, egui::Button::new("Back")).clicked() {
                self.state.step = shown.saturating_sub(1);
            }
            if ui.add_enabled(shown < steps.len(), egui::Button::new("Step")).clicked() {
                self.state.step = shown + 1;
            }
            if ui.button("All steps").clicked() {
                self.state.step = steps.len();
            }
            ui.label(format!("step {shown} of {}", steps.len()));
        });
        for (i, s) in steps.iter().take(shown).enumerate() {
            let g = |k: &str| s.get(k).map(value_str).unwrap_or_default();
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.strong(format!("{}.", i + 1));
                    let level = g("level");
                    let level = if level.is_empty() { String::new() } else { format!(" level {level}") };
                    ui.monospace(format!("stage {}{level}  {}", g("stage"), g("kind")));
                    if !g("address").is_empty() {
                        ui.monospace(format!("[{}] = {}", g("address"), g("value")));
                    }
                    if !g("index_bits").is_empty() {
                        ui.monospace(format!("index {} from {}", g("index"), g("index_bits")));
                    }
                });
                ui.label(g("explanation"));
                for d in s.get("decode").and_then(Value::as_array).into_iter().flatten() {
                    ui.monospace(format!("  {}", value_str(d)));
                }
                let decision = g("decision");
                if !decision.is_empty() {
                    ui.label(RichText::new(format!("-> {decision}")).strong());
                }
            });
        }
        if shown == steps.len() {
            ui.separator();
            ui.strong(format!("Outcome: {}", v.get("outcome").map(value_str).unwrap_or_default()));
            if let Some(pa) = v.get("pa").filter(|p| !p.is_null()) {
                ui.monospace(format!("PA {}", value_str(pa)));
            }
            if let Some(ev) = v.get("event").filter(|e| !e.is_null()) {
                ui.strong("Event record the SMMU would write:");
                json_tree(ui, "walk-event", ev);
            }
        }
    }
}

/// The VMM profile's entry in a forward report.
fn selected_vmm<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.get("vmm")?.as_array()?.iter().find(|m| m.get("name").and_then(Value::as_str) == Some(name))
}

fn error_box(ui: &mut Ui, e: &ApiError) {
    let c = match e {
        ApiError::Unavailable(_) => ui.visuals().weak_text_color(),
        ApiError::Input(_) => ui.visuals().error_fg_color,
    };
    ui.label(RichText::new(e.to_string()).color(c));
}

fn class_colour(class: &str) -> Color32 {
    match class {
        "direct" => Color32::from_rgb(0x3a, 0xa0, 0x55),
        "assumed" | "per-device" => Color32::from_rgb(0x4a, 0x8a, 0xd0),
        "vmm-defined" => Color32::from_rgb(0x90, 0x90, 0x90),
        "host-only" => Color32::from_rgb(0xb0, 0x60, 0xc0),
        _ => Color32::from_rgb(0xd0, 0x80, 0x30),
    }
}

pub fn bits(lsb: u16, width: u8) -> String {
    if width <= 1 {
        format!("[{lsb}]")
    } else {
        format!("[{}:{lsb}]", lsb as u32 + width as u32 - 1)
    }
}

/// A JSON value as plain text (strings unquoted).
pub fn value_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Array(a) => a.iter().map(value_str).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// An indented plain-text rendering of a JSON value (for "Copy text" of JSON-backed views).
pub fn value_text(v: &Value, indent: usize) -> String {
    let pad = "  ".repeat(indent);
    match v {
        Value::Object(m) => m
            .iter()
            .map(|(k, x)| match x {
                Value::Object(_) | Value::Array(_) => format!("{pad}{k}:\n{}", value_text(x, indent + 1)),
                _ => format!("{pad}{k}: {}\n", value_str(x)),
            })
            .collect(),
        Value::Array(a) => a.iter().map(|x| format!("{pad}-\n{}", value_text(x, indent + 1))).collect(),
        other => format!("{pad}{}\n", value_str(other)),
    }
}

/// The decode as plain text: one block per register, one line per field.
pub fn decode_text(regs: &[RegisterInfo], summary: &[(&str, String)]) -> String {
    let mut s = String::new();
    for (k, v) in summary {
        s.push_str(&format!("{k}: {v}\n"));
    }
    if !summary.is_empty() {
        s.push('\n');
    }
    for r in regs {
        s.push_str(&format!("{} ({}) = {}  {} [§{}]\n", r.name, r.offset, r.value, r.description, r.section));
        for f in &r.fields {
            s.push_str(&format!("  {:<14} {:>8} = {:<6} {}\n", f.name, bits(f.lsb, f.width), f.value, f.meaning));
        }
        for p in &r.problems {
            s.push_str(&format!("  ! {p}\n"));
        }
    }
    s
}

/// A JSON value as a collapsible tree (for sections whose shape the core owns).
fn json_tree(ui: &mut Ui, id: &str, v: &Value) {
    match v {
        Value::Object(m) => {
            egui::Grid::new(("json", id)).striped(true).show(ui, |ui| {
                for (k, x) in m {
                    ui.monospace(k);
                    match x {
                        Value::Object(_) | Value::Array(_) => {
                            egui::CollapsingHeader::new("…")
                                .id_salt((id, k))
                                .show(ui, |ui| json_tree(ui, &format!("{id}.{k}"), x));
                        }
                        _ => {
                            ui.label(value_str(x));
                        }
                    }
                    ui.end_row();
                }
            });
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                json_tree(ui, &format!("{id}[{i}]"), x);
            }
        }
        other => {
            ui.label(value_str(other));
        }
    }
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
