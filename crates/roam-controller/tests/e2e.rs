//! End-to-end: the controller against the local control plane (in-process,
//! in-memory store) with the workload simulator making Deployments ready.

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Event, Service};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, DeleteParams, DynamicObject, ListParams, Patch, PatchParams, PostParams};
use kube::{Client, ResourceExt};
use roam_api::{Application, ApplicationRevision, ResourceTracker};
use roam_apiserver::{ApiServer, Store};
use serde_json::{Value, json};

/// Which API server a test runs against.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Server {
    /// `roam local` in-process, in-memory store.
    Roam,
    /// A real etcd + kube-apiserver of the test's own (the controller is
    /// cluster-wide, so it is not shared).
    Kube,
}

struct Env {
    client: Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    controller: tokio::task::JoinHandle<()>,
    metrics: Arc<roam_controller::metrics::Metrics>,
    _kube: Option<roam_testenv::KubeApiserver>,
}

/// Each test runs against roam local and against kube-apiserver (skipped
/// with a notice when its binaries are missing, except under CI).
macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn roam() {
                if let Some(env) = super::Env::start(super::Server::Roam).await {
                    super::$name(env).await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn kube() {
                if let Some(env) = super::Env::start(super::Server::Kube).await {
                    super::$name(env).await;
                }
            }
        }
    };
}

impl Env {
    async fn start(server: Server) -> Option<Env> {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
        let (client, kube) = match server {
            Server::Roam => {
                let server = ApiServer::new(Arc::new(Store::in_memory()), None).expect("server");
                (roam_apiserver::in_process_client(server), None)
            }
            Server::Kube => {
                let bins = roam_testenv::Binaries::or_skip("the controller's e2e tests")?;
                let api =
                    tokio::task::spawn_blocking(move || roam_testenv::KubeApiserver::start(&bins))
                        .await
                        .expect("join")
                        .unwrap_or_else(|e| panic!("kube-apiserver did not start: {e}"));
                (api.client("default").await, Some(api))
            }
        };
        let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
        for crd in roam_api::crds() {
            crds.create(&PostParams::default(), &crd)
                .await
                .expect("crd");
        }
        // A real apiserver serves a CRD a moment after it is created.
        for _ in 0..100 {
            if roam_controller::runner::check_crds(&client).await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tokio::spawn(roam_apiserver::simulator::run(
            client.clone(),
            roam_apiserver::simulator::Config {
                delay: Duration::from_millis(300),
                pods: false,
            },
        ));
        let config = roam_controller::Config {
            state_keep_interval: Duration::from_secs(1),
            ..Default::default()
        };
        let metrics = Arc::new(roam_controller::metrics::Metrics::new());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let controller = tokio::spawn({
            let client = client.clone();
            let metrics = metrics.clone();
            async move {
                roam_controller::run(client, config, metrics, async move {
                    let _ = rx.await;
                })
                .await
                .expect("controller");
            }
        });
        Some(Env {
            client,
            stop: Some(tx),
            controller,
            metrics,
            _kube: kube,
        })
    }

    fn apps(&self) -> Api<Application> {
        Api::namespaced(self.client.clone(), "default")
    }

    async fn apply_app(&self, app: Value) {
        let name = app["metadata"]["name"].as_str().unwrap().to_string();
        self.apps()
            .patch(
                &name,
                &PatchParams::apply("test").force(),
                &Patch::Apply(&app),
            )
            .await
            .expect("apply app");
    }

    /// Waits (up to 30 s) until the app satisfies `f`; panics with the
    /// app's status otherwise.
    async fn wait_app(
        &self,
        name: &str,
        what: &str,
        f: impl Fn(&Application) -> bool,
    ) -> Application {
        let mut last = None;
        for _ in 0..300 {
            if let Ok(a) = self.apps().get(name).await {
                if f(&a) {
                    return a;
                }
                last = Some(a);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "app {name}: timed out waiting for {what}; last status:\n{}",
            serde_json::to_string_pretty(&last.map(|a| a.status)).unwrap()
        );
    }

    async fn wait_running(&self, name: &str) -> Application {
        self.wait_app(name, "phase running", |a| phase(a) == "running")
            .await
    }

    async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        let _ = tokio::time::timeout(Duration::from_secs(10), &mut self.controller).await;
    }
}

fn phase(a: &Application) -> String {
    a.status
        .as_ref()
        .and_then(|s| s.status)
        .map(|p| {
            serde_json::to_value(p)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .unwrap_or_default()
}

fn condition<'a>(a: &'a Application, t: &str) -> Option<&'a roam_api::Condition> {
    a.status.as_ref()?.conditions.iter().find(|c| c.type_ == t)
}

fn web_app(image: &str, traits: Value) -> Value {
    json!({
        "apiVersion": "core.oam.dev/v1beta1",
        "kind": "Application",
        "metadata": {"name": "shop", "namespace": "default"},
        "spec": {"components": [{
            "name": "web",
            "type": "webservice",
            "properties": {"image": image, "ports": [{"port": 80, "expose": true}]},
            "traits": traits
        }]}
    })
}

async fn wait_gone<K>(api: &Api<K>, name: &str)
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    for _ in 0..300 {
        if api.get_opt(name).await.unwrap().is_none() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{name} still exists");
}

both!(create_update_gc_and_delete);
async fn create_update_gc_and_delete(env: Env) {
    env.apply_app(web_app(
        "nginx:1.27",
        json!([{"type": "scaler", "properties": {"replicas": 2}}, {"type": "labels", "properties": {"team": "shop"}}]),
    ))
    .await;

    // The workflow waits for the Deployment to become ready (the simulator
    // takes 300 ms): the app is seen running its workflow first.
    let first = env
        .wait_app("shop", "a phase", |a| !phase(a).is_empty())
        .await;
    assert_eq!(phase(&first), "runningWorkflow", "{:?}", first.status);

    let app = env.wait_running("shop").await;
    let st = app.status.clone().unwrap();
    assert_eq!(st.latest_revision.as_ref().unwrap().name, "shop-v1");
    assert_eq!(st.observed_generation, app.metadata.generation);
    let wf = st.workflow.as_ref().unwrap();
    assert_eq!(wf.mode, "DAG-DAG");
    assert!(wf.finished);
    assert_eq!(wf.status, "succeeded");
    assert_eq!(wf.steps.len(), 1);
    assert_eq!(wf.steps[0].name, "web");
    assert_eq!(wf.steps[0].type_, "apply-component");
    assert_eq!(wf.steps[0].phase, "succeeded");
    assert_eq!(st.services.len(), 1);
    assert!(st.services[0].healthy);
    assert_eq!(st.services[0].namespace, "default");
    let trait_types: Vec<_> = st.services[0]
        .traits
        .iter()
        .map(|t| t.type_.as_str())
        .collect();
    assert_eq!(trait_types, ["scaler", "labels"]);
    for c in ["Parsed", "Revision", "Render", "Workflow", "Ready"] {
        assert_eq!(
            condition(&app, c).map(|c| c.status.as_str()),
            Some("True"),
            "{c}"
        );
    }
    let mut applied: Vec<_> = st
        .applied_resources
        .iter()
        .map(|r| format!("{}/{}", r.kind, r.name))
        .collect();
    applied.sort();
    assert_eq!(applied, ["Deployment/web", "Service/web"]);
    assert!(
        app.finalizers()
            .iter()
            .any(|f| f == roam_controller::FINALIZER)
    );

    // What was applied: server-side apply under the roam manager, with the
    // OAM labels and the traits' patches.
    let deploys: Api<Deployment> = Api::namespaced(env.client.clone(), "default");
    let d = deploys.get("web").await.unwrap();
    assert_eq!(d.spec.as_ref().unwrap().replicas, Some(2));
    let labels = d.labels();
    assert_eq!(labels["app.oam.dev/name"], "shop");
    assert_eq!(labels["app.oam.dev/component"], "web");
    assert_eq!(labels["app.oam.dev/appRevision"], "shop-v1");
    assert_eq!(labels["team"], "shop");
    let managers: Vec<_> = d
        .managed_fields()
        .iter()
        .filter_map(|m| m.manager.clone())
        .collect();
    assert!(managers.contains(&"roam".to_string()), "{managers:?}");
    let svcs: Api<Service> = Api::namespaced(env.client.clone(), "default");
    assert!(svcs.get_opt("web").await.unwrap().is_some());

    // Trackers and revisions, KubeVela's names.
    let rts: Api<ResourceTracker> = Api::all(env.client.clone());
    let rt = rts.get("shop-v1-default").await.unwrap();
    assert_eq!(rt.spec.managed_resources.len(), 2);
    assert!(rt.spec.managed_resources.iter().all(|m| m.raw.is_some()));
    let revs: Api<ApplicationRevision> = Api::namespaced(env.client.clone(), "default");
    let rev = revs.get("shop-v1").await.unwrap();
    assert!(rev.spec.component_definitions.contains_key("webservice"));
    assert!(rev.spec.trait_definitions.contains_key("scaler"));

    // Update: new image, the expose port dropped (the Service goes).
    let mut updated = web_app(
        "nginx:1.28",
        json!([{"type": "scaler", "properties": {"replicas": 2}}]),
    );
    updated["spec"]["components"][0]["properties"]["ports"] = json!([{"port": 80}]);
    env.apply_app(updated).await;
    let app = env
        .wait_app("shop", "revision 2 running", |a| {
            phase(a) == "running"
                && a.status
                    .as_ref()
                    .unwrap()
                    .latest_revision
                    .as_ref()
                    .unwrap()
                    .name
                    == "shop-v2"
        })
        .await;
    let d = deploys.get("web").await.unwrap();
    let image = d.spec.clone().unwrap().template.spec.unwrap().containers[0]
        .image
        .clone()
        .unwrap();
    assert_eq!(image, "nginx:1.28");
    assert!(!d.labels().contains_key("team"), "the labels trait is gone");
    wait_gone(&svcs, "web").await;
    assert!(
        rts.get_opt("shop-v1-default").await.unwrap().is_none(),
        "old tracker collected"
    );
    let rt = rts
        .get(&format!(
            "shop-v{}-default",
            app.metadata.generation.unwrap()
        ))
        .await
        .unwrap();
    assert_eq!(rt.spec.managed_resources.len(), 1);
    assert!(revs.get_opt("shop-v2").await.unwrap().is_some());
    let events: Api<Event> = Api::namespaced(env.client.clone(), "default");
    let evs = events.list(&ListParams::default()).await.unwrap().items;
    assert!(
        evs.iter()
            .any(|e| e.reason.as_deref() == Some("GarbageCollected")
                && e.message
                    .as_deref()
                    .unwrap_or("")
                    .contains("Service default/web")),
        "{:?}",
        evs.iter()
            .map(|e| (&e.reason, &e.message))
            .collect::<Vec<_>>()
    );

    // Delete: everything the app created goes, then the app.
    env.apps()
        .delete("shop", &DeleteParams::default())
        .await
        .unwrap();
    wait_gone(&env.apps(), "shop").await;
    assert!(deploys.get_opt("web").await.unwrap().is_none());
    let left = rts.list(&ListParams::default()).await.unwrap().items;
    assert!(
        left.is_empty(),
        "{:?}",
        left.iter().map(|r| r.name_any()).collect::<Vec<_>>()
    );
    assert!(
        revs.list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(env.metrics.encode().contains("roam_gc_deletions_total"));
    env.stop().await;
}

both!(drift_is_repaired_and_reported_with_the_manager);
async fn drift_is_repaired_and_reported_with_the_manager(env: Env) {
    env.apply_app(web_app(
        "nginx:1.27",
        json!([{"type": "scaler", "properties": {"replicas": 2}}]),
    ))
    .await;
    env.wait_running("shop").await;
    let deploys: Api<Deployment> = Api::namespaced(env.client.clone(), "default");
    // Someone scales the Deployment by hand.
    let pp = PatchParams {
        field_manager: Some("kubectl-scale".into()),
        ..Default::default()
    };
    deploys
        .patch("web", &pp, &Patch::Merge(json!({"spec": {"replicas": 5}})))
        .await
        .unwrap();
    let app = env
        .wait_app("shop", "a drift report", |a| {
            !a.status.as_ref().unwrap().drift.is_empty()
        })
        .await;
    let report = &app.status.as_ref().unwrap().drift[0];
    assert_eq!(report.kind, "Deployment");
    assert_eq!(report.name, "web");
    assert!(report.repaired);
    let f = report
        .fields
        .iter()
        .find(|f| f.path == "spec.replicas")
        .unwrap_or_else(|| panic!("{report:?}"));
    assert_eq!(f.managers, ["kubectl-scale"]);
    assert_eq!(f.applied, "2");
    assert_eq!(f.found, "5");
    for _ in 0..50 {
        if deploys.get("web").await.unwrap().spec.unwrap().replicas == Some(2) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        deploys.get("web").await.unwrap().spec.unwrap().replicas,
        Some(2)
    );
    let events: Api<Event> = Api::namespaced(env.client.clone(), "default");
    let evs = events.list(&ListParams::default()).await.unwrap().items;
    let drift = evs
        .iter()
        .find(|e| e.reason.as_deref() == Some("Drift"))
        .expect("a Drift event");
    let msg = drift.message.clone().unwrap_or_default();
    assert!(
        msg.contains("spec.replicas changed 2 → 5 by kubectl-scale"),
        "{msg}"
    );
    assert_eq!(
        condition(&app, "StateKeep").map(|c| c.reason.as_str()),
        Some("DriftRepaired")
    );

    // An object deleted behind roam's back comes back.
    deploys
        .delete("web", &DeleteParams::default())
        .await
        .unwrap();
    let app = env
        .wait_app("shop", "a deletion drift report", |a| {
            a.status.as_ref().unwrap().drift.iter().any(|r| r.deleted)
        })
        .await;
    assert!(
        app.status
            .unwrap()
            .drift
            .iter()
            .any(|r| r.deleted && r.repaired)
    );
    assert!(deploys.get_opt("web").await.unwrap().is_some());
    env.stop().await;
}

both!(bad_input_applies_nothing_and_says_why);
async fn bad_input_applies_nothing_and_says_why(env: Env) {
    env.apply_app(json!({
        "apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
        "metadata": {"name": "bad", "namespace": "default"},
        "spec": {"components": [{"name": "web", "type": "webservise", "properties": {"image": "x"}}]}
    }))
    .await;
    let app = env
        .wait_app("bad", "Parsed=False", |a| {
            condition(a, "Parsed").is_some_and(|c| c.status == "False")
        })
        .await;
    assert_eq!(phase(&app), "rendering");
    let msg = &condition(&app, "Parsed").unwrap().message;
    assert!(
        msg.contains("unknown component type \"webservise\""),
        "{msg}"
    );
    assert!(msg.contains("did you mean \"webservice\""), "{msg}");

    // A wrong property: the same grouped message as `roam dry-run`.
    env.apply_app(json!({
        "apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
        "metadata": {"name": "bad2", "namespace": "default"},
        "spec": {"components": [{"name": "web", "type": "webservice", "properties": {"image": "x", "cpu": 3}}]}
    }))
    .await;
    let app = env
        .wait_app("bad2", "Render=False", |a| {
            condition(a, "Render").is_some_and(|c| c.status == "False")
        })
        .await;
    let msg = &condition(&app, "Render").unwrap().message;
    assert!(msg.contains("components[0].properties.cpu"), "{msg}");
    let rts: Api<ResourceTracker> = Api::all(env.client.clone());
    assert!(
        rts.list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let deploys: Api<Deployment> = Api::namespaced(env.client.clone(), "default");
    assert!(
        deploys
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );

    // Someone else's object is not overwritten.
    let cms: Api<ConfigMap> = Api::namespaced(env.client.clone(), "default");
    let mut cm = ConfigMap::default();
    cm.metadata.name = Some("web".into());
    cm.data = Some([("k".to_string(), "theirs".to_string())].into());
    cms.create(&PostParams::default(), &cm).await.unwrap();
    env.apply_app(json!({
        "apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
        "metadata": {"name": "taker", "namespace": "default"},
        "spec": {"components": [{"name": "web", "type": "k8s-objects", "properties": {"objects": [
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web"}, "data": {"k": "mine"}}
        ]}}]}
    }))
    .await;
    // The step fails (reason Execute: retried with backoff, in case the
    // owner gives the object up) and says whose object it is.
    let failed_step = |a: &Application| {
        a.status
            .as_ref()
            .and_then(|s| s.workflow.as_ref())
            .is_some_and(|w| {
                w.steps
                    .iter()
                    .any(|s| s.phase == "failed" && s.reason == "Execute")
            })
    };
    let app = env.wait_app("taker", "a failed step", failed_step).await;
    assert_eq!(phase(&app), "runningWorkflow");
    let msg = &app
        .status
        .as_ref()
        .unwrap()
        .workflow
        .as_ref()
        .unwrap()
        .message;
    assert!(
        msg.contains("ConfigMap default/web already exists and belongs to"),
        "{msg}"
    );
    assert_eq!(cms.get("web").await.unwrap().data.unwrap()["k"], "theirs");
    env.stop().await;
}

both!(pause_dependencies_and_cluster_definitions);
async fn pause_dependencies_and_cluster_definitions(env: Env) {
    // A definition from the cluster (vela-system), used by the app.
    let defs: Api<DynamicObject> = Api::namespaced_with(
        env.client.clone(),
        "vela-system",
        &roam_controller::defs::api_resource(roam_render::DefKind::Component),
    );
    let nss: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(env.client.clone());
    nss.patch(
        "vela-system",
        &PatchParams::apply("test"),
        &Patch::Apply(
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "vela-system"}}),
        ),
    )
    .await
    .unwrap();
    let def = json!({
        "apiVersion": "core.oam.dev/v1beta1", "kind": "ComponentDefinition",
        "metadata": {"name": "settings", "namespace": "vela-system"},
        "spec": {"workload": {"type": "autodetects.core.oam.dev"}, "schematic": {"cue": {"template":
            "output: {apiVersion: \"v1\", kind: \"ConfigMap\", data: parameter.data}\nparameter: data: [string]: string\n"}}}
    });
    defs.patch("settings", &PatchParams::apply("test"), &Patch::Apply(&def))
        .await
        .unwrap();
    env.apply_app(json!({
        "apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
        "metadata": {"name": "two", "namespace": "default"},
        "spec": {"components": [
            {"name": "api", "type": "webservice", "properties": {"image": "api:1"}, "dependsOn": ["conf"]},
            {"name": "conf", "type": "settings", "properties": {"data": {"mode": "fast"}}}
        ]}
    }))
    .await;
    let app = env.wait_running("two").await;
    let steps = &app
        .status
        .as_ref()
        .unwrap()
        .workflow
        .as_ref()
        .unwrap()
        .steps;
    let names: Vec<_> = steps
        .iter()
        .map(|s| (s.name.as_str(), s.phase.as_str()))
        .collect();
    assert_eq!(names, [("api", "succeeded"), ("conf", "succeeded")]);
    // api ran after conf succeeded.
    assert!(
        steps[0].first_execute_time >= steps[1].last_execute_time,
        "{steps:?}"
    );
    let cms: Api<ConfigMap> = Api::namespaced(env.client.clone(), "default");
    assert_eq!(cms.get("conf").await.unwrap().data.unwrap()["mode"], "fast");
    let revs: Api<ApplicationRevision> = Api::namespaced(env.client.clone(), "default");
    let rev = revs.get("two-v1").await.unwrap();
    assert_eq!(
        rev.spec.component_definitions["settings"]["metadata"]["namespace"],
        "vela-system"
    );

    // Paused: changes wait.
    let mut paused = app.clone();
    paused.metadata.managed_fields = None;
    env.apps()
        .patch(
            "two",
            &PatchParams::default(),
            &Patch::Merge(
                json!({"metadata": {"labels": {"controller.core.oam.dev/pause": "true"}}}),
            ),
        )
        .await
        .unwrap();
    env.apps()
        .patch(
            "two",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"components": [
                {"name": "api", "type": "webservice", "properties": {"image": "api:1"}, "dependsOn": ["conf"]},
                {"name": "conf", "type": "settings", "properties": {"data": {"mode": "slow"}}}
            ]}})),
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(cms.get("conf").await.unwrap().data.unwrap()["mode"], "fast");
    env.apps()
        .patch(
            "two",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"controller.core.oam.dev/pause": null}}})),
        )
        .await
        .unwrap();
    env.wait_app("two", "revision 2", |a| {
        a.status
            .as_ref()
            .unwrap()
            .latest_revision
            .as_ref()
            .unwrap()
            .name
            == "two-v2"
            && phase(a) == "running"
    })
    .await;
    assert_eq!(cms.get("conf").await.unwrap().data.unwrap()["mode"], "slow");

    // The definition deleted while in use: the condition says so, and
    // what exists stays.
    defs.delete("settings", &DeleteParams::default())
        .await
        .unwrap();
    let app = env
        .wait_app("two", "Parsed=False", |a| {
            condition(a, "Parsed").is_some_and(|c| c.status == "False")
        })
        .await;
    let msg = &condition(&app, "Parsed").unwrap().message;
    assert!(msg.contains("unknown component type \"settings\""), "{msg}");
    assert!(cms.get_opt("conf").await.unwrap().is_some());
    env.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leader_election_lets_one_replica_act() {
    use roam_controller::leader::{LeaseConfig, release, try_acquire};
    let server = ApiServer::new(Arc::new(Store::in_memory()), None).expect("server");
    let client = roam_apiserver::in_process_client(server);
    let lease = |id: &str| LeaseConfig {
        namespace: "default".into(),
        name: "roam-controller".into(),
        identity: id.into(),
        duration: Duration::from_secs(1),
    };
    let (a, b) = (lease("a"), lease("b"));
    assert!(
        try_acquire(&client, &a).await.unwrap(),
        "a takes the free lease"
    );
    assert!(
        !try_acquire(&client, &b).await.unwrap(),
        "b waits while a holds it"
    );
    assert!(try_acquire(&client, &a).await.unwrap(), "a renews");
    // a stops renewing: after the lease duration b takes over.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert!(
        try_acquire(&client, &b).await.unwrap(),
        "b takes the expired lease"
    );
    assert!(!try_acquire(&client, &a).await.unwrap(), "a has lost it");
    let leases: Api<k8s_openapi::api::coordination::v1::Lease> =
        Api::namespaced(client.clone(), "default");
    let l = leases.get("roam-controller").await.unwrap();
    let spec = l.spec.unwrap();
    assert_eq!(spec.holder_identity.as_deref(), Some("b"));
    assert_eq!(spec.lease_transitions, Some(1));
    // Released on shutdown: a takes it at once.
    release(&client, &b).await;
    assert!(try_acquire(&client, &a).await.unwrap());
}

both!(custom_workflow_suspends_passes_data_and_resumes);
async fn custom_workflow_suspends_passes_data_and_resumes(env: Env) {
    // Two step types of the app's namespace: one applies a ConfigMap, one
    // suspends (both through the vela/* action packages).
    let step_defs: Api<DynamicObject> = Api::namespaced_with(
        env.client.clone(),
        "default",
        &roam_controller::defs::api_resource(roam_render::DefKind::WorkflowStep),
    );
    for (name, template) in [
        (
            "make-config",
            "import \"vela/kube\"\n\nparameter: {name: string, value: string}\napply: kube.#Apply & {$params: value: {apiVersion: \"v1\", kind: \"ConfigMap\", metadata: name: parameter.name, data: v: parameter.value}}\n",
        ),
        (
            "gate",
            "import \"vela/builtin\"\n\nparameter: {message?: string}\nhold: builtin.#Suspend & {$params: parameter}\n",
        ),
    ] {
        let def: DynamicObject = serde_json::from_value(json!({
            "apiVersion": "core.oam.dev/v1beta1", "kind": "WorkflowStepDefinition",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"schematic": {"cue": {"template": template}}}
        }))
        .unwrap();
        step_defs
            .patch(
                name,
                &PatchParams::apply("test").force(),
                &Patch::Apply(&def),
            )
            .await
            .unwrap();
    }
    env.apply_app(json!({
        "apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
        "metadata": {"name": "flow", "namespace": "default"},
        "spec": {
            "components": [{"name": "flow-web", "type": "webservice", "properties": {"image": "nginx:1.27"}}],
            "workflow": {"steps": [
                {"name": "config", "type": "make-config", "properties": {"name": "flow-settings", "value": "on"},
                 "outputs": [{"name": "settings-uid", "valueFrom": "apply.$returns.value.metadata.uid"}]},
                {"name": "approve", "type": "gate", "properties": {"message": "waiting for a human"}},
                {"name": "web", "type": "apply-component", "properties": {"component": "flow-web"}}
            ]}
        }
    }))
    .await;
    let app = env
        .wait_app("flow", "workflowSuspending", |a| {
            phase(a) == "workflowSuspending"
        })
        .await;
    let wf = app.status.as_ref().unwrap().workflow.clone().unwrap();
    assert_eq!(wf.message, "suspended at step approve: waiting for a human");
    let phases: Vec<(&str, &str)> = wf
        .steps
        .iter()
        .map(|s| (s.name.as_str(), s.phase.as_str()))
        .collect();
    assert_eq!(
        phases,
        [
            ("config", "succeeded"),
            ("approve", "suspending"),
            ("web", "pending")
        ]
    );
    // The first step's object exists, labelled as the app's; the component does not.
    let cms: Api<k8s_openapi::api::core::v1::ConfigMap> =
        Api::namespaced(env.client.clone(), "default");
    let cm = cms.get("flow-settings").await.unwrap();
    assert_eq!(cm.data.as_ref().unwrap()["v"], "on");
    assert_eq!(
        cm.metadata.labels.as_ref().unwrap()["app.oam.dev/name"],
        "flow"
    );
    let deploys: Api<k8s_openapi::api::apps::v1::Deployment> =
        Api::namespaced(env.client.clone(), "default");
    assert!(deploys.get_opt("flow-web").await.unwrap().is_none());
    // The output went to the context ConfigMap.
    let context = cms.get("workflow-flow-context").await.unwrap();
    let vars: Value = serde_json::from_str(&context.data.unwrap()["vars"]).unwrap();
    assert_eq!(vars["settings-uid"], json!(cm.metadata.uid.unwrap()));

    // Resume, as `roam workflow resume` does: the suspended step continues.
    let mut app = env.apps().get("flow").await.unwrap();
    {
        let wf = app.status.as_mut().unwrap().workflow.as_mut().unwrap();
        wf.suspend = false;
        wf.steps[1].phase = "running".into();
    }
    env.apps()
        .replace_status("flow", &PostParams::default(), &app)
        .await
        .unwrap();
    let app = env.wait_running("flow").await;
    let wf = app.status.as_ref().unwrap().workflow.clone().unwrap();
    assert_eq!(wf.status, "succeeded");
    assert!(deploys.get_opt("flow-web").await.unwrap().is_some());

    // `app.oam.dev/restart-workflow: "true"` runs the workflow again from
    // the start (to the gate), once: the annotation is removed.
    env.apps()
        .patch(
            "flow",
            &PatchParams::default(),
            &Patch::Merge(
                json!({"metadata": {"annotations": {"app.oam.dev/restart-workflow": "true"}}}),
            ),
        )
        .await
        .unwrap();
    let app = env
        .wait_app("flow", "workflowSuspending again", |a| {
            phase(a) == "workflowSuspending"
        })
        .await;
    assert!(
        !app.annotations()
            .contains_key("app.oam.dev/restart-workflow")
    );

    // Deleting the app deletes the step's object and the context too.
    env.apps()
        .delete("flow", &DeleteParams::default())
        .await
        .unwrap();
    wait_gone(&env.apps(), "flow").await;
    assert!(cms.get_opt("flow-settings").await.unwrap().is_none());
    assert!(
        cms.get_opt("workflow-flow-context")
            .await
            .unwrap()
            .is_none()
    );
    env.stop().await;
}

both!(built_in_steps_request_and_export_data);
async fn built_in_steps_request_and_export_data(env: Env) {
    // A tiny HTTP endpoint the `request` step calls.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/version", listener.local_addr().unwrap());
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let mut buf = [0u8; 4096];
            let _ = sock.read(&mut buf).await;
            let body = r#"{"release": "1.4.2", "channel": "stable"}"#;
            let resp = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = sock.write_all(resp.as_bytes()).await;
        }
    });
    env.apply_app(json!({
        "apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
        "metadata": {"name": "fetch", "namespace": "default"},
        "spec": {
            "components": [],
            "workflow": {"steps": [
                {"name": "ask", "type": "request", "properties": {"url": url},
                 "outputs": [{"name": "release", "valueFrom": "response.release"}]},
                {"name": "save", "type": "export2config",
                 "inputs": [{"from": "release", "parameterKey": "data.release"}],
                 "properties": {"configName": "fetched", "data": {"source": "request"}}},
                {"name": "note", "type": "print-message-in-status", "properties": {"message": "saved"}}
            ]}
        }
    }))
    .await;
    let app = env.wait_running("fetch").await;
    let wf = app.status.as_ref().unwrap().workflow.clone().unwrap();
    assert_eq!(wf.steps[2].message, "saved");
    let cms: Api<k8s_openapi::api::core::v1::ConfigMap> =
        Api::namespaced(env.client.clone(), "default");
    let data = cms.get("fetched").await.unwrap().data.unwrap();
    assert_eq!(data["release"], "1.4.2");
    assert_eq!(data["source"], "request");
    env.apps()
        .delete("fetch", &DeleteParams::default())
        .await
        .unwrap();
    wait_gone(&env.apps(), "fetch").await;
    assert!(
        cms.get_opt("fetched").await.unwrap().is_none(),
        "deleted with the app"
    );
    env.stop().await;
}

both!(a_dag_of_ten_components_respects_depends_on);
async fn a_dag_of_ten_components_respects_depends_on(env: Env) {
    // c0 ← c1..c4 ← c5..c8 (two each) ← c9.
    let mut comps =
        vec![json!({"name": "c0", "type": "worker", "properties": {"image": "busybox"}})];
    for i in 1..=4 {
        comps.push(json!({"name": format!("c{i}"), "type": "worker", "properties": {"image": "busybox"}, "dependsOn": ["c0"]}));
    }
    for i in 5..=8 {
        let a = format!("c{}", i - 4);
        let b = format!("c{}", if i == 8 { 1 } else { i - 3 });
        comps.push(json!({"name": format!("c{i}"), "type": "worker", "properties": {"image": "busybox"}, "dependsOn": [a, b]}));
    }
    comps.push(json!({"name": "c9", "type": "worker", "properties": {"image": "busybox"}, "dependsOn": ["c5", "c6", "c7", "c8"]}));
    env.apply_app(json!({
        "apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
        "metadata": {"name": "dag", "namespace": "default"},
        "spec": {"components": comps}
    }))
    .await;
    let deploys: Api<k8s_openapi::api::apps::v1::Deployment> =
        Api::namespaced(env.client.clone(), "default");
    let app = env.wait_running("dag").await;
    let wf = app.status.as_ref().unwrap().workflow.clone().unwrap();
    assert_eq!(wf.mode, "DAG-DAG");
    assert_eq!(wf.steps.len(), 10);
    assert!(
        wf.steps.iter().all(|s| s.phase == "succeeded"),
        "{:?}",
        wf.steps
    );
    // Each step started no earlier than everything it depends on.
    let first = |n: &str| {
        wf.steps
            .iter()
            .find(|s| s.name == n)
            .unwrap()
            .first_execute_time
            .clone()
            .unwrap()
    };
    for c in &comps {
        for d in c["dependsOn"].as_array().into_iter().flatten() {
            assert!(first(d.as_str().unwrap()) <= first(c["name"].as_str().unwrap()));
        }
    }
    for i in 0..10 {
        assert!(deploys.get_opt(&format!("c{i}")).await.unwrap().is_some());
    }
    assert_eq!(app.status.as_ref().unwrap().services.len(), 10);
    env.stop().await;
}

both!(a_failing_webhook_is_retried_with_backoff);
async fn a_failing_webhook_is_retried_with_backoff(env: Env) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let hits = Arc::new(AtomicUsize::new(0));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn({
        let hits = hits.clone();
        async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                let mut buf = [0u8; 8192];
                let _ = sock.read(&mut buf).await;
                hits.fetch_add(1, Ordering::SeqCst);
                let _ = sock
                    .write_all(b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 4\r\nconnection: close\r\n\r\noops")
                    .await;
            }
        }
    });
    env.apply_app(json!({
        "apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
        "metadata": {"name": "hooked", "namespace": "default"},
        "spec": {"components": [], "workflow": {"steps": [
            {"name": "hook", "type": "webhook", "properties": {"url": {"value": url}, "data": {"event": "deployed"}}}
        ]}}
    }))
    .await;
    let failed = |a: &Application| {
        a.status
            .as_ref()
            .and_then(|s| s.workflow.as_ref())
            .is_some_and(|w| {
                w.steps
                    .iter()
                    .any(|s| s.phase == "failed" && s.reason == "Execute")
            })
    };
    let app = env
        .wait_app("hooked", "a failed, retried step", failed)
        .await;
    assert_eq!(phase(&app), "runningWorkflow");
    let wf = app.status.as_ref().unwrap().workflow.clone().unwrap();
    assert_eq!(
        wf.steps[0].message,
        "the webhook answered with HTTP status 500"
    );
    // Retried: the receiver is called again after the backoff.
    for _ in 0..100 {
        if hits.load(Ordering::SeqCst) >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        hits.load(Ordering::SeqCst) >= 3,
        "retried: {}",
        hits.load(Ordering::SeqCst)
    );
    // The failure count is remembered in the context ConfigMap.
    let cms: Api<k8s_openapi::api::core::v1::ConfigMap> =
        Api::namespaced(env.client.clone(), "default");
    let cm = cms.get("workflow-hooked-context").await.unwrap();
    let steps: Value = serde_json::from_str(&cm.data.unwrap()["roam.steps"]).unwrap();
    assert!(
        steps[&wf.steps[0].id]["failures"].as_u64().unwrap() >= 1,
        "{steps}"
    );
    env.stop().await;
}

/// A ConfigMap object for a `k8s-objects` component.
fn cm_object(name: &str, value: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"k": value}})
}

fn objects_component(name: &str, objects: Value) -> Value {
    json!({"name": name, "type": "k8s-objects", "properties": {"objects": objects}})
}

fn cm_value(cm: &ConfigMap) -> String {
    cm.data
        .as_ref()
        .and_then(|d| d.get("k"))
        .cloned()
        .unwrap_or_default()
}

both!(resource_policies_take_over_read_only_and_apply_once);
async fn resource_policies_take_over_read_only_and_apply_once(env: Env) {
    let cms: Api<ConfigMap> = Api::namespaced(env.client.clone(), "default");
    for (name, value) in [("adopt-me", "theirs"), ("look-only", "theirs")] {
        let mut cm = ConfigMap::default();
        cm.metadata.name = Some(name.into());
        cm.data = Some([("k".to_string(), value.to_string())].into());
        cms.create(&PostParams::default(), &cm).await.unwrap();
    }
    let app = |replicas: i64| {
        json!({
            "apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
            "metadata": {"name": "policies", "namespace": "default"},
            "spec": {
                "components": [
                    objects_component("adopt", json!([cm_object("adopt-me", "mine")])),
                    objects_component("look", json!([cm_object("look-only", "mine")])),
                    {"name": "web", "type": "webservice", "properties": {"image": "nginx:1.27"},
                     "traits": [{"type": "scaler", "properties": {"replicas": replicas}}]}
                ],
                "policies": [
                    {"name": "adopt", "type": "take-over", "properties": {"rules": [
                        {"selector": {"resourceNames": ["adopt-me"]}}]}},
                    {"name": "look", "type": "read-only", "properties": {"rules": [
                        {"selector": {"componentNames": ["look"]}}]}},
                    {"name": "replicas-drift", "type": "apply-once", "properties": {"enable": true, "rules": [
                        {"selector": {"resourceTypes": ["Deployment"]},
                         "strategy": {"path": ["spec.replicas"], "affect": "always"}}]}}
                ]
            }
        })
    };
    env.apply_app(app(1)).await;
    env.wait_running("policies").await;
    // take-over: someone else's object became the app's.
    let adopted = cms.get("adopt-me").await.unwrap();
    assert_eq!(cm_value(&adopted), "mine");
    assert_eq!(
        adopted.labels().get("app.oam.dev/name").map(String::as_str),
        Some("policies")
    );
    // read-only: read for health, never written.
    let look = cms.get("look-only").await.unwrap();
    assert_eq!(cm_value(&look), "theirs");
    assert!(!look.labels().contains_key("app.oam.dev/name"));

    // apply-once: replicas changed by hand stay, through state-keep (1 s
    // here) and through an update of the app that changes them.
    let deploys: Api<Deployment> = Api::namespaced(env.client.clone(), "default");
    let pp = PatchParams {
        field_manager: Some("kubectl-scale".into()),
        ..Default::default()
    };
    deploys
        .patch("web", &pp, &Patch::Merge(json!({"spec": {"replicas": 4}})))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        deploys.get("web").await.unwrap().spec.unwrap().replicas,
        Some(4)
    );
    let a = env.apps().get("policies").await.unwrap();
    assert!(a.status.unwrap().drift.is_empty(), "no drift reported");
    env.apply_app(app(2)).await;
    env.wait_app("policies", "the update running", |a| {
        phase(a) == "running"
            && a.status.as_ref().unwrap().observed_generation == a.metadata.generation
    })
    .await;
    assert_eq!(
        deploys.get("web").await.unwrap().spec.unwrap().replicas,
        Some(4)
    );

    // read-only over an object that does not exist: the step says so and
    // nothing is created.
    env.apply_app(json!({
        "apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
        "metadata": {"name": "missing", "namespace": "default"},
        "spec": {
            "components": [objects_component("look", json!([cm_object("not-there", "mine")]))],
            "policies": [{"name": "look", "type": "read-only", "properties": {"rules": [
                {"selector": {"resourceNames": ["not-there"]}}]}}]
        }
    }))
    .await;
    let a = env
        .wait_app("missing", "a read-only failure", |a| {
            a.status
                .as_ref()
                .and_then(|s| s.workflow.as_ref())
                .is_some_and(|w| w.steps.iter().any(|s| s.message.contains("is read-only")))
        })
        .await;
    let msg = &a.status.unwrap().workflow.unwrap().steps[0].message;
    assert!(
        msg.contains("ConfigMap default/not-there") && msg.contains("policy \"look\""),
        "{msg}"
    );
    assert!(cms.get_opt("not-there").await.unwrap().is_none());

    // A malformed policy: parse error naming it, nothing applied.
    env.apply_app(json!({
        "apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
        "metadata": {"name": "badpolicy", "namespace": "default"},
        "spec": {
            "components": [objects_component("c", json!([cm_object("never-made", "x")]))],
            "policies": [{"name": "gc", "type": "garbage-collect", "properties": {"rules": [
                {"selector": {"componentNames": ["c"]}, "strategy": "sometimes"}]}}]
        }
    }))
    .await;
    let a = env
        .wait_app("badpolicy", "a parse error", |a| {
            condition(a, "Parsed").is_some_and(|c| c.status == "False")
        })
        .await;
    let msg = &condition(&a, "Parsed").unwrap().message;
    assert!(
        msg.contains("policy \"gc\" (garbage-collect).rules[0].strategy"),
        "{msg}"
    );
    assert!(cms.get_opt("never-made").await.unwrap().is_none());
    env.stop().await;
}

both!(garbage_collect_rules_keep_objects);
async fn garbage_collect_rules_keep_objects(env: Env) {
    let cms: Api<ConfigMap> = Api::namespaced(env.client.clone(), "default");
    let app = |components: Value| {
        json!({
            "apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
            "metadata": {"name": "keeper", "namespace": "default"},
            "spec": {
                "components": components,
                "policies": [{"name": "gc", "type": "garbage-collect", "properties": {"rules": [
                    {"selector": {"componentNames": ["forever"]}, "strategy": "never"},
                    {"selector": {"componentNames": ["until-delete"]}, "strategy": "onAppDelete"}
                ]}}]
            }
        })
    };
    env.apply_app(app(json!([
        objects_component("forever", json!([cm_object("forever", "1")])),
        objects_component("until-delete", json!([cm_object("until-delete", "1")])),
        objects_component("plain", json!([cm_object("plain", "1")])),
        objects_component("stays", json!([cm_object("stays", "1")])),
    ])))
    .await;
    env.wait_running("keeper").await;
    // Drop three components: only the one without a rule is collected.
    env.apply_app(app(json!([objects_component(
        "stays",
        json!([cm_object("stays", "2")])
    )])))
    .await;
    wait_gone(&cms, "plain").await;
    env.wait_app("keeper", "the update running", |a| {
        phase(a) == "running"
            && a.status.as_ref().unwrap().observed_generation == a.metadata.generation
    })
    .await;
    assert!(cms.get_opt("forever").await.unwrap().is_some());
    assert!(cms.get_opt("until-delete").await.unwrap().is_some());
    // Deleting the app takes onAppDelete objects with it, never the `never` ones.
    env.apps()
        .delete("keeper", &DeleteParams::default())
        .await
        .unwrap();
    wait_gone(&env.apps(), "keeper").await;
    assert!(cms.get_opt("until-delete").await.unwrap().is_none());
    assert!(cms.get_opt("stays").await.unwrap().is_none());
    assert!(cms.get_opt("forever").await.unwrap().is_some());
    env.stop().await;
}

both!(shared_resource_between_two_apps);
async fn shared_resource_between_two_apps(env: Env) {
    let cms: Api<ConfigMap> = Api::namespaced(env.client.clone(), "default");
    let app = |name: &str, value: &str| {
        json!({
            "apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {
                "components": [
                    objects_component("common", json!([cm_object("common-config", value)])),
                    objects_component("own", json!([cm_object(&format!("{name}-own"), value)])),
                ],
                "policies": [{"name": "share", "type": "shared-resource", "properties": {"rules": [
                    {"selector": {"resourceNames": ["common-config"]}}]}}]
            }
        })
    };
    let shared_by = |cm: &ConfigMap| {
        cm.annotations()
            .get("app.oam.dev/shared-by")
            .cloned()
            .unwrap_or_default()
    };
    env.apply_app(app("first", "from-first")).await;
    env.wait_running("first").await;
    env.apply_app(app("second", "from-second")).await;
    env.wait_running("second").await;
    // The first app created it; the second only reads it and joins.
    let cm = cms.get("common-config").await.unwrap();
    assert_eq!(cm_value(&cm), "from-first");
    assert_eq!(shared_by(&cm), "default/first,default/second");
    assert_eq!(
        cm.labels().get("app.oam.dev/name").map(String::as_str),
        Some("first")
    );
    // The creator leaves: the object stays, the second app owns it now.
    env.apps()
        .delete("first", &DeleteParams::default())
        .await
        .unwrap();
    wait_gone(&env.apps(), "first").await;
    wait_gone(&cms, "first-own").await;
    let cm = cms.get("common-config").await.unwrap();
    assert_eq!(shared_by(&cm), "default/second");
    assert_eq!(
        cm.labels().get("app.oam.dev/name").map(String::as_str),
        Some("second")
    );
    // The last sharer leaves: the object goes.
    env.apps()
        .delete("second", &DeleteParams::default())
        .await
        .unwrap();
    wait_gone(&cms, "common-config").await;
    env.stop().await;
}

both!(replication_delivers_a_copy_per_key);
async fn replication_delivers_a_copy_per_key(env: Env) {
    // A component type whose objects are named by context.replicaKey (as
    // replication expects of the definitions it is used with).
    let defs: Api<DynamicObject> = Api::namespaced_with(
        env.client.clone(),
        "vela-system",
        &roam_controller::defs::api_resource(roam_render::DefKind::Component),
    );
    let nss: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(env.client.clone());
    nss.patch(
        "vela-system",
        &PatchParams::apply("test"),
        &Patch::Apply(
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "vela-system"}}),
        ),
    )
    .await
    .unwrap();
    let def = json!({
        "apiVersion": "core.oam.dev/v1beta1", "kind": "ComponentDefinition",
        "metadata": {"name": "replica-config", "namespace": "vela-system"},
        "spec": {"workload": {"type": "autodetects.core.oam.dev"}, "schematic": {"cue": {"template":
            "output: {apiVersion: \"v1\", kind: \"ConfigMap\", metadata: name: \"\\(context.name)-\\(context.replicaKey)\", data: {key: context.replicaKey, v: parameter.v}}\nparameter: v: string\n"}}}
    });
    defs.patch(
        "replica-config",
        &PatchParams::apply("test"),
        &Patch::Apply(&def),
    )
    .await
    .unwrap();
    let app = |keys: Value| {
        json!({
            "apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
            "metadata": {"name": "replicated", "namespace": "default"},
            "spec": {
                "components": [
                    {"name": "conf", "type": "replica-config", "properties": {"v": "1"}},
                    objects_component("once", json!([cm_object("once", "1")])),
                ],
                "policies": [
                    {"name": "zones", "type": "replication", "properties": {"keys": keys, "selector": ["conf"]}},
                    {"name": "here", "type": "topology", "properties": {"clusters": ["local"]}}
                ],
                "workflow": {"steps": [{"name": "deploy", "type": "deploy",
                    "properties": {"policies": ["here", "zones"]}}]}
            }
        })
    };
    env.apply_app(app(json!(["east", "west"]))).await;
    let a = env.wait_running("replicated").await;
    let cms: Api<ConfigMap> = Api::namespaced(env.client.clone(), "default");
    for key in ["east", "west"] {
        let cm = cms.get(&format!("conf-{key}")).await.unwrap();
        assert_eq!(
            cm.data.as_ref().unwrap().get("key").map(String::as_str),
            Some(key)
        );
        assert_eq!(
            cm.labels()
                .get("app.oam.dev/replicaKey")
                .map(String::as_str),
            Some(key)
        );
    }
    assert!(cms.get_opt("once").await.unwrap().is_some());
    // One service per replica (the key as env), and the unreplicated one.
    let mut services: Vec<(String, String)> = a
        .status
        .unwrap()
        .services
        .iter()
        .map(|s| (s.name.clone(), s.env.clone()))
        .collect();
    services.sort();
    assert_eq!(
        services,
        [
            ("conf".to_string(), "east".to_string()),
            ("conf".to_string(), "west".to_string()),
            ("once".to_string(), String::new()),
        ]
    );
    // A key dropped: its copy is garbage-collected, the others stay.
    env.apply_app(app(json!(["east"]))).await;
    wait_gone(&cms, "conf-west").await;
    assert!(cms.get_opt("conf-east").await.unwrap().is_some());
    assert!(cms.get_opt("once").await.unwrap().is_some());
    env.stop().await;
}

both!(resource_update_replaces_and_recreates);
async fn resource_update_replaces_and_recreates(env: Env) {
    let cms: Api<ConfigMap> = Api::namespaced(env.client.clone(), "default");
    let app = |value: &str, mode: &str| {
        json!({
            "apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
            "metadata": {"name": "updates", "namespace": "default"},
            "spec": {
                "components": [
                    objects_component("whole", json!([cm_object("whole", value)])),
                    objects_component("fresh", json!([{"apiVersion": "v1", "kind": "ConfigMap",
                        "metadata": {"name": "fresh"}, "data": {"k": value, "mode": mode}}])),
                ],
                "policies": [{"name": "writes", "type": "resource-update", "properties": {"rules": [
                    {"selector": {"resourceNames": ["whole"]}, "strategy": {"op": "replace"}},
                    {"selector": {"resourceNames": ["fresh"]}, "strategy": {"recreateFields": ["data.mode"]}}
                ]}}]
            }
        })
    };
    env.apply_app(app("1", "a")).await;
    env.wait_running("updates").await;
    // Someone adds a key to each.
    let pp = PatchParams {
        field_manager: Some("someone".into()),
        ..Default::default()
    };
    for name in ["whole", "fresh"] {
        cms.patch(name, &pp, &Patch::Merge(json!({"data": {"extra": "x"}})))
            .await
            .unwrap();
    }
    let fresh_uid = cms.get("fresh").await.unwrap().metadata.uid;
    // An update: `whole` is replaced (their key is gone, as with PUT);
    // `fresh` changes k only, so it is applied in place (their key stays).
    env.apply_app(app("2", "a")).await;
    let settled = |cms: Api<ConfigMap>, name: &'static str, want: &'static str| async move {
        for _ in 0..300 {
            // (Absent for a moment while it is recreated.)
            if let Some(cm) = cms.get_opt(name).await.unwrap()
                && cm_value(&cm) == want
            {
                return cm;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{name} never got {want}");
    };
    let whole = settled(cms.clone(), "whole", "2").await;
    assert!(!whole.data.unwrap().contains_key("extra"));
    let fresh = settled(cms.clone(), "fresh", "2").await;
    assert_eq!(fresh.metadata.uid, fresh_uid);
    assert!(fresh.data.unwrap().contains_key("extra"));
    // data.mode changes: `fresh` is deleted and created again.
    env.apply_app(app("3", "b")).await;
    let fresh = settled(cms.clone(), "fresh", "3").await;
    assert_ne!(fresh.metadata.uid, fresh_uid);
    assert!(!fresh.data.unwrap().contains_key("extra"));
    env.stop().await;
}

/// garbage-collect `propagation: orphan`: deleting the app deletes the
/// Deployment but leaves its ReplicaSets (roam local runs the owner-reference
/// garbage collector; kube-apiserver alone does not, so roam only).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orphan_propagation_keeps_dependents() {
    let env = Env::start(Server::Roam).await.unwrap();
    use k8s_openapi::api::apps::v1::ReplicaSet;
    let app = |orphan: bool| {
        let mut a = web_app("nginx:1.27", json!([]));
        if orphan {
            a["spec"]["policies"] = json!([{"name": "gc", "type": "garbage-collect", "properties": {
                "rules": [{"selector": {"resourceTypes": ["Deployment"]}, "propagation": "orphan"}]}}]);
        }
        a
    };
    env.apply_app(app(true)).await;
    env.wait_running("shop").await;
    let rss: Api<ReplicaSet> = Api::namespaced(env.client.clone(), "default");
    let owned = |rs: &ReplicaSet| {
        rs.metadata
            .owner_references
            .as_ref()
            .is_some_and(|o| o.iter().any(|r| r.name == "web"))
    };
    let before: Vec<String> = rss
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .iter()
        .filter(|rs| owned(rs))
        .map(|rs| rs.name_any())
        .collect();
    assert!(!before.is_empty(), "the simulator made a ReplicaSet");
    env.apps()
        .delete("shop", &DeleteParams::default())
        .await
        .unwrap();
    wait_gone(&env.apps(), "shop").await;
    let deploys: Api<Deployment> = Api::namespaced(env.client.clone(), "default");
    wait_gone(&deploys, "web").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    for name in &before {
        assert!(
            rss.get_opt(name).await.unwrap().is_some(),
            "ReplicaSet {name} was deleted"
        );
    }
    env.stop().await;
}
