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
}

impl CompiledTemplate {
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
}

impl TemplateCache {
    pub fn new() -> TemplateCache {
        TemplateCache::default()
    }

    /// The compiled form of `text` (compiling it on first use). `name` is
    /// the file name errors show.
    pub fn get(&self, name: &str, text: &Arc<str>) -> Result<Arc<CompiledTemplate>, String> {
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
