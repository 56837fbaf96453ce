//! The JS API and the link decoder on arbitrary input: errors, never panics (a panic in the
//! wasm build aborts the module).

use proptest::prelude::*;
use serde_json::Value;
use smmu_web::{api, share};

fn opts() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(r#"{"sid":"0x18","iova":"0x12345000"}"#.to_string()),
        Just(r#"{"vmm":["strict","openvmm"],"claim":"IDR0 = 0xffffffff"}"#.to_string()),
        "\\PC{0,40}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn api_never_panics(text in "\\PC{0,200}", o in opts()) {
        let o = api::options_from_json(&o).unwrap_or(Value::Null);
        let _ = api::decode(&text, &o);
        let _ = api::forward(&text, &o);
        let _ = api::log(&text, &o);
        let _ = api::walk(&text, &o);
    }

    #[test]
    fn dump_like_input_never_panics(lines in proptest::collection::vec(("(IDR[0-6]|CR0|STRTAB_BASE|GERROR|0x0905[0-9a-f]{4})", "[ =:]{1,3}", "(0x)?[0-9a-fA-F]{1,18}"), 0..12)) {
        let text: String = lines.iter().map(|(a, b, c)| format!("{a}{b}{c}\n")).collect();
        let _ = api::decode(&text, &Value::Null);
        let _ = api::forward(&text, &Value::Null);
    }

    #[test]
    fn links_never_panic(f in "\\PC{0,120}") {
        let _ = share::decode(&f);
        let _ = share::decode(&format!("s1.{f}"));
    }
}
