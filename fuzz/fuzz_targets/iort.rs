//! Fuzz target: `smmu collect`'s ACPI IORT parser. The body is `smmu_fuzz::iort` (fuzz/src/lib.rs), which
//! the stable tests also run on the seed corpus.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| smmu_fuzz::iort(data));
