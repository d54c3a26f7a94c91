//! The built-in workflow step types (roam-render's
//! `definitions/workflowsteps/`) run through the engine against a fake
//! provider: which actions each makes, with which parameters, and how the
//! step ends.

use std::sync::Mutex;

use base64::Engine as _;
use roam_api::{Application, WorkflowStatus};
use roam_render::{DefKind, Registry};
use roam_workflow::{
    ContextData, Engine, Provider, ProviderCall, ProviderOutcome, Spec, Templates, fresh_status,
};
use serde_json::{Value, json};

type Answer = dyn Fn(&str, &Value, usize) -> Result<ProviderOutcome, String> + Send + Sync;

/// Records calls; answers with `answer(provider.action, params, nth call
/// of that action)`.
struct Fake {
    calls: Mutex<Vec<(String, Value)>>,
    answer: Box<Answer>,
}

impl Fake {
    fn new(
        answer: impl Fn(&str, &Value, usize) -> Result<ProviderOutcome, String> + Send + Sync + 'static,
    ) -> Fake {
        Fake {
            calls: Mutex::new(Vec::new()),
            answer: Box::new(answer),
        }
    }

    /// Answers every call with an empty result.
    fn empty() -> Fake {
        Fake::new(|_, _, _| done(json!({})))
    }

    fn seen(&self) -> Vec<String> {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .map(|(what, _)| what.clone())
            .collect()
    }

    fn params(&self, i: usize) -> Value {
        self.calls.lock().unwrap()[i].1.clone()
    }
}

impl Provider for Fake {
    fn call(
        &self,
        call: &ProviderCall<'_>,
    ) -> impl std::future::Future<Output = Result<ProviderOutcome, String>> + Send {
        let what = format!("{}.{}", call.provider, call.action);
        let n = {
            let mut calls = self.calls.lock().unwrap();
            calls.push((what.clone(), call.params.clone()));
            calls.iter().filter(|(w, _)| *w == what).count()
        };
        let r = (self.answer)(&what, call.params, n);
        async move { r }
    }
}

fn done(v: Value) -> Result<ProviderOutcome, String> {
    Ok(ProviderOutcome::Done(v))
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn unb64(s: &Value) -> String {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(s.as_str().expect("a base64 string"))
        .unwrap();
    String::from_utf8(bytes).unwrap()
}

fn http_ok(body: &str) -> Result<ProviderOutcome, String> {
    http_status(200, body)
}

fn http_status(code: u16, body: &str) -> Result<ProviderOutcome, String> {
    done(json!({"response": {"statusCode": code, "body": body, "header": {}}}))
}

struct World {
    registry: Registry,
    templates: Templates,
    app: Application,
    spec: Spec,
    wf: WorkflowStatus,
    ctx: ContextData,
    now: jiff::Timestamp,
}

impl World {
    /// An app `shop` in namespace `prod` with these workflow steps.
    fn new(components: Value, steps: Value) -> World {
        World::with_registry(Registry::new(), components, steps)
    }

    /// As [`World::new`], with `extra` definitions over the built-ins.
    fn with_registry(extra: Registry, components: Value, steps: Value) -> World {
        let app: Application = serde_json::from_value(json!({
            "apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
            "metadata": {"name": "shop", "namespace": "prod"},
            "spec": {"components": components, "workflow": {"steps": steps}}
        }))
        .unwrap();
        let spec = Spec::of(&app, None);
        let now: jiff::Timestamp = "2026-11-22T10:00:00Z".parse().unwrap();
        World {
            registry: extra.layered_over(Registry::builtin()),
            templates: Templates::new(),
            wf: fresh_status(&spec, "shop-v1", now),
            app,
            spec,
            ctx: ContextData::default(),
            now,
        }
    }

    /// One step, no components.
    fn step(step: Value) -> World {
        World::new(json!([]), json!([step]))
    }

    async fn run(&mut self, p: &Fake) -> Option<std::time::Duration> {
        let engine = Engine {
            provider: p,
            registry: &self.registry,
            templates: &self.templates,
            components: &self.app.spec.components,
            context: json!({"name": "shop", "namespace": "prod", "appName": "shop", "appRevision": "shop-v1"}),
            now: self.now,
        };
        engine
            .run(&self.spec, &mut self.wf, &mut self.ctx)
            .await
            .requeue
    }

    fn advance(&mut self, secs: i64) {
        self.now = self
            .now
            .checked_add(jiff::SignedDuration::from_secs(secs))
            .unwrap();
    }

    fn phases(&self) -> Vec<String> {
        self.wf
            .steps
            .iter()
            .map(|s| {
                if s.reason.is_empty() {
                    format!("{}={}", s.name, s.phase)
                } else {
                    format!("{}={}/{}", s.name, s.phase, s.reason)
                }
            })
            .collect()
    }

    fn message(&self, i: usize) -> &str {
        &self.wf.steps[i].message
    }
}

#[test]
fn every_builtin_step_template_compiles_with_the_packages() {
    let templates = Templates::new();
    let mut names = Vec::new();
    for d in Registry::builtin().list(DefKind::WorkflowStep) {
        let t = d
            .template
            .as_ref()
            .unwrap_or_else(|| panic!("{} has no template", d.name));
        if let Err(e) = templates.get(t) {
            panic!("{}: {e}", d.name);
        }
        names.push(d.name.clone());
    }
    names.sort();
    assert_eq!(
        names,
        [
            "apply-component",
            "apply-object",
            "depends-on-app",
            "deploy",
            "export2config",
            "export2secret",
            "notification",
            "print-message-in-status",
            "read-object",
            "request",
            "restart-workflow",
            "step-group",
            "suspend",
            "webhook"
        ]
    );
}

#[tokio::test]
async fn deploy_hands_the_policies_to_multicluster_deploy() {
    let mut w = World::step(
        json!({"name": "go", "type": "deploy", "properties": {"policies": ["over", "topo"], "parallelism": 2}}),
    );
    let p = Fake::empty();
    assert_eq!(w.run(&p).await, None);
    assert_eq!(w.phases(), ["go=succeeded"]);
    assert_eq!(p.seen(), ["multicluster.deploy"]);
    assert_eq!(
        p.params(0),
        json!({"policies": ["over", "topo"], "parallelism": 2, "ignoreTerraformComponent": true, "inlinePolicies": []})
    );
}

#[tokio::test]
async fn deploy_waits_while_the_provider_says_so() {
    let mut w = World::step(json!({"name": "deploy", "type": "deploy"}));
    let p = Fake::new(|_, _, n| {
        if n == 1 {
            Ok(ProviderOutcome::Wait {
                message: "web: 0/1 replicas ready".into(),
                result: json!({}),
            })
        } else {
            done(json!({}))
        }
    });
    w.run(&p).await;
    assert_eq!(w.phases(), ["deploy=running/Wait"]);
    assert_eq!(w.message(0), "web: 0/1 replicas ready");
    assert_eq!(
        p.params(0),
        json!({"policies": [], "parallelism": 5, "ignoreTerraformComponent": true, "inlinePolicies": []})
    );
    w.advance(1);
    w.run(&p).await;
    assert_eq!(w.phases(), ["deploy=succeeded"]);
}

#[tokio::test]
async fn deploy_without_auto_suspends_first_and_deploys_once_resumed() {
    let mut w =
        World::step(json!({"name": "prod", "type": "deploy", "properties": {"auto": false}}));
    let p = Fake::empty();
    assert_eq!(w.run(&p).await, None);
    assert_eq!(w.phases(), ["prod=suspending/Suspend"]);
    assert_eq!(
        w.message(0),
        "step prod deploys after approval: resume the workflow to continue"
    );
    assert!(w.wf.suspend);
    assert!(p.seen().is_empty(), "nothing deployed before approval");

    // `roam workflow resume`.
    w.wf.suspend = false;
    w.wf.steps[0].phase = "running".into();
    w.run(&p).await;
    assert_eq!(w.phases(), ["prod=succeeded"]);
    assert_eq!(p.seen(), ["multicluster.deploy"]);
}

#[tokio::test]
async fn apply_component_steps_apply_the_named_component() {
    let mut w = World::new(
        json!([{"name": "web", "type": "webservice", "properties": {"image": "nginx"}}]),
        json!([{"name": "web", "type": "apply-component", "properties": {"component": "web", "cluster": "east"}}]),
    );
    let p = Fake::empty();
    w.run(&p).await;
    assert_eq!(w.phases(), ["web=succeeded"]);
    assert_eq!(p.seen(), ["oam.component-apply"]);
    let params = p.params(0);
    assert_eq!(params["value"]["properties"]["image"], "nginx");
    assert_eq!(params["cluster"], "east");
    assert_eq!(params["namespace"], "");
}

/// The apply-component definition itself (which the engine replaces by
/// its own template), registered under another name so that it runs.
fn apply_component_definition() -> Registry {
    let text = Registry::builtin_files()
        .iter()
        .find(|(p, _)| *p == "workflowsteps/apply-component.cue")
        .unwrap()
        .1
        .replace("\"apply-component\": {", "\"apply-one\": {");
    let mut r = Registry::new();
    r.add_source("apply-one.cue", &text).unwrap();
    r
}

#[tokio::test]
async fn the_apply_component_definition_loads_and_applies_the_component() {
    let components = json!({
        "web": {"name": "web", "type": "webservice", "properties": {"image": "nginx"}},
        "db": {"name": "db", "type": "worker"}
    });
    let answer = move |what: &str, _: &Value, _| match what {
        "oam.load" => done(json!({"value": components.clone()})),
        "oam.component-apply" => done(
            json!({"output": {"kind": "Deployment", "metadata": {"name": "web"}}, "isHealth": true}),
        ),
        other => panic!("{other}"),
    };
    let mut w = World::with_registry(
        apply_component_definition(),
        json!([]),
        json!([{"name": "web", "type": "apply-one", "properties": {"component": "web"},
            "outputs": [{"name": "kind", "valueFrom": "output.kind"}]}]),
    );
    let p = Fake::new(answer.clone());
    w.run(&p).await;
    assert_eq!(w.phases(), ["web=succeeded"]);
    assert_eq!(p.seen(), ["oam.load", "oam.component-apply"]);
    assert_eq!(
        p.params(1),
        json!({"value": {"name": "web", "type": "webservice", "properties": {"image": "nginx"}},
            "cluster": "", "namespace": "", "waitHealthy": true})
    );
    assert_eq!(w.ctx.var("kind"), Some(&json!("Deployment")));

    let mut w = World::with_registry(
        apply_component_definition(),
        json!([]),
        json!([{"name": "api", "type": "apply-one", "properties": {"component": "api"}}]),
    );
    let p = Fake::new(answer);
    w.run(&p).await;
    assert_eq!(w.phases(), ["api=failed/Action"]);
    assert_eq!(w.message(0), "api is not a component of this application");
    assert_eq!(p.seen(), ["oam.load"]);
}

#[tokio::test]
async fn apply_object_applies_the_value_and_exposes_the_result() {
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "flags"}, "data": {"a": "1"}});
    let mut w = World::step(json!({"name": "cm", "type": "apply-object",
        "properties": {"value": cm, "cluster": "edge"},
        "outputs": [{"name": "uid", "valueFrom": "output.value.metadata.uid"}]}));
    let p = Fake::new(|_, params, _| {
        let mut stored = params["value"].clone();
        stored["metadata"]["uid"] = json!("u-1");
        done(json!({ "value": stored }))
    });
    w.run(&p).await;
    assert_eq!(w.phases(), ["cm=succeeded"]);
    assert_eq!(p.seen(), ["kube.apply"]);
    assert_eq!(p.params(0), json!({"value": cm, "cluster": "edge"}));
    assert_eq!(w.ctx.var("uid"), Some(&json!("u-1")));
}

#[tokio::test]
async fn read_object_reads_with_defaults_into_output() {
    let mut w = World::step(json!({"name": "read", "type": "read-object",
    "properties": {"name": "other"},
    "outputs": [
        {"name": "phase", "valueFrom": "output.value.status.status"},
        {"name": "whole", "valueFrom": "output.value.metadata"}
    ]}));
    let p = Fake::new(|_, _, _| {
        done(json!({"value": {"metadata": {"name": "other"}, "status": {"status": "running"}}}))
    });
    w.run(&p).await;
    assert_eq!(w.phases(), ["read=succeeded"]);
    assert_eq!(p.seen(), ["kube.read"]);
    assert_eq!(
        p.params(0),
        json!({"cluster": "", "value": {"apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
            "metadata": {"name": "other", "namespace": "prod"}}})
    );
    assert_eq!(w.ctx.var("phase"), Some(&json!("running")));
    assert_eq!(w.ctx.var("whole"), Some(&json!({"name": "other"})));

    // Any kind, namespace and cluster; a missing object is no error.
    let mut w = World::step(json!({"name": "read", "type": "read-object",
        "properties": {"apiVersion": "v1", "kind": "Secret", "name": "s", "namespace": "ops", "cluster": "east"},
        "outputs": [{"name": "data", "valueFrom": "output.value.data"}]}));
    let p = Fake::new(|_, _, _| done(json!({"err": "secrets \"s\" not found"})));
    w.run(&p).await;
    assert_eq!(w.phases(), ["read=succeeded"]);
    assert_eq!(
        p.params(0),
        json!({"cluster": "east", "value": {"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "s", "namespace": "ops"}}})
    );
    assert_eq!(w.ctx.var("data"), Some(&Value::Null));
}

#[tokio::test]
async fn suspend_pauses_with_its_message_and_resumes_after_the_duration() {
    let mut w = World::new(
        json!([]),
        json!([
            {"name": "wait", "type": "suspend", "properties": {"duration": "1m", "message": "cooling down"}},
            {"name": "after", "type": "print-message-in-status", "properties": {"message": "resumed"}}
        ]),
    );
    let p = Fake::empty();
    assert_eq!(w.run(&p).await, Some(std::time::Duration::from_secs(60)));
    assert_eq!(w.phases(), ["wait=suspending/Suspend", "after=pending"]);
    assert!(
        w.message(0)
            .starts_with("cooling down (resumes by itself at "),
        "{}",
        w.message(0)
    );
    w.advance(60);
    assert_eq!(w.run(&p).await, None);
    assert_eq!(w.phases(), ["wait=succeeded", "after=succeeded"]);
    assert_eq!(w.message(1), "resumed");
    assert!(p.seen().is_empty());

    // Without a duration only a resume moves it.
    let mut w = World::step(json!({"name": "gate", "type": "suspend"}));
    assert_eq!(w.run(&p).await, None);
    assert_eq!(w.phases(), ["gate=suspending/Suspend"]);
}

#[tokio::test]
async fn step_group_runs_its_sub_steps() {
    let mut w = World::step(json!({"name": "group", "type": "step-group", "subSteps": [
        {"name": "a", "type": "print-message-in-status", "properties": {"message": "one"}},
        {"name": "b", "type": "print-message-in-status", "properties": {"message": "two"}}
    ]}));
    let p = Fake::empty();
    w.run(&p).await;
    assert_eq!(w.phases(), ["group=succeeded"]);
    let subs: Vec<(String, String)> = w.wf.steps[0]
        .sub_steps
        .iter()
        .map(|s| (s.phase.clone(), s.message.clone()))
        .collect();
    assert_eq!(
        subs,
        [
            ("succeeded".into(), "one".into()),
            ("succeeded".into(), "two".into())
        ]
    );
}

#[tokio::test]
async fn print_message_in_status_sets_the_message() {
    let mut w = World::step(
        json!({"name": "say", "type": "print-message-in-status", "properties": {"message": "hello"}}),
    );
    let p = Fake::empty();
    w.run(&p).await;
    assert_eq!(w.phases(), ["say=succeeded"]);
    assert_eq!(w.message(0), "hello");
}

fn app_object(status: Option<&str>) -> Value {
    let mut app = json!({"apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
        "metadata": {"name": "db", "namespace": "data"}});
    if let Some(s) = status {
        app["status"] = json!({ "status": s });
    }
    app
}

#[tokio::test]
async fn depends_on_app_waits_until_the_application_is_running() {
    let mut w = World::step(
        json!({"name": "need-db", "type": "depends-on-app", "properties": {"name": "db", "namespace": "data"}}),
    );
    let p = Fake::new(|what, _, n| {
        assert_eq!(what, "kube.read");
        done(json!({"value": app_object(match n {
            1 => None,
            2 => Some("runningWorkflow"),
            _ => Some("running"),
        })}))
    });
    w.run(&p).await;
    assert_eq!(w.phases(), ["need-db=running/Wait"]);
    assert_eq!(
        w.message(0),
        "waiting for Application data/db to be running"
    );
    assert_eq!(
        p.params(0),
        json!({"cluster": "", "value": {"apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
            "metadata": {"name": "db", "namespace": "data"}}})
    );
    w.advance(1);
    w.run(&p).await;
    assert_eq!(w.phases(), ["need-db=running/Wait"]);
    assert_eq!(
        w.message(0),
        "waiting for Application data/db to be running (it is runningWorkflow)"
    );
    w.advance(1);
    assert_eq!(w.run(&p).await, None);
    assert_eq!(w.phases(), ["need-db=succeeded"]);
    assert_eq!(p.seen(), ["kube.read", "kube.read", "kube.read"]);
}

#[tokio::test]
async fn depends_on_app_creates_a_missing_application_from_its_configmap() {
    let yaml = "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: db\n  namespace: data\nspec:\n  components:\n  - name: pg\n    type: worker\n";
    let created = std::sync::Arc::new(Mutex::new(false));
    let c = created.clone();
    let p = Fake::new(move |what, params, _| {
        let kind = params["value"]["kind"].as_str().unwrap_or("");
        match (what, kind) {
            ("kube.read", "Application") => {
                if *c.lock().unwrap() {
                    done(json!({"value": app_object(Some("running"))}))
                } else {
                    done(json!({"err": "applications.core.oam.dev \"db\" not found"}))
                }
            }
            ("kube.read", "ConfigMap") => done(json!({"value": {
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": "db", "namespace": "data"},
                "data": {"application": yaml}
            }})),
            ("kube.apply", "Application") => {
                *c.lock().unwrap() = true;
                done(json!({"value": params["value"].clone()}))
            }
            other => panic!("{other:?}"),
        }
    });
    let mut w = World::step(
        json!({"name": "need-db", "type": "depends-on-app", "properties": {"name": "db", "namespace": "data"}}),
    );
    w.run(&p).await;
    assert_eq!(w.phases(), ["need-db=running/Wait"]);
    assert_eq!(
        w.message(0),
        "created Application data/db from ConfigMap data/db; waiting for it to be running"
    );
    assert_eq!(p.seen(), ["kube.read", "kube.read", "kube.apply"]);
    assert_eq!(
        p.params(1)["value"],
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "db", "namespace": "data"}})
    );
    assert_eq!(
        p.params(2),
        json!({"cluster": "", "value": {"apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
            "metadata": {"name": "db", "namespace": "data"},
            "spec": {"components": [{"name": "pg", "type": "worker"}]}}})
    );
    w.advance(1);
    assert_eq!(w.run(&p).await, None);
    assert_eq!(w.phases(), ["need-db=succeeded"]);
    assert_eq!(
        p.seen().len(),
        4,
        "found it the second time: {:?}",
        p.seen()
    );
}

#[tokio::test]
async fn depends_on_app_fails_without_application_or_configmap() {
    let p = Fake::new(|_, params, _| {
        done(json!({"err": format!("{} not found", params["value"]["kind"].as_str().unwrap())}))
    });
    let mut w = World::step(
        json!({"name": "need-db", "type": "depends-on-app", "properties": {"name": "db", "namespace": "data"}}),
    );
    assert_eq!(w.run(&p).await, None);
    assert_eq!(w.phases(), ["need-db=failed/Action"]);
    assert_eq!(
        w.message(0),
        "Application data/db does not exist and there is no ConfigMap data/db to create it from: ConfigMap not found"
    );
    assert_eq!(p.seen(), ["kube.read", "kube.read"]);

    // The ConfigMap exists without the key.
    let p = Fake::new(
        |_, params, _| match params["value"]["kind"].as_str().unwrap() {
            "ConfigMap" => done(json!({"value": {"data": {"other": "x"}}})),
            _ => done(json!({"err": "not found"})),
        },
    );
    let mut w = World::step(
        json!({"name": "need-db", "type": "depends-on-app", "properties": {"name": "db", "namespace": "data"}}),
    );
    w.run(&p).await;
    assert_eq!(w.phases(), ["need-db=failed/Action"]);
    assert_eq!(
        w.message(0),
        "Application data/db does not exist and ConfigMap data/db has no key \"application\" to create it from"
    );
}

#[tokio::test]
async fn export2config_writes_a_configmap_in_the_app_namespace() {
    let mut w = World::step(json!({"name": "export", "type": "export2config",
        "properties": {"configName": "endpoints", "data": {"url": "http://db:5432", "port": 5432, "tags": ["a"]}}}));
    let p = Fake::new(|_, params, _| done(json!({"value": params["value"].clone()})));
    w.run(&p).await;
    assert_eq!(w.phases(), ["export=succeeded"]);
    assert_eq!(p.seen(), ["kube.apply"]);
    assert_eq!(
        p.params(0),
        json!({"cluster": "", "value": {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "endpoints", "namespace": "prod"},
            "data": {"url": "http://db:5432", "port": "5432", "tags": "[\"a\"]"}}})
    );

    let mut w = World::step(json!({"name": "export", "type": "export2config",
        "properties": {"configName": "c", "namespace": "ops", "cluster": "east", "data": {"k": "v"}}}));
    let p = Fake::new(|_, params, _| done(json!({"value": params["value"].clone()})));
    w.run(&p).await;
    let params = p.params(0);
    assert_eq!(params["cluster"], "east");
    assert_eq!(params["value"]["metadata"]["namespace"], "ops");
}

#[tokio::test]
async fn export2secret_writes_base64_data() {
    let mut w = World::step(json!({"name": "export", "type": "export2secret",
        "properties": {"secretName": "creds", "type": "Opaque", "data": {"user": "admin", "pin": 1234}}}));
    let p = Fake::new(|_, params, _| done(json!({"value": params["value"].clone()})));
    w.run(&p).await;
    assert_eq!(w.phases(), ["export=succeeded"]);
    assert_eq!(
        p.params(0),
        json!({"cluster": "", "value": {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": {"name": "creds", "namespace": "prod"},
            "data": {"user": b64("admin"), "pin": b64("1234")}}})
    );
}

#[tokio::test]
async fn export2secret_builds_a_docker_registry_secret() {
    let mut w = World::step(json!({"name": "export", "type": "export2secret",
        "properties": {"secretName": "pull", "namespace": "ci", "kind": "docker-registry",
            "dockerRegistry": {"username": "bot", "password": "s3cret", "server": "registry.example.com"}}}));
    let p = Fake::new(|_, params, _| done(json!({"value": params["value"].clone()})));
    w.run(&p).await;
    assert_eq!(w.phases(), ["export=succeeded"]);
    let value = &p.params(0)["value"];
    assert_eq!(value["type"], "kubernetes.io/dockerconfigjson");
    assert_eq!(
        value["metadata"],
        json!({"name": "pull", "namespace": "ci"})
    );
    let data = value["data"].as_object().unwrap();
    assert_eq!(data.len(), 1, "{data:?}");
    let config: Value = serde_json::from_str(&unb64(&data[".dockerconfigjson"])).unwrap();
    assert_eq!(
        config,
        json!({"auths": {"registry.example.com": {
            "username": "bot", "password": "s3cret", "auth": b64("bot:s3cret")
        }}})
    );

    // The default server is Docker Hub's; docker-registry needs credentials.
    let mut w = World::step(json!({"name": "export", "type": "export2secret",
        "properties": {"secretName": "pull", "kind": "docker-registry",
            "dockerRegistry": {"username": "u", "password": "p"}}}));
    let p = Fake::new(|_, params, _| done(json!({"value": params["value"].clone()})));
    w.run(&p).await;
    let config: Value =
        serde_json::from_str(&unb64(&p.params(0)["value"]["data"][".dockerconfigjson"])).unwrap();
    assert!(
        config["auths"]["https://index.docker.io/v1/"].is_object(),
        "{config}"
    );

    let mut w = World::step(json!({"name": "export", "type": "export2secret",
        "properties": {"secretName": "pull", "kind": "docker-registry"}}));
    let p = Fake::empty();
    w.run(&p).await;
    assert_eq!(w.phases(), ["export=failed/Action"]);
    assert_eq!(
        w.message(0),
        "kind docker-registry needs dockerRegistry (username, password and server)"
    );
    assert!(p.seen().is_empty());
}

#[tokio::test]
async fn request_sends_the_request_and_parses_the_json_response() {
    let mut w = World::step(json!({"name": "ask", "type": "request",
        "properties": {"url": "https://api.example.com/items", "method": "POST",
            "header": {"Authorization": "Bearer t"}, "body": {"name": "x", "count": 2}},
        "outputs": [{"name": "id", "valueFrom": "response.id"}]}));
    let p = Fake::new(|_, _, _| http_ok(r#"{"id": "i-7", "ok": true}"#));
    w.run(&p).await;
    assert_eq!(w.phases(), ["ask=succeeded"]);
    assert_eq!(p.seen(), ["http.do"]);
    assert_eq!(
        p.params(0),
        json!({"method": "POST", "url": "https://api.example.com/items", "request": {
            "header": {"Authorization": "Bearer t"}, "body": {"name": "x", "count": 2}}})
    );
    assert_eq!(w.ctx.var("id"), Some(&json!("i-7")));

    // GET by default, nothing else sent; a body that is not JSON is no error.
    let mut w = World::step(json!({"name": "ask", "type": "request",
        "properties": {"url": "http://svc/health"},
        "outputs": [{"name": "r", "valueFrom": "response"}]}));
    let p = Fake::new(|_, _, _| http_ok("ok"));
    w.run(&p).await;
    assert_eq!(w.phases(), ["ask=succeeded"]);
    assert_eq!(
        p.params(0),
        json!({"method": "GET", "url": "http://svc/health", "request": {}})
    );
    assert_eq!(w.ctx.var("r"), Some(&Value::Null));
}

#[tokio::test]
async fn request_fails_on_an_error_status() {
    for (code, fails) in [(399, false), (400, true), (503, true)] {
        let mut w = World::step(json!({"name": "ask", "type": "request",
            "properties": {"url": "http://svc/x", "method": "DELETE"}}));
        let p = Fake::new(move |_, _, _| http_status(code, "{}"));
        w.run(&p).await;
        if fails {
            assert_eq!(w.phases(), ["ask=failed/Action"]);
            assert_eq!(
                w.message(0),
                format!("request DELETE http://svc/x failed with HTTP status {code}")
            );
            assert_eq!(w.wf.status, "failed");
        } else {
            assert_eq!(w.phases(), ["ask=succeeded"]);
        }
    }
}

#[tokio::test]
async fn webhook_posts_the_application_by_default() {
    let live = json!({"apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
        "metadata": {"name": "shop", "namespace": "prod"}, "status": {"status": "running"}});
    let l = live.clone();
    let p = Fake::new(move |what, _, _| match what {
        "kube.read" => done(json!({"value": l.clone()})),
        "http.do" => http_ok(""),
        other => panic!("{other}"),
    });
    let mut w = World::step(
        json!({"name": "hook", "type": "webhook", "properties": {"url": {"value": "https://hooks.example.com/a"}}}),
    );
    w.run(&p).await;
    assert_eq!(w.phases(), ["hook=succeeded"]);
    assert_eq!(p.seen(), ["kube.read", "http.do"]);
    assert_eq!(
        p.params(0)["value"],
        json!({"apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
            "metadata": {"name": "shop", "namespace": "prod"}})
    );
    assert_eq!(
        p.params(1),
        json!({"method": "POST", "url": "https://hooks.example.com/a", "request": {
            "body": live, "header": {"Content-Type": "application/json"}}})
    );
}

#[tokio::test]
async fn webhook_posts_data_to_a_url_from_a_secret() {
    let p = Fake::new(|what, params, _| match what {
        "kube.read" => {
            assert_eq!(
                params["value"],
                json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "hooks", "namespace": "prod"}})
            );
            done(
                json!({"value": {"data": {"deploy": b64("https://hooks.example.com/secret-path")}}}),
            )
        }
        "http.do" => http_ok("ok"),
        other => panic!("{other}"),
    });
    let mut w = World::step(json!({"name": "hook", "type": "webhook", "properties": {
        "url": {"secretRef": {"name": "hooks", "key": "deploy"}},
        "data": {"event": "deployed", "version": 3}}}));
    w.run(&p).await;
    assert_eq!(w.phases(), ["hook=succeeded"]);
    assert_eq!(p.seen(), ["kube.read", "http.do"]);
    assert_eq!(
        p.params(1),
        json!({"method": "POST", "url": "https://hooks.example.com/secret-path", "request": {
            "body": {"event": "deployed", "version": 3}, "header": {"Content-Type": "application/json"}}})
    );

    // A missing key and an error status fail the step, without the URL.
    let p = Fake::new(|_, _, _| done(json!({"value": {"data": {}}})));
    let mut w = World::step(json!({"name": "hook", "type": "webhook", "properties": {
        "url": {"secretRef": {"name": "hooks", "key": "deploy"}}, "data": {}}}));
    w.run(&p).await;
    assert_eq!(w.phases(), ["hook=failed/Action"]);
    assert_eq!(w.message(0), "Secret prod/hooks has no key deploy");

    let p = Fake::new(|_, _, _| http_status(404, "no such hook"));
    let mut w = World::step(json!({"name": "hook", "type": "webhook", "properties": {
        "url": {"value": "https://hooks.example.com/gone"}, "data": {}}}));
    // An error status is retried with backoff, and fails for good at the
    // retry limit, with the status in the message.
    for _ in 0..9 {
        assert!(w.run(&p).await.is_some());
        assert_eq!(w.phases(), ["hook=failed/Execute"]);
        assert_eq!(w.message(0), "the webhook answered with HTTP status 404");
        w.advance(300);
    }
    assert_eq!(w.run(&p).await, None);
    assert_eq!(w.phases(), ["hook=failed/FailedAfterRetries"]);
    assert_eq!(
        w.message(0),
        "failed 10 times, the last time: the webhook answered with HTTP status 404"
    );
}

#[tokio::test]
async fn notification_posts_each_channel_its_payload() {
    let p = Fake::new(|what, params, _| match what {
        "kube.read" => {
            assert_eq!(params["value"]["metadata"]["name"], "ding");
            done(
                json!({"value": {"data": {"url": b64("https://oapi.dingtalk.com/robot/send?access_token=t")}}}),
            )
        }
        "http.do" => http_ok(r#"{"ok": true}"#),
        other => panic!("{other}"),
    });
    let mut w = World::step(
        json!({"name": "tell", "type": "notification", "properties": {
            "slack": {"url": {"value": "https://hooks.slack.com/services/T/B/X"},
                "message": {"text": "deployed shop", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*shop*"}}]}},
            "dingding": {"url": {"secretRef": {"name": "ding", "key": "url"}},
                "message": {"text": {"content": "deployed shop"}}},
            "lark": {"url": {"value": "https://open.feishu.cn/open-apis/bot/v2/hook/x"},
                "message": {"msg_type": "text", "content": "{\"text\":\"deployed shop\"}"}},
            "webhook": {"url": {"value": "https://example.com/events"},
                "message": {"app": "shop", "ok": true}}
        }}),
    );
    w.run(&p).await;
    assert_eq!(w.phases(), ["tell=succeeded"]);
    let calls = p.calls.lock().unwrap().clone();
    let posts: Vec<&Value> = calls
        .iter()
        .filter(|(w, _)| w == "http.do")
        .map(|(_, p)| p)
        .collect();
    assert_eq!(posts.len(), 4, "{calls:?}");
    let to = |url: &str| -> Value {
        posts
            .iter()
            .find(|p| p["url"] == url)
            .unwrap_or_else(|| panic!("nothing posted to {url}: {posts:?}"))
            .get("request")
            .cloned()
            .unwrap()
    };
    let json_header = json!({"Content-Type": "application/json"});
    assert_eq!(
        to("https://hooks.slack.com/services/T/B/X"),
        json!({"header": json_header, "body": {"text": "deployed shop",
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*shop*"}}]}})
    );
    assert_eq!(
        to("https://oapi.dingtalk.com/robot/send?access_token=t"),
        json!({"header": json_header, "body": {"msgtype": "text", "text": {"content": "deployed shop"}}})
    );
    assert_eq!(
        to("https://open.feishu.cn/open-apis/bot/v2/hook/x"),
        json!({"header": json_header, "body": {"msg_type": "text", "content": "{\"text\":\"deployed shop\"}"}})
    );
    assert_eq!(
        to("https://example.com/events"),
        json!({"header": json_header, "body": {"app": "shop", "ok": true}})
    );
    assert!(posts.iter().all(|p| p["method"] == "POST"));
}

#[tokio::test]
async fn notification_failures_and_email() {
    let p = Fake::new(|_, _, _| http_status(500, "oops"));
    let mut w = World::step(
        json!({"name": "tell", "type": "notification", "properties": {
        "slack": {"url": {"value": "https://hooks.slack.com/x"}, "message": {"text": "hi"}}}}),
    );
    w.run(&p).await;
    assert_eq!(w.phases(), ["tell=failed/Execute"], "retried");
    assert_eq!(
        w.message(0),
        "the Slack notification failed: HTTP status 500"
    );

    // Email is refused before anything is sent.
    let p = Fake::empty();
    let mut w = World::step(
        json!({"name": "tell", "type": "notification", "properties": {
        "slack": {"url": {"value": "https://hooks.slack.com/x"}, "message": {"text": "hi"}},
        "email": {"from": {"address": "a@example.com", "password": {"value": "p"}, "host": "smtp.example.com"},
            "to": ["b@example.com"], "content": {"subject": "s", "body": "b"}}}}),
    );
    w.run(&p).await;
    assert_eq!(w.phases(), ["tell=failed/Action"]);
    assert!(
        w.message(0)
            .starts_with("email notifications are not supported yet"),
        "{}",
        w.message(0)
    );
    assert!(p.seen().is_empty(), "{:?}", p.seen());

    // No channel: nothing to do.
    let mut w = World::step(json!({"name": "tell", "type": "notification"}));
    w.run(&p).await;
    assert_eq!(w.phases(), ["tell=succeeded"]);
    assert_eq!(w.message(0), "no channel given: nothing was sent");
}

#[tokio::test]
async fn restart_workflow_records_the_request() {
    for (props, want) in [
        (
            json!({"at": "2026-12-01T08:00:00Z"}),
            json!({"at": "2026-12-01T08:00:00Z"}),
        ),
        (json!({"after": "10m"}), json!({"after": "10m"})),
        (json!({"every": "24h"}), json!({"every": "24h"})),
        // Days become hours, which Go durations know.
        (json!({"every": "2d"}), json!({"every": "48h"})),
        (json!({"after": "1d"}), json!({"after": "24h"})),
    ] {
        let mut w =
            World::step(json!({"name": "again", "type": "restart-workflow", "properties": props}));
        let p = Fake::empty();
        w.run(&p).await;
        assert_eq!(w.phases(), ["again=succeeded"]);
        assert_eq!(w.ctx.var("restartWorkflow"), Some(&want));
        assert!(p.seen().is_empty());
    }

    let mut w = World::step(json!({"name": "again", "type": "restart-workflow",
        "properties": {"after": "10m", "every": "1h"}}));
    w.run(&Fake::empty()).await;
    assert_eq!(w.phases(), ["again=failed/Action"]);
    assert_eq!(
        w.message(0),
        "give exactly one of at, after or every (2 given)"
    );
    assert_eq!(w.ctx.var("restartWorkflow"), None);

    // A malformed value is a parameter error.
    let mut w = World::step(json!({"name": "again", "type": "restart-workflow",
        "properties": {"after": "ten minutes"}}));
    w.run(&Fake::empty()).await;
    assert_eq!(w.phases(), ["again=failed/ProcessParameter"]);
    assert!(w.message(0).starts_with("parameter: "), "{}", w.message(0));
    assert!(w.message(0).contains("after"), "{}", w.message(0));
}
