//! Go `strings` behaviour (and CUE's hand-written additions) where it
//! differs from what Rust's `str` methods do.
//!
//! * Indices are byte offsets; `-1` means "not found", as in Go.
//! * [`trim`], [`trim_left`], [`trim_right`] take a *cutset* (any of the
//!   runes), not a prefix/suffix.
//! * [`split_n`]/[`split_after_n`]: `n == 0` gives no substrings, `n < 0`
//!   all; an empty separator splits into runes.
//! * [`replace`] with an empty `old` inserts at every rune boundary.
//! * [`fields`] and [`trim_space`] use Go's `unicode.IsSpace`.
//! * [`to_upper`]/[`to_lower`] use Go's per-rune simple case mappings
//!   (`ß` stays `ß`), [`to_title`]/[`to_camel`] are CUE's `ToTitle` and
//!   `ToCamel` (first rune after white space title-cased / lower-cased),
//!   [`title`] is Go's deprecated `strings.Title`.
//! * [`repeat`], [`slice_runes`], [`byte_at`], [`byte_slice`] return CUE's
//!   error texts.

use super::unicode;

/// CUE's limit on `strings.Repeat` counts (`adt.MaxRepeatCount`).
pub const MAX_REPEAT_COUNT: i64 = 1_000_000;

/// Go `strings.Index` (byte offset or -1).
pub fn index(s: &str, substr: &str) -> i64 {
    s.find(substr).map_or(-1, |i| i as i64)
}

/// Go `strings.LastIndex` (byte offset or -1; `len(s)` for empty substr).
pub fn last_index(s: &str, substr: &str) -> i64 {
    s.rfind(substr).map_or(-1, |i| i as i64)
}

/// Go `strings.IndexAny`.
pub fn index_any(s: &str, chars: &str) -> i64 {
    s.char_indices()
        .find(|(_, c)| chars.contains(*c))
        .map_or(-1, |(i, _)| i as i64)
}

/// Go `strings.LastIndexAny`.
pub fn last_index_any(s: &str, chars: &str) -> i64 {
    s.char_indices()
        .rev()
        .find(|(_, c)| chars.contains(*c))
        .map_or(-1, |(i, _)| i as i64)
}

/// Go `strings.Count`: non-overlapping count; `1 + runes` for empty substr.
pub fn count(s: &str, substr: &str) -> i64 {
    if substr.is_empty() {
        return s.chars().count() as i64 + 1;
    }
    s.matches(substr).count() as i64
}

/// Go `strings.ContainsAny`.
pub fn contains_any(s: &str, chars: &str) -> bool {
    index_any(s, chars) >= 0
}

fn explode(s: &str, n: i64) -> Vec<String> {
    let l = s.chars().count() as i64;
    let n = if n < 0 || n > l { l } else { n };
    let mut out = Vec::new();
    let mut rest = s;
    for _ in 0..n - 1 {
        let c = rest.chars().next().unwrap();
        out.push(c.to_string());
        rest = &rest[c.len_utf8()..];
    }
    if n > 0 {
        out.push(rest.to_string());
    }
    out
}

fn gen_split(s: &str, sep: &str, sep_save: usize, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if sep.is_empty() {
        return explode(s, n);
    }
    let n = if n < 0 {
        count(s, sep) + 1
    } else {
        n.min(s.len() as i64 + 1)
    };
    let mut out = Vec::new();
    let mut rest = s;
    while (out.len() as i64) < n - 1 {
        let Some(m) = rest.find(sep) else { break };
        out.push(rest[..m + sep_save].to_string());
        rest = &rest[m + sep.len()..];
    }
    out.push(rest.to_string());
    out
}

/// Go `strings.SplitN`.
pub fn split_n(s: &str, sep: &str, n: i64) -> Vec<String> {
    gen_split(s, sep, 0, n)
}

/// Go `strings.Split`.
pub fn split(s: &str, sep: &str) -> Vec<String> {
    gen_split(s, sep, 0, -1)
}

/// Go `strings.SplitAfterN`.
pub fn split_after_n(s: &str, sep: &str, n: i64) -> Vec<String> {
    gen_split(s, sep, sep.len(), n)
}

/// Go `strings.SplitAfter`.
pub fn split_after(s: &str, sep: &str) -> Vec<String> {
    gen_split(s, sep, sep.len(), -1)
}

/// Go `strings.Fields`: split around runs of `unicode.IsSpace`.
pub fn fields(s: &str) -> Vec<String> {
    s.split(unicode::is_space)
        .filter(|f| !f.is_empty())
        .map(str::to_string)
        .collect()
}

/// Go `strings.Trim(s, cutset)`.
pub fn trim<'a>(s: &'a str, cutset: &str) -> &'a str {
    s.trim_matches(|c| cutset.contains(c))
}

/// Go `strings.TrimLeft(s, cutset)`.
pub fn trim_left<'a>(s: &'a str, cutset: &str) -> &'a str {
    s.trim_start_matches(|c| cutset.contains(c))
}

/// Go `strings.TrimRight(s, cutset)`.
pub fn trim_right<'a>(s: &'a str, cutset: &str) -> &'a str {
    s.trim_end_matches(|c| cutset.contains(c))
}

/// Go `strings.TrimSpace`.
pub fn trim_space(s: &str) -> &str {
    s.trim_matches(unicode::is_space)
}

/// Go `strings.TrimPrefix`.
pub fn trim_prefix<'a>(s: &'a str, prefix: &str) -> &'a str {
    s.strip_prefix(prefix).unwrap_or(s)
}

/// Go `strings.TrimSuffix`.
pub fn trim_suffix<'a>(s: &'a str, suffix: &str) -> &'a str {
    s.strip_suffix(suffix).unwrap_or(s)
}

/// Go `strings.Replace(s, old, new, n)`; `n < 0` replaces all. An empty
/// `old` matches at the start and after every rune.
pub fn replace(s: &str, old: &str, new: &str, n: i64) -> String {
    if old == new || n == 0 {
        return s.to_string();
    }
    let m = count(s, old);
    if m == 0 {
        return s.to_string();
    }
    let n = if n < 0 || m < n { m } else { n };
    let mut out = String::with_capacity(s.len());
    let mut start = 0usize;
    for i in 0..n {
        let mut j = start;
        if old.is_empty() {
            if i > 0 {
                j += s[start..].chars().next().map_or(0, char::len_utf8);
            }
        } else {
            j += s[start..].find(old).unwrap();
        }
        out.push_str(&s[start..j]);
        out.push_str(new);
        start = j + old.len();
    }
    out.push_str(&s[start..]);
    out
}

/// CUE `strings.Repeat`: errors for a negative count or one above
/// [`MAX_REPEAT_COUNT`].
pub fn repeat(s: &str, count: i64) -> Result<String, String> {
    if count < 0 {
        return Err("negative count".into());
    }
    if count > MAX_REPEAT_COUNT {
        return Err(format!("count {count} exceeds limit of {MAX_REPEAT_COUNT}"));
    }
    Ok(s.repeat(count as usize))
}

/// Go `strings.ToUpper` (simple per-rune mapping).
pub fn to_upper(s: &str) -> String {
    s.chars().map(unicode::to_upper).collect()
}

/// Go `strings.ToLower` (simple per-rune mapping).
pub fn to_lower(s: &str) -> String {
    s.chars().map(unicode::to_lower).collect()
}

/// CUE `strings.ToTitle`: title-cases each rune that follows white space
/// (or starts the string).
pub fn to_title(s: &str) -> String {
    let mut prev = ' ';
    s.chars()
        .map(|r| {
            let out = if unicode::is_space(prev) {
                unicode::to_title(r)
            } else {
                r
            };
            prev = r;
            out
        })
        .collect()
}

/// CUE `strings.ToCamel`: lower-cases each rune that follows white space
/// (or starts the string).
pub fn to_camel(s: &str) -> String {
    let mut prev = ' ';
    s.chars()
        .map(|r| {
            let out = if unicode::is_space(prev) {
                unicode::to_lower(r)
            } else {
                r
            };
            prev = r;
            out
        })
        .collect()
}

/// Go's word-separator test used by `strings.Title`.
fn is_separator(r: char) -> bool {
    if r.is_ascii() {
        return !(r.is_ascii_alphanumeric() || r == '_');
    }
    if unicode::is_letter(r) || unicode::is_digit(r) {
        return false;
    }
    unicode::is_space(r)
}

/// Go's deprecated `strings.Title`.
pub fn title(s: &str) -> String {
    let mut prev = ' ';
    s.chars()
        .map(|r| {
            let out = if is_separator(prev) {
                unicode::to_title(r)
            } else {
                r
            };
            prev = r;
            out
        })
        .collect()
}

/// CUE `strings.Runes`: code points.
pub fn runes(s: &str) -> Vec<u32> {
    s.chars().map(|c| c as u32).collect()
}

/// CUE `strings.SliceRunes(s, start, end)`.
pub fn slice_runes(s: &str, start: i64, end: i64) -> Result<String, String> {
    let rs: Vec<char> = s.chars().collect();
    if start < 0 || start > end || end > rs.len() as i64 {
        return Err("index out of range".into());
    }
    Ok(rs[start as usize..end as usize].iter().collect())
}

/// CUE `strings.ByteAt(b, i)`.
pub fn byte_at(b: &[u8], i: i64) -> Result<u8, String> {
    if i < 0 || i >= b.len() as i64 {
        return Err("index out of range".into());
    }
    Ok(b[i as usize])
}

/// CUE `strings.ByteSlice(b, start, end)`.
pub fn byte_slice(b: &[u8], start: i64, end: i64) -> Result<Vec<u8>, String> {
    if start < 0 || start > end || end > b.len() as i64 {
        return Err("index out of range".into());
    }
    Ok(b[start as usize..end as usize].to_vec())
}

/// CUE `strings.MinRunes`.
pub fn min_runes(s: &str, min: i64) -> bool {
    s.chars().count() as i64 >= min
}

/// CUE `strings.MaxRunes`.
pub fn max_runes(s: &str, max: i64) -> bool {
    s.chars().count() as i64 <= max
}
