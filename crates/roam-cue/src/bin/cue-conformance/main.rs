//! `cue-conformance`: runs CUE's upstream conformance suite (txtar archives
//! with inline `@test(...)` assertions) against roam-cue.
//!
//! ```text
//! cue-conformance [SUITE_DIR] [--filter SUBSTR] [--json FILE] [--verbose]
//! ```
//!
//! `SUITE_DIR` defaults to `$ROAM_CUE_CONFORMANCE`, else
//! `../shared/conformance/cue`. Every `*.txtar` under `cue/testdata/**` and
//! `pkg/**/testdata/**` is read, its CUE files parsed, and its `@test`
//! attributes collected, classified and checked. Until the evaluator exists
//! checking is parse-only (see `check.rs`).
//!
//! Output: one line per directory, summary lines, and last
//! `assertions: P passed, F failed, S skipped`. The exit code is 1 if a file
//! parsed differently from what the golden output expects or a `@test`
//! attribute is malformed; failed assertions alone do not fail the run (the
//! `conformance_ratchet` test guards the pass count).

mod check;
mod collect;
mod evalcheck;
mod expect;
mod plan;
mod run;
mod suite;

use check::{Checker, ParseOnly};
use run::{ArchiveResult, Counts};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use suite::{LoadedArchive, ParseStats};

/// Assertion failures printed without `--verbose`.
const FAILURES_SHOWN: usize = 20;

const USAGE: &str =
    "usage: cue-conformance [SUITE_DIR] [--filter SUBSTR] [--json FILE] [--verbose] [--parse-only]

  SUITE_DIR        the suite (default: $ROAM_CUE_CONFORMANCE, else ../shared/conformance/cue)
  --filter SUBSTR  only archives whose path contains SUBSTR (repeatable)
  --json FILE      write per-archive results as JSON to FILE
  --verbose, -v    print every failed assertion";

struct Options {
    root: PathBuf,
    filters: Vec<String>,
    json: Option<PathBuf>,
    verbose: bool,
    parse_only: bool,
}

impl Options {
    fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
        let mut root = None;
        let mut filters = Vec::new();
        let mut json = None;
        let mut verbose = false;
        let mut parse_only = false;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
            match arg.as_str() {
                "--filter" => filters.push(value("--filter")?),
                "--json" => json = Some(PathBuf::from(value("--json")?)),
                "--verbose" | "-v" => verbose = true,
                "--parse-only" => parse_only = true,
                "--help" | "-h" => return Err(String::new()),
                s if s.starts_with("--filter=") => filters.push(s["--filter=".len()..].to_string()),
                s if s.starts_with("--json=") => json = Some(PathBuf::from(&s["--json=".len()..])),
                s if s.starts_with('-') => return Err(format!("unknown option {s}")),
                s if root.is_none() => root = Some(PathBuf::from(s)),
                s => return Err(format!("unexpected argument {s}")),
            }
        }
        let root = root
            .or_else(|| std::env::var_os("ROAM_CUE_CONFORMANCE").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("../shared/conformance/cue"));
        Ok(Options {
            root,
            filters,
            json,
            verbose,
            parse_only,
        })
    }
}

#[derive(Serialize)]
struct JsonParse {
    files: usize,
    bytes: usize,
    expressions: usize,
    expression_bytes: usize,
    seconds: f64,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    root: String,
    checker: &'static str,
    totals: Counts,
    archives_total: usize,
    parse_failures: usize,
    runner_errors: usize,
    warnings: usize,
    parse: JsonParse,
    by_directive: &'a BTreeMap<&'static str, Counts>,
    skipped_by_reason: &'a BTreeMap<String, usize>,
    archives: &'a [ArchiveResult],
}

fn main() -> ExitCode {
    let opts = match Options::parse(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(e) => {
            if e.is_empty() {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprintln!("cue-conformance: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&opts) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("cue-conformance: {e}");
            ExitCode::from(2)
        }
    }
}

/// Runs the suite; `Ok(false)` if a parse expectation failed or an attribute is malformed.
fn run(opts: &Options) -> Result<bool, String> {
    let started = Instant::now();
    let root = &opts.root;
    if !root.is_dir() {
        return Err(format!(
            "{}: not a directory (pass the suite directory or set ROAM_CUE_CONFORMANCE)",
            root.display()
        ));
    }
    let paths = suite::discover(root).map_err(|e| format!("{}: {e}", root.display()))?;
    let paths: Vec<_> = paths
        .into_iter()
        .filter(|p| {
            let s = p.to_string_lossy();
            opts.filters.is_empty() || opts.filters.iter().any(|f| s.contains(f.as_str()))
        })
        .collect();
    if paths.is_empty() {
        return Err(format!("{}: no txtar archives found", root.display()));
    }

    let checker: Box<dyn Checker> = if opts.parse_only {
        Box::new(ParseOnly)
    } else {
        Box::new(evalcheck::Evaluator)
    };
    let mut stats = ParseStats::default();
    let mut results = Vec::with_capacity(paths.len());
    for rel in &paths {
        let archive = LoadedArchive::load(root, rel, &mut stats)
            .map_err(|e| format!("{}: {e}", rel.display()))?;
        let t0 = Instant::now();
        results.push(run::run_archive(&archive, checker.as_ref(), &mut stats));
        let dt = t0.elapsed();
        if dt.as_millis() > 1000 {
            eprintln!(
                "slow archive: {} took {:.1} s",
                rel.display(),
                dt.as_secs_f64()
            );
        }
    }

    // Problems first, then the table.
    let mut shown = 0;
    let total_failures: usize = results.iter().map(|r| r.failures.len()).sum();
    for r in &results {
        for e in &r.runner_errors {
            println!("runner error: {e}");
        }
        for w in &r.warnings {
            println!("warning: {w}");
        }
        for p in &r.parse_failures {
            println!("parse failure: {p}");
        }
        for f in &r.failures {
            if opts.verbose || shown < FAILURES_SHOWN {
                println!(
                    "FAIL {} {} @test({}): {}",
                    f.location, f.path, f.directive, f.message
                );
                shown += 1;
            }
        }
    }
    if shown < total_failures {
        println!(
            "... {} more failed assertions (use --verbose or --json)",
            total_failures - shown
        );
    }

    let mut dirs: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut totals = Counts::default();
    let mut by_directive: BTreeMap<&'static str, Counts> = BTreeMap::new();
    let mut by_reason: BTreeMap<String, usize> = BTreeMap::new();
    for r in &results {
        dirs.entry(&r.dir).or_default().add(&r.counts);
        totals.add(&r.counts);
        for (d, c) in &r.by_directive {
            by_directive.entry(d).or_default().add(c);
        }
        for (reason, n) in &r.skipped_by_reason {
            *by_reason.entry(reason.clone()).or_default() += n;
        }
    }
    let width = dirs.keys().map(|d| d.len()).max().unwrap_or(0);
    for (dir, c) in &dirs {
        println!(
            "{dir:<width$}  {} passed, {} failed, {} skipped",
            c.passed, c.failed, c.skipped
        );
    }

    let directives: Vec<String> = by_directive
        .iter()
        .map(|(d, c)| format!("{d} {}/{}/{}", c.passed, c.failed, c.skipped))
        .collect();
    println!(
        "by directive (passed/failed/skipped): {}",
        directives.join(", ")
    );
    let mut reasons: Vec<(&String, &usize)> = by_reason.iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let reasons: Vec<String> = reasons.iter().map(|(r, n)| format!("{r} {n}")).collect();
    println!(
        "skipped by reason: {}",
        if reasons.is_empty() {
            "(none)".to_string()
        } else {
            reasons.join(", ")
        }
    );

    let parse_failures = results.iter().filter(|r| !r.parse_ok).count();
    let runner_errors: usize = results.iter().map(|r| r.runner_errors.len()).sum();
    let warnings: usize = results.iter().map(|r| r.warnings.len()).sum();
    let inline = results.iter().filter(|r| r.mode == "inline").count();
    let expect_errors: usize = results.iter().map(|r| r.expected_parse_errors.len()).sum();
    println!(
        "archives: {} ({} inline, {} golden-only); files expected not to parse: {}; archives with parse failures: {}; runner errors: {}; warnings: {}",
        results.len(),
        inline,
        results.len() - inline,
        expect_errors,
        parse_failures,
        runner_errors,
        warnings
    );

    if let Some(path) = &opts.json {
        let report = JsonReport {
            root: root.display().to_string(),
            checker: checker.name(),
            totals,
            archives_total: results.len(),
            parse_failures,
            runner_errors,
            warnings,
            parse: JsonParse {
                files: stats.files,
                bytes: stats.bytes,
                expressions: stats.exprs,
                expression_bytes: stats.expr_bytes,
                seconds: stats.time.as_secs_f64(),
            },
            by_directive: &by_directive,
            skipped_by_reason: &by_reason,
            archives: &results,
        };
        let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        std::fs::write(path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
    }

    let secs = stats.time.as_secs_f64();
    let mb = stats.bytes as f64 / 1e6;
    println!(
        "parsed {} CUE files ({:.2} MB) and {} expected expressions in {:.1} ms: {:.1} MB/s; total run {:.1} ms",
        stats.files,
        mb,
        stats.exprs,
        secs * 1e3,
        if secs > 0.0 {
            (mb + stats.expr_bytes as f64 / 1e6) / secs
        } else {
            0.0
        },
        started.elapsed().as_secs_f64() * 1e3
    );
    println!(
        "assertions: {} passed, {} failed, {} skipped",
        totals.passed, totals.failed, totals.skipped
    );
    Ok(parse_failures == 0 && runner_errors == 0)
}

#[cfg(test)]
mod tests {
    use super::Options;

    fn parse(args: &[&str]) -> Result<Options, String> {
        Options::parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn options() {
        let o = parse(&[
            "dir",
            "--filter",
            "eval",
            "--json=out.json",
            "-v",
            "--filter=pkg",
        ])
        .unwrap();
        assert_eq!(o.root.to_str(), Some("dir"));
        assert_eq!(o.filters, ["eval", "pkg"]);
        assert_eq!(o.json.as_deref().and_then(|p| p.to_str()), Some("out.json"));
        assert!(o.verbose);
        assert!(parse(&["--json"]).is_err());
        assert!(parse(&["a", "b"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
    }
}
