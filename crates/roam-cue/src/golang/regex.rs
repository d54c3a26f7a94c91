//! Go RE2 regular expressions on top of the Rust `regex` crate.
//!
//! CUE's `=~`, `!~` and `regexp.*` use Go's `regexp` package. The Rust
//! `regex` crate is also a linear-time RE2 descendant, but its syntax and
//! a few meanings differ. [`translate`] parses a pattern with Go's rules
//! (mirroring `regexp/syntax`'s parser, including its error messages) and
//! re-emits it in an unambiguous Rust form:
//!
//! * `\d \D \w \W \s \S` are ASCII in Go: emitted as explicit ASCII classes
//!   (also inside brackets, `[\d_]`); `\b \B` become `(?-u:\b)`/`(?-u:\B)`.
//! * `\Q…\E` quoting, octal `\123`, `\x{…}`, `\pL`/`\p{Greek}` (with Go's
//!   name lookup), POSIX `[[:alpha:]]`, flags `(?imsU-imsU)`, named groups
//!   `(?P<n>…)`/`(?<n>…)` (names kept in a side table; Go allows names such
//!   as `1x` and duplicates that Rust rejects).
//! * Every literal is emitted escaped, and character classes are emitted item
//!   by item, so Rust-only syntax (`[a&&b]`, nested classes, `\<`, `x{,5}`)
//!   can never be triggered by a Go pattern: in Go `{` is a literal unless it
//!   forms a valid repeat, `[` is literal in a class, and so on.
//! * Go's errors (`error parsing regexp: invalid escape sequence: `\1``) are
//!   reproduced, including the nested-repetition and repeat-count limits.
//!
//! The matching helpers ([`GoRegex::find_all`], [`GoRegex::replace_all`], …)
//! follow Go's loops exactly (empty matches adjacent to a previous match are
//! skipped, replacement template expansion uses Go's `$name` rules).
//! Subject strings are `&str`: Go's treatment of invalid UTF-8 (as U+FFFD)
//! does not arise.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

/// A regular-expression syntax error, formatted like Go's `*syntax.Error`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegexError {
    /// Go's error code text, e.g. `invalid escape sequence`.
    pub code: &'static str,
    /// The offending part of the expression.
    pub expr: String,
}

impl fmt::Display for RegexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error parsing regexp: {}: `{}`", self.code, self.expr)
    }
}

impl std::error::Error for RegexError {}

const ERR_INVALID_CHAR_RANGE: &str = "invalid character class range";
const ERR_INVALID_ESCAPE: &str = "invalid escape sequence";
const ERR_INVALID_NAMED_CAPTURE: &str = "invalid named capture";
const ERR_INVALID_PERL_OP: &str = "invalid or unsupported Perl syntax";
const ERR_INVALID_REPEAT_OP: &str = "invalid nested repetition operator";
const ERR_INVALID_REPEAT_SIZE: &str = "invalid repeat count";
const ERR_MISSING_BRACKET: &str = "missing closing ]";
const ERR_MISSING_PAREN: &str = "missing closing )";
const ERR_MISSING_REPEAT_ARGUMENT: &str = "missing argument to repetition operator";
const ERR_TRAILING_BACKSLASH: &str = "trailing backslash at end of expression";
const ERR_UNEXPECTED_PAREN: &str = "unexpected )";
const ERR_NESTING_DEPTH: &str = "expression nests too deeply";
const ERR_LARGE: &str = "expression too large";

fn err(code: &'static str, expr: &str) -> RegexError {
    RegexError {
        code,
        expr: expr.to_string(),
    }
}

/// The result of [`translate`]: a Rust `regex` pattern and Go's capture
/// group names (index 0 is the whole match, unnamed groups are `""`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Translated {
    pub pattern: String,
    pub names: Vec<String>,
    /// Maximum group nesting depth (deep patterns are compiled on a thread
    /// with a large stack: the Rust compiler recurses over the tree).
    pub depth: usize,
}

/// A Rust class matching no char / any char.
const NO_CHAR: &str = r"[^\x{0}-\x{10FFFF}]";
const ANY_CHAR: &str = r"[\x{0}-\x{10FFFF}]";

const ASCII_DIGIT: &str = r"0-9";
const ASCII_WORD: &str = r"0-9A-Za-z_";
const ASCII_SPACE: &str = r"\x{9}\x{A}\x{C}\x{D}\x{20}";

/// Perl class `\d` etc. as class items (without brackets) and its sign.
fn perl_class(c: char) -> Option<(&'static str, bool)> {
    match c {
        'd' => Some((ASCII_DIGIT, true)),
        'D' => Some((ASCII_DIGIT, false)),
        'w' => Some((ASCII_WORD, true)),
        'W' => Some((ASCII_WORD, false)),
        's' => Some((ASCII_SPACE, true)),
        'S' => Some((ASCII_SPACE, false)),
        _ => None,
    }
}

const POSIX_NAMES: &[&str] = &[
    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
    "space", "upper", "word", "xdigit",
];

const GO_CATEGORIES: &[&str] = &[
    "C", "Cc", "Cf", "Cn", "Co", "Cs", "L", "LC", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me",
    "Mn", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk",
    "Sm", "So", "Z", "Zl", "Zp", "Zs",
];

const GO_CATEGORY_ALIASES: &[(&str, &str)] = &[
    ("Cased_Letter", "LC"),
    ("Close_Punctuation", "Pe"),
    ("Combining_Mark", "M"),
    ("Connector_Punctuation", "Pc"),
    ("Control", "Cc"),
    ("Currency_Symbol", "Sc"),
    ("Dash_Punctuation", "Pd"),
    ("Decimal_Number", "Nd"),
    ("Enclosing_Mark", "Me"),
    ("Final_Punctuation", "Pf"),
    ("Format", "Cf"),
    ("Initial_Punctuation", "Pi"),
    ("Letter", "L"),
    ("Letter_Number", "Nl"),
    ("Line_Separator", "Zl"),
    ("Lowercase_Letter", "Ll"),
    ("Mark", "M"),
    ("Math_Symbol", "Sm"),
    ("Modifier_Letter", "Lm"),
    ("Modifier_Symbol", "Sk"),
    ("Nonspacing_Mark", "Mn"),
    ("Number", "N"),
    ("Open_Punctuation", "Ps"),
    ("Other", "C"),
    ("Other_Letter", "Lo"),
    ("Other_Number", "No"),
    ("Other_Punctuation", "Po"),
    ("Other_Symbol", "So"),
    ("Paragraph_Separator", "Zp"),
    ("Private_Use", "Co"),
    ("Punctuation", "P"),
    ("Separator", "Z"),
    ("Space_Separator", "Zs"),
    ("Spacing_Mark", "Mc"),
    ("Surrogate", "Cs"),
    ("Symbol", "S"),
    ("Titlecase_Letter", "Lt"),
    ("Unassigned", "Cn"),
    ("Uppercase_Letter", "Lu"),
    ("cntrl", "Cc"),
    ("digit", "Nd"),
    ("punct", "P"),
];

/// Go's Unicode 15.0 script names (`unicode.Scripts`).
const GO_SCRIPTS: &[&str] = &[
    "Adlam",
    "Ahom",
    "Anatolian_Hieroglyphs",
    "Arabic",
    "Armenian",
    "Avestan",
    "Balinese",
    "Bamum",
    "Bassa_Vah",
    "Batak",
    "Bengali",
    "Bhaiksuki",
    "Bopomofo",
    "Brahmi",
    "Braille",
    "Buginese",
    "Buhid",
    "Canadian_Aboriginal",
    "Carian",
    "Caucasian_Albanian",
    "Chakma",
    "Cham",
    "Cherokee",
    "Chorasmian",
    "Common",
    "Coptic",
    "Cuneiform",
    "Cypriot",
    "Cypro_Minoan",
    "Cyrillic",
    "Deseret",
    "Devanagari",
    "Dives_Akuru",
    "Dogra",
    "Duployan",
    "Egyptian_Hieroglyphs",
    "Elbasan",
    "Elymaic",
    "Ethiopic",
    "Georgian",
    "Glagolitic",
    "Gothic",
    "Grantha",
    "Greek",
    "Gujarati",
    "Gunjala_Gondi",
    "Gurmukhi",
    "Han",
    "Hangul",
    "Hanifi_Rohingya",
    "Hanunoo",
    "Hatran",
    "Hebrew",
    "Hiragana",
    "Imperial_Aramaic",
    "Inherited",
    "Inscriptional_Pahlavi",
    "Inscriptional_Parthian",
    "Javanese",
    "Kaithi",
    "Kannada",
    "Katakana",
    "Kawi",
    "Kayah_Li",
    "Kharoshthi",
    "Khitan_Small_Script",
    "Khmer",
    "Khojki",
    "Khudawadi",
    "Lao",
    "Latin",
    "Lepcha",
    "Limbu",
    "Linear_A",
    "Linear_B",
    "Lisu",
    "Lycian",
    "Lydian",
    "Mahajani",
    "Makasar",
    "Malayalam",
    "Mandaic",
    "Manichaean",
    "Marchen",
    "Masaram_Gondi",
    "Medefaidrin",
    "Meetei_Mayek",
    "Mende_Kikakui",
    "Meroitic_Cursive",
    "Meroitic_Hieroglyphs",
    "Miao",
    "Modi",
    "Mongolian",
    "Mro",
    "Multani",
    "Myanmar",
    "Nabataean",
    "Nag_Mundari",
    "Nandinagari",
    "New_Tai_Lue",
    "Newa",
    "Nko",
    "Nushu",
    "Nyiakeng_Puachue_Hmong",
    "Ogham",
    "Ol_Chiki",
    "Old_Hungarian",
    "Old_Italic",
    "Old_North_Arabian",
    "Old_Permic",
    "Old_Persian",
    "Old_Sogdian",
    "Old_South_Arabian",
    "Old_Turkic",
    "Old_Uyghur",
    "Oriya",
    "Osage",
    "Osmanya",
    "Pahawh_Hmong",
    "Palmyrene",
    "Pau_Cin_Hau",
    "Phags_Pa",
    "Phoenician",
    "Psalter_Pahlavi",
    "Rejang",
    "Runic",
    "Samaritan",
    "Saurashtra",
    "Sharada",
    "Shavian",
    "Siddham",
    "SignWriting",
    "Sinhala",
    "Sogdian",
    "Sora_Sompeng",
    "Soyombo",
    "Sundanese",
    "Syloti_Nagri",
    "Syriac",
    "Tagalog",
    "Tagbanwa",
    "Tai_Le",
    "Tai_Tham",
    "Tai_Viet",
    "Takri",
    "Tamil",
    "Tangsa",
    "Tangut",
    "Telugu",
    "Thaana",
    "Thai",
    "Tibetan",
    "Tifinagh",
    "Tirhuta",
    "Toto",
    "Ugaritic",
    "Vai",
    "Vithkuqi",
    "Wancho",
    "Warang_Citi",
    "Yezidi",
    "Yi",
    "Zanabazar_Square",
];

/// Go 1.25's `canonicalName`: first letter upper, rest lower, `_ - space`
/// dropped.
fn canonical_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut first = true;
    for c in name.chars() {
        if c == '_' || c == '-' || c == ' ' {
            continue;
        }
        if first {
            out.push(c.to_ascii_uppercase());
            first = false;
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// Resolves a `\p{name}` name the way Go does, returning the Rust property
/// expression (without `\p{}`) and whether it is inverted.
///
/// Go ≤ 1.24 matched names exactly (`Greek`, `Old_Italic`); Go ≥ 1.25 matches
/// canonicalised names (`greek`, `LETTER`) but, as a side effect, no longer
/// finds scripts whose names contain `_`. Both spellings are accepted here.
fn unicode_table(name: &str) -> Option<(String, bool)> {
    if GO_CATEGORIES.contains(&name) {
        return Some((format!("gc={name}"), false));
    }
    if GO_SCRIPTS.contains(&name) {
        return Some((format!("sc={name}"), false));
    }
    if name == "Any" {
        return Some(("Any".into(), false));
    }
    let canon = canonical_name(name);
    match canon.as_str() {
        "Any" => return Some(("Any".into(), false)),
        "Assigned" => return Some(("gc=Cn".into(), true)),
        "Ascii" => return Some(("ASCII".into(), false)),
        "Lc" => return Some(("gc=LC".into(), false)),
        _ => {}
    }
    if let Some(c) = GO_CATEGORIES.iter().find(|c| **c == canon) {
        return Some((format!("gc={c}"), false));
    }
    if let Some(s) = GO_SCRIPTS.iter().find(|s| **s == canon) {
        return Some((format!("sc={s}"), false));
    }
    if let Some((_, actual)) = GO_CATEGORY_ALIASES
        .iter()
        .find(|(alias, _)| canonical_name(alias) == canon)
    {
        return Some((format!("gc={actual}"), false));
    }
    None
}

/// Emits a literal char in a form the Rust parser reads as exactly that
/// char, inside or outside a class.
fn push_lit(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || (!c.is_ascii() && !c.is_whitespace()) {
        out.push(c);
    } else {
        out.push_str(&format!("\\x{{{:X}}}", c as u32));
    }
}

#[derive(Default)]
struct Frame {
    out: String,
    /// Maximum repeat weight of completed items (for Go's repeat limit).
    done_w: u64,
    /// Weight of the most recent item, if repeatable.
    last_w: Option<u64>,
    /// Flag changes not yet emitted.
    pending_flags: String,
    /// Capturing group (`false` for `(?:` and the root).
    capture: bool,
}

impl Frame {
    fn atom(&mut self, text: &str, w: u64) {
        if let Some(l) = self.last_w.take() {
            self.done_w = self.done_w.max(l);
        }
        if !self.pending_flags.is_empty() {
            let f = std::mem::take(&mut self.pending_flags);
            self.out.push_str(&f);
        }
        self.out.push_str(text);
        self.last_w = Some(w);
    }
    fn max_w(&self) -> u64 {
        self.done_w.max(self.last_w.unwrap_or(0))
    }
}

/// Go's `parseEscape`: a single-character escape at the start of `s`
/// (which begins with `\`). Returns the char and bytes consumed.
fn parse_escape(s: &str) -> Result<(u32, usize), RegexError> {
    let t = &s[1..];
    let mut it = t.char_indices();
    let Some((_, c)) = it.next() else {
        return Err(err(ERR_TRAILING_BACKSLASH, ""));
    };
    let mut pos = 1 + c.len_utf8();
    let bad = |end: usize| Err(err(ERR_INVALID_ESCAPE, &s[..end]));
    let b = s.as_bytes();
    match c {
        '1'..='7' | '0' => {
            if c != '0' && !(pos < b.len() && (b'0'..=b'7').contains(&b[pos])) {
                return bad(pos);
            }
            let mut r = c as u32 - '0' as u32;
            for _ in 1..3 {
                if pos < b.len() && (b'0'..=b'7').contains(&b[pos]) {
                    r = r * 8 + (b[pos] - b'0') as u32;
                    pos += 1;
                } else {
                    break;
                }
            }
            Ok((r, pos))
        }
        'x' => {
            let rest = &s[pos..];
            let mut cs = rest.chars();
            let Some(c1) = cs.next() else {
                return bad(pos);
            };
            pos += c1.len_utf8();
            if c1 == '{' {
                let mut n = 0u32;
                let mut nhex = 0;
                loop {
                    let Some(c2) = cs.next() else {
                        return bad(pos);
                    };
                    pos += c2.len_utf8();
                    if c2 == '}' {
                        break;
                    }
                    let Some(v) = c2.to_digit(16) else {
                        return bad(pos);
                    };
                    n = n * 16 + v;
                    if n > 0x10FFFF {
                        return bad(pos);
                    }
                    nhex += 1;
                }
                if nhex == 0 {
                    return bad(pos);
                }
                return Ok((n, pos));
            }
            let Some(c2) = cs.next() else {
                return bad(pos);
            };
            pos += c2.len_utf8();
            match (c1.to_digit(16), c2.to_digit(16)) {
                (Some(x), Some(y)) => Ok((x * 16 + y, pos)),
                _ => bad(pos),
            }
        }
        'a' => Ok((7, pos)),
        'f' => Ok((0xC, pos)),
        'n' => Ok((0xA, pos)),
        'r' => Ok((0xD, pos)),
        't' => Ok((9, pos)),
        'v' => Ok((0xB, pos)),
        c if c.is_ascii() && !c.is_ascii_alphanumeric() => Ok((c as u32, pos)),
        _ => bad(pos),
    }
}

/// Go's `parseUnicodeClass` at the start of `s` (`\p…` or `\P…`): returns
/// Rust class-item text (`\p{…}`, `\P{…}` or a range), `None` for the
/// empty set, and the bytes consumed.
fn parse_unicode_class(s: &str) -> Result<(Option<String>, usize), RegexError> {
    let mut negate = s.as_bytes()[1] == b'P';
    let rest = &s[2..];
    let Some(c) = rest.chars().next() else {
        // Go: nextRune on "" fails with a UTF-8 error; the pattern ends here.
        return Err(err(ERR_INVALID_CHAR_RANGE, s));
    };
    let (seq_len, mut name) = if c != '{' {
        (2 + c.len_utf8(), &s[2..2 + c.len_utf8()])
    } else {
        let Some(end) = s.find('}') else {
            return Err(err(ERR_INVALID_CHAR_RANGE, s));
        };
        (end + 1, &s[3..end])
    };
    if let Some(n) = name.strip_prefix('^') {
        negate = !negate;
        name = n;
    }
    let Some((prop, inv)) = unicode_table(name) else {
        return Err(err(ERR_INVALID_CHAR_RANGE, &s[..seq_len]));
    };
    if inv {
        negate = !negate;
    }
    if prop == "gc=Cs" {
        // Surrogates: Go accepts the class, which never matches UTF-8 text;
        // Rust rejects it.
        let all = r"\x{0}-\x{10FFFF}".to_string();
        return Ok((negate.then_some(all), seq_len));
    }
    let p = if negate { 'P' } else { 'p' };
    let base = format!("\\{p}{{{prop}}}");
    if prop == "Any" || prop == "ASCII" {
        return Ok((Some(base), seq_len));
    }
    // Mask the Rust tables (Unicode 16) to Go's Unicode 15: code points new
    // in 16 are unassigned (Cn) for Go.
    let unassigned_class = prop == "gc=Cn" || prop == "gc=C";
    let new16 = new_in_unicode_16_class();
    let text = if unassigned_class != negate {
        format!("[{base}{new16}]")
    } else {
        format!("[{base}--{new16}]")
    };
    Ok((Some(text), seq_len))
}

/// [`super::unicode::NEW_IN_UNICODE_16`] as a Rust class.
fn new_in_unicode_16_class() -> &'static str {
    static CLASS: OnceLock<String> = OnceLock::new();
    CLASS.get_or_init(|| {
        let mut s = String::from("[");
        for &(lo, hi) in super::unicode::NEW_IN_UNICODE_16 {
            s.push_str(&format!("\\x{{{lo:X}}}-\\x{{{hi:X}}}"));
        }
        s.push(']');
        s
    })
}

/// Parses a Go character class at the start of `s` (which begins with `[`).
fn parse_class(s: &str) -> Result<(String, usize), RegexError> {
    let mut out = String::from("[");
    let mut t = 1;
    let b = s.as_bytes();
    let mut negated = false;
    if t < b.len() && b[t] == b'^' {
        out.push('^');
        negated = true;
        t += 1;
    }
    let mut n_items = 0;
    let mut first = true;
    while t >= b.len() || b[t] != b']' || first {
        first = false;
        let rest = &s[t..];
        // POSIX [:alnum:].
        if rest.len() > 2
            && rest.starts_with("[:")
            && let Some(i) = rest[2..].find(":]")
        {
            let name = &rest[..i + 4];
            let inner = &name[2..name.len() - 2];
            let (neg, base) = match inner.strip_prefix('^') {
                Some(b) => (true, b),
                None => (false, inner),
            };
            if !POSIX_NAMES.contains(&base) {
                return Err(err(ERR_INVALID_CHAR_RANGE, name));
            }
            out.push_str(&format!("[:{}{}:]", if neg { "^" } else { "" }, base));
            n_items += 1;
            t += name.len();
            continue;
        }
        if rest.len() >= 2 && rest.starts_with('\\') {
            let c1 = rest.as_bytes()[1];
            if c1 == b'p' || c1 == b'P' {
                let (cls, n) = parse_unicode_class(rest)?;
                if let Some(cls) = cls {
                    out.push_str(&cls);
                    n_items += 1;
                }
                t += n;
                continue;
            }
            if let Some((items, pos)) = perl_class(c1 as char) {
                if pos {
                    out.push_str(items);
                } else {
                    out.push_str(&format!("[^{items}]"));
                }
                t += 2;
                n_items += 1;
                continue;
            }
        }
        // Single char or range.
        let rng_start = t;
        let (lo, n) = parse_class_char(&s[t..], s)?;
        t += n;
        let mut hi = lo;
        if t + 1 < b.len() && b[t] == b'-' && b[t + 1] != b']' {
            t += 1;
            let (h, n) = parse_class_char(&s[t..], s)?;
            t += n;
            hi = h;
            if hi < lo {
                return Err(err(ERR_INVALID_CHAR_RANGE, &s[rng_start..t]));
            }
        }
        // Go accepts surrogate code points, which never match UTF-8 text;
        // Rust cannot express them, so clip them out of the range.
        let lo = if (0xD800..=0xDFFF).contains(&lo) {
            0xE000
        } else {
            lo
        };
        let hi = if (0xD800..=0xDFFF).contains(&hi) {
            0xD7FF
        } else {
            hi
        };
        if lo > hi {
            continue;
        }
        n_items += 1;
        push_lit(&mut out, char::from_u32(lo).unwrap());
        if hi != lo {
            out.push('-');
            push_lit(&mut out, char::from_u32(hi).unwrap());
        }
    }
    if n_items == 0 {
        // Only surrogates: nothing (or, negated, everything) matches.
        return Ok((if negated { ANY_CHAR } else { NO_CHAR }.to_string(), t + 1));
    }
    out.push(']');
    Ok((out, t + 1))
}

fn parse_class_char(s: &str, whole: &str) -> Result<(u32, usize), RegexError> {
    if s.is_empty() {
        return Err(err(ERR_MISSING_BRACKET, whole));
    }
    if s.starts_with('\\') {
        return parse_escape(s);
    }
    let c = s.chars().next().unwrap();
    Ok((c as u32, c.len_utf8()))
}

/// Go's `parseRepeat`: `{n}`, `{n,}`, `{n,m}` at the start of `s`.
/// Returns `(min, max (-1 = none), consumed)`, min = -1 if too big.
fn parse_repeat(s: &str) -> Option<(i64, i64, usize)> {
    let b = s.as_bytes();
    if b.first() != Some(&b'{') {
        return None;
    }
    let mut i = 1;
    let parse_int = |i: &mut usize| -> Option<i64> {
        let start = *i;
        if *i >= b.len() || !b[*i].is_ascii_digit() {
            return None;
        }
        if *i + 1 < b.len() && b[*i] == b'0' && b[*i + 1].is_ascii_digit() {
            return None;
        }
        let mut n: i64 = 0;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        for &d in &b[start..*i] {
            if n >= 100_000_000 {
                n = -1;
                break;
            }
            n = n * 10 + (d - b'0') as i64;
        }
        Some(n)
    };
    let mut min = parse_int(&mut i)?;
    if i >= b.len() {
        return None;
    }
    let max;
    if b[i] != b',' {
        max = min;
    } else {
        i += 1;
        if i >= b.len() {
            return None;
        }
        if b[i] == b'}' {
            max = -1;
        } else {
            max = parse_int(&mut i)?;
            if max < 0 {
                min = -1;
            }
        }
    }
    if i >= b.len() || b[i] != b'}' {
        return None;
    }
    Some((min, max, i + 1))
}

/// Translates a Go RE2 pattern into an equivalent Rust `regex` pattern.
pub fn translate(pattern: &str) -> Result<Translated, RegexError> {
    let s = pattern;
    let b = s.as_bytes();
    let mut names = vec![String::new()];
    let mut stack: Vec<Frame> = vec![Frame::default()];
    let mut t = 0usize;
    // Start offset of the previous repetition operator, if the previous
    // item was one.
    let mut last_repeat: Option<usize> = None;
    let mut depth = 0;
    while t < b.len() {
        depth = depth.max(stack.len());
        let mut repeat: Option<usize> = None;
        let c = b[t];
        match c {
            b'(' => {
                if t + 1 < b.len() && b[t + 1] == b'?' {
                    t = parse_perl_flags(s, t, &mut stack, &mut names)?;
                } else {
                    names.push(String::new());
                    open_group(&mut stack, true, s)?;
                    t += 1;
                }
            }
            b'|' => {
                let f = stack.last_mut().unwrap();
                if let Some(l) = f.last_w.take() {
                    f.done_w = f.done_w.max(l);
                }
                f.out.push('|');
                t += 1;
            }
            b')' => {
                if stack.len() < 2 {
                    return Err(err(ERR_UNEXPECTED_PAREN, s));
                }
                let f = stack.pop().unwrap();
                let w = f.max_w();
                let text = if f.capture {
                    format!("({})", f.out)
                } else {
                    format!("(?:{})", f.out)
                };
                stack.last_mut().unwrap().atom(&text, w);
                t += 1;
            }
            b'^' => {
                stack.last_mut().unwrap().atom("^", 1);
                t += 1;
            }
            b'$' => {
                stack.last_mut().unwrap().atom("$", 1);
                t += 1;
            }
            b'.' => {
                stack.last_mut().unwrap().atom(".", 1);
                t += 1;
            }
            b'[' => {
                let (cls, n) = parse_class(&s[t..])?;
                stack.last_mut().unwrap().atom(&cls, 1);
                t += n;
            }
            b'*' | b'+' | b'?' => {
                let before = t;
                let op = (c as char).to_string();
                t = apply_repeat(s, &mut stack, before, t + 1, last_repeat, &op, None)?;
                repeat = Some(before);
            }
            b'{' => {
                let before = t;
                match parse_repeat(&s[t..]) {
                    None => {
                        let mut lit = String::new();
                        push_lit(&mut lit, '{');
                        stack.last_mut().unwrap().atom(&lit, 1);
                        t += 1;
                    }
                    Some((min, max, n)) => {
                        let after = t + n;
                        if !(0..=1000).contains(&min) || max > 1000 || (max >= 0 && min > max) {
                            return Err(err(ERR_INVALID_REPEAT_SIZE, &s[before..after]));
                        }
                        let op = &s[before..after];
                        let m = if max < 0 { min } else { max };
                        let check = min >= 2 || max >= 2;
                        t = apply_repeat(
                            s,
                            &mut stack,
                            before,
                            after,
                            last_repeat,
                            op,
                            Some((m as u64, check)),
                        )?;
                        repeat = Some(before);
                    }
                }
            }
            b'\\' => {
                t = parse_backslash(s, t, &mut stack)?;
            }
            _ => {
                let ch = s[t..].chars().next().unwrap();
                let mut lit = String::new();
                push_lit(&mut lit, ch);
                stack.last_mut().unwrap().atom(&lit, 1);
                t += ch.len_utf8();
            }
        }
        last_repeat = repeat;
    }
    if stack.len() != 1 {
        return Err(err(ERR_MISSING_PAREN, s));
    }
    Ok(Translated {
        pattern: stack.pop().unwrap().out,
        names,
        depth,
    })
}

fn open_group(stack: &mut Vec<Frame>, capture: bool, s: &str) -> Result<(), RegexError> {
    // Go limits the parse-tree height to 1000; non-capturing groups add no
    // node, so (approximately) only nested captures count.
    if capture && stack.iter().filter(|f| f.capture).count() >= 999 {
        return Err(err(ERR_NESTING_DEPTH, s));
    }
    // Emit pending flags of the enclosing frame so they apply inside.
    let parent = stack.last_mut().unwrap();
    let pending = std::mem::take(&mut parent.pending_flags);
    if !pending.is_empty() {
        parent.out.push_str(&pending);
    }
    stack.push(Frame {
        capture,
        ..Frame::default()
    });
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn apply_repeat(
    s: &str,
    stack: &mut [Frame],
    before: usize,
    after: usize,
    last_repeat: Option<usize>,
    op: &str,
    counted: Option<(u64, bool)>,
) -> Result<usize, RegexError> {
    let b = s.as_bytes();
    let mut after = after;
    let mut lazy = false;
    if after < b.len() && b[after] == b'?' {
        after += 1;
        lazy = true;
    }
    if let Some(lr) = last_repeat {
        return Err(err(ERR_INVALID_REPEAT_OP, &s[lr..after]));
    }
    let f = stack.last_mut().unwrap();
    let Some(w) = f.last_w else {
        return Err(err(ERR_MISSING_REPEAT_ARGUMENT, &s[before..after]));
    };
    let new_w = match counted {
        Some((m, check)) => {
            if m == 0 {
                0
            } else {
                let nw = m.saturating_mul(w.max(1));
                if check && nw > 1000 {
                    return Err(err(ERR_INVALID_REPEAT_SIZE, &s[before..after]));
                }
                nw
            }
        }
        None => w,
    };
    // The last item is a single Rust atom at the end of `out`; pending flags
    // are only ever emitted before an atom, so the operator binds to it.
    f.out.push_str(op);
    if lazy {
        f.out.push('?');
    }
    f.last_w = Some(new_w);
    Ok(after)
}

fn parse_backslash(s: &str, t: usize, stack: &mut [Frame]) -> Result<usize, RegexError> {
    let b = s.as_bytes();
    let f = stack.last_mut().unwrap();
    if t + 1 < b.len() {
        match b[t + 1] {
            b'A' => {
                f.atom(r"\A", 1);
                return Ok(t + 2);
            }
            b'b' => {
                f.atom(r"(?-u:\b)", 1);
                return Ok(t + 2);
            }
            b'B' => {
                f.atom(r"(?-u:\B)", 1);
                return Ok(t + 2);
            }
            b'C' => return Err(err(ERR_INVALID_ESCAPE, &s[t..t + 2])),
            b'Q' => {
                let rest = &s[t + 2..];
                let (lit, consumed) = match rest.find(r"\E") {
                    Some(i) => (&rest[..i], i + 2),
                    None => (rest, rest.len()),
                };
                for ch in lit.chars() {
                    let mut l = String::new();
                    push_lit(&mut l, ch);
                    f.atom(&l, 1);
                }
                return Ok(t + 2 + consumed);
            }
            b'z' => {
                f.atom(r"\z", 1);
                return Ok(t + 2);
            }
            b'p' | b'P' => {
                let (cls, n) = parse_unicode_class(&s[t..])?;
                match cls {
                    Some(c)
                        if c.starts_with(r"\p") || c.starts_with(r"\P") || c.starts_with('[') =>
                    {
                        f.atom(&c, 1)
                    }
                    Some(c) => f.atom(&format!("[{c}]"), 1),
                    None => f.atom(NO_CHAR, 1),
                }
                return Ok(t + n);
            }
            c => {
                if let Some((items, pos)) = perl_class(c as char) {
                    let cls = if pos {
                        format!("[{items}]")
                    } else {
                        format!("[^{items}]")
                    };
                    f.atom(&cls, 1);
                    return Ok(t + 2);
                }
            }
        }
    }
    let (v, n) = parse_escape(&s[t..])?;
    match char::from_u32(v) {
        Some(ch) => {
            let mut l = String::new();
            push_lit(&mut l, ch);
            f.atom(&l, 1);
        }
        // A surrogate (`\x{D800}`): Go accepts it; it never matches.
        None => f.atom(NO_CHAR, 1),
    }
    Ok(t + n)
}

/// Go's `parsePerlFlags` for `(?…` at `t`. Returns the new offset.
fn parse_perl_flags(
    s: &str,
    t0: usize,
    stack: &mut Vec<Frame>,
    names: &mut Vec<String>,
) -> Result<usize, RegexError> {
    let t = &s[t0..];
    let tb = t.as_bytes();
    let starts_with_p = tb.len() > 4 && tb[2] == b'P' && tb[3] == b'<';
    let starts_with_name = tb.len() > 3 && tb[2] == b'<';
    if starts_with_p || starts_with_name {
        let expr_start = if starts_with_name { 3 } else { 4 };
        let Some(end) = t.find('>') else {
            return Err(err(ERR_INVALID_NAMED_CAPTURE, t));
        };
        let capture = &t[..end + 1];
        let name = &t[expr_start.min(end)..end];
        if name.is_empty() || !name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric()) {
            return Err(err(ERR_INVALID_NAMED_CAPTURE, capture));
        }
        names.push(name.to_string());
        open_group(stack, true, s)?;
        return Ok(t0 + end + 1);
    }
    let mut on = String::new();
    let mut off = String::new();
    let mut negated = false;
    let mut saw_flag = false;
    let mut pos = 2;
    for c in t[2..].chars() {
        pos += c.len_utf8();
        match c {
            'i' | 'm' | 's' | 'U' => {
                let set = if negated { &mut off } else { &mut on };
                if !set.contains(c) {
                    set.push(c);
                }
                saw_flag = true;
            }
            '-' => {
                if negated {
                    break;
                }
                negated = true;
                saw_flag = false;
            }
            ':' | ')' => {
                if negated && !saw_flag {
                    break;
                }
                on.retain(|f| !off.contains(f));
                let flags = match (on.is_empty(), off.is_empty()) {
                    (true, true) => String::new(),
                    (false, true) => on,
                    (true, false) => format!("-{off}"),
                    (false, false) => format!("{on}-{off}"),
                };
                if c == ':' {
                    open_group(stack, false, s)?;
                    if !flags.is_empty() {
                        stack.last_mut().unwrap().pending_flags = format!("(?{flags})");
                    }
                } else if !flags.is_empty() {
                    let f = stack.last_mut().unwrap();
                    f.pending_flags.push_str(&format!("(?{flags})"));
                }
                return Ok(t0 + pos);
            }
            _ => break,
        }
    }
    Err(err(ERR_INVALID_PERL_OP, &t[..pos]))
}

/// A compiled Go regular expression.
#[derive(Debug)]
pub struct GoRegex {
    source: String,
    re: regex::Regex,
    names: Vec<String>,
}

impl GoRegex {
    /// Compiles a Go pattern (uncached; see [`compile`]).
    pub fn new(pattern: &str) -> Result<GoRegex, RegexError> {
        let tr = translate(pattern)?;
        let build = |p: &str| {
            regex::RegexBuilder::new(p)
                .nest_limit(4000)
                .size_limit(256 << 20)
                .build()
        };
        let built = if tr.depth <= 64 {
            build(&tr.pattern)
        } else {
            let p = tr.pattern.clone();
            std::thread::Builder::new()
                .stack_size(256 << 20)
                .spawn(move || build(&p))
                .and_then(|h| {
                    h.join()
                        .map_err(|_| std::io::Error::other("regex compilation panicked"))
                })
                .map_err(|_| err(ERR_NESTING_DEPTH, pattern))?
        };
        let re = built.map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => err(ERR_LARGE, pattern),
            other => RegexError {
                code: "internal error",
                expr: format!("{pattern} ({other})"),
            },
        })?;
        Ok(GoRegex {
            source: pattern.to_string(),
            re,
            names: tr.names,
        })
    }

    /// The Go pattern this was compiled from.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Capture group names as Go's `SubexpNames` (index 0 is `""`).
    pub fn subexp_names(&self) -> &[String] {
        &self.names
    }

    /// Go `MatchString`.
    pub fn is_match(&self, s: &str) -> bool {
        self.re.is_match(s)
    }

    /// Go `FindString`, but distinguishing "no match" (`None`).
    pub fn find(&self, s: &str) -> Option<String> {
        self.re.find(s).map(|m| m.as_str().to_string())
    }

    /// Go's `allMatches` loop over capture positions; `n < 0` means all.
    fn all_matches(&self, s: &str, n: i64) -> Vec<Vec<Option<(usize, usize)>>> {
        let mut res = Vec::new();
        let n = if n < 0 { s.len() as i64 + 1 } else { n };
        let mut pos = 0usize;
        let mut prev_end: Option<usize> = None;
        let mut locs = self.re.capture_locations();
        while (res.len() as i64) < n && pos <= s.len() {
            let Some(m) = self.re.captures_read_at(&mut locs, s, pos) else {
                break;
            };
            let mut accept = true;
            if m.end() == pos {
                if Some(m.start()) == prev_end {
                    accept = false;
                }
                pos += s[pos..].chars().next().map_or(1, char::len_utf8);
            } else {
                pos = m.end();
            }
            prev_end = Some(m.end());
            if accept {
                res.push((0..locs.len()).map(|i| locs.get(i)).collect());
            }
        }
        res
    }

    /// Go `FindAllStringSubmatchIndex(s, n)`: byte ranges per group,
    /// `None` for a group that did not participate.
    pub fn find_all_submatch_index(&self, s: &str, n: i64) -> Vec<Vec<Option<(usize, usize)>>> {
        self.all_matches(s, n)
    }

    /// Go `FindAllString(s, n)`; empty when there is no match.
    pub fn find_all(&self, s: &str, n: i64) -> Vec<String> {
        self.all_matches(s, n)
            .into_iter()
            .map(|m| {
                let (a, b) = m[0].unwrap();
                s[a..b].to_string()
            })
            .collect()
    }

    fn subs(s: &str, m: &[Option<(usize, usize)>]) -> Vec<String> {
        m.iter()
            .map(|g| g.map_or(String::new(), |(a, b)| s[a..b].to_string()))
            .collect()
    }

    /// Go `FindStringSubmatch`; non-participating groups are `""`.
    pub fn find_submatch(&self, s: &str) -> Option<Vec<String>> {
        let mut locs = self.re.capture_locations();
        self.re.captures_read(&mut locs, s)?;
        let m: Vec<_> = (0..locs.len()).map(|i| locs.get(i)).collect();
        Some(Self::subs(s, &m))
    }

    /// Go `FindAllStringSubmatch(s, n)`.
    pub fn find_all_submatch(&self, s: &str, n: i64) -> Vec<Vec<String>> {
        self.all_matches(s, n)
            .iter()
            .map(|m| Self::subs(s, m))
            .collect()
    }

    fn named(&self, subs: Vec<String>) -> Vec<(String, String)> {
        // Later groups with a duplicate name overwrite earlier ones, like
        // CUE's map assignment, but keep first-seen order.
        let mut out: Vec<(String, String)> = Vec::new();
        for (name, v) in self.names.iter().zip(subs) {
            if name.is_empty() {
                continue;
            }
            if let Some(e) = out.iter_mut().find(|(n, _)| n == name) {
                e.1 = v;
            } else {
                out.push((name.clone(), v));
            }
        }
        out
    }

    /// CUE `FindNamedSubmatch`: named groups only, in pattern order.
    pub fn find_named_submatch(&self, s: &str) -> Option<Vec<(String, String)>> {
        self.find_submatch(s).map(|v| self.named(v))
    }

    /// CUE `FindAllNamedSubmatch`.
    pub fn find_all_named_submatch(&self, s: &str, n: i64) -> Vec<Vec<(String, String)>> {
        self.find_all_submatch(s, n)
            .into_iter()
            .map(|v| self.named(v))
            .collect()
    }

    /// Go's `replaceAll` loop; `f` appends the replacement for a match.
    fn replace_loop(
        &self,
        src: &str,
        mut f: impl FnMut(&mut String, &[Option<(usize, usize)>]),
    ) -> String {
        let mut dst = String::new();
        let mut last_end = 0usize;
        let mut search = 0usize;
        let mut locs = self.re.capture_locations();
        while search <= src.len() {
            if self.re.captures_read_at(&mut locs, src, search).is_none() {
                break;
            }
            let m: Vec<_> = (0..locs.len()).map(|i| locs.get(i)).collect();
            let (a0, a1) = m[0].unwrap();
            dst.push_str(&src[last_end..a0]);
            if a1 > last_end || a0 == 0 {
                f(&mut dst, &m);
            }
            last_end = a1;
            let width = src[search..].chars().next().map_or(1, char::len_utf8);
            if search + width > a1 {
                search += width;
            } else if search + 1 > a1 {
                search += 1;
            } else {
                search = a1;
            }
        }
        dst.push_str(&src[last_end..]);
        dst
    }

    /// Go `ReplaceAllString`: `$1`, `${1}`, `$name`, `${name}`, `$$`.
    pub fn replace_all(&self, src: &str, template: &str) -> String {
        self.replace_loop(src, |dst, m| self.expand(dst, template, src, m))
    }

    /// Go `ReplaceAllLiteralString`.
    pub fn replace_all_literal(&self, src: &str, repl: &str) -> String {
        self.replace_loop(src, |dst, _| dst.push_str(repl))
    }

    /// Go `Regexp.expand` for string templates.
    pub fn expand(
        &self,
        dst: &mut String,
        template: &str,
        src: &str,
        m: &[Option<(usize, usize)>],
    ) {
        let mut tpl = template;
        while let Some(i) = tpl.find('$') {
            dst.push_str(&tpl[..i]);
            tpl = &tpl[i + 1..];
            if let Some(r) = tpl.strip_prefix('$') {
                dst.push('$');
                tpl = r;
                continue;
            }
            let Some((name, num, rest)) = extract(tpl) else {
                dst.push('$');
                continue;
            };
            tpl = rest;
            if let Some(num) = num {
                if let Some(Some((a, b))) = m.get(num) {
                    dst.push_str(&src[*a..*b]);
                }
            } else if let Some(i) = self.names.iter().position(|n| n == name)
                && let Some(Some((a, b))) = m.get(i)
            {
                dst.push_str(&src[*a..*b]);
            }
        }
        dst.push_str(tpl);
    }
}

/// Go's `extract` for `$name` / `${name}` (after the `$`).
fn extract(s: &str) -> Option<(&str, Option<usize>, &str)> {
    let (brace, body) = match s.strip_prefix('{') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let end = body
        .char_indices()
        .find(|&(_, c)| !(super::unicode::is_letter(c) || super::unicode::is_digit(c) || c == '_'))
        .map_or(body.len(), |(i, _)| i);
    if end == 0 {
        return None;
    }
    let name = &body[..end];
    let mut rest = &body[end..];
    if brace {
        rest = rest.strip_prefix('}')?;
    }
    let mut num: Option<usize> = Some(0);
    for b in name.bytes() {
        match num {
            Some(n) if b.is_ascii_digit() && n < 100_000_000 => {
                num = Some(n * 10 + (b - b'0') as usize)
            }
            _ => {
                num = None;
                break;
            }
        }
    }
    if name.starts_with('0') && name.len() > 1 {
        num = None;
    }
    Some((name, num, rest))
}

const CACHE_LIMIT: usize = 1024;

type Cache = Mutex<HashMap<String, Result<Arc<GoRegex>, RegexError>>>;

/// Compiles a Go pattern, caching the result (also errors) process-wide.
pub fn compile(pattern: &str) -> Result<Arc<GoRegex>, RegexError> {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(r) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(pattern) {
        return r.clone();
    }
    let r = GoRegex::new(pattern).map(Arc::new);
    let mut c = cache.lock().unwrap_or_else(|e| e.into_inner());
    if c.len() >= CACHE_LIMIT {
        c.clear();
    }
    c.insert(pattern.to_string(), r.clone());
    r
}

/// Go `regexp.MatchString(pattern, s)`.
pub fn matches(pattern: &str, s: &str) -> Result<bool, RegexError> {
    Ok(compile(pattern)?.is_match(s))
}

/// Go `regexp.Compile(pattern) == nil` (CUE `regexp.Valid`).
pub fn valid(pattern: &str) -> Result<(), RegexError> {
    compile(pattern).map(|_| ())
}

/// `FindString`; `None` when there is no match (CUE: "no match" error).
pub fn find(pattern: &str, s: &str) -> Result<Option<String>, RegexError> {
    Ok(compile(pattern)?.find(s))
}

/// `FindAllString(s, n)`.
pub fn find_all(pattern: &str, s: &str, n: i64) -> Result<Vec<String>, RegexError> {
    Ok(compile(pattern)?.find_all(s, n))
}

/// `FindStringSubmatch`.
pub fn find_submatch(pattern: &str, s: &str) -> Result<Option<Vec<String>>, RegexError> {
    Ok(compile(pattern)?.find_submatch(s))
}

/// `FindAllStringSubmatch(s, n)`.
pub fn find_all_submatch(pattern: &str, s: &str, n: i64) -> Result<Vec<Vec<String>>, RegexError> {
    Ok(compile(pattern)?.find_all_submatch(s, n))
}

/// CUE `regexp.FindNamedSubmatch`.
pub fn find_named_submatch(
    pattern: &str,
    s: &str,
) -> Result<Option<Vec<(String, String)>>, RegexError> {
    Ok(compile(pattern)?.find_named_submatch(s))
}

/// CUE `regexp.FindAllNamedSubmatch`.
pub fn find_all_named_submatch(
    pattern: &str,
    s: &str,
    n: i64,
) -> Result<Vec<Vec<(String, String)>>, RegexError> {
    Ok(compile(pattern)?.find_all_named_submatch(s, n))
}

/// `ReplaceAllString(src, template)`.
pub fn replace_all(pattern: &str, src: &str, template: &str) -> Result<String, RegexError> {
    Ok(compile(pattern)?.replace_all(src, template))
}

/// `ReplaceAllLiteralString(src, repl)`.
pub fn replace_all_literal(pattern: &str, src: &str, repl: &str) -> Result<String, RegexError> {
    Ok(compile(pattern)?.replace_all_literal(src, repl))
}

/// Go `regexp.QuoteMeta`: backslash before each of `\.+*?()|[]{}^$`.
pub fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if r"\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
