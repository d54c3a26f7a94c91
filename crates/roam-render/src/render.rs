//! Application + definitions → manifests.
//!
//! Per component (KubeVela's order): evaluate the component template
//! (`output` is the workload, `outputs.<name>` auxiliaries), then each trait
//! in list order with `context.output` = the workload so far and
//! `context.outputs` = the auxiliaries so far: its `outputs` are appended,
//! its `patch` merged into the workload, its `patchOutputs` into the named
//! auxiliaries. Then the OAM contract (names, namespaces, labels,
//! annotations, `workloadRefPath`). Pure: no I/O, no clock.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use roam_api::{Application, ApplicationComponent, labels as L};
use roam_cue::eval::{ErrCode, ExportError, FieldFilter, Instance, Step};
use serde_json::{Map, Value, json};

use crate::cache::{CompiledTemplate, TemplateCache};
use crate::definition::{DefKind, Definition, WorkloadInfo};
use crate::patch::{ElementConstraints, PatchError, PatchStep, apply_patch, apply_patch_with};
use crate::registry::Registry;

/// `context.clusterVersion`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterVersion {
    pub major: String,
    pub minor: i64,
    pub git_version: String,
    pub platform: String,
}

impl Default for ClusterVersion {
    fn default() -> Self {
        ClusterVersion {
            major: "1".into(),
            minor: 32,
            git_version: "v1.32.0".into(),
            platform: "linux/amd64".into(),
        }
    }
}

/// Where and as what the application is rendered.
#[derive(Clone, Debug)]
pub struct Target {
    /// `context.cluster` (`local` for the hub).
    pub cluster: String,
    /// Namespace override (placement); default: the app's namespace, else
    /// `default`.
    pub namespace: Option<String>,
    pub cluster_version: ClusterVersion,
    /// `<app>-v<N>`; empty in dry-run.
    pub app_revision: String,
    pub app_revision_num: i64,
    /// `context.replicaKey` (replication policy).
    pub replica_key: String,
}

impl Default for Target {
    fn default() -> Self {
        Target {
            cluster: "local".into(),
            namespace: None,
            cluster_version: ClusterVersion::default(),
            app_revision: String::new(),
            app_revision_num: 0,
            replica_key: String::new(),
        }
    }
}

/// Where a rendered object came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The component's `output`.
    Workload,
    /// The component's `outputs.<name>`.
    Auxiliary { name: String },
    /// A trait's `outputs.<name>`.
    Trait { trait_type: String, name: String },
}

/// One rendered object.
#[derive(Clone, Debug, PartialEq)]
pub struct RenderedObject {
    pub object: Value,
    pub origin: Origin,
}

/// A rendered component.
#[derive(Clone, Debug, PartialEq)]
pub struct RenderedComponent {
    pub name: String,
    pub type_: String,
    /// The workload (`output`), if the template has one.
    pub workload: Option<Value>,
    /// The trait that manages the workload (`manageWorkload`): then the
    /// workload is not applied by the component.
    pub workload_managed_by: Option<String>,
    /// Auxiliary and trait objects, in render order.
    pub objects: Vec<RenderedObject>,
    /// The parameter the component was rendered with.
    pub parameter: Option<Value>,
}

/// A rendered application.
#[derive(Clone, Debug, PartialEq)]
pub struct RenderedApp {
    pub name: String,
    pub namespace: String,
    pub components: Vec<RenderedComponent>,
}

/// What went wrong rendering one component or trait.
#[derive(Clone, Debug, PartialEq)]
pub enum ErrorKind {
    /// No definition of that type.
    UnknownType {
        kind: DefKind,
        name: String,
        suggestions: Vec<String>,
        available: Vec<String>,
    },
    /// The definition has no CUE template, or the template does not compile.
    BadDefinition { definition: String, message: String },
    /// `properties` is not an object.
    BadProperties { message: String },
    /// The template rejected the input or failed: user errors (`errs`),
    /// parameter errors and template errors, each as `path: message`.
    Invalid {
        user: Vec<String>,
        parameter: Vec<String>,
        template: Vec<String>,
    },
    /// A trait's patch does not fit.
    Patch { target: String, error: PatchError },
    /// A capability rule (`appliesToWorkloads`, `conflictsWith`) is broken.
    Capability { message: String },
}

/// An error, located in the application.
#[derive(Clone, Debug, PartialEq)]
pub struct RenderError {
    pub app: String,
    /// `components[0]` or `components[0].traits[1]`.
    pub at: String,
    /// `component "web" (type webservice)` or `trait scaler`.
    pub what: String,
    pub kind: ErrorKind,
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "application {:?}, {} {}: ", self.app, self.at, self.what)?;
        match &self.kind {
            ErrorKind::UnknownType {
                kind,
                name,
                suggestions,
                available,
            } => {
                write!(f, "unknown {} {name:?}", kind.noun())?;
                if let Some(s) = suggestions.first() {
                    write!(f, "; did you mean {s:?}?")?;
                }
                if available.is_empty() {
                    write!(f, " (no {}s are installed)", kind.noun())
                } else {
                    write!(f, "\n  available: {}", available.join(", "))
                }
            }
            ErrorKind::BadDefinition {
                definition,
                message,
            } => {
                write!(f, "definition {definition} is broken: {message}")
            }
            ErrorKind::BadProperties { message } => f.write_str(message),
            ErrorKind::Invalid {
                user,
                parameter,
                template,
            } => {
                f.write_str("validation failed")?;
                for (title, list) in [
                    ("User errors", user),
                    ("Parameter errors", parameter),
                    ("Template errors", template),
                ] {
                    if !list.is_empty() {
                        write!(f, "\n  {title}:")?;
                        for e in list {
                            for (i, line) in e.lines().enumerate() {
                                let pad = if i == 0 { "    " } else { "      " };
                                write!(f, "\n{pad}{line}")?;
                            }
                        }
                    }
                }
                Ok(())
            }
            ErrorKind::Patch { target, error } => {
                write!(f, "cannot patch {target}: {error}")
            }
            ErrorKind::Capability { message } => f.write_str(message),
        }
    }
}

impl std::error::Error for RenderError {}

/// Every error of a render (all components are tried).
#[derive(Clone, Debug, PartialEq)]
pub struct RenderErrors(pub Vec<RenderError>);

impl fmt::Display for RenderErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RenderErrors {}

/// Renders applications with a registry and a shared template cache.
pub struct Renderer<'a> {
    pub registry: &'a Registry,
    pub cache: &'a TemplateCache,
}

/// The result of evaluating one template.
struct Evaluated {
    errs: Vec<String>,
    output: Option<Value>,
    outputs: Vec<(String, Value)>,
    patch: Option<Value>,
    patch_outputs: Vec<(String, Value)>,
}

impl<'a> Renderer<'a> {
    pub fn new(registry: &'a Registry, cache: &'a TemplateCache) -> Renderer<'a> {
        Renderer { registry, cache }
    }

    /// Renders every component of `app`. All components are rendered even
    /// when one fails; any failure makes the whole render an error.
    pub fn render_app(
        &self,
        app: &Application,
        target: &Target,
    ) -> Result<RenderedApp, RenderErrors> {
        let name = app.metadata.name.clone().unwrap_or_default();
        let namespace = target
            .namespace
            .clone()
            .or_else(|| app.metadata.namespace.clone())
            .unwrap_or_else(|| "default".into());
        let mut components = Vec::new();
        let mut errors = Vec::new();
        if let Err(e) = crate::dataflow::dependency_order(&app.spec.components) {
            errors.push(RenderError {
                app: name.clone(),
                at: e.at,
                what: "dependsOn".into(),
                kind: ErrorKind::BadProperties { message: e.message },
            });
        }
        for (i, c) in app.spec.components.iter().enumerate() {
            match self.render_component(app, i, c, &namespace, target) {
                Ok(r) => components.push(r),
                Err(e) => errors.push(*e),
            }
        }
        if errors.is_empty() {
            Ok(RenderedApp {
                name,
                namespace,
                components,
            })
        } else {
            Err(RenderErrors(errors))
        }
    }

    /// The `context` of a component template.
    pub fn component_context(
        &self,
        app: &Application,
        comp: &ApplicationComponent,
        namespace: &str,
        target: &Target,
    ) -> Map<String, Value> {
        let meta = &app.metadata;
        let mut ctx = Map::new();
        ctx.insert("name".into(), comp.name.clone().into());
        ctx.insert("namespace".into(), namespace.into());
        ctx.insert(
            "appName".into(),
            meta.name.clone().unwrap_or_default().into(),
        );
        ctx.insert("appRevision".into(), target.app_revision.clone().into());
        ctx.insert("appRevisionNum".into(), target.app_revision_num.into());
        let revision = if target.app_revision_num > 0 {
            format!("{}-v{}", comp.name, target.app_revision_num)
        } else {
            String::new()
        };
        ctx.insert("revision".into(), revision.into());
        ctx.insert(
            "components".into(),
            serde_json::to_value(&app.spec.components).unwrap_or(Value::Array(Vec::new())),
        );
        ctx.insert(
            "appLabels".into(),
            json!(meta.labels.clone().unwrap_or_default()),
        );
        ctx.insert(
            "appAnnotations".into(),
            json!(meta.annotations.clone().unwrap_or_default()),
        );
        ctx.insert("cluster".into(), target.cluster.clone().into());
        let cv = &target.cluster_version;
        ctx.insert(
            "clusterVersion".into(),
            json!({"major": cv.major, "minor": cv.minor, "gitVersion": cv.git_version, "platform": cv.platform}),
        );
        ctx.insert("replicaKey".into(), target.replica_key.clone().into());
        let annotations = meta.annotations.clone().unwrap_or_default();
        if let Some(w) = annotations.get(L::ANNO_WORKFLOW_NAME) {
            ctx.insert("workflowName".into(), w.clone().into());
        }
        if let Some(p) = annotations.get(L::ANNO_PUBLISH_VERSION) {
            ctx.insert("publishVersion".into(), p.clone().into());
        }
        ctx
    }

    /// Renders one component (`index` is its place in the app, for error
    /// locations). The controller renders component by component, with
    /// `inputs` filled from the live outputs of what it depends on.
    pub fn render_component(
        &self,
        app: &Application,
        index: usize,
        comp: &ApplicationComponent,
        namespace: &str,
        target: &Target,
    ) -> Result<RenderedComponent, Box<RenderError>> {
        let app_name = app.metadata.name.clone().unwrap_or_default();
        let at = format!("components[{index}]");
        let what = format!("component {:?} (type {})", comp.name, comp.type_);
        let fail = |kind: ErrorKind| {
            Box::new(RenderError {
                app: app_name.clone(),
                at: at.clone(),
                what: what.clone(),
                kind,
            })
        };
        let def = self
            .definition(DefKind::Component, &comp.type_)
            .map_err(&fail)?;
        let props = check_properties(comp.properties.as_ref(), &format!("{at}.properties"))
            .map_err(&fail)?;

        // Capability checks that need no rendering: conflicts between traits.
        let mut trait_defs = Vec::new();
        for (ti, t) in comp.traits.iter().enumerate() {
            let tat = format!("{at}.traits[{ti}]");
            let td = self.definition(DefKind::Trait, &t.type_).map_err(|kind| {
                Box::new(RenderError {
                    app: app_name.clone(),
                    at: tat.clone(),
                    what: format!("trait {}", t.type_),
                    kind,
                })
            })?;
            trait_defs.push(td);
        }
        check_conflicts(&trait_defs).map_err(|message| fail(ErrorKind::Capability { message }))?;

        // Built once per component; each template is given (borrowed) only
        // the fields it reads.
        let base_ctx = self.component_context(app, comp, namespace, target);
        let ct = self.compiled(&def).map_err(&fail)?;
        let ctx: Vec<(&str, &Value)> = base_ctx
            .iter()
            .filter(|(k, _)| ct.reads_context(k))
            .map(|(k, v)| (k.as_str(), v))
            .collect();
        let (ev, _) = evaluate(&ct, props, &ctx, &at, false).map_err(&fail)?;
        let mut workload = ev.output;
        let mut objects: Vec<RenderedObject> = ev
            .outputs
            .into_iter()
            .map(|(name, object)| RenderedObject {
                object,
                origin: Origin::Auxiliary { name },
            })
            .collect();

        // appliesToWorkloads, now that the workload's kind is known.
        let info = workload_info(&def, workload.as_ref());
        for (ti, td) in trait_defs.iter().enumerate() {
            if !td.applies_to(&info) {
                return Err(Box::new(RenderError {
                    app: app_name.clone(),
                    at: format!("{at}.traits[{ti}]"),
                    what: format!("trait {}", td.name),
                    kind: ErrorKind::Capability {
                        message: format!(
                            "trait {:?} does not apply to component {:?} of type {:?} (workload {}); it applies to: {}",
                            td.name,
                            comp.name,
                            comp.type_,
                            if info.resource.is_empty() {
                                info.kind.clone()
                            } else {
                                info.resource.clone()
                            },
                            td.applies_to_workloads.join(", ")
                        ),
                    },
                }));
            }
        }

        let component_type = Value::String(comp.type_.clone());
        let mut managed_by = None;
        for (ti, (t, td)) in comp.traits.iter().zip(&trait_defs).enumerate() {
            let tat = format!("{at}.traits[{ti}]");
            let tfail = |kind: ErrorKind| {
                Box::new(RenderError {
                    app: app_name.clone(),
                    at: tat.clone(),
                    what: format!("trait {}", t.type_),
                    kind,
                })
            };
            let props = check_properties(t.properties.as_ref(), &format!("{tat}.properties"))
                .map_err(&tfail)?;
            let ct = self.compiled(td).map_err(&tfail)?;
            let mut ctx: Vec<(&str, &Value)> = base_ctx
                .iter()
                .filter(|(k, _)| ct.reads_context(k))
                .map(|(k, v)| (k.as_str(), v))
                .collect();
            if ct.reads_context("componentType") {
                ctx.push(("componentType", &component_type));
            }
            if let Some(w) = &workload
                && ct.reads_context("output")
            {
                ctx.push(("output", w));
            }
            let outs;
            if ct.reads_context("outputs") {
                let mut m = Map::new();
                for o in &objects {
                    if let Origin::Auxiliary { name } | Origin::Trait { name, .. } = &o.origin {
                        m.insert(name.clone(), o.object.clone());
                    }
                }
                outs = Value::Object(m);
                ctx.push(("outputs", &outs));
            }
            let (ev, mut inst) = evaluate(&ct, props, &ctx, &tat, true).map_err(&tfail)?;
            for (name, object) in ev.outputs {
                objects.push(RenderedObject {
                    object,
                    origin: Origin::Trait {
                        trait_type: t.type_.clone(),
                        name,
                    },
                });
            }
            if let Some(p) = ev.patch {
                match &mut workload {
                    Some(w) => {
                        let root = inst.lookup(&["patch"]);
                        let mut cons = PatchConstraints {
                            inst: &mut inst,
                            root,
                        };
                        apply_patch_with(w, p, &ct.patch, &mut cons)
                    }
                    .map_err(|error| {
                        tfail(ErrorKind::Patch {
                            target: format!("the workload of component {:?}", comp.name),
                            error,
                        })
                    })?,
                    None => {
                        return Err(tfail(ErrorKind::Patch {
                            target: format!("component {:?}", comp.name),
                            error: PatchError {
                                path: String::new(),
                                message: "the component renders no workload (`output`) to patch"
                                    .into(),
                            },
                        }));
                    }
                }
            }
            for (name, p) in ev.patch_outputs {
                let dirs = ct
                    .patch_outputs
                    .sub(&[crate::patch::Seg::Field(name.clone())]);
                for o in objects.iter_mut() {
                    let matches = matches!(&o.origin, Origin::Auxiliary { name: n } | Origin::Trait { name: n, .. } if *n == name);
                    if matches {
                        apply_patch(&mut o.object, p.clone(), &dirs).map_err(|error| {
                            tfail(ErrorKind::Patch {
                                target: format!("output {name:?}"),
                                error,
                            })
                        })?;
                    }
                }
            }
            if td.manage_workload {
                managed_by = Some(td.name.clone());
            }
        }

        // The OAM contract.
        let contract = Contract::new(app, namespace, &comp.name, target);
        if let Some(w) = &mut workload {
            contract.apply(w, "WORKLOAD", Some(&comp.type_), None, None);
        }
        let workload_ref = workload.as_ref().map(|w| {
            json!({
                "apiVersion": w.get("apiVersion").cloned().unwrap_or(Value::Null),
                "kind": w.get("kind").cloned().unwrap_or(Value::Null),
                "name": w.pointer("/metadata/name").cloned().unwrap_or(Value::Null),
            })
        });
        for o in objects.iter_mut() {
            let (ttype, name) = match &o.origin {
                Origin::Auxiliary { name } => (L::AUXILIARY_WORKLOAD.to_string(), name.clone()),
                Origin::Trait { trait_type, name } => (trait_type.clone(), name.clone()),
                Origin::Workload => continue,
            };
            contract.apply(&mut o.object, "TRAIT", None, Some(&ttype), Some(&name));
            if let Origin::Trait { trait_type, .. } = &o.origin
                && let Some(td) = trait_defs.iter().find(|d| d.name == *trait_type)
                && !td.workload_ref_path.is_empty()
                && let Some(r) = &workload_ref
            {
                set_path(&mut o.object, &td.workload_ref_path, r.clone());
            }
        }
        Ok(RenderedComponent {
            name: comp.name.clone(),
            type_: comp.type_.clone(),
            workload,
            workload_managed_by: managed_by,
            objects,
            parameter: props.cloned(),
        })
    }

    fn definition(&self, kind: DefKind, name: &str) -> Result<Arc<Definition>, ErrorKind> {
        match self.registry.get(kind, name) {
            Some(d) => Ok(d.clone()),
            None => Err(ErrorKind::UnknownType {
                kind,
                name: name.to_string(),
                suggestions: self.registry.suggest(kind, name),
                available: self.registry.list(kind).map(|d| d.name.clone()).collect(),
            }),
        }
    }

    fn compiled(&self, def: &Definition) -> Result<Arc<CompiledTemplate>, ErrorKind> {
        let bad = |message: String| ErrorKind::BadDefinition {
            definition: format!("{} {:?} ({})", def.kind.object_kind(), def.name, def.source),
            message,
        };
        let text = def
            .template
            .as_ref()
            .ok_or_else(|| bad("it has no CUE template (spec.schematic.cue.template)".into()))?;
        self.cache
            .get(&format!("{}.cue", def.name), text)
            .map_err(bad)
    }
}

/// Properties must be an object (or absent).
fn check_properties<'v>(p: Option<&'v Value>, at: &str) -> Result<Option<&'v Value>, ErrorKind> {
    match p {
        None | Some(Value::Null) => Ok(None),
        Some(v @ Value::Object(_)) => Ok(Some(v)),
        Some(other) => Err(ErrorKind::BadProperties {
            message: format!("{at}: expected an object, got {}", json_kind(other)),
        }),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Evaluates a template with `parameter` and `context` and reads the
/// reserved fields. `at` is where the properties sit in the application
/// (`components[0]`), for parameter-error paths.
/// `ctx`: the `context` fields the template reads (the caller trims them
/// with [`CompiledTemplate::reads_context`]).
fn evaluate<'c>(
    ct: &'c CompiledTemplate,
    params: Option<&Value>,
    ctx: &[(&str, &Value)],
    at: &str,
    is_trait: bool,
) -> Result<(Evaluated, Instance<'c>), ErrorKind> {
    let mut inst = ct.program.instance();
    let fill_err = |e: roam_cue::eval::Bottom| ErrorKind::Invalid {
        user: Vec::new(),
        parameter: Vec::new(),
        template: vec![e.msg],
    };
    if let Some(p) = params {
        inst.fill_json(&["parameter"], p).map_err(fill_err)?;
    }
    inst.fill_json_fields(&["context"], ctx).map_err(fill_err)?;

    let mut parameter = Vec::new();
    let mut template = Vec::new();
    if let Some(pv) = inst.lookup(&["parameter"]) {
        for e in inst.errors(pv, true, 50) {
            parameter.push(parameter_error(&e, at, params, &ct.params));
        }
    }
    let mut user = Vec::new();
    if let Some(ev) = inst.lookup(&["errs"]) {
        match inst.export_serde(ev) {
            Ok(Value::Array(items)) => {
                for i in items {
                    match i {
                        Value::String(s) => user.push(s),
                        other => user.push(other.to_string()),
                    }
                }
            }
            Ok(other) => template.push(format!("errs: expected a list of strings, got {other}")),
            Err(e) if parameter.is_empty() => template.push(template_error(&e)),
            Err(_) => {}
        }
    }
    if !parameter.is_empty() || !user.is_empty() {
        return Err(ErrorKind::Invalid {
            user,
            parameter,
            template,
        });
    }

    let mut out = Evaluated {
        errs: Vec::new(),
        output: None,
        outputs: Vec::new(),
        patch: None,
        patch_outputs: Vec::new(),
    };
    if !is_trait && let Some(v) = inst.lookup(&["output"]) {
        match export(&mut inst, v) {
            Ok(x) => out.output = Some(x),
            Err(es) => template.extend(es),
        }
    }
    for (field, list) in [
        ("outputs", &mut out.outputs),
        ("patchOutputs", &mut out.patch_outputs),
    ] {
        if field == "patchOutputs" && !is_trait {
            continue;
        }
        if let Some(v) = inst.lookup(&[field]) {
            for f in inst.fields(v, FieldFilter::default()) {
                match export(&mut inst, f.id) {
                    Ok(x) => list.push((f.name, x)),
                    Err(es) => template.extend(es),
                }
            }
        }
    }
    if is_trait && let Some(v) = inst.lookup(&["patch"]) {
        match export(&mut inst, v) {
            Ok(x) => out.patch = Some(x),
            Err(es) => template.extend(es),
        }
    }
    if !template.is_empty() {
        return Err(ErrorKind::Invalid {
            user: out.errs,
            parameter,
            template,
        });
    }
    Ok((out, inst))
}

/// Element constraints of the trait's `patch` value, from its instance.
struct PatchConstraints<'i, 'p> {
    inst: &'i mut Instance<'p>,
    root: Option<roam_cue::eval::VId>,
}

impl ElementConstraints for PatchConstraints<'_, '_> {
    fn unify_element(
        &mut self,
        list: &[PatchStep],
        index: usize,
        base: &Value,
    ) -> Option<Result<Value, String>> {
        let mut v = self.root?;
        for s in list {
            v = match s {
                PatchStep::Field(f) => self.inst.child(v, Step::Field(f))?,
                PatchStep::Index(i) => self.inst.child(v, Step::Index(*i))?,
            };
        }
        self.inst
            .unify_list_element(v, index, base)
            .map(|r| r.map_err(|e| template_error(&e)))
    }
}

fn export(inst: &mut Instance<'_>, v: roam_cue::eval::VId) -> Result<Value, Vec<String>> {
    match inst.export_serde(v) {
        Ok(x) => Ok(x),
        Err(_) => {
            let mut es: Vec<String> = inst
                .errors(v, true, 20)
                .iter()
                .map(template_error)
                .collect();
            if es.is_empty()
                && let Err(e) = inst.export_serde(v)
            {
                es.push(template_error(&e));
            }
            Err(es)
        }
    }
}

/// `parameter.port: …` → `components[0].properties.port: …`; a conflict
/// with the user's value says what was expected and what was given.
fn parameter_error(
    e: &ExportError,
    at: &str,
    given: Option<&Value>,
    schema: &[crate::schema::Param],
) -> String {
    let rest = e.path.strip_prefix("parameter").unwrap_or(&e.path);
    // `a.0.b` → JSON pointer `/a/0/b` and schema name `a[].b`.
    let parts: Vec<&str> = rest.split('.').filter(|p| !p.is_empty()).collect();
    let mut shown = String::new();
    let mut schema_name = String::new();
    for p in &parts {
        let p = p.trim_matches('"');
        if p.parse::<usize>().is_ok() {
            shown.push_str(&format!("[{p}]"));
            schema_name.push_str("[]");
        } else {
            shown.push('.');
            shown.push_str(p);
            if !schema_name.is_empty() {
                schema_name.push('.');
            }
            schema_name.push_str(p);
        }
    }
    let path = format!("{at}.properties{shown}");
    let pointer: String = parts
        .iter()
        .map(|p| format!("/{}", p.trim_matches('"')))
        .collect();
    let user = given.and_then(|g| g.pointer(&pointer));
    if e.code != ErrCode::Incomplete
        && (e.msg.starts_with("conflicting values") || e.msg.contains("mismatched types"))
        && let Some(u) = user
        && let Some(p) = schema.iter().find(|p| p.name == schema_name)
    {
        return format!("{path}: expected {}, got {u}", p.type_);
    }
    let msg = if e.code == ErrCode::Incomplete {
        if let Some(t) = e.msg.strip_prefix("incomplete value ") {
            format!("required, but not given (expected {t})")
        } else if e.msg == "field is required but not present" {
            "required, but not given".to_string()
        } else {
            e.msg.clone()
        }
    } else {
        e.msg.clone()
    };
    let pos = e.pos.first().map(|p| format!(" ({p})")).unwrap_or_default();
    format!("{path}: {msg}{pos}")
}

fn template_error(e: &ExportError) -> String {
    let pos = e.pos.first().map(|p| format!(" ({p})")).unwrap_or_default();
    if e.path.is_empty() {
        format!("{}{pos}", e.msg)
    } else {
        format!("{}: {}{pos}", e.path, e.msg)
    }
}

/// What a component's workload is, for `appliesToWorkloads`.
fn workload_info(def: &Definition, output: Option<&Value>) -> WorkloadInfo {
    let mut info = WorkloadInfo {
        component_type: def.name.clone(),
        ..Default::default()
    };
    if let Some(d) = &def.workload.definition {
        info.api_version = d.api_version.clone();
        info.kind = d.kind.clone();
    }
    if !def.workload.type_.is_empty() && def.workload.type_ != L::AUTODETECT_WORKLOAD {
        info.resource = def.workload.type_.clone();
    }
    if let Some(o) = output
        && info.kind.is_empty()
    {
        info.api_version = o["apiVersion"].as_str().unwrap_or("").to_string();
        info.kind = o["kind"].as_str().unwrap_or("").to_string();
    }
    if info.resource.is_empty() && !info.kind.is_empty() {
        info.resource = WorkloadInfo::resource_of(&info.api_version, &info.kind);
    }
    info
}

/// `conflictsWith`: by trait name, by definition reference (`x.group`), by
/// group (`*.group`), or by labels (`labelSelector:k=v,k2=v2`); checked in
/// both directions.
fn check_conflicts(defs: &[Arc<Definition>]) -> Result<(), String> {
    for (i, a) in defs.iter().enumerate() {
        for (j, b) in defs.iter().enumerate() {
            if i == j {
                continue;
            }
            for rule in &a.conflicts_with {
                if conflict_rule_matches(rule, b) {
                    return Err(format!(
                        "traits {:?} (traits[{i}]) and {:?} (traits[{j}]) conflict: {:?} declares conflictsWith {:?}",
                        a.name, b.name, a.name, rule
                    ));
                }
            }
        }
    }
    Ok(())
}

fn conflict_rule_matches(rule: &str, t: &Definition) -> bool {
    let def_ref = t
        .object
        .pointer("/spec/definitionRef/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    if let Some(sel) = rule.strip_prefix("labelSelector:") {
        return sel
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .all(|kv| match kv.split_once('=') {
                Some((k, v)) => t.labels.get(k.trim()).is_some_and(|x| x == v.trim()),
                None => t.labels.contains_key(kv),
            });
    }
    if let Some(group) = rule.strip_prefix("*.") {
        return def_ref.split_once('.').is_some_and(|(_, g)| g == group);
    }
    rule == t.name || (!def_ref.is_empty() && rule == def_ref)
}

/// Sets a dotted path (`spec.workloadRef`), creating objects.
fn set_path(obj: &mut Value, path: &str, v: Value) {
    let mut cur = obj;
    let parts: Vec<&str> = path.split('.').filter(|p| !p.is_empty()).collect();
    for (i, p) in parts.iter().enumerate() {
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        let m = cur.as_object_mut().expect("made an object above");
        if i == parts.len() - 1 {
            m.insert((*p).to_string(), v);
            return;
        }
        cur = m
            .entry(p.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

/// The OAM labels and annotations contract.
struct Contract {
    app: String,
    /// The application's namespace (label `app.oam.dev/namespace`).
    app_namespace: String,
    /// Where objects go (placement namespace).
    namespace: String,
    component: String,
    revision: String,
    replica_key: String,
    app_labels: BTreeMap<String, String>,
    app_annotations: BTreeMap<String, String>,
}

impl Contract {
    fn new(app: &Application, namespace: &str, component: &str, target: &Target) -> Contract {
        let mut labels = app.metadata.labels.clone().unwrap_or_default();
        let mut annotations = app.metadata.annotations.clone().unwrap_or_default();
        let list = |k: &str| -> Vec<String> {
            annotations
                .get(k)
                .map(|s| {
                    s.split(',')
                        .map(|x| x.trim().to_string())
                        .filter(|x| !x.is_empty())
                        .collect()
                })
                .unwrap_or_default()
        };
        let drop_labels = list(L::ANNO_FILTER_LABEL_KEYS);
        let drop_annotations = list(L::ANNO_FILTER_ANNOTATION_KEYS);
        for k in &drop_labels {
            labels.remove(k);
        }
        for k in drop_annotations
            .iter()
            .map(String::as_str)
            .chain([
                L::ANNO_INPLACE_UPGRADE,
                L::ANNO_FILTER_LABEL_KEYS,
                L::ANNO_FILTER_ANNOTATION_KEYS,
                L::ANNO_KUBECTL_LAST_APPLIED,
            ])
            .collect::<Vec<_>>()
        {
            annotations.remove(k);
        }
        Contract {
            app: app.metadata.name.clone().unwrap_or_default(),
            app_namespace: app
                .metadata
                .namespace
                .clone()
                .unwrap_or_else(|| namespace.to_string()),
            namespace: namespace.to_string(),
            component: component.to_string(),
            revision: target.app_revision.clone(),
            replica_key: target.replica_key.clone(),
            app_labels: labels,
            app_annotations: annotations,
        }
    }

    fn apply(
        &self,
        obj: &mut Value,
        resource_type: &str,
        workload_type: Option<&str>,
        trait_type: Option<&str>,
        resource: Option<&str>,
    ) {
        let Some(o) = obj.as_object_mut() else { return };
        let kind = o
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let meta = o
            .entry("metadata")
            .or_insert_with(|| Value::Object(Map::new()));
        if !meta.is_object() {
            *meta = Value::Object(Map::new());
        }
        let m = meta.as_object_mut().expect("made an object above");
        let mut labels: Map<String, Value> = self
            .app_labels
            .iter()
            .map(|(k, v)| (k.clone(), v.clone().into()))
            .collect();
        if let Some(Value::Object(own)) = m.get("labels") {
            for (k, v) in own {
                labels.insert(k.clone(), v.clone());
            }
        }
        labels.insert(L::APP_NAME.into(), self.app.clone().into());
        labels.insert(L::APP_NAMESPACE.into(), self.app_namespace.clone().into());
        labels.insert(L::APP_REVISION.into(), self.revision.clone().into());
        labels.insert(L::APP_COMPONENT.into(), self.component.clone().into());
        labels.insert(L::APP_RESOURCE_TYPE.into(), resource_type.into());
        if let Some(w) = workload_type {
            labels.insert(L::WORKLOAD_TYPE.into(), w.into());
        }
        if let Some(t) = trait_type {
            labels.insert(L::TRAIT_TYPE.into(), t.into());
        }
        if let Some(r) = resource {
            labels.insert(L::TRAIT_RESOURCE.into(), r.into());
        }
        if !self.replica_key.is_empty() {
            labels.insert(L::APP_REPLICA_KEY.into(), self.replica_key.clone().into());
        }
        m.insert("labels".into(), Value::Object(labels));
        // Annotations are always present (KubeVela prints `annotations: {}`).
        let mut ann: Map<String, Value> = self
            .app_annotations
            .iter()
            .map(|(k, v)| (k.clone(), v.clone().into()))
            .collect();
        if let Some(Value::Object(own)) = m.get("annotations") {
            for (k, v) in own {
                ann.insert(k.clone(), v.clone());
            }
        }
        m.insert("annotations".into(), Value::Object(ann));
        let has_name = m
            .get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| !n.is_empty());
        if !has_name {
            let name = match trait_type {
                None => self.component.clone(),
                Some(t) => {
                    let mut h = Fnv32a::default();
                    h.write(self.component.as_bytes());
                    h.write(b"/");
                    h.write(t.as_bytes());
                    h.write(b"/");
                    h.write(resource.unwrap_or("").as_bytes());
                    format!("{}-{}-{:08x}", self.component, t.to_ascii_lowercase(), h.0)
                }
            };
            m.insert("name".into(), name.into());
        }
        let has_ns = m
            .get("namespace")
            .and_then(Value::as_str)
            .is_some_and(|n| !n.is_empty());
        if !has_ns && kind != "Namespace" {
            m.insert("namespace".into(), self.namespace.clone().into());
        }
    }
}

/// FNV-1a, 32 bits (stable across platforms and releases).
struct Fnv32a(u32);

impl Default for Fnv32a {
    fn default() -> Self {
        Fnv32a(0x811c_9dc5)
    }
}

impl Fnv32a {
    fn write(&mut self, b: &[u8]) {
        for x in b {
            self.0 ^= u32::from(*x);
            self.0 = self.0.wrapping_mul(0x0100_0193);
        }
    }
}
