//! Label and field selectors, as `kubernetes/apimachinery` parses them.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
enum Req {
    Exists(String),
    NotExists(String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Gt(String, i64),
    Lt(String, i64),
}

/// A parsed label selector: an AND of requirements.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LabelSelector(Vec<Req>);

impl LabelSelector {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Parses `a=b,c!=d,e in (x,y),!f,g,h>3`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut reqs = Vec::new();
        let chars: Vec<char> = s.chars().collect();
        let mut i = 0;
        let skip_ws = |i: &mut usize| {
            while *i < chars.len() && chars[*i].is_whitespace() {
                *i += 1;
            }
        };
        let is_word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/');
        let word = |i: &mut usize| -> String {
            let start = *i;
            while *i < chars.len() && is_word(chars[*i]) {
                *i += 1;
            }
            chars[start..*i].iter().collect()
        };
        loop {
            skip_ws(&mut i);
            if i >= chars.len() {
                break;
            }
            let negated = chars[i] == '!';
            if negated {
                i += 1;
                skip_ws(&mut i);
            }
            let key = word(&mut i);
            if key.is_empty() {
                return Err(format!(
                    "unable to parse requirement: expected a key at position {i} in {s:?}"
                ));
            }
            check_key(&key)?;
            skip_ws(&mut i);
            if negated {
                reqs.push(Req::NotExists(key));
            } else if i >= chars.len() || chars[i] == ',' {
                reqs.push(Req::Exists(key));
            } else {
                let rest: String = chars[i..].iter().collect();
                let (op, len) = if rest.starts_with("==") {
                    ("=", 2)
                } else if rest.starts_with("!=") {
                    ("!=", 2)
                } else if rest.starts_with('=') {
                    ("=", 1)
                } else if rest.starts_with('>') {
                    (">", 1)
                } else if rest.starts_with('<') {
                    ("<", 1)
                } else if rest.starts_with("notin") {
                    ("notin", 5)
                } else if rest.starts_with("in") {
                    ("in", 2)
                } else {
                    return Err(format!(
                        "unable to parse requirement: unexpected {:?} after key {key:?}",
                        chars[i]
                    ));
                };
                i += len;
                skip_ws(&mut i);
                match op {
                    "in" | "notin" => {
                        if i >= chars.len() || chars[i] != '(' {
                            return Err(format!(
                                "unable to parse requirement: expected '(' after {op} in {s:?}"
                            ));
                        }
                        i += 1;
                        let mut values = Vec::new();
                        loop {
                            skip_ws(&mut i);
                            let v = word(&mut i);
                            check_value(&v)?;
                            values.push(v);
                            skip_ws(&mut i);
                            match chars.get(i) {
                                Some(',') => i += 1,
                                Some(')') => {
                                    i += 1;
                                    break;
                                }
                                _ => {
                                    return Err(format!(
                                        "unable to parse requirement: expected ',' or ')' in {s:?}"
                                    ));
                                }
                            }
                        }
                        reqs.push(if op == "in" {
                            Req::In(key, values)
                        } else {
                            Req::NotIn(key, values)
                        });
                    }
                    _ => {
                        let v = word(&mut i);
                        match op {
                            "=" => {
                                check_value(&v)?;
                                reqs.push(Req::In(key, vec![v]))
                            }
                            "!=" => {
                                check_value(&v)?;
                                reqs.push(Req::NotIn(key, vec![v]))
                            }
                            _ => {
                                let n: i64 = v.parse().map_err(|_| {
                                    format!("unable to parse requirement: for '{op}', '{v}' must be an integer")
                                })?;
                                reqs.push(if op == ">" {
                                    Req::Gt(key, n)
                                } else {
                                    Req::Lt(key, n)
                                });
                            }
                        }
                    }
                }
            }
            skip_ws(&mut i);
            match chars.get(i) {
                None => break,
                Some(',') => i += 1,
                Some(c) => {
                    return Err(format!(
                        "unable to parse requirement: unexpected {c:?} in {s:?}"
                    ));
                }
            }
        }
        Ok(LabelSelector(reqs))
    }

    /// The `label in (values)` and `label=value` requirements: every match carries
    /// one of these values for each of these labels (what a label index can use).
    pub fn required_values(&self) -> Vec<(&str, &[String])> {
        self.0
            .iter()
            .filter_map(|r| match r {
                Req::In(k, vs) => Some((k.as_str(), vs.as_slice())),
                _ => None,
            })
            .collect()
    }

    /// Whether an object's `metadata.labels` satisfy every requirement.
    pub fn matches(&self, obj: &Value) -> bool {
        let labels = &obj["metadata"]["labels"];
        let get = |k: &str| labels.get(k).and_then(Value::as_str);
        self.0.iter().all(|r| match r {
            Req::Exists(k) => get(k).is_some(),
            Req::NotExists(k) => get(k).is_none(),
            Req::In(k, vs) => get(k).is_some_and(|v| vs.iter().any(|x| x == v)),
            Req::NotIn(k, vs) => get(k).is_none_or(|v| vs.iter().all(|x| x != v)),
            Req::Gt(k, n) => get(k)
                .and_then(|v| v.parse::<i64>().ok())
                .is_some_and(|v| v > *n),
            Req::Lt(k, n) => get(k)
                .and_then(|v| v.parse::<i64>().ok())
                .is_some_and(|v| v < *n),
        })
    }
}

fn check_key(key: &str) -> Result<(), String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(p) = prefix
        && !crate::object::is_dns1123_subdomain(p)
    {
        return Err(format!(
            "invalid label key {key:?}: prefix part must be a DNS-1123 subdomain"
        ));
    }
    if name.is_empty()
        || name.len() > 63
        || !name.starts_with(|c: char| c.is_ascii_alphanumeric())
        || !name.ends_with(|c: char| c.is_ascii_alphanumeric())
    {
        return Err(format!(
            "invalid label key {key:?}: name part must consist of alphanumeric characters, '-', '_' or '.', \
             and must start and end with an alphanumeric character"
        ));
    }
    Ok(())
}

fn check_value(v: &str) -> Result<(), String> {
    if v.len() > 63
        || v.contains('/')
        || (!v.is_empty()
            && (!v.starts_with(|c: char| c.is_ascii_alphanumeric())
                || !v.ends_with(|c: char| c.is_ascii_alphanumeric())))
    {
        return Err(format!(
            "invalid label value: {v:?}: a valid label must be an empty string or consist of alphanumeric \
             characters, '-', '_' or '.', and must start and end with an alphanumeric character"
        ));
    }
    Ok(())
}

/// A parsed field selector: an AND of `field=value` / `field!=value`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FieldSelector(Vec<(String, bool, String)>);

impl FieldSelector {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Parses `metadata.name=x,metadata.namespace!=y` (with `\,` `\=` `\\` escapes) and
    /// checks each field is one of `supported`.
    pub fn parse(s: &str, supported: &[&str]) -> Result<Self, String> {
        let mut out = Vec::new();
        for term in split_unescaped(s, ',') {
            if term.trim().is_empty() {
                continue;
            }
            let (field, eq, value) = if let Some(i) = find_unescaped(&term, "!=") {
                (&term[..i], false, &term[i + 2..])
            } else if let Some(i) = find_unescaped(&term, "==") {
                (&term[..i], true, &term[i + 2..])
            } else if let Some(i) = find_unescaped(&term, "=") {
                (&term[..i], true, &term[i + 1..])
            } else {
                return Err(format!(
                    "invalid selector: '{s}'; can't understand '{term}'"
                ));
            };
            let field = field.trim();
            if !supported.contains(&field) {
                return Err(format!("field label not supported: {field}"));
            }
            // core/v1 Event `source` selects on `source.component`.
            let path = if field == "source" {
                "source.component"
            } else {
                field
            };
            out.push((path.to_string(), eq, unescape(value)));
        }
        Ok(FieldSelector(out))
    }

    pub fn matches(&self, obj: &Value) -> bool {
        self.0.iter().all(|(field, eq, value)| {
            let mut v = obj;
            for part in field.split('.') {
                v = &v[part];
            }
            let actual = match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            (actual == *value) == *eq
        })
    }
}

fn split_unescaped(s: &str, sep: char) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut escaped = false;
    for c in s.chars() {
        if escaped {
            out.last_mut().expect("non-empty").push('\\');
            out.last_mut().expect("non-empty").push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == sep {
            out.push(String::new());
        } else {
            out.last_mut().expect("non-empty").push(c);
        }
    }
    out
}

fn find_unescaped(s: &str, pat: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            i += 2;
            continue;
        }
        if s[i..].starts_with(pat) {
            return Some(i);
        }
        i += 1;
    }
    None
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut escaped = false;
    for c in s.chars() {
        if escaped {
            out.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(labels: Value) -> Value {
        json!({"metadata": {"name": "a", "namespace": "ns", "labels": labels}})
    }

    #[test]
    fn label_selectors() {
        let o = obj(json!({"app": "web", "tier": "front", "n": "5"}));
        let m = |s: &str| LabelSelector::parse(s).unwrap().matches(&o);
        assert!(m("app=web"));
        assert!(m("app==web,tier"));
        assert!(!m("app!=web"));
        assert!(m("missing!=x"));
        assert!(m("app in (api, web)"));
        assert!(!m("app notin (web)"));
        assert!(m("!missing"));
        assert!(!m("!app"));
        assert!(m("n>3,n<6"));
        assert!(m(""));
        assert!(LabelSelector::parse("app in web").is_err());
        assert!(LabelSelector::parse("app=we b").is_err());
        assert!(LabelSelector::parse("n>x").is_err());
    }

    #[test]
    fn field_selectors() {
        let o = obj(json!({}));
        let sup = ["metadata.name", "metadata.namespace"];
        assert!(
            FieldSelector::parse("metadata.name=a", &sup)
                .unwrap()
                .matches(&o)
        );
        assert!(
            FieldSelector::parse("metadata.name!=b,metadata.namespace==ns", &sup)
                .unwrap()
                .matches(&o)
        );
        assert!(
            !FieldSelector::parse("metadata.name=b", &sup)
                .unwrap()
                .matches(&o)
        );
        assert_eq!(
            FieldSelector::parse("spec.x=1", &sup).unwrap_err(),
            "field label not supported: spec.x"
        );
    }
}
