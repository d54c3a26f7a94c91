//! `roam workflow …` and `roam up --wait` with a workflow that waits for a
//! human, against a `roam local` server (controller and simulator in its
//! process).

mod common;

use common::{Local, text};

/// A loopback HTTP server that answers 200 and hands over each request body.
fn receiver() -> (String, std::sync::mpsc::Receiver<String>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for sock in listener.incoming() {
            let Ok(mut sock) = sock else { return };
            let mut data = Vec::new();
            let mut buf = [0u8; 4096];
            // Headers, then Content-Length bytes of body.
            loop {
                let n = sock.read(&mut buf).unwrap_or(0);
                if n == 0 {
                    break;
                }
                data.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&data).to_string();
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    let len = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    if body.len() >= len {
                        let _ = tx.send(body.to_string());
                        break;
                    }
                }
            }
            let _ = sock
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
        }
    });
    (url, rx)
}

fn app_yaml_notify(image: &str, hook: &str) -> String {
    format!(
        r#"apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: gated
  namespace: default
spec:
  components:
    - name: gated-web
      type: webservice
      properties:
        image: {image}
  workflow:
    steps:
      - name: approve
        type: suspend
        properties:
          message: needs sign-off
      - name: web
        type: apply-component
        properties:
          component: gated-web
      - name: tell
        type: notification
        properties:
          webhook:
            url:
              value: {hook}
            message:
              text: gated is live
"#
    )
}

fn status_json(local: &Local) -> serde_json::Value {
    let o = local.roam(&["status", "gated", "-o", "json"]);
    assert!(o.status.success(), "{}", text(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn wait_for(
    local: &Local,
    what: &str,
    f: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    for _ in 0..200 {
        let v = status_json(local);
        if f(&v) {
            return v;
        }
        std::thread::sleep(std::time::Duration::from_millis(150));
    }
    panic!("never reached {what}: {}", status_json(local)["status"]);
}

fn wait_phase(local: &Local, phase: &str) -> serde_json::Value {
    for _ in 0..200 {
        let v = status_json(local);
        if v["status"]["status"] == phase {
            return v;
        }
        std::thread::sleep(std::time::Duration::from_millis(150));
    }
    panic!("never reached {phase}: {}", status_json(local)["status"]);
}

#[test]
fn suspend_resume_terminate_restart_rollback_through_the_cli() {
    let local = Local::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app.yaml");
    let (hook, received) = receiver();
    std::fs::write(&file, app_yaml_notify("nginx:1.27", &hook)).unwrap();
    let f = file.to_str().unwrap();

    // up --wait stops at the gate: exit 4, naming the step and the command.
    let o = local.roam(&["up", "-f", f, "--wait", "--timeout", "60s"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(4), "{out}");
    assert!(
        out.contains("⏸ application gated: suspended at step approve: needs sign-off. Resume with: roam workflow resume gated -n default"),
        "{out}"
    );
    let out = text(&local.roam(&["status", "gated"]));
    assert!(
        out.contains("Resume with: roam workflow resume gated -n default"),
        "{out}"
    );

    // list: a table and JSON.
    let o = local.roam(&["workflow", "list", "gated"]);
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(
        out.contains("workflow suspending (StepByStep-DAG)"),
        "{out}"
    );
    assert!(
        out.lines().any(|l| l.contains("approve")
            && l.contains("suspending")
            && l.contains("needs sign-off")),
        "{out}"
    );
    let o = local.roam(&["workflow", "list", "gated", "-o", "json"]);
    let wf: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(wf["steps"][1]["phase"], "pending");

    // resume: the gate continues, the component is applied.
    let o = local.roam(&["workflow", "resume", "gated"]);
    assert_eq!(
        text(&o).trim(),
        "application gated: workflow resumed (step approve continues)"
    );
    wait_phase(&local, "running");
    // ...and then the notification reached the loopback receiver.
    let body = received
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("the notification was sent");
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["text"], "gated is live");
    let o = local.roam(&["workflow", "resume", "gated"]);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("the workflow is not suspended (it is succeeded)"),
        "{}",
        text(&o)
    );

    // logs: nothing was logged.
    let o = local.roam(&["workflow", "logs", "gated"]);
    assert!(
        text(&o).contains("no step has logged anything"),
        "{}",
        text(&o)
    );

    // A new image: a new revision, the workflow runs again and stops at the gate.
    std::fs::write(&file, app_yaml_notify("nginx:1.28", &hook)).unwrap();
    let o = local.roam(&["up", "-f", f, "--wait", "--timeout", "60s"]);
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    // rollback: the spec goes back to the previous revision's.
    let o = local.roam(&["workflow", "rollback", "gated"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("spec rolled back to revision gated-v1"),
        "{}",
        text(&o)
    );
    let v = status_json(&local);
    assert_eq!(
        v["spec"]["components"][0]["properties"]["image"],
        "nginx:1.27"
    );

    // restart from the start, then terminate. First the controller must
    // have taken the rolled-back spec (a new revision, suspended again).
    let v = wait_for(&local, "the rolled-back revision suspended", |v| {
        v["status"]["status"] == "workflowSuspending"
            && v["status"]["observedGeneration"] == v["metadata"]["generation"]
    });
    let rev = v["status"]["latestRevision"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let o = local.roam(&["workflow", "restart", "gated"]);
    assert_eq!(
        text(&o).trim(),
        "application gated: workflow restarted from the start"
    );
    let v = wait_phase(&local, "workflowSuspending");
    assert_eq!(v["status"]["workflow"]["appRevision"], rev);
    let o = local.roam(&["workflow", "terminate", "gated"]);
    assert_eq!(text(&o).trim(), "application gated: workflow terminated");
    let v = wait_phase(&local, "workflowTerminated");
    assert_eq!(v["status"]["workflow"]["steps"][0]["reason"], "Terminate");
    let o = local.roam(&["workflow", "resume", "gated"]);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("terminated and cannot be resumed"),
        "{}",
        text(&o)
    );

    // restart --step: the step and what follows it go back to pending.
    let o = local.roam(&["workflow", "restart", "gated", "--step", "nope"]);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("the workflow has no step \"nope\" (steps: approve, web, tell)"),
        "{}",
        text(&o)
    );
    let o = local.roam(&["workflow", "restart", "gated", "--step", "approve"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("workflow restarted from step approve (approve, web, tell)"),
        "{}",
        text(&o)
    );
    wait_phase(&local, "workflowSuspending");

    // An app that does not exist.
    let o = local.roam(&["workflow", "resume", "ghost"]);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("application \"ghost\" not found in namespace default"),
        "{}",
        text(&o)
    );
}
