//! Package `encoding/yaml`, and YAML ⇄ [`Val`] conversion.
//!
//! Writing follows upstream: a value becomes go-yaml v3 nodes (strings
//! that YAML 1.1 would read as booleans, and date-like strings, are
//! double-quoted; strings with newlines use literal block style; bytes are
//! `!!binary`) and go-yaml's emitter rules pick the presentation (plain,
//! single- or double-quoted, `|` blocks with indentation and chomping
//! indicators), indented by two spaces.
//!
//! Reading resolves plain scalars with go-yaml v3's rules (YAML 1.2 core
//! schema plus 1.1 octals like `0777`; `yes`/`on` are strings), keeps
//! mapping order, expands aliases and `<<` merge keys, and turns numbers
//! into CUE numbers of the same written form.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use granit_parser::{Event, Parser, ScalarStyle, Tag};

use super::util::{self, any, bytes};
use super::{CallCtx, CallError, CallResult, Package, Val};
use crate::golang::encoding::STD_ENCODING;
use crate::golang::regex::GoRegex;
use crate::num::Number;

pub static PACKAGE: Package = Package {
    path: "encoding/yaml",
    funcs: &[
        func!("Marshal", [Top], String, |_, a| Ok(Val::str(marshal_yaml(
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
            for (i, v) in l.iter().enumerate() {
                if i > 0 {
                    out.push_str("---\n");
                }
                out.push_str(&marshal_yaml(v)?);
            }
            Ok(Val::str(out))
        }),
        func!("Unmarshal", [StringOrBytes], Top, |_, a| unmarshal(bytes(
            a, 0
        )?)),
        func!("UnmarshalStream", [StringOrBytes], Top, |_, a| {
            Ok(Val::List(unmarshal_stream(bytes(a, 0)?)?))
        }),
        func!("Validate", [StringOrBytes, Top], Bool, validate),
        func!("ValidatePartial", [StringOrBytes, Top], Bool, validate),
    ],
    consts: &[],
    cue: "",
};

fn validate(c: &mut dyn CallCtx, a: &[Val]) -> CallResult {
    let docs = unmarshal_stream(bytes(a, 0)?)?;
    let schema = any(a, 1)?;
    for d in &docs {
        c.validate(schema, d)?;
    }
    Ok(Val::Bool(true))
}

// ---------------------------------------------------------------------------
// Writing

/// `v` as `cue export --out yaml` and `yaml.Marshal` print it.
pub fn marshal_yaml(v: &Val) -> Result<String, CallError> {
    marshal(v, false)
}

/// `v` in the layout `kubectl get -o yaml` and KubeVela print
/// (sigs.k8s.io/yaml): sequence items of a mapping start at the key's
/// column. Keys are printed in the order given.
pub fn marshal_yaml_compact(v: &Val) -> Result<String, CallError> {
    marshal(v, true)
}

fn marshal(v: &Val, compact_seq: bool) -> Result<String, CallError> {
    let mut e = Emitter {
        out: String::new(),
        compact_seq,
    };
    match v {
        Val::List(l) if !l.is_empty() => e.seq(l, 0)?,
        Val::Struct(fs) if !fs.is_empty() => e.map(fs, 0, false)?,
        _ => {
            e.value_inline(v, 2)?;
        }
    }
    e.newline_if_needed();
    if e.out.is_empty() {
        e.out.push('\n');
    }
    Ok(e.out)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// A scalar as go-yaml sees it: value, requested style, explicit tag.
struct Scalar {
    value: String,
    style: Style,
    tag: Option<&'static str>,
}

fn legacy_string(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "n"
            | "N"
            | "t"
            | "T"
            | "f"
            | "F"
            | "no"
            | "No"
            | "NO"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
            | ".Nan"
    )
}

fn use_quote_re() -> &'static GoRegex {
    static RE: OnceLock<GoRegex> = OnceLock::new();
    RE.get_or_init(|| {
        GoRegex::new(r"^[\-+0-9:\. \t]+([-:]|[tT])[\-+0-9:\. \t]+[zZ]?$|^0x[a-fA-F0-9]+$")
            .expect("valid pattern")
    })
}

/// Upstream's `shouldQuote`: strings YAML 1.1 readers would take for
/// booleans, or that look like times or hex numbers.
fn should_quote(s: &str) -> bool {
    legacy_string(s) || use_quote_re().is_match(s)
}

fn yaml_float_re() -> &'static GoRegex {
    static RE: OnceLock<GoRegex> = OnceLock::new();
    RE.get_or_init(|| {
        GoRegex::new(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
            .expect("valid pattern")
    })
}

/// go-yaml v3's implicit resolution of a plain scalar.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Resolved {
    Null,
    Bool,
    Int,
    Float,
    Timestamp,
    Str,
}

fn go_parse_int_base0(s: &str) -> Option<i128> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) = if let Some(r) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, r)
    } else if let Some(r) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
        (2, r)
    } else if let Some(r) = body.strip_prefix("0o").or(body.strip_prefix("0O")) {
        (8, r)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = u128::from_str_radix(digits, radix).ok()?;
    let v = i128::try_from(v).ok()?;
    let v = if neg { -v } else { v };
    // int64 or uint64 range.
    if v < i64::MIN as i128 || v > u64::MAX as i128 || (neg && v > 0) {
        return None;
    }
    if v > i64::MAX as i128 && (neg || s.starts_with('+')) {
        return None;
    }
    Some(v)
}

fn is_timestamp(s: &str) -> bool {
    // go-yaml: four digits, '-', then one of its layouts.
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let re = {
        static RE: OnceLock<GoRegex> = OnceLock::new();
        RE.get_or_init(|| {
            GoRegex::new(
                r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]{0,9})?([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?)?$",
            )
            .expect("valid pattern")
        })
    };
    re.is_match(s)
}

fn resolve(s: &str) -> Resolved {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => return Resolved::Bool,
        ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF"
        | "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float,
        _ => {}
    }
    let c = s.as_bytes()[0];
    match c {
        b'.' if crate::golang::strconv::parse_float(s, 64).is_ok() => {
            return Resolved::Float;
        }
        b'+' | b'-' | b'0'..=b'9' => {
            if c.is_ascii_digit() && is_timestamp(s) {
                return Resolved::Timestamp;
            }
            let plain = s.replace('_', "");
            if go_parse_int_base0(&plain).is_some() {
                return Resolved::Int;
            }
            if yaml_float_re().is_match(&plain)
                && crate::golang::strconv::parse_float(&plain, 64).is_ok()
            {
                return Resolved::Float;
            }
        }
        _ => {}
    }
    Resolved::Str
}

fn scalar_of(v: &Val) -> Result<Option<Scalar>, CallError> {
    let plain = |s: String| Scalar {
        value: s,
        style: Style::Plain,
        tag: None,
    };
    Ok(Some(match v {
        Val::Null => plain("null".into()),
        Val::Bool(b) => plain(if *b { "true" } else { "false" }.into()),
        Val::Num(n) => plain(n.to_json_string()),
        Val::Str(s) => string_scalar(s),
        Val::Bytes(b) => Scalar {
            value: STD_ENCODING.encode(b),
            style: if b.contains(&b'\n') && std::str::from_utf8(b).is_ok() {
                Style::Literal
            } else {
                Style::Plain
            },
            tag: Some("!!binary"),
        },
        Val::Opaque(_) => return Err(CallError::Incomplete("incomplete value".into())),
        Val::List(_) | Val::Struct(_) => return Ok(None),
    }))
}

/// A string scalar: upstream's node (quoted when [`should_quote`], literal
/// with newlines), then go-yaml's check that a plain string would not read
/// back as another type.
fn string_scalar(s: &str) -> Scalar {
    let mut style = if s.contains('\n') {
        Style::Literal
    } else if should_quote(s) {
        Style::Double
    } else {
        Style::Plain
    };
    if style == Style::Plain && resolve(s) != Resolved::Str {
        style = Style::Double;
    }
    Scalar {
        value: s.to_string(),
        style,
        tag: None,
    }
}

/// libyaml's scalar analysis.
#[derive(Default)]
struct Analysis {
    multiline: bool,
    block_plain: bool,
    single: bool,
    block: bool,
}

fn is_break_char(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_printable(c: char) -> bool {
    let u = c as u32;
    u == 0x0A
        || (0x20..=0x7E).contains(&u)
        || (0xA0..=0xD7FF).contains(&u)
        || ((0xE000..=0xFFFD).contains(&u) && u != 0xFEFF)
}

fn analyze(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            block_plain: true,
            single: true,
            block: false,
        };
    }
    let chars: Vec<char> = value.chars().collect();
    let mut block_ind = false;
    let mut line_breaks = false;
    let mut special = false;
    let mut tabs = false;
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut prev_space, mut prev_break) = (false, false);
    if value.starts_with("---") || value.starts_with("...") {
        block_ind = true;
    }
    let mut preceded_ws = true;
    let n = chars.len();
    for (i, &c) in chars.iter().enumerate() {
        let followed_ws =
            i + 1 >= n || matches!(chars[i + 1], ' ' | '\t') || is_break_char(chars[i + 1]);
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_ind = true,
                '?' | ':' | '-' if followed_ws => block_ind = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_ws => block_ind = true,
                '#' if preceded_ws => block_ind = true,
                _ => {}
            }
        }
        if c == '\t' {
            tabs = true;
        } else if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i + 1 == n {
                trailing_space = true;
            }
            if prev_break {
                break_space = true;
            }
            prev_space = true;
            prev_break = false;
        } else if is_break_char(c) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if i + 1 == n {
                trailing_break = true;
            }
            if prev_space {
                space_break = true;
            }
            prev_space = false;
            prev_break = true;
        } else {
            prev_space = false;
            prev_break = false;
        }
        preceded_ws = matches!(c, ' ' | '\t') || is_break_char(c);
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain: true,
        single: true,
        block: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain = false;
    }
    if trailing_space {
        a.block = false;
    }
    if break_space {
        a.block_plain = false;
        a.single = false;
    }
    if space_break || tabs || special {
        a.block_plain = false;
        a.single = false;
    }
    if space_break || special {
        a.block = false;
    }
    if line_breaks {
        a.block_plain = false;
    }
    if block_ind {
        a.block_plain = false;
    }
    a
}

fn select_style(s: &Scalar, simple_key: bool) -> Style {
    let a = analyze(&s.value);
    let mut style = s.style;
    if simple_key && a.multiline {
        style = Style::Double;
    }
    if style == Style::Plain && (!a.block_plain || (s.value.is_empty() && simple_key)) {
        style = Style::Single;
    }
    if style == Style::Single && !a.single {
        style = Style::Double;
    }
    if style == Style::Literal && (!a.block || simple_key) {
        style = Style::Double;
    }
    style
}

struct Emitter {
    out: String,
    /// Sequences in mappings at the key's column (sigs.k8s.io/yaml).
    compact_seq: bool,
}

impl Emitter {
    fn check(&self) -> Result<(), CallError> {
        if self.out.len() > util::MAX_RESULT_BYTES {
            return util::msg("result too large");
        }
        Ok(())
    }

    /// Starts a new line unless the output is at the start of one (after
    /// `\n`, or after U+2028/U+2029 written inside a scalar, which reset
    /// libyaml's column too).
    fn newline_if_needed(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with(['\n', '\u{2028}', '\u{2029}']) {
            self.out.push('\n');
        }
    }

    fn pad(&mut self, n: usize) {
        self.out.extend(std::iter::repeat_n(' ', n));
    }

    /// Writes a scalar at the current position; `indent` is where block
    /// content and continuation lines go.
    fn scalar(&mut self, s: &Scalar, indent: usize, simple_key: bool) {
        if let Some(tag) = s.tag {
            self.out.push_str(tag);
            self.out.push(' ');
        }
        match select_style(s, simple_key) {
            Style::Plain => self.out.push_str(&s.value),
            Style::Single => {
                self.out.push('\'');
                let mut breaks = false;
                for c in s.value.chars() {
                    if is_break_char(c) {
                        if !breaks && c == '\n' {
                            self.out.push('\n');
                        }
                        self.out.push(c);
                        breaks = true;
                    } else {
                        if breaks {
                            self.pad(indent);
                        }
                        if c == '\'' {
                            self.out.push_str("''");
                        } else {
                            self.out.push(c);
                        }
                        breaks = false;
                    }
                }
                self.out.push('\'');
            }
            Style::Double => write_double(&mut self.out, &s.value),
            Style::Literal => {
                self.out.push('|');
                let v = &s.value;
                if v.starts_with(' ') || v.starts_with(is_break_char) {
                    self.out.push('2');
                }
                let chars: Vec<char> = v.chars().collect();
                let n = chars.len();
                if n == 0 || !is_break_char(chars[n - 1]) {
                    self.out.push('-');
                } else if n == 1 || is_break_char(chars[n - 2]) {
                    self.out.push('+');
                }
                self.out.push('\n');
                let mut breaks = true;
                for &c in &chars {
                    if is_break_char(c) {
                        // `\n` starts a new line; other breaks (U+2028…) are
                        // written as they are and only reset the column.
                        self.out.push(if c == '\r' { '\n' } else { c });
                        breaks = true;
                    } else {
                        if breaks {
                            self.pad(indent);
                        }
                        self.out.push(c);
                        breaks = false;
                    }
                }
            }
        }
    }

    /// Writes a value that follows `key:` or `- ` (or stands alone).
    fn value_inline(&mut self, v: &Val, indent: usize) -> Result<(), CallError> {
        match v {
            Val::List(l) if l.is_empty() => self.out.push_str("[]"),
            Val::Struct(fs) if fs.is_empty() => self.out.push_str("{}"),
            _ => {
                if let Some(s) = scalar_of(v)? {
                    self.scalar(&s, indent, false);
                }
            }
        }
        self.check()
    }

    /// A block sequence whose dashes are at column `indent`; the first
    /// dash is written at the current position when `inline`.
    fn seq(&mut self, l: &[Val], indent: usize) -> Result<(), CallError> {
        self.seq_at(l, indent, false)
    }

    fn seq_at(&mut self, l: &[Val], indent: usize, inline: bool) -> Result<(), CallError> {
        for (i, v) in l.iter().enumerate() {
            if i > 0 || !inline {
                self.newline_if_needed();
                self.pad(indent);
            }
            self.out.push_str("- ");
            match v {
                Val::List(x) if !x.is_empty() => self.seq_at(x, indent + 2, true)?,
                Val::Struct(fs) if !fs.is_empty() => self.map(fs, indent + 2, true)?,
                _ => {
                    // "- " then the scalar; an empty plain value leaves "-".
                    self.value_inline(v, indent + 2)?;
                }
            }
        }
        Ok(())
    }

    /// A block mapping with keys at column `indent`; the first key at the
    /// current position when `inline`.
    fn map(
        &mut self,
        fs: &[(Arc<str>, Val)],
        indent: usize,
        inline: bool,
    ) -> Result<(), CallError> {
        for (i, (k, v)) in fs.iter().enumerate() {
            if i > 0 || !inline {
                self.newline_if_needed();
                self.pad(indent);
            }
            let key = string_scalar(k);
            let complex = key.value.contains(is_break_char) || key.value.len() > 128;
            if complex {
                self.out.push_str("? ");
                self.scalar(&key, indent + 2, false);
                self.newline_if_needed();
                self.pad(indent);
                self.out.push_str(": ");
                // The value starts on the `:` line, like a sequence item.
                match v {
                    Val::List(x) if !x.is_empty() => self.seq_at(x, indent + 2, true)?,
                    Val::Struct(x) if !x.is_empty() => self.map(x, indent + 2, true)?,
                    _ => self.value_inline(v, indent + 2)?,
                }
                continue;
            } else {
                self.scalar(&key, indent + 2, true);
                self.out.push(':');
            }
            match v {
                Val::List(x) if !x.is_empty() => {
                    self.out.push('\n');
                    let at = if self.compact_seq { indent } else { indent + 2 };
                    self.seq(x, at)?;
                }
                Val::Struct(x) if !x.is_empty() => {
                    self.out.push('\n');
                    self.map(x, indent + 2, false)?;
                }
                _ => {
                    self.out.push(' ');
                    self.value_inline(v, indent + 2)?;
                }
            }
        }
        Ok(())
    }
}

fn write_double(out: &mut String, v: &str) {
    // libyaml's BOM test looks at the start of the value, not at the
    // current character: a value starting with U+FEFF is escaped entirely.
    let bom = v.starts_with('\u{FEFF}');
    out.push('"');
    for c in v.chars() {
        let u = c as u32;
        if bom || !is_printable(c) || is_break_char(c) || c == '"' || c == '\\' {
            out.push('\\');
            match u {
                0x00 => out.push('0'),
                0x07 => out.push('a'),
                0x08 => out.push('b'),
                0x09 => out.push('t'),
                0x0A => out.push('n'),
                0x0B => out.push('v'),
                0x0C => out.push('f'),
                0x0D => out.push('r'),
                0x1B => out.push('e'),
                0x22 => out.push('"'),
                0x5C => out.push('\\'),
                0x85 => out.push('N'),
                0xA0 => out.push('_'),
                0x2028 => out.push('L'),
                0x2029 => out.push('P'),
                _ => {
                    if u <= 0xFF {
                        out.push_str(&format!("x{u:02X}"));
                    } else if u <= 0xFFFF {
                        out.push_str(&format!("u{u:04X}"));
                    } else {
                        out.push_str(&format!("U{u:08X}"));
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out.push('"');
}

// ---------------------------------------------------------------------------
// Reading

/// Most nodes aliases may expand to (upstream's limit).
const MAX_ALIAS_NODES: usize = 50_000;
/// Deepest nesting accepted (a stack guard).
const MAX_DEPTH: usize = 1000;

#[derive(Clone, Debug)]
enum Node {
    Scalar {
        value: String,
        plain: bool,
        tag: Option<String>,
        line: usize,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
    Alias(usize),
}

fn tag_name(t: &Tag) -> String {
    if t.is_yaml_core_schema() || t.handle() == "tag:yaml.org,2002:" {
        format!("!!{}", t.suffix())
    } else {
        format!("{}{}", t.handle(), t.suffix())
    }
}

/// Parses all documents into node trees plus the anchors they define.
fn parse_docs(src: &str) -> Result<(Vec<Node>, HashMap<usize, Node>), CallError> {
    let mut docs = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    // Stack of open collections: (node, anchor, pending key).
    enum Open {
        Seq(Vec<Node>, usize),
        Map(Vec<(Node, Node)>, Option<Node>, usize),
    }
    let mut stack: Vec<Open> = Vec::new();
    let mut parser = Parser::new_from_str(src);
    let perr = |e: granit_parser::ScanError| {
        CallError::msg(format!(":{}: {}", e.marker().line(), e.info()))
    };
    while let Some(ev) = parser.next_event() {
        let (ev, span) = ev.map_err(perr)?;
        let mut done: Option<(Node, usize)> = None;
        match ev {
            Event::Scalar(value, style, anchor, tag) => {
                done = Some((
                    Node::Scalar {
                        value: value.into_owned(),
                        plain: style == ScalarStyle::Plain,
                        tag: tag.map(|t| tag_name(&t)),
                        line: span.start.line(),
                    },
                    anchor,
                ));
            }
            Event::SequenceStart(_, anchor, _) => {
                if stack.len() > MAX_DEPTH {
                    return util::msg("yaml: nesting too deep");
                }
                stack.push(Open::Seq(Vec::new(), anchor));
            }
            Event::MappingStart(_, anchor, _) => {
                if stack.len() > MAX_DEPTH {
                    return util::msg("yaml: nesting too deep");
                }
                stack.push(Open::Map(Vec::new(), None, anchor));
            }
            Event::SequenceEnd => {
                if let Some(Open::Seq(v, anchor)) = stack.pop() {
                    done = Some((Node::Seq(v), anchor));
                }
            }
            Event::MappingEnd => {
                if let Some(Open::Map(v, _, anchor)) = stack.pop() {
                    done = Some((Node::Map(v), anchor));
                }
            }
            Event::Alias(id) => done = Some((Node::Alias(id), 0)),
            _ => {}
        }
        if let Some((node, anchor)) = done {
            if anchor != 0 {
                anchors.insert(anchor, node.clone());
            }
            match stack.last_mut() {
                None => docs.push(node),
                Some(Open::Seq(v, _)) => v.push(node),
                Some(Open::Map(v, key, _)) => match key.take() {
                    None => *key = Some(node),
                    Some(k) => v.push((k, node)),
                },
            }
        }
    }
    Ok((docs, anchors))
}

struct Decoder<'a> {
    anchors: &'a HashMap<usize, Node>,
    expanding: Vec<usize>,
    alias_nodes: usize,
    depth: usize,
}

fn err_at<T>(line: usize, m: impl std::fmt::Display) -> Result<T, CallError> {
    util::msg(format!(":{line}: {m}"))
}

impl Decoder<'_> {
    fn count(&mut self) -> Result<(), CallError> {
        if !self.expanding.is_empty() {
            self.alias_nodes += 1;
            if self.alias_nodes > MAX_ALIAS_NODES {
                return util::msg(format!(
                    "aliases expand to more than {MAX_ALIAS_NODES} nodes"
                ));
            }
        }
        Ok(())
    }

    fn node(&mut self, n: &Node) -> CallResult {
        self.count()?;
        if self.depth > MAX_DEPTH {
            return util::msg("yaml: nesting too deep");
        }
        match n {
            Node::Scalar {
                value,
                plain,
                tag,
                line,
            } => scalar(value, *plain, tag.as_deref(), *line),
            Node::Seq(items) => {
                self.depth += 1;
                let mut out = Vec::with_capacity(items.len());
                for x in items {
                    out.push(self.node(x)?);
                }
                self.depth -= 1;
                Ok(Val::List(out))
            }
            Node::Map(pairs) => {
                self.depth += 1;
                let mut fields = Vec::new();
                self.insert_map(pairs, &mut fields, false)?;
                self.depth -= 1;
                Ok(Val::Struct(fields))
            }
            Node::Alias(id) => {
                if self.expanding.contains(id) {
                    return util::msg("anchor value contains itself");
                }
                let Some(target) = self.anchors.get(id) else {
                    return util::msg("unknown anchor");
                };
                self.expanding.push(*id);
                let r = self.node(target);
                self.expanding.pop();
                r
            }
        }
    }

    fn target<'n>(&'n self, n: &'n Node) -> &'n Node {
        match n {
            Node::Alias(id) => self.anchors.get(id).unwrap_or(n),
            _ => n,
        }
    }

    fn insert_map(
        &mut self,
        pairs: &[(Node, Node)],
        fields: &mut Vec<(Arc<str>, Val)>,
        mut merge_values: bool,
    ) -> Result<(), CallError> {
        for (k, v) in pairs {
            let kt = self.target(k).clone();
            if let Node::Scalar {
                value, plain, tag, ..
            } = &kt
                && value == "<<"
                && *plain
                && (tag.is_none() || tag.as_deref() == Some("!!merge"))
            {
                merge_values = true;
                self.merge(v, fields)?;
                continue;
            }
            let label = self.label(&kt)?;
            if merge_values && let Some(i) = fields.iter().position(|(n, _)| **n == *label) {
                fields[i].1 = self.node(v)?;
                continue;
            }
            let value = self.node(v)?;
            super::json::insert_field(fields, &label, value)?;
        }
        Ok(())
    }

    fn merge(&mut self, v: &Node, fields: &mut Vec<(Arc<str>, Val)>) -> Result<(), CallError> {
        let t = self.target(v).clone();
        match &t {
            Node::Map(pairs) => self.insert_map(pairs, fields, true),
            Node::Seq(items) => {
                for x in items.iter().rev() {
                    self.merge(x, fields)?;
                }
                Ok(())
            }
            Node::Scalar { line, .. } => err_at(
                *line,
                "map merge requires map or sequence of maps as the value",
            ),
            Node::Alias(_) => util::msg("map merge requires map or sequence of maps as the value"),
        }
    }

    fn label(&mut self, k: &Node) -> Result<String, CallError> {
        match k {
            Node::Scalar {
                value,
                plain,
                tag,
                line,
            } => {
                let v = scalar(value, *plain, tag.as_deref(), *line)?;
                Ok(match v {
                    Val::Str(s) => s.to_string(),
                    Val::Bytes(_) => return err_at(*line, format!("invalid label {value}")),
                    _ => value.clone(),
                })
            }
            Node::Seq(_) => util::msg("invalid map key: !!seq"),
            Node::Map(_) => util::msg("invalid map key: !!map"),
            Node::Alias(_) => util::msg("invalid map key"),
        }
    }
}

fn is_any_octal_11(s: &str) -> bool {
    let b = s.strip_prefix(['-', '+']).unwrap_or(s).as_bytes();
    b.len() >= 2 && b[0] == b'0' && b[1..].iter().all(|c| c.is_ascii_digit() || *c == b'_')
}

fn scalar(value: &str, plain: bool, tag: Option<&str>, line: usize) -> CallResult {
    let explicit = tag.is_some_and(|t| t != "!");
    let mut kind = match tag {
        Some("!!str") => Resolved::Str,
        Some("!!int") => Resolved::Int,
        Some("!!float") => Resolved::Float,
        Some("!!bool") => Resolved::Bool,
        Some("!!null") => Resolved::Null,
        Some("!!timestamp") => Resolved::Timestamp,
        Some("!!binary") => {
            let data = STD_ENCODING.decode(value.as_bytes()).map_err(|_| {
                CallError::msg(format!(
                    ":{line}: !!binary value contains invalid base64 data"
                ))
            })?;
            return Ok(Val::bytes(data));
        }
        Some(t) if t != "!" && t != "!!merge" => {
            return err_at(line, format!("cannot unmarshal tag {t:?}"));
        }
        _ if plain => resolve(value),
        _ => Resolved::Str,
    };
    if !explicit && kind == Resolved::Float && is_any_octal_11(value) {
        kind = Resolved::Str;
    }
    match kind {
        Resolved::Str | Resolved::Timestamp => Ok(Val::str(value)),
        Resolved::Null => Ok(Val::Null),
        Resolved::Bool => Ok(Val::Bool(matches!(value, "true" | "True" | "TRUE"))),
        Resolved::Int => {
            let mut v = value.to_string();
            if v.len() > 1 && v.as_bytes()[0] == b'0' && v.as_bytes()[1] <= b'9' {
                v = format!("0o{}", &v[1..]);
            }
            match Number::parse(&v) {
                Ok(n) if n.is_int() => Ok(Val::Num(n)),
                Ok(_) => err_at(
                    line,
                    format!("cannot decode {v:?} as !!int: not a literal number"),
                ),
                Err(e) => err_at(line, format!("cannot decode {v:?} as !!int: {e}")),
            }
        }
        Resolved::Float => {
            let mut v = value.to_string();
            match v.as_str() {
                ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
                    return util::msg("parse error: illegal number start \"+Inf\"");
                }
                "-.inf" | "-.Inf" | "-.INF" => {
                    return util::msg("parse error: illegal number start \"Inf\"");
                }
                ".nan" | ".NaN" | ".NAN" => {
                    return util::msg("parse error: illegal number start \"NaN\"");
                }
                _ => {}
            }
            if v.len() > 1 && v.as_bytes()[0] == b'0' && v.as_bytes()[1].is_ascii_digit() {
                v = format!("0o{}", &v[1..]);
            }
            if !v.contains(['.', 'e', 'E', 'i', 'I', 'n', 'N']) {
                return util::msg(format!(
                    "parse error: illegal number start \"number & {v}\""
                ));
            }
            match Number::parse(&v) {
                Ok(n) => Ok(Val::Num(n)),
                Err(e) => err_at(line, format!("cannot decode {v:?} as !!float: {e}")),
            }
        }
    }
}

fn decode_doc(doc: &Node, anchors: &HashMap<usize, Node>) -> CallResult {
    let mut d = Decoder {
        anchors,
        expanding: Vec::new(),
        alias_nodes: 0,
        depth: 0,
    };
    d.node(doc)
}

fn text(src: &[u8]) -> Result<&str, CallError> {
    std::str::from_utf8(src).map_err(|_| CallError::msg("yaml: invalid UTF-8"))
}

/// `yaml.Unmarshal`: one document (empty input is `null`).
pub fn unmarshal(src: &[u8]) -> CallResult {
    let (docs, anchors) = parse_docs(text(src)?)?;
    match docs.len() {
        0 => Ok(Val::Null),
        1 => decode_doc(&docs[0], &anchors),
        _ => {
            let line = match &docs[1] {
                Node::Scalar { line, .. } => *line,
                _ => 0,
            };
            util::msg(format!(":{line}: expected a single YAML document"))
        }
    }
}

/// `yaml.UnmarshalStream`: all documents.
pub fn unmarshal_stream(src: &[u8]) -> Result<Vec<Val>, CallError> {
    let (docs, anchors) = parse_docs(text(src)?)?;
    if docs.is_empty() {
        return Ok(vec![Val::Null]);
    }
    docs.iter().map(|d| decode_doc(d, &anchors)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolution_follows_go_yaml_v3() {
        for (s, r) in [
            ("", Resolved::Null),
            ("~", Resolved::Null),
            ("Null", Resolved::Null),
            ("TRUE", Resolved::Bool),
            ("yes", Resolved::Str),
            ("on", Resolved::Str),
            ("0777", Resolved::Int),
            ("0o17", Resolved::Int),
            ("0x1F", Resolved::Int),
            ("1_000", Resolved::Int),
            ("-0b101", Resolved::Int),
            ("09", Resolved::Float),
            ("1e3", Resolved::Float),
            (".5", Resolved::Float),
            (".inf", Resolved::Float),
            ("2024-01-02", Resolved::Timestamp),
            ("1e400", Resolved::Str),
            ("<<", Resolved::Str),
        ] {
            assert_eq!(resolve(s), r, "{s:?}");
        }
    }

    #[test]
    fn scalar_styles() {
        let style = |s: &str| select_style(&string_scalar(s), false);
        assert_eq!(style("plain"), Style::Plain);
        assert_eq!(style("true"), Style::Double);
        assert_eq!(style("y"), Style::Double);
        assert_eq!(style(" lead"), Style::Single);
        assert_eq!(style("a: b"), Style::Single);
        assert_eq!(style("tab\there"), Style::Double);
        assert_eq!(style("two\nlines"), Style::Literal);
        assert_eq!(style("trailing \nspace"), Style::Double);
    }

    #[test]
    fn aliases_and_merge_keys() {
        let v = unmarshal(b"base: &b {x: 1, y: 2}\nd:\n  y: 5\n  <<: *b\n").unwrap();
        assert_eq!(v.to_cue_string(), "{base: {x: 1, y: 2}, d: {y: 2, x: 1}}");
        assert!(unmarshal(b"a: &a [*a]").is_err());
    }
}
