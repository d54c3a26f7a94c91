//! Package `html`.

use super::util::string;
use super::{Package, Val};

/// Go's `html.EscapeString`.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&#39;"),
            '"' => out.push_str("&#34;"),
            c => out.push(c),
        }
    }
    out
}

/// Windows-1252 replacements for numeric references 0x80–0x9F.
const REPLACEMENT: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}',
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

/// The most common named character references (Go knows all of HTML5's).
const ENTITIES: &[(&str, &str)] = &[
    ("amp", "&"),
    ("lt", "<"),
    ("gt", ">"),
    ("quot", "\""),
    ("apos", "'"),
    ("nbsp", "\u{a0}"),
    ("copy", "\u{a9}"),
    ("reg", "\u{ae}"),
    ("trade", "\u{2122}"),
    ("hellip", "\u{2026}"),
    ("mdash", "\u{2014}"),
    ("ndash", "\u{2013}"),
    ("lsquo", "\u{2018}"),
    ("rsquo", "\u{2019}"),
    ("ldquo", "\u{201c}"),
    ("rdquo", "\u{201d}"),
    ("euro", "\u{20ac}"),
    ("pound", "\u{a3}"),
    ("yen", "\u{a5}"),
    ("cent", "\u{a2}"),
    ("sect", "\u{a7}"),
    ("deg", "\u{b0}"),
    ("plusmn", "\u{b1}"),
    ("times", "\u{d7}"),
    ("divide", "\u{f7}"),
    ("middot", "\u{b7}"),
    ("laquo", "\u{ab}"),
    ("raquo", "\u{bb}"),
    ("bull", "\u{2022}"),
];

/// Go's `html.UnescapeString` for numeric references and the entities in
/// [`ENTITIES`].
fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut start = 0;
    while i < b.len() {
        if b[i] != b'&' {
            i += 1;
            continue;
        }
        out.push_str(&s[start..i]);
        let mut j = i + 1;
        if b.get(j) == Some(&b'#') {
            j += 1;
            let hex = matches!(b.get(j), Some(b'x' | b'X'));
            if hex {
                j += 1;
            }
            let ds = j;
            while j < b.len()
                && (if hex {
                    b[j].is_ascii_hexdigit()
                } else {
                    b[j].is_ascii_digit()
                })
            {
                j += 1;
            }
            if j == ds {
                out.push_str(&s[i..j]);
                i = j;
                start = i;
                continue;
            }
            let digits = &s[ds..j];
            let x = u32::from_str_radix(digits, if hex { 16 } else { 10 }).unwrap_or(u32::MAX);
            if b.get(j) == Some(&b';') {
                j += 1;
            }
            let c = if (0x80..=0x9f).contains(&x) {
                REPLACEMENT[(x - 0x80) as usize]
            } else if x == 0 || (0xd800..=0xdfff).contains(&x) || x > 0x10ffff {
                '\u{fffd}'
            } else {
                char::from_u32(x).unwrap_or('\u{fffd}')
            };
            out.push(c);
            i = j;
            start = i;
            continue;
        }
        while j < b.len() && b[j].is_ascii_alphanumeric() {
            j += 1;
        }
        let name = &s[i + 1..j];
        match ENTITIES.iter().find(|(n, _)| *n == name) {
            Some((_, v))
                if b.get(j) == Some(&b';') || matches!(name, "amp" | "lt" | "gt" | "quot") =>
            {
                out.push_str(v);
                if b.get(j) == Some(&b';') {
                    j += 1;
                }
                i = j;
            }
            _ => {
                out.push('&');
                i += 1;
            }
        }
        start = i;
    }
    out.push_str(&s[start..]);
    out
}

pub static PACKAGE: Package = Package {
    path: "html",
    funcs: &[
        func!("Escape", [String], String, |_, a| Ok(Val::str(escape(
            string(a, 0)?
        )))),
        func!("Unescape", [String], String, |_, a| Ok(Val::str(unescape(
            string(a, 0)?
        )))),
    ],
    consts: &[],
    cue: "",
};
