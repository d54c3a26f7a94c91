//! Object metadata rules: names, system fields, generation.

use serde_json::Value;

/// DNS-1123 label: at most 63 lowercase alphanumerics or '-', alphanumeric at both ends.
pub fn is_dns1123_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// DNS-1123 subdomain: at most 253 characters, dot-separated DNS-1123 labels.
pub fn is_dns1123_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_dns1123_label)
}

/// Why `name` is not a valid DNS-1123 subdomain, in Kubernetes' words.
pub fn name_error(name: &str, label_only: bool) -> Option<String> {
    let ok = if label_only {
        is_dns1123_label(name)
    } else {
        is_dns1123_subdomain(name)
    };
    if ok {
        return None;
    }
    Some(if label_only {
        format!(
            "Invalid value: \"{name}\": a lowercase RFC 1123 label must consist of lower case \
             alphanumeric characters or '-', and must start and end with an alphanumeric \
             character (e.g. 'my-name',  or '123-abc')"
        )
    } else {
        format!(
            "Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case \
             alphanumeric characters, '-' or '.', and must start and end with an alphanumeric \
             character (e.g. 'example.com')"
        )
    })
}

/// The current time in Kubernetes' form (RFC 3339, UTC, whole seconds).
pub fn now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Seconds since an RFC 3339 timestamp, if it parses.
pub fn age_seconds(ts: &str) -> Option<i64> {
    let t: jiff::Timestamp = ts.parse().ok()?;
    Some((jiff::Timestamp::now().as_second() - t.as_second()).max(0))
}

/// Kubernetes' `HumanDuration` for ages: `45s`, `5m10s`, `3h`, `2d3h`, `120d`.
pub fn human_duration(secs: i64) -> String {
    let s = secs.max(0);
    if s < 120 {
        return format!("{s}s");
    }
    let m = s / 60;
    if m < 10 {
        let r = s % 60;
        return if r == 0 {
            format!("{m}m")
        } else {
            format!("{m}m{r}s")
        };
    }
    if m < 180 {
        return format!("{m}m");
    }
    let h = s / 3600;
    if h < 8 {
        let r = m % 60;
        return if r == 0 {
            format!("{h}h")
        } else {
            format!("{h}h{r}m")
        };
    }
    if h < 48 {
        return format!("{h}h");
    }
    let d = h / 24;
    if d < 8 {
        let r = h % 24;
        return if r == 0 {
            format!("{d}d")
        } else {
            format!("{d}d{r}h")
        };
    }
    if d < 365 * 2 {
        return format!("{d}d");
    }
    format!("{}y", d / 365)
}

/// One YAML document as JSON data (a request body). Several documents, or a
/// document that is not a mapping, are errors.
pub fn parse_yaml(bytes: &[u8]) -> Result<Value, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    let v: Value = serde_saphyr::from_str(text).map_err(|e| e.to_string())?;
    if !v.is_object() {
        return Err("the document is not a mapping (an object)".into());
    }
    Ok(v)
}

pub fn meta(obj: &Value) -> &Value {
    &obj["metadata"]
}

pub fn meta_str<'a>(obj: &'a Value, field: &str) -> Option<&'a str> {
    obj["metadata"][field].as_str()
}

pub fn meta_mut(obj: &mut Value) -> &mut serde_json::Map<String, Value> {
    if !obj["metadata"].is_object() {
        obj["metadata"] = Value::Object(Default::default());
    }
    obj["metadata"]
        .as_object_mut()
        .expect("just made an object")
}

/// Whether anything outside `metadata` and `status` differs (the rule for `generation`).
pub fn spec_changed(old: &Value, new: &Value) -> bool {
    let strip = |v: &Value| -> Value {
        let mut v = v.clone();
        if let Some(m) = v.as_object_mut() {
            m.remove("metadata");
            m.remove("status");
            m.remove("apiVersion");
            m.remove("kind");
        }
        v
    };
    strip(old) != strip(new)
}

/// Random suffix for `generateName`, from Kubernetes' alphabet.
pub fn random_suffix() -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    uuid::Uuid::new_v4()
        .as_bytes()
        .iter()
        .take(5)
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_dns1123_subdomain("my-app.example.com"));
        assert!(is_dns1123_subdomain("a"));
        assert!(!is_dns1123_subdomain("My-App"));
        assert!(!is_dns1123_subdomain("-a"));
        assert!(!is_dns1123_subdomain("a..b"));
        assert!(!is_dns1123_subdomain(""));
        assert!(!is_dns1123_label("a.b"));
        assert!(
            name_error("Bad_Name", false)
                .unwrap()
                .contains("\"Bad_Name\"")
        );
    }

    #[test]
    fn yaml_bodies() {
        let v = parse_yaml(b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  n: \"1\"\n  b: \"on\"\n").unwrap();
        assert_eq!(v["metadata"]["name"], "x");
        assert_eq!(v["data"]["b"], "on");
        assert!(parse_yaml(b"- a\n- b\n").is_err());
        assert!(parse_yaml(b"a: [\n").is_err());
    }

    #[test]
    fn ages() {
        assert_eq!(human_duration(45), "45s");
        assert_eq!(human_duration(310), "5m10s");
        assert_eq!(human_duration(3 * 3600), "3h");
        assert_eq!(human_duration(51 * 3600), "2d3h");
        assert_eq!(human_duration(120 * 86400), "120d");
    }
}
