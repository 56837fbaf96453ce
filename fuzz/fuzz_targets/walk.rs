//! Fuzz target: the walker and ptdump on arbitrary STE/CD/tables under real registers. The body is `smmu_fuzz::walk` (fuzz/src/lib.rs), which
//! the stable tests also run on the seed corpus.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| smmu_fuzz::walk(data));
