//! Tests of the formatter: golden files, the conformance suite (idempotence
//! and preservation of the tree) and a property test over generated sources.

use std::path::{Path, PathBuf};

use roam_cue::syntax::ast_eq::file_diff;
use roam_cue::syntax::format::{format_expr, format_file, format_source};
use roam_cue::syntax::{SyntaxError, parse_str};
use roam_cue::txtar::Archive;

/// Formats `text` both ways (with the source's line breaks, and from the
/// tree alone) and checks what every formatting must satisfy: the output
/// parses, formats to itself, and parses to the same tree as the input.
fn check_roundtrip(name: &str, text: &str) -> Result<String, String> {
    let parsed = parse_str(name, text);
    if !parsed.errors.is_empty() {
        return Err(format!("{name}: input does not parse: {:?}", parsed.errors));
    }
    let from_source = format_source(name, text).map_err(|e| format!("{name}: {e:?}"))?;
    let from_tree = format_file(&parsed.value);
    for (how, out) in [("format_source", &from_source), ("format_file", &from_tree)] {
        let reparsed = parse_str(name, out);
        if !reparsed.errors.is_empty() {
            return Err(format!(
                "{name}: {how} output does not parse: {:?}\n{out}",
                first_error(&reparsed.errors)
            ));
        }
        if let Some(d) = file_diff(&parsed.value, &reparsed.value) {
            return Err(format!(
                "{name}: {how} changed the tree: {d}\n--- output:\n{out}"
            ));
        }
        let again = match how {
            "format_source" => format_source(name, out).map_err(|e| format!("{e:?}"))?,
            _ => format_file(&reparsed.value),
        };
        if &again != out {
            return Err(format!(
                "{name}: {how} is not idempotent\n--- first:\n{out}\n--- second:\n{again}"
            ));
        }
    }
    Ok(from_source)
}

fn first_error(errs: &[SyntaxError]) -> String {
    errs.first()
        .map(|e| format!("{} at {:?}", e.message, e.span))
        .unwrap_or_default()
}

// ----- golden files -------------------------------------------------------

fn inputs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fmt_inputs")
}

#[test]
fn golden_files() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(inputs_dir())
        .expect("tests/fmt_inputs")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cue"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 10,
        "expected the golden inputs, found {}",
        paths.len()
    );
    for path in paths {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let out = match check_roundtrip(&stem, &text) {
            Ok(out) => out,
            Err(e) => panic!("{e}"),
        };
        insta::assert_snapshot!(stem.as_str(), out);
    }
}

// ----- focused behaviour ----------------------------------------------------

fn fmt(src: &str) -> String {
    match format_source("t.cue", src) {
        Ok(s) => s,
        Err(e) => panic!("{src:?} does not parse: {e:?}"),
    }
}

#[test]
fn aligns_values_of_consecutive_simple_fields() {
    assert_eq!(fmt("a: 1\nbcd: 2\n"), "a:   1\nbcd: 2\n");
    // A struct value ends the alignment block.
    assert_eq!(
        fmt("a: 1\nbb: {\nc: 1\n}\nddd: 3\n"),
        "a: 1\nbb: {\n\tc: 1\n}\nddd: 3\n"
    );
    // Fields of different shorthand depth do not align.
    assert_eq!(fmt("a: 1\nbb: c: 2\n"), "a: 1\nbb: c: 2\n");
}

#[test]
fn aligns_trailing_comments() {
    assert_eq!(
        fmt("a: 1 // one\nbb: 22 // two\n"),
        "a:  1  // one\nbb: 22 // two\n"
    );
}

#[test]
fn keeps_inline_and_multiline_structs_and_lists() {
    assert_eq!(fmt("x: {a: 1, b: 2}\n"), "x: {a: 1, b: 2}\n");
    assert_eq!(
        fmt("x: {\n  a: 1\n    b: 2\n}\n"),
        "x: {\n\ta: 1\n\tb: 2\n}\n"
    );
    assert_eq!(fmt("x: [1,2,  3]\n"), "x: [1, 2, 3]\n");
    assert_eq!(fmt("x: [\n1,\n2\n]\n"), "x: [\n\t1,\n\t2,\n]\n");
    assert_eq!(fmt("x: [{\n  a: 1\n}]\n"), "x: [{\n\ta: 1\n}]\n");
    assert_eq!(fmt("x: {}\ny: {\n}\nz: []\n"), "x: {}\ny: {}\nz: []\n");
}

#[test]
fn spaces_operators_like_upstream() {
    assert_eq!(fmt("a: *1|int\n"), "a: *1 | int\n");
    assert_eq!(fmt("a: >=0 & <=10\n"), "a: >=0 & <=10\n");
    assert_eq!(fmt("a: b+c*d\n"), "a: b + c*d\n");
    assert_eq!(fmt("a: f(b+c, d)\n"), "a: f(b+c, d)\n");
    assert_eq!(fmt("a: x[i+1]\n"), "a: x[i+1]\n");
    assert_eq!(fmt("a: x!=_|_\n"), "a: x != _|_\n");
    assert_eq!(fmt("a: b - -c\n"), "a: b - -c\n");
}

#[test]
fn keeps_blank_lines_but_at_most_one() {
    assert_eq!(fmt("a: 1\n\n\n\nb: 2\n"), "a: 1\n\nb: 2\n");
    assert_eq!(fmt("\n\na: 1\n\n\n"), "a: 1\n");
}

#[test]
fn package_clause_and_imports() {
    assert_eq!(
        fmt("package x\nimport \"strings\"\na: 1\n"),
        "package x\n\nimport \"strings\"\n\na: 1\n"
    );
    assert_eq!(
        fmt("package x\n\nimport (\n\"list\"\n  s \"strings\"\n)\n"),
        "package x\n\nimport (\n\t\"list\"\n\ts \"strings\"\n)\n"
    );
}

#[test]
fn keeps_line_breaks_in_expressions_from_source() {
    assert_eq!(
        fmt("a: \"x\" |\n\"y\" |\n\"z\"\n"),
        "a: \"x\" |\n\t\"y\" |\n\t\"z\"\n"
    );
}

#[test]
fn comments_are_kept_in_place() {
    let src = "// doc\na: 1 // line\n\n// section\n\nb: {\n\t// inner\n\tc: 2\n\t// last\n}\n";
    assert_eq!(fmt(src), src);
}

#[test]
fn literals_are_printed_verbatim() {
    let src =
        "a: 0x1F\nb: .5\nc: 1Ki\nd: #\"raw \\(x)\"#\ne: '\\x00'\nf: \"\"\"\n  text\n  \"\"\"\n";
    let out = fmt(src);
    for lit in [
        "0x1F",
        ".5",
        "1Ki",
        "#\"raw \\(x)\"#",
        "'\\x00'",
        "\"\"\"\n  text\n  \"\"\"",
    ] {
        assert!(out.contains(lit), "{lit} missing from\n{out}");
    }
}

#[test]
fn file_ends_with_one_newline() {
    assert_eq!(fmt("a: 1"), "a: 1\n");
    assert_eq!(fmt("a: 1\n\n\n"), "a: 1\n");
    assert_eq!(fmt("// only a comment"), "// only a comment\n");
}

#[test]
fn format_source_rejects_syntax_errors() {
    let errs = format_source("bad.cue", "a: {\n").unwrap_err();
    assert!(!errs.is_empty());
}

#[test]
fn format_expr_prints_without_newline() {
    let parsed = parse_str("e.cue", "x: [1,2] & {a:1}\n");
    let roam_cue::syntax::ast::DeclKind::Field(f) = &parsed.value.decls[0].kind else {
        panic!("not a field")
    };
    assert_eq!(format_expr(&f.value), "[1, 2] & {a: 1}");
}

#[test]
fn format_file_without_source_keeps_layout_from_tree() {
    let src = "a: {\n\tb: 1\n\tc: [\n\t\t1,\n\t]\n\td: [{\n\t\te: 1\n\t}]\n}\n";
    let parsed = parse_str("t.cue", src);
    assert_eq!(format_file(&parsed.value), src);
}

#[test]
fn long_disjunction_chains_do_not_overflow_the_stack() {
    let n = 4000;
    let mut src = String::from("a: ");
    for i in 0..n {
        if i > 0 {
            src.push_str(" | ");
        }
        src.push_str(&format!("\"v{i}\""));
    }
    src.push('\n');
    let out = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            let parsed = parse_str("t.cue", &src);
            assert!(parsed.errors.is_empty());
            let out = format_file(&parsed.value);
            let again = parse_str("t.cue", &out);
            assert!(file_diff(&parsed.value, &again.value).is_none());
            out
        })
        .unwrap()
        .join()
        .unwrap();
    assert!(out.starts_with("a: \"v0\" | \"v1\" | "));
    assert!(out.ends_with(&format!("\"v{}\"\n", n - 1)));
}

#[test]
fn long_selector_and_call_chains_do_not_overflow_the_stack() {
    let n = 4000;
    let src = format!("a: x{}\n", ".b(1, 2)[0]".repeat(n));
    let out = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let parsed = parse_str("t.cue", &src);
            assert!(parsed.errors.is_empty());
            let out = format_file(&parsed.value);
            let again = parse_str("t.cue", &out);
            assert!(file_diff(&parsed.value, &again.value).is_none());
            out
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(out, format!("a: x{}\n", ".b(1, 2)[0]".repeat(n)));
}

// ----- the conformance suite ------------------------------------------------

fn conformance_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/conformance/cue"
    ))
}

fn txtar_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            txtar_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "txtar") {
            out.push(p);
        }
    }
}

#[test]
fn conformance_suite_roundtrips() {
    let dir = conformance_dir();
    if !dir.is_dir() {
        println!("skipping: conformance suite not found at {}", dir.display());
        return;
    }
    let mut archives = Vec::new();
    txtar_files(&dir, &mut archives);
    let (mut files, mut skipped, mut failures) = (0, 0, Vec::new());
    for path in &archives {
        let text = std::fs::read_to_string(path).unwrap();
        let archive = Archive::parse(&text);
        for (name, body) in archive.cue_files() {
            let label = format!(
                "{}:{name}",
                path.strip_prefix(&dir).unwrap_or(path).display()
            );
            if !parse_str(&label, body).errors.is_empty() {
                skipped += 1;
                continue;
            }
            files += 1;
            if let Err(e) = check_roundtrip(&label, body) {
                failures.push(e);
            }
        }
    }
    println!(
        "formatter conformance: {} archives, {files} files formatted (both ways), {skipped} skipped for syntax errors, {} failures",
        archives.len(),
        failures.len()
    );
    assert!(
        files > 700,
        "expected the whole suite, formatted only {files} files"
    );
    for f in &failures {
        println!("FAIL {}", f.lines().next().unwrap_or_default());
    }
    assert!(
        failures.is_empty(),
        "{} failures; first:\n{}",
        failures.len(),
        failures[0]
    );
}

// ----- property test --------------------------------------------------------

mod prop {
    use super::check_roundtrip;
    use proptest::prelude::*;

    fn ident() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "a", "b", "x", "y1", "#D", "_h", "_#hd", "int", "string", "foo_bar",
        ])
        .prop_map(str::to_string)
    }

    fn literal() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "1",
            "0",
            "42",
            "2.5",
            "1e3",
            "0x1f",
            "1Ki",
            "\"s\"",
            "\"a b\"",
            "'bytes'",
            "true",
            "false",
            "null",
            "_|_",
            "#\"raw\"#",
            "\"\"\"\n\tmulti\n\tline\n\t\"\"\"",
        ])
        .prop_map(str::to_string)
    }

    fn label() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => ident().prop_filter("not a type name", |s| s != "int" && s != "string"),
            1 => Just("\"quoted-label\"".to_string()),
            1 => Just("(k)".to_string()),
            1 => Just("[string]".to_string()),
            1 => Just("[N=string]".to_string()),
            1 => Just("X=lab".to_string()),
            1 => Just("\"i\\(x)\"".to_string()),
        ]
    }

    fn marker() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["", "", "", "?", "!"])
    }

    /// Declarations of a struct, laid out on one line or on several, with
    /// comments only in the multi-line layout.
    fn block(inner: BoxedStrategy<String>) -> impl Strategy<Value = String> {
        let decl = prop_oneof![
            6 => (label(), marker(), inner.clone(), prop::bool::weighted(0.15))
                .prop_map(|(l, m, v, attr)| {
                    let m = if l.starts_with('[') || l.contains('=') { "" } else { m };
                    format!("{l}{m}: {v}{}", if attr { " @go(x)" } else { "" })
                }),
            1 => (label(), label(), inner.clone()).prop_map(|(l1, l2, v)| {
                let l2 = if l2.contains('=') { "c".to_string() } else { l2 };
                format!("{l1}: {l2}: {v}")
            }),
            1 => (ident(), inner.clone()).prop_map(|(n, v)| format!("let {}v = {v}", n.trim_start_matches(['#', '_']))),
            1 => (inner.clone(), inner.clone()).prop_map(|(s, b)| format!("for k, v in {s} {{ z: {b} }}")),
            1 => inner.clone().prop_map(|c| format!("if {c} != _|_ {{ z: 1 }}")),
            1 => Just("...".to_string()),
        ];
        (
            prop::collection::vec((decl, 0u8..4, 0u8..3), 0..5),
            prop::bool::ANY,
        )
            .prop_map(|(decls, multi)| {
                if !multi {
                    let parts: Vec<String> = decls.into_iter().map(|(d, _, _)| d).collect();
                    return format!("{{{}}}", parts.join(", "));
                }
                let mut s = String::from("{\n");
                for (d, blank, comment) in decls {
                    if blank == 3 {
                        s.push('\n');
                    }
                    if comment == 1 {
                        s.push_str("// leading comment\n");
                    }
                    s.push_str(&d);
                    if comment == 2 {
                        s.push_str(" // trailing comment");
                    }
                    s.push('\n');
                }
                s.push('}');
                s
            })
    }

    fn expr() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![ident(), literal()];
        leaf.prop_recursive(4, 40, 5, |inner| {
            let ops = prop::sample::select(vec!["|", "&", "+", "-", "*", "/", "==", "!=", "<", "&&", "||", "=~"]);
            let unops = prop::sample::select(vec!["-", "!", "*", ">=", "<", "!=", "=~"]);
            let boxed = inner.clone().boxed();
            prop_oneof![
                3 => (inner.clone(), ops, inner.clone(), prop::bool::weighted(0.2))
                    .prop_map(|(a, op, b, nl)| if nl { format!("{a} {op}\n{b}") } else { format!("{a} {op} {b}") }),
                1 => (unops, inner.clone()).prop_map(|(op, x)| {
                    if x.starts_with(['=', '~', '<', '>', '!', '-', '*']) { format!("{op}({x})") } else { format!("{op}{x}") }
                }),
                1 => inner.clone().prop_map(|x| format!("({x})")),
                1 => (ident(), ident()).prop_map(|(x, s)| format!("{x}.{}", s.trim_start_matches('#'))),
                1 => (ident(), inner.clone()).prop_map(|(x, i)| format!("{x}[{i}]")),
                1 => (ident(), inner.clone()).prop_map(|(x, i)| format!("{x}[{i}:]")),
                1 => (ident(), prop::collection::vec(inner.clone(), 0..3)).prop_map(|(f, a)| format!("{f}({})", a.join(", "))),
                2 => (prop::collection::vec(inner.clone(), 0..4), prop::bool::ANY).prop_map(|(xs, multi)| {
                    if multi && !xs.is_empty() {
                        format!("[\n{},\n]", xs.join(",\n"))
                    } else {
                        format!("[{}]", xs.join(", "))
                    }
                }),
                1 => (inner.clone(), inner.clone()).prop_map(|(s, v)| format!("[for x in {s} if x != null {{{v}}}]")),
                1 => (ident(), inner.clone()).prop_map(|(x, y)| format!("\"pre \\({x}) mid \\({y})\"")),
                2 => block(boxed),
            ]
        })
    }

    fn file() -> impl Strategy<Value = String> {
        (
            prop::bool::ANY,
            prop::collection::vec((label(), marker(), expr(), 0u8..4, 0u8..4), 0..6),
        )
            .prop_map(|(pkg, fields)| {
                let mut s = String::new();
                if pkg {
                    s.push_str("package p\n\nimport \"strings\"\n\n");
                }
                for (l, m, v, blank, comment) in fields {
                    let m = if l.starts_with('[') || l.contains('=') {
                        ""
                    } else {
                        m
                    };
                    if blank == 3 {
                        s.push('\n');
                    }
                    if comment == 1 {
                        s.push_str("// +usage=doc comment\n");
                    }
                    s.push_str(&format!("{l}{m}: {v}"));
                    if comment == 2 {
                        s.push_str(" // trailing");
                    }
                    s.push('\n');
                }
                s
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn formatting_preserves_the_tree_and_is_idempotent(src in file()) {
            let parsed = roam_cue::syntax::parse_str("p.cue", &src);
            // The generator only writes valid CUE.
            prop_assert!(parsed.errors.is_empty(), "generated invalid CUE: {:?}\n{}", parsed.errors, src);
            if let Err(e) = check_roundtrip("p.cue", &src) {
                prop_assert!(false, "{}\n--- input:\n{}", e, src);
            }
        }
    }
}

/// Inputs the fuzzer found, kept as regressions.
#[test]
fn fuzz_regressions() {
    // A stray comma before a leading comment: the comment must not be taken
    // as sitting on the comma's line (it printed with a leading space once).
    for src in [
        ",// c\na: 1\n",
        ",\n// c\na: 1\n",
        "a: 1, // c\nb: 2\n",
        ",,l,,,,,// c\n//d\nS: []\n",
        "{\n\tA: // c [uint]\n\tB: A & ([10] | [192])\n}\n",
        "a: [ // c\n\t1,\n]\nb: x & // d\n\t{y: 1}\n",
        "l,0,,2,,// c\n,,,,,2,,// d\n,,,,,hp",
        "a: [1,\n,,2]\n",
    ] {
        let out = check_roundtrip("fuzz.cue", src).unwrap_or_else(|e| panic!("{e}"));
        assert!(!out.starts_with(' '), "{out:?}");
    }
}
