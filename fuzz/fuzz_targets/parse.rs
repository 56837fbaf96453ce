//! Fuzz target: the register dump parser (`smmu decode`, every input format). The body is `smmu_fuzz::parse` (fuzz/src/lib.rs), which
//! the stable tests also run on the seed corpus.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| smmu_fuzz::parse(data));
