//! `core.oam.dev/v1beta1` Application: spec and status.

use std::collections::BTreeMap;

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::schema::free_json_opt;

/// An application: components (what runs), policies (where and how) and a
/// workflow (how it is delivered).
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "core.oam.dev",
    version = "v1beta1",
    kind = "Application",
    namespaced,
    status = "AppStatus",
    shortname = "app",
    shortname = "velaapp",
    category = "oam",
    printcolumn = r#"{"name":"COMPONENT","type":"string","jsonPath":".spec.components[*].name"}"#,
    printcolumn = r#"{"name":"TYPE","type":"string","jsonPath":".spec.components[*].type"}"#,
    printcolumn = r#"{"name":"PHASE","type":"string","jsonPath":".status.status"}"#,
    printcolumn = r#"{"name":"HEALTHY","type":"boolean","jsonPath":".status.services[*].healthy"}"#,
    printcolumn = r#"{"name":"STATUS","type":"string","jsonPath":".status.services[*].message"}"#,
    printcolumn = r#"{"name":"AGE","type":"date","jsonPath":".metadata.creationTimestamp"}"#
)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationSpec {
    pub components: Vec<ApplicationComponent>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<AppPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow: Option<Workflow>,
}

/// One component of an application.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationComponent {
    pub name: String,
    #[serde(rename = "type")]
    pub type_: String,
    /// Unified into the template as `parameter`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "free_json_opt")]
    pub properties: Option<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub traits: Vec<ApplicationTrait>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<InputItem>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<OutputItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_revision: Option<String>,
    /// Legacy; scopes were removed upstream in 2023 and are ignored.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub scopes: BTreeMap<String, String>,
}

/// A trait attached to a component.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ApplicationTrait {
    #[serde(rename = "type")]
    pub type_: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "free_json_opt")]
    pub properties: Option<Value>,
}

/// A policy of an application (topology, override, garbage-collect…).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AppPolicy {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(rename = "type")]
    pub type_: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "free_json_opt")]
    pub properties: Option<Value>,
}

/// `{from, parameterKey}`: data passed into a component or step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct InputItem {
    pub from: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub parameter_key: String,
}

/// `{name, valueFrom}`: data exported by a component or step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OutputItem {
    pub name: String,
    pub value_from: String,
}

/// The delivery workflow of an application.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Workflow {
    /// Names a `core.oam.dev/v1alpha1` Workflow; exclusive with `steps`.
    #[serde(default, rename = "ref", skip_serializing_if = "String::is_empty")]
    pub ref_: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<WorkflowExecuteMode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<WorkflowStep>,
}

/// `StepByStep` or `DAG` for steps and sub-steps.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowExecuteMode {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<WorkflowMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_steps: Option<WorkflowMode>,
}

/// How steps run relative to each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum WorkflowMode {
    StepByStep,
    #[serde(rename = "DAG")]
    Dag,
}

/// A workflow step (or sub-step: then `mode` and `sub_steps` are empty).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowStep {
    pub name: String,
    #[serde(rename = "type")]
    pub type_: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<WorkflowStepMeta>,
    #[serde(default, rename = "if", skip_serializing_if = "Option::is_none")]
    pub if_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<InputItem>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<OutputItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "free_json_opt")]
    pub properties: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<WorkflowMode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "crate::schema::free_json_list")]
    pub sub_steps: Vec<WorkflowStep>,
}

/// Display metadata of a step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WorkflowStepMeta {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub alias: String,
}

/// `status` of an Application (`common.AppStatus` upstream).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// The phase: `rendering`, `runningWorkflow`, `running`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ApplicationPhase>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<ApplicationComponentStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow: Option<WorkflowStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_restart_scheduled_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_revision: Option<Revision>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applied_resources: Vec<ClusterObjectReference>,
    /// roam: the latest drift found by state-keep (newest last, at most 10):
    /// which object, which fields, who changed them. KubeVela re-applies
    /// silently and has no such field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drift: Vec<DriftReport>,
    /// Fields roam does not model are kept as they came.
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: BTreeMap<String, Value>,
}

/// Application phases (`status.status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ApplicationPhase {
    Starting,
    Rendering,
    GeneratingPolicy,
    RunningWorkflow,
    WorkflowSuspending,
    WorkflowTerminated,
    WorkflowFailed,
    Running,
    Unhealthy,
    Deleting,
}

impl ApplicationPhase {
    /// The phase as `status.status` spells it (`runningWorkflow`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationPhase::Starting => "starting",
            ApplicationPhase::Rendering => "rendering",
            ApplicationPhase::GeneratingPolicy => "generatingPolicy",
            ApplicationPhase::RunningWorkflow => "runningWorkflow",
            ApplicationPhase::WorkflowSuspending => "workflowSuspending",
            ApplicationPhase::WorkflowTerminated => "workflowTerminated",
            ApplicationPhase::WorkflowFailed => "workflowFailed",
            ApplicationPhase::Running => "running",
            ApplicationPhase::Unhealthy => "unhealthy",
            ApplicationPhase::Deleting => "deleting",
        }
    }
}

/// A status condition.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<String>,
}

/// Health of one component in one place.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationComponentStatus {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cluster: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub env: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_definition: Option<GroupVersionKindRef>,
    pub healthy: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_healthy: Option<bool>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub details: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub traits: Vec<ApplicationTraitStatus>,
}

/// `{apiVersion, kind}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupVersionKindRef {
    pub api_version: String,
    pub kind: String,
}

/// Health of one trait.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ApplicationTraitStatus {
    #[serde(rename = "type")]
    pub type_: String,
    pub healthy: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<bool>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub details: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// Status of the workflow run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowStatus {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub app_revision: String,
    /// `"<steps>-<subSteps>"`, e.g. `StepByStep-DAG`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub mode: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub status: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    #[serde(default)]
    pub suspend: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub suspend_state: String,
    #[serde(default)]
    pub terminated: bool,
    #[serde(default)]
    pub finished: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "free_json_opt")]
    pub context_backend: Option<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<WorkflowStepStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
}

/// Status of one step (sub-steps nest one level).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowStepStatus {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    pub name: String,
    #[serde(default, rename = "type", skip_serializing_if = "String::is_empty")]
    pub type_: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phase: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_execute_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_execute_time: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(schema_with = "crate::schema::free_json_list")]
    pub sub_steps: Vec<WorkflowStepStatus>,
}

/// `status.latestRevision`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Revision {
    pub name: String,
    pub revision: i64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub revision_hash: String,
}

/// An object applied by an application, with its cluster.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterObjectReference {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cluster: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub creator: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub api_version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
}

/// Drift state-keep found on one object, and what it did about it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DriftReport {
    /// When it was found (RFC 3339).
    pub time: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cluster: String,
    pub api_version: String,
    pub kind: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    pub name: String,
    /// The object was gone (deleted behind roam's back).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<DriftField>,
    /// Re-applied (the default) or only reported.
    #[serde(default)]
    pub repaired: bool,
}

/// One drifted field.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DriftField {
    /// `spec.template.spec.containers[name=web].image`.
    pub path: String,
    /// The field managers that own the changed value (from managedFields).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub managers: Vec<String>,
    /// The value roam applied and the value found, as JSON text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub applied: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub found: String,
}
