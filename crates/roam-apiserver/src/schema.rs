//! Field schemas: which fields an object may have (unknown fields are pruned, or
//! rejected under `fieldValidation=Strict`) and, for custom resources, validation
//! against the CRD's `openAPIV3Schema`.
//!
//! Built-in kinds are checked by decoding into their `k8s-openapi` type and
//! encoding back: a field that does not survive the round trip is one the kind
//! does not declare (kube-apiserver's Go structs drop them the same way).
//! Custom resources are walked along their structural schema.

use crate::registry::ResourceType;
use serde_json::{Map, Value};

/// A path into an object, as Kubernetes prints it: `spec.template.spec.containers[0].name`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path(Vec<Seg>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

impl Path {
    fn key(&self, k: &str) -> Path {
        let mut p = self.clone();
        p.0.push(Seg::Key(k.to_string()));
        p
    }
    fn index(&self, i: usize) -> Path {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }
}

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// How a write treats unknown fields (`fieldValidation`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum FieldValidation {
    /// Drop them silently.
    Ignore,
    /// Drop them and warn (kube-apiserver's default).
    #[default]
    Warn,
    /// Reject the write.
    Strict,
}

impl FieldValidation {
    pub fn parse(s: Option<&str>) -> Result<Self, String> {
        match s {
            None | Some("") | Some("Warn") => Ok(FieldValidation::Warn),
            Some("Ignore") => Ok(FieldValidation::Ignore),
            Some("Strict") => Ok(FieldValidation::Strict),
            Some(other) => Err(format!(
                "fieldValidation {other:?} is not one of Ignore, Warn, Strict"
            )),
        }
    }
}

/// The fields of `obj` that its kind does not declare, or `None` when the kind has no
/// known schema or the object does not decode (type errors are left to other checks).
pub fn unknown_fields(rt: &ResourceType, obj: &Value) -> Option<Vec<Path>> {
    let mut out = Vec::new();
    if rt.is_custom() {
        let schema = rt.schema.as_ref()?;
        crd_unknown(schema, obj, &Path::default(), true, &mut out);
        return Some(out);
    }
    let decoded = roundtrip(rt, obj)?;
    dropped(obj, &decoded, &Path::default(), &mut out);
    Some(out)
}

/// Removes the fields at `paths` from `obj`.
pub fn prune(obj: &mut Value, paths: &[Path]) {
    for p in paths {
        remove(obj, &p.0);
    }
}

fn remove(v: &mut Value, segs: &[Seg]) {
    match segs {
        [] => {}
        [Seg::Key(k)] => {
            if let Some(m) = v.as_object_mut() {
                m.remove(k);
            }
        }
        [Seg::Key(k), rest @ ..] => {
            if let Some(child) = v.get_mut(k.as_str()) {
                remove(child, rest);
            }
        }
        [Seg::Index(i), rest @ ..] => {
            if let Some(child) = v.get_mut(*i) {
                remove(child, rest);
            }
        }
    }
}

/// Fields of `input` (not null) missing from `output`.
fn dropped(input: &Value, output: &Value, path: &Path, out: &mut Vec<Path>) {
    match (input, output) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                if v.is_null() {
                    continue;
                }
                match b.get(k) {
                    None => out.push(path.key(k)),
                    Some(bv) => dropped(v, bv, &path.key(k), out),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                dropped(x, y, &path.index(i), out);
            }
        }
        _ => {}
    }
}

fn rt_json<T>(v: &Value) -> Option<Value>
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let typed: T = serde_json::from_value(v.clone()).ok()?;
    serde_json::to_value(&typed).ok()
}

/// `obj` decoded into its k8s-openapi type and encoded back.
fn roundtrip(rt: &ResourceType, obj: &Value) -> Option<Value> {
    use k8s_openapi::api::{
        apps::v1 as apps, autoscaling::v2 as autoscaling, batch::v1 as batch,
        coordination::v1 as coordination, core::v1 as core, events::v1 as events,
        networking::v1 as networking, rbac::v1 as rbac,
    };
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiext;
    match (rt.group.as_str(), rt.kind.as_str()) {
        ("", "Namespace") => rt_json::<core::Namespace>(obj),
        ("", "ConfigMap") => rt_json::<core::ConfigMap>(obj),
        ("", "Secret") => rt_json::<core::Secret>(obj),
        ("", "ServiceAccount") => rt_json::<core::ServiceAccount>(obj),
        ("", "Service") => rt_json::<core::Service>(obj),
        ("", "Endpoints") => rt_json::<core::Endpoints>(obj),
        ("", "Event") => rt_json::<core::Event>(obj),
        ("", "Pod") => rt_json::<core::Pod>(obj),
        ("", "PersistentVolumeClaim") => rt_json::<core::PersistentVolumeClaim>(obj),
        ("apps", "Deployment") => rt_json::<apps::Deployment>(obj),
        ("apps", "ReplicaSet") => rt_json::<apps::ReplicaSet>(obj),
        ("apps", "StatefulSet") => rt_json::<apps::StatefulSet>(obj),
        ("apps", "DaemonSet") => rt_json::<apps::DaemonSet>(obj),
        ("apps", "ControllerRevision") => rt_json::<apps::ControllerRevision>(obj),
        ("batch", "Job") => rt_json::<batch::Job>(obj),
        ("batch", "CronJob") => rt_json::<batch::CronJob>(obj),
        ("networking.k8s.io", "Ingress") => rt_json::<networking::Ingress>(obj),
        ("networking.k8s.io", "IngressClass") => rt_json::<networking::IngressClass>(obj),
        ("autoscaling", "HorizontalPodAutoscaler") => {
            rt_json::<autoscaling::HorizontalPodAutoscaler>(obj)
        }
        ("rbac.authorization.k8s.io", "Role") => rt_json::<rbac::Role>(obj),
        ("rbac.authorization.k8s.io", "RoleBinding") => rt_json::<rbac::RoleBinding>(obj),
        ("rbac.authorization.k8s.io", "ClusterRole") => rt_json::<rbac::ClusterRole>(obj),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding") => {
            rt_json::<rbac::ClusterRoleBinding>(obj)
        }
        ("coordination.k8s.io", "Lease") => rt_json::<coordination::Lease>(obj),
        ("events.k8s.io", "Event") => rt_json::<events::Event>(obj),
        ("apiextensions.k8s.io", "CustomResourceDefinition") => {
            rt_json::<apiext::CustomResourceDefinition>(obj)
        }
        _ => None,
    }
}

fn preserves_unknown(schema: &Value) -> bool {
    schema["x-kubernetes-preserve-unknown-fields"] == true
}

/// Unknown fields of a custom resource along its structural schema.
fn crd_unknown(schema: &Value, v: &Value, path: &Path, root: bool, out: &mut Vec<Path>) {
    match v {
        Value::Object(m) => {
            let props = schema["properties"].as_object();
            let additional = &schema["additionalProperties"];
            let embedded = schema["x-kubernetes-embedded-resource"] == true;
            for (k, child) in m {
                if (root || embedded) && matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
                    continue;
                }
                match props.and_then(|p| p.get(k)) {
                    Some(ps) => crd_unknown(ps, child, &path.key(k), false, out),
                    None if additional.is_object() => {
                        crd_unknown(additional, child, &path.key(k), false, out)
                    }
                    None if *additional == true || preserves_unknown(schema) => {}
                    None if props.is_none()
                        && additional.is_null()
                        && !schema["type"].is_string() =>
                    {
                        // A schema that says nothing about this level (e.g. `{}`).
                    }
                    None => out.push(path.key(k)),
                }
            }
        }
        Value::Array(items) if schema["items"].is_object() => {
            for (i, item) in items.iter().enumerate() {
                crd_unknown(&schema["items"], item, &path.index(i), false, out);
            }
        }
        _ => {}
    }
}

/// Removes `null`s the schema does not allow (as kube-apiserver's pruning does).
pub fn drop_nulls(schema: &Value, v: &mut Value) {
    match v {
        Value::Object(m) => {
            let props = schema["properties"].as_object();
            let additional = &schema["additionalProperties"];
            m.retain(|k, child| {
                let ps = props
                    .and_then(|p| p.get(k))
                    .or(additional.is_object().then_some(additional));
                !(child.is_null() && ps.is_some_and(|ps| ps["nullable"] != true))
            });
            for (k, child) in m.iter_mut() {
                if let Some(ps) = props.and_then(|p| p.get(k)) {
                    drop_nulls(ps, child);
                } else if additional.is_object() {
                    drop_nulls(additional, child);
                }
            }
        }
        Value::Array(items) if schema["items"].is_object() => {
            for item in items {
                drop_nulls(&schema["items"], item);
            }
        }
        _ => {}
    }
}

/// Violations of a custom resource's schema: (field, message), in Kubernetes' words.
pub fn validate(schema: &Value, v: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    check(schema, v, &Path::default(), true, &mut out);
    out
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn check(schema: &Value, v: &Value, path: &Path, root: bool, out: &mut Vec<(String, String)>) {
    let field = path.to_string();
    let shown = |v: &Value| -> String {
        let s = v.to_string();
        if s.len() > 60 {
            format!("{}...", &s[..60])
        } else {
            s
        }
    };
    let mut bad = |msg: String| out.push((field.clone(), msg));
    if v.is_null() {
        return;
    }
    if schema["x-kubernetes-int-or-string"] == true {
        if !(v.is_string() || v.is_i64() || v.is_u64()) {
            bad(format!(
                "Invalid value: {}: {field} in body must be of type integer or string: \"{}\"",
                shown(v),
                type_name(v)
            ));
        }
    } else if let Some(ty) = schema["type"].as_str() {
        let ok = match ty {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            _ => true,
        };
        if !ok {
            bad(format!(
                "Invalid value: \"{}\": {field} in body must be of type {ty}: \"{}\"",
                type_name(v),
                type_name(v)
            ));
            return;
        }
    }
    if let Some(options) = schema["enum"].as_array()
        && !options.contains(v)
    {
        let list: Vec<String> = options.iter().map(|o| o.to_string()).collect();
        bad(format!(
            "Unsupported value: {}: supported values: {}",
            shown(v),
            list.join(", ")
        ));
    }
    if let Some(n) = v.as_f64() {
        if let Some(min) = schema["minimum"].as_f64() {
            let excl = schema["exclusiveMinimum"] == true;
            if n < min || (excl && n == min) {
                bad(format!(
                    "Invalid value: {}: {field} in body should be greater than {}{min}",
                    shown(v),
                    if excl { "" } else { "or equal to " }
                ));
            }
        }
        if let Some(max) = schema["maximum"].as_f64() {
            let excl = schema["exclusiveMaximum"] == true;
            if n > max || (excl && n == max) {
                bad(format!(
                    "Invalid value: {}: {field} in body should be less than {}{max}",
                    shown(v),
                    if excl { "" } else { "or equal to " }
                ));
            }
        }
    }
    if let Some(s) = v.as_str() {
        let len = s.chars().count() as u64;
        if let Some(min) = schema["minLength"].as_u64()
            && len < min
        {
            bad(format!(
                "Invalid value: {}: {field} in body should be at least {min} chars long",
                shown(v)
            ));
        }
        if let Some(max) = schema["maxLength"].as_u64()
            && len > max
        {
            bad(format!("Too long: may not be more than {max} bytes"));
        }
        if let Some(p) = schema["pattern"].as_str()
            && let Ok(re) = regex::Regex::new(p)
            && !re.is_match(s)
        {
            bad(format!(
                "Invalid value: {}: {field} in body should match '{p}'",
                shown(v)
            ));
        }
    }
    if let Some(items) = v.as_array() {
        if let Some(min) = schema["minItems"].as_u64()
            && (items.len() as u64) < min
        {
            bad(format!(
                "Invalid value: {}: {field} in body should have at least {min} items",
                items.len()
            ));
        }
        if let Some(max) = schema["maxItems"].as_u64()
            && (items.len() as u64) > max
        {
            bad(format!(
                "Too many: {}: must have at most {max} items",
                items.len()
            ));
        }
        if schema["items"].is_object() {
            for (i, item) in items.iter().enumerate() {
                check(&schema["items"], item, &path.index(i), false, out);
            }
        }
    }
    if let Some(m) = v.as_object() {
        let missing: Vec<&str> = schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter(|r| m.get(*r).is_none_or(Value::is_null))
            .collect();
        for r in missing {
            out.push((path.key(r).to_string(), "Required value".into()));
        }
        let props: Option<&Map<String, Value>> = schema["properties"].as_object();
        for (k, child) in m {
            if root && matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
                continue;
            }
            if let Some(ps) = props.and_then(|p| p.get(k)) {
                check(ps, child, &path.key(k), false, out);
            } else if schema["additionalProperties"].is_object() {
                check(
                    &schema["additionalProperties"],
                    child,
                    &path.key(k),
                    false,
                    out,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn builtin(group: &str, kind: &str) -> ResourceType {
        crate::registry::Registry::with_builtins()
            .all()
            .into_iter()
            .find(|t| t.group == group && t.kind == kind)
            .map(|t| (*t).clone())
            .unwrap()
    }

    #[test]
    fn unknown_fields_of_builtins() {
        let rt = builtin("apps", "Deployment");
        let d = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "x", "labels": {"a": "b"}, "creationTimestamp": null},
            "spec": {
                "replica": 3,
                "selector": {"matchLabels": {"app": "x"}},
                "template": {"metadata": {"labels": {"app": "x"}},
                             "spec": {"containers": [{"name": "c", "image": "i", "imagee": "j"}]}},
            },
        });
        let unknown: Vec<String> = unknown_fields(&rt, &d)
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            unknown,
            ["spec.replica", "spec.template.spec.containers[0].imagee"]
        );
        let mut pruned = d.clone();
        prune(&mut pruned, &unknown_fields(&rt, &d).unwrap());
        assert!(pruned["spec"].get("replica").is_none());
        assert_eq!(
            pruned["spec"]["template"]["spec"]["containers"][0]["image"],
            "i"
        );
        assert_eq!(unknown_fields(&rt, &pruned).unwrap(), vec![]);
    }

    #[test]
    fn custom_resources_follow_their_schema() {
        let schema = json!({"type": "object", "properties": {
            "spec": {"type": "object", "required": ["size"], "properties": {
                "size": {"type": "integer", "minimum": 1},
                "mode": {"type": "string", "enum": ["a", "b"]},
                "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                "tags": {"type": "object", "additionalProperties": {"type": "string"}},
            }},
        }});
        let mut rt = builtin("", "ConfigMap");
        rt.crd = Some("gizmos.example.roam.dev".into());
        rt.schema = Some(schema.clone());
        let obj = json!({"apiVersion": "example.roam.dev/v1", "kind": "Gizmo", "metadata": {"name": "g"},
            "spec": {"size": 0, "mode": "c", "extra": 1, "free": {"any": {"thing": 1}},
                     "tags": {"t": 5}}});
        let unknown: Vec<String> = unknown_fields(&rt, &obj)
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(unknown, ["spec.extra"]);
        let errors = validate(&schema, &obj);
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            ["spec.mode", "spec.size", "spec.tags.t"],
            "{errors:?}"
        );
        assert!(
            validate(&schema, &json!({"spec": {}}))[0]
                .1
                .contains("Required")
        );
    }
}
