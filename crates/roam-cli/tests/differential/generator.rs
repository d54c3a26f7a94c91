//! A small grammar-based generator of CUE programs for the differential
//! test: typed expressions over arithmetic, strings, lists, structs,
//! references to earlier fields, defaults, definitions and comprehensions.
//! Deterministic for a seed (splitmix64), so a failing program is
//! reproduced by its seed. Most programs are concrete and export; a few
//! carry a deliberate error (a conflict, an ambiguous disjunction, a
//! non-concrete field, a missing field) that both implementations must
//! reject.

use std::collections::BTreeSet;
use std::fmt::Write as _;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ty {
    Int,
    Float,
    Str,
    Bool,
    ListInt,
    ListStr,
}

const TYS: [Ty; 6] = [
    Ty::Int,
    Ty::Float,
    Ty::Str,
    Ty::Bool,
    Ty::ListInt,
    Ty::ListStr,
];

const WORDS: [&str; 10] = [
    "web", "api", "db", "cache", "frontend", "a-b", "x_y", "Main", "", "ünï",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e3779b97f4a7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
}

struct Gen {
    rng: Rng,
    /// Concrete values available for reference: path and type.
    env: Vec<(String, Ty)>,
    imports: BTreeSet<&'static str>,
    /// Counter for fresh field names.
    fresh: usize,
}

impl Gen {
    fn name(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("{prefix}{}", self.fresh)
    }

    fn reference(&mut self, ty: Ty) -> Option<String> {
        let cands: Vec<&String> = self
            .env
            .iter()
            .filter(|(_, t)| *t == ty)
            .map(|(p, _)| p)
            .collect();
        if cands.is_empty() {
            return None;
        }
        let i = self.rng.below(cands.len() as u64) as usize;
        Some(cands[i].clone())
    }

    fn expr(&mut self, ty: Ty, depth: u32) -> String {
        if depth == 0 || self.rng.chance(25) {
            if self.rng.chance(50)
                && let Some(r) = self.reference(ty)
            {
                return r;
            }
            return self.leaf(ty);
        }
        let d = depth - 1;
        match ty {
            Ty::Int => match self.rng.below(12) {
                0 => format!("{} + {}", self.expr(Ty::Int, d), self.atom(Ty::Int, d)),
                1 => format!("{} - {}", self.expr(Ty::Int, d), self.atom(Ty::Int, d)),
                2 => format!("{} * {}", self.atom(Ty::Int, d), self.atom(Ty::Int, d)),
                3 => {
                    let f = self.rng.pick(&["div", "mod", "quo", "rem"]);
                    let mut k = self.rng.range(-7, 7);
                    if k == 0 {
                        k = 3;
                    }
                    format!("{f}({}, {k})", self.expr(Ty::Int, d))
                }
                4 => format!("len({})", self.expr(Ty::ListInt, d)),
                5 => format!("len({})", self.expr(Ty::Str, d)),
                6 => {
                    self.imports.insert("list");
                    format!("list.Sum({})", self.expr(Ty::ListInt, d))
                }
                7 => format!("*{} | int", self.atom(Ty::Int, d)),
                8 => {
                    let n = self.rng.range(1, 4);
                    let elems: Vec<String> = (0..n).map(|_| self.expr(Ty::Int, d)).collect();
                    let i = self.rng.range(0, n - 1);
                    format!("[{}][{i}]", elems.join(", "))
                }
                9 => {
                    self.imports.insert("strings");
                    format!("strings.Count({}, \"a\")", self.expr(Ty::Str, d))
                }
                10 => format!("int & {}", self.atom(Ty::Int, d)),
                _ => format!("-{}", self.atom(Ty::Int, d)),
            },
            Ty::Float => match self.rng.below(5) {
                0 => {
                    let mut k = self.rng.range(-9, 9);
                    if k == 0 {
                        k = 7;
                    }
                    format!("{} / {k}", self.atom(Ty::Int, d))
                }
                1 => format!("{} * {}", self.atom(Ty::Float, d), self.atom(Ty::Int, d)),
                2 => format!("{} + {}", self.atom(Ty::Float, d), self.atom(Ty::Float, d)),
                3 => format!("*{} | float", self.atom(Ty::Float, d)),
                _ => format!("{} - {}", self.atom(Ty::Float, d), self.atom(Ty::Float, d)),
            },
            Ty::Str => match self.rng.below(10) {
                0 => format!(
                    "\"\\({})-\\({})\"",
                    self.expr(Ty::Int, d),
                    self.expr(Ty::Str, d)
                ),
                1 => format!("{} + {}", self.atom(Ty::Str, d), self.atom(Ty::Str, d)),
                2 => {
                    self.imports.insert("strings");
                    let f = self.rng.pick(&["ToUpper", "ToLower", "TrimSpace"]);
                    format!("strings.{f}({})", self.expr(Ty::Str, d))
                }
                3 => {
                    self.imports.insert("strings");
                    format!("strings.Join({}, \"-\")", self.expr(Ty::ListStr, d))
                }
                4 => format!("*{} | string", self.atom(Ty::Str, d)),
                5 => {
                    self.imports.insert("strings");
                    format!(
                        "strings.Repeat({}, {})",
                        self.atom(Ty::Str, d),
                        self.rng.range(0, 3)
                    )
                }
                6 => {
                    self.imports.insert("strconv");
                    format!("strconv.FormatInt({}, 16)", self.expr(Ty::Int, d))
                }
                7 => format!("\"f=\\({})\"", self.expr(Ty::Float, d)),
                8 => {
                    self.imports.insert("strings");
                    format!(
                        "strings.Replace({}, \"a\", \"A\", -1)",
                        self.expr(Ty::Str, d)
                    )
                }
                _ => format!("string & {}", self.atom(Ty::Str, d)),
            },
            Ty::Bool => match self.rng.below(7) {
                0 => {
                    let op = self.rng.pick(&["<", "<=", ">", ">=", "==", "!="]);
                    format!("{} {op} {}", self.atom(Ty::Int, d), self.atom(Ty::Int, d))
                }
                1 => {
                    let op = self.rng.pick(&["==", "!=", "<"]);
                    format!("{} {op} {}", self.atom(Ty::Str, d), self.atom(Ty::Str, d))
                }
                2 => format!("!{}", self.atom(Ty::Bool, d)),
                3 => format!("{} && {}", self.atom(Ty::Bool, d), self.atom(Ty::Bool, d)),
                4 => format!("{} || {}", self.atom(Ty::Bool, d), self.atom(Ty::Bool, d)),
                5 => format!("{} =~ \"^[a-z]\"", self.atom(Ty::Str, d)),
                _ => {
                    self.imports.insert("list");
                    format!(
                        "list.Contains({}, {})",
                        self.expr(Ty::ListInt, d),
                        self.expr(Ty::Int, d)
                    )
                }
            },
            Ty::ListInt => match self.rng.below(7) {
                0 => {
                    let n = self.rng.range(0, 4);
                    let e: Vec<String> = (0..n).map(|_| self.expr(Ty::Int, d)).collect();
                    format!("[{}]", e.join(", "))
                }
                1 => format!("[for x in {} {{x * 2}}]", self.expr(Ty::ListInt, d)),
                2 => format!(
                    "[for x in {} if x > {} {{x}}]",
                    self.expr(Ty::ListInt, d),
                    self.rng.range(-5, 20)
                ),
                3 => format!("[for i, x in {} {{i + x}}]", self.expr(Ty::ListInt, d)),
                4 => {
                    self.imports.insert("list");
                    format!("list.Range(0, {}, 1)", self.rng.range(0, 5))
                }
                5 => {
                    self.imports.insert("list");
                    format!("list.Sort({}, list.Descending)", self.expr(Ty::ListInt, d))
                }
                _ => {
                    self.imports.insert("list");
                    format!(
                        "list.Concat([{}, {}])",
                        self.expr(Ty::ListInt, d),
                        self.expr(Ty::ListInt, d)
                    )
                }
            },
            Ty::ListStr => match self.rng.below(4) {
                0 => {
                    let n = self.rng.range(0, 3);
                    let e: Vec<String> = (0..n).map(|_| self.expr(Ty::Str, d)).collect();
                    format!("[{}]", e.join(", "))
                }
                1 => format!("[for x in {} {{\"n\\(x)\"}}]", self.expr(Ty::ListInt, d)),
                2 => {
                    self.imports.insert("strings");
                    format!("strings.Split({}, \"-\")", self.expr(Ty::Str, d))
                }
                _ => {
                    self.imports.insert("list");
                    format!("list.SortStrings({})", self.expr(Ty::ListStr, d))
                }
            },
        }
    }

    /// An operand: parenthesised unless a leaf.
    fn atom(&mut self, ty: Ty, depth: u32) -> String {
        let e = self.expr(ty, depth);
        if e.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '"')
            && !e.contains(' ')
        {
            e
        } else {
            format!("({e})")
        }
    }

    fn leaf(&mut self, ty: Ty) -> String {
        match ty {
            Ty::Int => {
                let v = self.rng.range(-20, 120);
                match self.rng.below(8) {
                    0 if v >= 0 => format!("0x{v:x}"),
                    1 => "1_000".to_string(),
                    2 => "2Ki".to_string(),
                    _ => v.to_string(),
                }
            }
            Ty::Float => self
                .rng
                .pick(&[
                    "1.5", "0.25", "2.0", "1e3", "3.14159", "0.1", "100.00", "-2.5",
                ])
                .to_string(),
            Ty::Str => {
                let w = self.rng.pick(&WORDS);
                format!("\"{w}\"")
            }
            Ty::Bool => self.rng.pick(&["true", "false"]).to_string(),
            Ty::ListInt => "[1, 2, 3]".to_string(),
            Ty::ListStr => "[\"a\", \"b-c\"]".to_string(),
        }
    }

    /// A struct literal; the concrete fields it is known to have are
    /// registered under `path`.
    fn structure(&mut self, path: &str, depth: u32, out: &mut String, indent: usize) {
        let pad = "\t".repeat(indent + 1);
        out.push_str("{\n");
        let n = self.rng.range(1, 4);
        for _ in 0..n {
            let kind = self.rng.below(10);
            match kind {
                0 if depth > 0 => {
                    let f = self.name("s");
                    let _ = write!(out, "{pad}{f}: ");
                    self.structure(&format!("{path}.{f}"), depth - 1, out, indent + 1);
                    out.push('\n');
                }
                1 => {
                    // Guarded field: not registered (may be absent).
                    let f = self.name("g");
                    let c = self.expr(Ty::Bool, 2);
                    let v = self.expr(Ty::Int, 2);
                    let _ = writeln!(out, "{pad}if {c} {{ {f}: {v} }}");
                }
                2 => {
                    // Struct comprehension with computed labels.
                    let l = self.expr(Ty::ListInt, 2);
                    let _ = writeln!(out, "{pad}for i, x in {l} {{ \"k\\(i)\": x + 1 }}");
                }
                3 => {
                    // Optional field, and an existence check on it.
                    let f = self.name("o");
                    let _ = writeln!(out, "{pad}{f}?: int");
                    let h = self.name("has");
                    let _ = writeln!(out, "{pad}if {f} != _|_ {{ {h}: {f} }}");
                    let e = self.name("e");
                    let _ = writeln!(out, "{pad}{e}: {f} == _|_");
                    self.env.push((format!("{path}.{e}"), Ty::Bool));
                }
                4 => {
                    // Hidden field and let, used by a regular field.
                    let h = self.name("_h");
                    let t = self.rng.pick(&[Ty::Int, Ty::Str]);
                    let v = self.expr(t, 2);
                    let l = self.name("L");
                    let f = self.name("u");
                    let _ = writeln!(out, "{pad}{h}: {v}");
                    let _ = writeln!(out, "{pad}let {l} = {h}");
                    let _ = writeln!(out, "{pad}{f}: {l}");
                    self.env.push((format!("{path}.{f}"), t));
                }
                5 => {
                    // Pattern constraint over the struct's own fields.
                    let f = self.name("p");
                    let v = self.expr(Ty::Int, 2);
                    let _ = writeln!(out, "{pad}[=~\"^p\"]: int");
                    let _ = writeln!(out, "{pad}{f}: {v}");
                    self.env.push((format!("{path}.{f}"), Ty::Int));
                }
                _ => {
                    let f = self.name("f");
                    let t = self.rng.pick(&TYS);
                    let v = self.expr(t, depth + 1);
                    let _ = writeln!(out, "{pad}{f}: {v}");
                    self.env.push((format!("{path}.{f}"), t));
                }
            }
        }
        let _ = write!(out, "{}}}", "\t".repeat(indent));
    }

    fn top(&mut self, out: &mut String) {
        let name = self.name("t");
        match self.rng.below(10) {
            0..=4 => {
                let t = self.rng.pick(&TYS);
                let v = self.expr(t, 3);
                let _ = writeln!(out, "{name}: {v}");
                self.env.push((name, t));
            }
            5 | 6 => {
                let _ = write!(out, "{name}: ");
                self.structure(&name, 1, out, 0);
                out.push('\n');
            }
            7 => {
                // A definition with defaults, used with and without overrides.
                let def = self.name("#D");
                let a = self.expr(Ty::Int, 1);
                let s = self.leaf(Ty::Str);
                let _ = writeln!(
                    out,
                    "{def}: {{\n\tn: int\n\tlabel: *{s} | string\n\treplicas: *{a} | int\n\ttotal: n * replicas\n}}"
                );
                let n = self.expr(Ty::Int, 2);
                let _ = writeln!(out, "{name}: {def} & {{n: {n}}}");
                self.env.push((format!("{name}.n"), Ty::Int));
                self.env.push((format!("{name}.label"), Ty::Str));
                self.env.push((format!("{name}.total"), Ty::Int));
                if self.rng.chance(50) {
                    let o = self.name("t");
                    let s2 = self.expr(Ty::Str, 1);
                    let _ = writeln!(out, "{o}: {def} & {{n: 2, label: {s2}}}");
                    self.env.push((format!("{o}.label"), Ty::Str));
                }
            }
            8 => {
                // Unification of two structs, one a schema.
                let v = self.expr(Ty::Int, 2);
                let s = self.expr(Ty::Str, 2);
                let _ = writeln!(
                    out,
                    "{name}: {{a: int, b: string | *\"dflt\", c?: bool}} & {{a: {v}}} & {{b: {s}}}"
                );
                self.env.push((format!("{name}.a"), Ty::Int));
                self.env.push((format!("{name}.b"), Ty::Str));
            }
            _ => {
                // A list of structs and a comprehension over it.
                let l = self.expr(Ty::ListInt, 2);
                let _ = writeln!(
                    out,
                    "{name}: [for i, x in {l} {{name: \"item-\\(i)\", value: x, if x > 10 {{big: true}}}}]"
                );
                let m = self.name("t");
                let _ = writeln!(out, "{m}: {{for e in {name} {{(e.name): e.value}}}}");
            }
        }
    }
}

/// The program for `seed`.
pub fn program(seed: u64) -> String {
    let mut g = Gen {
        rng: Rng(seed.wrapping_mul(0x2545f4914f6cdd1d) ^ 0x5eed),
        env: Vec::new(),
        imports: BTreeSet::new(),
        fresh: 0,
    };
    let mut body = String::new();
    let n = g.rng.range(3, 8);
    for _ in 0..n {
        g.top(&mut body);
    }
    // One program in ten carries a deliberate error.
    if g.rng.chance(10) {
        let e = match g.rng.below(5) {
            0 => "bad: 1 & 2".to_string(),
            1 => "bad: *1 | *2".to_string(),
            2 => "bad: int".to_string(),
            3 => "bad: {a: 1}.b".to_string(),
            _ => "bad: \"x\" + 1".to_string(),
        };
        let _ = writeln!(body, "{e}");
    }
    let mut out = String::new();
    let _ = writeln!(out, "// generated, seed {seed}");
    for i in &g.imports {
        let _ = writeln!(out, "import \"{i}\"");
    }
    if !g.imports.is_empty() {
        out.push('\n');
    }
    out.push_str(&body);
    out
}
