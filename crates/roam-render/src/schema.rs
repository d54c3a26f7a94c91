//! The parameter schema of a definition, for `roam show` and docs: each
//! parameter with its CUE type, whether it is required, its default and its
//! `// +usage=` text, read from the template's syntax tree (so it shows
//! what the author wrote, comments included).

use roam_cue::syntax::ast::{Constraint, DeclKind, Expr, ExprKind, LabelKind, UnaryOp};
use roam_cue::syntax::format::format_expr;

/// One parameter (nested ones have dotted names, list elements `[]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    /// The type as written, defaults removed (`int`, `"a" | "b"`, `[...string]`).
    pub type_: String,
    pub required: bool,
    /// The default, as CUE text.
    pub default: Option<String>,
    pub usage: String,
    /// `+short=` flag letter.
    pub short: Option<String>,
}

/// The parameters of a template (empty when it has none).
pub fn parameters(template: &str) -> Vec<Param> {
    let parsed = roam_cue::syntax::parse_str("template.cue", template);
    let mut out = Vec::new();
    for d in &parsed.value.decls {
        if let DeclKind::Field(f) = &d.kind
            && label_name(&f.label.kind).as_deref() == Some("parameter")
        {
            walk(&f.value, "", true, &mut out, 0);
        }
    }
    out
}

fn label_name(l: &LabelKind) -> Option<String> {
    match l {
        LabelKind::Ident(i) => Some(i.name.clone()),
        LabelKind::String(e) => match &e.kind {
            ExprKind::Lit(l) => roam_cue::golang::strconv::unquote(&l.raw).ok(),
            _ => None,
        },
        LabelKind::Pattern(e) => Some(format!("[{}]", format_expr(e))),
        LabelKind::Paren(e) => Some(format!("({})", format_expr(e))),
    }
}

fn walk(e: &Expr, prefix: &str, parent_required: bool, out: &mut Vec<Param>, depth: usize) {
    if depth > 6 {
        return;
    }
    let ExprKind::Struct(s) = &e.kind else {
        if let ExprKind::Binary(_, a, b) = &e.kind {
            walk(a, prefix, parent_required, out, depth + 1);
            walk(b, prefix, parent_required, out, depth + 1);
        }
        return;
    };
    for d in &s.decls {
        match &d.kind {
            DeclKind::Field(f) => {
                let Some(name) = label_name(&f.label.kind) else {
                    continue;
                };
                if name.starts_with('#') || name.starts_with('_') {
                    continue;
                }
                let full = if prefix.is_empty() {
                    name
                } else {
                    format!("{prefix}.{name}")
                };
                let (type_, default) = split_default(&f.value);
                let mut usage = String::new();
                let mut short = None;
                for c in d.doc().iter().chain(d.comments.leading.iter()) {
                    let b = c.body().trim();
                    if let Some(u) = b.strip_prefix("+usage=") {
                        usage = u.trim().to_string();
                    } else if let Some(s) = b.strip_prefix("+short=") {
                        short = Some(s.trim().to_string());
                    }
                }
                let required =
                    f.constraint != Constraint::Optional && default.is_none() && !is_open(&f.value);
                out.push(Param {
                    name: full.clone(),
                    type_,
                    required: required && parent_required,
                    default,
                    usage,
                    short,
                });
                let inner = strip_default(&f.value);
                match &inner.kind {
                    ExprKind::Struct(_) | ExprKind::Binary(..) => {
                        walk(inner, &full, required, out, depth + 1)
                    }
                    ExprKind::List(l) => {
                        if let Some(last) = l.elems.last()
                            && let ExprKind::Ellipsis(Some(elem)) = &last.expr.kind
                        {
                            walk(elem, &format!("{full}[]"), false, out, depth + 1);
                        }
                    }
                    _ => {}
                }
            }
            DeclKind::Embed(x) => walk(x, prefix, parent_required, out, depth + 1),
            _ => {}
        }
    }
}

/// A value that needs no input: structs, lists, `_`, `null`-able patterns.
fn is_open(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Struct(_) | ExprKind::List(_) => true,
        ExprKind::Ident(i) => i.name == "_",
        _ => false,
    }
}

/// Splits `*d | T` into (`T` text, Some(`d` text)).
fn split_default(e: &Expr) -> (String, Option<String>) {
    let mut alts = Vec::new();
    disjuncts(e, &mut alts);
    if alts.len() <= 1 {
        if let ExprKind::Unary(UnaryOp::Default, x) = &e.kind {
            return (format_expr(x), Some(format_expr(x)));
        }
        return (format_expr(e), None);
    }
    let mut default = None;
    let mut rest = Vec::new();
    for a in alts {
        match &a.kind {
            ExprKind::Unary(UnaryOp::Default, x) => {
                default = Some(format_expr(x));
                rest.push(format_expr(x));
            }
            _ => rest.push(format_expr(a)),
        }
    }
    // `*1 | int` → type `int`: drop the default's literal when a type covers it.
    if default.is_some() && rest.len() == 2 {
        let lit = &rest[0];
        let other = &rest[1];
        if matches!(
            other.as_str(),
            "int" | "string" | "bool" | "number" | "float"
        ) || lit == other
        {
            return (other.clone(), default);
        }
    }
    (rest.join(" | "), default)
}

fn disjuncts<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Binary(roam_cue::syntax::ast::BinaryOp::Disj, a, b) => {
            disjuncts(a, out);
            disjuncts(b, out);
        }
        ExprKind::Paren(x)
            if matches!(
                x.kind,
                ExprKind::Binary(roam_cue::syntax::ast::BinaryOp::Disj, ..)
            ) =>
        {
            disjuncts(x, out)
        }
        _ => out.push(e),
    }
}

fn strip_default(e: &Expr) -> &Expr {
    let mut alts = Vec::new();
    disjuncts(e, &mut alts);
    for a in &alts {
        if let ExprKind::Struct(_) | ExprKind::List(_) = a.kind {
            return a;
        }
        if let ExprKind::Unary(UnaryOp::Default, x) = &a.kind
            && matches!(x.kind, ExprKind::Struct(_) | ExprKind::List(_))
        {
            return x;
        }
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_with_types_defaults_and_usage() {
        let t = r#"
parameter: {
	// +usage=Which image to run
	// +short=i
	image: string
	// +usage=Number of replicas
	replicas: *1 | int
	exposeType: *"ClusterIP" | "NodePort"
	cmd?: [...string]
	ports?: [...{
		// +usage=Port number
		port: int
		protocol: *"TCP" | "UDP"
	}]
}
output: {}
"#;
        let ps = parameters(t);
        let row = |n: &str| {
            ps.iter()
                .find(|p| p.name == n)
                .unwrap_or_else(|| panic!("{n} in {ps:#?}"))
        };
        assert_eq!(row("image").type_, "string");
        assert!(row("image").required);
        assert_eq!(row("image").usage, "Which image to run");
        assert_eq!(row("image").short.as_deref(), Some("i"));
        assert_eq!(row("replicas").type_, "int");
        assert_eq!(row("replicas").default.as_deref(), Some("1"));
        assert!(!row("replicas").required);
        assert_eq!(row("exposeType").type_, "\"ClusterIP\" | \"NodePort\"");
        assert!(!row("cmd").required);
        assert_eq!(row("ports[].port").usage, "Port number");
        assert!(!row("ports[].port").required, "inside an optional list");
    }
}
