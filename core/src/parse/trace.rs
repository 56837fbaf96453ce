//! QEMU trace lines: `smmuv3_read_mmio addr: 0x0 val:0xd44101a size: 0x4(0)` and
//! `smmuv3_write_mmio ...`, with any prefix (`12345@1700000000.123456:`, timestamps), and
//! simpletrace's `addr=0x0 val=0x... size=0x4 r=0x0`. `addr` is the offset in the SMMU frame.

use super::lex::{self, col, err};
use super::store::{le_bytes, Key, Piece};
use super::ParseError;

pub(crate) const READ: &str = "smmuv3_read_mmio";
pub(crate) const WRITE: &str = "smmuv3_write_mmio";

pub(crate) fn detect(text: &str) -> bool {
    text.contains(READ) || text.contains(WRITE)
}

pub(crate) struct TraceOut {
    pub pieces: Vec<Piece>,
    pub notes: Vec<String>,
}

/// Finds `name` followed by ':' or '=' and returns (byte offset of the value, value token).
fn field<'a>(s: &'a str, name: &str) -> Option<(usize, &'a str)> {
    let mut from = 0;
    while let Some(p) = s.get(from..).and_then(|x| x.find(name)) {
        let at = from + p;
        let after = at + name.len();
        let rest = s.get(after..).unwrap_or("");
        let r2 = rest.trim_start();
        if let Some(r3) = r2.strip_prefix(':').or_else(|| r2.strip_prefix('=')) {
            let r4 = r3.trim_start();
            let vstart = s.len() - r4.len();
            let end = r4.find(|c: char| c.is_whitespace() || c == '(' || c == ',').unwrap_or(r4.len());
            return Some((vstart, r4.get(..end).unwrap_or("")));
        }
        from = after;
    }
    None
}

pub(crate) fn parse(text: &str) -> Result<TraceOut, ParseError> {
    let mut pieces = Vec::new();
    let (mut reads, mut writes, mut other, mut failed) = (0usize, 0usize, 0usize, 0usize);
    for (i, raw) in text.lines().enumerate() {
        let ln = i + 1;
        let (ev, is_write) = match (raw.find(READ), raw.find(WRITE)) {
            (Some(p), _) => (p, false),
            (None, Some(p)) => (p, true),
            _ => {
                if !raw.trim().is_empty() {
                    other += 1;
                }
                continue;
            }
        };
        let name_len = if is_write { WRITE.len() } else { READ.len() };
        let body_start = ev + name_len;
        let body = raw.get(body_start..).unwrap_or("");
        if field(body, "addr").is_none() {
            // The event name without its fields (a comment, a command line): not an access.
            other += 1;
            continue;
        }
        let get = |name: &str, what: &str| -> Result<(u64, usize), ParseError> {
            let Some((o, tok)) = field(body, name) else {
                return Err(err(
                    ln,
                    col(raw, raw.len()),
                    format!("expected `{name}: 0x...` ({what}) in the {} line", if is_write { WRITE } else { READ }),
                ));
            };
            let c = col(raw, body_start + o);
            let n = lex::c_value(tok).map_err(|e| err(ln, c, format!("{name}: {e}")))?;
            Ok((n.value, c))
        };
        let (addr, acol) = get("addr", "the register offset")?;
        let (val, vcol) = get("val", "the value")?;
        let (size, scol) = get("size", "the access size in bytes")?;
        // QEMU prints the MemTxResult in parentheses after the size, simpletrace as r=.
        let r = body.find("size").and_then(|p| body.get(p..)).and_then(|s| {
            let open = s.find('(')?;
            let close = s.find(')')?;
            s.get(open + 1..close).and_then(|x| x.trim().parse::<i64>().ok())
        });
        let r = r.or_else(|| field(body, " r").and_then(|(_, t)| lex::c_value(t).ok()).map(|n| n.value as i64));
        if r.is_some_and(|r| r != 0) {
            failed += 1;
            continue;
        }
        let n = match size {
            1 | 2 | 4 | 8 => size as usize,
            _ => return Err(err(ln, scol, format!("size {size:#x}: expected an access size of 1, 2, 4 or 8 bytes"))),
        };
        if n < 8 && val >> (n * 8) != 0 {
            return Err(err(ln, vcol, format!("val {val:#x} does not fit a {n}-byte access")));
        }
        if is_write {
            writes += 1;
        } else {
            reads += 1;
        }
        pieces.push(Piece { clip: false, ..Piece::at(ln, acol, Key::Off(addr), le_bytes(val, n)) });
    }
    let mut notes =
        vec![format!("{reads} reads and {writes} writes; each register takes the value of its last access")];
    if failed > 0 {
        notes.push(format!("{failed} accesses with a failed MemTxResult skipped"));
    }
    if other > 0 {
        notes.push(format!("{other} other lines skipped"));
    }
    Ok(TraceOut { pieces, notes })
}
