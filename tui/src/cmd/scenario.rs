//! `smmu scenario build FILE -o SNAPSHOT`, `smmu scenario check FILE`.
use crate::common::{print_text, read_input, CliError, CliResult};
use smmu_core::scenario;
use smmu_core::walk::{self, Access, WalkRequest};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub cmd: Cmd,
}

#[derive(clap::Subcommand, Debug)]
pub enum Cmd {
    /// Build the snapshot a scenario describes (real stream table, STEs, CDs, page tables).
    Build {
        /// Scenario file (JSON), or - for standard input.
        file: String,
        /// Output snapshot file (default: standard output).
        #[arg(short, long)]
        output: Option<String>,
    },
    /// Build a scenario and run its walks, comparing each outcome with what it expects.
    Check {
        file: String,
        #[arg(long)]
        json: bool,
    },
}

fn load(file: &str) -> Result<scenario::Scenario, CliError> {
    let inp = read_input(Some(file))?;
    scenario::parse(inp.text()?).map_err(|e| CliError::Input(format!("{}: {e}", inp.name)))
}

pub fn run(a: Args) -> CliResult {
    match a.cmd {
        Cmd::Build { file, output } => {
            let s = load(&file)?;
            let mut snap = scenario::build(&s).map_err(CliError::input)?;
            // Keep the scenario's walks (what each should do), so the explorer and the web app
            // offer them for the snapshot too (smmu_core::inspect::suggested_walks).
            if !s.walks.is_empty() {
                let walks = serde_json::to_value(&s.walks).map_err(|e| CliError::Input(format!("walks: {e}")))?;
                snap.file.extra.insert(smmu_core::inspect::WALKS_MEMBER.into(), hex_numbers(walks));
            }
            let text = snap.to_json();
            match output {
                Some(o) => std::fs::write(&o, text + "\n").map_err(|e| CliError::Input(format!("{o}: {e}")))?,
                None => print_text(&text),
            }
            Ok(())
        }
        Cmd::Check { file, json } => {
            let s = load(&file)?;
            let snap = scenario::build(&s).map_err(CliError::input)?;
            let mut rows = vec![];
            let mut bad = 0;
            for w in &s.walks {
                let access = match w.access.as_deref() {
                    None => Access::Read,
                    Some(x) => Access::parse(x).ok_or_else(|| CliError::Input(format!("walk access {x:?}")))?,
                };
                let sid = u32::try_from(w.sid.0).map_err(|_| CliError::Input("sid too large".into()))?;
                let req = WalkRequest { sid, ssid: w.ssid, iova: w.iova.0, access, unpriv: w.unpriv };
                let r = walk::translate_snapshot(&snap, &req);
                let got = r
                    .event
                    .as_ref()
                    .map(|e| e.kind.name().to_string())
                    .unwrap_or_else(|| format!("{:?}", r.outcome).to_lowercase());
                let ok = got == w.expect && (w.pa.is_none() || w.pa.map(|p| p.0) == r.pa);
                if !ok {
                    bad += 1;
                }
                rows.push(serde_json::json!({"sid": w.sid.0, "ssid": w.ssid, "iova": format!("{:#x}", w.iova.0), "expect": w.expect, "got": got, "pa": r.pa.map(|p| format!("{p:#x}")), "ok": ok, "summary": r.summary, "note": w.note}));
            }
            if json {
                crate::common::print_json_list("scenario-check", &rows)?;
            } else {
                let mut t = String::new();
                for r in &rows {
                    t.push_str(&format!(
                        "{} sid {} iova {}: expect {}, got {} ({})\n",
                        if r["ok"].as_bool() == Some(true) { "ok  " } else { "FAIL" },
                        r["sid"],
                        r["iova"].as_str().unwrap_or(""),
                        r["expect"].as_str().unwrap_or(""),
                        r["got"].as_str().unwrap_or(""),
                        r["summary"].as_str().unwrap_or("")
                    ));
                }
                print_text(&t);
            }
            if bad > 0 {
                return Err(CliError::Input(format!("{bad} walk(s) did not behave as the scenario expects")));
            }
            Ok(())
        }
    }
}

/// The walks as stored: StreamIDs, addresses and PAs as `0x...` strings, as scenario files
/// write them (the scenario reader accepts both).
fn hex_numbers(mut v: serde_json::Value) -> serde_json::Value {
    if let Some(a) = v.as_array_mut() {
        for w in a.iter_mut().filter_map(|w| w.as_object_mut()) {
            for k in ["sid", "iova", "pa"] {
                if let Some(n) = w.get(k).and_then(|x| x.as_u64()) {
                    w.insert(k.into(), serde_json::Value::String(format!("{n:#x}")));
                }
            }
        }
    }
    v
}
