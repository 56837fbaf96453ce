//! `smmu collect [--json] [-o FILE] [--root DIR] [--devmem FILE] [--iommufd] [--memory]`.
use crate::collect::{self, Options};
use crate::common::{print_text, CliError, CliResult, Style};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Print the snapshot as JSON on standard output (instead of the summary).
    #[arg(long)]
    pub json: bool,
    /// Write the snapshot JSON to FILE (the summary still goes to standard output).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Read every path under DIR instead of / (a copied sysfs/procfs/firmware tree).
    #[arg(long, value_name = "DIR", default_value = "/")]
    pub root: PathBuf,
    /// Read physical memory from FILE instead of /dev/mem (byte offset = physical address).
    #[arg(long, value_name = "FILE")]
    pub devmem: Option<PathBuf>,
    /// Bind each VFIO cdev (/dev/vfio/devices/vfioN) to /dev/iommu and read IOMMU_GET_HW_INFO.
    /// Opening a VFIO device resets it, so this is off unless asked for.
    #[arg(long)]
    pub iommufd: bool,
    /// Also capture the stream table and the command and event queues into "memory".
    #[arg(long)]
    pub memory: bool,
}

pub fn run(a: Args) -> CliResult {
    if !a.root.is_dir() {
        return Err(CliError::Usage(format!("--root {}: not a directory", a.root.display())));
    }
    if let Some(d) = &a.devmem {
        if !d.exists() {
            return Err(CliError::Usage(format!("--devmem {}: no such file", d.display())));
        }
    }
    let opts = Options { root: a.root.clone(), devmem: a.devmem.clone(), iommufd: a.iommufd, memory: a.memory };
    let c = collect::collect(&opts);
    let json = c.snapshot.to_json();
    if let Some(out) = &a.output {
        std::fs::write(out, format!("{json}\n")).map_err(|e| CliError::Input(format!("{}: {e}", out.display())))?;
    }
    if a.json {
        print_text(&json);
    } else {
        print_text(&collect::render_text(&c, &Style::detect()));
        if let Some(out) = &a.output {
            print_text(&format!("snapshot written to {}", out.display()));
        }
    }
    Ok(())
}
