//! Object semantics: create, get, list, update, patch, delete on the store, with the
//! Kubernetes rules for metadata, optimistic concurrency, status subresources,
//! finalizers, namespaces and CRDs.

use crate::error::ApiError;
use crate::object::{self, meta_mut, meta_str};
use crate::patch::{self, PatchType};
use crate::registry::{self, Registry, ResourceType};
use crate::selector::{FieldSelector, LabelSelector};
use crate::store::{Event, EventType, Store, Write};
use serde_json::{Value, json};
use std::sync::Arc;

/// The finalizer that keeps a CRD until its instances are gone.
pub const CRD_CLEANUP: &str = "customresourcecleanup.apiextensions.k8s.io";

/// The finalizer of an object whose dependents are being deleted first.
pub const FOREGROUND: &str = "foregroundDeletion";

/// Largest accepted object, as kube-apiserver (1.5 MiB).
pub const MAX_OBJECT_BYTES: usize = 3 * 1024 * 1024 / 2;

/// Namespaces that exist from the start.
pub const SYSTEM_NAMESPACES: [&str; 4] =
    ["default", "kube-system", "kube-public", "kube-node-lease"];

/// The API server's state: the store, the registry and the bearer token.
pub struct ApiServer {
    pub store: Arc<Store>,
    pub registry: Registry,
    /// When set, every request must carry `Authorization: Bearer <token>`.
    pub token: Option<String>,
    /// The line caches of this server's watch classes (see `http.rs`).
    pub(crate) watch_classes: crate::http::WatchClasses,
    /// Requests served, by verb, resource and status code (`/metrics`).
    pub(crate) requests: crate::http::RequestCounts,
}

/// Where a request points: a resource, optionally a namespace, name and subresource.
#[derive(Debug, Clone)]
pub struct Target {
    pub rt: Arc<ResourceType>,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub status: bool,
}

/// The store key prefix of a resource, optionally within one namespace.
pub fn prefix(rt: &ResourceType, namespace: Option<&str>) -> String {
    // events.k8s.io/v1 Events are stored as core/v1 Events (one store, two views).
    let g = if rt.group.is_empty() || crate::events::is_events_v1(rt) {
        "core"
    } else {
        &rt.group
    };
    match (rt.namespaced, namespace) {
        (true, Some(ns)) => format!("/{g}/{}/{ns}/", rt.plural),
        (true, None) => format!("/{g}/{}/", rt.plural),
        (false, _) => format!("/{g}/{}//", rt.plural),
    }
}

pub fn key(rt: &ResourceType, namespace: Option<&str>, name: &str) -> String {
    format!("{}{name}", prefix(rt, namespace))
}

/// Selectors of a list or watch.
#[derive(Debug, Default, Clone)]
pub struct Selectors {
    pub labels: LabelSelector,
    pub fields: FieldSelector,
}

impl Selectors {
    pub fn parse(
        rt: &ResourceType,
        label: Option<&str>,
        field: Option<&str>,
    ) -> Result<Self, ApiError> {
        let labels = LabelSelector::parse(label.unwrap_or("")).map_err(ApiError::bad_request)?;
        let mut supported = vec!["metadata.name", "metadata.namespace"];
        match (rt.group.as_str(), rt.plural.as_str()) {
            ("", "events") => supported.extend([
                "involvedObject.kind",
                "involvedObject.namespace",
                "involvedObject.name",
                "involvedObject.uid",
                "involvedObject.apiVersion",
                "involvedObject.resourceVersion",
                "involvedObject.fieldPath",
                "reason",
                "reportingComponent",
                "source",
                "type",
            ]),
            ("events.k8s.io", "events") => supported.extend([
                "regarding.kind",
                "regarding.namespace",
                "regarding.name",
                "regarding.uid",
                "regarding.apiVersion",
                "regarding.resourceVersion",
                "regarding.fieldPath",
                "reason",
                "reportingController",
                "type",
            ]),
            ("", "namespaces") => supported.push("status.phase"),
            _ => {}
        }
        let fields =
            FieldSelector::parse(field.unwrap_or(""), &supported).map_err(ApiError::bad_request)?;
        Ok(Selectors { labels, fields })
    }

    pub fn matches(&self, obj: &Value) -> bool {
        self.labels.matches(obj) && self.fields.matches(obj)
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.fields.is_empty()
    }
}

/// A page of a list.
#[derive(Debug)]
pub struct ListPage {
    /// The items as JSON.
    pub items: Vec<axum::body::Bytes>,
    pub rev: u64,
    pub continue_token: Option<String>,
    pub remaining: Option<usize>,
}

/// Options of a write.
#[derive(Debug, Default, Clone)]
pub struct WriteOptions {
    pub dry_run: bool,
    /// `fieldManager` (or the client's User-Agent): who owns the fields written.
    pub field_manager: Option<String>,
    /// `force=true` on server-side apply: take over conflicting fields.
    pub force: bool,
    /// `DeleteOptions.propagationPolicy` for deletes.
    pub propagation: Propagation,
    /// `fieldValidation`: what unknown fields do.
    pub field_validation: crate::schema::FieldValidation,
    /// Warnings for the client (`Warning` headers), collected during the write.
    pub warnings: Arc<std::sync::Mutex<Vec<String>>>,
}

/// What happens to an object's dependents (objects whose `ownerReferences` name it)
/// when it is deleted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Propagation {
    /// Delete the owner now; dependents whose owners are all gone are deleted after it.
    #[default]
    Background,
    /// Delete the dependents first, then the owner: the owner carries the
    /// `foregroundDeletion` finalizer until no dependent with `blockOwnerDeletion` is left.
    Foreground,
    /// Remove the owner's reference from its dependents and keep them.
    Orphan,
}

impl Propagation {
    pub fn parse(s: &str) -> Result<Self, ApiError> {
        match s {
            "Background" => Ok(Propagation::Background),
            "Foreground" => Ok(Propagation::Foreground),
            "Orphan" => Ok(Propagation::Orphan),
            other => Err(ApiError::bad_request(format!(
                "propagationPolicy {other:?} is not one of Background, Foreground, Orphan"
            ))),
        }
    }
}

impl ApiServer {
    /// A server over `store`: registers stored CRDs and creates the system namespaces.
    pub fn new(store: Arc<Store>, token: Option<String>) -> Result<Arc<Self>, ApiError> {
        let srv = Arc::new(ApiServer {
            store,
            registry: Registry::with_builtins(),
            token,
            watch_classes: Default::default(),
            requests: Default::default(),
        });
        let crd_rt = srv.builtin("apiextensions.k8s.io", "customresourcedefinitions");
        let (crds, _) = srv.store.list(&prefix(&crd_rt, None));
        for crd in crds {
            let name = meta_str(&crd, "name").unwrap_or_default().to_string();
            match registry::crd_types(&crd) {
                Ok(types) => srv.registry.set_crd(&name, types),
                Err((field, msg)) => {
                    tracing::warn!("stored CRD {name} is invalid ({field}: {msg}); not served")
                }
            }
        }
        let ns_rt = srv.builtin("", "namespaces");
        for ns in SYSTEM_NAMESPACES {
            if srv.store.get(&key(&ns_rt, None, ns)).is_none() {
                let t = Target {
                    rt: ns_rt.clone(),
                    namespace: None,
                    name: None,
                    status: false,
                };
                srv.create(
                    &t,
                    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
                    &WriteOptions::default(),
                )?;
            }
        }
        Ok(srv)
    }

    fn builtin(&self, group: &str, plural: &str) -> Arc<ResourceType> {
        self.registry
            .all()
            .into_iter()
            .find(|t| t.group == group && t.plural == plural && t.crd.is_none())
            .expect("built-in resource is registered")
    }

    /// Rewrites `apiVersion` to the version served at `rt` (CRDs with several versions).
    pub fn present(rt: &ResourceType, obj: &Value) -> Value {
        if crate::events::is_events_v1(rt) {
            return crate::events::from_core(obj);
        }
        let mut o = obj.clone();
        if let Some(m) = o.as_object_mut() {
            m.insert("apiVersion".into(), json!(rt.api_version()));
        }
        o
    }

    /// Whether clients of `rt` see `obj` in another form than it is stored in.
    pub fn needs_present(rt: &ResourceType, obj: &Value) -> bool {
        crate::events::is_events_v1(rt) || obj["apiVersion"].as_str() != Some(&rt.api_version())
    }

    /// [`Self::present`] without a copy when the stored form is what clients see.
    pub fn present_shared(rt: &ResourceType, obj: &Arc<Value>) -> Arc<Value> {
        if Self::needs_present(rt, obj) {
            Arc::new(Self::present(rt, obj))
        } else {
            obj.clone()
        }
    }

    /// Whether stored JSON is what clients of `rt` see. serde_json writes keys in
    /// order, so `apiVersion` comes first; anything else is checked by parsing.
    pub fn stored_form_shown(rt: &ResourceType, json: &[u8]) -> bool {
        if crate::events::is_events_v1(rt) {
            return false;
        }
        let head = format!("{{\"apiVersion\":\"{}\"", rt.api_version());
        json.starts_with(head.as_bytes())
            || serde_json::from_slice::<Value>(json)
                .is_ok_and(|v| v["apiVersion"].as_str() == Some(&rt.api_version()))
    }

    /// The object as clients of `t.rt` see it, as JSON (the stored bytes when possible).
    pub fn get_json(&self, t: &Target) -> Result<axum::body::Bytes, ApiError> {
        let name = t.name.as_deref().unwrap_or_default();
        let json = self
            .store
            .get_json(&key(&t.rt, t.namespace.as_deref(), name))
            .ok_or_else(|| ApiError::not_found(&t.rt.group, &t.rt.plural, name))?;
        if Self::stored_form_shown(&t.rt, &json) {
            return Ok(json);
        }
        let obj: Value = serde_json::from_slice(&json).unwrap_or(Value::Null);
        Ok(serde_json::to_vec(&Self::present(&t.rt, &obj))
            .unwrap_or_default()
            .into())
    }

    pub fn get(&self, t: &Target) -> Result<Value, ApiError> {
        let name = t.name.as_deref().unwrap_or_default();
        let obj = self
            .store
            .get(&key(&t.rt, t.namespace.as_deref(), name))
            .ok_or_else(|| ApiError::not_found(&t.rt.group, &t.rt.plural, name))?;
        Ok(Self::present(&t.rt, &obj))
    }

    /// The matching objects and the revision of the list.
    pub fn list(&self, t: &Target, sel: &Selectors) -> (Vec<Value>, u64) {
        let (items, rev) = self.store.list(&prefix(&t.rt, t.namespace.as_deref()));
        let items = items
            .iter()
            .map(|o| Self::present(&t.rt, o))
            .filter(|o| sel.matches(o))
            .collect();
        (items, rev)
    }

    /// One page of a list (`limit`/`continue`). Pages after the first continue from the
    /// key where the previous page stopped, over the current state, and report the
    /// first page's resourceVersion (there are no snapshots of past revisions).
    pub fn list_page(
        &self,
        t: &Target,
        sel: &Selectors,
        limit: Option<usize>,
        cont: Option<&str>,
    ) -> Result<ListPage, ApiError> {
        let (rev, after) = match cont.filter(|c| !c.is_empty()) {
            None => (self.store.revision(), None),
            Some(c) => {
                let bad = || ApiError::bad_request(format!("invalid continue token {c:?}"));
                let bytes = (0..c.len())
                    .step_by(2)
                    .map(|i| c.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
                    .collect::<Option<Vec<u8>>>()
                    .ok_or_else(bad)?;
                let v: Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
                let rev = v["rv"].as_u64().ok_or_else(bad)?;
                let start = v["start"].as_str().ok_or_else(bad)?.to_string();
                (rev, Some(start))
            }
        };
        let limit = limit.unwrap_or(usize::MAX);
        let mut items = Vec::new();
        let mut last_key = None;
        let mut remaining = 0usize;
        let pfx = prefix(&t.rt, t.namespace.as_deref());
        let plain = sel.is_empty();
        let visit = |k: &str, json: &axum::body::Bytes| {
            // The stored JSON goes out as it is unless a selector or another
            // presentation needs the object.
            let shown = if plain && Self::stored_form_shown(&t.rt, json) {
                Some(json.clone())
            } else {
                let obj: Value = serde_json::from_slice(json).unwrap_or(Value::Null);
                let obj = Self::present(&t.rt, &obj);
                sel.matches(&obj)
                    .then(|| axum::body::Bytes::from(serde_json::to_vec(&obj).unwrap_or_default()))
            };
            if let Some(shown) = shown {
                if items.len() < limit {
                    items.push(shown);
                    last_key = Some(k.to_string());
                } else {
                    remaining += 1;
                }
            }
            true
        };
        let required = sel.labels.required_values();
        let now = if required.is_empty() {
            self.store.scan(&pfx, after.as_deref(), visit)
        } else {
            self.store
                .scan_labelled(&pfx, after.as_deref(), &required, visit)
        };
        let rev = if after.is_some() { rev } else { now };
        let continue_token = match (remaining, last_key) {
            (1.., Some(last_key)) => {
                let token = json!({"rv": rev, "start": last_key}).to_string();
                Some(token.bytes().map(|b| format!("{b:02x}")).collect())
            }
            _ => None,
        };
        Ok(ListPage {
            items,
            rev,
            remaining: continue_token.as_ref().map(|_| remaining),
            continue_token,
        })
    }

    fn check_namespace(&self, rt: &ResourceType, ns: Option<&str>) -> Result<(), ApiError> {
        if !rt.namespaced {
            return Ok(());
        }
        let Some(ns) = ns else {
            return Err(ApiError::bad_request(format!(
                "{} is namespaced: the request must name a namespace",
                rt.plural
            )));
        };
        let ns_rt = self.builtin("", "namespaces");
        match self.store.get(&key(&ns_rt, None, ns)) {
            None => Err(ApiError::not_found("", "namespaces", ns)),
            Some(n) if n["metadata"]["deletionTimestamp"].is_string() => {
                Err(ApiError::forbidden(format!(
                    "unable to create new content in namespace {ns} because it is being terminated"
                )))
            }
            Some(_) => Ok(()),
        }
    }

    /// Checks `apiVersion`/`kind` against the resource (filling them in when absent),
    /// the namespace against the URL, and the shape of `metadata`.
    fn check_body(t: &Target, body: &mut Value) -> Result<(), ApiError> {
        let rt = &t.rt;
        let Some(obj) = body.as_object_mut() else {
            return Err(ApiError::bad_request(format!(
                "the body of a {} request must be a JSON object",
                rt.kind
            )));
        };
        match obj.get("apiVersion").and_then(Value::as_str) {
            None => {
                obj.insert("apiVersion".into(), json!(rt.api_version()));
            }
            Some(v) if v == rt.api_version() => {}
            Some(v) => {
                return Err(ApiError::bad_request(format!(
                    "the API version in the data ({v}) does not match the expected API version ({})",
                    rt.api_version()
                )));
            }
        }
        match obj.get("kind").and_then(Value::as_str) {
            None => {
                obj.insert("kind".into(), json!(rt.kind));
            }
            Some(k) if k == rt.kind => {}
            Some(k) => {
                return Err(ApiError::bad_request(format!(
                    "the kind in the data ({k}) does not match the expected kind ({}) for {}",
                    rt.kind, rt.plural
                )));
            }
        }
        match obj.get("metadata") {
            None | Some(Value::Object(_)) => {}
            Some(_) => {
                return Err(ApiError::bad_request(format!(
                    "{}: metadata must be an object",
                    rt.kind
                )));
            }
        }
        let meta = meta_mut(body);
        if rt.namespaced {
            let url_ns = t.namespace.as_deref().unwrap_or_default();
            match meta.get("namespace").and_then(Value::as_str) {
                Some(ns) if !ns.is_empty() && ns != url_ns => {
                    return Err(ApiError::bad_request(format!(
                        "the namespace of the provided object ({ns}) does not match the namespace sent on the request ({url_ns})"
                    )));
                }
                _ => {
                    meta.insert("namespace".into(), json!(url_ns));
                }
            }
        } else {
            meta.remove("namespace");
        }
        for (field, want) in [
            ("labels", "map of strings"),
            ("annotations", "map of strings"),
        ] {
            if let Some(v) = meta.get(field)
                && !v.is_null()
                && !v
                    .as_object()
                    .is_some_and(|m| m.values().all(Value::is_string))
            {
                return Err(ApiError::bad_request(format!(
                    "{}: metadata.{field} must be a {want}",
                    rt.kind
                )));
            }
        }
        Ok(())
    }

    /// Kind-specific defaults and CRD acceptance.
    fn prepare(&self, rt: &ResourceType, obj: &mut Value, name: &str) -> Result<(), ApiError> {
        if let Some(schema) = rt.schema.as_ref().filter(|_| rt.is_custom()) {
            apply_defaults(obj, schema, true);
        }
        builtin_defaults(rt, obj);
        match (rt.group.as_str(), rt.plural.as_str()) {
            ("", "namespaces") if obj["status"]["phase"].is_null() => {
                obj["status"] = json!({"phase": "Active"});
            }
            ("apiextensions.k8s.io", "customresourcedefinitions") => {
                let types = registry::crd_types(obj).map_err(|(field, msg)| {
                    ApiError::invalid(&rt.group, &rt.kind, name, &field, "FieldValueInvalid", &msg)
                })?;
                let group = obj["spec"]["group"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                let plural = obj["spec"]["names"]["plural"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                if self.registry.conflicts(&group, &plural, name) {
                    return Err(ApiError::invalid(
                        &rt.group,
                        &rt.kind,
                        name,
                        "spec.names.plural",
                        "FieldValueInvalid",
                        &format!("Invalid value: \"{plural}\": {plural}.{group} is already served"),
                    ));
                }
                if types.is_empty() {
                    return Err(ApiError::invalid(
                        &rt.group,
                        &rt.kind,
                        name,
                        "spec.versions",
                        "FieldValueInvalid",
                        "Invalid value: no version is served",
                    ));
                }
                let now = object::now();
                let mut accepted = obj["spec"]["names"].clone();
                if accepted["singular"].is_null() {
                    accepted["singular"] = json!(types[0].singular);
                }
                if accepted["listKind"].is_null() {
                    accepted["listKind"] = json!(format!("{}List", types[0].kind));
                }
                let stored: Vec<Value> = obj["spec"]["versions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|v| v["storage"].as_bool() == Some(true))
                    .map(|v| v["name"].clone())
                    .collect();
                obj["status"] = json!({
                    "acceptedNames": accepted,
                    "storedVersions": stored,
                    "conditions": [
                        {"type": "NamesAccepted", "status": "True", "reason": "NoConflicts",
                         "message": "no conflicts found", "lastTransitionTime": now},
                        {"type": "Established", "status": "True", "reason": "InitialNamesAccepted",
                         "message": "the initial names have been accepted", "lastTransitionTime": now},
                    ],
                });
            }
            _ => {}
        }
        Ok(())
    }

    /// The stored objects whose `ownerReferences` name `uid`.
    fn dependents(&self, uid: &str) -> Vec<(String, Arc<Value>)> {
        self.store.dependents(uid)
    }

    /// The resource a store key belongs to and the object's namespace and name.
    fn target_of_key(&self, k: &str) -> Option<Target> {
        let parts: Vec<&str> = k.split('/').collect();
        let [_, g, plural, ns, name] = parts.as_slice() else {
            return None;
        };
        let group = if *g == "core" { "" } else { g };
        let rt = self
            .registry
            .all()
            .into_iter()
            .find(|t| t.group == group && t.plural == *plural)?;
        Some(Target {
            rt,
            namespace: (!ns.is_empty()).then(|| ns.to_string()),
            name: Some(name.to_string()),
            status: false,
        })
    }

    /// Background garbage collection after the object `uid` was removed: dependents
    /// with no remaining owner are deleted (in turn collecting theirs).
    fn collect_dependents(&self, uid: &str) {
        let deps = self.dependents(uid);
        if deps.is_empty() {
            return;
        }
        for (k, dep) in deps {
            let owners_left = dep["metadata"]["ownerReferences"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r["uid"].as_str())
                .any(|u| u != uid && self.store.key_of_uid(u).is_some());
            if owners_left {
                continue;
            }
            if let Some(t) = self.target_of_key(&k)
                && let Err(e) = self.delete(&t, &WriteOptions::default())
                && e.code != 404
            {
                tracing::warn!("garbage-collecting {k}: {}", e.message);
            }
        }
    }

    /// An object created with owner references none of which names a live object
    /// is garbage already (its owners went away while it was being created): it is
    /// deleted at once, as the garbage collector would.
    fn collect_if_orphaned(&self, rt: &ResourceType, obj: &Value) {
        let Some(refs) = obj["metadata"]["ownerReferences"]
            .as_array()
            .filter(|r| !r.is_empty())
        else {
            return;
        };
        let ns = meta_str(obj, "namespace");
        let alive = refs.iter().any(|r| {
            let (group, version) = match r["apiVersion"].as_str().unwrap_or("").split_once('/') {
                Some((g, v)) => (g.to_string(), v.to_string()),
                None => (
                    String::new(),
                    r["apiVersion"].as_str().unwrap_or("").to_string(),
                ),
            };
            let Some(owner_rt) = self.registry.all().into_iter().find(|t| {
                t.group == group
                    && t.version == version
                    && Some(t.kind.as_str()) == r["kind"].as_str()
            }) else {
                // An owner of a kind this server does not know: assume it lives.
                return true;
            };
            let owner_ns = if owner_rt.namespaced { ns } else { None };
            self.store
                .get(&key(&owner_rt, owner_ns, r["name"].as_str().unwrap_or("")))
                .is_some_and(|o| o["metadata"]["uid"] == r["uid"])
        });
        let t = Target {
            rt: Arc::new(rt.clone()),
            namespace: ns.map(str::to_string),
            name: meta_str(obj, "name").map(str::to_string),
            status: false,
        };
        if !alive
            && let Err(e) = self.delete(&t, &WriteOptions::default())
            && e.code != 404
        {
            tracing::warn!("collecting an orphan: {}", e.message);
        }
    }

    fn after_write(&self, rt: &ResourceType, event: &Event) {
        if event.kind == EventType::Deleted
            && let Some(uid) = meta_str(&event.object, "uid")
        {
            self.collect_dependents(uid);
            // An owner deleted in the foreground may have been waiting for this one.
            for r in event.object["metadata"]["ownerReferences"]
                .as_array()
                .into_iter()
                .flatten()
            {
                if let Some(owner) = r["uid"].as_str() {
                    self.finish_foreground(owner);
                }
            }
        }
        if rt.group == "apiextensions.k8s.io" && rt.plural == "customresourcedefinitions" {
            let name = meta_str(&event.object, "name")
                .unwrap_or_default()
                .to_string();
            match event.kind {
                EventType::Deleted => {
                    // The CRD's instances go with it (normally they are gone already:
                    // its cleanup finalizer waits for them).
                    let served = self
                        .registry
                        .all()
                        .into_iter()
                        .find(|t| t.crd.as_deref() == Some(&name));
                    self.registry.remove_crd(&name);
                    if let Some(t) = served {
                        self.delete_all(&prefix(&t, None));
                    }
                }
                _ => {
                    if let Ok(types) = registry::crd_types(&event.object) {
                        self.registry.set_crd(&name, types);
                    }
                    let newly_deleting = event.object["metadata"]["deletionTimestamp"].is_string()
                        && !event
                            .prev
                            .as_ref()
                            .is_some_and(|p| p["metadata"]["deletionTimestamp"].is_string());
                    if newly_deleting {
                        self.cleanup_crd(&name);
                    }
                }
            }
        }
        // The last instance of a terminating CRD is gone: remove the CRD.
        if event.kind == EventType::Deleted
            && let Some(crd) = rt.crd.as_deref()
        {
            self.finish_crd(crd);
        }
        // The last object of a terminating namespace is gone: remove the namespace.
        if event.kind == EventType::Deleted
            && rt.namespaced
            && let Some(ns) = meta_str(&event.object, "namespace")
        {
            self.finish_namespace(ns);
        }
    }

    /// Whether no namespaced object is left in `ns`.
    fn namespace_empty(&self, ns: &str) -> bool {
        self.registry
            .all()
            .iter()
            .filter(|t| t.namespaced)
            .all(|t| self.store.keys(&prefix(t, Some(ns))).is_empty())
    }

    /// Removes a terminating namespace once it is empty and has no finalizers.
    fn finish_namespace(&self, ns: &str) {
        let ns_rt = self.builtin("", "namespaces");
        let k = key(&ns_rt, None, ns);
        let terminating = self
            .store
            .get(&k)
            .is_some_and(|n| n["metadata"]["deletionTimestamp"].is_string());
        if !terminating || !self.namespace_empty(ns) {
            return;
        }
        let removed = self.store.mutate(&k, |cur, _| {
            Ok(match cur {
                Some(c)
                    if c["metadata"]["deletionTimestamp"].is_string()
                        && c["metadata"]["finalizers"]
                            .as_array()
                            .is_none_or(|f| f.is_empty()) =>
                {
                    Write::Delete
                }
                _ => Write::Unchanged,
            })
        });
        if let Err(e) = removed {
            tracing::warn!("removing namespace {ns}: {}", e.message);
        }
    }

    /// DELETE of a namespace: it turns `Terminating`, its contents are deleted
    /// (honouring their finalizers), and it is removed once empty.
    fn delete_namespace(&self, t: &Target) -> Result<Value, ApiError> {
        let rt = &t.rt;
        let name = t.name.clone().unwrap_or_default();
        let k = key(rt, None, &name);
        self.store.mutate(&k, |cur, _| {
            let cur = cur.ok_or_else(|| ApiError::not_found("", "namespaces", &name))?;
            if cur["metadata"]["deletionTimestamp"].is_string() {
                return Ok(Write::Unchanged);
            }
            let mut marked = cur.clone();
            meta_mut(&mut marked).insert("deletionTimestamp".into(), json!(object::now()));
            marked["status"]["phase"] = json!("Terminating");
            Ok(Write::Put(marked))
        })?;
        let last = self.store.get(&k);
        for content_rt in self.registry.all().into_iter().filter(|t| t.namespaced) {
            for ck in self.store.keys(&prefix(&content_rt, Some(&name))) {
                if let Some(ct) = self.target_of_key(&ck)
                    && let Err(e) = self.delete(&ct, &WriteOptions::default())
                    && e.code != 404
                {
                    tracing::warn!("deleting {ck} with its namespace: {}", e.message);
                }
            }
        }
        self.finish_namespace(&name);
        let now = self.store.get(&k).or(last);
        Ok(now.map(|o| Self::present(rt, &o)).unwrap_or(Value::Null))
    }

    /// A CRD marked for deletion: its instances are deleted (honouring their
    /// finalizers); the CRD goes when the last one has.
    fn cleanup_crd(&self, crd_name: &str) {
        if let Some(t) = self
            .registry
            .all()
            .into_iter()
            .find(|t| t.crd.as_deref() == Some(crd_name))
        {
            for k in self.store.keys(&prefix(&t, None)) {
                let parts: Vec<&str> = k.split('/').collect();
                let [_, _, _, ns, name] = parts.as_slice() else {
                    continue;
                };
                let it = Target {
                    rt: t.clone(),
                    namespace: (!ns.is_empty()).then(|| ns.to_string()),
                    name: Some(name.to_string()),
                    status: false,
                };
                if let Err(e) = self.delete(&it, &WriteOptions::default())
                    && e.code != 404
                {
                    tracing::warn!("deleting {k} with its CRD: {}", e.message);
                }
            }
        }
        self.finish_crd(crd_name);
    }

    /// Removes the cleanup finalizer of a terminating CRD once it has no instances.
    fn finish_crd(&self, crd_name: &str) {
        let crd_rt = self.builtin("apiextensions.k8s.io", "customresourcedefinitions");
        let k = key(&crd_rt, None, crd_name);
        let Some(crd) = self.store.get(&k) else {
            return;
        };
        if !crd["metadata"]["deletionTimestamp"].is_string() {
            return;
        }
        let left = self
            .registry
            .all()
            .into_iter()
            .find(|t| t.crd.as_deref() == Some(crd_name))
            .is_some_and(|t| !self.store.keys(&prefix(&t, None)).is_empty());
        if left {
            return;
        }
        let event = self.store.mutate(&k, |cur, _| {
            let Some(cur) = cur else {
                return Ok(Write::Unchanged);
            };
            let fins = cur["metadata"]["finalizers"].as_array();
            if !fins.is_some_and(|f| f.iter().any(|f| f == CRD_CLEANUP)) {
                return Ok(Write::Unchanged);
            }
            let rest: Vec<Value> = fins
                .into_iter()
                .flatten()
                .filter(|f| *f != CRD_CLEANUP)
                .cloned()
                .collect();
            if rest.is_empty() {
                return Ok(Write::Delete);
            }
            let mut next = cur.clone();
            next["metadata"]["finalizers"] = Value::Array(rest);
            Ok(Write::Put(next))
        });
        match event {
            Ok(Some(e)) => self.after_write(&crd_rt, &e),
            Ok(None) => {}
            Err(e) => tracing::warn!("removing CRD {crd_name}: {}", e.message),
        }
    }

    /// Removes every object under `prefix` (finalizers are not waited for).
    fn delete_all(&self, prefix: &str) {
        for k in self.store.keys(prefix) {
            if let Err(e) = self.store.mutate(&k, |_, _| Ok(Write::Delete)) {
                tracing::warn!("deleting {k}: {e}");
            }
        }
    }

    pub fn create(
        &self,
        t: &Target,
        mut body: Value,
        opts: &WriteOptions,
    ) -> Result<Value, ApiError> {
        let rt = &t.rt;
        Self::check_body(t, &mut body)?;
        self.check_namespace(rt, t.namespace.as_deref())?;
        let meta = meta_mut(&mut body);
        let mut name = meta
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let generate = meta
            .get("generateName")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if name.is_empty() {
            if generate.is_empty() {
                return Err(ApiError::invalid(
                    &rt.group,
                    &rt.kind,
                    "",
                    "metadata.name",
                    "FieldValueRequired",
                    "Required value: name or generateName is required",
                ));
            }
            name = format!("{generate}{}", object::random_suffix());
            meta.insert("name".into(), json!(name));
        }
        let label_only = rt.group.is_empty() && rt.plural == "namespaces";
        if let Some(msg) = object::name_error(&name, label_only) {
            return Err(ApiError::invalid(
                &rt.group,
                &rt.kind,
                &name,
                "metadata.name",
                "FieldValueInvalid",
                &msg,
            ));
        }
        meta.insert("uid".into(), json!(uuid::Uuid::new_v4().to_string()));
        meta.insert("creationTimestamp".into(), json!(object::now()));
        if has_generation(rt) {
            meta.insert("generation".into(), json!(1));
        } else {
            meta.remove("generation");
        }
        for f in [
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "resourceVersion",
            "selfLink",
        ] {
            meta.remove(f);
        }
        if rt.status_subresource
            && let Some(o) = body.as_object_mut()
        {
            o.remove("status");
        }
        self.prepare(rt, &mut body, &name)?;
        check_fields(t, &mut body, None, &name, opts)?;
        if let Some(crd) = rt.crd.as_deref() {
            let crd_rt = self.builtin("apiextensions.k8s.io", "customresourcedefinitions");
            if self
                .store
                .get(&key(&crd_rt, None, crd))
                .is_some_and(|c| c["metadata"]["deletionTimestamp"].is_string())
            {
                return Err(ApiError::method_not_allowed(format!(
                    "create not allowed while custom resource definition {crd} is terminating"
                )));
            }
        }
        if let Some(m) = &opts.field_manager {
            crate::ssa::track_update(&mut body, None, m, None, &rt.api_version(), lists(rt));
        }
        check_size(&body, rt, &name)?;
        let body = stored_form(rt, body);
        if opts.dry_run {
            return Ok(Self::present(rt, &body));
        }
        let k = key(rt, t.namespace.as_deref(), &name);
        let event = self
            .store
            .mutate(&k, |cur, _| match cur {
                Some(_) => Err(ApiError::already_exists(&rt.group, &rt.plural, &name)),
                None => Ok(Write::Put(body)),
            })?
            .ok_or_else(|| ApiError::internal("create wrote nothing"))?;
        self.after_write(rt, &event);
        self.collect_if_orphaned(rt, &event.object);
        Ok(Self::present(rt, &event.object))
    }

    /// Turns a requested new state into the stored one: keeps system fields, applies the
    /// status-subresource rules, bumps `generation`, enforces finalizer rules.
    fn reconcile_update(
        t: &Target,
        cur: &Value,
        mut new: Value,
        name: &str,
    ) -> Result<Write, ApiError> {
        let rt = &t.rt;
        let new_name = meta_str(&new, "name").unwrap_or(name).to_string();
        if new_name != name {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({new_name}) does not match the name on the URL ({name})"
            )));
        }
        if t.status {
            // Only the status changes (and, for Deployments, annotations: as
            // kube-apiserver's deployment status strategy, which the deployment
            // controller relies on to write its revision annotation).
            let mut merged = cur.clone();
            if rt.group == "apps" && rt.kind == "Deployment" {
                merged["metadata"]["annotations"] = new["metadata"]["annotations"].clone();
                if merged["metadata"]["annotations"].is_null()
                    && let Some(m) = merged["metadata"].as_object_mut()
                {
                    m.remove("annotations");
                }
            }
            merged["status"] = new.get("status").cloned().unwrap_or(Value::Null);
            if merged["status"].is_null()
                && let Some(m) = merged.as_object_mut()
            {
                m.remove("status");
            }
            if let Some(mf) = new["metadata"].get("managedFields") {
                meta_mut(&mut merged).insert("managedFields".into(), mf.clone());
            }
            new = merged;
        } else {
            if rt.status_subresource
                && let Some(m) = new.as_object_mut()
            {
                match cur.get("status") {
                    Some(s) => {
                        m.insert("status".into(), s.clone());
                    }
                    None => {
                        m.remove("status");
                    }
                }
            }
            let cm = &cur["metadata"];
            let meta = meta_mut(&mut new);
            for f in [
                "uid",
                "creationTimestamp",
                "deletionTimestamp",
                "deletionGracePeriodSeconds",
                "generation",
                "namespace",
            ] {
                match cm.get(f) {
                    Some(v) => {
                        meta.insert(f.into(), v.clone());
                    }
                    None => {
                        meta.remove(f);
                    }
                }
            }
            meta.insert("name".into(), json!(name));
            if cm["deletionTimestamp"].is_string() {
                let old: Vec<&Value> = cm["finalizers"]
                    .as_array()
                    .map(|a| a.iter().collect())
                    .unwrap_or_default();
                if let Some(added) = meta
                    .get("finalizers")
                    .and_then(Value::as_array)
                    .and_then(|a| a.iter().find(|f| !old.contains(f)))
                {
                    return Err(ApiError::invalid(
                        &rt.group,
                        &rt.kind,
                        name,
                        "metadata.finalizers",
                        "FieldValueForbidden",
                        &format!(
                            "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers [{}]",
                            added.as_str().unwrap_or_default()
                        ),
                    ));
                }
            }
        }
        let mut new = new;
        // kube-apiserver also bumps a Deployment's generation when its
        // annotations change (they are copied to its ReplicaSets); an absent
        // map equals an empty one.
        let annotations = |v: &Value| {
            v["metadata"]["annotations"]
                .as_object()
                .filter(|m| !m.is_empty())
                .cloned()
        };
        let deployment_annotations = !t.status
            && rt.group == "apps"
            && rt.kind == "Deployment"
            && annotations(cur) != annotations(&new);
        if (object::spec_changed(cur, &new) || deployment_annotations) && has_generation(rt) {
            let g = cur["metadata"]["generation"].as_i64().unwrap_or(1);
            meta_mut(&mut new).insert("generation".into(), json!(g + 1));
        }
        // Same resourceVersion as the stored object for the comparison below.
        meta_mut(&mut new).insert(
            "resourceVersion".into(),
            cur["metadata"]["resourceVersion"].clone(),
        );
        if new == *cur {
            return Ok(Write::Unchanged);
        }
        let deleting = new["metadata"]["deletionTimestamp"].is_string();
        let finalizers_left = new["metadata"]["finalizers"]
            .as_array()
            .is_some_and(|a| !a.is_empty());
        if deleting && !finalizers_left {
            return Ok(Write::Delete);
        }
        Ok(Write::Put(new))
    }

    /// PUT: replace the object (or its status), with optimistic concurrency.
    pub fn update(
        &self,
        t: &Target,
        mut body: Value,
        opts: &WriteOptions,
    ) -> Result<Value, ApiError> {
        let rt = &t.rt;
        let name = t.name.clone().unwrap_or_default();
        Self::check_body(t, &mut body)?;
        let sent_rv = meta_str(&body, "resourceVersion").map(str::to_string);
        if sent_rv.as_deref().unwrap_or("").is_empty()
            && (rt.is_custom() || rt.plural == "customresourcedefinitions")
        {
            return Err(ApiError::invalid(
                &rt.group,
                &rt.kind,
                &name,
                "metadata.resourceVersion",
                "FieldValueInvalid",
                "Invalid value: 0x0: must be specified for an update",
            ));
        }
        let mut body = body;
        if !t.status {
            self.prepare(rt, &mut body, &name)?;
        }
        check_size(&body, rt, &name)?;
        let body = stored_form(rt, body);
        self.write_existing(t, &name, opts, |cur| {
            if let Some(rv) = sent_rv.as_deref().filter(|s| !s.is_empty())
                && Some(rv) != cur["metadata"]["resourceVersion"].as_str()
            {
                return Err(ApiError::conflict(&rt.group, &rt.plural, &name));
            }
            Ok(body)
        })
    }

    /// PATCH: apply a patch to the stored object atomically.
    pub fn patch(
        &self,
        t: &Target,
        ptype: PatchType,
        body: &[u8],
        opts: &WriteOptions,
    ) -> Result<Value, ApiError> {
        let rt = &t.rt;
        let name = t.name.clone().unwrap_or_default();
        match ptype {
            PatchType::Strategic if rt.is_custom() => {
                return Err(ApiError::unsupported_media_type(
                    "the body of the request was in an unknown format - accepted media types include: \
                     application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
                ));
            }
            PatchType::Apply => return self.apply(t, body, opts),
            _ => {}
        }
        let patch: Value = serde_json::from_slice(body).map_err(|e| {
            ApiError::bad_request(format!(
                "error decoding patch for {} \"{name}\": {e}",
                rt.plural
            ))
        })?;
        self.write_existing(t, &name, opts, |cur| {
            let mut new = Self::present(rt, cur);
            match ptype {
                PatchType::Merge => patch::merge_patch(&mut new, &patch),
                PatchType::Strategic => {
                    patch::strategic_merge_patch(&mut new, &patch).map_err(|e| {
                        ApiError::bad_request(format!(
                            "invalid strategic merge patch for {} \"{name}\": {e}",
                            rt.plural
                        ))
                    })?
                }
                PatchType::Json => patch::json_patch(&mut new, &patch).map_err(|e| {
                    ApiError::invalid(
                        &rt.group,
                        &rt.kind,
                        &name,
                        "",
                        "FieldValueInvalid",
                        &format!("the JSON patch could not be applied: {e}"),
                    )
                })?,
                PatchType::Apply => {
                    return Err(ApiError::unsupported_media_type(
                        "server-side apply is not supported yet",
                    ));
                }
            }
            if meta_str(&new, "resourceVersion") != meta_str(cur, "resourceVersion") {
                return Err(ApiError::conflict(&rt.group, &rt.plural, &name));
            }
            Self::check_body(t, &mut new)?;
            if let Some(schema) = rt.schema.as_ref().filter(|_| rt.is_custom()) {
                apply_defaults(&mut new, schema, true);
            }
            builtin_defaults(rt, &mut new);
            let new = stored_form(rt, new);
            check_size(&new, rt, &name)?;
            Ok(new)
        })
    }

    /// The `autoscaling/v1` `Scale` view of an object with a `/scale` subresource.
    pub fn get_scale(&self, t: &Target) -> Result<Value, ApiError> {
        let obj = self.get(t)?;
        let Some((spec_path, status_path, selector_path)) = &t.rt.scale else {
            return Err(ApiError::path_not_found(&format!("{}/scale", t.rt.plural)));
        };
        let at = |p: &str| -> Value {
            let mut v = &obj;
            for part in p.trim_start_matches('.').split('.') {
                v = &v[part];
            }
            v.clone()
        };
        let selector = match (t.rt.is_custom(), selector_path) {
            (true, Some(p)) => at(p),
            _ => match obj["spec"]["selector"]["matchLabels"].as_object() {
                Some(m) => json!(
                    m.iter()
                        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                        .collect::<Vec<_>>()
                        .join(",")
                ),
                None => Value::Null,
            },
        };
        let m = &obj["metadata"];
        Ok(json!({
            "kind": "Scale",
            "apiVersion": "autoscaling/v1",
            "metadata": {
                "name": m["name"], "namespace": m["namespace"], "uid": m["uid"],
                "resourceVersion": m["resourceVersion"], "creationTimestamp": m["creationTimestamp"],
            },
            "spec": {"replicas": at(spec_path).as_i64().unwrap_or(0)},
            "status": {"replicas": at(status_path).as_i64().unwrap_or(0), "selector": selector},
        }))
    }

    /// Writes the replica count at the resource's scale `specReplicasPath`.
    pub fn set_replicas(
        &self,
        t: &Target,
        replicas: i64,
        opts: &WriteOptions,
    ) -> Result<Value, ApiError> {
        let rt = &t.rt;
        let name = t.name.clone().unwrap_or_default();
        let Some((spec_path, _, _)) = rt.scale.clone() else {
            return Err(ApiError::path_not_found(&format!("{}/scale", rt.plural)));
        };
        let main = Target {
            status: false,
            ..t.clone()
        };
        self.write_existing(&main, &name, opts, |cur| {
            let mut new = cur.clone();
            let parts: Vec<&str> = spec_path.trim_start_matches('.').split('.').collect();
            let mut v = &mut new;
            for part in &parts {
                if !v.is_object() {
                    *v = json!({});
                }
                v = &mut v[*part];
            }
            *v = json!(replicas);
            Ok(new)
        })
    }

    /// Server-side apply (`application/apply-patch+yaml`): creates the object if it is
    /// missing, else merges the configuration with field ownership (see [`crate::ssa`]).
    fn apply(&self, t: &Target, body: &[u8], opts: &WriteOptions) -> Result<Value, ApiError> {
        let rt = &t.rt;
        let name = t.name.clone().unwrap_or_default();
        let manager = opts
            .field_manager
            .clone()
            .filter(|m| !m.is_empty())
            .ok_or_else(|| {
                ApiError::invalid(
                    "meta.k8s.io",
                    "PatchOptions",
                    "",
                    "fieldManager",
                    "FieldValueRequired",
                    "Required value: is required for apply patch",
                )
            })?;
        // kubectl sends JSON; other clients send YAML (of which JSON is a subset).
        let mut config: Value = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(_) => crate::object::parse_yaml(body).map_err(|e| {
                ApiError::bad_request(format!(
                    "the apply configuration for {} \"{name}\" is not valid YAML: {e}",
                    rt.plural
                ))
            })?,
        };
        Self::check_body(t, &mut config)?;
        if let Some(n) = meta_str(&config, "name")
            && n != name
        {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({n}) does not match the name on the URL ({name})"
            )));
        }
        let plain = WriteOptions {
            field_manager: None,
            ..opts.clone()
        };
        let what = (rt.group.as_str(), rt.plural.as_str(), name.as_str());
        if t.status {
            // Status apply: the manager owns the status fields it applies
            // (an entry with `subresource: status`); the rest stays as it is.
            return self.write_existing(t, &name, &plain, |cur| {
                let live = Self::present(rt, cur);
                let merged = crate::ssa::apply(
                    Some(&live),
                    &config,
                    &manager,
                    opts.force,
                    &rt.api_version(),
                    lists(rt),
                    crate::ssa::Scope::Status,
                    what,
                )?;
                Ok(stored_form(rt, merged))
            });
        }
        let scope = if rt.status_subresource {
            crate::ssa::Scope::Main
        } else {
            crate::ssa::Scope::All
        };
        let k = key(rt, t.namespace.as_deref(), &name);
        if self.store.get(&k).is_none() {
            let obj = crate::ssa::apply(
                None,
                &config,
                &manager,
                opts.force,
                &rt.api_version(),
                lists(rt),
                scope,
                what,
            )?;
            return self.create(t, obj, &plain);
        }
        self.write_existing(t, &name, &plain, |cur| {
            let live = Self::present(rt, cur);
            let mut merged = crate::ssa::apply(
                Some(&live),
                &config,
                &manager,
                opts.force,
                &rt.api_version(),
                lists(rt),
                scope,
                what,
            )?;
            Self::check_body(t, &mut merged)?;
            if let Some(schema) = rt.schema.as_ref().filter(|_| rt.is_custom()) {
                apply_defaults(&mut merged, schema, true);
            }
            builtin_defaults(rt, &mut merged);
            check_size(&merged, rt, &name)?;
            Ok(stored_form(rt, merged))
        })
    }

    /// Reads the current object, lets `f` produce the requested state, reconciles and commits.
    fn write_existing<F>(
        &self,
        t: &Target,
        name: &str,
        opts: &WriteOptions,
        f: F,
    ) -> Result<Value, ApiError>
    where
        F: FnOnce(&Value) -> Result<Value, ApiError>,
    {
        let rt = &t.rt;
        let k = key(rt, t.namespace.as_deref(), name);
        let mut result: Option<Value> = None;
        let event = self.store.mutate(&k, |cur, _| {
            let cur = cur.ok_or_else(|| ApiError::not_found(&rt.group, &rt.plural, name))?;
            let mut requested = f(cur)?;
            if !crate::events::is_events_v1(rt) {
                check_fields(t, &mut requested, Some(cur), name, opts)?;
            }
            if let Some(m) = &opts.field_manager {
                crate::ssa::track_update(
                    &mut requested,
                    Some(cur),
                    m,
                    t.status.then_some("status"),
                    &rt.api_version(),
                    lists(rt),
                );
            }
            let mut w = Self::reconcile_update(t, cur, requested, name)?;
            if let Write::Put(v) = &w {
                result = Some(v.clone());
            }
            if opts.dry_run || matches!(w, Write::Unchanged) {
                result.get_or_insert_with(|| cur.clone());
                w = Write::Unchanged;
            }
            Ok(w)
        })?;
        match event {
            Some(e) => {
                self.after_write(rt, &e);
                Ok(Self::present(rt, &e.object))
            }
            None => Ok(Self::present(rt, &result.unwrap_or(Value::Null))),
        }
    }

    /// DELETE: marks the object for deletion while finalizers remain, else removes it.
    /// Returns the object's last state.
    pub fn delete(&self, t: &Target, opts: &WriteOptions) -> Result<Value, ApiError> {
        let rt = &t.rt;
        if rt.group.is_empty() && rt.plural == "namespaces" && !opts.dry_run {
            return self.delete_namespace(t);
        }
        let name = t.name.clone().unwrap_or_default();
        let k = key(rt, t.namespace.as_deref(), &name);
        if !opts.dry_run
            && let Some(uid) = self
                .store
                .get(&k)
                .and_then(|o| meta_str(&o, "uid").map(str::to_string))
        {
            match opts.propagation {
                Propagation::Background => {}
                Propagation::Orphan => {
                    for (dk, _) in self.dependents(&uid) {
                        let _ = self.store.mutate(&dk, |cur, _| {
                            let Some(cur) = cur else {
                                return Ok(Write::Unchanged);
                            };
                            let mut d = cur.clone();
                            if let Some(refs) = d["metadata"]["ownerReferences"].as_array_mut() {
                                refs.retain(|r| r["uid"] != uid.as_str());
                            }
                            Ok(Write::Put(d))
                        });
                    }
                }
                Propagation::Foreground if !self.dependents(&uid).is_empty() => {
                    return self.delete_foreground(t, &k, &uid, opts);
                }
                Propagation::Foreground => {}
            }
        }
        let mut unchanged = None;
        let is_crd = rt.group == "apiextensions.k8s.io" && rt.plural == "customresourcedefinitions";
        let event = self.store.mutate(&k, |cur, _| {
            let cur = cur.ok_or_else(|| ApiError::not_found(&rt.group, &rt.plural, &name))?;
            // As kube-apiserver: the first delete of a CRD adds the cleanup
            // finalizer, so the CRD waits for its instances to go.
            let mut with_cleanup;
            let cur = if is_crd
                && !opts.dry_run
                && !cur["metadata"]["deletionTimestamp"].is_string()
                && !cur["metadata"]["finalizers"]
                    .as_array()
                    .is_some_and(|f| f.iter().any(|f| f == CRD_CLEANUP))
            {
                with_cleanup = cur.clone();
                let fins = meta_mut(&mut with_cleanup)
                    .entry("finalizers")
                    .or_insert_with(|| json!([]));
                if !fins.is_array() {
                    *fins = json!([]);
                }
                if let Some(f) = fins.as_array_mut() {
                    f.push(json!(CRD_CLEANUP));
                }
                &with_cleanup
            } else {
                cur
            };
            let has_finalizers = cur["metadata"]["finalizers"]
                .as_array()
                .is_some_and(|a| !a.is_empty());
            if opts.dry_run {
                unchanged = Some(cur.clone());
                return Ok(Write::Unchanged);
            }
            if !has_finalizers {
                return Ok(Write::Delete);
            }
            if cur["metadata"]["deletionTimestamp"].is_string() {
                unchanged = Some(cur.clone());
                return Ok(Write::Unchanged);
            }
            let mut marked = cur.clone();
            let g = cur["metadata"]["generation"].as_i64();
            let m = meta_mut(&mut marked);
            m.insert("deletionTimestamp".into(), json!(object::now()));
            m.insert("deletionGracePeriodSeconds".into(), json!(0));
            if let Some(g) = g {
                m.insert("generation".into(), json!(g + 1));
            }
            Ok(Write::Put(marked))
        })?;
        match event {
            Some(e) => {
                self.after_write(rt, &e);
                Ok(Self::present(rt, &e.object))
            }
            None => Ok(Self::present(rt, &unchanged.unwrap_or(Value::Null))),
        }
    }

    /// Foreground deletion of an object with dependents: it gets a `deletionTimestamp`
    /// and the `foregroundDeletion` finalizer, its dependents are deleted (in the
    /// foreground too), and it goes once no dependent with `blockOwnerDeletion` is left.
    fn delete_foreground(
        &self,
        t: &Target,
        k: &str,
        uid: &str,
        opts: &WriteOptions,
    ) -> Result<Value, ApiError> {
        let rt = &t.rt;
        let name = t.name.clone().unwrap_or_default();
        let marked = self.store.mutate(k, |cur, _| {
            let cur = cur.ok_or_else(|| ApiError::not_found(&rt.group, &rt.plural, &name))?;
            let mut marked = cur.clone();
            let already = cur["metadata"]["deletionTimestamp"].is_string();
            let g = cur["metadata"]["generation"].as_i64();
            let m = meta_mut(&mut marked);
            let fins = m.entry("finalizers").or_insert_with(|| json!([]));
            if !fins.is_array() {
                *fins = json!([]);
            }
            let fins = fins.as_array_mut().expect("just made an array");
            if !fins.iter().any(|f| f == FOREGROUND) {
                fins.push(json!(FOREGROUND));
            }
            if !already {
                m.insert("deletionTimestamp".into(), json!(object::now()));
                m.insert("deletionGracePeriodSeconds".into(), json!(0));
                if let Some(g) = g {
                    m.insert("generation".into(), json!(g + 1));
                }
            }
            Ok(if marked == *cur {
                Write::Unchanged
            } else {
                Write::Put(marked)
            })
        })?;
        if let Some(e) = &marked {
            self.after_write(rt, e);
        }
        let last = self.store.get(k);
        let dep_opts = WriteOptions {
            propagation: Propagation::Foreground,
            ..opts.clone()
        };
        for (dk, _) in self.dependents(uid) {
            if let Some(dt) = self.target_of_key(&dk)
                && let Err(e) = self.delete(&dt, &dep_opts)
                && e.code != 404
            {
                tracing::warn!("deleting {dk} before its owner: {}", e.message);
            }
        }
        self.finish_foreground(uid);
        let now = self.store.get(k).or(last);
        Ok(now.map(|o| Self::present(rt, &o)).unwrap_or(Value::Null))
    }

    /// Removes the `foregroundDeletion` finalizer of the object `uid` once no
    /// dependent that blocks its deletion is left.
    fn finish_foreground(&self, uid: &str) {
        let Some(k) = self.store.key_of_uid(uid) else {
            return;
        };
        let blocked = self.dependents(uid).iter().any(|(_, d)| {
            d["metadata"]["ownerReferences"]
                .as_array()
                .is_some_and(|refs| {
                    refs.iter()
                        .any(|r| r["uid"] == uid && r["blockOwnerDeletion"] == true)
                })
        });
        if blocked {
            return;
        }
        let event = self.store.mutate(&k, |cur, _| {
            let Some(cur) = cur else {
                return Ok(Write::Unchanged);
            };
            let fins = cur["metadata"]["finalizers"].as_array();
            if !cur["metadata"]["deletionTimestamp"].is_string()
                || !fins.is_some_and(|f| f.iter().any(|f| f == FOREGROUND))
            {
                return Ok(Write::Unchanged);
            }
            let left: Vec<Value> = fins
                .into_iter()
                .flatten()
                .filter(|f| *f != FOREGROUND)
                .cloned()
                .collect();
            if left.is_empty() {
                return Ok(Write::Delete);
            }
            let mut next = cur.clone();
            next["metadata"]["finalizers"] = Value::Array(left);
            Ok(Write::Put(next))
        });
        match (event, self.target_of_key(&k)) {
            (Ok(Some(e)), Some(t)) => self.after_write(&t.rt, &e),
            (Err(e), _) => {
                tracing::warn!("finishing the foreground deletion of {k}: {}", e.message)
            }
            _ => {}
        }
    }

    /// Deletes the Events whose last activity is older than `ttl` (kube-apiserver's
    /// `--event-ttl`, one hour by default); returns how many went.
    pub fn expire_events(&self, ttl: std::time::Duration) -> usize {
        let rt = self.builtin("", "events");
        let limit = jiff::Timestamp::now().as_second() - ttl.as_secs() as i64;
        let mut gone = 0;
        for (k, e) in self.store.entries(&prefix(&rt, None)) {
            let last = [
                &e["series"]["lastObservedTime"],
                &e["lastTimestamp"],
                &e["eventTime"],
                &e["metadata"]["creationTimestamp"],
            ]
            .into_iter()
            .filter_map(|v| v.as_str())
            .filter_map(|t| t.parse::<jiff::Timestamp>().ok())
            .map(|t| t.as_second())
            .max();
            if last.is_some_and(|t| t < limit)
                && let Some(t) = self.target_of_key(&k)
                && self.delete(&t, &WriteOptions::default()).is_ok()
            {
                gone += 1;
            }
        }
        gone
    }

    /// DELETE on a collection: deletes every matching object; returns them.
    pub fn delete_collection(
        &self,
        t: &Target,
        sel: &Selectors,
        opts: &WriteOptions,
    ) -> Result<Vec<Value>, ApiError> {
        let (items, _) = self.list(t, sel);
        let mut out = Vec::new();
        for o in items {
            let one = Target {
                rt: t.rt.clone(),
                namespace: meta_str(&o, "namespace").map(str::to_string),
                name: meta_str(&o, "name").map(str::to_string),
                status: false,
            };
            match self.delete(&one, opts) {
                Ok(v) => out.push(v),
                Err(e) if e.code == 404 => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }
}

/// Unknown fields (pruned; warned about or rejected as `fieldValidation` says) and,
/// for custom resources, the CRD schema's rules. Status writes are not checked.
fn check_fields(
    t: &Target,
    obj: &mut Value,
    cur: Option<&Value>,
    name: &str,
    opts: &WriteOptions,
) -> Result<(), ApiError> {
    use crate::schema::{self, FieldValidation};
    if t.status {
        return Ok(());
    }
    let rt = &t.rt;
    let crd_schema = rt.schema.as_ref().filter(|_| rt.is_custom());
    if let Some(s) = crd_schema {
        schema::drop_nulls(s, obj);
    }
    if let Some(unknown) = schema::unknown_fields(rt, obj) {
        // Fields stored before they were checked are not the writer's doing.
        let old = cur
            .and_then(|c| schema::unknown_fields(rt, c))
            .unwrap_or_default();
        let new: Vec<String> = unknown
            .iter()
            .filter(|p| !old.contains(p))
            .map(|p| format!("unknown field \"{p}\""))
            .collect();
        if !new.is_empty() {
            match opts.field_validation {
                FieldValidation::Strict => {
                    return Err(ApiError::bad_request(format!(
                        "{kind} in version \"{v}\" cannot be handled as a {kind}: strict decoding error: {}",
                        new.join(", "),
                        kind = rt.kind,
                        v = rt.version,
                    )));
                }
                FieldValidation::Warn => opts
                    .warnings
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend(new),
                FieldValidation::Ignore => {}
            }
        }
        schema::prune(obj, &unknown);
    }
    if let Some(s) = crd_schema {
        let errors = schema::validate(s, obj);
        if !errors.is_empty() {
            let mut e = ApiError::invalid(
                &rt.group,
                &format!("{}.{}", rt.kind, rt.group),
                name,
                &errors[0].0,
                "FieldValueInvalid",
                &errors[0].1,
            );
            if errors.len() > 1 {
                let all: Vec<String> = errors.iter().map(|(f, m)| format!("{f}: {m}")).collect();
                e.message = format!(
                    "{}.{} \"{name}\" is invalid: [{}]",
                    rt.kind,
                    rt.group,
                    all.join(", ")
                );
                e.causes = errors
                    .iter()
                    .map(|(f, m)| ("FieldValueInvalid".to_string(), f.clone(), m.clone()))
                    .collect();
            }
            e.kind = Some(rt.kind.clone());
            return Err(e);
        }
    }
    Ok(())
}

fn check_size(obj: &Value, rt: &ResourceType, name: &str) -> Result<(), ApiError> {
    let len = serde_json::to_vec(obj).map(|v| v.len()).unwrap_or(0);
    if len > MAX_OBJECT_BYTES {
        return Err(ApiError::too_large(format!(
            "{} \"{name}\" is too large: {len} bytes, the limit is {MAX_OBJECT_BYTES} bytes",
            rt.kind
        )));
    }
    Ok(())
}

/// The defaults kube-apiserver fills in for built-in workload kinds (those that
/// clients such as `kubectl rollout status` and KubeVela's health rules read).
pub fn builtin_defaults(rt: &ResourceType, obj: &mut Value) {
    if rt.is_custom() || !obj["spec"].is_object() {
        return;
    }
    let spec = &mut obj["spec"];
    fn set(spec: &mut Value, field: &str, v: Value) {
        if spec[field].is_null() {
            spec[field] = v;
        }
    }
    match (rt.group.as_str(), rt.plural.as_str()) {
        ("apps", "replicasets") => set(spec, "replicas", json!(1)),
        ("apps", "deployments") => {
            set(spec, "replicas", json!(1));
            set(spec, "revisionHistoryLimit", json!(10));
            set(spec, "progressDeadlineSeconds", json!(600));
            set(spec, "strategy", json!({"type": "RollingUpdate"}));
            if spec["strategy"]["type"] == "RollingUpdate"
                && spec["strategy"]["rollingUpdate"].is_null()
            {
                spec["strategy"]["rollingUpdate"] =
                    json!({"maxUnavailable": "25%", "maxSurge": "25%"});
            }
        }
        ("apps", "statefulsets") => {
            set(spec, "replicas", json!(1));
            set(spec, "revisionHistoryLimit", json!(10));
            set(spec, "podManagementPolicy", json!("OrderedReady"));
            set(spec, "updateStrategy", json!({"type": "RollingUpdate"}));
            if spec["updateStrategy"]["type"] == "RollingUpdate"
                && spec["updateStrategy"]["rollingUpdate"].is_null()
            {
                spec["updateStrategy"]["rollingUpdate"] = json!({"partition": 0});
            }
        }
        ("apps", "daemonsets") => {
            set(spec, "revisionHistoryLimit", json!(10));
            set(spec, "updateStrategy", json!({"type": "RollingUpdate"}));
            if spec["updateStrategy"]["type"] == "RollingUpdate"
                && spec["updateStrategy"]["rollingUpdate"].is_null()
            {
                spec["updateStrategy"]["rollingUpdate"] =
                    json!({"maxUnavailable": 1, "maxSurge": 0});
            }
        }
        ("batch", "jobs") => {
            if spec["completions"].is_null() && spec["parallelism"].is_null() {
                spec["completions"] = json!(1);
            }
            set(spec, "parallelism", json!(1));
            set(spec, "backoffLimit", json!(6));
            set(spec, "completionMode", json!("NonIndexed"));
            set(spec, "suspend", json!(false));
        }
        ("", "services") => {
            set(spec, "type", json!("ClusterIP"));
            set(spec, "sessionAffinity", json!("None"));
            if let Some(ports) = spec["ports"].as_array_mut() {
                for p in ports {
                    if p["protocol"].is_null() {
                        p["protocol"] = json!("TCP");
                    }
                    if p["targetPort"].is_null() && !p["port"].is_null() {
                        p["targetPort"] = p["port"].clone();
                    }
                }
            }
        }
        _ => {}
    }
}

/// Structural defaulting for custom resources: fills in missing fields that the
/// CRD schema gives a `default`, recursively through properties, maps
/// (`additionalProperties`) and list items. `metadata` is left alone at the root.
pub fn apply_defaults(v: &mut Value, schema: &Value, root: bool) {
    if let (Some(props), Some(obj)) = (schema["properties"].as_object(), v.as_object_mut()) {
        for (k, ps) in props {
            if root && k == "metadata" {
                continue;
            }
            if !obj.contains_key(k)
                && let Some(d) = ps.get("default")
            {
                obj.insert(k.clone(), d.clone());
            }
            if let Some(child) = obj.get_mut(k) {
                apply_defaults(child, ps, false);
            }
        }
    }
    if let (Some(ap), Some(obj)) = (
        schema.get("additionalProperties").filter(|a| a.is_object()),
        v.as_object_mut(),
    ) {
        for child in obj.values_mut() {
            apply_defaults(child, ap, false);
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), v.as_array_mut()) {
        for child in arr {
            apply_defaults(child, items, false);
        }
    }
}

/// The form an object is stored in (events.k8s.io/v1 Events become core/v1).
/// Where server-side apply finds list types for `rt`.
fn lists(rt: &ResourceType) -> crate::ssa::Lists<'_> {
    if rt.is_custom() {
        crate::ssa::Lists::Schema(rt.schema.as_ref())
    } else {
        crate::ssa::Lists::Builtin
    }
}

fn stored_form(rt: &ResourceType, obj: Value) -> Value {
    if crate::events::is_events_v1(rt) {
        crate::events::to_core(&obj)
    } else {
        obj
    }
}

/// Whether kube-apiserver keeps `metadata.generation` for the kind: custom
/// resources, CRDs and the built-ins with a spec their controllers observe;
/// not ConfigMaps, Secrets, Services, Pods, Namespaces, RBAC, Events, Leases, ….
fn has_generation(rt: &crate::registry::ResourceType) -> bool {
    rt.crd.is_some()
        || matches!(
            (rt.group.as_str(), rt.kind.as_str()),
            (
                "apps",
                "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet"
            ) | ("batch", _)
                | (
                    "networking.k8s.io",
                    "Ingress" | "IngressClass" | "NetworkPolicy"
                )
                | ("autoscaling", "HorizontalPodAutoscaler")
                | ("policy", "PodDisruptionBudget")
                | ("apiextensions.k8s.io", _)
        )
}
