//! The plain functions behind both the JavaScript API and the app's views. Each returns the
//! JSON the CLI prints with `--json` for the same input, built by the same core functions.
//!
//! Nothing here panics on input: errors are values.

use serde_json::Value;
use smmu_core::forward::settings::Text;
use smmu_core::forward::{self, ForwardOptions, ForwardReport, ForwardSettings};
use smmu_core::klog;
use smmu_core::parse::{self, ParseOptions, Parsed};
use smmu_core::snapshot::Snapshot;
use smmu_core::walk::{Access, WalkRequest};

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

/// Parses register input in any format `smmu decode` accepts (snapshots and the binary
/// `struct iommu_hw_info_arm_smmuv3` included), as the CLI does: through `parse_bytes`.
pub fn parse_registers(bytes: &[u8], po: &ParseOptions) -> Result<Parsed, ApiError> {
    let parsed = parse::parse_bytes(bytes, po).map_err(|e| ApiError::Input(e.to_string()))?;
    if parsed.registers.is_empty() {
        return Err(ApiError::Input("no SMMU registers found".into()));
    }
    Ok(parsed)
}

/// What `--json` prints: defined once in core.
pub use smmu_core::decode::DecodeOutput;

fn to_value<T: serde::Serialize>(v: &T) -> ApiResult {
    serde_json::to_value(v).map_err(|e| ApiError::Input(e.to_string()))
}

/// The CLI's `--json` documents name their schema (`"schema": "smmu-explorer/<kind>/1"`);
/// the API's do too, so both stay equal.
fn tagged(kind: &str, r: ApiResult) -> ApiResult {
    let mut v = r?;
    if let Value::Object(m) = &mut v {
        m.insert("schema".into(), Value::String(format!("smmu-explorer/{kind}/1")));
    }
    Ok(v)
}

/// `smmu decode --json`.
pub fn decode(text: &str, opts: &Value) -> ApiResult {
    let po = parse_options(opts)?;
    let parsed = parse_registers(text.as_bytes(), &po)?;
    let out = DecodeOutput::new(&parsed);
    let probe = smmu_core::linux::output::ProbeOut::new(&parsed.registers, &Default::default());
    tagged("decode", to_value(&smmu_core::linux::output::DecodeJson { decode: &out, linux_probe: probe }))
}

fn bad(key: &str, e: impl std::fmt::Display) -> ApiError {
    ApiError::Input(format!("options.{key}: {e}"))
}

/// A string or number option as text (`"44"`, `44`, `"auto"`, `true`).
fn opt_text(opts: &Value, key: &str) -> Option<String> {
    match opts.get(key).or_else(|| opts.get(key.replace('_', "-").as_str()))? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn opt_bool(opts: &Value, key: &str) -> Result<Option<bool>, ApiError> {
    match opt_text(opts, key) {
        None => Ok(None),
        Some(t) => parse_bool(&t).map(Some).ok_or_else(|| bad(key, format!("{t:?}: expected true or false"))),
    }
}

fn opt_num(opts: &Value, key: &str) -> Result<Option<u64>, ApiError> {
    match opt_text(opts, key) {
        None => Ok(None),
        Some(t) => parse_num(&t).map(Some).ok_or_else(|| bad(key, format!("{t:?} is not a number"))),
    }
}

/// The forward options, spelled as the CLI's flags (`vmm`, `qemu_ril`, `qemu_ats`,
/// `qemu_oas`, `qemu_ssidsize`, `openvmm_oas`, `openvmm_sidsize`, `caps`, `max_pasid_log2`,
/// `kernel`, `fw_coherent`, `fw_canwbs`, `fw_httu_override`; `-` may stand for `_`).
pub fn forward_options(opts: &Value) -> Result<ForwardOptions, ApiError> {
    let vmms: Vec<String> = match opts.get("vmm") {
        None | Some(Value::Null) => vec![],
        Some(Value::String(s)) => s.split(',').map(str::to_string).collect(),
        Some(Value::Array(a)) => a.iter().map(|v| v.as_str().unwrap_or("?").to_string()).collect(),
        Some(_) => return Err(bad("vmm", "expected a name or a list of names")),
    };
    forward_options_from(&|k: &str| opt_text(opts, k), &vmms)
}

/// The forward options from named values (`get("qemu_oas")`), as the JS API's options object
/// and the page's option boxes give them; `vmms` are `--vmm` names.
pub fn forward_options_from(get: &dyn Fn(&str) -> Option<String>, vmms: &[String]) -> Result<ForwardOptions, ApiError> {
    // Parsed and checked in core, as for the CLI's flags (smmu_core::forward::ForwardSettings).
    let t = |k: &str| get(k).map(Text);
    let settings = ForwardSettings {
        vmm: vmms.to_vec(),
        qemu_ril: t("qemu_ril"),
        qemu_ats: t("qemu_ats"),
        qemu_oas: t("qemu_oas"),
        qemu_ssidsize: t("qemu_ssidsize"),
        openvmm_oas: t("openvmm_oas"),
        openvmm_sidsize: t("openvmm_sidsize"),
        caps: t("caps"),
        max_pasid_log2: t("max_pasid_log2"),
        kernel: t("kernel"),
        hw_info_flags: t("hw_info_flags"),
        fw_coherent: t("fw_coherent"),
        fw_canwbs: t("fw_canwbs"),
        fw_httu_override: t("fw_httu_override"),
    };
    settings.resolve().map_err(|e| bad(e.option, e.message))
}

/// The one number parser of core (`0x` hex, `0b` binary, decimal).
fn parse_num(t: &str) -> Option<u64> {
    smmu_core::num::parse_u64(t).ok()
}

fn parse_bool(t: &str) -> Option<bool> {
    match t.trim() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// The forward report, as `smmu forward HOST [HOST...] [--claim FILE]` computes it.
/// `text` is the first host; `opts.hosts` more host texts (a migration pool), `opts.names`
/// their names (the CLI uses file names), `opts.claim` a proposed guest IDR set.
pub fn forward_report(text: &str, opts: &Value) -> Result<ForwardReport, ApiError> {
    let po = parse_options(opts)?;
    let mut fo = forward_options(opts)?;
    let names: Vec<String> = opts
        .get("names")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|v| v.as_str().unwrap_or("").to_string()).collect())
        .unwrap_or_default();
    let name = |i: usize, default: String| names.get(i).filter(|n| !n.is_empty()).cloned().unwrap_or(default);
    let mut texts = vec![text.to_string()];
    match opts.get("hosts") {
        None | Some(Value::Null) => {}
        Some(Value::Array(a)) => {
            for (i, h) in a.iter().enumerate() {
                texts.push(h.as_str().ok_or_else(|| bad("hosts", format!("[{i}] is not a string")))?.to_string());
            }
        }
        Some(_) => return Err(bad("hosts", "expected a list of host dumps")),
    }
    let mut hosts = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        let n = name(i, if i == 0 { "(unnamed)".into() } else { format!("host {}", i + 1) });
        let p = parse_registers(t.as_bytes(), &po).map_err(|e| ApiError::Input(format!("{n}: {e}")))?;
        hosts.push((n, p.registers));
    }
    if let Some(c) = opt_text(opts, "claim").filter(|c| !c.trim().is_empty()) {
        let n = opt_text(opts, "claim_name").unwrap_or_else(|| "claim".into());
        let p = parse_registers(c.as_bytes(), &po).map_err(|e| ApiError::Input(format!("{n}: {e}")))?;
        fo.claim = Some((n, p.registers));
    }
    Ok(forward::analyze(&hosts, &fo))
}

/// `smmu forward --json`.
pub fn forward(text: &str, opts: &Value) -> ApiResult {
    tagged("forward", to_value(&forward_report(text, opts)?))
}

/// `smmu walk SNAPSHOT --json` with `{"sid": N, "ssid": N, "iova": "0x...", "access": "read", "unpriv": false}`.
pub fn walk(snapshot: &str, request: &Value) -> ApiResult {
    let snap = Snapshot::from_json(snapshot).map_err(|e| ApiError::Input(e.to_string()))?;
    let u32_of = |key: &str| -> Result<Option<u32>, ApiError> {
        match opt_num(request, key)? {
            None => Ok(None),
            Some(n) => u32::try_from(n).map(Some).map_err(|_| bad(key, format!("{n:#x} does not fit in 32 bits"))),
        }
    };
    let sid = u32_of("sid")?.ok_or_else(|| bad("sid", "required (the StreamID)"))?;
    let ssid = match opt_text(request, "ssid") {
        Some(t) if t.trim().is_empty() => None,
        _ => u32_of("ssid")?,
    };
    let iova = opt_num(request, "iova")?.ok_or_else(|| bad("iova", "required (the input address)"))?;
    let access = match opt_text(request, "access") {
        None => Access::Read,
        Some(a) => Access::parse(&a).ok_or_else(|| bad("access", format!("{a:?}: expected read, write or exec")))?,
    };
    let unpriv = opt_bool(request, "unpriv")?.unwrap_or(false);
    let req = WalkRequest { sid, ssid, iova, access, unpriv };
    tagged("walk", to_value(&smmu_core::walk::translate(&snap.registers, &snap.memory, &req)))
}

/// `smmu log --json` with `{"kernel": "6.12"}`.
pub fn log(text: &str, opts: &Value) -> ApiResult {
    let kernel = match opt_text(opts, "kernel") {
        None => None,
        Some(k) => Some(
            klog::features::KernelVersion::parse(&k)
                .ok_or_else(|| bad("kernel", format!("{k:?}: expected a version like 6.12")))?,
        ),
    };
    tagged("log", to_value(&smmu_core::linux::output::analyze_log(text.as_bytes(), kernel)))
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
    use smmu_core::forward::{NumOrAuto, Vmm};

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
        assert_eq!(v["format"], "name-value");
        let fields = &v["registers"][0]["fields"];
        let get =
            |n: &str| fields.as_array().unwrap().iter().find(|f| f["name"] == n).map(|f| f["value"].as_u64().unwrap());
        assert_eq!(v["registers"][0]["value"], "0x0d44101a");
        assert_eq!(get("ST_LEVEL"), Some(1));
        assert_eq!(get("TTENDIAN"), Some(2));
        assert_eq!(get("S1P"), Some(1));
        assert_eq!(get("S2P"), Some(0));
    }

    #[test]
    fn forward_options_follow_the_cli_flags() {
        let o = options_from_json(r#"{"vmm":"qemu-accel,openvmm","qemu-oas":"auto","caps":"dirty-tracking","fw_coherent":true,"fw_httu_override":2}"#).unwrap();
        let f = forward_options(&o).unwrap();
        assert_eq!(f.vmms, vec![Vmm::QemuAccel, Vmm::OpenVmm]);
        assert_eq!(f.qemu.oas, NumOrAuto::Auto);
        assert_eq!(f.firmware.coherent, Some(true));
        assert_eq!(f.firmware.httu_override, Some(2));
        for bad in [
            r#"{"vmm":"xen"}"#,
            r#"{"qemu_ril":"maybe"}"#,
            r#"{"fw_httu_override":4}"#,
            r#"{"openvmm_sidsize":999}"#,
            r#"{"vmm":7}"#,
        ] {
            assert!(forward_options(&options_from_json(bad).unwrap()).is_err(), "{bad}");
        }
    }

    #[test]
    fn walk_requests_are_checked() {
        let snap = r#"{"smmu_explorer_snapshot":1,"registers":{"IDR0":"0x0d44101a"}}"#;
        for bad in [
            r#"{}"#,
            r#"{"sid":0}"#,
            r#"{"sid":"0x1ffffffff","iova":0}"#,
            r#"{"sid":0,"iova":"zz"}"#,
            r#"{"sid":0,"iova":0,"access":"jump"}"#,
        ] {
            assert!(matches!(walk(snap, &options_from_json(bad).unwrap()), Err(ApiError::Input(_))), "{bad}");
        }
        assert!(walk("not json", &options_from_json(r#"{"sid":0,"iova":0}"#).unwrap()).is_err());
        let v = walk(snap, &options_from_json(r#"{"sid":0,"iova":"0x1000"}"#).unwrap()).unwrap();
        assert!(v.get("outcome").is_some());
    }

    #[test]
    fn bad_input_is_an_error() {
        for bad in
            ["", "\u{0}\u{1}garbage", "IDR0 = zz", "{\"smmu_explorer_snapshot\": 7}", "{\"smmu_explorer_snapshot\""]
        {
            assert!(matches!(decode(bad, &Value::Null), Err(ApiError::Input(_))), "{bad:?}");
        }
    }
}
