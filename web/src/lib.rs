//! smmu-web: smmu-explorer in the browser (egui/eframe with glow, compiled to WASM).
//!
//! The same module is two things:
//! - a library of plain functions ([`api`]; exported to JavaScript as `decode`, `forward`,
//!   `walk`, `log`) that return the JSON the CLI prints with `--json`, usable from Node or a
//!   worker: initialising the module starts nothing;
//! - the app ([`app::App`]), started explicitly by the page with `start(canvas_id)`.

pub mod analysis;
pub mod api;
pub mod app;
pub mod edit;
pub mod share;
pub mod state;
pub mod testhook;
pub mod views;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use app::App;
