//! In-process evaluation of a realistic definition template: a webservice
//! component (Deployment + Service) with defaults, `if` guards, a `for`
//! comprehension over ports and 20 parameters.
//!
//! `cargo bench -p roam-cue --bench eval`. The program is compiled once;
//! each iteration makes an instance, fills `parameter` from JSON and exports
//! `output` and `outputs` as JSON, which is what rendering one component of
//! an application costs. `compile` measures compiling the template alone.
//! Results: docs/benchmarks.md, "CUE evaluator".

use criterion::{Criterion, criterion_group, criterion_main};
use roam_cue::eval::Program;
use std::hint::black_box;

/// The template, KubeVela style: `parameter` is a schema with defaults,
/// `context` is filled by the host (here: fixed), `output` and `outputs` are
/// rendered from both.
pub const TEMPLATE: &str = r#"
import "strings"

context: {
	name:      "frontend"
	namespace: "shop"
	appName:   "storefront"
	revision:  "frontend-v7"
}

#Port: {
	port:     int & >0 & <65536
	name?:    string
	protocol: *"TCP" | "UDP" | "SCTP"
	expose:   *false | bool
}

parameter: {
	image:            string
	imagePullPolicy?: "Always" | "Never" | "IfNotPresent"
	imagePullSecrets?: [...string]
	replicas:         *1 | int & >=0
	cmd?: [...string]
	args?: [...string]
	env?: [...{name: string, value?: string}]
	ports: [...#Port]
	labels?: [string]:      string
	annotations?: [string]: string
	cpu?:               string
	memory?:            string
	serviceType:        *"ClusterIP" | "NodePort" | "LoadBalancer"
	livenessPath?:      string
	readinessPath?:     string
	probePort:          *8080 | int
	serviceAccountName?: string
	nodeSelector?: [string]: string
	priorityClassName?: string
	terminationGracePeriodSeconds: *30 | int
}

_selector: {
	"app.oam.dev/name":      context.appName
	"app.oam.dev/component": context.name
}

output: {
	apiVersion: "apps/v1"
	kind:       "Deployment"
	metadata: {
		name:      context.name
		namespace: context.namespace
		labels: {
			_selector
			if parameter.labels != _|_ {parameter.labels}
		}
		if parameter.annotations != _|_ {annotations: parameter.annotations}
	}
	spec: {
		replicas: parameter.replicas
		selector: matchLabels: _selector
		template: {
			metadata: {
				labels: _selector
				annotations: "app.oam.dev/revision": context.revision
			}
			spec: {
				if parameter.serviceAccountName != _|_ {serviceAccountName: parameter.serviceAccountName}
				if parameter.nodeSelector != _|_ {nodeSelector: parameter.nodeSelector}
				if parameter.priorityClassName != _|_ {priorityClassName: parameter.priorityClassName}
				terminationGracePeriodSeconds: parameter.terminationGracePeriodSeconds
				if parameter.imagePullSecrets != _|_ {
					imagePullSecrets: [for s in parameter.imagePullSecrets {name: s}]
				}
				containers: [{
					name:  context.name
					image: parameter.image
					if parameter.imagePullPolicy != _|_ {imagePullPolicy: parameter.imagePullPolicy}
					if parameter.cmd != _|_ {command: parameter.cmd}
					if parameter.args != _|_ {args: parameter.args}
					if parameter.env != _|_ {env: parameter.env}
					ports: [for p in parameter.ports {
						containerPort: p.port
						protocol:      p.protocol
						if p.name != _|_ {name: p.name}
						if p.name == _|_ {name: "port-" + strings.ToLower("\(p.port)")}
					}]
					if parameter.cpu != _|_ || parameter.memory != _|_ {
						resources: {
							limits: {
								if parameter.cpu != _|_ {cpu: parameter.cpu}
								if parameter.memory != _|_ {memory: parameter.memory}
							}
							requests: limits
						}
					}
					if parameter.livenessPath != _|_ {
						livenessProbe: httpGet: {path: parameter.livenessPath, port: parameter.probePort}
					}
					if parameter.readinessPath != _|_ {
						readinessProbe: httpGet: {path: parameter.readinessPath, port: parameter.probePort}
					}
				}]
			}
		}
	}
}

_exposed: [for p in parameter.ports if p.expose {p}]

outputs: {
	if len(_exposed) > 0 {
		service: {
			apiVersion: "v1"
			kind:       "Service"
			metadata: {
				name:      context.name
				namespace: context.namespace
				labels:    _selector
			}
			spec: {
				type:     parameter.serviceType
				selector: _selector
				ports: [for p in _exposed {
					port:       p.port
					targetPort: p.port
					protocol:   p.protocol
					if p.name != _|_ {name: p.name}
					if p.name == _|_ {name: "port-\(p.port)"}
				}]
			}
		}
	}
}
"#;

/// Concrete values for 18 of the 20 parameters (2 keep their defaults).
pub const PARAMETERS: &str = r#"{
	"image": "registry.example.com/shop/frontend:1.4.2",
	"imagePullPolicy": "IfNotPresent",
	"imagePullSecrets": ["regcred"],
	"replicas": 3,
	"cmd": ["/bin/server"],
	"args": ["--port=8080", "--metrics=:9090"],
	"env": [{"name": "MODE", "value": "production"}, {"name": "LOG_LEVEL", "value": "info"}, {"name": "EMPTY"}],
	"ports": [
		{"port": 8080, "expose": true},
		{"port": 9090, "name": "metrics"},
		{"port": 8443, "name": "https", "expose": true},
		{"port": 5353, "protocol": "UDP", "name": "dns"}
	],
	"labels": {"tier": "web", "team": "shop"},
	"annotations": {"owner": "shop-team@example.com"},
	"cpu": "500m",
	"memory": "512Mi",
	"serviceType": "LoadBalancer",
	"livenessPath": "/healthz",
	"readinessPath": "/ready",
	"serviceAccountName": "frontend",
	"nodeSelector": {"kubernetes.io/os": "linux"},
	"priorityClassName": "high"
}"#;

fn render(program: &Program, params: &serde_json::Value) -> (String, String) {
    let mut inst = program.instance();
    inst.fill_json(&["parameter"], params)
        .expect("parameters unify");
    let output = inst.lookup(&["output"]).expect("output exists");
    let a = inst.export_json(output, false).expect("output exports");
    let outputs = inst.lookup(&["outputs"]).expect("outputs exist");
    let b = inst.export_json(outputs, false).expect("outputs export");
    (a, b)
}

fn bench(c: &mut Criterion) {
    let params: serde_json::Value = serde_json::from_str(PARAMETERS).unwrap();
    let program = Program::compile(&[("webservice.cue", TEMPLATE)])
        .unwrap_or_else(|e| panic!("template compiles: {e}"));
    let (output, outputs) = render(&program, &params);
    if std::env::var_os("ROAM_BENCH_PRINT").is_some() {
        println!("{{\"output\": {output}, \"outputs\": {outputs}}}");
    }
    assert!(output.contains("\"containerPort\":5353") && outputs.contains("\"port\":8443"));

    c.bench_function("eval/webservice instantiate+fill+export", |b| {
        b.iter(|| black_box(render(&program, black_box(&params))))
    });
    c.bench_function("eval/webservice compile", |b| {
        b.iter(|| black_box(Program::compile(&[("webservice.cue", black_box(TEMPLATE))]).is_ok()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
