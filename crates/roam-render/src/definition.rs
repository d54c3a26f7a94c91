//! Definitions as the renderer sees them: one type over the five kinds,
//! read from Kubernetes objects (YAML/JSON) or from "def files" (CUE).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use roam_api::{
    ComponentDefinition, DefinitionStatus, PolicyDefinition, TraitDefinition, TraitStage,
    WorkflowStepDefinition, WorkloadDefinition, WorkloadTypeDescriptor, labels,
};
use serde_json::Value;

/// The five definition kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DefKind {
    Component,
    Trait,
    Policy,
    WorkflowStep,
    Workload,
}

impl DefKind {
    /// Every kind, in lookup order.
    pub const ALL: [DefKind; 5] = [
        DefKind::Component,
        DefKind::Trait,
        DefKind::Policy,
        DefKind::WorkflowStep,
        DefKind::Workload,
    ];

    /// The object kind (`ComponentDefinition`…).
    pub fn object_kind(self) -> &'static str {
        match self {
            DefKind::Component => "ComponentDefinition",
            DefKind::Trait => "TraitDefinition",
            DefKind::Policy => "PolicyDefinition",
            DefKind::WorkflowStep => "WorkflowStepDefinition",
            DefKind::Workload => "WorkloadDefinition",
        }
    }

    /// The def-file `type` (`component`, `trait`, `policy`, `workflow-step`).
    pub fn def_type(self) -> &'static str {
        match self {
            DefKind::Component => "component",
            DefKind::Trait => "trait",
            DefKind::Policy => "policy",
            DefKind::WorkflowStep => "workflow-step",
            DefKind::Workload => "workload",
        }
    }

    pub fn from_object_kind(kind: &str) -> Option<DefKind> {
        Some(match kind {
            "ComponentDefinition" => DefKind::Component,
            "TraitDefinition" => DefKind::Trait,
            "PolicyDefinition" => DefKind::Policy,
            "WorkflowStepDefinition" => DefKind::WorkflowStep,
            "WorkloadDefinition" => DefKind::Workload,
            _ => return None,
        })
    }

    pub fn from_def_type(t: &str) -> Option<DefKind> {
        Some(match t {
            "component" => DefKind::Component,
            "trait" => DefKind::Trait,
            "policy" => DefKind::Policy,
            "workflow-step" | "workflowstep" => DefKind::WorkflowStep,
            "workload" => DefKind::Workload,
            _ => return None,
        })
    }

    /// The directory of built-in definitions of this kind
    /// (`definitions/<dir>/<name>.cue`).
    pub fn builtin_dir(self) -> &'static str {
        match self {
            DefKind::Component => "components",
            DefKind::Trait => "traits",
            DefKind::Policy => "policies",
            DefKind::WorkflowStep => "workflowsteps",
            DefKind::Workload => "workloads",
        }
    }

    /// Plural noun for messages (`component types`).
    pub fn noun(self) -> &'static str {
        match self {
            DefKind::Component => "component type",
            DefKind::Trait => "trait type",
            DefKind::Policy => "policy type",
            DefKind::WorkflowStep => "workflow step type",
            DefKind::Workload => "workload type",
        }
    }
}

impl fmt::Display for DefKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.def_type())
    }
}

/// Where a definition came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DefSource {
    /// Embedded in roam (`definitions/<path>`).
    Builtin(String),
    /// A file the user gave (path as given).
    File(String),
    /// Read from a cluster (`namespace/name`).
    Cluster(String),
}

impl fmt::Display for DefSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DefSource::Builtin(p) => write!(f, "built-in definitions/{p}"),
            DefSource::File(p) => f.write_str(p),
            DefSource::Cluster(p) => write!(f, "cluster object {p}"),
        }
    }
}

/// A definition of any kind, with the fields the renderer needs.
#[derive(Clone, Debug)]
pub struct Definition {
    pub kind: DefKind,
    pub name: String,
    pub namespace: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    /// The CUE template (`spec.schematic.cue.template`), if any.
    pub template: Option<Arc<str>>,
    pub status: DefinitionStatus,
    /// Component: what it produces.
    pub workload: WorkloadTypeDescriptor,
    /// Trait attributes.
    pub applies_to_workloads: Vec<String>,
    pub conflicts_with: Vec<String>,
    pub pod_disruptive: bool,
    pub workload_ref_path: String,
    pub manage_workload: bool,
    pub control_plane_only: bool,
    pub stage: Option<TraitStage>,
    /// The whole object as JSON (apiVersion, kind, metadata, spec).
    pub object: Value,
    pub source: DefSource,
}

/// A definition object that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{source_name}: {message}")]
pub struct DefinitionError {
    pub source_name: String,
    pub message: String,
}

impl Definition {
    /// `definition.oam.dev/description`.
    pub fn description(&self) -> &str {
        self.annotations
            .get(labels::DEF_DESCRIPTION)
            .map(String::as_str)
            .unwrap_or("")
    }

    /// Reads a definition object (any of the five kinds) from JSON.
    pub fn from_object(object: Value, source: DefSource) -> Result<Definition, DefinitionError> {
        let err = |message: String| DefinitionError {
            source_name: source.to_string(),
            message,
        };
        let kind_name = object.get("kind").and_then(Value::as_str).unwrap_or("");
        let kind = DefKind::from_object_kind(kind_name).ok_or_else(|| {
            err(format!(
                "kind {kind_name:?} is not a definition (expected ComponentDefinition, TraitDefinition, PolicyDefinition, WorkflowStepDefinition or WorkloadDefinition)"
            ))
        })?;
        let api_version = object
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or("");
        if !api_version.starts_with("core.oam.dev/") {
            return Err(err(format!(
                "{kind_name}: apiVersion {api_version:?}, expected core.oam.dev/v1beta1"
            )));
        }
        let bad = |e: serde_json::Error| err(format!("{kind_name}: {e}"));
        let mut d = Definition {
            kind,
            name: String::new(),
            namespace: None,
            labels: BTreeMap::new(),
            annotations: BTreeMap::new(),
            template: None,
            status: DefinitionStatus::default(),
            workload: WorkloadTypeDescriptor::default(),
            applies_to_workloads: Vec::new(),
            conflicts_with: Vec::new(),
            pod_disruptive: false,
            workload_ref_path: String::new(),
            manage_workload: false,
            control_plane_only: false,
            stage: None,
            object: Value::Null,
            source: source.clone(),
        };
        let meta;
        let schematic;
        match kind {
            DefKind::Component => {
                let o: ComponentDefinition = serde_json::from_value(object.clone()).map_err(bad)?;
                meta = o.metadata;
                schematic = o.spec.schematic;
                d.status = o.spec.status.unwrap_or_default();
                d.workload = o.spec.workload;
            }
            DefKind::Trait => {
                let o: TraitDefinition = serde_json::from_value(object.clone()).map_err(bad)?;
                meta = o.metadata;
                schematic = o.spec.schematic;
                d.status = o.spec.status.unwrap_or_default();
                d.applies_to_workloads = o.spec.applies_to_workloads;
                d.conflicts_with = o.spec.conflicts_with;
                d.pod_disruptive = o.spec.pod_disruptive;
                d.workload_ref_path = o.spec.workload_ref_path;
                d.manage_workload = o.spec.manage_workload;
                d.control_plane_only = o.spec.control_plane_only;
                d.stage = o.spec.stage;
            }
            DefKind::Policy => {
                let o: PolicyDefinition = serde_json::from_value(object.clone()).map_err(bad)?;
                meta = o.metadata;
                schematic = o.spec.schematic;
            }
            DefKind::WorkflowStep => {
                let o: WorkflowStepDefinition =
                    serde_json::from_value(object.clone()).map_err(bad)?;
                meta = o.metadata;
                schematic = o.spec.schematic;
            }
            DefKind::Workload => {
                let o: WorkloadDefinition = serde_json::from_value(object.clone()).map_err(bad)?;
                meta = o.metadata;
                schematic = o.spec.schematic;
                d.status = o.spec.status.unwrap_or_default();
                d.workload = WorkloadTypeDescriptor {
                    type_: o.spec.definition_ref.name,
                    definition: None,
                };
            }
        }
        d.name = meta
            .name
            .filter(|n| !n.is_empty())
            .ok_or_else(|| err(format!("{kind_name} has no metadata.name")))?;
        d.namespace = meta.namespace;
        d.labels = meta.labels.unwrap_or_default();
        d.annotations = meta.annotations.unwrap_or_default();
        d.template = schematic
            .and_then(|s| s.cue)
            .map(|c| Arc::from(c.template.as_str()));
        d.object = object;
        Ok(d)
    }

    /// Whether a workload type (`deployments.apps`) is matched by this
    /// trait's `appliesToWorkloads` (empty or `*`: everything).
    pub fn applies_to(&self, workload: &WorkloadInfo) -> bool {
        if self.applies_to_workloads.is_empty() {
            return true;
        }
        self.applies_to_workloads
            .iter()
            .any(|w| workload.matches(w))
    }
}

/// What a component renders, for capability checks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkloadInfo {
    /// The component type name (`webservice`).
    pub component_type: String,
    /// `deployments.apps` (resource.group), if known.
    pub resource: String,
    /// `apps/v1`, `Deployment`, if known.
    pub api_version: String,
    pub kind: String,
}

impl WorkloadInfo {
    /// Matches an `appliesToWorkloads` entry: `*`, a component type name,
    /// `deployments.apps`, `*.apps`, `Deployment`, or `apps/v1.Deployment`.
    pub fn matches(&self, pattern: &str) -> bool {
        if pattern == "*" || pattern == self.component_type {
            return true;
        }
        if !self.resource.is_empty() {
            if pattern == self.resource {
                return true;
            }
            if let Some(group) = pattern.strip_prefix("*.") {
                let own = self.resource.split_once('.').map(|(_, g)| g).unwrap_or("");
                if own == group {
                    return true;
                }
            }
        }
        if !self.kind.is_empty() {
            if pattern.eq_ignore_ascii_case(&self.kind) {
                return true;
            }
            if pattern == format!("{}.{}", self.api_version, self.kind) {
                return true;
            }
        }
        false
    }

    /// `Deployment` + `apps/v1` → `deployments.apps` (English plural rules
    /// Kubernetes uses for built-in kinds).
    pub fn resource_of(api_version: &str, kind: &str) -> String {
        let group = api_version.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
        let lower = kind.to_ascii_lowercase();
        let plural = if lower.ends_with('s')
            || lower.ends_with("sh")
            || lower.ends_with("ch")
            || lower.ends_with('x')
        {
            format!("{lower}es")
        } else if lower.ends_with('y')
            && !lower.ends_with("ay")
            && !lower.ends_with("ey")
            && !lower.ends_with("oy")
        {
            format!("{}ies", &lower[..lower.len() - 1])
        } else {
            format!("{lower}s")
        };
        if group.is_empty() {
            plural
        } else {
            format!("{plural}.{group}")
        }
    }
}
