//! Crash safety: `kill -9` the controller at random moments while 200 apps
//! are created and updated; after a restart every app converges, and the
//! ResourceTrackers match what exists exactly (nothing orphaned, nothing
//! recorded twice, nothing missing).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use kube::api::{Api, ListParams, Patch, PatchParams};
use kube::{Client, ResourceExt};
use roam_api::{Application, ResourceTracker};
use serde_json::json;

const APPS: usize = 200;

fn roam(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_roam"))
        .args(args)
        .env_remove("KUBECONFIG")
        .output()
        .expect("roam runs")
}

/// A small deterministic generator (the seed is printed for replays).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn start_controller(kubeconfig: &Path, log: &Path) -> Child {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    Command::new(env!("CARGO_BIN_EXE_roam"))
        .args([
            "controller",
            "--metrics-addr",
            "127.0.0.1:0",
            "--concurrency",
            "8",
        ])
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("controller starts")
}

/// App `i`, version `v`: the image changes with `v`, and odd versions
/// expose a port (a Service) that even versions drop.
fn app(i: usize, v: u64) -> serde_json::Value {
    let name = format!("app-{i:03}");
    let ports = if v % 2 == 1 {
        json!([{"port": 80, "expose": true}])
    } else {
        json!([{"port": 80}])
    };
    json!({
        "apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"components": [{
            "name": name, "type": "webservice",
            "properties": {"image": format!("nginx:1.{v}"), "ports": ports},
            "traits": [{"type": "scaler", "properties": {"replicas": 1}}]
        }]}
    })
}

#[test]
fn kill_9_during_create_and_update_then_converge() {
    let tmp = tempfile::tempdir().unwrap();
    let data: PathBuf = tmp.path().join("data");
    let d = data.to_str().unwrap();
    let o = roam(&[
        "local",
        "start",
        "--port",
        "0",
        "--no-controller",
        "--simulate-delay",
        "100ms",
        "--data-dir",
        d,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let kc = roam(&["local", "kubeconfig", "--data-dir", d]);
    let kubeconfig = tmp.path().join("kubeconfig");
    std::fs::write(&kubeconfig, &kc.stdout).unwrap();
    let log = tmp.path().join("controller.log");

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    println!("seed {seed}");
    let mut rng = Rng(seed);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let client: Client = rt
        .block_on(roam_apiserver::simulator::client_from_kubeconfig(
            Some(&kubeconfig),
            None,
        ))
        .unwrap();
    let apps: Api<Application> = Api::namespaced(client.clone(), "default");
    let mut version = vec![1u64; APPS];
    let apply = |i: usize, v: u64| {
        rt.block_on(apps.patch(
            &format!("app-{i:03}"),
            &PatchParams::apply("test").force(),
            &Patch::Apply(app(i, v)),
        ))
        .expect("apply app");
    };

    let t0 = Instant::now();
    let mut controller = start_controller(&kubeconfig, &log);
    let mut kills = 0;
    // Create in batches, killing the controller between them; then update
    // random apps while killing it at random moments.
    for batch in 0..4 {
        for i in batch * APPS / 4..(batch + 1) * APPS / 4 {
            apply(i, 1);
        }
        std::thread::sleep(Duration::from_millis(100 + rng.below(900)));
        controller.kill().unwrap();
        controller.wait().unwrap();
        kills += 1;
        controller = start_controller(&kubeconfig, &log);
    }
    for _round in 0..6 {
        for _ in 0..30 {
            let i = rng.below(APPS as u64) as usize;
            version[i] += 1;
            apply(i, version[i]);
        }
        std::thread::sleep(Duration::from_millis(50 + rng.below(1200)));
        controller.kill().unwrap();
        controller.wait().unwrap();
        kills += 1;
        controller = start_controller(&kubeconfig, &log);
    }
    println!("{kills} kill -9s in {:.1}s", t0.elapsed().as_secs_f64());

    // Converge: every app running at its latest generation.
    let start = Instant::now();
    let list = loop {
        let list = rt
            .block_on(apps.list(&ListParams::default()))
            .unwrap()
            .items;
        let pending: Vec<String> = list
            .iter()
            .filter(|a| {
                let st = a.status.clone().unwrap_or_default();
                !(st.observed_generation == a.metadata.generation
                    && st.status == Some(roam_api::ApplicationPhase::Running))
            })
            .map(|a| a.name_any())
            .collect();
        if pending.is_empty() && list.len() == APPS {
            break list;
        }
        if start.elapsed() > Duration::from_secs(240) {
            let _ = controller.kill();
            panic!(
                "not converged after 240 s (seed {seed}): {} apps pending, e.g. {:?}\ncontroller log:\n{}",
                pending.len(),
                list.iter()
                    .find(|a| pending.contains(&a.name_any()))
                    .map(|a| &a.status),
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    println!(
        "converged {:.1}s after the last restart",
        start.elapsed().as_secs_f64()
    );
    // One more pass of the loop settles garbage collection of the last
    // versions; give it a moment, then compare.
    std::thread::sleep(Duration::from_secs(2));

    let rts: Api<ResourceTracker> = Api::all(client.clone());
    let trackers = rt.block_on(rts.list(&ListParams::default())).unwrap().items;
    let mut tracked: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for rt in &trackers {
        let app = rt.labels()["app.oam.dev/name"].clone();
        let a = list
            .iter()
            .find(|a| a.name_any() == app)
            .expect("tracker of a live app");
        assert_eq!(
            rt.name_any(),
            format!("{app}-v{}-default", a.metadata.generation.unwrap()),
            "only the current version's tracker is left"
        );
        for m in &rt.spec.managed_resources {
            assert!(!m.deleted, "{m:?} still marked deleted");
            let key = format!("{}/{}", m.kind, m.name);
            assert!(seen.insert(key.clone()), "{key} recorded twice");
            tracked.entry(app.clone()).or_default().insert(key);
        }
    }
    let deploys: Api<k8s_openapi::api::apps::v1::Deployment> =
        Api::namespaced(client.clone(), "default");
    let svcs: Api<k8s_openapi::api::core::v1::Service> = Api::namespaced(client.clone(), "default");
    let mut existing: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for d in rt
        .block_on(deploys.list(&ListParams::default()))
        .unwrap()
        .items
    {
        let app = d
            .labels()
            .get("app.oam.dev/name")
            .cloned()
            .unwrap_or_default();
        existing
            .entry(app)
            .or_default()
            .insert(format!("Deployment/{}", d.name_any()));
    }
    for s in rt
        .block_on(svcs.list(&ListParams::default()))
        .unwrap()
        .items
    {
        let Some(app) = s.labels().get("app.oam.dev/name").cloned() else {
            continue; // the `kubernetes` service
        };
        existing
            .entry(app)
            .or_default()
            .insert(format!("Service/{}", s.name_any()));
    }
    assert_eq!(
        tracked, existing,
        "trackers and cluster differ (seed {seed})"
    );
    for (i, v) in version.iter().enumerate() {
        let name = format!("app-{i:03}");
        let objs = &existing[&name];
        assert_eq!(
            objs.contains(&format!("Service/{name}")),
            v % 2 == 1,
            "{name} at version {v}: {objs:?} (seed {seed})"
        );
    }
    controller.kill().unwrap();
    controller.wait().unwrap();
    let _ = roam(&["local", "stop", "--data-dir", d]);
}
