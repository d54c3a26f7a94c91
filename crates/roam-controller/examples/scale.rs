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
use kube::api::{Api, ListParams, Patch, PatchParams};
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
    let mut last = 0;
    loop {
        let list = apps.list(&ListParams::default()).await.expect("list").items;
        let running = list
            .iter()
            .filter(|a| {
                a.status.as_ref().is_some_and(|s| {
                    s.status == Some(ApplicationPhase::Running)
                        && s.observed_generation == a.metadata.generation
                })
            })
            .count();
        if running != last {
            eprintln!(
                "{:>6.1}s  {running}/{n} running",
                start.elapsed().as_secs_f64()
            );
            last = running;
        }
        if running >= n {
            break;
        }
        // Listing every app is itself load: poll less often for many.
        tokio::time::sleep(Duration::from_millis(500.max(n as u64 / 4))).await;
    }
    println!(
        "{}",
        json!({"apps": n, "created_s": created.as_secs_f64(), "running_s": start.elapsed().as_secs_f64()})
    );
}
