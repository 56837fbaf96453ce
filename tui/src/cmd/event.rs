//! `smmu event DW0 DW1 DW2 DW3`: decode an event record.
use crate::common::{doc_text, print_doc, read_input, CliError, CliResult, OutFormat, Style};
use smmu_core::model::FieldInfo;
use smmu_core::queues::event;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The record's four 64-bit words in hex (0x optional). Read from standard input when
    /// none are given (or `-`).
    pub words: Vec<String>,
    #[arg(long)]
    pub json: bool,
    /// Output format (`--json` is `--format json`).
    #[arg(long, value_enum)]
    pub format: Option<OutFormat>,
}

/// Parses hex words: `0x...` or bare hex digits, `_` allowed.
pub fn parse_words(tokens: &[String], want: usize, what: &str) -> Result<Vec<u64>, CliError> {
    let toks: Vec<String> = if tokens.is_empty() || (tokens.len() == 1 && tokens[0] == "-") {
        let inp = read_input(None)?;
        inp.text()?
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect()
    } else {
        if tokens.len() != want {
            return Err(CliError::Usage(format!("{what} takes {want} 64-bit words, got {}", tokens.len())));
        }
        tokens.to_vec()
    };
    if toks.len() != want {
        return Err(CliError::Input(format!(
            "{what}: expected {want} 64-bit words on standard input, found {}",
            toks.len()
        )));
    }
    toks.iter()
        .enumerate()
        .map(|(i, t)| {
            let s = t.trim().replace('_', "");
            let h = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")).unwrap_or(&s);
            if h.is_empty() || h.len() > 16 {
                return Err(CliError::Input(format!("word {i} ({t:?}): not a 64-bit hex number")));
            }
            u64::from_str_radix(h, 16).map_err(|e| CliError::Input(format!("word {i} ({t:?}): {e}")))
        })
        .collect()
}

/// Renders decoded fields one per line: name, bits, value, meaning.
pub fn render_fields(fields: &[FieldInfo], st: &Style) -> String {
    let mut d = smmu_core::present::Document::new();
    d.fields(fields.iter().map(smmu_core::present::FieldRow::from).collect(), true);
    doc_text(&d, st)
}

pub fn render_event(e: &event::EventInfo, st: &Style) -> String {
    doc_text(&smmu_core::present::build::event(e), st)
}

pub fn run(args: Args) -> CliResult {
    let w = parse_words(&args.words, 4, "smmu event")?;
    let words = [w[0], w[1], w[2], w[3]];
    let info = event::decode(&words);
    print_doc("event", &info, &smmu_core::present::build::event(&info), OutFormat::pick(args.format, args.json))
}
