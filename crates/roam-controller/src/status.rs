//! Conditions and the status patch.

use roam_api::{AppStatus, Condition};
use serde_json::{Map, Value};

/// Condition types, in pipeline order.
pub const PARSED: &str = "Parsed";
pub const REVISION: &str = "Revision";
pub const RENDER: &str = "Render";
pub const WORKFLOW: &str = "Workflow";
pub const READY: &str = "Ready";
pub const STATE_KEEP: &str = "StateKeep";
pub const DELETING: &str = "Deleting";

/// Now, RFC 3339 with seconds (as Kubernetes writes times).
pub fn now() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap_or_else(|_| jiff::Timestamp::now())
        .to_string()
}

/// Sets a condition; the transition time changes only when the status does.
pub fn set_condition(st: &mut AppStatus, type_: &str, ok: bool, reason: &str, message: &str) {
    let status = if ok { "True" } else { "False" };
    match st.conditions.iter_mut().find(|c| c.type_ == type_) {
        Some(c) => {
            if c.status != status {
                c.last_transition_time = Some(now());
            }
            c.status = status.into();
            c.reason = reason.into();
            c.message = message.into();
        }
        None => st.conditions.push(Condition {
            type_: type_.into(),
            status: status.into(),
            reason: reason.into(),
            message: message.into(),
            last_transition_time: Some(now()),
        }),
    }
}

/// The condition of a type, if set.
pub fn condition<'a>(st: &'a AppStatus, type_: &str) -> Option<&'a Condition> {
    st.conditions.iter().find(|c| c.type_ == type_)
}

/// A merge patch that turns `old` into `new` (fields gone are nulled).
pub fn merge_patch(old: &AppStatus, new: &AppStatus) -> Value {
    let old = serde_json::to_value(old).unwrap_or(Value::Null);
    let new = serde_json::to_value(new).unwrap_or(Value::Null);
    let patch = merge_diff(&old, &new).unwrap_or_else(|| Value::Object(Map::new()));
    serde_json::json!({ "status": patch })
}

/// The JSON merge patch (RFC 7386) that turns `old` into `new`: nested
/// objects are diffed key by key (a key gone is `null`), anything else is
/// replaced whole; `None` when they are equal.
fn merge_diff(old: &Value, new: &Value) -> Option<Value> {
    if old == new {
        return None;
    }
    match (old, new) {
        (Value::Object(o), Value::Object(n)) => {
            let mut patch = Map::new();
            for (k, nv) in n {
                match o.get(k) {
                    Some(ov) => {
                        if let Some(d) = merge_diff(ov, nv) {
                            patch.insert(k.clone(), d);
                        }
                    }
                    None => {
                        patch.insert(k.clone(), nv.clone());
                    }
                }
            }
            for k in o.keys() {
                if !n.contains_key(k) {
                    patch.insert(k.clone(), Value::Null);
                }
            }
            Some(Value::Object(patch))
        }
        _ => Some(new.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_patch_clears_nested_fields_that_went_away() {
        let old: AppStatus = serde_json::from_value(serde_json::json!({
            "status": "workflowSuspending",
            "workflow": {"status": "suspending", "message": "suspended at step approve", "suspend": true,
                         "steps": [{"name": "approve", "phase": "suspending"}]}
        }))
        .unwrap();
        let new: AppStatus = serde_json::from_value(serde_json::json!({
            "status": "running",
            "workflow": {"status": "succeeded", "suspend": false,
                         "steps": [{"name": "approve", "phase": "succeeded"}]}
        }))
        .unwrap();
        assert_eq!(
            merge_patch(&old, &new),
            serde_json::json!({"status": {
                "status": "running",
                "workflow": {"status": "succeeded", "message": null, "suspend": false,
                             "steps": [{"name": "approve", "phase": "succeeded"}]}
            }})
        );
        assert_eq!(merge_patch(&new, &new), serde_json::json!({"status": {}}));
    }

    #[test]
    fn transition_time_moves_only_on_change() {
        let mut st = AppStatus::default();
        set_condition(&mut st, READY, false, "Rendering", "x");
        assert!(
            condition(&st, READY)
                .unwrap()
                .last_transition_time
                .is_some()
        );
        st.conditions[0].last_transition_time = Some("2020-01-01T00:00:00Z".into());
        set_condition(&mut st, READY, false, "Rendering", "y");
        assert_eq!(
            condition(&st, READY)
                .unwrap()
                .last_transition_time
                .as_deref(),
            Some("2020-01-01T00:00:00Z")
        );
        set_condition(&mut st, READY, true, "Ready", "");
        assert_ne!(
            condition(&st, READY)
                .unwrap()
                .last_transition_time
                .as_deref(),
            Some("2020-01-01T00:00:00Z")
        );
    }

    #[test]
    fn merge_patch_nulls_what_is_gone() {
        let old = AppStatus {
            observed_generation: Some(1),
            ..Default::default()
        };
        let new = AppStatus::default();
        let p = merge_patch(&old, &new);
        assert_eq!(p["status"]["observedGeneration"], Value::Null);
        assert!(
            p["status"]
                .as_object()
                .unwrap()
                .contains_key("observedGeneration")
        );
    }
}
