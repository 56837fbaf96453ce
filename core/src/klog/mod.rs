//! Kernel log parsing: events, command errors, probe banner, feature masks. OWNER: events helper.
