//! Level 1 Context Descriptor (IHI 0070 5.3).
#[allow(unused_imports)]
use super::enc::*;
use crate::model::*;

crate::layout! {
    /// Level 1 Context Descriptor (IHI 0070 5.3), 8 bytes.
    LAYOUT: "L1CD", bits 64, "5.3", "Level 1 CD table descriptor: points at a level 2 array of CDs";
    V = flag("V", 0, "L1CD valid", "5.3");
    L2Ptr = addr("L2Ptr", 12, 40, "Address of the level 2 CD array (an IPA when stage 2 translates)", "5.3");
}
