//! Structural equality of syntax trees, ignoring positions.
//!
//! Two trees are equal when they have the same nodes with the same names,
//! raw literal text, attributes and comment texts, in the same places.
//! Spans and the newline counts recorded before declarations, list elements
//! and comments are layout, and are ignored. This is what formatting must
//! preserve: `parse(format(x))` equals `parse(x)`.

use super::ast::*;

/// Whether two files are structurally equal.
pub fn file_eq(a: &File, b: &File) -> bool {
    file_diff(a, b).is_none()
}

/// Whether two expressions are structurally equal.
pub fn expr_eq(a: &Expr, b: &Expr) -> bool {
    let mut c = Cmp::default();
    c.expr(a, b);
    c.diff.is_none()
}

/// The first difference between two files, described with a path to it,
/// or `None` when they are equal.
pub fn file_diff(a: &File, b: &File) -> Option<String> {
    let mut c = Cmp::default();
    c.decls(&a.decls, &b.decls);
    c.comments(
        &a.trailing_comments,
        &b.trailing_comments,
        "file trailing comments",
    );
    c.diff
}

#[derive(Default)]
struct Cmp {
    path: Vec<String>,
    diff: Option<String>,
}

impl Cmp {
    fn fail(&mut self, what: impl std::fmt::Display) {
        if self.diff.is_none() {
            self.diff = Some(format!("{}: {what}", self.path.join(" > ")));
        }
    }

    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) -> bool {
        if !ok {
            self.fail(what());
        }
        ok && self.diff.is_none()
    }

    fn comments(&mut self, a: &[Comment], b: &[Comment], what: &str) {
        let ta: Vec<&str> = a.iter().map(|c| c.text.as_str()).collect();
        let tb: Vec<&str> = b.iter().map(|c| c.text.as_str()).collect();
        self.check(ta == tb, || format!("{what} differ: {ta:?} vs {tb:?}"));
    }

    fn node_comments(&mut self, a: &Comments, b: &Comments) {
        self.comments(&a.leading, &b.leading, "leading comments");
        let ta = a.trailing.as_ref().map(|c| c.text.as_str());
        let tb = b.trailing.as_ref().map(|c| c.text.as_str());
        self.check(ta == tb, || {
            format!("trailing comments differ: {ta:?} vs {tb:?}")
        });
    }

    fn decls(&mut self, a: &[Decl], b: &[Decl]) {
        if !self.check(a.len() == b.len(), || {
            format!("{} declarations vs {}", a.len(), b.len())
        }) {
            return;
        }
        for (i, (x, y)) in a.iter().zip(b).enumerate() {
            self.path.push(format!("decl {i}"));
            self.decl(x, y);
            self.path.pop();
            if self.diff.is_some() {
                return;
            }
        }
    }

    fn decl(&mut self, a: &Decl, b: &Decl) {
        self.node_comments(&a.comments, &b.comments);
        match (&a.kind, &b.kind) {
            (DeclKind::Package(x), DeclKind::Package(y)) => self.ident(x, y),
            (DeclKind::Import(x), DeclKind::Import(y)) => {
                self.check(x.grouped == y.grouped, || "import grouping differs".into());
                self.comments(
                    &x.trailing_comments,
                    &y.trailing_comments,
                    "import trailing comments",
                );
                if self.check(x.specs.len() == y.specs.len(), || {
                    "import counts differ".into()
                }) {
                    for (s, t) in x.specs.iter().zip(&y.specs) {
                        self.node_comments(&s.comments, &t.comments);
                        self.check(s.path.raw == t.path.raw, || {
                            format!("import {} vs {}", s.path.raw, t.path.raw)
                        });
                        self.opt_ident(&s.name, &t.name);
                    }
                }
            }
            (DeclKind::Field(x), DeclKind::Field(y)) => self.field(x, y),
            (DeclKind::Let(x), DeclKind::Let(y)) => {
                self.ident(&x.name, &y.name);
                self.expr(&x.value, &y.value);
            }
            (DeclKind::Embed(x), DeclKind::Embed(y)) => self.expr(x, y),
            (DeclKind::Ellipsis(x), DeclKind::Ellipsis(y)) => {
                self.opt_expr(x.as_deref(), y.as_deref())
            }
            (DeclKind::Attribute(x), DeclKind::Attribute(y)) => {
                self.check(x.text == y.text, || {
                    format!("attribute {} vs {}", x.text, y.text)
                });
            }
            (DeclKind::Alias(i, x), DeclKind::Alias(j, y)) => {
                self.ident(i, j);
                self.expr(x, y);
            }
            (DeclKind::Bad, DeclKind::Bad) => {}
            (x, y) => self.fail(format!(
                "declaration kinds differ: {} vs {}",
                decl_name(x),
                decl_name(y)
            )),
        }
    }

    fn field(&mut self, a: &Field, b: &Field) {
        self.label(&a.label, &b.label);
        self.check(a.constraint == b.constraint, || {
            "field constraint differs".into()
        });
        let (ta, tb): (Vec<_>, Vec<_>) = (
            a.attrs.iter().map(|x| &x.text).collect(),
            b.attrs.iter().map(|x| &x.text).collect(),
        );
        self.check(ta == tb, || format!("attributes differ: {ta:?} vs {tb:?}"));
        self.path.push("value".into());
        self.expr(&a.value, &b.value);
        self.path.pop();
    }

    fn label(&mut self, a: &Label, b: &Label) {
        self.opt_ident(&a.alias, &b.alias);
        match (&a.postfix_alias, &b.postfix_alias) {
            (None, None) => {}
            (Some(x), Some(y)) => {
                self.opt_ident(&x.label, &y.label);
                self.opt_ident(&x.value, &y.value);
                self.check(x.parens == y.parens, || "postfix alias form differs".into());
            }
            _ => self.fail("postfix alias present in one only"),
        }
        match (&a.kind, &b.kind) {
            (LabelKind::Ident(x), LabelKind::Ident(y)) => self.ident(x, y),
            (LabelKind::String(x), LabelKind::String(y))
            | (LabelKind::Paren(x), LabelKind::Paren(y))
            | (LabelKind::Pattern(x), LabelKind::Pattern(y)) => self.expr(x, y),
            _ => self.fail("label kinds differ"),
        }
    }

    fn ident(&mut self, a: &Ident, b: &Ident) {
        self.check(a.name == b.name, || {
            format!("identifier {} vs {}", a.name, b.name)
        });
    }

    fn opt_ident(&mut self, a: &Option<Ident>, b: &Option<Ident>) {
        match (a, b) {
            (None, None) => {}
            (Some(x), Some(y)) => self.ident(x, y),
            _ => self.fail("identifier present in one only"),
        }
    }

    fn opt_expr(&mut self, a: Option<&Expr>, b: Option<&Expr>) {
        match (a, b) {
            (None, None) => {}
            (Some(x), Some(y)) => self.expr(x, y),
            _ => self.fail("expression present in one only"),
        }
    }

    fn expr(&mut self, a: &Expr, b: &Expr) {
        // Chains nested to the left (`a | b | c ...`, `a.b.c(x)[0]...`) are
        // walked in a loop.
        use ExprKind as K;
        let (mut a, mut b) = (a, b);
        loop {
            if self.diff.is_some() {
                return;
            }
            let (x, y) = match (&a.kind, &b.kind) {
                (K::Binary(o, x, y), K::Binary(p, u, v)) => {
                    if !self.check(o == p, || {
                        format!("operator {} vs {}", o.as_str(), p.as_str())
                    }) {
                        return;
                    }
                    self.expr(y, v);
                    (x, u)
                }
                (K::Selector(x, l), K::Selector(y, m)) => {
                    self.label(l, m);
                    (x, y)
                }
                (K::Index(x, i), K::Index(y, j)) => {
                    self.expr(i, j);
                    (x, y)
                }
                (K::Slice(x, l, h), K::Slice(y, m, i)) => {
                    self.opt_expr(l.as_deref(), m.as_deref());
                    self.opt_expr(h.as_deref(), i.as_deref());
                    (x, y)
                }
                (K::Call(f, x), K::Call(g, y)) => {
                    if self.check(x.len() == y.len(), || "argument counts differ".into()) {
                        for (p, q) in x.iter().zip(y) {
                            self.expr(p, q);
                        }
                    }
                    (f, g)
                }
                (K::OptionalRef(x), K::OptionalRef(y)) | (K::PostfixOpen(x), K::PostfixOpen(y)) => {
                    (x, y)
                }
                _ => return self.expr_node(a, b),
            };
            a = x;
            b = y;
        }
    }

    fn expr_node(&mut self, a: &Expr, b: &Expr) {
        use ExprKind as K;
        match (&a.kind, &b.kind) {
            (K::Ident(x), K::Ident(y)) => self.ident(x, y),
            (K::Bottom, K::Bottom) | (K::Bad, K::Bad) => {}
            (K::Lit(x), K::Lit(y)) => {
                self.check(x.kind == y.kind && x.raw == y.raw, || {
                    format!("literal {} vs {}", x.raw, y.raw)
                });
            }
            (K::Interpolation(x), K::Interpolation(y)) => {
                if !self.check(x.quote == y.quote && x.parts.len() == y.parts.len(), || {
                    "interpolations differ".into()
                }) {
                    return;
                }
                for (p, q) in x.parts.iter().zip(&y.parts) {
                    match (p, q) {
                        (InterpPart::Lit(r, _), InterpPart::Lit(s, _)) => {
                            self.check(r == s, || format!("string fragment {r} vs {s}"));
                        }
                        (InterpPart::Expr(e), InterpPart::Expr(f)) => self.expr(e, f),
                        _ => self.fail("interpolation parts differ"),
                    }
                }
            }
            (K::Struct(x), K::Struct(y)) => {
                self.check(x.braces == y.braces, || "struct braces differ".into());
                self.path.push("struct".into());
                self.decls(&x.decls, &y.decls);
                self.comments(
                    &x.trailing_comments,
                    &y.trailing_comments,
                    "struct trailing comments",
                );
                self.path.pop();
            }
            (K::List(x), K::List(y)) => {
                self.comments(
                    &x.trailing_comments,
                    &y.trailing_comments,
                    "list trailing comments",
                );
                if !self.check(x.elems.len() == y.elems.len(), || {
                    format!("{} elements vs {}", x.elems.len(), y.elems.len())
                }) {
                    return;
                }
                for (i, (e, f)) in x.elems.iter().zip(&y.elems).enumerate() {
                    self.path.push(format!("elem {i}"));
                    self.node_comments(&e.comments, &f.comments);
                    self.expr(&e.expr, &f.expr);
                    self.path.pop();
                }
            }
            (K::Ellipsis(x), K::Ellipsis(y)) => self.opt_expr(x.as_deref(), y.as_deref()),
            (K::Paren(x), K::Paren(y)) => self.expr(x, y),
            (K::Unary(o, x), K::Unary(p, y)) => {
                if self.check(o == p, || format!("unary {} vs {}", o.as_str(), p.as_str())) {
                    self.expr(x, y);
                }
            }
            (K::Comprehension(x), K::Comprehension(y)) => self.comprehension(x, y),
            (K::Alias(i, x), K::Alias(j, y)) => {
                self.ident(i, j);
                self.expr(x, y);
            }
            (x, y) => self.fail(format!(
                "expression kinds differ: {} vs {}",
                expr_name(x),
                expr_name(y)
            )),
        }
    }

    fn comprehension(&mut self, a: &Comprehension, b: &Comprehension) {
        if !self.check(a.clauses.len() == b.clauses.len(), || {
            "clause counts differ".into()
        }) {
            return;
        }
        for (c, d) in a.clauses.iter().zip(&b.clauses) {
            match (c, d) {
                (
                    Clause::For {
                        key: k1,
                        value: v1,
                        source: s1,
                        ..
                    },
                    Clause::For {
                        key: k2,
                        value: v2,
                        source: s2,
                        ..
                    },
                ) => {
                    self.opt_ident(k1, k2);
                    self.ident(v1, v2);
                    self.expr(s1, s2);
                }
                (Clause::If { cond: c1, .. }, Clause::If { cond: c2, .. }) => self.expr(c1, c2),
                (
                    Clause::Let {
                        name: n1,
                        value: v1,
                        ..
                    },
                    Clause::Let {
                        name: n2,
                        value: v2,
                        ..
                    },
                ) => {
                    self.ident(n1, n2);
                    self.expr(v1, v2);
                }
                (
                    Clause::Try {
                        name: n1,
                        value: v1,
                        ..
                    },
                    Clause::Try {
                        name: n2,
                        value: v2,
                        ..
                    },
                ) => {
                    self.opt_ident(n1, n2);
                    self.opt_expr(v1.as_ref(), v2.as_ref());
                }
                _ => self.fail("clause kinds differ"),
            }
        }
        self.expr(&a.body, &b.body);
        match (&a.fallback, &b.fallback) {
            (None, None) => {}
            (Some((w1, b1)), Some((w2, b2))) => {
                self.check(w1 == w2, || format!("fallback keyword {w1} vs {w2}"));
                self.expr(b1, b2);
            }
            _ => self.fail("fallback present in one only"),
        }
    }
}

fn decl_name(k: &DeclKind) -> &'static str {
    match k {
        DeclKind::Package(_) => "package",
        DeclKind::Import(_) => "import",
        DeclKind::Field(_) => "field",
        DeclKind::Let(_) => "let",
        DeclKind::Embed(_) => "embedding",
        DeclKind::Ellipsis(_) => "ellipsis",
        DeclKind::Attribute(_) => "attribute",
        DeclKind::Alias(..) => "alias",
        DeclKind::Bad => "bad",
    }
}

fn expr_name(k: &ExprKind) -> &'static str {
    use ExprKind as K;
    match k {
        K::Ident(_) => "identifier",
        K::Bottom => "bottom",
        K::Lit(_) => "literal",
        K::Interpolation(_) => "interpolation",
        K::Struct(_) => "struct",
        K::List(_) => "list",
        K::Ellipsis(_) => "ellipsis",
        K::Paren(_) => "parenthesis",
        K::Unary(..) => "unary",
        K::Binary(..) => "binary",
        K::Selector(..) => "selector",
        K::Index(..) => "index",
        K::Slice(..) => "slice",
        K::Call(..) => "call",
        K::Comprehension(_) => "comprehension",
        K::Alias(..) => "alias",
        K::OptionalRef(_) => "optional reference",
        K::PostfixOpen(_) => "postfix open",
        K::Bad => "bad",
    }
}
