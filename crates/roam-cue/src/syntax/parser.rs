//! A recursive-descent parser for CUE (language version v0.17, with the
//! syntax of the `try`, `aliasv2` and `explicitopen` experiments accepted so
//! that the compiler can report their use precisely).
//!
//! The parser works on the complete token vector from the scanner, which
//! makes look-ahead trivial and error recovery a matter of skipping tokens.

use super::ast::*;
use super::scanner::{self, Quote};
use super::token::{RawComment, Token, TokenKind as T};
use super::{Parsed, SyntaxError};
use crate::source::{SourceFile, Span};

/// The deepest nesting of structs, lists, parentheses, unary operators and
/// calls the parser accepts; deeper input is reported as an error rather than
/// risking the stack.
pub const MAX_NESTING: u32 = 150;

/// The longest chain of binary operators in one expression (`a | b | ...`).
const MAX_CHAIN: u32 = 5000;

/// Errors after which the parser gives up on a file.
const MAX_ERRORS: usize = 50;

/// Parses a whole file.
pub fn parse_file(file: &SourceFile) -> Parsed<File> {
    let mut p = Parser::new(file);
    let f = p.parse_file();
    Parsed {
        value: f,
        errors: p.finish(),
    }
}

/// Parses a source string as a file named `name`.
pub fn parse_str(name: &str, text: &str) -> Parsed<File> {
    let file = SourceFile::new(name, text);
    parse_file(&file)
}

/// Parses a single expression (used for attribute arguments and tests).
pub fn parse_expr(file: &SourceFile) -> Parsed<Expr> {
    let mut p = Parser::new(file);
    p.skip_commas();
    let e = p.parse_expr();
    p.skip_commas();
    if p.kind() != T::Eof {
        p.error_expected("end of expression");
    }
    Parsed {
        value: e,
        errors: p.finish(),
    }
}

struct Parser<'a> {
    file: &'a SourceFile,
    src: &'a str,
    toks: Vec<Token>,
    pos: usize,
    comments: Vec<RawComment>,
    cidx: usize,
    errors: Vec<SyntaxError>,
    depth: u32,
    gave_up: bool,
    /// Comments found inside expressions, waiting for their declaration.
    stash: Vec<Comment>,
}

impl<'a> Parser<'a> {
    fn new(file: &'a SourceFile) -> Parser<'a> {
        let scanned = scanner::scan(file.text());
        Parser {
            file,
            src: file.text(),
            toks: scanned.tokens,
            pos: 0,
            comments: scanned.comments,
            cidx: 0,
            errors: scanned.errors,
            depth: 0,
            gave_up: false,
            stash: Vec::new(),
        }
    }

    fn finish(mut self) -> Vec<SyntaxError> {
        self.errors.sort_by_key(|e| (e.span.start, e.span.end));
        // One error per position is enough; scanner and parser may both report.
        self.errors.dedup_by(|a, b| a.span.start == b.span.start);
        self.errors
    }

    // ----- token access -------------------------------------------------

    fn tok(&self) -> Token {
        self.toks[self.pos]
    }

    fn kind(&self) -> T {
        self.toks[self.pos].kind
    }

    fn peek(&self, n: usize) -> T {
        self.toks.get(self.pos + n).map_or(T::Eof, |t| t.kind)
    }

    fn text(&self) -> &'a str {
        &self.src[self.tok().span.range()]
    }

    fn text_at(&self, n: usize) -> &'a str {
        match self.toks.get(self.pos + n) {
            Some(t) => &self.src[t.span.range()],
            None => "",
        }
    }

    fn bump(&mut self) -> Token {
        let t = self.toks[self.pos];
        if t.kind != T::Eof {
            self.pos += 1;
        }
        t
    }

    fn prev_end(&self) -> u32 {
        if self.pos == 0 {
            0
        } else {
            self.toks[self.pos - 1].span.end
        }
    }

    fn at_ident(&self, word: &str) -> bool {
        self.kind() == T::Ident && self.text() == word
    }

    fn skip_commas(&mut self) {
        while self.kind().is_comma() {
            self.bump();
        }
    }

    // ----- errors -------------------------------------------------------

    fn error(&mut self, span: Span, msg: impl Into<String>) {
        self.push_error(SyntaxError::new(span, msg));
    }

    fn push_error(&mut self, e: SyntaxError) {
        if self.gave_up {
            return;
        }
        // As upstream: one error per line is enough; later ones are usually follow-ups.
        if let Some(last) = self.errors.last()
            && self.file.line_col(last.span.start).line == self.file.line_col(e.span.start).line
        {
            return;
        }
        self.errors.push(e);
        if self.errors.len() >= MAX_ERRORS {
            self.gave_up = true;
            self.errors.push(SyntaxError::new(
                Span::at(self.src.len() as u32),
                "too many errors; giving up on this file",
            ));
            self.pos = self.toks.len() - 1;
        }
    }

    fn found(&self) -> String {
        let t = self.tok();
        match t.kind {
            T::AutoComma => {
                if t.span.is_empty() {
                    "end of file".into()
                } else {
                    "newline".into()
                }
            }
            T::Eof => "end of file".into(),
            T::Ident | T::Int | T::Float | T::String => format!("'{}'", truncate(self.text())),
            T::InterpStart => "interpolated string".into(),
            T::Attribute => format!("attribute {}", truncate(self.text())),
            k => k.describe().to_string(),
        }
    }

    fn error_expected(&mut self, what: &str) {
        let msg = format!("expected {what}, found {}", self.found());
        let span = self.tok().span;
        self.error(span, msg);
    }

    fn pos_str(&self, offset: u32) -> String {
        self.file.line_col(offset).to_string()
    }

    /// Expects a closing token for a bracket opened at `open`.
    fn expect_closing(&mut self, close: T, open: Span, what: &str) -> Span {
        if self.kind() == close {
            return self.bump().span;
        }
        let found = self.found();
        // At the end of the file, point just after the last token rather than at an empty line.
        let at = if matches!(self.kind(), T::Eof)
            || (self.kind() == T::AutoComma && self.tok().span.is_empty())
        {
            let last = self.toks[..self.pos]
                .iter()
                .rev()
                .find(|t| t.kind != T::AutoComma);
            Span::at(last.map_or(0, |t| t.span.end))
        } else {
            self.tok().span
        };
        let msg = format!(
            "expected {} to close {what} opened at {}, found {found}",
            close.describe(),
            self.pos_str(open.start)
        );
        let e = SyntaxError::new(at, msg).with_related(open, format!("{what} opened here"));
        self.push_error(e);
        // Recover: skip to the closing token at this level, if there is one.
        self.skip_to_closer();
        if self.kind() == close {
            self.bump().span
        } else {
            Span::at(self.tok().span.start)
        }
    }

    /// Skips tokens up to the next closing bracket at the current nesting
    /// level (or EOF), not consuming it.
    fn skip_to_closer(&mut self) {
        let mut depth = 0u32;
        loop {
            match self.kind() {
                T::Eof => return,
                T::LBrace | T::LBrack | T::LParen => depth += 1,
                T::RBrace | T::RBrack | T::RParen => {
                    if depth == 0 {
                        return;
                    }
                    depth -= 1;
                }
                _ => {}
            }
            self.bump();
        }
    }

    /// After an error in a declaration or element: skip to the next comma or
    /// closing bracket at this level.
    fn sync(&mut self) {
        let mut depth = 0i32;
        loop {
            match self.kind() {
                T::Eof => return,
                T::Comma | T::AutoComma if depth == 0 => return,
                T::LBrace | T::LBrack | T::LParen => depth += 1,
                T::RBrace | T::RBrack | T::RParen => {
                    if depth == 0 {
                        return;
                    }
                    depth -= 1;
                }
                _ => {}
            }
            self.bump();
        }
    }

    fn enter(&mut self) -> bool {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            let span = self.tok().span;
            self.error(
                span,
                format!(
                    "nesting too deep: more than {MAX_NESTING} levels of brackets or operators"
                ),
            );
            self.gave_up = true;
            self.pos = self.toks.len() - 1;
            return false;
        }
        true
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    // ----- comments -----------------------------------------------------

    fn comment(&self, c: &RawComment) -> Comment {
        let mut newlines_before = c.newlines_before;
        if newlines_before == 0 {
            // "On the previous token's line" only counts for a token that is
            // printed: stray commas are not, so look past them.
            let i = self.toks.partition_point(|t| t.span.start < c.span.start);
            let prev = self.toks[..i].iter().rev().find(|t| !t.kind.is_comma());
            let same_line = prev.is_some_and(|t| {
                self.file.line_col(t.span.end).line == self.file.line_col(c.span.start).line
            });
            if !same_line {
                newlines_before = 1;
            }
        }
        Comment {
            text: self.src[c.span.range()].trim_end_matches('\r').to_string(),
            span: c.span,
            newlines_before,
        }
    }

    /// Takes all comments not yet attached that start before `offset`.
    fn take_comments(&mut self, offset: u32) -> Vec<Comment> {
        let mut out = Vec::new();
        while self.cidx < self.comments.len() && self.comments[self.cidx].span.start < offset {
            out.push(self.comment(&self.comments[self.cidx]));
            self.cidx += 1;
        }
        out
    }

    /// Takes a comment that follows on the line where the previous token ends.
    fn take_trailing(&mut self, end: u32) -> Option<Comment> {
        let c = self.comments.get(self.cidx)?;
        if c.newlines_before != 0 || c.span.start < end {
            return None;
        }
        // It must come before the next token: `[x] // c` belongs to what holds the list.
        // Stray commas between the node and its comment do not count.
        let next = self.toks[self.pos..]
            .iter()
            .find(|t| t.kind != T::Comma)
            .copied()
            .unwrap_or_else(|| self.tok());
        if next.kind != T::Eof
            && next.span.start <= c.span.start
            && !(next.kind == T::AutoComma && next.span.is_empty())
        {
            return None;
        }
        let line = self.file.line_col(end.saturating_sub(1)).line;
        if self.file.line_col(c.span.start).line != line {
            return None;
        }
        let c = self.comment(c);
        self.cidx += 1;
        Some(c)
    }

    /// Newlines before the current token, counting from the last comment
    /// before it if there is one.
    fn newlines_before_tok(&self) -> u32 {
        // Stray commas are not printed: count the newlines from the token or
        // comment before them.
        let last_comment_end = self
            .cidx
            .checked_sub(1)
            .map_or(0, |i| self.comments[i].span.end);
        let mut n = self.tok().newlines_before;
        let mut i = self.pos;
        while i > 0
            && self.toks[i - 1].kind == T::Comma
            && self.toks[i - 1].span.start >= last_comment_end
        {
            i -= 1;
            n += self.toks[i].newlines_before;
        }
        n
    }

    // ----- files and declarations ---------------------------------------

    fn parse_file(&mut self) -> File {
        let mut decls = Vec::new();
        self.skip_commas();
        while self.kind() == T::Attribute {
            let d = self.with_comments(|p| p.parse_attribute_decl());
            decls.push(d);
        }
        if self.at_ident("package") && self.peek(1) == T::Ident {
            let d = self.with_comments(|p| {
                let start = p.bump().span;
                let t = p.bump();
                let name = Ident::new(&p.src[t.span.range()], t.span);
                p.expect_decl_end("package clause");
                Decl::new(DeclKind::Package(name), start.to(t.span))
            });
            decls.push(d);
            while self.kind() == T::Attribute {
                let d = self.with_comments(|p| p.parse_attribute_decl());
                decls.push(d);
            }
        }
        while self.at_ident("import") && matches!(self.peek(1), T::String | T::LParen | T::Ident) {
            let d = self.with_comments(|p| p.parse_import());
            decls.push(d);
        }
        decls.extend(self.parse_decl_list(T::Eof));
        if self.kind() != T::Eof {
            self.error_expected("declaration");
        }
        let end = self.src.len() as u32;
        let mut trailing_comments = std::mem::take(&mut self.stash);
        trailing_comments.append(&mut self.take_comments(u32::MAX));
        File {
            name: self.file.name().to_string(),
            decls,
            trailing_comments,
            span: Span::new(0, end),
        }
    }

    /// Runs `f` to parse one declaration, attaching leading and trailing comments.
    fn with_comments(&mut self, f: impl FnOnce(&mut Self) -> Decl) -> Decl {
        let leading = self.take_comments(self.tok().span.start);
        let newlines_before = self.newlines_before_tok();
        let stashed = self.stash.len();
        let mut d = f(self);
        let end = d.span.end.max(self.prev_end());
        // Comments inside the declaration that no inner node took.
        let mut inner = self.stash.split_off(stashed);
        inner.append(&mut self.take_comments(end));
        let trailing = self.take_trailing(end);
        let mut all = leading;
        all.append(&mut inner);
        d.comments = Comments {
            leading: all,
            trailing,
        };
        d.newlines_before = newlines_before;
        d
    }

    fn parse_attribute_decl(&mut self) -> Decl {
        let t = self.bump();
        let a = Attribute {
            text: self.src[t.span.range()].to_string(),
            span: t.span,
        };
        self.expect_decl_end("attribute declaration");
        Decl::new(DeclKind::Attribute(a), t.span)
    }

    /// Consumes the comma that ends a declaration.
    fn expect_decl_end(&mut self, ctx: &str) {
        match self.kind() {
            T::Comma | T::AutoComma => {
                self.bump();
            }
            T::RBrace | T::Eof => {}
            _ => {
                let msg = format!("missing ',' after {ctx}, found {}", self.found());
                let span = self.tok().span;
                self.error(span, msg);
                self.sync();
                if self.kind().is_comma() {
                    self.bump();
                }
            }
        }
    }

    fn parse_import(&mut self) -> Decl {
        let start = self.bump().span; // import
        let mut specs = Vec::new();
        let mut trailing_comments = Vec::new();
        let grouped = self.kind() == T::LParen;
        if grouped {
            let open = self.bump().span;
            self.skip_commas();
            while !matches!(self.kind(), T::RParen | T::Eof) {
                if matches!(self.kind(), T::RBrace | T::RBrack) {
                    // A closer that belongs to nothing here: the import list is not closed.
                    break;
                }
                let before = self.pos;
                let leading = self.take_comments(self.tok().span.start);
                let mut spec = self.parse_import_spec();
                match self.kind() {
                    T::Comma | T::AutoComma => {
                        self.bump();
                    }
                    T::RParen => {}
                    _ => {
                        self.error_expected("',' or ')' in import list");
                        self.sync();
                        self.skip_commas();
                    }
                }
                let trailing = self.take_trailing(spec.span.end);
                spec.comments = Comments { leading, trailing };
                specs.push(spec);
                self.skip_commas();
                if self.pos == before {
                    self.bump();
                }
            }
            trailing_comments = self.take_comments(self.tok().span.start);
            let close = self.expect_closing(T::RParen, open, "import list");
            self.expect_decl_end("import declaration");
            let span = start.to(close);
            return Decl::new(
                DeclKind::Import(ImportDecl {
                    grouped,
                    specs,
                    trailing_comments,
                }),
                span,
            );
        }
        let spec = self.parse_import_spec();
        let span = start.to(spec.span);
        specs.push(spec);
        self.expect_decl_end("import declaration");
        Decl::new(
            DeclKind::Import(ImportDecl {
                grouped,
                specs,
                trailing_comments: std::mem::take(&mut trailing_comments),
            }),
            span,
        )
    }

    fn parse_import_spec(&mut self) -> ImportSpec {
        let start = self.tok().span;
        let name = if self.kind() == T::Ident {
            let t = self.bump();
            Some(Ident::new(&self.src[t.span.range()], t.span))
        } else {
            None
        };
        if self.kind() != T::String {
            self.error_expected("import path string");
            self.sync();
            return ImportSpec {
                name,
                path: BasicLit {
                    kind: LitKind::String,
                    raw: "\"\"".into(),
                    span: start,
                },
                span: start,
                comments: Comments::default(),
            };
        }
        let t = self.bump();
        let raw = self.src[t.span.range()].to_string();
        if !valid_import_path(&raw) {
            self.error(t.span, format!("invalid import path: {raw}"));
        }
        ImportSpec {
            name,
            path: BasicLit {
                kind: LitKind::String,
                raw,
                span: t.span,
            },
            span: start.to(t.span),
            comments: Comments::default(),
        }
    }

    /// Parses declarations until `end` (`}` or EOF), not consuming it.
    fn parse_decl_list(&mut self, end: T) -> Vec<Decl> {
        let mut decls = Vec::new();
        loop {
            self.skip_commas();
            let k = self.kind();
            if k == end || k == T::Eof || self.gave_up {
                break;
            }
            if end == T::Eof && matches!(k, T::RBrace | T::RBrack | T::RParen) {
                let msg = format!(
                    "unexpected {} at top level: no bracket is open here",
                    k.describe()
                );
                let span = self.tok().span;
                self.error(span, msg);
                self.bump();
                continue;
            }
            if end == T::RBrace && matches!(k, T::RBrack | T::RParen) {
                // A stray closer; let the struct's closing check report it.
                break;
            }
            let before = self.pos;
            let d = self.with_comments(|p| p.parse_decl());
            decls.push(d);
            if self.pos == before {
                // No progress: skip a token so we always terminate.
                self.bump();
            }
        }
        decls
    }

    fn parse_decl(&mut self) -> Decl {
        let start = self.tok().span;
        match self.kind() {
            T::Attribute => return self.parse_attribute_decl(),
            T::Ellipsis => {
                self.bump();
                let ty = if matches!(self.kind(), T::Comma | T::AutoComma | T::RBrace | T::Eof) {
                    None
                } else {
                    Some(Box::new(self.parse_expr()))
                };
                let span = start.to(Span::at(self.prev_end()));
                self.expect_decl_end("'...'");
                return Decl::new(DeclKind::Ellipsis(ty), span);
            }
            T::Let if self.peek(1) == T::Ident && self.peek(2) == T::Bind => {
                self.bump();
                let name = self.parse_ident();
                self.bump(); // =
                let value = self.parse_expr();
                let span = start.to(value.span);
                self.expect_decl_end("let clause");
                return Decl::new(DeclKind::Let(LetClause { name, value }), span);
            }
            T::For | T::If if !self.keyword_is_label() => {
                let c = self.parse_comprehension();
                let span = c.span;
                self.expect_decl_end("comprehension");
                return Decl::new(DeclKind::Embed(c), span);
            }
            T::Ident if self.at_try_clause() => {
                let c = self.parse_comprehension();
                let span = c.span;
                self.expect_decl_end("try clause");
                return Decl::new(DeclKind::Embed(c), span);
            }
            _ => {}
        }

        // A field or an embedding: parse an expression and see what follows.
        let e = self.parse_label_expr();
        if !self.at_label_end() {
            // An embedding (or an old-style alias `X = expr`).
            let span = e.span;
            let kind = match e.kind {
                ExprKind::Alias(id, v) => DeclKind::Alias(id, *v),
                _ => DeclKind::Embed(e),
            };
            self.expect_decl_end("embedded expression");
            return Decl::new(kind, span);
        }
        let field = self.parse_field_rest(e);
        let span = start.to(Span::at(self.prev_end()));
        let decl = Decl::new(DeclKind::Field(Box::new(field)), span);
        self.expect_decl_end("field");
        decl
    }

    /// `for` or `if` at the start of a declaration used as a label (`if: 1`).
    fn keyword_is_label(&self) -> bool {
        matches!(
            self.peek(1),
            T::Colon | T::Bind | T::Option | T::Comma | T::AutoComma | T::Eof | T::Tilde
        ) || (self.peek(1) == T::Not && self.peek(2) == T::Colon)
    }

    /// `try {` or `try x = ...` starts a try clause (try experiment).
    fn at_try_clause(&self) -> bool {
        self.at_ident("try")
            && (matches!(self.peek(1), T::LBrace | T::If | T::For | T::Let)
                || (self.peek(1) == T::Ident && self.peek(2) == T::Bind))
    }

    /// After a label expression: is this a field (`:`, `?:`, `!:`, `~alias:`)?
    fn at_label_end(&self) -> bool {
        match self.kind() {
            T::Colon | T::Tilde => true,
            T::Option | T::Not => self.peek(1) == T::Colon,
            _ => false,
        }
    }

    /// Parses what may be a label: an expression, with a prefix alias `X=`.
    fn parse_label_expr(&mut self) -> Expr {
        let e = self.parse_expr();
        self.parse_alias(e)
    }

    /// `X = expr` after an identifier.
    fn parse_alias(&mut self, e: Expr) -> Expr {
        if self.kind() != T::Bind {
            return e;
        }
        let eq = self.bump().span;
        let rhs = self.parse_expr();
        match e.kind {
            ExprKind::Ident(id) => {
                let span = id.span.to(rhs.span);
                Expr::new(ExprKind::Alias(id, Box::new(rhs)), span)
            }
            _ => {
                self.error(eq, "expected identifier before '=' for alias");
                rhs
            }
        }
    }

    /// Turns a parsed expression into a label, or reports why it cannot be one.
    fn expr_to_label(&mut self, e: Expr) -> (Label, Constraint, Option<Span>) {
        let span = e.span;
        let (inner, constraint, cspan) = match e.kind {
            ExprKind::OptionalRef(x) => {
                let q = Span::new(span.end - 1, span.end);
                (*x, Constraint::Optional, Some(q))
            }
            k => (Expr::new(k, span), Constraint::Regular, None),
        };
        let mut alias = None;
        let (inner, constraint, cspan) = match inner.kind {
            ExprKind::Alias(id, x) => {
                alias = Some(id);
                match x.kind {
                    // `X=lab?: v`: the marker belongs to the aliased label.
                    ExprKind::OptionalRef(l) if constraint == Constraint::Regular => {
                        let q = Span::new(x.span.end - 1, x.span.end);
                        (*l, Constraint::Optional, Some(q))
                    }
                    k => (Expr::new(k, x.span), constraint, cspan),
                }
            }
            k => (Expr::new(k, inner.span), constraint, cspan),
        };
        let lspan = inner.span;
        let kind = match inner.kind {
            ExprKind::Ident(id) => {
                if id.name.starts_with("__") {
                    self.error(id.span, "identifiers starting with '__' are reserved");
                }
                LabelKind::Ident(id)
            }
            ExprKind::Lit(ref l)
                if matches!(
                    l.kind,
                    LitKind::String | LitKind::Null | LitKind::True | LitKind::False
                ) =>
            {
                if l.kind == LitKind::String && l.raw.starts_with("\"\"\"") {
                    self.error(l.span, "multiline strings cannot be used as labels");
                }
                LabelKind::String(Box::new(inner))
            }
            ExprKind::Lit(ref l) if l.kind == LitKind::Bytes => {
                self.error(l.span, "bytes literals cannot be used as labels");
                LabelKind::String(Box::new(inner))
            }
            ExprKind::Interpolation(ref i) if !i.quote.is_bytes() => {
                LabelKind::String(Box::new(inner))
            }
            ExprKind::Paren(x) => LabelKind::Paren(x),
            ExprKind::List(mut l) => {
                if l.elems.len() != 1 || matches!(l.elems[0].expr.kind, ExprKind::Ellipsis(_)) {
                    self.error(lspan, "square bracket must have exactly one element");
                }
                if l.elems.is_empty() {
                    LabelKind::Pattern(Box::new(Expr::new(ExprKind::Bad, lspan)))
                } else {
                    LabelKind::Pattern(Box::new(l.elems.swap_remove(0).expr))
                }
            }
            _ => {
                self.error(
                    lspan,
                    "expected label: an identifier, a string, (expr) or [pattern]",
                );
                LabelKind::Ident(Ident::new("_", lspan))
            }
        };
        let label_span = alias.as_ref().map_or(lspan, |a: &Ident| a.span.to(lspan));
        (
            Label {
                kind,
                alias,
                postfix_alias: None,
                span: label_span,
            },
            constraint,
            cspan,
        )
    }

    /// After a label expression at `:`/`?`/`!`/`~`: the rest of the field.
    fn parse_field_rest(&mut self, label_expr: Expr) -> Field {
        let (mut label, mut constraint, mut cspan) = self.expr_to_label(label_expr);
        self.parse_postfix_alias(&mut label);
        self.parse_constraint(&mut constraint, &mut cspan);
        if self.kind() == T::Colon {
            self.bump();
        } else {
            self.error_expected("':'");
        }
        // `a: b: c` shorthand: the value may itself be a field.
        let value = if self.starts_nested_label() {
            let e = self.parse_label_expr();
            if self.at_label_end() {
                let start = e.span;
                let inner = self.parse_field_rest(e);
                let span = start.to(Span::at(self.prev_end()));
                let decl = Decl::new(DeclKind::Field(Box::new(inner)), span);
                Expr::new(
                    ExprKind::Struct(StructLit {
                        braces: false,
                        decls: vec![decl],
                        trailing_comments: vec![],
                    }),
                    span,
                )
            } else {
                e
            }
        } else {
            let e = self.parse_expr();
            self.parse_alias(e)
        };
        let mut attrs = Vec::new();
        // Attributes follow the value; for `a: b: c @x()` they belong to the innermost field,
        // which is where the recursion above already put them.
        while self.kind() == T::Attribute {
            let t = self.bump();
            attrs.push(Attribute {
                text: self.src[t.span.range()].to_string(),
                span: t.span,
            });
        }
        Field {
            label,
            constraint,
            constraint_span: cspan,
            value,
            attrs,
        }
    }

    /// Could the next tokens be a nested label (`b:` in `a: b: c`)?
    fn starts_nested_label(&self) -> bool {
        match self.kind() {
            T::Ident
            | T::String
            | T::InterpStart
            | T::LParen
            | T::LBrack
            | T::Null
            | T::True
            | T::False
            | T::In => true,
            T::For | T::If | T::Let => self.keyword_is_label(),
            _ => false,
        }
    }

    fn parse_constraint(&mut self, c: &mut Constraint, span: &mut Option<Span>) {
        match self.kind() {
            T::Option | T::Not if self.peek(1) == T::Colon => {
                let t = self.bump();
                if *c != Constraint::Regular {
                    self.error(t.span, "a field can have only one of '?' and '!'");
                }
                *c = if t.kind == T::Option {
                    Constraint::Optional
                } else {
                    Constraint::Required
                };
                *span = Some(t.span);
            }
            _ => {}
        }
    }

    /// `~X` or `~(K,V)` after a label (aliasv2 experiment).
    fn parse_postfix_alias(&mut self, label: &mut Label) {
        if self.kind() != T::Tilde {
            return;
        }
        let start = self.bump().span;
        let mut pa = PostfixAlias {
            label: None,
            value: None,
            parens: false,
            span: start,
        };
        if self.kind() == T::LParen {
            let open = self.bump().span;
            pa.parens = true;
            let first = self.parse_ident();
            if self.kind() == T::Comma {
                self.bump();
                let second = self.parse_ident();
                pa.label = Some(first);
                pa.value = Some(second);
            } else {
                pa.value = Some(first);
            }
            let close = self.expect_closing(T::RParen, open, "alias");
            pa.span = start.to(close);
        } else {
            let id = self.parse_ident();
            pa.span = start.to(id.span);
            pa.value = Some(id);
        }
        label.span = label.span.to(pa.span);
        label.postfix_alias = Some(Box::new(pa));
    }

    fn parse_ident(&mut self) -> Ident {
        let t = self.tok();
        if t.kind == T::Ident || t.kind.is_keyword() {
            self.bump();
            Ident::new(&self.src[t.span.range()], t.span)
        } else {
            self.error_expected("identifier");
            Ident::new("_", Span::at(t.span.start))
        }
    }

    // ----- comprehensions -----------------------------------------------

    fn parse_comprehension(&mut self) -> Expr {
        let start = self.tok().span;
        let mut clauses = Vec::new();
        loop {
            let cstart = self.tok().span;
            match self.kind() {
                T::For => {
                    self.bump();
                    let mut value = self.parse_ident();
                    let mut key = None;
                    if self.kind() == T::Comma {
                        self.bump();
                        key = Some(value);
                        value = self.parse_ident();
                    }
                    if self.kind() == T::In {
                        self.bump();
                    } else {
                        self.error_expected("'in'");
                    }
                    let source = self.parse_expr();
                    let span = cstart.to(source.span);
                    clauses.push(Clause::For {
                        key,
                        value,
                        source,
                        span,
                    });
                }
                T::If => {
                    self.bump();
                    let cond = self.parse_expr();
                    let span = cstart.to(cond.span);
                    clauses.push(Clause::If { cond, span });
                }
                T::Let => {
                    self.bump();
                    let name = self.parse_ident();
                    if self.kind() == T::Bind {
                        self.bump();
                    } else {
                        self.error_expected("'='");
                    }
                    let value = self.parse_expr();
                    let span = cstart.to(value.span);
                    clauses.push(Clause::Let { name, value, span });
                }
                T::Ident if self.at_ident("try") => {
                    self.bump();
                    if matches!(self.kind(), T::LBrace | T::If | T::For | T::Let) {
                        // Struct form; the compiler checks that it is the last clause.
                        clauses.push(Clause::Try {
                            name: None,
                            value: None,
                            span: cstart,
                        });
                        continue;
                    }
                    let name = self.parse_ident();
                    if self.kind() == T::Bind {
                        self.bump();
                    } else {
                        self.error_expected("'='");
                    }
                    let value = self.parse_expr();
                    let span = cstart.to(value.span);
                    clauses.push(Clause::Try {
                        name: Some(name),
                        value: Some(value),
                        span,
                    });
                }
                _ => break,
            }
            if self.kind() == T::Comma || (self.kind() == T::AutoComma && self.peek(1) != T::RBrace)
            {
                // Clauses may be separated by commas; a newline is not expected
                // before the body, but tolerate one.
                if matches!(self.peek(1), T::For | T::If | T::Let | T::LBrace)
                    || (self.peek(1) == T::Ident && self.text_at(1) == "try")
                {
                    self.bump();
                }
            }
        }
        if self.kind() != T::LBrace {
            self.error_expected("'{' to start the comprehension body");
            self.sync();
            let span = start.to(Span::at(self.prev_end()));
            return Expr::new(ExprKind::Bad, span);
        }
        let body = self.parse_struct();
        let mut end = body.span;
        let mut fallback = None;
        if self.kind() == T::Ident
            && matches!(self.text(), "else" | "fallback" | "otherwise")
            && self.peek(1) == T::LBrace
        {
            let word = self.text().to_string();
            self.bump();
            let f = self.parse_struct();
            end = f.span;
            fallback = Some((word, Box::new(f)));
        }
        Expr::new(
            ExprKind::Comprehension(Comprehension {
                clauses,
                body: Box::new(body),
                fallback,
            }),
            start.to(end),
        )
    }

    // ----- expressions --------------------------------------------------

    fn parse_expr(&mut self) -> Expr {
        self.parse_binary(1)
    }

    fn parse_binary(&mut self, min_prec: u8) -> Expr {
        let mut x = self.parse_unary();
        let mut chain = 0;
        loop {
            let k = self.kind();
            let prec = k.precedence();
            if prec == 0 || prec < min_prec {
                return x;
            }
            chain += 1;
            if chain > MAX_CHAIN {
                let span = self.tok().span;
                self.error(
                    span,
                    format!("expression too long: more than {MAX_CHAIN} operators in a row"),
                );
                self.gave_up = true;
                self.pos = self.toks.len() - 1;
                return x;
            }
            self.bump();
            if !self.enter() {
                return x;
            }
            let y = self.parse_binary(prec + 1);
            self.leave();
            let op = binary_op(k);
            let span = x.span.to(y.span);
            x = Expr::new(ExprKind::Binary(op, Box::new(x), Box::new(y)), span);
        }
    }

    fn parse_unary(&mut self) -> Expr {
        let op = match self.kind() {
            T::Add => UnaryOp::Pos,
            T::Sub => UnaryOp::Neg,
            T::Not => UnaryOp::Not,
            T::Mul => UnaryOp::Default,
            T::Lss => UnaryOp::Lss,
            T::Leq => UnaryOp::Leq,
            T::Gtr => UnaryOp::Gtr,
            T::Geq => UnaryOp::Geq,
            T::Neq => UnaryOp::Neq,
            T::Eql => UnaryOp::Eql,
            T::Mat => UnaryOp::Mat,
            T::NMat => UnaryOp::NMat,
            _ => return self.parse_primary(),
        };
        let start = self.bump().span;
        if !self.enter() {
            return Expr::new(ExprKind::Bad, start);
        }
        let x = self.parse_unary();
        self.leave();
        let span = start.to(x.span);
        Expr::new(ExprKind::Unary(op, Box::new(x)), span)
    }

    fn parse_primary(&mut self) -> Expr {
        let mut x = self.parse_operand();
        loop {
            match self.kind() {
                T::Period => {
                    let dot = self.bump().span;
                    let t = self.tok();
                    let sel = match t.kind {
                        T::Ident => {
                            self.bump();
                            let id = Ident::new(&self.src[t.span.range()], t.span);
                            Label {
                                kind: LabelKind::Ident(id),
                                alias: None,
                                postfix_alias: None,
                                span: t.span,
                            }
                        }
                        T::String
                            if self.text().starts_with('"') && !self.text().starts_with("\"\"") =>
                        {
                            self.bump();
                            let lit = BasicLit {
                                kind: LitKind::String,
                                raw: self.src[t.span.range()].to_string(),
                                span: t.span,
                            };
                            let e = Expr::new(ExprKind::Lit(lit), t.span);
                            Label {
                                kind: LabelKind::String(Box::new(e)),
                                alias: None,
                                postfix_alias: None,
                                span: t.span,
                            }
                        }
                        _ => {
                            self.error_expected(
                                "selector (an identifier or a quoted string) after '.'",
                            );
                            return Expr::new(ExprKind::Bad, x.span.to(dot));
                        }
                    };
                    let span = x.span.to(sel.span);
                    x = Expr::new(ExprKind::Selector(Box::new(x), Box::new(sel)), span);
                }
                T::LBrack => x = self.parse_index_or_slice(x),
                T::LParen => x = self.parse_call(x),
                T::Option => {
                    // `x?`: optional reference (try experiment), or the `?` of `x?:`.
                    let t = self.bump();
                    let span = x.span.to(t.span);
                    x = Expr::new(ExprKind::OptionalRef(Box::new(x)), span);
                }
                T::Ellipsis
                    if self.tok().span.start == x.span.end && !matches!(x.kind, ExprKind::Bad) =>
                {
                    // `x...`: postfix open (explicitopen experiment).
                    let t = self.bump();
                    let span = x.span.to(t.span);
                    x = Expr::new(ExprKind::PostfixOpen(Box::new(x)), span);
                }
                _ => return x,
            }
        }
    }

    fn parse_index_or_slice(&mut self, x: Expr) -> Expr {
        let open = self.bump().span;
        if !self.enter() {
            return x;
        }
        self.skip_autocommas();
        let mut lo = None;
        if self.kind() != T::Colon {
            lo = Some(Box::new(self.parse_expr()));
            self.skip_autocommas();
            // A trailing comma is allowed before the closing bracket: `x["a",]`.
            if self.kind() == T::Comma && self.peek(1) == T::RBrack {
                self.bump();
            }
        }
        let result = if self.kind() == T::Colon {
            self.bump();
            self.skip_autocommas();
            let hi = if matches!(self.kind(), T::RBrack | T::Eof) {
                None
            } else {
                let h = self.parse_expr();
                self.skip_autocommas();
                Some(Box::new(h))
            };
            let close = self.expect_closing(T::RBrack, open, "slice");
            let span = x.span.to(close);
            Expr::new(ExprKind::Slice(Box::new(x), lo, hi), span)
        } else {
            let close = self.expect_closing(T::RBrack, open, "index");
            let span = x.span.to(close);
            let idx = lo.unwrap_or_else(|| {
                self.error(close, "expected an index expression");
                Box::new(Expr::new(ExprKind::Bad, close))
            });
            Expr::new(ExprKind::Index(Box::new(x), idx), span)
        };
        self.leave();
        result
    }

    fn skip_autocommas(&mut self) {
        while self.kind() == T::AutoComma {
            self.bump();
        }
    }

    fn parse_call(&mut self, fun: Expr) -> Expr {
        let open = self.bump().span;
        if !self.enter() {
            return fun;
        }
        let mut args = Vec::new();
        self.skip_autocommas();
        while !matches!(self.kind(), T::RParen | T::Eof) {
            args.push(self.parse_expr());
            match self.kind() {
                T::Comma | T::AutoComma => {
                    self.bump();
                    self.skip_autocommas();
                }
                T::RParen => {}
                _ => {
                    let msg = format!("missing ',' in argument list, found {}", self.found());
                    let span = self.tok().span;
                    self.error(span, msg);
                    self.sync();
                    if self.kind().is_comma() {
                        self.bump();
                    } else {
                        break;
                    }
                }
            }
        }
        let close = self.expect_closing(T::RParen, open, "argument list");
        self.leave();
        let span = fun.span.to(close);
        Expr::new(ExprKind::Call(Box::new(fun), args), span)
    }

    fn parse_operand(&mut self) -> Expr {
        let t = self.tok();
        match t.kind {
            T::Ident | T::For | T::If | T::Let | T::In => {
                self.bump();
                Expr::new(
                    ExprKind::Ident(Ident::new(&self.src[t.span.range()], t.span)),
                    t.span,
                )
            }
            T::Null | T::True | T::False | T::Int | T::Float | T::String => {
                self.bump();
                let raw = &self.src[t.span.range()];
                let kind = match t.kind {
                    T::Null => LitKind::Null,
                    T::True => LitKind::True,
                    T::False => LitKind::False,
                    T::Int => LitKind::Int,
                    T::Float => LitKind::Float,
                    _ => {
                        if raw.trim_start_matches('#').starts_with('\'') {
                            LitKind::Bytes
                        } else {
                            LitKind::String
                        }
                    }
                };
                Expr::new(
                    ExprKind::Lit(BasicLit {
                        kind,
                        raw: raw.to_string(),
                        span: t.span,
                    }),
                    t.span,
                )
            }
            T::Bottom => {
                self.bump();
                Expr::new(ExprKind::Bottom, t.span)
            }
            T::InterpStart => self.parse_interpolation(),
            T::LBrace => self.parse_struct(),
            T::LBrack => self.parse_list(),
            T::LParen => {
                let open = self.bump().span;
                if !self.enter() {
                    return Expr::new(ExprKind::Bad, open);
                }
                self.skip_autocommas();
                let e = self.parse_expr();
                let e = self.parse_alias(e);
                self.skip_autocommas();
                let close = self.expect_closing(T::RParen, open, "parenthesis");
                self.leave();
                Expr::new(ExprKind::Paren(Box::new(e)), open.to(close))
            }
            _ => {
                self.error_expected("operand");
                // Do not consume closers or commas: the enclosing construct needs them.
                if !matches!(
                    t.kind,
                    T::RBrace
                        | T::RBrack
                        | T::RParen
                        | T::Comma
                        | T::AutoComma
                        | T::Eof
                        | T::InterpMid
                        | T::InterpEnd
                ) {
                    self.bump();
                }
                Expr::new(ExprKind::Bad, t.span)
            }
        }
    }

    fn parse_interpolation(&mut self) -> Expr {
        let first = self.bump();
        let raw = &self.src[first.span.range()];
        let quote = quote_of(raw);
        let mut parts = vec![InterpPart::Lit(raw.to_string(), first.span)];
        let mut end = first.span;
        if !self.enter() {
            return Expr::new(ExprKind::Bad, first.span);
        }
        loop {
            self.skip_autocommas();
            if matches!(self.kind(), T::InterpMid | T::InterpEnd) {
                let span = self.tok().span;
                self.error(
                    span,
                    "empty interpolation: expected an expression inside '\\(...)'",
                );
            } else {
                let e = self.parse_expr();
                parts.push(InterpPart::Expr(e));
                self.skip_autocommas();
            }
            match self.kind() {
                T::InterpMid => {
                    let t = self.bump();
                    parts.push(InterpPart::Lit(
                        self.src[t.span.range()].to_string(),
                        t.span,
                    ));
                }
                T::InterpEnd => {
                    let t = self.bump();
                    parts.push(InterpPart::Lit(
                        self.src[t.span.range()].to_string(),
                        t.span,
                    ));
                    end = t.span;
                    break;
                }
                _ => {
                    self.error_expected("')' to end the string interpolation");
                    // Skip to the rest of the string.
                    while !matches!(self.kind(), T::InterpMid | T::InterpEnd | T::Eof) {
                        self.bump();
                    }
                    if self.kind() == T::Eof {
                        break;
                    }
                }
            }
        }
        self.leave();
        Expr::new(
            ExprKind::Interpolation(Interpolation { quote, parts }),
            first.span.to(end),
        )
    }

    /// Comments before an opening bracket inside an expression belong to the
    /// declaration being parsed, not to the bracket's first element.
    fn stash_comments_before(&mut self, offset: u32) {
        let mut c = self.take_comments(offset);
        self.stash.append(&mut c);
    }

    fn parse_struct(&mut self) -> Expr {
        self.stash_comments_before(self.tok().span.start);
        let open = self.bump().span;
        if !self.enter() {
            return Expr::new(ExprKind::Bad, open);
        }
        let decls = self.parse_decl_list(T::RBrace);
        let trailing_comments = self.take_comments(self.tok().span.start);
        let close = self.expect_closing(T::RBrace, open, "struct");
        self.leave();
        Expr::new(
            ExprKind::Struct(StructLit {
                braces: true,
                decls,
                trailing_comments,
            }),
            open.to(close),
        )
    }

    fn parse_list(&mut self) -> Expr {
        self.stash_comments_before(self.tok().span.start);
        let open = self.bump().span;
        if !self.enter() {
            return Expr::new(ExprKind::Bad, open);
        }
        let mut elems: Vec<ListElem> = Vec::new();
        let mut seen_ellipsis: Option<Span> = None;
        loop {
            self.skip_commas();
            if matches!(self.kind(), T::RBrack | T::Eof) || self.gave_up {
                break;
            }
            if matches!(self.kind(), T::RBrace | T::RParen) {
                break;
            }
            let leading = self.take_comments(self.tok().span.start);
            let newlines_before = self.newlines_before_tok();
            let start = self.tok().span;
            let before = self.pos;
            if let Some(e) = seen_ellipsis {
                let span = self.tok().span;
                self.push_error(
                    SyntaxError::new(span, "no list elements may follow '...'")
                        .with_related(e, "the list is opened here"),
                );
            }
            let expr = match self.kind() {
                T::Ellipsis => {
                    self.bump();
                    let ty = if matches!(self.kind(), T::Comma | T::AutoComma | T::RBrack) {
                        None
                    } else {
                        Some(Box::new(self.parse_expr()))
                    };
                    let span = start.to(Span::at(self.prev_end()));
                    seen_ellipsis = Some(span);
                    Expr::new(ExprKind::Ellipsis(ty), span)
                }
                T::For | T::If if !matches!(self.peek(1), T::Comma | T::AutoComma | T::RBrack) => {
                    self.parse_comprehension()
                }
                T::Ident if self.at_try_clause() => self.parse_comprehension(),
                _ => {
                    let e = self.parse_expr();
                    self.parse_alias(e)
                }
            };
            let end = expr.span.end.max(self.prev_end());
            let mut inner = self.take_comments(end);
            match self.kind() {
                T::Comma | T::AutoComma => {
                    self.bump();
                }
                T::RBrack => {}
                _ => {
                    let msg = format!("missing ',' in list literal, found {}", self.found());
                    let span = self.tok().span;
                    self.error(span, msg);
                    self.sync();
                }
            }
            let trailing = self.take_trailing(end);
            let mut all = leading;
            all.append(&mut inner);
            elems.push(ListElem {
                expr,
                comments: Comments {
                    leading: all,
                    trailing,
                },
                newlines_before,
            });
            if self.pos == before {
                self.bump();
            }
        }
        let trailing_comments = self.take_comments(self.tok().span.start);
        let close = self.expect_closing(T::RBrack, open, "list");
        self.leave();
        Expr::new(
            ExprKind::List(ListLit {
                elems,
                trailing_comments,
            }),
            open.to(close),
        )
    }
}

fn truncate(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

fn binary_op(k: T) -> BinaryOp {
    match k {
        T::Or => BinaryOp::Disj,
        T::And => BinaryOp::Conj,
        T::LOr => BinaryOp::LOr,
        T::LAnd => BinaryOp::LAnd,
        T::Eql => BinaryOp::Eql,
        T::Neq => BinaryOp::Neq,
        T::Lss => BinaryOp::Lss,
        T::Leq => BinaryOp::Leq,
        T::Gtr => BinaryOp::Gtr,
        T::Geq => BinaryOp::Geq,
        T::Mat => BinaryOp::Mat,
        T::NMat => BinaryOp::NMat,
        T::Add => BinaryOp::Add,
        T::Sub => BinaryOp::Sub,
        T::Mul => BinaryOp::Mul,
        T::Quo => BinaryOp::Quo,
        _ => unreachable!("not a binary operator: {k:?}"),
    }
}

/// The quoting of a string literal or interpolation start, from its raw text.
pub(crate) fn quote_of(raw: &str) -> Quote {
    let hashes = raw.bytes().take_while(|&b| b == b'#').count();
    let rest = &raw.as_bytes()[hashes..];
    let ch = rest.first().copied().unwrap_or(b'"');
    let count = if rest.len() >= 3 && rest[1] == ch && rest[2] == ch && raw.len() > hashes * 2 + 3 {
        3
    } else {
        1
    };
    // `""` (empty) and `#"""#` (a quote) are single-line; multi-line needs a newline.
    let count = if count == 3 && !raw[hashes + 3..].starts_with(['\n', '\r']) {
        1
    } else {
        count
    };
    Quote {
        ch,
        count,
        hashes: hashes as u32,
    }
}

fn valid_import_path(raw: &str) -> bool {
    const ILLEGAL: &str = "!\"#$%&'()*,:;<=>?[\\]^{|}`\u{FFFD}";
    let Some(s) = super::literal::unquote_simple(raw) else {
        return false;
    };
    let s = match s.rfind(':') {
        Some(i) => &s[..i],
        None => &s[..],
    };
    !s.is_empty()
        && s.chars()
            .all(|c| !c.is_control() && !c.is_whitespace() && !ILLEGAL.contains(c))
}
