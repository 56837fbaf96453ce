//! Built-in samples embedded in the binary, so `smmu` always has something to show.
//! The files live in assets/samples/ (real QEMU captures; provenance in assets/samples/README.md).

pub struct Sample {
    pub name: &'static str,
    pub description: &'static str,
    pub text: &'static str,
}

pub static SAMPLES: &[Sample] = &[
    Sample {
        name: "qemu-10.0-s1",
        description: "QEMU 10.0.2 emulated SMMUv3, stage-1-only (-M virt-9.1,iommu=smmuv3 -global arm-smmuv3.stage=1), Linux 7.3 guest, after boot",
        text: include_str!("../../assets/samples/qemu-10.0-s1.txt"),
    },
];

pub fn default_sample() -> &'static Sample {
    &SAMPLES[0]
}

pub fn by_name(name: &str) -> Option<&'static Sample> {
    SAMPLES.iter().find(|s| s.name == name)
}
