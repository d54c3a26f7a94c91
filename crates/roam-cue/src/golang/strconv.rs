//! Go `strconv` behaviour as CUE's `strconv` package exposes it.
//!
//! * [`quote`], [`quote_to_ascii`], [`quote_to_graphic`], [`quote_rune`],
//!   [`quote_bytes`]: Go's escaping (`\a \b \f \n \r \t \v`, `\xHH` for
//!   control bytes and invalid UTF-8, `\uHHHH`/`\UHHHHHHHH` for
//!   non-printable runes, lower-case hex).
//! * [`unquote`]/[`unquote_bytes`]: Go string, raw-string and rune literals.
//! * [`format_float`]: all of `b e E f g G x X`, shortest (`prec < 0`) and
//!   fixed precision, 32- and 64-bit, digit for digit as Go.
//! * [`parse_float`]: Go's syntax (hex floats need a `p` exponent, `inf`,
//!   `infinity`, `nan`, underscores between digits), correctly rounded.
//! * [`parse_int`]/[`parse_uint`]/[`atoi`]: CUE's versions, which parse with
//!   `big.Int.SetString` (base 0 means Go literal prefixes and underscores;
//!   bases up to 62), bit size 0 means unlimited, a negative bit size is a
//!   range error, and `ParseUint("-1")` is a range error.
//! * [`format_int`]: `big.Int.Text(base)` for bases 2..=62.
//! * [`go_parse_int`]/[`go_parse_uint`]/[`go_atoi`]: Go's own 64-bit
//!   parsers with their errors (`invalid base 1`, `invalid bit size 65`).
//! * [`parse_bool`], [`format_bool`], [`itoa`].

use std::fmt;

use num_bigint::{BigInt, Sign};
use num_traits::{Signed, ToPrimitive, Zero};

use super::unicode::{is_graphic, is_print};

/// What went wrong in a `strconv` parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumErrorKind {
    /// `invalid syntax`
    Syntax,
    /// `value out of range`
    Range,
    /// `invalid base N` (Go's machine-integer parsers only)
    Base(i64),
    /// `invalid bit size N` (Go's machine-integer parsers only)
    BitSize(i64),
}

/// Go's `*strconv.NumError`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumError {
    /// The Go function name, e.g. `ParseInt`.
    pub func: &'static str,
    /// The input.
    pub num: String,
    pub kind: NumErrorKind,
}

impl fmt::Display for NumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = match self.kind {
            NumErrorKind::Syntax => "invalid syntax".to_string(),
            NumErrorKind::Range => "value out of range".to_string(),
            NumErrorKind::Base(b) => format!("invalid base {b}"),
            NumErrorKind::BitSize(b) => format!("invalid bit size {b}"),
        };
        write!(
            f,
            "strconv.{}: parsing {}: {}",
            self.func,
            quote(&self.num),
            e
        )
    }
}

impl std::error::Error for NumError {}

fn num_err(func: &'static str, s: &str, kind: NumErrorKind) -> NumError {
    NumError {
        func,
        num: s.to_string(),
        kind,
    }
}

/// Go's `strconv.ErrSyntax` for [`unquote`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyntaxError;

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid syntax")
    }
}

impl std::error::Error for SyntaxError {}

// ---------------------------------------------------------------------------
// Quoting
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Print,
    Ascii,
    Graphic,
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn push_escaped_rune(out: &mut String, r: char, quote: char, mode: Mode) {
    if r == quote || r == '\\' {
        out.push('\\');
        out.push(r);
        return;
    }
    let raw = match mode {
        Mode::Ascii => r.is_ascii() && is_print(r),
        Mode::Print => is_print(r),
        Mode::Graphic => is_print(r) || is_graphic(r),
    };
    if raw {
        out.push(r);
        return;
    }
    match r {
        '\x07' => out.push_str(r"\a"),
        '\x08' => out.push_str(r"\b"),
        '\x0C' => out.push_str(r"\f"),
        '\n' => out.push_str(r"\n"),
        '\r' => out.push_str(r"\r"),
        '\t' => out.push_str(r"\t"),
        '\x0B' => out.push_str(r"\v"),
        _ => {
            let v = r as u32;
            if v < 0x20 || v == 0x7F {
                out.push_str(r"\x");
                out.push(HEX[(v >> 4) as usize] as char);
                out.push(HEX[(v & 15) as usize] as char);
            } else if v < 0x10000 {
                out.push_str(r"\u");
                for s in (0..4).rev() {
                    out.push(HEX[((v >> (4 * s)) & 15) as usize] as char);
                }
            } else {
                out.push_str(r"\U");
                for s in (0..8).rev() {
                    out.push(HEX[((v >> (4 * s)) & 15) as usize] as char);
                }
            }
        }
    }
}

fn quote_with(bytes: &[u8], quote: char, mode: Mode) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push(quote);
    let mut rest = bytes;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                for c in s.chars() {
                    push_escaped_rune(&mut out, c, quote, mode);
                }
                break;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                for c in std::str::from_utf8(good).unwrap().chars() {
                    push_escaped_rune(&mut out, c, quote, mode);
                }
                // Go escapes the first bad byte and resumes at the next one.
                out.push_str(r"\x");
                out.push(HEX[(bad[0] >> 4) as usize] as char);
                out.push(HEX[(bad[0] & 15) as usize] as char);
                rest = &bad[1..];
            }
        }
    }
    out.push(quote);
    out
}

/// Go `strconv.Quote`.
pub fn quote(s: &str) -> String {
    quote_with(s.as_bytes(), '"', Mode::Print)
}

/// Go `strconv.Quote` on a byte string that may hold invalid UTF-8
/// (each bad byte becomes `\xHH`).
pub fn quote_bytes(s: &[u8]) -> String {
    quote_with(s, '"', Mode::Print)
}

/// Go `strconv.QuoteToASCII`.
pub fn quote_to_ascii(s: &str) -> String {
    quote_with(s.as_bytes(), '"', Mode::Ascii)
}

/// Go `strconv.QuoteToGraphic`.
pub fn quote_to_graphic(s: &str) -> String {
    quote_with(s.as_bytes(), '"', Mode::Graphic)
}

/// Go `strconv.QuoteRune`.
pub fn quote_rune(r: char) -> String {
    let mut out = String::from("'");
    push_escaped_rune(&mut out, r, '\'', Mode::Print);
    out.push('\'');
    out
}

/// Go `strconv.QuoteRuneToASCII`.
pub fn quote_rune_to_ascii(r: char) -> String {
    let mut out = String::from("'");
    push_escaped_rune(&mut out, r, '\'', Mode::Ascii);
    out.push('\'');
    out
}

/// Go `strconv.Unquote`, returning the raw bytes (`\xff` can make invalid
/// UTF-8, as in Go).
pub fn unquote_bytes(s: &str) -> Result<Vec<u8>, SyntaxError> {
    let b = s.as_bytes();
    if b.len() < 2 {
        return Err(SyntaxError);
    }
    let q = b[0];
    if b[b.len() - 1] != q {
        return Err(SyntaxError);
    }
    let inner = &s[1..s.len() - 1];
    match q {
        b'`' => {
            if inner.contains('`') {
                return Err(SyntaxError);
            }
            Ok(inner.bytes().filter(|&c| c != b'\r').collect())
        }
        // Go quirk: `''` unquotes to the empty string.
        b'\'' if inner.is_empty() => Ok(Vec::new()),
        b'"' | b'\'' => {
            let quote = q as char;
            let mut out = Vec::new();
            let mut rest = inner;
            let mut n = 0;
            while !rest.is_empty() {
                if rest.starts_with('\n') {
                    return Err(SyntaxError);
                }
                let (v, multibyte, r) = unquote_char(rest, quote)?;
                rest = r;
                if v < 0x80 || !multibyte {
                    out.push(v as u8);
                } else {
                    let c = char::from_u32(v).ok_or(SyntaxError)?;
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                n += 1;
            }
            if quote == '\'' && n != 1 {
                return Err(SyntaxError);
            }
            Ok(out)
        }
        _ => Err(SyntaxError),
    }
}

/// Go `strconv.Unquote`. Invalid UTF-8 produced by `\x`/octal escapes is
/// replaced by U+FFFD (use [`unquote_bytes`] to keep the bytes).
pub fn unquote(s: &str) -> Result<String, SyntaxError> {
    let b = unquote_bytes(s)?;
    Ok(match String::from_utf8(b) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// Go `strconv.UnquoteChar`: `(value, multibyte, rest)`.
fn unquote_char(s: &str, quote: char) -> Result<(u32, bool, &str), SyntaxError> {
    let c = s.chars().next().ok_or(SyntaxError)?;
    if c == quote && (quote == '\'' || quote == '"') {
        return Err(SyntaxError);
    }
    if !c.is_ascii() {
        return Ok((c as u32, true, &s[c.len_utf8()..]));
    }
    if c != '\\' {
        return Ok((c as u32, false, &s[1..]));
    }
    let b = s.as_bytes();
    if b.len() <= 1 {
        return Err(SyntaxError);
    }
    let e = b[1];
    let rest = &s[2..];
    let simple = |v: u8| Ok((v as u32, false, rest));
    match e {
        b'a' => simple(7),
        b'b' => simple(8),
        b'f' => simple(12),
        b'n' => simple(b'\n'),
        b'r' => simple(b'\r'),
        b't' => simple(b'\t'),
        b'v' => simple(11),
        b'x' | b'u' | b'U' => {
            let n = match e {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let digits = rest.get(..n).ok_or(SyntaxError)?;
            let mut v = 0u32;
            for d in digits.chars() {
                v = v * 16 + d.to_digit(16).ok_or(SyntaxError)?;
            }
            if e == b'x' {
                return Ok((v, false, &rest[n..]));
            }
            if char::from_u32(v).is_none() {
                return Err(SyntaxError);
            }
            Ok((v, true, &rest[n..]))
        }
        b'0'..=b'7' => {
            let mut v = (e - b'0') as u32;
            let digits = rest.get(..2).ok_or(SyntaxError)?;
            for d in digits.bytes() {
                if !(b'0'..=b'7').contains(&d) {
                    return Err(SyntaxError);
                }
                v = v * 8 + (d - b'0') as u32;
            }
            if v > 255 {
                return Err(SyntaxError);
            }
            Ok((v, false, &rest[2..]))
        }
        b'\\' => simple(b'\\'),
        b'\'' | b'"' => {
            if e as char != quote {
                return Err(SyntaxError);
            }
            simple(e)
        }
        _ => Err(SyntaxError),
    }
}

// ---------------------------------------------------------------------------
// Integers
// ---------------------------------------------------------------------------

/// `big.Int.SetString(s, base)`; `None` on any syntax error.
pub fn big_int_set_string(s: &str, base: u32) -> Option<BigInt> {
    if base == 1 || base > 62 {
        return None;
    }
    let b = s.as_bytes();
    let mut i = 0;
    let mut neg = false;
    match b.first() {
        Some(b'-') => {
            neg = true;
            i = 1;
        }
        Some(b'+') => i = 1,
        Some(_) => {}
        None => return None,
    }
    let mut radix = base;
    let mut prev = b'.';
    let mut inval_sep = false;
    let mut count = 0usize;
    let mut octal_zero = false;
    if base == 0 {
        radix = 10;
        if b.get(i) == Some(&b'0') {
            prev = b'0';
            count = 1;
            i += 1;
            match b.get(i).map(u8::to_ascii_lowercase) {
                Some(b'b') => {
                    radix = 2;
                    count = 0;
                    i += 1;
                }
                Some(b'o') => {
                    radix = 8;
                    count = 0;
                    i += 1;
                }
                Some(b'x') => {
                    radix = 16;
                    count = 0;
                    i += 1;
                }
                Some(_) => {
                    radix = 8;
                    count = 0;
                    octal_zero = true;
                }
                None => {}
            }
        }
    }
    let mut digits: Vec<u8> = Vec::new();
    while i < b.len() {
        let ch = b[i];
        if ch == b'_' && base == 0 {
            if prev != b'0' {
                inval_sep = true;
            }
            prev = b'_';
            i += 1;
            continue;
        }
        let d = match ch {
            b'0'..=b'9' => (ch - b'0') as u32,
            b'a'..=b'z' => (ch - b'a') as u32 + 10,
            b'A'..=b'Z' => {
                if radix <= 36 {
                    (ch - b'A') as u32 + 10
                } else {
                    (ch - b'A') as u32 + 36
                }
            }
            _ => 99,
        };
        if d >= radix {
            return None; // trailing garbage: SetString requires EOF
        }
        prev = b'0';
        count += 1;
        digits.push(d as u8);
        i += 1;
    }
    if inval_sep || prev == b'_' {
        return None;
    }
    if count == 0 {
        if octal_zero {
            return Some(BigInt::zero());
        }
        return None;
    }
    let mag = num_bigint::BigUint::from_radix_be(&digits, radix)?;
    let v = BigInt::from_biguint(if neg { Sign::Minus } else { Sign::Plus }, mag);
    Some(v)
}

/// CUE `strconv.ParseInt(s, base, bitSize)`.
pub fn parse_int(s: &str, base: u32, bit_size: i64) -> Result<BigInt, NumError> {
    parse_int_named("ParseInt", s, base, bit_size)
}

fn parse_int_named(
    func: &'static str,
    s: &str,
    base: u32,
    bit_size: i64,
) -> Result<BigInt, NumError> {
    if bit_size < 0 {
        return Err(num_err(func, s, NumErrorKind::Range));
    }
    let v = big_int_set_string(s, base).ok_or_else(|| num_err(func, s, NumErrorKind::Syntax))?;
    if bit_size == 0 {
        return Ok(v);
    }
    let bits = v.bits() as i64;
    if bits < bit_size {
        return Ok(v);
    }
    if v.is_negative() && bits == bit_size && ((&v + 1u32).bits() as i64) < bit_size {
        return Ok(v);
    }
    Err(num_err(func, s, NumErrorKind::Range))
}

/// CUE `strconv.ParseUint(s, base, bitSize)`.
pub fn parse_uint(s: &str, base: u32, bit_size: i64) -> Result<BigInt, NumError> {
    let func = "ParseUint";
    if bit_size < 0 {
        return Err(num_err(func, s, NumErrorKind::Range));
    }
    let v = big_int_set_string(s, base).ok_or_else(|| num_err(func, s, NumErrorKind::Syntax))?;
    if v.is_negative() {
        return Err(num_err(func, s, NumErrorKind::Range));
    }
    if bit_size == 0 || (v.bits() as i64) <= bit_size {
        return Ok(v);
    }
    Err(num_err(func, s, NumErrorKind::Range))
}

/// CUE `strconv.Atoi` (`ParseInt(s, 10, 0)` reported as `Atoi`).
pub fn atoi(s: &str) -> Result<BigInt, NumError> {
    parse_int_named("Atoi", s, 10, 0)
}

/// Go's own `strconv.ParseUint(s, base, bitSize)` for machine integers
/// (bit size 0 means 64). On a range error Go also returns the maximum
/// value; here only the error is returned.
pub fn go_parse_uint(s: &str, base: i64, bit_size: i64) -> Result<u64, NumError> {
    go_parse_uint_named("ParseUint", s, base, bit_size)
}

fn go_parse_uint_named(
    func: &'static str,
    s0: &str,
    base: i64,
    bit_size: i64,
) -> Result<u64, NumError> {
    let e = |kind| num_err(func, s0, kind);
    if s0.is_empty() {
        return Err(e(NumErrorKind::Syntax));
    }
    let base0 = base == 0;
    let mut s = s0.as_bytes();
    let base: u64 = match base {
        2..=36 => base as u64,
        0 => {
            if s[0] == b'0' {
                match s.get(1).map(u8::to_ascii_lowercase) {
                    Some(b'b') if s.len() >= 3 => {
                        s = &s[2..];
                        2
                    }
                    Some(b'o') if s.len() >= 3 => {
                        s = &s[2..];
                        8
                    }
                    Some(b'x') if s.len() >= 3 => {
                        s = &s[2..];
                        16
                    }
                    _ => {
                        s = &s[1..];
                        8
                    }
                }
            } else {
                10
            }
        }
        _ => return Err(e(NumErrorKind::Base(base))),
    };
    let bit_size = match bit_size {
        0 => 64,
        1..=64 => bit_size,
        _ => return Err(e(NumErrorKind::BitSize(bit_size))),
    };
    let max_val: u64 = if bit_size == 64 {
        u64::MAX
    } else {
        (1u64 << bit_size) - 1
    };
    let mut n: u64 = 0;
    let mut underscores = false;
    for &c in s {
        let d = match c {
            b'_' if base0 => {
                underscores = true;
                continue;
            }
            b'0'..=b'9' => (c - b'0') as u64,
            _ if c.is_ascii_alphabetic() => (c.to_ascii_lowercase() - b'a') as u64 + 10,
            _ => return Err(e(NumErrorKind::Syntax)),
        };
        if d >= base {
            return Err(e(NumErrorKind::Syntax));
        }
        let Some(m) = n.checked_mul(base) else {
            return Err(e(NumErrorKind::Range));
        };
        match m.checked_add(d) {
            Some(v) if v <= max_val => n = v,
            _ => return Err(e(NumErrorKind::Range)),
        }
    }
    if underscores && !underscore_ok(s0) {
        return Err(e(NumErrorKind::Syntax));
    }
    Ok(n)
}

/// Go's own `strconv.ParseInt(s, base, bitSize)` for machine integers
/// (bit size 0 means 64), with Go's error values.
pub fn go_parse_int(s: &str, base: i64, bit_size: i64) -> Result<i64, NumError> {
    go_parse_int_named("ParseInt", s, base, bit_size)
}

/// Go's own `strconv.Atoi` (64-bit `int`).
pub fn go_atoi(s: &str) -> Result<i64, NumError> {
    go_parse_int_named("Atoi", s, 10, 0)
}

fn go_parse_int_named(
    func: &'static str,
    s0: &str,
    base: i64,
    bit_size: i64,
) -> Result<i64, NumError> {
    if s0.is_empty() {
        return Err(num_err(func, s0, NumErrorKind::Syntax));
    }
    let (neg, s) = match s0.as_bytes()[0] {
        b'+' => (false, &s0[1..]),
        b'-' => (true, &s0[1..]),
        _ => (false, s0),
    };
    let un = match go_parse_uint_named(func, s, base, bit_size) {
        Ok(v) => v,
        Err(err) if err.kind == NumErrorKind::Range => u64::MAX,
        Err(err) => {
            return Err(NumError {
                num: s0.to_string(),
                ..err
            });
        }
    };
    let bit_size = if bit_size == 0 { 64 } else { bit_size };
    let cutoff = 1u64 << (bit_size - 1);
    if !neg && un >= cutoff || neg && un > cutoff {
        return Err(num_err(func, s0, NumErrorKind::Range));
    }
    Ok(if neg {
        (un as i64).wrapping_neg()
    } else {
        un as i64
    })
}

/// Go `strconv.Itoa`.
pub fn itoa(i: i64) -> String {
    i.to_string()
}

/// `big.Int.Text(base)` (CUE `FormatInt`/`FormatUint`): digits `0-9a-zA-Z`,
/// base 2..=62; `None` for another base.
pub fn format_int(i: &BigInt, base: u32) -> Option<String> {
    if !(2..=62).contains(&base) {
        return None;
    }
    let (sign, digits) = i.to_radix_be(base);
    let mut out = String::new();
    if sign == Sign::Minus {
        out.push('-');
    }
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for d in digits {
        out.push(DIGITS[d as usize] as char);
    }
    Some(out)
}

/// Go `strconv.FormatInt` for machine integers (base 2..=36).
pub fn format_i64(i: i64, base: u32) -> Option<String> {
    if !(2..=36).contains(&base) {
        return None;
    }
    format_int(&BigInt::from(i), base)
}

/// Go `strconv.ParseBool`.
pub fn parse_bool(s: &str) -> Result<bool, NumError> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(false),
        _ => Err(num_err("ParseBool", s, NumErrorKind::Syntax)),
    }
}

/// Go `strconv.FormatBool`.
pub fn format_bool(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

// ---------------------------------------------------------------------------
// Floats: formatting
// ---------------------------------------------------------------------------

/// Decimal digits `0.d1d2...dn × 10^dp` without leading/trailing zeros
/// (`nd == 0` for zero).
struct Digits {
    d: Vec<u8>,
    dp: i32,
}

/// Parses Rust `{:e}` output (`d.ddde±x` or `de±x`) into digits.
fn digits_from_exp(s: &str) -> Digits {
    let s = s.trim_start_matches('-');
    let (mant, exp) = s.split_once('e').unwrap();
    let exp: i32 = exp.parse().unwrap();
    let mut d: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    while d.last() == Some(&b'0') {
        d.pop();
    }
    if d.is_empty() {
        return Digits { d, dp: 0 };
    }
    Digits { d, dp: exp + 1 }
}

/// Parses Rust `{:.N}` output (`ddd.ddd`) into digits.
fn digits_from_fixed(s: &str) -> Digits {
    let s = s.trim_start_matches('-');
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let mut all: Vec<u8> = int.bytes().chain(frac.bytes()).collect();
    let mut dp = int.len() as i32;
    while all.first() == Some(&b'0') {
        all.remove(0);
        dp -= 1;
    }
    while all.last() == Some(&b'0') {
        all.pop();
    }
    if all.is_empty() {
        return Digits { d: all, dp: 0 };
    }
    Digits { d: all, dp }
}

fn fmt_e(out: &mut String, d: &Digits, prec: i32, ch: char) {
    let nd = d.d.len() as i32;
    out.push(if nd != 0 { d.d[0] as char } else { '0' });
    if prec > 0 {
        out.push('.');
        let m = nd.min(prec + 1);
        let mut i = 1;
        while i < m {
            out.push(d.d[i as usize] as char);
            i += 1;
        }
        while i <= prec {
            out.push('0');
            i += 1;
        }
    }
    out.push(ch);
    let mut exp = if nd == 0 { 0 } else { d.dp - 1 };
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    if exp < 10 {
        out.push('0');
    }
    out.push_str(&exp.to_string());
}

fn fmt_f(out: &mut String, d: &Digits, prec: i32) {
    let nd = d.d.len() as i32;
    if d.dp > 0 {
        let m = nd.min(d.dp);
        for i in 0..m {
            out.push(d.d[i as usize] as char);
        }
        for _ in m..d.dp {
            out.push('0');
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 0..prec {
            let j = d.dp + i;
            out.push(if 0 <= j && j < nd {
                d.d[j as usize] as char
            } else {
                '0'
            });
        }
    }
}

fn format_digits(out: &mut String, shortest: bool, d: &Digits, mut prec: i32, fmt: char) {
    let nd = d.d.len() as i32;
    match fmt {
        'e' | 'E' => fmt_e(out, d, prec, fmt),
        'f' => fmt_f(out, d, prec),
        'g' | 'G' => {
            let mut eprec = prec;
            if eprec > nd && nd >= d.dp {
                eprec = nd;
            }
            if shortest {
                eprec = 6;
            }
            let exp = d.dp - 1;
            if exp < -4 || exp >= eprec {
                if prec > nd {
                    prec = nd;
                }
                let e = if fmt == 'g' { 'e' } else { 'E' };
                fmt_e(out, d, prec - 1, e);
                return;
            }
            if prec > d.dp {
                prec = nd;
            }
            fmt_f(out, d, (prec - d.dp).max(0));
        }
        _ => unreachable!(),
    }
}

/// Go `strconv.FormatFloat(f, fmt, prec, bitSize)`. `bit_size` 32 rounds
/// `f` to `f32` first; any other value means 64. An unknown `fmt` yields
/// `%` followed by it, as in Go.
pub fn format_float(f: f64, fmt: char, prec: i32, bit_size: u32) -> String {
    let is32 = bit_size == 32;
    let f = if is32 { f as f32 as f64 } else { f };
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    let neg = f.is_sign_negative();
    let mut out = String::new();
    match fmt {
        'b' => {
            if neg {
                out.push('-');
            }
            let (mant, exp) = float_parts(f, is32);
            let mb = if is32 { 23 } else { 52 };
            out.push_str(&mant.to_string());
            out.push('p');
            let e = exp - mb;
            if e >= 0 {
                out.push('+');
            }
            out.push_str(&e.to_string());
            return out;
        }
        'x' | 'X' => {
            let (mant, exp) = float_parts(f, is32);
            fmt_x(
                &mut out,
                prec,
                fmt,
                neg,
                mant,
                exp,
                if is32 { 23 } else { 52 },
            );
            return out;
        }
        'e' | 'E' | 'f' | 'g' | 'G' => {}
        other => {
            out.push('%');
            out.push(other);
            return out;
        }
    }
    if neg {
        out.push('-');
    }
    let a = f.abs();
    if a == 0.0 {
        let d = Digits { d: vec![], dp: 0 };
        format_digits(&mut out, prec < 0, &d, prec, fmt);
        return out;
    }
    if prec < 0 {
        let s = if is32 {
            format!("{:e}", a as f32)
        } else {
            format!("{a:e}")
        };
        let d = digits_from_exp(&s);
        let nd = d.d.len() as i32;
        let p = match fmt {
            'e' | 'E' => (nd - 1).max(0),
            'f' => (nd - d.dp).max(0),
            _ => nd,
        };
        format_digits(&mut out, true, &d, p, fmt);
        return out;
    }
    let (d, prec) = match fmt {
        'f' => (digits_from_fixed(&format!("{:.*}", prec as usize, a)), prec),
        'e' | 'E' => (digits_from_exp(&format!("{:.*e}", prec as usize, a)), prec),
        _ => {
            let p = prec.max(1);
            (digits_from_exp(&format!("{:.*e}", (p - 1) as usize, a)), p)
        }
    };
    format_digits(&mut out, false, &d, prec, fmt);
    out
}

/// Go's `(mant, exp)` for formats `b` and `x`: the integer mantissa with
/// the implicit bit, and the exponent with the bias removed.
fn float_parts(f: f64, is32: bool) -> (u64, i32) {
    if is32 {
        let bits = (f as f32).to_bits();
        let mut exp = ((bits >> 23) & 0xFF) as i32;
        let mut mant = (bits & ((1 << 23) - 1)) as u64;
        if exp == 0 {
            exp += 1;
        } else {
            mant |= 1 << 23;
        }
        (mant, exp - 127)
    } else {
        let bits = f.to_bits();
        let mut exp = ((bits >> 52) & 0x7FF) as i32;
        let mut mant = bits & ((1 << 52) - 1);
        if exp == 0 {
            exp += 1;
        } else {
            mant |= 1 << 52;
        }
        (mant, exp - 1023)
    }
}

fn fmt_x(out: &mut String, prec: i32, fmt: char, neg: bool, mant: u64, exp: i32, mantbits: u32) {
    let mut mant = mant;
    let mut exp = if mant == 0 { 0 } else { exp };
    mant <<= 60 - mantbits;
    while mant != 0 && mant & (1 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if (0..15).contains(&prec) {
        let shift = (prec * 4) as u32;
        let extra = (mant << shift) & ((1 << 60) - 1);
        mant >>= 60 - shift;
        if extra | (mant & 1) > 1 << 59 {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1 << 61) != 0 {
            mant >>= 1;
            exp += 1;
        }
    }
    let hex: &[u8] = if fmt == 'X' {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    if neg {
        out.push('-');
    }
    out.push('0');
    out.push(fmt);
    out.push((b'0' + ((mant >> 60) & 1) as u8) as char);
    mant <<= 4;
    if prec < 0 && mant != 0 {
        out.push('.');
        while mant != 0 {
            out.push(hex[((mant >> 60) & 15) as usize] as char);
            mant <<= 4;
        }
    } else if prec > 0 {
        out.push('.');
        for _ in 0..prec {
            out.push(hex[((mant >> 60) & 15) as usize] as char);
            mant <<= 4;
        }
    }
    out.push(if fmt == 'X' { 'P' } else { 'p' });
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    if exp < 10 {
        out.push('0');
    }
    out.push_str(&exp.to_string());
}

// ---------------------------------------------------------------------------
// Floats: parsing
// ---------------------------------------------------------------------------

/// Go's `underscoreOK`.
fn underscore_ok(s: &str) -> bool {
    let mut b = s.as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    if let Some(b'-' | b'+') = b.first() {
        b = &b[1..];
    }
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1].eq_ignore_ascii_case(&b'x');
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// Go `special`: `inf`, `infinity`, `nan` (case-insensitive, inf signed).
fn special(s: &str) -> Option<f64> {
    let l = s.to_ascii_lowercase();
    match l.as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" => Some(f64::INFINITY),
        "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
        "nan" => Some(f64::NAN),
        _ => None,
    }
}

/// Go `strconv.ParseFloat(s, bitSize)`; `bit_size` 32 rounds to `f32`.
/// Out-of-range values are `Err` with kind `Range` (Go also returns ±Inf).
pub fn parse_float(s: &str, bit_size: u32) -> Result<f64, NumError> {
    let syntax = || num_err("ParseFloat", s, NumErrorKind::Syntax);
    let range = || num_err("ParseFloat", s, NumErrorKind::Range);
    let is32 = bit_size == 32;
    if let Some(v) = special(s) {
        return Ok(v);
    }
    let b = s.as_bytes();
    let mut i = 0;
    let mut neg = false;
    match b.first() {
        Some(b'+') => i = 1,
        Some(b'-') => {
            i = 1;
            neg = true;
        }
        Some(_) => {}
        None => return Err(syntax()),
    }
    let hex = i + 2 < b.len() && b[i] == b'0' && b[i + 1].eq_ignore_ascii_case(&b'x');
    let mut underscores = false;
    if hex {
        i += 2;
    }
    // Mantissa.
    let mut sawdot = false;
    let mut sawdigits = false;
    let mut mantissa: u64 = 0;
    let mut nd = 0i64;
    let mut nd_mant = 0i64;
    let mut dp = 0i64;
    let mut trunc = false;
    let mut clean = String::new();
    if neg {
        clean.push('-');
    }
    while i < b.len() {
        let c = b[i];
        if c == b'_' {
            underscores = true;
        } else if c == b'.' {
            if sawdot {
                break;
            }
            sawdot = true;
            dp = nd;
            clean.push('.');
        } else if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            sawdigits = true;
            clean.push(c as char);
            if c == b'0' && nd == 0 {
                dp -= 1;
            } else {
                nd += 1;
                if hex {
                    if nd_mant < 16 {
                        mantissa = mantissa * 16 + (c as char).to_digit(16).unwrap() as u64;
                        nd_mant += 1;
                    } else {
                        trunc = true;
                    }
                }
            }
        } else {
            break;
        }
        i += 1;
    }
    if !sawdigits {
        return Err(syntax());
    }
    if !sawdot {
        dp = nd;
    }
    if hex {
        dp *= 4;
        nd_mant *= 4;
    }
    let exp_char = if hex { b'p' } else { b'e' };
    if i < b.len() && b[i].to_ascii_lowercase() == exp_char {
        clean.push('e');
        i += 1;
        if i >= b.len() {
            return Err(syntax());
        }
        let mut esign = 1;
        match b[i] {
            b'+' => i += 1,
            b'-' => {
                i += 1;
                esign = -1;
                clean.push('-');
            }
            _ => {}
        }
        if i >= b.len() || !b[i].is_ascii_digit() {
            return Err(syntax());
        }
        let mut e: i64 = 0;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            if b[i] == b'_' {
                underscores = true;
            } else {
                if e < 10000 {
                    e = e * 10 + (b[i] - b'0') as i64;
                }
                clean.push(b[i] as char);
            }
            i += 1;
        }
        dp += e * esign;
    } else if hex {
        return Err(syntax());
    }
    if i != b.len() {
        return Err(syntax());
    }
    if underscores && !underscore_ok(s) {
        return Err(syntax());
    }
    if hex {
        let exp = if mantissa != 0 { dp - nd_mant } else { 0 };
        return atof_hex(mantissa, exp, neg, trunc, is32).map_err(|_| range());
    }
    let v = if is32 {
        clean.parse::<f32>().map(f64::from).map_err(|_| syntax())?
    } else {
        clean.parse::<f64>().map_err(|_| syntax())?
    };
    if v.is_infinite() {
        return Err(range());
    }
    Ok(v)
}

fn atof_hex(mut mantissa: u64, exp: i64, neg: bool, trunc: bool, is32: bool) -> Result<f64, ()> {
    let (mantbits, expbits, bias): (u32, u32, i64) =
        if is32 { (23, 8, -127) } else { (52, 11, -1023) };
    let max_exp = (1i64 << expbits) + bias - 2;
    let min_exp = bias + 1;
    let mut exp = exp + mantbits as i64;
    while mantissa != 0 && mantissa >> (mantbits + 2) == 0 {
        mantissa <<= 1;
        exp -= 1;
    }
    if trunc {
        mantissa |= 1;
    }
    while mantissa >> (1 + mantbits + 2) != 0 {
        mantissa = (mantissa >> 1) | (mantissa & 1);
        exp += 1;
    }
    while mantissa > 1 && exp < min_exp - 2 {
        mantissa = (mantissa >> 1) | (mantissa & 1);
        exp += 1;
    }
    let mut round = mantissa & 3;
    mantissa >>= 2;
    round |= mantissa & 1;
    exp += 2;
    if round == 3 {
        mantissa += 1;
        if mantissa == 1 << (1 + mantbits) {
            mantissa >>= 1;
            exp += 1;
        }
    }
    if mantissa >> mantbits == 0 {
        exp = bias;
    }
    let overflow = exp > max_exp;
    if overflow {
        mantissa = 1 << mantbits;
        exp = max_exp + 1;
    }
    let mut bits = mantissa & ((1u64 << mantbits) - 1);
    bits |= (((exp - bias) as u64) & ((1 << expbits) - 1)) << mantbits;
    if neg {
        bits |= 1 << (mantbits + expbits);
    }
    let v = if is32 {
        f32::from_bits(bits as u32) as f64
    } else {
        f64::from_bits(bits)
    };
    if overflow { Err(()) } else { Ok(v) }
}

/// Converts a [`BigInt`] to `i64` if it fits (helper for callers).
pub fn to_i64(i: &BigInt) -> Option<i64> {
    i.to_i64()
}
