//! Health evaluation of every built-in definition with status rules, and
//! of the evaluation contract itself, over fixture live objects.
//!
//! The cases are in `tests/health/cases.yaml`, the live objects in
//! `tests/health/objects/`. The expected results are KubeVela's (see the
//! header of cases.yaml).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use roam_render::health::{HealthInput, evaluate_health};
use roam_render::yaml::parse_documents;
use roam_render::{DefKind, DefSource, Definition, Registry, TemplateCache};
use serde_json::{Map, Value, json};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/health")
}

fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut docs = parse_documents(&path.display().to_string(), &text)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(docs.len(), 1, "{}: one document", path.display());
    docs.remove(0)
}

fn object(stem: &str) -> Value {
    load(&dir().join("objects").join(format!("{stem}.yaml")))
}

fn cases() -> Vec<Value> {
    match load(&dir().join("cases.yaml")) {
        Value::Array(a) => a,
        other => panic!("cases.yaml: expected a list, got {other}"),
    }
}

fn str_of<'a>(case: &'a Value, key: &str) -> Option<&'a str> {
    case.get(key).and_then(Value::as_str)
}

/// The definition a case names: a built-in one, or one made of its inline
/// `status:` rules.
fn definition(case: &Value) -> Arc<Definition> {
    if let Some(name) = str_of(case, "component") {
        return Registry::builtin()
            .get(DefKind::Component, name)
            .unwrap_or_else(|| panic!("no built-in component {name}"))
            .clone();
    }
    if let Some(name) = str_of(case, "trait") {
        return Registry::builtin()
            .get(DefKind::Trait, name)
            .unwrap_or_else(|| panic!("no built-in trait {name}"))
            .clone();
    }
    let name = str_of(case, "definition").expect("component, trait or definition");
    let kind = match str_of(case, "kind") {
        Some("trait") => "TraitDefinition",
        _ => "ComponentDefinition",
    };
    let object = json!({
        "apiVersion": "core.oam.dev/v1beta1",
        "kind": kind,
        "metadata": {"name": name},
        "spec": {
            "status": case.get("status").cloned().unwrap_or(json!({})),
            "schematic": {"cue": {"template": "parameter: {}\n"}},
        },
    });
    Arc::new(
        Definition::from_object(object, DefSource::File(format!("cases.yaml: {name}"))).unwrap(),
    )
}

/// Runs one case; the mismatches, if any.
fn run(cache: &TemplateCache, case: &Value) -> Vec<String> {
    let def = definition(case);
    let mut context = Map::new();
    context.insert("name".into(), "frontend".into());
    context.insert("appName".into(), "shop".into());
    context.insert("appRevision".into(), "shop-v1".into());
    if let Some(Value::Object(extra)) = case.get("context") {
        context.extend(extra.clone());
    }
    let output = str_of(case, "output").map(object);
    let mut outputs = Map::new();
    if let Some(Value::Object(o)) = case.get("outputs") {
        for (name, stem) in o {
            outputs.insert(name.clone(), object(stem.as_str().unwrap()));
        }
    }
    let health = evaluate_health(
        cache,
        &def,
        &HealthInput {
            parameter: case.get("parameter"),
            context: &context,
            output: output.as_ref(),
            outputs: &outputs,
        },
    );

    let mut problems = Vec::new();
    let healthy = case["healthy"].as_bool().expect("healthy: bool");
    if health.healthy != healthy {
        problems.push(format!("healthy: got {}, want {healthy}", health.healthy));
    }
    if let Some(want) = str_of(case, "message") {
        if health.message != want {
            problems.push(format!("message: got {:?}, want {want:?}", health.message));
        }
    } else {
        let parts = case["message_contains"]
            .as_array()
            .expect("message or message_contains");
        for p in parts {
            let p = p.as_str().unwrap();
            if !health.message.contains(p) {
                problems.push(format!(
                    "message {:?} does not mention {p:?}",
                    health.message
                ));
            }
        }
    }
    let want_details: BTreeMap<String, String> = case
        .get("details")
        .map(|d| serde_json::from_value(d.clone()).expect("details: map of strings"))
        .unwrap_or_default();
    if health.details != want_details {
        problems.push(format!(
            "details: got {:?}, want {want_details:?}",
            health.details
        ));
    }
    problems
}

#[test]
fn health_cases() {
    let cache = TemplateCache::new();
    let cases = cases();
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = str_of(case, "name").expect("name");
        let problems = run(&cache, case);
        if !problems.is_empty() {
            failures.push(format!("{name}:\n  {}", problems.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Every built-in component and trait with status rules has cases, and
/// those without rules report healthy with no message.
#[test]
fn every_builtin_with_status_rules_is_covered() {
    let cases = cases();
    let covered = |key: &str, name: &str| {
        cases
            .iter()
            .any(|c| str_of(c, key) == Some(name) && c["healthy"] == json!(true))
            && cases
                .iter()
                .any(|c| str_of(c, key) == Some(name) && c["healthy"] == json!(false))
    };
    let cache = TemplateCache::new();
    let context = Map::new();
    let outputs = Map::new();
    let mut missing = Vec::new();
    for (kind, key) in [(DefKind::Component, "component"), (DefKind::Trait, "trait")] {
        for def in Registry::builtin().list(kind) {
            let s = &def.status;
            let has_rules = !(s.health_policy.trim().is_empty()
                && s.custom_status.trim().is_empty()
                && s.details.trim().is_empty());
            if has_rules {
                if !covered(key, &def.name) {
                    missing.push(format!("{key} {}", def.name));
                }
            } else {
                let h = evaluate_health(
                    &cache,
                    def,
                    &HealthInput {
                        parameter: None,
                        context: &context,
                        output: None,
                        outputs: &outputs,
                    },
                );
                assert!(
                    h.healthy && h.message.is_empty() && h.details.is_empty(),
                    "{key} {}: {h:?}",
                    def.name
                );
            }
        }
    }
    assert!(
        missing.is_empty(),
        "without a healthy and an unhealthy case: {missing:?}"
    );
}
