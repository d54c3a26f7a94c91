//! Multi-cluster delivery end to end: three `roam local` servers (a hub
//! with the controller, and members "east" and "west", each with its own
//! port, data directory and simulator), driven through the CLI.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{Local, text};
use serde_json::Value;

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
        .display()
        .to_string()
}

/// Reads objects of a member cluster directly (not through roam).
struct Member {
    rt: tokio::runtime::Runtime,
    client: kube::Client,
}

impl Member {
    fn of(local: &Local) -> Member {
        Member::from_kubeconfig(&local.kubeconfig)
    }

    fn from_kubeconfig(path: &Path) -> Member {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = rt.block_on(async {
            let kc = kube::config::Kubeconfig::read_from(path).unwrap();
            let cfg = kube::Config::from_custom_kubeconfig(kc, &Default::default())
                .await
                .unwrap();
            kube::Client::try_from(cfg).unwrap()
        });
        Member { rt, client }
    }

    /// The Deployment's image and replicas, if it exists.
    fn deployment(&self, name: &str) -> Option<(String, i64)> {
        use k8s_openapi::api::apps::v1::Deployment;
        let api: kube::Api<Deployment> = kube::Api::namespaced(self.client.clone(), "default");
        let d = self
            .rt
            .block_on(api.get_opt(name))
            .expect("get deployment")?;
        let v = serde_json::to_value(d).unwrap();
        Some((
            v["spec"]["template"]["spec"]["containers"][0]["image"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            v["spec"]["replicas"].as_i64().unwrap_or(1),
        ))
    }

    /// Creates a ConfigMap `name` with `data` (as someone other than roam).
    fn create_cm(&self, name: &str, data: Value) {
        use k8s_openapi::api::core::v1::ConfigMap;
        let api: kube::Api<ConfigMap> = kube::Api::namespaced(self.client.clone(), "default");
        let cm: ConfigMap =
            serde_json::from_value(serde_json::json!({"metadata": {"name": name}, "data": data}))
                .unwrap();
        self.rt
            .block_on(api.create(&Default::default(), &cm))
            .expect("create configmap");
    }

    /// A ConfigMap as JSON, if it exists.
    fn cm(&self, name: &str) -> Option<Value> {
        use k8s_openapi::api::core::v1::ConfigMap;
        let api: kube::Api<ConfigMap> = kube::Api::namespaced(self.client.clone(), "default");
        let cm = self
            .rt
            .block_on(api.get_opt(name))
            .expect("get configmap")?;
        Some(serde_json::to_value(cm).unwrap())
    }

    /// Sets a Deployment's replicas by hand (field manager "kubectl-scale").
    fn scale(&self, name: &str, replicas: i64) {
        use k8s_openapi::api::apps::v1::Deployment;
        let api: kube::Api<Deployment> = kube::Api::namespaced(self.client.clone(), "default");
        let pp = kube::api::PatchParams {
            field_manager: Some("kubectl-scale".into()),
            ..Default::default()
        };
        self.rt
            .block_on(api.patch(
                name,
                &pp,
                &kube::api::Patch::Merge(serde_json::json!({"spec": {"replicas": replicas}})),
            ))
            .expect("scale");
    }

    /// Waits (up to 60 s) until `f` holds for the Deployment.
    fn wait_deployment(&self, name: &str, what: &str, f: impl Fn(Option<&(String, i64)>) -> bool) {
        let start = Instant::now();
        loop {
            let d = self.deployment(name);
            if f(d.as_ref()) {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "deployment {name}: timed out waiting for {what}; last: {d:?}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

fn json(o: &std::process::Output) -> Value {
    assert!(o.status.success(), "{}", text(o));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(o)))
}

/// The app's YAML with `edit` applied to the example's text.
fn variant(dir: &Path, file: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let p = dir.join(file);
    std::fs::write(
        &p,
        edit(std::fs::read_to_string(example("multicluster.yaml")).unwrap()),
    )
    .unwrap();
    p
}

#[test]
fn join_deploy_override_fault_gc_and_detach() {
    let hub = Local::start();
    let east = Local::start();
    let west = Local::start();
    let kc = |l: &Local| l.kubeconfig.to_str().unwrap().to_string();

    // Join: by name, with labels; errors say what is wrong.
    let o = hub.roam(&["cluster", "join", &kc(&east), "--name", "east"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("cluster east joined"), "{}", text(&o));
    let o = hub.roam(&[
        "cluster",
        "join",
        &kc(&west),
        "--name",
        "west",
        "--labels",
        "region=west,tier=prod",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let o = hub.roam(&["cluster", "join", &kc(&west), "--name", "west"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("already registered"), "{}", text(&o));
    let o = hub.roam(&["cluster", "join", &kc(&west), "--name", "local"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("reserved"), "{}", text(&o));
    // Wrong credentials: the join names the cluster and the refusal.
    let bad = hub.dir().join("bad-token.kubeconfig");
    let west_kc = std::fs::read_to_string(&west.kubeconfig).unwrap();
    let token_line = west_kc.lines().find(|l| l.contains("token:")).unwrap();
    std::fs::write(
        &bad,
        west_kc.replace(token_line, "    token: \"not-the-token\""),
    )
    .unwrap();
    let o = hub.roam(&["cluster", "join", bad.to_str().unwrap(), "--name", "bad"]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o);
    assert!(out.contains("\"bad\"") && out.contains("401"), "{out}");

    // Labels: add and remove.
    let o = hub.roam(&["cluster", "labels", "add", "east", "region=east,tier=prod"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = hub.roam(&["cluster", "labels", "del", "east", "tier"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("region=east"), "{}", text(&o));
    let list = json(&hub.roam(&["cluster", "list", "-o", "json"]));
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["local", "east", "west"]);
    for c in list.as_array().unwrap() {
        assert_eq!(c["reachable"], true, "{c}");
    }
    assert_eq!(list[1]["labels"], serde_json::json!({"region": "east"}));
    assert_eq!(
        list[2]["labels"],
        serde_json::json!({"region": "west", "tier": "prod"})
    );

    // A placement nothing was delivered to yet shows as not-deployed.
    let pending = hub.dir().join("pending.yaml");
    std::fs::write(
        &pending,
        "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: pending\nspec:\n  components:\n    - name: conf\n      type: k8s-objects\n      properties:\n        objects:\n          - {apiVersion: v1, kind: ConfigMap, metadata: {name: pending}, data: {k: v}}\n  policies:\n    - name: east\n      type: topology\n      properties: {clusters: [east]}\n  workflow:\n    steps:\n      - {name: wait, type: suspend}\n      - {name: deploy, type: deploy, properties: {policies: [east]}}\n",
    )
    .unwrap();
    let o = hub.roam(&[
        "up",
        "-f",
        pending.to_str().unwrap(),
        "--wait",
        "--timeout",
        "60s",
    ]);
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    let o = hub.roam(&["status", "pending", "--tree"]);
    let tree = text(&o);
    let row = tree
        .lines()
        .find(|l| l.starts_with("east"))
        .unwrap_or_else(|| panic!("no east row:\n{tree}"));
    assert!(
        row.contains("not-deployed") && row.contains("default"),
        "{tree}"
    );
    let o = hub.roam(&["delete", "pending", "--wait", "--timeout", "60s"]);
    assert!(o.status.success(), "{}", text(&o));

    // Deploy: east by name with a newer image, west by label with three
    // replicas; nothing on the hub.
    let o = hub.roam(&[
        "up",
        "-f",
        &example("multicluster.yaml"),
        "--wait",
        "--timeout",
        "90s",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let (me, mw, mh) = (Member::of(&east), Member::of(&west), Member::of(&hub));
    assert_eq!(me.deployment("hello"), Some(("nginx:1.27".into(), 1)));
    assert_eq!(mw.deployment("hello"), Some(("nginx:1.25".into(), 3)));
    assert_eq!(mh.deployment("hello"), None);
    let st = json(&hub.roam(&["status", "hello-everywhere", "-o", "json"]));
    let mut services: Vec<(String, bool)> = st["status"]["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["cluster"].as_str().unwrap_or_default().to_string(),
                s["healthy"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    services.sort();
    assert_eq!(
        services,
        [("east".to_string(), true), ("west".to_string(), true)]
    );
    // The tree reads each object from its own cluster.
    let o = hub.roam(&["status", "hello-everywhere", "--tree"]);
    let tree = text(&o);
    assert!(o.status.success(), "{tree}");
    for cluster in ["east", "west"] {
        let row = tree
            .lines()
            .find(|l| l.starts_with(cluster))
            .unwrap_or_else(|| panic!("no row for {cluster}:\n{tree}"));
        assert!(row.contains("updated"), "{tree}");
    }
    assert_eq!(tree.matches("Deployment/hello").count(), 2, "{tree}");
    assert!(!tree.contains("not found"), "{tree}");
    let o = hub.roam(&["cluster", "detach", "east"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("default/hello-everywhere"),
        "{}",
        text(&o)
    );

    // A member down mid-deploy: one step to both clusters; west proceeds,
    // the step names east, and the app recovers when east is back.
    let both = variant(hub.dir(), "both.yaml", |s| {
        let s = s.replace("nginx:1.25", "nginx:1.28");
        let i = s.find("  workflow:").unwrap();
        format!(
            "{}  workflow:\n    steps:\n      - name: deploy-all\n        type: deploy\n        properties:\n          policies: [\"east\", \"west\"]\n",
            &s[..i]
        )
    });
    east.stop();
    let o = hub.roam(&["up", "-f", both.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    mw.wait_deployment("hello", "the new image in west", |d| {
        d.is_some_and(|(image, _)| image == "nginx:1.28")
    });
    let start = Instant::now();
    loop {
        let st = json(&hub.roam(&["status", "hello-everywhere", "-o", "json"]));
        let msg = st["status"]["workflow"]["steps"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if msg.contains("cluster east cannot be reached") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no step message about east: {st}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    east.restart();
    let o = hub.roam(&[
        "up",
        "-f",
        both.to_str().unwrap(),
        "--wait",
        "--timeout",
        "120s",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let me = Member::of(&east);
    assert_eq!(me.deployment("hello"), Some(("nginx:1.28".into(), 1)));

    // Take west out of the topology: its objects are garbage-collected.
    let east_only = variant(hub.dir(), "east-only.yaml", |s| {
        let i = s.find("      - name: deploy-west").unwrap();
        s[..i].to_string()
    });
    let o = hub.roam(&[
        "up",
        "-f",
        east_only.to_str().unwrap(),
        "--wait",
        "--timeout",
        "90s",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    mw.wait_deployment("hello", "garbage collection in west", |d| d.is_none());
    assert!(me.deployment("hello").is_some());

    // West is free now: rename, then detach.
    let o = hub.roam(&["cluster", "rename", "west", "west2"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = hub.roam(&["cluster", "detach", "west2"]);
    assert!(o.status.success(), "{}", text(&o));

    // Deleting the app deletes what it made in the members.
    let o = hub.roam(&["delete", "hello-everywhere", "--wait", "--timeout", "60s"]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(me.deployment("hello"), None);
    let o = hub.roam(&["cluster", "detach", "east"]);
    assert!(o.status.success(), "{}", text(&o));
    let list = json(&hub.roam(&["cluster", "list", "-o", "json"]));
    assert_eq!(list.as_array().unwrap().len(), 1);
}

/// A child process killed when dropped.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A real kube-apiserver (with etcd) as a member: topology and override
/// deliver to it as to `roam local`. It runs no controllers, so roam's
/// simulator reports the Deployment's status there too.
#[test]
fn kube_apiserver_member() {
    let Some(bins) = roam_testenv::Binaries::or_skip("the multi-cluster kube-apiserver test")
    else {
        return;
    };
    let api = roam_testenv::KubeApiserver::start(&bins)
        .unwrap_or_else(|e| panic!("kube-apiserver did not start: {e}"));
    let hub = Local::start();
    let member_kc = hub.dir().join("kube.kubeconfig");
    std::fs::write(&member_kc, api.kubeconfig("default")).unwrap();
    let _simulator = Child(
        std::process::Command::new(env!("CARGO_BIN_EXE_roam"))
            .args(["simulate", "--delay", "300ms", "--kubeconfig"])
            .arg(&member_kc)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("roam simulate"),
    );
    let o = hub.roam(&[
        "cluster",
        "join",
        member_kc.to_str().unwrap(),
        "--name",
        "real",
        "--labels",
        "flavour=kube",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("v1.32"), "{}", text(&o));
    let app = variant(hub.dir(), "kube.yaml", |s| {
        let s = s
            .replace("clusters: [\"east\"]", "clusters: [\"real\"]")
            .replace("region: west", "flavour: kube");
        let i = s.find("      - name: deploy-west").unwrap();
        s[..i].to_string()
    });
    let o = hub.roam(&[
        "up",
        "-f",
        app.to_str().unwrap(),
        "--wait",
        "--timeout",
        "120s",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let m = Member::from_kubeconfig(&member_kc);
    assert_eq!(m.deployment("hello"), Some(("nginx:1.27".into(), 1)));
    assert_eq!(Member::of(&hub).deployment("hello"), None);
    let o = hub.roam(&["delete", "hello-everywhere", "--wait", "--timeout", "60s"]);
    assert!(o.status.success(), "{}", text(&o));
    m.wait_deployment("hello", "deletion", |d| d.is_none());
}

/// The resource policies and replication in member clusters: a hub and two
/// `roam local` members, one app placed on both.
#[test]
fn policies_and_replication_across_members() {
    let hub = Local::start();
    let east = Local::start();
    let west = Local::start();
    for (l, name) in [(&east, "east"), (&west, "west")] {
        let o = hub.roam(&[
            "cluster",
            "join",
            l.kubeconfig.to_str().unwrap(),
            "--name",
            name,
        ]);
        assert!(o.status.success(), "{}", text(&o));
    }
    let (me, mw) = (Member::of(&east), Member::of(&west));
    // Objects someone else made in both members: one to adopt, one to read.
    for m in [&me, &mw] {
        m.create_cm("adopt-me", serde_json::json!({"k": "theirs"}));
        m.create_cm("look-only", serde_json::json!({"k": "theirs"}));
    }
    // A component type naming its ConfigMap by replica key and writing what
    // its context says about the cluster.
    let def = hub.dir().join("zone-config.yaml");
    std::fs::write(
        &def,
        r#"apiVersion: core.oam.dev/v1beta1
kind: ComponentDefinition
metadata:
  name: zone-config
  namespace: default
spec:
  workload:
    type: autodetects.core.oam.dev
  schematic:
    cue:
      template: |
        output: {
          apiVersion: "v1"
          kind: "ConfigMap"
          metadata: name: "\(context.name)-\(context.replicaKey)"
          data: {
            cluster: context.cluster
            key: context.replicaKey
            version: context.clusterVersion.gitVersion
          }
        }
        parameter: {}
"#,
    )
    .unwrap();
    let o = hub.roam(&["def", "apply", def.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));

    let app = |image: &str| {
        format!(
            r#"apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: everything
spec:
  components:
    - name: zones
      type: zone-config
    - name: adopt
      type: k8s-objects
      properties:
        objects: [{{apiVersion: v1, kind: ConfigMap, metadata: {{name: adopt-me}}, data: {{k: mine}}}}]
    - name: look
      type: k8s-objects
      properties:
        objects: [{{apiVersion: v1, kind: ConfigMap, metadata: {{name: look-only}}, data: {{k: mine}}}}]
    - name: common
      type: k8s-objects
      properties:
        objects: [{{apiVersion: v1, kind: ConfigMap, metadata: {{name: common}}, data: {{k: from-everything}}}}]
    - name: web
      type: webservice
      properties:
        image: {image}
  policies:
    - {{name: both, type: topology, properties: {{clusters: [east, west]}}}}
    - {{name: zones, type: replication, properties: {{keys: [a, b], selector: [zones]}}}}
    - {{name: adopt, type: take-over, properties: {{rules: [{{selector: {{resourceNames: [adopt-me]}}}}]}}}}
    - {{name: look, type: read-only, properties: {{rules: [{{selector: {{componentNames: [look]}}}}]}}}}
    - {{name: share, type: shared-resource, properties: {{rules: [{{selector: {{resourceNames: [common]}}}}]}}}}
    - name: replicas-drift
      type: apply-once
      properties:
        enable: true
        rules: [{{selector: {{resourceTypes: [Deployment]}}, strategy: {{path: [spec.replicas]}}}}]
  workflow:
    steps:
      - {{name: deploy, type: deploy, properties: {{policies: [both, zones]}}}}
"#
        )
    };
    let file = hub.dir().join("everything.yaml");
    std::fs::write(&file, app("nginx:1.27")).unwrap();
    let o = hub.roam(&[
        "up",
        "-f",
        file.to_str().unwrap(),
        "--wait",
        "--timeout",
        "90s",
    ]);
    assert!(o.status.success(), "{}", text(&o));

    for (m, cluster) in [(&me, "east"), (&mw, "west")] {
        // Replication: a copy per key, rendered with the member's context.
        for key in ["a", "b"] {
            let cm = m
                .cm(&format!("zones-{key}"))
                .unwrap_or_else(|| panic!("zones-{key} in {cluster}"));
            assert_eq!(cm["data"]["cluster"], cluster);
            assert_eq!(cm["data"]["key"], key);
            assert_eq!(
                cm["data"]["version"], "v1.32.4-roam",
                "the member's probed version"
            );
            assert_eq!(cm["metadata"]["labels"]["app.oam.dev/replicaKey"], key);
        }
        // take-over, read-only, shared-resource.
        let adopted = m.cm("adopt-me").unwrap();
        assert_eq!(adopted["data"]["k"], "mine", "{cluster}");
        assert_eq!(
            adopted["metadata"]["labels"]["app.oam.dev/name"],
            "everything"
        );
        let look = m.cm("look-only").unwrap();
        assert_eq!(look["data"]["k"], "theirs", "{cluster}");
        let common = m.cm("common").unwrap();
        assert_eq!(
            common["metadata"]["annotations"]["app.oam.dev/shared-by"],
            "default/everything"
        );
    }

    // apply-once: replicas set by hand in east survive an update of the app.
    me.scale("web", 3);
    std::fs::write(&file, app("nginx:1.28")).unwrap();
    let o = hub.roam(&[
        "up",
        "-f",
        file.to_str().unwrap(),
        "--wait",
        "--timeout",
        "90s",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(me.deployment("web"), Some(("nginx:1.28".into(), 3)));
    assert_eq!(mw.deployment("web"), Some(("nginx:1.28".into(), 1)));

    // A second app shares `common` in east only.
    let sharer = hub.dir().join("sharer.yaml");
    std::fs::write(
        &sharer,
        "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: sharer\nspec:\n  components:\n    - name: common\n      type: k8s-objects\n      properties:\n        objects: [{apiVersion: v1, kind: ConfigMap, metadata: {name: common}, data: {k: from-sharer}}]\n  policies:\n    - {name: east, type: topology, properties: {clusters: [east]}}\n    - {name: share, type: shared-resource, properties: {rules: [{selector: {resourceNames: [common]}}]}}\n",
    )
    .unwrap();
    let o = hub.roam(&[
        "up",
        "-f",
        sharer.to_str().unwrap(),
        "--wait",
        "--timeout",
        "90s",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let common = me.cm("common").unwrap();
    assert_eq!(common["data"]["k"], "from-everything");
    assert_eq!(
        common["metadata"]["annotations"]["app.oam.dev/shared-by"],
        "default/everything,default/sharer"
    );

    // read-only over an object a member lacks: refused, naming the cluster.
    let refuser = hub.dir().join("refuser.yaml");
    std::fs::write(
        &refuser,
        "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: refuser\nspec:\n  components:\n    - name: look\n      type: k8s-objects\n      properties:\n        objects: [{apiVersion: v1, kind: ConfigMap, metadata: {name: absent}, data: {k: v}}]\n  policies:\n    - {name: west, type: topology, properties: {clusters: [west]}}\n    - {name: look, type: read-only, properties: {rules: [{selector: {componentNames: [look]}}]}}\n",
    )
    .unwrap();
    let o = hub.roam(&["up", "-f", refuser.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let start = Instant::now();
    loop {
        let st = json(&hub.roam(&["status", "refuser", "-o", "json"]));
        let msg = st["status"]["workflow"]["steps"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if msg.contains("is read-only") {
            assert!(
                msg.contains("ConfigMap default/absent in cluster west"),
                "{msg}"
            );
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no read-only refusal: {st}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    assert!(mw.cm("absent").is_none());

    // Deleting the first app: east's shared object passes to the sharer,
    // west's (shared by nobody else) goes; the read-only ones stay.
    let o = hub.roam(&["delete", "everything", "--wait", "--timeout", "60s"]);
    assert!(o.status.success(), "{}", text(&o));
    let common = me.cm("common").expect("common stays in east");
    assert_eq!(
        common["metadata"]["annotations"]["app.oam.dev/shared-by"],
        "default/sharer"
    );
    assert_eq!(common["metadata"]["labels"]["app.oam.dev/name"], "sharer");
    assert!(mw.cm("common").is_none());
    for m in [&me, &mw] {
        assert!(m.cm("look-only").is_some());
        assert!(m.cm("zones-a").is_none());
        assert!(m.deployment("web").is_none());
    }
}
