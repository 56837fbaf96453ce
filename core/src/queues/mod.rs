//! Commands, event records, PRI entries, queue index arithmetic. OWNER: events helper.
