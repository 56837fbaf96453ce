//! The terminal items of issue 12 ("what users tripped on"), each on ratatui's TestBackend.
//!
//! Independent facts used:
//! - IHI 0070 6.3: SMMU_GERROR_IRQ_CFG0 is at offset 0x0068; SMMU_IDR1.CMDQS is bits [25:21]
//!   and EVENTQS bits [20:16], log2 of the queue sizes (0: one entry); SMMU_STRTAB_BASE_CFG
//!   FMT is bits [17:16] and SPLIT bits [10:6], IGNORED when FMT is linear (6.3.25).
//! - assets/scenarios/05 and 06: the scenario files' own streams (0x40, 0x41), walks and
//!   expected PAs (IOVA 0x100000042 -> PA 0x900001042), computed from their mappings, not
//!   from this code; 06 faults at stage 2 on the stage 1 level 0 table (S2 = 1, CLASS = TT).
//! - The built-in sample (QEMU 10.0.2, provenance in assets/samples/README.md): the kernel
//!   printed F_TRANSLATION for StreamID 0x18 at IOVA 0x12345000; its CD's TTB0 table is at
//!   0x45489000 (the walk's level 0 read); the command queue holds CMD_SYNC.
//! - What `smmu log` prints for the sample's kernel lines (the CLI, run here).

use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use smmu_tui::explorer::app::{App, ViewId};
use smmu_tui::explorer::data::{Dataset, Host, SourceKind};
use smmu_tui::explorer::{ui, ThemeName};
use std::path::PathBuf;
use std::process::Command;

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

fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}
fn ch(app: &mut App, c: char) {
    key(app, KeyCode::Char(c));
}
fn typ(app: &mut App, s: &str) {
    for c in s.chars() {
        ch(app, c);
    }
}

/// The screen's words, with borders and wrapping removed, for comparing with CLI text.
fn words(s: &str) -> String {
    s.chars()
        .map(|c| if "│┃┌┐└┘┏┓┗┛─━◆".contains(c) { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn app_of(h: Host) -> App {
    App::new(Dataset::single(h, vec![]), ThemeName::Dark, true)
}

fn sample() -> App {
    app_of(Host::builtin_sample().expect("sample"))
}

fn scenario(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/scenarios")).join(name)
}

/// `smmu scenario build FILE -o OUT`: the snapshot a user gets.
fn built_snapshot(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("smmu-items-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let out = dir.join(format!("{name}.snapshot.json"));
    let st = Command::new(env!("CARGO_BIN_EXE_smmu"))
        .args(["scenario", "build"])
        .arg(scenario(name))
        .arg("-o")
        .arg(&out)
        .status()
        .expect("smmu runs");
    assert!(st.success());
    out
}

fn load(p: &std::path::Path) -> Host {
    Host::load_file(p.to_str().expect("utf-8 path")).expect("loads")
}

// 1. A snapshot from `smmu scenario build` opens its Walk view on the scenario's stream and
// keeps the scenario's walks; one without walks opens on its first valid stream.
#[test]
fn item1_built_scenario_opens_on_its_walks() {
    let snap = built_snapshot("05-nested-4k-over-4k.json");
    let h = load(&snap);
    assert_eq!(h.walks.len(), 2, "the scenario's two walks survive the build");
    let mut a = app_of(h);
    ch(&mut a, '5');
    let s = render(&mut a, 100, 40);
    assert!(s.contains("SID 0x40"), "{s}");
    assert!(s.contains("PA 0x900001042"), "{s}");
    assert!(s.contains("scenario expects translated PA 0x900001042"), "{s}");
    assert!(!s.contains("S2= CLASS="), "{s}");
    ch(&mut a, 's');
    let s = render(&mut a, 100, 40);
    assert!(words(&s).contains("scenario expects F_TRANSLATION"), "{s}");

    // The same snapshot without its walks: the first valid stream, at an address it maps.
    let text = std::fs::read_to_string(&snap).expect("read");
    let mut v: serde_json::Value = serde_json::from_str(&text).expect("json");
    v.as_object_mut().expect("object").remove("walks");
    let bare = snap.with_extension("bare.json");
    std::fs::write(&bare, v.to_string()).expect("write");
    let h = load(&bare);
    assert!(h.walks.is_empty());
    let mut a = app_of(h);
    ch(&mut a, '5');
    assert_eq!(a.views.walk.inputs[0], "0x40");
    let s = render(&mut a, 100, 40);
    assert!(s.contains("Outcome translated"), "the first mapping of stream 0x40 translates: {s}");
    assert!(!s.contains("0x18"), "{s}");

    // The built-in sample still opens on the DMA its kernel log reports.
    let mut a = sample();
    ch(&mut a, '5');
    let s = render(&mut a, 100, 40);
    assert!(s.contains("SID 0x18") && s.contains("IOVA 0x12345000"), "{s}");
}

// 2. Long register names never run into their values.
#[test]
fn item2_long_names_keep_a_space_before_the_value() {
    let dump = "GERROR_IRQ_CFG0 = 0x0000000012340000\nIDR0 = 0x0d44101a\n";
    let h = Host::from_bytes("d", dump.as_bytes(), SourceKind::File).expect("dump");
    let mut a = app_of(h.clone());
    let s = render(&mut a, 100, 40);
    assert!(s.contains("GERROR_IRQ_CFG0 @0x0068 0x0000000012340000"), "{s}");
    ch(&mut a, '2');
    let s = render(&mut a, 100, 30);
    assert!(s.contains("GERROR_IRQ_CFG0 0x0000000012340000"), "{s}");
    // The plain-text overview `smmu` prints without a terminal.
    let t = smmu_tui::explorer::text_summary(&Dataset::single(h, vec![]));
    assert!(t.contains("GERROR_IRQ_CFG0 @0x0068 0x0000000012340000"), "{t}");
}

// 3. The status bar does not keep stale hints.
#[test]
fn item3_status_is_cleared_by_the_next_key() {
    let mut a = sample();
    ch(&mut a, '2');
    ch(&mut a, '/');
    assert!(a.status.contains("Enter keeps the filter"), "{}", a.status);
    typ(&mut a, "ST_LEVEL");
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Esc);
    assert!(!a.status.contains("filter"), "{}", a.status);
    ch(&mut a, 'y');
    assert!(a.status.starts_with("Copied"), "{}", a.status);
    ch(&mut a, 'j');
    assert_eq!(a.status, "");
    let s = render(&mut a, 100, 30);
    assert!(!s.contains("Copied"), "{s}");
}

// 4. PgDn pages the Overview; G ends on a full screen.
#[test]
fn item4_overview_pages_and_ends_on_a_full_screen() {
    let mut a = sample();
    let first = render(&mut a, 100, 30);
    let top_line = |s: &str| s.lines().nth(3).unwrap_or("").to_string();
    key(&mut a, KeyCode::PageDown);
    let paged = render(&mut a, 100, 30);
    let page = a.views.overview.page;
    assert!(page >= 20, "a page is the body: {page}");
    assert_eq!(a.views.overview.offset, page - 1, "PgDn moves a page less one line of context");
    assert_ne!(top_line(&first), top_line(&paged));
    ch(&mut a, 'G');
    let s = render(&mut a, 100, 30);
    let body: Vec<&str> = s.lines().skip(3).take(page).collect();
    let empty = body.iter().filter(|l| l.trim_matches(|c: char| c == '│' || c == ' ').is_empty()).count();
    assert!(empty <= 1, "G leaves {empty} empty lines:\n{s}");
    let total = smmu_tui::explorer::views::overview::lines(&a.model, a.views.overview.probe_kernel, 98).len();
    assert_eq!(a.views.overview.offset + page, total, "the last line is on the last row");
    ch(&mut a, 'g');
    assert_eq!(a.views.overview.offset, 0);
}

// 5. `/` filters the current view instead of jumping to Registers.
#[test]
fn item5_slash_filters_the_current_view() {
    let mut a = sample();
    ch(&mut a, '4');
    let all = a.row_count();
    assert_eq!(all, 64);
    ch(&mut a, '/');
    typ(&mut a, "S1 trans");
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.view, ViewId::Streams);
    // The PCI devices at StreamIDs 0x0, 0x8, 0x10, 0x18 are in stage 1.
    assert_eq!(a.row_count(), 4);
    let s = render(&mut a, 100, 30);
    assert!(s.contains("0x18") && !s.contains("Abort "), "{s}");
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.row_count(), all);
    // Queues & log: the kernel log filtered to its event.
    ch(&mut a, '6');
    ch(&mut a, 'w');
    ch(&mut a, 'w');
    let n = a.row_count();
    ch(&mut a, '/');
    typ(&mut a, "F_TRANSLATION");
    key(&mut a, KeyCode::Enter);
    assert!(a.row_count() >= 1 && a.row_count() < n, "{} of {n}", a.row_count());
    // Registers still filters fields.
    key(&mut a, KeyCode::Esc);
    ch(&mut a, '2');
    ch(&mut a, '/');
    typ(&mut a, "ST_LEVEL");
    assert_eq!(a.view, ViewId::Registers);
    let s = render(&mut a, 120, 40);
    assert!(s.contains("SMMU_IDR0.ST_LEVEL"), "{s}");
}

// 6. Queue and log entries show the full decode `smmu log` prints.
#[test]
fn item6_entries_show_the_full_decode() {
    let h = Host::builtin_sample().expect("sample");
    let klog = h.klog.clone().expect("the sample carries the kernel's SMMU lines");
    let mut child = Command::new(env!("CARGO_BIN_EXE_smmu"))
        .args(["log", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("smmu log");
    use std::io::Write;
    child.stdin.take().expect("stdin").write_all(klog.as_bytes()).expect("write");
    let out = child.wait_with_output().expect("output");
    let cli = String::from_utf8_lossy(&out.stdout).to_string();
    // The likely cause as the CLI prints it (continuation lines joined).
    let cause_at = cli.find("likely cause:").expect("smmu log prints a likely cause");
    let cause = words(&cli[cause_at..]);
    let cause = cause.split(" Type [7:0]").next().unwrap_or("").to_string();
    assert!(cause.len() > 30, "{cause}");

    let mut a = app_of(h);
    ch(&mut a, '6');
    ch(&mut a, 'w');
    ch(&mut a, 'w');
    // Focus the event line of the kernel log.
    ch(&mut a, '/');
    typ(&mut a, "F_TRANSLATION");
    key(&mut a, KeyCode::Enter);
    let s = render(&mut a, 120, 60);
    let w = words(&s);
    assert!(w.contains(&cause), "TUI shows the CLI's likely cause {cause:?}:\n{s}");
    assert!(w.contains("StreamID [63:32] 0x18"), "{s}");
    assert!(w.contains("InputAddr [191:128] 0x12345000 address 0x12345000"), "{s}");
    assert!(w.contains("agrees: kernel sid = 0x18"), "{s}");
    key(&mut a, KeyCode::Esc);
    // Commands: fields and the iommufd verdict.
    ch(&mut a, 'w');
    let s = render(&mut a, 120, 60);
    assert!(s.contains("CMD_") && s.contains("iommufd"), "{s}");
    // The event queue's entries have the event's decode.
    ch(&mut a, 'w');
    let s = render(&mut a, 120, 60);
    assert!(words(&s).contains("likely cause"), "{s}");
    assert!(s.contains("F_TRANSLATION"), "{s}");
}

// 7. Scenario 05's linear stream table is not flagged for SPLIT = 0.
#[test]
fn item7_split_is_ignored_on_a_linear_table() {
    let h = load(&built_snapshot("05-nested-4k-over-4k.json"));
    let cfg = h.register("STRTAB_BASE_CFG").expect("STRTAB_BASE_CFG");
    let v = smmu_core::snapshot::parse_hex_u64(&cfg.value).expect("hex");
    assert_eq!((v >> 16) & 3, 0, "scenario 05 has a linear stream table");
    assert!(cfg.problems.is_empty(), "{:?}", cfg.problems);
    let mut a = app_of(h);
    let s = render(&mut a, 120, 200);
    assert!(!s.contains("SPLIT"), "{s}");
    // A 2-level table with SPLIT = 0 is still reserved.
    let h = Host::from_bytes("d", b"STRTAB_BASE_CFG = 0x00010010\n", SourceKind::File).expect("dump");
    assert!(h.register("STRTAB_BASE_CFG").expect("reg").problems.iter().any(|p| p.contains("SPLIT")));
}

// 8. Keys: the footer of the current view, help at the current view, the focused pane and the
// selected Diff column marked, wrapped text indented under its value.
#[test]
fn item8_keys_footer_help_focus_and_wrapping() {
    let mut a = sample();
    ch(&mut a, '5');
    let s = render(&mut a, 80, 24);
    let footer = s.lines().nth(23).unwrap_or("");
    assert!(footer.contains("→:step") && footer.contains("q:quit"), "{footer}");
    ch(&mut a, '6');
    let s = render(&mut a, 80, 24);
    assert!(s.lines().nth(23).unwrap_or("").contains("w:cmdq/evtq/log"), "{s}");
    // Help opens at the current view's keys.
    ch(&mut a, '?');
    let s = render(&mut a, 100, 30);
    assert!(s.contains("▶ Queues & log (this view)"), "{s}");
    assert!(!s.contains("show this help"), "the global keys are above: {s}");
    key(&mut a, KeyCode::Esc);
    // The list has the focus; ] gives it to the entry pane.
    let s = render(&mut a, 100, 30);
    assert!(s.contains("◆ Command queue"), "{s}");
    ch(&mut a, ']');
    let s = render(&mut a, 100, 30);
    assert!(s.contains("◆ Entry") && !s.contains("◆ Command queue"), "{s}");
    ch(&mut a, 'j');
    let s = render(&mut a, 100, 30);
    assert!(s.contains("◆ Command queue"), "{s}");
    // Diff: the focused host's column.
    let s1 = Host::from_bytes("s1", b"IDR0 = 0x0d44101a\n", SourceKind::File).expect("s1");
    let s2 = Host::from_bytes("s2", b"IDR0 = 0x0d441019\n", SourceKind::File).expect("s2");
    let mut d = App::new(Dataset { hosts: vec![s1, s2], banner: vec![], ..Default::default() }, ThemeName::Dark, true);
    let s = render(&mut d, 100, 30);
    assert!(s.contains("▶ s1"), "{s}");
    ch(&mut d, 'l');
    let s = render(&mut d, 100, 30);
    assert!(s.contains("▶ s2") && !s.contains("▶ s1"), "{s}");
    // Wrapped text continues under its value (the Overview's Data row at 60 columns).
    let mut a = sample();
    let s = render(&mut a, 60, 30);
    let lines: Vec<&str> = s.lines().collect();
    let i = lines.iter().position(|l| l.contains("│Data ")).expect("Data row");
    let value_col = lines[i].find("built-in").expect("value");
    let next = lines[i + 1];
    assert_eq!(next.find(|c: char| c != '│' && c != ' '), Some(value_col), "{s}");
}

// 9. Wording: plurals, addresses as addresses, no generated negations, no CLI flags.
#[test]
fn item9_wording() {
    let mut a = sample();
    ch(&mut a, '5');
    let s = render(&mut a, 100, 40);
    assert!(s.contains("(1 descriptor read)"), "{s}");
    assert!(!s.contains("1 descriptor reads"), "{s}");
    // The CD step shows TTB0 as the table's address (the level 0 read is at 0x45489000).
    ch(&mut a, 'g');
    for _ in 0..4 {
        ch(&mut a, 'l');
    }
    let s = render(&mut a, 120, 60);
    let w = words(&s);
    assert!(w.contains("CD (IHI 0070 5.4)"), "{s}");
    assert!(w.contains("address 0x45489000"), "{s}");
    assert!(!w.contains("TTB0=0x"), "{s}");
    // Flags read as sentences: 0 is "no (when 1: ...)", never "no: not ...".
    ch(&mut a, '2');
    ch(&mut a, 'E');
    for _ in 0..200 {
        let s = render(&mut a, 120, 40);
        assert!(!s.contains("no: not"), "{s}");
        key(&mut a, KeyCode::PageDown);
    }
    // Derived facts count in the right number: IDR1 = 0 gives queues of one entry.
    let h = Host::from_bytes("d", b"IDR0 = 0x0d44101a\nIDR1 = 0x0\n", SourceKind::File).expect("dump");
    let mut a = app_of(h);
    let s = render(&mut a, 120, 60);
    assert!(s.contains("CMDQ 1 entry, EVENTQ 1 entry"), "{s}");
    // No command-line flag in any view of the sample.
    let mut a = sample();
    for v in ViewId::ALL {
        a.go_view(v);
        let s = render(&mut a, 120, 50);
        let flag = s.match_indices("--").any(|(i, _)| s[i + 2..].starts_with(|c: char| c.is_ascii_lowercase()));
        assert!(!flag, "{v:?} names a command-line flag:\n{s}");
    }
}

// 10. The nested grid marks the faulting read; the step pane is usable at 80x24.
#[test]
fn item10_fault_marked_in_the_grid_and_step_pane_at_80x24() {
    let mut a = app_of(load(&built_snapshot("06-nested-s2-fault-on-s1-table.json")));
    ch(&mut a, '5');
    let s = render(&mut a, 100, 40);
    assert!(s.contains("S2=1 CLASS=TT"), "{s}");
    let row = s.lines().find(|l| l.starts_with("stage 1 level 0 descriptor")).expect("grid row for the S1 L0 table");
    assert!(row.contains('✗'), "the stage-2 read that faulted is marked: {row}");
    let marked = s.lines().filter(|l| l.contains('✗') && !l.contains("✗ faulted")).count();
    assert_eq!(marked, 1, "only the faulting read is marked: {s}");
    // A walk that translates marks nothing.
    let mut a = app_of(load(&built_snapshot("05-nested-4k-over-4k.json")));
    ch(&mut a, '5');
    let s = render(&mut a, 80, 24);
    assert!(!s.lines().any(|l| l.contains('✗') && !l.contains("✗ faulted")), "{s}");
    // At 80x24 the step pane keeps at least four lines of detail.
    let lines: Vec<&str> = s.lines().collect();
    let top = lines.iter().position(|l| l.contains("Step 39 of 39")).expect("step pane");
    let bottom = lines.iter().skip(top + 1).position(|l| l.starts_with('└')).expect("bottom border");
    assert!(bottom >= 4, "{bottom} lines:\n{s}");
    assert!(s.contains("stage 2 output 0x900001042"), "{s}");
    // Stepping back shows each read's detail.
    ch(&mut a, 'h');
    let s = render(&mut a, 80, 24);
    assert!(s.contains("Step 38 of 39"), "{s}");
}

fn smmu(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_smmu")).args(args).output().expect("smmu runs");
    String::from_utf8_lossy(&out.stdout).to_string()
}

// One presentation document: the walk's fault event and the focused STE read in the
// explorer exactly as `smmu event` and `smmu ste` print them (same words, in the same order).
#[test]
fn the_explorer_shows_the_documents_the_cli_prints() {
    // The event record the guest kernel printed for the sample's faulting DMA.
    let cli = smmu(&["event", "0x0000001800000010", "0x0000020800000000", "0x0000000012345000", "0x0"]);
    let cli = words(&cli);
    assert!(cli.starts_with("F_TRANSLATION (0x10)"), "{cli}");
    let mut a = sample();
    ch(&mut a, '5');
    let s = render(&mut a, 120, 80);
    assert!(words(&s).contains(&cli), "TUI walk event:\n{s}\nCLI: {cli}");

    // StreamID 0x18's STE, as the Streams view shows it and `smmu ste WORDS --snapshot` decodes it.
    ch(&mut a, '4');
    let row = a.views.streams.focused(&a.model).expect("the walk's stream is focused").clone();
    assert_eq!(row.sid, 0x18);
    let ws: Vec<String> = row.words.iter().map(|w| format!("{w:#x}")).collect();
    let s = render(&mut a, 200, 80);
    let tui = words(&s);
    let heading = "STE (IHI 0070 5.2)";
    assert!(tui.contains(heading), "{s}");
    let snap = concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/samples/qemu-10.0-s1-4k.snapshot.json");
    let mut args: Vec<&str> = vec!["ste"];
    args.extend(ws.iter().map(String::as_str));
    args.extend(["--snapshot", snap]);
    let cli = smmu(&args);
    assert!(cli.starts_with(heading), "{cli}");
    // Every field row `smmu ste` prints (name, bits, value, meaning) is in the explorer.
    let rows: Vec<&str> = cli.lines().filter(|l| l.starts_with("  ") && l.contains('[')).collect();
    assert!(rows.len() >= 5, "{cli}");
    for l in rows {
        let name = words(l);
        let name = name.split(' ').take(3).collect::<Vec<_>>().join(" ");
        assert!(tui.contains(&name), "{l:?} missing from the Streams view:\n{s}");
    }
    assert!(tui.contains("address 0x452c0000"), "S1ContextPtr as an address: {s}");
}
