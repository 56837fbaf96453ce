//! The interactive ratatui + crossterm explorer (`smmu`, `smmu tui FILE...`).
//!
//! - [`app::App`]: the model and every view's state, terminal-independent (tests drive it
//!   with `TestBackend`); routes keys to the current view.
//! - [`view`]: `ViewId`, the read-only `Model` and the `View` trait every view implements;
//!   views depend on it, never on the app.
//! - [`keymap`]: the one table of keys; the `?` help and the footer are generated from it.
//! - [`ui`] and [`views`]: drawing. Views render smmu-core's decode trees, reports and
//!   presentation documents ([`doc`]); they never re-derive a field.
//! - [`data`]: loading hosts (sample, files, live) and calling smmu-core (its inspection
//!   API for streams, CDs and queues).
//!
//! The event loop blocks on input: nothing is redrawn unless a key, mouse event or resize
//! arrives, so an idle explorer uses no CPU.

pub mod app;
pub mod data;
pub mod doc;
pub mod keymap;
pub mod theme;
pub mod ui;
pub mod view;
pub mod views;

pub use app::App;
pub use data::{Dataset, Host};
pub use theme::ThemeName;

use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
};
use ratatui::crossterm::execute;
use std::io::Write;

#[derive(Debug, Clone)]
pub struct Options {
    pub theme: ThemeName,
    pub mouse: bool,
    /// What `r` re-reads.
    pub reload: data::Reload,
}

/// Runs the explorer on the terminal until the user quits. Returns what was copied with
/// `y`, for printing after the terminal is restored.
pub fn run(data: Dataset, opts: Options) -> std::io::Result<Vec<String>> {
    let mut app = App::new(data, opts.theme, opts.mouse);
    app.reload = opts.reload.clone();
    let mut terminal = match ratatui::try_init() {
        Ok(t) => t,
        Err(e) => {
            ratatui::restore();
            return Err(e);
        }
    };
    // On a panic, also turn mouse capture and bracketed paste off before ratatui's hook
    // restores the screen, so the shell is usable afterwards.
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(std::io::stdout(), DisableMouseCapture, DisableBracketedPaste);
        prev(info);
    }));
    let _ = execute!(std::io::stdout(), EnableBracketedPaste);
    if opts.mouse {
        let _ = execute!(std::io::stdout(), EnableMouseCapture);
    }
    let r = event_loop(&mut terminal, &mut app);
    if opts.mouse {
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
    }
    let _ = execute!(std::io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    r?;
    Ok(app.copied)
}

fn event_loop(terminal: &mut ratatui::DefaultTerminal, app: &mut App) -> std::io::Result<()> {
    terminal.draw(|f| ui::draw(f, app))?;
    loop {
        // Blocks until something happens: no polling, no timer, no redraw when idle.
        let dirty = match event::read()? {
            Event::Key(k) => app.on_key(k),
            Event::Mouse(m) => app.on_mouse(m),
            Event::Paste(t) => app.on_paste(&t),
            Event::Resize(..) => true,
            _ => false,
        };
        if !app.osc52_out.is_empty() {
            let mut out = std::io::stdout().lock();
            for s in app.osc52_out.drain(..) {
                let _ = out.write_all(s.as_bytes());
            }
            let _ = out.flush();
        }
        if app.quit {
            return Ok(());
        }
        if dirty {
            terminal.draw(|f| ui::draw(f, app))?;
        }
    }
}

/// What `smmu` prints instead of the explorer when standard output is not a terminal.
pub fn text_summary(data: &Dataset) -> String {
    let mut s = String::from("smmu: standard output is not a terminal, so the interactive explorer did not start.\n");
    s.push_str("Run `smmu` in a terminal to explore; `smmu --help` lists the commands.\n\n");
    let mut a = App::new(data.clone(), ThemeName::Dark, false);
    let kernel = a.views.overview.probe_kernel;
    for i in 0..data.hosts.len() {
        a.model.host = i;
        s.push_str(&views::overview::text(&a.model, kernel, 100));
        s.push_str("\n\n");
    }
    s
}
