//! Fuzz target: event records, commands, PRI entries and queue arithmetic from raw words. The body is `smmu_fuzz::raw_decoders` (fuzz/src/lib.rs), which
//! the stable tests also run on the seed corpus.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| smmu_fuzz::raw_decoders(data));
