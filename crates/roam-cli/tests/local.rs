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
