//! `NAME = VALUE`, `ADDRESS: VALUE` and `idr[N] = VALUE` lines.

use super::lex::{self, col, col_of, err, show};
use super::store::{le_bytes, Key, Piece};
use super::{Format, ParseError};
use crate::regs::{self, RegDef};

/// What a line's key names.
pub(crate) enum Target {
    /// A whole register, or one 32-bit half (`byte` 0 or 4) of a 64-bit register.
    Reg { reg: &'static RegDef, byte: u64, half: bool },
    /// A field of `struct iommu_hw_info_arm_smmuv3` that is not a register (`flags`, `__reserved`).
    HwInfoOnly(&'static str),
}

/// The fields of `struct iommu_hw_info_arm_smmuv3` (include/uapi/linux/iommufd.h) in order:
/// `flags`, `__reserved`, `idr[6]`, `iidr`, `aidr`: 10 little-endian u32s, 40 bytes.
pub(crate) const HW_INFO_WORDS: usize = 10;
pub(crate) const HW_INFO_IDRS: usize = 6;

/// The register a `struct iommu_hw_info_arm_smmuv3` word holds (`None` for flags/__reserved).
pub(crate) fn hw_info_word(i: usize) -> Option<&'static str> {
    match i {
        2 => Some("IDR0"),
        3 => Some("IDR1"),
        4 => Some("IDR2"),
        5 => Some("IDR3"),
        6 => Some("IDR4"),
        7 => Some("IDR5"),
        8 => Some("IIDR"),
        9 => Some("AIDR"),
        _ => None,
    }
}

/// Looks up a register for a name as people write it: any case, `SMMU_`/`ARM_SMMU_` prefix,
/// `_LO`/`_HI` halves of 64-bit registers.
pub(crate) fn lookup_name(name: &str) -> Result<Target, String> {
    // Register names are ASCII; anything else is unknown (and must not reach `by_name`,
    // which slices by bytes).
    if !name.is_ascii() || name.is_empty() {
        return Err(format!("unknown register {}", show(name)));
    }
    let n = name.strip_prefix("ARM_").or_else(|| name.strip_prefix("arm_")).unwrap_or(name);
    if let Some(r) = regs::by_name(n).or_else(|| regs::by_name(name)) {
        return Ok(Target::Reg { reg: r, byte: 0, half: false });
    }
    let upper = n.to_ascii_uppercase();
    for (suf, byte) in [("_LO", 0u64), ("_HI", 4u64), ("_L", 0), ("_H", 4)] {
        if let Some(stem) = upper.strip_suffix(suf) {
            if let Some(r) = regs::by_name(stem) {
                if r.width != 64 {
                    return Err(format!("{name}: {} is a 32-bit register and has no {suf} half", r.name));
                }
                return Ok(Target::Reg { reg: r, byte, half: true });
            }
        }
    }
    Err(format!("unknown register {}", show(name)))
}

/// A hw_info key: `idr[N]`, `iidr`, `aidr`, `flags`, `__reserved`, with an optional
/// `something.` prefix. `Ok(None)` when `key` is not a hw_info key.
pub(crate) fn hw_info_key(key: &str) -> Result<Option<Target>, String> {
    let k = key.rsplit('.').next().unwrap_or(key);
    let lower = k.to_ascii_lowercase();
    if lower == "flags" {
        return Ok(Some(Target::HwInfoOnly("flags")));
    }
    if lower == "__reserved" {
        return Ok(Some(Target::HwInfoOnly("__reserved")));
    }
    if let Some(rest) = lower.strip_prefix("idr[") {
        let Some(num) = rest.strip_suffix(']') else {
            return Err(format!("{}: expected idr[N] with N from 0 to 5", show(key)));
        };
        let i: usize = num.trim().parse().map_err(|_| format!("{}: expected idr[N] with N from 0 to 5", show(key)))?;
        if i >= HW_INFO_IDRS {
            return Err(format!("{}: struct iommu_hw_info_arm_smmuv3 has idr[0] to idr[5]", show(key)));
        }
        return reg_for_word(i + 2).map(Some);
    }
    if k != key && (lower == "iidr" || lower == "aidr") {
        return reg_for_word(if lower == "iidr" { 8 } else { 9 }).map(Some);
    }
    Ok(None)
}

pub(crate) fn reg_for_word(i: usize) -> Result<Target, String> {
    let name = hw_info_word(i).ok_or_else(|| "not a register word".to_string())?;
    regs::by_name(name)
        .map(|reg| Target::Reg { reg, byte: 0, half: false })
        .ok_or_else(|| format!("register {name} is not in the register table"))
}

fn unquote(t: &str) -> &str {
    t.strip_prefix('"').and_then(|x| x.strip_suffix('"')).unwrap_or(t)
}

pub(crate) struct KvOut {
    pub pieces: Vec<Piece>,
    pub notes: Vec<String>,
    pub format: Format,
}

/// Builds the piece for a named target. `vcol` is the value's column.
pub(crate) fn named_piece(t: &Target, line: usize, vcol: usize, value: u64) -> Result<Option<Piece>, ParseError> {
    match t {
        Target::HwInfoOnly(_) => Ok(None),
        Target::Reg { reg, byte, half } => {
            let (n, label) = if *half {
                (4usize, format!("{}_{}", reg.name, if *byte == 0 { "LO" } else { "HI" }))
            } else {
                (reg.width as usize / 8, reg.name.to_string())
            };
            if n < 8 && value >> (n * 8) != 0 {
                let what = if *half {
                    format!("a 32-bit half of {}", reg.name)
                } else {
                    format!("32-bit register {}", reg.name)
                };
                return Err(err(
                    line,
                    vcol,
                    format!("value {value:#x} does not fit {what}; expected at most 0xffffffff"),
                ));
            }
            Ok(Some(Piece::named(line, vcol, reg.offset as u64 + byte, le_bytes(value, n), label)))
        }
    }
}

/// The shape of a paste, decided from the whole text before it is read line by line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// `NAME = VALUE`, `NAME: VALUE`, `NAME VALUE`, `ADDRESS: VALUE` lines (and readbacks).
    Plain,
    /// FVP model parameters (`-C pci.pci_smmuv3.mmu.SMMU_IDR0=0x0046123B`), in a command line,
    /// a shell script or a parameter file.
    Fvp,
    /// gem5's `smmu_idr0 = Param.UInt32(0x094C100F, "SMMU_IDR0 register")` (src/dev/arm/SMMUv3.py).
    Gem5,
    /// A reStructuredText (or Markdown) table: `| pci.pci_smmuv3.mmu.SMMU_IDR1 | 0x00E0_0000 |`.
    Table,
}

const FVP_CONV: lex::Conv = lex::Conv::Decimal("FVP parameters are decimal without 0x");
const GEM5_CONV: lex::Conv = lex::Conv::Decimal("gem5 parameters are Python integers, decimal without 0x");
const TABLE_CONV: lex::Conv = lex::Conv::Hex("register tables list hex values");

fn unq(s: &str) -> &str {
    s.trim_matches(|c| c == '"' || c == '\'')
}

/// `key=value` (quotes around either or both), as sub-slices of the input.
fn split_param(p: &str) -> Option<(&str, &str)> {
    let p = unq(p);
    let eq = p.find('=')?;
    let key = unq(p.get(..eq)?.trim());
    let val = unq(p.get(eq + 1..)?.trim());
    if key.is_empty() || key.contains(char::is_whitespace) {
        return None;
    }
    Some((key, val))
}

/// The FVP parameters on a line: `-C key=value`, `-Ckey=value`, `--parameter key=value`,
/// `--parameter=key=value` (quoted or not, several per line), or the whole line `key=value`
/// with a dotted key (a `-f` parameter file or `--list-params` output).
fn fvp_params(line: &str) -> Vec<(&str, &str)> {
    let toks = lex::tokens(line);
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&(_, t)) = toks.get(i) {
        let p = if t == "-C" || t == "--parameter" {
            i += 1;
            toks.get(i).map(|x| x.1)
        } else if let Some(r) = t.strip_prefix("--parameter=") {
            Some(r)
        } else if t.len() > 2 && t.starts_with("-C") {
            t.get(2..)
        } else if i == 0 && (toks.len() == 1 || (toks.len() == 2 && toks.get(1).is_some_and(|x| x.1 == "\\"))) {
            Some(t).filter(|t| t.split('=').next().is_some_and(|k| k.contains('.')))
        } else {
            None
        };
        if let Some(kv) = p.and_then(split_param) {
            out.push(kv);
        }
        i += 1;
    }
    out
}

/// The register an FVP parameter sets: the part after the last `.` (`SMMU_IDR0`).
fn fvp_register(key: &str) -> Option<Target> {
    let last = key.rsplit('.').next().unwrap_or(key);
    lookup_name(last).ok().filter(|t| matches!(t, Target::Reg { .. }))
}

/// gem5 `name = Param.Type(first, ...)`: the name, the first argument and the parenthesis
/// depth left open at the end of the line.
fn gem5_param(t: &str) -> Option<(&str, &str, i32)> {
    let eq = t.find('=')?;
    let key = t.get(..eq)?.trim();
    let rhs = t.get(eq + 1..)?.trim_start();
    let after = rhs.strip_prefix("Param.")?;
    let open = after.find('(')?;
    let args = after.get(open + 1..)?;
    let end = args.find([',', ')']).unwrap_or(args.len());
    let first = args.get(..end)?.trim();
    let depth = t.matches('(').count() as i32 - t.matches(')').count() as i32;
    if key.is_empty() || key.contains(char::is_whitespace) {
        return None;
    }
    Some((key, first, depth))
}

/// The cells of a table row `| a | b |`, or `None` when the line is not one.
fn table_cells(t: &str) -> Option<Vec<&str>> {
    let rest = t.strip_prefix('|')?;
    let cells: Vec<&str> = rest.split('|').map(str::trim).collect();
    let n = cells.iter().rposition(|c| !c.is_empty())? + 1;
    Some(cells.into_iter().take(n).collect())
}

/// A table cell without a list bullet (`- `, `* `).
fn list_item(c: &str) -> &str {
    c.strip_prefix("- ").or_else(|| c.strip_prefix("* ")).map(str::trim_start).unwrap_or(c)
}

/// A table border or header separator: `+----+----+`, `|---|---|`, `==== ====`.
fn is_table_border(t: &str) -> bool {
    t.chars().any(|c| c == '-' || c == '=') && t.chars().all(|c| "+-=|: \t".contains(c))
}

/// The register a table row's key cell names: a register name or an FVP parameter.
fn table_register(key: &str) -> Option<(Target, lex::Conv)> {
    if key.contains('.') {
        return fvp_register(key).map(|t| (t, FVP_CONV));
    }
    lookup_name(key).ok().filter(|t| matches!(t, Target::Reg { .. })).map(|t| (t, TABLE_CONV))
}

fn detect_mode(text: &str) -> Mode {
    let mut table = false;
    let mut fvp = false;
    for raw in text.lines() {
        let t = lex::strip_comment(raw).trim();
        if let Some((k, _, _)) = gem5_param(t) {
            if matches!(lookup_name(k), Ok(Target::Reg { .. })) {
                return Mode::Gem5;
            }
        }
        if let Some(cells) = table_cells(t) {
            let k = cells.first().map(|c| list_item(c)).unwrap_or("");
            let fvp_cell = fvp_params(k).iter().any(|(k, _)| fvp_register(k).is_some());
            if fvp_cell || (cells.len() >= 2 && table_register(k).is_some()) {
                table = true;
            }
        }
        if fvp_params(t).iter().any(|(k, _)| k.contains('.') && fvp_register(k).is_some()) {
            fvp = true;
        }
    }
    if table {
        Mode::Table
    } else if fvp {
        Mode::Fvp
    } else {
        Mode::Plain
    }
}

/// Lines not used, with why; rendered as notes.
#[derive(Default)]
struct Ignored(Vec<(usize, String)>);

impl Ignored {
    fn push(&mut self, line: usize, why: impl Into<String>) {
        self.0.push((line, why.into()));
    }
    fn notes(self, notes: &mut Vec<String>) {
        const MAX: usize = 40;
        for (l, why) in self.0.iter().take(MAX) {
            notes.push(format!("line {l} ignored: {why}"));
        }
        if self.0.len() > MAX {
            notes.push(format!("{} more lines ignored", self.0.len() - MAX));
        }
    }
}

/// Lists line numbers for a count note: `line 3` or `lines 1, 4, 7`.
fn line_list(lines: &[usize]) -> String {
    let shown: Vec<String> = lines.iter().take(20).map(|l| l.to_string()).collect();
    let more = if lines.len() > 20 { format!(" and {} more", lines.len() - 20) } else { String::new() };
    format!("{} {}{more}", if lines.len() == 1 { "line" } else { "lines" }, shown.join(", "))
}

/// One value for a named register: checks and converts it, records an ambiguous reading.
#[allow(clippy::too_many_arguments)]
fn take_named(
    ln: usize,
    raw: &str,
    tg: &Target,
    vtok: &str,
    conv: lex::Conv,
    pieces: &mut Vec<Piece>,
    ambiguous: &mut Vec<String>,
) -> Result<(), ParseError> {
    let vcol = col_of(raw, vtok);
    if vtok.is_empty() {
        return Err(err(ln, vcol, "expected a value after the name"));
    }
    let (num, amb) = lex::reg_value_conv(vtok, conv).map_err(|e| err(ln, vcol, e))?;
    if let Some(a) = amb {
        ambiguous.push(format!("line {ln}, column {vcol}: {a}"));
    }
    if let Some(p) = named_piece(tg, ln, vcol, num.value)? {
        pieces.push(p);
    }
    Ok(())
}

/// Parses `KEY [=|:] VALUE` lines. Keys are register names, hw_info keys or addresses; also
/// FVP model parameters, gem5 `Param` lines and register tables (see [`Mode`]).
pub(crate) fn parse(text: &str) -> Result<KvOut, ParseError> {
    let mut pieces = Vec::new();
    let mut notes = Vec::new();
    let mut noise = Vec::new();
    let mut prompts = Vec::new();
    let (mut addressed, mut hw) = (0usize, 0usize);
    let mut flags: Option<u64> = None;
    let mode = detect_mode(text);
    let mut ignored = Ignored::default();
    let mut ambiguous = Vec::new();
    // gem5: a Param(...) call still open (its first line, depth).
    let mut gem5_open: Option<(usize, i32)> = None;
    // The last register line, for the decoded-field lines readbacks print under it.
    let mut last_reg: Option<&'static RegDef> = None;
    for (i, raw) in text.lines().enumerate() {
        let ln = i + 1;
        if let Some((first, depth)) = gem5_open {
            let d = depth + raw.matches('(').count() as i32 - raw.matches(')').count() as i32;
            ignored.push(ln, format!("continues the gem5 parameter of line {first}"));
            gem5_open = if d > 0 { Some((first, d)) } else { None };
            continue;
        }
        let body = lex::strip_comment(raw);
        let t = body.trim();
        if t.is_empty() {
            continue;
        }
        match mode {
            Mode::Plain => {}
            Mode::Gem5 => {
                match gem5_param(t) {
                    Some((key, first, depth)) => {
                        if depth > 0 {
                            gem5_open = Some((ln, depth));
                        }
                        match lookup_name(key) {
                            Ok(tg @ Target::Reg { .. }) => {
                                if first.is_empty() {
                                    return Err(err(
                                        ln,
                                        col_of(raw, key),
                                        format!(
                                            "expected the value of {key} as the first argument of Param on this line"
                                        ),
                                    ));
                                }
                                take_named(ln, raw, &tg, unq(first), GEM5_CONV, &mut pieces, &mut ambiguous)?;
                            }
                            _ => ignored.push(ln, format!("gem5 parameter {key} is not an SMMU register")),
                        }
                    }
                    None => ignored.push(ln, "Python source, not a gem5 Param line"),
                }
                continue;
            }
            Mode::Table => {
                if is_table_border(t) {
                    ignored.push(ln, "table border");
                    continue;
                }
                match table_cells(t) {
                    Some(cells) => {
                        let k = cells.first().map(|c| list_item(c)).unwrap_or("");
                        if k.contains('=') {
                            // `| - pci.pci_smmuv3.mmu.SMMU_IDR0=0x0046123B | description |`
                            let params = fvp_params(k);
                            if params.is_empty() {
                                ignored.push(ln, format!("table row {} names no SMMU register", show(k)));
                            }
                            for (key, val) in params {
                                match fvp_register(key) {
                                    Some(tg) => take_named(ln, raw, &tg, val, FVP_CONV, &mut pieces, &mut ambiguous)?,
                                    None => ignored.push(
                                        ln,
                                        format!("FVP parameter {key} is not an SMMU register this tool decodes"),
                                    ),
                                }
                            }
                        } else {
                            match (table_register(k), cells.get(1)) {
                                (Some((tg, conv)), Some(v)) => {
                                    take_named(ln, raw, &tg, v, conv, &mut pieces, &mut ambiguous)?;
                                    if let Some(extra) = cells.get(2).filter(|c| !c.is_empty()) {
                                        ignored.push(
                                            ln,
                                            format!(
                                                "table column {} (only the first two columns are read)",
                                                show(extra)
                                            ),
                                        );
                                    }
                                }
                                (Some(_), None) => {
                                    return Err(err(
                                        ln,
                                        col_of(raw, k),
                                        format!("expected a value column after {}", show(k)),
                                    ))
                                }
                                (None, _) => ignored.push(ln, format!("table row {} names no SMMU register", show(k))),
                            }
                        }
                    }
                    None => ignored.push(ln, "text outside the table"),
                }
                continue;
            }
            Mode::Fvp => {
                let params = fvp_params(t);
                if params.is_empty() {
                    ignored.push(ln, "not an FVP parameter (command or shell text)");
                }
                for (key, val) in params {
                    match fvp_register(key) {
                        Some(tg) => take_named(ln, raw, &tg, val, FVP_CONV, &mut pieces, &mut ambiguous)?,
                        None => {
                            ignored.push(ln, format!("FVP parameter {key} is not an SMMU register this tool decodes"))
                        }
                    }
                }
                continue;
            }
        }
        let t = t.trim_end_matches([',', ';']).trim_end();
        // key: up to whitespace, '=' or ':'
        let kend = t.find(|c: char| c.is_whitespace() || c == '=' || c == ':').unwrap_or(t.len());
        let key_raw = t.get(..kend).unwrap_or("");
        let key = unquote(key_raw);
        let mut rest = t.get(kend..).unwrap_or("").trim_start();
        let assignment = rest.starts_with('=');
        if let Some(r) = rest.strip_prefix('=').or_else(|| rest.strip_prefix(':')) {
            rest = r.trim_start();
        }
        let toks = lex::tokens(rest);
        let kcol = col_of(raw, key_raw);
        // Classify the key.
        let is_addr = lex::is_addr_token(key) && !key.chars().all(|c| c.is_ascii_alphabetic());
        let target: Option<Result<Target, String>> = if is_addr {
            None
        } else {
            match hw_info_key(key) {
                Ok(Some(t)) => {
                    hw += 1;
                    Some(Ok(t))
                }
                Ok(None) => Some(lookup_name(key)),
                Err(e) => Some(Err(e)),
            }
        };
        // A readback's decoded fields, indented under their register: never registers. Other
        // indented names are read as usual (an unknown one is an error, as a typo would be).
        if let Some(r) = last_reg {
            let indented = raw.starts_with([' ', '\t']);
            let is_field = r.layout.fields.iter().any(|f| {
                f.name.eq_ignore_ascii_case(key) || f.aliases.iter().any(|a| a.name.eq_ignore_ascii_case(key))
            });
            if indented && is_field {
                ignored.push(ln, format!("decoded field {} under SMMU_{} (not a register)", show(key), r.name));
                continue;
            }
        }
        let looks_data = toks.len() == 1 && (is_addr || matches!(target, Some(Ok(_))));
        if !looks_data {
            if lex::prompt_rest(raw).is_some() {
                prompts.push(ln);
                continue;
            }
            if lex::is_dmesg(raw) {
                noise.push(ln);
                continue;
            }
        }
        if let Some(Err(e)) = &target {
            return Err(err(
                ln,
                kcol,
                format!("{e}; expected a register name (IDR0, SMMU_CR0, STRTAB_BASE_LO...), idr[N] or an address"),
            ));
        }
        let Some(&(_, vtok_raw)) = toks.first() else {
            return Err(err(
                ln,
                col(raw, lex::offset_in(raw, t) + t.len()),
                "expected a value after the name (NAME = 0x...)",
            ));
        };
        if let Some(&(_, extra)) = toks.get(1) {
            return Err(err(
                ln,
                col_of(raw, extra),
                format!("unexpected {} after the value; expected one value per line", show(extra)),
            ));
        }
        let vtok = unquote(vtok_raw);
        let vcol = col_of(raw, vtok_raw);
        match target {
            Some(Ok(tg)) => {
                let digits = vtok.chars().filter(|&c| c != '_').count();
                let conv = if digits == 8 || digits == 16 {
                    lex::Conv::Hex("8 or 16 digits: a zero-padded hex register word")
                } else if assignment {
                    lex::Conv::Decimal("a NAME = VALUE assignment is decimal without 0x")
                } else {
                    lex::Conv::Hex("NAME VALUE dumps from devmem-like tools are hex")
                };
                if let Target::HwInfoOnly(which) = tg {
                    let (num, _) = lex::reg_value_conv(vtok, conv).map_err(|e| err(ln, vcol, e))?;
                    if which == "flags" {
                        flags = Some(num.value);
                    }
                    continue;
                }
                if let Target::Reg { reg, .. } = &tg {
                    last_reg = Some(reg);
                }
                take_named(ln, raw, &tg, vtok, conv, &mut pieces, &mut ambiguous)?;
            }
            _ => {
                let num = lex::reg_value(vtok).map_err(|e| err(ln, vcol, e))?;
                let a = lex::addr_value(key).map_err(|e| err(ln, kcol, e))?;
                addressed += 1;
                let n = if num.value > u32::MAX as u64 || num.digits >= 16 { 8 } else { 4 };
                pieces.push(Piece::at(ln, vcol, Key::Addr(a.value), le_bytes(num.value, n)));
            }
        }
    }
    if let Some(f) = flags {
        notes.push(format!("iommu_hw_info_arm_smmuv3.flags = {f:#x}"));
    }
    if !prompts.is_empty() {
        notes.push(format!("{} shell prompt lines skipped ({})", prompts.len(), line_list(&prompts)));
    }
    if !noise.is_empty() {
        notes.push(format!("{} kernel log lines skipped ({})", noise.len(), line_list(&noise)));
    }
    for a in ambiguous {
        notes.push(format!("ambiguous value: {a}"));
    }
    ignored.notes(&mut notes);
    let format = if mode == Mode::Fvp {
        Format::FvpParams
    } else if mode == Mode::Gem5 {
        Format::Gem5Params
    } else if mode == Mode::Table {
        Format::Table
    } else if addressed > 0 {
        Format::AddressValue
    } else if hw > 0 {
        Format::HwInfoText
    } else {
        Format::NameValue
    };
    Ok(KvOut { pieces, notes, format })
}
