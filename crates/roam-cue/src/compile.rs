//! Compilation: syntax tree → [`adt`](crate::adt) with every identifier resolved.
//!
//! Scoping follows the spec: universe (predeclared identifiers), package
//! (the top-level fields of every file of the package), file (imports), and
//! one scope per struct literal, per `for`/`let`/`try x =` clause of a
//! comprehension, and per value of a pattern or dynamic field (so that its
//! label alias, `[X=string]: ...X...`, has a scope to live in). References
//! carry the number of scopes to walk up; see the module docs of `adt`.
//!
//! Only identifier labels can be referenced; quoted labels need an alias.
//! Embedded expressions bring nothing into scope.

use crate::adt::{
    self, ArcType, BasicType, BinaryOp, BoundOp, Builtin, Expr, Feature, LabelKind, Labels, Pos,
    Spanned,
};
use crate::num::Number;
use crate::source::Span;
use crate::syntax::ast;
use crate::syntax::literal::{self, StrValue};
use std::collections::HashMap;
use std::sync::Arc;

/// A compile error: a position and a message in upstream's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    pub pos: Pos,
    pub message: String,
}

/// Experiments a file can enable with `@experiment(name)`.
const KNOWN_EXPERIMENTS: &[&str] = &[
    "try",
    "aliasv2",
    "explicitopen",
    "shortcircuit",
    "structcmp",
    "testing",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Binding {
    /// A field of the struct (also reachable through a field alias).
    Field(Feature),
    /// A `let` in the struct or a comprehension variable.
    Let(Feature),
    /// The label alias of a pattern or dynamic field.
    Label,
    /// The label of a static field, as a string (`a~(K,V):` binds K).
    LabelName(Feature),
    /// The field of a field scope as a whole (`X=[string]: ...X...`).
    Value,
    /// A field alias of a dynamic field: index into `Compiler::dyn_keys`.
    Dynamic(usize),
    /// The label alias of a dynamic field seen from its struct: its key.
    DynamicKey(usize),
}

#[derive(Default)]
struct Scope {
    names: HashMap<String, Binding>,
    /// A value alias (`a: X=expr`) scope: it names the field of the struct
    /// scope around it and is not a scope of the evaluator.
    transparent: bool,
    /// A struct literal's scope (what `self` refers to).
    is_struct: bool,
    /// Lets and aliases of dynamic fields: upstream rejects them unused.
    must_use: Vec<(String, Pos)>,
    used: std::collections::HashSet<String>,
}

/// Compiles the files of one package. The top-level fields of all files are
/// one scope; each file's imports are its own.
pub struct Compiler<'l> {
    labels: &'l mut Labels,
    scopes: Vec<Scope>,
    imports: HashMap<String, Arc<str>>,
    experiments: Vec<String>,
    file: u32,
    package: String,
    errors: Vec<CompileError>,
    /// Inside a try binding or the body of a struct-form try, where `x?` is allowed.
    try_ok: u32,
    /// Keys of aliased dynamic fields, compiled where a reference needs them.
    dyn_keys: Vec<ast::Expr>,
    /// Dynamic keys being compiled, to catch `x=(x): v`.
    resolving_keys: Vec<usize>,
    /// A file whose unresolved identifiers name fields of the evaluated
    /// package (looked up when evaluated: `cue export -e x` finds a field a
    /// comprehension made).
    lookup_file: Option<u32>,
}

/// Compiles the files of one package (`files` are already parsed without errors).
pub fn compile_package(
    labels: &mut Labels,
    files: &[ast::File],
) -> (Vec<adt::FileUnit>, Vec<CompileError>) {
    compile_package_with(labels, files, None)
}

/// As [`compile_package`]; unresolved identifiers of file `lookup_file`
/// are looked up among the package's fields when evaluated.
pub fn compile_package_with(
    labels: &mut Labels,
    files: &[ast::File],
    lookup_file: Option<usize>,
) -> (Vec<adt::FileUnit>, Vec<CompileError>) {
    let package = files
        .iter()
        .find_map(|f| f.package().map(|p| p.name.clone()))
        .unwrap_or_default();
    let mut c = Compiler {
        labels,
        scopes: Vec::new(),
        imports: HashMap::new(),
        experiments: Vec::new(),
        file: 0,
        package: if package == "_" {
            String::new()
        } else {
            package
        },
        errors: Vec::new(),
        try_ok: 0,
        dyn_keys: Vec::new(),
        resolving_keys: Vec::new(),
        lookup_file: lookup_file.map(|i| i as u32),
    };
    // The package scope: top-level identifiers of every file.
    let mut root = Scope {
        is_struct: true,
        ..Scope::default()
    };
    for (i, f) in files.iter().enumerate() {
        c.file = i as u32;
        for d in &f.decls {
            c.declare(&mut root, d, true);
        }
    }
    c.scopes.push(root);
    let mut units = Vec::new();
    for (i, f) in files.iter().enumerate() {
        c.file = i as u32;
        units.push(c.compile_file(f));
    }
    c.pop_scope();
    (units, c.errors)
}

impl Compiler<'_> {
    fn pos(&self, span: Span) -> Pos {
        Pos {
            file: self.file,
            span,
        }
    }

    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.errors.push(CompileError {
            pos: self.pos(span),
            message: message.into(),
        });
    }

    fn spanned(&self, expr: Expr, span: Span) -> Spanned {
        Spanned {
            expr,
            pos: self.pos(span),
        }
    }

    fn ident_feature(&mut self, name: &str) -> Feature {
        let kind = LabelKind::of_ident(name);
        match kind {
            LabelKind::Hidden | LabelKind::HiddenDefinition if !self.package.is_empty() => {
                let q = format!("{name}${}", self.package);
                self.labels.intern(&q, kind)
            }
            _ => self.labels.intern(name, kind),
        }
    }

    /// Adds the identifiers a declaration brings into its struct's scope.
    fn declare(&mut self, scope: &mut Scope, d: &ast::Decl, report: bool) {
        match &d.kind {
            ast::DeclKind::Field(f) => {
                let feature = self.static_label(&f.label).map(|feat| {
                    let name = match &f.label.kind {
                        ast::LabelKind::Ident(id) => id.name.clone(),
                        _ => String::new(), // quoted labels are not in scope
                    };
                    (name, feat)
                });
                let dyn_key = match &f.label.kind {
                    ast::LabelKind::String(key) if feature.is_none() => Some(&**key),
                    ast::LabelKind::Paren(key) => Some(split_alias(key).1),
                    _ => None,
                };
                if let Some(key) = dyn_key {
                    // Aliases of a dynamic field (`X="\(k)": v`, `X=(k): v`, `(k)~(K,V): v`)
                    // name it in the whole struct.
                    let value_alias = f.label.alias.iter().chain(
                        f.label
                            .postfix_alias
                            .iter()
                            .filter_map(|p| p.value.as_ref()),
                    );
                    let label_alias = f
                        .label
                        .postfix_alias
                        .iter()
                        .filter_map(|p| p.label.as_ref());
                    let mut idx = None;
                    let mut index = |c: &mut Self| {
                        *idx.get_or_insert_with(|| {
                            c.dyn_keys.push(key.clone());
                            c.dyn_keys.len() - 1
                        })
                    };
                    for a in value_alias.filter(|a| a.name != "_") {
                        scope.must_use.push((a.name.clone(), self.pos(a.span)));
                        scope
                            .names
                            .insert(a.name.clone(), Binding::Dynamic(index(self)));
                    }
                    for a in label_alias.filter(|a| a.name != "_") {
                        scope
                            .names
                            .insert(a.name.clone(), Binding::DynamicKey(index(self)));
                    }
                }
                if let Some((name, feat)) = feature {
                    if !name.is_empty() && name != "_" {
                        scope.names.insert(name, Binding::Field(feat));
                    }
                    if let Some(alias) = &f.label.alias {
                        if alias.name == "_" {
                            if report {
                                self.error(alias.span, "cannot use _ as alias or let clause");
                            }
                        } else {
                            scope.names.insert(alias.name.clone(), Binding::Field(feat));
                        }
                    }
                    if let Some(pa) = &f.label.postfix_alias {
                        if let Some(v) = &pa.value
                            && v.name != "_"
                        {
                            scope.names.insert(v.name.clone(), Binding::Field(feat));
                        }
                        if let Some(k) = &pa.label
                            && k.name != "_"
                        {
                            scope.names.insert(k.name.clone(), Binding::LabelName(feat));
                        }
                    }
                }
            }
            ast::DeclKind::Let(l) => {
                if l.name.name == "_" {
                    if report {
                        self.error(l.name.span, "cannot use _ as alias or let clause");
                    }
                    return;
                }
                let feat = self.labels.intern(&l.name.name, LabelKind::Let);
                scope
                    .must_use
                    .push((l.name.name.clone(), self.pos(l.name.span)));
                if scope
                    .names
                    .insert(l.name.name.clone(), Binding::Let(feat))
                    .is_some()
                    && report
                {
                    self.error(
                        l.name.span,
                        format!("{} redeclared in same scope", l.name.name),
                    );
                }
            }
            _ => {}
        }
    }

    /// The feature of a label known at compile time: an identifier, a plain
    /// string, or `null`/`true`/`false`. `None` for dynamic labels, patterns
    /// and malformed strings.
    fn static_label(&mut self, label: &ast::Label) -> Option<Feature> {
        match &label.kind {
            ast::LabelKind::Ident(id) => Some(self.ident_feature(&id.name)),
            ast::LabelKind::String(e) => match &e.kind {
                ast::ExprKind::Lit(l) => {
                    let name = match l.kind {
                        ast::LitKind::Null | ast::LitKind::True | ast::LitKind::False => {
                            l.raw.clone()
                        }
                        _ => match literal::unquote(&l.raw) {
                            Ok(StrValue::String(s)) => s,
                            _ => return None,
                        },
                    };
                    Some(self.labels.intern(&name, LabelKind::Regular))
                }
                _ => None,
            },
            _ => None,
        }
    }

    fn compile_file(&mut self, f: &ast::File) -> adt::FileUnit {
        self.imports.clear();
        self.experiments.clear();
        let mut imports = Vec::new();
        for a in f.attributes() {
            if a.name() == "experiment" {
                for e in a.args() {
                    let e = e.trim();
                    if KNOWN_EXPERIMENTS.contains(&e) {
                        self.experiments.push(e.to_string());
                    } else {
                        self.error(a.span, format!("unknown experiment {e:?}"));
                    }
                }
            }
        }
        for spec in f.imports() {
            let path = spec.path_value();
            let name = match &spec.name {
                Some(n) => n.name.clone(),
                None => {
                    let raw = literal::unquote_simple(&spec.path.raw).unwrap_or_default();
                    match raw.rfind(':') {
                        Some(i) => raw[i + 1..].to_string(),
                        None => path.rsplit('/').next().unwrap_or(&path).to_string(),
                    }
                }
            };
            let path: Arc<str> = Arc::from(path.as_str());
            if self.imports.insert(name.clone(), path.clone()).is_some() {
                self.error(
                    spec.span,
                    format!("{name} redeclared as imported package name"),
                );
            }
            imports.push((self.labels.intern(&name, LabelKind::Let), path));
        }
        let decls = self.compile_decls(&f.decls);
        adt::FileUnit {
            name: f.name.clone(),
            package: (!self.package.is_empty()).then(|| self.package.clone()),
            imports,
            experiments: self.experiments.clone(),
            root: Arc::new(adt::StructLit {
                decls,
                pos: self.pos(f.span),
            }),
        }
    }

    fn has_experiment(&self, name: &str) -> bool {
        self.experiments.iter().any(|e| e == name)
    }

    fn compile_decls(&mut self, decls: &[ast::Decl]) -> Vec<adt::Decl> {
        let mut out = Vec::with_capacity(decls.len());
        for d in decls {
            if let Some(d) = self.compile_decl(d) {
                out.push(d);
            }
        }
        out
    }

    /// Leaves a scope, reporting lets and dynamic-field aliases never referenced.
    fn pop_scope(&mut self) {
        let Some(scope) = self.scopes.pop() else {
            return;
        };
        for (name, pos) in scope.must_use {
            if !scope.used.contains(&name) {
                self.errors.push(CompileError {
                    pos,
                    message: format!("unreferenced alias or let clause {name}"),
                });
            }
        }
    }

    fn compile_struct(&mut self, s: &ast::StructLit, span: Span) -> Arc<adt::StructLit> {
        let mut scope = Scope {
            is_struct: true,
            ..Scope::default()
        };
        for d in &s.decls {
            self.declare(&mut scope, d, true);
        }
        self.scopes.push(scope);
        let decls = self.compile_decls(&s.decls);
        self.pop_scope();
        Arc::new(adt::StructLit {
            decls,
            pos: self.pos(span),
        })
    }

    fn compile_decl(&mut self, d: &ast::Decl) -> Option<adt::Decl> {
        match &d.kind {
            ast::DeclKind::Package(_)
            | ast::DeclKind::Import(_)
            | ast::DeclKind::Attribute(_)
            | ast::DeclKind::Bad => None,
            ast::DeclKind::Alias(id, _) => {
                self.error(
                    id.span,
                    format!(
                        "old-style alias {} = ... is not supported; use \"let {} = ...\"",
                        id.name, id.name
                    ),
                );
                None
            }
            ast::DeclKind::Let(l) => {
                let value = self.expr(&l.value);
                let label = self.labels.intern(&l.name.name, LabelKind::Let);
                Some(adt::Decl::Let { label, value })
            }
            ast::DeclKind::Ellipsis(t) => {
                Some(adt::Decl::Ellipsis(t.as_ref().map(|t| self.expr(t))))
            }
            ast::DeclKind::Embed(e) => Some(adt::Decl::Embed(self.expr(e))),
            ast::DeclKind::Field(f) => self.compile_field(f),
        }
    }

    fn arc_type(c: ast::Constraint) -> ArcType {
        match c {
            ast::Constraint::Regular => ArcType::Member,
            ast::Constraint::Optional => ArcType::Optional,
            ast::Constraint::Required => ArcType::Required,
        }
    }

    fn compile_field(&mut self, f: &ast::Field) -> Option<adt::Decl> {
        let arc = Self::arc_type(f.constraint);
        if f.label.postfix_alias.is_some() && !self.has_experiment("aliasv2") {
            self.error(
                f.label.span,
                "postfix alias syntax requires @experiment(aliasv2)",
            );
        }
        if let ast::LabelKind::Ident(id) = &f.label.kind
            && id.name == "_"
        {
            self.error(id.span, "cannot use _ as label");
            return None;
        }
        if let Some(label) = self.static_label(&f.label) {
            let value = self.field_value(f, None, Some(label));
            let attrs = f.attrs.clone().into();
            return Some(adt::Decl::Field {
                label,
                arc,
                value,
                attrs,
            });
        }
        match &f.label.kind {
            ast::LabelKind::Ident(_) => None,
            ast::LabelKind::String(e) => {
                if let ast::ExprKind::Lit(l) = &e.kind {
                    self.error(l.span, "invalid string label");
                    return None;
                }
                // An interpolated label is a dynamic field.
                let key = self.expr(e);
                let value = self.field_value(f, None, None);
                Some(adt::Decl::DynamicField { key, arc, value })
            }
            ast::LabelKind::Paren(e) => {
                let (alias, inner) = split_alias(e);
                let key = self.expr(inner);
                let value = self.field_value(f, alias, None);
                Some(adt::Decl::DynamicField { key, arc, value })
            }
            ast::LabelKind::Pattern(e) => {
                let (alias, inner) = split_alias(e);
                let filter = self.expr(inner);
                let value = self.field_value(f, alias, None);
                Some(adt::Decl::Pattern { filter, value })
            }
        }
    }

    /// A field's value. Pattern and dynamic fields (`field == None`) get a field
    /// scope holding their label alias, field alias and postfix aliases; a
    /// value alias (`a: X=expr`) of a static field names that field.
    fn field_value(
        &mut self,
        f: &ast::Field,
        label_alias: Option<&ast::Ident>,
        field: Option<Feature>,
    ) -> Spanned {
        let value = &f.value;
        let (value_alias, value) = match &value.kind {
            ast::ExprKind::Alias(id, v) => (Some(id), v.as_ref()),
            _ => (None, value),
        };
        let named = |id: &ast::Ident| (id.name != "_").then(|| id.name.clone());
        let mut scope = Scope::default();
        match field {
            None => {
                if let Some(n) = label_alias.and_then(named) {
                    scope.names.insert(n, Binding::Label);
                }
                if let Some(n) = f.label.alias.as_ref().and_then(named) {
                    scope.names.insert(n, Binding::Value);
                }
                if let Some(pa) = &f.label.postfix_alias {
                    if let Some(n) = pa.label.as_ref().and_then(named) {
                        scope.names.insert(n, Binding::Label);
                    }
                    if let Some(n) = pa.value.as_ref().and_then(named) {
                        scope.names.insert(n, Binding::Value);
                    }
                }
                if let Some(n) = value_alias.and_then(named) {
                    scope.names.insert(n, Binding::Value);
                }
            }
            Some(feat) => {
                scope.transparent = true;
                if let Some(n) = value_alias.and_then(named) {
                    scope.names.insert(n, Binding::Field(feat));
                }
            }
        }
        self.scopes.push(scope);
        let v = self.expr(value);
        self.scopes.pop();
        v
    }

    fn resolve(&mut self, id: &ast::Ident) -> Expr {
        let name = id.name.as_str();
        if name == "_" {
            return Expr::Top;
        }
        let mut up = 0u32;
        // A dynamic field's alias is bound twice (in its struct and in the
        // field's own scope): a use of either counts for both.
        for s in self
            .scopes
            .iter_mut()
            .filter(|s| s.names.contains_key(name))
        {
            s.used.insert(name.to_string());
        }
        for scope in self.scopes.iter().rev() {
            if let Some(&b) = scope.names.get(name) {
                return match b {
                    Binding::Field(label) => Expr::FieldRef { up, label },
                    Binding::Let(label) => Expr::LetRef { up, label },
                    Binding::Label => Expr::LabelRef { up },
                    Binding::LabelName(label) => Expr::Str(Arc::from(self.labels.name(label))),
                    Binding::Value => Expr::ValueRef { up },
                    Binding::Dynamic(i) | Binding::DynamicKey(i) => {
                        if self.resolving_keys.contains(&i) {
                            self.error(id.span, "cyclic reference in field alias");
                            return Expr::Error;
                        }
                        // Compile the key as it stands in its struct: with the scopes up to there.
                        let key_ast = self.dyn_keys[i].clone();
                        self.resolving_keys.push(i);
                        let keep = self.scopes.len()
                            - self
                                .scopes
                                .iter()
                                .rev()
                                .take_while(|s| !std::ptr::eq(*s, scope))
                                .count();
                        let inner = self.scopes.split_off(keep);
                        let key = self.expr(&key_ast);
                        self.resolving_keys.pop();
                        self.scopes.extend(inner);
                        if matches!(b, Binding::DynamicKey(_)) {
                            // The key's value is valid only where the key was written.
                            if up == 0 {
                                key.expr
                            } else {
                                Expr::DynamicKey {
                                    up,
                                    key: Arc::new(key),
                                }
                            }
                        } else {
                            Expr::DynamicRef {
                                up,
                                key: Arc::new(key),
                            }
                        }
                    }
                };
            }
            if !scope.transparent {
                up += 1;
            }
        }
        if name == "self" && self.has_experiment("aliasv2") {
            // The innermost enclosing struct.
            let mut up = 0u32;
            for scope in self.scopes.iter().rev() {
                if scope.is_struct {
                    return Expr::ValueRef { up };
                }
                if !scope.transparent {
                    up += 1;
                }
            }
        }
        if let Some(path) = self.imports.get(name) {
            return Expr::Import(path.clone());
        }
        if let Some(e) = predeclared(
            name.strip_prefix("__").unwrap_or(name),
            name.starts_with("__"),
        ) {
            return e;
        }
        if self.lookup_file == Some(self.file) && !name.starts_with("__") {
            let up = self.scopes[1..].iter().filter(|s| !s.transparent).count() as u32;
            let label = self.ident_feature(name);
            return Expr::FieldRef { up, label };
        }
        self.error(id.span, format!("reference {name:?} not found"));
        Expr::Error
    }

    fn expr(&mut self, e: &ast::Expr) -> Spanned {
        let x = self.expr_kind(e);
        self.spanned(x, e.span)
    }

    fn boxed(&mut self, e: &ast::Expr) -> Box<Spanned> {
        Box::new(self.expr(e))
    }

    fn expr_kind(&mut self, e: &ast::Expr) -> Expr {
        use ast::ExprKind as K;
        match &e.kind {
            K::Ident(id) => self.resolve(id),
            K::Bottom => Expr::Bottom,
            K::Lit(l) => self.literal(l),
            K::Interpolation(i) => self.interpolation(i, e.span),
            K::Struct(s) => Expr::Struct(self.compile_struct(s, e.span)),
            K::List(l) => self.list(l),
            K::Ellipsis(_) => {
                self.error(
                    e.span,
                    "'...' is only allowed at the end of a list or in a struct",
                );
                Expr::Error
            }
            K::Paren(x) => self.expr_kind(x),
            K::Unary(op, x) => self.unary(*op, x),
            K::Binary(ast::BinaryOp::Disj, ..) => {
                let mut out = Vec::new();
                self.disjuncts(e, &mut out);
                Expr::Disjunction(out)
            }
            K::Binary(op, x, y) => {
                let op = binary_op(*op);
                Expr::Binary(op, self.boxed(x), self.boxed(y))
            }
            K::Selector(x, sel) => {
                let feature = match &sel.kind {
                    ast::LabelKind::Ident(id) => self.ident_feature(&id.name),
                    ast::LabelKind::String(s) => match &s.kind {
                        ast::ExprKind::Lit(l) => match literal::unquote_simple(&l.raw) {
                            Some(s) => self.labels.intern(&s, LabelKind::Regular),
                            None => {
                                self.error(l.span, "invalid selector");
                                return Expr::Error;
                            }
                        },
                        _ => {
                            self.error(sel.span, "invalid selector");
                            return Expr::Error;
                        }
                    },
                    _ => {
                        self.error(sel.span, "invalid selector");
                        return Expr::Error;
                    }
                };
                Expr::Selector(self.boxed(x), feature)
            }
            K::Index(x, i) => Expr::Index(self.boxed(x), self.boxed(i)),
            K::Slice(x, lo, hi) => {
                let x = self.boxed(x);
                let lo = lo.as_ref().map(|l| self.boxed(l));
                let hi = hi.as_ref().map(|h| self.boxed(h));
                Expr::Slice(x, lo, hi)
            }
            K::Call(f, args) => {
                let f = self.boxed(f);
                let args = args.iter().map(|a| self.expr(a)).collect();
                Expr::Call(f, args)
            }
            K::Comprehension(c) => {
                // A comprehension as an expression is only valid as an embedding or list element.
                Expr::Comprehension(self.comprehension(c))
            }
            K::Alias(id, _) => {
                self.error(id.span, format!("alias {} is not allowed here", id.name));
                Expr::Error
            }
            K::OptionalRef(x) => {
                if !self.has_experiment("try") || self.try_ok == 0 {
                    self.error(
                        e.span,
                        "optional marker (?) is only valid within a try clause",
                    );
                }
                Expr::OptionalRef(self.boxed(x))
            }
            K::PostfixOpen(x) => {
                if !self.has_experiment("explicitopen") {
                    self.error(e.span, "postfix '...' requires @experiment(explicitopen)");
                }
                Expr::Open(self.boxed(x))
            }
            K::Bad => Expr::Error,
        }
    }

    /// Flattens `a | b | *c` (with parentheses nesting) into one disjunction.
    fn disjuncts(&mut self, e: &ast::Expr, out: &mut Vec<(Spanned, bool)>) {
        match &e.kind {
            ast::ExprKind::Binary(ast::BinaryOp::Disj, x, y) => {
                self.disjuncts(x, out);
                self.disjuncts(y, out);
            }
            ast::ExprKind::Unary(ast::UnaryOp::Default, x) => {
                let v = self.expr(x);
                out.push((v, true));
            }
            _ => {
                let v = self.expr(e);
                out.push((v, false));
            }
        }
    }

    fn unary(&mut self, op: ast::UnaryOp, x: &ast::Expr) -> Expr {
        use ast::UnaryOp as U;
        let bound = |b| Some(b);
        let b = match op {
            U::Lss => bound(BoundOp::Lt),
            U::Leq => bound(BoundOp::Le),
            U::Gtr => bound(BoundOp::Gt),
            U::Geq => bound(BoundOp::Ge),
            U::Neq => bound(BoundOp::Ne),
            U::Eql => bound(BoundOp::Eq),
            U::Mat => bound(BoundOp::Match),
            U::NMat => bound(BoundOp::NotMatch),
            _ => None,
        };
        if let Some(b) = b {
            return Expr::Bound(b, self.boxed(x));
        }
        match op {
            U::Neg => Expr::Unary(adt::UnaryOp::Neg, self.boxed(x)),
            U::Pos => Expr::Unary(adt::UnaryOp::Pos, self.boxed(x)),
            U::Not => Expr::Unary(adt::UnaryOp::Not, self.boxed(x)),
            // `*x` outside a disjunction: a default of a one-element disjunction.
            _ => Expr::Disjunction(vec![(self.expr(x), true)]),
        }
    }

    fn literal(&mut self, l: &ast::BasicLit) -> Expr {
        match l.kind {
            ast::LitKind::Null => Expr::Null,
            ast::LitKind::True => Expr::Bool(true),
            ast::LitKind::False => Expr::Bool(false),
            ast::LitKind::Int | ast::LitKind::Float => {
                match literal::parse_number(&l.raw)
                    .map_err(|e| e.to_string())
                    .and_then(|n| Number::from_lit(&n).map_err(|e| e.to_string()))
                {
                    Ok(n) => Expr::Num(n),
                    Err(msg) => {
                        self.error(l.span, msg);
                        Expr::Error
                    }
                }
            }
            ast::LitKind::String | ast::LitKind::Bytes => match literal::unquote(&l.raw) {
                Ok(StrValue::String(s)) => Expr::Str(Arc::from(s.as_str())),
                Ok(StrValue::Bytes(b)) => Expr::Bytes(Arc::from(b.as_slice())),
                Err(msg) => {
                    self.error(l.span, msg);
                    Expr::Error
                }
            },
        }
    }

    fn interpolation(&mut self, i: &ast::Interpolation, span: Span) -> Expr {
        let raws: Vec<&str> = i
            .parts
            .iter()
            .filter_map(|p| {
                if let ast::InterpPart::Lit(s, _) = p {
                    Some(s.as_str())
                } else {
                    None
                }
            })
            .collect();
        let lits = match literal::decode_fragments(i.quote, &raws) {
            Ok(l) => l,
            Err(msg) => {
                self.error(span, msg);
                return Expr::Error;
            }
        };
        let mut lits = lits.into_iter();
        let mut parts = Vec::with_capacity(i.parts.len());
        for p in &i.parts {
            match p {
                ast::InterpPart::Lit(..) => {
                    let b = lits.next().unwrap_or_default();
                    if !b.is_empty() {
                        parts.push(adt::InterpPart::Lit(Arc::from(b.as_slice())));
                    }
                }
                ast::InterpPart::Expr(e) => parts.push(adt::InterpPart::Expr(self.expr(e))),
            }
        }
        Expr::Interpolation {
            bytes: i.quote.is_bytes(),
            parts,
        }
    }

    fn list(&mut self, l: &ast::ListLit) -> Expr {
        let mut elems = Vec::with_capacity(l.elems.len());
        let mut rest = None;
        for el in &l.elems {
            match &el.expr.kind {
                ast::ExprKind::Ellipsis(t) => {
                    rest = Some(match t {
                        Some(t) => self.expr(t),
                        None => self.spanned(Expr::Top, el.expr.span),
                    });
                }
                ast::ExprKind::Comprehension(c) => {
                    elems.push(adt::ListElem::Comprehension(self.comprehension(c)))
                }
                _ => elems.push(adt::ListElem::Value(self.expr(&el.expr))),
            }
        }
        Expr::List(Arc::new(adt::ListLit { elems, rest }))
    }

    fn comprehension(&mut self, c: &ast::Comprehension) -> Arc<adt::Comprehension> {
        let depth = self.scopes.len();
        let mut clauses = Vec::with_capacity(c.clauses.len());
        let n = c.clauses.len();
        for (i, cl) in c.clauses.iter().enumerate() {
            match cl {
                ast::Clause::For {
                    key, value, source, ..
                } => {
                    let source = self.expr(source);
                    let mut scope = Scope::default();
                    let key = key.as_ref().map(|k| {
                        let f = self.labels.intern(&k.name, LabelKind::Let);
                        scope.names.insert(k.name.clone(), Binding::Let(f));
                        f
                    });
                    let vf = self.labels.intern(&value.name, LabelKind::Let);
                    if value.name != "_" {
                        scope.names.insert(value.name.clone(), Binding::Let(vf));
                    }
                    self.scopes.push(scope);
                    clauses.push(adt::Clause::For {
                        key,
                        value: vf,
                        source,
                    });
                }
                ast::Clause::If { cond, .. } => {
                    let cond = self.expr(cond);
                    clauses.push(adt::Clause::If(cond));
                }
                ast::Clause::Let { name, value, .. } => {
                    let value = self.expr(value);
                    let f = self.labels.intern(&name.name, LabelKind::Let);
                    let mut scope = Scope::default();
                    scope.names.insert(name.name.clone(), Binding::Let(f));
                    scope
                        .must_use
                        .push((name.name.clone(), self.pos(name.span)));
                    self.scopes.push(scope);
                    clauses.push(adt::Clause::Let { label: f, value });
                }
                ast::Clause::Try { name, value, span } => {
                    if !self.has_experiment("try") {
                        self.error(*span, "try clause requires @experiment(try)");
                    }
                    match (name, value) {
                        (Some(name), Some(value)) => {
                            self.try_ok += 1;
                            let v = self.expr(value);
                            self.try_ok -= 1;
                            let f = self.labels.intern(&name.name, LabelKind::Let);
                            let mut scope = Scope::default();
                            scope.names.insert(name.name.clone(), Binding::Let(f));
                            self.scopes.push(scope);
                            clauses.push(adt::Clause::Try { bind: Some((f, v)) });
                        }
                        _ => {
                            if i + 1 != n {
                                self.error(*span, "struct-form try clause must be the last clause in a comprehension");
                            }
                            clauses.push(adt::Clause::Try { bind: None });
                        }
                    }
                }
            }
        }
        let struct_try = matches!(clauses.last(), Some(adt::Clause::Try { bind: None }));
        // Outside the try binding itself, `x?` is only allowed in a struct-form try body.
        let saved = std::mem::replace(&mut self.try_ok, u32::from(struct_try));
        let body = match &c.body.kind {
            ast::ExprKind::Struct(s) => self.compile_struct(s, c.body.span),
            _ => Arc::new(adt::StructLit {
                decls: Vec::new(),
                pos: self.pos(c.body.span),
            }),
        };
        self.try_ok = saved;
        while self.scopes.len() > depth {
            self.pop_scope();
        }
        let fallback = c.fallback.as_ref().map(|(word, b)| {
            if !self.has_experiment("try") {
                self.error(b.span, format!("'{word}' clause requires @experiment(try)"));
            }
            match &b.kind {
                ast::ExprKind::Struct(s) => self.compile_struct(s, b.span),
                _ => Arc::new(adt::StructLit {
                    decls: Vec::new(),
                    pos: self.pos(b.span),
                }),
            }
        });
        Arc::new(adt::Comprehension {
            clauses,
            body,
            fallback,
        })
    }
}

/// `X=expr` inside `(...)` or `[...]` labels.
fn split_alias(e: &ast::Expr) -> (Option<&ast::Ident>, &ast::Expr) {
    match &e.kind {
        ast::ExprKind::Alias(id, x) => (Some(id), x),
        _ => (None, e),
    }
}

fn binary_op(op: ast::BinaryOp) -> BinaryOp {
    use ast::BinaryOp as B;
    match op {
        B::Disj => BinaryOp::Or,
        B::Conj => BinaryOp::And,
        B::LOr => BinaryOp::LOr,
        B::LAnd => BinaryOp::LAnd,
        B::Eql => BinaryOp::Eq,
        B::Neq => BinaryOp::Ne,
        B::Lss => BinaryOp::Lt,
        B::Leq => BinaryOp::Le,
        B::Gtr => BinaryOp::Gt,
        B::Geq => BinaryOp::Ge,
        B::Mat => BinaryOp::Match,
        B::NMat => BinaryOp::NotMatch,
        B::Add => BinaryOp::Add,
        B::Sub => BinaryOp::Sub,
        B::Mul => BinaryOp::Mul,
        B::Quo => BinaryOp::Quo,
    }
}

/// The universe scope: predeclared types, ranges and builtins. `dunder` is
/// true for the `__name` spelling, which reaches builtins even when shadowed.
fn predeclared(name: &str, dunder: bool) -> Option<Expr> {
    let int_range = |name: &'static str, min: &str, max: &str| Expr::Range {
        kind: BasicType::Int,
        min: min.parse().expect("valid bound"),
        max: Some(max.parse().expect("valid bound")),
        name,
    };
    Some(match name {
        "bool" => Expr::Type(BasicType::Bool),
        "int" => Expr::Type(BasicType::Int),
        "float" => Expr::Type(BasicType::Float),
        "number" => Expr::Type(BasicType::Number),
        "string" => Expr::Type(BasicType::String),
        "bytes" => Expr::Type(BasicType::Bytes),
        "null" if dunder => Expr::Null,
        "len" => Expr::Builtin(Builtin::Len),
        "close" => Expr::Builtin(Builtin::Close),
        "and" => Expr::Builtin(Builtin::And),
        "or" => Expr::Builtin(Builtin::Or),
        "div" => Expr::Builtin(Builtin::Div),
        "mod" => Expr::Builtin(Builtin::Mod),
        "quo" => Expr::Builtin(Builtin::Quo),
        "rem" => Expr::Builtin(Builtin::Rem),
        "matchN" => Expr::Builtin(Builtin::MatchN),
        "matchIf" => Expr::Builtin(Builtin::MatchIf),
        "error" => Expr::Builtin(Builtin::Error),
        "closeAll" if dunder => Expr::Builtin(Builtin::CloseAll),
        "reclose" if dunder => Expr::Builtin(Builtin::Reclose),
        "no_sharing" if dunder => Expr::Builtin(Builtin::NoSharing),
        "uint" => Expr::Range {
            kind: BasicType::Int,
            min: Number::from(0u64),
            max: None,
            name: "uint",
        },
        "rune" => int_range("rune", "0", "1114111"),
        "int8" => int_range("int8", "-128", "127"),
        "int16" => int_range("int16", "-32768", "32767"),
        "int32" => int_range("int32", "-2147483648", "2147483647"),
        "int64" => int_range("int64", "-9223372036854775808", "9223372036854775807"),
        "int128" => int_range(
            "int128",
            "-170141183460469231731687303715884105728",
            "170141183460469231731687303715884105727",
        ),
        "uint8" => int_range("uint8", "0", "255"),
        "uint16" => int_range("uint16", "0", "65535"),
        "uint32" => int_range("uint32", "0", "4294967295"),
        "uint64" => int_range("uint64", "0", "18446744073709551615"),
        "uint128" => int_range("uint128", "0", "340282366920938463463374607431768211455"),
        "float32" => Expr::Range {
            kind: BasicType::Number,
            min: "-3.40282346638528859811704183484516925440e+38"
                .parse()
                .expect("valid bound"),
            max: Some(
                "3.40282346638528859811704183484516925440e+38"
                    .parse()
                    .expect("valid bound"),
            ),
            name: "float32",
        },
        "float64" => Expr::Range {
            kind: BasicType::Number,
            min: "-1.797693134862315708145274237317043567981e+308"
                .parse()
                .expect("valid bound"),
            max: Some(
                "1.797693134862315708145274237317043567981e+308"
                    .parse()
                    .expect("valid bound"),
            ),
            name: "float64",
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_str;

    fn compile(src: &str) -> (Labels, Vec<adt::FileUnit>, Vec<CompileError>) {
        let p = parse_str("t.cue", src);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        let mut labels = Labels::default();
        let (units, errors) = compile_package(&mut labels, &[p.value]);
        (labels, units, errors)
    }

    fn field<'a>(labels: &Labels, s: &'a adt::StructLit, name: &str) -> &'a Spanned {
        s.decls
            .iter()
            .find_map(|d| match d {
                adt::Decl::Field { label, value, .. } if labels.name(*label) == name => Some(value),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no field {name}"))
    }

    fn errors(src: &str) -> Vec<String> {
        compile(src).2.into_iter().map(|e| e.message).collect()
    }

    #[test]
    fn references_count_scopes() {
        let (labels, units, errs) =
            compile("a: 1\nb: {c: a, d: c, e: {f: d}}\nl: [for x in [1] let y = x {g: y, h: a}]\n");
        assert!(errs.is_empty(), "{errs:?}");
        let root = &units[0].root;
        let Expr::Struct(b) = &field(&labels, root, "b").expr else {
            panic!()
        };
        assert!(
            matches!(field(&labels, b, "c").expr, Expr::FieldRef { up: 1, label } if labels.name(label) == "a")
        );
        assert!(
            matches!(field(&labels, b, "d").expr, Expr::FieldRef { up: 0, label } if labels.name(label) == "c")
        );
        let Expr::Struct(e) = &field(&labels, b, "e").expr else {
            panic!()
        };
        assert!(matches!(
            field(&labels, e, "f").expr,
            Expr::FieldRef { up: 1, .. }
        ));
        let Expr::List(l) = &field(&labels, root, "l").expr else {
            panic!()
        };
        let adt::ListElem::Comprehension(c) = &l.elems[0] else {
            panic!()
        };
        // body scope (0) → let clause (1) → for clause (2) → root (3)
        assert!(matches!(
            field(&labels, &c.body, "g").expr,
            Expr::LetRef { up: 1, .. }
        ));
        assert!(matches!(
            field(&labels, &c.body, "h").expr,
            Expr::FieldRef { up: 3, .. }
        ));
    }

    #[test]
    fn aliases_lets_and_patterns() {
        let (labels, units, errs) =
            compile("X=\"a-b\": 1\nc: X\nlet y = 2\nd: y\np: [N=string]: {name: N}\n\"q\": 3\n");
        assert!(errs.is_empty(), "{errs:?}");
        let root = &units[0].root;
        assert!(
            matches!(field(&labels, root, "c").expr, Expr::FieldRef { up: 0, label } if labels.name(label) == "a-b")
        );
        assert!(matches!(
            field(&labels, root, "d").expr,
            Expr::LetRef { up: 0, .. }
        ));
        let Expr::Struct(p) = &field(&labels, root, "p").expr else {
            panic!()
        };
        let adt::Decl::Pattern { value, .. } = &p.decls[0] else {
            panic!()
        };
        let Expr::Struct(v) = &value.expr else {
            panic!()
        };
        // {name: N}: struct scope (0), pattern label scope (1)
        assert!(matches!(
            field(&labels, v, "name").expr,
            Expr::LabelRef { up: 1 }
        ));
        // A value alias names its own field: `a: X={b: 1, c: X.b}`.
        let (labels, units, errs) = compile("a: X={b: 1, c: X.b}\n");
        assert!(errs.is_empty(), "{errs:?}");
        let Expr::Struct(a) = &field(&labels, &units[0].root, "a").expr else {
            panic!()
        };
        let Expr::Selector(x, _) = &field(&labels, a, "c").expr else {
            panic!()
        };
        assert!(matches!(x.expr, Expr::FieldRef { up: 1, label } if labels.name(label) == "a"));
    }

    #[test]
    fn predeclared_and_imports() {
        let (labels, units, errs) = compile(
            "import \"strings\"\na: int & >=0\nb: uint8\nc: len\nd: strings.ToUpper\ne: __int\n",
        );
        assert!(errs.is_empty(), "{errs:?}");
        let root = &units[0].root;
        assert!(matches!(
            field(&labels, root, "b").expr,
            Expr::Range { name: "uint8", .. }
        ));
        assert!(matches!(
            field(&labels, root, "c").expr,
            Expr::Builtin(Builtin::Len)
        ));
        assert!(
            matches!(&field(&labels, root, "d").expr, Expr::Selector(x, _) if matches!(&x.expr, Expr::Import(p) if &**p == "strings"))
        );
        assert!(matches!(
            field(&labels, root, "e").expr,
            Expr::Type(BasicType::Int)
        ));
    }

    #[test]
    fn disjunctions_flatten_with_defaults() {
        let (labels, units, _) = compile("a: *1 | 2 | (3 | *4)\n");
        let Expr::Disjunction(d) = &field(&labels, &units[0].root, "a").expr else {
            panic!()
        };
        let marks: Vec<bool> = d.iter().map(|(_, m)| *m).collect();
        assert_eq!(marks, [true, false, false]);
    }

    #[test]
    fn compile_errors_in_upstream_words() {
        assert_eq!(errors("a: b\n"), ["reference \"b\" not found"]);
        assert_eq!(errors("x: {_: 1}\n"), ["cannot use _ as label"]);
        assert_eq!(
            errors("x: {let _ = 1}\n"),
            ["cannot use _ as alias or let clause"]
        );
        assert_eq!(
            errors("x: {_=X: 1}\n"),
            ["cannot use _ as alias or let clause"]
        );
        assert_eq!(errors("\"q\": 1\nr: q\n"), ["reference \"q\" not found"]);
        assert_eq!(
            errors("try { a: 1 }\n"),
            ["try clause requires @experiment(try)"]
        );
        assert_eq!(
            errors("@experiment(try)\nx: {a: 1, b: a?}\n"),
            ["optional marker (?) is only valid within a try clause"]
        );
        assert!(
            errors("@experiment(try)\nc?: 1\ny: {try { x: c? }}\nz: {try v = c? { w: v }}\n")
                .is_empty()
        );
        assert_eq!(
            errors("@experiment(try)\nc?: 1\nz: {try v = c? { w: c? }}\n"),
            ["optional marker (?) is only valid within a try clause"]
        );
        assert_eq!(
            errors("let x = 1\nlet x = 2\ny: x\n"),
            ["x redeclared in same scope"]
        );
        assert_eq!(
            errors("let x = 1\na: [for y in [1] let z = y {}]\nb: {X=(\"k\"): 1}\n"),
            [
                "unreferenced alias or let clause z",
                "unreferenced alias or let clause X",
                "unreferenced alias or let clause x",
            ]
        );
        assert!(errors("c: C=\"k\": {n: 1, m: C.n}\n").is_empty());
    }
}
