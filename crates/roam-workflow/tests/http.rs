//! `http_do` (vela/http `#HTTPDo`) against a small local server: what is
//! sent, what comes back, and the errors of requests that get no answer.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use roam_workflow::http::http_do;
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// Answers by path:
/// - `/echo…`: 200, JSON of the request (method, path, headers, body, trailers);
/// - `/status/<n>`: status n, body "status n", header `X-Answer: n`;
/// - `/slow`: after 5 s;
/// - `/to-echo` (302) and `/keep` (307): redirects to `/echo`.
async fn handle(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let method = req.method().to_string();
    let mut headers = serde_json::Map::new();
    for (k, v) in req.headers() {
        headers.insert(k.to_string(), json!(v.to_str().unwrap_or("")));
    }
    let collected = req.into_body().collect().await.unwrap();
    let mut trailers = serde_json::Map::new();
    if let Some(t) = collected.trailers() {
        for (k, v) in t {
            trailers.insert(k.to_string(), json!(v.to_str().unwrap_or("")));
        }
    }
    let body = String::from_utf8_lossy(&collected.to_bytes()).into_owned();
    let reply = |status: u16, body: String| {
        Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .header("x-multi", "a")
            .header("x-multi", "b")
            .body(Full::new(Bytes::from(body)))
            .unwrap()
    };
    Ok(if path.starts_with("/echo") {
        reply(
            200,
            json!({"method": method, "path": path, "query": query, "headers": headers,
                "body": body, "trailers": trailers})
            .to_string(),
        )
    } else if let Some(code) = path.strip_prefix("/status/") {
        let mut r = reply(code.parse().unwrap(), format!("status {code}"));
        r.headers_mut().insert("x-answer", code.parse().unwrap());
        r
    } else if path == "/slow" {
        tokio::time::sleep(Duration::from_secs(5)).await;
        reply(200, "late".into())
    } else if path == "/to-echo" {
        let mut r = reply(302, String::new());
        r.headers_mut()
            .insert("location", "/echo/after-302".parse().unwrap());
        r
    } else if path == "/keep" {
        let mut r = reply(307, String::new());
        r.headers_mut()
            .insert("location", "echo/after-307".parse().unwrap());
        r
    } else {
        reply(404, "no such path".into())
    })
}

/// Serves [`handle`] on a free loopback port; returns `http://127.0.0.1:<port>`.
async fn serve() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), hyper::service::service_fn(handle))
                    .await;
            });
        }
    });
    format!("http://{addr}")
}

fn response(v: &Value) -> &Value {
    &v["response"]
}

fn echoed(v: &Value) -> Value {
    serde_json::from_str(response(v)["body"].as_str().unwrap()).unwrap()
}

#[tokio::test]
async fn get_sends_headers_and_returns_the_response() {
    let base = serve().await;
    let out = http_do(&json!({
        "method": "GET",
        "url": format!("{base}/echo/items?page=2"),
        "request": {"header": {"Authorization": "Bearer t", "Accept": ["application/json", "text/plain"]}}
    }))
    .await
    .unwrap();
    let r = response(&out);
    assert_eq!(r["statusCode"], 200);
    assert_eq!(r["header"]["Content-Type"], json!(["application/json"]));
    assert_eq!(r["header"]["X-Multi"], json!(["a", "b"]));
    assert!(r.get("trailer").is_none());
    let seen = echoed(&out);
    assert_eq!(seen["method"], "GET");
    assert_eq!(seen["path"], "/echo/items");
    assert_eq!(seen["query"], "page=2");
    assert_eq!(seen["headers"]["authorization"], "Bearer t");
    assert_eq!(seen["body"], "");
    assert!(seen["headers"].get("content-type").is_none());

    // The method defaults to GET.
    let out = http_do(&json!({"url": format!("{base}/echo")}))
        .await
        .unwrap();
    assert_eq!(echoed(&out)["method"], "GET");
}

#[tokio::test]
async fn post_sends_a_struct_body_as_json_and_a_string_body_as_is() {
    let base = serve().await;
    let out = http_do(&json!({
        "method": "POST",
        "url": format!("{base}/echo"),
        "request": {"body": {"name": "shop", "replicas": 2}}
    }))
    .await
    .unwrap();
    let seen = echoed(&out);
    assert_eq!(seen["method"], "POST");
    assert_eq!(seen["headers"]["content-type"], "application/json");
    assert_eq!(
        serde_json::from_str::<Value>(seen["body"].as_str().unwrap()).unwrap(),
        json!({"name": "shop", "replicas": 2})
    );

    let out = http_do(&json!({
        "method": "PUT",
        "url": format!("{base}/echo"),
        "request": {"body": "a=1&b=2", "header": {"Content-Type": "application/x-www-form-urlencoded"}}
    }))
    .await
    .unwrap();
    let seen = echoed(&out);
    assert_eq!(seen["method"], "PUT");
    assert_eq!(seen["body"], "a=1&b=2");
    assert_eq!(
        seen["headers"]["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(seen["headers"]["content-length"], "7");

    // A struct body keeps a content type given.
    let out = http_do(&json!({
        "method": "POST",
        "url": format!("{base}/echo"),
        "request": {"body": {"a": 1}, "header": {"content-type": "application/merge-patch+json"}}
    }))
    .await
    .unwrap();
    assert_eq!(
        echoed(&out)["headers"]["content-type"],
        "application/merge-patch+json"
    );
}

#[tokio::test]
async fn trailers_are_sent_after_a_chunked_body() {
    let base = serve().await;
    let out = http_do(&json!({
        "method": "POST",
        "url": format!("{base}/echo"),
        "request": {"body": "data", "trailer": {"X-Checksum": "abc"}}
    }))
    .await
    .unwrap();
    let seen = echoed(&out);
    assert_eq!(seen["body"], "data");
    assert_eq!(seen["headers"]["transfer-encoding"], "chunked");
    assert_eq!(seen["headers"]["trailer"], "x-checksum");
    assert_eq!(seen["trailers"]["x-checksum"], "abc");
}

#[tokio::test]
async fn an_error_status_is_a_response_not_an_error() {
    let base = serve().await;
    for code in [404u16, 500, 503] {
        let out = http_do(&json!({"method": "DELETE", "url": format!("{base}/status/{code}")}))
            .await
            .unwrap();
        let r = response(&out);
        assert_eq!(r["statusCode"], code);
        assert_eq!(r["body"], format!("status {code}"));
        assert_eq!(r["header"]["X-Answer"], json!([code.to_string()]));
    }
}

#[tokio::test]
async fn redirects_are_followed() {
    let base = serve().await;
    // 302: the request continues as a GET without its body.
    let out = http_do(&json!({"method": "POST", "url": format!("{base}/to-echo"),
        "request": {"body": {"a": 1}}}))
    .await
    .unwrap();
    let seen = echoed(&out);
    assert_eq!(seen["path"], "/echo/after-302");
    assert_eq!(seen["method"], "GET");
    assert_eq!(seen["body"], "");
    // 307: repeated as it was (relative location).
    let out = http_do(&json!({"method": "POST", "url": format!("{base}/keep"),
        "request": {"body": "x"}}))
    .await
    .unwrap();
    let seen = echoed(&out);
    assert_eq!(seen["path"], "/echo/after-307");
    assert_eq!(seen["method"], "POST");
    assert_eq!(seen["body"], "x");
}

#[tokio::test]
async fn a_timeout_is_an_error_naming_the_url() {
    let base = serve().await;
    let url = format!("{base}/slow");
    let started = std::time::Instant::now();
    let err = http_do(&json!({"method": "GET", "url": url, "request": {"timeout": "200ms"}}))
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(err, format!("GET {url}: no complete response within 200ms"));
}

#[tokio::test]
async fn connection_refused_is_an_error_naming_the_url() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/x", listener.local_addr().unwrap());
    drop(listener);
    let err = http_do(&json!({"method": "POST", "url": url}))
        .await
        .unwrap_err();
    assert!(err.starts_with(&format!("POST {url}: ")), "{err}");
    assert!(err.to_lowercase().contains("refused"), "{err}");
}

#[tokio::test]
async fn bad_requests_are_errors_naming_the_url() {
    let err = http_do(&json!({"method": "GET", "url": "not a url"}))
        .await
        .unwrap_err();
    assert!(err.starts_with("GET not a url: "), "{err}");
    let err = http_do(
        &json!({"method": "GET", "url": "https://127.0.0.1:1/", "tls_config": {"ca": "no pem here"}}),
    )
    .await
    .unwrap_err();
    assert_eq!(
        err,
        "GET https://127.0.0.1:1/: tls_config.ca: no PEM certificate in it"
    );
}

/// A CA, a server certificate for 127.0.0.1 and a client certificate.
struct Pki {
    ca: String,
    server: (String, String),
    client: (String, String),
}

fn pki() -> Pki {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    };
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, "test CA");
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);
    let leaf = |names: Vec<String>, usage| {
        let mut p = CertificateParams::new(names).unwrap();
        p.extended_key_usages = vec![usage];
        let key = KeyPair::generate().unwrap();
        let cert = p.signed_by(&key, &issuer).unwrap();
        (cert.pem(), key.serialize_pem())
    };
    Pki {
        ca: ca_cert.pem(),
        server: leaf(
            vec!["127.0.0.1".into()],
            ExtendedKeyUsagePurpose::ServerAuth,
        ),
        client: leaf(
            vec!["client.test".into()],
            ExtendedKeyUsagePurpose::ClientAuth,
        ),
    }
}

/// Serves [`handle`] over TLS, requiring a client certificate from the CA.
async fn serve_tls(pki: &Pki) -> String {
    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(pki.ca.as_bytes()).unwrap())
        .unwrap();
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![CertificateDer::from_pem_slice(pki.server.0.as_bytes()).unwrap()],
            PrivateKeyDer::from_pem_slice(pki.server.1.as_bytes()).unwrap(),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(stream).await else {
                    return;
                };
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), hyper::service::service_fn(handle))
                    .await;
            });
        }
    });
    format!("https://{addr}")
}

#[tokio::test]
async fn tls_with_a_ca_and_a_client_certificate() {
    let pki = pki();
    let base = serve_tls(&pki).await;
    let out = http_do(&json!({
        "method": "GET",
        "url": format!("{base}/echo"),
        "tls_config": {"ca": pki.ca, "client_crt": pki.client.0, "client_key": pki.client.1}
    }))
    .await
    .unwrap();
    assert_eq!(response(&out)["statusCode"], 200);
    assert_eq!(echoed(&out)["path"], "/echo");

    // PEM may come base64-encoded, as in Secrets.
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let out = http_do(&json!({
        "url": format!("{base}/echo"),
        "tls_config": {"ca": b64(&pki.ca), "client_crt": b64(&pki.client.0), "client_key": b64(&pki.client.1)}
    }))
    .await
    .unwrap();
    assert_eq!(response(&out)["statusCode"], 200);

    // The server's CA is not among the platform's roots.
    let url = format!("{base}/echo");
    let err = http_do(&json!({"method": "GET", "url": url}))
        .await
        .unwrap_err();
    assert!(err.starts_with(&format!("GET {url}: ")), "{err}");
    assert!(
        err.contains("certificate") || err.contains("no trusted root"),
        "{err}"
    );

    // Without the client certificate the server refuses the handshake.
    let err = http_do(&json!({"url": url, "tls_config": {"ca": pki.ca}}))
        .await
        .unwrap_err();
    assert!(err.starts_with(&format!("GET {url}: ")), "{err}");
}
