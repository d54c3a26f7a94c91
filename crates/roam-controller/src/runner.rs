//! Running the controller: watches, leader election, concurrency.

use std::future::Future;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::batch::v1::Job;
use kube::api::Api;
use kube::runtime::controller::{self, Controller};
use kube::runtime::reflector::{self, ObjectRef};
use kube::runtime::{WatchStreamExt, predicates, watcher};
use kube::{Client, Resource};
use roam_api::Application;
use roam_render::ClusterVersion;
use tokio::sync::watch;

use crate::defs::Definitions;
use crate::leader::LeaseConfig;
use crate::metrics::Metrics;
use crate::reconcile::{Ctx, error_policy, reconcile};

/// Controller settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// Apps reconciled at once.
    pub concurrency: u16,
    /// How often an app that is running is checked for drift (KubeVela's
    /// `application-re-sync-period`).
    pub state_keep_interval: Duration,
    /// The longest an app waits before it is looked at again when nothing
    /// wakes it (a definition it lacks, a render error).
    pub resync: Duration,
    /// ApplicationRevisions kept per app.
    pub revision_limit: usize,
    /// Namespace of system definitions.
    pub system_namespace: String,
    /// Render with roam's built-in definitions beneath the cluster's.
    pub builtin_fallback: bool,
    /// `context.clusterVersion` of the hub.
    pub cluster_version: ClusterVersion,
    /// Lease for leader election (`None`: act without one).
    pub leader_election: Option<LeaseConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            concurrency: 4,
            state_keep_interval: Duration::from_secs(300),
            resync: Duration::from_secs(300),
            revision_limit: 10,
            system_namespace: roam_api::labels::SYSTEM_NAMESPACE.into(),
            builtin_fallback: true,
            cluster_version: ClusterVersion::default(),
            leader_election: None,
        }
    }
}

/// Why the controller cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(
        "the cluster does not serve core.oam.dev/v1beta1 {0}; install roam's CRDs first: roam install"
    )]
    MissingCrd(String),
    #[error("cannot reach the cluster: {0}")]
    Cluster(#[from] kube::Error),
}

/// Checks that roam's CRDs are served.
pub async fn check_crds(client: &Client) -> Result<(), StartError> {
    let list = client
        .list_api_group_resources(&format!("{}/v1beta1", roam_api::GROUP))
        .await;
    let served: Vec<String> = match list {
        Ok(l) => l.resources.into_iter().map(|r| r.kind).collect(),
        Err(kube::Error::Api(s)) if s.code == 404 => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    for kind in [
        "Application",
        "ApplicationRevision",
        "ResourceTracker",
        "ComponentDefinition",
        "TraitDefinition",
        "PolicyDefinition",
        "WorkflowStepDefinition",
        "WorkloadDefinition",
    ] {
        if !served.iter().any(|k| k == kind) {
            return Err(StartError::MissingCrd(kind.into()));
        }
    }
    Ok(())
}

/// What changes of an Application wake its reconcile: spec (generation),
/// labels (pause), annotations (publishVersion, intervals), finalizers,
/// deletion, and the workflow controls `roam workflow` writes into the
/// status (suspend, terminate, restart). Other status writes (roam's own)
/// do not.
fn wake(app: &Application) -> Option<u64> {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    predicates::generation(app).hash(&mut h);
    predicates::labels(app).hash(&mut h);
    predicates::annotations(app).hash(&mut h);
    predicates::finalizers(app).hash(&mut h);
    app.meta().deletion_timestamp.is_some().hash(&mut h);
    let wf = app.status.as_ref().and_then(|s| s.workflow.as_ref());
    wf.map(|w| (w.suspend, w.terminated, w.finished))
        .hash(&mut h);
    Some(h.finish())
}

/// Runs the controller until `shutdown` completes.
pub async fn run(
    client: Client,
    config: Config,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()> + Send + Sync + 'static,
) -> Result<(), StartError> {
    check_crds(&client).await?;
    // Leader election: act only while leading.
    let (lead_tx, mut lead_rx) = watch::channel(config.leader_election.is_none());
    // Without an election the sender stays here, so leading never ends.
    let mut _keep = None;
    let election = match config.leader_election.clone() {
        Some(cfg) => Some(tokio::spawn(crate::leader::run(
            client.clone(),
            cfg,
            lead_tx,
        ))),
        None => {
            _keep = Some(lead_tx);
            None
        }
    };
    let shutdown = futures_util::FutureExt::shared(Box::pin(shutdown));
    loop {
        // Wait to lead.
        while !*lead_rx.borrow() {
            tokio::select! {
                r = lead_rx.changed() => if r.is_err() { return Ok(()) },
                _ = shutdown.clone() => return Ok(()),
            }
        }
        tracing::info!("controller acting");
        let lost = {
            let mut rx = lead_rx.clone();
            async move {
                while *rx.borrow() {
                    if rx.changed().await.is_err() {
                        break;
                    }
                }
            }
        };
        let stop = {
            let shutdown = shutdown.clone();
            async move {
                tokio::select! {
                    _ = lost => {},
                    _ = shutdown => {},
                }
            }
        };
        run_once(client.clone(), config.clone(), metrics.clone(), stop).await;
        if futures_util::FutureExt::now_or_never(shutdown.clone()).is_some() {
            break;
        }
        tracing::warn!("lost leadership; stopped acting");
    }
    if let (Some(task), Some(cfg)) = (election, &config.leader_election) {
        task.abort();
        crate::leader::release(&client, cfg).await;
    }
    Ok(())
}

async fn run_once(
    client: Client,
    config: Config,
    metrics: Arc<Metrics>,
    stop: impl Future<Output = ()> + Send + Sync + 'static,
) {
    let defs = Arc::new(
        Definitions::watch(
            client.clone(),
            &config.system_namespace,
            config.builtin_fallback,
        )
        .await,
    );
    let mut ctx = Ctx::new(client.clone(), defs.clone(), metrics, config.clone());
    ctx.clusters = crate::cluster::Clusters::watch(
        client.clone(),
        &[
            crate::registration::REGISTRY_NAMESPACE,
            &config.system_namespace,
        ],
    )
    .await;
    let ctx = Arc::new(ctx);
    let apps: Api<Application> = Api::all(client.clone());
    let writer = reflector::store::Writer::<Application>::default();
    let reader = writer.as_reader();
    let stream = reflector::reflector(
        writer,
        watcher(apps, watcher::Config::default().any_semantic()),
    )
    .default_backoff()
    .touched_objects()
    .predicate_filter(wake, Default::default());
    // A definition change may change any app: reconcile all (debounced).
    let mut changes = defs.changes();
    let all = async_stream(move |tx: tokio::sync::mpsc::Sender<()>| async move {
        let _ = changes.borrow_and_update();
        while changes.changed().await.is_ok() {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let _ = changes.borrow_and_update();
            if tx.send(()).await.is_err() {
                break;
            }
        }
    });
    let workload_watch = || {
        watcher::Config::default()
            .labels(roam_api::labels::APP_NAME)
            .any_semantic()
    };
    // Workloads in member clusters wake their apps too.
    let (member_tx, mut member_rx) = tokio::sync::mpsc::channel(1024);
    let members = AbortOnDrop(tokio::spawn(member_workloads(
        ctx.clusters.clone(),
        member_tx,
    )));
    let member_events = futures_util::stream::poll_fn(move |cx| member_rx.poll_recv(cx));
    Controller::for_stream(stream, reader)
        .with_config(controller::Config::default().concurrency(config.concurrency))
        .reconcile_on(member_events)
        // A workload's status changing (becoming ready) wakes its app at
        // once; the workflow backoff is only the fallback.
        .watches(
            Api::<Deployment>::all(client.clone()),
            workload_watch(),
            owning_app,
        )
        .watches(
            Api::<StatefulSet>::all(client.clone()),
            workload_watch(),
            owning_app,
        )
        .watches(
            Api::<DaemonSet>::all(client.clone()),
            workload_watch(),
            owning_app,
        )
        .watches(
            Api::<Job>::all(client.clone()),
            workload_watch(),
            owning_app,
        )
        .reconcile_all_on(all)
        .graceful_shutdown_on(stop)
        .run(reconcile, error_policy, ctx)
        .for_each(|r| async move {
            if let Err(e) = r {
                tracing::debug!(error = %e, "controller");
            }
        })
        .await;
    drop(members);
}

/// A task aborted when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Watches the workloads of every registered member cluster (as the hub's
/// are watched), so a workload becoming ready there wakes its app at once.
/// Members are looked at every two seconds; a new or changed registration
/// gets new watches, a removed one loses them.
async fn member_workloads(
    clusters: crate::cluster::Clusters,
    tx: tokio::sync::mpsc::Sender<ObjectRef<Application>>,
) {
    let mut running: std::collections::HashMap<String, (String, Vec<AbortOnDrop>)> =
        Default::default();
    loop {
        let regs = clusters.registrations();
        running.retain(|name, (rv, _)| {
            regs.get(name)
                .and_then(|r| r.as_ref().ok())
                .is_some_and(|r| r.resource_version == *rv)
        });
        for (name, r) in &regs {
            let Ok(r) = r else { continue };
            if running.contains_key(name) {
                continue;
            }
            let Ok(c) = clusters.get(name).await else {
                continue;
            };
            let tasks = vec![
                watch_workloads::<Deployment>(c.client.clone(), tx.clone()),
                watch_workloads::<StatefulSet>(c.client.clone(), tx.clone()),
                watch_workloads::<DaemonSet>(c.client.clone(), tx.clone()),
                watch_workloads::<Job>(c.client.clone(), tx.clone()),
            ];
            running.insert(name.clone(), (r.resource_version.clone(), tasks));
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

fn watch_workloads<K>(
    client: Client,
    tx: tokio::sync::mpsc::Sender<ObjectRef<Application>>,
) -> AbortOnDrop
where
    K: Resource<DynamicType = ()>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug
        + Send
        + 'static,
{
    AbortOnDrop(tokio::spawn(async move {
        let stream = watcher(
            Api::<K>::all(client),
            watcher::Config::default()
                .labels(roam_api::labels::APP_NAME)
                .any_semantic(),
        )
        .default_backoff()
        .touched_objects();
        futures_util::pin_mut!(stream);
        while let Some(ev) = stream.next().await {
            match ev {
                Ok(obj) => {
                    if let Some(app) = owning_app(obj)
                        && tx.send(app).await.is_err()
                    {
                        return;
                    }
                }
                Err(e) => tracing::debug!(error = %e, "member workload watch"),
            }
        }
    }))
}

/// The app an object was applied for (by the OAM labels).
fn owning_app<K: Resource>(obj: K) -> Option<ObjectRef<Application>> {
    let labels = obj.meta().labels.as_ref()?;
    let name = labels.get(roam_api::labels::APP_NAME)?;
    let ns = labels.get(roam_api::labels::APP_NAMESPACE)?;
    Some(ObjectRef::new(name).within(ns))
}

/// A stream fed by a task.
fn async_stream<F, Fut>(f: F) -> impl futures_util::Stream<Item = ()> + Send + 'static
where
    F: FnOnce(tokio::sync::mpsc::Sender<()>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let (tx, mut rx) = tokio::sync::mpsc::channel(1);
    tokio::spawn(f(tx));
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}
