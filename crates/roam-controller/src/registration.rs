//! Member cluster registrations: how roam reaches a cluster other than the
//! hub.
//!
//! A registration is an Opaque Secret named after the cluster, with
//! KubeVela's label and data keys (`vela cluster join` writes the same
//! shape), so registrations made by either tool are read by both:
//!
//! | part | key | value |
//! |---|---|---|
//! | label | `cluster.core.oam.dev/cluster-credential-type` | `ServiceAccountToken` or `X509Certificate` |
//! | data | `endpoint` | the API server's URL |
//! | data | `ca.crt` | CA bundle (PEM); absent: the system roots, or insecure |
//! | data | `token` | bearer token |
//! | data | `tls.crt`, `tls.key` | client certificate and key (PEM) |
//! | data | `proxy-url` | optional proxy |
//! | annotation | `cluster.core.oam.dev/cluster-version` | the version last probed (JSON) |
//! | annotation | `cluster.core.oam.dev/cluster-alias` | an alias |
//! | labels | anything else | the cluster's labels (topology `clusterLabelSelector`) |
//!
//! roam writes them to [`REGISTRY_NAMESPACE`] and also reads KubeVela's in
//! the system namespace (`vela-system`); a name in both is roam's.

use std::collections::BTreeMap;
use std::time::Duration;

use base64::Engine as _;
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret;
use kube::api::ObjectMeta;
use kube::config::{KubeConfigOptions, Kubeconfig};
use roam_api::labels as L;
use roam_render::ClusterVersion;
use secrecy::ExposeSecret;

use crate::cluster::LOCAL;

/// Where roam writes cluster registrations.
pub const REGISTRY_NAMESPACE: &str = "roam-system";

/// How roam authenticates to a member cluster.
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// A bearer token (`ServiceAccountToken`).
    Token(String),
    /// A client certificate and key, PEM (`X509Certificate`).
    X509 { cert: Vec<u8>, key: Vec<u8> },
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print secrets.
        f.write_str(self.type_name())
    }
}

impl Credential {
    /// The credential-type label's value.
    pub fn type_name(&self) -> &'static str {
        match self {
            Credential::Token(_) => "ServiceAccountToken",
            Credential::X509 { .. } => "X509Certificate",
        }
    }
}

/// One registered member cluster.
#[derive(Clone, Debug, PartialEq)]
pub struct Registration {
    pub name: String,
    /// The namespace of its Secret.
    pub namespace: String,
    pub endpoint: String,
    pub credential: Credential,
    /// CA bundle (PEM); `None` with `insecure` false: the system roots.
    pub ca: Option<Vec<u8>>,
    pub insecure: bool,
    pub proxy_url: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub alias: Option<String>,
    /// The version last probed.
    pub version: Option<ClusterVersion>,
    /// The Secret's resourceVersion (a changed registration gets a new client).
    pub resource_version: String,
}

/// A cluster name must be a Secret name, and not the hub's.
pub fn check_name(name: &str) -> Result<(), String> {
    if name == LOCAL {
        return Err(format!(
            "{LOCAL:?} is the hub cluster's reserved name; choose another with --name"
        ));
    }
    let ok = !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !part.starts_with('-')
                && !part.ends_with('-')
        });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid cluster name {name:?}: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit"
        ))
    }
}

impl Registration {
    /// Reads a registration Secret (`Err` says what is missing).
    pub fn from_secret(s: &Secret) -> Result<Registration, String> {
        let name = s.metadata.name.clone().unwrap_or_default();
        let labels = s.metadata.labels.clone().unwrap_or_default();
        let kind = labels
            .get(L::CLUSTER_CREDENTIAL_TYPE)
            .map(String::as_str)
            .unwrap_or("");
        let data = s.data.clone().unwrap_or_default();
        let get = |k: &str| data.get(k).map(|b| b.0.clone()).filter(|b| !b.is_empty());
        let text = |k: &str| -> Result<Option<String>, String> {
            get(k)
                .map(|b| {
                    String::from_utf8(b)
                        .map(|s| s.trim().to_string())
                        .map_err(|_| format!("cluster {name:?}: data key {k:?} is not UTF-8"))
                })
                .transpose()
        };
        let endpoint = text("endpoint")?
            .ok_or_else(|| format!("cluster {name:?}: the Secret has no data key \"endpoint\""))?;
        let credential = match kind {
            "ServiceAccountToken" => Credential::Token(text("token")?.ok_or_else(|| {
                format!("cluster {name:?}: credential type ServiceAccountToken but no data key \"token\"")
            })?),
            "X509Certificate" => match (get("tls.crt"), get("tls.key")) {
                (Some(cert), Some(key)) => Credential::X509 { cert, key },
                _ => {
                    return Err(format!(
                        "cluster {name:?}: credential type X509Certificate needs data keys \"tls.crt\" and \"tls.key\""
                    ));
                }
            },
            other => {
                return Err(format!(
                    "cluster {name:?}: credential type {other:?} is not supported (ServiceAccountToken or X509Certificate)"
                ));
            }
        };
        let annotations = s.metadata.annotations.clone().unwrap_or_default();
        let ca = get("ca.crt");
        Ok(Registration {
            namespace: s.metadata.namespace.clone().unwrap_or_default(),
            endpoint,
            credential,
            insecure: ca.is_none() && annotations.get(ANNO_INSECURE).is_some_and(|v| v == "true"),
            ca,
            proxy_url: text("proxy-url")?,
            labels: labels
                .into_iter()
                .filter(|(k, _)| k != L::CLUSTER_CREDENTIAL_TYPE)
                .collect(),
            alias: annotations.get(L::ANNO_CLUSTER_ALIAS).cloned(),
            version: annotations
                .get(L::ANNO_CLUSTER_VERSION)
                .and_then(|v| parse_version(v)),
            resource_version: s.metadata.resource_version.clone().unwrap_or_default(),
            name,
        })
    }

    /// The Secret that records it.
    pub fn to_secret(&self) -> Secret {
        let mut labels = self.labels.clone();
        labels.insert(
            L::CLUSTER_CREDENTIAL_TYPE.into(),
            self.credential.type_name().into(),
        );
        let mut annotations = BTreeMap::new();
        if let Some(a) = &self.alias {
            annotations.insert(L::ANNO_CLUSTER_ALIAS.to_string(), a.clone());
        }
        if let Some(v) = &self.version {
            annotations.insert(L::ANNO_CLUSTER_VERSION.to_string(), version_json(v));
        }
        if self.insecure {
            annotations.insert(ANNO_INSECURE.to_string(), "true".into());
        }
        let mut data = BTreeMap::new();
        let mut put = |k: &str, v: &[u8]| {
            data.insert(k.to_string(), ByteString(v.to_vec()));
        };
        put("endpoint", self.endpoint.as_bytes());
        if let Some(ca) = &self.ca {
            put("ca.crt", ca);
        }
        if let Some(p) = &self.proxy_url {
            put("proxy-url", p.as_bytes());
        }
        match &self.credential {
            Credential::Token(t) => put("token", t.as_bytes()),
            Credential::X509 { cert, key } => {
                put("tls.crt", cert);
                put("tls.key", key);
            }
        }
        Secret {
            metadata: ObjectMeta {
                name: Some(self.name.clone()),
                namespace: Some(self.namespace.clone()),
                labels: Some(labels),
                annotations: Some(annotations).filter(|a| !a.is_empty()),
                ..Default::default()
            },
            type_: Some("Opaque".into()),
            data: Some(data),
            ..Default::default()
        }
    }

    /// A registration from a kubeconfig's context (the current one when
    /// `context` is `None`). Files the kubeconfig refers to are read now;
    /// exec and auth-provider credentials are refused (they would expire).
    pub fn from_kubeconfig(
        kc: &Kubeconfig,
        context: Option<&str>,
        name: Option<&str>,
    ) -> Result<Registration, String> {
        let ctx_name = context
            .map(str::to_string)
            .or_else(|| kc.current_context.clone())
            .ok_or("the kubeconfig has no current-context; pass --context")?;
        let ctx = kc
            .contexts
            .iter()
            .find(|c| c.name == ctx_name)
            .and_then(|c| c.context.as_ref())
            .ok_or_else(|| format!("the kubeconfig has no context {ctx_name:?}"))?;
        let cluster = kc
            .clusters
            .iter()
            .find(|c| c.name == ctx.cluster)
            .and_then(|c| c.cluster.as_ref())
            .ok_or_else(|| format!("the kubeconfig has no cluster {:?}", ctx.cluster))?;
        let user = ctx
            .user
            .as_ref()
            .and_then(|u| kc.auth_infos.iter().find(|a| &a.name == u))
            .and_then(|a| a.auth_info.as_ref())
            .ok_or_else(|| format!("context {ctx_name:?} of the kubeconfig names no user"))?;
        let endpoint = cluster
            .server
            .clone()
            .ok_or_else(|| format!("cluster {:?} of the kubeconfig has no server", ctx.cluster))?;
        let data_or_file = |data: Option<&str>, file: Option<&str>, what: &str| {
            if let Some(d) = data {
                return base64::engine::general_purpose::STANDARD
                    .decode(d.trim())
                    .map(Some)
                    .map_err(|e| format!("{what} in the kubeconfig is not base64: {e}"));
            }
            match file {
                Some(f) => std::fs::read(f)
                    .map(Some)
                    .map_err(|e| format!("{what} file {f}: {e}")),
                None => Ok(None),
            }
        };
        let ca = data_or_file(
            cluster.certificate_authority_data.as_deref(),
            cluster.certificate_authority.as_deref(),
            "certificate-authority",
        )?;
        let token = match (&user.token, &user.token_file) {
            (Some(t), _) => Some(t.expose_secret().to_string()),
            (None, Some(f)) => Some(
                std::fs::read_to_string(f)
                    .map_err(|e| format!("token file {f}: {e}"))?
                    .trim()
                    .to_string(),
            ),
            _ => None,
        };
        let cert = data_or_file(
            user.client_certificate_data.as_deref(),
            user.client_certificate.as_deref(),
            "client-certificate",
        )?;
        let key_data = user
            .client_key_data
            .as_ref()
            .map(|k| k.expose_secret().to_string());
        let key = data_or_file(
            key_data.as_deref(),
            user.client_key.as_deref(),
            "client-key",
        )?;
        let credential = match (token, cert, key) {
            (Some(t), _, _) => Credential::Token(t),
            (None, Some(cert), Some(key)) => Credential::X509 { cert, key },
            _ if user.exec.is_some() || user.auth_provider.is_some() => {
                return Err(format!(
                    "the user of context {ctx_name:?} authenticates with an exec plugin or auth provider; \
                     roam needs a token or a client certificate that stays valid (e.g. a ServiceAccount token)"
                ));
            }
            _ => {
                return Err(format!(
                    "the user of context {ctx_name:?} has neither a token nor a client certificate and key"
                ));
            }
        };
        let name = name.map(str::to_string).unwrap_or(ctx_name);
        check_name(&name)?;
        Ok(Registration {
            name,
            namespace: REGISTRY_NAMESPACE.into(),
            endpoint,
            credential,
            insecure: ca.is_none() && cluster.insecure_skip_tls_verify == Some(true),
            ca,
            proxy_url: cluster.proxy_url.clone(),
            labels: BTreeMap::new(),
            alias: None,
            version: None,
            resource_version: String::new(),
        })
    }

    /// A client for the cluster: short connect timeout (an unreachable
    /// member must not hold up the others), bounded reads.
    pub async fn client(&self) -> Result<kube::Client, String> {
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        let mut user = serde_json::Map::new();
        match &self.credential {
            Credential::Token(t) => {
                user.insert("token".into(), t.clone().into());
            }
            Credential::X509 { cert, key } => {
                user.insert("client-certificate-data".into(), b64(cert).into());
                user.insert("client-key-data".into(), b64(key).into());
            }
        }
        let mut cluster = serde_json::Map::new();
        cluster.insert("server".into(), self.endpoint.clone().into());
        if let Some(ca) = &self.ca {
            cluster.insert("certificate-authority-data".into(), b64(ca).into());
        }
        if self.insecure {
            cluster.insert("insecure-skip-tls-verify".into(), true.into());
        }
        if let Some(p) = &self.proxy_url {
            cluster.insert("proxy-url".into(), p.clone().into());
        }
        let kc = serde_json::json!({
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": self.name, "cluster": cluster}],
            "users": [{"name": self.name, "user": user}],
            "contexts": [{"name": self.name, "context": {"cluster": self.name, "user": self.name}}],
            "current-context": self.name,
        });
        let kc: Kubeconfig = serde_json::from_value(kc)
            .map_err(|e| format!("cluster {:?}: bad registration: {e}", self.name))?;
        let mut config = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
            .await
            .map_err(|e| format!("cluster {:?}: bad registration: {e}", self.name))?;
        // As kube-apiserver names non-apply managers and as `/metrics` of
        // roam local counts clients.
        config.headers.push((
            http::header::USER_AGENT,
            http::HeaderValue::from_static(concat!("roam/", env!("CARGO_PKG_VERSION"))),
        ));
        config.connect_timeout = Some(Duration::from_secs(5));
        config.read_timeout = Some(Duration::from_secs(60));
        config.write_timeout = Some(Duration::from_secs(60));
        kube::Client::try_from(config)
            .map_err(|e| format!("cluster {:?}: cannot make a client: {e}", self.name))
    }
}

/// The registrations among `secrets` that live in `namespaces` (a name in
/// an earlier namespace wins), by cluster name; one that cannot be read is
/// an `Err` saying what is wrong.
pub fn from_secrets<'a>(
    secrets: impl IntoIterator<Item = &'a Secret>,
    namespaces: &[String],
) -> BTreeMap<String, Result<Registration, String>> {
    let mut found: Vec<(usize, &Secret)> = secrets
        .into_iter()
        .filter(|s| {
            s.metadata
                .labels
                .as_ref()
                .is_some_and(|l| l.contains_key(L::CLUSTER_CREDENTIAL_TYPE))
                && s.metadata.name.as_deref() != Some(LOCAL)
        })
        .filter_map(|s| {
            let ns = s.metadata.namespace.as_deref()?;
            Some((namespaces.iter().position(|n| n == ns)?, s))
        })
        .collect();
    // Later namespaces first, so earlier ones overwrite them.
    found.sort_by_key(|(i, _)| std::cmp::Reverse(*i));
    found
        .into_iter()
        .map(|(_, s)| {
            (
                s.metadata.name.clone().unwrap_or_default(),
                Registration::from_secret(s),
            )
        })
        .collect()
}

/// Lists the registrations in `namespaces` from the hub.
pub async fn list(
    hub: &kube::Client,
    namespaces: &[&str],
) -> Result<BTreeMap<String, Result<Registration, String>>, kube::Error> {
    Ok(crate::cluster::Clusters::listed(hub.clone(), namespaces)
        .await?
        .registrations())
}

/// Marks a registration made with `insecure-skip-tls-verify` (no CA).
const ANNO_INSECURE: &str = "cluster.core.oam.dev/insecure-skip-tls-verify";

/// The cluster's `/version`, as `context.clusterVersion` takes it.
pub async fn probe(client: &kube::Client) -> Result<ClusterVersion, kube::Error> {
    let info = client.apiserver_version().await?;
    Ok(ClusterVersion {
        major: info.major.clone(),
        minor: info
            .minor
            .trim_end_matches(|c: char| !c.is_ascii_digit())
            .parse()
            .unwrap_or(0),
        git_version: info.git_version.clone(),
        platform: info.platform.clone(),
    })
}

/// The version annotation's value.
pub fn version_json(v: &ClusterVersion) -> String {
    serde_json::json!({
        "major": v.major,
        "minor": v.minor.to_string(),
        "gitVersion": v.git_version,
        "platform": v.platform,
    })
    .to_string()
}

fn parse_version(s: &str) -> Option<ClusterVersion> {
    let v: serde_json::Value = serde_json::from_str(s).ok()?;
    let str_of = |k: &str| v[k].as_str().unwrap_or_default().to_string();
    Some(ClusterVersion {
        major: str_of("major"),
        minor: match &v["minor"] {
            serde_json::Value::Number(n) => n.as_i64().unwrap_or(0),
            m => m
                .as_str()
                .unwrap_or_default()
                .trim_end_matches(|c: char| !c.is_ascii_digit())
                .parse()
                .unwrap_or(0),
        },
        git_version: str_of("gitVersion"),
        platform: str_of("platform"),
    })
}

/// Whether labels match a topology's `clusterLabelSelector` (every pair).
pub fn labels_match(labels: &BTreeMap<String, String>, selector: &serde_json::Value) -> bool {
    selector.as_object().is_some_and(|m| {
        m.iter()
            .all(|(k, v)| labels.get(k).map(String::as_str) == v.as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg() -> Registration {
        Registration {
            name: "east".into(),
            namespace: REGISTRY_NAMESPACE.into(),
            endpoint: "https://10.0.0.1:6443".into(),
            credential: Credential::Token("t0k".into()),
            ca: Some(b"-----BEGIN CERTIFICATE-----\n".to_vec()),
            insecure: false,
            proxy_url: None,
            labels: [("region".to_string(), "east".to_string())].into(),
            alias: None,
            version: Some(ClusterVersion::default()),
            resource_version: String::new(),
        }
    }

    #[test]
    fn secrets_round_trip_with_kubevela_keys() {
        let r = reg();
        let s = r.to_secret();
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(
            v["metadata"]["labels"][L::CLUSTER_CREDENTIAL_TYPE],
            "ServiceAccountToken"
        );
        assert_eq!(v["metadata"]["labels"]["region"], "east");
        let data = v["data"].as_object().unwrap();
        let mut keys: Vec<&str> = data.keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["ca.crt", "endpoint", "token"]);
        assert_eq!(Registration::from_secret(&s).unwrap(), r);
    }

    #[test]
    fn bad_secrets_say_what_is_missing() {
        let mut s = reg().to_secret();
        s.data.as_mut().unwrap().remove("token");
        let e = Registration::from_secret(&s).unwrap_err();
        assert!(e.contains("\"east\"") && e.contains("\"token\""), "{e}");
        let mut s = reg().to_secret();
        s.metadata
            .labels
            .as_mut()
            .unwrap()
            .insert(L::CLUSTER_CREDENTIAL_TYPE.into(), "ManagedCluster".into());
        let e = Registration::from_secret(&s).unwrap_err();
        assert!(e.contains("ManagedCluster"), "{e}");
    }

    #[test]
    fn kubeconfig_context_becomes_a_registration() {
        let kc = Kubeconfig::from_yaml(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\n    certificate-authority-data: QUJD\n\
             users:\n- name: u\n  user:\n    token: abc\ncontexts:\n- name: roam-local\n  context:\n    cluster: c\n    user: u\ncurrent-context: roam-local\n",
        )
        .unwrap();
        let r = Registration::from_kubeconfig(&kc, None, Some("m1")).unwrap();
        assert_eq!(r.name, "m1");
        assert_eq!(r.ca.as_deref(), Some(&b"ABC"[..]));
        assert_eq!(r.credential, Credential::Token("abc".into()));
        let e = Registration::from_kubeconfig(&kc, None, Some("local")).unwrap_err();
        assert!(e.contains("reserved"), "{e}");
        let e = Registration::from_kubeconfig(&kc, Some("nope"), None).unwrap_err();
        assert!(e.contains("\"nope\""), "{e}");
    }

    #[test]
    fn label_selectors_need_every_pair() {
        let l: BTreeMap<String, String> = [
            ("region".into(), "east".into()),
            ("tier".into(), "prod".into()),
        ]
        .into();
        assert!(labels_match(&l, &serde_json::json!({"region": "east"})));
        assert!(!labels_match(&l, &serde_json::json!({"region": "west"})));
        assert!(!labels_match(&l, &serde_json::json!({"zone": "a"})));
    }
}
