//! Literal values: unquoting strings and bytes (all quote forms, escapes,
//! multi-line indentation) and reading numbers.

use super::scanner::Quote;

/// A decoded string or bytes literal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StrValue {
    String(String),
    Bytes(Vec<u8>),
}

/// Decodes a complete string or bytes literal as written in the source.
pub fn unquote(raw: &str) -> Result<StrValue, String> {
    let q = super::parser::quote_of(raw);
    let parts = decode_fragments(q, &[raw])?;
    let bytes = parts.into_iter().next().unwrap_or_default();
    finish(q, bytes)
}

/// Decodes a plain string literal; `None` for bytes or malformed input.
pub fn unquote_simple(raw: &str) -> Option<String> {
    match unquote(raw).ok()? {
        StrValue::String(s) => Some(s),
        StrValue::Bytes(_) => None,
    }
}

fn finish(q: Quote, bytes: Vec<u8>) -> Result<StrValue, String> {
    if q.is_bytes() {
        Ok(StrValue::Bytes(bytes))
    } else {
        String::from_utf8(bytes)
            .map(StrValue::String)
            .map_err(|_| "invalid UTF-8 in string literal".to_string())
    }
}

/// Decodes the literal fragments of a string, as raw source text: for a plain
/// literal the single whole literal; for an interpolation the pieces
/// `"a \(`, `) b \(`, `) c"`. Returns the decoded bytes of each fragment.
pub fn decode_fragments(q: Quote, raw: &[&str]) -> Result<Vec<Vec<u8>>, String> {
    let n = raw.len();
    let open_len = q.hashes as usize + q.count as usize;
    let close_len = open_len;
    let mut bodies: Vec<&str> = Vec::with_capacity(n);
    for (i, r) in raw.iter().enumerate() {
        let mut s = *r;
        if i == 0 {
            s = s.get(open_len..).ok_or("malformed string literal")?;
            if q.is_multiline() {
                s = s
                    .strip_prefix("\r\n")
                    .or_else(|| s.strip_prefix('\n'))
                    .ok_or("expected newline after multiline quote")?;
            }
        } else {
            s = s.strip_prefix(')').ok_or("malformed interpolation")?;
        }
        if i + 1 < n {
            // Ends with `\` + hashes + `(`.
            let cut = 1 + q.hashes as usize + 1;
            s = s
                .get(..s.len().checked_sub(cut).ok_or("malformed interpolation")?)
                .ok_or("malformed interpolation")?;
        } else {
            s = s
                .get(
                    ..s.len()
                        .checked_sub(close_len)
                        .ok_or("string literal not terminated")?,
                )
                .ok_or("malformed string literal")?;
        }
        bodies.push(s);
    }
    let mut out = Vec::with_capacity(n);
    if q.is_multiline() {
        // The closing quote's indentation is stripped from every line.
        let last = bodies[n - 1];
        let nl = last
            .rfind('\n')
            .ok_or("closing quote of a multiline string must be on its own line")?;
        let indent = &last[nl + 1..];
        if !indent.bytes().all(|b| b == b' ' || b == b'\t') {
            return Err("closing quote of a multiline string must be on its own line".into());
        }
        bodies[n - 1] = &last[..nl];
        for (i, body) in bodies.iter().enumerate() {
            let mut text = String::with_capacity(body.len());
            for (j, line) in body.split('\n').enumerate() {
                if j > 0 {
                    text.push('\n');
                }
                let line = line.strip_suffix('\r').unwrap_or(line);
                let at_line_start = j > 0 || i == 0;
                if at_line_start {
                    match line.strip_prefix(indent) {
                        Some(rest) => text.push_str(rest),
                        None if line.trim_matches([' ', '\t']).is_empty() => {}
                        None => {
                            return Err(format!(
                                "invalid whitespace in multiline string: lines must start with {indent:?}"
                            ));
                        }
                    }
                } else {
                    text.push_str(line);
                }
            }
            out.push(unescape(q, &text)?);
        }
    } else {
        for body in bodies {
            out.push(unescape(q, body)?);
        }
    }
    Ok(out)
}

fn unescape(q: Quote, s: &str) -> Result<Vec<u8>, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let h = q.hashes as usize;
    while i < b.len() {
        let c = b[i];
        if c == b'\r' {
            i += 1;
            continue;
        }
        if c != b'\\' || b[i + 1..].iter().take(h).filter(|&&x| x == b'#').count() < h {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1 + h;
        let Some(&e) = b.get(i) else {
            return Err("escape sequence not terminated".into());
        };
        i += 1;
        match e {
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            b'\\' => out.push(b'\\'),
            b'/' => out.push(b'/'),
            b'\n' => {}
            b'"' | b'\'' if e == q.ch => out.push(e),
            b'u' | b'U' => {
                let n = if e == b'u' { 4 } else { 8 };
                let hex = s.get(i..i + n).ok_or("escape sequence not terminated")?;
                let v = u32::from_str_radix(hex, 16)
                    .map_err(|_| format!("invalid escape \\{}{hex}", e as char))?;
                let ch =
                    char::from_u32(v).ok_or("escape sequence is invalid Unicode code point")?;
                let mut buf = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                i += n;
            }
            b'x' if q.is_bytes() => {
                let hex = s.get(i..i + 2).ok_or("escape sequence not terminated")?;
                out.push(
                    u8::from_str_radix(hex, 16).map_err(|_| format!("invalid escape \\x{hex}"))?,
                );
                i += 2;
            }
            b'0'..=b'7' if q.is_bytes() => {
                let oct = s
                    .get(i - 1..i + 2)
                    .ok_or("escape sequence not terminated")?;
                let v =
                    u32::from_str_radix(oct, 8).map_err(|_| format!("invalid escape \\{oct}"))?;
                if v > 255 {
                    return Err(format!("octal escape \\{oct} out of range"));
                }
                out.push(v as u8);
                i += 2;
            }
            _ => return Err(format!("unknown escape sequence \\{}", e as char)),
        }
    }
    Ok(out)
}

/// The base of an integer literal's digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Radix {
    Binary = 2,
    Octal = 8,
    Decimal = 10,
    Hex = 16,
}

/// A number literal taken apart, ready for exact conversion by the evaluator:
/// the value is `int(digits, radix) * 10^exp10 * multiplier`, truncated to an
/// integer when `is_int` (SI/IEC multipliers make ints: `1.5G`, `1.3Ki`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumLit {
    pub is_int: bool,
    pub radix: Radix,
    /// Significant digits without separators or decimal point.
    pub digits: String,
    /// Power of ten applied to `digits` (negative for fractions).
    pub exp10: i64,
    /// `K`=1000, `Ki`=1024, ... as (base, power): 1000^p or 1024^p.
    pub multiplier: Option<(u32, u32)>,
}

/// Takes apart a number literal as scanned (`1_000`, `0x1F`, `1.5e3`, `1Ki`, `.25`).
pub fn parse_number(raw: &str) -> Result<NumLit, String> {
    let s: String = raw.chars().filter(|&c| c != '_').collect();
    let (radix, body) = match s.get(..2) {
        Some("0x" | "0X") => (Radix::Hex, &s[2..]),
        Some("0o") => (Radix::Octal, &s[2..]),
        Some("0b") => (Radix::Binary, &s[2..]),
        _ => (Radix::Decimal, &s[..]),
    };
    if radix != Radix::Decimal {
        if body.is_empty() || !body.chars().all(|c| c.is_digit(radix as u32)) {
            return Err(format!("invalid number literal {raw}"));
        }
        return Ok(NumLit {
            is_int: true,
            radix,
            digits: body.to_string(),
            exp10: 0,
            multiplier: None,
        });
    }
    let mut body = body;
    let mut multiplier = None;
    for (i, p) in ["K", "M", "G", "T", "P"].iter().enumerate() {
        if let Some(b) = body.strip_suffix(&format!("{p}i")) {
            multiplier = Some((1024, i as u32 + 1));
            body = b;
            break;
        }
        if let Some(b) = body.strip_suffix(p) {
            multiplier = Some((1000, i as u32 + 1));
            body = b;
            break;
        }
    }
    let (mant, exp) = match body.find(['e', 'E']) {
        Some(i) if multiplier.is_none() => {
            let e: i64 = body[i + 1..]
                .parse()
                .map_err(|_| format!("invalid exponent in {raw}"))?;
            (&body[..i], e)
        }
        _ => (body, 0),
    };
    let (int_part, frac) = match mant.find('.') {
        Some(i) => (&mant[..i], &mant[i + 1..]),
        None => (mant, ""),
    };
    if (int_part.is_empty() && frac.is_empty())
        || !int_part
            .chars()
            .chain(frac.chars())
            .all(|c| c.is_ascii_digit())
    {
        return Err(format!("invalid number literal {raw}"));
    }
    let mut digits = format!("{int_part}{frac}");
    let trimmed = digits.trim_start_matches('0');
    digits = if trimmed.is_empty() {
        "0".into()
    } else {
        trimmed.to_string()
    };
    let is_int = multiplier.is_some() || (!mant.contains('.') && !body.contains(['e', 'E']));
    Ok(NumLit {
        is_int,
        radix,
        digits,
        exp10: exp - frac.len() as i64,
        multiplier,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(raw: &str) -> String {
        match unquote(raw).unwrap() {
            StrValue::String(s) => s,
            StrValue::Bytes(b) => panic!("bytes {b:?}"),
        }
    }

    #[test]
    fn simple_strings_and_escapes() {
        assert_eq!(s(r#""a\tb\u00e9\U0001F600\/\"""#), "a\tbé😀/\"");
        assert_eq!(s(r##"#"a\tb\#tc"#"##), "a\\tb\tc");
        assert_eq!(s(r#""""#), "");
        assert_eq!(
            unquote(r"'\x41\101\n'").unwrap(),
            StrValue::Bytes(b"AA\n".to_vec())
        );
        assert!(unquote(r#""\x41""#).is_err());
        assert!(unquote(r#""\q""#).is_err());
    }

    #[test]
    fn multiline_strips_closing_indent() {
        let raw = "\"\"\"\n\t\tline one\n\t\t  two\n\n\t\tthree\n\t\t\"\"\"";
        assert_eq!(s(raw), "line one\n  two\n\nthree");
        let raw = "#\"\"\"\n    {\"a\": \\(x)}\n    \"\"\"#";
        assert_eq!(s(raw), "{\"a\": \\(x)}");
        assert!(unquote("\"\"\"\n  a\n b\n  \"\"\"").is_err());
    }

    #[test]
    fn interpolation_fragments() {
        let q = super::super::parser::quote_of("\"a \\(");
        let parts = decode_fragments(q, &["\"a\\n \\(", ") b \\(", ") c\""]).unwrap();
        assert_eq!(
            parts,
            vec![b"a\n ".to_vec(), b" b ".to_vec(), b" c".to_vec()]
        );
    }

    #[test]
    fn numbers() {
        let n = parse_number("1_000").unwrap();
        assert_eq!((n.is_int, n.digits.as_str(), n.exp10), (true, "1000", 0));
        let n = parse_number("1.5Gi").unwrap();
        assert_eq!(
            (n.is_int, n.digits.as_str(), n.exp10, n.multiplier),
            (true, "15", -1, Some((1024, 3)))
        );
        let n = parse_number(".25e3").unwrap();
        assert_eq!((n.is_int, n.digits.as_str(), n.exp10), (false, "25", 1));
        let n = parse_number("0x1F").unwrap();
        assert_eq!((n.radix, n.digits.as_str()), (Radix::Hex, "1F"));
        assert!(parse_number("0x").is_err());
    }
}
