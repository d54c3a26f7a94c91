//! Policies the renderer applies: `override` (per-environment differences)
//! and the placement plan of `deploy` steps for dry-run.

use roam_api::{AppPolicy, Application, ApplicationComponent, ApplicationTrait};
use serde_json::Value;

/// An `override` policy's body that does not fit its schema.
#[derive(Debug, thiserror::Error)]
#[error("policy {policy:?} (override): {message}")]
pub struct PolicyError {
    pub policy: String,
    pub message: String,
}

/// Applies an `override` policy's properties to the components:
/// `components[{name?, type?, properties?, traits[{type, properties?, disable}]}]`
/// and `selector?[]`. A `name` may be a `*` glob; no name selects every
/// component (of `type`, if given). Same type: properties and trait
/// properties deep-merged (RFC 7396), `disable` removes a trait, unknown
/// traits are appended. A different type replaces the component; an unknown
/// name adds one. `selector` then filters the list by name.
pub fn apply_override(
    components: &[ApplicationComponent],
    policy: &AppPolicy,
) -> Result<Vec<ApplicationComponent>, PolicyError> {
    let err = |message: String| PolicyError {
        policy: policy.name.clone(),
        message,
    };
    let props = policy.properties.clone().unwrap_or(Value::Null);
    let mut out = components.to_vec();
    if let Some(list) = props.get("components") {
        let list = list
            .as_array()
            .ok_or_else(|| err("properties.components: expected a list".into()))?;
        for (i, o) in list.iter().enumerate() {
            let name = o.get("name").and_then(Value::as_str).unwrap_or("");
            let type_ = o.get("type").and_then(Value::as_str).unwrap_or("");
            let mut matched = false;
            for c in out.iter_mut() {
                let name_ok = name.is_empty() || glob(name, &c.name);
                let type_ok = type_.is_empty() || type_ == c.type_ || !name.is_empty();
                if !(name_ok && type_ok) {
                    continue;
                }
                matched = true;
                if !type_.is_empty() && type_ != c.type_ {
                    // A different type replaces the component.
                    c.type_ = type_.to_string();
                    c.properties = o.get("properties").cloned();
                    c.traits.clear();
                } else if let Some(p) = o.get("properties") {
                    let mut base = c
                        .properties
                        .clone()
                        .unwrap_or(Value::Object(Default::default()));
                    json_patch::merge(&mut base, p);
                    c.properties = Some(base);
                }
                if let Some(ts) = o.get("traits") {
                    let ts = ts.as_array().ok_or_else(|| {
                        err(format!(
                            "properties.components[{i}].traits: expected a list"
                        ))
                    })?;
                    for (j, t) in ts.iter().enumerate() {
                        let tt = t.get("type").and_then(Value::as_str).ok_or_else(|| {
                            err(format!(
                                "properties.components[{i}].traits[{j}].type: required"
                            ))
                        })?;
                        let disable = t.get("disable").and_then(Value::as_bool).unwrap_or(false);
                        match c.traits.iter().position(|x| x.type_ == tt) {
                            Some(k) if disable => {
                                c.traits.remove(k);
                            }
                            Some(k) => {
                                if let Some(p) = t.get("properties") {
                                    let mut base = c.traits[k]
                                        .properties
                                        .clone()
                                        .unwrap_or(Value::Object(Default::default()));
                                    json_patch::merge(&mut base, p);
                                    c.traits[k].properties = Some(base);
                                }
                            }
                            None if disable => {}
                            None => c.traits.push(ApplicationTrait {
                                type_: tt.to_string(),
                                properties: t.get("properties").cloned(),
                            }),
                        }
                    }
                }
            }
            if !matched && !name.is_empty() && !name.contains('*') {
                if type_.is_empty() {
                    return Err(err(format!(
                        "properties.components[{i}]: component {name:?} does not exist and has no type to create it with"
                    )));
                }
                out.push(ApplicationComponent {
                    name: name.to_string(),
                    type_: type_.to_string(),
                    properties: o.get("properties").cloned(),
                    ..Default::default()
                });
            }
        }
    }
    if let Some(sel) = props.get("selector").and_then(Value::as_array) {
        let names: Vec<&str> = sel.iter().filter_map(Value::as_str).collect();
        out.retain(|c| names.contains(&c.name.as_str()));
    }
    Ok(out)
}

/// `*` glob over names.
fn glob(pattern: &str, s: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == s;
    }
    let mut rest = s;
    for (i, p) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(p) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(p);
        } else {
            match rest.find(p) {
                Some(k) => rest = &rest[k + p.len()..],
                None => return false,
            }
        }
    }
    true
}

/// One block of a dry-run: a title and the application as that `deploy`
/// step would render it (override policies applied).
pub struct DryRunPlan {
    pub title: String,
    pub app: Application,
}

/// What `vela dry-run` renders: without `deploy` steps the app itself; with
/// them, once per topology policy of each step (`<app> with topology <t>`),
/// or once with only its overrides (`<app> only with override policies`).
pub fn dry_run_plan(app: &Application) -> Result<Vec<DryRunPlan>, PolicyError> {
    let name = app.metadata.name.clone().unwrap_or_default();
    let steps: Vec<_> = app
        .spec
        .workflow
        .iter()
        .flat_map(|w| {
            w.steps
                .iter()
                .flat_map(|s| std::iter::once(s).chain(s.sub_steps.iter()))
        })
        .filter(|s| s.type_ == "deploy")
        .collect();
    if steps.is_empty() {
        return Ok(vec![DryRunPlan {
            title: name,
            app: app.clone(),
        }]);
    }
    let mut out = Vec::new();
    for s in steps {
        let names: Vec<&str> = s
            .properties
            .as_ref()
            .and_then(|p| p.get("policies"))
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let policies: Vec<&AppPolicy> = names
            .iter()
            .filter_map(|n| app.spec.policies.iter().find(|p| p.name == *n))
            .collect();
        let mut comps = app.spec.components.clone();
        for p in policies.iter().filter(|p| p.type_ == "override") {
            comps = apply_override(&comps, p)?;
        }
        let mut a = app.clone();
        a.spec.components = comps;
        let topologies: Vec<&&AppPolicy> =
            policies.iter().filter(|p| p.type_ == "topology").collect();
        if topologies.is_empty() {
            out.push(DryRunPlan {
                title: format!("{name} only with override policies"),
                app: a,
            });
        } else {
            for t in topologies {
                out.push(DryRunPlan {
                    title: format!("{name} with topology {}", t.name),
                    app: a.clone(),
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn comps() -> Vec<ApplicationComponent> {
        serde_json::from_value(json!([
            {"name": "web", "type": "webservice", "properties": {"image": "a", "port": 80}, "traits": [{"type": "scaler", "properties": {"replicas": 1}}, {"type": "labels", "properties": {"x": "1"}}]},
            {"name": "worker-1", "type": "worker", "properties": {"image": "b"}}
        ]))
        .unwrap()
    }

    fn policy(p: Value) -> AppPolicy {
        AppPolicy {
            name: "o".into(),
            type_: "override".into(),
            properties: Some(p),
        }
    }

    #[test]
    fn override_merges_properties_and_traits() {
        let out = apply_override(&comps(), &policy(json!({"components": [{"name": "web", "properties": {"image": "c"}, "traits": [{"type": "scaler", "properties": {"replicas": 3}}, {"type": "labels", "disable": true}, {"type": "env", "properties": {"env": {"A": "1"}}}]}]}))).unwrap();
        assert_eq!(out[0].properties, Some(json!({"image": "c", "port": 80})));
        let types: Vec<_> = out[0].traits.iter().map(|t| t.type_.as_str()).collect();
        assert_eq!(types, ["scaler", "env"]);
        assert_eq!(out[0].traits[0].properties, Some(json!({"replicas": 3})));
    }

    #[test]
    fn override_globs_types_selectors_and_new_components() {
        let out = apply_override(
            &comps(),
            &policy(json!({"components": [{"name": "worker-*", "properties": {"image": "z"}}]})),
        )
        .unwrap();
        assert_eq!(out[1].properties, Some(json!({"image": "z"})));
        let out = apply_override(
            &comps(),
            &policy(json!({"components": [{"type": "worker", "properties": {"cmd": ["x"]}}]})),
        )
        .unwrap();
        assert_eq!(out[0].properties, comps()[0].properties);
        assert_eq!(out[1].properties, Some(json!({"image": "b", "cmd": ["x"]})));
        let out = apply_override(&comps(), &policy(json!({"selector": ["worker-1"]}))).unwrap();
        assert_eq!(out.len(), 1);
        let out = apply_override(&comps(), &policy(json!({"components": [{"name": "db", "type": "statefulset", "properties": {"image": "pg"}}]}))).unwrap();
        assert_eq!(out[2].name, "db");
        let e =
            apply_override(&comps(), &policy(json!({"components": [{"name": "db"}]}))).unwrap_err();
        assert!(
            e.to_string().contains("component \"db\" does not exist"),
            "{e}"
        );
    }
}
