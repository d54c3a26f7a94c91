//! Running one archive: parse expectations, collection, plan, checks.

use crate::check::{Checker, Outcome};
use crate::collect::collect;
use crate::plan::{Plan, SkipReason, plan};
use crate::suite::{LoadedArchive, ParseStats};
use roam_cue::diag::Diagnostic;
use serde::Serialize;
use std::collections::BTreeMap;

/// Syntax errors shown per unexpectedly failing file.
const MAX_ERRORS_PER_FILE: usize = 5;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        self.passed += o.passed;
        self.failed += o.failed;
        self.skipped += o.skipped;
    }

    fn record(&mut self, o: &Outcome) {
        match o {
            Outcome::Pass => self.passed += 1,
            Outcome::Fail(_) => self.failed += 1,
            Outcome::Skip(_) => self.skipped += 1,
        }
    }
}

/// A failed assertion.
#[derive(Debug, Serialize)]
pub struct Failure {
    /// `archive.txtar/file.cue:line:col` of the attribute.
    pub location: String,
    /// The CUE path of the annotated value.
    pub path: String,
    pub directive: String,
    /// `field`, `struct`, `file` or `eqbody`.
    pub placement: String,
    pub attribute: String,
    pub message: String,
}

/// The result of one archive.
#[derive(Debug, Serialize)]
pub struct ArchiveResult {
    pub path: String,
    pub dir: String,
    /// `inline` (has `@test`) or `golden-only`.
    pub mode: &'static str,
    #[serde(flatten)]
    pub counts: Counts,
    /// Whether every file parsed as the golden output expects.
    pub parse_ok: bool,
    /// Files expected not to parse, with the golden evidence.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub expected_parse_errors: BTreeMap<String, String>,
    /// Unexpected syntax errors (rendered), or files that parsed but should not have.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parse_failures: Vec<String>,
    /// Malformed or misplaced `@test` attributes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub runner_errors: Vec<String>,
    /// Attributes or arguments upstream's runner silently ignores.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<Failure>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub skipped_by_reason: BTreeMap<String, usize>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub by_directive: BTreeMap<&'static str, Counts>,
}

fn parse_failures(archive: &LoadedArchive) -> Vec<String> {
    let mut out = Vec::new();
    for f in &archive.files {
        match (archive.expected_parse_errors.get(&f.name), f.parsed.is_ok()) {
            (Some(_), false) | (None, true) => {}
            (Some(evidence), true) => out.push(format!(
                "{}: parsed cleanly, but the golden output records a syntax error: {evidence}",
                f.source.name()
            )),
            (None, false) => {
                for e in f.parsed.errors.iter().take(MAX_ERRORS_PER_FILE) {
                    out.push(Diagnostic::from_syntax(&f.source, e).render());
                }
                if f.parsed.errors.len() > MAX_ERRORS_PER_FILE {
                    out.push(format!(
                        "{}: ... and {} more syntax errors",
                        f.source.name(),
                        f.parsed.errors.len() - MAX_ERRORS_PER_FILE
                    ));
                }
            }
        }
    }
    out
}

pub fn run_archive(
    archive: &LoadedArchive,
    checker: &dyn Checker,
    stats: &mut ParseStats,
) -> ArchiveResult {
    let parse_failures = parse_failures(archive);
    let collected = collect(archive, stats);
    let mut r = ArchiveResult {
        path: archive.rel_path.clone(),
        dir: archive.dir.clone(),
        mode: if collected.is_inline() {
            "inline"
        } else {
            "golden-only"
        },
        counts: Counts::default(),
        parse_ok: parse_failures.is_empty(),
        expected_parse_errors: archive.expected_parse_errors.clone(),
        parse_failures,
        runner_errors: collected.errors.clone(),
        warnings: collected.warnings.clone(),
        failures: Vec::new(),
        skipped_by_reason: BTreeMap::new(),
        by_directive: BTreeMap::new(),
    };
    if !collected.is_inline() {
        r.counts.skipped = 1;
        r.skipped_by_reason
            .insert(SkipReason::GoldenOnly.to_string(), 1);
        return r;
    }
    let plans = plan(archive, &collected.assertions);
    let cx = checker.prepare(archive);
    for (a, p) in collected.assertions.iter().zip(plans) {
        let outcome = match p {
            Plan::Uncounted => continue,
            Plan::Skip(reason) => Outcome::Skip(reason.to_string()),
            Plan::Check => checker.check_assertion(a, &cx),
        };
        r.counts.record(&outcome);
        r.by_directive
            .entry(a.directive())
            .or_default()
            .record(&outcome);
        match outcome {
            Outcome::Pass => {}
            Outcome::Skip(reason) => *r.skipped_by_reason.entry(reason).or_default() += 1,
            Outcome::Fail(message) => r.failures.push(Failure {
                location: a.location(archive),
                path: a.path_string(),
                directive: a.directive().to_string(),
                placement: format!("{:?}", a.placement).to_lowercase(),
                attribute: a.text.clone(),
                message,
            }),
        }
    }
    r
}
