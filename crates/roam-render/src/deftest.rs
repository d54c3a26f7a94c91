//! `roam def test`: unit tests for definition authors.
//!
//! Test cases live next to the def file (`scaler.cue` → `scaler.test.yaml`):
//!
//! ```yaml
//! cases:
//!   - name: replicas default to 1
//!     component:                     # or `app:` with a whole Application
//!       type: webservice
//!       properties: {image: nginx}
//!       traits:
//!         - type: scaler
//!     expect:                        # each object must exist (matched by kind
//!       - kind: Deployment           # and, if given, metadata.name) and
//!         spec: {replicas: 1}        # contain these fields
//!   - name: negative replicas are rejected
//!     component: {type: webservice, properties: {image: nginx}, traits: [{type: scaler, properties: {replicas: -1}}]}
//!     expectError: "replicas"        # a substring of the error
//! ```
//!
//! Expected objects are *subsets*: fields not written are not checked; lists
//! must have the same length and match element by element.

use roam_api::Application;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::render::{Renderer, Target};

/// A test file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestFile {
    pub cases: Vec<TestCase>,
}

/// One case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TestCase {
    pub name: String,
    /// A component (`name` defaults to `test-component`); wrapped in an
    /// application `test-app` in namespace `default`.
    #[serde(default)]
    pub component: Option<Value>,
    /// A whole Application instead of `component`.
    #[serde(default)]
    pub app: Option<Value>,
    /// Objects that must be rendered (subset match).
    #[serde(default)]
    pub expect: Vec<Value>,
    /// A substring the render error must contain (the render must fail).
    #[serde(default)]
    pub expect_error: Option<String>,
    /// `context.clusterVersion.minor` to render for (default 32).
    #[serde(default)]
    pub cluster_minor: Option<i64>,
}

/// The outcome of one case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseResult {
    pub name: String,
    /// Empty when the case passed.
    pub problems: Vec<String>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Runs every case of `file` with `renderer`.
pub fn run_cases(renderer: &Renderer<'_>, file: &TestFile) -> Vec<CaseResult> {
    file.cases.iter().map(|c| run_case(renderer, c)).collect()
}

fn run_case(renderer: &Renderer<'_>, c: &TestCase) -> CaseResult {
    let mut problems = Vec::new();
    let app = match build_app(c) {
        Ok(a) => a,
        Err(e) => {
            return CaseResult {
                name: c.name.clone(),
                problems: vec![e],
            };
        }
    };
    let mut target = Target::default();
    if let Some(m) = c.cluster_minor {
        target.cluster_version.minor = m;
        target.cluster_version.git_version = format!("v1.{m}.0");
    }
    match (renderer.render_app(&app, &target), &c.expect_error) {
        (Ok(_), Some(want)) => problems.push(format!(
            "expected an error containing {want:?}, but rendering succeeded"
        )),
        (Err(e), Some(want)) => {
            let text = e.to_string();
            if !text.contains(want.as_str()) {
                problems.push(format!(
                    "the error does not contain {want:?}; it is:\n{text}"
                ));
            }
        }
        (Err(e), None) => problems.push(format!("rendering failed:\n{e}")),
        (Ok(r), None) => {
            let objects: Vec<&Value> = r
                .components
                .iter()
                .flat_map(|c| c.workload.iter().chain(c.objects.iter().map(|o| &o.object)))
                .collect();
            for want in &c.expect {
                let kind = want.get("kind").and_then(Value::as_str);
                let name = want.pointer("/metadata/name").and_then(Value::as_str);
                let candidates: Vec<&&Value> = objects
                    .iter()
                    .filter(|o| {
                        kind.is_none_or(|k| o.get("kind").and_then(Value::as_str) == Some(k))
                    })
                    .filter(|o| {
                        name.is_none_or(|n| {
                            o.pointer("/metadata/name").and_then(Value::as_str) == Some(n)
                        })
                    })
                    .collect();
                let label = format!(
                    "{} {}",
                    kind.unwrap_or("object"),
                    name.unwrap_or("(any name)")
                );
                if candidates.is_empty() {
                    let have: Vec<String> = objects
                        .iter()
                        .map(|o| {
                            format!(
                                "{} {}",
                                o.get("kind").and_then(Value::as_str).unwrap_or("?"),
                                o.pointer("/metadata/name")
                                    .and_then(Value::as_str)
                                    .unwrap_or("?")
                            )
                        })
                        .collect();
                    problems.push(format!(
                        "{label}: not rendered (rendered: {})",
                        have.join(", ")
                    ));
                    continue;
                }
                // The closest candidate: fewest differences.
                let best = candidates
                    .iter()
                    .map(|o| {
                        let mut diffs = Vec::new();
                        subset(want, o, String::new(), &mut diffs);
                        diffs
                    })
                    .min_by_key(Vec::len)
                    .unwrap_or_default();
                for d in best {
                    problems.push(format!("{label}: {d}"));
                }
            }
        }
    }
    CaseResult {
        name: c.name.clone(),
        problems,
    }
}

fn build_app(c: &TestCase) -> Result<Application, String> {
    let v = match (&c.app, &c.component) {
        (Some(a), None) => a.clone(),
        (None, Some(comp)) => {
            let mut comp = comp.clone();
            if let Some(m) = comp.as_object_mut() {
                m.entry("name").or_insert_with(|| json!("test-component"));
            }
            json!({
                "apiVersion": "core.oam.dev/v1beta1",
                "kind": "Application",
                "metadata": {"name": "test-app", "namespace": "default"},
                "spec": {"components": [comp]},
            })
        }
        _ => return Err("a case needs exactly one of `component` or `app`".into()),
    };
    serde_json::from_value(v).map_err(|e| format!("not an application: {e}"))
}

/// Records where `want` is not contained in `have`.
fn subset(want: &Value, have: &Value, path: String, out: &mut Vec<String>) {
    let at = |p: &str| {
        if p.is_empty() {
            "(root)".to_string()
        } else {
            p.to_string()
        }
    };
    match (want, have) {
        (Value::Object(w), Value::Object(h)) => {
            for (k, wv) in w {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match h.get(k) {
                    Some(hv) => subset(wv, hv, p, out),
                    None => out.push(format!("{p}: expected {wv}, missing")),
                }
            }
        }
        (Value::Array(w), Value::Array(h)) => {
            if w.len() != h.len() {
                out.push(format!(
                    "{}: expected {} elements, got {}: {}",
                    at(&path),
                    w.len(),
                    h.len(),
                    Value::Array(h.clone())
                ));
                return;
            }
            for (i, (wv, hv)) in w.iter().zip(h).enumerate() {
                subset(wv, hv, format!("{path}[{i}]"), out);
            }
        }
        (w, h) if w == h => {}
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        (w, h) => out.push(format!("{}: expected {w}, got {h}", at(&path))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Registry, TemplateCache};

    fn run(yaml: &str) -> Vec<CaseResult> {
        let f: TestFile = serde_json::from_value(
            crate::yaml::parse_documents("t.yaml", yaml)
                .unwrap()
                .remove(0),
        )
        .unwrap();
        let cache = TemplateCache::new();
        run_cases(&Renderer::new(Registry::builtin(), &cache), &f)
    }

    #[test]
    fn passing_and_failing_cases_are_reported() {
        let r = run(r#"
cases:
  - name: scaler sets replicas
    component: {type: webservice, properties: {image: nginx}, traits: [{type: scaler, properties: {replicas: 3}}]}
    expect:
      - kind: Deployment
        metadata: {name: test-component}
        spec: {replicas: 3}
  - name: wrong expectation
    component: {type: webservice, properties: {image: nginx}, traits: [{type: scaler, properties: {replicas: 3}}]}
    expect:
      - kind: Deployment
        spec: {replicas: 4}
      - kind: Service
  - name: error expected
    component: {type: webservice, properties: {image: 3}}
    expectError: "properties.image"
"#);
        assert!(r[0].passed(), "{:?}", r[0]);
        assert_eq!(
            r[1].problems,
            [
                "Deployment (any name): spec.replicas: expected 4, got 3",
                "Service (any name): not rendered (rendered: Deployment test-component)"
            ]
        );
        assert!(r[2].passed(), "{:?}", r[2]);
    }
}
