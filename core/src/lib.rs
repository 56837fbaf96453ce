//! smmu-core: the Arm SMMUv3 (IHI 0070) model behind smmu-explorer.
//!
//! No I/O; builds for `wasm32-unknown-unknown`. Everything is derived from the declarative
//! field tables in [`model`] and [`regs`].

#![forbid(unsafe_code)]

pub mod cache;
pub mod decode;
pub mod derived;
pub mod encode;
pub mod forward;
pub mod inspect;
pub mod klog;
pub mod linux;
pub mod mem;
pub mod model;
pub mod num;
pub mod parse;
pub mod present;
pub mod queues;
pub mod regs;
pub mod regset;
pub mod scenario;
pub mod snapshot;
pub mod structs;
pub mod walk;
