//! The Encode tab driven through egui_kittest (AccessKit tree, no GPU): words decoded, an
//! encoding picked from a field's combo, a value typed, a command built, the words and the
//! legality following each change.
//!
//! Facts: Linux 7.3's stage 1 STE as QEMU 10.0 holds it (tests/data/qemu-s1-4k,
//! structures.streams[0].ste_raw = 0x4532200b 0xd6 ...; IHI 0070 5.2: S1DSS [65:64] = 2,
//! S2SL0 [167:166]), and the CMD_SYNC Linux issued (cmdq.entries[1] = 0x0fc02046 0: CS
//! [13:12] = SIG_SEV, MSH [23:22] = ISH, MSIAttr [27:24] = 0xf; IHI 0070 4.7.3).
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use egui_kittest::Harness;
use smmu_web::app::App;

fn harness(app: App) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 1400.0))
        .with_context_setup(|ctx| ctx.set_fonts(smmu_web::app::fonts()))
        .build_ui_state(|ui, app: &mut App| app.show(ui), app)
}

fn shows(h: &Harness<'_, App>, needle: &str) -> bool {
    h.query_all_by(|n| n.label().is_some_and(|l| l.contains(needle)) || n.value().is_some_and(|v| v.contains(needle)))
        .next()
        .is_some()
}

/// Replaces the text of the value box labelled `label`.
fn set_box(h: &mut Harness<'_, App>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label).focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_role_and_label(Role::TextInput, label).type_text(text);
    h.run();
}

/// Picks `option` in the combo box currently showing `current`.
fn pick(h: &mut Harness<'_, App>, current: &str, option: &str) {
    h.get_by(|n| n.role() == Role::ComboBox && n.value().as_deref() == Some(current)).click();
    h.run();
    h.get_by_label(option).scroll_to_me();
    h.run();
    h.get_by_label(option).click();
    h.run();
}

#[test]
fn encode_tab_edits_an_ste_and_builds_a_cmd_sync() {
    let mut h = harness(App::default());
    h.run();
    h.get_by_label("Encode").click();
    h.run();
    assert_eq!(h.state().state.view, smmu_web::state::View::Encode);
    // Works without any input; a zero STE has V = 0: C_BAD_STE.
    assert!(shows(&h, "STE (IHI 0070 5.2)"));
    assert!(shows(&h, "C_BAD_STE"));

    set_box(&mut h, "Words", "0x4532200b 0xd6");
    h.get_by_label("Decode words").click();
    h.run();
    assert_eq!(&h.state().encode.words[..2], &[0x4532200b, 0xd6]);
    assert!(shows(&h, "S1 trans"));
    assert!(shows(&h, "STE: valid, no rule broken"));
    assert!(shows(&h, "As a guest vSTE (Linux iommufd nesting): accepted"));

    // S1DSS from Substream0 to Terminate: word 1 bits [65:64] cleared.
    pick(&mut h, "0x2 Substream0", "0x0 Terminate");
    assert_eq!(h.state().encode.words[1], 0xd4);
    assert!(shows(&h, "words: 0x4532200b 0xd4"));

    // S2SL0 = 2 is STE bits [167:166] = 0b10: word 2 bit 39.
    set_box(&mut h, "S2SL0", "2");
    assert_eq!(h.state().encode.words[2], 1 << 39);
    assert!(shows(&h, "words: 0x4532200b 0xd4 0x8000000000"));
    // Linux takes no stage 2 field from a guest vSTE.
    assert!(shows(&h, "word 2 sets S2SL0"));
    // Too wide: the error names the field; the words keep the last good value.
    set_box(&mut h, "S2SL0", "4");
    assert!(shows(&h, "S2SL0: value 0x4 does not fit its 2 bits"));
    assert_eq!(h.state().encode.words[2], 1 << 39);

    // A command: CMD_SYNC as Linux issued it.
    h.get_by_label("cmd").click();
    h.run();
    assert!(shows(&h, "CMD_PREFETCH_CONFIG (IHI 0070 4.2.1)"));
    pick(&mut h, "CMD_PREFETCH_CONFIG", "CMD_SYNC");
    assert!(shows(&h, "CMD_SYNC (IHI 0070 4.7.3)"));
    pick(&mut h, "0x0 SIG_NONE", "0x2 SIG_SEV");
    pick(&mut h, "0x0 NSH", "0x3 ISH");
    set_box(&mut h, "MSIAttr", "0xf");
    assert_eq!(h.state().encode.words, vec![0x0fc02046, 0]);
    assert!(shows(&h, "words: 0xfc02046 0x0"));
    assert!(shows(&h, "CMD_SYNC is not in the allow-list") || shows(&h, "rejected"));

    // Copy JSON gives the encoder's report.
    h.get_by_label("Copy JSON").click();
    h.run();
    let j: serde_json::Value = serde_json::from_str(h.state().last_copied.as_deref().unwrap_or("")).expect("JSON");
    assert_eq!(j["words"][0], "0x000000000fc02046");
    assert_eq!(j["legality"]["valid"], true);
}
