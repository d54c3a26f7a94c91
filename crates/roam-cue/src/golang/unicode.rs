//! Go `unicode` predicates and simple case mappings the other modules need.
//!
//! Category tables come from `regex-syntax` (its Unicode version may be a
//! little newer than Go's). Case mappings are Go's *simple* per-rune
//! mappings: a rune whose full mapping expands to several runes (`ß` →
//! `SS`) is left unchanged, as Go does, except where Go has a one-rune
//! simple mapping that Rust only exposes through the full mapping.

use std::sync::OnceLock;

use regex_syntax::hir::{Class, HirKind};

type Ranges = Vec<(char, char)>;

fn ranges(class: &str) -> Ranges {
    let hir = regex_syntax::Parser::new()
        .parse(class)
        .expect("valid built-in class");
    match hir.kind() {
        HirKind::Class(Class::Unicode(c)) => {
            c.ranges().iter().map(|r| (r.start(), r.end())).collect()
        }
        _ => unreachable!("built-in class is a Unicode class"),
    }
}

fn contains(r: &Ranges, c: char) -> bool {
    r.binary_search_by(|&(lo, hi)| {
        if hi < c {
            std::cmp::Ordering::Less
        } else if lo > c {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    })
    .is_ok()
}

macro_rules! table {
    ($name:ident, $class:expr) => {
        fn $name() -> &'static Ranges {
            static T: OnceLock<Ranges> = OnceLock::new();
            T.get_or_init(|| ranges($class))
        }
    };
}

table!(letters, r"\p{L}");
table!(digits, r"\p{Nd}");
table!(graphic, r"[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}]");
table!(print, r"[\p{L}\p{M}\p{N}\p{P}\p{S} ]");
table!(upper, r"\p{Lu}");
table!(lower, r"\p{Ll}");
table!(title, r"\p{Lt}");
table!(numbers, r"\p{N}");

/// Go `unicode.IsLetter`.
pub fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    contains(letters(), c)
}

/// Go `unicode.IsDigit` (category Nd).
pub fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    contains(digits(), c)
}

/// Go `unicode.IsNumber` (category N).
pub fn is_number(c: char) -> bool {
    contains(numbers(), c)
}

/// Go `unicode.IsSpace`: White_Space (identical to Rust's definition).
pub fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Go `unicode.IsPrint`: L, M, N, P, S and U+0020.
pub fn is_print(c: char) -> bool {
    if (c as u32) < 0x7F {
        return c >= ' ';
    }
    contains(print(), c)
}

/// Go `unicode.IsGraphic`: L, M, N, P, S, Zs.
pub fn is_graphic(c: char) -> bool {
    contains(graphic(), c)
}

/// Go `unicode.IsUpper`.
pub fn is_upper(c: char) -> bool {
    contains(upper(), c)
}

/// Go `unicode.IsLower`.
pub fn is_lower(c: char) -> bool {
    contains(lower(), c)
}

/// Go `unicode.IsTitle`.
pub fn is_title(c: char) -> bool {
    contains(title(), c)
}

fn single(mut it: impl Iterator<Item = char>) -> Option<char> {
    let a = it.next()?;
    if it.next().is_some() { None } else { Some(a) }
}

/// Go `unicode.ToUpper` (simple mapping).
pub fn to_upper(c: char) -> char {
    if let Some(u) = single(c.to_uppercase()) {
        return u;
    }
    // Greek with ypogegrammeni: simple uppercase is the titlecase letter.
    match c as u32 {
        0x1F80..=0x1F87 | 0x1F90..=0x1F97 | 0x1FA0..=0x1FA7 => {
            char::from_u32(c as u32 + 8).unwrap()
        }
        0x1FB3 | 0x1FC3 | 0x1FF3 => char::from_u32(c as u32 + 9).unwrap(),
        _ => c,
    }
}

/// Go `unicode.ToLower` (simple mapping).
pub fn to_lower(c: char) -> char {
    if let Some(l) = single(c.to_lowercase()) {
        return l;
    }
    match c {
        // İ: full lowercase is "i̇"; simple is 'i'.
        '\u{130}' => 'i',
        _ => c,
    }
}

/// Go `unicode.ToTitle` (simple mapping).
pub fn to_title(c: char) -> char {
    match c as u32 {
        0x1C4..=0x1C6 => '\u{1C5}',
        0x1C7..=0x1C9 => '\u{1C8}',
        0x1CA..=0x1CC => '\u{1CB}',
        0x1F1..=0x1F3 => '\u{1F2}',
        // Titlecase ypogegrammeni letters map to themselves.
        0x1F88..=0x1F8F | 0x1F98..=0x1F9F | 0x1FA8..=0x1FAF | 0x1FBC | 0x1FCC | 0x1FFC => c,
        // Georgian Mkhedruli: uppercase exists (Mtavruli) but title is itself.
        0x10D0..=0x10FA | 0x10FD..=0x10FF => c,
        _ => to_upper(c),
    }
}
