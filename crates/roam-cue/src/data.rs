//! Export of literal CUE data: the subset of CUE that needs no evaluation.
//!
//! Files made only of structs, lists and literals (with duplicate fields
//! unified, definitions, hidden and optional fields left out, as `cue export`
//! does) are exported to JSON here. Anything that needs the evaluator —
//! references, operators, disjunctions, comprehensions, interpolation — is
//! reported as such, naming the place. The evaluator (a later stage of this
//! crate) replaces this module as the engine behind `roam cue export`.

use crate::source::Span;
use crate::syntax::ast::*;
use crate::syntax::literal::{self, Radix, StrValue};
use std::fmt::Write as _;

/// A concrete value.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    Null,
    Bool(bool),
    /// A number in its exported decimal form.
    Number(String),
    String(String),
    List(Vec<Data>),
    Struct(Vec<(String, Data)>),
}

/// Why a file could not be exported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataError {
    pub span: Span,
    /// Path of the field where it happened, such as `spec.ports[0]`.
    pub path: String,
    pub message: String,
}

/// Exports the regular fields of a file as data.
pub fn file_to_data(file: &File) -> Result<Data, DataError> {
    let mut out = Data::Struct(Vec::new());
    for d in &file.decls {
        decl_into(&mut out, d, "")?;
    }
    Ok(out)
}

fn join(path: &str, label: &str) -> String {
    let simple = label
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && label
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
    let label = if simple {
        label.to_string()
    } else {
        format!("{label:?}")
    };
    if path.is_empty() {
        label
    } else {
        format!("{path}.{label}")
    }
}

fn unsupported(span: Span, path: &str, what: &str) -> DataError {
    DataError {
        span,
        path: path.to_string(),
        message: format!(
            "{what} needs the CUE evaluator, which roam does not have yet; only literal data (structs, lists, strings, numbers, booleans, null) can be exported"
        ),
    }
}

fn decl_into(target: &mut Data, d: &Decl, path: &str) -> Result<(), DataError> {
    match &d.kind {
        DeclKind::Package(_) | DeclKind::Attribute(_) | DeclKind::Bad => Ok(()),
        DeclKind::Import(_) => Err(unsupported(d.span, path, "an import")),
        DeclKind::Let(_) => Err(unsupported(d.span, path, "a let clause")),
        DeclKind::Alias(..) => Err(unsupported(d.span, path, "an alias")),
        DeclKind::Ellipsis(_) => Ok(()),
        DeclKind::Embed(e) => {
            let v = expr_to_data(e, path)?;
            unify(target, v, e.span, path)
        }
        DeclKind::Field(f) => {
            let name = match &f.label.kind {
                LabelKind::Ident(id) => {
                    if id.is_definition() || id.is_hidden() {
                        return Ok(());
                    }
                    id.name.clone()
                }
                LabelKind::String(e) => match &e.kind {
                    ExprKind::Lit(l) if l.kind == LitKind::String => {
                        literal::unquote_simple(&l.raw).ok_or_else(|| DataError {
                            span: l.span,
                            path: path.to_string(),
                            message: "invalid string literal".into(),
                        })?
                    }
                    ExprKind::Lit(l) => l.raw.clone(),
                    _ => return Err(unsupported(e.span, path, "an interpolated label")),
                },
                LabelKind::Paren(_) => {
                    return Err(unsupported(f.label.span, path, "a dynamic field"));
                }
                LabelKind::Pattern(_) => {
                    return Err(unsupported(f.label.span, path, "a pattern constraint"));
                }
            };
            if f.constraint == Constraint::Optional {
                return Ok(());
            }
            let fpath = join(path, &name);
            if f.constraint == Constraint::Required {
                return Err(DataError {
                    span: f.label.span,
                    path: fpath,
                    message: "required field is not given a concrete value here; export needs the evaluator to check it".into(),
                });
            }
            let v = expr_to_data(&f.value, &fpath)?;
            let Data::Struct(fields) = target else {
                return Err(DataError {
                    span: d.span,
                    path: path.to_string(),
                    message: "field added to a non-struct value".into(),
                });
            };
            match fields.iter_mut().find(|(n, _)| *n == name) {
                Some((_, existing)) => unify(existing, v, f.value.span, &fpath),
                None => {
                    fields.push((name, v));
                    Ok(())
                }
            }
        }
    }
}

/// Unifies concrete data in place: structs merge, equal values agree, others conflict.
fn unify(target: &mut Data, v: Data, span: Span, path: &str) -> Result<(), DataError> {
    match (target, v) {
        (Data::Struct(a), Data::Struct(b)) => {
            for (name, bv) in b {
                let p = join(path, &name);
                match a.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, av)) => unify(av, bv, span, &p)?,
                    None => a.push((name, bv)),
                }
            }
            Ok(())
        }
        (t, v) if matches!(&*t, Data::Struct(f) if f.is_empty()) => {
            // An embedded scalar or list becomes the value of an otherwise empty struct.
            *t = v;
            Ok(())
        }
        (Data::List(a), Data::List(b)) if a.len() == b.len() => {
            for (i, (av, bv)) in a.iter_mut().zip(b).enumerate() {
                unify(av, bv, span, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (t, v) if *t == v => Ok(()),
        (t, v) => Err(DataError {
            span,
            path: path.to_string(),
            message: format!("conflicting values {} and {}", short(t), short(&v)),
        }),
    }
}

fn short(d: &Data) -> String {
    match d {
        Data::Null => "null".into(),
        Data::Bool(b) => b.to_string(),
        Data::Number(n) => n.clone(),
        Data::String(s) => format!("{s:?}"),
        Data::List(l) => format!("list of {} elements", l.len()),
        Data::Struct(_) => "struct".into(),
    }
}

fn expr_to_data(e: &Expr, path: &str) -> Result<Data, DataError> {
    match &e.kind {
        ExprKind::Lit(l) => lit_to_data(l, path),
        ExprKind::Paren(x) => expr_to_data(x, path),
        ExprKind::Unary(UnaryOp::Neg, x) => match expr_to_data(x, path)? {
            Data::Number(n) if n != "0" => Ok(Data::Number(format!("-{n}"))),
            Data::Number(n) => Ok(Data::Number(n)),
            _ => Err(unsupported(e.span, path, "negating a non-number")),
        },
        ExprKind::Struct(s) => {
            let mut out = Data::Struct(Vec::new());
            for d in &s.decls {
                decl_into(&mut out, d, path)?;
            }
            Ok(out)
        }
        ExprKind::List(l) => {
            let mut items = Vec::new();
            for (i, el) in l.elems.iter().enumerate() {
                if let ExprKind::Ellipsis(_) = el.expr.kind {
                    return Err(unsupported(el.expr.span, path, "an open list ('...')"));
                }
                items.push(expr_to_data(&el.expr, &format!("{path}[{i}]"))?);
            }
            Ok(Data::List(items))
        }
        ExprKind::Ident(id) => {
            let what = match id.name.as_str() {
                "_" => "top ('_')".to_string(),
                "int" | "string" | "float" | "number" | "bool" | "bytes" => {
                    format!("the type '{}'", id.name)
                }
                _ => format!("the reference '{}'", id.name),
            };
            Err(unsupported(e.span, path, &what))
        }
        ExprKind::Bottom => Err(DataError {
            span: e.span,
            path: path.into(),
            message: "explicit error (_|_)".into(),
        }),
        ExprKind::Interpolation(_) => Err(unsupported(e.span, path, "string interpolation")),
        ExprKind::Binary(op, ..) => Err(unsupported(
            e.span,
            path,
            &format!("the operator '{}'", op.as_str()),
        )),
        ExprKind::Unary(op, _) => Err(unsupported(
            e.span,
            path,
            &format!("the operator '{}'", op.as_str()),
        )),
        ExprKind::Comprehension(_) => Err(unsupported(e.span, path, "a comprehension")),
        ExprKind::Call(..) => Err(unsupported(e.span, path, "a function call")),
        _ => Err(unsupported(e.span, path, "this expression")),
    }
}

fn lit_to_data(l: &BasicLit, path: &str) -> Result<Data, DataError> {
    let err = |m: String| DataError {
        span: l.span,
        path: path.to_string(),
        message: m,
    };
    Ok(match l.kind {
        LitKind::Null => Data::Null,
        LitKind::True => Data::Bool(true),
        LitKind::False => Data::Bool(false),
        LitKind::String => match literal::unquote(&l.raw).map_err(err)? {
            StrValue::String(s) => Data::String(s),
            StrValue::Bytes(_) => unreachable!("string literal decoded as bytes"),
        },
        LitKind::Bytes => return Err(unsupported(l.span, path, "a bytes literal")),
        LitKind::Int => Data::Number(int_value(&l.raw).map_err(err)?),
        LitKind::Float => {
            let n = literal::parse_number(&l.raw).map_err(err)?;
            if l.raw.contains(['e', 'E']) {
                return Err(unsupported(l.span, path, "a float with an exponent"));
            }
            let _ = n;
            let s: String = l.raw.chars().filter(|&c| c != '_').collect();
            let s = if s.starts_with('.') {
                format!("0{s}")
            } else {
                s
            };
            let s = if s.ends_with('.') { format!("{s}0") } else { s };
            Data::Number(s)
        }
    })
}

/// The exact decimal value of an integer literal (SI multipliers included).
fn int_value(raw: &str) -> Result<String, String> {
    let n = literal::parse_number(raw)?;
    let too_big = || format!("integer literal {raw} is too large for the literal-data exporter");
    let mut v = i128::from_str_radix(&n.digits, n.radix as u32).map_err(|_| too_big())?;
    if let Some((base, pow)) = n.multiplier {
        v = v
            .checked_mul((base as i128).checked_pow(pow).ok_or_else(too_big)?)
            .ok_or_else(too_big)?;
    }
    if n.radix == Radix::Decimal {
        if n.exp10 >= 0 {
            v = v
                .checked_mul(10i128.checked_pow(n.exp10 as u32).ok_or_else(too_big)?)
                .ok_or_else(too_big)?;
        } else {
            let d = 10i128.checked_pow((-n.exp10) as u32).ok_or_else(too_big)?;
            v /= d;
        }
    }
    Ok(v.to_string())
}

/// JSON text with four-space indentation, as `cue export` prints it.
pub fn to_json(d: &Data) -> String {
    let mut out = String::new();
    write_json(&mut out, d, 0);
    out.push('\n');
    out
}

fn write_json(out: &mut String, d: &Data, indent: usize) {
    match d {
        Data::Null => out.push_str("null"),
        Data::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Data::Number(n) => out.push_str(n),
        Data::String(s) => out.push_str(&serde_json::to_string(s).expect("strings serialize")),
        Data::List(items) if items.is_empty() => out.push_str("[]"),
        Data::Struct(fields) if fields.is_empty() => out.push_str("{}"),
        Data::List(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                out.push_str(&"    ".repeat(indent + 1));
                write_json(out, v, indent + 1);
            }
            let _ = write!(out, "\n{}]", "    ".repeat(indent));
        }
        Data::Struct(fields) => {
            out.push('{');
            for (i, (k, v)) in fields.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                out.push_str(&"    ".repeat(indent + 1));
                out.push_str(&serde_json::to_string(k).expect("strings serialize"));
                out.push_str(": ");
                write_json(out, v, indent + 1);
            }
            let _ = write!(out, "\n{}}}", "    ".repeat(indent));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_str;

    fn export(src: &str) -> Result<String, DataError> {
        let p = parse_str("t.cue", src);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        file_to_data(&p.value).map(|d| to_json(&d))
    }

    #[test]
    fn exports_literal_data_in_field_order() {
        let got = export(
            "package x\n// doc\nb: 1Ki\na: {x: \"s\\n\", y: [1, 2.50, null]}\na: z: true\n#D: 1\n_h: 2\no?: 3\n\"q-k\": -0x10\n",
        )
        .unwrap();
        assert_eq!(
            got,
            "{\n    \"b\": 1024,\n    \"a\": {\n        \"x\": \"s\\n\",\n        \"y\": [\n            1,\n            2.50,\n            null\n        ],\n        \"z\": true\n    },\n    \"q-k\": -16\n}\n"
        );
    }

    #[test]
    fn conflicts_and_unsupported_name_the_path() {
        let e = export("a: b: 1\na: b: 2\n").unwrap_err();
        assert_eq!(
            (e.path.as_str(), e.message.as_str()),
            ("a.b", "conflicting values 1 and 2")
        );
        let e = export("a: x: [1, y]\ny: 2\n").unwrap_err();
        assert_eq!(e.path, "a.x[1]");
        assert!(
            e.message
                .starts_with("the reference 'y' needs the CUE evaluator"),
            "{}",
            e.message
        );
    }
}
