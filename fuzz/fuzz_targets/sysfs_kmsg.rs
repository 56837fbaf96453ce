//! Fuzz target: `smmu collect`'s /proc/iomem, sysfs name, MIDR and /dev/kmsg parsers. The body is `smmu_fuzz::sysfs_kmsg` (fuzz/src/lib.rs), which
//! the stable tests also run on the seed corpus.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| smmu_fuzz::sysfs_kmsg(data));
