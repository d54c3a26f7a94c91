//! An in-process server on 127.0.0.1 with an ephemeral port, for the tests.
#![allow(dead_code)]

use roam_apiserver::{ApiServer, Store};
use std::net::SocketAddr;
use std::sync::Arc;

pub const TOKEN: &str = "test-token-0123456789";

pub struct TestServer {
    pub addr: SocketAddr,
    pub tls: Option<roam_apiserver::TlsMaterial>,
    pub server: Arc<ApiServer>,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// Starts a server over `store` on the current tokio runtime.
    pub async fn start(store: Arc<Store>) -> TestServer {
        let server = ApiServer::new(store, Some(TOKEN.into())).expect("server starts");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let s = server.clone();
        let task = tokio::spawn(async move {
            roam_apiserver::serve(listener, s, std::future::pending())
                .await
                .expect("serve");
        });
        TestServer {
            addr,
            tls: None,
            server,
            task,
        }
    }

    /// Starts an HTTPS server (what kubectl needs to send the token) over `store`.
    pub async fn start_tls(store: Arc<Store>) -> TestServer {
        let server = ApiServer::new(store, Some(TOKEN.into())).expect("server starts");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let tls = roam_apiserver::TlsMaterial::generate(&["127.0.0.1".into(), "localhost".into()])
            .expect("certificates");
        let (s, t) = (server.clone(), tls.clone());
        let task = tokio::spawn(async move {
            roam_apiserver::serve_tls(listener, s, &t, std::future::pending())
                .await
                .expect("serve");
        });
        TestServer {
            addr,
            tls: Some(tls),
            server,
            task,
        }
    }

    pub async fn in_memory() -> TestServer {
        Self::start(Arc::new(Store::in_memory())).await
    }

    pub fn url(&self) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    pub fn kubeconfig(&self) -> String {
        let ca = self.tls.as_ref().map(|t| t.ca_pem.as_str());
        roam_apiserver::kubeconfig(&self.url(), TOKEN, ca, "roam-test")
    }

    pub async fn client(&self) -> kube::Client {
        let kc =
            kube::config::Kubeconfig::from_yaml(&self.kubeconfig()).expect("kubeconfig parses");
        let config = kube::Config::from_custom_kubeconfig(kc, &Default::default())
            .await
            .expect("kubeconfig loads");
        kube::Client::try_from(config).expect("client")
    }

    /// Stops serving (open connections are dropped with the runtime).
    pub fn stop(self) {
        self.task.abort();
    }
}

/// A kube client from kubeconfig text.
pub async fn client_for_kubeconfig(kubeconfig: &str) -> kube::Client {
    let kc = kube::config::Kubeconfig::from_yaml(kubeconfig).expect("kubeconfig parses");
    let config = kube::Config::from_custom_kubeconfig(kc, &Default::default())
        .await
        .expect("kubeconfig loads");
    kube::Client::try_from(config).expect("client")
}

/// Which server a parameterised test runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// roam's own server, in process, over HTTPS with a token.
    Roam,
    /// The real kube-apiserver + etcd (`roam-testenv`); no controllers.
    Kube,
}

enum Backing {
    Roam(TestServer),
    Kube(&'static roam_testenv::KubeApiserver),
    KubeOwned(roam_testenv::KubeApiserver),
}

/// One test's view of a server: its own fresh namespace on either roam
/// (a server per test) or kube-apiserver (one per test binary, shared). The
/// kubeconfig's context defaults to that namespace, so kubectl commands
/// without `-n` land in it.
pub struct Env {
    pub flavor: Flavor,
    pub ns: String,
    backing: Backing,
}

fn ns_name(test: &str) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let mut s: String = test
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    s.truncate(50);
    format!(
        "{}-{}",
        s.trim_end_matches('-'),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

impl Env {
    /// A fresh in-memory roam server (HTTPS) and a fresh namespace on it.
    pub async fn roam(test: &str) -> Env {
        let srv = TestServer::start_tls(Arc::new(roam_apiserver::Store::in_memory())).await;
        Env::with_namespace(Flavor::Roam, test, Backing::Roam(srv)).await
    }

    /// The test binary's shared kube-apiserver and a fresh namespace on it, or
    /// `None` (after a notice) when the binaries are missing outside CI.
    pub async fn kube(test: &str) -> Option<Env> {
        let what = format!("test {test}");
        let api = tokio::task::spawn_blocking(move || roam_testenv::shared(&what))
            .await
            .expect("join")?;
        Some(Env::with_namespace(Flavor::Kube, test, Backing::Kube(api)).await)
    }

    /// A kube-apiserver of this test's own (for tests whose cluster-wide
    /// clients, such as the simulator, would disturb other tests).
    pub async fn kube_own(test: &str) -> Option<Env> {
        let bins = roam_testenv::Binaries::or_skip(&format!("test {test}"))?;
        let api = tokio::task::spawn_blocking(move || roam_testenv::KubeApiserver::start(&bins))
            .await
            .expect("join")
            .unwrap_or_else(|e| panic!("kube-apiserver did not start: {e}"));
        Some(Env::with_namespace(Flavor::Kube, test, Backing::KubeOwned(api)).await)
    }

    async fn with_namespace(flavor: Flavor, test: &str, backing: Backing) -> Env {
        let env = Env {
            flavor,
            ns: ns_name(test),
            backing,
        };
        let api: kube::Api<k8s_openapi::api::core::v1::Namespace> =
            kube::Api::all(env.client().await);
        let ns = serde_json::from_value(serde_json::json!({"metadata": {"name": env.ns}}))
            .expect("namespace");
        api.create(&Default::default(), &ns)
            .await
            .expect("test namespace is created");
        env
    }

    pub fn is_kube(&self) -> bool {
        self.flavor == Flavor::Kube
    }

    /// The roam server, for tests that reach into it (roam-only checks).
    pub fn roam_server(&self) -> Option<&TestServer> {
        match &self.backing {
            Backing::Roam(s) => Some(s),
            _ => None,
        }
    }

    pub fn kubeconfig(&self) -> String {
        match &self.backing {
            Backing::Roam(s) => s
                .kubeconfig()
                .replace("namespace: default", &format!("namespace: {}", self.ns)),
            Backing::Kube(k) => k.kubeconfig(&self.ns),
            Backing::KubeOwned(k) => k.kubeconfig(&self.ns),
        }
    }

    /// A kube client whose default namespace is the test's.
    pub async fn client(&self) -> kube::Client {
        client_for_kubeconfig(&self.kubeconfig()).await
    }

    /// The address clients connect to (HTTPS on both).
    pub fn addr(&self) -> SocketAddr {
        match &self.backing {
            Backing::Roam(s) => s.addr,
            Backing::Kube(k) => k.addr,
            Backing::KubeOwned(k) => k.addr,
        }
    }
}

/// Generates `mod NAME { roam, kube }`: the async fn `NAME(&Env)` run against
/// roam and against kube-apiserver (shared per test binary; `own` for an
/// apiserver of the test's own).
#[allow(unused_macros)]
macro_rules! both {
    ($name:ident) => {
        both!($name, kube);
    };
    ($name:ident, $kube:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn roam() {
                let env = $crate::common::Env::roam(stringify!($name)).await;
                super::$name(&env).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn kube() {
                let Some(env) = $crate::common::Env::$kube(stringify!($name)).await else {
                    return;
                };
                super::$name(&env).await;
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use both;
