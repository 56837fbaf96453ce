//! Fuzz target: `smmu collect`'s flattened device tree parser and summary. The body is `smmu_fuzz::fdt` (fuzz/src/lib.rs), which
//! the stable tests also run on the seed corpus.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| smmu_fuzz::fdt(data));
