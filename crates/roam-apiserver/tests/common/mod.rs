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
