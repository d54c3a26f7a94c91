//! The capability registry: definitions by kind and name.
//!
//! Lookup order follows KubeVela: definitions given for the application
//! (files, or the application's namespace on a cluster) first, then the
//! system ones (roam's built-ins, or `vela-system`).

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use crate::deffile::parse_def_file;
use crate::definition::{DefKind, DefSource, Definition, DefinitionError};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

/// Definitions by kind and name.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    defs: BTreeMap<(DefKind, String), Entry>,
}

/// A definition, or a built-in def file parsed on first use (a dry-run
/// touches a handful of the built-ins; parsing all would dominate it).
#[derive(Clone, Debug)]
enum Entry {
    Ready(Arc<Definition>),
    Lazy(Arc<LazyDef>),
}

#[derive(Debug)]
struct LazyDef {
    path: &'static str,
    text: &'static str,
    def: OnceLock<Option<Arc<Definition>>>,
}

impl Entry {
    fn get(&self) -> Option<&Arc<Definition>> {
        match self {
            Entry::Ready(d) => Some(d),
            Entry::Lazy(l) => l
                .def
                .get_or_init(|| {
                    parse_def_file(l.path, l.text, DefSource::Builtin(l.path.to_string()))
                        .ok()
                        .map(Arc::new)
                })
                .as_ref(),
        }
    }
}

/// `components/webservice.cue` → (Component, "webservice").
fn builtin_key(path: &str) -> Option<(DefKind, String)> {
    let (dir, file) = path.split_once('/')?;
    let kind = DefKind::ALL.into_iter().find(|k| k.builtin_dir() == dir)?;
    Some((kind, file.strip_suffix(".cue")?.to_string()))
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Registry {
        Registry::default()
    }

    /// roam's built-in definitions (parsed once per process).
    pub fn builtin() -> &'static Registry {
        static REG: OnceLock<Registry> = OnceLock::new();
        REG.get_or_init(|| {
            // Built-in files are named after their definition
            // (`traits/scaler.cue` holds `scaler`; tests/builtin.rs checks).
            let mut r = Registry::new();
            for (path, text) in builtin::BUILTIN_FILES {
                if let Some(key) = builtin_key(path) {
                    r.defs.insert(
                        key,
                        Entry::Lazy(Arc::new(LazyDef {
                            path,
                            text,
                            def: OnceLock::new(),
                        })),
                    );
                }
            }
            r
        })
    }

    /// The built-in definition files: (path under `definitions/`, text).
    pub fn builtin_files() -> &'static [(&'static str, &'static str)] {
        builtin::BUILTIN_FILES
    }

    /// Adds (or replaces) a definition.
    pub fn insert(&mut self, d: Definition) {
        self.defs
            .insert((d.kind, d.name.clone()), Entry::Ready(Arc::new(d)));
    }

    /// Adds a def file or a YAML/JSON definition object (several objects
    /// separated by `---` allowed), by file name.
    pub fn add_source(&mut self, file_name: &str, text: &str) -> Result<usize, DefinitionError> {
        if file_name.ends_with(".cue") {
            self.insert(parse_def_file(
                file_name,
                text,
                DefSource::File(file_name.into()),
            )?);
            return Ok(1);
        }
        let docs = crate::yaml::parse_documents(file_name, text).map_err(|e| DefinitionError {
            source_name: file_name.into(),
            message: e.to_string(),
        })?;
        let mut n = 0;
        for doc in docs {
            if doc.is_null() {
                continue;
            }
            self.insert(Definition::from_object(
                doc,
                DefSource::File(file_name.into()),
            )?);
            n += 1;
        }
        Ok(n)
    }

    /// Looks up a definition; `name@vN` pins are resolved to the name
    /// (revisions live on clusters; offline only the current one exists).
    pub fn get(&self, kind: DefKind, name: &str) -> Option<&Arc<Definition>> {
        let name = name.split_once('@').map(|(n, _)| n).unwrap_or(name);
        self.defs
            .get(&(kind, name.to_string()))
            .or_else(|| {
                // A component may name a legacy WorkloadDefinition.
                (kind == DefKind::Component)
                    .then(|| self.defs.get(&(DefKind::Workload, name.to_string())))
                    .flatten()
            })
            .and_then(Entry::get)
    }

    /// All definitions of a kind, by name.
    pub fn list(&self, kind: DefKind) -> impl Iterator<Item = &Arc<Definition>> {
        self.defs
            .iter()
            .filter(move |((k, _), _)| *k == kind)
            .filter_map(|(_, d)| d.get())
    }

    /// This registry with `fallback`'s definitions added where this one has
    /// none of that kind and name.
    pub fn layered_over(mut self, fallback: &Registry) -> Registry {
        for (k, d) in &fallback.defs {
            self.defs.entry(k.clone()).or_insert_with(|| d.clone());
        }
        self
    }

    /// The names closest to `name` among definitions of `kind` (for "did you
    /// mean" hints), best first.
    pub fn suggest(&self, kind: DefKind, name: &str) -> Vec<String> {
        let mut scored: Vec<(usize, String)> = self
            .list(kind)
            .map(|d| (edit_distance(name, &d.name), d.name.clone()))
            .filter(|(dist, n)| {
                *dist <= (n.len().max(name.len()) / 3).max(2)
                    || n.contains(name)
                    || name.contains(n.as_str())
            })
            .collect();
        scored.sort();
        scored.into_iter().take(3).map(|(_, n)| n).collect()
    }
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_prefer_close_names() {
        let mut r = Registry::new();
        for n in ["webservice", "worker", "task", "cron-task"] {
            let src = format!("\"{n}\": {{type: \"component\"}}\ntemplate: {{}}\n");
            r.add_source(&format!("{n}.cue"), &src).unwrap();
        }
        assert_eq!(r.suggest(DefKind::Component, "webservise"), ["webservice"]);
        assert_eq!(r.suggest(DefKind::Component, "crontask")[0], "cron-task");
        assert!(r.suggest(DefKind::Component, "zzzzzzzz").is_empty());
    }

    #[test]
    fn yaml_definitions_load_and_pins_resolve() {
        let mut r = Registry::new();
        let y = "apiVersion: core.oam.dev/v1beta1\nkind: TraitDefinition\nmetadata:\n  name: t1\nspec:\n  schematic:\n    cue:\n      template: |\n        patch: {}\n---\napiVersion: core.oam.dev/v1beta1\nkind: TraitDefinition\nmetadata:\n  name: t2\nspec: {}\n";
        assert_eq!(r.add_source("defs.yaml", y).unwrap(), 2);
        assert_eq!(
            r.get(DefKind::Trait, "t1@v3").unwrap().template.as_deref(),
            Some("patch: {}\n")
        );
        assert!(r.get(DefKind::Trait, "t2").unwrap().template.is_none());
    }
}
