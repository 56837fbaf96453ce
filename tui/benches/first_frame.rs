//! In-process cost of the explorer's start-up and redraws (no terminal): loading the
//! built-in sample, building the App (which runs the first walk), the first frame, and a
//! redraw of each view. Run: `cargo bench -p smmu-tui --bench first_frame`.
//! The real-terminal numbers (time to first frame under tmux, idle CPU) come from
//! scripts/tui-measure.sh.
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use smmu_tui::explorer::app::{App, VIEWS};
use smmu_tui::explorer::data::{Dataset, Host};
use smmu_tui::explorer::{ui, ThemeName};
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    // `cargo bench` passes --bench; under `cargo test --all-targets` run once as a smoke test.
    let runs = if std::env::args().any(|a| a == "--bench") { 30 } else { 1 };
    let mut load = Vec::new();
    let mut first = Vec::new();
    let mut views = vec![Vec::new(); VIEWS.len()];
    for _ in 0..runs {
        let t0 = Instant::now();
        let h = Host::builtin_sample().expect("sample");
        let mut app = App::new(Dataset::single(h, vec![]), ThemeName::Dark, true);
        let t1 = Instant::now();
        let mut term = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
        term.draw(|f| ui::draw(f, &mut app)).expect("draw");
        let t2 = Instant::now();
        load.push(t1 - t0);
        first.push(t2 - t1);
        for (i, v) in views.iter_mut().enumerate() {
            app.go_view(smmu_tui::explorer::app::ViewId::ALL[i]);
            // First draw of a view fills its caches; the second is a plain redraw.
            term.draw(|f| ui::draw(f, &mut app)).expect("draw");
            let a = Instant::now();
            term.draw(|f| ui::draw(f, &mut app)).expect("draw");
            v.push(a.elapsed());
        }
    }
    println!("built-in sample load + App::new (first walk): median {:?}", median(load));
    println!("first frame (Overview, 100x30):               median {:?}", median(first));
    for (i, v) in views.into_iter().enumerate() {
        println!("redraw {:<13}                          median {:?}", VIEWS[i], median(v));
    }
}
