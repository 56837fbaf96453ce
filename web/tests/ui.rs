//! The app driven natively through egui_kittest (egui's AccessKit tree, no GPU): paste a dump,
//! look at the decode, switch the VMM profile, open a shared link, step a walk.

use egui_kittest::kittest::Queryable as _;
use egui_kittest::Harness;
use smmu_web::app::{App, SAMPLE};
use smmu_web::share;

fn harness(app: App) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut App| app.show(ui), app)
}

/// True when some widget's label contains `needle`.
fn shows(h: &Harness<'_, App>, needle: &str) -> bool {
    h.query_all_by(|n| n.label().is_some_and(|l| l.contains(needle)) || n.value().is_some_and(|v| v.contains(needle)))
        .next()
        .is_some()
}

#[test]
fn pasting_a_register_dump_shows_its_fields() {
    let mut h = harness(App::default());
    h.run();
    assert!(shows(&h, "Nothing loaded yet"));
    // QEMU 10.0's stage-1 IDR0. ST_LEVEL is IDR0[28:27] = 0b01 (IHI 0070 6.3.1).
    h.event(egui::Event::Paste("IDR0 = 0x0d44101a\n".into()));
    h.run();
    assert_eq!(h.state().state.input, "IDR0 = 0x0d44101a\n");
    assert!(shows(&h, "IDR0  0x0d44101a"), "register header missing");
    assert!(shows(&h, "ST_LEVEL"));
    assert!(shows(&h, "[28:27]"));
    assert!(shows(&h, "§6.3.1"));
}

#[test]
fn pasting_the_qemu_sample_never_panics_and_says_what_happened() {
    let mut h = harness(App::default());
    h.run();
    h.event(egui::Event::Paste(SAMPLE.into()));
    h.run();
    let st = h.state();
    assert_eq!(st.state.input, SAMPLE.replace("\r\n", "\n"));
    // Either the registers are decoded or the parser's error (line and column) is shown.
    assert!(shows(&h, "registers decoded") || shows(&h, "line "), "no decode and no error shown");
}

#[test]
fn sample_button_and_search() {
    let mut h = harness(App::default());
    h.run();
    h.get_by_label("Sample").click();
    h.run();
    assert!(h.state().state.input.contains("IDR0 = 0x0d44101a"));
    h.state_mut().state.input = "IDR0 = 0x0d44101a".into();
    h.state_mut().set_input("test", b"IDR0 = 0x0d44101a");
    h.state_mut().state.search = "stream table".into();
    h.run();
    assert!(shows(&h, "Fields matching"));
    assert!(shows(&h, "IDR0.ST_LEVEL"), "search by meaning did not find ST_LEVEL");
}

#[test]
fn forward_view_switches_vmm_profile() {
    let mut h = harness(App::default());
    h.run();
    h.event(egui::Event::Paste(SAMPLE.into()));
    h.run();
    h.get_by_label("Forward").click();
    h.run();
    assert_eq!(h.state().state.view, "forward");
    h.get_by_label("QEMU accel").click();
    h.run();
    assert_eq!(h.state().state.vmm, "qemu-accel");
    // Either the verdict table (with its BTM / HTTU rows) or an honest notice.
    assert!(
        (shows(&h, "BTM") && shows(&h, "HTTU")) || shows(&h, "not available in this build yet") || shows(&h, "line "),
        "forward view shows neither verdicts nor a notice"
    );
    h.get_by_label("OpenVMM").click();
    h.run();
    assert_eq!(h.state().state.vmm, "openvmm");
}

#[test]
fn a_shared_link_reproduces_the_view() {
    let mut h = harness(App::default());
    h.run();
    h.event(egui::Event::Paste("IDR0 = 0x0d44101a\n".into()));
    h.run();
    h.get_by_label("Forward").click();
    h.run();
    h.get_by_label("Cloud Hypervisor").click();
    h.run();
    h.get_by_label("Share link").click();
    h.run();
    let link = h.state().last_copied.clone().expect("share link copied");
    let frag = link.split_once('#').map(|(_, f)| f.to_string()).expect("link has a fragment");
    let opened = App::new(Box::new(smmu_web::app::NoPlatform), Some(&frag));
    assert_eq!(opened.state.input, "IDR0 = 0x0d44101a\n");
    assert_eq!(opened.state.view, "forward");
    assert_eq!(opened.state.vmm, "cloud-hypervisor");
    let decoded = share::decode(&frag).unwrap();
    assert_eq!(decoded, opened.state);
}

#[test]
fn a_damaged_link_is_reported_not_fatal() {
    let mut h = harness(App::new(Box::new(smmu_web::app::NoPlatform), Some("#s1.%%%")));
    h.run();
    assert!(shows(&h, "damaged"));
    let mut h = harness(App::new(Box::new(smmu_web::app::NoPlatform), Some("#s7.AAAA")));
    h.run();
    assert!(shows(&h, "different version"));
}

#[test]
fn copy_json_is_the_api_json() {
    let mut h = harness(App::default());
    h.run();
    h.event(egui::Event::Paste("IDR0 = 0x0d44101a\n".into()));
    h.run();
    h.get_by_label("Copy JSON").click();
    h.run();
    let copied = h.state().last_copied.clone().expect("copied");
    let api = smmu_web::api::to_json_string(smmu_web::api::decode("IDR0 = 0x0d44101a\n", &serde_json::Value::Null)).unwrap();
    assert_eq!(copied, api);
    h.get_by_label("Copy text").click();
    h.run();
    assert!(h.state().last_copied.as_deref().unwrap_or("").contains("ST_LEVEL"));
}

#[test]
fn theme_switch_and_every_view_draw_on_bad_input() {
    let mut h = harness(App::default());
    h.run();
    h.event(egui::Event::Paste("\u{0}garbage ][ {\"smmu_explorer_snapshot\": 1, \n".into()));
    h.run();
    for v in ["Decode", "Forward", "Guest IDRs", "Claim check", "Host diff", "Kernel log", "Walk"] {
        h.get_by_label(v).click();
        h.run();
    }
    assert!(h.state().dark);
    h.get_by_label("Light theme").click();
    h.run();
    assert!(!h.state().dark);
    assert!(shows(&h, "Dark theme"));
}

#[test]
fn walk_view_steps() {
    let mut h = harness(App::default());
    h.run();
    h.get_by_label("Walk").click();
    h.run();
    h.event(egui::Event::Paste("{\"smmu_explorer_snapshot\": 1, \"registers\": {\"IDR0\": \"0x0d44101a\"}}".into()));
    h.run();
    {
        let s = h.state_mut();
        s.state.sid = "0".into();
        s.state.iova = "0x1000".into();
    }
    h.run();
    h.get_by_label("Run walk").click();
    h.run();
    // With a walker: step controls; without: the honest notice.
    if shows(&h, "Step ▶") {
        let before = h.state().state.step;
        h.get_by_label("Step ▶").click();
        h.run();
        assert_eq!(h.state().state.step, before + 1);
    } else {
        assert!(shows(&h, "not available in this build yet") || shows(&h, "snapshot"));
    }
}

#[test]
fn test_hook_flattens_the_widget_tree() {
    let mut h = harness(App::default());
    smmu_web::testhook::install(&h.ctx);
    h.run();
    let rows = smmu_web::testhook::snapshot();
    let sample = rows.iter().find(|r| r.label == "Sample").expect("Sample button in the tree");
    assert_eq!(sample.role, "Button");
    assert!(sample.w > 0.0 && sample.h > 0.0);
}
