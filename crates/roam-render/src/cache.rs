//! Compiled templates, cached by content hash and shared across renders.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use roam_cue::eval::Program;
use roam_cue::syntax::ast::{DeclKind, File, LabelKind};

use crate::patch::Directives;

/// A template compiled once: the program, and the patch directives read
/// from its comments.
pub struct CompiledTemplate {
    pub text: Arc<str>,
    pub program: Program,
    pub patch: Directives,
    pub patch_outputs: Directives,
    /// The parameter schema as written (for messages and docs).
    pub params: Vec<crate::schema::Param>,
    /// The `context` fields the template reads (`None`: it may read any).
    /// Only these are filled: a trait's `context.output` and
    /// `context.components` are large and most templates never read them.
    pub context_fields: Option<Vec<String>>,
}

/// The `context.<name>` / `context["name"]` members a template mentions;
/// `None` when `context` is used any other way (then everything is filled).
/// A conservative text scan: mentions in comments or strings only add
/// fields.
fn context_fields(text: &str) -> Option<Vec<String>> {
    let b = text.as_bytes();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(k) = text[i..].find("context") {
        let at = i + k;
        let end = at + "context".len();
        i = end;
        let before_ok = at == 0
            || !(b[at - 1].is_ascii_alphanumeric()
                || b[at - 1] == b'_'
                || b[at - 1] == b'$'
                || b[at - 1] == b'#'
                || b[at - 1] == b'.');
        let after_ok =
            end >= b.len() || !(b[end].is_ascii_alphanumeric() || b[end] == b'_' || b[end] == b'$');
        if !(before_ok && after_ok) {
            continue;
        }
        let rest = &text[end..];
        let name = if let Some(r) = rest.strip_prefix('.') {
            r.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
                .next()
                .unwrap_or("")
        } else if let Some(r) = rest.strip_prefix("[\"") {
            r.split('"').next().unwrap_or("")
        } else if rest.starts_with(':') && (at == 0 || b[..at].ends_with(b"\n")) {
            // A top-level declaration `context: ...` of the template itself.
            return None;
        } else {
            return None;
        };
        if name.is_empty() {
            return None;
        }
        if !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    }
    Some(out)
}

impl CompiledTemplate {
    /// Whether the template may read `context.<name>` (only those fields
    /// are filled).
    pub fn reads_context(&self, name: &str) -> bool {
        self.context_fields
            .as_ref()
            .is_none_or(|names| names.iter().any(|n| n == name))
    }

    fn compile(name: &str, text: Arc<str>) -> Result<CompiledTemplate, String> {
        let parsed = roam_cue::syntax::parse_str(name, &text);
        let file: File = parsed.value;
        // KubeVela appends `parameter: <json>` and `context: <json>` to the
        // template text; roam fills them as values, so declare them for the
        // compiler (a template need not declare either; an undeclared parameter is an open struct).
        let declares = |field: &str| {
            file.decls.iter().any(|d| {
                matches!(&d.kind, DeclKind::Field(f)
                if matches!(&f.label.kind, LabelKind::Ident(i) if i.name == field))
            })
        };
        let mut prelude = String::from("context: _\n");
        if !declares("parameter") {
            prelude.push_str("parameter: {...}\n");
        }
        let program = Program::compile(&[(name, &text), ("roam-template-context.cue", &prelude)])
            .map_err(|e| e.to_string())?;
        Ok(CompiledTemplate {
            context_fields: context_fields(&text),
            params: crate::schema::parameters(&text),
            patch: Directives::of_field(&file, "patch"),
            patch_outputs: Directives::of_field(&file, "patchOutputs"),
            program,
            text,
        })
    }
}

/// A cache of compiled templates keyed by their text. Thread-safe; a
/// template is compiled at most once per cache (concurrent first uses may
/// compile twice and keep one).
#[derive(Default)]
pub struct TemplateCache {
    map: Mutex<HashMap<u64, Vec<Arc<CompiledTemplate>>>>,
    /// The same templates by the address of the text they were compiled
    /// from (`CompiledTemplate::text`, which keeps that address alive): a
    /// definition passes the same `Arc` every render, and hashing and
    /// comparing the whole text each time costs more than the lookup.
    by_ptr: Mutex<HashMap<usize, Arc<CompiledTemplate>>>,
}

impl TemplateCache {
    pub fn new() -> TemplateCache {
        TemplateCache::default()
    }

    /// The compiled form of `text` (compiling it on first use). `name` is
    /// the file name errors show.
    pub fn get(&self, name: &str, text: &Arc<str>) -> Result<Arc<CompiledTemplate>, String> {
        let ptr = Arc::as_ptr(text) as *const u8 as usize;
        {
            let by_ptr = self.by_ptr.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(ct) = by_ptr.get(&ptr)
                && Arc::ptr_eq(&ct.text, text)
            {
                return Ok(ct.clone());
            }
        }
        let ct = self.get_by_text(name, text)?;
        if Arc::ptr_eq(&ct.text, text) {
            let mut by_ptr = self.by_ptr.lock().unwrap_or_else(|p| p.into_inner());
            by_ptr.insert(ptr, ct.clone());
        }
        Ok(ct)
    }

    fn get_by_text(&self, name: &str, text: &Arc<str>) -> Result<Arc<CompiledTemplate>, String> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        text.hash(&mut h);
        let key = h.finish();
        if let Some(hit) = self.lookup(key, text) {
            return Ok(hit);
        }
        let ct = Arc::new(CompiledTemplate::compile(name, text.clone())?);
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        let bucket = map.entry(key).or_default();
        if let Some(hit) = bucket.iter().find(|c| *c.text == **text) {
            return Ok(hit.clone());
        }
        bucket.push(ct.clone());
        Ok(ct)
    }

    fn lookup(&self, key: u64, text: &str) -> Option<Arc<CompiledTemplate>> {
        let map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        map.get(&key)?.iter().find(|c| &*c.text == text).cloned()
    }

    /// Number of compiled templates held.
    pub fn len(&self) -> usize {
        self.map
            .lock()
            .map(|m| m.values().map(Vec::len).sum())
            .unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::context_fields;

    #[test]
    fn context_fields_are_found_or_everything_is_assumed() {
        assert_eq!(
            context_fields(
                "a: context.name\nb: context[\"config\"]\nc: context.output.spec\n// context.name\n"
            ),
            Some(vec![
                "name".to_string(),
                "config".to_string(),
                "output".to_string()
            ])
        );
        assert_eq!(context_fields("x: mycontext.a\n"), Some(vec![]));
        assert_eq!(context_fields("x: context\n"), None);
        assert_eq!(context_fields("for k, v in context {}\n"), None);
    }
}
