//! 5 Walk: SID/SSID/IOVA/access inputs; step forward and back one descriptor read at a
//! time; for nested walks the grid of stage-1 levels against the stage-2 walks they
//! trigger, the faulting read marked; the fault's event record with its full decode.
//! Renders smmu-core's typed walk result ([`WalkResult`]).

use super::super::data::{self, SuggestedWalk};
use super::super::doc;
use super::super::keymap::Action;
use super::super::theme::Theme;
use super::super::view::{Model, Reply, View, ViewId};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use smmu_core::derived::count;
use smmu_core::present::build;
use smmu_core::walk::{Outcome, Step, WalkResult};

const LABELS: [&str; 4] = ["SID", "SSID", "IOVA", "access"];

/// The walk the Walk view starts with on the built-in sample: StreamID 0x18 (QEMU's `edu`
/// device) at IOVA 0x12345000, the DMA whose F_TRANSLATION event the sample's kernel log
/// shows.
pub const SAMPLE_WALK: [&str; 2] = ["0x18", "0x12345000"];

#[derive(Debug, Clone)]
pub struct WalkView {
    /// SID, SSID, IOVA, access.
    pub inputs: [String; 4],
    /// Which input is being edited.
    pub editing: Option<usize>,
    /// The walk result as smmu-core reports it, or why it could not run.
    pub result: Option<Result<WalkResult, String>>,
    /// How many steps are shown (stepping forward/back).
    pub step: usize,
    /// Privileged (false) or unprivileged (true) access; PCIe DMA without a PASID prefix
    /// is unprivileged.
    pub unpriv: bool,
    /// Which suggested walk (of the host's scenario) the inputs came from.
    pub suggestion: usize,
    /// With two snapshots loaded (`smmu tui BEFORE AFTER`), walking AFTER: what an SMMU may
    /// still have cached for this address since BEFORE ([`smmu_core::cache`]).
    pub stale: Option<String>,
    /// The cache analysis of (BEFORE, AFTER) host indices, computed once.
    stale_report: Option<(usize, usize, Result<smmu_core::cache::Report, String>)>,
}

impl Default for WalkView {
    fn default() -> Self {
        WalkView {
            inputs: [SAMPLE_WALK[0].into(), String::new(), SAMPLE_WALK[1].into(), "read".into()],
            editing: None,
            result: None,
            step: 0,
            unpriv: true,
            suggestion: 0,
            stale: None,
            stale_report: None,
        }
    }
}

impl WalkView {
    /// The walk a host opens with: its scenario's first walk; the sample's faulting DMA;
    /// else the first valid stream at its first mapped address (or 0).
    pub fn start(&mut self, m: &Model) {
        let Some(h) = m.host() else { return };
        if let Some(w) = h.walks.first() {
            self.take(w);
        } else if h.kind != data::SourceKind::Sample {
            if let Some(snap) = h.snapshot.as_ref() {
                if let Some(sid) = smmu_core::inspect::first_valid_stream(snap) {
                    self.inputs =
                        [format!("{sid:#x}"), String::new(), format!("{:#x}", first_iova(snap, sid)), "read".into()];
                }
            }
        }
        // Without a snapshot the walk says what it needs.
        self.run(m);
    }

    fn take(&mut self, w: &SuggestedWalk) {
        self.inputs = w.inputs.clone();
        self.unpriv = w.unpriv;
    }

    /// Runs the walk of the inputs and shows every step.
    pub fn run(&mut self, m: &Model) {
        let r = match m.host() {
            Some(h) => data::run_walk(h, &self.inputs, self.unpriv),
            None => Err("no host loaded".into()),
        };
        self.step = r.as_ref().map(|w| w.steps.len()).unwrap_or(0);
        self.result = Some(r);
        self.stale = self.stale_hint(m);
    }

    /// "An SMMU may still use the cached entry ...": the host before this one is taken as
    /// BEFORE and this one as AFTER (both snapshots), and the commands consumed between them
    /// are applied to what BEFORE may have cached.
    fn stale_hint(&mut self, m: &Model) -> Option<String> {
        let after = Some(m.host).filter(|&i| i > 0)?;
        let (b, a) = (m.data.hosts.get(after - 1)?, m.data.hosts.get(after)?);
        let (bs, as_) = (b.snapshot.as_ref()?, a.snapshot.as_ref()?);
        if !matches!(&self.stale_report, Some((x, y, _)) if *x == after - 1 && *y == after) {
            let r = smmu_core::cache::analyze(bs, as_).map(|an| an.report);
            self.stale_report = Some((after - 1, after, r));
        }
        let report = match &self.stale_report {
            Some((_, _, Ok(r))) => r,
            Some((_, _, Err(e))) => return Some(format!("Cache analysis of {} then {}: {e}", b.name, a.name)),
            None => return None,
        };
        let num = |s: &str| smmu_core::num::parse_u64(s).ok();
        let sid = u32::try_from(num(&self.inputs[0])?).ok()?;
        let ssid = match self.inputs[1].trim() {
            "" => None,
            t => Some(u32::try_from(num(t)?).ok()?),
        };
        let iova = num(&self.inputs[2])?;
        let hit = report.stale_at(sid, ssid, iova)?;
        Some(hit.sentence(iova, &b.name, &a.name))
    }

    pub fn step_count(&self) -> usize {
        match &self.result {
            Some(Ok(w)) => w.steps.len(),
            _ => 0,
        }
    }
}

/// The first mapped input address of a stream (stage 1 if it translates, else stage 2), so
/// a first walk shows a translation rather than a fault at 0.
fn first_iova(snap: &smmu_core::snapshot::Snapshot, sid: u32) -> u64 {
    use smmu_core::walk::ptdump::{ptdump, DumpStage};
    for stage in [DumpStage::S1, DumpStage::S2] {
        if let Ok(d) = ptdump(&snap.registers, &snap.memory, sid, None, stage) {
            if let Some(mp) = d.mappings.first() {
                return mp.input;
            }
        }
    }
    0
}

fn outcome_name(o: &Outcome) -> &'static str {
    match o {
        Outcome::Translated => "translated",
        Outcome::Fault => "fault",
        Outcome::Bypass => "bypass",
        Outcome::Abort => "abort",
        Outcome::MissingMemory => "missing memory",
        Outcome::Incomplete => "incomplete",
    }
}

fn stage_label(s: &Step) -> String {
    match (s.stage, s.level) {
        ("config", _) => "cfg".into(),
        (st, Some(l)) => format!("S{st} L{l}"),
        (st, None) => format!("S{st}"),
    }
}

/// One row of the nested grid: the stage-2 walk done for one purpose (the CD's IPA, a
/// stage-1 table's IPA, the output IPA), which levels it read, and the read it enabled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridRow {
    pub purpose: String,
    pub levels: Vec<i32>,
    /// The descriptor read that used the translated address (`S1 L0 table`, `CD`, ...).
    pub then: String,
    /// The current step is in this row.
    pub current: bool,
    /// The stage-2 level whose read faulted.
    pub fault_level: Option<i32>,
    /// The read that used the translated address faulted (`then`).
    pub then_faulted: bool,
}

/// The nested grid for the first `shown` steps; None when the walk is not nested. When the
/// walk ends in a fault and every step is shown, the faulting read is marked.
pub fn nested_grid(st: &[Step], shown: usize, fault: bool) -> Option<Vec<GridRow>> {
    let nested = st.iter().any(|s| s.stage == "2" && s.purpose.is_some());
    if !nested {
        return None;
    }
    let mut rows: Vec<GridRow> = Vec::new();
    let mut open: Option<usize> = None;
    let last_read = if fault && shown >= st.len() { st.iter().rposition(|s| s.kind != "decision") } else { None };
    for (i, s) in st.iter().enumerate().take(shown) {
        let cur = i + 1 == shown;
        if s.stage == "2" {
            if s.purpose.is_none() && s.level.is_none() {
                continue; // stage 2 configuration, not a walk
            }
            let purpose = s.purpose.clone().unwrap_or_else(|| "output IPA".into());
            let idx = match open {
                Some(k) if rows.get(k).is_some_and(|r| r.purpose == purpose) => k,
                _ => {
                    rows.push(GridRow {
                        purpose,
                        levels: vec![],
                        then: String::new(),
                        current: false,
                        fault_level: None,
                        then_faulted: false,
                    });
                    rows.len() - 1
                }
            };
            if let Some(r) = rows.get_mut(idx) {
                if let Some(l) = s.level {
                    r.levels.push(l);
                    if last_read == Some(i) {
                        r.fault_level = Some(l);
                    }
                }
                r.current |= cur;
            }
            open = Some(idx);
        } else if let Some(k) = open.take() {
            if s.kind != "decision" {
                if let Some(r) = rows.get_mut(k) {
                    r.then = format!("{} {}", stage_label(s), s.kind);
                    r.current |= cur;
                    r.then_faulted = last_read == Some(i);
                }
            } else {
                open = Some(k);
            }
        }
    }
    Some(rows)
}

fn grid_lines(t: &Theme, g: &[GridRow], width: u16) -> Vec<Line<'static>> {
    // label, 4 cells of 3 columns, then the stage-1 read it enabled (~14 columns).
    let label_w = (width as usize).saturating_sub(4 + 12 + 2 + 14).clamp(12, 48);
    let legend = if width as usize >= label_w + 1 + 14 + 6 + 24 { "  (● read, ✗ faulted)" } else { "" };
    let mut gl = vec![Line::styled(format!("{:<label_w$} S2 L0 L1 L2 L3  then{legend}", "stage-2 walk for"), t.title)];
    for r in g {
        let mut spans = vec![];
        let label: String = r.purpose.chars().take(label_w).collect();
        let base = if r.current { t.selected } else { t.text };
        spans.push(Span::styled(format!("{label:<label_w$}    "), base));
        for l in 0..4 {
            let (cell, st) = if r.fault_level == Some(l) {
                (" ✗ ", t.bad)
            } else if r.levels.contains(&l) {
                (" ● ", base)
            } else {
                (" · ", base)
            };
            spans.push(Span::styled(cell, st));
        }
        spans.push(Span::styled("  ", base));
        if r.then_faulted {
            spans.push(Span::styled(format!("✗ {}", r.then), t.bad));
        } else {
            spans.push(Span::styled(r.then.clone(), base));
        }
        gl.push(Line::from(spans));
    }
    gl
}

/// The current step's detail: what was read and decided; an STE or CD as its structure
/// document (addresses as addresses).
fn step_lines(t: &Theme, m: &Model, w: &WalkResult, s: &Step, width: u16) -> Vec<Line<'static>> {
    let mut d = doc::para(t, 0, &[(s.explanation.clone(), t.text)], width as usize);
    let mut facts = Vec::new();
    if let Some(x) = &s.index_bits {
        facts.push(format!("index from {x}"));
    }
    if let Some(x) = s.index {
        facts.push(format!("index {x}"));
    }
    if let Some(x) = s.table {
        facts.push(format!("table at {x:#x}"));
    }
    if let Some(x) = s.address {
        facts.push(format!("read at {x:#x}"));
    }
    if let Some(x) = &s.purpose {
        facts.push(format!("for {x}"));
    }
    if !facts.is_empty() {
        d.extend(doc::para(t, 0, &[(facts.join(", "), t.dim)], width as usize));
    }
    let words: Vec<u64> = s.words.iter().filter_map(|x| smmu_core::snapshot::parse_hex_u64(x)).collect();
    let regs = m.host().map(|h| &h.registers);
    match (s.kind, regs) {
        ("STE", Some(regs)) if words.len() == 8 => {
            d.extend(doc::lines(&build::structure(&smmu_core::structs::ste_report(&words, regs)), t, width, false));
        }
        ("CD", Some(regs)) if words.len() == 8 => {
            let ste =
                w.steps.iter().find(|x| x.kind == "STE").map(|x| {
                    x.words.iter().filter_map(|v| smmu_core::snapshot::parse_hex_u64(v)).collect::<Vec<u64>>()
                });
            let stall_disabled = ste.is_some_and(|ws| ws.len() == 8 && smmu_core::structs::ste::S1STALLD.get(&ws) == 1);
            let rep = smmu_core::structs::cd_report(&words, regs, stall_disabled);
            d.extend(doc::lines(&build::structure(&rep), t, width, false));
        }
        _ => {
            if !s.decode.is_empty() {
                d.extend(doc::para(t, 0, &[(s.decode.join(" "), t.accent)], width as usize));
            }
        }
    }
    if !s.decision.is_empty() {
        d.extend(doc::para(t, 0, &[(format!("-> {}", s.decision), t.title)], width as usize));
    }
    d
}

/// The end of the walk: the event record (what the SMMU writes) and its full decode, or what
/// memory was missing.
fn end_lines(t: &Theme, w: &WalkResult, width: u16) -> Vec<Line<'static>> {
    let mut e = Vec::new();
    if let Some(ev) = &w.event {
        let mut head = format!("Event {} ({:#x})", ev.kind.name(), ev.code);
        // S2 and CLASS exist only in the translation-related records.
        if let Some(c) = &ev.class {
            head.push_str(&format!(" S2={} CLASS={:?}", ev.s2 as u8, c));
        }
        head.push_str(&format!(" StreamID {:#x}", ev.sid));
        if let Some(x) = ev.ssid {
            head.push_str(&format!(" SubstreamID {x:#x}"));
        }
        if let Some(x) = ev.input_addr {
            head.push_str(&format!(" InputAddr {x:#x}"));
        }
        if let Some(x) = ev.ipa {
            head.push_str(&format!(" IPA {x:#x}"));
        }
        e.extend(doc::para(t, 0, &[(head, t.bad)], width as usize));
        e.extend(doc::para(t, 0, &[(format!("raw: {}", ev.raw.join(", ")), t.accent)], width as usize));
        e.extend(doc::para(t, 0, &[(ev.reason.clone(), t.text)], width as usize));
        e.extend(doc::lines(&build::event(&ev.decoded), t, width, false));
    }
    if let Some(mi) = &w.missing {
        e.extend(doc::para(
            t,
            0,
            &[(format!("Not in the memory image: {} ({} bytes at {:#x})", mi.what, mi.len, mi.address), t.warn)],
            width as usize,
        ));
    }
    e
}

impl View for WalkView {
    fn id(&self) -> ViewId {
        ViewId::Walk
    }

    fn move_cursor(&mut self, _m: &Model, d: i64) {
        let n = self.step_count() as i64;
        self.step = (self.step as i64).saturating_add(d).clamp(0, n) as usize;
    }

    fn typing(&self) -> bool {
        self.editing.is_some()
    }

    fn type_char(&mut self, _m: &Model, c: char) {
        if let Some(s) = self.editing.and_then(|i| self.inputs.get_mut(i)) {
            s.push(c);
        }
    }

    fn act(&mut self, m: &Model, a: Action) -> Option<Reply> {
        if self.editing.is_some() {
            match a {
                Action::Accept => {
                    self.editing = None;
                    self.run(m);
                    return Some(Reply::none());
                }
                Action::Cancel => {
                    self.editing = None;
                    return Some(Reply::none());
                }
                Action::NextPane => {
                    self.editing = self.editing.map(|i| (i + 1) % self.inputs.len());
                    return Some(Reply::status("Walk inputs: type, Tab for the next input, Enter runs, Esc cancels"));
                }
                Action::DeleteChar => {
                    if let Some(s) = self.editing.and_then(|i| self.inputs.get_mut(i)) {
                        s.pop();
                    }
                    return Some(Reply::status("Walk inputs: type, Tab for the next input, Enter runs, Esc cancels"));
                }
                Action::ClearInput => {
                    if let Some(s) = self.editing.and_then(|i| self.inputs.get_mut(i)) {
                        s.clear();
                    }
                    return Some(Reply::status("Walk inputs: type, Tab for the next input, Enter runs, Esc cancels"));
                }
                _ => return None,
            }
        }
        match a {
            Action::EditWalk | Action::Expand => {
                self.editing = Some(0);
                Some(Reply::status("Walk inputs: type, Tab for the next input, Enter runs, Esc cancels"))
            }
            Action::StepBack => {
                self.step = self.step.saturating_sub(1);
                Some(Reply::none())
            }
            Action::StepForward => {
                if self.step < self.step_count() {
                    self.step += 1;
                }
                Some(Reply::none())
            }
            Action::TogglePriv => {
                self.unpriv = !self.unpriv;
                self.run(m);
                Some(Reply::status(if self.unpriv {
                    "Unprivileged access (PnU = 0)"
                } else {
                    "Privileged access (PnU = 1)"
                }))
            }
            Action::NextWalk => {
                let walks = m.host().map(|h| h.walks.clone()).unwrap_or_default();
                if walks.is_empty() {
                    return Some(Reply::status("No suggested walks: this input is not a scenario"));
                }
                self.suggestion = (self.suggestion + 1) % walks.len();
                let w = &walks[self.suggestion];
                self.take(w);
                self.run(m);
                Some(Reply::status(format!(
                    "Scenario walk {}/{}: expect {}",
                    self.suggestion + 1,
                    walks.len(),
                    w.expect
                )))
            }
            _ => None,
        }
    }

    fn draw(&mut self, f: &mut Frame, m: &Model, area: Rect) -> Rect {
        let t = m.theme;
        let st_hint = self.stale.clone();
        // The inputs on one line, so the steps keep the room at 80x24.
        let [form, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
        let mut spans = vec![Span::styled("Walk ", t.title)];
        for (i, l) in LABELS.iter().enumerate() {
            let editing = self.editing == Some(i);
            spans.push(Span::styled(format!("{l} "), t.dim));
            let val = if editing { format!("{}_", self.inputs[i]) } else { self.inputs[i].clone() };
            let val = if val.is_empty() { "-".to_string() } else { val };
            spans.push(Span::styled(val, if editing { t.selected } else { t.accent }));
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(if self.unpriv { "unpriv" } else { "priv" }, t.accent));
        spans.push(Span::styled("  (e edits, Enter runs)", t.dim));
        f.render_widget(Paragraph::new(Line::from(spans)), form);
        let w = match &self.result {
            None => {
                let lines = vec![
                    Line::styled(
                        "Press e (or Enter) to edit the inputs, Tab moves between them, Enter runs the walk.",
                        t.dim,
                    ),
                    Line::styled("Each descriptor read is a step: Right/l steps forward, Left/h back.", t.dim),
                ];
                f.render_widget(Paragraph::new(lines).block(super::block(&t, "Trace")), body);
                return Rect::default();
            }
            Some(Err(e)) => {
                super::unavailable(f, &t, body, "Trace", e, &[]);
                return Rect::default();
            }
            Some(Ok(w)) => w,
        };
        let st = &w.steps;
        let shown = self.step.min(st.len());
        let fault = w.outcome == Outcome::Fault;
        let grid = nested_grid(st, shown, fault);
        let grid_h = grid.as_ref().map(|g| g.len() as u16 + 1).unwrap_or(0);
        // The head: outcome, then the summary and what the scenario expects, wrapped.
        let outcome = outcome_name(&w.outcome);
        let os = if matches!(w.outcome, Outcome::Translated | Outcome::Bypass) { t.good } else { t.bad };
        let mut first = vec![("Outcome ".to_string(), t.dim), (outcome.to_string(), os)];
        if let Some(pa) = w.pa {
            first.push((format!("  PA {pa:#x}"), t.accent));
        }
        if let Some(ipa) = w.ipa {
            first.push((format!("  IPA {ipa:#x}"), t.accent));
        }
        first.push((
            format!(
                "  step {shown}/{} ({}), {}",
                st.len(),
                count(w.descriptor_reads as u64, "descriptor read", "descriptor reads"),
                w.config
            ),
            t.dim,
        ));
        let mut second = vec![(w.summary.clone(), t.text)];
        if let Some(s) = m.host().and_then(|h| h.walks.get(self.suggestion)).filter(|s| s.inputs == self.inputs) {
            second.push((
                format!(
                    "  [scenario expects {}{}; s: next]",
                    s.expect,
                    if s.note.is_empty() { String::new() } else { format!(": {}", s.note) }
                ),
                t.dim,
            ));
        }
        let mut hl = doc::para(&t, 0, &first, body.width as usize);
        hl.extend(doc::para(&t, 0, &second, body.width as usize));
        let small = body.height < 26;
        let head_h = (hl.len() as u16).min(if small { 3 } else { 4 });
        // Trace without a border: at 24 rows the last few steps (3 with a nested grid, which
        // shows where the walk is), more when there is room; the step pane gets the rest.
        let trace_h = match (small, grid.is_some()) {
            (true, true) => 3,
            (true, false) => 5,
            (false, _) => (body.height / 4).max(5),
        };
        let [head, trace, grid_a, detail] = Layout::vertical([
            Constraint::Length(head_h),
            Constraint::Length(trace_h),
            Constraint::Length(grid_h),
            Constraint::Min(4),
        ])
        .areas(body);
        f.render_widget(Paragraph::new(hl), head);
        // Trace: the steps shown so far, the current one highlighted, scrolled to keep it visible.
        let inner_h = trace.height as usize;
        let first = shown.saturating_sub(inner_h.max(1));
        let mut lines = Vec::new();
        for (i, s) in st.iter().enumerate().take(shown).skip(first) {
            let cur = i + 1 == shown;
            let addr = s.address.map(|a| format!(" @{a:#x}")).unwrap_or_default();
            let val = s.value.map(|a| format!(" = {a:#x}")).unwrap_or_default();
            let style = if cur { t.selected } else { t.text };
            lines.push(Line::from(vec![
                Span::styled(format!("{:>2} {:<7} {:<8}", i + 1, stage_label(s), s.kind), style),
                Span::styled(format!("{addr}{val}  "), if cur { t.selected } else { t.accent }),
                Span::styled(s.explanation.clone(), if cur { t.selected } else { t.dim }),
            ]));
        }
        if shown == 0 {
            lines.push(Line::styled("Right/l: first step", t.dim));
        }
        f.render_widget(Paragraph::new(lines), trace);
        if let Some(g) = grid {
            f.render_widget(Paragraph::new(grid_lines(&t, &g, grid_a.width)), grid_a);
        }
        let dw = super::inner(detail).width;
        let mut d = Vec::new();
        if shown >= st.len() {
            d.extend(end_lines(&t, w, dw));
            if let Some(h) = &st_hint {
                d.extend(doc::para(&t, 0, &[(h.clone(), t.warn)], dw as usize));
            }
        }
        if let Some(s) = shown.checked_sub(1).and_then(|i| st.get(i)) {
            d.extend(step_lines(&t, m, w, s, dw));
        }
        let title = format!("Step {shown} of {} (] and [ scroll)", st.len());
        f.render_widget(
            Paragraph::new(d).scroll((m.detail_scroll, 0)).block(super::focused_block(&t, title, m.detail_focus)),
            detail,
        );
        Rect::default()
    }

    fn focused_text(&self, m: &Model) -> Option<String> {
        let Some(Ok(w)) = &self.result else { return None };
        let t = m.theme;
        let mut out = vec![format!(
            "walk SID {} SSID {} IOVA {} {}: {} ({})",
            self.inputs[0],
            if self.inputs[1].is_empty() { "-" } else { &self.inputs[1] },
            self.inputs[2],
            self.inputs[3],
            outcome_name(&w.outcome),
            w.summary
        )];
        for (i, s) in w.steps.iter().enumerate() {
            out.push(format!("{:>2} {:<7} {:<8} {}", i + 1, stage_label(s), s.kind, s.explanation));
        }
        out.extend(end_lines(&t, w, 100).iter().map(|l| l.to_string()));
        out.extend(self.stale.iter().cloned());
        Some(out.join("\n"))
    }
}
