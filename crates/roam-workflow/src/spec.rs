//! Which steps an app's workflow has, and in which modes.
//!
//! Explicit `spec.workflow.steps` (or a referenced `Workflow`'s) win and run
//! `StepByStep`, sub-steps `DAG`, unless `spec.workflow.mode` says
//! otherwise. Without them, KubeVela's default generation: one `deploy`
//! step per topology policy (`deploy-<topology>`, with every override
//! policy before it), else a single `deploy` step when there are override
//! policies or `ref-objects` components, else one `apply-component` step
//! per component, named after it, with its `dependsOn`, in DAG mode.

use roam_api::{AppPolicy, Application, WorkflowMode, WorkflowStep};
use serde_json::json;

/// The steps of a workflow and its modes.
#[derive(Clone, Debug, PartialEq)]
pub struct Spec {
    pub steps_mode: WorkflowMode,
    pub sub_steps_mode: WorkflowMode,
    pub steps: Vec<WorkflowStep>,
    /// The steps were generated (no `spec.workflow`).
    pub generated: bool,
}

pub fn mode_name(m: WorkflowMode) -> &'static str {
    match m {
        WorkflowMode::StepByStep => "StepByStep",
        WorkflowMode::Dag => "DAG",
    }
}

impl Spec {
    /// `<steps>-<subSteps>`, as `status.workflow.mode` shows it.
    pub fn mode(&self) -> String {
        format!(
            "{}-{}",
            mode_name(self.steps_mode),
            mode_name(self.sub_steps_mode)
        )
    }

    /// The app's workflow. `referenced` are the steps of the `Workflow`
    /// object `spec.workflow.ref` names (the caller reads it).
    pub fn of(app: &Application, referenced: Option<&[WorkflowStep]>) -> Spec {
        let wf = app.spec.workflow.as_ref();
        let explicit: Option<&[WorkflowStep]> = referenced
            .filter(|s| !s.is_empty())
            .or_else(|| wf.map(|w| w.steps.as_slice()).filter(|s| !s.is_empty()));
        let mode = wf.and_then(|w| w.mode.as_ref());
        match explicit {
            Some(steps) => Spec {
                steps_mode: mode
                    .and_then(|m| m.steps)
                    .unwrap_or(WorkflowMode::StepByStep),
                sub_steps_mode: mode.and_then(|m| m.sub_steps).unwrap_or(WorkflowMode::Dag),
                steps: steps.to_vec(),
                generated: false,
            },
            None => Spec {
                steps_mode: mode.and_then(|m| m.steps).unwrap_or(WorkflowMode::Dag),
                sub_steps_mode: mode.and_then(|m| m.sub_steps).unwrap_or(WorkflowMode::Dag),
                steps: default_steps(app),
                generated: true,
            },
        }
    }
}

fn default_steps(app: &Application) -> Vec<WorkflowStep> {
    let by_type = |t: &str| -> Vec<&AppPolicy> {
        app.spec.policies.iter().filter(|p| p.type_ == t).collect()
    };
    let overrides: Vec<String> = by_type("override").iter().map(|p| p.name.clone()).collect();
    let topologies = by_type("topology");
    let deploy = |name: String, policies: Vec<String>| WorkflowStep {
        name,
        type_: "deploy".into(),
        properties: Some(json!({ "policies": policies })),
        ..Default::default()
    };
    if !topologies.is_empty() {
        return topologies
            .iter()
            .map(|t| {
                let mut policies = overrides.clone();
                policies.push(t.name.clone());
                deploy(format!("deploy-{}", t.name), policies)
            })
            .collect();
    }
    if !overrides.is_empty() || app.spec.components.iter().any(|c| c.type_ == "ref-objects") {
        return vec![deploy("deploy".into(), overrides)];
    }
    app.spec
        .components
        .iter()
        .map(|c| WorkflowStep {
            name: c.name.clone(),
            type_: "apply-component".into(),
            depends_on: c.depends_on.clone(),
            properties: Some(json!({ "component": c.name })),
            ..Default::default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

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
        let s = Spec::of(
            &app(json!({"components": [
                {"name": "db", "type": "worker"},
                {"name": "web", "type": "webservice", "dependsOn": ["db"]}
            ]})),
            None,
        );
        assert_eq!(s.mode(), "DAG-DAG");
        assert!(s.generated);
        assert_eq!(s.steps[1].depends_on, vec!["db"]);
        assert_eq!(s.steps[1].type_, "apply-component");
        assert_eq!(s.steps[1].properties, Some(json!({"component": "web"})));
    }

    #[test]
    fn topology_and_override_policies_make_deploy_steps() {
        let s = Spec::of(
            &app(
                json!({"components": [{"name": "web", "type": "webservice"}],
                "policies": [
                    {"name": "o", "type": "override", "properties": {}},
                    {"name": "t1", "type": "topology", "properties": {"clusters": ["local"]}}
                ]}),
            ),
            None,
        );
        assert_eq!(s.steps.len(), 1);
        assert_eq!(s.steps[0].name, "deploy-t1");
        assert_eq!(
            s.steps[0].properties,
            Some(json!({"policies": ["o", "t1"]}))
        );
        let s = Spec::of(
            &app(
                json!({"components": [{"name": "web", "type": "webservice"}],
            "policies": [{"name": "o", "type": "override", "properties": {}}]}),
            ),
            None,
        );
        assert_eq!(s.steps[0].name, "deploy");
    }

    #[test]
    fn explicit_steps_run_step_by_step_unless_told() {
        let a = app(
            json!({"components": [{"name": "web", "type": "webservice"}],
            "workflow": {"steps": [{"name": "gate", "type": "suspend"}]}}),
        );
        let s = Spec::of(&a, None);
        assert_eq!(s.mode(), "StepByStep-DAG");
        assert!(!s.generated);
        let a = app(json!({"components": [],
            "workflow": {"mode": {"steps": "DAG", "subSteps": "StepByStep"}, "steps": [{"name": "gate", "type": "suspend"}]}}));
        assert_eq!(Spec::of(&a, None).mode(), "DAG-StepByStep");
        // A referenced Workflow's steps replace the app's.
        let referenced = vec![WorkflowStep {
            name: "x".into(),
            type_: "suspend".into(),
            ..Default::default()
        }];
        let s = Spec::of(&app(json!({"components": []})), Some(&referenced));
        assert_eq!(s.steps[0].name, "x");
        assert_eq!(s.mode(), "StepByStep-DAG");
    }
}
