//! The plain functions behind both the JavaScript API and the app's views. Each returns the
//! JSON the CLI prints with `--json` for the same input, built by the same core functions.
//!
//! Nothing here panics on input: errors are values.

use serde_json::Value;
use smmu_core::parse::{self, ParseOptions, Parsed};
use smmu_core::snapshot::Snapshot;

/// Why a call produced no result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The input (or the options) were wrong: the message says what and where.
    Input(String),
    /// The capability is not in this build of the core yet.
    Unavailable(&'static str),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Input(m) => f.write_str(m),
            ApiError::Unavailable(what) => write!(f, "{what} is not available in this build yet"),
        }
    }
}

pub type ApiResult = Result<Value, ApiError>;

/// Options as the JS API receives them: a JSON object (or nothing).
pub fn options_from_json(text: &str) -> Result<Value, ApiError> {
    let t = text.trim();
    if t.is_empty() || t == "undefined" || t == "null" {
        return Ok(Value::Object(Default::default()));
    }
    let v: Value = serde_json::from_str(t).map_err(|e| ApiError::Input(format!("options: not JSON: {e}")))?;
    if !v.is_object() {
        return Err(ApiError::Input("options: expected an object such as {\"vmm\": \"strict\"}".into()));
    }
    Ok(v)
}

fn opt_str<'a>(opts: &'a Value, key: &str) -> Option<&'a str> {
    opts.get(key).and_then(|v| v.as_str())
}

/// `ParseOptions` from `{"base": "0x09050000"}`.
pub fn parse_options(opts: &Value) -> Result<ParseOptions, ApiError> {
    let mut po = ParseOptions::default();
    match opts.get("base") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => {
            po.base = Some(
                smmu_core::snapshot::parse_hex_u64(s)
                    .ok_or_else(|| ApiError::Input(format!("options.base: {s:?} is not a hex address")))?,
            );
        }
        Some(Value::Number(n)) => {
            po.base = Some(n.as_u64().ok_or_else(|| ApiError::Input("options.base: not an address".into()))?);
        }
        Some(_) => return Err(ApiError::Input("options.base: expected \"0x...\"".into())),
    }
    Ok(po)
}

/// Parses register input in any format the CLI accepts (snapshots included).
pub fn parse_registers(text: &str, po: &ParseOptions) -> Result<Parsed, ApiError> {
    if Snapshot::looks_like(text) {
        let s = Snapshot::from_json(text).map_err(|e| ApiError::Input(e.to_string()))?;
        return Ok(Parsed { registers: s.registers, format: parse::Format::Snapshot, notes: vec![] });
    }
    parse::parse(text, po).map_err(|e| ApiError::Input(e.to_string()))
}

/// `smmu decode --json`.
pub fn decode(text: &str, opts: &Value) -> ApiResult {
    let po = parse_options(opts)?;
    let parsed = parse_registers(text, &po)?;
    serde_json::to_value(serde_json::json!({ "registers": parsed.registers.decode() }))
        .map_err(|e| ApiError::Input(e.to_string()))
}

/// `smmu forward --json` with `{"vmm": "...", "claim": "...", "hosts": [...]}`.
pub fn forward(_text: &str, opts: &Value) -> ApiResult {
    let _ = opt_str(opts, "vmm");
    Err(ApiError::Unavailable("forward (VMM forwarding verdicts)"))
}

/// `smmu walk SNAPSHOT --json` with `{"sid": N, "ssid": N, "iova": "0x...", "access": "read"}`.
pub fn walk(_snapshot: &str, _request: &Value) -> ApiResult {
    Err(ApiError::Unavailable("walk (page-table walker)"))
}

/// `smmu log --json`.
pub fn log(_text: &str) -> ApiResult {
    Err(ApiError::Unavailable("log (kernel-log decode)"))
}

/// The JS-facing form: pretty JSON text, or an error message.
pub fn to_json_string(r: ApiResult) -> Result<String, String> {
    match r {
        Ok(v) => serde_json::to_string_pretty(&v).map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_checked() {
        assert!(options_from_json("").unwrap().is_object());
        assert!(options_from_json("[1]").is_err());
        assert!(options_from_json("{").is_err());
        let o = options_from_json(r#"{"base":"0x09050000"}"#).unwrap();
        assert_eq!(parse_options(&o).unwrap().base, Some(0x0905_0000));
        assert!(parse_options(&options_from_json(r#"{"base":"zz"}"#).unwrap()).is_err());
        assert!(parse_options(&options_from_json(r#"{"base":[]}"#).unwrap()).is_err());
    }

    #[test]
    fn decode_idr0_matches_the_spec() {
        // QEMU 10.0 stage-1 IDR0 = 0x0d44101a: ST_LEVEL (bits 28:27) = 0b01 (2-level),
        // TTENDIAN (22:21) = 0b10 (little endian), S1P (bit 1) = 1, S2P (bit 0) = 0.
        let v = decode("IDR0 = 0x0d44101a", &Value::Null).unwrap();
        let fields = &v["registers"][0]["fields"];
        let get = |n: &str| {
            fields.as_array().unwrap().iter().find(|f| f["name"] == n).map(|f| f["value"].as_u64().unwrap())
        };
        assert_eq!(v["registers"][0]["value"], "0x0d44101a");
        assert_eq!(get("ST_LEVEL"), Some(1));
        assert_eq!(get("TTENDIAN"), Some(2));
        assert_eq!(get("S1P"), Some(1));
        assert_eq!(get("S2P"), Some(0));
    }

    #[test]
    fn bad_input_is_an_error() {
        for bad in ["\u{0}\u{1}garbage", "IDR0 = zz", "{\"smmu_explorer_snapshot\": 7}", "{\"smmu_explorer_snapshot\""] {
            assert!(matches!(decode(bad, &Value::Null), Err(ApiError::Input(_))), "{bad:?}");
        }
    }
}
