//! The `roam` binary end to end: output, error messages and exit codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn roam(args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_roam"));
    cmd.args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("roam runs");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn temp_file(name: &str, content: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("roam-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

#[test]
fn export_example_application() {
    let out = roam(&["cue", "export", "examples/application.cue"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    insta::assert_snapshot!(text(&out.stdout));
}

#[test]
fn export_evaluates_references_arithmetic_and_defaults() {
    let p = temp_file(
        "eval.cue",
        "a: 1\nb: {\n\tc: a + 1\n\td: *\"x\" | string\n}\n#D: {n: int, m: n * 2}\ne: #D & {n: 3}\n",
    );
    let out = roam(&["cue", "export", p.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"a": 1, "b": {"c": 2, "d": "x"}, "e": {"n": 3, "m": 6}})
    );
}

#[test]
fn export_reports_incomplete_values_with_path_and_position() {
    let p = temp_file("incomplete.cue", "a: int\nb: {\n\tc: a + 1\n}\n");
    let out = roam(&["cue", "export", p.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("a: incomplete value int"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn export_reports_conflicts_as_errors() {
    let p = temp_file("conflict.cue", "a: 1\na: 2\n");
    let out = roam(&["cue", "export", p.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("a: conflicting values 1 and 2"), "{err}");
    assert!(err.contains("conflict.cue:2:4"), "{err}");
}

#[test]
fn syntax_errors_exit_1_with_position() {
    let out = roam(&["cue", "export", "-"], Some("a: [1, 2\n"));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.starts_with("<stdin>:1:9: expected ']' to close list opened at 1:4"),
        "{err}"
    );
    let out = roam(&["cue", "fmt", "-"], Some("a: {\n"));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("expected '}' to close struct opened at 1:4"));
}

#[test]
fn fmt_prints_checks_and_writes() {
    let messy = "a:    1\nb: {c:2}\n";
    let out = roam(&["cue", "fmt"], Some(messy));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let formatted = text(&out.stdout);
    assert_eq!(formatted, "a: 1\nb: {c: 2}\n");

    let p = temp_file("messy.cue", messy);
    let path = p.to_str().unwrap();
    let out = roam(&["cue", "fmt", "--check", path], None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout).trim(), path);
    let out = roam(&["cue", "fmt", "-w", path], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&p).unwrap(), formatted);
    let out = roam(&["cue", "fmt", "--check", path], None);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn fmt_accepts_directories_and_recursive_patterns() {
    let root = std::env::temp_dir().join(format!("roam-cli-fmt-dirs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for (rel, body) in [
        ("a.cue", "a:  1\n"),
        ("sub/b.cue", "b:  2\n"),
        ("sub/cue.mod/module.cue", "module:  \"x\"\n"),
        ("sub/notes.txt", "not cue"),
    ] {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    let root_s = root.to_str().unwrap();
    // A directory: its own .cue files only.
    let out = roam(&["cue", "fmt", "--check", root_s], None);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout).lines().count(),
        1,
        "{}",
        text(&out.stdout)
    );
    // dir/...: every .cue file below, cue.mod excluded.
    let out = roam(&["cue", "fmt", "--check", &format!("{root_s}/...")], None);
    let listed: Vec<String> = text(&out.stdout).lines().map(String::from).collect();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(listed.iter().all(|l| !l.contains("cue.mod")), "{listed:?}");
    let out = roam(&["cue", "fmt", "-w", &format!("{root_s}/...")], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(root.join("sub/b.cue")).unwrap(),
        "b: 2\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("sub/cue.mod/module.cue")).unwrap(),
        "module:  \"x\"\n"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn usage_errors_exit_2_and_missing_files_exit_1() {
    assert_eq!(roam(&["cue", "frobnicate"], None).status.code(), Some(2));
    let out = roam(&["cue", "export", "does/not/exist.cue"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("does/not/exist.cue"));
}

#[test]
fn completion_scripts() {
    let out = roam(&["completion", "bash"], None);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("_roam()"));
}

/// Exported field order, byte for byte: `tests/field_order/NAME.json` is
/// what native `cue export` v0.17.1 printed for `NAME.cue`.
#[test]
fn export_field_order_matches_native_cue() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/field_order");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_none_or(|e| e != "cue") {
            continue;
        }
        let want = std::fs::read_to_string(p.with_extension("json")).unwrap();
        let out = roam(&["cue", "export", p.to_str().unwrap()], None);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert_eq!(text(&out.stdout), want, "{}", p.display());
        n += 1;
    }
    assert!(n >= 2);
}

/// `-e` finds fields made by comprehensions (identifiers of an expression
/// are looked up in the evaluated value, as `cue export -e` does).
#[test]
fn export_expression_finds_comprehension_fields() {
    let p = temp_file("comp.cue", "if true { x: 1 }\n");
    let out = roam(&["cue", "export", "-e", "x + 1", p.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "2\n");
    let out = roam(&["cue", "export", "-e", "nope", p.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("reference \"nope\" not found"));
}
