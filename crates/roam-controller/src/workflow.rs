//! The delivery workflow as far as the controller runs it today: the
//! steps an app gets (KubeVela's default generation), their order, and the
//! requeue backoff. Executing a step is the reconciler's
//! ([`crate::reconcile`]); the full engine (suspend, approvals, `if`,
//! data passing through a context ConfigMap, custom step definitions) is
//! the workflow crate's, which replaces [`StepKind::Unsupported`].
//!
//! Default generation (no `spec.workflow`): one `deploy` step per topology
//! policy (`deploy-<topology>`, with every override policy), else a single
//! `deploy` step when there are override policies or `ref-objects`
//! components, else one `apply-component` step per component, named after
//! it, with its `dependsOn`, in DAG mode.

use std::time::Duration;

use roam_api::{AppPolicy, Application, WorkflowMode, WorkflowStepStatus};
use serde_json::Value;

/// What a step does.
#[derive(Clone, Debug, PartialEq)]
pub enum StepKind {
    /// Apply one component (by name) to a cluster and namespace.
    ApplyComponent {
        component: String,
        cluster: String,
        namespace: Option<String>,
    },
    /// Apply every component with the named policies (overrides, topology).
    Deploy { policies: Vec<String> },
    /// A step type the controller cannot run yet.
    Unsupported { type_: String },
}

/// One step.
#[derive(Clone, Debug, PartialEq)]
pub struct StepPlan {
    pub name: String,
    pub type_: String,
    pub depends_on: Vec<String>,
    pub kind: StepKind,
}

/// The workflow of an app.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// `StepByStep` or `DAG`, for steps.
    pub steps_mode: WorkflowMode,
    /// `<steps>-<subSteps>`, as `status.workflow.mode` shows.
    pub mode: String,
    pub steps: Vec<StepPlan>,
}

fn mode_name(m: WorkflowMode) -> &'static str {
    match m {
        WorkflowMode::StepByStep => "StepByStep",
        WorkflowMode::Dag => "DAG",
    }
}

/// The app's steps.
pub fn plan(app: &Application) -> Plan {
    let explicit = app.spec.workflow.as_ref().filter(|w| !w.steps.is_empty());
    let (steps_mode, sub_mode) = match explicit {
        Some(w) => (
            w.mode
                .as_ref()
                .and_then(|m| m.steps)
                .unwrap_or(WorkflowMode::StepByStep),
            w.mode
                .as_ref()
                .and_then(|m| m.sub_steps)
                .unwrap_or(WorkflowMode::Dag),
        ),
        None => (WorkflowMode::Dag, WorkflowMode::Dag),
    };
    let mode = format!("{}-{}", mode_name(steps_mode), mode_name(sub_mode));
    let steps = match explicit {
        Some(w) => w
            .steps
            .iter()
            .map(|s| StepPlan {
                name: s.name.clone(),
                type_: s.type_.clone(),
                depends_on: s.depends_on.clone(),
                kind: explicit_kind(&s.type_, s.properties.as_ref(), s.sub_steps.is_empty()),
            })
            .collect(),
        None => default_steps(app),
    };
    Plan {
        steps_mode,
        mode,
        steps,
    }
}

fn explicit_kind(type_: &str, props: Option<&Value>, no_sub_steps: bool) -> StepKind {
    let s = |k: &str| {
        props
            .and_then(|p| p.get(k))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    match type_ {
        "apply-component" if no_sub_steps => StepKind::ApplyComponent {
            component: s("component"),
            cluster: s("cluster"),
            namespace: Some(s("namespace")).filter(|n| !n.is_empty()),
        },
        "deploy" if no_sub_steps => StepKind::Deploy {
            policies: props
                .and_then(|p| p.get("policies"))
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
        },
        other => StepKind::Unsupported {
            type_: other.to_string(),
        },
    }
}

fn default_steps(app: &Application) -> Vec<StepPlan> {
    let by_type = |t: &str| -> Vec<&AppPolicy> {
        app.spec.policies.iter().filter(|p| p.type_ == t).collect()
    };
    let overrides: Vec<String> = by_type("override").iter().map(|p| p.name.clone()).collect();
    let topologies = by_type("topology");
    if !topologies.is_empty() {
        return topologies
            .iter()
            .map(|t| {
                let mut policies = overrides.clone();
                policies.push(t.name.clone());
                StepPlan {
                    name: format!("deploy-{}", t.name),
                    type_: "deploy".into(),
                    depends_on: Vec::new(),
                    kind: StepKind::Deploy { policies },
                }
            })
            .collect();
    }
    if !overrides.is_empty() || app.spec.components.iter().any(|c| c.type_ == "ref-objects") {
        return vec![StepPlan {
            name: "deploy".into(),
            type_: "deploy".into(),
            depends_on: Vec::new(),
            kind: StepKind::Deploy {
                policies: overrides,
            },
        }];
    }
    app.spec
        .components
        .iter()
        .map(|c| StepPlan {
            name: c.name.clone(),
            type_: "apply-component".into(),
            depends_on: c.depends_on.clone(),
            kind: StepKind::ApplyComponent {
                component: c.name.clone(),
                cluster: String::new(),
                namespace: None,
            },
        })
        .collect()
}

/// Step phases.
pub mod phase {
    pub const PENDING: &str = "pending";
    pub const RUNNING: &str = "running";
    pub const SUCCEEDED: &str = "succeeded";
    pub const FAILED: &str = "failed";
    pub const SKIPPED: &str = "skipped";
}

/// Whether a step phase is final.
pub fn finished(p: &str) -> bool {
    matches!(p, phase::SUCCEEDED | phase::FAILED | phase::SKIPPED)
}

/// What to do with a step now, given the others' phases.
#[derive(Clone, Debug, PartialEq)]
pub enum Readiness {
    /// Run it.
    Run,
    /// Wait: the message says for what.
    Wait(String),
    /// A dependency failed or was skipped: skip it.
    Skip(String),
}

/// Whether step `i` may run. DAG: its `dependsOn` must have succeeded.
/// StepByStep: every earlier step must have succeeded (or been skipped).
pub fn readiness(plan: &Plan, statuses: &[WorkflowStepStatus], i: usize) -> Readiness {
    let phase_of = |name: &str| {
        statuses
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.phase.as_str())
            .unwrap_or(phase::PENDING)
    };
    let step = &plan.steps[i];
    let mut deps: Vec<&str> = step.depends_on.iter().map(String::as_str).collect();
    if plan.steps_mode == WorkflowMode::StepByStep && i > 0 {
        deps.push(&plan.steps[i - 1].name);
    }
    for d in deps {
        match phase_of(d) {
            phase::SUCCEEDED => {}
            phase::SKIPPED if plan.steps_mode == WorkflowMode::StepByStep => {}
            phase::FAILED | phase::SKIPPED => {
                return Readiness::Skip(format!("dependency {d:?} did not succeed"));
            }
            _ => return Readiness::Wait(format!("Pending on DependsOn: {d}")),
        }
    }
    Readiness::Run
}

/// The requeue interval while a workflow waits: `2^n × 0.05 s` for the
/// `n`-th wait, clamped to [1 s, 60 s] (KubeVela's backoff).
pub fn wait_backoff(n: u32) -> Duration {
    let secs = (2f64.powi(n.min(20) as i32) * 0.05).floor();
    Duration::from_secs_f64(secs.clamp(1.0, 60.0))
}

/// A stable step id (10 lowercase letters and digits) for a step of a
/// revision, as KubeVela's random ids look.
pub fn step_id(revision: &str, step: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in revision.bytes().chain([0]).chain(step.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..10)
        .map(|_| {
            let c = ALPHABET[(h % 36) as usize] as char;
            h /= 36;
            if h == 0 {
                h = 0x9e3779b97f4a7c15;
            }
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn app(v: Value) -> Application {
        serde_json::from_value(json!({
            "apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
            "metadata": {"name": "a", "namespace": "default"},
            "spec": v
        }))
        .unwrap()
    }

    #[test]
    fn default_is_one_apply_component_per_component_in_dag() {
        let p = plan(&app(json!({"components": [
            {"name": "db", "type": "worker"},
            {"name": "web", "type": "webservice", "dependsOn": ["db"]}
        ]})));
        assert_eq!(p.mode, "DAG-DAG");
        assert_eq!(p.steps.len(), 2);
        assert_eq!(p.steps[1].depends_on, vec!["db"]);
        assert_eq!(p.steps[1].type_, "apply-component");
        let statuses = vec![WorkflowStepStatus {
            name: "db".into(),
            phase: phase::RUNNING.into(),
            ..Default::default()
        }];
        assert_eq!(readiness(&p, &statuses, 0), Readiness::Run);
        assert_eq!(
            readiness(&p, &statuses, 1),
            Readiness::Wait("Pending on DependsOn: db".into())
        );
    }

    #[test]
    fn topology_and_override_policies_make_deploy_steps() {
        let p = plan(&app(
            json!({"components": [{"name": "web", "type": "webservice"}],
            "policies": [
                {"name": "o", "type": "override", "properties": {}},
                {"name": "t1", "type": "topology", "properties": {"clusters": ["local"]}}
            ]}),
        ));
        assert_eq!(p.steps.len(), 1);
        assert_eq!(p.steps[0].name, "deploy-t1");
        assert_eq!(
            p.steps[0].kind,
            StepKind::Deploy {
                policies: vec!["o".into(), "t1".into()]
            }
        );
        let p = plan(&app(
            json!({"components": [{"name": "web", "type": "webservice"}],
            "policies": [{"name": "o", "type": "override", "properties": {}}]}),
        ));
        assert_eq!(p.steps[0].name, "deploy");
    }

    #[test]
    fn explicit_steps_run_step_by_step() {
        let p = plan(&app(
            json!({"components": [{"name": "web", "type": "webservice"}],
            "workflow": {"steps": [
                {"name": "first", "type": "apply-component", "properties": {"component": "web"}},
                {"name": "gate", "type": "suspend"}
            ]}}),
        ));
        assert_eq!(p.mode, "StepByStep-DAG");
        assert_eq!(
            p.steps[1].kind,
            StepKind::Unsupported {
                type_: "suspend".into()
            }
        );
        assert_eq!(
            readiness(&p, &[], 1),
            Readiness::Wait("Pending on DependsOn: first".into())
        );
    }

    #[test]
    fn backoff_is_kubevelas() {
        assert_eq!(wait_backoff(1), Duration::from_secs(1));
        assert_eq!(wait_backoff(6), Duration::from_secs(3));
        assert_eq!(wait_backoff(11), Duration::from_secs(60));
        assert_eq!(wait_backoff(30), Duration::from_secs(60));
    }

    #[test]
    fn step_ids_are_stable_and_distinct() {
        assert_eq!(step_id("a-v1", "web"), step_id("a-v1", "web"));
        assert_ne!(step_id("a-v1", "web"), step_id("a-v2", "web"));
        assert_eq!(step_id("a-v1", "web").len(), 10);
    }
}
