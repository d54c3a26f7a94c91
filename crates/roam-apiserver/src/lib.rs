//! roam's embedded Kubernetes-API-compatible server (`roam local`).
//!
//! Objects are unstructured JSON (`serde_json::Value`) described by a resource
//! [`registry`]; the [`store`] is the single source of truth with one global
//! monotonic revision (= `resourceVersion`), durable on redb or in memory; [`http`]
//! is the only module that knows the Kubernetes HTTP wire format.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use roam_apiserver::{ApiServer, Store};
//! use std::sync::Arc;
//! let store = Arc::new(Store::in_memory());
//! let server = ApiServer::new(store, Some("secret-token".into()))?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! roam_apiserver::serve(listener, server, std::future::pending()).await?;
//! # Ok(()) }
//! ```

// `ApiError` carries the message and Status details by value; it is returned on
// the cold path only, so boxing it would buy nothing but noise.
#![allow(clippy::result_large_err)]

pub mod discovery;
pub mod error;
pub mod events;
pub mod http;
pub mod object;
pub mod openapi;
pub mod patch;
pub mod protobuf;
pub mod registry;
pub mod schema;
pub mod selector;
pub mod server;
pub mod simulator;
pub mod ssa;
pub mod store;
pub mod table;
pub mod tls;

pub use error::ApiError;
pub use server::ApiServer;
pub use store::{Store, StoreError};
pub use tls::{TlsMaterial, serve_tls};

use std::future::Future;
use std::sync::Arc;

/// Serves the API on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    server: Arc<ApiServer>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    // No Nagle delay: watch events are small writes that must leave at once.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, http::router(server))
        .with_graceful_shutdown(shutdown)
        .await
}

/// A kube-rs client that talks to `server` in-process (no socket, no TLS), with
/// the server's bearer token. Used by the simulator inside `roam local` and by tests.
pub fn in_process_client(server: Arc<ApiServer>) -> kube::Client {
    let auth = server
        .token
        .as_ref()
        .and_then(|t| axum::http::HeaderValue::from_str(&format!("Bearer {t}")).ok());
    kube::Client::new(
        InProcess {
            router: http::router(server),
            auth,
        },
        "default",
    )
}

#[derive(Clone)]
struct InProcess {
    router: axum::Router,
    auth: Option<axum::http::HeaderValue>,
}

impl tower_service::Service<axum::http::Request<kube::client::Body>> for InProcess {
    type Response = axum::response::Response;
    type Error = std::convert::Infallible;
    type Future = std::pin::Pin<
        Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send + 'static>,
    >;

    fn poll_ready(
        &mut self,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut req: axum::http::Request<kube::client::Body>) -> Self::Future {
        if let Some(auth) = &self.auth {
            req.headers_mut()
                .insert(axum::http::header::AUTHORIZATION, auth.clone());
        }
        let mut router = self.router.clone();
        Box::pin(async move { router.call(req).await })
    }
}

/// A new random bearer token (244 random bits from two UUIDv4s, hex).
pub fn generate_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// A kubeconfig (YAML) for a server at `server_url` with a bearer `token`, trusting
/// `ca_pem` when given (HTTPS); the cluster, user and context are all named `name`,
/// and the context is current. kubectl sends the token only over HTTPS.
pub fn kubeconfig(server_url: &str, token: &str, ca_pem: Option<&str>, name: &str) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let ca = ca_pem
        .map(|pem| {
            format!(
                "    certificate-authority-data: {}\n",
                tls::base64(pem.as_bytes())
            )
        })
        .unwrap_or_default();
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: {n}\n  cluster:\n    server: {url}\n{ca}\
         users:\n- name: {n}\n  user:\n    token: {tok}\ncontexts:\n- name: {n}\n  context:\n    \
         cluster: {n}\n    user: {n}\n    namespace: default\ncurrent-context: {n}\n",
        n = q(name),
        url = q(server_url),
        tok = q(token),
    )
}
