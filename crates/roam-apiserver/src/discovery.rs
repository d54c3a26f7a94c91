//! `/version`, legacy discovery and the OpenAPI v3 stubs kubectl needs.

use crate::registry::{Registry, ResourceType};
use serde_json::{Map, Value, json};
use std::hash::{Hash, Hasher};

/// The Kubernetes version reported at `/version`. kubectl's dispatcher picks the
/// kubectl binary by this minor version.
pub const KUBERNETES_VERSION: &str = "v1.32.4-roam";

pub fn version() -> Value {
    json!({
        "major": "1",
        "minor": "32",
        "gitVersion": KUBERNETES_VERSION,
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2026-01-01T00:00:00Z",
        "goVersion": "n/a (roam, Rust)",
        "compiler": "rustc",
        "platform": format!("{}/{}", std::env::consts::OS, std::env::consts::ARCH),
    })
}

pub fn api_versions(host: &str) -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": host}],
    })
}

fn group_entry(group: &str, versions: &[String]) -> Value {
    let vs: Vec<Value> = versions
        .iter()
        .map(|v| json!({"groupVersion": format!("{group}/{v}"), "version": v}))
        .collect();
    json!({
        "name": group,
        "versions": vs,
        "preferredVersion": vs.first().cloned().unwrap_or(Value::Null),
    })
}

pub fn group_list(reg: &Registry) -> Value {
    let groups: Vec<Value> = reg
        .groups()
        .iter()
        .filter(|(g, _)| !g.is_empty())
        .map(|(g, vs)| group_entry(g, vs))
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

pub fn group(reg: &Registry, group: &str) -> Option<Value> {
    let (g, vs) = reg
        .groups()
        .into_iter()
        .find(|(g, _)| g == group && !g.is_empty())?;
    let mut v = group_entry(&g, &vs);
    v["kind"] = json!("APIGroup");
    v["apiVersion"] = json!("v1");
    Some(v)
}

pub fn resource_list(reg: &Registry, group: &str, version: &str) -> Option<Value> {
    let types = reg.in_group_version(group, version);
    if types.is_empty() {
        return None;
    }
    let resources: Vec<Value> = types.iter().flat_map(|t| t.discovery_entries()).collect();
    let gv = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    Some(
        json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources}),
    )
}

/// `api/v1` or `apis/<group>/<version>` for every served group-version.
fn group_versions(reg: &Registry) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (g, vs) in reg.groups() {
        for v in vs {
            let path = if g.is_empty() {
                format!("api/{v}")
            } else {
                format!("apis/{g}/{v}")
            };
            out.push((path, g.clone(), v));
        }
    }
    out
}

fn hash_of(v: &Value) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    v.to_string().hash(&mut h);
    format!("{:016X}", h.finish())
}

/// `/openapi/v3`: the index of per-group-version documents.
pub fn openapi_index(reg: &Registry) -> Value {
    let mut paths = Map::new();
    for (path, g, v) in group_versions(reg) {
        // The built-in schemas are fixed: their hash is computed once.
        let doc = build_document(reg, &g, &v, false);
        let mut hash = hash_of(&doc);
        if let Some(b) = crate::openapi::builtin(&g, &v) {
            hash = format!("{hash}{:016X}", b.hash);
        }
        paths.insert(
            path.clone(),
            json!({"serverRelativeURL": format!("/openapi/v3/{path}?hash={hash}")}),
        );
    }
    json!({"paths": paths})
}

/// `/openapi/v3/<api/v1 | apis/g/v>`.
pub fn openapi_document(reg: &Registry, gv_path: &str) -> Option<Value> {
    let (_, g, v) = group_versions(reg)
        .into_iter()
        .find(|(p, _, _)| p == gv_path)?;
    Some(build_document(reg, &g, &v, true))
}

fn schema_name(rt: &ResourceType) -> String {
    let g = if rt.group.is_empty() {
        "core"
    } else {
        &rt.group
    };
    format!("roam.{g}.{}.{}", rt.version, rt.kind)
}

/// A minimal OpenAPI 3.0 document: every operation carries
/// `x-kubernetes-group-version-kind`, PATCH operations accept the `fieldValidation`
/// parameter (so kubectl relies on server-side validation and does not need OpenAPI v2),
/// and schemas are the CRD's own or, for built-ins, generated from the k8s-openapi
/// types ([`crate::openapi`]; left out when `builtins` is false). Strategic merge
/// patch is not advertised (the generated schemas have no patch extensions), so
/// kubectl uses its compiled-in types for built-ins.
fn build_document(reg: &Registry, group: &str, version: &str, builtins: bool) -> Value {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    let generated = crate::openapi::builtin(group, version);
    for rt in reg.in_group_version(group, version) {
        let gvk = json!({"group": rt.group, "version": rt.version, "kind": rt.kind});
        let builtin_root = generated
            .filter(|_| rt.schema.is_none())
            .and_then(|b| b.roots.get(&rt.kind));
        let sname = builtin_root.cloned().unwrap_or_else(|| schema_name(&rt));
        let reference = json!({"$ref": format!("#/components/schemas/{sname}")});
        let content = json!({"application/json": {"schema": reference}});
        let op = |action: &str, extra: Value| -> Value {
            let mut o = json!({
                "x-kubernetes-group-version-kind": gvk,
                "x-kubernetes-action": action,
                "responses": {"200": {"description": "OK", "content": content}},
            });
            if let (Some(o), Value::Object(extra)) = (o.as_object_mut(), extra) {
                o.extend(extra);
            }
            o
        };
        let field_validation = json!({"name": "fieldValidation", "in": "query", "schema": {"type": "string", "uniqueItems": true}});
        let patch_body = json!({"content": {
            "application/json-patch+json": {"schema": {"type": "object"}},
            "application/merge-patch+json": {"schema": {"type": "object"}},
            "application/apply-patch+yaml": {"schema": {"type": "object"}},
        }});
        let base = if rt.group.is_empty() {
            format!("/api/{}", rt.version)
        } else {
            format!("/apis/{}/{}", rt.group, rt.version)
        };
        let coll = if rt.namespaced {
            format!("{base}/namespaces/{{namespace}}/{}", rt.plural)
        } else {
            format!("{base}/{}", rt.plural)
        };
        let params = |with_name: bool| -> Value {
            let mut p = vec![];
            if with_name {
                p.push(json!({"name": "name", "in": "path", "required": true, "schema": {"type": "string", "uniqueItems": true}}));
            }
            if rt.namespaced {
                p.push(json!({"name": "namespace", "in": "path", "required": true, "schema": {"type": "string", "uniqueItems": true}}));
            }
            Value::Array(p)
        };
        paths.insert(
            coll.clone(),
            json!({
                "get": op("list", json!({})),
                "post": op("post", json!({"parameters": [field_validation], "requestBody": {"content": content}})),
                "parameters": params(false),
            }),
        );
        paths.insert(
            format!("{coll}/{{name}}"),
            json!({
                "get": op("get", json!({})),
                "put": op("put", json!({"parameters": [field_validation], "requestBody": {"content": content}})),
                "patch": op("patch", json!({"parameters": [field_validation], "requestBody": patch_body})),
                "delete": op("delete", json!({})),
                "parameters": params(true),
            }),
        );
        if builtin_root.is_some() {
            continue;
        }
        let mut schema = rt.schema.clone().unwrap_or_else(
            || json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true}),
        );
        if let Some(s) = schema.as_object_mut() {
            s.insert("x-kubernetes-group-version-kind".into(), json!([gvk]));
            let props = s.entry("properties").or_insert_with(|| json!({}));
            if let Some(p) = props.as_object_mut() {
                p.entry("apiVersion")
                    .or_insert_with(|| json!({"type": "string"}));
                p.entry("kind").or_insert_with(|| json!({"type": "string"}));
                p.entry("metadata")
                    .or_insert_with(|| json!({"type": "object"}));
            }
        }
        schemas.insert(sname, schema);
    }
    if let (true, Some(b)) = (builtins, generated) {
        for (name, schema) in &b.components {
            schemas
                .entry(name.clone())
                .or_insert_with(|| schema.clone());
        }
    }
    json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes (roam local)", "version": KUBERNETES_VERSION},
        "paths": paths,
        "components": {"schemas": schemas},
    })
}

/// The content type of aggregated discovery (`apidiscovery.k8s.io/v2`).
pub const AGGREGATED_CONTENT_TYPE: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/// Whether an `Accept` header asks for aggregated discovery v2 (parameter order free).
pub fn wants_aggregated(accept: &str) -> bool {
    accept.split(',').any(|range| {
        let params: Vec<&str> = range.split(';').skip(1).map(str::trim).collect();
        params.contains(&"g=apidiscovery.k8s.io")
            && params.contains(&"v=v2")
            && params.contains(&"as=APIGroupDiscoveryList")
    })
}

/// Aggregated discovery: `/api` (`core` = true, the legacy group) or `/apis`.
pub fn aggregated(reg: &Registry, core: bool) -> Value {
    let items: Vec<Value> = reg
        .groups()
        .into_iter()
        .filter(|(g, _)| g.is_empty() == core)
        .map(|(g, versions)| {
            let versions: Vec<Value> = versions
                .iter()
                .map(|v| {
                    let resources: Vec<Value> = reg
                        .in_group_version(&g, v)
                        .iter()
                        .map(|rt| {
                            let kind =
                                json!({"group": rt.group, "version": rt.version, "kind": rt.kind});
                            let mut r = json!({
                                "resource": rt.plural,
                                "responseKind": kind,
                                "scope": if rt.namespaced { "Namespaced" } else { "Cluster" },
                                "singularResource": rt.singular,
                                "verbs": crate::registry::VERBS,
                            });
                            if !rt.short_names.is_empty() {
                                r["shortNames"] = json!(rt.short_names);
                            }
                            if !rt.categories.is_empty() {
                                r["categories"] = json!(rt.categories);
                            }
                            let mut subs = Vec::new();
                            if rt.status_subresource {
                                subs.push(json!({
                                    "subresource": "status",
                                    "responseKind": kind,
                                    "verbs": ["get", "patch", "update"],
                                }));
                            }
                            if rt.scale.is_some() {
                                subs.push(json!({
                                    "subresource": "scale",
                                    "responseKind": {"group": "autoscaling", "version": "v1", "kind": "Scale"},
                                    "verbs": ["get", "patch", "update"],
                                }));
                            }
                            if !subs.is_empty() {
                                r["subresources"] = Value::Array(subs);
                            }
                            r
                        })
                        .collect();
                    json!({"version": v, "freshness": "Current", "resources": resources})
                })
                .collect();
            json!({"metadata": {"name": g}, "versions": versions})
        })
        .collect();
    json!({
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": items,
    })
}
