//! Linux 6.1 (Debian linux-source-6.1 6.1.192-3, a 6.1 stable tree: it carries the
//! MMU-700 nesting errata and ARM_SMMU_FEAT_NESTING, which mainline added in 6.4).
//!
//! Facts only (bit numbers, conditions, message texts) read from the kernel source; no
//! code from it. Paths are under drivers/iommu/arm/arm-smmu-v3/ unless they say otherwise.

use super::model::*;
use crate::klog::features::KernelVersion;

pub static TABLE: KernelTable = KernelTable {
    version: KernelVersion::new(6, 1),
    source: "Debian linux-source-6.1 6.1.192-3",
    derived: None,
    features_at: "arm-smmu-v3.h:629-648",
    options_at: "arm-smmu-v3.h:651-654",
    rules: &[
        (Rule::DtOptions, "arm-smmu-v3.c:3788 (properties :84-85)"),
        (Rule::DtCoherent, "arm-smmu-v3.c:3790"),
        (Rule::AcpiModel, "arm-smmu-v3.c:3735-3742"),
        (Rule::AcpiOptionMask, "arm-smmu-v3.c:3744"),
        (Rule::AcpiCohacc, "arm-smmu-v3.c:3761"),
        (Rule::St2Lvl, "arm-smmu-v3.c:3521-3522"),
        (Rule::Cd2l, "arm-smmu-v3.c:3524-3525"),
        (Rule::TtEndian, "arm-smmu-v3.c:3532-3547"),
        (Rule::Pri, "arm-smmu-v3.c:3551-3552"),
        (Rule::Ats, "arm-smmu-v3.c:3554-3555"),
        (Rule::Sev, "arm-smmu-v3.c:3557-3558"),
        (Rule::Msi, "arm-smmu-v3.c:3560-3561"),
        (Rule::MsiPoll, "arm-smmu-v3.c:3562-3563"),
        (Rule::Hyp, "arm-smmu-v3.c:3566-3567"),
        (Rule::E2h, "arm-smmu-v3.c:3568-3569"),
        (Rule::CohaccWarn, "arm-smmu-v3.c:3576-3578"),
        (Rule::StallModel, "arm-smmu-v3.c:3580-3586"),
        (Rule::S1p, "arm-smmu-v3.c:3588-3589"),
        (Rule::S2p, "arm-smmu-v3.c:3591-3592"),
        (Rule::NoTranslation, "arm-smmu-v3.c:3594-3596"),
        (Rule::TtfAarch64, "arm-smmu-v3.c:3600-3609"),
        (Rule::TtfIas40, "arm-smmu-v3.c:3601-3602"),
        (Rule::Embedded, "arm-smmu-v3.c:3617-3619"),
        (Rule::CmdqSize, "arm-smmu-v3.c:3623-3634"),
        (Rule::EvtqSize, "arm-smmu-v3.c:3637-3638"),
        (Rule::PriqSize, "arm-smmu-v3.c:3639-3640"),
        (Rule::SidLinear, "arm-smmu-v3.c:3651-3652"),
        (Rule::Ril, "arm-smmu-v3.c:3656-3657"),
        (Rule::Vax, "arm-smmu-v3.c:3674-3675"),
        (Rule::Oas, "arm-smmu-v3.c:3678-3703"),
        (Rule::IasMaxOas, "arm-smmu-v3.c:3716"),
        (Rule::Nesting, "arm-smmu-v3.c:3718-3720"),
        (Rule::Mmu600Sev, "arm-smmu-v3.c:3493-3495"),
        (Rule::Mmu600Nesting, "arm-smmu-v3.c:3496-3498"),
        (Rule::Mmu700, "arm-smmu-v3.c:3500-3505"),
        (Rule::BannerIasOas, "arm-smmu-v3.c:3727-3728"),
        (Rule::QueueAlloc, "arm-smmu-v3.c:2939-2940"),
        (Rule::PriqOnlyWithPri, "arm-smmu-v3.c:3013-3014"),
        (Rule::Sva, "arm-smmu-v3-sva.c:427-463 (called at arm-smmu-v3.c:3724)"),
        (Rule::QMaxSzShift, "arm-smmu-v3.h:189"),
    ],
    kdoc: None,
};
