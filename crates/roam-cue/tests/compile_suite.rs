//! The compile stage over the upstream conformance suite: every archive
//! compiles without errors, except the archives that test compile errors,
//! which must report the errors their golden output names.
//!
//! The suite is read in place from `../shared/conformance/cue` (or
//! `ROAM_CUE_CONFORMANCE`); without it the test prints a notice and passes.

use roam_cue::adt::Labels;
use roam_cue::compile::compile_package;
use roam_cue::syntax::parse_str;
use roam_cue::txtar::Archive;
use std::path::{Path, PathBuf};

fn suite_dir() -> PathBuf {
    std::env::var_os("ROAM_CUE_CONFORMANCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/cue")
        })
}

fn archives(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            archives(&p, out);
        } else if p.extension().is_some_and(|x| x == "txtar") {
            out.push(p);
        }
    }
}

/// Archives that test compile errors, with messages their golden output expects.
const EXPECTED: &[(&str, &[&str])] = &[
    (
        "compile/err_top.txtar",
        &[
            "cannot use _ as alias or let clause",
            "cannot use _ as label",
        ],
    ),
    (
        "compile/erralias.txtar",
        &[
            "unreferenced alias or let clause X",
            "reference \"Y\" not found",
            "reference \"E\" not found",
        ],
    ),
    ("compile/experiment.txtar", &[]),
    ("comprehensions/else_compile_errors.txtar", &[]),
    (
        "comprehensions/try_compile_errors.txtar",
        &[
            "struct-form try clause must be the last clause in a comprehension",
            "optional marker (?) is only valid within a try clause",
        ],
    ),
    (
        "cycle/issue1960.txtar",
        &["unreferenced alias or let clause q"],
    ),
    (
        "references/alias_err.txtar",
        &[
            "cyclic reference in field alias",
            "unreferenced alias or let clause Y",
        ],
    ),
    ("references/self.txtar", &[]),
];

#[test]
fn suite_compiles_and_compile_errors_match_upstream() {
    let dir = suite_dir();
    let mut paths = Vec::new();
    archives(&dir, &mut paths);
    if paths.is_empty() {
        eprintln!(
            "notice: CUE conformance suite not found at {}; skipping",
            dir.display()
        );
        return;
    }
    paths.sort();
    let mut unexpected = Vec::new();
    let mut seen_expected = 0;
    for p in &paths {
        let rel = p
            .strip_prefix(&dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let a = Archive::parse(&std::fs::read_to_string(p).unwrap());
        // The archive's own package: files at its root (others are imported packages).
        let files: Vec<_> = a
            .cue_files()
            .filter(|(n, _)| !n.contains('/'))
            .map(|(n, b)| parse_str(n, b).value)
            .collect();
        if files.is_empty() {
            continue;
        }
        let mut labels = Labels::default();
        let (_, errors) = compile_package(&mut labels, &files);
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        match EXPECTED.iter().find(|(name, _)| rel.ends_with(name)) {
            Some((name, wanted)) => {
                seen_expected += 1;
                assert!(
                    !errors.is_empty(),
                    "{name}: expected compile errors, got none"
                );
                for w in *wanted {
                    assert!(
                        messages.contains(w),
                        "{name}: expected {w:?} among {messages:?}"
                    );
                }
            }
            None if !errors.is_empty() => unexpected.push(format!("{rel}: {messages:?}")),
            None => {}
        }
    }
    assert_eq!(
        seen_expected,
        EXPECTED.len(),
        "some archives expected to fail were not found"
    );
    assert!(
        unexpected.is_empty(),
        "archives that should compile did not:\n{}",
        unexpected.join("\n")
    );
}
