//! `smmu`: Arm SMMUv3 explorer.
use clap::{Parser, Subcommand};
use smmu_tui::cmd;

#[derive(Parser, Debug)]
#[command(
    name = "smmu",
    version,
    about = "Arm SMMUv3 explorer: decode registers, VMM forwarding verdicts, structures, events and page-table walks"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
// Parsed once at start-up: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
enum Command {
    /// Decode SMMU registers from a pasted dump (any supported format).
    Decode(cmd::decode::Args),
    /// What a VMM may forward to a guest vSMMU, field by field, and why.
    Forward(cmd::forward::Args),
    /// Find and decode SMMU events, command errors and the probe banner in a kernel log.
    Log(cmd::log::Args),
    /// Decode an event record given as four 64-bit words.
    Event(cmd::event::Args),
    /// Decode a command given as two 64-bit words.
    Cmd(cmd::command::Args),
    #[command(
        about = "List a snapshot's Command/Event/PRI queue: PROD/CONS, wrap, overflow and the entries between CONS and PROD, decoded."
    )]
    Queue(cmd::queue::Args),
    /// Decode a Stream Table Entry given as eight 64-bit words.
    Ste(cmd::structure::Args),
    /// Decode a Context Descriptor given as eight 64-bit words.
    Cd(cmd::structure::Args),
    /// Build an STE, CD, L1STD, L1CD, command, event record or descriptor from named fields.
    Encode(cmd::encode::Args),
    /// Walk a translation step by step in a snapshot.
    Walk(cmd::walk::Args),
    /// Dump every mapping of a stream's translation tables.
    Ptdump(cmd::ptdump::Args),
    /// What an SMMU may still have cached between two snapshots, and the commands that clear it.
    Stale(cmd::stale::Args),
    /// Teaching scenarios: build snapshots with real tables.
    Scenario(cmd::scenario::Args),
    /// Read a live Linux host (sysfs, firmware tables, /dev/mem, iommufd, kernel log).
    Collect(cmd::collect::Args),
    /// Open the interactive explorer on files.
    Tui(cmd::tui::Args),
}

fn main() {
    let cli = Cli::parse();
    let r = match cli.command {
        Some(Command::Decode(a)) => cmd::decode::run(a),
        Some(Command::Forward(a)) => cmd::forward::run(a),
        Some(Command::Log(a)) => cmd::log::run(a),
        Some(Command::Event(a)) => cmd::event::run(a),
        Some(Command::Cmd(a)) => cmd::command::run(a),
        Some(Command::Queue(a)) => cmd::queue::run(a),
        Some(Command::Ste(a)) => cmd::structure::run_ste(a),
        Some(Command::Cd(a)) => cmd::structure::run_cd(a),
        Some(Command::Encode(a)) => cmd::encode::run(a),
        Some(Command::Walk(a)) => cmd::walk::run(a),
        Some(Command::Ptdump(a)) => cmd::ptdump::run(a),
        Some(Command::Stale(a)) => cmd::stale::run(a),
        Some(Command::Scenario(a)) => cmd::scenario::run(a),
        Some(Command::Collect(a)) => cmd::collect::run(a),
        Some(Command::Tui(a)) => cmd::tui::run(a),
        None => cmd::tui::run_default(),
    };
    if let Err(e) = r {
        // Messages that already name their subcommand ("smmu walk: ...") keep it once.
        let msg = e.to_string();
        if msg.starts_with("smmu ") || msg.starts_with("smmu:") {
            eprintln!("{msg}");
        } else {
            eprintln!("smmu: {msg}");
        }
        std::process::exit(e.exit_code());
    }
}
