//! Fuzz target: memory images (`--mem FILE@0xBASE`, ELF cores). The body is `smmu_fuzz::memfile` (fuzz/src/lib.rs), which
//! the stable tests also run on the seed corpus.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| smmu_fuzz::memfile(data));
