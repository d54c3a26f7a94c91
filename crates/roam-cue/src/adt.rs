//! The compiled form of CUE (the "ADT"): what the evaluator works on.
//!
//! Compilation ([`crate::compile`]) turns the syntax tree into these
//! expressions with every identifier resolved: a reference says how many
//! scopes to walk up (`up`) and which label to find there, the way upstream
//! CUE does it. Evaluating a conjunct in the environment where it was written
//! then implements the spec's "a reference is a copy with its references
//! rebound" without copying anything.
//!
//! Scopes are counted like this: every struct literal is one scope (its fields,
//! lets and aliases), and so is every `for`, `let` and `try x =` clause of a
//! comprehension, and the value of every pattern or dynamic field (a "field
//! scope" whose vertex is the field and whose label is the field's label: the
//! evaluator creates one environment for it when it applies the value to an
//! arc); a file's top level is the struct scope of the package.

use crate::num::Number;
use crate::source::Span;
use std::collections::HashMap;
use std::sync::Arc;

/// An interned field label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Feature(pub u32);

/// What kind of label a feature is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LabelKind {
    /// `a`, `"a-b"`: exported.
    Regular,
    /// `#A`
    Definition,
    /// `_a` (scoped to a package).
    Hidden,
    /// `_#A`
    HiddenDefinition,
    /// A `let` binding (never a field).
    Let,
}

impl LabelKind {
    pub fn of_ident(name: &str) -> LabelKind {
        if name.starts_with("_#") {
            LabelKind::HiddenDefinition
        } else if name.starts_with('#') {
            LabelKind::Definition
        } else if name.starts_with('_') {
            LabelKind::Hidden
        } else {
            LabelKind::Regular
        }
    }
}

/// The label interner of one program.
#[derive(Clone, Debug, Default)]
pub struct Labels {
    names: Vec<(Arc<str>, LabelKind)>,
    /// By name, then kind: looked up with a `&str`, without allocating.
    index: LabelIndex,
}

/// Features by name and kind (a name rarely has more than one kind).
pub(crate) type LabelIndex =
    HashMap<Arc<str>, Vec<(LabelKind, Feature)>, foldhash::fast::RandomState>;

impl Labels {
    pub fn intern(&mut self, name: &str, kind: LabelKind) -> Feature {
        if let Some(f) = self.lookup(name, kind) {
            return f;
        }
        let f = Feature(self.names.len() as u32);
        let name: Arc<str> = Arc::from(name);
        self.names.push((name.clone(), kind));
        self.index.entry(name).or_default().push((kind, f));
        f
    }

    pub fn lookup(&self, name: &str, kind: LabelKind) -> Option<Feature> {
        label_index_get(&self.index, name, kind)
    }

    pub fn name(&self, f: Feature) -> &str {
        &self.names[f.0 as usize].0
    }

    pub fn kind(&self, f: Feature) -> LabelKind {
        self.names[f.0 as usize].1
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// The basic kinds of values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BasicType {
    Null,
    Bool,
    Int,
    Float,
    /// `number`: int or float.
    Number,
    String,
    Bytes,
}

/// Operators of unary bound expressions (`>=0`, `!=null`, `=~"x"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BoundOp {
    Lt,
    Le,
    Gt,
    Ge,
    Ne,
    Eq,
    Match,
    NotMatch,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Neg,
    Pos,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    And,
    Or,
    LAnd,
    LOr,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Match,
    NotMatch,
    Add,
    Sub,
    Mul,
    Quo,
}

/// The builtins that are predeclared identifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    Len,
    Close,
    And,
    Or,
    Div,
    Mod,
    Quo,
    Rem,
    MatchN,
    MatchIf,
    Error,
    /// `__closeAll`, `__reclose`, `__no_sharing`: internal.
    CloseAll,
    Reclose,
    NoSharing,
}

/// A compiled expression.
#[derive(Clone, Debug)]
pub enum Expr {
    /// `_`
    Top,
    /// `_|_` written in the source.
    Bottom,
    Null,
    Bool(bool),
    Num(Number),
    Str(Arc<str>),
    Bytes(Arc<[u8]>),
    Type(BasicType),
    /// A predeclared range such as `uint8` or `int32`: `kind & >=min & <=max`
    /// (`uint` has no maximum).
    Range {
        kind: BasicType,
        min: Number,
        max: Option<Number>,
        name: &'static str,
    },
    Bound(BoundOp, Box<Spanned>),
    Struct(Arc<StructLit>),
    List(Arc<ListLit>),
    /// A field of the struct `up` scopes out.
    FieldRef {
        up: u32,
        label: Feature,
    },
    /// The label of a pattern or dynamic field (`[X=string]`, `(X=expr)`), `up` scopes out.
    LabelRef {
        up: u32,
    },
    /// The value of the scope `up` out as a whole: for the field scope of a
    /// pattern or dynamic field, that field (`X=[string]: ...X...`).
    ValueRef {
        up: u32,
    },
    /// A field alias of a dynamic field (`X="\(k)": v`, `X=(k): v`): the field
    /// of the struct `up` scopes out whose label is `key` evaluated there.
    DynamicRef {
        up: u32,
        key: Arc<Spanned>,
    },
    /// The key expression of a dynamic field, evaluated in the struct `up`
    /// scopes out (`(k)~(K,V): v` referenced as `K` from a nested scope).
    DynamicKey {
        up: u32,
        key: Arc<Spanned>,
    },
    /// A `let` binding or comprehension variable `up` scopes out.
    LetRef {
        up: u32,
        label: Feature,
    },
    /// An imported package, by import path.
    Import(Arc<str>),
    Builtin(Builtin),
    Selector(Box<Spanned>, Feature),
    Index(Box<Spanned>, Box<Spanned>),
    Slice(Box<Spanned>, Option<Box<Spanned>>, Option<Box<Spanned>>),
    Interpolation {
        bytes: bool,
        parts: Vec<InterpPart>,
    },
    Unary(UnaryOp, Box<Spanned>),
    Binary(BinaryOp, Box<Spanned>, Box<Spanned>),
    /// `a | *b | c`: the disjuncts, each with its default mark.
    Disjunction(Vec<(Spanned, bool)>),
    Call(Box<Spanned>, Vec<Spanned>),
    /// A list or struct comprehension.
    Comprehension(Arc<Comprehension>),
    /// `x?` (try experiment).
    OptionalRef(Box<Spanned>),
    /// `x...` (explicitopen experiment).
    Open(Box<Spanned>),
    /// An expression that did not compile; the error was reported.
    Error,
}

/// An expression with its source position (file index and span).
#[derive(Clone, Debug)]
pub struct Spanned {
    pub expr: Expr,
    pub pos: Pos,
}

/// A position in one of the program's files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pos {
    pub file: u32,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum InterpPart {
    Lit(Arc<[u8]>),
    Expr(Spanned),
}

/// Field optionality.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArcType {
    Member,
    Optional,
    Required,
}

/// A declaration of a struct literal.
#[derive(Clone, Debug)]
pub enum Decl {
    Field {
        label: Feature,
        arc: ArcType,
        value: Spanned,
        attrs: Arc<[crate::syntax::ast::Attribute]>,
    },
    /// `(expr): value` and interpolated labels.
    DynamicField {
        key: Spanned,
        arc: ArcType,
        value: Spanned,
    },
    /// `[filter]: value`
    Pattern {
        filter: Spanned,
        value: Spanned,
    },
    /// `...` or `...T`
    Ellipsis(Option<Spanned>),
    Let {
        label: Feature,
        value: Spanned,
    },
    Embed(Spanned),
}

#[derive(Clone, Debug)]
pub struct StructLit {
    pub decls: Vec<Decl>,
    /// Whether the literal has a `let`, alias or field scope of its own
    /// (always true; kept for clarity of the scope counting).
    pub pos: Pos,
}

#[derive(Clone, Debug)]
pub enum ListElem {
    Value(Spanned),
    Comprehension(Arc<Comprehension>),
}

#[derive(Clone, Debug)]
pub struct ListLit {
    pub elems: Vec<ListElem>,
    /// `...T` at the end; `Some(Top)` for a bare `...`.
    pub rest: Option<Spanned>,
}

#[derive(Clone, Debug)]
pub enum Clause {
    /// Binds `key` (if any) and `value` in one new scope.
    For {
        key: Option<Feature>,
        value: Feature,
        source: Spanned,
    },
    If(Spanned),
    /// One new scope.
    Let {
        label: Feature,
        value: Spanned,
    },
    /// `try x = e` (one new scope) or struct-form `try` (none).
    Try {
        bind: Option<(Feature, Spanned)>,
    },
}

#[derive(Clone, Debug)]
pub struct Comprehension {
    pub clauses: Vec<Clause>,
    /// The body struct (compiled inside the clause scopes).
    pub body: Arc<StructLit>,
    pub fallback: Option<Arc<StructLit>>,
}

/// One compiled file.
#[derive(Clone, Debug)]
pub struct FileUnit {
    pub name: String,
    pub package: Option<String>,
    pub imports: Vec<(Feature, Arc<str>)>,
    pub experiments: Vec<String>,
    /// The file's top level as a struct literal (the package scope).
    pub root: Arc<StructLit>,
}

/// The feature of `name` as a label of `kind` in `index`.
pub(crate) fn label_index_get(index: &LabelIndex, name: &str, kind: LabelKind) -> Option<Feature> {
    index
        .get(name)?
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, f)| *f)
}
