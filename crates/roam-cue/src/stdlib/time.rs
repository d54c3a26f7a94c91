//! Package `time`: Go's layout-based `time.Parse`/`Time.Format` (with its
//! error messages), durations, and Unix conversions. Times are parsed in
//! UTC (upstream parses in UTC, or in the local zone, which for `cue`
//! runs is normally UTC); results are RFC 3339 strings.

use super::util::{self, int, string};
use super::{CallError, CallResult, Package, Val};

const RFC3339_NANO: &str = "2006-01-02T15:04:05.999999999Z07:00";

/// A point in time: seconds since the Unix epoch (UTC), nanoseconds, and
/// the zone it is shown in (offset in seconds east of UTC and name).
#[derive(Clone, Debug)]
struct Time {
    sec: i64,
    nsec: i64,
    offset: i64,
    zone: String,
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in(m: i64, y: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

const DAYS_BEFORE: [i64; 13] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

const LONG_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const LONG_DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Fields of a time in its zone.
struct Civil {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    min: i64,
    sec: i64,
    wday: usize,
    yday: i64,
}

impl Time {
    /// `time.Date` in a zone with the given offset: normalizes overflowing
    /// fields as Go does.
    fn date(civil: (i64, i64, i64, i64, i64, i64, i64), offset: i64, zone: &str) -> Time {
        let (y, mo, d, h, mi, s, ns) = civil;
        // Normalize month into the year.
        let m0 = mo - 1;
        let y = y + m0.div_euclid(12);
        let mo = m0.rem_euclid(12) + 1;
        let mut sec = s + ns.div_euclid(1_000_000_000);
        let nsec = ns.rem_euclid(1_000_000_000);
        let days = days_from_civil(y, mo, 1) + d - 1;
        sec = days
            .saturating_mul(86400)
            .saturating_add(h * 3600 + mi * 60 + sec);
        Time {
            sec: sec - offset,
            nsec,
            offset,
            zone: zone.to_string(),
        }
    }

    fn civil(&self) -> Civil {
        let local = self.sec.saturating_add(self.offset);
        let days = local.div_euclid(86400);
        let secs = local.rem_euclid(86400);
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: secs / 3600,
            min: secs / 60 % 60,
            sec: secs % 60,
            wday: (days + 4).rem_euclid(7) as usize,
            yday: days - days_from_civil(year, 1, 1) + 1,
        }
    }

    fn utc(&self) -> Time {
        Time {
            offset: 0,
            zone: "UTC".into(),
            ..self.clone()
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Std {
    None,
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    TZ,
    Iso8601TZ,
    Iso8601SecondsTZ,
    Iso8601ShortTZ,
    Iso8601ColonTZ,
    Iso8601ColonSecondsTZ,
    NumTZ,
    NumSecondsTz,
    NumShortTZ,
    NumColonTZ,
    NumColonSecondsTZ,
    /// Fractional seconds: `trim` (9s) or fixed (0s), digits, separator.
    Frac(bool, usize, u8),
}

fn starts_lower(s: &[u8]) -> bool {
    s.first().is_some_and(u8::is_ascii_lowercase)
}

/// Go's `nextStdChunk`: (prefix length, std, suffix start).
fn next_std_chunk(layout: &str) -> (usize, Std, usize) {
    let l = layout.as_bytes();
    let at = |i: usize, s: &str| l.len() >= i + s.len() && &l[i..i + s.len()] == s.as_bytes();
    for i in 0..l.len() {
        match l[i] {
            b'J' if at(i, "Jan") => {
                if at(i, "January") {
                    return (i, Std::LongMonth, i + 7);
                }
                if !starts_lower(&l[i + 3..]) {
                    return (i, Std::Month, i + 3);
                }
            }
            b'M' if l.len() >= i + 3 => {
                if at(i, "Mon") {
                    if at(i, "Monday") {
                        return (i, Std::LongWeekDay, i + 6);
                    }
                    if !starts_lower(&l[i + 3..]) {
                        return (i, Std::WeekDay, i + 3);
                    }
                }
                if at(i, "MST") {
                    return (i, Std::TZ, i + 3);
                }
            }
            b'0' => {
                if l.len() >= i + 2 && (b'1'..=b'6').contains(&l[i + 1]) {
                    let std = [
                        Std::ZeroMonth,
                        Std::ZeroDay,
                        Std::ZeroHour12,
                        Std::ZeroMinute,
                        Std::ZeroSecond,
                        Std::Year,
                    ][(l[i + 1] - b'1') as usize];
                    return (i, std, i + 2);
                }
                if at(i, "002") {
                    return (i, Std::ZeroYearDay, i + 3);
                }
            }
            b'1' => {
                if l.len() >= i + 2 && l[i + 1] == b'5' {
                    return (i, Std::Hour, i + 2);
                }
                return (i, Std::NumMonth, i + 1);
            }
            b'2' => {
                if at(i, "2006") {
                    return (i, Std::LongYear, i + 4);
                }
                return (i, Std::Day, i + 1);
            }
            b'_' => {
                if l.len() >= i + 2 && l[i + 1] == b'2' {
                    if at(i + 1, "2006") {
                        return (i + 1, Std::LongYear, i + 5);
                    }
                    return (i, Std::UnderDay, i + 2);
                }
                if at(i, "__2") {
                    return (i, Std::UnderYearDay, i + 3);
                }
            }
            b'3' => return (i, Std::Hour12, i + 1),
            b'4' => return (i, Std::Minute, i + 1),
            b'5' => return (i, Std::Second, i + 1),
            b'P' if l.len() >= i + 2 && l[i + 1] == b'M' => return (i, Std::PM, i + 2),
            b'p' if l.len() >= i + 2 && l[i + 1] == b'm' => return (i, Std::Pm, i + 2),
            b'-' => {
                for (s, std) in [
                    ("-070000", Std::NumSecondsTz),
                    ("-07:00:00", Std::NumColonSecondsTZ),
                    ("-0700", Std::NumTZ),
                    ("-07:00", Std::NumColonTZ),
                    ("-07", Std::NumShortTZ),
                ] {
                    if at(i, s) {
                        return (i, std, i + s.len());
                    }
                }
            }
            b'Z' => {
                for (s, std) in [
                    ("Z070000", Std::Iso8601SecondsTZ),
                    ("Z07:00:00", Std::Iso8601ColonSecondsTZ),
                    ("Z0700", Std::Iso8601TZ),
                    ("Z07:00", Std::Iso8601ColonTZ),
                    ("Z07", Std::Iso8601ShortTZ),
                ] {
                    if at(i, s) {
                        return (i, std, i + s.len());
                    }
                }
            }
            c @ (b'.' | b',') if i + 1 < l.len() && (l[i + 1] == b'0' || l[i + 1] == b'9') => {
                let ch = l[i + 1];
                let mut j = i + 1;
                while j < l.len() && l[j] == ch {
                    j += 1;
                }
                if !(j < l.len() && l[j].is_ascii_digit()) {
                    return (i, Std::Frac(ch == b'9', j - (i + 1), c), j);
                }
            }
            _ => {}
        }
    }
    (l.len(), Std::None, l.len())
}

fn pad(out: &mut String, v: i64, width: usize) {
    if v < 0 {
        out.push('-');
        out.push_str(&format!("{:0width$}", -(v as i128)));
    } else {
        out.push_str(&format!("{v:0width$}"));
    }
}

fn format(t: &Time, layout: &str) -> String {
    let c = t.civil();
    let mut out = String::new();
    let mut layout = layout;
    loop {
        let (p, std, s) = next_std_chunk(layout);
        out.push_str(&layout[..p]);
        if std == Std::None {
            break;
        }
        layout = &layout[s..];
        match std {
            Std::Year => pad(&mut out, c.year.rem_euclid(100), 2),
            Std::LongYear => pad(&mut out, c.year, 4),
            Std::Month => out.push_str(&LONG_MONTHS[(c.month - 1) as usize][..3]),
            Std::LongMonth => out.push_str(LONG_MONTHS[(c.month - 1) as usize]),
            Std::NumMonth => pad(&mut out, c.month, 0),
            Std::ZeroMonth => pad(&mut out, c.month, 2),
            Std::WeekDay => out.push_str(&LONG_DAYS[c.wday][..3]),
            Std::LongWeekDay => out.push_str(LONG_DAYS[c.wday]),
            Std::Day => pad(&mut out, c.day, 0),
            Std::UnderDay => {
                if c.day < 10 {
                    out.push(' ');
                }
                pad(&mut out, c.day, 0);
            }
            Std::ZeroDay => pad(&mut out, c.day, 2),
            Std::UnderYearDay => {
                if c.yday < 100 {
                    out.push(' ');
                    if c.yday < 10 {
                        out.push(' ');
                    }
                }
                pad(&mut out, c.yday, 0);
            }
            Std::ZeroYearDay => pad(&mut out, c.yday, 3),
            Std::Hour => pad(&mut out, c.hour, 2),
            Std::Hour12 | Std::ZeroHour12 => {
                let h = match c.hour % 12 {
                    0 => 12,
                    h => h,
                };
                pad(&mut out, h, if std == Std::Hour12 { 0 } else { 2 });
            }
            Std::Minute => pad(&mut out, c.min, 0),
            Std::ZeroMinute => pad(&mut out, c.min, 2),
            Std::Second => pad(&mut out, c.sec, 0),
            Std::ZeroSecond => pad(&mut out, c.sec, 2),
            Std::PM => out.push_str(if c.hour >= 12 { "PM" } else { "AM" }),
            Std::Pm => out.push_str(if c.hour >= 12 { "pm" } else { "am" }),
            Std::Iso8601TZ
            | Std::Iso8601ColonTZ
            | Std::Iso8601SecondsTZ
            | Std::Iso8601ShortTZ
            | Std::Iso8601ColonSecondsTZ
            | Std::NumTZ
            | Std::NumColonTZ
            | Std::NumSecondsTz
            | Std::NumShortTZ
            | Std::NumColonSecondsTZ => {
                let iso = matches!(
                    std,
                    Std::Iso8601TZ
                        | Std::Iso8601ColonTZ
                        | Std::Iso8601SecondsTZ
                        | Std::Iso8601ShortTZ
                        | Std::Iso8601ColonSecondsTZ
                );
                if t.offset == 0 && iso {
                    out.push('Z');
                    continue;
                }
                let mut zone = t.offset / 60;
                let mut abs = t.offset;
                if zone < 0 {
                    out.push('-');
                    zone = -zone;
                    abs = -abs;
                } else {
                    out.push('+');
                }
                pad(&mut out, zone / 60, 2);
                let colon = matches!(
                    std,
                    Std::Iso8601ColonTZ
                        | Std::NumColonTZ
                        | Std::Iso8601ColonSecondsTZ
                        | Std::NumColonSecondsTZ
                );
                if colon {
                    out.push(':');
                }
                if std != Std::NumShortTZ && std != Std::Iso8601ShortTZ {
                    pad(&mut out, zone % 60, 2);
                }
                if matches!(
                    std,
                    Std::Iso8601SecondsTZ
                        | Std::NumSecondsTz
                        | Std::NumColonSecondsTZ
                        | Std::Iso8601ColonSecondsTZ
                ) {
                    if matches!(std, Std::NumColonSecondsTZ | Std::Iso8601ColonSecondsTZ) {
                        out.push(':');
                    }
                    pad(&mut out, abs % 60, 2);
                }
            }
            Std::TZ => {
                if !t.zone.is_empty() {
                    out.push_str(&t.zone);
                    continue;
                }
                let mut zone = t.offset / 60;
                if zone < 0 {
                    out.push('-');
                    zone = -zone;
                } else {
                    out.push('+');
                }
                pad(&mut out, zone / 60, 2);
                pad(&mut out, zone % 60, 2);
            }
            Std::Frac(trim, n, sep) => {
                if trim && (n == 0 || t.nsec == 0) {
                    continue;
                }
                let mut f = format!("{:09}", t.nsec);
                f.truncate(n.min(9));
                if trim {
                    while f.ends_with('0') {
                        f.pop();
                    }
                    if f.is_empty() {
                        continue;
                    }
                }
                out.push(sep as char);
                out.push_str(&f);
            }
            Std::None => {}
        }
    }
    out
}

/// Go's `time` package quoting (non-ASCII and control bytes as `\x..`).
fn tquote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if (c as u32) >= 0x80 || c < ' ' {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

fn is_digit(s: &[u8], i: usize) -> bool {
    s.get(i).is_some_and(u8::is_ascii_digit)
}

fn getnum(s: &[u8], fixed: bool) -> Option<(i64, &[u8])> {
    if !is_digit(s, 0) {
        return None;
    }
    if !is_digit(s, 1) {
        if fixed {
            return None;
        }
        return Some((i64::from(s[0] - b'0'), &s[1..]));
    }
    Some((
        i64::from(s[0] - b'0') * 10 + i64::from(s[1] - b'0'),
        &s[2..],
    ))
}

fn getnum3(s: &[u8], fixed: bool) -> Option<(i64, &[u8])> {
    let mut n = 0i64;
    let mut i = 0;
    while i < 3 && is_digit(s, i) {
        n = n * 10 + i64::from(s[i] - b'0');
        i += 1;
    }
    if i == 0 || (fixed && i != 3) {
        return None;
    }
    Some((n, &s[i..]))
}

fn lookup<'a>(tab: &[&str], val: &'a [u8]) -> Option<(usize, &'a [u8])> {
    for (i, v) in tab.iter().enumerate() {
        if val.len() >= v.len() && val[..v.len()].eq_ignore_ascii_case(v.as_bytes()) {
            return Some((i, &val[v.len()..]));
        }
    }
    None
}

fn cutspace(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&c| c == b' ').count();
    &s[n..]
}

fn skip<'a>(mut value: &'a [u8], prefix: &str) -> Result<&'a [u8], &'a [u8]> {
    let mut prefix = prefix.as_bytes();
    while !prefix.is_empty() {
        if prefix[0] == b' ' {
            if !value.is_empty() && value[0] != b' ' {
                return Err(value);
            }
            prefix = cutspace(prefix);
            value = cutspace(value);
            continue;
        }
        if value.is_empty() || value[0] != prefix[0] {
            return Err(value);
        }
        prefix = &prefix[1..];
        value = &value[1..];
    }
    Ok(value)
}

fn parse_nanos(value: &[u8], nbytes: usize) -> Option<i64> {
    if !matches!(value.first(), Some(b'.' | b',')) {
        return None;
    }
    let nbytes = nbytes.min(10);
    let digits = &value[1..nbytes];
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut ns: i64 = std::str::from_utf8(digits).ok()?.parse().unwrap_or(0);
    for _ in 0..(10 - nbytes) {
        ns *= 10;
    }
    Some(ns)
}

fn leading_int(s: &[u8]) -> (Option<u64>, usize) {
    let mut x: u64 = 0;
    let mut i = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        if x > (1u64 << 63) / 10 {
            return (None, i);
        }
        x = x * 10 + u64::from(s[i] - b'0');
        if x > 1 << 63 {
            return (None, i);
        }
        i += 1;
    }
    (Some(x), i)
}

fn parse_signed_offset(v: &[u8]) -> usize {
    if !matches!(v.first(), Some(b'+' | b'-')) {
        return 0;
    }
    let (x, n) = leading_int(&v[1..]);
    match x {
        Some(x) if n > 0 && x <= 23 => 1 + n,
        _ => 0,
    }
}

fn parse_time_zone(v: &[u8]) -> Option<usize> {
    if v.len() < 3 {
        return None;
    }
    if v.len() >= 4 && (&v[..4] == b"ChST" || &v[..4] == b"MeST") {
        return Some(4);
    }
    if &v[..3] == b"GMT" {
        let rest = &v[3..];
        if rest.is_empty() {
            return Some(3);
        }
        return Some(3 + parse_signed_offset(rest));
    }
    if v[0] == b'+' || v[0] == b'-' {
        let n = parse_signed_offset(v);
        return (n > 0).then_some(n);
    }
    let n = v
        .iter()
        .take(6)
        .take_while(|c| c.is_ascii_uppercase())
        .count();
    match n {
        5 if v[4] == b'T' => Some(5),
        4 if v[3] == b'T' || &v[..4] == b"WITA" => Some(4),
        3 => Some(3),
        _ => None,
    }
}

/// Go's `time.Parse` with UTC as default and local zone.
fn parse(layout: &str, value: &str) -> Result<Time, String> {
    let (alayout, avalue) = (layout, value);
    let err_elem = |lelem: &str, velem: &[u8]| {
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            tquote(avalue),
            tquote(alayout),
            tquote(&String::from_utf8_lossy(velem)),
            tquote(lelem)
        )
    };
    let err_msg = |m: &str| format!("parsing time {}{m}", tquote(avalue));
    let mut layout = layout;
    let mut value = value.as_bytes();
    let (mut year, mut month, mut day, mut yday) = (0i64, -1i64, -1i64, -1i64);
    let (mut hour, mut min, mut sec, mut nsec) = (0i64, 0i64, 0i64, 0i64);
    let mut utc_zone = false;
    let mut zone_offset: Option<i64> = None;
    let mut zone_name = String::new();
    let (mut am, mut pm) = (false, false);
    loop {
        let (p, std, s) = next_std_chunk(layout);
        let stdstr = &layout[p..s];
        value = match skip(value, &layout[..p]) {
            Ok(v) => v,
            Err(v) => return Err(err_elem(&layout[..p], v)),
        };
        if std == Std::None {
            if !value.is_empty() {
                return Err(err_msg(&format!(
                    ": extra text: {}",
                    tquote(&String::from_utf8_lossy(value))
                )));
            }
            break;
        }
        let rest_layout = &layout[s..];
        layout = rest_layout;
        let hold = value;
        let mut range_err = "";
        let ok: Option<()> = (|| {
            match std {
                Std::Year => {
                    if value.len() < 2 || !value[..2].iter().all(u8::is_ascii_digit) {
                        return None;
                    }
                    year = i64::from(value[0] - b'0') * 10 + i64::from(value[1] - b'0');
                    value = &value[2..];
                    year += if year >= 69 { 1900 } else { 2000 };
                }
                Std::LongYear => {
                    if value.len() < 4 || !value[..4].iter().all(u8::is_ascii_digit) {
                        return None;
                    }
                    year = std::str::from_utf8(&value[..4]).ok()?.parse().ok()?;
                    value = &value[4..];
                }
                Std::Month => {
                    let short: Vec<&str> = LONG_MONTHS.iter().map(|m| &m[..3]).collect();
                    let (i, v) = lookup(&short, value)?;
                    month = i as i64 + 1;
                    value = v;
                }
                Std::LongMonth => {
                    let (i, v) = lookup(&LONG_MONTHS, value)?;
                    month = i as i64 + 1;
                    value = v;
                }
                Std::NumMonth | Std::ZeroMonth => {
                    let (m, v) = getnum(value, std == Std::ZeroMonth)?;
                    month = m;
                    value = v;
                    if !(1..=12).contains(&month) {
                        range_err = "month";
                    }
                }
                Std::WeekDay => {
                    let short: Vec<&str> = LONG_DAYS.iter().map(|m| &m[..3]).collect();
                    value = lookup(&short, value)?.1;
                }
                Std::LongWeekDay => value = lookup(&LONG_DAYS, value)?.1,
                Std::Day | Std::UnderDay | Std::ZeroDay => {
                    if std == Std::UnderDay && value.first() == Some(&b' ') {
                        value = &value[1..];
                    }
                    let (d, v) = getnum(value, std == Std::ZeroDay)?;
                    day = d;
                    value = v;
                }
                Std::UnderYearDay | Std::ZeroYearDay => {
                    for _ in 0..2 {
                        if std == Std::UnderYearDay && value.first() == Some(&b' ') {
                            value = &value[1..];
                        }
                    }
                    let (d, v) = getnum3(value, std == Std::ZeroYearDay)?;
                    yday = d;
                    value = v;
                }
                Std::Hour => {
                    let (h, v) = getnum(value, false)?;
                    hour = h;
                    value = v;
                    if !(0..24).contains(&hour) {
                        range_err = "hour";
                    }
                }
                Std::Hour12 | Std::ZeroHour12 => {
                    let (h, v) = getnum(value, std == Std::ZeroHour12)?;
                    hour = h;
                    value = v;
                    if !(0..=12).contains(&hour) {
                        range_err = "hour";
                    }
                }
                Std::Minute | Std::ZeroMinute => {
                    let (m, v) = getnum(value, std == Std::ZeroMinute)?;
                    min = m;
                    value = v;
                    if !(0..60).contains(&min) {
                        range_err = "minute";
                    }
                }
                Std::Second | Std::ZeroSecond => {
                    let (x, v) = getnum(value, std == Std::ZeroSecond)?;
                    sec = x;
                    value = v;
                    if !(0..60).contains(&sec) {
                        range_err = "second";
                        return Some(());
                    }
                    if value.len() >= 2
                        && matches!(value[0], b'.' | b',')
                        && value[1].is_ascii_digit()
                    {
                        let (_, next, _) = next_std_chunk(layout);
                        if matches!(next, Std::Frac(..)) {
                            return Some(());
                        }
                        let mut n = 2;
                        while n < value.len() && value[n].is_ascii_digit() {
                            n += 1;
                        }
                        nsec = parse_nanos(value, n)?;
                        value = &value[n..];
                    }
                }
                Std::PM | Std::Pm => {
                    if value.len() < 2 {
                        return None;
                    }
                    let p = &value[..2];
                    value = &value[2..];
                    let (pms, ams): (&[u8], &[u8]) = if std == Std::PM {
                        (b"PM", b"AM")
                    } else {
                        (b"pm", b"am")
                    };
                    if p == pms {
                        pm = true;
                    } else if p == ams {
                        am = true;
                    } else {
                        return None;
                    }
                }
                Std::Iso8601TZ
                | Std::Iso8601ShortTZ
                | Std::Iso8601ColonTZ
                | Std::Iso8601SecondsTZ
                | Std::Iso8601ColonSecondsTZ
                | Std::NumTZ
                | Std::NumShortTZ
                | Std::NumColonTZ
                | Std::NumSecondsTz
                | Std::NumColonSecondsTZ => {
                    let iso = matches!(
                        std,
                        Std::Iso8601TZ
                            | Std::Iso8601ShortTZ
                            | Std::Iso8601ColonTZ
                            | Std::Iso8601SecondsTZ
                            | Std::Iso8601ColonSecondsTZ
                    );
                    if iso && value.first() == Some(&b'Z') {
                        value = &value[1..];
                        utc_zone = true;
                        return Some(());
                    }
                    let (sign, h, m, s, rest): (u8, &[u8], &[u8], &[u8], &[u8]) = match std {
                        Std::Iso8601ColonTZ | Std::NumColonTZ => {
                            if value.len() < 6 || value[3] != b':' {
                                return None;
                            }
                            (value[0], &value[1..3], &value[4..6], b"00", &value[6..])
                        }
                        Std::NumShortTZ | Std::Iso8601ShortTZ => {
                            if value.len() < 3 {
                                return None;
                            }
                            (value[0], &value[1..3], b"00", b"00", &value[3..])
                        }
                        Std::Iso8601ColonSecondsTZ | Std::NumColonSecondsTZ => {
                            if value.len() < 9 || value[3] != b':' || value[6] != b':' {
                                return None;
                            }
                            (
                                value[0],
                                &value[1..3],
                                &value[4..6],
                                &value[7..9],
                                &value[9..],
                            )
                        }
                        Std::Iso8601SecondsTZ | Std::NumSecondsTz => {
                            if value.len() < 7 {
                                return None;
                            }
                            (
                                value[0],
                                &value[1..3],
                                &value[3..5],
                                &value[5..7],
                                &value[7..],
                            )
                        }
                        _ => {
                            if value.len() < 5 {
                                return None;
                            }
                            (value[0], &value[1..3], &value[3..5], b"00", &value[5..])
                        }
                    };
                    value = rest;
                    let hr = getnum(h, true)?.0;
                    let mm = getnum(m, true)?.0;
                    let ss = getnum(s, true)?.0;
                    if hr > 24 {
                        range_err = "time zone offset hour";
                    }
                    if mm > 60 {
                        range_err = "time zone offset minute";
                    }
                    if ss > 60 {
                        range_err = "time zone offset second";
                    }
                    let off = (hr * 60 + mm) * 60 + ss;
                    zone_offset = Some(match sign {
                        b'+' => off,
                        b'-' => -off,
                        _ => return None,
                    });
                }
                Std::TZ => {
                    if value.starts_with(b"UTC") {
                        utc_zone = true;
                        value = &value[3..];
                        return Some(());
                    }
                    let n = parse_time_zone(value)?;
                    zone_name = String::from_utf8_lossy(&value[..n]).into_owned();
                    value = &value[n..];
                }
                Std::Frac(false, n, _) => {
                    let nd = 1 + n;
                    if value.len() < nd {
                        return None;
                    }
                    nsec = parse_nanos(value, nd)?;
                    value = &value[nd..];
                }
                Std::Frac(true, _, _) => {
                    if value.len() < 2
                        || !matches!(value[0], b'.' | b',')
                        || !value[1].is_ascii_digit()
                    {
                        return Some(());
                    }
                    let mut i = 0;
                    while i + 1 < value.len() && value[i + 1].is_ascii_digit() {
                        i += 1;
                    }
                    nsec = parse_nanos(value, 1 + i)?;
                    value = &value[1 + i..];
                }
                Std::None => {}
            }
            Some(())
        })();
        if !range_err.is_empty() {
            return Err(err_msg(&format!(": {range_err} out of range")));
        }
        if ok.is_none() {
            return Err(err_elem(stdstr, hold));
        }
    }
    if pm && hour < 12 {
        hour += 12;
    } else if am && hour == 12 {
        hour = 0;
    }
    if yday >= 0 {
        let (mut d, mut m) = (0, 0);
        if is_leap(year) {
            if yday == 31 + 29 {
                m = 2;
                d = 29;
            } else if yday > 31 + 29 {
                yday -= 1;
            }
        }
        if !(1..=365).contains(&yday) {
            return Err(err_msg(": day-of-year out of range"));
        }
        if m == 0 {
            m = (yday - 1) / 31 + 1;
            if DAYS_BEFORE[m as usize] < yday {
                m += 1;
            }
            d = yday - DAYS_BEFORE[(m - 1) as usize];
        }
        if month >= 0 && month != m {
            return Err(err_msg(": day-of-year does not match month"));
        }
        month = m;
        if day >= 0 && day != d {
            return Err(err_msg(": day-of-year does not match day"));
        }
        day = d;
    } else {
        if month < 0 {
            month = 1;
        }
        if day < 0 {
            day = 1;
        }
    }
    if day < 1 || day > days_in(month, year) {
        return Err(err_msg(": day out of range"));
    }
    let civil = (year, month, day, hour, min, sec, nsec);
    if utc_zone {
        return Ok(Time::date(civil, 0, "UTC"));
    }
    if let Some(off) = zone_offset {
        if off == 0 && zone_name.is_empty() {
            return Ok(Time::date(civil, 0, "UTC"));
        }
        return Ok(Time::date(civil, off, &zone_name));
    }
    if !zone_name.is_empty() {
        let t = Time::date(civil, 0, "UTC");
        let mut offset = 0;
        if zone_name.len() > 3 && zone_name.starts_with("GMT") {
            offset = zone_name[3..]
                .trim_start_matches('+')
                .parse::<i64>()
                .unwrap_or(0)
                * 3600;
        }
        return Ok(Time {
            offset,
            zone: zone_name,
            ..t
        });
    }
    Ok(Time::date(civil, 0, "UTC"))
}

/// Go's `time.ParseDuration`, in nanoseconds.
fn parse_duration(orig: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", tquote(orig));
    let mut s = orig.as_bytes();
    let mut d: u64 = 0;
    let mut neg = false;
    if let Some(&c) = s.first()
        && (c == b'-' || c == b'+')
    {
        neg = c == b'-';
        s = &s[1..];
    }
    if s == b"0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    while !s.is_empty() {
        if !(s[0] == b'.' || s[0].is_ascii_digit()) {
            return Err(invalid());
        }
        let (v, n) = leading_int(s);
        let Some(mut v) = v else {
            return Err(invalid());
        };
        let pre = n > 0;
        s = &s[n..];
        let (mut f, mut scale, mut post) = (0u64, 1f64, false);
        if s.first() == Some(&b'.') {
            s = &s[1..];
            let mut i = 0;
            let mut overflow = false;
            while i < s.len() && s[i].is_ascii_digit() {
                if !overflow {
                    if f > (i64::MAX as u64) / 10 {
                        overflow = true;
                    } else {
                        let y = f * 10 + u64::from(s[i] - b'0');
                        if y > 1 << 63 {
                            overflow = true;
                        } else {
                            f = y;
                            scale *= 10.0;
                        }
                    }
                }
                i += 1;
            }
            post = i > 0;
            s = &s[i..];
        }
        if !pre && !post {
            return Err(invalid());
        }
        let i = s
            .iter()
            .position(|&c| c == b'.' || c.is_ascii_digit())
            .unwrap_or(s.len());
        if i == 0 {
            return Err(format!("time: missing unit in duration {}", tquote(orig)));
        }
        let u = String::from_utf8_lossy(&s[..i]).into_owned();
        s = &s[i..];
        let unit: u64 = match u.as_str() {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    tquote(&u),
                    tquote(orig)
                ));
            }
        };
        if v > (1u64 << 63) / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > 1 << 63 {
                return Err(invalid());
            }
        }
        d += v;
        if d > 1 << 63 {
            return Err(invalid());
        }
    }
    if neg {
        return Ok((d as i64).wrapping_neg());
    }
    if d > i64::MAX as u64 {
        return Err(invalid());
    }
    Ok(d as i64)
}

/// Go's `Duration.String`.
fn format_duration(d: i64) -> String {
    let neg = d < 0;
    let mut u = d.unsigned_abs();
    let frac = |u: u64, prec: usize| -> (String, u64) {
        let mut digits = String::new();
        let mut v = u;
        let mut print = false;
        for _ in 0..prec {
            let digit = v % 10;
            print = print || digit != 0;
            if print {
                digits.insert(0, (b'0' + digit as u8) as char);
            }
            v /= 10;
        }
        if print {
            digits.insert(0, '.');
        }
        (digits, v)
    };
    let mut out;
    if u < 1_000_000_000 {
        let (prec, unit) = match u {
            0 => return "0s".into(),
            u if u < 1_000 => (0, "ns"),
            u if u < 1_000_000 => (3, "\u{b5}s"),
            _ => (6, "ms"),
        };
        let (f, v) = frac(u, prec);
        out = format!("{v}{f}{unit}");
    } else {
        let (f, v) = frac(u, 9);
        u = v;
        out = format!("{}{f}s", u % 60);
        u /= 60;
        if u > 0 {
            out = format!("{}m{out}", u % 60);
            u /= 60;
            if u > 0 {
                out = format!("{u}h{out}");
            }
        }
    }
    if neg {
        out.insert(0, '-');
    }
    out
}

fn parse_rfc(s: &str) -> Result<Time, CallError> {
    parse(RFC3339_NANO, s).map_err(CallError::Msg)
}

pub static PACKAGE: Package = Package {
    path: "time",
    funcs: &[
        func!("Duration", [String], Bool, |_, a| {
            parse_duration(string(a, 0)?).map_err(CallError::Msg)?;
            Ok(Val::Bool(true))
        }),
        func!("FormatDuration", [Int], String, |_, a| Ok(Val::str(
            format_duration(int(a, 0)?)
        ))),
        func!("ParseDuration", [String], Int, |_, a| {
            parse_duration(string(a, 0)?)
                .map(Val::int)
                .map_err(CallError::Msg)
        }),
        func!("Time", [String], Bool, |_, a| time_format(
            string(a, 0)?,
            RFC3339_NANO
        )),
        func!("Format", [String, String], Bool, |_, a| time_format(
            string(a, 0)?,
            string(a, 1)?
        )),
        func!("FormatString", [String, String], String, |_, a| {
            let (layout, value) = (string(a, 0)?, string(a, 1)?);
            let t = parse_rfc(value)?;
            if layout.len() > util::MAX_RESULT_BYTES / 16 {
                return util::msg("layout too long");
            }
            Ok(Val::str(format(&t, layout)))
        }),
        func!("Parse", [String, String], String, |_, a| {
            let t = parse(string(a, 0)?, string(a, 1)?).map_err(CallError::Msg)?;
            Ok(Val::str(format(&t.utc(), RFC3339_NANO)))
        }),
        func!("Unix", [Int, Int], String, |_, a| {
            let (sec, nsec) = (int(a, 0)?, int(a, 1)?);
            let sec = sec.saturating_add(nsec.div_euclid(1_000_000_000));
            let nsec = nsec.rem_euclid(1_000_000_000);
            // Keep the year within what the calendar code handles.
            let sec = sec.clamp(-(1 << 52), 1 << 52);
            let t = Time {
                sec,
                nsec,
                offset: 0,
                zone: "UTC".into(),
            };
            Ok(Val::str(format(&t, RFC3339_NANO)))
        }),
        func!("ToUnix", [String], Int, |_, a| Ok(Val::int(
            parse_rfc(string(a, 0)?)?.sec
        ))),
        func!("ToUnixNano", [String], Int, |_, a| {
            let t = parse_rfc(string(a, 0)?)?;
            Ok(Val::int(
                t.sec.wrapping_mul(1_000_000_000).wrapping_add(t.nsec),
            ))
        }),
        func!("Split", [String], Struct, |_, a| {
            let t = parse_rfc(string(a, 0)?)?;
            let c = t.civil();
            Ok(Val::fields([
                ("year", Val::int(c.year)),
                ("month", Val::int(c.month)),
                ("day", Val::int(c.day)),
                ("hour", Val::int(c.hour)),
                ("minute", Val::int(c.min)),
                ("second", Val::int(c.sec)),
                ("nanosecond", Val::int(t.nsec)),
            ]))
        }),
    ],
    consts: &[
        ("Nanosecond", || Val::int(1)),
        ("Microsecond", || Val::int(1_000)),
        ("Millisecond", || Val::int(1_000_000)),
        ("Second", || Val::int(1_000_000_000i64)),
        ("Minute", || Val::int(60_000_000_000i64)),
        ("Hour", || Val::int(3_600_000_000_000i64)),
        ("ANSIC", || Val::str("Mon Jan _2 15:04:05 2006")),
        ("UnixDate", || Val::str("Mon Jan _2 15:04:05 MST 2006")),
        ("RubyDate", || Val::str("Mon Jan 02 15:04:05 -0700 2006")),
        ("RFC822", || Val::str("02 Jan 06 15:04 MST")),
        ("RFC822Z", || Val::str("02 Jan 06 15:04 -0700")),
        ("RFC850", || Val::str("Monday, 02-Jan-06 15:04:05 MST")),
        ("RFC1123", || Val::str("Mon, 02 Jan 2006 15:04:05 MST")),
        ("RFC1123Z", || Val::str("Mon, 02 Jan 2006 15:04:05 -0700")),
        ("RFC3339", || Val::str("2006-01-02T15:04:05Z07:00")),
        ("RFC3339Nano", || Val::str(RFC3339_NANO)),
        ("RFC3339Date", || Val::str("2006-01-02")),
        ("Kitchen", || Val::str("3:04PM")),
        ("Kitchen24", || Val::str("15:04")),
        ("January", || Val::int(1)),
        ("February", || Val::int(2)),
        ("March", || Val::int(3)),
        ("April", || Val::int(4)),
        ("May", || Val::int(5)),
        ("June", || Val::int(6)),
        ("July", || Val::int(7)),
        ("August", || Val::int(8)),
        ("September", || Val::int(9)),
        ("October", || Val::int(10)),
        ("November", || Val::int(11)),
        ("December", || Val::int(12)),
        ("Sunday", || Val::int(0)),
        ("Monday", || Val::int(1)),
        ("Tuesday", || Val::int(2)),
        ("Wednesday", || Val::int(3)),
        ("Thursday", || Val::int(4)),
        ("Friday", || Val::int(5)),
        ("Saturday", || Val::int(6)),
    ],
    cue: "",
};

fn time_format(value: &str, layout: &str) -> CallResult {
    match parse(layout, value) {
        Ok(_) => Ok(Val::Bool(true)),
        Err(_) => util::msg(format!(
            "invalid time {}",
            crate::golang::strconv::quote(value)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts() {
        let t = parse("2006-01-02T15:04:05Z07:00", "2021-02-19T13:04:05+02:00").unwrap();
        assert_eq!(format(&t.utc(), RFC3339_NANO), "2021-02-19T11:04:05Z");
        assert_eq!(
            format(&t, "Mon Jan _2 3:04PM -0700"),
            "Fri Feb 19 1:04PM +0200"
        );
        assert_eq!(
            parse("2006-01-02", "2021-02-30").unwrap_err(),
            "parsing time \"2021-02-30\": day out of range"
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1h2m3.5s"), Ok(3_723_500_000_000));
        assert_eq!(format_duration(3_723_500_000_000), "1h2m3.5s");
        assert_eq!(format_duration(1500), "1.5\u{b5}s");
        assert_eq!(
            parse_duration("1x").unwrap_err(),
            "time: unknown unit \"x\" in duration \"1x\""
        );
    }

    #[test]
    fn civil_dates() {
        for days in [-800_000i64, -1, 0, 59, 11_016, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
