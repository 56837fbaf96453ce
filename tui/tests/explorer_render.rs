//! Rendering and key-handling tests of the explorer on ratatui's TestBackend.
//!
//! Register values are QEMU 10.0's emulated SMMUv3 as read by its monitor (the project's
//! shared fixtures qemu-s1-4k / qemu-s2-4k): IDR0 = 0x0d44101a (stage 1 only) and
//! 0x0d441019 (stage 2 only). Facts asserted come from IHI 0070 6.3.1: IDR0.ST_LEVEL is
//! bits [28:27] and 0b01 means 2-level stream tables are supported; S1P is bit 1, S2P bit 0.

use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::Terminal;
use smmu_tui::explorer::app::{self, App};
use smmu_tui::explorer::data::{Dataset, Host, SourceKind};
use smmu_tui::explorer::keymap::KEYMAP;
use smmu_tui::explorer::{ui, ThemeName};

const S1: &str = "IDR0 = 0x0d44101a\n";
const S2: &str = "IDR0 = 0x0d441019\n";

fn host(name: &str, text: &str) -> Host {
    let mut h = Host::from_bytes(name, text.as_bytes(), SourceKind::File).expect("loads");
    h.description = format!("test input {name}");
    h
}

fn app_with(hosts: Vec<Host>) -> App {
    App::new(Dataset { hosts, banner: vec!["test banner".into()], ..Default::default() }, ThemeName::Dark, true)
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

fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}
fn ch(app: &mut App, c: char) {
    key(app, KeyCode::Char(c));
}

#[test]
fn registers_view_shows_st_level_meaning_encodings_and_section() {
    let mut a = app_with(vec![host("s1", S1)]);
    assert!(a.focus_field("IDR0", "ST_LEVEL"));
    let s = render(&mut a, 120, 40);
    assert!(s.contains("SMMU_IDR0.ST_LEVEL"), "{s}");
    assert!(s.contains("bits [28:27]"), "{s}");
    assert!(s.contains("section 6.3.1"), "{s}");
    // The current encoding (0b01, 2-level) is marked; the other one (linear) is listed.
    let marked: Vec<&str> = s.lines().filter(|l| l.contains("▶")).collect();
    assert_eq!(marked.len(), 1, "{s}");
    assert!(marked[0].contains("2-level"), "{}", marked[0]);
    assert!(s.contains("Linear"), "{s}");
}

#[test]
fn registers_tree_keys_expand_move_and_collapse() {
    let mut a = app_with(vec![host("s1", S1)]);
    ch(&mut a, '2');
    assert_eq!(a.view, app::ViewId::Registers);
    assert_eq!(a.row_count(), 1);
    key(&mut a, KeyCode::Enter);
    let n = a.row_count();
    assert!(n > 10, "IDR0 has many fields, got {n} rows");
    // Down moves focus to the first field: S2P (bit 0, IHI 0070 6.3.1).
    ch(&mut a, 'j');
    let s = render(&mut a, 100, 30);
    assert!(s.contains("SMMU_IDR0.S2P"), "{s}");
    key(&mut a, KeyCode::Down);
    let s = render(&mut a, 100, 30);
    assert!(s.contains("SMMU_IDR0.S1P"), "{s}");
    ch(&mut a, 'k');
    ch(&mut a, 'k');
    let s = render(&mut a, 100, 30);
    assert!(s.contains("SMMU_IDR0 "), "{s}");
    // Esc collapses.
    ch(&mut a, 'j');
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.row_count(), 1);
}

#[test]
fn search_filters_fields_by_name_and_meaning() {
    let mut a = app_with(vec![host("s1", S1)]);
    ch(&mut a, '2');
    ch(&mut a, '/');
    for c in "endian".chars() {
        ch(&mut a, c);
    }
    key(&mut a, KeyCode::Enter);
    let s = render(&mut a, 100, 30);
    // TTENDIAN matches by name; the focused row is that field.
    assert!(s.contains("SMMU_IDR0.TTENDIAN"), "{s}");
    assert!(!s.contains("STALL_MODEL"), "{s}");
    // Search by meaning: "wake-up" only appears in SEV's description.
    key(&mut a, KeyCode::Esc);
    ch(&mut a, '/');
    for c in "wake-up".chars() {
        ch(&mut a, c);
    }
    key(&mut a, KeyCode::Enter);
    let s = render(&mut a, 100, 30);
    assert!(s.contains("SMMU_IDR0.SEV"), "{s}");
}

#[test]
fn help_lists_every_keymap_entry() {
    let mut a = app_with(vec![host("s1", S1)]);
    ch(&mut a, '?');
    assert!(a.help.is_some());
    // The help opens at the current view's keys; scroll to its top first.
    for _ in 0..60 {
        key(&mut a, KeyCode::Up);
    }
    // Collect the help over its scroll positions.
    let mut seen = String::new();
    for _ in 0..8 {
        seen.push_str(&render(&mut a, 140, 40));
        for _ in 0..20 {
            key(&mut a, KeyCode::Down);
        }
    }
    for bd in KEYMAP {
        assert!(seen.contains(bd.help), "help misses {:?}", bd.help);
        assert!(seen.contains(&smmu_tui::explorer::keymap::keys_label(bd)), "help misses keys of {:?}", bd.help);
    }
    key(&mut a, KeyCode::Esc);
    assert!(a.help.is_none());
}

#[test]
fn number_keys_tab_and_mouse_switch_views() {
    let mut a = app_with(vec![host("s1", S1)]);
    for (i, c) in "12345678".chars().enumerate() {
        ch(&mut a, c);
        assert_eq!(a.view.index(), i);
        let s = render(&mut a, 80, 24);
        assert!(s.contains(app::VIEWS[i].split(' ').next().unwrap()), "{s}");
    }
    key(&mut a, KeyCode::Tab);
    assert_eq!(a.view, app::ViewId::Overview);
    key(&mut a, KeyCode::BackTab);
    assert_eq!(a.view, app::ViewId::Edit);
    render(&mut a, 80, 24);
    // Click on the "2 Registers" tab.
    let r = a.hit.tabs[1];
    a.on_mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: r.x + 1,
        row: r.y,
        modifiers: KeyModifiers::NONE,
    });
    assert_eq!(a.view, app::ViewId::Registers);
    // --no-mouse ignores the mouse.
    let mut b =
        App::new(Dataset { hosts: vec![host("s1", S1)], banner: vec![], ..Default::default() }, ThemeName::Dark, false);
    render(&mut b, 80, 24);
    let r = b.hit.tabs[1];
    b.on_mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: r.x + 1,
        row: r.y,
        modifiers: KeyModifiers::NONE,
    });
    assert_eq!(b.view, app::ViewId::Overview);
}

#[test]
fn every_view_renders_at_80x24_and_tiny_sizes() {
    let sets = vec![vec![host("s1", S1)], vec![host("s1", S1), host("s2", S2)], vec![]];
    for hosts in sets {
        for theme in [ThemeName::Dark, ThemeName::Light] {
            let mut a = App::new(Dataset { hosts: hosts.clone(), banner: vec![], ..Default::default() }, theme, true);
            for v in app::ViewId::ALL {
                a.go_view(v);
                for (w, h) in [(80, 24), (100, 30), (20, 6), (1, 1)] {
                    let s = render(&mut a, w, h);
                    if (w, h) == (80, 24) {
                        assert!(s.contains("Overview") && s.contains("Diff"), "all tabs fit in 80 columns:\n{s}");
                    }
                }
                a.act(smmu_tui::explorer::keymap::Action::Expand);
                render(&mut a, 80, 24);
            }
            ch(&mut a, '?');
            render(&mut a, 80, 24);
            render(&mut a, 10, 3);
        }
    }
}

#[test]
fn overview_says_where_the_data_came_from() {
    let mut a = app_with(vec![host("s1", S1)]);
    let s = render(&mut a, 100, 30);
    assert!(s.contains("test input s1"), "{s}");
    assert!(s.contains("IDR0 @0x0000"), "{s}");
    assert!(s.contains("0x0d44101a"), "{s}");
}

#[test]
fn diff_marks_fields_that_differ_between_hosts() {
    // Two hosts open the diff view first.
    let mut a = app_with(vec![host("s1", S1), host("s2", S2)]);
    assert_eq!(a.view, app::ViewId::Diff);
    let s = render(&mut a, 120, 30);
    // Stage-1-only vs stage-2-only: S1P and S2P differ, nothing else in IDR0 does.
    assert!(s.contains("IDR0.S2P"), "{s}");
    assert!(s.contains("IDR0.S1P"), "{s}");
    assert!(s.contains("2 differing fields"), "{s}");
    assert!(!s.contains("IDR0.ST_LEVEL"), "{s}");
}

#[test]
fn copy_sends_osc52_and_remembers_text() {
    let mut a = app_with(vec![host("s1", S1)]);
    assert!(a.focus_field("IDR0", "STALL_MODEL"));
    ch(&mut a, 'y');
    assert_eq!(a.copied.len(), 1);
    assert!(a.copied[0].contains("SMMU_IDR0.STALL_MODEL [25:24]"), "{}", a.copied[0]);
    assert!(a.copied[0].contains("6.3.1"));
    assert!(a.osc52_out[0].starts_with("\x1b]52;c;"));
    assert!(a.osc52_out[0].ends_with('\x07'));
}

#[test]
fn theme_key_and_quit() {
    let mut a = app_with(vec![host("s1", S1)]);
    ch(&mut a, 't');
    assert_eq!(a.theme().name, ThemeName::Light);
    ch(&mut a, 't');
    assert_eq!(a.theme().name, ThemeName::Dark);
    a.on_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(a.quit);
    let mut b = app_with(vec![host("s1", S1)]);
    ch(&mut b, 'q');
    assert!(b.quit);
}

#[test]
fn walk_inputs_are_edited_and_validated() {
    let mut a = app_with(vec![host("s1", S1)]);
    ch(&mut a, '5');
    ch(&mut a, 'e');
    // 'q' while typing is text, not quit.
    ch(&mut a, 'q');
    assert!(!a.quit);
    key(&mut a, KeyCode::Enter);
    let s = render(&mut a, 100, 30);
    assert!(s.contains("SID"), "{s}");
    assert!(s.contains("0x18q"), "{s}");
    // The bad SID is reported, not a panic.
    assert!(s.contains("SID:"), "{s}");
}

#[test]
fn docs_list_every_key() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/tui.md")).expect("docs/tui.md");
    for bd in KEYMAP {
        assert!(doc.contains(bd.help), "docs/tui.md misses {:?} (regenerate with smmu tui --keys)", bd.help);
    }
}

#[test]
fn r_rereads_the_files() {
    let dir = std::env::temp_dir().join(format!("smmu-tui-reload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("host.txt");
    std::fs::write(&p, S1).unwrap();
    let files = vec![p.to_string_lossy().into_owned()];
    let mut a = App::new(smmu_tui::explorer::data::load_files(&files).unwrap(), ThemeName::Dark, true);
    a.reload = smmu_tui::explorer::data::Reload::Files(files);
    assert!(render(&mut a, 100, 30).contains("0x0d44101a"));
    std::fs::write(&p, S2).unwrap();
    ch(&mut a, 'r');
    let s = render(&mut a, 100, 30);
    assert!(s.contains("0x0d441019"), "{s}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn clicking_a_register_row_focuses_it_and_a_second_click_expands_it() {
    let mut a = app_with(vec![host("s1", S1)]);
    ch(&mut a, '2');
    key(&mut a, KeyCode::Enter);
    render(&mut a, 100, 30);
    let l = a.hit.list;
    // Row 3 of the tree: IDR0, S2P, S1P, TTF -> TTF.
    let click = |a: &mut App, row: u16| {
        a.on_mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: l.x + 2,
            row: l.y + row,
            modifiers: KeyModifiers::NONE,
        })
    };
    click(&mut a, 3);
    let s = render(&mut a, 100, 30);
    assert!(s.contains("SMMU_IDR0.TTF"), "{s}");
    // Click the register row twice: collapses it.
    click(&mut a, 0);
    click(&mut a, 0);
    assert_eq!(a.row_count(), 1);
    // The wheel scrolls.
    a.on_mouse(MouseEvent { kind: MouseEventKind::ScrollDown, column: l.x, row: l.y, modifiers: KeyModifiers::NONE });
}

#[test]
fn brackets_scroll_the_detail_pane() {
    let mut a = app_with(vec![host("s1", S1)]);
    assert!(a.focus_field("IDR0", "ST_LEVEL"));
    let s = render(&mut a, 80, 12);
    assert!(s.contains("SMMU_IDR0.ST_LEVEL"), "{s}");
    ch(&mut a, ']');
    let s = render(&mut a, 80, 12);
    assert!(!s.contains("SMMU_IDR0.ST_LEVEL  bits"), "scrolled past the title: {s}");
    ch(&mut a, '[');
    let s = render(&mut a, 80, 12);
    assert!(s.contains("SMMU_IDR0.ST_LEVEL"), "{s}");
}
