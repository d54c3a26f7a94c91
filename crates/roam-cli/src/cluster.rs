//! `roam cluster join|list|detach|rename|labels|probe`: the member clusters
//! the hub delivers to.
//!
//! A registration is a Secret on the hub in `roam-system` with KubeVela's
//! label and data keys (`roam_controller::registration`); KubeVela's own
//! registrations in `vela-system` are listed and used too. The hub itself
//! is the reserved cluster `local`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use comfy_table::Table;
use k8s_openapi::api::core::v1::{Namespace, Secret};
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::{Client, ResourceExt};
use roam_api::labels as L;
use roam_api::{Application, ResourceTracker};
use roam_controller::registration::{self, REGISTRY_NAMESPACE, Registration};
use serde_json::{Value, json};

use crate::deliver::{ClusterArgs, print_as, runtime};

/// The hub.
const LOCAL: &str = "local";

#[derive(Subcommand)]
pub enum ClusterCommand {
    /// Register a cluster from its kubeconfig (the hub keeps its endpoint and credentials).
    Join(JoinArgs),
    /// List the clusters: the hub (`local`) and every registered member, probed.
    #[command(alias = "ls")]
    List(ListArgs),
    /// Remove a cluster's registration (refused while an application uses it).
    Detach(NameArgs),
    /// Give a registered cluster another name (refused while an application uses it).
    Rename(RenameArgs),
    /// Add or remove a cluster's labels (what topology clusterLabelSelector matches).
    #[command(subcommand)]
    Labels(LabelsCommand),
    /// Connect to a cluster now: check the credentials and record its version.
    Probe(NameArgs),
}

#[derive(Args)]
pub struct JoinArgs {
    /// The member cluster's kubeconfig.
    member_kubeconfig: PathBuf,
    /// Name of the cluster [default: the kubeconfig's context name].
    #[arg(long)]
    name: Option<String>,
    /// Context of the member's kubeconfig [default: its current context].
    #[arg(long)]
    member_context: Option<String>,
    /// Labels, `key=value` (repeat or separate with commas).
    #[arg(long, value_delimiter = ',')]
    labels: Vec<String>,
    /// Namespace to create in the member cluster ("" for none).
    #[arg(long, default_value = roam_api::labels::SYSTEM_NAMESPACE)]
    create_namespace: String,
    #[command(flatten)]
    hub: ClusterArgs,
}

#[derive(Args)]
pub struct ListArgs {
    /// Output: table (default), json or yaml.
    #[arg(short = 'o', long, default_value = "table")]
    output: String,
    #[command(flatten)]
    hub: ClusterArgs,
}

#[derive(Args)]
pub struct NameArgs {
    /// Cluster name.
    name: String,
    #[command(flatten)]
    hub: ClusterArgs,
}

#[derive(Args)]
pub struct RenameArgs {
    /// The cluster's name now.
    old: String,
    /// Its new name.
    new: String,
    #[command(flatten)]
    hub: ClusterArgs,
}

#[derive(Subcommand)]
pub enum LabelsCommand {
    /// Add (or change) labels: `roam cluster labels add east region=east,tier=prod`.
    Add {
        name: String,
        /// `key=value` pairs (repeat or separate with commas).
        #[arg(value_delimiter = ',', required = true)]
        labels: Vec<String>,
        #[command(flatten)]
        hub: ClusterArgs,
    },
    /// Remove labels by key: `roam cluster labels del east tier`.
    Del {
        name: String,
        /// Label keys (repeat or separate with commas).
        #[arg(value_delimiter = ',', required = true)]
        keys: Vec<String>,
        #[command(flatten)]
        hub: ClusterArgs,
    },
}

pub fn run(cmd: ClusterCommand) -> Result<ExitCode, String> {
    runtime()?.block_on(async move {
        match cmd {
            ClusterCommand::Join(a) => join(a).await,
            ClusterCommand::List(a) => list(a).await,
            ClusterCommand::Detach(a) => detach(a).await,
            ClusterCommand::Rename(a) => rename(a).await,
            ClusterCommand::Labels(LabelsCommand::Add { name, labels, hub }) => {
                let pairs = parse_labels(&labels)?;
                let patch: BTreeMap<String, Value> =
                    pairs.into_iter().map(|(k, v)| (k, v.into())).collect();
                relabel(&hub, &name, patch).await
            }
            ClusterCommand::Labels(LabelsCommand::Del { name, keys, hub }) => {
                for k in &keys {
                    check_label_key(k)?;
                }
                let patch = keys.into_iter().map(|k| (k, Value::Null)).collect();
                relabel(&hub, &name, patch).await
            }
            ClusterCommand::Probe(a) => probe(a).await,
        }
    })
}

/// Where registrations are read from, roam's first.
pub(crate) const NAMESPACES: [&str; 2] = [REGISTRY_NAMESPACE, roam_api::labels::SYSTEM_NAMESPACE];

async fn registrations(
    hub: &Client,
) -> Result<BTreeMap<String, Result<Registration, String>>, String> {
    registration::list(hub, &NAMESPACES)
        .await
        .map_err(|e| format!("reading cluster registrations from the hub: {e}"))
}

/// The registration of `name` (errors say what exists).
async fn registered(hub: &Client, name: &str) -> Result<Registration, String> {
    if name == LOCAL {
        return Err(format!(
            "{LOCAL:?} is the hub itself: it has no registration to change"
        ));
    }
    let mut all = registrations(hub).await?;
    match all.remove(name) {
        Some(r) => r,
        None => Err(format!(
            "cluster {name:?} is not registered (clusters: {})",
            std::iter::once(LOCAL.to_string())
                .chain(all.into_keys())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

fn check_label_key(k: &str) -> Result<(), String> {
    if k.is_empty() || k == L::CLUSTER_CREDENTIAL_TYPE {
        return Err(format!("label key {k:?} cannot be set on a cluster"));
    }
    Ok(())
}

fn parse_labels(labels: &[String]) -> Result<BTreeMap<String, String>, String> {
    labels
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (k, v) = l
                .split_once('=')
                .ok_or_else(|| format!("label {l:?} is not key=value"))?;
            check_label_key(k.trim())?;
            Ok((k.trim().to_string(), v.trim().to_string()))
        })
        .collect()
}

/// Connects and checks the credentials: the version, and a namespace list
/// (which needs them even where `/version` does not).
async fn connect(reg: &Registration) -> Result<(Client, roam_render::ClusterVersion), String> {
    let client = reg.client().await?;
    let why = |e: kube::Error| match &e {
        kube::Error::Api(s) if s.code == 401 => format!(
            "cluster {:?} at {} refused the credentials (401 Unauthorized): {}",
            reg.name, reg.endpoint, s.message
        ),
        kube::Error::Api(s) if s.code == 403 => format!(
            "cluster {:?} at {}: the credentials are not allowed to list namespaces (403 Forbidden): {}",
            reg.name, reg.endpoint, s.message
        ),
        _ => format!(
            "cluster {:?} at {} cannot be reached: {e}",
            reg.name, reg.endpoint
        ),
    };
    let probe = async {
        Api::<Namespace>::all(client.clone())
            .list(&ListParams::default().limit(1))
            .await
            .map_err(why)?;
        registration::probe(&client).await.map_err(why)
    };
    let version = tokio::time::timeout(Duration::from_secs(10), probe)
        .await
        .map_err(|_| {
            format!(
                "cluster {:?} at {} did not answer within 10 s",
                reg.name, reg.endpoint
            )
        })??;
    Ok((client, version))
}

async fn ensure_namespace(client: &Client, ns: &str) -> Result<(), String> {
    let api: Api<Namespace> = Api::all(client.clone());
    let obj: Namespace =
        serde_json::from_value(json!({"metadata": {"name": ns}})).map_err(|e| e.to_string())?;
    match api.create(&PostParams::default(), &obj).await {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(s)) if s.code == 409 => Ok(()),
        Err(e) => Err(format!("creating namespace {ns}: {e}")),
    }
}

async fn join(a: JoinArgs) -> Result<ExitCode, String> {
    let kc = kube::config::Kubeconfig::read_from(&a.member_kubeconfig)
        .map_err(|e| format!("{}: {e}", a.member_kubeconfig.display()))?;
    let mut reg =
        Registration::from_kubeconfig(&kc, a.member_context.as_deref(), a.name.as_deref())
            .map_err(|e| format!("{}: {e}", a.member_kubeconfig.display()))?;
    reg.labels = parse_labels(&a.labels)?;
    let hub = a.hub.client().await?;
    if let Some(existing) = registrations(&hub).await?.get(&reg.name) {
        let at = existing
            .as_ref()
            .map(|r| format!(" ({})", r.endpoint))
            .unwrap_or_default();
        return Err(format!(
            "cluster {:?} is already registered{at}; detach it first or join with another --name",
            reg.name
        ));
    }
    let (member, version) = connect(&reg).await?;
    reg.version = Some(version.clone());
    if !a.create_namespace.is_empty() {
        ensure_namespace(&member, &a.create_namespace)
            .await
            .map_err(|e| format!("cluster {:?}: {e}", reg.name))?;
    }
    ensure_namespace(&hub, REGISTRY_NAMESPACE).await?;
    Api::<Secret>::namespaced(hub, REGISTRY_NAMESPACE)
        .create(&PostParams::default(), &reg.to_secret())
        .await
        .map_err(|e| format!("saving the registration of {:?}: {e}", reg.name))?;
    println!(
        "cluster {} joined: {} (Kubernetes {}, {})",
        reg.name,
        reg.endpoint,
        version.git_version,
        reg.credential.type_name()
    );
    Ok(ExitCode::SUCCESS)
}

async fn list(a: ListArgs) -> Result<ExitCode, String> {
    let hub = a.hub.client().await?;
    let regs = registrations(&hub).await?;
    let hub_version = registration::probe(&hub)
        .await
        .map(|v| v.git_version)
        .unwrap_or_default();
    // Probe the members concurrently.
    let probes = futures_util::future::join_all(regs.values().map(|r| async move {
        match r {
            Ok(r) => match connect(r).await {
                Ok((_, v)) => (v.git_version, "true".to_string()),
                Err(e) => (
                    r.version
                        .as_ref()
                        .map(|v| v.git_version.clone())
                        .unwrap_or_default(),
                    format!("false: {e}"),
                ),
            },
            Err(e) => (String::new(), format!("false: {e}")),
        }
    }))
    .await;
    let mut rows = vec![json!({
        "name": LOCAL,
        "alias": "",
        "credentialType": "Internal",
        "endpoint": a.hub.server_url().await.unwrap_or_default(),
        "version": hub_version,
        "labels": {},
        "reachable": true,
    })];
    for ((name, r), (version, reach)) in regs.iter().zip(probes) {
        let (reachable, why) = match reach.split_once(": ") {
            Some((_, why)) => (false, why.to_string()),
            None => (reach == "true", String::new()),
        };
        rows.push(match r {
            Ok(r) => json!({
                "name": name,
                "alias": r.alias.clone().unwrap_or_default(),
                "credentialType": r.credential.type_name(),
                "endpoint": r.endpoint,
                "version": version,
                "labels": r.labels,
                "reachable": reachable,
                "message": why,
            }),
            Err(e) => json!({
                "name": name, "alias": "", "credentialType": "", "endpoint": "",
                "version": "", "labels": {}, "reachable": false, "message": e,
            }),
        });
    }
    if a.output != "table" {
        if a.output != "json" && a.output != "yaml" {
            return Err(format!(
                "unknown output {:?}: table, json or yaml",
                a.output
            ));
        }
        return print_as(&a.output, &Value::Array(rows));
    }
    let mut t = Table::new();
    t.load_preset(comfy_table::presets::NOTHING);
    t.set_header([
        "NAME",
        "ALIAS",
        "CREDENTIAL-TYPE",
        "ENDPOINT",
        "VERSION",
        "LABELS",
        "REACHABLE",
    ]);
    let mut notes = Vec::new();
    for r in &rows {
        let labels = r["labels"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default();
        let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
        t.add_row([
            s("name"),
            s("alias"),
            s("credentialType"),
            s("endpoint"),
            s("version"),
            labels,
            r["reachable"].as_bool().unwrap_or(false).to_string(),
        ]);
        if !s("message").is_empty() {
            notes.push(format!("{}: {}", s("name"), s("message")));
        }
    }
    println!("{}", t.trim_fmt());
    for n in notes {
        eprintln!("{n}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The applications with objects in `cluster` (by their trackers), or
/// whose topology policies name it.
async fn users_of(hub: &Client, cluster: &str) -> Result<BTreeSet<String>, String> {
    let mut users = BTreeSet::new();
    let trackers: Api<ResourceTracker> = Api::all(hub.clone());
    for rt in trackers
        .list(&ListParams::default())
        .await
        .map_err(|e| format!("listing ResourceTrackers: {e}"))?
        .items
    {
        if rt
            .spec
            .managed_resources
            .iter()
            .any(|m| m.cluster == cluster && !m.deleted)
        {
            let l = rt.labels();
            if let (Some(n), Some(ns)) = (l.get(L::APP_NAME), l.get(L::APP_NAMESPACE)) {
                users.insert(format!("{ns}/{n}"));
            }
        }
    }
    let apps: Api<Application> = Api::all(hub.clone());
    for app in apps
        .list(&ListParams::default())
        .await
        .map_err(|e| format!("listing Applications: {e}"))?
        .items
    {
        let names_it = app.spec.policies.iter().any(|p| {
            p.type_ == "topology"
                && p.properties
                    .as_ref()
                    .and_then(|v| v.get("clusters"))
                    .and_then(Value::as_array)
                    .is_some_and(|a| a.iter().any(|c| c.as_str() == Some(cluster)))
        });
        if names_it {
            users.insert(format!(
                "{}/{}",
                app.namespace().unwrap_or_default(),
                app.name_any()
            ));
        }
    }
    Ok(users)
}

async fn refuse_if_used(hub: &Client, cluster: &str, what: &str) -> Result<(), String> {
    let users = users_of(hub, cluster).await?;
    if users.is_empty() {
        return Ok(());
    }
    Err(format!(
        "cannot {what} cluster {cluster:?}: applications use it: {}\n\
         delete them or take the cluster out of their topology policies first",
        users.into_iter().collect::<Vec<_>>().join(", ")
    ))
}

async fn detach(a: NameArgs) -> Result<ExitCode, String> {
    let hub = a.hub.client().await?;
    let reg = registered(&hub, &a.name).await?;
    refuse_if_used(&hub, &a.name, "detach").await?;
    Api::<Secret>::namespaced(hub, &reg.namespace)
        .delete(&reg.name, &DeleteParams::default())
        .await
        .map_err(|e| format!("deleting the registration of {:?}: {e}", reg.name))?;
    println!("cluster {} detached", reg.name);
    Ok(ExitCode::SUCCESS)
}

async fn rename(a: RenameArgs) -> Result<ExitCode, String> {
    let hub = a.hub.client().await?;
    let mut reg = registered(&hub, &a.old).await?;
    registration::check_name(&a.new)?;
    if registrations(&hub).await?.contains_key(&a.new) {
        return Err(format!("cluster {:?} is already registered", a.new));
    }
    refuse_if_used(&hub, &a.old, "rename").await?;
    let old_ns = reg.namespace.clone();
    reg.name = a.new.clone();
    reg.namespace = REGISTRY_NAMESPACE.into();
    ensure_namespace(&hub, REGISTRY_NAMESPACE).await?;
    let mut secret = reg.to_secret();
    secret.metadata.resource_version = None;
    Api::<Secret>::namespaced(hub.clone(), REGISTRY_NAMESPACE)
        .create(&PostParams::default(), &secret)
        .await
        .map_err(|e| format!("saving the registration of {:?}: {e}", a.new))?;
    Api::<Secret>::namespaced(hub, &old_ns)
        .delete(&a.old, &DeleteParams::default())
        .await
        .map_err(|e| format!("deleting the registration of {:?}: {e}", a.old))?;
    println!("cluster {} renamed to {}", a.old, a.new);
    Ok(ExitCode::SUCCESS)
}

async fn relabel(
    hub: &ClusterArgs,
    name: &str,
    labels: BTreeMap<String, Value>,
) -> Result<ExitCode, String> {
    let hub = hub.client().await?;
    let reg = registered(&hub, name).await?;
    let p = json!({"metadata": {"labels": labels}});
    let s = Api::<Secret>::namespaced(hub, &reg.namespace)
        .patch(&reg.name, &PatchParams::default(), &Patch::Merge(&p))
        .await
        .map_err(|e| format!("changing the labels of {name:?}: {e}"))?;
    let now: Vec<String> = s
        .labels()
        .iter()
        .filter(|(k, _)| k.as_str() != L::CLUSTER_CREDENTIAL_TYPE)
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    println!("cluster {name} labels: {}", now.join(","));
    Ok(ExitCode::SUCCESS)
}

async fn probe(a: NameArgs) -> Result<ExitCode, String> {
    let hub = a.hub.client().await?;
    let reg = registered(&hub, &a.name).await?;
    let (_, version) = connect(&reg).await?;
    let p = json!({"metadata": {"annotations": {
        L::ANNO_CLUSTER_VERSION: registration::version_json(&version),
    }}});
    Api::<Secret>::namespaced(hub, &reg.namespace)
        .patch(&reg.name, &PatchParams::default(), &Patch::Merge(&p))
        .await
        .map_err(|e| format!("recording the version of {:?}: {e}", reg.name))?;
    println!(
        "cluster {} is reachable: {} (Kubernetes {})",
        reg.name, reg.endpoint, version.git_version
    );
    Ok(ExitCode::SUCCESS)
}
