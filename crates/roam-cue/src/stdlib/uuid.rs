//! Package `uuid` (github.com/google/uuid semantics).

use num_bigint::{BigInt, Sign};

use super::crypto::{md5, sha1};
use super::util::{self, big_int, bytes, string};
use super::{CallError, Package, Val};
use crate::golang::strconv::quote;

fn xtob(a: u8, b: u8) -> Option<u8> {
    let h = (a as char).to_digit(16)?;
    let l = (b as char).to_digit(16)?;
    Some((h * 16 + l) as u8)
}

const OFFSETS: [usize; 16] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

fn format_err() -> CallError {
    CallError::msg("invalid UUID format")
}

fn parse_36(s: &[u8]) -> Result<[u8; 16], CallError> {
    if s[8] != b'-' || s[13] != b'-' || s[18] != b'-' || s[23] != b'-' {
        return Err(format_err());
    }
    let mut u = [0u8; 16];
    for (i, &x) in OFFSETS.iter().enumerate() {
        u[i] = xtob(s[x], s[x + 1]).ok_or_else(format_err)?;
    }
    Ok(u)
}

/// `uuid.Parse`.
fn parse(s: &str) -> Result<[u8; 16], CallError> {
    let b = s.as_bytes();
    match b.len() {
        36 => parse_36(b),
        45 => {
            if !b[..9].eq_ignore_ascii_case(b"urn:uuid:") {
                return util::msg(format!(
                    "invalid urn prefix: {}",
                    quote(&String::from_utf8_lossy(&b[..9]))
                ));
            }
            parse_36(&b[9..])
        }
        38 => parse_36(&b[1..]),
        32 => {
            let mut u = [0u8; 16];
            for (i, x) in u.iter_mut().enumerate() {
                *x = xtob(b[2 * i], b[2 * i + 1]).ok_or_else(format_err)?;
            }
            Ok(u)
        }
        n => util::msg(format!("invalid UUID length: {n}")),
    }
}

/// `uuid.Validate`.
fn validate(s: &str) -> Result<(), CallError> {
    let b = s.as_bytes();
    if b.len() == 38 && (b[0] != b'{' || b[37] != b'}') {
        return util::msg("invalid bracketed UUID format");
    }
    parse(s).map(|_| ())
}

fn format(u: &[u8; 16]) -> String {
    let h: String = u.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn hashed(
    space: &str,
    data: &[u8],
    version: u8,
    f: fn(&[u8]) -> Vec<u8>,
) -> Result<Val, CallError> {
    let ns = parse(space)?;
    let mut input = ns.to_vec();
    input.extend_from_slice(data);
    let h = f(&input);
    let mut u = [0u8; 16];
    u.copy_from_slice(&h[..16]);
    u[6] = (u[6] & 0x0f) | (version << 4);
    u[8] = (u[8] & 0x3f) | 0x80;
    Ok(Val::str(format(&u)))
}

pub static PACKAGE: Package = Package {
    path: "uuid",
    funcs: &[
        func!("Valid", [String], Bool, |_, a| {
            validate(string(a, 0)?)?;
            Ok(Val::Bool(true))
        }),
        func!("Parse", [String], String, |_, a| Ok(Val::str(format(
            &parse(string(a, 0)?)?
        )))),
        func!("URN", [String], String, |_, a| Ok(Val::str(format!(
            "urn:uuid:{}",
            format(&parse(string(a, 0)?)?)
        )))),
        func!("FromInt", [Int], String, |_, a| {
            let i = big_int(a, 0)?;
            let (_, mut b) = i.to_bytes_be();
            if b == [0] {
                b.clear();
            }
            if b.len() < 16 {
                let mut v = vec![0u8; 16 - b.len()];
                v.extend(b);
                b = v;
            }
            if b.len() != 16 {
                return util::msg(format!("invalid UUID (got {} bytes)", b.len()));
            }
            let mut u = [0u8; 16];
            u.copy_from_slice(&b);
            Ok(Val::str(format(&u)))
        }),
        func!("ToInt", [String], Int, |_, a| Ok(Val::int(
            BigInt::from_bytes_be(Sign::Plus, string(a, 0)?.as_bytes())
        ))),
        func!("Variant", [String], Int, |_, a| {
            let u = parse(string(a, 0)?)?;
            let v = match u[8] {
                x if x & 0xc0 == 0x80 => 1,
                x if x & 0xe0 == 0xc0 => 3,
                x if x & 0xe0 == 0xe0 => 4,
                _ => 2,
            };
            Ok(Val::int(v))
        }),
        func!("Version", [String], Int, |_, a| Ok(Val::int(
            parse(string(a, 0)?)?[6] >> 4
        ))),
        func!("SHA1", [String, StringOrBytes], String, |_, a| {
            hashed(string(a, 0)?, bytes(a, 1)?, 5, sha1)
        }),
        func!("MD5", [String, StringOrBytes], String, |_, a| {
            hashed(string(a, 0)?, bytes(a, 1)?, 3, md5)
        }),
    ],
    consts: &[],
    cue: r#"{
	ns: {
		DNS:  "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
		URL:  "6ba7b811-9dad-11d1-80b4-00c04fd430c8"
		OID:  "6ba7b812-9dad-11d1-80b4-00c04fd430c8"
		X500: "6ba7b814-9dad-11d1-80b4-00c04fd430c8"
		Nil:  "00000000-0000-0000-0000-000000000000"
	}
	variants: Invalid:   0
	variants: RFC4122:   1
	variants: Reserved:  2
	variants: Microsoft: 3
	variants: Future:    4
}"#,
};
