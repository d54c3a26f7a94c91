//! Deciding, before any checking, which assertions count and which are skipped.
//!
//! This is independent of the checker: it depends only on the attributes and
//! the archive (its header, its `@experiment`s).

use crate::collect::Assertion;
use crate::suite::LoadedArchive;
use roam_cue::testattr::Directive;
use std::collections::HashSet;
use std::fmt;

/// The upstream evaluator version roam follows: `@test(eq:v3, ...)` applies,
/// `@test(eq:v2, ...)` does not.
pub const EVAL_VERSION: &str = "v3";

/// Why an assertion (or an archive) is not checked.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipReason {
    /// The archive has no `@test` at all: upstream compares golden output.
    GoldenOnly,
    /// `#inlinetest:exclude` in the archive header.
    Excluded,
    /// The archive enables an `@experiment(...)`.
    Experiment,
    /// The upstream runner never reaches the attribute.
    Unreachable(&'static str),
    /// `@test(shareID=...)`: vertex sharing is an implementation detail.
    ShareId,
    /// `@test(debugCheck, ...)`: upstream's debug-printer text.
    DebugCheck,
    /// `@test(debug, ...)`: informational debug-printer text.
    Debug,
    /// `eq:todo`, `err:todo`, ...: an expected *future* result.
    TodoVersion,
    /// `eq:v2`, `eq:unknown`, ...: for another evaluator version.
    OtherVersion(String),
    /// Unversioned, with a `:v3` form of the same directive on the same value.
    Overridden,
    /// `@test(skip)` itself.
    SkipDirective,
    /// At or below a value carrying `@test(skip)`.
    UnderSkip,
    /// `@test(todo)` itself.
    TodoDirective,
    /// On a value carrying `@test(todo)`: failures are expected.
    UnderTodo,
    /// `@test(eq, X, skip:v3)`: a recorded regression guard.
    RegressionGuard,
    /// `@test()` or `@test(eq)`: an unfilled placeholder.
    Placeholder,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::GoldenOnly => f.write_str("golden-only archive (no @test)"),
            SkipReason::Excluded => f.write_str("#inlinetest:exclude"),
            SkipReason::Experiment => f.write_str("archive uses @experiment"),
            SkipReason::Unreachable(why) => write!(f, "never run upstream ({why})"),
            SkipReason::ShareId => f.write_str("shareID"),
            SkipReason::DebugCheck => f.write_str("debugCheck"),
            SkipReason::Debug => f.write_str("debug"),
            SkipReason::TodoVersion => f.write_str(":todo (expected future result)"),
            SkipReason::OtherVersion(v) => write!(f, ":{v} (other evaluator version)"),
            SkipReason::Overridden => write!(f, "overridden by :{EVAL_VERSION} form"),
            SkipReason::SkipDirective => f.write_str("@test(skip)"),
            SkipReason::UnderSkip => f.write_str("under @test(skip)"),
            SkipReason::TodoDirective => f.write_str("@test(todo)"),
            SkipReason::UnderTodo => f.write_str("under @test(todo)"),
            SkipReason::RegressionGuard => f.write_str("eq skip:vN regression guard"),
            SkipReason::Placeholder => f.write_str("empty placeholder"),
        }
    }
}

/// What to do with one collected attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
    /// An assertion to check.
    Check,
    /// Counted as skipped.
    Skip(SkipReason),
    /// Not an assertion (`desc=`); not counted.
    Uncounted,
}

fn applies(a: &Assertion) -> bool {
    !a.attr.todo && a.attr.version.as_deref().is_none_or(|v| v == EVAL_VERSION)
}

fn is_prefix(prefix: &[String], path: &[String]) -> bool {
    path.len() >= prefix.len() && path[..prefix.len()] == *prefix
}

/// The plan for each assertion, in order.
pub fn plan(archive: &LoadedArchive, assertions: &[Assertion]) -> Vec<Plan> {
    let live = |a: &&Assertion| a.unreachable.is_none() && applies(a);
    // Directives given in a `:v3` form replace their unversioned form on the same value.
    let versioned: HashSet<(&[String], &str, Option<&str>)> = assertions
        .iter()
        .filter(live)
        .filter(|a| a.attr.version.is_some())
        .map(|a| (a.path.as_slice(), a.directive(), a.attr.directive.at()))
        .collect();
    let skips: Vec<&[String]> = assertions
        .iter()
        .filter(live)
        .filter(|a| a.attr.directive == Directive::Skip)
        .map(|a| a.path.as_slice())
        .collect();
    let todos: Vec<&[String]> = assertions
        .iter()
        .filter(live)
        .filter(|a| a.attr.directive == Directive::Todo)
        .map(|a| a.path.as_slice())
        .collect();

    assertions
        .iter()
        .map(|a| {
            let d = &a.attr.directive;
            let skip = if matches!(d, Directive::Desc(_)) {
                return Plan::Uncounted;
            } else if archive.excluded.is_some() {
                SkipReason::Excluded
            } else if !archive.experiments.is_empty() {
                SkipReason::Experiment
            } else if let Some(why) = a.unreachable {
                SkipReason::Unreachable(why)
            } else if matches!(d, Directive::ShareId { .. }) {
                SkipReason::ShareId
            } else if matches!(d, Directive::DebugCheck(_)) {
                SkipReason::DebugCheck
            } else if matches!(d, Directive::Debug(_)) {
                SkipReason::Debug
            } else if a.attr.todo {
                SkipReason::TodoVersion
            } else if let Some(v) = a.attr.version.as_deref().filter(|v| *v != EVAL_VERSION) {
                SkipReason::OtherVersion(v.to_string())
            } else if a.attr.version.is_none()
                && versioned.contains(&(a.path.as_slice(), a.directive(), a.attr.directive.at()))
            {
                SkipReason::Overridden
            } else if *d == Directive::Skip {
                SkipReason::SkipDirective
            } else if *d == Directive::Todo {
                SkipReason::TodoDirective
            } else if skips.iter().any(|p| is_prefix(p, &a.path)) {
                SkipReason::UnderSkip
            } else if todos.contains(&a.path.as_slice()) {
                SkipReason::UnderTodo
            } else if a
                .attr
                .modifiers
                .skip
                .as_ref()
                .is_some_and(|v| v.as_deref().is_none_or(|v| v == EVAL_VERSION))
            {
                SkipReason::RegressionGuard
            } else if matches!(
                d,
                Directive::Placeholder
                    | Directive::Eq { expr: None, .. }
                    | Directive::Leq { expr: None }
            ) {
                SkipReason::Placeholder
            } else {
                return Plan::Check;
            };
            Plan::Skip(skip)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::collect;
    use crate::suite::ParseStats;

    fn plans(header: &str, cue: &str) -> Vec<(String, Plan)> {
        let mut stats = ParseStats::default();
        let a = LoadedArchive::from_text(
            "t/testdata/x.txtar".into(),
            &format!("{header}-- in.cue --\n{cue}"),
            &mut stats,
        );
        let c = collect(&a, &mut stats);
        assert!(c.errors.is_empty(), "{:?}", c.errors);
        let p = plan(&a, &c.assertions);
        c.assertions
            .iter()
            .map(|a| format!("{} {}", a.path_string(), a.text))
            .zip(p)
            .collect()
    }

    #[test]
    fn classifies() {
        let got = plans(
            "",
            r#"
a: 1 @test(eq, 1) @test(kind=int) @test(desc="x")
b: 1 @test(eq, 1) @test(eq:v3, 1) @test(eq:v2, 2) @test(eq:todo, 3)
c: {
	@test(skip, why="later")
	d: 1 @test(eq, 1)
}
e: 1 @test(eq, 1) @test(todo, p=1)
f: 1 & 2 @test(err, code=eval, pos=[0:4])
g: 1 & 2 @test(err, code=eval, suberr=(pos=[0:4]))
h: 1 @test(eq, {x: 1 @test(shareID=A)})
i: 1 @test(debugCheck, "x") @test(debug, "y")
j: 1 @test(eq) @test()
k: 1 @test(eq, 1, skip:v3) @test(eq, 1, skip:v2, at=x)
"#,
        );
        let want = [
            ("a @test(eq, 1)", Plan::Check),
            ("a @test(kind=int)", Plan::Check),
            ("a @test(desc=\"x\")", Plan::Uncounted),
            ("b @test(eq, 1)", Plan::Skip(SkipReason::Overridden)),
            ("b @test(eq:v3, 1)", Plan::Check),
            (
                "b @test(eq:v2, 2)",
                Plan::Skip(SkipReason::OtherVersion("v2".into())),
            ),
            ("b @test(eq:todo, 3)", Plan::Skip(SkipReason::TodoVersion)),
            (
                "c @test(skip, why=\"later\")",
                Plan::Skip(SkipReason::SkipDirective),
            ),
            ("c.d @test(eq, 1)", Plan::Skip(SkipReason::UnderSkip)),
            ("e @test(eq, 1)", Plan::Skip(SkipReason::UnderTodo)),
            ("e @test(todo, p=1)", Plan::Skip(SkipReason::TodoDirective)),
            // Positions are not compared; the code and the rest are.
            ("f @test(err, code=eval, pos=[0:4])", Plan::Check),
            ("g @test(err, code=eval, suberr=(pos=[0:4]))", Plan::Check),
            ("h @test(eq, {x: 1 @test(shareID=A)})", Plan::Check),
            ("h.x @test(shareID=A)", Plan::Skip(SkipReason::ShareId)),
            (
                "i @test(debugCheck, \"x\")",
                Plan::Skip(SkipReason::DebugCheck),
            ),
            ("i @test(debug, \"y\")", Plan::Skip(SkipReason::Debug)),
            ("j @test(eq)", Plan::Skip(SkipReason::Placeholder)),
            ("j @test()", Plan::Skip(SkipReason::Placeholder)),
            (
                "k @test(eq, 1, skip:v3)",
                Plan::Skip(SkipReason::RegressionGuard),
            ),
            ("k @test(eq, 1, skip:v2, at=x)", Plan::Check),
        ];
        let want: Vec<(String, Plan)> = want.into_iter().map(|(s, p)| (s.to_string(), p)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn archive_level_skips() {
        let got = plans("#inlinetest:exclude reasons\n", "a: 1 @test(eq, 1)\n");
        assert_eq!(got[0].1, Plan::Skip(SkipReason::Excluded));
        let got = plans("", "@experiment(try)\na: 1 @test(eq, 1)\n");
        assert_eq!(got[0].1, Plan::Skip(SkipReason::Experiment));
        let got = plans("", "@test(skip)\na: 1 @test(eq, 1)\n");
        assert_eq!(got[1].1, Plan::Skip(SkipReason::UnderSkip));
    }
}
