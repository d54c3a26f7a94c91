//! Host packages and the call protocol (`#do`/`#provider`, `$params`/
//! `$returns`): calls run in dependency order, results are filled back.

use std::sync::Arc;

use roam_cue::eval::{CallOutcome, HostPackage, Program, run_calls};
use serde_json::json;

fn packages() -> Vec<Arc<HostPackage>> {
    vec![
        Arc::new(HostPackage {
            path: "vela/kube".into(),
            cue: "package kube\n\n#Apply: {\n\t#do: \"apply\"\n\t#provider: \"kube\"\n\t$params: {\n\t\tvalue: {...}\n\t\tcluster: *\"\" | string\n\t}\n\t$returns: {\n\t\tvalue: {...}\n\t}\n}\n".into(),
            funcs: &[],
        }),
        Arc::new(HostPackage {
            path: "vela/op".into(),
            cue: "#Read: {\n\t#do: \"read\"\n\t#provider: \"kube\"\n\tvalue: {...}\n\terr?: string\n}\n".into(),
            funcs: &[],
        }),
    ]
}

const PROGRAM: &str = r#"
import (
	"vela/kube"
	"vela/op"
)

parameter: name: string
apply: kube.#Apply & {
	$params: value: {
		kind: "Deployment"
		metadata: name: read.value.data.name
	}
}
read: op.#Read & {value: {kind: "ConfigMap", metadata: name: parameter.name}}
uid: apply.$returns.value.metadata.uid
"#;

#[test]
fn calls_run_in_dependency_order_and_results_are_filled() {
    let prog = Program::compile_with_packages(&[("step.cue", PROGRAM)], &packages()).unwrap();
    let mut seen = Vec::new();
    let (run, mut inst) = run_calls(
        &prog,
        &[(vec!["parameter".into()], json!({"name": "cfg"}))],
        &mut |call| {
            assert!(call.complete, "only ready calls are handed to the host");
            seen.push(format!("{}.{} {}", call.provider, call.do_, call.path.join(".")));
            Ok(match call.do_.as_str() {
                "read" => CallOutcome::Done(json!({"value": {"data": {"name": "web"}}})),
                "apply" => {
                    assert_eq!(call.params, json!({"value": {"kind": "Deployment", "metadata": {"name": "web"}}, "cluster": ""}));
                    CallOutcome::Done(json!({"value": {"metadata": {"uid": "u-1"}}}))
                }
                other => panic!("unexpected call {other}"),
            })
        },
        10,
    )
    .unwrap();
    assert_eq!(seen, ["kube.read read", "kube.apply apply"]);
    assert_eq!(run.executed.len(), 2);
    assert!(run.pending.is_empty());
    let uid = inst.lookup(&["uid"]).unwrap();
    assert_eq!(inst.export_serde(uid).unwrap(), json!("u-1"));
}

#[test]
fn waiting_calls_are_reported_and_errors_stop_the_run() {
    let prog = Program::compile_with_packages(&[("step.cue", PROGRAM)], &packages()).unwrap();
    let (run, _) = run_calls(
        &prog,
        &[(vec!["parameter".into()], json!({"name": "cfg"}))],
        &mut |_| Ok(CallOutcome::Wait),
        10,
    )
    .unwrap();
    assert_eq!(run.executed.len(), 0);
    let paths: Vec<_> = run.pending.iter().map(|c| c.path.join(".")).collect();
    assert_eq!(paths, ["apply", "read"]);
    assert!(!run.pending[0].complete && run.pending[1].complete);

    let Err(e) = run_calls(
        &prog,
        &[(vec!["parameter".into()], json!({"name": "cfg"}))],
        &mut |_| Err("cluster unreachable".into()),
        10,
    ) else {
        panic!("the handler's error stops the run");
    };
    assert_eq!(e.to_string(), "read: cluster unreachable");
}

#[test]
fn unknown_host_package_is_a_compile_error() {
    let Err(e) =
        Program::compile_with_packages(&[("s.cue", "import \"vela/http\"\nx: 1\n")], &packages())
    else {
        panic!("unknown import");
    };
    assert!(
        e.to_string().contains("package \"vela/http\" not found"),
        "{e}"
    );
    // Without registration, the same import is unknown.
    assert!(Program::compile(&[("s.cue", PROGRAM)]).is_err());
}
