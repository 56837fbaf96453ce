//! Level 1 Stream Table Descriptor (IHI 0070 G.b 5.1), cross-checked against Linux's
//! STRTAB_L1_DESC_* (which masks L2Ptr to bit 51; G.b runs it to bit 55).
use crate::model::*;

/// L1STD.Span (5.1): 0 invalid, 1-11 a level 2 array of 2^(Span-1) STEs, 12-31 reserved
/// (behave as 0).
pub static SPAN_ENC: &[Enc] = &[
    e(0, "Invalid", "L2Ptr is invalid: all StreamIDs of this descriptor are invalid"),
    e(1, "1 STE", "the level 2 array holds 2^0 STEs"),
    e(2, "2 STEs", "the level 2 array holds 2^1 STEs"),
    e(3, "4 STEs", "the level 2 array holds 2^2 STEs"),
    e(4, "8 STEs", "the level 2 array holds 2^3 STEs"),
    e(5, "16 STEs", "the level 2 array holds 2^4 STEs"),
    e(6, "32 STEs", "the level 2 array holds 2^5 STEs"),
    e(7, "64 STEs", "the level 2 array holds 2^6 STEs"),
    e(8, "128 STEs", "the level 2 array holds 2^7 STEs"),
    e(9, "256 STEs", "the level 2 array holds 2^8 STEs"),
    e(10, "512 STEs", "the level 2 array holds 2^9 STEs"),
    e(11, "1024 STEs", "the level 2 array holds 2^10 STEs"),
];

crate::layout! {
    /// Level 1 Stream Table Descriptor (IHI 0070 5.1), 8 bytes.
    LAYOUT: "L1STD", bits 64, "5.1", "Level 1 Stream Table Descriptor: points at a level 2 array of STEs";
    Span = en("Span", 0, 5, SPAN_ENC, "Size of the level 2 array: 2^(Span-1) STEs (0 = invalid; 12-31 reserved, behave as 0)", "5.1");
    L2Ptr = addr("L2Ptr", 6, 50, "Address of the level 2 STE array (aligned to its size by the SMMU), bits [55:6]", "5.1");
}
