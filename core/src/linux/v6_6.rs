//! Linux 6.6, DERIVED: Debian offers no linux-source-6.6. The 6.1 -> 6.12 difference in the
//! probe is arm_smmu_get_httu (HA/HD) and IDR1.ATTR_TYPES_OVR, both of which came after 6.6
//! (a later mainline tree in the search index has ATTR_TYPES_OVR but no HTTU, with
//! MAX_PAGE_ORDER, i.e. 6.8 or later), so 6.6 is 6.1's rules and bit numbers. Line
//! references are 6.1's. Not checked against a 6.6 tag.
//!
//! Facts only (bit numbers, conditions, message texts) read from the kernel source; no
//! code from it. Paths are under drivers/iommu/arm/arm-smmu-v3/ unless they say otherwise.

use super::model::*;
use crate::klog::features::KernelVersion;

pub static TABLE: KernelTable = KernelTable {
    version: KernelVersion::new(6, 6),
    source: "derived from Debian linux-source-6.1 6.1.192-3 and linux-source-6.12 6.12.118-1~deb12u1",
    derived: Some("Debian has no linux-source-6.6: 6.1's rules, since the 6.12 additions (HTTU, ATTR_TYPES_OVR) came after 6.6; not checked against a 6.6 tree"),
    features_at: "as 6.1 arm-smmu-v3.h:629-648",
    options_at: "as 6.1 arm-smmu-v3.h:651-654",
    rules: &[
    (Rule::DtOptions, "as 6.1 arm-smmu-v3.c:3788 (properties :84-85)"),
    (Rule::DtCoherent, "as 6.1 arm-smmu-v3.c:3790"),
    (Rule::AcpiModel, "as 6.1 arm-smmu-v3.c:3735-3742"),
    (Rule::AcpiOptionMask, "as 6.1 arm-smmu-v3.c:3744"),
    (Rule::AcpiCohacc, "as 6.1 arm-smmu-v3.c:3761"),
    (Rule::St2Lvl, "as 6.1 arm-smmu-v3.c:3521-3522"),
    (Rule::Cd2l, "as 6.1 arm-smmu-v3.c:3524-3525"),
    (Rule::TtEndian, "as 6.1 arm-smmu-v3.c:3532-3547"),
    (Rule::Pri, "as 6.1 arm-smmu-v3.c:3551-3552"),
    (Rule::Ats, "as 6.1 arm-smmu-v3.c:3554-3555"),
    (Rule::Sev, "as 6.1 arm-smmu-v3.c:3557-3558"),
    (Rule::Msi, "as 6.1 arm-smmu-v3.c:3560-3561"),
    (Rule::MsiPoll, "as 6.1 arm-smmu-v3.c:3562-3563"),
    (Rule::Hyp, "as 6.1 arm-smmu-v3.c:3566-3567"),
    (Rule::E2h, "as 6.1 arm-smmu-v3.c:3568-3569"),
    (Rule::CohaccWarn, "as 6.1 arm-smmu-v3.c:3576-3578"),
    (Rule::StallModel, "as 6.1 arm-smmu-v3.c:3580-3586"),
    (Rule::S1p, "as 6.1 arm-smmu-v3.c:3588-3589"),
    (Rule::S2p, "as 6.1 arm-smmu-v3.c:3591-3592"),
    (Rule::NoTranslation, "as 6.1 arm-smmu-v3.c:3594-3596"),
    (Rule::TtfAarch64, "as 6.1 arm-smmu-v3.c:3600-3609"),
    (Rule::TtfIas40, "as 6.1 arm-smmu-v3.c:3601-3602"),
    (Rule::Embedded, "as 6.1 arm-smmu-v3.c:3617-3619"),
    (Rule::CmdqSize, "as 6.1 arm-smmu-v3.c:3623-3634"),
    (Rule::EvtqSize, "as 6.1 arm-smmu-v3.c:3637-3638"),
    (Rule::PriqSize, "as 6.1 arm-smmu-v3.c:3639-3640"),
    (Rule::SidLinear, "as 6.1 arm-smmu-v3.c:3651-3652"),
    (Rule::Ril, "as 6.1 arm-smmu-v3.c:3656-3657"),
    (Rule::Vax, "as 6.1 arm-smmu-v3.c:3674-3675"),
    (Rule::Oas, "as 6.1 arm-smmu-v3.c:3678-3703"),
    (Rule::IasMaxOas, "as 6.1 arm-smmu-v3.c:3716"),
    (Rule::Nesting, "as 6.1 arm-smmu-v3.c:3718-3720"),
    (Rule::Mmu600Sev, "as 6.1 arm-smmu-v3.c:3493-3495"),
    (Rule::Mmu600Nesting, "as 6.1 arm-smmu-v3.c:3496-3498"),
    (Rule::Mmu700, "as 6.1 arm-smmu-v3.c:3500-3505"),
    (Rule::BannerIasOas, "as 6.1 arm-smmu-v3.c:3727-3728"),
    (Rule::QueueAlloc, "as 6.1 arm-smmu-v3.c:2939-2940"),
    (Rule::PriqOnlyWithPri, "as 6.1 arm-smmu-v3.c:3013-3014"),
    (Rule::Sva, "as 6.1 arm-smmu-v3-sva.c:427-463"),
    (Rule::QMaxSzShift, "as 6.1 arm-smmu-v3.h:189"),
],
    kdoc: None,
};
