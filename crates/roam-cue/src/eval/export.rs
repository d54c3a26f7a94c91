//! Export: concrete values to JSON text or [`Val`] trees.

use std::fmt::Write as _;

use super::*;
use crate::stdlib::Val;

/// Why a value cannot be exported.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportError {
    /// The CUE path of the offending value (`a.b.0`).
    pub path: String,
    pub code: ErrCode,
    pub msg: String,
    /// `file:line:col` positions.
    pub pos: Vec<String>,
    /// The message with the source lines, ready to print.
    pub rendered: String,
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.rendered)
    }
}

impl std::error::Error for ExportError {}

impl<'p> Instance<'p> {
    pub(crate) fn export_error(&self, v: VId, b: &Bottom) -> ExportError {
        ExportError {
            path: self.path(v),
            code: b.code,
            msg: b.msg.clone(),
            pos: b.pos.iter().map(|p| self.pos_string(*p)).collect(),
            rendered: self.diagnostic(v, b),
        }
    }

    /// The regular, present fields of a struct vertex, in order; a
    /// required field that is not present is an error.
    pub(crate) fn export_arcs(&mut self, v: VId) -> Result<Vec<(Feature, VId)>, ExportError> {
        let arcs = self.field_order(v);
        let mut out = Vec::with_capacity(arcs.len());
        for a in arcs {
            let av = self.v(a);
            let Label::Field(f) = av.label else { continue };
            if self.labels.kind(f) != LabelKind::Regular {
                continue;
            }
            match av.arc {
                ArcType::Optional => continue,
                ArcType::Required => {
                    let b = Bottom::incomplete("field is required but not present");
                    return Err(self.export_error(a, &b));
                }
                ArcType::Member => out.push((f, a)),
            }
        }
        Ok(out)
    }

    /// Evaluates `v` for export: defaults taken, errors and non-concrete
    /// values reported.
    fn export_vertex(&mut self, v: VId) -> Result<VId, ExportError> {
        self.eval(v);
        let t = self.resolve_default(v);
        let x = self.v(t);
        if let Some(e) = x.err.clone() {
            return Err(self.export_error(v, &e));
        }
        if x.disj.is_some() {
            let b = Bottom::incomplete(format!("incomplete value {}", self.value_string(t)));
            return Err(self.export_error(v, &b));
        }
        if x.atom.is_none() && !x.is_struct && !x.is_list {
            let b = Bottom::incomplete(format!("incomplete value {}", self.value_string(t)));
            return Err(self.export_error(v, &b));
        }
        Ok(t)
    }

    /// Exports `v` as JSON text (indented with four spaces like `cue
    /// export`, or compact).
    pub fn export_json(&mut self, v: VId, indent: bool) -> Result<String, ExportError> {
        let mut out = String::new();
        self.write_json(v, indent, 0, &mut out)?;
        Ok(out)
    }

    fn write_json(
        &mut self,
        v: VId,
        indent: bool,
        depth: usize,
        out: &mut String,
    ) -> Result<(), ExportError> {
        if depth > 10_000 {
            let b = Bottom::new(ErrCode::StructuralCycle, "value too deep to export");
            return Err(self.export_error(v, &b));
        }
        let t = stacker::maybe_grow(64 * 1024, 2 * 1024 * 1024, || self.export_vertex(v))?;
        let nl = |out: &mut String, d: usize| {
            if indent {
                out.push('\n');
                for _ in 0..d {
                    out.push_str("    ");
                }
            }
        };
        if let Some(a) = self.v(t).atom.clone() {
            write_atom_json(&a, out);
            return Ok(());
        }
        if self.v(t).is_list {
            let arcs = self.v(t).arcs.clone();
            if arcs.is_empty() {
                out.push_str("[]");
                return Ok(());
            }
            out.push('[');
            for (i, a) in arcs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                nl(out, depth + 1);
                stacker::maybe_grow(64 * 1024, 2 * 1024 * 1024, || {
                    self.write_json(*a, indent, depth + 1, out)
                })?;
            }
            nl(out, depth);
            out.push(']');
            return Ok(());
        }
        let arcs = self.export_arcs(t)?;
        if arcs.is_empty() {
            out.push_str("{}");
            return Ok(());
        }
        out.push('{');
        for (i, (f, a)) in arcs.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            nl(out, depth + 1);
            out.push_str(&crate::golang::json::quote_string(
                self.labels.name(*f).as_bytes(),
                false,
            ));
            out.push(':');
            if indent {
                out.push(' ');
            }
            stacker::maybe_grow(64 * 1024, 2 * 1024 * 1024, || {
                self.write_json(*a, indent, depth + 1, out)
            })?;
        }
        nl(out, depth);
        out.push('}');
        Ok(())
    }

    /// Exports `v` as a [`Val`] tree (for YAML and host callers).
    pub fn export_val(&mut self, v: VId) -> Result<Val, ExportError> {
        self.export_val_depth(v, 0)
    }

    fn export_val_depth(&mut self, v: VId, depth: usize) -> Result<Val, ExportError> {
        if depth > 10_000 {
            let b = Bottom::new(ErrCode::StructuralCycle, "value too deep to export");
            return Err(self.export_error(v, &b));
        }
        let t = self.export_vertex(v)?;
        if let Some(a) = self.v(t).atom.clone() {
            return Ok(stdcall::atom_val(a));
        }
        if self.v(t).is_list {
            let arcs = self.v(t).arcs.clone();
            let mut out = Vec::with_capacity(arcs.len());
            for a in arcs {
                out.push(stacker::maybe_grow(64 * 1024, 2 * 1024 * 1024, || {
                    self.export_val_depth(a, depth + 1)
                })?);
            }
            return Ok(Val::List(out));
        }
        let arcs = self.export_arcs(t)?;
        let mut out = Vec::with_capacity(arcs.len());
        for (f, a) in arcs {
            let name: std::sync::Arc<str> = std::sync::Arc::from(self.labels.name(f));
            let val = stacker::maybe_grow(64 * 1024, 2 * 1024 * 1024, || {
                self.export_val_depth(a, depth + 1)
            })?;
            out.push((name, val));
        }
        Ok(Val::Struct(out))
    }

    /// Exports `v` as a `serde_json::Value`: what parsing
    /// [`Instance::export_json`]'s text gives, built directly (the text is
    /// only written when a number needs serde_json's own parsing to fail
    /// the same way).
    pub fn export_serde(&mut self, v: VId) -> Result<serde_json::Value, ExportError> {
        match self.serde_value(v, 0)? {
            Some(x) => Ok(x),
            None => self.export_serde_text(v),
        }
    }

    /// The value of `v` as `serde_json` would parse its JSON text; `None`
    /// if a number does not parse (the caller then reports serde_json's
    /// error for the whole text). Same traversal and errors as
    /// [`Instance::write_json`].
    fn serde_value(
        &mut self,
        v: VId,
        depth: usize,
    ) -> Result<Option<serde_json::Value>, ExportError> {
        use serde_json::Value as J;
        if depth > 10_000 {
            let b = Bottom::new(ErrCode::StructuralCycle, "value too deep to export");
            return Err(self.export_error(v, &b));
        }
        let t = stacker::maybe_grow(64 * 1024, 2 * 1024 * 1024, || self.export_vertex(v))?;
        if let Some(a) = &self.v(t).atom {
            return Ok(atom_serde(a));
        }
        if self.v(t).is_list {
            let n = self.v(t).arcs.len();
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                let a = self.v(t).arcs[i];
                match stacker::maybe_grow(64 * 1024, 2 * 1024 * 1024, || {
                    self.serde_value(a, depth + 1)
                })? {
                    Some(x) => out.push(x),
                    None => return Ok(None),
                }
            }
            return Ok(Some(J::Array(out)));
        }
        let arcs = self.export_arcs(t)?;
        let mut out = serde_json::Map::new();
        for (f, a) in arcs {
            let x = match stacker::maybe_grow(64 * 1024, 2 * 1024 * 1024, || {
                self.serde_value(a, depth + 1)
            })? {
                Some(x) => x,
                None => return Ok(None),
            };
            out.insert(self.labels.name(f).to_string(), x);
        }
        Ok(Some(J::Object(out)))
    }

    /// [`Instance::export_serde`] through JSON text.
    fn export_serde_text(&mut self, v: VId) -> Result<serde_json::Value, ExportError> {
        let s = self.export_json(v, false)?;
        serde_json::from_str(&s).map_err(|e| ExportError {
            path: self.path(v),
            code: ErrCode::Eval,
            msg: e.to_string(),
            pos: Vec::new(),
            rendered: e.to_string(),
        })
    }

    /// Checks that everything under `v` is concrete and error free (what
    /// `cue vet -c` checks), returning the first problem.
    pub fn validate_concrete(&mut self, v: VId) -> Result<(), ExportError> {
        self.export_val(v).map(|_| ())
    }

    /// Reports errors under `v` that are not incomplete (what `cue vet`
    /// without `-c` checks). Definitions are checked too.
    pub fn validate(&mut self, v: VId) -> Result<(), ExportError> {
        self.validate_rec(v, 0)
    }

    fn validate_rec(&mut self, v: VId, depth: u32) -> Result<(), ExportError> {
        if depth > 1000 {
            return Ok(());
        }
        self.eval(v);
        let t = self.resolve_default(v);
        if let Some(e) = self.v(t).err.clone()
            && !e.code.is_incomplete()
        {
            return Err(self.export_error(v, &e));
        }
        if self.v(t).disj.is_some() {
            return Ok(());
        }
        let arcs = self.v(t).arcs.clone();
        for a in arcs {
            if self.v(a).arc == ArcType::Optional {
                continue;
            }
            stacker::maybe_grow(64 * 1024, 2 * 1024 * 1024, || {
                self.validate_rec(a, depth + 1)
            })?;
        }
        Ok(())
    }
}

/// An atom as serde_json parses its JSON text (`None`: a number it does
/// not accept, such as one beyond the range of f64).
fn atom_serde(a: &Atom) -> Option<serde_json::Value> {
    use serde_json::Value as J;
    Some(match a {
        Atom::Null => J::Null,
        Atom::Bool(b) => J::Bool(*b),
        Atom::Num(n) => {
            let s = n.to_json_string();
            let digits = s.strip_prefix('-').unwrap_or(&s);
            // Plain integers that fit: what serde_json makes of them
            // (u64 for non-negative, i64 for negative); anything else
            // (fractions, exponents, `-0`, large values) is parsed by
            // serde_json itself.
            if !digits.is_empty()
                && digits.len() <= 18
                && digits.bytes().all(|b| b.is_ascii_digit())
                && s != "-0"
            {
                let i: i64 = s.parse().ok()?;
                if i >= 0 {
                    J::from(i as u64)
                } else {
                    J::from(i)
                }
            } else {
                serde_json::from_str::<J>(&s).ok()?
            }
        }
        Atom::Str(s) => J::String(s.to_string()),
        Atom::Bytes(b) => J::String(crate::golang::encoding::STD_ENCODING.encode(b)),
    })
}

pub(crate) fn write_atom_json(a: &Atom, out: &mut String) {
    match a {
        Atom::Null => out.push_str("null"),
        Atom::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Atom::Num(n) => out.push_str(&n.to_json_string()),
        Atom::Str(s) => out.push_str(&crate::golang::json::quote_string(s.as_bytes(), false)),
        Atom::Bytes(b) => {
            // Bytes export as base64 strings.
            out.push('"');
            out.push_str(&crate::golang::encoding::STD_ENCODING.encode(b));
            out.push('"');
        }
    }
}
