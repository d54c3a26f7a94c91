//! What a workflow remembers between reconciles, besides its status: the
//! variables steps exported (`outputs` → `inputs`) and the engine's memory
//! of each step (failures, backoff, suspension). The controller keeps it in
//! the ConfigMap `workflow-<app>-context` of the app's namespace (KubeVela's
//! name; `status.workflow.contextBackend` points to it), so a restarted
//! controller loses nothing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The ConfigMap key of the variables (KubeVela's key; the text is JSON,
/// which is also CUE).
pub const VARS_KEY: &str = "vars";
/// The ConfigMap key of the engine's per-step memory (roam's own).
pub const STEPS_KEY: &str = "roam.steps";

/// The context ConfigMap of an app.
pub fn configmap_name(app: &str) -> String {
    format!("workflow-{app}-context")
}

/// Variables and per-step memory.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ContextData {
    /// Workflow variables by name (from steps' `outputs`, `#DoVar`).
    pub vars: Map<String, Value>,
    /// Per step id.
    pub steps: BTreeMap<String, StepMemo>,
}

/// The engine's memory of one step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepMemo {
    /// Failed executions so far (reason `Execute`); at
    /// [`crate::MAX_STEP_FAILURES`] the step fails for good.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub failures: u32,
    /// Consecutive waits and failures: the exponent of the backoff.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub backoff: u32,
    /// The step's `#Suspend` was reached.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub suspended: bool,
    /// When a suspension with a duration resumes by itself (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume_at: Option<String>,
    /// Lines written by `util.#Log` (the last [`MAX_LOG_LINES`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub logs: Vec<String>,
}

/// Log lines kept per step.
pub const MAX_LOG_LINES: usize = 200;

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl ContextData {
    /// Reads the ConfigMap's data. Variables written by KubeVela as CUE
    /// text (not JSON) are evaluated; what cannot be read is dropped with
    /// the reason returned, never a failure of the workflow.
    pub fn from_data(data: &BTreeMap<String, String>) -> (ContextData, Vec<String>) {
        let mut warnings = Vec::new();
        let mut ctx = ContextData::default();
        if let Some(text) = data.get(VARS_KEY).filter(|t| !t.trim().is_empty()) {
            match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(m)) => ctx.vars = m,
                Ok(_) => warnings.push("context vars: not an object".into()),
                Err(_) => match cue_to_json(text) {
                    Ok(Value::Object(m)) => ctx.vars = m,
                    Ok(_) => warnings.push("context vars: not a struct".into()),
                    Err(e) => warnings.push(format!("context vars: {e}")),
                },
            }
        }
        if let Some(text) = data.get(STEPS_KEY) {
            match serde_json::from_str(text) {
                Ok(steps) => ctx.steps = steps,
                Err(e) => warnings.push(format!("context {STEPS_KEY}: {e}")),
            }
        }
        (ctx, warnings)
    }

    /// The ConfigMap's data.
    pub fn to_data(&self) -> BTreeMap<String, String> {
        let mut data = BTreeMap::new();
        data.insert(
            VARS_KEY.to_string(),
            serde_json::to_string(&self.vars).unwrap_or_default(),
        );
        data.insert(
            STEPS_KEY.to_string(),
            serde_json::to_string(&self.steps).unwrap_or_default(),
        );
        data
    }

    /// The variable at a dotted path (`name` or `name.field.sub`).
    pub fn var(&self, path: &str) -> Option<&Value> {
        let mut parts = path.split('.');
        let mut cur = self.vars.get(parts.next()?)?;
        for p in parts {
            cur = match cur {
                Value::Object(m) => m.get(p)?,
                Value::Array(a) => a.get(p.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    /// Sets the variable at a dotted path, creating objects on the way.
    pub fn set_var(&mut self, path: &str, value: Value) {
        set_path(&mut self.vars, path, value);
    }

    /// Forgets the memory and the exported variables of the steps named.
    pub fn forget(&mut self, ids: &[String], vars: &[String]) {
        for id in ids {
            self.steps.remove(id);
        }
        for v in vars {
            self.vars.remove(v);
        }
    }
}

/// Sets `path` (dotted) in `root`, creating objects on the way.
pub fn set_path(root: &mut Map<String, Value>, path: &str, value: Value) {
    let parts: Vec<&str> = path.split('.').filter(|p| !p.is_empty()).collect();
    let Some((last, init)) = parts.split_last() else {
        return;
    };
    let mut cur = root;
    for p in init {
        let slot = cur
            .entry((*p).to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
        }
        cur = slot.as_object_mut().expect("made an object above");
    }
    cur.insert((*last).to_string(), value);
}

fn cue_to_json(text: &str) -> Result<Value, String> {
    let prog =
        roam_cue::eval::Program::compile(&[("vars.cue", text)]).map_err(|e| e.to_string())?;
    let mut inst = prog.instance();
    let root = inst.lookup(&[]).ok_or("no root")?;
    inst.export_serde(root).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_and_reads_kubevela_cue_vars() {
        let mut ctx = ContextData::default();
        ctx.set_var("out.addr", json!("10.0.0.1"));
        ctx.steps.insert(
            "abc".into(),
            StepMemo {
                failures: 2,
                ..Default::default()
            },
        );
        let (back, warnings) = ContextData::from_data(&ctx.to_data());
        assert!(warnings.is_empty());
        assert_eq!(back, ctx);
        assert_eq!(back.var("out.addr"), Some(&json!("10.0.0.1")));
        assert_eq!(back.var("out.missing"), None);

        let data = BTreeMap::from([(
            VARS_KEY.to_string(),
            "ip: \"1.2.3.4\"\nport: 80\n".to_string(),
        )]);
        let (kv, warnings) = ContextData::from_data(&data);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(kv.var("port"), Some(&json!(80)));
    }
}
