//! Revisions and resource tracking (`ApplicationRevision`, `ResourceTracker`).

use std::collections::BTreeMap;

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::schema::free_json_opt;

/// A snapshot `<app>-v<N>` of an application and every definition it used.
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "core.oam.dev",
    version = "v1beta1",
    kind = "ApplicationRevision",
    namespaced,
    shortname = "apprev",
    category = "oam",
    printcolumn = r#"{"name":"PUBLISH_VERSION","type":"string","jsonPath":".metadata.annotations.app\\.oam\\.dev/publishVersion"}"#,
    printcolumn = r#"{"name":"SUCCEEDED","type":"string","jsonPath":".status.succeeded"}"#,
    printcolumn = r#"{"name":"AGE","type":"date","jsonPath":".metadata.creationTimestamp"}"#
)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationRevisionSpec {
    /// The application as it was (the whole object).
    #[schemars(schema_with = "crate::schema::free_json")]
    pub application: Value,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(schema_with = "crate::schema::free_json_map")]
    pub component_definitions: BTreeMap<String, Value>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(schema_with = "crate::schema::free_json_map")]
    pub trait_definitions: BTreeMap<String, Value>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(schema_with = "crate::schema::free_json_map")]
    pub policy_definitions: BTreeMap<String, Value>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(schema_with = "crate::schema::free_json_map")]
    pub workflow_step_definitions: BTreeMap<String, Value>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(schema_with = "crate::schema::free_json_map")]
    pub policies: BTreeMap<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "free_json_opt")]
    pub workflow: Option<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "crate::schema::free_json_list")]
    pub referred_objects: Vec<Value>,
}

/// Kind of tracker: the root one (resources kept across versions), one per
/// version, or the legacy component-revision tracker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ResourceTrackerType {
    Root,
    Versioned,
    ComponentRevision,
}

/// Records every object an application applied: the source of truth for
/// garbage collection. Cluster-scoped, named `<app>-<namespace>` (root) and
/// `<app>-v<N>-<namespace>` (versioned).
#[derive(CustomResource, Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "core.oam.dev",
    version = "v1beta1",
    kind = "ResourceTracker",
    shortname = "rt",
    category = "oam",
    printcolumn = r#"{"name":"TYPE","type":"string","jsonPath":".spec.type"}"#,
    printcolumn = r#"{"name":"AGE","type":"date","jsonPath":".metadata.creationTimestamp"}"#
)]
#[serde(rename_all = "camelCase")]
pub struct ResourceTrackerSpec {
    #[serde(rename = "type")]
    pub type_: ResourceTrackerType,
    #[serde(default)]
    pub application_generation: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub managed_resources: Vec<ManagedResource>,
}

/// One tracked object.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ManagedResource {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cluster: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub creator: String,
    pub api_version: String,
    pub kind: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub component: String,
    #[serde(default, rename = "trait", skip_serializing_if = "String::is_empty")]
    pub trait_: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub env: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
    #[serde(default, rename = "skipGC", skip_serializing_if = "std::ops::Not::not")]
    pub skip_gc: bool,
    /// The applied object (kept for state-keep).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "free_json_opt")]
    pub raw: Option<Value>,
}
