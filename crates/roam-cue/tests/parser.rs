//! Parser behaviour: tree shapes, comments, literals and error messages.

use roam_cue::SourceFile;
use roam_cue::diag::Diagnostic;
use roam_cue::syntax::ast::*;
use roam_cue::syntax::{MAX_NESTING, parse_expr, parse_str};

/// A compact S-expression view of an expression, to assert tree shapes.
fn sx(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Ident(i) => i.name.clone(),
        ExprKind::Bottom => "_|_".into(),
        ExprKind::Lit(l) => l.raw.clone(),
        ExprKind::Interpolation(i) => {
            let parts: Vec<String> = i
                .parts
                .iter()
                .map(|p| match p {
                    InterpPart::Lit(s, _) => format!("{s:?}"),
                    InterpPart::Expr(e) => sx(e),
                })
                .collect();
            format!("(interp {})", parts.join(" "))
        }
        ExprKind::Struct(s) => {
            let ds: Vec<String> = s.decls.iter().map(decl).collect();
            if s.braces {
                format!("{{{}}}", ds.join(" "))
            } else {
                format!("(short {})", ds.join(" "))
            }
        }
        ExprKind::List(l) => {
            let es: Vec<String> = l.elems.iter().map(|e| sx(&e.expr)).collect();
            format!("[{}]", es.join(" "))
        }
        ExprKind::Ellipsis(None) => "...".into(),
        ExprKind::Ellipsis(Some(t)) => format!("...{}", sx(t)),
        ExprKind::Paren(x) => format!("({})", sx(x)),
        ExprKind::Unary(op, x) => format!("({} {})", op.as_str(), sx(x)),
        ExprKind::Binary(op, x, y) => format!("({} {} {})", op.as_str(), sx(x), sx(y)),
        ExprKind::Selector(x, l) => format!("(. {} {})", sx(x), label(l)),
        ExprKind::Index(x, i) => format!("(idx {} {})", sx(x), sx(i)),
        ExprKind::Slice(x, a, b) => format!(
            "(slice {} {} {})",
            sx(x),
            a.as_ref().map_or("_".into(), |a| sx(a)),
            b.as_ref().map_or("_".into(), |b| sx(b))
        ),
        ExprKind::Call(f, args) => {
            let a: Vec<String> = args.iter().map(sx).collect();
            format!("(call {} {})", sx(f), a.join(" "))
        }
        ExprKind::Comprehension(c) => {
            let cl: Vec<String> = c
                .clauses
                .iter()
                .map(|c| match c {
                    Clause::For {
                        key, value, source, ..
                    } => match key {
                        Some(k) => format!("for {},{} in {}", k.name, value.name, sx(source)),
                        None => format!("for {} in {}", value.name, sx(source)),
                    },
                    Clause::If { cond, .. } => format!("if {}", sx(cond)),
                    Clause::Let { name, value, .. } => format!("let {}={}", name.name, sx(value)),
                    Clause::Try {
                        name: Some(n),
                        value: Some(v),
                        ..
                    } => format!("try {}={}", n.name, sx(v)),
                    Clause::Try { .. } => "try".into(),
                })
                .collect();
            let fb = c
                .fallback
                .as_ref()
                .map_or(String::new(), |(w, b)| format!(" {w} {}", sx(b)));
            format!("(comp [{}] {}{fb})", cl.join("; "), sx(&c.body))
        }
        ExprKind::Alias(i, x) => format!("(alias {} {})", i.name, sx(x)),
        ExprKind::OptionalRef(x) => format!("(? {})", sx(x)),
        ExprKind::PostfixOpen(x) => format!("(open {})", sx(x)),
        ExprKind::Bad => "BAD".into(),
    }
}

fn label(l: &Label) -> String {
    let mut s = match &l.kind {
        LabelKind::Ident(i) => i.name.clone(),
        LabelKind::String(e) => sx(e),
        LabelKind::Paren(e) => format!("({})", sx(e)),
        LabelKind::Pattern(e) => format!("[{}]", sx(e)),
    };
    if let Some(a) = &l.alias {
        s = format!("{}={s}", a.name);
    }
    if let Some(p) = &l.postfix_alias {
        let k = p.label.as_ref().map_or("", |i| &i.name);
        let v = p.value.as_ref().map_or("", |i| &i.name);
        s = format!("{s}~({k},{v})");
    }
    s
}

fn decl(d: &Decl) -> String {
    match &d.kind {
        DeclKind::Field(f) => {
            let c = match f.constraint {
                Constraint::Regular => "",
                Constraint::Optional => "?",
                Constraint::Required => "!",
            };
            let attrs: String = f.attrs.iter().map(|a| format!(" {}", a.text)).collect();
            format!("{}{c}: {}{attrs}", label(&f.label), sx(&f.value))
        }
        DeclKind::Embed(e) => format!("<{}>", sx(e)),
        DeclKind::Let(l) => format!("let {} = {}", l.name.name, sx(&l.value)),
        DeclKind::Ellipsis(None) => "...".into(),
        DeclKind::Ellipsis(Some(t)) => format!("...{}", sx(t)),
        DeclKind::Attribute(a) => a.text.clone(),
        DeclKind::Package(p) => format!("package {}", p.name),
        DeclKind::Import(i) => {
            let s: Vec<String> = i
                .specs
                .iter()
                .map(|s| {
                    format!(
                        "{}{}",
                        s.name
                            .as_ref()
                            .map_or(String::new(), |n| format!("{} ", n.name)),
                        s.path.raw
                    )
                })
                .collect();
            format!("import({})", s.join(" "))
        }
        DeclKind::Alias(i, e) => format!("{}={}", i.name, sx(e)),
        DeclKind::Bad => "BAD".into(),
    }
}

fn file(src: &str) -> String {
    let p = parse_str("test.cue", src);
    assert!(
        p.errors.is_empty(),
        "unexpected errors for {src:?}: {:?}",
        p.errors
    );
    p.value
        .decls
        .iter()
        .map(decl)
        .collect::<Vec<_>>()
        .join(" | ")
}

fn expr(src: &str) -> String {
    let f = SourceFile::new("e.cue", src);
    let p = parse_expr(&f);
    assert!(
        p.errors.is_empty(),
        "unexpected errors for {src:?}: {:?}",
        p.errors
    );
    sx(&p.value)
}

fn errors(src: &str) -> String {
    let f = SourceFile::new("bad.cue", src);
    let p = roam_cue::syntax::parse_file(&f);
    assert!(!p.errors.is_empty(), "expected errors for {src:?}");
    p.errors
        .iter()
        .map(|e| Diagnostic::from_syntax(&f, e).render())
        .collect::<Vec<_>>()
        .join("")
}

#[test]
fn operator_precedence() {
    assert_eq!(
        expr("a | b & c || d && e == f + g * h"),
        "(| a (& b (|| c (&& d (== e (+ f (* g h)))))))"
    );
    assert_eq!(expr("a - b - c"), "(- (- a b) c)");
    assert_eq!(
        expr("*1 | >=0 & <10 | !=null"),
        "(| (| (* 1) (& (>= 0) (< 10))) (!= null))"
    );
    assert_eq!(
        expr("a =~ \"x\" && b !~ \"y\""),
        "(&& (=~ a \"x\") (!~ b \"y\"))"
    );
    assert_eq!(
        expr("-x.y[0](1, 2)[1:]"),
        "(- (slice (call (idx (. x y) 0) 1 2) 1 _))"
    );
    assert_eq!(expr("==1 | !a"), "(| (== 1) (! a))");
    assert_eq!(expr("x.\"quoted\".#Def"), "(. (. x \"quoted\") #Def)");
}

#[test]
fn literals_of_every_form() {
    assert_eq!(
        expr(
            "[1_000, 0x1F, 0o17, 0b101, 1Ki, 1.5G, .25, 1e3, 072.40, \"s\", 's', #\"r\"#, ##\"r\"##, null, true, _|_, _]"
        ),
        "[1_000 0x1F 0o17 0b101 1Ki 1.5G .25 1e3 072.40 \"s\" 's' #\"r\"# ##\"r\"## null true _|_ _]"
    );
    assert_eq!(
        expr("\"a\\(x)b\\(y + 1)c\""),
        "(interp \"\\\"a\\\\(\" x \")b\\\\(\" (+ y 1) \")c\\\"\")"
    );
    assert_eq!(
        expr("#\"a\\#(x)\\(y)\"#"),
        "(interp \"#\\\"a\\\\#(\" x \")\\\\(y)\\\"#\")"
    );
    // Interpolations nest, and parentheses inside them are balanced.
    assert_eq!(
        expr("\"a\\(f(\"b\\(c)\"))\""),
        "(interp \"\\\"a\\\\(\" (call f (interp \"\\\"b\\\\(\" c \")\\\"\")) \")\\\"\")"
    );
    let multi = "\"\"\"\n\tline \\(x)\n\t\"\"\"";
    assert_eq!(
        expr(multi),
        "(interp \"\\\"\\\"\\\"\\n\\tline \\\\(\" x \")\\n\\t\\\"\\\"\\\"\")"
    );
    assert_eq!(expr("'''\n  bytes\n  '''"), "'''\n  bytes\n  '''");
    assert_eq!(
        expr("#\"\"\"\n  {\"a\": 1}\n  \"\"\"#"),
        "#\"\"\"\n  {\"a\": 1}\n  \"\"\"#"
    );
}

#[test]
fn fields_labels_and_aliases() {
    assert_eq!(file("a: b: c: 1"), "a: (short b: (short c: 1))");
    assert_eq!(
        file("a?: int\nb!: string\n\"c-d\": 1\n#D: 2\n_h: 3\n_#hd: 4"),
        "a?: int | b!: string | \"c-d\": 1 | #D: 2 | _h: 3 | _#hd: 4"
    );
    assert_eq!(
        file("[string]: int\n[X=string]: name: X\n[=~\"^x\"]: 1"),
        "[string]: int | [(alias X string)]: (short name: X) | [(=~ \"^x\")]: 1"
    );
    assert_eq!(
        file("(k): v\n(X=k)?: v\n\"\\(k)-x\": 1"),
        "(k): v | ((alias X k))?: v | (interp \"\\\"\\\\(\" k \")-x\\\"\"): 1"
    );
    assert_eq!(
        file("X=a: 1\nY=\"b-c\": 2\nfoo: Z={x: Z.y, y: 1}"),
        "X=a: 1 | Y=\"b-c\": 2 | foo: (alias Z {x: (. Z y) y: 1})"
    );
    assert_eq!(
        file("if: 1\nfor: 2\nlet: 3\nin: 4\nnull: 5\ntrue: 6\npackage: 7\nimport: 8"),
        "if: 1 | for: 2 | let: 3 | in: 4 | null: 5 | true: 6 | package: 7 | import: 8"
    );
    assert_eq!(
        file("a~X: 1\n[string]~(K,V): {}\n(\"d\")~(X5): 2"),
        "a~(,X): 1 | [string]~(K,V): {} | (\"d\")~(,X5): 2"
    );
    assert_eq!(
        file("#: \"Fn::And\": [...]"),
        "#: (short \"Fn::And\": [...])"
    );
}

#[test]
fn declarations_embeddings_and_comprehensions() {
    assert_eq!(
        file(
            "package foo\n\nimport \"strings\"\nimport (\n\tx \"encoding/json\"\n\t\"list\"\n)\nlet y = 1\n#A\n...\n...int"
        ),
        "package foo | import(\"strings\") | import(x \"encoding/json\" \"list\") | let y = 1 | <#A> | ... | ...int"
    );
    assert_eq!(
        file("for k, v in m if v > 1 let w = v * 2 { (k): w }"),
        "<(comp [for k,v in m; if (> v 1); let w=(* v 2)] {(k): w})>"
    );
    assert_eq!(
        file("l: [for x in y if x != _|_ {x}, 1, ...int]"),
        "l: [(comp [for x in y; if (!= x _|_)] {<x>}) 1 ...int]"
    );
    assert_eq!(
        file("if x {a: 1} else {b: 2}"),
        "<(comp [if x] {a: 1} else {b: 2})>"
    );
    assert_eq!(
        file("try y = a? { x: b? } fallback {c: 1}"),
        "<(comp [try y=(? a)] {x: (? b)} fallback {c: 1})>"
    );
    assert_eq!(
        file("try { r: a? + b? }"),
        "<(comp [try] {r: (+ (? a) (? b))})>"
    );
    assert_eq!(
        file("a: #Base... & {y: int}"),
        "a: (& (open #Base) {y: int})"
    );
    assert_eq!(
        file("@experiment(try)\npackage p\n@attr(x)\na: 1 @go(A) @test(eq, {a: 1, b: [1, 2]})"),
        "@experiment(try) | package p | @attr(x) | a: 1 @go(A) @test(eq, {a: 1, b: [1, 2]})"
    );
}

#[test]
fn optional_commas_in_multiline_lists_and_index() {
    // v0.17: newlines separate multi-line list elements; a newline may precede `]` of an index.
    assert_eq!(
        file("l: [\n\t{a: 1}\n\t{b: 2}\n]\ni: l[\n\t0\n]"),
        "l: [{a: 1} {b: 2}] | i: (idx l 0)"
    );
    assert_eq!(file("a: 1, b: 2\nc: 3,"), "a: 1 | b: 2 | c: 3");
}

#[test]
fn comments_attach_to_declarations() {
    let src = "// file comment\n\npackage x\n\n// first line\n// +patchKey=name\n// +usage=The containers\ncontainers: [...] // trailing\n\n// separated\n\nafter: 1\nobj: { // open\n\t// inner doc\n\tx: 1\n\t// dangling\n}\n// end\n";
    let p = parse_str("c.cue", src);
    assert!(p.errors.is_empty());
    let f = &p.value;
    let field = |name: &str| {
        f.decls
            .iter()
            .find(|d| matches!(&d.kind, DeclKind::Field(fl) if matches!(&fl.label.kind, LabelKind::Ident(i) if i.name == name)))
            .unwrap()
    };
    let c = field("containers");
    assert_eq!(
        c.doc_text(),
        "first line\n+patchKey=name\n+usage=The containers"
    );
    assert_eq!(c.comments.trailing.as_ref().unwrap().text, "// trailing");
    // A comment separated by a blank line is not a doc comment.
    let after = field("after");
    assert_eq!(after.comments.leading.len(), 1);
    assert!(after.doc().is_empty());
    let obj = field("obj");
    let DeclKind::Field(fl) = &obj.kind else {
        unreachable!()
    };
    let ExprKind::Struct(s) = &fl.value.kind else {
        unreachable!()
    };
    let x = &s.decls[0];
    assert_eq!(
        x.comments
            .leading
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>(),
        ["// open", "// inner doc"]
    );
    assert_eq!(x.doc_text(), "inner doc");
    assert_eq!(s.trailing_comments[0].text, "// dangling");
    assert_eq!(f.trailing_comments[0].text, "// end");
    assert_eq!(f.decls[0].comments.leading[0].text, "// file comment");
    // A comment after a one-line struct belongs to the field that holds it.
    let p = parse_str("t.cue", "x: {a: 1, b: 2} // c\ny: 1\n");
    let x = &p.value.decls[0];
    assert_eq!(
        x.comments.trailing.as_ref().map(|c| c.text.as_str()),
        Some("// c")
    );
}

#[test]
fn syntax_errors_are_located_and_explained() {
    insta::assert_snapshot!(errors("a: {\n\tb: 1\n\tc: [1, 2\n"));
    insta::assert_snapshot!(errors("a: 1 b: 2\nc: )\nd: \"unterminated\ne: 1\n"));
    insta::assert_snapshot!(errors("x: \"\\q\" + 0x\ny: 'a' + \"\\x41\"\nz: 1__0\n"));
    insta::assert_snapshot!(errors(
        "a: \"\"\"\n  ok\n bad\n  \"\"\"\nb: [1, ..., 2]\nc: [a, b] [x]: 1\n"
    ));
    insta::assert_snapshot!(errors("a: b.[1]\nc: f(1 2)\nd: (1 + 2\ne: 1\n"));
}

#[test]
fn attributes_are_balanced_tokens() {
    // Comments inside a multi-line attribute do not count towards the balance.
    assert_eq!(
        file("a: 1 @test(eq, {\n\tx: 1 // ) in a comment\n})"),
        "a: 1 @test(eq, {\n\tx: 1 // ) in a comment\n})"
    );
    assert_eq!(
        file("a: 1 @x(\"(\", '}', #\"\\(\"#, \"\"\"\n\t)\n\t\"\"\")"),
        "a: 1 @x(\"(\", '}', #\"\\(\"#, \"\"\"\n\t)\n\t\"\"\")"
    );
    let e = errors("a: 1 @foo(\"\\(x)\")\n");
    assert!(
        e.contains("1:12: interpolation not allowed in attribute"),
        "{e}"
    );
}

#[test]
fn several_errors_are_reported_per_file() {
    let f = SourceFile::new("m.cue", "a: )\nb: 1\nc: ]\nd: 2\ne: }\n");
    let p = roam_cue::syntax::parse_file(&f);
    assert_eq!(p.errors.len(), 3, "{:?}", p.errors);
    // Recovery keeps the good declarations.
    let names: Vec<String> = p
        .value
        .decls
        .iter()
        .filter_map(|d| match &d.kind {
            DeclKind::Field(fl) => Some(label(&fl.label)),
            _ => None,
        })
        .collect();
    assert!(
        names.contains(&"b".to_string()) && names.contains(&"d".to_string()),
        "{names:?}"
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let n = MAX_NESTING as usize + 10;
    for (open, close) in [("{a: ", "}"), ("[", "]"), ("(", ")"), ("-", "")] {
        let src = format!("x: {}1{}", open.repeat(n), close.repeat(n));
        let p = parse_str("deep.cue", &src);
        assert!(
            p.errors
                .iter()
                .any(|e| e.message.contains("nesting too deep")),
            "{open}: {:?}",
            p.errors.first()
        );
    }
    // Nesting within the limit parses.
    let ok = format!("x: {}1{}", "{a: ".repeat(100), "}".repeat(100));
    assert!(parse_str("ok.cue", &ok).errors.is_empty());
    // Long flat chains are fine too.
    let chain = format!(
        "x: {}",
        (0..3000)
            .map(|i| format!("\"v{i}\""))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    assert!(parse_str("chain.cue", &chain).errors.is_empty());
}

#[test]
fn garbage_never_panics() {
    for src in [
        "",
        "\u{feff}",
        "\0",
        "@",
        "@x",
        "@x(",
        "\"\\(",
        "\"\\(a",
        "'''",
        "#",
        "##\"",
        "a: \"\"\"x",
        "[",
        "{",
        "(",
        "a: [...",
        "for",
        "if x",
        "try",
        "a~",
        "a~(",
        "x: ...",
        "..",
        "\"\\u12\"",
        "a: 1Ki.5",
    ] {
        let _ = parse_str("g.cue", src);
    }
    // Found by fuzzing: a backslash ending the input inside a multi-line
    // string of an attribute ran past the end.
    let p = parse_str("g.cue", "a: 1 @x(\"\"\"\n\\");
    assert!(!p.errors.is_empty());
    // Found by fuzzing: a stray closer inside a grouped import used to loop forever.
    let p = parse_str("g.cue", "import (\n\t\"list\"\n\t\"x: {\n 5\n}\nb: 1\n");
    assert!(!p.errors.is_empty());
    let p = parse_str("g.cue", "import (\n\t\"list\"\n}\n)\n");
    assert!(!p.errors.is_empty());
}
