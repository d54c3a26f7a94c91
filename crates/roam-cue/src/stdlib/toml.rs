//! Package `encoding/toml`: `Marshal` with go-toml v2's output (keys
//! sorted, key-values before tables, literal strings where possible) and
//! `Unmarshal` (via `toml_edit`, document order kept).

use std::sync::Arc;

use super::util::{self, any};
use super::{CallError, Package, Val};

pub static PACKAGE: Package = Package {
    path: "encoding/toml",
    funcs: &[
        func!("Marshal", [Top], String, |_, a| Ok(Val::str(marshal(
            any(a, 0)?
        )?))),
        func!("Unmarshal", [StringOrBytes], Top, |_, a| {
            let text = String::from_utf8_lossy(util::bytes(a, 0)?).into_owned();
            unmarshal(&text)
        }),
    ],
    consts: &[],
    cue: "",
};

fn incomplete() -> CallError {
    CallError::Incomplete("incomplete value".into())
}

fn is_table_array(v: &Val) -> bool {
    matches!(v, Val::List(l) if !l.is_empty() && l.iter().all(|x| matches!(x, Val::Struct(_))))
}

fn is_table(v: &Val) -> bool {
    matches!(v, Val::Struct(_)) || is_table_array(v)
}

fn bare_key(k: &str) -> bool {
    !k.is_empty()
        && k.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
}

fn literal_ok(s: &str) -> bool {
    !s.chars()
        .any(|c| c == '\'' || c == '\n' || c == '\r' || (c.is_control() && c != '\t'))
}

fn write_key(out: &mut String, k: &str) {
    if bare_key(k) {
        out.push_str(k);
    } else {
        write_string(out, k);
    }
}

fn write_string(out: &mut String, s: &str) {
    if literal_ok(s) {
        out.push('\'');
        out.push_str(s);
        out.push('\'');
        return;
    }
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn sorted(fs: &[(Arc<str>, Val)]) -> Vec<&(Arc<str>, Val)> {
    let mut v: Vec<_> = fs.iter().filter(|(_, x)| *x != Val::Null).collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

fn write_inline(out: &mut String, v: &Val) -> Result<(), CallError> {
    match v {
        Val::Null => {}
        Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Val::Num(n) => {
            if n.is_int() {
                match n.to_i64() {
                    Ok(i) => out.push_str(&i.to_string()),
                    Err(_) => write_string(out, &n.to_string()),
                }
            } else {
                let f = n.to_f64_lossy();
                if f.is_nan() {
                    out.push_str("nan");
                } else if f.is_infinite() {
                    out.push_str(if f > 0.0 { "inf" } else { "-inf" });
                } else {
                    let mut s = crate::golang::strconv::format_float(f, 'f', -1, 64);
                    if !s.contains('.') {
                        s.push_str(".0");
                    }
                    out.push_str(&s);
                }
            }
        }
        Val::Str(s) => write_string(out, s),
        Val::Bytes(b) => write_string(out, &crate::golang::encoding::STD_ENCODING.encode(b)),
        Val::List(l) => {
            out.push('[');
            for (i, x) in l.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_inline(out, x)?;
            }
            out.push(']');
        }
        Val::Struct(fs) => {
            out.push('{');
            for (i, (k, x)) in sorted(fs).into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_key(out, k);
                out.push_str(" = ");
                write_inline(out, x)?;
            }
            out.push('}');
        }
        Val::Opaque(_) => return Err(incomplete()),
    }
    if out.len() > util::MAX_RESULT_BYTES {
        return util::msg("result too large");
    }
    Ok(())
}

fn header(out: &mut String, path: &[&str], array: bool) {
    out.push_str(if array { "[[" } else { "[" });
    for (i, k) in path.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        write_key(out, k);
    }
    out.push_str(if array { "]]\n" } else { "]\n" });
}

/// The body of a table: its key-values, then its sub-tables.
fn write_table(
    out: &mut String,
    path: &mut Vec<String>,
    fs: &[(Arc<str>, Val)],
) -> Result<(), CallError> {
    let fields = sorted(fs);
    let mut has_kv = false;
    for (k, v) in &fields {
        if is_table(v) {
            continue;
        }
        write_key(out, k);
        out.push_str(" = ");
        write_inline(out, v)?;
        out.push('\n');
        has_kv = true;
    }
    let mut first = true;
    for (k, v) in &fields {
        if !is_table(v) {
            continue;
        }
        if !first || has_kv {
            out.push('\n');
        }
        first = false;
        path.push(k.to_string());
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        match v {
            Val::Struct(sub) => {
                header(out, &p, false);
                write_table(out, path, sub)?;
            }
            Val::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push('\n');
                    }
                    let p: Vec<&str> = path.iter().map(String::as_str).collect();
                    header(out, &p, true);
                    if let Val::Struct(sub) = item {
                        write_table(out, path, sub)?;
                    }
                }
            }
            _ => {}
        }
        path.pop();
    }
    Ok(())
}

fn check_concrete(v: &Val) -> Result<(), CallError> {
    if util::first_opaque(v) {
        return Err(incomplete());
    }
    Ok(())
}

/// `toml.Marshal`.
pub fn marshal(v: &Val) -> Result<String, CallError> {
    check_concrete(v)?;
    let mut out = String::new();
    match v {
        Val::Struct(fs) => write_table(&mut out, &mut Vec::new(), fs)?,
        v => write_inline(&mut out, v)?,
    }
    Ok(out)
}

/// `toml.Unmarshal`: a document to a struct (dates and times become the
/// strings they were written as; numbers keep their kind).
pub fn unmarshal(text: &str) -> super::CallResult {
    let doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| CallError::msg(e.message().to_string()))?;
    table_val(doc.as_table(), 0)
}

/// Deepest nesting accepted (a stack guard).
const MAX_DEPTH: usize = 500;

fn depth_check(depth: usize) -> Result<(), CallError> {
    if depth > MAX_DEPTH {
        return util::msg("toml: nesting too deep");
    }
    Ok(())
}

fn table_val(t: &toml_edit::Table, depth: usize) -> super::CallResult {
    depth_check(depth)?;
    let mut fields: Vec<(Arc<str>, Val)> = Vec::new();
    for (k, item) in t.iter() {
        let v = match item {
            toml_edit::Item::None => continue,
            toml_edit::Item::Value(v) => value_val(v, depth + 1)?,
            toml_edit::Item::Table(t) => table_val(t, depth + 1)?,
            toml_edit::Item::ArrayOfTables(a) => {
                let mut out = Vec::new();
                for t in a.iter() {
                    out.push(table_val(t, depth + 1)?);
                }
                Val::List(out)
            }
        };
        fields.push((Arc::from(k), v));
    }
    Ok(Val::Struct(fields))
}

fn value_val(v: &toml_edit::Value, depth: usize) -> super::CallResult {
    use toml_edit::Value as V;
    depth_check(depth)?;
    Ok(match v {
        V::String(s) => Val::str(s.value()),
        V::Integer(i) => Val::int(*i.value()),
        V::Float(f) => {
            let text = f
                .as_repr()
                .and_then(|r| r.as_raw().as_str())
                .map(str::to_string)
                .unwrap_or_else(|| f.value().to_string());
            match crate::num::Number::parse(&text) {
                Ok(n) => Val::Num(crate::num::Number::float(n.value)),
                Err(_) => {
                    return util::msg(format!("parse error: illegal number start {text:?}"));
                }
            }
        }
        V::Boolean(b) => Val::Bool(*b.value()),
        V::Datetime(d) => Val::str(
            d.as_repr()
                .and_then(|r| r.as_raw().as_str())
                .map(str::to_string)
                .unwrap_or_else(|| d.value().to_string()),
        ),
        V::Array(a) => {
            let mut out = Vec::new();
            for x in a.iter() {
                out.push(value_val(x, depth + 1)?);
            }
            Val::List(out)
        }
        V::InlineTable(t) => {
            let mut fields: Vec<(Arc<str>, Val)> = Vec::new();
            for (k, x) in t.iter() {
                fields.push((Arc::from(k), value_val(x, depth + 1)?));
            }
            Val::Struct(fields)
        }
    })
}
