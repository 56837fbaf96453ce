//! Teaching scenarios: build snapshots with real tables from a small description. OWNER: walker helper.
