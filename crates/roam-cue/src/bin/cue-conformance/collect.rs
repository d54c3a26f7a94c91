//! Collecting the `@test(...)` attributes of an archive into assertions.
//!
//! The walk mirrors upstream's `extractTestAttrs`
//! (`internal/cuetxtar/inline_attr.go`): file-level declaration attributes
//! check the whole file; from each top-level field with a static label the
//! runner follows field attributes and, while field values are struct
//! literals, declaration attributes and nested fields. `@test` attributes in
//! a struct literal that is an operand of a binary expression (`X & {f: 1
//! @test(...)}`) are an error upstream. Anything else (inside comprehensions,
//! lists, let clauses, below dynamic or pattern labels) is never run upstream;
//! such attributes are still collected here and later skipped, so that every
//! `@test` in the suite is accounted for.

use crate::suite::{LoadedArchive, ParseStats};
use roam_cue::syntax::Parsed;
use roam_cue::syntax::ast::{
    Attribute, Clause, Decl, DeclKind, Expr, ExprKind, InterpPart, Label, LabelKind, LitKind,
};
use roam_cue::syntax::literal;
use roam_cue::testattr::{self, Directive, TestAttr};
use roam_cue::{SourceFile, Span};
use std::sync::Arc;
use std::time::Instant;

/// Where a `@test` attribute sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// A field attribute: `f: v @test(...)`.
    Field,
    /// A declaration attribute inside a struct: `f: { @test(...) }`.
    Struct,
    /// A declaration attribute at file level: checks the whole file's value.
    File,
    /// Inside the expected value of an `@test(eq, ...)`.
    EqBody,
}

/// The parsed expected expression of `@test(eq, <expr>)`.
pub struct Expected {
    /// Positioned like the original file; see [`roam_cue::testattr::parse_expr_at`].
    pub source: Arc<SourceFile>,
    pub parsed: Parsed<Expr>,
    /// Byte offset of the expression in the original file.
    pub file_offset: u32,
}

impl Expected {
    /// Maps a span of [`Expected::source`] to the original file (the
    /// expression is a verbatim slice of it, after the padding).
    pub fn to_file_span(&self, span: Span, expr_len: usize) -> Span {
        let pad = (self.source.text().len() - expr_len) as u32;
        let map = |o: u32| self.file_offset + o.saturating_sub(pad);
        Span::new(map(span.start), map(span.end))
    }
}

/// One `@test` attribute and what it is attached to.
pub struct Assertion {
    /// Index of the file in [`LoadedArchive::files`].
    pub file: usize,
    /// The CUE path of the annotated value (empty: the whole file).
    pub path: Vec<String>,
    pub placement: Placement,
    /// Line and column of the attribute in its file.
    pub line: u32,
    pub col: u32,
    /// The attribute as written.
    pub text: String,
    pub attr: TestAttr,
    /// For `eq` and `leq` with an expression.
    pub expected: Option<Expected>,
    /// Problems found while collecting that make the assertion fail whatever
    /// the evaluator says (e.g. a directive that has no effect in an eq body).
    pub problems: Vec<String>,
    /// Why upstream's runner never runs this attribute, if it does not.
    pub unreachable: Option<&'static str>,
}

impl Assertion {
    pub fn path_string(&self) -> String {
        if self.path.is_empty() {
            "(file)".to_string()
        } else {
            self.path.join(".")
        }
    }

    pub fn location(&self, archive: &LoadedArchive) -> String {
        format!(
            "{}:{}:{}",
            archive.files[self.file].source.name(),
            self.line,
            self.col
        )
    }

    pub fn directive(&self) -> &'static str {
        self.attr.directive.name()
    }
}

/// The assertions of an archive and the runner errors met collecting them.
#[derive(Default)]
pub struct Collected {
    pub assertions: Vec<Assertion>,
    /// Malformed or misplaced `@test` attributes, as `file:line:col: message`.
    pub errors: Vec<String>,
    /// Attributes or arguments that upstream's runner silently ignores.
    pub warnings: Vec<String>,
}

impl Collected {
    /// Whether any `.cue` file holds a `@test` attribute (upstream's inline mode).
    pub fn is_inline(&self) -> bool {
        !self.assertions.is_empty() || !self.errors.is_empty()
    }
}

pub fn collect(archive: &LoadedArchive, stats: &mut ParseStats) -> Collected {
    let mut c = Collector {
        archive,
        stats,
        out: Collected::default(),
        file: 0,
    };
    for (i, f) in archive.files.iter().enumerate() {
        c.file = i;
        c.walk_decls(&f.parsed.value.decls, &mut Vec::new(), true);
    }
    c.out
}

/// How upstream's runner treats attributes found in some position.
#[derive(Clone, Copy)]
enum Reach {
    Run,
    Never(&'static str),
    Error(&'static str),
}

struct Collector<'a> {
    archive: &'a LoadedArchive,
    stats: &'a mut ParseStats,
    out: Collected,
    file: usize,
}

impl Collector<'_> {
    /// A struct body (or the file) on a path the upstream runner walks.
    fn walk_decls(&mut self, decls: &[Decl], path: &mut Vec<String>, top: bool) {
        for d in decls {
            match &d.kind {
                DeclKind::Attribute(a) => {
                    let placement = if top {
                        Placement::File
                    } else {
                        Placement::Struct
                    };
                    self.record(a, path, placement, Reach::Run);
                }
                DeclKind::Field(f) => {
                    let (seg, is_static) = label_segment(&f.label);
                    path.push(seg);
                    if is_static {
                        for a in &f.attrs {
                            self.record(a, path, Placement::Field, Reach::Run);
                        }
                        match &f.value.kind {
                            ExprKind::Struct(s) => self.walk_decls(&s.decls, path, false),
                            _ => self.scan_operands(&f.value, path, false),
                        }
                    } else {
                        const WHY: &str = "below a dynamic or pattern label";
                        for a in &f.attrs {
                            self.record(a, path, Placement::Field, Reach::Never(WHY));
                        }
                        self.never(&f.value, path, WHY);
                    }
                    path.pop();
                }
                DeclKind::Embed(e) => self.scan_operands(e, path, false),
                DeclKind::Let(l) => {
                    path.push(l.name.name.clone());
                    self.never(&l.value, path, "inside a let clause");
                    path.pop();
                }
                DeclKind::Ellipsis(Some(e)) => self.never(e, path, "inside an ellipsis"),
                DeclKind::Alias(_, e) => self.never(e, path, "inside an alias declaration"),
                DeclKind::Ellipsis(None)
                | DeclKind::Package(_)
                | DeclKind::Import(_)
                | DeclKind::Bad => {}
            }
        }
    }

    /// A field value or embedding that is not a struct literal: struct
    /// literals among the operands of binary expressions are an error
    /// upstream; everything else is never reached.
    fn scan_operands(&mut self, e: &Expr, path: &mut Vec<String>, in_operand: bool) {
        match &e.kind {
            ExprKind::Binary(_, l, r) => {
                self.scan_operands(l, path, true);
                self.scan_operands(r, path, true);
            }
            ExprKind::Paren(x) => self.scan_operands(x, path, in_operand),
            ExprKind::Struct(s) if in_operand => {
                const WHY: &str = "@test in a struct literal that is an operand of a binary expression \
                                   (X & {...}) is not reachable by the test runner; place it after the field \
                                   value or as a declaration attribute of the enclosing struct";
                for d in &s.decls {
                    match &d.kind {
                        DeclKind::Attribute(a) => {
                            self.record(a, path, Placement::Struct, Reach::Error(WHY))
                        }
                        DeclKind::Field(f) => {
                            let (seg, _) = label_segment(&f.label);
                            path.push(seg);
                            for a in &f.attrs {
                                self.record(a, path, Placement::Field, Reach::Error(WHY));
                            }
                            self.scan_operands(&f.value, path, true);
                            path.pop();
                        }
                        _ => self.never_decl(d, path, "inside an operand of a binary expression"),
                    }
                }
            }
            ExprKind::Struct(_) => self.never(e, path, "inside a parenthesized or embedded struct"),
            ExprKind::Comprehension(_) => self.never(e, path, "inside a comprehension"),
            ExprKind::List(_) => self.never(e, path, "inside a list"),
            _ => self.never(e, path, "inside an expression"),
        }
    }

    fn never(&mut self, e: &Expr, path: &mut Vec<String>, why: &'static str) {
        let mut found = Vec::new();
        visit_expr(e, path, &mut |a, p, is_decl| {
            found.push((a.clone(), p.to_vec(), is_decl))
        });
        for (a, p, is_decl) in found {
            let placement = if is_decl {
                Placement::Struct
            } else {
                Placement::Field
            };
            self.record(&a, &p, placement, Reach::Never(why));
        }
    }

    fn never_decl(&mut self, d: &Decl, path: &mut Vec<String>, why: &'static str) {
        let mut found = Vec::new();
        visit_decls(std::slice::from_ref(d), path, &mut |a, p, is_decl| {
            found.push((a.clone(), p.to_vec(), is_decl))
        });
        for (a, p, is_decl) in found {
            let placement = if is_decl {
                Placement::Struct
            } else {
                Placement::Field
            };
            self.record(&a, &p, placement, Reach::Never(why));
        }
    }

    fn error_at(&mut self, source: &SourceFile, offset: u32, msg: impl std::fmt::Display) {
        self.out.errors.push(format!(
            "{}:{}: {msg}",
            source.name(),
            source.line_col(offset)
        ));
    }

    fn warn_at(&mut self, source: &SourceFile, offset: u32, msg: impl std::fmt::Display) {
        self.out.warnings.push(format!(
            "{}:{}: {msg}",
            source.name(),
            source.line_col(offset)
        ));
    }

    fn attr_warnings(&mut self, source: &SourceFile, a: &Attribute, attr: &TestAttr) {
        for w in &attr.warnings {
            self.warn_at(source, a.span.start + w.offset, &w.message);
        }
    }

    fn record(&mut self, a: &Attribute, path: &[String], placement: Placement, reach: Reach) {
        if !testattr::is_test_attr(a) {
            return;
        }
        let source = self.archive.files[self.file].source.clone();
        let attr = match testattr::parse_attribute(a) {
            Ok(attr) => attr,
            Err(e) => {
                self.error_at(
                    &source,
                    a.span.start + e.offset,
                    format_args!("malformed @test attribute: {e}"),
                );
                return;
            }
        };
        self.attr_warnings(&source, a, &attr);
        let unreachable = match reach {
            Reach::Run => None,
            Reach::Never(why) => Some(why),
            Reach::Error(msg) => {
                self.error_at(&source, a.span.start, msg);
                return;
            }
        };
        if attr.directive.is_eq_body_only() && !matches!(attr.directive, Directive::ShareId { .. })
        {
            // Upstream reports these as unknown directives where it reaches them.
            let name = attr.directive.name();
            self.warn_at(
                &source,
                a.span.start,
                format_args!("@test({name}) has no effect outside an @test(eq, ...) body"),
            );
            return;
        }
        let lc = source.line_col(a.span.start);
        let mut assertion = Assertion {
            file: self.file,
            path: path.to_vec(),
            placement,
            line: lc.line,
            col: lc.col,
            text: a.text.clone(),
            attr,
            expected: None,
            problems: Vec::new(),
            unreachable,
        };
        let mut nested = Vec::new();
        if let Directive::Eq {
            expr: Some(expr), ..
        }
        | Directive::Leq { expr: Some(expr) } = &assertion.attr.directive
        {
            let expr = expr.clone();
            let t = Instant::now();
            let (src, parsed) = expr.parse(&source, a.span.start);
            self.stats.time += t.elapsed();
            self.stats.exprs += 1;
            self.stats.expr_bytes += expr.text.len();
            nested = self.eq_body(&src, &parsed.value, &mut assertion);
            let file_offset = a.span.start + expr.offset;
            assertion.expected = Some(Expected {
                source: src,
                parsed,
                file_offset,
            });
        }
        self.out.assertions.push(assertion);
        self.out.assertions.extend(nested);
    }

    /// Checks the `@test` attributes inside an expected value; returns the
    /// `shareID` annotations as assertions of their own.
    fn eq_body(
        &mut self,
        src: &Arc<SourceFile>,
        expected: &Expr,
        eq: &mut Assertion,
    ) -> Vec<Assertion> {
        let mut found = Vec::new();
        let mut path = eq.path.clone();
        visit_expr(expected, &mut path, &mut |a, p, is_decl| {
            if testattr::is_test_attr(a) {
                found.push((a.clone(), p.to_vec(), is_decl));
            }
        });
        let mut out = Vec::new();
        for (a, p, is_decl) in found {
            let attr = match testattr::parse_attribute(&a) {
                Ok(attr) => attr,
                Err(e) => {
                    self.error_at(
                        src,
                        a.span.start + e.offset,
                        format_args!("malformed @test attribute: {e}"),
                    );
                    continue;
                }
            };
            self.attr_warnings(src, &a, &attr);
            let lc = src.line_col(a.span.start);
            if !attr.directive.is_allowed_in_eq_body() && is_decl {
                // Upstream ignores unsupported declaration attributes here.
                let name = attr.directive.name();
                self.warn_at(
                    src,
                    a.span.start,
                    format_args!("@test({name}) in an @test(eq, ...) body has no effect"),
                );
                continue;
            }
            if !attr.directive.is_allowed_in_eq_body() {
                // Upstream fails the eq for unsupported field attributes.
                eq.problems.push(format!(
                    "{}:{lc}: @test({}) in an @test(eq, ...) body has no effect",
                    src.name(),
                    attr.directive.name()
                ));
                continue;
            }
            if matches!(attr.directive, Directive::ShareId { .. }) {
                out.push(Assertion {
                    file: eq.file,
                    path: p,
                    placement: Placement::EqBody,
                    line: lc.line,
                    col: lc.col,
                    text: a.text.clone(),
                    attr,
                    expected: None,
                    problems: Vec::new(),
                    unreachable: eq.unreachable,
                });
            }
        }
        out
    }
}

/// A path segment for a label, and whether the label is static.
fn label_segment(label: &Label) -> (String, bool) {
    match &label.kind {
        LabelKind::Ident(id) => (id.name.clone(), true),
        LabelKind::String(e) => match &e.kind {
            ExprKind::Lit(l) if l.kind == LitKind::String => {
                match literal::unquote_simple(&l.raw) {
                    Some(s) if is_identifier(&s) => (s, true),
                    Some(s) => (format!("{s:?}"), true),
                    None => (l.raw.clone(), true),
                }
            }
            ExprKind::Lit(l) => (l.raw.clone(), true),
            _ => ("(dynamic)".to_string(), false),
        },
        LabelKind::Paren(_) => ("(dynamic)".to_string(), false),
        LabelKind::Pattern(_) => ("[pattern]".to_string(), false),
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphabetic() || matches!(c, '_' | '#' | '$'))
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '$'))
}

/// Calls `f` for every attribute of a field or declaration list anywhere
/// below `e`, with the path to it and whether it is a declaration attribute.
pub fn visit_expr(
    e: &Expr,
    path: &mut Vec<String>,
    f: &mut dyn FnMut(&Attribute, &[String], bool),
) {
    match &e.kind {
        ExprKind::Ident(_)
        | ExprKind::Bottom
        | ExprKind::Lit(_)
        | ExprKind::Bad
        | ExprKind::Ellipsis(None) => {}
        ExprKind::Interpolation(i) => {
            for p in &i.parts {
                if let InterpPart::Expr(x) = p {
                    visit_expr(x, path, f);
                }
            }
        }
        ExprKind::Struct(s) => visit_decls(&s.decls, path, f),
        ExprKind::List(l) => {
            for (i, el) in l.elems.iter().enumerate() {
                path.push(i.to_string());
                visit_expr(&el.expr, path, f);
                path.pop();
            }
        }
        ExprKind::Ellipsis(Some(x))
        | ExprKind::Paren(x)
        | ExprKind::Unary(_, x)
        | ExprKind::OptionalRef(x)
        | ExprKind::PostfixOpen(x)
        | ExprKind::Alias(_, x)
        | ExprKind::Selector(x, _) => visit_expr(x, path, f),
        ExprKind::Binary(_, a, b) | ExprKind::Index(a, b) => {
            visit_expr(a, path, f);
            visit_expr(b, path, f);
        }
        ExprKind::Slice(a, lo, hi) => {
            visit_expr(a, path, f);
            for x in [lo, hi].into_iter().flatten() {
                visit_expr(x, path, f);
            }
        }
        ExprKind::Call(func, args) => {
            visit_expr(func, path, f);
            for x in args {
                visit_expr(x, path, f);
            }
        }
        ExprKind::Comprehension(c) => {
            for clause in &c.clauses {
                match clause {
                    Clause::For { source, .. } => visit_expr(source, path, f),
                    Clause::If { cond, .. } => visit_expr(cond, path, f),
                    Clause::Let { value, .. } => visit_expr(value, path, f),
                    Clause::Try { value, .. } => {
                        if let Some(v) = value {
                            visit_expr(v, path, f);
                        }
                    }
                }
            }
            visit_expr(&c.body, path, f);
            if let Some((_, fb)) = &c.fallback {
                visit_expr(fb, path, f);
            }
        }
    }
}

/// [`visit_expr`] for a declaration list.
pub fn visit_decls(
    decls: &[Decl],
    path: &mut Vec<String>,
    f: &mut dyn FnMut(&Attribute, &[String], bool),
) {
    for d in decls {
        match &d.kind {
            DeclKind::Attribute(a) => f(a, path, true),
            DeclKind::Field(fl) => {
                let (seg, _) = label_segment(&fl.label);
                path.push(seg);
                if let LabelKind::Paren(x) | LabelKind::Pattern(x) | LabelKind::String(x) =
                    &fl.label.kind
                {
                    visit_expr(x, path, f);
                }
                for a in &fl.attrs {
                    f(a, path, false);
                }
                visit_expr(&fl.value, path, f);
                path.pop();
            }
            DeclKind::Let(l) => {
                path.push(l.name.name.clone());
                visit_expr(&l.value, path, f);
                path.pop();
            }
            DeclKind::Embed(e) | DeclKind::Alias(_, e) => visit_expr(e, path, f),
            DeclKind::Ellipsis(Some(e)) => visit_expr(e, path, f),
            DeclKind::Ellipsis(None)
            | DeclKind::Package(_)
            | DeclKind::Import(_)
            | DeclKind::Bad => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect_text(cue: &str) -> (LoadedArchive, Collected) {
        let mut stats = ParseStats::default();
        let a = LoadedArchive::from_text(
            "t/testdata/x.txtar".into(),
            &format!("-- in.cue --\n{cue}"),
            &mut stats,
        );
        let c = collect(&a, &mut stats);
        (a, c)
    }

    fn summary(c: &Collected) -> Vec<String> {
        c.assertions
            .iter()
            .map(|a| {
                let mut s = format!("{} {} {:?}", a.path_string(), a.directive(), a.placement);
                if let Some(why) = a.unreachable {
                    s += &format!(" never({why})");
                }
                s
            })
            .collect()
    }

    #[test]
    fn walks_like_upstream() {
        let (_, c) = collect_text(
            r#"
@test(eq, {a: 1})
a: 1 @test(eq, 1)
b: {
	@test(eq, {c: 2})
	c: 2 @test(kind=int)
	"d e": 3 @test(eq, 3)
	d: x: 1 @test(eq, 1)
}
e: {f: 1} & {g: 2}
if true { h: 1 @test(eq, 1) }
l: [{i: 1 @test(eq, 1)}]
(k): 1 @test(eq, 1)
let m = {n: 1 @test(eq, 1)}
o: {x: 1} @test(eq, {x: 1 @test(shareID=A)}) @test(desc="d")
"#,
        );
        assert!(c.errors.is_empty(), "{:?}", c.errors);
        assert_eq!(
            summary(&c),
            [
                "(file) eq File",
                "a eq Field",
                "b eq Struct",
                "b.c kind Field",
                "b.\"d e\" eq Field",
                "b.d.x eq Field",
                "h eq Field never(inside a comprehension)",
                "l.0.i eq Field never(inside a list)",
                "(dynamic) eq Field never(below a dynamic or pattern label)",
                "m.n eq Field never(inside a let clause)",
                "o eq Field",
                "o.x shareID EqBody",
                "o desc Field",
            ]
        );
        let o = &c.assertions[10];
        assert!(o.expected.as_ref().unwrap().parsed.is_ok());
        assert_eq!((o.line, o.col), (15, 11));
    }

    #[test]
    fn reports_runner_errors_with_positions() {
        let (_, c) = collect_text(
            "a: 1 @test(eq, 1)\nb: 2 @test(frob)\nc: X & {d: 1 @test(eq, 1)}\ne: 3 @test(ignore)\nf: 4 @test(eq, {g: 5 @test(eq, 5), h: 6 @test(bogus=), @test(eq)})\ni: 5 @test(err, , x)\n",
        );
        assert_eq!(c.errors.len(), 3, "{:#?}", c.errors);
        assert_eq!(c.warnings.len(), 4, "{:#?}", c.warnings);
        assert!(
            c.warnings[0].contains("4:6: @test(ignore) has no effect outside"),
            "{}",
            c.warnings[0]
        );
        assert!(
            c.warnings[1].contains("5:56: @test(eq) in an @test(eq, ...) body has no effect"),
            "{}",
            c.warnings[1]
        );
        assert!(
            c.warnings[2].contains("6:17: @test(err): empty argument ignored"),
            "{}",
            c.warnings[2]
        );
        assert!(
            c.warnings[3].contains("6:19: @test(err): argument \"x\" ignored"),
            "{}",
            c.warnings[3]
        );
        assert!(
            c.errors[0].starts_with("t/testdata/x.txtar/in.cue:2:12: malformed @test attribute"),
            "{}",
            c.errors[0]
        );
        assert!(
            c.errors[1].starts_with("t/testdata/x.txtar/in.cue:3:14: @test in a struct literal"),
            "{}",
            c.errors[1]
        );
        assert!(c.errors[2].contains("5:"), "{}", c.errors[2]);
        let f = c.assertions.iter().find(|a| a.path == ["f"]).unwrap();
        assert_eq!(f.problems.len(), 1);
        assert!(
            f.problems[0].contains("5:22: @test(eq) in an @test(eq, ...) body has no effect"),
            "{:?}",
            f.problems
        );
    }

    #[test]
    fn eq_expression_errors_are_positioned_in_the_file() {
        let (_, c) = collect_text("a: 1\nb: 2 @test(eq, {x: })\n");
        let e = c.assertions[0].expected.as_ref().unwrap();
        assert!(!e.parsed.is_ok());
        let lc = e.source.line_col(e.parsed.errors[0].span.start);
        assert_eq!(lc.line, 2);
    }
}
