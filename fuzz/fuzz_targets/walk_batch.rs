//! Fuzz target: `smmu walk --batch` lines, run as the CLI runs them. The body is
//! `smmu_fuzz::walk_batch` (fuzz/src/lib.rs), which the stable tests also run on the seeds.
//! The walks' output is sent to /dev/null here.
#![no_main]
libfuzzer_sys::fuzz_target!(
    init: {
        if let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") {
            let _ = rustix::stdio::dup2_stdout(&null);
        }
    },
    |data: &[u8]| smmu_fuzz::walk_batch(data)
);
