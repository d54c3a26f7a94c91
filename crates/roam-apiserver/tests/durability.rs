//! Durability: every write acknowledged over HTTP survives dropping the server and
//! reopening the redb store from the same directory, with the same resourceVersions.

mod common;

use common::TestServer;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use roam_apiserver::Store;
use serde_json::json;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

const N: usize = 40;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Writes through the server; returns name → acknowledged resourceVersion of the
/// objects that should exist, and the names that were deleted.
fn write_phase(db: &Path) -> (BTreeMap<String, String>, Vec<String>, u64) {
    let rt = runtime();
    let result = rt.block_on(async {
        let srv = TestServer::start(Arc::new(Store::open(db).unwrap())).await;
        let api: Api<ConfigMap> = Api::namespaced(srv.client().await, "default");
        let mut acked = BTreeMap::new();
        for i in 0..N {
            let cm: ConfigMap = serde_json::from_value(json!({
                "metadata": {"name": format!("cm-{i}"), "labels": {"i": i.to_string()}},
                "data": {"i": i.to_string()},
            }))
            .unwrap();
            let made = api.create(&PostParams::default(), &cm).await.unwrap();
            acked.insert(
                made.metadata.name.unwrap(),
                made.metadata.resource_version.unwrap(),
            );
        }
        // Updates and deletes are acknowledged writes too.
        for i in (0..N).step_by(3) {
            let name = format!("cm-{i}");
            let p = Patch::Merge(json!({"data": {"updated": "yes"}}));
            let upd = api.patch(&name, &PatchParams::default(), &p).await.unwrap();
            acked.insert(name, upd.metadata.resource_version.unwrap());
        }
        let mut deleted = Vec::new();
        for i in (1..N).step_by(5) {
            let name = format!("cm-{i}");
            api.delete(&name, &DeleteParams::default()).await.unwrap();
            acked.remove(&name);
            deleted.push(name);
        }
        let rev = srv.server.store.revision();
        srv.stop();
        (acked, deleted, rev)
    });
    // Dropping the runtime drops the server task and with it the last handle on the store.
    drop(rt);
    result
}

#[test]
fn acknowledged_writes_survive_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.redb");
    let (acked, deleted, rev) = write_phase(&db);

    // Reopen the store directly.
    let store = Arc::new(Store::open(&db).unwrap());
    assert_eq!(
        store.revision(),
        rev,
        "the revision counter resumes where it stopped"
    );

    // And serve it again: every acknowledged object is there with the same resourceVersion.
    let rt = runtime();
    rt.block_on(async {
        let srv = TestServer::start(store.clone()).await;
        let api: Api<ConfigMap> = Api::namespaced(srv.client().await, "default");
        for (name, rv) in &acked {
            let got = api.get(name).await.unwrap();
            assert_eq!(got.metadata.resource_version.as_ref(), Some(rv), "{name}");
        }
        for name in &deleted {
            assert!(
                api.get_opt(name).await.unwrap().is_none(),
                "{name} was deleted"
            );
        }
        let listed = api.list(&ListParams::default()).await.unwrap();
        assert_eq!(listed.items.len(), acked.len());
        // New writes continue the global order.
        let cm: ConfigMap = serde_json::from_value(json!({"metadata": {"name": "after"}})).unwrap();
        let made = api.create(&PostParams::default(), &cm).await.unwrap();
        let new_rv: u64 = made.metadata.resource_version.unwrap().parse().unwrap();
        assert_eq!(new_rv, rev + 1);
        // The system namespaces were not created twice.
        let ns: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(srv.client().await);
        assert_eq!(
            ns.list(&ListParams::default()).await.unwrap().items.len(),
            4
        );
        srv.stop();
    });
}

#[test]
fn in_memory_store_starts_empty() {
    let store = Store::in_memory();
    assert_eq!(store.revision(), 0);
    assert!(store.list("/").0.is_empty());
}
