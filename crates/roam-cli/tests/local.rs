//! `roam local`: start in the background, kubeconfig, status, stop, restart with
//! the same data directory; kubectl talks to it when installed.

use std::path::Path;
use std::process::{Command, Output};

fn roam(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_roam"))
        .arg("local")
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .output()
        .expect("roam runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn kubectl(dir: &Path, args: &[&str]) -> Option<Output> {
    let bin = Path::new("/usr/bin/kubectl");
    if !bin.exists() {
        eprintln!("NOTICE: /usr/bin/kubectl not found; skipping the kubectl part");
        return None;
    }
    Some(
        Command::new(bin)
            .arg("--kubeconfig")
            .arg(dir.join("kubeconfig"))
            .arg("--cache-dir")
            .arg(dir.join("kcache"))
            .args(args)
            .env("HOME", dir)
            .output()
            .expect("kubectl runs"),
    )
}

#[test]
fn start_kubeconfig_status_stop_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");

    let st = roam(&data, &["status"]);
    assert_eq!(st.status.code(), Some(1), "{}", text(&st));

    // Port 0: the server picks a free port and records it in server.json.
    let start = roam(&data, &["start", "--port", "0"]);
    assert!(start.status.success(), "{}", text(&start));
    assert!(text(&start).contains("running at https://127.0.0.1:"));
    let st = roam(&data, &["status"]);
    assert!(st.status.success(), "{}", text(&st));

    let kc = roam(&data, &["kubeconfig"]);
    assert!(kc.status.success());
    let kc = String::from_utf8(kc.stdout).unwrap();
    assert!(
        kc.contains("certificate-authority-data:") && kc.contains("token:"),
        "{kc}"
    );
    std::fs::write(tmp.path().join("kubeconfig"), &kc).unwrap();

    let cm = tmp.path().join("cm.json");
    std::fs::write(
        &cm,
        r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kept"},"data":{"a":"b"}}"#,
    )
    .unwrap();
    if let Some(o) = kubectl(tmp.path(), &["apply", "-f", cm.to_str().unwrap()]) {
        assert!(o.status.success(), "{}", text(&o));
    }

    let stop = roam(&data, &["stop"]);
    assert!(stop.status.success(), "{}", text(&stop));
    let st = roam(&data, &["status"]);
    assert_eq!(st.status.code(), Some(1), "{}", text(&st));

    // Restart on the same data directory: the object is still there.
    let start = roam(&data, &["start", "--port", "0"]);
    assert!(start.status.success(), "{}", text(&start));
    let kc = roam(&data, &["kubeconfig"]);
    std::fs::write(tmp.path().join("kubeconfig"), &kc.stdout).unwrap();
    std::fs::remove_dir_all(tmp.path().join("kcache")).ok();
    if let Some(o) = kubectl(
        tmp.path(),
        &["get", "configmap", "kept", "-o", "jsonpath={.data.a}"],
    ) {
        assert!(o.status.success(), "{}", text(&o));
        assert_eq!(String::from_utf8_lossy(&o.stdout), "b");
    }
    let stop = roam(&data, &["stop"]);
    assert!(stop.status.success(), "{}", text(&stop));
}

const DEPLOYMENT: &str = r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
 "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
 "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx"}]}}}}"#;

/// The simulator runs inside `roam local start` by default, `--no-simulator` turns
/// it off, `roam simulate --kubeconfig` runs it alone, and `reset` empties the store.
#[test]
fn simulator_on_off_standalone_and_reset() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let start = roam(
        &data,
        &["start", "--port", "0", "--simulate-delay", "100ms"],
    );
    assert!(start.status.success(), "{}", text(&start));
    let log = std::fs::read_to_string(data.join("server.log")).unwrap();
    assert!(log.contains("simulating workload status"), "{log}");
    let kc = roam(&data, &["kubeconfig"]);
    std::fs::write(tmp.path().join("kubeconfig"), &kc.stdout).unwrap();
    let deploy = tmp.path().join("deploy.json");
    std::fs::write(&deploy, DEPLOYMENT).unwrap();
    if let Some(o) = kubectl(tmp.path(), &["apply", "-f", deploy.to_str().unwrap()]) {
        assert!(o.status.success(), "{}", text(&o));
        let o = kubectl(
            tmp.path(),
            &[
                "wait",
                "--for=condition=Available",
                "deployment/web",
                "--timeout=60s",
            ],
        )
        .unwrap();
        assert!(o.status.success(), "{}", text(&o));
    }

    // reset stops the server and deletes the objects; credentials stay.
    let token = std::fs::read_to_string(data.join("token")).unwrap();
    let reset = roam(&data, &["reset"]);
    assert!(reset.status.success(), "{}", text(&reset));
    assert!(!data.join("store.redb").exists());
    assert_eq!(std::fs::read_to_string(data.join("token")).unwrap(), token);
    let st = roam(&data, &["status"]);
    assert_eq!(st.status.code(), Some(1), "{}", text(&st));

    // Without the in-process simulator, `roam simulate --kubeconfig` does the work.
    let start = roam(&data, &["start", "--port", "0", "--no-simulator"]);
    assert!(start.status.success(), "{}", text(&start));
    let log = std::fs::read_to_string(data.join("server.log")).unwrap();
    assert!(!log.contains("simulating workload status"), "{log}");
    let kc = roam(&data, &["kubeconfig"]);
    std::fs::write(tmp.path().join("kubeconfig"), &kc.stdout).unwrap();
    std::fs::remove_dir_all(tmp.path().join("kcache")).ok();
    let mut sim = Command::new(env!("CARGO_BIN_EXE_roam"))
        .args(["simulate", "--delay", "0"])
        .arg("--kubeconfig")
        .arg(tmp.path().join("kubeconfig"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("roam simulate runs");
    if let Some(o) = kubectl(tmp.path(), &["get", "deployments", "-o", "name"]) {
        assert!(o.status.success(), "{}", text(&o));
        assert_eq!(
            String::from_utf8_lossy(&o.stdout).trim(),
            "",
            "reset emptied the store"
        );
        let o = kubectl(tmp.path(), &["apply", "-f", deploy.to_str().unwrap()]).unwrap();
        assert!(o.status.success(), "{}", text(&o));
        let o = kubectl(
            tmp.path(),
            &["rollout", "status", "deployment/web", "--timeout=60s"],
        )
        .unwrap();
        assert!(o.status.success(), "{}", text(&o));
    }
    let _ = sim.kill();
    let _ = sim.wait();
    let stop = roam(&data, &["stop"]);
    assert!(stop.status.success(), "{}", text(&stop));
}

/// Two servers at once on different data directories and ports, one of them
/// listening on all addresses (HTTPS with the certificate naming this host).
#[test]
fn two_instances_side_by_side() {
    let tmp = tempfile::tempdir().unwrap();
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    let a = roam(&one, &["start", "--port", "0", "--no-simulator"]);
    assert!(a.status.success(), "{}", text(&a));
    let b = roam(
        &two,
        &[
            "start",
            "--port",
            "0",
            "--address",
            "0.0.0.0",
            "--no-simulator",
        ],
    );
    assert!(b.status.success(), "{}", text(&b));
    for (dir, name) in [(&one, "one"), (&two, "two")] {
        let st = roam(dir, &["status"]);
        assert!(st.status.success(), "{}", text(&st));
        let kc = roam(dir, &["kubeconfig"]);
        let home = tmp.path().join(format!("k-{name}"));
        std::fs::create_dir_all(&home).unwrap();
        std::fs::write(home.join("kubeconfig"), &kc.stdout).unwrap();
        let cm = home.join("cm.json");
        std::fs::write(
            &cm,
            format!(
                r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"only-in-{name}"}}}}"#
            ),
        )
        .unwrap();
        if let Some(o) = kubectl(&home, &["apply", "-f", cm.to_str().unwrap()]) {
            assert!(o.status.success(), "{}", text(&o));
        }
    }
    if let Some(o) = kubectl(&tmp.path().join("k-one"), &["get", "cm", "-o", "name"]) {
        let names = String::from_utf8_lossy(&o.stdout).to_string();
        assert!(
            names.contains("only-in-one") && !names.contains("only-in-two"),
            "{names}"
        );
    }
    for dir in [&one, &two] {
        let stop = roam(dir, &["stop"]);
        assert!(stop.status.success(), "{}", text(&stop));
    }
}

#[test]
fn def_apply_and_del_against_the_local_control_plane() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let start = roam(&data, &["start", "--port", "0", "--no-simulator"]);
    assert!(start.status.success(), "{}", text(&start));
    let kc = roam(&data, &["kubeconfig"]);
    let kubeconfig = tmp.path().join("kubeconfig");
    std::fs::write(&kubeconfig, &kc.stdout).unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_roam"))
            .args(args)
            .arg("--kubeconfig")
            .arg(&kubeconfig)
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
            .output()
            .expect("roam runs")
    };
    let def = "crates/roam-cli/tests/render/scaler-x.cue";

    // roam local serves roam's CRDs from the start. Without them (deleted
    // here) the error says how to install them, and `roam install` does.
    let crds = Command::new(env!("CARGO_BIN_EXE_roam"))
        .args(["install", "--print-crds"])
        .output()
        .unwrap();
    let crd_file = tmp.path().join("crds.yaml");
    std::fs::write(&crd_file, &crds.stdout).unwrap();
    let out = run(&["def", "apply", crd_file.to_str().unwrap(), "--dry-run"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "CRDs are not definitions: {}",
        text(&out)
    );
    if let Some(o) = kubectl(
        tmp.path(),
        &["delete", "crd", "traitdefinitions.core.oam.dev"],
    ) {
        assert!(o.status.success(), "{}", text(&o));
        let out = run(&["def", "apply", def]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(text(&out).contains("roam install"), "{}", text(&out));
        let out = run(&["install"]);
        assert!(out.status.success(), "{}", text(&out));
        assert!(
            text(&out).contains("customresourcedefinition.apiextensions.k8s.io/traitdefinitions.core.oam.dev created"),
            "{}",
            text(&out)
        );
        let out = run(&["def", "apply", def]);
        assert!(out.status.success(), "{}", text(&out));
        assert!(
            text(&out).contains("TraitDefinition scaler-x applied in namespace vela-system"),
            "{}",
            text(&out)
        );
        let o = kubectl(
            tmp.path(),
            &[
                "get",
                "traitdefinition",
                "scaler-x",
                "-n",
                "vela-system",
                "-o",
                "jsonpath={.spec.schematic.cue.template}",
            ],
        )
        .unwrap();
        assert!(
            text(&o).contains("patch: spec: replicas: parameter.replicas"),
            "{}",
            text(&o)
        );
        let out = run(&["def", "del", "scaler-x", "-t", "trait"]);
        assert!(out.status.success(), "{}", text(&out));
        let out = run(&["def", "del", "scaler-x", "-t", "trait"]);
        assert!(
            text(&out).contains("not found in namespace vela-system"),
            "{}",
            text(&out)
        );
    }
    let stop = roam(&data, &["stop"]);
    assert!(stop.status.success(), "{}", text(&stop));
}
