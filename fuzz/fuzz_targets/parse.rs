//! Fuzz target: the dump parser must never panic, on any bytes, with or without a base.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smmu_core::parse::{parse_bytes, ParseOptions};

fuzz_target!(|data: &[u8]| {
    let _ = parse_bytes(data, &ParseOptions::default());
    let _ = parse_bytes(
        data,
        &ParseOptions {
            base: Some(0x0905_0000),
        },
    );
});
