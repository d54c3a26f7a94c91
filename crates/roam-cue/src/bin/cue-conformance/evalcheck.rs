//! The evaluating checker: compiles and evaluates an archive's files once,
//! then checks each assertion against the evaluated value.
//!
//! `eq` compares the value with the expected expression evaluated by roam in
//! a separate program (a structural comparison: disjunctions with their
//! default marks in any order, scalars by value, constraints by kind and
//! bounds, structs by their fields including definitions and optional
//! fields, errors as "some error"). Evaluating the expected expression with
//! the same evaluator can mask a shared bug; the differential tests against
//! native `cue` are the counterweight.

use crate::check::{Checker, EvalContext, Outcome, syntax_outcome};
use crate::collect::{Assertion, Placement};
use crate::suite::LoadedArchive;
use roam_cue::adt::{ArcType, LabelKind};
use roam_cue::eval::{Atom, Instance, Label, Program, VId};
use roam_cue::testattr::{Directive, ErrSpec};
use std::cell::RefCell;

pub struct Evaluator;

struct State {
    inst: RefCell<Instance<'static>>,
    package: Option<String>,
    compile_error: Option<String>,
}

impl Checker for Evaluator {
    fn name(&self) -> &'static str {
        "evaluator"
    }

    fn prepare<'a>(&self, archive: &'a LoadedArchive) -> EvalContext<'a> {
        let mut sources = Vec::new();
        let mut package = None;
        for f in &archive.files {
            if f.name.contains('/') || !f.name.ends_with(".cue") {
                continue;
            }
            if package.is_none() {
                package = f.parsed.value.package().map(|p| p.name.clone());
            }
            sources.push((f.name.clone(), f.source.text().to_string()));
        }
        let refs: Vec<(&str, &str)> = sources
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        let state = match Program::compile(&refs) {
            Ok(p) => {
                // The program lives as long as the run (one per archive).
                let p: &'static Program = Box::leak(Box::new(p));
                let mut inst = p.instance();
                inst.max_steps = 500_000;
                State {
                    inst: RefCell::new(inst),
                    package,
                    compile_error: None,
                }
            }
            Err(e) => {
                let p: &'static Program = Box::leak(Box::new(
                    Program::compile(&[]).expect("empty program compiles"),
                ));
                State {
                    inst: RefCell::new(p.instance()),
                    package,
                    compile_error: Some(e.to_string()),
                }
            }
        };
        EvalContext {
            archive,
            state: Some(Box::new(state)),
        }
    }

    fn check_assertion(&self, a: &Assertion, cx: &EvalContext<'_>) -> Outcome {
        if let Some(o) = syntax_outcome(a, cx) {
            return o;
        }
        let Some(state) = cx.state.as_ref().and_then(|s| s.downcast_ref::<State>()) else {
            return Outcome::Fail("no evaluation state".into());
        };
        if let Some(e) = &state.compile_error {
            return match &a.attr.directive {
                Directive::Err(_) => Outcome::Pass,
                _ => Outcome::Fail(format!("does not compile: {e}")),
            };
        }
        let mut inst = state.inst.borrow_mut();
        inst.reset_steps();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            check(&mut inst, state.package.as_deref(), a)
        }));
        match result {
            Ok(o) => o,
            Err(_) => Outcome::Fail("evaluator panicked".into()),
        }
    }
}

fn navigate(inst: &mut Instance<'_>, path: &[String]) -> Result<VId, String> {
    let mut cur = inst.root;
    for (i, name) in path.iter().enumerate() {
        inst.eval(cur);
        cur = inst.resolve_default(cur);
        let name = name.trim_matches('"');
        let label = if let Ok(n) = name.parse::<u32>()
            && inst.vs[cur as usize].is_list
        {
            Label::Index(n)
        } else {
            match inst.labels.lookup(name, LabelKind::of_ident(name)) {
                Some(f) => Label::Field(f),
                None => {
                    // Hidden labels are interned with their package.
                    let found = inst.vs[cur as usize].arcs.iter().copied().find(|&a| {
                        matches!(inst.vs[a as usize].label, Label::Field(f)
                            if inst.labels.name(f).split('$').next() == Some(name))
                    });
                    match found {
                        Some(a) => {
                            cur = a;
                            continue;
                        }
                        None => return Err(format!("path {} not found", path[..=i].join("."))),
                    }
                }
            }
        };
        match inst.find_arc(cur, label) {
            Some(a) => cur = a,
            None => return Err(format!("path {} not found", path[..=i].join("."))),
        }
    }
    inst.eval(cur);
    Ok(cur)
}

fn check(inst: &mut Instance<'_>, package: Option<&str>, a: &Assertion) -> Outcome {
    if a.placement == Placement::EqBody {
        return Outcome::Skip("eq body directive".into());
    }
    let v = match navigate(inst, &a.path) {
        Ok(v) => v,
        Err(e) => {
            return match &a.attr.directive {
                Directive::Err(_) => Outcome::Pass,
                _ => Outcome::Fail(e),
            };
        }
    };
    let out = match &a.attr.directive {
        Directive::Eq {
            expr: Some(arg),
            at,
        } => {
            let v = match at {
                Some(p) => {
                    let mut full = a.path.clone();
                    full.extend(p.split('.').map(str::to_string));
                    match navigate(inst, &full) {
                        Ok(v) => v,
                        Err(e) => return Outcome::Fail(e),
                    }
                }
                None => v,
            };
            check_eq(inst, package, v, &arg.text)
        }
        Directive::Err(spec) => check_err(inst, v, spec),
        Directive::Kind(kinds) => {
            inst.eval(v);
            let t = inst.resolve_default(v);
            let k = inst.vs[t as usize].kinds;
            let want: u16 = kinds.iter().map(|k| kind_bits(k)).fold(0, |a, b| a | b);
            if k == want {
                Outcome::Pass
            } else {
                Outcome::Fail(format!(
                    "kind is {}, want {}",
                    roam_cue::eval::kind_name(k),
                    kinds.join("|")
                ))
            }
        }
        Directive::Closed(want) => {
            inst.eval(v);
            let t = inst.resolve_default(v);
            let c = inst.vs[t as usize].is_closed;
            if c == *want {
                Outcome::Pass
            } else {
                Outcome::Fail(format!("closed is {c}, want {want}"))
            }
        }
        _ => Outcome::Skip(format!("{} not checked yet", a.directive())),
    };
    // `incorrect`: passes while the documented (wrong) behaviour holds.
    out
}

fn kind_bits(k: &str) -> u16 {
    use roam_cue::eval::*;
    match k.trim() {
        "null" => K_NULL,
        "bool" => K_BOOL,
        "int" => K_INT,
        "float" => K_FLOAT,
        "number" => K_NUMBER,
        "string" => K_STRING,
        "bytes" => K_BYTES,
        "list" => K_LIST,
        "struct" => K_STRUCT,
        "_" | "top" => K_TOP,
        _ => 0,
    }
}

fn check_err(inst: &mut Instance<'_>, v: VId, spec: &ErrSpec) -> Outcome {
    let v = match &spec.at {
        Some(p) => {
            let mut cur = v;
            for name in p.split('.') {
                inst.eval(cur);
                cur = inst.resolve_default(cur);
                let label = match inst.labels.lookup(name, LabelKind::of_ident(name)) {
                    Some(f) => Label::Field(f),
                    None => return Outcome::Fail(format!("at={p}: not found")),
                };
                match inst.find_arc(cur, label) {
                    Some(a) => cur = a,
                    None => return Outcome::Fail(format!("at={p}: not found")),
                }
            }
            cur
        }
        None => v,
    };
    inst.eval(v);
    let t = inst.resolve_default(v);
    // A struct or list with an erroneous regular field is itself an error
    // (CUE: a struct with a bottom field is bottom), so look below too.
    let err = match inst.vs[t as usize].err.clone() {
        Some(e) => Some((*e).clone()),
        None => any_error(inst, t, 0),
    };
    let Some(err) = err else {
        let mut s = inst.value_string(t);
        truncate(&mut s, 500);
        return Outcome::Fail(format!("no error; value is {s}"));
    };
    if !spec.codes.is_empty() && !spec.codes.iter().any(|c| c == err.code.name()) {
        let mut msg = err.msg.clone();
        truncate(&mut msg, 500);
        return Outcome::Fail(format!(
            "error code {}, want {} ({msg})",
            err.code.name(),
            spec.codes.join("|"),
        ));
    }
    Outcome::Pass
}

fn any_error(inst: &mut Instance<'_>, t: VId, depth: u32) -> Option<roam_cue::eval::Bottom> {
    if depth > 100 {
        return None;
    }
    inst.eval(t);
    let t = inst.resolve_default(t);
    if let Some(e) = &inst.vs[t as usize].err {
        return Some((**e).clone());
    }
    let arcs = inst.vs[t as usize].arcs.clone();
    for a in arcs {
        let av = &inst.vs[a as usize];
        if av.arc == ArcType::Optional {
            continue;
        }
        if let Label::Field(f) = av.label
            && inst.labels.kind(f) != LabelKind::Regular
        {
            continue;
        }
        if let Some(e) = any_error(inst, a, depth + 1) {
            return Some(e);
        }
    }
    None
}

fn check_eq(inst: &mut Instance<'_>, package: Option<&str>, v: VId, expected: &str) -> Outcome {
    let mut text = String::new();
    if let Some(p) = package {
        text.push_str(&format!("package {p}\n"));
    }
    text.push_str(&format!("roam_expected_value_: (\n{expected}\n)\n"));
    let prog = match Program::compile(&[("expected", &text)]) {
        Ok(p) => p,
        Err(e) => return Outcome::Skip(format!("expected value does not compile alone: {e}")),
    };
    let mut exp = prog.instance();
    exp.max_steps = 1_000_000;
    let Some(ev) = exp.lookup(&["roam_expected_value_"]) else {
        return Outcome::Fail("expected value did not evaluate".into());
    };
    let mut why = String::new();
    if same(inst, v, &mut exp, ev, 0, &mut why) {
        Outcome::Pass
    } else {
        let got = inst.print_cue(
            v,
            roam_cue::eval::PrintOptions {
                defaults: false,
                hidden: true,
                optional: true,
                definitions: true,
                errors: true,
            },
        );
        Outcome::Fail(format!(
            "{why}\n  got: {}",
            got.trim_end().replace('\n', "\n       ")
        ))
    }
}

fn label_name(inst: &Instance<'_>, l: Label) -> String {
    match l {
        Label::Field(f) => inst
            .labels
            .name(f)
            .split('$')
            .next()
            .unwrap_or("")
            .to_string(),
        Label::Index(i) => i.to_string(),
        _ => String::new(),
    }
}

/// Structural comparison of `a` (in `x`) with `b` (in `y`).
fn same(
    x: &mut Instance<'_>,
    a: VId,
    y: &mut Instance<'_>,
    b: VId,
    depth: u32,
    why: &mut String,
) -> bool {
    if depth > 60 {
        return true;
    }
    x.eval(a);
    y.eval(b);
    let (av, bv) = (&x.vs[a as usize], &y.vs[b as usize]);
    if bv.err.is_some() {
        if av.err.is_some() {
            return true;
        }
        *why = format!("{}: expected an error", x.path(a));
        return false;
    }
    if let Some(e) = &av.err {
        *why = format!("{}: unexpected error: {}", x.path(a), e.msg);
        return false;
    }
    match (av.disj.clone(), bv.disj.clone()) {
        (Some(da), Some(db)) => {
            if da.len() != db.len() {
                *why = format!(
                    "{}: {} disjuncts, expected {}",
                    x.path(a),
                    da.len(),
                    db.len()
                );
                return false;
            }
            let has_marks_a = da.iter().any(|d| d.1);
            let has_marks_b = db.iter().any(|d| d.1);
            for (eb, mb) in db.iter() {
                let ok = da.iter().any(|(ea, ma)| {
                    (ma == mb || (!has_marks_a && !has_marks_b)) && {
                        let mut w = String::new();
                        same(x, *ea, y, *eb, depth + 1, &mut w)
                    }
                });
                if !ok {
                    *why = format!(
                        "{}: disjunct {} missing (or default marks differ)",
                        x.path(a),
                        y.value_string(*eb)
                    );
                    return false;
                }
            }
            return true;
        }
        (None, None) => {}
        _ => {
            *why = format!(
                "{}: got {}, expected {}",
                x.path(a),
                x.value_string(a),
                y.value_string(b)
            );
            return false;
        }
    }
    let (av, bv) = (&x.vs[a as usize], &y.vs[b as usize]);
    match (&av.atom, &bv.atom) {
        (Some(p), Some(q)) => {
            let eq = match (p, q) {
                (Atom::Num(m), Atom::Num(n)) => m == n,
                _ => p == q,
            };
            if !eq {
                *why = format!(
                    "{}: got {}, expected {}",
                    x.path(a),
                    x.atom_string(p),
                    y.atom_string(q)
                );
            }
            return eq;
        }
        (None, None) => {}
        _ => {
            *why = format!(
                "{}: got {}, expected {}",
                x.path(a),
                x.value_string(a),
                y.value_string(b)
            );
            return false;
        }
    }
    if av.is_struct != bv.is_struct || av.is_list != bv.is_list {
        *why = format!(
            "{}: got {}, expected {}",
            x.path(a),
            x.value_string(a),
            y.value_string(b)
        );
        return false;
    }
    if !av.is_struct && !av.is_list {
        // Constraints: kinds and bounds.
        let same_bounds = av.bounds.len() == bv.bounds.len()
            && bv.bounds.iter().all(|bb| {
                av.bounds.iter().any(|ab| {
                    ab.op == bb.op
                        && match (&ab.value, &bb.value) {
                            (Atom::Num(m), Atom::Num(n)) => m == n,
                            (p, q) => p == q,
                        }
                })
            });
        if av.kinds != bv.kinds || !same_bounds || av.validators.len() != bv.validators.len() {
            *why = format!(
                "{}: got {}, expected {}",
                x.path(a),
                x.value_string(a),
                y.value_string(b)
            );
            return false;
        }
        return true;
    }
    let fields = |i: &Instance<'_>, v: VId| -> Vec<(String, ArcType, VId)> {
        i.vs[v as usize]
            .arcs
            .iter()
            .filter_map(|&c| {
                let cv = &i.vs[c as usize];
                if let Label::Field(f) = cv.label
                    && i.labels.kind(f) == LabelKind::Let
                {
                    return None;
                }
                Some((label_name(i, cv.label), cv.arc, c))
            })
            .collect()
    };
    let fa = fields(x, a);
    let fb = fields(y, b);
    for (name, arc, c) in &fb {
        match fa.iter().find(|(n, _, _)| n == name) {
            Some((_, arc2, d)) => {
                if arc != arc2 {
                    *why = format!("{}.{name}: field kind differs", x.path(a));
                    return false;
                }
                if !same(x, *d, y, *c, depth + 1, why) {
                    return false;
                }
            }
            None => {
                *why = format!("{}: missing field {name}", x.path(a));
                return false;
            }
        }
    }
    for (name, _, _) in &fa {
        if !fb.iter().any(|(n, _, _)| n == name) {
            *why = format!("{}: unexpected field {name}", x.path(a));
            return false;
        }
    }
    true
}

fn truncate(s: &mut String, n: usize) {
    if s.len() > n {
        let mut i = n;
        while !s.is_char_boundary(i) {
            i -= 1;
        }
        s.truncate(i);
        s.push_str(" …");
    }
}
