//! JSON-schema helpers for fields that hold free-form JSON.
//!
//! Kubernetes requires structural schemas; a field that takes any JSON
//! (an Application's `properties`, a raw object) is declared with
//! `x-kubernetes-preserve-unknown-fields` so the API server keeps it as sent.

use schemars::{Schema, SchemaGenerator, json_schema};

/// Any JSON object, kept as sent.
pub fn free_json(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "object",
        "x-kubernetes-preserve-unknown-fields": true,
    })
}

/// Like [`free_json`], for an optional field.
pub fn free_json_opt(g: &mut SchemaGenerator) -> Schema {
    let mut s = free_json(g);
    s.insert("nullable".into(), true.into());
    s
}

/// A list of objects kept as sent: for recursive types (workflow
/// sub-steps), which a CRD cannot describe — kube-apiserver rejects `$ref`.
pub fn free_json_list(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "array",
        "items": {
            "type": "object",
            "x-kubernetes-preserve-unknown-fields": true,
        },
    })
}

/// A map of name → object kept as sent (definition snapshots in an
/// ApplicationRevision): without `x-kubernetes-preserve-unknown-fields` on
/// the values, kube-apiserver prunes every field inside them.
pub fn free_json_map(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "object",
        "additionalProperties": {
            "type": "object",
            "x-kubernetes-preserve-unknown-fields": true,
        },
    })
}
