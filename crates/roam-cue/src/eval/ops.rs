//! Expression evaluation: references, operators, interpolation, builtins.

use std::sync::Arc;

use super::core::{atom_cmp, atom_eq_loose};
use super::*;
use crate::adt::{BinaryOp, Builtin, Expr, InterpPart, UnaryOp};

/// The result of evaluating an expression as an operand.
#[derive(Clone, Debug)]
pub enum EV {
    Atom(Atom),
    /// A vertex (a reference target or a temporary), not necessarily evaluated.
    V(VId),
    Bottom(Bottom),
}

/// A concrete operand.
#[derive(Clone, Debug)]
pub(crate) enum Concrete {
    Atom(Atom),
    /// An evaluated struct or list.
    V(VId),
}

impl<'p> Instance<'p> {
    fn walk_env(&self, mut env: EnvId, up: u32) -> Option<EnvId> {
        for _ in 0..up {
            env = self.envs[env as usize].up?;
        }
        Some(env)
    }

    /// Resolves a reference-like expression to the vertex it denotes,
    /// evaluating what it selects through but not the target itself.
    pub(crate) fn resolve_ref(
        &mut self,
        e: &'p Spanned,
        env: EnvId,
    ) -> Result<Option<VId>, Bottom> {
        match &e.expr {
            Expr::FieldRef { up, label } => {
                let env2 = self
                    .walk_env(env, *up)
                    .ok_or_else(|| Bottom::eval("reference out of scope").at(e.pos))?;
                let p = self.envs[env2 as usize].vertex;
                if self.v(p).status == Status::New {
                    self.eval(p);
                }
                if self.v(p).status == Status::Evaluating && !self.v(p).pcomps.is_empty() {
                    self.run_comps_for(p, *label);
                }
                match self.find_arc(p, Label::Field(*label)) {
                    // An optional field without a regular value is not there.
                    Some(a) if self.v(a).arc == ArcType::Optional => {
                        Err(Bottom::incomplete(format!(
                            "cannot reference optional field: {}",
                            self.label_string(Label::Field(*label))
                        ))
                        .at(e.pos))
                    }
                    Some(a) => Ok(Some(a)),
                    None => Err(Bottom::incomplete(format!(
                        "reference {:?} not found",
                        self.labels.name(*label)
                    ))
                    .at(e.pos)),
                }
            }
            Expr::LetRef { up, label } => {
                let env2 = self
                    .walk_env(env, *up)
                    .ok_or_else(|| Bottom::eval("reference out of scope").at(e.pos))?;
                if let Some(&(_, Binding::Vertex(b))) = self.envs[env2 as usize]
                    .binds
                    .iter()
                    .find(|(l, _)| l == label)
                {
                    return Ok(Some(b));
                }
                let lit = self.envs[env2 as usize].lit;
                if let Some(lit) = lit {
                    for d in &lit.decls {
                        if let adt::Decl::Let { label: l, value } = d
                            && *l == *label
                        {
                            let b = self.new_vertex(None, Label::Temp);
                            self.vm(b).conjuncts.push(Conjunct {
                                x: CX::Expr(value),
                                env: env2,
                                close: 0,
                                embed: 0,
                                outer: 0,
                                prov: 0,
                            });
                            self.envs[env2 as usize]
                                .binds
                                .push((*label, Binding::Vertex(b)));
                            return Ok(Some(b));
                        }
                    }
                }
                Err(
                    Bottom::eval(format!("unresolved let {:?}", self.labels.name(*label)))
                        .at(e.pos),
                )
            }
            Expr::ValueRef { up } => {
                let env2 = self
                    .walk_env(env, *up)
                    .ok_or_else(|| Bottom::eval("reference out of scope").at(e.pos))?;
                Ok(Some(self.envs[env2 as usize].vertex))
            }
            Expr::LabelRef { up } => {
                let env2 = self
                    .walk_env(env, *up)
                    .ok_or_else(|| Bottom::eval("reference out of scope").at(e.pos))?;
                let atom = match self.envs[env2 as usize].label {
                    Some(Label::Field(f)) => Atom::Str(Arc::from(self.labels.name(f))),
                    Some(Label::Index(i)) => Atom::Num(Number::int(i)),
                    _ => return Err(Bottom::incomplete("label not known yet").at(e.pos)),
                };
                Ok(Some(self.atom_vertex(atom)))
            }
            Expr::DynamicRef { up, key } => {
                let env2 = self
                    .walk_env(env, *up)
                    .ok_or_else(|| Bottom::eval("reference out of scope").at(e.pos))?;
                let ptr = Arc::as_ptr(key);
                let found = self.envs[env2 as usize]
                    .dyn_keys
                    .iter()
                    .find(|(k, _)| *k == ptr)
                    .map(|(_, f)| *f);
                let p = self.envs[env2 as usize].vertex;
                match found.and_then(|f| self.find_arc(p, Label::Field(f))) {
                    Some(a) => Ok(Some(a)),
                    None => {
                        // Evaluate the key here.
                        let ev = self.value_of(key, env2);
                        match self.concrete_atom(ev, key.pos)? {
                            Atom::Str(s) => {
                                let f = self.labels.intern(&s, LabelKind::Regular);
                                match self.find_arc(p, Label::Field(f)) {
                                    Some(a) => Ok(Some(a)),
                                    None => Err(Bottom::incomplete(format!(
                                        "reference {s:?} not found"
                                    ))
                                    .at(e.pos)),
                                }
                            }
                            _ => Err(Bottom::eval("invalid label").at(e.pos)),
                        }
                    }
                }
            }
            Expr::DynamicKey { up, key } => {
                let env2 = self
                    .walk_env(env, *up)
                    .ok_or_else(|| Bottom::eval("reference out of scope").at(e.pos))?;
                let ev = self.value_of(key, env2);
                let a = self.concrete_atom(ev, key.pos)?;
                Ok(Some(self.atom_vertex(a)))
            }
            Expr::Selector(x, f) => {
                if let Expr::Import(path) = &x.expr {
                    return self.package_member(path, *f, e.pos).map(Some);
                }
                let base = self.operand_vertex(x, env)?;
                self.select(base, Label::Field(*f), e.pos).map(Some)
            }
            Expr::Index(x, i) => {
                let base = self.operand_vertex(x, env)?;
                let iv = self.value_of(i, env);
                let idx = self.concrete_atom(iv, i.pos)?;
                let bv = self.v(base);
                let label = match (&idx, bv.is_list, bv.is_struct) {
                    (Atom::Num(n), true, _) => {
                        if !n.is_int() {
                            return Err(Bottom::eval(format!(
                                "invalid index {} (type float)",
                                n.to_cue_string()
                            ))
                            .at(i.pos));
                        }
                        let k = n.to_i64().unwrap_or(i64::MAX);
                        let len = bv.arcs.len();
                        if k < 0 {
                            return Err(Bottom::eval(format!(
                                "invalid index {k} (index must be non-negative)"
                            ))
                            .at(i.pos));
                        }
                        if k as usize >= len {
                            return Err(Bottom::eval(format!(
                                "index out of range [{k}] with length {len}"
                            ))
                            .at(i.pos));
                        }
                        Label::Index(k as u32)
                    }
                    (Atom::Str(s), _, true) => {
                        let f = self.labels.intern(s, LabelKind::of_ident(s));
                        Label::Field(f)
                    }
                    _ => {
                        let what = if bv.is_list {
                            "list"
                        } else if bv.is_struct {
                            "struct"
                        } else {
                            "value"
                        };
                        return Err(Bottom::eval(format!(
                            "invalid index {} (invalid type {}) for {what}",
                            self.atom_string(&idx),
                            kind_name(idx.kind())
                        ))
                        .at(e.pos));
                    }
                };
                self.select(base, label, e.pos).map(Some)
            }
            _ => match self.value_of(e, env) {
                EV::V(t) => Ok(Some(t)),
                EV::Atom(a) => Ok(Some(self.atom_vertex(a))),
                EV::Bottom(b) => Err(b),
            },
        }
    }

    /// A vertex holding a concrete atom.
    pub(crate) fn atom_vertex(&mut self, a: Atom) -> VId {
        let v = self.new_vertex(None, Label::Temp);
        let x = self.vm(v);
        x.kinds = a.kind();
        x.atom = Some(a);
        x.status = Status::Done;
        v
    }

    /// Evaluates `x` as the operand of a selector or index: the vertex,
    /// evaluated, with defaults taken.
    fn operand_vertex(&mut self, x: &'p Spanned, env: EnvId) -> Result<VId, Bottom> {
        let ev = self.value_of(x, env);
        match ev {
            EV::V(t) => {
                self.eval(t);
                let t = self.resolve_default(t);
                if let Some(e) = self.v(t).err.clone() {
                    return Err((*e).clone());
                }
                if self.v(t).disj.is_some() {
                    // Select from each disjunct? Upstream needs a default.
                    return Err(Bottom::incomplete(format!(
                        "unresolved disjunction {}",
                        self.span_text(x.pos)
                    ))
                    .at(x.pos));
                }
                Ok(t)
            }
            EV::Atom(a) => Ok(self.atom_vertex(a)),
            EV::Bottom(b) => Err(b),
        }
    }

    /// Selects arc `label` of the evaluated vertex `base`.
    fn select(&mut self, base: VId, label: Label, pos: Pos) -> Result<VId, Bottom> {
        let bv = self.v(base);
        if !bv.is_struct && !bv.is_list {
            if bv.atom.is_some() {
                let a = bv.atom.clone().unwrap();
                return Err(Bottom::eval(format!(
                    "invalid selector {}: cannot select from {} (type {})",
                    self.label_string(label),
                    self.atom_string(&a),
                    kind_name(a.kind())
                ))
                .at(pos));
            }
            return Err(Bottom::incomplete(format!(
                "{} undefined (incomplete value {})",
                self.label_string(label),
                kind_name(bv.kinds)
            ))
            .at(pos));
        }
        match self.find_arc(base, label) {
            Some(a) => {
                let arc = self.v(a).arc;
                if arc == ArcType::Optional {
                    return Err(Bottom::incomplete(format!(
                        "cannot reference optional field: {}",
                        self.label_string(label)
                    ))
                    .at(pos));
                }
                Ok(a)
            }
            None => {
                // Pattern constraints create no fields: still undefined. A
                // closed struct that does not allow the field, or a list,
                // will never have it.
                let msg = format!("undefined field: {}", self.label_string(label));
                let bv = self.v(base);
                let permanent = match label {
                    Label::Field(_) if bv.is_list => true,
                    Label::Field(f)
                        if bv.status == Status::Done
                            && self.labels.kind(f) == LabelKind::Regular
                            && self.is_rooted(base) =>
                    {
                        let closed = bv.closed.clone();
                        closed.into_iter().any(|g| !self.allowed(base, g, f))
                    }
                    _ => false,
                };
                if permanent {
                    Err(Bottom::eval(msg).at(pos))
                } else {
                    Err(Bottom::incomplete(msg).at(pos))
                }
            }
        }
    }

    /// Whether `v` hangs below the root through fields only (not inside a
    /// temporary such as an inline struct expression).
    pub(crate) fn is_rooted(&self, mut v: VId) -> bool {
        loop {
            let x = self.v(v);
            match (x.label, x.parent) {
                (Label::Root, _) => return true,
                (Label::Temp, _) | (_, None) => return false,
                (_, Some(p)) => v = p,
            }
        }
    }

    /// Evaluates an expression as an operand.
    pub(crate) fn value_of(&mut self, e: &'p Spanned, env: EnvId) -> EV {
        if !self.step() {
            return EV::Bottom(super::core::budget_error());
        }
        match &e.expr {
            Expr::Null => EV::Atom(Atom::Null),
            Expr::Bool(b) => EV::Atom(Atom::Bool(*b)),
            Expr::Num(n) => EV::Atom(Atom::Num(n.clone())),
            Expr::Str(s) => EV::Atom(Atom::Str(s.clone())),
            Expr::Bytes(b) => EV::Atom(Atom::Bytes(b.clone())),
            Expr::Bottom => EV::Bottom(
                Bottom::new(ErrCode::User, "explicit error (_|_ literal) in source").at(e.pos),
            ),
            Expr::FieldRef { .. }
            | Expr::LetRef { .. }
            | Expr::ValueRef { .. }
            | Expr::LabelRef { .. }
            | Expr::DynamicRef { .. }
            | Expr::DynamicKey { .. }
            | Expr::Selector(..)
            | Expr::Index(..) => match self.resolve_ref(e, env) {
                Ok(Some(t)) => EV::V(t),
                Ok(None) => EV::Bottom(Bottom::incomplete("undefined").at(e.pos)),
                Err(b) => EV::Bottom(b),
            },
            Expr::OptionalRef(x) => self.value_of(x, env),
            Expr::Import(p) => {
                EV::Bottom(Bottom::eval(format!("cannot use package {p:?} as a value")).at(e.pos))
            }
            Expr::Unary(op, x) => self.unary(*op, x, env, e.pos),
            Expr::Binary(op, a, b) if !matches!(op, BinaryOp::And | BinaryOp::Or) => {
                self.binary(*op, a, b, env, e.pos)
            }
            Expr::Interpolation { bytes, parts } => self.interpolate(*bytes, parts, env, e.pos),
            Expr::Call(f, args) => self.call(f, args, env, e),
            Expr::Slice(x, lo, hi) => self.slice(x, lo.as_deref(), hi.as_deref(), env, e.pos),
            // `__no_sharing` as a value: top (upstream it only disables sharing).
            Expr::Builtin(Builtin::NoSharing) => {
                let t = self.new_vertex(None, Label::Temp);
                self.vm(t).status = Status::Done;
                EV::V(t)
            }
            Expr::Builtin(b) => {
                EV::Bottom(Bottom::eval(format!("cannot use builtin {b:?} as a value")).at(e.pos))
            }
            _ => {
                let t = self.new_vertex(None, Label::Temp);
                self.vm(t).conjuncts.push(Conjunct {
                    x: CX::Expr(e),
                    env,
                    close: 0,
                    embed: 0,
                    outer: 0,
                    prov: 0,
                });
                EV::V(t)
            }
        }
    }

    /// Makes an operand concrete (defaults taken).
    pub(crate) fn concrete(&mut self, ev: EV, pos: Pos) -> Result<Concrete, Bottom> {
        match ev {
            EV::Atom(a) => Ok(Concrete::Atom(a)),
            EV::Bottom(b) => Err(b),
            EV::V(t) => {
                if self.v(t).status == Status::Evaluating {
                    if let Some(a) = self.cycle_reached(t) {
                        return Ok(Concrete::Atom(a));
                    }
                    // A list of known length refers to itself (`len(x)`).
                    let x = self.v(t);
                    if x.is_list && x.list.closed.is_some() && x.err.is_none() {
                        return Ok(Concrete::V(t));
                    }
                    return Err(Bottom::new(ErrCode::Cycle, "cycle detected").at(pos));
                }
                self.eval(t);
                let prov = self.v(t).provisional;
                let t = self.resolve_default(t);
                let x = self.v(t);
                if prov && x.atom.is_none() && !x.is_struct && !x.is_list {
                    // Incomplete because of a cycle: the caller may retry.
                    if x.err.as_ref().is_none_or(|e| e.code == ErrCode::Cycle) {
                        return Err(Bottom::new(ErrCode::Cycle, "cycle detected").at(pos));
                    }
                }
                if let Some(e) = &x.err {
                    return Err((**e).clone());
                }
                if x.disj.is_some() {
                    return Err(Bottom::incomplete(format!(
                        "unresolved disjunction {} (type {})",
                        self.span_text(pos),
                        kind_name(x.kinds)
                    ))
                    .at(pos));
                }
                if let Some(a) = &x.atom {
                    return Ok(Concrete::Atom(a.clone()));
                }
                if x.is_struct || x.is_list {
                    return Ok(Concrete::V(t));
                }
                Err(
                    Bottom::incomplete(format!("non-concrete value {}", self.value_string(t)))
                        .at(pos),
                )
            }
        }
    }

    pub(crate) fn concrete_atom(&mut self, ev: EV, pos: Pos) -> Result<Atom, Bottom> {
        match self.concrete(ev, pos)? {
            Concrete::Atom(a) => Ok(a),
            Concrete::V(t) => {
                let what = if self.v(t).is_list { "list" } else { "struct" };
                Err(
                    Bottom::eval(format!("invalid operand {} ({what})", self.span_text(pos)))
                        .at(pos),
                )
            }
        }
    }

    /// The element vertices of a list operand.
    pub(crate) fn list_elems(&mut self, ev: EV, pos: Pos) -> Result<Vec<VId>, Bottom> {
        match self.concrete(ev, pos)? {
            Concrete::V(t) if self.v(t).is_list => Ok(self.v(t).arcs.clone()),
            _ => Err(Bottom::eval(format!("cannot use {} as list", self.span_text(pos))).at(pos)),
        }
    }

    fn unary(&mut self, op: UnaryOp, x: &'p Spanned, env: EnvId, pos: Pos) -> EV {
        if matches!(x.expr, Expr::Type(_) | Expr::Range { .. } | Expr::Bound(..)) {
            // A type written as the operand will never be concrete.
            return EV::Bottom(
                Bottom::eval(format!("invalid operand {}", self.span_text(x.pos))).at(pos),
            );
        }
        let ev = self.value_of(x, env);
        let a = match self.concrete_atom(ev, x.pos) {
            Ok(a) => a,
            Err(b) => return EV::Bottom(b),
        };
        match (op, &a) {
            (UnaryOp::Neg, Atom::Num(n)) => EV::Atom(Atom::Num(n.neg())),
            (UnaryOp::Pos, Atom::Num(_)) => EV::Atom(a),
            (UnaryOp::Not, Atom::Bool(b)) => EV::Atom(Atom::Bool(!b)),
            _ => {
                let o = match op {
                    UnaryOp::Neg => "-",
                    UnaryOp::Pos => "+",
                    UnaryOp::Not => "!",
                };
                EV::Bottom(
                    Bottom::eval(format!(
                        "invalid operation {o}{} (operator '{o}' not defined on {})",
                        self.atom_string(&a),
                        kind_name(a.kind())
                    ))
                    .at(pos),
                )
            }
        }
    }

    /// `x == _|_` / `x != _|_`: whether `x` evaluates to an error.
    fn is_bottom(&mut self, x: &'p Spanned, env: EnvId) -> bool {
        match self.value_of(x, env) {
            EV::Bottom(_) => true,
            EV::Atom(_) => false,
            EV::V(t) => {
                if self.v(t).status == Status::Evaluating {
                    return true;
                }
                self.eval(t);
                let t2 = self.resolve_default(t);
                if self.v(t2).err.is_some() {
                    return true;
                }
                // A permanent error in a regular field below (a conflict,
                // a field not allowed) makes the value an error too.
                self.disjunct_failed(t2)
            }
        }
    }

    fn binary(&mut self, op: BinaryOp, a: &'p Spanned, b: &'p Spanned, env: EnvId, pos: Pos) -> EV {
        if matches!(op, BinaryOp::Eq | BinaryOp::Ne) {
            let a_bot = matches!(a.expr, Expr::Bottom);
            let b_bot = matches!(b.expr, Expr::Bottom);
            if a_bot || b_bot {
                let other = if a_bot { b } else { a };
                let is = if a_bot && b_bot {
                    true
                } else {
                    self.is_bottom(other, env)
                };
                return EV::Atom(Atom::Bool(if op == BinaryOp::Eq { is } else { !is }));
            }
        }
        let av = self.value_of(a, env);
        let x = match self.concrete(av, a.pos) {
            Ok(x) => x,
            Err(e) => return EV::Bottom(e),
        };
        let bv = self.value_of(b, env);
        let y = match self.concrete(bv, b.pos) {
            Ok(y) => y,
            Err(e) => return EV::Bottom(e),
        };
        match (x, y) {
            (Concrete::Atom(x), Concrete::Atom(y)) => self.binary_atoms(op, &x, &y, pos),
            (x, y) => {
                // Structs and lists: only equality.
                match op {
                    BinaryOp::Eq | BinaryOp::Ne => {
                        let eq = match (&x, &y) {
                            (Concrete::V(p), Concrete::V(q)) => self.equal_values(*p, *q),
                            _ => false,
                        };
                        EV::Atom(Atom::Bool(if op == BinaryOp::Eq { eq } else { !eq }))
                    }
                    _ => {
                        let xs = self.concrete_string(&x);
                        let ys = self.concrete_string(&y);
                        let (xk, yk) = (self.concrete_kind(&x), self.concrete_kind(&y));
                        let msg = if op == BinaryOp::Add && xk == K_LIST && yk == K_LIST {
                            "Addition of lists is superseded by list.Concat; see https://cuelang.org/e/v0.11-list-arithmetic".to_string()
                        } else if op == BinaryOp::Mul && (xk == K_LIST || yk == K_LIST) {
                            "Multiplication of lists is superseded by list.Repeat; see https://cuelang.org/e/v0.11-list-arithmetic".to_string()
                        } else {
                            format!(
                                "invalid operands {xs} and {ys} to '{}' (type {} and {})",
                                binop_str(op),
                                kind_name(xk),
                                kind_name(yk)
                            )
                        };
                        EV::Bottom(Bottom::eval(msg).at(pos))
                    }
                }
            }
        }
    }

    fn concrete_kind(&self, c: &Concrete) -> u16 {
        match c {
            Concrete::Atom(a) => a.kind(),
            Concrete::V(t) => {
                if self.v(*t).is_list {
                    K_LIST
                } else {
                    K_STRUCT
                }
            }
        }
    }

    fn concrete_string(&self, c: &Concrete) -> String {
        match c {
            Concrete::Atom(a) => self.atom_string(a),
            Concrete::V(t) => {
                if self.v(*t).is_list {
                    "[...]".into()
                } else {
                    "{...}".into()
                }
            }
        }
    }

    pub(crate) fn binary_atoms(&mut self, op: BinaryOp, x: &Atom, y: &Atom, pos: Pos) -> EV {
        use std::cmp::Ordering::*;
        let bad = |inst: &Self| {
            EV::Bottom(
                Bottom::eval(format!(
                    "invalid operands {} and {} to '{}' (type {} and {})",
                    inst.atom_string(x),
                    inst.atom_string(y),
                    binop_str(op),
                    kind_name(x.kind()),
                    kind_name(y.kind())
                ))
                .at(pos),
            )
        };
        let num = |r: Result<Number, crate::num::NumError>| match r {
            Ok(n) => EV::Atom(Atom::Num(n)),
            Err(e) => EV::Bottom(Bottom::eval(format!("failed arithmetic: {e}")).at(pos)),
        };
        match op {
            BinaryOp::Eq | BinaryOp::Ne => {
                let eq = atom_eq_loose(x, y);
                EV::Atom(Atom::Bool(if op == BinaryOp::Eq { eq } else { !eq }))
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let Some(ord) = atom_cmp(x, y) else {
                    return bad(self);
                };
                let r = match op {
                    BinaryOp::Lt => ord == Less,
                    BinaryOp::Le => ord != Greater,
                    BinaryOp::Gt => ord == Greater,
                    _ => ord != Less,
                };
                EV::Atom(Atom::Bool(r))
            }
            BinaryOp::Match | BinaryOp::NotMatch => {
                let Atom::Str(re) = y else { return bad(self) };
                let s: String = match x {
                    Atom::Str(s) => s.to_string(),
                    Atom::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
                    _ => return bad(self),
                };
                match self.regex(re) {
                    Ok(r) => EV::Atom(Atom::Bool(r.is_match(&s) == (op == BinaryOp::Match))),
                    Err(b) => EV::Bottom(b.at(pos)),
                }
            }
            BinaryOp::LAnd | BinaryOp::LOr => match (x, y) {
                (Atom::Bool(a), Atom::Bool(b)) => EV::Atom(Atom::Bool(if op == BinaryOp::LAnd {
                    *a && *b
                } else {
                    *a || *b
                })),
                _ => bad(self),
            },
            BinaryOp::Add => match (x, y) {
                (Atom::Num(a), Atom::Num(b)) => num(a.add(b)),
                (Atom::Str(a), Atom::Str(b)) => {
                    EV::Atom(Atom::Str(Arc::from(format!("{a}{b}").as_str())))
                }
                (Atom::Bytes(a), Atom::Bytes(b)) => {
                    let mut v = a.to_vec();
                    v.extend_from_slice(b);
                    EV::Atom(Atom::Bytes(Arc::from(v)))
                }
                _ => bad(self),
            },
            BinaryOp::Sub => match (x, y) {
                (Atom::Num(a), Atom::Num(b)) => num(a.sub(b)),
                _ => bad(self),
            },
            BinaryOp::Mul => match (x, y) {
                (Atom::Num(a), Atom::Num(b)) => num(a.mul(b)),
                (Atom::Str(s), Atom::Num(n)) | (Atom::Num(n), Atom::Str(s)) if n.is_int() => {
                    match repeat_count(n, s.len()) {
                        Ok(k) => EV::Atom(Atom::Str(Arc::from(s.repeat(k).as_str()))),
                        Err(m) => EV::Bottom(Bottom::eval(m).at(pos)),
                    }
                }
                (Atom::Bytes(s), Atom::Num(n)) | (Atom::Num(n), Atom::Bytes(s)) if n.is_int() => {
                    match repeat_count(n, s.len()) {
                        Ok(k) => EV::Atom(Atom::Bytes(Arc::from(s.repeat(k)))),
                        Err(m) => EV::Bottom(Bottom::eval(m).at(pos)),
                    }
                }
                _ => bad(self),
            },
            BinaryOp::Quo => match (x, y) {
                (Atom::Num(a), Atom::Num(b)) => num(a.quo(b)),
                _ => bad(self),
            },
            BinaryOp::And | BinaryOp::Or => bad(self),
        }
    }

    fn interpolate(&mut self, bytes: bool, parts: &'p [InterpPart], env: EnvId, pos: Pos) -> EV {
        let mut out: Vec<u8> = Vec::new();
        // An incomplete part: later parts may still have a permanent error.
        let mut incomplete: Option<Bottom> = None;
        for p in parts {
            match p {
                InterpPart::Lit(b) => out.extend_from_slice(b),
                InterpPart::Expr(x) => {
                    let ev = self.value_of(x, env);
                    let a = match self.concrete(ev, x.pos) {
                        Ok(Concrete::Atom(a)) => a,
                        Ok(Concrete::V(t)) => {
                            let what = if self.v(t).is_list { "list" } else { "struct" };
                            return EV::Bottom(
                                Bottom::eval(format!(
                                    "invalid interpolation: cannot use {} (type {what}) as string",
                                    self.span_text(x.pos)
                                ))
                                .at(x.pos),
                            );
                        }
                        Err(b) => {
                            let mut b = b;
                            if b.code.is_incomplete() {
                                b.msg = format!("invalid interpolation: {}", b.msg);
                                if incomplete.is_none() {
                                    incomplete = Some(b.at(pos));
                                }
                                continue;
                            }
                            return EV::Bottom(b.at(pos));
                        }
                    };
                    match &a {
                        Atom::Str(s) => out.extend_from_slice(s.as_bytes()),
                        Atom::Bytes(b) => out.extend_from_slice(b),
                        Atom::Num(n) => out.extend_from_slice(n.to_string().as_bytes()),
                        Atom::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
                        Atom::Null => {
                            return EV::Bottom(
                                Bottom::eval(
                                    "invalid interpolation: cannot use null (type null) as string",
                                )
                                .at(x.pos),
                            );
                        }
                    }
                }
            }
        }
        if let Some(b) = incomplete {
            return EV::Bottom(b);
        }
        if bytes {
            EV::Atom(Atom::Bytes(Arc::from(out)))
        } else {
            EV::Atom(Atom::Str(Arc::from(String::from_utf8_lossy(&out).as_ref())))
        }
    }

    fn slice(
        &mut self,
        x: &'p Spanned,
        lo: Option<&'p Spanned>,
        hi: Option<&'p Spanned>,
        env: EnvId,
        pos: Pos,
    ) -> EV {
        let ev = self.value_of(x, env);
        let c = match self.concrete(ev, x.pos) {
            Ok(c) => c,
            Err(b) => return EV::Bottom(b),
        };
        let len = match &c {
            Concrete::V(t) if self.v(*t).is_list => self.v(*t).arcs.len(),
            Concrete::Atom(Atom::Str(s)) => s.len(),
            Concrete::Atom(Atom::Bytes(b)) => b.len(),
            _ => {
                return EV::Bottom(
                    Bottom::eval(format!("cannot slice {}", self.span_text(x.pos))).at(pos),
                );
            }
        };
        let mut bound = |e: Option<&'p Spanned>, dflt: usize| -> Result<usize, Bottom> {
            let Some(e) = e else { return Ok(dflt) };
            let ev = self.value_of(e, env);
            match self.concrete_atom(ev, e.pos)? {
                Atom::Num(n) if n.is_int() => {
                    let k = n.to_i64().unwrap_or(i64::MAX);
                    if k < 0 {
                        return Err(Bottom::eval(format!(
                            "invalid slice index {k} (index must be non-negative)"
                        ))
                        .at(e.pos));
                    }
                    Ok(k as usize)
                }
                _ => Err(Bottom::eval("invalid slice index").at(e.pos)),
            }
        };
        let l = match bound(lo, 0) {
            Ok(l) => l,
            Err(b) => return EV::Bottom(b),
        };
        let h = match bound(hi, len) {
            Ok(h) => h,
            Err(b) => return EV::Bottom(b),
        };
        if l > h {
            return EV::Bottom(Bottom::eval(format!("invalid slice index: {l} > {h}")).at(pos));
        }
        if h > len {
            return EV::Bottom(Bottom::eval(format!("index {h} out of range")).at(pos));
        }
        match c {
            Concrete::Atom(Atom::Str(s)) => match s.get(l..h) {
                Some(sub) => EV::Atom(Atom::Str(Arc::from(sub))),
                None => EV::Atom(Atom::Str(Arc::from(
                    String::from_utf8_lossy(&s.as_bytes()[l..h]).as_ref(),
                ))),
            },
            Concrete::Atom(Atom::Bytes(b)) => EV::Atom(Atom::Bytes(Arc::from(&b[l..h]))),
            Concrete::V(t) => {
                let elems: Vec<VId> = self.v(t).arcs[l..h].to_vec();
                let nv = self.new_vertex(None, Label::Temp);
                {
                    let x = self.vm(nv);
                    x.is_list = true;
                    x.kinds = K_LIST;
                    x.list.closed = Some(elems.len());
                    x.list.max = elems.len();
                }
                for (i, el) in elems.into_iter().enumerate() {
                    let c = self.new_vertex(Some(nv), Label::Index(i as u32));
                    self.vm(c).conjuncts.push(Conjunct {
                        x: CX::Vertex(el),
                        env: 0,
                        close: 0,
                        embed: 0,
                        outer: 0,
                        prov: 0,
                    });
                    self.vm(nv).arcs.push(c);
                }
                self.vm(nv).status = Status::Done;
                EV::V(nv)
            }
            _ => EV::Bottom(Bottom::eval("cannot slice").at(pos)),
        }
    }

    fn call(&mut self, f: &'p Spanned, args: &'p [Spanned], env: EnvId, e: &'p Spanned) -> EV {
        match &f.expr {
            Expr::Builtin(b) => self.call_builtin(*b, args, env, e),
            Expr::Selector(x, name) if matches!(x.expr, Expr::Import(_)) => {
                let Expr::Import(path) = &x.expr else {
                    unreachable!()
                };
                self.call_std(path, *name, args, env, e)
            }
            _ => EV::Bottom(
                Bottom::eval(format!(
                    "cannot call non-function {}",
                    self.span_text(f.pos)
                ))
                .at(f.pos),
            ),
        }
    }

    fn call_builtin(&mut self, b: Builtin, args: &'p [Spanned], env: EnvId, e: &'p Spanned) -> EV {
        let name = builtin_name(b);
        let want = match b {
            Builtin::Len | Builtin::Close | Builtin::And | Builtin::Or | Builtin::Error => 1,
            Builtin::Div | Builtin::Mod | Builtin::Quo | Builtin::Rem | Builtin::MatchN => 2,
            Builtin::MatchIf => 3,
            Builtin::CloseAll | Builtin::Reclose | Builtin::NoSharing => 1,
        };
        if args.len() != want {
            return EV::Bottom(
                Bottom::eval(format!(
                    "{} arguments in call to {name} (have {}, want {want})",
                    if args.len() < want {
                        "not enough"
                    } else {
                        "too many"
                    },
                    args.len()
                ))
                .at(e.pos),
            );
        }
        match b {
            Builtin::Len => {
                let ev = self.value_of(&args[0], env);
                match self.concrete(ev, args[0].pos) {
                    Ok(Concrete::Atom(Atom::Str(s))) => EV::Atom(Atom::Num(Number::int(s.len()))),
                    Ok(Concrete::Atom(Atom::Bytes(s))) => EV::Atom(Atom::Num(Number::int(s.len()))),
                    Ok(Concrete::V(t)) => {
                        let n = if self.v(t).is_list {
                            self.v(t).arcs.len()
                        } else {
                            let arcs = self.v(t).arcs.clone();
                            arcs.iter()
                                .filter(|&&a| {
                                    let av = self.v(a);
                                    av.arc == ArcType::Member
                                        && matches!(av.label, Label::Field(f) if self.labels.kind(f) == LabelKind::Regular)
                                })
                                .count()
                        };
                        EV::Atom(Atom::Num(Number::int(n)))
                    }
                    Ok(Concrete::Atom(a)) => EV::Bottom(
                        Bottom::eval(format!("invalid argument type {}", kind_name(a.kind())))
                            .at(args[0].pos),
                    ),
                    Err(b) => EV::Bottom(b),
                }
            }
            Builtin::Div | Builtin::Mod | Builtin::Quo | Builtin::Rem => {
                let mut ns = Vec::new();
                for (i, a) in args.iter().enumerate() {
                    let ev = self.value_of(a, env);
                    match self.concrete_atom(ev, a.pos) {
                        Ok(Atom::Num(n)) if n.is_int() => ns.push(n),
                        Ok(other) => {
                            return EV::Bottom(
                                Bottom::eval(format!(
                                    "cannot use {} (type {}) as int in argument {} to {name}",
                                    self.atom_string(&other),
                                    kind_name(other.kind()),
                                    i + 1
                                ))
                                .at(a.pos),
                            );
                        }
                        Err(b) => return EV::Bottom(b),
                    }
                }
                let r = match b {
                    Builtin::Div => ns[0].int_div(&ns[1]),
                    Builtin::Mod => ns[0].int_mod(&ns[1]),
                    Builtin::Quo => ns[0].int_quo(&ns[1]),
                    _ => ns[0].int_rem(&ns[1]),
                };
                match r {
                    Ok(n) => EV::Atom(Atom::Num(n)),
                    Err(err) => EV::Bottom(Bottom::eval(format!("{err}")).at(e.pos)),
                }
            }
            Builtin::Error => {
                let ev = self.value_of(&args[0], env);
                match self.concrete_atom(ev, args[0].pos) {
                    Ok(Atom::Str(s)) => {
                        EV::Bottom(Bottom::new(ErrCode::User, s.to_string()).at(e.pos))
                    }
                    Ok(_) => EV::Bottom(Bottom::eval("error: argument must be a string").at(e.pos)),
                    Err(b) => EV::Bottom(b),
                }
            }
            Builtin::MatchN => {
                let nv = match self.value_of(&args[0], env) {
                    EV::V(t) => t,
                    EV::Atom(a) => self.atom_vertex(a),
                    EV::Bottom(b) => return EV::Bottom(b),
                };
                self.eval(nv);
                let lv = self.value_of(&args[1], env);
                let schemas = match self.list_elems(lv, args[1].pos) {
                    Ok(s) => s,
                    Err(b) => return EV::Bottom(b),
                };
                let t = self.new_vertex(None, Label::Temp);
                self.vm(t).validators.push(Validator::MatchN {
                    n: nv,
                    schemas,
                    pos: e.pos,
                });
                self.vm(t).status = Status::Done;
                EV::V(t)
            }
            Builtin::MatchIf => {
                let mut vs = Vec::new();
                for a in args {
                    let t = match self.value_of(a, env) {
                        EV::V(t) => t,
                        EV::Atom(x) => self.atom_vertex(x),
                        EV::Bottom(b) => return EV::Bottom(b),
                    };
                    vs.push(t);
                }
                let t = self.new_vertex(None, Label::Temp);
                self.vm(t).validators.push(Validator::MatchIf {
                    cond: vs[0],
                    then: vs[1],
                    els: vs[2],
                    pos: e.pos,
                });
                self.vm(t).status = Status::Done;
                EV::V(t)
            }
            _ => {
                // close/and/or and internal builtins: evaluate as a conjunct.
                let t = self.new_vertex(None, Label::Temp);
                self.vm(t).conjuncts.push(Conjunct {
                    x: CX::Expr(e),
                    env,
                    close: 0,
                    embed: 0,
                    outer: 0,
                    prov: 0,
                });
                if matches!(b, Builtin::CloseAll | Builtin::Reclose | Builtin::NoSharing) {
                    self.vm(t).conjuncts[0].x = CX::Expr(&args[0]);
                }
                EV::V(t)
            }
        }
    }

    /// A string for an atom as CUE writes it in messages.
    pub fn atom_string(&self, a: &Atom) -> String {
        match a {
            Atom::Null => "null".into(),
            Atom::Bool(b) => b.to_string(),
            Atom::Num(n) => n.to_cue_string(),
            Atom::Str(s) => crate::golang::strconv::quote(s),
            Atom::Bytes(b) => super::print::bytes_literal(b),
        }
    }

    /// Structural equality of two concrete values (regular fields only).
    pub(crate) fn equal_values(&mut self, a: VId, b: VId) -> bool {
        self.eval(a);
        self.eval(b);
        let a = self.resolve_default(a);
        let b = self.resolve_default(b);
        let (x, y) = (self.v(a), self.v(b));
        if x.err.is_some() || y.err.is_some() {
            return false;
        }
        match (&x.atom, &y.atom) {
            (Some(p), Some(q)) => return atom_eq_loose(p, q),
            (None, None) => {}
            _ => return false,
        }
        if x.is_list != y.is_list || x.is_struct != y.is_struct {
            return false;
        }
        let regular = |inst: &Self, v: VId| -> Vec<VId> {
            inst.v(v)
                .arcs
                .iter()
                .copied()
                .filter(|&c| {
                    let cv = inst.v(c);
                    cv.arc == ArcType::Member
                        && match cv.label {
                            Label::Field(f) => inst.labels.kind(f) == LabelKind::Regular,
                            _ => true,
                        }
                })
                .collect()
        };
        let xa = regular(self, a);
        let ya = regular(self, b);
        if xa.len() != ya.len() {
            return false;
        }
        for c in xa {
            let l = self.v(c).label;
            let Some(d) = ya.iter().copied().find(|&d| self.v(d).label == l) else {
                return false;
            };
            if !self.equal_values(c, d) {
                return false;
            }
        }
        true
    }

    /// Equality of evaluated vertices as values (for disjunct de-duplication):
    /// same kinds, atoms, bounds, arcs.
    pub(crate) fn equal_vertices(&mut self, a: VId, b: VId) -> bool {
        self.equal_vertices_depth(a, b, 0)
    }

    fn equal_vertices_depth(&mut self, a: VId, b: VId, depth: u32) -> bool {
        if a == b {
            return true;
        }
        if depth > 32 {
            return false;
        }
        self.eval(a);
        self.eval(b);
        let (x, y) = (self.v(a), self.v(b));
        if x.err.is_some() || y.err.is_some() {
            return false;
        }
        if x.kinds != y.kinds || x.is_struct != y.is_struct || x.is_list != y.is_list {
            return false;
        }
        match (&x.atom, &y.atom) {
            (Some(p), Some(q)) => {
                if !super::core::atom_eq(p, q) {
                    return false;
                }
            }
            (None, None) => {}
            _ => return false,
        }
        if x.bounds.len() != y.bounds.len() || x.bounds.iter().any(|bd| !y.bounds.contains(bd)) {
            return false;
        }
        if !x.validators.is_empty() || !y.validators.is_empty() {
            return false;
        }
        if x.disj.is_some() || y.disj.is_some() {
            return false;
        }
        if x.is_closed != y.is_closed {
            return false;
        }
        if x.is_list && (x.list.closed.is_some() != y.list.closed.is_some()) {
            return false;
        }
        if x.patterns.len() != y.patterns.len() {
            return false;
        }
        let xa = x.arcs.clone();
        let ya = y.arcs.clone();
        if xa.len() != ya.len() {
            return false;
        }
        for c in xa {
            let (l, at) = (self.v(c).label, self.v(c).arc);
            let Some(d) = ya.iter().copied().find(|&d| self.v(d).label == l) else {
                return false;
            };
            if self.v(d).arc != at {
                return false;
            }
            if !self.equal_vertices_depth(c, d, depth + 1) {
                return false;
            }
        }
        true
    }
}

fn repeat_count(n: &Number, unit: usize) -> Result<usize, String> {
    let k = n
        .to_i64()
        .map_err(|_| "repeat count too large".to_string())?;
    if k < 0 {
        return Err(format!("negative repeat count {k}"));
    }
    let k = k as usize;
    if unit.saturating_mul(k) > 1 << 24 {
        return Err("result of repeat too large".into());
    }
    Ok(k)
}

pub(crate) fn binop_str(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::And => "&",
        BinaryOp::Or => "|",
        BinaryOp::LAnd => "&&",
        BinaryOp::LOr => "||",
        BinaryOp::Eq => "==",
        BinaryOp::Ne => "!=",
        BinaryOp::Lt => "<",
        BinaryOp::Le => "<=",
        BinaryOp::Gt => ">",
        BinaryOp::Ge => ">=",
        BinaryOp::Match => "=~",
        BinaryOp::NotMatch => "!~",
        BinaryOp::Add => "+",
        BinaryOp::Sub => "-",
        BinaryOp::Mul => "*",
        BinaryOp::Quo => "/",
    }
}

pub(crate) fn builtin_name(b: Builtin) -> &'static str {
    match b {
        Builtin::Len => "len",
        Builtin::Close => "close",
        Builtin::And => "and",
        Builtin::Or => "or",
        Builtin::Div => "div",
        Builtin::Mod => "mod",
        Builtin::Quo => "quo",
        Builtin::Rem => "rem",
        Builtin::MatchN => "matchN",
        Builtin::MatchIf => "matchIf",
        Builtin::Error => "error",
        Builtin::CloseAll => "__closeAll",
        Builtin::Reclose => "__reclose",
        Builtin::NoSharing => "__no_sharing",
    }
}
