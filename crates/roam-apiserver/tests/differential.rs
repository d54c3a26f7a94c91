//! Differential test: one scripted sequence of requests against roam and
//! against the real kube-apiserver; the responses (status codes and bodies) must
//! be the same modulo what legitimately differs between two clusters (uids,
//! timestamps, resourceVersion values, namespace names) and the differences
//! listed in `docs/compatibility.md` (`KNOWN` below). A mismatch fails with a
//! unified diff per step.
//!
//! Skipped with a notice when the kube-apiserver binaries are missing (outside
//! CI; `scripts/test-deps` builds them).

mod common;

use common::Env;
use http_body_util::BodyExt;
use serde_json::{Value, json};

/// Paths (dot-separated, `*` for every list element or map key) removed from
/// both sides before comparing: known differences, each described in
/// docs/compatibility.md.
const KNOWN: &[&str] = &[
    // kube-apiserver applies the Pod template defaults (compatibility.md:
    // "Pod template defaults"); roam fills only those clients rely on.
    "spec.template.spec.containers.*.terminationMessagePath",
    "spec.template.spec.containers.*.terminationMessagePolicy",
    "spec.template.spec.containers.*.imagePullPolicy",
    "spec.template.spec.containers.*.resources",
    "spec.template.spec.restartPolicy",
    "spec.template.spec.dnsPolicy",
    "spec.template.spec.schedulerName",
    "spec.template.spec.securityContext",
    "spec.template.spec.terminationGracePeriodSeconds",
    "spec.template.spec.containers.*.ports.*.protocol",
    // A Go zero time in a template: null on kube-apiserver, absent on roam.
    "spec.template.metadata.creationTimestamp",
];

/// Steps whose answers are known to differ (docs/compatibility.md); they run,
/// and their diff is printed, but do not fail the test.
const KNOWN_STEPS: &[&str] = &[
    // kube-apiserver answers a delete with a Status for most built-ins; roam
    // returns the deleted object.
    "delete",
];

/// One request of the script.
struct Step {
    name: &'static str,
    method: &'static str,
    /// `{ns}` is replaced by the test namespace, `{rv:<step>}` by the
    /// resourceVersion that step's response carried.
    path: &'static str,
    content_type: &'static str,
    body: Value,
}

fn steps() -> Vec<Step> {
    let cm = |data: Value| {
        json!({"apiVersion": "v1", "kind": "ConfigMap",
               "metadata": {"name": "cm1", "labels": {"app": "diff"}}, "data": data})
    };
    let cms = "/api/v1/namespaces/{ns}/configmaps";
    let apply = |name: &str, data: Value| {
        json!({"apiVersion": "v1", "kind": "ConfigMap",
               "metadata": {"name": name}, "data": data})
    };
    let deployment = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "diff"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [
                    {"name": "a", "image": "a:1", "ports": [{"containerPort": 80}],
                     "env": [{"name": "X", "value": "1"}]},
                    {"name": "b", "image": "b:1"}
                ]}
            }
        }
    });
    vec![
        Step {
            name: "create",
            method: "POST",
            path: cms,
            content_type: "application/json",
            body: cm(json!({"a": "1"})),
        },
        Step {
            name: "create again",
            method: "POST",
            path: cms,
            content_type: "application/json",
            body: cm(json!({"a": "1"})),
        },
        Step {
            name: "get",
            method: "GET",
            path: "/api/v1/namespaces/{ns}/configmaps/cm1",
            content_type: "",
            body: Value::Null,
        },
        Step {
            name: "update",
            method: "PUT",
            path: "/api/v1/namespaces/{ns}/configmaps/cm1",
            content_type: "application/json",
            body: json!({"apiVersion": "v1", "kind": "ConfigMap",
                         "metadata": {"name": "cm1", "resourceVersion": "{rv:create}"},
                         "data": {"a": "2"}}),
        },
        Step {
            name: "conflicting update (stale resourceVersion)",
            method: "PUT",
            path: "/api/v1/namespaces/{ns}/configmaps/cm1",
            content_type: "application/json",
            body: json!({"apiVersion": "v1", "kind": "ConfigMap",
                         "metadata": {"name": "cm1", "resourceVersion": "{rv:create}"},
                         "data": {"a": "3"}}),
        },
        Step {
            name: "SSA create (alice)",
            method: "PATCH",
            path: "/api/v1/namespaces/{ns}/configmaps/shared?fieldManager=alice",
            content_type: "application/apply-patch+yaml",
            body: apply("shared", json!({"x": "1", "y": "1"})),
        },
        Step {
            name: "SSA second manager (bob)",
            method: "PATCH",
            path: "/api/v1/namespaces/{ns}/configmaps/shared?fieldManager=bob",
            content_type: "application/apply-patch+yaml",
            body: apply("shared", json!({"z": "2"})),
        },
        Step {
            name: "SSA conflict (bob takes x)",
            method: "PATCH",
            path: "/api/v1/namespaces/{ns}/configmaps/shared?fieldManager=bob",
            content_type: "application/apply-patch+yaml",
            body: apply("shared", json!({"x": "9", "z": "2"})),
        },
        Step {
            name: "SSA forced",
            method: "PATCH",
            path: "/api/v1/namespaces/{ns}/configmaps/shared?fieldManager=bob&force=true",
            content_type: "application/apply-patch+yaml",
            body: apply("shared", json!({"x": "9", "z": "2"})),
        },
        Step {
            name: "SSA alice drops y",
            method: "PATCH",
            path: "/api/v1/namespaces/{ns}/configmaps/shared?fieldManager=alice",
            content_type: "application/apply-patch+yaml",
            body: apply("shared", json!({})),
        },
        Step {
            name: "create deployment",
            method: "POST",
            path: "/apis/apps/v1/namespaces/{ns}/deployments",
            content_type: "application/json",
            body: deployment,
        },
        Step {
            name: "strategic merge patch of containers",
            method: "PATCH",
            path: "/apis/apps/v1/namespaces/{ns}/deployments/web",
            content_type: "application/strategic-merge-patch+json",
            body: json!({"spec": {"template": {"spec": {"containers": [
                {"name": "b", "image": "b:2", "env": [{"name": "Y", "value": "2"}]},
                {"name": "c", "image": "c:1"}
            ]}}}}),
        },
        Step {
            name: "strategic merge patch: delete a container, merge env by name",
            method: "PATCH",
            path: "/apis/apps/v1/namespaces/{ns}/deployments/web",
            content_type: "application/strategic-merge-patch+json",
            body: json!({"spec": {"template": {"spec": {"containers": [
                {"name": "a", "$patch": "delete"},
                {"name": "b", "env": [{"name": "Z", "value": "3"}]}
            ]}}}}),
        },
        Step {
            name: "list by label",
            method: "GET",
            path: "/api/v1/namespaces/{ns}/configmaps?labelSelector=app%3Ddiff",
            content_type: "",
            body: Value::Null,
        },
        Step {
            name: "watch from the first update's resourceVersion",
            method: "GET",
            path: "/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={rv:update}&timeoutSeconds=2",
            content_type: "",
            body: Value::Null,
        },
        Step {
            name: "delete",
            method: "DELETE",
            path: "/api/v1/namespaces/{ns}/configmaps/cm1",
            content_type: "",
            body: Value::Null,
        },
        Step {
            name: "get deleted",
            method: "GET",
            path: "/api/v1/namespaces/{ns}/configmaps/cm1",
            content_type: "",
            body: Value::Null,
        },
    ]
}

/// What one server answered to the script: per step, the status code and the
/// normalised body.
async fn run(env: &Env) -> Vec<(u16, Value)> {
    let client = env.client().await;
    let mut rvs: Vec<(&str, String)> = Vec::new();
    let mut out = Vec::new();
    for step in steps() {
        let subst = |s: &str| {
            let mut s = s.replace("{ns}", &env.ns);
            for (name, rv) in &rvs {
                s = s.replace(&format!("{{rv:{name}}}"), rv);
            }
            s
        };
        let path = subst(step.path);
        let body = if step.body.is_null() {
            Vec::new()
        } else {
            subst(&step.body.to_string()).into_bytes()
        };
        let mut req = http::Request::builder().method(step.method).uri(&path);
        if !step.content_type.is_empty() {
            req = req.header("content-type", step.content_type);
        }
        let req = req
            .body(kube::client::Body::from(body))
            .expect("request builds");
        let resp = client.send(req).await.expect("request is answered");
        let code = resp.status().as_u16();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .expect("body reads")
            .to_bytes();
        let text = String::from_utf8_lossy(&bytes).replace(&env.ns, "NS");
        let value = if path.contains("watch=true") {
            // One event per line.
            Value::Array(
                text.lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| serde_json::from_str(l).expect("watch event is JSON"))
                    .collect(),
            )
        } else {
            serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: body is not JSON ({e}): {text}", step.name))
        };
        if let Some(rv) = value["metadata"]["resourceVersion"].as_str() {
            rvs.push((step.name, rv.to_string()));
        }
        out.push((code, normalise(value)));
    }
    out
}

/// Removes what differs between any two clusters: uids, timestamps,
/// resourceVersion values (their presence is kept), managedFields times, and
/// the `KNOWN` paths.
fn normalise(mut v: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for k in ["uid", "creationTimestamp", "time", "lastTransitionTime"] {
                    if let Some(x) = m.get_mut(k)
                        && x.is_string()
                    {
                        *x = json!("<normalised>");
                    }
                }
                if let Some(x) = m.get_mut("resourceVersion")
                    && x.as_str().is_some_and(|s| !s.is_empty())
                {
                    *x = json!("<rv>");
                }
                for (_, x) in m.iter_mut() {
                    walk(x);
                }
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    fn remove(v: &mut Value, path: &[&str]) {
        let Some((first, rest)) = path.split_first() else {
            return;
        };
        match v {
            Value::Object(m) if rest.is_empty() => {
                if *first == "*" {
                    m.clear();
                } else {
                    m.remove(*first);
                }
            }
            Value::Object(m) if *first == "*" => m.values_mut().for_each(|x| remove(x, rest)),
            Value::Object(m) => {
                if let Some(x) = m.get_mut(*first) {
                    remove(x, rest);
                }
            }
            Value::Array(a) if *first == "*" => a.iter_mut().for_each(|x| remove(x, rest)),
            _ => {}
        }
    }
    walk(&mut v);
    // The known paths apply to objects, list items and watch event objects.
    let mut targets: Vec<&mut Value> = Vec::new();
    if v.is_array() {
        if let Value::Array(events) = &mut v {
            targets.extend(events.iter_mut().map(|e| &mut e["object"]));
        }
    } else if v["items"].is_array() {
        if let Some(Value::Array(items)) = v.get_mut("items") {
            targets.extend(items.iter_mut());
        }
    } else {
        targets.push(&mut v);
    }
    for t in targets {
        for p in KNOWN {
            remove(t, &p.split('.').collect::<Vec<_>>());
        }
        // managedFields of a Deployment: roam's field sets lack `.` entries,
        // defaulted fields and atomic selectors, and keep removed list
        // elements (compatibility.md: "managedFields detail").
        if t["kind"] == "Deployment" {
            remove(t, &["metadata", "managedFields", "*", "fieldsV1"]);
        }
        // `Update` entries: kube-apiserver also records map-typed fields
        // themselves (`.` under `f:data`, `f:labels`); roam only their keys.
        if let Some(Value::Array(entries)) = t["metadata"].get_mut("managedFields") {
            for e in entries.iter_mut().filter(|e| e["operation"] == "Update") {
                fn strip_dots(v: &mut Value) {
                    if let Value::Object(m) = v {
                        m.remove(".");
                        m.values_mut().for_each(strip_dots);
                    }
                }
                strip_dots(&mut e["fieldsV1"]);
            }
        }
        // kube-apiserver returns a built-in's zero status as `{}` (compatibility.md).
        if let Some(m) = t.as_object_mut()
            && m.get("status").is_some_and(|s| s == &json!({}))
        {
            m.remove("status");
        }
    }
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_answers_as_kube_apiserver() {
    let Some(kube) = Env::kube("differential").await else {
        return;
    };
    let roam = Env::roam("differential").await;
    let theirs = run(&kube).await;
    let ours = run(&roam).await;
    let mut report = String::new();
    for (step, ((kc, kb), (rc, rb))) in steps().iter().zip(theirs.iter().zip(&ours)) {
        let k = format!(
            "{kc}\n{}\n",
            serde_json::to_string_pretty(kb).unwrap_or_default()
        );
        let r = format!(
            "{rc}\n{}\n",
            serde_json::to_string_pretty(rb).unwrap_or_default()
        );
        if k != r && KNOWN_STEPS.contains(&step.name) {
            eprintln!(
                "known difference in step \"{}\" (docs/compatibility.md):\n{}",
                step.name,
                similar::TextDiff::from_lines(&k, &r)
                    .unified_diff()
                    .header("kube-apiserver", "roam")
            );
        } else if k != r {
            let diff = similar::TextDiff::from_lines(&k, &r);
            report.push_str(&format!(
                "\n=== step \"{}\" ({} {}) differs ===\n{}",
                step.name,
                step.method,
                step.path,
                diff.unified_diff()
                    .context_radius(4)
                    .header("kube-apiserver", "roam")
            ));
        }
    }
    assert!(
        report.is_empty(),
        "roam answers differently from kube-apiserver {}:\n{report}",
        roam_testenv::KUBE_VERSION
    );
}
