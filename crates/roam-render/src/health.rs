//! Health and status of rendered objects, from a definition's
//! `status.healthPolicy` (`isHealth`), `customStatus` (`message`) and
//! `details`, evaluated over the live objects.
//!
//! As upstream: no health policy means healthy; `context.output` and
//! `context.outputs.<name>` are the live objects; `customStatus` also sees
//! `context.status.healthy` and `context.status.details`; a workload
//! annotated `app.oam.dev/disable-health-check` is healthy.

use std::collections::BTreeMap;
use std::sync::Arc;

use roam_cue::eval::FieldFilter;
use serde_json::{Map, Value};

use crate::cache::TemplateCache;
use crate::definition::Definition;

/// The health of one component or trait.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Health {
    pub healthy: bool,
    pub message: String,
    pub details: BTreeMap<String, String>,
}

/// Inputs of a health evaluation.
pub struct HealthInput<'a> {
    /// The properties the component/trait was rendered with.
    pub parameter: Option<&'a Value>,
    /// The base context (name, namespace, appName, …).
    pub context: &'a Map<String, Value>,
    /// The live workload (component) or main object.
    pub output: Option<&'a Value>,
    /// Live auxiliary objects by `outputs` name.
    pub outputs: &'a Map<String, Value>,
}

/// Evaluates a definition's status rules. An evaluation error makes the
/// result unhealthy with the error as its message.
pub fn evaluate_health(cache: &TemplateCache, def: &Definition, input: &HealthInput<'_>) -> Health {
    let disabled = input
        .output
        .and_then(|o| o.pointer("/metadata/annotations"))
        .and_then(|a| a.get(roam_api::labels::ANNO_DISABLE_HEALTH_CHECK))
        .is_some();
    let mut ctx = input.context.clone();
    if let Some(o) = input.output {
        ctx.insert("output".into(), o.clone());
    }
    ctx.insert("outputs".into(), Value::Object(input.outputs.clone()));

    let healthy = if disabled || def.status.health_policy.trim().is_empty() {
        Ok(true)
    } else {
        eval_field(
            cache,
            &def.name,
            &def.status.health_policy,
            input.parameter,
            &ctx,
            "isHealth",
        )
        .and_then(|v| match v {
            Value::Bool(b) => Ok(b),
            other => Err(format!("isHealth: expected a bool, got {other}")),
        })
    };
    let (healthy, mut message) = match healthy {
        Ok(h) => (h, String::new()),
        Err(e) => (false, format!("health policy of {}: {e}", def.name)),
    };

    let mut details = BTreeMap::new();
    if !def.status.details.trim().is_empty() {
        match eval_struct(cache, &def.name, &def.status.details, input.parameter, &ctx) {
            Ok(fields) => {
                for (k, v) in fields {
                    if k.starts_with('$') || k.len() >= 32 {
                        continue;
                    }
                    let s = match v {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    details.insert(k, s);
                }
            }
            Err(e) if message.is_empty() => message = format!("details of {}: {e}", def.name),
            Err(_) => {}
        }
    }
    if !def.status.custom_status.trim().is_empty() {
        let mut status = Map::new();
        status.insert("healthy".into(), healthy.into());
        status.insert(
            "details".into(),
            Value::Object(
                details
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone().into()))
                    .collect(),
            ),
        );
        ctx.insert("status".into(), Value::Object(status));
        match eval_field(
            cache,
            &def.name,
            &def.status.custom_status,
            input.parameter,
            &ctx,
            "message",
        ) {
            Ok(Value::String(m)) => message = m,
            Ok(other) => message = other.to_string(),
            Err(e) if message.is_empty() => message = format!("custom status of {}: {e}", def.name),
            Err(_) => {}
        }
    }
    Health {
        healthy,
        message,
        details,
    }
}

fn eval_field(
    cache: &TemplateCache,
    def: &str,
    text: &str,
    parameter: Option<&Value>,
    ctx: &Map<String, Value>,
    field: &str,
) -> Result<Value, String> {
    let text: Arc<str> = Arc::from(text);
    let ct = cache.get(&format!("{def}.status.cue"), &text)?;
    let mut inst = ct.program.instance();
    if let Some(p) = parameter {
        inst.fill_json(&["parameter"], p).map_err(|e| e.msg)?;
    }
    inst.fill_json(&["context"], &Value::Object(ctx.clone()))
        .map_err(|e| e.msg)?;
    let v = inst
        .lookup(&[field])
        .ok_or_else(|| format!("no field {field:?}"))?;
    inst.export_serde(v)
        .map_err(|e| format!("{}: {}", e.path, e.msg))
}

fn eval_struct(
    cache: &TemplateCache,
    def: &str,
    text: &str,
    parameter: Option<&Value>,
    ctx: &Map<String, Value>,
) -> Result<Vec<(String, Value)>, String> {
    let text: Arc<str> = Arc::from(text);
    let ct = cache.get(&format!("{def}.details.cue"), &text)?;
    let mut inst = ct.program.instance();
    if let Some(p) = parameter {
        inst.fill_json(&["parameter"], p).map_err(|e| e.msg)?;
    }
    inst.fill_json(&["context"], &Value::Object(ctx.clone()))
        .map_err(|e| e.msg)?;
    let root = inst.root;
    let mut out = Vec::new();
    for f in inst.fields(root, FieldFilter::default()) {
        if f.name == "context" || f.name == "parameter" {
            continue;
        }
        let v = inst
            .export_serde(f.id)
            .map_err(|e| format!("{}: {}", e.path, e.msg))?;
        out.push((f.name, v));
    }
    Ok(out)
}
