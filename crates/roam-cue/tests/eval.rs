//! Evaluator behaviours checked against native `cue export` v0.17.1 (the
//! expected text is what it printed, compact).

use roam_cue::eval::Program;

fn export(src: &str) -> Result<String, String> {
    let prog = Program::compile(&[("t.cue", src)]).map_err(|e| e.to_string())?;
    let mut inst = prog.instance();
    let root = inst.root;
    inst.export_json(root, false).map_err(|e| format!("{e:?}"))
}

#[track_caller]
fn check(src: &str, want: &str) {
    assert_eq!(export(src).as_deref(), Ok(want), "{src}");
}

/// A field is not final while comprehensions of its struct that declare
/// it are pending, whatever their order.
#[test]
fn use_before_set_through_comprehensions() {
    check(
        "_ip: *\"\" | string\nif _ip == \"\" { msg: \"pending\" }\nif true { _ip: \"v\" }\na: _ip\n",
        r#"{"a":"v"}"#,
    );
    check(
        "_ip: *\"\" | string\nif true { _ip: \"v\" }\nif _ip == \"\" { msg: \"pending\" }\na: _ip\n",
        r#"{"a":"v"}"#,
    );
    check(
        "s: {\n\tif t.a == 2 { out: \"two\" }\n\tt: {if true { a: 2 }}\n}\n",
        r#"{"s":{"out":"two","t":{"a":2}}}"#,
    );
}

/// Field order: comprehension fields where written; `for` iterates in
/// upstream's internal order.
#[test]
fn field_order_of_comprehensions_and_references() {
    check(
        "x: {b: 2, if true {a: 1}, (\"c\"): 3, d: 4}\nl: [for k, _ in x {k}]\n",
        r#"{"x":{"a":1,"b":2,"c":3,"d":4},"l":["b","a","d","c"]}"#,
    );
    check(
        "x: {a: 1}\nj: x & {b: 2}\nj: {c: 3}\nk: [for k, _ in j {k}]\n",
        r#"{"x":{"a":1},"j":{"a":1,"b":2,"c":3},"k":["b","c","a"]}"#,
    );
}
