//! One struct per tab. A view reads the typed results of [`crate::analysis`] and the core,
//! and draws them (mostly through [`doc`] and [`table`]); none reads JSON.

pub mod claim;
pub mod decode;
pub mod diff;
pub mod doc;
pub mod forward;
pub mod guest;
pub mod log;
pub mod search;
pub mod table;
pub mod walk;

use crate::analysis::Analysis;
use crate::state::SharedState;
use egui::{Color32, RichText, Ui};
use smmu_core::forward::{Class, ForwardReport};

/// What a view may read and change.
pub struct Cx<'a> {
    pub state: &'a mut SharedState,
    pub analysis: &'a Analysis,
    pub forward: &'a Result<ForwardReport, String>,
    /// Set when an input of the forward report changed (recomputed next frame).
    pub forward_dirty: bool,
    /// A message for the status line: (text, is_error).
    pub status: &'a mut Option<(String, bool)>,
    /// A view asks the page to open the built-in sample snapshot.
    pub want_sample_snapshot: bool,
}

impl Cx<'_> {
    /// The forward report, or its error drawn in its place.
    pub fn report(&self, ui: &mut Ui) -> Option<&ForwardReport> {
        match self.forward {
            Ok(r) => Some(r),
            Err(e) => {
                error(ui, e);
                None
            }
        }
    }
}

pub fn error(ui: &mut Ui, e: &str) {
    ui.add(egui::Label::new(RichText::new(e).color(ui.visuals().error_fg_color)).wrap());
}

pub fn class_colour(class: Class) -> Color32 {
    match class {
        Class::Direct => Color32::from_rgb(0x3a, 0xa0, 0x55),
        Class::Assumed | Class::PerDevice => Color32::from_rgb(0x4a, 0x8a, 0xd0),
        Class::VmmDefined => Color32::from_rgb(0x90, 0x90, 0x90),
        Class::HostOnly => Color32::from_rgb(0xb0, 0x60, 0xc0),
        Class::NeedsKernel | Class::NeedsFirmware | Class::NeedsVmFlag => Color32::from_rgb(0xd0, 0x80, 0x30),
    }
}

/// A register field value as the page shows values: hex.
pub fn hex(v: u64) -> String {
    format!("{v:#x}")
}

pub fn hex_opt(v: Option<u64>) -> String {
    v.map(hex).unwrap_or_else(|| "-".into())
}
