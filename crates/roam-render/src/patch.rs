//! Trait patches: KubeVela's patch strategies over rendered JSON.
//!
//! A trait's `patch` (and `patchOutputs.<name>`) is evaluated to concrete
//! JSON and merged into the workload (or the named auxiliary object). The
//! strategy of each field comes from `// +patchKey=…` and
//! `// +patchStrategy=…` comments on the field in the template, collected
//! from the syntax tree ([`Directives::of_field`]):
//!
//! * no strategy: unification of concrete values — objects merge, equal
//!   scalars agree, different scalars conflict, lists merge element by
//!   element (the base list is open, so a longer patch appends);
//! * `+patchKey=k[,k2]` on a list: elements are matched by the value at the
//!   (dotted) key path; matched ones merge in place, new ones are appended.
//!   The key is inherited by lists below unless they carry their own;
//! * `+patchStrategy=retainKeys`: the patch value replaces the base value
//!   (on a keyed list: each matched element is replaced);
//! * `+patchStrategy=replace`: the patch list replaces the base list;
//! * `+patchStrategy=jsonMergePatch` on `patch`: RFC 7396 merge;
//! * `+patchStrategy=jsonPatch` on `patch`: RFC 6902 operations in
//!   `patch.operations`.

use std::collections::HashMap;
use std::fmt;

use roam_cue::syntax::ast::{Decl, DeclKind, Expr, ExprKind, File, LabelKind};
use serde_json::Value;

/// One step of a path inside a patch: a field, or "any list element".
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Seg {
    Field(String),
    Elem,
}

/// Directives on one field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Directive {
    pub patch_key: Option<String>,
    pub strategy: Option<Strategy>,
}

/// `+patchStrategy=` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    RetainKeys,
    Replace,
    JsonMergePatch,
    JsonPatch,
}

impl Strategy {
    fn parse(s: &str) -> Option<Strategy> {
        Some(match s {
            "retainKeys" => Strategy::RetainKeys,
            "replace" => Strategy::Replace,
            "jsonMergePatch" => Strategy::JsonMergePatch,
            "jsonPatch" => Strategy::JsonPatch,
            _ => return None,
        })
    }
}

/// The directives of one patch field (`patch`, `patchOutputs.x`), keyed by
/// path relative to it (the empty path is the field itself).
#[derive(Clone, Debug, Default)]
pub struct Directives {
    map: HashMap<Vec<Seg>, Directive>,
}

impl Directives {
    pub fn get(&self, path: &[Seg]) -> Option<&Directive> {
        self.map.get(path)
    }

    /// The strategy written on the patch field itself.
    pub fn top_strategy(&self) -> Option<Strategy> {
        self.map.get(&[][..]).and_then(|d| d.strategy)
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Collects the directives of the top-level field `name` of a template
    /// (wherever it is declared: plain, inside `if`/`for` bodies, several
    /// times). For `patchOutputs`, pass `name = "patchOutputs"` and look up
    /// paths starting with the output's name.
    pub fn of_field(file: &File, name: &str) -> Directives {
        let mut d = Directives::default();
        let mut path = Vec::new();
        for decl in &file.decls {
            d.walk_top(file, decl, name, &mut path);
        }
        d
    }

    /// Directives below `prefix` (e.g. one `patchOutputs` entry), re-rooted.
    pub fn sub(&self, prefix: &[Seg]) -> Directives {
        let mut out = Directives::default();
        for (k, v) in &self.map {
            if k.starts_with(prefix) {
                out.map.insert(k[prefix.len()..].to_vec(), v.clone());
            }
        }
        out
    }

    fn walk_top(&mut self, file: &File, decl: &Decl, name: &str, path: &mut Vec<Seg>) {
        match &decl.kind {
            DeclKind::Field(f) if static_label(&f.label.kind).as_deref() == Some(name) => {
                // On the patch field itself only whole-patch strategies
                // (jsonMergePatch, jsonPatch) stay at the top; others
                // go down a `patch: a: b:` shorthand chain.
                let dir = parse_directive(decl);
                if matches!(
                    dir.strategy,
                    Some(Strategy::JsonMergePatch | Strategy::JsonPatch)
                ) {
                    self.map.insert(path.to_vec(), dir);
                } else {
                    self.record_chain(dir, &f.value, path);
                }
                self.walk_expr(file, &f.value, path, 0);
            }
            DeclKind::Embed(e) => self.walk_top_expr(file, e, name, path),
            _ => {}
        }
    }

    fn walk_top_expr(&mut self, file: &File, e: &Expr, name: &str, path: &mut Vec<Seg>) {
        match &e.kind {
            ExprKind::Comprehension(c) => self.walk_top_expr(file, &c.body, name, path),
            ExprKind::Struct(s) => {
                for d in &s.decls {
                    self.walk_top(file, d, name, path);
                }
            }
            ExprKind::Paren(x) => self.walk_top_expr(file, x, name, path),
            _ => {}
        }
    }

    /// Records `dir` at the innermost field of a `a: b: c: v` shorthand
    /// chain starting at `value` (CUE attaches a chain's doc comment to the
    /// whole chain; the strategy means the field that gets the value).
    fn record_chain(&mut self, dir: Directive, value: &Expr, path: &[Seg]) {
        if dir == Directive::default() {
            return;
        }
        let mut p = path.to_vec();
        let mut v = value;
        while let ExprKind::Struct(s) = &v.kind
            && !s.braces
            && s.decls.len() == 1
            && let DeclKind::Field(f) = &s.decls[0].kind
            && let Some(n) = static_label(&f.label.kind)
        {
            p.push(Seg::Field(n));
            v = &f.value;
        }
        self.map.insert(p, dir);
    }

    fn walk_expr(&mut self, file: &File, e: &Expr, path: &mut Vec<Seg>, depth: u32) {
        if depth > 64 {
            return;
        }
        match &e.kind {
            ExprKind::Struct(s) => {
                for d in &s.decls {
                    match &d.kind {
                        DeclKind::Field(f) => {
                            let Some(name) = static_label(&f.label.kind) else {
                                continue;
                            };
                            path.push(Seg::Field(name));
                            self.record_chain(parse_directive(d), &f.value, path);
                            self.walk_expr(file, &f.value, path, depth + 1);
                            path.pop();
                        }
                        DeclKind::Embed(x) => self.walk_expr(file, x, path, depth + 1),
                        _ => {}
                    }
                }
            }
            ExprKind::List(l) => {
                path.push(Seg::Elem);
                for el in &l.elems {
                    self.walk_expr(file, &el.expr, path, depth + 1);
                }
                path.pop();
            }
            ExprKind::Paren(x) | ExprKind::Unary(_, x) | ExprKind::Alias(_, x) => {
                self.walk_expr(file, x, path, depth + 1)
            }
            ExprKind::Binary(_, a, b) => {
                self.walk_expr(file, a, path, depth + 1);
                self.walk_expr(file, b, path, depth + 1);
            }
            ExprKind::Comprehension(c) => self.walk_expr(file, &c.body, path, depth + 1),
            // A reference to a top-level field of the template (`_container`,
            // `#Patch`): its directives apply where it is used.
            ExprKind::Ident(i) => {
                for d in &file.decls {
                    if let DeclKind::Field(f) = &d.kind
                        && matches!(&f.label.kind, LabelKind::Ident(x) if x.name == i.name)
                    {
                        self.record_chain(parse_directive(d), &f.value, path);
                        self.walk_expr(file, &f.value, path, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The `+patchKey=` / `+patchStrategy=` comments of a declaration.
fn parse_directive(decl: &Decl) -> Directive {
    let mut dir = Directive::default();
    for c in decl.doc().iter().chain(decl.comments.leading.iter()) {
        let body = c.body().trim();
        let Some(rest) = body.strip_prefix('+') else {
            continue;
        };
        let Some((k, v)) = rest.split_once('=') else {
            continue;
        };
        let v = v.trim();
        // A tag value containing whitespace is ignored (as upstream).
        if v.is_empty() || v.contains(char::is_whitespace) {
            continue;
        }
        match k.trim() {
            "patchKey" => dir.patch_key = Some(v.to_string()),
            "patchStrategy" => dir.strategy = Strategy::parse(v).or(dir.strategy),
            _ => {}
        }
    }
    dir
}

fn static_label(l: &LabelKind) -> Option<String> {
    match l {
        LabelKind::Ident(i) if !i.is_definition() && !i.is_hidden() => Some(i.name.clone()),
        LabelKind::String(e) => match &e.kind {
            ExprKind::Lit(lit) => roam_cue::golang::strconv::unquote(&lit.raw).ok(),
            _ => None,
        },
        _ => None,
    }
}

/// A patch that does not fit the base.
#[derive(Clone, Debug, PartialEq)]
pub struct PatchError {
    /// JSON-ish path in the patched object (`spec.template.spec.containers[0].image`).
    pub path: String,
    pub message: String,
}

impl fmt::Display for PatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// A step of a path in the patch value (real indices).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatchStep {
    Field(String),
    Index(usize),
}

/// Element constraints of open lists in the patch (`[...{x: 1}]`), which
/// the exported JSON does not carry: given the path of a list in the patch
/// and a base element beyond the patch's elements, the host returns the
/// element unified with the constraint, or `None` when the list is closed.
pub trait ElementConstraints {
    fn unify_element(
        &mut self,
        list: &[PatchStep],
        index: usize,
        base: &Value,
    ) -> Option<Result<Value, String>>;
}

/// No constraints: every patch list is as exported.
pub struct NoConstraints;

impl ElementConstraints for NoConstraints {
    fn unify_element(
        &mut self,
        _: &[PatchStep],
        _: usize,
        _: &Value,
    ) -> Option<Result<Value, String>> {
        None
    }
}

/// Applies `patch` to `base` with the directives of the patch field.
pub fn apply_patch(base: &mut Value, patch: Value, dirs: &Directives) -> Result<(), PatchError> {
    apply_patch_with(base, patch, dirs, &mut NoConstraints)
}

/// [`apply_patch`], with the element constraints of the patch's open lists.
pub fn apply_patch_with(
    base: &mut Value,
    patch: Value,
    dirs: &Directives,
    constraints: &mut dyn ElementConstraints,
) -> Result<(), PatchError> {
    match dirs.top_strategy() {
        Some(Strategy::JsonMergePatch) => {
            json_patch::merge(base, &patch);
            Ok(())
        }
        Some(Strategy::JsonPatch) => {
            let ops = patch
                .get("operations")
                .cloned()
                .unwrap_or(Value::Array(Vec::new()));
            let ops: json_patch::Patch = serde_json::from_value(ops).map_err(|e| PatchError {
                path: "operations".into(),
                message: format!("not a JSON patch (RFC 6902): {e}"),
            })?;
            json_patch::patch(base, &ops).map_err(|e| PatchError {
                path: String::new(),
                message: format!("JSON patch failed: {e}"),
            })
        }
        _ => {
            let mut m = Merger {
                dirs,
                path: Vec::new(),
                shown: Vec::new(),
                real: Vec::new(),
                constraints,
            };
            m.merge(base, patch, None)
        }
    }
}

struct Merger<'a> {
    dirs: &'a Directives,
    path: Vec<Seg>,
    /// The path as shown in errors (with real indices).
    shown: Vec<String>,
    /// The path in the patch value.
    real: Vec<PatchStep>,
    constraints: &'a mut dyn ElementConstraints,
}

impl Merger<'_> {
    fn err(&self, message: String) -> PatchError {
        let mut path = String::new();
        for s in &self.shown {
            if s.starts_with('[') || path.is_empty() {
                path.push_str(s);
            } else {
                path.push('.');
                path.push_str(s);
            }
        }
        PatchError { path, message }
    }

    fn merge(
        &mut self,
        base: &mut Value,
        patch: Value,
        inherited_key: Option<&str>,
    ) -> Result<(), PatchError> {
        let dir = self.dirs.get(&self.path).cloned().unwrap_or_default();
        let key = dir
            .patch_key
            .clone()
            .or_else(|| inherited_key.map(str::to_string));
        match dir.strategy {
            Some(Strategy::Replace) => {
                *base = patch;
                return Ok(());
            }
            Some(Strategy::RetainKeys) if !(patch.is_array() && key.is_some()) => {
                *base = patch;
                return Ok(());
            }
            Some(Strategy::JsonMergePatch) => {
                json_patch::merge(base, &patch);
                return Ok(());
            }
            _ => {}
        }
        let retain = dir.strategy == Some(Strategy::RetainKeys);
        match (base, patch) {
            (Value::Object(b), Value::Object(p)) => {
                for (k, pv) in p {
                    self.path.push(Seg::Field(k.clone()));
                    self.shown.push(k.clone());
                    self.real.push(PatchStep::Field(k.clone()));
                    match b.get_mut(&k) {
                        Some(bv) => self.merge(bv, pv, key.as_deref())?,
                        None => {
                            b.insert(k, pv);
                        }
                    }
                    self.path.pop();
                    self.shown.pop();
                    self.real.pop();
                }
                Ok(())
            }
            (Value::Array(b), Value::Array(p)) => {
                if let Some(k) = key.as_deref()
                    && let Some(slots) = keyed_slots(b, &p, k, retain)
                {
                    return self.merge_index_wise(b, slots, key.as_deref(), true);
                }
                let slots = p
                    .into_iter()
                    .enumerate()
                    .map(|(j, v)| Slot::Merge(v, j))
                    .collect();
                self.merge_index_wise(b, slots, key.as_deref(), false)
            }
            (b, p) => {
                if *b == p || numbers_equal(b, &p) {
                    Ok(())
                } else {
                    Err(self.err(format!(
                        "conflicting values {} and {} (the trait's patch disagrees with the rendered value)",
                        short(&p),
                        short(b)
                    )))
                }
            }
        }
    }

    fn merge_index_wise(
        &mut self,
        base: &mut Vec<Value>,
        slots: Vec<Slot>,
        key: Option<&str>,
        open: bool,
    ) -> Result<(), PatchError> {
        let given = slots.len();
        self.path.push(Seg::Elem);
        for (i, slot) in slots.into_iter().enumerate() {
            self.shown.push(format!("[{i}]"));
            match slot {
                Slot::Keep => {}
                Slot::Replace(v) if i < base.len() => base[i] = v,
                Slot::Merge(v, j) if i < base.len() => {
                    self.real.push(PatchStep::Index(j));
                    let r = self.merge(&mut base[i], v, key);
                    self.real.pop();
                    r?
                }
                Slot::Replace(v) | Slot::Merge(v, _) => base.push(v),
            }
            self.shown.pop();
        }
        self.path.pop();
        if !open && given < base.len() {
            // Base elements beyond the patch's: the patch list's element
            // constraint applies to them, if the list is open.
            for i in given..base.len() {
                match self.constraints.unify_element(&self.real, i, &base[i]) {
                    Some(Ok(v)) => base[i] = v,
                    Some(Err(e)) => {
                        self.shown.push(format!("[{i}]"));
                        let err = self.err(e);
                        self.shown.pop();
                        return Err(err);
                    }
                    None => {
                        return Err(self.err(format!(
                            "incompatible list lengths ({given} in the patch, {} in the rendered value); use +patchKey to merge by key or +patchStrategy=replace",
                            base.len()
                        )));
                    }
                }
            }
        }
        Ok(())
    }
}

enum Slot {
    Keep,
    /// Merge this patch element (index `.1` in the patch list).
    Merge(Value, usize),
    Replace(Value),
}

/// The `+patchKey` rewrite of a patch list (see the module docs); `None`
/// when key merging does not apply and the lists merge index-wise.
fn keyed_slots(base: &[Value], patch: &[Value], keys: &str, retain: bool) -> Option<Vec<Slot>> {
    let mut slots = Vec::new();
    let mut used = vec![false; patch.len()];
    let mut keyed = vec![false; patch.len()];
    for k in keys.split(',').map(str::trim).filter(|k| !k.is_empty()) {
        let with: Vec<usize> = (0..patch.len())
            .filter(|&j| at_path(&patch[j], k).is_some())
            .collect();
        if with.is_empty() {
            if patch.is_empty() {
                continue;
            }
            return None;
        }
        if with
            .iter()
            .any(|&j| at_path(&patch[j], k).is_some_and(|v| v.is_object() || v.is_array()))
        {
            return None;
        }
        for &j in &with {
            keyed[j] = true;
        }
        for b in base {
            let Some(bv) = at_path(b, k) else { continue };
            match with
                .iter()
                .copied()
                .find(|&j| !used[j] && at_path(&patch[j], k) == Some(bv))
            {
                Some(j) => {
                    used[j] = true;
                    slots.push(if retain {
                        Slot::Replace(patch[j].clone())
                    } else {
                        Slot::Merge(patch[j].clone(), j)
                    });
                }
                None => slots.push(Slot::Keep),
            }
        }
    }
    // Unmatched elements that carry a key are appended in patch order;
    // elements without any key are dropped (upstream behaviour).
    for (j, p) in patch.iter().enumerate() {
        if keyed[j] && !used[j] {
            slots.push(Slot::Merge(p.clone(), j));
        }
    }
    // Slots beyond the base are appended; shift them after the base.
    let mut out: Vec<Slot> = Vec::with_capacity(slots.len().max(base.len()));
    let mut extra = Vec::new();
    for (i, s) in slots.into_iter().enumerate() {
        if i < base.len() {
            out.push(s);
        } else {
            extra.push(s);
        }
    }
    out.extend(extra);
    Some(out)
}

/// The value at a dotted path (`secretRef.name`).
fn at_path<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    let mut cur = v;
    for p in path.split('.') {
        cur = cur.as_object()?.get(p)?;
    }
    Some(cur)
}

fn numbers_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64() && x.as_f64().is_some(),
        _ => false,
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 80 {
        format!("{}…", &s[..s.floor_char_boundary(77)])
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dirs(src: &str) -> Directives {
        let f = roam_cue::syntax::parse_str("t.cue", src);
        assert!(f.errors.is_empty());
        Directives::of_field(&f.value, "patch")
    }

    fn run(base: Value, patch: Value, template: &str) -> Result<Value, String> {
        let mut b = base;
        apply_patch(&mut b, patch, &dirs(template)).map_err(|e| e.to_string())?;
        Ok(b)
    }

    #[test]
    fn plain_patch_unifies_objects_and_conflicts_on_scalars() {
        let t = "patch: spec: replicas: 3";
        assert_eq!(
            run(
                json!({"spec": {"a": 1}}),
                json!({"spec": {"replicas": 3}}),
                t
            )
            .unwrap(),
            json!({"spec": {"a": 1, "replicas": 3}})
        );
        let e = run(
            json!({"spec": {"replicas": 1}}),
            json!({"spec": {"replicas": 3}}),
            t,
        )
        .unwrap_err();
        assert_eq!(
            e,
            "spec.replicas: conflicting values 3 and 1 (the trait's patch disagrees with the rendered value)"
        );
    }

    #[test]
    fn retain_keys_replaces() {
        let t = "// +patchStrategy=retainKeys\npatch: spec: replicas: 3";
        assert_eq!(
            run(
                json!({"spec": {"replicas": 1, "x": 1}}),
                json!({"spec": {"replicas": 3}}),
                t
            )
            .unwrap(),
            json!({"spec": {"replicas": 3, "x": 1}})
        );
        let t = "// +patchStrategy=retainKeys\npatch: spec: {replicas: 3}";
        assert_eq!(
            run(
                json!({"spec": {"replicas": 1, "x": 1}}),
                json!({"spec": {"replicas": 3}}),
                t
            )
            .unwrap(),
            json!({"spec": {"replicas": 3}})
        );
        let t = "patch: spec: {\n\t// +patchStrategy=retainKeys\n\treplicas: 3\n}";
        assert_eq!(
            run(
                json!({"spec": {"replicas": 1, "x": 1}}),
                json!({"spec": {"replicas": 3}}),
                t
            )
            .unwrap(),
            json!({"spec": {"replicas": 3, "x": 1}})
        );
    }

    #[test]
    fn patch_key_merges_by_name_and_appends() {
        let t = "patch: {\n\t// +patchKey=name\n\tcontainers: [...]\n}";
        let base = json!({"containers": [{"name": "x1"}, {"name": "x2"}]});
        let patch =
            json!({"containers": [{"name": "x4"}, {"name": "x3"}, {"name": "x1", "image": "i"}]});
        assert_eq!(
            run(base, patch, t).unwrap(),
            json!({"containers": [{"name": "x1", "image": "i"}, {"name": "x2"}, {"name": "x4"}, {"name": "x3"}]})
        );
    }

    #[test]
    fn patch_key_is_inherited_by_nested_lists() {
        let t = "patch: spec: {\n\t// +patchKey=name\n\tcontainers: [{env: [...]}]\n}";
        let base =
            json!({"spec": {"containers": [{"name": "a", "env": [{"name": "A", "value": "1"}]}]}});
        let patch =
            json!({"spec": {"containers": [{"name": "a", "env": [{"name": "B", "value": "2"}]}]}});
        assert_eq!(
            run(base, patch, t).unwrap(),
            json!({"spec": {"containers": [{"name": "a", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]}]}})
        );
    }

    #[test]
    fn patch_key_with_dotted_and_alternative_keys() {
        let t = "patch: {\n\t// +patchKey=secretRef.name,configMapRef.name\n\tenvFrom: [...]\n}";
        let base =
            json!({"envFrom": [{"secretRef": {"name": "s"}}, {"configMapRef": {"name": "c"}}]});
        let patch = json!({"envFrom": [{"secretRef": {"name": "s", "optional": true}}, {"configMapRef": {"name": "d"}}]});
        assert_eq!(
            run(base, patch, t).unwrap(),
            json!({"envFrom": [{"secretRef": {"name": "s", "optional": true}}, {"configMapRef": {"name": "c"}}, {"configMapRef": {"name": "d"}}]})
        );
    }

    #[test]
    fn patch_key_with_retain_keys_replaces_matched_elements() {
        let t =
            "patch: {\n\t// +patchKey=name\n\t// +patchStrategy=retainKeys\n\tcontainers: [...]\n}";
        let base = json!({"containers": [{"name": "a", "image": "old", "args": ["x"]}]});
        let patch = json!({"containers": [{"name": "a", "image": "new"}]});
        assert_eq!(
            run(base, patch, t).unwrap(),
            json!({"containers": [{"name": "a", "image": "new"}]})
        );
    }

    #[test]
    fn replace_strategy_replaces_lists() {
        let t = "patch: {\n\t// +patchStrategy=replace\n\targs: [...]\n}";
        assert_eq!(
            run(json!({"args": ["a", "b"]}), json!({"args": ["c"]}), t).unwrap(),
            json!({"args": ["c"]})
        );
    }

    #[test]
    fn lists_without_key_merge_by_index() {
        let t = "patch: args: [...]";
        assert_eq!(
            run(
                json!({"args": [{"a": 1}]}),
                json!({"args": [{"b": 2}, {"c": 3}]}),
                t
            )
            .unwrap(),
            json!({"args": [{"a": 1, "b": 2}, {"c": 3}]})
        );
        let e = run(json!({"args": ["a", "b"]}), json!({"args": ["a"]}), t).unwrap_err();
        assert!(
            e.starts_with(
                "args: incompatible list lengths (1 in the patch, 2 in the rendered value)"
            ),
            "{e}"
        );
        let e = run(
            json!({"args": [{"name": "x1"}, {"name": "x2"}]}),
            json!({"args": [{"name": "x2"}, {"name": "x1"}]}),
            t,
        )
        .unwrap_err();
        assert!(
            e.starts_with("args[0].name: conflicting values \"x2\" and \"x1\""),
            "{e}"
        );
    }

    #[test]
    fn patch_key_elements_without_key_are_dropped() {
        let t = "patch: {\n\t// +patchKey=name\n\tc: [...]\n}";
        assert_eq!(
            run(
                json!({"c": [{"name": "a"}]}),
                json!({"c": [{"x": 1}, {"name": "b"}]}),
                t
            )
            .unwrap(),
            json!({"c": [{"name": "a"}, {"name": "b"}]})
        );
    }

    #[test]
    fn json_merge_patch_and_json_patch() {
        let t = "// +patchStrategy=jsonMergePatch\npatch: {}";
        assert_eq!(
            run(
                json!({"metadata": {"labels": {"a": "1", "b": "2"}}}),
                json!({"metadata": {"labels": {"a": null, "c": "3"}}}),
                t
            )
            .unwrap(),
            json!({"metadata": {"labels": {"b": "2", "c": "3"}}})
        );
        let t = "// +patchStrategy=jsonPatch\npatch: operations: [...]";
        assert_eq!(
            run(
                json!({"spec": {"replicas": 1}}),
                json!({"operations": [{"op": "replace", "path": "/spec/replicas", "value": 5}]}),
                t
            )
            .unwrap(),
            json!({"spec": {"replicas": 5}})
        );
        let e = run(
            json!({}),
            json!({"operations": [{"op": "remove", "path": "/nope"}]}),
            t,
        )
        .unwrap_err();
        assert!(e.starts_with("JSON patch failed"), "{e}");
    }

    #[test]
    fn directives_of_referenced_fields_apply_where_used() {
        let t = "_c: resources: {\n\t// +patchStrategy=retainKeys\n\tlimits: {cpu: 1}\n}\npatch: spec: {\n\t// +patchKey=name\n\tcontainers: [_c]\n}";
        let base = json!({"spec": {"containers": [{"name": "a", "resources": {"limits": {"cpu": 2, "memory": "1Gi"}}}]}});
        let patch =
            json!({"spec": {"containers": [{"name": "a", "resources": {"limits": {"cpu": 1}}}]}});
        assert_eq!(
            run(base, patch, t).unwrap(),
            json!({"spec": {"containers": [{"name": "a", "resources": {"limits": {"cpu": 1}}}]}})
        );
    }

    #[test]
    fn directives_inside_comprehensions_are_found() {
        let d = dirs(
            "if true {\n\tpatch: spec: {\n\t\tif true {\n\t\t\t// +patchKey=ip\n\t\t\thostAliases: []\n\t\t}\n\t}\n}",
        );
        assert_eq!(
            d.get(&[Seg::Field("spec".into()), Seg::Field("hostAliases".into())])
                .unwrap()
                .patch_key
                .as_deref(),
            Some("ip")
        );
    }
}
