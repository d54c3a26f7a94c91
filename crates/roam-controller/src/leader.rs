//! Leader election on a `coordination.k8s.io/v1` Lease, so two controller
//! replicas never both act.
//!
//! The holder renews every `duration / 3`; another replica takes the lease
//! only when it has not been renewed for `duration`. Every write carries
//! the resourceVersion read, so two candidates racing for an expired lease
//! cannot both win (one gets 409). A leader that fails to renew before its
//! lease would expire steps down (stops acting) first.

use std::time::Duration;

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use k8s_openapi::jiff::Timestamp;
use kube::Client;
use kube::api::{Api, PostParams};
use tokio::sync::watch;

/// Lease settings.
#[derive(Clone, Debug)]
pub struct LeaseConfig {
    pub namespace: String,
    pub name: String,
    /// This replica's identity (host name + pid by default).
    pub identity: String,
    pub duration: Duration,
}

impl LeaseConfig {
    pub fn new(namespace: &str) -> LeaseConfig {
        let host = std::fs::read_to_string("/etc/hostname")
            .map(|h| h.trim().to_string())
            .unwrap_or_else(|_| "roam".into());
        LeaseConfig {
            namespace: namespace.into(),
            name: "roam-controller".into(),
            identity: format!("{host}_{}", std::process::id()),
            duration: Duration::from_secs(15),
        }
    }
}

/// Tries to take or renew the lease once; returns whether this replica
/// holds it afterwards.
pub async fn try_acquire(client: &Client, cfg: &LeaseConfig) -> Result<bool, kube::Error> {
    let api: Api<Lease> = Api::namespaced(client.clone(), &cfg.namespace);
    let now = Timestamp::now();
    let secs = i32::try_from(cfg.duration.as_secs()).unwrap_or(15);
    match api.get_opt(&cfg.name).await? {
        None => {
            let lease = Lease {
                metadata: ObjectMeta {
                    name: Some(cfg.name.clone()),
                    namespace: Some(cfg.namespace.clone()),
                    ..Default::default()
                },
                spec: Some(LeaseSpec {
                    holder_identity: Some(cfg.identity.clone()),
                    lease_duration_seconds: Some(secs),
                    acquire_time: Some(MicroTime(now)),
                    renew_time: Some(MicroTime(now)),
                    lease_transitions: Some(0),
                    ..Default::default()
                }),
            };
            match api.create(&PostParams::default(), &lease).await {
                Ok(_) => Ok(true),
                Err(kube::Error::Api(s)) if s.code == 409 => Ok(false),
                Err(e) => Err(e),
            }
        }
        Some(mut lease) => {
            let spec = lease.spec.get_or_insert_with(Default::default);
            let mine = spec.holder_identity.as_deref() == Some(cfg.identity.as_str());
            let expired = spec.renew_time.as_ref().is_none_or(|t| {
                let held = i64::from(spec.lease_duration_seconds.unwrap_or(secs));
                now.as_second() - t.0.as_second() > held
            }) || spec.holder_identity.as_deref().unwrap_or("").is_empty();
            if !mine && !expired {
                return Ok(false);
            }
            if !mine {
                spec.holder_identity = Some(cfg.identity.clone());
                spec.acquire_time = Some(MicroTime(now));
                spec.lease_transitions = Some(spec.lease_transitions.unwrap_or(0) + 1);
            }
            spec.renew_time = Some(MicroTime(now));
            spec.lease_duration_seconds = Some(secs);
            match api.replace(&cfg.name, &PostParams::default(), &lease).await {
                Ok(_) => Ok(true),
                Err(kube::Error::Api(s)) if s.code == 409 => Ok(false),
                Err(e) => Err(e),
            }
        }
    }
}

/// Gives up the lease (on shutdown) so another replica takes over at once.
pub async fn release(client: &Client, cfg: &LeaseConfig) {
    let api: Api<Lease> = Api::namespaced(client.clone(), &cfg.namespace);
    if let Ok(Some(mut lease)) = api.get_opt(&cfg.name).await
        && let Some(spec) = lease.spec.as_mut()
        && spec.holder_identity.as_deref() == Some(cfg.identity.as_str())
    {
        spec.holder_identity = None;
        spec.renew_time = None;
        let _ = api.replace(&cfg.name, &PostParams::default(), &lease).await;
    }
}

/// Runs the election forever: `leading` says whether this replica leads.
pub async fn run(client: Client, cfg: LeaseConfig, leading: watch::Sender<bool>) {
    let renew = cfg.duration / 3;
    let mut last_ok = tokio::time::Instant::now();
    loop {
        match try_acquire(&client, &cfg).await {
            Ok(held) => {
                if held {
                    last_ok = tokio::time::Instant::now();
                }
                if *leading.borrow() != held {
                    tracing::info!(identity = %cfg.identity, leading = held, "leader election");
                }
                leading.send_if_modified(|l| std::mem::replace(l, held) != held);
            }
            Err(e) => {
                tracing::warn!(error = %e, "leader election: lease not renewed");
                // Step down before the lease can expire under us.
                if *leading.borrow() && last_ok.elapsed() > cfg.duration * 2 / 3 {
                    leading.send_replace(false);
                }
            }
        }
        tokio::time::sleep(renew).await;
    }
}
