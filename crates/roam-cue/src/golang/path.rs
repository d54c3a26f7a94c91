//! CUE's `path` package: Go's `path/filepath` semantics for a chosen OS
//! flavour ([`Os::Unix`], [`Os::Windows`], [`Os::Plan9`]) regardless of the
//! host. CUE accepts every Go `GOOS` name; all but `windows` and `plan9`
//! behave like `unix` ([`Os::from_name`]).
//!
//! Functions: [`clean`], [`join`], [`split`], [`split_list`], [`base`],
//! [`dir`], [`ext`], [`is_abs`], [`volume_name`], [`to_slash`],
//! [`from_slash`], [`resolve`], [`rel`], [`glob_match`] (Go's
//! `filepath.Match`, with CUE's rejection of `**`). With [`Os::Unix`] these
//! are exactly Go's `path` package functions too.

use std::fmt;

/// The operating-system flavour of path syntax.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Os {
    #[default]
    Unix,
    Windows,
    Plan9,
}

/// The `GOOS` names CUE's `path` package accepts, in its order.
pub const OS_NAMES: &[&str] = &[
    "unix",
    "windows",
    "plan9",
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "solaris",
    "zos",
];

impl Os {
    /// Maps a CUE `path.OS` value to its flavour; `None` for names CUE
    /// rejects.
    pub fn from_name(name: &str) -> Option<Os> {
        match name {
            "windows" => Some(Os::Windows),
            "plan9" => Some(Os::Plan9),
            n if OS_NAMES.contains(&n) => Some(Os::Unix),
            _ => None,
        }
    }

    /// The path separator.
    pub fn separator(self) -> u8 {
        match self {
            Os::Windows => b'\\',
            _ => b'/',
        }
    }

    /// The list separator used by [`split_list`].
    pub fn list_separator(self) -> u8 {
        match self {
            Os::Unix => b':',
            Os::Windows => b';',
            Os::Plan9 => 0,
        }
    }

    fn is_sep(self, b: u8) -> bool {
        match self {
            Os::Windows => b == b'\\' || b == b'/',
            _ => b == b'/',
        }
    }

    fn volume_name_len(self, path: &str) -> usize {
        if self != Os::Windows {
            return 0;
        }
        let p = path.as_bytes();
        if p.len() < 2 {
            return 0;
        }
        if p[1] == b':' && p[0].is_ascii_alphabetic() {
            return 2;
        }
        let l = p.len();
        let slash = |b: u8| b == b'\\' || b == b'/';
        if l >= 5 && slash(p[0]) && slash(p[1]) && !slash(p[2]) && p[2] != b'.' {
            let mut n = 3;
            while n < l - 1 {
                if slash(p[n]) {
                    n += 1;
                    if !slash(p[n]) {
                        if p[n] == b'.' {
                            break;
                        }
                        while n < l && !slash(p[n]) {
                            n += 1;
                        }
                        return n;
                    }
                    break;
                }
                n += 1;
            }
        }
        0
    }

    fn same_word(self, a: &str, b: &str) -> bool {
        match self {
            Os::Windows => go_equal_fold(a, b),
            _ => a == b,
        }
    }
}

/// Go `strings.EqualFold` (simple case folding).
fn go_equal_fold(a: &str, b: &str) -> bool {
    let mut x = a.chars();
    let mut y = b.chars();
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(c), Some(d)) => {
                if c == d {
                    continue;
                }
                let fc = fold_set(c);
                if !fc.contains(&d) {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

fn fold_set(c: char) -> Vec<char> {
    use super::unicode::{to_lower, to_title, to_upper};
    let mut v = vec![c, to_lower(c), to_upper(c), to_title(c)];
    // Close over one more step (e.g. K ↔ k ↔ KELVIN SIGN).
    for d in v.clone() {
        v.push(to_lower(d));
        v.push(to_upper(d));
    }
    match c {
        'k' | 'K' => v.push('\u{212A}'),
        '\u{212A}' => v.extend(['k', 'K']),
        's' | 'S' => v.push('\u{17F}'),
        '\u{17F}' => v.extend(['s', 'S']),
        _ => {}
    }
    v
}

fn is_reserved_name(path: &str) -> bool {
    const RESERVED: &[&str] = &[
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
        "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    ];
    !path.is_empty() && RESERVED.iter().any(|r| go_equal_fold(path, r))
}

fn is_unc(path: &str) -> bool {
    Os::Windows.volume_name_len(path) > 2
}

/// `filepath.Clean`: the shortest equivalent path by lexical processing.
pub fn clean(path: &str, os: Os) -> String {
    let original = path;
    let vol_len = os.volume_name_len(path);
    let p = &path.as_bytes()[vol_len..];
    if p.is_empty() {
        if vol_len > 1 && original.as_bytes()[1] != b':' {
            return from_slash(original, os);
        }
        return format!("{original}.");
    }
    let sep = os.separator();
    let rooted = os.is_sep(p[0]);
    let n = p.len();
    let mut out: Vec<u8> = Vec::with_capacity(n);
    let (mut r, mut dotdot) = (0usize, 0usize);
    if rooted {
        out.push(sep);
        r = 1;
        dotdot = 1;
    }
    while r < n {
        if os.is_sep(p[r]) || (p[r] == b'.' && (r + 1 == n || os.is_sep(p[r + 1]))) {
            // Empty element or `.`.
            r += 1;
        } else if p[r] == b'.' && p[r + 1] == b'.' && (r + 2 == n || os.is_sep(p[r + 2])) {
            r += 2;
            if out.len() > dotdot {
                // Back up to the previous separator (exclusive).
                let mut w = out.len() - 1;
                while w > dotdot && !os.is_sep(out[w]) {
                    w -= 1;
                }
                out.truncate(w);
            } else if !rooted {
                if !out.is_empty() {
                    out.push(sep);
                }
                out.extend_from_slice(b"..");
                dotdot = out.len();
            }
        } else {
            if (rooted && out.len() != 1) || (!rooted && !out.is_empty()) {
                out.push(sep);
            }
            while r < n && !os.is_sep(p[r]) {
                out.push(p[r]);
                r += 1;
            }
        }
    }
    if out.is_empty() {
        out.push(b'.');
    }
    let s = format!(
        "{}{}",
        &original[..vol_len],
        String::from_utf8(out).expect("only ASCII separators are removed")
    );
    from_slash(&s, os)
}

/// `filepath.ToSlash`.
pub fn to_slash(path: &str, os: Os) -> String {
    if os.separator() == b'/' {
        return path.to_string();
    }
    path.replace('\\', "/")
}

/// `filepath.FromSlash`.
pub fn from_slash(path: &str, os: Os) -> String {
    if os.separator() == b'/' {
        return path.to_string();
    }
    path.replace('/', "\\")
}

/// `filepath.SplitList` (Windows honours and strips double quotes).
pub fn split_list(path: &str, os: Os) -> Vec<String> {
    if path.is_empty() {
        return Vec::new();
    }
    let ls = os.list_separator() as char;
    if os != Os::Windows {
        return path.split(ls).map(str::to_string).collect();
    }
    let mut list = Vec::new();
    let mut start = 0;
    let mut quo = false;
    for (i, c) in path.char_indices() {
        if c == '"' {
            quo = !quo;
        } else if c == ls && !quo {
            list.push(&path[start..i]);
            start = i + 1;
        }
    }
    list.push(&path[start..]);
    list.into_iter().map(|s| s.replace('"', "")).collect()
}

/// `filepath.Split`: `[dir, file]` with `dir` keeping its trailing
/// separator.
pub fn split(path: &str, os: Os) -> [String; 2] {
    let vol = os.volume_name_len(path);
    let b = path.as_bytes();
    let mut i = b.len();
    while i > vol && !os.is_sep(b[i - 1]) {
        i -= 1;
    }
    [path[..i].to_string(), path[i..].to_string()]
}

/// `filepath.Join`: joins non-empty elements and cleans; `""` if all are
/// empty.
pub fn join<S: AsRef<str>>(elems: &[S], os: Os) -> String {
    let Some(first) = elems.iter().position(|e| !e.as_ref().is_empty()) else {
        return String::new();
    };
    let elems: Vec<&str> = elems[first..].iter().map(AsRef::as_ref).collect();
    let sep = (os.separator() as char).to_string();
    if os != Os::Windows {
        return clean(&elems.join(&sep), os);
    }
    let e0 = elems[0];
    if e0.len() == 2 && e0.as_bytes()[1] == b':' {
        let i = elems[1..]
            .iter()
            .position(|e| !e.is_empty())
            .map_or(elems.len(), |i| i + 1);
        return clean(&format!("{e0}{}", elems[i..].join(&sep)), os);
    }
    let p = clean(&elems.join(&sep), os);
    if !is_unc(&p) {
        return p;
    }
    let head = clean(e0, os);
    if is_unc(&head) {
        return p;
    }
    let tail = clean(&elems[1..].join(&sep), os);
    if head.ends_with('\\') {
        format!("{head}{tail}")
    } else {
        format!("{head}\\{tail}")
    }
}

/// `filepath.Ext`: the suffix from the final `.` of the last element.
pub fn ext(path: &str, os: Os) -> String {
    let b = path.as_bytes();
    for i in (0..b.len()).rev() {
        if os.is_sep(b[i]) {
            break;
        }
        if b[i] == b'.' {
            return path[i..].to_string();
        }
    }
    String::new()
}

/// CUE `path.Resolve(dir, sub)`: `sub` if absolute, else `dir` joined with
/// `sub`, cleaned.
pub fn resolve(dir: &str, sub: &str, os: Os) -> String {
    if is_abs(sub, os) {
        return clean(sub, os);
    }
    let dir = clean(dir, os);
    join(&[dir.as_str(), sub], os)
}

/// `filepath.Rel(basepath, targpath)`; the error text is Go's.
pub fn rel(basepath: &str, targpath: &str, os: Os) -> Result<String, String> {
    let base_vol = &basepath[..os.volume_name_len(basepath)];
    let targ_vol = &targpath[..os.volume_name_len(targpath)];
    let base_c = clean(basepath, os);
    let targ_c = clean(targpath, os);
    if os.same_word(&targ_c, &base_c) {
        return Ok(".".into());
    }
    let mut base = &base_c[base_vol.len()..];
    let targ = &targ_c[targ_vol.len()..];
    if base == "." {
        base = "";
    }
    let sep = os.separator();
    let fail = || format!("Rel: can't make {targpath} relative to {basepath}");
    let base_slashed = base.as_bytes().first() == Some(&sep);
    let targ_slashed = targ.as_bytes().first() == Some(&sep);
    if base_slashed != targ_slashed || !os.same_word(base_vol, targ_vol) {
        return Err(fail());
    }
    let (bb, tb) = (base.as_bytes(), targ.as_bytes());
    let (bl, tl) = (bb.len(), tb.len());
    let (mut b0, mut bi, mut t0, mut ti) = (0, 0, 0, 0);
    loop {
        while bi < bl && bb[bi] != sep {
            bi += 1;
        }
        while ti < tl && tb[ti] != sep {
            ti += 1;
        }
        if !os.same_word(&targ[t0..ti], &base[b0..bi]) {
            break;
        }
        if bi < bl {
            bi += 1;
        }
        if ti < tl {
            ti += 1;
        }
        b0 = bi;
        t0 = ti;
    }
    if &base[b0..bi] == ".." {
        return Err(fail());
    }
    let sep_s = (sep as char).to_string();
    if b0 != bl {
        let seps = base[b0..bl].matches(&sep_s).count();
        let mut out = String::from("..");
        for _ in 0..seps {
            out.push_str(&sep_s);
            out.push_str("..");
        }
        if t0 != tl {
            out.push_str(&sep_s);
            out.push_str(&targ[t0..]);
        }
        return Ok(out);
    }
    Ok(targ[t0..].to_string())
}

/// `filepath.Base`: the last element; `.` for `""`, the separator for a
/// path of separators.
pub fn base(path: &str, os: Os) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let mut p = path;
    while !p.is_empty() && os.is_sep(p.as_bytes()[p.len() - 1]) {
        p = &p[..p.len() - 1];
    }
    p = &p[os.volume_name_len(p)..];
    if let Some(i) = p.bytes().rposition(|b| os.is_sep(b)) {
        p = &p[i + 1..];
    }
    if p.is_empty() {
        return (os.separator() as char).to_string();
    }
    p.to_string()
}

/// `filepath.Dir`: all but the last element, cleaned.
pub fn dir(path: &str, os: Os) -> String {
    let vol_len = os.volume_name_len(path);
    let vol = &path[..vol_len];
    let b = path.as_bytes();
    let mut i = b.len();
    while i > vol_len && !os.is_sep(b[i - 1]) {
        i -= 1;
    }
    let d = clean(&path[vol_len..i], os);
    if d == "." && vol_len > 2 {
        return vol.to_string();
    }
    format!("{vol}{d}")
}

/// `filepath.IsAbs`.
pub fn is_abs(path: &str, os: Os) -> bool {
    match os {
        Os::Unix => path.starts_with('/'),
        Os::Plan9 => path.starts_with('/') || path.starts_with('#'),
        Os::Windows => {
            if is_reserved_name(path) {
                return true;
            }
            let l = os.volume_name_len(path);
            if l == 0 {
                return false;
            }
            path.as_bytes().get(l).is_some_and(|&b| os.is_sep(b))
        }
    }
}

/// `filepath.VolumeName` (always `""` except on Windows).
pub fn volume_name(path: &str, os: Os) -> String {
    path[..os.volume_name_len(path)].to_string()
}

/// An error from [`glob_match`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchError {
    /// Go's `filepath.ErrBadPattern`.
    BadPattern,
    /// CUE rejects `**`.
    StarStar,
}

impl fmt::Display for MatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MatchError::BadPattern => f.write_str("syntax error in pattern"),
            MatchError::StarStar => f.write_str("'**' is not supported in patterns as of yet"),
        }
    }
}

impl std::error::Error for MatchError {}

/// `filepath.Match(pattern, name)` as CUE's `path.Match`: `*`, `?`,
/// `[...]` classes, `\` escapes (not on Windows). `*` does not cross
/// the OS separator.
pub fn glob_match(pattern: &str, name: &str, os: Os) -> Result<bool, MatchError> {
    let sep = os.separator();
    let mut pattern = pattern;
    let mut name = name;
    'pattern: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern, os)?;
        pattern = rest;
        if star && chunk.is_empty() {
            return Ok(!name.as_bytes().contains(&sep));
        }
        let (t, ok, err) = match_chunk(chunk, name, os);
        if ok && (t.is_empty() || !pattern.is_empty()) {
            name = t;
            continue;
        }
        if let Some(e) = err {
            return Err(e);
        }
        if star {
            let nb = name.as_bytes();
            let mut i = 0;
            while i < nb.len() && nb[i] != sep {
                // Go slices at byte offsets; only char boundaries can match.
                if name.is_char_boundary(i + 1) {
                    let (t, ok, err) = match_chunk(chunk, &name[i + 1..], os);
                    if ok {
                        if pattern.is_empty() && !t.is_empty() {
                            i += 1;
                            continue;
                        }
                        name = t;
                        continue 'pattern;
                    }
                    if let Some(e) = err {
                        return Err(e);
                    }
                }
                i += 1;
            }
        }
        while !pattern.is_empty() {
            let (_, _, rest) = scan_chunk(pattern, os)?;
            pattern = rest;
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

fn scan_chunk(pattern: &str, os: Os) -> Result<(bool, &str, &str), MatchError> {
    let mut p = pattern;
    let mut star = false;
    if p.starts_with('*') {
        p = &p[1..];
        star = true;
        if p.starts_with('*') {
            return Err(MatchError::StarStar);
        }
    }
    let b = p.as_bytes();
    let mut inrange = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if os != Os::Windows && i + 1 < b.len() => i += 1,
            b'[' => inrange = true,
            b']' => inrange = false,
            b'*' if !inrange => break,
            _ => {}
        }
        i += 1;
    }
    // `i` may sit inside a multi-byte char only after a `\`; advance.
    while !p.is_char_boundary(i) {
        i += 1;
    }
    Ok((star, &p[..i], &p[i..]))
}

/// Go's `matchChunk`: `(rest, ok, err)`.
fn match_chunk<'a>(chunk: &str, s: &'a str, os: Os) -> (&'a str, bool, Option<MatchError>) {
    let mut chunk = chunk;
    let mut s = s;
    let mut failed = false;
    while !chunk.is_empty() {
        if !failed && s.is_empty() {
            failed = true;
        }
        let c0 = chunk.as_bytes()[0];
        match c0 {
            b'[' => {
                let mut r = '\u{FFFD}';
                let mut have_r = false;
                if !failed {
                    let c = s.chars().next().unwrap();
                    r = c;
                    have_r = true;
                    s = &s[c.len_utf8()..];
                }
                chunk = &chunk[1..];
                let mut negated = false;
                if chunk.starts_with('^') {
                    negated = true;
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut nrange = 0;
                loop {
                    if chunk.starts_with(']') && nrange > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = match get_esc(chunk, os) {
                        Ok(v) => v,
                        Err(e) => return ("", false, Some(e)),
                    };
                    chunk = rest;
                    let mut hi = lo;
                    if chunk.starts_with('-') {
                        match get_esc(&chunk[1..], os) {
                            Ok((h, rest)) => {
                                hi = h;
                                chunk = rest;
                            }
                            Err(e) => return ("", false, Some(e)),
                        }
                    }
                    // Go compares with r == 0 when failed; that never
                    // changes the outcome (failed stays true).
                    let rr = if have_r { r } else { '\0' };
                    if lo <= rr && rr <= hi {
                        matched = true;
                    }
                    nrange += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            b'?' => {
                if !failed {
                    if s.as_bytes()[0] == os.separator() {
                        failed = true;
                    }
                    let c = s.chars().next().unwrap();
                    s = &s[c.len_utf8()..];
                }
                chunk = &chunk[1..];
            }
            _ => {
                if c0 == b'\\' && os != Os::Windows {
                    chunk = &chunk[1..];
                    if chunk.is_empty() {
                        return ("", false, Some(MatchError::BadPattern));
                    }
                }
                // Byte comparison, as Go does; advance whole chars when they
                // agree so that slices stay on char boundaries.
                let c = chunk.chars().next().unwrap();
                if !failed {
                    if s.starts_with(c) {
                        s = &s[c.len_utf8()..];
                    } else {
                        failed = true;
                    }
                }
                chunk = &chunk[c.len_utf8()..];
            }
        }
    }
    if failed {
        return ("", false, None);
    }
    (s, true, None)
}

fn get_esc(chunk: &str, os: Os) -> Result<(char, &str), MatchError> {
    let mut chunk = chunk;
    if chunk.is_empty() || chunk.starts_with('-') || chunk.starts_with(']') {
        return Err(MatchError::BadPattern);
    }
    if chunk.starts_with('\\') && os != Os::Windows {
        chunk = &chunk[1..];
        if chunk.is_empty() {
            return Err(MatchError::BadPattern);
        }
    }
    let c = chunk.chars().next().unwrap();
    let rest = &chunk[c.len_utf8()..];
    if rest.is_empty() {
        return Err(MatchError::BadPattern);
    }
    Ok((c, rest))
}
