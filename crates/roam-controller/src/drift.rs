//! Drift: where a live object no longer says what roam applied, and who
//! changed it (from the object's `managedFields`).
//!
//! Only what roam applied is compared (a field roam never set is not
//! roam's business); `status` and server-written metadata are ignored.

use serde_json::Value;

/// One step of a path into an object.
#[derive(Clone, Debug, PartialEq)]
pub enum Seg {
    Key(String),
    /// A list element: its index and the element as applied (to match
    /// `k:{…}` entries of managedFields).
    Elem(usize, Value),
}

/// A field whose live value differs from the applied one.
#[derive(Clone, Debug, PartialEq)]
pub struct Changed {
    pub path: Vec<Seg>,
    pub applied: Value,
    pub live: Value,
}

/// `spec.template.spec.containers[name=web].image`.
pub fn path_string(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Elem(i, v) => match merge_key(v) {
                Some((k, val)) => s.push_str(&format!("[{k}={val}]")),
                None => s.push_str(&format!("[{i}]")),
            },
        }
    }
    s
}

/// The fields of `applied` whose values `live` does not have.
pub fn diff(applied: &Value, live: &Value) -> Vec<Changed> {
    let mut out = Vec::new();
    let (Some(a), Some(l)) = (applied.as_object(), live.as_object()) else {
        return out;
    };
    for (k, av) in a {
        match k.as_str() {
            "apiVersion" | "kind" | "status" => continue,
            "metadata" => {
                for mk in ["labels", "annotations"] {
                    if let Some(am) = av.get(mk) {
                        let lm = l
                            .get("metadata")
                            .and_then(|m| m.get(mk))
                            .unwrap_or(&Value::Null);
                        walk(
                            &mut vec![Seg::Key("metadata".into()), Seg::Key(mk.into())],
                            am,
                            lm,
                            &mut out,
                        );
                    }
                }
            }
            _ => walk(
                &mut vec![Seg::Key(k.clone())],
                av,
                l.get(k).unwrap_or(&Value::Null),
                &mut out,
            ),
        }
    }
    out
}

fn walk(path: &mut Vec<Seg>, a: &Value, l: &Value, out: &mut Vec<Changed>) {
    match (a, l) {
        (Value::Object(am), Value::Object(lm)) => {
            for (k, av) in am {
                path.push(Seg::Key(k.clone()));
                walk(path, av, lm.get(k).unwrap_or(&Value::Null), out);
                path.pop();
            }
        }
        (Value::Array(aa), Value::Array(la)) => {
            let keyed = aa.iter().all(|e| merge_key(e).is_some());
            for (i, ae) in aa.iter().enumerate() {
                let le = if keyed {
                    let key = merge_key(ae);
                    la.iter().find(|e| merge_key(e) == key)
                } else {
                    la.get(i)
                };
                path.push(Seg::Elem(i, ae.clone()));
                match le {
                    Some(le) => walk(path, ae, le, out),
                    None => out.push(Changed {
                        path: path.clone(),
                        applied: ae.clone(),
                        live: Value::Null,
                    }),
                }
                path.pop();
            }
        }
        _ => {
            if !same_scalar(a, l) {
                out.push(Changed {
                    path: path.clone(),
                    applied: a.clone(),
                    live: l.clone(),
                });
            }
        }
    }
}

fn merge_key(v: &Value) -> Option<(&'static str, String)> {
    for k in ["name", "containerPort", "mountPath", "key", "ip"] {
        if let Some(x) = v.get(k) {
            return Some((
                k,
                match x {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                },
            ));
        }
    }
    None
}

fn same_scalar(a: &Value, l: &Value) -> bool {
    match (a, l) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::String(x), Value::String(y)) => {
            x == y
                || matches!((quantity(x), quantity(y)), (Some(p), Some(q)) if (p - q).abs() < 1e-9 * p.abs().max(1.0))
        }
        (Value::Number(x), Value::String(y)) | (Value::String(y), Value::Number(x)) => {
            quantity(y).is_some_and(|q| Some(q) == x.as_f64())
        }
        _ => a == l,
    }
}

/// A Kubernetes quantity as a number (`500m` → 0.5, `1Gi` → 1073741824).
fn quantity(s: &str) -> Option<f64> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(s.len());
    let (num, suffix) = s.split_at(split);
    let n: f64 = num.parse().ok()?;
    let m = match suffix {
        "" => 1.0,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        _ => return None,
    };
    Some(n * m)
}

/// The managers (other than `except`) whose `managedFields` own the field
/// at `path` or, failing that, its nearest owned ancestor.
pub fn owners(live: &Value, path: &[Seg], except: &str) -> Vec<String> {
    let Some(entries) = live["metadata"]["managedFields"].as_array() else {
        return Vec::new();
    };
    let mut best: Vec<(usize, String)> = Vec::new();
    for e in entries {
        let manager = e["manager"].as_str().unwrap_or_default();
        if manager == except || manager.is_empty() {
            continue;
        }
        let depth = owned_depth(&e["fieldsV1"], path);
        if depth > 0 {
            best.push((depth, manager.to_string()));
        }
    }
    let Some(max) = best.iter().map(|(d, _)| *d).max() else {
        return Vec::new();
    };
    let mut out: Vec<String> = best
        .into_iter()
        .filter(|(d, _)| *d == max)
        .map(|(_, m)| m)
        .collect();
    out.dedup();
    out
}

/// How deep into `path` the fieldsV1 tree reaches (0: not at all); a full
/// match is `path.len()`.
fn owned_depth(fields: &Value, path: &[Seg]) -> usize {
    let mut node = fields;
    let mut depth = 0;
    for seg in path {
        let next = match seg {
            Seg::Key(k) => node.get(format!("f:{k}")),
            Seg::Elem(i, applied) => node.as_object().and_then(|m| {
                m.iter().find_map(|(k, v)| {
                    if let Some(keyjson) = k.strip_prefix("k:") {
                        let want: Value = serde_json::from_str(keyjson).ok()?;
                        let matches = want
                            .as_object()?
                            .iter()
                            .all(|(wk, wv)| applied.get(wk).is_some_and(|av| same_scalar(av, wv)));
                        matches.then_some(v)
                    } else if k == &format!("i:{i}") {
                        Some(v)
                    } else if let Some(vj) = k.strip_prefix("v:") {
                        let want: Value = serde_json::from_str(vj).ok()?;
                        (&want == applied).then_some(v)
                    } else {
                        None
                    }
                })
            }),
        };
        match next {
            Some(n) => {
                node = n;
                depth += 1;
            }
            None => break,
        }
    }
    depth
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_changed_fields_and_their_owner() {
        let applied = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app": "web"}},
            "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "web", "image": "nginx:1", "resources": {"limits": {"cpu": "500m"}}}]}}}
        });
        let live = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app": "web", "extra": "x"},
                "managedFields": [
                    {"manager": "roam", "operation": "Apply", "fieldsV1": {"f:spec": {"f:template": {}}}},
                    {"manager": "kubectl-scale", "operation": "Update", "fieldsV1": {"f:spec": {"f:replicas": {}}}},
                    {"manager": "kubectl-edit", "operation": "Update", "fieldsV1": {"f:spec": {"f:template": {"f:spec": {"f:containers": {"k:{\"name\":\"web\"}": {"f:image": {}}}}}}}}
                ]},
            "spec": {"replicas": 5, "template": {"spec": {"containers": [{"name": "web", "image": "nginx:2", "resources": {"limits": {"cpu": "0.5"}}}]}}},
            "status": {"replicas": 5}
        });
        let d = diff(&applied, &live);
        let paths: Vec<String> = d.iter().map(|c| path_string(&c.path)).collect();
        assert_eq!(
            paths,
            vec![
                "spec.replicas",
                "spec.template.spec.containers[name=web].image"
            ]
        );
        assert_eq!(owners(&live, &d[0].path, "roam"), vec!["kubectl-scale"]);
        assert_eq!(owners(&live, &d[1].path, "roam"), vec!["kubectl-edit"]);
        assert_eq!(d[0].live, json!(5));
    }

    #[test]
    fn missing_fields_and_elements_are_drift() {
        let applied = json!({"spec": {"ports": [{"port": 80}], "type": "ClusterIP"}});
        let live = json!({"spec": {"ports": []}});
        let paths: Vec<String> = diff(&applied, &live)
            .iter()
            .map(|c| path_string(&c.path))
            .collect();
        assert_eq!(paths, vec!["spec.ports[0]", "spec.type"]);
    }

    #[test]
    fn quantities_compare_by_value() {
        assert!(same_scalar(&json!("1Gi"), &json!("1024Mi")));
        assert!(same_scalar(&json!("1000m"), &json!("1")));
        assert!(!same_scalar(&json!("1Gi"), &json!("1G")));
        assert!(same_scalar(&json!(1), &json!(1.0)));
    }
}
