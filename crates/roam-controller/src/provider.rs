//! The workflow engine's provider: what step templates' actions do to
//! clusters. `oam.#ApplyComponent` and `multicluster.#Deploy` deliver
//! components exactly as before the engine (render, record in the
//! ResourceTracker, server-side apply, health); `vela/kube` actions read and
//! write single objects; `vela/http` makes requests. Also the context
//! ConfigMap the engine's variables and memory live in.

use std::collections::{BTreeMap, HashMap};

use futures_util::StreamExt;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams};
use kube::{Client, ResourceExt};
use roam_api::labels as L;
use roam_api::{Application, ApplicationComponent, ApplicationComponentStatus};
use roam_render::render::RenderedComponent;
use roam_render::{Renderer, Target};
use roam_workflow::{ContextData, Provider, ProviderCall, ProviderOutcome};
use serde_json::{Value, json};
use tokio::sync::Mutex;

use crate::cluster::{DispatchError, LOCAL, ObjectKey};
use crate::reconcile::{Ctx, Delivery, Error, Outcome, deploy_delivery, run_delivery};
use crate::tracker::{self, Trackers};

type Delivered = BTreeMap<(String, String, String), ApplicationComponentStatus>;

struct State {
    delivered: Delivered,
    /// A cluster error: the reconcile is retried, the step not blamed.
    transient: Option<Error>,
}

/// The provider for one reconcile of one app.
pub(crate) struct StepProvider<'a> {
    ctx: &'a Ctx,
    app: &'a Application,
    renderer: &'a Renderer<'a>,
    target: &'a Target,
    ns: &'a str,
    /// Delivery steps by step name, as rendered up front.
    deliveries: &'a [(String, Result<Delivery, String>)],
    prerendered: &'a HashMap<(usize, usize), RenderedComponent>,
    state: Mutex<State>,
    /// Held only while a record is made and saved, so placements can be
    /// delivered concurrently.
    trackers: Mutex<Trackers>,
}

impl<'a> StepProvider<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        ctx: &'a Ctx,
        app: &'a Application,
        renderer: &'a Renderer<'a>,
        target: &'a Target,
        ns: &'a str,
        deliveries: &'a [(String, Result<Delivery, String>)],
        prerendered: &'a HashMap<(usize, usize), RenderedComponent>,
        trackers: Trackers,
    ) -> StepProvider<'a> {
        StepProvider {
            ctx,
            app,
            renderer,
            target,
            ns,
            deliveries,
            prerendered,
            trackers: Mutex::new(trackers),
            state: Mutex::new(State {
                delivered: BTreeMap::new(),
                transient: None,
            }),
        }
    }

    /// The trackers and component statuses after the run, and a cluster
    /// error if one happened.
    pub(crate) fn into_parts(self) -> (Trackers, Delivered, Option<Error>) {
        let s = self.state.into_inner();
        (self.trackers.into_inner(), s.delivered, s.transient)
    }

    async fn deliver(
        &self,
        step: &str,
        di: Option<usize>,
        d: &Delivery,
    ) -> Result<ProviderOutcome, String> {
        let empty = HashMap::new();
        let mut delivered = BTreeMap::new();
        let mut live = HashMap::new();
        let outcome = run_delivery(
            self.ctx,
            self.app,
            self.renderer,
            self.target,
            self.ns,
            di.unwrap_or(usize::MAX),
            d,
            if di.is_some() {
                self.prerendered
            } else {
                &empty
            },
            &self.trackers,
            &mut delivered,
            &mut live,
            true,
        )
        .await;
        let mut st = self.state.lock().await;
        st.delivered.append(&mut delivered);
        let result = if d.components.len() == 1 {
            let name = &d.app.spec.components[d.components[0]].name;
            live.remove(name).unwrap_or_else(|| json!({}))
        } else {
            json!({})
        };
        match outcome {
            Ok(Outcome::Succeeded) => Ok(ProviderOutcome::Done(result)),
            Ok(Outcome::Running(message)) => Ok(ProviderOutcome::Wait { message, result }),
            Ok(Outcome::Failed(m)) => Err(m),
            // A member cluster that cannot be reached: the step waits (and
            // is retried with its backoff) while other placements go on.
            Err(e) if d.cluster != LOCAL => Ok(ProviderOutcome::Wait {
                message: format!("cluster {} cannot be reached, retrying: {e}", d.cluster),
                result,
            }),
            Err(e) => {
                let msg = format!("step {step}: {e}");
                st.transient = Some(e);
                Err(msg)
            }
        }
    }

    async fn component_apply(&self, call: &ProviderCall<'_>) -> Result<ProviderOutcome, String> {
        let p = call.params;
        let comp: ApplicationComponent = serde_json::from_value(p["value"].clone())
            .map_err(|e| format!("$params.value is not a component: {e}"))?;
        let ci = self
            .app
            .spec
            .components
            .iter()
            .position(|c| c.name == comp.name)
            .ok_or_else(|| format!("the app has no component {:?}", comp.name))?;
        let cluster = p["cluster"].as_str().unwrap_or("");
        let namespace = p["namespace"].as_str().filter(|n| !n.is_empty());
        let unchanged = self.app.spec.components[ci] == comp;
        // The delivery rendered up front for this step, if the component
        // arrives as it is in the app.
        let di = self
            .deliveries
            .iter()
            .position(|(s, d)| {
                s == call.step
                    && d.as_ref().is_ok_and(|d| {
                        d.components == [ci]
                            && d.namespace.as_deref() == namespace
                            && (d.cluster == cluster || (cluster.is_empty() && d.cluster == LOCAL))
                    })
            })
            .filter(|_| unchanged);
        let mut app = self.app.clone();
        app.spec.components[ci] = comp;
        let d = Delivery {
            app,
            cluster: if cluster.is_empty() {
                LOCAL.into()
            } else {
                cluster.into()
            },
            namespace: namespace.map(str::to_string),
            replica_key: String::new(),
            components: vec![ci],
        };
        let d = Delivery {
            cluster: crate::reconcile::cluster_name(&d.cluster, &self.ctx.clusters)?,
            ..d
        };
        let wait_healthy = p["waitHealthy"].as_bool().unwrap_or(true);
        match self.deliver(call.step, di, &d).await? {
            ProviderOutcome::Wait { message, result } if wait_healthy => {
                Ok(ProviderOutcome::Wait { message, result })
            }
            ProviderOutcome::Wait { result, .. } | ProviderOutcome::Done(result) => {
                Ok(ProviderOutcome::Done(result))
            }
        }
    }

    async fn deploy(&self, call: &ProviderCall<'_>) -> Result<ProviderOutcome, String> {
        let policies: Vec<String> = call.params["policies"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        if call.params["inlinePolicies"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
        {
            return Err(
                "inlinePolicies are not supported yet; declare the policies in spec.policies"
                    .into(),
            );
        }
        let placements = deploy_delivery(self.app, call.step, &policies, &self.ctx.clusters)?;
        // Every placement is delivered; one that fails or waits does not
        // hold up the others, and the step reports each by cluster.
        let parallelism = call.params["parallelism"]
            .as_u64()
            .filter(|&n| n > 0)
            .unwrap_or(5) as usize;
        let outcomes: Vec<(String, Result<ProviderOutcome, String>)> =
            futures_util::stream::iter((0..placements.len()).map(|i| {
                let d = &placements[i];
                // The delivery rendered up front for this placement, if any.
                let di = self.deliveries.iter().position(|(s, u)| {
                    s == call.step
                        && u.as_ref().is_ok_and(|u| {
                            u.components == d.components
                                && u.cluster == d.cluster
                                && u.namespace == d.namespace
                                && u.replica_key == d.replica_key
                        })
                });
                async move { (placement_name(d), self.deliver(call.step, di, d).await) }
            }))
            .buffered(parallelism)
            .collect()
            .await;
        let mut waiting = Vec::new();
        let mut failed = Vec::new();
        for (at, outcome) in outcomes {
            match outcome {
                Ok(ProviderOutcome::Done(_)) => {}
                Ok(ProviderOutcome::Wait { message, .. }) => {
                    waiting.push(if placements.len() > 1 {
                        format!("{at}: {message}")
                    } else {
                        message
                    })
                }
                Err(m) => failed.push(if placements.len() > 1 {
                    format!("{at}: {m}")
                } else {
                    m
                }),
            }
        }
        if !failed.is_empty() {
            return Err(failed.join("; "));
        }
        if waiting.is_empty() {
            Ok(ProviderOutcome::Done(json!({})))
        } else {
            Ok(ProviderOutcome::Wait {
                message: waiting.join("; "),
                result: json!({}),
            })
        }
    }

    async fn cluster(
        &self,
        params: &Value,
    ) -> Result<std::sync::Arc<crate::cluster::ClusterClient>, String> {
        let name = params["cluster"]
            .as_str()
            .filter(|c| !c.is_empty())
            .unwrap_or(LOCAL);
        self.ctx.clusters.get(name).await.map_err(|e| e.to_string())
    }

    /// Records an object a step applies in the app's current tracker (saved
    /// before the apply, as for components), so it is garbage-collected and
    /// deleted with the app.
    async fn track(&self, cluster: &str, obj: &Value) -> Result<(), String> {
        let mut trackers = self.trackers.lock().await;
        let m = tracker::managed(cluster, obj, "", "", Some(obj.clone()));
        if trackers.record_object(m) || !trackers.current_exists() {
            trackers.save_current().await.map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    async fn kube(&self, call: &ProviderCall<'_>) -> Result<ProviderOutcome, String> {
        let p = call.params;
        let cluster = self.cluster(p).await?;
        let mut value = p["value"].clone();
        if value["metadata"]["namespace"]
            .as_str()
            .is_none_or(str::is_empty)
        {
            let namespaced = match call.action {
                "apply" | "patch" => cluster
                    .resource(
                        value["apiVersion"].as_str().unwrap_or(""),
                        value["kind"].as_str().unwrap_or(""),
                    )
                    .await
                    .map(|(_, namespaced)| namespaced)
                    .unwrap_or(true),
                _ => true,
            };
            if namespaced && value.is_object() {
                value["metadata"]["namespace"] = json!(self.ns);
            }
        }
        let transient = |e: DispatchError| e.to_string();
        match call.action {
            "apply" => {
                if let Some(patch) = p.get("patch").filter(|x| x.is_object()) {
                    roam_render::patch::apply_patch(&mut value, patch.clone(), &Default::default())
                        .map_err(|e| e.to_string())?;
                }
                let labels = value["metadata"]["labels"]
                    .as_object()
                    .cloned()
                    .unwrap_or_default();
                let mut labels = labels;
                labels.insert(L::APP_NAME.into(), json!(self.app.name_any()));
                labels.insert(L::APP_NAMESPACE.into(), json!(self.ns));
                value["metadata"]["labels"] = Value::Object(labels);
                self.track(&cluster.name, &value).await?;
                let applied = match cluster.apply(&value, false).await {
                    Err(DispatchError::Conflict { .. }) => cluster.apply(&value, true).await,
                    r => r,
                }
                .map_err(transient)?;
                Ok(ProviderOutcome::Done(json!({ "value": applied })))
            }
            "apply-in-parallel" => {
                let items = p["value"].as_array().cloned().unwrap_or_default();
                let mut out = Vec::new();
                for mut item in items {
                    if item["metadata"]["namespace"]
                        .as_str()
                        .is_none_or(str::is_empty)
                    {
                        item["metadata"]["namespace"] = json!(self.ns);
                    }
                    self.track(&cluster.name, &item).await?;
                    out.push(cluster.apply(&item, true).await.map_err(transient)?);
                }
                Ok(ProviderOutcome::Done(json!({ "value": out })))
            }
            "read" => {
                let key = ObjectKey::of(&cluster.name, &value);
                match cluster.get(&key).await {
                    Ok(Some(live)) => Ok(ProviderOutcome::Done(json!({ "value": live }))),
                    Ok(None) => Ok(ProviderOutcome::Done(
                        json!({ "err": format!("{key} not found") }),
                    )),
                    Err(e) if e.is_transient() => Err(e.to_string()),
                    Err(e) => Ok(ProviderOutcome::Done(json!({ "err": e.to_string() }))),
                }
            }
            "patch" => {
                let key = ObjectKey::of(&cluster.name, &value);
                let Some(mut live) = cluster.get(&key).await.map_err(transient)? else {
                    return Err(format!("{key} not found"));
                };
                roam_render::patch::apply_patch(&mut live, p["patch"].clone(), &Default::default())
                    .map_err(|e| e.to_string())?;
                if let Some(m) = live["metadata"].as_object_mut() {
                    m.remove("managedFields");
                    m.remove("resourceVersion");
                }
                let result = cluster.apply(&live, true).await.map_err(transient)?;
                Ok(ProviderOutcome::Done(json!({ "result": result })))
            }
            "list" => {
                let r = &p["resource"];
                let (ar, namespaced) = cluster
                    .resource(
                        r["apiVersion"].as_str().unwrap_or(""),
                        r["kind"].as_str().unwrap_or(""),
                    )
                    .await
                    .map_err(|e| e.to_string())?;
                let ns = p["filter"]["namespace"].as_str().filter(|n| !n.is_empty());
                let api: Api<kube::api::DynamicObject> = match (namespaced, ns) {
                    (true, Some(n)) => Api::namespaced_with(cluster.client.clone(), n, &ar),
                    _ => Api::all_with(cluster.client.clone(), &ar),
                };
                let mut lp = ListParams::default();
                if let Some(m) = p["filter"]["matchingLabels"].as_object() {
                    lp = lp.labels(&label_selector(m));
                }
                match api.list(&lp).await {
                    Ok(list) => Ok(ProviderOutcome::Done(json!({ "list": list }))),
                    Err(e) => Ok(ProviderOutcome::Done(json!({ "err": e.to_string() }))),
                }
            }
            "delete" => {
                if let Some(m) = p["filter"]["matchingLabels"]
                    .as_object()
                    .filter(|m| !m.is_empty())
                {
                    let (ar, _) = cluster
                        .resource(
                            value["apiVersion"].as_str().unwrap_or(""),
                            value["kind"].as_str().unwrap_or(""),
                        )
                        .await
                        .map_err(|e| e.to_string())?;
                    let ns = p["filter"]["namespace"]
                        .as_str()
                        .or(value["metadata"]["namespace"].as_str())
                        .unwrap_or(self.ns);
                    let api: Api<kube::api::DynamicObject> =
                        Api::namespaced_with(cluster.client.clone(), ns, &ar);
                    let lp = ListParams::default().labels(&label_selector(m));
                    return match api
                        .delete_collection(&DeleteParams::background(), &lp)
                        .await
                    {
                        Ok(_) => Ok(ProviderOutcome::Done(json!({}))),
                        Err(e) => Ok(ProviderOutcome::Done(json!({ "err": e.to_string() }))),
                    };
                }
                let key = ObjectKey::of(&cluster.name, &value);
                match cluster.delete(&key).await {
                    Ok(_) => Ok(ProviderOutcome::Done(json!({}))),
                    Err(e) if e.is_transient() => Err(e.to_string()),
                    Err(e) => Ok(ProviderOutcome::Done(json!({ "err": e.to_string() }))),
                }
            }
            other => Err(format!("vela/kube has no action #{other}")),
        }
    }

    async fn oam_load(&self, call: &ProviderCall<'_>) -> Result<ProviderOutcome, String> {
        let comps = &self.app.spec.components;
        match call.action {
            "load" => {
                let by_name: serde_json::Map<String, Value> = comps
                    .iter()
                    .map(|c| {
                        (
                            c.name.clone(),
                            serde_json::to_value(c).unwrap_or(Value::Null),
                        )
                    })
                    .collect();
                Ok(ProviderOutcome::Done(json!({ "value": by_name })))
            }
            "load-comps-in-order" => {
                let order =
                    roam_render::dataflow::dependency_order(comps).map_err(|e| e.to_string())?;
                let list: Vec<Value> = order
                    .into_iter()
                    .map(|i| serde_json::to_value(&comps[i]).unwrap_or(Value::Null))
                    .collect();
                Ok(ProviderOutcome::Done(json!({ "value": list })))
            }
            "load-policies" => {
                let by_name: serde_json::Map<String, Value> = self
                    .app
                    .spec
                    .policies
                    .iter()
                    .map(|p| {
                        (
                            p.name.clone(),
                            serde_json::to_value(p).unwrap_or(Value::Null),
                        )
                    })
                    .collect();
                Ok(ProviderOutcome::Done(json!({ "value": by_name })))
            }
            "component-render" => {
                let comp: ApplicationComponent =
                    serde_json::from_value(call.params["value"].clone())
                        .map_err(|e| format!("$params.value is not a component: {e}"))?;
                let ci = comps
                    .iter()
                    .position(|c| c.name == comp.name)
                    .ok_or_else(|| format!("the app has no component {:?}", comp.name))?;
                let ns = call.params["namespace"]
                    .as_str()
                    .filter(|n| !n.is_empty())
                    .unwrap_or(self.ns);
                let r = self
                    .renderer
                    .render_component(self.app, ci, &comp, ns, self.target)
                    .map_err(|e| e.to_string())?;
                let mut outputs = serde_json::Map::new();
                for o in &r.objects {
                    let name = match &o.origin {
                        roam_render::render::Origin::Auxiliary { name }
                        | roam_render::render::Origin::Trait { name, .. } => name.clone(),
                        roam_render::render::Origin::Workload => continue,
                    };
                    outputs.insert(name, o.object.clone());
                }
                Ok(ProviderOutcome::Done(
                    json!({ "output": r.workload, "outputs": outputs }),
                ))
            }
            other => Err(format!("vela/oam has no action #{other}")),
        }
    }
}

impl Provider for StepProvider<'_> {
    async fn call(&self, call: &ProviderCall<'_>) -> Result<ProviderOutcome, String> {
        match (call.provider, call.action) {
            ("oam", "component-apply") => self.component_apply(call).await,
            ("oam", _) => self.oam_load(call).await,
            ("multicluster", "deploy") => self.deploy(call).await,
            ("multicluster", "list-clusters") => Ok(ProviderOutcome::Done(
                json!({"outputs": {"clusters": [LOCAL]}}),
            )),
            ("kube", _) => self.kube(call).await,
            ("http", "do") => roam_workflow::http::http_do(call.params)
                .await
                .map(ProviderOutcome::Done),
            (p, a) => Err(format!("no provider for {p}.#{a}")),
        }
    }
}

/// `matchingLabels` as a label selector (`k=v,k2=v2`).
fn label_selector(m: &serde_json::Map<String, Value>) -> String {
    m.iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
        .collect::<Vec<_>>()
        .join(",")
}

/// The context ConfigMap of an app (`workflow-<app>-context`).
pub(crate) struct ContextStore {
    api: Api<k8s_openapi::api::core::v1::ConfigMap>,
    name: String,
}

impl ContextStore {
    pub(crate) fn new(client: &Client, ns: &str, app: &str) -> ContextStore {
        ContextStore {
            api: Api::namespaced(client.clone(), ns),
            name: roam_workflow::context::configmap_name(app),
        }
    }

    /// The stored context, if any.
    pub(crate) async fn load(&self) -> Result<Option<ContextData>, Error> {
        let Some(cm) = self.api.get_opt(&self.name).await? else {
            return Ok(None);
        };
        let data = cm.data.unwrap_or_default();
        let (ctx, warnings) = ContextData::from_data(&data);
        for w in warnings {
            tracing::warn!(configmap = %self.name, "{w}");
        }
        Ok(Some(ctx))
    }

    /// Writes the context (owned by the app, so it goes with it).
    pub(crate) async fn save(&self, app: &Application, ctx: &ContextData) -> Result<(), Error> {
        let owner = json!({
            "apiVersion": "core.oam.dev/v1beta1",
            "kind": "Application",
            "name": app.name_any(),
            "uid": app.metadata.uid.clone().unwrap_or_default(),
            "controller": true,
        });
        let body = json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {
                "name": self.name,
                "labels": {L::APP_NAME: app.name_any()},
                "ownerReferences": [owner],
            },
            "data": ctx.to_data(),
        });
        let pp = PatchParams::apply(crate::FIELD_MANAGER).force();
        self.api
            .patch(&self.name, &pp, &Patch::Apply(&body))
            .await?;
        Ok(())
    }

    /// Deletes the context (the app is being deleted; owner references
    /// alone need a garbage collector, which not every server runs).
    pub(crate) async fn delete(&self) -> Result<(), Error> {
        match self.api.delete(&self.name, &DeleteParams::default()).await {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(s)) if s.code == 404 => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

/// How a step names a placement: `cluster`, `cluster/namespace`, and the
/// replica key after `#`.
fn placement_name(d: &Delivery) -> String {
    let mut s = match &d.namespace {
        Some(ns) => format!("{}/{ns}", d.cluster),
        None => d.cluster.clone(),
    };
    if !d.replica_key.is_empty() {
        s.push('#');
        s.push_str(&d.replica_key);
    }
    s
}
