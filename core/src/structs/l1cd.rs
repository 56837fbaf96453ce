//! Level 1 Context Descriptor (IHI 0070 G.b 5.3), cross-checked against Linux's
//! CTXDESC_L1_DESC_* (which masks L2Ptr to bit 51; G.b runs it to bit 55).
use crate::model::*;

crate::layout! {
    /// Level 1 Context Descriptor (IHI 0070 5.3), 8 bytes.
    LAYOUT: "L1CD", bits 64, "5.3", "Level 1 CD table descriptor: points at a level 2 array of CDs";
    V = flag("V", 0, "Valid L1CD: L2Ptr points at a level 2 CD table", "5.3");
    L2Ptr = addr("L2Ptr", 12, 44, "Address of the level 2 CD array (an IPA when stage 2 translates), bits [55:12]", "5.3");
}
