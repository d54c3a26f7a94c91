//! One reconcile of one Application: the pipeline of the crate docs.
//!
//! Nothing is applied unless every component renders. Objects are recorded
//! in the current ResourceTracker before they are applied, and their record
//! dropped only after they are deleted (see [`crate::tracker`]). An object
//! the app does not own (exists without the app's labels and in none of its
//! trackers) is never overwritten; a field of an object the app owns that
//! another manager changed is drift: taken back and reported.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams};
use kube::runtime::controller::Action;
use kube::runtime::events::{Event, EventType, Recorder};
use kube::{Client, Resource, ResourceExt};
use roam_api::labels as L;
use roam_api::{
    AppPolicy, AppStatus, Application, ApplicationComponent, ApplicationComponentStatus,
    ApplicationPhase, ApplicationRevision, ApplicationTraitStatus, ClusterObjectReference,
    DriftField, DriftReport, GroupVersionKindRef, ManagedResource, ResourceTracker, WorkflowStep,
};
use roam_render::health::{HealthInput, evaluate_health};
use roam_render::render::{ErrorKind, Origin, RenderError, RenderErrors, RenderedComponent};
use roam_render::{DefKind, Registry, Renderer, Target, TemplateCache};
use serde_json::{Map, Value, json};

use crate::cluster::{ClusterClient, Clusters, DispatchError, LOCAL, ObjectKey};
use crate::defs::Definitions;
use crate::metrics::Metrics;
use crate::policies::{GcStrategy, Moment, ResourcePolicies};
use crate::runner::Config;
use crate::status::{self, set_condition};
use crate::tracker::{self, Trackers};
use crate::{FINALIZER, LABEL_PAUSE, drift, revision};

/// Finalizer: delete the app but keep what it created.
pub const FINALIZER_ORPHAN: &str = "app.oam.dev/orphan-resource";

/// Shared state of the reconcilers.
pub struct Ctx {
    pub client: Client,
    pub clusters: Clusters,
    pub defs: Arc<Definitions>,
    pub cache: TemplateCache,
    pub metrics: Arc<Metrics>,
    pub config: Config,
    pub recorder: Recorder,
    /// Compiled workflow step templates, shared by all apps.
    pub step_templates: roam_workflow::Templates,
    /// Per app: how many times in a row it waited (for the backoff).
    waits: Mutex<HashMap<String, u32>>,
    /// Per app: when state-keep last ran.
    kept: Mutex<HashMap<String, Instant>>,
    /// Per app: the workflow steps' backoff exponents (kept in memory, not
    /// in the context ConfigMap: losing them costs a few quick retries, and
    /// writing them would cost a write per waiting reconcile).
    step_backoff: Mutex<HashMap<String, BTreeMap<String, u32>>>,
}

impl Ctx {
    pub fn new(
        client: Client,
        defs: Arc<Definitions>,
        metrics: Arc<Metrics>,
        config: Config,
    ) -> Ctx {
        let recorder = Recorder::new(
            client.clone(),
            kube::runtime::events::Reporter {
                controller: "roam".into(),
                instance: None,
            },
        );
        Ctx {
            step_templates: roam_workflow::Templates::new(),
            clusters: Clusters::new(client.clone()),
            client,
            defs,
            cache: TemplateCache::new(),
            metrics,
            config,
            recorder,
            waits: Mutex::new(HashMap::new()),
            kept: Mutex::new(HashMap::new()),
            step_backoff: Mutex::new(HashMap::new()),
        }
    }

    fn next_wait(&self, key: &str) -> Duration {
        let mut w = self.waits.lock().unwrap_or_else(|e| e.into_inner());
        let n = w.entry(key.to_string()).or_insert(0);
        *n += 1;
        roam_workflow::wait_backoff(*n)
    }

    fn reset_wait(&self, key: &str) {
        self.waits
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }

    fn forget(&self, key: &str) {
        self.reset_wait(key);
        self.step_backoff
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
        self.kept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
        self.metrics.phase(key, None);
    }
}

/// A reconcile that could not finish (retried with backoff).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Error(pub String);

impl From<kube::Error> for Error {
    fn from(e: kube::Error) -> Self {
        Error(e.to_string())
    }
}

impl From<DispatchError> for Error {
    fn from(e: DispatchError) -> Self {
        Error(e.to_string())
    }
}

/// The retry interval after an error.
pub fn error_policy(app: Arc<Application>, err: &Error, ctx: Arc<Ctx>) -> Action {
    ctx.metrics.errors.inc();
    let key = app_key(&app);
    tracing::warn!(app = %key, error = %err, "reconcile failed; retrying");
    Action::requeue(ctx.next_wait(&key))
}

fn app_key(app: &Application) -> String {
    format!(
        "{}/{}",
        app.namespace().unwrap_or_else(|| "default".into()),
        app.name_any()
    )
}

/// Reconciles one app.
pub async fn reconcile(app: Arc<Application>, ctx: Arc<Ctx>) -> Result<Action, Error> {
    let started = Instant::now();
    ctx.metrics.started();
    let key = app_key(&app);
    let span = tracing::info_span!("reconcile", app = %key);
    let r = tracing::Instrument::instrument(reconcile_inner(&app, &ctx, &key), span).await;
    ctx.metrics.ended();
    ctx.metrics.stage("total", started.elapsed());
    r
}

async fn reconcile_inner(app: &Application, ctx: &Ctx, key: &str) -> Result<Action, Error> {
    if app.labels().get(LABEL_PAUSE).map(String::as_str) == Some("true") {
        tracing::debug!(app = %key, "paused");
        return Ok(Action::await_change());
    }
    if app.metadata.deletion_timestamp.is_some() {
        return finalize(app, ctx, key).await;
    }
    let name = app.name_any();
    let ns = app.namespace().unwrap_or_else(|| "default".into());
    let apps: Api<Application> = Api::namespaced(ctx.client.clone(), &ns);
    let mut rv = app.resource_version();
    // Metadata first, in one patch on the cached resourceVersion (the
    // status written after it goes on the resulting one): the finalizer if
    // missing, and `app.oam.dev/restart-workflow: "true"`, a one-off
    // request, taken by removing the annotation before the run.
    let restart_requested = app
        .annotations()
        .get(L::ANNO_RESTART_WORKFLOW)
        .is_some_and(|a| a.trim().eq_ignore_ascii_case("true"));
    let mut meta = serde_json::Map::new();
    if !app.finalizers().iter().any(|f| f == FINALIZER) {
        let mut fins = app.finalizers().to_vec();
        fins.push(FINALIZER.into());
        meta.insert("finalizers".into(), json!(fins));
    }
    if restart_requested {
        meta.insert(
            "annotations".into(),
            json!({L::ANNO_RESTART_WORKFLOW: null}),
        );
    }
    if !meta.is_empty() {
        meta.insert("resourceVersion".into(), json!(rv));
        let p = json!({ "metadata": meta });
        match apps
            .patch(&name, &PatchParams::default(), &Patch::Merge(&p))
            .await
        {
            Ok(a) => rv = a.resource_version(),
            // Changed since the cached copy: the newer one is on its way.
            Err(kube::Error::Api(s)) if s.code == 409 => {
                return Ok(Action::requeue(Duration::from_millis(200)));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let old = app.status.clone().unwrap_or_default();
    let mut st = old.clone();
    st.observed_generation = app.metadata.generation;
    let action = pipeline(app, ctx, key, &ns, &mut st, restart_requested).await;
    let action = match action {
        Ok(a) => a,
        Err(e) => {
            // Say what failed in the status too, then retry.
            set_condition(&mut st, status::READY, false, "ReconcileError", &e.0);
            write_status(&apps, &name, rv.as_deref(), &old, &st).await?;
            return Err(e);
        }
    };
    let t = Instant::now();
    let written = write_status(&apps, &name, rv.as_deref(), &old, &st).await?;
    ctx.metrics.stage("status", t.elapsed());
    if !written {
        // The status was computed from a cached copy older than the
        // object: writing it could undo a newer status. Look again.
        return Ok(Action::requeue(Duration::from_millis(200)));
    }
    if let Some(p) = st.status {
        ctx.metrics.phase(key, Some(p.as_str()));
    }
    Ok(action)
}

/// Writes the status change, on condition that the app is still at
/// `resource_version` (the copy the status was computed from). `Ok(false)`:
/// the app changed meanwhile and nothing was written.
async fn write_status(
    apps: &Api<Application>,
    name: &str,
    resource_version: Option<&str>,
    old: &AppStatus,
    new: &AppStatus,
) -> Result<bool, Error> {
    if old == new {
        return Ok(true);
    }
    let mut p = status::merge_patch(old, new);
    if let Some(rv) = resource_version {
        p["metadata"] = json!({"resourceVersion": rv});
    }
    match apps
        .patch_status(name, &PatchParams::default(), &Patch::Merge(&p))
        .await
    {
        Ok(_) => Ok(true),
        // Deleted meanwhile: nothing to report to.
        Err(kube::Error::Api(s)) if s.code == 404 => Ok(true),
        Err(kube::Error::Api(s)) if s.code == 409 => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// One delivery: components of an app variant (overrides applied) to a
/// cluster and namespace.
pub(crate) struct Delivery {
    pub app: Application,
    pub cluster: String,
    pub namespace: Option<String>,
    /// `context.replicaKey` (replication policy; `""` otherwise).
    pub replica_key: String,
    /// Component indices, in dependency order.
    pub components: Vec<usize>,
}

/// A component as delivered: its health.
struct Delivered {
    status: ApplicationComponentStatus,
    /// `{output: <live workload>, outputs: {<name>: <live object>}}`, what
    /// a step's `outputs[].valueFrom` reads.
    live: Value,
}

/// Which rendered object a live one is.
#[derive(Clone)]
struct RenderedObjectRef {
    origin: Option<Origin>,
    object: Value,
}

/// What a step did this pass.
pub(crate) enum Outcome {
    Succeeded,
    Running(String),
    Failed(String),
}

async fn pipeline(
    app: &Application,
    ctx: &Ctx,
    key: &str,
    ns: &str,
    st: &mut AppStatus,
    restart_requested: bool,
) -> Result<Action, Error> {
    let name = app.name_any();
    // Parse: every type must be known.
    let t = Instant::now();
    let registry = ctx.defs.registry_for(ns);
    if let Err(msg) = parse(app, &registry, &ctx.defs, ns) {
        set_condition(st, status::PARSED, false, "ParseError", &msg);
        set_condition(st, status::READY, false, "ParseError", &msg);
        st.status = Some(ApplicationPhase::Rendering);
        // A definition arriving wakes every app; until then, wait.
        return Ok(Action::requeue(ctx.config.resync));
    }
    if let Err(msg) = crate::policies::ResourcePolicies::of(app) {
        let msg = format!("application {name}: {msg}");
        set_condition(st, status::PARSED, false, "ParseError", &msg);
        set_condition(st, status::READY, false, "ParseError", &msg);
        st.status = Some(ApplicationPhase::Rendering);
        return Ok(Action::requeue(ctx.config.resync));
    }
    set_condition(st, status::PARSED, true, "Parsed", "");
    ctx.metrics.stage("parse", t.elapsed());

    // Revision.
    let t = Instant::now();
    let used = revision::used_definitions(app, &registry);
    let hash = revision::revision_hash(app, &used);
    let (rev, created) =
        revision::ensure(&ctx.client, app, &hash, &used, ctx.config.revision_limit).await?;
    if created {
        tracing::info!(app = %key, revision = %rev.name, "new revision");
        publish(
            ctx,
            app,
            EventType::Normal,
            "Revised",
            &format!("created {}", rev.name),
        )
        .await;
    }
    set_condition(st, status::REVISION, true, "Revisioned", &rev.name);
    st.latest_revision = Some(rev.clone());
    ctx.metrics.stage("revision", t.elapsed());

    // The workflow's steps: explicit, from a referenced Workflow, or generated.
    let referenced = match referenced_steps(ctx, app, ns).await? {
        Ok(r) => r,
        Err(msg) => {
            set_condition(st, status::PARSED, false, "ParseError", &msg);
            set_condition(st, status::READY, false, "ParseError", &msg);
            st.status = Some(ApplicationPhase::Rendering);
            return Ok(Action::requeue(ctx.config.resync));
        }
    };
    let spec = roam_workflow::Spec::of(app, referenced.as_deref());
    let problems = roam_workflow::validate(&spec, &registry, &app.spec.components);
    if !problems.is_empty() {
        let msg = format!(
            "application {name}: the workflow cannot run:\n{}",
            problems
                .iter()
                .map(|p| format!("  {p}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        set_condition(st, status::PARSED, false, "ParseError", &msg);
        set_condition(st, status::READY, false, "ParseError", &msg);
        st.status = Some(ApplicationPhase::Rendering);
        return Ok(Action::requeue(ctx.config.resync));
    }

    // Render every component of every delivery step (components fed by
    // `inputs` are rendered when their inputs exist): nothing is applied
    // unless everything renders.
    let t = Instant::now();
    let target = Target {
        app_revision: rev.name.clone(),
        app_revision_num: rev.revision,
        cluster_version: ctx.config.cluster_version.clone(),
        ..Target::default()
    };
    let renderer = Renderer::new(&registry, &ctx.cache);
    let mut deliveries: Vec<(String, Result<Delivery, String>)> = Vec::new();
    let mut prerendered: HashMap<(usize, usize), RenderedComponent> = HashMap::new();
    let mut errors: Vec<RenderError> = Vec::new();
    for step in delivery_steps(&spec.steps) {
        let ds = match delivery_of(app, step, &ctx.clusters) {
            Ok(ds) => ds.into_iter().map(Ok).collect(),
            Err(m) => vec![Err(m)],
        };
        for d in ds {
            if let Ok(d) = &d {
                let di = deliveries.len();
                let target = placement_target(ctx, &target, d);
                let namespace = target.namespace.clone().unwrap_or_else(|| ns.to_string());
                for &ci in &d.components {
                    let comp = &d.app.spec.components[ci];
                    if !comp.inputs.is_empty() {
                        continue;
                    }
                    let r0 = Instant::now();
                    match renderer.render_component(&d.app, ci, comp, &namespace, &target) {
                        Ok(r) => {
                            prerendered.insert((di, ci), r);
                        }
                        Err(e) => {
                            if !errors.contains(&e) {
                                errors.push(*e);
                            }
                        }
                    }
                    ctx.metrics.render(r0.elapsed());
                }
            }
            deliveries.push((step.name.clone(), d));
        }
    }
    ctx.metrics.stage("render", t.elapsed());
    if !errors.is_empty() {
        let msg = RenderErrors(errors).to_string();
        set_condition(st, status::RENDER, false, "RenderError", &msg);
        set_condition(st, status::READY, false, "RenderError", &msg);
        st.status = Some(ApplicationPhase::Rendering);
        return Ok(Action::requeue(ctx.config.resync));
    }
    set_condition(st, status::RENDER, true, "Rendered", "");

    // Workflow: restart on a new revision (or when the status was cleared
    // by `roam workflow restart`).
    let t = Instant::now();
    let now = jiff::Timestamp::now();
    let context_store = crate::provider::ContextStore::new(&ctx.client, ns, &name);
    let loaded = context_store.load().await?;
    // Scheduled restarts: the annotation, or a restart-workflow step's request.
    let mut restart_wait: Option<Duration> = None;
    let mut restart_now = restart_requested;
    if let Some(w) = st.workflow.as_ref().filter(|w| w.app_revision == rev.name) {
        let anno = app
            .annotations()
            .get(L::ANNO_RESTART_WORKFLOW)
            .filter(|a| !a.trim().eq_ignore_ascii_case("true"))
            .cloned();
        let requested = anno.clone().or_else(|| {
            let v = loaded.as_ref()?.var("restartWorkflow")?;
            ["at", "after", "every"]
                .iter()
                .find_map(|k| v.get(*k).and_then(Value::as_str).map(str::to_string))
        });
        if let Some(v) = requested {
            match roam_workflow::scheduled_restart(&v, w, now) {
                Ok(roam_workflow::Restart::Now) => restart_now = true,
                Ok(roam_workflow::Restart::At(t)) => {
                    restart_wait = Some(
                        Duration::try_from(t.duration_since(now))
                            .unwrap_or_default()
                            .max(Duration::from_secs(1)),
                    );
                }
                Ok(roam_workflow::Restart::No) => {}
                Err(m) => {
                    publish(
                        ctx,
                        app,
                        EventType::Warning,
                        "BadRestartSchedule",
                        &format!("{}: {m}", L::ANNO_RESTART_WORKFLOW),
                    )
                    .await;
                }
            }
        }
    }
    let bound = |d: Duration| restart_wait.map_or(d, |r| d.min(r));
    let restart = restart_now
        || st
            .workflow
            .as_ref()
            .is_none_or(|w| w.app_revision != rev.name || w.mode != spec.mode());
    let mut wf_ctx = if restart {
        // From scratch: a context left by the previous run is emptied below.
        ctx.reset_wait(key);
        ctx.step_backoff
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
        st.workflow = Some(roam_workflow::fresh_status(&spec, &rev.name, now));
        roam_workflow::ContextData::default()
    } else {
        loaded.clone().unwrap_or_default()
    };
    let publish_version = app.annotations().get(L::ANNO_PUBLISH_VERSION).cloned();
    let generation = app.metadata.generation.unwrap_or(1);
    let trackers = Trackers::load(
        &ctx.client,
        &name,
        ns,
        &tracker::versioned_name(&name, ns, generation, publish_version.as_deref()),
        generation,
        &rev.name,
        generation <= 1 && publish_version.is_none(),
    )
    .await?;

    let mut wf = st.workflow.take().unwrap_or_default();
    let was_succeeded = wf.status == roam_workflow::workflow_phase::SUCCEEDED;
    wf.context_backend = Some(json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "name": roam_workflow::context::configmap_name(&name),
        "namespace": ns,
    }));
    let provider = crate::provider::StepProvider::new(
        ctx,
        app,
        &renderer,
        &target,
        ns,
        &deliveries,
        &prerendered,
        trackers,
    );
    let engine = roam_workflow::Engine {
        provider: &provider,
        registry: &registry,
        templates: &ctx.step_templates,
        components: &app.spec.components,
        context: step_context(app, ns, &rev.name, publish_version.as_deref()),
        now,
    };
    if let Some(b) = ctx
        .step_backoff
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(key)
    {
        for (id, n) in b {
            wf_ctx.steps.entry(id.clone()).or_default().backoff = *n;
        }
    }
    let outcome = engine.run(&spec, &mut wf, &mut wf_ctx).await;
    ctx.step_backoff
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(
            key.to_string(),
            wf_ctx
                .steps
                .iter()
                .filter(|(_, m)| m.backoff > 0)
                .map(|(id, m)| (id.clone(), m.backoff))
                .collect(),
        );
    let (mut trackers, mut delivered, transient) = provider.into_parts();
    if let Some(e) = transient {
        // The cluster failed us, not the step: retry the reconcile without
        // counting it against the step.
        return Err(e);
    }
    // Written when something worth keeping changed (variables, failures,
    // suspensions, logs); an app whose workflow keeps nothing has none.
    let kept = persistent(&wf_ctx);
    if loaded.as_ref().map(persistent) != Some(kept.clone())
        && (loaded.is_some() || kept != roam_workflow::ContextData::default())
    {
        context_store.save(app, &kept).await?;
    }
    let wf_status = wf.status.clone();
    let wf_message = wf.message.clone();
    st.workflow = Some(wf);
    ctx.metrics.stage("workflow", t.elapsed());
    use roam_workflow::workflow_phase as wp;
    let succeeded = wf_status == wp::SUCCEEDED;
    if succeeded && !was_succeeded {
        // What `roam workflow rollback` goes back to.
        let p = json!({"metadata": {"labels": {crate::LABEL_REVISION_SUCCEEDED: "true"}}});
        match Api::<ApplicationRevision>::namespaced(ctx.client.clone(), ns)
            .patch(&rev.name, &PatchParams::default(), &Patch::Merge(&p))
            .await
        {
            Ok(_) | Err(kube::Error::Api(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let (phase, reason) = match wf_status.as_str() {
        wp::SUCCEEDED => (ApplicationPhase::Running, "Succeeded"),
        wp::SUSPENDING => (ApplicationPhase::WorkflowSuspending, "Suspended"),
        wp::TERMINATED => (ApplicationPhase::WorkflowTerminated, "Terminated"),
        wp::FAILED => (ApplicationPhase::WorkflowFailed, "Failed"),
        _ => (ApplicationPhase::RunningWorkflow, "Executing"),
    };
    set_condition(
        st,
        status::WORKFLOW,
        !matches!(wf_status.as_str(), wp::FAILED | wp::TERMINATED),
        reason,
        &wf_message,
    );
    if !succeeded {
        st.status = Some(phase);
        set_condition(
            st,
            status::READY,
            false,
            match phase {
                ApplicationPhase::WorkflowSuspending => "WorkflowSuspending",
                ApplicationPhase::WorkflowTerminated => "WorkflowTerminated",
                ApplicationPhase::WorkflowFailed => "WorkflowFailed",
                _ => "RunningWorkflow",
            },
            &wf_message,
        );
        fill_services(st, &delivered, &trackers);
        return Ok(match (outcome.requeue, restart_wait) {
            (Some(d), _) => Action::requeue(bound(d.min(ctx.config.resync))),
            (None, Some(r)) => Action::requeue(r),
            // Suspended for a human, failed or terminated: nothing to do
            // until the app (or its workflow status) changes.
            (None, None) => Action::await_change(),
        });
    }

    // Garbage collection: the workflow succeeded, so every new object is
    // in place and healthy.
    let t = Instant::now();
    let order = component_order(app);
    garbage_collect(ctx, app, &mut trackers, &order).await?;
    ctx.metrics.stage("gc", t.elapsed());

    // Health of everything delivered (steps that finished earlier too).
    let t = Instant::now();
    let locked = tokio::sync::Mutex::new(trackers);
    for (i, (_, d)) in deliveries.iter().enumerate() {
        if let Ok(d) = d {
            let r = run_delivery(
                ctx,
                app,
                &renderer,
                &target,
                ns,
                i,
                d,
                &prerendered,
                &locked,
                &mut delivered,
                &mut HashMap::new(),
                false,
            )
            .await;
            match r {
                Ok(_) => {}
                // A member that cannot be reached: its services are
                // unhealthy for now, the others are still reported.
                Err(e) if d.cluster != LOCAL => {
                    let namespace = d.namespace.clone().unwrap_or_else(|| ns.to_string());
                    for &ci in &d.components {
                        let comp = &d.app.spec.components[ci];
                        delivered.insert(
                            (
                                d.cluster.clone(),
                                namespace.clone(),
                                service_key(&comp.name, &d.replica_key),
                            ),
                            ApplicationComponentStatus {
                                name: comp.name.clone(),
                                namespace: namespace.clone(),
                                cluster: d.cluster.clone(),
                                env: d.replica_key.clone(),
                                healthy: false,
                                message: format!("cluster {} cannot be reached: {e}", d.cluster),
                                ..Default::default()
                            },
                        );
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }
    let trackers = locked.into_inner();
    fill_services(st, &delivered, &trackers);
    ctx.metrics.stage("health", t.elapsed());

    // State-keep.
    let due = {
        let kept = ctx.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.get(key)
            .is_none_or(|t| t.elapsed() >= ctx.config.state_keep_interval)
    };
    if due {
        let t = Instant::now();
        state_keep(ctx, app, st, &trackers).await?;
        ctx.kept
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.to_string(), Instant::now());
        ctx.metrics.stage("statekeep", t.elapsed());
    }

    let healthy = st.services.iter().all(|s| s.healthy);
    if healthy {
        ctx.reset_wait(key);
        st.status = Some(ApplicationPhase::Running);
        set_condition(st, status::READY, true, "Ready", "");
        let interval = app
            .annotations()
            .get(crate::ANNO_RECONCILE_INTERVAL)
            .and_then(|s| parse_duration(s))
            .unwrap_or(ctx.config.state_keep_interval);
        Ok(Action::requeue(bound(
            interval.min(ctx.config.state_keep_interval),
        )))
    } else {
        st.status = Some(ApplicationPhase::Unhealthy);
        let msg = st
            .services
            .iter()
            .filter(|s| !s.healthy)
            .map(|s| format!("{}: {}", s.name, s.message))
            .collect::<Vec<_>>()
            .join("; ");
        set_condition(st, status::READY, false, "Unhealthy", &msg);
        Ok(Action::requeue(bound(ctx.next_wait(key))))
    }
}

/// Unknown component, trait or policy types, as `roam dry-run` words them.
fn parse(
    app: &Application,
    registry: &Registry,
    defs: &Definitions,
    ns: &str,
) -> Result<(), String> {
    let name = app.name_any();
    let mut errors = Vec::new();
    let mut check = |kind: DefKind, type_: &str, at: String, what: String| {
        if registry.get(kind, type_).is_some() {
            return;
        }
        let kind_err = match defs.broken(kind, ns, type_) {
            Some(message) => ErrorKind::BadDefinition {
                definition: type_.to_string(),
                message,
            },
            None => ErrorKind::UnknownType {
                kind,
                name: type_.to_string(),
                suggestions: registry.suggest(kind, type_),
                available: registry.list(kind).map(|d| d.name.clone()).collect(),
            },
        };
        errors.push(RenderError {
            app: name.clone(),
            at,
            what,
            kind: kind_err,
        });
    };
    for (i, c) in app.spec.components.iter().enumerate() {
        check(
            DefKind::Component,
            &c.type_,
            format!("components[{i}]"),
            format!("component {:?}", c.name),
        );
        for (j, t) in c.traits.iter().enumerate() {
            check(
                DefKind::Trait,
                &t.type_,
                format!("components[{i}].traits[{j}]"),
                format!("trait {}", t.type_),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(RenderErrors(errors).to_string())
    }
}

/// The app variant, target and components of a step.
/// The steps that deliver components (`apply-component`, `deploy`), at
/// any level: what is rendered up front and observed for health.
fn delivery_steps(steps: &[WorkflowStep]) -> Vec<&WorkflowStep> {
    let mut out = Vec::new();
    for s in steps {
        if s.type_ == "apply-component" || s.type_ == "deploy" {
            out.push(s);
        }
        out.extend(delivery_steps(&s.sub_steps));
    }
    out
}

/// A delivery step's policies (deploy) or component (apply-component).
pub(crate) fn delivery_of(
    app: &Application,
    step: &WorkflowStep,
    clusters: &Clusters,
) -> Result<Vec<Delivery>, String> {
    let props = step.properties.clone().unwrap_or(Value::Null);
    let s = |k: &str| {
        props
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    if step.type_ == "apply-component" {
        let component = s("component");
        let idx = app
            .spec
            .components
            .iter()
            .position(|c| c.name == component)
            .ok_or_else(|| {
                format!(
                    "step {:?}: the app has no component {component:?}",
                    step.name
                )
            })?;
        return Ok(vec![Delivery {
            app: app.clone(),
            cluster: cluster_name(&s("cluster"), clusters)
                .map_err(|m| format!("step {:?}: {m}", step.name))?,
            namespace: Some(s("namespace")).filter(|n| !n.is_empty()),
            replica_key: String::new(),
            components: vec![idx],
        }]);
    }
    let policies: Vec<String> = props
        .get("policies")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    deploy_delivery(app, &step.name, &policies, clusters)
}

/// What a `deploy` with these policies delivers (overrides in order, then
/// the topology's cluster and namespace).
pub(crate) fn deploy_delivery(
    app: &Application,
    step: &str,
    policies: &[String],
    clusters: &Clusters,
) -> Result<Vec<Delivery>, String> {
    let mut variant = app.clone();
    // (cluster, namespace) in the order the topologies name them.
    let mut placements: Vec<(String, Option<String>)> = Vec::new();
    let mut topologies = 0;
    // (keys, selected component names; none: all).
    let mut replication: Option<(Vec<String>, Vec<String>)> = None;
    let registered = clusters.registrations();
    for pname in policies {
        let p: &AppPolicy = app
            .spec
            .policies
            .iter()
            .find(|p| &p.name == pname)
            .ok_or_else(|| format!("step {step:?}: the app has no policy {pname:?}"))?;
        match p.type_.as_str() {
            "override" => {
                variant.spec.components =
                    roam_render::policy::apply_override(&variant.spec.components, p)
                        .map_err(|e| e.to_string())?;
            }
            "replication" => {
                let props = p.properties.clone().unwrap_or(Value::Null);
                let keys: Vec<String> = props
                    .get("keys")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                if keys.is_empty() {
                    return Err(format!(
                        "step {step:?}: policy {pname:?} (replication) needs at least one key"
                    ));
                }
                let selector: Vec<String> = props
                    .get("selector")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                replication = Some((keys, selector));
            }
            "topology" => {
                topologies += 1;
                for placement in topology_placements(pname, p, &registered)? {
                    if !placements.contains(&placement) {
                        placements.push(placement);
                    }
                }
            }
            other => {
                return Err(format!(
                    "step {step:?}: policy {pname:?} of type {other:?} cannot be used by deploy"
                ));
            }
        }
    }
    if topologies == 0 {
        placements.push((LOCAL.into(), None));
    }
    let components = roam_render::dataflow::dependency_order(&variant.spec.components)
        .map_err(|e| e.to_string())?;
    // Replication: the selected components once per key, the others once.
    let groups: Vec<(String, Vec<usize>)> = match &replication {
        None => vec![(String::new(), components)],
        Some((keys, selector)) => {
            let selected = |ci: &usize| {
                selector.is_empty() || selector.contains(&variant.spec.components[*ci].name)
            };
            let (rep, single): (Vec<usize>, Vec<usize>) =
                components.into_iter().partition(selected);
            let mut g: Vec<(String, Vec<usize>)> = Vec::new();
            if !single.is_empty() {
                g.push((String::new(), single));
            }
            if !rep.is_empty() {
                for k in keys {
                    g.push((k.clone(), rep.clone()));
                }
            }
            g
        }
    };
    let mut out = Vec::new();
    for (cluster, namespace) in placements {
        for (key, comps) in &groups {
            out.push(Delivery {
                app: variant.clone(),
                cluster: cluster.clone(),
                namespace: namespace.clone(),
                replica_key: key.clone(),
                components: comps.clone(),
            });
        }
    }
    Ok(out)
}

/// Where the app's delivery steps place its components: (cluster,
/// namespace) pairs, the namespace `""` when it is the app's. Steps whose
/// placements cannot be worked out (an unknown cluster) are left out.
pub fn placements(app: &Application, clusters: &Clusters) -> Vec<(String, String)> {
    let spec = roam_workflow::Spec::of(app, None);
    let mut out: Vec<(String, String)> = Vec::new();
    for step in delivery_steps(&spec.steps) {
        for d in delivery_of(app, step, clusters).unwrap_or_default() {
            let p = (d.cluster.clone(), d.namespace.clone().unwrap_or_default());
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

/// The (cluster, namespace) pairs of a topology policy: the clusters it
/// lists (each must be registered), or the registered clusters whose labels
/// match its selector, or the hub.
fn topology_placements(
    pname: &str,
    p: &AppPolicy,
    registered: &BTreeMap<String, Result<crate::registration::Registration, String>>,
) -> Result<Vec<(String, Option<String>)>, String> {
    let props = p.properties.clone().unwrap_or(Value::Null);
    let namespace = props
        .get("namespace")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    let selector = props
        .get("clusterLabelSelector")
        .or_else(|| props.get("clusterSelector"))
        .filter(|s| !s.is_null());
    let listed: Vec<&str> = props
        .get("clusters")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let allow_empty = props
        .get("allowEmpty")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut names: Vec<String> = Vec::new();
    if !listed.is_empty() {
        for c in listed {
            if c != LOCAL {
                match registered.get(c) {
                    Some(Ok(_)) => {}
                    Some(Err(m)) => return Err(format!("policy {pname:?} (topology): {m}")),
                    None => {
                        return Err(format!(
                            "policy {pname:?} (topology): cluster {c:?} is not registered{}",
                            known_clusters(registered)
                        ));
                    }
                }
            }
            if !names.iter().any(|n| n == c) {
                names.push(c.to_string());
            }
        }
    } else if let Some(sel) = selector {
        if !sel.is_object() {
            return Err(format!(
                "policy {pname:?} (topology): clusterLabelSelector must be a map of labels"
            ));
        }
        names = registered
            .iter()
            .filter(|(_, r)| {
                r.as_ref()
                    .is_ok_and(|r| crate::registration::labels_match(&r.labels, sel))
            })
            .map(|(n, _)| n.clone())
            .collect();
        if names.is_empty() && !allow_empty {
            return Err(format!(
                "policy {pname:?} (topology): no registered cluster has the labels {sel}{} (allowEmpty: true accepts none)",
                known_clusters(registered)
            ));
        }
    } else {
        names.push(LOCAL.into());
    }
    Ok(names.into_iter().map(|c| (c, namespace.clone())).collect())
}

fn known_clusters(
    registered: &BTreeMap<String, Result<crate::registration::Registration, String>>,
) -> String {
    let names: Vec<&str> = std::iter::once(LOCAL)
        .chain(registered.keys().map(String::as_str))
        .collect();
    format!(" (clusters: {})", names.join(", "))
}

/// The render target of a delivery: its cluster, namespace and that
/// cluster's version.
pub(crate) fn placement_target(ctx: &Ctx, base: &Target, d: &Delivery) -> Target {
    let version = if d.cluster == LOCAL {
        None
    } else {
        ctx.clusters
            .registrations()
            .remove(&d.cluster)
            .and_then(|r| r.ok()?.version)
    };
    Target {
        cluster: d.cluster.clone(),
        namespace: d.namespace.clone(),
        replica_key: d.replica_key.clone(),
        cluster_version: version.unwrap_or_else(|| base.cluster_version.clone()),
        ..base.clone()
    }
}

/// The steps of the `Workflow` named by `spec.workflow.ref` (`Err`: the
/// reference cannot be followed, said for the app's status).
async fn referenced_steps(
    ctx: &Ctx,
    app: &Application,
    ns: &str,
) -> Result<Result<Option<Vec<WorkflowStep>>, String>, Error> {
    let Some(r) = app
        .spec
        .workflow
        .as_ref()
        .map(|w| w.ref_.as_str())
        .filter(|r| !r.is_empty())
    else {
        return Ok(Ok(None));
    };
    let key = ObjectKey {
        cluster: LOCAL.into(),
        api_version: "core.oam.dev/v1alpha1".into(),
        kind: "Workflow".into(),
        namespace: ns.into(),
        name: r.into(),
    };
    let live = match ctx.clusters.local().get(&key).await {
        Ok(v) => v,
        Err(e) if e.is_transient() => return Err(Error::from(e)),
        Err(e) => return Ok(Err(format!("spec.workflow.ref: {e}"))),
    };
    let Some(live) = live else {
        return Ok(Err(format!(
            "spec.workflow.ref: Workflow {r:?} does not exist in namespace {ns:?}"
        )));
    };
    match serde_json::from_value::<roam_api::v1alpha1::Workflow>(live) {
        Ok(w) => Ok(Ok(Some(w.steps))),
        Err(e) => Ok(Err(format!(
            "spec.workflow.ref: Workflow {r:?} is malformed: {e}"
        ))),
    }
}

/// The part of the workflow context that is stored (backoff exponents are
/// kept in memory; empty step memories are dropped).
fn persistent(c: &roam_workflow::ContextData) -> roam_workflow::ContextData {
    let mut c = c.clone();
    for m in c.steps.values_mut() {
        m.backoff = 0;
    }
    c.steps.retain(|_, m| *m != Default::default());
    c
}

/// `context` of step templates.
fn step_context(
    app: &Application,
    ns: &str,
    revision: &str,
    publish_version: Option<&str>,
) -> Value {
    let name = app.name_any();
    json!({
        "name": name,
        "namespace": ns,
        "appName": name,
        "appRevision": revision,
        "workflowName": name,
        "publishVersion": publish_version.unwrap_or(""),
        "appLabels": app.labels(),
        "appAnnotations": app.annotations(),
    })
}

/// A delivered service's key: its component, and replica key if any.
fn service_key(component: &str, replica_key: &str) -> String {
    if replica_key.is_empty() {
        component.to_string()
    } else {
        format!("{component}#{replica_key}")
    }
}

/// Whether two cluster names are the same cluster (`""` is the hub).
fn same_cluster(a: &str, b: &str) -> bool {
    a == b || (a.is_empty() && b == LOCAL) || (a == LOCAL && b.is_empty())
}

/// A cluster a step names: the hub, or a registered member.
pub(crate) fn cluster_name(c: &str, clusters: &Clusters) -> Result<String, String> {
    if c.is_empty() || c == LOCAL {
        return Ok(LOCAL.into());
    }
    let registered = clusters.registrations();
    match registered.get(c) {
        Some(Ok(_)) => Ok(c.to_string()),
        Some(Err(m)) => Err(m.clone()),
        None => Err(format!(
            "cluster {c:?} is not registered{}",
            known_clusters(&registered)
        )),
    }
}

/// Delivers (or, with `apply` false, only observes) the components of one
/// step; records their statuses in `delivered`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn run_delivery(
    ctx: &Ctx,
    app: &Application,
    renderer: &Renderer<'_>,
    target: &Target,
    ns: &str,
    di: usize,
    d: &Delivery,
    prerendered: &HashMap<(usize, usize), RenderedComponent>,
    trackers: &tokio::sync::Mutex<Trackers>,
    delivered: &mut BTreeMap<(String, String, String), ApplicationComponentStatus>,
    live_out: &mut HashMap<String, Value>,
    apply: bool,
) -> Result<Outcome, Error> {
    let cluster = ctx.clusters.get(&d.cluster).await?;
    let namespace = d.namespace.clone().unwrap_or_else(|| ns.to_string());
    let target = placement_target(ctx, target, d);
    let mut done: HashMap<String, Delivered> = HashMap::new();
    let mut waiting = Vec::new();
    for &ci in &d.components {
        let comp = &d.app.spec.components[ci];
        // Within a step, a component waits for what it depends on.
        if let Some(dep) = comp.depends_on.iter().find(|x| {
            d.app.spec.components.iter().any(|c| &c.name == *x)
                && done.get(*x).is_none_or(|dd| !dd.status.healthy)
        }) && d.components.len() > 1
        {
            waiting.push(format!("{} waits for {dep}", comp.name));
            continue;
        }
        let rendered = match prerendered.get(&(di, ci)) {
            Some(r) => r.clone(),
            None => {
                let filled = match fill_inputs(ctx, &d.app, comp, &cluster, &namespace).await? {
                    Ok(c) => c,
                    Err(m) => {
                        if apply {
                            return Ok(Outcome::Running(m));
                        }
                        continue;
                    }
                };
                match renderer.render_component(&d.app, ci, &filled, &namespace, &target) {
                    Ok(r) => r,
                    Err(e) => return Ok(Outcome::Failed(e.to_string())),
                }
            }
        };
        let dd = match deliver_component(
            ctx,
            app,
            &cluster,
            &namespace,
            &d.replica_key,
            comp,
            rendered,
            trackers,
            apply,
        )
        .await
        {
            Ok(dd) => dd,
            Err(DeliverError::Fail(m)) => return Ok(Outcome::Failed(m)),
            Err(DeliverError::Retry(e)) => return Err(e),
        };
        let mut status = dd.status.clone();
        status.namespace = namespace.clone();
        // One service per replica; the replica key shows as its env.
        status.env = d.replica_key.clone();
        status.cluster = if d.cluster == LOCAL {
            String::new()
        } else {
            d.cluster.clone()
        };
        delivered.insert(
            (
                d.cluster.clone(),
                namespace.clone(),
                service_key(&comp.name, &d.replica_key),
            ),
            status,
        );
        live_out.insert(comp.name.clone(), dd.live.clone());
        done.insert(comp.name.clone(), dd);
    }
    if !waiting.is_empty() {
        return Ok(Outcome::Running(waiting.join("; ")));
    }
    let unhealthy: Vec<String> = done
        .values()
        .filter(|d| !d.status.healthy)
        .map(|d| {
            if d.status.message.is_empty() {
                format!("component {} is not healthy yet", d.status.name)
            } else {
                format!(
                    "component {} is not healthy yet: {}",
                    d.status.name, d.status.message
                )
            }
        })
        .collect();
    if unhealthy.is_empty() {
        Ok(Outcome::Succeeded)
    } else {
        Ok(Outcome::Running(unhealthy.join("; ")))
    }
}

/// The component with its `inputs` filled from the live outputs of the
/// components it reads from (`Err` says which input is missing).
async fn fill_inputs(
    ctx: &Ctx,
    app: &Application,
    comp: &ApplicationComponent,
    cluster: &ClusterClient,
    namespace: &str,
) -> Result<Result<ApplicationComponent, String>, Error> {
    let mut values = BTreeMap::new();
    for producer in &app.spec.components {
        if producer.outputs.is_empty()
            || !producer
                .outputs
                .iter()
                .any(|o| comp.inputs.iter().any(|i| i.from == o.name))
        {
            continue;
        }
        // The producer's live workload and auxiliaries, found by the OAM labels.
        let (workload, aux) =
            live_of_component(&ctx.client, cluster, app, producer, namespace).await?;
        match roam_render::dataflow::evaluate_outputs(&ctx.cache, producer, workload.as_ref(), &aux)
        {
            Ok(outs) => {
                for (k, v) in outs {
                    values.insert(k, v);
                }
            }
            Err(e) => {
                return Ok(Err(format!(
                    "waiting for output of component {}: {e}",
                    producer.name
                )));
            }
        }
    }
    Ok(roam_render::dataflow::apply_inputs(comp, &values).map_err(|e| e.to_string()))
}

/// A producer's live objects: its workload (named after it) and
/// auxiliaries by their `trait.oam.dev/resource` label, from the trackers
/// (which live on the hub, whichever cluster the objects are in).
async fn live_of_component(
    hub: &Client,
    cluster: &ClusterClient,
    app: &Application,
    comp: &ApplicationComponent,
    namespace: &str,
) -> Result<(Option<Value>, Map<String, Value>), Error> {
    let rt_api: Api<ResourceTracker> = Api::all(hub.clone());
    let lp = ListParams::default().labels(&format!(
        "{}={},{}={}",
        L::APP_NAME,
        app.name_any(),
        L::APP_NAMESPACE,
        app.namespace().unwrap_or_else(|| "default".into())
    ));
    let mut workload = None;
    let mut aux = Map::new();
    for rt in rt_api.list(&lp).await?.items {
        for m in rt.spec.managed_resources {
            if m.component != comp.name
                || m.deleted
                || !same_cluster(&m.cluster, &cluster.name)
                || (!m.namespace.is_empty() && m.namespace != namespace)
            {
                continue;
            }
            let Some(live) = cluster.get(&ObjectKey::of_managed(&m)).await? else {
                continue;
            };
            let labels = &live["metadata"]["labels"];
            match labels[L::TRAIT_RESOURCE].as_str() {
                Some(r) => {
                    aux.insert(r.to_string(), live.clone());
                }
                None if m.trait_.is_empty() => workload = Some(live.clone()),
                None => {}
            }
        }
    }
    Ok((workload, aux))
}

enum DeliverError {
    /// The step fails (bad input, an object someone else owns).
    Fail(String),
    /// Retry later (the cluster).
    Retry(Error),
}

impl From<DispatchError> for DeliverError {
    fn from(e: DispatchError) -> Self {
        if e.is_transient() {
            DeliverError::Retry(e.into())
        } else {
            DeliverError::Fail(e.to_string())
        }
    }
}

impl From<kube::Error> for DeliverError {
    fn from(e: kube::Error) -> Self {
        DeliverError::Retry(e.into())
    }
}

/// Whether a live object is this app's (by the OAM labels).
fn owned_by(live: &Value, app: &Application) -> bool {
    let l = &live["metadata"]["labels"];
    l[L::APP_NAME].as_str() == Some(app.name_any().as_str())
        && l[L::APP_NAMESPACE].as_str()
            == Some(app.namespace().unwrap_or_else(|| "default".into()).as_str())
}

/// Applies one component's objects (record first), reads them back and
/// evaluates health.
#[allow(clippy::too_many_arguments)]
async fn deliver_component(
    ctx: &Ctx,
    app: &Application,
    cluster: &ClusterClient,
    namespace: &str,
    replica_key: &str,
    comp: &ApplicationComponent,
    rendered: RenderedComponent,
    trackers: &tokio::sync::Mutex<Trackers>,
    apply: bool,
) -> Result<Delivered, DeliverError> {
    let mut objects: Vec<RenderedObjectRef> = Vec::new();
    if let Some(w) = &rendered.workload
        && rendered.workload_managed_by.is_none()
    {
        objects.push(RenderedObjectRef {
            origin: Some(Origin::Workload),
            object: w.clone(),
        });
    }
    for o in &rendered.objects {
        objects.push(RenderedObjectRef {
            origin: Some(o.origin.clone()),
            object: o.object.clone(),
        });
    }
    // Read what exists.
    let mut live = Vec::new();
    for o in &objects {
        let key = ObjectKey::of(&cluster.name, &o.object);
        live.push(cluster.get(&key).await?);
    }
    if apply {
        let policies = ResourcePolicies::of(app).unwrap_or_default();
        // Read-only objects must exist; roam never writes (or records) them.
        for (o, l) in objects.iter().zip(&live) {
            if let Some(p) = policies.read_only(&o.object)
                && l.is_none()
            {
                let key = ObjectKey::of(&cluster.name, &o.object);
                return Err(DeliverError::Fail(format!(
                    "{key} is read-only (policy {p:?}) and does not exist: roam does not create it; create it, or take it out of the policy"
                )));
            }
        }
        // Someone else's object is never taken over, unless a take-over
        // policy says so.
        for (o, l) in objects.iter().zip(&live) {
            let key = ObjectKey::of(&cluster.name, &o.object);
            if let Some(l) = l
                && !owned_by(l, app)
                && !trackers.lock().await.tracks(&key)
                && policies.read_only(&o.object).is_none()
                && policies.take_over(&o.object).is_none()
                && policies.shared(&o.object).is_none()
            {
                let owner = l["metadata"]["labels"][L::APP_NAME]
                    .as_str()
                    .map(|a| format!("application {a:?}"))
                    .or_else(|| {
                        l["metadata"]["managedFields"][0]["manager"]
                            .as_str()
                            .map(|m| format!("field manager {m:?}"))
                    })
                    .unwrap_or_else(|| "someone else".into());
                return Err(DeliverError::Fail(format!(
                    "{key} already exists and belongs to {owner}; roam does not overwrite it (delete it, or let a take-over policy adopt it)"
                )));
            }
        }
        // Record, then apply what changed or is missing. Objects a
        // garbage-collect rule keeps past updates are recorded `skipGC`;
        // read-only ones `skipGC` without a form (never state-kept, never
        // deleted).
        let records: Vec<ManagedResource> = objects
            .iter()
            .map(|o| {
                let trait_type = match &o.origin {
                    Some(Origin::Trait { trait_type, .. }) => trait_type.clone(),
                    _ => String::new(),
                };
                let mut m = tracker::managed(
                    &cluster.name,
                    &o.object,
                    &comp.name,
                    &trait_type,
                    Some(o.object.clone()),
                );
                if policies.read_only(&o.object).is_some() {
                    m.skip_gc = true;
                    m.raw = None;
                } else {
                    m.skip_gc = policies.gc_strategy(&o.object) != GcStrategy::OnAppUpdate;
                }
                m
            })
            .collect();
        let changed: Vec<bool> = {
            let mut trackers = trackers.lock().await;
            let changed = objects
                .iter()
                .zip(&live)
                .map(|(o, l)| {
                    let key = ObjectKey::of(&cluster.name, &o.object);
                    l.is_none()
                        || trackers.current_record(&key).and_then(|m| m.raw.as_ref())
                            != Some(&o.object)
                })
                .collect();
            if trackers.record_component(&comp.name, &cluster.name, namespace, replica_key, records)
                || !trackers.current_exists()
            {
                trackers.save_current().await?;
            }
            changed
        };
        let me = format!(
            "{}/{}",
            app.namespace().unwrap_or_else(|| "default".into()),
            app.name_any()
        );
        for ((o, l), ch) in objects.iter().zip(live.iter_mut()).zip(changed) {
            if policies.read_only(&o.object).is_some() {
                continue;
            }
            let shared = policies.shared(&o.object).is_some();
            if shared && let Some(current) = l.as_ref().filter(|c| !owned_by(c, app)) {
                // Another app created this shared object: only read it, and
                // join its sharers.
                let mut by = crate::policies::sharers(current);
                if !by.contains(&me) {
                    by.push(me.clone());
                    let key = ObjectKey::of(&cluster.name, &o.object);
                    let patch = json!({"metadata": {
                        "resourceVersion": current["metadata"]["resourceVersion"],
                        "annotations": {crate::policies::ANNO_SHARED_BY: by.join(",")},
                    }});
                    *l = Some(cluster.merge_patch(&key, &patch).await?);
                }
                continue;
            }
            let needs_listing = shared
                && l.as_ref()
                    .is_some_and(|c| !crate::policies::sharers(c).contains(&me));
            if !ch && !needs_listing {
                continue;
            }
            let mut obj = o.object.clone();
            if shared {
                // The creator lists itself first; sharers that joined stay.
                let mut by = l.as_ref().map(crate::policies::sharers).unwrap_or_default();
                if !by.contains(&me) {
                    by.insert(0, me.clone());
                }
                obj["metadata"]["annotations"][crate::policies::ANNO_SHARED_BY] =
                    json!(by.join(","));
            }
            // apply-once: an existing object keeps its live values at the
            // policy's paths ("*": it is not written again).
            if let Some(current) = l.as_ref() {
                let paths = policies.drift_paths(&o.object, Moment::Apply);
                if paths.iter().any(|p| p == "*") {
                    continue;
                }
                crate::policies::keep_live_paths(&mut obj, current, &paths);
            }
            obj["metadata"]["annotations"][crate::ANNO_LAST_APPLIED_TIME] = json!(status::now());
            // resource-update: recreate when a listed field changes; replace
            // the whole object instead of applying.
            let update = policies.update_strategy(&o.object);
            if let Some(current) = l.as_ref() {
                let changed =
                    crate::policies::changed_paths(&obj, current, &update.recreate_fields);
                if !changed.is_empty() {
                    let key = ObjectKey::of(&cluster.name, &o.object);
                    cluster.delete(&key).await?;
                    if !wait_deleted(cluster, &key).await? {
                        return Err(DeliverError::Retry(Error(format!(
                            "{key}: recreating it ({} changed): still being deleted",
                            changed.join(", ")
                        ))));
                    }
                    publish(
                        ctx,
                        app,
                        EventType::Normal,
                        "Recreated",
                        &format!(
                            "{key}: deleted and created again ({} changed)",
                            changed.join(", ")
                        ),
                    )
                    .await;
                    *l = None;
                }
            }
            if update.replace
                && let Some(current) = l.as_ref()
            {
                obj["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"].clone();
                let replaced = cluster.replace(&obj).await?;
                ctx.metrics.applies.inc();
                *l = Some(replaced);
                continue;
            }
            let applied = match cluster.apply(&obj, false).await {
                Ok(v) => v,
                Err(DispatchError::Conflict {
                    object,
                    managers,
                    fields,
                    ..
                }) => {
                    // The app's own object: another manager changed fields
                    // roam set. The app is the source of truth: take them
                    // back, and say so.
                    let note = format!(
                        "{object}: fields {} were owned by {}; roam applied the app's values",
                        fields.join(", "),
                        managers.join(", ")
                    );
                    publish(ctx, app, EventType::Warning, "ConflictResolved", &note).await;
                    cluster.apply(&obj, true).await?
                }
                Err(e) => return Err(e.into()),
            };
            ctx.metrics.applies.inc();
            *l = Some(applied);
        }
    }
    let status = component_health(ctx, app, comp, &rendered, &objects, &live);
    let mut outputs = Map::new();
    let mut output = Value::Null;
    for (o, l) in objects.iter().zip(&live) {
        let l = l.clone().unwrap_or(Value::Null);
        match &o.origin {
            Some(Origin::Workload) => output = l,
            Some(Origin::Auxiliary { name }) | Some(Origin::Trait { name, .. }) => {
                outputs.insert(name.clone(), l);
            }
            None => {}
        }
    }
    let healthy = status.healthy;
    Ok(Delivered {
        status,
        live: json!({"output": output, "outputs": outputs, "isHealth": healthy}),
    })
}

/// Waits (up to 10 s) until an object is gone; `false` if it is not.
async fn wait_deleted(cluster: &ClusterClient, key: &ObjectKey) -> Result<bool, DispatchError> {
    for _ in 0..100 {
        if cluster.get(key).await?.is_none() {
            return Ok(true);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(false)
}

/// Health of a component and its traits, over the live objects.
fn component_health(
    ctx: &Ctx,
    app: &Application,
    comp: &ApplicationComponent,
    rendered: &RenderedComponent,
    objects: &[RenderedObjectRef],
    live: &[Option<Value>],
) -> ApplicationComponentStatus {
    let registry = ctx
        .defs
        .registry_for(&app.namespace().unwrap_or_else(|| "default".into()));
    let renderer = Renderer::new(&registry, &ctx.cache);
    let ns = app.namespace().unwrap_or_else(|| "default".into());
    let base = renderer.component_context(app, comp, &ns, &Target::default());
    let live_workload = objects
        .iter()
        .zip(live)
        .find(|(o, _)| o.origin == Some(Origin::Workload))
        .and_then(|(_, l)| l.clone());
    let mut comp_outputs = Map::new();
    let mut trait_outputs: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    let mut missing = Vec::new();
    for (o, l) in objects.iter().zip(live) {
        if l.is_none() {
            missing.push(ObjectKey::of(LOCAL, &o.object).to_string());
        }
        let v = l.clone().unwrap_or(Value::Null);
        match &o.origin {
            Some(Origin::Auxiliary { name }) => {
                comp_outputs.insert(name.clone(), v);
            }
            Some(Origin::Trait { trait_type, name }) => {
                trait_outputs
                    .entry(trait_type.clone())
                    .or_default()
                    .insert(name.clone(), v);
            }
            _ => {}
        }
    }
    let mut st = ApplicationComponentStatus {
        name: comp.name.clone(),
        healthy: true,
        ..Default::default()
    };
    if let Some(w) = &rendered.workload {
        st.workload_definition = Some(GroupVersionKindRef {
            api_version: w["apiVersion"].as_str().unwrap_or_default().into(),
            kind: w["kind"].as_str().unwrap_or_default().into(),
        });
    }
    if !missing.is_empty() {
        st.healthy = false;
        st.workload_healthy = Some(false);
        st.message = format!("not found: {}", missing.join(", "));
    } else if let Some(def) = registry.get(DefKind::Component, &comp.type_) {
        let disabled = live_workload.as_ref().is_some_and(|w| {
            w["metadata"]["annotations"][L::ANNO_DISABLE_HEALTH_CHECK].as_str() == Some("true")
        });
        let h = evaluate_health(
            &ctx.cache,
            def,
            &HealthInput {
                parameter: rendered.parameter.as_ref(),
                context: &base,
                output: live_workload.as_ref(),
                outputs: &comp_outputs,
            },
        );
        st.healthy = h.healthy || disabled;
        st.workload_healthy = Some(st.healthy);
        st.message = h.message;
        st.details = h.details;
    }
    for t in &comp.traits {
        let Some(def) = registry.get(DefKind::Trait, &t.type_) else {
            continue;
        };
        let outs = trait_outputs.remove(&t.type_).unwrap_or_default();
        let h = evaluate_health(
            &ctx.cache,
            def,
            &HealthInput {
                parameter: t.properties.as_ref(),
                context: &base,
                output: live_workload.as_ref(),
                outputs: &outs,
            },
        );
        if !h.healthy {
            st.healthy = false;
        }
        st.traits.push(ApplicationTraitStatus {
            type_: t.type_.clone(),
            healthy: h.healthy,
            message: h.message,
            details: h.details,
            ..Default::default()
        });
    }
    st
}

fn fill_services(
    st: &mut AppStatus,
    delivered: &BTreeMap<(String, String, String), ApplicationComponentStatus>,
    trackers: &Trackers,
) {
    if !delivered.is_empty() {
        st.services = delivered.values().cloned().collect();
    }
    st.applied_resources = trackers
        .current
        .spec
        .managed_resources
        .iter()
        .filter(|m| !m.deleted)
        .map(|m| ClusterObjectReference {
            cluster: m.cluster.clone(),
            creator: m.creator.clone(),
            api_version: m.api_version.clone(),
            kind: m.kind.clone(),
            name: m.name.clone(),
            namespace: m.namespace.clone(),
            uid: String::new(),
        })
        .collect();
}

/// Component names in teardown order: dependents before what they depend
/// on (the reverse of the dependency order); unknown (removed) first.
fn component_order(app: &Application) -> HashMap<String, usize> {
    let order = roam_render::dataflow::dependency_order(&app.spec.components)
        .unwrap_or_else(|_| (0..app.spec.components.len()).collect());
    let n = order.len();
    order
        .into_iter()
        .enumerate()
        .map(|(pos, ci)| (app.spec.components[ci].name.clone(), n - pos))
        .collect()
}

/// Deletes what the app no longer renders: objects marked deleted in the
/// current tracker and everything in older trackers the current one does
/// not hold; then drops the records and the emptied trackers.
async fn garbage_collect(
    ctx: &Ctx,
    app: &Application,
    trackers: &mut Trackers,
    order: &HashMap<String, usize>,
) -> Result<(), Error> {
    let keep: HashSet<_> = trackers
        .current
        .spec
        .managed_resources
        .iter()
        .filter(|m| !m.deleted)
        .map(|m| ObjectKey::of_managed(m).group_key())
        .collect();
    let policies = ResourcePolicies::of(app).unwrap_or_default();
    let mut garbage: Vec<ManagedResource> = Vec::new();
    for m in &trackers.current.spec.managed_resources {
        if m.deleted && !m.skip_gc && !keep.contains(&ObjectKey::of_managed(m).group_key()) {
            garbage.push(m.clone());
        }
    }
    // keepLegacyResource: older versions' objects and trackers stay.
    if policies.keep_legacy {
        trackers.others.clear();
    }
    // Objects older versions recorded `skipGC` (a garbage-collect rule
    // keeps them past updates) move to the current tracker, so deleting
    // the app still finds them.
    let mut carried = Vec::new();
    for rt in &trackers.others {
        if rt.spec.type_ != roam_api::ResourceTrackerType::Versioned {
            continue;
        }
        for m in &rt.spec.managed_resources {
            let k = ObjectKey::of_managed(m).group_key();
            if keep.contains(&k) {
                continue;
            }
            if m.skip_gc {
                carried.push(ManagedResource {
                    deleted: true,
                    ..m.clone()
                });
            } else {
                garbage.push(m.clone());
            }
        }
    }
    for m in carried {
        trackers.record_object(m);
    }
    let removed = delete_in_order(ctx, app, &mut garbage, order).await?;
    if !garbage.is_empty() {
        publish(
            ctx,
            app,
            EventType::Normal,
            "GarbageCollected",
            &format!(
                "deleted {} object(s) no longer rendered: {}",
                removed,
                garbage
                    .iter()
                    .map(|m| ObjectKey::of_managed(m).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .await;
    }
    let others = std::mem::take(&mut trackers.others);
    for rt in others {
        if rt.spec.type_ == roam_api::ResourceTrackerType::Versioned {
            Trackers::delete(&ctx.client, &rt).await?;
        } else {
            trackers.others.push(rt);
        }
    }
    let before = trackers.current.spec.managed_resources.len();
    trackers
        .current
        .spec
        .managed_resources
        .retain(|m| !m.deleted || m.skip_gc);
    let pruned = trackers.current.spec.managed_resources.len() != before;
    if pruned || !trackers.collected() {
        trackers.mark_collected();
        trackers.save_current().await?;
    }
    Ok(())
}

/// Deletes recorded objects, dependents first (by `order`), each object
/// once, and only while it is still labelled as the app's. Returns how many
/// distinct objects were considered.
async fn delete_in_order(
    ctx: &Ctx,
    app: &Application,
    records: &mut [ManagedResource],
    order: &HashMap<String, usize>,
) -> Result<usize, Error> {
    records.sort_by_key(|m| order.get(&m.component).copied().unwrap_or(0));
    let policies = ResourcePolicies::of(app).unwrap_or_default();
    let mut seen = HashSet::new();
    for m in records.iter() {
        let key = ObjectKey::of_managed(m);
        if !seen.insert(key.group_key()) {
            continue;
        }
        let cluster = ctx.clusters.get(&key.cluster).await?;
        let Some(live) = cluster.get(&key).await? else {
            continue;
        };
        // A shared object: leave it to the other sharers (the first of them
        // becomes its owner if this app was); deleted by the last one.
        let me = format!(
            "{}/{}",
            app.namespace().unwrap_or_else(|| "default".into()),
            app.name_any()
        );
        let by = crate::policies::sharers(&live);
        let others: Vec<&String> = by.iter().filter(|s| **s != me).collect();
        if !others.is_empty() {
            if by.contains(&me) || owned_by(&live, app) {
                let mut patch = json!({"metadata": {
                    "resourceVersion": live["metadata"]["resourceVersion"],
                    "annotations": {crate::policies::ANNO_SHARED_BY: others.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")},
                }});
                if owned_by(&live, app)
                    && let Some((ns, name)) = others[0].split_once('/')
                {
                    patch["metadata"]["labels"] = json!({L::APP_NAME: name, L::APP_NAMESPACE: ns});
                }
                cluster.merge_patch(&key, &patch).await?;
                tracing::info!(object = %key, to = %others[0], "left a shared object");
            }
            continue;
        }
        if !owned_by(&live, app) {
            continue;
        }
        let dp = match policies.gc_propagation(&live) {
            crate::policies::Propagation::Orphan => DeleteParams::orphan(),
            crate::policies::Propagation::Cascading => DeleteParams::background(),
        };
        cluster.delete_with(&key, &dp).await?;
        ctx.metrics.gc_deletions.inc();
        tracing::info!(object = %key, "deleted");
    }
    Ok(seen.len())
}

/// Re-applies recorded objects that drifted, and reports who changed what.
async fn state_keep(
    ctx: &Ctx,
    app: &Application,
    st: &mut AppStatus,
    trackers: &Trackers,
) -> Result<(), Error> {
    let policies = ResourcePolicies::of(app).unwrap_or_default();
    let mut reports = Vec::new();
    for m in trackers
        .current
        .spec
        .managed_resources
        .iter()
        .filter(|m| !m.deleted)
    {
        let Some(raw) = &m.raw else { continue };
        // apply-once: paths that may drift are compared (and re-applied)
        // with their live values; "*" leaves the object alone.
        let paths = policies.drift_paths(raw, Moment::StateKeep);
        if paths.iter().any(|p| p == "*") {
            continue;
        }
        let key = ObjectKey::of_managed(m);
        let cluster = ctx.clusters.get(&key.cluster).await?;
        let live = cluster.get(&key).await?;
        // An object another app owns (a shared one it created) is theirs
        // to keep.
        if live.as_ref().is_some_and(|l| !owned_by(l, app)) {
            continue;
        }
        let mut raw = raw.clone();
        if let Some(l) = &live {
            crate::policies::keep_live_paths(&mut raw, l, &paths);
        }
        let raw = &raw;
        let report = match &live {
            None => DriftReport {
                deleted: true,
                ..Default::default()
            },
            Some(l) => {
                let changed = drift::diff(raw, l);
                if changed.is_empty() {
                    continue;
                }
                DriftReport {
                    fields: changed
                        .iter()
                        .map(|c| DriftField {
                            path: drift::path_string(&c.path),
                            managers: drift::owners(l, &c.path, crate::FIELD_MANAGER),
                            applied: c.applied.to_string(),
                            found: c.live.to_string(),
                        })
                        .collect(),
                    ..Default::default()
                }
            }
        };
        let mut obj = raw.clone();
        obj["metadata"]["annotations"][crate::ANNO_LAST_APPLIED_TIME] = json!(status::now());
        // A shared object keeps its list of sharers.
        if let Some(by) = live
            .as_ref()
            .and_then(|l| l["metadata"]["annotations"][crate::policies::ANNO_SHARED_BY].as_str())
        {
            obj["metadata"]["annotations"][crate::policies::ANNO_SHARED_BY] = json!(by);
        }
        let repaired = cluster.apply(&obj, true).await.is_ok();
        ctx.metrics.drift_repairs.inc();
        let report = DriftReport {
            time: status::now(),
            cluster: m.cluster.clone(),
            api_version: key.api_version.clone(),
            kind: key.kind.clone(),
            namespace: key.namespace.clone(),
            name: key.name.clone(),
            repaired,
            ..report
        };
        let what = if report.deleted {
            "was deleted".to_string()
        } else {
            report
                .fields
                .iter()
                .map(|f| {
                    format!(
                        "{} changed {} → {}{}",
                        f.path,
                        f.applied,
                        f.found,
                        if f.managers.is_empty() {
                            String::new()
                        } else {
                            format!(" by {}", f.managers.join(", "))
                        }
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        let note = format!(
            "{key} {what}; {}",
            if repaired {
                "re-applied"
            } else {
                "re-applying failed"
            }
        );
        tracing::info!(app = %app_key(app), "drift: {note}");
        publish(ctx, app, EventType::Warning, "Drift", &note).await;
        reports.push(report);
    }
    if reports.is_empty() {
        if status::condition(st, status::STATE_KEEP).is_none_or(|c| c.status != "True") {
            set_condition(st, status::STATE_KEEP, true, "NoDrift", "");
        }
    } else {
        let msg = format!(
            "{} object(s) drifted and were re-applied: {}",
            reports.len(),
            reports
                .iter()
                .map(|r| format!("{} {}", r.kind, r.name))
                .collect::<Vec<_>>()
                .join(", ")
        );
        set_condition(st, status::STATE_KEEP, true, "DriftRepaired", &msg);
        st.drift.extend(reports);
        let n = st.drift.len();
        if n > 10 {
            st.drift.drain(..n - 10);
        }
    }
    Ok(())
}

/// Deleting an app: delete everything its trackers hold (dependents
/// first), then the trackers and revisions, then the finalizer.
async fn finalize(app: &Application, ctx: &Ctx, key: &str) -> Result<Action, Error> {
    let name = app.name_any();
    let ns = app.namespace().unwrap_or_else(|| "default".into());
    let apps: Api<Application> = Api::namespaced(ctx.client.clone(), &ns);
    if !app.finalizers().iter().any(|f| f == FINALIZER) {
        ctx.forget(key);
        return Ok(Action::await_change());
    }
    let old = app.status.clone().unwrap_or_default();
    let mut st = old.clone();
    st.status = Some(ApplicationPhase::Deleting);
    set_condition(&mut st, status::DELETING, true, "Deleting", "");
    write_status(&apps, &name, None, &old, &st).await?;
    let orphan = app.finalizers().iter().any(|f| f == FINALIZER_ORPHAN);
    let rt_api: Api<ResourceTracker> = Api::all(ctx.client.clone());
    let lp =
        ListParams::default().labels(&format!("{}={name},{}={ns}", L::APP_NAME, L::APP_NAMESPACE));
    let rts = rt_api.list(&lp).await?.items;
    if !orphan {
        let order = component_order(app);
        let policies = ResourcePolicies::of(app).unwrap_or_default();
        let mut all: Vec<ManagedResource> = rts
            .iter()
            .flat_map(|rt| rt.spec.managed_resources.iter().cloned())
            .filter(|m| {
                // skipGC records go with the app unless a `never` rule
                // selects the object (its recorded form carries the labels).
                !m.skip_gc
                    || m.raw
                        .as_ref()
                        .is_some_and(|raw| policies.gc_strategy(raw) != GcStrategy::Never)
            })
            .collect();
        delete_in_order(ctx, app, &mut all, &order).await?;
    }
    for rt in &rts {
        Trackers::delete(&ctx.client, rt).await?;
    }
    let revs: Api<ApplicationRevision> = Api::namespaced(ctx.client.clone(), &ns);
    let rlp = ListParams::default().labels(&format!("{}={name}", L::APP_NAME));
    for r in revs.list(&rlp).await?.items {
        match revs.delete(&r.name_any(), &DeleteParams::default()).await {
            Ok(_) => {}
            Err(kube::Error::Api(s)) if s.code == 404 => {}
            Err(e) => return Err(e.into()),
        }
    }
    crate::provider::ContextStore::new(&ctx.client, &ns, &name)
        .delete()
        .await?;
    let fins: Vec<String> = app
        .finalizers()
        .iter()
        .filter(|f| *f != FINALIZER && *f != FINALIZER_ORPHAN)
        .cloned()
        .collect();
    let p = json!({"metadata": {"finalizers": fins}});
    match apps
        .patch(&name, &PatchParams::default(), &Patch::Merge(&p))
        .await
    {
        Ok(_) => {}
        Err(kube::Error::Api(s)) if s.code == 404 => {}
        Err(e) => return Err(e.into()),
    }
    tracing::info!(app = %key, "deleted with everything it created");
    ctx.forget(key);
    Ok(Action::await_change())
}

async fn publish(ctx: &Ctx, app: &Application, type_: EventType, reason: &str, note: &str) {
    let ev = Event {
        type_,
        reason: reason.into(),
        note: Some(note.chars().take(1000).collect()),
        action: "Reconcile".into(),
        secondary: None,
    };
    if let Err(e) = ctx.recorder.publish(&ev, &app.object_ref(&())).await {
        tracing::debug!(error = %e, "publishing an event");
    }
}

/// `30s`, `5m`, `1h`, `1h30m`, `250ms`.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let mut total = Duration::ZERO;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let unit = if c == 'm' && chars.peek() == Some(&'s') {
            chars.next();
            "ms"
        } else {
            match c {
                'h' => "h",
                'm' => "m",
                's' => "s",
                _ => return None,
            }
        };
        let n: f64 = num.parse().ok()?;
        num.clear();
        total += Duration::from_secs_f64(match unit {
            "h" => n * 3600.0,
            "m" => n * 60.0,
            "s" => n,
            _ => n / 1000.0,
        });
    }
    if !num.is_empty() {
        return None;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_duration("5"), None);
        assert_eq!(parse_duration("5x"), None);
    }
}
