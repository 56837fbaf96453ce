//! Issue 12's browser items, driven natively through egui_kittest (no GPU): paste routing,
//! comments, scenarios, wrapping tables, narrow layout, shortcuts, the Kernel log list, the
//! Walk tab's stream choices and sample, the theme in the link.

use egui_kittest::kittest::{NodeT as _, Queryable as _};
use egui_kittest::Harness;
use smmu_web::app::{App, SAMPLE};
use smmu_web::state::{Theme, View};

fn harness_w(app: App, w: f32) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(w, 900.0))
        .with_context_setup(|ctx| ctx.set_fonts(smmu_web::app::fonts()))
        .build_ui_state(|ui, app: &mut App| app.show(ui), app)
}

fn shows(h: &Harness<'_, App>, needle: &str) -> bool {
    h.query_all_by(|n| n.label().is_some_and(|l| l.contains(needle)) || n.value().is_some_and(|v| v.contains(needle)))
        .next()
        .is_some()
}

/// The bounding box (x0, y0, x1, y1) of the first widget whose label starts with `needle`.
fn bbox(h: &Harness<'_, App>, needle: &str) -> Option<(f64, f64, f64, f64)> {
    h.query_all_by(|n| {
        n.label().is_some_and(|l| l.starts_with(needle)) || n.value().is_some_and(|l| l.starts_with(needle))
    })
    .filter_map(|n| n.accesskit_node().bounding_box().map(|b| (b.x0, b.y0, b.x1, b.y1)))
    .next()
}

const KLOG: &str = include_str!("data/qemu-10.0-s1-dmesg.txt");
const SNAP: &str = include_str!("../../assets/samples/qemu-10.0-s1-4k.snapshot.json");
const SCENARIO: &str = include_str!("../../assets/scenarios/01-s1-4k-48bit-2m-block.json");

#[test]
fn each_paste_opens_the_tab_that_fits_it() {
    let mut h = harness_w(App::default(), 1400.0);
    h.run();
    h.event(egui::Event::Paste(KLOG.into()));
    h.run();
    assert_eq!(h.state().state.view, View::Log);
    assert!(!shows(&h, "no register values found"));
    h.event(egui::Event::Paste(SAMPLE.into()));
    h.run();
    assert_eq!(h.state().state.view, View::Decode);
    h.event(egui::Event::Paste(SNAP.into()));
    h.run();
    assert_eq!(h.state().state.view, View::Walk);
    // The snapshot's stream table: the streams Linux set up for virtio devices (SID 0x8, 0x10,
    // 0x18 in the QEMU 10.0 capture) are offered.
    assert!(h.state().analysis.streams.iter().any(|s| s.sid == 0x18), "{:?}", h.state().analysis.streams);
    h.event(egui::Event::Paste(SCENARIO.into()));
    h.run();
    assert_eq!(h.state().state.view, View::Walk);
    // Scenario 01's first walk: SID 0x8 IOVA 0x100123456 is translated (assets/scenarios/01-...).
    assert_eq!(h.state().state.sid, "0x8");
    assert!(shows(&h, "Outcome") || shows(&h, "step 0 of"), "the scenario's walk did not run");
    assert!(shows(&h, "Suggested walks"));
}

#[test]
fn a_comment_in_a_dump_is_not_an_unrecognised_log_line() {
    let mut h = harness_w(App::default(), 1400.0);
    h.run();
    h.event(egui::Event::Paste(SAMPLE.into()));
    h.run();
    h.get_by_label("Kernel log").click();
    h.run();
    assert!(!shows(&h, "not understood"), "a # comment was listed as not understood");
}

#[test]
fn reason_columns_get_the_width_left_at_800_px() {
    let mut h = harness_w(App::default(), 800.0);
    h.run();
    h.event(egui::Event::Paste(SAMPLE.into()));
    h.run();
    h.get_by_label("Forward").click();
    h.run();
    let (x0, _, x1, _) = bbox(&h, "Reason").expect("Reason header");
    assert!(x1 <= 800.0, "Reason leaves the screen: {x0}..{x1}");
    // Every reason cell lies inside the window and is wider than the 47 px it once had.
    let wide = h
        .query_all_by(|n| n.value().is_some_and(|l| l.len() > 60))
        .filter_map(|n| n.accesskit_node().bounding_box())
        .filter(|b| b.x0 >= x0 - 1.0)
        .collect::<Vec<_>>();
    assert!(!wide.is_empty());
    for b in wide {
        assert!(b.x1 <= 800.5 && b.x1 - b.x0 > 150.0, "reason cell {b:?}");
    }
}

#[test]
fn a_phone_gets_the_stacked_layout_and_whole_tab_labels() {
    let mut h = harness_w(App::default(), 390.0);
    h.run();
    h.event(egui::Event::Paste(SAMPLE.into()));
    h.run();
    for tab in ["Decode", "Forward", "Guest IDRs", "Kernel log", "Walk", "Encode"] {
        let (x0, y0, x1, y1) = bbox(&h, tab).expect(tab);
        assert!(x1 - x0 > y1 - y0, "{tab} label is taller than wide: {x0},{y0},{x1},{y1}");
        assert!(x1 <= 390.5, "{tab} off screen");
    }
    // The input is a fold above the tabs, not a 350 px panel.
    let (_, _, x1, _) = bbox(&h, "Input").expect("Input fold");
    assert!(x1 <= 390.5);
    let (dx0, ..) = bbox(&h, "Decode").expect("Decode tab");
    assert!(dx0 < 40.0, "tabs start at {dx0}: the input panel still takes the left");
}

#[test]
fn slash_and_ctrl_f_focus_search_and_enter_runs_the_walk() {
    let mut h = harness_w(App::default(), 1400.0);
    h.run();
    h.event(egui::Event::Paste(SAMPLE.into()));
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    h.run();
    h.run();
    assert!(h.ctx.memory(|m| m.has_focus(smmu_web::app::search_id())), "Ctrl-F did not focus search");
    h.ctx.memory_mut(|m| m.surrender_focus(smmu_web::app::search_id()));
    h.run();
    h.key_press(egui::Key::Slash);
    h.run();
    h.run();
    assert!(h.ctx.memory(|m| m.has_focus(smmu_web::app::search_id())), "/ did not focus search");
    assert_eq!(h.state().state.search, "", "the / was typed into the box");
    h.ctx.memory_mut(|m| m.surrender_focus(smmu_web::app::search_id()));
    // Enter in the IOVA box runs the walk: the kernel logged F_TRANSLATION for SID 0x18 IOVA
    // 0x12345000 (snapshot kernel.dmesg_smmu).
    h.event(egui::Event::Paste(SNAP.into()));
    h.run();
    h.state_mut().state.sid = "0x18".into();
    h.state_mut().state.iova = "0x12345000".into();
    h.state_mut().state.unpriv = true;
    h.run();
    if let Some(n) = h.query_all_by_label("IOVA").last() {
        n.click();
    }
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    h.run();
    assert!(h.state().walk.result.as_ref().is_some_and(|r| r.is_ok()), "Enter did not run the walk");
    h.get_by_label("All steps").click();
    h.run();
    assert!(shows(&h, "F_TRANSLATION"));
}

#[test]
fn the_email_names_the_host_once() {
    let mut h = harness_w(App::default(), 1400.0);
    h.run();
    h.event(egui::Event::Paste(SAMPLE.into()));
    h.run();
    h.get_by_label("Copy email").click();
    h.run();
    let email = h.state().last_copied.clone().unwrap_or_default();
    assert!(!email.contains("host host"), "{}", email.lines().next().unwrap_or(""));
}

#[test]
fn the_kernel_log_lists_events_with_summaries_and_decodes_the_selected_one_in_hex() {
    let mut h = harness_w(App::default(), 1400.0);
    h.run();
    h.event(egui::Event::Paste(KLOG.into()));
    h.run();
    // QEMU 10.0 guest: F_TRANSLATION from StreamID 0x18 at 0x12345000 (tests/data provenance).
    assert!(shows(&h, "F_TRANSLATION (Translation fault) from StreamID 0x18") || shows(&h, "from StreamID 0x18"));
    assert!(!shows(&h, "sid 24"));
    assert!(shows(&h, "likely cause"), "no full decode of the selected event");
    assert!(shows(&h, "0x12345000"));
}

#[test]
fn the_walk_tab_offers_streams_and_the_sample_snapshot() {
    let mut h = harness_w(App::default(), 1400.0);
    h.run();
    h.get_by_label("Walk").click();
    h.run();
    h.get_by_label("Open the built-in sample snapshot").click();
    h.run();
    h.run();
    assert!(h.state().analysis.has_memory(), "the sample snapshot did not open");
    assert_eq!(h.state().state.view, View::Walk);
    assert!(!h.state().state.sid.is_empty(), "no stream chosen");
    assert!(shows(&h, "choose a stream") || shows(&h, &h.state().state.sid.clone()));
}

#[test]
fn the_nested_grid_is_drawn_for_a_nested_walk() {
    let sc = include_str!("../../assets/scenarios/05-nested-4k-over-4k.json");
    let mut h = harness_w(App::default(), 1400.0);
    h.run();
    h.event(egui::Event::Paste(sc.into()));
    h.run();
    h.get_by_label("All steps").click();
    h.run();
    assert!(shows(&h, "Nested: stage-2 walks per stage-1 read"));
    assert!(shows(&h, "stage-2 walk for"));
}

#[test]
fn the_theme_is_in_the_link() {
    let mut h = harness_w(App::default(), 1400.0);
    h.run();
    h.get_by_label("Light theme").click();
    h.run();
    h.get_by_label("Share link").click();
    h.run();
    let link = h.state().last_copied.clone().unwrap_or_default();
    let frag = link.split_once('#').map(|(_, f)| f.to_string()).unwrap_or_default();
    let opened = App::new(Box::new(smmu_web::app::NoPlatform), Some(&frag));
    assert_eq!(opened.state.theme, Theme::Light);
}

// Issue 15: with an earlier snapshot of the same SMMU given, the Walk tab says what an SMMU may
// still have cached. tests/data/stale: BEFORE maps StreamID 1 IOVA 0x10000 to PA 0x40000000;
// AFTER maps it to 0x48000000 and consumed only CMD_CFGI_CD + CMD_SYNC, which do not
// invalidate TLB entries (IHI 0070 4.3.1, 4.3.3); with TLBI_NH_VA for ASID 1 nothing is stale.
#[test]
fn the_walk_tab_shows_a_stale_cached_entry_given_an_earlier_snapshot() {
    const BEFORE: &str = include_str!("../../tests/data/stale/remap-before.json");
    let run = |after: &str| {
        let mut h = harness_w(App::default(), 1400.0);
        h.run();
        h.event(egui::Event::Paste(after.into()));
        h.run();
        assert_eq!(h.state().state.view, View::Walk);
        h.state_mut().state.before = BEFORE.into();
        h.state_mut().state.sid = "0x1".into();
        h.state_mut().state.ssid = String::new();
        h.state_mut().state.iova = "0x10000".into();
        h.run();
        h.get_by_label("Run walk").click();
        h.run();
        h.get_by_label("All steps").click();
        h.run();
        h.run();
        let stale = h.state().walk.stale.clone();
        (shows(&h, "PA 0x48000000"), stale)
    };
    let (pa, stale) = run(include_str!("../../tests/data/stale/remap-after-no-tlbi.json"));
    assert!(pa, "AFTER's walk");
    let t = stale.expect("a stale entry").expect("the analysis runs");
    assert!(t.contains("may still use the cached entry") && t.contains("-> PA 0x40000000"), "{t}");
    let (pa, stale) = run(include_str!("../../tests/data/stale/remap-after-tlbi.json"));
    assert!(pa);
    assert_eq!(stale, None, "TLBI_NH_VA cleared it");
}
