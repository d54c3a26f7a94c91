//! The "def file" CUE format of definitions (`roam def init|render`):
//!
//! ```cue
//! scaler: {
//!     type: "trait"
//!     annotations: {}
//!     labels: {}
//!     description: "Manually scale K8s pod for your workload."
//!     attributes: {podDisruptive: false, appliesToWorkloads: ["deployments.apps"]}
//! }
//! template: {
//!     parameter: replicas: *1 | int
//!     // +patchStrategy=retainKeys
//!     patch: spec: replicas: parameter.replicas
//! }
//! ```
//!
//! `attributes` map one to one onto the definition's `spec`; `template`
//! becomes `spec.schematic.cue.template` (comments kept: they carry patch
//! strategies and parameter docs); `description` becomes the
//! `definition.oam.dev/description` annotation.

use roam_cue::eval::Program;
use roam_cue::syntax::ast::{DeclKind, ExprKind, LabelKind};
use roam_cue::syntax::format::format_source;
use roam_cue::syntax::parse_str;
use serde_json::{Map, Value, json};

use crate::definition::{DefKind, DefSource, Definition, DefinitionError};

/// Parses a def file into a definition object (`apiVersion`, `kind`,
/// `metadata`, `spec`). The template is the `template` struct's body as
/// written, dedented (see [`format_template`] for the canonical form).
pub fn def_file_to_object(file_name: &str, text: &str) -> Result<Value, DefinitionError> {
    let err = |message: String| DefinitionError {
        source_name: file_name.to_string(),
        message,
    };
    let parsed = parse_str(file_name, text);
    if let Some(e) = parsed.errors.first() {
        let f = roam_cue::SourceFile::new(file_name, text);
        return Err(err(format!(
            "syntax error: {}",
            roam_cue::diag::Diagnostic::from_syntax(&f, e).render()
        )));
    }
    let file = parsed.value;
    let mut imports = Vec::new();
    let mut template = None;
    let mut header = None;
    for d in &file.decls {
        match &d.kind {
            DeclKind::Import(_) => imports.push(&text[d.span.range()]),
            DeclKind::Package(_) | DeclKind::Attribute(_) => {}
            DeclKind::Field(f) => {
                let name = match &f.label.kind {
                    LabelKind::Ident(i) => i.name.clone(),
                    LabelKind::String(e) => match &e.kind {
                        ExprKind::Lit(l) => roam_cue::golang::strconv::unquote(&l.raw)
                            .unwrap_or_else(|_| l.raw.clone()),
                        _ => return Err(err("a definition's name must be a plain label".into())),
                    },
                    _ => return Err(err("a definition's name must be a plain label".into())),
                };
                if name == "template" {
                    template = Some((f, d.span));
                } else if header.is_some() {
                    return Err(err(format!(
                        "more than one definition header (second: {name:?}); a def file holds one `<name>: {{type: ...}}` block and one `template: {{...}}`"
                    )));
                } else {
                    header = Some((name, d.span));
                }
            }
            _ => {
                return Err(err(
                    "a def file holds only imports, one `<name>: {...}` block and `template: {...}`".into(),
                ));
            }
        }
    }
    let (name, header_span) =
        header.ok_or_else(|| err("no definition header `<name>: {type: ...}`".into()))?;
    // The header is plain data: evaluate it on its own (the template may
    // import host packages that only exist at run time).
    let header_text = &text[header_span.range()];
    let prog = Program::compile(&[(file_name, header_text)]).map_err(|e| err(e.to_string()))?;
    let mut inst = prog.instance();
    let v = inst
        .lookup(&[name.as_str()])
        .ok_or_else(|| err(format!("header {name:?} not found")))?;
    let h = inst
        .export_serde(v)
        .map_err(|e| err(format!("definition header: {e}")))?;
    let def_type = h.get("type").and_then(Value::as_str).unwrap_or("");
    let kind = DefKind::from_def_type(def_type).ok_or_else(|| {
        err(format!(
            "{name}.type: {def_type:?} is not a definition type (expected component, trait, policy, workflow-step or workload)"
        ))
    })?;

    let mut annotations = h
        .get("annotations")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if let Some(d) = h
        .get("description")
        .and_then(Value::as_str)
        .filter(|d| !d.is_empty())
    {
        annotations.insert(roam_api::labels::DEF_DESCRIPTION.into(), d.into());
    }
    if let Some(a) = h
        .get("alias")
        .and_then(Value::as_str)
        .filter(|a| !a.is_empty())
    {
        annotations.insert(roam_api::labels::DEF_ALIAS.into(), a.into());
    }
    let labels = h
        .get("labels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut spec = h
        .get("attributes")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();

    if let Some((f, _)) = template {
        let body = match &f.value.kind {
            ExprKind::Struct(s) if s.braces => {
                let r = f.value.span.range();
                let inner = &text[r.start + 1..r.end - 1];
                dedent(inner)
            }
            _ => {
                return Err(err(
                    "template must be a struct literal `template: { ... }`".into()
                ));
            }
        };
        let mut t = String::new();
        for i in &imports {
            t.push_str(i);
            t.push('\n');
        }
        if !imports.is_empty() {
            t.push('\n');
        }
        t.push_str(body.trim_matches('\n'));
        t.push('\n');
        spec.insert("schematic".into(), json!({"cue": {"template": t}}));
    }
    let mut metadata = Map::new();
    metadata.insert("name".into(), Value::String(name));
    if !annotations.is_empty() {
        metadata.insert("annotations".into(), Value::Object(annotations));
    }
    if !labels.is_empty() {
        metadata.insert("labels".into(), Value::Object(labels));
    }
    Ok(json!({
        "apiVersion": "core.oam.dev/v1beta1",
        "kind": kind.object_kind(),
        "metadata": metadata,
        "spec": spec,
    }))
}

/// The definition object with its template in canonical CUE format (what
/// `roam def render` prints).
pub fn format_template(mut obj: Value) -> Value {
    if let Some(t) = obj
        .pointer("/spec/schematic/cue/template")
        .and_then(Value::as_str)
        && let Ok(f) = format_source("template", t)
    {
        obj["spec"]["schematic"]["cue"]["template"] = Value::String(f);
    }
    obj
}

/// Parses a def file into a [`Definition`].
pub fn parse_def_file(
    file_name: &str,
    text: &str,
    source: DefSource,
) -> Result<Definition, DefinitionError> {
    let obj = def_file_to_object(file_name, text)?;
    Definition::from_object(obj, source)
}

/// Prints a definition object as a def file (the inverse of
/// [`def_file_to_object`]).
pub fn object_to_def_file(obj: &Value) -> Result<String, DefinitionError> {
    let kind_name = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    let err = |message: String| DefinitionError {
        source_name: format!(
            "{kind_name} {}",
            obj["metadata"]["name"].as_str().unwrap_or("?")
        ),
        message,
    };
    let kind =
        DefKind::from_object_kind(kind_name).ok_or_else(|| err("not a definition".into()))?;
    let name = obj["metadata"]["name"]
        .as_str()
        .ok_or_else(|| err("no metadata.name".into()))?;
    let mut annotations = obj["metadata"]["annotations"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let description = annotations
        .remove(roam_api::labels::DEF_DESCRIPTION)
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let alias = annotations
        .remove(roam_api::labels::DEF_ALIAS)
        .and_then(|v| v.as_str().map(str::to_string));
    let labels = obj["metadata"]["labels"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let mut spec = obj["spec"].as_object().cloned().unwrap_or_default();
    let template = spec
        .remove("schematic")
        .and_then(|s| s["cue"]["template"].as_str().map(str::to_string));

    let mut header = Map::new();
    if let Some(a) = alias {
        header.insert("alias".into(), Value::String(a));
    }
    header.insert("annotations".into(), Value::Object(annotations));
    header.insert("attributes".into(), Value::Object(spec));
    header.insert("description".into(), Value::String(description));
    header.insert("labels".into(), Value::Object(labels));
    header.insert("type".into(), Value::String(kind.def_type().into()));

    let mut out = String::new();
    let mut body = String::new();
    if let Some(t) = template {
        // Imports move to the top of the def file.
        let parsed = parse_str("template", &t);
        let mut cut = Vec::new();
        for d in &parsed.value.decls {
            if let DeclKind::Import(_) = d.kind {
                out.push_str(&t[d.span.range()]);
                out.push('\n');
                cut.push(d.span.range());
            }
        }
        let mut rest = String::new();
        let mut at = 0;
        for r in cut {
            rest.push_str(&t[at..r.start]);
            at = r.end;
        }
        rest.push_str(&t[at..]);
        body = rest;
        if !out.is_empty() {
            out.push('\n');
        }
    }
    out.push_str(&cue_label(name));
    out.push_str(": ");
    write_cue_value(&Value::Object(header), 0, &mut out);
    out.push('\n');
    out.push_str("template: {\n");
    out.push_str(body.trim_matches('\n'));
    out.push_str("\n}\n");
    Ok(format_source("def.cue", &out).unwrap_or(out))
}

/// A label as CUE source: bare when an identifier, quoted otherwise.
pub fn cue_label(name: &str) -> String {
    let ident = name.chars().enumerate().all(|(i, c)| {
        c == '_' || c == '$' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())
    }) && !name.is_empty()
        && !name.starts_with('#')
        && !name.starts_with('_')
        && !matches!(
            name,
            "if" | "for" | "in" | "let" | "true" | "false" | "null"
        );
    if ident {
        name.to_string()
    } else {
        roam_cue::golang::strconv::quote(name)
    }
}

/// JSON as CUE source text (multi-line strings as `"""` blocks).
pub fn write_cue_value(v: &Value, indent: usize, out: &mut String) {
    let pad = |n: usize| "\t".repeat(n);
    match v {
        Value::Object(m) if m.is_empty() => out.push_str("{}"),
        Value::Object(m) => {
            out.push_str("{\n");
            for (k, x) in m {
                out.push_str(&pad(indent + 1));
                out.push_str(&cue_label(k));
                out.push_str(": ");
                write_cue_value(x, indent + 1, out);
                out.push('\n');
            }
            out.push_str(&pad(indent));
            out.push('}');
        }
        Value::Array(a) if a.is_empty() => out.push_str("[]"),
        Value::Array(a) => {
            out.push_str("[\n");
            for x in a {
                out.push_str(&pad(indent + 1));
                write_cue_value(x, indent + 1, out);
                out.push_str(",\n");
            }
            out.push_str(&pad(indent));
            out.push(']');
        }
        Value::String(s) if s.contains('\n') && !s.contains("\"\"\"") => {
            // A multi-line string literal, each line indented one deeper; raw
            // (`#"""`) when it holds backslashes, so nothing is interpreted.
            let hash = if s.contains('\\') { "#" } else { "" };
            out.push_str(hash);
            out.push_str("\"\"\"\n");
            for line in s.split('\n') {
                if !line.is_empty() {
                    out.push_str(&pad(indent + 1));
                    out.push_str(line);
                }
                out.push('\n');
            }
            out.push_str(&pad(indent + 1));
            out.push_str("\"\"\"");
            out.push_str(hash);
        }
        Value::String(s) => out.push_str(&roam_cue::golang::strconv::quote(s)),
        other => out.push_str(&other.to_string()),
    }
}

/// Removes the common leading tab/space indentation of non-empty lines.
fn dedent(s: &str) -> String {
    let indent = s
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(['\t', ' ']).len())
        .min()
        .unwrap_or(0);
    s.lines()
        .map(|l| {
            if l.len() >= indent {
                &l[indent..]
            } else {
                l.trim_start()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCALER: &str = r#"scaler: {
	type: "trait"
	annotations: {}
	labels: {"custom.definition.oam.dev/ui-hidden": "true"}
	description: "Set the replicas."
	attributes: {
		podDisruptive: false
		appliesToWorkloads: ["deployments.apps", "statefulsets.apps"]
	}
}
template: {
	parameter: {
		// +usage=Number of replicas
		replicas: *1 | int
	}
	// +patchStrategy=retainKeys
	patch: spec: replicas: parameter.replicas
}
"#;

    #[test]
    fn def_file_becomes_a_definition_object() {
        let o = def_file_to_object("scaler.cue", SCALER).unwrap();
        assert_eq!(o["kind"], "TraitDefinition");
        assert_eq!(o["metadata"]["name"], "scaler");
        assert_eq!(
            o["metadata"]["annotations"]["definition.oam.dev/description"],
            "Set the replicas."
        );
        assert_eq!(
            o["metadata"]["labels"]["custom.definition.oam.dev/ui-hidden"],
            "true"
        );
        assert_eq!(o["spec"]["appliesToWorkloads"][1], "statefulsets.apps");
        let t = o["spec"]["schematic"]["cue"]["template"].as_str().unwrap();
        assert!(
            t.starts_with("parameter: {\n\t// +usage=Number of replicas\n"),
            "{t}"
        );
        assert!(
            t.contains("// +patchStrategy=retainKeys\npatch: spec: replicas: parameter.replicas\n"),
            "{t}"
        );
    }

    #[test]
    fn object_round_trips_through_a_def_file() {
        let o = def_file_to_object("scaler.cue", SCALER).unwrap();
        let text = object_to_def_file(&o).unwrap();
        let back = def_file_to_object("again.cue", &text).unwrap();
        assert_eq!(o, back, "{text}");
    }

    #[test]
    fn imports_move_between_file_and_template() {
        let src = "import \"strings\"\n\nx: {type: \"component\", attributes: workload: type: \"autodetects.core.oam.dev\"}\ntemplate: {\n\toutput: {kind: strings.ToUpper(\"a\")}\n}\n";
        let o = def_file_to_object("x.cue", src).unwrap();
        let t = o["spec"]["schematic"]["cue"]["template"].as_str().unwrap();
        assert!(t.starts_with("import \"strings\"\n\noutput:"), "{t}");
        let text = object_to_def_file(&o).unwrap();
        assert!(text.starts_with("import \"strings\"\n\nx: {"), "{text}");
    }

    #[test]
    fn bad_def_files_name_the_problem() {
        let e = def_file_to_object("a.cue", "x: {type: \"gadget\"}\ntemplate: {}\n").unwrap_err();
        assert!(
            e.to_string()
                .contains("x.type: \"gadget\" is not a definition type"),
            "{e}"
        );
        let e = def_file_to_object("a.cue", "template: {}\n").unwrap_err();
        assert!(e.to_string().contains("no definition header"), "{e}");
        let e = def_file_to_object("a.cue", "x: {\n").unwrap_err();
        assert!(e.to_string().starts_with("a.cue: syntax error"), "{e}");
    }

    #[test]
    fn multi_line_strings_print_as_blocks() {
        let mut s = String::new();
        write_cue_value(
            &json!({"healthPolicy": "isHealth: true\nx: 1\n"}),
            0,
            &mut s,
        );
        assert_eq!(
            s,
            "{\n\thealthPolicy: \"\"\"\n\t\tisHealth: true\n\t\tx: 1\n\n\t\t\"\"\"\n}"
        );
    }
}
