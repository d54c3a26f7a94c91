//! The Kubernetes HTTP wire format: paths, verbs, content negotiation, discovery,
//! OpenAPI stubs, Table output and watch streams.

use crate::discovery;
use crate::error::ApiError;
use crate::patch::PatchType;
use crate::server::{ApiServer, Selectors, Target, WriteOptions, prefix};
use crate::store::{EventType, WatchStart};
use crate::table;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

/// kube-apiserver's default watch lifetime when the client sends no `timeoutSeconds`.
const DEFAULT_WATCH_SECONDS: u64 = 1800;

/// How often a watch that allows bookmarks gets one (kube-rs gives up on a silent
/// stream after 295 s).
const BOOKMARK_SECONDS: u64 = 60;

/// The axum router serving the whole API.
pub fn router(srv: Arc<ApiServer>) -> axum::Router {
    axum::Router::new()
        .fallback(handle)
        .layer(axum::extract::DefaultBodyLimit::max(8 * 1024 * 1024))
        .with_state(srv)
}

pub(crate) fn json_response(code: u16, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    (
        StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        [(header::CONTENT_TYPE, "application/json")],
        bytes,
    )
        .into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.code, &self.to_status())
    }
}

/// A parsed request.
struct Req {
    method: Method,
    path: String,
    query: HashMap<String, String>,
    accept: String,
    content_type: String,
    host: String,
    user_agent: String,
    body: Bytes,
}

impl Req {
    fn q(&self, k: &str) -> Option<&str> {
        self.query.get(k).map(String::as_str)
    }
    fn wants_table(&self) -> bool {
        self.accept.contains("as=Table")
    }
}

fn parse_query(q: Option<&str>) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for pair in q.unwrap_or("").split('&').filter(|s| !s.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        out.insert(percent_decode(k), percent_decode(v));
    }
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(
                    std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                    16,
                ) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Requests served: (client, verb, resource, code) → count; the client is
/// the User-Agent's product (before `/`), empty when none was sent.
pub(crate) type RequestCounts =
    std::sync::Mutex<std::collections::BTreeMap<(String, &'static str, String, u16), u64>>;

/// kube-apiserver's verb of a request (`apiserver_request_total`'s label).
fn verb_of(method: &Method, uri: &Uri) -> &'static str {
    let named = {
        let segs: Vec<&str> = uri.path().split('/').filter(|s| !s.is_empty()).collect();
        let rest = match segs.as_slice() {
            ["api", _, rest @ ..] | ["apis", _, _, rest @ ..] => rest,
            _ => &[][..],
        };
        match rest {
            ["namespaces", _, _, _, ..] | ["namespaces", _] => true,
            ["namespaces", _, _] => false,
            [_, _, ..] => true,
            _ => false,
        }
    };
    let watch = uri
        .query()
        .is_some_and(|q| q.split('&').any(|p| p == "watch=true" || p == "watch=1"));
    match *method {
        Method::GET if watch => "WATCH",
        Method::GET if named => "GET",
        Method::GET => "LIST",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => {
            if uri.query().is_some_and(|q| q.contains("fieldManager")) {
                "APPLY"
            } else {
                "PATCH"
            }
        }
        Method::DELETE if named => "DELETE",
        Method::DELETE => "DELETECOLLECTION",
        _ => "OTHER",
    }
}

/// The resource a path names (`""` for discovery and other paths).
fn resource_of(path: &str) -> String {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let rest = match segs.as_slice() {
        ["api", _, rest @ ..] | ["apis", _, _, rest @ ..] => rest,
        _ => return String::new(),
    };
    match rest {
        ["namespaces", _, r, ..] => r.to_string(),
        [r, ..] => r.to_string(),
        [] => String::new(),
    }
}

/// `/metrics`: requests served so far, in Prometheus text format.
fn metrics(srv: &ApiServer) -> Response {
    let counts = srv.requests.lock().unwrap_or_else(|e| e.into_inner());
    let mut out = String::from(
        "# HELP apiserver_request_total Requests served, by client (User-Agent product), verb, resource and HTTP status code.\n\
         # TYPE apiserver_request_total counter\n",
    );
    for ((client, verb, resource, code), n) in counts.iter() {
        out.push_str(&format!(
            "apiserver_request_total{{client=\"{client}\",code=\"{code}\",resource=\"{resource}\",verb=\"{verb}\"}} {n}\n"
        ));
    }
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        out,
    )
        .into_response()
}

async fn handle(
    State(srv): State<Arc<ApiServer>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let verb = verb_of(&method, &uri);
    let resource = resource_of(uri.path());
    let client: String = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .and_then(|ua| ua.split(['/', ' ']).next())
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(64)
        .collect();
    let resp = serve_request(srv.clone(), method, uri, headers, body).await;
    *srv.requests
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry((client, verb, resource, resp.status().as_u16()))
        .or_default() += 1;
    resp
}

async fn serve_request(
    srv: Arc<ApiServer>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // As in real clusters (system:public-info-viewer), version and health are
    // readable without credentials: kubectl's version dispatcher asks
    // `/version` before it has any.
    let public = method == Method::GET
        && matches!(
            uri.path().split('/').nth(1),
            Some("version" | "healthz" | "livez" | "readyz")
        );
    if let Some(token) = srv.token.as_ref().filter(|_| !public) {
        let ok = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|t| t.trim() == token);
        if !ok {
            return ApiError::unauthorized().into_response();
        }
    }
    if method == Method::GET && uri.path() == "/metrics" {
        return metrics(&srv);
    }
    let h = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let req = Req {
        method,
        path: uri.path().to_string(),
        query: parse_query(uri.query()),
        accept: h(header::ACCEPT),
        content_type: h(header::CONTENT_TYPE),
        host: h(header::HOST),
        user_agent: h(header::USER_AGENT),
        body,
    };
    let is_watch = req.method == Method::GET && matches!(req.q("watch"), Some("true" | "1"));
    if is_watch {
        return match resolve(&srv, &req) {
            Ok(Some(t)) if t.name.is_none() => {
                watch(srv, &req, t).unwrap_or_else(IntoResponse::into_response)
            }
            Ok(Some(t)) => {
                // A watch on one object (old style): watch the collection by name.
                let mut q = req.query.clone();
                q.insert(
                    "fieldSelector".into(),
                    format!("metadata.name={}", t.name.as_deref().unwrap_or_default()),
                );
                let req = Req { query: q, ..req };
                watch(srv, &req, Target { name: None, ..t })
                    .unwrap_or_else(IntoResponse::into_response)
            }
            Ok(None) => ApiError::path_not_found(&req.path).into_response(),
            Err(e) => e.into_response(),
        };
    }
    // Reads of one object are served in place; everything else (writes wait for
    // fsync, lists can be large) on the blocking pool.
    if req.method == Method::GET
        && resolve(&srv, &req).is_ok_and(|t| t.is_some_and(|t| t.name.is_some()))
    {
        return dispatch(&srv, &req).unwrap_or_else(IntoResponse::into_response);
    }
    match tokio::task::spawn_blocking(move || dispatch(&srv, &req)).await {
        Ok(Ok(resp)) => resp,
        Ok(Err(e)) => e.into_response(),
        Err(e) => ApiError::internal(format!("request handler failed: {e}")).into_response(),
    }
}

/// The resource path after `/api/v1` or `/apis/<g>/<v>`, as kube-apiserver parses it.
fn resolve(srv: &ApiServer, req: &Req) -> Result<Option<Target>, ApiError> {
    resolve_sub(srv, req).map(|o| o.map(|(t, _)| t))
}

/// [`resolve`], also saying whether the request is for the `/scale` subresource.
fn resolve_sub(srv: &ApiServer, req: &Req) -> Result<Option<(Target, bool)>, ApiError> {
    let segs: Vec<&str> = req.path.split('/').filter(|s| !s.is_empty()).collect();
    let (group, version, rest) = match segs.as_slice() {
        ["api", v, rest @ ..] if !rest.is_empty() => ("", *v, rest),
        ["apis", g, v, rest @ ..] if !rest.is_empty() => (*g, *v, rest),
        _ => return Ok(None),
    };
    let mut parts: &[&str] = rest;
    let mut namespace = None;
    if parts[0] == "namespaces" && parts.len() > 1 {
        namespace = Some(parts[1].to_string());
        if parts.len() > 2 && !matches!(parts[2], "status" | "finalize") {
            parts = &parts[2..];
        }
    }
    let plural = parts[0];
    let (name, sub) = if parts[0] == "namespaces" && namespace.is_some() && parts.len() <= 3 {
        // `/api/v1/namespaces/<name>[/status]`: the namespace object itself.
        (namespace.take(), parts.get(2).copied())
    } else {
        (parts.get(1).map(|s| s.to_string()), parts.get(2).copied())
    };
    if parts.len() > 3 {
        return Ok(None);
    }
    let Some(rt) = srv.registry.lookup(group, version, plural) else {
        return Err(ApiError::path_not_found(&req.path));
    };
    if namespace.is_some() && !rt.namespaced {
        return Err(ApiError::path_not_found(&req.path));
    }
    let is_scale = sub == Some("scale") && rt.scale.is_some();
    let status = match sub {
        None => false,
        Some("status") if rt.status_subresource => true,
        Some("scale") if is_scale => false,
        Some(s) => {
            return Err(ApiError::new(
                404,
                "NotFound",
                format!("{} has no subresource {s:?}", rt.plural),
            ));
        }
    };
    if rt.namespaced && namespace.is_none() && name.is_some() {
        return Err(ApiError::path_not_found(&req.path));
    }
    Ok(Some((
        Target {
            rt,
            namespace,
            name,
            status,
        },
        is_scale,
    )))
}

/// [`dispatch_inner`], with the write's warnings as `Warning` headers.
fn dispatch(srv: &ApiServer, req: &Req) -> Result<Response, ApiError> {
    let warnings: Arc<std::sync::Mutex<Vec<String>>> = Default::default();
    let mut resp = dispatch_inner(srv, req, &warnings)?;
    for w in warnings.lock().unwrap_or_else(|e| e.into_inner()).iter() {
        let text = format!("299 - {}", serde_json::to_string(w).unwrap_or_default());
        if let Ok(v) = axum::http::HeaderValue::from_str(&text) {
            resp.headers_mut().append(header::WARNING, v);
        }
    }
    Ok(resp)
}

fn dispatch_inner(
    srv: &ApiServer,
    req: &Req,
    warnings: &Arc<std::sync::Mutex<Vec<String>>>,
) -> Result<Response, ApiError> {
    let segs: Vec<&str> = req.path.split('/').filter(|s| !s.is_empty()).collect();
    if req.method == Method::GET {
        match segs.as_slice() {
            ["version"] => return Ok(json_response(200, &discovery::version())),
            ["healthz" | "livez" | "readyz", ..] => {
                return Ok(
                    (StatusCode::OK, [(header::CONTENT_TYPE, "text/plain")], "ok").into_response(),
                );
            }
            ["api" | "apis"] if discovery::wants_aggregated(&req.accept) => {
                let body = discovery::aggregated(&srv.registry, segs[0] == "api");
                return Ok((
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, discovery::AGGREGATED_CONTENT_TYPE)],
                    serde_json::to_vec(&body).unwrap_or_default(),
                )
                    .into_response());
            }
            ["api"] => return Ok(json_response(200, &discovery::api_versions(&req.host))),
            ["apis"] => return Ok(json_response(200, &discovery::group_list(&srv.registry))),
            ["apis", g] => {
                return discovery::group(&srv.registry, g)
                    .map(|v| json_response(200, &v))
                    .ok_or_else(|| ApiError::path_not_found(&req.path));
            }
            ["api", v] => {
                return discovery::resource_list(&srv.registry, "", v)
                    .map(|v| json_response(200, &v))
                    .ok_or_else(|| ApiError::path_not_found(&req.path));
            }
            ["apis", g, v] => {
                return discovery::resource_list(&srv.registry, g, v)
                    .map(|v| json_response(200, &v))
                    .ok_or_else(|| ApiError::path_not_found(&req.path));
            }
            ["openapi", "v3"] => {
                return Ok(json_response(200, &discovery::openapi_index(&srv.registry)));
            }
            ["openapi", "v3", rest @ ..] => {
                let gv = rest.join("/");
                return discovery::openapi_document(&srv.registry, &gv)
                    .map(|v| json_response(200, &v))
                    .ok_or_else(|| ApiError::path_not_found(&req.path));
            }
            _ => {}
        }
    }
    let (t, is_scale) =
        resolve_sub(srv, req)?.ok_or_else(|| ApiError::path_not_found(&req.path))?;
    let rt = &t.rt;
    let opts = WriteOptions {
        dry_run: req.q("dryRun").is_some_and(|d| d == "All"),
        field_manager: req.q("fieldManager").map(str::to_string).or_else(|| {
            // As kube-apiserver: the User-Agent's program name, else "unknown".
            let ua = req.user_agent.split('/').next().unwrap_or("").trim();
            Some(if ua.is_empty() { "unknown" } else { ua }.to_string())
        }),
        force: req.q("force") == Some("true"),
        field_validation: crate::schema::FieldValidation::parse(req.q("fieldValidation"))
            .map_err(ApiError::bad_request)?,
        warnings: warnings.clone(),
        ..WriteOptions::default()
    };
    let parse_body = || -> Result<Value, ApiError> {
        if req.body.len() > crate::server::MAX_OBJECT_BYTES {
            return Err(ApiError::too_large(format!(
                "the request body for {} is {} bytes, the limit is {} bytes",
                rt.plural,
                req.body.len(),
                crate::server::MAX_OBJECT_BYTES
            )));
        }
        let ct = req.content_type.split(';').next().unwrap_or("").trim();
        match ct {
            "" | "application/json" | "*/*" => serde_json::from_slice(&req.body).map_err(|e| {
                ApiError::bad_request(format!(
                    "the body of the {} request is not valid JSON: {e}",
                    rt.kind
                ))
            }),
            "application/yaml" => crate::object::parse_yaml(&req.body).map_err(|e| {
                ApiError::bad_request(format!(
                    "the body of the {} request is not valid YAML: {e}",
                    rt.kind
                ))
            }),
            "application/vnd.kubernetes.protobuf" => {
                crate::protobuf::decode(&req.body).map_err(ApiError::unsupported_media_type)
            }
            _ => Err(ApiError::unsupported_media_type(format!(
                "the body of the request was in an unsupported format ({ct}); roam's local API server \
                 accepts application/json, application/yaml and (for a few kinds) protobuf"
            ))),
        }
    };
    if is_scale && t.name.is_some() {
        return scale(srv, req, &t, &opts);
    }
    match (&req.method, t.name.is_some()) {
        (&Method::GET, true) => {
            if !req.wants_table() {
                return Ok((
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, "application/json")],
                    srv.get_json(&t)?,
                )
                    .into_response());
            }
            let obj = srv.get(&t)?;
            let rev = obj["metadata"]["resourceVersion"]
                .as_str()
                .unwrap_or("")
                .to_string();
            Ok(json_response(
                200,
                &table::table(srv, rt, &[obj], &rev, req.q("includeObject"), true),
            ))
        }
        (&Method::GET, false) => {
            let sel = Selectors::parse(rt, req.q("labelSelector"), req.q("fieldSelector"))?;
            let limit = match req.q("limit") {
                None | Some("") => None,
                Some(l) => Some(l.parse::<usize>().map_err(|_| {
                    ApiError::bad_request(format!("limit {l:?} is not a non-negative integer"))
                })?)
                .filter(|l| *l > 0),
            };
            let page = srv.list_page(&t, &sel, limit, req.q("continue"))?;
            let mut meta = json!({"resourceVersion": page.rev.to_string()});
            if let Some(c) = &page.continue_token {
                meta["continue"] = json!(c);
                meta["remainingItemCount"] = json!(page.remaining);
            }
            if req.wants_table() {
                let items: Vec<Value> = page
                    .items
                    .iter()
                    .map(|o| serde_json::from_slice(o).unwrap_or(Value::Null))
                    .collect();
                let mut tbl = table::table(
                    srv,
                    rt,
                    &items,
                    &page.rev.to_string(),
                    req.q("includeObject"),
                    true,
                );
                tbl["metadata"] = meta;
                return Ok(json_response(200, &tbl));
            }
            // Written piece by piece: the items are serialised straight from the store.
            let mut out: Vec<u8> = Vec::with_capacity(256 + page.items.len() * 512);
            out.extend_from_slice(b"{\"apiVersion\":");
            let _ = serde_json::to_writer(&mut out, &rt.api_version());
            out.extend_from_slice(b",\"kind\":");
            let _ = serde_json::to_writer(&mut out, &format!("{}List", rt.kind));
            out.extend_from_slice(b",\"metadata\":");
            let _ = serde_json::to_writer(&mut out, &meta);
            out.extend_from_slice(b",\"items\":[");
            for (i, o) in page.items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(o);
            }
            out.extend_from_slice(b"]}");
            Ok((
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                out,
            )
                .into_response())
        }
        (&Method::POST, false) => {
            let body = parse_body()?;
            Ok(json_response(201, &srv.create(&t, body, &opts)?))
        }
        (&Method::PUT, true) => {
            let body = parse_body()?;
            Ok(json_response(200, &srv.update(&t, body, &opts)?))
        }
        (&Method::PATCH, true) => {
            let ptype = PatchType::from_content_type(&req.content_type).ok_or_else(|| {
                ApiError::unsupported_media_type(format!(
                    "the body of the request was in an unknown format ({:?}) - accepted media types include: \
                     application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json",
                    req.content_type
                ))
            })?;
            // An apply that creates the object answers 201, as kube-apiserver.
            let creates =
                matches!(ptype, PatchType::Apply) && !t.status && srv.get_json(&t).is_err();
            let code = if creates { 201 } else { 200 };
            Ok(json_response(
                code,
                &srv.patch(&t, ptype, &req.body, &opts)?,
            ))
        }
        (&Method::DELETE, true) => {
            let mut opts = opts;
            opts.propagation = propagation(req)?;
            Ok(json_response(200, &srv.delete(&t, &opts)?))
        }
        (&Method::DELETE, false) => {
            let sel = Selectors::parse(rt, req.q("labelSelector"), req.q("fieldSelector"))?;
            let items = srv.delete_collection(&t, &sel, &opts)?;
            Ok(json_response(
                200,
                &json!({
                    "apiVersion": rt.api_version(),
                    "kind": format!("{}List", rt.kind),
                    "metadata": {"resourceVersion": srv.store.revision().to_string()},
                    "items": items,
                }),
            ))
        }
        (m, _) => Err(ApiError::method_not_allowed(format!(
            "{m} is not supported on {}{}",
            rt.plural,
            if t.name.is_some() { " objects" } else { "" }
        ))),
    }
}

/// `/scale`: GET, PUT and PATCH of an `autoscaling/v1` `Scale` view of the object.
fn scale(
    srv: &ApiServer,
    req: &Req,
    t: &Target,
    opts: &WriteOptions,
) -> Result<Response, ApiError> {
    let rt = &t.rt;
    let name = t.name.clone().unwrap_or_default();
    match req.method {
        Method::GET => Ok(json_response(200, &srv.get_scale(t)?)),
        Method::PUT | Method::PATCH => {
            let current = srv.get_scale(t)?;
            let wanted = if req.method == Method::PUT {
                serde_json::from_slice::<Value>(&req.body).map_err(|e| {
                    ApiError::bad_request(format!("the Scale body is not valid JSON: {e}"))
                })?
            } else {
                let ptype = PatchType::from_content_type(&req.content_type).ok_or_else(|| {
                    ApiError::unsupported_media_type(format!(
                        "unsupported patch type {:?}",
                        req.content_type
                    ))
                })?;
                let patch: Value = serde_json::from_slice(&req.body).map_err(|e| {
                    ApiError::bad_request(format!("the patch is not valid JSON: {e}"))
                })?;
                let mut s = current.clone();
                match ptype {
                    PatchType::Json => crate::patch::json_patch(&mut s, &patch).map_err(|e| {
                        ApiError::invalid(
                            "autoscaling",
                            "Scale",
                            &name,
                            "",
                            "FieldValueInvalid",
                            &e,
                        )
                    })?,
                    _ => crate::patch::merge_patch(&mut s, &patch),
                }
                s
            };
            if let Some(rv) = wanted["metadata"]["resourceVersion"].as_str()
                && Some(rv) != current["metadata"]["resourceVersion"].as_str()
            {
                return Err(ApiError::conflict(&rt.group, &rt.plural, &name));
            }
            let Some(replicas) = wanted["spec"]["replicas"].as_i64().filter(|r| *r >= 0) else {
                return Err(ApiError::invalid(
                    "autoscaling",
                    "Scale",
                    &name,
                    "spec.replicas",
                    "FieldValueInvalid",
                    "Invalid value: must be a non-negative integer",
                ));
            };
            srv.set_replicas(t, replicas, opts)?;
            Ok(json_response(200, &srv.get_scale(t)?))
        }
        ref m => Err(ApiError::method_not_allowed(format!(
            "{m} is not supported on {}/scale",
            rt.plural
        ))),
    }
}

/// The propagation policy of a DELETE: the `propagationPolicy` query parameter, or the
/// body's `DeleteOptions` (`propagationPolicy`, or the legacy `orphanDependents`).
fn propagation(req: &Req) -> Result<crate::server::Propagation, ApiError> {
    use crate::server::Propagation;
    if let Some(p) = req.q("propagationPolicy") {
        return Propagation::parse(p);
    }
    if req.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Propagation::Background);
    }
    let opts: Value = serde_json::from_slice(&req.body).map_err(|e| {
        ApiError::bad_request(format!("the DeleteOptions body is not valid JSON: {e}"))
    })?;
    match (
        opts["propagationPolicy"].as_str(),
        opts["orphanDependents"].as_bool(),
    ) {
        (Some(p), _) => Propagation::parse(p),
        (None, Some(true)) => Ok(Propagation::Orphan),
        _ => Ok(Propagation::Background),
    }
}

fn event_line(kind: &str, object: &Value) -> Bytes {
    let mut v = serde_json::to_vec(&json!({"type": kind, "object": object})).unwrap_or_default();
    v.push(b'\n');
    Bytes::from(v)
}

/// A watch event line around an already serialised object.
fn event_line_json(kind: &str, object: &[u8]) -> Bytes {
    let mut v = Vec::with_capacity(object.len() + 32);
    v.extend_from_slice(b"{\"type\":\"");
    v.extend_from_slice(kind.as_bytes());
    v.extend_from_slice(b"\",\"object\":");
    v.extend_from_slice(object);
    v.extend_from_slice(b"}\n");
    Bytes::from(v)
}

/// One watch: what it selects and where it stands.
struct Watch {
    srv: Arc<ApiServer>,
    rt: Arc<crate::registry::ResourceType>,
    sel: Selectors,
    pfx: String,
    table: bool,
    include: Option<String>,
    /// Table watch events carry `columnDefinitions` only in the first.
    first: bool,
    last_rev: u64,
    /// Watches of one class (same resource, scope and selectors, not Tables)
    /// see the same lines: the first to handle an event makes its line for all.
    class: Option<Arc<LineCache>>,
}

/// The line the watchers of a class see for the latest event they handled
/// (revision, line). Only the latest is kept: watchers handle events in order
/// and at about the same time, and nothing accumulates.
type LineCache = std::sync::Mutex<Option<(u64, Option<Bytes>)>>;

/// The watch classes of one server (revisions, and so cached lines, are
/// per store), by class key.
pub(crate) type WatchClasses = std::sync::Mutex<HashMap<String, std::sync::Weak<LineCache>>>;

/// The line cache shared by the server's watches whose class is `key`.
fn watch_class(classes: &WatchClasses, key: String) -> Arc<LineCache> {
    let mut classes = classes.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(c) = classes.get(&key).and_then(std::sync::Weak::upgrade) {
        return c;
    }
    // Classes of ended watches (e.g. one per `kubectl wait` object) are dropped.
    if classes.len() >= 1024 {
        classes.retain(|_, w| w.strong_count() > 0);
    }
    let c = Arc::new(LineCache::new(None));
    classes.insert(key, Arc::downgrade(&c));
    c
}

impl Watch {
    /// The line a watcher sees for `e`, if any.
    fn line(&mut self, e: &crate::store::Event) -> Option<Bytes> {
        // Most watchers see the stored form: classify it in place and share the
        // event's serialised object.
        if !self.table && !ApiServer::needs_present(&self.rt, &e.object) {
            return classify(&self.sel, e.kind, &e.object, e.prev.as_deref())
                .map(|k| event_line_json(k, e.object_json()));
        }
        let obj = ApiServer::present(&self.rt, &e.object);
        let prev = e.prev.as_deref().map(|p| ApiServer::present(&self.rt, p));
        let kind = classify(&self.sel, e.kind, &obj, prev.as_ref())?;
        Some(self.render(kind, &obj))
    }

    fn render(&mut self, kind: &str, obj: &Value) -> Bytes {
        if !self.table {
            return event_line(kind, obj);
        }
        let rev = obj["metadata"]["resourceVersion"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let tbl = table::table(
            &self.srv,
            &self.rt,
            std::slice::from_ref(obj),
            &rev,
            self.include.as_deref(),
            self.first,
        );
        self.first = false;
        event_line(kind, &tbl)
    }

    /// The line for a live event (skipping ones already sent from history).
    fn live(&mut self, e: &crate::store::Event) -> Option<Bytes> {
        if e.rev <= self.last_rev {
            return None;
        }
        self.last_rev = e.rev;
        let Some(cache) = self.class.clone() else {
            return self.line_of(e);
        };
        let lock = || cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((rev, line)) = &*lock()
            && *rev == e.rev
        {
            return line.clone();
        }
        // Made outside the lock; another watcher of the class may make it too.
        let line = self.line_of(e);
        let mut c = lock();
        if c.as_ref().is_none_or(|(rev, _)| *rev < e.rev) {
            *c = Some((e.rev, line.clone()));
        }
        line
    }

    fn line_of(&mut self, e: &crate::store::Event) -> Option<Bytes> {
        if !e.key.starts_with(&self.pfx) {
            return None;
        }
        self.line(e)
    }
}

/// `?watch=true`: a stream of newline-delimited JSON events. The stream is polled
/// by the connection itself (no task or channel per watcher), and events that
/// arrive together leave in one write.
fn watch(srv: Arc<ApiServer>, req: &Req, t: Target) -> Result<Response, ApiError> {
    use futures_util::StreamExt;
    let sel = Selectors::parse(&t.rt, req.q("labelSelector"), req.q("fieldSelector"))?;
    let from = match req.q("resourceVersion") {
        None | Some("") | Some("0") => None,
        Some(s) => Some(s.parse::<u64>().map_err(|_| {
            ApiError::bad_request(format!(
                "resourceVersion {s:?} is not a valid resource version"
            ))
        })?),
    };
    // Streaming lists (`sendInitialEvents=true`): the current state as ADDED
    // events (never older than the requested revision: the store only has the
    // newest), then a bookmark marking the end of the initial events.
    let streaming = req.q("sendInitialEvents") == Some("true");
    if streaming && req.q("allowWatchBookmarks") != Some("true") {
        return Err(ApiError::invalid(
            "meta.k8s.io",
            "ListOptions",
            "",
            "allowWatchBookmarks",
            "FieldValueRequired",
            "Required value: allowWatchBookmarks must be true if sendInitialEvents = true",
        ));
    }
    let from = if streaming { None } else { from };
    let timeout = req
        .q("timeoutSeconds")
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(DEFAULT_WATCH_SECONDS);
    let pfx = prefix(&t.rt, t.namespace.as_deref());
    let (start, rx) = srv.store.watch(&pfx, from)?;
    let bookmarks = req.q("allowWatchBookmarks") == Some("true");
    let last_rev = match &start {
        WatchStart::Snapshot { rev, .. } => *rev,
        WatchStart::Events(events) => events
            .last()
            .map(|e| e.rev)
            .unwrap_or(from.unwrap_or(0))
            .max(from.unwrap_or(0)),
    };
    let table = req.wants_table();
    let class = (!table).then(|| {
        watch_class(
            &srv.watch_classes,
            format!(
                "{}\0{}\0{}\0{}\0{}",
                t.rt.api_version(),
                t.rt.plural,
                pfx,
                req.q("labelSelector").unwrap_or_default(),
                req.q("fieldSelector").unwrap_or_default(),
            ),
        )
    });
    let mut w = Watch {
        srv,
        rt: t.rt.clone(),
        sel,
        pfx,
        table,
        include: req.q("includeObject").map(str::to_string),
        first: true,
        last_rev,
        class,
    };
    let initial: Vec<Bytes> = match start {
        WatchStart::Snapshot { objects, .. } => {
            let rt = w.rt.clone();
            let shown: Vec<Value> = objects
                .iter()
                .map(|o| ApiServer::present(&rt, o))
                .filter(|o| w.sel.matches(o))
                .collect();
            shown.iter().map(|o| w.render("ADDED", o)).collect()
        }
        WatchStart::Events(events) => events.iter().filter_map(|e| w.line(e)).collect(),
    };
    let mut initial = initial;
    if streaming {
        let mark = json!({
            "kind": w.rt.kind,
            "apiVersion": w.rt.api_version(),
            "metadata": {
                "resourceVersion": w.last_rev.to_string(),
                "annotations": {"k8s.io/initial-events-end": "true"},
            },
        });
        initial.push(event_line("BOOKMARK", &mark));
    }
    let every = Duration::from_secs(BOOKMARK_SECONDS);
    struct Live {
        w: Watch,
        rx: broadcast::Receiver<Arc<crate::store::Event>>,
        deadline: std::pin::Pin<Box<tokio::time::Sleep>>,
        ticks: tokio::time::Interval,
        bookmarks: bool,
        done: bool,
    }
    let live = Live {
        w,
        rx,
        deadline: Box::pin(tokio::time::sleep(Duration::from_secs(timeout))),
        ticks: tokio::time::interval_at(tokio::time::Instant::now() + every, every),
        bookmarks,
        done: false,
    };
    let live = futures_util::stream::unfold(live, |mut l| async move {
        if l.done {
            return None;
        }
        loop {
            tokio::select! {
                _ = &mut l.deadline => return None,
                _ = l.ticks.tick(), if l.bookmarks => {
                    let mark = json!({
                        "kind": l.w.rt.kind,
                        "apiVersion": l.w.rt.api_version(),
                        "metadata": {"resourceVersion": l.w.last_rev.to_string()},
                    });
                    return Some((Ok::<_, Infallible>(event_line("BOOKMARK", &mark)), l));
                }
                ev = l.rx.recv() => match ev {
                    Ok(e) => {
                        let Some(first) = l.w.live(&e) else { continue };
                        // Whatever else is already queued goes out in the same write;
                        // a lone event goes out as the line shared by its class.
                        let mut out: Option<Vec<u8>> = None;
                        for _ in 0..255 {
                            let more = match l.rx.try_recv() {
                                Ok(e) => match l.w.live(&e) {
                                    Some(line) => line,
                                    None => continue,
                                },
                                Err(broadcast::error::TryRecvError::Lagged(_)) => {
                                    l.done = true;
                                    gone_line()
                                }
                                Err(_) => break,
                            };
                            out.get_or_insert_with(|| first.to_vec()).extend_from_slice(&more);
                            if l.done {
                                break;
                            }
                        }
                        return Some((Ok(out.map_or(first, Bytes::from)), l));
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        l.done = true;
                        return Some((Ok(gone_line()), l));
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
            }
        }
    });
    let stream =
        futures_util::stream::iter(initial.into_iter().map(Ok::<_, Infallible>)).chain(live);
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(stream),
    )
        .into_response())
}

fn gone_line() -> Bytes {
    let status =
        ApiError::gone("the watch fell too far behind; too old resource version").to_status();
    event_line("ERROR", &status)
}

/// The event a watcher with `sel` sees for a change: selector membership turns
/// modifications into `ADDED`/`DELETED`.
fn classify(
    sel: &Selectors,
    kind: EventType,
    obj: &Value,
    prev: Option<&Value>,
) -> Option<&'static str> {
    let now = sel.matches(obj);
    let before = prev.is_some_and(|p| sel.matches(p));
    match kind {
        EventType::Added => now.then_some("ADDED"),
        EventType::Deleted => (before || now).then_some("DELETED"),
        EventType::Modified => match (before, now) {
            (true, true) => Some("MODIFIED"),
            (false, true) => Some("ADDED"),
            (true, false) => Some("DELETED"),
            (false, false) => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_verbs_and_resources_as_kube_apiserver_counts_them() {
        let v = |m: Method, u: &str| verb_of(&m, &u.parse::<Uri>().unwrap());
        assert_eq!(v(Method::GET, "/api/v1/namespaces/a/configmaps"), "LIST");
        assert_eq!(v(Method::GET, "/api/v1/namespaces/a/configmaps/x"), "GET");
        assert_eq!(v(Method::GET, "/api/v1/namespaces/a"), "GET");
        assert_eq!(v(Method::GET, "/api/v1/namespaces"), "LIST");
        assert_eq!(
            v(Method::GET, "/apis/apps/v1/deployments?watch=true"),
            "WATCH"
        );
        assert_eq!(
            v(
                Method::PATCH,
                "/apis/apps/v1/namespaces/a/deployments/d?fieldManager=roam"
            ),
            "APPLY"
        );
        assert_eq!(
            v(Method::DELETE, "/api/v1/namespaces/a/pods"),
            "DELETECOLLECTION"
        );
        assert_eq!(
            resource_of("/apis/apps/v1/namespaces/a/deployments/d/status"),
            "deployments"
        );
        assert_eq!(resource_of("/api/v1/namespaces/a"), "namespaces");
        assert_eq!(resource_of("/version"), "");
    }
}
