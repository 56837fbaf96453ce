//! `smmu stale BEFORE AFTER`: what an SMMU may still have cached after the commands consumed
//! between two snapshots (IHI 0070 4.3 - 4.5, 16.2), and the commands that would clear it.
//! Exit codes: 0 done, 1 stale entries with --fail-on-stale, 2 bad usage or input (the
//! input error is told apart from the finding).
use super::walk::Loaded;
use crate::common::{print_json, print_text, CliError, CliResult, Style};
use smmu_core::cache::{self, Report};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The earlier snapshot (or a teaching scenario, built first).
    pub before: String,
    /// The later snapshot: its queue memory holds the commands consumed since BEFORE.
    pub after: String,
    #[arg(long)]
    pub json: bool,
    /// Exit 1 when something is stale.
    #[arg(long)]
    pub fail_on_stale: bool,
}

fn range(lo: Option<u64>, size: Option<u64>) -> String {
    match (lo, size) {
        (Some(l), Some(s)) => format!("[{l:#x}, {:#x})", l.saturating_add(s)),
        (Some(l), None) => format!("{l:#x}"),
        _ => String::new(),
    }
}

fn ssid(s: Option<u32>) -> String {
    s.map_or(String::new(), |s| format!(" ssid {s:#x}"))
}

/// The report as text for a terminal.
pub fn render(r: &Report, before: &str, after: &str, st: &Style) -> String {
    let mut s = format!("{} {before} -> {after}\n{}\n", st.bold("smmu stale:"), r.summary);
    s.push_str(&format!("\n{} ({})\n", st.bold("Changes"), r.changes.len()));
    for c in &r.changes {
        let what = match c.kind {
            "mapping" => format!(
                "stage {} IOVA {}: {} ({})",
                c.stage.unwrap_or("?"),
                range(c.iova, c.size),
                match (c.old_pa, c.new_pa) {
                    (Some(o), Some(n)) => format!("PA {o:#x} -> {n:#x}"),
                    (Some(o), None) => format!("PA {o:#x} -> unmapped"),
                    (None, Some(n)) => format!("unmapped -> PA {n:#x}"),
                    (None, None) => String::new(),
                },
                c.what
            ),
            "table" => format!("stage {} input {}: {}", c.stage.unwrap_or("?"), range(c.iova, c.size), c.what),
            _ => c.what.clone(),
        };
        s.push_str(&format!("  {:<8} sid {:#x}{}: {what}\n", c.kind, c.sid, ssid(c.ssid)));
    }
    s.push_str(&format!("\n{} ({})\n", st.bold("Commands consumed"), r.commands.len()));
    for c in &r.commands {
        s.push_str(&format!("  [{:>4}] {:<20} {}\n", c.index, c.name, c.summary));
        s.push_str(&format!(
            "         {}\n",
            st.dim(&format!(
                "{:#018x} {:#018x}: {}",
                c.words.first().copied().unwrap_or(0),
                c.words.get(1).copied().unwrap_or(0),
                c.effect
            ))
        ));
    }
    s.push_str(&format!("\n{} ({})\n", st.bold("Stale"), r.stale.len()));
    if r.stale.is_empty() {
        s.push_str(&format!("  {}\n", st.good("nothing: every cached item whose source changed was invalidated")));
    }
    for e in &r.stale {
        let head = if e.kind == "translation" {
            format!(
                "sid {:#x}{} IOVA {}: the SMMU may still give PA {:#x} (AFTER: {})",
                e.sid,
                ssid(e.ssid),
                range(e.iova, e.size),
                e.old_pa.unwrap_or(0),
                e.new_pa.map_or("not mapped".to_string(), |p| format!("{p:#x}"))
            )
        } else {
            format!("sid {:#x}{}: cached {}", e.sid, ssid(e.ssid), e.structure.unwrap_or("structure"))
        };
        s.push_str(&format!("  {} {head} [{}]\n      {}\n", st.bad("!"), e.cache, e.why));
    }
    if !r.required.is_empty() {
        s.push_str(&format!("\n{} ({})\n", st.bold("Required"), r.required.len()));
        for q in &r.required {
            let words: Vec<String> = q.words.iter().map(|w| format!("{w:#018x}")).collect();
            s.push_str(&format!("  {} {}\n      {}  {}\n", q.name, q.fields, words.join(" "), st.dim(&q.why)));
        }
    }
    if !r.notes.is_empty() {
        s.push_str(&format!("\n{}\n", st.bold("Notes")));
        for n in &r.notes {
            s.push_str(&format!("  - {n}\n"));
        }
    }
    s
}

/// Input problems exit 2 here: exit 1 is the finding (--fail-on-stale).
fn input_error(e: CliError) -> CliError {
    match e {
        CliError::Input(m) | CliError::Usage(m) => CliError::Usage(m),
    }
}

pub fn run(a: Args) -> CliResult {
    let before = Loaded::open(&a.before, &[]).map_err(input_error)?;
    let after = Loaded::open(&a.after, &[]).map_err(input_error)?;
    let an = cache::analyze(&before.snap, &after.snap)
        .map_err(|e| CliError::Usage(format!("{} -> {}: {e}", a.before, a.after)))?;
    if a.json {
        print_json("stale", &an.report)?;
    } else {
        print_text(&render(&an.report, &a.before, &a.after, &Style::detect()));
    }
    if a.fail_on_stale && !an.report.stale.is_empty() {
        return Err(CliError::Input(format!(
            "{} stale entr{} (--fail-on-stale)",
            an.report.stale.len(),
            if an.report.stale.len() == 1 { "y" } else { "ies" }
        )));
    }
    Ok(())
}
