//! The formatter: canonical CUE source in the style of `cue fmt` (CUE v0.17).
//!
//! The design follows the model of upstream's printer, so that the many
//! small layout decisions come out the same:
//!
//! 1. A walker visits the tree in print order and emits tokens together with
//!    *whitespace requests* (a blank, a newline, a "formfeed" that ends an
//!    alignment block, a blank line, a comma unless the line ends, ...).
//! 2. A printer merges those requests with the *relative position* each token
//!    had in the source (same line, next line, after a blank line) and writes
//!    a stream in which `\v` separates alignment cells, `\f` ends an alignment
//!    block and literal text is protected by escape bytes.
//! 3. An elastic-tabstop pass (the algorithm of Go's `text/tabwriter`, which
//!    upstream uses) aligns the cells: the values of consecutive simple
//!    fields, and trailing comments.
//!
//! Relative positions come from the tree where it records them (the
//! newlines before each declaration, list element and comment). When the
//! source text is available ([`format_source`]) the positions of the other
//! tokens are read from it too, which keeps line breaks inside expressions
//! (`a &` / `b`, multi-line calls, a closing `]` on its own line) as written.
//!
//! Deliberate differences from upstream (all to keep the tree unchanged):
//! literals are printed exactly as written (upstream rewrites `0X1`, `.5`,
//! `0123`, and re-indents multi-line strings), so are raw-string labels
//! (`#"a"#:`), `((x))` keeps both parentheses, `..._` keeps its `_`,
//! postfix aliases keep their form (`~X`, not `~(X)`), the `else` /
//! `fallback` / `otherwise` keyword stays as written, `a: b: c @attr`
//! stays on one line (upstream adds braces), and comments found inside an
//! expression are printed above the declaration that holds them, because
//! the tree attaches them there. Multi-line interpolations are joined.
//! Without the source text ([`format_file`]) lists always get commas;
//! [`format_source`] keeps a list without commas without them, as upstream.

use super::ast::*;
use super::{SyntaxError, parse_str};

/// Formats a parsed file.
pub fn format_file(file: &File) -> String {
    let mut f = Formatter::new(None);
    f.file(file);
    f.finish()
}

/// Formats an expression (no trailing newline).
pub fn format_expr(expr: &Expr) -> String {
    let mut f = Formatter::new(None);
    f.p.allowed = NOOVERRIDE;
    f.expr(expr);
    f.finish()
}

/// Parses `text` and formats it, using the text for line-break hints.
/// A file with syntax errors is never formatted: its errors are returned.
pub fn format_source(name: &str, text: &str) -> Result<String, Vec<SyntaxError>> {
    let parsed = parse_str(name, text);
    if !parsed.errors.is_empty() {
        return Err(parsed.errors);
    }
    let mut f = Formatter::new(Some(text.as_bytes()));
    f.file(&parsed.value);
    Ok(f.finish())
}

// ----- whitespace requests ----------------------------------------------

type Ws = u32;
const BLANK: Ws = 1 << 0;
const VTAB: Ws = 1 << 1;
const NOBLANK: Ws = 1 << 2;
/// The next token's source position may not change the requested whitespace.
const NOOVERRIDE: Ws = 1 << 3;
/// A comma, unless `TRAILCOMMA` is set and the line does not end here.
const COMMA: Ws = 1 << 4;
const TRAILCOMMA: Ws = 1 << 5;
/// `, ` when the next declaration stays on the same line.
const DECLCOMMA: Ws = 1 << 6;
const NEWLINE: Ws = 1 << 7;
/// A newline that also ends the current alignment block.
const FORMFEED: Ws = 1 << 8;
/// A blank line.
const NEWSECTION: Ws = 1 << 9;
const INDENT: Ws = 1 << 10;
const UNINDENT: Ws = 1 << 11;
const INDENTED: Ws = 1 << 12;

/// Where a token sat relative to the one before it in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Rel {
    /// Unknown: the requested whitespace is used as is.
    None,
    NoSpace,
    Blank,
    Newline,
    Section,
}

/// Token classes the printer needs to tell apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Illegal,
    LBrace,
    RBrace,
    LBrack,
    RBrack,
    LParen,
    RParen,
    Add,
    Sub,
    Quo,
    Int,
    Period,
    /// Operators and punctuation with no special role.
    Op,
    /// Keywords printed as tokens: `let`, `try`, `else`, ...
    Word,
    /// Literals, labels printed as text, comments, attributes.
    Text,
}

// Bytes with a special meaning in the printer's output stream.
const ESC: u8 = 0xff;
const VT: u8 = 0x0b;
const FF: u8 = 0x0c;

/// Writes tokens and whitespace into the stream read by [`tabwrite`].
struct Printer {
    out: Vec<u8>,
    allowed: Ws,
    indent_stack: Vec<Ws>,
    indent: i32,
    /// Lines written so far.
    lineout: usize,
    last: Tok,
    space_before: bool,
    /// A `{` has been written on the current line.
    prev_lbrace_on_line: bool,
    printing_comment: bool,
    /// The last byte of the last token or text written.
    last_byte: u8,
    /// Nothing has been written since a comment at the end of a line.
    after_line_comment: bool,
    /// 1-based column of the next byte (tabs count as one).
    col: usize,
}

impl Printer {
    fn new() -> Printer {
        Printer {
            out: Vec::new(),
            allowed: 0,
            indent_stack: Vec::new(),
            indent: 0,
            lineout: 0,
            last: Tok::Illegal,
            space_before: false,
            prev_lbrace_on_line: false,
            printing_comment: false,
            last_byte: b' ',
            after_line_comment: false,
            col: 1,
        }
    }

    fn ws(&mut self, w: Ws) {
        self.allowed |= w;
    }

    /// A token's source position: unless overriding is off, the requested
    /// whitespace is adjusted to it and written now.
    fn pos(&mut self, rel: Rel) {
        if rel == Rel::None || self.allowed & NOOVERRIDE != 0 {
            return;
        }
        let mut req = self.allowed;
        match rel {
            Rel::None => {}
            Rel::NoSpace => req &= !(NEWLINE | NEWSECTION | FORMFEED),
            Rel::Blank => {
                req |= BLANK;
                req &= !(NEWLINE | NEWSECTION | FORMFEED);
            }
            Rel::Newline => req |= NEWLINE,
            Rel::Section => req |= NEWSECTION,
        }
        if self.printing_comment {
            req |= NEWLINE;
        }
        self.write_ws(req);
        self.allowed = 0;
    }

    /// A token: operators, brackets, keywords printed as tokens.
    fn token(&mut self, tok: Tok, s: &str) {
        let first = s.as_bytes().first().copied().unwrap_or(b' ');
        let (before, after) = if first.is_ascii_lowercase() {
            (self.last != Tok::Illegal, true)
        } else {
            let before = match self.last {
                Tok::Int => tok == Tok::Period,
                Tok::Add => first == b'+',
                Tok::Sub => first == b'-',
                Tok::Quo => first == b'*',
                _ => false,
            };
            // Also keep apart operators that would scan as another one:
            // `X= =~"a"`, `< -1`, `! =~"a"`.
            let before = before
                || (matches!(self.last_byte, b'<' | b'>' | b'!' | b'=')
                    && matches!(first, b'=' | b'~'))
                || (self.last_byte == b'<' && first == b'-');
            (before, false)
        };
        if before && !self.space_before {
            self.allowed |= BLANK;
        }
        self.emit(s, false);
        self.last = tok;
        self.allowed = if after { BLANK } else { 0 };
    }

    /// Text that must pass the alignment pass untouched: literals, labels,
    /// comments and attributes.
    fn text(&mut self, s: &str) {
        self.emit(s, true);
        self.last = Tok::Text;
    }

    /// An identifier (never contains special characters).
    fn ident(&mut self, s: &str) {
        self.emit(s, false);
        self.last = Tok::Text;
    }

    fn emit(&mut self, s: &str, escape: bool) {
        let ws = self.allowed;
        self.write_ws(ws);
        self.allowed = 0;
        self.printing_comment = false;
        self.after_line_comment = false;
        if let Some(&b) = s.as_bytes().last() {
            self.space_before = false;
            self.last_byte = b;
        }
        if escape {
            self.out.push(ESC);
        }
        self.out.extend_from_slice(s.as_bytes());
        if escape {
            self.out.push(ESC);
        }
        match s.rfind('\n') {
            Some(i) => self.col = s.len() - i,
            None => self.col += s.len(),
        }
    }

    fn eof(&mut self) {
        self.indent = 0;
        self.indent_stack.clear();
        self.write_ws(NEWLINE);
        self.allowed = 0;
    }

    fn write_ws(&mut self, ws: Ws) {
        if ws & COMMA != 0 && (ws & (NEWSECTION | NEWLINE | FORMFEED) != 0 || ws & TRAILCOMMA == 0)
        {
            self.write_byte(b',', 1);
        }
        if ws & INDENT != 0 {
            self.indent_stack.push(ws);
        }
        if ws & UNINDENT != 0 {
            self.mark_unindent_line();
        }
        if ws & NEWSECTION != 0 {
            self.maybe_indent_line(ws);
            self.write_byte(FF, 2);
            self.increment_line(2);
            self.space_before = true;
        } else if ws & FORMFEED != 0 {
            self.maybe_indent_line(ws);
            self.write_byte(FF, 1);
            self.increment_line(1);
            self.space_before = true;
        } else if ws & NEWLINE != 0 {
            self.maybe_indent_line(ws);
            self.write_byte(b'\n', 1);
            self.increment_line(1);
            self.space_before = true;
        } else if ws & DECLCOMMA != 0 {
            self.write_byte(b',', 1);
            self.write_byte(b' ', 1);
            self.space_before = true;
        } else if ws & NOBLANK != 0 {
        } else if ws & VTAB != 0 {
            self.write_byte(VT, 1);
            self.space_before = true;
        } else if ws & BLANK != 0 {
            self.write_byte(b' ', 1);
            self.space_before = true;
        }
    }

    fn write_byte(&mut self, ch: u8, n: usize) {
        for _ in 0..n {
            self.out.push(ch);
        }
        if ch == b'\n' || ch == FF {
            let tabs = self.indent.max(0) as usize;
            self.out.extend(std::iter::repeat_n(b'\t', tabs));
            self.col = 1 + tabs;
        } else {
            self.col += n;
        }
    }

    fn increment_line(&mut self, n: usize) {
        if n != 0 {
            self.prev_lbrace_on_line = false;
        }
        self.lineout += n;
    }

    fn mark_unindent_line(&mut self) {
        if let Some(ws) = self.indent_stack.pop()
            && ws & INDENTED != 0
        {
            self.indent -= 1;
        }
    }

    fn maybe_indent_line(&mut self, ws: Ws) {
        if ws & UNINDENT != 0 {
            return;
        }
        if let Some(top) = self.indent_stack.last_mut() {
            if *top & INDENTED != 0 || *top & INDENT == 0 {
                return;
            }
            *top |= INDENTED;
            self.indent += 1;
        }
    }
}

// ----- the alignment pass ------------------------------------------------

struct Cell {
    text: Vec<u8>,
    width: usize,
    /// Terminated by an indentation tab (as opposed to an alignment `\v`).
    htab: bool,
}

const TAB_WIDTH: usize = 8;

/// Aligns cells as Go's `text/tabwriter` does with the settings of
/// `cue fmt` (min width 0, tab width 8, padding 1, pad with spaces, leading
/// empty cells as tabs, empty columns discarded, escapes stripped).
fn tabwrite(input: &[u8]) -> String {
    let mut out: Vec<u8> = Vec::with_capacity(input.len());
    let mut lines: Vec<Vec<Cell>> = Vec::new();
    let mut cur: Vec<Cell> = Vec::new();
    let mut text: Vec<u8> = Vec::new();
    let mut escaped = false;
    let cell = |text: &mut Vec<u8>, htab: bool| {
        let t = std::mem::take(text);
        let width = t.iter().filter(|&&b| b & 0xC0 != 0x80).count();
        Cell {
            text: t,
            width,
            htab,
        }
    };
    for &b in input {
        if b == ESC {
            escaped = !escaped;
            continue;
        }
        if escaped {
            text.push(b);
            continue;
        }
        match b {
            b'\t' | VT => cur.push(cell(&mut text, b == b'\t')),
            b'\n' | FF => {
                cur.push(cell(&mut text, false));
                lines.push(std::mem::take(&mut cur));
                if b == FF {
                    flush_lines(&mut out, &lines, true);
                    lines.clear();
                }
            }
            _ => text.push(b),
        }
    }
    cur.push(cell(&mut text, false));
    let last_has_text = cur.iter().any(|c| !c.text.is_empty()) || cur.len() > 1;
    if last_has_text {
        lines.push(cur);
        flush_lines(&mut out, &lines, false);
    } else {
        flush_lines(&mut out, &lines, true);
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Writes `lines`; every line ends with a newline except, when
/// `all_complete` is false, the last one.
fn flush_lines(out: &mut Vec<u8>, lines: &[Vec<Cell>], all_complete: bool) {
    let mut widths = Vec::new();
    format_block(out, lines, 0, lines.len(), &mut widths, all_complete);
}

fn format_block(
    out: &mut Vec<u8>,
    lines: &[Vec<Cell>],
    line0: usize,
    line1: usize,
    widths: &mut Vec<usize>,
    all_complete: bool,
) {
    let column = widths.len();
    let mut start = line0;
    let mut this = line0;
    while this < line1 {
        if column + 1 >= lines[this].len() {
            this += 1;
            continue;
        }
        write_lines(out, lines, start, this, widths, all_complete);
        start = this;
        let mut width = 0;
        let mut discardable = true;
        while this < line1 {
            let line = &lines[this];
            if column + 1 >= line.len() {
                break;
            }
            let c = &line[column];
            width = width.max(c.width + 1);
            if c.width > 0 || c.htab {
                discardable = false;
            }
            this += 1;
        }
        if discardable {
            width = 0;
        }
        widths.push(width);
        format_block(out, lines, start, this, widths, all_complete);
        widths.pop();
        start = this;
    }
    write_lines(out, lines, start, line1, widths, all_complete);
}

fn write_lines(
    out: &mut Vec<u8>,
    lines: &[Vec<Cell>],
    line0: usize,
    line1: usize,
    widths: &[usize],
    all_complete: bool,
) {
    for (i, line) in lines.iter().enumerate().take(line1).skip(line0) {
        let mut use_tabs = true;
        for (j, c) in line.iter().enumerate() {
            if c.text.is_empty() {
                if j < widths.len() {
                    pad(out, c.width, widths[j], use_tabs);
                }
            } else {
                use_tabs = false;
                out.extend_from_slice(&c.text);
                if j < widths.len() {
                    pad(out, c.width, widths[j], false);
                }
            }
        }
        if all_complete || i + 1 < lines.len() {
            out.push(b'\n');
        }
    }
}

fn pad(out: &mut Vec<u8>, textw: usize, cellw: usize, use_tabs: bool) {
    if use_tabs {
        let cellw = cellw.div_ceil(TAB_WIDTH) * TAB_WIDTH;
        let n = cellw.saturating_sub(textw);
        out.extend(std::iter::repeat_n(b'\t', n.div_ceil(TAB_WIDTH)));
    } else {
        out.extend(std::iter::repeat_n(b' ', cellw.saturating_sub(textw)));
    }
}

// ----- the walker ---------------------------------------------------------

/// Binding strength of unary operators, and of the operand of a selector,
/// index, call or postfix operator.
const UNARY_PREC: u8 = 8;
const HIGHEST_PREC: u8 = 9;

struct Formatter<'a> {
    p: Printer,
    /// The source text, for the relative positions of tokens.
    src: Option<&'a [u8]>,
    /// Inside string interpolations, line breaks of the source are ignored.
    in_interp: u32,
    /// `BLANK` inside a one-line struct with at most one declaration.
    node_sep: Ws,
    /// The relative position of the next leaf token (the first token of a
    /// declaration or list element), taken from the tree.
    pending: Option<Rel>,
    /// The address of a trailing comment printed by an enclosing
    /// declaration instead of its owner (see [`Formatter::hoistable`]).
    suppress: Option<usize>,
}

impl<'a> Formatter<'a> {
    fn new(src: Option<&'a [u8]>) -> Formatter<'a> {
        Formatter {
            p: Printer::new(),
            src,
            in_interp: 0,
            node_sep: NEWLINE,
            pending: None,
            suppress: None,
        }
    }

    fn finish(self) -> String {
        tabwrite(&self.p.out)
    }

    fn has_hints(&self) -> bool {
        self.src.is_some()
    }

    /// The relative position of the token at `off`, read from the source.
    fn hint(&self, off: u32) -> Rel {
        match self.src {
            Some(src) => match rel_at(src, off as usize) {
                r if r >= Rel::Newline && self.in_interp > 0 => Rel::None,
                r => r,
            },
            _ => Rel::None,
        }
    }

    /// The position of the `=` of an alias whose name ends at `name_end`.
    fn bind_rel(&self, name_end: u32) -> Rel {
        self.hint(self.skip_blanks(name_end))
    }

    fn hint_newline(&self, off: u32) -> bool {
        self.hint(off) >= Rel::Newline
    }

    /// The offset of the first non-blank byte at or after `off`.
    fn skip_blanks(&self, off: u32) -> u32 {
        let Some(src) = self.src else { return off };
        let mut i = off as usize;
        while i < src.len() && matches!(src[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        i as u32
    }

    /// The position of a closing bracket at `off`; without the source, the
    /// closing bracket goes on its own line when the opening one ended a line.
    fn close_rel(&self, off: u32, opened_line: bool) -> Rel {
        if self.has_hints() {
            return self.hint(off);
        }
        if opened_line {
            Rel::Newline
        } else {
            Rel::NoSpace
        }
    }

    fn nl_rel(&self, nl: u32, off: u32) -> Rel {
        match nl {
            0 => match self.hint(off) {
                Rel::NoSpace => Rel::NoSpace,
                _ => Rel::Blank,
            },
            1 => Rel::Newline,
            _ => Rel::Section,
        }
    }

    /// The position of a leaf token: the pending one from the tree, or the
    /// source's.
    fn leaf(&mut self, off: u32) {
        let rel = match self.pending.take() {
            Some(r) => r,
            None => self.hint(off),
        };
        self.p.pos(rel);
    }

    fn formfeed(&self) -> Ws {
        if self.node_sep == BLANK {
            BLANK
        } else {
            FORMFEED
        }
    }

    // ----- files and declarations ---------------------------------------

    fn file(&mut self, f: &File) {
        self.p.allowed = NOOVERRIDE;
        self.decl_list(&f.decls, &f.trailing_comments);
        self.p.eof();
    }

    /// `{`, the declarations, and the white space before the closing brace
    /// (a newline when the body took more than one line).
    fn braced_body(&mut self, s: &StructLit, open_ws: Ws) {
        self.p.token(Tok::LBrace, "{");
        let l = self.p.lineout;
        self.p.ws(open_ws);
        self.p.prev_lbrace_on_line = true;
        self.decl_list(&s.decls, &s.trailing_comments);
        self.p.ws(UNINDENT);
        let mut ws = NOBLANK;
        if self.p.lineout != l {
            ws |= NEWLINE;
            if !matches!(self.p.last, Tok::RBrace | Tok::RBrack) {
                ws |= NOOVERRIDE;
            }
        }
        self.p.ws(ws);
    }

    fn decl_list(&mut self, decls: &[Decl], trailing: &[Comment]) {
        let parent_sep = self.node_sep;
        let mut d = 0;
        for (i, x) in decls.iter().enumerate() {
            if i > 0 {
                self.p.ws(DECLCOMMA);
                let nd = nest_depth_decl(x);
                if parent_sep == NEWLINE && (d == 0 || nd != d) {
                    let ff = self.formfeed();
                    self.p.ws(ff);
                }
                if upstream_has_comments(decls, i, trailing) {
                    match &decls[i - 1].kind {
                        DeclKind::Field(f) => {
                            if label_is_definition(&f.label) {
                                self.p.ws(NEWSECTION);
                            }
                        }
                        _ => self.p.ws(NEWSECTION),
                    }
                }
            }
            self.decl(x, None);
            d = nest_depth_decl(x);
            if let Some(next) = decls.get(i + 1)
                && let DeclKind::Field(f) = &next.kind
            {
                let breaks = match &f.value.kind {
                    ExprKind::Struct(s) => s.braces || s.decls.len() != 1,
                    ExprKind::List(_) => true,
                    _ => false,
                };
                if breaks {
                    let ff = self.formfeed();
                    self.p.ws(ff);
                    continue;
                }
            }
            self.p.ws(parent_sep);
        }
        self.own_comments(trailing, None);
    }

    /// Prints a declaration with its comments. `rel` overrides the position
    /// of its first token.
    fn decl(&mut self, x: &Decl, rel: Option<Rel>) {
        let at_start = self.p.out.is_empty();
        self.own_comments(&x.comments.leading, Some((x.span.start, x.newlines_before)));
        let rel = match rel {
            Some(r) => r,
            // At the start of the file, the newline counted before the
            // first line is no line break.
            None if at_start && x.comments.leading.is_empty() => match x.newlines_before {
                0 | 1 => Rel::NoSpace,
                2 => Rel::Newline,
                _ => Rel::Section,
            },
            None => self.nl_rel(x.newlines_before, x.span.start),
        };
        let on_new_line = rel == Rel::None || rel >= Rel::Newline;
        self.pending = Some(rel);
        let mut hoisted = None;
        match &x.kind {
            DeclKind::Package(name) => {
                self.leaf(x.span.start);
                self.p.text("package");
                self.p.ws(BLANK);
                self.p.ident(&name.name);
                self.p.ws(NEWSECTION | NOOVERRIDE);
            }
            DeclKind::Import(imp) => self.import(x, imp),
            DeclKind::Field(f) => {
                hoisted = self.hoistable(x, &f.value, !f.attrs.is_empty());
                self.field(f, hoisted);
            }
            DeclKind::Let(l) => {
                hoisted = self.hoistable(x, &l.value, false);
                if on_new_line {
                    self.p.ws(FORMFEED);
                }
                self.leaf(x.span.start);
                self.p.token(Tok::Word, "let");
                self.p.ws(BLANK | NOOVERRIDE);
                self.ident_expr(&l.name);
                self.p.ws(BLANK | NOOVERRIDE);
                self.p.token(Tok::Op, "=");
                self.p.ws(BLANK);
                self.with_hoisted(hoisted, |f| f.expr(&l.value));
                self.p.ws(DECLCOMMA);
            }
            DeclKind::Embed(e) => {
                hoisted = self.hoistable(x, e, false);
                if on_new_line {
                    self.p.ws(FORMFEED);
                }
                match &e.kind {
                    ExprKind::Comprehension(c) => {
                        self.with_hoisted(hoisted, |f| f.comprehension(c))
                    }
                    _ => {
                        self.with_hoisted(hoisted, |f| f.expr(e));
                        self.p.ws(NEWLINE);
                    }
                }
            }
            DeclKind::Ellipsis(t) => {
                self.leaf(x.span.start);
                self.p.token(Tok::Op, "...");
                if let Some(t) = t {
                    self.expr(t);
                }
            }
            DeclKind::Attribute(a) => {
                self.leaf(a.span.start);
                self.p.text(&a.text);
            }
            DeclKind::Alias(id, e) => {
                if on_new_line {
                    self.p.ws(FORMFEED);
                }
                self.leaf(id.span.start);
                self.p.text(&id.name);
                self.p.ws(BLANK);
                self.p.token(Tok::Op, "=");
                self.p.ws(BLANK);
                self.expr(e);
                self.p.ws(DECLCOMMA);
            }
            DeclKind::Bad => {
                self.leaf(x.span.start);
                self.p.text("_|_");
                self.p.ws(DECLCOMMA);
            }
        }
        self.pending = None;
        match (&x.comments.trailing, hoisted) {
            (Some(c), _) if !self.suppressed(c) => self.line_comment(c),
            (None, Some(c)) => self.line_comment(c),
            _ => {}
        }
    }

    fn field(&mut self, f: &Field, hoisted: Option<&Comment>) {
        self.label(&f.label);
        if let Some(pa) = &f.label.postfix_alias {
            self.p.token(Tok::Op, "~");
            self.p.ws(NOBLANK);
            if pa.parens || pa.label.is_some() {
                self.p.token(Tok::LParen, "(");
                self.p.ws(NOBLANK);
                if let Some(l) = &pa.label {
                    self.p.ident(&l.name);
                    self.p.token(Tok::Op, ",");
                    self.p.ws(NOBLANK);
                }
                if let Some(v) = &pa.value {
                    self.p.ident(&v.name);
                }
                self.p.token(Tok::RParen, ")");
                self.p.ws(NOBLANK);
            } else if let Some(v) = &pa.value {
                self.p.ident(&v.name);
            }
        }
        match f.constraint {
            Constraint::Regular => {}
            Constraint::Optional => self.p.token(Tok::Op, "?"),
            Constraint::Required => self.p.token(Tok::Op, "!"),
        }
        self.p.ws(NOBLANK | NOOVERRIDE);
        self.p.token(Tok::Op, ":");

        // `a: b: c`: the shorthand stays on one line (or as written).
        if let ExprKind::Struct(s) = &f.value.kind
            && !s.braces
            && s.decls.len() == 1
            && matches!(s.decls[0].kind, DeclKind::Field(_))
        {
            let mem = &s.decls[0];
            let rel = self.hint(mem.span.start);
            if rel >= Rel::Newline {
                self.p.ws(INDENT | FORMFEED);
                self.decl_hoisted(mem, rel, hoisted);
                self.p.indent -= 1;
            } else {
                self.p.ws(BLANK | NOOVERRIDE);
                self.decl_hoisted(mem, rel, hoisted);
            }
            return;
        }

        let next_ff = needs_formfeed(&f.value);
        let tab = if next_ff || self.p.prev_lbrace_on_line {
            BLANK
        } else {
            VTAB
        };
        self.p.ws(tab);
        match &f.value.kind {
            ExprKind::List(_) | ExprKind::Struct(_) => {
                self.with_hoisted(hoisted, |fm| fm.expr(&f.value))
            }
            _ => {
                self.p.ws(INDENT);
                self.with_hoisted(hoisted, |fm| fm.expr(&f.value));
                self.p.mark_unindent_line();
            }
        }
        let mut space = tab;
        for a in &f.attrs {
            self.p.ws(space);
            let rel = self.hint(a.span.start);
            self.p.pos(rel);
            self.p.text(&a.text);
            space = BLANK;
        }
        if next_ff {
            self.p.ws(FORMFEED);
        }
    }

    /// The inner field of `a: b: c`, whose hoisted comment (see
    /// [`Formatter::hoistable`]) the outer declaration prints.
    fn decl_hoisted(&mut self, mem: &Decl, rel: Rel, hoisted: Option<&Comment>) {
        let DeclKind::Field(f) = &mem.kind else {
            return;
        };
        self.own_comments(
            &mem.comments.leading,
            Some((mem.span.start, mem.newlines_before)),
        );
        self.pending = Some(rel);
        self.field(f, hoisted);
        self.pending = None;
        if let Some(c) = &mem.comments.trailing
            && !self.suppressed(c)
        {
            self.line_comment(c);
        }
    }

    fn import(&mut self, x: &Decl, imp: &ImportDecl) {
        self.leaf(x.span.start);
        self.p.text("import");
        if imp.specs.is_empty() {
            self.p.ws(BLANK);
            self.p.token(Tok::LParen, "(");
            self.own_comments(&imp.trailing_comments, None);
            self.p.token(Tok::RParen, ")");
            self.p.ws(NEWLINE);
        } else if imp.specs.len() == 1 && imp.specs[0].comments.leading.is_empty() && !imp.grouped {
            self.p.ws(BLANK);
            self.import_spec(&imp.specs[0]);
        } else {
            self.p.ws(BLANK);
            self.p.token(Tok::LParen, "(");
            self.p.ws(NEWLINE | INDENT);
            for s in &imp.specs {
                self.import_spec(s);
            }
            self.own_comments(&imp.trailing_comments, None);
            self.p.ws(UNINDENT | NEWLINE);
            self.p.token(Tok::RParen, ")");
            self.p.ws(NEWLINE);
        }
        self.p.ws(NEWSECTION | NOOVERRIDE);
    }

    fn import_spec(&mut self, s: &ImportSpec) {
        self.own_comments(&s.comments.leading, Some((s.span.start, 1)));
        let rel = self.hint(s.span.start);
        self.p.pos(rel);
        if let Some(n) = &s.name {
            self.p.text(&n.name);
            self.p.ws(BLANK);
            let rel = self.hint(s.path.span.start);
            self.p.pos(rel);
        }
        self.p.text(&s.path.raw);
        self.p.ws(NEWLINE);
        if let Some(c) = &s.comments.trailing {
            self.line_comment(c);
        }
    }

    // ----- comments -----------------------------------------------------

    fn comment_rel(&self, c: &Comment) -> Rel {
        self.nl_rel(c.newlines_before, c.span.start)
    }

    /// Comments on lines of their own (or right after an opening bracket).
    /// Comments found inside the node starting at `owner` always start a
    /// line: they are printed above it.
    ///
    /// Upstream attaches comment groups that are not directly above a node
    /// to the node before them, and prints a blank line between a line
    /// comment and such a group: so does this.
    fn own_comments(&mut self, cs: &[Comment], owner: Option<(u32, u32)>) {
        let detached = match owner {
            None => true,
            Some((_, nl)) => nl >= 2 || cs.iter().skip(1).any(|c| c.newlines_before >= 2),
        };
        let after_line_comment = self.p.after_line_comment && detached;
        for (i, c) in cs.iter().enumerate() {
            let mut rel = self.comment_rel(c);
            if owner.is_some_and(|(o, _)| c.span.start > o) {
                rel = rel.max(Rel::Newline);
            }
            if i == 0 && after_line_comment {
                rel = rel.max(Rel::Section);
            }
            match rel {
                Rel::Blank => {
                    self.p.allowed |= BLANK;
                    self.p.allowed &= !(NEWLINE | NEWSECTION | FORMFEED | DECLCOMMA);
                }
                Rel::NoSpace => self.p.allowed &= !(NEWLINE | NEWSECTION | FORMFEED | DECLCOMMA),
                _ => {}
            }
            self.write_comment(c, rel);
        }
    }

    /// A comment at the end of the line of the node it follows.
    fn line_comment(&mut self, c: &Comment) {
        self.p.allowed |= BLANK;
        self.p.allowed &= !(NEWLINE | NEWSECTION | FORMFEED | DECLCOMMA);
        self.write_comment(c, Rel::Blank);
        self.p.after_line_comment = true;
    }

    fn write_comment(&mut self, c: &Comment, rel: Rel) {
        if self.p.col > 1 {
            self.p.ws(VTAB);
        }
        self.p.pos(rel);
        self.p.text(&c.text);
        self.p.printing_comment = true;
        self.p.ws(NEWLINE);
    }

    /// The trailing comment of the last declaration or element of a struct
    /// or list that closes a declaration on the same line, as in
    /// `a: {b: 1} // c`: the parser attaches `// c` to `b`, but it is
    /// printed after the closing brace (where reparsing attaches it to `b`
    /// again). Returns the comment to print at the end of the declaration.
    fn hoistable<'e>(&self, d: &Decl, value: &'e Expr, attrs: bool) -> Option<&'e Comment> {
        if d.comments.trailing.is_some() || attrs {
            return None;
        }
        let mut e = value;
        loop {
            match &e.kind {
                ExprKind::Binary(_, _, y) => e = y,
                ExprKind::Unary(_, x) => e = x,
                ExprKind::Comprehension(c) => e = c.fallback.as_ref().map_or(&c.body, |(_, b)| b),
                ExprKind::Struct(s) if !s.braces => {
                    let last = s.decls.last()?;
                    if let Some(c) = &last.comments.trailing {
                        return if last.comments.leading.is_empty() {
                            Some(c)
                        } else {
                            None
                        };
                    }
                    match &last.kind {
                        DeclKind::Field(f) if f.attrs.is_empty() => e = &f.value,
                        _ => return None,
                    }
                }
                ExprKind::Struct(s) => {
                    if !s.trailing_comments.is_empty() || !self.one_line_struct_body(e) {
                        return None;
                    }
                    let last = s.decls.last()?;
                    if let Some(c) = &last.comments.trailing {
                        return Some(c);
                    }
                    match &last.kind {
                        DeclKind::Field(f) if f.attrs.is_empty() => e = &f.value,
                        DeclKind::Embed(x) => e = x,
                        DeclKind::Let(l) => e = &l.value,
                        _ => return None,
                    }
                }
                ExprKind::List(l) => {
                    if !l.trailing_comments.is_empty() || !self.one_line_list_body(e) {
                        return None;
                    }
                    let last = l.elems.last()?;
                    if let Some(c) = &last.comments.trailing {
                        return Some(c);
                    }
                    e = &last.expr;
                }
                _ => return None,
            }
        }
    }

    /// Whether a struct will print on one line, disregarding the trailing
    /// comment of its last declaration.
    fn one_line_struct_body(&self, e: &Expr) -> bool {
        let ExprKind::Struct(s) = &e.kind else {
            return false;
        };
        let n = s.decls.len();
        s.decls.iter().enumerate().all(|(i, d)| {
            d.newlines_before == 0
                && d.comments.leading.is_empty()
                && (i + 1 == n || d.comments.trailing.is_none())
                && decl_one_line(d)
        }) && self.closes_inline(e)
    }

    fn one_line_list_body(&self, e: &Expr) -> bool {
        let ExprKind::List(l) = &e.kind else {
            return false;
        };
        let n = l.elems.len();
        l.elems.iter().enumerate().all(|(i, el)| {
            el.newlines_before == 0
                && el.comments.leading.is_empty()
                && (i + 1 == n || el.comments.trailing.is_none())
                && expr_one_line(&el.expr)
        }) && self.closes_inline(e)
    }

    /// With the source: whether the closing bracket of `e` sat on the line
    /// of the last token before it.
    fn closes_inline(&self, e: &Expr) -> bool {
        match self.src {
            Some(src) => {
                let end = e.span.end as usize;
                let start = e.span.start as usize;
                !src.get(start..end).is_some_and(|t| t.contains(&b'\n'))
            }
            None => true,
        }
    }

    fn with_hoisted(&mut self, hoisted: Option<&Comment>, f: impl FnOnce(&mut Self)) {
        let saved = self.suppress;
        if let Some(c) = hoisted {
            self.suppress = Some(c as *const Comment as usize);
        }
        f(self);
        self.suppress = saved;
    }

    fn suppressed(&self, c: &Comment) -> bool {
        self.suppress == Some(c as *const Comment as usize)
    }

    // ----- labels -------------------------------------------------------

    fn label(&mut self, l: &Label) {
        if let Some(a) = &l.alias {
            self.leaf(a.span.start);
            self.p.text(&a.name);
            let rel = self.bind_rel(a.span.end);
            self.p.pos(rel);
            self.p.token(Tok::Op, "=");
        }
        match &l.kind {
            LabelKind::Ident(id) => {
                self.leaf(id.span.start);
                self.p.text(&id.name);
            }
            LabelKind::String(e) => match &e.kind {
                ExprKind::Lit(lit) => {
                    self.leaf(e.span.start);
                    self.p.text(&lit.raw);
                }
                _ => self.expr(e),
            },
            LabelKind::Paren(e) => {
                if l.alias.is_none() {
                    self.leaf(l.span.start);
                }
                self.p.token(Tok::LParen, "(");
                self.expr0(e, 1);
                self.p.token(Tok::RParen, ")");
            }
            LabelKind::Pattern(e) => {
                if l.alias.is_none() {
                    self.leaf(l.span.start);
                }
                self.p.token(Tok::LBrack, "[");
                self.p.ws(NOBLANK | INDENT);
                match &e.kind {
                    ExprKind::Alias(id, x) => {
                        self.ident_expr(id);
                        let rel = self.bind_rel(id.span.end);
                        self.p.pos(rel);
                        self.p.token(Tok::Op, "=");
                        self.expr(x);
                    }
                    _ => self.expr_raw(e, 0, 1),
                }
                self.p.ws(COMMA | BLANK);
                self.p.ws(TRAILCOMMA | NOBLANK);
                self.p.ws(UNINDENT);
                self.p.ws(NOBLANK);
                self.p.token(Tok::RBrack, "]");
            }
        }
    }

    fn ident_expr(&mut self, id: &Ident) {
        self.leaf(id.span.start);
        self.p.ident(&id.name);
    }

    // ----- expressions --------------------------------------------------

    fn expr(&mut self, e: &Expr) {
        self.expr1(e, 0, 1);
    }

    fn expr0(&mut self, e: &Expr, depth: u32) {
        self.expr1(e, 0, depth);
    }

    fn expr1(&mut self, e: &Expr, prec1: u8, depth: u32) {
        let saved = self.node_sep;
        if let ExprKind::Struct(s) = &e.kind
            && s.decls.len() <= 1
            && self.node_sep != BLANK
            && self.on_one_line(e)
        {
            self.node_sep = BLANK;
        }
        self.expr_raw(e, prec1, depth);
        self.node_sep = saved;
    }

    fn on_one_line(&self, e: &Expr) -> bool {
        match self.src {
            Some(src) => {
                let t = src
                    .get(e.span.start as usize..e.span.end as usize)
                    .unwrap_or(&[]);
                !t.contains(&b'\n')
            }
            None => expr_one_line(e),
        }
    }

    fn expr_raw(&mut self, e: &Expr, prec1: u8, depth: u32) {
        match &e.kind {
            ExprKind::Bad => {
                self.leaf(e.span.start);
                self.p.text("_|_");
            }
            ExprKind::Bottom => {
                self.leaf(e.span.start);
                self.p.token(Tok::Op, "_|_");
            }
            ExprKind::Alias(id, x) => {
                self.leaf(id.span.start);
                self.p.text(&id.name);
                let rel = self.bind_rel(id.span.end);
                self.p.pos(rel);
                self.p.token(Tok::Op, "=");
                self.expr(x);
            }
            ExprKind::Ident(id) => {
                self.leaf(e.span.start);
                self.p.ident(&id.name);
            }
            ExprKind::Binary(..) => self.binary(e, prec1, depth),
            ExprKind::Unary(op, x) => {
                self.leaf(e.span.start);
                let tok = match op {
                    UnaryOp::Pos => Tok::Add,
                    UnaryOp::Neg => Tok::Sub,
                    _ => Tok::Op,
                };
                self.p.token(tok, op.as_str());
                self.p.ws(NOOVERRIDE);
                self.expr1(x, UNARY_PREC, depth);
            }
            ExprKind::OptionalRef(_) | ExprKind::PostfixOpen(_) => self.postfix_chain(e, depth),
            ExprKind::Lit(l) => {
                self.leaf(e.span.start);
                self.p.text(&l.raw);
                if l.kind == LitKind::Int {
                    self.p.last = Tok::Int;
                }
            }
            ExprKind::Interpolation(i) => {
                self.in_interp += 1;
                for part in &i.parts {
                    match part {
                        InterpPart::Lit(raw, span) => {
                            self.leaf(span.start);
                            self.p.text(raw);
                        }
                        InterpPart::Expr(x) => self.expr0(x, depth + 1),
                    }
                }
                self.in_interp -= 1;
            }
            ExprKind::Paren(x) => {
                self.leaf(e.span.start);
                self.p.token(Tok::LParen, "(");
                self.expr0(x, reduce_depth(depth));
                let rel = self.hint(e.span.end.saturating_sub(1));
                self.p.pos(rel);
                self.p.token(Tok::RParen, ")");
            }
            ExprKind::Selector(..)
            | ExprKind::Index(..)
            | ExprKind::Slice(..)
            | ExprKind::Call(..) => self.postfix_chain(e, depth),
            ExprKind::Struct(s) => self.struct_lit(e, s),
            ExprKind::List(l) => self.list(e, l),
            ExprKind::Ellipsis(t) => {
                self.leaf(e.span.start);
                self.p.token(Tok::Op, "...");
                if let Some(t) = t {
                    self.expr(t);
                }
            }
            ExprKind::Comprehension(c) => self.comprehension(c),
        }
    }

    /// Prints a chain of selectors, indexes, slices, calls and postfix
    /// operators (`a.b[0].c(x)?`) in a loop, from its innermost operand out,
    /// so that long chains cannot exhaust the stack.
    fn postfix_chain(&mut self, e: &Expr, depth: u32) {
        let mut chain: Vec<(&Expr, u32)> = Vec::new();
        let (mut cur, mut d) = (e, depth);
        loop {
            let (child, child_depth) = match &cur.kind {
                ExprKind::Selector(x, _) | ExprKind::OptionalRef(x) | ExprKind::PostfixOpen(x) => {
                    (x, d)
                }
                ExprKind::Index(x, _) | ExprKind::Slice(x, ..) => (x, 1),
                // The function of a call with several arguments, and the
                // operand of a selector used as the function, are printed
                // one level deeper.
                ExprKind::Call(f, args) => (f, if args.len() > 1 { d + 1 } else { d }),
                _ => break,
            };
            chain.push((cur, d));
            cur = child;
            d = child_depth;
        }
        self.expr1(cur, HIGHEST_PREC, d);
        let mut sel_newline = false;
        for &(node, d) in chain.iter().rev() {
            let prev_sel_newline = std::mem::take(&mut sel_newline);
            match &node.kind {
                ExprKind::Selector(_, sel) => sel_newline = self.selector_suffix(sel),
                ExprKind::OptionalRef(_) => self.p.token(Tok::Op, "?"),
                ExprKind::PostfixOpen(_) => self.p.token(Tok::Op, "..."),
                ExprKind::Index(x, idx) => {
                    let rel = self.hint(self.skip_blanks(x.span.end));
                    self.p.pos(rel);
                    self.p.token(Tok::LBrack, "[");
                    self.expr0(idx, d + 1);
                    let rel = self.hint(node.span.end.saturating_sub(1));
                    self.p.pos(rel);
                    self.p.token(Tok::RBrack, "]");
                }
                ExprKind::Slice(x, lo, hi) => {
                    let rel = self.hint(self.skip_blanks(x.span.end));
                    self.p.pos(rel);
                    self.p.token(Tok::LBrack, "[");
                    if let Some(lo) = lo {
                        self.expr0(lo, d + 1);
                    }
                    let binary = |x: &Option<Box<Expr>>| {
                        matches!(x.as_deref().map(|x| &x.kind), Some(ExprKind::Binary(..)))
                    };
                    if d <= 1 && lo.is_some() && hi.is_some() && (binary(lo) || binary(hi)) {
                        self.p.ws(BLANK);
                        self.p.token(Tok::Op, ":");
                        self.p.ws(BLANK);
                    } else {
                        self.p.token(Tok::Op, ":");
                    }
                    if let Some(hi) = hi {
                        self.expr0(hi, d + 1);
                    }
                    let rel = self.hint(node.span.end.saturating_sub(1));
                    self.p.pos(rel);
                    self.p.token(Tok::RBrack, "]");
                }
                ExprKind::Call(fun, args) => {
                    let d = if args.len() > 1 { d + 1 } else { d };
                    let was_indented =
                        matches!(fun.kind, ExprKind::Selector(..)) && prev_sel_newline;
                    let rel = self.hint(self.skip_blanks(fun.span.end));
                    self.p.pos(rel);
                    self.p.token(Tok::LParen, "(");
                    for a in args {
                        self.expr1(a, 0, d);
                        self.p.ws(COMMA | BLANK);
                    }
                    self.p.ws(TRAILCOMMA | NOBLANK);
                    let rel = self.hint(node.span.end.saturating_sub(1));
                    self.p.pos(rel);
                    self.p.token(Tok::RParen, ")");
                    if was_indented {
                        self.p.ws(UNINDENT);
                    }
                }
                _ => {}
            }
        }
    }

    /// Prints `.sel`; returns whether the selector went on a new line.
    fn selector_suffix(&mut self, sel: &Label) -> bool {
        self.p.token(Tok::Period, ".");
        let newline = self.hint_newline(sel.span.start);
        if newline {
            self.p.ws(INDENT | FORMFEED);
        } else {
            self.p.ws(NOBLANK);
        }
        match &sel.kind {
            LabelKind::Ident(id) => self.ident_expr(id),
            LabelKind::String(e) => self.expr(e),
            LabelKind::Paren(e) | LabelKind::Pattern(e) => self.expr(e),
        }
        if newline {
            self.p.ws(UNINDENT);
        }
        newline
    }

    fn struct_lit(&mut self, e: &Expr, s: &StructLit) {
        if !s.braces {
            // Only reached for a shorthand struct printed on its own (the
            // field printer keeps `a: b: c` inline): print it with braces,
            // as upstream does.
            let ff = self.formfeed();
            self.braced_body(s, NOBLANK | NEWLINE | NOOVERRIDE | ff | INDENT);
            self.p.token(Tok::RBrace, "}");
            return;
        }
        let mut ff = self.formfeed();
        if s.decls.is_empty() && s.trailing_comments.is_empty() {
            ff = BLANK | NOOVERRIDE;
        }
        self.leaf(e.span.start);
        self.braced_body(s, NOBLANK | ff | INDENT);
        let opened_line = s.decls.iter().any(|d| d.newlines_before > 0);
        let rel = self.close_rel(e.span.end.saturating_sub(1), opened_line);
        self.p.pos(rel);
        self.p.token(Tok::RBrace, "}");
    }

    fn list(&mut self, e: &Expr, l: &ListLit) {
        let mut ws = NOBLANK | INDENT;
        if l.elems.is_empty() && l.trailing_comments.is_empty() {
            ws |= BLANK | NOOVERRIDE;
        }
        self.leaf(e.span.start);
        self.p.token(Tok::LBrack, "[");
        self.p.ws(ws);
        let omit_commas = self.list_omits_commas(e, l);
        for (i, el) in l.elems.iter().enumerate() {
            if i > 0 && omit_commas {
                self.p.ws(DECLCOMMA);
            }
            self.own_comments(
                &el.comments.leading,
                Some((el.expr.span.start, el.newlines_before)),
            );
            let rel = if i == 0 && el.comments.leading.is_empty() && el.newlines_before == 0 {
                match self.hint(el.expr.span.start) {
                    Rel::Blank => Rel::Blank,
                    _ => Rel::NoSpace,
                }
            } else {
                self.nl_rel(el.newlines_before, el.expr.span.start)
            };
            self.pending = Some(rel);
            let saved = self.node_sep;
            if let ExprKind::Struct(s) = &el.expr.kind
                && s.decls.len() <= 1
                && self.node_sep != BLANK
                && self.on_one_line(&el.expr)
            {
                self.node_sep = BLANK;
            }
            match &el.expr.kind {
                ExprKind::Alias(id, x) => {
                    self.ident_expr(id);
                    let rel = self.bind_rel(id.span.end);
                    self.p.pos(rel);
                    self.p.token(Tok::Op, "=");
                    self.expr(x);
                }
                _ => self.expr_raw(&el.expr, 0, 1),
            }
            self.node_sep = saved;
            self.pending = None;
            if !omit_commas {
                self.p.ws(COMMA | BLANK);
            }
            if let Some(c) = &el.comments.trailing
                && !self.suppressed(c)
            {
                self.line_comment(c);
            }
        }
        self.p.ws(TRAILCOMMA | NOBLANK);
        self.own_comments(&l.trailing_comments, None);
        self.p.ws(UNINDENT);
        self.p.ws(NOBLANK);
        let opened_line = l.elems.first().is_some_and(|el| el.newlines_before > 0);
        let rel = self.close_rel(e.span.end.saturating_sub(1), opened_line);
        self.p.pos(rel);
        self.p.token(Tok::RBrack, "]");
    }

    /// Whether the source leaves out a comma between two elements (or, for
    /// a single element, before `]`): the list is then printed without
    /// commas, as upstream does. Without the source, commas are used.
    fn list_omits_commas(&self, e: &Expr, l: &ListLit) -> bool {
        let Some(src) = self.src else { return false };
        if l.elems.is_empty() {
            return false;
        }
        for w in l.elems.windows(2) {
            if !has_comma(src, w[0].expr.span.end, w[1].expr.span.start) {
                return true;
            }
        }
        if l.elems.len() == 1 {
            return !has_comma(src, l.elems[0].expr.span.end, e.span.end.saturating_sub(1));
        }
        false
    }

    fn comprehension(&mut self, c: &Comprehension) {
        for (i, cl) in c.clauses.iter().enumerate() {
            if i > 0 {
                self.p.ws(BLANK);
            }
            self.clause(cl);
        }
        self.p.ws(BLANK | NOOVERRIDE);
        self.expr(&c.body);
        if let Some((kw, body)) = &c.fallback {
            self.p.ws(BLANK);
            self.p.token(Tok::Word, kw);
            self.p.ws(BLANK);
            self.expr(body);
        }
    }

    fn clause(&mut self, cl: &Clause) {
        match cl {
            Clause::For {
                key,
                value,
                source,
                span,
            } => {
                self.leaf(span.start);
                self.p.text("for");
                self.p.ws(BLANK);
                self.p.ws(INDENT);
                if let Some(k) = key {
                    self.leaf(k.span.start);
                    self.p.text(&k.name);
                    self.p.token(Tok::Op, ",");
                    self.p.ws(BLANK);
                }
                self.leaf(value.span.start);
                self.p.text(&value.name);
                self.p.ws(BLANK);
                self.p.text("in");
                self.p.ws(BLANK);
                self.expr(source);
                self.p.mark_unindent_line();
            }
            Clause::If { cond, span } => {
                self.leaf(span.start);
                self.p.text("if");
                self.p.ws(BLANK);
                self.p.ws(INDENT);
                self.expr(cond);
                self.p.mark_unindent_line();
            }
            Clause::Let { name, value, span } => {
                self.leaf(span.start);
                self.p.token(Tok::Word, "let");
                self.p.ws(BLANK | NOOVERRIDE);
                self.p.ws(INDENT);
                self.ident_expr(name);
                self.p.ws(BLANK | NOOVERRIDE);
                self.p.token(Tok::Op, "=");
                self.p.ws(BLANK);
                self.expr(value);
                self.p.mark_unindent_line();
            }
            Clause::Try { name, value, span } => {
                self.leaf(span.start);
                self.p.token(Tok::Word, "try");
                if let Some(name) = name {
                    self.p.ws(BLANK | NOOVERRIDE | INDENT);
                    self.ident_expr(name);
                    self.p.ws(BLANK | NOOVERRIDE);
                    self.p.token(Tok::Op, "=");
                    self.p.ws(BLANK);
                    if let Some(v) = value {
                        self.expr(v);
                    }
                    self.p.mark_unindent_line();
                }
            }
        }
    }

    /// A binary expression. Chains of operators of one precedence
    /// (`a | b | c ...`, nested to the left) are printed iteratively.
    fn binary(&mut self, e: &Expr, _prec1: u8, depth: u32) {
        let ExprKind::Binary(op0, _, _) = &e.kind else {
            return;
        };
        let prec = op0.precedence();
        let mut spine: Vec<&Expr> = vec![e];
        let mut cur = e;
        while let ExprKind::Binary(_, x, _) = &cur.kind {
            match &x.kind {
                ExprKind::Binary(op, ..) if op.precedence() == prec => {
                    spine.push(x);
                    cur = x;
                }
                _ => break,
            }
        }
        // The spacing of each operator depends on its whole subtree,
        // computed from the innermost node outwards.
        let n = spine.len();
        let mut cutoffs = vec![0u8; n];
        let mut acc = BinFlags::default();
        for k in (0..n).rev() {
            let ExprKind::Binary(op, x, y) = &spine[k].kind else {
                continue;
            };
            if k == n - 1
                && let ExprKind::Binary(lop, ..) = &x.kind
                && lop.precedence() >= op.precedence()
            {
                acc.merge(walk_binary(x));
            }
            acc.node(*op, y);
            cutoffs[k] = acc.cutoff(depth);
        }
        let ExprKind::Binary(_, leftmost, _) = &spine[n - 1].kind else {
            return;
        };
        let diff = match &leftmost.kind {
            ExprKind::Binary(op, ..) if op.precedence() == prec => 0,
            _ => 1,
        };
        self.expr1(leftmost, prec, depth + diff);
        for k in (0..n).rev() {
            let ExprKind::Binary(op, _, y) = &spine[k].kind else {
                continue;
            };
            let mut print_blank = prec < cutoffs[k];
            self.p.ws(NOOVERRIDE);
            if print_blank {
                self.p.ws(BLANK);
            }
            let tok = match op {
                BinaryOp::Add => Tok::Add,
                BinaryOp::Sub => Tok::Sub,
                BinaryOp::Quo => Tok::Quo,
                _ => Tok::Op,
            };
            self.p.token(tok, op.as_str());
            if self.hint_newline(y.span.start) {
                self.p.ws(FORMFEED);
                print_blank = false;
            } else {
                self.p.ws(NOOVERRIDE);
            }
            if print_blank {
                self.p.ws(BLANK);
            }
            self.expr1(y, prec + 1, depth + 1);
        }
    }
}

/// What decides the spacing around binary operators: which of the additive
/// (6) and multiplicative (7) levels occur, and operator pairs that would
/// read badly without a blank (`/ *x`, `+ +x`, `- -x`).
#[derive(Default, Clone, Copy)]
struct BinFlags {
    has6: bool,
    has7: bool,
    max_problem: u8,
}

impl BinFlags {
    fn merge(&mut self, o: BinFlags) {
        self.has6 |= o.has6;
        self.has7 |= o.has7;
        self.max_problem = self.max_problem.max(o.max_problem);
    }

    /// Adds a node with operator `op` and right operand `y`.
    fn node(&mut self, op: BinaryOp, y: &Expr) {
        let p = op.precedence();
        match p {
            6 => self.has6 = true,
            7 => self.has7 = true,
            _ => {}
        }
        match &y.kind {
            ExprKind::Binary(rop, ..) if rop.precedence() > p => self.merge(walk_binary(y)),
            ExprKind::Unary(u, _) => match (op, u) {
                (BinaryOp::Quo, UnaryOp::Default) => self.max_problem = 8,
                (BinaryOp::Add, UnaryOp::Pos) | (BinaryOp::Sub, UnaryOp::Neg) => {
                    self.max_problem = self.max_problem.max(6)
                }
                _ => {}
            },
            _ => {}
        }
    }

    fn cutoff(&self, depth: u32) -> u8 {
        if self.max_problem > 0 {
            return self.max_problem + 1;
        }
        if self.has6 && self.has7 {
            return if depth == 1 { 7 } else { 6 };
        }
        if depth == 1 { 8 } else { 6 }
    }
}

/// The spacing flags of a binary expression, walking left operands of the
/// same or higher precedence iteratively.
fn walk_binary(e: &Expr) -> BinFlags {
    let mut acc = BinFlags::default();
    let mut cur = e;
    while let ExprKind::Binary(op, x, y) = &cur.kind {
        acc.node(*op, y);
        match &x.kind {
            ExprKind::Binary(lop, ..) if lop.precedence() >= op.precedence() => cur = x,
            _ => break,
        }
    }
    acc
}

fn reduce_depth(depth: u32) -> u32 {
    depth.saturating_sub(1).max(1)
}

/// How deeply a field nests `a: b: c:` shorthands (0 for a struct value
/// with other than one declaration); fields align only with fields of the
/// same depth.
fn nest_depth_decl(d: &Decl) -> u32 {
    match &d.kind {
        DeclKind::Field(f) => nest_depth(f),
        _ => 0,
    }
}

fn nest_depth(f: &Field) -> u32 {
    let mut levels = 0;
    let mut f = f;
    loop {
        match &f.value.kind {
            ExprKind::Struct(s) if s.decls.len() != 1 => return levels,
            ExprKind::Struct(s) => match &s.decls[0].kind {
                DeclKind::Field(inner) => {
                    levels += 1;
                    f = inner;
                }
                _ => return levels + 1,
            },
            _ => return levels + 1,
        }
    }
}

/// Whether upstream's parser attaches comments to `decls[i]`: its doc
/// comment (the group right above it), its line comment, and the comment
/// groups after it that are not the doc comment of what follows. (All the
/// comments the tree puts before a declaration are printed above it.)
fn upstream_has_comments(decls: &[Decl], i: usize, block_trailing: &[Comment]) -> bool {
    let x = &decls[i];
    if x.comments.trailing.is_some() || (!x.comments.leading.is_empty() && x.newlines_before <= 1) {
        return true;
    }
    match decls.get(i + 1) {
        Some(next) => {
            let lead = &next.comments.leading;
            !lead.is_empty()
                && (next.newlines_before >= 2 || lead[1..].iter().any(|c| c.newlines_before >= 2))
        }
        None => !block_trailing.is_empty(),
    }
}

fn label_is_definition(l: &Label) -> bool {
    matches!(&l.kind, LabelKind::Ident(id) if id.is_definition())
}

/// Whether a field's value ends the alignment block (structs, lists,
/// multi-line strings).
fn needs_formfeed(e: &Expr) -> bool {
    let mut e = e;
    loop {
        match &e.kind {
            ExprKind::Struct(_) | ExprKind::List(_) => return true,
            ExprKind::Lit(l) => return l.raw.contains('\n'),
            ExprKind::Paren(x)
            | ExprKind::Unary(_, x)
            | ExprKind::OptionalRef(x)
            | ExprKind::PostfixOpen(x)
            | ExprKind::Index(x, _)
            | ExprKind::Selector(x, _) => e = x,
            ExprKind::Binary(_, x, y) => {
                if needs_formfeed(y) {
                    return true;
                }
                e = x;
            }
            ExprKind::Call(_, args) => return args.iter().any(needs_formfeed),
            _ => return false,
        }
    }
}

/// Without the source: whether an expression has no line break in it.
fn expr_one_line(e: &Expr) -> bool {
    let mut e = e;
    loop {
        match &e.kind {
            ExprKind::Lit(l) => return !l.raw.contains('\n'),
            ExprKind::Interpolation(i) => {
                return i.parts.iter().all(|p| match p {
                    InterpPart::Lit(raw, _) => !raw.contains('\n'),
                    InterpPart::Expr(x) => expr_one_line(x),
                });
            }
            ExprKind::Struct(s) => {
                return s.trailing_comments.is_empty()
                    && s.decls.iter().all(|d| {
                        d.newlines_before == 0 && d.comments.is_empty() && decl_one_line(d)
                    });
            }
            ExprKind::List(l) => {
                return l.trailing_comments.is_empty()
                    && l.elems.iter().all(|el| {
                        el.newlines_before == 0 && el.comments.is_empty() && expr_one_line(&el.expr)
                    });
            }
            ExprKind::Binary(_, x, y) => {
                if !expr_one_line(y) {
                    return false;
                }
                e = x;
            }
            ExprKind::Unary(_, x)
            | ExprKind::Paren(x)
            | ExprKind::OptionalRef(x)
            | ExprKind::PostfixOpen(x)
            | ExprKind::Alias(_, x) => e = x,
            ExprKind::Ellipsis(t) => match t {
                Some(t) => e = t,
                None => return true,
            },
            ExprKind::Selector(x, _) => e = x,
            ExprKind::Index(x, i) => {
                if !expr_one_line(i) {
                    return false;
                }
                e = x;
            }
            ExprKind::Slice(x, lo, hi) => {
                if !lo.as_deref().is_none_or(expr_one_line)
                    || !hi.as_deref().is_none_or(expr_one_line)
                {
                    return false;
                }
                e = x;
            }
            ExprKind::Call(f, args) => {
                if !args.iter().all(expr_one_line) {
                    return false;
                }
                e = f;
            }
            ExprKind::Comprehension(c) => {
                let clauses = c.clauses.iter().all(|cl| match cl {
                    Clause::For { source, .. } => expr_one_line(source),
                    Clause::If { cond, .. } => expr_one_line(cond),
                    Clause::Let { value, .. } => expr_one_line(value),
                    Clause::Try { value, .. } => value.as_ref().is_none_or(expr_one_line),
                });
                return clauses
                    && expr_one_line(&c.body)
                    && c.fallback.as_ref().is_none_or(|(_, b)| expr_one_line(b));
            }
            ExprKind::Ident(_) | ExprKind::Bottom | ExprKind::Bad => return true,
        }
    }
}

fn decl_one_line(d: &Decl) -> bool {
    match &d.kind {
        DeclKind::Field(f) => expr_one_line(&f.value),
        DeclKind::Let(l) => expr_one_line(&l.value),
        DeclKind::Embed(e) | DeclKind::Alias(_, e) => expr_one_line(e),
        DeclKind::Ellipsis(t) => t.as_deref().is_none_or(expr_one_line),
        DeclKind::Import(i) => !i.grouped,
        DeclKind::Package(_) | DeclKind::Attribute(_) | DeclKind::Bad => true,
    }
}

/// The relative position of the token at `off`, from the blanks before it.
fn rel_at(src: &[u8], off: usize) -> Rel {
    let mut i = off.min(src.len());
    let mut newlines = 0;
    let mut blank = false;
    while i > 0 {
        match src[i - 1] {
            b'\n' => newlines += 1,
            b' ' | b'\t' | b'\r' => blank = true,
            _ => break,
        }
        i -= 1;
    }
    if i == 0 {
        return Rel::NoSpace;
    }
    match newlines {
        0 if blank => Rel::Blank,
        0 => Rel::NoSpace,
        1 => Rel::Newline,
        _ => Rel::Section,
    }
}

/// Whether there is a `,` in `src[from..to]` outside comments.
fn has_comma(src: &[u8], from: u32, to: u32) -> bool {
    let (from, to) = (from as usize, (to as usize).min(src.len()));
    let mut i = from;
    while i < to {
        match src[i] {
            b',' => return true,
            b'/' if src.get(i + 1) == Some(&b'/') => {
                while i < to && src[i] != b'\n' {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}
