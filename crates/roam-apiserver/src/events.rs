//! core/v1 and events.k8s.io/v1 Events are two views of one stored object. The
//! store holds the core/v1 form; events.k8s.io/v1 is converted at the edges.

use crate::registry::ResourceType;
use serde_json::{Map, Value};

/// (core/v1 field, events.k8s.io/v1 field) for the fields whose names differ.
const RENAMED: [(&str, &str); 7] = [
    ("involvedObject", "regarding"),
    ("message", "note"),
    ("count", "deprecatedCount"),
    ("firstTimestamp", "deprecatedFirstTimestamp"),
    ("lastTimestamp", "deprecatedLastTimestamp"),
    ("source", "deprecatedSource"),
    ("reportingComponent", "reportingController"),
];

/// Whether `rt` is the events.k8s.io/v1 view.
pub fn is_events_v1(rt: &ResourceType) -> bool {
    rt.group == "events.k8s.io" && rt.plural == "events"
}

fn rename(obj: &Value, api_version: &str, to_v1: bool) -> Value {
    let Some(m) = obj.as_object() else {
        return obj.clone();
    };
    let mut out = Map::new();
    for (k, v) in m {
        let name = RENAMED
            .iter()
            .find_map(|(core, v1)| match to_v1 {
                true if k == core => Some(*v1),
                false if k == v1 => Some(*core),
                _ => None,
            })
            .unwrap_or(k.as_str());
        out.insert(name.to_string(), v.clone());
    }
    out.insert("apiVersion".into(), Value::String(api_version.into()));
    out.insert("kind".into(), Value::String("Event".into()));
    Value::Object(out)
}

/// The stored (core/v1) form of an events.k8s.io/v1 Event.
pub fn to_core(obj: &Value) -> Value {
    rename(obj, "v1", false)
}

/// The events.k8s.io/v1 view of a stored (core/v1) Event.
pub fn from_core(obj: &Value) -> Value {
    rename(obj, "events.k8s.io/v1", true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trip() {
        let v1 = json!({"apiVersion": "events.k8s.io/v1", "kind": "Event",
            "metadata": {"name": "e"}, "regarding": {"kind": "Pod", "name": "p"},
            "note": "hello", "reason": "Started", "reportingController": "roam"});
        let core = to_core(&v1);
        assert_eq!(core["apiVersion"], "v1");
        assert_eq!(core["involvedObject"]["name"], "p");
        assert_eq!(core["message"], "hello");
        assert_eq!(core["reportingComponent"], "roam");
        assert_eq!(from_core(&core), v1);
    }
}
