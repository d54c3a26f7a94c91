//! Go `encoding/json` text-level behaviour that CUE's `encoding/json`
//! exposes: [`valid`], [`compact`], [`indent`], [`html_escape`], Go's
//! syntax-error texts ([`check`]: `invalid character 'x' looking for
//! beginning of value`, `unexpected end of JSON input`), and Go's string
//! encoding for `Marshal` ([`quote_string`]).
//!
//! The scanner is a transcription of Go's state machine, so that output
//! (including what Go keeps, such as trailing white space after the value
//! in [`indent`]) and errors match.

use std::fmt;

/// Go's `*json.SyntaxError`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub msg: String,
    /// Number of bytes read before the error.
    pub offset: usize,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg)
    }
}

impl std::error::Error for SyntaxError {}

const MAX_NESTING_DEPTH: usize = 10000;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Op {
    Continue,
    BeginLiteral,
    BeginObject,
    ObjectKey,
    ObjectValue,
    EndObject,
    BeginArray,
    ArrayValue,
    EndArray,
    SkipSpace,
    End,
    Error,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    BeginValue,
    BeginValueOrEmpty,
    BeginStringOrEmpty,
    BeginString,
    EndValue,
    EndTop,
    InString,
    InStringEsc,
    InStringEscU(u8),
    Neg,
    One,
    Zero,
    Dot,
    Dot0,
    E,
    ESign,
    E0,
    Lit(&'static [u8], usize),
    Error,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Parse {
    ObjectKey,
    ObjectValue,
    ArrayValue,
}

struct Scanner {
    step: State,
    parse: Vec<Parse>,
    end_top: bool,
    err: Option<SyntaxError>,
    bytes: usize,
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn quote_char(c: u8) -> String {
    match c {
        b'\'' => r"'\''".into(),
        b'"' => "'\"'".into(),
        _ => {
            let q = super::strconv::quote(&(c as char).to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

impl Scanner {
    fn new() -> Scanner {
        Scanner {
            step: State::BeginValue,
            parse: Vec::new(),
            end_top: false,
            err: None,
            bytes: 0,
        }
    }

    fn error(&mut self, c: u8, context: &str) -> Op {
        self.step = State::Error;
        self.err = Some(SyntaxError {
            msg: format!("invalid character {} {}", quote_char(c), context),
            offset: self.bytes,
        });
        Op::Error
    }

    fn push(&mut self, c: u8, p: Parse, ok: Op) -> Op {
        self.parse.push(p);
        if self.parse.len() <= MAX_NESTING_DEPTH {
            return ok;
        }
        self.error(c, "exceeded max depth")
    }

    fn eof(&mut self) -> Op {
        if self.err.is_some() {
            return Op::Error;
        }
        if self.end_top {
            return Op::End;
        }
        self.step(b' ');
        if self.end_top {
            return Op::End;
        }
        if self.err.is_none() {
            self.err = Some(SyntaxError {
                msg: "unexpected end of JSON input".into(),
                offset: self.bytes,
            });
        }
        Op::Error
    }

    fn begin_value(&mut self, c: u8) -> Op {
        if is_space(c) {
            return Op::SkipSpace;
        }
        match c {
            b'{' => {
                self.step = State::BeginStringOrEmpty;
                self.push(c, Parse::ObjectKey, Op::BeginObject)
            }
            b'[' => {
                self.step = State::BeginValueOrEmpty;
                self.push(c, Parse::ArrayValue, Op::BeginArray)
            }
            b'"' => {
                self.step = State::InString;
                Op::BeginLiteral
            }
            b'-' => {
                self.step = State::Neg;
                Op::BeginLiteral
            }
            b'0' => {
                self.step = State::Zero;
                Op::BeginLiteral
            }
            b't' => {
                self.step = State::Lit(b"true", 1);
                Op::BeginLiteral
            }
            b'f' => {
                self.step = State::Lit(b"false", 1);
                Op::BeginLiteral
            }
            b'n' => {
                self.step = State::Lit(b"null", 1);
                Op::BeginLiteral
            }
            b'1'..=b'9' => {
                self.step = State::One;
                Op::BeginLiteral
            }
            _ => self.error(c, "looking for beginning of value"),
        }
    }

    fn end_value(&mut self, c: u8) -> Op {
        let Some(&ps) = self.parse.last() else {
            self.step = State::EndTop;
            self.end_top = true;
            return self.end_top_step(c);
        };
        if is_space(c) {
            self.step = State::EndValue;
            return Op::SkipSpace;
        }
        let n = self.parse.len();
        match ps {
            Parse::ObjectKey => {
                if c == b':' {
                    self.parse[n - 1] = Parse::ObjectValue;
                    self.step = State::BeginValue;
                    return Op::ObjectKey;
                }
                self.error(c, "after object key")
            }
            Parse::ObjectValue => {
                if c == b',' {
                    self.parse[n - 1] = Parse::ObjectKey;
                    self.step = State::BeginString;
                    return Op::ObjectValue;
                }
                if c == b'}' {
                    self.pop();
                    return Op::EndObject;
                }
                self.error(c, "after object key:value pair")
            }
            Parse::ArrayValue => {
                if c == b',' {
                    self.step = State::BeginValue;
                    return Op::ArrayValue;
                }
                if c == b']' {
                    self.pop();
                    return Op::EndArray;
                }
                self.error(c, "after array element")
            }
        }
    }

    fn pop(&mut self) {
        self.parse.pop();
        if self.parse.is_empty() {
            self.step = State::EndTop;
            self.end_top = true;
        } else {
            self.step = State::EndValue;
        }
    }

    fn end_top_step(&mut self, c: u8) -> Op {
        if !is_space(c) {
            self.error(c, "after top-level value");
        }
        Op::End
    }

    fn step(&mut self, c: u8) -> Op {
        let hex = |c: u8| c.is_ascii_hexdigit();
        match self.step {
            State::BeginValue => self.begin_value(c),
            State::BeginValueOrEmpty => {
                if is_space(c) {
                    return Op::SkipSpace;
                }
                if c == b']' {
                    return self.end_value(c);
                }
                self.begin_value(c)
            }
            State::BeginStringOrEmpty => {
                if is_space(c) {
                    return Op::SkipSpace;
                }
                if c == b'}' {
                    let n = self.parse.len();
                    self.parse[n - 1] = Parse::ObjectValue;
                    return self.end_value(c);
                }
                self.begin_string(c)
            }
            State::BeginString => self.begin_string(c),
            State::EndValue => self.end_value(c),
            State::EndTop => self.end_top_step(c),
            State::InString => {
                if c == b'"' {
                    self.step = State::EndValue;
                    return Op::Continue;
                }
                if c == b'\\' {
                    self.step = State::InStringEsc;
                    return Op::Continue;
                }
                if c < 0x20 {
                    return self.error(c, "in string literal");
                }
                Op::Continue
            }
            State::InStringEsc => match c {
                b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => {
                    self.step = State::InString;
                    Op::Continue
                }
                b'u' => {
                    self.step = State::InStringEscU(0);
                    Op::Continue
                }
                _ => self.error(c, "in string escape code"),
            },
            State::InStringEscU(k) => {
                if hex(c) {
                    self.step = if k == 3 {
                        State::InString
                    } else {
                        State::InStringEscU(k + 1)
                    };
                    return Op::Continue;
                }
                self.error(c, "in \\u hexadecimal character escape")
            }
            State::Neg => {
                if c == b'0' {
                    self.step = State::Zero;
                    return Op::Continue;
                }
                if c.is_ascii_digit() {
                    self.step = State::One;
                    return Op::Continue;
                }
                self.error(c, "in numeric literal")
            }
            State::One => {
                if c.is_ascii_digit() {
                    return Op::Continue;
                }
                self.zero(c)
            }
            State::Zero => self.zero(c),
            State::Dot => {
                if c.is_ascii_digit() {
                    self.step = State::Dot0;
                    return Op::Continue;
                }
                self.error(c, "after decimal point in numeric literal")
            }
            State::Dot0 => {
                if c.is_ascii_digit() {
                    return Op::Continue;
                }
                if c == b'e' || c == b'E' {
                    self.step = State::E;
                    return Op::Continue;
                }
                self.end_value(c)
            }
            State::E => {
                if c == b'+' || c == b'-' {
                    self.step = State::ESign;
                    return Op::Continue;
                }
                self.e_sign(c)
            }
            State::ESign => self.e_sign(c),
            State::E0 => {
                if c.is_ascii_digit() {
                    return Op::Continue;
                }
                self.end_value(c)
            }
            State::Lit(word, i) => {
                if c == word[i] {
                    self.step = if i + 1 == word.len() {
                        State::EndValue
                    } else {
                        State::Lit(word, i + 1)
                    };
                    return Op::Continue;
                }
                let name = std::str::from_utf8(word).unwrap();
                let msg = format!("in literal {name} (expecting '{}')", word[i] as char);
                self.error(c, &msg)
            }
            State::Error => Op::Error,
        }
    }

    fn begin_string(&mut self, c: u8) -> Op {
        if is_space(c) {
            return Op::SkipSpace;
        }
        if c == b'"' {
            self.step = State::InString;
            return Op::BeginLiteral;
        }
        self.error(c, "looking for beginning of object key string")
    }

    fn zero(&mut self, c: u8) -> Op {
        if c == b'.' {
            self.step = State::Dot;
            return Op::Continue;
        }
        if c == b'e' || c == b'E' {
            self.step = State::E;
            return Op::Continue;
        }
        self.end_value(c)
    }

    fn e_sign(&mut self, c: u8) -> Op {
        if c.is_ascii_digit() {
            self.step = State::E0;
            return Op::Continue;
        }
        self.error(c, "in exponent of numeric literal")
    }
}

/// Go `json.Valid` / the error `json.Unmarshal` reports for bad syntax.
pub fn check(src: &[u8]) -> Result<(), SyntaxError> {
    let mut s = Scanner::new();
    for &c in src {
        s.bytes += 1;
        if s.step(c) == Op::Error {
            return Err(s.err.unwrap());
        }
    }
    if s.eof() == Op::Error {
        return Err(s.err.unwrap());
    }
    Ok(())
}

/// Go `json.Valid`.
pub fn valid(src: &[u8]) -> bool {
    check(src).is_ok()
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn push_html_escapes(dst: &mut Vec<u8>, src: &[u8], i: usize, start: &mut usize) {
    let c = src[i];
    if c == b'<' || c == b'>' || c == b'&' {
        dst.extend_from_slice(&src[*start..i]);
        dst.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[(c >> 4) as usize],
            HEX[(c & 15) as usize],
        ]);
        *start = i + 1;
    }
    if c == 0xE2 && i + 2 < src.len() && src[i + 1] == 0x80 && src[i + 2] & !1 == 0xA8 {
        dst.extend_from_slice(&src[*start..i]);
        dst.extend_from_slice(b"\\u202");
        dst.push(HEX[(src[i + 2] & 15) as usize]);
        *start = i + 3;
    }
}

/// Go `json.HTMLEscape`: `<`, `>`, `&`, U+2028 and U+2029 become `\uXXXX`.
pub fn html_escape(src: &[u8]) -> Vec<u8> {
    let mut dst = Vec::with_capacity(src.len());
    let mut start = 0;
    for i in 0..src.len() {
        push_html_escapes(&mut dst, src, i, &mut start);
    }
    dst.extend_from_slice(&src[start..]);
    dst
}

/// Go `json.Compact`: drops insignificant white space.
pub fn compact(src: &[u8]) -> Result<Vec<u8>, SyntaxError> {
    let mut dst = Vec::with_capacity(src.len());
    let mut s = Scanner::new();
    let mut start = 0;
    for (i, &c) in src.iter().enumerate() {
        let v = s.step(c);
        if v >= Op::SkipSpace {
            if v == Op::Error {
                break;
            }
            if start < i {
                dst.extend_from_slice(&src[start..i]);
            }
            start = i + 1;
        }
    }
    if s.eof() == Op::Error {
        return Err(s.err.unwrap());
    }
    if start < src.len() {
        dst.extend_from_slice(&src[start..]);
    }
    Ok(dst)
}

fn newline(dst: &mut Vec<u8>, prefix: &str, indent: &str, depth: usize) {
    dst.push(b'\n');
    dst.extend_from_slice(prefix.as_bytes());
    for _ in 0..depth {
        dst.extend_from_slice(indent.as_bytes());
    }
}

/// Go `json.Indent(src, prefix, indent)`.
pub fn indent(src: &[u8], prefix: &str, indent: &str) -> Result<Vec<u8>, SyntaxError> {
    let mut dst = Vec::with_capacity(src.len() * 2);
    let mut s = Scanner::new();
    let mut need_indent = false;
    let mut depth = 0usize;
    for &c in src {
        s.bytes += 1;
        let v = s.step(c);
        if v == Op::SkipSpace {
            continue;
        }
        if v == Op::Error {
            break;
        }
        if need_indent && v != Op::EndObject && v != Op::EndArray {
            need_indent = false;
            depth += 1;
            newline(&mut dst, prefix, indent, depth);
        }
        if v == Op::Continue {
            dst.push(c);
            continue;
        }
        match c {
            b'{' | b'[' => {
                need_indent = true;
                dst.push(c);
            }
            b',' => {
                dst.push(c);
                newline(&mut dst, prefix, indent, depth);
            }
            b':' => dst.extend_from_slice(b": "),
            b'}' | b']' => {
                if need_indent {
                    need_indent = false;
                } else {
                    depth = depth.saturating_sub(1);
                    newline(&mut dst, prefix, indent, depth);
                }
                dst.push(c);
            }
            _ => dst.push(c),
        }
    }
    if s.eof() == Op::Error {
        return Err(s.err.unwrap());
    }
    Ok(dst)
}

/// Go's JSON string encoding (`json.Marshal` of a string). Control
/// characters use `\b \f \n \r \t` or `\u00XX`; U+2028/U+2029 are escaped;
/// `<`, `>`, `&` only when `escape_html` (Go's default; CUE ≥ v0.6 passes
/// `false`). Invalid UTF-8 bytes become `\ufffd`.
pub fn quote_string(src: &[u8], escape_html: bool) -> String {
    let mut dst: Vec<u8> = Vec::with_capacity(src.len() + 2);
    dst.push(b'"');
    let mut start = 0;
    let mut i = 0;
    while i < src.len() {
        let b = src[i];
        if b < 0x80 {
            let html = b == b'<' || b == b'>' || b == b'&';
            if b >= 0x20 && b != b'"' && b != b'\\' && !(html && escape_html) {
                i += 1;
                continue;
            }
            dst.extend_from_slice(&src[start..i]);
            match b {
                b'\\' | b'"' => dst.extend_from_slice(&[b'\\', b]),
                0x08 => dst.extend_from_slice(b"\\b"),
                0x0C => dst.extend_from_slice(b"\\f"),
                b'\n' => dst.extend_from_slice(b"\\n"),
                b'\r' => dst.extend_from_slice(b"\\r"),
                b'\t' => dst.extend_from_slice(b"\\t"),
                _ => dst.extend_from_slice(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[(b >> 4) as usize],
                    HEX[(b & 15) as usize],
                ]),
            }
            i += 1;
            start = i;
            continue;
        }
        let end = (i + 4).min(src.len());
        let (c, size) = match std::str::from_utf8(&src[i..end]) {
            Ok(s) => {
                let c = s.chars().next().unwrap();
                (Some(c), c.len_utf8())
            }
            Err(e) if e.valid_up_to() > 0 => {
                let s = std::str::from_utf8(&src[i..i + e.valid_up_to()]).unwrap();
                let c = s.chars().next().unwrap();
                (Some(c), c.len_utf8())
            }
            Err(_) => (None, 1),
        };
        match c {
            None => {
                dst.extend_from_slice(&src[start..i]);
                dst.extend_from_slice(b"\\ufffd");
                i += 1;
                start = i;
            }
            Some(c @ ('\u{2028}' | '\u{2029}')) => {
                dst.extend_from_slice(&src[start..i]);
                dst.extend_from_slice(b"\\u202");
                dst.push(HEX[(c as u32 & 15) as usize]);
                i += size;
                start = i;
            }
            Some(_) => i += size,
        }
    }
    dst.extend_from_slice(&src[start..]);
    dst.push(b'"');
    String::from_utf8(dst).expect("escaped output is UTF-8")
}
