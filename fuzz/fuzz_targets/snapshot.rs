//! Fuzz target: snapshot files: load, save and load again, queues and walks. The body is `smmu_fuzz::snapshot` (fuzz/src/lib.rs), which
//! the stable tests also run on the seed corpus.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| smmu_fuzz::snapshot(data));
