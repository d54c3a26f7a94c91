//! Delivering applications: `roam install`, `roam controller`, `roam up`,
//! `roam status`, `roam ls`, `roam delete`.
//!
//! Which cluster: `--kubeconfig`, else `$KUBECONFIG`, else the local
//! control plane (`roam local`, started if it is not running). A machine's
//! `~/.kube/config` is never used implicitly: pass it to target that cluster.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use comfy_table::Table;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, DeleteParams, DynamicObject, ListParams, Patch, PatchParams};
use kube::{Client, ResourceExt};
use roam_api::{Application, ApplicationPhase, ResourceTracker};
use roam_render::yaml::to_k8s_yaml;
use roam_render::{DefKind, Registry};
use serde_json::{Value, json};

/// Exit code: the application failed (workflow failed, unhealthy at the end).
const EXIT_FAILED: u8 = 1;
/// Exit code: `--wait` ran out of time.
const EXIT_TIMEOUT: u8 = 3;
/// Exit code: `up --wait` reached a workflow suspended until resumed by hand.
const EXIT_SUSPENDED: u8 = 4;

#[derive(Args, Clone)]
pub struct ClusterArgs {
    /// Kubeconfig [default: $KUBECONFIG, else the local control plane].
    #[arg(long, global = true)]
    kubeconfig: Option<PathBuf>,
    /// Kubeconfig context.
    #[arg(long, global = true)]
    context: Option<String>,
}

impl ClusterArgs {
    fn kubeconfig_path(&self) -> Option<PathBuf> {
        self.kubeconfig.clone().or_else(|| {
            std::env::var_os("KUBECONFIG")
                .filter(|k| !k.is_empty())
                .map(PathBuf::from)
        })
    }

    /// The API server's URL, as the kubeconfig in use names it.
    pub(crate) async fn server_url(&self) -> Option<String> {
        let kc = match self.kubeconfig_path() {
            Some(p) => kube::config::Kubeconfig::read_from(p).ok()?,
            None => {
                let text = tokio::task::spawn_blocking(crate::local::ensure_running)
                    .await
                    .ok()?
                    .ok()?;
                kube::config::Kubeconfig::from_yaml(&text).ok()?
            }
        };
        let ctx_name = self.context.clone().or(kc.current_context.clone())?;
        let ctx = kc
            .contexts
            .iter()
            .find(|c| c.name == ctx_name)?
            .context
            .clone()?;
        kc.clusters
            .iter()
            .find(|c| c.name == ctx.cluster)?
            .cluster
            .as_ref()?
            .server
            .clone()
    }

    pub(crate) async fn client(&self) -> Result<Client, String> {
        match self.kubeconfig_path() {
            Some(p) => {
                roam_apiserver::simulator::client_from_kubeconfig(Some(&p), self.context.as_deref())
                    .await
            }
            None => {
                let text = tokio::task::spawn_blocking(crate::local::ensure_running)
                    .await
                    .map_err(|e| e.to_string())??;
                let kc = kube::config::Kubeconfig::from_yaml(&text).map_err(|e| e.to_string())?;
                let cfg = kube::Config::from_custom_kubeconfig(kc, &Default::default())
                    .await
                    .map_err(|e| e.to_string())?;
                Client::try_from(cfg).map_err(|e| e.to_string())
            }
        }
    }
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("starting the runtime: {e}"))
}

/// A 404 for roam's own kinds means the CRDs are missing.
pub(crate) fn api_error(e: kube::Error, what: &str) -> String {
    match &e {
        kube::Error::Api(s)
            if s.code == 404 && s.message.contains("could not find the requested resource") =>
        {
            format!(
                "{what}: the cluster does not serve core.oam.dev/v1beta1; install roam first: roam install"
            )
        }
        _ => format!("{what}: {e}"),
    }
}

// ---------------------------------------------------------------- install

#[derive(Args)]
pub struct InstallArgs {
    /// Print the CRDs as YAML instead of installing anything.
    #[arg(long)]
    print_crds: bool,
    /// Namespace for the built-in definitions.
    #[arg(short = 'n', long, default_value = roam_api::labels::SYSTEM_NAMESPACE)]
    namespace: String,
    #[command(flatten)]
    cluster: ClusterArgs,
}

/// Server-side applies roam's CRDs; returns what changed per CRD.
pub async fn install_crds(client: &Client) -> Result<Vec<(String, &'static str)>, String> {
    let api: Api<CustomResourceDefinition> = Api::all(client.clone());
    let mut out = Vec::new();
    for crd in roam_api::crds() {
        let name = crd.name_any();
        let before = api
            .get_opt(&name)
            .await
            .map_err(|e| format!("reading CRD {name}: {e}"))?;
        let mut body = serde_json::to_value(&crd).map_err(|e| e.to_string())?;
        body["apiVersion"] = json!("apiextensions.k8s.io/v1");
        body["kind"] = json!("CustomResourceDefinition");
        let after = api
            .patch(
                &name,
                &PatchParams::apply("roam").force(),
                &Patch::Apply(&body),
            )
            .await
            .map_err(|e| format!("installing CRD {name}: {e}"))?;
        out.push((
            name,
            change(
                before.as_ref().map(|b| b.resource_version()),
                &after.resource_version(),
            ),
        ));
    }
    Ok(out)
}

fn change(before: Option<Option<String>>, after: &Option<String>) -> &'static str {
    match before {
        None => "created",
        Some(rv) if &rv == after => "unchanged",
        Some(_) => "configured",
    }
}

pub fn install(a: InstallArgs) -> Result<ExitCode, String> {
    if a.print_crds {
        return crate::app::print_crds();
    }
    runtime()?.block_on(async {
        let client = a.cluster.client().await?;
        for (name, what) in install_crds(&client).await? {
            println!("customresourcedefinition.apiextensions.k8s.io/{name} {what}");
        }
        // CRDs are served a moment after they are created on a real apiserver.
        for _ in 0..100 {
            if roam_controller::runner::check_crds(&client).await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let ns = &a.namespace;
        let nss: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(client.clone());
        if nss.get_opt(ns).await.map_err(|e| e.to_string())?.is_none() {
            nss.patch(
                ns,
                &PatchParams::apply("roam"),
                &Patch::Apply(
                    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
                ),
            )
            .await
            .map_err(|e| format!("creating namespace {ns}: {e}"))?;
            println!("namespace/{ns} created");
        }
        for (path, text) in Registry::builtin_files() {
            let mut obj = roam_render::deffile::def_file_to_object(path, text)
                .map_err(|e| format!("built-in {path}: {e}"))?;
            obj["metadata"]["namespace"] = json!(ns);
            let kind = obj["kind"].as_str().unwrap_or_default().to_string();
            let name = obj["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let Some(dk) = DefKind::from_object_kind(&kind) else {
                continue;
            };
            let api: Api<DynamicObject> =
                Api::namespaced_with(client.clone(), ns, &crate::app::api_resource(dk));
            let before = api.get_opt(&name).await.map_err(|e| api_error(e, &name))?;
            let after = api
                .patch(
                    &name,
                    &PatchParams::apply("roam").force(),
                    &Patch::Apply(&obj),
                )
                .await
                .map_err(|e| api_error(e, &format!("{kind} {name}")))?;
            println!(
                "{}.core.oam.dev/{name} {}",
                kind.to_lowercase(),
                change(
                    before.map(|b| b.resource_version()),
                    &after.resource_version()
                )
            );
        }
        Ok(ExitCode::SUCCESS)
    })
}

// ---------------------------------------------------------------- controller

#[derive(Args)]
pub struct ControllerArgs {
    #[command(flatten)]
    cluster: ClusterArgs,
    /// Applications reconciled at once.
    #[arg(long, default_value_t = 4)]
    concurrency: u16,
    /// How often running apps are checked for drift (e.g. 5m, 30s).
    #[arg(long, default_value = "5m", value_parser = parse_duration)]
    state_keep_interval: Duration,
    /// Serve Prometheus metrics on this address (`/metrics`).
    #[arg(long, default_value = "127.0.0.1:8080")]
    metrics_addr: std::net::SocketAddr,
    /// Elect a leader on a Lease so several replicas can run.
    #[arg(long)]
    leader_elect: bool,
    /// Namespace of the leader-election Lease.
    #[arg(long, default_value = "vela-system")]
    leader_namespace: String,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    roam_controller::reconcile::parse_duration(s)
        .ok_or_else(|| format!("{s:?} is not a duration (e.g. 30s, 5m, 1h)"))
}

pub fn controller(a: ControllerArgs) -> Result<ExitCode, String> {
    init_logging();
    runtime()?.block_on(async {
        let client = a.cluster.client().await?;
        let metrics = Arc::new(roam_controller::metrics::Metrics::new());
        let listener = tokio::net::TcpListener::bind(a.metrics_addr)
            .await
            .map_err(|e| format!("metrics on {}: {e}", a.metrics_addr))?;
        tokio::spawn(serve_metrics(listener, metrics.clone()));
        tracing::info!(metrics = %a.metrics_addr, "roam controller starting");
        let config = roam_controller::Config {
            concurrency: a.concurrency,
            state_keep_interval: a.state_keep_interval,
            leader_election: a
                .leader_elect
                .then(|| roam_controller::leader::LeaseConfig::new(&a.leader_namespace)),
            ..Default::default()
        };
        roam_controller::run(client, config, metrics, shutdown())
            .await
            .map_err(|e| e.to_string())?;
        Ok(ExitCode::SUCCESS)
    })
}

/// Structured logs to standard error (`RUST_LOG` filters; default info).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

async fn shutdown() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

async fn serve_metrics(
    listener: tokio::net::TcpListener,
    metrics: Arc<roam_controller::metrics::Metrics>,
) {
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let m = metrics.clone();
            async move {
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        "application/openmetrics-text; version=1.0.0; charset=utf-8",
                    )],
                    m.encode(),
                )
            }
        }),
    );
    let _ = axum::serve(listener, app).await;
}

// ---------------------------------------------------------------- up

#[derive(Args)]
pub struct UpArgs {
    /// Application file(s) (`-` for standard input).
    #[arg(short = 'f', long = "file", required = true)]
    files: Vec<String>,
    /// Namespace [default: the app's, else default].
    #[arg(short = 'n', long)]
    namespace: Option<String>,
    /// Wait until the app is running (or failed), showing progress.
    #[arg(long)]
    wait: bool,
    /// How long --wait waits (e.g. 5m, 90s).
    #[arg(long, default_value = "5m", value_parser = parse_duration)]
    timeout: Duration,
    #[command(flatten)]
    cluster: ClusterArgs,
}

pub fn up(a: UpArgs) -> Result<ExitCode, String> {
    let (_, _, mut doc) = crate::app::read_app_doc(&a.files, true)?;
    let ns = a
        .namespace
        .clone()
        .or_else(|| doc["metadata"]["namespace"].as_str().map(str::to_string))
        .unwrap_or_else(|| "default".into());
    doc["metadata"]["namespace"] = json!(ns);
    if let Some(m) = doc["metadata"].as_object_mut() {
        for k in [
            "resourceVersion",
            "uid",
            "creationTimestamp",
            "generation",
            "managedFields",
        ] {
            m.remove(k);
        }
    }
    if let Some(o) = doc.as_object_mut() {
        o.remove("status");
    }
    let name = doc["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    runtime()?.block_on(async {
        let client = a.cluster.client().await?;
        ensure_namespace(&client, &ns).await?;
        let apps: Api<Application> = Api::namespaced(client.clone(), &ns);
        let before = apps.get_opt(&name).await.map_err(|e| api_error(e, &name))?;
        let after = apps
            .patch(
                &name,
                &PatchParams::apply("roam-cli").force(),
                &Patch::Apply(&doc),
            )
            .await
            .map_err(|e| api_error(e, &format!("applying application {name}")))?;
        println!(
            "application.core.oam.dev/{name} {}",
            change(
                before.map(|b| b.resource_version()),
                &after.resource_version()
            )
        );
        if !a.wait {
            return Ok(ExitCode::SUCCESS);
        }
        let generation = after.metadata.generation.unwrap_or(0);
        wait_app(&apps, &name, generation, a.timeout).await
    })
}

async fn ensure_namespace(client: &Client, ns: &str) -> Result<(), String> {
    let nss: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(client.clone());
    if nss.get_opt(ns).await.map_err(|e| e.to_string())?.is_none() {
        nss.patch(
            ns,
            &PatchParams::apply("roam-cli"),
            &Patch::Apply(
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
            ),
        )
        .await
        .map_err(|e| format!("creating namespace {ns}: {e}"))?;
    }
    Ok(())
}

/// One line saying where the app is: phase, then what each unfinished
/// step waits for.
fn progress_line(app: &Application) -> String {
    let Some(st) = &app.status else {
        return "waiting for the controller".into();
    };
    let phase = st
        .status
        .map(ApplicationPhase::as_str)
        .unwrap_or("starting");
    let mut parts = vec![phase.to_string()];
    if let Some(wf) = &st.workflow {
        let total = wf.steps.len();
        let done = wf
            .steps
            .iter()
            .filter(|s| s.phase == "succeeded" || s.phase == "skipped")
            .count();
        parts.push(format!("steps {done}/{total}"));
        for s in wf
            .steps
            .iter()
            .filter(|s| s.phase != "succeeded" && s.phase != "skipped")
        {
            if s.message.is_empty() {
                parts.push(format!("{}: {}", s.name, s.phase));
            } else {
                parts.push(format!("{}: {} ({})", s.name, s.phase, s.message));
            }
        }
    }
    for c in st
        .conditions
        .iter()
        .filter(|c| c.status == "False" && !c.message.is_empty() && c.type_ != "Ready")
    {
        parts.push(format!("{}: {}", c.type_, c.message));
    }
    parts.join(" · ")
}

async fn wait_app(
    apps: &Api<Application>,
    name: &str,
    generation: i64,
    timeout: Duration,
) -> Result<ExitCode, String> {
    let tty = std::io::stderr().is_terminal();
    let bar = tty.then(|| {
        let b = indicatif::ProgressBar::new_spinner();
        b.enable_steady_tick(Duration::from_millis(120));
        b
    });
    let start = Instant::now();
    let mut last = String::new();
    loop {
        let app = apps.get(name).await.map_err(|e| api_error(e, name))?;
        let st = app.status.clone().unwrap_or_default();
        let current = st.observed_generation.unwrap_or(0) >= generation;
        let line = if current {
            progress_line(&app)
        } else {
            "waiting for the controller to see the change".into()
        };
        if line != last {
            match &bar {
                Some(b) => b.set_message(line.clone()),
                None => eprintln!("{name}: {line}"),
            }
            last = line;
        }
        let failed_parse = st
            .conditions
            .iter()
            .any(|c| (c.type_ == "Parsed" || c.type_ == "Render") && c.status == "False");
        let done = current
            && match st.status {
                Some(ApplicationPhase::Running) => Some(Ok(())),
                Some(ApplicationPhase::WorkflowFailed | ApplicationPhase::WorkflowTerminated) => {
                    Some(Err(()))
                }
                Some(ApplicationPhase::Rendering) if failed_parse => Some(Err(())),
                _ => None,
            }
            .is_some();
        // Suspended until someone resumes it: waiting longer is pointless.
        if current
            && st.status == Some(ApplicationPhase::WorkflowSuspending)
            && let Some(wf) = st.workflow.as_ref().filter(|w| w.suspend)
            && !wf.message.contains("resumes by itself")
        {
            if let Some(b) = &bar {
                b.finish_and_clear();
            }
            eprintln!(
                "⏸ application {name}: {}. Resume with: roam workflow resume {name} -n {}",
                if wf.message.is_empty() {
                    "workflow suspended"
                } else {
                    &wf.message
                },
                app.namespace().unwrap_or_else(|| "default".into())
            );
            return Ok(ExitCode::from(EXIT_SUSPENDED));
        }
        if done {
            if let Some(b) = &bar {
                b.finish_and_clear();
            }
            return Ok(if st.status == Some(ApplicationPhase::Running) {
                eprintln!(
                    "✅ application {name} is running ({:.1}s)",
                    start.elapsed().as_secs_f64()
                );
                ExitCode::SUCCESS
            } else {
                eprintln!("❌ application {name}: {}", progress_line(&app));
                ExitCode::from(EXIT_FAILED)
            });
        }
        if start.elapsed() > timeout {
            if let Some(b) = &bar {
                b.finish_and_clear();
            }
            eprintln!(
                "⏱ application {name}: not running after {:?}: {}",
                timeout,
                progress_line(&app)
            );
            return Ok(ExitCode::from(EXIT_TIMEOUT));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

// ---------------------------------------------------------------- status

#[derive(Args)]
pub struct StatusArgs {
    name: String,
    #[arg(short = 'n', long, default_value = "default")]
    namespace: String,
    /// Output: text (default), json or yaml (the whole Application).
    #[arg(short = 'o', long, default_value = "text")]
    output: String,
    /// Show the resources as a tree: cluster / namespace / resource / status.
    #[arg(short = 't', long)]
    tree: bool,
    #[command(flatten)]
    cluster: ClusterArgs,
}

pub fn status(a: StatusArgs) -> Result<ExitCode, String> {
    runtime()?.block_on(async {
        let client = a.cluster.client().await?;
        let apps: Api<Application> = Api::namespaced(client.clone(), &a.namespace);
        let app = match apps
            .get_opt(&a.name)
            .await
            .map_err(|e| api_error(e, &a.name))?
        {
            Some(app) => app,
            None => {
                return Err(format!(
                    "application {:?} not found in namespace {}",
                    a.name, a.namespace
                ));
            }
        };
        match a.output.as_str() {
            "json" | "yaml" => return print_as(&a.output, &app),
            "text" => {}
            other => return Err(format!("-o {other}: expected text, json or yaml")),
        }
        if a.tree {
            print!("{}", tree(&client, &app).await?);
        } else {
            print!("{}", status_text(&app));
        }
        Ok(ExitCode::SUCCESS)
    })
}

fn mark(ok: bool) -> &'static str {
    if ok { "✅" } else { "❌" }
}

/// `vela status` layout: About, Workflow, Services.
pub fn status_text(app: &Application) -> String {
    let st = app.status.clone().unwrap_or_default();
    let healthy = !st.services.is_empty() && st.services.iter().all(|s| s.healthy);
    let created = app
        .metadata
        .creation_timestamp
        .as_ref()
        .map(|t| t.0.strftime("%Y-%m-%d %H:%M:%S +0000 UTC").to_string())
        .unwrap_or_default();
    let rows = [
        ("Name:", app.name_any()),
        ("Namespace:", app.namespace().unwrap_or_default()),
        ("Created at:", created),
        ("Healthy:", mark(healthy).to_string()),
        (
            "Details:",
            st.status
                .map(ApplicationPhase::as_str)
                .unwrap_or("")
                .to_string(),
        ),
    ];
    let w = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = String::from("About:\n\n");
    for (k, v) in rows {
        out.push_str(&format!("  {k:<w$}\t{v}\n"));
    }
    out.push('\n');
    if let Some(wf) = &st.workflow {
        out.push_str("Workflow:\n\n");
        out.push_str(&format!("  mode: {}\n", wf.mode));
        out.push_str(&format!("  finished: {}\n", wf.finished));
        out.push_str(&format!("  Suspend: {}\n", wf.suspend));
        out.push_str(&format!("  Terminated: {}\n", wf.terminated));
        if wf.suspend {
            out.push_str(&format!(
                "  ⏸ {}. Resume with: roam workflow resume {} -n {}\n",
                if wf.message.is_empty() {
                    "suspended"
                } else {
                    &wf.message
                },
                app.name_any(),
                app.namespace().unwrap_or_else(|| "default".into())
            ));
        }
        out.push_str("  Steps\n");
        for s in &wf.steps {
            out.push_str(&format!(
                "  - id: {}\n    name: {}\n    type: {}\n    phase: {} \n",
                s.id, s.name, s.type_, s.phase
            ));
            if !s.message.is_empty() {
                out.push_str(&format!("    message: {}\n", s.message));
            }
            for sub in &s.sub_steps {
                out.push_str(&format!(
                    "    - name: {}\n      type: {}\n      phase: {}\n",
                    sub.name, sub.type_, sub.phase
                ));
                if !sub.message.is_empty() {
                    out.push_str(&format!("      message: {}\n", sub.message));
                }
            }
        }
        out.push('\n');
    }
    if !st.services.is_empty() {
        out.push_str("Services:\n\n");
        let types: std::collections::BTreeMap<_, _> = app
            .spec
            .components
            .iter()
            .map(|c| (c.name.clone(), c.type_.clone()))
            .collect();
        for s in &st.services {
            out.push_str(&format!("  - Name: {}  \n", s.name));
            out.push_str(&format!(
                "    Cluster: {}\n",
                if s.cluster.is_empty() {
                    "local"
                } else {
                    &s.cluster
                }
            ));
            if !s.namespace.is_empty() {
                out.push_str(&format!("    Namespace: {}\n", s.namespace));
            }
            out.push_str(&format!(
                "    Type: {}\n",
                types.get(&s.name).map(String::as_str).unwrap_or("")
            ));
            out.push_str(&format!("    Health: {}\n", mark(s.healthy)));
            if !s.message.is_empty() {
                out.push_str(&format!("      Message: {}\n", s.message));
            }
            if !s.details.is_empty() {
                out.push_str("      Status Details: \n");
                for (k, v) in &s.details {
                    out.push_str(&format!("        {k}: {v}\n"));
                }
            }
            if s.traits.is_empty() {
                out.push_str("    No trait applied\n");
            } else {
                out.push_str("    Traits:\n");
                for t in &s.traits {
                    out.push_str(&format!("      Type: {}\n", t.type_));
                    out.push_str(&format!("      Health: {}\n", mark(t.healthy)));
                    if !t.message.is_empty() {
                        out.push_str(&format!("        Message: {}\n", t.message));
                    }
                }
            }
            out.push('\n');
        }
    }
    if !st.drift.is_empty() {
        out.push_str("Drift (repaired by state-keep):\n\n");
        for r in &st.drift {
            let ns = if r.namespace.is_empty() {
                String::new()
            } else {
                format!("{}/", r.namespace)
            };
            if r.deleted {
                out.push_str(&format!(
                    "  {} {} {ns}{}: was deleted\n",
                    r.time, r.kind, r.name
                ));
            }
            for f in &r.fields {
                out.push_str(&format!(
                    "  {} {} {ns}{}: {} {} → {}{}\n",
                    r.time,
                    r.kind,
                    r.name,
                    f.path,
                    f.applied,
                    f.found,
                    if f.managers.is_empty() {
                        String::new()
                    } else {
                        format!(" (by {})", f.managers.join(", "))
                    }
                ));
            }
        }
        out.push('\n');
    }
    let problems: Vec<_> = st
        .conditions
        .iter()
        .filter(|c| c.status == "False" && !c.message.is_empty())
        .collect();
    if !problems.is_empty() {
        out.push_str("Conditions:\n\n");
        for c in problems {
            out.push_str(&format!("  {} ({}):\n", c.type_, c.reason));
            for line in c.message.lines() {
                out.push_str(&format!("    {line}\n"));
            }
        }
        out.push('\n');
    }
    out
}

/// `--tree`: every tracked resource, `updated` (current version) or
/// `outdated` (only in an older one).
async fn tree(client: &Client, app: &Application) -> Result<String, String> {
    let rts: Api<ResourceTracker> = Api::all(client.clone());
    let lp = ListParams::default().labels(&format!(
        "app.oam.dev/name={},app.oam.dev/namespace={}",
        app.name_any(),
        app.namespace().unwrap_or_default()
    ));
    let list = rts
        .list(&lp)
        .await
        .map_err(|e| api_error(e, "resource trackers"))?
        .items;
    let current_gen = list
        .iter()
        .filter(|r| r.spec.type_ == roam_api::ResourceTrackerType::Versioned)
        .map(|r| r.spec.application_generation)
        .max()
        .unwrap_or(0);
    let clusters =
        roam_controller::cluster::Clusters::listed(client.clone(), &crate::cluster::NAMESPACES)
            .await
            .map_err(|e| format!("reading cluster registrations: {e}"))?;
    let mut rows: std::collections::BTreeMap<(String, String, String), (String, String, String)> =
        Default::default();
    for rt in &list {
        let current = rt.spec.application_generation == current_gen;
        for m in rt.spec.managed_resources.iter().filter(|m| !m.deleted) {
            let key = roam_controller::cluster::ObjectKey::of_managed(m);
            let row = (
                key.cluster.clone(),
                if key.namespace.is_empty() {
                    "-".into()
                } else {
                    key.namespace.clone()
                },
                format!("{}/{}", key.kind, key.name),
            );
            if rows.get(&row).is_some_and(|r| r.0 == "updated") {
                continue;
            }
            let live = match clusters.get(&key.cluster).await {
                Ok(c) => c.get(&key).await.ok().flatten(),
                Err(_) => None,
            };
            let applied = live
                .as_ref()
                .and_then(|l| {
                    l["metadata"]["annotations"][roam_controller::ANNO_LAST_APPLIED_TIME].as_str()
                })
                .and_then(|t| t.parse::<jiff::Timestamp>().ok())
                .map(|t| t.strftime("%Y-%m-%d %H:%M:%S").to_string())
                .unwrap_or_default();
            let detail = live
                .as_ref()
                .map(detail_of)
                .unwrap_or_else(|| "not found".into());
            rows.insert(
                row,
                (
                    if current { "updated" } else { "outdated" }.into(),
                    applied,
                    detail,
                ),
            );
        }
    }
    // Placements the app's topology names where nothing was delivered.
    let app_ns = app.namespace().unwrap_or_else(|| "default".into());
    for (cluster, ns) in roam_controller::reconcile::placements(app, &clusters) {
        let ns = if ns.is_empty() { app_ns.clone() } else { ns };
        if !rows.keys().any(|k| k.0 == cluster && k.1 == ns) {
            rows.insert(
                (cluster, ns, "-".into()),
                ("not-deployed".into(), String::new(), String::new()),
            );
        }
    }
    let wc = rows.keys().map(|k| k.0.len()).max().unwrap_or(0).max(9) + 1 + 4;
    let wn = rows.keys().map(|k| k.1.len()).max().unwrap_or(0).max(9) + 1 + 4;
    let wr = rows.keys().map(|k| k.2.len()).max().unwrap_or(0).max(9) + 1;
    let ws = rows.values().map(|v| v.0.len()).max().unwrap_or(0).max(9) + 1;
    let mut out = format!(
        "{:<wc$}{:<wn$}{:<wr$}{:<ws$}{:<20}DETAIL\n",
        "CLUSTER", "NAMESPACE", "RESOURCE", "STATUS", "APPLY_TIME"
    );
    let keys: Vec<_> = rows.keys().cloned().collect();
    for (i, k) in keys.iter().enumerate() {
        let (status, applied, detail) = &rows[k];
        let prev = i.checked_sub(1).map(|p| &keys[p]);
        let next = keys.get(i + 1);
        let same_c_prev = prev.is_some_and(|p| p.0 == k.0);
        let same_n_prev = same_c_prev && prev.is_some_and(|p| p.1 == k.1);
        let same_n_next = next.is_some_and(|n| n.0 == k.0 && n.1 == k.1);
        let cluster = if same_c_prev {
            String::new()
        } else {
            k.0.clone()
        };
        let ns = if same_n_prev {
            String::new()
        } else {
            k.1.clone()
        };
        let c_conn = if same_c_prev { "   " } else { "───" };
        let n_conn = match (same_n_prev, same_n_next) {
            (false, false) => "───",
            (false, true) => "─┬─",
            (true, true) => " ├─",
            (true, false) => " └─",
        };
        out.push_str(&format!(
            "{:<w1$}{c_conn} {:<w2$}{n_conn} {:<wr$}{:<ws$}{:<20}{}\n",
            cluster,
            ns,
            k.2,
            status,
            applied,
            detail,
            w1 = wc - 4,
            w2 = wn - 4,
        ));
    }
    Ok(out)
}

fn detail_of(live: &Value) -> String {
    let kind = live["kind"].as_str().unwrap_or_default();
    let s = &live["status"];
    match kind {
        "Deployment" | "StatefulSet" => format!(
            "Ready: {}/{}  Up-to-date: {}  Available: {}",
            s["readyReplicas"].as_i64().unwrap_or(0),
            live["spec"]["replicas"].as_i64().unwrap_or(1),
            s["updatedReplicas"].as_i64().unwrap_or(0),
            s["availableReplicas"].as_i64().unwrap_or(0)
        ),
        "Service" => format!(
            "Type: {}  Cluster-IP: {}",
            live["spec"]["type"].as_str().unwrap_or("ClusterIP"),
            live["spec"]["clusterIP"].as_str().unwrap_or("<none>")
        ),
        "Job" => format!(
            "Completions: {}/{}",
            s["succeeded"].as_i64().unwrap_or(0),
            live["spec"]["completions"].as_i64().unwrap_or(1)
        ),
        _ => String::new(),
    }
}

/// Prints `v` as JSON (pretty) or YAML (Kubernetes layout).
pub(crate) fn print_as(
    format: &str,
    v: &impl k8s_openapi::serde::Serialize,
) -> Result<ExitCode, String> {
    let v = serde_json::to_value(v).map_err(|e| e.to_string())?;
    if format == "json" {
        println!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
        );
    } else {
        print!("{}", to_k8s_yaml(&v));
    }
    Ok(ExitCode::SUCCESS)
}

// ---------------------------------------------------------------- ls

#[derive(Args)]
pub struct LsArgs {
    #[arg(short = 'n', long, default_value = "default")]
    namespace: String,
    /// All namespaces.
    #[arg(short = 'A', long)]
    all_namespaces: bool,
    /// Output: table (default), json or yaml.
    #[arg(short = 'o', long, default_value = "table")]
    output: String,
    #[command(flatten)]
    cluster: ClusterArgs,
}

pub fn ls(a: LsArgs) -> Result<ExitCode, String> {
    runtime()?.block_on(async {
        let client = a.cluster.client().await?;
        let apps: Api<Application> = if a.all_namespaces {
            Api::all(client.clone())
        } else {
            Api::namespaced(client.clone(), &a.namespace)
        };
        let list = apps
            .list(&ListParams::default())
            .await
            .map_err(|e| api_error(e, "listing applications"))?
            .items;
        match a.output.as_str() {
            "json" | "yaml" => return print_as(&a.output, &list),
            "table" => {}
            other => return Err(format!("-o {other}: expected table, json or yaml")),
        }
        let mut t = Table::new();
        t.load_preset(comfy_table::presets::NOTHING);
        let mut header = vec![
            "APP",
            "COMPONENT",
            "TYPE",
            "TRAITS",
            "PHASE",
            "HEALTHY",
            "STATUS",
            "CREATED-TIME",
        ];
        if a.all_namespaces {
            header.insert(0, "NAMESPACE");
        }
        t.set_header(header);
        for app in &list {
            let st = app.status.clone().unwrap_or_default();
            let n = app.spec.components.len();
            for (i, c) in app.spec.components.iter().enumerate() {
                let svc = st.services.iter().find(|s| s.name == c.name);
                let first = i == 0;
                let mut row = vec![
                    if first {
                        app.name_any()
                    } else if i + 1 == n {
                        "└─".into()
                    } else {
                        "├─".into()
                    },
                    c.name.clone(),
                    c.type_.clone(),
                    c.traits
                        .iter()
                        .map(|t| t.type_.as_str())
                        .collect::<Vec<_>>()
                        .join(","),
                    st.status
                        .map(ApplicationPhase::as_str)
                        .unwrap_or("")
                        .to_string(),
                    svc.map(|s| if s.healthy { "healthy" } else { "unhealthy" })
                        .unwrap_or("")
                        .to_string(),
                    svc.map(|s| s.message.clone()).unwrap_or_default(),
                    if first {
                        app.metadata
                            .creation_timestamp
                            .as_ref()
                            .map(|t| t.0.strftime("%Y-%m-%d %H:%M:%S +0000 UTC").to_string())
                            .unwrap_or_default()
                    } else {
                        String::new()
                    },
                ];
                if a.all_namespaces {
                    row.insert(
                        0,
                        if first {
                            app.namespace().unwrap_or_default()
                        } else {
                            String::new()
                        },
                    );
                }
                t.add_row(row);
            }
        }
        println!(
            "{}",
            t.to_string()
                .lines()
                .map(str::trim_end)
                .collect::<Vec<_>>()
                .join("\n")
        );
        Ok(ExitCode::SUCCESS)
    })
}

// ---------------------------------------------------------------- delete

#[derive(Args)]
pub struct DeleteArgs {
    name: String,
    #[arg(short = 'n', long, default_value = "default")]
    namespace: String,
    /// Wait until the app and everything it created are gone.
    #[arg(long)]
    wait: bool,
    #[arg(long, default_value = "5m", value_parser = parse_duration)]
    timeout: Duration,
    #[command(flatten)]
    cluster: ClusterArgs,
}

pub fn delete(a: DeleteArgs) -> Result<ExitCode, String> {
    runtime()?.block_on(async {
        let client = a.cluster.client().await?;
        let apps: Api<Application> = Api::namespaced(client.clone(), &a.namespace);
        match apps.delete(&a.name, &DeleteParams::background()).await {
            Ok(_) => {}
            Err(kube::Error::Api(s)) if s.code == 404 => {
                return Err(format!(
                    "application {:?} not found in namespace {}",
                    a.name, a.namespace
                ));
            }
            Err(e) => return Err(api_error(e, &a.name)),
        }
        println!("application.core.oam.dev/{} deleted", a.name);
        if !a.wait {
            return Ok(ExitCode::SUCCESS);
        }
        let start = Instant::now();
        while apps
            .get_opt(&a.name)
            .await
            .map_err(|e| api_error(e, &a.name))?
            .is_some()
        {
            if start.elapsed() > a.timeout {
                eprintln!(
                    "⏱ application {} still being deleted after {:?}",
                    a.name, a.timeout
                );
                return Ok(ExitCode::from(EXIT_TIMEOUT));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        eprintln!("application {} and everything it created are gone", a.name);
        Ok(ExitCode::SUCCESS)
    })
}
