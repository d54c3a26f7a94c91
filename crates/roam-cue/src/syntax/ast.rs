//! The abstract syntax tree.
//!
//! The tree is source-faithful: literals keep their raw text, every node has a
//! [`Span`], and comments are attached to the declaration (struct field, list
//! element, file-level declaration) they precede, or follow on the same line.
//! [`Decl::doc`] gives the doc comment directly above a field, which is where
//! KubeVela-style markers such as `// +patchKey=name` and `// +usage=...` live.

use super::scanner::Quote;
use crate::source::Span;

/// A `//` comment.
#[derive(Clone, Debug)]
pub struct Comment {
    /// The text including the leading `//`, without the newline.
    pub text: String,
    pub span: Span,
    /// Newlines between the previous token or comment and this comment
    /// (0: on the same line; 2 or more: a blank line precedes it).
    pub newlines_before: u32,
}

impl Comment {
    /// The comment text without `//` and one optional leading space.
    pub fn body(&self) -> &str {
        let t = self.text.strip_prefix("//").unwrap_or(&self.text);
        t.strip_prefix(' ').unwrap_or(t)
    }
}

/// Comments attached to a declaration or list element.
#[derive(Clone, Debug, Default)]
pub struct Comments {
    /// Comments before the node (and comments found inside it that could not
    /// be attached anywhere closer), in source order.
    pub leading: Vec<Comment>,
    /// A comment on the same line, after the node.
    pub trailing: Option<Comment>,
}

impl Comments {
    pub fn is_empty(&self) -> bool {
        self.leading.is_empty() && self.trailing.is_none()
    }
}

/// A parsed file.
#[derive(Clone, Debug)]
pub struct File {
    pub name: String,
    /// Attributes before the package clause, the package clause, imports and
    /// the declarations, in source order.
    pub decls: Vec<Decl>,
    /// Comments after the last declaration.
    pub trailing_comments: Vec<Comment>,
    pub span: Span,
}

impl File {
    pub fn package(&self) -> Option<&Ident> {
        self.decls.iter().find_map(|d| match &d.kind {
            DeclKind::Package(name) => Some(name),
            _ => None,
        })
    }

    pub fn imports(&self) -> impl Iterator<Item = &ImportSpec> {
        self.decls.iter().flat_map(|d| match &d.kind {
            DeclKind::Import(i) => i.specs.as_slice(),
            _ => &[],
        })
    }

    /// File-level attributes, such as `@experiment(try)` or `@if(prod)`.
    pub fn attributes(&self) -> impl Iterator<Item = &Attribute> {
        self.decls.iter().filter_map(|d| match &d.kind {
            DeclKind::Attribute(a) => Some(a),
            _ => None,
        })
    }
}

/// A declaration in a file or struct, with its comments.
#[derive(Clone, Debug)]
pub struct Decl {
    pub kind: DeclKind,
    pub span: Span,
    pub comments: Comments,
    /// Newlines between the previous token or comment and the first token of
    /// the declaration itself.
    pub newlines_before: u32,
}

impl Decl {
    pub fn new(kind: DeclKind, span: Span) -> Decl {
        Decl {
            kind,
            span,
            comments: Comments::default(),
            newlines_before: 0,
        }
    }

    /// The doc comment: the block of `//` lines directly above the declaration,
    /// with no blank line between them or between the block and the declaration.
    pub fn doc(&self) -> &[Comment] {
        let lead = &self.comments.leading;
        if self.newlines_before != 1 {
            return &[];
        }
        let mut start = lead.len();
        while start > 0 {
            let c = &lead[start - 1];
            if c.newlines_before == 0 {
                // On the line of the previous token: not part of this doc block.
                break;
            }
            start -= 1;
            if c.newlines_before > 1 {
                // A blank line above: the block starts here.
                break;
            }
        }
        &lead[start..]
    }

    /// The doc comment as text, one line per comment, `//` removed.
    pub fn doc_text(&self) -> String {
        self.doc()
            .iter()
            .map(Comment::body)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[derive(Clone, Debug)]
pub enum DeclKind {
    /// `package name`
    Package(Ident),
    /// `import "path"` or `import ( ... )`
    Import(ImportDecl),
    /// `label: value`, `label?: value`, `label!: value`, `[pattern]: value`, ...
    Field(Box<Field>),
    /// `let x = expr`
    Let(LetClause),
    /// An embedded expression, including comprehensions.
    Embed(Expr),
    /// `...` or `...T` in a struct.
    Ellipsis(Option<Box<Expr>>),
    /// An attribute declaration, `@name(...)`.
    Attribute(Attribute),
    /// An old-style alias declaration `X = expr` (rejected by the compiler).
    Alias(Ident, Expr),
    /// A declaration that failed to parse (an error was reported).
    Bad,
}

#[derive(Clone, Debug)]
pub struct ImportDecl {
    /// `import ( ... )` rather than `import "..."`.
    pub grouped: bool,
    pub specs: Vec<ImportSpec>,
    /// Comments before the closing parenthesis of a grouped import.
    pub trailing_comments: Vec<Comment>,
}

#[derive(Clone, Debug)]
pub struct ImportSpec {
    pub name: Option<Ident>,
    /// The raw path literal, quotes included.
    pub path: BasicLit,
    pub span: Span,
    pub comments: Comments,
}

impl ImportSpec {
    /// The import path without quotes and without a `:pkg` qualifier.
    pub fn path_value(&self) -> String {
        let s = super::literal::unquote_simple(&self.path.raw).unwrap_or_default();
        match s.rfind(':') {
            Some(i) => s[..i].to_string(),
            None => s,
        }
    }
}

/// The optionality marker of a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Constraint {
    #[default]
    Regular,
    /// `?`
    Optional,
    /// `!`
    Required,
}

#[derive(Clone, Debug)]
pub struct Field {
    pub label: Label,
    pub constraint: Constraint,
    /// Span of the `?` or `!` marker, if any.
    pub constraint_span: Option<Span>,
    pub value: Expr,
    pub attrs: Vec<Attribute>,
}

/// A field label with an optional alias.
#[derive(Clone, Debug)]
pub struct Label {
    pub kind: LabelKind,
    /// `X=label` (prefix alias).
    pub alias: Option<Ident>,
    /// `label~X` or `label~(K,V)` (postfix alias, aliasv2 experiment).
    pub postfix_alias: Option<Box<PostfixAlias>>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum LabelKind {
    /// `name`, `#Def`, `_hidden`, keywords used as labels (`if`, `for`, ...).
    Ident(Ident),
    /// `"quoted"` (possibly interpolated, which makes the field dynamic),
    /// or a keyword literal `null`, `true`, `false`.
    String(Box<Expr>),
    /// `(expr)`: a dynamic label. The expression may be an alias `(X=expr)`.
    Paren(Box<Expr>),
    /// `[expr]`: a pattern constraint. The expression may be an alias `[X=expr]`.
    Pattern(Box<Expr>),
}

#[derive(Clone, Debug)]
pub struct PostfixAlias {
    /// `~X` has only `value`; `~(K,V)` has both.
    pub label: Option<Ident>,
    pub value: Option<Ident>,
    /// `~(X)`: the parenthesised single form.
    pub parens: bool,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct LetClause {
    pub name: Ident,
    pub value: Expr,
}

/// `@name(body)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// The raw text, `@` through the closing `)`.
    pub text: String,
    pub span: Span,
}

impl Attribute {
    pub fn name(&self) -> &str {
        let t = &self.text[1..];
        let end = t.find('(').unwrap_or(t.len());
        &t[..end]
    }

    /// The text between the parentheses.
    pub fn body(&self) -> &str {
        let t = &self.text;
        match (t.find('('), t.rfind(')')) {
            (Some(a), Some(b)) if b > a => &t[a + 1..b],
            _ => "",
        }
    }

    /// The body split at top-level commas, each part trimmed.
    pub fn args(&self) -> Vec<&str> {
        split_top_level(self.body())
    }
}

/// Splits attribute text at commas that are not inside brackets or strings.
pub fn split_top_level(body: &str) -> Vec<&str> {
    let b = body.as_bytes();
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b',' if depth == 0 => {
                parts.push(body[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let last = body[start.min(body.len())..].trim();
    if !last.is_empty() || !parts.is_empty() {
        parts.push(last);
    }
    parts
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

impl Ident {
    pub fn new(name: impl Into<String>, span: Span) -> Ident {
        Ident {
            name: name.into(),
            span,
        }
    }

    pub fn is_definition(&self) -> bool {
        self.name.starts_with('#') || self.name.starts_with("_#")
    }

    pub fn is_hidden(&self) -> bool {
        self.name.starts_with('_') && self.name != "_"
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LitKind {
    Null,
    True,
    False,
    Int,
    Float,
    String,
    Bytes,
}

/// A literal, kept as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BasicLit {
    pub kind: LitKind,
    pub raw: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `+x`
    Pos,
    /// `-x`
    Neg,
    /// `!x`
    Not,
    /// `*x`: a default marker.
    Default,
    /// `<x`
    Lss,
    /// `<=x`
    Leq,
    /// `>x`
    Gtr,
    /// `>=x`
    Geq,
    /// `!=x`
    Neq,
    /// `==x`
    Eql,
    /// `=~x`
    Mat,
    /// `!~x`
    NMat,
}

impl UnaryOp {
    pub fn as_str(self) -> &'static str {
        match self {
            UnaryOp::Pos => "+",
            UnaryOp::Neg => "-",
            UnaryOp::Not => "!",
            UnaryOp::Default => "*",
            UnaryOp::Lss => "<",
            UnaryOp::Leq => "<=",
            UnaryOp::Gtr => ">",
            UnaryOp::Geq => ">=",
            UnaryOp::Neq => "!=",
            UnaryOp::Eql => "==",
            UnaryOp::Mat => "=~",
            UnaryOp::NMat => "!~",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Disj,
    Conj,
    LOr,
    LAnd,
    Eql,
    Neq,
    Lss,
    Leq,
    Gtr,
    Geq,
    Mat,
    NMat,
    Add,
    Sub,
    Mul,
    Quo,
}

impl BinaryOp {
    pub fn as_str(self) -> &'static str {
        use BinaryOp::*;
        match self {
            Disj => "|",
            Conj => "&",
            LOr => "||",
            LAnd => "&&",
            Eql => "==",
            Neq => "!=",
            Lss => "<",
            Leq => "<=",
            Gtr => ">",
            Geq => ">=",
            Mat => "=~",
            NMat => "!~",
            Add => "+",
            Sub => "-",
            Mul => "*",
            Quo => "/",
        }
    }

    /// Binding strength; higher binds tighter.
    pub fn precedence(self) -> u8 {
        use BinaryOp::*;
        match self {
            Disj => 1,
            Conj => 2,
            LOr => 3,
            LAnd => 4,
            Eql | Neq | Lss | Leq | Gtr | Geq | Mat | NMat => 5,
            Add | Sub => 6,
            Mul | Quo => 7,
        }
    }
}

/// A piece of an interpolated string.
#[derive(Clone, Debug)]
pub enum InterpPart {
    /// Raw source text of a literal fragment, including the delimiters that
    /// belong to it (`"a \(`, `) b \(`, `) c"`).
    Lit(String, Span),
    Expr(Expr),
}

#[derive(Clone, Debug)]
pub struct Interpolation {
    pub quote: Quote,
    pub parts: Vec<InterpPart>,
}

#[derive(Clone, Debug)]
pub struct StructLit {
    /// False for the implicit struct of `a: b: c` shorthand.
    pub braces: bool,
    pub decls: Vec<Decl>,
    /// Comments before the closing brace.
    pub trailing_comments: Vec<Comment>,
}

/// An element of a list literal with its comments.
#[derive(Clone, Debug)]
pub struct ListElem {
    pub expr: Expr,
    pub comments: Comments,
    pub newlines_before: u32,
}

#[derive(Clone, Debug)]
pub struct ListLit {
    /// The elements; a trailing `...` or `...T` is an [`ExprKind::Ellipsis`].
    pub elems: Vec<ListElem>,
    pub trailing_comments: Vec<Comment>,
}

#[derive(Clone, Debug)]
pub enum Clause {
    /// `for k, v in src` (`key` is `None` for `for v in src`).
    For {
        key: Option<Ident>,
        value: Ident,
        source: Expr,
        span: Span,
    },
    /// `if cond`
    If { cond: Expr, span: Span },
    /// `let x = e`
    Let {
        name: Ident,
        value: Expr,
        span: Span,
    },
    /// `try x = e` (try experiment), or `try` in struct form (`name` and `value` absent).
    Try {
        name: Option<Ident>,
        value: Option<Expr>,
        span: Span,
    },
}

#[derive(Clone, Debug)]
pub struct Comprehension {
    pub clauses: Vec<Clause>,
    /// The body; always a braced struct.
    pub body: Box<Expr>,
    /// `else { ... }`, `fallback { ... }` or `otherwise { ... }` (experiments).
    pub fallback: Option<(String, Box<Expr>)>,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    /// An identifier reference, including `_` (top).
    Ident(Ident),
    /// `_|_`
    Bottom,
    Lit(BasicLit),
    Interpolation(Interpolation),
    Struct(StructLit),
    List(ListLit),
    /// `...` or `...T` as the last list element.
    Ellipsis(Option<Box<Expr>>),
    Paren(Box<Expr>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `x.sel` or `x."sel"`.
    Selector(Box<Expr>, Box<Label>),
    Index(Box<Expr>, Box<Expr>),
    /// `x[lo:hi]`
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    Call(Box<Expr>, Vec<Expr>),
    Comprehension(Comprehension),
    /// `X=expr` in a value position or inside `(...)`/`[...]` labels.
    Alias(Ident, Box<Expr>),
    /// `x?`: an optional reference (try experiment).
    OptionalRef(Box<Expr>),
    /// `x...`: postfix open (explicitopen experiment).
    PostfixOpen(Box<Expr>),
    /// An expression that failed to parse (an error was reported).
    Bad,
}
