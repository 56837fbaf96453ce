//! Text renderings of a [`ForwardReport`]: terminal text and mailing-list email text.
//! Shared by the CLI, the TUI and the web app.

use super::{Class, ForwardReport, Verdict};
use crate::regs::FieldRef;
use std::collections::BTreeMap;

/// Email lines stay below this many columns (quoting adds "> ").
pub const EMAIL_WIDTH: usize = 72;
const TEXT_WIDTH: usize = 100;

struct Out {
    s: String,
    colour: bool,
}

impl Out {
    fn line(&mut self, l: &str) {
        self.s.push_str(l);
        self.s.push('\n');
    }
    fn paint(&self, code: &str, t: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{t}\x1b[0m")
        } else {
            t.to_string()
        }
    }
    fn bold(&self, t: &str) -> String {
        self.paint("1", t)
    }
    fn dim(&self, t: &str) -> String {
        self.paint("2", t)
    }
    fn class(&self, c: Class) -> String {
        let code = match c {
            Class::Direct | Class::Assumed => "32",
            Class::PerDevice | Class::VmmDefined => "36",
            Class::NeedsKernel | Class::NeedsFirmware | Class::NeedsVmFlag => "33",
            Class::HostOnly => "2",
        };
        self.paint(code, c.name())
    }
    /// One line kept as is (spacing preserved) when it fits, else a wrapped paragraph.
    fn fit(&mut self, indent: usize, width: usize, text: &str) {
        if indent + text.chars().count() <= width {
            let pad = " ".repeat(indent);
            self.line(&format!("{pad}{}", text.trim_end()));
        } else {
            self.para(indent, width, text);
        }
    }
    /// Wrapped paragraph with an indent; words longer than the width are split.
    fn para(&mut self, indent: usize, width: usize, text: &str) {
        for l in wrap(text, width.saturating_sub(indent).max(20)) {
            let pad = " ".repeat(indent);
            self.line(&format!("{pad}{l}"));
        }
    }
}

/// Greedy word wrap; never returns a line longer than `width` characters.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let mut w: Vec<char> = word.chars().collect();
        while w.len() > width {
            if !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
            }
            let rest = w.split_off(width);
            lines.push(w.iter().collect());
            w = rest;
        }
        let w: String = w.iter().collect();
        let need = if cur.is_empty() { w.chars().count() } else { cur.chars().count() + 1 + w.chars().count() };
        if need > width && !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(&w);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// A field value: hex for hex-formatted fields (IDs, IMPLEMENTATION DEFINED), else decimal.
fn fval(f: &FieldRef, v: Option<u64>) -> String {
    let hex = matches!(f.0.fmt, crate::model::Fmt::Hex);
    match v {
        Some(x) if hex && x > 9 => format!("{x:#x}"),
        Some(x) => x.to_string(),
        None => "-".into(),
    }
}

fn guest_line(g: &BTreeMap<String, String>) -> String {
    // Offset order is the order ID_REGISTERS lists them in.
    super::ID_REGISTERS.iter().filter_map(|r| g.get(*r).map(|v| format!("{r}={v}"))).collect::<Vec<_>>().join(" ")
}

/// Column headers for the profile comparison (six characters).
fn short_name(n: &str) -> &str {
    match n {
        "strict" => "strict",
        "qemu-accel" => "qemu",
        "cloud-hypervisor" => "ch",
        "openvmm" => "ovmm",
        other => other,
    }
}

/// Numbers every distinct reference, in first-use order.
fn ref_index(r: &ForwardReport) -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    for v in &r.verdicts {
        for x in &v.refs {
            if !x.starts_with("IHI 0070") && !all.contains(x) {
                all.push(x.clone());
            }
        }
    }
    for v in &r.vmm {
        for x in &v.refs {
            if !all.contains(x) {
                all.push(x.clone());
            }
        }
    }
    all
}

fn ref_nums(v: &Verdict, index: &[String]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for x in &v.refs {
        if let Some(sec) = x.strip_prefix("IHI 0070 ") {
            parts.push(format!("§{}", sec.split_whitespace().next().unwrap_or(sec)));
        } else if let Some(p) = index.iter().position(|i| i == x) {
            parts.push(format!("[{}]", p + 1));
        }
    }
    parts.join(" ")
}

fn render(r: &ForwardReport, colour: bool, width: usize, email: bool) -> String {
    let mut o = Out { s: String::new(), colour };
    let index = ref_index(r);
    let names: Vec<&str> = r.hosts.iter().map(|h| h.name.as_str()).collect();
    let title = if names.len() == 1 {
        format!("SMMUv3 forwarding verdicts for host {}", names.first().copied().unwrap_or("?"))
    } else {
        format!("SMMUv3 forwarding verdicts for a pool of {} hosts: {}", names.len(), names.join(", "))
    };
    for l in wrap(&title, width) {
        let b = o.bold(&l);
        o.line(&b);
    }
    o.line("");
    o.para(0, width, &format!("Strict guest: {}", guest_line(&r.guest)));
    for w in &r.guest_warnings {
        o.para(2, width, &format!("warning: the strict guest IDRs break an IHI 0070 6.3 rule: {w}"));
    }
    let counts: Vec<String> = r.summary.iter().filter(|(_, n)| **n > 0).map(|(k, n)| format!("{n} {k}")).collect();
    o.para(0, width, &format!("{} fields: {}", r.verdicts.len(), counts.join(", ")));
    for v in &r.vmm {
        let first_err = v.messages.iter().find(|m| !m.contains("warning:") && !m.contains("note:"));
        let n_exceed = v.exceeds_strict.len();
        let line = if !v.accepts {
            format!("{}: refuses: {}", v.name, first_err.map(String::as_str).unwrap_or("see below"))
        } else if v.name == "strict" {
            format!("{}: accepts", v.name)
        } else if n_exceed > 0 {
            format!("{}: accepts; presents {n_exceed} field(s) beyond the strict verdicts", v.name)
        } else {
            format!("{}: accepts; nothing beyond the strict verdicts", v.name)
        };
        let line = match v.guest_warnings.len() {
            0 => line,
            n => format!("{line}; its guest IDRs break {n} IHI 0070 6.3 consistency rule(s)"),
        };
        o.para(2, width, &line);
    }
    if email {
        o.para(0, width, "Fields that are 0 on every host and for the guest are listed without their reasons (smmu forward --json has them all).");
    }
    o.line("");

    let mut last_reg = "";
    for v in &r.verdicts {
        if v.register != last_reg {
            last_reg = v.register;
            let host_reg = if names.len() == 1 {
                r.hosts.first().and_then(|h| h.registers.get(v.register)).cloned().unwrap_or_else(|| "-".into())
            } else {
                "pool".into()
            };
            let head = format!(
                "{} (host {host_reg}, guest {})",
                v.register,
                r.guest.get(v.register).map(String::as_str).unwrap_or("-")
            );
            let b = o.bold(&head);
            o.line(&b);
        }
        let name = format!("{}.{}", v.register, v.field);
        let val = |x: Option<u64>| fval(&v.def, x);
        let host =
            if v.hosts.len() > 1 { v.hosts.iter().map(|h| val(*h)).collect::<Vec<_>>().join("/") } else { val(v.host) };
        let head = format!("{name:<20} host {host:<6} guest {:<6} ", val(Some(v.guest)));
        let all_zero = v.guest == 0 && v.host.unwrap_or(0) == 0 && v.hosts.iter().all(|h| h.unwrap_or(0) == 0);
        let dflt = if v.rule == "default" { " (default rule)" } else { "" };
        if email {
            o.fit(2, width, &format!("{head}{}{dflt}", v.class.name()));
        } else {
            let cls = o.class(v.class);
            o.line(&format!("  {head}{cls}{dflt}"));
        }
        if email && all_zero {
            continue;
        }
        o.para(6, width, &v.reason);
        if !email {
            let wc = format!("would change: {}", v.would_change);
            for l in wrap(&wc, width.saturating_sub(6)) {
                let d = o.dim(&l);
                o.line(&format!("      {d}"));
            }
        }
        let refs = ref_nums(v, &index);
        if !refs.is_empty() {
            for l in wrap(&format!("refs: {refs}"), width.saturating_sub(6)) {
                let d = o.dim(&l);
                o.line(&format!("      {d}"));
            }
        }
    }
    o.line("");
    let b = o.bold("VMM profiles");
    o.line(&b);
    for v in &r.vmm {
        let (yes, no) = if names.len() > 1 {
            ("accepts every host", "refuses a host")
        } else {
            ("accepts the host", "refuses the host")
        };
        let verdict = if v.accepts { o.paint("32", yes) } else { o.paint("1;31", no) };
        if email {
            o.fit(2, width, &format!("{:<17} {}", v.name, if v.accepts { yes } else { no }));
        } else {
            o.line(&format!("  {:<17} {verdict}", v.name));
        }
        o.para(6, width, &format!("guest: {}", guest_line(&v.guest)));
        for m in &v.messages {
            o.para(6, width, m);
        }
        for u in &v.unverified {
            o.para(6, width, &format!("unverified: {u}"));
        }
        for ph in &v.per_host {
            o.para(6, width, &format!("on {}: {}", ph.host, guest_line(&ph.guest)));
        }
    }
    // Field by field across the profiles: only fields where some profile departs from strict.
    let table = r.profile_table();
    let cols: Vec<&str> = r.vmm.iter().filter(|v| v.name != "strict").map(|v| short_name(v.name)).collect();
    let mut rows = Vec::new();
    for row in &table {
        let mut line = format!(
            "{:<20} {:>6} {:>6}",
            format!("{}.{}", row.register, row.field),
            fval(&row.def, row.host),
            fval(&row.def, Some(row.strict))
        );
        for c in &row.profiles {
            line.push_str(&format!(" {:>6}{}", fval(&row.def, c.value), if c.exceeds { "!" } else { " " }));
        }
        rows.push(line);
    }
    if !rows.is_empty() {
        o.line("");
        let b = o.bold("Where the profiles differ from strict (! = more than strict allows)");
        for l in wrap(&b, width) {
            o.line(&l);
        }
        let mut head = format!("{:<20} {:>6} {:>6}", "field", "host", "strict");
        for n in &cols {
            head.push_str(&format!(" {n:>6} "));
        }
        o.line(&format!("  {}", head.trim_end()));
        for l in rows {
            o.line(&format!("  {}", l.trim_end()));
        }
    }
    if let Some(p) = &r.pool {
        o.line("");
        let b = o.bold("Pool: differences between hosts");
        o.line(&b);
        if p.diff.is_empty() {
            o.line("  none: every identification field is the same on every host");
        }
        for d in &p.diff {
            let vals = d.values.iter().map(|x| fval(&d.def, *x)).collect::<Vec<_>>().join("/");
            let tag = if d.matters { o.paint("1;33", "matters") } else { o.dim("invisible to the guest") };
            let name = format!("{}.{}", d.register, d.field);
            if email {
                o.fit(
                    2,
                    width,
                    &format!("{name:<20} {vals:<12} {}", if d.matters { "matters" } else { "invisible to the guest" }),
                );
            } else {
                o.line(&format!("  {name:<20} {vals:<12} {tag}"));
            }
            o.para(6, width, &d.why);
        }
        for c in &p.conflicts {
            o.para(2, width, &format!("conflict: {c}"));
        }
    }
    if let Some(c) = &r.claim {
        o.line("");
        for l in wrap(&format!("Claim check: {}", c.source), width) {
            let b = o.bold(&l);
            o.line(&b);
        }
        o.para(2, width, &format!("claimed: {}", guest_line(&c.registers)));
        if c.over_claims.is_empty() {
            o.line("  no field over-claims");
        } else {
            o.line(&format!("  {} field(s) over-claim:", c.over_claims.len()));
        }
        for x in &c.over_claims {
            let n = o.paint("1;31", &format!("{}.{}", x.register, x.field));
            o.line(&format!("  {n}"));
            o.para(6, width, &x.reason);
        }
        for u in &c.under_claims {
            o.para(2, width, &format!("below safe: {u}"));
        }
        for i in &c.ignored {
            o.para(2, width, &format!("ignored: {i}"));
        }
    }
    if !r.notes.is_empty() {
        o.line("");
        let b = o.bold("Notes");
        o.line(&b);
        for n in &r.notes {
            o.para(2, width, &format!("- {n}"));
        }
    }
    if !index.is_empty() {
        o.line("");
        let b = o.bold("References");
        o.line(&b);
        o.para(2, width, "§N.N.N: Arm IHI 0070 (SMMUv3) section.");
        for (i, x) in index.iter().enumerate() {
            let t = format!("[{}] {x}", i + 1);
            let lines = wrap(&t, width.saturating_sub(2));
            for (j, l) in lines.iter().enumerate() {
                o.line(&format!("{}{l}", if j == 0 { "  " } else { "      " }));
            }
        }
    }
    o.s
}

/// One profile's value in a [`ProfileRow`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProfileValue {
    pub vmm: &'static str,
    pub value: Option<u64>,
    /// More than the strict verdict allows, in a hardware-backed field.
    pub exceeds: bool,
}

/// A field where some VMM profile presents something other than the strict guest value.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProfileRow {
    pub register: &'static str,
    pub field: &'static str,
    /// The field's typed handle (`register` and `field` are its names).
    #[serde(skip)]
    pub def: FieldRef,
    pub host: Option<u64>,
    pub strict: u64,
    /// Every non-strict profile, in report order.
    pub profiles: Vec<ProfileValue>,
}

impl ForwardReport {
    /// Fields where a non-strict profile departs from the strict guest, with each value.
    pub fn profile_table(&self) -> Vec<ProfileRow> {
        let cols: Vec<(&'static str, BTreeMap<&str, u64>)> = self
            .vmm
            .iter()
            .filter(|v| v.name != "strict")
            .map(|v| {
                let m = v
                    .guest
                    .iter()
                    .filter_map(|(k, x)| {
                        u64::from_str_radix(x.trim_start_matches("0x"), 16).ok().map(|n| (k.as_str(), n))
                    })
                    .collect();
                (v.name, m)
            })
            .collect();
        let mut rows = Vec::new();
        for v in &self.verdicts {
            let f = v.def.0;
            let profiles: Vec<ProfileValue> = cols
                .iter()
                .map(|(n, m)| {
                    let value = m.get(v.register).map(|w| f.get(&[*w]));
                    let exceeds = matches!(value, Some(x) if v.hardware_backed && !v.order.safe(x, v.guest));
                    ProfileValue { vmm: n, value, exceeds }
                })
                .collect();
            if profiles.iter().all(|p| p.value == Some(v.guest)) {
                continue;
            }
            rows.push(ProfileRow {
                register: v.register,
                field: v.field,
                def: v.def,
                host: v.host,
                strict: v.guest,
                profiles,
            });
        }
        rows
    }

    /// Terminal text; `colour` adds ANSI colour (callers decide: tty and NO_COLOR).
    pub fn to_text(&self, colour: bool) -> String {
        render(self, colour, TEXT_WIDTH, false)
    }
    /// Plain text for a mailing-list reply: no colour, every line under 76 columns.
    pub fn to_email(&self) -> String {
        render(self, false, EMAIL_WIDTH, true)
    }
}
