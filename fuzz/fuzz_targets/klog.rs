//! Fuzz target: `smmu log`: the kernel-log parser and its JSON. The body is `smmu_fuzz::klog` (fuzz/src/lib.rs), which
//! the stable tests also run on the seed corpus.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| smmu_fuzz::klog(data));
