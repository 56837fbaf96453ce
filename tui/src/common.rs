//! Shared CLI plumbing: errors and exit codes, reading inputs, colour, JSON output.

use std::io::{IsTerminal, Read, Write};

/// Exit code 2: the command line was wrong. Exit code 1: the input was wrong or unreadable.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Input(String),
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Input(_) => 1,
        }
    }
    pub fn input(e: impl std::fmt::Display) -> Self {
        CliError::Input(e.to_string())
    }
}

pub type CliResult = Result<(), CliError>;

/// An input file as read: its display name and raw bytes.
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl Input {
    /// The input as text; non-UTF-8 bytes are an error naming the byte offset.
    pub fn text(&self) -> Result<&str, CliError> {
        std::str::from_utf8(&self.bytes)
            .map_err(|e| CliError::Input(format!("{}: not UTF-8 text (byte offset {})", self.name, e.valid_up_to())))
    }
}

/// Reads FILE, or standard input for `-` or when no file is given.
pub fn read_input(path: Option<&str>) -> Result<Input, CliError> {
    match path {
        None | Some("-") => {
            let mut b = Vec::new();
            std::io::stdin().read_to_end(&mut b).map_err(|e| CliError::Input(format!("<stdin>: {e}")))?;
            Ok(Input { name: "<stdin>".into(), bytes: b })
        }
        Some(p) => {
            let b = std::fs::read(p).map_err(|e| CliError::Input(format!("{p}: {e}")))?;
            Ok(Input { name: p.to_string(), bytes: b })
        }
    }
}

/// Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org).
pub fn use_colour() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none()
}

pub struct Style {
    pub on: bool,
}

impl Style {
    pub fn detect() -> Self {
        Style { on: use_colour() }
    }
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    pub fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    pub fn warn(&self, s: &str) -> String {
        self.wrap("1;33", s)
    }
    pub fn bad(&self, s: &str) -> String {
        self.wrap("1;31", s)
    }
    pub fn good(&self, s: &str) -> String {
        self.wrap("32", s)
    }
    pub fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
}

/// The name and version every `--json` document carries in its `"schema"` member, e.g.
/// `smmu-explorer/walk/1` (docs/schema/ has the JSON Schema of each).
pub fn schema_id(kind: &str) -> String {
    format!("smmu-explorer/{kind}/1")
}

/// A `--json` document: `"schema"` first, then the value's own members. A value that is not
/// an object (a list) goes under `"items"`.
#[derive(serde::Serialize)]
struct Tagged<'a, T: serde::Serialize> {
    schema: String,
    #[serde(flatten)]
    body: &'a T,
}

#[derive(serde::Serialize)]
struct TaggedList<'a, T: serde::Serialize> {
    schema: String,
    items: &'a [T],
}

/// Prints a serializable value as pretty JSON on stdout, tagged with its schema `kind`.
/// The value must serialize as an object (use [`print_json_list`] for lists).
pub fn print_json<T: serde::Serialize>(kind: &str, v: &T) -> CliResult {
    write_json(&Tagged { schema: schema_id(kind), body: v })
}

/// Prints a list as `{"schema": ..., "items": [...]}`.
pub fn print_json_list<T: serde::Serialize>(kind: &str, v: &[T]) -> CliResult {
    write_json(&TaggedList { schema: schema_id(kind), items: v })
}

fn write_json<T: serde::Serialize>(v: &T) -> CliResult {
    // Streamed to stdout, not built in memory first (a fleet report is tens of MB).
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match serde_json::to_writer_pretty(&mut out, v) {
        Ok(()) => {}
        // A closed pipe (`| head`) is not an error worth reporting.
        Err(e) if e.is_io() => return Ok(()),
        Err(e) => return Err(CliError::input(e)),
    }
    let _ = writeln!(out);
    let _ = out.flush();
    Ok(())
}

/// Writes text to stdout, ignoring a closed pipe.
pub fn print_text(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    if !s.ends_with('\n') {
        let _ = out.write_all(b"\n");
    }
}

/// Parses a number given on the command line: `0x` hex, `0b` binary or decimal (the one
/// parser in core, [`smmu_core::num::parse_u64`]).
pub fn parse_num(s: &str) -> Result<u64, String> {
    smmu_core::num::parse_u64(s).map_err(|e| e.to_string())
}

/// How a subcommand prints its result: `--format text|email|json` (`--json` is `json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutFormat {
    /// Terminal text (coloured on a terminal).
    Text,
    /// Plain text of at most 76 columns, for a mailing-list reply.
    Email,
    /// JSON.
    Json,
}

impl OutFormat {
    /// `--json` wins over `--format`.
    pub fn pick(format: Option<OutFormat>, json: bool) -> OutFormat {
        if json {
            OutFormat::Json
        } else {
            format.unwrap_or(OutFormat::Text)
        }
    }
}

/// Text of a presentation document for the terminal (or a pipe).
pub fn doc_text(doc: &smmu_core::present::Document, st: &Style) -> String {
    let width = terminal_width().unwrap_or(100).clamp(60, 160);
    smmu_core::present::text::render(doc, &smmu_core::present::text::Options { width, ansi: st.on, all_fields: false })
}

/// Prints a presentation document as text or email, or its source value as JSON.
pub fn print_doc<T: serde::Serialize>(
    kind: &str,
    value: &T,
    doc: &smmu_core::present::Document,
    f: OutFormat,
) -> CliResult {
    match f {
        OutFormat::Json => print_json(kind, value),
        OutFormat::Email => {
            print_text(&smmu_core::present::text::render(doc, &smmu_core::present::text::Options::email()));
            Ok(())
        }
        OutFormat::Text => {
            print_text(&doc_text(doc, &Style::detect()));
            Ok(())
        }
    }
}

/// The terminal's width from `COLUMNS` (set by shells), when standard output is a terminal.
fn terminal_width() -> Option<usize> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    std::env::var("COLUMNS").ok()?.trim().parse().ok()
}
