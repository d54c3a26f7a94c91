//! Which CUE files of an archive are *expected* not to parse.
//!
//! The suite has no explicit marker for this. A file is expected to fail
//! parsing when the archive's golden output records what is clearly a
//! parse/syntax error at a position in that file. Upstream prints errors as
//!
//! ```text
//! [code] path.to.value: message:
//!     ./in.cue:3:5
//! ```
//!
//! (or `in.cue:3:5: message`). Errors of the scanner and parser carry no value
//! path and have characteristic messages (`expected '}', found 'EOF'`,
//! `missing ',' in struct literal`, `illegal character`, `string literal not
//! terminated`, ...). Errors produced during evaluation always carry a value
//! path (`a.b: ...`), and builtins wrap theirs in `error in call to ...`,
//! which is what separates `expected a single YAML document` or
//! `illegal base64 data` from syntax errors.

use roam_cue::txtar::Archive;
use std::collections::BTreeMap;

/// Golden sections that may record errors: the evaluator outputs, the
/// documentary `out/errors.txt`, compile output, and the standard library's
/// `out/<pkg>` results. Counters, todo notes and v2/v3 diffs are not errors.
fn is_error_section(name: &str) -> bool {
    name.starts_with("out/")
        && !name.starts_with("out/eval/")
        && !matches!(name, "out/todo.txt" | "out/diff-v2-v3.txt")
}

/// Message prefixes of upstream's scanner and parser errors.
const PARSE_PREFIXES: &[&str] = &[
    "expected ",
    "missing ','",
    "illegal ",
    "unexpected ",
    "unknown escape sequence",
    "escape sequence ",
    "invalid attribute",
    "attribute missing",
    "imports must appear",
    "comment not terminated",
];

/// Message fragments of upstream's scanner and parser errors.
const PARSE_FRAGMENTS: &[&str] = &["literal not terminated", "syntax error"];

/// Whether an error message (without `[code]` prefix) reads like a syntax error.
pub fn is_parse_error_message(msg: &str) -> bool {
    let msg = msg.trim();
    if msg.contains("error in call to") {
        return false;
    }
    // `path: message` comes from evaluation; syntax errors have no path.
    if msg
        .split_once(": ")
        .is_some_and(|(head, _)| !head.contains(' '))
    {
        return false;
    }
    PARSE_PREFIXES.iter().any(|p| msg.starts_with(p))
        || PARSE_FRAGMENTS.iter().any(|f| msg.contains(f))
}

/// Reads `./in.cue:3:5` (or `in.cue:3:5`, `/abs/in.cue:3:5`) into the file
/// name and the rest of the position.
fn parse_position(s: &str) -> Option<(&str, u32, u32)> {
    let mut it = s.trim().rsplitn(3, ':');
    let col = it.next()?.parse().ok()?;
    let line = it.next()?.parse().ok()?;
    let file = it.next()?;
    let file = file.strip_prefix("./").unwrap_or(file);
    file.ends_with(".cue").then_some((file, line, col))
}

/// The archive's CUE file a golden position refers to.
fn archive_file<'a>(archive: &'a Archive, file: &str) -> Option<&'a str> {
    archive.cue_files().map(|(n, _)| n).find(|n| {
        *n == file || file.ends_with(&format!("/{n}")) || n.ends_with(&format!("/{file}"))
    })
}

fn strip_code(msg: &str) -> &str {
    let m = msg.trim_start();
    match m.strip_prefix('[').and_then(|r| r.split_once("] ")) {
        Some((code, rest)) if !code.contains(' ') => rest,
        _ => m,
    }
}

/// The files of `archive` whose golden output records a syntax error in them,
/// each with the evidence (`section: message (file:line:col)`).
pub fn expected_parse_errors(archive: &Archive) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (section, text) in &archive.files {
        if !is_error_section(section) {
            continue;
        }
        let lines: Vec<&str> = text.lines().collect();
        let mut note = |msg: &str, pos: &str| {
            let msg = strip_code(msg);
            if !is_parse_error_message(msg) {
                return;
            }
            let found =
                parse_position(pos).and_then(|(f, l, c)| Some((archive_file(archive, f)?, l, c)));
            if let Some((name, line, col)) = found {
                out.entry(name.to_string())
                    .or_insert_with(|| format!("{section}: {msg} ({name}:{line}:{col})"));
            }
        };
        for (i, line) in lines.iter().enumerate() {
            if line.starts_with(char::is_whitespace) {
                continue;
            }
            // `in.cue:3:5: message`
            if let Some((pos, msg)) = split_leading_position(line) {
                note(msg, pos);
                continue;
            }
            // `message:` followed by indented positions.
            if let Some(msg) = line.strip_suffix(':') {
                for pos in lines[i + 1..]
                    .iter()
                    .take_while(|l| l.starts_with(char::is_whitespace))
                {
                    note(msg, pos);
                }
            }
        }
    }
    out
}

/// Splits `file.cue:3:5: message` into the position and the message.
fn split_leading_position(line: &str) -> Option<(&str, &str)> {
    let idx = line.find(".cue:")? + 4;
    let rest = &line[idx + 1..];
    let (l, rest) = rest.split_once(':')?;
    let (c, msg) = rest.split_once(": ")?;
    if l.parse::<u32>().is_err() || c.parse::<u32>().is_err() {
        return None;
    }
    Some((&line[..idx + 1 + l.len() + 1 + c.len()], msg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_messages() {
        for m in [
            "expected operand, found '}'",
            "expected '}', found 'EOF'",
            "missing ',' in struct literal",
            "illegal character U+0023 '#'",
            "string literal not terminated",
            "raw string literal not terminated",
            "comment not terminated",
        ] {
            assert!(is_parse_error_message(m), "{m}");
        }
        for m in [
            "a.b: conflicting values 1 and 2",
            "t13: invalid value \"invalid)\" (does not satisfy regexp.Valid): error parsing regexp: unexpected ): `invalid)`",
            "unmarshalTrailingInput.valid: error in call to encoding/yaml.Unmarshal: 3:1: expected a single YAML document",
            "error in call to encoding/base64.Decode: illegal base64 data at input byte 0",
            "unreferenced alias or let clause X",
            "x: invalid value 1 (does not satisfy matchN): 0 matched, expected 1",
            "cannot use _ as label",
        ] {
            assert!(!is_parse_error_message(m), "{m}");
        }
    }

    #[test]
    fn finds_files_with_golden_syntax_errors() {
        let a = Archive::parse(
            "-- in.cue --\na: {\n-- b.cue --\nb: 1\n-- c.cue --\nc: \"x\n-- out/evalalpha --\nErrors:\nexpected '}', found 'EOF':\n    ./in.cue:2:1\n-- out/errors.txt --\n[eval] b: conflicting values:\n    ./b.cue:1:4\n-- out/compile --\nc.cue:1:4: string literal not terminated\n",
        );
        let got = expected_parse_errors(&a);
        assert_eq!(got.keys().collect::<Vec<_>>(), ["c.cue", "in.cue"]);
        assert_eq!(
            got["in.cue"],
            "out/evalalpha: expected '}', found 'EOF' (in.cue:2:1)"
        );
        assert_eq!(
            got["c.cue"],
            "out/compile: string literal not terminated (c.cue:1:4)"
        );
    }

    #[test]
    fn ignores_positions_outside_the_archive_and_other_sections() {
        let a = Archive::parse(
            "-- in.cue --\na: 1\n-- out/eval/stats --\nexpected '}':\n    ./in.cue:1:1\n-- out/evalalpha --\nexpected '}', found 'EOF':\n    ./other.cue:2:1\n",
        );
        assert!(expected_parse_errors(&a).is_empty());
    }
}
