//! The explorer's Edit view on ratatui's TestBackend: words typed in, fields stepped and
//! typed, the words and the legality following.
//!
//! Facts: Linux 7.3's stage 1 STE as QEMU 10.0 holds it (tests/data/qemu-s1-4k,
//! structures.streams[0].ste_raw = 0x4532200b 0xd6 ...): Config [3:1] = 0b101 (stage 1),
//! S1DSS [65:64] = 2 (Substream0) (IHI 0070 5.2). Config 0b111 (S1+S2) sets bit 2 too,
//! word 0 = 0x4532200f; S1DSS stepping past its last encoding (Substream0) wraps to 0
//! (Terminate), word 1 = 0xd4.
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use smmu_tui::explorer::app::{self, App};
use smmu_tui::explorer::data::{Dataset, Host, SourceKind};
use smmu_tui::explorer::{ui, ThemeName};

fn app() -> App {
    // QEMU 10.0's stage-1 SMMU registers (IDR0 = 0x0d44101a: S1P = 1).
    let h = Host::from_bytes("s1", b"IDR0 = 0x0d44101a\nIDR1 = 0x02730010\nIDR5 = 0x00000074\n", SourceKind::File)
        .expect("loads");
    App::new(Dataset { hosts: vec![h], banner: vec![], ..Default::default() }, ThemeName::Dark, true)
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
fn typ(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c));
    }
}
/// Moves the cursor down to the field named `name` (from the top).
fn focus(app: &mut App, name: &str) {
    key(app, KeyCode::Home);
    for _ in 0..80 {
        let s = render(app, 140, 40);
        if s.lines().any(|l| l.contains(&format!("STE.{name} bits"))) {
            return;
        }
        key(app, KeyCode::Down);
    }
    panic!("field {name} not reached");
}

#[test]
fn edit_view_follows_words_steps_and_typed_values() {
    let mut a = app();
    typ(&mut a, "8");
    assert_eq!(a.view, app::ViewId::Edit);
    let s = render(&mut a, 140, 40);
    assert!(s.contains("8 Edit"), "{s}");
    assert!(s.contains("STE (IHI 0070 5.2)"), "{s}");
    // A zero STE: V = 0 is C_BAD_STE.
    assert!(s.contains("C_BAD_STE"), "{s}");

    // Type the words in.
    typ(&mut a, "w");
    typ(&mut a, "0x4532200b 0xd6");
    key(&mut a, KeyCode::Enter);
    let s = render(&mut a, 140, 40);
    assert!(s.contains("words: 0x4532200b 0xd6 0x0"), "{s}");
    assert!(s.contains("S1 trans"), "{s}");
    assert!(s.contains("STE: valid"), "{s}");
    assert!(s.contains("As a guest vSTE (iommufd nesting): accepted"), "{s}");

    // Step S1DSS to its next encoding: wraps from Substream0 to Terminate.
    focus(&mut a, "S1DSS");
    key(&mut a, KeyCode::Right);
    let s = render(&mut a, 140, 40);
    assert!(s.contains("words: 0x4532200b 0xd4 0x0"), "{s}");
    assert!(s.contains("Terminate"), "{s}");

    // Type an encoding name for Config: S1+S2 (nested) -> 0b111.
    focus(&mut a, "Config");
    key(&mut a, KeyCode::Enter);
    typ(&mut a, "S1+S2");
    let s = render(&mut a, 140, 40);
    assert!(s.contains("Config = S1+S2_"), "{s}");
    key(&mut a, KeyCode::Enter);
    let s = render(&mut a, 140, 40);
    assert!(s.contains("words: 0x4532200f 0xd4"), "{s}");
    // This SMMU has no stage 2 (IDR0.S2P = 0): C_BAD_STE, and iommufd rejects the vSTE.
    assert!(s.contains("enables stage 2 but SMMU_IDR0.S2P") || s.contains("SMMU_IDR0.S2P = 0"), "{s}");
    assert!(s.contains("rejected"), "{s}");

    // A value too wide is refused with the field named; the words stay.
    focus(&mut a, "S2SL0");
    key(&mut a, KeyCode::Enter);
    typ(&mut a, "4");
    key(&mut a, KeyCode::Enter);
    assert!(a.status.contains("S2SL0") && a.status.contains("2 bits"), "{}", a.status);
    key(&mut a, KeyCode::Esc);
    let s = render(&mut a, 140, 40);
    assert!(s.contains("words: 0x4532200f 0xd4"), "{s}");

    // Another kind: s cycles to CD; o on a command picks the next opcode.
    typ(&mut a, "s");
    let s = render(&mut a, 140, 40);
    assert!(s.contains("CD (IHI 0070 5.4)"), "{s}");
    for _ in 0..3 {
        typ(&mut a, "s");
    }
    let s = render(&mut a, 140, 40);
    assert!(s.contains("CMD_PREFETCH_CONFIG"), "{s}");
    typ(&mut a, "o");
    let s = render(&mut a, 140, 40);
    assert!(s.contains("CMD_PREFETCH_ADDR") && s.contains("words: 0x2 0x0"), "{s}");
    // Every size renders.
    for (w, h) in [(80, 24), (20, 6), (1, 1)] {
        render(&mut a, w, h);
    }
}
