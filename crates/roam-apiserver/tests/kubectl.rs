//! The machine's real `kubectl` against an in-process server on 127.0.0.1.
//!
//! Each test writes a kubeconfig to a fresh temp dir and passes a fresh
//! `--cache-dir` (kubectl caches discovery per host:port for hours). Skipped, with
//! a notice, when kubectl is not installed.

mod common;

use common::{Env, both};
use std::path::{Path, PathBuf};
use std::process::Command;

fn kubectl_path() -> Option<PathBuf> {
    let p = std::env::var_os("ROAM_TEST_KUBECTL")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/kubectl"));
    if p.exists() {
        Some(p)
    } else {
        eprintln!(
            "NOTICE: kubectl not found at {} (set ROAM_TEST_KUBECTL); skipping kubectl tests",
            p.display()
        );
        None
    }
}

struct Kubectl {
    bin: PathBuf,
    dir: tempfile::TempDir,
}

struct Out {
    ok: bool,
    stdout: String,
    stderr: String,
}

impl Kubectl {
    fn new(env: &Env) -> Option<Kubectl> {
        let bin = kubectl_path()?;
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("kubeconfig"), env.kubeconfig()).expect("write kubeconfig");
        Some(Kubectl { bin, dir })
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).expect("write manifest");
        p
    }

    /// Runs kubectl (off the async runtime, which keeps serving).
    async fn run(&self, args: &[&str]) -> Out {
        self.run_env(args, &[]).await
    }

    async fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Out {
        let mut cmd = Command::new(&self.bin);
        cmd.envs(env.iter().copied());
        cmd.arg("--kubeconfig")
            .arg(self.dir.path().join("kubeconfig"))
            .arg("--cache-dir")
            .arg(self.dir.path().join("cache"))
            .args(args)
            .env("HOME", self.dir.path())
            .env_remove("KUBECONFIG");
        let out = tokio::task::spawn_blocking(move || cmd.output())
            .await
            .expect("join")
            .expect("kubectl runs");
        let o = Out {
            ok: out.status.success(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        if !o.ok {
            eprintln!("kubectl {args:?} failed:\n{}\n{}", o.stdout, o.stderr);
        }
        o
    }

    async fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args).await;
        assert!(
            o.ok,
            "kubectl {args:?} failed:\nstdout: {}\nstderr: {}",
            o.stdout, o.stderr
        );
        o.stdout
    }

    fn path(&self, p: &Path) -> String {
        p.display().to_string()
    }
}

const CONFIGMAP: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: demo
  labels:
    app: demo
data:
  greeting: hello
";

both!(version_and_namespaces);
async fn version_and_namespaces(env: &Env) {
    let Some(k) = Kubectl::new(env) else { return };
    let v = k.ok(&["version"]).await;
    let want = if env.is_kube() {
        format!("Server Version: {}", roam_testenv::KUBE_VERSION)
    } else {
        "Server Version: v1.32.4-roam".to_string()
    };
    assert!(v.contains(&want), "{v}");

    let ns = k.ok(&["get", "namespaces"]).await;
    let header = ns.lines().next().unwrap_or_default();
    assert!(
        header.starts_with("NAME") && header.contains("STATUS") && header.contains("AGE"),
        "{ns}"
    );
    for name in ["default", "kube-system", "kube-public"] {
        assert!(
            ns.lines()
                .any(|l| l.starts_with(name) && l.contains("Active")),
            "{name} not listed:\n{ns}"
        );
    }
}

both!(apply_get_delete_configmap);
async fn apply_get_delete_configmap(env: &Env) {
    let Some(k) = Kubectl::new(env) else { return };
    let f = k.write("cm.yaml", CONFIGMAP);
    let out = k.ok(&["apply", "-f", &k.path(&f)]).await;
    assert!(out.contains("configmap/demo created"), "{out}");

    // Client-side apply stored the last-applied annotation.
    let json: serde_json::Value =
        serde_json::from_str(&k.ok(&["get", "configmap", "demo", "-o", "json"]).await).unwrap();
    assert_eq!(json["data"]["greeting"], "hello");
    assert!(
        json["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
            .is_string()
    );

    let out = k.ok(&["apply", "-f", &k.path(&f)]).await;
    assert!(out.contains("configmap/demo unchanged"), "{out}");

    // A change goes through a strategic merge patch.
    let f2 = k.write("cm2.yaml", &CONFIGMAP.replace("hello", "bonjour"));
    let out = k.ok(&["apply", "-f", &k.path(&f2)]).await;
    assert!(out.contains("configmap/demo configured"), "{out}");
    let json: serde_json::Value =
        serde_json::from_str(&k.ok(&["get", "cm", "demo", "-o", "json"]).await).unwrap();
    assert_eq!(json["data"]["greeting"], "bonjour");

    let table = k.ok(&["get", "cm", "-l", "app=demo"]).await;
    assert!(
        table.lines().next().unwrap_or_default().contains("DATA"),
        "{table}"
    );
    assert!(table.lines().any(|l| l.starts_with("demo")), "{table}");

    let out = k.ok(&["delete", "configmap", "demo"]).await;
    assert!(out.contains("configmap \"demo\" deleted"), "{out}");
    let gone = k.run(&["get", "configmap", "demo"]).await;
    assert!(!gone.ok);
    assert!(
        gone.stderr.contains("configmaps \"demo\" not found"),
        "{}",
        gone.stderr
    );
}

both!(create_get_json_delete);
async fn create_get_json_delete(env: &Env) {
    let Some(k) = Kubectl::new(env) else { return };
    let f = k.write("cm.yaml", CONFIGMAP);
    let out = k.ok(&["create", "-f", &k.path(&f)]).await;
    assert!(out.contains("configmap/demo created"), "{out}");
    let again = k.run(&["create", "-f", &k.path(&f)]).await;
    assert!(
        !again.ok && again.stderr.contains("AlreadyExists"),
        "{}",
        again.stderr
    );
    let json: serde_json::Value =
        serde_json::from_str(&k.ok(&["get", "configmap", "demo", "-o", "json"]).await).unwrap();
    assert_eq!(json["metadata"]["namespace"], env.ns.as_str());
    assert!(json["metadata"]["uid"].is_string());
    k.ok(&["delete", "-f", &k.path(&f)]).await;
}

both!(api_resources_and_custom_resources);
async fn api_resources_and_custom_resources(env: &Env) {
    let Some(k) = Kubectl::new(env) else { return };
    let res = k.ok(&["api-resources"]).await;
    for line in [
        "configmaps",
        "deployments",
        "customresourcedefinitions",
        "namespaces",
    ] {
        assert!(
            res.lines().any(|l| l.starts_with(line)),
            "{line} missing:\n{res}"
        );
    }
    let crd = k.write(
        "crd.yaml",
        "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.roam.dev
spec:
  group: example.roam.dev
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
",
    );
    let out = k.ok(&["apply", "-f", &k.path(&crd)]).await;
    assert!(
        out.contains(
            "customresourcedefinition.apiextensions.k8s.io/widgets.example.roam.dev created"
        ),
        "{out}"
    );
    k.ok(&[
        "wait",
        "--for=condition=Established",
        "crd/widgets.example.roam.dev",
        "--timeout=30s",
    ])
    .await;

    let w = k.write(
        "w.yaml",
        "apiVersion: example.roam.dev/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 3\n",
    );
    let out = k.ok(&["apply", "-f", &k.path(&w)]).await;
    assert!(out.contains("widget.example.roam.dev/w1 created"), "{out}");
    let table = k.ok(&["get", "widgets"]).await;
    assert!(
        table.lines().next().unwrap_or_default().contains("SIZE"),
        "{table}"
    );
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("w1") && l.contains('3')),
        "{table}"
    );
    // Changed custom resource: kubectl sends a JSON merge patch.
    let w2 = k.write(
        "w2.yaml",
        "apiVersion: example.roam.dev/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 4\n",
    );
    let out = k.ok(&["apply", "-f", &k.path(&w2)]).await;
    assert!(
        out.contains("widget.example.roam.dev/w1 configured"),
        "{out}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&k.ok(&["get", "wd", "w1", "-o", "json"]).await).unwrap();
    assert_eq!(json["spec"]["size"], 4);
    let out = k.ok(&["delete", "widget", "w1"]).await;
    assert!(out.contains("deleted"), "{out}");
}

both!(label_annotate_patch_replace_describe);
async fn label_annotate_patch_replace_describe(env: &Env) {
    let Some(k) = Kubectl::new(env) else { return };
    let f = k.write("cm.yaml", CONFIGMAP);
    k.ok(&["create", "-f", &k.path(&f)]).await;

    let out = k.ok(&["label", "configmap", "demo", "tier=web"]).await;
    assert!(out.contains("configmap/demo labeled"), "{out}");
    let out = k.ok(&["annotate", "configmap", "demo", "note=hi"]).await;
    assert!(out.contains("configmap/demo annotated"), "{out}");
    // Strategic (kubectl's default), merge and JSON patches.
    let out = k
        .ok(&["patch", "configmap", "demo", "-p", r#"{"data":{"a":"1"}}"#])
        .await;
    assert!(out.contains("configmap/demo patched"), "{out}");
    k.ok(&[
        "patch",
        "configmap",
        "demo",
        "--type=merge",
        "-p",
        r#"{"data":{"b":"2"}}"#,
    ])
    .await;
    k.ok(&[
        "patch",
        "configmap",
        "demo",
        "--type=json",
        "-p",
        r#"[{"op":"remove","path":"/data/a"}]"#,
    ])
    .await;
    let json: serde_json::Value =
        serde_json::from_str(&k.ok(&["get", "cm", "demo", "-o", "json"]).await).unwrap();
    assert_eq!(json["metadata"]["labels"]["tier"], "web");
    assert_eq!(json["metadata"]["annotations"]["note"], "hi");
    assert_eq!(
        json["data"],
        serde_json::json!({"greeting": "hello", "b": "2"})
    );

    let f2 = k.write("cm2.yaml", &CONFIGMAP.replace("hello", "replaced"));
    let out = k.ok(&["replace", "-f", &k.path(&f2)]).await;
    assert!(out.contains("configmap/demo replaced"), "{out}");
    let yaml = k.ok(&["get", "cm", "demo", "-o", "yaml"]).await;
    assert!(yaml.contains("greeting: replaced"), "{yaml}");

    // describe lists events with involvedObject field selectors.
    let d = k.ok(&["describe", "configmap", "demo"]).await;
    assert!(
        d.lines()
            .any(|l| l.starts_with("Name:") && l.ends_with("demo")),
        "{d}"
    );
    assert!(d.contains("Events:"), "{d}");
}

both!(get_watch_sees_a_change);
async fn get_watch_sees_a_change(env: &Env) {
    use std::io::BufRead;
    let Some(k) = Kubectl::new(env) else { return };
    let mut child = Command::new(&k.bin)
        .arg("--kubeconfig")
        .arg(k.dir.path().join("kubeconfig"))
        .arg("--cache-dir")
        .arg(k.dir.path().join("cache"))
        .args(["get", "configmaps", "--watch", "--output-watch-events"])
        .env("HOME", k.dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("kubectl runs");
    let stdout = child.stdout.take().expect("piped");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // The watch is open once kubectl printed its header (or, with no objects yet,
    // keep creating until a change shows up: each create is a new event).
    let cms: kube::Api<k8s_openapi::api::core::v1::ConfigMap> =
        kube::Api::default_namespaced(env.client().await);
    let mut seen = Vec::new();
    let mut i = 0;
    let found = loop {
        let cm = serde_json::from_value(serde_json::json!({"metadata": {"name": format!("w{i}")}}))
            .unwrap();
        cms.create(&Default::default(), &cm).await.unwrap();
        i += 1;
        match tokio::time::timeout(std::time::Duration::from_secs(2), rx.recv()).await {
            Ok(Some(line)) => {
                seen.push(line.clone());
                if line.contains("ADDED") && line.contains(" w") {
                    break true;
                }
            }
            Ok(None) => break false,
            Err(_) if i < 15 => continue,
            Err(_) => break false,
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    assert!(found, "kubectl get --watch printed no ADDED line: {seen:?}");
}

both!(server_side_apply);
async fn server_side_apply(env: &Env) {
    let Some(k) = Kubectl::new(env) else { return };
    let f = k.write("cm.yaml", CONFIGMAP);
    let out = k.ok(&["apply", "--server-side", "-f", &k.path(&f)]).await;
    assert!(out.contains("configmap/demo serverside-applied"), "{out}");
    let f2 = k.write("cm2.yaml", &CONFIGMAP.replace("hello", "hola"));
    k.ok(&["apply", "--server-side", "-f", &k.path(&f2)]).await;
    let json: serde_json::Value = serde_json::from_str(
        &k.ok(&["get", "cm", "demo", "-o", "json", "--show-managed-fields"])
            .await,
    )
    .unwrap();
    assert_eq!(json["data"]["greeting"], "hola");
    assert_eq!(json["metadata"]["managedFields"][0]["manager"], "kubectl");

    // Another field manager changing the same field: conflict, then --force-conflicts.
    let f3 = k.write("cm3.yaml", &CONFIGMAP.replace("hello", "ciao"));
    let other = k
        .run(&[
            "apply",
            "--server-side",
            "--field-manager=other",
            "-f",
            &k.path(&f3),
        ])
        .await;
    assert!(!other.ok);
    assert!(other.stderr.contains("conflict"), "{}", other.stderr);
    k.ok(&[
        "apply",
        "--server-side",
        "--field-manager=other",
        "--force-conflicts",
        "-f",
        &k.path(&f3),
    ])
    .await;
    let json: serde_json::Value =
        serde_json::from_str(&k.ok(&["get", "cm", "demo", "-o", "json"]).await).unwrap();
    assert_eq!(json["data"]["greeting"], "ciao");
}

both!(scale_a_deployment);
async fn scale_a_deployment(env: &Env) {
    let Some(k) = Kubectl::new(env) else { return };
    let f = k.write(
        "deploy.yaml",
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - {name: web, image: nginx}
",
    );
    k.ok(&["apply", "-f", &k.path(&f)]).await;
    let out = k.ok(&["scale", "deployment", "web", "--replicas=3"]).await;
    assert!(out.contains("deployment.apps/web scaled"), "{out}");
    let json: serde_json::Value =
        serde_json::from_str(&k.ok(&["get", "deploy", "web", "-o", "json"]).await).unwrap();
    assert_eq!(json["spec"]["replicas"], 3);
    let table = k.ok(&["get", "deployments"]).await;
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("web") && l.contains("0/3")),
        "{table}"
    );
}

both!(edit_explain_and_wait_for_delete);
async fn edit_explain_and_wait_for_delete(env: &Env) {
    let Some(k) = Kubectl::new(env) else { return };
    let f = k.write("cm.yaml", CONFIGMAP);
    k.ok(&["create", "-f", &k.path(&f)]).await;

    // Non-interactive edit: the "editor" rewrites the file kubectl hands it.
    let editor = k.write(
        "editor.sh",
        "#!/bin/sh\nsed -i 's/greeting: hello/greeting: edited/' \"$1\"\n",
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = k
        .run_env(
            &["edit", "configmap", "demo"],
            &[("KUBE_EDITOR", &k.path(&editor))],
        )
        .await;
    assert!(out.ok, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("configmap/demo edited"),
        "{}",
        out.stdout
    );
    let json: serde_json::Value =
        serde_json::from_str(&k.ok(&["get", "cm", "demo", "-o", "json"]).await).unwrap();
    assert_eq!(json["data"]["greeting"], "edited");

    // explain reads the CRD schema from /openapi/v3.
    let crd = k.write(
        "crd.yaml",
        "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gizmos.example.roam.dev
spec:
  group: example.roam.dev
  scope: Namespaced
  names: {plural: gizmos, singular: gizmo, kind: Gizmo}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        description: A gizmo for tests.
        properties:
          spec:
            type: object
            description: What the gizmo should be.
            properties:
              size: {type: integer, description: How big.}
",
    );
    k.ok(&["apply", "-f", &k.path(&crd)]).await;
    k.ok(&[
        "wait",
        "--for=condition=Established",
        "crd/gizmos.example.roam.dev",
        "--timeout=30s",
    ])
    .await;
    // kube-apiserver publishes a new CRD's OpenAPI a moment after it is
    // Established; roam at once. Retry briefly (a guard, not a timing check).
    let mut out = String::new();
    for _ in 0..40 {
        let o = k.run(&["explain", "gizmos.spec"]).await;
        out = format!("{}{}", o.stdout, o.stderr);
        if o.ok && out.contains("What the gizmo should be.") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    assert!(
        out.contains("What the gizmo should be.") && out.contains("size"),
        "{out}"
    );

    // wait --for=delete returns once the object is gone.
    k.ok(&["delete", "configmap", "demo", "--wait=false"]).await;
    k.ok(&["wait", "--for=delete", "configmap/demo", "--timeout=30s"])
        .await;
}

both!(rollout_status_and_wait_with_the_simulator, kube_own);
/// The workload simulator makes `rollout status` and `wait --for=condition` work.
async fn rollout_status_and_wait_with_the_simulator(env: &Env) {
    let Some(k) = Kubectl::new(env) else { return };
    // As `roam local` runs it (in process), or as `roam simulate --kubeconfig`
    // runs it against kube-apiserver, which has no controllers of its own.
    let client = match env.roam_server() {
        Some(srv) => roam_apiserver::in_process_client(srv.server.clone()),
        None => env.client().await,
    };
    let sim = tokio::spawn(roam_apiserver::simulator::run(
        client,
        roam_apiserver::simulator::Config {
            delay: std::time::Duration::from_millis(300),
            pods: true,
        },
    ));
    let f = k.write(
        "workloads.yaml",
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - {name: web, image: nginx}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 2
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
      - {name: db, image: postgres}
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
      - {name: agent, image: agent}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - {name: migrate, image: migrate}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
",
    );
    k.ok(&["apply", "-f", &k.path(&f)]).await;
    let out = k
        .ok(&["rollout", "status", "deployment/web", "--timeout=60s"])
        .await;
    assert!(out.contains("successfully rolled out"), "{out}");
    let out = k
        .ok(&[
            "wait",
            "--for=condition=Available",
            "deployment/web",
            "--timeout=60s",
        ])
        .await;
    assert!(out.contains("condition met"), "{out}");
    let out = k
        .ok(&["rollout", "status", "statefulset/db", "--timeout=60s"])
        .await;
    // kube-apiserver defaults `rollingUpdate.partition: 0`, so kubectl reports the
    // partitioned form on real clusters too.
    assert!(out.contains("roll out complete: 2 new pods"), "{out}");
    let out = k
        .ok(&["rollout", "status", "daemonset/agent", "--timeout=60s"])
        .await;
    assert!(out.contains("successfully rolled out"), "{out}");
    let out = k
        .ok(&[
            "wait",
            "--for=condition=complete",
            "job/migrate",
            "--timeout=60s",
        ])
        .await;
    assert!(out.contains("condition met"), "{out}");

    let table = k.ok(&["get", "deployments"]).await;
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("web") && l.contains("2/2")),
        "{table}"
    );
    let rs = k.ok(&["get", "replicasets", "-o", "name"]).await;
    assert!(rs.trim().starts_with("replicaset.apps/web-"), "{rs}");
    let describe = k.ok(&["describe", "deployment", "web"]).await;
    assert!(describe.contains("NewReplicaSet"), "{describe}");
    assert!(describe.contains("roam.dev/simulated"), "{describe}");

    // A rollout of a new template waits for the new generation.
    k.ok(&["set", "image", "deployment/web", "web=nginx:2"])
        .await;
    let out = k
        .ok(&["rollout", "status", "deployment/web", "--timeout=60s"])
        .await;
    assert!(out.contains("successfully rolled out"), "{out}");
    let json: serde_json::Value =
        serde_json::from_str(&k.ok(&["get", "deploy", "web", "-o", "json"]).await).unwrap();
    // Not a fixed number: kube-apiserver (and roam) also bump a Deployment's
    // generation when its annotations change, as the simulator's revision
    // annotation does.
    assert!(
        json["metadata"]["generation"].as_i64() >= Some(2),
        "{json:#}"
    );
    assert_eq!(
        json["status"]["observedGeneration"],
        json["metadata"]["generation"]
    );
    assert_eq!(json["status"]["updatedReplicas"], 2);

    let svc: serde_json::Value =
        serde_json::from_str(&k.ok(&["get", "svc", "web", "-o", "json"]).await).unwrap();
    let _ = svc; // the cluster IP may still be on its way; the kube-rs suite checks it
    let pods = k.ok(&["get", "pods", "-l", "app=db", "-o", "name"]).await;
    assert!(
        pods.contains("pod/db-0") && pods.contains("pod/db-1"),
        "{pods}"
    );
    sim.abort();
}

/// `kubectl delete --cascade=background|foreground|orphan` on Deployments whose
/// ReplicaSets the simulator created.
///
/// roam only: kube-apiserver alone has no garbage collector (it lives in
/// kube-controller-manager), so nothing would delete the ReplicaSets or finish a
/// foreground deletion (`docs/compatibility.md`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_with_each_propagation_policy() {
    let env = Env::roam("delete_with_each_propagation_policy").await;
    let Some(k) = Kubectl::new(&env) else { return };
    let srv = env.roam_server().expect("roam");
    let client = roam_apiserver::in_process_client(srv.server.clone());
    let sim = tokio::spawn(roam_apiserver::simulator::run(
        client,
        roam_apiserver::simulator::Config {
            delay: std::time::Duration::ZERO,
            pods: false,
        },
    ));
    let deployment = |name: &str| {
        format!(
            "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
      - {{name: c, image: nginx}}
"
        )
    };
    for (name, cascade) in [
        ("bg", "background"),
        ("fg", "foreground"),
        ("orph", "orphan"),
    ] {
        let f = k.write(&format!("{name}.yaml"), &deployment(name));
        k.ok(&["apply", "-f", &k.path(&f)]).await;
        k.ok(&[
            "wait",
            "--for=condition=Available",
            &format!("deployment/{name}"),
            "--timeout=60s",
        ])
        .await;
        assert_eq!(
            replicasets(&k, name).await,
            1,
            "{name}: the simulator's ReplicaSet"
        );
        let out = k
            .ok(&[
                "delete",
                "deployment",
                name,
                &format!("--cascade={cascade}"),
                "--timeout=60s",
            ])
            .await;
        assert!(out.contains("deleted"), "{out}");
        let left = replicasets(&k, name).await;
        if cascade == "orphan" {
            assert_eq!(left, 1, "orphaned ReplicaSets stay");
            let rs: serde_json::Value =
                serde_json::from_str(&k.ok(&["get", "rs", "-l", "app=orph", "-o", "json"]).await)
                    .unwrap();
            assert!(
                rs["items"][0]["metadata"]["ownerReferences"]
                    .as_array()
                    .is_none_or(|r| r.is_empty())
            );
        } else {
            assert_eq!(
                left, 0,
                "{cascade}: the ReplicaSet went with its Deployment"
            );
        }
    }
    sim.abort();
}

async fn replicasets(k: &Kubectl, app: &str) -> usize {
    k.ok(&["get", "rs", "-l", &format!("app={app}"), "-o", "name"])
        .await
        .lines()
        .count()
}

both!(field_validation_and_custom_resource_schemas);
/// Unknown fields: rejected under kubectl's default strict validation, dropped with
/// a warning under `--validate=warn`; custom resources are checked against their schema.
async fn field_validation_and_custom_resource_schemas(env: &Env) {
    let Some(k) = Kubectl::new(env) else { return };
    let f = k.write(
        "typo.yaml",
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: typo
spec:
  replica: 3
  selector:
    matchLabels: {app: typo}
  template:
    metadata:
      labels: {app: typo}
    spec:
      containers:
      - {name: c, image: nginx, imagee: x}
",
    );
    let out = k.run(&["apply", "-f", &k.path(&f)]).await;
    assert!(!out.ok);
    assert!(
        out.stderr.contains(r#"unknown field "spec.replica""#)
            && out
                .stderr
                .contains(r#"unknown field "spec.template.spec.containers[0].imagee""#),
        "{}",
        out.stderr
    );
    assert!(
        !k.run(&["get", "deploy", "typo"]).await.ok,
        "nothing stored"
    );

    let out = k
        .run(&["apply", "--validate=warn", "-f", &k.path(&f)])
        .await;
    assert!(out.ok, "{}", out.stderr);
    assert!(
        out.stderr.contains(r#"unknown field "spec.replica""#),
        "{}",
        out.stderr
    );
    let json: serde_json::Value =
        serde_json::from_str(&k.ok(&["get", "deploy", "typo", "-o", "json"]).await).unwrap();
    assert!(json["spec"].get("replica").is_none(), "pruned");
    assert_eq!(json["spec"]["replicas"], 1);

    let crd = k.write(
        "crd.yaml",
        "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.validation.roam.dev
spec:
  group: validation.roam.dev
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer, minimum: 1}
              color: {type: string, enum: [red, blue]}
",
    );
    k.ok(&["apply", "-f", &k.path(&crd)]).await;
    k.ok(&[
        "wait",
        "--for=condition=Established",
        "crd/gadgets.validation.roam.dev",
    ])
    .await;
    let bad = k.write(
        "bad.yaml",
        "apiVersion: validation.roam.dev/v1
kind: Gadget
metadata: {name: w}
spec: {size: 0, color: green}
",
    );
    let out = k.run(&["apply", "-f", &k.path(&bad)]).await;
    assert!(!out.ok);
    assert!(
        out.stderr.contains("is invalid")
            && out.stderr.contains("spec.size")
            && out.stderr.contains("spec.color"),
        "{}",
        out.stderr
    );
    let extra = k.write(
        "extra.yaml",
        "apiVersion: validation.roam.dev/v1
kind: Gadget
metadata: {name: w}
spec: {size: 2, shape: round}
",
    );
    let out = k.run(&["apply", "-f", &k.path(&extra)]).await;
    assert!(!out.ok);
    assert!(
        out.stderr.contains(r#"unknown field "spec.shape""#),
        "{}",
        out.stderr
    );
    k.ok(&["apply", "--validate=false", "-f", &k.path(&extra)])
        .await;
    let json: serde_json::Value =
        serde_json::from_str(&k.ok(&["get", "gadget", "w", "-o", "json"]).await).unwrap();
    assert_eq!(
        json["spec"],
        serde_json::json!({"size": 2}),
        "unknown fields are pruned"
    );
}

both!(client_side_then_server_side_apply);
/// Moving an object from client-side to server-side apply (kubectl's
/// `kubectl-last-applied` migration): fields dropped from the manifest after the
/// move are removed, as they would be on a real cluster.
async fn client_side_then_server_side_apply(env: &Env) {
    let Some(k) = Kubectl::new(env) else { return };
    let v1 = k.write(
        "v1.yaml",
        "apiVersion: v1
kind: ConfigMap
metadata:
  name: moving
  labels: {a: '1', b: '2'}
data:
  keep: yes-keep
  drop: soon-gone
",
    );
    k.ok(&["apply", "-f", &k.path(&v1)]).await;
    let out = k.ok(&["apply", "--server-side", "-f", &k.path(&v1)]).await;
    assert!(out.contains("serverside-applied"), "{out}");
    let v2 = k.write(
        "v2.yaml",
        "apiVersion: v1
kind: ConfigMap
metadata:
  name: moving
  labels: {a: '1'}
data:
  keep: yes-keep
",
    );
    k.ok(&["apply", "--server-side", "-f", &k.path(&v2)]).await;
    let json: serde_json::Value = serde_json::from_str(
        &k.ok(&["get", "cm", "moving", "-o", "json", "--show-managed-fields"])
            .await,
    )
    .unwrap();
    assert_eq!(
        json["data"],
        serde_json::json!({"keep": "yes-keep"}),
        "{json:#}"
    );
    assert_eq!(
        json["metadata"]["labels"],
        serde_json::json!({"a": "1"}),
        "{json:#}"
    );
    let managers: Vec<&str> = json["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["manager"].as_str())
        .collect();
    assert!(managers.contains(&"kubectl"), "{managers:?}");
}

both!(generator_commands_send_protobuf);
/// kubectl's generator commands send protobuf: understood for Namespaces,
/// ConfigMaps, Secrets, ServiceAccounts and Deployments (and the kinds of
/// `generator_commands_for_more_kinds`); other kinds get a 415 that says what to do.
async fn generator_commands_send_protobuf(env: &Env) {
    let Some(k) = Kubectl::new(env) else { return };
    let out = k.ok(&["create", "namespace", "made-by-kubectl"]).await;
    assert!(out.contains("namespace/made-by-kubectl created"), "{out}");
    k.ok(&[
        "create",
        "configmap",
        "literal",
        "--from-literal=greeting=hello",
        "--from-literal=n=1",
        "-n",
        "made-by-kubectl",
    ])
    .await;
    k.ok(&[
        "create",
        "secret",
        "generic",
        "creds",
        "--from-literal=password=s3cret",
    ])
    .await;
    k.ok(&["create", "serviceaccount", "robot"]).await;
    let cm: serde_json::Value = serde_json::from_str(
        &k.ok(&[
            "get",
            "cm",
            "literal",
            "-n",
            "made-by-kubectl",
            "-o",
            "json",
        ])
        .await,
    )
    .unwrap();
    assert_eq!(
        cm["data"],
        serde_json::json!({"greeting": "hello", "n": "1"})
    );
    let secret = k
        .ok(&["get", "secret", "creds", "-o", "jsonpath={.data.password}"])
        .await;
    assert_eq!(secret, "czNjcmV0", "base64 of s3cret");
    assert!(k.run(&["get", "sa", "robot"]).await.ok);
    k.ok(&[
        "create",
        "deployment",
        "web",
        "--image=nginx:1.27",
        "--replicas=2",
        "--port=8080",
    ])
    .await;
    let d: serde_json::Value =
        serde_json::from_str(&k.ok(&["get", "deploy", "web", "-o", "json"]).await).unwrap();
    assert_eq!(d["spec"]["replicas"], 2);
    assert_eq!(d["spec"]["selector"]["matchLabels"]["app"], "web");
    let c = &d["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(
        (c["name"].as_str(), c["image"].as_str()),
        (Some("nginx"), Some("nginx:1.27"))
    );
    assert_eq!(c["ports"][0]["containerPort"], 8080);
    // kube-apiserver stores the template's zero `creationTimestamp` as null.
    assert!(
        d["spec"]["template"]["metadata"]
            .get("creationTimestamp")
            .is_none_or(serde_json::Value::is_null)
    );
    let out = k
        .run(&["create", "ingress", "web", "--rule=web.example/=web:8080"])
        .await;
    if env.is_kube() {
        // kube-apiserver decodes protobuf for every built-in kind.
        assert!(out.ok, "{}", out.stderr);
    } else {
        // Known difference (docs/compatibility.md): roam decodes protobuf for a
        // few kinds only and says so.
        assert!(!out.ok);
        assert!(
            out.stderr.contains("Ingress") && out.stderr.contains("send JSON or YAML"),
            "{}",
            out.stderr
        );
    }
}

both!(explain_builtin_kinds);
/// `kubectl explain` on built-in kinds walks the schemas generated from the
/// k8s-openapi types: nested fields, their types and descriptions.
async fn explain_builtin_kinds(env: &Env) {
    let Some(k) = Kubectl::new(env) else { return };
    let out = k.ok(&["explain", "deployment.spec.template"]).await;
    assert!(out.contains("GROUP:      apps"), "{out}");
    assert!(out.contains("KIND:       Deployment"), "{out}");
    assert!(out.contains("FIELD: template <PodTemplateSpec>"), "{out}");
    assert!(out.contains("metadata\t<ObjectMeta>"), "{out}");
    assert!(out.contains("spec\t<PodSpec>"), "{out}");
    let out = k
        .ok(&["explain", "deployment.spec.template.spec.containers.image"])
        .await;
    assert!(out.contains("FIELD: image <string>"), "{out}");
    assert!(out.contains("Container image name."), "{out}");
    // Core kinds, and --recursive.
    let out = k.ok(&["explain", "configmap.data"]).await;
    assert!(out.contains("VERSION:    v1"), "{out}");
    assert!(out.contains("FIELD: data <map[string]string>"), "{out}");
    let out = k.ok(&["explain", "job.spec", "--recursive"]).await;
    assert!(out.contains("backoffLimit\t<integer>"), "{out}");
    assert!(out.contains("containers\t<[]Container>"), "{out}");
}

both!(strict_validation_rejects_unknown_builtin_fields);
/// An unknown field in a built-in kind fails `kubectl apply --validate=strict`
/// (and `create`), naming the field, and nothing is stored; `--validate=false`
/// stores the object without it.
async fn strict_validation_rejects_unknown_builtin_fields(env: &Env) {
    let Some(k) = Kubectl::new(env) else { return };
    let f = k.write(
        "deploy.yaml",
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: typo
spec:
  replica: 3
  selector:
    matchLabels: {app: typo}
  template:
    metadata:
      labels: {app: typo}
    spec:
      containers:
      - name: app
        image: nginx
        imagePullPolicyy: Always
",
    );
    for verb in ["apply", "create"] {
        let out = k.run(&[verb, "--validate=strict", "-f", &k.path(&f)]).await;
        assert!(!out.ok, "{verb} succeeded: {}", out.stdout);
        assert!(
            out.stderr.contains("unknown field \"spec.replica\""),
            "{verb}: {}",
            out.stderr
        );
        assert!(
            out.stderr
                .contains("unknown field \"spec.template.spec.containers[0].imagePullPolicyy\""),
            "{verb}: {}",
            out.stderr
        );
    }
    assert!(!k.run(&["get", "deployment", "typo"]).await.ok);
    let out = k
        .ok(&["apply", "--validate=false", "-f", &k.path(&f)])
        .await;
    assert!(out.contains("deployment.apps/typo created"), "{out}");
    let d: serde_json::Value =
        serde_json::from_str(&k.ok(&["get", "deploy", "typo", "-o", "json"]).await).unwrap();
    assert!(d["spec"].get("replica").is_none(), "{d}");
    assert_eq!(d["spec"]["replicas"], 1, "defaulted");
}

both!(generator_commands_for_more_kinds);
/// More generator commands that send protobuf: Services, Jobs (also from a
/// CronJob), CronJobs and RBAC objects are stored as kubectl meant them, without
/// the empty and zero fields Go's protobuf encoding carries.
async fn generator_commands_for_more_kinds(env: &Env) {
    let Some(k) = Kubectl::new(env) else { return };
    let get = |kind: &'static str, name: &'static str| {
        let k = &k;
        async move {
            serde_json::from_str::<serde_json::Value>(
                &k.ok(&["get", kind, name, "-o", "json"]).await,
            )
            .unwrap()
        }
    };
    k.ok(&["create", "service", "clusterip", "web", "--tcp=80:8080"])
        .await;
    let svc = get("service", "web").await;
    assert_eq!(svc["spec"]["type"], "ClusterIP");
    assert_eq!(svc["spec"]["selector"]["app"], "web");
    let port = &svc["spec"]["ports"][0];
    assert_eq!(
        (&port["port"], &port["targetPort"], &port["protocol"]),
        (
            &serde_json::json!(80),
            &serde_json::json!(8080),
            &serde_json::json!("TCP")
        )
    );
    assert!(port.get("nodePort").is_none(), "{port}");
    assert!(svc["spec"].get("externalName").is_none(), "{svc}");
    k.ok(&[
        "create",
        "service",
        "externalname",
        "ext",
        "--external-name=db.example.com",
    ])
    .await;
    let ext = get("service", "ext").await;
    assert_eq!(ext["spec"]["type"], "ExternalName");
    assert_eq!(ext["spec"]["externalName"], "db.example.com");

    k.ok(&[
        "create",
        "job",
        "once",
        "--image=busybox",
        "--",
        "echo",
        "hi",
    ])
    .await;
    let job = get("job", "once").await;
    let c = &job["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["image"], "busybox");
    assert_eq!(c["command"], serde_json::json!(["echo", "hi"]));
    assert_eq!(job["spec"]["template"]["spec"]["restartPolicy"], "Never");
    k.ok(&[
        "create",
        "cronjob",
        "nightly",
        "--image=busybox",
        "--schedule=0 3 * * *",
    ])
    .await;
    let cj = get("cronjob", "nightly").await;
    assert_eq!(cj["spec"]["schedule"], "0 3 * * *");
    assert_eq!(
        cj["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["image"],
        "busybox"
    );
    k.ok(&["create", "job", "manual", "--from=cronjob/nightly"])
        .await;
    let manual = get("job", "manual").await;
    assert_eq!(
        manual["metadata"]["ownerReferences"][0]["name"], "nightly",
        "{manual}"
    );

    k.ok(&[
        "create",
        "role",
        "reader",
        "--verb=get,list",
        "--resource=configmaps",
    ])
    .await;
    let role = get("role", "reader").await;
    assert_eq!(
        role["rules"][0]["verbs"],
        serde_json::json!(["get", "list"])
    );
    assert_eq!(
        role["rules"][0]["resources"],
        serde_json::json!(["configmaps"])
    );
    k.ok(&[
        "create",
        "rolebinding",
        "read",
        "--role=reader",
        "--serviceaccount=default:robot",
    ])
    .await;
    let rb = get("rolebinding", "read").await;
    assert_eq!(rb["roleRef"]["name"], "reader");
    assert_eq!(rb["subjects"][0]["kind"], "ServiceAccount");
    k.ok(&[
        "create",
        "clusterrole",
        "viewer",
        "--verb=get",
        "--resource=pods",
    ])
    .await;
    k.ok(&[
        "create",
        "clusterrolebinding",
        "view",
        "--clusterrole=viewer",
        "--user=alice",
    ])
    .await;
    let crb = get("clusterrolebinding", "view").await;
    assert_eq!(crb["subjects"][0]["name"], "alice");
    assert_eq!(crb["roleRef"]["kind"], "ClusterRole");
}
