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

/// The first match of a printer column's JSONPath, as kube-apiserver's table
/// convertor shows it: `.a.b`, `['a.b']`, `[0]`, `[*]` and filters
/// `[?(@.type=="Ready")]` (with `==` or `!=` against a quoted string or a number).
fn simple_path(obj: &Value, path: &str) -> Value {
    jsonpath(obj, path)
        .into_iter()
        .next()
        .unwrap_or(Value::Null)
}

/// Every match of a (simple) JSONPath in `obj`.
pub fn jsonpath(obj: &Value, path: &str) -> Vec<Value> {
    let path = path.trim().trim_start_matches('{').trim_end_matches('}');
    let path = path.strip_prefix('$').unwrap_or(path);
    let mut current = vec![obj.clone()];
    let chars: Vec<char> = path.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '.' => {
                // A name runs to the next unescaped `.` or `[`; `\.` is a
                // literal dot (`.metadata.annotations.example\.com/x`).
                let mut j = i + 1;
                let mut name = String::new();
                while j < chars.len() && chars[j] != '.' && chars[j] != '[' {
                    if chars[j] == '\\' && j + 1 < chars.len() {
                        j += 1;
                    }
                    name.push(chars[j]);
                    j += 1;
                }
                if !name.is_empty() {
                    current = current
                        .iter()
                        .filter_map(|v| v.get(&name).cloned())
                        .collect();
                }
                i = j;
            }
            '[' => {
                // A filter may contain ']' only inside quotes; find the real end.
                let mut j = i + 1;
                let mut quote = None;
                while j < chars.len() {
                    match (quote, chars[j]) {
                        (None, '\'' | '"') => quote = Some(chars[j]),
                        (Some(q), c) if c == q => quote = None,
                        (None, ']') => break,
                        _ => {}
                    }
                    j += 1;
                }
                if j >= chars.len() {
                    return Vec::new();
                }
                let inner: String = chars[i + 1..j].iter().collect();
                let inner = inner.trim();
                current = if inner == "*" {
                    current
                        .iter()
                        .flat_map(|v| match v {
                            Value::Array(a) => a.clone(),
                            Value::Object(m) => m.values().cloned().collect(),
                            _ => Vec::new(),
                        })
                        .collect()
                } else if let Ok(n) = inner.parse::<i64>() {
                    current
                        .iter()
                        .filter_map(|v| {
                            let a = v.as_array()?;
                            let idx = if n < 0 { a.len() as i64 + n } else { n };
                            a.get(usize::try_from(idx).ok()?).cloned()
                        })
                        .collect()
                } else if let Some(f) = inner.strip_prefix("?(").and_then(|f| f.strip_suffix(')')) {
                    let items: Vec<Value> = current
                        .iter()
                        .flat_map(|v| v.as_array().cloned().unwrap_or_default())
                        .collect();
                    items.into_iter().filter(|item| filter(item, f)).collect()
                } else {
                    let key = inner.trim_matches(|c| c == '\'' || c == '"');
                    current.iter().filter_map(|v| v.get(key).cloned()).collect()
                };
                i = j + 1;
            }
            _ => i += 1,
        }
    }
    current
}

/// `@.a.b=="x"`, `@.a!='x'`, `@.n==3` or `@.a` (exists) on one list item.
fn filter(item: &Value, f: &str) -> bool {
    let (lhs, op, rhs) = if let Some((l, r)) = f.split_once("==") {
        (l, "==", Some(r))
    } else if let Some((l, r)) = f.split_once("!=") {
        (l, "!=", Some(r))
    } else {
        (f, "", None)
    };
    let lhs = lhs.trim().strip_prefix('@').unwrap_or(lhs.trim());
    let found = jsonpath(item, lhs).into_iter().next();
    let Some(rhs) = rhs else {
        return found.is_some_and(|v| !v.is_null());
    };
    let rhs = rhs.trim();
    let want: Value = if (rhs.starts_with('"') && rhs.ends_with('"'))
        || (rhs.starts_with('\'') && rhs.ends_with('\''))
    {
        Value::String(rhs[1..rhs.len() - 1].to_string())
    } else {
        serde_json::from_str(rhs).unwrap_or(Value::String(rhs.to_string()))
    };
    let equal = found.as_ref() == Some(&want);
    if op == "==" { equal } else { !equal }
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
    // kube-apiserver: a CRD's own printer columns replace the default Age
    // column (a CRD without columns gets Age by defaulting).
    let age_column = rt.printer_columns.is_empty();
    if age_column {
        defs.push(col("Age", "string", "", 0));
    }
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
            if age_column {
                let age = o["metadata"]["creationTimestamp"]
                    .as_str()
                    .and_then(age_seconds)
                    .map(human_duration)
                    .unwrap_or_else(|| "<unknown>".into());
                cells.push(json!(age));
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printer_column_paths() {
        let o = json!({"spec": {"components": [{"name": "a", "type": "web"}, {"name": "b"}]},
                       "status": {"conditions": [{"type": "Synced", "status": "False"},
                                                 {"type": "Ready", "status": "True"}],
                                  "a.b": 1}});
        assert_eq!(simple_path(&o, ".spec.components[*].name"), json!("a"));
        assert_eq!(
            jsonpath(&o, ".spec.components[*].name"),
            vec![json!("a"), json!("b")]
        );
        assert_eq!(simple_path(&o, ".spec.components[1].name"), json!("b"));
        assert_eq!(simple_path(&o, ".spec.components[-1].name"), json!("b"));
        assert_eq!(
            simple_path(&o, r#".status.conditions[?(@.type=="Ready")].status"#),
            json!("True")
        );
        assert_eq!(
            simple_path(&o, ".status.conditions[?(@.type!='Ready')].type"),
            json!("Synced")
        );
        assert_eq!(simple_path(&o, ".status['a.b']"), json!(1));
        assert_eq!(simple_path(&o, ".status.missing"), Value::Null);
        assert_eq!(simple_path(&o, ".spec.components[0"), Value::Null);
        assert_eq!(simple_path(&o, "{.spec.components[0].type}"), json!("web"));
    }
}
