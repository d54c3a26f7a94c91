//! roam-cue: a native Rust implementation of the CUE language.
//!
//! The pipeline is scanner → parser → compile → (evaluate → export, to come).
//! This crate knows nothing of Kubernetes.

pub mod adt;
pub mod compile;
pub mod data;
pub mod diag;
pub mod eval;
pub mod golang;
pub mod num;
pub mod source;
pub mod stdlib;
pub mod syntax;
pub mod testattr;
pub mod txtar;

pub use source::{LineCol, SourceFile, Span};
