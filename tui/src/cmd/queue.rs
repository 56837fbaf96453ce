//! `smmu queue SNAPSHOT`: the Command, Event and PRI queues of a snapshot (IHI 0070 3.5):
//! base, size, PROD/CONS with wrap and overflow flags, the entries between CONS and PROD
//! decoded, and optionally the last consumed entries.
use super::command::render_command;
use super::event::{render_event, render_fields};
use super::walk::Loaded;
use crate::common::{parse_num, print_json, print_text, CliError, CliResult, Style};
use serde::Serialize;
use smmu_core::mem::PhysMem;
use smmu_core::queues::queue::{DecodedEntry, QueueEntry, QueueId, QueueState};
use smmu_core::regs;
use smmu_core::regset::RegisterSet;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Snapshot file (JSON, as `smmu collect` writes), or - for standard input.
    pub snapshot: String,
    /// Which queue: cmdq, eventq (evtq), priq or all.
    #[arg(long, default_value = "all")]
    pub queue: String,
    /// Also show the last N consumed entries (before CONS), labelled `consumed`.
    #[arg(long, value_name = "N")]
    pub consumed: Option<String>,
    /// Show every slot of the queue: the outstanding entries and all consumed ones still in
    /// memory (slots outside the snapshot's memory and all-zero slots are counted, not listed).
    #[arg(long)]
    pub all_entries: bool,
    /// Extra memory: FILE@0xBASE raw image or an ELF core. Repeatable.
    #[arg(long = "mem")]
    pub mem: Vec<String>,
    #[arg(long)]
    pub json: bool,
}

/// One listed entry: `outstanding` (between CONS and PROD) or `consumed` (before CONS).
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ListedEntry {
    pub state: &'static str,
    #[serde(flatten)]
    pub entry: QueueEntry,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QueueReport {
    #[serde(flatten)]
    pub state: QueueState,
    /// The three registers as in the snapshot.
    pub registers: std::collections::BTreeMap<String, String>,
    pub entries: Vec<ListedEntry>,
    /// Consumed slots not listed because the snapshot's memory does not hold them.
    #[serde(skip_serializing_if = "is_zero")]
    pub not_in_memory: u64,
    /// Consumed slots not listed because every word is zero (probably never written).
    #[serde(skip_serializing_if = "is_zero")]
    pub all_zero: u64,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Skipped {
    pub queue: QueueId,
    pub reason: String,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Report {
    pub queues: Vec<QueueReport>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<Skipped>,
}

fn title(q: QueueId) -> &'static str {
    match q {
        QueueId::Cmdq => "Command queue",
        QueueId::Evtq => "Event queue",
        QueueId::Priq => "PRI queue",
    }
}

/// Why a queue's registers are absent, from the IDRs when the snapshot has them.
fn absent_reason(q: QueueId, regs_: &RegisterSet) -> String {
    let base = format!("SMMU_{}_BASE/PROD/CONS are not in the snapshot", q.prefix());
    if q == QueueId::Priq {
        let pri = regs_.read(&regs::idr::idr0::PRI);
        if pri == Some(0) {
            return format!("{base}; SMMU_IDR0.PRI = 0: this SMMU has no PRI queue (IHI 0070 6.3.1)");
        }
    }
    base
}

pub fn build(
    regs_: &RegisterSet,
    mem: &dyn PhysMem,
    which: &[QueueId],
    consumed: u64,
    all: bool,
    explicit: bool,
) -> Result<Report, CliError> {
    let mut rep = Report { queues: Vec::new(), skipped: Vec::new() };
    for &q in which {
        let st = match QueueState::from_registers(q, regs_) {
            Ok(s) => s,
            Err(smmu_core::queues::queue::QueueError::Missing(_)) if !explicit => {
                rep.skipped.push(Skipped { queue: q, reason: absent_reason(q, regs_) });
                continue;
            }
            Err(smmu_core::queues::queue::QueueError::Missing(_)) => {
                return Err(CliError::Input(absent_reason(q, regs_)))
            }
            Err(e) => return Err(CliError::Input(format!("{}: {e}", q.prefix()))),
        };
        let p = q.prefix();
        let registers = ["BASE", "PROD", "CONS"]
            .iter()
            .filter_map(|r| {
                let n = format!("{p}_{r}");
                regs_.get(&n).map(|v| (n, format!("{v:#010x}")))
            })
            .collect();
        let mut entries = Vec::new();
        let (mut not_in_memory, mut all_zero) = (0, 0);
        let n = if all { st.size } else { consumed };
        for e in st.read_at(mem, &st.consumed_indices(n)) {
            if all && e.error.is_some() {
                not_in_memory += 1;
            } else if all && e.words.iter().all(|w| w.trim_start_matches("0x").trim_start_matches('0').is_empty()) {
                all_zero += 1;
            } else {
                entries.push(ListedEntry { state: "consumed", entry: e });
            }
        }
        for e in st.read_entries(mem) {
            entries.push(ListedEntry { state: "outstanding", entry: e });
        }
        rep.queues.push(QueueReport { state: st, registers, entries, not_in_memory, all_zero });
    }
    Ok(rep)
}

pub fn run(a: Args) -> CliResult {
    let which: Vec<QueueId> = match a.queue.trim().to_ascii_lowercase().as_str() {
        "all" => vec![QueueId::Cmdq, QueueId::Evtq, QueueId::Priq],
        o => vec![QueueId::parse(o)
            .ok_or_else(|| CliError::Usage(format!("--queue {o}: expected cmdq, eventq, priq or all")))?],
    };
    let explicit = which.len() == 1;
    let consumed = match &a.consumed {
        Some(c) => parse_num(c).map_err(|e| CliError::Usage(format!("--consumed: {e}")))?,
        None => 0,
    };
    let l = Loaded::open(&a.snapshot, &a.mem)?;
    let mem = l.mem();
    let rep = build(&l.snap.registers, &mem, &which, consumed, a.all_entries, explicit)?;
    if a.json {
        return print_json("queue", &rep);
    }
    print_text(&render(&rep, &Style::detect()));
    Ok(())
}

fn flag(b: bool) -> u8 {
    u8::from(b)
}

pub fn render(r: &Report, st: &Style) -> String {
    let mut s = String::new();
    for q in &r.queues {
        let sq = &q.state;
        s.push_str(&format!(
            "{} ({}) at {}: 2^{} = {} entries of {} bytes [IHI 0070 3.5]\n",
            st.bold(sq.queue.prefix()),
            title(sq.queue),
            sq.base,
            sq.log2size,
            sq.size,
            sq.queue.entry_bytes()
        ));
        let regs_line: Vec<String> = q.registers.iter().map(|(n, v)| format!("{n} {v}")).collect();
        s.push_str(&format!("  {}\n", regs_line.join("  ")));
        s.push_str(&format!(
            "  PROD index {:#x} wrap {}  CONS index {:#x} wrap {}",
            sq.prod_index,
            flag(sq.prod_wrap),
            sq.cons_index,
            flag(sq.cons_wrap)
        ));
        if let Some(e) = &sq.error {
            s.push_str(&format!("  CONS.ERR {e}"));
        }
        if let Some(o) = sq.overflow {
            s.push_str(if o {
                "  overflow: PROD.OVFLG != CONS.OVACKFLG (records were lost, not yet acknowledged)"
            } else {
                "  no unacknowledged overflow"
            });
        }
        s.push('\n');
        let fill = if sq.full {
            st.warn(&format!("full: {} entries outstanding (equal index, different wrap bits)", sq.outstanding))
        } else if sq.empty {
            "empty: 0 entries outstanding (PROD == CONS)".to_string()
        } else {
            format!(
                "{} entr{} outstanding between CONS and PROD",
                sq.outstanding,
                if sq.outstanding == 1 { "y" } else { "ies" }
            )
        };
        s.push_str(&format!("  {fill}\n"));
        if sq.error.as_deref().is_some_and(|e| e != "CERROR_NONE") {
            s.push_str(&format!(
                "  {}\n",
                st.bad(&format!(
                    "command error {}: the command at CONS was not executed (7.1)",
                    sq.error.as_deref().unwrap_or("")
                ))
            ));
        }
        for p in &sq.problems {
            s.push_str(&format!("  {}\n", st.warn(&format!("problem: {p}"))));
        }
        for le in &q.entries {
            let e = &le.entry;
            s.push_str(&format!("\n  [{:#x}] {} at {}: {}\n", e.index, le.state, e.addr, e.words.join(" ")));
            if let Some(err) = &e.error {
                s.push_str(&format!("    {}\n", st.warn(&format!("not readable: {err}"))));
            }
            let body = match &e.decoded {
                Some(DecodedEntry::Command(c)) => render_command(c, st),
                Some(DecodedEntry::Event(ev)) => render_event(ev, st),
                Some(DecodedEntry::Pri(p)) => {
                    let mut t = format!("{}\n", p.summary);
                    t.push_str(&render_fields(&p.fields, st));
                    t
                }
                None => String::new(),
            };
            for l in body.lines() {
                s.push_str(&format!("    {l}\n"));
            }
        }
        if q.not_in_memory > 0 {
            s.push_str(&format!("  {} consumed slot(s) not in the snapshot's memory, not listed\n", q.not_in_memory));
        }
        if q.all_zero > 0 {
            s.push_str(&format!("  {} consumed slot(s) all zero (probably never written), not listed\n", q.all_zero));
        }
        s.push('\n');
    }
    for k in &r.skipped {
        s.push_str(&format!("{}: {}\n", k.queue.prefix(), k.reason));
    }
    s
}
