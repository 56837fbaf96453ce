//! One module per subcommand. Each exposes `Args` (clap) and `run(Args) -> CliResult`.

pub mod decode;
pub mod forward;
pub mod log;
pub mod event;
pub mod command;
pub mod queue;
pub mod structure;
pub mod walk;
pub mod ptdump;
pub mod scenario;
pub mod collect;
pub mod tui;
