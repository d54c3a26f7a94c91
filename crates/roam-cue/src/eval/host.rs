//! Host API beyond fill/lookup/export: iterating fields, asking what state a
//! value is in, and collecting every error under a value (not just the
//! first). Used by `roam-render` to tell parameter errors from template
//! errors and to walk `outputs`.

use super::*;

/// What a value is, as a host sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueState {
    /// Fully concrete (exportable), defaults taken.
    Concrete,
    /// Not an error, but something under it is not concrete yet.
    Incomplete,
    /// An error (conflict, user error, cycle…) at or under the value.
    Error,
}

/// Which fields [`Instance::fields`] returns.
#[derive(Clone, Copy, Debug, Default)]
pub struct FieldFilter {
    pub definitions: bool,
    pub hidden: bool,
    pub optional: bool,
}

/// One field of a struct value.
#[derive(Clone, Debug)]
pub struct FieldInfo {
    pub name: String,
    pub kind: LabelKind,
    pub arc: ArcType,
    pub id: VId,
}

impl<'p> Instance<'p> {
    /// The fields of the struct at `v` (defaults taken), in order. Regular
    /// fields always; definitions, hidden and optional/required fields on
    /// request.
    pub fn fields(&mut self, v: VId, filter: FieldFilter) -> Vec<FieldInfo> {
        self.eval(v);
        let t = self.resolve_default(v);
        let arcs = self.field_order(t);
        let mut out = Vec::with_capacity(arcs.len());
        for a in arcs {
            let x = self.v(a);
            let Label::Field(f) = x.label else { continue };
            let kind = self.labels.kind(f);
            let ok_kind = match kind {
                LabelKind::Regular => true,
                LabelKind::Definition => filter.definitions,
                LabelKind::Hidden => filter.hidden,
                LabelKind::HiddenDefinition => filter.hidden && filter.definitions,
                LabelKind::Let => false,
            };
            let ok_arc = x.arc == ArcType::Member || filter.optional;
            if ok_kind && ok_arc {
                out.push(FieldInfo {
                    name: self.labels.name(f).to_string(),
                    kind,
                    arc: x.arc,
                    id: a,
                });
            }
        }
        out
    }

    /// Whether `v` is concrete, incomplete or an error.
    pub fn value_state(&mut self, v: VId) -> ValueState {
        match self.validate_concrete(v) {
            Ok(()) => ValueState::Concrete,
            Err(e) if e.code.is_incomplete() => match self.validate(v) {
                Ok(()) => ValueState::Incomplete,
                Err(_) => ValueState::Error,
            },
            Err(_) => ValueState::Error,
        }
    }

    /// Every error under `v` (at most `limit`), in field order. With
    /// `concrete`, values that are not concrete (regular fields without a
    /// value, required fields not present) are reported as incomplete
    /// errors too; optional fields are never descended into.
    pub fn errors(&mut self, v: VId, concrete: bool, limit: usize) -> Vec<ExportError> {
        let mut out = Vec::new();
        self.errors_rec(v, concrete, limit, 0, &mut out);
        out
    }

    fn errors_rec(
        &mut self,
        v: VId,
        concrete: bool,
        limit: usize,
        depth: u32,
        out: &mut Vec<ExportError>,
    ) {
        if out.len() >= limit || depth > 1000 {
            return;
        }
        self.eval(v);
        let t = self.resolve_default(v);
        if let Some(e) = self.v(t).err.clone() {
            if concrete || !e.code.is_incomplete() {
                out.push(self.export_error(v, &e));
            }
            return;
        }
        let x = self.v(t);
        if x.disj.is_some() || (x.atom.is_none() && !x.is_struct && !x.is_list) {
            if concrete {
                let b = Bottom::incomplete(format!("incomplete value {}", self.value_string(t)));
                out.push(self.export_error(v, &b));
            }
            return;
        }
        let arcs = self.v(t).arcs.clone();
        for a in arcs {
            let x = self.v(a);
            if let Label::Field(f) = x.label
                && self.labels.kind(f) != LabelKind::Regular
            {
                continue;
            }
            match x.arc {
                ArcType::Optional => continue,
                ArcType::Required => {
                    self.eval(a);
                    if concrete && self.v(a).arc == ArcType::Required {
                        let b = Bottom::incomplete("field is required but not present");
                        out.push(self.export_error(a, &b));
                    }
                    continue;
                }
                ArcType::Member => {}
            }
            stacker::maybe_grow(64 * 1024, 2 * 1024 * 1024, || {
                self.errors_rec(a, concrete, limit, depth + 1, out)
            });
        }
    }
}

/// One step of a path below a value.
#[derive(Clone, Copy, Debug)]
pub enum Step<'s> {
    Field(&'s str),
    Index(usize),
}

impl<'p> Instance<'p> {
    /// The value below `v` at one step (defaults taken on the way).
    pub fn child(&mut self, v: VId, step: Step<'_>) -> Option<VId> {
        self.eval(v);
        let t = self.resolve_default(v);
        let label = match step {
            Step::Field(name) => Label::Field(self.labels.lookup(name, LabelKind::of_ident(name))?),
            Step::Index(i) => Label::Index(u32::try_from(i).ok()?),
        };
        let c = self.find_arc(t, label)?;
        self.eval(c);
        Some(c)
    }

    /// For an open list `v` (`[...T]`): `T` unified with `data` as element
    /// `index`, exported; `None` when no element constraint covers that
    /// index. Lets a host apply a list's element constraint to elements it
    /// holds outside the evaluator (KubeVela patches such as
    /// `containers: [...{lifecycle: …}]`).
    pub fn unify_list_element(
        &mut self,
        v: VId,
        index: usize,
        data: &serde_json::Value,
    ) -> Option<Result<serde_json::Value, ExportError>> {
        self.eval(v);
        let t = self.resolve_default(v);
        let rests: Vec<Conjunct<'p>> = self
            .v(t)
            .list
            .rests
            .iter()
            .filter(|(from, _)| index >= *from)
            .map(|(_, c)| *c)
            .collect();
        if rests.is_empty() {
            return None;
        }
        let d = self.vertex_from_json(data);
        let n = self.new_vertex(Some(t), Label::Index(u32::try_from(index).ok()?));
        for c in rests {
            self.add_conjunct(n, c);
        }
        self.vm(n).conjuncts.push(Conjunct {
            x: CX::Vertex(d),
            env: 0,
            close: 0,
            embed: 0,
            outer: 0,
            prov: 0,
        });
        Some(self.export_serde(n))
    }
}
