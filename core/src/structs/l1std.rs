//! Level 1 Stream Table Descriptor (IHI 0070 5.1).
#[allow(unused_imports)]
use super::enc::*;
use crate::model::*;

crate::layout! {
    /// Level 1 Stream Table Descriptor (IHI 0070 5.1), 8 bytes.
    LAYOUT: "L1STD", bits 64, "5.1", "Level 1 Stream Table Descriptor: points at a level 2 array of STEs";
    Span = numv("Span", 0, 5, &[e(0, "Invalid", "no level 2 table: all StreamIDs in this span are invalid")],
    "Level 2 table holds 2^(Span-1) STEs (0 = invalid; 1..12 valid)", "5.1");
    L2Ptr = addr("L2Ptr", 6, 46, "Address of the level 2 STE array (aligned to its size)", "5.1");
}
