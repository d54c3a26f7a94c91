//! Package `encoding/json`, and JSON ⇄ [`Val`] conversion.

use std::sync::Arc;

use super::util::{self, any, bytes, string};
use super::{CallCtx, CallError, CallResult, Package, Val};
use crate::golang::encoding::STD_ENCODING;
use crate::golang::json as gj;
use crate::num::Number;

pub static PACKAGE: Package = Package {
    path: "encoding/json",
    funcs: &[
        func!("Valid", [StringOrBytes], Bool, |_, a| Ok(Val::Bool(
            gj::valid(bytes(a, 0)?)
        ))),
        func!("Compact", [StringOrBytes], String, |_, a| {
            let out = gj::compact(bytes(a, 0)?).map_err(|e| CallError::msg(e.to_string()))?;
            Ok(Val::str(String::from_utf8_lossy(&out)))
        }),
        func!("Indent", [StringOrBytes, String, String], String, |_, a| {
            let src = bytes(a, 0)?;
            let (prefix, indent) = (string(a, 1)?, string(a, 2)?);
            // Each byte may start a line carrying prefix and indentation.
            let depth = src.iter().filter(|&&c| c == b'[' || c == b'{').count();
            let worst = src
                .len()
                .saturating_mul(prefix.len() + 1)
                .saturating_add(src.len().saturating_mul(depth.saturating_mul(indent.len())));
            if worst > util::MAX_RESULT_BYTES && !indent.is_empty() {
                return util::msg("result too large");
            }
            let out = gj::indent(src, prefix, indent).map_err(|e| CallError::msg(e.to_string()))?;
            Ok(Val::str(String::from_utf8_lossy(&out)))
        }),
        func!("HTMLEscape", [StringOrBytes], String, |_, a| {
            let out = gj::html_escape(bytes(a, 0)?);
            Ok(Val::str(String::from_utf8_lossy(&out)))
        }),
        func!("Marshal", [Top], String, |_, a| Ok(Val::str(marshal(
            any(a, 0)?
        )?))),
        func!("MarshalStream", [Top], String, |_, a| {
            let l = match any(a, 0)? {
                Val::List(l) => l,
                Val::Opaque(_) => return Err(CallError::Incomplete("non-concrete value".into())),
                v => {
                    return util::msg(format!(
                        "cannot use value {} (type {}) as list",
                        v.to_cue_string(),
                        v.kind_name()
                    ));
                }
            };
            let mut out = String::new();
            for v in l {
                out.push_str(&marshal(v)?);
                out.push('\n');
            }
            Ok(Val::str(out))
        }),
        func!("UnmarshalStream", [StringOrBytes], Top, |_, a| {
            let src = bytes(a, 0)?;
            let mut p = Parser { s: src, p: 0 };
            let mut out = Vec::new();
            loop {
                p.ws();
                if p.p >= src.len() {
                    break;
                }
                let start = p.p;
                match p.value(0) {
                    Ok(v) => out.push(v),
                    Err(_) => {
                        // Report as upstream's decoder does.
                        let rest = &src[start..];
                        let msg = match gj::check(rest) {
                            Err(e) if e.msg.contains("end of JSON input") => {
                                "unexpected EOF".to_string()
                            }
                            Err(e) => e.to_string(),
                            Ok(()) => "invalid JSON".to_string(),
                        };
                        return util::msg(format!("invalid JSON for file \"\": {msg}"));
                    }
                }
            }
            Ok(Val::List(out))
        }),
        func!("Unmarshal", [StringOrBytes], Top, |_, a| unmarshal(bytes(
            a, 0
        )?)),
        func!("Validate", [StringOrBytes, Top], Bool, validate),
    ],
    consts: &[],
    cue: "",
};

fn validate(c: &mut dyn CallCtx, a: &[Val]) -> CallResult {
    let v = unmarshal(bytes(a, 0)?)?;
    c.validate(any(a, 1)?, &v)?;
    Ok(Val::Bool(true))
}

/// `json.Unmarshal`: JSON text to a value (numbers keep their written
/// form and kind: `1` is an int, `1.0` and `1e3` floats).
pub fn unmarshal(src: &[u8]) -> CallResult {
    if !gj::valid(src) {
        return util::msg("json: invalid JSON");
    }
    let mut p = Parser { s: src, p: 0 };
    p.value(0)
}

/// Encodes a value as `json.Marshal` does (compact, `<>&` not escaped,
/// fields in order, bytes as base64).
pub fn marshal(v: &Val) -> Result<String, CallError> {
    let mut out = String::new();
    write_json(&mut out, v)?;
    Ok(out)
}

fn write_json(out: &mut String, v: &Val) -> Result<(), CallError> {
    match v {
        Val::Null => out.push_str("null"),
        Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Val::Num(n) => out.push_str(&n.to_json_string()),
        Val::Str(s) => out.push_str(&gj::quote_string(s.as_bytes(), false)),
        Val::Bytes(b) => out.push_str(&gj::quote_string(STD_ENCODING.encode(b).as_bytes(), false)),
        Val::List(l) => {
            out.push('[');
            for (i, x) in l.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, x)?;
            }
            out.push(']');
        }
        Val::Struct(fs) => {
            out.push('{');
            for (i, (k, x)) in fs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&gj::quote_string(k.as_bytes(), false));
                out.push(':');
                write_json(out, x)?;
            }
            out.push('}');
        }
        Val::Opaque(_) => {
            return Err(CallError::Incomplete("incomplete value".into()));
        }
    }
    if out.len() > util::MAX_RESULT_BYTES {
        return util::msg("result too large");
    }
    Ok(())
}

/// Deepest nesting accepted when reading (a stack guard).
const MAX_DEPTH: usize = 1000;

/// A reader for JSON already checked to be valid (errors only guard
/// against malformed input in streams).
struct Parser<'a> {
    s: &'a [u8],
    p: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.p < self.s.len() && matches!(self.s[self.p], b' ' | b'\t' | b'\n' | b'\r') {
            self.p += 1;
        }
    }

    fn err<T>(&self) -> Result<T, CallError> {
        util::msg("json: invalid JSON")
    }

    fn value(&mut self, depth: usize) -> CallResult {
        if depth > MAX_DEPTH {
            return util::msg("json: nesting too deep");
        }
        self.ws();
        match self.s.get(self.p) {
            Some(b'{') => {
                self.p += 1;
                let mut fields: Vec<(Arc<str>, Val)> = Vec::new();
                self.ws();
                if self.s.get(self.p) == Some(&b'}') {
                    self.p += 1;
                    return Ok(Val::Struct(fields));
                }
                loop {
                    self.ws();
                    let k = self.string()?;
                    self.ws();
                    if self.s.get(self.p) != Some(&b':') {
                        return self.err();
                    }
                    self.p += 1;
                    let v = self.value(depth + 1)?;
                    insert_field(&mut fields, &k, v)?;
                    self.ws();
                    match self.s.get(self.p) {
                        Some(b',') => self.p += 1,
                        Some(b'}') => {
                            self.p += 1;
                            return Ok(Val::Struct(fields));
                        }
                        _ => return self.err(),
                    }
                }
            }
            Some(b'[') => {
                self.p += 1;
                let mut out = Vec::new();
                self.ws();
                if self.s.get(self.p) == Some(&b']') {
                    self.p += 1;
                    return Ok(Val::List(out));
                }
                loop {
                    out.push(self.value(depth + 1)?);
                    self.ws();
                    match self.s.get(self.p) {
                        Some(b',') => self.p += 1,
                        Some(b']') => {
                            self.p += 1;
                            return Ok(Val::List(out));
                        }
                        _ => return self.err(),
                    }
                }
            }
            Some(b'"') => Ok(Val::str(self.string()?)),
            Some(b't') => self.word("true", Val::Bool(true)),
            Some(b'f') => self.word("false", Val::Bool(false)),
            Some(b'n') => self.word("null", Val::Null),
            Some(c) if *c == b'-' || c.is_ascii_digit() => {
                let start = self.p;
                self.p += 1;
                while self.p < self.s.len()
                    && matches!(
                        self.s[self.p],
                        b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-'
                    )
                {
                    self.p += 1;
                }
                let t = std::str::from_utf8(&self.s[start..self.p]).unwrap_or("");
                match Number::parse(t) {
                    Ok(n) => Ok(Val::Num(n)),
                    Err(e) => util::msg(e.to_string()),
                }
            }
            _ => self.err(),
        }
    }

    fn word(&mut self, w: &str, v: Val) -> CallResult {
        if self.s[self.p..].starts_with(w.as_bytes()) {
            self.p += w.len();
            Ok(v)
        } else {
            self.err()
        }
    }

    fn hex4(&mut self) -> Result<u32, CallError> {
        let h = self
            .s
            .get(self.p..self.p + 4)
            .ok_or(CallError::msg("json: invalid JSON"))?;
        let h = std::str::from_utf8(h).map_err(|_| CallError::msg("json: invalid JSON"))?;
        let v = u32::from_str_radix(h, 16).map_err(|_| CallError::msg("json: invalid JSON"))?;
        self.p += 4;
        Ok(v)
    }

    fn string(&mut self) -> Result<String, CallError> {
        if self.s.get(self.p) != Some(&b'"') {
            return self.err();
        }
        self.p += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(&c) = self.s.get(self.p) else {
                return self.err();
            };
            self.p += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let Some(&e) = self.s.get(self.p) else {
                        return self.err();
                    };
                    self.p += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            if (0xD800..0xDC00).contains(&hi)
                                && self.s.get(self.p..self.p + 2) == Some(b"\\u")
                            {
                                let save = self.p;
                                self.p += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                    char::from_u32(c).unwrap_or('\u{FFFD}')
                                } else {
                                    self.p = save;
                                    '\u{FFFD}'
                                }
                            } else {
                                char::from_u32(hi).unwrap_or('\u{FFFD}')
                            }
                        }
                        _ => return self.err(),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                c => out.push(c),
            }
        }
        Ok(String::from_utf8_lossy(&out).into_owned())
    }
}

/// Adds a field as CUE unifies duplicate labels: equal values merge,
/// structs merge field by field, anything else conflicts.
pub fn insert_field(fields: &mut Vec<(Arc<str>, Val)>, k: &str, v: Val) -> Result<(), CallError> {
    if let Some(i) = fields.iter().position(|(f, _)| &**f == k) {
        let old = std::mem::replace(&mut fields[i].1, Val::Null);
        fields[i].1 = unify(old, v)?;
        return Ok(());
    }
    fields.push((Arc::from(k), v));
    Ok(())
}

fn unify(old: Val, new: Val) -> CallResult {
    match (old, new) {
        (Val::Struct(mut a), Val::Struct(b)) => {
            for (k, v) in b {
                insert_field(&mut a, &k, v)?;
            }
            Ok(Val::Struct(a))
        }
        (a, b) => {
            let same_kind = match (&a, &b) {
                (Val::Num(x), Val::Num(y)) => x.kind == y.kind,
                _ => true,
            };
            if a == b && same_kind {
                Ok(a)
            } else if a.kind_name() != b.kind_name() {
                util::msg(format!(
                    "conflicting values {} and {} (mismatched types {} and {})",
                    a.to_cue_string(),
                    b.to_cue_string(),
                    a.kind_name(),
                    b.kind_name()
                ))
            } else {
                util::msg(format!(
                    "conflicting values {} and {}",
                    b.to_cue_string(),
                    a.to_cue_string()
                ))
            }
        }
    }
}
