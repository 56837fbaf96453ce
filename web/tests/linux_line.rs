//! The Decode tab's "Linux VER would print" line and its kernel selector. Expected banners:
//! what Linux 7.3.4 printed for the QEMU 10.0 stage-1 sample (assets/samples/README.md), and
//! the 6.x form worked out from 6.12's source (ias = max(0, oas 44), no BBML2 bit).

use egui_kittest::kittest::Queryable as _;
use egui_kittest::Harness;
use smmu_web::app::{App, SAMPLE};

fn harness(app: App) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_context_setup(|ctx| ctx.set_fonts(smmu_web::app::fonts()))
        .build_ui_state(|ui, app: &mut App| app.show(ui), app)
}

fn shows(h: &Harness<'_, App>, needle: &str) -> bool {
    h.query_all_by(|n| n.label().is_some_and(|l| l.contains(needle)) || n.value().is_some_and(|v| v.contains(needle)))
        .next()
        .is_some()
}

#[test]
fn decode_tab_says_what_linux_would_print() {
    let mut h = harness(App::default());
    h.run();
    h.event(egui::Event::Paste(SAMPLE.into()));
    h.run();
    assert!(shows(&h, "Linux 7.3 would print: oas 44-bit (features 0x01008305)"));
    // The selector: pick 6.12.
    h.state_mut().decode.linux_kernel = 2;
    h.run();
    assert!(shows(&h, "Linux 6.12 would print: ias 44-bit, oas 44-bit (features 0x00008305)"));
}
