//! Page-table walker (stage 1, stage 2, nested) with step trace. OWNER: walker helper.
