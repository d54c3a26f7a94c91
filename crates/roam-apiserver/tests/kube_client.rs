//! kube-rs against an in-process server on 127.0.0.1: typed and dynamic CRUD,
//! optimistic concurrency, watches, CRDs and error statuses.

#![allow(clippy::result_large_err)]

mod common;

use common::{Env, TestServer, both};
use futures_util::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{
    Api, ApiResource, DeleteParams, DynamicObject, GroupVersionKind, ListParams, Patch,
    PatchParams, PostParams, WatchEvent, WatchParams,
};
use kube::runtime::watcher;
use roam_apiserver::Store;
use roam_apiserver::store::MemoryBackend;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// A guard against hangs, not a timing assertion.
const HANG: Duration = Duration::from_secs(30);

fn cm(name: &str, labels: serde_json::Value, data: serde_json::Value) -> ConfigMap {
    serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": name, "labels": labels},
        "data": data,
    }))
    .unwrap()
}

/// Waits until the CRD is Established (at once on roam; kube-apiserver's
/// establishing controller takes a moment).
async fn established(client: &kube::Client, name: &str) {
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    tokio::time::timeout(
        HANG,
        kube::runtime::wait::await_condition(
            crds,
            name,
            kube::runtime::wait::conditions::is_crd_established(),
        ),
    )
    .await
    .unwrap_or_else(|_| panic!("CRD {name} never Established"))
    .expect("watch works");
}

/// Polls `check` until it holds (a guard against hangs, not a timing check):
/// kube-apiserver's controllers (CRD finalizer, discovery) act asynchronously.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = std::time::Instant::now();
    while !check().await {
        assert!(start.elapsed() < HANG, "never happened: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn api_error(e: kube::Error) -> (u16, String, String) {
    match e {
        kube::Error::Api(s) => (s.code, s.reason.clone(), s.message.clone()),
        other => panic!("expected an API error, got {other:?}"),
    }
}

both!(version_and_namespaces);
async fn version_and_namespaces(env: &Env) {
    let client = env.client().await;
    let v = client.apiserver_version().await.unwrap();
    assert_eq!((v.major.as_str(), v.minor.as_str()), ("1", "32"));
    let names: Vec<String> = Api::<Namespace>::all(client)
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|n| n.metadata.name.unwrap())
        .collect();
    for ns in ["default", "kube-system", "kube-public"] {
        assert!(names.iter().any(|n| n == ns), "{ns} missing from {names:?}");
    }
}

both!(configmap_crud_and_selectors);
async fn configmap_crud_and_selectors(env: &Env) {
    let api: Api<ConfigMap> = Api::namespaced(env.client().await, &env.ns);
    let pp = PostParams::default();
    let a = api
        .create(&pp, &cm("a", json!({"app": "web"}), json!({"k": "1"})))
        .await
        .unwrap();
    api.create(&pp, &cm("b", json!({"app": "db"}), json!({})))
        .await
        .unwrap();
    let meta = &a.metadata;
    assert!(meta.uid.is_some() && meta.creation_timestamp.is_some());
    let rv_a: u64 = meta.resource_version.as_ref().unwrap().parse().unwrap();

    // Create of an existing name: 409 AlreadyExists.
    let (code, reason, msg) = api_error(
        api.create(&pp, &cm("a", json!({}), json!({})))
            .await
            .unwrap_err(),
    );
    assert_eq!((code, reason.as_str()), (409, "AlreadyExists"));
    assert_eq!(msg, "configmaps \"a\" already exists");

    let got = api.get("a").await.unwrap();
    assert_eq!(got.data.unwrap()["k"], "1");

    let web = api
        .list(&ListParams::default().labels("app=web"))
        .await
        .unwrap();
    assert_eq!(web.items.len(), 1);
    let not_web = api
        .list(&ListParams::default().labels("app notin (web)"))
        .await
        .unwrap();
    assert_eq!(not_web.items[0].metadata.name.as_deref(), Some("b"));
    // Paging: limit + continue.
    for i in 0..3 {
        api.create(
            &pp,
            &cm(&format!("page-{i}"), json!({"app": "page"}), json!({})),
        )
        .await
        .unwrap();
    }
    let mut names = Vec::new();
    let mut lp = ListParams::default().labels("app=page").limit(2);
    let mut pages = 0;
    loop {
        let page = api.list(&lp).await.unwrap();
        pages += 1;
        names.extend(page.items.into_iter().map(|c| c.metadata.name.unwrap()));
        match page.metadata.continue_ {
            Some(c) if !c.is_empty() => lp = lp.continue_token(&c),
            _ => break,
        }
    }
    assert_eq!(
        (pages, names),
        (
            2,
            vec!["page-0".into(), "page-1".into(), "page-2".to_string()]
        )
    );
    let by_name = api
        .list(&ListParams::default().fields("metadata.name=b"))
        .await
        .unwrap();
    assert_eq!(by_name.items.len(), 1);

    // Replace bumps the resourceVersion.
    let mut upd = api.get("a").await.unwrap();
    upd.data = Some([("k".to_string(), "2".to_string())].into());
    let replaced = api.replace("a", &pp, &upd).await.unwrap();
    let rv2: u64 = replaced.metadata.resource_version.unwrap().parse().unwrap();
    assert!(rv2 > rv_a);

    // Merge patch.
    let patched = api
        .patch(
            "a",
            &PatchParams::default(),
            &Patch::Merge(json!({"data": {"extra": "x", "k": null}})),
        )
        .await
        .unwrap();
    let data = patched.data.unwrap();
    assert_eq!(data.get("extra").map(String::as_str), Some("x"));
    assert!(!data.contains_key("k"));

    // Strategic merge patch on a built-in kind.
    let patched = api
        .patch(
            "a",
            &PatchParams::default(),
            &Patch::Strategic(json!({"metadata": {"labels": {"tier": "front"}}})),
        )
        .await
        .unwrap();
    assert_eq!(patched.metadata.labels.unwrap().len(), 2);

    api.delete("a", &DeleteParams::default()).await.unwrap();
    let (code, reason, msg) = api_error(api.get("a").await.unwrap_err());
    assert_eq!((code, reason.as_str()), (404, "NotFound"));
    assert_eq!(msg, "configmaps \"a\" not found");
}

both!(stale_update_conflicts);
async fn stale_update_conflicts(env: &Env) {
    let api: Api<ConfigMap> = Api::namespaced(env.client().await, &env.ns);
    let pp = PostParams::default();
    let first = api
        .create(&pp, &cm("c", json!({}), json!({"v": "1"})))
        .await
        .unwrap();
    let mut fresh = first.clone();
    fresh.data = Some([("v".to_string(), "2".to_string())].into());
    api.replace("c", &pp, &fresh).await.unwrap();
    // `first` carries the old resourceVersion.
    let mut stale = first;
    stale.data = Some([("v".to_string(), "3".to_string())].into());
    let (code, reason, msg) = api_error(api.replace("c", &pp, &stale).await.unwrap_err());
    assert_eq!((code, reason.as_str()), (409, "Conflict"));
    assert!(msg.contains("the object has been modified"), "{msg}");
    assert_eq!(api.get("c").await.unwrap().data.unwrap()["v"], "2");
}

both!(deployment_generation_and_status);
async fn deployment_generation_and_status(env: &Env) {
    let api: Api<Deployment> = Api::namespaced(env.client().await, &env.ns);
    let d: Deployment = serde_json::from_value(json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                         "spec": {"containers": [{"name": "web", "image": "nginx:1"}]}}
        },
        "status": {"replicas": 99}
    }))
    .unwrap();
    let created = api.create(&PostParams::default(), &d).await.unwrap();
    assert_eq!(created.metadata.generation, Some(1));
    assert_eq!(
        created.spec.as_ref().unwrap().replicas,
        Some(1),
        "replicas defaulted"
    );
    // Dropped on create; kube-apiserver returns the zero status as `{}`
    // (docs/compatibility.md).
    assert!(
        created
            .status
            .as_ref()
            .is_none_or(|s| *s == Default::default()),
        "status is dropped on create"
    );

    // A label change is not a spec change.
    let labelled = api
        .patch(
            "web",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"x": "y"}}})),
        )
        .await
        .unwrap();
    assert_eq!(labelled.metadata.generation, Some(1));

    // A spec change bumps generation.
    let scaled = api
        .patch(
            "web",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 3}})),
        )
        .await
        .unwrap();
    assert_eq!(scaled.metadata.generation, Some(2));

    // The status subresource changes only status; the main resource ignores status.
    let st = api
        .patch_status(
            "web",
            &PatchParams::default(),
            // (kube-apiserver validates status: readyReplicas <= replicas; roam does
            // not validate built-in status, docs/compatibility.md.)
            &Patch::Merge(json!({"status": {"replicas": 3, "readyReplicas": 3, "observedGeneration": 2}, "spec": {"replicas": 7}})),
        )
        .await
        .unwrap();
    assert_eq!(st.status.as_ref().unwrap().ready_replicas, Some(3));
    assert_eq!(st.spec.as_ref().unwrap().replicas, Some(3));
    assert_eq!(st.metadata.generation, Some(2));
    let main = api
        .patch(
            "web",
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {"readyReplicas": 0}})),
        )
        .await
        .unwrap();
    assert_eq!(main.status.unwrap().ready_replicas, Some(3));

    // The scale subresource.
    let sc = api.get_scale("web").await.unwrap();
    assert_eq!(sc.spec.unwrap().replicas, Some(3));
    assert_eq!(sc.status.unwrap().selector.as_deref(), Some("app=web"));
    let sc = api
        .patch_scale(
            "web",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 4}})),
        )
        .await
        .unwrap();
    assert_eq!(sc.spec.unwrap().replicas, Some(4));
    let d = api.get("web").await.unwrap();
    assert_eq!(d.spec.unwrap().replicas, Some(4));
    assert_eq!(d.metadata.generation, Some(3));
}

both!(watch_receives_events);
async fn watch_receives_events(env: &Env) {
    let api: Api<ConfigMap> = Api::namespaced(env.client().await, &env.ns);
    let list = api.list(&ListParams::default()).await.unwrap();
    let rv = list.metadata.resource_version.unwrap();
    let mut stream = api
        .watch(&WatchParams::default().timeout(60), &rv)
        .await
        .unwrap()
        .boxed();
    api.create(&PostParams::default(), &cm("w", json!({}), json!({})))
        .await
        .unwrap();
    api.delete("w", &DeleteParams::default()).await.unwrap();
    let first = tokio::time::timeout(HANG, stream.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    match first {
        WatchEvent::Added(o) => assert_eq!(o.metadata.name.as_deref(), Some("w")),
        other => panic!("expected ADDED, got {other:?}"),
    }
    let second = tokio::time::timeout(HANG, stream.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(matches!(second, WatchEvent::Deleted(_)), "{second:?}");

    // kube-runtime's watcher: initial list, then live changes.
    let mut w = watcher(api.clone(), watcher::Config::default()).boxed();
    loop {
        let ev = tokio::time::timeout(HANG, w.try_next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        if matches!(ev, watcher::Event::InitDone) {
            break;
        }
    }
    api.create(&PostParams::default(), &cm("later", json!({}), json!({})))
        .await
        .unwrap();
    let ev = tokio::time::timeout(HANG, w.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    match ev {
        watcher::Event::Apply(o) => assert_eq!(o.metadata.name.as_deref(), Some("later")),
        other => panic!("expected Apply, got {other:?}"),
    }
}

#[tokio::test]
async fn watch_from_compacted_version_is_gone() {
    // A history ring of 2 events: older resourceVersions are compacted.
    let store = Arc::new(Store::new(Box::new(MemoryBackend), 2).unwrap());
    let srv = TestServer::start(store).await;
    let api: Api<ConfigMap> = Api::namespaced(srv.client().await, "default");
    for i in 0..5 {
        api.create(
            &PostParams::default(),
            &cm(&format!("c{i}"), json!({}), json!({})),
        )
        .await
        .unwrap();
    }
    let err = match api.watch(&WatchParams::default(), "1").await {
        Ok(s) => match s.boxed().next().await {
            Some(Err(e)) => e,
            Some(Ok(WatchEvent::Error(e))) => kube::Error::Api(Box::new(kube::core::Status {
                code: e.code,
                reason: e.reason,
                message: e.message,
                ..Default::default()
            })),
            other => panic!("expected an error, got {other:?}"),
        },
        Err(e) => e,
    };
    let (code, reason, _) = api_error(err);
    assert_eq!((code, reason.as_str()), (410, "Expired"));
}

both!(invalid_input_gets_status_errors);
async fn invalid_input_gets_status_errors(env: &Env) {
    let client = env.client().await;
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), &env.ns);
    let (code, reason, msg) = api_error(
        api.create(
            &PostParams::default(),
            &cm("Bad_Name", json!({}), json!({})),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!((code, reason.as_str()), (422, "Invalid"));
    assert!(
        msg.starts_with("ConfigMap \"Bad_Name\" is invalid: metadata.name"),
        "{msg}"
    );

    let missing: Api<ConfigMap> = Api::namespaced(client.clone(), "nowhere");
    let (code, _, msg) = api_error(
        missing
            .create(&PostParams::default(), &cm("x", json!({}), json!({})))
            .await
            .unwrap_err(),
    );
    assert_eq!(code, 404);
    assert_eq!(msg, "namespaces \"nowhere\" not found");

    let (code, reason, _) = api_error(
        api.list(&ListParams::default().fields("data.k=1"))
            .await
            .unwrap_err(),
    );
    assert_eq!((code, reason.as_str()), (400, "BadRequest"));

    // JSON patch with Kubernetes' `test` rule, then finalizers hold a delete.
    api.create(&PostParams::default(), &cm("f", json!({}), json!({})))
        .await
        .unwrap();
    let body = serde_json::to_vec(&json!([
        {"op": "test", "path": "/metadata/finalizers", "value": null},
        {"op": "add", "path": "/metadata/finalizers", "value": ["roam.dev/test"]}
    ]))
    .unwrap();
    let req = http_request(
        "PATCH",
        &format!("/api/v1/namespaces/{}/configmaps/f", env.ns),
        "application/json-patch+json",
        body,
    );
    let with_fin: ConfigMap = client.request(req).await.unwrap();
    assert_eq!(
        with_fin.metadata.finalizers.as_deref(),
        Some(&["roam.dev/test".to_string()][..])
    );
    let deleted = api.delete("f", &DeleteParams::default()).await.unwrap();
    let marked = deleted
        .left()
        .expect("object returned while finalizers remain");
    assert!(marked.metadata.deletion_timestamp.is_some());
    api.patch(
        "f",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"finalizers": null}})),
    )
    .await
    .unwrap();
    assert_eq!(api_error(api.get("f").await.unwrap_err()).0, 404);
}

fn http_request(
    method: &str,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> http::Request<Vec<u8>> {
    http::Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", content_type)
        .body(body)
        .unwrap()
}

both!(crd_then_dynamic_custom_resources);
async fn crd_then_dynamic_custom_resources(env: &Env) {
    let client = env.client().await;
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let crd: CustomResourceDefinition = serde_json::from_value(json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.roam.dev"},
        "spec": {
            "group": "example.roam.dev", "scope": "Namespaced",
            "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"]},
            "versions": [{"name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
                "subresources": {"status": {}}}]
        }
    }))
    .unwrap();
    let created = crds.create(&PostParams::default(), &crd).await.unwrap();
    // roam reports the conditions in the create response; kube-apiserver's
    // establishing controller sets them a moment later.
    let created = if env.is_kube() {
        established(&client, "widgets.example.roam.dev").await;
        crds.get("widgets.example.roam.dev").await.unwrap()
    } else {
        created
    };
    let conds = created.status.unwrap().conditions.unwrap();
    assert!(
        conds
            .iter()
            .any(|c| c.type_ == "Established" && c.status == "True")
    );
    assert!(
        conds
            .iter()
            .any(|c| c.type_ == "NamesAccepted" && c.status == "True")
    );

    // Discovery sees the new group (roam at once, kube-apiserver shortly).
    eventually("discovery lists example.roam.dev", || async {
        let discovery = kube::discovery::Discovery::new(client.clone())
            .run()
            .await
            .unwrap();
        discovery.groups().any(|g| g.name() == "example.roam.dev")
    })
    .await;
    let aggregated = kube::discovery::Discovery::new(client.clone())
        .run_aggregated()
        .await
        .unwrap();
    let (ar_found, caps) = aggregated
        .resolve_gvk(&GroupVersionKind::gvk("example.roam.dev", "v1", "Widget"))
        .expect("aggregated discovery lists Widget");
    assert_eq!(ar_found.plural, "widgets");
    assert_eq!(caps.scope, kube::discovery::Scope::Namespaced);
    assert!(aggregated.groups().any(|g| g.name() == "apps"));

    let gvk = GroupVersionKind::gvk("example.roam.dev", "v1", "Widget");
    let ar = ApiResource::from_gvk_with_plural(&gvk, "widgets");
    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), &env.ns, &ar);
    let mut w = DynamicObject::new("w1", &ar);
    w.data = json!({"spec": {"size": 3}});
    let made = api.create(&PostParams::default(), &w).await.unwrap();
    assert_eq!(made.metadata.generation, Some(1));
    assert_eq!(api.get("w1").await.unwrap().data["spec"]["size"], 3);
    assert_eq!(
        api.list(&ListParams::default()).await.unwrap().items.len(),
        1
    );

    let patched = api
        .patch(
            "w1",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"size": 4}})),
        )
        .await
        .unwrap();
    assert_eq!(patched.metadata.generation, Some(2));

    // Custom resources: strategic merge patch is 415, PUT without resourceVersion is 422.
    let (code, reason, _) = api_error(
        api.patch(
            "w1",
            &PatchParams::default(),
            &Patch::Strategic(json!({"spec": {"size": 5}})),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!((code, reason.as_str()), (415, "UnsupportedMediaType"));
    let mut no_rv = patched.clone();
    no_rv.metadata.resource_version = None;
    let (code, reason, _) = api_error(
        api.replace("w1", &PostParams::default(), &no_rv)
            .await
            .unwrap_err(),
    );
    assert_eq!((code, reason.as_str()), (422, "Invalid"));

    // Deleting the CRD removes its instances and stops serving the resource.
    crds.delete("widgets.example.roam.dev", &DeleteParams::default())
        .await
        .unwrap();
    eventually("w1 is gone with its CRD", || async {
        matches!(api.get("w1").await, Err(kube::Error::Api(s)) if s.code == 404)
    })
    .await;
}

#[tokio::test]
async fn requests_without_the_token_are_rejected() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let srv = TestServer::in_memory().await;
    let mut s = tokio::net::TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"GET /api/v1/namespaces HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    assert!(out.starts_with("HTTP/1.1 401"), "{out}");
    assert!(out.contains("\"reason\":\"Unauthorized\""), "{out}");

    // Version and health are public, as on a real cluster.
    for path in ["/version", "/healthz", "/readyz"] {
        let mut s = tokio::net::TcpStream::connect(srv.addr).await.unwrap();
        let req = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        s.write_all(req.as_bytes()).await.unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        assert!(out.starts_with("HTTP/1.1 200"), "{path}: {out}");
    }
    let mut s = tokio::net::TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"DELETE /version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    assert!(out.starts_with("HTTP/1.1 401"), "{out}");
}

#[tokio::test]
async fn owner_references_are_garbage_collected() {
    let srv = TestServer::in_memory().await;
    let api: Api<ConfigMap> = Api::namespaced(srv.client().await, "default");
    let pp = PostParams::default();
    let make = |name: &str, owners: &[&ConfigMap]| -> ConfigMap {
        let refs: Vec<serde_json::Value> = owners
            .iter()
            .map(|o| {
                json!({"apiVersion": "v1", "kind": "ConfigMap",
                       "name": o.metadata.name, "uid": o.metadata.uid})
            })
            .collect();
        serde_json::from_value(json!({"metadata": {"name": name, "ownerReferences": refs}}))
            .unwrap()
    };
    let exists = |name: &'static str| {
        let api = api.clone();
        async move { api.get_opt(name).await.unwrap().is_some() }
    };

    // Background (the default): dependents whose owners are all gone go too.
    let parent = api.create(&pp, &make("parent", &[])).await.unwrap();
    let other = api.create(&pp, &make("other", &[])).await.unwrap();
    api.create(&pp, &make("child", &[&parent])).await.unwrap();
    api.create(
        &pp,
        &make("grandchild", &[&api.get("child").await.unwrap()]),
    )
    .await
    .unwrap();
    api.create(&pp, &make("shared", &[&parent, &other]))
        .await
        .unwrap();
    api.delete("parent", &DeleteParams::default())
        .await
        .unwrap();
    assert!(!exists("child").await);
    assert!(!exists("grandchild").await);
    assert!(exists("shared").await, "another owner is alive");

    // Orphan: dependents stay, without the owner's reference.
    let o = api.create(&pp, &make("orphaner", &[])).await.unwrap();
    api.create(&pp, &make("kept", &[&o])).await.unwrap();
    api.delete("orphaner", &DeleteParams::orphan())
        .await
        .unwrap();
    let kept = api.get("kept").await.unwrap();
    assert!(
        kept.metadata
            .owner_references
            .unwrap_or_default()
            .is_empty()
    );

    // Foreground: dependents first, then the owner.
    let f = api.create(&pp, &make("fg", &[])).await.unwrap();
    api.create(&pp, &make("fg-child", &[&f])).await.unwrap();
    api.delete("fg", &DeleteParams::foreground()).await.unwrap();
    assert!(!exists("fg-child").await);
    assert!(!exists("fg").await);
}

both!(crd_schema_defaults_are_applied);
async fn crd_schema_defaults_are_applied(env: &Env) {
    let client = env.client().await;
    let crd: CustomResourceDefinition = serde_json::from_value(json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "sprockets.example.roam.dev"},
        "spec": {
            "group": "example.roam.dev", "scope": "Cluster",
            "names": {"plural": "sprockets", "kind": "Sprocket"},
            "versions": [{"name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                    "spec": {"type": "object", "default": {}, "properties": {
                        "replicas": {"type": "integer", "default": 1},
                        "ports": {"type": "array", "items": {"type": "object", "properties": {
                            "protocol": {"type": "string", "default": "TCP"},
                            "port": {"type": "integer"}}}}}}}}}}]
        }
    }))
    .unwrap();
    Api::<CustomResourceDefinition>::all(client.clone())
        .create(&PostParams::default(), &crd)
        .await
        .unwrap();
    established(&client, "sprockets.example.roam.dev").await;
    let ar = ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("example.roam.dev", "v1", "Sprocket"),
        "sprockets",
    );
    let api: Api<DynamicObject> = Api::all_with(client, &ar);
    let mut g = DynamicObject::new("g1", &ar);
    g.data = json!({"spec": {"ports": [{"port": 80}]}});
    let made = api.create(&PostParams::default(), &g).await.unwrap();
    assert_eq!(made.data["spec"]["replicas"], 1);
    assert_eq!(made.data["spec"]["ports"][0]["protocol"], "TCP");
    // Defaults apply to patches too; explicit values are kept.
    let patched = api
        .patch(
            "g1",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 3, "ports": [{"port": 81}]}})),
        )
        .await
        .unwrap();
    assert_eq!(patched.data["spec"]["replicas"], 3);
    assert_eq!(patched.data["spec"]["ports"][0]["protocol"], "TCP");
    let bare = api
        .create(&PostParams::default(), &DynamicObject::new("g2", &ar))
        .await
        .unwrap();
    assert_eq!(
        bare.data["spec"]["replicas"], 1,
        "spec defaulted to {{}} then filled"
    );
}

both!(recorder_events_are_core_events_too);
async fn recorder_events_are_core_events_too(env: &Env) {
    use k8s_openapi::api::core::v1::Event as CoreEvent;
    use kube::Resource;
    use kube::runtime::events::{Event, EventType, Recorder, Reporter};
    let client = env.client().await;
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), &env.ns);
    let cm = cms
        .create(&PostParams::default(), &cm("evt", json!({}), json!({})))
        .await
        .unwrap();
    // kube-rs writes events.k8s.io/v1 Events ...
    let recorder = Recorder::new(
        client.clone(),
        Reporter {
            controller: "roam-test".into(),
            instance: None,
        },
    );
    let ev = Event {
        type_: EventType::Normal,
        reason: "Reconciled".into(),
        note: Some("all good".into()),
        action: "Reconcile".into(),
        secondary: None,
    };
    let reference = cm.object_ref(&());
    recorder.publish(&ev, &reference).await.unwrap();
    recorder.publish(&ev, &reference).await.unwrap(); // a repeat: merge-patches the series
    // ... which kubectl describe reads as core/v1 Events by involvedObject.
    let core: Api<CoreEvent> = Api::namespaced(client.clone(), &env.ns);
    let selector = format!(
        "involvedObject.name=evt,involvedObject.kind=ConfigMap,involvedObject.uid={}",
        cm.metadata.uid.as_deref().unwrap()
    );
    let listed = core
        .list(&ListParams::default().fields(&selector))
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1, "{:?}", listed.items);
    let e = &listed.items[0];
    assert_eq!(e.message.as_deref(), Some("all good"));
    assert_eq!(e.reason.as_deref(), Some("Reconciled"));
    assert_eq!(e.reporting_component.as_deref(), Some("roam-test"));
    // The same object through the events.k8s.io/v1 view.
    let v1: Api<k8s_openapi::api::events::v1::Event> = Api::namespaced(client, &env.ns);
    let same = v1.get(e.metadata.name.as_deref().unwrap()).await.unwrap();
    assert_eq!(same.note.as_deref(), Some("all good"));
    assert_eq!(same.regarding.unwrap().name.as_deref(), Some("evt"));
}

#[tokio::test]
async fn namespace_deletion_waits_for_finalizers() {
    let srv = TestServer::in_memory().await;
    let client = srv.client().await;
    let nss: Api<Namespace> = Api::all(client.clone());
    let ns: Namespace = serde_json::from_value(json!({"metadata": {"name": "team"}})).unwrap();
    nss.create(&PostParams::default(), &ns).await.unwrap();
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), "team");
    cms.create(&PostParams::default(), &cm("plain", json!({}), json!({})))
        .await
        .unwrap();
    let mut held = cm("held", json!({}), json!({}));
    held.metadata.finalizers = Some(vec!["roam.dev/hold".into()]);
    cms.create(&PostParams::default(), &held).await.unwrap();

    nss.delete("team", &DeleteParams::default()).await.unwrap();
    let terminating = nss.get("team").await.unwrap();
    assert_eq!(
        terminating.status.unwrap().phase.as_deref(),
        Some("Terminating")
    );
    assert!(cms.get_opt("plain").await.unwrap().is_none());
    assert!(
        cms.get("held")
            .await
            .unwrap()
            .metadata
            .deletion_timestamp
            .is_some()
    );
    let (code, reason, msg) = api_error(
        cms.create(&PostParams::default(), &cm("new", json!({}), json!({})))
            .await
            .unwrap_err(),
    );
    assert_eq!((code, reason.as_str()), (403, "Forbidden"));
    assert!(msg.contains("being terminated"), "{msg}");

    // Releasing the last finalizer removes the object, then the namespace.
    cms.patch(
        "held",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"finalizers": null}})),
    )
    .await
    .unwrap();
    assert!(cms.get_opt("held").await.unwrap().is_none());
    assert!(nss.get_opt("team").await.unwrap().is_none());
}

both!(server_side_apply_with_conflicts_and_force);
async fn server_side_apply_with_conflicts_and_force(env: &Env) {
    let api: Api<Deployment> = Api::namespaced(env.client().await, &env.ns);
    let config = |replicas: i32, image: &str| {
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "ssa"},
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": {"app": "ssa"}},
                "template": {"metadata": {"labels": {"app": "ssa"}},
                             "spec": {"containers": [{"name": "app", "image": image}]}}
            }
        })
    };
    // Apply creates.
    let made = api
        .patch(
            "ssa",
            &PatchParams::apply("alice"),
            &Patch::Apply(config(2, "v1")),
        )
        .await
        .unwrap();
    assert_eq!(made.spec.as_ref().unwrap().replicas, Some(2));
    let mf = made.metadata.managed_fields.unwrap();
    assert_eq!(mf[0].manager.as_deref(), Some("alice"));
    assert_eq!(mf[0].operation.as_deref(), Some("Apply"));

    // Re-applying the same configuration is a no-op.
    let same = api
        .patch(
            "ssa",
            &PatchParams::apply("alice"),
            &Patch::Apply(config(2, "v1")),
        )
        .await
        .unwrap();
    assert_eq!(
        same.metadata.resource_version,
        made.metadata.resource_version
    );

    // Another manager changing an owned field conflicts...
    let bob = json!({"apiVersion": "apps/v1", "kind": "Deployment",
                     "metadata": {"name": "ssa"}, "spec": {"replicas": 5}});
    let (code, reason, msg) = api_error(
        api.patch(
            "ssa",
            &PatchParams::apply("bob"),
            &Patch::Apply(bob.clone()),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!((code, reason.as_str()), (409, "Conflict"));
    assert!(
        msg.contains("conflict with \"alice\"") && msg.contains(".spec.replicas"),
        "{msg}"
    );
    // ... unless forced, which takes the field over.
    let forced = api
        .patch(
            "ssa",
            &PatchParams::apply("bob").force(),
            &Patch::Apply(bob),
        )
        .await
        .unwrap();
    assert_eq!(forced.spec.as_ref().unwrap().replicas, Some(5));

    // Alice drops the container image change and replicas from her config: replicas
    // (now Bob's) stays, her new image lands.
    let mut a2 = config(0, "v2");
    a2["spec"].as_object_mut().unwrap().remove("replicas");
    let after = api
        .patch("ssa", &PatchParams::apply("alice"), &Patch::Apply(a2))
        .await
        .unwrap();
    let spec = after.spec.unwrap();
    assert_eq!(spec.replicas, Some(5));
    assert_eq!(
        spec.template.spec.unwrap().containers[0].image.as_deref(),
        Some("v2")
    );

    // A plain update records Update ownership, which apply then conflicts with.
    api.patch(
        "ssa",
        &PatchParams {
            field_manager: Some("editor".into()),
            ..Default::default()
        },
        &Patch::Merge(json!({"metadata": {"labels": {"team": "a"}}})),
    )
    .await
    .unwrap();
    let relabel = json!({"apiVersion": "apps/v1", "kind": "Deployment",
                         "metadata": {"name": "ssa", "labels": {"team": "b"}}});
    let (code, _, msg) = api_error(
        api.patch("ssa", &PatchParams::apply("carol"), &Patch::Apply(relabel))
            .await
            .unwrap_err(),
    );
    assert_eq!(code, 409);
    assert!(msg.contains("conflict with \"editor\""), "{msg}");
}

/// Foreground deletion waits for dependents that block it, including their finalizers.
#[tokio::test]
async fn foreground_deletion_waits_for_blocking_dependents() {
    let srv = TestServer::in_memory().await;
    let api: Api<ConfigMap> = Api::namespaced(srv.client().await, "default");
    let pp = PostParams::default();
    let owner = api
        .create(&pp, &cm("owner", json!({}), json!({})))
        .await
        .unwrap();
    let dep = |name: &str, block: bool, finalizers: serde_json::Value| -> ConfigMap {
        serde_json::from_value(json!({"metadata": {
            "name": name, "finalizers": finalizers,
            "ownerReferences": [{"apiVersion": "v1", "kind": "ConfigMap", "name": "owner",
                                 "uid": owner.metadata.uid, "blockOwnerDeletion": block}],
        }}))
        .unwrap()
    };
    api.create(&pp, &dep("held", true, json!(["test.roam.dev/hold"])))
        .await
        .unwrap();
    api.create(&pp, &dep("loose", false, json!([])))
        .await
        .unwrap();

    let deleted = api
        .delete("owner", &DeleteParams::foreground())
        .await
        .unwrap();
    assert!(deleted.is_left(), "the owner is still there while it waits");
    let o = api.get("owner").await.unwrap();
    assert!(o.metadata.deletion_timestamp.is_some());
    assert_eq!(
        o.metadata.finalizers.as_deref(),
        Some(&["foregroundDeletion".to_string()][..])
    );
    assert!(api.get_opt("loose").await.unwrap().is_none());
    let held = api.get("held").await.unwrap();
    assert!(held.metadata.deletion_timestamp.is_some());

    // The dependent's finalizer goes: the dependent goes, then the owner.
    api.patch(
        "held",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"finalizers": null}})),
    )
    .await
    .unwrap();
    assert!(api.get_opt("held").await.unwrap().is_none());
    assert!(api.get_opt("owner").await.unwrap().is_none());
}

both!(yaml_request_bodies);
/// YAML request bodies: create (`application/yaml`) and server-side apply.
async fn yaml_request_bodies(env: &Env) {
    let client = env.client().await;
    let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\n  labels: {a: b}\ndata:\n  x: \"1\"\n";
    let req = http_request(
        "POST",
        &format!("/api/v1/namespaces/{}/configmaps", env.ns),
        "application/yaml",
        yaml.as_bytes().to_vec(),
    );
    let created: ConfigMap = client.request(req).await.unwrap();
    assert_eq!(created.data.unwrap()["x"], "1");
    let apply = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  z: two\n";
    let req = http_request(
        "PATCH",
        &format!(
            "/api/v1/namespaces/{}/configmaps/applied?fieldManager=yaml-test",
            env.ns
        ),
        "application/apply-patch+yaml",
        apply.as_bytes().to_vec(),
    );
    let applied: ConfigMap = client.request(req).await.unwrap();
    assert_eq!(applied.data.unwrap()["z"], "two");
    let req = http_request(
        "POST",
        &format!("/api/v1/namespaces/{}/configmaps", env.ns),
        "application/yaml",
        b"metadata: [unclosed\n".to_vec(),
    );
    let err = client.request::<ConfigMap>(req).await.unwrap_err();
    let (code, _, message) = api_error(err);
    assert_eq!(code, 400);
    // roam: "… not valid YAML …"; kube-apiserver: "… yaml: line 1: …".
    assert!(message.to_lowercase().contains("yaml"), "{message}");
}

both!(controller_with_a_finalizer);
/// A kube-runtime `Controller` whose reconciler uses `finalizer`: the finalizer is
/// added, Apply runs, and on deletion Cleanup runs before the object goes.
async fn controller_with_a_finalizer(env: &Env) {
    use kube::runtime::controller::{Action, Controller};
    use kube::runtime::finalizer::{Event as Fin, finalizer};
    use std::sync::Mutex;

    #[derive(Debug, thiserror::Error)]
    #[error("{0}")]
    struct Failed(String);

    struct Ctx {
        api: Api<ConfigMap>,
        cleaned: Mutex<Vec<String>>,
    }
    const FINALIZER: &str = "test.roam.dev/cleanup";

    let client = env.client().await;
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), &env.ns);
    let ctx = Arc::new(Ctx {
        api: api.clone(),
        cleaned: Mutex::new(Vec::new()),
    });
    let controller = Controller::new(api.clone(), watcher::Config::default())
        .run(
            |cm: Arc<ConfigMap>, ctx: Arc<Ctx>| async move {
                finalizer(&ctx.api, FINALIZER, cm, |event| async {
                    match event {
                        Fin::Apply(cm) => {
                            let name = cm.metadata.name.clone().unwrap();
                            if cm.data.as_ref().and_then(|d| d.get("reconciled")).is_none() {
                                ctx.api
                                    .patch(
                                        &name,
                                        &PatchParams::default(),
                                        &Patch::Merge(json!({"data": {"reconciled": "yes"}})),
                                    )
                                    .await
                                    .map_err(|e| Failed(e.to_string()))?;
                            }
                            Ok::<_, Failed>(Action::await_change())
                        }
                        Fin::Cleanup(cm) => {
                            ctx.cleaned
                                .lock()
                                .unwrap()
                                .push(cm.metadata.name.clone().unwrap());
                            Ok(Action::await_change())
                        }
                    }
                })
                .await
                .map_err(|e| Failed(e.to_string()))
            },
            |_, _: &Failed, _| Action::requeue(Duration::from_millis(50)),
            ctx.clone(),
        )
        .for_each(|_| futures_util::future::ready(()));
    let controller = tokio::spawn(controller);

    api.create(&PostParams::default(), &cm("managed", json!({}), json!({})))
        .await
        .unwrap();
    let reconciled = tokio::time::timeout(
        HANG,
        kube::runtime::wait::await_condition(api.clone(), "managed", |c: Option<&ConfigMap>| {
            c.and_then(|c| c.data.as_ref())
                .is_some_and(|d| d.contains_key("reconciled"))
        }),
    )
    .await
    .unwrap()
    .unwrap()
    .unwrap();
    assert_eq!(
        reconciled.metadata.finalizers.as_deref(),
        Some(&[FINALIZER.to_string()][..])
    );

    // Deletion waits for the controller's cleanup, then completes.
    api.delete("managed", &DeleteParams::default())
        .await
        .unwrap();
    tokio::time::timeout(
        HANG,
        kube::runtime::wait::await_condition(
            api.clone(),
            "managed",
            kube::runtime::conditions::is_deleted(reconciled.metadata.uid.as_deref().unwrap()),
        ),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(*ctx.cleaned.lock().unwrap(), ["managed"]);
    controller.abort();
}

both!(leases_for_leader_election);
/// Leases as leader election uses them: one holder at a time through optimistic
/// concurrency, takeover of an expired lease, and a 409 for the loser of a race.
async fn leases_for_leader_election(env: &Env) {
    use k8s_openapi::api::coordination::v1::Lease;
    let leases: Api<Lease> = Api::namespaced(env.client().await, "kube-system");
    let lease = |holder: &str, renewed: &str, rv: Option<&str>| -> Lease {
        serde_json::from_value(json!({
            "metadata": {"name": "roam-controller", "resourceVersion": rv},
            "spec": {"holderIdentity": holder, "leaseDurationSeconds": 15,
                     "acquireTime": renewed, "renewTime": renewed, "leaseTransitions": 0},
        }))
        .unwrap()
    };
    let a = leases
        .create(
            &PostParams::default(),
            &lease("a", "2026-01-01T00:00:00.000000Z", None),
        )
        .await
        .unwrap();
    // The second candidate finds it held.
    let err = leases
        .create(
            &PostParams::default(),
            &lease("b", "2026-01-01T00:00:01.000000Z", None),
        )
        .await
        .unwrap_err();
    assert_eq!(api_error(err).0, 409);
    // a renews; b, reading before the renewal, loses the race to take over.
    let seen = a.metadata.resource_version.clone().unwrap();
    let renewed = leases
        .replace(
            "roam-controller",
            &PostParams::default(),
            &lease("a", "2026-01-01T00:00:10.000000Z", Some(&seen)),
        )
        .await
        .unwrap();
    let err = leases
        .replace(
            "roam-controller",
            &PostParams::default(),
            &lease("b", "2026-01-01T00:00:30.000000Z", Some(&seen)),
        )
        .await
        .unwrap_err();
    assert_eq!(api_error(err).0, 409);
    // Once a stops renewing, b takes over with the current resourceVersion.
    let current = renewed.metadata.resource_version.clone().unwrap();
    let mut takeover = lease("b", "2026-01-01T00:01:00.000000Z", Some(&current));
    takeover.spec.as_mut().unwrap().lease_transitions = Some(1);
    let b = leases
        .replace("roam-controller", &PostParams::default(), &takeover)
        .await
        .unwrap();
    let spec = b.spec.unwrap();
    assert_eq!(spec.holder_identity.as_deref(), Some("b"));
    assert_eq!(spec.lease_transitions, Some(1));
    assert_eq!(
        spec.renew_time.unwrap().0.to_string(),
        "2026-01-01T00:01:00Z",
        "microsecond times round-trip"
    );
}

both!(crd_deletion_waits_for_instance_finalizers);
/// Deleting a CRD deletes its instances first, honouring their finalizers; while
/// it terminates no new instance can be created.
async fn crd_deletion_waits_for_instance_finalizers(env: &Env) {
    let client = env.client().await;
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let crd: CustomResourceDefinition = serde_json::from_value(json!({
        "metadata": {"name": "gadgets.example.roam.dev"},
        "spec": {
            "group": "example.roam.dev", "scope": "Namespaced",
            "names": {"plural": "gadgets", "singular": "gadget", "kind": "Gadget"},
            "versions": [{"name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}]
        }
    }))
    .unwrap();
    let created = crds.create(&PostParams::default(), &crd).await.unwrap();
    // The cleanup finalizer comes with the first delete, not at create.
    assert_eq!(created.metadata.finalizers, None);
    established(&client, "gadgets.example.roam.dev").await;
    let ar = ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("example.roam.dev", "v1", "Gadget"),
        "gadgets",
    );
    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), &env.ns, &ar);
    let mut held = DynamicObject::new("held", &ar);
    held.metadata.finalizers = Some(vec!["test.roam.dev/hold".into()]);
    api.create(&PostParams::default(), &held).await.unwrap();
    api.create(&PostParams::default(), &DynamicObject::new("free", &ar))
        .await
        .unwrap();

    crds.delete("gadgets.example.roam.dev", &DeleteParams::default())
        .await
        .unwrap();
    let terminating = crds.get("gadgets.example.roam.dev").await.unwrap();
    assert!(terminating.metadata.deletion_timestamp.is_some());
    assert!(
        terminating
            .metadata
            .finalizers
            .unwrap_or_default()
            .contains(&"customresourcecleanup.apiextensions.k8s.io".to_string())
    );
    eventually("free goes, held is marked", || async {
        api.get_opt("free").await.unwrap().is_none()
            && api
                .get("held")
                .await
                .unwrap()
                .metadata
                .deletion_timestamp
                .is_some()
    })
    .await;
    let (code, _, _) = api_error(
        api.create(&PostParams::default(), &DynamicObject::new("late", &ar))
            .await
            .unwrap_err(),
    );
    assert_eq!(code, 405);

    api.patch(
        "held",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"finalizers": null}})),
    )
    .await
    .unwrap();
    eventually("the CRD goes", || async {
        crds.get_opt("gadgets.example.roam.dev")
            .await
            .unwrap()
            .is_none()
    })
    .await;
    eventually("no longer served", || async {
        matches!(api.list(&ListParams::default()).await, Err(kube::Error::Api(s)) if s.code == 404)
    })
    .await;
}

/// Events expire an hour (the TTL given) after their last activity.
#[tokio::test]
async fn events_expire() {
    use k8s_openapi::api::core::v1::Event as CoreEvent;
    let srv = TestServer::in_memory().await;
    let events: Api<CoreEvent> = Api::namespaced(srv.client().await, "default");
    let event = |name: &str, last: &str| -> CoreEvent {
        serde_json::from_value(json!({
            "metadata": {"name": name},
            "involvedObject": {"kind": "ConfigMap", "name": "x", "namespace": "default"},
            "reason": "Test", "message": "m", "type": "Normal",
            "firstTimestamp": last, "lastTimestamp": last, "count": 1,
        }))
        .unwrap()
    };
    // Written an hour and more ago (straight into the store: the server stamps
    // creationTimestamp itself).
    let mut old = serde_json::to_value(event("old", "2020-01-01T00:00:00Z")).unwrap();
    old["apiVersion"] = json!("v1");
    old["kind"] = json!("Event");
    old["metadata"]["namespace"] = json!("default");
    old["metadata"]["creationTimestamp"] = json!("2020-01-01T00:00:00Z");
    srv.server
        .store
        .mutate("/core/events/default/old", |_, _| {
            Ok(roam_apiserver::store::Write::Put(old))
        })
        .unwrap();
    let now = jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    events
        .create(&PostParams::default(), &event("fresh", &now))
        .await
        .unwrap();
    let gone = srv.server.expire_events(Duration::from_secs(3600));
    assert_eq!(gone, 1);
    assert!(events.get_opt("old").await.unwrap().is_none());
    assert!(events.get_opt("fresh").await.unwrap().is_some());
}

both!(custom_resource_scale_subresource);
/// A CRD's `/scale` subresource, as `kubectl scale` and HPAs use it.
async fn custom_resource_scale_subresource(env: &Env) {
    let client = env.client().await;
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let crd: CustomResourceDefinition = serde_json::from_value(json!({
        "metadata": {"name": "pools.example.roam.dev"},
        "spec": {
            "group": "example.roam.dev", "scope": "Namespaced",
            "names": {"plural": "pools", "singular": "pool", "kind": "Pool"},
            "versions": [{"name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                    "spec": {"type": "object", "properties": {"replicas": {"type": "integer"}}},
                    "status": {"type": "object", "properties": {
                        "replicas": {"type": "integer"}, "selector": {"type": "string"}}}}}},
                "subresources": {"status": {}, "scale": {
                    "specReplicasPath": ".spec.replicas",
                    "statusReplicasPath": ".status.replicas",
                    "labelSelectorPath": ".status.selector"}}}]
        }
    }))
    .unwrap();
    crds.create(&PostParams::default(), &crd).await.unwrap();
    established(&client, "pools.example.roam.dev").await;
    let ar = ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("example.roam.dev", "v1", "Pool"),
        "pools",
    );
    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), &env.ns, &ar);
    let mut p = DynamicObject::new("p", &ar);
    p.data = json!({"spec": {"replicas": 2}});
    api.create(&PostParams::default(), &p).await.unwrap();
    api.patch_status(
        "p",
        &PatchParams::default(),
        &Patch::Merge(json!({"status": {"replicas": 2, "selector": "app=p"}})),
    )
    .await
    .unwrap();
    let scale = api.get_scale("p").await.unwrap();
    assert_eq!(scale.spec.unwrap().replicas, Some(2));
    let status = scale.status.unwrap();
    assert_eq!(
        (status.replicas, status.selector.as_deref()),
        (2, Some("app=p"))
    );
    api.patch_scale(
        "p",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"replicas": 5}})),
    )
    .await
    .unwrap();
    let p = api.get("p").await.unwrap();
    assert_eq!(p.data["spec"]["replicas"], 5);
    assert_eq!(p.metadata.generation, Some(2));
}

both!(watcher_with_streaming_lists);
/// kube-runtime's watcher with streaming lists (`sendInitialEvents=true`): the
/// initial state arrives as events closed by the `initial-events-end` bookmark.
async fn watcher_with_streaming_lists(env: &Env) {
    use kube::runtime::{WatchStreamExt, reflector};
    let api: Api<ConfigMap> = Api::namespaced(env.client().await, &env.ns);
    for name in ["s1", "s2"] {
        api.create(&PostParams::default(), &cm(name, json!({}), json!({})))
            .await
            .unwrap();
    }
    let (reader, writer) = reflector::store();
    let stream = reflector(
        writer,
        watcher(api.clone(), watcher::Config::default().streaming_lists()),
    )
    .applied_objects();
    let follow = tokio::spawn(stream.for_each(|_| futures_util::future::ready(())));
    tokio::time::timeout(HANG, reader.wait_until_ready())
        .await
        .unwrap()
        .unwrap();
    let names = || {
        let mut names: Vec<String> = reader
            .state()
            .iter()
            .filter_map(|c| c.metadata.name.clone())
            .collect();
        names.sort();
        names
    };
    if env.is_kube() {
        // kube-apiserver serves the initial events from its watch cache, which
        // may trail etcd by a write under load (seen in CI: only s1 before the
        // bookmark, s2 as the first live event). It must still arrive.
        tokio::time::timeout(HANG, async {
            while names() != ["s1", "s2"] {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await
        .unwrap();
    } else {
        // roam's initial events are a consistent snapshot: both before ready.
        assert_eq!(names(), ["s1", "s2"]);
    }
    api.create(&PostParams::default(), &cm("s3", json!({}), json!({})))
        .await
        .unwrap();
    tokio::time::timeout(HANG, async {
        while reader
            .get(&kube::runtime::reflector::ObjectRef::new("s3").within(&env.ns))
            .is_none()
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .unwrap();
    follow.abort();
}

/// Server-side apply with list types: two managers applying different elements
/// of an associative list (built-in merge keys, and a CRD's
/// `x-kubernetes-list-type: map` with two keys) or members of a set do not
/// conflict, each keeps its own, and a manager that stops applying its element
/// removes only that one.
#[tokio::test]
async fn server_side_apply_list_types() {
    let srv = TestServer::in_memory().await;
    let client = srv.client().await;
    // Built-in: containers by name, env by name, ports by containerPort and protocol.
    let deps: Api<Deployment> = Api::namespaced(client.clone(), "default");
    let base = |containers: serde_json::Value| {
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "lists"},
            "spec": {
                "selector": {"matchLabels": {"app": "lists"}},
                "template": {"metadata": {"labels": {"app": "lists"}},
                             "spec": {"containers": containers}}
            }
        })
    };
    let alice = base(json!([{"name": "app", "image": "app:1",
        "env": [{"name": "A", "value": "1"}],
        "ports": [{"containerPort": 53, "protocol": "TCP"}]}]));
    deps.patch("lists", &PatchParams::apply("alice"), &Patch::Apply(&alice))
        .await
        .unwrap();
    // Bob adds a sidecar, an env var and a UDP port on the same number to Alice's container.
    let bob = base(json!([
        {"name": "app", "env": [{"name": "B", "value": "2"}],
         "ports": [{"containerPort": 53, "protocol": "UDP"}]},
        {"name": "sidecar", "image": "side:1"}
    ]));
    let d = deps
        .patch("lists", &PatchParams::apply("bob"), &Patch::Apply(&bob))
        .await
        .unwrap();
    let spec = serde_json::to_value(d.spec.unwrap().template.spec.unwrap()).unwrap();
    let names: Vec<&str> = spec["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["app", "sidecar"]);
    assert_eq!(spec["containers"][0]["image"], "app:1");
    assert_eq!(
        spec["containers"][0]["env"],
        json!([{"name": "A", "value": "1"}, {"name": "B", "value": "2"}])
    );
    assert_eq!(spec["containers"][0]["ports"].as_array().unwrap().len(), 2);
    let mf = serde_json::to_value(d.metadata.managed_fields.unwrap()).unwrap();
    let bobs = mf
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["manager"] == "bob")
        .unwrap();
    let containers = &bobs["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"];
    assert!(
        containers["k:{\"name\":\"app\"}"]["f:ports"]
            .get("k:{\"containerPort\":53,\"protocol\":\"UDP\"}")
            .is_some(),
        "{containers}"
    );
    // Alice re-applies: no conflict, Bob's elements stay.
    let d = deps
        .patch("lists", &PatchParams::apply("alice"), &Patch::Apply(&alice))
        .await
        .unwrap();
    let spec = serde_json::to_value(d.spec.unwrap().template.spec.unwrap()).unwrap();
    assert_eq!(spec["containers"].as_array().unwrap().len(), 2);
    // Bob stops applying the sidecar: it goes, his env var stays.
    let bob2 = base(json!([{"name": "app", "env": [{"name": "B", "value": "2"}]}]));
    let d = deps
        .patch("lists", &PatchParams::apply("bob"), &Patch::Apply(&bob2))
        .await
        .unwrap();
    let spec = serde_json::to_value(d.spec.unwrap().template.spec.unwrap()).unwrap();
    assert_eq!(spec["containers"].as_array().unwrap().len(), 1);
    assert_eq!(spec["containers"][0]["env"].as_array().unwrap().len(), 2);
    assert_eq!(spec["containers"][0]["ports"].as_array().unwrap().len(), 1);

    // A CRD with a map list keyed by two fields and a set.
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let crd: CustomResourceDefinition = serde_json::from_value(json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "routers.example.roam.dev"},
        "spec": {
            "group": "example.roam.dev", "scope": "Namespaced",
            "names": {"plural": "routers", "singular": "router", "kind": "Router"},
            "versions": [{"name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                    "spec": {"type": "object", "properties": {
                        "routes": {"type": "array",
                            "x-kubernetes-list-type": "map",
                            "x-kubernetes-list-map-keys": ["host", "path"],
                            "items": {"type": "object", "properties": {
                                "host": {"type": "string"}, "path": {"type": "string"},
                                "backend": {"type": "string"}}}},
                        "tags": {"type": "array", "x-kubernetes-list-type": "set",
                                 "items": {"type": "string"}},
                        "plain": {"type": "array", "items": {"type": "string"}}
                    }}}}}}]
        }
    }))
    .unwrap();
    crds.create(&PostParams::default(), &crd).await.unwrap();
    let gvk = GroupVersionKind::gvk("example.roam.dev", "v1", "Router");
    let ar = ApiResource::from_gvk_with_plural(&gvk, "routers");
    let routers: Api<DynamicObject> = Api::namespaced_with(client.clone(), "default", &ar);
    let router = |spec: serde_json::Value| {
        json!({"apiVersion": "example.roam.dev/v1", "kind": "Router",
               "metadata": {"name": "r"}, "spec": spec})
    };
    routers
        .patch(
            "r",
            &PatchParams::apply("alice"),
            &Patch::Apply(router(json!({
                "routes": [{"host": "a.example", "path": "/", "backend": "one"}],
                "tags": ["x"], "plain": ["p1"]}))),
        )
        .await
        .unwrap();
    let r = routers
        .patch(
            "r",
            &PatchParams::apply("bob"),
            &Patch::Apply(router(json!({
                "routes": [{"host": "a.example", "path": "/api", "backend": "two"}],
                "tags": ["y"]}))),
        )
        .await
        .unwrap();
    assert_eq!(
        r.data["spec"]["routes"],
        json!([{"host": "a.example", "path": "/", "backend": "one"},
               {"host": "a.example", "path": "/api", "backend": "two"}])
    );
    assert_eq!(r.data["spec"]["tags"], json!(["x", "y"]));
    // Atomic lists still conflict as a whole.
    let err = routers
        .patch(
            "r",
            &PatchParams::apply("bob"),
            &Patch::Apply(router(json!({"plain": ["p2"]}))),
        )
        .await
        .unwrap_err();
    let (code, _, message) = api_error(err);
    assert_eq!(code, 409);
    assert!(message.contains(".spec.plain"), "{message}");
    // Bob changing Alice's route element conflicts on its field only.
    let err = routers
        .patch(
            "r",
            &PatchParams::apply("bob"),
            &Patch::Apply(router(json!({"routes": [
                {"host": "a.example", "path": "/api", "backend": "two"},
                {"host": "a.example", "path": "/", "backend": "three"}]}))),
        )
        .await
        .unwrap_err();
    let (code, _, message) = api_error(err);
    assert_eq!(code, 409);
    assert!(message.contains("backend"), "{message}");
    // Alice drops her tag: only hers goes.
    let r = routers
        .patch(
            "r",
            &PatchParams::apply("alice"),
            &Patch::Apply(router(json!({
                "routes": [{"host": "a.example", "path": "/", "backend": "one"}],
                "plain": ["p1"]}))),
        )
        .await
        .unwrap();
    assert_eq!(r.data["spec"]["tags"], json!(["y"]));
    assert_eq!(r.data["spec"]["routes"].as_array().unwrap().len(), 2);
}

/// Applies to `/status` own status fields only (entries with `subresource:
/// status`), conflict with other status managers, and applies to the main
/// resource own no status fields.
#[tokio::test]
async fn server_side_apply_status_ownership() {
    let srv = TestServer::in_memory().await;
    let deps: Api<Deployment> = Api::namespaced(srv.client().await, "default");
    let config = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "st"},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "st"}},
            "template": {"metadata": {"labels": {"app": "st"}},
                         "spec": {"containers": [{"name": "app", "image": "v1"}]}}
        },
        // Ignored on the main resource, as upstream.
        "status": {"replicas": 7}
    });
    let d = deps
        .patch("st", &PatchParams::apply("author"), &Patch::Apply(&config))
        .await
        .unwrap();
    assert!(d.status.as_ref().and_then(|s| s.replicas).is_none());
    let mf = serde_json::to_value(d.metadata.managed_fields.unwrap()).unwrap();
    assert!(mf[0]["fieldsV1"].get("f:status").is_none(), "{mf}");

    let status = |observed: i64, ready: i64| {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "st"},
               "status": {"observedGeneration": observed, "readyReplicas": ready}})
    };
    let d = deps
        .patch_status(
            "st",
            &PatchParams::apply("ctrl"),
            &Patch::Apply(status(1, 1)),
        )
        .await
        .unwrap();
    assert_eq!(d.status.as_ref().unwrap().ready_replicas, Some(1));
    assert_eq!(d.spec.as_ref().unwrap().replicas, Some(1));
    let mf = serde_json::to_value(d.metadata.managed_fields.unwrap()).unwrap();
    let ctrl = mf
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["manager"] == "ctrl")
        .expect("a managedFields entry for the status manager");
    assert_eq!(ctrl["operation"], "Apply");
    assert_eq!(ctrl["subresource"], "status");
    assert!(
        ctrl["fieldsV1"]["f:status"]
            .get("f:readyReplicas")
            .is_some()
    );
    assert!(ctrl["fieldsV1"].get("f:spec").is_none(), "{ctrl}");
    // A status apply cannot change the spec.
    let mut sneaky = status(1, 1);
    sneaky["spec"] = json!({"replicas": 5});
    let d = deps
        .patch_status("st", &PatchParams::apply("ctrl"), &Patch::Apply(sneaky))
        .await
        .unwrap();
    assert_eq!(d.spec.as_ref().unwrap().replicas, Some(1));
    // Another status manager conflicts on the field ctrl owns, unless forced.
    let err = deps
        .patch_status(
            "st",
            &PatchParams::apply("other"),
            &Patch::Apply(status(1, 3)),
        )
        .await
        .unwrap_err();
    let (code, _, message) = api_error(err);
    assert_eq!(code, 409);
    assert!(message.contains(".status.readyReplicas"), "{message}");
    let d = deps
        .patch_status(
            "st",
            &PatchParams::apply("other").force(),
            &Patch::Apply(status(1, 3)),
        )
        .await
        .unwrap();
    assert_eq!(d.status.as_ref().unwrap().ready_replicas, Some(3));
    // The spec's manager re-applies without conflicts and without touching status.
    let d = deps
        .patch("st", &PatchParams::apply("author"), &Patch::Apply(&config))
        .await
        .unwrap();
    assert_eq!(d.status.as_ref().unwrap().ready_replicas, Some(3));
}

/// Watchers with the same selectors share the lines made for an event; watchers
/// with other selectors still see their own event types.
#[tokio::test]
async fn watchers_of_one_class_and_of_another() {
    let srv = TestServer::in_memory().await;
    let api: Api<ConfigMap> = Api::namespaced(srv.client().await, "default");
    let selected = WatchParams::default().labels("app=a").timeout(10);
    let all = WatchParams::default().timeout(10);
    let mut streams = Vec::new();
    for wp in [&selected, &selected, &all] {
        streams.push(api.watch(wp, "0").await.unwrap().boxed());
    }
    api.create(
        &PostParams::default(),
        &cm("w", json!({"app": "a"}), json!({})),
    )
    .await
    .unwrap();
    let p = Patch::Merge(json!({"metadata": {"labels": {"app": "b"}}}));
    api.patch("w", &PatchParams::default(), &p).await.unwrap();
    let mut seen = Vec::new();
    for s in streams.iter_mut() {
        let mut types = Vec::new();
        while types.len() < 2 {
            let ev = tokio::time::timeout(HANG, s.next())
                .await
                .expect("an event")
                .expect("stream open")
                .unwrap();
            match ev {
                WatchEvent::Added(_) => types.push("ADDED"),
                WatchEvent::Modified(_) => types.push("MODIFIED"),
                WatchEvent::Deleted(_) => types.push("DELETED"),
                WatchEvent::Bookmark(_) => {}
                WatchEvent::Error(e) => panic!("{e:?}"),
            }
        }
        seen.push(types);
    }
    assert_eq!(
        seen,
        [
            ["ADDED", "DELETED"],
            ["ADDED", "DELETED"],
            ["ADDED", "MODIFIED"]
        ]
    );
}

/// Two servers in one process (as in these tests) keep their watch lines apart,
/// although their revisions coincide.
#[tokio::test]
async fn watch_lines_stay_with_their_server() {
    let mut seen = Vec::new();
    let servers = [TestServer::in_memory().await, TestServer::in_memory().await];
    for (srv, name) in servers.iter().zip(["on-first", "on-second"]) {
        let api: Api<ConfigMap> = Api::namespaced(srv.client().await, "default");
        let mut s = api
            .watch(&WatchParams::default().timeout(10), "0")
            .await
            .unwrap()
            .boxed();
        let made = api
            .create(&PostParams::default(), &cm(name, json!({}), json!({})))
            .await
            .unwrap();
        loop {
            let ev = tokio::time::timeout(HANG, s.next())
                .await
                .expect("an event")
                .expect("stream open")
                .unwrap();
            if let WatchEvent::Added(o) = ev {
                seen.push((
                    o.metadata.name.unwrap(),
                    o.metadata.resource_version.unwrap(),
                    made.metadata.resource_version.clone().unwrap(),
                ));
                break;
            }
        }
    }
    assert_eq!(seen[0].0, "on-first");
    assert_eq!(seen[1].0, "on-second");
    assert_eq!(seen[0].1, seen[1].1, "the same revision on both servers");
}
