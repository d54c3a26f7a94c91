//! Package `strconv`.

use num_bigint::BigInt;

use super::util::{self, arg, big_int, decimal_val, float_val, float64, int, int_bits, string};
use super::{CallError, CallResult, Package, Val};
use crate::golang::strconv as gs;
use crate::golang::unicode;
use crate::num::Number;
use crate::syntax::literal::{self, StrValue};

pub static PACKAGE: Package = Package {
    path: "strconv",
    funcs: &[
        func!("Unquote", [String], String, |_, a| {
            let s = string(a, 0)?;
            let (first, last) = (s.bytes().next(), s.bytes().last());
            let quote = |c: Option<u8>| matches!(c, Some(b'"' | b'\'' | b'#'));
            if s.len() < 2 || !quote(first) || !quote(last) {
                return util::msg(if quote(first) || quote(last) {
                    "invalid string: unmatched quote"
                } else {
                    "invalid syntax"
                });
            }
            match literal::unquote(s) {
                Ok(StrValue::String(s)) => Ok(Val::str(s)),
                Ok(StrValue::Bytes(b)) => Ok(Val::str(String::from_utf8_lossy(&b))),
                Err(_) => util::msg("invalid syntax"),
            }
        }),
        func!("ParseBool", [String], Bool, |_, a| {
            gs::parse_bool(string(a, 0)?)
                .map(Val::Bool)
                .map_err(|e| CallError::msg(e.to_string()))
        }),
        func!("FormatBool", [Bool], String, |_, a| Ok(Val::str(
            gs::format_bool(util::boolean(a, 0)?)
        ))),
        func!("ParseFloat", [String, Int], Number, |_, a| {
            let s = string(a, 0)?;
            let bits = int(a, 1)?;
            let f = gs::parse_float(s, if bits == 32 { 32 } else { 64 })
                .map_err(|e| CallError::msg(e.to_string()))?;
            float_val(f)
        }),
        func!("ParseNumber", [String], Number, |_, a| parse_number(
            string(a, 0)?
        )),
        func!("ParseUint", [String, Int, Int], Int, |_, a| {
            let s = string(a, 0)?;
            let base = base_arg(int(a, 1)?)?;
            let bits = int(a, 2)?;
            gs::parse_uint(s, base, bits)
                .map(Val::int)
                .map_err(|e| CallError::msg(e.to_string()))
        }),
        func!("ParseInt", [String, Int, Int], Int, |_, a| {
            let s = string(a, 0)?;
            let base = base_arg(int(a, 1)?)?;
            let bits = int(a, 2)?;
            gs::parse_int(s, base, bits)
                .map(Val::int)
                .map_err(|e| CallError::msg(e.to_string()))
        }),
        func!("Atoi", [String], Int, |_, a| {
            gs::atoi(string(a, 0)?)
                .map(Val::int)
                .map_err(|e| CallError::msg(e.to_string()))
        }),
        func!("FormatFloat", [Number, Top, Int, Int], String, format_float),
        func!("FormatUint", [Int, Int], String, format_int),
        func!("FormatInt", [Int, Int], String, format_int),
        func!("Quote", [String], String, |_, a| Ok(Val::str(gs::quote(
            string(a, 0)?
        )))),
        func!("QuoteToASCII", [String], String, |_, a| Ok(Val::str(
            gs::quote_to_ascii(string(a, 0)?)
        ))),
        func!("QuoteToGraphic", [String], String, |_, a| Ok(Val::str(
            gs::quote_to_graphic(string(a, 0)?)
        ))),
        func!("QuoteRune", [Int], String, |_, a| Ok(Val::str(
            gs::quote_rune(rune(a, 0)?)
        ))),
        func!("QuoteRuneToASCII", [Int], String, |_, a| Ok(Val::str(
            gs::quote_rune_to_ascii(rune(a, 0)?)
        ))),
        func!("QuoteRuneToGraphic", [Int], String, |_, a| {
            let r = rune(a, 0)?;
            // The quoted rune with graphic characters kept.
            let q = gs::quote_to_graphic(&r.to_string());
            Ok(Val::str(format!(
                "'{}'",
                q[1..q.len() - 1].replace("\\\"", "\"").replace('\'', "\\'")
            )))
        }),
        func!("IsPrint", [Int], Bool, |_, a| Ok(Val::Bool(
            rune_opt(a, 0)?.is_some_and(unicode::is_print)
        ))),
        func!("IsGraphic", [Int], Bool, |_, a| Ok(Val::Bool(
            rune_opt(a, 0)?.is_some_and(unicode::is_graphic)
        ))),
    ],
    consts: &[("IntSize", || Val::int(64))],
    cue: "",
};

/// A base argument (`big.Int.SetString` accepts 0 and 2 to 62).
fn base_arg(b: i64) -> Result<u32, CallError> {
    if b == 0 || (2..=62).contains(&b) {
        Ok(b as u32)
    } else {
        util::msg(format!("invalid number base {b}"))
    }
}

fn rune_opt(a: &[Val], i: usize) -> Result<Option<char>, CallError> {
    let r = int_bits(a, i, 32, "rune")? as u32 as i32;
    Ok(u32::try_from(r).ok().and_then(char::from_u32))
}

/// A rune argument; invalid code points read as U+FFFD, as Go's quoting
/// functions treat them.
fn rune(a: &[Val], i: usize) -> Result<char, CallError> {
    Ok(rune_opt(a, i)?.unwrap_or('\u{FFFD}'))
}

fn format_int(_: &mut dyn super::CallCtx, a: &[Val]) -> CallResult {
    let i: BigInt = big_int(a, 0)?;
    let base = int(a, 1)?;
    if !(2..=62).contains(&base) {
        return util::msg("invalid base");
    }
    gs::format_int(&i, base as u32)
        .map(Val::str)
        .ok_or_else(|| CallError::msg("invalid base"))
}

fn format_float(_: &mut dyn super::CallCtx, a: &[Val]) -> CallResult {
    let f = float64(a, 0)?;
    let fmt = match arg(a, 1)? {
        Val::Str(s) => {
            if s.len() != 1 {
                return util::msg("expected single character string");
            }
            s.as_bytes()[0]
        }
        Val::Num(n) if n.is_int() => {
            let v = n.to_i64().unwrap_or(i64::MAX);
            if !(0..=255).contains(&v) {
                return util::msg(format!("format value {n} out of range [0, 255]"));
            }
            v as u8
        }
        v => return util::msg(format!("unexpected kind {}", v.kind_name())),
    };
    let prec = int(a, 2)?;
    let bits = int(a, 3)?;
    // Bound the precision: Go would build a string of that many digits.
    if prec > 10_000_000 {
        return util::msg("precision too large");
    }
    let prec = prec.max(-1) as i32;
    Ok(Val::str(gs::format_float(
        f,
        fmt as char,
        prec,
        if bits == 32 { 32 } else { 64 },
    )))
}

/// Upstream's `literal.ParseNum` checks, giving its messages.
fn check_number(src: &str) -> Result<(), String> {
    let b = src.as_bytes();
    let mut p = 0usize;
    let ch = |p: usize| b.get(p).copied().unwrap_or(0);
    if b.is_empty() {
        return Err(format!("invalid number {}", gs::quote(src)));
    }
    if b.contains(&0) {
        return Err("illegal character NUL".into());
    }
    if ch(p) == b'-' || ch(p) == b'+' {
        p += 1;
    }
    let digit = |c: u8| -> u32 {
        match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'_' => 0,
            b'a'..=b'f' => u32::from(c - b'a' + 10),
            b'A'..=b'F' => u32::from(c - b'A' + 10),
            _ => 16,
        }
    };
    // Scans digits of `base`; returns whether any digit was seen.
    let mantissa = |p: &mut usize, base: u32| -> Result<bool, String> {
        let mut has = false;
        let mut last = 0u8;
        while digit(ch(*p)) < base {
            let c = ch(*p);
            if last == b'_' && c == b'_' {
                return Err("illegal '_' in number".into());
            }
            if c != b'_' {
                has = true;
            }
            last = c;
            *p += 1;
        }
        if last == b'_' {
            return Err("illegal '_' in number".into());
        }
        Ok(has)
    };
    let q = |what: &str| format!("{what} {}", gs::quote(src));
    let mut fraction = false;
    if ch(p) == b'.' {
        p += 1;
        if !mantissa(&mut p, 10)? {
            return Err(q("illegal fraction"));
        }
    } else if ch(p) == b'0' {
        p += 1;
        match ch(p) {
            b'x' | b'X' | b'b' | b'o' => {
                let (base, name) = match ch(p) {
                    b'b' => (2, "illegal binary number"),
                    b'o' => (8, "illegal octal number"),
                    _ => (16, "illegal hexadecimal number"),
                };
                p += 1;
                if !mantissa(&mut p, base)? {
                    return Err(q(name));
                }
                if p < b.len() {
                    return Err(q("illegal number"));
                }
                return Ok(());
            }
            _ => {
                let seen = mantissa(&mut p, 10)?;
                match ch(p) {
                    b'e' | b'E' | b'.' => fraction = true,
                    _ => {
                        if seen {
                            return Err(q("illegal integer number"));
                        }
                        match ch(p) {
                            0 => return Ok(()),
                            b'K' | b'M' | b'G' | b'T' | b'P' => {}
                            _ => return Err(q("illegal number")),
                        }
                    }
                }
            }
        }
    } else {
        if !mantissa(&mut p, 10)? {
            return Err(q("illegal number start"));
        }
        fraction = true;
    }
    if fraction && ch(p) == b'.' {
        p += 1;
        mantissa(&mut p, 10)?;
    }
    match ch(p) {
        b'K' | b'M' | b'G' | b'T' | b'P' => {
            p += 1;
            if ch(p) == b'i' {
                p += 1;
            }
            if p < b.len() {
                return Err(q("illegal trailing characters in number"));
            }
            return Ok(());
        }
        b'e' | b'E' => {
            p += 1;
            if ch(p) == b'-' || ch(p) == b'+' {
                p += 1;
            }
            if !mantissa(&mut p, 10)? {
                return Err(q("illegal exponent"));
            }
        }
        _ => {}
    }
    if p < b.len() {
        return Err(q("illegal number"));
    }
    Ok(())
}

fn parse_number(s: &str) -> CallResult {
    let err = |m: String| {
        CallError::msg(format!(
            "strconv.ParseNumber: parsing {}: {m}",
            gs::quote(s)
        ))
    };
    check_number(s).map_err(err)?;
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lit = literal::parse_number(body).map_err(err)?;
    let n = Number::from_lit_strict(&lit).map_err(|e| err(e.to_string()))?;
    let n = if neg { n.neg() } else { n };
    Ok(decimal_val(n.value))
}
