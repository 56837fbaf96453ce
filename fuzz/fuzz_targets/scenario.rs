//! Fuzz target: teaching scenarios: parse and build. The body is `smmu_fuzz::scenario` (fuzz/src/lib.rs), which
//! the stable tests also run on the seed corpus.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| smmu_fuzz::scenario(data));
