//! The explorer on the built-in sample: QEMU 10.0.2's emulated SMMUv3 (stage 1 only, 4K
//! pages) after a Linux 7.3.4 boot, with memory (assets/samples/qemu-10.0-s1-4k.snapshot.json,
//! provenance in assets/samples/README.md).
//!
//! Independent facts asserted (what the guest kernel printed, from the capture's dmesg):
//! - `arm-smmu-v3 9050000.smmuv3: oas 44-bit`;
//! - `event 0x10 received: 0x0000001800000010 0x0000020800000000 0x0000000012345000
//!   0x0000000000000000` then `event: F_TRANSLATION client: 0000:00:03.0 sid: 0x18 ssid: 0x0
//!   iova: 0x12345000` and `unpriv data read s1`;
//! - the PCI devices sit at StreamIDs 0x0, 0x8, 0x10, 0x18, and Linux puts their DMA
//!   domains in stage 1 (STE.Config = 0b101, "S1 trans").

use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use smmu_tui::explorer::app::{self, App};
use smmu_tui::explorer::data::{self, Dataset, Host, SourceKind};
use smmu_tui::explorer::{ui, ThemeName};

fn sample_app() -> App {
    let h = Host::builtin_sample().expect("sample");
    assert_eq!(h.kind, SourceKind::Sample);
    assert!(h.snapshot.is_some(), "the built-in sample is the snapshot with memory");
    App::new(Dataset::single(h, vec!["Showing the built-in sample".into()]), ThemeName::Dark, true)
}

fn render(app: &mut App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| ui::draw(f, app)).expect("draw");
    let buf = term.backend().buffer().clone();
    let mut s = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            s.push_str(buf[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}

fn ch(app: &mut App, c: char) {
    app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
}

#[test]
fn overview_oas_row_says_44_bits_and_names_the_sample() {
    let mut a = sample_app();
    let s = render(&mut a, 100, 40);
    let oas = s.lines().find(|l| l.contains("Output address size")).expect("OAS row");
    assert!(oas.contains("44 bits"), "{oas}");
    assert!(s.contains("built-in sample"), "{s}");
    assert!(s.contains("stage 1 only"), "{s}");
    // Also at 80x24, the row is on the first screen.
    let s = render(&mut a, 80, 24);
    assert!(s.lines().any(|l| l.contains("Output address size") && l.contains("44 bits")), "{s}");
}

#[test]
fn walk_of_the_faulting_dma_gives_the_event_the_kernel_printed() {
    let mut a = sample_app();
    ch(&mut a, '5');
    let s = render(&mut a, 120, 40);
    assert!(s.contains("Outcome fault"), "{s}");
    // The kernel printed `event 0x10 received`: F_TRANSLATION is event number 0x10 (IHI 0070 7.3).
    assert!(s.contains("Event F_TRANSLATION (0x10)"), "{s}");
    // The raw record equals the four dwords the kernel printed for this DMA.
    assert!(s.contains("0x0000001800000010, 0x0000020800000000, 0x0000000012345000, 0x0000000000000000"), "{s}");
    // Stepping back hides the event and the last read; Home goes to the start.
    let n = a.views.walk.step;
    assert!(n >= 3, "several steps: {n}");
    a.on_key(KeyEvent::new(KeyCode::Left, KeyModifiers::NONE));
    assert_eq!(a.views.walk.step, n - 1);
    let s = render(&mut a, 120, 40);
    assert!(!s.contains("Event F_TRANSLATION"), "{s}");
    ch(&mut a, 'g');
    assert_eq!(a.views.walk.step, 0);
    ch(&mut a, 'l');
    assert_eq!(a.views.walk.step, 1);
    ch(&mut a, 'G');
    assert_eq!(a.views.walk.step, n);
}

#[test]
fn walk_inputs_can_be_retyped() {
    let mut a = sample_app();
    ch(&mut a, '5');
    ch(&mut a, 'e');
    // Clear SID and type 0x8 (virtio-blk), Tab to SSID, Tab to IOVA.
    for _ in 0..4 {
        a.on_key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
    }
    for c in "0x8".chars() {
        ch(&mut a, c);
    }
    a.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    assert_eq!(a.views.walk.inputs[0], "0x8");
    let r = data::walk_request(&a.views.walk.inputs, true).expect("valid");
    assert_eq!(r.sid, 8);
    let s = render(&mut a, 120, 40);
    assert!(s.contains("Outcome"), "{s}");
}

#[test]
fn streams_view_lists_the_pci_devices_in_stage_1() {
    let mut a = sample_app();
    ch(&mut a, '4');
    let s = render(&mut a, 100, 40);
    assert!(s.contains("2-level stream table"), "{s}");
    let (rows, _) = data::streams(a.host().unwrap()).expect("stream table");
    for sid in [0x0u32, 0x8, 0x10, 0x18] {
        let r = rows.iter().find(|r| r.sid == sid).unwrap_or_else(|| panic!("SID {sid:#x} listed"));
        let cfg = r.report.fields.iter().find(|f| f.name == "Config").unwrap();
        assert_eq!(cfg.value, 0b101, "SID {sid:#x}: Config = 0b101 (S1 translate)");
        assert!(r.report.legality.valid, "SID {sid:#x}");
    }
    // Enter shows the CDs of the focused stream (SID 0x0: one CD, S1CDMax = 0).
    a.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let s = render(&mut a, 100, 40);
    assert!(s.contains("CD at 0x"), "{s}");
}

#[test]
fn queues_view_shows_the_event_records_of_the_faulting_device() {
    let mut a = sample_app();
    ch(&mut a, '6');
    let s = render(&mut a, 120, 40);
    assert!(s.contains("CMD_SYNC"), "{s}");
    ch(&mut a, 'w');
    let s = render(&mut a, 120, 40);
    assert!(s.contains("F_TRANSLATION"), "{s}");
    assert!(s.contains("StreamID 0x18"), "{s}");
    ch(&mut a, 'w');
    let s = render(&mut a, 120, 40);
    assert!(s.contains("oas 44-bit"), "the kernel log pane shows the probe banner: {s}");
}

#[test]
fn forwarding_view_switches_profile_caps_and_class_filter() {
    let mut a = sample_app();
    ch(&mut a, '3');
    let s = render(&mut a, 120, 40);
    assert!(s.contains("VMM strict"), "{s}");
    // IDR0.S2P belongs to the host (stage 2 is the host's nesting parent).
    assert!(s.lines().any(|l| l.contains("IDR0.S2P") && l.contains("host-only")), "{s}");
    ch(&mut a, 'p');
    let s = render(&mut a, 120, 40);
    assert!(s.contains("VMM qemu-accel"), "{s}");
    ch(&mut a, 'f');
    let s = render(&mut a, 120, 40);
    assert!(s.contains("class direct"), "{s}");
    let body: Vec<&str> = s.lines().filter(|l| l.contains("│IDR")).collect();
    assert!(!body.is_empty(), "{s}");
    assert!(body.iter().all(|l| l.contains("direct")), "only direct rows: {body:?}");
    ch(&mut a, 'c');
    let s = render(&mut a, 120, 40);
    assert!(s.contains("caps none"), "{s}");
}

#[test]
fn registers_view_on_the_sample_has_every_register_of_the_snapshot() {
    let mut a = sample_app();
    ch(&mut a, '2');
    let n = a.host().unwrap().decoded.len();
    assert!(n > 20, "{n} registers");
    assert!(a.focus_field("STRTAB_BASE_CFG", "FMT"));
    let s = render(&mut a, 120, 40);
    assert!(s.contains("SMMU_STRTAB_BASE_CFG.FMT"), "{s}");
    assert_eq!(a.view, app::ViewId::Registers);
}

#[test]
fn every_view_of_the_sample_renders_at_80x24() {
    let mut a = sample_app();
    for v in app::ViewId::ALL {
        a.go_view(v);
        let s = render(&mut a, 80, 24);
        assert!(s.contains("7 Diff"), "{s}");
        render(&mut a, 30, 8);
    }
}

#[test]
fn a_kernel_log_opens_on_its_decoded_events() {
    // John Garry's public bug report (linux-scsi, May 2022; provenance in
    // core/tests/data/README.md): raw event dwords 0x0000741000000010 ... = event 0x10
    // (F_TRANSLATION) from StreamID 0x7410.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/data/hisi-fio-5.18.log");
    let h = Host::load_file(path).expect("a kernel log loads");
    assert_eq!(h.format, "kernel log");
    let mut a = App::new(Dataset::single(h, vec![]), ThemeName::Dark, true);
    assert_eq!(a.view, app::ViewId::Queues);
    let s = render(&mut a, 120, 30);
    assert!(s.contains("F_TRANSLATION"), "{s}");
    assert!(s.contains("StreamID 0x7410"), "{s}");
}

#[test]
fn a_bad_file_is_an_error_naming_the_file() {
    let dir = std::env::temp_dir().join(format!("smmu-tui-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("bad.txt");
    std::fs::write(&p, "this is not a register dump\n").unwrap();
    let e = Host::load_file(p.to_str().unwrap()).unwrap_err();
    assert!(e.contains("bad.txt"), "{e}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_smmu")).arg("tui").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "bad input exits 1");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn without_a_terminal_smmu_prints_a_summary_and_exits_0() {
    let out =
        std::process::Command::new(env!("CARGO_BIN_EXE_smmu")).stdin(std::process::Stdio::null()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("not a terminal"), "{s}");
    assert!(s.contains("Output address size") || s.contains("live host"), "{s}");
}

#[test]
fn nested_scenario_walk_shows_24_table_reads_in_the_grid() {
    // IHI 0070 3.3 / Arm ARM: with 4-level stage 1 over 4-level stage 2, each of the 4
    // stage-1 table addresses and the output IPA take a 4-level stage-2 walk: 4 x 4 + 4 +
    // 4 stage-1 reads = 24 descriptor reads; the CD's IPA takes another 4.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/scenarios/05-nested-4k-over-4k.json");
    let h = Host::load_file(path).expect("scenario loads");
    assert!(h.format.starts_with("scenario"), "{}", h.format);
    assert!(!h.walks.is_empty());
    let mut a = App::new(Dataset::single(h, vec![]), ThemeName::Dark, true);
    ch(&mut a, '5');
    let v = match &a.views.walk.result {
        Some(Ok(v)) => v.clone(),
        other => panic!("walk ran: {other:?}"),
    };
    assert_eq!(v.outcome, smmu_core::walk::Outcome::Translated);
    let steps = v.steps.clone();
    let grid = smmu_tui::explorer::views::walk::nested_grid(&steps, steps.len(), false).expect("nested");
    // CD + four stage-1 tables + output: six stage-2 walks of four levels each.
    assert_eq!(grid.len(), 6, "{:?}", grid.iter().map(|r| &r.purpose).collect::<Vec<_>>());
    assert!(grid.iter().all(|r| r.levels == vec![0, 1, 2, 3]));
    let s1_reads = steps.iter().filter(|s| s.stage == "1" && s.level.is_some()).count();
    let s2_reads: usize = grid.iter().skip(1).map(|r| r.levels.len()).sum();
    assert_eq!(s1_reads + s2_reads, 24);
    let s = render(&mut a, 100, 40);
    assert!(s.contains("stage-2 walk for"), "{s}");
    assert!(s.contains("scenario expects translated"), "{s}");
    // s moves to the scenario's next walk (a stage-1 translation fault).
    ch(&mut a, 's');
    let s = render(&mut a, 100, 40);
    assert!(s.contains("F_TRANSLATION"), "{s}");
}

#[test]
fn smmu_tui_dash_reads_standard_input() {
    use std::io::Write;
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_smmu"))
        .args(["tui", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin.take().unwrap().write_all(b"IDR0 = 0x0d44101a\n").unwrap();
    let out = c.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("standard input"), "{s}");
    assert!(s.contains("0x0d44101a"), "{s}");
}

#[test]
fn pasting_a_kernel_log_decodes_it_and_pasting_a_dump_adds_a_host() {
    let mut a = sample_app();
    // The guest kernel's printout of the sample's first event (capture dmesg).
    let log = "[    7.839997] arm-smmu-v3 9050000.smmuv3: event 0x10 received:\n\
               [    7.840176] arm-smmu-v3 9050000.smmuv3: \t0x0000001800000010\n\
               [    7.840235] arm-smmu-v3 9050000.smmuv3: \t0x0000020800000000\n\
               [    7.840268] arm-smmu-v3 9050000.smmuv3: \t0x0000000012345000\n\
               [    7.840301] arm-smmu-v3 9050000.smmuv3: \t0x0000000000000000\n";
    // Terminals send pasted line breaks as CR.
    assert!(a.on_paste(&log.replace('\n', "\r")));
    assert_eq!(a.view, app::ViewId::Queues);
    let s = render(&mut a, 120, 30);
    assert!(s.contains("F_TRANSLATION"), "{s}");
    assert!(s.contains("StreamID 0x18"), "{s}");
    // A stage-2-only QEMU IDR0 pasted becomes a second host; the diff shows S1P/S2P.
    a.on_paste("IDR0 = 0x0d441019\n");
    assert_eq!(a.model.data.hosts.len(), 2);
    ch(&mut a, '7');
    let s = render(&mut a, 120, 30);
    assert!(s.contains("IDR0.S2P") && s.contains("IDR0.S1P"), "{s}");
}
