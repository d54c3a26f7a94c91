//! Package `regexp` (RE2 syntax, Go semantics).

use std::sync::Arc;

use super::util::{self, int, string, strings_val};
use super::{CallError, Package, Val};
use crate::golang::regex::{self as gre, GoRegex};

fn compile(a: &[Val], i: usize) -> Result<Arc<GoRegex>, CallError> {
    gre::compile(string(a, i)?).map_err(|e| CallError::msg(e.to_string()))
}

fn no_match<T>() -> Result<T, CallError> {
    util::msg("no match")
}

/// A Go `map[string]string` as CUE sees it: fields sorted by name.
fn named(mut v: Vec<(String, String)>) -> Val {
    v.sort_by(|a, b| a.0.cmp(&b.0));
    Val::fields(v.into_iter().map(|(k, s)| (k, Val::str(s))))
}

pub static PACKAGE: Package = Package {
    path: "regexp",
    funcs: &[
        func!("Find", [String, String], String, |_, a| {
            let re = compile(a, 0)?;
            match re.find(string(a, 1)?) {
                Some(m) => Ok(Val::str(m)),
                None => no_match(),
            }
        }),
        func!("FindAll", [String, String, Int], List, |_, a| {
            let re = compile(a, 0)?;
            let m = re.find_all(string(a, 1)?, int(a, 2)?);
            if m.is_empty() {
                return no_match();
            }
            Ok(strings_val(m))
        }),
        func!(
            "FindAllNamedSubmatch",
            [String, String, Int],
            List,
            |_, a| {
                let re = compile(a, 0)?;
                let m = re.find_all_named_submatch(string(a, 1)?, int(a, 2)?);
                if m.is_empty() {
                    return no_match();
                }
                Ok(Val::List(m.into_iter().map(named).collect()))
            }
        ),
        func!("FindAllSubmatch", [String, String, Int], List, |_, a| {
            let re = compile(a, 0)?;
            let m = re.find_all_submatch(string(a, 1)?, int(a, 2)?);
            if m.is_empty() {
                return no_match();
            }
            Ok(Val::List(m.into_iter().map(strings_val).collect()))
        }),
        func!("FindNamedSubmatch", [String, String], Struct, |_, a| {
            let re = compile(a, 0)?;
            match re.find_named_submatch(string(a, 1)?) {
                Some(m) => Ok(named(m)),
                None => no_match(),
            }
        }),
        func!("FindSubmatch", [String, String], List, |_, a| {
            let re = compile(a, 0)?;
            match re.find_submatch(string(a, 1)?) {
                Some(m) => Ok(strings_val(m)),
                None => no_match(),
            }
        }),
        func!("ReplaceAll", [String, String, String], String, |_, a| {
            let re = compile(a, 0)?;
            let (src, repl) = (string(a, 1)?, string(a, 2)?);
            check_size(&re, src, repl)?;
            Ok(Val::str(re.replace_all(src, repl)))
        }),
        func!(
            "ReplaceAllLiteral",
            [String, String, String],
            String,
            |_, a| {
                let re = compile(a, 0)?;
                let (src, repl) = (string(a, 1)?, string(a, 2)?);
                check_size(&re, src, repl)?;
                Ok(Val::str(re.replace_all_literal(src, repl)))
            }
        ),
        func!("Valid", [String], Bool, |_, a| {
            compile(a, 0)?;
            Ok(Val::Bool(true))
        }),
        func!("Match", [String, String], Bool, |_, a| {
            let re = compile(a, 0)?;
            Ok(Val::Bool(re.is_match(string(a, 1)?)))
        }),
        func!("QuoteMeta", [String], String, |_, a| Ok(Val::str(
            gre::quote_meta(string(a, 0)?)
        ))),
    ],
    consts: &[],
    cue: "",
};

/// Refuses replacements whose result would exceed the size guard: each
/// match inserts the replacement (with `$n` expansions at most the input
/// again).
fn check_size(re: &GoRegex, src: &str, repl: &str) -> Result<(), CallError> {
    let per_match = if repl.contains('$') {
        repl.len().saturating_mul(src.len().max(1))
    } else {
        repl.len()
    };
    let worst = (src.len() + 1)
        .saturating_mul(per_match)
        .saturating_add(src.len());
    if worst <= util::MAX_RESULT_BYTES {
        return Ok(());
    }
    let matches = re.find_all(src, -1).len();
    if matches.saturating_mul(per_match).saturating_add(src.len()) > util::MAX_RESULT_BYTES {
        return util::msg("result too large");
    }
    Ok(())
}
