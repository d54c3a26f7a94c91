//! Load for the controller scale benchmark (`bench/controller-scale.sh`):
//! creates N applications of KubeVela's published test shape (2 components,
//! 5 traits) and waits until every one is `running`.
//!
//! ```sh
//! cargo run --release -p roam-controller --example scale -- KUBECONFIG N [CONCURRENCY]
//! ```
//!
//! Prints one JSON line: apps, seconds until all were created, seconds until
//! all were running.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use kube::api::{Api, Patch, PatchParams};
use roam_api::{Application, ApplicationPhase};
use serde_json::json;

fn app(i: usize) -> serde_json::Value {
    let name = format!("load-{i:05}");
    json!({
        "apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"components": [
            {
                "name": format!("{name}-web"), "type": "webservice",
                "properties": {"image": "nginx:1.27", "ports": [{"port": 80, "expose": true}], "cpu": "100m"},
                "traits": [
                    {"type": "scaler", "properties": {"replicas": 2}},
                    {"type": "labels", "properties": {"load": "test"}},
                    {"type": "env", "properties": {"env": {"MODE": "load"}}}
                ]
            },
            {
                "name": format!("{name}-worker"), "type": "worker",
                "properties": {"image": "busybox:1.36", "cmd": ["sleep", "1000"]},
                "traits": [
                    {"type": "scaler", "properties": {"replicas": 1}},
                    {"type": "annotations", "properties": {"load": "test"}}
                ]
            }
        ]}
    })
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let kubeconfig = std::path::PathBuf::from(&args[1]);
    let n: usize = args[2].parse().expect("N");
    let concurrency: usize = args.get(3).and_then(|c| c.parse().ok()).unwrap_or(16);
    let client = roam_apiserver::simulator::client_from_kubeconfig(Some(&kubeconfig), None)
        .await
        .expect("client");
    let apps: Arc<Api<Application>> = Arc::new(Api::namespaced(client.clone(), "default"));
    let start = Instant::now();
    futures_util::stream::iter(0..n)
        .for_each_concurrent(concurrency, |i| {
            let apps = apps.clone();
            async move {
                let body = app(i);
                let name = body["metadata"]["name"].as_str().unwrap().to_string();
                for _ in 0..5 {
                    match apps
                        .patch(
                            &name,
                            &PatchParams::apply("load").force(),
                            &Patch::Apply(&body),
                        )
                        .await
                    {
                        Ok(_) => return,
                        Err(e) => {
                            eprintln!("{name}: {e}; retrying");
                            tokio::time::sleep(Duration::from_millis(200)).await;
                        }
                    }
                }
                panic!("{name}: could not create");
            }
        })
        .await;
    let created = start.elapsed();
    eprintln!("{n} apps created in {:.1}s", created.as_secs_f64());
    // Watch (not poll: listing thousands of apps is itself load) until
    // every app runs at its generation.
    let mut running = std::collections::HashSet::new();
    let stream = kube::runtime::watcher((*apps).clone(), kube::runtime::watcher::Config::default());
    let mut stream = std::pin::pin!(kube::runtime::WatchStreamExt::applied_objects(stream));
    let mut last_report = Instant::now();
    while let Some(ev) = stream.next().await {
        let Ok(a) = ev else { continue };
        let ok = a.status.as_ref().is_some_and(|s| {
            s.status == Some(ApplicationPhase::Running)
                && s.observed_generation == a.metadata.generation
        });
        let name = a.metadata.name.clone().unwrap_or_default();
        if ok {
            running.insert(name);
        } else {
            running.remove(&name);
        }
        if last_report.elapsed() > Duration::from_secs(2) || running.len() >= n {
            eprintln!(
                "{:>6.1}s  {}/{n} running",
                start.elapsed().as_secs_f64(),
                running.len()
            );
            last_report = Instant::now();
        }
        if running.len() >= n {
            break;
        }
    }
    println!(
        "{}",
        json!({"apps": n, "created_s": created.as_secs_f64(), "running_s": start.elapsed().as_secs_f64()})
    );
}
