//! One module per subcommand. Each exposes `Args` (clap) and `run(Args) -> CliResult`.

pub mod collect;
pub mod command;
pub mod decode;
pub mod encode;
pub mod event;
pub mod forward;
pub mod log;
pub mod ptdump;
pub mod queue;
pub mod scenario;
pub mod stale;
pub mod structure;
pub mod tui;
pub mod walk;
