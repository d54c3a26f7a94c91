//! PATCH bodies: JSON merge patch (RFC 7396), JSON patch (RFC 6902, with Kubernetes'
//! `test` rule) and strategic merge patch for built-in kinds.

use serde_json::{Map, Value};

/// The PATCH content types the server understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    Json,
    Merge,
    Strategic,
    Apply,
}

impl PatchType {
    pub fn from_content_type(ct: &str) -> Option<Self> {
        let base = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match base.as_str() {
            "application/json-patch+json" => Some(PatchType::Json),
            "application/merge-patch+json" => Some(PatchType::Merge),
            "application/strategic-merge-patch+json" => Some(PatchType::Strategic),
            "application/apply-patch+yaml" => Some(PatchType::Apply),
            _ => None,
        }
    }
}

/// RFC 7396: `null` deletes, objects merge, everything else replaces.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    json_patch::merge(target, patch);
}

/// RFC 6902 with the rule Kubernetes (evanphx/json-patch) follows: a `test` of a
/// missing path against `null` succeeds. Errors say which operation failed.
pub fn json_patch(target: &mut Value, patch: &Value) -> Result<(), String> {
    let ops = patch
        .as_array()
        .ok_or_else(|| "a JSON patch must be a list of operations".to_string())?;
    for (i, op) in ops.iter().enumerate() {
        if op["op"] == "test"
            && op["value"].is_null()
            && let Some(path) = op["path"].as_str()
            && target.pointer(path).is_none()
        {
            continue;
        }
        let parsed: json_patch::PatchOperation =
            serde_json::from_value(op.clone()).map_err(|e| format!("operation {i}: {e}"))?;
        json_patch::patch(target, &json_patch::Patch(vec![parsed]))
            .map_err(|e| format!("operation {i} ({}): {e}", op["op"].as_str().unwrap_or("?")))?;
    }
    Ok(())
}

/// The merge key of a list field in built-in kinds, as the upstream schemas declare
/// (`x-kubernetes-patch-merge-key`). `None`: the list is replaced (atomic).
pub(crate) fn merge_key(field: &str, items: &[Value]) -> Option<&'static str> {
    Some(match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets" => "name",
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        "ownerReferences" => "uid",
        "conditions" => "type",
        "hostAliases" => "ip",
        "ports" => {
            if items.iter().any(|i| i.get("containerPort").is_some()) {
                "containerPort"
            } else {
                "port"
            }
        }
        _ => return None,
    })
}

/// Primitive lists with strategy `merge` (set union).
fn is_set_list(field: &str) -> bool {
    matches!(field, "finalizers")
}

/// Strategic merge patch for built-in kinds: maps merge, `null` deletes, lists with a
/// merge key merge element-wise (with `$patch: delete|replace` on elements), primitive
/// `finalizers` merge as a set, other lists are replaced. Directives `$patch`,
/// `$retainKeys`, `$deleteFromPrimitiveList/<field>` and `$setElementOrder/<field>`
/// are honoured. Merged lists are ordered as upstream's `normalizeElementOrder`:
/// the patch's elements in patch (or `$setElementOrder`) order, with the live
/// elements the patch does not mention inserted where the live order puts them.
pub fn strategic_merge_patch(target: &mut Value, patch: &Value) -> Result<(), String> {
    let Value::Object(p) = patch else {
        return Err("a strategic merge patch must be a JSON object".into());
    };
    smp_object(target, p)
}

fn smp_object(target: &mut Value, patch: &Map<String, Value>) -> Result<(), String> {
    match patch.get("$patch").and_then(Value::as_str) {
        Some("replace") => {
            let mut m = patch.clone();
            m.remove("$patch");
            *target = Value::Object(m);
            return Ok(());
        }
        Some("delete") => {
            *target = Value::Object(Map::new());
            return Ok(());
        }
        Some("merge") | None => {}
        Some(other) => return Err(format!("unknown patch directive $patch: {other:?}")),
    }
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let t = target.as_object_mut().expect("made an object");
    for (k, v) in patch {
        if k == "$patch" || k == "$retainKeys" || k.starts_with("$setElementOrder/") {
            continue;
        }
        if let Some(field) = k.strip_prefix("$deleteFromPrimitiveList/") {
            if let (Some(Value::Array(list)), Some(remove)) = (t.get_mut(field), v.as_array()) {
                list.retain(|x| !remove.contains(x));
            }
            continue;
        }
        match v {
            Value::Null => {
                t.remove(k);
            }
            Value::Object(pm) => {
                if pm.get("$patch").and_then(Value::as_str) == Some("delete") {
                    t.remove(k);
                } else {
                    smp_object(t.entry(k.clone()).or_insert(Value::Null), pm)?;
                }
            }
            Value::Array(items) => {
                let order = patch
                    .get(&format!("$setElementOrder/{k}"))
                    .and_then(Value::as_array);
                let merged = smp_list(k, t.get(k), items, order)?;
                t.insert(k.clone(), merged);
            }
            other => {
                t.insert(k.clone(), other.clone());
            }
        }
    }
    if let Some(Value::Array(keep)) = patch.get("$retainKeys") {
        let keep: Vec<&str> = keep.iter().filter_map(Value::as_str).collect();
        t.retain(|k, _| keep.contains(&k.as_str()));
    }
    Ok(())
}

fn smp_list(
    field: &str,
    current: Option<&Value>,
    items: &[Value],
    order: Option<&Vec<Value>>,
) -> Result<Value, String> {
    let current = current
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if items
        .iter()
        .any(|i| i.get("$patch").and_then(Value::as_str) == Some("replace"))
    {
        let rest: Vec<Value> = items
            .iter()
            .filter(|i| i.get("$patch").is_none())
            .cloned()
            .collect();
        return Ok(Value::Array(rest));
    }
    if is_set_list(field) {
        let mut out = current;
        for i in items {
            if !out.contains(i) {
                out.push(i.clone());
            }
        }
        return Ok(Value::Array(out));
    }
    let Some(key) = merge_key(field, items) else {
        return Ok(Value::Array(items.to_vec()));
    };
    let live = current.clone();
    let mut out = current;
    for item in items {
        let Some(obj) = item.as_object() else {
            return Err(format!(
                "{field}: elements of a list merged by {key:?} must be objects"
            ));
        };
        let Some(id) = obj.get(key) else {
            return Err(format!("{field}: element has no merge key {key:?}: {item}"));
        };
        let pos = out.iter().position(|e| e.get(key) == Some(id));
        if obj.get("$patch").and_then(Value::as_str) == Some("delete") {
            if let Some(p) = pos {
                out.remove(p);
            }
            continue;
        }
        match pos {
            Some(p) => smp_object(&mut out[p], obj)?,
            None => {
                let mut fresh = Value::Object(Map::new());
                smp_object(&mut fresh, obj)?;
                out.push(fresh);
            }
        }
    }
    Ok(Value::Array(element_order(
        out,
        &live,
        order.map(Vec::as_slice).unwrap_or(items),
        items,
        key,
    )))
}

/// Upstream's element order after a keyed merge (`normalizeElementOrder` and
/// `mergeSortedSlice` in apimachinery's strategicpatch): the elements the patch
/// mentions, sorted by `patch_order`, and the others, sorted by the live order,
/// interleaved so that a live-only element goes before a patch element that
/// follows it in the live list.
fn element_order(
    merged: Vec<Value>,
    live: &[Value],
    patch_order: &[Value],
    patch: &[Value],
    key: &str,
) -> Vec<Value> {
    let index = |list: &[Value], v: &Value| list.iter().position(|x| x.get(key) == v.get(key));
    let (mut mentioned, mut live_only): (Vec<Value>, Vec<Value>) =
        merged.into_iter().partition(|v| index(patch, v).is_some());
    mentioned.sort_by_key(|v| index(patch_order, v).unwrap_or(usize::MAX));
    live_only.sort_by_key(|v| index(live, v).unwrap_or(usize::MAX));
    let mut out = Vec::with_capacity(mentioned.len() + live_only.len());
    let (mut l, mut r) = (
        live_only.into_iter().peekable(),
        mentioned.into_iter().peekable(),
    );
    loop {
        match (l.peek(), r.peek()) {
            (Some(a), Some(b)) => {
                let before =
                    matches!((index(live, a), index(live, b)), (Some(i), Some(j)) if i < j);
                out.extend(if before { l.next() } else { r.next() });
            }
            (Some(_), None) => out.extend(l.next()),
            (None, Some(_)) => out.extend(r.next()),
            (None, None) => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_patch_test_missing_is_null() {
        let mut o = json!({"metadata": {"name": "a"}});
        json_patch(
            &mut o,
            &json!([
                {"op": "test", "path": "/metadata/finalizers", "value": null},
                {"op": "add", "path": "/metadata/finalizers", "value": ["x"]}
            ]),
        )
        .unwrap();
        assert_eq!(o["metadata"]["finalizers"], json!(["x"]));
        let err = json_patch(
            &mut o,
            &json!([{"op": "test", "path": "/metadata/name", "value": "b"}]),
        );
        assert!(err.unwrap_err().contains("operation 0"));
    }

    #[test]
    fn smp_orders_merged_lists_like_upstream() {
        // Checked against kube-apiserver v1.32 (tests/differential.rs).
        let mut o = json!({"spec": {"containers": [
            {"name": "a", "image": "a:1"},
            {"name": "b", "image": "b:1", "env": [{"name": "Y", "value": "2"}]}
        ]}});
        strategic_merge_patch(
            &mut o,
            &json!({"spec": {"containers": [
                {"name": "b", "env": [{"name": "Z", "value": "3"}]},
                {"name": "c", "image": "c:1"}
            ]}}),
        )
        .unwrap();
        let names = |v: &Value| -> Vec<String> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|x| x["name"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(names(&o["spec"]["containers"]), ["a", "b", "c"]);
        // The patch's elements first, then the live ones it does not mention.
        assert_eq!(names(&o["spec"]["containers"][1]["env"]), ["Z", "Y"]);
    }

    #[test]
    fn smp_merges_by_key() {
        let mut o = json!({
            "metadata": {"finalizers": ["a"], "labels": {"x": "1", "y": "2"}},
            "spec": {"template": {"spec": {"containers": [
                {"name": "app", "image": "v1", "env": [{"name": "A", "value": "1"}]},
                {"name": "side", "image": "s1"}
            ]}}}
        });
        strategic_merge_patch(
            &mut o,
            &json!({
                "metadata": {"finalizers": ["b"], "labels": {"y": null}},
                "spec": {"template": {"spec": {
                    "$setElementOrder/containers": [{"name": "app"}],
                    "containers": [
                        {"name": "app", "image": "v2", "env": [{"name": "B", "value": "2"}]},
                        {"name": "side", "$patch": "delete"}
                    ]}}}
            }),
        )
        .unwrap();
        assert_eq!(o["metadata"]["finalizers"], json!(["a", "b"]));
        assert_eq!(o["metadata"]["labels"], json!({"x": "1"}));
        let cs = &o["spec"]["template"]["spec"]["containers"];
        assert_eq!(cs.as_array().unwrap().len(), 1);
        assert_eq!(cs[0]["image"], "v2");
        assert_eq!(cs[0]["env"].as_array().unwrap().len(), 2);
    }
}
