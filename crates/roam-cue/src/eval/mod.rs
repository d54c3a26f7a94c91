//! The evaluator: compiled CUE ([`crate::adt`]) → a graph of values.
//!
//! See `docs/design/cue-evaluator.md` for the design. In short:
//!
//! * A [`Program`] is compiled once and immutable; an [`Instance`] is one
//!   evaluation of it. The instance owns an arena of [`Vertex`]es (nodes of
//!   the value graph) and environments; dropping the instance frees them all.
//! * A vertex holds *conjuncts* — an expression and the environment it was
//!   written in. A reference adds the conjuncts of its target (not its
//!   value), which implements the spec's "copy with rebinding": the target's
//!   struct literals are evaluated again with this vertex as their struct, so
//!   their internal references see this vertex's fields.
//! * Evaluation is demand-driven: [`Instance::eval`] brings one vertex to the
//!   point where its value and arc set are known; children are evaluated
//!   when looked at.
//! * Disjunctions are resolved per vertex by evaluating a clone of the
//!   vertex for each combination of disjuncts; closedness is a check after
//!   the arc set is known (requirement sets, as upstream's typo check).

mod calls;
mod core;
mod export;
mod host;
mod ops;
mod order;
mod print;
mod stdcall;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;

use smallvec::SmallVec;

use crate::adt::{self, ArcType, Feature, LabelKind, Labels, Pos, Spanned, StructLit};
use crate::compile::{self, CompileError};
use crate::diag::Diagnostic;
use crate::num::Number;
use crate::source::SourceFile;
use crate::syntax;

pub use crate::adt::{ArcType as FieldArc, LabelKind as FieldKind};
pub use calls::{Call, CallFailure, CallOutcome, CallRun, run_calls};
pub use export::ExportError;
pub use host::{FieldFilter, FieldInfo, Step, ValueState};
pub use print::PrintOptions;

/// Hash maps and sets of the evaluator: keys are labels and indexes, hashed
/// with foldhash (seeded per process) rather than SipHash.
pub(crate) type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
pub(crate) type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// Index of a vertex in an instance's arena.
pub type VId = u32;
/// Index of an environment in an instance's arena.
pub type EnvId = u32;

/// Error codes, with upstream's meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrCode {
    /// A permanent failure (conflicting values, field not allowed…).
    Eval,
    /// From the `error()` builtin or a `_|_` literal.
    User,
    /// A structural cycle.
    StructuralCycle,
    /// A reference cycle (treated like incomplete).
    Cycle,
    /// Not enough information yet.
    Incomplete,
}

impl ErrCode {
    pub fn name(self) -> &'static str {
        match self {
            ErrCode::Eval => "eval",
            ErrCode::User => "user",
            ErrCode::StructuralCycle => "structural_cycle",
            ErrCode::Cycle => "cycle",
            ErrCode::Incomplete => "incomplete",
        }
    }

    /// Incomplete and cycle errors may go away with more information.
    pub fn is_incomplete(self) -> bool {
        matches!(self, ErrCode::Incomplete | ErrCode::Cycle)
    }
}

/// An error value (bottom).
#[derive(Clone, Debug, PartialEq)]
pub struct Bottom {
    pub code: ErrCode,
    pub msg: String,
    pub pos: Vec<Pos>,
}

impl Bottom {
    pub fn new(code: ErrCode, msg: impl Into<String>) -> Bottom {
        Bottom {
            code,
            msg: msg.into(),
            pos: Vec::new(),
        }
    }
    pub fn at(mut self, pos: Pos) -> Bottom {
        if pos != Pos::default() && !self.pos.contains(&pos) {
            self.pos.push(pos);
        }
        self
    }
    pub fn eval(msg: impl Into<String>) -> Bottom {
        Bottom::new(ErrCode::Eval, msg)
    }
    pub fn incomplete(msg: impl Into<String>) -> Bottom {
        Bottom::new(ErrCode::Incomplete, msg)
    }
}

/// A concrete scalar.
#[derive(Clone, Debug, PartialEq)]
pub enum Atom {
    Null,
    Bool(bool),
    Num(Number),
    Str(Arc<str>),
    Bytes(Arc<[u8]>),
}

impl Atom {
    pub fn kind(&self) -> u16 {
        match self {
            Atom::Null => K_NULL,
            Atom::Bool(_) => K_BOOL,
            Atom::Num(n) if n.is_int() => K_INT,
            Atom::Num(_) => K_FLOAT,
            Atom::Str(_) => K_STRING,
            Atom::Bytes(_) => K_BYTES,
        }
    }
}

// Kind bits.
pub const K_NULL: u16 = 1;
pub const K_BOOL: u16 = 2;
pub const K_INT: u16 = 4;
pub const K_FLOAT: u16 = 8;
pub const K_STRING: u16 = 16;
pub const K_BYTES: u16 = 32;
pub const K_LIST: u16 = 64;
pub const K_STRUCT: u16 = 128;
pub const K_NUMBER: u16 = K_INT | K_FLOAT;
pub const K_SCALAR: u16 = K_NULL | K_BOOL | K_NUMBER | K_STRING | K_BYTES;
pub const K_TOP: u16 = K_SCALAR | K_LIST | K_STRUCT;

/// The name of a kind set as upstream writes it (`int`, `string|bytes`).
pub fn kind_name(k: u16) -> String {
    if k == K_TOP {
        return "_".into();
    }
    if k == 0 {
        return "_|_".into();
    }
    let mut parts = Vec::new();
    let mut rest = k;
    let named: &[(u16, &str)] = &[
        (K_NULL, "null"),
        (K_BOOL, "bool"),
        (K_NUMBER, "number"),
        (K_INT, "int"),
        (K_FLOAT, "float"),
        (K_STRING, "string"),
        (K_BYTES, "bytes"),
        (K_LIST, "list"),
        (K_STRUCT, "struct"),
    ];
    for &(bits, name) in named {
        if rest & bits == bits {
            parts.push(name);
            rest &= !bits;
        }
    }
    parts.join("|")
}

/// A bound constraint (`>=0`, `!=""`, `=~"^a"`).
#[derive(Clone, Debug, PartialEq)]
pub struct Bound {
    pub op: adt::BoundOp,
    pub value: Atom,
}

/// A validator: a builtin called later with the value (`strings.MinRunes(3)`).
#[derive(Clone, Debug)]
pub enum Validator {
    Std {
        pkg: Arc<str>,
        func: &'static crate::stdlib::Func,
        args: Vec<crate::stdlib::Val>,
        pos: Pos,
    },
    /// `matchN(n, [schemas])`: `n` is a vertex (a number or a bound).
    MatchN { n: VId, schemas: Vec<VId>, pos: Pos },
    /// `matchIf(if, then, else)`.
    MatchIf {
        cond: VId,
        then: VId,
        els: VId,
        pos: Pos,
    },
}

/// A vertex's label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Label {
    Root,
    Field(Feature),
    Index(u32),
    /// A temporary vertex (an operand, a let, a comprehension binding).
    Temp,
}

/// What a conjunct is.
#[derive(Clone, Copy, Debug)]
pub enum CX<'p> {
    Expr(&'p Spanned),
    Struct(&'p StructLit, Pos),
    /// An evaluated vertex, unified by value (computed data, fills).
    Vertex(VId),
}

/// An expression in the environment it was written in.
#[derive(Clone, Copy, Debug)]
pub struct Conjunct<'p> {
    pub x: CX<'p>,
    pub env: EnvId,
    /// Closedness group (0: none).
    pub close: u32,
    /// Literal id (per vertex) of the struct literal that embedded this
    /// conjunct (0: none).
    pub embed: u32,
    /// The closedness group of the referencing context when this conjunct
    /// came through a reference from inside another closed group (a
    /// definition referring to another): the literal then declares fields
    /// for that group too.
    pub outer: u32,
    /// Provenance for field order (an index into `Instance::provs`; 0:
    /// none): the reference it came through, explicit unification.
    pub prov: u32,
}

/// How a conjunct reached its vertex, for the export order of fields.
#[derive(Clone, Copy, Debug, Default)]
pub struct Prov {
    /// Position of the first reference the conjunct came through.
    pub via: Option<Pos>,
    /// An operand of `&`.
    pub explicit: bool,
}

/// A struct literal unified into a vertex, as the export order of fields
/// sees it (upstream's `StructInfo`).
#[derive(Clone, Debug, Default)]
pub struct TopoLit {
    /// Identity of the literal (its address; 0 for a value unified by value).
    pub src: usize,
    pub pos: Option<Pos>,
    /// Reached through a reference at this position.
    pub via: Option<Pos>,
    /// A reference embedded in this literal resolved at this position.
    pub via_embed: Option<Pos>,
    pub explicit: bool,
    /// The fields it declares: declaration index, label, position.
    pub entries: Vec<(u32, Feature, Option<Pos>)>,
    pub has_dyn: bool,
}

impl<'p> Conjunct<'p> {
    fn same(&self, o: &Conjunct<'p>) -> bool {
        self.env == o.env
            && self.close == o.close
            && match (self.x, o.x) {
                (CX::Expr(a), CX::Expr(b)) => std::ptr::eq(a, b),
                (CX::Struct(a, _), CX::Struct(b, _)) => std::ptr::eq(a, b),
                (CX::Vertex(a), CX::Vertex(b)) => a == b,
                _ => false,
            }
    }
}

/// A binding of a let or comprehension variable.
#[derive(Clone, Copy, Debug)]
pub enum Binding {
    Vertex(VId),
}

/// One scope instance.
#[derive(Clone, Debug)]
pub struct Env<'p> {
    pub up: Option<EnvId>,
    pub vertex: VId,
    /// The struct literal of a struct scope (for its lets).
    pub lit: Option<&'p StructLit>,
    /// The label of a field scope (pattern or dynamic field value).
    pub label: Option<Label>,
    pub binds: Vec<(Feature, Binding)>,
    /// For a dynamic-field key evaluated in this struct scope.
    pub dyn_keys: Vec<(*const Spanned, Feature)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    New,
    Evaluating,
    Done,
}

/// Per-vertex closedness bookkeeping.
#[derive(Clone, Debug, Default)]
pub struct LitInfo {
    pub group: u32,
    pub outer: u32,
    pub parent: u32,
    /// (The fields it declares are the entries of the `TopoLit` at the
    /// same index.)
    pub patterns: Vec<usize>,
    pub open: bool,
}

/// A list's shape as conjuncts declare it.
#[derive(Clone, Debug, Default)]
pub struct ListShape<'p> {
    /// Lengths of closed list literals.
    pub closed: Option<usize>,
    /// Largest length of any literal.
    pub max: usize,
    /// `...T` of open literals: from index, constraint.
    pub rests: Vec<(usize, Conjunct<'p>)>,
    pub open: bool,
}

/// A node of the value graph.
#[derive(Clone, Debug)]
pub struct Vertex<'p> {
    pub parent: Option<VId>,
    pub label: Label,
    pub arc: ArcType,
    /// For a disjunct clone: the vertex it is a clone of.
    pub orig: VId,
    pub conjuncts: Vec<Conjunct<'p>>,
    pub status: Status,
    pub kinds: u16,
    pub atom: Option<Atom>,
    pub bounds: Vec<Bound>,
    pub validators: Vec<Validator>,
    pub err: Option<Arc<Bottom>>,
    pub is_struct: bool,
    pub is_list: bool,
    pub arcs: Vec<VId>,
    pub patterns: Vec<(Conjunct<'p>, Conjunct<'p>)>,
    pub list: ListShape<'p>,
    /// A resolved disjunction: the disjunct vertices and their default marks.
    pub disj: Option<Arc<Vec<(VId, bool)>>>,
    /// Whether the disjunction had default marks (even if none survived).
    pub disj_marked: bool,
    pub lits: Vec<LitInfo>,
    /// Field-order records, one per entry of `lits`.
    pub topo: Vec<TopoLit>,
    /// Labels of fields a pending comprehension will add, with the number
    /// of arcs at the time (they take that place in the arc order).
    pub reserved: Vec<(u32, Feature)>,
    /// Comprehensions embedded in a struct, not yet expanded: (comprehension,
    /// env, close, embed lid). A field they declare runs them first.
    pub pcomps: Vec<(&'p adt::Comprehension, EnvId, u32, u32)>,
    /// Dynamic fields not yet added: (key, arc, value, env, close, lid,
    /// declaration index).
    pub pdyns: Vec<PendingDyn<'p>>,
    /// Closedness groups active on this vertex.
    pub closed: Vec<u32>,
    /// Targets of references added here (structural cycle detection).
    pub refs: SmallVec<[VId; 4]>,
    /// Attributes of the declarations that made this field.
    pub attrs: Vec<Arc<[syntax::ast::Attribute]>>,
    /// Whether a closedness `close()` or definition made this vertex closed.
    pub is_closed: bool,
    /// Disjunctions already expanded by the vertex this one is a disjunct of.
    pub skip_disj: SmallVec<[DisjKey; 1]>,
    /// The conjuncts the vertex had when its evaluation started (what a
    /// reference copies; the rest are derived while evaluating).
    pub base: Vec<Conjunct<'p>>,
    /// `Some(n)`: `base` is not materialised, it is `conjuncts[..n]` (the
    /// conjuncts are only appended to while that prefix is intact); copied
    /// into `base` before anything is inserted into the prefix. Saves a
    /// copy per evaluated vertex.
    pub base_len: Option<u32>,
    /// A struct literal with only embeddings (and definitions or hidden
    /// fields) was unified here: a struct unless an embedded value says
    /// otherwise (`{5}` is 5, `{_}` is `{}`).
    pub weak_struct: bool,
    /// While processing: where conjuncts of a reference are inserted (right
    /// after the conjunct being processed, to keep declaration order).
    pub insert_at: usize,
    /// The vertex ended in a cycle error through a vertex whose evaluation
    /// was still in progress: re-evaluated once the cycle made progress.
    pub provisional: bool,
    /// The cycle generation of a provisional result.
    pub prov_gen: u32,
}

/// A dynamic field waiting for its vertex's other conjuncts.
pub type PendingDyn<'p> = (&'p Spanned, ArcType, &'p Spanned, EnvId, u32, u32, u32);

/// Identifies a disjunction expression in an environment.
pub type DisjKey = (usize, EnvId);

impl<'p> Vertex<'p> {
    /// The conjuncts the vertex had when its evaluation started.
    pub(crate) fn base_conjuncts(&self) -> &[Conjunct<'p>] {
        match self.base_len {
            Some(n) => &self.conjuncts[..n as usize],
            None => &self.base,
        }
    }

    fn new(parent: Option<VId>, label: Label, id: VId) -> Vertex<'p> {
        Vertex {
            parent,
            label,
            arc: ArcType::Member,
            orig: id,
            conjuncts: Vec::new(),
            status: Status::New,
            kinds: K_TOP,
            atom: None,
            bounds: Vec::new(),
            validators: Vec::new(),
            err: None,
            is_struct: false,
            is_list: false,
            arcs: Vec::new(),
            patterns: Vec::new(),
            list: ListShape::default(),
            disj: None,
            disj_marked: false,
            lits: Vec::new(),
            topo: Vec::new(),
            reserved: Vec::new(),
            pcomps: Vec::new(),
            pdyns: Vec::new(),
            closed: Vec::new(),
            refs: SmallVec::new(),
            attrs: Vec::new(),
            is_closed: false,
            skip_disj: SmallVec::new(),
            base: Vec::new(),
            base_len: None,
            weak_struct: false,
            insert_at: usize::MAX,
            provisional: false,
            prov_gen: 0,
        }
    }
}

/// A compiled program: one package's files.
pub struct Program {
    pub labels: Labels,
    pub files: Vec<Arc<SourceFile>>,
    pub units: Vec<adt::FileUnit>,
    /// Host packages the program may import (`vela/kube`, …).
    pub hosts: Vec<Arc<HostPackage>>,
    /// Arena sizes (vertices, environments) the last instance of this
    /// program ended with: a new instance reserves that much at once
    /// instead of growing (and copying) its arenas step by step. A hint
    /// only; it changes no result.
    arena_hint: [std::sync::atomic::AtomicU32; 2],
}

/// A package the host registers under an import path: CUE source (its
/// declarations, as a package file body without imports) and native
/// functions. Programs compiled with [`Program::compile_with_packages`] can
/// import it like a standard-library package.
#[derive(Debug)]
pub struct HostPackage {
    pub path: String,
    pub cue: String,
    pub funcs: &'static [crate::stdlib::Func],
}

/// A package of either kind, as the evaluator sees it.
pub(crate) struct PkgView<'a> {
    pub path: &'a str,
    pub funcs: &'static [crate::stdlib::Func],
    pub consts: &'a [(&'static str, crate::stdlib::ConstFn)],
    pub has_cue: bool,
}

impl Program {
    /// The standard-library or host package at `path`.
    pub(crate) fn package(&self, path: &str) -> Option<PkgView<'_>> {
        if let Some(p) = crate::stdlib::package(path) {
            return Some(PkgView {
                path: p.path,
                funcs: p.funcs,
                consts: p.consts,
                has_cue: !p.cue.is_empty(),
            });
        }
        self.hosts.iter().find(|h| h.path == path).map(|h| PkgView {
            path: &h.path,
            funcs: h.funcs,
            consts: &[],
            has_cue: !h.cue.trim().is_empty(),
        })
    }
}

/// Errors from compiling a program.
#[derive(Debug)]
pub struct CompileErrors(pub Vec<Diagnostic>);

impl std::fmt::Display for CompileErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", d.render())?;
        }
        Ok(())
    }
}

impl std::error::Error for CompileErrors {}

impl Program {
    /// Parses and compiles source files of one package.
    pub fn compile(sources: &[(&str, &str)]) -> Result<Program, CompileErrors> {
        let files: Vec<Arc<SourceFile>> = sources
            .iter()
            .map(|(n, t)| SourceFile::new(*n, *t))
            .collect();
        Self::compile_files(files)
    }

    pub fn compile_files(files: Vec<Arc<SourceFile>>) -> Result<Program, CompileErrors> {
        Self::compile_inner(files, &[], None)
    }

    /// Like [`Program::compile`], with host packages importable.
    pub fn compile_with_packages(
        sources: &[(&str, &str)],
        hosts: &[Arc<HostPackage>],
    ) -> Result<Program, CompileErrors> {
        let files: Vec<Arc<SourceFile>> = sources
            .iter()
            .map(|(n, t)| SourceFile::new(*n, *t))
            .collect();
        Self::compile_inner(files, hosts, None)
    }

    /// Like [`Program::compile_files`], with host packages importable.
    pub fn compile_files_with(
        files: Vec<Arc<SourceFile>>,
        hosts: &[Arc<HostPackage>],
    ) -> Result<Program, CompileErrors> {
        Self::compile_inner(files, hosts, None)
    }

    /// Parses and compiles source files of one package; in file
    /// `lookup_file` (an `-e` expression), identifiers not declared
    /// anywhere name fields looked up when evaluated, so that fields made
    /// by comprehensions are found.
    pub fn compile_with_lookup(
        sources: &[(&str, &str)],
        lookup_file: usize,
    ) -> Result<Program, CompileErrors> {
        let files: Vec<Arc<SourceFile>> = sources
            .iter()
            .map(|(n, t)| SourceFile::new(*n, *t))
            .collect();
        Self::compile_inner(files, &[], Some(lookup_file))
    }

    fn compile_inner(
        files: Vec<Arc<SourceFile>>,
        hosts: &[Arc<HostPackage>],
        lookup_file: Option<usize>,
    ) -> Result<Program, CompileErrors> {
        let mut diags = Vec::new();
        let mut asts = Vec::new();
        for f in &files {
            let p = syntax::parse_file(f);
            for e in &p.errors {
                diags.push(Diagnostic::from_syntax(f, e));
            }
            asts.push(p.value);
        }
        if !diags.is_empty() {
            return Err(CompileErrors(diags));
        }
        // Standard-library packages partly written in CUE: their source is
        // compiled with the program, as a hidden field per package.
        let mut pkg_sources: Vec<(String, String)> = Vec::new();
        for f in &asts {
            for spec in f.imports() {
                let path = spec.path_value();
                let path = path.split(':').next().unwrap_or("").to_string();
                if pkg_sources.iter().any(|(p, _)| *p == path) {
                    continue;
                }
                if let Some(p) = crate::stdlib::package(&path) {
                    if !p.cue.is_empty() {
                        pkg_sources.push((path, p.cue.to_string()));
                    }
                } else if let Some(h) = hosts.iter().find(|h| h.path == path)
                    && !h.cue.trim().is_empty()
                {
                    // A package file body: its declarations, without a
                    // package clause, as one struct.
                    let body: Vec<&str> = h
                        .cue
                        .lines()
                        .filter(|l| !l.trim_start().starts_with("package "))
                        .collect();
                    pkg_sources.push((path, format!("{{\n{}\n}}", body.join("\n"))));
                }
            }
        }
        let mut files = files;
        for (path, cue) in &pkg_sources {
            let text = format!("{}: {}\n", pkg_field(path), cue);
            let f = SourceFile::new(format!("<package {path}>"), text);
            let parsed = syntax::parse_file(&f);
            if let Some(e) = parsed.errors.first() {
                return Err(CompileErrors(vec![Diagnostic::from_syntax(&f, e)]));
            }
            asts.push(parsed.value);
            files.push(f);
        }
        let mut labels = Labels::default();
        let (units, errs) = compile::compile_package_with(&mut labels, &asts, lookup_file);
        if !errs.is_empty() {
            return Err(CompileErrors(
                errs.iter().map(|e| diag_of(&files, e)).collect(),
            ));
        }
        // Unknown imports are compile errors.
        let mut diags = Vec::new();
        for (u, f) in units.iter().zip(&asts) {
            for spec in f.imports() {
                let path = spec.path_value();
                let path = path.split(':').next().unwrap_or("");
                if crate::stdlib::package(path).is_none() && !hosts.iter().any(|h| h.path == path) {
                    let fi = units.iter().position(|x| std::ptr::eq(x, u)).unwrap_or(0);
                    diags.push(Diagnostic {
                        file: files[fi].clone(),
                        span: spec.span,
                        message: format!("package {path:?} not found (roam knows the standard library packages only)"),
                        related: Vec::new(),
                    });
                }
            }
        }
        if !diags.is_empty() {
            return Err(CompileErrors(diags));
        }
        Ok(Program {
            labels,
            files,
            units,
            hosts: hosts.to_vec(),
            arena_hint: Default::default(),
        })
    }

    /// A new evaluation of this program.
    pub fn instance(&self) -> Instance<'_> {
        Instance::new(self)
    }

    pub fn label_name(&self, f: Feature) -> &str {
        self.labels.name(f)
    }
}

fn diag_of(files: &[Arc<SourceFile>], e: &CompileError) -> Diagnostic {
    Diagnostic {
        file: files
            .get(e.pos.file as usize)
            .cloned()
            .unwrap_or_else(|| SourceFile::new("-", "")),
        span: e.pos.span,
        message: e.message.clone(),
        related: Vec::new(),
    }
}

/// Labels created during evaluation (dynamic fields) on top of the program's.
pub struct LabelTable<'p> {
    base: &'p Labels,
    base_count: u32,
    extra: Vec<(Arc<str>, LabelKind)>,
    index: adt::LabelIndex,
}

impl<'p> LabelTable<'p> {
    fn base_len(&self) -> u32 {
        self.base_count
    }
    pub fn name(&self, f: Feature) -> &str {
        if f.0 < self.base_len() {
            self.base.name(f)
        } else {
            &self.extra[(f.0 - self.base_len()) as usize].0
        }
    }
    pub fn kind(&self, f: Feature) -> LabelKind {
        if f.0 < self.base_len() {
            self.base.kind(f)
        } else {
            self.extra[(f.0 - self.base_len()) as usize].1
        }
    }
    pub fn intern(&mut self, name: &str, kind: LabelKind) -> Feature {
        if let Some(f) = self.lookup(name, kind) {
            return f;
        }
        let f = Feature(self.base_len() + self.extra.len() as u32);
        let name: Arc<str> = Arc::from(name);
        self.extra.push((name.clone(), kind));
        self.index.entry(name).or_default().push((kind, f));
        f
    }
    pub fn lookup(&self, name: &str, kind: LabelKind) -> Option<Feature> {
        self.base
            .lookup(name, kind)
            .or_else(|| adt::label_index_get(&self.index, name, kind))
    }
}

/// One evaluation of a program.
pub struct Instance<'p> {
    pub prog: &'p Program,
    pub labels: LabelTable<'p>,
    pub vs: Vec<Vertex<'p>>,
    pub envs: Vec<Env<'p>>,
    pub root: VId,
    /// Closedness groups: parent group and whether children inherit.
    groups: Vec<(u32, bool)>,
    child_groups: FastMap<(u32, Feature), u32>,
    /// Group g's literals also declare fields for these groups (a
    /// definition used inside another definition's body).
    within: FastMap<u32, Vec<u32>>,
    steps: u64,
    pub max_steps: u64,
    depth: u32,
    budget_exceeded: bool,
    eval_stack: Vec<VId>,
    /// Lowest index in `eval_stack` of an in-progress vertex a cycle
    /// reached during the current evaluation (`usize::MAX`: none).
    pub(crate) cycle_hit: usize,
    /// Bumped whenever a cycle root retries its cyclic conjuncts;
    /// provisional results from older generations are recomputed.
    pub(crate) cycle_gen: u32,
    /// Cyclic conjuncts a vertex with a concrete value set aside: checked
    /// against it once the evaluation at the given `eval_stack` index (the
    /// root of the cycle) is complete.
    pub(crate) cycle_checks: Vec<(VId, Conjunct<'p>, usize)>,
    /// Conjunct provenances (index 0: none).
    pub(crate) provs: Vec<Prov>,
    /// Compiled regular expressions by pattern.
    regex_cache: FastMap<Arc<str>, Result<Arc<crate::golang::regex::GoRegex>, String>>,
}

impl Drop for Instance<'_> {
    fn drop(&mut self) {
        // Capped: a runaway instance should not make every later one
        // reserve its size.
        let cap = |n: usize| n.min(1 << 16) as u32;
        self.prog.arena_hint[0].store(cap(self.vs.len()), Relaxed);
        self.prog.arena_hint[1].store(cap(self.envs.len()), Relaxed);
    }
}

/// The default step budget: enough for any sane program, small enough that
/// a runaway disjunction or comprehension ends in an error in seconds.
pub const DEFAULT_MAX_STEPS: u64 = 20_000_000;

impl<'p> Instance<'p> {
    pub fn new(prog: &'p Program) -> Instance<'p> {
        let mut inst = Instance {
            prog,
            labels: LabelTable {
                base: &prog.labels,
                base_count: prog.labels.len() as u32,
                extra: Vec::new(),
                index: Default::default(),
            },
            vs: Vec::with_capacity(prog.arena_hint[0].load(Relaxed) as usize),
            envs: Vec::with_capacity(prog.arena_hint[1].load(Relaxed) as usize),
            root: 0,
            groups: vec![(0, false)],
            child_groups: FastMap::default(),
            within: FastMap::default(),
            steps: 0,
            max_steps: DEFAULT_MAX_STEPS,
            depth: 0,
            budget_exceeded: false,
            eval_stack: Vec::new(),
            cycle_hit: usize::MAX,
            cycle_gen: 0,
            cycle_checks: Vec::new(),
            regex_cache: FastMap::default(),
            provs: vec![Prov::default()],
        };
        let root = inst.new_vertex(None, Label::Root);
        inst.root = root;
        let env = inst.new_env(Env {
            up: None,
            vertex: root,
            lit: None,
            label: None,
            binds: Vec::new(),
            dyn_keys: Vec::new(),
        });
        for u in &prog.units {
            inst.vs[root as usize].conjuncts.push(Conjunct {
                x: CX::Struct(&u.root, u.root.pos),
                env,
                close: 0,
                embed: 0,
                outer: 0,
                prov: 0,
            });
        }
        inst
    }

    pub(crate) fn new_vertex(&mut self, parent: Option<VId>, label: Label) -> VId {
        let id = self.vs.len() as VId;
        // A temporary hangs below the vertex being evaluated, so that
        // structural cycles through temporaries are seen.
        let parent = match (parent, label) {
            (None, Label::Temp) => self.eval_stack.last().copied(),
            _ => parent,
        };
        self.vs.push(Vertex::new(parent, label, id));
        id
    }

    pub(crate) fn new_env(&mut self, e: Env<'p>) -> EnvId {
        let id = self.envs.len() as EnvId;
        self.envs.push(e);
        id
    }

    pub(crate) fn v(&self, id: VId) -> &Vertex<'p> {
        &self.vs[id as usize]
    }

    pub(crate) fn vm(&mut self, id: VId) -> &mut Vertex<'p> {
        &mut self.vs[id as usize]
    }

    /// The label's name for paths and messages.
    pub fn label_string(&self, l: Label) -> String {
        match l {
            Label::Root | Label::Temp => String::new(),
            Label::Field(f) => {
                let name = self.labels.name(f);
                let name = name.split('$').next().unwrap_or(name);
                if self.labels.kind(f) == LabelKind::Regular && !is_identifier(name) {
                    crate::golang::strconv::quote(name)
                } else {
                    name.to_string()
                }
            }
            Label::Index(i) => i.to_string(),
        }
    }

    /// The path of a vertex from the root (`a.b.0`).
    pub fn path(&self, mut id: VId) -> String {
        let mut parts = Vec::new();
        loop {
            let v = self.v(id);
            match v.label {
                Label::Root => break,
                Label::Temp => {}
                l => parts.push(self.label_string(l)),
            }
            match v.parent {
                Some(p) => id = p,
                None => break,
            }
        }
        parts.reverse();
        parts.join(".")
    }

    /// Fills a JSON value at a path of regular field names (creating
    /// fields as needed). Must be called before the path is evaluated.
    pub fn fill_json(&mut self, path: &[&str], value: &serde_json::Value) -> Result<(), Bottom> {
        let data = self.vertex_from_json(value);
        self.fill_vertex(path, data)
    }

    /// Fills a JSON object given as borrowed fields at `path`: the same as
    /// [`Instance::fill_json`] with an object of these fields (a later
    /// duplicate name wins, as in a map), without building the object.
    pub fn fill_json_fields(
        &mut self,
        path: &[&str],
        fields: &[(&str, &serde_json::Value)],
    ) -> Result<(), Bottom> {
        // A JSON object's fields come in key order (serde_json's map).
        let mut sorted: Vec<(&str, &serde_json::Value)> = Vec::with_capacity(fields.len());
        for &(k, v) in fields {
            match sorted.binary_search_by(|(x, _)| (*x).cmp(k)) {
                Ok(i) => sorted[i].1 = v,
                Err(i) => sorted.insert(i, (k, v)),
            }
        }
        let s = self.new_vertex(None, Label::Temp);
        let x = self.vm(s);
        x.status = Status::Done;
        x.is_struct = true;
        x.kinds = K_STRUCT;
        for (k, item) in sorted {
            let f = self.labels.intern(k, LabelKind::Regular);
            let c = self.new_vertex(Some(s), Label::Field(f));
            self.set_json(c, item);
            self.vm(s).arcs.push(c);
        }
        self.fill_vertex(path, s)
    }

    /// Fills an evaluated vertex (from [`Instance::vertex_from_json`] or any
    /// evaluated value) at `path`.
    pub fn fill_vertex(&mut self, path: &[&str], data: VId) -> Result<(), Bottom> {
        // Wrap the data in struct levels at the root, by value.
        let mut cur = data;
        for name in path.iter().rev() {
            let f = self.labels.intern(name, LabelKind::of_ident(name));
            let s = self.new_vertex(None, Label::Temp);
            self.vm(s).is_struct = true;
            self.vm(s).kinds = K_STRUCT;
            self.vm(s).status = Status::Done;
            self.vm(cur).parent = Some(s);
            self.vm(cur).label = Label::Field(f);
            self.vm(s).arcs.push(cur);
            cur = s;
        }
        let root = self.root;
        if self.v(root).status != Status::New {
            return Err(Bottom::eval(
                "cannot fill a value after evaluation has started",
            ));
        }
        self.vm(root).conjuncts.push(Conjunct {
            x: CX::Vertex(cur),
            env: 0,
            close: 0,
            embed: 0,
            outer: 0,
            prov: 0,
        });
        Ok(())
    }

    /// Builds an evaluated vertex from JSON data.
    pub fn vertex_from_json(&mut self, value: &serde_json::Value) -> VId {
        let v = self.new_vertex(None, Label::Temp);
        self.set_json(v, value);
        v
    }

    fn set_json(&mut self, v: VId, value: &serde_json::Value) {
        use serde_json::Value as J;
        self.vm(v).status = Status::Done;
        let atom = match value {
            J::Null => Atom::Null,
            J::Bool(b) => Atom::Bool(*b),
            // Integers directly (the same value as parsing their text,
            // without the text; `tests/num.rs` checks they agree).
            J::Number(n) if n.is_i64() => Atom::Num(Number::from(n.as_i64().unwrap_or(0))),
            J::Number(n) if n.is_u64() => Atom::Num(Number::from(n.as_u64().unwrap_or(0))),
            J::Number(n) => {
                let s = n.to_string();
                match Number::parse(&s) {
                    Ok(n) => Atom::Num(n),
                    Err(_) => Atom::Str(Arc::from(s.as_str())),
                }
            }
            J::String(s) => Atom::Str(Arc::from(s.as_str())),
            J::Array(items) => {
                let x = self.vm(v);
                x.is_list = true;
                x.kinds = K_LIST;
                x.list.closed = Some(items.len());
                x.list.max = items.len();
                for (i, item) in items.iter().enumerate() {
                    let c = self.new_vertex(Some(v), Label::Index(i as u32));
                    self.set_json(c, item);
                    self.vm(v).arcs.push(c);
                }
                return;
            }
            J::Object(m) => {
                let x = self.vm(v);
                x.is_struct = true;
                x.kinds = K_STRUCT;
                for (k, item) in m {
                    let f = self.labels.intern(k, LabelKind::Regular);
                    let c = self.new_vertex(Some(v), Label::Field(f));
                    self.set_json(c, item);
                    self.vm(v).arcs.push(c);
                }
                return;
            }
        };
        let k = atom.kind();
        let x = self.vm(v);
        x.kinds = k;
        x.atom = Some(atom);
    }

    /// Looks up a path of field names from the root (after evaluating what
    /// it passes through). Defaults are not taken.
    pub fn lookup(&mut self, path: &[&str]) -> Option<VId> {
        let mut cur = self.root;
        for name in path {
            self.eval(cur);
            cur = self.resolve_default(cur);
            let f = self.labels.lookup(name, LabelKind::of_ident(name))?;
            cur = self.find_arc(cur, Label::Field(f))?;
        }
        self.eval(cur);
        Some(cur)
    }

    /// A source position as `file:line:col`.
    pub fn pos_string(&self, p: Pos) -> String {
        match self.prog.files.get(p.file as usize) {
            Some(f) => format!("{}:{}", f.name(), f.line_col(p.span.start)),
            None => String::new(),
        }
    }

    /// A diagnostic for an error of vertex `v`.
    pub fn diagnostic(&self, v: VId, b: &Bottom) -> String {
        let path = self.path(v);
        let mut out = if path.is_empty() {
            b.msg.clone()
        } else {
            format!("{path}: {}", b.msg)
        };
        for p in &b.pos {
            if let Some(f) = self.prog.files.get(p.file as usize) {
                let d = Diagnostic {
                    file: f.clone(),
                    span: p.span,
                    message: String::new(),
                    related: Vec::new(),
                };
                let r = d.render();
                // Keep "file:line:col" and the snippet, drop the empty message.
                let mut lines = r.lines();
                let head = lines.next().unwrap_or("");
                let head = head.trim_end_matches(": ").trim_end_matches(':');
                out.push_str(&format!("\n    {head}"));
                for l in lines {
                    out.push_str(&format!("\n    {l}"));
                }
            }
        }
        out
    }

    pub(crate) fn span_text(&self, p: Pos) -> &str {
        match self.prog.files.get(p.file as usize) {
            Some(f) if (p.span.end as usize) <= f.text().len() => f.slice(p.span),
            _ => "",
        }
    }
}

/// The hidden field holding a standard-library package's CUE source.
pub(crate) fn pkg_field(path: &str) -> String {
    format!("_roampkg_{}", path.replace(['/', '.', '-'], "_"))
}

pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' || c == '$' || c == '#' => {}
        _ => return false,
    }
    chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}
