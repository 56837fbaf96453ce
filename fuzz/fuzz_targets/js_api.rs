//! Fuzz target: the web app's JS API options and entry points. The body is `smmu_fuzz::js_api` (fuzz/src/lib.rs), which
//! the stable tests also run on the seed corpus.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| smmu_fuzz::js_api(data));
