//! Checks of a workflow before any step runs: what can be known wrong from
//! the spec alone is reported at once, with the step's name and path,
//! instead of surfacing halfway through a delivery.

use std::collections::{BTreeSet, HashMap};

use roam_api::{ApplicationComponent, WorkflowStep};
use roam_render::{DefKind, Registry};

use crate::spec::Spec;

/// One thing wrong with a workflow.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// `spec.workflow.steps[1].subSteps[0].dependsOn`.
    pub path: String,
    /// The step's name.
    pub step: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (step {:?}): {}", self.path, self.step, self.message)
    }
}

/// Everything wrong with `spec`: unknown step types, duplicate names,
/// `dependsOn` naming no step or going round in a cycle, inputs no step or
/// component produces, `if` expressions that do not compile, timeouts that
/// are not durations.
pub fn validate(
    spec: &Spec,
    registry: &Registry,
    components: &[ApplicationComponent],
) -> Vec<Problem> {
    let mut problems = Vec::new();
    // Every variable some step (or component) can produce.
    let mut produced: BTreeSet<String> = components
        .iter()
        .flat_map(|c| c.outputs.iter().map(|o| o.name.clone()))
        .collect();
    for s in &spec.steps {
        for x in std::iter::once(s).chain(&s.sub_steps) {
            produced.extend(x.outputs.iter().map(|o| o.name.clone()));
        }
    }
    // (An input must name an `outputs` entry: a variable only a template
    // writes with #DoVar is not known before the run.)
    let base = if spec.generated {
        "spec.components"
    } else {
        "spec.workflow.steps"
    };
    level(&spec.steps, base, registry, &produced, &mut problems);
    problems
}

fn level(
    steps: &[WorkflowStep],
    base: &str,
    registry: &Registry,
    produced: &BTreeSet<String>,
    problems: &mut Vec<Problem>,
) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, s) in steps.iter().enumerate() {
        let at = format!("{base}[{i}]");
        let mut bad = |field: &str, message: String| {
            problems.push(Problem {
                path: if field.is_empty() {
                    at.clone()
                } else {
                    format!("{at}.{field}")
                },
                step: s.name.clone(),
                message,
            })
        };
        if s.name.is_empty() {
            bad("name", "every step needs a name".into());
        }
        if let Some(first) = seen.insert(&s.name, i) {
            bad(
                "name",
                format!("the name is used by {base}[{first}] too; step names must be unique"),
            );
        }
        if s.type_ != "step-group" && registry.get(DefKind::WorkflowStep, &s.type_).is_none() {
            let mut known: Vec<String> = registry
                .list(DefKind::WorkflowStep)
                .map(|d| d.name.clone())
                .collect();
            known.push("step-group".into());
            known.sort();
            bad(
                "type",
                format!(
                    "unknown step type {:?} (WorkflowStepDefinitions here: {})",
                    s.type_,
                    known.join(", ")
                ),
            );
        }
        if s.type_ != "step-group" && !s.sub_steps.is_empty() {
            bad(
                "subSteps",
                format!("only a step-group has sub-steps, not a {:?} step", s.type_),
            );
        }
        for d in &s.depends_on {
            if !steps.iter().any(|x| &x.name == d) {
                bad("dependsOn", format!("{d:?} is not a step here"));
            }
        }
        for (j, input) in s.inputs.iter().enumerate() {
            let root = input.from.split('.').next().unwrap_or("");
            if !produced.contains(root) {
                bad(
                    &format!("inputs[{j}].from"),
                    format!(
                        "no step's or component's outputs name {root:?}; the step would wait for it forever"
                    ),
                );
            }
        }
        if let Some(cond) = s
            .if_
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty() && *c != "always")
        {
            let src =
                format!("status: _\ninputs: _\ncontext: _\nparameter: _\nroam_if_result: {cond}\n");
            if let Err(e) = roam_cue::eval::Program::compile(&[("if.cue", &src)]) {
                bad("if", format!("{cond:?} is not a CUE expression: {e}"));
            }
        }
        if let Some(t) = s.timeout.as_deref().filter(|t| !t.is_empty())
            && let Err(e) = crate::duration::parse(t)
        {
            bad("timeout", e);
        }
        if !s.sub_steps.is_empty() {
            level(
                &s.sub_steps,
                &format!("{at}.subSteps"),
                registry,
                produced,
                problems,
            );
        }
    }
    // Cycles in dependsOn.
    if let Some(cycle) = find_cycle(steps) {
        let i = steps.iter().position(|s| s.name == cycle[0]).unwrap_or(0);
        problems.push(Problem {
            path: format!("{base}[{i}].dependsOn"),
            step: cycle[0].clone(),
            message: format!("dependsOn goes round in a cycle: {}", cycle.join(" → ")),
        });
    }
}

/// A dependency cycle, as the names along it (first repeated at the end).
fn find_cycle(steps: &[WorkflowStep]) -> Option<Vec<String>> {
    // 0 unvisited, 1 on the path, 2 done.
    let mut state: HashMap<&str, u8> = HashMap::new();
    fn visit<'a>(
        n: &'a str,
        steps: &'a [WorkflowStep],
        state: &mut HashMap<&'a str, u8>,
        path: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        match state.get(n) {
            Some(2) => return None,
            Some(1) => {
                let start = path.iter().position(|p| *p == n).unwrap_or(0);
                let mut c: Vec<String> = path[start..].iter().map(|s| s.to_string()).collect();
                c.push(n.to_string());
                return Some(c);
            }
            _ => {}
        }
        state.insert(n, 1);
        path.push(n);
        if let Some(s) = steps.iter().find(|s| s.name == n) {
            for d in &s.depends_on {
                if steps.iter().any(|x| &x.name == d)
                    && let Some(c) = visit(d, steps, state, path)
                {
                    return Some(c);
                }
            }
        }
        path.pop();
        state.insert(n, 2);
        None
    }
    for s in steps {
        let mut path = Vec::new();
        if let Some(c) = visit(&s.name, steps, &mut state, &mut path) {
            return Some(c);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn spec(v: Value) -> (Spec, Vec<ApplicationComponent>) {
        let app: roam_api::Application = serde_json::from_value(json!({
            "apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
            "metadata": {"name": "a", "namespace": "default"}, "spec": v
        }))
        .unwrap();
        (Spec::of(&app, None), app.spec.components)
    }

    #[test]
    fn reports_every_problem_with_its_step_and_path() {
        let (s, comps) = spec(
            json!({"components": [{"name": "web", "type": "webservice"}],
            "workflow": {"steps": [
                {"name": "a", "type": "suspend", "dependsOn": ["c"]},
                {"name": "b", "type": "no-such", "dependsOn": ["ghost"], "timeout": "5 minutes"},
                {"name": "c", "type": "suspend", "dependsOn": ["a"], "if": "status.a.phase ==",
                 "inputs": [{"from": "never.made", "parameterKey": "x"}]},
                {"name": "a", "type": "suspend"},
                {"name": "g", "type": "step-group", "subSteps": [
                    {"name": "s1", "type": "suspend", "dependsOn": ["s2"]},
                    {"name": "s2", "type": "suspend", "dependsOn": ["s1"]}
                ]}
            ]}}),
        );
        let problems: Vec<String> = validate(&s, Registry::builtin(), &comps)
            .iter()
            .map(|p| {
                format!(
                    "{}: {}",
                    p.path,
                    p.message.split(" (WorkflowStepDefinitions").next().unwrap()
                )
            })
            .collect();
        let expect = [
            "spec.workflow.steps[1].type: unknown step type \"no-such\"",
            "spec.workflow.steps[1].dependsOn: \"ghost\" is not a step here",
            "spec.workflow.steps[2].inputs[0].from: no step's or component's outputs name \"never\"; the step would wait for it forever",
            "spec.workflow.steps[3].name: the name is used by spec.workflow.steps[0] too; step names must be unique",
            "spec.workflow.steps[4].subSteps[0].dependsOn: dependsOn goes round in a cycle: s1 → s2 → s1",
            "spec.workflow.steps[0].dependsOn: dependsOn goes round in a cycle: a → c → a",
        ];
        for e in expect {
            assert!(
                problems.iter().any(|p| p == e),
                "missing {e:?} in {problems:#?}"
            );
        }
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("spec.workflow.steps[1].timeout: invalid duration")),
            "{problems:#?}"
        );
        assert!(
            problems.iter().any(|p| p.starts_with(
                "spec.workflow.steps[2].if: \"status.a.phase ==\" is not a CUE expression"
            )),
            "{problems:#?}"
        );
        assert_eq!(problems.len(), 8, "{problems:#?}");
    }

    #[test]
    fn a_good_workflow_and_the_default_one_pass() {
        let (s, comps) = spec(json!({"components": [
            {"name": "db", "type": "worker", "outputs": [{"name": "host", "valueFrom": "output.metadata.name"}]},
            {"name": "web", "type": "webservice", "dependsOn": ["db"], "inputs": [{"from": "host", "parameterKey": "env"}]}
        ]}));
        assert_eq!(validate(&s, Registry::builtin(), &comps), vec![]);
    }
}
