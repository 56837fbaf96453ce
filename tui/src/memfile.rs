//! Memory-mapped raw and ELF memory images implementing smmu_core::mem::PhysMem. OWNER: walker helper.
