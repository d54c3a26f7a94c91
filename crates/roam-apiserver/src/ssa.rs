//! Server-side apply and `metadata.managedFields`, at leaf level.
//!
//! A field set is a set of paths to leaves (scalars, atomic lists, empty maps), to
//! elements of associative lists (`k:{…}`) and to members of set lists (`v:…`).
//! What kind a list is comes from [`Lists`]: for custom resources the CRD schema's
//! `x-kubernetes-list-type` (`map` with `x-kubernetes-list-map-keys`, `set`,
//! `atomic`, the default); for built-in kinds the upstream list-map keys
//! (`containers` and `env` by `name`, container `ports` by `containerPort` and
//! `protocol`, Service `ports` by `port` and `protocol`, …; `protocol` defaults to
//! `TCP` in keys) and `finalizers` as a set. Applied configurations are merged
//! along the same list types, so managers owning different elements of one list
//! keep them. Rules: applying a value that differs from the live one on a field
//! another manager owns is a 409 conflict unless `force` (which takes the field
//! over); fields a manager applied before and no longer applies are removed when
//! nobody else owns them; other writes record `Update` ownership of the fields
//! they change, taking them from other managers. Entries are per manager,
//! operation and subresource: applies and updates to `/status` own status fields
//! only (entries with `subresource: status`), and applies to the main resource
//! of a kind with a status subresource own no status fields.

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
    /// A member of a set list: `v:<json of the value>`.
    Value(String),
}

/// Where list types come from.
#[derive(Clone, Copy, Debug)]
pub enum Lists<'a> {
    /// Built-in kinds: the upstream list-map keys and sets.
    Builtin,
    /// Custom resources: `x-kubernetes-list-type` in the CRD's schema, if any.
    Schema(Option<&'a Value>),
}

/// How a list merges and is owned.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ListType {
    Atomic,
    Map(Vec<&'static str>),
    MapOwned(Vec<String>),
    Set,
}

impl ListType {
    fn keys(&self) -> Option<Vec<&str>> {
        match self {
            ListType::Map(k) => Some(k.clone()),
            ListType::MapOwned(k) => Some(k.iter().map(String::as_str).collect()),
            _ => None,
        }
    }
}

/// The schema node at `path` (map steps through `properties` or
/// `additionalProperties`, list elements through `items`).
fn schema_at<'a>(schema: &'a Value, path: &[Step]) -> Option<&'a Value> {
    let mut s = schema;
    for step in path {
        s = match step {
            Step::Field(f) => match s["properties"].get(f) {
                Some(p) => p,
                None if s["additionalProperties"].is_object() => &s["additionalProperties"],
                None => return None,
            },
            Step::Key(_) | Step::Value(_) => s.get("items")?,
        };
    }
    Some(s)
}

/// The value of key field `k` of a list element, with the defaults kube-apiserver
/// fills in before keys are compared (`protocol: TCP`).
fn key_value(item: &Value, k: &str) -> Option<Value> {
    match item.get(k) {
        Some(v) => Some(v.clone()),
        None if k == "protocol" => Some(json!("TCP")),
        None => None,
    }
}

impl Lists<'_> {
    fn list_type(&self, path: &[Step], items: &[Value]) -> ListType {
        let t = match self {
            Lists::Builtin => {
                let Some(Step::Field(field)) = path.last() else {
                    return ListType::Atomic;
                };
                if field == "finalizers" {
                    ListType::Set
                } else if field == "ports" {
                    if items.iter().any(|i| i.get("containerPort").is_some()) {
                        ListType::Map(vec!["containerPort", "protocol"])
                    } else {
                        ListType::Map(vec!["port", "protocol"])
                    }
                } else {
                    match crate::patch::merge_key(field, items) {
                        Some(k) => ListType::Map(vec![k]),
                        None => ListType::Atomic,
                    }
                }
            }
            Lists::Schema(None) => ListType::Atomic,
            Lists::Schema(Some(schema)) => {
                let Some(s) = schema_at(schema, path) else {
                    return ListType::Atomic;
                };
                match s["x-kubernetes-list-type"].as_str() {
                    Some("set") => ListType::Set,
                    Some("map") => {
                        let keys: Vec<String> = s["x-kubernetes-list-map-keys"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|k| k.as_str().map(str::to_string))
                            .collect();
                        if keys.is_empty() {
                            ListType::Atomic
                        } else {
                            ListType::MapOwned(keys)
                        }
                    }
                    _ => ListType::Atomic,
                }
            }
        };
        // Elements without their keys (or sets of non-scalars) cannot be told apart.
        match &t {
            ListType::Set if items.iter().any(|i| i.is_object() || i.is_array()) => {
                ListType::Atomic
            }
            _ => match t.keys() {
                Some(keys)
                    if !items.iter().all(|i| {
                        i.is_object() && keys.iter().all(|k| key_value(i, k).is_some())
                    }) =>
                {
                    ListType::Atomic
                }
                _ => t,
            },
        }
    }
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

fn key_step(keys: &[&str], item: &Value) -> Step {
    let mut m = Map::new();
    for k in keys {
        if let Some(v) = key_value(item, k) {
            m.insert(k.to_string(), v);
        }
    }
    Step::Key(Value::Object(m).to_string())
}

fn value_step(item: &Value) -> Step {
    Step::Value(item.to_string())
}

/// The field set of an object (or apply configuration).
pub fn fields(obj: &Value, lists: Lists) -> FieldSet {
    let mut out = FieldSet::new();
    walk(obj, &mut Vec::new(), &mut out, lists);
    out.retain(|p| !p.is_empty() && !untracked(p));
    out
}

fn walk(v: &Value, path: &mut Path, out: &mut FieldSet, lists: Lists) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, c) in m {
                path.push(Step::Field(k.clone()));
                if !untracked(path) {
                    walk(c, path, out, lists);
                }
                path.pop();
            }
        }
        Value::Array(items) if !items.is_empty() => match lists.list_type(path, items) {
            ListType::Set => {
                for item in items {
                    path.push(value_step(item));
                    out.insert(path.clone());
                    path.pop();
                }
            }
            ListType::Atomic => {
                out.insert(path.clone());
            }
            t => {
                let keys = t.keys().unwrap_or_default();
                for item in items {
                    path.push(key_step(&keys, item));
                    out.insert(path.clone());
                    walk(item, path, out, lists);
                    path.pop();
                }
            }
        },
        _ => {
            out.insert(path.clone());
        }
    }
}

fn find_item<'a>(items: &'a [Value], step: &Step) -> Option<(usize, &'a Value)> {
    match step {
        Step::Key(key) => {
            let want: Value = serde_json::from_str(key).ok()?;
            let want = want.as_object()?;
            items.iter().enumerate().find(|(_, i)| {
                i.is_object()
                    && want
                        .iter()
                        .all(|(k, v)| key_value(i, k).as_ref() == Some(v))
            })
        }
        Step::Value(v) => {
            let want: Value = serde_json::from_str(v).ok()?;
            items.iter().enumerate().find(|(_, i)| **i == want)
        }
        Step::Field(_) => None,
    }
}

/// Merges an apply configuration into the live object along the list types:
/// maps merge per field, associative lists per element (new elements are
/// appended), sets as a union, atomic lists and scalars are replaced. A `null`
/// in the configuration removes the field.
pub fn merge(live: &mut Value, config: &Value, lists: Lists) {
    merge_at(live, config, &mut Vec::new(), lists);
}

fn merge_at(live: &mut Value, config: &Value, path: &mut Path, lists: Lists) {
    match (live, config) {
        (Value::Object(l), Value::Object(c)) => {
            for (k, cv) in c {
                if cv.is_null() {
                    l.remove(k);
                    continue;
                }
                path.push(Step::Field(k.clone()));
                match l.get_mut(k) {
                    Some(lv) => merge_at(lv, cv, path, lists),
                    None => {
                        l.insert(k.clone(), cv.clone());
                    }
                }
                path.pop();
            }
        }
        (Value::Array(l), Value::Array(c)) => {
            // The list type is decided on both sides' elements together.
            let all: Vec<Value> = l.iter().chain(c.iter()).cloned().collect();
            match lists.list_type(path, &all) {
                ListType::Atomic => *l = c.clone(),
                ListType::Set => {
                    for item in c {
                        if !l.contains(item) {
                            l.push(item.clone());
                        }
                    }
                }
                t => {
                    let keys = t.keys().unwrap_or_default();
                    for item in c {
                        let step = key_step(&keys, item);
                        match find_item(l, &step).map(|(i, _)| i) {
                            Some(i) => {
                                path.push(step);
                                merge_at(&mut l[i], item, path, lists);
                                path.pop();
                            }
                            None => l.push(item.clone()),
                        }
                    }
                }
            }
        }
        (live, config) => *live = config.clone(),
    }
}

/// The value at `path`, if present.
pub fn get<'a>(obj: &'a Value, path: &[Step]) -> Option<&'a Value> {
    let mut v = obj;
    for step in path {
        v = match step {
            Step::Field(f) => v.as_object()?.get(f)?,
            Step::Key(_) | Step::Value(_) => find_item(v.as_array()?, step)?.1,
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
            Step::Key(_) | Step::Value(_) => {
                let Some(items) = v.as_array_mut() else {
                    return;
                };
                let Some((i, _)) = find_item(items, step) else {
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
        Step::Key(_) | Step::Value(_) => {
            if let Some(items) = v.as_array_mut()
                && let Some((i, _)) = find_item(items, last)
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
                Step::Value(v) => format!("v:{v}"),
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

/// Decodes `FieldsV1` (unknown entries are skipped).
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
        } else if let Some(v) = k.strip_prefix("v:") {
            Step::Value(v.to_string())
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

impl Entry {
    fn is(&self, manager: &str, operation: &str, subresource: Option<&str>) -> bool {
        self.manager == manager
            && self.operation == operation
            && self.subresource.as_deref() == subresource
    }
}

fn upsert<'a>(
    entries: &'a mut Vec<Entry>,
    manager: &str,
    operation: &str,
    subresource: Option<&str>,
    api_version: &str,
) -> &'a mut Entry {
    let pos = entries
        .iter()
        .position(|e| e.is(manager, operation, subresource));
    let i = match pos {
        Some(i) => i,
        None => {
            entries.push(Entry {
                manager: manager.to_string(),
                operation: operation.to_string(),
                subresource: subresource.map(str::to_string),
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

/// Records an `Update` by `manager` (through `subresource`, if any): it owns the
/// fields that changed from `old` to `new` (all of them on create); other
/// managers lose those fields.
pub fn track_update(
    new: &mut Value,
    old: Option<&Value>,
    manager: &str,
    subresource: Option<&str>,
    api_version: &str,
    lists: Lists,
) {
    let mut entries = read_entries(new);
    let status_only = subresource == Some("status");
    let changed: FieldSet = fields(new, lists)
        .into_iter()
        .filter(|p| !status_only || Scope::Status.covers(p))
        .filter(|p| old.is_none_or(|o| get(o, p) != get(new, p)))
        .collect();
    if changed.is_empty() {
        return;
    }
    for e in entries.iter_mut() {
        if !e.is(manager, "Update", subresource) {
            e.fields.retain(|p| !changed.contains(p));
        }
    }
    upsert(&mut entries, manager, "Update", subresource, api_version)
        .fields
        .extend(changed);
    write_entries(new, &entries);
}

/// What an apply owns: through `/status` only the status, through the main
/// resource of a kind with a status subresource everything but the status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    All,
    Main,
    Status,
}

impl Scope {
    fn subresource(self) -> Option<&'static str> {
        (self == Scope::Status).then_some("status")
    }

    fn covers(self, path: &[Step]) -> bool {
        let status = matches!(path.first(), Some(Step::Field(f)) if f == "status");
        match self {
            Scope::All => true,
            Scope::Main => !status,
            Scope::Status => status,
        }
    }
}

fn path_string(path: &[Step]) -> String {
    let mut s = String::new();
    for step in path {
        match step {
            Step::Field(f) => {
                s.push('.');
                s.push_str(f);
            }
            Step::Key(k) | Step::Value(k) => {
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
#[allow(clippy::too_many_arguments)]
pub fn apply(
    live: Option<&Value>,
    config: &Value,
    manager: &str,
    force: bool,
    api_version: &str,
    lists: Lists,
    scope: Scope,
    what: (&str, &str, &str),
) -> Result<Value, ApiError> {
    let sub = scope.subresource();
    let mut new_set = fields(config, lists);
    new_set.retain(|p| scope.covers(p));
    let mine = |e: &Entry| e.is(manager, "Apply", sub);
    let Some(live) = live else {
        let mut obj = config.clone();
        let mut entries = Vec::new();
        upsert(&mut entries, manager, "Apply", sub, api_version).fields = new_set;
        write_entries(&mut obj, &entries);
        return Ok(obj);
    };
    let mut entries = read_entries(live);
    // Conflicts: a different value on a field another manager owns.
    let mut conflicts = Vec::new();
    let mut took_over = false;
    for p in &new_set {
        // An element of an associative list or a set member is owned, not compared:
        // its fields are.
        if matches!(p.last(), Some(Step::Key(_) | Step::Value(_))) {
            continue;
        }
        let live_v = get(live, p);
        if live_v.is_none() || live_v == get(config, p) {
            continue;
        }
        for e in entries.iter_mut() {
            if mine(e) || !e.fields.contains(p) {
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
    // Merge the configuration into the live object (the part in scope).
    let mut merged = live.clone();
    let mut in_scope = config.clone();
    if let Some(m) = in_scope.as_object_mut() {
        match scope {
            Scope::All => {}
            Scope::Main => {
                m.remove("status");
            }
            Scope::Status => m.retain(|k, _| k == "status"),
        }
    }
    merge(&mut merged, &in_scope, lists);
    // Fields this manager applied before and no longer applies go, unless owned elsewhere.
    let previous: FieldSet = entries
        .iter()
        .find(|e| mine(e))
        .map(|e| e.fields.clone())
        .unwrap_or_default();
    for p in previous.difference(&new_set) {
        let owned_elsewhere = entries.iter().any(|e| !mine(e) && e.fields.contains(p));
        if !owned_elsewhere {
            remove(&mut merged, p);
        }
    }
    // Re-applying the same configuration changes nothing (not even the entry's time).
    let had_entry = entries.iter().any(mine);
    let without_mf = |v: &Value| {
        let mut v = v.clone();
        crate::object::meta_mut(&mut v).remove("managedFields");
        v
    };
    if had_entry && !took_over && previous == new_set && without_mf(&merged) == without_mf(live) {
        return Ok(live.clone());
    }
    upsert(&mut entries, manager, "Apply", sub, api_version).fields = new_set;
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
        let set = fields(&obj, Lists::Builtin);
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
        let live = apply(
            None,
            &a,
            "alice",
            false,
            "apps/v1",
            Lists::Builtin,
            Scope::All,
            what,
        )
        .unwrap();
        // Bob sets a different replicas: conflict; with force he takes it over.
        let b = json!({"metadata": {"name": "web"}, "spec": {"replicas": 3}});
        let err = apply(
            Some(&live),
            &b,
            "bob",
            false,
            "apps/v1",
            Lists::Builtin,
            Scope::All,
            what,
        )
        .unwrap_err();
        assert_eq!(err.code, 409);
        assert_eq!(err.causes[0].1, ".spec.replicas");
        let live = apply(
            Some(&live),
            &b,
            "bob",
            true,
            "apps/v1",
            Lists::Builtin,
            Scope::All,
            what,
        )
        .unwrap();
        assert_eq!(live["spec"]["replicas"], 3);
        // Alice stops applying `paused` (hers alone): it is removed; replicas is Bob's now.
        let a2 = json!({"metadata": {"name": "web"}, "spec": {}});
        let live = apply(
            Some(&live),
            &a2,
            "alice",
            false,
            "apps/v1",
            Lists::Builtin,
            Scope::All,
            what,
        )
        .unwrap();
        assert!(live["spec"].get("paused").is_none());
        assert_eq!(live["spec"]["replicas"], 3);
    }
}
