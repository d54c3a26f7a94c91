//! The formatter (placeholder until written).
