//! `vela/http` `#HTTPDo`: one HTTP request from a workflow step, for the
//! provider to call with the action's `$params`.
//!
//! Parameters: `method` (default `GET`), `url`, `request` (`timeout`, a Go
//! duration, default 30 s for the whole exchange; `body`, a string sent as
//! it is or any other JSON value sent as JSON with `Content-Type:
//! application/json` unless a content type is given; `header` and
//! `trailer`, each name to a string or a list of strings), and
//! `tls_config` (`ca`, `client_crt`, `client_key`: PEM text, or base64 of
//! it). Without `ca` the platform's roots are trusted.
//!
//! The result is `{"response": {"body", "statusCode", "header",
//! "trailer"?}}`, header names in Go's canonical form (`Content-Type`) as
//! KubeVela's templates read them. Any status is a result, not an error;
//! errors are for requests that got no answer (bad URL, refused, timed
//! out, TLS, a body over 32 MiB) and name the method and URL. Redirects
//! are followed (up to 10) as Go's client does: 301, 302 and 303 continue
//! with `GET` and no body, 307 and 308 repeat the request; credentials are
//! not sent to another host.

use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use base64::Engine as _;
use http_body_util::BodyExt as _;
use hyper::body::{Bytes, Frame, SizeHint};
use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use hyper::{Method, Request, StatusCode, Uri};
use hyper_rustls::{ConfigBuilderExt as _, HttpsConnector};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rustls::ClientConfig;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::{Map, Value, json};

/// The timeout when `request.timeout` is not given.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The largest response body read (it becomes a CUE value of the step).
const MAX_BODY: usize = 32 << 20;

/// Redirects followed before giving up.
const MAX_REDIRECTS: usize = 10;

/// Sends the request `params` (`#HTTPDo`'s `$params`) describes and returns
/// `#HTTPDo`'s `$returns`.
pub async fn http_do(params: &Value) -> Result<Value, String> {
    let method = params
        .get("method")
        .and_then(Value::as_str)
        .filter(|m| !m.is_empty())
        .unwrap_or("GET");
    let url = params.get("url").and_then(Value::as_str).unwrap_or("");
    let what = format!("{method} {url}");
    let req = Prepared::of(method, url, params).map_err(|e| format!("{what}: {e}"))?;
    let timeout = req.timeout;
    match tokio::time::timeout(timeout, req.send()).await {
        Ok(r) => r.map_err(|e| format!("{what}: {e}")),
        Err(_) => Err(format!(
            "{what}: no complete response within {}",
            show_duration(timeout)
        )),
    }
}

/// A request checked and ready to send (and to repeat on redirects).
struct Prepared {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
    trailers: Option<HeaderMap>,
    timeout: Duration,
    tls: Option<Value>,
}

impl Prepared {
    fn of(method: &str, url: &str, params: &Value) -> Result<Prepared, String> {
        let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes())
            .map_err(|_| format!("{method:?} is not an HTTP method"))?;
        let uri = parse_url(url)?;
        let request = params.get("request").unwrap_or(&Value::Null);
        let timeout = match request.get("timeout").and_then(Value::as_str) {
            Some(t) if !t.trim().is_empty() => {
                let d = crate::duration::parse(t).map_err(|e| format!("request.timeout: {e}"))?;
                if d.is_zero() { DEFAULT_TIMEOUT } else { d }
            }
            _ => DEFAULT_TIMEOUT,
        };
        let mut headers = header_map(request.get("header"), "request.header")?;
        let trailers = header_map(request.get("trailer"), "request.trailer")?;
        let body = match request.get("body") {
            None | Some(Value::Null) => Bytes::new(),
            Some(Value::String(s)) => Bytes::from(s.clone()),
            Some(v) => {
                if !headers.contains_key(hyper::header::CONTENT_TYPE) {
                    headers.insert(
                        hyper::header::CONTENT_TYPE,
                        HeaderValue::from_static("application/json"),
                    );
                }
                Bytes::from(serde_json::to_vec(v).map_err(|e| e.to_string())?)
            }
        };
        if !trailers.is_empty() && !headers.contains_key(hyper::header::TRAILER) {
            // Announced in the head, as Go does (and hyper sends only the
            // trailers announced).
            let mut names: Vec<&str> = trailers.keys().map(HeaderName::as_str).collect();
            names.dedup();
            let announce = HeaderValue::from_str(&names.join(", "))
                .map_err(|_| "request.trailer: bad names".to_string())?;
            headers.insert(hyper::header::TRAILER, announce);
        }
        Ok(Prepared {
            method,
            uri,
            headers,
            body,
            trailers: (!trailers.is_empty()).then_some(trailers),
            timeout,
            tls: params.get("tls_config").filter(|t| !t.is_null()).cloned(),
        })
    }

    async fn send(mut self) -> Result<Value, String> {
        for _ in 0..=MAX_REDIRECTS {
            let client = client_for(&self.uri, self.tls.as_ref())?;
            let mut req = Request::builder()
                .method(self.method.clone())
                .uri(self.uri.clone())
                .body(OneShot::new(self.body.clone(), self.trailers.clone()))
                .map_err(|e| e.to_string())?;
            *req.headers_mut() = self.headers.clone();
            let resp = client.request(req).await.map_err(|e| chain(&e))?;
            let status = resp.status();
            if let Some(next) = self.redirect(status, resp.headers())? {
                self.follow(status, next);
                continue;
            }
            let (parts, body) = resp.into_parts();
            let collected = http_body_util::Limited::new(body, MAX_BODY)
                .collect()
                .await
                .map_err(|e| {
                    if e.is::<http_body_util::LengthLimitError>() {
                        format!("the response body is larger than {} MiB", MAX_BODY >> 20)
                    } else {
                        chain(&*e)
                    }
                })?;
            let trailers = collected.trailers().map(header_json);
            let body = collected.to_bytes();
            let mut response = json!({
                "body": String::from_utf8_lossy(&body),
                "statusCode": status.as_u16(),
                "header": header_json(&parts.headers),
            });
            if let Some(t) = trailers.filter(|t| t.as_object().is_some_and(|o| !o.is_empty())) {
                response["trailer"] = t;
            }
            return Ok(json!({ "response": response }));
        }
        Err(format!("stopped after {MAX_REDIRECTS} redirects"))
    }

    /// Where a redirect answer points, if it is one to follow.
    fn redirect(&self, status: StatusCode, headers: &HeaderMap) -> Result<Option<Uri>, String> {
        if !matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
            return Ok(None);
        }
        let Some(loc) = headers
            .get(hyper::header::LOCATION)
            .and_then(|l| l.to_str().ok())
        else {
            return Ok(None);
        };
        resolve(&self.uri, loc)
            .map(Some)
            .map_err(|e| format!("redirect to {loc:?}: {e}"))
    }

    fn follow(&mut self, status: StatusCode, next: Uri) {
        if matches!(status.as_u16(), 301..=303) && self.method != Method::HEAD {
            self.method = Method::GET;
            self.body = Bytes::new();
            self.trailers = None;
            self.headers.remove(hyper::header::CONTENT_TYPE);
            self.headers.remove(hyper::header::CONTENT_LENGTH);
        }
        if next.authority() != self.uri.authority() {
            for h in [
                hyper::header::AUTHORIZATION,
                hyper::header::COOKIE,
                hyper::header::PROXY_AUTHORIZATION,
                HeaderName::from_static("www-authenticate"),
            ] {
                self.headers.remove(h);
            }
        }
        self.uri = next;
    }
}

fn parse_url(url: &str) -> Result<Uri, String> {
    let uri: Uri = url
        .parse()
        .map_err(|e| format!("not a URL ({e}); expected http://host/path or https://host/path"))?;
    match uri.scheme_str() {
        Some("http" | "https") if uri.authority().is_some() => Ok(uri),
        _ => Err("not an http:// or https:// URL with a host".into()),
    }
}

/// A `Location` relative to the URL it answered.
fn resolve(base: &Uri, loc: &str) -> Result<Uri, String> {
    if loc.contains("://") {
        return parse_url(loc);
    }
    let scheme = base.scheme_str().unwrap_or("http");
    let authority = base.authority().map(|a| a.as_str()).unwrap_or("");
    if let Some(rest) = loc.strip_prefix("//") {
        return parse_url(&format!("{scheme}://{rest}"));
    }
    let path = if loc.starts_with('/') {
        loc.to_string()
    } else {
        let dir = base.path().rsplit_once('/').map_or("", |(d, _)| d);
        format!("{dir}/{loc}")
    };
    parse_url(&format!("{scheme}://{authority}{path}"))
}

type Https = Client<HttpsConnector<HttpConnector>, OneShot>;

fn client_for(uri: &Uri, tls: Option<&Value>) -> Result<Https, String> {
    let config = if uri.scheme_str() == Some("https") {
        match tls {
            Some(t) => Arc::new(custom_tls(t)?),
            None => default_tls()?,
        }
    } else {
        plain_tls()
    };
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    let connector = HttpsConnector::from((http, config));
    Ok(Client::builder(TokioExecutor::new()).build(connector))
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The platform's roots, loaded once.
fn default_tls() -> Result<Arc<ClientConfig>, String> {
    static CONFIG: OnceLock<Result<Arc<ClientConfig>, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let c = ClientConfig::builder_with_provider(provider())
                .with_safe_default_protocol_versions()
                .map_err(|e| e.to_string())?
                .with_native_roots()
                .map_err(|e| format!("no trusted root certificates on this machine: {e}"))?
                .with_no_client_auth();
            Ok(Arc::new(c))
        })
        .clone()
}

/// For `http://` URLs, where TLS is never used.
fn plain_tls() -> Arc<ClientConfig> {
    static CONFIG: OnceLock<Arc<ClientConfig>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            Arc::new(
                ClientConfig::builder_with_provider(provider())
                    .with_safe_default_protocol_versions()
                    .expect("ring supports the default protocol versions")
                    .with_root_certificates(rustls::RootCertStore::empty())
                    .with_no_client_auth(),
            )
        })
        .clone()
}

fn custom_tls(t: &Value) -> Result<ClientConfig, String> {
    let field = |name: &str| {
        t.get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(pem_text)
    };
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let builder = match field("ca") {
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            for cert in CertificateDer::pem_slice_iter(&ca) {
                let cert = cert.map_err(|e| format!("tls_config.ca: {e}"))?;
                roots.add(cert).map_err(|e| format!("tls_config.ca: {e}"))?;
            }
            if roots.is_empty() {
                return Err("tls_config.ca: no PEM certificate in it".into());
            }
            builder.with_root_certificates(roots)
        }
        None => builder
            .with_native_roots()
            .map_err(|e| format!("no trusted root certificates on this machine: {e}"))?,
    };
    match (field("client_crt"), field("client_key")) {
        (Some(crt), Some(key)) => {
            let certs = CertificateDer::pem_slice_iter(&crt)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("tls_config.client_crt: {e}"))?;
            if certs.is_empty() {
                return Err("tls_config.client_crt: no PEM certificate in it".into());
            }
            let key = PrivateKeyDer::from_pem_slice(&key)
                .map_err(|e| format!("tls_config.client_key: {e}"))?;
            builder
                .with_client_auth_cert(certs, key)
                .map_err(|e| format!("tls_config: {e}"))
        }
        (None, None) => Ok(builder.with_no_client_auth()),
        _ => Err("tls_config: client_crt and client_key go together".into()),
    }
}

/// PEM as given, or decoded from base64.
fn pem_text(s: &str) -> Vec<u8> {
    if s.contains("-----BEGIN") {
        return s.as_bytes().to_vec();
    }
    let compact: String = s.split_whitespace().collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .unwrap_or_else(|_| s.as_bytes().to_vec())
}

/// `{name: string | [string]}` to headers.
fn header_map(v: Option<&Value>, what: &str) -> Result<HeaderMap, String> {
    let mut out = HeaderMap::new();
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(out);
    };
    let obj = v
        .as_object()
        .ok_or_else(|| format!("{what}: expected an object of names to values"))?;
    for (name, values) in obj {
        let n = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("{what}: {name:?} is not a header name"))?;
        let list: Vec<&Value> = match values {
            Value::Array(a) => a.iter().collect(),
            one => vec![one],
        };
        for value in list {
            let s = match value {
                Value::String(s) => s.clone(),
                Value::Number(_) | Value::Bool(_) => value.to_string(),
                other => return Err(format!("{what}.{name}: {other} is not a header value")),
            };
            let hv = HeaderValue::from_str(&s)
                .map_err(|_| format!("{what}.{name}: {s:?} is not a header value"))?;
            out.append(n.clone(), hv);
        }
    }
    Ok(out)
}

/// Headers as `{Canonical-Name: [values]}`.
fn header_json(h: &HeaderMap) -> Value {
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (name, value) in h {
        out.entry(canonical(name.as_str()))
            .or_default()
            .push(Value::String(
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            ));
    }
    Value::Object(
        out.into_iter()
            .map(|(k, v)| (k, Value::Array(v)))
            .collect::<Map<String, Value>>(),
    )
}

/// Go's `CanonicalMIMEHeaderKey`: `content-type` → `Content-Type`.
fn canonical(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        out.push(if upper {
            c.to_ascii_uppercase()
        } else {
            c.to_ascii_lowercase()
        });
        upper = c == '-';
    }
    out
}

/// An error with its causes (hyper's top-level errors say little).
fn chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        let t = s.to_string();
        if !msg.contains(&t) {
            msg.push_str(": ");
            msg.push_str(&t);
        }
        cur = s.source();
    }
    msg
}

fn show_duration(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

/// A request body: the bytes, then the trailers if any. With trailers
/// its size is left open, so HTTP/1.1 sends it chunked (the only way
/// trailers travel, announced by a `Trailer` header), as Go does.
struct OneShot {
    data: Option<Bytes>,
    trailers: Option<HeaderMap>,
}

impl OneShot {
    fn new(data: Bytes, trailers: Option<HeaderMap>) -> OneShot {
        OneShot {
            data: (!data.is_empty()).then_some(data),
            trailers,
        }
    }
}

impl hyper::body::Body for OneShot {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if let Some(d) = self.data.take() {
            return Poll::Ready(Some(Ok(Frame::data(d))));
        }
        Poll::Ready(self.trailers.take().map(|t| Ok(Frame::trailers(t))))
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none() && self.trailers.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        if self.trailers.is_some() {
            return SizeHint::default();
        }
        SizeHint::with_exact(self.data.as_ref().map_or(0, |d| d.len() as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_are_canonical() {
        assert_eq!(canonical("content-type"), "Content-Type");
        assert_eq!(canonical("x-request-id"), "X-Request-Id");
        assert_eq!(canonical("etag"), "Etag");
    }

    #[test]
    fn redirects_resolve_against_the_url() {
        let base: Uri = "http://a.example/x/y?q=1".parse().unwrap();
        assert_eq!(
            resolve(&base, "/z").unwrap().to_string(),
            "http://a.example/z"
        );
        assert_eq!(
            resolve(&base, "w").unwrap().to_string(),
            "http://a.example/x/w"
        );
        assert_eq!(
            resolve(&base, "https://b.example/").unwrap().to_string(),
            "https://b.example/"
        );
        assert_eq!(
            resolve(&base, "//c.example/p").unwrap().to_string(),
            "http://c.example/p"
        );
    }

    #[test]
    fn bad_parameters_are_named() {
        let e = Prepared::of("GET", "ftp://x/", &json!({})).err().unwrap();
        assert!(e.contains("http://"), "{e}");
        let e = Prepared::of("GET", "http://x/", &json!({"request": {"timeout": "soon"}}))
            .err()
            .unwrap();
        assert!(e.starts_with("request.timeout: "), "{e}");
        let e = Prepared::of(
            "GET",
            "http://x/",
            &json!({"request": {"header": {"a b": "c"}}}),
        )
        .err()
        .unwrap();
        assert!(e.contains("not a header name"), "{e}");
        let e = Prepared::of("GE T", "http://x/", &json!({})).err().unwrap();
        assert!(e.contains("not an HTTP method"), "{e}");
    }
}
