//! OpenAPI v3 schemas of the built-in kinds, generated from the `k8s-openapi`
//! types (their `schemars` implementations carry the upstream descriptions,
//! types and formats, but none of the `x-kubernetes-*` patch extensions).
//!
//! Each built-in group-version gets its `components.schemas` once, on first use:
//! every kind's root schema (named as upstream, e.g.
//! `io.k8s.api.apps.v1.Deployment`, with `x-kubernetes-group-version-kind`) and
//! everything it references. `kubectl explain` walks them; validation stays on
//! the server (`fieldValidation`).

use k8s_openapi::api::{
    apps::v1 as apps, autoscaling::v2 as autoscaling, batch::v1 as batch,
    coordination::v1 as coordination, core::v1 as core, events::v1 as events,
    networking::v1 as networking, rbac::v1 as rbac,
};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiext;
use schemars::JsonSchema;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The schemas of one built-in group-version.
pub struct GroupVersionSchemas {
    /// `components.schemas`: every kind's root schema and what it references.
    pub components: Map<String, Value>,
    /// The root schema name of each kind.
    pub roots: HashMap<String, String>,
    /// A hash of `components`, for the document's `hash`.
    pub hash: u64,
}

/// Registers `T`'s schema (and those it references) and returns its name.
fn add<T: JsonSchema>(
    generator: &mut SchemaGenerator,
    roots: &mut HashMap<String, String>,
    kind: &str,
) {
    generator.subschema_for::<T>();
    roots.insert(kind.to_string(), T::schema_name().into_owned());
}

fn build(group: &str, version: &str) -> Option<GroupVersionSchemas> {
    let mut g = SchemaSettings::openapi3().into_generator();
    let mut roots = HashMap::new();
    let r = &mut roots;
    match (group, version) {
        ("", "v1") => {
            add::<core::Namespace>(&mut g, r, "Namespace");
            add::<core::ConfigMap>(&mut g, r, "ConfigMap");
            add::<core::Secret>(&mut g, r, "Secret");
            add::<core::ServiceAccount>(&mut g, r, "ServiceAccount");
            add::<core::Service>(&mut g, r, "Service");
            add::<core::Endpoints>(&mut g, r, "Endpoints");
            add::<core::Event>(&mut g, r, "Event");
            add::<core::Pod>(&mut g, r, "Pod");
            add::<core::PersistentVolumeClaim>(&mut g, r, "PersistentVolumeClaim");
        }
        ("apps", "v1") => {
            add::<apps::Deployment>(&mut g, r, "Deployment");
            add::<apps::ReplicaSet>(&mut g, r, "ReplicaSet");
            add::<apps::StatefulSet>(&mut g, r, "StatefulSet");
            add::<apps::DaemonSet>(&mut g, r, "DaemonSet");
            add::<apps::ControllerRevision>(&mut g, r, "ControllerRevision");
        }
        ("batch", "v1") => {
            add::<batch::Job>(&mut g, r, "Job");
            add::<batch::CronJob>(&mut g, r, "CronJob");
        }
        ("networking.k8s.io", "v1") => {
            add::<networking::Ingress>(&mut g, r, "Ingress");
            add::<networking::IngressClass>(&mut g, r, "IngressClass");
        }
        ("autoscaling", "v2") => {
            add::<autoscaling::HorizontalPodAutoscaler>(&mut g, r, "HorizontalPodAutoscaler");
        }
        ("rbac.authorization.k8s.io", "v1") => {
            add::<rbac::Role>(&mut g, r, "Role");
            add::<rbac::RoleBinding>(&mut g, r, "RoleBinding");
            add::<rbac::ClusterRole>(&mut g, r, "ClusterRole");
            add::<rbac::ClusterRoleBinding>(&mut g, r, "ClusterRoleBinding");
        }
        ("coordination.k8s.io", "v1") => {
            add::<coordination::Lease>(&mut g, r, "Lease");
        }
        ("events.k8s.io", "v1") => {
            add::<events::Event>(&mut g, r, "Event");
        }
        ("apiextensions.k8s.io", "v1") => {
            add::<apiext::CustomResourceDefinition>(&mut g, r, "CustomResourceDefinition");
        }
        _ => return None,
    }
    let mut components = g.take_definitions(true);
    for (kind, name) in &roots {
        if let Some(s) = components.get_mut(name).and_then(Value::as_object_mut) {
            s.insert(
                "x-kubernetes-group-version-kind".into(),
                json!([{"group": group, "version": version, "kind": kind}]),
            );
        }
    }
    let hash = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        Value::Object(components.clone()).to_string().hash(&mut h);
        h.finish()
    };
    Some(GroupVersionSchemas {
        components,
        roots,
        hash,
    })
}

/// The schemas of a built-in group-version (made on first use), if roam serves
/// built-in kinds there.
pub fn builtin(group: &str, version: &str) -> Option<&'static GroupVersionSchemas> {
    type Cache = std::sync::Mutex<HashMap<(String, String), Option<&'static GroupVersionSchemas>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    *cache
        .entry((group.to_string(), version.to_string()))
        // Leaked once per group-version: they live as long as the process.
        .or_insert_with(|| build(group, version).map(|s| &*Box::leak(Box::new(s))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployment_schema_reaches_the_pod_template() {
        let s = builtin("apps", "v1").unwrap();
        let root = &s.roots["Deployment"];
        assert_eq!(root, "io.k8s.api.apps.v1.Deployment");
        let dep = &s.components[root];
        assert_eq!(
            dep["x-kubernetes-group-version-kind"],
            json!([{"group": "apps", "version": "v1", "kind": "Deployment"}])
        );
        let spec = &s.components["io.k8s.api.apps.v1.DeploymentSpec"];
        // References with a description next to them are wrapped in allOf, as upstream.
        assert_eq!(
            spec["properties"]["template"]["allOf"][0]["$ref"],
            "#/components/schemas/io.k8s.api.core.v1.PodTemplateSpec"
        );
        assert!(
            s.components["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"]["description"]
                .is_string()
        );
        assert!(builtin("example.com", "v1").is_none());
    }
}
