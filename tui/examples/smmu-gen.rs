//! Release helper (not installed): writes shell completions (bash, zsh, fish) and man pages
//! for `smmu`, generated from the binary's own clap definition, into a directory.
//!
//!     cargo run -p smmu-tui --example smmu-gen -- OUT_DIR
//!
//! Writes OUT_DIR/completions/{smmu.bash,_smmu,smmu.fish} and OUT_DIR/man/smmu.1 plus one
//! page per subcommand (smmu-walk.1, ...). scripts/release.sh calls it.

// The command line is defined once, in the binary's main.rs; it is compiled here as a module
// so the completions and man pages cannot drift from what `smmu` accepts. Its `main` is not
// called.
#[allow(dead_code)]
#[path = "../src/main.rs"]
mod smmu_main;

use clap::CommandFactory;
use clap_complete::Shell;
use std::path::{Path, PathBuf};

fn run() -> Result<(), String> {
    let mut args = std::env::args_os().skip(1);
    let (Some(out), None) = (args.next(), args.next()) else {
        return Err("usage: smmu-gen OUT_DIR".into());
    };
    let out = PathBuf::from(out);
    let mut cmd = smmu_main::Cli::command();
    cmd.build();
    let comp = out.join("completions");
    let man = out.join("man");
    for d in [&comp, &man] {
        std::fs::create_dir_all(d).map_err(|e| format!("{}: {e}", d.display()))?;
    }
    for sh in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        let p = clap_complete::generate_to(sh, &mut cmd, "smmu", &comp)
            .map_err(|e| format!("{} completions in {}: {e}", sh, comp.display()))?;
        println!("{}", p.display());
    }
    man_pages(&cmd, "smmu", &man)
}

/// smmu.1, then smmu-SUB.1 for every subcommand (recursively), leaving out clap's `help`.
fn man_pages(cmd: &clap::Command, name: &str, dir: &Path) -> Result<(), String> {
    let page = cmd.clone().display_name(name.to_string());
    let mut buf = Vec::new();
    clap_mangen::Man::new(page).render(&mut buf).map_err(|e| format!("man page {name}: {e}"))?;
    let p = dir.join(format!("{name}.1"));
    std::fs::write(&p, buf).map_err(|e| format!("{}: {e}", p.display()))?;
    println!("{}", p.display());
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help" && !s.is_hide_set()) {
        man_pages(sub, &format!("{name}-{}", sub.get_name()), dir)?;
    }
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("smmu-gen: {e}");
        std::process::exit(2);
    }
}
