//! Server-side apply and `metadata.managedFields`, at leaf level.
//!
//! A field set is a set of paths to leaves (scalars, atomic lists, empty maps) and
//! to elements of keyed lists. Lists are keyed for built-in kinds where the
//! upstream schema gives a merge key (`containers` by `name`, …); every other list
//! is atomic (custom resource lists included: `x-kubernetes-list-type: map` is
//! not read yet). Rules: applying a value that differs from the live one on a
//! field another manager owns is a 409 conflict unless `force` (which takes the
//! field over); fields a manager applied before and no longer applies are removed
//! when nobody else owns them; other writes record `Update` ownership of the
//! fields they change, taking them from other managers.

use crate::error::ApiError;
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    /// A map field: `f:<name>`.
    Field(String),
    /// An element of a keyed list: `k:<json of the key fields>`.
    Key(String),
}

pub type Path = Vec<Step>;
pub type FieldSet = BTreeSet<Path>;

/// Fields that no manager owns.
fn untracked(path: &[Step]) -> bool {
    match path {
        [Step::Field(f)] => f == "apiVersion" || f == "kind",
        [Step::Field(m), Step::Field(f), ..] if m == "metadata" => matches!(
            f.as_str(),
            "name"
                | "namespace"
                | "uid"
                | "resourceVersion"
                | "generation"
                | "creationTimestamp"
                | "deletionTimestamp"
                | "deletionGracePeriodSeconds"
                | "managedFields"
                | "selfLink"
        ),
        _ => false,
    }
}

fn keyed<'a>(path: &[Step], items: &'a [Value], builtin: bool) -> Option<&'a str> {
    if !builtin {
        return None;
    }
    let Some(Step::Field(field)) = path.last() else {
        return None;
    };
    let key = crate::patch::merge_key(field, items)?;
    items.iter().all(|i| i.get(key).is_some()).then_some(key)
}

fn key_step(key: &str, item: &Value) -> Step {
    let mut m = Map::new();
    m.insert(key.to_string(), item[key].clone());
    Step::Key(Value::Object(m).to_string())
}

/// The field set of an object (or apply configuration).
pub fn fields(obj: &Value, builtin: bool) -> FieldSet {
    let mut out = FieldSet::new();
    walk(obj, &mut Vec::new(), &mut out, builtin);
    out.retain(|p| !p.is_empty() && !untracked(p));
    out
}

fn walk(v: &Value, path: &mut Path, out: &mut FieldSet, builtin: bool) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, c) in m {
                path.push(Step::Field(k.clone()));
                if !untracked(path) {
                    walk(c, path, out, builtin);
                }
                path.pop();
            }
        }
        Value::Array(items) if !items.is_empty() && keyed(path, items, builtin).is_some() => {
            let key = keyed(path, items, builtin).unwrap_or_default().to_string();
            for item in items {
                path.push(key_step(&key, item));
                out.insert(path.clone());
                walk(item, path, out, builtin);
                path.pop();
            }
        }
        _ => {
            out.insert(path.clone());
        }
    }
}

fn find_item<'a>(items: &'a [Value], key: &str) -> Option<(usize, &'a Value)> {
    let want: Value = serde_json::from_str(key).ok()?;
    let want = want.as_object()?;
    items
        .iter()
        .enumerate()
        .find(|(_, i)| want.iter().all(|(k, v)| i.get(k) == Some(v)))
}

/// The value at `path`, if present.
pub fn get<'a>(obj: &'a Value, path: &[Step]) -> Option<&'a Value> {
    let mut v = obj;
    for step in path {
        v = match step {
            Step::Field(f) => v.as_object()?.get(f)?,
            Step::Key(k) => find_item(v.as_array()?, k)?.1,
        };
    }
    Some(v)
}

/// Removes the value at `path` (a map field or a keyed-list element).
fn remove(obj: &mut Value, path: &[Step]) {
    let Some((last, parent_path)) = path.split_last() else {
        return;
    };
    let mut v = obj;
    for step in parent_path {
        let next = match step {
            Step::Field(f) => v.as_object_mut().and_then(|m| m.get_mut(f)),
            Step::Key(k) => {
                let Some(items) = v.as_array_mut() else {
                    return;
                };
                let Some((i, _)) = find_item(items, k) else {
                    return;
                };
                items.get_mut(i)
            }
        };
        let Some(n) = next else { return };
        v = n;
    }
    match last {
        Step::Field(f) => {
            if let Some(m) = v.as_object_mut() {
                m.remove(f);
            }
        }
        Step::Key(k) => {
            if let Some(items) = v.as_array_mut()
                && let Some((i, _)) = find_item(items, k)
            {
                items.remove(i);
            }
        }
    }
}

/// `FieldsV1` encoding of a field set.
pub fn encode(set: &FieldSet) -> Value {
    let mut root = Map::new();
    for path in set {
        let mut node = &mut root;
        for step in path {
            let name = match step {
                Step::Field(f) => format!("f:{f}"),
                Step::Key(k) => format!("k:{k}"),
            };
            node = node
                .entry(name)
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .expect("nodes are objects");
        }
        if matches!(path.last(), Some(Step::Key(_))) {
            node.insert(".".into(), json!({}));
        }
    }
    Value::Object(root)
}

/// Decodes `FieldsV1` (unknown entries such as `v:` set members are skipped).
pub fn decode(v: &Value) -> FieldSet {
    let mut out = FieldSet::new();
    decode_into(v, &mut Vec::new(), &mut out);
    out
}

fn decode_into(v: &Value, path: &mut Path, out: &mut FieldSet) {
    let Some(m) = v.as_object() else { return };
    for (k, sub) in m {
        if k == "." {
            out.insert(path.clone());
            continue;
        }
        let step = if let Some(f) = k.strip_prefix("f:") {
            Step::Field(f.to_string())
        } else if let Some(key) = k.strip_prefix("k:") {
            Step::Key(key.to_string())
        } else {
            continue;
        };
        path.push(step);
        if sub.as_object().is_some_and(|s| s.is_empty()) {
            out.insert(path.clone());
        } else {
            decode_into(sub, path, out);
        }
        path.pop();
    }
}

/// One `managedFields` entry, decoded.
#[derive(Debug, Clone)]
struct Entry {
    manager: String,
    operation: String,
    subresource: Option<String>,
    api_version: String,
    time: String,
    fields: FieldSet,
}

fn read_entries(obj: &Value) -> Vec<Entry> {
    obj["metadata"]["managedFields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| {
            Some(Entry {
                manager: e["manager"].as_str()?.to_string(),
                operation: e["operation"].as_str().unwrap_or("Update").to_string(),
                subresource: e["subresource"].as_str().map(str::to_string),
                api_version: e["apiVersion"].as_str().unwrap_or_default().to_string(),
                time: e["time"].as_str().unwrap_or_default().to_string(),
                fields: decode(&e["fieldsV1"]),
            })
        })
        .collect()
}

fn write_entries(obj: &mut Value, entries: &[Entry]) {
    let list: Vec<Value> = entries
        .iter()
        .filter(|e| !e.fields.is_empty())
        .map(|e| {
            let mut v = json!({
                "manager": e.manager,
                "operation": e.operation,
                "apiVersion": e.api_version,
                "time": e.time,
                "fieldsType": "FieldsV1",
                "fieldsV1": encode(&e.fields),
            });
            if let Some(s) = &e.subresource {
                v["subresource"] = json!(s);
            }
            v
        })
        .collect();
    let meta = crate::object::meta_mut(obj);
    if list.is_empty() {
        meta.remove("managedFields");
    } else {
        meta.insert("managedFields".into(), Value::Array(list));
    }
}

fn upsert<'a>(
    entries: &'a mut Vec<Entry>,
    manager: &str,
    operation: &str,
    api_version: &str,
) -> &'a mut Entry {
    let pos = entries
        .iter()
        .position(|e| e.manager == manager && e.operation == operation && e.subresource.is_none());
    let i = match pos {
        Some(i) => i,
        None => {
            entries.push(Entry {
                manager: manager.to_string(),
                operation: operation.to_string(),
                subresource: None,
                api_version: api_version.to_string(),
                time: String::new(),
                fields: FieldSet::new(),
            });
            entries.len() - 1
        }
    };
    let e = &mut entries[i];
    e.time = crate::object::now();
    e.api_version = api_version.to_string();
    e
}

/// Records an `Update` by `manager`: it owns the fields that changed from `old` to
/// `new` (all of them on create); other managers lose those fields.
pub fn track_update(
    new: &mut Value,
    old: Option<&Value>,
    manager: &str,
    api_version: &str,
    builtin: bool,
) {
    let mut entries = read_entries(new);
    let changed: FieldSet = fields(new, builtin)
        .into_iter()
        .filter(|p| old.is_none_or(|o| get(o, p) != get(new, p)))
        .collect();
    if changed.is_empty() {
        return;
    }
    for e in entries.iter_mut() {
        if !(e.manager == manager && e.operation == "Update") {
            e.fields.retain(|p| !changed.contains(p));
        }
    }
    upsert(&mut entries, manager, "Update", api_version)
        .fields
        .extend(changed);
    write_entries(new, &entries);
}

fn path_string(path: &[Step]) -> String {
    let mut s = String::new();
    for step in path {
        match step {
            Step::Field(f) => {
                s.push('.');
                s.push_str(f);
            }
            Step::Key(k) => {
                s.push('[');
                s.push_str(k);
                s.push(']');
            }
        }
    }
    s
}

/// Server-side apply of `config` by `manager` onto `live` (`None`: the object does
/// not exist yet). Returns the new object with its `managedFields`.
pub fn apply(
    live: Option<&Value>,
    config: &Value,
    manager: &str,
    force: bool,
    api_version: &str,
    builtin: bool,
    what: (&str, &str, &str),
) -> Result<Value, ApiError> {
    let new_set = fields(config, builtin);
    let Some(live) = live else {
        let mut obj = config.clone();
        let mut entries = Vec::new();
        upsert(&mut entries, manager, "Apply", api_version).fields = new_set;
        write_entries(&mut obj, &entries);
        return Ok(obj);
    };
    let mut entries = read_entries(live);
    // Conflicts: a different value on a field another manager owns.
    let mut conflicts = Vec::new();
    let mut took_over = false;
    for p in &new_set {
        let live_v = get(live, p);
        if live_v.is_none() || live_v == get(config, p) {
            continue;
        }
        for e in entries.iter_mut() {
            if (e.manager == manager && e.operation == "Apply") || !e.fields.contains(p) {
                continue;
            }
            if force {
                e.fields.remove(p);
                took_over = true;
            } else {
                conflicts.push((e.manager.clone(), path_string(p)));
            }
        }
    }
    if !conflicts.is_empty() {
        // kube-apiserver's words (fieldmanager's getConflictMessage): one
        // conflict inline, several grouped by manager; details carry only the
        // causes.
        let _ = what;
        let message = if let [(m, f)] = conflicts.as_slice() {
            format!("Apply failed with 1 conflict: conflict with \"{m}\": {f}")
        } else {
            let mut by_manager: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
            for (m, f) in &conflicts {
                by_manager.entry(m).or_default().push(f);
            }
            let mut lines = Vec::new();
            for (m, fields) in by_manager {
                lines.push(format!("conflicts with \"{m}\":"));
                lines.extend(fields.into_iter().map(|f| format!("- {f}")));
            }
            format!(
                "Apply failed with {} conflicts: {}",
                conflicts.len(),
                lines.join("\n")
            )
        };
        let mut err = ApiError::new(409, "Conflict", message);
        err.causes = conflicts
            .into_iter()
            .map(|(m, f)| {
                (
                    "FieldManagerConflict".to_string(),
                    f,
                    format!("conflict with \"{m}\""),
                )
            })
            .collect();
        return Err(err);
    }
    // Merge the configuration into the live object.
    let mut merged = live.clone();
    if builtin {
        crate::patch::strategic_merge_patch(&mut merged, config)
            .map_err(|e| ApiError::bad_request(format!("apply configuration: {e}")))?;
    } else {
        crate::patch::merge_patch(&mut merged, config);
    }
    // Fields this manager applied before and no longer applies go, unless owned elsewhere.
    let previous: FieldSet = entries
        .iter()
        .find(|e| e.manager == manager && e.operation == "Apply" && e.subresource.is_none())
        .map(|e| e.fields.clone())
        .unwrap_or_default();
    for p in previous.difference(&new_set) {
        let owned_elsewhere = entries
            .iter()
            .any(|e| !(e.manager == manager && e.operation == "Apply") && e.fields.contains(p));
        if !owned_elsewhere {
            remove(&mut merged, p);
        }
    }
    // Re-applying the same configuration changes nothing (not even the entry's time).
    let had_entry = entries
        .iter()
        .any(|e| e.manager == manager && e.operation == "Apply" && e.subresource.is_none());
    let without_mf = |v: &Value| {
        let mut v = v.clone();
        crate::object::meta_mut(&mut v).remove("managedFields");
        v
    };
    if had_entry && !took_over && previous == new_set && without_mf(&merged) == without_mf(live) {
        return Ok(live.clone());
    }
    upsert(&mut entries, manager, "Apply", api_version).fields = new_set;
    write_entries(&mut merged, &entries);
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_through_fields_v1() {
        let obj = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app": "web"}},
            "spec": {"replicas": 2, "template": {"spec": {"containers": [
                {"name": "app", "image": "v1"}
            ]}}}
        });
        let set = fields(&obj, true);
        let enc = encode(&set);
        assert_eq!(enc["f:spec"]["f:replicas"], json!({}));
        assert_eq!(
            enc["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"app\"}"]["."],
            json!({})
        );
        assert_eq!(decode(&enc), set);
        assert!(enc["f:metadata"].get("f:name").is_none());
    }

    #[test]
    fn conflicts_force_and_removal() {
        let what = ("apps", "deployments", "web");
        let a = json!({"metadata": {"name": "web"}, "spec": {"replicas": 1, "paused": false}});
        let live = apply(None, &a, "alice", false, "apps/v1", true, what).unwrap();
        // Bob sets a different replicas: conflict; with force he takes it over.
        let b = json!({"metadata": {"name": "web"}, "spec": {"replicas": 3}});
        let err = apply(Some(&live), &b, "bob", false, "apps/v1", true, what).unwrap_err();
        assert_eq!(err.code, 409);
        assert_eq!(err.causes[0].1, ".spec.replicas");
        let live = apply(Some(&live), &b, "bob", true, "apps/v1", true, what).unwrap();
        assert_eq!(live["spec"]["replicas"], 3);
        // Alice stops applying `paused` (hers alone): it is removed; replicas is Bob's now.
        let a2 = json!({"metadata": {"name": "web"}, "spec": {}});
        let live = apply(Some(&live), &a2, "alice", false, "apps/v1", true, what).unwrap();
        assert!(live["spec"].get("paused").is_none());
        assert_eq!(live["spec"]["replicas"], 3);
    }
}
