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
use tokio::sync::{broadcast, mpsc};

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

async fn handle(
    State(srv): State<Arc<ApiServer>>,
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

fn dispatch(srv: &ApiServer, req: &Req) -> Result<Response, ApiError> {
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
            // As kube-apiserver: the User-Agent's program name.
            let ua = req.user_agent.split('/').next().unwrap_or("").trim();
            (!ua.is_empty()).then(|| ua.to_string())
        }),
        force: req.q("force") == Some("true"),
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
        if !matches!(ct, "" | "application/json" | "*/*") {
            return Err(ApiError::unsupported_media_type(format!(
                "the body of the request was in an unsupported format ({ct}); roam's local API server \
                 accepts application/json only"
            )));
        }
        serde_json::from_slice(&req.body).map_err(|e| {
            ApiError::bad_request(format!(
                "the body of the {} request is not valid JSON: {e}",
                rt.kind
            ))
        })
    };
    if is_scale && t.name.is_some() {
        return scale(srv, req, &t, &opts);
    }
    match (&req.method, t.name.is_some()) {
        (&Method::GET, true) => {
            let obj = srv.get(&t)?;
            if req.wants_table() {
                let rev = obj["metadata"]["resourceVersion"]
                    .as_str()
                    .unwrap_or("")
                    .to_string();
                return Ok(json_response(
                    200,
                    &table::table(srv, rt, &[obj], &rev, req.q("includeObject"), true),
                ));
            }
            Ok(json_response(200, &obj))
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
                let mut tbl = table::table(
                    srv,
                    rt,
                    &page.items,
                    &page.rev.to_string(),
                    req.q("includeObject"),
                    true,
                );
                tbl["metadata"] = meta;
                return Ok(json_response(200, &tbl));
            }
            Ok(json_response(
                200,
                &json!({
                    "apiVersion": rt.api_version(),
                    "kind": format!("{}List", rt.kind),
                    "metadata": meta,
                    "items": page.items,
                }),
            ))
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
            Ok(json_response(200, &srv.patch(&t, ptype, &req.body, &opts)?))
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

/// `?watch=true`: a stream of newline-delimited JSON events.
fn watch(srv: Arc<ApiServer>, req: &Req, t: Target) -> Result<Response, ApiError> {
    let sel = Selectors::parse(&t.rt, req.q("labelSelector"), req.q("fieldSelector"))?;
    let from = match req.q("resourceVersion") {
        None | Some("") | Some("0") => None,
        Some(s) => Some(s.parse::<u64>().map_err(|_| {
            ApiError::bad_request(format!(
                "resourceVersion {s:?} is not a valid resource version"
            ))
        })?),
    };
    let timeout = req
        .q("timeoutSeconds")
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(DEFAULT_WATCH_SECONDS);
    let pfx = prefix(&t.rt, t.namespace.as_deref());
    let (start, mut rx) = srv.store.watch(&pfx, from)?;
    let table = req.wants_table();
    let bookmarks = req.q("allowWatchBookmarks") == Some("true");
    let include = req.q("includeObject").map(str::to_string);
    let (tx, body_rx) = mpsc::channel::<Result<Bytes, Infallible>>(64);
    let rt = t.rt.clone();
    tokio::spawn(async move {
        let mut first = true;
        let present = |o: &Value| ApiServer::present(&rt, o);
        let render = |kind: &str, obj: &Value, first: &mut bool| -> Bytes {
            let o = obj.clone();
            if table {
                let rev = o["metadata"]["resourceVersion"]
                    .as_str()
                    .unwrap_or("")
                    .to_string();
                let tbl = table::table(&srv, &rt, &[o], &rev, include.as_deref(), *first);
                *first = false;
                event_line(kind, &tbl)
            } else {
                event_line(kind, &o)
            }
        };
        let mut last_rev = match &start {
            WatchStart::Snapshot { rev, .. } => *rev,
            WatchStart::Events(events) => events
                .last()
                .map(|e| e.rev)
                .unwrap_or(from.unwrap_or(0))
                .max(from.unwrap_or(0)),
        };
        let initial: Vec<Bytes> = match start {
            WatchStart::Snapshot { objects, .. } => objects
                .iter()
                .map(|o| present(o))
                .filter(|o| sel.matches(o))
                .map(|o| render("ADDED", &o, &mut first))
                .collect(),
            WatchStart::Events(events) => events
                .iter()
                .filter_map(|e| {
                    let (obj, prev) = (present(&e.object), e.prev.as_deref().map(present));
                    classify(&sel, e.kind, &obj, prev.as_ref()).map(|k| render(k, &obj, &mut first))
                })
                .collect(),
        };
        for line in initial {
            if tx.send(Ok(line)).await.is_err() {
                return;
            }
        }
        let deadline = tokio::time::sleep(Duration::from_secs(timeout));
        tokio::pin!(deadline);
        let every = Duration::from_secs(BOOKMARK_SECONDS);
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        loop {
            tokio::select! {
                _ = &mut deadline => break,
                _ = tx.closed() => break,
                _ = ticks.tick(), if bookmarks => {
                    let mark = json!({
                        "kind": rt.kind,
                        "apiVersion": rt.api_version(),
                        "metadata": {"resourceVersion": last_rev.to_string()},
                    });
                    if tx.send(Ok(event_line("BOOKMARK", &mark))).await.is_err() {
                        break;
                    }
                }
                ev = rx.recv() => match ev {
                    Ok(e) => {
                        if e.rev <= last_rev {
                            continue;
                        }
                        last_rev = e.rev;
                        if !e.key.starts_with(&pfx) {
                            continue;
                        }
                        let (obj, prev) = (present(&e.object), e.prev.as_deref().map(present));
                        if let Some(k) = classify(&sel, e.kind, &obj, prev.as_ref()) {
                            let line = render(k, &obj, &mut first);
                            if tx.send(Ok(line)).await.is_err() {
                                break;
                            }
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        let status = ApiError::gone("the watch fell too far behind; too old resource version").to_status();
                        let _ = tx.send(Ok(event_line("ERROR", &status))).await;
                        break;
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                },
            }
        }
    });
    let stream = tokio_stream::wrappers::ReceiverStream::new(body_rx);
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(stream),
    )
        .into_response())
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
