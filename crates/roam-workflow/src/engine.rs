//! The engine: which step runs when, what its outcome does to the
//! workflow, and when to look again. One call of [`Engine::run`] is one
//! reconcile's worth of progress; everything it needs next time is in the
//! status and the [`ContextData`].
//!
//! Semantics are KubeVela's (`kubevela/workflow`): modes `StepByStep` and
//! `DAG` for steps and sub-steps, `step-group`, `dependsOn`, `if` (CUE over
//! earlier steps' status and the inputs, or `always`), `timeout` from the
//! first execution, inputs/outputs through workflow variables, retries of
//! failed executions with a limit, suspension with optional auto-resume,
//! and the requeue backoff `floor(2^n × 0.05) s` clamped to [1 s, 60 s]
//! (300 s once a step has failed).

use std::collections::{BTreeMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use roam_api::{
    ApplicationComponent, WorkflowMode, WorkflowStatus, WorkflowStep, WorkflowStepStatus,
};
use roam_render::{DefKind, Registry};
use serde_json::{Value, json};

use crate::context::{ContextData, StepMemo};
use crate::provider::Provider;
use crate::spec::Spec;
use crate::step::{self, StepResult};
use crate::templates::Templates;

/// Failed executions of a step before it fails for good
/// (`MaxWorkflowStepErrorRetryTimes`).
pub const MAX_STEP_FAILURES: u32 = 10;

/// Step phases.
pub mod phase {
    pub const PENDING: &str = "pending";
    pub const RUNNING: &str = "running";
    pub const SUSPENDING: &str = "suspending";
    pub const SUCCEEDED: &str = "succeeded";
    pub const FAILED: &str = "failed";
    pub const SKIPPED: &str = "skipped";
}

/// Step reasons.
pub mod reason {
    pub const WAIT: &str = "Wait";
    pub const SUSPEND: &str = "Suspend";
    pub const TERMINATE: &str = "Terminate";
    pub const ACTION: &str = "Action";
    pub const EXECUTE: &str = "Execute";
    pub const TIMEOUT: &str = "Timeout";
    pub const FAILED_AFTER_RETRIES: &str = "FailedAfterRetries";
    pub const SKIP: &str = "Skip";
    pub const RENDERING: &str = "Rendering";
    pub const INPUT: &str = "Input";
    pub const OUTPUT: &str = "Output";
    pub const PARAMETER: &str = "ProcessParameter";
}

/// Workflow phases (`status.workflow.status`).
pub mod workflow_phase {
    pub const INITIALIZING: &str = "initializing";
    pub const EXECUTING: &str = "executing";
    pub const SUSPENDING: &str = "suspending";
    pub const TERMINATED: &str = "terminated";
    pub const FAILED: &str = "failed";
    pub const SUCCEEDED: &str = "succeeded";
}

/// Whether a step has ended for this run of the workflow. A failure with
/// reason `Execute` has not: it is retried.
pub fn is_done(s: &WorkflowStepStatus) -> bool {
    match s.phase.as_str() {
        phase::SUCCEEDED | phase::SKIPPED => true,
        phase::FAILED => s.reason != reason::EXECUTE,
        _ => false,
    }
}

/// A stable step id (10 lowercase letters and digits) for a step of a
/// revision, shaped like KubeVela's random ids.
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

fn now_string(t: jiff::Timestamp) -> String {
    t.round(jiff::Unit::Second).unwrap_or(t).to_string()
}

/// A fresh status for a run of `spec` at `revision`: every step pending.
pub fn fresh_status(spec: &Spec, revision: &str, now: jiff::Timestamp) -> WorkflowStatus {
    WorkflowStatus {
        app_revision: revision.to_string(),
        mode: spec.mode(),
        status: workflow_phase::EXECUTING.into(),
        steps: spec
            .steps
            .iter()
            .map(|s| pending_status(revision, s, ""))
            .collect(),
        start_time: Some(now_string(now)),
        ..Default::default()
    }
}

fn pending_status(revision: &str, s: &WorkflowStep, parent: &str) -> WorkflowStepStatus {
    let scoped = if parent.is_empty() {
        s.name.clone()
    } else {
        format!("{parent}/{}", s.name)
    };
    WorkflowStepStatus {
        id: step_id(revision, &scoped),
        name: s.name.clone(),
        type_: s.type_.clone(),
        phase: phase::PENDING.into(),
        sub_steps: s
            .sub_steps
            .iter()
            .map(|sub| pending_status(revision, sub, &s.name))
            .collect(),
        ..Default::default()
    }
}

/// What one run decided.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// When to run again; `None` when only an outside event (resume, a new
    /// revision) can move the workflow.
    pub requeue: Option<Duration>,
}

/// Per-run state shared by all levels.
struct Run {
    terminated: bool,
    suspended: bool,
    /// Earliest deadline (step timeout, auto-resume).
    wake: Option<jiff::Timestamp>,
    /// Steps executed in this run (each at most once per run).
    attempted: HashSet<String>,
}

impl Run {
    fn wake_at(&mut self, t: jiff::Timestamp) {
        self.wake = Some(self.wake.map_or(t, |w| w.min(t)));
    }
}

/// The engine, for one app and one reconcile.
pub struct Engine<'a, P> {
    pub provider: &'a P,
    /// Where step types are looked up (WorkflowStepDefinitions).
    pub registry: &'a Registry,
    pub templates: &'a Templates,
    /// The app's components (`apply-component` applies them by name).
    pub components: &'a [ApplicationComponent],
    /// `context` for step templates (name, namespace, appName,
    /// appRevision, …); the engine adds `stepName` and `stepSessionID`.
    pub context: Value,
    pub now: jiff::Timestamp,
}

impl<'a, P: Provider> Engine<'a, P> {
    /// Runs what can run now. `wf` must belong to `spec` (see
    /// [`fresh_status`]); the caller restarts it on a new revision.
    pub async fn run(
        &self,
        spec: &Spec,
        wf: &mut WorkflowStatus,
        ctx: &mut ContextData,
    ) -> Outcome {
        align(&spec.steps, &mut wf.steps, &wf.app_revision, "");
        let mut run = Run {
            terminated: wf.terminated,
            suspended: wf.suspend,
            wake: None,
            attempted: HashSet::new(),
        };
        if wf.terminated {
            // `roam workflow terminate`: nothing runs any more.
            finish(wf, &mut run, self.now);
            return Outcome { requeue: None };
        }
        if run.suspended {
            // Resume by itself if a suspension's time has come.
            let mut due = false;
            for_each_status(&mut wf.steps, &mut |s| {
                if s.phase != phase::SUSPENDING {
                    return;
                }
                if let Some(at) = ctx.steps.get(&s.id).and_then(|m| m.resume_at.as_deref()) {
                    match at.parse::<jiff::Timestamp>() {
                        Ok(t) if t <= self.now => due = true,
                        Ok(t) => run.wake_at(t),
                        Err(_) => due = true,
                    }
                }
            });
            // A suspended step's timeout still runs.
            for (step, s) in spec.steps.iter().zip(wf.steps.iter_mut()) {
                if s.phase != phase::SUSPENDING {
                    continue;
                }
                let Some(deadline) = deadline(step, s) else {
                    continue;
                };
                if deadline <= self.now {
                    let t = step.timeout.clone().unwrap_or_default();
                    let msg = format!("the step did not finish within its timeout of {t}");
                    set_phase(s, phase::FAILED, reason::TIMEOUT, &msg, self.now);
                    mark_running_subs(s, phase::FAILED, reason::TIMEOUT, self.now);
                    run.terminated = true;
                } else {
                    run.wake_at(deadline);
                }
            }
            if run.terminated {
                run.suspended = false;
                self.level(
                    &spec.steps,
                    spec.steps_mode,
                    spec.sub_steps_mode,
                    &mut wf.steps,
                    ctx,
                    &mut run,
                )
                .await;
                finish(wf, &mut run, self.now);
                return Outcome { requeue: None };
            }
            if !due {
                finish(wf, &mut run, self.now);
                return Outcome {
                    requeue: requeue(wf, ctx, &run, self.now),
                };
            }
            run.suspended = false;
            run.wake = None;
        }
        self.level(
            &spec.steps,
            spec.steps_mode,
            spec.sub_steps_mode,
            &mut wf.steps,
            ctx,
            &mut run,
        )
        .await;
        finish(wf, &mut run, self.now);
        Outcome {
            requeue: requeue(wf, ctx, &run, self.now),
        }
    }

    /// Runs one level (the steps, or a group's sub-steps).
    fn level<'s>(
        &'s self,
        steps: &'s [WorkflowStep],
        mode: WorkflowMode,
        sub_mode: WorkflowMode,
        statuses: &'s mut [WorkflowStepStatus],
        ctx: &'s mut ContextData,
        run: &'s mut Run,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 's>> {
        Box::pin(async move {
            for _pass in 0..=steps.len() {
                let mut progressed = false;
                for i in 0..steps.len() {
                    if is_done(&statuses[i]) {
                        continue;
                    }
                    if run.suspended {
                        break;
                    }
                    let before = statuses[i].clone();
                    let blocked = self
                        .visit(steps, i, mode, sub_mode, statuses, ctx, run)
                        .await;
                    if statuses[i] != before {
                        progressed = true;
                    }
                    if mode == WorkflowMode::StepByStep && (blocked || !is_done(&statuses[i])) {
                        break;
                    }
                }
                if !progressed {
                    break;
                }
            }
        })
    }

    /// Decides and (maybe) runs step `i`. Returns whether it is blocked on
    /// something outside it (dependencies, inputs).
    #[allow(clippy::too_many_arguments)]
    async fn visit(
        &self,
        steps: &[WorkflowStep],
        i: usize,
        mode: WorkflowMode,
        sub_mode: WorkflowMode,
        statuses: &mut [WorkflowStepStatus],
        ctx: &mut ContextData,
        run: &mut Run,
    ) -> bool {
        let step = &steps[i];
        let cond = step.if_.as_deref().map(str::trim).unwrap_or("");
        let always = cond == "always";
        if run.terminated && !always {
            set_phase(&mut statuses[i], phase::SKIPPED, reason::SKIP, "", self.now);
            return false;
        }
        // Dependencies: `dependsOn`, and in StepByStep the step before.
        let mut deps: Vec<&str> = step.depends_on.iter().map(String::as_str).collect();
        if mode == WorkflowMode::StepByStep && i > 0 {
            deps.push(&steps[i - 1].name);
        }
        let mut deps_ok = true;
        for d in &deps {
            let Some(ds) = statuses.iter().find(|s| s.name == *d) else {
                set_phase(
                    &mut statuses[i],
                    phase::FAILED,
                    reason::INPUT,
                    &format!("dependsOn names {d:?}, which is not a step of this workflow"),
                    self.now,
                );
                run.terminated = true;
                return false;
            };
            if !is_done(ds) {
                let s = &mut statuses[i];
                s.phase = phase::PENDING.into();
                s.reason = String::new();
                s.message = format!("Pending on DependsOn: {d}");
                return true;
            }
            let ok = ds.phase == phase::SUCCEEDED
                || (ds.phase == phase::SKIPPED
                    && mode == WorkflowMode::StepByStep
                    && !step.depends_on.iter().any(|x| x == d));
            deps_ok &= ok;
        }
        // `if`.
        let run_it = match cond {
            "" => deps_ok,
            "always" => true,
            expr => match self.eval_if(expr, step, statuses, ctx) {
                Ok(b) => b,
                Err(e) => {
                    set_phase(
                        &mut statuses[i],
                        phase::FAILED,
                        reason::INPUT,
                        &format!("if: {e}"),
                        self.now,
                    );
                    run.terminated = true;
                    return false;
                }
            },
        };
        if !run_it {
            set_phase(&mut statuses[i], phase::SKIPPED, reason::SKIP, "", self.now);
            return false;
        }
        // Inputs must exist.
        for input in &step.inputs {
            if ctx.var(&input.from).is_none() {
                let s = &mut statuses[i];
                s.phase = phase::PENDING.into();
                s.reason = String::new();
                s.message = format!("Pending on Input: {}", input.from);
                return true;
            }
        }
        // Timeout, from the first execution.
        if let Some(t) = step.timeout.as_deref().filter(|t| !t.is_empty()) {
            let d = match crate::duration::parse(t) {
                Ok(d) => d,
                Err(e) => {
                    let msg = format!("timeout: {e}");
                    set_phase(
                        &mut statuses[i],
                        phase::FAILED,
                        reason::INPUT,
                        &msg,
                        self.now,
                    );
                    run.terminated = true;
                    return false;
                }
            };
            match deadline(step, &statuses[i]) {
                Some(deadline) if deadline <= self.now => {
                    let s = &mut statuses[i];
                    let msg = format!("the step did not finish within its timeout of {t}");
                    set_phase(s, phase::FAILED, reason::TIMEOUT, &msg, self.now);
                    mark_running_subs(s, phase::FAILED, reason::TIMEOUT, self.now);
                    run.terminated = true;
                    return false;
                }
                Some(deadline) => run.wake_at(deadline),
                // Not run yet: the clock starts now.
                None => {
                    if let Some(deadline) = jiff::SignedDuration::try_from(d)
                        .ok()
                        .and_then(|d| self.now.checked_add(d).ok())
                    {
                        run.wake_at(deadline);
                    }
                }
            }
        }
        let key = statuses[i].id.clone();
        if !run.attempted.insert(key) {
            return false;
        }
        if step.type_ == "step-group" {
            let s = &mut statuses[i];
            if s.first_execute_time.is_none() {
                s.first_execute_time = Some(now_string(self.now));
            }
            s.last_execute_time = Some(now_string(self.now));
            let group_mode = step.mode.unwrap_or(sub_mode);
            let mut subs = std::mem::take(&mut s.sub_steps);
            self.level(&step.sub_steps, group_mode, sub_mode, &mut subs, ctx, run)
                .await;
            let s = &mut statuses[i];
            s.sub_steps = subs;
            let (p, r, m) = group_phase(&s.sub_steps);
            s.phase = p.into();
            s.reason = r;
            s.message = m;
            return false;
        }
        let result = self.exec(step, &statuses[i], ctx).await;
        let now = self.now;
        let s = &mut statuses[i];
        let memo = ctx.steps.entry(s.id.clone()).or_default();
        apply_result(s, memo, result, run, now);
        false
    }

    /// Runs a step's template.
    async fn exec(
        &self,
        step: &WorkflowStep,
        status: &WorkflowStepStatus,
        ctx: &mut ContextData,
    ) -> StepResult {
        // apply-component runs the internal template with the component.
        let (template, parameter, inputs, outputs) = if step.type_ == "apply-component" {
            let props = step.properties.clone().unwrap_or(json!({}));
            let name = props.get("component").and_then(Value::as_str).unwrap_or("");
            let Some(comp) = self.components.iter().find(|c| c.name == name) else {
                let have: Vec<&str> = self.components.iter().map(|c| c.name.as_str()).collect();
                return StepResult::Fail {
                    reason: reason::PARAMETER,
                    message: format!(
                        "properties.component: {name:?} is not a component of this application (it has: {})",
                        have.join(", ")
                    ),
                    terminate: true,
                };
            };
            let mut inputs = step.inputs.clone();
            inputs.extend(comp.inputs.iter().map(|i| roam_api::InputItem {
                from: i.from.clone(),
                parameter_key: if i.parameter_key.is_empty() {
                    String::new()
                } else {
                    format!("value.properties.{}", i.parameter_key)
                },
            }));
            let mut outputs = step.outputs.clone();
            outputs.extend(comp.outputs.iter().cloned());
            let parameter = json!({
                "value": serde_json::to_value(comp).unwrap_or(Value::Null),
                "cluster": props.get("cluster").cloned().unwrap_or(json!("")),
                "namespace": props.get("namespace").cloned().unwrap_or(json!("")),
            });
            // Run directly (`apply_component`), not as a template.
            (None, parameter, inputs, outputs)
        } else {
            let Some(def) = self.registry.get(DefKind::WorkflowStep, &step.type_) else {
                let mut known: Vec<String> = self
                    .registry
                    .list(DefKind::WorkflowStep)
                    .map(|d| d.name.clone())
                    .collect();
                known.push("step-group".into());
                known.sort();
                return StepResult::Fail {
                    reason: reason::RENDERING,
                    message: format!(
                        "unknown step type {:?} (WorkflowStepDefinitions here: {})",
                        step.type_,
                        known.join(", ")
                    ),
                    terminate: true,
                };
            };
            let Some(t) = def.template.clone() else {
                return StepResult::Fail {
                    reason: reason::RENDERING,
                    message: format!(
                        "WorkflowStepDefinition {:?} has no CUE template",
                        step.type_
                    ),
                    terminate: true,
                };
            };
            (
                Some(t),
                step.properties.clone().unwrap_or(json!({})),
                step.inputs.clone(),
                step.outputs.clone(),
            )
        };
        let mut parameter = match parameter {
            Value::Object(m) => m,
            other => {
                return StepResult::Fail {
                    reason: reason::PARAMETER,
                    message: format!("properties must be an object, found {other}"),
                    terminate: true,
                };
            }
        };
        for input in &inputs {
            if !input.parameter_key.is_empty() {
                let v = ctx.var(&input.from).cloned().unwrap_or(Value::Null);
                crate::context::set_path(&mut parameter, &input.parameter_key, v);
            }
        }
        let Some(template) = template else {
            return self
                .apply_component(step, status, Value::Object(parameter), &outputs, ctx)
                .await;
        };
        let mut context = self.context.clone();
        if let Some(c) = context.as_object_mut() {
            c.insert("stepName".into(), json!(step.name));
            c.insert("stepSessionID".into(), json!(status.id));
            c.insert("spanID".into(), json!(status.id));
        }
        let program = match self.templates.get(&template) {
            Ok(p) => p,
            Err(e) => {
                return StepResult::Fail {
                    reason: reason::RENDERING,
                    message: format!(
                        "the template of step type {:?} does not compile: {e}",
                        step.type_
                    ),
                    terminate: true,
                };
            }
        };
        let memo = ctx.steps.get(&status.id).cloned().unwrap_or_default();
        let mut exec = step::Exec {
            provider: self.provider,
            step: &step.name,
            step_id: &status.id,
            prev_phase: &status.phase,
            memo,
            vars: &mut ctx.vars,
            now: self.now,
        };
        let (result, outputs_found, memo) = exec
            .run(&program, Value::Object(parameter), context, &outputs)
            .await;
        ctx.steps.insert(status.id.clone(), memo);
        // Outputs are exported when the step succeeds (a waiting step's
        // values are not final).
        if matches!(result, StepResult::Succeeded { .. }) {
            for (name, v) in outputs_found {
                ctx.set_var(&name, v);
            }
        }
        result
    }

    /// `apply-component` without evaluating [`step::BUILTIN_APPLY_COMPONENT`]:
    /// the same single action and the same outputs, read straight from its
    /// result. Every generated step is one of these, so this is the hot path.
    async fn apply_component(
        &self,
        step: &WorkflowStep,
        status: &WorkflowStepStatus,
        parameter: Value,
        outputs: &[roam_api::OutputItem],
        ctx: &mut ContextData,
    ) -> StepResult {
        let params = json!({
            "value": parameter["value"],
            "cluster": parameter["cluster"],
            "namespace": parameter["namespace"],
            "waitHealthy": true,
        });
        let call = crate::provider::ProviderCall {
            step: &step.name,
            step_id: &status.id,
            path: "apply",
            provider: "oam",
            action: "component-apply",
            params: &params,
        };
        let (result, waiting) = match self.provider.call(&call).await {
            Ok(crate::ProviderOutcome::Done(v)) => (v, None),
            Ok(crate::ProviderOutcome::Wait { message, result }) => (result, Some(message)),
            Err(e) => {
                return StepResult::Fail {
                    reason: reason::EXECUTE,
                    message: format!("apply (oam.#component-apply): {e}"),
                    terminate: false,
                };
            }
        };
        if let Some(message) = waiting {
            return StepResult::Wait { message };
        }
        for o in outputs {
            let mut cur = Some(&result);
            for part in o.value_from.split('.').filter(|p| !p.is_empty()) {
                cur = cur.and_then(|v| match v {
                    Value::Object(m) => m.get(part),
                    Value::Array(a) => part.parse::<usize>().ok().and_then(|i| a.get(i)),
                    _ => None,
                });
            }
            ctx.set_var(&o.name, cur.cloned().unwrap_or(Value::Null));
        }
        StepResult::Succeeded {
            message: String::new(),
        }
    }

    /// Evaluates an `if` expression.
    fn eval_if(
        &self,
        expr: &str,
        step: &WorkflowStep,
        statuses: &[WorkflowStepStatus],
        ctx: &ContextData,
    ) -> Result<bool, String> {
        let mut status = serde_json::Map::new();
        for s in statuses {
            status.insert(
                s.name.clone(),
                json!({
                    "phase": s.phase,
                    "message": s.message,
                    "reason": s.reason,
                    "succeeded": s.phase == phase::SUCCEEDED,
                    "failed": s.phase == phase::FAILED,
                    "skipped": s.phase == phase::SKIPPED,
                    "timeout": s.reason == reason::TIMEOUT,
                    "failedAfterRetries": s.reason == reason::FAILED_AFTER_RETRIES,
                    "terminate": s.reason == reason::TERMINATE,
                }),
            );
        }
        let mut inputs = serde_json::Map::new();
        for i in &step.inputs {
            if let Some(v) = ctx.var(&i.from) {
                crate::context::set_path(&mut inputs, &i.from, v.clone());
            }
        }
        let src = format!(
            "status: {}\ninputs: {}\ncontext: {}\nparameter: {}\nroam_if_result: {expr}\n",
            Value::Object(status),
            Value::Object(inputs),
            self.context,
            step.properties.clone().unwrap_or(json!({})),
        );
        let prog = roam_cue::eval::Program::compile(&[("if.cue", &src)])
            .map_err(|e| format!("{expr:?} is not a CUE expression: {e}"))?;
        let mut inst = prog.instance();
        let v = inst
            .lookup(&["roam_if_result"])
            .ok_or_else(|| format!("{expr:?} has no value"))?;
        match inst.export_serde(v) {
            Ok(Value::Bool(b)) => Ok(b),
            Ok(other) => Err(format!("{expr:?} is {other}, not a boolean")),
            Err(e) => Err(format!("{expr:?}: {e}")),
        }
    }
}

/// When a step times out (its `timeout` after its first execution).
fn deadline(step: &WorkflowStep, s: &WorkflowStepStatus) -> Option<jiff::Timestamp> {
    let d = crate::duration::parse(step.timeout.as_deref()?).ok()?;
    let first = s
        .first_execute_time
        .as_deref()?
        .parse::<jiff::Timestamp>()
        .ok()?;
    Some(
        jiff::SignedDuration::try_from(d)
            .ok()
            .and_then(|d| first.checked_add(d).ok())
            .unwrap_or(jiff::Timestamp::MAX),
    )
}

/// Makes the statuses match the steps (a status written by an older
/// version may lack sub-steps).
fn align(
    steps: &[WorkflowStep],
    statuses: &mut Vec<WorkflowStepStatus>,
    revision: &str,
    parent: &str,
) {
    let mut by_name: BTreeMap<String, WorkflowStepStatus> =
        statuses.drain(..).map(|s| (s.name.clone(), s)).collect();
    for s in steps {
        let mut st = by_name
            .remove(&s.name)
            .unwrap_or_else(|| pending_status(revision, s, parent));
        align(&s.sub_steps, &mut st.sub_steps, revision, &s.name);
        statuses.push(st);
    }
}

fn for_each_status(
    statuses: &mut [WorkflowStepStatus],
    f: &mut dyn FnMut(&mut WorkflowStepStatus),
) {
    for s in statuses {
        f(s);
        for_each_status(&mut s.sub_steps, f);
    }
}

fn set_phase(s: &mut WorkflowStepStatus, p: &str, r: &str, m: &str, now: jiff::Timestamp) {
    s.phase = p.into();
    s.reason = r.into();
    s.message = m.into();
    if p != phase::SKIPPED && p != phase::PENDING {
        s.last_execute_time = Some(now_string(now));
    }
}

fn mark_running_subs(s: &mut WorkflowStepStatus, p: &str, r: &str, now: jiff::Timestamp) {
    for sub in &mut s.sub_steps {
        if !is_done(sub) {
            set_phase(sub, p, r, "", now);
        }
    }
}

fn group_phase(subs: &[WorkflowStepStatus]) -> (&'static str, String, String) {
    if subs.iter().all(is_done) {
        if let Some(f) = subs.iter().find(|s| s.phase == phase::FAILED) {
            return (
                phase::FAILED,
                f.reason.clone(),
                format!("sub-step {} failed: {}", f.name, f.message),
            );
        }
        return (phase::SUCCEEDED, String::new(), String::new());
    }
    if let Some(s) = subs.iter().find(|s| s.phase == phase::SUSPENDING) {
        return (
            phase::SUSPENDING,
            reason::SUSPEND.into(),
            format!("sub-step {} is suspended", s.name),
        );
    }
    if subs.iter().all(|s| s.phase == phase::PENDING) {
        return (phase::PENDING, String::new(), String::new());
    }
    (phase::RUNNING, String::new(), String::new())
}

fn apply_result(
    s: &mut WorkflowStepStatus,
    memo: &mut StepMemo,
    result: StepResult,
    run: &mut Run,
    now: jiff::Timestamp,
) {
    let t = now_string(now);
    if s.first_execute_time.is_none() {
        s.first_execute_time = Some(t.clone());
    }
    s.last_execute_time = Some(t);
    match result {
        StepResult::Succeeded { message } => {
            s.phase = phase::SUCCEEDED.into();
            s.reason = String::new();
            s.message = message;
            memo.backoff = 0;
            memo.suspended = false;
            memo.resume_at = None;
        }
        StepResult::Wait { message } => {
            s.phase = phase::RUNNING.into();
            s.reason = reason::WAIT.into();
            s.message = message;
            memo.backoff += 1;
        }
        StepResult::Suspend { message } => {
            s.phase = phase::SUSPENDING.into();
            s.reason = reason::SUSPEND.into();
            s.message = match memo.resume_at.as_deref() {
                Some(at) if message.is_empty() => format!("resumes by itself at {at}"),
                Some(at) => format!("{message} (resumes by itself at {at})"),
                None => message,
            };
            run.suspended = true;
            if let Some(at) = memo.resume_at.as_deref().and_then(|a| a.parse().ok()) {
                run.wake_at(at);
            }
        }
        StepResult::Break { message } => {
            s.phase = phase::SUCCEEDED.into();
            s.reason = reason::TERMINATE.into();
            s.message = message;
            run.terminated = true;
        }
        StepResult::Fail {
            reason: r,
            message,
            terminate,
        } => {
            s.phase = phase::FAILED.into();
            s.message = message;
            if r == reason::EXECUTE {
                memo.failures += 1;
                memo.backoff += 1;
                if memo.failures >= MAX_STEP_FAILURES {
                    s.reason = reason::FAILED_AFTER_RETRIES.into();
                    s.message = format!(
                        "failed {} times, the last time: {}",
                        memo.failures, s.message
                    );
                    run.terminated = true;
                } else {
                    s.reason = r.into();
                }
            } else {
                s.reason = r.into();
                if terminate {
                    run.terminated = true;
                }
            }
        }
    }
}

/// Sets the workflow's phase, flags and message from its steps.
fn finish(wf: &mut WorkflowStatus, run: &mut Run, now: jiff::Timestamp) {
    if run.terminated {
        wf.terminated = true;
        wf.suspend = false;
    } else {
        wf.suspend = run.suspended;
    }
    let all_done = wf.steps.iter().all(is_done);
    let failed: Vec<&WorkflowStepStatus> = wf
        .steps
        .iter()
        .filter(|s| s.phase == phase::FAILED)
        .collect();
    wf.finished = all_done || wf.terminated;
    wf.status = if wf.terminated {
        if failed.iter().all(|s| s.reason == reason::TERMINATE) {
            workflow_phase::TERMINATED
        } else {
            workflow_phase::FAILED
        }
    } else if wf.suspend {
        workflow_phase::SUSPENDING
    } else if all_done {
        if failed.is_empty() {
            workflow_phase::SUCCEEDED
        } else {
            workflow_phase::FAILED
        }
    } else {
        workflow_phase::EXECUTING
    }
    .into();
    wf.message = if let Some(f) = failed.first() {
        format!("step {} failed: {}", f.name, f.message)
    } else if wf.suspend {
        let mut at = None;
        let mut all = wf
            .steps
            .iter()
            .flat_map(|s| std::iter::once(s).chain(s.sub_steps.iter()));
        if let Some(s) = all.find(|s| s.phase == phase::SUSPENDING) {
            at = Some(if s.message.is_empty() {
                format!("suspended at step {}", s.name)
            } else {
                format!("suspended at step {}: {}", s.name, s.message)
            });
        }
        at.unwrap_or_else(|| "suspended".into())
    } else {
        String::new()
    };
    if wf.finished && wf.end_time.is_none() {
        wf.end_time = Some(now_string(now));
    }
}

/// When to look again.
fn requeue(
    wf: &WorkflowStatus,
    ctx: &ContextData,
    run: &Run,
    now: jiff::Timestamp,
) -> Option<Duration> {
    let until = |t: jiff::Timestamp| -> Duration {
        Duration::try_from(t.duration_since(now))
            .unwrap_or(Duration::ZERO)
            .max(Duration::from_secs(1))
    };
    if wf.finished {
        return None;
    }
    if wf.suspend {
        return run.wake.map(until);
    }
    let mut n: Option<u32> = None;
    let mut failed = false;
    let mut visit = |s: &WorkflowStepStatus| {
        if is_done(s) {
            return;
        }
        if s.phase == phase::FAILED {
            failed = true;
        }
        if let Some(b) = ctx.steps.get(&s.id).map(|m| m.backoff).filter(|b| *b > 0) {
            n = Some(n.map_or(b, |x| x.min(b)));
        }
    };
    for s in &wf.steps {
        visit(s);
        s.sub_steps.iter().for_each(&mut visit);
    }
    let cap = Duration::from_secs(if failed { 300 } else { 60 });
    let backoff = n.map_or(Duration::from_secs(1), |n| backoff(n, cap));
    Some(match run.wake {
        Some(w) => backoff.min(until(w)),
        None => backoff,
    })
}

/// A scheduled restart of a workflow.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Restart {
    No,
    Now,
    At(jiff::Timestamp),
}

/// When the workflow should start again, by `app.oam.dev/restart-workflow`
/// (or a `restart-workflow` step's request): `true` restarts now; an RFC
/// 3339 time restarts once at that time (a run started after it counts);
/// a Go duration restarts that long after each finish.
pub fn scheduled_restart(
    value: &str,
    wf: &WorkflowStatus,
    now: jiff::Timestamp,
) -> Result<Restart, String> {
    let value = value.trim();
    if value.eq_ignore_ascii_case("true") {
        return Ok(Restart::Now);
    }
    let started = wf
        .start_time
        .as_deref()
        .and_then(|t| t.parse::<jiff::Timestamp>().ok());
    if let Ok(at) = value.parse::<jiff::Timestamp>() {
        if started.is_some_and(|s| s >= at) {
            return Ok(Restart::No);
        }
        return Ok(if now >= at {
            Restart::Now
        } else {
            Restart::At(at)
        });
    }
    let d = crate::duration::parse(value).map_err(|_| {
        format!("{value:?} is neither \"true\", an RFC 3339 time nor a duration like \"10m\"")
    })?;
    if !wf.finished {
        return Ok(Restart::No);
    }
    let Some(end) = wf
        .end_time
        .as_deref()
        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
    else {
        return Ok(Restart::Now);
    };
    let at = jiff::SignedDuration::try_from(d)
        .ok()
        .and_then(|d| end.checked_add(d).ok())
        .unwrap_or(jiff::Timestamp::MAX);
    Ok(if now >= at {
        Restart::Now
    } else {
        Restart::At(at)
    })
}

/// The requeue interval of the `n`-th consecutive wait, as KubeVela
/// computes it: `floor(2^n × 0.05)` seconds, clamped to [1 s, 60 s].
pub fn wait_backoff(n: u32) -> Duration {
    backoff(n, Duration::from_secs(60))
}

/// `floor(2^n × 0.05)` seconds, clamped to [1 s, `cap`].
fn backoff(n: u32, cap: Duration) -> Duration {
    let secs = (2f64.powi(n.min(30) as i32) * 0.05).floor();
    Duration::from_secs_f64(secs.clamp(1.0, cap.as_secs_f64()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restarts_are_scheduled_like_kubevela() {
        let t = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
        let wf = WorkflowStatus {
            start_time: Some("2026-11-22T10:00:00Z".into()),
            end_time: Some("2026-11-22T10:05:00Z".into()),
            finished: true,
            ..Default::default()
        };
        let now = t("2026-11-22T10:07:00Z");
        assert_eq!(scheduled_restart("true", &wf, now), Ok(Restart::Now));
        assert_eq!(
            scheduled_restart("2026-11-22T10:06:00Z", &wf, now),
            Ok(Restart::Now)
        );
        assert_eq!(
            scheduled_restart("2026-11-22T11:00:00Z", &wf, now),
            Ok(Restart::At(t("2026-11-22T11:00:00Z")))
        );
        // A run that started after the time has had its restart.
        assert_eq!(
            scheduled_restart("2026-11-22T09:00:00Z", &wf, now),
            Ok(Restart::No)
        );
        assert_eq!(scheduled_restart("1m", &wf, now), Ok(Restart::Now));
        assert_eq!(
            scheduled_restart("10m", &wf, now),
            Ok(Restart::At(t("2026-11-22T10:15:00Z")))
        );
        let running = WorkflowStatus {
            finished: false,
            ..wf.clone()
        };
        assert_eq!(scheduled_restart("10m", &running, now), Ok(Restart::No));
        assert!(
            scheduled_restart("tomorrow", &wf, now)
                .unwrap_err()
                .contains("neither")
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
