//! `smmu walk`: translate one transaction (or a batch) step by step.
use crate::common::{parse_num, read_input, schema_id, CliError, CliResult};
use crate::memfile::MappedImage;
use smmu_core::mem::{Layered, PhysMem};
use smmu_core::snapshot::Snapshot;
use smmu_core::walk::{self, Access, WalkRequest};
use std::io::Write;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Snapshot file (JSON), a scenario file (built on the fly), or - for standard input.
    pub snapshot: String,
    /// StreamID.
    #[arg(long)]
    pub sid: Option<String>,
    /// SubstreamID (PASID).
    #[arg(long)]
    pub ssid: Option<String>,
    /// Input address (IOVA).
    #[arg(long)]
    pub iova: Option<String>,
    /// read, write or exec.
    #[arg(long, default_value = "read")]
    pub access: String,
    /// Unprivileged access (PnU = 0); privileged by default.
    #[arg(long)]
    pub unpriv: bool,
    /// File with one `sid iova [access] [ssid]` per line (# comments allowed).
    #[arg(long)]
    pub batch: Option<String>,
    /// With --batch: record every step of each walk, as a single walk does (slower: without
    /// it a batch uses the batch walker, which keeps each stream's STE and CD between walks
    /// and records no steps).
    #[arg(long)]
    pub steps: bool,
    /// Extra memory: a raw image at a base (FILE@0xBASE) or an ELF core (FILE). Repeatable.
    #[arg(long = "mem")]
    pub mem: Vec<String>,
    #[arg(long)]
    pub json: bool,
    /// text (default), email (plain, at most 76 columns, for a mailing-list reply) or json.
    #[arg(long, value_enum)]
    pub format: Option<crate::common::OutFormat>,
}

/// A snapshot and the memory images given beside it.
pub struct Loaded {
    pub snap: Snapshot,
    pub images: Vec<MappedImage>,
}

impl Loaded {
    pub fn open(path: &str, mems: &[String]) -> Result<Self, CliError> {
        let input = read_input(Some(path))?;
        let text = input.text()?;
        // A teaching scenario is accepted in place of a snapshot: it is built first.
        let snap = if !Snapshot::looks_like(text) && text.contains("\"streams\"") {
            let sc = smmu_core::scenario::parse(text).map_err(|e| CliError::Input(format!("{}: {e}", input.name)))?;
            smmu_core::scenario::build(&sc).map_err(|e| CliError::Input(format!("{}: {e}", input.name)))?
        } else {
            Snapshot::from_json(text).map_err(|e| CliError::Input(format!("{}: {e}", input.name)))?
        };
        let mut images = vec![];
        for m in mems {
            images.push(MappedImage::open_spec(m).map_err(CliError::Input)?);
        }
        Ok(Loaded { snap, images })
    }
    pub fn mem(&self) -> Layered<'_> {
        let mut layers: Vec<&dyn PhysMem> = vec![&self.snap.memory];
        for i in &self.images {
            layers.push(i);
        }
        Layered { layers }
    }
}

fn num_arg(name: &str, v: &str) -> Result<u64, CliError> {
    parse_num(v).map_err(|e| CliError::Usage(format!("--{name}: {e}")))
}

fn u32_arg(name: &str, v: &str) -> Result<u32, CliError> {
    let n = num_arg(name, v)?;
    u32::try_from(n).map_err(|_| CliError::Usage(format!("--{name}: {n:#x} does not fit in 32 bits")))
}

pub fn run(a: Args) -> CliResult {
    let access = Access::parse(&a.access)
        .ok_or_else(|| CliError::Usage(format!("--access {}: expected read, write or exec", a.access)))?;
    let l = Loaded::open(&a.snapshot, &a.mem)?;
    let mem = l.mem();
    if let Some(b) = &a.batch {
        return run_batch(&l, &mem, b, a.unpriv, a.json, a.steps);
    }
    let sid = u32_arg(
        "sid",
        a.sid.as_deref().ok_or_else(|| CliError::Usage("smmu walk: --sid is required (or --batch FILE)".into()))?,
    )?;
    let iova = num_arg(
        "iova",
        a.iova.as_deref().ok_or_else(|| CliError::Usage("smmu walk: --iova is required (or --batch FILE)".into()))?,
    )?;
    let ssid = a.ssid.as_deref().map(|s| u32_arg("ssid", s)).transpose()?;
    let req = WalkRequest { sid, ssid, iova, access, unpriv: a.unpriv };
    let res = walk::translate(&l.snap.registers, &mem, &req);
    // Text, email and JSON: one presentation document (present::walk), or the result itself.
    let doc = smmu_core::present::walk::document(&req, &res);
    crate::common::print_doc("walk", &res, &doc, crate::common::OutFormat::pick(a.format, a.json))
}

fn run_batch(l: &Loaded, mem: &dyn PhysMem, path: &str, unpriv: bool, json: bool, steps: bool) -> CliResult {
    let input = read_input(Some(path))?;
    let text = input.text()?;
    // Every line is checked before the first walk: a bad line is an error with no output.
    let mut reqs = vec![];
    for (n, line) in text.lines().enumerate() {
        let t = line.split('#').next().unwrap_or("").trim();
        if t.is_empty() {
            continue;
        }
        let f: Vec<&str> = t.split_whitespace().collect();
        let bad = |m: String| CliError::Input(format!("{}:{}: {m}", input.name, n + 1));
        if f.len() < 2 || f.len() > 4 {
            return Err(bad(format!("expected `sid iova [access] [ssid]`, got {t:?}")));
        }
        let sid = parse_num(f[0]).map_err(|e| bad(format!("sid {e}")))?;
        let sid = u32::try_from(sid).map_err(|_| bad(format!("sid {sid:#x} does not fit in 32 bits")))?;
        let iova = parse_num(f[1]).map_err(|e| bad(format!("iova {e}")))?;
        let access = match f.get(2) {
            Some(s) => Access::parse(s).ok_or_else(|| bad(format!("access {s:?}: expected read, write or exec")))?,
            None => Access::Read,
        };
        let ssid = match f.get(3) {
            Some(s) => {
                let v = parse_num(s).map_err(|e| bad(format!("ssid {e}")))?;
                Some(u32::try_from(v).map_err(|_| bad(format!("ssid {v:#x} does not fit in 32 bits")))?)
            }
            None => None,
        };
        reqs.push(WalkRequest { sid, ssid, iova, access, unpriv });
    }
    // Results are written as they come (a million walks never sit in memory), in the
    // document shape of every list: {"schema": ..., "items": [...]}.
    let mut batch = walk::Batch::new(&l.snap.registers, mem);
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let r = (|| -> std::io::Result<()> {
        if json {
            write!(out, "{{\n  \"schema\": {},\n  \"items\": [", serde_json::to_string(&schema_id("walk-batch"))?)?;
        }
        for (i, req) in reqs.iter().enumerate() {
            let res = if steps { walk::translate(&l.snap.registers, mem, req) } else { batch.translate(req) };
            if json {
                out.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
                serde_json::to_writer(&mut out, &res)?;
            } else {
                let line = format!("sid {:#x} iova {:#x} {:?}: {}", req.sid, req.iova, req.access, res.summary);
                writeln!(out, "{}", line.to_lowercase_first())?;
            }
        }
        if json {
            out.write_all(if reqs.is_empty() { b"]\n}\n" } else { b"\n  ]\n}\n" })?;
        }
        out.flush()
    })();
    match r {
        // A closed pipe (`| head`) is not an error worth reporting.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError::Input(format!("writing output: {e}"))),
        _ => Ok(()),
    }
}

trait LowerFirst {
    fn to_lowercase_first(self) -> String;
}
impl LowerFirst for String {
    fn to_lowercase_first(self) -> String {
        self.replacen("Read", "read", 1).replacen("Write", "write", 1).replacen("Exec", "exec", 1)
    }
}
