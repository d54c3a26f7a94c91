//! `@test(...)` attributes: the inline assertions of CUE's conformance suite.
//!
//! The format is defined upstream in `doc/specs/inline-test-attributes/spec.md`
//! (and summarised in `cue/testdata/readme.md`). This module only *parses*
//! attributes; deciding which assertions to run, and running them, is the
//! business of the conformance runner.
//!
//! An attribute body is split like upstream's `internal.ParseAttrBody`: the
//! text is tokenized with the CUE scanner and cut at top-level commas, so
//! commas inside brackets, braces, parentheses, strings and nested attributes
//! do not split. A field whose first top-level token sequence is followed by
//! `=` is a `key=value` field; otherwise it is positional. Values that are a
//! complete string literal are unquoted.
//!
//! The first field is the *directive* (`eq`, `err`, `kind=int`, ...),
//! optionally with a `:vN` or `:todo` suffix; the remaining fields are the
//! directive's arguments and the universal modifiers (`incorrect`, `hint=`,
//! `p=`, `why=`, `desc=`, `guidance=`, `diff=`).

use crate::source::{SourceFile, Span};
use crate::syntax::ast::{Attribute, Expr};
use crate::syntax::scanner;
use crate::syntax::token::TokenKind as T;
use crate::syntax::{Parsed, literal, parse_expr};
use std::fmt;
use std::sync::Arc;

/// One comma-separated field of an attribute body: `value` or `key=value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttrField {
    /// The key of a `key=value` field, trimmed; empty for a positional field.
    pub key: String,
    /// The value, trimmed, and unquoted if it is a complete string literal.
    pub value: String,
    /// The value as written, trimmed but not unquoted.
    pub raw: String,
    /// The whole field as written, trimmed.
    pub text: String,
    /// Byte offset of `raw` in the text given to [`split_fields`].
    pub raw_offset: u32,
    /// Byte range of the whole field (key and value, trimmed) in that text.
    pub span: Span,
}

impl AttrField {
    pub fn is_positional(&self) -> bool {
        self.key.is_empty()
    }
}

/// A malformed attribute: what is wrong and where (a byte offset into the
/// text that was parsed: the attribute text for [`parse_test_attr`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttrError {
    pub offset: u32,
    pub message: String,
}

impl AttrError {
    fn new(offset: u32, message: impl Into<String>) -> AttrError {
        AttrError {
            offset,
            message: message.into(),
        }
    }

    fn shifted(mut self, by: u32) -> AttrError {
        self.offset += by;
        self
    }
}

impl fmt::Display for AttrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AttrError {}

/// Splits an attribute body (the text between the parentheses) into fields,
/// as upstream's `internal.ParseAttrBody` does. Offsets are relative to `body`.
///
/// An empty body gives one empty positional field, and a trailing comma gives
/// a trailing empty field, as upstream.
pub fn split_fields(body: &str) -> Result<Vec<AttrField>, AttrError> {
    let scanned = scanner::scan(body);
    if let Some(e) = scanned.errors.first() {
        return Err(AttrError::new(
            e.span.start,
            format!("invalid attribute text: {}", e.message),
        ));
    }
    let mut fields = Vec::new();
    let mut stack: Vec<(T, u32)> = Vec::new();
    let mut start = 0u32;
    let mut bind: Option<Span> = None;
    for tok in &scanned.tokens {
        match tok.kind {
            T::LParen | T::LBrack | T::LBrace | T::InterpStart => {
                stack.push((tok.kind, tok.span.start))
            }
            T::RParen | T::RBrack | T::RBrace | T::InterpEnd => {
                let want = match tok.kind {
                    T::RParen => T::LParen,
                    T::RBrack => T::LBrack,
                    T::RBrace => T::LBrace,
                    _ => T::InterpStart,
                };
                match stack.pop() {
                    Some((open, _)) if open == want => {}
                    _ => {
                        let closer = &body[tok.span.range()];
                        return Err(AttrError::new(
                            tok.span.start,
                            format!("unexpected '{closer}'"),
                        ));
                    }
                }
            }
            T::Comma if stack.is_empty() => {
                fields.push(make_field(body, start, tok.span.start, bind.take()));
                start = tok.span.end;
            }
            T::Bind if stack.is_empty() && bind.is_none() => bind = Some(tok.span),
            T::Eof => break,
            _ => {}
        }
    }
    if let Some(&(open, at)) = stack.last() {
        let closer = match open {
            T::LParen => "')'",
            T::LBrack => "']'",
            T::LBrace => "'}'",
            _ => "end of interpolation",
        };
        return Err(AttrError::new(at, format!("attribute missing {closer}")));
    }
    fields.push(make_field(body, start, body.len() as u32, bind));
    Ok(fields)
}

fn make_field(body: &str, start: u32, end: u32, bind: Option<Span>) -> AttrField {
    let (key, vstart) = match bind {
        Some(b) => (
            body[start as usize..b.start as usize].trim().to_string(),
            b.end,
        ),
        None => (String::new(), start),
    };
    let vtext = &body[vstart as usize..end as usize];
    let lead = vtext.len() - vtext.trim_start().len();
    let raw = vtext.trim().to_string();
    let whole = &body[start as usize..end as usize];
    let field_start = start + (whole.len() - whole.trim_start().len()) as u32;
    let field_end = end - (whole.len() - whole.trim_end().len()) as u32;
    AttrField {
        key,
        value: maybe_unquote(&raw),
        raw,
        text: body[field_start as usize..field_end.max(field_start) as usize].to_string(),
        raw_offset: vstart + lead as u32,
        span: Span::new(field_start, field_end.max(field_start)),
    }
}

/// Unquotes `s` if it looks like a complete string or bytes literal.
fn maybe_unquote(s: &str) -> String {
    let b = s.as_bytes();
    let quoted = b.len() >= 2
        && matches!(
            (b[0], b[b.len() - 1]),
            (b'"', b'"') | (b'\'', b'\'') | (b'#', b'#')
        );
    if !quoted {
        return s.to_string();
    }
    match literal::unquote(s) {
        Ok(literal::StrValue::String(v)) => v,
        Ok(literal::StrValue::Bytes(v)) => String::from_utf8_lossy(&v).into_owned(),
        Err(_) => s.to_string(),
    }
}

/// An argument holding a CUE expression (`@test(eq, <expr>)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprArg {
    /// The expression text, trimmed.
    pub text: String,
    /// Byte offset of `text` in the attribute text (`@` is offset 0).
    pub offset: u32,
}

impl ExprArg {
    /// Parses the expression. `file` is the file holding the attribute and
    /// `attr_start` the attribute's offset in it; the returned source file
    /// carries the same name and reproduces the expression's line and column,
    /// so diagnostics point at the right place in the original file.
    pub fn parse(&self, file: &SourceFile, attr_start: u32) -> (Arc<SourceFile>, Parsed<Expr>) {
        parse_expr_at(file, attr_start + self.offset, &self.text)
    }
}

/// Parses `text`, which occurs at byte `offset` of `file`, as an expression.
///
/// The expression is parsed from a new [`SourceFile`] named like `file` whose
/// text is `text` preceded by enough newlines and spaces to put it at the
/// same line and column as in `file`.
pub fn parse_expr_at(
    file: &SourceFile,
    offset: u32,
    text: &str,
) -> (Arc<SourceFile>, Parsed<Expr>) {
    let lc = file.line_col(offset);
    let mut padded = String::with_capacity(text.len() + (lc.line + lc.col) as usize);
    padded.extend(std::iter::repeat_n('\n', lc.line as usize - 1));
    padded.extend(std::iter::repeat_n(' ', lc.col as usize - 1));
    padded.push_str(text);
    let src = SourceFile::new(file.name(), padded);
    let parsed = parse_expr(&src);
    (src, parsed)
}

/// An expected error position in `pos=[...]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PosSpec {
    /// `deltaLine:col`, relative to the attribute's anchor line.
    Relative { delta_line: i64, col: u32 },
    /// `file:line:col`, in another file of the archive.
    Absolute { file: String, line: u32, col: u32 },
}

/// The options of `@test(err, ...)` (and of each `suberr=(...)`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrSpec {
    /// Acceptable error codes (`code=eval`, `code=cycle|incomplete`); empty: any.
    pub codes: Vec<String>,
    /// `contains="..."`: a substring of the message (or of its format string).
    pub contains: Option<String>,
    /// `any`: some descendant has the error, not necessarily the value itself.
    pub any: bool,
    /// `at=a.b`: check the error at this path below the annotated value.
    pub at: Option<String>,
    /// `path=a.b`: the path the error reports for itself.
    pub path: Option<String>,
    /// `pos=[...]`: expected positions (`Some(vec![])` for the `pos=[]` placeholder).
    pub pos: Option<Vec<PosSpec>>,
    /// `args=[...]`: a subset of the message arguments.
    pub args: Option<Vec<String>>,
    /// `suberr=(...)`: one spec per expected sub-error.
    pub suberrs: Vec<ErrSpec>,
}

impl ErrSpec {
    /// Whether this spec or any sub-error spec asserts positions.
    pub fn has_pos(&self) -> bool {
        self.pos.is_some() || self.suberrs.iter().any(ErrSpec::has_pos)
    }
}

/// What a `@test` attribute asserts or marks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Directive {
    /// `@test()`: an unfilled placeholder.
    Placeholder,
    /// `@test(eq, <expr>)`; `expr` is `None` for the `@test(eq)` placeholder.
    Eq {
        expr: Option<ExprArg>,
        at: Option<String>,
    },
    /// `@test(leq, <expr>)`: the value is subsumed by `expr`.
    Leq { expr: Option<ExprArg> },
    /// `@test(err, ...)`.
    Err(ErrSpec),
    /// `@test(kind=int|string)`.
    Kind(Vec<String>),
    /// `@test(closed)` / `@test(closed=false)`.
    Closed(bool),
    /// `@test(allows, sel)` / `@test(allows=false, sel)`; `selector` as written.
    Allows { expected: bool, selector: String },
    /// `@test(permute)` or `@test(permute, count=N)`; `count` is `Some(None)` for `count=`.
    Permute { count: Option<Option<u64>> },
    /// `@test(permuteCount, N)`.
    PermuteCount(Option<u64>),
    /// `@test(shareID=name)` inside an `eq` body.
    ShareId { name: String, at: Option<String> },
    /// `@test(debugCheck, "...")`.
    DebugCheck(Option<String>),
    /// `@test(debug, "...")` / `@test(debugOutput, "...")`: informational.
    Debug(Option<String>),
    /// `@test(file, "name")`: the expected value is in another archive section.
    File(String),
    /// `@test(ignore)` inside an `eq` body.
    Ignore,
    /// `@test(final)` inside an `eq` body.
    Final,
    /// `@test(checkOrder)` inside an `eq` body.
    CheckOrder,
    /// `@test(skip[, why=...])`.
    Skip,
    /// `@test(todo[, p=N, why=...])`: the other directives are expected to fail.
    Todo,
    /// `@test(desc="...")`: documentation only.
    Desc(String),
}

impl Directive {
    /// The directive's name as written in the attribute.
    pub fn name(&self) -> &'static str {
        match self {
            Directive::Placeholder => "placeholder",
            Directive::Eq { .. } => "eq",
            Directive::Leq { .. } => "leq",
            Directive::Err(_) => "err",
            Directive::Kind(_) => "kind",
            Directive::Closed(_) => "closed",
            Directive::Allows { .. } => "allows",
            Directive::Permute { .. } => "permute",
            Directive::PermuteCount(_) => "permuteCount",
            Directive::ShareId { .. } => "shareID",
            Directive::DebugCheck(_) => "debugCheck",
            Directive::Debug(_) => "debug",
            Directive::File(_) => "file",
            Directive::Ignore => "ignore",
            Directive::Final => "final",
            Directive::CheckOrder => "checkOrder",
            Directive::Skip => "skip",
            Directive::Todo => "todo",
            Directive::Desc(_) => "desc",
        }
    }

    /// Directives that only have a meaning inside an `@test(eq, ...)` body.
    pub fn is_eq_body_only(&self) -> bool {
        matches!(
            self,
            Directive::Ignore
                | Directive::Final
                | Directive::CheckOrder
                | Directive::ShareId { .. }
        )
    }

    /// Directives allowed inside an `@test(eq, ...)` body (upstream's
    /// `eqBodySupportedDirectives`).
    pub fn is_allowed_in_eq_body(&self) -> bool {
        self.is_eq_body_only() || matches!(self, Directive::Err(_))
    }

    /// The `at=` path of directives that take one.
    pub fn at(&self) -> Option<&str> {
        match self {
            Directive::Eq { at, .. } | Directive::ShareId { at, .. } => at.as_deref(),
            Directive::Err(e) => e.at.as_deref(),
            _ => None,
        }
    }
}

/// Modifiers accepted on any directive.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Modifiers {
    /// `incorrect`: the assertion documents known-wrong current behaviour.
    pub incorrect: bool,
    /// `hint="..."`: shown when the assertion fails.
    pub hint: Option<String>,
    /// `p=N`: priority of a `todo`.
    pub priority: Option<String>,
    /// `why="..."`: reason for a `skip` or `todo`.
    pub why: Option<String>,
    /// `desc="..."`: description.
    pub desc: Option<String>,
    /// `guidance="..."`: advice for whoever fixes the test.
    pub guidance: Option<String>,
    /// `diff="..."`: the recorded discrepancy of a regression guard.
    pub diff: Option<String>,
    /// `skip` or `skip:vN` as a later positional argument of `eq`: a
    /// regression guard; `Some(None)` skips for every version.
    pub skip: Option<Option<String>>,
}

/// A parsed `@test(...)` attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestAttr {
    pub directive: Directive,
    /// The evaluator version of `eq:v3` (never `todo`, see `todo`).
    pub version: Option<String>,
    /// `eq:todo`, `err:todo`, ...: the expected *future* result; a mismatch is
    /// not a failure.
    pub todo: bool,
    pub modifiers: Modifiers,
    /// All fields of the body, as split.
    pub fields: Vec<AttrField>,
    /// Arguments that upstream's runner silently ignores (stray positional
    /// arguments, unknown options of `skip`, `todo` and `shareID`): likely
    /// typos, but not errors.
    pub warnings: Vec<AttrError>,
}

/// Whether an attribute is a `@test(...)` attribute.
pub fn is_test_attr(a: &Attribute) -> bool {
    a.name() == "test"
}

/// Parses a `@test(...)` attribute. Error offsets are relative to the start
/// of the attribute text.
pub fn parse_attribute(a: &Attribute) -> Result<TestAttr, AttrError> {
    parse_test_attr(&a.text)
}

/// Parses the text of a `@test(...)` attribute, `@` through `)`.
/// Error offsets are relative to the start of `text`.
pub fn parse_test_attr(text: &str) -> Result<TestAttr, AttrError> {
    let rest = text
        .strip_prefix("@test")
        .ok_or_else(|| AttrError::new(0, "not a @test attribute"))?;
    let open = rest.find('(').filter(|&i| rest[..i].trim().is_empty());
    let close = text.rfind(')');
    let (body_start, body_end) = match (open, close) {
        (Some(o), Some(c)) if c > 5 + o => (5 + o as u32 + 1, c as u32),
        _ => {
            return Err(AttrError::new(
                0,
                "malformed @test attribute: expected @test(...)",
            ));
        }
    };
    let body = &text[body_start as usize..body_end as usize];
    let mut fields = split_fields(body).map_err(|e| e.shifted(body_start))?;
    for f in &mut fields {
        f.raw_offset += body_start;
        f.span = Span::new(f.span.start + body_start, f.span.end + body_start);
    }
    parse_fields(fields)
}

fn parse_fields(fields: Vec<AttrField>) -> Result<TestAttr, AttrError> {
    let first = &fields[0];
    if fields.len() == 1 && first.key.is_empty() && first.raw.is_empty() {
        return Ok(TestAttr {
            directive: Directive::Placeholder,
            version: None,
            todo: false,
            modifiers: Modifiers::default(),
            fields,
            warnings: Vec::new(),
        });
    }
    // The directive is the key of a first `key=value` field, or the first value.
    let name_with_version = if first.key.is_empty() {
        first.raw.as_str()
    } else {
        first.key.as_str()
    };
    let (name, version) = match name_with_version.rsplit_once(':') {
        Some((n, v)) => (n, Some(v)),
        None => (name_with_version, None),
    };
    let at = first.span.start;
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(AttrError::new(
            at,
            format!("malformed @test directive {name_with_version:?}"),
        ));
    }
    if version.is_some_and(|v| v.is_empty() || !v.bytes().all(|b| b.is_ascii_alphanumeric())) {
        return Err(AttrError::new(
            at,
            format!("malformed version suffix in @test directive {name_with_version:?}"),
        ));
    }
    let mut p = ArgParser::new(name, &fields);
    let directive = p.directive(first)?;
    p.modifiers_and_leftovers()?;
    let ArgParser {
        modifiers,
        warnings,
        ..
    } = p;
    let (version, todo) = match version {
        Some("todo") => (None, true),
        Some(v) => (Some(v.to_string()), false),
        None => (None, false),
    };
    Ok(TestAttr {
        directive,
        version,
        todo,
        modifiers,
        fields,
        warnings,
    })
}

struct ArgParser<'a> {
    name: &'a str,
    fields: &'a [AttrField],
    used: Vec<bool>,
    modifiers: Modifiers,
    warnings: Vec<AttrError>,
}

impl<'a> ArgParser<'a> {
    fn new(name: &'a str, fields: &'a [AttrField]) -> ArgParser<'a> {
        let mut used = vec![false; fields.len()];
        used[0] = true;
        ArgParser {
            name,
            fields,
            used,
            modifiers: Modifiers::default(),
            warnings: Vec::new(),
        }
    }

    fn err(&self, f: &AttrField, msg: impl fmt::Display) -> AttrError {
        AttrError::new(f.span.start, format!("@test({}): {msg}", self.name))
    }

    /// The first unused positional argument, marked used.
    fn positional(&mut self) -> Option<&'a AttrField> {
        let i =
            (1..self.fields.len()).find(|&i| !self.used[i] && self.fields[i].is_positional())?;
        self.used[i] = true;
        Some(&self.fields[i])
    }

    /// The value of the first unused `key=...` argument, marked used.
    fn keyed(&mut self, key: &str) -> Option<&'a AttrField> {
        let i = (1..self.fields.len()).find(|&i| !self.used[i] && self.fields[i].key == key)?;
        self.used[i] = true;
        Some(&self.fields[i])
    }

    /// The value of the directive's own `key=value` first field (`kind=int`).
    fn own_value(&self, first: &AttrField) -> Result<Option<&'a str>, AttrError> {
        if first.key.is_empty() {
            return Ok(None);
        }
        Ok(Some(self.fields[0].value.as_str()))
    }

    fn bool_value(&self, first: &AttrField) -> Result<bool, AttrError> {
        match self.own_value(first)? {
            None | Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(v) => Err(self.err(first, format_args!("expected true or false, found {v:?}"))),
        }
    }

    fn no_own_value(&self, first: &AttrField) -> Result<(), AttrError> {
        match self.own_value(first)? {
            None => Ok(()),
            Some(_) => Err(self.err(first, "takes no value")),
        }
    }

    fn directive(&mut self, first: &AttrField) -> Result<Directive, AttrError> {
        Ok(match self.name {
            "eq" | "leq" => {
                self.no_own_value(first)?;
                let expr = self
                    .positional()
                    .filter(|f| !f.raw.is_empty())
                    .map(|f| ExprArg {
                        text: f.raw.clone(),
                        offset: f.raw_offset,
                    });
                if self.name == "leq" {
                    Directive::Leq { expr }
                } else {
                    let at = self.keyed("at").map(|f| f.value.clone());
                    Directive::Eq { expr, at }
                }
            }
            "err" => {
                self.no_own_value(first)?;
                let spec = self.err_spec()?;
                Directive::Err(spec)
            }
            "kind" => {
                let Some(v) = self.own_value(first)? else {
                    return Err(self.err(first, "expected kind=<kind>[|<kind>...]"));
                };
                let kinds: Vec<String> = v.split('|').map(|k| k.trim().to_string()).collect();
                // `_|_` splits into two `_`s around an empty middle; rebuild it.
                let kinds = rejoin_bottom(kinds);
                for k in &kinds {
                    if !KINDS.contains(&k.as_str()) {
                        return Err(self.err(first, format_args!("unknown kind {k:?}")));
                    }
                }
                Directive::Kind(kinds)
            }
            "closed" => Directive::Closed(self.bool_value(first)?),
            "allows" => {
                let expected = self.bool_value(first)?;
                let Some(sel) = self.positional().filter(|f| !f.raw.is_empty()) else {
                    return Err(self.err(first, "missing selector argument"));
                };
                Directive::Allows {
                    expected,
                    selector: sel.raw.clone(),
                }
            }
            "permute" => {
                self.no_own_value(first)?;
                let count = match self.keyed("count") {
                    None => None,
                    Some(f) if f.value.is_empty() => Some(None),
                    Some(f) => Some(Some(f.value.parse::<u64>().map_err(|_| {
                        self.err(f, format_args!("invalid count {:?}", f.value))
                    })?)),
                };
                Directive::Permute { count }
            }
            "permuteCount" => {
                self.no_own_value(first)?;
                let n = match self.positional() {
                    None => None,
                    Some(f) if f.raw.is_empty() => None,
                    Some(f) => Some(
                        f.raw
                            .parse::<u64>()
                            .map_err(|_| self.err(f, format_args!("invalid count {:?}", f.raw)))?,
                    ),
                };
                Directive::PermuteCount(n)
            }
            "shareID" => {
                let Some(name) = self.own_value(first)? else {
                    return Err(self.err(first, "expected shareID=<name>"));
                };
                let at = self.keyed("at").map(|f| f.value.clone());
                Directive::ShareId {
                    name: name.to_string(),
                    at,
                }
            }
            "debugCheck" | "debug" | "debugOutput" => {
                self.no_own_value(first)?;
                let text = self.positional().map(|f| f.value.clone());
                if self.name == "debugCheck" {
                    Directive::DebugCheck(text)
                } else {
                    Directive::Debug(text)
                }
            }
            "file" => {
                self.no_own_value(first)?;
                let Some(f) = self.positional().filter(|f| !f.raw.is_empty()) else {
                    return Err(self.err(first, "missing file name"));
                };
                Directive::File(f.value.clone())
            }
            "ignore" => {
                self.no_own_value(first)?;
                Directive::Ignore
            }
            "final" => {
                self.no_own_value(first)?;
                Directive::Final
            }
            "checkOrder" => {
                self.no_own_value(first)?;
                Directive::CheckOrder
            }
            "skip" => {
                self.no_own_value(first)?;
                Directive::Skip
            }
            "todo" => {
                self.no_own_value(first)?;
                Directive::Todo
            }
            "desc" => {
                let Some(d) = self.own_value(first)? else {
                    return Err(self.err(first, "expected desc=\"...\""));
                };
                Directive::Desc(d.to_string())
            }
            other => return Err(self.err(first, format_args!("unknown directive {other:?}"))),
        })
    }

    fn err_spec(&mut self) -> Result<ErrSpec, AttrError> {
        let mut spec = ErrSpec::default();
        for i in 1..self.fields.len() {
            if self.used[i] {
                continue;
            }
            let f = &self.fields[i];
            let used = match f.key.as_str() {
                "code" => {
                    let v = f.value.trim();
                    let v = v
                        .strip_prefix('(')
                        .and_then(|v| v.strip_suffix(')'))
                        .unwrap_or(v);
                    spec.codes = v
                        .split('|')
                        .map(|c| c.trim().to_string())
                        .filter(|c| !c.is_empty())
                        .collect();
                    if spec
                        .codes
                        .iter()
                        .any(|c| !c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
                    {
                        return Err(self.err(f, format_args!("invalid code {:?}", f.value)));
                    }
                    true
                }
                "contains" => {
                    spec.contains = Some(f.value.clone());
                    true
                }
                "at" => {
                    spec.at = Some(f.value.clone());
                    true
                }
                "path" => {
                    spec.path = Some(f.value.clone());
                    true
                }
                "pos" => {
                    spec.pos = Some(parse_pos_specs(&f.raw).map_err(|m| self.err(f, m))?);
                    true
                }
                "args" => {
                    spec.args = Some(
                        parse_list(&f.raw).map_err(|m| self.err(f, format_args!("args=: {m}")))?,
                    );
                    true
                }
                "suberr" => {
                    let (sub, warnings) = self.suberr(f)?;
                    spec.suberrs.push(sub);
                    self.warnings.extend(warnings);
                    true
                }
                "" if f.raw == "any" => {
                    spec.any = true;
                    true
                }
                "" if f.raw.starts_with("suberr(") => {
                    return Err(self.err(
                        f,
                        format_args!("{:?} looks like suberr=(...) with a missing '='", f.raw),
                    ));
                }
                _ => false,
            };
            self.used[i] = used;
        }
        Ok(spec)
    }

    fn suberr(&self, f: &AttrField) -> Result<(ErrSpec, Vec<AttrError>), AttrError> {
        let Some(inner) = f.raw.strip_prefix('(').and_then(|r| r.strip_suffix(')')) else {
            return Err(self.err(
                f,
                format_args!("suberr=: expected (...), found {:?}", f.raw),
            ));
        };
        let inner_offset = f.raw_offset + 1;
        let mut fields = split_fields(inner).map_err(|e| e.shifted(inner_offset))?;
        for g in &mut fields {
            g.raw_offset += inner_offset;
            g.span = Span::new(g.span.start + inner_offset, g.span.end + inner_offset);
        }
        // Reuse the err parser on a synthetic `err, <inner>` field list.
        let mut all = Vec::with_capacity(fields.len() + 1);
        all.push(AttrField {
            key: String::new(),
            value: "err".into(),
            raw: "err".into(),
            text: "err".into(),
            raw_offset: f.raw_offset,
            span: Span::at(f.raw_offset),
        });
        all.extend(
            fields
                .into_iter()
                .filter(|g| !(g.key.is_empty() && g.raw.is_empty())),
        );
        let mut p = ArgParser::new("err", &all);
        let spec = p.err_spec()?;
        p.modifiers_and_leftovers()?;
        let mut warnings = p.warnings;
        for w in &mut warnings {
            w.message = format!("in suberr=(...): {}", w.message);
        }
        Ok((spec, warnings))
    }

    /// Reads the universal modifiers and rejects unknown options. Stray
    /// positional arguments (and unknown options of `skip`, `todo` and
    /// `shareID`, which upstream does not validate) become warnings.
    fn modifiers_and_leftovers(&mut self) -> Result<(), AttrError> {
        for i in 1..self.fields.len() {
            if self.used[i] {
                continue;
            }
            let f = &self.fields[i];
            let m = &mut self.modifiers;
            match f.key.as_str() {
                "hint" => m.hint = Some(f.value.clone()),
                "p" => m.priority = Some(f.value.clone()),
                "why" => m.why = Some(f.value.clone()),
                "desc" => m.desc = Some(f.value.clone()),
                "guidance" => m.guidance = Some(f.value.clone()),
                "diff" => m.diff = Some(f.value.clone()),
                "" => match f.raw.as_str() {
                    "incorrect" => m.incorrect = true,
                    "skip" if i >= 2 => m.skip = Some(None),
                    s if i >= 2 && s.starts_with("skip:") => {
                        m.skip = Some(Some(s[5..].to_string()))
                    }
                    // A trailing comma.
                    "" if i == self.fields.len() - 1 && f.text.is_empty() => {}
                    "" if f.text.is_empty() => {
                        self.warnings.push(self.err(f, "empty argument ignored"))
                    }
                    _ => self
                        .warnings
                        .push(self.err(f, format_args!("argument {:?} ignored", f.text))),
                },
                _ if matches!(self.name, "skip" | "todo" | "shareID") => self
                    .warnings
                    .push(self.err(f, format_args!("option {:?} ignored", f.text))),
                other => return Err(self.err(f, format_args!("unknown option {other:?}"))),
            }
            self.used[i] = true;
        }
        Ok(())
    }
}

const KINDS: &[&str] = &[
    "bool", "int", "float", "number", "string", "bytes", "struct", "list", "null", "top", "_",
    "bottom", "_|_",
];

fn rejoin_bottom(kinds: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(kinds.len());
    let mut i = 0;
    while i < kinds.len() {
        if kinds[i] == "_" && kinds.get(i + 1).is_some_and(|k| k == "_") {
            // `_|_` came out as ["_", "_"].
            out.push("_|_".into());
            i += 2;
        } else {
            out.push(kinds[i].clone());
            i += 1;
        }
    }
    out
}

/// Parses `[0:5, -1:3 file.cue:2:1]`: comma- or space-separated position specs.
fn parse_pos_specs(raw: &str) -> Result<Vec<PosSpec>, String> {
    let Some(inner) = raw
        .trim()
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
    else {
        return Err(format!("pos=: expected [...], found {raw:?}"));
    };
    let mut specs = Vec::new();
    for p in inner
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
    {
        let parts: Vec<&str> = p.splitn(3, ':').collect();
        let bad = || format!("invalid pos spec {p:?}: expected deltaLine:col or file:line:col");
        let spec = match parts.as_slice() {
            [d, c] => PosSpec::Relative {
                delta_line: d.parse().map_err(|_| bad())?,
                col: c.parse().map_err(|_| bad())?,
            },
            [f, l, c] => PosSpec::Absolute {
                file: f.to_string(),
                line: l.parse().map_err(|_| bad())?,
                col: c.parse().map_err(|_| bad())?,
            },
            _ => return Err(bad()),
        };
        specs.push(spec);
    }
    Ok(specs)
}

/// Parses `[a, "b, c", d]` into its elements as written.
fn parse_list(raw: &str) -> Result<Vec<String>, String> {
    let Some(inner) = raw
        .trim()
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
    else {
        return Err(format!("expected [...], found {raw:?}"));
    };
    let fields = split_fields(inner).map_err(|e| e.message)?;
    Ok(fields
        .into_iter()
        .map(|f| f.text)
        .filter(|t| !t.is_empty())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> TestAttr {
        parse_test_attr(&format!("@test({body})")).unwrap_or_else(|e| panic!("{body}: {e:?}"))
    }

    fn parse_err(body: &str) -> AttrError {
        match parse_test_attr(&format!("@test({body})")) {
            Ok(a) => panic!("{body}: unexpectedly parsed: {a:?}"),
            Err(e) => e,
        }
    }

    fn eq_text(a: &TestAttr) -> &str {
        match &a.directive {
            Directive::Eq { expr: Some(e), .. } => &e.text,
            d => panic!("not eq: {d:?}"),
        }
    }

    #[test]
    fn splits_like_upstream() {
        let f = split_fields(r#"eq, {a: 1, b: [1, 2]}, x="a,b", y=(1, 2), z"#).unwrap();
        let texts: Vec<&str> = f.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(
            texts,
            ["eq", "{a: 1, b: [1, 2]}", r#"x="a,b""#, "y=(1, 2)", "z"]
        );
        assert_eq!(f[2].value, "a,b");
        assert_eq!(split_fields("").unwrap().len(), 1);
        assert_eq!(split_fields("a,").unwrap().len(), 2);
        // Only the first top-level `=` makes a key; `==` and `=~` never do.
        let f = split_fields("k=v=w, a == b, c =~ d").unwrap();
        assert_eq!((f[0].key.as_str(), f[0].value.as_str()), ("k", "v=w"));
        assert_eq!((f[1].key.as_str(), f[1].raw.as_str()), ("", "a == b"));
        assert_eq!(f[2].key, "");
    }

    #[test]
    fn eq_with_nested_commas_braces_strings() {
        let a = parse(r#"eq, {a: "x, y", b: [1, {c: 2}], d: "\(x), )"}"#);
        assert_eq!(eq_text(&a), r#"{a: "x, y", b: [1, {c: 2}], d: "\(x), )"}"#);
        assert_eq!(a.fields.len(), 2);

        let a = parse("eq, {\n\ta: 1\n\tb: 2 // a comment, with a comma )\n}");
        assert_eq!(
            eq_text(&a),
            "{\n\ta: 1\n\tb: 2 // a comment, with a comma )\n}"
        );

        let a = parse("eq, {x: 1 @test(shareID=A), y: 2 @foo(a, b)}");
        assert_eq!(eq_text(&a), "{x: 1 @test(shareID=A), y: 2 @foo(a, b)}");

        let a = parse(r##"eq, #"raw "quoted", string"#"##);
        assert_eq!(eq_text(&a), r##"#"raw "quoted", string"#"##);

        let a = parse("eq, \"\"\"\n\ta, b\n\t\"\"\"");
        assert_eq!(a.fields.len(), 2);

        let a = parse("eq, *1 | 2, incorrect");
        assert_eq!(eq_text(&a), "*1 | 2");
        assert!(a.modifiers.incorrect);

        let a = parse("eq, {}, at=a.b");
        assert_eq!(a.directive.at(), Some("a.b"));

        // The expression offset points into the attribute text.
        let text = "@test(eq,   {a: 1})";
        let a = parse_test_attr(text).unwrap();
        let Directive::Eq { expr: Some(e), .. } = &a.directive else {
            panic!()
        };
        assert_eq!(&text[e.offset as usize..][..e.text.len()], e.text);

        assert!(matches!(
            parse("eq").directive,
            Directive::Eq { expr: None, .. }
        ));
        assert_eq!(parse("").directive, Directive::Placeholder);
    }

    #[test]
    fn eq_expression_parses_at_its_position() {
        let file = SourceFile::new("in.cue", "a: 1\nb: 2 @test(eq, {x: 1, y: })\n");
        let start = file.text().find('@').unwrap() as u32;
        let a = parse_test_attr(&file.text()[start as usize..file.text().len() - 1]).unwrap();
        let Directive::Eq { expr: Some(e), .. } = &a.directive else {
            panic!()
        };
        let (src, parsed) = e.parse(&file, start);
        assert_eq!(src.name(), "in.cue");
        assert!(!parsed.is_ok());
        let lc = src.line_col(parsed.errors[0].span.start);
        assert_eq!(lc.line, 2);
        assert!(lc.col > 20, "{lc}");
    }

    #[test]
    fn err_options() {
        let a = parse(
            r#"err, any, code=cycle|incomplete, contains="conflicting values %s and %s, really", at=a.b, path=x.y, pos=[0:5, -2:13 other.cue:3:4], args=["bar", int], suberr=(contains="x", args=[struct, null]), suberr=(code=eval, pos=[1:2])"#,
        );
        let Directive::Err(e) = &a.directive else {
            panic!("{a:?}")
        };
        assert!(e.any);
        assert_eq!(e.codes, ["cycle", "incomplete"]);
        assert_eq!(
            e.contains.as_deref(),
            Some("conflicting values %s and %s, really")
        );
        assert_eq!(e.at.as_deref(), Some("a.b"));
        assert_eq!(e.path.as_deref(), Some("x.y"));
        assert_eq!(
            e.pos.as_deref(),
            Some(
                &[
                    PosSpec::Relative {
                        delta_line: 0,
                        col: 5
                    },
                    PosSpec::Relative {
                        delta_line: -2,
                        col: 13
                    },
                    PosSpec::Absolute {
                        file: "other.cue".into(),
                        line: 3,
                        col: 4
                    },
                ][..]
            )
        );
        assert_eq!(
            e.args.as_deref(),
            Some(&["\"bar\"".to_string(), "int".to_string()][..])
        );
        assert_eq!(e.suberrs.len(), 2);
        assert_eq!(
            e.suberrs[0].args.as_deref(),
            Some(&["struct".to_string(), "null".to_string()][..])
        );
        assert!(e.suberrs[1].has_pos() && e.has_pos());

        let a = parse("err, code=(eval|user)");
        let Directive::Err(e) = &a.directive else {
            panic!()
        };
        assert_eq!(e.codes, ["eval", "user"]);
        assert!(!e.has_pos());

        let a = parse("err, pos=[]");
        let Directive::Err(e) = &a.directive else {
            panic!()
        };
        assert_eq!(e.pos, Some(vec![]));

        let a = parse("err,\n\tcode=eval,\n\tcontains=\"x\",\n");
        assert!(matches!(a.directive, Directive::Err(_)));
    }

    #[test]
    fn other_directives() {
        assert_eq!(
            parse("kind=int|string").directive,
            Directive::Kind(vec!["int".into(), "string".into()])
        );
        assert_eq!(
            parse("kind=_|_").directive,
            Directive::Kind(vec!["_|_".into()])
        );
        assert_eq!(parse("closed").directive, Directive::Closed(true));
        assert_eq!(parse("closed=false").directive, Directive::Closed(false));
        assert_eq!(
            parse("allows=false, \"foo\"").directive,
            Directive::Allows {
                expected: false,
                selector: "\"foo\"".into()
            }
        );
        assert_eq!(
            parse("allows, #Def").directive,
            Directive::Allows {
                expected: true,
                selector: "#Def".into()
            }
        );
        assert_eq!(
            parse("permute").directive,
            Directive::Permute { count: None }
        );
        assert_eq!(
            parse("permute, count=6").directive,
            Directive::Permute {
                count: Some(Some(6))
            }
        );
        assert_eq!(
            parse("permute, count=").directive,
            Directive::Permute { count: Some(None) }
        );
        assert_eq!(
            parse("shareID=A").directive,
            Directive::ShareId {
                name: "A".into(),
                at: None
            }
        );
        assert_eq!(
            parse("shareID=B, at=x").directive,
            Directive::ShareId {
                name: "B".into(),
                at: Some("x".into())
            }
        );
        assert_eq!(
            parse("debugCheck, \"(int){ 1 }\"").directive,
            Directive::DebugCheck(Some("(int){ 1 }".into()))
        );
        assert_eq!(
            parse("debug, \"\"\"\n\tx\n\t\"\"\"").directive,
            Directive::Debug(Some("x".into()))
        );
        assert_eq!(parse("ignore").directive, Directive::Ignore);
        assert_eq!(parse("final").directive, Directive::Final);
        assert_eq!(parse("checkOrder").directive, Directive::CheckOrder);
        assert_eq!(
            parse("desc=\"a b\"").directive,
            Directive::Desc("a b".into())
        );
    }

    #[test]
    fn modifiers_and_versions() {
        let a = parse("eq:v3, 1");
        assert_eq!((a.version.as_deref(), a.todo), (Some("v3"), false));
        let a = parse("eq:todo, 1, p=1");
        assert_eq!((a.version.as_deref(), a.todo), (None, true));
        assert_eq!(a.modifiers.priority.as_deref(), Some("1"));
        let a = parse("allows:todo=false, string, hint=\"for explicit open\"");
        assert!(a.todo);
        assert_eq!(
            a.directive,
            Directive::Allows {
                expected: false,
                selector: "string".into()
            }
        );
        assert_eq!(a.modifiers.hint.as_deref(), Some("for explicit open"));
        let a = parse("kind:todo=int");
        assert!(a.todo && a.directive == Directive::Kind(vec!["int".into()]));
        let a = parse("skip:v3, why=\"known regression\"");
        assert_eq!(
            (a.directive.clone(), a.version.as_deref()),
            (Directive::Skip, Some("v3"))
        );
        assert_eq!(a.modifiers.why.as_deref(), Some("known regression"));
        let a = parse("todo, p=2, why=\"cleanup\"");
        assert_eq!(a.directive, Directive::Todo);
        assert_eq!(a.modifiers.priority.as_deref(), Some("2"));
        let a = parse("err, code=eval, incorrect, guidance=\"look\", desc=\"d\"");
        assert!(a.modifiers.incorrect);
        assert_eq!(a.modifiers.guidance.as_deref(), Some("look"));
        assert_eq!(a.modifiers.desc.as_deref(), Some("d"));
        let a = parse("eq, 42, skip:v3, diff=\"got 43; want 42\"");
        assert_eq!(a.modifiers.skip, Some(Some("v3".into())));
        assert_eq!(a.modifiers.diff.as_deref(), Some("got 43; want 42"));
        let a = parse("eq, 42, skip");
        assert_eq!(a.modifiers.skip, Some(None));
    }

    #[test]
    fn malformed() {
        let cases = [
            ("eq, {a: 1", "missing '}'"),
            ("eq, a)", "unexpected ')'"),
            ("eq, [1, 2}", "unexpected '}'"),
            ("eq, \"abc", "invalid attribute text"),
            ("frobnicate", "unknown directive"),
            ("err, code=eval, bogus=1", "unknown option \"bogus\""),
            ("err, suberr(contains=\"x\")", "missing '='"),
            ("err, pos=[0:x]", "invalid pos spec"),
            ("err, pos=0:1", "expected [...]"),
            ("err, suberr=contains", "expected (...)"),
            ("err, suberr=(bogus=2)", "unknown option"),
            ("kind=integer", "unknown kind"),
            ("kind", "expected kind="),
            ("closed=maybe", "expected true or false"),
            ("allows", "missing selector"),
            ("permute, count=six", "invalid count"),
            ("shareID", "expected shareID="),
            ("eq=1", "takes no value"),
            ("eq:, 1", "malformed version"),
            ("e q, 1", "malformed @test directive"),
        ];
        for (body, want) in cases {
            let e = parse_err(body);
            assert!(
                e.message.contains(want),
                "{body}: got {:?}, want {want:?}",
                e.message
            );
            assert!(
                (e.offset as usize) < body.len() + 7,
                "{body}: offset {}",
                e.offset
            );
        }
        assert!(parse_test_attr("@json(x)").is_err());
        assert!(parse_test_attr("@test").is_err());
        // Upstream ignores stray arguments; they are warnings here.
        let a = parse("eq, 1, 2");
        assert_eq!(eq_text(&a), "1");
        assert_eq!(a.warnings.len(), 1);
        assert!(
            a.warnings[0].message.contains("argument \"2\" ignored"),
            "{:?}",
            a.warnings
        );
        let a = parse("err, at=x, =incomplete, contains=\"y\",, suberr=(code=eval, stray)");
        let msgs: Vec<&str> = a.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "in suberr=(...): @test(err): argument \"stray\" ignored",
                "@test(err): argument \"=incomplete\" ignored",
                "@test(err): empty argument ignored",
            ]
        );
        let a = parse("skip, reason=\"x\"");
        assert_eq!(a.warnings.len(), 1);
        assert!(parse("eq, 1,").warnings.is_empty());
        // The error offset points at the offending field.
        let text = "@test(err, code=eval, bogus=1)";
        let e = parse_test_attr(text).unwrap_err();
        assert_eq!(&text[e.offset as usize..][..5], "bogus");
    }
}
