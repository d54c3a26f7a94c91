//! YAML input: multi-document files, errors with line and column.

use serde_json::Value;

/// A YAML document that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct YamlError {
    pub file: String,
    pub message: String,
}

/// Parses every document of a YAML (or JSON) stream.
pub fn parse_documents(file: &str, text: &str) -> Result<Vec<Value>, YamlError> {
    serde_saphyr::from_multiple::<Value>(text).map_err(|e| YamlError {
        file: file.to_string(),
        message: e.to_string(),
    })
}

/// Prints an object the way `kubectl get -o yaml` and `vela dry-run` do
/// (sigs.k8s.io/yaml): keys sorted, two-space indent, sequence items at
/// their key's column.
pub fn to_k8s_yaml(v: &Value) -> String {
    roam_cue::stdlib::marshal_yaml_compact(&to_val(v, true))
        .unwrap_or_else(|e| format!("# cannot print as YAML: {e:?}\n"))
}

/// JSON → the CUE standard library's value tree (keys sorted on request).
fn to_val(v: &Value, sort: bool) -> roam_cue::stdlib::Val {
    use roam_cue::stdlib::Val;
    use std::sync::Arc;
    match v {
        Value::Null => Val::Null,
        Value::Bool(b) => Val::Bool(*b),
        Value::Number(n) => match roam_cue::num::Number::parse(&n.to_string()) {
            Ok(n) => Val::Num(n),
            Err(_) => Val::Str(Arc::from(n.to_string())),
        },
        Value::String(s) => Val::Str(Arc::from(s.as_str())),
        Value::Array(a) => Val::List(a.iter().map(|x| to_val(x, sort)).collect()),
        Value::Object(m) => {
            let mut fs: Vec<(Arc<str>, Val)> = m
                .iter()
                .map(|(k, x)| (Arc::from(k.as_str()), to_val(x, sort)))
                .collect();
            if sort {
                fs.sort_by(|a, b| a.0.cmp(&b.0));
            }
            Val::Struct(fs)
        }
    }
}
