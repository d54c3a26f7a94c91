//! The workload-status simulator: makes workloads report the progress a real
//! cluster's controllers and kubelets would, without running anything (in the
//! spirit of kwok).
//!
//! It is a client like any other: it watches through kube-rs, so it works against
//! `roam local` (started in-process) and against any API server (`roam simulate
//! --kubeconfig K`). What it does:
//!
//! - **Deployments** get a ReplicaSet per pod template (`<name>-<pod-template-hash>`,
//!   owned by the Deployment; older ones are scaled to 0) and the status a rollout
//!   reports: at once `observedGeneration` with `Progressing=True/ReplicaSetUpdated`
//!   (and `Available=False` on a first rollout); after the delay every replica
//!   ready, updated and available, `Available=True/MinimumReplicasAvailable`,
//!   `Progressing=True/NewReplicaSetAvailable`.
//! - **ReplicaSets**, **StatefulSets** and **DaemonSets** (one simulated node) likewise.
//! - **Jobs** are active, then after the delay complete: `succeeded` = completions,
//!   `SuccessCriteriaMet` and `Complete` conditions.
//! - **Services** without a cluster IP get one from 10.96.0.0/12.
//! - With [`Config::pods`], ReplicaSets, StatefulSets, DaemonSets and Jobs get Pods
//!   (Running and Ready, or Succeeded for Jobs) once they are ready.
//!
//! Everything it writes is marked: objects it touches or creates carry the
//! annotation [`ANNOTATION`]`: "true"`, and condition messages end in "(simulated)".

use kube::api::{
    Api, ApiResource, DeleteParams, DynamicObject, GroupVersionKind, ListParams, Patch,
    PatchParams, PostParams,
};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::watcher;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The annotation on every object the simulator writes.
pub const ANNOTATION: &str = "roam.dev/simulated";
/// The field manager of the simulator's writes.
pub const FIELD_MANAGER: &str = "roam-simulator";
/// The one node simulated pods and DaemonSets run on.
pub const NODE: &str = "roam-simulated-node";
/// Appended to every status message the simulator writes.
const SIMULATED: &str = "(simulated)";

/// How the simulator behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// How long a workload takes to become ready (per generation), and a Job to complete.
    pub delay: Duration,
    /// Create simulated Pods for ReplicaSets, StatefulSets, DaemonSets and Jobs.
    pub pods: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            delay: Duration::from_secs(1),
            pods: false,
        }
    }
}

/// Parses a delay such as `2s`, `500ms`, `1m` or a plain number of seconds.
pub fn parse_delay(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let n: f64 = num
        .parse()
        .map_err(|_| format!("invalid delay {s:?} (examples: 2s, 500ms, 1m)"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        _ => return Err(format!("invalid delay {s:?}: unit must be ms, s or m")),
    };
    Ok(Duration::from_secs_f64(secs))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Deployment,
    ReplicaSet,
    StatefulSet,
    DaemonSet,
    Job,
    Service,
}

impl Kind {
    const ALL: [Kind; 6] = [
        Kind::Deployment,
        Kind::ReplicaSet,
        Kind::StatefulSet,
        Kind::DaemonSet,
        Kind::Job,
        Kind::Service,
    ];

    fn resource(self) -> ApiResource {
        let (g, v, k, p) = match self {
            Kind::Deployment => ("apps", "v1", "Deployment", "deployments"),
            Kind::ReplicaSet => ("apps", "v1", "ReplicaSet", "replicasets"),
            Kind::StatefulSet => ("apps", "v1", "StatefulSet", "statefulsets"),
            Kind::DaemonSet => ("apps", "v1", "DaemonSet", "daemonsets"),
            Kind::Job => ("batch", "v1", "Job", "jobs"),
            Kind::Service => ("", "v1", "Service", "services"),
        };
        ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(g, v, k), p)
    }
}

fn pods_resource() -> ApiResource {
    ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk("", "v1", "Pod"), "pods")
}

/// An error of one reconciliation; it is retried.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SimError(String);

impl From<kube::Error> for SimError {
    fn from(e: kube::Error) -> Self {
        SimError(e.to_string())
    }
}

impl From<serde_json::Error> for SimError {
    fn from(e: serde_json::Error) -> Self {
        SimError(e.to_string())
    }
}

struct Ctx {
    client: kube::Client,
    cfg: Config,
    /// uid → (generation, when the simulator first saw it).
    seen: Mutex<HashMap<String, (i64, Instant)>>,
    /// Cluster IPs handed out or seen.
    ips: Mutex<HashSet<String>>,
}

impl Ctx {
    /// How long until the object's current generation is ready (`None`: it is).
    fn remaining(&self, uid: &str, generation: i64) -> Option<Duration> {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let entry = seen
            .entry(uid.to_string())
            .or_insert((generation, Instant::now()));
        if entry.0 != generation {
            *entry = (generation, Instant::now());
        }
        self.cfg.delay.checked_sub(entry.1.elapsed())
    }

    fn done(&self, uid: &str) {
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(uid);
    }

    fn api(&self, kind: Kind, ns: &str) -> Api<DynamicObject> {
        Api::namespaced_with(self.client.clone(), ns, &kind.resource())
    }
}

/// Runs the simulator until the returned future is dropped. Errors of single
/// objects are retried; the watches survive API server restarts.
pub async fn run(client: kube::Client, cfg: Config) {
    use futures_util::StreamExt;
    let ctx = Arc::new(Ctx {
        client: client.clone(),
        cfg,
        seen: Mutex::new(HashMap::new()),
        ips: Mutex::new(HashSet::new()),
    });
    let controllers = Kind::ALL.map(|kind| {
        let ar = kind.resource();
        let api: Api<DynamicObject> = Api::all_with(client.clone(), &ar);
        Controller::new_with(api, watcher::Config::default(), ar)
            .run(
                move |obj, ctx| reconcile(kind, obj, ctx),
                error_policy,
                ctx.clone(),
            )
            .for_each(|r| {
                if let Err(e) = r {
                    tracing::debug!("simulator: {e}");
                }
                futures_util::future::ready(())
            })
    });
    futures_util::future::join_all(controllers).await;
}

/// A kube client from a kubeconfig file (or, with `None`, the usual inference:
/// `$KUBECONFIG`, `~/.kube/config`, in-cluster), optionally for one context.
pub async fn client_from_kubeconfig(
    path: Option<&std::path::Path>,
    context: Option<&str>,
) -> Result<kube::Client, String> {
    let opts = kube::config::KubeConfigOptions {
        context: context.map(str::to_string),
        ..Default::default()
    };
    let config = match path {
        Some(p) => {
            let kc = kube::config::Kubeconfig::read_from(p)
                .map_err(|e| format!("{}: {e}", p.display()))?;
            kube::Config::from_custom_kubeconfig(kc, &opts)
                .await
                .map_err(|e| format!("{}: {e}", p.display()))?
        }
        None if context.is_some() => kube::Config::from_kubeconfig(&opts)
            .await
            .map_err(|e| format!("loading the kubeconfig: {e}"))?,
        None => kube::Config::infer()
            .await
            .map_err(|e| format!("finding a kubeconfig: {e}"))?,
    };
    kube::Client::try_from(config).map_err(|e| format!("creating the client: {e}"))
}

fn error_policy(_obj: Arc<DynamicObject>, err: &SimError, _ctx: Arc<Ctx>) -> Action {
    tracing::debug!("simulator: {err}; retrying");
    Action::requeue(Duration::from_millis(500))
}

async fn reconcile(kind: Kind, obj: Arc<DynamicObject>, ctx: Arc<Ctx>) -> Result<Action, SimError> {
    let o = serde_json::to_value(&*obj)?;
    if o["metadata"]["deletionTimestamp"].is_string() {
        return Ok(Action::await_change());
    }
    let ns = o["metadata"]["namespace"]
        .as_str()
        .unwrap_or("default")
        .to_string();
    let api = ctx.api(kind, &ns);
    if kind == Kind::Service {
        service(&ctx, &api, &o).await?;
        return Ok(Action::await_change());
    }
    mark(&api, &o, Map::new(), kind == Kind::Deployment).await?;
    if kind == Kind::Deployment {
        deployment_replicasets(&ctx, &ns, &o).await?;
    }
    let uid = o["metadata"]["uid"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let generation = o["metadata"]["generation"].as_i64().unwrap_or(0);
    let status = &o["status"];
    let fin = final_status(kind, &o);
    if covers(status, &fin) {
        ctx.done(&uid);
        if ctx.cfg.pods {
            pods(&ctx, kind, &o, true).await?;
        }
        return Ok(Action::await_change());
    }
    if let Some(wait) = ctx.remaining(&uid, generation) {
        let mid = progress_status(kind, &o);
        if !covers(status, &mid) {
            patch_status(&api, &o, mid).await?;
        }
        if ctx.cfg.pods {
            pods(&ctx, kind, &o, false).await?;
        }
        // Re-checked at the deadline (and on every change before it).
        return Ok(Action::requeue(wait + Duration::from_millis(5)));
    }
    if ctx.cfg.pods {
        pods(&ctx, kind, &o, true).await?;
    }
    patch_status(&api, &o, fin).await?;
    ctx.done(&uid);
    Ok(Action::await_change())
}

fn name_of(o: &Value) -> &str {
    o["metadata"]["name"].as_str().unwrap_or_default()
}

/// Adds the simulated annotation (and `extra` annotations) to an object when missing.
/// `via_status`: through the status subresource, as the deployment controller
/// writes a Deployment's annotations (on the main resource, an annotation
/// change bumps a Deployment's generation).
async fn mark(
    api: &Api<DynamicObject>,
    o: &Value,
    mut extra: Map<String, Value>,
    via_status: bool,
) -> Result<(), SimError> {
    extra.insert(ANNOTATION.into(), json!("true"));
    let annotations = &o["metadata"]["annotations"];
    if extra.iter().all(|(k, v)| &annotations[k] == v) {
        return Ok(());
    }
    let patch = json!({"metadata": {"annotations": extra}});
    if via_status {
        api.patch_status(name_of(o), &params(), &Patch::Merge(&patch))
            .await?;
    } else {
        api.patch(name_of(o), &params(), &Patch::Merge(&patch))
            .await?;
    }
    Ok(())
}

fn params() -> PatchParams {
    PatchParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..Default::default()
    }
}

async fn patch_status(api: &Api<DynamicObject>, o: &Value, status: Value) -> Result<(), SimError> {
    let patch = json!({ "status": status });
    api.patch_status(name_of(o), &params(), &Patch::Merge(&patch))
        .await?;
    Ok(())
}

/// Whether merging `overlay` into `status` changes nothing.
fn covers(status: &Value, overlay: &Value) -> bool {
    let mut merged = status.clone();
    if !merged.is_object() {
        merged = json!({});
    }
    crate::patch::merge_patch(&mut merged, overlay);
    &merged == status
}

fn now() -> String {
    crate::object::now()
}

/// A condition list with `wanted` (type, status, reason, message) set: an unchanged
/// condition keeps its timestamps, a changed one gets new ones; others are kept.
fn conditions(status: &Value, wanted: &[(&str, &str, &str, String)], update_time: bool) -> Value {
    let mut out: Vec<Value> = status["conditions"].as_array().cloned().unwrap_or_default();
    for (ty, st, reason, message) in wanted {
        let message = format!("{message} {SIMULATED}");
        let existing = out.iter().position(|c| c["type"] == *ty);
        let old = existing.map(|i| out[i].clone());
        if let Some(c) = &old
            && c["status"] == *st
            && c["reason"] == *reason
            && c["message"] == message.as_str()
        {
            continue;
        }
        let transition = match &old {
            Some(c) if c["status"] == *st => c["lastTransitionTime"].clone(),
            _ => json!(now()),
        };
        let mut c = json!({
            "type": ty, "status": st, "reason": reason, "message": message,
            "lastTransitionTime": transition,
        });
        if update_time {
            c["lastUpdateTime"] = json!(now());
        }
        match existing {
            Some(i) => out[i] = c,
            None => out.push(c),
        }
    }
    Value::Array(out)
}

fn replicas(o: &Value) -> i64 {
    o["spec"]["replicas"].as_i64().unwrap_or(1)
}

fn condition_true(status: &Value, ty: &str) -> bool {
    status["conditions"]
        .as_array()
        .is_some_and(|cs| cs.iter().any(|c| c["type"] == ty && c["status"] == "True"))
}

/// The status once the workload's current generation is ready (as an overlay).
fn final_status(kind: Kind, o: &Value) -> Value {
    let st = &o["status"];
    let generation = o["metadata"]["generation"].clone();
    let r = replicas(o);
    match kind {
        Kind::Deployment => {
            let rs = format!("{}-{}", name_of(o), template_hash(&o["spec"]["template"]));
            json!({
                "observedGeneration": generation,
                "replicas": r, "updatedReplicas": r, "readyReplicas": r, "availableReplicas": r,
                "unavailableReplicas": null,
                "conditions": conditions(st, &[
                    ("Available", "True", "MinimumReplicasAvailable",
                     "Deployment has minimum availability.".into()),
                    ("Progressing", "True", "NewReplicaSetAvailable",
                     format!("ReplicaSet \"{rs}\" has successfully progressed.")),
                ], true),
            })
        }
        Kind::ReplicaSet => json!({
            "observedGeneration": generation,
            "replicas": r, "fullyLabeledReplicas": r, "readyReplicas": r, "availableReplicas": r,
        }),
        Kind::StatefulSet => {
            let rev = format!("{}-{}", name_of(o), template_hash(&o["spec"]["template"]));
            json!({
                "observedGeneration": generation,
                "replicas": r, "readyReplicas": r, "currentReplicas": r, "updatedReplicas": r,
                "availableReplicas": r, "currentRevision": rev, "updateRevision": rev,
                "collisionCount": 0,
            })
        }
        Kind::DaemonSet => json!({
            "observedGeneration": generation,
            "currentNumberScheduled": 1, "desiredNumberScheduled": 1, "numberMisscheduled": 0,
            "numberReady": 1, "numberAvailable": 1, "updatedNumberScheduled": 1,
            "numberUnavailable": null,
        }),
        Kind::Job => {
            if o["spec"]["suspend"].as_bool() == Some(true) {
                return json!({
                    "active": null,
                    "conditions": conditions(st, &[("Suspended", "True", "JobSuspended",
                        "Job suspended".into())], false),
                });
            }
            if condition_true(st, "Complete") {
                return json!({});
            }
            let completions = o["spec"]["completions"].as_i64().unwrap_or(1);
            let stamp = st["completionTime"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(now);
            let done = "Reached expected number of succeeded pods".to_string();
            let mut wanted = vec![
                (
                    "SuccessCriteriaMet",
                    "True",
                    "CompletionsReached",
                    done.clone(),
                ),
                ("Complete", "True", "CompletionsReached", done),
            ];
            if st["conditions"]
                .as_array()
                .is_some_and(|cs| cs.iter().any(|c| c["type"] == "Suspended"))
            {
                wanted.insert(
                    0,
                    ("Suspended", "False", "JobResumed", "Job resumed".into()),
                );
            }
            let start = st["startTime"].as_str().map(str::to_string);
            json!({
                "startTime": start.unwrap_or_else(|| stamp.clone()),
                "completionTime": stamp,
                "active": null, "ready": 0, "terminating": 0, "succeeded": completions,
                "uncountedTerminatedPods": {},
                "conditions": conditions(st, &wanted, false),
            })
        }
        Kind::Service => json!({}),
    }
}

/// The status while the current generation is rolling out (as an overlay).
fn progress_status(kind: Kind, o: &Value) -> Value {
    let st = &o["status"];
    let generation = o["metadata"]["generation"].clone();
    let r = replicas(o);
    let prev_ready = st["readyReplicas"].as_i64().unwrap_or(0).min(r);
    match kind {
        Kind::Deployment => {
            let rs = format!("{}-{}", name_of(o), template_hash(&o["spec"]["template"]));
            let was_available = condition_true(st, "Available");
            let available = if was_available { prev_ready } else { 0 };
            let mut wanted = vec![(
                "Progressing",
                "True",
                "ReplicaSetUpdated",
                format!("ReplicaSet \"{rs}\" is progressing."),
            )];
            if !was_available {
                wanted.insert(
                    0,
                    (
                        "Available",
                        "False",
                        "MinimumReplicasUnavailable",
                        "Deployment does not have minimum availability.".into(),
                    ),
                );
            }
            json!({
                "observedGeneration": generation,
                "replicas": r,
                "updatedReplicas": if was_available { 0 } else { r },
                "readyReplicas": available, "availableReplicas": available,
                "unavailableReplicas": r - available,
                "conditions": conditions(st, &wanted, true),
            })
        }
        Kind::ReplicaSet => json!({
            "observedGeneration": generation,
            "replicas": r, "fullyLabeledReplicas": r, "readyReplicas": prev_ready,
            "availableReplicas": prev_ready,
        }),
        Kind::StatefulSet => {
            let rev = format!("{}-{}", name_of(o), template_hash(&o["spec"]["template"]));
            let current = st["currentRevision"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| rev.clone());
            let first = current == rev;
            json!({
                "observedGeneration": generation,
                "replicas": r, "readyReplicas": if first { 0 } else { prev_ready },
                "currentReplicas": if first { 0 } else { prev_ready }, "updatedReplicas": 0,
                "availableReplicas": if first { 0 } else { prev_ready },
                "currentRevision": current, "updateRevision": rev, "collisionCount": 0,
            })
        }
        Kind::DaemonSet => json!({
            "observedGeneration": generation,
            "currentNumberScheduled": 1, "desiredNumberScheduled": 1, "numberMisscheduled": 0,
            "numberReady": 0, "numberAvailable": 0, "updatedNumberScheduled": 0,
            "numberUnavailable": 1,
        }),
        Kind::Job => {
            if o["spec"]["suspend"].as_bool() == Some(true) || condition_true(st, "Complete") {
                return final_status(kind, o);
            }
            let completions = o["spec"]["completions"].as_i64().unwrap_or(1);
            let parallelism = o["spec"]["parallelism"].as_i64().unwrap_or(1);
            json!({
                "startTime": st["startTime"].as_str().map(str::to_string).unwrap_or_else(now),
                "active": parallelism.min(completions).max(0), "ready": 0, "terminating": 0,
                "uncountedTerminatedPods": {},
            })
        }
        Kind::Service => json!({}),
    }
}

/// FNV-1a over the template with sorted keys, in Kubernetes' "safe" alphabet
/// (as `pod-template-hash` and controller revisions look).
pub fn template_hash(template: &Value) -> String {
    fn canonical(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                // Nulls are left out: `creationTimestamp: null` (as
                // kube-apiserver stores a template's) is the same template as
                // none, and typed clients drop it.
                let sorted: BTreeMap<&String, Value> = m
                    .iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k, canonical(v)))
                    .collect();
                Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), v)).collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(canonical).collect()),
            other => other.clone(),
        }
    }
    let text = canonical(template).to_string();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut out = String::new();
    for _ in 0..10 {
        out.push(ALPHABET[(h % ALPHABET.len() as u64) as usize] as char);
        h /= ALPHABET.len() as u64;
    }
    out
}

/// An owner reference to `o`, of kind `kind`. The kind is passed because
/// kube-apiserver leaves `apiVersion` and `kind` out of list items.
fn owner_ref(kind: Kind, o: &Value) -> Value {
    let r = kind.resource();
    json!({
        "apiVersion": r.api_version, "kind": r.kind, "name": o["metadata"]["name"],
        "uid": o["metadata"]["uid"], "controller": true, "blockOwnerDeletion": true,
    })
}

fn owned_by(o: &Value, uid: &str) -> bool {
    o["metadata"]["ownerReferences"]
        .as_array()
        .is_some_and(|refs| refs.iter().any(|r| r["uid"] == uid))
}

/// The objects `uid` owns, among those matching the owner's `selector`
/// (its `matchLabels`, which what it creates carries): the server filters,
/// so a namespace with thousands of workloads is not listed per reconcile.
async fn list_owned(
    api: &Api<DynamicObject>,
    uid: &str,
    selector: &Value,
) -> Result<Vec<Value>, SimError> {
    let labels: Vec<String> = selector["matchLabels"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| format!("{k}={v}")))
                .collect()
        })
        .unwrap_or_default();
    let lp = if labels.is_empty() {
        ListParams::default()
    } else {
        ListParams::default().labels(&labels.join(","))
    };
    let list = api.list(&lp).await?;
    let mut out = Vec::new();
    for item in list.items {
        let v = serde_json::to_value(&item)?;
        if owned_by(&v, uid) {
            out.push(v);
        }
    }
    Ok(out)
}

/// The Deployment controller's part: the ReplicaSet of the current pod template
/// exists with the Deployment's replica count; older ReplicaSets are scaled to 0.
async fn deployment_replicasets(ctx: &Ctx, ns: &str, d: &Value) -> Result<(), SimError> {
    let uid = d["metadata"]["uid"].as_str().unwrap_or_default();
    let hash = template_hash(&d["spec"]["template"]);
    let rs_name = format!("{}-{hash}", name_of(d));
    let api = ctx.api(Kind::ReplicaSet, ns);
    let owned = list_owned(&api, uid, &d["spec"]["selector"]).await?;
    let revision_of = |rs: &Value| -> i64 {
        rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    };
    let r = replicas(d);
    let current = owned.iter().find(|rs| name_of(rs) == rs_name);
    let revision = match current {
        Some(rs) => revision_of(rs),
        None => owned.iter().map(revision_of).max().unwrap_or(0) + 1,
    };
    match current {
        None => {
            let mut template = d["spec"]["template"].clone();
            template["metadata"]["labels"]["pod-template-hash"] = json!(hash);
            let mut selector = d["spec"]["selector"].clone();
            if !selector.is_object() {
                selector = json!({});
            }
            selector["matchLabels"]["pod-template-hash"] = json!(hash);
            let rs = json!({
                "apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": {
                    "name": rs_name, "namespace": ns,
                    "labels": template["metadata"]["labels"],
                    "annotations": {
                        ANNOTATION: "true",
                        "deployment.kubernetes.io/revision": revision.to_string(),
                        "deployment.kubernetes.io/desired-replicas": r.to_string(),
                        "deployment.kubernetes.io/max-replicas": r.to_string(),
                    },
                    "ownerReferences": [owner_ref(Kind::Deployment, d)],
                },
                "spec": {
                    "replicas": r,
                    "minReadySeconds": d["spec"]["minReadySeconds"].as_i64().unwrap_or(0),
                    "selector": selector,
                    "template": template,
                },
            });
            let rs: DynamicObject = serde_json::from_value(rs)?;
            match api
                .create(
                    &PostParams {
                        field_manager: Some(FIELD_MANAGER.into()),
                        ..Default::default()
                    },
                    &rs,
                )
                .await
            {
                Ok(_) => {}
                Err(kube::Error::Api(e)) if e.code == 409 => {}
                Err(e) => return Err(e.into()),
            }
        }
        Some(rs) if replicas(rs) != r => {
            let patch = json!({"metadata": {"annotations": {
                "deployment.kubernetes.io/desired-replicas": r.to_string(),
                "deployment.kubernetes.io/max-replicas": r.to_string(),
            }}, "spec": {"replicas": r}});
            api.patch(&rs_name, &params(), &Patch::Merge(&patch))
                .await?;
        }
        Some(_) => {}
    }
    for old in owned.iter().filter(|rs| name_of(rs) != rs_name) {
        if replicas(old) != 0 {
            let patch = json!({"spec": {"replicas": 0}});
            api.patch(name_of(old), &params(), &Patch::Merge(&patch))
                .await?;
        }
    }
    let mut extra = Map::new();
    extra.insert(
        "deployment.kubernetes.io/revision".into(),
        json!(revision.to_string()),
    );
    mark(&ctx.api(Kind::Deployment, ns), d, extra, true).await
}

/// A cluster IP for Services that have none (not for `ExternalName` or headless ones).
async fn service(ctx: &Ctx, api: &Api<DynamicObject>, s: &Value) -> Result<(), SimError> {
    let spec = &s["spec"];
    if let Some(ip) = spec["clusterIP"].as_str().filter(|ip| !ip.is_empty()) {
        ctx.ips
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(ip.to_string());
        return Ok(());
    }
    if spec["type"] == "ExternalName" {
        return Ok(());
    }
    // 10.96.0.0/12, skipping .0 and the first address (the `kubernetes` service's).
    let uid = s["metadata"]["uid"].as_str().unwrap_or_default();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in uid.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let size: u64 = 1 << 20;
    let ip = {
        let mut ips = ctx.ips.lock().unwrap_or_else(|e| e.into_inner());
        let mut n = h % size;
        let ip = loop {
            let host = n.max(2);
            let ip = format!(
                "10.{}.{}.{}",
                96 + (host >> 16),
                (host >> 8) & 0xff,
                host & 0xff
            );
            if host & 0xff != 0 && host & 0xff != 255 && !ips.contains(&ip) {
                break ip;
            }
            n = (n + 1) % size;
        };
        ips.insert(ip.clone());
        ip
    };
    let patch = json!({
        "metadata": {"annotations": {ANNOTATION: "true"}},
        "spec": {"clusterIP": ip, "clusterIPs": [ip], "ipFamilies": ["IPv4"],
                 "ipFamilyPolicy": "SingleStack"},
    });
    api.patch(name_of(s), &params(), &Patch::Merge(&patch))
        .await?;
    Ok(())
}

/// Simulated Pods of a workload: created when it is ready (`ready`), Running and
/// Ready (Succeeded for Jobs); extra ones are deleted.
async fn pods(ctx: &Ctx, kind: Kind, o: &Value, ready: bool) -> Result<(), SimError> {
    if matches!(kind, Kind::Deployment | Kind::Service) || !ready {
        return Ok(());
    }
    let ns = o["metadata"]["namespace"].as_str().unwrap_or("default");
    let name = name_of(o);
    let uid = o["metadata"]["uid"].as_str().unwrap_or_default();
    let api: Api<DynamicObject> = Api::namespaced_with(ctx.client.clone(), ns, &pods_resource());
    // Pods are made from the template, so they carry the selector's labels.
    let owned = list_owned(&api, uid, &o["spec"]["selector"]).await?;
    // Desired pods: fixed names for StatefulSets, a count for the others.
    let (count, fixed): (i64, Option<Vec<String>>) = match kind {
        Kind::StatefulSet => {
            let r = replicas(o);
            (r, Some((0..r).map(|i| format!("{name}-{i}")).collect()))
        }
        Kind::DaemonSet => (1, None),
        Kind::Job => {
            if o["spec"]["suspend"].as_bool() == Some(true) {
                return Ok(());
            }
            (o["spec"]["completions"].as_i64().unwrap_or(1), None)
        }
        _ => (replicas(o), None),
    };
    let mut extra: Vec<&Value> = Vec::new();
    let mut missing: Vec<Option<String>> = Vec::new();
    match &fixed {
        Some(names) => {
            for p in &owned {
                if !names.iter().any(|n| n == name_of(p)) {
                    extra.push(p);
                }
            }
            for n in names {
                if !owned.iter().any(|p| name_of(p) == n) {
                    missing.push(Some(n.clone()));
                }
            }
        }
        None => {
            let have = owned.len() as i64;
            let mut sorted: Vec<&Value> = owned.iter().collect();
            sorted.sort_by_key(|p| std::cmp::Reverse(name_of(p).to_string()));
            extra.extend(sorted.into_iter().take((have - count).max(0) as usize));
            missing.extend((0..(count - have).max(0)).map(|_| None));
        }
    }
    // Grace period 0, as a kubelet confirms a deletion: kube-apiserver keeps a
    // scheduled Pod terminating for its grace period otherwise.
    let now = DeleteParams {
        grace_period_seconds: Some(0),
        ..DeleteParams::default()
    };
    for p in extra {
        match api.delete(name_of(p), &now).await {
            Ok(_) => {}
            Err(kube::Error::Api(e)) if e.code == 404 => {}
            Err(e) => return Err(e.into()),
        }
    }
    let template = &o["spec"]["template"];
    for pod_name in missing {
        let mut meta = json!({
            "namespace": ns,
            "labels": template["metadata"]["labels"],
            "annotations": template["metadata"]["annotations"],
            "ownerReferences": [owner_ref(kind, o)],
        });
        if !meta["annotations"].is_object() {
            meta["annotations"] = json!({});
        }
        meta["annotations"][ANNOTATION] = json!("true");
        if !meta["labels"].is_object() {
            meta["labels"] = json!({});
        }
        match &pod_name {
            Some(n) => {
                meta["name"] = json!(n);
                meta["labels"]["statefulset.kubernetes.io/pod-name"] = json!(n);
            }
            None => meta["generateName"] = json!(format!("{name}-")),
        }
        let mut spec = template["spec"].clone();
        if !spec.is_object() {
            spec = json!({});
        }
        spec["nodeName"] = json!(NODE);
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec});
        let pod: DynamicObject = serde_json::from_value(pod)?;
        let created = match api
            .create(
                &PostParams {
                    field_manager: Some(FIELD_MANAGER.into()),
                    ..Default::default()
                },
                &pod,
            )
            .await
        {
            Ok(p) => serde_json::to_value(&p)?,
            Err(kube::Error::Api(e)) if e.code == 409 => continue,
            Err(e) => return Err(e.into()),
        };
        let status = pod_status(&created, kind == Kind::Job);
        patch_status(&api, &created, status).await?;
    }
    Ok(())
}

/// The status of a simulated Pod: Running and Ready, or Succeeded (`completed`).
fn pod_status(pod: &Value, completed: bool) -> Value {
    let t = now();
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or_default();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in format!("{ns}/{}", name_of(pod)).bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let ip = format!("10.244.{}.{}", (h >> 8) % 256, (h % 253) + 2);
    let containers = pod["spec"]["containers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let statuses: Vec<Value> = containers
        .iter()
        .map(|c| {
            let state = if completed {
                json!({"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": t,
                                      "finishedAt": t, "message": format!("no container ran {SIMULATED}")}})
            } else {
                json!({"running": {"startedAt": t}})
            };
            json!({
                "name": c["name"], "image": c["image"], "imageID": "",
                "containerID": format!("simulated://{}", c["name"].as_str().unwrap_or_default()),
                "ready": !completed, "started": !completed, "restartCount": 0, "state": state,
            })
        })
        .collect();
    let ready = if completed { "False" } else { "True" };
    let cond = |ty: &str, st: &str| {
        json!({"type": ty, "status": st, "lastProbeTime": null, "lastTransitionTime": t,
               "message": format!("no containers run {SIMULATED}")})
    };
    json!({
        "phase": if completed { "Succeeded" } else { "Running" },
        "message": format!("simulated by roam: no containers run {SIMULATED}"),
        "conditions": [
            cond("PodReadyToStartContainers", ready),
            cond("Initialized", "True"),
            cond("Ready", ready),
            cond("ContainersReady", ready),
            cond("PodScheduled", "True"),
        ],
        "hostIP": "10.0.0.1", "hostIPs": [{"ip": "10.0.0.1"}],
        "podIP": ip, "podIPs": [{"ip": ip}],
        "startTime": t, "qosClass": "BestEffort",
        "containerStatuses": statuses,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays() {
        assert_eq!(parse_delay("2s").unwrap(), Duration::from_secs(2));
        assert_eq!(parse_delay("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_delay("1m").unwrap(), Duration::from_secs(60));
        assert_eq!(parse_delay("3").unwrap(), Duration::from_secs(3));
        assert!(parse_delay("soon").is_err());
        assert!(parse_delay("3h").is_err());
    }

    #[test]
    fn template_hash_ignores_key_order() {
        let a = json!({"metadata": {"labels": {"a": "1", "b": "2"}}, "spec": {"x": 1}});
        let b = json!({"spec": {"x": 1}, "metadata": {"labels": {"b": "2", "a": "1"}}});
        assert_eq!(template_hash(&a), template_hash(&b));
        assert_ne!(template_hash(&a), template_hash(&json!({})));
        assert_eq!(template_hash(&a).len(), 10);
    }

    #[test]
    fn final_deployment_status_is_stable() {
        let d = json!({"metadata": {"name": "web", "generation": 3}, "spec": {"replicas": 2}});
        let fin = final_status(Kind::Deployment, &d);
        let mut applied = d.clone();
        applied["status"] = json!({});
        crate::patch::merge_patch(&mut applied["status"], &fin);
        assert_eq!(applied["status"]["observedGeneration"], 3);
        assert_eq!(applied["status"]["availableReplicas"], 2);
        // Recomputed from the written status, nothing changes (no write loop).
        assert!(covers(
            &applied["status"],
            &final_status(Kind::Deployment, &applied)
        ));
        assert!(
            applied["status"]["conditions"][0]["message"]
                .as_str()
                .unwrap()
                .ends_with("(simulated)")
        );
    }
}
