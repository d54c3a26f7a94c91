//! Application-model commands that need no cluster: `roam dry-run`,
//! `roam components|traits|policies|workflow-steps`, `roam show`, and
//! `roam def init|render|vet|get|list`.

use std::path::Path;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use comfy_table::{ContentArrangement, Table, presets};
use roam_api::Application;
use roam_render::deffile::{def_file_to_object, object_to_def_file};
use roam_render::yaml::{parse_documents, to_k8s_yaml};
use roam_render::{DefKind, Definition, Registry, RenderedApp, Renderer, Target, TemplateCache};
use serde_json::{Value, json};

/// Output formats of the rendering commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// KubeVela's dry-run layout (commented YAML blocks).
    Text,
    /// A YAML stream of the objects.
    Yaml,
    /// A `v1` `List` of the objects as JSON.
    Json,
}

#[derive(Args)]
pub struct DryRunArgs {
    /// Application file(s) (YAML or JSON). Standalone Policy/Workflow
    /// objects may accompany the application.
    #[arg(short = 'f', long = "file", default_value = "app.yaml")]
    pub files: Vec<String>,
    /// Definition files or directories (def-file `.cue`, or YAML objects),
    /// used before the built-in definitions.
    #[arg(short = 'd', long = "definition")]
    pub defs: Vec<String>,
    /// Use no cluster: only built-in and `-d` definitions (the only mode today).
    #[arg(long)]
    pub offline: bool,
    /// Merge standalone Policy/Workflow objects into the application without warnings.
    #[arg(long)]
    pub merge: bool,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = Output::Text)]
    pub output: Output,
    /// `context.clusterVersion` to render for (`1.32`).
    #[arg(long = "cluster-version", default_value = "1.32")]
    pub cluster_version: String,
}

#[derive(Args)]
pub struct ListArgs {
    /// Extra definition files or directories.
    #[arg(short = 'd', long = "definition")]
    pub defs: Vec<String>,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = ListOutput::Table)]
    pub output: ListOutput,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListOutput {
    Table,
    Json,
    Yaml,
}

#[derive(Args)]
pub struct ShowArgs {
    /// The definition name (`webservice`, `scaler`, …).
    pub name: String,
    /// Extra definition files or directories.
    #[arg(short = 'd', long = "definition")]
    pub defs: Vec<String>,
    /// Output format.
    #[arg(long = "format", value_enum, default_value_t = ShowFormat::Table)]
    pub format: ShowFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    Table,
    Markdown,
}

#[derive(Subcommand)]
pub enum DefCommand {
    /// Print a new def file for a definition of the given type.
    Init {
        name: String,
        /// component, trait, policy or workflow-step.
        #[arg(short = 't', long = "type")]
        type_: String,
        /// One-line description.
        #[arg(long = "desc", default_value = "")]
        desc: String,
    },
    /// Convert a def file (CUE) to its Kubernetes object (YAML or JSON).
    Render {
        file: String,
        #[arg(short = 'o', long = "output", value_enum, default_value_t = ListOutput::Yaml)]
        output: ListOutput,
    },
    /// Check def files: header, template syntax, compilation, evaluation.
    Vet {
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// Print a definition (built-in or from -d) as a def file.
    Get {
        name: String,
        /// component, trait, policy or workflow-step (needed when a name is ambiguous).
        #[arg(short = 't', long = "type")]
        type_: Option<String>,
        #[arg(short = 'd', long = "definition")]
        defs: Vec<String>,
    },
    /// Run a definition's unit tests: cases in `<def>.test.yaml` next to
    /// the def file (app snippet → expected objects, or expected error).
    Test {
        /// Def files (`.cue`); their `.test.yaml` files hold the cases.
        #[arg(required = true)]
        files: Vec<String>,
        /// Other definitions the cases need (files or directories).
        #[arg(short = 'd', long = "definition")]
        defs: Vec<String>,
    },
    /// Apply definitions (def files or YAML) to a cluster with server-side apply.
    Apply {
        #[arg(required = true)]
        files: Vec<String>,
        /// Namespace of the definitions.
        #[arg(short = 'n', long = "namespace", default_value = "vela-system")]
        namespace: String,
        /// Kubeconfig (default: $KUBECONFIG, then ~/.kube/config).
        #[arg(long)]
        kubeconfig: Option<std::path::PathBuf>,
        /// Print what would be applied; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Delete a definition from a cluster.
    Del {
        name: String,
        /// component, trait, policy or workflow-step.
        #[arg(short = 't', long = "type")]
        type_: String,
        #[arg(short = 'n', long = "namespace", default_value = "vela-system")]
        namespace: String,
        #[arg(long)]
        kubeconfig: Option<std::path::PathBuf>,
    },
    /// List definitions (built-in and from -d).
    List {
        #[arg(short = 't', long = "type")]
        type_: Option<String>,
        #[arg(short = 'd', long = "definition")]
        defs: Vec<String>,
    },
}

/// Built-in definitions with `-d` files and directories layered on top.
pub fn load_registry(defs: &[String]) -> Result<Registry, String> {
    let mut r = Registry::new();
    for d in defs {
        let p = Path::new(d);
        let mut files = Vec::new();
        if p.is_dir() {
            collect_files(p, &mut files).map_err(|e| format!("{d}: {e}"))?;
            files.sort();
        } else {
            files.push(p.to_path_buf());
        }
        for f in files {
            let name = f.display().to_string();
            let text = std::fs::read_to_string(&f).map_err(|e| format!("{name}: {e}"))?;
            r.add_source(&name, &text).map_err(|e| e.to_string())?;
        }
    }
    Ok(r.layered_over(Registry::builtin()))
}

fn collect_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            collect_files(&p, out)?;
        } else if p
            .extension()
            .is_some_and(|x| x == "cue" || x == "yaml" || x == "yml" || x == "json")
        {
            out.push(p);
        }
    }
    Ok(())
}

/// Reads the application (and notes standalone objects) from `-f` files.
fn read_app(files: &[String], merge: bool) -> Result<Application, String> {
    let (file, i, doc) = read_app_doc(files, merge)?;
    serde_json::from_value(doc).map_err(|e| format!("{file}: document {i}: {e}"))
}

/// The application document of `-f` files, shape-checked: (file, document
/// index, document).
pub fn read_app_doc(files: &[String], merge: bool) -> Result<(String, usize, Value), String> {
    let mut apps = Vec::new();
    for f in files {
        let text = if f == "-" {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
                .map_err(|e| format!("stdin: {e}"))?;
            s
        } else {
            std::fs::read_to_string(f).map_err(|e| format!("{f}: {e}"))?
        };
        for (i, doc) in parse_documents(f, &text)
            .map_err(|e| e.to_string())?
            .into_iter()
            .enumerate()
        {
            if doc.is_null() {
                continue;
            }
            let kind = doc.get("kind").and_then(Value::as_str).unwrap_or("");
            match kind {
                "Application" => apps.push((f.clone(), i, doc)),
                "Policy" | "Workflow" if !merge => {
                    let name = doc
                        .pointer("/metadata/name")
                        .and_then(Value::as_str)
                        .unwrap_or("?");
                    eprintln!(
                        "WARNING: {} {name} not referenced by application\n",
                        kind.to_lowercase()
                    );
                }
                "Policy" | "Workflow" => {}
                other => {
                    return Err(format!(
                        "{f}: document {i}: kind {other:?}; expected an Application (core.oam.dev/v1beta1)"
                    ));
                }
            }
        }
    }
    let (file, i, doc) = match apps.len() {
        0 => return Err(format!("no Application in {}", files.join(", "))),
        1 => apps.pop().expect("one app"),
        n => {
            return Err(format!("{n} Applications given; one at a time, please"));
        }
    };
    validate_app_shape(&doc).map_err(|e| format!("{file}: document {i}: {e}"))?;
    serde_json::from_value::<Application>(doc.clone())
        .map_err(|e| format!("{file}: document {i}: {e}"))?;
    Ok((file, i, doc))
}

/// Shape checks with paths, before serde (whose messages have none).
fn validate_app_shape(doc: &Value) -> Result<(), String> {
    let api = doc.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    if api != "core.oam.dev/v1beta1" {
        return Err(format!(
            "apiVersion: expected \"core.oam.dev/v1beta1\", got {api:?}"
        ));
    }
    if doc
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        return Err("metadata.name: required".into());
    }
    let comps = doc
        .pointer("/spec/components")
        .ok_or("spec.components: required (a list of components)")?;
    let comps = comps.as_array().ok_or("spec.components: expected a list")?;
    for (i, c) in comps.iter().enumerate() {
        for f in ["name", "type"] {
            match c.get(f) {
                Some(Value::String(s)) if !s.is_empty() => {}
                Some(other) => {
                    return Err(format!(
                        "spec.components[{i}].{f}: expected a string, got {other}"
                    ));
                }
                None => return Err(format!("spec.components[{i}].{f}: required")),
            }
        }
        if let Some(ts) = c.get("traits") {
            let ts = ts
                .as_array()
                .ok_or(format!("spec.components[{i}].traits: expected a list"))?;
            for (j, t) in ts.iter().enumerate() {
                if !t.get("type").is_some_and(Value::is_string) {
                    return Err(format!(
                        "spec.components[{i}].traits[{j}].type: required (a string)"
                    ));
                }
            }
        }
    }
    Ok(())
}

fn parse_cluster_version(s: &str) -> Result<roam_render::ClusterVersion, String> {
    let t = s.trim_start_matches('v');
    let mut parts = t.split('.');
    let major = parts.next().unwrap_or("1").to_string();
    let minor: i64 = parts
        .next()
        .and_then(|m| m.trim_end_matches('+').parse().ok())
        .ok_or_else(|| format!("--cluster-version {s:?}: expected MAJOR.MINOR, e.g. 1.32"))?;
    Ok(roam_render::ClusterVersion {
        git_version: format!("v{major}.{minor}.0"),
        major,
        minor,
        platform: "linux/amd64".into(),
    })
}

pub fn dry_run(a: DryRunArgs) -> Result<ExitCode, String> {
    let registry = load_registry(&a.defs)?;
    let app = read_app(&a.files, a.merge)?;
    let cache = TemplateCache::new();
    let target = Target {
        cluster: "local".into(),
        cluster_version: parse_cluster_version(&a.cluster_version)?,
        ..Target::default()
    };
    let blocks = roam_render::dryrun::dry_run(&Renderer::new(&registry, &cache), &app, &target)
        .map_err(|e| e.to_string())?;
    let out = match a.output {
        Output::Text => roam_render::dryrun::dry_run_blocks_text(&blocks),
        Output::Yaml => {
            let mut s = String::new();
            for o in blocks.iter().flat_map(|(_, r)| objects(r)) {
                s.push_str("---\n");
                s.push_str(&to_k8s_yaml(o));
            }
            s
        }
        Output::Json => {
            let items: Vec<Value> = blocks
                .iter()
                .flat_map(|(_, r)| objects(r))
                .cloned()
                .collect();
            let mut s = serde_json::to_string_pretty(
                &json!({"apiVersion": "v1", "kind": "List", "items": items}),
            )
            .map_err(|e| e.to_string())?;
            s.push('\n');
            s
        }
    };
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn objects(r: &RenderedApp) -> impl Iterator<Item = &Value> {
    r.components
        .iter()
        .flat_map(|c| c.workload.iter().chain(c.objects.iter().map(|o| &o.object)))
}

pub fn list(kind: DefKind, a: ListArgs) -> Result<ExitCode, String> {
    let registry = load_registry(&a.defs)?;
    let defs: Vec<_> = registry.list(kind).collect();
    match a.output {
        ListOutput::Json | ListOutput::Yaml => {
            let items: Vec<Value> = defs.iter().map(|d| d.object.clone()).collect();
            let list = json!({"apiVersion": "v1", "kind": "List", "items": items});
            if a.output == ListOutput::Json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&list).map_err(|e| e.to_string())?
                );
            } else {
                print!("{}", to_k8s_yaml(&list));
            }
        }
        ListOutput::Table => {
            let mut t = plain_table();
            let mut header = vec!["NAME", "DEFINITION"];
            if kind == DefKind::Trait {
                header.extend(["APPLIES-TO", "CONFLICTS-WITH"]);
            }
            header.push("DESCRIPTION");
            t.set_header(header);
            for d in defs {
                let mut row = vec![d.name.clone(), definition_column(d)];
                if kind == DefKind::Trait {
                    row.push(if d.applies_to_workloads.is_empty() {
                        "*".into()
                    } else {
                        d.applies_to_workloads.join(",")
                    });
                    row.push(d.conflicts_with.join(","));
                }
                row.push(d.description().to_string());
                t.add_row(row);
            }
            println!("{t}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn definition_column(d: &Definition) -> String {
    match d.kind {
        DefKind::Component => {
            if let Some(g) = &d.workload.definition {
                format!("{}.{}", g.api_version, g.kind)
            } else if !d.workload.type_.is_empty() {
                d.workload.type_.clone()
            } else {
                "-".into()
            }
        }
        _ => d
            .source
            .to_string()
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_string(),
    }
}

fn plain_table() -> Table {
    let mut t = Table::new();
    t.load_preset(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled);
    t
}

pub fn show(a: ShowArgs) -> Result<ExitCode, String> {
    let registry = load_registry(&a.defs)?;
    let d = DefKind::ALL
        .into_iter()
        .find_map(|k| registry.get(k, &a.name))
        .ok_or_else(|| {
            let mut hints = Vec::new();
            for k in [
                DefKind::Component,
                DefKind::Trait,
                DefKind::Policy,
                DefKind::WorkflowStep,
            ] {
                hints.extend(registry.suggest(k, &a.name));
            }
            if hints.is_empty() {
                format!(
                    "no definition named {:?} (see `roam components`, `roam traits`)",
                    a.name
                )
            } else {
                format!(
                    "no definition named {:?}; did you mean {}?",
                    a.name,
                    hints.join(", ")
                )
            }
        })?;
    let params = d
        .template
        .as_deref()
        .map(roam_render::schema::parameters)
        .unwrap_or_default();
    let md = a.format == ShowFormat::Markdown;
    let mut s = String::new();
    if md {
        s.push_str(&format!("# {}\n\n{}\n\n", d.name, d.description()));
        s.push_str(&format!("- kind: {}\n", d.kind.object_kind()));
        if d.kind == DefKind::Trait {
            let to = if d.applies_to_workloads.is_empty() {
                "*".into()
            } else {
                d.applies_to_workloads.join(", ")
            };
            s.push_str(&format!("- applies to: {to}\n"));
            if !d.conflicts_with.is_empty() {
                s.push_str(&format!(
                    "- conflicts with: {}\n",
                    d.conflicts_with.join(", ")
                ));
            }
        }
        s.push_str("\n## Parameters\n\n| name | type | required | default | description |\n| --- | --- | --- | --- | --- |\n");
        for p in &params {
            s.push_str(&format!(
                "| `{}` | `{}` | {} | {} | {} |\n",
                p.name,
                p.type_.replace('|', "\\|"),
                if p.required { "yes" } else { "no" },
                p.default
                    .as_deref()
                    .map(|d| format!("`{d}`"))
                    .unwrap_or_default(),
                p.usage.replace('|', "\\|")
            ));
        }
        s.push_str("\n## Example\n\n```yaml\n");
        s.push_str(&example_app(d, &params));
        s.push_str("```\n");
    } else {
        s.push_str(&format!(
            "{} ({}): {}\n\n",
            d.name,
            d.kind.object_kind(),
            d.description()
        ));
        let mut t = plain_table();
        t.set_header(["NAME", "TYPE", "REQUIRED", "DEFAULT", "DESCRIPTION"]);
        for p in &params {
            t.add_row([
                p.name.clone(),
                p.type_.clone(),
                if p.required {
                    "true".into()
                } else {
                    "false".into()
                },
                p.default.clone().unwrap_or_default(),
                p.usage.clone(),
            ]);
        }
        s.push_str(&t.to_string());
        s.push_str("\n\nExample:\n");
        s.push_str(&example_app(d, &params));
    }
    print!("{s}");
    Ok(ExitCode::SUCCESS)
}

/// A minimal application using the definition with its required parameters.
fn example_app(d: &Definition, params: &[roam_render::schema::Param]) -> String {
    let mut props = serde_json::Map::new();
    for p in params
        .iter()
        .filter(|p| p.required && !p.name.contains('.') && !p.name.contains('['))
    {
        let v = match p.type_.as_str() {
            "int" | "number" | "float" => json!(1),
            "bool" => json!(true),
            t if t.starts_with('[') => json!([]),
            t if t.starts_with('{') => json!({}),
            _ => json!(format!("<{}>", p.name)),
        };
        props.insert(p.name.clone(), v);
    }
    let props = Value::Object(props);
    let comp = match d.kind {
        DefKind::Trait => {
            json!({"name": "my-comp", "type": "webservice", "properties": {"image": "nginx"}, "traits": [{"type": d.name, "properties": props}]})
        }
        DefKind::Component | DefKind::Workload => {
            json!({"name": "my-comp", "type": d.name, "properties": props})
        }
        DefKind::Policy => {
            return to_k8s_yaml(
                &json!({"apiVersion": "core.oam.dev/v1beta1", "kind": "Application", "metadata": {"name": "my-app"}, "spec": {"components": [{"name": "my-comp", "type": "webservice", "properties": {"image": "nginx"}}], "policies": [{"name": format!("my-{}", d.name), "type": d.name, "properties": props}]}}),
            );
        }
        DefKind::WorkflowStep => {
            return to_k8s_yaml(
                &json!({"apiVersion": "core.oam.dev/v1beta1", "kind": "Application", "metadata": {"name": "my-app"}, "spec": {"components": [{"name": "my-comp", "type": "webservice", "properties": {"image": "nginx"}}], "workflow": {"steps": [{"name": "step-1", "type": d.name, "properties": props}]}}}),
            );
        }
    };
    to_k8s_yaml(
        &json!({"apiVersion": "core.oam.dev/v1beta1", "kind": "Application", "metadata": {"name": "my-app"}, "spec": {"components": [comp]}}),
    )
}

/// A `--type` value.
fn kind_arg(t: &str) -> Result<DefKind, String> {
    DefKind::from_def_type(t)
        .ok_or_else(|| format!("--type {t:?}: expected component, trait, policy or workflow-step"))
}

/// The kinds a `--type` option selects: that one, or all when absent.
fn kinds_arg(t: Option<&str>) -> Result<Vec<DefKind>, String> {
    match t {
        Some(t) => Ok(vec![kind_arg(t)?]),
        None => Ok(DefKind::ALL.to_vec()),
    }
}

pub fn def(cmd: DefCommand) -> Result<ExitCode, String> {
    match cmd {
        DefCommand::Init { name, type_, desc } => {
            let kind = kind_arg(&type_)?;
            let body = match kind {
                DefKind::Component => {
                    "\toutput: {\n\t\tapiVersion: \"apps/v1\"\n\t\tkind:       \"Deployment\"\n\t\tspec: {\n\t\t\tselector: matchLabels: \"app.oam.dev/component\": context.name\n\t\t\ttemplate: {\n\t\t\t\tmetadata: labels: \"app.oam.dev/component\": context.name\n\t\t\t\tspec: containers: [{\n\t\t\t\t\tname:  context.name\n\t\t\t\t\timage: parameter.image\n\t\t\t\t}]\n\t\t\t}\n\t\t}\n\t}\n\tparameter: {\n\t\t// +usage=Container image to run\n\t\timage: string\n\t}\n"
                }
                DefKind::Trait => "\tpatch: {}\n\tparameter: {}\n",
                _ => "\tparameter: {}\n",
            };
            let attributes = match kind {
                DefKind::Component => {
                    "\tattributes: workload: definition: {\n\t\tapiVersion: \"apps/v1\"\n\t\tkind:       \"Deployment\"\n\t}\n"
                }
                DefKind::Trait => {
                    "\tattributes: {\n\t\tappliesToWorkloads: [\"deployments.apps\"]\n\t\tpodDisruptive: false\n\t}\n"
                }
                _ => "\tattributes: {}\n",
            };
            let text = format!(
                "{}: {{\n\ttype: {:?}\n\tannotations: {{}}\n\tlabels: {{}}\n\tdescription: {}\n{attributes}}}\ntemplate: {{\n{body}}}\n",
                roam_render::deffile::cue_label(&name),
                kind.def_type(),
                roam_cue::golang::strconv::quote(&desc),
            );
            let text = roam_cue::syntax::format::format_source("def.cue", &text).unwrap_or(text);
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        DefCommand::Render { file, output } => {
            let text = std::fs::read_to_string(&file).map_err(|e| format!("{file}: {e}"))?;
            let obj = def_file_to_object(&file, &text).map_err(|e| e.to_string())?;
            let obj = roam_render::deffile::format_template(obj);
            match output {
                ListOutput::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&obj).map_err(|e| e.to_string())?
                ),
                _ => print!("{}", to_k8s_yaml(&obj)),
            }
            Ok(ExitCode::SUCCESS)
        }
        DefCommand::Vet { files } => {
            let mut bad = 0;
            for f in &files {
                match vet_def_file(f) {
                    Ok(name) => println!("{f}: {name} is valid"),
                    Err(e) => {
                        bad += 1;
                        eprintln!("{e}");
                    }
                }
            }
            Ok(if bad == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        DefCommand::Get { name, type_, defs } => {
            let registry = load_registry(&defs)?;
            let kinds = kinds_arg(type_.as_deref())?;
            let found: Vec<_> = kinds
                .iter()
                .filter_map(|k| registry.get(*k, &name))
                .collect();
            match found.as_slice() {
                [] => Err(format!("no definition named {name:?}")),
                [d] => {
                    print!(
                        "{}",
                        object_to_def_file(&d.object).map_err(|e| e.to_string())?
                    );
                    Ok(ExitCode::SUCCESS)
                }
                many => Err(format!(
                    "{name:?} names {} definitions ({}); choose one with --type",
                    many.len(),
                    many.iter()
                        .map(|d| d.kind.def_type())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        }
        DefCommand::Test { files, defs } => def_test(&files, &defs),
        DefCommand::Apply {
            files,
            namespace,
            kubeconfig,
            dry_run,
        } => def_apply(&files, &namespace, kubeconfig.as_deref(), dry_run),
        DefCommand::Del {
            name,
            type_,
            namespace,
            kubeconfig,
        } => def_del(&name, &type_, &namespace, kubeconfig.as_deref()),
        DefCommand::List { type_, defs } => {
            let registry = load_registry(&defs)?;
            let kinds = kinds_arg(type_.as_deref())?;
            let mut t = plain_table();
            t.set_header(["NAME", "TYPE", "SOURCE", "DESCRIPTION"]);
            for k in kinds {
                for d in registry.list(k) {
                    t.add_row([
                        d.name.clone(),
                        d.kind.object_kind().to_string(),
                        d.source.to_string(),
                        d.description().to_string(),
                    ]);
                }
            }
            println!("{t}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Parses a def file, compiles its template and evaluates it without
/// parameters (incomplete values are fine; conflicts are not).
fn vet_def_file(file: &str) -> Result<String, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
    let obj = def_file_to_object(file, &text).map_err(|e| e.to_string())?;
    let d = Definition::from_object(obj, roam_render::DefSource::File(file.into()))
        .map_err(|e| e.to_string())?;
    if let Some(t) = &d.template {
        let cache = TemplateCache::new();
        let ct = cache
            .get(&format!("{file} (template)"), t)
            .map_err(|e| format!("{file}: template: {e}"))?;
        let mut inst = ct.program.instance();
        let root = inst.root;
        if let Err(e) = inst.validate(root) {
            return Err(format!("{file}: template: {e}"));
        }
    }
    Ok(format!("{} {}", d.kind.def_type(), d.name))
}

fn def_test(files: &[String], defs: &[String]) -> Result<ExitCode, String> {
    let mut failed = 0;
    let mut total = 0;
    for f in files {
        let stem = f.strip_suffix(".cue").unwrap_or(f);
        let test_path = format!("{stem}.test.yaml");
        let test_text = std::fs::read_to_string(&test_path)
            .map_err(|e| format!("{test_path}: {e} (test cases for {f} live in {test_path})"))?;
        let doc = parse_documents(&test_path, &test_text)
            .map_err(|e| e.to_string())?
            .into_iter()
            .next()
            .unwrap_or(Value::Null);
        let cases: roam_render::deftest::TestFile =
            serde_json::from_value(doc).map_err(|e| format!("{test_path}: {e}"))?;
        let mut registry = load_registry(defs)?;
        let text = std::fs::read_to_string(f).map_err(|e| format!("{f}: {e}"))?;
        registry.add_source(f, &text).map_err(|e| e.to_string())?;
        let cache = TemplateCache::new();
        let results = roam_render::deftest::run_cases(&Renderer::new(&registry, &cache), &cases);
        let bad = results.iter().filter(|r| !r.passed()).count();
        println!(
            "{f}: {} cases, {} passed, {bad} failed",
            results.len(),
            results.len() - bad
        );
        for r in &results {
            if r.passed() {
                println!("  ok    {}", r.name);
            } else {
                println!("  FAIL  {}", r.name);
                for p in &r.problems {
                    for (i, line) in p.lines().enumerate() {
                        println!("{}{line}", if i == 0 { "        - " } else { "          " });
                    }
                }
            }
        }
        failed += bad;
        total += results.len();
    }
    if files.len() > 1 {
        println!("{total} cases, {} passed, {failed} failed", total - failed);
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `roam install --print-crds`: the CRDs of the application model.
pub fn print_crds() -> Result<ExitCode, String> {
    let mut out = String::new();
    for crd in roam_api::crds() {
        out.push_str("---\n");
        out.push_str(&to_k8s_yaml(
            &serde_json::to_value(crd).map_err(|e| e.to_string())?,
        ));
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

pub fn api_resource(kind: DefKind) -> kube::discovery::ApiResource {
    let plural = match kind {
        DefKind::Component => "componentdefinitions",
        DefKind::Trait => "traitdefinitions",
        DefKind::Policy => "policydefinitions",
        DefKind::WorkflowStep => "workflowstepdefinitions",
        DefKind::Workload => "workloaddefinitions",
    };
    kube::discovery::ApiResource {
        group: roam_api::GROUP.into(),
        version: "v1beta1".into(),
        api_version: format!("{}/v1beta1", roam_api::GROUP),
        kind: kind.object_kind().into(),
        plural: plural.into(),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

fn cluster_error(kind: DefKind, e: kube::Error) -> String {
    match &e {
        kube::Error::Api(s)
            if s.code == 404
                && s.reason == "NotFound"
                && s.message
                    .contains("the server could not find the requested resource") =>
        {
            format!(
                "the cluster does not serve {}/v1beta1 {}; install roam's CRDs first: roam install (or roam install --print-crds | kubectl apply -f -)",
                roam_api::GROUP,
                kind.object_kind()
            )
        }
        _ => e.to_string(),
    }
}

fn def_apply(
    files: &[String],
    namespace: &str,
    kubeconfig: Option<&Path>,
    dry_run: bool,
) -> Result<ExitCode, String> {
    // Read and check everything first: nothing is applied if any file is bad.
    let mut objects = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(f).map_err(|e| format!("{f}: {e}"))?;
        if f.ends_with(".cue") {
            objects.push((
                f.clone(),
                def_file_to_object(f, &text).map_err(|e| e.to_string())?,
            ));
        } else {
            for doc in parse_documents(f, &text).map_err(|e| e.to_string())? {
                if !doc.is_null() {
                    objects.push((f.clone(), doc));
                }
            }
        }
    }
    let mut planned = Vec::new();
    for (f, mut obj) in objects {
        let d = Definition::from_object(obj.clone(), roam_render::DefSource::File(f.clone()))
            .map_err(|e| e.to_string())?;
        if let Some(t) = &d.template {
            TemplateCache::new()
                .get(&format!("{f} (template)"), t)
                .map_err(|e| format!("{f}: template of {} {}: {e}", d.kind.def_type(), d.name))?;
        }
        obj["metadata"]["namespace"] = json!(namespace);
        planned.push((d.kind, d.name.clone(), obj));
    }
    if dry_run {
        for (_, _, obj) in &planned {
            print!("---\n{}", to_k8s_yaml(obj));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let rt = runtime()?;
    rt.block_on(async {
        let client = roam_apiserver::simulator::client_from_kubeconfig(kubeconfig, None).await?;
        // The namespace is created if missing (vela-system on a fresh cluster).
        let ns_res = kube::discovery::ApiResource {
            group: String::new(),
            version: "v1".into(),
            api_version: "v1".into(),
            kind: "Namespace".into(),
            plural: "namespaces".into(),
        };
        let nss: kube::Api<kube::api::DynamicObject> = kube::Api::all_with(client.clone(), &ns_res);
        if nss
            .get_opt(namespace)
            .await
            .map_err(|e| e.to_string())?
            .is_none()
        {
            let ns =
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}});
            nss.patch(
                namespace,
                &kube::api::PatchParams::apply("roam"),
                &kube::api::Patch::Apply(&ns),
            )
            .await
            .map_err(|e| format!("creating namespace {namespace}: {e}"))?;
        }
        for (kind, name, obj) in planned {
            let api: kube::Api<kube::api::DynamicObject> =
                kube::Api::namespaced_with(client.clone(), namespace, &api_resource(kind));
            let pp = kube::api::PatchParams::apply("roam").force();
            api.patch(&name, &pp, &kube::api::Patch::Apply(&obj))
                .await
                .map_err(|e| cluster_error(kind, e))?;
            println!(
                "{} {name} applied in namespace {namespace}",
                kind.object_kind()
            );
        }
        Ok::<_, String>(())
    })?;
    Ok(ExitCode::SUCCESS)
}

fn def_del(
    name: &str,
    type_: &str,
    namespace: &str,
    kubeconfig: Option<&Path>,
) -> Result<ExitCode, String> {
    let kind = kind_arg(type_)?;
    let rt = runtime()?;
    rt.block_on(async {
        let client = roam_apiserver::simulator::client_from_kubeconfig(kubeconfig, None).await?;
        let api: kube::Api<kube::api::DynamicObject> =
            kube::Api::namespaced_with(client, namespace, &api_resource(kind));
        match api.delete(name, &Default::default()).await {
            Ok(_) => {
                println!(
                    "{} {name} deleted from namespace {namespace}",
                    kind.object_kind()
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(kube::Error::Api(s)) if s.code == 404 => Err(format!(
                "{} {name:?} not found in namespace {namespace}",
                kind.object_kind()
            )),
            Err(e) => Err(cluster_error(kind, e)),
        }
    })
}
