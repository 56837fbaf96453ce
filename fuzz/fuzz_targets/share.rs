//! Fuzz target: the web app's share links, past base64 into deflate and JSON. The body is `smmu_fuzz::share` (fuzz/src/lib.rs), which
//! the stable tests also run on the seed corpus.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| smmu_fuzz::share(data));
