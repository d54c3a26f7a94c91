//! The bridge between the evaluator and the standard library
//! ([`crate::stdlib`]): converting values, calling functions, validators.

use std::sync::Arc;

use super::ops::{Concrete, EV};
use super::*;
use crate::stdlib::{CallCtx, CallError, Kind, Val};

impl std::fmt::Debug for crate::stdlib::Func {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.name)
    }
}

impl<'p> Instance<'p> {
    /// `pkg.Name` used as a value: a constant of the package.
    pub(crate) fn package_member(
        &mut self,
        path: &str,
        name: Feature,
        pos: Pos,
    ) -> Result<VId, Bottom> {
        let prog = self.prog;
        let pkg = prog
            .package(path)
            .ok_or_else(|| Bottom::eval(format!("package {path:?} not found")).at(pos))?;
        let n = self.labels.name(name).to_string();
        if let Some((_, f)) = pkg.consts.iter().find(|(c, _)| *c == n) {
            let val = f();
            return Ok(self.vertex_from_val(&val));
        }
        if pkg.has_cue {
            // Members written in CUE live in the package's hidden field.
            let field = super::pkg_field(path);
            let root = self.root;
            self.eval(root);
            let holder = self.v(root).arcs.iter().copied().find(|&a| {
                matches!(self.v(a).label, Label::Field(f)
                    if self.labels.name(f).split('$').next() == Some(field.as_str()))
            });
            if let Some(h) = holder {
                self.eval(h);
                if let Some(m) = self.find_arc(h, Label::Field(name)) {
                    return Ok(m);
                }
            }
        }
        if pkg.funcs.iter().any(|f| f.name == n) {
            return Err(Bottom::eval(format!(
                "cannot use function {}.{n} as a value (missing arguments)",
                short_pkg(path)
            ))
            .at(pos));
        }
        Err(Bottom::eval(format!("undefined: {}.{n}", short_pkg(path))).at(pos))
    }

    pub(crate) fn call_std(
        &mut self,
        path: &str,
        name: Feature,
        args: &'p [Spanned],
        env: EnvId,
        e: &'p Spanned,
    ) -> EV {
        let n = self.labels.name(name).to_string();
        let prog = self.prog;
        let Some(pkg) = prog.package(path) else {
            return EV::Bottom(Bottom::eval(format!("package {path:?} not found")).at(e.pos));
        };
        let Some(func) = pkg.funcs.iter().find(|f| f.name == n) else {
            return EV::Bottom(
                Bottom::eval(format!("undefined: {}.{n}", short_pkg(path))).at(e.pos),
            );
        };
        let qual = format!("{}.{}", short_pkg(path), func.name);
        let np = func.params.len();
        let validator = func.result == Kind::Bool && args.len() + 1 == np;
        let min = np - func.optional;
        if !validator && (args.len() < min || args.len() > np) {
            return EV::Bottom(
                Bottom::eval(format!(
                    "{} arguments in call to {qual} (have {}, want {np})",
                    if args.len() < min {
                        "not enough"
                    } else {
                        "too many"
                    },
                    args.len()
                ))
                .at(e.pos),
            );
        }
        let offset = if validator { 1 } else { 0 };
        let mut vals = Vec::with_capacity(args.len());
        for (i, a) in args.iter().enumerate() {
            let kind = func.params[i + offset];
            let ev = self.value_of(a, env);
            match self.operand_val(ev, kind, a.pos) {
                Ok(v) => {
                    if let Err(b) = self.check_kind(&v, kind, i + offset, &qual, a.pos) {
                        return EV::Bottom(b);
                    }
                    vals.push(v);
                }
                Err(b) => return EV::Bottom(b),
            }
        }
        if validator {
            let t = self.new_vertex(None, Label::Temp);
            self.vm(t).validators.push(Validator::Std {
                pkg: Arc::from(pkg.path),
                func,
                args: vals,
                pos: e.pos,
            });
            self.vm(t).status = Status::Done;
            return EV::V(t);
        }
        let r = (func.f)(&mut Ctx { inst: self }, &vals);
        match r {
            Ok(v) => self.ev_from_val(v),
            Err(err) => EV::Bottom(call_error(err, &qual, e.pos)),
        }
    }

    fn check_kind(
        &self,
        v: &Val,
        kind: Kind,
        i: usize,
        qual: &str,
        pos: Pos,
    ) -> Result<(), Bottom> {
        let ok = match (kind, v) {
            (Kind::Top, _) | (_, Val::Opaque(_)) => true,
            (Kind::Null, Val::Null) => true,
            (Kind::Bool, Val::Bool(_)) => true,
            (Kind::Int, Val::Num(n)) => n.is_int(),
            (Kind::Float | Kind::Number, Val::Num(_)) => true,
            (Kind::String, Val::Str(_)) => true,
            (Kind::Bytes, Val::Bytes(_) | Val::Str(_)) => true,
            (Kind::StringOrBytes, Val::Str(_) | Val::Bytes(_)) => true,
            (Kind::List, Val::List(_)) => true,
            (Kind::Struct, Val::Struct(_)) => true,
            _ => false,
        };
        if ok {
            return Ok(());
        }
        Err(Bottom::eval(format!(
            "cannot use {} (type {}) as {} in argument {} to {qual}",
            val_string(self, v),
            val_kind(v),
            kind_str(kind),
            i + 1
        ))
        .at(pos))
    }

    /// Converts an operand to a [`Val`] (`kind` Top keeps non-concrete
    /// values as opaque handles).
    pub(crate) fn operand_val(&mut self, ev: EV, kind: Kind, pos: Pos) -> Result<Val, Bottom> {
        match ev {
            EV::Atom(a) => Ok(atom_val(a)),
            EV::Bottom(b) => Err(b),
            EV::V(t) => {
                if kind == Kind::Top {
                    self.eval(t);
                    let t2 = self.resolve_default(t);
                    if let Some(e) = self.v(t2).err.clone() {
                        return Err((*e).clone());
                    }
                    return Ok(self.vertex_val(t2, true).unwrap_or(Val::Opaque(t2)));
                }
                match self.concrete(EV::V(t), pos)? {
                    Concrete::Atom(a) => Ok(atom_val(a)),
                    Concrete::V(t) => self
                        .vertex_val(t, kind == Kind::List || kind == Kind::Struct)
                        .ok_or_else(|| {
                            Bottom::incomplete(format!(
                                "non-concrete argument {}",
                                self.span_text(pos)
                            ))
                            .at(pos)
                        }),
                }
            }
        }
    }

    /// The value of an evaluated vertex as a [`Val`]; non-concrete parts
    /// become opaque handles if `opaque`, or the conversion fails.
    pub(crate) fn vertex_val(&mut self, t: VId, opaque: bool) -> Option<Val> {
        self.eval(t);
        let t = self.resolve_default(t);
        let x = self.v(t);
        if x.err.is_some() {
            return None;
        }
        if let Some(a) = &x.atom {
            return Some(atom_val(a.clone()));
        }
        if x.disj.is_some() {
            return if opaque { Some(Val::Opaque(t)) } else { None };
        }
        if x.is_list {
            let arcs = x.arcs.clone();
            let mut out = Vec::with_capacity(arcs.len());
            for a in arcs {
                out.push(self.vertex_val(a, opaque)?);
            }
            return Some(Val::List(out));
        }
        if x.is_struct {
            let arcs = x.arcs.clone();
            let mut out = Vec::new();
            for a in arcs {
                let av = self.v(a);
                let Label::Field(f) = av.label else { continue };
                if av.arc != ArcType::Member || self.labels.kind(f) != LabelKind::Regular {
                    continue;
                }
                let name: Arc<str> = Arc::from(self.labels.name(f));
                out.push((name, self.vertex_val(a, opaque)?));
            }
            return Some(Val::Struct(out));
        }
        if opaque { Some(Val::Opaque(t)) } else { None }
    }

    pub(crate) fn vertex_from_val(&mut self, v: &Val) -> VId {
        match v {
            Val::Opaque(id) => *id,
            Val::List(items) => {
                let nv = self.new_vertex(None, Label::Temp);
                {
                    let x = self.vm(nv);
                    x.is_list = true;
                    x.kinds = K_LIST;
                    x.list.closed = Some(items.len());
                    x.list.max = items.len();
                }
                for (i, it) in items.iter().enumerate() {
                    let c = self.vertex_from_val(it);
                    let c = self.adopt(nv, c, Label::Index(i as u32));
                    self.vm(nv).arcs.push(c);
                }
                self.vm(nv).status = Status::Done;
                nv
            }
            Val::Struct(fields) => {
                let nv = self.new_vertex(None, Label::Temp);
                {
                    let x = self.vm(nv);
                    x.is_struct = true;
                    x.kinds = K_STRUCT;
                }
                for (k, it) in fields {
                    let f = self.labels.intern(k, LabelKind::Regular);
                    let c = self.vertex_from_val(it);
                    let c = self.adopt(nv, c, Label::Field(f));
                    self.vm(nv).arcs.push(c);
                }
                self.vm(nv).status = Status::Done;
                nv
            }
            other => {
                let a = val_atom(other).unwrap_or(Atom::Null);
                self.atom_vertex(a)
            }
        }
    }

    /// Places `c` under `parent` with `label` (wrapping shared vertices).
    fn adopt(&mut self, parent: VId, c: VId, label: Label) -> VId {
        if self.v(c).label == Label::Temp {
            let x = self.vm(c);
            x.parent = Some(parent);
            x.label = label;
            return c;
        }
        let w = self.new_vertex(Some(parent), label);
        self.vm(w).conjuncts.push(Conjunct {
            x: CX::Vertex(c),
            env: 0,
            close: 0,
            embed: 0,
            outer: 0,
            prov: 0,
        });
        w
    }

    fn ev_from_val(&mut self, v: Val) -> EV {
        match v {
            Val::Opaque(id) => EV::V(id),
            Val::List(_) | Val::Struct(_) => EV::V(self.vertex_from_val(&v)),
            other => match val_atom(&other) {
                Some(a) => EV::Atom(a),
                None => EV::Bottom(Bottom::eval("invalid builtin result")),
            },
        }
    }

    /// Runs a validator on a concrete atom.
    pub(crate) fn run_validator(&mut self, val: &Validator, a: &Atom) -> Result<(), Bottom> {
        let v = atom_val(a.clone());
        self.run_validator_val(val, v, &self.atom_string(a))
    }

    /// Runs a validator on a struct or list vertex.
    pub(crate) fn run_validator_vertex(&mut self, val: &Validator, t: VId) -> Result<(), Bottom> {
        match val {
            Validator::Std { .. } => {
                let v = self
                    .vertex_val(t, true)
                    .ok_or_else(|| Bottom::incomplete("non-concrete value"))?;
                let desc = if self.v(t).is_list { "[...]" } else { "{...}" };
                let r = self.run_validator_val(val, v, desc);
                // Too few fields or items in a value that may still get
                // more is incomplete (upstream's MinFields, MinItems).
                if let (Err(mut b), Validator::Std { func, .. }) = (r.clone(), val) {
                    let x = self.v(t);
                    let may_grow = match func.name {
                        "MinFields" => !x.is_closed || !x.patterns.is_empty(),
                        "MinItems" => x.list.closed.is_none(),
                        _ => false,
                    };
                    if may_grow && b.code == ErrCode::Eval {
                        b.code = ErrCode::Incomplete;
                        return Err(b);
                    }
                }
                r
            }
            _ => {
                // By value, so that the validator itself is not copied
                // into the value it checks.
                match self.vertex_val(t, true) {
                    Some(Val::Opaque(_)) | None => Err(Bottom::incomplete("non-concrete value")),
                    Some(v) => {
                        let desc = if self.v(t).is_list { "[...]" } else { "{...}" };
                        self.run_validator_val(val, v, desc)
                    }
                }
            }
        }
    }

    fn run_validator_val(&mut self, val: &Validator, v: Val, desc: &str) -> Result<(), Bottom> {
        match val {
            Validator::Std {
                pkg,
                func,
                args,
                pos,
            } => {
                let mut all = Vec::with_capacity(args.len() + 1);
                all.push(v);
                all.extend(args.iter().cloned());
                let qual = format!("{}.{}", short_pkg(pkg), func.name);
                match (func.f)(&mut Ctx { inst: self }, &all) {
                    Ok(Val::Bool(true)) => Ok(()),
                    Ok(_) | Err(CallError::Validation(_)) => {
                        let argstr: Vec<String> =
                            args.iter().map(|a| val_string(self, a)).collect();
                        Err(Bottom::eval(format!(
                            "invalid value {desc} (does not satisfy {qual}({}))",
                            argstr.join(", ")
                        ))
                        .at(*pos))
                    }
                    Err(e) => Err(call_error(e, &qual, *pos)),
                }
            }
            Validator::MatchN { n, schemas, pos } => {
                let t = match v {
                    Val::Opaque(t) => t,
                    other => self.vertex_from_val(&other),
                };
                let mut count = 0i64;
                for s in schemas.clone() {
                    if self.matches_schema(t, s) {
                        count += 1;
                    }
                }
                let c = Atom::Num(Number::int(count));
                let nv = *n;
                self.eval(nv);
                if self.accepts(nv, &c) {
                    Ok(())
                } else {
                    Err(Bottom::eval(format!(
                        "invalid value {desc} (does not satisfy matchN): {count} matched, expected {}",
                        self.value_string(nv)
                    ))
                    .at(*pos))
                }
            }
            Validator::MatchIf {
                cond,
                then,
                els,
                pos,
            } => {
                let t = match v {
                    Val::Opaque(t) => t,
                    other => self.vertex_from_val(&other),
                };
                let ok = if self.matches_schema(t, *cond) {
                    self.matches_schema(t, *then)
                } else {
                    self.matches_schema(t, *els)
                };
                if ok {
                    Ok(())
                } else {
                    Err(
                        Bottom::eval(format!("invalid value {desc} (does not satisfy matchIf)"))
                            .at(*pos),
                    )
                }
            }
        }
    }

    /// Whether unifying `value` with `schema` gives no error.
    pub(crate) fn matches_schema(&mut self, value: VId, schema: VId) -> bool {
        let t = self.new_vertex(None, Label::Temp);
        self.vm(t).conjuncts.push(Conjunct {
            x: CX::Vertex(value),
            env: 0,
            close: 0,
            embed: 0,
            outer: 0,
            prov: 0,
        });
        // The schema by its conjuncts (so that closedness applies).
        let cs = self.v(schema).conjuncts.clone();
        if cs.is_empty() {
            self.vm(t).conjuncts.push(Conjunct {
                x: CX::Vertex(schema),
                env: 0,
                close: 0,
                embed: 0,
                outer: 0,
                prov: 0,
            });
        } else {
            for c in cs {
                self.vm(t).conjuncts.push(c);
            }
        }
        self.eval(t);
        let t = self.resolve_default(t);
        self.first_error(t).is_none() && !self.has_error_deep(t, 0)
    }

    fn has_error_deep(&mut self, t: VId, depth: u32) -> bool {
        if depth > 64 {
            return false;
        }
        self.eval(t);
        if self.v(t).err.is_some() {
            return true;
        }
        let arcs = self.v(t).arcs.clone();
        for a in arcs {
            if self.v(a).arc == ArcType::Optional {
                continue;
            }
            if self.has_error_deep(a, depth + 1) {
                return true;
            }
        }
        false
    }
}

struct Ctx<'a, 'p> {
    inst: &'a mut Instance<'p>,
}

impl CallCtx for Ctx<'_, '_> {
    fn less(&mut self, cmp: &Val, x: &Val, y: &Val) -> Result<bool, CallError> {
        // Unify the comparator with {x: X, y: Y} and read `less`.
        let inst = &mut *self.inst;
        let cmpv = match cmp {
            Val::Opaque(t) => *t,
            other => inst.vertex_from_val(other),
        };
        let xv = inst.vertex_from_val(x);
        let yv = inst.vertex_from_val(y);
        let fx = inst.labels.intern("x", LabelKind::Regular);
        let fy = inst.labels.intern("y", LabelKind::Regular);
        let fl = inst.labels.intern("less", LabelKind::Regular);
        let t = inst.new_vertex(None, Label::Temp);
        let cs = inst.v(cmpv).conjuncts.clone();
        if cs.is_empty() {
            inst.vm(t).conjuncts.push(Conjunct {
                x: CX::Vertex(cmpv),
                env: 0,
                close: 0,
                embed: 0,
                outer: 0,
                prov: 0,
            });
        } else {
            inst.vm(t).conjuncts.extend(cs);
        }
        let s = inst.new_vertex(None, Label::Temp);
        {
            let sv = inst.vm(s);
            sv.is_struct = true;
            sv.kinds = K_STRUCT;
            sv.status = Status::Done;
        }
        let xa = inst.adopt(s, xv, Label::Field(fx));
        let ya = inst.adopt(s, yv, Label::Field(fy));
        inst.vm(s).arcs.push(xa);
        inst.vm(s).arcs.push(ya);
        inst.vm(t).conjuncts.push(Conjunct {
            x: CX::Vertex(s),
            env: 0,
            close: 0,
            embed: 0,
            outer: 0,
            prov: 0,
        });
        inst.eval(t);
        let Some(l) = inst.find_arc(t, Label::Field(fl)) else {
            return Err(CallError::msg("comparator has no field less"));
        };
        match inst.concrete_atom(EV::V(l), Pos::default()) {
            Ok(Atom::Bool(b)) => Ok(b),
            Ok(_) => Err(CallError::msg("less is not a bool")),
            Err(b) if b.code.is_incomplete() => Err(CallError::Incomplete(b.msg)),
            Err(b) => Err(CallError::Msg(b.msg)),
        }
    }

    fn validate(&mut self, schema: &Val, v: &Val) -> Result<(), CallError> {
        let inst = &mut *self.inst;
        let sv = match schema {
            Val::Opaque(t) => *t,
            other => inst.vertex_from_val(other),
        };
        let vv = inst.vertex_from_val(v);
        if inst.matches_schema(vv, sv) {
            Ok(())
        } else {
            Err(CallError::msg("value does not match schema"))
        }
    }
}

fn call_error(e: CallError, qual: &str, pos: Pos) -> Bottom {
    match e {
        CallError::Msg(m) | CallError::Validation(m) => {
            Bottom::eval(format!("error in call to {qual}: {m}")).at(pos)
        }
        CallError::Incomplete(m) => Bottom::incomplete(m).at(pos),
        CallError::ArgType { index, expected } => Bottom::eval(format!(
            "cannot use value as {} in argument {} to {qual}",
            kind_str(expected),
            index + 1
        ))
        .at(pos),
    }
}

pub(crate) fn short_pkg(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

pub(crate) fn atom_val(a: Atom) -> Val {
    match a {
        Atom::Null => Val::Null,
        Atom::Bool(b) => Val::Bool(b),
        Atom::Num(n) => Val::Num(n),
        Atom::Str(s) => Val::Str(s),
        Atom::Bytes(b) => Val::Bytes(b),
    }
}

fn val_atom(v: &Val) -> Option<Atom> {
    Some(match v {
        Val::Null => Atom::Null,
        Val::Bool(b) => Atom::Bool(*b),
        Val::Num(n) => Atom::Num(n.clone()),
        Val::Str(s) => Atom::Str(s.clone()),
        Val::Bytes(b) => Atom::Bytes(b.clone()),
        _ => return None,
    })
}

fn val_kind(v: &Val) -> &'static str {
    match v {
        Val::Null => "null",
        Val::Bool(_) => "bool",
        Val::Num(n) if n.is_int() => "int",
        Val::Num(_) => "float",
        Val::Str(_) => "string",
        Val::Bytes(_) => "bytes",
        Val::List(_) => "list",
        Val::Struct(_) => "struct",
        Val::Opaque(_) => "_",
    }
}

fn val_string(inst: &Instance<'_>, v: &Val) -> String {
    match val_atom(v) {
        Some(a) => inst.atom_string(&a),
        None => match v {
            Val::List(_) => "[...]".into(),
            Val::Struct(_) => "{...}".into(),
            _ => "_".into(),
        },
    }
}

fn kind_str(k: Kind) -> &'static str {
    match k {
        Kind::Top => "_",
        Kind::Null => "null",
        Kind::Bool => "bool",
        Kind::Int => "int",
        Kind::Float => "float",
        Kind::Number => "number",
        Kind::String => "string",
        Kind::Bytes => "bytes",
        Kind::StringOrBytes => "string|bytes",
        Kind::List => "list",
        Kind::Struct => "struct",
    }
}
