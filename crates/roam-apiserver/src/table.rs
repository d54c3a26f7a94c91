//! Server-side `Table` output (`meta.k8s.io/v1`) for `kubectl get`.

use crate::object::{age_seconds, human_duration};
use crate::registry::ResourceType;
use crate::server::ApiServer;
use serde_json::{Value, json};

type Cell = fn(&Value) -> Value;

fn count(v: &Value) -> usize {
    v.as_object().map(|m| m.len()).unwrap_or(0)
}

fn int_or_zero(v: &Value) -> Value {
    json!(v.as_i64().unwrap_or(0))
}

/// Built-in columns between `Name` and `Age`: (name, type, cell).
fn builtin_columns(rt: &ResourceType) -> Vec<(&'static str, &'static str, Cell)> {
    match (rt.group.as_str(), rt.plural.as_str()) {
        ("", "configmaps") => vec![("Data", "integer", |o| {
            json!(count(&o["data"]) + count(&o["binaryData"]))
        })],
        ("", "secrets") => vec![
            ("Type", "string", |o| o["type"].clone()),
            ("Data", "integer", |o| json!(count(&o["data"]))),
        ],
        ("", "namespaces") => vec![("Status", "string", |o| o["status"]["phase"].clone())],
        ("apps", "deployments") => vec![
            ("Ready", "string", |o| {
                json!(format!(
                    "{}/{}",
                    o["status"]["readyReplicas"].as_i64().unwrap_or(0),
                    o["spec"]["replicas"].as_i64().unwrap_or(0)
                ))
            }),
            ("Up-to-date", "integer", |o| {
                int_or_zero(&o["status"]["updatedReplicas"])
            }),
            ("Available", "integer", |o| {
                int_or_zero(&o["status"]["availableReplicas"])
            }),
        ],
        ("apps", "replicasets") => vec![
            ("Desired", "integer", |o| {
                int_or_zero(&o["spec"]["replicas"])
            }),
            ("Current", "integer", |o| {
                int_or_zero(&o["status"]["replicas"])
            }),
            ("Ready", "integer", |o| {
                int_or_zero(&o["status"]["readyReplicas"])
            }),
        ],
        ("apps", "statefulsets") => vec![("Ready", "string", |o| {
            json!(format!(
                "{}/{}",
                o["status"]["readyReplicas"].as_i64().unwrap_or(0),
                o["spec"]["replicas"].as_i64().unwrap_or(0)
            ))
        })],
        ("apps", "daemonsets") => vec![
            ("Desired", "integer", |o| {
                int_or_zero(&o["status"]["desiredNumberScheduled"])
            }),
            ("Current", "integer", |o| {
                int_or_zero(&o["status"]["currentNumberScheduled"])
            }),
            ("Ready", "integer", |o| {
                int_or_zero(&o["status"]["numberReady"])
            }),
            ("Up-to-date", "integer", |o| {
                int_or_zero(&o["status"]["updatedNumberScheduled"])
            }),
            ("Available", "integer", |o| {
                int_or_zero(&o["status"]["numberAvailable"])
            }),
        ],
        ("batch", "jobs") => vec![
            ("Status", "string", |o| {
                let has = |ty: &str| {
                    o["status"]["conditions"].as_array().is_some_and(|cs| {
                        cs.iter().any(|c| c["type"] == ty && c["status"] == "True")
                    })
                };
                json!(if has("Complete") {
                    "Complete"
                } else if has("Failed") {
                    "Failed"
                } else if has("Suspended") {
                    "Suspended"
                } else {
                    "Running"
                })
            }),
            ("Completions", "string", |o| {
                json!(format!(
                    "{}/{}",
                    o["status"]["succeeded"].as_i64().unwrap_or(0),
                    o["spec"]["completions"].as_i64().unwrap_or(1)
                ))
            }),
        ],
        ("", "pods") => vec![
            ("Ready", "string", |o| {
                let st = o["status"]["containerStatuses"].as_array();
                let ready = st.map_or(0, |a| a.iter().filter(|c| c["ready"] == true).count());
                let total = o["spec"]["containers"].as_array().map_or(0, Vec::len);
                json!(format!("{ready}/{total}"))
            }),
            ("Status", "string", |o| {
                json!(o["status"]["phase"].as_str().unwrap_or("Pending"))
            }),
            ("Restarts", "integer", |o| {
                json!(o["status"]["containerStatuses"].as_array().map_or(0, |a| {
                    a.iter()
                        .map(|c| c["restartCount"].as_i64().unwrap_or(0))
                        .sum::<i64>()
                }))
            }),
        ],
        ("", "services") => vec![
            ("Type", "string", |o| {
                o["spec"]["type"]
                    .as_str()
                    .map(|s| json!(s))
                    .unwrap_or(json!("ClusterIP"))
            }),
            ("Cluster-IP", "string", |o| {
                o["spec"]["clusterIP"]
                    .as_str()
                    .map(|s| json!(s))
                    .unwrap_or(json!("<none>"))
            }),
        ],
        _ => vec![],
    }
}

/// A simple `.a.b.c` JSONPath (the form most printer columns use).
fn simple_path(obj: &Value, path: &str) -> Value {
    let mut v = obj;
    for part in path
        .trim_start_matches('.')
        .split('.')
        .filter(|s| !s.is_empty())
    {
        v = &v[part];
    }
    v.clone()
}

/// A Table for `items`; `headers` controls whether `columnDefinitions` are included
/// (watch events after the first leave them out, as kube-apiserver does).
pub fn table(
    _srv: &ApiServer,
    rt: &ResourceType,
    items: &[Value],
    rev: &str,
    include_object: Option<&str>,
    headers: bool,
) -> Value {
    let col = |name: &str, ty: &str, format: &str, priority: i64| json!({"name": name, "type": ty, "format": format, "description": name, "priority": priority});
    let mut defs = vec![col("Name", "string", "name", 0)];
    let builtin = builtin_columns(rt);
    for (n, ty, _) in &builtin {
        defs.push(col(n, ty, "", 0));
    }
    let mut crd_cols = Vec::new();
    for c in &rt.printer_columns {
        let (Some(name), Some(path)) = (c["name"].as_str(), c["jsonPath"].as_str()) else {
            continue;
        };
        let ty = c["type"].as_str().unwrap_or("string");
        defs.push(col(
            name,
            ty,
            c["format"].as_str().unwrap_or(""),
            c["priority"].as_i64().unwrap_or(0),
        ));
        crd_cols.push((path.to_string(), ty == "date"));
    }
    defs.push(col("Age", "string", "", 0));
    let rows: Vec<Value> = items
        .iter()
        .map(|o| {
            let mut cells = vec![o["metadata"]["name"].clone()];
            for (_, _, f) in &builtin {
                cells.push(f(o));
            }
            for (path, date) in &crd_cols {
                let v = simple_path(o, path);
                cells.push(match (date, v.as_str().and_then(age_seconds)) {
                    (true, Some(s)) => json!(human_duration(s)),
                    _ if v.is_null() => json!("<none>"),
                    _ => v,
                });
            }
            let age = o["metadata"]["creationTimestamp"]
                .as_str()
                .and_then(age_seconds)
                .map(human_duration)
                .unwrap_or_else(|| "<unknown>".into());
            cells.push(json!(age));
            let object = match include_object {
                Some("None") => Value::Null,
                Some("Object") => o.clone(),
                _ => json!({
                    "kind": "PartialObjectMetadata",
                    "apiVersion": "meta.k8s.io/v1",
                    "metadata": o["metadata"],
                }),
            };
            json!({"cells": cells, "object": object})
        })
        .collect();
    let mut t = json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": rev},
        "columnDefinitions": if headers { Value::Array(defs) } else { Value::Null },
        "rows": rows,
    });
    if !headers && let Some(m) = t.as_object_mut() {
        m.remove("columnDefinitions");
    }
    t
}
