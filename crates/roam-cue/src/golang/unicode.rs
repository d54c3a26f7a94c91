//! Go `unicode` predicates and simple case mappings the other modules need.
//!
//! Category tables come from `regex-syntax` (Unicode 16), masked to Go's
//! Unicode 15.0 by [`NEW_IN_UNICODE_16`]: code points assigned in 16 are
//! unassigned for Go, so every predicate is false and case mappings to or
//! from them are the identity. Case mappings are Go's *simple* per-rune
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

/// Code points assigned in Unicode 16.0 (regex-syntax, Rust `std`) but not
/// in Unicode 15.0 (Go 1.21–1.26), as inclusive ranges.
pub const NEW_IN_UNICODE_16: &[(u32, u32)] = &[
    (0x897, 0x897),
    (0x1B4E, 0x1B4F),
    (0x1B7F, 0x1B7F),
    (0x1C89, 0x1C8A),
    (0x2427, 0x2429),
    (0x2FFC, 0x2FFF),
    (0x31E4, 0x31E5),
    (0x31EF, 0x31EF),
    (0xA7CB, 0xA7CD),
    (0xA7DA, 0xA7DC),
    (0x105C0, 0x105F3),
    (0x10D40, 0x10D65),
    (0x10D69, 0x10D85),
    (0x10D8E, 0x10D8F),
    (0x10EC2, 0x10EC4),
    (0x10EFC, 0x10EFC),
    (0x11380, 0x11389),
    (0x1138B, 0x1138B),
    (0x1138E, 0x1138E),
    (0x11390, 0x113B5),
    (0x113B7, 0x113C0),
    (0x113C2, 0x113C2),
    (0x113C5, 0x113C5),
    (0x113C7, 0x113CA),
    (0x113CC, 0x113D5),
    (0x113D7, 0x113D8),
    (0x113E1, 0x113E2),
    (0x116D0, 0x116E3),
    (0x11BC0, 0x11BE1),
    (0x11BF0, 0x11BF9),
    (0x11F5A, 0x11F5A),
    (0x13460, 0x143FA),
    (0x16100, 0x16139),
    (0x16D40, 0x16D79),
    (0x18CFF, 0x18CFF),
    (0x1CC00, 0x1CCF9),
    (0x1CD00, 0x1CEB3),
    (0x1E5D0, 0x1E5FA),
    (0x1E5FF, 0x1E5FF),
    (0x1F8B2, 0x1F8BB),
    (0x1F8C0, 0x1F8C1),
    (0x1FA89, 0x1FA89),
    (0x1FA8F, 0x1FA8F),
    (0x1FABE, 0x1FABE),
    (0x1FAC6, 0x1FAC6),
    (0x1FADC, 0x1FADC),
    (0x1FADF, 0x1FADF),
    (0x1FAE9, 0x1FAE9),
    (0x1FBCB, 0x1FBEF),
    (0x2EBF0, 0x2EE5D),
];

/// Whether `c` is unassigned in Go's Unicode 15.0 but assigned in 16.0.
pub fn is_new_in_unicode_16(c: char) -> bool {
    let c = c as u32;
    NEW_IN_UNICODE_16
        .binary_search_by(|&(lo, hi)| {
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

fn contains(r: &Ranges, c: char) -> bool {
    if !c.is_ascii() && is_new_in_unicode_16(c) {
        return false;
    }
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
table!(assigned, r"\P{Cn}");

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

/// Whether Go (Unicode 15.0) considers `c` assigned.
pub fn is_assigned(c: char) -> bool {
    contains(assigned(), c)
}

/// Keeps `c` when the mapping involves a code point Go does not know (Rust's
/// `std` case tables may be newer still than regex-syntax's).
fn go_known(c: char, mapped: char) -> char {
    if c == mapped || (is_assigned(c) && is_assigned(mapped)) {
        mapped
    } else {
        c
    }
}

/// Go `unicode.ToUpper` (simple mapping).
pub fn to_upper(c: char) -> char {
    if let Some(u) = single(c.to_uppercase()) {
        return go_known(c, u);
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
        return go_known(c, l);
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
