//! Argument extraction and result construction shared by the packages,
//! with upstream's messages (`internal/pkg`'s `CallCtxt`).

use std::sync::Arc;

use num_bigint::BigInt;

use super::{CallError, CallResult, Kind, Val};
use crate::num::{Decimal, NumKind, Number};

/// Upper bound on the size in bytes of a string, bytes or list a builtin
/// builds (a guard against exhausting memory; upstream has none beyond its
/// repeat count limit).
pub const MAX_RESULT_BYTES: usize = 1 << 28;

pub fn arg(args: &[Val], i: usize) -> Result<&Val, CallError> {
    match args.get(i) {
        Some(Val::Opaque(_)) => Err(CallError::Incomplete(format!("non-concrete argument {i}"))),
        Some(v) => Ok(v),
        None => Err(CallError::msg(format!("missing argument {i}"))),
    }
}

/// Argument `i` as given, possibly opaque.
pub fn any(args: &[Val], i: usize) -> Result<&Val, CallError> {
    args.get(i)
        .ok_or_else(|| CallError::msg(format!("missing argument {i}")))
}

fn type_err(args: &[Val], i: usize, typ: &str) -> CallError {
    match args.get(i) {
        Some(v) => CallError::msg(format!(
            "cannot use {} (type {}) as {typ} in argument {i}",
            v.to_cue_string(),
            v.kind_name()
        )),
        None => CallError::msg(format!("missing argument {i}")),
    }
}

pub fn string(args: &[Val], i: usize) -> Result<&str, CallError> {
    match arg(args, i)? {
        Val::Str(s) => Ok(s),
        _ => Err(CallError::ArgType {
            index: i,
            expected: Kind::String,
        }),
    }
}

/// A string or bytes argument as bytes.
pub fn bytes(args: &[Val], i: usize) -> Result<&[u8], CallError> {
    match arg(args, i)? {
        Val::Str(s) => Ok(s.as_bytes()),
        Val::Bytes(b) => Ok(b),
        _ => Err(CallError::ArgType {
            index: i,
            expected: Kind::StringOrBytes,
        }),
    }
}

pub fn boolean(args: &[Val], i: usize) -> Result<bool, CallError> {
    match arg(args, i)? {
        Val::Bool(b) => Ok(*b),
        _ => Err(CallError::ArgType {
            index: i,
            expected: Kind::Bool,
        }),
    }
}

pub fn number(args: &[Val], i: usize) -> Result<&Number, CallError> {
    match arg(args, i)? {
        Val::Num(n) => Ok(n),
        _ => Err(CallError::ArgType {
            index: i,
            expected: Kind::Number,
        }),
    }
}

/// An integral number argument as a big integer.
pub fn big_int(args: &[Val], i: usize) -> Result<BigInt, CallError> {
    let n = number(args, i)?;
    if n.kind != NumKind::Int {
        return Err(type_err(args, i, "int"));
    }
    n.to_bigint().map_err(|_| type_err(args, i, "int"))
}

/// An int argument that must fit in `bits` bits as a signed integer
/// (upstream checks the bit length of the magnitude).
pub fn int_bits(args: &[Val], i: usize, bits: u64, typ: &str) -> Result<i64, CallError> {
    let n = big_int(args, i)?;
    if n.bits() > bits {
        return Err(CallError::msg(format!(
            "int {n} overflows {typ} in argument {i}"
        )));
    }
    Ok(
        i64::try_from(&n).unwrap_or(if n.sign() == num_bigint::Sign::Minus {
            i64::MIN
        } else {
            i64::MAX
        }),
    )
}

/// An `int` (Go `int`, 64 bits) argument.
pub fn int(args: &[Val], i: usize) -> Result<i64, CallError> {
    int_bits(args, i, 64, "int64")
}

/// An unsigned argument of `bits` bits.
pub fn uint_bits(args: &[Val], i: usize, bits: u64, typ: &str) -> Result<u64, CallError> {
    let n = big_int(args, i)?;
    if n.sign() == num_bigint::Sign::Minus {
        return Err(type_err(args, i, typ));
    }
    if n.bits() > bits {
        return Err(CallError::msg(format!(
            "int {n} overflows {typ} in argument {i}"
        )));
    }
    Ok(u64::try_from(&n).unwrap_or(u64::MAX))
}

/// A number argument as the nearest `f64` (Go's `Float64`).
pub fn float64(args: &[Val], i: usize) -> Result<f64, CallError> {
    let n = number(args, i)?;
    n.to_f64().map_err(|e| {
        CallError::msg(format!(
            "cannot use {} (type {}) as float64 in argument {i}: {e}",
            n.to_json_string(),
            n.kind.name()
        ))
    })
}

pub fn list(args: &[Val], i: usize) -> Result<&[Val], CallError> {
    match arg(args, i)? {
        Val::List(l) => Ok(l),
        _ => Err(CallError::ArgType {
            index: i,
            expected: Kind::List,
        }),
    }
}

pub fn fields(args: &[Val], i: usize) -> Result<&[(Arc<str>, Val)], CallError> {
    match arg(args, i)? {
        Val::Struct(s) => Ok(s),
        _ => Err(CallError::ArgType {
            index: i,
            expected: Kind::Struct,
        }),
    }
}

/// A list of strings (`StringList` upstream, with its messages).
pub fn string_list(args: &[Val], i: usize) -> Result<Vec<&str>, CallError> {
    let l = list(args, i)?;
    let mut out = Vec::with_capacity(l.len());
    for (j, v) in l.iter().enumerate() {
        match v {
            Val::Str(s) => out.push(&**s),
            Val::Opaque(_) => {
                return Err(CallError::Incomplete(format!(
                    "non-concrete value _ for element {j} of string list argument {i}"
                )));
            }
            v => {
                return Err(CallError::msg(format!(
                    "invalid list element {j} in argument {i} to call: cannot use value {} ({}) as string",
                    v.to_cue_string(),
                    v.kind_name()
                )));
            }
        }
    }
    Ok(out)
}

/// A list of numbers (`DecimalList` upstream, with its messages).
pub fn number_list(args: &[Val], i: usize) -> Result<Vec<&Number>, CallError> {
    let l = list(args, i)?;
    let mut out = Vec::with_capacity(l.len());
    for (j, v) in l.iter().enumerate() {
        match v {
            Val::Num(n) => out.push(n),
            Val::Opaque(_) => {
                return Err(CallError::Incomplete(format!(
                    "non-concrete value _ for element {j} of number list argument {i}"
                )));
            }
            v => {
                return Err(CallError::msg(format!(
                    "invalid list element {j} in argument {i} to call: cannot use value {} ({}) as number",
                    v.to_cue_string(),
                    v.kind_name()
                )));
            }
        }
    }
    Ok(out)
}

/// A float result from an `f64`, as upstream converts Go floats (apd's
/// `SetFloat64`: the shortest decimal that reads back).
pub fn float_val(f: f64) -> CallResult {
    if f.is_nan() {
        return Err(CallError::msg("invalid float: NaN"));
    }
    if f.is_infinite() {
        return Err(CallError::msg(if f > 0.0 {
            "invalid float: +Inf"
        } else {
            "invalid float: -Inf"
        }));
    }
    Number::from_f64(f)
        .map(Val::Num)
        .map_err(|e| CallError::msg(e.to_string()))
}

/// A number result from a decimal, as upstream converts `*apd.Decimal`:
/// an int when the value is integral (exactly), a float otherwise.
pub fn decimal_val(d: Decimal) -> Val {
    if let Some(i) = d.to_bigint() {
        return Val::Num(Number::int(i));
    }
    Val::Num(Number::float(d))
}

pub fn strings_val<S: AsRef<str>>(v: impl IntoIterator<Item = S>) -> Val {
    Val::List(v.into_iter().map(Val::str).collect())
}

pub fn msg<T>(m: impl Into<String>) -> Result<T, CallError> {
    Err(CallError::Msg(m.into()))
}

/// A string literal as CUE prints it.
pub fn quote_cue(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if !crate::golang::unicode::is_print(c) => {
                if (c as u32) > 0xffff {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                } else {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn quote_cue_bytes(b: &[u8]) -> String {
    let mut out = String::from("'");
    for chunk in b.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\'' => out.push_str("\\'"),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                '\u{7}' => out.push_str("\\a"),
                '\u{8}' => out.push_str("\\b"),
                '\u{b}' => out.push_str("\\v"),
                '\u{c}' => out.push_str("\\f"),
                '\u{7f}' => out.push_str("\\u007f"),
                c if (c as u32) < 0x20 => {
                    out.push_str(&format!("\\x{:02x}", c as u32));
                }
                c => out.push(c),
            }
        }
        for x in chunk.invalid() {
            out.push_str(&format!("\\x{x:02x}"));
        }
    }
    out.push('\'');
    out
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' || c == '$' => {}
        _ => return false,
    }
    !s.starts_with('#') && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// Writes `v` as compact CUE text.
pub fn write_cue(out: &mut String, v: &Val) {
    match v {
        Val::Null => out.push_str("null"),
        Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Val::Num(n) => out.push_str(&n.to_cue_string()),
        Val::Str(s) => out.push_str(&quote_cue(s)),
        Val::Bytes(b) => out.push_str(&quote_cue_bytes(b)),
        Val::List(l) => {
            out.push('[');
            for (i, x) in l.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_cue(out, x);
            }
            out.push(']');
        }
        Val::Struct(fs) => {
            out.push('{');
            for (i, (k, x)) in fs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                if is_identifier(k) {
                    out.push_str(k);
                } else {
                    out.push_str(&quote_cue(k));
                }
                out.push_str(": ");
                write_cue(out, x);
            }
            out.push('}');
        }
        Val::Opaque(_) => out.push('_'),
    }
}

/// The number of nodes in `v`, counting no further than `limit`.
pub fn node_count(v: &Val, limit: usize) -> usize {
    let mut n = 1;
    match v {
        Val::List(l) => {
            for x in l {
                n += node_count(x, limit - n.min(limit));
                if n >= limit {
                    return n;
                }
            }
        }
        Val::Struct(fs) => {
            for (_, x) in fs {
                n += node_count(x, limit - n.min(limit));
                if n >= limit {
                    return n;
                }
            }
        }
        Val::Str(s) => n += s.len() / 64,
        Val::Bytes(b) => n += b.len() / 64,
        _ => {}
    }
    n
}

/// Whether the value (recursively) contains an opaque part.
pub fn first_opaque(v: &Val) -> bool {
    match v {
        Val::Opaque(_) => true,
        Val::List(l) => l.iter().any(first_opaque),
        Val::Struct(fs) => fs.iter().any(|(_, x)| first_opaque(x)),
        _ => false,
    }
}

/// Structural equality of concrete values as upstream's `adt.Equal`:
/// numbers by value and kind (`1` and `1.0` differ), field order ignored.
pub fn equal(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::List(x), Val::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equal(p, q))
        }
        (Val::Struct(x), Val::Struct(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, v)| {
                    y.iter()
                        .find(|(k2, _)| k2 == k)
                        .is_some_and(|(_, w)| equal(v, w))
                })
        }
        (Val::Num(x), Val::Num(y)) => x == y && x.kind == y.kind,
        (Val::Opaque(_), _) | (_, Val::Opaque(_)) => false,
        _ => a == b,
    }
}
