//! `smmu collect [--json] [-o FILE] [--root DIR] [--devmem FILE] [--iommufd DEV[,DEV]] [--memory]
//! [--force-disabled] [--kernel-log FILE|-]`.
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
    /// Bind these VFIO devices to /dev/iommu and read IOMMU_GET_HW_INFO: cdev paths
    /// (/dev/vfio/devices/vfio0), cdev names (vfio0) or PCI addresses (0000:01:00.0),
    /// comma-separated. Opening a VFIO device resets it, so only the devices named are opened.
    #[arg(long, value_name = "DEV[,DEV]", value_delimiter = ',', num_args = 0..)]
    pub iommufd: Option<Vec<String>>,
    /// Also capture the stream table and the command and event queues into "memory" (only
    /// ranges inside System RAM of /proc/iomem are read from the real /dev/mem).
    #[arg(long)]
    pub memory: bool,
    /// Also read the registers of SMMUs the device tree marks disabled and of SMMUs no driver
    /// is bound to (skipped by default: on real SoCs such a read can hang the bus).
    #[arg(long)]
    pub force_disabled: bool,
    /// Read a saved kernel log (dmesg, dmesg -T, journalctl -k, kern.log; `-` for standard
    /// input) instead of /dev/kmsg.
    #[arg(long, value_name = "FILE|-")]
    pub kernel_log: Option<PathBuf>,
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
    let iommufd = match a.iommufd {
        Some(v) if v.iter().all(|d| d.trim().is_empty()) => {
            let found = crate::collect::safefs::Root::new(&a.root)
                .and_then(|r| r.list("/dev/vfio/devices"))
                .unwrap_or_default();
            return Err(CliError::Usage(format!(
                "--iommufd needs the devices to open (opening a VFIO device resets it): \
                 --iommufd vfio0,vfio1, --iommufd /dev/vfio/devices/vfio0 or --iommufd 0000:01:00.0{}",
                if found.is_empty() {
                    "; no VFIO cdev is present (bind a device to vfio-pci first)".to_string()
                } else {
                    format!("; present: {}", found.join(", "))
                }
            )));
        }
        Some(v) => v.into_iter().map(|d| d.trim().to_string()).filter(|d| !d.is_empty()).collect(),
        None => vec![],
    };
    if let Some(k) = &a.kernel_log {
        if k != std::path::Path::new("-") && !k.exists() {
            return Err(CliError::Usage(format!("--kernel-log {}: no such file", k.display())));
        }
    }
    let opts = Options {
        root: a.root.clone(),
        devmem: a.devmem.clone(),
        iommufd,
        memory: a.memory,
        force_disabled: a.force_disabled,
        kernel_log: a.kernel_log.clone(),
    };
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
