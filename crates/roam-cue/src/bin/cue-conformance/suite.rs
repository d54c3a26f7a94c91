//! Finding and loading the suite's txtar archives, and parsing their CUE files.

use crate::expect;
use roam_cue::SourceFile;
use roam_cue::syntax::{self, Parsed, ast};
use roam_cue::txtar::Archive;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Every `*.txtar` file below `root` inside a `testdata` directory
/// (`cue/testdata/**`, `pkg/**/testdata/**`), as sorted relative paths.
pub fn discover(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "txtar") {
                let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
                if rel.components().any(|c| c.as_os_str() == "testdata") {
                    out.push(rel);
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The directory an archive is reported under: its parent directory without
/// the `testdata` component and without the leading `cue/`
/// (`cue/testdata/eval/x.txtar` → `eval`, `pkg/list/testdata/x.txtar` → `pkg/list`).
pub fn dir_label(rel: &str) -> String {
    let mut parts: Vec<&str> = rel.split('/').collect();
    parts.pop();
    parts.retain(|p| *p != "testdata");
    if parts.first() == Some(&"cue") && parts.len() > 1 {
        parts.remove(0);
    }
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// Time and volume spent parsing.
#[derive(Clone, Copy, Debug, Default)]
pub struct ParseStats {
    pub files: usize,
    pub bytes: usize,
    pub exprs: usize,
    pub expr_bytes: usize,
    pub time: Duration,
}

/// One parsed CUE file of an archive.
pub struct CueFile {
    /// The section name in the archive, e.g. `in.cue`.
    pub name: String,
    /// Named `<archive path>/<section name>`.
    pub source: Arc<SourceFile>,
    pub parsed: Parsed<ast::File>,
}

/// An archive with its CUE files parsed.
pub struct LoadedArchive {
    /// Path relative to the suite root, with `/` separators.
    pub rel_path: String,
    /// The reporting directory, see [`dir_label`].
    pub dir: String,
    /// All sections; an evaluating checker compares golden sections (`out/<pkg>`).
    #[allow(dead_code)]
    pub archive: Archive,
    pub files: Vec<CueFile>,
    /// The reason given by a `#inlinetest:exclude` header line.
    pub excluded: Option<String>,
    /// Names of experiments enabled by file-level `@experiment(...)` attributes.
    pub experiments: Vec<String>,
    /// Files the golden output says do not parse, with the evidence.
    pub expected_parse_errors: BTreeMap<String, String>,
}

impl LoadedArchive {
    pub fn load(root: &Path, rel: &Path, stats: &mut ParseStats) -> std::io::Result<LoadedArchive> {
        let text = std::fs::read_to_string(root.join(rel))?;
        let rel_path = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        Ok(LoadedArchive::from_text(rel_path, &text, stats))
    }

    pub fn from_text(rel_path: String, text: &str, stats: &mut ParseStats) -> LoadedArchive {
        let archive = Archive::parse(text);
        let mut files = Vec::new();
        for (name, body) in archive.cue_files() {
            let source = SourceFile::new(format!("{rel_path}/{name}"), body);
            let t = Instant::now();
            let parsed = syntax::parse_file(&source);
            stats.time += t.elapsed();
            stats.files += 1;
            stats.bytes += body.len();
            files.push(CueFile {
                name: name.to_string(),
                source,
                parsed,
            });
        }
        let excluded = archive.comment.lines().find_map(|l| {
            l.trim()
                .strip_prefix("#inlinetest:exclude")
                .map(|r| r.trim().to_string())
        });
        let mut experiments = Vec::new();
        for f in &files {
            for a in f.parsed.value.attributes() {
                if a.name() == "experiment" {
                    for e in a.args() {
                        if !experiments.iter().any(|x| x == e) {
                            experiments.push(e.to_string());
                        }
                    }
                }
            }
        }
        let expected_parse_errors = expect::expected_parse_errors(&archive);
        LoadedArchive {
            dir: dir_label(&rel_path),
            rel_path,
            archive,
            files,
            excluded,
            experiments,
            expected_parse_errors,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dir_labels() {
        assert_eq!(dir_label("cue/testdata/eval/x.txtar"), "eval");
        assert_eq!(
            dir_label("cue/testdata/builtins/list/x.txtar"),
            "builtins/list"
        );
        assert_eq!(
            dir_label("pkg/encoding/json/testdata/gen.txtar"),
            "pkg/encoding/json"
        );
    }

    #[test]
    fn loads_archive_metadata() {
        let text = "#inlinetest:exclude compile errors\n-- in.cue --\n@experiment(try,aliasv2)\npackage p\na: 1\n-- b.cue --\n// @experiment(nope)\nb: 2\n";
        let mut stats = ParseStats::default();
        let a = LoadedArchive::from_text("cue/testdata/x/y.txtar".into(), text, &mut stats);
        assert_eq!(a.excluded.as_deref(), Some("compile errors"));
        assert_eq!(a.experiments, ["try", "aliasv2"]);
        assert_eq!(a.files.len(), 2);
        assert_eq!(stats.files, 2);
        assert_eq!(a.files[0].source.name(), "cue/testdata/x/y.txtar/in.cue");
    }
}
