//! Differential test: `roam cue export` against native upstream `cue export`
//! (v0.17.1, installed by `scripts/install-cue`) over a corpus of programs.
//!
//! The corpus has three parts:
//!
//! - **suite**: every archive of CUE's conformance suite
//!   (`../shared/conformance/cue/cue/testdata/**/*.txtar`, read in place),
//!   its root-level `.cue` files exported together as one package. Reported
//!   in two halves: archives that native cue exports (`suite-exports`) and
//!   archives where native cue fails (`suite-fails`; roam must fail too).
//! - **templates**: roam's own KubeVela-style definition templates in
//!   `tests/differential/templates/`, with concrete parameters filled in.
//! - **generated**: programs from a small grammar-based generator with fixed
//!   seeds (`tests/differential/generator.rs`).
//!
//! Two runs agree when both exit 0 and print the same JSON value (objects
//! compared as maps, numbers by decimal value and int/float kind), or when
//! both fail. Field order and spelling differences among agreeing programs
//! are counted separately.
//!
//! The evaluator is young, so this is a ratchet: the test fails when the
//! number of agreeing programs in any part drops below
//! `tests/differential-baseline.txt`. Every run writes the programs and a
//! list of disagreements to `$CARGO_TARGET_TMPDIR/differential/`
//! (`target/tmp/differential/disagreements.txt`).
//!
//! Native cue is found through `ROAM_NATIVE_CUE`, then `cue` on `PATH` if it
//! is v0.17.1, then the cache of `scripts/install-cue`. Without it the test
//! prints a notice and passes, except under CI (`CI=true`), where it fails.
//!
//! Knobs: `ROAM_DIFF_JOBS` (parallel programs), `ROAM_DIFF_MAX_STEPS` (roam's
//! evaluation step budget, default 2,000,000, so that runaway programs end
//! quickly in a debug build), `ROAM_DIFF_SHOW` (disagreements printed, 15),
//! `ROAM_DIFF_FILTER` (substring of program ids; skips the ratchet).

#[path = "differential/generator.rs"]
mod generator;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const CUE_VERSION: &str = "v0.17.1";
const TIMEOUT: Duration = Duration::from_secs(30);
const GENERATED: u64 = 150;

const PARTS: [&str; 4] = ["suite-exports", "suite-fails", "templates", "generated"];

struct Program {
    /// Corpus part ("suite", "templates", "generated"); the suite is split
    /// into its two halves once native cue has run.
    part: &'static str,
    id: String,
    files: Vec<(String, String)>,
}

#[derive(Clone, Debug)]
enum Outcome {
    Ok(String),
    Fail { code: Option<i32>, stderr: String },
    Timeout,
}

impl Outcome {
    fn describe(&self) -> String {
        match self {
            Outcome::Ok(s) => format!("exit 0\n{}", clip(s, 3000)),
            Outcome::Fail { code, stderr } => {
                format!("exit {code:?}\n{}", clip(stderr, 1500))
            }
            Outcome::Timeout => format!("timed out after {}s", TIMEOUT.as_secs()),
        }
    }
}

fn clip(s: &str, n: usize) -> String {
    if s.len() <= n {
        return s.to_string();
    }
    let mut end = n;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n… ({} bytes more)", &s[..end], s.len() - end)
}

// ---------------------------------------------------------------- finding cue

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn cue_version(bin: &Path) -> Option<String> {
    let out = Command::new(bin).arg("version").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next()?.trim().to_string();
    first.strip_prefix("cue version ").map(str::to_string)
}

fn native_cue() -> Option<(PathBuf, String)> {
    if let Some(p) = std::env::var_os("ROAM_NATIVE_CUE").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        let v = cue_version(&p)
            .unwrap_or_else(|| panic!("ROAM_NATIVE_CUE={} does not run", p.display()));
        return Some((p, v));
    }
    if let Some(v) = cue_version(Path::new("cue"))
        && v == CUE_VERSION
    {
        return Some((PathBuf::from("cue"), v));
    }
    let tools = std::env::var_os("ROAM_TOOLS_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("XDG_CACHE_HOME")
                .map(|c| PathBuf::from(c).join("roam/tools"))
                .or_else(|| {
                    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/roam/tools"))
                })
        })?;
    let p = tools.join(format!("cue-{CUE_VERSION}/bin/cue"));
    let v = cue_version(&p)?;
    Some((p, v))
}

// ---------------------------------------------------------------- the corpus

fn suite_dir() -> PathBuf {
    match std::env::var_os("ROAM_CUE_CONFORMANCE") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/conformance/cue"
        )),
    }
}

fn walk(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, ext, out);
        } else if p.extension().is_some_and(|e| e == ext) {
            out.push(p);
        }
    }
}

fn suite_programs(root: &Path) -> Vec<Program> {
    let testdata = root.join("cue/testdata");
    let mut paths = Vec::new();
    walk(&testdata, "txtar", &mut paths);
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        let archive = roam_cue::txtar::Archive::parse(&text);
        let files: Vec<(String, String)> = archive
            .files
            .iter()
            .filter(|(name, _)| !name.contains('/') && name.ends_with(".cue"))
            .cloned()
            .collect();
        if files.is_empty() {
            continue;
        }
        let rel = p.strip_prefix(&testdata).unwrap_or(&p).with_extension("");
        out.push(Program {
            part: "suite",
            id: format!("suite/{}", rel.display()),
            files,
        });
    }
    out
}

fn template_programs() -> Vec<Program> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/differential/templates");
    let mut paths = Vec::new();
    walk(&dir, "cue", &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p).unwrap();
            Program {
                part: "templates",
                id: format!("templates/{}", name.trim_end_matches(".cue")),
                files: vec![(name, text)],
            }
        })
        .collect()
}

fn generated_programs() -> Vec<Program> {
    (1..=GENERATED)
        .map(|seed| Program {
            part: "generated",
            id: format!("generated/{seed:03}"),
            files: vec![("gen.cue".to_string(), generator::program(seed))],
        })
        .collect()
}

// ---------------------------------------------------------------- running

fn run(mut cmd: Command) -> Outcome {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    // Read both pipes on threads so a chatty child cannot block.
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = std::io::Read::read_to_end(&mut so, &mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = std::io::Read::read_to_end(&mut se, &mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break Some(st);
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stdout = String::from_utf8_lossy(&t_out.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&t_err.join().unwrap()).into_owned();
    match status {
        None => Outcome::Timeout,
        Some(st) if st.success() => Outcome::Ok(stdout),
        Some(st) => Outcome::Fail {
            code: st.code(),
            stderr,
        },
    }
}

/// FNV-1a, for the native cue result cache.
fn fnv(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for p in parts {
        for b in p.bytes().chain([0xff]) {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    h
}

/// Native cue's result for a program, cached in the target directory (by
/// cue version and program text) so that reruns only pay for roam.
fn native(cue: &Path, version: &str, dir: &Path, files: &[String], cache: &Path) -> Outcome {
    let mut key = vec![version];
    for f in files {
        key.push(f);
    }
    let texts: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(dir.join(f)).unwrap())
        .collect();
    key.extend(texts.iter().map(String::as_str));
    let path = cache.join(format!("{:016x}", fnv(&key)));
    if let Ok(text) = std::fs::read_to_string(&path)
        && let Some((head, body)) = text.split_once('\n')
    {
        return match head {
            "ok" => Outcome::Ok(body.to_string()),
            "timeout" => Outcome::Timeout,
            h => Outcome::Fail {
                code: h.strip_prefix("fail ").and_then(|c| c.parse().ok()),
                stderr: body.to_string(),
            },
        };
    }
    let mut cmd = Command::new(cue);
    cmd.arg("export").args(files).current_dir(dir);
    let out = run(cmd);
    let record = match &out {
        Outcome::Ok(s) => format!("ok\n{s}"),
        Outcome::Fail { code, stderr } => format!("fail {}\n{stderr}", code.unwrap_or(-1)),
        Outcome::Timeout => "timeout\n".to_string(),
    };
    let _ = std::fs::write(&path, record);
    out
}

fn roam(dir: &Path, files: &[String], max_steps: &str) -> Outcome {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_roam"));
    cmd.args(["cue", "export"])
        .args(files)
        .current_dir(dir)
        .env("ROAM_CUE_MAX_STEPS", max_steps);
    run(cmd)
}

// ---------------------------------------------------------------- JSON

/// A JSON value that keeps object field order and number spelling.
#[derive(Debug, Clone, PartialEq)]
enum J {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }
    fn eat(&mut self, c: u8) -> Result<(), String> {
        self.ws();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            Ok(())
        } else {
            Err(format!("expected '{}' at byte {}", c as char, self.i))
        }
    }
    fn value(&mut self) -> Result<J, String> {
        self.ws();
        match self.s.get(self.i) {
            None => Err("unexpected end of input".into()),
            Some(b'{') => {
                self.i += 1;
                let mut fields = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Ok(J::Obj(fields));
                }
                loop {
                    self.ws();
                    let k = self.string()?;
                    self.eat(b':')?;
                    let v = self.value()?;
                    fields.push((k, v));
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(J::Obj(fields));
                        }
                        _ => return Err(format!("bad object at byte {}", self.i)),
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut elems = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Ok(J::Arr(elems));
                }
                loop {
                    elems.push(self.value()?);
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(J::Arr(elems));
                        }
                        _ => return Err(format!("bad array at byte {}", self.i)),
                    }
                }
            }
            Some(b'"') => Ok(J::Str(self.string()?)),
            Some(b't') if self.s[self.i..].starts_with(b"true") => {
                self.i += 4;
                Ok(J::Bool(true))
            }
            Some(b'f') if self.s[self.i..].starts_with(b"false") => {
                self.i += 5;
                Ok(J::Bool(false))
            }
            Some(b'n') if self.s[self.i..].starts_with(b"null") => {
                self.i += 4;
                Ok(J::Null)
            }
            Some(c) if *c == b'-' || c.is_ascii_digit() => {
                let start = self.i;
                while self.i < self.s.len()
                    && matches!(
                        self.s[self.i],
                        b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
                    )
                {
                    self.i += 1;
                }
                Ok(J::Num(
                    String::from_utf8_lossy(&self.s[start..self.i]).into_owned(),
                ))
            }
            Some(c) => Err(format!("unexpected '{}' at byte {}", *c as char, self.i)),
        }
    }
    fn hex4(&mut self) -> Result<u32, String> {
        let h = self
            .s
            .get(self.i..self.i + 4)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .ok_or_else(|| format!("bad \\u escape at byte {}", self.i))?;
        self.i += 4;
        Ok(h)
    }
    fn string(&mut self) -> Result<String, String> {
        self.eat(b'"')?;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let c = *self.s.get(self.i).ok_or("unterminated string")?;
            self.i += 1;
            match c {
                b'"' => return String::from_utf8(out).map_err(|e| e.to_string()),
                b'\\' => {
                    let e = *self.s.get(self.i).ok_or("unterminated escape")?;
                    self.i += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let mut cp = self.hex4()?;
                            if (0xd800..0xdc00).contains(&cp)
                                && self.s[self.i..].starts_with(b"\\u")
                            {
                                self.i += 2;
                                let lo = self.hex4()?;
                                cp = 0x10000
                                    + ((cp - 0xd800) << 10)
                                    + (lo.wrapping_sub(0xdc00) & 0x3ff);
                            }
                            char::from_u32(cp).unwrap_or('\u{fffd}')
                        }
                        _ => return Err(format!("bad escape at byte {}", self.i)),
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                c => out.push(c),
            }
        }
    }
}

fn parse_json(s: &str) -> Result<J, String> {
    let mut p = Parser {
        s: s.as_bytes(),
        i: 0,
    };
    let v = p.value()?;
    p.ws();
    if p.i != p.s.len() {
        return Err(format!("trailing text at byte {}", p.i));
    }
    Ok(v)
}

/// A number as (is_float, negative, significant digits, exponent of the
/// last digit), so `1.50` and `1.5` compare equal but `1` and `1.0` do not.
fn canon_num(s: &str) -> Option<(bool, bool, String, i64)> {
    let is_float = s.contains(['.', 'e', 'E']);
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let (mant, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i64>().ok()?),
        None => (s, 0),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    let mut digits: String = format!("{int}{frac}");
    let mut exp = exp - frac.len() as i64;
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
        exp += 1;
    }
    let digits = digits.trim_start_matches('0').to_string();
    if digits.is_empty() {
        return Some((is_float, false, String::new(), 0));
    }
    Some((is_float, neg, digits, exp))
}

fn num_eq(a: &str, b: &str) -> bool {
    a == b || (canon_num(a).is_some() && canon_num(a) == canon_num(b))
}

/// Value equality; `ordered` also requires the same field order.
fn json_eq(a: &J, b: &J, ordered: bool) -> bool {
    match (a, b) {
        (J::Num(x), J::Num(y)) => num_eq(x, y),
        (J::Arr(x), J::Arr(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b, ordered))
        }
        (J::Obj(x), J::Obj(y)) => {
            x.len() == y.len()
                && if ordered {
                    x.iter()
                        .zip(y)
                        .all(|((ka, va), (kb, vb))| ka == kb && json_eq(va, vb, ordered))
                } else {
                    x.iter().all(|(k, v)| {
                        y.iter()
                            .find(|(k2, _)| k2 == k)
                            .is_some_and(|(_, v2)| json_eq(v, v2, ordered))
                    })
                }
        }
        _ => a == b,
    }
}

// ---------------------------------------------------------------- verdicts

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Verdict {
    /// Identical output bytes, or both failed.
    Same,
    /// Same JSON value, same field order, other spelling (numbers, layout).
    SameValueSpelling,
    /// Same JSON value, different field order.
    SameValueOrder,
    // Disagreements:
    DifferentJson,
    RoamFailsCueExports,
    RoamExportsCueFails,
    RoamNotJson,
    RoamPanics,
    RoamBudget,
    RoamTimeout,
}

impl Verdict {
    fn agrees(self) -> bool {
        self <= Verdict::SameValueOrder
    }
    fn label(self) -> &'static str {
        match self {
            Verdict::Same => "same output (or both fail)",
            Verdict::SameValueSpelling => "same value, other spelling",
            Verdict::SameValueOrder => "same value, other field order",
            Verdict::DifferentJson => "different JSON",
            Verdict::RoamFailsCueExports => "roam fails, cue exports",
            Verdict::RoamExportsCueFails => "roam exports, cue fails",
            Verdict::RoamNotJson => "roam output is not JSON",
            Verdict::RoamPanics => "roam panics",
            Verdict::RoamBudget => "roam exceeds its step budget",
            Verdict::RoamTimeout => "roam times out",
        }
    }
}

fn verdict(cue: &Outcome, roam: &Outcome) -> Verdict {
    match (cue, roam) {
        (_, Outcome::Timeout) => Verdict::RoamTimeout,
        (_, Outcome::Fail { stderr, .. }) if stderr.contains("panicked") => Verdict::RoamPanics,
        (Outcome::Ok(_), Outcome::Fail { stderr, .. }) if stderr.contains("step budget") => {
            Verdict::RoamBudget
        }
        (Outcome::Ok(_), Outcome::Fail { .. }) => Verdict::RoamFailsCueExports,
        (Outcome::Fail { .. } | Outcome::Timeout, Outcome::Ok(_)) => Verdict::RoamExportsCueFails,
        (Outcome::Fail { .. } | Outcome::Timeout, Outcome::Fail { .. }) => Verdict::Same,
        (Outcome::Ok(a), Outcome::Ok(b)) => {
            if a == b {
                return Verdict::Same;
            }
            let Ok(b) = parse_json(b) else {
                return Verdict::RoamNotJson;
            };
            let a = parse_json(a).expect("native cue prints JSON");
            if json_eq(&a, &b, true) {
                Verdict::SameValueSpelling
            } else if json_eq(&a, &b, false) {
                Verdict::SameValueOrder
            } else {
                Verdict::DifferentJson
            }
        }
    }
}

fn baseline_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/differential-baseline.txt")
}

fn baseline() -> BTreeMap<String, usize> {
    let path = baseline_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            Some((k.trim().to_string(), v.trim().parse().ok()?))
        })
        .collect()
}

struct Row {
    part: &'static str,
    id: String,
    dir: PathBuf,
    cue: Outcome,
    roam: Outcome,
    verdict: Verdict,
}

#[test]
fn roam_export_agrees_with_native_cue() {
    let Some((cue, version)) = native_cue() else {
        let msg = format!(
            "native cue {CUE_VERSION} not found (set ROAM_NATIVE_CUE, or run scripts/install-cue)"
        );
        if ci() {
            panic!("{msg}; under CI the differential test must run");
        }
        eprintln!("notice: {msg}; skipping the differential test");
        return;
    };
    if version != CUE_VERSION {
        let msg = format!("{} is cue {version}, not {CUE_VERSION}", cue.display());
        assert!(!ci(), "{msg}");
        eprintln!("warning: {msg}; results may differ from the baseline");
    }

    let filter = std::env::var("ROAM_DIFF_FILTER")
        .ok()
        .filter(|f| !f.is_empty());
    let max_steps = std::env::var("ROAM_DIFF_MAX_STEPS").unwrap_or_else(|_| "2000000".into());
    let jobs = std::env::var("ROAM_DIFF_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .max(1);
    let show: usize = std::env::var("ROAM_DIFF_SHOW")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or(15);

    let suite = suite_dir();
    let have_suite = suite.join("cue/testdata").is_dir();
    if !have_suite {
        eprintln!(
            "notice: CUE conformance suite not found at {}; the suite part is skipped (set ROAM_CUE_CONFORMANCE)",
            suite.display()
        );
    }
    let mut programs = Vec::new();
    if have_suite {
        programs.extend(suite_programs(&suite));
    }
    programs.extend(template_programs());
    programs.extend(generated_programs());
    if let Some(f) = &filter {
        programs.retain(|p| p.id.contains(f.as_str()));
    }

    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("differential");
    let prog_dir = out_dir.join("programs");
    let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("differential-cue-cache");
    let _ = std::fs::remove_dir_all(&prog_dir);
    std::fs::create_dir_all(&prog_dir).unwrap();
    std::fs::create_dir_all(&cache).unwrap();

    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let rows: Mutex<Vec<Row>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(p) = programs.get(i) else { break };
                    let dir = prog_dir.join(&p.id);
                    std::fs::create_dir_all(&dir).unwrap();
                    let names: Vec<String> = p.files.iter().map(|(n, _)| n.clone()).collect();
                    for (n, t) in &p.files {
                        std::fs::write(dir.join(n), t).unwrap();
                    }
                    let c = native(&cue, &version, &dir, &names, &cache);
                    let r = roam(&dir, &names, &max_steps);
                    let verdict = verdict(&c, &r);
                    let part = match (p.part, &c) {
                        ("suite", Outcome::Ok(_)) => "suite-exports",
                        ("suite", _) => "suite-fails",
                        (p, _) => p,
                    };
                    rows.lock().unwrap().push(Row {
                        part,
                        id: p.id.clone(),
                        dir,
                        cue: c,
                        roam: r,
                        verdict,
                    });
                }
            });
        }
    });
    let mut rows = rows.into_inner().unwrap();
    rows.sort_by(|a, b| a.id.cmp(&b.id));
    let native_timeouts: Vec<&Row> = rows
        .iter()
        .filter(|r| matches!(r.cue, Outcome::Timeout))
        .collect();

    // ------------------------------------------------------------ report
    let mut report = String::new();
    let _ = writeln!(
        report,
        "differential: roam cue export vs {} ({version}), {} programs in {:.0?}, roam step budget {max_steps}",
        cue.display(),
        rows.len(),
        started.elapsed()
    );
    let mut agreeing: BTreeMap<&str, usize> = BTreeMap::new();
    let mut total_agree = 0;
    for part in PARTS {
        let in_part: Vec<&Row> = rows.iter().filter(|r| r.part == part).collect();
        let agree = in_part.iter().filter(|r| r.verdict.agrees()).count();
        total_agree += agree;
        agreeing.insert(part, agree);
        let _ = writeln!(
            report,
            "  {part:<14} {agree:>4} agree, {:>4} disagree (of {})",
            in_part.len() - agree,
            in_part.len()
        );
        let mut by: BTreeMap<Verdict, usize> = BTreeMap::new();
        for r in &in_part {
            *by.entry(r.verdict).or_default() += 1;
        }
        for (v, n) in by {
            let _ = writeln!(report, "      {n:>4}  {}", v.label());
        }
    }
    let _ = writeln!(
        report,
        "  total          {total_agree:>4} agree, {:>4} disagree (of {})",
        rows.len() - total_agree,
        rows.len()
    );
    if !native_timeouts.is_empty() {
        let _ = writeln!(
            report,
            "  native cue timed out on {} (counted as failing): {}",
            native_timeouts.len(),
            native_timeouts
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }

    let disagreeing: Vec<&Row> = rows.iter().filter(|r| !r.verdict.agrees()).collect();
    let mut list = String::new();
    let _ = writeln!(
        list,
        "# {} disagreements: roam cue export vs cue {version} (rerun a program with `cd DIR && roam cue export *.cue`)\n",
        disagreeing.len()
    );
    for r in &disagreeing {
        let _ = writeln!(list, "{}\t{}\t{}", r.id, r.verdict.label(), r.dir.display());
    }
    let mut details = String::new();
    for (i, r) in disagreeing.iter().enumerate() {
        let mut d = String::new();
        let _ = writeln!(
            d,
            "---- {} [{}] ({})\n-- program: {}\n-- cue: {}\n-- roam: {}",
            r.id,
            r.verdict.label(),
            r.part,
            r.dir.display(),
            r.cue.describe().trim_end(),
            r.roam.describe().trim_end()
        );
        if i < show {
            report.push_str(&d);
        }
        details.push_str(&d);
    }
    std::fs::write(out_dir.join("disagreements.txt"), &list).unwrap();
    std::fs::write(out_dir.join("disagreements-details.txt"), &details).unwrap();
    std::fs::write(out_dir.join("report.txt"), &report).unwrap();
    println!("{report}");
    println!(
        "disagreement list: {} (details: disagreements-details.txt; programs: {})",
        out_dir.join("disagreements.txt").display(),
        prog_dir.display()
    );

    // ------------------------------------------------------------ ratchet
    if filter.is_some() {
        println!("notice: ROAM_DIFF_FILTER set; the ratchet is not checked");
        return;
    }
    let want = baseline();
    let mut regressions = Vec::new();
    for part in PARTS {
        if part.starts_with("suite") && !have_suite {
            continue;
        }
        let have = agreeing[part];
        let need = want.get(part).copied().unwrap_or(0);
        if have < need {
            regressions.push(format!("{part}: {have} agree, baseline {need}"));
        } else if have > need {
            println!(
                "notice: {part}: {have} > baseline {need}: raise it in crates/roam-cli/tests/differential-baseline.txt"
            );
        }
    }
    assert!(
        regressions.is_empty(),
        "differential test regressed ({}):\n{}\nsee {}",
        baseline_path().display(),
        regressions.join("\n"),
        out_dir.join("disagreements.txt").display()
    );
}
