//! The interactive ratatui + crossterm explorer. OWNER: TUI helper.
