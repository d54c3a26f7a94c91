//! Compiled step templates, by text: compiled once, shared by every app
//! and reconcile.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use roam_cue::eval::Program;

/// Declared beside every template: KubeVela appends `context` (and
/// `parameter`) to a step template as text, so templates refer to them
/// without declaring them; roam fills both as values.
const PRELUDE: &str = "context: _\nparameter: _\n";

/// A cache of compiled templates (with the action packages importable).
#[derive(Default)]
pub struct Templates {
    programs: Mutex<HashMap<Arc<str>, Arc<Program>>>,
}

impl Templates {
    pub fn new() -> Templates {
        Templates::default()
    }

    /// The compiled program of a template; compile errors are returned as
    /// text (file, line and column included).
    pub fn get(&self, text: &Arc<str>) -> Result<Arc<Program>, String> {
        if let Some(p) = self.lock().get(text) {
            return Ok(p.clone());
        }
        let program = Program::compile_with_packages(
            &[("template.cue", text), ("roam-step-context.cue", PRELUDE)],
            crate::packages::all(),
        )
        .map_err(|e| e.to_string())?;
        let program = Arc::new(program);
        self.lock().insert(text.clone(), program.clone());
        Ok(program)
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Arc<str>, Arc<Program>>> {
        self.programs.lock().unwrap_or_else(|e| e.into_inner())
    }
}
