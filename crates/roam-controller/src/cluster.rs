//! Where objects go: a client per cluster, with discovery of what each
//! `apiVersion`/`kind` is called and whether it is namespaced.
//!
//! Every write is a server-side apply under [`crate::FIELD_MANAGER`],
//! without `force` first: a field another manager owns is a conflict the
//! caller decides about (drift on an object the app owns is taken back and
//! reported; an object someone else owns is left alone).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use k8s_openapi::api::core::v1::Secret;
use kube::runtime::reflector::{self, Store};
use kube::runtime::{WatchStreamExt, watcher};

use kube::api::{Api, DeleteParams, DynamicObject, Patch, PatchParams};
use kube::core::GroupVersionKind;
use kube::discovery::{ApiResource, Scope};
use kube::{Client, Error as KubeError};
use roam_api::ManagedResource;
use serde_json::Value;

use crate::FIELD_MANAGER;
use crate::registration::Registration;

/// The name of the hub cluster.
pub const LOCAL: &str = "local";

/// A failed read, apply or delete.
#[derive(Debug, thiserror::Error)]
pub enum DispatchError {
    #[error("the cluster {cluster:?} does not serve {api_version} {kind} (is its CRD installed?)")]
    NotServed {
        cluster: String,
        api_version: String,
        kind: String,
    },
    #[error("{object}: {message}")]
    Conflict {
        object: String,
        /// The managers that own the conflicting fields.
        managers: Vec<String>,
        /// The conflicting field paths, as the server names them.
        fields: Vec<String>,
        message: String,
    },
    #[error("{object}: {message}")]
    Invalid { object: String, message: String },
    #[error("{object}: {}", causes(source))]
    Api {
        object: String,
        #[source]
        source: KubeError,
    },
    #[error(
        "cluster {0:?} is not registered (roam cluster list shows the clusters; roam cluster join adds one)"
    )]
    UnknownCluster(String),
    #[error("{0}")]
    BadRegistration(String),
}

/// An error with its causes (a refused connection says so, not only
/// "client error (Connect)").
fn causes(e: &KubeError) -> String {
    let mut out = e.to_string();
    let mut next = std::error::Error::source(e);
    while let Some(c) = next {
        let c_text = c.to_string();
        if !out.contains(&c_text) {
            out.push_str(": ");
            out.push_str(&c_text);
        }
        next = c.source();
    }
    out
}

impl DispatchError {
    /// Worth retrying later (the server was unavailable, not the input wrong).
    pub fn is_transient(&self) -> bool {
        match self {
            DispatchError::Api { source, .. } => match source {
                KubeError::Api(s) => s.code >= 500 || s.code == 429,
                _ => true,
            },
            DispatchError::NotServed { .. } => true,
            _ => false,
        }
    }
}

/// A reference to one object in one cluster.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey {
    pub cluster: String,
    pub api_version: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl ObjectKey {
    pub fn of(cluster: &str, obj: &Value) -> ObjectKey {
        let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
        ObjectKey {
            cluster: cluster.to_string(),
            api_version: s(&obj["apiVersion"]),
            kind: s(&obj["kind"]),
            namespace: s(&obj["metadata"]["namespace"]),
            name: s(&obj["metadata"]["name"]),
        }
    }

    pub fn of_managed(m: &ManagedResource) -> ObjectKey {
        ObjectKey {
            cluster: if m.cluster.is_empty() {
                LOCAL.into()
            } else {
                m.cluster.clone()
            },
            api_version: m.api_version.clone(),
            kind: m.kind.clone(),
            namespace: m.namespace.clone(),
            name: m.name.clone(),
        }
    }

    /// The same object across versions of its group (`apps/v1` and
    /// `apps/v1beta1` Deployments are one object).
    pub fn group_key(&self) -> (String, String, String, String, String) {
        let group = self
            .api_version
            .rsplit_once('/')
            .map(|(g, _)| g)
            .unwrap_or("");
        (
            self.cluster.clone(),
            group.to_string(),
            self.kind.clone(),
            self.namespace.clone(),
            self.name.clone(),
        )
    }
}

impl std::fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ", self.kind)?;
        if !self.namespace.is_empty() {
            write!(f, "{}/", self.namespace)?;
        }
        write!(f, "{}", self.name)?;
        if self.cluster != LOCAL {
            write!(f, " in cluster {}", self.cluster)?;
        }
        Ok(())
    }
}

/// One cluster: a client and what its API serves.
pub struct ClusterClient {
    pub name: String,
    pub client: Client,
    /// `context.clusterVersion` as last probed (members; the hub's is
    /// configured).
    pub version: Option<roam_render::ClusterVersion>,
    resources: RwLock<HashMap<(String, String), (ApiResource, bool)>>,
}

impl ClusterClient {
    pub fn new(name: &str, client: Client) -> ClusterClient {
        ClusterClient {
            name: name.to_string(),
            client,
            version: None,
            resources: RwLock::new(HashMap::new()),
        }
    }

    /// The resource of `apiVersion`/`kind` and whether it is namespaced
    /// (asked once, then cached; a miss is asked again, for CRDs installed
    /// since).
    pub async fn resource(
        &self,
        api_version: &str,
        kind: &str,
    ) -> Result<(ApiResource, bool), DispatchError> {
        let key = (api_version.to_string(), kind.to_string());
        if let Some(r) = self
            .resources
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return Ok(r.clone());
        }
        let (group, version) = match api_version.split_once('/') {
            Some((g, v)) => (g, v),
            None => ("", api_version),
        };
        let gvk = GroupVersionKind::gvk(group, version, kind);
        let not_served = || DispatchError::NotServed {
            cluster: self.name.clone(),
            api_version: api_version.into(),
            kind: kind.into(),
        };
        let (ar, caps) = match kube::discovery::pinned_kind(&self.client, &gvk).await {
            Ok(r) => r,
            Err(KubeError::Api(s)) if s.code == 404 => return Err(not_served()),
            Err(KubeError::Discovery(_)) => return Err(not_served()),
            Err(e) => {
                return Err(DispatchError::Api {
                    object: format!("discovery of {api_version} {kind}"),
                    source: e,
                });
            }
        };
        let namespaced = caps.scope == Scope::Namespaced;
        self.resources
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, (ar.clone(), namespaced));
        Ok((ar, namespaced))
    }

    async fn api(&self, key: &ObjectKey) -> Result<Api<DynamicObject>, DispatchError> {
        let (ar, namespaced) = self.resource(&key.api_version, &key.kind).await?;
        Ok(if namespaced {
            let ns = if key.namespace.is_empty() {
                "default"
            } else {
                &key.namespace
            };
            Api::namespaced_with(self.client.clone(), ns, &ar)
        } else {
            Api::all_with(self.client.clone(), &ar)
        })
    }

    /// The live object, or `None` if it does not exist.
    pub async fn get(&self, key: &ObjectKey) -> Result<Option<Value>, DispatchError> {
        let api = self.api(key).await?;
        match api.get_opt(&key.name).await {
            Ok(o) => Ok(o.map(to_value)),
            Err(e) => Err(DispatchError::Api {
                object: key.to_string(),
                source: e,
            }),
        }
    }

    /// Server-side applies `obj` under the `roam` field manager.
    pub async fn apply(&self, obj: &Value, force: bool) -> Result<Value, DispatchError> {
        let key = ObjectKey::of(&self.name, obj);
        let api = self.api(&key).await?;
        let mut pp = PatchParams::apply(FIELD_MANAGER);
        if force {
            pp = pp.force();
        }
        match api.patch(&key.name, &pp, &Patch::Apply(obj)).await {
            Ok(o) => Ok(to_value(o)),
            Err(KubeError::Api(s)) if s.code == 409 => {
                let (managers, fields) = conflict_causes(&s);
                Err(DispatchError::Conflict {
                    object: key.to_string(),
                    managers,
                    fields,
                    message: s.message.clone(),
                })
            }
            Err(KubeError::Api(s)) if s.code == 422 || s.code == 400 => {
                Err(DispatchError::Invalid {
                    object: key.to_string(),
                    message: s.message.clone(),
                })
            }
            Err(e) => Err(DispatchError::Api {
                object: key.to_string(),
                source: e,
            }),
        }
    }

    /// Replaces the object as a whole (PUT, conditional on the
    /// resourceVersion `obj` carries): fields other managers set and `obj`
    /// lacks are gone afterwards, unlike with server-side apply.
    pub async fn replace(&self, obj: &Value) -> Result<Value, DispatchError> {
        let key = ObjectKey::of(&self.name, obj);
        let api = self.api(&key).await?;
        let o: DynamicObject =
            serde_json::from_value(obj.clone()).map_err(|e| DispatchError::Invalid {
                object: key.to_string(),
                message: e.to_string(),
            })?;
        let pp = kube::api::PostParams {
            field_manager: Some(FIELD_MANAGER.into()),
            ..Default::default()
        };
        match api.replace(&key.name, &pp, &o).await {
            Ok(o) => Ok(to_value(o)),
            Err(KubeError::Api(s)) if s.code == 422 || s.code == 400 => {
                Err(DispatchError::Invalid {
                    object: key.to_string(),
                    message: s.message.clone(),
                })
            }
            Err(e) => Err(DispatchError::Api {
                object: key.to_string(),
                source: e,
            }),
        }
    }

    /// A JSON merge patch of the object (metadata changes roam makes
    /// outside server-side apply: the sharers of a shared object). Put
    /// `metadata.resourceVersion` in the patch to make it conditional.
    pub async fn merge_patch(
        &self,
        key: &ObjectKey,
        patch: &Value,
    ) -> Result<Value, DispatchError> {
        let api = self.api(key).await?;
        let pp = PatchParams {
            field_manager: Some(FIELD_MANAGER.into()),
            ..Default::default()
        };
        api.patch(&key.name, &pp, &Patch::Merge(patch))
            .await
            .map(to_value)
            .map_err(|e| DispatchError::Api {
                object: key.to_string(),
                source: e,
            })
    }

    /// Deletes the object (background propagation). `Ok(true)` when it is
    /// gone or was never there.
    pub async fn delete(&self, key: &ObjectKey) -> Result<bool, DispatchError> {
        self.delete_with(key, &DeleteParams::background()).await
    }

    /// Deletes the object with the given propagation.
    pub async fn delete_with(
        &self,
        key: &ObjectKey,
        dp: &DeleteParams,
    ) -> Result<bool, DispatchError> {
        let api = match self.api(key).await {
            Ok(api) => api,
            // A kind the cluster no longer serves has no objects left.
            Err(DispatchError::NotServed { .. }) => return Ok(true),
            Err(e) => return Err(e),
        };
        match api.delete(&key.name, dp).await {
            Ok(either) => Ok(either.is_right()),
            Err(KubeError::Api(s)) if s.code == 404 => Ok(true),
            Err(e) => Err(DispatchError::Api {
                object: key.to_string(),
                source: e,
            }),
        }
    }
}

/// The managers and fields a 409 from server-side apply names.
fn conflict_causes(s: &kube::core::Status) -> (Vec<String>, Vec<String>) {
    let mut managers = Vec::new();
    let mut fields = Vec::new();
    let causes = s
        .details
        .as_ref()
        .map(|d| d.causes.clone())
        .unwrap_or_default();
    for c in causes {
        if !c.field.is_empty() && !fields.contains(&c.field) {
            fields.push(c.field.clone());
        }
        // `conflict with "kubectl-edit" using apps/v1`
        if let Some(m) = c.message.split('"').nth(1)
            && !managers.iter().any(|x| x == m)
        {
            managers.push(m.to_string());
        }
    }
    if managers.is_empty()
        && let Some(m) = s.message.split('"').nth(1)
    {
        managers.push(m.to_string());
    }
    (managers, fields)
}

fn to_value(o: DynamicObject) -> Value {
    serde_json::to_value(o).unwrap_or(Value::Null)
}

/// Where registrations come from.
#[derive(Clone)]
enum Source {
    /// Only the hub.
    None,
    /// A watch (the controller).
    Watched(Store<Secret>),
    /// Read once (a command).
    Listed(Arc<Vec<Secret>>),
}

/// Member clients by name, with the registration's resourceVersion they
/// were made from.
type Members = HashMap<String, (String, Arc<ClusterClient>)>;

/// The clusters roam delivers to: the hub (`local`) and the members
/// registered as Secrets ([`crate::registration`]), watched. A member's
/// client is made on first use and replaced when its registration changes.
#[derive(Clone)]
pub struct Clusters {
    local: Arc<ClusterClient>,
    registrations: Source,
    /// Namespaces whose registrations count, in precedence order.
    namespaces: Vec<String>,
    members: Arc<RwLock<Members>>,
}

impl Clusters {
    /// Only the hub: no registrations are watched.
    pub fn new(local: Client) -> Clusters {
        Clusters {
            local: Arc::new(ClusterClient::new(LOCAL, local)),
            registrations: Source::None,
            namespaces: Vec::new(),
            members: Arc::default(),
        }
    }

    /// The hub and the registrations in `namespaces` (first wins for a
    /// name), watched by a task on the current runtime. Returns once the
    /// first list arrived, or after a few seconds if it cannot be listed
    /// (members are then unknown until it can).
    pub async fn watch(local: Client, namespaces: &[&str]) -> Clusters {
        let api: Api<Secret> = Api::all(local.clone());
        let writer = reflector::store::Writer::<Secret>::default();
        let reader = writer.as_reader();
        let stream = reflector::reflector(
            writer,
            watcher(
                api,
                watcher::Config::default().labels(roam_api::labels::CLUSTER_CREDENTIAL_TYPE),
            ),
        )
        .default_backoff();
        tokio::spawn(async move {
            futures_util::pin_mut!(stream);
            while let Some(ev) = futures_util::StreamExt::next(&mut stream).await {
                if let Err(e) = ev {
                    tracing::debug!(error = %e, "cluster registrations watch");
                }
            }
        });
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), reader.wait_until_ready())
            .await;
        Clusters {
            local: Arc::new(ClusterClient::new(LOCAL, local)),
            registrations: Source::Watched(reader),
            namespaces: namespaces.iter().map(|n| n.to_string()).collect(),
            members: Arc::default(),
        }
    }

    /// The hub and the registrations in `namespaces` as they are now (for a
    /// command that runs once).
    pub async fn listed(local: Client, namespaces: &[&str]) -> Result<Clusters, kube::Error> {
        let mut secrets = Vec::new();
        for ns in namespaces {
            let api: Api<Secret> = Api::namespaced(local.clone(), ns);
            let lp =
                kube::api::ListParams::default().labels(roam_api::labels::CLUSTER_CREDENTIAL_TYPE);
            secrets.extend(api.list(&lp).await?.items);
        }
        Ok(Clusters {
            local: Arc::new(ClusterClient::new(LOCAL, local)),
            registrations: Source::Listed(Arc::new(secrets)),
            namespaces: namespaces.iter().map(|n| n.to_string()).collect(),
            members: Arc::default(),
        })
    }

    /// The registered members (not the hub), by name; a registration that
    /// cannot be read is an `Err` naming what is wrong.
    pub fn registrations(&self) -> BTreeMap<String, Result<Registration, String>> {
        match &self.registrations {
            Source::Watched(store) => {
                let secrets = store.state();
                crate::registration::from_secrets(secrets.iter().map(|s| &**s), &self.namespaces)
            }
            Source::Listed(secrets) => {
                crate::registration::from_secrets(secrets.iter(), &self.namespaces)
            }
            Source::None => BTreeMap::new(),
        }
    }

    /// The client of a cluster (`""` is the hub).
    pub async fn get(&self, name: &str) -> Result<Arc<ClusterClient>, DispatchError> {
        if name.is_empty() || name == LOCAL {
            return Ok(self.local.clone());
        }
        let reg = match self.registrations().remove(name) {
            Some(Ok(r)) => r,
            Some(Err(m)) => return Err(DispatchError::BadRegistration(m)),
            None => return Err(DispatchError::UnknownCluster(name.into())),
        };
        if let Some((rv, c)) = self
            .members
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(name)
            && *rv == reg.resource_version
        {
            return Ok(c.clone());
        }
        let client = reg.client().await.map_err(DispatchError::BadRegistration)?;
        let mut c = ClusterClient::new(name, client);
        c.version = reg.version.clone();
        let c = Arc::new(c);
        self.members
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name.to_string(), (reg.resource_version, c.clone()));
        Ok(c)
    }

    pub fn local(&self) -> &Arc<ClusterClient> {
        &self.local
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflict_causes_name_the_managers() {
        let s: kube::core::Status = serde_json::from_value(serde_json::json!({
            "status": "Failure", "code": 409, "reason": "Conflict",
            "message": "Apply failed with 1 conflict: conflict with \"kubectl-edit\" using apps/v1: .spec.replicas",
            "details": {"causes": [{"reason": "FieldManagerConflict", "message": "conflict with \"kubectl-edit\" using apps/v1", "field": ".spec.replicas"}]}
        }))
        .unwrap();
        let (m, f) = conflict_causes(&s);
        assert_eq!(m, vec!["kubectl-edit"]);
        assert_eq!(f, vec![".spec.replicas"]);
    }

    #[test]
    fn keys_print_like_kubectl() {
        let k = ObjectKey::of(
            LOCAL,
            &serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}}),
        );
        assert_eq!(k.to_string(), "Deployment prod/web");
        assert_eq!(k.group_key().1, "apps");
    }
}
