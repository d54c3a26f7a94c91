//! Health and status of rendered objects, from a definition's
//! `status.healthPolicy` (`isHealth`), `customStatus` (`message`) and
//! `details`, evaluated over the live objects.
//!
//! As upstream (`pkg/cue/definition/health`): `details` is evaluated first,
//! then the health policy, then the custom status. Each sees `parameter`
//! (`{}` when none) and `context`: the base context, `context.output` and
//! `context.outputs.<name>` as the live objects (`outputs` only when there
//! are some), and `context.status`: `{}` for `details`; `{details}` for the
//! health policy; `{details, healthy}` for the custom status, where
//! `details` holds the concrete detail values as they are (`$` fields
//! included). No health policy means healthy. A rule whose evaluation has
//! an error anywhere (not only in the field read) fails as a whole.
//!
//! Where upstream shows an empty message for a rule that cannot be
//! evaluated, roam names the definition and the error (the health policy's
//! first, then the details', then the custom status's); a custom status
//! that evaluates still gives the message.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use roam_cue::eval::{FieldFilter, Instance, ValueState};
use roam_cue::stdlib::Val;
use roam_cue::syntax::ast::{DeclKind, ExprKind, LabelKind};
use serde_json::{Map, Value};

use crate::cache::TemplateCache;
use crate::definition::Definition;

/// The health of one component or trait.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Health {
    pub healthy: bool,
    pub message: String,
    pub details: BTreeMap<String, String>,
}

/// Inputs of a health evaluation.
pub struct HealthInput<'a> {
    /// The properties the component/trait was rendered with.
    pub parameter: Option<&'a Value>,
    /// The base context (name, namespace, appName, …).
    pub context: &'a Map<String, Value>,
    /// The live workload (component) or main object.
    pub output: Option<&'a Value>,
    /// Live auxiliary objects by `outputs` name.
    pub outputs: &'a Map<String, Value>,
}

/// Evaluates a definition's status rules. An evaluation error makes the
/// result unhealthy with the error as its message.
pub fn evaluate_health(cache: &TemplateCache, def: &Definition, input: &HealthInput<'_>) -> Health {
    let mut ctx = input.context.clone();
    if let Some(o) = input.output {
        ctx.insert("output".into(), o.clone());
    }
    if !input.outputs.is_empty() {
        ctx.insert("outputs".into(), Value::Object(input.outputs.clone()));
    }
    let empty = Value::Object(Map::new());
    let parameter = input.parameter.filter(|p| !p.is_null()).unwrap_or(&empty);
    let mut status = match ctx.get("status") {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    ctx.insert("status".into(), Value::Object(status.clone()));
    let status_rules = &def.status;
    let mut errors: Vec<String> = Vec::new();

    let mut details = BTreeMap::new();
    if !status_rules.details.trim().is_empty() {
        match eval_details(cache, &def.name, &status_rules.details, parameter, &ctx) {
            Ok((shown, seen)) => {
                details = shown;
                status.insert("details".into(), Value::Object(seen));
                ctx.insert("status".into(), Value::Object(status.clone()));
            }
            Err(e) => errors.push(format!("details of {}: {e}", def.name)),
        }
    }

    let healthy = if status_rules.health_policy.trim().is_empty() {
        true
    } else {
        let r = eval_field(
            cache,
            &def.name,
            &status_rules.health_policy,
            parameter,
            &ctx,
            "isHealth",
        )
        .and_then(|v| match v {
            Value::Bool(b) => Ok(b),
            other => Err(format!("isHealth: expected a bool, got {other}")),
        });
        match r {
            Ok(b) => b,
            Err(e) => {
                errors.insert(0, format!("health policy of {}: {e}", def.name));
                false
            }
        }
    };

    let mut message = None;
    if !status_rules.custom_status.trim().is_empty() {
        status.insert("healthy".into(), healthy.into());
        ctx.insert("status".into(), Value::Object(status));
        match eval_field(
            cache,
            &def.name,
            &status_rules.custom_status,
            parameter,
            &ctx,
            "message",
        ) {
            Ok(Value::String(m)) => message = Some(m),
            Ok(other) => errors.push(format!(
                "custom status of {}: message: expected a string, got {other}",
                def.name
            )),
            Err(e) => errors.push(format!("custom status of {}: {e}", def.name)),
        }
    }
    Health {
        healthy,
        message: message.unwrap_or_else(|| errors.into_iter().next().unwrap_or_default()),
        details,
    }
}

/// An instance of `text` with `parameter` and `context` filled in, checked
/// for errors (upstream compiles the whole text and fails on any error
/// that is not merely an incomplete value).
fn instance<'c>(
    ct: &'c crate::cache::CompiledTemplate,
    parameter: &Value,
    ctx: &Map<String, Value>,
) -> Result<Instance<'c>, String> {
    let mut inst = ct.program.instance();
    inst.fill_json(&["parameter"], parameter)
        .map_err(|e| e.msg)?;
    inst.fill_json(&["context"], &Value::Object(ctx.clone()))
        .map_err(|e| e.msg)?;
    let root = inst.root;
    let all = FieldFilter {
        definitions: true,
        hidden: true,
        optional: false,
    };
    for f in inst.fields(root, all) {
        if let Some(e) = inst.errors(f.id, false, 1).into_iter().next() {
            return Err(format!("{}: {}", e.path, e.msg));
        }
    }
    Ok(inst)
}

fn eval_field(
    cache: &TemplateCache,
    def: &str,
    text: &str,
    parameter: &Value,
    ctx: &Map<String, Value>,
    field: &str,
) -> Result<Value, String> {
    let text: Arc<str> = Arc::from(text);
    let ct = cache.get(&format!("{def}.status.cue"), &text)?;
    let mut inst = instance(&ct, parameter, ctx)?;
    let v = inst
        .lookup(&[field])
        .ok_or_else(|| format!("no field {field:?}"))?;
    inst.export_serde(v)
        .map_err(|e| format!("{}: {}", e.path, e.msg))
}

/// Details shown, and the values the other rules see.
type Details = (BTreeMap<String, String>, Map<String, Value>);

/// The fields of a `details` rule: those shown (stringified; `_|_` when not
/// concrete) and the concrete values the other rules see as
/// `context.status.details` (`$` fields included).
fn eval_details(
    cache: &TemplateCache,
    def: &str,
    text: &str,
    parameter: &Value,
    ctx: &Map<String, Value>,
) -> Result<Details, String> {
    let text: Arc<str> = Arc::from(text);
    let ct = cache.get(&format!("{def}.details.cue"), &text)?;
    let excluded = excluded_fields(&text);
    let mut inst = instance(&ct, parameter, ctx)?;
    let root = inst.root;
    let mut shown = BTreeMap::new();
    let mut seen = Map::new();
    for f in inst.fields(root, FieldFilter::default()) {
        if f.name == "context" || f.name == "parameter" || f.name.len() >= 32 {
            continue;
        }
        let hidden = f.name.starts_with('$');
        if !hidden && excluded.contains(&f.name) {
            continue;
        }
        let value = match inst.value_state(f.id) {
            ValueState::Concrete => inst.export_val(f.id).ok(),
            _ => None,
        };
        let Some(value) = value else {
            if !hidden {
                shown.insert(f.name, "_|_".into());
            }
            continue;
        };
        if let Ok(json) = inst.export_serde(f.id) {
            seen.insert(f.name.clone(), json);
        }
        if !hidden {
            let text = match &value {
                Val::Str(s) => s.to_string(),
                other => cue_text(other, 0),
            };
            shown.insert(f.name, text);
        }
    }
    Ok((shown, seen))
}

/// Top-level fields of a `details` rule marked `@local` or `@private`.
fn excluded_fields(text: &str) -> BTreeSet<String> {
    let file = roam_cue::syntax::parse_str("details.cue", text).value;
    let mut out = BTreeSet::new();
    for d in &file.decls {
        let DeclKind::Field(f) = &d.kind else {
            continue;
        };
        if !f
            .attrs
            .iter()
            .any(|a| matches!(a.name(), "local" | "private"))
        {
            continue;
        }
        match &f.label.kind {
            LabelKind::Ident(i) => {
                out.insert(i.name.to_string());
            }
            LabelKind::String(e) => {
                if let ExprKind::Lit(l) = &e.kind
                    && let Ok(s) = serde_json::from_str::<String>(&l.raw)
                {
                    out.insert(s);
                }
            }
            _ => {}
        }
    }
    out
}

/// A value as upstream's CUE formatter prints it (`format.Node` of the
/// value's syntax): lists on one line, structs one field a line indented
/// with tabs, runs of single-line scalar fields aligned, multi-line
/// strings in field position as `"""` blocks.
fn cue_text(v: &Val, indent: usize) -> String {
    match v {
        Val::List(items) => {
            let parts: Vec<String> = items.iter().map(|i| cue_text(i, indent)).collect();
            format!("[{}]", parts.join(", "))
        }
        Val::Struct(fields) if fields.is_empty() => "{}".into(),
        Val::Struct(fields) => {
            let tabs = "\t".repeat(indent + 1);
            let mut lines: Vec<(String, String, bool)> = Vec::new();
            for (name, value) in fields.iter() {
                let label = cue_label(name);
                let (text, aligned) = match value {
                    Val::List(_) | Val::Struct(_) => (cue_text(value, indent + 1), false),
                    Val::Str(s) if s.contains('\n') => (multiline(s, indent + 2), false),
                    other => (cue_text(other, indent + 1), true),
                };
                lines.push((label, text, aligned));
            }
            let mut out = String::from("{\n");
            let mut i = 0;
            while i < lines.len() {
                if !lines[i].2 {
                    out.push_str(&format!("{tabs}{}: {}\n", lines[i].0, lines[i].1));
                    i += 1;
                    continue;
                }
                let mut j = i;
                while j < lines.len() && lines[j].2 {
                    j += 1;
                }
                let width = lines[i..j]
                    .iter()
                    .map(|l| l.0.chars().count())
                    .max()
                    .unwrap_or(0);
                for (label, text, _) in &lines[i..j] {
                    let pad = " ".repeat(width - label.chars().count() + 1);
                    out.push_str(&format!("{tabs}{label}:{pad}{text}\n"));
                }
                i = j;
            }
            out.push_str(&"\t".repeat(indent));
            out.push('}');
            out
        }
        other => other.to_cue_string(),
    }
}

/// A field label: bare when it is an identifier that is neither hidden nor
/// a definition, quoted otherwise.
fn cue_label(name: &str) -> String {
    let mut chars = name.chars();
    let ident = chars.next().is_some_and(|c| c.is_alphabetic() || c == '$')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$');
    if ident {
        name.to_string()
    } else {
        Val::Str(Arc::from(name)).to_cue_string()
    }
}

/// A multi-line string block, its lines indented by `indent` tabs.
fn multiline(s: &str, indent: usize) -> String {
    let tabs = "\t".repeat(indent);
    let raw = s.contains('\\') || s.contains("\"\"\"");
    let (open, close) = if raw {
        ("#\"\"\"", "\"\"\"#")
    } else {
        ("\"\"\"", "\"\"\"")
    };
    let mut out = String::from(open);
    for line in s.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&tabs);
            if raw {
                out.push_str(&line.replace('\\', "\\#\\"));
            } else {
                out.push_str(line);
            }
        }
    }
    out.push('\n');
    out.push_str(&tabs);
    out.push_str(close);
    out
}
