//! smmu-web: the browser app (egui/eframe, WASM). OWNER: web helper.

pub struct App;

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        ui.heading("smmu-explorer");
    }
}
