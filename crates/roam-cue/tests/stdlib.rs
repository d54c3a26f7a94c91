//! Standard-library tests. Helpers: a small reader for literal CUE
//! values and calls (`strings.Join(["a", "b"], "-")`), a test `CallCtx`,
//! and JSON output as `cue export` writes it.

use std::sync::Arc;

use roam_cue::num::Number;
use roam_cue::stdlib::{self, CallCtx, CallError, Val};

/// A `CallCtx` for tests: `less` compares numbers or strings (ascending,
/// or descending when the comparator is the string "desc"); `validate`
/// treats the schema as a kind name (`"int"`, `"string"`, `"number"`) or,
/// for a number, as `>=n`.
pub struct TestCtx;

impl CallCtx for TestCtx {
    fn less(&mut self, cmp: &Val, x: &Val, y: &Val) -> Result<bool, CallError> {
        let desc = matches!(cmp, Val::Str(s) if &**s == "desc");
        let lt = match (x, y) {
            (Val::Num(a), Val::Num(b)) => a < b,
            (Val::Str(a), Val::Str(b)) => a < b,
            _ => return Err(CallError::msg("cannot compare")),
        };
        let gt = match (x, y) {
            (Val::Num(a), Val::Num(b)) => a > b,
            (Val::Str(a), Val::Str(b)) => a > b,
            _ => false,
        };
        Ok(if desc { gt } else { lt })
    }

    fn validate(&mut self, schema: &Val, v: &Val) -> Result<(), CallError> {
        let ok = match schema {
            Val::Str(k) => match &**k {
                "int" => matches!(v, Val::Num(n) if n.is_int()),
                "number" => matches!(v, Val::Num(_)),
                "string" => matches!(v, Val::Str(_)),
                _ => false,
            },
            Val::Num(n) => matches!(v, Val::Num(m) if m >= n),
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(CallError::msg("mismatch"))
        }
    }
}

struct Reader<'a> {
    s: &'a [u8],
    p: usize,
}

impl Reader<'_> {
    fn ws(&mut self) {
        while self.p < self.s.len() && (self.s[self.p] as char).is_whitespace() {
            self.p += 1;
        }
    }

    fn peek(&mut self) -> u8 {
        self.ws();
        self.s.get(self.p).copied().unwrap_or(0)
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == c {
            self.p += 1;
            true
        } else {
            false
        }
    }

    fn string(&mut self, q: u8) -> Vec<u8> {
        let start = self.p;
        self.p += 1;
        while self.s[self.p] != q {
            if self.s[self.p] == b'\\' {
                self.p += 1;
            }
            self.p += 1;
        }
        self.p += 1;
        let raw = std::str::from_utf8(&self.s[start..self.p]).unwrap();
        match roam_cue::syntax::literal::unquote(raw).unwrap() {
            roam_cue::syntax::literal::StrValue::String(s) => s.into_bytes(),
            roam_cue::syntax::literal::StrValue::Bytes(b) => b,
        }
    }

    fn ident(&mut self) -> String {
        self.ws();
        let start = self.p;
        while self.p < self.s.len()
            && (self.s[self.p].is_ascii_alphanumeric() || b"_.$#/".contains(&self.s[self.p]))
        {
            self.p += 1;
        }
        String::from_utf8(self.s[start..self.p].to_vec()).unwrap()
    }

    fn value(&mut self) -> Val {
        match self.peek() {
            b'"' => Val::str(String::from_utf8(self.string(b'"')).unwrap()),
            b'#' => {
                let start = self.p;
                let hashes = self.s[start..].iter().take_while(|&&c| c == b'#').count();
                let close = format!("\"{}", "#".repeat(hashes));
                let body = &self.s[start + hashes + 1..];
                let end = body
                    .windows(close.len())
                    .position(|w| w == close.as_bytes())
                    .unwrap();
                self.p = start + hashes + 1 + end + close.len();
                let raw = std::str::from_utf8(&self.s[start..self.p]).unwrap();
                match roam_cue::syntax::literal::unquote(raw).unwrap() {
                    roam_cue::syntax::literal::StrValue::String(s) => Val::str(s),
                    roam_cue::syntax::literal::StrValue::Bytes(b) => Val::bytes(b),
                }
            }
            b'\'' => Val::bytes(self.string(b'\'')),
            b'[' => {
                self.p += 1;
                let mut out = Vec::new();
                while !self.eat(b']') {
                    out.push(self.value());
                    self.eat(b',');
                }
                Val::List(out)
            }
            b'{' => {
                self.p += 1;
                let mut out = Vec::new();
                while !self.eat(b'}') {
                    let k = if self.peek() == b'"' {
                        String::from_utf8(self.string(b'"')).unwrap()
                    } else {
                        self.ident()
                    };
                    assert!(self.eat(b':'));
                    out.push((Arc::from(k.as_str()), self.value()));
                    self.eat(b',');
                }
                Val::Struct(out)
            }
            b'_' => {
                self.p += 1;
                Val::Opaque(0)
            }
            c if c == b'-' || c == b'+' || c == b'.' || c.is_ascii_digit() => {
                let start = self.p;
                self.p += 1;
                while self.p < self.s.len() && {
                    let c = self.s[self.p];
                    let sign_ok = !b"+-".contains(&c) || b"eE".contains(&self.s[self.p - 1]);
                    c.is_ascii_alphanumeric() || (b"._+-".contains(&c) && sign_ok)
                } {
                    self.p += 1;
                }
                let t = std::str::from_utf8(&self.s[start..self.p]).unwrap();
                Val::Num(Number::parse(t).unwrap_or_else(|e| panic!("number {t}: {e}")))
            }
            _ => {
                let id = self.ident();
                match id.as_str() {
                    "null" => Val::Null,
                    "true" => Val::Bool(true),
                    "false" => Val::Bool(false),
                    _ => match call_path(self, &id) {
                        Ok(v) => v,
                        Err(e) => panic!("nested call {id} failed: {e:?}"),
                    },
                }
            }
        }
    }
}

fn call_path(r: &mut Reader, id: &str) -> Result<Val, CallError> {
    let (pkg, name) = id.rsplit_once('.').expect("pkg.Name");
    let pkg = match pkg {
        "json" => "encoding/json",
        "yaml" => "encoding/yaml",
        "base64" => "encoding/base64",
        "hex" => "encoding/hex",
        "bits" => "math/bits",
        "tabwriter" => "text/tabwriter",
        "csv" => "encoding/csv",
        "toml" => "encoding/toml",
        "template" => "text/template",
        "sha256" | "sha1" | "sha512" | "md5" | "hmac" | "ed25519" => {
            Box::leak(format!("crypto/{pkg}").into_boxed_str())
        }
        p => p,
    };
    let p = stdlib::package(pkg).unwrap_or_else(|| panic!("no package {pkg}"));
    if r.peek() != b'(' {
        match id {
            "list.Ascending" => return Ok(Val::str("asc")),
            "list.Descending" => return Ok(Val::str("desc")),
            _ => {}
        }
        return Ok(p
            .constant(name)
            .unwrap_or_else(|| panic!("no constant {pkg}.{name}")));
    }
    r.p += 1;
    let mut args = Vec::new();
    while !r.eat(b')') {
        args.push(r.value());
        r.eat(b',');
    }
    let f = p
        .func(name)
        .unwrap_or_else(|| panic!("no function {pkg}.{name}"));
    assert!(
        args.len() <= f.params.len() && args.len() + f.optional >= f.params.len(),
        "wrong argument count for {pkg}.{name}"
    );
    (f.f)(&mut TestCtx, &args)
}

/// Parses a literal value.
pub fn val(s: &str) -> Val {
    Reader {
        s: s.as_bytes(),
        p: 0,
    }
    .value()
}

/// Evaluates `pkg.Func(args…)` or `pkg.Const`.
pub fn eval(expr: &str) -> Result<Val, CallError> {
    let mut r = Reader {
        s: expr.as_bytes(),
        p: 0,
    };
    let id = r.ident();
    call_path(&mut r, &id)
}

/// The result as CUE text, or `error: msg`.
pub fn show(r: &Result<Val, CallError>) -> String {
    match r {
        Ok(v) => v.to_cue_string(),
        Err(CallError::Msg(m)) => format!("error: {m}"),
        Err(CallError::Validation(m)) => format!("invalid: {m}"),
        Err(CallError::Incomplete(m)) => format!("incomplete: {m}"),
        Err(CallError::ArgType { index, expected }) => {
            format!("argtype: {index} {expected:?}")
        }
    }
}

/// Asserts each `expr => expected` pair (expected as by [`show`]).
#[track_caller]
pub fn check(cases: &[(&str, &str)]) {
    let mut failed = Vec::new();
    for (expr, want) in cases {
        let got = show(&eval(expr));
        if got != *want {
            failed.push(format!("{expr}\n   got:  {got}\n   want: {want}"));
        }
    }
    assert!(
        failed.is_empty(),
        "{} failures:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// Differential helper (run by hand): reads expressions, one a line, from
/// the file named by `STDLIB_EXPRS` and prints `expr<TAB>result` for each.
#[test]
#[ignore]
fn print_results() {
    let Ok(path) = std::env::var("STDLIB_EXPRS") else {
        return;
    };
    let text = std::fs::read_to_string(path).unwrap();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let r = std::panic::catch_unwind(|| show(&eval(line)));
        let out = r.unwrap_or_else(|_| "PANIC".into());
        println!("{line}\t{}", out.replace('\n', "\\n"));
    }
}
#[test]
fn strings_strconv() {
    check(&[
        (
            r#"strings.Join(["Hello", "World!"], " ")"#,
            r#""Hello World!""#,
        ),
        (
            r#"strings.Join([1, 2], " ")"#,
            r#"error: invalid list element 0 in argument 0 to call: cannot use value 1 (int) as string"#,
        ),
        (r#"strings.ByteAt("a", 0)"#, r#"97"#),
        (r#"strings.ByteAt("a", 3)"#, r#"error: index out of range"#),
        (r#"strings.ByteSlice("Hello", 2, 5)"#, r#"'llo'"#),
        (r#"strings.SliceRunes("✓ Hello", 0, 3)"#, r#""✓ H""#),
        (r#"strings.Runes("Café")"#, r#"[67, 97, 102, 233]"#),
        (r#"strings.ToCamel("AlphaBeta")"#, r#""alphaBeta""#),
        (r#"strings.ToTitle("alpha beta")"#, r#""Alpha Beta""#),
        (r#"strings.MaxRunes("foo", 3)"#, r#"true"#),
        (r#"strings.MinRunes("hello", 10)"#, r#"false"#),
        (r#"strings.Repeat("ab", 3)"#, r#""ababab""#),
        (r#"strings.Repeat("a", -1)"#, r#"error: negative count"#),
        (
            r#"strings.Repeat("a", 200000000)"#,
            r#"error: count 200000000 exceeds limit of 1000000"#,
        ),
        (r#"strings.Compare("a", "b")"#, r#"-1"#),
        (r#"strings.Count("cheese", "e")"#, r#"3"#),
        (r#"strings.Count("five", "")"#, r#"5"#),
        (r#"strings.Contains("seafood", "foo")"#, r#"true"#),
        (r#"strings.ContainsAny("failure", "ui")"#, r#"true"#),
        (r#"strings.LastIndex("go gopher", "go")"#, r#"3"#),
        (r#"strings.IndexAny("golang", "xyz")"#, r#"-1"#),
        (r#"strings.LastIndexAny("go gopher", "ordent")"#, r#"8"#),
        (r#"strings.SplitN("a,b,c,d", ",", 2)"#, r#"["a", "b,c,d"]"#),
        (
            r#"strings.SplitAfterN("a,b,c,d", ",", 2)"#,
            r#"["a,", "b,c,d"]"#,
        ),
        (r#"strings.Split("a,b,c", ",")"#, r#"["a", "b", "c"]"#),
        (r#"strings.Split("abc", "")"#, r#"["a", "b", "c"]"#),
        (
            r#"strings.SplitAfter("a,b,c", ",")"#,
            r#"["a,", "b,", "c"]"#,
        ),
        (
            r#"strings.Fields("  foo bar  baz   ")"#,
            r#"["foo", "bar", "baz"]"#,
        ),
        (r#"strings.HasPrefix("Gopher", "Go")"#, r#"true"#),
        (r#"strings.HasSuffix("Amigo", "go")"#, r#"true"#),
        (r#"strings.ToUpper("Gopher ß")"#, r#""GOPHER ß""#),
        (r#"strings.ToLower("Gopher ΑΣ")"#, r#""gopher ασ""#),
        (
            r#"strings.Trim("¡¡¡Hello, Gophers!!!", "!¡")"#,
            r#""Hello, Gophers""#,
        ),
        (
            r#"strings.TrimLeft("¡¡¡Hello, Gophers!!!", "!¡")"#,
            r#""Hello, Gophers!!!""#,
        ),
        (
            r#"strings.TrimRight("¡¡¡Hello, Gophers!!!", "!¡")"#,
            r#""¡¡¡Hello, Gophers""#,
        ),
        (
            r#"strings.TrimSpace(" \t\n Hello, Gophers \n\t\r\n")"#,
            r#""Hello, Gophers""#,
        ),
        (r#"strings.TrimPrefix("¡¡¡Hello", "¡¡")"#, r#""¡Hello""#),
        (r#"strings.TrimSuffix("Hello.go", ".go")"#, r#""Hello""#),
        (
            r#"strings.Replace("oink oink oink", "k", "ky", 2)"#,
            r#""oinky oinky oink""#,
        ),
        (
            r#"strings.Replace("oink oink oink", "", "-", -1)"#,
            r#""-o-i-n-k- -o-i-n-k- -o-i-n-k-""#,
        ),
        (r#"strings.Index("chicken", "ken")"#, r#"4"#),
        (r#"strings.Index("chicken", "dmr")"#, r#"-1"#),
        (r#"strconv.FormatUint(64, 16)"#, r#""40""#),
        (
            r#"strconv.FormatFloat(3.02, 300, 4, 64)"#,
            r#"error: format value 300 out of range [0, 255]"#,
        ),
        (
            r#"strconv.FormatFloat(3.02, -1, 4, 64)"#,
            r#"error: format value -1 out of range [0, 255]"#,
        ),
        (
            r#"strconv.FormatFloat(3.02, 1.0, 4, 64)"#,
            r#"error: unexpected kind float"#,
        ),
        (
            r#"strconv.FormatFloat(3.14159, "g", -1, 64)"#,
            r#""3.14159""#,
        ),
        (
            r#"strconv.FormatFloat(3.14159, "ff", -1, 64)"#,
            r#"error: expected single character string"#,
        ),
        (
            r#"strconv.FormatFloat(1e21, "f", -1, 64)"#,
            r#""1000000000000000000000""#,
        ),
        (
            r#"strconv.FormatFloat(3.14159, "x", -1, 64)"#,
            r#""0x1.921f9f01b866ep+01""#,
        ),
        (r#"strconv.FormatFloat(0.1, "g", -1, 32)"#, r#""0.1""#),
        (r#"strconv.FormatBool(true)"#, r#""true""#),
        (
            r#"strconv.FormatInt(170141183460469231731687303715884105728, 10)"#,
            r#""170141183460469231731687303715884105728""#,
        ),
        (r#"strconv.FormatInt(-255, 16)"#, r#""-ff""#),
        (r#"strconv.FormatInt(61, 62)"#, r#""Z""#),
        (r#"strconv.FormatInt(61, 63)"#, r#"error: invalid base"#),
        (r#"strconv.Atoi("2000000000000")"#, r#"2000000000000"#),
        (
            r#"strconv.Atoi("invalid")"#,
            r#"error: strconv.Atoi: parsing "invalid": invalid syntax"#,
        ),
        (r#"strconv.Atoi("+12")"#, r#"12"#),
        (r#"strconv.ParseInt("127", 10, 8)"#, r#"127"#),
        (
            r#"strconv.ParseInt("-129", 10, 8)"#,
            r#"error: strconv.ParseInt: parsing "-129": value out of range"#,
        ),
        (r#"strconv.ParseInt("0x1f", 0, 64)"#, r#"31"#),
        (r#"strconv.ParseInt("1f", 16, 64)"#, r#"31"#),
        (r#"strconv.ParseInt("1_000", 0, 64)"#, r#"1000"#),
        (
            r#"strconv.ParseInt("1_000", 10, 64)"#,
            r#"error: strconv.ParseInt: parsing "1_000": invalid syntax"#,
        ),
        (
            r#"strconv.ParseInt("10", 99, 64)"#,
            r#"error: invalid number base 99"#,
        ),
        (
            r#"strconv.ParseUint("-1", 10, 8)"#,
            r#"error: strconv.ParseUint: parsing "-1": value out of range"#,
        ),
        (r#"strconv.ParseNumber("123.456")"#, r#"123.456"#),
        (r#"strconv.ParseNumber("0xFF")"#, r#"255"#),
        (r#"strconv.ParseNumber("1Ki")"#, r#"1024"#),
        (r#"strconv.ParseNumber("-.5")"#, r#"-0.5"#),
        (
            r#"strconv.ParseNumber("1_")"#,
            r#"error: strconv.ParseNumber: parsing "1_": illegal '_' in number"#,
        ),
        (
            r#"strconv.ParseNumber("0xG")"#,
            r#"error: strconv.ParseNumber: parsing "0xG": illegal hexadecimal number "0xG""#,
        ),
        (r#"strconv.ParseNumber("123.0")"#, r#"123"#),
        (r#"strconv.ParseNumber("1e2")"#, r#"100"#),
        (
            r#"strconv.ParseNumber("1.3Ki")"#,
            r#"error: strconv.ParseNumber: parsing "1.3Ki": number cannot be represented as int"#,
        ),
        (
            r#"strconv.ParseNumber(" 1")"#,
            r#"error: strconv.ParseNumber: parsing " 1": illegal number start " 1""#,
        ),
        (
            r#"strconv.ParseNumber("")"#,
            r#"error: strconv.ParseNumber: parsing "": invalid number """#,
        ),
        (
            r#"strconv.ParseNumber("01")"#,
            r#"error: strconv.ParseNumber: parsing "01": illegal integer number "01""#,
        ),
        (r#"strconv.ParseNumber("1.5G")"#, r#"1500000000"#),
        (r#"strconv.ParseNumber("0.5e-3")"#, r#"0.0005"#),
        (
            r#"strconv.ParseNumber("1e")"#,
            r#"error: strconv.ParseNumber: parsing "1e": illegal exponent "1e""#,
        ),
        (
            r#"strconv.ParseNumber("1x")"#,
            r#"error: strconv.ParseNumber: parsing "1x": illegal number "1x""#,
        ),
        (
            r#"strconv.ParseFloat("1e400", 64)"#,
            r#"error: strconv.ParseFloat: parsing "1e400": value out of range"#,
        ),
        (r#"strconv.ParseFloat("0.1", 32)"#, r#"0.10000000149011612"#),
        (
            r#"strconv.ParseFloat("abc", 64)"#,
            r#"error: strconv.ParseFloat: parsing "abc": invalid syntax"#,
        ),
        (r#"strconv.ParseBool("T")"#, r#"true"#),
        (
            r#"strconv.ParseBool("yes")"#,
            r#"error: strconv.ParseBool: parsing "yes": invalid syntax"#,
        ),
        (
            r#"strconv.Quote("Hello, 世界\n")"#,
            r#""\"Hello, 世界\\n\"""#,
        ),
        (
            r#"strconv.QuoteToASCII("Hello, 世界")"#,
            r#""\"Hello, \\u4e16\\u754c\"""#,
        ),
        (r#"strconv.QuoteToGraphic("\u263a\t")"#, r#""\"☺\\t\"""#),
        (r#"strconv.QuoteRune(9786)"#, r#""'☺'""#),
        (r#"strconv.QuoteRune(-1)"#, r#""'�'""#),
        (r#"strconv.QuoteRuneToASCII(9786)"#, r#""'\\u263a'""#),
        (r#"strconv.QuoteRuneToGraphic(9786)"#, r#""'☺'""#),
        (r#"strconv.QuoteRuneToGraphic(39)"#, r#""'\\''""#),
        (r#"strconv.QuoteRuneToGraphic(34)"#, r#""'\"'""#),
        (r#"strconv.QuoteRuneToGraphic(10)"#, r#""'\\n'""#),
        (r#"strconv.IsPrint(10)"#, r#"false"#),
        (r#"strconv.IsPrint(9786)"#, r#"true"#),
        (r#"strconv.IsGraphic(12288)"#, r#"true"#),
        (r#"strconv.Unquote("\"a\\u00e9\"")"#, r#""aé""#),
        (r#"strconv.Unquote("'abc'")"#, r#""abc""#),
        (r#"strconv.Unquote("abc")"#, r#"error: invalid syntax"#),
        (r#"strconv.Unquote("'\\xff'")"#, r#""�""#),
        (r#"strconv.IntSize"#, r#"64"#),
    ]);
}
#[test]
fn list_struct_bits() {
    check(&[
        (r#"list.Drop([1, 2, 3, 4], 2)"#, r#"[3, 4]"#),
        (r#"list.Drop([1, 2, 3, 4], 10)"#, r#"[]"#),
        (r#"list.Drop([1, 2], -1)"#, r#"error: negative index"#),
        (
            r#"list.FlattenN(1, 1)"#,
            r#"error: cannot use value 1 (type int) as list"#,
        ),
        (
            r#"list.FlattenN([1, [[2, 3], []], [4]], -1)"#,
            r#"[1, 2, 3, 4]"#,
        ),
        (
            r#"list.FlattenN([1, [[2, 3], []], [4]], 0)"#,
            r#"[1, [[2, 3], []], [4]]"#,
        ),
        (
            r#"list.FlattenN([1, [[2, 3], []], [4]], 1)"#,
            r#"[1, [2, 3], [], 4]"#,
        ),
        (
            r#"list.FlattenN([1, [[2, 3], []], [4]], 2)"#,
            r#"[1, 2, 3, 4]"#,
        ),
        (
            r#"list.Concat([[1], 2])"#,
            r#"error: cannot use value 2 (type int) as list"#,
        ),
        (r#"list.Concat([[1, 2], [3], []])"#, r#"[1, 2, 3]"#),
        (r#"list.Repeat([1, 2], 2)"#, r#"[1, 2, 1, 2]"#),
        (r#"list.Repeat([1], -1)"#, r#"error: negative count"#),
        (
            r#"list.Repeat([1], 2000000)"#,
            r#"error: count 2000000 exceeds limit of 1000000"#,
        ),
        (r#"list.Take([1, 2, 3, 4], 2)"#, r#"[1, 2]"#),
        (r#"list.Take([1, 2, 3, 4], 10)"#, r#"[1, 2, 3, 4]"#),
        (r#"list.Take([1, 2, 3, 4], -1)"#, r#"error: negative index"#),
        (r#"list.Slice([1, 2, 3, 4], 1, 3)"#, r#"[2, 3]"#),
        (
            r#"list.Slice([1, 2, 3], 2, 1)"#,
            r#"error: invalid index: 2 > 1"#,
        ),
        (
            r#"list.Slice([1, 2, 3], -1, 1)"#,
            r#"error: negative index"#,
        ),
        (
            r#"list.Slice([1, 2, 3], 1, 5)"#,
            r#"error: slice bounds out of range"#,
        ),
        (
            r#"list.Slice([1, 2, 3], 5, 6)"#,
            r#"error: slice bounds out of range"#,
        ),
        (r#"list.Reverse([1, 2, 3])"#, r#"[3, 2, 1]"#),
        (r#"list.MinItems([1, 2, 3, 4], 2)"#, r#"true"#),
        (
            r#"list.MinItems([1, 2, 3, 4], 5)"#,
            r#"invalid: len(list) < MinItems(5) (4 < 5)"#,
        ),
        (
            r#"list.MaxItems([1, 2, 3, 4], 2)"#,
            r#"invalid: len(list) > MaxItems(2) (4 > 2)"#,
        ),
        (
            r#"list.UniqueItems([1, 2, 1])"#,
            r#"invalid: equal value (1) at position 0 and 2"#,
        ),
        (
            r#"list.UniqueItems([[1], 2, [1]])"#,
            r#"invalid: equal values at position 0 and 2"#,
        ),
        (r#"list.UniqueItems([1, 2, 3])"#, r#"true"#),
        (r#"list.UniqueItems([1, 1.0])"#, r#"true"#),
        (r#"list.Contains([1, 2, 3], 2)"#, r#"true"#),
        (r#"list.Contains([{a: 1}], {a: 1})"#, r#"true"#),
        (r#"list.Contains([1, 2, 3], "2")"#, r#"false"#),
        (r#"list.Avg([4, 8, 12])"#, r#"8"#),
        (r#"list.Avg([1, 2])"#, r#"1.5"#),
        (r#"list.Avg([])"#, r#"error: empty list"#),
        (
            r#"list.Avg(["a"])"#,
            r#"error: invalid list element 0 in argument 0 to call: cannot use value "a" (string) as number"#,
        ),
        (r#"list.Max([1.5, 2.0])"#, r#"2"#),
        (r#"list.Max([1, 3, 2])"#, r#"3"#),
        (r#"list.Max([])"#, r#"error: empty list"#),
        (r#"list.Min([1.5, 2.0, -1])"#, r#"-1"#),
        (r#"list.Product([2, 3.5])"#, r#"7"#),
        (r#"list.Product([])"#, r#"1"#),
        (r#"list.Sum([1.0, 2.0])"#, r#"3"#),
        (r#"list.Sum([1, 2.5])"#, r#"3.5"#),
        (r#"list.Sum([])"#, r#"0"#),
        (
            r#"list.Sum(["a"])"#,
            r#"error: invalid list element 0 in argument 0 to call: cannot use value "a" (string) as number"#,
        ),
        (r#"list.Range(0, 5, 1)"#, r#"[0, 1, 2, 3, 4]"#),
        (r#"list.Range(0, 5, 0)"#, r#"error: step must be non zero"#),
        (r#"list.Range(0, 2.5, 0.5)"#, r#"[0, 0.5, 1, 1.5, 2]"#),
        (r#"list.Range(5, 0, -2)"#, r#"[5, 3, 1]"#),
        (
            r#"list.Range(5, 0, 1)"#,
            r#"error: end must be greater than start when step is positive"#,
        ),
        (
            r#"list.Range(0, 5, -1)"#,
            r#"error: end must be less than start when step is negative"#,
        ),
        (r#"list.Range(0.1, 0.5, 0.1)"#, r#"[0.1, 0.2, 0.3, 0.4]"#),
        (r#"list.SortStrings(["b", "a", "c"])"#, r#"["a", "b", "c"]"#),
        (
            r#"list.SortStrings(["b", 1])"#,
            r#"error: invalid list element 1 in argument 0 to call: cannot use value 1 (int) as string"#,
        ),
        (r#"list.IsSortedStrings(["a", "b"])"#, r#"true"#),
        (r#"list.IsSortedStrings(["b", "a"])"#, r#"false"#),
        (r#"list.Sort([3, 1, 2], list.Ascending)"#, r#"[1, 2, 3]"#),
        (r#"list.Sort(["b", "a"], list.Ascending)"#, r#"["a", "b"]"#),
        (r#"list.IsSorted([1, 2, 3], list.Ascending)"#, r#"true"#),
        (r#"list.IsSorted([1, 3, 2], list.Ascending)"#, r#"false"#),
        (r#"list.Sum([1e2, 1])"#, r#"101"#),
        (r#"list.Avg([1e2, 1])"#, r#"50.5"#),
        (r#"list.Max([1e2, 1])"#, r#"100"#),
        (
            r#"struct.MinFields({a: 1}, 2)"#,
            r#"invalid: len(fields) < MinFields(2) (1 < 2)"#,
        ),
        (r#"struct.MinFields({a: 1}, 1)"#, r#"true"#),
        (
            r#"struct.MaxFields({a: 1, b: 2}, 1)"#,
            r#"invalid: len(fields) > MaxFields(1) (2 > 1)"#,
        ),
        (r#"struct.MaxFields({a: 1, b: 2}, 2)"#, r#"true"#),
        (r#"bits.Lsh(1, 100)"#, r#"1267650600228229401496703205376"#),
        (r#"bits.Lsh(-3, 2)"#, r#"-12"#),
        (r#"bits.Rsh(-7, 1)"#, r#"-4"#),
        (r#"bits.Rsh(1024, 3)"#, r#"128"#),
        (r#"bits.Rsh(-1, 1000)"#, r#"-1"#),
        (r#"bits.At(5, 0)"#, r#"1"#),
        (r#"bits.At(5, 1)"#, r#"0"#),
        (r#"bits.At(-2, 0)"#, r#"0"#),
        (r#"bits.At(-2, 100)"#, r#"1"#),
        (r#"bits.Set(5, 1, 1)"#, r#"7"#),
        (r#"bits.Set(5, 0, 0)"#, r#"4"#),
        (r#"bits.Set(-1, 3, 0)"#, r#"-9"#),
        (r#"bits.Set(5, 1, 2)"#, r#"error: set bit is not 0 or 1"#),
        (r#"bits.Set(5, -1, 1)"#, r#"error: negative bit index"#),
        (r#"bits.And(12, 10)"#, r#"8"#),
        (r#"bits.And(-12, 10)"#, r#"0"#),
        (r#"bits.Or(12, 10)"#, r#"14"#),
        (r#"bits.Or(-12, 10)"#, r#"-2"#),
        (r#"bits.Xor(12, 10)"#, r#"6"#),
        (r#"bits.Xor(-12, 10)"#, r#"-2"#),
        (r#"bits.Clear(12, 10)"#, r#"4"#),
        (r#"bits.Clear(-12, 10)"#, r#"-12"#),
        (r#"bits.Clear(12, -10)"#, r#"8"#),
        (r#"bits.OnesCount(255)"#, r#"8"#),
        (r#"bits.OnesCount(-255)"#, r#"8"#),
        (r#"bits.Len(255)"#, r#"8"#),
        (r#"bits.Len(-256)"#, r#"9"#),
        (
            r#"bits.Lsh(1, -1)"#,
            r#"error: cannot use -1 (type int) as uint64 in argument 1"#,
        ),
    ]);
}
#[test]
fn math() {
    check(&[
        (r#"math.Floor(math.Pi)"#, r#"3"#),
        (
            r#"math.Jacobi(1000, 2000)"#,
            r#"error: big: invalid 2nd argument to Int.Jacobi: need odd integer but got 2000"#,
        ),
        (r#"math.Jacobi(1000, 201)"#, r#"1"#),
        (r#"math.Jacobi(-3, 7)"#, r#"1"#),
        (r#"math.Jacobi(3, -7)"#, r#"-1"#),
        (r#"math.Jacobi(-3, -7)"#, r#"-1"#),
        (r#"math.Jacobi(0, 1)"#, r#"1"#),
        (
            r#"math.Asin(2.0e400)"#,
            r#"error: cannot use 2.0E+400 (type float) as float64 in argument 0: value was rounded up"#,
        ),
        (r#"math.Asin(0.5)"#, r#"0.5235987755982989"#),
        (r#"math.Pow(8, 4)"#, r#"4096"#),
        (r#"math.Pow10(4)"#, r#"10000"#),
        (r#"math.Signbit(-4)"#, r#"true"#),
        (r#"math.Abs(2.5)"#, r#"2.5"#),
        (r#"math.Abs(-2.2)"#, r#"2.2"#),
        (r#"math.Cbrt(2)"#, r#"1.259921049894873164767210607278228"#),
        (r#"math.Cbrt(27)"#, r#"3"#),
        (r#"math.Cbrt(-8)"#, r#"-2"#),
        (
            r#"math.Cbrt(0.001)"#,
            r#"0.1000000000000000000000000000000000"#,
        ),
        (
            r#"math.Cbrt(1e100)"#,
            r#"2154434690031883721759293566519350"#,
        ),
        (r#"math.Copysign(5, -2.2)"#, r#"-5"#),
        (r#"math.Exp(3)"#, r#"20.08553692318766774092852965458172"#),
        (r#"math.Exp(1)"#, r#"2.718281828459045235360287471352662"#),
        (r#"math.Exp(-1)"#, r#"0.3678794411714423215955237701614609"#),
        (r#"math.Exp(0.5)"#, r#"1.648721270700128146848650787814164"#),
        (
            r#"math.Exp(100)"#,
            r#"26881171418161354484126255515800140000000000"#,
        ),
        (
            r#"math.Exp2(3.5)"#,
            r#"11.31370849898476039041350979367758"#,
        ),
        (
            r#"math.Exp2(-1)"#,
            r#"0.5000000000000000000000000000000000"#,
        ),
        (r#"math.Exp2(10)"#, r#"1024"#),
        (r#"math.Log(4)"#, r#"1.386294361119890618834464242916353"#),
        (
            r#"math.Log(32.45)"#,
            r#"3.479700443150099001242770375542286"#,
        ),
        (
            r#"math.Log(1e100)"#,
            r#"230.2585092994045684017991454684364"#,
        ),
        (
            r#"math.Log(0.5)"#,
            r#"-0.6931471805599453094172321214581766"#,
        ),
        (
            r#"math.Log(0.999)"#,
            r#"-0.001000500333583533500142982254068345"#,
        ),
        (
            r#"math.Log(1.000001)"#,
            r#"9.999995000003333330833335333331667e-7"#,
        ),
        (
            r#"math.Log10(4)"#,
            r#"0.6020599913279623904274777894489861"#,
        ),
        (r#"math.Log10(100)"#, r#"2"#),
        (r#"math.Log10(0.001)"#, r#"-3"#),
        (
            r#"math.Log10(2)"#,
            r#"0.3010299956639811952137388947244930"#,
        ),
        (r#"math.Log2(5)"#, r#"2.321928094887362347870319429489391"#),
        (r#"math.Log2(8)"#, r#"3"#),
        (r#"math.Log2(1024)"#, r#"10"#),
        (r#"math.Log2(0.5)"#, r#"-1"#),
        (r#"math.Dim(3, 2.5)"#, r#"0.5"#),
        (r#"math.Dim(5, 7.2)"#, r#"0"#),
        (r#"math.MultipleOf(4, 2)"#, r#"true"#),
        (r#"math.MultipleOf(5, 2)"#, r#"false"#),
        (r#"math.MultipleOf(5, 0)"#, r#"error: division by zero"#),
        (r#"math.MultipleOf(100, 1.00001)"#, r#"false"#),
        (r#"math.MultipleOf(100e100, 10)"#, r#"true"#),
        (r#"math.MultipleOf(1, 0.1)"#, r#"true"#),
        (r#"math.Round(2.5)"#, r#"3"#),
        (r#"math.Round(-2.5)"#, r#"-3"#),
        (r#"math.RoundToEven(2.5)"#, r#"2"#),
        (r#"math.RoundToEven(-2.5)"#, r#"-2"#),
        (r#"math.Floor(2.9)"#, r#"2"#),
        (r#"math.Floor(-2.2)"#, r#"-3"#),
        (r#"math.Floor(29e2)"#, r#"2900"#),
        (r#"math.Floor(1e40)"#, r#"0"#),
        (r#"math.Ceil(2.5)"#, r#"3"#),
        (r#"math.Ceil(-2.2)"#, r#"-2"#),
        (r#"math.Trunc(2.5)"#, r#"2"#),
        (r#"math.Trunc(-2.9)"#, r#"-2"#),
        (
            r#"math.Trunc(1e40)"#,
            r#"10000000000000000000000000000000000000000"#,
        ),
        (
            r#"math.Pow(2, 0.5)"#,
            r#"1.414213562373095048801688724209698"#,
        ),
        (r#"math.Pow(4, 0.5)"#, r#"2"#),
        (
            r#"math.Pow(2, 1000)"#,
            r#"10715086071862673209484250490600020000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"#,
        ),
        (r#"math.Pow(-2, 3)"#, r#"-8"#),
        (r#"math.Pow(-2, 0.5)"#, r#"error: invalid operation"#),
        (r#"math.Pow(0, 0)"#, r#"error: invalid operation"#),
        (
            r#"math.Pow(2, -2)"#,
            r#"0.2500000000000000000000000000000000"#,
        ),
        (
            r#"math.Pow(1.5, 2.5)"#,
            r#"2.755675960631075360471944584044128"#,
        ),
        (
            r#"math.Pow(10, 0.3)"#,
            r#"1.995262314968879601352455396739536"#,
        ),
        (r#"math.Sqrt(2)"#, r#"1.4142135623730951"#),
        (r#"math.Sqrt(4)"#, r#"2.0"#),
        (r#"math.Sin(1)"#, r#"0.8414709848078965"#),
        (r#"math.Cos(1)"#, r#"0.5403023058681398"#),
        (r#"math.Atan2(1, 2)"#, r#"0.4636476090008061"#),
        (r#"math.Hypot(3, 4)"#, r#"5.0"#),
        (r#"math.Erf(0.5)"#, r#"0.5204998778130465"#),
        (r#"math.Erfc(0.5)"#, r#"0.4795001221869535"#),
        (r#"math.Erfinv(0.5)"#, r#"0.4769362762044699"#),
        (r#"math.Erfcinv(0.5)"#, r#"0.4769362762044699"#),
        (r#"math.Gamma(5)"#, r#"24.0"#),
        (r#"math.Gamma(0.5)"#, r#"1.7724538509055159"#),
        (r#"math.J0(1)"#, r#"0.7651976865579666"#),
        (r#"math.Y0(1)"#, r#"0.08825696421567697"#),
        (r#"math.J1(1)"#, r#"0.4400505857449335"#),
        (r#"math.Y1(1)"#, r#"-0.7812128213002887"#),
        (r#"math.Jn(2, 1)"#, r#"0.11490348493190049"#),
        (r#"math.Yn(2, 1)"#, r#"-1.6506826068162543"#),
        (r#"math.Ldexp(0.5, 3)"#, r#"4.0"#),
        (r#"math.Log1p(0.5)"#, r#"0.4054651081081644"#),
        (r#"math.Expm1(0.5)"#, r#"0.6487212707001282"#),
        (r#"math.Logb(8)"#, r#"3.0"#),
        (r#"math.Ilogb(8)"#, r#"3"#),
        (r#"math.Ilogb(0)"#, r#"-2147483648"#),
        (r#"math.Mod(7, 3)"#, r#"1.0"#),
        (r#"math.Mod(-7, 3)"#, r#"-1.0"#),
        (r#"math.Remainder(7, 3)"#, r#"1.0"#),
        (r#"math.Remainder(5, 2)"#, r#"1.0"#),
        (r#"math.Sinh(1)"#, r#"1.1752011936438014"#),
        (r#"math.Cosh(1)"#, r#"1.5430806348152437"#),
        (r#"math.Tanh(1)"#, r#"0.7615941559557649"#),
        (r#"math.Acosh(2)"#, r#"1.3169578969248166"#),
        (r#"math.Asinh(2)"#, r#"1.4436354751788103"#),
        (r#"math.Atanh(0.5)"#, r#"0.5493061443340548"#),
        (r#"math.Atan(1)"#, r#"0.7853981633974483"#),
        (
            r#"math.Pi"#,
            r#"3.14159265358979323846264338327950288419716939937510582097494459"#,
        ),
        (
            r#"math.E"#,
            r#"2.71828182845904523536028747135266249775724709369995957496696763"#,
        ),
        (
            r#"math.Log2E"#,
            r#"1.442695040888963407359924681001892137426645954152985934135449408"#,
        ),
        (r#"math.MaxExp"#, r#"2147483647"#),
        (r#"math.Pow10(-2)"#, r#"0.01"#),
        (
            r#"math.Abs(-12345678901234567890123456789012345678)"#,
            r#"12345678901234567890123456789012350000"#,
        ),
    ]);
}
#[test]
fn regexp() {
    check(&[
        (r##"regexp.Find(#"f\w\w"#, "afoot")"##, r#""foo""#),
        (r##"regexp.Find(#"f\w\w"#, "bar")"##, r#"error: no match"#),
        (
            r##"regexp.Find(#"("#, "bar")"##,
            r#"error: error parsing regexp: missing closing ): `(`"#,
        ),
        (
            r##"regexp.FindAll(#"f(\w\w)"#, "afoot afloat from", 2)"##,
            r#"["foo", "flo"]"#,
        ),
        (
            r##"regexp.FindAll(#"f(\w\w)"#, "afoot afloat from", -1)"##,
            r#"["foo", "flo", "fro"]"#,
        ),
        (
            r##"regexp.FindAll(#"f(\w\w)"#, "afoot afloat from", 0)"##,
            r#"error: no match"#,
        ),
        (
            r##"regexp.FindAll(#"a*"#, "baaab", -1)"##,
            r#"["", "aaa", ""]"#,
        ),
        (
            r##"regexp.FindAllNamedSubmatch(#"f(?P<A>\w)(?P<B>\w)"#, "afoot afloat from", -1)"##,
            r#"[{A: "o", B: "o"}, {A: "l", B: "o"}, {A: "r", B: "o"}]"#,
        ),
        (
            r##"regexp.FindAllNamedSubmatch(#"f(?P<B>\w)(?P<A>\w)"#, "afoot", -1)"##,
            r#"[{A: "o", B: "o"}]"#,
        ),
        (
            r##"regexp.FindAllNamedSubmatch(#"f(\w)"#, "afoot", -1)"##,
            r#"[{}]"#,
        ),
        (
            r##"regexp.FindAllSubmatch(#"f(\w)(\w)"#, "afloat afoot from", -1)"##,
            r#"[["flo", "l", "o"], ["foo", "o", "o"], ["fro", "r", "o"]]"#,
        ),
        (
            r##"regexp.FindAllSubmatch(#"f(\w)(x)?"#, "afloat", -1)"##,
            r#"[["fl", "l", ""]]"#,
        ),
        (
            r##"regexp.FindNamedSubmatch(#"f(?P<A>\w)(?P<B>\w)"#, "afloat afoot from")"##,
            r#"{A: "l", B: "o"}"#,
        ),
        (
            r##"regexp.FindNamedSubmatch(#"f(?P<A>\w)(?P<B>\w)"#, "bar")"##,
            r#"error: no match"#,
        ),
        (
            r##"regexp.FindSubmatch(#"f(\w)(\w)"#, "afloat afoot from")"##,
            r#"["flo", "l", "o"]"#,
        ),
        (
            r##"regexp.ReplaceAll(#"a(x*)b"#, "-ab-axxb-", "${1}W")"##,
            r#""-W-xxW-""#,
        ),
        (
            r##"regexp.ReplaceAll(#"a(x*)b"#, "-ab-axxb-", "$1W")"##,
            r#""---""#,
        ),
        (
            r##"regexp.ReplaceAllLiteral(#"a(x*)b"#, "-ab-axxb-", "${1}")"##,
            r#""-${1}-${1}-""#,
        ),
        (
            r#"regexp.Valid("a)")"#,
            r#"error: error parsing regexp: unexpected ): `a)`"#,
        ),
        (r#"regexp.Valid("a")"#, r#"true"#),
        (r#"regexp.Match("^a", "abc")"#, r#"true"#),
        (r#"regexp.Match("\\d", "٣")"#, r#"false"#),
        (r#"regexp.QuoteMeta("a.b*c")"#, r#""a\\.b\\*c""#),
        (r##"regexp.Find(#"\Qa.b\E"#, "xa.b")"##, r#""a.b""#),
        (r##"regexp.Find(#"(?i)k"#, "\u212a")"##, r#""K""#),
    ]);
}
#[test]
fn enc() {
    check(&[
        (r#"base64.Encode(null, "foo")"#, r#""Zm9v""#),
        (r#"base64.Encode(null, 'foo\x00')"#, r#""Zm9vAA==""#),
        (
            r#"base64.Encode(1, "foo")"#,
            r#"error: base64: unsupported encoding: cannot use value 1 (type int) as null"#,
        ),
        (r#"base64.Decode(null, "Zm9v")"#, r#"'foo'"#),
        (
            r#"base64.Decode(null, "Zm9")"#,
            r#"error: illegal base64 data at input byte 0"#,
        ),
        (
            r#"base64.Decode(null, "Zm9v!")"#,
            r#"error: illegal base64 data at input byte 4"#,
        ),
        (r#"base64.EncodedLen(null, 10)"#, r#"16"#),
        (r#"base64.DecodedLen(null, 10)"#, r#"6"#),
        (r#"hex.Encode("foo")"#, r#""666f6f""#),
        (r#"hex.Decode("666f6f")"#, r#"'foo'"#),
        (
            r#"hex.Decode("666f6")"#,
            r#"error: encoding/hex: odd length hex string"#,
        ),
        (
            r#"hex.Decode("zz")"#,
            r#"error: encoding/hex: invalid byte: U+007A 'z'"#,
        ),
        (
            r#"hex.Dump("hello world, this is a test")"#,
            r#""00000000  68 65 6c 6c 6f 20 77 6f  72 6c 64 2c 20 74 68 69  |hello world, thi|\n00000010  73 20 69 73 20 61 20 74  65 73 74                 |s is a test|\n""#,
        ),
        (r#"hex.EncodedLen(5)"#, r#"10"#),
        (r#"hex.DecodedLen(5)"#, r#"2"#),
        (r#"json.Valid("{}")"#, r#"true"#),
        (r#"json.Valid("{")"#, r#"false"#),
        (
            r#"json.Compact("{ \"a\" : [1, 2] }")"#,
            r#""{\"a\":[1,2]}""#,
        ),
        (
            r#"json.Compact("{")"#,
            r#"error: unexpected end of JSON input"#,
        ),
        (
            r#"json.Indent("{\"a\":[1,2]}", ">", "  ")"#,
            r#""{\n>  \"a\": [\n>    1,\n>    2\n>  ]\n>}""#,
        ),
        (r#"json.HTMLEscape("<a>&")"#, r#""\\u003ca\\u003e\\u0026""#),
        (
            r#"json.Marshal({a: 1, b: "<&>", c: [1.0, 2.5e10, null, true], d: {}, e: [], "x y": 'bytes'})"#,
            r#""{\"a\":1,\"b\":\"<&>\",\"c\":[1.0,2.5E+10,null,true],\"d\":{},\"e\":[],\"x y\":\"Ynl0ZXM=\"}""#,
        ),
        (
            r#"json.Marshal("\u2028\t\u0001é")"#,
            r#""\"\\u2028\\t\\u0001é\"""#,
        ),
        (r#"json.Marshal(1e1000)"#, r#""1E+1000""#),
        (r#"json.MarshalStream([{a: 1}, 2])"#, r#""{\"a\":1}\n2\n""#),
        (
            r#"json.MarshalStream(1)"#,
            r#"error: cannot use value 1 (type int) as list"#,
        ),
        (r#"json.Unmarshal("{\"a\": 1, \"a\": 1}")"#, r#"{a: 1}"#),
        (
            r#"json.Unmarshal("{\"a\": {\"b\": 1}, \"a\": {\"c\": 2}}")"#,
            r#"{a: {b: 1, c: 2}}"#,
        ),
        (r#"json.Unmarshal("[1,")"#, r#"error: json: invalid JSON"#),
        (
            r#"json.Unmarshal("\"\\u00e9\\/\\ud83d\\ude00\"")"#,
            r#""é/😀""#,
        ),
        (
            r#"json.UnmarshalStream("1 {\"a\":2}\n[3]")"#,
            r#"[1, {a: 2}, [3]]"#,
        ),
        (
            r#"json.UnmarshalStream("1 {")"#,
            r#"error: invalid JSON for file "": unexpected EOF"#,
        ),
        (r#"json.UnmarshalStream("")"#, r#"[]"#),
        (r#"json.Unmarshal("1.50")"#, r#"1.50"#),
        (r#"json.Unmarshal("-1.5e-3")"#, r#"-0.0015"#),
        (r#"yaml.Unmarshal("")"#, r#"null"#),
        (
            r#"yaml.Unmarshal("a: &x {b: 1}\nc: *x\nd:\n  <<: *x\n  e: 2")"#,
            r#"{a: {b: 1}, c: {b: 1}, d: {b: 1, e: 2}}"#,
        ),
        (
            r#"yaml.Unmarshal("a: !!binary aGVsbG8=")"#,
            r#"{a: 'hello'}"#,
        ),
        (
            r#"yaml.UnmarshalStream("--- 1\n--- {a: 2}")"#,
            r#"[1, {a: 2}]"#,
        ),
        (r#"yaml.UnmarshalStream("")"#, r#"[null]"#),
        (r#"yaml.Unmarshal("- 1\n- 2")"#, r#"[1, 2]"#),
        (r#"yaml.Unmarshal("a: 1.0e+3")"#, r#"{a: 1.0e+3}"#),
        (r#"yaml.Unmarshal("a: !!str 1")"#, r#"{a: "1"}"#),
        (r#"yaml.Unmarshal("a: !!int 1")"#, r#"{a: 1}"#),
        (
            r#"yaml.Unmarshal("a: !custom x")"#,
            r#"error: :1: cannot unmarshal tag "!custom""#,
        ),
        (r#"yaml.Unmarshal("x")"#, r#""x""#),
        (r#"yaml.Unmarshal("a: 0b101")"#, r#"{a: 5}"#),
        (r#"yaml.Unmarshal("a: +1")"#, r#"{a: 1}"#),
        (r#"yaml.Unmarshal("a: -0")"#, r#"{a: 0}"#),
        (r#"yaml.Unmarshal("a: 1e400")"#, r#"{a: "1e400"}"#),
        (r#"yaml.Unmarshal("a: 09")"#, r#"{a: "09"}"#),
        (r#"yaml.Unmarshal("a: 0x")"#, r#"{a: "0x"}"#),
        (
            r#"yaml.Unmarshal("a: 2001-12-14t21:59:43.10-05:00")"#,
            r#"{a: "2001-12-14t21:59:43.10-05:00"}"#,
        ),
        (
            r#"yaml.Unmarshal("a:\n  - b: 1\n    c: [x, 'y']\n")"#,
            r#"{a: [{b: 1, c: ["x", "y"]}]}"#,
        ),
        (
            r#"yaml.Unmarshal("a: null\nb: Null\nc: NULL\nd: ~\ne:")"#,
            r#"{a: null, b: null, c: null, d: null, e: null}"#,
        ),
        (
            r#"yaml.Unmarshal("a: True\nb: FALSE\nc: no")"#,
            r#"{a: true, b: false, c: "no"}"#,
        ),
        (
            r#"yaml.Unmarshal("base: &b {x: 1, y: 2}\nd:\n  y: 5\n  <<: *b")"#,
            r#"{base: {x: 1, y: 2}, d: {y: 2, x: 1}}"#,
        ),
        (
            r#"yaml.Unmarshal("a: '1'\nb: \"2\"")"#,
            r#"{a: "1", b: "2"}"#,
        ),
        (r#"yaml.Unmarshal("a: 1.")"#, r#"{a: 1.0}"#),
        (r#"yaml.Unmarshal("a: -.5")"#, r#"{a: -0.5}"#),
        (
            r#"yaml.Unmarshal("a: 18446744073709551615")"#,
            r#"{a: 18446744073709551615}"#,
        ),
        (
            r#"yaml.Unmarshal("a: -9223372036854775808")"#,
            r#"{a: -9223372036854775808}"#,
        ),
        (r#"yaml.Marshal({a: 1})"#, r#""a: 1\n""#),
    ]);
}
#[test]
fn yaml_marshal() {
    check(&[
        (r#"yaml.Marshal({a: [1, 2]})"#, r#""a:\n  - 1\n  - 2\n""#),
        (
            r#"yaml.Marshal({b: {c: [{d: 1, e: [3]}, [4, 5], []], f: {}}})"#,
            r#""b:\n  c:\n    - d: 1\n      e:\n        - 3\n    - - 4\n      - 5\n    - []\n  \"f\": {}\n""#,
        ),
        (r#"yaml.Marshal({s1: "true"})"#, r#""s1: \"true\"\n""#),
        (r#"yaml.Marshal({s2: "yes"})"#, r#""s2: \"yes\"\n""#),
        (r#"yaml.Marshal({s3: "1"})"#, r#""s3: \"1\"\n""#),
        (r#"yaml.Marshal({s4: "1.5"})"#, r#""s4: \"1.5\"\n""#),
        (r#"yaml.Marshal({s5: "null"})"#, r#""s5: \"null\"\n""#),
        (r#"yaml.Marshal({s6: ""})"#, r#""s6: \"\"\n""#),
        (r#"yaml.Marshal({s7: " lead"})"#, r#""s7: ' lead'\n""#),
        (r#"yaml.Marshal({s8: "a: b"})"#, r#""s8: 'a: b'\n""#),
        (r#"yaml.Marshal({s9: "- x"})"#, r#""s9: '- x'\n""#),
        (
            r#"yaml.Marshal({s10: "multi\nline"})"#,
            r#""s10: |-\n  multi\n  line\n""#,
        ),
        (
            r#"yaml.Marshal({s11: "multi\nline\n"})"#,
            r#""s11: |\n  multi\n  line\n""#,
        ),
        (
            r#"yaml.Marshal({s12: "multi\nline\n\n"})"#,
            r#""s12: |+\n  multi\n  line\n\n""#,
        ),
        (
            r#"yaml.Marshal({s13: "  indented\nx"})"#,
            r#""s13: |2-\n    indented\n  x\n""#,
        ),
        (r##"yaml.Marshal({s14: "#hash"})"##, r#""s14: '#hash'\n""#),
        (r#"yaml.Marshal({s15: "a #b"})"#, r#""s15: 'a #b'\n""#),
        (r#"yaml.Marshal({s16: "~"})"#, r#""s16: \"~\"\n""#),
        (r#"yaml.Marshal({s17: "0x1F"})"#, r#""s17: \"0x1F\"\n""#),
        (r#"yaml.Marshal({s18: "1_000"})"#, r#""s18: \"1_000\"\n""#),
        (
            r#"yaml.Marshal({s19: "2024-01-01"})"#,
            r#""s19: \"2024-01-01\"\n""#,
        ),
        (r#"yaml.Marshal({s20: "12:30"})"#, r#""s20: \"12:30\"\n""#),
        (r#"yaml.Marshal({s21: "on"})"#, r#""s21: \"on\"\n""#),
        (r#"yaml.Marshal({s22: "NULL"})"#, r#""s22: \"NULL\"\n""#),
        (r#"yaml.Marshal({s23: "é ü"})"#, r#""s23: é ü\n""#),
        (r#"yaml.Marshal({s26: "0o17"})"#, r#""s26: \"0o17\"\n""#),
        (r#"yaml.Marshal({s27: ".inf"})"#, r#""s27: \".inf\"\n""#),
        (r#"yaml.Marshal({s28: "-.5"})"#, r#""s28: \"-.5\"\n""#),
        (r#"yaml.Marshal({s29: "1e3"})"#, r#""s29: \"1e3\"\n""#),
        (
            r#"yaml.Marshal({s30: "x\n  y"})"#,
            r#""s30: |-\n  x\n    y\n""#,
        ),
        (
            r#"yaml.Marshal({s31: "\nleading"})"#,
            r#""s31: |2-\n\n  leading\n""#,
        ),
        (
            r#"yaml.Marshal({s32: "trailing "})"#,
            r#""s32: 'trailing '\n""#,
        ),
        (r#"yaml.Marshal({s33: "it's"})"#, r#""s33: it's\n""#),
        (r#"yaml.Marshal({s34: "\"q\""})"#, r#""s34: '\"q\"'\n""#),
        (r#"yaml.Marshal({s36: "@at"})"#, r#""s36: '@at'\n""#),
        (r#"yaml.Marshal({s37: "%pct"})"#, r#""s37: '%pct'\n""#),
        (r#"yaml.Marshal({s38: "key: "})"#, r#""s38: 'key: '\n""#),
        (r#"yaml.Marshal({s39: "{x}"})"#, r#""s39: '{x}'\n""#),
        (r#"yaml.Marshal({s40: "[x]"})"#, r#""s40: '[x]'\n""#),
        (r#"yaml.Marshal({s41: "!bang"})"#, r#""s41: '!bang'\n""#),
        (r#"yaml.Marshal({s42: "*star"})"#, r#""s42: '*star'\n""#),
        (r#"yaml.Marshal({s43: "&amp"})"#, r#""s43: '&amp'\n""#),
        (r#"yaml.Marshal({s44: "a,b"})"#, r#""s44: a,b\n""#),
        (r#"yaml.Marshal({s45: "?q"})"#, r#""s45: ?q\n""#),
        (r#"yaml.Marshal({s46: ":colon"})"#, r#""s46: :colon\n""#),
        (r#"yaml.Marshal({s47: "=eq"})"#, r#""s47: =eq\n""#),
        (r#"yaml.Marshal({s48: "<lt"})"#, r#""s48: <lt\n""#),
        (r#"yaml.Marshal({s49: "0777"})"#, r#""s49: \"0777\"\n""#),
        (r#"yaml.Marshal({s50: "+1"})"#, r#""s50: \"+1\"\n""#),
        (r#"yaml.Marshal({s51: ".5"})"#, r#""s51: \".5\"\n""#),
        (r#"yaml.Marshal({s52: "1."})"#, r#""s52: \"1.\"\n""#),
        (r#"yaml.Marshal({s53: "Y"})"#, r#""s53: \"Y\"\n""#),
        (r#"yaml.Marshal({s54: "y"})"#, r#""s54: \"y\"\n""#),
        (r#"yaml.Marshal({s55: "0b101"})"#, r#""s55: \"0b101\"\n""#),
        (
            r#"yaml.Marshal({s56: "1:20:30"})"#,
            r#""s56: \"1:20:30\"\n""#,
        ),
        (r#"yaml.Marshal({s57: "-"})"#, r#""s57: '-'\n""#),
        (r#"yaml.Marshal({s58: "---"})"#, r#""s58: \"---\"\n""#),
        (r#"yaml.Marshal({s59: "..."})"#, r#""s59: '...'\n""#),
        (
            r#"yaml.Marshal({long: "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss"})"#,
            r#""long: aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss\n""#,
        ),
        (r#"yaml.Marshal({n1: 1})"#, r#""n1: 1\n""#),
        (r#"yaml.Marshal({n2: 1.5})"#, r#""n2: 1.5\n""#),
        (r#"yaml.Marshal({n3: 2.5e10})"#, r#""n3: 2.5E+10\n""#),
        (r#"yaml.Marshal({n4: 1e-7})"#, r#""n4: 1E-7\n""#),
        (
            r#"yaml.Marshal({n5: 100000000000000000000000000000000000000000})"#,
            r#""n5: 100000000000000000000000000000000000000000\n""#,
        ),
        (r#"yaml.Marshal({n6: -3})"#, r#""n6: -3\n""#),
        (r#"yaml.Marshal({n7: 0.0})"#, r#""n7: 0.0\n""#),
        (r#"yaml.Marshal({n8: true})"#, r#""n8: true\n""#),
        (r#"yaml.Marshal({n9: null})"#, r#""n9: null\n""#),
        (
            r#"yaml.Marshal({b1: 'bytes'})"#,
            r#""b1: !!binary Ynl0ZXM=\n""#,
        ),
        (
            r#"yaml.Marshal({b2: 'by\ntes'})"#,
            r#""b2: !!binary |-\n  YnkKdGVz\n""#,
        ),
        (r#"yaml.Marshal({"true": 1})"#, r#""\"true\": 1\n""#),
        (r#"yaml.Marshal({"1": 2})"#, r#""\"1\": 2\n""#),
        (r#"yaml.Marshal({"a b": 3})"#, r#""a b: 3\n""#),
        (r#"yaml.Marshal({"a:b": 4})"#, r#""a:b: 4\n""#),
        (r#"yaml.Marshal({"": 5})"#, r#""\"\": 5\n""#),
        (r#"yaml.Marshal({"- k": 6})"#, r#""'- k': 6\n""#),
        (r#"yaml.Marshal({"k\nl": 7})"#, r#""? |-\n  k\n  l\n: 7\n""#),
        (
            r#"yaml.Marshal({nested: [[1, [2]], {a: [{}]}]})"#,
            r#""nested:\n  - - 1\n    - - 2\n  - a:\n      - {}\n""#,
        ),
        (
            r#"yaml.Marshal({e: {x: [], y: {}}})"#,
            r#""e:\n  x: []\n  \"y\": {}\n""#,
        ),
        (
            r#"yaml.Marshal([1, "a", [2, [3, []]], {}, {a: {b: [{c: 1, d: [1]}]}}])"#,
            r#""- 1\n- a\n- - 2\n  - - 3\n    - []\n- {}\n- a:\n    b:\n      - c: 1\n        d:\n          - 1\n""#,
        ),
        (r#"yaml.Marshal("top\nlevel")"#, r#""|-\n  top\n  level\n""#),
        (r#"yaml.Marshal("plain")"#, r#""plain\n""#),
        (r#"yaml.Marshal(1)"#, r#""1\n""#),
        (r#"yaml.Marshal([])"#, r#""[]\n""#),
        (r#"yaml.Marshal({})"#, r#""{}\n""#),
        (r#"yaml.Marshal(null)"#, r#""null\n""#),
        (
            r#"yaml.Marshal(["a\nb", "c"])"#,
            r#""- |-\n  a\n  b\n- c\n""#,
        ),
        (
            r#"yaml.Marshal({a: ["x\ny"]})"#,
            r#""a:\n  - |-\n    x\n    y\n""#,
        ),
        (
            r#"yaml.Marshal({a: [{b: "x\ny", c: 1}]})"#,
            r#""a:\n  - b: |-\n      x\n      y\n    c: 1\n""#,
        ),
        (r#"yaml.Marshal({a: "x\n y"})"#, r#""a: |-\n  x\n   y\n""#),
        (
            r#"yaml.Marshal({"y": 1, "n": 2, "0x1": 3})"#,
            r#""\"y\": 1\n\"n\": 2\n\"0x1\": 3\n""#,
        ),
        (r#"yaml.Marshal({a: "1:2"})"#, r#""a: \"1:2\"\n""#),
        (r#"yaml.Marshal({a: "1.5e3"})"#, r#""a: \"1.5e3\"\n""#),
        (r#"yaml.Marshal({a: "-"})"#, r#""a: '-'\n""#),
        (r#"yaml.Marshal({a: "- "})"#, r#""a: '- '\n""#),
        (r#"yaml.Marshal({a: "a- b"})"#, r#""a: a- b\n""#),
        (r#"yaml.Marshal({a: "a: "})"#, r#""a: 'a: '\n""#),
        (r#"yaml.Marshal({a: ": a"})"#, r#""a: ': a'\n""#),
        (r#"yaml.Marshal({a: "? a"})"#, r#""a: '? a'\n""#),
        (r#"yaml.Marshal({a: "?a"})"#, r#""a: ?a\n""#),
        (r#"yaml.Marshal({a: "a#b"})"#, r#""a: a#b\n""#),
        (r#"yaml.Marshal({"": ""})"#, r#""\"\": \"\"\n""#),
        (r#"yaml.Marshal({" ": " "})"#, r#""' ': ' '\n""#),
        (
            r#"yaml.Marshal({a: "123456789012345678901234567890"})"#,
            r#""a: \"123456789012345678901234567890\"\n""#,
        ),
        (r#"yaml.Marshal({a: ".5."})"#, r#""a: .5.\n""#),
        (r#"yaml.Marshal({a: "+.inf"})"#, r#""a: \"+.inf\"\n""#),
        (r#"yaml.Marshal({a: ".NaN"})"#, r#""a: \".NaN\"\n""#),
        (r#"yaml.Marshal({a: "0o"})"#, r#""a: 0o\n""#),
        (r#"yaml.Marshal({a: "0b12"})"#, r#""a: 0b12\n""#),
        (
            r#"yaml.Marshal({a: "2001-12-14 21:59:43.10 -5"})"#,
            r#""a: \"2001-12-14 21:59:43.10 -5\"\n""#,
        ),
        (r#"yaml.Marshal({a: "<<"})"#, r#""a: <<\n""#),
        (r#"yaml.Marshal({a: "=b"})"#, r#""a: =b\n""#),
        (
            r#"yaml.MarshalStream([{a: 1}, [2], "x"])"#,
            r#""a: 1\n---\n- 2\n---\nx\n""#,
        ),
        (r#"yaml.Marshal({a: "x\n"})"#, r#""a: |\n  x\n""#),
        (
            r#"yaml.Marshal(["x\n", "y\n\n", "z"])"#,
            r#""- |\n  x\n- |+\n  y\n\n- z\n""#,
        ),
        (
            r#"yaml.Marshal({a: {b: "l1\nl2"}})"#,
            r#""a:\n  b: |-\n    l1\n    l2\n""#,
        ),
    ]);
}

/// `marshal_yaml` of a document exercising go-yaml's quoting and block
/// rules, against `cue export --out yaml` (v0.17.1) of the same input.
#[test]
fn marshal_yaml_document() {
    let v = val(&format!(
        "{{{}}}",
        r##"a: [1, 2]
b: {c: [{d: 1, e: [3]}, [4, 5], []], f: {}}
s1: "true"
s2: "yes"
s3: "1"
s4: "1.5"
s5: "null"
s6: ""
s7: " lead"
s8: "a: b"
s9: "- x"
s10: "multi\nline"
s11: "multi\nline\n"
s12: "multi\nline\n\n"
s13: "  indented\nx"
s14: "#hash"
s15: "a #b"
s16: "~"
s17: "0x1F"
s18: "1_000"
s19: "2024-01-01"
s20: "12:30"
s21: "on"
s22: "NULL"
s23: "é ü"
s24: "tab\there"
s25: "ctrl\u0001"
s26: "0o17"
s27: ".inf"
s28: "-.5"
s29: "1e3"
s30: "x\n  y"
s31: "\nleading"
s32: "trailing "
s33: "it's"
s34: "\"q\""
s35: "a\u2028b"
s36: "@at"
s37: "%pct"
s38: "key: "
s39: "{x}"
s40: "[x]"
s41: "!bang"
s42: "*star"
s43: "&amp"
s44: "a,b"
s45: "?q"
s46: ":colon"
s47: "=eq"
s48: "<lt"
s49: "0777"
s50: "+1"
s51: ".5"
s52: "1."
s53: "Y"
s54: "y"
s55: "0b101"
s56: "1:20:30"
s57: "-"
s58: "---"
s59: "..."
long: "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss"
n1: 1
n2: 1.5
n3: 2.5e10
n4: 1e-7
n5: 100000000000000000000000000000000000000000
n6: -3
n7: 0.0
n8: true
n9: null
b1: 'bytes'
b2: 'by\ntes'
"true": 1
"1": 2
"a b": 3
"a:b": 4
"": 5
"- k": 6
"k\nl": 7
nested: [[1, [2]], {a: [{}]}]
e: {x: [], y: {}}
"##
    ));
    let got = roam_cue::stdlib::marshal_yaml(&v).unwrap();
    let want = r#"a:
  - 1
  - 2
b:
  c:
    - d: 1
      e:
        - 3
    - - 4
      - 5
    - []
  "f": {}
s1: "true"
s2: "yes"
s3: "1"
s4: "1.5"
s5: "null"
s6: ""
s7: ' lead'
s8: 'a: b'
s9: '- x'
s10: |-
  multi
  line
s11: |
  multi
  line
s12: |+
  multi
  line

s13: |2-
    indented
  x
s14: '#hash'
s15: 'a #b'
s16: "~"
s17: "0x1F"
s18: "1_000"
s19: "2024-01-01"
s20: "12:30"
s21: "on"
s22: "NULL"
s23: é ü
s24: "tab\there"
s25: "ctrl\x01"
s26: "0o17"
s27: ".inf"
s28: "-.5"
s29: "1e3"
s30: |-
  x
    y
s31: |2-

  leading
s32: 'trailing '
s33: it's
s34: '"q"'
s35: 'a   b'
s36: '@at'
s37: '%pct'
s38: 'key: '
s39: '{x}'
s40: '[x]'
s41: '!bang'
s42: '*star'
s43: '&amp'
s44: a,b
s45: ?q
s46: :colon
s47: =eq
s48: <lt
s49: "0777"
s50: "+1"
s51: ".5"
s52: "1."
s53: "Y"
s54: "y"
s55: "0b101"
s56: "1:20:30"
s57: '-'
s58: "---"
s59: '...'
long: aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss
n1: 1
n2: 1.5
n3: 2.5E+10
n4: 1E-7
n5: 100000000000000000000000000000000000000000
n6: -3
n7: 0.0
n8: true
n9: null
b1: !!binary Ynl0ZXM=
b2: !!binary |-
  YnkKdGVz
"true": 1
"1": 2
a b: 3
a:b: 4
"": 5
'- k': 6
? |-
  k
  l
: 7
nested:
  - - 1
    - - 2
  - a:
      - {}
e:
  x: []
  "y": {}
"#;
    assert_eq!(got, want);
}
#[test]
fn net() {
    check(&[
        (r#"net.FQDN("example.com")"#, r#"true"#),
        (r#"net.FQDN("-a.com")"#, r#"false"#),
        (r#"net.FQDN("a-.com")"#, r#"false"#),
        (r#"net.FQDN("a_b.com")"#, r#"false"#),
        (r#"net.FQDN("ab--c.com")"#, r#"false"#),
        (r#"net.FQDN("")"#, r#"false"#),
        (r#"net.FQDN("a..b")"#, r#"false"#),
        (r#"net.FQDN("EXAMPLE.com.")"#, r#"true"#),
        (r#"net.FQDN("xn--bcher-kva.com")"#, r#"true"#),
        (r#"net.FQDN("xn--zz.com")"#, r#"false"#),
        (r#"net.FQDN("1.2.3.4")"#, r#"true"#),
        (r#"net.FQDN(".")"#, r#"false"#),
        (r#"net.FQDN("a b")"#, r#"false"#),
        (
            r#"net.URL("http://a b")"#,
            r#"error: parse "http://a b": invalid character " " in host name"#,
        ),
        (
            r#"net.URL("%zz")"#,
            r#"error: parse "%zz": invalid URL escape "%zz""#,
        ),
        (
            r#"net.URL(":foo")"#,
            r#"error: parse ":foo": missing protocol scheme"#,
        ),
        (r#"net.URL("a:b/c")"#, r#"true"#),
        (
            r#"net.URL("http://x:y/")"#,
            r#"error: parse "http://x:y/": invalid port ":y" after host"#,
        ),
        (r#"net.URL("http://example.com/a?b=c#d")"#, r#"true"#),
        (r#"net.URL("foo/bar")"#, r#"true"#),
        (r#"net.URL("a:b")"#, r#"true"#),
        (r#"net.URL("/a:b")"#, r#"true"#),
        (r#"net.URL("http://[::1]:80/")"#, r#"true"#),
        (r#"net.AbsURL("foo")"#, r#"error: URL is not absolute"#),
        (r#"net.AbsURL("http://x")"#, r#"true"#),
        (
            r#"net.SplitHostPort("host")"#,
            r#"error: address host: missing port in address"#,
        ),
        (r#"net.SplitHostPort("[::1]:80")"#, r#"["::1", "80"]"#),
        (
            r#"net.SplitHostPort("a:b:c")"#,
            r#"error: address a:b:c: too many colons in address"#,
        ),
        (r#"net.SplitHostPort("host:80")"#, r#"["host", "80"]"#),
        (r#"net.JoinHostPort("::1", 80)"#, r#""[::1]:80""#),
        (
            r#"net.JoinHostPort([127,0,0,1], "80")"#,
            r#""127.0.0.1:80""#,
        ),
        (r#"net.JoinHostPort("a", "b")"#, r#""a:b""#),
        (
            r#"net.IPv4("1.2.3")"#,
            r#"error: ParseAddr("1.2.3"): IPv4 address too short"#,
        ),
        (r#"net.IPv4("1.2.3.4")"#, r#"true"#),
        (r#"net.IPv4("::1")"#, r#"false"#),
        (r#"net.IPv4([1,2,3,4])"#, r#"true"#),
        (r#"net.IPv4([1,2,3])"#, r#"error: invalid IP length 3"#),
        (
            r#"net.IPv4([1,2,3,256])"#,
            r#"error: invalid IP byte value 256"#,
        ),
        (
            r#"net.IPv4(1)"#,
            r#"error: invalid type int for IP address"#,
        ),
        (r#"net.IPv6("::1")"#, r#"true"#),
        (
            r#"net.IP("1.2.3.04")"#,
            r#"error: ParseAddr("1.2.3.04"): IPv4 field has octet with leading zero"#,
        ),
        (
            r#"net.IP("1.2.3.256")"#,
            r#"error: ParseAddr("1.2.3.256"): IPv4 field has value >255"#,
        ),
        (
            r#"net.IP("1.2.3.4.5")"#,
            r#"error: ParseAddr("1.2.3.4.5"): IPv4 address too long"#,
        ),
        (
            r#"net.IP("1..3.4")"#,
            r#"error: ParseAddr("1..3.4"): IPv4 field must have at least one digit (at ".3.4")"#,
        ),
        (
            r#"net.IP("1.2.3.a")"#,
            r#"error: ParseAddr("1.2.3.a"): unexpected character (at "a")"#,
        ),
        (r#"net.IP("::1%eth0")"#, r#"true"#),
        (
            r#"net.IP("fe80::1%")"#,
            r#"error: ParseAddr("fe80::1%"): zone must be a non-empty string"#,
        ),
        (
            r#"net.IP("%eth0")"#,
            r#"error: ParseAddr("%eth0"): missing IPv6 address"#,
        ),
        (
            r#"net.IP("abc")"#,
            r#"error: ParseAddr("abc"): unable to parse IP"#,
        ),
        (
            r#"net.IP("1:2:3:4:5:6:7:8:9")"#,
            r#"error: ParseAddr("1:2:3:4:5:6:7:8:9"): trailing garbage after address (at "9")"#,
        ),
        (
            r#"net.IP("1::2::3")"#,
            r#"error: ParseAddr("1::2::3"): multiple :: in address (at ":3")"#,
        ),
        (
            r#"net.IP("12345::")"#,
            r#"error: ParseAddr("12345::"): each group must have 4 or less digits (at "12345::")"#,
        ),
        (r#"net.IP("::ffff:1.2.3.4")"#, r#"true"#),
        (
            r#"net.IP("1:2:3:4:5:6:7:1.2.3.4")"#,
            r#"error: ParseAddr("1:2:3:4:5:6:7:1.2.3.4"): embedded IPv4 address must replace the final 2 fields of the address (at "1.2.3.4")"#,
        ),
        (r#"net.IP("1:2:3:4:5:6:1.2.3.4")"#, r#"true"#),
        (
            r#"net.IP(":1")"#,
            r#"error: ParseAddr(":1"): each colon-separated field must have at least one digit (at ":1")"#,
        ),
        (
            r#"net.IP("1:")"#,
            r#"error: ParseAddr("1:"): colon must be followed by more characters (at ":")"#,
        ),
        (
            r#"net.ParseIP("1.2.3")"#,
            r#"error: invalid IP address "1.2.3""#,
        ),
        (r#"net.ParseIP("1.2.3.4")"#, r#"[1, 2, 3, 4]"#),
        (
            r#"net.ParseIP("::1")"#,
            r#"[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]"#,
        ),
        (
            r#"net.ParseIP("::ffff:1.2.3.4")"#,
            r#"[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4]"#,
        ),
        (
            r#"net.IPCIDR("1.2.3.4/33")"#,
            r#"error: netip.ParsePrefix("1.2.3.4/33"): prefix length out of range"#,
        ),
        (r#"net.IPCIDR("1.2.3.4/24")"#, r#"true"#),
        (
            r#"net.IPCIDR("1.2.3.4")"#,
            r#"error: netip.ParsePrefix("1.2.3.4"): no '/'"#,
        ),
        (
            r#"net.IPCIDR("1.2.3.4/024")"#,
            r#"error: netip.ParsePrefix("1.2.3.4/024"): bad bits after slash: "024""#,
        ),
        (r#"net.IPCIDR("::1/128")"#, r#"true"#),
        (
            r#"net.IPCIDR("fe80::1%eth0/64")"#,
            r#"error: netip.ParsePrefix("fe80::1%eth0/64"): IPv6 zones cannot be present in a prefix"#,
        ),
        (r#"net.LoopbackIP("127.0.0.1")"#, r#"true"#),
        (r#"net.LoopbackIP("::1")"#, r#"true"#),
        (r#"net.LoopbackIP("::ffff:127.0.0.1")"#, r#"true"#),
        (r#"net.MulticastIP("224.0.0.1")"#, r#"true"#),
        (r#"net.MulticastIP("ff02::1")"#, r#"true"#),
        (r#"net.InterfaceLocalMulticastIP("ff01::1")"#, r#"true"#),
        (r#"net.LinkLocalMulticastIP("224.0.0.5")"#, r#"true"#),
        (r#"net.LinkLocalMulticastIP("ff02::2")"#, r#"true"#),
        (r#"net.LinkLocalUnicastIP("169.254.1.1")"#, r#"true"#),
        (r#"net.LinkLocalUnicastIP("fe80::1")"#, r#"true"#),
        (r#"net.GlobalUnicastIP("8.8.8.8")"#, r#"true"#),
        (r#"net.GlobalUnicastIP("10.0.0.1")"#, r#"true"#),
        (r#"net.GlobalUnicastIP("0.0.0.0")"#, r#"false"#),
        (r#"net.GlobalUnicastIP("255.255.255.255")"#, r#"false"#),
        (r#"net.GlobalUnicastIP("2001:db8::1")"#, r#"true"#),
        (r#"net.UnspecifiedIP("0.0.0.0")"#, r#"true"#),
        (r#"net.UnspecifiedIP("::")"#, r#"true"#),
        (r#"net.ToIP4("1.2.3.4")"#, r#"[1, 2, 3, 4]"#),
        (
            r#"net.ToIP4("::1")"#,
            r#"error: cannot convert "::1" to IPv4"#,
        ),
        (
            r#"net.ToIP4("::ffff:1.2.3.4")"#,
            r#"error: cannot convert "::ffff:1.2.3.4" to IPv4"#,
        ),
        (
            r#"net.ToIP16("1.2.3.4")"#,
            r#"[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4]"#,
        ),
        (r#"net.IPString([1,2,3,4])"#, r#""1.2.3.4""#),
        (
            r#"net.IPString([0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1])"#,
            r#""::1""#,
        ),
        (
            r#"net.IPString("2001:0db8:0000:0000:0000:ff00:0042:8329")"#,
            r#""2001:db8::ff00:42:8329""#,
        ),
        (
            r#"net.IPString("2001:db8:0:0:1:0:0:1")"#,
            r#""2001:db8::1:0:0:1""#,
        ),
        (r#"net.IPString("0:0:1:0:0:0:0:0")"#, r#""0:0:1::""#),
        (r#"net.IPString("1:0:0:0:0:0:0:0")"#, r#""1::""#),
        (r#"net.IPString("1:0:1:0:1:0:1:0")"#, r#""1:0:1:0:1:0:1:0""#),
        (r#"net.AddIP("1.2.3.4", 10)"#, r#""1.2.3.14""#),
        (r#"net.AddIP("1.2.3.4", -10)"#, r#""1.2.2.250""#),
        (
            r#"net.AddIP("255.255.255.255", 1)"#,
            r#"error: IP address arithmetic resulted in out-of-range address (overflow)"#,
        ),
        (
            r#"net.AddIP("0.0.0.0", -1)"#,
            r#"error: IP address arithmetic resulted in out-of-range address (underflow)"#,
        ),
        (r#"net.AddIP("10.0.0.0/8", 256)"#, r#""10.0.1.0/8""#),
        (r#"net.AddIP("::1", 65535)"#, r#""::1:0""#),
        (r#"net.AddIPCIDR("10.0.0.0/24", 1)"#, r#""10.0.1.0/24""#),
        (r#"net.AddIPCIDR("10.0.0.0/24", -1)"#, r#""9.255.255.0/24""#),
        (
            r#"net.ParseCIDR("x")"#,
            r#"error: netip.ParsePrefix("x"): no '/'"#,
        ),
        (r#"net.InCIDR("10.1.2.3", "10.0.0.0/8")"#, r#"true"#),
        (r#"net.InCIDR("11.1.2.3", "10.0.0.0/8")"#, r#"false"#),
        (r#"net.InCIDR("::1", "10.0.0.0/8")"#, r#"false"#),
        (r#"net.CompareIP("1.2.3.4", "1.2.3.5")"#, r#"-1"#),
        (r#"net.CompareIP("::1", "1.2.3.5")"#, r#"1"#),
        (r#"net.CompareIP("1.2.3.4", "1.2.3.4")"#, r#"0"#),
        (
            r#"net.PathEscape("a b/c?d&e=f+g")"#,
            r#""a%20b%2Fc%3Fd&e=f+g""#,
        ),
        (r#"net.PathUnescape("a%20b%2Fc")"#, r#""a b/c""#),
        (
            r#"net.PathUnescape("a%2")"#,
            r#"error: invalid URL escape "%2""#,
        ),
        (
            r#"net.QueryEscape("a b/c?d&e=f+g~")"#,
            r#""a+b%2Fc%3Fd%26e%3Df%2Bg~""#,
        ),
        (r#"net.QueryUnescape("a+b%20c")"#, r#""a b c""#),
        (r#"net.IPv4len"#, r#"4"#),
    ]);
}
#[test]
fn path() {
    check(&[
        (r#"path.Join(["a", "b"], "aix")"#, r#""a/b""#),
        (r#"path.Join(["a", "b", "../c"])"#, r#""a/c""#),
        (r#"path.Join(["a", "b"], "windows")"#, r#""a\\b""#),
        (r#"path.Split("a/b/c")"#, r#"["a/b/", "c"]"#),
        (
            r#"path.Split("c:\\a\\b", "windows")"#,
            r#"["c:\\a\\", "b"]"#,
        ),
        (r#"path.SplitList("a:b:c", "unix")"#, r#"["a", "b", "c"]"#),
        (r#"path.SplitList("a;b", "windows")"#, r#"["a", "b"]"#),
        (r#"path.Match("*.go", "a.go")"#, r#"true"#),
        (
            r#"path.Match("[", "a")"#,
            r#"error: syntax error in pattern"#,
        ),
        (
            r#"path.Match("a/**", "a/b")"#,
            r#"error: '**' is not supported in patterns as of yet"#,
        ),
        (r#"path.Clean("a//b/../c/.")"#, r#""a/c""#),
        (r#"path.Clean("")"#, r#"".""#),
        (r#"path.Clean("c:\\a\\..\\b", "windows")"#, r#""c:\\b""#),
        (r#"path.ToSlash("a\\b", "windows")"#, r#""a/b""#),
        (r#"path.FromSlash("a/b", "windows")"#, r#""a\\b""#),
        (r#"path.Ext("a/b.tar.gz")"#, r#"".gz""#),
        (r#"path.Resolve("/a", "b/../c")"#, r#""/a/c""#),
        (r#"path.Resolve("/a", "/c")"#, r#""/c""#),
        (r#"path.Rel("/a/b", "/a/b/c/d")"#, r#""c/d""#),
        (
            r#"path.Rel("a", "/b")"#,
            r#"error: Rel: can't make /b relative to a"#,
        ),
        (r#"path.Base("/a/b/")"#, r#""b""#),
        (r#"path.Base("")"#, r#"".""#),
        (r#"path.Dir("/a/b/c")"#, r#""/a/b""#),
        (r#"path.IsAbs("/a")"#, r#"true"#),
        (r#"path.IsAbs("c:\\a", "windows")"#, r#"true"#),
        (r#"path.VolumeName("c:\\a")"#, r#""c:""#),
        (r#"path.VolumeName("c:\\a", "unix")"#, r#""""#),
    ]);
}
#[test]
fn crypto_uuid() {
    check(&[
        (
            r#"sha256.Sum256("hash me")"#,
            r#"'\xeb \x1a\xf5\xaa\xf0\xd6\x06)\xd3Ҧ\x1eFl\xfc\x0f\xed\xb5\x17\xad\xd81\xec\xacR5\xe1کc\xd6'"#,
        ),
        (
            r#"sha512.Sum512_256("hash me")"#,
            r#"'\xee\xe33\x99\x97\x8d\xbc(\xfa\x9a\xb4eEd\xe3\xdc\x1cf\x18*28\x175\x8b\x84\xe0U~N\x8c\xb2'"#,
        ),
        (
            r#"md5.Sum("hash me")"#,
            r#"'\x17\xb3\x1dΖ\xb9\xd6\xc6Ц\xba\x95\xf4w\x96\xfb'"#,
        ),
        (
            r#"sha1.Sum("hash me")"#,
            r#"'C\xf92\xe4\xf7\xc6\xec\xd16\xa6\x95\xb7\x00\x86\x94\xbbi\xd5\x17\xbd'"#,
        ),
        (
            r#"hmac.Sign("SHA256", "key", "data")"#,
            r#"'P1\xfe=\x98\x9cm\x157\xa0\x13\xfans\x9d\xa24c\xfd\xae÷\x017\xd8(\xe3j\xce"\x1b\xd0'"#,
        ),
        (
            r#"hmac.Sign("MD5", 'key', "data")"#,
            r#"'\x9d\\s\xef\x85YM4\xecD8\xb7\xc9~Q\xd8'"#,
        ),
        (
            r#"hmac.Sign("SHA512_224", "key", "data")"#,
            r#"'\x8bfW\xa9\xd04\x19\xb9eG{\xa8\x14\x97\x82\xc7\xd8\xe5\x8a\xc4ǚ\x96F\xe1\x91\xc1\xd5'"#,
        ),
        (
            r#"hmac.Sign("FOO", "key", "data")"#,
            r#"error: unsupported hash function"#,
        ),
        (r#"hmac.SHA1"#, r#""SHA1""#),
        (r#"sha256.Size"#, r#"32"#),
        (
            r#"uuid.Valid("052ef62d-7223-58b6-a551-c1deee46d40")"#,
            r#"error: invalid UUID length: 35"#,
        ),
        (
            r#"uuid.Valid("{052ef62d-7223-58b6-a551-c1deee46d401)")"#,
            r#"error: invalid bracketed UUID format"#,
        ),
        (
            r#"uuid.Valid("052ef62d_7223-58b6-a551-c1deee46d401")"#,
            r#"error: invalid UUID format"#,
        ),
        (
            r#"uuid.Parse("urn:uuid:052EF62D-7223-58b6-a551-c1deee46d401")"#,
            r#""052ef62d-7223-58b6-a551-c1deee46d401""#,
        ),
        (
            r#"uuid.Parse("052ef62d722358b6a551c1deee46d401")"#,
            r#""052ef62d-7223-58b6-a551-c1deee46d401""#,
        ),
        (
            r#"uuid.Parse("{052ef62d-7223-58b6-a551-c1deee46d401}")"#,
            r#""052ef62d-7223-58b6-a551-c1deee46d401""#,
        ),
        (
            r#"uuid.Parse("urx:uuid:052EF62D-7223-58b6-a551-c1deee46d401")"#,
            r#"error: invalid urn prefix: "urx:uuid:""#,
        ),
        (
            r#"uuid.URN("052ef62d-7223-58b6-a551-c1deee46d401")"#,
            r#""urn:uuid:052ef62d-7223-58b6-a551-c1deee46d401""#,
        ),
        (
            r#"uuid.FromInt(12345678901234567890)"#,
            r#""00000000-0000-0000-ab54-a98ceb1f0ad2""#,
        ),
        (
            r#"uuid.FromInt(-1)"#,
            r#""00000000-0000-0000-0000-000000000001""#,
        ),
        (
            r#"uuid.FromInt(340282366920938463463374607431768211456)"#,
            r#"error: invalid UUID (got 17 bytes)"#,
        ),
        (
            r#"uuid.ToInt("052ef62d-7223-58b6-a551-c1deee46d401")"#,
            r#"93651793875903522077150095950593860979557386807737776869062002310283964632724204171313"#,
        ),
        (
            r#"uuid.Variant("052ef62d-7223-58b6-a551-c1deee46d401")"#,
            r#"1"#,
        ),
        (
            r#"uuid.Variant("052ef62d-7223-58b6-c551-c1deee46d401")"#,
            r#"3"#,
        ),
        (
            r#"uuid.Version("052ef62d-7223-58b6-a551-c1deee46d401")"#,
            r#"5"#,
        ),
        (
            r#"uuid.SHA1("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "cuelang.org")"#,
            r#""052ef62d-7223-58b6-a551-c1deee46d401""#,
        ),
        (
            r#"uuid.MD5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "cuelang.org")"#,
            r#""c0e3db8f-cd98-30d5-bbf7-cc2d7fd857f4""#,
        ),
    ]);
}
#[test]
fn time() {
    check(&[
        (r#"time.Time("2006-01-02T15:04:05Z")"#, r#"true"#),
        (r#"time.Time("2006-01-02T15:04:05.123+07:00")"#, r#"true"#),
        (
            r#"time.Time("2006-01-02")"#,
            r#"error: invalid time "2006-01-02""#,
        ),
        (
            r#"time.Time("2006-01-32T15:04:05Z")"#,
            r#"error: invalid time "2006-01-32T15:04:05Z""#,
        ),
        (r#"time.Format("2006-01-02", "2006-01-02")"#, r#"true"#),
        (
            r#"time.Format("2006-01-02x", "2006-01-02")"#,
            r#"error: invalid time "2006-01-02x""#,
        ),
        (
            r#"time.Parse("2006-01-02", "2021-02-19")"#,
            r#""2021-02-19T00:00:00Z""#,
        ),
        (
            r#"time.Parse(time.RFC822, "19 Feb 21 13:04 PST")"#,
            r#""2021-02-19T13:04:00Z""#,
        ),
        (
            r#"time.Parse(time.RFC3339, "2021-02-19T13:04:05+02:00")"#,
            r#""2021-02-19T11:04:05Z""#,
        ),
        (
            r#"time.Parse(time.RFC3339Nano, "2021-02-19T13:04:05.123456789-07:30")"#,
            r#""2021-02-19T20:34:05.123456789Z""#,
        ),
        (
            r#"time.Parse(time.Kitchen, "3:04PM")"#,
            r#""0000-01-01T15:04:00Z""#,
        ),
        (
            r#"time.Parse(time.Kitchen, "12:04AM")"#,
            r#""0000-01-01T00:04:00Z""#,
        ),
        (
            r#"time.Parse(time.ANSIC, "Fri Feb 19 13:04:05 2021")"#,
            r#""2021-02-19T13:04:05Z""#,
        ),
        (
            r#"time.Parse(time.UnixDate, "Fri Feb 19 13:04:05 UTC 2021")"#,
            r#""2021-02-19T13:04:05Z""#,
        ),
        (
            r#"time.Parse(time.RubyDate, "Fri Feb 19 13:04:05 +0100 2021")"#,
            r#""2021-02-19T12:04:05Z""#,
        ),
        (
            r#"time.Parse(time.RFC850, "Friday, 19-Feb-21 13:04:05 GMT")"#,
            r#""2021-02-19T13:04:05Z""#,
        ),
        (
            r#"time.Parse(time.RFC1123, "Fri, 19 Feb 2021 13:04:05 CET")"#,
            r#""2021-02-19T13:04:05Z""#,
        ),
        (
            r#"time.Parse(time.RFC1123Z, "Fri, 19 Feb 2021 13:04:05 -0000")"#,
            r#""2021-02-19T13:04:05Z""#,
        ),
        (
            r#"time.Parse("2006-01-02", "2021-02-30")"#,
            r#"error: parsing time "2021-02-30": day out of range"#,
        ),
        (
            r#"time.Parse("2006-01-02", "2021-13-01")"#,
            r#"error: parsing time "2021-13-01": month out of range"#,
        ),
        (
            r#"time.Parse("2006-01-02", "2021-02-19x")"#,
            r#"error: parsing time "2021-02-19x": extra text: "x""#,
        ),
        (
            r#"time.Parse("2006-01-02", "21-02-19")"#,
            r#"error: parsing time "21-02-19" as "2006-01-02": cannot parse "21-02-19" as "2006""#,
        ),
        (
            r#"time.Parse("Jan 2 2006", "feb 19 2021")"#,
            r#""2021-02-19T00:00:00Z""#,
        ),
        (
            r#"time.Parse("2006-002", "2020-060")"#,
            r#""2020-02-29T00:00:00Z""#,
        ),
        (
            r#"time.Parse("2006-002", "2021-366")"#,
            r#"error: parsing time "2021-366": day-of-year out of range"#,
        ),
        (
            r#"time.Parse("15:04:05", "25:00:00")"#,
            r#"error: parsing time "25:00:00": hour out of range"#,
        ),
        (
            r#"time.Parse("15:04:05", "13:04:05.5")"#,
            r#""0000-01-01T13:04:05.5Z""#,
        ),
        (
            r#"time.Parse("2006-01-02 15:04:05.000", "2021-02-19 13:04:05.12")"#,
            r#"error: parsing time "2021-02-19 13:04:05.12" as "2006-01-02 15:04:05.000": cannot parse ".12" as ".000""#,
        ),
        (
            r#"time.Parse("2006-01-02T15:04:05Z07:00", "2021-02-19T13:04:05+25:00")"#,
            r#"error: parsing time "2021-02-19T13:04:05+25:00": time zone offset hour out of range"#,
        ),
        (
            r#"time.Parse("Monday 2006", "Tuesday 2021")"#,
            r#""2021-01-01T00:00:00Z""#,
        ),
        (
            r#"time.Parse("Mon 2006", "Tux 2021")"#,
            r#"error: parsing time "Tux 2021" as "Mon 2006": cannot parse "Tux 2021" as "Mon""#,
        ),
        (
            r#"time.Parse("_2 Jan", " 9 Feb")"#,
            r#""0000-02-09T00:00:00Z""#,
        ),
        (r#"time.Parse("06", "68")"#, r#""2068-01-01T00:00:00Z""#),
        (r#"time.Parse("06", "69")"#, r#""1969-01-01T00:00:00Z""#),
        (
            r#"time.Parse("2006 MST", "2021 GMT+3")"#,
            r#""2021-01-01T00:00:00Z""#,
        ),
        (
            r#"time.FormatString(time.RFC1123, "2021-02-19T13:04:05.5+01:00")"#,
            r#""Fri, 19 Feb 2021 13:04:05 +0100""#,
        ),
        (
            r#"time.FormatString("Monday, January 2, 2006 3:04:05.000 PM -07:00 MST", "2021-02-19T13:04:05.5+01:00")"#,
            r#""Friday, February 19, 2021 1:04:05.500 PM +01:00 +0100""#,
        ),
        (
            r#"time.FormatString("2006-002 __2 _2 .999 ,000000", "2021-02-09T00:04:05.000123Z")"#,
            r#""2021-040  40  9  ,000123""#,
        ),
        (
            r#"time.FormatString(time.Kitchen, "2021-02-19T00:04:05Z")"#,
            r#""12:04AM""#,
        ),
        (
            r#"time.FormatString("pm 03 1 2 06", "2021-02-09T13:04:05Z")"#,
            r#""pm 01 2 9 21""#,
        ),
        (
            r#"time.FormatString("x", "bad")"#,
            r#"error: parsing time "bad" as "2006-01-02T15:04:05.999999999Z07:00": cannot parse "bad" as "2006""#,
        ),
        (
            r#"time.Unix(1500000000, 123456)"#,
            r#""2017-07-14T02:40:00.000123456Z""#,
        ),
        (r#"time.Unix(0, 0)"#, r#""1970-01-01T00:00:00Z""#),
        (r#"time.Unix(-1, 0)"#, r#""1969-12-31T23:59:59Z""#),
        (r#"time.Unix(1, -1)"#, r#""1970-01-01T00:00:00.999999999Z""#),
        (
            r#"time.Unix(253402300800, 0)"#,
            r#""10000-01-01T00:00:00Z""#,
        ),
        (
            r#"time.ToUnix("2021-02-19T13:04:05+02:00")"#,
            r#"1613732645"#,
        ),
        (
            r#"time.ToUnixNano("2021-02-19T13:04:05.123456789Z")"#,
            r#"1613739845123456789"#,
        ),
        (r#"time.Duration("1h2m")"#, r#"true"#),
        (
            r#"time.Duration("1x")"#,
            r#"error: time: unknown unit "x" in duration "1x""#,
        ),
        (
            r#"time.Duration("")"#,
            r#"error: time: invalid duration """#,
        ),
        (
            r#"time.Duration("1")"#,
            r#"error: time: missing unit in duration "1""#,
        ),
        (
            r#"time.Duration(".s")"#,
            r#"error: time: invalid duration ".s""#,
        ),
        (r#"time.ParseDuration("1h2m3.5s")"#, r#"3723500000000"#),
        (r#"time.ParseDuration("-1.5h")"#, r#"-5400000000000"#),
        (r#"time.ParseDuration("1µs")"#, r#"1000"#),
        (r#"time.ParseDuration("300ms")"#, r#"300000000"#),
        (r#"time.ParseDuration("0")"#, r#"0"#),
        (
            r#"time.ParseDuration("9223372036854775807ns")"#,
            r#"9223372036854775807"#,
        ),
        (
            r#"time.ParseDuration("9223372036854775808ns")"#,
            r#"error: time: invalid duration "9223372036854775808ns""#,
        ),
        (
            r#"time.ParseDuration("-9223372036854775808ns")"#,
            r#"-9223372036854775808"#,
        ),
        (
            r#"time.ParseDuration("2562047h")"#,
            r#"9223369200000000000"#,
        ),
        (r#"time.ParseDuration("1.0000000001s")"#, r#"1000000000"#),
        (r#"time.FormatDuration(3723500000000)"#, r#""1h2m3.5s""#),
        (r#"time.FormatDuration(0)"#, r#""0s""#),
        (r#"time.FormatDuration(1500)"#, r#""1.5µs""#),
        (r#"time.FormatDuration(-1500000)"#, r#""-1.5ms""#),
        (r#"time.FormatDuration(999)"#, r#""999ns""#),
        (r#"time.FormatDuration(60000000000)"#, r#""1m0s""#),
        (
            r#"time.FormatDuration(-9223372036854775808)"#,
            r#""-2562047h47m16.854775808s""#,
        ),
        (r#"time.Hour"#, r#"3600000000000"#),
        (r#"time.RFC3339"#, r#""2006-01-02T15:04:05Z07:00""#),
    ]);
}
#[test]
fn tabwriter_html() {
    check(&[
        (
            r#"tabwriter.Write("a\tb\tc\naaa\tbbbbb\tc\n")"#,
            r#""a   b     c\naaa bbbbb c\n""#,
        ),
        (
            r#"tabwriter.Write(["a\tb\tc", "aaa\tbbbbb\tc", "x", "yy\tz"])"#,
            r#""a   b     c\naaa bbbbb c\nx\nyy z\n""#,
        ),
        (r#"tabwriter.Write("a\tb")"#, r#""a b""#),
        (r#"tabwriter.Write("")"#, r#""""#),
        (
            r#"tabwriter.Write(1)"#,
            r#"error: tabwriter.Write: unsupported type int"#,
        ),
        (r#"tabwriter.Write('a\tb\ncc\td')"#, r#""a  b\ncc d""#),
        (r#"tabwriter.Write("é\tb\nxx\tc\n")"#, r#""é  b\nxx c\n""#),
        (
            r#"html.Escape("<a href=\"x\">'&'</a>")"#,
            r#""&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#39;&lt;/a&gt;""#,
        ),
    ]);
}

#[test]
fn tabwriter_columns() {
    // Checked with `cue export` v0.17.1.
    check(&[(
        r#"tabwriter.Write(["\t\ta", "bb\tc\td"])"#,
        r#""     a\nbb c d\n""#,
    )]);
}

/// Every function of every package, called with every combination of a
/// set of awkward arguments (wrong kinds, huge and negative numbers, empty
/// and odd strings, opaque values), must return rather than panic.
#[test]
fn no_panics_on_odd_arguments() {
    let samples: Vec<Val> = [
        "null",
        "true",
        "0",
        "-1",
        "3",
        "64",
        "1000000000000",
        "-9223372036854775808",
        "99999999999999999999999999999999999999",
        "2.5",
        "-0.5",
        "1e400",
        r#""""#,
        r#""a""#,
        r#""\u0000\t\n é😀""#,
        r#""1.2.3.4/24""#,
        r#""::ffff:1.2.3.4""#,
        r#""2006-01-02T15:04:05Z""#,
        r#""[""#,
        r#""{\"a\": [1, 2.5, \"x\"]}""#,
        r#""a: [1, *x]\nb: &x 2""#,
        r#""unix""#,
        "'\\xff\\x00'",
        "[]",
        r#"[1, "a", [2]]"#,
        r#"{}"#,
        r#"{a: 1, "b c": [true]}"#,
        "_",
    ]
    .iter()
    .map(|s| val(s))
    .collect();
    let mut calls = 0usize;
    for path in roam_cue::stdlib::package_paths() {
        let pkg = roam_cue::stdlib::package(path).unwrap();
        for f in pkg.funcs {
            let n = f.params.len();
            // All combinations for up to two parameters; for more, vary
            // one position at a time over a fixed background.
            let mut arg_sets: Vec<Vec<Val>> = Vec::new();
            if n <= 2 {
                let mut idx = vec![0usize; n];
                loop {
                    arg_sets.push(idx.iter().map(|&i| samples[i].clone()).collect());
                    let mut k = 0;
                    while k < n {
                        idx[k] += 1;
                        if idx[k] < samples.len() {
                            break;
                        }
                        idx[k] = 0;
                        k += 1;
                    }
                    if k == n {
                        break;
                    }
                }
            } else {
                for bg in &samples {
                    for pos in 0..n {
                        for s in &samples {
                            let mut args = vec![bg.clone(); n];
                            args[pos] = s.clone();
                            arg_sets.push(args);
                        }
                    }
                }
            }
            for args in arg_sets {
                for take in [n.saturating_sub(f.optional), n] {
                    calls += 1;
                    let t0 = std::time::Instant::now();
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        (f.f)(&mut TestCtx, &args[..take])
                    }));
                    if t0.elapsed().as_millis() > 200 {
                        eprintln!("slow: {path}.{} {:?} {args:?}", f.name, t0.elapsed());
                    }
                    assert!(r.is_ok(), "{path}.{} panicked on {args:?}", f.name);
                }
            }
        }
        for (name, c) in pkg.consts {
            let r = std::panic::catch_unwind(c);
            assert!(r.is_ok(), "{path}.{name} panicked");
        }
    }
    assert!(calls > 10_000);
}
#[test]
fn csv_ed25519() {
    check(&[
        (
            r#"csv.Decode("1,2,3\n4,5,6")"#,
            r#"[["1", "2", "3"], ["4", "5", "6"]]"#,
        ),
        (
            r#"csv.Decode("a,b\nc")"#,
            r#"error: record on line 2: wrong number of fields"#,
        ),
        (
            r#"csv.Decode("a\"b,c")"#,
            r#"error: parse error on line 1, column 2: bare " in non-quoted-field"#,
        ),
        (
            r#"csv.Decode("\"a\"b,c")"#,
            r#"error: parse error on line 1, column 3: extraneous or missing " in quoted-field"#,
        ),
        (r#"csv.Decode("")"#, r#"[]"#),
        (
            r#"csv.Decode("a,b,\n\n\nc,d,e\r\n")"#,
            r#"[["a", "b", ""], ["c", "d", "e"]]"#,
        ),
        (
            r#"csv.Decode("\"unterminated")"#,
            r#"error: parse error on line 1, column 14: extraneous or missing " in quoted-field"#,
        ),
        (
            r#"csv.Encode([[1, 2, 3], [4, 5], [7, 8, 9]])"#,
            r#""1,2,3\n4,5\n7,8,9\n""#,
        ),
        (r#"csv.Encode([["a", "b"], ["c"]])"#, r#""a,b\nc\n""#),
        (
            r#"csv.Encode(1)"#,
            r#"error: cannot use value 1 (type int) as list"#,
        ),
        (
            r#"csv.Encode([1])"#,
            r#"error: cannot use value 1 (type int) as list"#,
        ),
        (
            r#"ed25519.Valid('\x3b\x6a\x27\xbc\xce\xb6\xa4\x2d\x62\xa3\xa8\xd0\x2a\x6f\x0d\x73\x65\x32\x15\x77\x1d\xe2\x43\xa6\x3a\xc0\x48\xa1\x8b\x59\xda\x29', 'valid', '\xf7\x96\xce\x9e\x6e\x23\xcb\xc1\x5f\x6d\x30\x8e\x88\x6b\x19\x96\x33\x5a\x6b\x1c\x40\xf7\xd6\x18\xb1\xa6\x64\x6b\xe2\x62\x97\x4f\xdc\xf8\x11\x21\x4c\xe2\x70\x5e\x04\x25\x2e\xdc\x63\xb0\x68\xc8\x4f\x61\xe8\xca\xce\x78\x14\xb3\xaa\xc9\xc9\x35\x65\xe3\xd9\x04')"#,
            r#"true"#,
        ),
        (
            r#"ed25519.Valid('', 'x', 'y')"#,
            r#"error: ed25519: publicKey must be 32 bytes"#,
        ),
        (
            r#"ed25519.Valid('\x3b\x6a\x27\xbc\xce\xb6\xa4\x2d\x62\xa3\xa8\xd0\x2a\x6f\x0d\x73\x65\x32\x15\x77\x1d\xe2\x43\xa6\x3a\xc0\x48\xa1\x8b\x59\xda\x29', 'invalid', '\xf7\x96\xce\x9e\x6e\x23\xcb\xc1\x5f\x6d\x30\x8e\x88\x6b\x19\x96\x33\x5a\x6b\x1c\x40\xf7\xd6\x18\xb1\xa6\x64\x6b\xe2\x62\x97\x4f\xdc\xf8\x11\x21\x4c\xe2\x70\x5e\x04\x25\x2e\xdc\x63\xb0\x68\xc8\x4f\x61\xe8\xca\xce\x78\x14\xb3\xaa\xc9\xc9\x35\x65\xe3\xd9\x04')"#,
            r#"false"#,
        ),
    ]);
}
#[test]
fn toml2() {
    check(&[
        (
            r#"toml.Marshal({a1: "foo", b1: {b2: "bar"}, c1: {c2: {c3: "baz"}}})"#,
            r#""a1 = 'foo'\n\n[b1]\nb2 = 'bar'\n\n[c1]\n[c1.c2]\nc3 = 'baz'\n""#,
        ),
        (
            r#"toml.Marshal({"123-456": {" foo bar ": "value"}})"#,
            r#""[123-456]\n' foo bar ' = 'value'\n""#,
        ),
        (
            r#"toml.Marshal({r1: "foo", r2: "bar"})"#,
            r#""r1 = 'foo'\nr2 = 'bar'\n""#,
        ),
    ]);
}
#[test]
fn toml() {
    check(&[
        (r#"toml.Marshal({a: null})"#, r#""""#),
        (r#"toml.Marshal([1])"#, r#""[1]""#),
        (
            r#"toml.Marshal({t: {x: 1, sub: {y: 2}, z: 3}, after: 1})"#,
            r#""after = 1\n\n[t]\nx = 1\nz = 3\n\n[t.sub]\ny = 2\n""#,
        ),
        (r#"toml.Marshal({l: [[{a: 1}]]})"#, r#""l = [[{a = 1}]]\n""#),
        (r#"toml.Marshal({l: []})"#, r#""l = []\n""#),
        (r#"toml.Marshal({r1: "foo"})"#, r#""r1 = 'foo'\n""#),
        (
            r#"toml.Marshal({tables: [{table1: "foo"}, {table2: "bar"}, {subtable: {sub1: "baz"}}]})"#,
            r#""[[tables]]\ntable1 = 'foo'\n\n[[tables]]\ntable2 = 'bar'\n\n[[tables]]\n[tables.subtable]\nsub1 = 'baz'\n""#,
        ),
        (
            r#"toml.Marshal({f: 1e-7, g: -0.5, h: 100.0, i: -3})"#,
            r#""f = 0.0000001\ng = -0.5\nh = 100.0\ni = -3\n""#,
        ),
        (
            r#"toml.Marshal({t: {a: {b: {c: 1}}, d: 2}})"#,
            r#""[t]\nd = 2\n\n[t.a]\n[t.a.b]\nc = 1\n""#,
        ),
        (r#"toml.Marshal("x")"#, r#""'x'""#),
        (r#"toml.Marshal(1.5)"#, r#""1.5""#),
    ]);
}

#[test]
fn toml_marshal_layout() {
    // Expected output from `cue export --out json` (v0.17.1) of the same call.
    let got = eval(
        r#"toml.Marshal({s1: "it's", s2: "a\nb", s3: "tab\t", n: 1, f: 1.5, f2: 1.0, f3: 2.5e10, b: true, l: [1, "x", [2]], lt: [{a: 1}, {b: 2}], mixed: [{a: 1}, 2], e: {}, k: {"a b": 1, "x.y": 2, "it's": 3}, big: 12345678901234567890})"#,
    )
    .unwrap();
    let want = "b = true\nbig = '12345678901234567890'\nf = 1.5\nf2 = 1.0\nf3 = 25000000000.0\nl = [1, 'x', [2]]\nmixed = [{a = 1}, 2]\nn = 1\ns1 = \"it's\"\ns2 = \"a\\nb\"\ns3 = 'tab\t'\n\n[e]\n\n[k]\n'a b' = 1\n\"it's\" = 3\n'x.y' = 2\n\n[[lt]]\na = 1\n\n[[lt]]\nb = 2\n";
    assert_eq!(got, Val::str(want));
    let got = eval(r#"toml.Marshal({s: "é😀\u0001", u: "\\"})"#).unwrap();
    assert_eq!(got, Val::str("s = \"é😀\\u0001\"\nu = '\\'\n"));
}
#[test]
fn math_dec() {
    check(&[
        (
            r#"math.Log(0.001)"#,
            r#"-6.907755278982137052053974364053093"#,
        ),
        (r#"math.Log10(0.001)"#, r#"-3"#),
        (
            r#"math.Log2(0.001)"#,
            r#"-9.965784284662087043610958288468171"#,
        ),
        (
            r#"math.Exp(0.001)"#,
            r#"1.001000500166708341668055753993058"#,
        ),
        (
            r#"math.Cbrt(0.001)"#,
            r#"0.1000000000000000000000000000000000"#,
        ),
        (
            r#"math.Exp2(0.001)"#,
            r#"1.000693387462580632537568639303859"#,
        ),
        (
            r#"math.Exp(-0.001)"#,
            r#"0.9990004998333749916680553571676560"#,
        ),
        (
            r#"math.Log(0.5)"#,
            r#"-0.6931471805599453094172321214581766"#,
        ),
        (
            r#"math.Log10(0.5)"#,
            r#"-0.3010299956639811952137388947244930"#,
        ),
        (r#"math.Log2(0.5)"#, r#"-1"#),
        (r#"math.Exp(0.5)"#, r#"1.648721270700128146848650787814164"#),
        (
            r#"math.Cbrt(0.5)"#,
            r#"0.7937005259840997373758528196361541"#,
        ),
        (
            r#"math.Exp2(0.5)"#,
            r#"1.414213562373095048801688724209698"#,
        ),
        (
            r#"math.Exp(-0.5)"#,
            r#"0.6065306597126334236037995349911805"#,
        ),
        (
            r#"math.Log(0.999)"#,
            r#"-0.001000500333583533500142982254068345"#,
        ),
        (
            r#"math.Log10(0.999)"#,
            r#"-0.0004345117740176913064656006955246244"#,
        ),
        (
            r#"math.Log2(0.999)"#,
            r#"-0.001443416869668717391937279011545502"#,
        ),
        (
            r#"math.Exp(0.999)"#,
            r#"2.715564905318566687331982733345287"#,
        ),
        (
            r#"math.Cbrt(0.999)"#,
            r#"0.9996665554937859780286351515555357"#,
        ),
        (
            r#"math.Exp2(0.999)"#,
            r#"1.998614185980905043844758710727004"#,
        ),
        (
            r#"math.Exp(-0.999)"#,
            r#"0.3682475046136629212097423151542185"#,
        ),
        (
            r#"math.Log(1.001)"#,
            r#"0.0009995003330835331668093989205350115"#,
        ),
        (
            r#"math.Log10(1.001)"#,
            r#"0.0004340774793186406689213877779888660"#,
        ),
        (
            r#"math.Log2(1.001)"#,
            r#"0.001441974173906480427186729746147973"#,
        ),
        (
            r#"math.Exp(1.001)"#,
            r#"2.721001469881578765927083273075456"#,
        ),
        (
            r#"math.Cbrt(1.001)"#,
            r#"1.000333222283909495175449559955220"#,
        ),
        (
            r#"math.Exp2(1.001)"#,
            r#"2.001386774925161265075137278607718"#,
        ),
        (
            r#"math.Exp(-1.001)"#,
            r#"0.3675117456086935500447463282407750"#,
        ),
        (r#"math.Log(2)"#, r#"0.6931471805599453094172321214581766"#),
        (
            r#"math.Log10(2)"#,
            r#"0.3010299956639811952137388947244930"#,
        ),
        (r#"math.Log2(2)"#, r#"1"#),
        (r#"math.Exp(2)"#, r#"7.389056098930650227230427460575008"#),
        (r#"math.Cbrt(2)"#, r#"1.259921049894873164767210607278228"#),
        (r#"math.Exp2(2)"#, r#"4"#),
        (r#"math.Exp(-2)"#, r#"0.1353352832366126918939994949724844"#),
        (r#"math.Log(3)"#, r#"1.098612288668109691395245236922526"#),
        (
            r#"math.Log10(3)"#,
            r#"0.4771212547196624372950279032551153"#,
        ),
        (r#"math.Log2(3)"#, r#"1.584962500721156181453738943947817"#),
        (r#"math.Exp(3)"#, r#"20.08553692318766774092852965458172"#),
        (r#"math.Cbrt(3)"#, r#"1.442249570307408382321638310780110"#),
        (r#"math.Exp2(3)"#, r#"8"#),
        (
            r#"math.Exp(-3)"#,
            r#"0.04978706836786394297934241565006178"#,
        ),
        (r#"math.Log(7.5)"#, r#"2.014903020542264756578772448690537"#),
        (
            r#"math.Log10(7.5)"#,
            r#"0.8750612633917000468675501138061293"#,
        ),
        (
            r#"math.Log2(7.5)"#,
            r#"2.906890595608518529324058373437207"#,
        ),
        (r#"math.Exp(7.5)"#, r#"1808.042414456063206903801482778805"#),
        (
            r#"math.Cbrt(7.5)"#,
            r#"1.957433820584431797712468030205836"#,
        ),
        (
            r#"math.Exp2(7.5)"#,
            r#"181.0193359837561662466161566988414"#,
        ),
        (
            r#"math.Exp(-7.5)"#,
            r#"0.0005530843701478335831020000885303572"#,
        ),
        (r#"math.Log(10)"#, r#"2.302585092994045684017991454684364"#),
        (r#"math.Log10(10)"#, r#"1"#),
        (r#"math.Log2(10)"#, r#"3.32192809488736234787031942948939"#),
        (r#"math.Exp(10)"#, r#"22026.46579480671651695790064528424"#),
        (r#"math.Cbrt(10)"#, r#"2.154434690031883721759293566519350"#),
        (r#"math.Exp2(10)"#, r#"1024"#),
        (
            r#"math.Exp(-10)"#,
            r#"0.00004539992976248485153559151556055061"#,
        ),
        (r#"math.Log(100)"#, r#"4.605170185988091368035982909368728"#),
        (r#"math.Log10(100)"#, r#"2"#),
        (
            r#"math.Log2(100)"#,
            r#"6.643856189774724695740638858978779"#,
        ),
        (
            r#"math.Exp(100)"#,
            r#"26881171418161354484126255515800140000000000"#,
        ),
        (
            r#"math.Cbrt(100)"#,
            r#"4.641588833612778892410076350919447"#,
        ),
        (r#"math.Exp2(100)"#, r#"1267650600228229401496703205376"#),
        (
            r#"math.Exp(-100)"#,
            r#"3.720075976020835962959695803863118e-44"#,
        ),
        (
            r#"math.Log(12345.678)"#,
            r#"9.421061321291831976526783991071446"#,
        ),
        (
            r#"math.Log10(12345.678)"#,
            r#"4.091514945509201274655110542156115"#,
        ),
        (
            r#"math.Log2(12345.678)"#,
            r#"13.5917184481385511581709687769602"#,
        ),
        (
            r#"math.Cbrt(12345.678)"#,
            r#"23.11204184662531181915782207624325"#,
        ),
        (r#"math.Abs(-12345.678)"#, r#"12345.678"#),
        (
            r#"math.Log(1e-10)"#,
            r#"-23.02585092994045684017991454684364"#,
        ),
        (r#"math.Log10(1e-10)"#, r#"-10"#),
        (
            r#"math.Log2(1e-10)"#,
            r#"-33.2192809488736234787031942948939"#,
        ),
        (
            r#"math.Exp(1e-10)"#,
            r#"1.000000000100000000005000000000167"#,
        ),
        (
            r#"math.Cbrt(1e-10)"#,
            r#"0.0004641588833612778892410076350919447"#,
        ),
        (
            r#"math.Exp2(1e-10)"#,
            r#"1.000000000069314718058396796011370"#,
        ),
        (
            r#"math.Exp(-1e-10)"#,
            r#"0.9999999999000000000049999999998333"#,
        ),
        (
            r#"math.Log(1e20)"#,
            r#"46.05170185988091368035982909368728"#,
        ),
        (r#"math.Log10(1e20)"#, r#"20"#),
        (
            r#"math.Log2(1e20)"#,
            r#"66.43856189774724695740638858978779"#,
        ),
        (
            r#"math.Cbrt(1e20)"#,
            r#"4641588.833612778892410076350919447"#,
        ),
        (r#"math.Abs(-1e20)"#, r#"100000000000000000000"#),
        (
            r#"math.Log(123456789012345678901234567890)"#,
            r#"66.98568871914297739757675389633419"#,
        ),
        (
            r#"math.Log10(123456789012345678901234567890)"#,
            r#"29.09151497721269989571083027823389"#,
        ),
        (
            r#"math.Log2(123456789012345678901234567890)"#,
            r#"96.63992092563935263043670081694541"#,
        ),
        (
            r#"math.Cbrt(123456789012345678901234567890)"#,
            r#"4979338592.347722697109915038832025"#,
        ),
        (
            r#"math.Abs(-123456789012345678901234567890)"#,
            r#"123456789012345678901234567890"#,
        ),
        (
            r#"math.Log(0.1)"#,
            r#"-2.302585092994045684017991454684364"#,
        ),
        (r#"math.Log10(0.1)"#, r#"-1"#),
        (
            r#"math.Log2(0.1)"#,
            r#"-3.32192809488736234787031942948939"#,
        ),
        (r#"math.Exp(0.1)"#, r#"1.105170918075647624811707826490247"#),
        (
            r#"math.Cbrt(0.1)"#,
            r#"0.4641588833612778892410076350919447"#,
        ),
        (
            r#"math.Exp2(0.1)"#,
            r#"1.071773462536293164213006325023342"#,
        ),
        (
            r#"math.Exp(-0.1)"#,
            r#"0.9048374180359595731642490594464366"#,
        ),
        (
            r#"math.Log(0.0001234)"#,
            r#"-9.000079446492986664711136382722182"#,
        ),
        (
            r#"math.Log10(0.0001234)"#,
            r#"-3.908684840302777122740794938000054"#,
        ),
        (
            r#"math.Log2(0.0001234)"#,
            r#"-12.98436998506211854722932984295469"#,
        ),
        (
            r#"math.Exp(0.0001234)"#,
            r#"1.000123407614093189812512768114264"#,
        ),
        (
            r#"math.Cbrt(0.0001234)"#,
            r#"0.04978574991599577818224348009467503"#,
        ),
        (
            r#"math.Exp2(0.0001234)"#,
            r#"1.000085538020248944502267643569133"#,
        ),
        (
            r#"math.Exp(-0.0001234)"#,
            r#"0.9998766076134668295107025378272496"#,
        ),
        (
            r#"math.Pow(2, 0.5)"#,
            r#"1.414213562373095048801688724209698"#,
        ),
        (
            r#"math.Pow(2, -0.5)"#,
            r#"0.7071067811865475244008443621048490"#,
        ),
        (r#"math.Pow(2, 3)"#, r#"8"#),
        (
            r#"math.Pow(2, -3)"#,
            r#"0.1250000000000000000000000000000000"#,
        ),
        (
            r#"math.Pow(2, 1.25)"#,
            r#"2.378414230005442133434999941120952"#,
        ),
        (r#"math.Pow(2, 10)"#, r#"1024"#),
        (
            r#"math.Pow(2, -10)"#,
            r#"0.0009765625000000000000000000000000000"#,
        ),
        (
            r#"math.Pow(2, 0.1)"#,
            r#"1.071773462536293164213006325023342"#,
        ),
        (
            r#"math.Pow(2, 2.5)"#,
            r#"5.656854249492380195206754896838792"#,
        ),
        (r#"math.Pow(-2, 0.5)"#, r#"error: invalid operation"#),
        (r#"math.Pow(-2, -0.5)"#, r#"error: invalid operation"#),
        (r#"math.Pow(-2, 3)"#, r#"-8"#),
        (
            r#"math.Pow(-2, -3)"#,
            r#"-0.1250000000000000000000000000000000"#,
        ),
        (r#"math.Pow(-2, 1.25)"#, r#"error: invalid operation"#),
        (r#"math.Pow(-2, 10)"#, r#"1024"#),
        (
            r#"math.Pow(-2, -10)"#,
            r#"0.0009765625000000000000000000000000000"#,
        ),
        (r#"math.Pow(-2, 0.1)"#, r#"error: invalid operation"#),
        (r#"math.Pow(-2, 2.5)"#, r#"error: invalid operation"#),
        (
            r#"math.Pow(0.5, 0.5)"#,
            r#"0.7071067811865475244008443621048490"#,
        ),
        (
            r#"math.Pow(0.5, -0.5)"#,
            r#"1.414213562373095048801688724209698"#,
        ),
        (r#"math.Pow(0.5, 3)"#, r#"0.125"#),
        (r#"math.Pow(0.5, -3)"#, r#"8"#),
        (
            r#"math.Pow(0.5, 1.25)"#,
            r#"0.4204482076268572715155627381166074"#,
        ),
        (r#"math.Pow(0.5, 10)"#, r#"0.0009765625"#),
        (r#"math.Pow(0.5, -10)"#, r#"1024"#),
        (
            r#"math.Pow(0.5, 0.1)"#,
            r#"0.9330329915368074159813432661499422"#,
        ),
        (
            r#"math.Pow(0.5, 2.5)"#,
            r#"0.1767766952966368811002110905262123"#,
        ),
        (
            r#"math.Pow(10, 0.5)"#,
            r#"3.162277660168379331998893544432719"#,
        ),
        (
            r#"math.Pow(10, -0.5)"#,
            r#"0.3162277660168379331998893544432719"#,
        ),
        (r#"math.Pow(10, 3)"#, r#"1000"#),
        (
            r#"math.Pow(10, -3)"#,
            r#"0.001000000000000000000000000000000000"#,
        ),
        (
            r#"math.Pow(10, 1.25)"#,
            r#"17.78279410038922801225421195192685"#,
        ),
        (r#"math.Pow(10, 10)"#, r#"10000000000"#),
        (
            r#"math.Pow(10, -10)"#,
            r#"1.000000000000000000000000000000000e-10"#,
        ),
        (
            r#"math.Pow(10, 0.1)"#,
            r#"1.258925411794167210423954106395801"#,
        ),
        (
            r#"math.Pow(10, 2.5)"#,
            r#"316.2277660168379331998893544432719"#,
        ),
        (
            r#"math.Pow(1.5, 0.5)"#,
            r#"1.224744871391589049098642037352946"#,
        ),
        (
            r#"math.Pow(1.5, -0.5)"#,
            r#"0.8164965809277260327324280249019638"#,
        ),
        (r#"math.Pow(1.5, 3)"#, r#"3.375"#),
        (
            r#"math.Pow(1.5, -3)"#,
            r#"0.2962962962962962962962962962962963"#,
        ),
        (
            r#"math.Pow(1.5, 1.25)"#,
            r#"1.660022879550482388613185410160497"#,
        ),
        (r#"math.Pow(1.5, 10)"#, r#"57.6650390625"#),
        (
            r#"math.Pow(1.5, -10)"#,
            r#"0.01734152991583261359210147504614811"#,
        ),
        (
            r#"math.Pow(1.5, 0.1)"#,
            r#"1.041379743992410586846191010231115"#,
        ),
        (
            r#"math.Pow(1.5, 2.5)"#,
            r#"2.755675960631075360471944584044128"#,
        ),
        (r#"math.Pow(-1.5, 0.5)"#, r#"error: invalid operation"#),
        (r#"math.Pow(-1.5, -0.5)"#, r#"error: invalid operation"#),
        (r#"math.Pow(-1.5, 3)"#, r#"-3.375"#),
        (
            r#"math.Pow(-1.5, -3)"#,
            r#"-0.2962962962962962962962962962962963"#,
        ),
        (r#"math.Pow(-1.5, 1.25)"#, r#"error: invalid operation"#),
        (r#"math.Pow(-1.5, 10)"#, r#"57.6650390625"#),
        (
            r#"math.Pow(-1.5, -10)"#,
            r#"0.01734152991583261359210147504614811"#,
        ),
        (r#"math.Pow(-1.5, 0.1)"#, r#"error: invalid operation"#),
        (r#"math.Pow(-1.5, 2.5)"#, r#"error: invalid operation"#),
        (
            r#"math.Pow(7, 0.5)"#,
            r#"2.645751311064590590501615753639260"#,
        ),
        (
            r#"math.Pow(7, -0.5)"#,
            r#"0.3779644730092272272145165362341801"#,
        ),
        (r#"math.Pow(7, 3)"#, r#"343"#),
        (
            r#"math.Pow(7, -3)"#,
            r#"0.002915451895043731778425655976676385"#,
        ),
        (
            r#"math.Pow(7, 1.25)"#,
            r#"11.38603593188450020247862641845632"#,
        ),
        (r#"math.Pow(7, 10)"#, r#"282475249"#),
        (
            r#"math.Pow(7, -10)"#,
            r#"3.540133174641435575829866778876616e-9"#,
        ),
        (
            r#"math.Pow(7, 0.1)"#,
            r#"1.214814044039066939398747381405091"#,
        ),
        (
            r#"math.Pow(7, 2.5)"#,
            r#"129.6418142421649389345791719283238"#,
        ),
    ]);
}
#[test]
fn toml_un() {
    check(&[
        (
            r#"toml.Unmarshal("a1       = \"A\"\nb1.b2    = \"B\"\nc1.c2.c3 = \"C\"")"#,
            r#"{a1: "A", b1: {b2: "B"}, c1: {c2: {c3: "C"}}}"#,
        ),
        (
            r#"toml.Unmarshal("[[tables]]\ntable1 = 'foo'\n[[tables]]\ntable2 = 'bar'\n[[tables]]\n[tables.subtable]\nsub1 = 'baz'")"#,
            r#"{tables: [{table1: "foo"}, {table2: "bar"}, {subtable: {sub1: "baz"}}]}"#,
        ),
        (
            r#"toml.Unmarshal("[123-456]\n' foo bar ' = 'value'")"#,
            r#"{"123-456": {" foo bar ": "value"}}"#,
        ),
        (
            r#"toml.Unmarshal("i = 0x1F\nj = 1_000\nk = +5\nf = 1.5e3\ng = 0.1\nb = true\nd = 1979-05-27T07:32:00Z\nl = [1, [2, 'x']]\nt = {x = 1, y = {z = 2}}")"#,
            r#"{i: 31, j: 1000, k: 5, f: 1.5e+3, g: 0.1, b: true, d: "1979-05-27T07:32:00Z", l: [1, [2, "x"]], t: {x: 1, y: {z: 2}}}"#,
        ),
    ]);
}
#[test]
fn template() {
    check(&[
        (
            r#"template.Execute("{{.a}} {{.b}} {{.c}} {{.d}} {{.e}} {{.f}} {{.g}}", {a: 1, b: 1.5, c: "s", d: true, e: null, f: [1, "x"], g: {x: 1, y: [2]}})"#,
            r#""1 1.5 s true <no value> [1 x] map[x:1 y:[2]]""#,
        ),
        (
            r#"template.Execute("{{range .}}<{{.}}>{{end}}", [1, 2])"#,
            r#""<1><2>""#,
        ),
        (
            r#"template.Execute("{{if .x}}yes{{else}}no{{end}}", {x: false})"#,
            r#""no""#,
        ),
        (
            r#"template.Execute("{{.missing}}", {a: 1})"#,
            r#""<no value>""#,
        ),
        (
            r#"template.Execute("{{printf \"%05.1f|%q|%v|%d\" .f .s .l .i}}", {f: 3.14159, s: "hi", l: [1], i: 42})"#,
            r#""003.1|\"hi\"|[1]|42""#,
        ),
        (
            r#"template.Execute("{{len .}} {{index . 1}}", [5, 6])"#,
            r#""2 6""#,
        ),
        (r#"template.Execute("{{.}}", 1e30)"#, r#""1e+30""#),
        (
            r#"template.Execute("{{.}}", 123456789012345678901234567890)"#,
            r#""123456789012345678901234567890""#,
        ),
        (r#"template.Execute("{{.}}", 2.0)"#, r#""2""#),
        (
            r#"template.Execute("{{.}}", 'bytes')"#,
            r#""[98 121 116 101 115]""#,
        ),
        (
            r#"template.Execute("{{range $i, $v := .}}{{$i}}={{$v}},{{end}}", {b: 1, a: 2})"#,
            r#""a=2,b=1,""#,
        ),
        (
            r#"template.Execute("{{.a.b}}", {a: {b: "deep"}})"#,
            r#""deep""#,
        ),
        (
            r#"template.Execute("{{eq .a 1}} {{lt .a 2}} {{and .a .b}} {{or 0 .a}} {{not .a}}", {a: 1, b: "x"})"#,
            r#""true true x 1 false""#,
        ),
        (r#"template.Execute("{{.}}-{{.}}", "foo")"#, r#""foo-foo""#),
        (
            r#"template.Execute("{{- .a -}}  x  {{- .b}}", {a: 1, b: 2})"#,
            r#""1x2""#,
        ),
        (
            r#"template.Execute("{{with .a}}{{.}}{{else}}none{{end}}", {a: 0})"#,
            r#""none""#,
        ),
        (
            r#"template.Execute("{{if eq .a 1}}one{{else if eq .a 2}}two{{else}}many{{end}}", {a: 2})"#,
            r#""two""#,
        ),
        (
            r#"template.Execute("{{range .}}{{.}}{{else}}empty{{end}}", [])"#,
            r#""empty""#,
        ),
        (
            r#"template.Execute("{{$x := .a}}{{$x}}{{$}}", {a: 1})"#,
            r#""1map[a:1]""#,
        ),
        (
            r#"template.Execute("{{.a | printf \"%s!\"}}", {a: "hi"})"#,
            r#""hi!""#,
        ),
        (r#"template.Execute("{{/* comment */}}ok", 1)"#, r#""ok""#),
        (
            r#"template.Execute("{{print 1 2 \"a\" 3}}", 1)"#,
            r#""1 2a3""#,
        ),
        (
            r#"template.Execute("{{html \"<a>\"}} {{js \"'x'\"}} {{urlquery \"a b&c\"}}", 1)"#,
            r#""&lt;a&gt; \\'x\\' a+b%26c""#,
        ),
        (
            r#"template.Execute("{{foo}}", 1)"#,
            r#"error: template: :1: function "foo" not defined"#,
        ),
        (
            r#"template.Execute("{{if}}", 1)"#,
            r#"error: template: :1: missing value for if"#,
        ),
        (
            r#"template.Execute("{{printf \"%v %v\" 1}}", 1)"#,
            r#""1 %!v(MISSING)""#,
        ),
        (
            r#"template.Execute("{{printf \"%d\" 1 2}}", 1)"#,
            r#""1%!(EXTRA int=2)""#,
        ),
        (
            r#"template.Execute("{{slice \"abcdef\" 1 3}} {{index .m \"k\"}}", {m: {k: "v"}})"#,
            r#""bc v""#,
        ),
        (r#"template.Execute("{{.}}", 0.000012)"#, r#""1.2e-05""#),
        (
            r#"template.Execute("{{.}}", 123456789.5)"#,
            r#""1.234567895e+08""#,
        ),
        (
            r#"template.HTMLEscape("<a href='x'>&\"</a>")"#,
            r#""&lt;a href=&#39;x&#39;&gt;&amp;&#34;&lt;/a&gt;""#,
        ),
        (
            r#"template.JSEscape("a'b\"c<d>&=\u0001é")"#,
            r#""a\\'b\\\"c\\u003Cd\\u003E\\u0026\\u003D\\u0001é""#,
        ),
    ]);
}
#[test]
fn yaml_more() {
    check(&[
        (r#"yaml.Marshal("a\nb")"#, r#""|-\n  a\n  b\n""#),
        (r#"yaml.Marshal("")"#, r#""\"\"\n""#),
        (
            r#"yaml.Marshal([[1, 2], [], [{}], [[3]]])"#,
            r#""- - 1\n  - 2\n- []\n- - {}\n- - - 3\n""#,
        ),
        (
            r##"yaml.Marshal({"a: b": 1, "#c": 2, "- d": 3, "?e": 4, "x y": 5, "é": 6, "0": 7, "1.5": 8, "null": 9, "~": 10, "-": 11})"##,
            r#""'a: b': 1\n'#c': 2\n'- d': 3\n?e: 4\nx y: 5\né: 6\n\"0\": 7\n\"1.5\": 8\n\"null\": 9\n\"~\": 10\n'-': 11\n""#,
        ),
        (
            r#"yaml.Marshal({a: [{b: [{c: "x\ny"}]}]})"#,
            r#""a:\n  - b:\n      - c: |-\n          x\n          y\n""#,
        ),
        (
            r#"yaml.Marshal({a: "  lead\ntext"})"#,
            r#""a: |2-\n    lead\n  text\n""#,
        ),
        (
            r#"yaml.Marshal({a: "text\n  trail"})"#,
            r#""a: |-\n  text\n    trail\n""#,
        ),
        (
            r#"yaml.Marshal({a: "x\n\n\ny"})"#,
            r#""a: |-\n  x\n\n\n  y\n""#,
        ),
        (
            r#"yaml.Marshal({a: 1e1000, b: -0.0, c: 0.000001, d: 123456789012345678901234567890.5})"#,
            r#""a: 1E+1000\nb: 0.0\nc: 0.000001\nd: 123456789012345678901234567890.5\n""#,
        ),
        (
            r#"yaml.Marshal({a: "1e3", b: "1E3", c: "+.5", d: "-1", e: "0b1", f: "0o7", g: "0x1", h: "1_0", i: "12:30:45", j: "2006-01-02T15:04:05Z"})"#,
            r#""a: \"1e3\"\nb: \"1E3\"\nc: \"+.5\"\nd: \"-1\"\ne: \"0b1\"\n\"f\": \"0o7\"\ng: \"0x1\"\nh: \"1_0\"\ni: \"12:30:45\"\nj: \"2006-01-02T15:04:05Z\"\n""#,
        ),
        (
            r#"yaml.Marshal({a: "Yes", b: "NO", c: "ON", d: "oFF", e: "True", f: "nULL"})"#,
            r#""a: \"Yes\"\nb: \"NO\"\nc: \"ON\"\nd: oFF\ne: \"True\"\n\"f\": nULL\n""#,
        ),
        (
            r#"yaml.Marshal({a: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: b"})"#,
            r#""a: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: b'\n""#,
        ),
    ]);
}

/// Prints `path name` for every function and constant (run by hand to
/// compare with upstream's package lists).
#[test]
#[ignore]
fn print_names() {
    for path in roam_cue::stdlib::package_paths() {
        let p = roam_cue::stdlib::package(path).unwrap();
        for f in p.funcs {
            println!("{path} {}", f.name);
        }
        for (c, _) in p.consts {
            println!("{path} {c}");
        }
    }
}

/// Differential helper (run by hand): reads `[[key, value], …]` from the
/// JSON file named by `STDLIB_YAML_CASES` and prints, one a line, the JSON
/// string of `marshal_yaml({key: value})`.
#[test]
#[ignore]
fn print_yaml_cases() {
    let Ok(path) = std::env::var("STDLIB_YAML_CASES") else {
        return;
    };
    let cases: Vec<(String, String)> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for (k, v) in cases {
        let out = roam_cue::stdlib::marshal_yaml(&Val::fields([(k, Val::str(v))])).unwrap();
        println!("{}", serde_json::to_string(&out).unwrap());
    }
}

/// Differential helper (run by hand): reads JSON values, one a line, from
/// the file named by `STDLIB_YAML_VALUES` and prints, one a line, the JSON
/// string of `marshal_yaml` of each (read with `json.Unmarshal`).
#[test]
#[ignore]
fn print_yaml_values() {
    let Ok(path) = std::env::var("STDLIB_YAML_VALUES") else {
        return;
    };
    let all = std::fs::read_to_string(path).unwrap();
    let unmarshal = roam_cue::stdlib::package("encoding/json")
        .unwrap()
        .func("Unmarshal")
        .unwrap();
    for text in all.lines() {
        let val = (unmarshal.f)(&mut TestCtx, &[Val::str(text)]).unwrap();
        let out = roam_cue::stdlib::marshal_yaml(&val).unwrap();
        println!("{}", serde_json::to_string(&out).unwrap());
    }
}

/// marshal_yaml on generated documents, against `cue export` (v0.17.1):
/// complex keys, block indicators, BOM-prefixed and U+2028 strings.
#[test]
fn marshal_yaml_generated() {
    let unmarshal = roam_cue::stdlib::package("encoding/json")
        .unwrap()
        .func("Unmarshal")
        .unwrap();
    let v = (unmarshal.f)(
        &mut TestCtx,
        &[Val::str(
            "[{}, {\"b-:eN\": {\":.a\\n\": [null], \"k\": 32, \"ae\": [false]}}]",
        )],
    )
    .unwrap();
    assert_eq!(
        roam_cue::stdlib::marshal_yaml(&v).unwrap(),
        "- {}\n- b-:eN:\n    ? |\n      :.a\n    : - null\n    k: 32\n    ae:\n      - false\n"
    );
    let v = (unmarshal.f)(
        &mut TestCtx,
        &[Val::str(
            "{\"k\": [null, -3.99], \"ee#\": false, \"\\n1n\": {}}",
        )],
    )
    .unwrap();
    assert_eq!(
        roam_cue::stdlib::marshal_yaml(&v).unwrap(),
        "k:\n  - null\n  - -3.99\nee#: false\n? |2-\n\n  1n\n: {}\n"
    );
    let v = (unmarshal.f)(&mut TestCtx, &[Val::str("[{\"k\": [], \"y#aY \": 3.95}, 6.65, {\"y-#\": {\"k\": {\"y\": null, \".: N\\n\": 5.92, \"Ye\\u00e9b\\n\": null}}, \"k\": [[null, null], [], false]}]")]).unwrap();
    assert_eq!(
        roam_cue::stdlib::marshal_yaml(&v).unwrap(),
        "- k: []\n  'y#aY ': 3.95\n- 6.65\n- y-#:\n    k:\n      \"y\": null\n      ? |\n        .: N\n      : 5.92\n      ? |\n        Ye\u{e9}b\n      : null\n  k:\n    - - null\n      - null\n    - []\n    - false\n"
    );
    let v = (unmarshal.f)(&mut TestCtx, &[Val::str("{\"n.\": {\"k\": \". ye\"}, \"n-.-\\n\": {\"0anbn\": {\"b\": -8.16, \"ybb\": null, \": \": [\"y\\u00e9#a\"]}, \"n.\": [\"y9\"], \".0bN\": {}}}")]).unwrap();
    assert_eq!(
        roam_cue::stdlib::marshal_yaml(&v).unwrap(),
        "n.:\n  k: . ye\n? |\n  n-.-\n: 0anbn:\n    b: -8.16\n    ybb: null\n    ': ':\n      - y\u{e9}#a\n  n.:\n    - y9\n  .0bN: {}\n"
    );
    let v = (unmarshal.f)(&mut TestCtx, &[Val::str("{\": \": [1.49, {\"k\": {\"#9 1\": true, \"e\": false, \"-:0\\u00e9\": \"n\"}, \"Y-nb\": {\"NNa:\": null}}], \"\\n1\": [{\"e.\": {}}, [43, {\"N \": null, \"yn\": 3.59}, true]]}")]).unwrap();
    assert_eq!(
        roam_cue::stdlib::marshal_yaml(&v).unwrap(),
        "': ':\n  - 1.49\n  - k:\n      '#9 1': true\n      e: false\n      -:0\u{e9}: \"n\"\n    Y-nb:\n      'NNa:': null\n? |2-\n\n  1\n: - e.: {}\n  - - 43\n    - 'N ': null\n      yn: 3.59\n    - true\n"
    );
    let v = (unmarshal.f)(&mut TestCtx, &[Val::str("{\"\\u00e9\": {\"b\\u00e9\": \":e\\u00e90y\"}, \"1- \": [], \"\\n\\u00e9y:\\u00e9\": -8.74}")]).unwrap();
    assert_eq!(
        roam_cue::stdlib::marshal_yaml(&v).unwrap(),
        "\u{e9}:\n  b\u{e9}: :e\u{e9}0y\n\"1- \": []\n? |2-\n\n  \u{e9}y:\u{e9}\n: -8.74\n"
    );
    assert_eq!(
        roam_cue::stdlib::marshal_yaml(&Val::fields([("\u{2029}*:E\u{1f600}", Val::str("#7N"))]))
            .unwrap(),
        "? \"\\P*:E\\U0001F600\"\n: '#7N'\n"
    );
    assert_eq!(
        roam_cue::stdlib::marshal_yaml(&Val::fields([("55_.9bYr-", Val::str("\u{2028}n>"))]))
            .unwrap(),
        "55_.9bYr-: '\u{2028}  n>'\n"
    );
    assert_eq!(
        roam_cue::stdlib::marshal_yaml(&Val::fields([(
            "a\u{0}'\u{feff}\u{e9}\u{85}`}|",
            Val::str("")
        )]))
        .unwrap(),
        "? \"a\\0'\\uFEFF\u{e9}\\N`}|\"\n: \"\"\n"
    );
    assert_eq!(
        roam_cue::stdlib::marshal_yaml(&Val::fields([(
            "/\u{2028}n\u{a0}'",
            Val::str(",!\u{2028}8756y\t>")
        )]))
        .unwrap(),
        "? '/\u{2028}  n\u{a0}'''\n: \",!\\L8756y\\t>\"\n"
    );
    assert_eq!(
        roam_cue::stdlib::marshal_yaml(&Val::fields([(
            "\u{0}3\u{2029}u{3\"x\\ ",
            Val::str("`\u{0}\\7")
        )]))
        .unwrap(),
        "? \"\\03\\Pu{3\\\"x\\\\ \"\n: \"`\\0\\\\7\"\n"
    );
    assert_eq!(
        roam_cue::stdlib::marshal_yaml(&Val::fields([(
            "t3T\u{2028}*r\"8>b",
            Val::str("atb[e/'1[|")
        )]))
        .unwrap(),
        "? 't3T\u{2028}  *r\"8>b'\n: atb[e/'1[|\n"
    );
    assert_eq!(
        roam_cue::stdlib::marshal_yaml(&Val::fields([("25:", Val::str("Exr\u{feff}\u{7f}>e "))]))
            .unwrap(),
        "'25:': \"Exr\\uFEFF\\x7F>e \"\n"
    );
    assert_eq!(
        roam_cue::stdlib::marshal_yaml(&Val::fields([("2+-\u{2029}0\u{2028}", Val::str("+e\t"))]))
            .unwrap(),
        "? '2+-\u{2029}  0\u{2028}'\n: \"+e\\t\"\n"
    );
}

/// Differential helper (run by hand): reads YAML documents as JSON strings,
/// one a line, from the file named by `STDLIB_YAML_DOCS` and prints, one a
/// line, `json.Marshal` of `yaml.Unmarshal` of each, or `error`.
#[test]
#[ignore]
fn print_yaml_unmarshal() {
    let Ok(path) = std::env::var("STDLIB_YAML_DOCS") else {
        return;
    };
    let all = std::fs::read_to_string(path).unwrap();
    let yaml = roam_cue::stdlib::package("encoding/yaml").unwrap();
    let json = roam_cue::stdlib::package("encoding/json").unwrap();
    for line in all.lines() {
        let doc: String = serde_json::from_str(line).unwrap();
        let r = (yaml.func("Unmarshal").unwrap().f)(&mut TestCtx, &[Val::str(doc)])
            .and_then(|v| (json.func("Marshal").unwrap().f)(&mut TestCtx, &[v]));
        match r {
            Ok(Val::Str(s)) => println!("{s}"),
            _ => println!("error"),
        }
    }
}

/// yaml.Unmarshal of generated documents, against `cue export` (v0.17.1).
#[test]
fn yaml_unmarshal_generated() {
    let yaml = roam_cue::stdlib::package("encoding/yaml").unwrap();
    let json = roam_cue::stdlib::package("encoding/json").unwrap();
    let run = |doc: &str| {
        (yaml.func("Unmarshal").unwrap().f)(&mut TestCtx, &[Val::str(doc)])
            .and_then(|v| (json.func("Marshal").unwrap().f)(&mut TestCtx, &[v]))
            .ok()
    };
    assert_eq!(
        run("-9223372036854775808\n"),
        Some(Val::str("-9223372036854775808"))
    );
    assert_eq!(run(".inf\n"), None);
    assert_eq!(
        run(
            "- 1\n-\n  \"q k\":\n    - 'it''s'\n  x y:\n    true: .5\n    k1: []\n-\n  a:\n    - -0b11\n"
        ),
        Some(Val::str(
            "[1,{\"q k\":[\"it's\"],\"x y\":{\"true\":0.5,\"k1\":[]}},{\"a\":[-3]}]"
        ))
    );
    assert_eq!(
        run(
            "null:\n  -\n    true: 0b101\n    null: 1e3\n  -\n    a: null\n\"q k\":\n  \"q k\":\n    - -9223372036854775808\n    - -0b11\n  k1:\n    a: .inf\n    c: off\n    x y: 0b101\n"
        ),
        None
    );
    assert_eq!(run("\"1\"\n"), Some(Val::str("\"1\"")));
    assert_eq!(run("[1, 2]\n"), Some(Val::str("[1,2]")));
    assert_eq!(
        run("\"q k\": 'it''s'\nnull: a#b\n"),
        Some(Val::str("{\"q k\":\"it's\",\"null\":\"a#b\"}"))
    );
    assert_eq!(run("- x\n"), Some(Val::str("[\"x\"]")));
    assert_eq!(run("no\n"), Some(Val::str("\"no\"")));
    assert_eq!(
        run("-\n  a: -0b11\n- {}\n"),
        Some(Val::str("[{\"a\":-3},{}]"))
    );
    assert_eq!(
        run("x y: 0x1F\n\"q k\": 1_000\n"),
        Some(Val::str("{\"x y\":31,\"q k\":1000}"))
    );
    assert_eq!(
        run("-\n  \"q k\":\n    - []\n  1: 1e3\n"),
        Some(Val::str("[{\"q k\":[[]],\"1\":1E+3}]"))
    );
    assert_eq!(
        run("true:\n  - []\n  -\n    - a#b\n    - a b\n    - !!float 3.5\n  - on\n"),
        Some(Val::str("{\"true\":[[],[\"a#b\",\"a b\",3.5],\"on\"]}"))
    );
    assert_eq!(run("n\n"), Some(Val::str("\"n\"")));
    assert_eq!(
        run("-\n  -\n    a: -2\n  -\n    null: .inf\n    1: +1\n- 2024-01-02\n"),
        None
    );
    assert_eq!(
        run(
            "\"q k\":\n  a:\n    c: Null\n    \"q k\": +1\n    true: 1_000\nb:\n  -\n    - {a: 1}\n  -\n    1: null\n"
        ),
        Some(Val::str(
            "{\"q k\":{\"a\":{\"c\":null,\"q k\":1,\"true\":1000}},\"b\":[[{\"a\":1}],{\"1\":null}]}"
        ))
    );
    assert_eq!(
        run("\"q k\": 1.5\na:\n  - [1, 2]\n"),
        Some(Val::str("{\"q k\":1.5,\"a\":[[1,2]]}"))
    );
    assert_eq!(run("\"q k\": a #c\n"), Some(Val::str("{\"q k\":\"a\"}")));
    assert_eq!(
        run(
            "- 1e3\n-\n  -\n    null: abc\n    \"q k\": abc\n  - abc\n  - 1\n-\n  -\n    x y: !!float 3.5\n    k1: \"dq\\tx\"\n  -\n    x y: -9223372036854775808\n    1: []\n    b: no\n  - true\n"
        ),
        Some(Val::str(
            "[1E+3,[{\"null\":\"abc\",\"q k\":\"abc\"},\"abc\",1],[{\"x y\":3.5,\"k1\":\"dq\\tx\"},{\"x y\":-9223372036854775808,\"1\":[],\"b\":\"no\"},true]]"
        ))
    );
    assert_eq!(run("- x\n"), Some(Val::str("[\"x\"]")));
    assert_eq!(
        run("k1:\n  a: !!null \"\"\n  b: on\nx y:\n  - ~\n"),
        Some(Val::str(
            "{\"k1\":{\"a\":null,\"b\":\"on\"},\"x y\":[null]}"
        ))
    );
    assert_eq!(run("{}\n"), Some(Val::str("{}")));
    assert_eq!(
        run("k1:\n  a:\n    - 0o17\n    - true\n    - 18446744073709551615\n"),
        Some(Val::str("{\"k1\":{\"a\":[15,true,18446744073709551615]}}"))
    );
    assert_eq!(
        run("-\n  -\n    a: 017\n"),
        Some(Val::str("[[{\"a\":15}]]"))
    );
    assert_eq!(
        run("-\n  x y:\n    - 017\n    - \"1\"\n"),
        Some(Val::str("[{\"x y\":[15,\"1\"]}]"))
    );
    assert_eq!(run("on\n"), Some(Val::str("\"on\"")));
    assert_eq!(run("~\n"), Some(Val::str("null")));
    assert_eq!(
        run("b: 1\ntrue:\n  c: \"dq\\tx\"\n  x y: a#b\n  a:\n    - 1.\n    - !!int \"7\"\n"),
        Some(Val::str(
            "{\"b\":1,\"true\":{\"c\":\"dq\\tx\",\"x y\":\"a#b\",\"a\":[1,7]}}"
        ))
    );
    assert_eq!(run("!!int \"7\"\n"), Some(Val::str("7")));
    assert_eq!(
        run("- -9223372036854775808\n"),
        Some(Val::str("[-9223372036854775808]"))
    );
    assert_eq!(run("-0b11\n"), Some(Val::str("-3")));
    assert_eq!(run("a b\n"), Some(Val::str("\"a b\"")));
    assert_eq!(run("1e3\n"), Some(Val::str("1E+3")));
    assert_eq!(
        run(
            "1:\n  \"q k\": !!int \"7\"\n  b:\n    x y: x: y\n    b: 0b101\n  a:\n    - 0x1F\nx y: 1_000\n"
        ),
        None
    );
    assert_eq!(run("- -2\n- {a: 1}\n"), Some(Val::str("[-2,{\"a\":1}]")));
    assert_eq!(run("{a: 1}\n"), Some(Val::str("{\"a\":1}")));
    assert_eq!(run("'it''s'\n"), Some(Val::str("\"it's\"")));
    assert_eq!(
        run("\"q k\":\n  x y:\n    - !!null \"\"\nb:\n  x y: 0b101\n"),
        Some(Val::str("{\"q k\":{\"x y\":[null]},\"b\":{\"x y\":5}}"))
    );
    assert_eq!(run("017\n"), Some(Val::str("15")));
    assert_eq!(run("+1\n"), Some(Val::str("1")));
    assert_eq!(
        run("a: &x {b: 1}\nc: *x\nd:\n  <<: *x\n  e: 2\n"),
        Some(Val::str(
            "{\"a\":{\"b\":1},\"c\":{\"b\":1},\"d\":{\"b\":1,\"e\":2}}"
        ))
    );
    assert_eq!(
        run("# comment\na: 1 # trailing\n"),
        Some(Val::str("{\"a\":1}"))
    );
    assert_eq!(
        run("a: |\n  x\n  y\n"),
        Some(Val::str("{\"a\":\"x\\ny\\n\"}"))
    );
    assert_eq!(
        run("a: >\n  x\n  y\n"),
        Some(Val::str("{\"a\":\"x y\\n\"}"))
    );
    assert_eq!(run("---\na: 1\n"), Some(Val::str("{\"a\":1}")));
    assert_eq!(
        run("a: [1, {b: 2}, [3]]\n"),
        Some(Val::str("{\"a\":[1,{\"b\":2},[3]]}"))
    );
    assert_eq!(run("a:\n- 1\n- 2\n"), Some(Val::str("{\"a\":[1,2]}")));
    assert_eq!(run("\"a\": \"b\"\n"), Some(Val::str("{\"a\":\"b\"}")));
}
#[test]
fn strings_random() {
    check(&[
        (r#"strings.ToUpper("\U0001F600\u00e9.")"#, r#""😀É.""#),
        (r#"strings.ToLower("\U0001F600\u00e9.")"#, r#""😀é.""#),
        (r#"strings.ToTitle("\U0001F600\u00e9.")"#, r#""😀é.""#),
        (r#"strings.ToCamel("\U0001F600\u00e9.")"#, r#""😀é.""#),
        (r#"strings.Fields("\U0001F600\u00e9.")"#, r#"["😀é."]"#),
        (r#"strings.TrimSpace("\U0001F600\u00e9.")"#, r#""😀é.""#),
        (
            r#"strings.Split("\U0001F600\u00e9.", "")"#,
            r#"["😀", "é", "."]"#,
        ),
        (r#"strings.Trim("\U0001F600\u00e9.", "")"#, r#""😀é.""#),
        (r#"strconv.Quote("\U0001F600\u00e9.")"#, r#""\"😀é.\"""#),
        (
            r#"strconv.QuoteToASCII("\U0001F600\u00e9.")"#,
            r#""\"\\U0001f600\\u00e9.\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("\U0001F600\u00e9.")"#,
            r#""\"😀é.\"""#,
        ),
        (r#"json.Marshal("\U0001F600\u00e9.")"#, r#""\"😀é.\"""#),
        (
            r#"strings.Runes("\U0001F600\u00e9.")"#,
            r#"[128512, 233, 46]"#,
        ),
        (
            r#"strings.Replace("\U0001F600\u00e9.", "", "X", -1)"#,
            r#""X😀XéX.X""#,
        ),
        (r#"strings.LastIndexAny("\U0001F600\u00e9.", "")"#, r#"-1"#),
        (r#"html.Escape("\U0001F600\u00e9.")"#, r#""😀é.""#),
        (
            r#"net.QueryEscape("\U0001F600\u00e9.")"#,
            r#""%F0%9F%98%80%C3%A9.""#,
        ),
        (
            r#"net.PathEscape("\U0001F600\u00e9.")"#,
            r#""%F0%9F%98%80%C3%A9.""#,
        ),
        (r#"strings.ToUpper("\"")"#, r#""\"""#),
        (r#"strings.ToLower("\"")"#, r#""\"""#),
        (r#"strings.ToTitle("\"")"#, r#""\"""#),
        (r#"strings.ToCamel("\"")"#, r#""\"""#),
        (r#"strings.Fields("\"")"#, r#"["\""]"#),
        (r#"strings.TrimSpace("\"")"#, r#""\"""#),
        (r#"strings.Split("\"", "")"#, r#"["\""]"#),
        (r#"strings.Trim("\"", "")"#, r#""\"""#),
        (r#"strconv.Quote("\"")"#, r#""\"\\\"\"""#),
        (r#"strconv.QuoteToASCII("\"")"#, r#""\"\\\"\"""#),
        (r#"strconv.QuoteToGraphic("\"")"#, r#""\"\\\"\"""#),
        (r#"json.Marshal("\"")"#, r#""\"\\\"\"""#),
        (r#"strings.Runes("\"")"#, r#"[34]"#),
        (r#"strings.Replace("\"", "", "X", -1)"#, r#""X\"X""#),
        (r#"strings.LastIndexAny("\"", "")"#, r#"-1"#),
        (r#"html.Escape("\"")"#, r#""&#34;""#),
        (r#"net.QueryEscape("\"")"#, r#""%22""#),
        (r#"net.PathEscape("\"")"#, r#""%22""#),
        (r#"strings.ToUpper("\u00a0\u0130")"#, r#""\u00a0İ""#),
        (r#"strings.ToLower("\u00a0\u0130")"#, r#""\u00a0i""#),
        (r#"strings.ToTitle("\u00a0\u0130")"#, r#""\u00a0İ""#),
        (r#"strings.ToCamel("\u00a0\u0130")"#, r#""\u00a0i""#),
        (r#"strings.Fields("\u00a0\u0130")"#, r#"["İ"]"#),
        (r#"strings.TrimSpace("\u00a0\u0130")"#, r#""İ""#),
        (r#"strings.Split("\u00a0\u0130", " _")"#, r#"["\u00a0İ"]"#),
        (r#"strings.Trim("\u00a0\u0130", " _")"#, r#""\u00a0İ""#),
        (r#"strconv.Quote("\u00a0\u0130")"#, r#""\"\\u00a0İ\"""#),
        (
            r#"strconv.QuoteToASCII("\u00a0\u0130")"#,
            r#""\"\\u00a0\\u0130\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("\u00a0\u0130")"#,
            r#""\"\u00a0İ\"""#,
        ),
        (r#"json.Marshal("\u00a0\u0130")"#, r#""\"\u00a0İ\"""#),
        (r#"strings.Runes("\u00a0\u0130")"#, r#"[160, 304]"#),
        (
            r#"strings.Replace("\u00a0\u0130", " _", "X", -1)"#,
            r#""\u00a0İ""#,
        ),
        (r#"strings.LastIndexAny("\u00a0\u0130", " _")"#, r#"-1"#),
        (r#"html.Escape("\u00a0\u0130")"#, r#""\u00a0İ""#),
        (r#"net.QueryEscape("\u00a0\u0130")"#, r#""%C2%A0%C4%B0""#),
        (r#"net.PathEscape("\u00a0\u0130")"#, r#""%C2%A0%C4%B0""#),
        (r#"strings.ToUpper("\U0001F600\\B\u00df")"#, r#""😀\\Bß""#),
        (r#"strings.ToLower("\U0001F600\\B\u00df")"#, r#""😀\\bß""#),
        (r#"strings.ToTitle("\U0001F600\\B\u00df")"#, r#""😀\\Bß""#),
        (r#"strings.ToCamel("\U0001F600\\B\u00df")"#, r#""😀\\Bß""#),
        (r#"strings.Fields("\U0001F600\\B\u00df")"#, r#"["😀\\Bß"]"#),
        (r#"strings.TrimSpace("\U0001F600\\B\u00df")"#, r#""😀\\Bß""#),
        (
            r#"strings.Split("\U0001F600\\B\u00df", "")"#,
            r#"["😀", "\\", "B", "ß"]"#,
        ),
        (r#"strings.Trim("\U0001F600\\B\u00df", "")"#, r#""😀\\Bß""#),
        (
            r#"strconv.Quote("\U0001F600\\B\u00df")"#,
            r#""\"😀\\\\Bß\"""#,
        ),
        (
            r#"strconv.QuoteToASCII("\U0001F600\\B\u00df")"#,
            r#""\"\\U0001f600\\\\B\\u00df\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("\U0001F600\\B\u00df")"#,
            r#""\"😀\\\\Bß\"""#,
        ),
        (
            r#"json.Marshal("\U0001F600\\B\u00df")"#,
            r#""\"😀\\\\Bß\"""#,
        ),
        (
            r#"strings.Runes("\U0001F600\\B\u00df")"#,
            r#"[128512, 92, 66, 223]"#,
        ),
        (
            r#"strings.Replace("\U0001F600\\B\u00df", "", "X", -1)"#,
            r#""X😀X\\XBXßX""#,
        ),
        (
            r#"strings.LastIndexAny("\U0001F600\\B\u00df", "")"#,
            r#"-1"#,
        ),
        (r#"html.Escape("\U0001F600\\B\u00df")"#, r#""😀\\Bß""#),
        (
            r#"net.QueryEscape("\U0001F600\\B\u00df")"#,
            r#""%F0%9F%98%80%5CB%C3%9F""#,
        ),
        (
            r#"net.PathEscape("\U0001F600\\B\u00df")"#,
            r#""%F0%9F%98%80%5CB%C3%9F""#,
        ),
        (r#"strings.ToUpper("\u0130\u01c5\n\n;")"#, r#""İǄ\n\n;""#),
        (r#"strings.ToLower("\u0130\u01c5\n\n;")"#, r#""iǆ\n\n;""#),
        (r#"strings.ToTitle("\u0130\u01c5\n\n;")"#, r#""İǅ\n\n;""#),
        (r#"strings.ToCamel("\u0130\u01c5\n\n;")"#, r#""iǅ\n\n;""#),
        (r#"strings.Fields("\u0130\u01c5\n\n;")"#, r#"["İǅ", ";"]"#),
        (r#"strings.TrimSpace("\u0130\u01c5\n\n;")"#, r#""İǅ\n\n;""#),
        (r#"strings.Trim("\u0130\u01c5\n\n;", "")"#, r#""İǅ\n\n;""#),
        (
            r#"strconv.Quote("\u0130\u01c5\n\n;")"#,
            r#""\"İǅ\\n\\n;\"""#,
        ),
        (
            r#"strconv.QuoteToASCII("\u0130\u01c5\n\n;")"#,
            r#""\"\\u0130\\u01c5\\n\\n;\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("\u0130\u01c5\n\n;")"#,
            r#""\"İǅ\\n\\n;\"""#,
        ),
        (r#"json.Marshal("\u0130\u01c5\n\n;")"#, r#""\"İǅ\\n\\n;\"""#),
        (
            r#"strings.Runes("\u0130\u01c5\n\n;")"#,
            r#"[304, 453, 10, 10, 59]"#,
        ),
        (
            r#"strings.Replace("\u0130\u01c5\n\n;", "", "X", -1)"#,
            r#""XİXǅX\nX\nX;X""#,
        ),
        (r#"strings.LastIndexAny("\u0130\u01c5\n\n;", "")"#, r#"-1"#),
        (r#"html.Escape("\u0130\u01c5\n\n;")"#, r#""İǅ\n\n;""#),
        (
            r#"net.QueryEscape("\u0130\u01c5\n\n;")"#,
            r#""%C4%B0%C7%85%0A%0A%3B""#,
        ),
        (
            r#"net.PathEscape("\u0130\u01c5\n\n;")"#,
            r#""%C4%B0%C7%85%0A%0A%3B""#,
        ),
        (r#"strings.ToUpper("")"#, r#""""#),
        (r#"strings.ToLower("")"#, r#""""#),
        (r#"strings.ToTitle("")"#, r#""""#),
        (r#"strings.ToCamel("")"#, r#""""#),
        (r#"strings.Fields("")"#, r#"[]"#),
        (r#"strings.TrimSpace("")"#, r#""""#),
        (r#"strings.Split("", "")"#, r#"[]"#),
        (r#"strings.Trim("", "")"#, r#""""#),
        (r#"strconv.Quote("")"#, r#""\"\"""#),
        (r#"strconv.QuoteToASCII("")"#, r#""\"\"""#),
        (r#"strconv.QuoteToGraphic("")"#, r#""\"\"""#),
        (r#"json.Marshal("")"#, r#""\"\"""#),
        (r#"strings.Runes("")"#, r#"[]"#),
        (r#"strings.Replace("", "", "X", -1)"#, r#""X""#),
        (r#"strings.LastIndexAny("", "")"#, r#"-1"#),
        (r#"html.Escape("")"#, r#""""#),
        (r#"net.QueryEscape("")"#, r#""""#),
        (r#"net.PathEscape("")"#, r#""""#),
        (r#"strings.ToUpper("\u03a3 \\\u00df")"#, r#""Σ \\ß""#),
        (r#"strings.ToLower("\u03a3 \\\u00df")"#, r#""σ \\ß""#),
        (r#"strings.ToTitle("\u03a3 \\\u00df")"#, r#""Σ \\ß""#),
        (r#"strings.ToCamel("\u03a3 \\\u00df")"#, r#""σ \\ß""#),
        (r#"strings.Fields("\u03a3 \\\u00df")"#, r#"["Σ", "\\ß"]"#),
        (r#"strings.TrimSpace("\u03a3 \\\u00df")"#, r#""Σ \\ß""#),
        (r#"strings.Split("\u03a3 \\\u00df", "z-")"#, r#"["Σ \\ß"]"#),
        (r#"strings.Trim("\u03a3 \\\u00df", "z-")"#, r#""Σ \\ß""#),
        (r#"strconv.Quote("\u03a3 \\\u00df")"#, r#""\"Σ \\\\ß\"""#),
        (
            r#"strconv.QuoteToASCII("\u03a3 \\\u00df")"#,
            r#""\"\\u03a3 \\\\\\u00df\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("\u03a3 \\\u00df")"#,
            r#""\"Σ \\\\ß\"""#,
        ),
        (r#"json.Marshal("\u03a3 \\\u00df")"#, r#""\"Σ \\\\ß\"""#),
        (
            r#"strings.Runes("\u03a3 \\\u00df")"#,
            r#"[931, 32, 92, 223]"#,
        ),
        (
            r#"strings.Replace("\u03a3 \\\u00df", "z-", "X", -1)"#,
            r#""Σ \\ß""#,
        ),
        (r#"strings.LastIndexAny("\u03a3 \\\u00df", "z-")"#, r#"-1"#),
        (r#"html.Escape("\u03a3 \\\u00df")"#, r#""Σ \\ß""#),
        (
            r#"net.QueryEscape("\u03a3 \\\u00df")"#,
            r#""%CE%A3+%5C%C3%9F""#,
        ),
        (
            r#"net.PathEscape("\u03a3 \\\u00df")"#,
            r#""%CE%A3%20%5C%C3%9F""#,
        ),
        (r#"strings.ToUpper("\"")"#, r#""\"""#),
        (r#"strings.ToLower("\"")"#, r#""\"""#),
        (r#"strings.ToTitle("\"")"#, r#""\"""#),
        (r#"strings.ToCamel("\"")"#, r#""\"""#),
        (r#"strings.Fields("\"")"#, r#"["\""]"#),
        (r#"strings.TrimSpace("\"")"#, r#""\"""#),
        (r#"strings.Split("\"", "")"#, r#"["\""]"#),
        (r#"strings.Trim("\"", "")"#, r#""\"""#),
        (r#"strconv.Quote("\"")"#, r#""\"\\\"\"""#),
        (r#"strconv.QuoteToASCII("\"")"#, r#""\"\\\"\"""#),
        (r#"strconv.QuoteToGraphic("\"")"#, r#""\"\\\"\"""#),
        (r#"json.Marshal("\"")"#, r#""\"\\\"\"""#),
        (r#"strings.Runes("\"")"#, r#"[34]"#),
        (r#"strings.Replace("\"", "", "X", -1)"#, r#""X\"X""#),
        (r#"strings.LastIndexAny("\"", "")"#, r#"-1"#),
        (r#"html.Escape("\"")"#, r#""&#34;""#),
        (r#"net.QueryEscape("\"")"#, r#""%22""#),
        (r#"net.PathEscape("\"")"#, r#""%22""#),
        (r#"strings.ToUpper("\u01c5 .,\u00df")"#, r#""Ǆ .,ß""#),
        (r#"strings.ToLower("\u01c5 .,\u00df")"#, r#""ǆ .,ß""#),
        (r#"strings.ToTitle("\u01c5 .,\u00df")"#, r#""ǅ .,ß""#),
        (r#"strings.ToCamel("\u01c5 .,\u00df")"#, r#""ǆ .,ß""#),
        (r#"strings.Fields("\u01c5 .,\u00df")"#, r#"["ǅ", ".,ß"]"#),
        (r#"strings.TrimSpace("\u01c5 .,\u00df")"#, r#""ǅ .,ß""#),
        (r#"strings.Split("\u01c5 .,\u00df", "_")"#, r#"["ǅ .,ß"]"#),
        (r#"strings.Trim("\u01c5 .,\u00df", "_")"#, r#""ǅ .,ß""#),
        (r#"strconv.Quote("\u01c5 .,\u00df")"#, r#""\"ǅ .,ß\"""#),
        (
            r#"strconv.QuoteToASCII("\u01c5 .,\u00df")"#,
            r#""\"\\u01c5 .,\\u00df\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("\u01c5 .,\u00df")"#,
            r#""\"ǅ .,ß\"""#,
        ),
        (r#"json.Marshal("\u01c5 .,\u00df")"#, r#""\"ǅ .,ß\"""#),
        (
            r#"strings.Runes("\u01c5 .,\u00df")"#,
            r#"[453, 32, 46, 44, 223]"#,
        ),
        (
            r#"strings.Replace("\u01c5 .,\u00df", "_", "X", -1)"#,
            r#""ǅ .,ß""#,
        ),
        (r#"strings.LastIndexAny("\u01c5 .,\u00df", "_")"#, r#"-1"#),
        (r#"html.Escape("\u01c5 .,\u00df")"#, r#""ǅ .,ß""#),
        (
            r#"net.QueryEscape("\u01c5 .,\u00df")"#,
            r#""%C7%85+.%2C%C3%9F""#,
        ),
        (
            r#"net.PathEscape("\u01c5 .,\u00df")"#,
            r#""%C7%85%20.%2C%C3%9F""#,
        ),
        (r#"strings.ToUpper("B,\\a\u01c5B")"#, r#""B,\\AǄB""#),
        (r#"strings.ToLower("B,\\a\u01c5B")"#, r#""b,\\aǆb""#),
        (r#"strings.ToTitle("B,\\a\u01c5B")"#, r#""B,\\aǅB""#),
        (r#"strings.ToCamel("B,\\a\u01c5B")"#, r#""b,\\aǅB""#),
        (r#"strings.Fields("B,\\a\u01c5B")"#, r#"["B,\\aǅB"]"#),
        (r#"strings.TrimSpace("B,\\a\u01c5B")"#, r#""B,\\aǅB""#),
        (
            r#"strings.Split("B,\\a\u01c5B", "\ufb01")"#,
            r#"["B,\\aǅB"]"#,
        ),
        (r#"strings.Trim("B,\\a\u01c5B", "\ufb01")"#, r#""B,\\aǅB""#),
        (r#"strconv.Quote("B,\\a\u01c5B")"#, r#""\"B,\\\\aǅB\"""#),
        (
            r#"strconv.QuoteToASCII("B,\\a\u01c5B")"#,
            r#""\"B,\\\\a\\u01c5B\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("B,\\a\u01c5B")"#,
            r#""\"B,\\\\aǅB\"""#,
        ),
        (r#"json.Marshal("B,\\a\u01c5B")"#, r#""\"B,\\\\aǅB\"""#),
        (
            r#"strings.Runes("B,\\a\u01c5B")"#,
            r#"[66, 44, 92, 97, 453, 66]"#,
        ),
        (
            r#"strings.Replace("B,\\a\u01c5B", "\ufb01", "X", -1)"#,
            r#""B,\\aǅB""#,
        ),
        (r#"strings.LastIndexAny("B,\\a\u01c5B", "\ufb01")"#, r#"-1"#),
        (r#"html.Escape("B,\\a\u01c5B")"#, r#""B,\\aǅB""#),
        (r#"net.QueryEscape("B,\\a\u01c5B")"#, r#""B%2C%5Ca%C7%85B""#),
        (r#"net.PathEscape("B,\\a\u01c5B")"#, r#""B%2C%5Ca%C7%85B""#),
        (r#"strings.ToUpper("a")"#, r#""A""#),
        (r#"strings.ToLower("a")"#, r#""a""#),
        (r#"strings.ToTitle("a")"#, r#""A""#),
        (r#"strings.ToCamel("a")"#, r#""a""#),
        (r#"strings.Fields("a")"#, r#"["a"]"#),
        (r#"strings.TrimSpace("a")"#, r#""a""#),
        (r#"strings.Split("a", "")"#, r#"["a"]"#),
        (r#"strings.Trim("a", "")"#, r#""a""#),
        (r#"strconv.Quote("a")"#, r#""\"a\"""#),
        (r#"strconv.QuoteToASCII("a")"#, r#""\"a\"""#),
        (r#"strconv.QuoteToGraphic("a")"#, r#""\"a\"""#),
        (r#"json.Marshal("a")"#, r#""\"a\"""#),
        (r#"strings.Runes("a")"#, r#"[97]"#),
        (r#"strings.Replace("a", "", "X", -1)"#, r#""XaX""#),
        (r#"strings.LastIndexAny("a", "")"#, r#"-1"#),
        (r#"html.Escape("a")"#, r#""a""#),
        (r#"net.QueryEscape("a")"#, r#""a""#),
        (r#"net.PathEscape("a")"#, r#""a""#),
        (r#"strings.ToUpper("z\U0001F600a")"#, r#""Z😀A""#),
        (r#"strings.ToLower("z\U0001F600a")"#, r#""z😀a""#),
        (r#"strings.ToTitle("z\U0001F600a")"#, r#""Z😀a""#),
        (r#"strings.ToCamel("z\U0001F600a")"#, r#""z😀a""#),
        (r#"strings.Fields("z\U0001F600a")"#, r#"["z😀a"]"#),
        (r#"strings.TrimSpace("z\U0001F600a")"#, r#""z😀a""#),
        (
            r#"strings.Split("z\U0001F600a", "")"#,
            r#"["z", "😀", "a"]"#,
        ),
        (r#"strings.Trim("z\U0001F600a", "")"#, r#""z😀a""#),
        (r#"strconv.Quote("z\U0001F600a")"#, r#""\"z😀a\"""#),
        (
            r#"strconv.QuoteToASCII("z\U0001F600a")"#,
            r#""\"z\\U0001f600a\"""#,
        ),
        (r#"strconv.QuoteToGraphic("z\U0001F600a")"#, r#""\"z😀a\"""#),
        (r#"json.Marshal("z\U0001F600a")"#, r#""\"z😀a\"""#),
        (r#"strings.Runes("z\U0001F600a")"#, r#"[122, 128512, 97]"#),
        (
            r#"strings.Replace("z\U0001F600a", "", "X", -1)"#,
            r#""XzX😀XaX""#,
        ),
        (r#"strings.LastIndexAny("z\U0001F600a", "")"#, r#"-1"#),
        (r#"html.Escape("z\U0001F600a")"#, r#""z😀a""#),
        (r#"net.QueryEscape("z\U0001F600a")"#, r#""z%F0%9F%98%80a""#),
        (r#"net.PathEscape("z\U0001F600a")"#, r#""z%F0%9F%98%80a""#),
        (r#"strings.ToUpper("\u03a3,,_a ")"#, r#""Σ,,_A ""#),
        (r#"strings.ToLower("\u03a3,,_a ")"#, r#""σ,,_a ""#),
        (r#"strings.ToTitle("\u03a3,,_a ")"#, r#""Σ,,_a ""#),
        (r#"strings.ToCamel("\u03a3,,_a ")"#, r#""σ,,_a ""#),
        (r#"strings.Fields("\u03a3,,_a ")"#, r#"["Σ,,_a"]"#),
        (r#"strings.TrimSpace("\u03a3,,_a ")"#, r#""Σ,,_a""#),
        (
            r#"strings.Split("\u03a3,,_a ", "")"#,
            r#"["Σ", ",", ",", "_", "a", " "]"#,
        ),
        (r#"strings.Trim("\u03a3,,_a ", "")"#, r#""Σ,,_a ""#),
        (r#"strconv.Quote("\u03a3,,_a ")"#, r#""\"Σ,,_a \"""#),
        (
            r#"strconv.QuoteToASCII("\u03a3,,_a ")"#,
            r#""\"\\u03a3,,_a \"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("\u03a3,,_a ")"#,
            r#""\"Σ,,_a \"""#,
        ),
        (r#"json.Marshal("\u03a3,,_a ")"#, r#""\"Σ,,_a \"""#),
        (
            r#"strings.Runes("\u03a3,,_a ")"#,
            r#"[931, 44, 44, 95, 97, 32]"#,
        ),
        (
            r#"strings.Replace("\u03a3,,_a ", "", "X", -1)"#,
            r#""XΣX,X,X_XaX X""#,
        ),
        (r#"strings.LastIndexAny("\u03a3,,_a ", "")"#, r#"-1"#),
        (r#"html.Escape("\u03a3,,_a ")"#, r#""Σ,,_a ""#),
        (r#"net.QueryEscape("\u03a3,,_a ")"#, r#""%CE%A3%2C%2C_a+""#),
        (r#"net.PathEscape("\u03a3,,_a ")"#, r#""%CE%A3%2C%2C_a%20""#),
        (r#"strings.ToUpper("a\u00a0 \u03a3")"#, r#""A\u00a0 Σ""#),
        (r#"strings.ToLower("a\u00a0 \u03a3")"#, r#""a\u00a0 σ""#),
        (r#"strings.ToTitle("a\u00a0 \u03a3")"#, r#""A\u00a0 Σ""#),
        (r#"strings.ToCamel("a\u00a0 \u03a3")"#, r#""a\u00a0 σ""#),
        (r#"strings.Fields("a\u00a0 \u03a3")"#, r#"["a", "Σ"]"#),
        (r#"strings.TrimSpace("a\u00a0 \u03a3")"#, r#""a\u00a0 Σ""#),
        (
            r#"strings.Split("a\u00a0 \u03a3", "\u2028")"#,
            r#"["a\u00a0 Σ"]"#,
        ),
        (
            r#"strings.Trim("a\u00a0 \u03a3", "\u2028")"#,
            r#""a\u00a0 Σ""#,
        ),
        (r#"strconv.Quote("a\u00a0 \u03a3")"#, r#""\"a\\u00a0 Σ\"""#),
        (
            r#"strconv.QuoteToASCII("a\u00a0 \u03a3")"#,
            r#""\"a\\u00a0 \\u03a3\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("a\u00a0 \u03a3")"#,
            r#""\"a\u00a0 Σ\"""#,
        ),
        (r#"json.Marshal("a\u00a0 \u03a3")"#, r#""\"a\u00a0 Σ\"""#),
        (
            r#"strings.Runes("a\u00a0 \u03a3")"#,
            r#"[97, 160, 32, 931]"#,
        ),
        (
            r#"strings.Replace("a\u00a0 \u03a3", "\u2028", "X", -1)"#,
            r#""a\u00a0 Σ""#,
        ),
        (
            r#"strings.LastIndexAny("a\u00a0 \u03a3", "\u2028")"#,
            r#"-1"#,
        ),
        (r#"html.Escape("a\u00a0 \u03a3")"#, r#""a\u00a0 Σ""#),
        (
            r#"net.QueryEscape("a\u00a0 \u03a3")"#,
            r#""a%C2%A0+%CE%A3""#,
        ),
        (
            r#"net.PathEscape("a\u00a0 \u03a3")"#,
            r#""a%C2%A0%20%CE%A3""#,
        ),
        (r#"strings.ToUpper("\u01c5")"#, r#""Ǆ""#),
        (r#"strings.ToLower("\u01c5")"#, r#""ǆ""#),
        (r#"strings.ToTitle("\u01c5")"#, r#""ǅ""#),
        (r#"strings.ToCamel("\u01c5")"#, r#""ǆ""#),
        (r#"strings.Fields("\u01c5")"#, r#"["ǅ"]"#),
        (r#"strings.TrimSpace("\u01c5")"#, r#""ǅ""#),
        (r#"strings.Split("\u01c5", "")"#, r#"["ǅ"]"#),
        (r#"strings.Trim("\u01c5", "")"#, r#""ǅ""#),
        (r#"strconv.Quote("\u01c5")"#, r#""\"ǅ\"""#),
        (r#"strconv.QuoteToASCII("\u01c5")"#, r#""\"\\u01c5\"""#),
        (r#"strconv.QuoteToGraphic("\u01c5")"#, r#""\"ǅ\"""#),
        (r#"json.Marshal("\u01c5")"#, r#""\"ǅ\"""#),
        (r#"strings.Runes("\u01c5")"#, r#"[453]"#),
        (r#"strings.Replace("\u01c5", "", "X", -1)"#, r#""XǅX""#),
        (r#"strings.LastIndexAny("\u01c5", "")"#, r#"-1"#),
        (r#"html.Escape("\u01c5")"#, r#""ǅ""#),
        (r#"net.QueryEscape("\u01c5")"#, r#""%C7%85""#),
        (r#"net.PathEscape("\u01c5")"#, r#""%C7%85""#),
        (r#"strings.ToUpper(",\u0085 ")"#, r#"",\u0085 ""#),
        (r#"strings.ToLower(",\u0085 ")"#, r#"",\u0085 ""#),
        (r#"strings.ToTitle(",\u0085 ")"#, r#"",\u0085 ""#),
        (r#"strings.ToCamel(",\u0085 ")"#, r#"",\u0085 ""#),
        (r#"strings.Fields(",\u0085 ")"#, r#"[","]"#),
        (r#"strings.TrimSpace(",\u0085 ")"#, r#"",""#),
        (
            r#"strings.Split(",\u0085 ", "\u03a3\t")"#,
            r#"[",\u0085 "]"#,
        ),
        (r#"strings.Trim(",\u0085 ", "\u03a3\t")"#, r#"",\u0085 ""#),
        (r#"strconv.Quote(",\u0085 ")"#, r#""\",\\u0085 \"""#),
        (r#"strconv.QuoteToASCII(",\u0085 ")"#, r#""\",\\u0085 \"""#),
        (
            r#"strconv.QuoteToGraphic(",\u0085 ")"#,
            r#""\",\\u0085 \"""#,
        ),
        (r#"json.Marshal(",\u0085 ")"#, r#""\",\u0085 \"""#),
        (r#"strings.Runes(",\u0085 ")"#, r#"[44, 133, 32]"#),
        (
            r#"strings.Replace(",\u0085 ", "\u03a3\t", "X", -1)"#,
            r#"",\u0085 ""#,
        ),
        (r#"strings.LastIndexAny(",\u0085 ", "\u03a3\t")"#, r#"-1"#),
        (r#"html.Escape(",\u0085 ")"#, r#"",\u0085 ""#),
        (r#"net.QueryEscape(",\u0085 ")"#, r#""%2C%C2%85+""#),
        (r#"net.PathEscape(",\u0085 ")"#, r#""%2C%C2%85%20""#),
        (r#"strings.ToUpper("\U0001F600")"#, r#""😀""#),
        (r#"strings.ToLower("\U0001F600")"#, r#""😀""#),
        (r#"strings.ToTitle("\U0001F600")"#, r#""😀""#),
        (r#"strings.ToCamel("\U0001F600")"#, r#""😀""#),
        (r#"strings.Fields("\U0001F600")"#, r#"["😀"]"#),
        (r#"strings.TrimSpace("\U0001F600")"#, r#""😀""#),
        (r#"strings.Split("\U0001F600", "BB")"#, r#"["😀"]"#),
        (r#"strings.Trim("\U0001F600", "BB")"#, r#""😀""#),
        (r#"strconv.Quote("\U0001F600")"#, r#""\"😀\"""#),
        (
            r#"strconv.QuoteToASCII("\U0001F600")"#,
            r#""\"\\U0001f600\"""#,
        ),
        (r#"strconv.QuoteToGraphic("\U0001F600")"#, r#""\"😀\"""#),
        (r#"json.Marshal("\U0001F600")"#, r#""\"😀\"""#),
        (r#"strings.Runes("\U0001F600")"#, r#"[128512]"#),
        (r#"strings.Replace("\U0001F600", "BB", "X", -1)"#, r#""😀""#),
        (r#"strings.LastIndexAny("\U0001F600", "BB")"#, r#"-1"#),
        (r#"html.Escape("\U0001F600")"#, r#""😀""#),
        (r#"net.QueryEscape("\U0001F600")"#, r#""%F0%9F%98%80""#),
        (r#"net.PathEscape("\U0001F600")"#, r#""%F0%9F%98%80""#),
        (r#"strings.ToUpper("\u2028\"")"#, r#""\u2028\"""#),
        (r#"strings.ToLower("\u2028\"")"#, r#""\u2028\"""#),
        (r#"strings.ToTitle("\u2028\"")"#, r#""\u2028\"""#),
        (r#"strings.ToCamel("\u2028\"")"#, r#""\u2028\"""#),
        (r#"strings.Fields("\u2028\"")"#, r#"["\""]"#),
        (r#"strings.TrimSpace("\u2028\"")"#, r#""\"""#),
        (r#"strings.Split("\u2028\"", "\t.")"#, r#"["\u2028\""]"#),
        (r#"strings.Trim("\u2028\"", "\t.")"#, r#""\u2028\"""#),
        (r#"strconv.Quote("\u2028\"")"#, r#""\"\\u2028\\\"\"""#),
        (
            r#"strconv.QuoteToASCII("\u2028\"")"#,
            r#""\"\\u2028\\\"\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("\u2028\"")"#,
            r#""\"\\u2028\\\"\"""#,
        ),
        (r#"json.Marshal("\u2028\"")"#, r#""\"\\u2028\\\"\"""#),
        (r#"strings.Runes("\u2028\"")"#, r#"[8232, 34]"#),
        (
            r#"strings.Replace("\u2028\"", "\t.", "X", -1)"#,
            r#""\u2028\"""#,
        ),
        (r#"strings.LastIndexAny("\u2028\"", "\t.")"#, r#"-1"#),
        (r#"html.Escape("\u2028\"")"#, r#""\u2028&#34;""#),
        (r#"net.QueryEscape("\u2028\"")"#, r#""%E2%80%A8%22""#),
        (r#"net.PathEscape("\u2028\"")"#, r#""%E2%80%A8%22""#),
        (r#"strings.ToUpper("\u03a3Bz\\\u00df")"#, r#""ΣBZ\\ß""#),
        (r#"strings.ToLower("\u03a3Bz\\\u00df")"#, r#""σbz\\ß""#),
        (r#"strings.ToTitle("\u03a3Bz\\\u00df")"#, r#""ΣBz\\ß""#),
        (r#"strings.ToCamel("\u03a3Bz\\\u00df")"#, r#""σBz\\ß""#),
        (r#"strings.Fields("\u03a3Bz\\\u00df")"#, r#"["ΣBz\\ß"]"#),
        (r#"strings.TrimSpace("\u03a3Bz\\\u00df")"#, r#""ΣBz\\ß""#),
        (
            r#"strings.Split("\u03a3Bz\\\u00df", "")"#,
            r#"["Σ", "B", "z", "\\", "ß"]"#,
        ),
        (r#"strings.Trim("\u03a3Bz\\\u00df", "")"#, r#""ΣBz\\ß""#),
        (r#"strconv.Quote("\u03a3Bz\\\u00df")"#, r#""\"ΣBz\\\\ß\"""#),
        (
            r#"strconv.QuoteToASCII("\u03a3Bz\\\u00df")"#,
            r#""\"\\u03a3Bz\\\\\\u00df\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("\u03a3Bz\\\u00df")"#,
            r#""\"ΣBz\\\\ß\"""#,
        ),
        (r#"json.Marshal("\u03a3Bz\\\u00df")"#, r#""\"ΣBz\\\\ß\"""#),
        (
            r#"strings.Runes("\u03a3Bz\\\u00df")"#,
            r#"[931, 66, 122, 92, 223]"#,
        ),
        (
            r#"strings.Replace("\u03a3Bz\\\u00df", "", "X", -1)"#,
            r#""XΣXBXzX\\XßX""#,
        ),
        (r#"strings.LastIndexAny("\u03a3Bz\\\u00df", "")"#, r#"-1"#),
        (r#"html.Escape("\u03a3Bz\\\u00df")"#, r#""ΣBz\\ß""#),
        (
            r#"net.QueryEscape("\u03a3Bz\\\u00df")"#,
            r#""%CE%A3Bz%5C%C3%9F""#,
        ),
        (
            r#"net.PathEscape("\u03a3Bz\\\u00df")"#,
            r#""%CE%A3Bz%5C%C3%9F""#,
        ),
        (r#"strings.ToUpper("\U0001F600")"#, r#""😀""#),
        (r#"strings.ToLower("\U0001F600")"#, r#""😀""#),
        (r#"strings.ToTitle("\U0001F600")"#, r#""😀""#),
        (r#"strings.ToCamel("\U0001F600")"#, r#""😀""#),
        (r#"strings.Fields("\U0001F600")"#, r#"["😀"]"#),
        (r#"strings.TrimSpace("\U0001F600")"#, r#""😀""#),
        (r#"strings.Split("\U0001F600", "B\u00e9")"#, r#"["😀"]"#),
        (r#"strings.Trim("\U0001F600", "B\u00e9")"#, r#""😀""#),
        (r#"strconv.Quote("\U0001F600")"#, r#""\"😀\"""#),
        (
            r#"strconv.QuoteToASCII("\U0001F600")"#,
            r#""\"\\U0001f600\"""#,
        ),
        (r#"strconv.QuoteToGraphic("\U0001F600")"#, r#""\"😀\"""#),
        (r#"json.Marshal("\U0001F600")"#, r#""\"😀\"""#),
        (r#"strings.Runes("\U0001F600")"#, r#"[128512]"#),
        (
            r#"strings.Replace("\U0001F600", "B\u00e9", "X", -1)"#,
            r#""😀""#,
        ),
        (r#"strings.LastIndexAny("\U0001F600", "B\u00e9")"#, r#"-1"#),
        (r#"html.Escape("\U0001F600")"#, r#""😀""#),
        (r#"net.QueryEscape("\U0001F600")"#, r#""%F0%9F%98%80""#),
        (r#"net.PathEscape("\U0001F600")"#, r#""%F0%9F%98%80""#),
        (
            r#"strings.ToUpper("\"\u00a0\u03a3\u03a3\\ ")"#,
            r#""\"\u00a0ΣΣ\\ ""#,
        ),
        (
            r#"strings.ToLower("\"\u00a0\u03a3\u03a3\\ ")"#,
            r#""\"\u00a0σσ\\ ""#,
        ),
        (
            r#"strings.ToTitle("\"\u00a0\u03a3\u03a3\\ ")"#,
            r#""\"\u00a0ΣΣ\\ ""#,
        ),
        (
            r#"strings.ToCamel("\"\u00a0\u03a3\u03a3\\ ")"#,
            r#""\"\u00a0σΣ\\ ""#,
        ),
        (
            r#"strings.Fields("\"\u00a0\u03a3\u03a3\\ ")"#,
            r#"["\"", "ΣΣ\\"]"#,
        ),
        (
            r#"strings.TrimSpace("\"\u00a0\u03a3\u03a3\\ ")"#,
            r#""\"\u00a0ΣΣ\\""#,
        ),
        (
            r#"strings.Split("\"\u00a0\u03a3\u03a3\\ ", "z")"#,
            r#"["\"\u00a0ΣΣ\\ "]"#,
        ),
        (
            r#"strings.Trim("\"\u00a0\u03a3\u03a3\\ ", "z")"#,
            r#""\"\u00a0ΣΣ\\ ""#,
        ),
        (
            r#"strconv.Quote("\"\u00a0\u03a3\u03a3\\ ")"#,
            r#""\"\\\"\\u00a0ΣΣ\\\\ \"""#,
        ),
        (
            r#"strconv.QuoteToASCII("\"\u00a0\u03a3\u03a3\\ ")"#,
            r#""\"\\\"\\u00a0\\u03a3\\u03a3\\\\ \"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("\"\u00a0\u03a3\u03a3\\ ")"#,
            r#""\"\\\"\u00a0ΣΣ\\\\ \"""#,
        ),
        (
            r#"json.Marshal("\"\u00a0\u03a3\u03a3\\ ")"#,
            r#""\"\\\"\u00a0ΣΣ\\\\ \"""#,
        ),
        (
            r#"strings.Runes("\"\u00a0\u03a3\u03a3\\ ")"#,
            r#"[34, 160, 931, 931, 92, 32]"#,
        ),
        (
            r#"strings.Replace("\"\u00a0\u03a3\u03a3\\ ", "z", "X", -1)"#,
            r#""\"\u00a0ΣΣ\\ ""#,
        ),
        (
            r#"strings.LastIndexAny("\"\u00a0\u03a3\u03a3\\ ", "z")"#,
            r#"-1"#,
        ),
        (
            r#"html.Escape("\"\u00a0\u03a3\u03a3\\ ")"#,
            r#""&#34;\u00a0ΣΣ\\ ""#,
        ),
        (
            r#"net.QueryEscape("\"\u00a0\u03a3\u03a3\\ ")"#,
            r#""%22%C2%A0%CE%A3%CE%A3%5C+""#,
        ),
        (
            r#"net.PathEscape("\"\u00a0\u03a3\u03a3\\ ")"#,
            r#""%22%C2%A0%CE%A3%CE%A3%5C%20""#,
        ),
        (
            r#"strings.ToUpper("\u03a3\u00e9\u0130,\u00df,")"#,
            r#""ΣÉİ,ß,""#,
        ),
        (
            r#"strings.ToLower("\u03a3\u00e9\u0130,\u00df,")"#,
            r#""σéi,ß,""#,
        ),
        (
            r#"strings.ToTitle("\u03a3\u00e9\u0130,\u00df,")"#,
            r#""Σéİ,ß,""#,
        ),
        (
            r#"strings.ToCamel("\u03a3\u00e9\u0130,\u00df,")"#,
            r#""σéİ,ß,""#,
        ),
        (
            r#"strings.Fields("\u03a3\u00e9\u0130,\u00df,")"#,
            r#"["Σéİ,ß,"]"#,
        ),
        (
            r#"strings.TrimSpace("\u03a3\u00e9\u0130,\u00df,")"#,
            r#""Σéİ,ß,""#,
        ),
        (
            r#"strings.Split("\u03a3\u00e9\u0130,\u00df,", "a\u00df")"#,
            r#"["Σéİ,ß,"]"#,
        ),
        (
            r#"strings.Trim("\u03a3\u00e9\u0130,\u00df,", "a\u00df")"#,
            r#""Σéİ,ß,""#,
        ),
        (
            r#"strconv.Quote("\u03a3\u00e9\u0130,\u00df,")"#,
            r#""\"Σéİ,ß,\"""#,
        ),
        (
            r#"strconv.QuoteToASCII("\u03a3\u00e9\u0130,\u00df,")"#,
            r#""\"\\u03a3\\u00e9\\u0130,\\u00df,\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("\u03a3\u00e9\u0130,\u00df,")"#,
            r#""\"Σéİ,ß,\"""#,
        ),
        (
            r#"json.Marshal("\u03a3\u00e9\u0130,\u00df,")"#,
            r#""\"Σéİ,ß,\"""#,
        ),
        (
            r#"strings.Runes("\u03a3\u00e9\u0130,\u00df,")"#,
            r#"[931, 233, 304, 44, 223, 44]"#,
        ),
        (
            r#"strings.Replace("\u03a3\u00e9\u0130,\u00df,", "a\u00df", "X", -1)"#,
            r#""Σéİ,ß,""#,
        ),
        (
            r#"strings.LastIndexAny("\u03a3\u00e9\u0130,\u00df,", "a\u00df")"#,
            r#"7"#,
        ),
        (
            r#"html.Escape("\u03a3\u00e9\u0130,\u00df,")"#,
            r#""Σéİ,ß,""#,
        ),
        (
            r#"net.QueryEscape("\u03a3\u00e9\u0130,\u00df,")"#,
            r#""%CE%A3%C3%A9%C4%B0%2C%C3%9F%2C""#,
        ),
        (
            r#"net.PathEscape("\u03a3\u00e9\u0130,\u00df,")"#,
            r#""%CE%A3%C3%A9%C4%B0%2C%C3%9F%2C""#,
        ),
        (r#"strings.ToUpper("\U0001F600_a\u01c5z,")"#, r#""😀_AǄZ,""#),
        (r#"strings.ToLower("\U0001F600_a\u01c5z,")"#, r#""😀_aǆz,""#),
        (r#"strings.ToTitle("\U0001F600_a\u01c5z,")"#, r#""😀_aǅz,""#),
        (r#"strings.ToCamel("\U0001F600_a\u01c5z,")"#, r#""😀_aǅz,""#),
        (
            r#"strings.Fields("\U0001F600_a\u01c5z,")"#,
            r#"["😀_aǅz,"]"#,
        ),
        (
            r#"strings.TrimSpace("\U0001F600_a\u01c5z,")"#,
            r#""😀_aǅz,""#,
        ),
        (
            r#"strings.Split("\U0001F600_a\u01c5z,", "")"#,
            r#"["😀", "_", "a", "ǅ", "z", ","]"#,
        ),
        (
            r#"strings.Trim("\U0001F600_a\u01c5z,", "")"#,
            r#""😀_aǅz,""#,
        ),
        (
            r#"strconv.Quote("\U0001F600_a\u01c5z,")"#,
            r#""\"😀_aǅz,\"""#,
        ),
        (
            r#"strconv.QuoteToASCII("\U0001F600_a\u01c5z,")"#,
            r#""\"\\U0001f600_a\\u01c5z,\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("\U0001F600_a\u01c5z,")"#,
            r#""\"😀_aǅz,\"""#,
        ),
        (
            r#"json.Marshal("\U0001F600_a\u01c5z,")"#,
            r#""\"😀_aǅz,\"""#,
        ),
        (
            r#"strings.Runes("\U0001F600_a\u01c5z,")"#,
            r#"[128512, 95, 97, 453, 122, 44]"#,
        ),
        (
            r#"strings.Replace("\U0001F600_a\u01c5z,", "", "X", -1)"#,
            r#""X😀X_XaXǅXzX,X""#,
        ),
        (
            r#"strings.LastIndexAny("\U0001F600_a\u01c5z,", "")"#,
            r#"-1"#,
        ),
        (r#"html.Escape("\U0001F600_a\u01c5z,")"#, r#""😀_aǅz,""#),
        (
            r#"net.QueryEscape("\U0001F600_a\u01c5z,")"#,
            r#""%F0%9F%98%80_a%C7%85z%2C""#,
        ),
        (
            r#"net.PathEscape("\U0001F600_a\u01c5z,")"#,
            r#""%F0%9F%98%80_a%C7%85z%2C""#,
        ),
        (r#"strings.ToUpper("._ ")"#, r#""._ ""#),
        (r#"strings.ToLower("._ ")"#, r#""._ ""#),
        (r#"strings.ToTitle("._ ")"#, r#""._ ""#),
        (r#"strings.ToCamel("._ ")"#, r#""._ ""#),
        (r#"strings.Fields("._ ")"#, r#"["._"]"#),
        (r#"strings.TrimSpace("._ ")"#, r#""._""#),
        (r#"strings.Split("._ ", "\u0085")"#, r#"["._ "]"#),
        (r#"strings.Trim("._ ", "\u0085")"#, r#""._ ""#),
        (r#"strconv.Quote("._ ")"#, r#""\"._ \"""#),
        (r#"strconv.QuoteToASCII("._ ")"#, r#""\"._ \"""#),
        (r#"strconv.QuoteToGraphic("._ ")"#, r#""\"._ \"""#),
        (r#"json.Marshal("._ ")"#, r#""\"._ \"""#),
        (r#"strings.Runes("._ ")"#, r#"[46, 95, 32]"#),
        (r#"strings.Replace("._ ", "\u0085", "X", -1)"#, r#""._ ""#),
        (r#"strings.LastIndexAny("._ ", "\u0085")"#, r#"-1"#),
        (r#"html.Escape("._ ")"#, r#""._ ""#),
        (r#"net.QueryEscape("._ ")"#, r#""._+""#),
        (r#"net.PathEscape("._ ")"#, r#""._%20""#),
        (r#"strings.ToUpper("z\u00a0")"#, r#""Z\u00a0""#),
        (r#"strings.ToLower("z\u00a0")"#, r#""z\u00a0""#),
        (r#"strings.ToTitle("z\u00a0")"#, r#""Z\u00a0""#),
        (r#"strings.ToCamel("z\u00a0")"#, r#""z\u00a0""#),
        (r#"strings.Fields("z\u00a0")"#, r#"["z"]"#),
        (r#"strings.TrimSpace("z\u00a0")"#, r#""z""#),
        (r#"strings.Split("z\u00a0", "")"#, r#"["z", "\u00a0"]"#),
        (r#"strings.Trim("z\u00a0", "")"#, r#""z\u00a0""#),
        (r#"strconv.Quote("z\u00a0")"#, r#""\"z\\u00a0\"""#),
        (r#"strconv.QuoteToASCII("z\u00a0")"#, r#""\"z\\u00a0\"""#),
        (r#"strconv.QuoteToGraphic("z\u00a0")"#, r#""\"z\u00a0\"""#),
        (r#"json.Marshal("z\u00a0")"#, r#""\"z\u00a0\"""#),
        (r#"strings.Runes("z\u00a0")"#, r#"[122, 160]"#),
        (
            r#"strings.Replace("z\u00a0", "", "X", -1)"#,
            r#""XzX\u00a0X""#,
        ),
        (r#"strings.LastIndexAny("z\u00a0", "")"#, r#"-1"#),
        (r#"html.Escape("z\u00a0")"#, r#""z\u00a0""#),
        (r#"net.QueryEscape("z\u00a0")"#, r#""z%C2%A0""#),
        (r#"net.PathEscape("z\u00a0")"#, r#""z%C2%A0""#),
        (r#"strings.ToUpper("")"#, r#""""#),
        (r#"strings.ToLower("")"#, r#""""#),
        (r#"strings.ToTitle("")"#, r#""""#),
        (r#"strings.ToCamel("")"#, r#""""#),
        (r#"strings.Fields("")"#, r#"[]"#),
        (r#"strings.TrimSpace("")"#, r#""""#),
        (r#"strings.Split("", "\u2028")"#, r#"[""]"#),
        (r#"strings.Trim("", "\u2028")"#, r#""""#),
        (r#"strconv.Quote("")"#, r#""\"\"""#),
        (r#"strconv.QuoteToASCII("")"#, r#""\"\"""#),
        (r#"strconv.QuoteToGraphic("")"#, r#""\"\"""#),
        (r#"json.Marshal("")"#, r#""\"\"""#),
        (r#"strings.Runes("")"#, r#"[]"#),
        (r#"strings.Replace("", "\u2028", "X", -1)"#, r#""""#),
        (r#"strings.LastIndexAny("", "\u2028")"#, r#"-1"#),
        (r#"html.Escape("")"#, r#""""#),
        (r#"net.QueryEscape("")"#, r#""""#),
        (r#"net.PathEscape("")"#, r#""""#),
        (
            r#"strings.ToUpper("\u01c5\ufb01\u00e9\\;\u03a3")"#,
            r#""ǄﬁÉ\\;Σ""#,
        ),
        (
            r#"strings.ToLower("\u01c5\ufb01\u00e9\\;\u03a3")"#,
            r#""ǆﬁé\\;σ""#,
        ),
        (
            r#"strings.ToTitle("\u01c5\ufb01\u00e9\\;\u03a3")"#,
            r#""ǅﬁé\\;Σ""#,
        ),
        (
            r#"strings.ToCamel("\u01c5\ufb01\u00e9\\;\u03a3")"#,
            r#""ǆﬁé\\;Σ""#,
        ),
        (
            r#"strings.Fields("\u01c5\ufb01\u00e9\\;\u03a3")"#,
            r#"["ǅﬁé\\;Σ"]"#,
        ),
        (
            r#"strings.TrimSpace("\u01c5\ufb01\u00e9\\;\u03a3")"#,
            r#""ǅﬁé\\;Σ""#,
        ),
        (
            r#"strings.Split("\u01c5\ufb01\u00e9\\;\u03a3", " \u01c5")"#,
            r#"["ǅﬁé\\;Σ"]"#,
        ),
        (
            r#"strings.Trim("\u01c5\ufb01\u00e9\\;\u03a3", " \u01c5")"#,
            r#""ﬁé\\;Σ""#,
        ),
        (
            r#"strconv.Quote("\u01c5\ufb01\u00e9\\;\u03a3")"#,
            r#""\"ǅﬁé\\\\;Σ\"""#,
        ),
        (
            r#"strconv.QuoteToASCII("\u01c5\ufb01\u00e9\\;\u03a3")"#,
            r#""\"\\u01c5\\ufb01\\u00e9\\\\;\\u03a3\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("\u01c5\ufb01\u00e9\\;\u03a3")"#,
            r#""\"ǅﬁé\\\\;Σ\"""#,
        ),
        (
            r#"json.Marshal("\u01c5\ufb01\u00e9\\;\u03a3")"#,
            r#""\"ǅﬁé\\\\;Σ\"""#,
        ),
        (
            r#"strings.Runes("\u01c5\ufb01\u00e9\\;\u03a3")"#,
            r#"[453, 64257, 233, 92, 59, 931]"#,
        ),
        (
            r#"strings.Replace("\u01c5\ufb01\u00e9\\;\u03a3", " \u01c5", "X", -1)"#,
            r#""ǅﬁé\\;Σ""#,
        ),
        (
            r#"strings.LastIndexAny("\u01c5\ufb01\u00e9\\;\u03a3", " \u01c5")"#,
            r#"0"#,
        ),
        (
            r#"html.Escape("\u01c5\ufb01\u00e9\\;\u03a3")"#,
            r#""ǅﬁé\\;Σ""#,
        ),
        (
            r#"net.QueryEscape("\u01c5\ufb01\u00e9\\;\u03a3")"#,
            r#""%C7%85%EF%AC%81%C3%A9%5C%3B%CE%A3""#,
        ),
        (
            r#"net.PathEscape("\u01c5\ufb01\u00e9\\;\u03a3")"#,
            r#""%C7%85%EF%AC%81%C3%A9%5C%3B%CE%A3""#,
        ),
        (
            r#"strings.ToUpper(";z\u00df\u00a0\u00e9")"#,
            r#"";Zß\u00a0É""#,
        ),
        (
            r#"strings.ToLower(";z\u00df\u00a0\u00e9")"#,
            r#"";zß\u00a0é""#,
        ),
        (
            r#"strings.ToTitle(";z\u00df\u00a0\u00e9")"#,
            r#"";zß\u00a0É""#,
        ),
        (
            r#"strings.ToCamel(";z\u00df\u00a0\u00e9")"#,
            r#"";zß\u00a0é""#,
        ),
        (
            r#"strings.Fields(";z\u00df\u00a0\u00e9")"#,
            r#"[";zß", "é"]"#,
        ),
        (
            r#"strings.TrimSpace(";z\u00df\u00a0\u00e9")"#,
            r#"";zß\u00a0é""#,
        ),
        (
            r#"strings.Split(";z\u00df\u00a0\u00e9", "\u00e9\t")"#,
            r#"[";zß\u00a0é"]"#,
        ),
        (
            r#"strings.Trim(";z\u00df\u00a0\u00e9", "\u00e9\t")"#,
            r#"";zß\u00a0""#,
        ),
        (
            r#"strconv.Quote(";z\u00df\u00a0\u00e9")"#,
            r#""\";zß\\u00a0é\"""#,
        ),
        (
            r#"strconv.QuoteToASCII(";z\u00df\u00a0\u00e9")"#,
            r#""\";z\\u00df\\u00a0\\u00e9\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic(";z\u00df\u00a0\u00e9")"#,
            r#""\";zß\u00a0é\"""#,
        ),
        (
            r#"json.Marshal(";z\u00df\u00a0\u00e9")"#,
            r#""\";zß\u00a0é\"""#,
        ),
        (
            r#"strings.Runes(";z\u00df\u00a0\u00e9")"#,
            r#"[59, 122, 223, 160, 233]"#,
        ),
        (
            r#"strings.Replace(";z\u00df\u00a0\u00e9", "\u00e9\t", "X", -1)"#,
            r#"";zß\u00a0é""#,
        ),
        (
            r#"strings.LastIndexAny(";z\u00df\u00a0\u00e9", "\u00e9\t")"#,
            r#"6"#,
        ),
        (r#"html.Escape(";z\u00df\u00a0\u00e9")"#, r#"";zß\u00a0é""#),
        (
            r#"net.QueryEscape(";z\u00df\u00a0\u00e9")"#,
            r#""%3Bz%C3%9F%C2%A0%C3%A9""#,
        ),
        (
            r#"net.PathEscape(";z\u00df\u00a0\u00e9")"#,
            r#""%3Bz%C3%9F%C2%A0%C3%A9""#,
        ),
        (r#"strings.Fields("-\n\\.a")"#, r#"["-", "\\.a"]"#),
        (r#"strconv.Quote("-\n\\.a")"#, r#""\"-\\n\\\\.a\"""#),
        (r#"strconv.QuoteToASCII("-\n\\.a")"#, r#""\"-\\n\\\\.a\"""#),
        (
            r#"strconv.QuoteToGraphic("-\n\\.a")"#,
            r#""\"-\\n\\\\.a\"""#,
        ),
        (r#"json.Marshal("-\n\\.a")"#, r#""\"-\\n\\\\.a\"""#),
        (r#"strings.Runes("-\n\\.a")"#, r#"[45, 10, 92, 46, 97]"#),
        (r#"strings.LastIndexAny("-\n\\.a", "")"#, r#"-1"#),
        (r#"net.QueryEscape("-\n\\.a")"#, r#""-%0A%5C.a""#),
        (r#"net.PathEscape("-\n\\.a")"#, r#""-%0A%5C.a""#),
        (r#"strings.Fields("\n.\nz\U0001F600\t")"#, r#"[".", "z😀"]"#),
        (r#"strings.TrimSpace("\n.\nz\U0001F600\t")"#, r#"".\nz😀""#),
        (
            r#"strconv.Quote("\n.\nz\U0001F600\t")"#,
            r#""\"\\n.\\nz😀\\t\"""#,
        ),
        (
            r#"strconv.QuoteToASCII("\n.\nz\U0001F600\t")"#,
            r#""\"\\n.\\nz\\U0001f600\\t\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("\n.\nz\U0001F600\t")"#,
            r#""\"\\n.\\nz😀\\t\"""#,
        ),
        (
            r#"json.Marshal("\n.\nz\U0001F600\t")"#,
            r#""\"\\n.\\nz😀\\t\"""#,
        ),
        (
            r#"strings.Runes("\n.\nz\U0001F600\t")"#,
            r#"[10, 46, 10, 122, 128512, 9]"#,
        ),
        (r#"strings.LastIndexAny("\n.\nz\U0001F600\t", "")"#, r#"-1"#),
        (
            r#"net.QueryEscape("\n.\nz\U0001F600\t")"#,
            r#""%0A.%0Az%F0%9F%98%80%09""#,
        ),
        (
            r#"net.PathEscape("\n.\nz\U0001F600\t")"#,
            r#""%0A.%0Az%F0%9F%98%80%09""#,
        ),
        (r#"strings.ToUpper("")"#, r#""""#),
        (r#"strings.ToLower("")"#, r#""""#),
        (r#"strings.ToTitle("")"#, r#""""#),
        (r#"strings.ToCamel("")"#, r#""""#),
        (r#"strings.Fields("")"#, r#"[]"#),
        (r#"strings.TrimSpace("")"#, r#""""#),
        (r#"strings.Split("", "")"#, r#"[]"#),
        (r#"strings.Trim("", "")"#, r#""""#),
        (r#"strconv.Quote("")"#, r#""\"\"""#),
        (r#"strconv.QuoteToASCII("")"#, r#""\"\"""#),
        (r#"strconv.QuoteToGraphic("")"#, r#""\"\"""#),
        (r#"json.Marshal("")"#, r#""\"\"""#),
        (r#"strings.Runes("")"#, r#"[]"#),
        (r#"strings.Replace("", "", "X", -1)"#, r#""X""#),
        (r#"strings.LastIndexAny("", "")"#, r#"-1"#),
        (r#"html.Escape("")"#, r#""""#),
        (r#"net.QueryEscape("")"#, r#""""#),
        (r#"net.PathEscape("")"#, r#""""#),
        (r#"strings.ToUpper(",\u00df-")"#, r#"",ß-""#),
        (r#"strings.ToLower(",\u00df-")"#, r#"",ß-""#),
        (r#"strings.ToTitle(",\u00df-")"#, r#"",ß-""#),
        (r#"strings.ToCamel(",\u00df-")"#, r#"",ß-""#),
        (r#"strings.Fields(",\u00df-")"#, r#"[",ß-"]"#),
        (r#"strings.TrimSpace(",\u00df-")"#, r#"",ß-""#),
        (r#"strings.Split(",\u00df-", "a\u00e9")"#, r#"[",ß-"]"#),
        (r#"strings.Trim(",\u00df-", "a\u00e9")"#, r#"",ß-""#),
        (r#"strconv.Quote(",\u00df-")"#, r#""\",ß-\"""#),
        (r#"strconv.QuoteToASCII(",\u00df-")"#, r#""\",\\u00df-\"""#),
        (r#"strconv.QuoteToGraphic(",\u00df-")"#, r#""\",ß-\"""#),
        (r#"json.Marshal(",\u00df-")"#, r#""\",ß-\"""#),
        (r#"strings.Runes(",\u00df-")"#, r#"[44, 223, 45]"#),
        (
            r#"strings.Replace(",\u00df-", "a\u00e9", "X", -1)"#,
            r#"",ß-""#,
        ),
        (r#"strings.LastIndexAny(",\u00df-", "a\u00e9")"#, r#"-1"#),
        (r#"html.Escape(",\u00df-")"#, r#"",ß-""#),
        (r#"net.QueryEscape(",\u00df-")"#, r#""%2C%C3%9F-""#),
        (r#"net.PathEscape(",\u00df-")"#, r#""%2C%C3%9F-""#),
        (r#"strings.ToUpper("\t\ufb01")"#, r#""\tﬁ""#),
        (r#"strings.ToLower("\t\ufb01")"#, r#""\tﬁ""#),
        (r#"strings.ToTitle("\t\ufb01")"#, r#""\tﬁ""#),
        (r#"strings.ToCamel("\t\ufb01")"#, r#""\tﬁ""#),
        (r#"strings.Fields("\t\ufb01")"#, r#"["ﬁ"]"#),
        (r#"strings.TrimSpace("\t\ufb01")"#, r#""ﬁ""#),
        (r#"strings.Split("\t\ufb01", ".\t")"#, r#"["\tﬁ"]"#),
        (r#"strings.Trim("\t\ufb01", ".\t")"#, r#""ﬁ""#),
        (r#"strconv.Quote("\t\ufb01")"#, r#""\"\\tﬁ\"""#),
        (r#"strconv.QuoteToASCII("\t\ufb01")"#, r#""\"\\t\\ufb01\"""#),
        (r#"strconv.QuoteToGraphic("\t\ufb01")"#, r#""\"\\tﬁ\"""#),
        (r#"json.Marshal("\t\ufb01")"#, r#""\"\\tﬁ\"""#),
        (r#"strings.Runes("\t\ufb01")"#, r#"[9, 64257]"#),
        (r#"strings.Replace("\t\ufb01", ".\t", "X", -1)"#, r#""\tﬁ""#),
        (r#"strings.LastIndexAny("\t\ufb01", ".\t")"#, r#"0"#),
        (r#"html.Escape("\t\ufb01")"#, r#""\tﬁ""#),
        (r#"net.QueryEscape("\t\ufb01")"#, r#""%09%EF%AC%81""#),
        (r#"net.PathEscape("\t\ufb01")"#, r#""%09%EF%AC%81""#),
        (r#"strings.ToUpper("")"#, r#""""#),
        (r#"strings.ToLower("")"#, r#""""#),
        (r#"strings.ToTitle("")"#, r#""""#),
        (r#"strings.ToCamel("")"#, r#""""#),
        (r#"strings.Fields("")"#, r#"[]"#),
        (r#"strings.TrimSpace("")"#, r#""""#),
        (r#"strings.Split("", "\u2028-")"#, r#"[""]"#),
        (r#"strings.Trim("", "\u2028-")"#, r#""""#),
        (r#"strconv.Quote("")"#, r#""\"\"""#),
        (r#"strconv.QuoteToASCII("")"#, r#""\"\"""#),
        (r#"strconv.QuoteToGraphic("")"#, r#""\"\"""#),
        (r#"json.Marshal("")"#, r#""\"\"""#),
        (r#"strings.Runes("")"#, r#"[]"#),
        (r#"strings.Replace("", "\u2028-", "X", -1)"#, r#""""#),
        (r#"strings.LastIndexAny("", "\u2028-")"#, r#"-1"#),
        (r#"html.Escape("")"#, r#""""#),
        (r#"net.QueryEscape("")"#, r#""""#),
        (r#"net.PathEscape("")"#, r#""""#),
        (r#"strings.ToUpper("z \u01c5\u0130\t")"#, r#""Z Ǆİ\t""#),
        (r#"strings.ToLower("z \u01c5\u0130\t")"#, r#""z ǆi\t""#),
        (r#"strings.ToTitle("z \u01c5\u0130\t")"#, r#""Z ǅİ\t""#),
        (r#"strings.ToCamel("z \u01c5\u0130\t")"#, r#""z ǆİ\t""#),
        (r#"strings.Fields("z \u01c5\u0130\t")"#, r#"["z", "ǅİ"]"#),
        (r#"strings.TrimSpace("z \u01c5\u0130\t")"#, r#""z ǅİ""#),
        (
            r#"strings.Split("z \u01c5\u0130\t", "\u2028\u00df")"#,
            r#"["z ǅİ\t"]"#,
        ),
        (
            r#"strings.Trim("z \u01c5\u0130\t", "\u2028\u00df")"#,
            r#""z ǅİ\t""#,
        ),
        (r#"strconv.Quote("z \u01c5\u0130\t")"#, r#""\"z ǅİ\\t\"""#),
        (
            r#"strconv.QuoteToASCII("z \u01c5\u0130\t")"#,
            r#""\"z \\u01c5\\u0130\\t\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("z \u01c5\u0130\t")"#,
            r#""\"z ǅİ\\t\"""#,
        ),
        (r#"json.Marshal("z \u01c5\u0130\t")"#, r#""\"z ǅİ\\t\"""#),
        (
            r#"strings.Runes("z \u01c5\u0130\t")"#,
            r#"[122, 32, 453, 304, 9]"#,
        ),
        (
            r#"strings.Replace("z \u01c5\u0130\t", "\u2028\u00df", "X", -1)"#,
            r#""z ǅİ\t""#,
        ),
        (
            r#"strings.LastIndexAny("z \u01c5\u0130\t", "\u2028\u00df")"#,
            r#"-1"#,
        ),
        (r#"html.Escape("z \u01c5\u0130\t")"#, r#""z ǅİ\t""#),
        (
            r#"net.QueryEscape("z \u01c5\u0130\t")"#,
            r#""z+%C7%85%C4%B0%09""#,
        ),
        (
            r#"net.PathEscape("z \u01c5\u0130\t")"#,
            r#""z%20%C7%85%C4%B0%09""#,
        ),
        (r#"strings.Fields("\n\"\\.")"#, r#"["\"\\."]"#),
        (r#"strings.TrimSpace("\n\"\\.")"#, r#""\"\\.""#),
        (r#"strconv.Quote("\n\"\\.")"#, r#""\"\\n\\\"\\\\.\"""#),
        (
            r#"strconv.QuoteToASCII("\n\"\\.")"#,
            r#""\"\\n\\\"\\\\.\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("\n\"\\.")"#,
            r#""\"\\n\\\"\\\\.\"""#,
        ),
        (r#"json.Marshal("\n\"\\.")"#, r#""\"\\n\\\"\\\\.\"""#),
        (r#"strings.Runes("\n\"\\.")"#, r#"[10, 34, 92, 46]"#),
        (
            r#"strings.LastIndexAny("\n\"\\.", "\U0001F600\ufb01")"#,
            r#"-1"#,
        ),
        (r#"net.QueryEscape("\n\"\\.")"#, r#""%0A%22%5C.""#),
        (r#"net.PathEscape("\n\"\\.")"#, r#""%0A%22%5C.""#),
        (r#"strings.ToUpper("zB")"#, r#""ZB""#),
        (r#"strings.ToLower("zB")"#, r#""zb""#),
        (r#"strings.ToTitle("zB")"#, r#""ZB""#),
        (r#"strings.ToCamel("zB")"#, r#""zB""#),
        (r#"strings.Fields("zB")"#, r#"["zB"]"#),
        (r#"strings.TrimSpace("zB")"#, r#""zB""#),
        (r#"strings.Split("zB", "\u00a0")"#, r#"["zB"]"#),
        (r#"strings.Trim("zB", "\u00a0")"#, r#""zB""#),
        (r#"strconv.Quote("zB")"#, r#""\"zB\"""#),
        (r#"strconv.QuoteToASCII("zB")"#, r#""\"zB\"""#),
        (r#"strconv.QuoteToGraphic("zB")"#, r#""\"zB\"""#),
        (r#"json.Marshal("zB")"#, r#""\"zB\"""#),
        (r#"strings.Runes("zB")"#, r#"[122, 66]"#),
        (r#"strings.Replace("zB", "\u00a0", "X", -1)"#, r#""zB""#),
        (r#"strings.LastIndexAny("zB", "\u00a0")"#, r#"-1"#),
        (r#"html.Escape("zB")"#, r#""zB""#),
        (r#"net.QueryEscape("zB")"#, r#""zB""#),
        (r#"net.PathEscape("zB")"#, r#""zB""#),
        (r#"strings.ToUpper("\n")"#, r#""\n""#),
        (r#"strings.ToLower("\n")"#, r#""\n""#),
        (r#"strings.ToTitle("\n")"#, r#""\n""#),
        (r#"strings.ToCamel("\n")"#, r#""\n""#),
        (r#"strings.Fields("\n")"#, r#"[]"#),
        (r#"strings.TrimSpace("\n")"#, r#""""#),
        (r#"strings.Trim("\n", " \n")"#, r#""""#),
        (r#"strconv.Quote("\n")"#, r#""\"\\n\"""#),
        (r#"strconv.QuoteToASCII("\n")"#, r#""\"\\n\"""#),
        (r#"strconv.QuoteToGraphic("\n")"#, r#""\"\\n\"""#),
        (r#"json.Marshal("\n")"#, r#""\"\\n\"""#),
        (r#"strings.Runes("\n")"#, r#"[10]"#),
        (r#"strings.Replace("\n", " \n", "X", -1)"#, r#""\n""#),
        (r#"strings.LastIndexAny("\n", " \n")"#, r#"0"#),
        (r#"html.Escape("\n")"#, r#""\n""#),
        (r#"net.QueryEscape("\n")"#, r#""%0A""#),
        (r#"net.PathEscape("\n")"#, r#""%0A""#),
        (r#"strings.ToUpper(";a,\n\ufb01\u0130")"#, r#"";A,\nﬁİ""#),
        (r#"strings.ToLower(";a,\n\ufb01\u0130")"#, r#"";a,\nﬁi""#),
        (r#"strings.ToTitle(";a,\n\ufb01\u0130")"#, r#"";a,\nﬁİ""#),
        (r#"strings.ToCamel(";a,\n\ufb01\u0130")"#, r#"";a,\nﬁİ""#),
        (r#"strings.Fields(";a,\n\ufb01\u0130")"#, r#"[";a,", "ﬁİ"]"#),
        (r#"strings.TrimSpace(";a,\n\ufb01\u0130")"#, r#"";a,\nﬁİ""#),
        (
            r#"strings.Trim(";a,\n\ufb01\u0130", "\u2028\u2028")"#,
            r#"";a,\nﬁİ""#,
        ),
        (r#"strconv.Quote(";a,\n\ufb01\u0130")"#, r#""\";a,\\nﬁİ\"""#),
        (
            r#"strconv.QuoteToASCII(";a,\n\ufb01\u0130")"#,
            r#""\";a,\\n\\ufb01\\u0130\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic(";a,\n\ufb01\u0130")"#,
            r#""\";a,\\nﬁİ\"""#,
        ),
        (r#"json.Marshal(";a,\n\ufb01\u0130")"#, r#""\";a,\\nﬁİ\"""#),
        (
            r#"strings.Runes(";a,\n\ufb01\u0130")"#,
            r#"[59, 97, 44, 10, 64257, 304]"#,
        ),
        (
            r#"strings.Replace(";a,\n\ufb01\u0130", "\u2028\u2028", "X", -1)"#,
            r#"";a,\nﬁİ""#,
        ),
        (
            r#"strings.LastIndexAny(";a,\n\ufb01\u0130", "\u2028\u2028")"#,
            r#"-1"#,
        ),
        (r#"html.Escape(";a,\n\ufb01\u0130")"#, r#"";a,\nﬁİ""#),
        (
            r#"net.QueryEscape(";a,\n\ufb01\u0130")"#,
            r#""%3Ba%2C%0A%EF%AC%81%C4%B0""#,
        ),
        (
            r#"net.PathEscape(";a,\n\ufb01\u0130")"#,
            r#""%3Ba%2C%0A%EF%AC%81%C4%B0""#,
        ),
        (r#"strings.Fields(" \n\u2028")"#, r#"[]"#),
        (r#"strings.TrimSpace(" \n\u2028")"#, r#""""#),
        (r#"strconv.Quote(" \n\u2028")"#, r#""\" \\n\\u2028\"""#),
        (
            r#"strconv.QuoteToASCII(" \n\u2028")"#,
            r#""\" \\n\\u2028\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic(" \n\u2028")"#,
            r#""\" \\n\\u2028\"""#,
        ),
        (r#"json.Marshal(" \n\u2028")"#, r#""\" \\n\\u2028\"""#),
        (r#"strings.Runes(" \n\u2028")"#, r#"[32, 10, 8232]"#),
        (r#"strings.LastIndexAny(" \n\u2028", "\u03a3")"#, r#"-1"#),
        (r#"net.QueryEscape(" \n\u2028")"#, r#""+%0A%E2%80%A8""#),
        (r#"net.PathEscape(" \n\u2028")"#, r#""%20%0A%E2%80%A8""#),
        (r#"strings.ToUpper("\u2028 ")"#, r#""\u2028 ""#),
        (r#"strings.ToLower("\u2028 ")"#, r#""\u2028 ""#),
        (r#"strings.ToTitle("\u2028 ")"#, r#""\u2028 ""#),
        (r#"strings.ToCamel("\u2028 ")"#, r#""\u2028 ""#),
        (r#"strings.Fields("\u2028 ")"#, r#"[]"#),
        (r#"strings.TrimSpace("\u2028 ")"#, r#""""#),
        (r#"strings.Split("\u2028 ", "a\u03a3")"#, r#"["\u2028 "]"#),
        (r#"strings.Trim("\u2028 ", "a\u03a3")"#, r#""\u2028 ""#),
        (r#"strconv.Quote("\u2028 ")"#, r#""\"\\u2028 \"""#),
        (r#"strconv.QuoteToASCII("\u2028 ")"#, r#""\"\\u2028 \"""#),
        (r#"strconv.QuoteToGraphic("\u2028 ")"#, r#""\"\\u2028 \"""#),
        (r#"json.Marshal("\u2028 ")"#, r#""\"\\u2028 \"""#),
        (r#"strings.Runes("\u2028 ")"#, r#"[8232, 32]"#),
        (
            r#"strings.Replace("\u2028 ", "a\u03a3", "X", -1)"#,
            r#""\u2028 ""#,
        ),
        (r#"strings.LastIndexAny("\u2028 ", "a\u03a3")"#, r#"-1"#),
        (r#"html.Escape("\u2028 ")"#, r#""\u2028 ""#),
        (r#"net.QueryEscape("\u2028 ")"#, r#""%E2%80%A8+""#),
        (r#"net.PathEscape("\u2028 ")"#, r#""%E2%80%A8%20""#),
        (
            r#"strings.ToUpper("\u01c5\u2028-\u00a0")"#,
            r#""Ǆ\u2028-\u00a0""#,
        ),
        (
            r#"strings.ToLower("\u01c5\u2028-\u00a0")"#,
            r#""ǆ\u2028-\u00a0""#,
        ),
        (
            r#"strings.ToTitle("\u01c5\u2028-\u00a0")"#,
            r#""ǅ\u2028-\u00a0""#,
        ),
        (
            r#"strings.ToCamel("\u01c5\u2028-\u00a0")"#,
            r#""ǆ\u2028-\u00a0""#,
        ),
        (r#"strings.Fields("\u01c5\u2028-\u00a0")"#, r#"["ǅ", "-"]"#),
        (
            r#"strings.TrimSpace("\u01c5\u2028-\u00a0")"#,
            r#""ǅ\u2028-""#,
        ),
        (
            r#"strings.Split("\u01c5\u2028-\u00a0", "\u2028\u0085")"#,
            r#"["ǅ\u2028-\u00a0"]"#,
        ),
        (
            r#"strings.Trim("\u01c5\u2028-\u00a0", "\u2028\u0085")"#,
            r#""ǅ\u2028-\u00a0""#,
        ),
        (
            r#"strconv.Quote("\u01c5\u2028-\u00a0")"#,
            r#""\"ǅ\\u2028-\\u00a0\"""#,
        ),
        (
            r#"strconv.QuoteToASCII("\u01c5\u2028-\u00a0")"#,
            r#""\"\\u01c5\\u2028-\\u00a0\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("\u01c5\u2028-\u00a0")"#,
            r#""\"ǅ\\u2028-\u00a0\"""#,
        ),
        (
            r#"json.Marshal("\u01c5\u2028-\u00a0")"#,
            r#""\"ǅ\\u2028-\u00a0\"""#,
        ),
        (
            r#"strings.Runes("\u01c5\u2028-\u00a0")"#,
            r#"[453, 8232, 45, 160]"#,
        ),
        (
            r#"strings.Replace("\u01c5\u2028-\u00a0", "\u2028\u0085", "X", -1)"#,
            r#""ǅ\u2028-\u00a0""#,
        ),
        (
            r#"strings.LastIndexAny("\u01c5\u2028-\u00a0", "\u2028\u0085")"#,
            r#"2"#,
        ),
        (
            r#"html.Escape("\u01c5\u2028-\u00a0")"#,
            r#""ǅ\u2028-\u00a0""#,
        ),
        (
            r#"net.QueryEscape("\u01c5\u2028-\u00a0")"#,
            r#""%C7%85%E2%80%A8-%C2%A0""#,
        ),
        (
            r#"net.PathEscape("\u01c5\u2028-\u00a0")"#,
            r#""%C7%85%E2%80%A8-%C2%A0""#,
        ),
        (
            r#"strings.ToUpper(" \u0085\u03a3\u2028- ")"#,
            r#"" \u0085Σ\u2028- ""#,
        ),
        (
            r#"strings.ToLower(" \u0085\u03a3\u2028- ")"#,
            r#"" \u0085σ\u2028- ""#,
        ),
        (
            r#"strings.ToTitle(" \u0085\u03a3\u2028- ")"#,
            r#"" \u0085Σ\u2028- ""#,
        ),
        (
            r#"strings.ToCamel(" \u0085\u03a3\u2028- ")"#,
            r#"" \u0085σ\u2028- ""#,
        ),
        (
            r#"strings.Fields(" \u0085\u03a3\u2028- ")"#,
            r#"["Σ", "-"]"#,
        ),
        (
            r#"strings.TrimSpace(" \u0085\u03a3\u2028- ")"#,
            r#""Σ\u2028-""#,
        ),
        (
            r#"strings.Split(" \u0085\u03a3\u2028- ", ";\t")"#,
            r#"[" \u0085Σ\u2028- "]"#,
        ),
        (
            r#"strings.Trim(" \u0085\u03a3\u2028- ", ";\t")"#,
            r#"" \u0085Σ\u2028- ""#,
        ),
        (
            r#"strconv.Quote(" \u0085\u03a3\u2028- ")"#,
            r#""\" \\u0085Σ\\u2028- \"""#,
        ),
        (
            r#"strconv.QuoteToASCII(" \u0085\u03a3\u2028- ")"#,
            r#""\" \\u0085\\u03a3\\u2028- \"""#,
        ),
        (
            r#"strconv.QuoteToGraphic(" \u0085\u03a3\u2028- ")"#,
            r#""\" \\u0085Σ\\u2028- \"""#,
        ),
        (
            r#"json.Marshal(" \u0085\u03a3\u2028- ")"#,
            r#""\" \u0085Σ\\u2028- \"""#,
        ),
        (
            r#"strings.Runes(" \u0085\u03a3\u2028- ")"#,
            r#"[32, 133, 931, 8232, 45, 32]"#,
        ),
        (
            r#"strings.Replace(" \u0085\u03a3\u2028- ", ";\t", "X", -1)"#,
            r#"" \u0085Σ\u2028- ""#,
        ),
        (
            r#"strings.LastIndexAny(" \u0085\u03a3\u2028- ", ";\t")"#,
            r#"-1"#,
        ),
        (
            r#"html.Escape(" \u0085\u03a3\u2028- ")"#,
            r#"" \u0085Σ\u2028- ""#,
        ),
        (
            r#"net.QueryEscape(" \u0085\u03a3\u2028- ")"#,
            r#""+%C2%85%CE%A3%E2%80%A8-+""#,
        ),
        (
            r#"net.PathEscape(" \u0085\u03a3\u2028- ")"#,
            r#""%20%C2%85%CE%A3%E2%80%A8-%20""#,
        ),
        (r#"strings.ToUpper("")"#, r#""""#),
        (r#"strings.ToLower("")"#, r#""""#),
        (r#"strings.ToTitle("")"#, r#""""#),
        (r#"strings.ToCamel("")"#, r#""""#),
        (r#"strings.Fields("")"#, r#"[]"#),
        (r#"strings.TrimSpace("")"#, r#""""#),
        (r#"strings.Split("", "")"#, r#"[]"#),
        (r#"strings.Trim("", "")"#, r#""""#),
        (r#"strconv.Quote("")"#, r#""\"\"""#),
        (r#"strconv.QuoteToASCII("")"#, r#""\"\"""#),
        (r#"strconv.QuoteToGraphic("")"#, r#""\"\"""#),
        (r#"json.Marshal("")"#, r#""\"\"""#),
        (r#"strings.Runes("")"#, r#"[]"#),
        (r#"strings.Replace("", "", "X", -1)"#, r#""X""#),
        (r#"strings.LastIndexAny("", "")"#, r#"-1"#),
        (r#"html.Escape("")"#, r#""""#),
        (r#"net.QueryEscape("")"#, r#""""#),
        (r#"net.PathEscape("")"#, r#""""#),
        (
            r#"strings.ToUpper("\ufb01\u0130B\ufb01\u0085")"#,
            r#""ﬁİBﬁ\u0085""#,
        ),
        (
            r#"strings.ToLower("\ufb01\u0130B\ufb01\u0085")"#,
            r#""ﬁibﬁ\u0085""#,
        ),
        (
            r#"strings.ToTitle("\ufb01\u0130B\ufb01\u0085")"#,
            r#""ﬁİBﬁ\u0085""#,
        ),
        (
            r#"strings.ToCamel("\ufb01\u0130B\ufb01\u0085")"#,
            r#""ﬁİBﬁ\u0085""#,
        ),
        (
            r#"strings.Fields("\ufb01\u0130B\ufb01\u0085")"#,
            r#"["ﬁİBﬁ"]"#,
        ),
        (
            r#"strings.TrimSpace("\ufb01\u0130B\ufb01\u0085")"#,
            r#""ﬁİBﬁ""#,
        ),
        (
            r#"strings.Split("\ufb01\u0130B\ufb01\u0085", "B\"")"#,
            r#"["ﬁİBﬁ\u0085"]"#,
        ),
        (
            r#"strings.Trim("\ufb01\u0130B\ufb01\u0085", "B\"")"#,
            r#""ﬁİBﬁ\u0085""#,
        ),
        (
            r#"strconv.Quote("\ufb01\u0130B\ufb01\u0085")"#,
            r#""\"ﬁİBﬁ\\u0085\"""#,
        ),
        (
            r#"strconv.QuoteToASCII("\ufb01\u0130B\ufb01\u0085")"#,
            r#""\"\\ufb01\\u0130B\\ufb01\\u0085\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("\ufb01\u0130B\ufb01\u0085")"#,
            r#""\"ﬁİBﬁ\\u0085\"""#,
        ),
        (
            r#"json.Marshal("\ufb01\u0130B\ufb01\u0085")"#,
            r#""\"ﬁİBﬁ\u0085\"""#,
        ),
        (
            r#"strings.Runes("\ufb01\u0130B\ufb01\u0085")"#,
            r#"[64257, 304, 66, 64257, 133]"#,
        ),
        (
            r#"strings.Replace("\ufb01\u0130B\ufb01\u0085", "B\"", "X", -1)"#,
            r#""ﬁİBﬁ\u0085""#,
        ),
        (
            r#"strings.LastIndexAny("\ufb01\u0130B\ufb01\u0085", "B\"")"#,
            r#"5"#,
        ),
        (
            r#"html.Escape("\ufb01\u0130B\ufb01\u0085")"#,
            r#""ﬁİBﬁ\u0085""#,
        ),
        (
            r#"net.QueryEscape("\ufb01\u0130B\ufb01\u0085")"#,
            r#""%EF%AC%81%C4%B0B%EF%AC%81%C2%85""#,
        ),
        (
            r#"net.PathEscape("\ufb01\u0130B\ufb01\u0085")"#,
            r#""%EF%AC%81%C4%B0B%EF%AC%81%C2%85""#,
        ),
        (r#"strings.ToUpper("a\u00e9;\u0130")"#, r#""AÉ;İ""#),
        (r#"strings.ToLower("a\u00e9;\u0130")"#, r#""aé;i""#),
        (r#"strings.ToTitle("a\u00e9;\u0130")"#, r#""Aé;İ""#),
        (r#"strings.ToCamel("a\u00e9;\u0130")"#, r#""aé;İ""#),
        (r#"strings.Fields("a\u00e9;\u0130")"#, r#"["aé;İ"]"#),
        (r#"strings.TrimSpace("a\u00e9;\u0130")"#, r#""aé;İ""#),
        (
            r#"strings.Split("a\u00e9;\u0130", "")"#,
            r#"["a", "é", ";", "İ"]"#,
        ),
        (r#"strings.Trim("a\u00e9;\u0130", "")"#, r#""aé;İ""#),
        (r#"strconv.Quote("a\u00e9;\u0130")"#, r#""\"aé;İ\"""#),
        (
            r#"strconv.QuoteToASCII("a\u00e9;\u0130")"#,
            r#""\"a\\u00e9;\\u0130\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("a\u00e9;\u0130")"#,
            r#""\"aé;İ\"""#,
        ),
        (r#"json.Marshal("a\u00e9;\u0130")"#, r#""\"aé;İ\"""#),
        (
            r#"strings.Runes("a\u00e9;\u0130")"#,
            r#"[97, 233, 59, 304]"#,
        ),
        (
            r#"strings.Replace("a\u00e9;\u0130", "", "X", -1)"#,
            r#""XaXéX;XİX""#,
        ),
        (r#"strings.LastIndexAny("a\u00e9;\u0130", "")"#, r#"-1"#),
        (r#"html.Escape("a\u00e9;\u0130")"#, r#""aé;İ""#),
        (
            r#"net.QueryEscape("a\u00e9;\u0130")"#,
            r#""a%C3%A9%3B%C4%B0""#,
        ),
        (
            r#"net.PathEscape("a\u00e9;\u0130")"#,
            r#""a%C3%A9%3B%C4%B0""#,
        ),
        (r#"strings.ToUpper("\u03a3\U0001F600")"#, r#""Σ😀""#),
        (r#"strings.ToLower("\u03a3\U0001F600")"#, r#""σ😀""#),
        (r#"strings.ToTitle("\u03a3\U0001F600")"#, r#""Σ😀""#),
        (r#"strings.ToCamel("\u03a3\U0001F600")"#, r#""σ😀""#),
        (r#"strings.Fields("\u03a3\U0001F600")"#, r#"["Σ😀"]"#),
        (r#"strings.TrimSpace("\u03a3\U0001F600")"#, r#""Σ😀""#),
        (r#"strings.Split("\u03a3\U0001F600", ";")"#, r#"["Σ😀"]"#),
        (r#"strings.Trim("\u03a3\U0001F600", ";")"#, r#""Σ😀""#),
        (r#"strconv.Quote("\u03a3\U0001F600")"#, r#""\"Σ😀\"""#),
        (
            r#"strconv.QuoteToASCII("\u03a3\U0001F600")"#,
            r#""\"\\u03a3\\U0001f600\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("\u03a3\U0001F600")"#,
            r#""\"Σ😀\"""#,
        ),
        (r#"json.Marshal("\u03a3\U0001F600")"#, r#""\"Σ😀\"""#),
        (r#"strings.Runes("\u03a3\U0001F600")"#, r#"[931, 128512]"#),
        (
            r#"strings.Replace("\u03a3\U0001F600", ";", "X", -1)"#,
            r#""Σ😀""#,
        ),
        (r#"strings.LastIndexAny("\u03a3\U0001F600", ";")"#, r#"-1"#),
        (r#"html.Escape("\u03a3\U0001F600")"#, r#""Σ😀""#),
        (
            r#"net.QueryEscape("\u03a3\U0001F600")"#,
            r#""%CE%A3%F0%9F%98%80""#,
        ),
        (
            r#"net.PathEscape("\u03a3\U0001F600")"#,
            r#""%CE%A3%F0%9F%98%80""#,
        ),
        (r#"strings.ToUpper("")"#, r#""""#),
        (r#"strings.ToLower("")"#, r#""""#),
        (r#"strings.ToTitle("")"#, r#""""#),
        (r#"strings.ToCamel("")"#, r#""""#),
        (r#"strings.Fields("")"#, r#"[]"#),
        (r#"strings.TrimSpace("")"#, r#""""#),
        (r#"strings.Split("", "\U0001F600 ")"#, r#"[""]"#),
        (r#"strings.Trim("", "\U0001F600 ")"#, r#""""#),
        (r#"strconv.Quote("")"#, r#""\"\"""#),
        (r#"strconv.QuoteToASCII("")"#, r#""\"\"""#),
        (r#"strconv.QuoteToGraphic("")"#, r#""\"\"""#),
        (r#"json.Marshal("")"#, r#""\"\"""#),
        (r#"strings.Runes("")"#, r#"[]"#),
        (r#"strings.Replace("", "\U0001F600 ", "X", -1)"#, r#""""#),
        (r#"strings.LastIndexAny("", "\U0001F600 ")"#, r#"-1"#),
        (r#"html.Escape("")"#, r#""""#),
        (r#"net.QueryEscape("")"#, r#""""#),
        (r#"net.PathEscape("")"#, r#""""#),
        (r#"strings.ToUpper("B\"\u01c5\u01c5")"#, r#""B\"ǄǄ""#),
        (r#"strings.ToLower("B\"\u01c5\u01c5")"#, r#""b\"ǆǆ""#),
        (r#"strings.ToTitle("B\"\u01c5\u01c5")"#, r#""B\"ǅǅ""#),
        (r#"strings.ToCamel("B\"\u01c5\u01c5")"#, r#""b\"ǅǅ""#),
        (r#"strings.Fields("B\"\u01c5\u01c5")"#, r#"["B\"ǅǅ"]"#),
        (r#"strings.TrimSpace("B\"\u01c5\u01c5")"#, r#""B\"ǅǅ""#),
        (r#"strings.Split("B\"\u01c5\u01c5", "  ")"#, r#"["B\"ǅǅ"]"#),
        (r#"strings.Trim("B\"\u01c5\u01c5", "  ")"#, r#""B\"ǅǅ""#),
        (r#"strconv.Quote("B\"\u01c5\u01c5")"#, r#""\"B\\\"ǅǅ\"""#),
        (
            r#"strconv.QuoteToASCII("B\"\u01c5\u01c5")"#,
            r#""\"B\\\"\\u01c5\\u01c5\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("B\"\u01c5\u01c5")"#,
            r#""\"B\\\"ǅǅ\"""#,
        ),
        (r#"json.Marshal("B\"\u01c5\u01c5")"#, r#""\"B\\\"ǅǅ\"""#),
        (
            r#"strings.Runes("B\"\u01c5\u01c5")"#,
            r#"[66, 34, 453, 453]"#,
        ),
        (
            r#"strings.Replace("B\"\u01c5\u01c5", "  ", "X", -1)"#,
            r#""B\"ǅǅ""#,
        ),
        (r#"strings.LastIndexAny("B\"\u01c5\u01c5", "  ")"#, r#"-1"#),
        (r#"html.Escape("B\"\u01c5\u01c5")"#, r#""B&#34;ǅǅ""#),
        (
            r#"net.QueryEscape("B\"\u01c5\u01c5")"#,
            r#""B%22%C7%85%C7%85""#,
        ),
        (
            r#"net.PathEscape("B\"\u01c5\u01c5")"#,
            r#""B%22%C7%85%C7%85""#,
        ),
        (r#"strings.ToUpper("B")"#, r#""B""#),
        (r#"strings.ToLower("B")"#, r#""b""#),
        (r#"strings.ToTitle("B")"#, r#""B""#),
        (r#"strings.ToCamel("B")"#, r#""b""#),
        (r#"strings.Fields("B")"#, r#"["B"]"#),
        (r#"strings.TrimSpace("B")"#, r#""B""#),
        (r#"strings.Split("B", "\n ")"#, r#"["B"]"#),
        (r#"strings.Trim("B", "\n ")"#, r#""B""#),
        (r#"strconv.Quote("B")"#, r#""\"B\"""#),
        (r#"strconv.QuoteToASCII("B")"#, r#""\"B\"""#),
        (r#"strconv.QuoteToGraphic("B")"#, r#""\"B\"""#),
        (r#"json.Marshal("B")"#, r#""\"B\"""#),
        (r#"strings.Runes("B")"#, r#"[66]"#),
        (r#"strings.Replace("B", "\n ", "X", -1)"#, r#""B""#),
        (r#"strings.LastIndexAny("B", "\n ")"#, r#"-1"#),
        (r#"html.Escape("B")"#, r#""B""#),
        (r#"net.QueryEscape("B")"#, r#""B""#),
        (r#"net.PathEscape("B")"#, r#""B""#),
        (r#"strings.ToUpper("")"#, r#""""#),
        (r#"strings.ToLower("")"#, r#""""#),
        (r#"strings.ToTitle("")"#, r#""""#),
        (r#"strings.ToCamel("")"#, r#""""#),
        (r#"strings.Fields("")"#, r#"[]"#),
        (r#"strings.TrimSpace("")"#, r#""""#),
        (r#"strings.Split("", "")"#, r#"[]"#),
        (r#"strings.Trim("", "")"#, r#""""#),
        (r#"strconv.Quote("")"#, r#""\"\"""#),
        (r#"strconv.QuoteToASCII("")"#, r#""\"\"""#),
        (r#"strconv.QuoteToGraphic("")"#, r#""\"\"""#),
        (r#"json.Marshal("")"#, r#""\"\"""#),
        (r#"strings.Runes("")"#, r#"[]"#),
        (r#"strings.Replace("", "", "X", -1)"#, r#""X""#),
        (r#"strings.LastIndexAny("", "")"#, r#"-1"#),
        (r#"html.Escape("")"#, r#""""#),
        (r#"net.QueryEscape("")"#, r#""""#),
        (r#"net.PathEscape("")"#, r#""""#),
        (r#"strings.ToUpper("\U0001F600\ufb01")"#, r#""😀ﬁ""#),
        (r#"strings.ToLower("\U0001F600\ufb01")"#, r#""😀ﬁ""#),
        (r#"strings.ToTitle("\U0001F600\ufb01")"#, r#""😀ﬁ""#),
        (r#"strings.ToCamel("\U0001F600\ufb01")"#, r#""😀ﬁ""#),
        (r#"strings.Fields("\U0001F600\ufb01")"#, r#"["😀ﬁ"]"#),
        (r#"strings.TrimSpace("\U0001F600\ufb01")"#, r#""😀ﬁ""#),
        (
            r#"strings.Split("\U0001F600\ufb01", "\u2028\ufb01")"#,
            r#"["😀ﬁ"]"#,
        ),
        (
            r#"strings.Trim("\U0001F600\ufb01", "\u2028\ufb01")"#,
            r#""😀""#,
        ),
        (r#"strconv.Quote("\U0001F600\ufb01")"#, r#""\"😀ﬁ\"""#),
        (
            r#"strconv.QuoteToASCII("\U0001F600\ufb01")"#,
            r#""\"\\U0001f600\\ufb01\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("\U0001F600\ufb01")"#,
            r#""\"😀ﬁ\"""#,
        ),
        (r#"json.Marshal("\U0001F600\ufb01")"#, r#""\"😀ﬁ\"""#),
        (r#"strings.Runes("\U0001F600\ufb01")"#, r#"[128512, 64257]"#),
        (
            r#"strings.Replace("\U0001F600\ufb01", "\u2028\ufb01", "X", -1)"#,
            r#""😀ﬁ""#,
        ),
        (
            r#"strings.LastIndexAny("\U0001F600\ufb01", "\u2028\ufb01")"#,
            r#"4"#,
        ),
        (r#"html.Escape("\U0001F600\ufb01")"#, r#""😀ﬁ""#),
        (
            r#"net.QueryEscape("\U0001F600\ufb01")"#,
            r#""%F0%9F%98%80%EF%AC%81""#,
        ),
        (
            r#"net.PathEscape("\U0001F600\ufb01")"#,
            r#""%F0%9F%98%80%EF%AC%81""#,
        ),
        (r#"strings.ToUpper("")"#, r#""""#),
        (r#"strings.ToLower("")"#, r#""""#),
        (r#"strings.ToTitle("")"#, r#""""#),
        (r#"strings.ToCamel("")"#, r#""""#),
        (r#"strings.Fields("")"#, r#"[]"#),
        (r#"strings.TrimSpace("")"#, r#""""#),
        (r#"strings.Split("", " _")"#, r#"[""]"#),
        (r#"strings.Trim("", " _")"#, r#""""#),
        (r#"strconv.Quote("")"#, r#""\"\"""#),
        (r#"strconv.QuoteToASCII("")"#, r#""\"\"""#),
        (r#"strconv.QuoteToGraphic("")"#, r#""\"\"""#),
        (r#"json.Marshal("")"#, r#""\"\"""#),
        (r#"strings.Runes("")"#, r#"[]"#),
        (r#"strings.Replace("", " _", "X", -1)"#, r#""""#),
        (r#"strings.LastIndexAny("", " _")"#, r#"-1"#),
        (r#"html.Escape("")"#, r#""""#),
        (r#"net.QueryEscape("")"#, r#""""#),
        (r#"net.PathEscape("")"#, r#""""#),
        (r#"strings.ToUpper("")"#, r#""""#),
        (r#"strings.ToLower("")"#, r#""""#),
        (r#"strings.ToTitle("")"#, r#""""#),
        (r#"strings.ToCamel("")"#, r#""""#),
        (r#"strings.Fields("")"#, r#"[]"#),
        (r#"strings.TrimSpace("")"#, r#""""#),
        (r#"strings.Split("", "a")"#, r#"[""]"#),
        (r#"strings.Trim("", "a")"#, r#""""#),
        (r#"strconv.Quote("")"#, r#""\"\"""#),
        (r#"strconv.QuoteToASCII("")"#, r#""\"\"""#),
        (r#"strconv.QuoteToGraphic("")"#, r#""\"\"""#),
        (r#"json.Marshal("")"#, r#""\"\"""#),
        (r#"strings.Runes("")"#, r#"[]"#),
        (r#"strings.Replace("", "a", "X", -1)"#, r#""""#),
        (r#"strings.LastIndexAny("", "a")"#, r#"-1"#),
        (r#"html.Escape("")"#, r#""""#),
        (r#"net.QueryEscape("")"#, r#""""#),
        (r#"net.PathEscape("")"#, r#""""#),
        (r#"strings.ToUpper("\u0130\u03a3\t")"#, r#""İΣ\t""#),
        (r#"strings.ToLower("\u0130\u03a3\t")"#, r#""iσ\t""#),
        (r#"strings.ToTitle("\u0130\u03a3\t")"#, r#""İΣ\t""#),
        (r#"strings.ToCamel("\u0130\u03a3\t")"#, r#""iΣ\t""#),
        (r#"strings.Fields("\u0130\u03a3\t")"#, r#"["İΣ"]"#),
        (r#"strings.TrimSpace("\u0130\u03a3\t")"#, r#""İΣ""#),
        (
            r#"strings.Split("\u0130\u03a3\t", "\ufb01")"#,
            r#"["İΣ\t"]"#,
        ),
        (r#"strings.Trim("\u0130\u03a3\t", "\ufb01")"#, r#""İΣ\t""#),
        (r#"strconv.Quote("\u0130\u03a3\t")"#, r#""\"İΣ\\t\"""#),
        (
            r#"strconv.QuoteToASCII("\u0130\u03a3\t")"#,
            r#""\"\\u0130\\u03a3\\t\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("\u0130\u03a3\t")"#,
            r#""\"İΣ\\t\"""#,
        ),
        (r#"json.Marshal("\u0130\u03a3\t")"#, r#""\"İΣ\\t\"""#),
        (r#"strings.Runes("\u0130\u03a3\t")"#, r#"[304, 931, 9]"#),
        (
            r#"strings.Replace("\u0130\u03a3\t", "\ufb01", "X", -1)"#,
            r#""İΣ\t""#,
        ),
        (
            r#"strings.LastIndexAny("\u0130\u03a3\t", "\ufb01")"#,
            r#"-1"#,
        ),
        (r#"html.Escape("\u0130\u03a3\t")"#, r#""İΣ\t""#),
        (
            r#"net.QueryEscape("\u0130\u03a3\t")"#,
            r#""%C4%B0%CE%A3%09""#,
        ),
        (
            r#"net.PathEscape("\u0130\u03a3\t")"#,
            r#""%C4%B0%CE%A3%09""#,
        ),
        (r#"strings.ToUpper("\tz\u00e9\";\u0130")"#, r#""\tZÉ\";İ""#),
        (r#"strings.ToLower("\tz\u00e9\";\u0130")"#, r#""\tzé\";i""#),
        (r#"strings.ToTitle("\tz\u00e9\";\u0130")"#, r#""\tZé\";İ""#),
        (r#"strings.ToCamel("\tz\u00e9\";\u0130")"#, r#""\tzé\";İ""#),
        (r#"strings.Fields("\tz\u00e9\";\u0130")"#, r#"["zé\";İ"]"#),
        (r#"strings.TrimSpace("\tz\u00e9\";\u0130")"#, r#""zé\";İ""#),
        (
            r#"strings.Split("\tz\u00e9\";\u0130", "")"#,
            r#"["\t", "z", "é", "\"", ";", "İ"]"#,
        ),
        (r#"strings.Trim("\tz\u00e9\";\u0130", "")"#, r#""\tzé\";İ""#),
        (
            r#"strconv.Quote("\tz\u00e9\";\u0130")"#,
            r#""\"\\tzé\\\";İ\"""#,
        ),
        (
            r#"strconv.QuoteToASCII("\tz\u00e9\";\u0130")"#,
            r#""\"\\tz\\u00e9\\\";\\u0130\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic("\tz\u00e9\";\u0130")"#,
            r#""\"\\tzé\\\";İ\"""#,
        ),
        (
            r#"json.Marshal("\tz\u00e9\";\u0130")"#,
            r#""\"\\tzé\\\";İ\"""#,
        ),
        (
            r#"strings.Runes("\tz\u00e9\";\u0130")"#,
            r#"[9, 122, 233, 34, 59, 304]"#,
        ),
        (
            r#"strings.Replace("\tz\u00e9\";\u0130", "", "X", -1)"#,
            r#""X\tXzXéX\"X;XİX""#,
        ),
        (r#"strings.LastIndexAny("\tz\u00e9\";\u0130", "")"#, r#"-1"#),
        (r#"html.Escape("\tz\u00e9\";\u0130")"#, r#""\tzé&#34;;İ""#),
        (
            r#"net.QueryEscape("\tz\u00e9\";\u0130")"#,
            r#""%09z%C3%A9%22%3B%C4%B0""#,
        ),
        (
            r#"net.PathEscape("\tz\u00e9\";\u0130")"#,
            r#""%09z%C3%A9%22%3B%C4%B0""#,
        ),
        (r#"strings.ToUpper(";")"#, r#"";""#),
        (r#"strings.ToLower(";")"#, r#"";""#),
        (r#"strings.ToTitle(";")"#, r#"";""#),
        (r#"strings.ToCamel(";")"#, r#"";""#),
        (r#"strings.Fields(";")"#, r#"[";"]"#),
        (r#"strings.TrimSpace(";")"#, r#"";""#),
        (r#"strings.Split(";", "")"#, r#"[";"]"#),
        (r#"strings.Trim(";", "")"#, r#"";""#),
        (r#"strconv.Quote(";")"#, r#""\";\"""#),
        (r#"strconv.QuoteToASCII(";")"#, r#""\";\"""#),
        (r#"strconv.QuoteToGraphic(";")"#, r#""\";\"""#),
        (r#"json.Marshal(";")"#, r#""\";\"""#),
        (r#"strings.Runes(";")"#, r#"[59]"#),
        (r#"strings.Replace(";", "", "X", -1)"#, r#""X;X""#),
        (r#"strings.LastIndexAny(";", "")"#, r#"-1"#),
        (r#"html.Escape(";")"#, r#"";""#),
        (r#"net.QueryEscape(";")"#, r#""%3B""#),
        (r#"net.PathEscape(";")"#, r#""%3B""#),
        (r#"strings.ToUpper("")"#, r#""""#),
        (r#"strings.ToLower("")"#, r#""""#),
        (r#"strings.ToTitle("")"#, r#""""#),
        (r#"strings.ToCamel("")"#, r#""""#),
        (r#"strings.Fields("")"#, r#"[]"#),
        (r#"strings.TrimSpace("")"#, r#""""#),
        (r#"strings.Split("", "")"#, r#"[]"#),
        (r#"strings.Trim("", "")"#, r#""""#),
        (r#"strconv.Quote("")"#, r#""\"\"""#),
        (r#"strconv.QuoteToASCII("")"#, r#""\"\"""#),
        (r#"strconv.QuoteToGraphic("")"#, r#""\"\"""#),
        (r#"json.Marshal("")"#, r#""\"\"""#),
        (r#"strings.Runes("")"#, r#"[]"#),
        (r#"strings.Replace("", "", "X", -1)"#, r#""X""#),
        (r#"strings.LastIndexAny("", "")"#, r#"-1"#),
        (r#"html.Escape("")"#, r#""""#),
        (r#"net.QueryEscape("")"#, r#""""#),
        (r#"net.PathEscape("")"#, r#""""#),
        (r#"strings.ToUpper("")"#, r#""""#),
        (r#"strings.ToLower("")"#, r#""""#),
        (r#"strings.ToTitle("")"#, r#""""#),
        (r#"strings.ToCamel("")"#, r#""""#),
        (r#"strings.Fields("")"#, r#"[]"#),
        (r#"strings.TrimSpace("")"#, r#""""#),
        (r#"strings.Split("", "")"#, r#"[]"#),
        (r#"strings.Trim("", "")"#, r#""""#),
        (r#"strconv.Quote("")"#, r#""\"\"""#),
        (r#"strconv.QuoteToASCII("")"#, r#""\"\"""#),
        (r#"strconv.QuoteToGraphic("")"#, r#""\"\"""#),
        (r#"json.Marshal("")"#, r#""\"\"""#),
        (r#"strings.Runes("")"#, r#"[]"#),
        (r#"strings.Replace("", "", "X", -1)"#, r#""X""#),
        (r#"strings.LastIndexAny("", "")"#, r#"-1"#),
        (r#"html.Escape("")"#, r#""""#),
        (r#"net.QueryEscape("")"#, r#""""#),
        (r#"net.PathEscape("")"#, r#""""#),
        (r#"strings.ToUpper(" \u00e9za\u0130")"#, r#"" ÉZAİ""#),
        (r#"strings.ToLower(" \u00e9za\u0130")"#, r#"" ézai""#),
        (r#"strings.ToTitle(" \u00e9za\u0130")"#, r#"" Ézaİ""#),
        (r#"strings.ToCamel(" \u00e9za\u0130")"#, r#"" ézaİ""#),
        (r#"strings.Fields(" \u00e9za\u0130")"#, r#"["ézaİ"]"#),
        (r#"strings.TrimSpace(" \u00e9za\u0130")"#, r#""ézaİ""#),
        (
            r#"strings.Split(" \u00e9za\u0130", "\u00a0,")"#,
            r#"[" ézaİ"]"#,
        ),
        (
            r#"strings.Trim(" \u00e9za\u0130", "\u00a0,")"#,
            r#"" ézaİ""#,
        ),
        (r#"strconv.Quote(" \u00e9za\u0130")"#, r#""\" ézaİ\"""#),
        (
            r#"strconv.QuoteToASCII(" \u00e9za\u0130")"#,
            r#""\" \\u00e9za\\u0130\"""#,
        ),
        (
            r#"strconv.QuoteToGraphic(" \u00e9za\u0130")"#,
            r#""\" ézaİ\"""#,
        ),
        (r#"json.Marshal(" \u00e9za\u0130")"#, r#""\" ézaİ\"""#),
        (
            r#"strings.Runes(" \u00e9za\u0130")"#,
            r#"[32, 233, 122, 97, 304]"#,
        ),
        (
            r#"strings.Replace(" \u00e9za\u0130", "\u00a0,", "X", -1)"#,
            r#"" ézaİ""#,
        ),
        (
            r#"strings.LastIndexAny(" \u00e9za\u0130", "\u00a0,")"#,
            r#"-1"#,
        ),
        (r#"html.Escape(" \u00e9za\u0130")"#, r#"" ézaİ""#),
        (
            r#"net.QueryEscape(" \u00e9za\u0130")"#,
            r#""+%C3%A9za%C4%B0""#,
        ),
        (
            r#"net.PathEscape(" \u00e9za\u0130")"#,
            r#""%20%C3%A9za%C4%B0""#,
        ),
    ]);
}
#[test]
fn time_random() {
    check(&[
        (
            r#"time.FormatString("pm02", "0001-01-01T00:00:00Z")"#,
            r#""am01""#,
        ),
        (
            r#"time.FormatString("__2JanuaryJan06", "0001-01-01T00:00:00Z")"#,
            r#""  1JanuaryJan01""#,
        ),
        (
            r#"time.FormatString("PM104-/", "2024-02-29T00:00:00+05:30")"#,
            r#""AM200-/""#,
        ),
        (
            r#"time.FormatString("150205", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""233159""#,
        ),
        (
            r#"time.FormatString("05", "2024-02-29T00:00:00+05:30")"#,
            r#""00""#,
        ),
        (
            r#"time.FormatString("002pm", "2024-02-29T00:00:00+05:30")"#,
            r#""060am""#,
        ),
        (
            r#"time.FormatString("-07JanuaryJaZ07:00Z0700 ", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""-08DecemberJa-08:00-0800 ""#,
        ),
        (
            r#"time.FormatString("4Mon", "2024-02-29T00:00:00+05:30")"#,
            r#""0Thu""#,
        ),
        (
            r#"time.FormatString(":", "2024-02-29T00:00:00+05:30")"#,
            r#"":""#,
        ),
        (
            r#"time.FormatString("PM", "2000-01-01T12:00:00.5+00:00")"#,
            r#""PM""#,
        ),
        (
            r#"time.FormatString("pm 03.000.999Ja", "2024-02-29T00:00:00+05:30")"#,
            r#""am 12.000Ja""#,
        ),
        (
            r#"time.FormatString(".900204pm", "2024-02-29T00:00:00+05:30")"#,
            r#"".906000am""#,
        ),
        (
            r#"time.FormatString("January", "2021-02-09T13:04:05.000123Z")"#,
            r#""February""#,
        ),
        (
            r#"time.FormatString("005-/", "0001-01-01T00:00:00Z")"#,
            r#""000-/""#,
        ),
        (
            r#"time.FormatString("Z07:00__203Jan.00003", "0001-01-01T00:00:00Z")"#,
            r#""Z  112Jan.00012""#,
        ),
        (
            r#"time.FormatString("15-0700.999", "2000-01-01T12:00:00.5+00:00")"#,
            r#""12+0000.5""#,
        ),
        (
            r#"time.FormatString("00:03", "2024-02-29T00:00:00+05:30")"#,
            r#""00:12""#,
        ),
        (
            r#"time.FormatString("1", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""12""#,
        ),
        (
            r#"time.FormatString("xMond4", "2021-02-09T13:04:05.000123Z")"#,
            r#""xMond4""#,
        ),
        (
            r#"time.FormatString("15PM,000", "2021-02-09T13:04:05.000123Z")"#,
            r#""13PM,000""#,
        ),
        (
            r#"time.FormatString("-0700", "2021-02-09T13:04:05.000123Z")"#,
            r#""+0000""#,
        ),
        (
            r#"time.FormatString("MST06MST", "2024-02-29T00:00:00+05:30")"#,
            r#""+053024+0530""#,
        ),
        (
            r#"time.FormatString("__2.000Mond", "2021-02-09T13:04:05.000123Z")"#,
            r#"" 40.000Mond""#,
        ),
        (
            r#"time.FormatString("Mond03.9", "2024-02-29T00:00:00+05:30")"#,
            r#""Mond12""#,
        ),
        (
            r#"time.FormatString("05Z0700", "2000-01-01T12:00:00.5+00:00")"#,
            r#""00Z""#,
        ),
        (
            r#"time.FormatString("Z07:00T", "2021-02-09T13:04:05.000123Z")"#,
            r#""ZT""#,
        ),
        (
            r#"time.FormatString("01,000002", "2024-02-29T00:00:00+05:30")"#,
            r#""02,000060""#,
        ),
        (
            r#"time.FormatString("PMT02", "0001-01-01T00:00:00Z")"#,
            r#""AMT01""#,
        ),
        (
            r#"time.FormatString(".9993", "2021-02-09T13:04:05.000123Z")"#,
            r#"".9991""#,
        ),
        (
            r#"time.FormatString("1", "2021-02-09T13:04:05.000123Z")"#,
            r#""2""#,
        ),
        (
            r#"time.FormatString("002Ja__2Ja01/", "0001-01-01T00:00:00Z")"#,
            r#""001Ja  1Ja01/""#,
        ),
        (
            r#"time.FormatString("4MST012-", "2024-02-29T00:00:00+05:30")"#,
            r#""0+05300229-""#,
        ),
        (
            r#"time.FormatString("03Mon034", "0001-01-01T00:00:00Z")"#,
            r#""12Mon120""#,
        ),
        (
            r#"time.FormatString("Monday0104.000", "0001-01-01T00:00:00Z")"#,
            r#""Monday0100.000""#,
        ),
        (
            r#"time.FormatString(".9993", "0001-01-01T00:00:00Z")"#,
            r#"".99912""#,
        ),
        (
            r#"time.FormatString("0101", "2024-02-29T00:00:00+05:30")"#,
            r#""0202""#,
        ),
        (
            r#"time.FormatString("4-3", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""59-11""#,
        ),
        (
            r#"time.FormatString("05__2MST1", "2024-02-29T00:00:00+05:30")"#,
            r#""00 60+05302""#,
        ),
        (
            r#"time.FormatString("2T-07:00:0001Monday", "0001-01-01T00:00:00Z")"#,
            r#""1T+00:00:0001Monday""#,
        ),
        (
            r#"time.FormatString(".999", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#"".999""#,
        ),
        (
            r#"time.FormatString("002Z07:00PMMonMST", "0001-01-01T00:00:00Z")"#,
            r#""001ZAMMonUTC""#,
        ),
        (
            r#"time.FormatString("35Z07:00-07:00:00Monday", "2021-02-09T13:04:05.000123Z")"#,
            r#""15Z+00:00:00Tuesday""#,
        ),
        (
            r#"time.FormatString("000301", "0001-01-01T00:00:00Z")"#,
            r#""001201""#,
        ),
        (
            r#"time.FormatString("_25100200", "0001-01-01T00:00:00Z")"#,
            r#"" 10100100""#,
        ),
        (
            r#"time.FormatString("Mon-07:00:00Z070032006", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""Fri-08:00:00-0800111999""#,
        ),
        (
            r#"time.FormatString("2006Mond", "2024-02-29T00:00:00+05:30")"#,
            r#""2024Mond""#,
        ),
        (
            r#"time.FormatString("-07:00:00", "0001-01-01T00:00:00Z")"#,
            r#""+00:00:00""#,
        ),
        (
            r#"time.FormatString(":1", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#"":12""#,
        ),
        (
            r#"time.FormatString("JaZ07:00", "2000-01-01T12:00:00.5+00:00")"#,
            r#""JaZ""#,
        ),
        (
            r#"time.FormatString("-.906January", "2021-02-09T13:04:05.000123Z")"#,
            r#""-.921February""#,
        ),
        (
            r#"time.FormatString("Ja2Monday:05Ja", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""Ja31Friday:59Ja""#,
        ),
        (
            r#"time.FormatString("-07", "2021-02-09T13:04:05.000123Z")"#,
            r#""+00""#,
        ),
        (
            r#"time.FormatString("2006pm-0700JanJanuary", "2000-01-01T12:00:00.5+00:00")"#,
            r#""2000pm+0000JanJanuary""#,
        ),
        (
            r#"time.FormatString("Z07003pmZ0700", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""-080011pm-0800""#,
        ),
        (
            r#"time.FormatString("-07:00:0002Jan2", "2000-01-01T12:00:00.5+00:00")"#,
            r#""+00:00:0001Jan1""#,
        ),
        (
            r#"time.FormatString(" .999.000", "0001-01-01T00:00:00Z")"#,
            r#"" .000""#,
        ),
        (
            r#"time.FormatString("00", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""00""#,
        ),
        (
            r#"time.FormatString("pmMon.9992:002", "2024-02-29T00:00:00+05:30")"#,
            r#""amThu.99929:060""#,
        ),
        (
            r#"time.FormatString("15__2", "2024-02-29T00:00:00+05:30")"#,
            r#""00 60""#,
        ),
        (
            r#"time.FormatString("Z07:0005/2006", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""-08:0059/1999""#,
        ),
        (
            r#"time.FormatString("pm", "2021-02-09T13:04:05.000123Z")"#,
            r#""pm""#,
        ),
        (
            r#"time.FormatString("2MondayJaMon-", "2021-02-09T13:04:05.000123Z")"#,
            r#""9TuesdayJaTue-""#,
        ),
        (
            r#"time.FormatString("4.000PM-070004", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""59.999PM-080059""#,
        ),
        (
            r#"time.FormatString("20061MondMST/,000", "2000-01-01T12:00:00.5+00:00")"#,
            r#""20001MondUTC/,500""#,
        ),
        (
            r#"time.FormatString(" .9Mond", "2000-01-01T12:00:00.5+00:00")"#,
            r#"" .5Mond""#,
        ),
        (
            r#"time.FormatString("-07:00:00__205Ja", "2024-02-29T00:00:00+05:30")"#,
            r#""+05:30:00 6000Ja""#,
        ),
        (
            r#"time.FormatString("Z07:00_2.999JanuaryJa__2", "2000-01-01T12:00:00.5+00:00")"#,
            r#""Z 1.5JanuaryJa  1""#,
        ),
        (
            r#"time.FormatString("PM-07", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""PM-08""#,
        ),
        (
            r#"time.FormatString("-0700MondJanuaryJan-07:00:00", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""-0800MondDecemberDec-08:00:00""#,
        ),
        (
            r#"time.FormatString("-07MST15", "2024-02-29T00:00:00+05:30")"#,
            r#""+05+053000""#,
        ),
        (
            r#"time.FormatString("Ja", "2021-02-09T13:04:05.000123Z")"#,
            r#""Ja""#,
        ),
        (
            r#"time.FormatString("January-07000200215", "2000-01-01T12:00:00.5+00:00")"#,
            r#""January+00000100112""#,
        ),
        (
            r#"time.FormatString("TJan215", "0001-01-01T00:00:00Z")"#,
            r#""TJan100""#,
        ),
        (
            r#"time.FormatString("04Mondpm-07:00:00Ja4", "0001-01-01T00:00:00Z")"#,
            r#""00Mondam+00:00:00Ja0""#,
        ),
        (
            r#"time.FormatString("04pm-0704MST/", "2000-01-01T12:00:00.5+00:00")"#,
            r#""00pm+0000UTC/""#,
        ),
        (
            r#"time.FormatString("-07:00:00 -07:00:00MST", "2024-02-29T00:00:00+05:30")"#,
            r#""+05:30:00 +05:30:00+0530""#,
        ),
        (
            r#"time.FormatString(".000x200605", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#"".999x199959""#,
        ),
        (
            r#"time.FormatString(",000:Mond-07-07:00:00", "0001-01-01T00:00:00Z")"#,
            r#"",000:Mond+00+00:00:00""#,
        ),
        (
            r#"time.FormatString("06__2 Jan,000", "2024-02-29T00:00:00+05:30")"#,
            r#""24 60 Feb,000""#,
        ),
        (
            r#"time.FormatString("pmJanuary05Mon04", "0001-01-01T00:00:00Z")"#,
            r#""amJanuary00Mon00""#,
        ),
        (
            r#"time.FormatString("Jan__24Janpm", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""Dec36559Janpm""#,
        ),
        (
            r#"time.FormatString("002", "0001-01-01T00:00:00Z")"#,
            r#""001""#,
        ),
        (
            r#"time.FormatString("Mond:/0506", "2000-01-01T12:00:00.5+00:00")"#,
            r#""Mond:/0000""#,
        ),
        (
            r#"time.FormatString("00202", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""36531""#,
        ),
        (
            r#"time.FormatString("MST", "2021-02-09T13:04:05.000123Z")"#,
            r#""UTC""#,
        ),
        (
            r#"time.FormatString("5", "2021-02-09T13:04:05.000123Z")"#,
            r#""5""#,
        ),
        (
            r#"time.FormatString("PMMond0015__2.000", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""PMMond01259365.999""#,
        ),
        (
            r#"time.FormatString("January:-072006:__2", "2000-01-01T12:00:00.5+00:00")"#,
            r#""January:+002000:  1""#,
        ),
        (
            r#"time.FormatString("__23pmMon", "2000-01-01T12:00:00.5+00:00")"#,
            r#""  112pmSat""#,
        ),
        (
            r#"time.FormatString("Z0700", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""-0800""#,
        ),
        (
            r#"time.FormatString("05 ", "0001-01-01T00:00:00Z")"#,
            r#""00 ""#,
        ),
        (
            r#"time.FormatString("pm-07:00:00Z07:00002Z0700", "2021-02-09T13:04:05.000123Z")"#,
            r#""pm+00:00:00Z040Z""#,
        ),
        (
            r#"time.FormatString("06506pm", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""995999pm""#,
        ),
        (
            r#"time.FormatString("002", "2021-02-09T13:04:05.000123Z")"#,
            r#""040""#,
        ),
        (
            r#"time.FormatString("20060404:2006", "0001-01-01T00:00:00Z")"#,
            r#""00010000:0001""#,
        ),
        (
            r#"time.FormatString("/15.9Z0700Z07:0015", "2000-01-01T12:00:00.5+00:00")"#,
            r#""/12.5ZZ12""#,
        ),
        (
            r#"time.FormatString("0302MonMond-0700", "2024-02-29T00:00:00+05:30")"#,
            r#""1229ThuMond+0530""#,
        ),
        (
            r#"time.FormatString(".000Ja0100305", "2000-01-01T12:00:00.5+00:00")"#,
            r#"".500Ja0101200""#,
        ),
        (
            r#"time.FormatString("xpmMon00Z07:00January", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""xpmFri00-08:00December""#,
        ),
        (
            r#"time.FormatString("0201Ja", "2024-02-29T00:00:00+05:30")"#,
            r#""2902Ja""#,
        ),
        (
            r#"time.FormatString("Mon-0700January1501", "0001-01-01T00:00:00Z")"#,
            r#""Mon+0000January0001""#,
        ),
        (
            r#"time.FormatString("/Ja40103", "2021-02-09T13:04:05.000123Z")"#,
            r#""/Ja40201""#,
        ),
        (
            r#"time.FormatString("Ja_2pm", "2021-02-09T13:04:05.000123Z")"#,
            r#""Ja 9pm""#,
        ),
        (
            r#"time.FormatString(" 2006Jan04Mond", "2024-02-29T00:00:00+05:30")"#,
            r#"" 2024Feb00Mond""#,
        ),
        (
            r#"time.FormatString("06012006Mon__2", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""99121999Fri365""#,
        ),
        (
            r#"time.FormatString("4-0700pm", "0001-01-01T00:00:00Z")"#,
            r#""0+0000am""#,
        ),
        (
            r#"time.FormatString("Ja-07:00:000115.000Monday", "2021-02-09T13:04:05.000123Z")"#,
            r#""Ja+00:00:000213.000Tuesday""#,
        ),
        (
            r#"time.FormatString(" pm:PM3", "0001-01-01T00:00:00Z")"#,
            r#"" am:AM12""#,
        ),
        (
            r#"time.FormatString("15306", "0001-01-01T00:00:00Z")"#,
            r#""001201""#,
        ),
        (
            r#"time.FormatString("5Z07:00.00000", "0001-01-01T00:00:00Z")"#,
            r#""0Z.00000""#,
        ),
        (
            r#"time.FormatString("Mond305", "2024-02-29T00:00:00+05:30")"#,
            r#""Mond1200""#,
        ),
        (
            r#"time.FormatString("January06-07:00:0005Ja", "2024-02-29T00:00:00+05:30")"#,
            r#""February24+05:30:0000Ja""#,
        ),
        (
            r#"time.FormatString("_2MondMSTJanuary002Mond", "2021-02-09T13:04:05.000123Z")"#,
            r#"" 9MondUTCFebruary040Mond""#,
        ),
        (
            r#"time.FormatString("3053Monday2Z07:00", "2021-02-09T13:04:05.000123Z")"#,
            r#""1051Tuesday9Z""#,
        ),
        (
            r#"time.FormatString("T3002January", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""T11365December""#,
        ),
        (
            r#"time.FormatString("022MSTPMT", "2000-01-01T12:00:00.5+00:00")"#,
            r#""011UTCPMT""#,
        ),
        (
            r#"time.FormatString("__2Jan1506153", "2024-02-29T00:00:00+05:30")"#,
            r#"" 60Feb00240012""#,
        ),
        (
            r#"time.FormatString("x", "2024-02-29T00:00:00+05:30")"#,
            r#""x""#,
        ),
        (
            r#"time.FormatString("Z07:00Ja-070020023", "2021-02-09T13:04:05.000123Z")"#,
            r#""ZJa+000090401""#,
        ),
        (
            r#"time.FormatString("002", "2021-02-09T13:04:05.000123Z")"#,
            r#""040""#,
        ),
        (
            r#"time.FormatString("05Monday0203_2-07:00:00", "0001-01-01T00:00:00Z")"#,
            r#""00Monday0112 1+00:00:00""#,
        ),
        (
            r#"time.FormatString("/Monday/MST-07", "0001-01-01T00:00:00Z")"#,
            r#""/Monday/UTC+00""#,
        ),
        (
            r#"time.FormatString("-07:00:00010115__2-0700", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""-08:00:00121223365-0800""#,
        ),
        (
            r#"time.FormatString("4-07T", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""59-08T""#,
        ),
        (
            r#"time.FormatString("-0700Z0700-07/2", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""-0800-0800-08/31""#,
        ),
        (
            r#"time.FormatString("-070015", "2000-01-01T12:00:00.5+00:00")"#,
            r#""+000012""#,
        ),
        (
            r#"time.FormatString("0606", "2021-02-09T13:04:05.000123Z")"#,
            r#""2121""#,
        ),
        (
            r#"time.FormatString("PMMST", "2000-01-01T12:00:00.5+00:00")"#,
            r#""PMUTC""#,
        ),
        (
            r#"time.FormatString("01pm-07:00:00002", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""12pm-08:00:00365""#,
        ),
        (
            r#"time.FormatString("Mond,000-0700-0700", "2021-02-09T13:04:05.000123Z")"#,
            r#""Mond,000+0000+0000""#,
        ),
        (
            r#"time.FormatString("_2.906.000", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""31.999.999""#,
        ),
        (
            r#"time.FormatString("Z07:00", "2024-02-29T00:00:00+05:30")"#,
            r#""+05:30""#,
        ),
        (
            r#"time.FormatString(":1JanuaryMon002", "2000-01-01T12:00:00.5+00:00")"#,
            r#"":1JanuarySat001""#,
        ),
        (
            r#"time.FormatString("15", "2000-01-01T12:00:00.5+00:00")"#,
            r#""12""#,
        ),
        (
            r#"time.FormatString("JaZ07:00", "2000-01-01T12:00:00.5+00:00")"#,
            r#""JaZ""#,
        ),
        (
            r#"time.FormatString("06", "0001-01-01T00:00:00Z")"#,
            r#""01""#,
        ),
        (
            r#"time.FormatString("04x_2Mond", "2021-02-09T13:04:05.000123Z")"#,
            r#""04x 9Mond""#,
        ),
        (
            r#"time.FormatString("15Ja", "2024-02-29T00:00:00+05:30")"#,
            r#""00Ja""#,
        ),
        (
            r#"time.FormatString(".999MST", "2000-01-01T12:00:00.5+00:00")"#,
            r#"".5UTC""#,
        ),
        (
            r#"time.FormatString("-07002-0700/T-0700", "2024-02-29T00:00:00+05:30")"#,
            r#""+053029+0530/T+0530""#,
        ),
        (
            r#"time.FormatString("Z07:00/01/__2", "2024-02-29T00:00:00+05:30")"#,
            r#""+05:30/02/ 60""#,
        ),
        (
            r#"time.FormatString("03MondayMon2Jan", "2000-01-01T12:00:00.5+00:00")"#,
            r#""12SaturdaySat1Jan""#,
        ),
        (
            r#"time.FormatString("002__2", "2000-01-01T12:00:00.5+00:00")"#,
            r#""001  1""#,
        ),
        (
            r#"time.FormatString("_2Ja1/-0700January", "2021-02-09T13:04:05.000123Z")"#,
            r#"" 9Ja2/+0000February""#,
        ),
        (
            r#"time.FormatString("__2/1505Mond", "2021-02-09T13:04:05.000123Z")"#,
            r#"" 40/1305Mond""#,
        ),
        (
            r#"time.FormatString("Mon53", "0001-01-01T00:00:00Z")"#,
            r#""Mon012""#,
        ),
        (
            r#"time.FormatString("-1_2", "2024-02-29T00:00:00+05:30")"#,
            r#""-229""#,
        ),
        (
            r#"time.FormatString("012006-0700-", "2000-01-01T12:00:00.5+00:00")"#,
            r#""012000+0000-""#,
        ),
        (
            r#"time.FormatString("Jan03.999", "2021-02-09T13:04:05.000123Z")"#,
            r#""Feb01""#,
        ),
        (
            r#"time.FormatString("01PM0303", "1999-12-31T23:59:59.999999999-08:00")"#,
            r#""12PM1111""#,
        ),
        (
            r#"time.Parse("JanuaryJanuary", "2021")"#,
            r#"error: parsing time "2021" as "JanuaryJanuary": cannot parse "2021" as "January""#,
        ),
        (
            r#"time.Parse("---", "0202-.5")"#,
            r#"error: parsing time "0202-.5" as "---": cannot parse "0202-.5" as "---""#,
        ),
        (
            r#"time.Parse("0003", ":212102Feb")"#,
            r#"error: parsing time ":212102Feb" as "0003": cannot parse ":212102Feb" as "00""#,
        ),
        (
            r#"time.Parse("_202-MST", ".504Febxx")"#,
            r#"error: parsing time ".504Febxx" as "_202-MST": cannot parse ".504Febxx" as "_2""#,
        ),
        (
            r#"time.Parse("x", "022021Tue2104:")"#,
            r#"error: parsing time "022021Tue2104:" as "x": cannot parse "022021Tue2104:" as "x""#,
        ),
        (
            r#"time.Parse("pmx-0700__2", "PM:Z1Z")"#,
            r#"error: parsing time "PM:Z1Z" as "pmx-0700__2": cannot parse "PM:Z1Z" as "pm""#,
        ),
        (
            r#"time.Parse("Monx", "2021x:x13")"#,
            r#"error: parsing time "2021x:x13" as "Monx": cannot parse "2021x:x13" as "Monx""#,
        ),
        (
            r#"time.Parse("xTJa", "Z.5Tue05Tue.5")"#,
            r#"error: parsing time "Z.5Tue05Tue.5" as "xTJa": cannot parse "Z.5Tue05Tue.5" as "xTJa""#,
        ),
        (
            r#"time.Parse("MST3/", "0504PMTue")"#,
            r#"error: parsing time "0504PMTue" as "MST3/": cannot parse "0504PMTue" as "MST""#,
        ),
        (
            r#"time.Parse("0204Z07:00", "13TueZ20521")"#,
            r#"error: parsing time "13TueZ20521" as "0204Z07:00": cannot parse "TueZ20521" as "04""#,
        ),
        (
            r#"time.Parse("2006012006:15", "1PM")"#,
            r#"error: parsing time "1PM" as "2006012006:15": cannot parse "1PM" as "2006""#,
        ),
        (
            r#"time.Parse("Z0700400.9", "+010005-02.521")"#,
            r#"error: parsing time "+010005-02.521" as "Z0700400.9": cannot parse "-02.521" as "00""#,
        ),
        (
            r#"time.Parse("15", "+0100")"#,
            r#"error: parsing time "+0100" as "15": cannot parse "+0100" as "15""#,
        ),
        (
            r#"time.Parse("-07:00:00", "+010021")"#,
            r#"error: parsing time "+010021" as "-07:00:00": cannot parse "+010021" as "-07:00:00""#,
        ),
        (
            r#"time.Parse("04-07Z07:00 -0700", "Feb2021PMPM2UTC")"#,
            r#"error: parsing time "Feb2021PMPM2UTC" as "04-07Z07:00 -0700": cannot parse "Feb2021PMPM2UTC" as "04""#,
        ),
        (
            r#"time.Parse("3Monday-0700T.999", "02UTCTue02Z")"#,
            r#"error: parsing time "02UTCTue02Z" as "3Monday-0700T.999": cannot parse "UTCTue02Z" as "Monday""#,
        ),
        (
            r#"time.Parse("-306January", "2FebFeb")"#,
            r#"error: parsing time "2FebFeb" as "-306January": cannot parse "2FebFeb" as "-""#,
        ),
        (
            r#"time.Parse(".9-0700.000MST", "05UTC2.5")"#,
            r#"error: parsing time "05UTC2.5" as ".9-0700.000MST": cannot parse "05UTC2.5" as "-0700""#,
        ),
        (
            r#"time.Parse(" JanMonday.999", "PM1xTue+010005")"#,
            r#"error: parsing time "PM1xTue+010005" as " JanMonday.999": cannot parse "PM1xTue+010005" as " ""#,
        ),
        (
            r#"time.Parse("Z07:00", "21-1Tue ")"#,
            r#"error: parsing time "21-1Tue " as "Z07:00": cannot parse "21-1Tue " as "Z07:00""#,
        ),
        (
            r#"time.Parse("--0700", "Z+0100:2")"#,
            r#"error: parsing time "Z+0100:2" as "--0700": cannot parse "Z+0100:2" as "-""#,
        ),
        (
            r#"time.Parse("2006.999-0700Mon", "0413Feb.5PMFeb")"#,
            r#"error: parsing time "0413Feb.5PMFeb" as "2006.999-0700Mon": cannot parse "Feb.5PMFeb" as "-0700""#,
        ),
        (
            r#"time.Parse("/TMon", "Feb UTC PM")"#,
            r#"error: parsing time "Feb UTC PM" as "/TMon": cannot parse "Feb UTC PM" as "/T""#,
        ),
        (
            r#"time.Parse(" 01.99905x", "Tue:Tue2021Z")"#,
            r#"error: parsing time "Tue:Tue2021Z" as " 01.99905x": cannot parse "Tue:Tue2021Z" as " ""#,
        ),
        (
            r#"time.Parse("pm_201200604", "Feb.5.5")"#,
            r#"error: parsing time "Feb.5.5" as "pm_201200604": cannot parse "Feb.5.5" as "pm""#,
        ),
        (
            r#"time.Parse("T0451", "0221Z211")"#,
            r#"error: parsing time "0221Z211" as "T0451": cannot parse "0221Z211" as "T""#,
        ),
        (
            r#"time.Parse("/Jan/Mond", "Tue13")"#,
            r#"error: parsing time "Tue13" as "/Jan/Mond": cannot parse "Tue13" as "/""#,
        ),
        (
            r#"time.Parse("03", "1312021- ")"#,
            r#"error: parsing time "1312021- ": hour out of range"#,
        ),
        (
            r#"time.Parse("-070005T", "xFeb.52")"#,
            r#"error: parsing time "xFeb.52" as "-070005T": cannot parse "xFeb.52" as "-0700""#,
        ),
        (
            r#"time.Parse("0505021Z07:00", "21UTC0213121")"#,
            r#"error: parsing time "21UTC0213121" as "0505021Z07:00": cannot parse "UTC0213121" as "05""#,
        ),
        (
            r#"time.Parse("Z0700-07Jan00", "02FebZ+0100-UTC")"#,
            r#"error: parsing time "02FebZ+0100-UTC" as "Z0700-07Jan00": cannot parse "02FebZ+0100-UTC" as "Z0700""#,
        ),
        (
            r#"time.Parse("002", "21Tue")"#,
            r#"error: parsing time "21Tue" as "002": cannot parse "21Tue" as "002""#,
        ),
        (
            r#"time.Parse("/-Mon.9", "x+01001")"#,
            r#"error: parsing time "x+01001" as "/-Mon.9": cannot parse "x+01001" as "/-""#,
        ),
        (
            r#"time.Parse("5T2006", "UTCx.5")"#,
            r#"error: parsing time "UTCx.5" as "5T2006": cannot parse "UTCx.5" as "5""#,
        ),
        (
            r#"time.Parse("2002 ", "TueUTC")"#,
            r#"error: parsing time "TueUTC" as "2002 ": cannot parse "TueUTC" as "2""#,
        ),
        (
            r#"time.Parse("_215Mond03:", ":")"#,
            r#"error: parsing time ":" as "_215Mond03:": cannot parse ":" as "_2""#,
        ),
        (
            r#"time.Parse("pm", "02")"#,
            r#"error: parsing time "02" as "pm": cannot parse "02" as "pm""#,
        ),
        (
            r#"time.Parse(",00002-20065", "13132")"#,
            r#"error: parsing time "13132" as ",00002-20065": cannot parse "13132" as ",00""#,
        ),
        (
            r#"time.Parse("x-07:00:005", "0420212UTCPM")"#,
            r#"error: parsing time "0420212UTCPM" as "x-07:00:005": cannot parse "0420212UTCPM" as "x""#,
        ),
        (
            r#"time.Parse("002MondayJaZ07:0003", "1TueTue.5")"#,
            r#"error: parsing time "1TueTue.5" as "002MondayJaZ07:0003": cannot parse "1TueTue.5" as "002""#,
        ),
        (
            r#"time.Parse("3", ":Z")"#,
            r#"error: parsing time ":Z" as "3": cannot parse ":Z" as "3""#,
        ),
        (
            r#"time.Parse("MST_2Mond002-07", "-+0100ZPM.5")"#,
            r#"error: parsing time "-+0100ZPM.5" as "MST_2Mond002-07": cannot parse "-+0100ZPM.5" as "MST""#,
        ),
        (
            r#"time.Parse(",000", "0404Feb2")"#,
            r#"error: parsing time "0404Feb2" as ",000": cannot parse "0404Feb2" as ",000""#,
        ),
        (
            r#"time.Parse(".9Ja ", " Z0204PM:")"#,
            r#"error: parsing time " Z0204PM:" as ".9Ja ": cannot parse " Z0204PM:" as "Ja ""#,
        ),
        (
            r#"time.Parse("Ja", "2021TueUTC")"#,
            r#"error: parsing time "2021TueUTC" as "Ja": cannot parse "2021TueUTC" as "Ja""#,
        ),
        (
            r#"time.Parse("15Z0700Mon1501", "11UTC")"#,
            r#"error: parsing time "11UTC" as "15Z0700Mon1501": cannot parse "UTC" as "Z0700""#,
        ),
        (
            r#"time.Parse("00203Mon,000pm", "04.5+010013")"#,
            r#"error: parsing time "04.5+010013" as "00203Mon,000pm": cannot parse "04.5+010013" as "002""#,
        ),
        (
            r#"time.Parse("T", ":")"#,
            r#"error: parsing time ":" as "T": cannot parse ":" as "T""#,
        ),
        (
            r#"time.Parse("01-", ".50421Feb")"#,
            r#"error: parsing time ".50421Feb" as "01-": cannot parse ".50421Feb" as "01""#,
        ),
        (
            r#"time.Parse("1-07:00:00.000", "1PMZ")"#,
            r#"error: parsing time "1PMZ" as "1-07:00:00.000": cannot parse "PMZ" as "-07:00:00""#,
        ),
        (
            r#"time.Parse("-07:00:00T06", "FebFeb +0100")"#,
            r#"error: parsing time "FebFeb +0100" as "-07:00:00T06": cannot parse "FebFeb +0100" as "-07:00:00""#,
        ),
        (
            r#"time.Parse("002.9-", "PMx2")"#,
            r#"error: parsing time "PMx2" as "002.9-": cannot parse "PMx2" as "002""#,
        ),
        (
            r#"time.Parse("__2pm", "-Feb02 :")"#,
            r#"error: parsing time "-Feb02 :" as "__2pm": cannot parse "-Feb02 :" as "__2""#,
        ),
        (
            r#"time.Parse("5", "132021+0100+010004")"#,
            r#"error: parsing time "132021+0100+010004": extra text: "2021+0100+010004""#,
        ),
        (
            r#"time.Parse("0020602_2", "04:Z02")"#,
            r#"error: parsing time "04:Z02" as "0020602_2": cannot parse "04:Z02" as "002""#,
        ),
        (
            r#"time.Parse("05/.9", "2021.5")"#,
            r#"error: parsing time "2021.5" as "05/.9": cannot parse "21.5" as "/""#,
        ),
        (
            r#"time.Parse("0505Z0700", "21xTue")"#,
            r#"error: parsing time "21xTue" as "0505Z0700": cannot parse "xTue" as "05""#,
        ),
        (
            r#"time.Parse("05T024", "22 04+0100")"#,
            r#"error: parsing time "22 04+0100" as "05T024": cannot parse " 04+0100" as "T""#,
        ),
        (
            r#"time.Parse("Z0700", "Z-Zx")"#,
            r#"error: parsing time "Z-Zx": extra text: "-Zx""#,
        ),
        (
            r#"time.Parse("Mon ", "05PM")"#,
            r#"error: parsing time "05PM" as "Mon ": cannot parse "05PM" as "Mon""#,
        ),
        (
            r#"time.Parse("00Jan.9", "--1305:UTC")"#,
            r#"error: parsing time "--1305:UTC" as "00Jan.9": cannot parse "--1305:UTC" as "00""#,
        ),
        (
            r#"time.Parse("/,000-", "21.5Z")"#,
            r#"error: parsing time "21.5Z" as "/,000-": cannot parse "21.5Z" as "/""#,
        ),
        (
            r#"time.Parse(":-0700__2", "1PM")"#,
            r#"error: parsing time "1PM" as ":-0700__2": cannot parse "1PM" as ":""#,
        ),
        (
            r#"time.Parse("Jan05.000.9PM", "+0100-TuexUTC1")"#,
            r#"error: parsing time "+0100-TuexUTC1" as "Jan05.000.9PM": cannot parse "+0100-TuexUTC1" as "Jan""#,
        ),
        (
            r#"time.Parse("PMMST_205", "1313 2")"#,
            r#"error: parsing time "1313 2" as "PMMST_205": cannot parse "1313 2" as "PM""#,
        ),
        (
            r#"time.Parse("x002Jan05", "2021Feb.5UTC.5")"#,
            r#"error: parsing time "2021Feb.5UTC.5" as "x002Jan05": cannot parse "2021Feb.5UTC.5" as "x""#,
        ),
        (
            r#"time.Parse("_2JanuaryJa", "21ZPMTuePM")"#,
            r#"error: parsing time "21ZPMTuePM" as "_2JanuaryJa": cannot parse "ZPMTuePM" as "January""#,
        ),
        (
            r#"time.Parse("January-0700 ", "2:ZZ-")"#,
            r#"error: parsing time "2:ZZ-" as "January-0700 ": cannot parse "2:ZZ-" as "January""#,
        ),
        (
            r#"time.Parse("Monday15_2MST.000", ":05")"#,
            r#"error: parsing time ":05" as "Monday15_2MST.000": cannot parse ":05" as "Monday""#,
        ),
        (
            r#"time.Parse("00T00215", "Z13")"#,
            r#"error: parsing time "Z13" as "00T00215": cannot parse "Z13" as "00T""#,
        ),
        (
            r#"time.Parse("_2/06pm", ":1")"#,
            r#"error: parsing time ":1" as "_2/06pm": cannot parse ":1" as "_2""#,
        ),
        (
            r#"time.Parse("Z07:00__2 04MST", "+0100221PM-05")"#,
            r#"error: parsing time "+0100221PM-05" as "Z07:00__2 04MST": cannot parse "+0100221PM-05" as "Z07:00""#,
        ),
        (
            r#"time.Parse(".902", "0513Tue02-.5")"#,
            r#"error: parsing time "0513Tue02-.5" as ".902": cannot parse "0513Tue02-.5" as ".9""#,
        ),
        (
            r#"time.Parse("06", "Feb02")"#,
            r#"error: parsing time "Feb02" as "06": cannot parse "Feb02" as "06""#,
        ),
        (
            r#"time.Parse("T05", "21.5")"#,
            r#"error: parsing time "21.5" as "T05": cannot parse "21.5" as "T""#,
        ),
        (
            r#"time.Parse("5,000Mon", "2-")"#,
            r#"error: parsing time "2-" as "5,000Mon": cannot parse "-" as ",000""#,
        ),
        (
            r#"time.Parse("PMJa05", "0521-2021:Z")"#,
            r#"error: parsing time "0521-2021:Z" as "PMJa05": cannot parse "0521-2021:Z" as "PM""#,
        ),
        (
            r#"time.Parse("2006--07", "04")"#,
            r#"error: parsing time "04" as "2006--07": cannot parse "04" as "2006""#,
        ),
        (
            r#"time.Parse("1/:.9Jan", "+0100Z- ")"#,
            r#"error: parsing time "+0100Z- " as "1/:.9Jan": cannot parse "+0100Z- " as "1""#,
        ),
        (
            r#"time.Parse("MondayMSTT01-", "xTue")"#,
            r#"error: parsing time "xTue" as "MondayMSTT01-": cannot parse "xTue" as "Monday""#,
        ),
        (
            r#"time.Parse("xPMJa-0700", "2104Feb+0100")"#,
            r#"error: parsing time "2104Feb+0100" as "xPMJa-0700": cannot parse "2104Feb+0100" as "x""#,
        ),
        (
            r#"time.Parse("/.000", "213+0100")"#,
            r#"error: parsing time "213+0100" as "/.000": cannot parse "213+0100" as "/""#,
        ),
        (
            r#"time.Parse("4xx", "2Tue202")"#,
            r#"error: parsing time "2Tue202" as "4xx": cannot parse "Tue202" as "xx""#,
        ),
        (
            r#"time.Parse("__2-07:00:00T02", "1x")"#,
            r#"error: parsing time "1x" as "__2-07:00:00T02": cannot parse "x" as "-07:00:00""#,
        ),
        (
            r#"time.Parse("002002002Jan5", "0413")"#,
            r#"error: parsing time "0413" as "002002002Jan5": cannot parse "3" as "002""#,
        ),
        (
            r#"time.Parse("JanuaryTJanuary", "UTCZ05-")"#,
            r#"error: parsing time "UTCZ05-" as "JanuaryTJanuary": cannot parse "UTCZ05-" as "January""#,
        ),
        (
            r#"time.Parse("3JanZ0700.9", "- 0405")"#,
            r#"error: parsing time "- 0405" as "3JanZ0700.9": cannot parse "- 0405" as "3""#,
        ),
        (
            r#"time.Parse("03503", "1:13 ")"#,
            r#"error: parsing time "1:13 " as "03503": cannot parse "1:13 " as "03""#,
        ),
        (
            r#"time.Parse(".999__2-07", "1041 ")"#,
            r#"error: parsing time "1041 " as ".999__2-07": cannot parse "1 " as "-07""#,
        ),
        (
            r#"time.Parse(":", "1-")"#,
            r#"error: parsing time "1-" as ":": cannot parse "1-" as ":""#,
        ),
        (
            r#"time.Parse("1Mond00-0700,000", "UTC-x2021051")"#,
            r#"error: parsing time "UTC-x2021051" as "1Mond00-0700,000": cannot parse "UTC-x2021051" as "1""#,
        ),
        (
            r#"time.Parse("Jan03", "13TueTue2")"#,
            r#"error: parsing time "13TueTue2" as "Jan03": cannot parse "13TueTue2" as "Jan""#,
        ),
        (
            r#"time.Parse("PM_201__2", "13PMxUTC04")"#,
            r#"error: parsing time "13PMxUTC04" as "PM_201__2": cannot parse "13PMxUTC04" as "PM""#,
        ),
        (
            r#"time.Parse("Z07:00", "13UTC05Feb")"#,
            r#"error: parsing time "13UTC05Feb" as "Z07:00": cannot parse "13UTC05Feb" as "Z07:00""#,
        ),
        (
            r#"time.Parse("002pm202", "204")"#,
            r#"error: parsing time "204" as "002pm202": cannot parse "" as "pm""#,
        ),
        (
            r#"time.Parse("-07:00:0050315", "0204x")"#,
            r#"error: parsing time "0204x" as "-07:00:0050315": cannot parse "0204x" as "-07:00:00""#,
        ),
        (
            r#"time.Parse("Ja06PM,00000", "PM-1UTC")"#,
            r#"error: parsing time "PM-1UTC" as "Ja06PM,00000": cannot parse "PM-1UTC" as "Ja""#,
        ),
        (
            r#"time.Parse(".999MondayZ07:00", "+0100")"#,
            r#"error: parsing time "+0100" as ".999MondayZ07:00": cannot parse "+0100" as "Monday""#,
        ),
        (
            r#"time.Parse("Ja000006", "2021 ")"#,
            r#"error: parsing time "2021 " as "Ja000006": cannot parse "2021 " as "Ja0000""#,
        ),
        (
            r#"time.Parse("-0700MST_2JaJa", "105PM ")"#,
            r#"error: parsing time "105PM " as "-0700MST_2JaJa": cannot parse "105PM " as "-0700""#,
        ),
    ]);
}
