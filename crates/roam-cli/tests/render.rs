//! `roam dry-run`, `roam components|traits`, `roam show`, `roam def …` and
//! `roam install --print-crds` end to end: output, errors, exit codes.

use std::process::{Command, Output};

fn roam(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_roam"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .output()
        .expect("roam runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn temp_file(name: &str, content: &str) -> String {
    let dir = std::env::temp_dir().join(format!("roam-render-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p.display().to_string()
}

const APP: &str = "apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: shop
  namespace: prod
  labels: {team: a}
spec:
  components:
    - name: web
      type: webservice
      properties: {image: nginx:1.25, port: 80}
      traits:
        - type: scaler
          properties: {replicas: 2}
        - type: expose
          properties: {port: [80]}
";

#[test]
fn dry_run_prints_kubevela_layout() {
    let f = temp_file("app.yaml", APP);
    let out = roam(&["dry-run", "-f", &f]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.starts_with("---\n# Application(shop) -- Component(web)\n---\n\napiVersion: apps/v1\nkind: Deployment\n"), "{s}");
    assert!(
        s.contains("\n---\n## From the trait expose\napiVersion: v1\nkind: Service\n"),
        "{s}"
    );
    assert!(s.contains("    app.oam.dev/namespace: prod\n"), "{s}");
    assert!(s.contains("    team: a\n"), "app labels propagate: {s}");
    assert!(s.contains("  replicas: 2\n"), "{s}");
    assert!(s.ends_with("\n---\n\n\n"), "{s:?}");
}

#[test]
fn dry_run_json_and_yaml_outputs() {
    let f = temp_file("app2.yaml", APP);
    let out = roam(&["dry-run", "-f", &f, "-o", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "List");
    let kinds: Vec<_> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["Deployment", "Service"]);
    let out = roam(&["dry-run", "-f", &f, "-o", "yaml"]);
    let s = text(&out.stdout);
    assert_eq!(s.matches("---\n").count(), 2, "{s}");
}

#[test]
fn dry_run_errors_name_app_component_and_path() {
    let bad = APP
        .replace("type: webservice", "type: webservise")
        .replace("replicas: 2", "replicas: two");
    let f = temp_file("bad.yaml", &bad);
    let out = roam(&["dry-run", "-f", &f]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing printed as if it succeeded");
    let e = text(&out.stderr);
    assert!(e.contains("application \"shop\", components[0] component \"web\" (type webservise): unknown component type \"webservise\"; did you mean \"webservice\"?"), "{e}");

    let bad = APP.replace("replicas: 2", "replicas: two");
    let f = temp_file("bad2.yaml", &bad);
    let e = text(&roam(&["dry-run", "-f", &f]).stderr);
    assert!(e.contains("Parameter errors:\n    components[0].traits[0].properties.replicas: expected int, got \"two\""), "{e}");

    let f = temp_file(
        "bad3.yaml",
        "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: {name: x}\nspec:\n  components:\n    - name: a\n      type: [\n",
    );
    let out = roam(&["dry-run", "-f", &f]);
    assert_eq!(out.status.code(), Some(1));
    let e = text(&out.stderr);
    assert!(e.contains("bad3.yaml") && e.contains("line 7"), "{e}");

    let f = temp_file(
        "bad4.yaml",
        "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: {name: x}\nspec:\n  components:\n    - name: a\n",
    );
    let e = text(&roam(&["dry-run", "-f", &f]).stderr);
    assert!(e.contains("spec.components[0].type: required"), "{e}");
}

#[test]
fn trait_capability_checks_fail_before_rendering() {
    let app = "apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: {name: jobs}
spec:
  components:
    - name: once
      type: task
      properties: {image: busybox}
      traits:
        - type: scaler
";
    let f = temp_file("cap.yaml", app);
    let out = roam(&["dry-run", "-f", &f]);
    assert_eq!(out.status.code(), Some(1));
    let e = text(&out.stderr);
    assert!(e.contains("trait \"scaler\" does not apply to component \"once\" of type \"task\" (workload jobs.batch)"), "{e}");
}

#[test]
fn lists_and_show() {
    let out = roam(&["components"]);
    let s = text(&out.stdout);
    assert!(
        s.contains("webservice") && s.contains("apps/v1.Deployment"),
        "{s}"
    );
    let s = text(&roam(&["traits", "-o", "json"]).stdout);
    let v: serde_json::Value = serde_json::from_str(&s).unwrap();
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["metadata"]["name"] == "scaler")
    );
    let out = roam(&["show", "scaler"]);
    let s = text(&out.stdout);
    assert!(
        s.contains("replicas") && s.contains("int") && s.contains("Example:"),
        "{s}"
    );
    let s = text(&roam(&["show", "webservice", "--format", "markdown"]).stdout);
    assert!(s.starts_with("# webservice\n"), "{s}");
    assert!(s.contains("| `image` | `string` | yes |"), "{s}");
    let out = roam(&["show", "scalr"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("did you mean scaler"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn def_render_get_vet_and_test() {
    let def = "crates/roam-cli/tests/render/scaler-x.cue";
    let out = roam(&["def", "render", def]);
    let s = text(&out.stdout);
    assert!(
        s.contains("kind: TraitDefinition\n") && s.contains("  name: scaler-x\n"),
        "{s}"
    );
    let out = roam(&["def", "vet", def]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = roam(&["def", "get", "scaler"]);
    let s = text(&out.stdout);
    assert!(s.starts_with("scaler: {\n"), "{s}");
    assert!(s.contains("template: {\n"), "{s}");

    let out = roam(&["def", "test", def]);
    assert_eq!(out.status.code(), Some(1), "one case fails on purpose");
    let s = text(&out.stdout);
    assert!(s.contains("3 cases, 2 passed, 1 failed"), "{s}");
    assert!(s.contains("  ok    replicas default to 1\n"), "{s}");
    assert!(s.contains("  FAIL  a worker is not a deployment... but it is\n        - Deployment (any name): spec.replicas: expected 3, got 2\n"), "{s}");
}

#[test]
fn def_init_prints_a_def_file_that_renders() {
    let out = roam(&[
        "def",
        "init",
        "my-comp",
        "-t",
        "component",
        "--desc",
        "Mine.",
    ]);
    let s = text(&out.stdout);
    let f = temp_file("my-comp.cue", &s);
    let out = roam(&["def", "vet", &f]);
    assert!(out.status.success(), "{s}\n{}", text(&out.stderr));
    let out = roam(&["def", "render", &f, "-o", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "ComponentDefinition");
    assert_eq!(
        v["metadata"]["annotations"]["definition.oam.dev/description"],
        "Mine."
    );
}

#[test]
fn install_prints_crds() {
    let out = roam(&["install", "--print-crds"]);
    let s = text(&out.stdout);
    assert_eq!(
        s.matches("kind: CustomResourceDefinition\n").count(),
        11,
        "{s}"
    );
    assert!(s.contains("  name: applications.core.oam.dev\n"));
}
