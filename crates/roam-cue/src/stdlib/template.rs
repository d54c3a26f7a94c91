//! Package `text/template`: `HTMLEscape`, `JSEscape`, and `Execute` for
//! the commonly used subset of Go templates — actions with fields,
//! variables, pipelines, `if`/`else if`/`else`, `range` (with `else` and
//! variable declarations), `with`, comments, trim markers, and the
//! functions `and or not len index print printf println eq ne lt le gt ge
//! html js urlquery`. `define`, `template` and `block` are not supported.

use std::collections::BTreeMap;

use num_bigint::BigInt;

use super::util::{self, any, string};
use super::{CallError, CallResult, Package, Val};

pub static PACKAGE: Package = Package {
    path: "text/template",
    funcs: &[
        func!("Execute", [String, Top], String, execute),
        func!("HTMLEscape", [String], String, |_, a| Ok(Val::str(
            html_escape(string(a, 0)?)
        ))),
        func!("JSEscape", [String], String, |_, a| Ok(Val::str(
            js_escape(string(a, 0)?)
        ))),
    ],
    consts: &[],
    cue: "",
};

/// Go's `template.HTMLEscapeString`.
fn html_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Go's `template.JSEscapeString`.
fn js_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c if !c.is_ascii() && !crate::golang::unicode::is_print(c) => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// A Go value as `cue.Value.Decode` into `interface{}` produces it.
#[derive(Clone, Debug, PartialEq)]
enum G {
    Nil,
    Bool(bool),
    Int(i64),
    Big(BigInt),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    List(Vec<G>),
    Map(BTreeMap<String, G>),
}

fn to_go(v: &Val) -> Result<G, CallError> {
    Ok(match v {
        Val::Null => G::Nil,
        Val::Bool(b) => G::Bool(*b),
        Val::Num(n) if n.is_int() => match n.to_i64() {
            Ok(i) => G::Int(i),
            Err(_) => G::Big(n.to_bigint().unwrap_or_default()),
        },
        Val::Num(n) => G::Float(n.to_f64_lossy()),
        Val::Str(s) => G::Str(s.to_string()),
        Val::Bytes(b) => G::Bytes(b.to_vec()),
        Val::List(l) => G::List(l.iter().map(to_go).collect::<Result<_, _>>()?),
        Val::Struct(fs) => G::Map(
            fs.iter()
                .map(|(k, v)| Ok((k.to_string(), to_go(v)?)))
                .collect::<Result<_, CallError>>()?,
        ),
        Val::Opaque(_) => return Err(CallError::Incomplete("non-concrete value".into())),
    })
}

fn fmt_float(f: f64) -> String {
    // %v of a float64: the shortest 'g' form.
    crate::golang::strconv::format_float(f, 'g', -1, 64)
}

/// `fmt.Sprint`-style `%v`.
fn show(v: &G, top: bool) -> String {
    match v {
        G::Nil => if top { "<no value>" } else { "<nil>" }.into(),
        G::Bool(b) => b.to_string(),
        G::Int(i) => i.to_string(),
        G::Big(b) => b.to_string(),
        G::Float(f) => fmt_float(*f),
        G::Str(s) => s.clone(),
        G::Bytes(b) => format!(
            "[{}]",
            b.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        ),
        G::List(l) => format!(
            "[{}]",
            l.iter()
                .map(|x| show(x, false))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        G::Map(m) => format!(
            "map[{}]",
            m.iter()
                .map(|(k, x)| format!("{k}:{}", show(x, false)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

fn truth(v: &G) -> bool {
    match v {
        G::Nil => false,
        G::Bool(b) => *b,
        G::Int(i) => *i != 0,
        G::Big(b) => b.bits() != 0,
        G::Float(f) => *f != 0.0,
        G::Str(s) => !s.is_empty(),
        G::Bytes(b) => !b.is_empty(),
        G::List(l) => !l.is_empty(),
        G::Map(m) => !m.is_empty(),
    }
}

// --- Parsing -------------------------------------------------------------

#[derive(Clone, Debug)]
enum Arg {
    Dot,
    Field(Box<Arg>, Vec<String>),
    Var(String),
    Lit(G),
    Func(String),
    Pipe(Box<Pipeline>),
}

#[derive(Clone, Debug, Default)]
struct Pipeline {
    decl: Vec<String>,
    cmds: Vec<Vec<Arg>>,
}

#[derive(Clone, Debug)]
enum Node {
    Text(String),
    Action(Pipeline),
    If(Pipeline, Vec<Node>, Vec<Node>),
    Range(Pipeline, Vec<Node>, Vec<Node>),
    With(Pipeline, Vec<Node>, Vec<Node>),
}

fn perr<T>(m: impl std::fmt::Display) -> Result<T, CallError> {
    util::msg(format!("template: :1: {m}"))
}

/// Splits the template into text and action bodies, applying trim
/// markers and dropping comments.
fn lex(src: &str) -> Result<Vec<(bool, String)>, CallError> {
    let mut out: Vec<(bool, String)> = Vec::new();
    let mut rest = src;
    let mut trim_next = false;
    while !rest.is_empty() {
        let Some(open) = rest.find("{{") else {
            let mut t = rest.to_string();
            if trim_next {
                t = t.trim_start().to_string();
            }
            out.push((false, t));
            break;
        };
        let mut text = rest[..open].to_string();
        if trim_next {
            text = text.trim_start().to_string();
        }
        let mut body_start = open + 2;
        let trim_left = rest[body_start..].starts_with("- ")
            || rest[body_start..].starts_with("-\t")
            || rest[body_start..].starts_with("-\n");
        if trim_left {
            text = text.trim_end().to_string();
            body_start += 1;
        }
        out.push((false, text));
        let after = &rest[body_start..];
        // Find the closing delimiter outside quotes.
        let b = after.as_bytes();
        let mut i = 0;
        let mut close = None;
        while i < b.len() {
            match b[i] {
                b'"' | b'`' | b'\'' => {
                    let q = b[i];
                    i += 1;
                    while i < b.len() && b[i] != q {
                        if b[i] == b'\\' && q != b'`' {
                            i += 1;
                        }
                        i += 1;
                    }
                }
                b'}' if i + 1 < b.len() && b[i + 1] == b'}' => {
                    close = Some(i);
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        let Some(close) = close else {
            return perr("unclosed action");
        };
        let mut body = &after[..close];
        trim_next = false;
        if body.ends_with(" -") || body.ends_with("\t-") || body.ends_with("\n-") {
            body = &body[..body.len() - 1];
            trim_next = true;
        }
        let trimmed = body.trim();
        if !(trimmed.starts_with("/*") && trimmed.ends_with("*/")) {
            out.push((true, trimmed.to_string()));
        }
        rest = &after[close + 2..];
    }
    Ok(out)
}

fn tokenize(s: &str) -> Result<Vec<String>, CallError> {
    let mut toks = Vec::new();
    let b: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        match c {
            '"' | '`' | '\'' => {
                i += 1;
                while i < b.len() && b[i] != c {
                    if b[i] == '\\' && c != '`' {
                        i += 1;
                    }
                    i += 1;
                }
                if i >= b.len() {
                    return perr("unterminated quoted string");
                }
                i += 1;
            }
            '(' | ')' | '|' | ',' => i += 1,
            ':' if b.get(i + 1) == Some(&'=') => i += 2,
            '=' => i += 1,
            _ => {
                while i < b.len() && !b[i].is_whitespace() && !"()|,=\"`".contains(b[i]) {
                    if b[i] == ':' && b.get(i + 1) == Some(&'=') {
                        break;
                    }
                    i += 1;
                }
            }
        }
        toks.push(b[start..i].iter().collect());
    }
    Ok(toks)
}

struct PipeParser {
    toks: Vec<String>,
    p: usize,
    context: &'static str,
}

impl PipeParser {
    fn pipeline(&mut self, in_paren: bool) -> Result<Pipeline, CallError> {
        let mut pl = Pipeline::default();
        // Declarations: `$x :=` or `$i, $v :=`.
        let save = self.p;
        let mut vars = Vec::new();
        while self.p < self.toks.len() && self.toks[self.p].starts_with('$') {
            vars.push(self.toks[self.p].clone());
            self.p += 1;
            if self.toks.get(self.p).map(String::as_str) == Some(",") {
                self.p += 1;
                continue;
            }
            break;
        }
        if matches!(self.toks.get(self.p).map(String::as_str), Some(":=" | "=")) && !vars.is_empty()
        {
            self.p += 1;
            pl.decl = vars;
        } else {
            self.p = save;
        }
        let mut cmd = Vec::new();
        while self.p < self.toks.len() {
            let t = self.toks[self.p].clone();
            self.p += 1;
            match t.as_str() {
                "|" => {
                    if cmd.is_empty() {
                        return perr("missing command");
                    }
                    pl.cmds.push(std::mem::take(&mut cmd));
                }
                ")" => {
                    if in_paren {
                        break;
                    }
                    return perr("unexpected right paren");
                }
                "(" => {
                    let inner = self.pipeline(true)?;
                    let arg = Arg::Pipe(Box::new(inner));
                    cmd.push(self.fields_after(arg));
                }
                _ => {
                    let a = operand(&t)?;
                    cmd.push(a);
                }
            }
        }
        if !cmd.is_empty() {
            pl.cmds.push(cmd);
        }
        if pl.cmds.is_empty() {
            return perr(format!("missing value for {}", self.context));
        }
        Ok(pl)
    }

    /// `(pipeline).Field.Chain`
    fn fields_after(&mut self, arg: Arg) -> Arg {
        if let Some(t) = self.toks.get(self.p)
            && t.starts_with('.')
            && t.len() > 1
        {
            let t = t.clone();
            self.p += 1;
            let fields = t[1..].split('.').map(str::to_string).collect();
            return Arg::Field(Box::new(arg), fields);
        }
        arg
    }
}

fn operand(t: &str) -> Result<Arg, CallError> {
    if t == "." {
        return Ok(Arg::Dot);
    }
    if let Some(rest) = t.strip_prefix('.') {
        return Ok(Arg::Field(
            Box::new(Arg::Dot),
            rest.split('.').map(str::to_string).collect(),
        ));
    }
    if t.starts_with('$') {
        let mut parts = t.split('.');
        let var = parts.next().unwrap_or("$").to_string();
        let fields: Vec<String> = parts.map(str::to_string).collect();
        let v = Arg::Var(var);
        return Ok(if fields.is_empty() {
            v
        } else {
            Arg::Field(Box::new(v), fields)
        });
    }
    match t {
        "true" => return Ok(Arg::Lit(G::Bool(true))),
        "false" => return Ok(Arg::Lit(G::Bool(false))),
        "nil" => return Ok(Arg::Lit(G::Nil)),
        _ => {}
    }
    if t.starts_with('"') {
        return crate::golang::strconv::unquote(t)
            .map(|s| Arg::Lit(G::Str(s)))
            .or_else(|_| perr(format!("bad string {t}")));
    }
    if let Some(raw) = t.strip_prefix('`') {
        return Ok(Arg::Lit(G::Str(raw.trim_end_matches('`').to_string())));
    }
    if t.starts_with('\'') {
        let s = crate::golang::strconv::unquote(t).or_else(|_| perr("bad character constant"))?;
        let c = s.chars().next().map_or(0, |c| c as i64);
        return Ok(Arg::Lit(G::Int(c)));
    }
    if t.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+') {
        if let Ok(i) = crate::golang::strconv::go_parse_int(t, 0, 64) {
            return Ok(Arg::Lit(G::Int(i)));
        }
        if let Ok(f) = crate::golang::strconv::parse_float(t, 64) {
            return Ok(Arg::Lit(G::Float(f)));
        }
        return perr(format!("bad number syntax: {t:?}"));
    }
    if t.chars().all(|c| c.is_alphanumeric() || c == '_') {
        if !KNOWN_FUNCS.contains(&t) {
            return perr(format!("function {t:?} not defined"));
        }
        return Ok(Arg::Func(t.to_string()));
    }
    perr(format!("unexpected {t:?} in command"))
}

const KNOWN_FUNCS: &[&str] = &[
    "and", "or", "not", "len", "index", "print", "printf", "println", "eq", "ne", "lt", "le", "gt",
    "ge", "html", "js", "urlquery", "slice",
];

fn parse_pipeline(s: &str, context: &'static str) -> Result<Pipeline, CallError> {
    let toks = tokenize(s)?;
    PipeParser {
        toks,
        p: 0,
        context,
    }
    .pipeline(false)
}

/// Parses the item stream into a tree; returns the nodes and the keyword
/// (`else …` or `end`) that stopped it.
fn parse_nodes(
    items: &[(bool, String)],
    pos: &mut usize,
    depth: usize,
) -> Result<(Vec<Node>, Option<String>), CallError> {
    if depth > 200 {
        return perr("template nesting too deep");
    }
    let mut nodes = Vec::new();
    while *pos < items.len() {
        let (is_action, s) = &items[*pos];
        *pos += 1;
        if !is_action {
            if !s.is_empty() {
                nodes.push(Node::Text(s.clone()));
            }
            continue;
        }
        let (kw, rest) = match s.split_once(char::is_whitespace) {
            Some((k, r)) => (k, r.trim()),
            None => (s.as_str(), ""),
        };
        match kw {
            "end" => return Ok((nodes, Some("end".into()))),
            "else" => return Ok((nodes, Some(s.clone()))),
            "if" | "range" | "with" => {
                let ctx = match kw {
                    "if" => "if",
                    "range" => "range",
                    _ => "with",
                };
                let pl = parse_pipeline(rest, ctx)?;
                let (body, stop) = parse_nodes(items, pos, depth + 1)?;
                let els = parse_else(items, pos, stop, kw, depth)?;
                nodes.push(match kw {
                    "if" => Node::If(pl, body, els),
                    "range" => Node::Range(pl, body, els),
                    _ => Node::With(pl, body, els),
                });
            }
            "define" | "template" | "block" => {
                return perr(format!("{kw} is not supported"));
            }
            _ => nodes.push(Node::Action(parse_pipeline(s, "command")?)),
        }
    }
    Ok((nodes, None))
}

fn parse_else(
    items: &[(bool, String)],
    pos: &mut usize,
    stop: Option<String>,
    kw: &str,
    depth: usize,
) -> Result<Vec<Node>, CallError> {
    match stop.as_deref() {
        Some("end") => Ok(Vec::new()),
        Some(e) if e.starts_with("else") => {
            let rest = e["else".len()..].trim();
            if rest.is_empty() {
                let (els, stop) = parse_nodes(items, pos, depth + 1)?;
                if stop.as_deref() != Some("end") {
                    return perr("expected end; found EOF");
                }
                Ok(els)
            } else if let Some(cond) = rest.strip_prefix(kw) {
                // `else if …` / `else with …`: a nested block sharing `end`.
                let pl = parse_pipeline(cond.trim(), "if")?;
                let (body, stop) = parse_nodes(items, pos, depth + 1)?;
                let els = parse_else(items, pos, stop, kw, depth + 1)?;
                Ok(vec![match kw {
                    "if" => Node::If(pl, body, els),
                    "with" => Node::With(pl, body, els),
                    _ => Node::Range(pl, body, els),
                }])
            } else {
                perr(format!("unexpected {rest:?} in else"))
            }
        }
        _ => perr("unexpected EOF"),
    }
}

// --- Execution -----------------------------------------------------------

struct Exec {
    vars: Vec<(String, G)>,
    out: String,
}

fn xerr<T>(m: impl std::fmt::Display) -> Result<T, CallError> {
    util::msg(format!("template: :1: executing \"\": {m}"))
}

impl Exec {
    fn var(&self, name: &str) -> Result<G, CallError> {
        match self.vars.iter().rev().find(|(n, _)| n == name) {
            Some((_, v)) => Ok(v.clone()),
            None => perr(format!("undefined variable: {name}")),
        }
    }

    fn arg(&mut self, a: &Arg, dot: &G) -> Result<G, CallError> {
        Ok(match a {
            Arg::Dot => dot.clone(),
            Arg::Var(n) => self.var(n)?,
            Arg::Lit(g) => g.clone(),
            Arg::Pipe(p) => self.pipeline(p, dot)?,
            Arg::Func(f) => self.call(f, &[], dot)?,
            Arg::Field(base, fields) => {
                let mut v = self.arg(base, dot)?;
                for f in fields {
                    v = match v {
                        G::Map(m) => m.get(f).cloned().unwrap_or(G::Nil),
                        G::Nil => {
                            return xerr(format!("nil pointer evaluating interface {{}}.{f}"));
                        }
                        _ => {
                            return xerr(format!(
                                "can't evaluate field {f} in type interface {{}}"
                            ));
                        }
                    };
                }
                v
            }
        })
    }

    fn command(&mut self, cmd: &[Arg], dot: &G, prev: Option<G>) -> Result<G, CallError> {
        match &cmd[0] {
            Arg::Func(f) => {
                let mut args = Vec::new();
                for a in &cmd[1..] {
                    args.push(self.arg(a, dot)?);
                }
                if let Some(p) = prev {
                    args.push(p);
                }
                self.call(f, &args, dot)
            }
            a => {
                if cmd.len() > 1 || prev.is_some() {
                    return xerr(format!("can't give argument to non-function {a:?}"));
                }
                self.arg(a, dot)
            }
        }
    }

    fn pipeline(&mut self, p: &Pipeline, dot: &G) -> Result<G, CallError> {
        let mut v = None;
        for cmd in &p.cmds {
            v = Some(self.command(cmd, dot, v)?);
        }
        let v = v.unwrap_or(G::Nil);
        if p.decl.len() == 1 {
            self.vars.push((p.decl[0].clone(), v.clone()));
        }
        Ok(v)
    }

    fn call(&mut self, f: &str, args: &[G], _dot: &G) -> Result<G, CallError> {
        let want = |n: usize| -> Result<(), CallError> {
            if args.len() != n {
                return xerr(format!(
                    "wrong number of args for {f}: want {n} got {}",
                    args.len()
                ));
            }
            Ok(())
        };
        Ok(match f {
            "and" => {
                if args.is_empty() {
                    return xerr("wrong number of args for and: want at least 1 got 0");
                }
                args.iter()
                    .find(|a| !truth(a))
                    .unwrap_or(&args[args.len() - 1])
                    .clone()
            }
            "or" => {
                if args.is_empty() {
                    return xerr("wrong number of args for or: want at least 1 got 0");
                }
                args.iter()
                    .find(|a| truth(a))
                    .unwrap_or(&args[args.len() - 1])
                    .clone()
            }
            "not" => {
                want(1)?;
                G::Bool(!truth(&args[0]))
            }
            "len" => {
                want(1)?;
                G::Int(match &args[0] {
                    G::Str(s) => s.len() as i64,
                    G::Bytes(b) => b.len() as i64,
                    G::List(l) => l.len() as i64,
                    G::Map(m) => m.len() as i64,
                    other => {
                        return xerr(format!(
                            "error calling len: len of type {}",
                            type_name(other)
                        ));
                    }
                })
            }
            "index" => {
                if args.is_empty() {
                    return xerr("wrong number of args for index: want at least 1 got 0");
                }
                let mut v = args[0].clone();
                for i in &args[1..] {
                    v = match (&v, i) {
                        (G::List(l), G::Int(n)) => {
                            match usize::try_from(*n).ok().and_then(|n| l.get(n)) {
                                Some(x) => x.clone(),
                                None => {
                                    return xerr(format!(
                                        "error calling index: index out of range: {n}"
                                    ));
                                }
                            }
                        }
                        (G::Map(m), G::Str(k)) => m.get(k).cloned().unwrap_or(G::Nil),
                        _ => return xerr("error calling index: cannot index"),
                    };
                }
                v
            }
            "print" => G::Str(sprint(args)),
            "println" => G::Str(
                args.iter()
                    .map(|a| show(a, false))
                    .collect::<Vec<_>>()
                    .join(" ")
                    + "\n",
            ),
            "printf" => {
                let Some(G::Str(f)) = args.first() else {
                    return xerr("error calling printf: format is not a string");
                };
                G::Str(sprintf(f, &args[1..]))
            }
            "eq" => {
                if args.len() < 2 {
                    return xerr("error calling eq: missing argument for comparison");
                }
                let mut r = false;
                for b in &args[1..] {
                    r = r || compare(&args[0], b)? == std::cmp::Ordering::Equal;
                }
                G::Bool(r)
            }
            "ne" | "lt" | "le" | "gt" | "ge" => {
                want(2)?;
                let o = compare(&args[0], &args[1])?;
                use std::cmp::Ordering::*;
                G::Bool(match f {
                    "ne" => o != Equal,
                    "lt" => o == Less,
                    "le" => o != Greater,
                    "gt" => o == Greater,
                    _ => o != Less,
                })
            }
            "html" => G::Str(html_escape(&sprint(args))),
            "js" => G::Str(js_escape(&sprint(args))),
            "urlquery" => G::Str(url_query(&sprint(args))),
            "slice" => {
                if args.is_empty() {
                    return xerr("wrong number of args for slice: want at least 1 got 0");
                }
                let idx: Vec<i64> = args[1..]
                    .iter()
                    .map(|a| match a {
                        G::Int(i) => Ok(*i),
                        _ => xerr("error calling slice: cannot index slice/array with non-integer"),
                    })
                    .collect::<Result<_, _>>()?;
                let len = match &args[0] {
                    G::Str(s) => s.len(),
                    G::List(l) => l.len(),
                    _ => return xerr("error calling slice: can't slice item"),
                } as i64;
                let lo = idx.first().copied().unwrap_or(0);
                let hi = idx.get(1).copied().unwrap_or(len);
                if lo < 0 || hi < lo || hi > len {
                    return xerr(format!(
                        "error calling slice: index out of range: {}",
                        if lo < 0 || lo > len { lo } else { hi }
                    ));
                }
                match &args[0] {
                    G::Str(s) => G::Str(
                        s.get(lo as usize..hi as usize)
                            .unwrap_or_default()
                            .to_string(),
                    ),
                    G::List(l) => G::List(l[lo as usize..hi as usize].to_vec()),
                    _ => G::Nil,
                }
            }
            _ => return xerr(format!("function {f:?} not defined")),
        })
    }

    fn run(&mut self, nodes: &[Node], dot: &G) -> Result<(), CallError> {
        for n in nodes {
            if self.out.len() > util::MAX_RESULT_BYTES {
                return util::msg("result too large");
            }
            match n {
                Node::Text(t) => self.out.push_str(t),
                Node::Action(p) => {
                    let v = self.pipeline(p, dot)?;
                    if p.decl.is_empty() {
                        let s = show(&v, true);
                        self.out.push_str(&s);
                    }
                }
                Node::If(p, body, els) => {
                    let mark = self.vars.len();
                    let v = self.pipeline(p, dot)?;
                    if truth(&v) {
                        self.run(body, dot)?;
                    } else {
                        self.run(els, dot)?;
                    }
                    self.vars.truncate(mark);
                }
                Node::With(p, body, els) => {
                    let mark = self.vars.len();
                    let v = self.pipeline(p, dot)?;
                    if truth(&v) {
                        self.run(body, &v)?;
                    } else {
                        self.run(els, dot)?;
                    }
                    self.vars.truncate(mark);
                }
                Node::Range(p, body, els) => {
                    let mark = self.vars.len();
                    let mut q = p.clone();
                    let decl = std::mem::take(&mut q.decl);
                    let v = self.pipeline(&q, dot)?;
                    let items: Vec<(G, G)> = match v {
                        G::List(l) => l
                            .into_iter()
                            .enumerate()
                            .map(|(i, x)| (G::Int(i as i64), x))
                            .collect(),
                        G::Map(m) => m.into_iter().map(|(k, x)| (G::Str(k), x)).collect(),
                        G::Int(n) => (0..n.clamp(0, 1_000_000))
                            .map(|i| (G::Int(i), G::Int(i)))
                            .collect(),
                        G::Nil => Vec::new(),
                        other => {
                            return xerr(format!(
                                "range can't iterate over {}",
                                show(&other, false)
                            ));
                        }
                    };
                    if items.is_empty() {
                        self.run(els, dot)?;
                    }
                    for (k, x) in items {
                        let inner = self.vars.len();
                        match decl.len() {
                            1 => self.vars.push((decl[0].clone(), x.clone())),
                            2 => {
                                self.vars.push((decl[0].clone(), k));
                                self.vars.push((decl[1].clone(), x.clone()));
                            }
                            _ => {}
                        }
                        self.run(body, &x)?;
                        self.vars.truncate(inner);
                    }
                    self.vars.truncate(mark);
                }
            }
        }
        Ok(())
    }
}

fn type_name(v: &G) -> &'static str {
    match v {
        G::Nil => "<nil>",
        G::Bool(_) => "bool",
        G::Int(_) => "int",
        G::Big(_) => "*big.Int",
        G::Float(_) => "float64",
        G::Str(_) => "string",
        G::Bytes(_) => "[]uint8",
        G::List(_) => "[]interface {}",
        G::Map(_) => "map[string]interface {}",
    }
}

fn compare(a: &G, b: &G) -> Result<std::cmp::Ordering, CallError> {
    Ok(match (a, b) {
        (G::Int(x), G::Int(y)) => x.cmp(y),
        (G::Float(x), G::Float(y)) => x.partial_cmp(y).unwrap_or(std::cmp::Ordering::Equal),
        (G::Str(x), G::Str(y)) => x.cmp(y),
        (G::Bool(x), G::Bool(y)) if x == y => std::cmp::Ordering::Equal,
        (G::Bool(_), G::Bool(_)) => std::cmp::Ordering::Less,
        (G::Big(x), G::Big(y)) => x.cmp(y),
        (G::Nil, G::Nil) => std::cmp::Ordering::Equal,
        _ => return xerr("error calling eq: incompatible types for comparison"),
    })
}

/// `fmt.Sprint`: spaces between operands when neither is a string.
fn sprint(args: &[G]) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 && !matches!(a, G::Str(_)) && !matches!(args[i - 1], G::Str(_)) {
            out.push(' ');
        }
        out.push_str(&show(a, false));
    }
    out
}

fn url_query(s: &str) -> String {
    let mut out = String::new();
    for &c in s.as_bytes() {
        if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~') {
            out.push(c as char);
        } else if c == b' ' {
            out.push('+');
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

/// A subset of `fmt.Sprintf`: flags `-+ 0#`, width, precision and the
/// verbs `v s d q t f e g x X c %`.
fn sprintf(f: &str, args: &[G]) -> String {
    let mut out = String::new();
    let mut it = f.chars().peekable();
    let mut ai = 0;
    while let Some(c) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = String::new();
        while let Some(&fc) = it.peek() {
            if "-+ 0#".contains(fc) {
                flags.push(fc);
                it.next();
            } else {
                break;
            }
        }
        let mut width = String::new();
        while let Some(&d) = it.peek() {
            if d.is_ascii_digit() {
                width.push(d);
                it.next();
            } else {
                break;
            }
        }
        let mut prec: Option<usize> = None;
        if it.peek() == Some(&'.') {
            it.next();
            let mut p = String::new();
            while let Some(&d) = it.peek() {
                if d.is_ascii_digit() {
                    p.push(d);
                    it.next();
                } else {
                    break;
                }
            }
            prec = Some(p.parse().unwrap_or(0).min(1000));
        }
        let Some(verb) = it.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(ai) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        ai += 1;
        let body = match (verb, arg) {
            ('d', G::Int(i)) => {
                if flags.contains('+') && *i >= 0 {
                    format!("+{i}")
                } else {
                    i.to_string()
                }
            }
            ('d', G::Big(b)) => b.to_string(),
            ('f' | 'F', G::Float(x)) => format!("{:.*}", prec.unwrap_or(6), x),
            ('e', G::Float(x)) => {
                crate::golang::strconv::format_float(*x, 'e', prec.map_or(6, |p| p as i32), 64)
            }
            ('g', G::Float(x)) => {
                crate::golang::strconv::format_float(*x, 'g', prec.map_or(-1, |p| p as i32), 64)
            }
            ('x', G::Int(i)) => format!("{i:x}"),
            ('X', G::Int(i)) => format!("{i:X}"),
            ('x', G::Str(s)) => s.bytes().map(|b| format!("{b:02x}")).collect(),
            ('c', G::Int(i)) => u32::try_from(*i)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or('\u{FFFD}')
                .to_string(),
            ('q', G::Str(s)) => crate::golang::strconv::quote(s),
            ('t', G::Bool(b)) => b.to_string(),
            ('s' | 'v', a) => {
                let s = show(a, false);
                match (verb, prec, a) {
                    ('s', Some(p), G::Str(_)) => s.chars().take(p).collect(),
                    _ => s,
                }
            }
            (v, a) => format!("%!{v}({}={})", type_name(a), show(a, false)),
        };
        let w: usize = width.parse().unwrap_or(0).min(10_000);
        let n = body.chars().count();
        if n >= w {
            out.push_str(&body);
        } else if flags.contains('-') {
            out.push_str(&body);
            out.extend(std::iter::repeat_n(' ', w - n));
        } else if flags.contains('0') && matches!(arg, G::Int(_) | G::Float(_) | G::Big(_)) {
            let (sign, digits) = match body.strip_prefix('-') {
                Some(d) => ("-", d),
                None => ("", body.as_str()),
            };
            out.push_str(sign);
            out.extend(std::iter::repeat_n('0', w - n));
            out.push_str(digits);
        } else {
            out.extend(std::iter::repeat_n(' ', w - n));
            out.push_str(&body);
        }
    }
    if ai < args.len() {
        out.push_str("%!(EXTRA ");
        let extra: Vec<String> = args[ai..]
            .iter()
            .map(|a| format!("{}={}", type_name(a), show(a, false)))
            .collect();
        out.push_str(&extra.join(", "));
        out.push(')');
    }
    out
}

fn execute(_: &mut dyn super::CallCtx, a: &[Val]) -> CallResult {
    let src = string(a, 0)?;
    let data = to_go(any(a, 1)?)?;
    let items = lex(src)?;
    let mut pos = 0;
    let (nodes, stop) = parse_nodes(&items, &mut pos, 0)?;
    if let Some(s) = stop {
        return perr(format!("unexpected {{{{{s}}}}}"));
    }
    let mut ex = Exec {
        vars: vec![("$".into(), data.clone())],
        out: String::new(),
    };
    ex.run(&nodes, &data)?;
    Ok(Val::str(ex.out))
}
