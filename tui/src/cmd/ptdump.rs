//! `smmu ptdump`: every mapping of a stream's translation tables.
use super::walk::Loaded;
use crate::common::{parse_num, schema_id, CliError, CliResult};
use smmu_core::walk::ptdump::{self, DumpStage};
use std::io::Write;

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
    // Ranges are written as they come: a dump of millions of ranges never sits in memory.
    // The head (schema, stream, stage) goes out with the first range, once the stage that
    // translates is known (without --stage: 1 when stage 1 translates, else 2).
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut err: Option<std::io::Error> = None;
    let mut started = false;
    let mut n = 0u64;
    let attempt = |st: DumpStage,
                   out: &mut std::io::BufWriter<std::io::StdoutLock<'static>>,
                   err: &mut Option<std::io::Error>,
                   started: &mut bool,
                   n: &mut u64| {
        let mut each = |m: ptdump::Mapping| {
            if err.is_some() {
                return;
            }
            let r = (|| -> std::io::Result<()> {
                if !*started {
                    *started = true;
                    head(out, a.json, sid, ssid, st)?;
                }
                if a.json {
                    out.write_all(if *n == 0 { b"\n    " } else { b",\n    " })?;
                    serde_json::to_writer(&mut *out, &m)?;
                } else {
                    out.write_all(ptdump::render_row(&m).as_bytes())?;
                }
                Ok(())
            })();
            *n += 1;
            if let Err(e) = r {
                *err = Some(e);
            }
        };
        ptdump::ptdump_each(&l.snap.registers, &mem, sid, ssid, st, &mut each)
    };
    let d = match stage {
        Some(s) => attempt(s, &mut out, &mut err, &mut started, &mut n),
        None => attempt(DumpStage::S1, &mut out, &mut err, &mut started, &mut n)
            .or_else(|_| attempt(DumpStage::S2, &mut out, &mut err, &mut started, &mut n)),
    }
    .map_err(|e| CliError::Input(format!("sid {sid:#x}: {e}")))?;
    let r = (|| -> std::io::Result<()> {
        if let Some(e) = err.take() {
            return Err(e);
        }
        if !started {
            head(&mut out, a.json, sid, ssid, d.stage)?;
        }
        if a.json {
            out.write_all(if n == 0 { b"]" } else { b"\n  ]" })?;
            // The counts and the (bounded) lists after the ranges.
            if let serde_json::Value::Object(o) = serde_json::to_value(&d)? {
                for (k, v) in o {
                    if ["sid", "ssid", "stage", "mappings"].contains(&k.as_str()) {
                        continue;
                    }
                    write!(out, ",\n  {}: {}", serde_json::to_string(&k)?, serde_json::to_string(&v)?)?;
                }
            }
            out.write_all(b"\n}\n")?;
        } else {
            out.write_all(ptdump::render_tail(&d).as_bytes())?;
        }
        out.flush()
    })();
    match r {
        // A closed pipe (`| head`) is not an error worth reporting.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError::Input(format!("writing output: {e}"))),
        _ => Ok(()),
    }
}

/// `{"schema": ..., "sid": ..., "ssid": ..., "stage": ..., "mappings": [` or the text heads.
fn head(out: &mut impl Write, json: bool, sid: u32, ssid: Option<u32>, st: DumpStage) -> std::io::Result<()> {
    if json {
        write!(
            out,
            "{{\n  \"schema\": {},\n  \"sid\": {sid},\n  \"ssid\": {},\n  \"stage\": {},\n  \"mappings\": [",
            serde_json::to_string(&schema_id("ptdump"))?,
            serde_json::to_string(&ssid)?,
            serde_json::to_string(&st)?
        )
    } else {
        out.write_all(ptdump::render_head().as_bytes())
    }
}
