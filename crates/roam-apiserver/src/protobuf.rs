//! Kubernetes protobuf request bodies for the kinds kubectl's generator commands
//! (`kubectl create namespace|configmap|secret|serviceaccount|deployment|job|
//! cronjob|service|role|rolebinding|clusterrole|clusterrolebinding`) send that way.
//!
//! A body is the `k8s\0` magic and a `runtime.Unknown` envelope (`typeMeta`,
//! `raw`) around the object's protobuf encoding; it is decoded to the JSON form
//! with a small table of field numbers per message (from the upstream
//! `generated.proto` files). Go's protobuf encoding writes every non-pointer field,
//! set or not; as kube-apiserver's JSON (`omitempty`) would, empty strings, and
//! zeros and `false` of the fields marked so, are left out. Other kinds get a 415
//! naming the kind.

use serde_json::{Map, Value, json};

/// The four magic bytes before every Kubernetes protobuf body.
const MAGIC: &[u8] = b"k8s\x00";

#[derive(Clone, Copy)]
enum F {
    Str,
    Int,
    /// A non-pointer `omitempty` integer: 0 is left out.
    IntOmitZero,
    Bool,
    /// A non-pointer `omitempty` boolean: `false` is left out.
    BoolOmitFalse,
    /// `intstr.IntOrString` ({type, intVal, strVal}).
    IntOrStr,
    Msg(&'static [(u64, &'static str, F)]),
    /// `meta.v1.Time` ({seconds, nanos}), shown as RFC 3339.
    Time,
    MapStr,
    MapBytes,
    RepStr,
    RepMsg(&'static [(u64, &'static str, F)]),
}

const OWNER_REF: &[(u64, &str, F)] = &[
    (1, "kind", F::Str),
    (3, "name", F::Str),
    (4, "uid", F::Str),
    (5, "apiVersion", F::Str),
    (6, "controller", F::Bool),
    (7, "blockOwnerDeletion", F::Bool),
];
const OBJECT_META: &[(u64, &str, F)] = &[
    (1, "name", F::Str),
    (2, "generateName", F::Str),
    (3, "namespace", F::Str),
    (5, "uid", F::Str),
    (6, "resourceVersion", F::Str),
    (7, "generation", F::Int),
    (8, "creationTimestamp", F::Time),
    (11, "labels", F::MapStr),
    (12, "annotations", F::MapStr),
    (13, "ownerReferences", F::RepMsg(OWNER_REF)),
    (14, "finalizers", F::RepStr),
];
const OBJECT_REF: &[(u64, &str, F)] = &[
    (1, "kind", F::Str),
    (2, "namespace", F::Str),
    (3, "name", F::Str),
    (4, "uid", F::Str),
    (5, "apiVersion", F::Str),
    (6, "resourceVersion", F::Str),
    (7, "fieldPath", F::Str),
];
const LOCAL_REF: &[(u64, &str, F)] = &[(1, "name", F::Str)];
const NAMESPACE: &[(u64, &str, F)] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (2, "spec", F::Msg(&[(1, "finalizers", F::RepStr)])),
];
const CONFIG_MAP: &[(u64, &str, F)] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (2, "data", F::MapStr),
    (3, "binaryData", F::MapBytes),
    (4, "immutable", F::Bool),
];
const SECRET: &[(u64, &str, F)] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (2, "data", F::MapBytes),
    (3, "type", F::Str),
    (4, "stringData", F::MapStr),
    (5, "immutable", F::Bool),
];
const SERVICE_ACCOUNT: &[(u64, &str, F)] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (2, "secrets", F::RepMsg(OBJECT_REF)),
    (3, "imagePullSecrets", F::RepMsg(LOCAL_REF)),
    (4, "automountServiceAccountToken", F::Bool),
];

const LABEL_SELECTOR_REQ: &[(u64, &str, F)] = &[
    (1, "key", F::Str),
    (2, "operator", F::Str),
    (3, "values", F::RepStr),
];
const LABEL_SELECTOR: &[(u64, &str, F)] = &[
    (1, "matchLabels", F::MapStr),
    (2, "matchExpressions", F::RepMsg(LABEL_SELECTOR_REQ)),
];
const CONTAINER_PORT: &[(u64, &str, F)] = &[
    (1, "name", F::Str),
    (2, "hostPort", F::IntOmitZero),
    (3, "containerPort", F::Int),
    (4, "protocol", F::Str),
    (5, "hostIP", F::Str),
];
const ENV_VAR: &[(u64, &str, F)] = &[(1, "name", F::Str), (2, "value", F::Str)];
const CONTAINER: &[(u64, &str, F)] = &[
    (1, "name", F::Str),
    (2, "image", F::Str),
    (3, "command", F::RepStr),
    (4, "args", F::RepStr),
    (5, "workingDir", F::Str),
    (6, "ports", F::RepMsg(CONTAINER_PORT)),
    (7, "env", F::RepMsg(ENV_VAR)),
    (8, "resources", F::Msg(&[])),
    (13, "terminationMessagePath", F::Str),
    (14, "imagePullPolicy", F::Str),
    (20, "terminationMessagePolicy", F::Str),
];
const POD_SPEC: &[(u64, &str, F)] = &[
    (2, "containers", F::RepMsg(CONTAINER)),
    (3, "restartPolicy", F::Str),
    (4, "terminationGracePeriodSeconds", F::Int),
    (6, "dnsPolicy", F::Str),
    (7, "nodeSelector", F::MapStr),
    (8, "serviceAccountName", F::Str),
    (20, "initContainers", F::RepMsg(CONTAINER)),
];
const POD_TEMPLATE: &[(u64, &str, F)] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (2, "spec", F::Msg(POD_SPEC)),
];
const DEPLOYMENT_SPEC: &[(u64, &str, F)] = &[
    (1, "replicas", F::Int),
    (2, "selector", F::Msg(LABEL_SELECTOR)),
    (3, "template", F::Msg(POD_TEMPLATE)),
    (4, "strategy", F::Msg(&[(1, "type", F::Str)])),
    (5, "minReadySeconds", F::IntOmitZero),
    (6, "revisionHistoryLimit", F::Int),
    (7, "paused", F::BoolOmitFalse),
    (9, "progressDeadlineSeconds", F::Int),
];
const DEPLOYMENT: &[(u64, &str, F)] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (2, "spec", F::Msg(DEPLOYMENT_SPEC)),
];

const SERVICE_PORT: &[(u64, &str, F)] = &[
    (1, "name", F::Str),
    (2, "protocol", F::Str),
    (3, "port", F::Int),
    (4, "targetPort", F::IntOrStr),
    (5, "nodePort", F::IntOmitZero),
    (6, "appProtocol", F::Str),
];
const SERVICE_SPEC: &[(u64, &str, F)] = &[
    (1, "ports", F::RepMsg(SERVICE_PORT)),
    (2, "selector", F::MapStr),
    (3, "clusterIP", F::Str),
    (4, "type", F::Str),
    (5, "externalIPs", F::RepStr),
    (7, "sessionAffinity", F::Str),
    (8, "loadBalancerIP", F::Str),
    (9, "loadBalancerSourceRanges", F::RepStr),
    (10, "externalName", F::Str),
    (11, "externalTrafficPolicy", F::Str),
    (12, "healthCheckNodePort", F::IntOmitZero),
    (13, "publishNotReadyAddresses", F::BoolOmitFalse),
    (17, "ipFamilyPolicy", F::Str),
    (18, "clusterIPs", F::RepStr),
    (19, "ipFamilies", F::RepStr),
    (20, "allocateLoadBalancerNodePorts", F::Bool),
    (21, "loadBalancerClass", F::Str),
    (22, "internalTrafficPolicy", F::Str),
];
const SERVICE: &[(u64, &str, F)] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (2, "spec", F::Msg(SERVICE_SPEC)),
];
const JOB_SPEC: &[(u64, &str, F)] = &[
    (1, "parallelism", F::Int),
    (2, "completions", F::Int),
    (3, "activeDeadlineSeconds", F::Int),
    (4, "selector", F::Msg(LABEL_SELECTOR)),
    (5, "manualSelector", F::Bool),
    (6, "template", F::Msg(POD_TEMPLATE)),
    (7, "backoffLimit", F::Int),
    (8, "ttlSecondsAfterFinished", F::Int),
    (9, "completionMode", F::Str),
    (10, "suspend", F::Bool),
];
const JOB: &[(u64, &str, F)] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (2, "spec", F::Msg(JOB_SPEC)),
];
const CRON_JOB_SPEC: &[(u64, &str, F)] = &[
    (1, "schedule", F::Str),
    (2, "startingDeadlineSeconds", F::Int),
    (3, "concurrencyPolicy", F::Str),
    (4, "suspend", F::Bool),
    (5, "jobTemplate", F::Msg(JOB)),
    (6, "successfulJobsHistoryLimit", F::Int),
    (7, "failedJobsHistoryLimit", F::Int),
    (8, "timeZone", F::Str),
];
const CRON_JOB: &[(u64, &str, F)] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (2, "spec", F::Msg(CRON_JOB_SPEC)),
];
const POLICY_RULE: &[(u64, &str, F)] = &[
    (1, "verbs", F::RepStr),
    (2, "apiGroups", F::RepStr),
    (3, "resources", F::RepStr),
    (4, "resourceNames", F::RepStr),
    (5, "nonResourceURLs", F::RepStr),
];
const ROLE: &[(u64, &str, F)] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (2, "rules", F::RepMsg(POLICY_RULE)),
];
const CLUSTER_ROLE: &[(u64, &str, F)] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (2, "rules", F::RepMsg(POLICY_RULE)),
    (
        3,
        "aggregationRule",
        F::Msg(&[(1, "clusterRoleSelectors", F::RepMsg(LABEL_SELECTOR))]),
    ),
];
const SUBJECT: &[(u64, &str, F)] = &[
    (1, "kind", F::Str),
    (2, "apiGroup", F::Str),
    (3, "name", F::Str),
    (4, "namespace", F::Str),
];
const ROLE_REF: &[(u64, &str, F)] = &[
    (1, "apiGroup", F::Str),
    (2, "kind", F::Str),
    (3, "name", F::Str),
];
const ROLE_BINDING: &[(u64, &str, F)] = &[
    (1, "metadata", F::Msg(OBJECT_META)),
    (2, "subjects", F::RepMsg(SUBJECT)),
    (3, "roleRef", F::Msg(ROLE_REF)),
];

/// One decoded field: (number, wire value).
enum Wire<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

fn varint(b: &[u8], i: &mut usize) -> Result<u64, String> {
    let mut out = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*i).ok_or("truncated varint")?;
        *i += 1;
        out |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(out);
        }
    }
    Err("varint too long".into())
}

fn fields(b: &[u8]) -> Result<Vec<(u64, Wire<'_>)>, String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let key = varint(b, &mut i)?;
        let (num, wt) = (key >> 3, key & 7);
        let w = match wt {
            0 => Wire::Varint(varint(b, &mut i)?),
            1 => {
                i += 8;
                Wire::Fixed
            }
            2 => {
                let len = usize::try_from(varint(b, &mut i)?).map_err(|e| e.to_string())?;
                let end = i
                    .checked_add(len)
                    .filter(|e| *e <= b.len())
                    .ok_or("truncated field")?;
                let s = &b[i..end];
                i = end;
                Wire::Bytes(s)
            }
            5 => {
                i += 4;
                Wire::Fixed
            }
            other => return Err(format!("unsupported wire type {other}")),
        };
        if i > b.len() {
            return Err("truncated field".into());
        }
        out.push((num, w));
    }
    Ok(out)
}

fn text(b: &[u8]) -> Result<String, String> {
    String::from_utf8(b.to_vec()).map_err(|e| format!("a string is not UTF-8: {e}"))
}

fn map_entry(b: &[u8], bytes: bool) -> Result<(String, Value), String> {
    let mut k = String::new();
    let mut v = Value::String(String::new());
    for (n, w) in fields(b)? {
        match (n, w) {
            (1, Wire::Bytes(s)) => k = text(s)?,
            (2, Wire::Bytes(s)) if bytes => v = json!(crate::tls::base64(s)),
            (2, Wire::Bytes(s)) => v = json!(text(s)?),
            _ => {}
        }
    }
    Ok((k, v))
}

fn message(b: &[u8], schema: &[(u64, &str, F)]) -> Result<Value, String> {
    let mut out = Map::new();
    for (n, w) in fields(b)? {
        let Some((_, name, kind)) = schema.iter().find(|(num, _, _)| *num == n) else {
            continue;
        };
        let name = name.to_string();
        match (kind, w) {
            (F::Str, Wire::Bytes(s)) => {
                if !s.is_empty() {
                    out.insert(name, json!(text(s)?));
                }
            }
            (F::Int, Wire::Varint(v)) => {
                out.insert(name, json!(v as i64));
            }
            (F::IntOmitZero, Wire::Varint(v)) => {
                if v != 0 {
                    out.insert(name, json!(v as i64));
                }
            }
            (F::Bool, Wire::Varint(v)) => {
                out.insert(name, json!(v != 0));
            }
            (F::BoolOmitFalse, Wire::Varint(v)) => {
                if v != 0 {
                    out.insert(name, json!(true));
                }
            }
            (F::IntOrStr, Wire::Bytes(s)) => {
                let v = message(
                    s,
                    &[(1, "type", F::Int), (2, "i", F::Int), (3, "s", F::Str)],
                )?;
                let value = if v["type"] == 1 {
                    v.get("s").cloned().unwrap_or(json!(""))
                } else {
                    v.get("i").cloned().unwrap_or(json!(0))
                };
                out.insert(name, value);
            }
            (F::Msg(inner), Wire::Bytes(s)) => {
                out.insert(name, message(s, inner)?);
            }
            (F::Time, Wire::Bytes(s)) => {
                let secs = message(s, &[(1, "seconds", F::Int)])?["seconds"]
                    .as_i64()
                    .unwrap_or(0);
                // The zero time is how Go encodes an unset one.
                if secs != 0 {
                    let t = jiff::Timestamp::from_second(secs)
                        .map(|t| json!(t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()))
                        .unwrap_or(Value::Null);
                    out.insert(name, t);
                }
            }
            (F::MapStr | F::MapBytes, Wire::Bytes(s)) => {
                let (k, v) = map_entry(s, matches!(kind, F::MapBytes))?;
                if let Some(m) = out.entry(name).or_insert_with(|| json!({})).as_object_mut() {
                    m.insert(k, v);
                }
            }
            (F::RepStr, Wire::Bytes(s)) => {
                let s = text(s)?;
                if let Some(a) = out.entry(name).or_insert_with(|| json!([])).as_array_mut() {
                    a.push(json!(s));
                }
            }
            (F::RepMsg(inner), Wire::Bytes(s)) => {
                let v = message(s, inner)?;
                if let Some(a) = out.entry(name).or_insert_with(|| json!([])).as_array_mut() {
                    a.push(v);
                }
            }
            _ => return Err(format!("field {name} has an unexpected encoding")),
        }
    }
    Ok(Value::Object(out))
}

/// Decodes a protobuf request body into the object's JSON form.
pub fn decode(body: &[u8]) -> Result<Value, String> {
    let rest = body
        .strip_prefix(MAGIC)
        .ok_or("the body does not start with the Kubernetes protobuf magic")?;
    let mut api_version = String::new();
    let mut kind = String::new();
    let mut raw: &[u8] = &[];
    for (n, w) in fields(rest)? {
        match (n, w) {
            (1, Wire::Bytes(tm)) => {
                for (m, w) in fields(tm)? {
                    match (m, w) {
                        (1, Wire::Bytes(s)) => api_version = text(s)?,
                        (2, Wire::Bytes(s)) => kind = text(s)?,
                        _ => {}
                    }
                }
            }
            (2, Wire::Bytes(r)) => raw = r,
            _ => {}
        }
    }
    let schema = match (api_version.as_str(), kind.as_str()) {
        ("v1", "Namespace") => NAMESPACE,
        ("v1", "ConfigMap") => CONFIG_MAP,
        ("v1", "Secret") => SECRET,
        ("v1", "ServiceAccount") => SERVICE_ACCOUNT,
        ("v1", "Service") => SERVICE,
        ("apps/v1", "Deployment") => DEPLOYMENT,
        ("batch/v1", "Job") => JOB,
        ("batch/v1", "CronJob") => CRON_JOB,
        ("rbac.authorization.k8s.io/v1", "Role") => ROLE,
        ("rbac.authorization.k8s.io/v1", "ClusterRole") => CLUSTER_ROLE,
        ("rbac.authorization.k8s.io/v1", "RoleBinding" | "ClusterRoleBinding") => ROLE_BINDING,
        _ => {
            return Err(format!(
                "protobuf bodies are understood for Namespaces, ConfigMaps, Secrets, \
                 ServiceAccounts, Services, Deployments, Jobs, CronJobs, Roles, ClusterRoles, \
                 RoleBindings and ClusterRoleBindings only, not {kind} ({api_version}); send \
                 JSON or YAML (e.g. `kubectl create ... --dry-run=client -o yaml | kubectl apply -f -`)"
            ));
        }
    };
    let mut obj = message(raw, schema)?;
    if let Some(m) = obj.as_object_mut() {
        m.insert("apiVersion".into(), json!(api_version));
        m.insert("kind".into(), json!(kind));
    }
    Ok(obj)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(num: u64, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![((num << 3) | 2) as u8, payload.len() as u8];
        out.extend_from_slice(payload);
        out
    }

    #[test]
    fn configmap_from_kubectl_create() {
        let entry = [field(1, b"greeting"), field(2, b"hello")].concat();
        let meta = [field(1, b"demo"), field(3, b"default")].concat();
        let raw = [field(1, &meta), field(2, &entry)].concat();
        let type_meta = [field(1, b"v1"), field(2, b"ConfigMap")].concat();
        let body = [MAGIC.to_vec(), field(1, &type_meta), field(2, &raw)].concat();
        let v = decode(&body).unwrap();
        assert_eq!(
            v,
            json!({"apiVersion": "v1", "kind": "ConfigMap",
                   "metadata": {"name": "demo", "namespace": "default"},
                   "data": {"greeting": "hello"}})
        );
        let ing = [field(1, b"networking.k8s.io/v1"), field(2, b"Ingress")].concat();
        let body = [MAGIC.to_vec(), field(1, &ing), field(2, b"")].concat();
        assert!(decode(&body).unwrap_err().contains("Ingress"));
        assert!(decode(b"{}").is_err());
    }
}
