//! Commands, event records, PRI entries, queue index arithmetic.

pub mod cmd;
pub mod event;
pub mod pri;
pub mod queue;
