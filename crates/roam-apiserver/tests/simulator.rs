//! The workload-status simulator, driven through kube-rs: in-process against the
//! server (as `roam local` runs it) and over HTTPS with a kubeconfig (as
//! `roam simulate --kubeconfig` runs it against any API server).

mod common;

use common::{Env, both};
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Pod, Service};
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use kube::runtime::wait::{Condition, await_condition};
use roam_apiserver::simulator::{self, ANNOTATION};
use serde_json::json;
use std::time::Duration;

/// A guard against hangs, not a timing assertion.
const HANG: Duration = Duration::from_secs(60);

/// The simulator's client: in process on roam (as `roam local start` runs it),
/// over HTTPS on kube-apiserver (as `roam simulate --kubeconfig` runs it).
async fn sim_client(env: &Env) -> kube::Client {
    match env.roam_server() {
        Some(srv) => roam_apiserver::in_process_client(srv.server.clone()),
        None => env.client().await,
    }
}

fn start_simulator(
    client: kube::Client,
    delay: Duration,
    pods: bool,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(simulator::run(client, simulator::Config { delay, pods }))
}

async fn wait_for<K, C>(api: &Api<K>, name: &str, cond: C) -> K
where
    K: kube::Resource + Clone + std::fmt::Debug + serde::de::DeserializeOwned + Send + 'static,
    K::DynamicType: Default + Eq + std::hash::Hash + Clone,
    C: Condition<K>,
{
    tokio::time::timeout(HANG, await_condition(api.clone(), name, cond))
        .await
        .unwrap_or_else(|_| panic!("{name} never reached the condition"))
        .expect("watch works")
        .expect("object exists")
}

fn deployment(name: &str, image: &str, replicas: i32) -> Deployment {
    serde_json::from_value(json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}},
                         "spec": {"containers": [{"name": "c", "image": image}]}}
        }
    }))
    .unwrap()
}

fn available(generation: i64) -> impl Condition<Deployment> {
    move |d: Option<&Deployment>| {
        d.and_then(|d| d.status.as_ref()).is_some_and(|s| {
            s.observed_generation == Some(generation)
                && s.available_replicas == d.unwrap().spec.as_ref().unwrap().replicas
                && s.conditions.as_ref().is_some_and(|cs| {
                    cs.iter().any(|c| {
                        c.type_ == "Available"
                            && c.status == "True"
                            && c.reason.as_deref() == Some("MinimumReplicasAvailable")
                    })
                })
        })
    }
}

both!(deployments_roll_out_through_replicasets, kube_own);
async fn deployments_roll_out_through_replicasets(env: &Env) {
    let client = env.client().await;
    let sim = start_simulator(sim_client(env).await, Duration::from_millis(200), false);
    let deploys: Api<Deployment> = Api::default_namespaced(client.clone());
    let rss: Api<ReplicaSet> = Api::default_namespaced(client.clone());

    deploys
        .create(&PostParams::default(), &deployment("web", "nginx:1", 3))
        .await
        .unwrap();
    let d = wait_for(&deploys, "web", available(1)).await;
    let st = d.status.clone().unwrap();
    assert_eq!(
        (st.replicas, st.ready_replicas, st.updated_replicas),
        (Some(3), Some(3), Some(3))
    );
    let conds = st.conditions.unwrap();
    let progressing = conds.iter().find(|c| c.type_ == "Progressing").unwrap();
    assert_eq!(
        progressing.reason.as_deref(),
        Some("NewReplicaSetAvailable")
    );
    for c in &conds {
        assert!(
            c.message.as_deref().unwrap_or("").contains("simulated"),
            "{c:?}"
        );
    }
    let ann = d.metadata.annotations.unwrap();
    assert_eq!(ann.get(ANNOTATION).map(String::as_str), Some("true"));
    assert_eq!(
        ann.get("deployment.kubernetes.io/revision")
            .map(String::as_str),
        Some("1")
    );

    // The ReplicaSet of the template, owned by the Deployment, with its own status.
    let hash = simulator::template_hash(
        &serde_json::to_value(&d.spec.as_ref().unwrap().template).unwrap(),
    );
    let rs_name = format!("web-{hash}");
    let rs = wait_for(&rss, &rs_name, |rs: Option<&ReplicaSet>| {
        rs.and_then(|r| r.status.as_ref())
            .is_some_and(|s| s.ready_replicas == Some(3))
    })
    .await;
    let owner = &rs.metadata.owner_references.as_ref().unwrap()[0];
    assert_eq!(
        (owner.kind.as_str(), owner.controller),
        ("Deployment", Some(true))
    );
    assert_eq!(owner.uid, d.metadata.uid.clone().unwrap());
    assert_eq!(
        rs.metadata
            .labels
            .as_ref()
            .unwrap()
            .get("pod-template-hash"),
        Some(&hash)
    );

    // A new template: a new ReplicaSet, the old one scaled to zero, a new rollout.
    deploys
        .patch(
            "web",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "nginx:2"}]}}}})),
        )
        .await
        .unwrap();
    let d2 = wait_for(&deploys, "web", available(2)).await;
    assert_eq!(
        d2.metadata
            .annotations
            .unwrap()
            .get("deployment.kubernetes.io/revision")
            .map(String::as_str),
        Some("2")
    );
    let old = wait_for(&rss, &rs_name, |rs: Option<&ReplicaSet>| {
        rs.is_some_and(|r| r.spec.as_ref().unwrap().replicas == Some(0))
    })
    .await;
    assert_eq!(old.metadata.name.as_deref(), Some(rs_name.as_str()));
    let all = rss.list(&ListParams::default()).await.unwrap();
    assert_eq!(all.items.len(), 2);

    // Deleting the Deployment collects its ReplicaSets (roam's garbage
    // collector; kube-apiserver alone has none, docs/compatibility.md).
    deploys.delete("web", &Default::default()).await.unwrap();
    if !env.is_kube() {
        let left = rss.list(&ListParams::default()).await.unwrap();
        assert!(left.items.is_empty(), "{:?}", left.items);
    }
    sim.abort();
}

both!(statefulsets_daemonsets_jobs_and_services, kube_own);
async fn statefulsets_daemonsets_jobs_and_services(env: &Env) {
    let client = env.client().await;
    let sim = start_simulator(sim_client(env).await, Duration::from_millis(50), false);

    let sts: Api<StatefulSet> = Api::default_namespaced(client.clone());
    sts.create(
        &PostParams::default(),
        &serde_json::from_value(json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "db"},
            "spec": {"replicas": 2, "serviceName": "db",
                     "selector": {"matchLabels": {"app": "db"}},
                     "template": {"metadata": {"labels": {"app": "db"}},
                                  "spec": {"containers": [{"name": "db", "image": "postgres"}]}}}
        }))
        .unwrap(),
    )
    .await
    .unwrap();
    let s = wait_for(&sts, "db", |s: Option<&StatefulSet>| {
        s.and_then(|s| s.status.as_ref())
            .is_some_and(|st| st.ready_replicas == Some(2) && st.observed_generation == Some(1))
    })
    .await;
    let st = s.status.unwrap();
    assert_eq!(st.current_revision, st.update_revision);
    assert_eq!(
        s.spec.unwrap().update_strategy.unwrap().type_.as_deref(),
        Some("RollingUpdate"),
        "defaulted by the server, as kube-apiserver does"
    );

    let ds: Api<DaemonSet> = Api::default_namespaced(client.clone());
    ds.create(
        &PostParams::default(),
        &serde_json::from_value(json!({
            "apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": "agent"},
            "spec": {"selector": {"matchLabels": {"app": "agent"}},
                     "template": {"metadata": {"labels": {"app": "agent"}},
                                  "spec": {"containers": [{"name": "a", "image": "agent"}]}}}
        }))
        .unwrap(),
    )
    .await
    .unwrap();
    wait_for(&ds, "agent", |d: Option<&DaemonSet>| {
        d.and_then(|d| d.status.as_ref()).is_some_and(|st| {
            st.number_ready == 1
                && st.desired_number_scheduled == 1
                && st.observed_generation == Some(1)
        })
    })
    .await;

    let jobs: Api<Job> = Api::default_namespaced(client.clone());
    jobs.create(
        &PostParams::default(),
        &serde_json::from_value(json!({
            "apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": "migrate"},
            "spec": {"completions": 2,
                     "template": {"spec": {"restartPolicy": "Never",
                                           "containers": [{"name": "m", "image": "migrate"}]}}}
        }))
        .unwrap(),
    )
    .await
    .unwrap();
    let j = wait_for(
        &jobs,
        "migrate",
        kube::runtime::conditions::is_job_completed(),
    )
    .await;
    let st = j.status.unwrap();
    assert_eq!(st.succeeded, Some(2));
    assert!(st.completion_time.is_some() && st.start_time.is_some());
    assert!(
        st.conditions
            .unwrap()
            .iter()
            .any(|c| c.type_ == "SuccessCriteriaMet")
    );

    let svcs: Api<Service> = Api::default_namespaced(client.clone());
    svcs.create(
        &PostParams::default(),
        &serde_json::from_value(json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "web"},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}
        }))
        .unwrap(),
    )
    .await
    .unwrap();
    let s = wait_for(&svcs, "web", |s: Option<&Service>| {
        s.and_then(|s| s.spec.as_ref())
            .is_some_and(|sp| sp.cluster_ip.is_some())
    })
    .await;
    let spec = s.spec.unwrap();
    let ip = spec.cluster_ip.unwrap();
    assert!(ip.starts_with("10."), "{ip}");
    assert_eq!(spec.cluster_ips, Some(vec![ip]));
    assert_eq!(spec.ports.unwrap()[0].protocol.as_deref(), Some("TCP"));
    // kube-apiserver allocates cluster IPs itself (from
    // --service-cluster-ip-range), so there the simulator leaves Services alone.
    let simulated = s
        .metadata
        .annotations
        .unwrap_or_default()
        .get(ANNOTATION)
        .is_some_and(|v| v == "true");
    assert_eq!(simulated, !env.is_kube());
    sim.abort();
}

both!(simulated_pods_follow_the_replica_count, kube_own);
async fn simulated_pods_follow_the_replica_count(env: &Env) {
    let client = env.client().await;
    let sim = start_simulator(sim_client(env).await, Duration::from_millis(0), true);
    let deploys: Api<Deployment> = Api::default_namespaced(client.clone());
    let pods: Api<Pod> = Api::default_namespaced(client.clone());
    deploys
        .create(&PostParams::default(), &deployment("api", "api:1", 2))
        .await
        .unwrap();
    wait_for(&deploys, "api", available(1)).await;
    let running = |n: usize| {
        let pods = pods.clone();
        async move {
            tokio::time::timeout(HANG, async {
                loop {
                    let list = pods
                        .list(&ListParams::default().labels("app=api"))
                        .await
                        .unwrap();
                    let ready = list
                        .items
                        .iter()
                        .filter(|p| {
                            p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")
                        })
                        .count();
                    if list.items.len() == n && ready == n {
                        return list.items;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
            .await
            .expect("pods converge")
        }
    };
    let items = running(2).await;
    let p = &items[0];
    assert_eq!(
        p.spec.as_ref().unwrap().node_name.as_deref(),
        Some(simulator::NODE)
    );
    assert_eq!(
        p.metadata
            .annotations
            .as_ref()
            .unwrap()
            .get(ANNOTATION)
            .map(String::as_str),
        Some("true")
    );
    assert_eq!(
        p.metadata.owner_references.as_ref().unwrap()[0].kind,
        "ReplicaSet"
    );
    let st = p.status.as_ref().unwrap();
    assert!(st.pod_ip.is_some());
    assert!(
        st.conditions
            .as_ref()
            .unwrap()
            .iter()
            .any(|c| c.type_ == "Ready" && c.status == "True")
    );

    deploys
        .patch(
            "api",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 1}})),
        )
        .await
        .unwrap();
    wait_for(&deploys, "api", available(2)).await;
    running(1).await;
    sim.abort();
}

both!(simulator_over_a_kubeconfig, kube_own);
/// `roam simulate --kubeconfig K`: the simulator as a separate client over HTTPS
/// (against kube-apiserver too, which has no controllers of its own).
async fn simulator_over_a_kubeconfig(env: &Env) {
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kubeconfig");
    std::fs::write(&kc, env.kubeconfig()).unwrap();
    let sim_client = simulator::client_from_kubeconfig(Some(&kc), None)
        .await
        .unwrap();
    let sim = start_simulator(sim_client, Duration::from_millis(10), false);
    let deploys: Api<Deployment> = Api::default_namespaced(env.client().await);
    deploys
        .create(&PostParams::default(), &deployment("remote", "x:1", 1))
        .await
        .unwrap();
    wait_for(&deploys, "remote", available(1)).await;
    sim.abort();
}
