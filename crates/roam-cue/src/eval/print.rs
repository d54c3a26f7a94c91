//! Printing evaluated values as CUE text (`cue eval` style) and short
//! descriptions for messages.

use super::core::bound_op_str;
use super::*;

/// What `print_cue` shows.
#[derive(Clone, Copy, Debug)]
pub struct PrintOptions {
    /// Take defaults (as `cue eval` does).
    pub defaults: bool,
    pub hidden: bool,
    pub optional: bool,
    pub definitions: bool,
    /// Show `_|_ // message` for errors instead of failing.
    pub errors: bool,
}

impl Default for PrintOptions {
    fn default() -> Self {
        PrintOptions {
            defaults: true,
            hidden: false,
            optional: false,
            definitions: true,
            errors: true,
        }
    }
}

pub(crate) fn bytes_literal(b: &[u8]) -> String {
    let mut s = String::from("'");
    for &c in b {
        match c {
            b'\'' => s.push_str("\\'"),
            b'\\' => s.push_str("\\\\"),
            b'\n' => s.push_str("\\n"),
            b'\t' => s.push_str("\\t"),
            0x20..=0x7e => s.push(c as char),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s.push('\'');
    s
}

impl<'p> Instance<'p> {
    /// A one-line description of a value for messages (`int`, `>=0 & <10`,
    /// `1 | 2`, `{...}`).
    pub fn value_string(&mut self, v: VId) -> String {
        self.eval(v);
        let x = self.v(v);
        if let Some(e) = &x.err {
            return format!("_|_ // {}", e.msg);
        }
        if let Some(d) = x.disj.clone() {
            let parts: Vec<String> = d
                .iter()
                .map(|(t, m)| {
                    let s = self.value_string(*t);
                    if *m { format!("*{s}") } else { s }
                })
                .collect();
            return parts.join(" | ");
        }
        if let Some(a) = &x.atom {
            return self.atom_string(a);
        }
        if x.is_struct {
            return "{...}".into();
        }
        if x.is_list {
            return "[...]".into();
        }
        self.constraint_string(v)
    }

    fn constraint_string(&self, v: VId) -> String {
        let x = self.v(v);
        let mut parts = Vec::new();
        let bound_kinds: u16 = x
            .bounds
            .iter()
            .map(|b| match (&b.op, &b.value) {
                (adt::BoundOp::Ne, _) => K_TOP,
                (adt::BoundOp::Match | adt::BoundOp::NotMatch, _) => K_STRING | K_BYTES,
                (_, Atom::Num(_)) => K_NUMBER,
                (_, Atom::Str(_)) => K_STRING,
                (_, Atom::Bytes(_)) => K_BYTES,
                _ => K_TOP,
            })
            .fold(K_TOP, |a, b| a & b);
        if x.kinds != K_TOP && (x.bounds.is_empty() || x.kinds != bound_kinds) {
            parts.push(kind_name(x.kinds));
        }
        for b in &x.bounds {
            parts.push(format!(
                "{}{}",
                bound_op_str(b.op),
                self.atom_string(&b.value)
            ));
        }
        for val in &x.validators {
            parts.push(match val {
                Validator::Std {
                    pkg, func, args, ..
                } => {
                    let a: Vec<String> = args
                        .iter()
                        .map(|a| match a {
                            crate::stdlib::Val::Num(n) => n.to_cue_string(),
                            crate::stdlib::Val::Str(s) => crate::golang::strconv::quote(s),
                            crate::stdlib::Val::Bool(b) => b.to_string(),
                            _ => "_".into(),
                        })
                        .collect();
                    format!(
                        "{}.{}({})",
                        super::stdcall::short_pkg(pkg),
                        func.name,
                        a.join(", ")
                    )
                }
                Validator::MatchN { .. } => "matchN(...)".into(),
                Validator::MatchIf { .. } => "matchIf(...)".into(),
            });
        }
        if parts.is_empty() {
            return "_".into();
        }
        // `int & >=0` prints as `int & >=0`; upstream puts the kind last
        // for some forms, but the common ones read the same.
        parts.join(" & ")
    }

    /// Prints `v` as CUE (the body of a struct at top level, like `cue eval`).
    pub fn print_cue(&mut self, v: VId, opts: PrintOptions) -> String {
        let mut out = String::new();
        self.eval(v);
        let t = if opts.defaults {
            self.resolve_default(v)
        } else {
            v
        };
        if self.v(t).is_struct && self.v(t).err.is_none() && self.v(t).disj.is_none() {
            self.print_fields(t, opts, 0, &mut out);
        } else {
            self.print_value(t, opts, 0, &mut out);
            out.push('\n');
        }
        out
    }

    fn print_fields(&mut self, t: VId, opts: PrintOptions, depth: usize, out: &mut String) {
        let arcs = self.field_order(t);
        for a in arcs {
            let av = self.v(a);
            let Label::Field(f) = av.label else { continue };
            let kind = self.labels.kind(f);
            let show = match kind {
                LabelKind::Regular => true,
                LabelKind::Definition => opts.definitions,
                LabelKind::Hidden | LabelKind::HiddenDefinition => opts.hidden,
                LabelKind::Let => false,
            };
            if !show {
                continue;
            }
            let marker = match av.arc {
                ArcType::Optional if !opts.optional => continue,
                ArcType::Optional => "?",
                ArcType::Required => "!",
                ArcType::Member => "",
            };
            indent(out, depth);
            out.push_str(&self.label_string(Label::Field(f)));
            out.push_str(marker);
            out.push_str(": ");
            self.print_value(a, opts, depth, out);
            out.push('\n');
        }
    }

    fn print_value(&mut self, v: VId, opts: PrintOptions, depth: usize, out: &mut String) {
        if depth > 200 {
            out.push_str("_|_ // too deep");
            return;
        }
        self.eval(v);
        let t = if opts.defaults {
            self.resolve_default(v)
        } else {
            v
        };
        let x = self.v(t);
        if let Some(e) = &x.err {
            out.push_str(&format!("_|_ // {}", e.msg.lines().next().unwrap_or("")));
            return;
        }
        if let Some(d) = x.disj.clone() {
            let mut first = true;
            for (y, m) in d.iter() {
                if !first {
                    out.push_str(" | ");
                }
                first = false;
                if *m && !opts.defaults {
                    out.push('*');
                }
                self.print_value(
                    *y,
                    PrintOptions {
                        defaults: false,
                        ..opts
                    },
                    depth,
                    out,
                );
            }
            return;
        }
        if let Some(a) = &x.atom {
            let s = match a {
                Atom::Str(s) if s.contains('\n') => multiline(s, depth),
                _ => self.atom_string(a),
            };
            out.push_str(&s);
            return;
        }
        if x.is_list {
            let arcs = x.arcs.clone();
            let open = x.list.closed.is_none() && !opts.defaults;
            if arcs.is_empty() {
                out.push_str(if open { "[...]" } else { "[]" });
                return;
            }
            let simple = arcs.iter().all(|&a| {
                let av = self.v(a);
                av.atom.is_some() || (!av.is_struct && !av.is_list && av.disj.is_none())
            });
            if simple {
                out.push('[');
                for (i, a) in arcs.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.print_value(*a, opts, depth, out);
                }
                out.push(']');
                return;
            }
            out.push('[');
            for (i, a) in arcs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                self.print_value(*a, opts, depth, out);
            }
            out.push(']');
            return;
        }
        if x.is_struct {
            let any = x.arcs.iter().any(|&a| {
                let av = self.v(a);
                matches!(av.label, Label::Field(f) if match self.labels.kind(f) {
                    LabelKind::Regular => opts.optional || av.arc != ArcType::Optional,
                    LabelKind::Definition => opts.definitions,
                    _ => opts.hidden,
                })
            });
            if !any {
                out.push_str("{}");
                return;
            }
            out.push_str("{\n");
            self.print_fields(t, opts, depth + 1, out);
            indent(out, depth);
            out.push('}');
            return;
        }
        out.push_str(&self.constraint_string(t));
    }
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("    ");
    }
}

fn multiline(s: &str, depth: usize) -> String {
    if s.contains("\"\"\"") || s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return crate::golang::strconv::quote(s);
    }
    let mut out = String::from("\"\"\"\n");
    for line in s.split('\n') {
        if !line.is_empty() {
            for _ in 0..=depth {
                out.push_str("    ");
            }
            out.push_str(&line.replace('\\', "\\\\"));
        }
        out.push('\n');
    }
    for _ in 0..=depth {
        out.push_str("    ");
    }
    out.push_str("\"\"\"");
    out
}
