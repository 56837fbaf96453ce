//! `smmu ptdump`: every mapping of a stream's translation tables.
use super::walk::Loaded;
use crate::common::{parse_num, print_json, print_text, CliError, CliResult};
use smmu_core::walk::ptdump::{self, DumpStage};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Snapshot file (JSON), a scenario file (built on the fly), or - for standard input.
    pub snapshot: String,
    #[arg(long)]
    pub sid: String,
    #[arg(long)]
    pub ssid: Option<String>,
    /// 1, 2 or nested (default: 1 when stage 1 translates, else 2).
    #[arg(long)]
    pub stage: Option<String>,
    /// Extra memory: FILE@0xBASE raw image or an ELF core. Repeatable.
    #[arg(long = "mem")]
    pub mem: Vec<String>,
    #[arg(long)]
    pub json: bool,
}

fn u32_arg(name: &str, v: &str) -> Result<u32, CliError> {
    let n = parse_num(v).map_err(|e| CliError::Usage(format!("--{name}: {e}")))?;
    u32::try_from(n).map_err(|_| CliError::Usage(format!("--{name}: {n:#x} does not fit in 32 bits")))
}

pub fn run(a: Args) -> CliResult {
    let sid = u32_arg("sid", &a.sid)?;
    let ssid = a.ssid.as_deref().map(|s| u32_arg("ssid", s)).transpose()?;
    let stage = match a.stage.as_deref() {
        None => None,
        Some("1") | Some("s1") => Some(DumpStage::S1),
        Some("2") | Some("s2") => Some(DumpStage::S2),
        Some("nested") | Some("12") => Some(DumpStage::Nested),
        Some(o) => return Err(CliError::Usage(format!("--stage {o}: expected 1, 2 or nested"))),
    };
    let l = Loaded::open(&a.snapshot, &a.mem)?;
    let mem = l.mem();
    let d = match stage {
        Some(s) => ptdump::ptdump(&l.snap.registers, &mem, sid, ssid, s),
        None => ptdump::ptdump(&l.snap.registers, &mem, sid, ssid, DumpStage::S1)
            .or_else(|_| ptdump::ptdump(&l.snap.registers, &mem, sid, ssid, DumpStage::S2)),
    }
    .map_err(|e| CliError::Input(format!("sid {sid:#x}: {e}")))?;
    if a.json {
        print_json("ptdump", &d)
    } else {
        print_text(&ptdump::render(&d));
        Ok(())
    }
}
