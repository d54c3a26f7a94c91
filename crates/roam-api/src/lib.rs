//! roam's application-model types (`core.oam.dev`).
//!
//! Serde shapes follow KubeVela's Go types field for field, so existing
//! Application YAML and definitions read and write unchanged; free-form JSON
//! (`properties`, raw objects) is kept as `serde_json::Value`. CRDs are
//! generated from these types ([`crds`]), never written by hand, except for
//! the two `v1alpha1` kinds whose fields sit outside `spec`.
//!
//! This crate has no I/O and knows nothing of CUE.

pub mod app;
pub mod definition;
pub mod labels;
pub mod schema;
pub mod tracker;
pub mod v1alpha1;

pub use app::*;
pub use definition::*;
pub use tracker::*;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::CustomResourceExt;

/// The API group of the application model.
pub const GROUP: &str = "core.oam.dev";

/// Every CRD roam serves, in install order.
pub fn crds() -> Vec<CustomResourceDefinition> {
    vec![
        Application::crd(),
        ApplicationRevision::crd(),
        ComponentDefinition::crd(),
        TraitDefinition::crd(),
        PolicyDefinition::crd(),
        WorkflowStepDefinition::crd(),
        WorkloadDefinition::crd(),
        DefinitionRevision::crd(),
        ResourceTracker::crd(),
        v1alpha1_crd("Policy", "policies", "policy", &["type"]),
        v1alpha1_crd("Workflow", "workflows", "workflow", &[]),
    ]
}

/// A `core.oam.dev/v1alpha1` CRD whose fields sit at the top level.
fn v1alpha1_crd(
    kind: &str,
    plural: &str,
    singular: &str,
    required: &[&str],
) -> CustomResourceDefinition {
    let v = serde_json::json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": format!("{plural}.{GROUP}")},
        "spec": {
            "group": GROUP,
            "names": {"kind": kind, "plural": plural, "singular": singular, "listKind": format!("{kind}List"), "categories": ["oam"]},
            "scope": "Namespaced",
            "versions": [{
                "name": "v1alpha1",
                "served": true,
                "storage": true,
                "schema": {"openAPIV3Schema": {
                    "type": "object",
                    "required": required,
                    "x-kubernetes-preserve-unknown-fields": true,
                    "properties": {
                        "apiVersion": {"type": "string"},
                        "kind": {"type": "string"},
                        "metadata": {"type": "object"},
                    },
                }},
            }],
        },
    });
    serde_json::from_value(v).expect("a well-formed CRD literal")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crds_are_named_after_their_plural_and_group() {
        let names: Vec<_> = crds()
            .into_iter()
            .map(|c| c.metadata.name.unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "applications.core.oam.dev",
                "applicationrevisions.core.oam.dev",
                "componentdefinitions.core.oam.dev",
                "traitdefinitions.core.oam.dev",
                "policydefinitions.core.oam.dev",
                "workflowstepdefinitions.core.oam.dev",
                "workloaddefinitions.core.oam.dev",
                "definitionrevisions.core.oam.dev",
                "resourcetrackers.core.oam.dev",
                "policies.core.oam.dev",
                "workflows.core.oam.dev",
            ]
        );
    }

    #[test]
    /// kube-apiserver rejects CRD schemas with `$ref` (recursive types are
    /// declared free-form instead).
    fn crd_schemas_have_no_refs() {
        for crd in crds() {
            let text = serde_json::to_string(&crd).unwrap();
            assert!(
                !text.contains("\"$ref\""),
                "{} has a $ref in its schema",
                crd.metadata.name.unwrap_or_default()
            );
        }
    }

    /// An object schema with no properties, no typed additionalProperties
    /// and no `x-kubernetes-preserve-unknown-fields` makes kube-apiserver
    /// prune everything inside it.
    #[test]
    fn crd_schemas_keep_free_form_content() {
        fn walk(v: &serde_json::Value, path: &str, bad: &mut Vec<String>) {
            let Some(m) = v.as_object() else { return };
            if m.get("type").and_then(|t| t.as_str()) == Some("object")
                && !m.contains_key("properties")
                && !m.get("additionalProperties").is_some_and(|a| a.is_object())
                && m.get("x-kubernetes-preserve-unknown-fields") != Some(&serde_json::json!(true))
                // The apiserver treats the top-level metadata itself.
                && !path.ends_with("openAPIV3Schema.properties.metadata")
            {
                bad.push(path.to_string());
            }
            for (k, c) in m {
                match c {
                    serde_json::Value::Object(_) => walk(c, &format!("{path}.{k}"), bad),
                    serde_json::Value::Array(a) => {
                        for (i, e) in a.iter().enumerate() {
                            walk(e, &format!("{path}.{k}[{i}]"), bad);
                        }
                    }
                    _ => {}
                }
            }
        }
        let mut bad = Vec::new();
        for crd in crds() {
            let name = crd.metadata.name.clone().unwrap_or_default();
            walk(&serde_json::to_value(&crd.spec).unwrap(), &name, &mut bad);
        }
        assert!(bad.is_empty(), "pruned-empty object schemas: {bad:#?}");
    }

    #[test]
    fn resource_tracker_is_cluster_scoped_and_apps_are_not() {
        assert_eq!(ResourceTracker::crd().spec.scope, "Cluster");
        assert_eq!(Application::crd().spec.scope, "Namespaced");
        assert_eq!(
            Application::crd().spec.names.short_names.unwrap(),
            ["app", "velaapp"]
        );
    }

    #[test]
    fn properties_keep_unknown_fields() {
        let crd = serde_json::to_value(Application::crd()).unwrap();
        let props = &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
            ["properties"]["components"]["items"]["properties"]["properties"];
        assert_eq!(
            props["x-kubernetes-preserve-unknown-fields"], true,
            "{props}"
        );
    }
}
