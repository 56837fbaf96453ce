//! Any sequence of keys, pastes, clicks and sizes leaves the explorer drawable (no panic).
use proptest::prelude::*;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::Terminal;
use smmu_tui::explorer::app::App;
use smmu_tui::explorer::data::{Dataset, Host};
use smmu_tui::explorer::{ui, ThemeName};
thread_local! {
    static SAMPLE: Host = Host::builtin_sample().expect("sample");
}

fn sample() -> Host {
    SAMPLE.with(|h| h.clone())
}

#[derive(Debug, Clone)]
enum Input {
    Key(KeyCode, bool),
    Click(u16, u16),
    Scroll(bool),
    Paste(String),
    Resize(u16, u16),
}

fn input() -> impl Strategy<Value = Input> {
    let keys = prop_oneof![
        prop::sample::select("qQ?/nyEtpfcewsurhjklgG1234567 0xX\u{e9}-".chars().collect::<Vec<_>>())
            .prop_map(KeyCode::Char),
        Just(KeyCode::Enter),
        Just(KeyCode::Esc),
        Just(KeyCode::Tab),
        Just(KeyCode::BackTab),
        Just(KeyCode::Backspace),
        Just(KeyCode::Up),
        Just(KeyCode::Down),
        Just(KeyCode::Left),
        Just(KeyCode::Right),
        Just(KeyCode::PageUp),
        Just(KeyCode::PageDown),
        Just(KeyCode::Home),
        Just(KeyCode::End),
    ];
    prop_oneof![
        8 => (keys, prop::bool::weighted(0.05)).prop_map(|(k, c)| Input::Key(k, c)),
        1 => (0u16..120, 0u16..40).prop_map(|(x, y)| Input::Click(x, y)),
        1 => any::<bool>().prop_map(Input::Scroll),
        1 => prop::sample::select(vec![
            "IDR0 = 0x0d441019\n".to_string(),
            "garbage\r\n\u{1b}[31m".to_string(),
            "arm-smmu-v3 x: event 0x10 received:\r arm-smmu-v3 x: \t0x1\r".to_string(),
        ]).prop_map(Input::Paste),
        1 => (1u16..130, 1u16..45).prop_map(|(w, h)| Input::Resize(w, h)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn random_input_never_panics(inputs in prop::collection::vec(input(), 1..40)) {
        let mut app = App::new(Dataset::single(sample(), vec![]), ThemeName::Dark, true);
        let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
        for i in inputs {
            match i {
                Input::Key(k, ctrl) => {
                    let m = if ctrl { KeyModifiers::CONTROL } else { KeyModifiers::NONE };
                    app.on_key(KeyEvent::new(k, m));
                }
                Input::Click(x, y) => {
                    app.on_mouse(MouseEvent { kind: MouseEventKind::Down(MouseButton::Left), column: x, row: y, modifiers: KeyModifiers::NONE });
                }
                Input::Scroll(down) => {
                    let kind = if down { MouseEventKind::ScrollDown } else { MouseEventKind::ScrollUp };
                    app.on_mouse(MouseEvent { kind, column: 10, row: 10, modifiers: KeyModifiers::NONE });
                }
                Input::Paste(t) => {
                    app.on_paste(&t);
                }
                Input::Resize(w, h) => {
                    term.backend_mut().resize(w, h);
                    let _ = term.autoresize();
                }
            }
            if app.quit {
                break;
            }
            term.draw(|f| ui::draw(f, &mut app)).unwrap();
        }
    }
}
