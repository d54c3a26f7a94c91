//! Definitions: the capability registry (`core.oam.dev/v1beta1`).
//!
//! Every type an Application names is a definition whose template is CUE
//! (`spec.schematic.cue.template`).

use std::collections::BTreeMap;

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::schema::free_json_opt;

/// `spec.schematic`: how the definition is implemented.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Schematic {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cue: Option<CueSchematic>,
    /// Terraform and other schematics are kept as sent; roam renders CUE only.
    #[serde(flatten)]
    #[schemars(skip)]
    pub other: BTreeMap<String, Value>,
}

/// `spec.schematic.cue`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CueSchematic {
    pub template: String,
}

/// `spec.status`: health and status rules, each a CUE source string.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DefinitionStatus {
    /// Must yield `message: string`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub custom_status: String,
    /// Must yield `isHealth: bool`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub health_policy: String,
    /// Fields become `services[].details`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub details: String,
}

/// `spec.workload` of a ComponentDefinition.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WorkloadTypeDescriptor {
    /// `deployments.apps`, or `autodetects.core.oam.dev`.
    #[serde(default, rename = "type", skip_serializing_if = "String::is_empty")]
    pub type_: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<WorkloadGvk>,
}

/// `{apiVersion, kind}` of a workload.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadGvk {
    pub api_version: String,
    pub kind: String,
}

/// `{name, version}` reference to a CRD or definition.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DefinitionReference {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
}

/// Status of a definition (conditions, schema ConfigMap, latest revision).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DefinitionObjectStatus {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<crate::Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "free_json_opt")]
    pub config_map_ref: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_revision: Option<crate::Revision>,
}

/// A component type: a CUE template producing a workload (and auxiliaries).
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "core.oam.dev",
    version = "v1beta1",
    kind = "ComponentDefinition",
    namespaced,
    status = "DefinitionObjectStatus",
    shortname = "comp",
    category = "oam",
    printcolumn = r#"{"name":"WORKLOAD-KIND","type":"string","jsonPath":".spec.workload.definition.kind"}"#,
    printcolumn = r#"{"name":"DESCRIPTION","type":"string","jsonPath":".metadata.annotations.definition\\.oam\\.dev/description"}"#
)]
#[serde(rename_all = "camelCase")]
pub struct ComponentDefinitionSpec {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    #[serde(default)]
    pub workload: WorkloadTypeDescriptor,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "crate::schema::free_json_list")]
    pub child_resource_kinds: Vec<Value>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub revision_label: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pod_spec_path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DefinitionStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schematic: Option<Schematic>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "free_json_opt")]
    pub extension: Option<Value>,
}

/// Dispatch stage of a trait.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TraitStage {
    PreDispatch,
    DefaultDispatch,
    PostDispatch,
}

/// A trait type: patches the workload and/or adds objects.
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "core.oam.dev",
    version = "v1beta1",
    kind = "TraitDefinition",
    namespaced,
    status = "DefinitionObjectStatus",
    shortname = "trait",
    category = "oam",
    printcolumn = r#"{"name":"APPLIES-TO","type":"string","jsonPath":".spec.appliesToWorkloads"}"#,
    printcolumn = r#"{"name":"DESCRIPTION","type":"string","jsonPath":".metadata.annotations.definition\\.oam\\.dev/description"}"#
)]
#[serde(rename_all = "camelCase")]
pub struct TraitDefinitionSpec {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition_ref: Option<DefinitionReference>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub revision_enabled: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub workload_ref_path: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pod_disruptive: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applies_to_workloads: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schematic: Option<Schematic>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DefinitionStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "free_json_opt")]
    pub extension: Option<Value>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub manage_workload: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub control_plane_only: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<TraitStage>,
}

/// A policy type: a parameter schema (built-ins are native) or an
/// object-emitting template.
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "core.oam.dev",
    version = "v1beta1",
    kind = "PolicyDefinition",
    namespaced,
    status = "DefinitionObjectStatus",
    shortname = "def-policy",
    category = "oam"
)]
#[serde(rename_all = "camelCase")]
pub struct PolicyDefinitionSpec {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition_ref: Option<DefinitionReference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schematic: Option<Schematic>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub manage_health_check: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub global: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
}

/// A workflow step type.
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "core.oam.dev",
    version = "v1beta1",
    kind = "WorkflowStepDefinition",
    namespaced,
    status = "DefinitionObjectStatus",
    shortname = "workflowstep",
    category = "oam"
)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowStepDefinitionSpec {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition_ref: Option<DefinitionReference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schematic: Option<Schematic>,
}

/// Legacy: registers a CRD as a workload type.
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "core.oam.dev",
    version = "v1beta1",
    kind = "WorkloadDefinition",
    namespaced,
    status = "DefinitionObjectStatus",
    shortname = "workload",
    category = "oam"
)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadDefinitionSpec {
    pub definition_ref: DefinitionReference,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "crate::schema::free_json_list")]
    pub child_resource_kinds: Vec<Value>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub revision_label: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pod_spec_path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DefinitionStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schematic: Option<Schematic>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "free_json_opt")]
    pub extension: Option<Value>,
}

/// Kind of definition a DefinitionRevision snapshots.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum DefinitionType {
    Component,
    Trait,
    Policy,
    WorkflowStep,
}

/// A snapshot `<def>-v<N>` of a definition.
#[derive(CustomResource, Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "core.oam.dev",
    version = "v1beta1",
    kind = "DefinitionRevision",
    namespaced,
    shortname = "defrev",
    category = "oam",
    printcolumn = r#"{"name":"REVISION","type":"integer","jsonPath":".spec.revision"}"#,
    printcolumn = r#"{"name":"HASH","type":"string","jsonPath":".spec.revisionHash"}"#,
    printcolumn = r#"{"name":"TYPE","type":"string","jsonPath":".spec.definitionType"}"#
)]
#[serde(rename_all = "camelCase")]
pub struct DefinitionRevisionSpec {
    pub revision: i64,
    pub revision_hash: String,
    pub definition_type: DefinitionType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "free_json_opt")]
    pub component_definition: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "free_json_opt")]
    pub trait_definition: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "free_json_opt")]
    pub policy_definition: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "free_json_opt")]
    pub workflow_step_definition: Option<Value>,
}
