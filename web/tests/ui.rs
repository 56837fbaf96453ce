//! The app driven natively through egui_kittest (egui's AccessKit tree, no GPU): paste a dump,
//! look at the decode, switch the VMM profile, open a shared link, step a walk.

use egui_kittest::kittest::{NodeT as _, Queryable as _};
use egui_kittest::Harness;
use smmu_web::app::{App, SAMPLE};
use smmu_web::share;
use smmu_web::state::{Theme, View, VmmProfile};

fn harness(app: App) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_context_setup(|ctx| ctx.set_fonts(smmu_web::app::fonts()))
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
fn pasting_the_qemu_sample_decodes_every_register() {
    let mut h = harness(App::default());
    h.run();
    h.event(egui::Event::Paste(SAMPLE.into()));
    h.run();
    assert_eq!(h.state().state.input, SAMPLE.replace("\r\n", "\n"));
    // The sample holds 33 registers (assets/samples/qemu-10.0-s1.txt).
    assert!(shows(&h, "33 registers decoded."), "decode count missing");
    // QEMU 10.0 stage-1 values (IHI 0070 6.3.1, 6.3.2): IDR1 = 0x02730010.
    assert!(shows(&h, "IDR1  0x02730010"));
    assert!(shows(&h, "SIDSIZE"));
    // Derived facts from core: the guest kernel printed "oas 44-bit" for this SMMU
    // (assets/samples/README.md), IDR5.OAS = 0b100.
    assert!(shows(&h, "Derived facts"));
    assert!(shows(&h, "Output address size"));
    assert!(shows(&h, "44 bits"));
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

/// The verdict row for a field: the labels of the widgets on the row's line.
fn row(h: &Harness<'_, App>, field: &str) -> Vec<String> {
    let Some(y) = h
        .query_all_by(|n| n.label().as_deref() == Some(field) || n.value().as_deref() == Some(field))
        .filter_map(|n| n.accesskit_node().bounding_box().map(|b| (b.y0 + b.y1) / 2.0))
        .next_back()
    else {
        return vec![];
    };
    h.query_all_by(|n| n.label().is_some() || n.value().is_some())
        .filter(|n| n.accesskit_node().bounding_box().is_some_and(|b| b.y0 <= y && y <= b.y1))
        .filter_map(|n| n.accesskit_node().label().or_else(|| n.accesskit_node().value()))
        .collect()
}

#[test]
fn forward_view_shows_btm_and_httu_verdicts_and_switches_vmm_profile() {
    let mut h = harness(App::default());
    h.run();
    h.event(egui::Event::Paste(SAMPLE.into()));
    h.run();
    h.get_by_label("Forward").click();
    h.run();
    assert_eq!(h.state().state.view, View::Forward);
    // Upstream uAPI (include/uapi/linux/iommufd.h kdoc): HTTU and BTM are not supported for
    // nesting; they need kernel support (rule 1), so a VMM may not forward them from idr[0].
    let btm = row(&h, "BTM");
    assert!(btm.iter().any(|l| l == "IDR0"), "BTM row: {btm:?}");
    assert!(btm.iter().any(|l| l == "needs-kernel"), "BTM row: {btm:?}");
    let httu = row(&h, "HTTU");
    assert!(httu.iter().any(|l| l == "needs-kernel"), "HTTU row: {httu:?}");
    assert!(shows(&h, "strict accepts this host") || shows(&h, "strict refuses this host"));
    h.get_by_label("QEMU accel").click();
    h.run();
    assert_eq!(h.state().state.vmm, VmmProfile::QemuAccel);
    assert!(shows(&h, "qemu-accel accepts this host") || shows(&h, "qemu-accel refuses this host"));
    h.get_by_label("OpenVMM").click();
    h.run();
    assert_eq!(h.state().state.vmm, VmmProfile::OpenVmm);
    assert!(shows(&h, "openvmm accepts this host") || shows(&h, "openvmm refuses this host"));
    h.get_by_label("Guest IDRs").click();
    h.run();
    assert!(shows(&h, "IDR0  guest 0x"), "guest IDR0 missing");
    h.get_by_label("Copy email").click();
    h.run();
    let email = h.state().last_copied.clone().unwrap_or_default();
    assert!(!email.is_empty() && email.lines().all(|l| l.chars().count() < 76), "email format over 76 columns");
}

#[test]
fn claim_check_flags_an_over_claim() {
    let mut h = harness(App::default());
    h.run();
    h.event(egui::Event::Paste(SAMPLE.into()));
    h.run();
    h.get_by_label("Claim check").click();
    h.run();
    // The QEMU host has BTM = 0 (IDR0 bit 5 clear in 0x0d44101a); a guest claiming
    // IDR0 = 0x0d44103a (bit 5 set) claims BTM, which no VMM may forward.
    h.state_mut().state.claim = "IDR0 = 0x0d44103a\n".into();
    h.state_mut().refresh();
    h.run();
    assert!(shows(&h, "over-claim"), "no over-claim reported");
    let btm = row(&h, "BTM");
    assert!(btm.iter().any(|l| l == "0x1"), "BTM over-claim row: {btm:?}");
}

#[test]
fn host_diff_compares_two_hosts() {
    let mut h = harness(App::default());
    h.run();
    h.event(egui::Event::Paste(SAMPLE.into()));
    h.run();
    h.get_by_label("Host diff").click();
    h.run();
    // The stage-2 capture differs in IDR0.S1P/S2P (0x0d44101a vs 0x0d441019).
    h.state_mut().state.other = include_str!("../../assets/samples/qemu-10.0-s2.txt").into();
    h.state_mut().refresh();
    h.run();
    let s2p = row(&h, "S2P");
    assert!(!s2p.is_empty(), "no S2P diff row");
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
    assert_eq!(opened.state.view, View::Forward);
    assert_eq!(opened.state.vmm, VmmProfile::CloudHypervisor);
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
    let api =
        smmu_web::api::to_json_string(smmu_web::api::decode("IDR0 = 0x0d44101a\n", &serde_json::Value::Null)).unwrap();
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
    assert_eq!(h.state().state.theme, Theme::Dark);
    h.get_by_label("Light theme").click();
    h.run();
    assert_eq!(h.state().state.theme, Theme::Light);
    assert!(shows(&h, "Dark theme"));
}

#[test]
fn walk_view_steps_to_the_fault_the_kernel_logged() {
    // The QEMU 10.0 stage-1 capture: the guest kernel logged F_TRANSLATION for sid 0x18,
    // iova 0x12345000, an unprivileged data read (snapshot kernel.dmesg_smmu).
    let snap = include_str!("../../assets/samples/qemu-10.0-s1-4k.snapshot.json");
    let mut h = harness(App::default());
    h.run();
    h.get_by_label("Walk").click();
    h.run();
    h.state_mut().set_input("qemu-10.0-s1-4k.snapshot.json", snap.as_bytes());
    h.run();
    {
        let s = h.state_mut();
        s.state.sid = "0x18".into();
        s.state.iova = "0x12345000".into();
        s.state.unpriv = true;
    }
    h.run();
    h.get_by_label("Run walk").click();
    h.run();
    assert!(shows(&h, "step 0 of"), "no step counter");
    h.get_by_label("Step").click();
    h.run();
    assert_eq!(h.state().state.step, 1);
    assert!(shows(&h, "step 1 of"));
    h.get_by_label("Back").click();
    h.run();
    assert_eq!(h.state().state.step, 0);
    h.get_by_label("All steps").click();
    h.run();
    assert!(shows(&h, "Outcome: fault"), "walk did not end in a fault");
    assert!(shows(&h, "F_TRANSLATION"), "no F_TRANSLATION event");
}

#[test]
fn kernel_log_view_decodes_events() {
    let log = "[    7.839997] arm-smmu-v3 9050000.smmuv3: event 0x10 received:\n\
[    7.840176] arm-smmu-v3 9050000.smmuv3: \t0x0000001800000010\n\
[    7.840235] arm-smmu-v3 9050000.smmuv3: \t0x0000020800000000\n\
[    7.840268] arm-smmu-v3 9050000.smmuv3: \t0x0000000012345000\n\
[    7.840301] arm-smmu-v3 9050000.smmuv3: \t0x0000000000000000\n";
    let mut h = harness(App::default());
    h.run();
    h.get_by_label("Kernel log").click();
    h.run();
    h.event(egui::Event::Paste(log.into()));
    h.run();
    assert_eq!(h.state().state.view, smmu_web::state::View::Log, "a pasted log opens the Kernel log tab");
    assert!(shows(&h, "1 event"));
    assert!(shows(&h, "F_TRANSLATION"));
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

#[test]
fn forward_options_change_the_verdict() {
    let mut h = harness(App::default());
    h.run();
    h.event(egui::Event::Paste(SAMPLE.into()));
    h.run();
    h.get_by_label("Forward").click();
    h.run();
    h.get_by_label("QEMU accel").click();
    h.run();
    // QEMU's host has IDR3.FWB = 0 (IDR3 = 0x00001404, bit 8 clear): nesting then needs
    // firmware to mark the device CANWBS, which the verdict asks for until it is given.
    assert!(shows(&h, "CANWBS"), "no CANWBS warning without the firmware fact");
    h.state_mut().state.fwd.insert("fw_canwbs".into(), "true".into());
    h.state_mut().refresh();
    h.run();
    assert!(!shows(&h, "say so with"), "CANWBS warning still shown with fw_canwbs=true");
    // A bad option is an error on the page, not a panic.
    h.state_mut().state.fwd.insert("qemu_oas".into(), "lots".into());
    h.state_mut().refresh();
    h.run();
    assert!(shows(&h, "options.qemu_oas"));
}
