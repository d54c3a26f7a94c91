//! Evaluator behaviours checked against native `cue export` v0.17.1 (the
//! expected text is what it printed, compact).

use roam_cue::eval::Program;

fn export(src: &str) -> Result<String, String> {
    let prog = Program::compile(&[("t.cue", src)]).map_err(|e| e.to_string())?;
    let mut inst = prog.instance();
    let root = inst.root;
    inst.export_json(root, false).map_err(|e| format!("{e:?}"))
}

/// The JSON of field `name`.
fn export_field(src: &str, name: &str) -> Result<String, String> {
    let prog = Program::compile(&[("t.cue", src)]).map_err(|e| e.to_string())?;
    let mut inst = prog.instance();
    let v = inst.lookup(&[name]).ok_or("no field")?;
    inst.export_json(v, false).map_err(|e| format!("{e:?}"))
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

/// `x != _|_` is false when a regular field below `x` has a permanent
/// error (a conflict, a field a definition does not allow).
#[test]
fn bottom_check_sees_errors_below() {
    let src = "#VM: {e?: [...{name: string}]}\nparameter: {vm?: #VM}\nparameter: vm: e: [{name: \"a\", sub: \"t\"}]\nok: parameter.vm != _|_\n";
    assert_eq!(export_field(src, "ok").as_deref(), Ok("false"));
    let src = "a: {b: {c: 1 & 2}}\nok1: a != _|_\nh: {i?: 1 & 2}\nok2: h != _|_\nj: {k: int}\nok3: j != _|_\n";
    assert_eq!(export_field(src, "ok1").as_deref(), Ok("false"));
    assert_eq!(export_field(src, "ok2").as_deref(), Ok("true"));
    assert_eq!(export_field(src, "ok3").as_deref(), Ok("true"));
}
