//! Definitions as the cluster has them, watched, and turned into a
//! [`Registry`] per application namespace.
//!
//! Lookup order is KubeVela's: the application's namespace first, then the
//! system namespace (`vela-system`); beneath both, roam's built-in
//! definitions embedded in the binary (so `roam local` works before
//! `roam install`). A definition object that cannot be read is kept as a
//! broken entry: an app using it gets that error, not "unknown type".

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::StreamExt;
use kube::api::{Api, DynamicObject};
use kube::discovery::ApiResource;
use kube::runtime::reflector::{self, Store};
use kube::runtime::{WatchStreamExt, watcher};
use roam_render::{DefKind, DefSource, Definition, Registry};
use tokio::sync::watch;

/// The resource of a definition kind.
pub fn api_resource(kind: DefKind) -> ApiResource {
    let plural = match kind {
        DefKind::Component => "componentdefinitions",
        DefKind::Trait => "traitdefinitions",
        DefKind::Policy => "policydefinitions",
        DefKind::WorkflowStep => "workflowstepdefinitions",
        DefKind::Workload => "workloaddefinitions",
    };
    ApiResource {
        group: roam_api::GROUP.into(),
        version: "v1beta1".into(),
        api_version: format!("{}/v1beta1", roam_api::GROUP),
        kind: kind.object_kind().into(),
        plural: plural.into(),
    }
}

/// Definition objects that could not be read: (kind, namespace, name) → why.
type Broken = BTreeMap<(DefKind, String, String), String>;

/// Watched definitions.
pub struct Definitions {
    stores: Vec<(DefKind, Store<DynamicObject>)>,
    system_namespace: String,
    builtin_fallback: bool,
    /// Bumped on every change of any definition.
    version: Arc<AtomicU64>,
    changed: watch::Receiver<u64>,
    cache: Mutex<HashMap<String, (u64, Arc<Registry>)>>,
    broken: Mutex<Broken>,
}

impl Definitions {
    /// Starts watching every definition kind; returns once the first list
    /// of each has arrived. The watches run as tasks on the current runtime.
    pub async fn watch(
        client: kube::Client,
        system_namespace: &str,
        builtin_fallback: bool,
    ) -> Definitions {
        let version = Arc::new(AtomicU64::new(1));
        let (tx, rx) = watch::channel(1u64);
        let tx = Arc::new(tx);
        let mut stores = Vec::new();
        for kind in DefKind::ALL {
            let ar = api_resource(kind);
            let api: Api<DynamicObject> = Api::all_with(client.clone(), &ar);
            let writer = reflector::store::Writer::new(ar);
            let reader = writer.as_reader();
            let stream = reflector::reflector(
                writer,
                watcher(api, watcher::Config::default().any_semantic()),
            )
            .default_backoff();
            let version = version.clone();
            let tx = tx.clone();
            tokio::spawn(async move {
                futures_util::pin_mut!(stream);
                while let Some(ev) = stream.next().await {
                    tracing::debug!(kind = %kind, ok = ev.is_ok(), "definition event");
                    match ev {
                        Ok(watcher::Event::Apply(_) | watcher::Event::Delete(_))
                        | Ok(watcher::Event::InitDone) => {
                            let v = version.fetch_add(1, Ordering::AcqRel) + 1;
                            let _ = tx.send(v);
                        }
                        Ok(_) => {}
                        Err(e) => {
                            tracing::warn!(kind = %kind, error = %e, "watching definitions");
                        }
                    }
                }
            });
            stores.push((kind, reader));
        }
        for (kind, s) in &stores {
            let _ = s.wait_until_ready().await;
            tracing::debug!(kind = %kind, "definitions listed");
        }
        Definitions {
            stores,
            system_namespace: system_namespace.into(),
            builtin_fallback,
            version,
            changed: rx,
            cache: Mutex::new(HashMap::new()),
            broken: Mutex::new(BTreeMap::new()),
        }
    }

    /// A channel that changes whenever any definition changes.
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.changed.clone()
    }

    /// The current version (changes whenever any definition does).
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::Acquire)
    }

    /// The registry an application in `namespace` renders with.
    pub fn registry_for(&self, namespace: &str) -> Arc<Registry> {
        let v = self.version();
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((cv, r)) = cache.get(namespace)
            && *cv == v
        {
            return r.clone();
        }
        let mut app_ns = Registry::new();
        let mut system = Registry::new();
        let mut broken = BTreeMap::new();
        for (kind, store) in &self.stores {
            for obj in store.state() {
                let ns = obj.metadata.namespace.clone().unwrap_or_default();
                let target = if ns == namespace {
                    &mut app_ns
                } else if ns == self.system_namespace {
                    &mut system
                } else {
                    continue;
                };
                let name = obj.metadata.name.clone().unwrap_or_default();
                let value = match serde_json::to_value(obj.as_ref()) {
                    Ok(v) => v,
                    Err(_) => continue,
                };
                match Definition::from_object(value, DefSource::Cluster(format!("{ns}/{name}"))) {
                    Ok(d) => target.insert(d),
                    Err(e) => {
                        broken.insert((*kind, ns, name), e.to_string());
                    }
                }
            }
        }
        let mut r = app_ns.layered_over(&system);
        if self.builtin_fallback {
            r = r.layered_over(Registry::builtin());
        }
        let r = Arc::new(r);
        if cache.len() > 1024 {
            cache.clear();
        }
        cache.insert(namespace.to_string(), (v, r.clone()));
        *self.broken.lock().unwrap_or_else(|e| e.into_inner()) = broken;
        r
    }

    /// Why a definition object in the cluster could not be read, if it
    /// could not (for an app that uses it).
    pub fn broken(&self, kind: DefKind, namespace: &str, name: &str) -> Option<String> {
        let b = self.broken.lock().unwrap_or_else(|e| e.into_inner());
        [namespace, self.system_namespace.as_str()]
            .iter()
            .find_map(|ns| b.get(&(kind, ns.to_string(), name.to_string())).cloned())
    }
}
