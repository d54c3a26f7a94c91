//! Capability rules KubeVela documents but never enforces: roam rejects a
//! trait whose `appliesToWorkloads` excludes the component's workload, and
//! two traits that `conflictsWith` each other, before anything is rendered.

use roam_api::Application;
use roam_render::{ErrorKind, Registry, Renderer, Target, TemplateCache};
use serde_json::json;

fn trait_def(name: &str, extra: &str) -> String {
    format!(
        "\"{name}\": {{\n\ttype: \"trait\"\n\tattributes: {{{extra}}}\n}}\ntemplate: {{\n\tpatch: metadata: annotations: \"{name}\": \"on\"\n}}\n"
    )
}

fn render(traits: &[&str], defs: &[(&str, String)]) -> Result<(), String> {
    let mut reg = Registry::new();
    for (n, t) in defs {
        reg.add_source(&format!("{n}.cue"), t).unwrap();
    }
    let reg = reg.layered_over(Registry::builtin());
    let app: Application = serde_json::from_value(json!({
        "apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
        "metadata": {"name": "a"},
        "spec": {"components": [{"name": "c", "type": "webservice", "properties": {"image": "x"},
            "traits": traits.iter().map(|t| json!({"type": t})).collect::<Vec<_>>()}]}
    }))
    .unwrap();
    let cache = TemplateCache::new();
    match Renderer::new(&reg, &cache).render_app(&app, &Target::default()) {
        Ok(_) => Ok(()),
        Err(e) => {
            assert!(
                e.0.iter()
                    .all(|x| matches!(x.kind, ErrorKind::Capability { .. })),
                "{e}"
            );
            Err(e.to_string())
        }
    }
}

#[test]
fn conflicts_by_name_group_and_label_selector() {
    let defs = [
        (
            "ingress-a",
            trait_def("ingress-a", "conflictsWith: [\"ingress-b\"]"),
        ),
        ("ingress-b", trait_def("ingress-b", "")),
        (
            "routes",
            trait_def(
                "routes",
                "definitionRef: name: \"httproutes.gateway.networking.k8s.io\"",
            ),
        ),
        (
            "no-gw",
            trait_def("no-gw", "conflictsWith: [\"*.gateway.networking.k8s.io\"]"),
        ),
        (
            "mesh",
            trait_def("mesh", "").replace(
                "type: \"trait\"",
                "type: \"trait\"\n\tlabels: {\"mesh\": \"istio\"}",
            ),
        ),
        (
            "no-mesh",
            trait_def("no-mesh", "conflictsWith: [\"labelSelector:mesh=istio\"]"),
        ),
    ];
    assert!(render(&["ingress-a"], &defs).is_ok());
    let e = render(&["ingress-b", "ingress-a"], &defs).unwrap_err();
    assert!(e.contains("traits \"ingress-a\" (traits[1]) and \"ingress-b\" (traits[0]) conflict: \"ingress-a\" declares conflictsWith \"ingress-b\""), "{e}");
    let e = render(&["routes", "no-gw"], &defs).unwrap_err();
    assert!(
        e.contains("conflictsWith \"*.gateway.networking.k8s.io\""),
        "{e}"
    );
    let e = render(&["mesh", "no-mesh"], &defs).unwrap_err();
    assert!(
        e.contains("conflictsWith \"labelSelector:mesh=istio\""),
        "{e}"
    );
    assert!(render(&["routes", "mesh"], &defs).is_ok());
}

#[test]
fn applies_to_workloads_by_resource_group_kind_and_type() {
    let defs = [
        (
            "only-sts",
            trait_def("only-sts", "appliesToWorkloads: [\"statefulsets.apps\"]"),
        ),
        (
            "apps-group",
            trait_def("apps-group", "appliesToWorkloads: [\"*.apps\"]"),
        ),
        (
            "by-kind",
            trait_def("by-kind", "appliesToWorkloads: [\"Deployment\"]"),
        ),
        (
            "by-type",
            trait_def("by-type", "appliesToWorkloads: [\"webservice\"]"),
        ),
    ];
    let e = render(&["only-sts"], &defs).unwrap_err();
    assert!(
        e.contains("trait \"only-sts\" does not apply to component \"c\" of type \"webservice\" (workload deployments.apps); it applies to: statefulsets.apps"),
        "{e}"
    );
    for ok in ["apps-group", "by-kind", "by-type"] {
        assert!(render(&[ok], &defs).is_ok(), "{ok}");
    }
}
