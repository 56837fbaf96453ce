//! The view state in the URL fragment, so a link reproduces what its sender saw.
//!
//! Fragment: `#s1.<base64url(deflate(JSON))>`. `s1` is the format version; a link with an
//! unknown version is refused with a clear message rather than guessed at. Nothing leaves
//! the browser: the fragment is never sent to a server.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// Format version written into every link.
pub const FORMAT: &str = "s1";

/// Largest decompressed state accepted from a link (a guard against deflate bombs).
const MAX_STATE_BYTES: usize = 4 << 20;

pub use crate::state::SharedState;

/// Encodes the state as a URL fragment (without the leading `#`).
pub fn encode(state: &SharedState) -> String {
    let json = serde_json::to_vec(state).unwrap_or_default();
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!("{FORMAT}.{}", URL_SAFE_NO_PAD.encode(packed))
}

/// Decodes a URL fragment (with or without the leading `#`). Errors say what is wrong.
pub fn decode(fragment: &str) -> Result<SharedState, String> {
    let f = fragment.trim().trim_start_matches('#');
    let Some((version, data)) = f.split_once('.') else {
        return Err("the link has no saved state (expected #s1.<data>)".into());
    };
    if version != FORMAT {
        return Err(format!(
            "the link was made by a different version of this page (state format {version:?}, this page reads {FORMAT:?})"
        ));
    }
    let packed = URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|e| format!("the link's state is damaged (base64: {e}); was it cut short?"))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_STATE_BYTES)
        .map_err(|e| format!("the link's state is damaged (deflate: {:?}); was it cut short?", e.status))?;
    serde_json::from_slice(&json).map_err(|e| format!("the link's state is damaged (JSON: {e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let s = SharedState {
            input: "IDR0 = 0x0d44101a\nIDR1 = 0x02730010\n".into(),
            view: crate::state::View::Forward,
            vmm: crate::state::VmmProfile::QemuAccel,
            step: 3,
            ..Default::default()
        };
        let f = encode(&s);
        assert!(f.starts_with("s1."));
        assert!(f.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'));
        assert_eq!(decode(&format!("#{f}")).unwrap(), s);
    }

    #[test]
    fn bad_links_are_errors_not_panics() {
        assert!(decode("").unwrap_err().contains("no saved state"));
        assert!(decode("#s9.AAAA").unwrap_err().contains("different version"));
        assert!(decode("#s1.!!!").unwrap_err().contains("base64"));
        assert!(decode("#s1.AAAA").unwrap_err().contains("deflate"));
        let f = encode(&SharedState { input: "x".repeat(1000), ..Default::default() });
        let cut = &f[..f.len() / 2];
        assert!(decode(cut).is_err());
        // Valid deflate of something that is not our JSON.
        let packed = miniz_oxide::deflate::compress_to_vec(b"[1,2]", 6);
        assert!(decode(&format!("s1.{}", URL_SAFE_NO_PAD.encode(packed))).unwrap_err().contains("JSON"));
    }

    #[test]
    fn unknown_keys_are_ignored() {
        let packed = miniz_oxide::deflate::compress_to_vec(br#"{"input":"a","future":1}"#, 6);
        let s = decode(&format!("s1.{}", URL_SAFE_NO_PAD.encode(packed))).unwrap();
        assert_eq!(s.input, "a");
    }
}
