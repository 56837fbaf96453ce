//! STE, CD, L1STD, L1CD layouts, legality and table geometry. OWNER: walker helper.
