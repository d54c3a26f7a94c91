//! Durability: every write acknowledged over HTTP survives dropping the server and
//! reopening the redb store from the same directory, with the same resourceVersions.

mod common;

use common::TestServer;
use futures_util::StreamExt;
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

/// The server half of `kill_9_loses_no_acknowledged_write`: runs only in the child
/// process that test starts (with `ROAM_KILL9_DB` set), serving until killed.
#[test]
fn kill9_child_server() {
    let Some(db) = std::env::var_os("ROAM_KILL9_DB") else {
        return;
    };
    runtime().block_on(async move {
        let store = Arc::new(Store::open(Path::new(&db)).unwrap());
        let server = roam_apiserver::ApiServer::new(store, Some(common::TOKEN.into())).unwrap();
        let port: u16 = std::env::var("ROAM_KILL9_PORT")
            .ok()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        println!("PORT {}", listener.local_addr().unwrap().port());
        use std::io::Write;
        std::io::stdout().flush().unwrap();
        roam_apiserver::serve(listener, server, std::future::pending())
            .await
            .unwrap();
    });
}

/// `kill -9` during a concurrent write load: every acknowledged write is in the
/// reopened store with its resourceVersion, and the store opens cleanly.
#[test]
fn kill_9_loses_no_acknowledged_write() {
    use std::io::BufRead;
    use std::sync::Mutex;
    if std::env::var_os("ROAM_KILL9_DB").is_some() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.redb");
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "kill9_child_server",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("ROAM_KILL9_DB", &db)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let port: u16 = loop {
        let line = lines.next().expect("child prints its port").unwrap();
        if let Some(p) = line.split("PORT ").nth(1) {
            break p.trim().parse().unwrap();
        }
    };
    let url = format!("http://127.0.0.1:{port}");
    let acked: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let rt = runtime();
    rt.block_on(async {
        let kc = roam_apiserver::kubeconfig(&url, common::TOKEN, None, "kill9");
        let client = common::client_for_kubeconfig(&kc).await;
        let mut writers = Vec::new();
        for w in 0..4 {
            let api: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
            let acked = acked.clone();
            writers.push(tokio::spawn(async move {
                let mut i = 0;
                loop {
                    let cm: ConfigMap =
                        serde_json::from_value(json!({"metadata": {"name": format!("w{w}-{i}")}}))
                            .unwrap();
                    match api.create(&PostParams::default(), &cm).await {
                        Ok(made) => acked.lock().unwrap().push((
                            made.metadata.name.unwrap(),
                            made.metadata.resource_version.unwrap(),
                        )),
                        Err(e) => return e.to_string(),
                    }
                    i += 1;
                }
            }));
        }
        // Kill the server while the writers are still writing.
        while acked.lock().unwrap().len() < 100 && !writers.iter().all(|w| w.is_finished()) {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        child.kill().unwrap();
        child.wait().unwrap();
        for w in writers {
            eprintln!("writer stopped: {}", w.await.unwrap());
        }
    });
    drop(rt);
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 100,
        "only {} writes acknowledged",
        acked.len()
    );
    let store = Store::open(&db).expect("the store reopens cleanly after kill -9");
    let max_rv = acked
        .iter()
        .map(|(_, rv)| rv.parse::<u64>().unwrap())
        .max()
        .unwrap();
    assert!(store.revision() >= max_rv);
    for (name, rv) in &acked {
        let obj = store
            .get(&format!("/core/configmaps/default/{name}"))
            .unwrap_or_else(|| panic!("acknowledged {name} lost"));
        assert_eq!(
            obj["metadata"]["resourceVersion"].as_str(),
            Some(rv.as_str())
        );
    }
}

/// Starts the test binary's `kill9_child_server` over `db` on `port` (0: any).
fn child_server(db: &Path, port: u16) -> (std::process::Child, u16) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "kill9_child_server",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("ROAM_KILL9_DB", db)
        .env("ROAM_KILL9_PORT", port.to_string())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let port: u16 = loop {
        let line = lines.next().expect("child prints its port").unwrap();
        if let Some(p) = line.split("PORT ").nth(1) {
            break p.trim().parse().unwrap();
        }
    };
    (child, port)
}

/// A kube-runtime reflector keeps following the server when it is killed and
/// started again on the same store: the watch resumes or relists (the new server
/// answers an old resourceVersion with 410 Gone), and the cache converges.
#[test]
fn reflector_follows_the_server_through_a_restart() {
    use kube::runtime::{WatchStreamExt, reflector, watcher};
    use std::collections::BTreeSet;
    if std::env::var_os("ROAM_KILL9_DB").is_some() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.redb");
    let (mut first, port) = child_server(&db, 0);
    let rt = runtime();
    rt.block_on(async {
        let url = format!("http://127.0.0.1:{port}");
        let kc = roam_apiserver::kubeconfig(&url, common::TOKEN, None, "restart");
        let client = common::client_for_kubeconfig(&kc).await;
        let api: Api<ConfigMap> = Api::namespaced(client, "default");
        let (reader, writer) = reflector::store();
        let follow = reflector(writer, watcher(api.clone(), watcher::Config::default()))
            .default_backoff()
            .for_each(|_| futures_util::future::ready(()));
        let follow = tokio::spawn(follow);
        let names = move || -> BTreeSet<String> {
            reader
                .state()
                .iter()
                .filter_map(|c| c.metadata.name.clone())
                .collect()
        };
        let wait_for = |want: &'static [&'static str]| {
            let names = names.clone();
            async move {
                let want: BTreeSet<String> = want.iter().map(|s| s.to_string()).collect();
                tokio::time::timeout(std::time::Duration::from_secs(60), async {
                    while names() != want {
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    }
                })
                .await
                .unwrap_or_else(|_| panic!("the cache never became {want:?}: {:?}", names()));
            }
        };
        let cm = |name: &str| -> ConfigMap {
            serde_json::from_value(json!({"metadata": {"name": name}})).unwrap()
        };
        for name in ["a", "b"] {
            api.create(&PostParams::default(), &cm(name)).await.unwrap();
        }
        wait_for(&["a", "b"]).await;

        first.kill().unwrap();
        first.wait().unwrap();
        let (mut second, again) = tokio::task::spawn_blocking(move || child_server(&db, port))
            .await
            .unwrap();
        assert_eq!(again, port);
        // Changes made after the restart reach the cache.
        loop {
            match api.create(&PostParams::default(), &cm("c")).await {
                Ok(_) => break,
                Err(kube::Error::Api(e)) if e.code == 409 => break,
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
            }
        }
        api.delete("a", &DeleteParams::default()).await.unwrap();
        wait_for(&["b", "c"]).await;
        follow.abort();
        second.kill().unwrap();
        second.wait().unwrap();
    });
}

/// A watch from a resourceVersion written before a restart replays the later
/// changes from the durable log (not 410 Gone): the right event types, the
/// deleted object's last state and selector membership changes.
#[test]
fn watch_resumes_from_the_log_after_restart() {
    use kube::api::{WatchEvent, WatchParams};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.redb");
    let cm = |name: &str, team: &str| -> ConfigMap {
        serde_json::from_value(json!({
            "metadata": {"name": name, "labels": {"team": team}},
            "data": {"v": "1"},
        }))
        .unwrap()
    };
    let (from, last) = {
        let rt = runtime();
        let out = rt.block_on(async {
            let srv = TestServer::start(Arc::new(Store::open(&db).unwrap())).await;
            let api: Api<ConfigMap> = Api::namespaced(srv.client().await, "default");
            let a = api
                .create(&PostParams::default(), &cm("a", "x"))
                .await
                .unwrap();
            let from = a.metadata.resource_version.unwrap();
            let p = Patch::Merge(json!({"data": {"v": "2"}}));
            api.patch("a", &PatchParams::default(), &p).await.unwrap();
            api.create(&PostParams::default(), &cm("b", "x"))
                .await
                .unwrap();
            api.create(&PostParams::default(), &cm("other", "y"))
                .await
                .unwrap();
            api.delete("a", &DeleteParams::default()).await.unwrap();
            // b leaves the selector.
            let p = Patch::Merge(json!({"metadata": {"labels": {"team": "z"}}}));
            api.patch("b", &PatchParams::default(), &p).await.unwrap();
            let last = srv.server.store.revision();
            srv.stop();
            (from, last)
        });
        drop(rt);
        out
    };
    let rt = runtime();
    rt.block_on(async {
        let srv = TestServer::start(Arc::new(Store::open(&db).unwrap())).await;
        let api: Api<ConfigMap> = Api::namespaced(srv.client().await, "default");
        let wp = WatchParams::default().labels("team=x").timeout(5);
        let mut stream = api.watch(&wp, &from).await.unwrap().boxed();
        let mut seen = Vec::new();
        let guard = tokio::time::sleep(std::time::Duration::from_secs(30));
        tokio::pin!(guard);
        while seen.len() < 4 {
            let ev = tokio::select! {
                ev = stream.next() => ev,
                _ = &mut guard => panic!("no replay after {seen:?}"),
            };
            let Some(ev) = ev else { break };
            match ev.unwrap() {
                WatchEvent::Added(o) => seen.push(("ADDED", o)),
                WatchEvent::Modified(o) => seen.push(("MODIFIED", o)),
                WatchEvent::Deleted(o) => seen.push(("DELETED", o)),
                WatchEvent::Bookmark(_) => {}
                WatchEvent::Error(e) => panic!("watch error after restart: {e:?}"),
            }
        }
        let got: Vec<(&str, String, Option<String>)> = seen
            .iter()
            .map(|(t, o)| {
                (
                    *t,
                    o.metadata.name.clone().unwrap(),
                    o.data.as_ref().and_then(|d| d.get("v").cloned()),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("MODIFIED", "a".to_string(), Some("2".to_string())),
                ("ADDED", "b".to_string(), Some("1".to_string())),
                ("DELETED", "a".to_string(), Some("2".to_string())),
                ("DELETED", "b".to_string(), Some("1".to_string())),
            ]
        );
        // Revisions are those of the log, the last one the last write.
        let revs: Vec<u64> = seen
            .iter()
            .map(|(_, o)| {
                o.metadata
                    .resource_version
                    .as_ref()
                    .unwrap()
                    .parse()
                    .unwrap()
            })
            .collect();
        assert!(revs.windows(2).all(|w| w[0] < w[1]), "{revs:?}");
        assert_eq!(*revs.last().unwrap(), last);
        // Live changes follow the replay.
        api.create(&PostParams::default(), &cm("c", "x"))
            .await
            .unwrap();
        loop {
            let ev = tokio::select! {
                ev = stream.next() => ev,
                _ = &mut guard => panic!("no live event after the replay"),
            };
            match ev.expect("stream open").unwrap() {
                WatchEvent::Added(o) => {
                    assert_eq!(o.metadata.name.as_deref(), Some("c"));
                    break;
                }
                WatchEvent::Bookmark(_) => {}
                other => panic!("unexpected {other:?}"),
            }
        }
        srv.stop();
    });
}
