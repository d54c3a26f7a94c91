//! Running one step's template: fill `parameter` and `context`, hand the
//! actions it makes to the provider (or run `builtin`/`util` ones here),
//! fill their results back and evaluate again until nothing more runs,
//! then read the step's `outputs`.
//!
//! roam-cue's call protocol ([`roam_cue::eval::run_calls`]) is synchronous
//! and the provider is not, so a step runs in rounds: every call the
//! program makes that has no result yet is collected, executed, and the
//! program is evaluated again with the results filled in.

use std::collections::HashMap;

use roam_api::OutputItem;
use roam_cue::eval::{Call, CallOutcome, Program, run_calls};
use serde_json::{Map, Value, json};

use crate::context::{MAX_LOG_LINES, StepMemo};
use crate::engine::reason;
use crate::provider::{Provider, ProviderCall, ProviderOutcome};

/// What an `apply-component` step does, as a template: the component comes
/// in as `parameter.value` (with inputs already set at `value.properties.*`).
/// The engine runs the equivalent directly (`Engine::apply_component`)
/// rather than evaluating it; tests hold the two to the same result.
pub const BUILTIN_APPLY_COMPONENT: &str = r#"import "vela/oam"

parameter: {
	value: {...}
	cluster:   *"" | string
	namespace: *"" | string
}
apply: oam.#ApplyComponent & {
	$params: {
		value:     parameter.value
		cluster:   parameter.cluster
		namespace: parameter.namespace
	}
}
output:  apply.$returns.output
outputs: apply.$returns.outputs
"#;

/// Rounds of evaluation a step may take (each runs at least one action).
const MAX_ROUNDS: usize = 64;

/// How a step ended this time.
#[derive(Clone, Debug, PartialEq)]
pub enum StepResult {
    Succeeded {
        message: String,
    },
    /// Not yet: run again after a backoff.
    Wait {
        message: String,
    },
    /// `#Suspend`: the workflow suspends here.
    Suspend {
        message: String,
    },
    /// `#Break`: the step succeeds and the workflow ends.
    Break {
        message: String,
    },
    Fail {
        reason: &'static str,
        message: String,
        /// The workflow ends (otherwise an `Execute` failure is retried).
        terminate: bool,
    },
}

enum Round {
    Finished(Result<(StepResult, Vec<(String, Value)>), StepResult>),
    Run(Vec<Call>),
}

/// Marks a handler error that is really an action stopping the step.
const ACTION: &str = "\u{0}roam-action";

pub(crate) struct Exec<'e, P> {
    pub provider: &'e P,
    pub step: &'e str,
    pub step_id: &'e str,
    /// The step's phase before this execution (`suspending` until resumed).
    pub prev_phase: &'e str,
    pub memo: StepMemo,
    pub vars: &'e mut Map<String, Value>,
    pub now: jiff::Timestamp,
}

impl<P: Provider> Exec<'_, P> {
    /// Runs the step; returns its result, the outputs it exported, and the
    /// step's updated memory.
    pub async fn run(
        &mut self,
        program: &Program,
        parameter: Value,
        context: Value,
        outputs: &[OutputItem],
    ) -> (StepResult, Vec<(String, Value)>, StepMemo) {
        let result = self.run_inner(program, parameter, context, outputs).await;
        let (result, exported) = match result {
            Ok(x) => x,
            Err(r) => (r, Vec::new()),
        };
        (result, exported, std::mem::take(&mut self.memo))
    }

    async fn run_inner(
        &mut self,
        program: &Program,
        parameter: Value,
        context: Value,
        outputs: &[OutputItem],
    ) -> Result<(StepResult, Vec<(String, Value)>), StepResult> {
        let fills = vec![
            (vec!["parameter".to_string()], parameter),
            (vec!["context".to_string()], context),
        ];
        // Bad parameters fail the step before any action runs (an action
        // guarded by a parameter test could otherwise run, or fail, first).
        check_parameter(program, &fills)?;
        let mut done: HashMap<Vec<String>, Value> = HashMap::new();
        let mut message = String::new();
        let mut waiting: Option<String> = None;
        for _round in 0..MAX_ROUNDS {
            let todo = match self.round(program, &fills, &done, &mut message, &waiting, outputs) {
                Round::Finished(r) => return r,
                Round::Run(todo) => todo,
            };
            for call in todo {
                let path = call.path.join(".");
                let pc = ProviderCall {
                    step: self.step,
                    step_id: self.step_id,
                    path: &path,
                    provider: &call.provider,
                    action: &call.do_,
                    params: &call.params,
                };
                match self.provider.call(&pc).await {
                    Ok(ProviderOutcome::Done(v)) => {
                        done.insert(call.path.clone(), v);
                    }
                    Ok(ProviderOutcome::Wait { message, result }) => {
                        done.insert(call.path.clone(), result);
                        waiting.get_or_insert(message);
                    }
                    Err(e) => {
                        return Err(StepResult::Fail {
                            reason: reason::EXECUTE,
                            message: format!("{path} ({}.#{}): {e}", call.provider, call.do_),
                            terminate: false,
                        });
                    }
                }
            }
        }
        Err(StepResult::Fail {
            reason: reason::EXECUTE,
            message: format!("the step made more than {MAX_ROUNDS} rounds of actions"),
            terminate: false,
        })
    }

    /// One evaluation: either the step is finished, or these calls must run.
    fn round(
        &mut self,
        program: &Program,
        fills: &[(Vec<String>, Value)],
        done: &HashMap<Vec<String>, Value>,
        message: &mut String,
        waiting: &Option<String>,
        outputs: &[OutputItem],
    ) -> Round {
        let mut todo: Vec<Call> = Vec::new();
        let mut action: Option<StepResult> = None;
        let ran = run_calls(
            program,
            fills,
            &mut |call| {
                if let Some(v) = done.get(&call.path) {
                    return Ok(CallOutcome::Done(v.clone()));
                }
                match call.provider.as_str() {
                    "builtin" | "op" | "" => self.builtin(call, &mut action, message),
                    "util" => self.util(call),
                    _ => {
                        if !todo.iter().any(|c| c.path == call.path) {
                            todo.push(call.clone());
                        }
                        Ok(CallOutcome::Wait)
                    }
                }
            },
            50,
        );
        let (run, mut inst) = match ran {
            Ok(x) => x,
            Err(e) => {
                if let Some(a) = action {
                    return Round::Finished(Err(a));
                }
                return Round::Finished(Err(StepResult::Fail {
                    reason: reason::EXECUTE,
                    message: if e.path.is_empty() {
                        e.message
                    } else {
                        format!("{}: {}", e.path, e.message)
                    },
                    terminate: false,
                }));
            }
        };
        if let Some(a) = action {
            return Round::Finished(Err(a));
        }
        if !todo.is_empty() {
            return Round::Run(todo);
        }
        // Nothing more to run: read the outputs.
        if let Some(stuck) = run.pending.first() {
            return Round::Finished(Err(StepResult::Fail {
                reason: reason::EXECUTE,
                message: format!(
                    "action {} ({}.#{}) never got complete parameters: {}",
                    stuck.path.join("."),
                    if stuck.provider.is_empty() {
                        "op"
                    } else {
                        &stuck.provider
                    },
                    stuck.do_,
                    stuck.params
                ),
                terminate: false,
            }));
        }
        let mut exported = Vec::new();
        for o in outputs {
            let parts: Vec<&str> = o.value_from.split('.').filter(|p| !p.is_empty()).collect();
            let mut found = inst.lookup(&parts).and_then(|v| inst.export_serde(v).ok());
            if found.is_none() && parts.len() > 1 {
                let mut alt = vec![parts[0], "$returns"];
                alt.extend(&parts[1..]);
                found = inst.lookup(&alt).and_then(|v| inst.export_serde(v).ok());
            }
            exported.push((o.name.clone(), found.unwrap_or(Value::Null)));
        }
        Round::Finished(Ok(match waiting {
            Some(m) => (StepResult::Wait { message: m.clone() }, exported),
            None => (
                StepResult::Succeeded {
                    message: message.clone(),
                },
                exported,
            ),
        }))
    }
}

/// Fails the step (reason `ProcessParameter`, terminating) when the
/// parameters do not satisfy the template's schema or are incomplete.
fn check_parameter(program: &Program, fills: &[(Vec<String>, Value)]) -> Result<(), StepResult> {
    let fail = |message: String| StepResult::Fail {
        reason: reason::PARAMETER,
        message,
        terminate: true,
    };
    let mut inst = program.instance();
    for (path, v) in fills {
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        inst.fill_json(&p, v)
            .map_err(|b| fail(format!("{}: {}", path.join("."), b.msg)))?;
    }
    if let Some(p) = inst.lookup(&["parameter"]) {
        inst.export_serde(p)
            .map_err(|e| fail(format!("parameter: {e}")))?;
    }
    Ok(())
}

impl<P: Provider> Exec<'_, P> {
    fn builtin(
        &mut self,
        call: &Call,
        action: &mut Option<StepResult>,
        message: &mut String,
    ) -> Result<CallOutcome, String> {
        let p = &call.params;
        let msg = p
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let stop = |action: &mut Option<StepResult>, r: StepResult| {
            *action = Some(r);
            Err(ACTION.to_string())
        };
        match call.do_.as_str() {
            "steps" => Ok(CallOutcome::Done(json!({}))),
            "message" => {
                *message = msg;
                Ok(CallOutcome::Done(json!({})))
            }
            "wait" => {
                if p.get("continue").and_then(Value::as_bool).unwrap_or(false) {
                    Ok(CallOutcome::Done(json!({})))
                } else {
                    stop(action, StepResult::Wait { message: msg })
                }
            }
            "break" => stop(action, StepResult::Break { message: msg }),
            "fail" if p.get("retry").and_then(Value::as_bool) == Some(true) => stop(
                action,
                StepResult::Fail {
                    reason: reason::EXECUTE,
                    message: msg,
                    terminate: false,
                },
            ),
            "fail" => stop(
                action,
                StepResult::Fail {
                    reason: reason::ACTION,
                    message: msg,
                    terminate: true,
                },
            ),
            "suspend" => {
                // Resumed by hand (the phase left `suspending`) or by time.
                // Resumed by hand: `roam workflow resume` sets the step
                // `running`. A step back at `pending` (a restart) is not.
                let resumed =
                    self.memo.suspended && self.prev_phase == crate::engine::phase::RUNNING;
                let due = self
                    .memo
                    .resume_at
                    .as_deref()
                    .and_then(|a| a.parse::<jiff::Timestamp>().ok())
                    .is_some_and(|t| t <= self.now);
                if resumed || due {
                    *message = msg;
                    return Ok(CallOutcome::Done(json!({})));
                }
                if let Some(d) = p
                    .get("duration")
                    .and_then(Value::as_str)
                    .filter(|d| !d.is_empty())
                    && self.memo.resume_at.is_none()
                {
                    let d = crate::duration::parse(d)?;
                    let at = jiff::SignedDuration::try_from(d)
                        .ok()
                        .and_then(|d| self.now.checked_add(d).ok())
                        .ok_or_else(|| format!("duration {d:?} is too long"))?;
                    self.memo.resume_at = Some(at.to_string());
                }
                self.memo.suspended = true;
                stop(action, StepResult::Suspend { message: msg })
            }
            "var" => {
                let path = p.get("path").and_then(Value::as_str).unwrap_or("");
                match p.get("method").and_then(Value::as_str).unwrap_or("Get") {
                    "Put" => {
                        let v = p.get("value").cloned().unwrap_or(Value::Null);
                        crate::context::set_path(self.vars, path, v);
                        Ok(CallOutcome::Done(json!({})))
                    }
                    _ => {
                        let mut cur = Some(&*self.vars).map(|m| m as &Map<String, Value>);
                        let mut found: Option<&Value> = None;
                        for part in path.split('.').filter(|s| !s.is_empty()) {
                            found = cur.and_then(|m| m.get(part));
                            cur = found.and_then(Value::as_object);
                        }
                        Ok(CallOutcome::Done(match found {
                            Some(v) => json!({ "value": v }),
                            None => json!({}),
                        }))
                    }
                }
            }
            other => Err(format!("unknown builtin action #{other}")),
        }
    }

    fn util(&mut self, call: &Call) -> Result<CallOutcome, String> {
        let p = &call.params;
        match call.do_.as_str() {
            "patch-k8s-object" => {
                let mut value = p.get("value").cloned().unwrap_or(json!({}));
                let patch = p.get("patch").cloned().unwrap_or(json!({}));
                roam_render::patch::apply_patch(&mut value, patch, &Default::default())
                    .map_err(|e| e.to_string())?;
                Ok(CallOutcome::Done(json!({ "result": value })))
            }
            "string" => {
                use base64::Engine as _;
                let bt = p.get("bt").and_then(Value::as_str).unwrap_or("");
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(bt)
                    .unwrap_or_else(|_| bt.as_bytes().to_vec());
                Ok(CallOutcome::Done(
                    json!({ "str": String::from_utf8_lossy(&bytes) }),
                ))
            }
            "log" => {
                let line = match p.get("data") {
                    Some(Value::String(s)) => s.clone(),
                    Some(v) => v.to_string(),
                    None => String::new(),
                };
                if self.memo.logs.last().is_none_or(|l| *l != line) {
                    self.memo.logs.push(line);
                    let extra = self.memo.logs.len().saturating_sub(MAX_LOG_LINES);
                    self.memo.logs.drain(..extra);
                }
                Ok(CallOutcome::Done(json!({})))
            }
            other => Err(format!("unknown util action #{other}")),
        }
    }
}
