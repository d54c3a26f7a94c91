//! ResourceTrackers: the record of every object an application applied.
//!
//! KubeVela's names and shapes: cluster-scoped, `<app>-v<generation>-<ns>`
//! for the objects of one version of the app (or `<app>-<publishVersion>-<ns>`),
//! `<app>-<ns>` for the root tracker (objects that outlive versions; used
//! once garbage-collect policies exist). Labels `app.oam.dev/name`,
//! `app.oam.dev/namespace`, `app.oam.dev/appRevision`.
//!
//! Invariant (crash safety): an object is recorded *before* it is applied
//! and its record dropped only *after* it is deleted, so a tracker may name
//! an object that does not exist yet (or any more), never the other way
//! round; the next reconcile applies or deletes it.

use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams};
use kube::{Client, Resource, ResourceExt};
use roam_api::labels as L;
use roam_api::{ManagedResource, ResourceTracker, ResourceTrackerSpec, ResourceTrackerType};
use serde_json::{Value, json};

use crate::FIELD_MANAGER;
use crate::cluster::ObjectKey;

/// On the current tracker: every older versioned tracker of the app has
/// been garbage-collected.
pub const ANNO_COLLECTED: &str = "roam.oam.dev/older-versions-collected";

/// The versioned tracker's name.
pub fn versioned_name(
    app: &str,
    namespace: &str,
    generation: i64,
    publish: Option<&str>,
) -> String {
    match publish {
        Some(p) if !p.is_empty() => format!("{app}-{p}-{namespace}"),
        _ => format!("{app}-v{generation}-{namespace}"),
    }
}

/// The root tracker's name.
pub fn root_name(app: &str, namespace: &str) -> String {
    format!("{app}-{namespace}")
}

/// An application's trackers.
pub struct Trackers {
    client: Client,
    pub app: String,
    pub namespace: String,
    /// The tracker of the version being delivered (created on first save).
    pub current: ResourceTracker,
    /// Whether `current` exists in the cluster.
    current_exists: bool,
    /// Every other tracker of the app (older versions, root).
    pub others: Vec<ResourceTracker>,
}

impl Trackers {
    /// Loads the app's trackers; `current_name` is the tracker of this
    /// version (new if missing).
    ///
    /// Older trackers are listed only while they may exist: not for an app
    /// at its first generation (no other tracker name was ever used), and
    /// not once the current tracker says they were collected.
    pub async fn load(
        client: &Client,
        app: &str,
        namespace: &str,
        current_name: &str,
        generation: i64,
        app_revision: &str,
        first_version: bool,
    ) -> Result<Trackers, kube::Error> {
        let api: Api<ResourceTracker> = Api::all(client.clone());
        let mut current = api.get_opt(current_name).await?;
        let mut others = Vec::new();
        // Once older versions are collected, the current tracker says so and
        // the others need no list (a list per reconcile is O(apps) on a
        // large hub).
        let collected = current.as_ref().is_some_and(|c| {
            c.annotations().get(ANNO_COLLECTED).map(String::as_str) == Some("true")
        });
        if !collected && !first_version {
            let lp = ListParams::default().labels(&format!(
                "{}={app},{}={namespace}",
                L::APP_NAME,
                L::APP_NAMESPACE
            ));
            for rt in api.list(&lp).await?.items {
                if rt.metadata.name.as_deref() == Some(current_name) {
                    current = Some(rt);
                } else {
                    others.push(rt);
                }
            }
        }
        let current_exists = current.is_some();
        let current = current.unwrap_or_else(|| {
            let mut rt = ResourceTracker::new(
                current_name,
                ResourceTrackerSpec {
                    type_: ResourceTrackerType::Versioned,
                    application_generation: generation,
                    managed_resources: Vec::new(),
                },
            );
            rt.meta_mut().labels = Some(
                [
                    (L::APP_NAME.to_string(), app.to_string()),
                    (L::APP_NAMESPACE.to_string(), namespace.to_string()),
                    (L::APP_REVISION.to_string(), app_revision.to_string()),
                ]
                .into(),
            );
            rt
        });
        Ok(Trackers {
            client: client.clone(),
            app: app.into(),
            namespace: namespace.into(),
            current,
            current_exists,
            others,
        })
    }

    /// Every tracker with its resources (current first).
    pub fn all(&self) -> impl Iterator<Item = &ResourceTracker> {
        std::iter::once(&self.current).chain(self.others.iter())
    }

    /// Whether any tracker of the app records the object.
    pub fn tracks(&self, key: &ObjectKey) -> bool {
        let g = key.group_key();
        self.all().any(|rt| {
            rt.spec
                .managed_resources
                .iter()
                .any(|m| ObjectKey::of_managed(m).group_key() == g)
        })
    }

    /// The current tracker's record of an object.
    pub fn current_record(&self, key: &ObjectKey) -> Option<&ManagedResource> {
        let g = key.group_key();
        self.current
            .spec
            .managed_resources
            .iter()
            .find(|m| !m.deleted && ObjectKey::of_managed(m).group_key() == g)
    }

    /// Records a component's objects in one placement (cluster and
    /// namespace) in the current tracker, replacing what was recorded for
    /// the component there (and for that replica key) before; objects the component no longer renders
    /// there stay, marked `deleted` (for garbage collection). Its records
    /// in other placements are left alone. Returns whether anything changed.
    pub fn record_component(
        &mut self,
        component: &str,
        cluster: &str,
        namespace: &str,
        replica_key: &str,
        objects: Vec<ManagedResource>,
    ) -> bool {
        let before = self.current.spec.managed_resources.clone();
        let keys: Vec<_> = objects
            .iter()
            .map(|m| ObjectKey::of_managed(m).group_key())
            .collect();
        let cluster = if cluster == crate::cluster::LOCAL {
            ""
        } else {
            cluster
        };
        let list = &mut self.current.spec.managed_resources;
        for m in list.iter_mut() {
            // Another replica's records (replication policy) are not this
            // delivery's; a record without its form is already deleted.
            let replica = m.raw.as_ref().is_none_or(|r| {
                r["metadata"]["labels"][L::APP_REPLICA_KEY]
                    .as_str()
                    .unwrap_or("")
                    == replica_key
            });
            let here = m.cluster == cluster
                && (m.namespace == namespace || m.namespace.is_empty())
                && replica;
            if m.component == component
                && here
                && !keys.contains(&ObjectKey::of_managed(m).group_key())
            {
                m.deleted = true;
                // A record kept past updates (skipGC) keeps its form: it
                // says whether deleting the app deletes the object.
                if !m.skip_gc {
                    m.raw = None;
                }
            }
        }
        for o in objects {
            let g = ObjectKey::of_managed(&o).group_key();
            match list
                .iter_mut()
                .find(|m| ObjectKey::of_managed(m).group_key() == g)
            {
                Some(m) => *m = o,
                None => list.push(o),
            }
        }
        *list != before
    }

    /// Records one object (a workflow step's, not a component's) in the
    /// current tracker, keeping every other record. Returns whether
    /// anything changed.
    pub fn record_object(&mut self, object: ManagedResource) -> bool {
        let g = ObjectKey::of_managed(&object).group_key();
        let list = &mut self.current.spec.managed_resources;
        match list
            .iter_mut()
            .find(|m| ObjectKey::of_managed(m).group_key() == g)
        {
            Some(m) if *m == object => false,
            Some(m) => {
                *m = object;
                true
            }
            None => {
                list.push(object);
                true
            }
        }
    }

    /// Writes the current tracker (server-side apply of the whole object).
    pub async fn save_current(&mut self) -> Result<(), kube::Error> {
        let api: Api<ResourceTracker> = Api::all(self.client.clone());
        let name = self.current.metadata.name.clone().unwrap_or_default();
        let body = json!({
            "apiVersion": "core.oam.dev/v1beta1",
            "kind": "ResourceTracker",
            "metadata": {
                "name": name,
                "labels": self.current.metadata.labels,
                "annotations": self.current.metadata.annotations,
            },
            "spec": self.current.spec,
        });
        let pp = PatchParams::apply(FIELD_MANAGER).force();
        self.current = api.patch(&name, &pp, &Patch::Apply(&body)).await?;
        self.current_exists = true;
        Ok(())
    }

    pub fn current_exists(&self) -> bool {
        self.current_exists
    }

    /// Whether older versions are known to be collected.
    pub fn collected(&self) -> bool {
        self.current
            .annotations()
            .get(ANNO_COLLECTED)
            .map(String::as_str)
            == Some("true")
    }

    /// Marks older versions collected (saved with the next save).
    pub fn mark_collected(&mut self) {
        self.current
            .annotations_mut()
            .insert(ANNO_COLLECTED.into(), "true".into());
    }

    /// Deletes a tracker (its finalizer removed first: the tracker's
    /// objects are the caller's business and already gone).
    pub async fn delete(client: &Client, rt: &ResourceTracker) -> Result<(), kube::Error> {
        let api: Api<ResourceTracker> = Api::all(client.clone());
        let name = rt.metadata.name.clone().unwrap_or_default();
        if rt
            .metadata
            .finalizers
            .as_ref()
            .is_some_and(|f| !f.is_empty())
        {
            let p = json!({"metadata": {"finalizers": Value::Null}});
            match api
                .patch(&name, &PatchParams::default(), &Patch::Merge(&p))
                .await
            {
                Ok(_) => {}
                Err(kube::Error::Api(s)) if s.code == 404 => return Ok(()),
                Err(e) => return Err(e),
            }
        }
        match api.delete(&name, &DeleteParams::default()).await {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(s)) if s.code == 404 => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// A tracker record for an object applied for a component (or trait).
pub fn managed(
    cluster: &str,
    obj: &Value,
    component: &str,
    trait_type: &str,
    raw: Option<Value>,
) -> ManagedResource {
    let key = ObjectKey::of(cluster, obj);
    ManagedResource {
        cluster: if cluster == crate::cluster::LOCAL {
            String::new()
        } else {
            cluster.to_string()
        },
        creator: "workflow".into(),
        api_version: key.api_version,
        kind: key.kind,
        name: key.name,
        namespace: key.namespace,
        component: component.into(),
        trait_: trait_type.into(),
        raw,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_kubevela() {
        assert_eq!(versioned_name("web", "prod", 3, None), "web-v3-prod");
        assert_eq!(
            versioned_name("web", "prod", 3, Some("alpha")),
            "web-alpha-prod"
        );
        assert_eq!(root_name("web", "prod"), "web-prod");
    }
}
