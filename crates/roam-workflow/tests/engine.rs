//! The engine against a fake provider: modes, dependencies, `if`, inputs
//! and outputs, suspension (by hand and by time), retries, timeouts,
//! step groups, and the legacy `vela/op` package.

use std::sync::Mutex;
use std::time::Duration;

use roam_api::{Application, WorkflowStatus};
use roam_render::Registry;
use roam_workflow::{
    ContextData, Engine, Provider, ProviderCall, ProviderOutcome, Spec, Templates, fresh_status,
};
use serde_json::{Value, json};

type Answer = dyn Fn(&str, &Value, usize) -> Result<ProviderOutcome, String> + Send + Sync;

/// Records calls; answers with `answer(provider.action, params, nth call)`.
struct Fake {
    calls: Mutex<Vec<(String, String, Value)>>,
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

    fn seen(&self) -> Vec<String> {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .map(|(step, what, _)| format!("{step}:{what}"))
            .collect()
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
            calls.push((call.step.to_string(), what.clone(), call.params.clone()));
            calls
                .iter()
                .filter(|(s, w, _)| s == call.step && *w == what)
                .count()
        };
        let r = (self.answer)(&what, call.params, n);
        async move { r }
    }
}

fn app(spec: Value) -> Application {
    serde_json::from_value(json!({
        "apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
        "metadata": {"name": "shop", "namespace": "default"},
        "spec": spec
    }))
    .unwrap()
}

const DEFS: &[(&str, &str)] = &[
    (
        "gate.cue",
        r#"import "vela/builtin"

gate: {type: "workflow-step", description: "suspend"}
template: {
	parameter: {duration?: string, message?: string}
	suspend: builtin.#Suspend & {$params: parameter}
}
"#,
    ),
    (
        "read-addr.cue",
        r#"import "vela/kube"

"read-addr": {type: "workflow-step", description: "read"}
template: {
	parameter: {name: string}
	read: kube.#Read & {$params: value: {apiVersion: "v1", kind: "ConfigMap", metadata: {name: parameter.name, namespace: "default"}}}
}
"#,
    ),
    (
        "call.cue",
        r#"import "vela/http"

call: {type: "workflow-step", description: "http"}
template: {
	parameter: {url: string}
	req: http.#HTTPGet & {$params: url: parameter.url}
	status: req.$returns.response.statusCode
}
"#,
    ),
    (
        "wait-until.cue",
        r#"import (
	"vela/kube"
	"vela/builtin"
)

"wait-until": {type: "workflow-step", description: "wait for a ConfigMap key"}
template: {
	parameter: {name: string}
	read: kube.#Read & {$params: value: {apiVersion: "v1", kind: "ConfigMap", metadata: {name: parameter.name, namespace: "default"}}}
	wait: builtin.#ConditionalWait & {$params: {continue: read.$returns.value.data.ready == "yes", message: "waiting for \(parameter.name)"}}
}
"#,
    ),
    (
        "boom.cue",
        r#"import "vela/builtin"

boom: {type: "workflow-step", description: "fail"}
template: {
	parameter: {message: *"boom" | string}
	fail: builtin.#Fail & {$params: message: parameter.message}
}
"#,
    ),
    (
        "legacy.cue",
        r#"import "vela/op"

legacy: {type: "workflow-step", description: "legacy apply"}
template: {
	parameter: {name: string}
	apply: op.#Apply & {value: {apiVersion: "v1", kind: "ConfigMap", metadata: name: parameter.name}}
	uid: apply.value.metadata.uid
}
"#,
    ),
    (
        "note.cue",
        r#"import "vela/builtin"

note: {type: "workflow-step", description: "message"}
template: {
	parameter: {text: string}
	msg: builtin.#Message & {$params: message: parameter.text}
}
"#,
    ),
];

fn registry() -> Registry {
    let mut r = Registry::new();
    for (name, text) in DEFS {
        r.add_source(name, text)
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    }
    r
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
    fn new(app_spec: Value) -> World {
        let app = app(app_spec);
        let spec = Spec::of(&app, None);
        let now: jiff::Timestamp = "2026-11-22T10:00:00Z".parse().unwrap();
        World {
            registry: registry(),
            templates: Templates::new(),
            wf: fresh_status(&spec, "shop-v1", now),
            app,
            spec,
            ctx: ContextData::default(),
            now,
        }
    }

    async fn run(&mut self, p: &Fake) -> Option<Duration> {
        let engine = Engine {
            provider: p,
            registry: &self.registry,
            templates: &self.templates,
            components: &self.app.spec.components,
            context: json!({"name": "shop", "namespace": "default", "appName": "shop", "appRevision": "shop-v1"}),
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
}

#[tokio::test]
async fn default_workflow_applies_components_in_dependency_order_and_waits_for_health() {
    let mut w = World::new(json!({"components": [
        {"name": "web", "type": "webservice", "dependsOn": ["db"]},
        {"name": "db", "type": "worker", "properties": {"image": "postgres"}}
    ]}));
    // db is unhealthy the first time it is applied.
    let p = Fake::new(|what, params, n| {
        assert_eq!(what, "oam.component-apply");
        let name = params["value"]["name"].as_str().unwrap().to_string();
        let result = json!({"output": {"kind": "Deployment", "metadata": {"name": name}}, "isHealth": n > 1});
        Ok(if name == "db" && n == 1 {
            ProviderOutcome::Wait {
                message: "db: 0/1 replicas ready".into(),
                result,
            }
        } else {
            ProviderOutcome::Done(result)
        })
    });
    let requeue = w.run(&p).await;
    assert_eq!(w.phases(), ["web=pending", "db=running/Wait"]);
    assert_eq!(w.wf.steps[0].message, "Pending on DependsOn: db");
    assert_eq!(w.wf.steps[1].message, "db: 0/1 replicas ready");
    assert_eq!(w.wf.status, "executing");
    assert_eq!(requeue, Some(Duration::from_secs(1)));
    // The component was handed over whole.
    assert_eq!(
        p.calls.lock().unwrap()[0].2["value"]["properties"]["image"],
        "postgres"
    );

    w.advance(1);
    let requeue = w.run(&p).await;
    assert_eq!(w.phases(), ["web=succeeded", "db=succeeded"]);
    assert_eq!(
        p.seen(),
        [
            "db:oam.component-apply",
            "db:oam.component-apply",
            "web:oam.component-apply"
        ]
    );
    assert_eq!(w.wf.status, "succeeded");
    assert!(w.wf.finished);
    assert_eq!(requeue, None);
    // A finished workflow does nothing more.
    w.run(&p).await;
    assert_eq!(p.seen().len(), 3);
}

#[tokio::test]
async fn suspend_waits_for_resume_then_continues() {
    let mut w = World::new(
        json!({"components": [{"name": "web", "type": "webservice"}],
        "workflow": {"steps": [
            {"name": "approve", "type": "gate", "properties": {"message": "needs a human"}},
            {"name": "web", "type": "apply-component", "properties": {"component": "web"}}
        ]}}),
    );
    let p = Fake::new(|_, _, _| Ok(ProviderOutcome::Done(json!({}))));
    let requeue = w.run(&p).await;
    assert_eq!(w.phases(), ["approve=suspending/Suspend", "web=pending"]);
    assert!(w.wf.suspend);
    assert_eq!(w.wf.status, "suspending");
    assert_eq!(w.wf.message, "suspended at step approve: needs a human");
    assert_eq!(requeue, None, "only a resume can move it");
    // Still suspended on the next reconcile.
    w.advance(3600);
    w.run(&p).await;
    assert_eq!(w.phases(), ["approve=suspending/Suspend", "web=pending"]);
    assert!(p.seen().is_empty());

    // What `roam workflow resume` does to the status.
    w.wf.suspend = false;
    w.wf.steps[0].phase = "running".into();
    let requeue = w.run(&p).await;
    assert_eq!(w.phases(), ["approve=succeeded", "web=succeeded"]);
    assert_eq!(w.wf.status, "succeeded");
    assert_eq!(requeue, None);
}

#[tokio::test]
async fn suspend_with_a_duration_resumes_by_itself() {
    let mut w = World::new(json!({"components": [],
    "workflow": {"steps": [
        {"name": "pause", "type": "gate", "properties": {"duration": "30s"}},
        {"name": "after", "type": "note", "properties": {"text": "done"}}
    ]}}));
    let p = Fake::new(|_, _, _| Ok(ProviderOutcome::Done(json!({}))));
    assert_eq!(w.run(&p).await, Some(Duration::from_secs(30)));
    assert_eq!(w.phases(), ["pause=suspending/Suspend", "after=pending"]);
    assert_eq!(
        w.wf.message,
        "suspended at step pause: resumes by itself at 2026-11-22T10:00:30Z"
    );
    w.advance(10);
    assert_eq!(w.run(&p).await, Some(Duration::from_secs(20)));
    assert!(w.wf.suspend);
    w.advance(20);
    assert_eq!(w.run(&p).await, None);
    assert_eq!(w.phases(), ["pause=succeeded", "after=succeeded"]);
    assert_eq!(w.wf.steps[1].message, "done");
}

#[tokio::test]
async fn outputs_feed_inputs_and_dag_steps_wait_for_them() {
    let mut w = World::new(json!({"components": [],
    "workflow": {"mode": {"steps": "DAG"}, "steps": [
        {"name": "use", "type": "call", "inputs": [{"from": "addr", "parameterKey": "url"}]},
        {"name": "read", "type": "read-addr", "properties": {"name": "endpoint"},
         "outputs": [{"name": "addr", "valueFrom": "read.value.data.url"}]}
    ]}}));
    let p = Fake::new(|what, params, _| {
        Ok(ProviderOutcome::Done(match what {
            "kube.read" => {
                assert_eq!(params["value"]["metadata"]["name"], "endpoint");
                json!({"value": {"data": {"url": "http://svc:8080/"}}})
            }
            "http.do" => {
                assert_eq!(params["url"], "http://svc:8080/");
                assert_eq!(params["method"], "GET");
                json!({"response": {"statusCode": 200, "body": "ok"}})
            }
            other => panic!("{other}"),
        }))
    });
    w.run(&p).await;
    assert_eq!(w.phases(), ["use=succeeded", "read=succeeded"]);
    assert_eq!(p.seen(), ["read:kube.read", "use:http.do"]);
    assert_eq!(w.ctx.var("addr"), Some(&json!("http://svc:8080/")));
}

#[tokio::test]
async fn a_missing_input_keeps_the_step_pending() {
    let mut w = World::new(json!({"components": [],
    "workflow": {"steps": [
        {"name": "use", "type": "call", "inputs": [{"from": "never", "parameterKey": "url"}]}
    ]}}));
    let p = Fake::new(|_, _, _| Ok(ProviderOutcome::Done(json!({}))));
    w.run(&p).await;
    assert_eq!(w.phases(), ["use=pending"]);
    assert_eq!(w.wf.steps[0].message, "Pending on Input: never");
}

#[tokio::test]
async fn a_failure_skips_later_steps_but_not_if_always() {
    let mut w = World::new(json!({"components": [],
    "workflow": {"steps": [
        {"name": "first", "type": "boom", "properties": {"message": "bad config"}},
        {"name": "second", "type": "note", "properties": {"text": "x"}},
        {"name": "cleanup", "type": "note", "if": "always", "properties": {"text": "cleaned"}},
        {"name": "report", "type": "note", "if": "status.first.failed", "properties": {"text": "r"}}
    ]}}));
    let p = Fake::new(|_, _, _| Ok(ProviderOutcome::Done(json!({}))));
    assert_eq!(w.run(&p).await, None);
    assert_eq!(
        w.phases(),
        [
            "first=failed/Action",
            "second=skipped/Skip",
            "cleanup=succeeded",
            "report=skipped/Skip"
        ]
    );
    assert_eq!(w.wf.status, "failed");
    assert!(w.wf.terminated && w.wf.finished);
    assert_eq!(w.wf.message, "step first failed: bad config");
}

#[tokio::test]
async fn if_sees_earlier_steps_status() {
    let mut w = World::new(json!({"components": [],
    "workflow": {"mode": {"steps": "DAG"}, "steps": [
        {"name": "a", "type": "note", "properties": {"text": "a"}},
        {"name": "b", "type": "note", "dependsOn": ["a"], "if": "status.a.succeeded && context.appName == \"shop\"", "properties": {"text": "b"}},
        {"name": "c", "type": "note", "dependsOn": ["a"], "if": "status[\"a\"].phase != \"succeeded\"", "properties": {"text": "c"}},
        {"name": "d", "type": "note", "if": "status.a.", "properties": {"text": "d"}}
    ]}}));
    let p = Fake::new(|_, _, _| Ok(ProviderOutcome::Done(json!({}))));
    w.run(&p).await;
    assert_eq!(
        w.phases()[..3],
        ["a=succeeded", "b=succeeded", "c=skipped/Skip"]
    );
    assert_eq!(w.phases()[3], "d=failed/Input");
    assert!(
        w.wf.steps[3].message.starts_with("if: "),
        "{}",
        w.wf.steps[3].message
    );
}

#[tokio::test]
async fn execution_errors_are_retried_then_fail_for_good() {
    let mut w = World::new(json!({"components": [],
        "workflow": {"steps": [{"name": "read", "type": "read-addr", "properties": {"name": "x"}}]}}));
    let p = Fake::new(|_, _, _| Err("connection refused".into()));
    let mut requeues = Vec::new();
    for _ in 0..9 {
        requeues.push(w.run(&p).await.unwrap().as_secs());
        assert_eq!(w.phases(), ["read=failed/Execute"]);
        assert_eq!(w.wf.status, "executing");
        w.advance(300);
    }
    assert_eq!(
        w.wf.steps[0].message,
        "read (kube.#read): connection refused"
    );
    // Backoff grows: 2^n × 0.05 s, at least 1 s.
    assert_eq!(requeues, [1, 1, 1, 1, 1, 3, 6, 12, 25]);
    assert_eq!(w.run(&p).await, None);
    assert_eq!(w.phases(), ["read=failed/FailedAfterRetries"]);
    assert_eq!(w.wf.status, "failed");
    assert!(
        w.wf.steps[0].message.starts_with("failed 10 times"),
        "{}",
        w.wf.steps[0].message
    );
}

#[tokio::test]
async fn conditional_wait_backs_off_and_times_out() {
    let mut w = World::new(json!({"components": [],
        "workflow": {"steps": [{"name": "ready", "type": "wait-until", "timeout": "1m", "properties": {"name": "flag"}}]}}));
    let p = Fake::new(|_, _, _| {
        Ok(ProviderOutcome::Done(
            json!({"value": {"data": {"ready": "no"}}}),
        ))
    });
    assert_eq!(w.run(&p).await, Some(Duration::from_secs(1)));
    assert_eq!(w.phases(), ["ready=running/Wait"]);
    assert_eq!(w.wf.steps[0].message, "waiting for flag");
    w.advance(59);
    // The deadline bounds the requeue.
    w.run(&p).await;
    w.advance(2);
    assert_eq!(w.run(&p).await, None);
    assert_eq!(w.phases(), ["ready=failed/Timeout"]);
    assert_eq!(w.wf.status, "failed");
}

#[tokio::test]
async fn conditional_wait_continues_when_the_condition_holds() {
    let mut w = World::new(json!({"components": [],
        "workflow": {"steps": [{"name": "ready", "type": "wait-until", "properties": {"name": "flag"}}]}}));
    let p = Fake::new(|_, _, n| {
        Ok(ProviderOutcome::Done(
            json!({"value": {"data": {"ready": if n >= 2 { "yes" } else { "no" }}}}),
        ))
    });
    w.run(&p).await;
    assert_eq!(w.phases(), ["ready=running/Wait"]);
    w.advance(1);
    assert_eq!(w.run(&p).await, None);
    assert_eq!(w.phases(), ["ready=succeeded"]);
}

#[tokio::test]
async fn step_groups_run_their_sub_steps_in_their_mode() {
    let mut w = World::new(
        json!({"components": [{"name": "a", "type": "worker"}, {"name": "b", "type": "worker"}],
        "workflow": {"steps": [
            {"name": "both", "type": "step-group", "subSteps": [
                {"name": "a", "type": "apply-component", "properties": {"component": "a"}},
                {"name": "b", "type": "apply-component", "dependsOn": ["a"], "properties": {"component": "b"}}
            ]},
            {"name": "after", "type": "note", "properties": {"text": "t"}}
        ]}}),
    );
    let p = Fake::new(|_, _, _| Ok(ProviderOutcome::Done(json!({}))));
    w.run(&p).await;
    assert_eq!(w.phases(), ["both=succeeded", "after=succeeded"]);
    let subs: Vec<String> = w.wf.steps[0]
        .sub_steps
        .iter()
        .map(|s| format!("{}={}", s.name, s.phase))
        .collect();
    assert_eq!(subs, ["a=succeeded", "b=succeeded"]);
    assert_eq!(p.seen(), ["a:oam.component-apply", "b:oam.component-apply"]);
    assert_ne!(w.wf.steps[0].sub_steps[0].id, w.wf.steps[0].id);
}

#[tokio::test]
async fn legacy_op_actions_take_flat_fields_and_fill_them() {
    let mut w = World::new(json!({"components": [],
        "workflow": {"steps": [{"name": "cm", "type": "legacy", "properties": {"name": "settings"},
            "outputs": [{"name": "uid", "valueFrom": "uid"}]}]}}));
    let p = Fake::new(|what, params, _| {
        assert_eq!(what, "kube.apply");
        assert_eq!(params["value"]["metadata"]["name"], "settings");
        assert_eq!(params["cluster"], "");
        Ok(ProviderOutcome::Done(
            json!({"value": {"metadata": {"uid": "u-42"}}}),
        ))
    });
    w.run(&p).await;
    assert_eq!(w.phases(), ["cm=succeeded"]);
    assert_eq!(w.ctx.var("uid"), Some(&json!("u-42")));
}

#[tokio::test]
async fn unknown_types_missing_components_and_bad_parameters_say_what_is_wrong() {
    let one = |step: Value| async move {
        let mut w = World::new(
            json!({"components": [{"name": "web", "type": "webservice"}],
            "workflow": {"steps": [step, {"name": "next", "type": "note", "properties": {"text": "n"}}]}}),
        );
        let p = Fake::new(|_, _, _| Ok(ProviderOutcome::Done(json!({}))));
        assert_eq!(w.run(&p).await, None, "these errors end the workflow");
        assert!(p.seen().is_empty(), "nothing was called: {:?}", p.seen());
        assert_eq!(w.phases()[1], "next=skipped/Skip");
        assert_eq!(w.wf.status, "failed");
        w.wf.steps[0].clone()
    };
    let s = one(json!({"name": "x", "type": "no-such-step"})).await;
    assert_eq!(s.reason, "Rendering");
    assert!(
        s.message.contains("unknown step type \"no-such-step\""),
        "{}",
        s.message
    );
    assert!(
        s.message.contains("read-addr"),
        "lists what exists: {}",
        s.message
    );
    let s =
        one(json!({"name": "y", "type": "apply-component", "properties": {"component": "api"}}))
            .await;
    assert_eq!(s.reason, "ProcessParameter");
    assert!(
        s.message
            .contains("\"api\" is not a component of this application (it has: web)"),
        "{}",
        s.message
    );
    let s = one(json!({"name": "z", "type": "read-addr", "properties": {"nme": "typo"}})).await;
    assert_eq!(s.reason, "ProcessParameter");
    assert_eq!(
        s.message,
        "parameter: parameter.name: incomplete value string"
    );
}

#[tokio::test]
async fn terminate_by_hand_stops_everything() {
    let mut w = World::new(json!({"components": [],
        "workflow": {"steps": [{"name": "ready", "type": "wait-until", "properties": {"name": "flag"}}]}}));
    let p = Fake::new(|_, _, _| {
        Ok(ProviderOutcome::Done(
            json!({"value": {"data": {"ready": "no"}}}),
        ))
    });
    w.run(&p).await;
    // What `roam workflow terminate` does to the status.
    w.wf.terminated = true;
    w.wf.steps[0].phase = "failed".into();
    w.wf.steps[0].reason = "Terminate".into();
    assert_eq!(w.run(&p).await, None);
    assert_eq!(w.wf.status, "terminated");
    assert!(w.wf.finished);
    assert_eq!(p.seen().len(), 1);
}

#[tokio::test]
async fn a_suspended_step_still_times_out() {
    let mut w = World::new(json!({"components": [],
    "workflow": {"steps": [
        {"name": "approve", "type": "gate", "timeout": "10m"},
        {"name": "after", "type": "note", "properties": {"text": "x"}},
        {"name": "notify", "type": "note", "if": "always", "properties": {"text": "timed out"}}
    ]}}));
    let p = Fake::new(|_, _, _| Ok(ProviderOutcome::Done(json!({}))));
    assert_eq!(
        w.run(&p).await,
        Some(Duration::from_secs(600)),
        "woken at the deadline"
    );
    assert!(w.wf.suspend);
    w.advance(600);
    assert_eq!(w.run(&p).await, None);
    assert_eq!(
        w.phases(),
        [
            "approve=failed/Timeout",
            "after=skipped/Skip",
            "notify=succeeded"
        ]
    );
    assert!(!w.wf.suspend);
    assert_eq!(w.wf.status, "failed");
}

#[tokio::test]
async fn component_outputs_feed_component_inputs() {
    let mut w = World::new(json!({"components": [
        {"name": "db", "type": "worker", "outputs": [{"name": "db-host", "valueFrom": "output.status.podIP"}]},
        {"name": "web", "type": "webservice", "dependsOn": ["db"],
         "inputs": [{"from": "db-host", "parameterKey": "env.DB_HOST"}]}
    ]}));
    let p = Fake::new(|_, params, _| {
        Ok(ProviderOutcome::Done(
            match params["value"]["name"].as_str().unwrap() {
                "db" => json!({"output": {"status": {"podIP": "10.1.2.3"}}, "outputs": {}}),
                _ => json!({}),
            },
        ))
    });
    w.run(&p).await;
    assert_eq!(w.phases(), ["db=succeeded", "web=succeeded"]);
    assert_eq!(w.ctx.var("db-host"), Some(&json!("10.1.2.3")));
    let calls = p.calls.lock().unwrap();
    assert_eq!(
        calls[1].2["value"]["properties"]["env"]["DB_HOST"],
        "10.1.2.3"
    );
    assert_eq!(calls[1].2["waitHealthy"], true);
}

#[tokio::test]
async fn the_apply_component_template_does_what_the_engine_does() {
    // The template, run through the call protocol as any step type.
    let mut reg = registry();
    reg.add_source(
        "apply-comp-template.cue",
        &format!(
            "{}\n\"as-template\": {{type: \"workflow-step\", description: \"t\"}}\ntemplate: {{\n{}\n}}\n",
            "import \"vela/oam\"",
            roam_workflow::BUILTIN_APPLY_COMPONENT.replace("import \"vela/oam\"\n", "")
        ),
    )
    .unwrap();
    let comp = json!({"name": "db", "type": "worker", "properties": {"image": "pg"}});
    let mut w = World::new(json!({"components": [comp],
    "workflow": {"steps": [
        {"name": "fast", "type": "apply-component", "properties": {"component": "db"},
         "outputs": [{"name": "a", "valueFrom": "output.metadata.name"}]},
        {"name": "slow", "type": "as-template", "properties": {"value": comp},
         "outputs": [{"name": "b", "valueFrom": "output.metadata.name"}]}
    ]}}));
    w.registry = reg;
    let p = Fake::new(|_, _, _| {
        Ok(ProviderOutcome::Done(
            json!({"output": {"metadata": {"name": "db"}}, "outputs": {}}),
        ))
    });
    w.run(&p).await;
    assert_eq!(w.phases(), ["fast=succeeded", "slow=succeeded"]);
    assert_eq!(w.ctx.var("a"), w.ctx.var("b"));
    let calls = p.calls.lock().unwrap();
    assert_eq!(calls[0].1, calls[1].1);
    assert_eq!(calls[0].2, calls[1].2, "same action, same parameters");
}

#[tokio::test]
async fn a_gate_back_at_pending_suspends_again_even_with_old_memory() {
    let mut w = World::new(json!({"components": [],
        "workflow": {"steps": [{"name": "approve", "type": "gate"}]}}));
    let p = Fake::new(|_, _, _| Ok(ProviderOutcome::Done(json!({}))));
    w.run(&p).await;
    assert_eq!(w.phases(), ["approve=suspending/Suspend"]);
    // The status was reset (a restart racing with the context write) but
    // the step's memory says it was suspended: that is not a resume.
    w.wf.suspend = false;
    w.wf.steps[0].phase = "pending".into();
    w.wf.steps[0].reason.clear();
    w.run(&p).await;
    assert_eq!(w.phases(), ["approve=suspending/Suspend"]);
    assert!(w.wf.suspend);
}
