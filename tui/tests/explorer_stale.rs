//! Issue 15: with two snapshots of one SMMU loaded (`smmu tui BEFORE AFTER`), the Walk view of
//! AFTER says what an SMMU may still have cached since BEFORE.
//!
//! Independent facts (tests/data/stale/README.md): BEFORE maps StreamID 1, CD 0, ASID 1, IOVA
//! 0x10000 to PA 0x40000000 (nG = 1); AFTER maps it to 0x48000000 and its Command queue
//! consumed only CMD_CFGI_CD and CMD_SYNC. IHI 0070 4.3.1/4.3.3: CFGI does not invalidate TLB
//! entries, so the old translation may still be used. With CMD_TLBI_NH_VA for ASID 1 (4.4.2.4)
//! nothing stale remains.

use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use smmu_tui::explorer::app::App;
use smmu_tui::explorer::data::load_files;
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

fn words(s: &str) -> String {
    s.chars()
        .map(|c| if "│┃┌┐└┘┏┓┗┛─━◆".contains(c) { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `smmu scenario build` of a tests/data/stale file: the snapshot a user would load.
fn built(name: &str) -> String {
    let src = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/data/stale")).join(name);
    let dir = std::env::temp_dir().join(format!("smmu-explorer-stale-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let out = dir.join(name.replace(".json", ".snapshot.json"));
    let st = Command::new(env!("CARGO_BIN_EXE_smmu"))
        .args(["scenario", "build"])
        .arg(&src)
        .arg("-o")
        .arg(&out)
        .status()
        .expect("smmu runs");
    assert!(st.success(), "scenario build {name}");
    out.display().to_string()
}

/// Opens BEFORE and AFTER, moves to AFTER, and walks StreamID 1 at IOVA 0x10000.
fn walk_after(after: &str) -> String {
    let data = load_files(&[built("remap-before.json"), built(after)]).expect("both load");
    let mut a = App::new(data, ThemeName::Dark, true);
    key(&mut a, KeyCode::Right); // Diff: focus the second host (AFTER)
    key(&mut a, KeyCode::Char('5'));
    key(&mut a, KeyCode::Char('e'));
    for input in ["0x1", "", "0x10000"] {
        for _ in 0..24 {
            key(&mut a, KeyCode::Backspace);
        }
        for c in input.chars() {
            key(&mut a, KeyCode::Char(c));
        }
        key(&mut a, KeyCode::Tab);
    }
    key(&mut a, KeyCode::Enter);
    words(&render(&mut a, 160, 60))
}

#[test]
fn walk_view_shows_the_cached_entry_an_smmu_may_still_use() {
    let s = walk_after("remap-after-no-tlbi.json");
    assert!(s.contains("PA 0x48000000"), "AFTER's own walk: {s}");
    assert!(s.contains("An SMMU may still use the cached entry"), "{s}");
    assert!(s.contains("-> PA 0x40000000"), "the old translation: {s}");
    let s = walk_after("remap-after-tlbi.json");
    assert!(s.contains("PA 0x48000000"), "{s}");
    assert!(!s.contains("may still use the cached entry"), "TLBI_NH_VA cleared it: {s}");
}
