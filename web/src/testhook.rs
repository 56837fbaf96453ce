//! A test hook: egui's own widget tree (the AccessKit tree egui builds each frame) flattened to
//! `{role, label, value, x, y, w, h, toggled, selected, disabled}` rows, so a browser test can
//! find widgets by label and click them at their position. eframe's web build exposes no
//! accessibility tree to the page, and the canvas has no DOM, so this is the only way in.
//!
//! Off by default (it costs a little per frame); the page turns it on with `?testhook` in the
//! URL or the exported `enable_test_hook()`.

use egui::accesskit;
use serde::Serialize;
use std::sync::Mutex;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WidgetNode {
    pub role: String,
    pub label: String,
    pub value: String,
    /// Position and size in CSS pixels (egui points), relative to the canvas.
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toggled: Option<bool>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub selected: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub disabled: bool,
}

static TREE: Mutex<Vec<WidgetNode>> = Mutex::new(Vec::new());

/// The latest frame's widgets, in tree order.
pub fn snapshot() -> Vec<WidgetNode> {
    TREE.lock().map(|t| t.clone()).unwrap_or_default()
}

/// The latest frame's widgets as JSON.
pub fn snapshot_json() -> String {
    serde_json::to_string(&snapshot()).unwrap_or_else(|_| "[]".into())
}

/// Installs the hook on a context: turns on AccessKit output and records it after each frame.
pub fn install(ctx: &egui::Context) {
    ctx.enable_accesskit();
    ctx.add_plugin(Recorder);
}

struct Recorder;

impl egui::Plugin for Recorder {
    fn debug_name(&self) -> &'static str {
        "smmu-web test hook"
    }
    fn output_hook(&mut self, _ctx: &egui::Context, output: &mut egui::FullOutput) {
        if let Some(update) = &output.platform_output.accesskit_update {
            let rows = flatten(update);
            if let Ok(mut t) = TREE.lock() {
                *t = rows;
            }
        }
    }
}

/// Flattens a tree update into rows: every node with a label, a value or a click action.
pub fn flatten(update: &accesskit::TreeUpdate) -> Vec<WidgetNode> {
    let by_id: std::collections::HashMap<accesskit::NodeId, &accesskit::Node> =
        update.nodes.iter().map(|(id, n)| (*id, n)).collect();
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let root = update.tree.as_ref().map(|t| t.root);
    let mut stack: Vec<accesskit::NodeId> = root.into_iter().collect();
    // Depth-first in child order; nodes not reachable from the root are appended after.
    let mut order = Vec::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        order.push(id);
        if let Some(n) = by_id.get(&id) {
            for c in n.children().iter().rev() {
                stack.push(*c);
            }
        }
    }
    for (id, _) in &update.nodes {
        if !seen.contains(id) {
            order.push(*id);
        }
    }
    for id in order {
        let Some(n) = by_id.get(&id) else { continue };
        let label = n.label().unwrap_or_default().to_string();
        let value = n.value().unwrap_or_default().to_string();
        let clickable = n.supports_action(accesskit::Action::Click);
        if label.is_empty() && value.is_empty() && !clickable {
            continue;
        }
        let (x, y, w, h) = match n.bounds() {
            Some(r) => (r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0),
            None => (0.0, 0.0, 0.0, 0.0),
        };
        out.push(WidgetNode {
            role: format!("{:?}", n.role()),
            label,
            value,
            x,
            y,
            w,
            h,
            toggled: n.toggled().map(|t| t == accesskit::Toggled::True),
            selected: n.is_selected().unwrap_or(false),
            disabled: n.is_disabled(),
        });
    }
    out
}
