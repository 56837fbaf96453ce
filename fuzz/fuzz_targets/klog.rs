//! `smmu log`: any bytes, as text, through the kernel-log parser and its JSON output.
#![no_main]
use libfuzzer_sys::fuzz_target;
use smmu_core::klog;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for kernel in [None, Some(klog::features::KernelVersion::new(6, 1))] {
        let r = klog::parse(&text, &klog::Options { kernel });
        let _ = serde_json::to_string(&r);
    }
});
