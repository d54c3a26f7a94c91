//! ApplicationRevisions: `<app>-v<N>`, a snapshot of the app and every
//! definition it used, made when either changed.
//!
//! The hash is roam's own (SHA-256 of the canonical JSON of the spec, the
//! publish version and the definitions' specs; KubeVela's is a Go struct
//! hash and opaque anyway). The revision number comes from
//! `status.latestRevision`; a revision created but not yet recorded in the
//! status (a crash in between) is found again by its hash label when the
//! next number is tried.

use std::collections::BTreeMap;
use std::sync::Arc;

use kube::api::{Api, DeleteParams, ListParams, PostParams};
use kube::{Client, Resource, ResourceExt};
use roam_api::labels as L;
use roam_api::{Application, ApplicationRevision, ApplicationRevisionSpec, Revision};
use roam_render::{DefKind, Definition};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::LABEL_REVISION_HASH;

/// The content hash of an app and its definitions (16 hex digits).
pub fn revision_hash(app: &Application, defs: &[Arc<Definition>]) -> String {
    let mut h = Sha256::new();
    h.update(serde_json::to_vec(&app.spec).unwrap_or_default());
    let publish = app
        .annotations()
        .get(L::ANNO_PUBLISH_VERSION)
        .cloned()
        .unwrap_or_default();
    h.update(b"\0publish\0");
    h.update(publish.as_bytes());
    for d in defs {
        h.update(b"\0def\0");
        h.update(d.kind.object_kind().as_bytes());
        h.update(b"/");
        h.update(d.name.as_bytes());
        h.update(serde_json::to_vec(&d.object["spec"]).unwrap_or_default());
    }
    let digest = h.finalize();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The definitions an app uses (components, traits, policies, workflow
/// steps), each once, in a stable order.
pub fn used_definitions(
    app: &Application,
    registry: &roam_render::Registry,
) -> Vec<Arc<Definition>> {
    let mut out: BTreeMap<(DefKind, String), Arc<Definition>> = BTreeMap::new();
    let mut add = |kind: DefKind, name: &str| {
        if let Some(d) = registry.get(kind, name) {
            out.entry((d.kind, d.name.clone()))
                .or_insert_with(|| d.clone());
        }
    };
    for c in &app.spec.components {
        add(DefKind::Component, &c.type_);
        for t in &c.traits {
            add(DefKind::Trait, &t.type_);
        }
    }
    for p in &app.spec.policies {
        add(DefKind::Policy, &p.type_);
    }
    if let Some(w) = &app.spec.workflow {
        let mut stack: Vec<&roam_api::WorkflowStep> = w.steps.iter().collect();
        while let Some(s) = stack.pop() {
            add(DefKind::WorkflowStep, &s.type_);
            stack.extend(s.sub_steps.iter());
        }
    }
    out.into_values().collect()
}

/// Makes sure the revision for `hash` exists; returns it. A new one is
/// `v<latest+1>`; older ones beyond `limit` are deleted.
pub async fn ensure(
    client: &Client,
    app: &Application,
    hash: &str,
    defs: &[Arc<Definition>],
    limit: usize,
) -> Result<(Revision, bool), kube::Error> {
    let name = app.name_any();
    let ns = app.namespace().unwrap_or_else(|| "default".into());
    let latest = app.status.as_ref().and_then(|s| s.latest_revision.clone());
    if let Some(l) = &latest
        && l.revision_hash == hash
    {
        return Ok((l.clone(), false));
    }
    let api: Api<ApplicationRevision> = Api::namespaced(client.clone(), &ns);
    // No list on the way: try the next number; a revision already there
    // with this hash was made before a crash (adopt it), another hash means
    // the number is taken (try the next).
    let mut n = latest.as_ref().map(|l| l.revision).unwrap_or(0) + 1;
    let spec = snapshot(app, defs);
    loop {
        let rev_name = format!("{name}-v{n}");
        let mut rev = ApplicationRevision::new(&rev_name, spec.clone());
        let meta = rev.meta_mut();
        meta.namespace = Some(ns.clone());
        meta.labels = Some(
            [
                (L::APP_NAME.to_string(), name.clone()),
                (LABEL_REVISION_HASH.to_string(), hash.to_string()),
            ]
            .into(),
        );
        if let Some(p) = app.annotations().get(L::ANNO_PUBLISH_VERSION) {
            meta.annotations = Some([(L::ANNO_PUBLISH_VERSION.to_string(), p.clone())].into());
        }
        if let Some(oref) = app.controller_owner_ref(&()) {
            meta.owner_references = Some(vec![oref]);
        }
        match api.create(&PostParams::default(), &rev).await {
            Ok(_) => break,
            Err(kube::Error::Api(s)) if s.code == 409 => {
                let existing = api.get_opt(&rev_name).await?;
                if existing.as_ref().is_some_and(|r| {
                    r.labels().get(LABEL_REVISION_HASH).map(String::as_str) == Some(hash)
                }) {
                    break;
                }
                n += 1;
            }
            Err(e) => return Err(e),
        }
    }
    // Keep at most `limit` revisions (the newest).
    if n as usize > limit {
        let lp = ListParams::default().labels(&format!("{}={name}", L::APP_NAME));
        let mut all: Vec<(i64, String)> = api
            .list(&lp)
            .await?
            .items
            .iter()
            .map(|r| (revision_number(&name, &r.name_any()), r.name_any()))
            .collect();
        all.sort();
        if all.len() > limit {
            for (_, old) in &all[..all.len() - limit] {
                match api.delete(old, &DeleteParams::default()).await {
                    Ok(_) => {}
                    Err(kube::Error::Api(s)) if s.code == 404 => {}
                    Err(e) => return Err(e),
                }
            }
        }
    }
    Ok((
        Revision {
            name: format!("{name}-v{n}"),
            revision: n,
            revision_hash: hash.into(),
        },
        true,
    ))
}

fn revision_number(app: &str, rev: &str) -> i64 {
    rev.strip_prefix(app)
        .and_then(|r| r.strip_prefix("-v"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn snapshot(app: &Application, defs: &[Arc<Definition>]) -> ApplicationRevisionSpec {
    let mut spec = ApplicationRevisionSpec {
        application: json!({
            "apiVersion": "core.oam.dev/v1beta1",
            "kind": "Application",
            "metadata": {
                "name": app.metadata.name,
                "namespace": app.metadata.namespace,
                "labels": app.metadata.labels,
                "annotations": app.metadata.annotations,
                "generation": app.metadata.generation,
            },
            "spec": app.spec,
        }),
        ..Default::default()
    };
    for d in defs {
        let mut obj = d.object.clone();
        if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            m.retain(|k, _| matches!(k.as_str(), "name" | "namespace" | "labels" | "annotations"));
        }
        let map = match d.kind {
            DefKind::Component | DefKind::Workload => &mut spec.component_definitions,
            DefKind::Trait => &mut spec.trait_definitions,
            DefKind::Policy => &mut spec.policy_definitions,
            DefKind::WorkflowStep => &mut spec.workflow_step_definitions,
        };
        map.insert(d.name.clone(), obj);
    }
    spec
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_come_from_names() {
        assert_eq!(revision_number("web", "web-v12"), 12);
        assert_eq!(revision_number("web", "web-api-v2"), 0);
        assert_eq!(revision_number("web-api", "web-api-v2"), 2);
    }

    #[test]
    fn hash_changes_with_spec_and_definitions() {
        let app: Application = serde_json::from_value(json!({
            "apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
            "metadata": {"name": "a", "namespace": "default"},
            "spec": {"components": [{"name": "web", "type": "webservice", "properties": {"image": "nginx"}}]}
        }))
        .unwrap();
        let reg = roam_render::Registry::builtin();
        let defs = used_definitions(&app, reg);
        assert_eq!(defs.len(), 1);
        let h1 = revision_hash(&app, &defs);
        assert_eq!(h1.len(), 16);
        assert_eq!(h1, revision_hash(&app, &defs));
        let mut app2 = app.clone();
        app2.spec.components[0].properties = Some(json!({"image": "nginx:2"}));
        assert_ne!(h1, revision_hash(&app2, &defs));
        assert_ne!(h1, revision_hash(&app, &[]));
    }
}
