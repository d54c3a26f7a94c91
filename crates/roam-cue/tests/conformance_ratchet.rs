//! The conformance ratchet: runs the `cue-conformance` runner over CUE's
//! upstream suite and fails if fewer assertions pass than recorded in
//! `conformance-baseline.txt`, if any file parses differently from what the
//! suite's golden output expects, or if a `@test` attribute is malformed.
//!
//! The suite lives outside the repository, at `../shared/conformance/cue`
//! next to the workspace (or wherever `ROAM_CUE_CONFORMANCE` points); if it
//! is absent the test prints a notice and passes.

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn suite_dir() -> PathBuf {
    match std::env::var_os("ROAM_CUE_CONFORMANCE") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/conformance/cue"
        )),
    }
}

fn baseline() -> u64 {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/conformance-baseline.txt");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .find_map(|l| l.trim().strip_prefix("passed:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("{path}: no `passed: N` line"))
}

fn count(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("runner JSON lacks {key}: {v}"))
}

#[test]
fn conformance_ratchet() {
    let dir = suite_dir();
    if !dir.is_dir() {
        eprintln!(
            "notice: CUE conformance suite not found at {}; skipping the ratchet (set ROAM_CUE_CONFORMANCE)",
            dir.display()
        );
        return;
    }
    let json_path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cue-conformance.json");
    let _ = std::fs::remove_file(&json_path);
    let out = Command::new(env!("CARGO_BIN_EXE_cue-conformance"))
        .arg(&dir)
        .arg("--json")
        .arg(&json_path)
        .output()
        .expect("running cue-conformance");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let text = std::fs::read_to_string(&json_path)
        .unwrap_or_else(|e| panic!("no JSON report ({e}); runner output:\n{stdout}\n{stderr}"));
    let report: Value = serde_json::from_str(&text).expect("runner JSON");

    let mut problems = Vec::new();
    for a in report["archives"].as_array().expect("archives") {
        for p in a["parse_failures"].as_array().into_iter().flatten() {
            problems.push(format!("parse failure: {}", p.as_str().unwrap_or_default()));
        }
        for e in a["runner_errors"].as_array().into_iter().flatten() {
            problems.push(format!("runner error: {}", e.as_str().unwrap_or_default()));
        }
    }
    assert!(
        problems.is_empty(),
        "files that should parse do not (or attributes are malformed):\n{}",
        problems.join("\n")
    );
    assert!(
        out.status.success(),
        "cue-conformance failed:\n{stdout}\n{stderr}"
    );

    let totals = &report["totals"];
    let (passed, failed, skipped) = (
        count(totals, "passed"),
        count(totals, "failed"),
        count(totals, "skipped"),
    );
    let want = baseline();
    println!(
        "conformance: {passed} passed, {failed} failed, {skipped} skipped (baseline {want} passed)"
    );
    assert!(
        passed >= want,
        "conformance regressed: {passed} assertions pass, the baseline is {want} \
         (crates/roam-cue/conformance-baseline.txt); run `cargo run --release -p roam-cue --bin cue-conformance -- --verbose`"
    );
    if passed > want {
        println!(
            "notice: {passed} > baseline {want}: raise `passed:` in crates/roam-cue/conformance-baseline.txt"
        );
    }
}
