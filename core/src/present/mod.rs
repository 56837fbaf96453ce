//! The one presentation document every frontend draws (CLI text, `--format email`, the
//! ratatui explorer, the egui app, the JS API).
//!
//! A [`Document`] is a list of [`Block`]s: headings, lines of styled [`Span`]s, key/value
//! rows, field tables and bullet lists. Builders in this module turn core results (a decoded
//! structure, an event record, a command) into documents; renderers only lay them out. A
//! view is then a few lines of layout, and the same event rendered by the CLI, the TUI and
//! the web app comes from the same document.

pub mod build;
pub mod decode;
pub mod text;
pub mod walk;

use serde::Serialize;

/// What a span means, for a renderer to pick a colour or weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    Plain,
    /// A name or title.
    Strong,
    /// Secondary information (sections, hints).
    Dim,
    /// A value: a number, an address, raw words.
    Value,
    /// A positive verdict.
    Good,
    /// A problem that does not stop the hardware.
    Warn,
    /// An error the hardware reports, or a refusal.
    Bad,
}

/// A run of text with one tone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Span {
    pub text: String,
    pub tone: Tone,
}

impl Span {
    pub fn new(text: impl Into<String>, tone: Tone) -> Span {
        Span { text: text.into(), tone }
    }
    pub fn plain(text: impl Into<String>) -> Span {
        Span::new(text, Tone::Plain)
    }
}

/// A line of spans.
pub type Line = Vec<Span>;

/// One decoded field, as every frontend shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FieldRow {
    /// The field's name as fits the SMMU's version.
    pub name: String,
    /// `[msb:lsb]`.
    pub bits: String,
    pub value: u64,
    /// The meaning of the value, from the field's definition.
    pub meaning: String,
    /// Where IHI 0070 defines it.
    pub section: String,
    /// The architecture version that introduced the field (`3.2`).
    pub since: String,
    /// Set when this SMMU lacks the field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub absent: Option<String>,
    /// Problems with the value.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
    /// Shown even when 0 (an STE's V and Config).
    #[serde(skip)]
    pub pinned: bool,
}

impl FieldRow {
    /// Shown by default: non-zero, pinned, or with a problem.
    pub fn notable(&self) -> bool {
        self.pinned || self.value != 0 || !self.problems.is_empty()
    }
}

/// A block of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A title, with its spec reference (`IHI 0070 5.2`).
    Heading { text: String, reference: Option<String> },
    /// A line of text.
    Text { line: Line },
    /// A labelled value.
    KeyValue { key: String, value: Line },
    /// Decoded fields. `all` = false: a renderer shows only notable rows by default and
    /// says how many it left out.
    Fields { rows: Vec<FieldRow>, all: bool },
    /// A list.
    Bullets { items: Vec<Line> },
    /// A nested section.
    Section { title: String, blocks: Vec<Block> },
}

/// The presentation document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Document {
    pub blocks: Vec<Block>,
}

impl Document {
    pub fn new() -> Document {
        Document::default()
    }
    pub fn heading(&mut self, text: impl Into<String>, reference: Option<String>) -> &mut Self {
        self.blocks.push(Block::Heading { text: text.into(), reference });
        self
    }
    pub fn text(&mut self, line: Line) -> &mut Self {
        self.blocks.push(Block::Text { line });
        self
    }
    pub fn kv(&mut self, key: impl Into<String>, value: Line) -> &mut Self {
        self.blocks.push(Block::KeyValue { key: key.into(), value });
        self
    }
    pub fn fields(&mut self, rows: Vec<FieldRow>, all: bool) -> &mut Self {
        self.blocks.push(Block::Fields { rows, all });
        self
    }
    pub fn bullets(&mut self, items: Vec<Line>) -> &mut Self {
        if !items.is_empty() {
            self.blocks.push(Block::Bullets { items });
        }
        self
    }
    pub fn section(&mut self, title: impl Into<String>, inner: Document) -> &mut Self {
        self.blocks.push(Block::Section { title: title.into(), blocks: inner.blocks });
        self
    }
    /// Every span's text, in order, one line per block line: what a test compares across
    /// frontends.
    pub fn plain_lines(&self) -> Vec<String> {
        text::render(self, &text::Options { width: 10_000, all_fields: true, ..text::Options::default() })
            .lines()
            .map(str::to_string)
            .collect()
    }
}

impl From<&crate::model::FieldInfo> for FieldRow {
    fn from(f: &crate::model::FieldInfo) -> FieldRow {
        FieldRow {
            name: f.name.to_string(),
            bits: f.def.bits(),
            value: f.value,
            meaning: f.meaning.clone(),
            section: f.section.to_string(),
            since: format!("{}.{}", f.since.major, f.since.minor),
            absent: match &f.status {
                crate::model::FieldStatus::Absent { why } => Some(why.clone()),
                crate::model::FieldStatus::Present => None,
            },
            problems: f.flags.clone(),
            pinned: false,
        }
    }
}
