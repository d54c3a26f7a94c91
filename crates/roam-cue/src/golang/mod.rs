//! Leaf re-implementations of Go standard-library behaviour that CUE's
//! standard library exposes verbatim: RE2 regular expressions
//! ([`regex`]), `strconv` formatting and parsing ([`strconv`]), `path` and
//! `path/filepath` flavours ([`path`]), `strings` helpers whose Go and Rust
//! meanings differ ([`strings`]), `encoding/hex` and `encoding/base64`
//! ([`encoding`]), `encoding/json` text functions ([`json`]), and the
//! `unicode` predicates they share ([`unicode`]).
//!
//! Everything here is a pure function of Rust strings and numbers; no CUE
//! values are involved. Expected values in the tests were produced by
//! running the corresponding Go functions.

pub mod encoding;
pub mod json;
pub mod path;
pub mod regex;
pub mod strconv;
pub mod strings;
pub mod unicode;
