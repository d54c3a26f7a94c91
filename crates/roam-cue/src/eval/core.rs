//! Unification: processing a vertex's conjuncts into its value and arcs,
//! patterns, lists, disjunctions and closedness.

use std::sync::Arc;

use super::ops::EV;
use super::*;
use crate::adt::{BoundOp, Builtin, Clause, Comprehension, Decl, Expr, ListElem};

/// Work left for after the plain conjuncts of a vertex are processed.
#[derive(Default)]
struct Pending<'p> {
    /// Disjunctions: the key of the expression that made each, and its
    /// disjuncts with their default marks.
    disjs: Vec<(DisjKey, Vec<(Conjunct<'p>, bool)>)>,
    /// Conjuncts whose evaluation reached a vertex still being evaluated:
    /// retried once the other conjuncts are in.
    cycles: Vec<Conjunct<'p>>,
}

impl<'p> Instance<'p> {
    /// Counts one unit of work; false once the budget is exhausted.
    pub(crate) fn step(&mut self) -> bool {
        self.steps += 1;
        if self.steps > self.max_steps {
            self.budget_exceeded = true;
            return false;
        }
        true
    }

    pub fn budget_exceeded(&self) -> bool {
        self.budget_exceeded
    }

    /// Starts a fresh step budget (for hosts that evaluate parts of one
    /// instance on demand, each with its own budget).
    pub fn reset_steps(&mut self) {
        self.steps = 0;
        self.budget_exceeded = false;
    }

    /// Evaluates `v` until its value and arc set are known.
    pub fn eval(&mut self, v: VId) {
        let x = self.v(v);
        if x.status == Status::Done && x.provisional && x.prov_gen < self.cycle_gen {
            self.reset_vertex(v);
        }
        if self.v(v).status != Status::New {
            return;
        }
        // A field of a struct being evaluated is not final while
        // comprehensions of that struct that declare it are pending.
        if let Some(p) = self.v(v).parent
            && let Label::Field(f) = self.v(v).label
            && self.v(p).status == Status::Evaluating
            && !self.v(p).pcomps.is_empty()
        {
            self.run_comps_for(p, f);
            if self.v(v).status != Status::New {
                return;
            }
        }
        if self.depth > 400 {
            self.set_err(
                v,
                Bottom::new(
                    ErrCode::StructuralCycle,
                    "structural cycle (nesting too deep)",
                ),
            );
            self.vm(v).status = Status::Done;
            return;
        }
        self.depth += 1;
        let x = self.vm(v);
        x.status = Status::Evaluating;
        x.base = Vec::new();
        x.base_len = Some(x.conjuncts.len() as u32);
        let my_index = self.eval_stack.len();
        self.eval_stack.push(v);
        let saved_hit = std::mem::replace(&mut self.cycle_hit, usize::MAX);
        stacker::maybe_grow(256 * 1024, 4 * 1024 * 1024, || self.eval_inner(v));
        self.eval_stack.pop();
        let hit = self.cycle_hit;
        let outer = hit < my_index;
        self.cycle_hit = if outer { saved_hit.min(hit) } else { saved_hit };
        let generation = self.cycle_gen;
        let x = self.vm(v);
        x.status = Status::Done;
        // Not concrete because of a cycle through a vertex still being
        // evaluated: computed again once that cycle made progress.
        x.provisional = outer
            && match &x.err {
                Some(e) => e.code.is_incomplete(),
                None => x.atom.is_none() && !x.is_struct && !x.is_list,
            };
        x.prov_gen = generation;
        self.depth -= 1;
        if self.cycle_checks.iter().any(|(_, _, h)| *h >= my_index) {
            let (now, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.cycle_checks)
                .into_iter()
                .partition(|(_, _, h)| *h >= my_index);
            self.cycle_checks = later;
            for (w, c, _) in now {
                self.check_cyclic_conjunct(w, c);
            }
        }
    }

    /// Checks a cyclic conjunct set aside by `v` against its value, now
    /// that the cycle's root is evaluated.
    fn check_cyclic_conjunct(&mut self, v: VId, c: Conjunct<'p>) {
        let CX::Expr(e) = c.x else {
            return;
        };
        let ev = self.value_of(e, c.env);
        match ev {
            EV::Atom(a) => self.meet_atom(v, a, e.pos),
            EV::Bottom(b) if b.code == ErrCode::Cycle => {
                self.set_err(v, Bottom::incomplete(b.msg).at(e.pos));
            }
            EV::Bottom(b) => self.set_err(v, b),
            EV::V(t) => {
                if self.v(t).status == Status::Evaluating {
                    return;
                }
                self.eval(t);
                let t = self.resolve_default(t);
                let tv = self.v(t);
                if let Some(b) = tv.err.clone() {
                    self.set_err(v, (*b).clone());
                } else if let Some(a) = tv.atom.clone() {
                    self.meet_atom(v, a, e.pos);
                } else if let Some(a) = self.v(v).atom.clone()
                    && !self.accepts(t, &a)
                {
                    let msg = format!("invalid value {}", self.atom_string(&a));
                    self.set_err(v, Bottom::eval(msg).at(e.pos));
                }
            }
        }
    }

    /// Puts a provisional vertex back to its state before evaluation.
    fn reset_vertex(&mut self, v: VId) {
        let x = self.vm(v);
        let fresh = Vertex::new(x.parent, x.label, v);
        let base = match x.base_len {
            Some(n) => {
                x.conjuncts.truncate(n as usize);
                std::mem::take(&mut x.conjuncts)
            }
            None => std::mem::take(&mut x.base),
        };
        *x = Vertex {
            arc: x.arc,
            orig: x.orig,
            conjuncts: base,
            refs: std::mem::take(&mut x.refs),
            attrs: std::mem::take(&mut x.attrs),
            skip_disj: std::mem::take(&mut x.skip_disj),
            ..fresh
        };
    }

    /// Records that a cycle reached the in-progress vertex `t`; returns
    /// the concrete atom the cycle can use (`t` or the disjunct of `t`
    /// being evaluated already has one).
    pub(crate) fn cycle_reached(&mut self, t: VId) -> Option<Atom> {
        let orig = self.v(t).orig;
        let mut found = None;
        let mut atom = None;
        for (i, &s) in self.eval_stack.iter().enumerate().rev() {
            let sv = self.v(s);
            if s == t || sv.orig == orig {
                found = Some(i);
                if s == t && atom.is_none() && sv.err.is_none() {
                    atom = sv.atom.clone();
                }
            }
        }
        if let Some(i) = found {
            self.cycle_hit = self.cycle_hit.min(i);
        }
        atom
    }

    fn eval_inner(&mut self, v: VId) {
        let mut pending = Pending::default();
        self.process_all(v, &mut pending);
        if !pending.disjs.is_empty() {
            self.resolve_disjunctions(v, pending.disjs);
            return;
        }
        self.finalize(v);
    }

    /// Processes every conjunct, then deferred comprehensions and dynamic
    /// fields, until nothing new arrives.
    fn process_all(&mut self, v: VId, pending: &mut Pending<'p>) {
        let mut i = 0;
        let mut retried = false;
        let mut last_state = self.cycle_state(v);
        let mut last_cycles = usize::MAX;
        loop {
            while i < self.v(v).conjuncts.len() {
                let c = self.v(v).conjuncts[i];
                i += 1;
                self.vm(v).insert_at = i;
                if !self.step() {
                    self.set_err(v, budget_error());
                    return;
                }
                self.process_conjunct(v, c, pending);
            }
            if !self.v(v).pdyns.is_empty() {
                let dyns = std::mem::take(&mut self.vm(v).pdyns);
                for (key, arc, value, env, close, lid, idx) in dyns {
                    self.process_dynamic(v, key, arc, value, env, close, lid, idx);
                }
                continue;
            }
            if !self.v(v).pcomps.is_empty() {
                // One at a time, in order, processing its yields before the
                // next one runs: a later comprehension's condition then sees
                // the fields an earlier one set (`if x == "" {...}` after
                // `if c { x: "v" }`).
                let (comp, env, close, lid) = self.vm(v).pcomps.remove(0);
                self.expand_comprehension(v, comp, env, close, lid);
                continue;
            }
            if !pending.cycles.is_empty() {
                // Retry cyclic conjuncts now that the others are in; stop
                // when a pass makes no progress.
                let before = self.cycle_state(v);
                if retried && before == last_state && pending.cycles.len() >= last_cycles {
                    let rest = std::mem::take(&mut pending.cycles);
                    if self.v(v).atom.is_some() {
                        // A concrete value: check the cyclic conjuncts
                        // against it once the cycle's root is done.
                        let hit = self.cycle_hit;
                        for c in rest {
                            self.cycle_checks.push((v, c, hit));
                        }
                    } else if let Some(c) = rest.first()
                        && pending.disjs.is_empty()
                    {
                        // Unresolved: the cycle is the value's error; with
                        // other constraints, the value is just incomplete.
                        let pos = match c.x {
                            CX::Expr(e) => e.pos,
                            _ => Pos::default(),
                        };
                        let x = self.v(v);
                        let code = if x.kinds != K_TOP || !x.bounds.is_empty() {
                            ErrCode::Incomplete
                        } else {
                            ErrCode::Cycle
                        };
                        self.set_err(v, Bottom::new(code, "cycle detected").at(pos));
                    }
                    break;
                }
                retried = true;
                last_state = before;
                last_cycles = pending.cycles.len();
                self.cycle_gen += 1;
                let cs = std::mem::take(&mut pending.cycles);
                for c in cs {
                    if !self.step() {
                        self.set_err(v, budget_error());
                        return;
                    }
                    self.process_conjunct(v, c, pending);
                }
                continue;
            }
            break;
        }
    }

    /// What a cycle retry can change about a vertex (progress detection).
    fn cycle_state(&self, v: VId) -> (bool, u16, usize, usize, usize, bool) {
        let x = self.v(v);
        (
            x.atom.is_some(),
            x.kinds,
            x.conjuncts.len(),
            x.arcs.len(),
            x.bounds.len(),
            x.err.is_some(),
        )
    }

    /// Adds a conjunct of a reference to the vertex being processed, right
    /// after the current one (once).
    fn insert_conjunct(&mut self, v: VId, c: Conjunct<'p>) {
        let x = self.vm(v);
        if x.conjuncts.iter().any(|o| o.same(&c)) {
            return;
        }
        if x.status == Status::Evaluating && x.insert_at <= x.conjuncts.len() {
            if let Some(n) = x.base_len
                && x.insert_at < n as usize
            {
                x.base = x.conjuncts[..n as usize].to_vec();
                x.base_len = None;
            }
            x.conjuncts.insert(x.insert_at, c);
            x.insert_at += 1;
        } else {
            x.conjuncts.push(c);
        }
    }

    /// Adds a conjunct to `v` (once).
    pub(crate) fn add_conjunct(&mut self, v: VId, c: Conjunct<'p>) {
        let x = self.vm(v);
        if x.conjuncts.iter().any(|o| o.same(&c)) {
            return;
        }
        x.conjuncts.push(c);
    }

    pub(crate) fn set_err(&mut self, v: VId, b: Bottom) {
        let x = self.vm(v);
        match &x.err {
            Some(e) if !e.code.is_incomplete() || b.code.is_incomplete() => {}
            _ => x.err = Some(Arc::new(b)),
        }
    }

    fn process_conjunct(&mut self, v: VId, c: Conjunct<'p>, pending: &mut Pending<'p>) {
        match c.x {
            CX::Vertex(src) => self.unify_vertex(v, src, c),
            CX::Struct(lit, pos) => self.process_struct(v, lit, pos, c),
            CX::Expr(e) => self.process_expr(v, e, c, pending),
        }
    }

    fn process_expr(&mut self, v: VId, e: &'p Spanned, c: Conjunct<'p>, pending: &mut Pending<'p>) {
        match &e.expr {
            Expr::Top => {}
            Expr::Bottom => self.set_err(
                v,
                Bottom::new(ErrCode::User, "explicit error (_|_ literal) in source").at(e.pos),
            ),
            Expr::Null => self.meet_atom(v, Atom::Null, e.pos),
            Expr::Bool(b) => self.meet_atom(v, Atom::Bool(*b), e.pos),
            Expr::Num(n) => self.meet_atom(v, Atom::Num(n.clone()), e.pos),
            Expr::Str(s) => self.meet_atom(v, Atom::Str(s.clone()), e.pos),
            Expr::Bytes(b) => self.meet_atom(v, Atom::Bytes(b.clone()), e.pos),
            Expr::Type(t) => self.meet_kinds(v, basic_kinds(*t), e.pos),
            Expr::Range { kind, min, max, .. } => {
                self.meet_kinds(v, basic_kinds(*kind), e.pos);
                if *kind == adt::BasicType::Number {
                    // float32/float64: number bounds.
                }
                self.add_bound(v, BoundOp::Ge, Atom::Num(min.clone()), e.pos);
                if let Some(max) = max {
                    self.add_bound(v, BoundOp::Le, Atom::Num(max.clone()), e.pos);
                }
            }
            Expr::Bound(op, x) => {
                let ev = self.value_of(x, c.env);
                match self.concrete_atom(ev, x.pos) {
                    Ok(a) => self.add_bound(v, *op, a, e.pos),
                    Err(b) if b.code == ErrCode::Cycle => pending.cycles.push(c),
                    Err(b) => self.set_err(v, b),
                }
            }
            Expr::Struct(lit) => self.process_struct(v, lit, lit.pos, c),
            Expr::List(lit) => self.process_list(v, lit, c),
            Expr::Disjunction(ds) => {
                let key = (e as *const Spanned as usize, 0);
                if self.v(v).skip_disj.contains(&key) {
                    return;
                }
                let d = ds
                    .iter()
                    .map(|(x, m)| {
                        (
                            Conjunct {
                                x: CX::Expr(x),
                                ..c
                            },
                            *m,
                        )
                    })
                    .collect();
                pending.disjs.push((key, d));
            }
            Expr::Binary(adt::BinaryOp::And, a, b) => {
                // Queued in order, so that fields keep declaration order.
                let mut p = self.provs[c.prov as usize];
                let c = if p.explicit {
                    c
                } else {
                    p.explicit = true;
                    self.provs.push(p);
                    Conjunct {
                        prov: (self.provs.len() - 1) as u32,
                        ..c
                    }
                };
                self.insert_conjunct(
                    v,
                    Conjunct {
                        x: CX::Expr(a),
                        ..c
                    },
                );
                self.insert_conjunct(
                    v,
                    Conjunct {
                        x: CX::Expr(b),
                        ..c
                    },
                );
            }
            Expr::Binary(adt::BinaryOp::Or, a, b) => {
                let key = (e as *const Spanned as usize, 0);
                if self.v(v).skip_disj.contains(&key) {
                    return;
                }
                pending.disjs.push((
                    key,
                    vec![
                        (
                            Conjunct {
                                x: CX::Expr(a),
                                ..c
                            },
                            false,
                        ),
                        (
                            Conjunct {
                                x: CX::Expr(b),
                                ..c
                            },
                            false,
                        ),
                    ],
                ));
            }
            Expr::Comprehension(comp) => self.vm(v).pcomps.push((comp, c.env, c.close, c.embed)),
            Expr::Call(f, args) if matches!(f.expr, Expr::Builtin(_)) => {
                let Expr::Builtin(b) = f.expr else {
                    unreachable!()
                };
                self.process_builtin_conjunct(v, b, args, e, c, pending);
            }
            Expr::Call(..) => {
                let ev = self.value_of(e, c.env);
                self.unify_or_defer(v, ev, c, e.pos, pending);
            }
            Expr::FieldRef { .. }
            | Expr::LetRef { .. }
            | Expr::ValueRef { .. }
            | Expr::DynamicRef { .. }
            | Expr::Selector(..)
            | Expr::Index(..) => match self.resolve_ref(e, c.env) {
                Ok(Some(t)) => self.add_ref(v, t, c, e.pos),
                Ok(None) => {}
                Err(b) if b.code == ErrCode::Cycle => pending.cycles.push(c),
                Err(b) => self.set_err(v, b),
            },
            Expr::OptionalRef(x) => {
                if let Ok(Some(t)) = self.resolve_ref(x, c.env) {
                    self.add_ref(v, t, c, e.pos);
                }
            }
            Expr::Open(x) => self.process_expr(v, x, Conjunct { close: 0, ..c }, pending),
            Expr::Error => self.set_err(v, Bottom::eval("invalid expression").at(e.pos)),
            _ => {
                let ev = self.value_of(e, c.env);
                self.unify_or_defer(v, ev, c, e.pos, pending);
            }
        }
    }

    fn process_builtin_conjunct(
        &mut self,
        v: VId,
        b: Builtin,
        args: &'p [Spanned],
        e: &'p Spanned,
        c: Conjunct<'p>,
        pending: &mut Pending<'p>,
    ) {
        match b {
            Builtin::Close if args.len() == 1 => {
                let g = self.new_group(false);
                self.vm(v).is_closed = true;
                self.process_expr(v, &args[0], Conjunct { close: g, ..c }, pending);
            }
            Builtin::And if args.len() == 1 => {
                let ev = self.value_of(&args[0], c.env);
                match self.list_elems(ev, args[0].pos) {
                    Ok(elems) => {
                        for el in elems {
                            self.add_ref(v, el, c, e.pos);
                        }
                    }
                    Err(b) => self.set_err(v, b),
                }
            }
            Builtin::Or if args.len() == 1 => {
                let key = (e as *const Spanned as usize, 0);
                if self.v(v).skip_disj.contains(&key) {
                    return;
                }
                let ev = self.value_of(&args[0], c.env);
                match self.list_elems(ev, args[0].pos) {
                    Ok(elems) => {
                        if elems.is_empty() {
                            self.set_err(v, Bottom::eval("empty list in call to or").at(e.pos));
                            return;
                        }
                        let d = elems
                            .into_iter()
                            .map(|el| (self.ref_conjunct(el, c), false))
                            .collect();
                        pending.disjs.push((key, d));
                    }
                    Err(b) => self.set_err(v, b),
                }
            }
            _ => {
                let ev = self.value_of(e, c.env);
                self.unify_or_defer(v, ev, c, e.pos, pending);
            }
        }
    }

    /// Unifies an expression's result, deferring it if it reached a cycle.
    fn unify_or_defer(
        &mut self,
        v: VId,
        ev: EV,
        c: Conjunct<'p>,
        pos: Pos,
        pending: &mut Pending<'p>,
    ) {
        match ev {
            EV::Bottom(b) if b.code == ErrCode::Cycle => pending.cycles.push(c),
            ev => self.unify_ev(v, ev, c, pos),
        }
    }

    /// A single conjunct standing for "the value of vertex t" in a disjunction.
    fn ref_conjunct(&mut self, t: VId, c: Conjunct<'p>) -> Conjunct<'p> {
        Conjunct {
            x: CX::Vertex(t),
            ..c
        }
    }

    /// Unifies the result of an expression into `v`.
    pub(crate) fn unify_ev(&mut self, v: VId, ev: EV, c: Conjunct<'p>, pos: Pos) {
        match ev {
            EV::Atom(a) => self.meet_atom(v, a, pos),
            EV::Bottom(b) => self.set_err(v, b),
            EV::V(t) => {
                if t == v {
                    return;
                }
                self.add_ref(v, t, c, pos)
            }
        }
    }

    /// Adds what vertex `t` is made of to `v` (a reference).
    pub(crate) fn add_ref(&mut self, v: VId, t: VId, c: Conjunct<'p>, pos: Pos) {
        if t == v || self.v(t).orig == self.v(v).orig {
            return; // x: x
        }
        // Structural cycle: t is an ancestor of v, or an ancestor already
        // took the same reference.
        let t_orig = self.v(t).orig;
        let mut a = self.v(v).parent;
        let mut depth = 0;
        while let Some(p) = a {
            let pv = self.v(p);
            if pv.orig == t_orig || pv.refs.contains(&t_orig) {
                self.set_err(
                    v,
                    Bottom::new(ErrCode::StructuralCycle, "structural cycle").at(pos),
                );
                return;
            }
            a = pv.parent;
            depth += 1;
            if depth > 1000 {
                break;
            }
        }
        if !self.v(v).refs.contains(&t_orig) {
            self.vm(v).refs.push(t_orig);
        }
        // Field order: the conjuncts came through this reference.
        let cp = self.provs[c.prov as usize];
        let c = if cp.via.is_some() {
            c
        } else {
            if c.embed != 0
                && let Some(t) = self.vm(v).topo.get_mut(c.embed as usize - 1)
                && t.via_embed.is_none()
            {
                t.via_embed = Some(pos);
            }
            self.provs.push(Prov {
                via: Some(pos),
                ..cp
            });
            Conjunct {
                prov: (self.provs.len() - 1) as u32,
                ..c
            }
        };
        let tv = self.v(t);
        if tv.conjuncts.is_empty() || tv.status == Status::Done && tv.label == Label::Temp {
            // Computed data: unify by value.
            if tv.status == Status::New {
                self.eval(t);
            }
            self.add_conjunct(
                v,
                Conjunct {
                    x: CX::Vertex(t),
                    ..c
                },
            );
            return;
        }
        let cs: Vec<Conjunct<'p>> = if tv.status == Status::New {
            tv.conjuncts.clone()
        } else {
            tv.base_conjuncts().to_vec()
        };
        for tc in cs {
            let (close, outer) = if tc.close == 0 {
                (c.close, c.outer)
            } else if c.close != 0 && c.close != tc.close && c.embed != 0 {
                // A definition embedded in a closed literal: its fields
                // belong to the embedding group, which alone closes.
                (c.close, tc.close)
            } else if c.close != 0 && c.close != tc.close {
                (tc.close, c.close)
            } else {
                (tc.close, if tc.outer != 0 { tc.outer } else { c.outer })
            };
            // Appended: upstream resolves references after the conjuncts
            // already queued (`x & {b: 2}` iterates `b` first).
            self.add_conjunct(
                v,
                Conjunct {
                    close,
                    outer,
                    embed: c.embed,
                    prov: c.prov,
                    ..tc
                },
            );
        }
        // Attributes travel with references (for patch strategies).
        let attrs = self.v(t).attrs.clone();
        for a in attrs {
            self.vm(v).attrs.push(a);
        }
    }

    /// Unifies an evaluated vertex into `v` by value.
    fn unify_vertex(&mut self, v: VId, src: VId, c: Conjunct<'p>) {
        self.eval(src);
        let src = self.resolve_default(src);
        let s = self.v(src).clone_shallow();
        if let Some(e) = &s.err {
            self.set_err(v, (**e).clone());
        }
        if s.kinds != K_TOP {
            self.meet_kinds(v, s.kinds, Pos::default());
        }
        if let Some(a) = s.atom {
            self.meet_atom(v, a, Pos::default());
        }
        for b in s.bounds {
            self.add_bound(v, b.op, b.value, Pos::default());
        }
        for val in s.validators {
            self.vm(v).validators.push(val);
        }
        if s.is_struct {
            self.mark_struct(v, Pos::default());
            let lid = self.new_lit(v, c.close, c.outer, c.embed);
            let p = self.provs[c.prov as usize];
            let t = &mut self.vm(v).topo[lid as usize - 1];
            t.via = p.via;
            t.explicit = p.explicit;
            for (i, a) in s.arcs.iter().copied().enumerate() {
                let l = self.v(a).label;
                let arc = self.v(a).arc;
                let child = self.get_arc(v, l, arc);
                if let Label::Field(f) = l {
                    self.vm(v).topo[lid as usize - 1]
                        .entries
                        .push((i as u32, f, None));
                }
                let cc = self.child_group(c.close, l);
                self.add_conjunct(
                    child,
                    Conjunct {
                        x: CX::Vertex(a),
                        env: c.env,
                        close: cc,
                        embed: 0,
                        outer: 0,
                        prov: 0,
                    },
                );
            }
            for p in s.patterns {
                self.vm(v).patterns.push(p);
            }
            if s.is_closed {
                self.vm(v).is_closed = true;
            }
            if !s.is_closed {
                self.vm(v).lits[lid as usize - 1].open = true;
            }
        }
        if s.is_list {
            self.mark_list(v, Pos::default());
            let n = s.arcs.len();
            for (i, a) in s.arcs.iter().copied().enumerate() {
                let child = self.get_arc(v, Label::Index(i as u32), ArcType::Member);
                self.add_conjunct(
                    child,
                    Conjunct {
                        x: CX::Vertex(a),
                        env: c.env,
                        close: c.close,
                        embed: 0,
                        outer: c.outer,
                        prov: 0,
                    },
                );
            }
            self.list_len(v, n, s.list.closed.is_none(), Pos::default());
            for r in s.list.rests {
                self.vm(v).list.rests.push(r);
            }
        }
    }

    pub(crate) fn new_lit(&mut self, v: VId, group: u32, outer: u32, parent: u32) -> u32 {
        let x = self.vm(v);
        x.lits.push(LitInfo {
            group,
            outer,
            parent,
            ..LitInfo::default()
        });
        x.topo.push(TopoLit::default());
        if group != 0 && !x.closed.contains(&group) {
            x.closed.push(group);
        }
        if group != 0 && outer != 0 && group != outer {
            let w = self.within.entry(group).or_default();
            if !w.contains(&outer) {
                w.push(outer);
            }
        }
        let x = self.vm(v);
        x.lits.len() as u32
    }

    /// Whether group `a`'s literals declare fields for group `g` through
    /// the `within` relation (transitively).
    fn is_within(&self, a: u32, g: u32) -> bool {
        if a == 0 || self.within.is_empty() {
            return false;
        }
        let mut seen = vec![a];
        let mut i = 0;
        while i < seen.len() && seen.len() < 64 {
            if let Some(w) = self.within.get(&seen[i]) {
                for &o in w {
                    if o == g {
                        return true;
                    }
                    if !seen.contains(&o) {
                        seen.push(o);
                    }
                }
            }
            i += 1;
        }
        false
    }

    pub(crate) fn new_group(&mut self, recursive: bool) -> u32 {
        self.groups.push((0, recursive));
        (self.groups.len() - 1) as u32
    }

    /// The closedness group of a child `label` of a conjunct in group `g`.
    pub(crate) fn child_group(&mut self, g: u32, label: Label) -> u32 {
        let f = match label {
            Label::Field(f) => f,
            _ => Feature(u32::MAX),
        };
        let is_def = matches!(label, Label::Field(f) if matches!(self.labels.kind(f), LabelKind::Definition | LabelKind::HiddenDefinition));
        if (g == 0 || !self.groups[g as usize].1) && !is_def {
            return 0;
        }
        let g = if g != 0 && !self.groups[g as usize].1 {
            0
        } else {
            g
        };
        if let Some(&c) = self.child_groups.get(&(g, f)) {
            return c;
        }
        let c = self.new_group(true);
        self.groups[c as usize].0 = g;
        self.child_groups.insert((g, f), c);
        c
    }

    fn mark_struct(&mut self, v: VId, pos: Pos) {
        self.vm(v).is_struct = true;
        self.meet_composite(v, K_STRUCT, "struct", pos);
    }

    fn mark_list(&mut self, v: VId, pos: Pos) {
        self.vm(v).is_list = true;
        self.meet_composite(v, K_LIST, "list", pos);
    }

    /// Restricts the kinds of `v` to the composite kind `bit`, or records
    /// the conflict.
    fn meet_composite(&mut self, v: VId, bit: u16, name: &str, pos: Pos) {
        let x = self.vm(v);
        if x.kinds & bit != 0 {
            x.kinds &= bit;
            return;
        }
        let k = kind_name(x.kinds);
        self.set_err(
            v,
            Bottom::eval(format!(
                "conflicting values {k} and {name} (mismatched types {k} and {name})"
            ))
            .at(pos),
        );
    }

    /// Finds or creates the arc `label` of `v`.
    pub(crate) fn get_arc(&mut self, v: VId, label: Label, arc: ArcType) -> VId {
        if let Some(a) = self
            .v(v)
            .arcs
            .iter()
            .copied()
            .find(|&a| self.v(a).label == label)
        {
            let x = self.vm(a);
            x.arc = stronger(x.arc, arc);
            return a;
        }
        let a = self.new_vertex(Some(v), label);
        self.vm(a).arc = arc;
        self.vm(v).arcs.push(a);
        a
    }

    pub fn find_arc(&self, v: VId, label: Label) -> Option<VId> {
        self.v(v)
            .arcs
            .iter()
            .copied()
            .find(|&a| self.v(a).label == label)
    }

    fn process_struct(&mut self, v: VId, lit: &'p StructLit, pos: Pos, c: Conjunct<'p>) {
        let env = self.new_env(Env {
            up: Some(c.env),
            vertex: v,
            lit: Some(lit),
            label: None,
            binds: Vec::new(),
            dyn_keys: Vec::new(),
        });
        let lid = self.new_lit(v, c.close, c.outer, c.embed);
        {
            let p = self.provs[c.prov as usize];
            let t = &mut self.vm(v).topo[lid as usize - 1];
            t.src = lit as *const StructLit as usize;
            t.pos = Some(pos);
            t.via = p.via;
            t.explicit = p.explicit;
        }
        let has_embed = lit.decls.iter().any(|d| matches!(d, Decl::Embed(_)));
        let has_fields = lit.decls.iter().any(|d| {
            matches!(
                d,
                Decl::Field { .. }
                    | Decl::DynamicField { .. }
                    | Decl::Pattern { .. }
                    | Decl::Ellipsis(_)
            )
        });
        if !has_embed || has_fields {
            // `{5}` is 5; `{}` and `{a: 1, 5}`-like literals are structs
            // (the latter a conflict unless only definitions/hidden fields).
            let only_hidden = lit.decls.iter().all(|d| match d {
                Decl::Field { label, .. } => self.labels.kind(*label) != LabelKind::Regular,
                Decl::Embed(_) | Decl::Let { .. } => true,
                _ => false,
            });
            if !(has_embed && only_hidden) {
                self.mark_struct(v, pos);
            } else {
                self.vm(v).weak_struct = true;
            }
        } else {
            self.vm(v).weak_struct = true;
        }
        for (di, d) in lit.decls.iter().enumerate() {
            match d {
                Decl::Field {
                    label,
                    arc,
                    value,
                    attrs,
                } => {
                    self.vm(v).topo[lid as usize - 1].entries.push((
                        di as u32,
                        *label,
                        Some(value.pos),
                    ));
                    let l = Label::Field(*label);
                    let child = self.get_arc(v, l, *arc);
                    let close = self.child_group(c.close, l);
                    let outer = if c.outer != 0 {
                        self.child_group(c.outer, l)
                    } else {
                        0
                    };
                    self.add_conjunct(
                        child,
                        Conjunct {
                            x: CX::Expr(value),
                            env,
                            close,
                            embed: 0,
                            outer,
                            prov: 0,
                        },
                    );
                    if !attrs.is_empty() {
                        self.vm(child).attrs.push(attrs.clone());
                    }
                }
                Decl::DynamicField { key, arc, value } => {
                    self.vm(v)
                        .pdyns
                        .push((key, *arc, value, env, c.close, lid, di as u32));
                }
                Decl::Pattern { filter, value } => {
                    let idx = self.v(v).patterns.len();
                    let close = self.child_group(c.close, Label::Temp);
                    let pouter = if c.outer != 0 {
                        self.child_group(c.outer, Label::Temp)
                    } else {
                        0
                    };
                    self.vm(v).patterns.push((
                        Conjunct {
                            x: CX::Expr(filter),
                            env,
                            close: 0,
                            embed: 0,
                            outer: 0,
                            prov: 0,
                        },
                        Conjunct {
                            x: CX::Expr(value),
                            env,
                            close,
                            embed: 0,
                            outer: pouter,
                            prov: 0,
                        },
                    ));
                    self.vm(v).lits[lid as usize - 1].patterns.push(idx);
                }
                Decl::Ellipsis(_) => {
                    self.vm(v).lits[lid as usize - 1].open = true;
                }
                Decl::Let { .. } => {}
                Decl::Embed(e) => {
                    if let Expr::Comprehension(comp) = &e.expr {
                        // Its fields take this place in the arc order.
                        let n = self.v(v).arcs.len() as u32;
                        for bd in &comp.body.decls {
                            if let Decl::Field { label, .. } = bd {
                                self.vm(v).reserved.push((n, *label));
                            }
                        }
                        self.vm(v).pcomps.push((comp, env, c.close, lid));
                    } else {
                        self.add_conjunct(
                            v,
                            Conjunct {
                                x: CX::Expr(e),
                                env,
                                close: c.close,
                                embed: lid,
                                outer: c.outer,
                                prov: c.prov,
                            },
                        );
                    }
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn process_dynamic(
        &mut self,
        v: VId,
        key: &'p Spanned,
        arc: ArcType,
        value: &'p Spanned,
        env: EnvId,
        close: u32,
        lid: u32,
        idx: u32,
    ) {
        let ev = self.value_of(key, env);
        let name = match self.concrete_atom(ev, key.pos) {
            Ok(Atom::Str(s)) => s,
            Ok(other) => {
                self.set_err(
                    v,
                    Bottom::eval(format!(
                        "invalid label type {}: label must be a string",
                        kind_name(other.kind())
                    ))
                    .at(key.pos),
                );
                return;
            }
            Err(b) => {
                self.set_err(v, b);
                return;
            }
        };
        let f = self.labels.intern(&name, LabelKind::Regular);
        self.envs[env as usize].dyn_keys.push((key as *const _, f));
        let l = Label::Field(f);
        let child = self.get_arc(v, l, arc);
        let cg = self.child_group(close, l);
        let fenv = self.new_env(Env {
            up: Some(env),
            vertex: child,
            lit: None,
            label: Some(l),
            binds: Vec::new(),
            dyn_keys: Vec::new(),
        });
        self.add_conjunct(
            child,
            Conjunct {
                x: CX::Expr(value),
                env: fenv,
                close: cg,
                embed: 0,
                outer: 0,
                prov: 0,
            },
        );
        if lid > 0 {
            let t = &mut self.vm(v).topo[lid as usize - 1];
            t.entries.push((idx, f, Some(key.pos)));
            t.has_dyn = true;
        }
    }

    fn process_list(&mut self, v: VId, lit: &'p adt::ListLit, c: Conjunct<'p>) {
        self.mark_list(v, Pos::default());
        let mut n = 0usize;
        for el in &lit.elems {
            match el {
                ListElem::Value(e) => {
                    let child = self.get_arc(v, Label::Index(n as u32), ArcType::Member);
                    self.add_conjunct(
                        child,
                        Conjunct {
                            x: CX::Expr(e),
                            env: c.env,
                            close: c.close,
                            embed: 0,
                            outer: c.outer,
                            prov: 0,
                        },
                    );
                    n += 1;
                }
                ListElem::Comprehension(comp) => {
                    let mut yields = Vec::new();
                    if let Err(b) = self.run_clauses(comp, 0, c.env, &mut yields) {
                        self.set_err(v, b);
                        return;
                    }
                    for env in yields {
                        let child = self.get_arc(v, Label::Index(n as u32), ArcType::Member);
                        self.add_conjunct(
                            child,
                            Conjunct {
                                x: CX::Struct(&comp.body, comp.body.pos),
                                env,
                                close: c.close,
                                embed: 0,
                                outer: c.outer,
                                prov: 0,
                            },
                        );
                        n += 1;
                    }
                }
            }
        }
        self.list_len(v, n, lit.rest.is_some(), Pos::default());
        if let Some(r) = &lit.rest {
            self.vm(v).list.rests.push((
                n,
                Conjunct {
                    x: CX::Expr(r),
                    env: c.env,
                    close: c.close,
                    embed: 0,
                    outer: c.outer,
                    prov: 0,
                },
            ));
        }
    }

    fn list_len(&mut self, v: VId, n: usize, open: bool, pos: Pos) {
        let x = self.vm(v);
        x.list.max = x.list.max.max(n);
        if open {
            x.list.open = true;
            if let Some(m) = x.list.closed
                && n > m
            {
                self.set_err(
                    v,
                    Bottom::eval(format!("incompatible list lengths ({m} and {n})")).at(pos),
                );
            }
            return;
        }
        match x.list.closed {
            Some(m) if m != n => {
                let (a, b) = (m.min(n), m.max(n));
                self.set_err(
                    v,
                    Bottom::eval(format!("incompatible list lengths ({a} and {b})")).at(pos),
                );
            }
            _ => {
                x.list.closed = Some(n);
                if x.list.max > n {
                    let m = x.list.max;
                    self.set_err(
                        v,
                        Bottom::eval(format!("incompatible list lengths ({n} and {m})")).at(pos),
                    );
                }
            }
        }
    }

    /// Runs the clauses of a comprehension from `i`, collecting the
    /// environments in which the body is to be evaluated.
    pub(crate) fn run_clauses(
        &mut self,
        comp: &'p Comprehension,
        i: usize,
        env: EnvId,
        out: &mut Vec<EnvId>,
    ) -> Result<(), Bottom> {
        let Some(clause) = comp.clauses.get(i) else {
            out.push(env);
            return Ok(());
        };
        if !self.step() {
            return Err(budget_error());
        }
        match clause {
            Clause::If(cond) => {
                let ev = self.value_of(cond, env);
                match self.concrete_atom(ev, cond.pos)? {
                    Atom::Bool(true) => self.run_clauses(comp, i + 1, env, out),
                    Atom::Bool(false) => Ok(()),
                    other => Err(Bottom::eval(format!(
                        "cannot use {} (type {}) as bool",
                        self.atom_string(&other),
                        kind_name(other.kind())
                    ))
                    .at(cond.pos)),
                }
            }
            Clause::Let { label, value } => {
                let b = self.new_vertex(None, Label::Temp);
                self.vm(b).conjuncts.push(Conjunct {
                    x: CX::Expr(value),
                    env,
                    close: 0,
                    embed: 0,
                    outer: 0,
                    prov: 0,
                });
                let vtx = self.envs[env as usize].vertex;
                let e2 = self.new_env(Env {
                    up: Some(env),
                    vertex: vtx,
                    lit: None,
                    label: None,
                    binds: vec![(*label, Binding::Vertex(b))],
                    dyn_keys: Vec::new(),
                });
                self.run_clauses(comp, i + 1, e2, out)
            }
            Clause::For { key, value, source } => {
                let ev = self.value_of(source, env);
                let src = match ev {
                    EV::V(t) => {
                        self.eval(t);
                        self.resolve_default(t)
                    }
                    EV::Bottom(b) => return Err(b),
                    EV::Atom(a) => {
                        return Err(Bottom::eval(format!(
                            "cannot range over {} (found {}, want list or struct)",
                            self.atom_string(&a),
                            kind_name(a.kind())
                        ))
                        .at(source.pos));
                    }
                };
                if let Some(e) = self.v(src).err.clone() {
                    return Err((*e).clone());
                }
                let sv = self.v(src);
                if !sv.is_struct && !sv.is_list {
                    if sv.atom.is_none() && sv.disj.is_none() {
                        return Err(Bottom::incomplete(format!(
                            "cannot range over {} (incomplete)",
                            self.span_text(source.pos)
                        ))
                        .at(source.pos));
                    }
                    return Err(Bottom::eval(format!(
                        "cannot range over {} (found {}, want list or struct)",
                        self.span_text(source.pos),
                        kind_name(sv.kinds)
                    ))
                    .at(source.pos));
                }
                let arcs: Vec<VId> = sv.arcs.clone();
                let vtx = self.envs[env as usize].vertex;
                for a in arcs {
                    let av = self.v(a);
                    let label = av.label;
                    if let Label::Field(f) = label
                        && (self.labels.kind(f) != LabelKind::Regular || av.arc != ArcType::Member)
                    {
                        if av.arc == ArcType::Required && self.labels.kind(f) == LabelKind::Regular
                        {
                            // Iterating over a struct with a missing required field.
                            self.eval(a);
                        }
                        continue;
                    }
                    let mut binds = Vec::new();
                    if let Some(k) = key {
                        let kv = self.new_vertex(None, Label::Temp);
                        let atom = match label {
                            Label::Field(f) => Atom::Str(Arc::from(self.labels.name(f))),
                            Label::Index(i) => Atom::Num(Number::int(i)),
                            _ => Atom::Null,
                        };
                        let x = self.vm(kv);
                        x.kinds = atom.kind();
                        x.atom = Some(atom);
                        x.status = Status::Done;
                        binds.push((*k, Binding::Vertex(kv)));
                    }
                    binds.push((*value, Binding::Vertex(a)));
                    let e2 = self.new_env(Env {
                        up: Some(env),
                        vertex: vtx,
                        lit: None,
                        label: None,
                        binds,
                        dyn_keys: Vec::new(),
                    });
                    self.run_clauses(comp, i + 1, e2, out)?;
                }
                Ok(())
            }
            Clause::Try { bind } => match bind {
                None => self.run_clauses(comp, i + 1, env, out),
                Some((label, value)) => {
                    let ev = self.value_of(value, env);
                    let b = match ev {
                        EV::V(t) => {
                            self.eval(t);
                            if self.v(t).err.is_some() {
                                return Ok(());
                            }
                            t
                        }
                        EV::Atom(a) => {
                            let kv = self.new_vertex(None, Label::Temp);
                            let x = self.vm(kv);
                            x.kinds = a.kind();
                            x.atom = Some(a);
                            x.status = Status::Done;
                            kv
                        }
                        EV::Bottom(_) => return Ok(()),
                    };
                    let vtx = self.envs[env as usize].vertex;
                    let e2 = self.new_env(Env {
                        up: Some(env),
                        vertex: vtx,
                        lit: None,
                        label: None,
                        binds: vec![(*label, Binding::Vertex(b))],
                        dyn_keys: Vec::new(),
                    });
                    self.run_clauses(comp, i + 1, e2, out)
                }
            },
        }
    }

    /// Expands, now, the pending comprehensions of `p` (being evaluated)
    /// whose bodies declare field `f`; their yields are processed at once.
    pub(crate) fn run_comps_for(&mut self, p: VId, f: Feature) {
        loop {
            let Some(i) = self.v(p).pcomps.iter().position(|(comp, ..)| {
                comp.body
                    .decls
                    .iter()
                    .any(|d| matches!(d, Decl::Field { label, .. } if *label == f))
            }) else {
                return;
            };
            let (comp, env, close, lid) = self.vm(p).pcomps.remove(i);
            let mut yields = Vec::new();
            match self.run_clauses(comp, 0, env, &mut yields) {
                Ok(()) => {
                    if yields.is_empty()
                        && let Some(fb) = &comp.fallback
                    {
                        let c = Conjunct {
                            x: CX::Struct(fb, fb.pos),
                            env,
                            close,
                            embed: lid,
                            outer: 0,
                            prov: 0,
                        };
                        self.process_struct(p, fb, fb.pos, c);
                    }
                    for e in yields {
                        let c = Conjunct {
                            x: CX::Struct(&comp.body, comp.body.pos),
                            env: e,
                            close,
                            embed: lid,
                            outer: 0,
                            prov: 0,
                        };
                        self.process_struct(p, &comp.body, comp.body.pos, c);
                    }
                }
                Err(b) => self.set_err(p, b),
            }
        }
    }

    fn expand_comprehension(
        &mut self,
        v: VId,
        comp: &'p Comprehension,
        env: EnvId,
        close: u32,
        lid: u32,
    ) {
        let mut yields = Vec::new();
        match self.run_clauses(comp, 0, env, &mut yields) {
            Ok(()) => {
                if yields.is_empty()
                    && let Some(fb) = &comp.fallback
                {
                    self.add_conjunct(
                        v,
                        Conjunct {
                            x: CX::Struct(fb, fb.pos),
                            env,
                            close,
                            embed: lid,
                            outer: 0,
                            prov: 0,
                        },
                    );
                }
                for e in yields {
                    self.add_conjunct(
                        v,
                        Conjunct {
                            x: CX::Struct(&comp.body, comp.body.pos),
                            env: e,
                            close,
                            embed: lid,
                            outer: 0,
                            prov: 0,
                        },
                    );
                }
            }
            Err(b) => self.set_err(v, b),
        }
    }

    // ---- scalars -------------------------------------------------------

    pub(crate) fn meet_kinds(&mut self, v: VId, k: u16, pos: Pos) {
        let x = self.v(v);
        let nk = x.kinds & k;
        if nk == 0 {
            let old = x.kinds;
            let desc = match &x.atom {
                Some(a) => self.atom_string(a),
                None => kind_name(old),
            };
            self.set_err(
                v,
                Bottom::eval(format!(
                    "conflicting values {} and {} (mismatched types {} and {})",
                    desc,
                    kind_name(k),
                    kind_name(old),
                    kind_name(k)
                ))
                .at(pos),
            );
            return;
        }
        self.vm(v).kinds = nk;
    }

    pub(crate) fn meet_atom(&mut self, v: VId, a: Atom, pos: Pos) {
        let k = a.kind();
        let x = self.v(v);
        if x.kinds & k == 0 {
            let old = x.kinds;
            let desc = match &x.atom {
                Some(b) => self.atom_string(b),
                None if x.is_struct => "{...}".into(),
                None if x.is_list => "[...]".into(),
                None => kind_name(old),
            };
            let msg = format!(
                "conflicting values {} and {} (mismatched types {} and {})",
                self.atom_string(&a),
                desc,
                kind_name(k),
                kind_name(old)
            );
            self.set_err(v, Bottom::eval(msg).at(pos));
            return;
        }
        match &x.atom {
            Some(b) => {
                if !atom_eq(b, &a) {
                    let msg = format!(
                        "conflicting values {} and {}",
                        self.atom_string(b),
                        self.atom_string(&a)
                    );
                    self.set_err(v, Bottom::eval(msg).at(pos));
                }
            }
            None => {
                let x = self.vm(v);
                x.kinds = k;
                x.atom = Some(a);
            }
        }
    }

    pub(crate) fn add_bound(&mut self, v: VId, op: BoundOp, a: Atom, pos: Pos) {
        // The bound's kind constrains the value for ordering bounds.
        let k = match op {
            BoundOp::Lt | BoundOp::Le | BoundOp::Gt | BoundOp::Ge => match &a {
                Atom::Num(_) => K_NUMBER,
                Atom::Str(_) => K_STRING,
                Atom::Bytes(_) => K_BYTES,
                _ => {
                    self.set_err(
                        v,
                        Bottom::eval(format!(
                            "invalid operand {} for bound {}",
                            self.atom_string(&a),
                            bound_op_str(op)
                        ))
                        .at(pos),
                    );
                    return;
                }
            },
            BoundOp::Match | BoundOp::NotMatch => match &a {
                Atom::Str(_) => K_STRING | K_BYTES,
                _ => {
                    self.set_err(
                        v,
                        Bottom::eval(format!(
                            "cannot use {} (type {}) as string in bound {}",
                            self.atom_string(&a),
                            kind_name(a.kind()),
                            bound_op_str(op)
                        ))
                        .at(pos),
                    );
                    return;
                }
            },
            // `!="a"` is a string, `!=1` a number, `!=null` anything but null.
            BoundOp::Ne => match &a {
                Atom::Null => K_TOP & !K_NULL,
                Atom::Num(_) => K_NUMBER,
                other => other.kind(),
            },
            BoundOp::Eq => K_TOP,
        };
        if op == BoundOp::Eq {
            self.meet_atom(v, a, pos);
            return;
        }
        self.meet_kinds(v, k, pos);
        // `>=1 & >=1`: keep one.
        let b = Bound { op, value: a };
        let x = self.vm(v);
        if !x.bounds.contains(&b) {
            x.bounds.push(b);
        }
    }

    // ---- finalization --------------------------------------------------

    fn finalize(&mut self, v: VId) {
        self.order_reserved(v);
        let x = self.v(v);
        if x.weak_struct
            && !x.is_struct
            && !x.is_list
            && x.atom.is_none()
            && x.bounds.is_empty()
            && x.kinds & K_STRUCT != 0
            && x.err.is_none()
        {
            self.mark_struct(v, Pos::default());
        }
        self.apply_patterns(v);
        self.finalize_list(v);
        self.check_closed(v);
        self.check_scalar(v);
        self.simplify_bounds(v);
    }

    fn apply_patterns(&mut self, v: VId) {
        if self.v(v).patterns.is_empty() {
            return;
        }
        let pats = self.v(v).patterns.clone();
        let arcs = self.v(v).arcs.clone();
        // Evaluate filters once.
        let mut filters = Vec::with_capacity(pats.len());
        for (f, _) in &pats {
            filters.push(self.filter_vertex(f));
        }
        for a in arcs {
            let Label::Field(f) = self.v(a).label else {
                continue;
            };
            if !matches!(self.labels.kind(f), LabelKind::Regular) {
                continue;
            }
            let name: Arc<str> = Arc::from(self.labels.name(f));
            for (i, (_, val)) in pats.iter().enumerate() {
                if self.label_matches(filters[i], &name) {
                    let fenv = self.new_env(Env {
                        up: Some(val.env),
                        vertex: a,
                        lit: None,
                        label: Some(Label::Field(f)),
                        binds: Vec::new(),
                        dyn_keys: Vec::new(),
                    });
                    self.add_conjunct(a, Conjunct { env: fenv, ..*val });
                }
            }
        }
    }

    /// Evaluates a pattern's filter into a vertex.
    pub(crate) fn filter_vertex(&mut self, f: &Conjunct<'p>) -> VId {
        let t = self.new_vertex(None, Label::Temp);
        self.vm(t).conjuncts.push(*f);
        self.eval(t);
        t
    }

    /// Whether label `name` satisfies the filter vertex.
    pub(crate) fn label_matches(&mut self, filter: VId, name: &Arc<str>) -> bool {
        let atom = Atom::Str(name.clone());
        self.accepts(filter, &atom)
    }

    /// Whether the (evaluated) vertex `t` accepts the concrete atom `a`.
    pub(crate) fn accepts(&mut self, t: VId, a: &Atom) -> bool {
        let tv = self.v(t);
        if tv.err.is_some() {
            return false;
        }
        if let Some(d) = tv.disj.clone() {
            return d.iter().any(|(x, _)| self.accepts(*x, a));
        }
        if tv.is_struct || tv.is_list {
            return false;
        }
        if tv.kinds & a.kind() == 0 {
            return false;
        }
        if let Some(b) = &tv.atom {
            return atom_eq(b, a);
        }
        let bounds = tv.bounds.clone();
        let vals = tv.validators.clone();
        for b in &bounds {
            if !self.check_bound(b, a).unwrap_or(false) {
                return false;
            }
        }
        for val in &vals {
            if self.run_validator(val, a).is_err() {
                return false;
            }
        }
        true
    }

    fn finalize_list(&mut self, v: VId) {
        let x = self.v(v);
        if !x.is_list {
            return;
        }
        if x.is_struct {
            self.set_err(
                v,
                Bottom::eval(
                    "conflicting values list and struct (mismatched types list and struct)",
                ),
            );
            return;
        }
        let rests = x.list.rests.clone();
        if rests.is_empty() {
            return;
        }
        let arcs = x.arcs.clone();
        for a in arcs {
            let Label::Index(i) = self.v(a).label else {
                continue;
            };
            for (from, c) in &rests {
                if (i as usize) >= *from {
                    self.add_conjunct(a, *c);
                }
            }
        }
    }

    /// Whether a field `f` is allowed by closedness group `g` in `v`: some
    /// literal of the group, a literal embedded in one (transitively) or a
    /// literal that embeds one declares it, matches it with a pattern, or
    /// is open.
    pub(crate) fn allowed(&mut self, v: VId, g: u32, f: Feature) -> bool {
        let x = self.v(v);
        let lits = &x.lits;
        let n = lits.len();
        let mut inset = vec![false; n + 1];
        for (i, l) in lits.iter().enumerate() {
            if l.group == g || l.outer == g || self.is_within(l.group, g) {
                inset[i + 1] = true;
                // Ancestors: the literals that embedded this one.
                let mut p = l.parent;
                let mut guard = 0;
                while p != 0 && (p as usize) <= n && guard < n {
                    inset[p as usize] = true;
                    p = lits[p as usize - 1].parent;
                    guard += 1;
                }
            }
        }
        // Descendants: literals embedded (transitively) in the set.
        let mut changed = true;
        while changed {
            changed = false;
            for (i, l) in lits.iter().enumerate() {
                if !inset[i + 1] && l.parent != 0 && inset.get(l.parent as usize) == Some(&true) {
                    inset[i + 1] = true;
                    changed = true;
                }
            }
        }
        let mut pats: Vec<usize> = Vec::new();
        for (i, l) in lits.iter().enumerate() {
            if !inset[i + 1] {
                continue;
            }
            // The fields a literal declares are its field-order entries.
            if l.open || x.topo[i].entries.iter().any(|e| e.1 == f) {
                return true;
            }
            pats.extend(&l.patterns);
        }
        if pats.is_empty() {
            return false;
        }
        let name: Arc<str> = Arc::from(self.labels.name(f));
        let all = self.v(v).patterns.clone();
        for i in pats {
            if let Some((filter, _)) = all.get(i) {
                let t = self.filter_vertex(filter);
                if self.label_matches(t, &name) {
                    return true;
                }
            }
        }
        false
    }

    fn check_closed(&mut self, v: VId) {
        let closed = self.v(v).closed.clone();
        if closed.is_empty() {
            return;
        }
        self.vm(v).is_closed = true;
        let arcs = self.v(v).arcs.clone();
        for a in arcs {
            let Label::Field(f) = self.v(a).label else {
                continue;
            };
            if !matches!(self.labels.kind(f), LabelKind::Regular) {
                continue;
            }
            for &g in &closed {
                if !self.allowed(v, g, f) {
                    // A disallowed optional field is dropped, not an error.
                    if self.v(a).arc == ArcType::Optional {
                        self.vm(v).arcs.retain(|&x| x != a);
                        break;
                    }
                    self.set_err(a, Bottom::eval("field not allowed"));
                    break;
                }
            }
        }
    }

    /// Checks a concrete atom against kinds, bounds and validators.
    fn check_scalar(&mut self, v: VId) {
        let x = self.v(v);
        if x.err.is_some() {
            return;
        }
        if (x.is_struct || x.is_list) && x.atom.is_some() {
            let a = x.atom.clone().unwrap();
            let what = if x.is_struct { "struct" } else { "list" };
            self.set_err(
                v,
                Bottom::eval(format!(
                    "conflicting values {} and {what} (mismatched types {} and {what})",
                    self.atom_string(&a),
                    kind_name(a.kind())
                )),
            );
            return;
        }
        if let Some(a) = x.atom.clone() {
            let bounds = x.bounds.clone();
            for b in &bounds {
                match self.check_bound(b, &a) {
                    Ok(true) => {}
                    Ok(false) => {
                        let msg = format!(
                            "invalid value {} (out of bound {}{})",
                            self.atom_string(&a),
                            bound_op_str(b.op),
                            self.atom_string(&b.value)
                        );
                        self.set_err(v, Bottom::eval(msg));
                        return;
                    }
                    Err(e) => {
                        self.set_err(v, e);
                        return;
                    }
                }
            }
            self.vm(v).bounds.clear();
            let vals = self.v(v).validators.clone();
            for val in &vals {
                if let Err(e) = self.run_validator(val, &a) {
                    self.set_err(v, e);
                    return;
                }
            }
            self.vm(v).validators.clear();
        } else if !self.v(v).validators.is_empty() && (self.v(v).is_list || self.v(v).is_struct) {
            let vals = self.v(v).validators.clone();
            for val in &vals {
                if let Err(e) = self.run_validator_vertex(val, v) {
                    if !e.code.is_incomplete() {
                        self.set_err(v, e);
                    }
                    return;
                }
            }
        }
    }

    /// Drops bounds made redundant by others (`>=0 & >=3` → `>=3`) and
    /// detects empty ranges.
    fn simplify_bounds(&mut self, v: VId) {
        let x = self.v(v);
        if x.bounds.len() < 2 || x.atom.is_some() {
            return;
        }
        let bounds = x.bounds.clone();
        let mut keep: Vec<Bound> = Vec::new();
        for b in bounds {
            let mut redundant = false;
            keep.retain(|k| {
                if let Some(s) = tighter(&b, k) {
                    if s {
                        return false; // b is tighter: drop k
                    }
                    redundant = true;
                }
                true
            });
            if !redundant {
                keep.push(b);
            }
        }
        // `!=x` is redundant when x fails another bound (`!="b" & =~"c"`).
        let others: Vec<Bound> = keep
            .iter()
            .filter(|b| b.op != BoundOp::Ne)
            .cloned()
            .collect();
        if !others.is_empty() {
            let mut kept = Vec::with_capacity(keep.len());
            for b in std::mem::take(&mut keep) {
                if b.op == BoundOp::Ne {
                    let mut excluded = false;
                    for o in &others {
                        if self.check_bound(o, &b.value) == Ok(false) {
                            excluded = true;
                            break;
                        }
                    }
                    if excluded {
                        continue;
                    }
                }
                kept.push(b);
            }
            keep = kept;
        }
        // Empty ranges: >=a & <=b with a > b etc.
        let lower = keep
            .iter()
            .find(|b| matches!(b.op, BoundOp::Ge | BoundOp::Gt));
        let upper = keep
            .iter()
            .find(|b| matches!(b.op, BoundOp::Le | BoundOp::Lt));
        if let (Some(l), Some(u)) = (lower, upper)
            && let Some(ord) = atom_cmp(&l.value, &u.value)
        {
            use std::cmp::Ordering::*;
            let empty = match ord {
                Greater => true,
                Equal => !(l.op == BoundOp::Ge && u.op == BoundOp::Le),
                Less => false,
            };
            if empty {
                let msg = format!(
                    "incompatible number bounds {}{} and {}{}",
                    bound_op_str(u.op),
                    self.atom_string(&u.value),
                    bound_op_str(l.op),
                    self.atom_string(&l.value)
                );
                self.set_err(v, Bottom::eval(msg));
            }
        }
        self.vm(v).bounds = keep;
    }

    pub(crate) fn check_bound(&mut self, b: &Bound, a: &Atom) -> Result<bool, Bottom> {
        use std::cmp::Ordering::*;
        Ok(match b.op {
            BoundOp::Ne => !atom_eq_loose(&b.value, a),
            BoundOp::Eq => atom_eq_loose(&b.value, a),
            BoundOp::Match | BoundOp::NotMatch => {
                let Atom::Str(re) = &b.value else {
                    return Ok(false);
                };
                let s: String = match a {
                    Atom::Str(s) => s.to_string(),
                    Atom::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
                    _ => return Ok(false),
                };
                let r = self.regex(re)?;
                r.is_match(&s) == (b.op == BoundOp::Match)
            }
            _ => {
                let Some(ord) = atom_cmp(a, &b.value) else {
                    return Ok(false);
                };
                match b.op {
                    BoundOp::Lt => ord == Less,
                    BoundOp::Le => ord != Greater,
                    BoundOp::Gt => ord == Greater,
                    BoundOp::Ge => ord != Less,
                    _ => unreachable!(),
                }
            }
        })
    }

    pub(crate) fn regex(
        &mut self,
        re: &Arc<str>,
    ) -> Result<Arc<crate::golang::regex::GoRegex>, Bottom> {
        if let Some(r) = self.regex_cache.get(re) {
            return r.clone().map_err(Bottom::eval);
        }
        let r = shared_regex(re);
        self.regex_cache.insert(re.clone(), r.clone());
        r.map_err(Bottom::eval)
    }

    // ---- disjunctions --------------------------------------------------

    fn resolve_disjunctions(&mut self, v: VId, disjs: Vec<(DisjKey, Vec<(Conjunct<'p>, bool)>)>) {
        // All conjuncts; the clones skip the disjunctions expanded here.
        let base: Vec<Conjunct<'p>> = self.v(v).conjuncts.clone();
        let mut skip = self.v(v).skip_disj.clone();
        skip.extend(disjs.iter().map(|(k, _)| *k));
        let disjs: Vec<Vec<(Conjunct<'p>, bool)>> = disjs.into_iter().map(|(_, d)| d).collect();
        // Candidates: chosen conjuncts and their default status (the
        // spec's ⟨v, d⟩ rules: a marked disjunct is a default, an unmarked
        // one in a marked disjunction is not, a disjunction without marks
        // says nothing; unification combines statuses).
        // Candidates: chosen conjuncts, combined default status, the status
        // of the last disjunct chosen, and the evaluated clone.
        let mut cands: Vec<(Vec<Conjunct<'p>>, Dflt, Dflt, VId)> =
            vec![(Vec::new(), Dflt::Neutral, Dflt::Neutral, v)];
        let n = disjs.len();
        let mut errs: Vec<Arc<Bottom>> = Vec::new();
        let mut results: Vec<(VId, Dflt)> = Vec::new();
        for (di, d) in disjs.into_iter().enumerate() {
            let last = di + 1 == n;
            let marked = d.iter().any(|(_, m)| *m);
            // Surviving combinations: chosen conjuncts, the default status
            // of the left (accumulated) and right (this disjunct) sides,
            // and the evaluated clone.
            let mut next: Vec<(Vec<Conjunct<'p>>, Dflt, Dflt, Dflt, VId)> = Vec::new();
            for (chosen, st, st_own, _) in &cands {
                for (c, m) in &d {
                    let mut ch = chosen.clone();
                    ch.push(*c);
                    let own = match (marked, *m) {
                        (false, _) => Dflt::Neutral,
                        (true, true) => Dflt::Default,
                        (true, false) => Dflt::NotDefault,
                    };
                    let t = self.clone_with(v, &base, &skip, &ch);
                    if self.budget_exceeded {
                        self.set_err(v, budget_error());
                        return;
                    }
                    if self.disjunct_failed(t) {
                        if let Some(e) = self.first_error(t) {
                            errs.push(e);
                        }
                        continue;
                    }
                    next.push((ch, *st, *st_own, own, t));
                }
            }
            // A side none of whose defaults survived says nothing about
            // defaults (upstream's "drops default").
            let left_drops = !next
                .iter()
                .any(|x| x.1 == Dflt::Default || x.2 == Dflt::Default);
            let right_drops = !next.iter().any(|x| x.3 == Dflt::Default);
            let side = |x: Dflt, drops: bool| if drops { Dflt::Neutral } else { x };
            if !last {
                // Partial candidates with equal values are merged (their
                // default statuses or-ed), which keeps repeated disjunctions
                // such as twenty `*1 | int` linear instead of exponential.
                let mut kept: Vec<(Vec<Conjunct<'p>>, Dflt, Dflt, VId)> = Vec::new();
                for (ch, l, _, r, t) in next {
                    let st = side(l, left_drops).and(side(r, right_drops));
                    let mut merged = false;
                    for k in kept.iter_mut() {
                        if self.equal_vertices(k.3, t) {
                            k.1 = k.1.or(st);
                            k.2 = k.2.or(r);
                            merged = true;
                            break;
                        }
                    }
                    if !merged {
                        kept.push((ch, st, r, t));
                    }
                }
                cands = kept;
                continue;
            }
            let mut has_non_maybe = false;
            for (_, l, _, r, t) in next {
                // A nested disjunction: flatten (a marked nested disjunction
                // keeps its own defaults; an unmarked one in a marked
                // disjunction has none).
                if let Some(inner) = self.v(t).disj.clone() {
                    let inner_has = self.v(t).disj_marked;
                    for (x, m) in inner.iter() {
                        let inner_st = match (inner_has, *m) {
                            (false, _) => Dflt::Neutral,
                            (true, true) => Dflt::Default,
                            (true, false) => Dflt::NotDefault,
                        };
                        let st = side(l, left_drops).and(r.and(inner_st));
                        if st != Dflt::Neutral {
                            has_non_maybe = true;
                        }
                        push_unique(self, &mut results, *x, st);
                    }
                    continue;
                }
                let st = side(l, left_drops).and(side(r, right_drops));
                push_unique(self, &mut results, t, st);
            }
            if has_non_maybe {
                for r in results.iter_mut() {
                    if r.1 == Dflt::Neutral {
                        r.1 = Dflt::NotDefault;
                    }
                }
            }
        }
        let any_default = results.iter().any(|(_, d)| *d == Dflt::Default);
        let any_marked = results.iter().any(|(_, d)| *d != Dflt::Neutral);
        let results: Vec<(VId, bool)> = results
            .into_iter()
            .map(|(x, d)| (x, any_default && d == Dflt::Default))
            .collect();
        self.vm(v).disj_marked = any_default || any_marked;
        match results.len() {
            0 => {
                // All disjuncts failed: the worst code wins (upstream's
                // order: eval < user < structural cycle < incomplete < cycle,
                // except that roam, which detects structural cycles earlier
                // than upstream, lets a conflict win over them).
                let rank = |c: ErrCode| match c {
                    ErrCode::StructuralCycle => 0,
                    ErrCode::Eval => 1,
                    ErrCode::User => 2,
                    ErrCode::Incomplete => 3,
                    ErrCode::Cycle => 4,
                };
                let code = errs
                    .iter()
                    .map(|e| e.code)
                    .max_by_key(|c| rank(*c))
                    .unwrap_or(ErrCode::Incomplete);
                let b = if errs.len() == 1 {
                    Bottom {
                        code,
                        ..(*errs[0]).clone()
                    }
                } else {
                    let mut b =
                        Bottom::new(code, format!("{} errors in empty disjunction:", errs.len()));
                    for e in errs.iter().take(8) {
                        let first = e.msg.lines().next().unwrap_or("");
                        b.msg.push_str(&format!("\n    {first}"));
                        for p in &e.pos {
                            if !b.pos.contains(p) && b.pos.len() < 16 {
                                b.pos.push(*p);
                            }
                        }
                    }
                    b
                };
                self.set_err(v, b);
            }
            1 => self.become_copy(v, results[0].0),
            _ => {
                let mut kinds = 0;
                for (r, _) in &results {
                    kinds |= self.v(*r).kinds;
                }
                let x = self.vm(v);
                x.arcs.clear();
                x.atom = None;
                x.bounds.clear();
                x.is_struct = false;
                x.is_list = false;
                x.kinds = kinds;
                x.disj = Some(Arc::new(results));
            }
        }
    }

    /// Evaluates a clone of `v` with `base` conjuncts plus the chosen ones.
    fn clone_with(
        &mut self,
        v: VId,
        base: &[Conjunct<'p>],
        skip: &[DisjKey],
        chosen: &[Conjunct<'p>],
    ) -> VId {
        let (parent, label, arc, orig) = {
            let x = self.v(v);
            (x.parent, x.label, x.arc, x.orig)
        };
        let t = self.new_vertex(parent, label);
        {
            let x = self.vm(t);
            x.arc = arc;
            x.orig = orig;
            x.conjuncts = base.to_vec();
            x.skip_disj = SmallVec::from_slice(skip);
        }
        let refs = self.v(v).refs.clone();
        self.vm(t).refs = refs;
        let attrs = self.v(v).attrs.clone();
        self.vm(t).attrs = attrs;
        for c in chosen {
            self.add_conjunct(t, *c);
        }
        self.eval(t);
        t
    }

    /// Whether a disjunct is eliminated: it (or a regular descendant) has
    /// a permanent error.
    pub(crate) fn disjunct_failed(&mut self, t: VId) -> bool {
        let mut budget = 10_000;
        self.failed_rec(t, &mut budget, 0)
    }

    fn failed_rec(&mut self, t: VId, budget: &mut u32, depth: u32) -> bool {
        if *budget == 0 || depth > 64 {
            return false;
        }
        *budget -= 1;
        self.eval(t);
        let x = self.v(t);
        if let Some(e) = &x.err {
            // The disjunct itself fails on any error; its fields only on
            // permanent ones.
            return depth == 0 || !e.code.is_incomplete();
        }
        if let Some(d) = &x.disj {
            let d = d.clone();
            return d
                .iter()
                .all(|(y, _)| self.failed_rec(*y, budget, depth + 1));
        }
        let arcs = x.arcs.clone();
        for a in arcs {
            let av = self.v(a);
            if av.arc == ArcType::Optional {
                continue;
            }
            if let Label::Field(f) = av.label
                && matches!(
                    self.labels.kind(f),
                    LabelKind::Definition | LabelKind::HiddenDefinition
                )
            {
                continue;
            }
            if self.failed_rec(a, budget, depth + 1) {
                return true;
            }
        }
        false
    }

    pub(crate) fn first_error(&mut self, t: VId) -> Option<Arc<Bottom>> {
        let x = self.v(t);
        if let Some(e) = &x.err {
            return Some(e.clone());
        }
        let arcs = x.arcs.clone();
        for a in arcs {
            if self.v(a).arc == ArcType::Optional {
                continue;
            }
            if let Some(e) = self.first_error(a) {
                return Some(e);
            }
        }
        None
    }

    /// Makes `v` take the evaluated state of `t` (one surviving disjunct).
    fn become_copy(&mut self, v: VId, t: VId) {
        let src = self.v(t).clone();
        let x = self.vm(v);
        x.kinds = src.kinds;
        x.atom = src.atom;
        x.bounds = src.bounds;
        x.validators = src.validators;
        x.err = src.err;
        x.is_struct = src.is_struct;
        x.is_list = src.is_list;
        x.arcs = src.arcs;
        x.patterns = src.patterns;
        x.list = src.list;
        x.disj = src.disj;
        x.disj_marked = src.disj_marked;
        x.lits = src.lits;
        x.topo = src.topo;
        x.closed = src.closed;
        x.is_closed = src.is_closed;
        x.attrs = src.attrs;
    }

    /// The default of a disjunction vertex, or the vertex itself.
    pub fn resolve_default(&mut self, v: VId) -> VId {
        self.eval(v);
        match self.v(v).disj.clone() {
            Some(d) => {
                let defaults: Vec<VId> = d.iter().filter(|(_, m)| *m).map(|(x, _)| *x).collect();
                if defaults.len() == 1 {
                    return self.resolve_default(defaults[0]);
                }
                v
            }
            None => v,
        }
    }
}

/// The default status of a disjunct.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dflt {
    /// From disjunctions without default marks.
    Neutral,
    Default,
    NotDefault,
}

impl Dflt {
    /// The status of a unification of two disjuncts.
    fn and(self, o: Dflt) -> Dflt {
        match (self, o) {
            (Dflt::NotDefault, _) | (_, Dflt::NotDefault) => Dflt::NotDefault,
            (Dflt::Default, _) | (_, Dflt::Default) => Dflt::Default,
            _ => Dflt::Neutral,
        }
    }

    fn or(self, o: Dflt) -> Dflt {
        match (self, o) {
            (Dflt::Default, _) | (_, Dflt::Default) => Dflt::Default,
            (Dflt::Neutral, _) | (_, Dflt::Neutral) => Dflt::Neutral,
            _ => Dflt::NotDefault,
        }
    }
}

fn push_unique(inst: &mut Instance<'_>, results: &mut Vec<(VId, Dflt)>, t: VId, d: Dflt) {
    for r in results.iter_mut() {
        if inst.equal_vertices(r.0, t) {
            r.1 = r.1.or(d);
            return;
        }
    }
    results.push((t, d));
}

/// A shallow copy of the parts of a vertex that unify by value.
pub(crate) struct Shallow<'p> {
    pub err: Option<Arc<Bottom>>,
    pub kinds: u16,
    pub atom: Option<Atom>,
    pub bounds: Vec<Bound>,
    pub validators: Vec<Validator>,
    pub is_struct: bool,
    pub is_list: bool,
    pub arcs: Vec<VId>,
    pub patterns: Vec<(Conjunct<'p>, Conjunct<'p>)>,
    pub list: ListShape<'p>,
    pub is_closed: bool,
}

impl<'p> Vertex<'p> {
    pub(crate) fn clone_shallow(&self) -> Shallow<'p> {
        Shallow {
            err: self.err.clone(),
            kinds: self.kinds,
            atom: self.atom.clone(),
            bounds: self.bounds.clone(),
            validators: self.validators.clone(),
            is_struct: self.is_struct,
            is_list: self.is_list,
            arcs: self.arcs.clone(),
            patterns: self.patterns.clone(),
            list: self.list.clone(),
            is_closed: self.is_closed,
        }
    }
}

pub(crate) fn budget_error() -> Bottom {
    Bottom::eval("evaluation step budget exceeded (runaway disjunction or comprehension?)")
}

fn stronger(a: ArcType, b: ArcType) -> ArcType {
    use ArcType::*;
    match (a, b) {
        (Member, _) | (_, Member) => Member,
        (Required, _) | (_, Required) => Required,
        _ => Optional,
    }
}

pub(crate) fn basic_kinds(t: adt::BasicType) -> u16 {
    use adt::BasicType::*;
    match t {
        Null => K_NULL,
        Bool => K_BOOL,
        Int => K_INT,
        Float => K_FLOAT,
        Number => K_NUMBER,
        String => K_STRING,
        Bytes => K_BYTES,
    }
}

pub(crate) fn bound_op_str(op: BoundOp) -> &'static str {
    match op {
        BoundOp::Lt => "<",
        BoundOp::Le => "<=",
        BoundOp::Gt => ">",
        BoundOp::Ge => ">=",
        BoundOp::Ne => "!=",
        BoundOp::Eq => "==",
        BoundOp::Match => "=~",
        BoundOp::NotMatch => "!~",
    }
}

/// Unification equality of atoms: same kind and value (`1 & 1.0` conflict).
pub(crate) fn atom_eq(a: &Atom, b: &Atom) -> bool {
    match (a, b) {
        (Atom::Num(x), Atom::Num(y)) => x.is_int() == y.is_int() && x == y,
        _ => a == b,
    }
}

/// Comparison equality (`1 == 1.0`).
pub(crate) fn atom_eq_loose(a: &Atom, b: &Atom) -> bool {
    match (a, b) {
        (Atom::Num(x), Atom::Num(y)) => x == y,
        _ => a == b,
    }
}

pub(crate) fn atom_cmp(a: &Atom, b: &Atom) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Atom::Num(x), Atom::Num(y)) => x.partial_cmp(y),
        (Atom::Str(x), Atom::Str(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        (Atom::Bytes(x), Atom::Bytes(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// If both are bounds in the same direction: Some(true) if `a` is tighter
/// than `b`, Some(false) if `b` is at least as tight; None otherwise.
fn tighter(a: &Bound, b: &Bound) -> Option<bool> {
    use std::cmp::Ordering::*;
    let lower = |op| matches!(op, BoundOp::Ge | BoundOp::Gt);
    let upper = |op| matches!(op, BoundOp::Le | BoundOp::Lt);
    let same_dir = (lower(a.op) && lower(b.op)) || (upper(a.op) && upper(b.op));
    if !same_dir {
        return None;
    }
    let ord = atom_cmp(&a.value, &b.value)?;
    if a.value.kind() != b.value.kind() && matches!(ord, Equal) {
        return None;
    }
    Some(match (lower(a.op), ord) {
        (true, Greater) => true,
        (true, Less) => false,
        (false, Less) => true,
        (false, Greater) => false,
        (_, Equal) => {
            // Strict is tighter than non-strict.
            matches!(a.op, BoundOp::Gt | BoundOp::Lt) && !matches!(b.op, BoundOp::Gt | BoundOp::Lt)
        }
    })
}

type RegexResult = Result<Arc<crate::golang::regex::GoRegex>, String>;

/// Compiled patterns shared by every instance of the process: templates
/// are evaluated many times and translating + compiling a pattern costs far
/// more than evaluating it. Bounded: cleared when it reaches 4,096 patterns.
fn shared_regex(re: &Arc<str>) -> RegexResult {
    use std::sync::{Mutex, OnceLock};
    static SHARED: OnceLock<Mutex<HashMap<Arc<str>, RegexResult>>> = OnceLock::new();
    let cache = SHARED.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(r) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(re) {
        return r.clone();
    }
    let r = crate::golang::regex::GoRegex::new(re)
        .map(Arc::new)
        .map_err(|e| format!("error parsing regexp: {e}"));
    let mut m = cache.lock().unwrap_or_else(|p| p.into_inner());
    if m.len() >= 4096 {
        m.clear();
    }
    m.insert(re.clone(), r.clone());
    r
}
