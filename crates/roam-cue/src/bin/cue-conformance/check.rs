//! The boundary between the runner and whatever checks assertions.
//!
//! Today the only checker is [`ParseOnly`]: an assertion passes if its file
//! parses and its expected expression (for `eq`) parses. When the evaluator
//! exists, an evaluating checker implements [`Checker`]: it builds its state
//! for the archive once in [`Checker::prepare`] (compile and evaluate the
//! files into the [`EvalContext`]) and then answers
//! [`Checker::check_assertion`] for each planned assertion. Collection,
//! classification and reporting do not change.

use crate::collect::Assertion;
use crate::suite::LoadedArchive;
use roam_cue::diag::Diagnostic;
use roam_cue::testattr::Directive;
use std::any::Any;

/// Everything a checker knows about the archive under test.
pub struct EvalContext<'a> {
    pub archive: &'a LoadedArchive,
    /// Checker-specific per-archive state (for the evaluator: the evaluated
    /// file value); `None` for the parse-only checker.
    #[allow(dead_code)]
    pub state: Option<Box<dyn Any>>,
}

/// The result of checking one assertion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail(String),
    /// Decided by the checker at run time (e.g. a feature it does not support yet).
    Skip(String),
}

pub trait Checker {
    /// A short name for reports.
    fn name(&self) -> &'static str;

    /// Builds the per-archive context (for an evaluator: evaluates the files).
    fn prepare<'a>(&self, archive: &'a LoadedArchive) -> EvalContext<'a> {
        EvalContext {
            archive,
            state: None,
        }
    }

    fn check_assertion(&self, a: &Assertion, cx: &EvalContext<'_>) -> Outcome;
}

/// Failures every checker must report before looking at values: the file
/// does not parse, the expected expression does not parse, or the
/// attribute was found to be ineffective while collecting.
pub fn syntax_outcome(a: &Assertion, cx: &EvalContext<'_>) -> Option<Outcome> {
    let file = &cx.archive.files[a.file];
    if let Some(e) = file.parsed.errors.first() {
        let d = Diagnostic::from_syntax(&file.source, e);
        return Some(Outcome::Fail(format!("{} does not parse: {d}", file.name)));
    }
    let expected = match (&a.expected, &a.attr.directive) {
        (
            Some(exp),
            Directive::Eq {
                expr: Some(arg), ..
            }
            | Directive::Leq { expr: Some(arg) },
        ) => exp.parsed.errors.first().map(|e| (exp, arg, e)),
        _ => None,
    };
    if let Some((exp, arg, e)) = expected {
        // Render against the original file, whose text the expression is a slice of.
        let n = arg.text.len();
        let mut e = e.clone();
        e.span = exp.to_file_span(e.span, n);
        for (s, _) in &mut e.related {
            *s = exp.to_file_span(*s, n);
        }
        let d = Diagnostic::from_syntax(&file.source, &e);
        return Some(Outcome::Fail(format!(
            "expected expression does not parse:\n{}",
            d.render()
        )));
    }
    if !a.problems.is_empty() {
        return Some(Outcome::Fail(a.problems.join("\n")));
    }
    None
}

/// The checker used until the evaluator exists.
pub struct ParseOnly;

impl Checker for ParseOnly {
    fn name(&self) -> &'static str {
        "parse-only"
    }

    fn check_assertion(&self, a: &Assertion, cx: &EvalContext<'_>) -> Outcome {
        syntax_outcome(a, cx).unwrap_or(Outcome::Pass)
    }
}
